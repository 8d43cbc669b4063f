//! Month scores through the chain (scheme B, issue 14): the sheets waiting for the session
//! (`GET /county/api/scores`: entered sheets for a township, confirmed ones for the county),
//! the township's check (`POST /county/api/village/{id}/score/{member}/{month}/check`,
//! confirm or return with a reason) and the county's audit (`POST .../audit`, optionally
//! overriding the month's points with a note). Both are written into the village's team
//! document through `crate::write` (the same permission decision as a device's push), so
//! the first secretary's phone receives them at its next sync. The township also scores the
//! first secretary's month itself (`POST /county/api/village/{id}/score/{member}/{month}`,
//! for the village's first secretary only): a sheet it scores and checks in one go, which the
//! county then audits like the others.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use taizhang_auth::Role;
use taizhang_county::{CountyError, SheetToCheck};
use taizhang_doc::{read_one, write};
use taizhang_domain::{MemberId, MonthScoreSheet, Role as MemberRole, ScoreItem, ScoreState, YearMonth};
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{Json as Body, Path};
use crate::facts::places_of;
use crate::state::{Accounts, Records};
use crate::{CountyState, CountyWebError, Session};

#[derive(Debug, Serialize)]
pub struct SheetList {
    /// `confirm_or_return` (township) or `audit` (county).
    action: &'static str,
    sheets: Vec<SheetToCheck>,
    /// For a township officer: each village's first secretary and the last ended month, with
    /// the township's sheet if it scored it already (乡镇评第一书记).
    to_score: Vec<FirstSecretaryMonth>,
}

/// A first secretary's month for the township to score.
#[derive(Debug, Serialize)]
pub struct FirstSecretaryMonth {
    village: Uuid,
    village_name: String,
    member: Uuid,
    member_name: String,
    month: String,
    /// The sheet as it stands (`None`: not scored yet).
    sheet: Option<taizhang_county::SheetChain>,
}

/// `GET /county/api/scores`: the sheets waiting for this session — entered ones for a
/// township officer (to confirm or return), confirmed ones for county staff (to audit).
pub async fn waiting(
    session: Session,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    State(clock): State<taizhang_server_db::Clock>,
) -> Result<Json<SheetList>> {
    let infos: Vec<_> = places_of(accounts.as_ref(), &session).await?.into_iter().map(|(i, _)| i).collect();
    let all = records.of(&infos).await?;
    let (action, states) = if session.account.role == Role::TownshipStaff {
        ("confirm_or_return", [ScoreState::Entered])
    } else {
        ("audit", [ScoreState::Confirmed])
    };
    let sheets = infos.iter().zip(&all).flat_map(|(i, r)| taizhang_county::sheets_waiting(i, r, &states)).collect();
    let mut to_score = Vec::new();
    if session.account.role == Role::TownshipStaff {
        let first = YearMonth::of(taizhang_domain::local_date(clock())).first_day();
        let month = YearMonth::of(first.pred_opt().unwrap_or(first));
        for (info, r) in infos.iter().zip(&all) {
            for m in r.members.iter().filter(|m| m.role == MemberRole::FirstSecretary) {
                let sheet = r.score_sheets.iter().find(|s| s.member == m.id && s.month == month);
                to_score.push(FirstSecretaryMonth {
                    village: info.id,
                    village_name: info.name.clone(),
                    member: m.id.0,
                    member_name: m.name.clone(),
                    month: month.to_string(),
                    sheet: sheet.map(|s| taizhang_county::sheet_chain(r, s)),
                });
            }
        }
    }
    Ok(Json(SheetList { action, sheets, to_score }))
}

#[derive(Debug, Deserialize)]
pub struct Check {
    /// `confirmed` or `returned`.
    pub decision: String,
    /// Required when returned: what the first secretary should correct.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize)]
pub struct Audit {
    /// The county's override of the month's points (0–10), if any.
    #[serde(default)]
    pub points: Option<f64>,
    /// Required with `points`.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Serialize)]
pub struct Done {
    member: Uuid,
    month: String,
    state: &'static str,
}

fn month_of(text: &str) -> Result<YearMonth> {
    text.parse().map_err(|_| {
        CountyWebError::BadRequest(format!(
            "“{}”不是月份 YYYY-MM / not a month YYYY-MM",
            text.chars().take(20).collect::<String>()
        ))
    })
}

/// Reads the sheet, lets `change` edit it, validates it and writes it for the session.
async fn update(
    st: &CountyState,
    session: &Session,
    id: Uuid,
    member: Uuid,
    month: YearMonth,
    change: impl Fn(&mut MonthScoreSheet) -> Result<()>,
) -> Result<ScoreState> {
    let place = places_of(st.accounts.as_ref(), session)
        .await?
        .into_iter()
        .find(|(i, _)| i.id == id)
        .map(|(_, p)| p)
        .ok_or(CountyError::UnknownVillage(id))?;
    let key = taizhang_doc::score_key(month, member);
    let now = (st.clock)();
    let result = std::sync::Mutex::new(None);
    crate::write::write_team(st, &session.account.principal(), place, month.year, |doc, tx| {
        let mut sheet = read_one::<MonthScoreSheet>(doc, &key)
            .map_err(|e| CountyWebError::BadRequest(format!("评分表无法读取 / the score sheet cannot be read: {e}")))?
            .ok_or_else(|| {
                CountyWebError::NotFound(format!(
                    "该村没有{member}的{month}评分表 / village {id} has no score sheet of {member} for {month}"
                ))
            })?
            .record;
        change(&mut sheet)?;
        if sheet.state == ScoreState::Confirmed || sheet.state == ScoreState::Returned {
            sheet.checked_by = Some(session.account.id);
            sheet.checked_at = Some(now);
        }
        if sheet.state == ScoreState::Audited {
            sheet.audited_by = Some(session.account.id);
            sheet.audited_at = Some(now);
        }
        if let Ok(mut r) = result.lock() {
            *r = Some(sheet.state);
        }
        write(tx, &sheet).map_err(|e| CountyWebError::Internal(format!("writing a score sheet failed: {e}")))
    })
    .await?;
    let state = result.lock().ok().and_then(|r| *r).unwrap_or(ScoreState::Entered);
    tracing::info!(account = %session.account.id, village = %id, %member, %month, state = state.code(), "score sheet written on the page");
    Ok(state)
}

/// `POST /county/api/village/{id}/score/{member}/{month}/check` with `{"decision":
/// "confirmed"|"returned", "note"}`: the township confirms an entered sheet or returns it
/// with a reason (镇级把关).
pub async fn check(
    session: Session,
    State(st): State<CountyState>,
    Path((id, member, month)): Path<(Uuid, Uuid, String)>,
    Body(body): Body<Check>,
) -> Result<Json<Done>> {
    let month = month_of(&month)?;
    let state = match body.decision.as_str() {
        "confirmed" => ScoreState::Confirmed,
        "returned" => ScoreState::Returned,
        other => {
            return Err(CountyWebError::BadRequest(format!(
                "“{}”不是把关结果,请用 confirmed 或 returned / the decision is confirmed or returned",
                other.chars().take(20).collect::<String>()
            )))
        }
    };
    if state == ScoreState::Returned && body.note.trim().is_empty() {
        return Err(CountyWebError::BadRequest("退回须写明原因 / a return needs a reason".into()));
    }
    let done = update(&st, &session, id, member, month, |sheet| {
        if sheet.state != ScoreState::Entered {
            return Err(CountyWebError::BadRequest(format!(
                "这张评分表现在是“{}”,乡镇只把关已录入的 / this sheet is {}; the township checks entered sheets",
                sheet.state.zh(),
                sheet.state.code()
            )));
        }
        sheet.state = state;
        sheet.check_note = body.note.trim().to_string();
        Ok(())
    })
    .await?;
    Ok(Json(Done { member, month: month.to_string(), state: done.code() }))
}

/// `POST /county/api/village/{id}/score/{member}/{month}/audit` with `{"points"?, "note"}`:
/// the county audits a confirmed sheet (县委组织部审核), optionally setting the month's points.
pub async fn audit(
    session: Session,
    State(st): State<CountyState>,
    Path((id, member, month)): Path<(Uuid, Uuid, String)>,
    Body(body): Body<Audit>,
) -> Result<Json<Done>> {
    let month = month_of(&month)?;
    let done = update(&st, &session, id, member, month, |sheet| {
        if sheet.state != ScoreState::Confirmed {
            return Err(CountyWebError::BadRequest(format!(
                "这张评分表现在是“{}”,县级只审核镇级已确认的 / this sheet is {}; the county audits confirmed sheets",
                sheet.state.zh(),
                sheet.state.code()
            )));
        }
        sheet.state = ScoreState::Audited;
        sheet.audit_points = body.points;
        sheet.audit_note = body.note.trim().to_string();
        if let Some(p) = body.points {
            if !(0.0..=10.0).contains(&p) {
                return Err(CountyWebError::BadRequest(format!(
                    "审核分数须在0至10分之间 / the points are 0 to 10, not {p}"
                )));
            }
            if sheet.audit_note.is_empty() {
                return Err(CountyWebError::BadRequest("调整分数须写明理由 / an override needs a note".into()));
            }
        }
        Ok(())
    })
    .await?;
    Ok(Json(Done { member, month: month.to_string(), state: done.code() }))
}

#[derive(Debug, Deserialize)]
pub struct Score {
    /// Bonuses, deductions and vetoes, each with its reason (as the app's sheet).
    pub items: Vec<ScoreItem>,
    #[serde(default)]
    pub note: String,
}

/// `POST /county/api/village/{id}/score/{member}/{month}` with `{"items": [...], "note"}`:
/// the township scores the first secretary's month (乡镇评第一书记): the sheet is signed by the
/// officer as scorer and checker (state confirmed) and waits for the county's audit. Only
/// for the village's first secretary; the township may correct its sheet until the county
/// audits it.
pub async fn score_first_secretary(
    session: Session,
    State(st): State<CountyState>,
    State(records): State<Records>,
    Path((id, member, month)): Path<(Uuid, Uuid, String)>,
    Body(body): Body<Score>,
) -> Result<Json<Done>> {
    let month = month_of(&month)?;
    if session.account.role != Role::TownshipStaff {
        return Err(CountyWebError::Forbidden(
            "第一书记的月度评分由乡镇录入 / the township scores the first secretary's month".into(),
        ));
    }
    let place = places_of(st.accounts.as_ref(), &session)
        .await?
        .into_iter()
        .find(|(i, _)| i.id == id)
        .map(|(_, p)| p)
        .ok_or(CountyError::UnknownVillage(id))?;
    let team = records.one(id).await?;
    let who = team.members.iter().find(|m| m.id.0 == member).ok_or(CountyError::UnknownMember(MemberId(member)))?;
    if who.role != MemberRole::FirstSecretary {
        return Err(CountyWebError::BadRequest(format!(
            "{}不是第一书记:队员的月度评分由第一书记在应用中录入 / {} is not the first secretary: the first secretary scores team members in the app",
            who.name, who.name
        )));
    }
    let key = taizhang_doc::score_key(month, member);
    let now = (st.clock)();
    let officer = session.account.id;
    crate::write::write_team(&st, &session.account.principal(), place, month.year, |doc, tx| {
        let before = read_one::<MonthScoreSheet>(doc, &key)
            .map_err(|e| CountyWebError::BadRequest(format!("评分表无法读取 / the score sheet cannot be read: {e}")))?
            .map(|r| r.record);
        if let Some(b) = &before {
            if b.scored_by.0 != officer || b.state != ScoreState::Confirmed {
                return Err(CountyWebError::BadRequest(format!(
                    "这张评分表现在是“{}”,不是本人录入待审核的 / this sheet is {} and not yours to correct",
                    b.state.zh(),
                    b.state.code()
                )));
            }
        }
        let sheet = MonthScoreSheet {
            member: MemberId(member),
            month,
            items: body.items.clone(),
            note: body.note.trim().to_string(),
            scored_by: MemberId(officer),
            scored_at: now,
            state: ScoreState::Confirmed,
            checked_by: Some(officer),
            checked_at: Some(now),
            check_note: String::new(),
            audited_by: None,
            audited_at: None,
            audit_points: None,
            audit_note: String::new(),
        };
        write(tx, &sheet).map_err(|e| CountyWebError::Internal(format!("writing a score sheet failed: {e}")))
    })
    .await?;
    tracing::info!(account = %officer, village = %id, %member, %month, "the township scored the first secretary");
    Ok(Json(Done { member, month: month.to_string(), state: ScoreState::Confirmed.code() }))
}
