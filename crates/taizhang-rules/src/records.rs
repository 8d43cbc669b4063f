//! The engine's inputs: one village's records (the domain crate's types, unchanged), the period
//! judged, and the few facts no record holds (seven-ones items, training days) that the caller
//! supplies.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use taizhang_domain::{
    local_date, CheckIn, DiaryEntry, Household, LeaveRequest, Member, MemberId, MonthFiling, MonthScoreSheet,
    Timestamp, Village, Visit,
};

use crate::RulesError;

/// Everything one village's ledger holds that the rules read. Order does not matter: every
/// result is sorted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VillageRecords {
    /// The village itself (name, fence), once its registry has synced; the evidence rules
    /// judge places against its fence.
    #[serde(default)]
    pub village: Option<Village>,
    /// The work team. Check-ins of people not listed here are ignored.
    pub members: Vec<Member>,
    pub check_ins: Vec<CheckIn>,
    pub leave_requests: Vec<LeaveRequest>,
    pub diary: Vec<DiaryEntry>,
    pub filings: Vec<MonthFiling>,
    pub visits: Vec<Visit>,
    /// The household registry.
    pub households: Vec<Household>,
    /// Each member's last sync: when the server last received anything from one of their
    /// devices (server time, ms). A day is known for a member once a sync arrived after it
    /// ended; later days are 未同步 (not synced): never absent, never a gap. A member missing
    /// here is judged on what the records hold (as before this field existed).
    #[serde(default)]
    pub last_sync: BTreeMap<MemberId, Timestamp>,
    /// When the server received each record (record id → server time, ms), for marking late
    /// records (迟报: received after their month was filed). Records missing here are never
    /// marked late.
    #[serde(default)]
    pub received_at: BTreeMap<String, Timestamp>,
    /// Each record's causal floor (record id → server time, ms): the latest moment the server
    /// can prove its device had already synced past when it made the record
    /// (`taizhang_sync::causal_floors`). For evidence strength only ([`crate::judge_record`]).
    #[serde(default)]
    pub causal_floor: BTreeMap<String, Timestamp>,
    /// Each record's time by its device's own anchor (record id → UTC ms): the server time of
    /// the device's last sync plus its boot clock since (`taizhang_sync::ChangeAnchor`).
    /// Records made without one (older apps, a reboot since the last sync) are missing.
    #[serde(default)]
    pub anchor_estimate: BTreeMap<String, Timestamp>,
    /// People's decisions on members' doubtful days ([`crate::DayCheck`]), entered on the
    /// township or county page.
    #[serde(default)]
    pub day_checks: BTreeMap<MemberId, BTreeMap<NaiveDate, crate::DayCheck>>,
    /// The month score sheets (scheme B, issue 14): the first secretary's items, the
    /// township's check and the county's audit of each member's month.
    #[serde(default)]
    pub score_sheets: Vec<MonthScoreSheet>,
    /// Each member's submission of their own ended month (提交本月, with the gaps they saw).
    #[serde(default)]
    pub submissions: Vec<taizhang_domain::MonthSubmission>,
    /// The first secretary's quarterly reports (季报告) and yearly commitments (年承诺).
    #[serde(default)]
    pub reports: Vec<taizhang_domain::TeamReport>,
    /// The village's meetings and activities (会议 / 活动, issue 22): a party lecture (党课)
    /// decides 上好一堂党课.
    #[serde(default)]
    pub meetings: Vec<taizhang_domain::Meeting>,
    /// The village's projects (民生实事, 帮扶专案): those closed done decide the two project
    /// items of the seven ones.
    #[serde(default)]
    pub projects: Vec<taizhang_domain::Project>,
    /// The projects' progress updates (项目进展), for the ledger and its exports.
    #[serde(default)]
    pub progress: Vec<taizhang_domain::ProgressUpdate>,
    /// The follow-up items (承诺事项 / 待办, issue 16): those closed done count as evidence of
    /// 办好一批民生实事 beside the practical projects ([`crate::follow_up_counts`]).
    #[serde(default)]
    pub follow_ups: Vec<taizhang_domain::FollowUp>,
    /// Inspection findings (检查发现的问题) and the team's answers (整改, issue 16), for the
    /// village page; no rule scores them.
    #[serde(default)]
    pub findings: Vec<taizhang_domain::Finding>,
    /// The village situation register of each year (村情, issue 22), for the village page.
    #[serde(default)]
    pub situations: Vec<taizhang_domain::VillageSituation>,
    /// The team's three-year goals, yearly plan items and responsibility letters (issue 22).
    #[serde(default)]
    pub plans: Vec<taizhang_domain::PlanItem>,
}

impl VillageRecords {
    /// The first day not fully known for `member`: the Asia/Shanghai day of their last sync
    /// (records of its later hours may still come). `None`: no last sync given, every day is
    /// judged on the records.
    pub fn unknown_from(&self, member: MemberId) -> Option<NaiveDate> {
        self.last_sync.get(&member).map(|&t| local_date(t))
    }

    /// What the server knows of one record's time (its receipt, causal floor and the device's
    /// anchor estimate), for the evidence rules ([`crate::judge_record`]).
    pub fn record_times(
        &self,
        record: String,
        member: MemberId,
        claimed: Timestamp,
        location: Option<taizhang_domain::GpsFix>,
    ) -> crate::RecordTimes {
        crate::RecordTimes {
            received: self.received_at.get(&record).copied(),
            floor: self.causal_floor.get(&record).copied(),
            anchor_estimate: self.anchor_estimate.get(&record).copied(),
            record,
            member,
            claimed,
            location,
        }
    }

    /// Whether `date` is unknown for `member` (on or after the day of their last sync).
    pub fn not_synced(&self, member: MemberId, date: NaiveDate) -> bool {
        self.unknown_from(member).is_some_and(|from| date >= from)
    }
}

/// An inclusive range of Asia/Shanghai calendar dates, at most 366 days (the rules are yearly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// A checked period.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, RulesError> {
        let p = Self { from, to };
        p.check()?;
        Ok(p)
    }

    /// The calendar year `year` (1 January to 31 December); `None` for a year the calendar
    /// cannot hold.
    pub fn year(year: i32) -> Option<Self> {
        Some(Self { from: NaiveDate::from_ymd_opt(year, 1, 1)?, to: NaiveDate::from_ymd_opt(year, 12, 31)? })
    }

    /// Refuses a reversed period or one longer than 366 days.
    pub fn check(&self) -> Result<(), RulesError> {
        if self.to < self.from {
            return Err(RulesError::PeriodReversed { from: self.from, to: self.to });
        }
        let days = self.len();
        if days > 366 {
            return Err(RulesError::PeriodTooLong { from: self.from, to: self.to, days });
        }
        Ok(())
    }

    /// Number of days, both ends included.
    pub fn len(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// Whether the period holds no day (only for an unchecked, reversed period).
    pub fn is_empty(&self) -> bool {
        self.to < self.from
    }

    /// Whether `date` falls in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// The dates of the period, in order.
    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> {
        let to = self.to;
        self.from.iter_days().take_while(move |d| *d <= to)
    }

    /// The overlap with `[from, to]`, if any.
    pub fn clip(&self, from: NaiveDate, to: NaiveDate) -> Option<Period> {
        let p = Period { from: self.from.max(from), to: self.to.min(to) };
        (!p.is_empty()).then_some(p)
    }
}

/// Facts about a member that no record holds; the caller supplies them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemberInputs {
    /// Seven-ones items the county has checked, by item code (`party_lecture` -> true).
    /// Items absent here are reported as "not recorded". Record-derived items must not be given.
    pub seven_ones: BTreeMap<String, bool>,
    /// Training days attended in the period, if the county recorded them.
    pub training_days: Option<u32>,
}
