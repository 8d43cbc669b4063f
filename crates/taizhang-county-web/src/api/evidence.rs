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
    // The change's single signature, else the batch of its author's it is a member of.
    let kept = match &origins.signatures {
        Some(s) => s.change_proofs(id, &[hash]).await?,
        None => Default::default(),
    };
    let single = kept.singles.into_iter().next().map(|(_, sig)| sig);
    let batch = kept.batches.into_iter().next().map(|(b, _)| taizhang_peer::BatchSig::new(b.signature, b.members));
    let received = r.received_at.get(&record).copied();
    let p = compute(move || {
        let proof = match (&single, &batch) {
            (Some(sig), _) => Some(taizhang_peer::Proof::Single(sig)),
            (None, Some(b)) => Some(taizhang_peer::Proof::Batch(0, b)),
            (None, None) => None,
        };
        Ok(crate::provenance::provenance(&record, &doc, &hash, &stored, received, &devices, proof))
    })
    .await?;
    Ok(Json(p))
}

/// The body of a day check: whether the day's doubtful records count, and what was checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayCheckBody {
    pub counts: bool,
    pub note: String,
}

/// `PUT /county/api/village/{id}/member/{member}/evidence/{YYYY-MM-DD}`: a township or county
/// officer's decision on a member's doubtful day (核实计入 / 不予计入), after checking it. Only a
/// day with doubtful records can be decided; the note says what was checked. The member's
/// days in the village follow at once (`taizhang_rules::DayCheck`).
pub async fn check_day(
    session: Session,
    Today(today): Today,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    State(policies): State<Arc<Policies>>,
    State(clock): State<taizhang_server_db::Clock>,
    Path((id, member, date)): Path<(Uuid, Uuid, String)>,
    crate::extract::Json(body): crate::extract::Json<DayCheckBody>,
) -> Result<Json<taizhang_rules::DayCheck>> {
    find_village(&villages_of(accounts.as_ref(), &session).await?, id)?;
    let date = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|_| {
        CountyWebError::BadRequest(format!("{date} 不是日期 YYYY-MM-DD / {date} is not a date YYYY-MM-DD"))
    })?;
    let note = body.note.trim().to_string();
    if note.is_empty() || note.chars().count() > 500 {
        return Err(CountyWebError::BadRequest(
            "请写明核实了什么（1 到 500 字）/ say what was checked (1 to 500 characters)".into(),
        ));
    }
    let r = records.one(id).await?;
    let member_id = taizhang_domain::MemberId(member);
    if !r.members.iter().any(|m| m.id == member_id) {
        return Err(taizhang_county::CountyError::UnknownMember(member_id).into());
    }
    let policy = policies.of(session.county);
    let period = period(Some(&date.to_string()), Some(&date.to_string()), today)?;
    let view = compute({
        let r = r.clone();
        move || Ok(taizhang_county::evidence_view(&r, r.village.as_ref(), period, &policy, true))
    })
    .await?;
    if !view.members.iter().any(|m| m.member == member_id && !m.days.is_empty()) {
        return Err(CountyWebError::BadRequest(format!(
            "{date} 这一天没有时间存疑的记录，无需核实 / {date} has no doubtful record to decide on"
        )));
    }
    let check = taizhang_rules::DayCheck { counts: body.counts, note, by: session.account.name.clone(), at: clock() };
    // One row per member-day: deciding a day writes that day alone (no read-modify-write of
    // the member's year, which lost a colleague's decision made at the same moment).
    let key = taizhang_county::evidence_day_period(date);
    let days: taizhang_county::DayChecks = [(date, check.clone())].into();
    let data = serde_json::to_string(&days)
        .map_err(|e| CountyWebError::Internal(format!("a day check could not be written as JSON: {e}")))?;
    let input = taizhang_server_db::CountyInput {
        village: id,
        member,
        period: key,
        data,
        updated_by: session.account.id,
        updated_at: check.at,
    };
    accounts.put_county_input(&input).await.map_err(CountyWebError::Save)?;
    tracing::info!(account = %session.account.id, village = %id, %member, %date, counts = check.counts, "day checked");
    Ok(Json(check))
}
