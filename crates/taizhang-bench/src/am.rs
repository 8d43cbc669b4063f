//! The baseline: Automerge's standard sync protocol (`automerge::sync`), message by message,
//! over the same shaped link. A tiny HTTP endpoint of the bench plays the server: each round
//! trip carries one sync message per document in each direction (all documents of the
//! village in parallel, so the round count is the protocol's, not documents × rounds), and
//! every body gets the same compression as Taizhang's (postcard inside zstd level 9).
//! Documents the device does not have yet are announced by the server's messages (Automerge
//! itself has no document discovery). The server holds its documents and per-peer sync
//! states in memory (no fsync: a favour to the baseline).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, Context};
use automerge::sync::{Message, State, SyncDoc};
use automerge::Automerge;
use axum::body::Bytes;
use axum::extract::State as AxState;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use taizhang_client::Ledger;
use taizhang_server_db::ServerStore;
use uuid::Uuid;

/// One HTTP body of the baseline: (document, sync message) pairs.
type Messages = Vec<(String, Vec<u8>)>;

#[derive(serde::Serialize, serde::Deserialize)]
struct AmRequest {
    peer: u64,
    messages: Messages,
}

const ZSTD_LEVEL: i32 = 9; // the level taizhang-sync's codec uses

fn encode<T: serde::Serialize>(v: &T) -> anyhow::Result<Vec<u8>> {
    Ok(zstd::bulk::compress(&postcard::to_allocvec(v)?, ZSTD_LEVEL)?)
}

fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> anyhow::Result<T> {
    let plain = zstd::stream::decode_all(body)?;
    Ok(postcard::from_bytes(&plain)?)
}

/// A set of documents by name, with one sync state per (peer, document).
#[derive(Debug, Default)]
pub struct DocSet {
    pub docs: BTreeMap<String, Automerge>,
    pub states: HashMap<(u64, String), State>,
}

impl DocSet {
    /// The server's documents of `village`, as its store holds them.
    pub async fn from_server(store: &dyn ServerStore, village: Uuid) -> anyhow::Result<Self> {
        let mut set = DocSet::default();
        for name in store.docs(village).await? {
            let mut doc = Automerge::new();
            for chunk in store.doc_changes(village, &name).await? {
                taizhang_sync::load_untrusted(&mut doc, &chunk).map_err(anyhow::Error::msg)?;
            }
            set.docs.insert(name, doc);
        }
        Ok(set)
    }

    /// The device's documents, as its store holds them.
    pub fn from_device(ledger: &Ledger) -> anyhow::Result<Self> {
        let mut set = DocSet::default();
        for (name, chunks) in ledger.store().load_docs()? {
            let mut doc = Automerge::new();
            for chunk in chunks {
                taizhang_sync::load_untrusted(&mut doc, &chunk).map_err(anyhow::Error::msg)?;
            }
            set.docs.insert(name, doc);
        }
        Ok(set)
    }

    /// Takes in `peer`'s messages, then generates a message for every document (creating the
    /// ones the peer announced).
    fn round(&mut self, peer: u64, incoming: Messages) -> anyhow::Result<Messages> {
        for (name, bytes) in incoming {
            let msg = Message::decode(&bytes).map_err(|e| anyhow!("bad sync message for {name}: {e}"))?;
            let doc = self.docs.entry(name.clone()).or_default();
            let state = self.states.entry((peer, name)).or_default();
            doc.receive_sync_message(state, msg)?;
        }
        let mut out = Vec::new();
        for (name, doc) in &self.docs {
            let state = self.states.entry((peer, name.clone())).or_default();
            if let Some(msg) = doc.generate_sync_message(state) {
                out.push((name.clone(), msg.encode()));
            }
        }
        Ok(out)
    }

    /// Keeps only what a persisted sync state keeps (the shared heads), as a peer that
    /// stored its states at the last sync and restarted would have.
    pub fn persist_states(&mut self) -> anyhow::Result<()> {
        for state in self.states.values_mut() {
            *state = State::decode(&state.encode()).map_err(|e| anyhow!("sync state: {e}"))?;
        }
        Ok(())
    }

    pub fn heads(&self) -> BTreeMap<String, Vec<automerge::ChangeHash>> {
        self.docs.iter().map(|(n, d)| (n.clone(), d.get_heads())).collect()
    }
}

/// Syncs `a` (peer 1 of `b`) and `b` (peer 0 of `a`) directly in memory until both are quiet
/// (to give both the sync states a previous session would have left).
pub fn sync_in_memory(a: &mut DocSet, b: &mut DocSet) -> anyhow::Result<()> {
    let mut to_b = a.round(0, Vec::new())?;
    for _ in 0..64 {
        let to_a = b.round(1, to_b)?;
        if to_a.is_empty() {
            return Ok(());
        }
        to_b = a.round(0, to_a)?;
    }
    Err(anyhow!("in-memory Automerge sync did not settle"))
}

/// The baseline's server endpoint (`POST /am/sync`) on 127.0.0.1:0.
pub struct AmServer {
    pub addr: std::net::SocketAddr,
    pub set: Arc<Mutex<DocSet>>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for AmServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AmServer").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl Drop for AmServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(AxState(set): AxState<Arc<Mutex<DocSet>>>, body: Bytes) -> Result<Vec<u8>, StatusCode> {
    let out = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<u8>> {
        let req: AmRequest = decode(&body)?;
        let mut set = set.lock().map_err(|_| anyhow!("poisoned"))?;
        encode(&set.round(req.peer, req.messages)?)
    })
    .await;
    match out {
        Ok(Ok(body)) => Ok(body),
        _ => Err(StatusCode::BAD_REQUEST),
    }
}

impl AmServer {
    pub async fn start(set: DocSet) -> anyhow::Result<Self> {
        let set = Arc::new(Mutex::new(set));
        let app = Router::new().route("/am/sync", post(handle)).with_state(set.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, set, task })
    }
}

/// What one baseline session did.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct AmReport {
    pub requests: u32,
    pub bytes_up: u64,
    pub bytes_down: u64,
}

/// Runs the device side of the baseline against `url` until neither side has anything to say.
pub async fn sync_over_http(device: &mut DocSet, peer: u64, url: &str) -> anyhow::Result<AmReport> {
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(600)).build()?;
    let mut report = AmReport::default();
    let mut outgoing = device.round(0, Vec::new())?;
    for _ in 0..256 {
        let body = encode(&AmRequest { peer, messages: outgoing })?;
        report.requests += 1;
        report.bytes_up += body.len() as u64;
        let resp = client.post(format!("{url}/am/sync")).body(body).send().await.context("baseline request")?;
        if !resp.status().is_success() {
            return Err(anyhow!("baseline server answered {}", resp.status()));
        }
        let answer = resp.bytes().await?;
        report.bytes_down += answer.len() as u64;
        let incoming: Messages = decode(&answer)?;
        outgoing = device.round(0, incoming)?;
        // The server only speaks in answers: once the device has nothing to say, both are done.
        if outgoing.is_empty() {
            return Ok(report);
        }
    }
    Err(anyhow!("the baseline did not settle in 256 round trips"))
}
