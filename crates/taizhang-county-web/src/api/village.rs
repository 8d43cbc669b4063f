//! One village: `GET /county/api/village/{id}` (its page) and `.../sample` (random
//! inspection).

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use chrono::Datelike;
use serde::Deserialize;
use taizhang_county::CountyError;
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{Path, Query};
use crate::facts::{compute, entered_of, find_village, period, villages_of, PeriodQuery, Today};
use crate::state::{Accounts, Records};
use crate::{Policies, Session};

/// The village's page. The places are listed once and the county's entries read in one
/// call; only when a first secretary here is scored (their grade is the county's, after the
/// cap on 优秀) are the other villages' records gathered too.
pub async fn village(
    session: Session,
    Today(today): Today,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    State(policies): State<Arc<Policies>>,
    Path(id): Path<Uuid>,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<taizhang_county::VillageView>> {
    let infos = villages_of(accounts.as_ref(), &session).await?;
    let info = find_village(&infos, id)?;
    let period = q.period(today)?;
    let ids: Vec<Uuid> = infos.iter().map(|v| v.id).collect();
    let entered = entered_of(accounts.as_ref(), &ids).await?;
    let own = records.one(id).await?;
    // A first secretary's grade is the county's (the cap on 优秀 over all of them): not shown
    // to a township, which sees its own villages only.
    let needs_county = session.township.is_none()
        && entered.get(&id).is_some_and(|e| taizhang_county::needs_county_grades(&own, e, period.to.year()));
    let county = if needs_county {
        Some(infos.iter().cloned().zip(records.of(&infos).await?).collect::<Vec<_>>())
    } else {
        None
    };
    let policy = policies.of(session.county);
    let view = compute(move || {
        let empty = taizhang_county::Entered::default();
        let entered_in = |v: &Uuid| entered.get(v).unwrap_or(&empty);
        let county: Option<Vec<_>> =
            county.as_ref().map(|all| all.iter().map(|(i, r)| (i, r.as_ref(), entered_in(&i.id))).collect());
        taizhang_county::village_page(&info, &own, entered_in(&id), county.as_deref(), period, today, &policy)
    })
    .await?;
    Ok(Json(with_officer_names(accounts.as_ref(), view).await?))
}

/// Fills in the names of the township and county officers who checked or audited a month's
/// score sheet, or scored the first secretary's (accounts are not village records).
async fn with_officer_names(
    accounts: &dyn taizhang_server_db::AccountStore,
    mut view: taizhang_county::VillageView,
) -> Result<taizhang_county::VillageView> {
    let sheets = || view.members.iter().flat_map(|m| m.months.iter().filter_map(|l| l.sheet.as_ref()));
    if !sheets().any(|s| s.checked_by.is_some() || s.audited_by.is_some()) {
        return Ok(view);
    }
    let names: std::collections::HashMap<Uuid, String> =
        accounts.accounts().await?.into_iter().map(|a| (a.id, a.name)).collect();
    for line in view.members.iter_mut().flat_map(|m| m.months.iter_mut()) {
        if let Some(s) = line.sheet.as_mut() {
            s.checked_by_name = s.checked_by.and_then(|a| names.get(&a).cloned());
            s.audited_by_name = s.audited_by.and_then(|a| names.get(&a).cloned());
            // The first secretary's month is scored by the township officer (an account).
            if s.checked_by == Some(s.scored_by) {
                if let Some(n) = names.get(&s.scored_by) {
                    s.scored_by_name = n.clone();
                }
            }
        }
    }
    Ok(view)
}

#[derive(Debug, Deserialize)]
pub struct SampleQuery {
    pub kind: String,
    /// Households: `policy` (default: the statuses the county's policy names, 脱贫户 and
    /// 监测对象 unless it says otherwise) or `all` (一般户 too).
    pub scope: Option<String>,
    pub n: Option<usize>,
    pub seed: Option<u64>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Random inspection (随机查): diary entries or households, with a seed that can be given
/// again. Households are drawn from the statuses and in the number the county's policy names
/// (`[inspection]`: 20 of the 脱贫户 and 监测对象 by default, seed 004) unless `scope=all` or
/// `n` says otherwise; the answer says which statuses and how many households were in the draw.
pub async fn sample(
    session: Session,
    Today(today): Today,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    State(policies): State<Arc<Policies>>,
    Path(id): Path<Uuid>,
    Query(q): Query<SampleQuery>,
) -> Result<Json<serde_json::Value>> {
    find_village(&villages_of(accounts.as_ref(), &session).await?, id)?;
    let r = records.one(id).await?;
    let period = period(q.from.as_deref(), q.to.as_deref(), today)?;
    let ins = policies.of(session.county).inspection;
    // JavaScript numbers are exact up to 2^53: keep seeds within that so the page can pass
    // one back.
    let seed = q.seed.unwrap_or_else(|| rand::random::<u64>() >> 11);
    let answer = match q.kind.as_str() {
        "diary" => {
            let n = q.n.unwrap_or(ins.diary_entries as usize).clamp(1, 50);
            let items = taizhang_county::sample_diary(&r, period, n, seed);
            serde_json::json!({ "kind": q.kind, "seed": seed, "n": n, "items": items })
        }
        "households" => {
            let statuses = match q.scope.as_deref().unwrap_or("policy") {
                "policy" => ins.statuses(),
                "all" => Vec::new(),
                other => return Err(CountyError::UnknownSampleScope(other.chars().take(40).collect()).into()),
            };
            let n = q.n.unwrap_or(ins.households as usize).clamp(1, 50);
            let items = taizhang_county::sample_households(&r, period, n, seed, &statuses);
            serde_json::json!({
                "kind": q.kind,
                "seed": seed,
                "n": n,
                "scope": if statuses.is_empty() { "all" } else { "policy" },
                "statuses": statuses.iter().map(|s| serde_json::json!({ "code": s.code(), "zh": s.zh(), "en": s.en() })).collect::<Vec<_>>(),
                "pool": taizhang_county::household_pool(&r, &statuses),
                "items": items,
            })
        }
        other => return Err(CountyError::UnknownSampleKind(other.chars().take(40).collect()).into()),
    };
    Ok(Json(answer))
}
