//! Time as the ledger sees it: instants are UTC milliseconds, and days and months are cut in
//! China Standard Time (Asia/Shanghai, UTC+8, no daylight saving since 1991) wherever the
//! device happens to be.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::DomainError;

/// Milliseconds since the Unix epoch, UTC.
pub type Timestamp = i64;

/// The Asia/Shanghai offset. China has kept UTC+8 all year since 1991, so a fixed offset is
/// exact for every record this ledger can hold and needs no time-zone database on the phone.
pub fn shanghai() -> FixedOffset {
    // 8 hours is always a valid offset; the fallback is unreachable but keeps us panic-free.
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

/// The instant as a date-time in Asia/Shanghai, or `None` for a timestamp chrono cannot hold.
pub fn local_datetime(at: Timestamp) -> Option<DateTime<FixedOffset>> {
    shanghai().timestamp_millis_opt(at).single()
}

/// A wall-clock time in Asia/Shanghai typed by a person (`YYYY-MM-DD HH:MM`, or with `T` as a
/// browser's `datetime-local` gives it) as an instant.
pub fn parse_local_time(s: &str) -> Result<Timestamp, DomainError> {
    let s = s.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
        .and_then(|t| shanghai().from_local_datetime(&t).single())
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| DomainError::Malformed {
            what: "time (YYYY-MM-DD HH:MM, Beijing time)",
            value: s.chars().take(40).collect(),
        })
}

/// The calendar day (Asia/Shanghai) an instant falls on.
pub fn local_date(at: Timestamp) -> NaiveDate {
    local_datetime(at).map(|d| d.date_naive()).unwrap_or_default()
}

/// The instant a calendar day (Asia/Shanghai) starts: 00:00 China Standard Time.
pub fn day_start(date: NaiveDate) -> Timestamp {
    date.and_hms_opt(0, 0, 0)
        .and_then(|t| shanghai().from_local_datetime(&t).single())
        .map(|t| t.timestamp_millis())
        .unwrap_or_default()
}

/// The month (Asia/Shanghai) an instant falls in.
pub fn local_month(at: Timestamp) -> YearMonth {
    YearMonth::of(local_date(at))
}

/// A calendar month, e.g. `2026-11`: the unit of diary filing (月备案) and of log documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    /// A month, if `month` is 1..=12 and the year is one this ledger can hold (2000..=2200).
    pub fn new(year: i32, month: u32) -> Result<Self, DomainError> {
        if !(1..=12).contains(&month) || !(2000..=2200).contains(&year) {
            return Err(DomainError::Malformed { what: "month", value: format!("{year}-{month}") });
        }
        Ok(Self { year, month })
    }

    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Self {
        Self { year: date.year(), month: date.month() }
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    /// The last day of the month.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or_default()
    }

    /// The month after this one.
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self { year: self.year + 1, month: 1 }
        } else {
            Self { year: self.year, month: self.month + 1 }
        }
    }

    /// Whether `date` falls in this month.
    pub fn contains(self, date: NaiveDate) -> bool {
        Self::of(date) == self
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for YearMonth {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || DomainError::Malformed { what: "month (YYYY-MM)", value: s.chars().take(32).collect() };
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        Self::new(year, month).map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_time_is_beijing_time() {
        // 2026-11-25 10:00 in Shanghai is 02:00 UTC.
        let at = 1_795_536_000_000 + 10 * 3_600_000;
        assert_eq!(parse_local_time("2026-11-25T10:00"), Ok(at));
        assert_eq!(parse_local_time(" 2026-11-25 10:00 "), Ok(at));
        assert!(matches!(parse_local_time("25/11/2026"), Err(DomainError::Malformed { .. })));
    }

    #[test]
    fn day_boundary_is_shanghai_midnight() {
        // 2026-11-24T16:00:00Z is 2026-11-25 00:00 in Shanghai.
        let at = 1_795_536_000_000;
        assert_eq!(local_date(at).to_string(), "2026-11-25");
        assert_eq!(local_date(at - 1).to_string(), "2026-11-24");
        assert_eq!(local_month(at).to_string(), "2026-11");
        assert_eq!(day_start(local_date(at)), at);
        assert_eq!(YearMonth { year: 2024, month: 2 }.last_day().to_string(), "2024-02-29");
    }

    #[test]
    fn year_month_parses_strictly() {
        assert_eq!("2026-03".parse::<YearMonth>().map(|m| m.month), Ok(3));
        assert!("2026-3".parse::<YearMonth>().is_err());
        assert!("2026-13".parse::<YearMonth>().is_err());
        assert!("x".parse::<YearMonth>().is_err());
        assert_eq!(YearMonth { year: 2026, month: 12 }.next().to_string(), "2027-01");
    }
}
