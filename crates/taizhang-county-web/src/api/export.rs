//! `GET /county/api/export?dataset=&format=&from=&to=&village=&member=`: attendance, visits,
//! diary, scores, projects (项目台账) or meetings (会议记录) as CSV (UTF-8 with BOM) or XLSX, for the county, a village or a member.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use taizhang_county::{CountyError, Dataset, Scope, VillageData};
use taizhang_domain::MemberId;
use uuid::Uuid;

use crate::error::Result;
use crate::extract::Query;
use crate::facts::{compute, county_name, entered_of, period, villages_of, Today};
use crate::state::{Accounts, Records};
use crate::{CountyWebError, Policies, Session};

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    pub dataset: String,
    pub format: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub village: Option<Uuid>,
    pub member: Option<Uuid>,
}

/// What an Excel file cannot hold, said so that the officer can act (a CSV, one village, a
/// shorter period); retrying would not help, so it is no "try again later".
fn xlsx_refusal(e: taizhang_export::ExportError) -> CountyWebError {
    use taizhang_export::ExportError;
    match e {
        ExportError::TooManyRows { rows, max, .. } => CountyWebError::BadRequest(format!(
            "这份表有 {rows} 行，超过一张 Excel 表能放下的 {max} 行：请改用 CSV，或按村、按较短的时间段分开导出 / \
             this table has {rows} rows, more than one Excel sheet holds ({max}): export CSV, or one village or a \
             shorter period at a time"
        )),
        ExportError::TooManyColumns { columns, max, .. } => CountyWebError::BadRequest(format!(
            "这份表有 {columns} 列，超过 Excel 的 {max} 列：请改用 CSV 或较短的时间段 / this table has {columns} \
             columns, more than Excel holds ({max}): export CSV or a shorter period"
        )),
        ExportError::CellTooLong { .. } => CountyWebError::BadRequest(
            "有一格文字超过 Excel 一格能放下的长度：请改用 CSV / a cell holds more text than Excel allows in one \
             cell: export CSV"
                .into(),
        ),
        other => CountyWebError::Internal(other.to_string()),
    }
}

pub async fn export(
    session: Session,
    Today(today): Today,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    State(policies): State<Arc<Policies>>,
    Query(q): Query<ExportQuery>,
) -> Result<Response> {
    let county_name = county_name(accounts.as_ref(), session.county).await?;
    let dataset: Dataset = q.dataset.parse()?;
    let (ext, mime) = match q.format.as_str() {
        "csv" => ("csv", "text/csv; charset=utf-8"),
        "xlsx" => ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        other => {
            let other: String = other.chars().take(20).collect();
            return Err(CountyWebError::BadRequest(format!(
                "未知格式“{other}” / unknown format '{other}': use csv or xlsx"
            )));
        }
    };
    if q.member.is_some() && q.village.is_none() {
        return Err(CountyWebError::BadRequest("导出队员数据需同时指定村 / a member export needs its village".into()));
    }
    let period = period(q.from.as_deref(), q.to.as_deref(), today)?;
    let mut infos = villages_of(accounts.as_ref(), &session).await?;
    if let Some(v) = q.village {
        infos.retain(|i| i.id == v);
        if infos.is_empty() {
            return Err(CountyError::UnknownVillage(v).into());
        }
    }
    let inputs = if dataset == Dataset::Scores {
        let ids: Vec<Uuid> = infos.iter().map(|v| v.id).collect();
        entered_of(accounts.as_ref(), &ids).await?
    } else {
        Default::default()
    };
    let data: Vec<_> = infos.clone().into_iter().zip(records.of(&infos).await?).collect();
    let policy = policies.of(session.county);
    let member = q.member.map(MemberId);
    let csv = q.format == "csv";
    let bytes = compute(move || {
        let scope = Scope {
            county: &county_name,
            villages: data.iter().map(|(info, records)| VillageData { info, records: records.as_ref() }).collect(),
            member,
        };
        let table = taizhang_county::table_with_inputs(dataset, &scope, &inputs, period, today, &policy)?;
        Ok(if csv { Ok(taizhang_export::to_csv(&table)?) } else { taizhang_export::to_xlsx(&table) })
    })
    .await?
    .map_err(xlsx_refusal)?;
    let name = format!("taizhang-{}-{}-{}.{ext}", dataset.code(), period.from, period.to);
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .map_err(|e| CountyWebError::Internal(format!("the file name is not a header value: {e}")))?;
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static(mime)), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_too_big_for_excel_is_refused_in_words_that_say_what_to_do() {
        let e = xlsx_refusal(taizhang_export::ExportError::TooManyRows {
            table: "考勤".into(),
            rows: 1_460_000,
            max: 1_048_575,
        });
        assert_eq!(e.status(), axum::http::StatusCode::BAD_REQUEST, "retrying would not help: no 503");
        let words = e.to_string();
        assert!(words.contains("1460000") && words.contains("CSV") && words.contains("按村"), "{words}");
    }
}
