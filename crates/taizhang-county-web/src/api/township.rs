//! The township's work (issue 14, seed 003), for every village of the session's scope: who
//! is at post today (`GET /county/api/at-post`), leave to decide (`GET /county/api/leave`,
//! `POST /county/api/village/{id}/leave/{leave}`) and months to file (`GET
//! /county/api/filing`, `POST /county/api/village/{id}/filing`; each month says whether its
//! member submitted it, 提交本月) and the team's quarterly reports and yearly commitment (`GET
//! /county/api/reports`, read only: the first secretary writes them in the app). County staff see the lists
//! too; a decision or a filing is written into the village's team document through the same
//! permission decision as a device's (`crate::write`), so only the township (or a village's
//! first secretary, from the app) decides and files.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use taizhang_county::{AtPostVillage, CountyError, LeaveToDecide, MonthToFile, VillageReports};
use taizhang_doc::{read_one, write, FilingRecord};
use taizhang_domain::{
    validate_filing, DiaryId, HouseholdId, LeaveRequest, LeaveState, LedgerView, Limits, MemberId, MonthFiling,
    YearMonth,
};
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{Json as Body, Path, Query};
use crate::facts::{places_of, Today};
use crate::state::{Accounts, Records};
use crate::{CountyState, CountyWebError, Policies, Session};

#[derive(Debug, Serialize)]
pub struct AtPost {
    today: NaiveDate,
    villages: Vec<AtPostVillage>,
}

/// `GET /county/api/at-post`: each village's members on post today and where they stand.
pub async fn at_post(
    session: Session,
    Today(today): Today,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
) -> Result<Json<AtPost>> {
    let infos: Vec<_> = places_of(accounts.as_ref(), &session).await?.into_iter().map(|(i, _)| i).collect();
    let terms = today.to_string().into_bytes(); // the line's terms (`crate::lines`)
    let line = move |info: &_, r: &_| Ok(taizhang_county::at_post(info, r, today));
    let villages = records.each_kept(&records.lines.at_post, &infos, &terms, line).await?;
    Ok(Json(AtPost { today, villages }))
}

#[derive(Debug, Serialize)]
pub struct LeaveList {
    requests: Vec<LeaveToDecide>,
}

/// `GET /county/api/leave`: the pending leave requests of the scope's villages.
pub async fn leave(
    session: Session,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
) -> Result<Json<LeaveList>> {
    let infos: Vec<_> = places_of(accounts.as_ref(), &session).await?.into_iter().map(|(i, _)| i).collect();
    let all = records.of(&infos).await?;
    let requests = infos.iter().zip(&all).flat_map(|(i, r)| taizhang_county::leave_to_decide(i, r)).collect();
    Ok(Json(LeaveList { requests }))
}

#[derive(Debug, Deserialize)]
pub struct Decision {
    /// `approved` or `rejected`.
    pub decision: String,
}

#[derive(Debug, Serialize)]
pub struct Decided {
    leave: Uuid,
    state: &'static str,
}

/// `POST /county/api/village/{id}/leave/{leave}` with `{"decision": "approved"|"rejected"}`:
/// the officer decides a pending request. Written as a change to `team/<year>` under the
/// officer's web actor, through `taizhang_auth::may_write` (nobody decides their own leave).
pub async fn decide(
    session: Session,
    State(st): State<CountyState>,
    State(records): State<Records>,
    Path((id, leave)): Path<(Uuid, Uuid)>,
    Body(body): Body<Decision>,
) -> Result<Json<Decided>> {
    let state = match body.decision.as_str() {
        "approved" => LeaveState::Approved,
        "rejected" => LeaveState::Rejected,
        other => {
            return Err(CountyWebError::BadRequest(format!(
                "“{}”不是审批结果,请用 approved 或 rejected / the decision is approved or rejected",
                other.chars().take(20).collect::<String>()
            )))
        }
    };
    let place = crate::facts::place_of(st.accounts.as_ref(), &session, id).await?;
    let r = records.one(id).await?;
    let not_found =
        || CountyWebError::NotFound(format!("该村没有这条请假申请 / village {id} has no leave request {leave}"));
    let year = r.leave_requests.iter().find(|l| l.id.0 == leave).ok_or_else(not_found)?.from.year();
    let me = MemberId(session.account.id);
    let key = format!("leave/{leave}");
    crate::write::write_team(&st, &session.account.principal(), place, year, |doc, tx| {
        let mut l: LeaveRequest = read_one::<LeaveRequest>(doc, &key)
            .map_err(|e| {
                CountyWebError::BadRequest(format!("这条请假申请无法读取 / the leave request cannot be read: {e}"))
            })?
            .ok_or_else(not_found)?
            .record;
        if l.state != LeaveState::Pending {
            return Err(CountyWebError::BadRequest(format!(
                "这条请假申请已处理({}),无需再审批 / this request is no longer pending ({})",
                l.state.code(),
                l.state.code()
            )));
        }
        l.state = state;
        l.decided_by = Some(me);
        write(tx, &l).map_err(|e| CountyWebError::Internal(format!("writing a leave decision failed: {e}")))
    })
    .await?;
    tracing::info!(account = %session.account.id, village = %id, %leave, state = state.code(), "leave decided on the page");
    Ok(Json(Decided { leave, state: state.code() }))
}

#[derive(Debug, Serialize)]
pub struct FilingList {
    today: NaiveDate,
    months: Vec<MonthToFile>,
}

/// `GET /county/api/filing`: each member's ended months not filed yet (due / late).
pub async fn filing(
    session: Session,
    Today(today): Today,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    State(policies): State<Arc<Policies>>,
) -> Result<Json<FilingList>> {
    let infos: Vec<_> = places_of(accounts.as_ref(), &session).await?.into_iter().map(|(i, _)| i).collect();
    let all = records.of(&infos).await?;
    let policy = policies.of(session.county);
    let months =
        infos.iter().zip(&all).flat_map(|(i, r)| taizhang_county::months_to_file(i, r, today, &policy)).collect();
    Ok(Json(FilingList { today, months }))
}

#[derive(Debug, Deserialize)]
pub struct ReportsQuery {
    /// The year (default: today's).
    pub year: Option<i32>,
}

#[derive(Debug, Serialize)]
pub struct ReportList {
    today: NaiveDate,
    year: i32,
    villages: Vec<VillageReports>,
}

/// `GET /county/api/reports?year=2026`: per village, which of the year's quarterly reports
/// (季报告) and the yearly commitment (年承诺) the first secretary has filed, with their text.
pub async fn reports(
    session: Session,
    Today(today): Today,
    Query(q): Query<ReportsQuery>,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
) -> Result<Json<ReportList>> {
    let year = q.year.unwrap_or(today.year());
    if !(2000..=2100).contains(&year) {
        return Err(CountyWebError::BadRequest(format!(
            "年份 {year} 不在 2000–2100 之间 / year {year} is not between 2000 and 2100"
        )));
    }
    let infos: Vec<_> = places_of(accounts.as_ref(), &session).await?.into_iter().map(|(i, _)| i).collect();
    let all = records.of(&infos).await?;
    let villages = infos.iter().zip(&all).map(|(i, r)| taizhang_county::team_reports(i, r, year, today)).collect();
    Ok(Json(ReportList { today, year, villages }))
}

#[derive(Debug, Deserialize)]
pub struct FileMonth {
    pub member: Uuid,
    /// `YYYY-MM`.
    pub month: String,
}

/// Filing sees the team (and the officer filing) as the ledger's members.
struct Team<'a> {
    members: &'a [taizhang_domain::Member],
    officer: MemberId,
}

impl LedgerView for Team<'_> {
    fn household_exists(&self, _: HouseholdId) -> bool {
        false
    }
    fn member_exists(&self, id: MemberId) -> bool {
        id == self.officer || self.members.iter().any(|m| m.id == id)
    }
    fn month_filed(&self, _: MemberId, _: YearMonth) -> bool {
        false
    }
    fn diary_entry_exists(&self, _: DiaryId) -> bool {
        false
    }
}

/// `POST /county/api/village/{id}/filing` with `{"member", "month"}`: the officer files a
/// member's ended month (月备案): a filing record in `team/<year>`, by the same path as a
/// decision. A month that has not ended is refused (`taizhang_domain::validate_filing`).
pub async fn file_month(
    session: Session,
    State(st): State<CountyState>,
    State(records): State<Records>,
    Path(id): Path<Uuid>,
    Body(body): Body<FileMonth>,
) -> Result<Json<serde_json::Value>> {
    let place = crate::facts::place_of(st.accounts.as_ref(), &session, id).await?;
    let month: YearMonth = body.month.parse().map_err(|_| {
        CountyWebError::BadRequest(format!(
            "“{}”不是月份 YYYY-MM / not a month YYYY-MM",
            body.month.chars().take(20).collect::<String>()
        ))
    })?;
    let r = records.one(id).await?;
    let member = MemberId(body.member);
    if !r.members.iter().any(|m| m.id == member) {
        return Err(CountyError::UnknownMember(member).into());
    }
    let now = (st.clock)();
    let filing = MonthFiling { member, month, filed_by: MemberId(session.account.id), filed_at: now };
    let view = Team { members: &r.members, officer: filing.filed_by };
    validate_filing(&filing, &view, now, &Limits::default())
        .map_err(|e| CountyWebError::BadRequest(format!("不能备案 / cannot file: {e}")))?;
    let record = FilingRecord(filing);
    let key = taizhang_doc::Record::key(&record);
    crate::write::write_team(&st, &session.account.principal(), place, month.year, |doc, tx| {
        if automerge::ReadDoc::get(doc, automerge::ROOT, key.as_str()).ok().flatten().is_some() {
            return Err(CountyWebError::BadRequest(format!(
                "{month} 已备案 / {month} is already filed for this member"
            )));
        }
        write(tx, &record).map_err(|e| CountyWebError::Internal(format!("writing a filing failed: {e}")))
    })
    .await?;
    tracing::info!(account = %session.account.id, village = %id, member = %body.member, %month, "month filed on the page");
    Ok(Json(serde_json::json!({ "member": body.member, "month": month.to_string(), "filed": true })))
}
