//! Who is calling: the bearer token's device (enrolled, not revoked, within its rate) and its
//! account, as an axum extractor ([`Caller`]) for the device endpoints.

use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use taizhang_auth::{device_access, AuthError, DeviceAccess, DeviceRequest, DeviceState};
use taizhang_server_db::{Account, Device};
use uuid::Uuid;

use crate::{ApiError, AppState};

pub(crate) fn unauthorized(e: AuthError) -> ApiError {
    ApiError::Unauthorized(e.to_string())
}

/// A device that may make requests: known, not revoked, with an existing account.
pub(crate) async fn active_device(st: &AppState, id: Uuid, now: i64) -> Result<(Device, Account), ApiError> {
    active_device_for(st, id, now, false).await
}

/// [`active_device`]; with `sync`, a device ordered to erase itself passes too (its push is
/// stored first, `taizhang_auth::device_access`): the sync handler decides what it gets.
pub(crate) async fn active_device_for(
    st: &AppState,
    id: Uuid,
    now: i64,
    sync: bool,
) -> Result<(Device, Account), ApiError> {
    let device = known_device_for(st, id, sync).await?;
    st.limiter.check(device.id, now).map_err(|retry_after_s| ApiError::TooMany { retry_after_s })?;
    let account = st.accounts.account(device.account).await?;
    let Some(account) = account else {
        if device.wipe_ordered_at.is_some() {
            return Err(ApiError::Wipe); // nothing it holds could be written any more
        }
        return Err(ApiError::Forbidden("the account of this device no longer exists: ask the administrator".into()));
    };
    Ok((device, account))
}

/// The enrolled, not revoked device `id`, with no rate limit spent: for a request whose proof
/// (a signature) must be checked before it may count against the device's limit — otherwise
/// anyone who knows a colleague's device id could spend that colleague's limit.
pub(crate) async fn known_device(st: &AppState, id: Uuid) -> Result<Device, ApiError> {
    known_device_for(st, id, false).await
}

/// [`known_device`]; with `sync`, a device ordered to erase itself is returned (its state
/// decides the rest); otherwise it is answered [`ApiError::Wipe`].
pub(crate) async fn known_device_for(st: &AppState, id: Uuid, sync: bool) -> Result<Device, ApiError> {
    let Some(device) = st.accounts.device(id).await? else {
        return Err(ApiError::Unauthorized("this device is not enrolled on this server: enroll it with a code".into()));
    };
    let state = DeviceState::of(device.revoked_at, device.wipe_ordered_at);
    let request = if sync { DeviceRequest::Sync { pushes: true } } else { DeviceRequest::Other };
    match device_access(state, request, true) {
        DeviceAccess::Allow | DeviceAccess::PushOnly => Ok(device),
        DeviceAccess::Wipe => Err(ApiError::Wipe),
        DeviceAccess::Refuse => Err(ApiError::Forbidden(
            "this device was revoked by the administrator: what it synced is kept; enroll a new device with a new code"
                .into(),
        )),
    }
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
    /// The request carried the device's signature over its token (`taizhang_auth::renew_message`)
    /// and the token is due for renewal (`taizhang_auth::RENEW_WITHIN_MS`), or the request was
    /// signed whole: only then does the answer carry a renewed token.
    pub proven: bool,
}

/// A body that could not be read: too large (413) or broken off (400).
fn body_error(e: axum::extract::rejection::BytesRejection) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge(format!("the request body is too large: {e}; send fewer changes per request"))
    } else {
        ApiError::BadRequest(format!("the request body could not be read: {e}"))
    }
}

/// The caller of a request that may be signed with the device key instead of carrying a token
/// (`Authorization: Bearer signed.<device>.<stamp>.<signature>`, `taizhang_auth::SignedRequest`),
/// and the request's body, which the signature covers: a device back after any time away
/// syncs in one request, with no sign-in first. A signed request is proven (its answer renews
/// the token). A replay is refused: each stamp is used once, forward only
/// (`AccountStore::use_signed_stamp`), checked after the signature so nobody else can use up
/// a device's stamps.
#[derive(Debug)]
pub struct SignedCaller {
    pub caller: Caller,
    pub body: axum::body::Bytes,
}

impl axum::extract::FromRequest<AppState> for SignedCaller {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, st: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let signed = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .and_then(taizhang_auth::SignedRequest::parse);
        let Some(signed) = signed else {
            let caller = Caller::authenticate(&mut parts, st, true).await?;
            let req = axum::extract::Request::from_parts(parts, body);
            let body = <axum::body::Bytes as FromRequest<AppState>>::from_request(req, st).await.map_err(body_error)?;
            return Ok(Self { caller, body });
        };
        let signed = signed.map_err(unauthorized)?;
        let path = parts.uri.path().to_string();
        let req = axum::extract::Request::from_parts(parts, body);
        let body = <axum::body::Bytes as FromRequest<AppState>>::from_request(req, st).await.map_err(body_error)?;
        let now = (st.clock)();
        let device = known_device_for(st, signed.device, true).await?;
        signed.verify(&device.public_key, &path, &body, now).map_err(unauthorized)?;
        let (device, account) = active_device_for(st, device.id, now, true).await?;
        if !st.accounts.use_signed_stamp(device.id, signed.stamp).await? {
            return Err(unauthorized(AuthError::StampReused));
        }
        Ok(Self { caller: Caller { device, account, now, proven: true }, body })
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        Caller::authenticate(parts, st, false).await
    }
}

impl Caller {
    /// The bearer token's caller; `sync`: for `POST /v1/sync`, where a device ordered to erase
    /// itself still pushes first.
    async fn authenticate(parts: &mut Parts, st: &AppState, sync: bool) -> Result<Self, ApiError> {
        let now = (st.clock)();
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::Unauthorized("no access token: sign in first (POST /v1/token)".into()))?;
        let (token, proof) = taizhang_auth::split_bearer(token);
        let (device, due) =
            st.key.get(st.accounts.as_ref()).await?.verify_token_due(token, now).map_err(unauthorized)?;
        let (device, account) = active_device_for(st, device, now, sync).await?;
        // The proof (an ed25519 check, the dearest step of a small sync) is read only when the
        // token is in the second half of its life: only then would the answer renew it.
        let proven = due
            && proof.and_then(|p| hex::decode(p).ok()).is_some_and(|sig| {
                taizhang_auth::verify_signature(&device.public_key, &taizhang_auth::renew_message(token), &sig).is_ok()
            });
        Ok(Caller { device, account, now, proven })
    }
}
