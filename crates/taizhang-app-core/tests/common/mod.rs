//! What the app-core tests share: a real sync server on a port of the test's choosing, and a
//! village made on the spot.
// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::sync::Arc;

use taizhang_server_sqlite::SqliteStore;
use taizhang_sync_server::{router, serve, AppState};

/// A sync server over `store` on `listen` (port 0, or an address it held before); stopped by
/// [`Server::stop`].
pub struct Server {
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    pub async fn start(store: SqliteStore, listen: &str) -> Self {
        Self::start_with(AppState::new(Arc::new(store)), listen).await
    }

    /// A server whose clock runs `ahead_ms` before the real one (e.g. back after a token's hour).
    pub async fn start_ahead(store: SqliteStore, listen: &str, ahead_ms: i64) -> Self {
        let clock = Arc::new(move || taizhang_server_db::system_clock() + ahead_ms);
        let state = AppState::with(Arc::new(store), taizhang_sync_server::Limits::default(), clock);
        Self::start_with(state, listen).await
    }

    async fn start_with(state: AppState, listen: &str) -> Self {
        let listener = tokio::net::TcpListener::bind(listen).await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = router(state);
        let done = tokio::spawn(async move {
            let _ = serve(listener, app, async {
                let _ = rx.await;
            })
            .await;
        });
        Self { url, stop: Some(tx), done: Some(done) }
    }
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(d) = self.done.take() {
            let _ = d.await;
        }
    }
}

/// Two field apps joined to a fresh demo village on a real server on port 0: `a` is 李明 (the
/// first secretary), `b` is 王芳; the months are counted from the real clock. The server can be
/// stopped and started again at `addr` on the same `store`. Keep `dir` alive: it holds the stores.
/// The demo village (5 households) on an in-memory server store, its one-time codes by demo
/// account, and a server on a free port: `(store, now, codes, server)`.
#[allow(dead_code)] // not every test file uses it
pub async fn demo_server() -> (SqliteStore, i64, Vec<String>, Server) {
    let store = SqliteStore::open_in_memory().expect("server store");
    let now = chrono::Utc::now().timestamp_millis();
    taizhang_sync_server::seed_demo_village(&store, 5, now).await.expect("seed");
    let codes: Vec<String> = taizhang_sync_server::demo::demo_codes(&store, now)
        .await
        .expect("codes")
        .into_iter()
        .map(|(_, c)| c.display())
        .collect();
    let server = Server::start(store.clone(), "127.0.0.1:0").await;
    (store, now, codes, server)
}

#[allow(dead_code)] // not every test file uses it
pub struct TwoPhones {
    pub dir: tempfile::TempDir,
    pub store: SqliteStore,
    pub server: Server,
    pub addr: String,
    pub a: taizhang_app_core::AppCore,
    pub b: taizhang_app_core::AppCore,
    pub today: chrono::NaiveDate,
    pub this_month: taizhang_domain::YearMonth,
    pub last_month: taizhang_domain::YearMonth,
}

#[allow(dead_code)]
impl TwoPhones {
    pub async fn join() -> Self {
        use taizhang_app_core::contract::JoinRequest;
        let dir = tempfile::tempdir().expect("temp dir");
        let (store, now, codes, server) = demo_server().await;
        let addr = server.url.trim_start_matches("http://").to_string();
        let clock = taizhang_app_core::system_clock();
        let today = taizhang_domain::local_date(now);
        let this_month = taizhang_domain::YearMonth::of(today);
        let last_month = taizhang_domain::YearMonth::of(this_month.first_day().pred_opt().expect("a day before"));
        let open = |name: &str| {
            let p = dir.path().join(name);
            taizhang_app_core::AppCore::open(p.clone(), p.with_extension("settings.json"), None, clock.clone())
                .expect("open")
        };
        let (a, b) = (open("a.sqlite3"), open("b.sqlite3"));
        a.join(JoinRequest { server_url: server.url.clone(), code: codes[0].clone() }).await.expect("李明 joins");
        b.join(JoinRequest { server_url: server.url.clone(), code: codes[1].clone() }).await.expect("王芳 joins");
        Self { dir, store, server, addr, a, b, today, this_month, last_month }
    }
}

/// 李明's app over a store made on the spot with the demo village, its team and three
/// households (no server: the address answers nothing), at the fixed clock `now`.
#[allow(dead_code)] // not every test file uses it
pub fn core_with_village(
    dir: &std::path::Path,
    now: i64,
) -> (taizhang_app_core::AppCore, Vec<taizhang_domain::Household>) {
    use taizhang_doc::demo;
    let path = dir.join("li.sqlite3");
    let hs = demo::households(3);
    {
        let mut l = taizhang_client::Ledger::create(&path, demo::VILLAGE, Some(demo::member_id(0)), [1; 16])
            .expect("create ledger");
        l.put_village(&demo::village(), 0).expect("village");
        for m in demo::members() {
            l.put_member(&m, 0).expect("member");
        }
        for h in &hs {
            l.put_household(h, 0).expect("household");
        }
    }
    let core = taizhang_app_core::AppCore::open(
        path.clone(),
        path.with_extension("settings.json"),
        Some("http://127.0.0.1:9"),
        Arc::new(move || now),
    )
    .expect("open");
    (core, hs)
}

/// A visit with only its household and what was found (no needs, promise, place or time).
pub fn visit_input(
    household: impl Into<String>,
    findings: impl Into<String>,
) -> taizhang_app_core::contract::VisitInput {
    taizhang_app_core::contract::VisitInput {
        household_id: household.into(),
        findings: findings.into(),
        needs: String::new(),
        follow_up: String::new(),
        location: None,
        promise_due: None,
        at: None,
        amends: None,
        close: Vec::new(),
        attachments: Vec::new(),
    }
}
