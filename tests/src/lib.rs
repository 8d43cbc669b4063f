//! Test fixtures shared by the whole-system tests: a real sync server on port 0, devices of
//! the demo team, record builders, and a transport that drops or repeats exchanges on cue.

mod backend;

pub use backend::{backend_name, fresh_store, postgres_url, shared_postgres_stores};

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use taizhang_client::{HttpTransport, Ledger, Transport, TransportError};
use taizhang_doc::demo;
use taizhang_domain::{
    CheckIn, CheckInId, CheckKind, DiaryEntry, DiaryId, HouseholdId, MemberId, Timestamp, Visit, VisitId,
};
use taizhang_server_db::ServerStore;
use taizhang_sync_server::{router, seed_demo_village, serve, AppState};
use uuid::Uuid;

/// 2026-11-25 10:00 in Shanghai.
pub const NOW: Timestamp = 1_795_536_000_000 + 10 * 3_600_000;

/// A sync server on 127.0.0.1:0 with the demo village, stopped on drop; on the backend the
/// environment selects (see `backend.rs`).
#[allow(missing_debug_implementations)]
pub struct TestServer {
    pub url: String,
    pub store: Arc<dyn ServerStore>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestServer {
    pub async fn start(households: usize) -> Self {
        let store = fresh_store().await;
        seed_demo_village(store.as_ref(), households, NOW).await.expect("seed demo village");
        Self::serve_store(store).await
    }

    /// A server instance over `store` as it is (several may share one database).
    pub async fn serve_store(store: Arc<dyn ServerStore>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = router(AppState::new(store.clone()));
        tokio::spawn(async move {
            let _ = serve(listener, app, async {
                let _ = rx.await;
            })
            .await;
        });
        Self { url, store, shutdown: Some(tx) }
    }

    pub fn transport(&self) -> HttpTransport {
        HttpTransport::new(&self.url).expect("http client")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A device of demo member `i` (0 = first secretary 李明, 1 = 王芳, 2 = 张伟), in memory.
pub fn device(i: usize, device_no: u8) -> Ledger {
    let mut actor = [0u8; 16];
    actor[0] = i as u8 + 1;
    actor[1] = device_no;
    Ledger::in_memory(demo::VILLAGE, Some(demo::member_id(i)), actor).expect("in-memory ledger")
}

pub fn household(i: usize) -> HouseholdId {
    demo::households(i + 1)[i].id
}

pub fn visit(member: MemberId, household: HouseholdId, at: Timestamp, findings: &str) -> Visit {
    Visit {
        id: VisitId(Uuid::now_v7()),
        household,
        member,
        at,
        location: None,
        findings: findings.to_string(),
        needs: "希望解决饮水问题".into(),
        follow_up: "下周联系水务站".into(),
    }
}

pub fn diary(member: MemberId, at: Timestamp, text: &str) -> DiaryEntry {
    DiaryEntry {
        id: DiaryId(Uuid::now_v7()),
        member,
        date: taizhang_domain::local_date(at),
        text: text.into(),
        amends: None,
        written_at: at,
    }
}

pub fn check_in(member: MemberId, at: Timestamp) -> CheckIn {
    CheckIn { id: CheckInId(Uuid::now_v7()), member, at, kind: CheckKind::In, location: None, in_geofence: None }
}

/// What the faulty transport does with the next exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Deliver normally.
    Pass,
    /// The request never reaches the server.
    DropRequest,
    /// The server processes the request but the answer is lost.
    DropResponse,
    /// The request is delivered twice (a retry by a proxy); the second answer is returned.
    Repeat,
    /// The request is held back (the device sees a lost link) and reaches the server late,
    /// just before the device's next request: requests arrive out of order.
    Delay,
}

/// Wraps the real HTTP transport and applies scripted faults, one per exchange.
#[allow(missing_debug_implementations)]
pub struct FaultyTransport {
    inner: HttpTransport,
    script: Mutex<VecDeque<Fault>>,
    held: Mutex<Vec<Vec<u8>>>,
}

impl FaultyTransport {
    pub fn new(inner: HttpTransport, script: impl IntoIterator<Item = Fault>) -> Self {
        Self { inner, script: Mutex::new(script.into_iter().collect()), held: Mutex::new(Vec::new()) }
    }

    /// Adds a fault for a later exchange.
    pub fn then(&self, fault: Fault) {
        if let Ok(mut s) = self.script.lock() {
            s.push_back(fault);
        }
    }
}

#[async_trait]
impl Transport for FaultyTransport {
    async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let fault = self.script.lock().map(|mut s| s.pop_front()).ok().flatten().unwrap_or(Fault::Pass);
        if fault == Fault::Delay {
            if let Ok(mut h) = self.held.lock() {
                h.push(body);
            }
            return Err(TransportError::Unreachable("no answer; the request is still on its way (test)".into()));
        }
        // Late requests land first; their answers are lost.
        let late = self.held.lock().map(|mut h| std::mem::take(&mut *h)).unwrap_or_default();
        for old in late {
            let _ = self.inner.exchange(old).await;
        }
        match fault {
            Fault::Delay => unreachable!("handled above"),
            Fault::Pass => self.inner.exchange(body).await,
            Fault::DropRequest => Err(TransportError::Unreachable("link dropped before sending (test)".into())),
            Fault::DropResponse => {
                self.inner.exchange(body).await?;
                Err(TransportError::Unreachable("link dropped during the answer (test)".into()))
            }
            Fault::Repeat => {
                self.inner.exchange(body.clone()).await?;
                self.inner.exchange(body).await
            }
        }
    }
}

/// The materialised tables of a device as canonical text.
pub fn digest(l: &Ledger) -> String {
    l.store().materialised_digest().expect("digest")
}
