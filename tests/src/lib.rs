//! Test fixtures shared by the whole-system tests: a real sync server on port 0 with a clock
//! the test moves, devices of the demo team enrolled with one-time codes, record builders,
//! and a transport that drops or repeats sync exchanges on cue.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use taizhang_client::{enroll_in_memory, HttpTransport, Ledger, Transport, TransportError};
use taizhang_doc::demo;
use taizhang_domain::{
    CheckIn, CheckInId, CheckKind, DiaryEntry, DiaryId, HouseholdId, MemberId, Timestamp, Visit, VisitId,
};
use taizhang_server_db::Account;
use taizhang_server_sqlite::SqliteStore;
use taizhang_sync_server::demo::{demo_accounts, DEMO_ADMIN, DEMO_COUNTY_STAFF, DEMO_TOWNSHIP_STAFF};
use taizhang_sync_server::{admin, router, seed_demo_village, serve, AppState, Limits};
use uuid::Uuid;

/// 2026-11-25 10:00 in Shanghai.
pub const NOW: Timestamp = 1_795_536_000_000 + 10 * 3_600_000;

/// The demo accounts by index: 0 = first secretary 李明, 1 = 王芳, 2 = 张伟 (members), then
/// the township officer, the county officer and the administrator.
pub const FIRST_SECRETARY: usize = 0;
pub const TOWNSHIP: usize = 3;
pub const COUNTY: usize = 4;
pub const ADMIN: usize = 5;

/// The demo account `i` (see [`FIRST_SECRETARY`]...).
pub fn account(i: usize) -> Account {
    demo_accounts(NOW).into_iter().nth(i).expect("demo accounts 0..=5")
}

/// Ids of the staff accounts, for readability.
pub const STAFF: [Uuid; 3] = [DEMO_TOWNSHIP_STAFF, DEMO_COUNTY_STAFF, DEMO_ADMIN];

/// A sync server on 127.0.0.1:0 with the demo village and accounts, stopped on drop. Its
/// clock stands still at [`NOW`] unless the test moves it.
#[allow(missing_debug_implementations)]
pub struct TestServer {
    pub url: String,
    pub store: SqliteStore,
    pub clock: Arc<AtomicI64>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestServer {
    pub async fn start(households: usize) -> Self {
        Self::start_with(households, Limits { requests_per_minute: 100_000, ..Limits::default() }).await
    }

    pub async fn start_with(households: usize, limits: Limits) -> Self {
        let store = SqliteStore::open_in_memory().expect("in-memory server store");
        Self::serve(store, households, limits).await
    }

    /// Serves `store` (seeding the demo village and accounts unless they are there).
    pub async fn serve(store: SqliteStore, households: usize, limits: Limits) -> Self {
        seed_demo_village(&store, households, NOW).await.expect("seed demo village");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let clock = Arc::new(AtomicI64::new(NOW));
        let c = clock.clone();
        let app = router(AppState::with(Arc::new(store.clone()), limits, Arc::new(move || c.load(Ordering::SeqCst))));
        tokio::spawn(async move {
            let _ = serve(listener, app, async {
                let _ = rx.await;
            })
            .await;
        });
        Self { url, store, clock, shutdown: Some(tx) }
    }

    pub fn transport(&self) -> HttpTransport {
        HttpTransport::new(&self.url).expect("http client")
    }

    /// Moves the server's clock.
    pub fn advance(&self, ms: i64) {
        self.clock.fetch_add(ms, Ordering::SeqCst);
    }

    /// A fresh one-time enrollment code for demo account `i`.
    pub async fn code(&self, i: usize) -> String {
        admin::new_enrollment_code(&self.store, account(i).id, self.clock.load(Ordering::SeqCst), 30)
            .await
            .expect("enrollment code")
            .display()
    }

    /// A new device of demo team member `i` (0 = first secretary 李明, 1 = 王芳, 2 = 张伟),
    /// in memory, enrolled with a fresh code.
    pub async fn device(&self, i: usize) -> Ledger {
        let code = self.code(i).await;
        enroll_in_memory(&self.transport(), &code, &format!("test phone of member {i}"), NOW).await.expect("enroll")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
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
}

/// Wraps the real HTTP transport and applies scripted faults, one per sync exchange
/// (sign-in requests pass untouched).
#[allow(missing_debug_implementations)]
pub struct FaultyTransport {
    inner: HttpTransport,
    script: Mutex<VecDeque<Fault>>,
}

impl FaultyTransport {
    pub fn new(inner: HttpTransport, script: impl IntoIterator<Item = Fault>) -> Self {
        Self { inner, script: Mutex::new(script.into_iter().collect()) }
    }
}

#[async_trait]
impl Transport for FaultyTransport {
    async fn post(&self, path: &str, body: Vec<u8>, token: Option<&str>) -> Result<Vec<u8>, TransportError> {
        if path != taizhang_sync::paths::SYNC {
            return self.inner.post(path, body, token).await;
        }
        let fault = self.script.lock().map(|mut s| s.pop_front()).ok().flatten().unwrap_or(Fault::Pass);
        match fault {
            Fault::Pass => self.inner.post(path, body, token).await,
            Fault::DropRequest => Err(TransportError::Unreachable("link dropped before sending (test)".into())),
            Fault::DropResponse => {
                self.inner.post(path, body, token).await?;
                Err(TransportError::Unreachable("link dropped during the answer (test)".into()))
            }
            Fault::Repeat => {
                self.inner.post(path, body.clone(), token).await?;
                self.inner.post(path, body, token).await
            }
        }
    }
}

/// The materialised tables of a device as canonical text.
pub fn digest(l: &Ledger) -> String {
    l.store().materialised_digest().expect("digest")
}
