//! The sync server as a child process for the network-namespace tests (`peer_netns.rs`): the
//! demo village on a SQLite file, listening on the given address (inside the test's server
//! namespace), system clock. Prints `code <index> <code>` for the demo accounts and `listening
//! <addr>`; then reads commands on stdin: `revoke <device id>` (answers `revoked <id>`).

use std::sync::Arc;

use taizhang_server_db::AccountStore;
use taizhang_server_sqlite::SqliteStore;
use taizhang_sync_server::{router, seed_demo_village, serve, AppState};

fn fail(what: &str) -> ! {
    eprintln!("{what}");
    std::process::exit(1);
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(db), Some(listen)) = (args.get(1), args.get(2)) else {
        fail("usage: netns-server <server.sqlite3> <listen address>");
    };
    let store = Arc::new(SqliteStore::open(std::path::Path::new(db)).unwrap_or_else(|e| fail(&e.to_string())));
    let now = taizhang_sync_server::system_clock();
    seed_demo_village(store.as_ref(), 5, now).await.unwrap_or_else(|e| fail(&e.to_string()));
    let codes = taizhang_sync_server::demo::demo_codes(store.as_ref(), taizhang_sync_server::system_clock())
        .await
        .unwrap_or_else(|e| fail(&e.to_string()));
    for (i, (_, code)) in codes.iter().enumerate() {
        println!("code {i} {}", code.display());
    }
    let listener = tokio::net::TcpListener::bind(listen.as_str()).await.unwrap_or_else(|e| fail(&e.to_string()));
    println!("listening {}", listener.local_addr().map(|a| a.to_string()).unwrap_or_default());
    let accounts = store.clone();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    tokio::spawn(async move {
        while let Some(line) = rx.recv().await {
            if let Some(id) = line.strip_prefix("revoke ").and_then(|d| d.trim().parse().ok()) {
                match accounts.revoke_device(id, taizhang_sync_server::system_clock()).await {
                    Ok(_) => println!("revoked {id}"),
                    Err(e) => println!("error {e}"),
                }
            }
        }
    });
    let _ = serve(listener, router(AppState::new(store)), std::future::pending::<()>()).await;
}
