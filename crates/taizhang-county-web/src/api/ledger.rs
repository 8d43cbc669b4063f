//! The village's own ledger (村级工作台账, issue 22): `GET /county/api/village/{id}/ledger?from=&to=`,
//! its projects and meetings of the period (`taizhang_county::village_ledger`).

use axum::extract::State;
use axum::Json;
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{Path, Query};
use crate::facts::{compute, find_village, villages_of, PeriodQuery, Today};
use crate::state::{Accounts, Records};
use crate::Session;

pub async fn ledger(
    session: Session,
    Today(today): Today,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    Path(id): Path<Uuid>,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<taizhang_county::LedgerView>> {
    find_village(&villages_of(accounts.as_ref(), &session).await?, id)?;
    let period = q.period(today)?;
    let r = records.one(id).await?;
    let view = compute(move || Ok(taizhang_county::village_ledger(&r, period, today))).await?;
    Ok(Json(view))
}
