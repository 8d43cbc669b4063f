//! `GET /county/api/overview?from=&to=`: every village of the county at a glance.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use chrono::NaiveDate;
use serde::Serialize;
use taizhang_rules::Period;

use crate::error::Result;
use crate::extract::Query;
use crate::facts::{county_name, villages_of, PeriodQuery, Today};
use crate::state::{Accounts, Records};
use crate::{Policies, Session};

#[derive(Debug, Serialize)]
pub struct Overview {
    county: serde_json::Value,
    period: Period,
    today: NaiveDate,
    computed_ms: u128,
    villages: Vec<taizhang_county::VillageSummary>,
}

pub async fn overview(
    session: Session,
    Today(today): Today,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    State(policies): State<Arc<Policies>>,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Overview>> {
    let started = std::time::Instant::now();
    let county_name = county_name(accounts.as_ref(), session.county).await?;
    let period = q.period(today)?;
    let infos = villages_of(accounts.as_ref(), &session).await?;
    let policy = policies.of(session.county);
    // A village's line is computed again only when its log, its place, what was entered for
    // it or these terms moved (`crate::lines`).
    let terms = serde_json::to_vec(&(period, today, &policy))
        .map_err(|e| crate::CountyWebError::Internal(format!("encoding the overview's terms: {e}")))?;
    let summary = move |info: &_, r: &_| taizhang_county::village_summary(info, r, period, today, &policy);
    let villages = records.each_kept(&records.lines.overview, &infos, &terms, summary).await?;
    Ok(Json(Overview {
        county: serde_json::json!({ "id": session.county, "name": county_name }),
        period,
        today,
        computed_ms: started.elapsed().as_millis(),
        villages,
    }))
}
