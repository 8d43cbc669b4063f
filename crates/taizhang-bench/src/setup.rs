//! Every server set-up and device creation of the benchmark lives here, so switching the
//! bench to device enrollment/authentication (issue 4) or to another storage backend
//! (PostgreSQL, issue 7) is a change to this one module.
//!
//! - [`Backend`] / [`open_store`]: the ONE place a `ServerStore` is built (`Arc<dyn ServerStore>`).
//! - [`InProcessServer`]: the axum router on 127.0.0.1:0 inside the bench process.
//! - [`ChildServer`]: the same server in a child process (the bench binary re-executed with
//!   the hidden `serve` subcommand), so its peak memory is its own.
//! - [`seed_village`]: creates a village on the server with its registry.
//! - [`device`]: a device (ledger) of a village member; today the server trusts any device
//!   that knows the village id, so creating one needs no server call.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use anyhow::{anyhow, bail, Context};
use taizhang_client::{HttpTransport, Ledger};
use taizhang_server_db::ServerStore;
use taizhang_sync::parse_changes;
use taizhang_sync_server::{router, serve, AppState};

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

/// Builds the server's store. The only place the bench constructs a backend: the same
/// choice by URL as the `taizhang-server` binary (`taizhang_sync_server::open_store`).
pub async fn open_store(backend: &Backend) -> anyhow::Result<Arc<dyn ServerStore>> {
    let db = match backend {
        Backend::SqliteFile(path) => path.display().to_string(),
        Backend::Postgres(url) => url.clone(),
    };
    taizhang_sync_server::open_store(&db).await.with_context(|| format!("opening the {} database", backend.label()))
}

/// Creates `spec`'s village on the server with its registry (village, team, households),
/// unless it is there already.
pub async fn seed_village(store: &dyn ServerStore, spec: &VillageSpec, now: i64) -> anyhow::Result<()> {
    let village = spec.id.0;
    if store.village_exists(village).await? && !store.docs(village).await?.is_empty() {
        return Ok(());
    }
    store.create_village(village, &spec.village().name).await?;
    let raw = spec.registry_changes()?;
    let parsed = parse_changes("registry", raw)?;
    store.push(village, "registry", parsed, now).await?;
    Ok(())
}

/// The whole log of `village` past `cursor`, however many pages it takes.
pub async fn read_whole_log(
    store: &dyn ServerStore,
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
    pub store: Arc<dyn ServerStore>,
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
        let app = router(AppState::new(store.clone()));
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

/// The sync server in a child process: this very binary run as `taizhang-bench serve`.
#[derive(Debug)]
pub struct ChildServer {
    pub url: String,
    child: Child,
}

impl ChildServer {
    /// Starts the child on `backend`, seeding `villages` villages of `households` households.
    pub fn start(backend: &Backend, villages: u32, households: usize) -> anyhow::Result<Self> {
        let exe = std::env::current_exe()?;
        let mut child = Command::new(exe)
            .args(["serve", "--db", &backend.to_arg(), "--villages", &villages.to_string()])
            .args(["--households", &households.to_string()])
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

/// The hidden `serve` subcommand: seeds the villages, prints `LISTENING <url>` and serves
/// until its stdin closes.
pub async fn run_child_server(backend: &Backend, villages: u32, households: usize) -> anyhow::Result<()> {
    let store = open_store(backend).await?;
    let now = crate::now_ms();
    for i in 0..villages {
        seed_village(store.as_ref(), &VillageSpec::new(i, households), now).await?;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("LISTENING http://{}", listener.local_addr()?);
    let app = router(AppState::new(store));
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

/// A device of member `member` of `spec`'s village. `device_no` tells two phones of the same
/// member apart (it is part of the Automerge actor).
pub fn device(spec: &VillageSpec, member: usize, device_no: u32, at: DeviceStore<'_>) -> anyhow::Result<Ledger> {
    let mut actor = [0u8; 16];
    actor[..4].copy_from_slice(&spec.index.to_be_bytes());
    actor[4] = member as u8 + 1;
    actor[5..9].copy_from_slice(&device_no.to_be_bytes());
    actor[15] = 0xbe;
    let m = Some(spec.member_id(member));
    Ok(match at {
        DeviceStore::Memory => Ledger::in_memory(spec.id, m, actor)?,
        DeviceStore::File(p) => Ledger::create(p, spec.id, m, actor)?,
    })
}

/// The HTTP transport a device uses to reach `url`.
pub fn transport(url: &str) -> anyhow::Result<HttpTransport> {
    Ok(HttpTransport::new(url)?)
}
