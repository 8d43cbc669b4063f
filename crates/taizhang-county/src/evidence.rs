//! The evidence calendar (issue 17): for each member and day of a period, how strong the
//! evidence of presence and visits is (记录及时 / 补录 / 时间存疑), with every record behind it —
//! its claimed time, the server's receipt, the causal floor, its place — and each doubt's
//! reason. Members in roster order, days in date order: never a ranking of people.

use serde::Serialize;
use taizhang_domain::{local_date, CheckKind, MemberId, Village};
use taizhang_rules::{member_days, DayEvidence, Period, Policy, RecordTimes, Strength, VillageRecords};

/// One member's evidence over the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberEvidence {
    pub member: MemberId,
    pub name: String,
    /// Days with at least one record, in date order.
    pub days: Vec<DayEvidence>,
    /// Counts of days by strength (never compared across people).
    pub timely_days: usize,
    pub backfilled_days: usize,
    pub doubtful_days: usize,
    /// People's decisions on this member's doubtful days in the period, by date.
    pub checks: std::collections::BTreeMap<chrono::NaiveDate, taizhang_rules::DayCheck>,
}

/// The village's evidence calendar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceView {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    /// Whether the village has a fence the places were judged against.
    pub fence_known: bool,
    pub members: Vec<MemberEvidence>,
    /// What the policy says about doubtful days, in words (zh then en).
    pub doubtful_rule: String,
}

/// The evidence of every check-in of kind `In` and every visit in `period`, per member-day.
/// With `doubtful_only`, only the days that stand on doubtful evidence alone are kept (the
/// target list for 明察暗访 and 随机查).
pub fn evidence_view(
    records: &VillageRecords,
    village: Option<&Village>,
    period: Period,
    policy: &Policy,
    doubtful_only: bool,
) -> EvidenceView {
    let fence = village.map(|v| &v.geofence);
    let in_period = |at| {
        let d = local_date(at);
        d >= period.from && d <= period.to
    };
    let mut all: Vec<RecordTimes> = records
        .check_ins
        .iter()
        .filter(|c| c.kind == CheckKind::In && in_period(c.at))
        .map(|c| records.record_times(c.id.0.to_string(), c.member, c.at, c.location))
        .collect();
    // A visit corrected by another (更正, `amends`) is no evidence of its own: the correction
    // says when it happened, and counting both would show one visit as two days' presence.
    let superseded: std::collections::BTreeSet<_> = records.visits.iter().filter_map(|v| v.amends).collect();
    all.extend(
        records
            .visits
            .iter()
            .filter(|v| in_period(v.at) && !superseded.contains(&v.id))
            .map(|v| records.record_times(v.id.0.to_string(), v.member, v.at, v.location)),
    );
    let days = member_days(&all, fence, &policy.evidence);
    let members = records
        .members
        .iter()
        .map(|m| {
            let mine: Vec<DayEvidence> = days
                .iter()
                .filter(|d| d.member == m.id)
                .filter(|d| !doubtful_only || d.strength == Strength::Doubtful)
                .cloned()
                .collect();
            let count = |s: Strength| mine.iter().filter(|d| d.strength == s).count();
            MemberEvidence {
                member: m.id,
                name: m.name.clone(),
                timely_days: count(Strength::Timely),
                backfilled_days: count(Strength::Backfilled),
                doubtful_days: count(Strength::Doubtful),
                checks: records
                    .day_checks
                    .get(&m.id)
                    .map(|c| c.range(period.from..=period.to).map(|(d, c)| (*d, c.clone())).collect())
                    .unwrap_or_default(),
                days: mine,
            }
        })
        .collect();
    let doubtful_rule = if policy.evidence.doubtful_days_count {
        "时间存疑的日子照常计入在村天数，待人核实 / doubtful days count toward the days in the village until a person decides"
    } else {
        "时间存疑的日子经人核实前不计入在村天数 / doubtful days do not count toward the days in the village until a person confirms them"
    };
    EvidenceView {
        from: period.from,
        to: period.to,
        fence_known: fence.is_some(),
        members,
        doubtful_rule: doubtful_rule.into(),
    }
}
