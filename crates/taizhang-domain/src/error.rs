//! The one error type of the domain crate: every message says what was wrong and what to do.

use crate::YearMonth;

/// Why a record was refused. Messages are meant to be shown to the person who typed the
/// record (translated by the UI), so each says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    #[error("household {0} does not exist in this village: pick a household from the list or add it first")]
    UnknownHousehold(String),
    #[error("project {0} does not exist in this village: pick a project from the list or record it first")]
    UnknownProject(String),
    #[error("member {0} does not belong to this village's team: enrol the member first")]
    UnknownMember(String),
    #[error("the time {at} is in the future (now is {now}): check the device clock")]
    FutureTime { at: String, now: String },
    #[error("the date {date} is in the future (today is {today}): pick today or an earlier day")]
    FutureDate { date: String, today: String },
    #[error("month {month} is already filed (月备案): write an amendment to an existing entry instead")]
    MonthFiled { month: YearMonth },
    #[error("the amendment refers to diary entry {0}, which does not exist")]
    UnknownDiaryEntry(String),
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("{field} is too long ({len} characters, at most {max}): shorten it or split it into two records")]
    TooLong { field: &'static str, len: usize, max: usize },
    #[error("{field} is out of range: {detail}")]
    OutOfRange { field: &'static str, detail: String },
    #[error("the leave ends ({to}) before it starts ({from}): swap the dates")]
    LeaveDatesReversed { from: String, to: String },
    #[error("the leave is reported back (销假) on {returned}, before it starts ({from}): give the day the member actually came back")]
    ReturnBeforeLeave { returned: String, from: String },
    #[error("only approved leave can be reported back (销假); this request is {state}: withdraw it instead, or wait for the decision")]
    ReturnWithoutApproval { state: &'static str },
    #[error("month {month} has not ended: it can be filed (月备案) from {opens}")]
    MonthNotOver { month: YearMonth, opens: String },
    #[error("unknown value {value:?} for {field}: expected one of {expected}")]
    UnknownCode { field: &'static str, value: String, expected: &'static str },
    #[error("检查发现的问题须针对一户或一篇民情日记(及其作者),从随机查的结果中选择 / a finding is about one household or one diary entry (with its author): pick it from the inspection's draw")]
    FindingSubject,
    /// An officer's check of an answer (验收) that cannot stand; the message says why.
    #[error("{0}")]
    FindingReview(&'static str),
    #[error("not a valid {what}: {value:?}")]
    Malformed { what: &'static str, value: String },
}
