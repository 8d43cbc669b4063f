//! `GET /county/api/grades?year=`: the county's first secretaries graded (scheme A, cap on
//! 优秀): the places listed once, every village's records, the county's entries in one call,
//! and one call into `taizhang-county`; with them the township's proposals (乡镇党委提出意见,
//! `GET /county/api/proposals`, `PUT .../member/{member}/proposal/{YYYY}`), the county's input.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{Json as Body, Path, Query};
use crate::facts::{compute, entered_of, villages_of, Today};
use crate::state::{Accounts, Records};
use crate::{CountyWebError, Policies, Session};

#[derive(Debug, Deserialize)]
pub struct GradesQuery {
    pub year: Option<i32>,
}

pub async fn grades(
    session: Session,
    Today(today): Today,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    State(policies): State<Arc<Policies>>,
    Query(q): Query<GradesQuery>,
) -> Result<Json<taizhang_county::CountyGrades>> {
    // The cap on 优秀 is the county's: a township's villages alone would give other grades.
    session.require_county()?;
    let year = q.year.unwrap_or(today.year());
    let infos = villages_of(accounts.as_ref(), &session).await?;
    let ids: Vec<Uuid> = infos.iter().map(|v| v.id).collect();
    let entered = entered_of(accounts.as_ref(), &ids).await?;
    let all = records.of(&infos).await?;
    let policy = policies.of(session.county);
    let grades = compute(move || {
        let empty = taizhang_county::Entered::default();
        let data: Vec<_> =
            infos.iter().zip(&all).map(|(i, r)| (i, r.as_ref(), entered.get(&i.id).unwrap_or(&empty))).collect();
        taizhang_county::county_grades(&data, year, today, &policy)
    })
    .await?;
    Ok(Json(grades))
}

/// `GET /county/api/proposals?year=`: every first secretary of the session's villages with the
/// township's yearly grade proposal, if made (乡镇党委提出意见); the township makes them, the
/// county confirms the grades (`GET /county/api/grades` carries the same proposals).
pub async fn proposals(
    session: Session,
    Today(today): Today,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    Query(q): Query<GradesQuery>,
) -> Result<Json<ProposalList>> {
    let year = q.year.unwrap_or(today.year());
    let infos = villages_of(accounts.as_ref(), &session).await?;
    let ids: Vec<Uuid> = infos.iter().map(|v| v.id).collect();
    let entered = entered_of(accounts.as_ref(), &ids).await?;
    let all = records.of(&infos).await?;
    let mut lines = Vec::new();
    for (info, r) in infos.iter().zip(&all) {
        for m in r.members.iter().filter(|m| m.role == taizhang_domain::Role::FirstSecretary) {
            lines.push(ProposalLine {
                village: info.id,
                village_name: info.name.clone(),
                member: m.id.0,
                name: m.name.clone(),
                proposal: entered.get(&info.id).and_then(|e| e.proposals.get(&(m.id, year))).cloned(),
            });
        }
    }
    Ok(Json(ProposalList { year, can_propose: session.township.is_some(), lines }))
}

#[derive(Debug, Serialize)]
pub struct ProposalList {
    year: i32,
    /// A township officer (who proposes); county staff read them.
    can_propose: bool,
    lines: Vec<ProposalLine>,
}

#[derive(Debug, Serialize)]
pub struct ProposalLine {
    village: Uuid,
    village_name: String,
    member: Uuid,
    name: String,
    proposal: Option<taizhang_county::GradeProposal>,
}

#[derive(Debug, Deserialize)]
pub struct ProposalBody {
    pub grade: taizhang_rules::Grade,
    pub note: String,
}

/// `PUT /county/api/village/{id}/member/{member}/proposal/{YYYY}` with `{"grade":
/// "excellent"|"competent"|"basically_competent"|"incompetent", "note"}`: a township officer
/// proposes the yearly grade of a first secretary of its township (replacing its earlier
/// proposal); the county confirms the grades.
pub async fn propose(
    session: Session,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    State(clock): State<taizhang_server_db::Clock>,
    Path((id, member, year)): Path<(Uuid, Uuid, i32)>,
    Body(body): Body<ProposalBody>,
) -> Result<Json<taizhang_county::GradeProposal>> {
    if session.township.is_none() {
        return Err(CountyWebError::Forbidden(
            "年度等次意见由乡镇党委提出,县委组织部确定等次 / the township proposes, the county confirms the grades"
                .into(),
        ));
    }
    if !(2000..=2200).contains(&year) {
        return Err(CountyWebError::BadRequest(format!("{year} is not a year this ledger holds")));
    }
    crate::facts::find_village(&villages_of(accounts.as_ref(), &session).await?, id)?;
    let team = records.one(id).await?;
    let m =
        team.members.iter().find(|m| m.id.0 == member && m.role == taizhang_domain::Role::FirstSecretary).ok_or_else(
            || {
                CountyWebError::BadRequest(
                    "年度等次意见只对本村第一书记提出 / a grade proposal is for the village's first secretary".into(),
                )
            },
        )?;
    let note = body.note.trim().to_string();
    if note.is_empty() || note.chars().count() > 500 {
        return Err(CountyWebError::BadRequest(
            "请写明意见的理由(500字以内) / give the reason (at most 500 characters)".into(),
        ));
    }
    let now = clock();
    let proposal = taizhang_county::GradeProposal {
        grade: body.grade,
        note,
        proposed_by: session.account.id,
        proposed_by_name: session.account.name.clone(),
        proposed_at: now,
    };
    let data = serde_json::to_string(&proposal)
        .map_err(|e| CountyWebError::Internal(format!("a proposal could not be written as JSON: {e}")))?;
    let input = taizhang_server_db::CountyInput {
        village: id,
        member,
        period: taizhang_county::proposal_period(year),
        data,
        updated_by: session.account.id,
        updated_at: now,
    };
    accounts.put_county_input(&input).await.map_err(CountyWebError::Save)?;
    tracing::info!(account = %session.account.id, village = %id, member = %m.id, year, "grade proposed");
    Ok(Json(proposal))
}

/// What the township or the county enters of a villagers' survey (民主测评): the ballots and,
/// optionally, where and how it was held.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyBody {
    pub satisfied: u32,
    pub basically_satisfied: u32,
    pub dissatisfied: u32,
    #[serde(default)]
    pub note: String,
}

/// `PUT /county/api/village/{id}/member/{member}/survey/{YYYY}` with `{"satisfied",
/// "basically_satisfied", "dissatisfied", "note"}`: the villagers' survey of a team member's
/// year (民主测评 / 村民测评, seed 003), entered by an officer of the village's township or of the
/// county (replacing the earlier entry). Scheme A's villagers' evaluation (群众评议) is derived
/// from it when the county typed no points (`taizhang_rules::survey_points`).
pub async fn put_survey(
    session: Session,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    State(clock): State<taizhang_server_db::Clock>,
    Path((id, member, year)): Path<(Uuid, Uuid, i32)>,
    Body(body): Body<SurveyBody>,
) -> Result<Json<taizhang_county::SurveyEntry>> {
    if !(2000..=2200).contains(&year) {
        return Err(CountyWebError::BadRequest(format!("{year} is not a year this ledger holds")));
    }
    // A township officer sees only its township's villages; the county sees all of its own.
    crate::facts::find_village(&villages_of(accounts.as_ref(), &session).await?, id)?;
    let team = records.one(id).await?;
    let m = team.members.iter().find(|m| m.id.0 == member).ok_or_else(|| {
        CountyWebError::BadRequest(
            "民主测评只对本村工作队成员录入 / a survey is for a member of the village's team".into(),
        )
    })?;
    let survey = taizhang_rules::EvaluationSurvey {
        satisfied: body.satisfied,
        basically_satisfied: body.basically_satisfied,
        dissatisfied: body.dissatisfied,
    };
    if survey.ballots() == 0 || survey.ballots() > 100_000 {
        return Err(CountyWebError::BadRequest(
            "请录入满意、基本满意、不满意的票数(合计1至100000票)/ enter the ballots: satisfied, basically satisfied and dissatisfied (1 to 100,000 in all)".into(),
        ));
    }
    let note = body.note.trim().to_string();
    if note.chars().count() > 500 {
        return Err(CountyWebError::BadRequest("说明最多500字 / the note: at most 500 characters".into()));
    }
    let now = clock();
    let entry = taizhang_county::SurveyEntry {
        survey,
        note,
        entered_by: session.account.id,
        entered_by_name: session.account.name.clone(),
        entered_at: now,
    };
    let data = serde_json::to_string(&entry)
        .map_err(|e| CountyWebError::Internal(format!("a survey could not be written as JSON: {e}")))?;
    let input = taizhang_server_db::CountyInput {
        village: id,
        member,
        period: taizhang_county::survey_period(year),
        data,
        updated_by: session.account.id,
        updated_at: now,
    };
    accounts.put_county_input(&input).await.map_err(CountyWebError::Save)?;
    tracing::info!(account = %session.account.id, village = %id, member = %m.id, year, "villagers' survey entered");
    Ok(Json(entry))
}
