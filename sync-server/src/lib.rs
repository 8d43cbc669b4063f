//! The sync server as a library: [`router`] builds the HTTP API over any storage backend,
//! [`serve`] runs it on a listener until a shutdown signal. Tests bind port 0 and talk to it
//! with a real HTTP client; the `taizhang-server` binary adds flags and the demo village.

mod backend;
mod demo;
mod error;
mod sync;

use std::future::Future;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use taizhang_server_db::ServerStore;

pub use backend::{describe_db, open_store};
pub use demo::seed_demo_village;
pub use error::ApiError;

/// Size limits of the sync endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest compressed request body accepted (HTTP 413 above).
    pub max_body_bytes: usize,
    /// Largest size a body may inflate to (HTTP 413 above).
    pub max_decoded_bytes: usize,
    /// Most documents one request may push.
    pub max_docs_per_request: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            max_decoded_bytes: taizhang_sync::MAX_DECODED_BYTES,
            max_docs_per_request: 512,
        }
    }
}

/// The server's clock (UTC ms), injectable for tests.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// Everything a request handler needs.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn ServerStore>,
    pub limits: Limits,
    pub clock: Clock,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("limits", &self.limits).finish_non_exhaustive()
    }
}

impl AppState {
    /// State over `store` with default limits and the system clock.
    pub fn new(store: Arc<dyn ServerStore>) -> Self {
        Self { store, limits: Limits::default(), clock: Arc::new(system_clock) }
    }
}

/// Milliseconds since the epoch from the system clock.
pub fn system_clock() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The HTTP API: `POST /v1/sync`, `GET /health`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/sync", post(sync::sync))
        .route("/health", get(|| async { "ok" }))
        .layer(DefaultBodyLimit::max(state.limits.max_body_bytes))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(error::panic_response))
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` completes; in-flight requests finish first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
