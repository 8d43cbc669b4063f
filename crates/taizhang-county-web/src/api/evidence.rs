//! The evidence calendar of one village: `GET /county/api/village/{id}/evidence?from=&to=`
//! (`&doubtful=1`: only the days that stand on doubtful evidence — the target list for
//! 明察暗访 and 随机查). Issue 17; the rules are `taizhang_rules::judge_record`'s. And one record's
//! origin: `GET /county/api/village/{id}/record/{record}/origin` ([`crate::provenance`]).

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use uuid::Uuid;

use crate::error::CountyWebError;
use crate::error::Result;
use crate::extract::{Path, Query};
use crate::facts::{compute, find_village, period, villages_of, Today};
use crate::state::{Accounts, Origins, Records};
use crate::{Policies, Session};

/// `?from=&to=&doubtful=`.
#[derive(Debug, Deserialize)]
pub struct EvidenceQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    /// `1` or `true`: doubtful days only.
    #[serde(default)]
    pub doubtful: Option<String>,
}

pub async fn evidence(
    session: Session,
    Today(today): Today,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    State(policies): State<Arc<Policies>>,
    Path(id): Path<Uuid>,
    Query(q): Query<EvidenceQuery>,
) -> Result<Json<taizhang_county::EvidenceView>> {
    find_village(&villages_of(accounts.as_ref(), &session).await?, id)?;
    let period = period(q.from.as_deref(), q.to.as_deref(), today)?;
    let doubtful_only = matches!(q.doubtful.as_deref(), Some("1" | "true"));
    let r = records.one(id).await?;
    let policy = policies.of(session.county);
    let view =
        compute(move || Ok(taizhang_county::evidence_view(&r, r.village.as_ref(), period, &policy, doubtful_only)))
            .await?;
    Ok(Json(view))
}

pub async fn origin(
    session: Session,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    State(origins): State<Origins>,
    Path((id, record)): Path<(Uuid, String)>,
) -> Result<Json<crate::provenance::Provenance>> {
    find_village(&villages_of(accounts.as_ref(), &session).await?, id)?;
    let r = records.one(id).await?;
    let Some((doc, hash)) = origins.model.creator(&origins.store, id, &record).await? else {
        return Err(CountyWebError::NotFound(format!("no record {record} in this village")));
    };
    let stored = origins.store.doc_changes(id, &doc).await?;
    let devices = accounts.devices().await?;
    let signature = match &origins.signatures {
        Some(s) => s.change_signatures(id, &[hash]).await?.into_iter().next().map(|(_, sig)| sig),
        None => None,
    };
    let received = r.received_at.get(&record).copied();
    let p = compute(move || {
        Ok(crate::provenance::provenance(&record, &doc, &hash, &stored, received, &devices, signature.as_deref()))
    })
    .await?;
    Ok(Json(p))
}
