//! Who is calling: the bearer token's device (enrolled, not revoked, within its rate) and its
//! account, as an axum extractor ([`Caller`]) for the device endpoints.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use taizhang_auth::AuthError;
use taizhang_server_db::{Account, Device};
use uuid::Uuid;

use crate::{ApiError, AppState};

pub(crate) fn unauthorized(e: AuthError) -> ApiError {
    ApiError::Unauthorized(e.to_string())
}

/// A device that may make requests: known, not revoked, with an existing account.
pub(crate) async fn active_device(st: &AppState, id: Uuid, now: i64) -> Result<(Device, Account), ApiError> {
    let device = known_device(st, id).await?;
    st.limiter.check(device.id, now).map_err(|retry_after_s| ApiError::TooMany { retry_after_s })?;
    let account = st.accounts.account(device.account).await?.ok_or_else(|| {
        ApiError::Forbidden("the account of this device no longer exists: ask the administrator".into())
    })?;
    Ok((device, account))
}

/// The enrolled, not revoked device `id`, with no rate limit spent: for a request whose proof
/// (a signature) must be checked before it may count against the device's limit — otherwise
/// anyone who knows a colleague's device id could spend that colleague's limit.
pub(crate) async fn known_device(st: &AppState, id: Uuid) -> Result<Device, ApiError> {
    let Some(device) = st.accounts.device(id).await? else {
        return Err(ApiError::Unauthorized("this device is not enrolled on this server: enroll it with a code".into()));
    };
    if device.revoked_at.is_some() {
        return Err(ApiError::Forbidden(
            "this device was revoked by the administrator: what it synced is kept; enroll a new device with a new code"
                .into(),
        ));
    }
    Ok(device)
}

/// The authenticated device of a request and its account. Extracting it checks the bearer
/// token, the device (not revoked), the rate limit and the account: a handler that takes a
/// `Caller` runs only for a device that may make requests.
#[derive(Debug, Clone)]
pub struct Caller {
    pub device: Device,
    pub account: Account,
    /// The server's clock when the caller was authenticated (UTC ms).
    pub now: i64,
    /// The request carried the device's signature over its token (`taizhang_auth::renew_message`):
    /// only then does the answer carry a renewed token.
    pub proven: bool,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let now = (st.clock)();
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::Unauthorized("no access token: sign in first (POST /v1/token)".into()))?;
        let (token, proof) = taizhang_auth::split_bearer(token);
        let device = st.key.get(st.accounts.as_ref()).await?.verify_token(token, now).map_err(unauthorized)?;
        let (device, account) = active_device(st, device, now).await?;
        let proven = proof.and_then(|p| hex::decode(p).ok()).is_some_and(|sig| {
            taizhang_auth::verify_signature(&device.public_key, &taizhang_auth::renew_message(token), &sig).is_ok()
        });
        Ok(Caller { device, account, now, proven })
    }
}
