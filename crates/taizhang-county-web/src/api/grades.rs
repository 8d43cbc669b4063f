//! `GET /county/api/grades?year=`: the county's first secretaries graded (scheme A, cap on
//! 优秀): the places listed once, every village's records, the county's entries in one call,
//! and one call into `taizhang-county`.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use chrono::Datelike;
use serde::Deserialize;
use uuid::Uuid;

use crate::error::Result;
use crate::extract::Query;
use crate::facts::{compute, entered_of, villages_of, Today};
use crate::state::{Accounts, Records};
use crate::{Policies, Session};

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
