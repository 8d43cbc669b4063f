//! What the team reports upward besides the daily records (issue 14): a member's submission of
//! their own ended month (提交本月, with the gaps they saw), and the first secretary's quarterly
//! reports (季报告), yearly commitment (年承诺) and yearly written report (书面述职, seed 001 —
//! filed to the sending unit, the township and the county, issue 22) to the township.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::validate::{not_future, text};
use crate::{local_date, DomainError, LedgerView, Limits, MemberId, Timestamp, YearMonth};

/// A member's submission of their own ended month (each member submits; the first secretary
/// or the township then files it). Submitting again replaces it. It never closes anything:
/// records of the month still count whenever they arrive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthSubmission {
    pub member: MemberId,
    pub month: YearMonth,
    /// The working days without a diary entry the app listed when the member submitted.
    pub gaps: Vec<NaiveDate>,
    /// What the member adds (optional, e.g. why a day has no entry).
    pub note: String,
    pub submitted_at: Timestamp,
}

/// Which report: a quarter's (季报告), the year's commitment (年承诺) or the year's written
/// report (年度述职报告).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ReportPeriod {
    /// 第 `quarter` 季度 (1–4) of `year`.
    Quarter { year: i32, quarter: u8 },
    /// The commitment (年承诺) made for `year`.
    Commitment { year: i32 },
    /// The written yearly report (书面述职) of `year`: written from its December on, due once
    /// the year has ended.
    Year { year: i32 },
    /// The year's research report (调研报告, seed 004: 写好一篇调研报告): written any time in the
    /// year, due once the year has ended; its day decides the seven-ones item.
    Research { year: i32 },
}

impl ReportPeriod {
    pub fn year(&self) -> i32 {
        match *self {
            ReportPeriod::Quarter { year, .. }
            | ReportPeriod::Commitment { year }
            | ReportPeriod::Year { year }
            | ReportPeriod::Research { year } => year,
        }
    }
    /// `quarterly`, `commitment`, `yearly` or `research`.
    pub fn kind_code(&self) -> &'static str {
        match self {
            ReportPeriod::Quarter { .. } => "quarterly",
            ReportPeriod::Commitment { .. } => "commitment",
            ReportPeriod::Year { .. } => "yearly",
            ReportPeriod::Research { .. } => "research",
        }
    }
    /// The first day after the period: before it a missing report is "not yet" due (a
    /// commitment is due at once).
    pub fn ends(&self) -> Option<NaiveDate> {
        match *self {
            ReportPeriod::Quarter { year, quarter } => {
                YearMonth { year, month: u32::from(quarter) * 3 }.next().first_day().into()
            }
            ReportPeriod::Commitment { .. } => None,
            ReportPeriod::Year { year } | ReportPeriod::Research { year } => NaiveDate::from_ymd_opt(year + 1, 1, 1),
        }
    }
    /// The first day the report may be written: a quarter's once it has ended, the yearly
    /// report from the year's December (述职 is held at the year's end), a research report from
    /// the year's first day, a commitment any time.
    pub fn opens(&self) -> Option<NaiveDate> {
        match *self {
            ReportPeriod::Year { year } => NaiveDate::from_ymd_opt(year, 12, 1),
            ReportPeriod::Research { year } => NaiveDate::from_ymd_opt(year, 1, 1),
            _ => self.ends(),
        }
    }
}

impl fmt::Display for ReportPeriod {
    /// `2026-Q3`, `2026-commitment`, `2026-year`, `2026-research`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportPeriod::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            ReportPeriod::Commitment { year } => write!(f, "{year:04}-commitment"),
            ReportPeriod::Year { year } => write!(f, "{year:04}-year"),
            ReportPeriod::Research { year } => write!(f, "{year:04}-research"),
        }
    }
}

impl FromStr for ReportPeriod {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::Malformed {
            what: "report period (2026-Q3, 2026-commitment, 2026-year or 2026-research)",
            value: s.chars().take(40).collect(),
        };
        let (year, rest) = s.split_once('-').ok_or_else(bad)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        if !(2000..=2100).contains(&year) {
            return Err(bad());
        }
        if rest == "commitment" {
            return Ok(ReportPeriod::Commitment { year });
        }
        if rest == "year" {
            return Ok(ReportPeriod::Year { year });
        }
        if rest == "research" {
            return Ok(ReportPeriod::Research { year });
        }
        let quarter: u8 = rest.strip_prefix('Q').ok_or_else(bad)?.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&quarter) {
            return Err(bad());
        }
        Ok(ReportPeriod::Quarter { year, quarter })
    }
}

/// A quarterly report (季报告) or the yearly commitment (年承诺) the first secretary writes for
/// the team and files to the township: text like a diary entry, one per period (writing it
/// again replaces it, keeping who wrote it last and when).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamReport {
    pub period: ReportPeriod,
    pub text: String,
    pub written_by: MemberId,
    pub written_at: Timestamp,
}

/// A month can be submitted by its member once it has ended; the gaps are dates of that month.
pub fn validate_submission(
    s: &MonthSubmission,
    view: &impl LedgerView,
    now: Timestamp,
    limits: &Limits,
) -> Result<(), DomainError> {
    if !view.member_exists(s.member) {
        return Err(DomainError::UnknownMember(s.member.to_string()));
    }
    not_future(s.submitted_at, now, limits)?;
    if local_date(now) <= s.month.last_day() {
        return Err(DomainError::MonthNotOver { month: s.month, opens: s.month.next().first_day().to_string() });
    }
    if let Some(d) = s.gaps.iter().find(|d| YearMonth::of(**d) != s.month) {
        return Err(DomainError::OutOfRange { field: "gaps", detail: format!("{d} is not a day of {}", s.month) });
    }
    if s.gaps.len() > 31 {
        return Err(DomainError::OutOfRange {
            field: "gaps",
            detail: format!("{} days; a month has at most 31", s.gaps.len()),
        });
    }
    text("note", &s.note, limits.max_text_chars, false)
}

/// A report has text; a quarterly report is written once its quarter has ended.
pub fn validate_report(
    r: &TeamReport,
    view: &impl LedgerView,
    now: Timestamp,
    limits: &Limits,
) -> Result<(), DomainError> {
    if !view.member_exists(r.written_by) {
        return Err(DomainError::UnknownMember(r.written_by.to_string()));
    }
    not_future(r.written_at, now, limits)?;
    if let Some(opens) = r.period.opens() {
        if local_date(now) < opens {
            return Err(DomainError::OutOfRange {
                field: "quarter",
                detail: format!("{} is not over yet: its report is written from {opens}", r.period),
            });
        }
    }
    text("report text", &r.text, limits.max_text_chars, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    struct All;
    impl LedgerView for All {
        fn household_exists(&self, _: crate::HouseholdId) -> bool {
            true
        }
        fn member_exists(&self, _: MemberId) -> bool {
            true
        }
        fn month_filed(&self, _: MemberId, _: YearMonth) -> bool {
            false
        }
        fn diary_entry_exists(&self, _: crate::DiaryId) -> bool {
            true
        }
    }
    const NOW: Timestamp = 1_795_536_000_000 + 10 * 3_600_000; // 2026-11-25 10:00 Shanghai

    #[test]
    fn periods_read_back_and_quarters_end() {
        for p in ["2026-Q3", "2026-commitment", "2026-year", "2026-research"] {
            assert_eq!(p.parse::<ReportPeriod>().expect("period").to_string(), p);
        }
        for bad in ["2026-Q5", "2026", "x-Q1", "2026-Q0", "1900-Q1"] {
            assert!(bad.parse::<ReportPeriod>().is_err(), "{bad}");
        }
        let q3 = ReportPeriod::Quarter { year: 2026, quarter: 3 };
        assert_eq!(q3.ends(), NaiveDate::from_ymd_opt(2026, 10, 1));
        let q4 = ReportPeriod::Quarter { year: 2026, quarter: 4 };
        assert_eq!(q4.ends(), NaiveDate::from_ymd_opt(2027, 1, 1));
        let y = ReportPeriod::Year { year: 2026 };
        assert_eq!((y.opens(), y.ends()), (NaiveDate::from_ymd_opt(2026, 12, 1), NaiveDate::from_ymd_opt(2027, 1, 1)));
        assert_eq!(y.kind_code(), "yearly");
        let r = ReportPeriod::Research { year: 2026 };
        assert_eq!((r.opens(), r.ends()), (NaiveDate::from_ymd_opt(2026, 1, 1), NaiveDate::from_ymd_opt(2027, 1, 1)));
        assert_eq!(r.kind_code(), "research");
    }

    /// A research report (调研报告) is written any day of its year, and of an earlier year too;
    /// next year's is not open yet.
    #[test]
    fn a_research_report_is_written_any_day_of_its_year() {
        let r = TeamReport {
            period: ReportPeriod::Research { year: 2026 },
            text: "关于茶叶产业发展的调研报告".into(),
            written_by: MemberId(Uuid::from_u128(1)),
            written_at: NOW,
        };
        validate_report(&r, &All, NOW, &Limits::default()).expect("this year's");
        let late = TeamReport { period: ReportPeriod::Research { year: 2025 }, ..r.clone() };
        validate_report(&late, &All, NOW, &Limits::default()).expect("last year's, late");
        let next = TeamReport { period: ReportPeriod::Research { year: 2027 }, ..r };
        assert!(validate_report(&next, &All, NOW, &Limits::default()).is_err(), "2027 opens on 2027-01-01");
    }

    /// The yearly written report (述职) is written from the year's December: on 2026-11-25 the
    /// 2026 report is refused with the day it opens, the 2025 one is accepted (late is fine).
    #[test]
    fn a_yearly_report_is_written_from_december_on() {
        let r = TeamReport {
            period: ReportPeriod::Year { year: 2026 },
            text: "2026年度述职：走访全村农户，办结民生实事12件".into(),
            written_by: MemberId(Uuid::from_u128(1)),
            written_at: NOW,
        };
        let err = validate_report(&r, &All, NOW, &Limits::default()).expect_err("before December");
        assert!(err.to_string().contains("2026-12-01"), "{err}");
        let last_year = TeamReport { period: ReportPeriod::Year { year: 2025 }, ..r };
        validate_report(&last_year, &All, NOW, &Limits::default()).expect("last year's, late");
    }

    #[test]
    fn a_month_is_submitted_after_it_ends_with_its_own_days_as_gaps() {
        let me = MemberId(Uuid::from_u128(1));
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        let october = MonthSubmission {
            member: me,
            month: "2026-10".parse().expect("month"),
            gaps: vec![d("2026-10-09")],
            note: String::new(),
            submitted_at: NOW,
        };
        validate_submission(&october, &All, NOW, &Limits::default()).expect("ended month");
        let november = MonthSubmission { month: "2026-11".parse().expect("month"), gaps: vec![], ..october.clone() };
        assert!(matches!(
            validate_submission(&november, &All, NOW, &Limits::default()),
            Err(DomainError::MonthNotOver { .. })
        ));
        let stray = MonthSubmission { gaps: vec![d("2026-09-30")], ..october };
        assert!(validate_submission(&stray, &All, NOW, &Limits::default()).is_err());
    }

    #[test]
    fn a_quarterly_report_waits_for_its_quarter_and_needs_text() {
        let r = TeamReport {
            period: ReportPeriod::Quarter { year: 2026, quarter: 3 },
            text: "第三季度：走访全村农户".into(),
            written_by: MemberId(Uuid::from_u128(1)),
            written_at: NOW,
        };
        validate_report(&r, &All, NOW, &Limits::default()).expect("Q3 ended");
        let q4 = TeamReport { period: ReportPeriod::Quarter { year: 2026, quarter: 4 }, ..r.clone() };
        assert!(validate_report(&q4, &All, NOW, &Limits::default()).is_err());
        let commitment = TeamReport { period: ReportPeriod::Commitment { year: 2027 }, ..r.clone() };
        validate_report(&commitment, &All, NOW, &Limits::default()).expect("a commitment any time");
        let empty = TeamReport { text: "  ".into(), ..r };
        assert!(matches!(validate_report(&empty, &All, NOW, &Limits::default()), Err(DomainError::Empty { .. })));
    }
}
