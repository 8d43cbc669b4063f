//! `taizhang-server`: runs the sync server on an embedded SQLite file (the default), and
//! with `--demo` seeds the demo village (石门村) so devices have something to sync.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use taizhang_server_sqlite::SqliteStore;
use taizhang_sync_server::{router, seed_demo_village, serve, system_clock, AppState};

#[derive(Parser, Debug)]
#[command(name = "taizhang-server", about = "Taizhang (台账) sync server")]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "TAIZHANG_LISTEN", default_value = "127.0.0.1:8620")]
    listen: String,
    /// The SQLite database file (created if missing).
    #[arg(long, env = "TAIZHANG_DB", default_value = "taizhang-server.sqlite3")]
    db: PathBuf,
    /// Seed the demo village (石门村) with this many households if it is not there yet.
    #[arg(long)]
    demo: bool,
    #[arg(long, default_value_t = 60)]
    demo_households: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let args = Args::parse();
    let store = SqliteStore::open(&args.db).with_context(|| format!("opening {}", args.db.display()))?;
    if args.demo && seed_demo_village(&store, args.demo_households, system_clock()).await? {
        tracing::info!(village = %taizhang_doc::demo::VILLAGE, "seeded the demo village 石门村");
    }
    let listener =
        tokio::net::TcpListener::bind(&args.listen).await.with_context(|| format!("binding {}", args.listen))?;
    tracing::info!(addr = %listener.local_addr()?, db = %args.db.display(), "taizhang sync server listening");
    let app = router(AppState::new(Arc::new(store)));
    serve(listener, app, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
