//! Inspection findings (检查发现的问题) and the team's answers (整改, issue 16):
//! `GET /county/api/village/{id}/findings` lists them for the village page, and
//! `POST /county/api/village/{id}/findings` writes one on an inspected household or diary
//! entry — an Automerge change to the village's registry made by the server for the officer
//! (`crate::write::write_doc`), judged by `taizhang_auth::judge_touched` like a device's push,
//! so the team's phones receive it at their next sync and answer it there.
//! `POST /county/api/village/{id}/findings/{finding}/review` is the officer's check of the
//! answer (验收): accepted, or returned with the reason (the team answers again). Only the
//! officer who wrote the finding checks it, and only the answer the page showed: when the team
//! has answered again since, the check is refused (409) and the page shows the new answer.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use taizhang_county::FindingLine;
use taizhang_doc::{read_one, write};
use taizhang_domain::{
    validate_finding, DiaryId, Finding, FindingId, FindingReview, HouseholdId, LedgerView, Limits, MemberId, Verdict,
    YearMonth,
};
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{Json as Body, Path};

use crate::state::Records;
use crate::{CountyState, CountyWebError, Session};

#[derive(Debug, Serialize)]
pub struct Findings {
    findings: Vec<FindingLine>,
}

/// `GET /county/api/village/{id}/findings`: the village's findings, open ones first.
pub async fn findings(
    session: Session,
    State(st): State<CountyState>,
    State(records): State<Records>,
    Path(id): Path<Uuid>,
) -> Result<Json<Findings>> {
    crate::facts::place_of(st.accounts.as_ref(), &session, id).await?;
    let r = records.one(id).await?;
    Ok(Json(Findings { findings: taizhang_county::finding_lines(&r) }))
}

/// What the officer writes: the household or the diary entry inspected, and the finding.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewFinding {
    #[serde(default)]
    pub household: Option<Uuid>,
    #[serde(default)]
    pub diary: Option<Uuid>,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct Written {
    finding: Uuid,
    found_at: i64,
}

/// The read model's records as the domain's ledger view (what exists in the village).
struct Known<'a>(&'a taizhang_rules::VillageRecords);

impl LedgerView for Known<'_> {
    fn household_exists(&self, id: HouseholdId) -> bool {
        self.0.households.iter().any(|h| h.id == id)
    }
    fn member_exists(&self, id: MemberId) -> bool {
        self.0.members.iter().any(|m| m.id == id)
    }
    fn month_filed(&self, _: MemberId, _: YearMonth) -> bool {
        false
    }
    fn diary_entry_exists(&self, id: DiaryId) -> bool {
        self.0.diary.iter().any(|d| d.id == id)
    }
}

/// `POST /county/api/village/{id}/findings` with `{"household": uuid}` or `{"diary": uuid}` and
/// `{"text": "..."}`: a finding signed with the officer's account and name, at the server's time.
pub async fn write_finding(
    session: Session,
    State(st): State<CountyState>,
    State(records): State<Records>,
    Path(id): Path<Uuid>,
    Body(body): Body<NewFinding>,
) -> Result<Json<Written>> {
    let place = crate::facts::place_of(st.accounts.as_ref(), &session, id).await?;
    let r = records.one(id).await?;
    let (household, diary, member) = match (body.household, body.diary) {
        (Some(h), None) => {
            let h = HouseholdId(h);
            if !Known(&r).household_exists(h) {
                return Err(CountyWebError::NotFound(format!("该村没有这一户 / village {id} has no household {h}")));
            }
            (Some(h), None, None)
        }
        (None, Some(d)) => {
            let entry = r.diary.iter().find(|e| e.id.0 == d).ok_or_else(|| {
                CountyWebError::NotFound(format!(
                    "该村没有这篇民情日记(或尚未同步)/ village {id} has no diary entry {d} (or it has not synced)"
                ))
            })?;
            (None, Some(entry.id), Some(entry.member))
        }
        _ => return Err(CountyWebError::BadRequest(taizhang_domain::DomainError::FindingSubject.to_string())),
    };
    let now = (st.clock)();
    let finding = Finding {
        id: FindingId(Uuid::now_v7()),
        household,
        diary,
        member,
        text: body.text.trim().to_string(),
        found_by: session.account.id,
        found_by_name: session.account.name.clone(),
        found_at: now,
        answer: String::new(),
        answered_by: None,
        answered_at: None,
        review: None,
    };
    validate_finding(&finding, &Known(&r), now, &Limits::default())
        .map_err(|e| CountyWebError::BadRequest(format!("不能保存 / cannot be saved: {e}")))?;
    crate::write::write_doc(&st, &session.account.principal(), place, taizhang_auth::DocRef::Registry, |_, tx| {
        write(tx, &finding).map_err(|e| CountyWebError::Internal(format!("writing a finding failed: {e}")))
    })
    .await?;
    tracing::info!(account = %session.account.id, village = %id, finding = %finding.id, "finding written on the page");
    Ok(Json(Written { finding: finding.id.0, found_at: finding.found_at }))
}

/// The officer's check of an answer: `{"verdict": "accepted" | "returned", "note": "...",
/// "answer_at": <the answer's time the page showed>}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewReview {
    pub verdict: String,
    #[serde(default)]
    pub note: String,
    pub answer_at: i64,
}

#[derive(Debug, Serialize)]
pub struct Reviewed {
    finding: Uuid,
    state: &'static str,
    reviewed_at: i64,
}

/// `POST /county/api/village/{id}/findings/{finding}/review`: accepts (验收通过) or returns (退回)
/// the team's answer, signed with the officer's account at the server's time.
pub async fn review_finding(
    session: Session,
    State(st): State<CountyState>,
    State(records): State<Records>,
    Path((id, finding)): Path<(Uuid, Uuid)>,
    Body(body): Body<NewReview>,
) -> Result<Json<Reviewed>> {
    let place = crate::facts::place_of(st.accounts.as_ref(), &session, id).await?;
    let verdict = Verdict::from_code(&body.verdict).ok_or_else(|| {
        CountyWebError::BadRequest(format!(
            "验收结论只能是 accepted(通过)或 returned(退回),不是 {:?} / the verdict is accepted or returned",
            body.verdict.chars().take(40).collect::<String>()
        ))
    })?;
    let r = records.one(id).await?;
    let key = format!("finding/{}", FindingId(finding));
    let now = (st.clock)();
    let out: std::sync::Mutex<Option<Finding>> = std::sync::Mutex::new(None);
    crate::write::write_doc(&st, &session.account.principal(), place, taizhang_auth::DocRef::Registry, |doc, tx| {
        // Read from the document itself (the page's list may be a moment behind it).
        let mut f = read_one::<Finding>(doc, &key)
            .map_err(|e| CountyWebError::Internal(format!("reading a finding failed: {e}")))?
            .map(|r| r.record)
            .ok_or_else(|| CountyWebError::NotFound(format!("该村没有这条检查发现的问题 / village {id} has no finding {finding}")))?;
        if f.found_by != session.account.id {
            return Err(CountyWebError::Forbidden(
                "答复由写这条问题的检查人验收 / the answer is checked by the officer who wrote the finding".into(),
            ));
        }
        match f.answered_at {
            None => {
                return Err(CountyWebError::BadRequest(
                    "工作队还没有答复,不能验收或退回 / the team has not answered yet: there is nothing to accept or return".into(),
                ))
            }
            Some(at) if at != body.answer_at => {
                return Err(CountyWebError::Conflict(
                    "工作队又答复了,请刷新后查看新的答复再验收 / the team has answered again since: reload the page and check the new answer".into(),
                ))
            }
            Some(_) => {}
        }
        f.review = Some(FindingReview {
            verdict,
            note: body.note.trim().to_string(),
            by: session.account.id,
            by_name: session.account.name.clone(),
            at: now,
            answer_at: body.answer_at,
        });
        validate_finding(&f, &Known(&r), now, &Limits::default())
            .map_err(|e| CountyWebError::BadRequest(format!("不能保存 / cannot be saved: {e}")))?;
        write(tx, &f).map_err(|e| CountyWebError::Internal(format!("writing a review failed: {e}")))?;
        *out.lock().unwrap_or_else(|p| p.into_inner()) = Some(f);
        Ok(())
    })
    .await?;
    let f = out
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .ok_or_else(|| CountyWebError::Internal("the review was not written".into()))?;
    tracing::info!(account = %session.account.id, village = %id, finding = %finding, verdict = verdict.code(), "finding answer checked on the page");
    Ok(Json(Reviewed { finding, state: f.state_code(), reviewed_at: now }))
}
