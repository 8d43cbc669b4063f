//! Evidence strength of attendance and visit records (issue 17): how far the county can trust
//! a record's claimed time and place, from what the server can prove. Never a refusal: a
//! record outside its bounds is kept and counted (unless the policy says doubtful days wait
//! for a person), and flagged with the reason.
//!
//! # The rules
//! - **Causal floor.** A record cannot have been made before the server received anything its
//!   change depends on in an earlier request (`taizhang_sync::causal_floors`): the device
//!   already held that. Claimed more than `tolerance_minutes` before the floor: 早于上次同步.
//! - **Receipt.** A record cannot have been made after the server received it: claimed more
//!   than the tolerance after receipt: 晚于服务器收到.
//! - **Anchor.** The device writes its last server time plus its monotonic clock's elapsed time
//!   since then; the sum estimates the true time. Claimed more than the tolerance away from it:
//!   与设备计时不符. No anchor (an older app, a reboot in between) proves nothing either way.
//! - **Strength of one record**: any doubt makes it 时间存疑 (doubtful); else received within
//!   `timely_within_hours` of its claimed time it is 记录及时 (timely); else 补录 (recorded
//!   late, consistent: three weeks offline is normal and NOT doubtful).
//! - **Strength of a member-day**: the strongest of that day's records (the day stands on its
//!   best evidence); every record and every doubt is listed with it.
//! - **Place** is shown, never judged: the distance to the village centre and the accuracy the
//!   device reported, inside or outside the fence as the *server* computes it (the device's own
//!   `in_geofence` claim is not used), or no location.
//! - No ranking of people by any of this (2026 rule): only per-record and per-day facts.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use taizhang_domain::{local_date, Geofence, GpsFix, MemberId, Timestamp};

/// The policy values of the evidence rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvidencePolicy {
    /// Received within this many hours of its claimed time: 记录及时; later: 补录.
    pub timely_within_hours: u32,
    /// Slack for every time bound (a slow upload on 2G, clock drift), minutes.
    pub tolerance_minutes: u32,
    /// Whether a doubtful day counts toward the days in the village before a person confirms
    /// it. On by default: a flag is a question for people, not a verdict.
    pub doubtful_days_count: bool,
}

impl Default for EvidencePolicy {
    fn default() -> Self {
        Self { timely_within_hours: 72, tolerance_minutes: 30, doubtful_days_count: true }
    }
}

/// What the server knows about one record's time and place.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordTimes {
    /// The record's id (check-in or visit).
    pub record: String,
    pub member: MemberId,
    /// The time the record claims (its `at`).
    pub claimed: Timestamp,
    /// When the server first received the change that created it (`None`: not yet).
    pub received: Option<Timestamp>,
    /// The causal floor of that change (`None`: nothing proves a floor).
    pub floor: Option<Timestamp>,
    /// The device's anchor estimate of the true time (`None`: no anchor written).
    pub anchor_estimate: Option<Timestamp>,
    /// The location the device gave, if any.
    pub location: Option<GpsFix>,
}

/// Why a record's time is doubted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Doubt {
    /// Claimed before the device had already synced past `floor`.
    BeforeDeviceSynced { floor: Timestamp, by_ms: i64 },
    /// Claimed after the server received it.
    AfterReceipt { received: Timestamp, by_ms: i64 },
    /// Claimed far from the device's own elapsed-time estimate.
    ClockDisagrees { estimate: Timestamp, by_ms: i64 },
}

impl Doubt {
    /// The reason in Chinese then English, with the amount.
    pub fn reason(&self) -> String {
        match *self {
            Doubt::BeforeDeviceSynced { by_ms, .. } => format!(
                "早于该设备上次同步 {} / dated {} before its device had already synced",
                span_zh(by_ms),
                span_en(by_ms)
            ),
            Doubt::AfterReceipt { by_ms, .. } => {
                format!("晚于服务器收到时间 {} / dated {} after the server received it", span_zh(by_ms), span_en(by_ms))
            }
            Doubt::ClockDisagrees { by_ms, .. } => format!(
                "与设备计时相差 {} / {} away from the device's elapsed-time estimate",
                span_zh(by_ms),
                span_en(by_ms)
            ),
        }
    }
}

fn span_zh(ms: i64) -> String {
    let min = ms.abs() / 60_000;
    if min >= 2 * 24 * 60 {
        format!("{} 天", min / (24 * 60))
    } else if min >= 120 {
        format!("{} 小时", min / 60)
    } else {
        format!("{min} 分钟")
    }
}

fn span_en(ms: i64) -> String {
    let min = ms.abs() / 60_000;
    if min >= 2 * 24 * 60 {
        format!("{} days", min / (24 * 60))
    } else if min >= 120 {
        format!("{} hours", min / 60)
    } else {
        format!("{min} min")
    }
}

/// How strong a record's (or a day's) evidence is, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// 时间存疑: a time bound is broken.
    Doubtful,
    /// 补录: received late, consistent with every bound.
    Backfilled,
    /// 记录及时: received soon after it was made.
    Timely,
}

impl Strength {
    pub fn code(self) -> &'static str {
        match self {
            Strength::Doubtful => "doubtful",
            Strength::Backfilled => "backfilled",
            Strength::Timely => "timely",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Strength::Doubtful => "时间存疑",
            Strength::Backfilled => "补录",
            Strength::Timely => "记录及时",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Strength::Doubtful => "time in doubt",
            Strength::Backfilled => "recorded late",
            Strength::Timely => "recorded on time",
        }
    }
}

/// Where a record was made, as evidence (never a gate).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Place {
    /// 没有位置
    NoLocation,
    /// 在村 (within the fence, as the server computes it)
    Inside { distance_m: f64, accuracy_m: Option<f64> },
    /// 村外
    Outside { distance_m: f64, accuracy_m: Option<f64> },
}

impl Place {
    /// Judges `location` against the village's fence (the server's computation).
    pub fn of(location: Option<&GpsFix>, fence: Option<&Geofence>) -> Place {
        match (location, fence) {
            (Some(fix), Some(fence)) => {
                let distance_m = fence.centre.distance_m(fix.point);
                if distance_m <= fence.radius_m {
                    Place::Inside { distance_m, accuracy_m: fix.accuracy_m }
                } else {
                    Place::Outside { distance_m, accuracy_m: fix.accuracy_m }
                }
            }
            _ => Place::NoLocation,
        }
    }
}

/// One record judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordEvidence {
    pub record: String,
    pub claimed: Timestamp,
    pub received: Option<Timestamp>,
    pub strength: Strength,
    pub doubts: Vec<Doubt>,
    /// Each doubt's reason in words (zh / en), in the order of `doubts`.
    pub reasons: Vec<String>,
    pub place: Place,
}

/// Judges one record's time against its bounds and its place against the fence.
pub fn judge_record(r: &RecordTimes, fence: Option<&Geofence>, policy: &EvidencePolicy) -> RecordEvidence {
    let tol = i64::from(policy.tolerance_minutes) * 60_000;
    let mut doubts = Vec::new();
    if let Some(floor) = r.floor {
        if r.claimed < floor - tol {
            doubts.push(Doubt::BeforeDeviceSynced { floor, by_ms: floor - r.claimed });
        }
    }
    if let Some(received) = r.received {
        if r.claimed > received + tol {
            doubts.push(Doubt::AfterReceipt { received, by_ms: r.claimed - received });
        }
    }
    if let Some(estimate) = r.anchor_estimate {
        if (r.claimed - estimate).abs() > tol {
            doubts.push(Doubt::ClockDisagrees { estimate, by_ms: r.claimed - estimate });
        }
    }
    let strength = if !doubts.is_empty() {
        Strength::Doubtful
    } else {
        match r.received {
            Some(received) if received - r.claimed > i64::from(policy.timely_within_hours) * 3_600_000 => {
                Strength::Backfilled
            }
            // Not received yet (seen on the device): nothing late about it so far.
            _ => Strength::Timely,
        }
    };
    RecordEvidence {
        record: r.record.clone(),
        claimed: r.claimed,
        received: r.received,
        strength,
        reasons: doubts.iter().map(Doubt::reason).collect(),
        doubts,
        place: Place::of(r.location.as_ref(), fence),
    }
}

/// One member's day: its strength (the strongest record's) and every record behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayEvidence {
    pub member: MemberId,
    pub date: NaiveDate,
    pub strength: Strength,
    pub records: Vec<RecordEvidence>,
}

impl DayEvidence {
    /// Whether any record of the day is doubtful (the day may still stand on another record).
    pub fn has_doubt(&self) -> bool {
        self.records.iter().any(|r| r.strength == Strength::Doubtful)
    }
}

/// Judges every record and groups them by member and Asia/Shanghai day of their claimed time,
/// in (member, date) order.
pub fn member_days(records: &[RecordTimes], fence: Option<&Geofence>, policy: &EvidencePolicy) -> Vec<DayEvidence> {
    let mut days: BTreeMap<(MemberId, NaiveDate), Vec<RecordEvidence>> = BTreeMap::new();
    for r in records {
        days.entry((r.member, local_date(r.claimed))).or_default().push(judge_record(r, fence, policy));
    }
    days.into_iter()
        .map(|((member, date), mut records)| {
            records.sort_by(|a, b| a.claimed.cmp(&b.claimed).then_with(|| a.record.cmp(&b.record)));
            let strength = records.iter().map(|r| r.strength).max().unwrap_or(Strength::Doubtful);
            DayEvidence { member, date, strength, records }
        })
        .collect()
}

/// A person's decision on a member's doubtful day (issue 17): after checking (a phone call, a
/// visit, the villagers' word) the township or county says whether the day's doubtful records
/// count as presence. It overrides the policy's `doubtful_days_count` for that day only; a
/// day's records that are not doubtful always count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCheck {
    /// Whether the doubtful records count (核实计入) or not (不予计入).
    pub counts: bool,
    /// What was checked, in the officer's words.
    pub note: String,
    /// Who decided (the officer's name).
    pub by: String,
    /// When (server time, UTC ms).
    pub at: Timestamp,
}

/// The doubtful days of `days` within `from..=to` (the target list for 明察暗访 and 随机查):
/// days that stand on doubtful evidence only. In (member, date) order, never ranked.
pub fn doubtful_days(days: &[DayEvidence], from: NaiveDate, to: NaiveDate) -> Vec<&DayEvidence> {
    days.iter().filter(|d| d.date >= from && d.date <= to && d.strength == Strength::Doubtful).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use taizhang_domain::{day_start, GeoPoint};
    use uuid::Uuid;

    const H: i64 = 3_600_000;
    const D: i64 = 24 * H;

    fn date(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("valid date")
    }

    fn member() -> MemberId {
        MemberId(Uuid::from_u128(7))
    }

    fn rec(id: &str, claimed: Timestamp) -> RecordTimes {
        RecordTimes {
            record: id.into(),
            member: member(),
            claimed,
            received: None,
            floor: None,
            anchor_estimate: None,
            location: None,
        }
    }

    fn fence() -> Geofence {
        Geofence { centre: GeoPoint { lat: 26.13, lon: 106.65 }, radius_m: 1500.0 }
    }

    /// Worked example: a member goes offline after syncing on 1 November at 18:00, checks in
    /// every morning for three weeks, and syncs on 22 November at 10:00. Every check-in's
    /// change depends on what the device held at the 1 November sync, so its floor is that
    /// sync; each was made after it and before receipt: nothing is doubtful, the first days are
    /// 补录 (received 3 weeks later) and the day before the sync is still 补录 (> 72 h? no:
    /// 21 November 08:00 to 22 November 10:00 is 26 h, so it is 记录及时).
    #[test]
    fn three_weeks_offline_is_not_doubtful() {
        let p = EvidencePolicy::default();
        let sync = day_start(date(11, 1)) + 18 * H;
        let receipt = day_start(date(11, 22)) + 10 * H;
        let records: Vec<RecordTimes> = (2..=21)
            .map(|d| RecordTimes {
                received: Some(receipt),
                floor: Some(sync),
                anchor_estimate: Some(day_start(date(11, d)) + 8 * H + 40_000),
                ..rec(&format!("c{d}"), day_start(date(11, d)) + 8 * H)
            })
            .collect();
        let days = member_days(&records, Some(&fence()), &p);
        assert_eq!(days.len(), 20);
        assert!(days.iter().all(|d| d.records.iter().all(|r| r.doubts.is_empty())));
        assert_eq!(days[0].strength, Strength::Backfilled);
        assert_eq!(days[19].strength, Strength::Timely);
        assert!(doubtful_days(&days, date(11, 1), date(11, 30)).is_empty());
    }

    /// Worked example of the attack (issue 17): on 20 November a member's device, which synced
    /// on 10 November at 09:00, writes check-ins dated 5 June and 6 July and pushes them at
    /// 20 November 21:00. Floor 10 Nov 09:00 − 5 June 08:00 = 158 days 1 hour: doubtful,
    /// "早于该设备上次同步 158 天".
    #[test]
    fn a_record_dated_before_its_devices_previous_sync_is_doubtful() {
        let p = EvidencePolicy::default();
        let floor = day_start(date(11, 10)) + 9 * H;
        let receipt = day_start(date(11, 20)) + 21 * H;
        let june =
            RecordTimes { received: Some(receipt), floor: Some(floor), ..rec("june", day_start(date(6, 5)) + 8 * H) };
        let judged = judge_record(&june, None, &p);
        assert_eq!(judged.strength, Strength::Doubtful);
        assert_eq!(judged.doubts, vec![Doubt::BeforeDeviceSynced { floor, by_ms: 158 * D + H }]);
        assert!(judged.doubts[0].reason().starts_with("早于该设备上次同步 158 天"));
        assert_eq!(judged.place, Place::NoLocation);
    }

    /// Worked example of the tolerance: 29 minutes before the floor is slack (an upload that
    /// took a while), 31 minutes is doubt.
    #[test]
    fn the_tolerance_is_thirty_minutes_by_default() {
        let p = EvidencePolicy::default();
        let floor = day_start(date(11, 10)) + 9 * H;
        let at = |m: i64| RecordTimes { floor: Some(floor), received: Some(floor + H), ..rec("x", floor - m * 60_000) };
        assert!(judge_record(&at(29), None, &p).doubts.is_empty());
        assert_eq!(judge_record(&at(31), None, &p).strength, Strength::Doubtful);
    }

    /// Worked example: a device clock 2 days ahead claims 22 November for a record the server
    /// received on 20 November, and its anchor says 20 November: two doubts.
    #[test]
    fn a_clock_ahead_breaks_receipt_and_anchor() {
        let p = EvidencePolicy::default();
        let receipt = day_start(date(11, 20)) + 12 * H;
        let r = RecordTimes {
            received: Some(receipt),
            anchor_estimate: Some(receipt - H),
            ..rec("ahead", receipt + 2 * D)
        };
        let judged = judge_record(&r, None, &p);
        assert_eq!(
            judged.doubts,
            vec![
                Doubt::AfterReceipt { received: receipt, by_ms: 2 * D },
                Doubt::ClockDisagrees { estimate: receipt - H, by_ms: 2 * D + H },
            ]
        );
    }

    /// A day stands on its best record: a doubtful check-in beside a timely one leaves the day
    /// 记录及时, with the doubtful record still listed.
    #[test]
    fn a_day_stands_on_its_best_record() {
        let p = EvidencePolicy::default();
        let morning = day_start(date(11, 3)) + 8 * H;
        let good = RecordTimes { received: Some(morning + H), ..rec("good", morning) };
        let bad = RecordTimes { received: Some(morning + H), floor: Some(morning + 5 * H), ..rec("bad", morning) };
        let days = member_days(&[bad, good], None, &p);
        assert_eq!(days.len(), 1);
        assert_eq!(days[0].strength, Strength::Timely);
        assert!(days[0].has_doubt());
        assert!(doubtful_days(&days, date(11, 1), date(11, 30)).is_empty());
    }

    /// Place: 1,000 m from the centre of a 1,500 m fence is inside; about 5.6 km is outside;
    /// the device's own claim plays no part.
    #[test]
    fn place_is_computed_by_the_server() {
        let near = GpsFix { point: GeoPoint { lat: 26.139, lon: 106.65 }, accuracy_m: Some(20.0) };
        let far = GpsFix { point: GeoPoint { lat: 26.18, lon: 106.65 }, accuracy_m: None };
        match Place::of(Some(&near), Some(&fence())) {
            Place::Inside { distance_m, accuracy_m } => {
                assert!((distance_m - 1000.8).abs() < 5.0, "{distance_m}");
                assert_eq!(accuracy_m, Some(20.0));
            }
            other => panic!("expected inside, got {other:?}"),
        }
        match Place::of(Some(&far), Some(&fence())) {
            Place::Outside { distance_m, .. } => assert!((distance_m - 5560.0).abs() < 20.0, "{distance_m}"),
            other => panic!("expected outside, got {other:?}"),
        }
        assert_eq!(Place::of(None, Some(&fence())), Place::NoLocation);
    }

    /// Worked example of the policy switch: with `doubtful_days_count = false`, a check-in
    /// dated before its device's previous sync does not count as a day in the village until a
    /// person decides; with the default it counts (and stays flagged). A person's decision on
    /// the day ([`DayCheck`]) settles it either way.
    #[test]
    fn doubtful_days_wait_for_a_person_only_when_the_policy_says_so() {
        use crate::{member_report, MemberInputs, Period, Policy, VillageRecords};
        use taizhang_domain::{CheckIn, CheckInId, CheckKind, Member, Role};
        let m = Member {
            id: member(),
            name: "王芳".into(),
            role: Role::TeamMember,
            helping_unit: "县农业农村局".into(),
            term_start: date(1, 1),
            term_end: None,
        };
        let honest = CheckIn {
            id: CheckInId(Uuid::from_u128(1)),
            member: member(),
            at: day_start(date(11, 10)) + 8 * H,
            kind: CheckKind::In,
            location: None,
            in_geofence: None,
        };
        let backdated =
            CheckIn { id: CheckInId(Uuid::from_u128(2)), at: day_start(date(6, 5)) + 8 * H, ..honest.clone() };
        let mut records = VillageRecords { members: vec![m], check_ins: vec![honest, backdated], ..Default::default() };
        let receipt = day_start(date(11, 20)) + 21 * H;
        for id in [1u128, 2] {
            records.received_at.insert(Uuid::from_u128(id).to_string(), receipt);
        }
        records.causal_floor.insert(Uuid::from_u128(2).to_string(), day_start(date(11, 10)) + 9 * H);
        let period = Period::new(date(1, 1), date(11, 30)).expect("period");
        let days_of = |records: &VillageRecords, policy: &Policy| {
            member_report(records, member(), period, date(11, 30), &MemberInputs::default(), policy)
                .expect("report")
                .days_in_village
                .value
        };
        let days = |policy: &Policy| days_of(&records, policy);
        assert_eq!(days(&Policy::default()), 2);
        let strict = Policy {
            evidence: EvidencePolicy { doubtful_days_count: false, ..EvidencePolicy::default() },
            ..Policy::default()
        };
        assert_eq!(days(&strict), 1);

        // A person decides: the township checked and confirms 5 June (核实计入): it counts
        // under the strict policy too. Had they found it false (不予计入), it would not count
        // even under the default policy. The honest day is never touched by a decision.
        let check =
            |counts| DayCheck { counts, note: "电话核实".into(), by: "石门镇 赵敏".into(), at: receipt };
        records.day_checks.entry(member()).or_default().insert(date(6, 5), check(true));
        assert_eq!(days_of(&records, &strict), 2);
        records.day_checks.entry(member()).or_default().insert(date(6, 5), check(false));
        assert_eq!(days_of(&records, &Policy::default()), 1);
        records.day_checks.entry(member()).or_default().insert(date(11, 10), check(false));
        assert_eq!(days_of(&records, &Policy::default()), 1, "a decision never removes an honest day");
    }
}
