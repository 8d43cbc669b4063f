//! Follow-up items (承诺事项 / 待办, issue 16) as the county sees them: per village and period,
//! the items promised, closed done (办结), still open and overdue, each figure with the items
//! that counted; and the items done as evidence of 办好一批民生实事 beside the projects.
//!
//! An item's days are Asia/Shanghai days of its device times (made `created_at`, closed
//! `done_at`); the server's receipt time plays no part, so an item closed offline weeks ago
//! counts for the day it was closed when it arrives.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use taizhang_domain::{local_date, FollowUp};

use crate::explain::{codes, figure, rule};
use crate::{Figure, Period, VillageRecords};

/// One village's follow-up items over a period, judged up to `today`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpCounts {
    /// The period cut at `today`; `None` when it starts after `today` (every count is 0).
    pub judged: Option<Period>,
    /// Items the village has recorded at all; 0 means 未录入 (nothing recorded), not "none".
    pub recorded: usize,
    /// Items made (promised) on a judged day.
    pub promised: Figure<u32>,
    /// Items closed done (办结) on a judged day, whenever they were made.
    pub done: Figure<u32>,
    /// Of those done, the ones closed after their due day (still done: late is not refused).
    pub done_after_due: Figure<u32>,
    /// Items made by the last judged day and not closed by then.
    pub open: Figure<u32>,
    /// Of those open, the ones whose due day lies before the last judged day.
    pub overdue: Figure<u32>,
}

fn count(items: &[&FollowUp]) -> (u32, Vec<String>) {
    let mut ids: Vec<String> = items.iter().map(|f| f.id.to_string()).collect();
    ids.sort();
    (u32::try_from(items.len()).unwrap_or(u32::MAX), ids)
}

/// The day an item was closed, if it was.
pub fn done_day(f: &FollowUp) -> Option<NaiveDate> {
    f.done_at.map(local_date)
}

/// The items of `records` closed done on a day of `range` (the evidence of 民生实事).
pub fn follow_ups_done(records: &VillageRecords, range: Option<Period>) -> Vec<&FollowUp> {
    records.follow_ups.iter().filter(|f| done_day(f).is_some_and(|d| range.is_some_and(|r| r.contains(d)))).collect()
}

/// The village's follow-up items over `period`, judged up to `today` (see [`FollowUpCounts`]).
pub fn follow_up_counts(records: &VillageRecords, period: Period, today: NaiveDate) -> FollowUpCounts {
    let judged = period.clip(NaiveDate::MIN, today);
    let in_range = |d: NaiveDate| judged.is_some_and(|r| r.contains(d));
    let end = judged.map(|r| r.to);
    let promised: Vec<&FollowUp> = records.follow_ups.iter().filter(|f| in_range(local_date(f.created_at))).collect();
    let done = follow_ups_done(records, judged);
    let late: Vec<&FollowUp> =
        done.iter().copied().filter(|f| f.due.is_some_and(|due| done_day(f).is_some_and(|d| d > due))).collect();
    let open: Vec<&FollowUp> = match end {
        None => Vec::new(),
        Some(end) => records
            .follow_ups
            .iter()
            .filter(|f| local_date(f.created_at) <= end && done_day(f).is_none_or(|d| d > end))
            .collect(),
    };
    let overdue: Vec<&FollowUp> =
        open.iter().copied().filter(|f| f.due.is_some_and(|due| end.is_some_and(|end| due < end))).collect();
    let judged_text = judged.map_or_else(|| "-".to_string(), |r| format!("{}..={}", r.from, r.to));
    let make = |items: &[&FollowUp], zh: &str, en: &str| -> Figure<u32> {
        let (n, ids) = count(items);
        let note = if records.follow_ups.is_empty() {
            "本村尚无承诺事项记录,未录入 / the village has recorded no follow-up item yet, not recorded.".to_string()
        } else {
            format!("{zh}{n}项({judged_text}) / {n} {en} ({judged_text}).")
        };
        figure(n, rule(codes::FOLLOW_UPS, format!("judged = {judged_text}"), zh, en), ids, note)
    };
    FollowUpCounts {
        judged,
        recorded: records.follow_ups.len(),
        promised: make(&promised, "期内承诺事项", "items promised in the period"),
        done: make(&done, "期内办结", "items closed done in the period"),
        done_after_due: make(&late, "期内逾期后办结", "items closed done after their due day"),
        open: make(&open, "期末未办结", "items still open at the end of the period"),
        overdue: make(&overdue, "期末已逾期未办结", "items open past their due day at the end of the period"),
    }
}
