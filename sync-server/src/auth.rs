//! Device enrollment, sign-in and the per-request checks: who is calling (bearer token →
//! device → account), may they read this village, and may the changes they push be stored
//! (actor bound to the device, permissions per document over the records they touch). The
//! decisions themselves are `taizhang_auth`'s pure functions; this module gathers the facts.

use automerge::{Automerge, Change, ReadDoc, Value, ROOT};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use taizhang_auth::{
    auth_message, enroll_message, may_write, verify_signature, AuthError, DocRef, EnrollmentCode, Facts, Place, Touch,
};
use taizhang_doc::changed_keys;
use taizhang_server_db::{Account, Device, Redeemed};
use taizhang_sync::{ChallengeResponse, EnrollRequest, EnrollResponse, ParsedChange, TokenRequest, TokenResponse};
use uuid::Uuid;

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
        enrolled_at: now,
        revoked_at: None,
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

fn unauthorized(e: AuthError) -> ApiError {
    ApiError::Unauthorized(e.to_string())
}

/// A device that may make requests: known, not revoked, with an existing account.
async fn active_device(st: &AppState, id: Uuid, now: i64) -> Result<(Device, Account), ApiError> {
    let Some(device) = st.accounts.device(id).await? else {
        return Err(ApiError::Unauthorized("this device is not enrolled on this server: enroll it with a code".into()));
    };
    if device.revoked_at.is_some() {
        return Err(ApiError::Forbidden(
            "this device was revoked by the administrator: what it synced is kept; enroll a new device with a new code"
                .into(),
        ));
    }
    st.limiter.check(device.id, now).map_err(|retry_after_s| ApiError::TooMany { retry_after_s })?;
    let account = st.accounts.account(device.account).await?.ok_or_else(|| {
        ApiError::Forbidden("the account of this device no longer exists: ask the administrator".into())
    })?;
    Ok((device, account))
}

/// `POST /v1/token`: a signed challenge for a token.
pub async fn token(State(st): State<AppState>, Json(req): Json<TokenRequest>) -> Result<Json<TokenResponse>, ApiError> {
    let now = (st.clock)();
    let key = st.key.get(st.accounts.as_ref()).await?;
    key.check_challenge(&req.challenge, now).map_err(unauthorized)?;
    let (device, _) = active_device(&st, req.device_id, now).await?;
    let signature = hex::decode(&req.signature).map_err(|_| bad("signature"))?;
    verify_signature(&device.public_key, &auth_message(device.id, &req.challenge), &signature).map_err(unauthorized)?;
    let issued = key.issue_token(device.id, now);
    Ok(Json(TokenResponse { token: issued.token, expires_at: issued.expires_at }))
}

/// Who is calling: the bearer token's device (not revoked) and its account.
pub async fn authenticate(st: &AppState, headers: &HeaderMap, now: i64) -> Result<(Device, Account), ApiError> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError::Unauthorized("no access token: sign in first (POST /v1/token)".into()))?;
    let device = st.key.get(st.accounts.as_ref()).await?.verify_token(token, now).map_err(unauthorized)?;
    active_device(st, device, now).await
}

fn scalar_str(doc: &Automerge, obj: &automerge::ObjId, field: &str) -> Vec<String> {
    doc.get_all(obj, field)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(v, _)| match v {
            Value::Scalar(s) => s.as_str().map(str::to_string),
            Value::Object(_) => None,
        })
        .collect()
}

/// What access needs to know of the record at `key` (None: the document does not have it).
fn facts(doc: &Automerge, key: &str) -> Option<Facts> {
    let (Value::Object(_), obj) = doc.get(ROOT, key).ok()?? else {
        return Some(Facts::default());
    };
    let members = scalar_str(doc, &obj, "member");
    let states = scalar_str(doc, &obj, "state");
    Some(Facts {
        // A conflicting value counts as "not this member".
        member: match members.as_slice() {
            [m] => m.parse().ok(),
            _ => None,
        },
        pending: !states.is_empty() && states.iter().all(|s| s == "pending"),
        amends: scalar_str(doc, &obj, "amends").iter().any(|a| !a.is_empty()),
    })
}

fn load(changes: &[Vec<u8>]) -> Result<Automerge, String> {
    let mut am = Automerge::new();
    for bytes in changes {
        taizhang_sync::load_untrusted(&mut am, bytes).map_err(|e| format!("stored document is unreadable: {e}"))?;
    }
    Ok(am)
}

/// Why a pushed document is refused, as a (code, message) for `DocOutcome::Rejected`.
pub type Refusal = (String, String);

/// Decides whether `new` (changes of `doc` the device pushes) may be stored: every change
/// must carry the device's actor, and the records they touch must be the account's to
/// write. `Ok(false)`: the changes cannot be applied to the stored document yet (unknown
/// dependencies), the caller answers "missing dependencies" and stores nothing.
pub async fn check_push(
    st: &AppState,
    device: &Device,
    account: &Account,
    place: &Place,
    doc: &DocRef,
    new: &[ParsedChange],
) -> Result<Result<bool, Refusal>, ApiError> {
    if let Some((i, c)) = new.iter().enumerate().find(|(_, c)| c.actor != device.actor) {
        return Ok(Err((
            "actor_not_bound".into(),
            format!(
                "change {i} claims Automerge actor {}, which is not bound to this device (its actor is {}): \
                 a device may only push its own changes",
                hex::encode(&c.actor),
                hex::encode(&device.actor)
            ),
        )));
    }
    if new.is_empty() {
        return Ok(Ok(true));
    }
    let p = account.principal();
    let village = place.village;
    // Whether a log's month is filed: the filing record in that year's team document.
    let filed = match doc {
        DocRef::Log { member, month } => {
            let team = st.store.doc_changes(village, &format!("team/{:04}", month.year)).await?;
            let key = format!("filing/{month}-{member}");
            tokio::task::spawn_blocking(move || load(&team).map(|d| facts(&d, &key).is_some()))
                .await
                .map_err(|_| ApiError::Unavailable)?
                .map_err(|e| {
                    tracing::error!(e, "team document unreadable");
                    ApiError::Unavailable
                })?
        }
        _ => false,
    };
    // A log that is not filed needs no look at its records: the owner check is by name.
    let needs_touches = !matches!(doc, DocRef::Log { .. }) || filed;
    // Cheap first decision without the records (role and owner checks).
    if !needs_touches {
        return Ok(may_write(&p, place, doc, filed, &[]).map(|()| true).map_err(|d| (d.code.to_string(), d.message)));
    }
    let stored = st.store.doc_changes(village, &doc.to_string()).await?;
    let bytes: Vec<Vec<u8>> = new.iter().map(|c| c.bytes.clone()).collect();
    let touched = tokio::task::spawn_blocking(move || -> Result<Option<Vec<Touch>>, String> {
        let before = load(&stored)?;
        let mut after = before.clone();
        let mut changes: Vec<Change> = bytes
            .iter()
            .map(|b| Change::try_from(b.as_slice()).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?;
        // Changes the server already has (a retry after a lost answer) were judged when stored.
        changes.retain(|c| before.get_change_by_hash(&c.hash()).is_none());
        // A change Automerge panics on is refused here, per document, and never stored.
        taizhang_sync::apply_untrusted(&mut after, changes.clone())?;
        if !changes.iter().all(|c| after.get_change_by_hash(&c.hash()).is_some()) {
            return Ok(None); // dependencies unknown: nothing can be decided or stored
        }
        Ok(Some(
            changed_keys(&after, &changes)
                .into_iter()
                .map(|key| Touch { before: facts(&before, &key), after: facts(&after, &key), key })
                .collect(),
        ))
    })
    .await
    .map_err(|_| ApiError::Unavailable)?;
    let touched = match touched {
        Ok(Some(t)) => t,
        Ok(None) => return Ok(Ok(false)),
        Err(reason) => return Ok(Err(("bad_change".into(), reason))),
    };
    Ok(may_write(&p, place, doc, filed, &touched).map(|()| true).map_err(|d| (d.code.to_string(), d.message)))
}
