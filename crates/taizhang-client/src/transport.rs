//! How requests reach the server. [`HttpTransport`] is the real one (reqwest); tests wrap it
//! to drop requests or answers and prove that retries lose and duplicate nothing.

use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("the server could not be reached ({0}); check the address and the signal, then sync again")]
    Unreachable(String),
    #[error("the server is busy with this device's requests: try again in {retry_after_s} s")]
    RateLimited { retry_after_s: u64 },
    #[error("the server answered {status}: {message}")]
    Status { status: u16, message: String },
}

/// One request/answer exchange of opaque bodies: `POST {server}{path}` with an optional
/// bearer token. `path` is one of `taizhang_sync::paths`; `/v1/sync` bodies are the sync
/// codec's bytes, the others JSON.
#[async_trait]
pub trait Transport: Send + Sync {
    async fn post(&self, path: &str, body: Vec<u8>, token: Option<&str>) -> Result<Vec<u8>, TransportError>;
}

/// HTTP POST to `{base}{path}` (not in the WebAssembly build: the browser's fetch is there).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    base: String,
}

#[cfg(not(target_arch = "wasm32"))]
impl HttpTransport {
    pub fn new(base_url: &str) -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(120))
            .connect_timeout(std::time::Duration::from_secs(20))
            .build()
            .map_err(|e| TransportError::Unreachable(e.to_string()))?;
        Ok(Self { client, base: base_url.trim_end_matches('/').to_string() })
    }

    /// The server address this transport talks to.
    pub fn base_url(&self) -> &str {
        &self.base
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[async_trait]
impl Transport for HttpTransport {
    async fn post(&self, path: &str, body: Vec<u8>, token: Option<&str>) -> Result<Vec<u8>, TransportError> {
        let content_type =
            if path == taizhang_sync::paths::SYNC { "application/x-taizhang-sync" } else { "application/json" };
        let mut req = self.client.post(format!("{}{path}", self.base)).header("content-type", content_type).body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.map_err(|e| TransportError::Unreachable(e.to_string()))?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let bytes = resp.bytes().await.map_err(|e| TransportError::Unreachable(e.to_string()))?;
        if status.as_u16() == 429 {
            return Err(TransportError::RateLimited { retry_after_s: retry_after.unwrap_or(60) });
        }
        if !status.is_success() {
            let message = String::from_utf8_lossy(&bytes).chars().take(500).collect();
            return Err(TransportError::Status { status: status.as_u16(), message });
        }
        Ok(bytes.to_vec())
    }
}
