//! The offline web client at `/app/`: the built files of `scripts/web-build.sh` (the field app's
//! UI, the WebAssembly core, the web app manifest and the service worker) served from the
//! directory in env `TAIZHANG_WEB_DIR` (default `app/dist-web`, from the repository root).
//! Nothing here touches the ledger: after the first visit the service worker serves these files
//! itself and the page works with no network; only sync and enrollment come back to the server.

use std::path::PathBuf;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum::Router;
use tower_http::services::ServeDir;

/// Where the built web client is (env `TAIZHANG_WEB_DIR`, default `app/dist-web`).
pub fn web_dir() -> PathBuf {
    std::env::var_os("TAIZHANG_WEB_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("app/dist-web"))
}

async fn not_built() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "网页版没有构建 / the web client is not here: run `bash scripts/web-build.sh` (it writes app/dist-web), \
             or set TAIZHANG_WEB_DIR (now {})\n",
            web_dir().display()
        ),
    )
}

/// `GET /app/…` from [`web_dir`]; `/app` redirects to `/app/`; a missing file is a plain 404.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    router_at(web_dir())
}

fn router_at<S: Clone + Send + Sync + 'static>(dir: PathBuf) -> Router<S> {
    // web-build.sh writes a .gz beside the big files (the wasm: 4.5 MB, 1.6 MB gzipped).
    let files = ServeDir::new(dir)
        .append_index_html_on_directories(true)
        .precompressed_gzip()
        .not_found_service(get(not_built));
    Router::new().route("/app", get(|| async { Redirect::permanent("/app/") })).nest_service("/app/", files)
}

#[cfg(test)]
mod tests {
    use axum::body::{to_bytes, Body};
    use axum::http::Request;
    use tower::ServiceExt as _;

    use super::*;

    async fn get_path(dir: &std::path::Path, path: &str) -> (StatusCode, String, String) {
        let r = router_at::<()>(dir.to_path_buf())
            .oneshot(Request::get(path).body(Body::empty()).expect("request"))
            .await
            .expect("answer");
        let status = r.status();
        let kind = r.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let loc = r.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let body = String::from_utf8_lossy(&to_bytes(r.into_body(), 1 << 20).await.expect("body")).to_string();
        (status, if kind.is_empty() { loc } else { kind }, body)
    }

    #[tokio::test]
    async fn serves_the_built_client_and_says_when_it_is_not_built() {
        let dir = std::env::temp_dir().join(format!("taizhang-webapp-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).expect("dir");
        std::fs::write(dir.join("index.html"), "<!doctype html><title>台账</title>").expect("index");
        std::fs::write(dir.join("sw.js"), "self.addEventListener('fetch', () => {});").expect("sw");
        std::fs::write(dir.join("pkg/core_bg.wasm"), b"\0asm").expect("wasm");

        let (status, kind, body) = get_path(&dir, "/app/").await;
        assert_eq!((status, kind.starts_with("text/html"), body.contains("台账")), (StatusCode::OK, true, true));
        let (status, kind, _) = get_path(&dir, "/app/sw.js").await;
        assert_eq!(status, StatusCode::OK);
        assert!(kind.contains("javascript"), "{kind}");
        let (status, kind, _) = get_path(&dir, "/app/pkg/core_bg.wasm").await;
        assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/wasm"));
        let (status, location, _) = get_path(&dir, "/app").await;
        assert_eq!((status, location.as_str()), (StatusCode::PERMANENT_REDIRECT, "/app/"));
        std::fs::write(dir.join("pkg/core_bg.wasm.gz"), b"gzipped").expect("gz");
        let r = router_at::<()>(dir.clone())
            .oneshot(
                Request::get("/app/pkg/core_bg.wasm")
                    .header(header::ACCEPT_ENCODING, "gzip")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await
            .expect("answer");
        assert_eq!(r.headers().get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok()), Some("gzip"));
        let (status, _, body) = get_path(&dir, "/app/nothing-here.js").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("scripts/web-build.sh"), "{body}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
