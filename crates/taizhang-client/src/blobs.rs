//! Attachments over HTTP (issue 19): the device's upload loop over the sans-IO
//! `taizhang_attach::upload::Upload` — one chunk frame per `PUT /v1/blobs/{village}/{hash}`,
//! the next one only after the server acknowledged the last as durable; after a cut (any
//! transport error) [`BlobClient::resume`] asks where the server stands and the loop goes on
//! from there, so at most the chunk in flight is sent twice. Record sync never waits for
//! this: it runs after, on its own requests.

use taizhang_attach::upload::Upload;
use taizhang_attach::wire::BlobAck;
use taizhang_attach::{hash_hex, BlobHash};
use uuid::Uuid;

use crate::TransportError;

/// Blob requests of one enrolled device.
#[derive(Debug, Clone)]
pub struct BlobClient {
    http: reqwest::Client,
    base: String,
    token: String,
}

fn unreachable(e: reqwest::Error) -> TransportError {
    TransportError::Unreachable(e.to_string())
}

async fn answer(resp: reqwest::Response) -> Result<Option<BlobAck>, TransportError> {
    let status = resp.status().as_u16();
    let body = resp.bytes().await.map_err(unreachable)?;
    match status {
        200 => serde_json::from_slice(&body)
            .map(Some)
            .map_err(|e| TransportError::Status { status, message: format!("an unreadable ack: {e}") }),
        404 => Ok(None),
        429 => Err(TransportError::RateLimited { retry_after_s: 60 }),
        _ => Err(TransportError::Status { status, message: String::from_utf8_lossy(&body).into_owned() }),
    }
}

impl BlobClient {
    /// `base`: the server's address; `token`: the device's bearer token.
    pub fn new(base: &str, token: &str) -> Result<Self, TransportError> {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(120))
            .connect_timeout(std::time::Duration::from_secs(20))
            .build()
            .map_err(unreachable)?;
        Ok(Self { http, base: base.trim_end_matches('/').to_string(), token: token.to_string() })
    }

    fn url(&self, village: Uuid, hash: &BlobHash, tail: &str) -> String {
        format!("{}/v1/blobs/{village}/{}{tail}", self.base, hash_hex(hash))
    }

    /// Where the server stands with `hash` (`None`: it has none of it).
    pub async fn status(&self, village: Uuid, hash: &BlobHash) -> Result<Option<BlobAck>, TransportError> {
        let resp = self
            .http
            .get(self.url(village, hash, "/status"))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(unreachable)?;
        answer(resp).await
    }

    /// Sends one frame; answers the server's ack.
    pub async fn send(&self, village: Uuid, hash: &BlobHash, frame: Vec<u8>) -> Result<BlobAck, TransportError> {
        let resp = self
            .http
            .put(self.url(village, hash, ""))
            .bearer_auth(&self.token)
            .header("content-type", "application/octet-stream")
            .body(frame)
            .send()
            .await
            .map_err(unreachable)?;
        answer(resp).await?.ok_or_else(|| TransportError::Status { status: 404, message: "no ack".into() })
    }

    /// After a cut: takes the server's ack, so the next frame starts where it stands.
    pub async fn resume(&self, village: Uuid, up: &mut Upload) -> Result<(), TransportError> {
        let ack = self.status(village, &up.hash).await?.unwrap_or(BlobAck {
            received: 0,
            total: up.total,
            done: false,
            received_at: None,
            kind: None,
        });
        up.on_ack(&ack).map_err(|e| TransportError::Status { status: 409, message: e.to_string() })
    }

    /// Sends `file` from the acknowledged offset to its end; `progress` sees every ack. A
    /// transport error leaves `up` at the last ack: call [`BlobClient::resume`] and this again.
    pub async fn upload(
        &self,
        village: Uuid,
        up: &mut Upload,
        file: &[u8],
        mut progress: impl FnMut(&Upload),
    ) -> Result<(), TransportError> {
        while let Some(frame) = up.next_frame(file) {
            let ack = self.send(village, &up.hash, frame).await?;
            up.on_ack(&ack).map_err(|e| TransportError::Status { status: 409, message: e.to_string() })?;
            progress(up);
        }
        Ok(())
    }

    /// A stored blob (`None`: not on the server, or still uploading).
    pub async fn download(
        &self,
        village: Uuid,
        hash: &BlobHash,
        thumb: bool,
    ) -> Result<Option<Vec<u8>>, TransportError> {
        let tail = if thumb { "/thumb" } else { "" };
        let resp =
            self.http.get(self.url(village, hash, tail)).bearer_auth(&self.token).send().await.map_err(unreachable)?;
        let status = resp.status().as_u16();
        let body = resp.bytes().await.map_err(unreachable)?;
        match status {
            200 => Ok(Some(body.to_vec())),
            404 => Ok(None),
            _ => Err(TransportError::Status { status, message: String::from_utf8_lossy(&body).into_owned() }),
        }
    }
}
