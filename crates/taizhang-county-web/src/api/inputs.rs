//! What county staff enter, checked against the county's policy before it is stored:
//! `PUT .../member/{member}/year/{YYYY}` (scheme A's components, training days, seven ones)
//! (`PUT .../member/{member}/month/{YYYY-MM}`, scheme B's items, is refused: the month is scored
//! on its sheet and audited).

use std::sync::Arc;

use axum::extract::State;
use axum::Json as JsonAnswer;
use serde::Serialize;
use taizhang_county::{CountyError, MonthInputs, YearInputs};
use taizhang_domain::MemberId;
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

/// `PUT .../member/{member}/month/{YYYY-MM}`: no longer taken (issue 14, one path for a
/// month's score). The month is scored on its sheet — the first secretary in the app (the
/// township for the first secretary), checked by the township — and the county audits it,
/// optionally overriding the points with a reason (`POST .../score/{member}/{month}/audit`).
pub async fn put_month(session: Session) -> Result<JsonAnswer<MonthInputs>> {
    session.require_county()?;
    Err(CountyWebError::BadRequest(
        "月度评分只有一条路径:第一书记在应用中录入(第一书记由乡镇评分),乡镇把关,县委组织部审核时可注明理由调整分数 \
         (POST /county/api/village/{id}/score/{member}/{month}/audit) / a month is scored on its sheet only: audit it \
         and override the points with a reason instead"
            .into(),
    ))
}
