//! `taizhang-server`: runs the sync server on an embedded SQLite file (the default) or on
//! PostgreSQL (`--db postgres://...`), and with `--demo` seeds the demo village (石门村) so
//! devices have something to sync.

use anyhow::Context;
use clap::Parser;
use taizhang_sync_server::{describe_db, open_store, router, seed_demo_village, serve, system_clock, AppState};

#[derive(Parser, Debug)]
#[command(name = "taizhang-server", about = "Taizhang (台账) sync server")]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "TAIZHANG_LISTEN", default_value = "127.0.0.1:8620")]
    listen: String,
    /// The database: a PostgreSQL URL (`postgres://user:password@host/db`) or the path of
    /// the SQLite file (created if missing). Also read from `TAIZHANG_DB`.
    #[arg(long, env = "TAIZHANG_DATABASE_URL")]
    db: Option<String>,
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
    let db = args.db.or_else(|| std::env::var("TAIZHANG_DB").ok()).unwrap_or_else(|| "taizhang-server.sqlite3".into());
    let store = open_store(&db).await.with_context(|| format!("opening {}", describe_db(&db)))?;
    if args.demo && seed_demo_village(store.as_ref(), args.demo_households, system_clock()).await? {
        tracing::info!(village = %taizhang_doc::demo::VILLAGE, "seeded the demo village 石门村");
    }
    let listener =
        tokio::net::TcpListener::bind(&args.listen).await.with_context(|| format!("binding {}", args.listen))?;
    tracing::info!(addr = %listener.local_addr()?, db = %describe_db(&db), "taizhang sync server listening");
    let app = router(AppState::new(store));
    serve(listener, app, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
