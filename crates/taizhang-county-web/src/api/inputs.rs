//! What county staff enter, checked against the county's policy before it is stored:
//! `PUT .../member/{member}/year/{YYYY}` (scheme A's components, training days, seven ones)
//! and `PUT .../member/{member}/month/{YYYY-MM}` (scheme B's items).

use std::sync::Arc;

use axum::extract::State;
use axum::Json as JsonAnswer;
use serde::Serialize;
use taizhang_county::{CountyError, MonthInputs, YearInputs};
use taizhang_domain::{MemberId, YearMonth};
use taizhang_server_db::{AccountStore, Clock, CountyInput};
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{Json, Path};
use crate::facts::{find_village, villages_of};
use crate::state::{Accounts, Records};
use crate::{CountyWebError, Policies, Session};

/// Checks that `member` is on the team of village `id` of the officer's county.
async fn member_of(
    accounts: &dyn AccountStore,
    records: &Records,
    session: &Session,
    id: Uuid,
    member: Uuid,
) -> Result<()> {
    session.require_county()?;
    find_village(&villages_of(accounts, session).await?, id)?;
    if !records.one(id).await?.members.iter().any(|m| m.id.0 == member) {
        return Err(CountyError::UnknownMember(MemberId(member)).into());
    }
    Ok(())
}

/// Stores one entry (replacing the member's earlier one for the period).
async fn store<T: Serialize>(
    accounts: &dyn AccountStore,
    clock: &Clock,
    session: &Session,
    (village, member, period): (Uuid, Uuid, String),
    body: &T,
) -> Result<()> {
    let data = serde_json::to_string(body)
        .map_err(|e| CountyWebError::Internal(format!("an entry could not be written as JSON: {e}")))?;
    let account = session.account.id;
    let input = CountyInput { village, member, period, data, updated_by: account, updated_at: clock() };
    accounts.put_county_input(&input).await.map_err(CountyWebError::Save)?;
    tracing::info!(%account, %village, %member, period = %input.period, "county input stored");
    Ok(())
}

pub async fn put_year(
    session: Session,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    State(policies): State<Arc<Policies>>,
    State(clock): State<Clock>,
    Path((id, member, year)): Path<(Uuid, Uuid, i32)>,
    Json(body): Json<YearInputs>,
) -> Result<JsonAnswer<YearInputs>> {
    member_of(accounts.as_ref(), &records, &session, id, member).await?;
    if !(2000..=2200).contains(&year) {
        return Err(CountyWebError::BadRequest(format!("{year} is not a year this ledger holds")));
    }
    body.check(&policies.of(session.county))?;
    store(accounts.as_ref(), &clock, &session, (id, member, format!("{year:04}")), &body).await?;
    Ok(JsonAnswer(body))
}

pub async fn put_month(
    session: Session,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    State(policies): State<Arc<Policies>>,
    State(clock): State<Clock>,
    Path((id, member, month)): Path<(Uuid, Uuid, String)>,
    Json(body): Json<MonthInputs>,
) -> Result<JsonAnswer<MonthInputs>> {
    member_of(accounts.as_ref(), &records, &session, id, member).await?;
    let month: YearMonth = month.parse().map_err(|_| {
        CountyWebError::BadRequest(format!("“{}” is not a month YYYY-MM", month.chars().take(20).collect::<String>()))
    })?;
    body.check(&policies.of(session.county))?;
    store(accounts.as_ref(), &clock, &session, (id, member, month.to_string()), &body).await?;
    Ok(JsonAnswer(body))
}
