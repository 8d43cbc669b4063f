//! `POST /v1/peer/credentials`: the device's certificate, its teammates' certificates and the
//! village's signed revocation list, for sync between phones with no network
//! (`taizhang-peer`). The certificate key is derived from the server's secret, so every
//! instance on one database signs alike.

use axum::extract::State as AxState;
use axum::http::HeaderMap;
use axum::Json;
use taizhang_peer::wire::{Credentials, CERT_KEY_PURPOSE};
use taizhang_peer::{CertBody, CertKey, DeviceCert, RevocationBody, Revocations, CERT_TTL_MS};
use taizhang_server_db::{Account, Device};

use crate::caller::{known_device, unauthorized};
use crate::{ApiError, AppState};

/// The server's certificate key.
pub(crate) async fn cert_key(st: &AppState) -> Result<CertKey, ApiError> {
    Ok(CertKey::from_seed(st.key.get(st.accounts.as_ref()).await?.derive(CERT_KEY_PURPOSE)))
}

fn body(device: &Device, account: &Account, village: uuid::Uuid, now: i64) -> CertBody {
    let mut actors = vec![device.actor.clone()];
    actors.extend(device.more_actors.iter().cloned());
    CertBody {
        device: device.id,
        account: account.id,
        village,
        role: account.role.code().to_string(),
        public_key: device.public_key.clone(),
        actors,
        not_before: now,
        not_after: now + CERT_TTL_MS,
    }
}

/// Authenticated like [`crate::caller::Caller`] (token, enrolled and not revoked device,
/// account) but without spending the device's request limit: a device asks at most hourly,
/// right after a sync that did spend it.
pub async fn credentials(AxState(st): AxState<AppState>, headers: HeaderMap) -> Result<Json<Credentials>, ApiError> {
    let now = (st.clock)();
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError::Unauthorized("no access token: sign in first (POST /v1/token)".into()))?;
    let (token, _) = taizhang_auth::split_bearer(token);
    let id = st.key.get(st.accounts.as_ref()).await?.verify_token(token, now).map_err(unauthorized)?;
    let device = known_device(&st, id).await?;
    let account = st.accounts.account(device.account).await?.ok_or_else(|| {
        ApiError::Forbidden("the account of this device no longer exists: ask the administrator".into())
    })?;
    let Some(village) = account.village.filter(|_| account.role.in_village()) else {
        return Err(ApiError::Forbidden(
            "only a village team's devices sync with each other; this account belongs to no village".into(),
        ));
    };
    let key = cert_key(&st).await?;
    // The village's own rows only (indexed, schema 10): a handful of accounts and devices.
    let (accounts, devices) = st.accounts.village_team(village).await?;
    let mut team = Vec::new();
    let mut revoked = Vec::new();
    for d in devices {
        let Some(a) = accounts.iter().find(|a| a.id == d.account) else { continue };
        match d.revoked_at {
            Some(_) => revoked.push(d.id),
            None => team.push(DeviceCert::issue(&key, body(&d, a, village, now))),
        }
    }
    revoked.sort();
    Ok(Json(Credentials {
        server_key: key.public().to_vec(),
        cert: DeviceCert::issue(&key, body(&device, &account, village, now)),
        team,
        revocations: Revocations::issue(&key, RevocationBody { village, issued_at: now, revoked }),
    }))
}
