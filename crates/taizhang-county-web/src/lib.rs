//! The county and township web view (issues 5 and 14), one tenant of the server process: the page
//! (`/county/`, embedded files), its log-in, and the JSON and export endpoints it and
//! `taizhang pull` call (described in `assets/API.md`). Handlers gather the facts (session,
//! places, the read model's records, what county staff entered) and hand them to
//! `taizhang-county`'s pure functions in one call.
//!
//! The sync server merges [`router`] into its own and starts [`spawn_read_model`]; this crate
//! shares only the stores, the clock and the token key with device sync (all from
//! `taizhang-server-db`) and never depends on the sync server.
//!
//! - [`state`]: [`CountyState`] and the sub-states handlers take.
//! - [`session`]: log-in, log-out and the [`Session`] extractor.
//! - [`api`]: the views, exports and entry endpoints by area.
//! - [`readmodel`]: the per-village projections, refreshed from the change log.
//! - [`write`]: what an officer writes into a village's team document (leave decisions,
//!   filings), judged and stored as a device's push.
//! - [`assets`]: the page's files.
//! - [`error`]: the one error type of the county surface.

pub mod api;
pub mod assets;
pub mod error;
mod extract;
mod facts;
pub mod guard;
pub mod lines;
pub mod provenance;
pub mod readmodel;
pub mod session;
pub mod state;
pub mod write;

use axum::response::Redirect;
use axum::routing::{get, post, put};
use axum::Router;

pub use error::CountyWebError;
pub use readmodel::ReadModel;
pub use session::{Scope, Session};
pub use state::{CountyState, Policies};

/// The routes under `/county`, over `state`, for any outer router state.
pub fn router<S: Clone + Send + Sync + 'static>(state: CountyState) -> Router<S> {
    let mut pages = Router::new().route("/county", get(|| async { Redirect::permanent("/county/") }));
    for asset in assets::ASSETS {
        pages = pages.route(asset.path, get(move || async move { assets::serve(asset) }));
    }
    pages
        .route("/county/api/login", post(session::login))
        .route("/county/api/logout", post(session::logout))
        .route("/county/api/me", get(session::me))
        .route("/county/api/overview", get(api::overview::overview))
        .route("/county/api/village/{id}", get(api::village::village))
        .route("/county/api/village/{id}/sample", get(api::village::sample))
        .route("/county/api/village/{id}/ledger", get(api::ledger::ledger))
        .route("/county/api/village/{id}/findings", get(api::findings::findings).post(api::findings::write_finding))
        .route("/county/api/village/{id}/findings/{finding}/review", post(api::findings::review_finding))
        .route("/county/api/village/{id}/evidence", get(api::evidence::evidence))
        .route("/county/api/village/{id}/record/{record}/origin", get(api::evidence::origin))
        .route("/county/api/village/{id}/photos", get(api::photos::photos))
        .route("/county/api/village/{id}/blob/{hash}", get(api::photos::blob))
        .route("/county/api/village/{id}/blob/{hash}/thumb", get(api::photos::thumb))
        .route("/county/api/village/{id}/member/{member}/evidence/{date}", put(api::evidence::check_day))
        .route("/county/api/export", get(api::export::export))
        .route("/county/api/grades", get(api::grades::grades))
        .route("/county/api/proposals", get(api::grades::proposals))
        .route("/county/api/village/{id}/member/{member}/proposal/{year}", put(api::grades::propose))
        .route("/county/api/village/{id}/member/{member}/survey/{year}", put(api::grades::put_survey))
        .route("/county/api/policy", get(api::policy))
        .route("/county/api/at-post", get(api::township::at_post))
        .route("/county/api/leave", get(api::township::leave))
        .route("/county/api/village/{id}/leave/{leave}", post(api::township::decide))
        .route("/county/api/filing", get(api::township::filing))
        .route("/county/api/reports", get(api::township::reports))
        .route("/county/api/village/{id}/filing", post(api::township::file_month))
        .route("/county/api/scores", get(api::scores::waiting))
        .route("/county/api/village/{id}/score/{member}/{month}", post(api::scores::score_first_secretary))
        .route("/county/api/village/{id}/score/{member}/{month}/check", post(api::scores::check))
        .route("/county/api/village/{id}/score/{member}/{month}/audit", post(api::scores::audit))
        .route("/county/api/village/{id}/member/{member}/year/{year}", put(api::inputs::put_year))
        .route("/county/api/village/{id}/member/{member}/month/{month}", put(api::inputs::put_month))
        .route("/county/api/village/{id}/devices", get(api::devices::devices))
        .route("/county/api/village/{id}/device/{device}/wipe", post(api::devices::wipe))
        .route("/county/api/village/{id}/join-sheet", post(api::joinsheet::join_sheet))
        .with_state(state)
}

/// Starts the background task that catches up the county projection kept in the database
/// and then refreshes it as syncs arrive (see [`ReadModel::notify`]).
pub fn spawn_read_model(st: &CountyState) -> tokio::task::JoinHandle<()> {
    let st = st.clone();
    tokio::spawn(async move { st.model.clone().run(st.store.clone()).await })
}
