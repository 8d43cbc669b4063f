//! How a device gets in: enrollment with a one-time code (`POST /v1/enroll`), then signed
//! challenges (`POST /v1/challenge`, `POST /v1/token`) for short-lived access tokens.

use axum::extract::State;
use axum::Json;
use taizhang_auth::{actor_message, auth_message, enroll_message, verify_signature, EnrollmentCode};
use taizhang_server_db::{Device, Redeemed};
use taizhang_sync::{ActorRequest, ChallengeResponse, EnrollRequest, EnrollResponse, TokenRequest, TokenResponse};
use uuid::Uuid;

use crate::caller::{active_device, known_device, unauthorized, Caller};
use crate::{ApiError, AppState};

fn bad(what: &str) -> ApiError {
    ApiError::BadRequest(format!("{what} is not valid hex of the right length"))
}

/// `POST /v1/enroll`.
pub async fn enroll(
    State(st): State<AppState>,
    Json(req): Json<EnrollRequest>,
) -> Result<Json<EnrollResponse>, ApiError> {
    let now = (st.clock)();
    let code = EnrollmentCode::parse(&req.code).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let public_key = hex::decode(&req.public_key).ok().filter(|k| k.len() == 32).ok_or_else(|| bad("public_key"))?;
    let actor = hex::decode(&req.actor).ok().filter(|a| (8..=32).contains(&a.len())).ok_or_else(|| bad("actor"))?;
    let signature = hex::decode(&req.signature).map_err(|_| bad("signature"))?;
    verify_signature(&public_key, &enroll_message(&code, &actor), &signature)
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let name: String = req.device_name.chars().take(80).collect();
    let device = Device {
        id: Uuid::now_v7(),
        account: Uuid::nil(),
        name,
        public_key,
        actor,
        more_actors: Vec::new(),
        enrolled_at: now,
        revoked_at: None,
        wipe_ordered_at: None,
    };
    match st.accounts.redeem_enrollment_code(code.hash(), &device, now).await? {
        Redeemed::Enrolled => {}
        Redeemed::UnknownCode => {
            return Err(ApiError::Forbidden(
                "this enrollment code is not known: check it, or ask the administrator for a new one".into(),
            ))
        }
        Redeemed::AlreadyUsed => {
            return Err(ApiError::Forbidden(
                "this enrollment code was already used: ask the administrator for a new one".into(),
            ))
        }
        Redeemed::Expired => {
            return Err(ApiError::Forbidden(
                "this enrollment code has expired: ask the administrator for a new one".into(),
            ))
        }
        Redeemed::Taken => {
            return Err(ApiError::Conflict(
                "this device key or actor is already enrolled: generate a new key pair and try again".into(),
            ))
        }
    }
    let stored = st.accounts.device(device.id).await?.ok_or(ApiError::Unavailable)?;
    let account = st.accounts.account(stored.account).await?.ok_or(ApiError::Unavailable)?;
    tracing::info!(device = %device.id, account = %account.id, role = %account.role, "device enrolled");
    let issued = st.key.get(st.accounts.as_ref()).await?.issue_token(device.id, now);
    Ok(Json(EnrollResponse {
        device_id: device.id,
        account: account.id,
        name: account.name,
        role: account.role.code().to_string(),
        village: account.village,
        token: issued.token,
        expires_at: issued.expires_at,
    }))
}

/// `POST /v1/challenge`: a stateless challenge to sign.
pub async fn challenge(State(st): State<AppState>) -> Result<Json<ChallengeResponse>, ApiError> {
    let key = st.key.get(st.accounts.as_ref()).await?;
    Ok(Json(ChallengeResponse { challenge: key.challenge((st.clock)(), rand::random()) }))
}

/// `POST /v1/token`: a signed challenge for a token.
pub async fn token(State(st): State<AppState>, Json(req): Json<TokenRequest>) -> Result<Json<TokenResponse>, ApiError> {
    let now = (st.clock)();
    let key = st.key.get(st.accounts.as_ref()).await?;
    key.check_challenge(&req.challenge, now).map_err(unauthorized)?;
    // The signature first: only a request proven to come from the device spends its limit.
    let device = known_device(&st, req.device_id).await?;
    let signature = hex::decode(&req.signature).map_err(|_| bad("signature"))?;
    verify_signature(&device.public_key, &auth_message(device.id, &req.challenge), &signature).map_err(unauthorized)?;
    active_device(&st, device.id, now).await?;
    let issued = key.issue_token(device.id, now);
    Ok(Json(TokenResponse { token: issued.token, expires_at: issued.expires_at }))
}

/// `POST /v1/actor` (bearer token, and the request signed by the device key): binds one more
/// Automerge actor to the calling device — what it does after the server refused a push as
/// `actor_reused` (a copy of its store, e.g. restored from an old backup, wrote with its actor).
pub async fn add_actor(
    State(st): State<AppState>,
    caller: Caller,
    Json(req): Json<ActorRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let Caller { device, now, .. } = caller;
    let actor = hex::decode(&req.actor).ok().filter(|a| (8..=32).contains(&a.len())).ok_or_else(|| bad("actor"))?;
    let signature = hex::decode(&req.signature).map_err(|_| bad("signature"))?;
    verify_signature(&device.public_key, &actor_message(device.id, &actor), &signature).map_err(unauthorized)?;
    if !device.has_actor(&actor) && !st.accounts.add_device_actor(device.id, &actor, now).await? {
        return Err(ApiError::Conflict(
            "this actor is already bound to another device: generate a new random actor and try again".into(),
        ));
    }
    tracing::info!(device = %device.id, actor = %req.actor, "device took a new actor");
    let issued = st.key.get(st.accounts.as_ref()).await?.issue_token(device.id, now);
    Ok(Json(TokenResponse { token: issued.token, expires_at: issued.expires_at }))
}
