//! The sync server as a child process for the server-kill test: the same router and SQLite
//! backend as `taizhang-sync-server`, on a file, on 127.0.0.1:0; prints fresh enrollment codes of the
//! demo accounts (`code <index> <code>`), then `listening <url>` once ready.

use std::sync::Arc;

use taizhang_server_sqlite::SqliteStore;
use taizhang_sync_server::{router, seed_demo_village, serve, AppState};
use taizhang_tests::NOW;

#[tokio::main]
async fn main() {
    let Some(db) = std::env::args().nth(1) else {
        eprintln!("usage: kill-server <server.sqlite3>");
        std::process::exit(2);
    };
    let store = match SqliteStore::open(std::path::Path::new(&db)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot open {db}: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = seed_demo_village(&store, 20, NOW).await {
        eprintln!("cannot seed: {e}");
        std::process::exit(1);
    }
    match taizhang_sync_server::demo::demo_codes(&store, taizhang_sync_server::system_clock()).await {
        Ok(codes) => {
            for (i, (_, code)) in codes.iter().enumerate() {
                println!("code {i} {}", code.display());
            }
        }
        Err(e) => {
            eprintln!("cannot make enrollment codes: {e}");
            std::process::exit(1);
        }
    }
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot bind: {e}");
            std::process::exit(1);
        }
    };
    let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
    println!("listening http://{addr}");
    let app = router(AppState::new(Arc::new(store)));
    let _ = serve(listener, app, std::future::pending::<()>()).await;
}
