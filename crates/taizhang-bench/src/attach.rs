//! Scenario: attachments over a bad link (issue 19). A device uploads re-encoded photos in
//! chunks through the link shaper while the shaper cuts every connection every N seconds;
//! after each cut the device asks where the server stands and resumes. Measured: the time
//! against the physical limit (the photos' bytes at the link's bandwidth, plus one round trip
//! per chunk acknowledged), the bytes of chunks sent more than once (at most one chunk per
//! cut is the promise), the requests, and the server's view (every photo stored once, its
//! hash checked).

use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;
use taizhang_attach::media::{prepare_photo, samples};
use taizhang_attach::upload::Upload;
use taizhang_attach::wire::{decode_chunk, CHUNK_BYTES};
use taizhang_attach::{Caps, Kind};
use taizhang_client::blobs::BlobClient;
use taizhang_client::TransportError;

use crate::data::VillageSpec;
use crate::setup::{self, Backend, InProcessServer};
use crate::shaper::{Link, LinkSpec};

#[derive(Debug, Clone)]
pub struct Params {
    pub links: Vec<LinkSpec>,
    /// (scenario name, photos) pairs, e.g. ("a visit with 20 photos", 20).
    pub batches: Vec<(String, usize)>,
    /// The camera's photo before re-encoding (pixels).
    pub camera: (u32, u32),
    pub cut_every_s: u64,
    pub chunk_bytes: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub scenario: String,
    pub link: LinkSpec,
    pub photos: usize,
    pub chunk_bytes: usize,
    pub photo_bytes: u64,
    pub cut_every_s: u64,
    pub cuts: u64,
    /// Chunk bytes sent more than once.
    pub resent_bytes: u64,
    pub requests: u64,
    pub wire_up: u64,
    pub wire_down: u64,
    pub time_s: f64,
    /// Photo bytes at the bandwidth plus one round trip per chunk.
    pub limit_s: f64,
    pub stored: usize,
}

/// Enrolls a raw device of member 0 over the direct link and answers its token.
async fn token(server: &InProcessServer, spec: &VillageSpec) -> anyhow::Result<String> {
    let code = setup::enrollment_code(server.store.as_ref(), spec, 0, crate::now_ms()).await?;
    let parsed = taizhang_auth::EnrollmentCode::parse(&code)?;
    let secret: [u8; 32] = rand::random();
    let actor: Vec<u8> = rand::random::<[u8; 16]>().to_vec();
    let req = taizhang_sync::EnrollRequest {
        code: code.clone(),
        public_key: hex::encode(taizhang_auth::public_key(&secret)),
        actor: hex::encode(&actor),
        device_name: "bench photo phone".into(),
        signature: hex::encode(taizhang_auth::sign(&secret, &taizhang_auth::enroll_message(&parsed, &actor))),
    };
    let resp = reqwest::Client::new()
        .post(format!("{}{}", server.url, taizhang_sync::paths::ENROLL))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&req)?)
        .send()
        .await?;
    let body = resp.bytes().await?;
    let r: taizhang_sync::EnrollResponse = serde_json::from_slice(&body).context("enroll answer")?;
    Ok(r.token)
}

async fn one(p: &Params, link_spec: &LinkSpec, scenario: &str, n: usize, dir: &std::path::Path) -> anyhow::Result<Row> {
    let spec = VillageSpec::new(0, 10);
    let backend = Backend::SqliteFile(dir.join(format!("attach-{}-{n}.sqlite3", link_spec.rtt_ms)));
    let server = InProcessServer::start(&backend).await?;
    setup::seed_village(server.store.as_ref(), &spec, crate::now_ms()).await?;
    let token = token(&server, &spec).await?;
    let village = spec.id.0;
    let photos: Vec<_> = (0..n)
        .map(|i| prepare_photo(&samples::photo(p.camera.0, p.camera.1, i as u32 + 1), &Caps::default()))
        .collect::<Result<_, _>>()?;
    let photo_bytes: u64 = photos.iter().map(|ph| ph.bytes.len() as u64).sum();
    let chunks: u64 = photos.iter().map(|ph| ph.bytes.len().div_ceil(p.chunk_bytes) as u64).sum();

    let link = std::sync::Arc::new(Link::start(link_spec.clone(), server.addr()?).await?);
    let before = link.carried();
    let cutter = {
        let link = link.clone();
        let every = Duration::from_secs(p.cut_every_s.max(1));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                link.cut_now();
            }
        })
    };
    let client = BlobClient::new(&link.url(), &token)?;
    let started = Instant::now();
    let (mut sent, mut cuts, mut requests) = (0u64, 0u64, 0u64);
    for ph in &photos {
        let mut up = Upload::new(ph.hash, Kind::Jpeg, ph.bytes.len() as u64);
        up.chunk_bytes = p.chunk_bytes;
        while !up.done() {
            let Some(frame) = up.next_frame(&ph.bytes) else { break };
            let len = decode_chunk(&frame).map(|c| c.bytes.len() as u64).unwrap_or(0);
            requests += 1;
            sent += len;
            match client.send(village, &ph.hash, frame).await {
                Ok(ack) => up.on_ack(&ack)?,
                Err(TransportError::Unreachable(_)) => {
                    cuts += 1;
                    // Ask where the server stands, through the link (retried while it is cut).
                    loop {
                        requests += 1;
                        match client.resume(village, &mut up).await {
                            Ok(()) => break,
                            Err(TransportError::Unreachable(_)) => cuts += 1,
                            Err(e) => return Err(e.into()),
                        }
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    let time_s = started.elapsed().as_secs_f64();
    cutter.abort();
    let carried = link.carried().since(before);
    let stored = server.store.blob_hashes(village).await?.len();
    let limit_s = photo_bytes as f64 / link_spec.bytes_per_s() + chunks as f64 * link_spec.rtt_ms as f64 / 1000.0;
    Ok(Row {
        scenario: scenario.to_string(),
        link: link_spec.clone(),
        photos: n,
        chunk_bytes: p.chunk_bytes,
        photo_bytes,
        cut_every_s: p.cut_every_s,
        cuts,
        resent_bytes: sent.saturating_sub(photo_bytes),
        requests,
        wire_up: carried.up,
        wire_down: carried.down,
        time_s,
        limit_s,
        stored,
    })
}

pub async fn run(dir: &std::path::Path, p: &Params) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    for link in &p.links {
        for (name, n) in p.batches.iter().filter(|(_, n)| *n > 0) {
            rows.push(one(p, link, name, *n, dir).await?);
        }
    }
    Ok(rows)
}

/// The Markdown section of the rows.
pub fn markdown(rows: &[Row], header: &str) -> String {
    let mut s = String::new();
    s.push_str("# Attachments over a 2G link (issue 19)\n\n");
    s.push_str(header);
    s.push_str(
        "\n\nPhotos are re-encoded by the app (`taizhang_attach::media::prepare_photo`: long edge 1,600 px, JPEG \
         ≤ 250 KB) from a noisy synthetic camera image, then sent in chunks through the link shaper \
         (`shaper.rs`), which cuts every open connection every N seconds. After a cut the device asks the \
         server where it stands (`GET .../status`) and resumes. **Resent** = chunk bytes sent more than once \
         (the promise: at most one chunk per cut). **Limit** = the photos' bytes at the bandwidth plus one \
         round trip per chunk (each chunk waits for its durable ack).\n\n",
    );
    s.push_str(
        "| scenario | link | photos, bytes | chunk | cut every | cuts | resent (≤ cuts × chunk?) | requests | on the wire ↑/↓ | time | limit | time / limit | stored once |\n",
    );
    s.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for r in rows {
        let ok = r.resent_bytes <= r.cuts * r.chunk_bytes as u64;
        s.push_str(&format!(
            "| {} | {} | {}, {:.1} KiB | {} KiB | {} s | {} | {:.1} KiB ({}) | {} | {:.1} KiB/{:.1} KiB | {:.1} s | {:.1} s | {:.2}× | {} of {} |\n",
            r.scenario,
            r.link.name,
            r.photos,
            r.photo_bytes as f64 / 1024.0,
            r.chunk_bytes / 1024,
            r.cut_every_s,
            r.cuts,
            r.resent_bytes as f64 / 1024.0,
            if ok { "yes" } else { "**NO**" },
            r.requests,
            r.wire_up as f64 / 1024.0,
            r.wire_down as f64 / 1024.0,
            r.time_s,
            r.limit_s,
            r.time_s / r.limit_s.max(0.001),
            r.stored,
            r.photos,
        ));
    }
    s.push_str(&format!(
        "\nThis run's chunk size is in the table (`--chunk-kib`); the app sends {} KiB chunks \
         (`taizhang_attach::wire::CHUNK_BYTES`).\n",
        CHUNK_BYTES / 1024
    ));
    s
}
