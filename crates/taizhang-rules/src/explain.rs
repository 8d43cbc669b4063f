//! Explanations: every figure the engine computes says which records counted and which rule
//! (with this county's value) applied, so a score is "the county's tool, explained record by
//! record" (DOMAIN.md, 2026 constraint) and never a bare number.

use serde::{Deserialize, Serialize};
use std::fmt::Display;

/// The rule that produced a figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleRef {
    /// Stable code, one of [`codes`].
    pub code: String,
    /// The policy setting that applied, as `name = value`.
    pub policy_value: String,
    /// The rule in Chinese, as a cadre would read it.
    pub zh: String,
    /// The rule in English.
    pub en: String,
}

/// A computed value with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure<T> {
    pub value: T,
    pub rule: RuleRef,
    /// Ids of the records that counted (check-ins, leave requests, diary entries, visits...),
    /// or month codes (`2025-03`) for filings, which have no id of their own. Sorted.
    pub counted: Vec<String>,
    /// What was counted and how, in Chinese then English.
    pub note: String,
}

/// The stable rule codes a [`RuleRef`] carries.
pub mod codes {
    /// Days in the village: distinct local dates with a check-in of kind In.
    pub const PRESENCE: &str = "ATT-PRESENCE";
    /// Days on approved leave (excused, not presence).
    pub const LEAVE: &str = "ATT-LEAVE";
    /// Days not known yet (未同步): after a member's last sync.
    pub const NOT_SYNCED: &str = "ATT-NOT-SYNCED";
    /// Absence without leave (无故缺勤).
    pub const ABSENCE: &str = "ATT-ABSENCE";
    /// Records received after their month was filed (迟报).
    pub const LATE: &str = "REC-LATE";
    /// The filing window (月备案 by the policy's day of the next month).
    pub const FILING_WINDOW: &str = "DIARY-FILING-WINDOW";
    /// The overview's flag (正常 / 提醒 / 需关注).
    pub const FLAG: &str = "OVERVIEW-FLAG";
    /// Scheme B automatic deduction for absence without leave.
    pub const B_ABSENCE: &str = "B-ABSENCE";
    /// Minimum days in the village per year (200).
    pub const MIN_DAYS: &str = "ATT-MIN-DAYS";
    /// Minimum share of the year in the village (2/3).
    pub const MIN_SHARE: &str = "ATT-MIN-SHARE";
    /// Someone of the team in the village every day.
    pub const TEAM_DAILY: &str = "ATT-TEAM-DAILY";
    /// Minimum training days per year (4).
    pub const TRAINING: &str = "ATT-TRAINING";
    /// A diary entry every working day.
    pub const DIARY: &str = "DIARY-DAILY";
    /// Every month's diary filed (月备案).
    pub const FILING: &str = "DIARY-FILING";
    /// Every household visited once a year.
    pub const VISITS: &str = "VISIT-ALL";
    /// Follow-up items (承诺事项) of a village counted for a period (issue 16).
    pub const FOLLOW_UPS: &str = "FOLLOW-UPS";
    /// One item of the seven ones (七个一); the item code is in `policy_value`.
    pub const SEVEN_ONES: &str = "SEVEN-ONES";
    /// Scheme A component supplied by the caller (results, evaluation, assessment).
    pub const A_COMPONENT: &str = "A-COMPONENT";
    /// Scheme A villagers' evaluation derived from a survey's ballots (民主测评).
    pub const A_SURVEY: &str = "A-SURVEY";
    /// Scheme A discipline component, derived from attendance.
    pub const A_DISCIPLINE: &str = "A-DISCIPLINE";
    /// Scheme A total.
    pub const A_TOTAL: &str = "A-TOTAL";
    /// Scheme A grade from the thresholds.
    pub const A_GRADE: &str = "A-GRADE";
    /// Scheme A grade after the county's cap on excellent.
    pub const A_CAP: &str = "A-CAP";
    /// Scheme B monthly score.
    pub const B_SCORE: &str = "B-SCORE";
    /// Scheme B allowance cut.
    pub const B_ALLOWANCE: &str = "B-ALLOWANCE";
}

pub(crate) fn rule(code: &str, policy_value: impl Display, zh: impl Into<String>, en: impl Into<String>) -> RuleRef {
    RuleRef { code: code.to_string(), policy_value: policy_value.to_string(), zh: zh.into(), en: en.into() }
}

pub(crate) fn figure<T>(value: T, rule: RuleRef, counted: Vec<String>, note: String) -> Figure<T> {
    Figure { value, rule, counted, note }
}

/// Dates joined for a note, e.g. `2025-03-04, 2025-03-05`; `-` when none.
pub(crate) fn list<I, D>(items: I) -> String
where
    I: IntoIterator<Item = D>,
    D: Display,
{
    let s: Vec<String> = items.into_iter().map(|d| d.to_string()).collect();
    if s.is_empty() {
        "-".to_string()
    } else {
        s.join(", ")
    }
}
