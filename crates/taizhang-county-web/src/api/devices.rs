//! A village team's devices on the county page (issue 21), county staff only:
//! `GET /county/api/village/{id}/devices` lists them with their state, and
//! `POST /county/api/village/{id}/device/{device}/wipe` revokes one and orders it erased — the
//! same as `taizhang-sync-server admin revoke-device --wipe`: at its next contact the phone
//! pushes what it has not synced, then erases its store and keys and shows why.

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use uuid::Uuid;

use crate::error::Result;
use crate::extract::Path;
use crate::facts::{find_village, villages_of};
use crate::state::Accounts;
use crate::{CountyWebError, Session};

/// One device of the village's team.
#[derive(Debug, Clone, Serialize)]
pub struct DeviceRow {
    pub id: Uuid,
    pub account: Uuid,
    pub account_name: String,
    pub name: String,
    pub enrolled_at: i64,
    pub revoked_at: Option<i64>,
    pub wipe_ordered_at: Option<i64>,
    /// `active`, `revoked` or `wipe_ordered`.
    pub state: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeviceList {
    pub village: Uuid,
    pub devices: Vec<DeviceRow>,
}

async fn rows(accounts: &dyn taizhang_server_db::AccountStore, village: Uuid) -> Result<Vec<DeviceRow>> {
    let team: Vec<_> = accounts.accounts().await?.into_iter().filter(|a| a.village == Some(village)).collect();
    let mut out: Vec<DeviceRow> = accounts
        .devices()
        .await?
        .into_iter()
        .filter_map(|d| {
            let a = team.iter().find(|a| a.id == d.account)?;
            let state = match (d.revoked_at, d.wipe_ordered_at) {
                (_, Some(_)) => "wipe_ordered",
                (Some(_), None) => "revoked",
                (None, None) => "active",
            };
            Some(DeviceRow {
                id: d.id,
                account: d.account,
                account_name: a.name.clone(),
                name: d.name,
                enrolled_at: d.enrolled_at,
                revoked_at: d.revoked_at,
                wipe_ordered_at: d.wipe_ordered_at,
                state,
            })
        })
        .collect();
    out.sort_by(|a, b| (a.account_name.as_str(), a.enrolled_at).cmp(&(b.account_name.as_str(), b.enrolled_at)));
    Ok(out)
}

pub async fn devices(
    session: Session,
    State(Accounts(accounts)): State<Accounts>,
    Path(id): Path<Uuid>,
) -> Result<Json<DeviceList>> {
    session.require_county()?;
    find_village(&villages_of(accounts.as_ref(), &session).await?, id)?;
    Ok(Json(DeviceList { village: id, devices: rows(accounts.as_ref(), id).await? }))
}

pub async fn wipe(
    session: Session,
    State(Accounts(accounts)): State<Accounts>,
    State(clock): State<taizhang_server_db::Clock>,
    Path((id, device)): Path<(Uuid, Uuid)>,
) -> Result<Json<DeviceRow>> {
    session.require_county()?;
    find_village(&villages_of(accounts.as_ref(), &session).await?, id)?;
    // Only a device of this village's team: the village was checked against the session.
    if !rows(accounts.as_ref(), id).await?.iter().any(|d| d.id == device) {
        return Err(CountyWebError::BadRequest(
            "该设备不属于本村工作队 / this device does not belong to the village's team".into(),
        ));
    }
    accounts.order_wipe(device, clock()).await.map_err(CountyWebError::Save)?;
    tracing::info!(%device, by = %session.account.id, "wipe ordered from the county page");
    let row = rows(accounts.as_ref(), id).await?.into_iter().find(|d| d.id == device);
    row.map(Json).ok_or_else(|| CountyWebError::BadRequest("the device is gone".into()))
}
