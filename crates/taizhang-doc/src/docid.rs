//! Names of a village's documents, and which document each kind of record lives in.

use std::fmt;
use std::str::FromStr;

use taizhang_domain::{local_month, CheckIn, DiaryEntry, LeaveRequest, MemberId, Visit, YearMonth};

use crate::DocError;

/// One document of a village. The set is small and grows by one log per member per month,
/// so no document grows for ever and none holds a single record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocId {
    /// The village, its members and its households.
    Registry,
    /// Leave requests and month filings of one year.
    Team { year: i32 },
    /// One member's visits, diary entries and check-ins of one month.
    Log { member: MemberId, month: YearMonth },
}

/// The kind of a document, without its key (for permissions and statistics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocKind {
    Registry,
    Team,
    Log,
}

impl DocId {
    pub fn kind(&self) -> DocKind {
        match self {
            DocId::Registry => DocKind::Registry,
            DocId::Team { .. } => DocKind::Team,
            DocId::Log { .. } => DocKind::Log,
        }
    }
    pub fn for_visit(v: &Visit) -> Self {
        DocId::Log { member: v.member, month: local_month(v.at) }
    }
    pub fn for_diary(d: &DiaryEntry) -> Self {
        DocId::Log { member: d.member, month: YearMonth::of(d.date) }
    }
    pub fn for_check_in(c: &CheckIn) -> Self {
        DocId::Log { member: c.member, month: local_month(c.at) }
    }
    pub fn for_leave(l: &LeaveRequest) -> Self {
        use chrono::Datelike;
        DocId::Team { year: l.from.year() }
    }
    pub fn for_filing(month: YearMonth) -> Self {
        DocId::Team { year: month.year }
    }
    /// A month score sheet lives with the filings, in the team document of the month's year.
    pub fn for_score(month: YearMonth) -> Self {
        DocId::Team { year: month.year }
    }
    /// A member's month submission (提交本月) lives with the filings too.
    pub fn for_submission(month: YearMonth) -> Self {
        DocId::Team { year: month.year }
    }
    /// A quarterly report or yearly commitment lives in the team document of its year.
    pub fn for_report(period: taizhang_domain::ReportPeriod) -> Self {
        DocId::Team { year: period.year() }
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocId::Registry => f.write_str("registry"),
            DocId::Team { year } => write!(f, "team/{year:04}"),
            DocId::Log { member, month } => write!(f, "log/{member}/{month}"),
        }
    }
}

impl FromStr for DocId {
    type Err = DocError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || DocError::BadDocId(s.chars().take(80).collect());
        if s.len() > 64 {
            return Err(bad());
        }
        let mut parts = s.split('/');
        let id = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("registry"), None, None, None) => DocId::Registry,
            (Some("team"), Some(y), None, None) if y.len() == 4 => {
                let year: i32 = y.parse().map_err(|_| bad())?;
                if !(2000..=2200).contains(&year) {
                    return Err(bad());
                }
                DocId::Team { year }
            }
            (Some("log"), Some(m), Some(ym), None) => {
                DocId::Log { member: m.parse().map_err(|_| bad())?, month: ym.parse().map_err(|_| bad())? }
            }
            _ => return Err(bad()),
        };
        // Only the canonical spelling is a document id (no upper-case uuids, no padding).
        if id.to_string() != s {
            return Err(bad());
        }
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_round_trip() {
        let m: MemberId = "0193a3c4-0000-7000-8000-000000000001".parse().unwrap();
        for id in [
            DocId::Registry,
            DocId::Team { year: 2026 },
            DocId::Log { member: m, month: YearMonth { year: 2026, month: 11 } },
        ] {
            assert_eq!(id.to_string().parse::<DocId>().unwrap(), id);
        }
        assert!("team/26".parse::<DocId>().is_err());
        assert!("registry/".parse::<DocId>().is_err());
        assert!("log/x/2026-11".parse::<DocId>().is_err());
    }

    proptest! {
        #[test]
        fn parsing_never_panics(s in ".{0,80}") {
            let _ = s.parse::<DocId>();
        }
    }
}
