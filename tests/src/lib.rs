//! Test fixtures shared by the whole-system tests: a real sync server on port 0 with a clock
//! the test moves, devices of the demo team enrolled with one-time codes, record builders,
//! and a transport that drops or repeats sync exchanges on cue.

mod backend;

pub use backend::{backend_name, fresh_store, postgres_url, shared_postgres_stores};

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use taizhang_client::{enroll_in_memory, HttpTransport, Ledger, Transport, TransportError};
use taizhang_doc::demo;
use taizhang_domain::{
    CheckIn, CheckInId, CheckKind, DiaryEntry, DiaryId, HouseholdId, MemberId, Timestamp, Visit, VisitId,
};
use taizhang_server_db::{Account, ServerBackend};
use taizhang_sync_server::demo::{demo_accounts, DEMO_ADMIN, DEMO_COUNTY_STAFF, DEMO_TOWNSHIP_STAFF};
use taizhang_sync_server::{admin, router, seed_demo_village, serve_with, AppState, Limits, ServeConfig};
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

/// A sync server on 127.0.0.1:0 with the demo village and accounts, stopped on drop, on the
/// backend the environment selects (see `backend.rs`). Its clock stands still at [`NOW`]
/// unless the test moves it.
#[allow(missing_debug_implementations)]
pub struct TestServer {
    pub url: String,
    pub store: Arc<dyn ServerBackend>,
    pub clock: Arc<AtomicI64>,
    /// The county view's state (read model), to watch it follow the syncs.
    pub county: taizhang_county_web::CountyState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestServer {
    pub async fn start(households: usize) -> Self {
        Self::start_with(households, Limits { requests_per_minute: 100_000, ..Limits::default() }).await
    }

    pub async fn start_with(households: usize, limits: Limits) -> Self {
        Self::serve(fresh_store().await, households, limits).await
    }

    /// Serves `store` (seeding the demo village and accounts unless they are there).
    pub async fn serve(store: Arc<dyn ServerBackend>, households: usize, limits: Limits) -> Self {
        seed_demo_village(store.as_ref(), households, NOW).await.expect("seed demo village");
        Self::serve_with(store, limits, ServeConfig::default()).await
    }

    /// The demo village served with the given connection limits (cap, header and body deadlines).
    pub async fn start_connections(households: usize, config: ServeConfig) -> Self {
        let store = fresh_store().await;
        seed_demo_village(store.as_ref(), households, NOW).await.expect("seed demo village");
        Self::serve_with(store, Limits { requests_per_minute: 100_000, ..Limits::default() }, config).await
    }

    /// A server instance over `store` as it is (several may share one database).
    pub async fn serve_store(store: Arc<dyn ServerBackend>) -> Self {
        Self::serve_with(store, Limits { requests_per_minute: 100_000, ..Limits::default() }, ServeConfig::default())
            .await
    }

    /// The demo village, its county (惠水县) judged by `policy` (a county's own policy file).
    pub async fn start_with_county_policy(households: usize, policy: taizhang_rules::Policy) -> Self {
        let store = fresh_store().await;
        seed_demo_village(store.as_ref(), households, NOW).await.expect("seed demo village");
        let per_county = std::collections::HashMap::from([(taizhang_sync_server::demo::DEMO_COUNTY, policy)]);
        let limits = Limits { requests_per_minute: 100_000, ..Limits::default() };
        Self::serve_state(store, limits, ServeConfig::default(), |s| {
            s.with_policies(taizhang_rules::Policy::default(), per_county)
        })
        .await
    }

    async fn serve_with(store: Arc<dyn ServerBackend>, limits: Limits, config: ServeConfig) -> Self {
        Self::serve_state(store, limits, config, |s| s).await
    }

    /// Serves `store` with the state `adapt` makes of the default one (policies, say).
    async fn serve_state(
        store: Arc<dyn ServerBackend>,
        limits: Limits,
        config: ServeConfig,
        adapt: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let clock = Arc::new(AtomicI64::new(NOW));
        let c = clock.clone();
        let state = adapt(AppState::with(store.clone(), limits, Arc::new(move || c.load(Ordering::SeqCst))));
        let county = state.county.clone();
        let refresher = taizhang_county_web::spawn_read_model(&state.county);
        let app = router(state);
        tokio::spawn(async move {
            let _ = serve_with(
                listener,
                app,
                async {
                    let _ = rx.await;
                },
                config,
            )
            .await;
            refresher.abort();
        });
        Self { url, store, clock, county, shutdown: Some(tx) }
    }

    /// The demo county's staff (惠水县委组织部 孙强) signed in to the county page, with a password
    /// set for the test.
    pub async fn county_officer(&self) -> WebSession {
        const PASSWORD: &str = "县里查台账-2026";
        let staff = taizhang_sync_server::demo::DEMO_COUNTY_STAFF;
        taizhang_sync_server::admin::set_password(self.store.as_ref(), staff, PASSWORD, NOW)
            .await
            .expect("set password");
        WebSession::login(&self.url, "惠水县委组织部 孙强", PASSWORD).await.0
    }

    /// Waits until the county's read model (which follows the syncs by itself) has projected
    /// `village`'s whole log; fails after 10 s.
    pub async fn county_caught_up(&self, village: Uuid) {
        let log_end = self.store.read_log(village, 0, 1 << 30).await.expect("log").cursor;
        let mut waited = 0;
        while self.county.model.projected_up_to(village) != Some(log_end) {
            assert!(waited < 100, "the read model did not catch up with the log in 10 s");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            waited += 1;
        }
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
        admin::new_enrollment_code(self.store.as_ref(), account(i).id, self.clock.load(Ordering::SeqCst), 30)
            .await
            .expect("enrollment code")
            .display()
    }

    /// A new device of demo team member `i` (0 = first secretary 李明, 1 = 王芳, 2 = 张伟),
    /// in memory, enrolled with a fresh code.
    /// A phone of demo account `i`, enrolled. Tests move time by hand (each call's `now`), so
    /// its boot clock is off: its changes carry no time anchor unless the test gives it a
    /// clock of its own (`Ledger::set_uptime`), as the anchor story in evidence.rs does.
    pub async fn device(&self, i: usize) -> Ledger {
        let code = self.code(i).await;
        let mut ledger = enroll_in_memory(&self.transport(), &code, &format!("test phone of member {i}"), NOW)
            .await
            .expect("enroll");
        ledger.set_uptime(std::sync::Arc::new(NoUptime));
        ledger
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
        amends: None,
        attachments: Vec::new(),
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
        attachments: Vec::new(),
    }
}

pub fn check_in(member: MemberId, at: Timestamp) -> CheckIn {
    CheckIn { id: CheckInId(Uuid::now_v7()), member, at, kind: CheckKind::In, location: None, in_geofence: None }
}

/// A device without a boot clock: no time anchors (see [`TestServer::device`]).
#[derive(Debug)]
pub struct NoUptime;

impl taizhang_client::Uptime for NoUptime {
    fn now(&self) -> Option<taizhang_client::UptimeReading> {
        None
    }
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

/// Wraps the real HTTP transport and applies scripted faults, one per sync exchange
/// (sign-in requests pass untouched).
#[allow(missing_debug_implementations)]
pub struct FaultyTransport {
    inner: HttpTransport,
    script: Mutex<VecDeque<Fault>>,
    held: Mutex<Vec<(Vec<u8>, Option<String>)>>,
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
    async fn post(&self, path: &str, body: Vec<u8>, token: Option<&str>) -> Result<Vec<u8>, TransportError> {
        if path != taizhang_sync::paths::SYNC {
            return self.inner.post(path, body, token).await;
        }
        let fault = self.script.lock().map(|mut s| s.pop_front()).ok().flatten().unwrap_or(Fault::Pass);
        if fault == Fault::Delay {
            if let Ok(mut h) = self.held.lock() {
                h.push((body, token.map(str::to_string)));
            }
            return Err(TransportError::Unreachable("no answer; the request is still on its way (test)".into()));
        }
        // Late requests land first; their answers are lost.
        let late = self.held.lock().map(|mut h| std::mem::take(&mut *h)).unwrap_or_default();
        for (old, t) in late {
            let _ = self.inner.post(path, old, t.as_deref()).await;
        }
        match fault {
            Fault::Delay => unreachable!("handled above"),
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

/// A device speaking the HTTP API by hand, for any role (staff accounts have no field
/// client): enrolls with its own key and actor, and pushes hand-made Automerge changes.
#[derive(Debug, Clone)]
pub struct RawDevice {
    pub url: String,
    pub device_id: Uuid,
    pub account: Uuid,
    pub actor: Vec<u8>,
    pub secret: [u8; 32],
    pub token: String,
}

/// The answer to a raw sync: the HTTP status and, on 200, the decoded answer.
pub type RawAnswer = (u16, Option<taizhang_sync::SyncResponse>, Vec<u8>);

impl RawDevice {
    /// Enrolls with `code`; `Err((status, message))` when the server refuses.
    pub async fn enroll(url: &str, code: &str) -> Result<Self, (u16, String)> {
        let parsed = taizhang_auth::EnrollmentCode::parse(code).map_err(|e| (0, e.to_string()))?;
        let secret: [u8; 32] = rand::random();
        let actor: Vec<u8> = rand::random::<[u8; 16]>().to_vec();
        let req = taizhang_sync::EnrollRequest {
            code: code.to_string(),
            public_key: hex::encode(taizhang_auth::public_key(&secret)),
            actor: hex::encode(&actor),
            device_name: "raw test device".into(),
            signature: hex::encode(taizhang_auth::sign(&secret, &taizhang_auth::enroll_message(&parsed, &actor))),
        };
        let resp = reqwest::Client::new()
            .post(format!("{url}{}", taizhang_sync::paths::ENROLL))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(&req).expect("json"))
            .send()
            .await
            .expect("post enroll");
        let status = resp.status().as_u16();
        let body = resp.bytes().await.expect("body");
        if status != 200 {
            return Err((status, String::from_utf8_lossy(&body).into_owned()));
        }
        let r: taizhang_sync::EnrollResponse = serde_json::from_slice(&body).expect("enroll answer");
        Ok(Self { url: url.into(), device_id: r.device_id, account: r.account, actor, secret, token: r.token })
    }

    /// A sync request with `token` (None: no Authorization header).
    pub async fn sync_with(&self, token: Option<&str>, req: &taizhang_sync::SyncRequest) -> RawAnswer {
        let mut r = reqwest::Client::new()
            .post(format!("{}{}", self.url, taizhang_sync::paths::SYNC))
            .body(taizhang_sync::encode_request(req));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        let resp = r.send().await.expect("post sync");
        let status = resp.status().as_u16();
        let body = resp.bytes().await.expect("body").to_vec();
        let decoded = (status == 200)
            .then(|| taizhang_sync::decode_response(&body, taizhang_sync::MAX_DECODED_BYTES).expect("sync answer"));
        (status, decoded, body)
    }

    /// Posts a sync body as it is (with its token) and returns the status and the raw answer.
    pub async fn post_body(&self, body: Vec<u8>) -> (u16, Vec<u8>) {
        let resp = reqwest::Client::new()
            .post(format!("{}{}", self.url, taizhang_sync::paths::SYNC))
            .bearer_auth(&self.token)
            .body(body)
            .send()
            .await
            .expect("post sync");
        let status = resp.status().as_u16();
        (status, resp.bytes().await.expect("body").to_vec())
    }

    /// Pushes `docs` (name, raw changes) to `village` and reads its log from the start.
    pub async fn push(&self, village: Uuid, docs: Vec<(String, Vec<Vec<u8>>)>) -> RawAnswer {
        let req = taizhang_sync::SyncRequest {
            version: taizhang_sync::PROTOCOL_VERSION,
            village,
            cursor: 0,
            want_bytes: taizhang_sync::MAX_BATCH_BYTES as u32,
            docs: docs
                .into_iter()
                .map(|(doc, changes)| taizhang_sync::DocPush { doc, changes, sync_message: None })
                .collect(),
        };
        self.sync_with(Some(&self.token), &req).await
    }
}

/// The changes that `edit` makes, as `actor`, on top of the server's current `doc` of `village`.
pub async fn change_on(
    server: &TestServer,
    village: Uuid,
    doc: &str,
    actor: &[u8],
    edit: impl FnOnce(&mut automerge::transaction::Transaction<'_>),
) -> Vec<Vec<u8>> {
    let stored = server.store.doc_changes(village, doc).await.expect("doc changes");
    let mut am = taizhang_sync::load_stored(&stored).expect("load");
    am.set_actor(automerge::ActorId::from(actor.to_vec()));
    let before = am.get_heads();
    let mut tx = am.transaction();
    edit(&mut tx);
    tx.commit_with(automerge::transaction::CommitOptions::default().with_time(NOW));
    am.get_changes(&before).iter().map(|c| c.raw_bytes().to_vec()).collect()
}

/// `POST /county/api/login` to the server at `url`, from the loopback address `from` (another
/// address of 127.0.0.0/8 counts as another client; `None`: the default). Returns the status,
/// the JSON answer and the `Set-Cookie` header.
pub async fn web_login(
    url: &str,
    from: Option<[u8; 4]>,
    login: &str,
    password: &str,
) -> (u16, serde_json::Value, Option<String>) {
    let mut http = reqwest::Client::builder();
    if let Some(a) = from {
        http = http.local_address(std::net::IpAddr::from(a));
    }
    let r = http
        .build()
        .expect("client")
        .post(format!("{url}/county/api/login"))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "login": login, "password": password }).to_string())
        .send()
        .await
        .expect("login request");
    let status = r.status().as_u16();
    let cookie = r.headers().get("set-cookie").and_then(|c| c.to_str().ok()).map(str::to_string);
    let body = r.text().await.unwrap_or_default();
    (status, serde_json::from_str(&body).unwrap_or_default(), cookie)
}

/// A logged-in session of the county and township page, by its bearer session token.
#[allow(missing_debug_implementations)]
pub struct WebSession {
    pub http: reqwest::Client,
    pub url: String,
    pub token: String,
}

impl WebSession {
    /// Logs in as `login` with `password` (which must succeed); also returns `/login`'s answer.
    pub async fn login(url: &str, login: &str, password: &str) -> (Self, serde_json::Value) {
        let (status, me, _) = web_login(url, None, login, password).await;
        assert_eq!(status, 200, "log-in as {login}: {me}");
        let token = me["token"].as_str().expect("token").to_string();
        (Self { http: reqwest::Client::new(), url: url.to_string(), token }, me)
    }

    /// `GET path`: status, body bytes and headers.
    pub async fn get(&self, path: &str) -> (u16, Vec<u8>, reqwest::header::HeaderMap) {
        let r = self.http.get(format!("{}{path}", self.url)).bearer_auth(&self.token).send().await.expect("request");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (status, r.bytes().await.expect("body").to_vec(), headers)
    }

    /// `GET path` as JSON (`null` when the body is not JSON).
    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let (status, body, _) = self.get(path).await;
        (status, serde_json::from_slice(&body).unwrap_or_default())
    }

    /// `GET path`, which must answer 200 with JSON.
    pub async fn json(&self, path: &str) -> serde_json::Value {
        let (status, body, _) = self.get(path).await;
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).expect("json")
    }

    /// `PUT path` with a JSON body: status and JSON answer.
    pub async fn put(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        self.send(reqwest::Method::PUT, path, body).await
    }

    /// `POST path` with a JSON body: status and JSON answer.
    pub async fn post(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        self.send(reqwest::Method::POST, path, body).await
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let r = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("request");
        (r.status().as_u16(), serde_json::from_str(&r.text().await.unwrap_or_default()).unwrap_or_default())
    }
}
