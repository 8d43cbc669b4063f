//! Inspection findings (检查发现的问题) and the team's answers (整改, issue 16) as the village
//! page lists them: what was inspected (a household, or a diary entry and its author), the
//! finding, who wrote it and when, the answer with who and when, and the officer's check of the
//! answer (验收: accepted, or returned with a note) — the ones waiting for someone first.

use serde::Serialize;
use taizhang_domain::{DiaryId, Finding, FindingId, HouseholdId, MemberId, Timestamp};
use taizhang_rules::VillageRecords;

use crate::project::member_name;
use crate::view::sync_time_text;

/// One finding on the village page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingLine {
    pub id: FindingId,
    /// `household` or `diary`.
    pub subject: &'static str,
    pub household: Option<HouseholdId>,
    /// The household's head and group (empty when the household is not in the registry).
    pub household_head: String,
    pub household_group: String,
    pub diary: Option<DiaryId>,
    /// The diary entry's day, when the entry has synced.
    pub diary_date: Option<chrono::NaiveDate>,
    pub member: Option<MemberId>,
    pub member_name: Option<String>,
    pub text: String,
    pub found_by_name: String,
    pub found_at: Timestamp,
    pub found_at_text: String,
    /// `open` (待整改), `answered` (已答复: waiting for the officer's check), `returned` (已退回:
    /// the team answers again) or `accepted` (已验收).
    pub state: &'static str,
    pub state_zh: &'static str,
    pub answer: String,
    pub answered_by: Option<MemberId>,
    pub answered_by_name: Option<String>,
    /// The device's time of the answer (Asia/Shanghai text beside it).
    pub answered_at: Option<Timestamp>,
    pub answered_at_text: Option<String>,
    /// The officer who wrote it (only they check the answer).
    pub found_by: uuid::Uuid,
    /// The officer's check of the current answer: verdict code, note and time (server clock).
    pub review: Option<&'static str>,
    pub review_note: String,
    pub reviewed_at_text: Option<String>,
    /// An earlier answer was returned and the team has answered again since.
    pub answered_again: bool,
}

fn line(records: &VillageRecords, f: &Finding) -> FindingLine {
    let household = f.household.and_then(|id| records.households.iter().find(|h| h.id == id));
    FindingLine {
        id: f.id,
        subject: if f.household.is_some() { "household" } else { "diary" },
        household: f.household,
        household_head: household.map(|h| h.head.clone()).unwrap_or_default(),
        household_group: household.map(|h| h.group.clone()).unwrap_or_default(),
        diary: f.diary,
        diary_date: f.diary.and_then(|d| records.diary.iter().find(|e| e.id == d)).map(|e| e.date),
        member: f.member,
        member_name: f.member.map(|m| member_name(records, m)),
        text: f.text.clone(),
        found_by_name: f.found_by_name.clone(),
        found_at: f.found_at,
        found_at_text: sync_time_text(f.found_at),
        state: f.state_code(),
        state_zh: f.state_zh(),
        answer: f.answer.clone(),
        answered_by: f.answered_by,
        answered_by_name: f.answered_by.map(|m| member_name(records, m)),
        answered_at: f.answered_at,
        answered_at_text: f.answered_at.map(sync_time_text),
        found_by: f.found_by,
        review: f.current_review().map(|r| r.verdict.code()),
        review_note: f.current_review().map(|r| r.note.clone()).unwrap_or_default(),
        reviewed_at_text: f.current_review().map(|r| sync_time_text(r.at)),
        answered_again: f.review.is_some() && f.current_review().is_none(),
    }
}

/// Where a state goes in the list: waiting for the team, then for the officer, then closed.
fn rank(state: &str) -> u8 {
    match state {
        "open" | "returned" => 0,
        "answered" => 1,
        _ => 2,
    }
}

/// The village's findings: those waiting for the team first, then those waiting for the
/// officer's check, then the accepted ones; the newest first within each.
pub fn finding_lines(records: &VillageRecords) -> Vec<FindingLine> {
    let mut lines: Vec<FindingLine> = records.findings.iter().map(|f| line(records, f)).collect();
    lines.sort_by(|a, b| {
        (rank(a.state), std::cmp::Reverse(a.found_at), a.id).cmp(&(rank(b.state), std::cmp::Reverse(b.found_at), b.id))
    });
    lines
}
