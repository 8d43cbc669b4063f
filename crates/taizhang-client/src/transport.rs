//! How a sync request reaches the server. [`HttpTransport`] is the real one (reqwest); tests
//! wrap it to drop requests or answers and prove that retries lose and duplicate nothing.

use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("the server could not be reached ({0}); check the address and the signal, then sync again")]
    Unreachable(String),
    #[error("the server answered {status}: {message}")]
    Status { status: u16, message: String },
}

/// One request/answer exchange of opaque bodies.
#[async_trait]
pub trait Transport: Send + Sync {
    async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError>;
}

/// HTTP POST to `{base}/v1/sync`.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    url: String,
}

impl HttpTransport {
    pub fn new(base_url: &str) -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(120))
            .connect_timeout(std::time::Duration::from_secs(20))
            .build()
            .map_err(|e| TransportError::Unreachable(e.to_string()))?;
        Ok(Self { client, url: format!("{}/v1/sync", base_url.trim_end_matches('/')) })
    }
}

#[async_trait]
impl Transport for HttpTransport {
    async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let resp = self
            .client
            .post(&self.url)
            .header("content-type", "application/x-taizhang-sync")
            .body(body)
            .send()
            .await
            .map_err(|e| TransportError::Unreachable(e.to_string()))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| TransportError::Unreachable(e.to_string()))?;
        if !status.is_success() {
            let message = String::from_utf8_lossy(&bytes).chars().take(500).collect();
            return Err(TransportError::Status { status: status.as_u16(), message });
        }
        Ok(bytes.to_vec())
    }
}
