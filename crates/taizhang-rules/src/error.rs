//! The one error type of the rules engine: every message says what was wrong and what to do
//! about it, because it ends up in front of a county officer or the person editing the policy.

use chrono::NaiveDate;
use taizhang_domain::MemberId;

/// Why a rule could not be computed. Nothing here is a compliance finding (those are
/// [`crate::Figure`]s); these are inputs the engine refuses to judge.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RulesError {
    #[error("the policy file could not be read: {0}. Compare it with policy.default.toml (shipped with taizhang-rules) and fix the line named")]
    PolicyFormat(String),
    #[error("policy value `{field}` is not usable: {detail}. Change it in the policy file")]
    PolicyValue { field: String, detail: String },
    #[error("the period ends ({to}) before it starts ({from}): swap the two dates")]
    PeriodReversed { from: NaiveDate, to: NaiveDate },
    #[error("the period {from}..={to} is {days} days long but the rules are yearly (at most 366 days): split it into one period per year")]
    PeriodTooLong { from: NaiveDate, to: NaiveDate, days: i64 },
    #[error(
        "member {0} is not in this village's records: pick a member of this team, or pass the village's member list"
    )]
    UnknownMember(MemberId),
    #[error("seven-ones item `{code}` is not in the policy: use one of {expected}, or add it under [[seven_ones]] in the policy")]
    UnknownDuty { code: String, expected: String },
    #[error("seven-ones item `{0}` is computed from the records, not entered: remove it from the inputs")]
    DerivedDuty(String),
    #[error("scheme A component `{component}` = {value} is outside 0..={max}: enter points between 0 and {max}")]
    ComponentOutOfRange { component: &'static str, value: f64, max: f64 },
    #[error("the villagers' survey has no ballot (满意, 基本满意 and 不满意 are all 0): enter the counts of the ballots cast")]
    EmptySurvey,
    #[error("scheme B item `{code}` is not in the policy: use one of {expected}, or add it under [[scheme_b.items]] in the policy")]
    UnknownItem { code: String, expected: String },
    #[error("the score {value} is not a number between 0 and {max}: correct the score before grading")]
    InvalidScore { value: f64, max: f64 },
    #[error("the score {value} of member {member} is not a number between 0 and {max}: correct that member's score before grading the county")]
    InvalidCountyScore { member: MemberId, value: f64, max: f64 },
    #[error("member {0} is listed twice: give each first secretary exactly one yearly score")]
    DuplicateMember(MemberId),
}
