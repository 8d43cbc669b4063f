//! Scenario: attachments over a bad link (issue 19). A device uploads re-encoded photos in
//! chunks through the link shaper while the shaper cuts every connection every N seconds;
//! after each cut the device asks where the server stands and resumes. Measured: the time
//! against the physical limit (the photos' bytes at the link's bandwidth, plus one round trip
//! per chunk acknowledged), the bytes of chunks sent more than once (at most one chunk per
//! cut is the promise), the requests, and the server's view (every photo stored once, its
//! hash checked). A row of hours can be stopped at any moment and continued (`--state`): its
//! database and a checkpoint of what it has done stay in that directory.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use taizhang_attach::media::{prepare_photo, samples};
use taizhang_attach::upload::{ChunkSizer, Upload};
use taizhang_attach::{Caps, Kind};
use taizhang_client::blobs::BlobClient;
use taizhang_client::TransportError;

use crate::data::VillageSpec;
use crate::setup::{self, Backend, InProcessServer};
use crate::shaper::{Link, LinkSpec};

#[derive(Debug, Clone)]
pub struct Params {
    /// The rows to run, all at once (each its own server, link and device): (scenario name,
    /// photos, link), e.g. ("a visit with 20 photos", 20, 600 ms / 40 kbit/s).
    pub rows: Vec<(String, usize, LinkSpec)>,
    /// Rows of the full set left out of this run (`--rows`), named in the page with their
    /// physical limit so a reader sees what was not measured.
    pub not_run: Vec<(String, usize, LinkSpec)>,
    /// The camera's photo before re-encoding (pixels).
    pub camera: (u32, u32),
    pub cut_every_s: u64,
    /// A fixed chunk size (`--chunk-kib`), or `None`: chunks sized as the app sizes them, from
    /// the link as measured (`taizhang_attach::upload::ChunkSizer`).
    pub chunk_bytes: Option<usize>,
    /// Where each finished row is appended as a JSON line at once (a run of hours keeps what
    /// it measured even if a later row fails).
    pub partial: Option<PathBuf>,
    /// Stop each row after this many chunk requests of this run, as if the process were killed
    /// there (tests of `--state`; the next run with the same directory continues the row).
    pub stop_after_chunks: Option<u64>,
}

/// What the process held while the rows ran.
#[derive(Debug, Clone, Serialize)]
pub struct Memory {
    /// The highest resident set sampled each second while photos moved (MiB): the in-process
    /// server and every row's device together.
    pub peak_rss_mib: f64,
    /// The resident set before the first photo was prepared (MiB).
    pub start_rss_mib: f64,
    /// Photos held in memory at once by the rows' devices (each row prepares all of its
    /// photos before it starts).
    pub photos_in_memory: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub scenario: String,
    pub link: LinkSpec,
    pub photos: usize,
    /// "measured" (the app's sizer) or "fixed".
    pub chunk_mode: String,
    /// The largest chunk sent (the fixed size, or the most the sizer chose).
    pub chunk_bytes: usize,
    /// File bytes per chunk request, on average.
    pub chunk_mean_bytes: u64,
    pub photo_bytes: u64,
    pub cut_every_s: u64,
    pub cuts: u64,
    /// Chunk bytes sent more than once.
    pub resent_bytes: u64,
    pub requests: u64,
    pub wire_up: u64,
    pub wire_down: u64,
    pub time_s: f64,
    /// Photo bytes at the bandwidth plus one round trip per chunk acknowledged.
    pub limit_s: f64,
    pub stored: usize,
    /// Sign-ins during the upload (its token, one hour, expired; two requests each, counted
    /// in `requests`).
    pub sign_ins: u64,
    /// Times the row was stopped (the process killed with it, the server too) and continued
    /// from its state directory; `time_s` is the link time of its runs (see [`Progress`]).
    #[serde(default)]
    pub restarts: u64,
}

/// What a row has done, kept beside its database when the run has a state directory: a row
/// stopped at any moment (the process killed, the server with it) is continued by the same
/// command, as a phone switched off mid-upload continues when switched on again — it signs in,
/// asks where the server stands for the photo it was sending, and goes on. Written (replaced
/// whole) before every chunk request and after every acknowledgement, so a stop loses from the
/// count at most the time and wire bytes of the request it cut; the bytes of that request are
/// counted as sent (an interrupted chunk is resent).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Progress {
    secret: String,
    device: uuid::Uuid,
    /// The photos' hashes (the re-encoding is deterministic; a continued row checks them).
    hashes: Vec<String>,
    /// Photos the server acknowledged whole.
    photos_done: usize,
    sent: u64,
    cuts: u64,
    requests: u64,
    sign_ins: u64,
    acked_chunks: u64,
    chunk_requests: u64,
    largest: usize,
    time_s: f64,
    wire_up: u64,
    wire_down: u64,
    restarts: u64,
}

impl Progress {
    fn load(path: &Path) -> anyhow::Result<Option<Self>> {
        match std::fs::read(path) {
            Ok(b) => Ok(Some(serde_json::from_slice(&b).with_context(|| format!("{} does not read", path.display()))?)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Replaces the checkpoint whole (written beside it, then renamed over it).
    fn save(&self, path: &Path) -> anyhow::Result<()> {
        use std::io::Write as _;
        let tmp = path.with_extension("json.tmp");
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&serde_json::to_vec(self)?)?;
        f.sync_all()?; // the machine may stop too, not only the process
        std::fs::rename(&tmp, path)?;
        Ok(())
    }
}

/// A raw device of member 0: its key and id, to sign in again when its token expires.
struct PhotoPhone {
    secret: [u8; 32],
    device: uuid::Uuid,
}

/// Enrolls a raw device of member 0 over the direct link: the device and its first token.
async fn enroll(server: &InProcessServer, spec: &VillageSpec) -> anyhow::Result<(PhotoPhone, String)> {
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
    Ok((PhotoPhone { secret, device: r.device_id }, r.token))
}

/// Signs in again through `base` (the shaped link: two requests, as a phone pays them) when
/// the token (one hour) expired during a long upload.
async fn sign_in(base: &str, phone: &PhotoPhone) -> anyhow::Result<String> {
    let http = reqwest::Client::new();
    let c: taizhang_sync::ChallengeResponse = serde_json::from_slice(
        &http
            .post(format!("{base}{}", taizhang_sync::paths::CHALLENGE))
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?,
    )
    .context("challenge answer")?;
    let req = taizhang_sync::TokenRequest {
        device_id: phone.device,
        signature: hex::encode(taizhang_auth::sign(
            &phone.secret,
            &taizhang_auth::auth_message(phone.device, &c.challenge),
        )),
        challenge: c.challenge,
    };
    let t: taizhang_sync::TokenResponse = serde_json::from_slice(
        &http
            .post(format!("{base}{}", taizhang_sync::paths::TOKEN))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(&req)?)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?,
    )
    .context("token answer")?;
    Ok(t.token)
}

/// A client under a fresh token, signed in through `base` (a failure is a cut link).
async fn renew(base: &str, phone: &PhotoPhone) -> anyhow::Result<BlobClient> {
    Ok(BlobClient::new(base, &sign_in(base, phone).await?)?)
}

/// Signs in through the link until it is not cut, counting the requests (two a try), the
/// cuts met and the sign-in.
async fn signed_in(link: &Link, phone: &PhotoPhone, pr: &mut Progress) -> BlobClient {
    loop {
        pr.requests += 2;
        match renew(&link.url(), phone).await {
            Ok(c) => {
                pr.sign_ins += 1;
                return c;
            }
            Err(_) => pr.cuts += 1,
        }
    }
}

/// An expired token's refusal.
fn expired(e: &TransportError) -> bool {
    matches!(e, TransportError::Status { status: 401, .. })
}

/// The row's files in `dir`: its database and its checkpoint.
fn row_files(dir: &Path, n: usize, link: &LinkSpec) -> (PathBuf, PathBuf) {
    let stem = format!("attach-{n}-{}ms-{}kbit", link.rtt_ms, link.kbit_s);
    (dir.join(format!("{stem}.sqlite3")), dir.join(format!("{stem}.progress.json")))
}

async fn one(p: &Params, link_spec: &LinkSpec, scenario: &str, n: usize, dir: &Path) -> anyhow::Result<Row> {
    let spec = VillageSpec::new(0, 10);
    let (db, checkpoint) = row_files(dir, n, link_spec);
    let before_run = Progress::load(&checkpoint)?;
    let server = InProcessServer::start(&Backend::SqliteFile(db)).await?;
    setup::seed_village(server.store.as_ref(), &spec, crate::now_ms()).await?;
    let village = spec.id.0;
    // Re-encoding is CPU work of seconds a photo: off the async workers, so rows running at
    // the same time keep moving their chunks meanwhile.
    let camera = p.camera;
    let photos: Vec<_> = tokio::task::spawn_blocking(move || {
        (0..n)
            .map(|i| prepare_photo(&samples::photo(camera.0, camera.1, i as u32 + 1), &Caps::default()))
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .context("re-encoding the photos")??;
    let photo_bytes: u64 = photos.iter().map(|ph| ph.bytes.len() as u64).sum();
    let hashes: Vec<String> = photos.iter().map(|ph| hex::encode(ph.hash)).collect();

    let link = std::sync::Arc::new(Link::start(link_spec.clone(), server.addr()?).await?);
    let before = link.carried();
    // A new row enrolls its phone over the direct link; a continued one is the same phone,
    // back on: it signs in through the link (its token is long expired), as a phone pays it.
    let (phone, token, mut pr) = match before_run {
        None => {
            let (phone, token) = enroll(&server, &spec).await?;
            let pr = Progress {
                secret: hex::encode(phone.secret),
                device: phone.device,
                hashes: hashes.clone(),
                ..Progress::default()
            };
            (phone, Some(token), pr)
        }
        Some(mut pr) => {
            anyhow::ensure!(
                pr.hashes == hashes,
                "{} was written for other photos (the re-encoding changed): remove it to start the row again",
                checkpoint.display()
            );
            let secret: [u8; 32] = hex::decode(&pr.secret)?
                .try_into()
                .map_err(|_| anyhow::anyhow!("{}: the phone's key is not 32 bytes", checkpoint.display()))?;
            let phone = PhotoPhone { secret, device: pr.device };
            if pr.photos_done < n {
                pr.restarts += 1;
            }
            (phone, None, pr)
        }
    };
    pr.save(&checkpoint)?;
    let (time_base, wire_base) = (pr.time_s, (pr.wire_up, pr.wire_down));
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
    let started = Instant::now();
    // Brings the checkpoint's clock and wire bytes up to now and writes it.
    let save = |pr: &mut Progress| -> anyhow::Result<()> {
        pr.time_s = time_base + started.elapsed().as_secs_f64();
        let carried = link.carried().since(before);
        (pr.wire_up, pr.wire_down) = (wire_base.0 + carried.up, wire_base.1 + carried.down);
        pr.save(&checkpoint)
    };
    let mut client = match token {
        Some(token) => BlobClient::new(&link.url(), &token)?,
        // A finished row moves nothing: no sign-in.
        None if pr.photos_done >= n => BlobClient::new(&link.url(), "")?,
        None => signed_in(&link, &phone, &mut pr).await,
    };
    let mut this_run = 0u64;
    // One sizer for the row, as the app keeps one for a transfer.
    let mut sizer = ChunkSizer::default();
    while pr.photos_done < n {
        let ph = &photos[pr.photos_done];
        let mut up = Upload::new(ph.hash, Kind::Jpeg, ph.bytes.len() as u64);
        if pr.restarts > 0 && this_run == 0 {
            // Back on after a stop: where does the server stand with this photo? (Also with
            // the next ones, while the server has them whole: a checkpoint may be a little
            // behind the server.)
            resume(&mut client, &link, &phone, village, &mut up, &mut pr).await?;
            if up.done() && pr.photos_done + 1 < n {
                pr.photos_done += 1;
                save(&mut pr)?;
                continue;
            }
        }
        while !up.done() {
            if p.stop_after_chunks.is_some_and(|k| this_run >= k) {
                cutter.abort();
                anyhow::bail!("stopped after {this_run} chunk requests (--stop-after-chunks)");
            }
            up.chunk_bytes = p.chunk_bytes.unwrap_or(sizer.chunk_bytes());
            let Some(frame) = up.next_frame(&ph.bytes) else { break };
            let len = up.next_len() as u64;
            pr.requests += 1;
            pr.chunk_requests += 1;
            pr.sent += len;
            pr.largest = pr.largest.max(len as usize);
            this_run += 1;
            save(&mut pr)?;
            let sent_at = Instant::now();
            match client.send(village, &ph.hash, frame).await {
                Ok(ack) => {
                    sizer.on_acked(len as usize, sent_at.elapsed().as_millis() as u64);
                    pr.acked_chunks += 1;
                    up.on_ack(&ack)?
                }
                Err(e) if matches!(e, TransportError::Unreachable(_)) || expired(&e) => {
                    if expired(&e) {
                        // An upload of over an hour outlives its token: sign in again through
                        // the link (retried while it is cut), then ask where the server stands.
                        client = signed_in(&link, &phone, &mut pr).await;
                    } else {
                        pr.cuts += 1;
                        sizer.on_cut();
                    }
                    resume(&mut client, &link, &phone, village, &mut up, &mut pr).await?;
                }
                Err(e) => return Err(e.into()),
            }
            save(&mut pr)?;
        }
        pr.photos_done += 1;
        save(&mut pr)?;
    }
    cutter.abort();
    let stored = server.store.blob_hashes(village).await?.len();
    let limit_s =
        photo_bytes as f64 / link_spec.bytes_per_s() + pr.acked_chunks as f64 * link_spec.rtt_ms as f64 / 1000.0;
    Ok(Row {
        scenario: scenario.to_string(),
        link: link_spec.clone(),
        photos: n,
        chunk_mode: if p.chunk_bytes.is_some() { "fixed" } else { "measured" }.into(),
        chunk_bytes: pr.largest,
        chunk_mean_bytes: pr.sent / pr.chunk_requests.max(1),
        photo_bytes,
        cut_every_s: p.cut_every_s,
        cuts: pr.cuts,
        resent_bytes: pr.sent.saturating_sub(photo_bytes),
        requests: pr.requests,
        wire_up: pr.wire_up,
        wire_down: pr.wire_down,
        time_s: pr.time_s,
        limit_s,
        stored,
        sign_ins: pr.sign_ins,
        restarts: pr.restarts,
    })
}

/// Asks where the server stands with `up`, through the link: retried while it is cut, signing
/// in again when the token expired meanwhile.
async fn resume(
    client: &mut BlobClient,
    link: &Link,
    phone: &PhotoPhone,
    village: uuid::Uuid,
    up: &mut Upload,
    pr: &mut Progress,
) -> anyhow::Result<()> {
    loop {
        pr.requests += 1;
        match client.resume(village, up).await {
            Ok(()) => return Ok(()),
            Err(TransportError::Unreachable(_)) => pr.cuts += 1,
            Err(e) if expired(&e) => *client = signed_in(link, phone, pr).await,
            Err(e) => return Err(e.into()),
        }
    }
}

/// The resident set of this process now, in MiB.
fn rss_mib() -> f64 {
    crate::measure::proc_status_kb(None, "VmRSS:").map(|kb| kb as f64 / 1024.0).unwrap_or(0.0)
}

/// Runs every row at once (each on its own server, link and device: the links do not share
/// bandwidth, so rows of hours run side by side) and samples the process's memory meanwhile.
pub async fn run(dir: &std::path::Path, p: &Params) -> anyhow::Result<(Vec<Row>, Memory)> {
    let start_rss_mib = rss_mib();
    let peak = std::sync::Arc::new(std::sync::Mutex::new(start_rss_mib));
    let sampler = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                let now = rss_mib();
                if let Ok(mut p) = peak.lock() {
                    *p = p.max(now);
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    };
    let mut tasks = Vec::new();
    for (name, n, link) in p.rows.iter().filter(|(_, n, _)| *n > 0).cloned() {
        let (p, dir) = (p.clone(), dir.to_path_buf());
        tasks.push(tokio::spawn(async move {
            let row = one(&p, &link, &name, n, &dir).await;
            // Each row as soon as it ends (rows take up to hours: a later failure loses none).
            if let (Ok(r), Some(path)) = (&row, &p.partial) {
                if let Ok(line) = serde_json::to_string(r) {
                    use std::io::Write as _;
                    let file = std::fs::OpenOptions::new().create(true).append(true).open(path);
                    if let Ok(mut f) = file {
                        let _ = writeln!(f, "{line}");
                    }
                }
            }
            row
        }));
    }
    // Every row runs to its end or to its own stop before an error is reported: a failed row
    // does not cut the others short, and `--stop-after-chunks` stops each row at that point
    // (returning at the first error let a slow row be killed with the process before its first
    // checkpoint — the smoke test then found it never stopped).
    let mut ended = Vec::new();
    for t in tasks {
        ended.push(t.await.context("a row's task").and_then(|row| row));
    }
    let rows = ended.into_iter().collect::<anyhow::Result<Vec<Row>>>()?;
    sampler.abort();
    let peak_rss_mib = peak.lock().map(|p| *p).unwrap_or(0.0).max(rss_mib());
    let photos_in_memory = rows.iter().map(|r| r.photos).sum();
    Ok((rows, Memory { peak_rss_mib, start_rss_mib, photos_in_memory }))
}

/// The Markdown section of the rows.
pub fn markdown(rows: &[Row], memory: &Memory, not_run: &[(String, usize, LinkSpec)], header: &str) -> String {
    let mut s = String::new();
    s.push_str("# Attachments over a 2G link (issue 19)\n\n");
    s.push_str(header);
    s.push_str(
        "\n\nPhotos are re-encoded by the app (`taizhang_attach::media::prepare_photo`: long edge 1,600 px, JPEG \
         ≤ 250 KB) from a noisy synthetic camera image, then sent in chunks through the link shaper \
         (`shaper.rs`), which cuts every open connection every N seconds. After a cut the device asks the \
         server where it stands (`GET .../status`) and resumes. **Resent** = chunk bytes sent more than once \
         (the promise: at most one chunk per cut). **Limit** = the photos' bytes at the bandwidth plus one \
         round trip per chunk acknowledged (each chunk waits for its durable ack). **Chunk**: *measured* = \
         sized as the app sizes them, from the link as measured (`taizhang_attach::upload::ChunkSizer`: about \
         6 s on the air, 16–64 KiB, halved after a cut), shown as mean / largest; *fixed* = `--chunk-kib`.\n\n",
    );
    s.push_str(
        "| scenario | link | photos, bytes | chunk | cut every | cuts | resent (≤ cuts × chunk?) | requests (sign-ins) | on the wire ↑/↓ | time | limit | time / limit | stored once |\n",
    );
    s.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for r in rows {
        let ok = r.resent_bytes <= r.cuts * r.chunk_bytes as u64;
        s.push_str(&format!(
            "| {} | {} | {}, {:.1} KiB | {} | {} s | {} | {:.1} KiB ({}) | {} ({}) | {:.1} KiB/{:.1} KiB | {:.1} s | {:.1} s | {:.2}× | {} of {} |\n",
            r.scenario,
            r.link.name,
            r.photos,
            r.photo_bytes as f64 / 1024.0,
            if r.chunk_mode == "fixed" {
                format!("fixed {} KiB", r.chunk_bytes / 1024)
            } else {
                format!("measured {:.1} / {} KiB", r.chunk_mean_bytes as f64 / 1024.0, r.chunk_bytes / 1024)
            },
            r.cut_every_s,
            r.cuts,
            r.resent_bytes as f64 / 1024.0,
            if ok { "yes" } else { "**NO**" },
            r.requests,
            r.sign_ins,
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
        "\n**Memory** (the rows ran at the same time in one process: the server and every row's device, \
         {} photos held in memory at once): resident {:.1} MiB before the first photo, **peak {:.1} MiB** \
         while they moved (sampled each second).\n",
        memory.photos_in_memory, memory.start_rss_mib, memory.peak_rss_mib
    ));
    for r in rows.iter().filter(|r| r.restarts > 0) {
        s.push_str(&format!(
            "\n**Stopped and continued:** the row \"{} over {}\" was stopped {} time(s) mid-upload (the process \
             killed, its in-process server with it) and continued from its state directory (`--state`), as a \
             phone switched off and on again: it signed in through the link and asked where the server stood. \
             Its time is the link time of its runs (a stop loses from the count at most the request it cut; the \
             bytes of that request count as sent again); the memory above is the last run's.\n",
            r.scenario, r.link.name, r.restarts
        ));
    }
    if !not_run.is_empty() {
        s.push_str(
            "\n**Not run this time** (left out with `--rows`; each row's physical limit at ~200 KiB a photo):\n",
        );
        for (name, n, link) in not_run {
            let limit_s =
                (*n as f64 * 200.0 * 1024.0) / link.bytes_per_s() + (*n as f64 * 7.0) * link.rtt_ms as f64 / 1000.0;
            s.push_str(&format!("- {name} over {}: about {:.0} minutes at the limit.\n", link.name, limit_s / 60.0));
        }
    }
    s
}

/// Parses `--rows`: `photos@rtt_ms:kbit_s`, comma-separated (e.g. `20@600:40,100@600:40`).
pub fn parse_rows(text: &str) -> Result<Vec<(usize, LinkSpec)>, String> {
    text.split(',')
        .filter(|t| !t.trim().is_empty())
        .map(|t| {
            let bad = || format!("a row is photos@rtt_ms:kbit_s, e.g. 20@600:40 (got {t:?})");
            let (n, link) = t.trim().split_once('@').ok_or_else(bad)?;
            let (rtt, kbit) = link.split_once(':').ok_or_else(bad)?;
            let n: usize = n.parse().map_err(|_| bad())?;
            let (rtt, kbit): (u64, u64) = (rtt.parse().map_err(|_| bad())?, kbit.parse().map_err(|_| bad())?);
            if n == 0 || kbit == 0 {
                return Err(bad());
            }
            Ok((n, LinkSpec::new(rtt, kbit)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_photos_at_a_link() {
        let rows = parse_rows("20@600:40, 100@1000:20").expect("rows");
        assert_eq!(
            rows.iter().map(|(n, l)| (*n, l.rtt_ms, l.kbit_s)).collect::<Vec<_>>(),
            vec![(20, 600, 40), (100, 1000, 20)]
        );
        for bad in ["20", "20@600", "x@600:40", "0@600:40", "20@600:0"] {
            assert!(parse_rows(bad).is_err(), "{bad} refused");
        }
    }
}
