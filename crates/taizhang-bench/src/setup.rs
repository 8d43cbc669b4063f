//! Every server set-up, account, enrollment and device creation of the benchmark lives
//! here, so a change in how devices join (issue 4) or in the storage backend (issue 7) is a
//! change to this one module.
//!
//! - [`Backend`] / [`open_store`]: the ONE place a server store is built (`Arc<dyn ServerBackend>`).
//! - [`limits`]: the server's limits for the bench — the defaults with the per-device rate
//!   limit raised, since a thousand devices syncing from one process is the point.
//! - [`InProcessServer`]: the axum router on 127.0.0.1:0 inside the bench process.
//! - [`ChildServer`]: the same server in a child process (the bench binary re-executed with
//!   the hidden `serve` subcommand), so its peak memory is its own.
//! - [`seed_village`]: creates a village on the server with its registry and an account for
//!   each of its three team members (the account id is the member id).
//! - [`device`] / [`enroll_device`]: a member's device, enrolled with a fresh one-time code
//!   over the transport given — the scenarios pass the DIRECT (unshaped) transport, so that
//!   the link measurements measure sync only; the sign-in and enrollment costs are measured
//!   on their own (`link::AuthCost`).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use anyhow::{anyhow, bail, Context};
use taizhang_auth::Role;
use taizhang_client::{HttpTransport, Ledger, Transport};
use taizhang_server_db::{Account, ServerBackend, ServerStore};
use taizhang_sync::parse_changes;
use taizhang_sync_server::{admin, router, serve, AppState, Limits};

use crate::data::VillageSpec;

/// Which database the sync server runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file (the default backend; WAL, synchronous=FULL).
    SqliteFile(PathBuf),
    /// A PostgreSQL database URL (several bench runs may share it: each village is keyed by id).
    Postgres(String),
}

impl Backend {
    /// `sqlite:<path>` (or a bare path) or `postgres://...`.
    pub fn parse(s: &str) -> Self {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Backend::Postgres(s.to_string())
        } else {
            Backend::SqliteFile(PathBuf::from(s.strip_prefix("sqlite:").unwrap_or(s)))
        }
    }

    /// The spelling [`Backend::parse`] reads back (passed to a child server).
    pub fn to_arg(&self) -> String {
        match self {
            Backend::SqliteFile(p) => format!("sqlite:{}", p.display()),
            Backend::Postgres(url) => url.clone(),
        }
    }

    /// A label for the report (never the URL: it may carry a password).
    pub fn label(&self) -> &'static str {
        match self {
            Backend::SqliteFile(_) => "sqlite",
            Backend::Postgres(_) => "postgresql",
        }
    }

    /// A SQLite file in `dir` named `name`.
    pub fn sqlite_in(dir: &Path, name: &str) -> Self {
        Backend::SqliteFile(dir.join(name))
    }
}

/// The server's limits in every scenario: the defaults, but with the per-device rate limit
/// (120 requests a minute by default) out of the way.
pub fn limits() -> Limits {
    Limits { requests_per_minute: 10_000_000, ..Limits::default() }
}

fn app_state(store: Arc<dyn ServerBackend>) -> AppState {
    AppState::with(store, limits(), Arc::new(taizhang_sync_server::system_clock))
}

/// Builds the server's store. The only place the bench constructs a backend: the same
/// choice by URL as the `taizhang-sync-server` binary (`taizhang_sync_server::open_store`).
pub async fn open_store(backend: &Backend) -> anyhow::Result<Arc<dyn ServerBackend>> {
    let db = match backend {
        Backend::SqliteFile(path) => path.display().to_string(),
        Backend::Postgres(url) => url.clone(),
    };
    taizhang_sync_server::open_store(&db).await.with_context(|| format!("opening the {} database", backend.label()))
}

/// Creates `spec`'s village on the server with its registry (village, team, households) and
/// an account for each team member (member 0 the first secretary), unless they are there
/// already. The accounts are written directly (not by `admin::create_account`, which would
/// add a member record to the registry the seed already wrote).
pub async fn seed_village(store: &dyn ServerBackend, spec: &VillageSpec, now: i64) -> anyhow::Result<()> {
    let village = spec.id.0;
    if !store.village_exists(village).await? || store.docs(village).await?.is_empty() {
        store.create_village(village, &spec.village().name).await?;
        let raw = spec.registry_changes()?;
        let parsed = parse_changes("registry", raw)?;
        store.push(village, "registry", parsed, now).await?;
    }
    for m in spec.members() {
        if store.account(m.id.0).await?.is_some() {
            continue;
        }
        let role = if m.role == taizhang_domain::Role::FirstSecretary { Role::FirstSecretary } else { Role::Member };
        let account = Account {
            id: m.id.0,
            name: m.name,
            role,
            village: Some(village),
            township: None,
            county: None,
            created_at: now,
        };
        store.create_account(&account).await?;
    }
    Ok(())
}

/// A fresh one-time enrollment code for member `member` of `spec`'s village.
pub async fn enrollment_code(
    store: &dyn ServerBackend,
    spec: &VillageSpec,
    member: usize,
    now: i64,
) -> anyhow::Result<String> {
    let code = admin::new_enrollment_code(store, spec.member_id(member).0, now, admin::CODE_VALID_DAYS).await?;
    Ok(code.display())
}

/// The whole log of `village` past `cursor`, however many pages it takes.
pub async fn read_whole_log(
    store: &(impl ServerStore + ?Sized),
    village: uuid::Uuid,
    mut cursor: u64,
) -> anyhow::Result<Vec<taizhang_server_db::LogEntry>> {
    let mut out = Vec::new();
    loop {
        let page = store.read_log(village, cursor, usize::MAX).await?;
        out.extend(page.entries);
        if !page.more || page.cursor == cursor {
            return Ok(out);
        }
        cursor = page.cursor;
    }
}

/// The sync server's router on 127.0.0.1:0 inside this process; stopped on drop.
pub struct InProcessServer {
    pub url: String,
    pub store: Arc<dyn ServerBackend>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for InProcessServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InProcessServer").field("url", &self.url).finish_non_exhaustive()
    }
}

impl InProcessServer {
    pub async fn start(backend: &Backend) -> anyhow::Result<Self> {
        let store = open_store(backend).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = router(app_state(store.clone()));
        tokio::spawn(async move {
            let _ = serve(listener, app, async {
                let _ = rx.await;
            })
            .await;
        });
        Ok(Self { url, store, shutdown: Some(tx) })
    }

    /// The server's port (the link shaper forwards to it).
    pub fn addr(&self) -> anyhow::Result<std::net::SocketAddr> {
        Ok(self.url.trim_start_matches("http://").parse()?)
    }
}

impl Drop for InProcessServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Another binary of this package beside the running one (same target folder, same profile).
/// `cargo run -p taizhang-bench` builds only `taizhang-bench`: when `name` is missing and the
/// bench was started by cargo (which sets `CARGO`), it is built first, with the same profile.
pub fn sibling_binary(name: &str) -> anyhow::Result<PathBuf> {
    static BUILDING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = BUILDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let exe = std::env::current_exe()?;
    let path = exe.with_file_name(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if path.exists() {
        return Ok(path);
    }
    let how = format!("cargo build --release -p taizhang-bench --bin {name}");
    let Some(cargo) = std::env::var_os("CARGO") else {
        bail!("{} is missing: build it with `{how}` (cargo run builds it by itself)", path.display());
    };
    let mut build = Command::new(cargo);
    build.args(["build", "--quiet", "-p", "taizhang-bench", "--bin", name]);
    match exe.parent().and_then(Path::file_name).and_then(|n| n.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            build.arg("--release");
        }
        Some(profile) => {
            build.args(["--profile", profile]);
        }
    }
    eprintln!("building {name} (the bench runs it beside {})", exe.display());
    let status = build.status().with_context(|| format!("running `{how}`"))?;
    if !status.success() || !path.exists() {
        bail!("could not build {} ({status}): run `{how}` and look at its errors", path.display());
    }
    Ok(path)
}

/// The sync server in a child process: this very binary run as `taizhang-bench serve`.
#[derive(Debug)]
pub struct ChildServer {
    pub url: String,
    child: Child,
}

impl ChildServer {
    /// Starts the child on `backend` (seeded beforehand by [`seed_county`]).
    pub fn start(backend: &Backend) -> anyhow::Result<Self> {
        let exe = std::env::current_exe()?;
        let mut child = Command::new(exe)
            .args(["serve", "--db", &backend.to_arg()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting the child server")?;
        let stdout = child.stdout.take().ok_or_else(|| anyhow!("child server has no stdout"))?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let url = line.trim().strip_prefix("LISTENING ").map(str::to_string);
        match url {
            Some(url) => Ok(Self { url, child }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                bail!("the child server did not start (it said {line:?})")
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the child (closing its stdin ends it) and waits for it.
    pub fn stop(mut self) -> anyhow::Result<()> {
        drop(self.child.stdin.take());
        let status = self.child.wait()?;
        if !status.success() {
            bail!("the child server exited with {status}");
        }
        Ok(())
    }
}

/// Seeds `villages` villages of `households` households for the load scenario and hands out
/// one code per device (`devices_per_village` each; device `k` belongs to member
/// [`load_member`]`(k)`), in this process, before the child server opens the database.
/// Returns the codes in village-major order.
pub async fn seed_county(
    backend: &Backend,
    villages: u32,
    households: usize,
    devices_per_village: u32,
) -> anyhow::Result<Vec<String>> {
    let store = open_store(backend).await?;
    let now = crate::now_ms();
    let mut codes = Vec::new();
    for i in 0..villages {
        let spec = VillageSpec::new(i, households);
        seed_village(store.as_ref(), &spec, now).await?;
        for k in 0..devices_per_village {
            codes.push(enrollment_code(store.as_ref(), &spec, load_member(k), now).await?);
        }
    }
    Ok(codes)
}

/// The member whose phone the load scenario's device `k` of a village is.
pub fn load_member(k: u32) -> usize {
    (k % 3) as usize
}

/// The hidden `serve` subcommand: prints `LISTENING <url>` and serves until its stdin closes.
pub async fn run_child_server(backend: &Backend) -> anyhow::Result<()> {
    let store = open_store(backend).await?;
    let state = app_state(store);
    // As the `taizhang-sync-server` binary: the county view's projection is advanced in the
    // background after pushes (its work shares the cores with the burst's). Its catch-up at
    // start is done before the bench is told to begin, as on a server that has been up a while.
    state.county.model.catch_up(&state.county.store).await?;
    let _refresher = taizhang_county_web::spawn_read_model(&state.county);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("LISTENING http://{}", listener.local_addr()?);
    let app = router(state);
    let stop = async {
        // Ends when the parent closes our stdin (or dies).
        let _ = tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            while std::io::stdin().read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
                sink.clear();
            }
        })
        .await;
    };
    serve(listener, app, stop).await?;
    Ok(())
}

/// Where a device keeps its store.
#[derive(Debug, Clone)]
pub enum DeviceStore<'a> {
    Memory,
    File(&'a Path),
}

/// Enrolls a new device with `code` over `transport` and creates its ledger (in memory or
/// in a store file): the one way a device is made in the bench. Each device gets its own
/// random Automerge actor, bound to it on the server.
pub async fn enroll_device(
    transport: &dyn Transport,
    code: &str,
    name: &str,
    at: DeviceStore<'_>,
) -> anyhow::Result<Ledger> {
    let now = crate::now_ms();
    Ok(match at {
        DeviceStore::Memory => taizhang_client::enroll_in_memory(transport, code, name, now).await?,
        DeviceStore::File(p) => taizhang_client::enroll(p, transport, code, name, now).await?,
    })
}

/// A device of member `member` of `spec`'s village, enrolled with a fresh code over `direct`
/// (pass the unshaped transport: enrollment is not part of the sync measurements).
/// `device_no` tells two phones of the same member apart (in the device name).
pub async fn device(
    store: &dyn ServerBackend,
    direct: &dyn Transport,
    spec: &VillageSpec,
    member: usize,
    device_no: u32,
    at: DeviceStore<'_>,
) -> anyhow::Result<Ledger> {
    let code = enrollment_code(store, spec, member, crate::now_ms()).await?;
    let name = format!("bench phone {device_no} of member {member} of village {}", spec.index);
    enroll_device(direct, &code, &name, at).await.with_context(|| format!("enrolling {name}"))
}

/// The HTTP transport a device uses to reach `url`.
pub fn transport(url: &str) -> anyhow::Result<HttpTransport> {
    Ok(HttpTransport::new(url)?)
}
