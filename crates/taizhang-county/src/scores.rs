//! Month score sheets along the chain (scheme B, issue 14): the chain of one sheet as the
//! pages show it (entered by, checked by, audited by, each with the time), and the sheets
//! waiting for the township's check or the county's audit.

use serde::Serialize;
use taizhang_domain::{MonthScoreSheet, ScoreItem, ScoreState, Timestamp};
use taizhang_rules::VillageRecords;
use uuid::Uuid;

use crate::project::member_name;
use crate::view::sync_time_text;
use crate::VillageInfo;

/// One sheet with who set what and when. Officers' names are the caller's to fill in
/// (`checked_by_name`, `audited_by_name`): accounts are not village records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SheetChain {
    pub state: &'static str,
    pub state_zh: &'static str,
    pub items: Vec<ScoreItem>,
    pub note: String,
    pub scored_by: Uuid,
    pub scored_by_name: String,
    pub scored_at: Timestamp,
    pub scored_at_text: String,
    pub checked_by: Option<Uuid>,
    pub checked_by_name: Option<String>,
    pub checked_at_text: Option<String>,
    pub check_note: String,
    pub audited_by: Option<Uuid>,
    pub audited_by_name: Option<String>,
    pub audited_at_text: Option<String>,
    pub audit_points: Option<f64>,
    pub audit_note: String,
}

/// The chain of `sheet`.
pub fn sheet_chain(records: &VillageRecords, sheet: &MonthScoreSheet) -> SheetChain {
    SheetChain {
        state: sheet.state.code(),
        state_zh: sheet.state.zh(),
        items: sheet.items.clone(),
        note: sheet.note.clone(),
        scored_by: sheet.scored_by.0,
        scored_by_name: member_name(records, sheet.scored_by),
        scored_at: sheet.scored_at,
        scored_at_text: sync_time_text(sheet.scored_at),
        checked_by: sheet.checked_by,
        checked_by_name: None,
        checked_at_text: sheet.checked_at.map(sync_time_text),
        check_note: sheet.check_note.clone(),
        audited_by: sheet.audited_by,
        audited_by_name: None,
        audited_at_text: sheet.audited_at.map(sync_time_text),
        audit_points: sheet.audit_points,
        audit_note: sheet.audit_note.clone(),
    }
}

/// A sheet waiting for an officer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SheetToCheck {
    pub village: Uuid,
    pub village_name: String,
    pub member: Uuid,
    pub member_name: String,
    /// `2026-10`.
    pub month: String,
    pub sheet: SheetChain,
}

/// The village's sheets in one of `states` (the township's: entered; the county's:
/// confirmed), by month then member name.
pub fn sheets_waiting(info: &VillageInfo, records: &VillageRecords, states: &[ScoreState]) -> Vec<SheetToCheck> {
    let mut out: Vec<SheetToCheck> = records
        .score_sheets
        .iter()
        .filter(|s| states.contains(&s.state))
        .map(|s| SheetToCheck {
            village: info.id,
            village_name: info.name.clone(),
            member: s.member.0,
            member_name: member_name(records, s.member),
            month: s.month.to_string(),
            sheet: sheet_chain(records, s),
        })
        .collect();
    out.sort_by(|a, b| (&a.month, &a.member_name, a.member).cmp(&(&b.month, &b.member_name, b.member)));
    out
}
