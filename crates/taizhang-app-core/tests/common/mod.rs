//! What the app-core tests share: a real sync server on a port of the test's choosing.

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
        let listener = tokio::net::TcpListener::bind(listen).await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = router(AppState::new(Arc::new(store)));
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
