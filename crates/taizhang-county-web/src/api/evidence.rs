//! The evidence calendar of one village: `GET /county/api/village/{id}/evidence?from=&to=`
//! (`&doubtful=1`: only the days that stand on doubtful evidence — the target list for
//! 明察暗访 and 随机查). Issue 17; the rules are `taizhang_rules::judge_record`'s.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{Path, Query};
use crate::facts::{compute, find_village, period, villages_of, Today};
use crate::state::{Accounts, Records};
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
