//! The one error type of the county surface: a status and `{"error": "..."}` for the page and
//! `taizhang pull`, in words a county officer can act on. Storage and internal details are
//! logged, never sent, and nothing here talks about device sync.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use taizhang_county::CountyError;
use taizhang_server_db::DbError;

/// Why a county request got no answer.
#[derive(Debug, thiserror::Error)]
pub enum CountyWebError {
    /// The request itself is wrong (a date, a dataset, an entry out of range, a body).
    #[error("{0}")]
    BadRequest(String),
    /// Not logged in, or the session expired: log in again.
    #[error("{0}")]
    Unauthorized(String),
    /// Logged in, but not as county staff.
    #[error("{0}")]
    Forbidden(String),
    /// A village or member not in the officer's county.
    #[error("{0}")]
    NotFound(String),
    /// The record changed since the page showed it (reload and decide again).
    #[error("{0}")]
    Conflict(String),
    #[error(
        "登录尝试过多,请 {retry_after_s} 秒后再试 / too many log-in attempts for this name: try again in {retry_after_s} s"
    )]
    TooManyLogins { retry_after_s: u64 },
    /// The records (or accounts) could not be read.
    #[error(
        "县级页面暂时读不到记录,请稍后再试 / the county view could not read the records right now; try again later"
    )]
    Read(#[source] DbError),
    /// What county staff entered could not be stored.
    #[error(
        "录入的内容暂时无法保存,请稍后再录入 / what was entered could not be saved right now; nothing was changed, enter it again later"
    )]
    Save(#[source] DbError),
    /// A computation or an answer could not be made (logged with the detail).
    #[error("县级页面暂时无法回答,请稍后再试 / the county view could not answer right now; try again later")]
    Internal(String),
}

/// Results of the county surface.
pub type Result<T, E = CountyWebError> = std::result::Result<T, E>;

impl From<DbError> for CountyWebError {
    fn from(e: DbError) -> Self {
        CountyWebError::Read(e)
    }
}

impl From<CountyError> for CountyWebError {
    fn from(e: CountyError) -> Self {
        match e {
            CountyError::UnknownVillage(_) | CountyError::UnknownMember(_) => CountyWebError::NotFound(e.to_string()),
            CountyError::Export(_) => CountyWebError::Internal(e.to_string()),
            other => CountyWebError::BadRequest(other.to_string()),
        }
    }
}

impl From<taizhang_rules::RulesError> for CountyWebError {
    fn from(e: taizhang_rules::RulesError) -> Self {
        CountyWebError::BadRequest(e.to_string())
    }
}

impl From<JsonRejection> for CountyWebError {
    fn from(e: JsonRejection) -> Self {
        CountyWebError::BadRequest(format!(
            "请求内容有误 / the request body is not what was expected: {}",
            e.body_text()
        ))
    }
}

impl From<QueryRejection> for CountyWebError {
    fn from(e: QueryRejection) -> Self {
        CountyWebError::BadRequest(format!("查询参数有误 / the query is not what was expected: {}", e.body_text()))
    }
}

impl From<PathRejection> for CountyWebError {
    fn from(e: PathRejection) -> Self {
        CountyWebError::BadRequest(format!("地址有误 / the address is not what was expected: {}", e.body_text()))
    }
}

impl CountyWebError {
    pub fn status(&self) -> StatusCode {
        match self {
            CountyWebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            CountyWebError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            CountyWebError::Forbidden(_) => StatusCode::FORBIDDEN,
            CountyWebError::NotFound(_) => StatusCode::NOT_FOUND,
            CountyWebError::Conflict(_) => StatusCode::CONFLICT,
            CountyWebError::TooManyLogins { .. } => StatusCode::TOO_MANY_REQUESTS,
            CountyWebError::Read(_) | CountyWebError::Save(_) | CountyWebError::Internal(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }
}

impl IntoResponse for CountyWebError {
    fn into_response(self) -> Response {
        match &self {
            CountyWebError::Read(e) | CountyWebError::Save(e) => {
                tracing::error!(error = %e, "county view: storage error")
            }
            CountyWebError::Internal(detail) => tracing::error!(detail, "county view: internal error"),
            _ => {}
        }
        let body = Json(serde_json::json!({ "error": self.to_string() }));
        if let CountyWebError::TooManyLogins { retry_after_s } = self {
            return (self.status(), [(header::RETRY_AFTER, retry_after_s.to_string())], body).into_response();
        }
        (self.status(), body).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_storage_failure_says_what_the_county_view_could_not_do_and_never_speaks_of_sync() {
        for (e, status) in [
            (CountyWebError::from(DbError::Backend("disk I/O error".into())), StatusCode::SERVICE_UNAVAILABLE),
            (CountyWebError::Save(DbError::Backend("disk I/O error".into())), StatusCode::SERVICE_UNAVAILABLE),
            (CountyWebError::Internal("join error".into()), StatusCode::SERVICE_UNAVAILABLE),
        ] {
            let message = e.to_string();
            assert_eq!(e.status(), status);
            assert!(!message.to_lowercase().contains("sync"), "{message}");
            assert!(!message.contains("disk I/O") && !message.contains("join"), "no internals: {message}");
            assert!(message.contains("try again later") || message.contains("enter it again later"), "{message}");
        }
        assert!(CountyWebError::from(DbError::Backend("x".into())).to_string().contains("could not read the records"));
    }

    #[test]
    fn an_unknown_village_is_not_found_and_a_bad_input_is_a_bad_request() {
        let v = uuid::Uuid::from_u128(9);
        assert_eq!(CountyWebError::from(CountyError::UnknownVillage(v)).status(), StatusCode::NOT_FOUND);
        assert_eq!(CountyWebError::from(CountyError::BadInput("no".into())).status(), StatusCode::BAD_REQUEST);
    }
}
