//! The sync server as a library: [`router`] builds the HTTP API over any storage backend —
//! device sync here, the county web view merged from `taizhang-county-web` — and [`serve`]
//! runs it on a listener until a shutdown signal. Tests bind port 0 and talk to it with a
//! real HTTP client; the `taizhang-sync-server` binary adds flags and the demo village.

pub mod admin;
mod backend;
pub mod blobgc;
mod blobs;
mod boot;
mod caller;
pub mod demo;
mod error;
mod peer;
mod permit;
mod relay;
mod serve;
mod signin;
pub mod snapshot;
mod sync;
mod webapp;

use std::future::Future;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use taizhang_county_web::{CountyState, Policies};
use taizhang_server_db::{AccountStore, ServerBackend, ServerKeyCell, ServerStore};

pub use backend::{describe_db, is_postgres_url, open_store};
pub use demo::seed_demo_village;
pub use error::ApiError;
pub use permit::forget_loaded_documents;
pub use serve::{runtime, serve_with, ServeConfig, BLOCKING_THREADS};
pub use taizhang_auth::RateLimiter;
pub use taizhang_server_db::{system_clock, Clock};

/// Size limits of the sync endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest compressed request body accepted (HTTP 413 above).
    pub max_body_bytes: usize,
    /// Largest size a body may inflate to (HTTP 413 above).
    pub max_decoded_bytes: usize,
    /// Most documents one request may push.
    pub max_docs_per_request: usize,
    /// Requests per device per minute (HTTP 429 with Retry-After above), counted per
    /// server instance.
    pub requests_per_minute: u32,
    /// What a pushed record may hold (text sizes): the same limits the device validates with.
    pub records: taizhang_domain::Limits,
    /// Attachments' caps (issue 19): per file, per device per day, pixels.
    pub attachments: taizhang_attach::Caps,
    /// Saved-form bytes (uncompressed) per answer to a fresh device that loads them (issue 23);
    /// 0 sends every device the log change by change, as a server from before saved forms did.
    pub saved_form_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            max_decoded_bytes: taizhang_sync::MAX_DECODED_BYTES,
            max_docs_per_request: 512,
            requests_per_minute: 120,
            records: taizhang_domain::Limits::default(),
            attachments: taizhang_attach::Caps::default(),
            saved_form_bytes: boot::BOOT_BATCH_BYTES,
        }
    }
}

/// Everything a request handler needs.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn ServerStore>,
    pub accounts: Arc<dyn AccountStore>,
    /// Change signatures (issue 20), kept beside the change log.
    pub signatures: Arc<dyn taizhang_server_db::SignatureStore>,
    /// Attachments (issue 19), in the same database.
    pub store_blobs: Arc<dyn taizhang_server_db::BlobStore>,
    pub limits: Limits,
    pub clock: Clock,
    /// Requests per device per minute, in this process.
    pub limiter: Arc<RateLimiter>,
    /// The token key, read from the database on first use (shared with the county view).
    pub key: ServerKeyCell,
    /// The county web view's state (its policies and read model; sync notifies the model).
    pub county: CountyState,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("limits", &self.limits).finish_non_exhaustive()
    }
}

impl AppState {
    /// State over `store` with default limits and the system clock.
    pub fn new<S: ServerBackend>(store: Arc<S>) -> Self {
        Self::with(store, Limits::default(), Arc::new(system_clock))
    }

    /// State with given limits and clock (tests inject both).
    pub fn with(store: Arc<dyn ServerBackend>, limits: Limits, clock: Clock) -> Self {
        let key = ServerKeyCell::default();
        Self {
            county: CountyState::new(store.clone(), store.clone(), clock.clone(), key.clone())
                .with_signatures(store.clone())
                .with_blobs(store.clone()),
            store: store.clone(),
            signatures: store.clone(),
            store_blobs: store.clone(),
            accounts: store,
            limiter: Arc::new(RateLimiter::new(limits.requests_per_minute)),
            limits,
            clock,
            key,
        }
    }

    /// The same state judging the county view by `default` (a policy file), and the counties
    /// in `per_county` by their own.
    pub fn with_policies(
        mut self,
        default: taizhang_rules::Policy,
        per_county: std::collections::HashMap<uuid::Uuid, taizhang_rules::Policy>,
    ) -> Self {
        self.county = self.county.with_policies(Policies::new(default, per_county));
        self
    }

    /// The same server holding at most about `villages` villages of the county projection in
    /// memory (issue 23; the rest are read from the database when asked for).
    pub fn with_county_cache(mut self, villages: usize) -> Self {
        self.county = self.county.with_cache(villages);
        self
    }
}

/// The HTTP API: `POST /v1/sync` (bearer token), `POST /v1/enroll`, `POST /v1/challenge`,
/// `POST /v1/token`, `POST /v1/actor` (bearer token), `GET /health`, and the county view under `/county` (`taizhang-county-web`).
pub fn router(state: AppState) -> Router {
    use taizhang_sync::paths;
    Router::new()
        .route(paths::SYNC, post(sync::sync))
        .route(paths::ENROLL, post(signin::enroll))
        .route(paths::CHALLENGE, post(signin::challenge))
        .route(paths::TOKEN, post(signin::token))
        .route(paths::ACTOR, post(signin::add_actor))
        .route(taizhang_peer::wire::CREDENTIALS_PATH, post(peer::credentials))
        .route("/v1/blobs/{village}/{hash}", axum::routing::put(blobs::put_chunk).get(blobs::download))
        .route("/v1/blobs/{village}/{hash}/status", get(blobs::status))
        .route("/v1/blobs/{village}/{hash}/thumb", get(blobs::thumb))
        .route("/health", get(|| async { "ok" }))
        .merge(taizhang_county_web::router(state.county.clone()))
        .merge(webapp::router())
        .layer(DefaultBodyLimit::max(state.limits.max_body_bytes))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(error::panic_response))
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` completes, with the default connection limits
/// ([`ServeConfig`]); in-flight requests finish first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, app, shutdown, ServeConfig::default()).await
}
