//! The HTTP error type: a status and a plain message for the device. Internal details
//! (database errors, panics) are logged, never sent.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use taizhang_server_db::DbError;
use taizhang_sync::SyncError;

#[derive(Debug)]
pub enum ApiError {
    BadRequest(String),
    /// No, a bad or an expired token: the device signs in again.
    Unauthorized(String),
    /// Authenticated but not allowed (revoked device, other village, used code).
    Forbidden(String),
    Conflict(String),
    TooLarge(String),
    NotFound(String),
    /// Too many requests from one device: retry after this many seconds.
    TooMany {
        retry_after_s: u64,
    },
    Unavailable,
    /// The administrator ordered this device to erase its store and keys (issue 21): 410 Gone.
    Wipe,
}

impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::TooLarge { .. } => ApiError::TooLarge(e.to_string()),
            other => ApiError::BadRequest(other.to_string()),
        }
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        tracing::error!(error = %e, "storage error");
        ApiError::Unavailable
    }
}

/// The body of the 410 answer to a device ordered to erase itself (the app shows it).
pub const WIPE_MESSAGE: &str = "管理员已停用本设备并要求清除本机数据：未同步的记录已先上传。请向县里管理员领取新的加入码。 / The administrator revoked this device and ordered its data erased: what it had not synced was sent first. Ask the county administrator for a new join code.";

impl ApiError {
    /// The status and the message the caller sees (never internals).
    pub fn status_and_message(&self) -> (StatusCode, String) {
        match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, m.clone()),
            ApiError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, m.clone()),
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, m.clone()),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, m.clone()),
            ApiError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, m.clone()),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, m.clone()),
            ApiError::TooMany { retry_after_s } => (
                StatusCode::TOO_MANY_REQUESTS,
                format!("too many requests from this device: try again in {retry_after_s} s"),
            ),
            ApiError::Wipe => (StatusCode::GONE, WIPE_MESSAGE.to_string()),
            ApiError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "the server could not store this sync right now; nothing was lost, try again later".to_string(),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, msg) = self.status_and_message();
        if let ApiError::TooMany { retry_after_s } = self {
            return (status, [(header::RETRY_AFTER, retry_after_s.to_string())], msg).into_response();
        }
        (status, msg).into_response()
    }
}

/// A handler panicked: log it and answer 500 without detail; the server keeps serving.
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(detail, "handler panicked");
    (StatusCode::INTERNAL_SERVER_ERROR, "internal error; nothing was stored for the failed document, try again later")
        .into_response()
}
