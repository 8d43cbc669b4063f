//! The county page's files, compiled into the binary: one table (path, content type, body)
//! and the one function that serves an entry of it.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// One file of the page.
#[derive(Debug)]
pub struct Asset {
    /// Where it is served.
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
}

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// Every file of the page, one line each.
pub const ASSETS: &[Asset] = &[
    Asset { path: "/county/", content_type: HTML, body: include_str!("../assets/index.html") },
    Asset { path: "/county/app.css", content_type: CSS, body: include_str!("../assets/app.css") },
    // The ES modules of js/, loaded by index.html from main.js (no build step).
    Asset { path: "/county/js/main.js", content_type: JS, body: include_str!("../assets/js/main.js") },
    Asset { path: "/county/js/i18n.js", content_type: JS, body: include_str!("../assets/js/i18n.js") },
    Asset { path: "/county/js/dom.js", content_type: JS, body: include_str!("../assets/js/dom.js") },
    Asset { path: "/county/js/format.js", content_type: JS, body: include_str!("../assets/js/format.js") },
    Asset { path: "/county/js/state.js", content_type: JS, body: include_str!("../assets/js/state.js") },
    Asset { path: "/county/js/api.js", content_type: JS, body: include_str!("../assets/js/api.js") },
    Asset { path: "/county/js/ui.js", content_type: JS, body: include_str!("../assets/js/ui.js") },
    Asset { path: "/county/js/overview.js", content_type: JS, body: include_str!("../assets/js/overview.js") },
    Asset { path: "/county/js/village.js", content_type: JS, body: include_str!("../assets/js/village.js") },
    Asset { path: "/county/js/entry.js", content_type: JS, body: include_str!("../assets/js/entry.js") },
    Asset { path: "/county/js/inspection.js", content_type: JS, body: include_str!("../assets/js/inspection.js") },
    Asset { path: "/county/js/evidence.js", content_type: JS, body: include_str!("../assets/js/evidence.js") },
    Asset { path: "/county/js/township.js", content_type: JS, body: include_str!("../assets/js/township.js") },
    Asset { path: "/county/js/ledger.js", content_type: JS, body: include_str!("../assets/js/ledger.js") },
    Asset { path: "/county/js/devices.js", content_type: JS, body: include_str!("../assets/js/devices.js") },
    Asset { path: "/county/js/joinsheet.js", content_type: JS, body: include_str!("../assets/js/joinsheet.js") },
    Asset { path: "/county/js/followups.js", content_type: JS, body: include_str!("../assets/js/followups.js") },
    Asset { path: "/county/js/findings.js", content_type: JS, body: include_str!("../assets/js/findings.js") },
    Asset { path: "/county/js/survey.js", content_type: JS, body: include_str!("../assets/js/survey.js") },
    Asset { path: "/county/js/photos.js", content_type: JS, body: include_str!("../assets/js/photos.js") },
];

/// `asset` with its content type, revalidated on every load, loading nothing from elsewhere
/// and running no inline script.
pub fn serve(asset: &'static Asset) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
                ),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        asset.body,
    )
        .into_response()
}
