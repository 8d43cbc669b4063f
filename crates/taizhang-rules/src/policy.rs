//! The county's rule values. Counties differ (DOMAIN.md: "each must be configurable"), so every
//! number the engine uses lives here, loadable from TOML; `Policy::default()` is what the seed
//! articles say and equals the shipped `policy.default.toml`.

use chrono::Weekday;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeSet;

use crate::RulesError;
use taizhang_domain::LeaveKind;

/// Every configurable rule value. Missing keys in a TOML file take the default, unknown keys
/// are refused (so a typo cannot silently switch a rule back to its default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Minimum days in the village per year (`003`: 不少于200天). Prorated for shorter periods.
    pub min_days_in_village_per_year: u32,
    /// Minimum share of the year in the village (`000`: 不少于2/3). In TOML a number (`0.6667`)
    /// or a fraction string (`"2/3"`). 0 switches the rule off.
    #[serde(deserialize_with = "share")]
    pub min_share_of_year: f64,
    /// Someone of the team in the village every day (`000`: 确保每天有人在村).
    pub someone_in_village_every_day: bool,
    /// Minimum training days per year (`003`).
    pub min_training_days_per_year: u32,
    /// A diary entry on every working day (`000`: 日记录).
    pub diary_every_working_day: bool,
    /// The working days the diary rule checks, as `"Mon"`..`"Sun"`.
    pub working_days: Vec<Weekday>,
    /// Every finished month's diary must be filed (`000`: 月备案).
    pub months_must_be_filed: bool,
    /// A month can be filed once it has ended and is due by this day of the next month (5: by
    /// the 5th); filed later it is still accepted, marked late. 0: no deadline.
    pub filing_window_days: u32,
    /// Every household visited once a year (`004`: 走访一遍农户).
    pub visit_every_household_per_year: bool,
    /// How many days back a visit's own time may be chosen when it is entered on the phone
    /// (补录 of a visit made without time to type it); 0: any earlier time. A check of entry
    /// only: a visit that reaches the server late is never refused for it.
    pub visit_backdate_days: u32,
    /// The seven ones (七个一, `004`), checked per first secretary per year.
    pub seven_ones: Vec<DutyItem>,
    /// Scheme A: yearly 100 points (Baoji, `004`).
    pub scheme_a: SchemeA,
    /// Scheme B: monthly 10 points (Huishui, `002`).
    pub scheme_b: SchemeB,
    /// How each kind of approved leave counts (请销假, `003`).
    pub leave_counts: LeaveCounts,
    /// When the county overview flags a village 提醒 or 需关注.
    pub overview_flag: FlagThresholds,
    /// How far records' times and places are trusted (issue 17; [`crate::EvidencePolicy`]).
    pub evidence: crate::EvidencePolicy,
    /// What a random inspection (随机查) draws by default.
    pub inspection: InspectionPolicy,
    /// How large the photos and files the county's teams attach may be (issue 19).
    pub attachments: AttachmentPolicy,
}

/// The county's caps on attachments. The server applies the smaller of these and its own
/// limits (the sync server's `Limits::attachments` protect the machine; these are the
/// county's rule), so a county can only tighten what the server allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AttachmentPolicy {
    /// Largest file, MiB (a re-encoded photo is about 0.25; a scanned PDF more).
    pub max_file_mb: u32,
    /// Most MiB of files one device may start uploading per day.
    pub max_device_mb_per_day: u32,
}

impl Default for AttachmentPolicy {
    fn default() -> Self {
        Self { max_file_mb: 8, max_device_mb_per_day: 256 }
    }
}

/// Random inspection (随机查 in seed 000, 不定期抽查 in 001): the county checks the households
/// the work is about — 脱贫户 and 监测对象; seed 004's yearly evaluation visits 20 poor
/// households drawn at random (随机走访20户贫困户) — and a few diary entries. A county can widen
/// the draw to every household (一般户 included) or change the numbers; the officer may still
/// ask for every household on the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InspectionPolicy {
    /// Households drawn at a time.
    pub households: u32,
    /// The statuses households are drawn from (codes: lifted_out, monitored, registered_poor,
    /// ordinary); empty: every household.
    pub household_statuses: Vec<String>,
    /// Diary entries drawn at a time.
    pub diary_entries: u32,
}

impl Default for InspectionPolicy {
    fn default() -> Self {
        Self {
            households: 20,
            household_statuses: vec!["lifted_out".into(), "monitored".into(), "registered_poor".into()],
            diary_entries: 5,
        }
    }
}

impl InspectionPolicy {
    /// The statuses households are drawn from (empty: all). Codes are checked by
    /// [`Policy::validate`]; an unknown one here is skipped.
    pub fn statuses(&self) -> Vec<taizhang_domain::HouseholdStatus> {
        self.household_statuses.iter().filter_map(|c| taizhang_domain::HouseholdStatus::from_code(c).ok()).collect()
    }
}

/// How a day of approved leave of some kind counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveCount {
    /// An excused absence: not presence, never 无故缺勤, no diary expected.
    Excused,
    /// Counts as a day in the village (e.g. 因公外出 on the village's business); excused from
    /// the diary. The team's "someone in the village" still needs someone physically there.
    Presence,
    /// Counts toward the yearly training days, and as excused.
    Training,
}

/// How each [`LeaveKind`] counts. Keys are the kinds' codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LeaveCounts {
    /// 事假
    pub personal: LeaveCount,
    /// 病假
    pub sick: LeaveCount,
    /// 因公外出
    pub official_trip: LeaveCount,
    /// 组织安排的培训
    pub training: LeaveCount,
    /// 轮休/调休
    pub rest: LeaveCount,
    /// 其他
    pub other: LeaveCount,
}

impl Default for LeaveCounts {
    fn default() -> Self {
        Self {
            personal: LeaveCount::Excused,
            sick: LeaveCount::Excused,
            official_trip: LeaveCount::Presence,
            training: LeaveCount::Training,
            rest: LeaveCount::Excused,
            other: LeaveCount::Excused,
        }
    }
}

impl LeaveCounts {
    /// How a day of `kind` counts.
    pub fn of(&self, kind: LeaveKind) -> LeaveCount {
        match kind {
            LeaveKind::Personal => self.personal,
            LeaveKind::Sick => self.sick,
            LeaveKind::OfficialTrip => self.official_trip,
            LeaveKind::Training => self.training,
            LeaveKind::Rest => self.rest,
            LeaveKind::Other => self.other,
        }
    }
}

/// Thresholds of the overview's flag (正常 / 提醒 / 需关注), each a count over the period
/// viewed; a village is 需关注 when any count reaches its `attention_` value, else 提醒 when
/// any reaches its `notice_` value, else 正常. 0 switches a threshold off. Only known days
/// count: days after a member's last sync are never gaps or absences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FlagThresholds {
    /// Days with members on post and nobody known in the village (not excused).
    pub notice_gap_days: u32,
    pub attention_gap_days: u32,
    /// Months not filed after the filing window closed.
    pub notice_unfiled_months: u32,
    pub attention_unfiled_months: u32,
    /// Members certainly under the prorated minimum of days (even if every unknown day was
    /// spent in the village).
    pub notice_members_under_minimum: u32,
    pub attention_members_under_minimum: u32,
    /// Days of absence without leave (无故缺勤), all members together.
    pub notice_absence_days: u32,
    pub attention_absence_days: u32,
    /// The longest run of days any member has not synced (未同步): a reminder, never more.
    pub notice_not_synced_days: u32,
}

impl Default for FlagThresholds {
    fn default() -> Self {
        Self {
            notice_gap_days: 1,
            attention_gap_days: 5,
            notice_unfiled_months: 1,
            attention_unfiled_months: 2,
            notice_members_under_minimum: 0,
            attention_members_under_minimum: 1,
            notice_absence_days: 1,
            attention_absence_days: 5,
            notice_not_synced_days: 7,
        }
    }
}

/// One duty of the seven ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DutyItem {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// Set when the item is computed from the records rather than entered by the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derive: Option<Derivation>,
    /// How many records decide the item (1 to 100; 1 by default): for the project items, the
    /// projects closed done in the period (一批: a county may ask for 3).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub at_least: u32,
    /// For 办好一批民生实事 (`practical_projects`, issue 16): how many follow-up items closed
    /// done (办结) in the period count as one practical project beside the projects (0 to 100;
    /// 3 by default; 0: the items are shown but do not count). Other items ignore it.
    #[serde(default = "three", skip_serializing_if = "is_three")]
    pub follow_ups_per_project: u32,
}

fn three() -> u32 {
    3
}
fn is_three(n: &u32) -> bool {
    *n == 3
}

fn one() -> u32 {
    1
}
fn is_one(n: &u32) -> bool {
    *n == 1
}

/// The seven-ones items the records can decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Derivation {
    /// Done when every registered household has a visit by someone of the team in the period.
    HouseholdsVisited,
    /// Done when the member has no diary gap on a working day in the period.
    DiaryKept,
    /// Done when the village's meetings hold a party lecture (党课) held in the period.
    PartyLecture,
    /// Done when at least `at_least` practical projects (民生实事) were closed done in the period.
    PracticalProjects,
    /// Done when at least `at_least` aid projects (帮扶专案) were closed done in the period.
    AidProjects,
    /// Done when the team wrote a research report (调研报告) in the period.
    ResearchReport,
}

/// Scheme A: component weights (points) and grade thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchemeA {
    /// 工作实绩 (work results), points.
    pub results: f64,
    /// 群众评议 (villagers' evaluation), points.
    pub evaluation: f64,
    /// 工作纪律 (discipline), points; derived from attendance.
    pub discipline: f64,
    /// 工作评价 (work assessment), points.
    pub assessment: f64,
    /// 优秀 at or above this total.
    pub excellent_min: f64,
    /// 称职 at or above this total.
    pub competent_min: f64,
    /// 基本称职 at or above this total; below is 不称职.
    pub basic_min: f64,
    /// At most this share of a county's first secretaries is 优秀 (rounded down).
    #[serde(deserialize_with = "share")]
    pub excellent_cap_share: f64,
    /// What a 基本满意 (basically satisfied) ballot of a villagers' survey (民主测评) counts for,
    /// a 满意 ballot counting 1 and a 不满意 one 0 (`score::survey_points`).
    #[serde(deserialize_with = "share")]
    pub basically_satisfied_weight: f64,
}

/// Scheme B: the monthly ten-point score and its catalogue of items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchemeB {
    /// Where every month starts.
    pub base: f64,
    /// The score never exceeds this (十分制); bonuses only make up for deductions.
    pub max: f64,
    /// A month scoring strictly below this cuts that month's allowance (`002`: 低于8分).
    pub allowance_cut_below: f64,
    /// The bonuses, deductions and one-vote vetoes a team leader may apply.
    pub items: Vec<SchemeBItem>,
    /// Points deducted automatically per day of absence without leave (无故缺勤) the records
    /// show (known working days with neither presence nor approved leave). 0: off.
    pub absence_deduction_per_day: f64,
}

/// One scheme B item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeBItem {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub kind: ItemKind,
    /// Points per occurrence (a positive number; the kind gives the sign). Ignored for vetoes.
    #[serde(default)]
    pub points: f64,
}

/// What a scheme B item does to the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 突出成效加分
    Bonus,
    /// 发生问题减分
    Deduction,
    /// 一票否决: the month scores 0.
    Veto,
}

fn duty(code: &str, zh: &str, en: &str, derive: Option<Derivation>) -> DutyItem {
    DutyItem { code: code.into(), zh: zh.into(), en: en.into(), derive, at_least: 1, follow_ups_per_project: 3 }
}

fn item(code: &str, zh: &str, en: &str, kind: ItemKind, points: f64) -> SchemeBItem {
    SchemeBItem { code: code.into(), zh: zh.into(), en: en.into(), kind, points }
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            min_days_in_village_per_year: 200,
            min_share_of_year: 2.0 / 3.0,
            someone_in_village_every_day: true,
            min_training_days_per_year: 4,
            diary_every_working_day: true,
            working_days: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri],
            months_must_be_filed: true,
            filing_window_days: 5,
            visit_every_household_per_year: true,
            visit_backdate_days: 7,
            seven_ones: vec![
                duty("strong_committee", "建强一个班子", "build one strong village committee", None),
                duty("party_lecture", "上好一堂党课", "give one party lecture", Some(Derivation::PartyLecture)),
                duty(
                    "visit_households",
                    "走访一遍农户",
                    "visit every household once",
                    Some(Derivation::HouseholdsVisited),
                ),
                duty("keep_diary", "记好一本民情日记", "keep one diary", Some(Derivation::DiaryKept)),
                duty(
                    "research_report",
                    "写好一篇调研报告",
                    "write one research report",
                    Some(Derivation::ResearchReport),
                ),
                duty(
                    "practical_projects",
                    "办好一批民生实事",
                    "deliver a batch of practical projects",
                    Some(Derivation::PracticalProjects),
                ),
                duty(
                    "aid_projects",
                    "协调落实一批帮扶专案",
                    "coordinate a batch of aid projects",
                    Some(Derivation::AidProjects),
                ),
            ],
            scheme_a: SchemeA::default(),
            scheme_b: SchemeB::default(),
            leave_counts: LeaveCounts::default(),
            overview_flag: FlagThresholds::default(),
            evidence: crate::EvidencePolicy::default(),
            inspection: InspectionPolicy::default(),
            attachments: AttachmentPolicy::default(),
        }
    }
}

impl Default for SchemeA {
    fn default() -> Self {
        Self {
            results: 60.0,
            evaluation: 20.0,
            discipline: 10.0,
            assessment: 10.0,
            excellent_min: 90.0,
            competent_min: 70.0,
            basic_min: 60.0,
            excellent_cap_share: 0.2,
            basically_satisfied_weight: 0.5,
        }
    }
}

impl SchemeA {
    /// The most points a first secretary can get: the sum of the four components.
    pub fn max_total(&self) -> f64 {
        self.results + self.evaluation + self.discipline + self.assessment
    }
}

impl Default for SchemeB {
    fn default() -> Self {
        Self {
            base: 10.0,
            max: 10.0,
            allowance_cut_below: 8.0,
            items: vec![
                item("outstanding_result", "突出成效", "outstanding result", ItemKind::Bonus, 1.0),
                item("problem", "发生问题", "a problem in the member's work", ItemKind::Deduction, 1.0),
                item(
                    "absent_without_leave",
                    "无故缺勤",
                    "a day absent without approved leave",
                    ItemKind::Deduction,
                    1.0,
                ),
                item("diary_missing", "民情日记缺记", "a working day without a diary entry", ItemKind::Deduction, 0.5),
                item("faking_records", "弄虚作假", "faking records", ItemKind::Veto, 0.0),
                item("discipline_violation", "违纪违法", "breach of discipline or law", ItemKind::Veto, 0.0),
            ],
            absence_deduction_per_day: 0.5,
        }
    }
}

impl Policy {
    /// Reads a policy from TOML (keys as in `policy.default.toml`; missing keys take the
    /// default) and checks that the values make sense together.
    pub fn from_toml(text: &str) -> Result<Policy, RulesError> {
        let policy: Policy = toml::from_str(text).map_err(|e| RulesError::PolicyFormat(e.to_string()))?;
        policy.validate()?;
        Ok(policy)
    }

    /// Checks that the values make sense together (shares within 0..=1, thresholds in order,
    /// codes unique...). `from_toml` calls it; call it yourself for a policy built in code.
    pub fn validate(&self) -> Result<(), RulesError> {
        let bad = |field: &str, detail: String| Err(RulesError::PolicyValue { field: field.into(), detail });
        if self.min_days_in_village_per_year > 366 {
            return bad(
                "min_days_in_village_per_year",
                format!("{} days do not fit in a year", self.min_days_in_village_per_year),
            );
        }
        for (field, v) in [
            ("min_share_of_year", self.min_share_of_year),
            ("scheme_a.excellent_cap_share", self.scheme_a.excellent_cap_share),
            ("scheme_a.basically_satisfied_weight", self.scheme_a.basically_satisfied_weight),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return bad(field, format!("{v} is not a share between 0 and 1 (e.g. 0.6667 or \"2/3\")"));
            }
        }
        if self.min_training_days_per_year > 366 {
            return bad(
                "min_training_days_per_year",
                format!("{} days do not fit in a year", self.min_training_days_per_year),
            );
        }
        let days: BTreeSet<u32> = self.working_days.iter().map(|d| d.num_days_from_monday()).collect();
        if days.len() != self.working_days.len() {
            return bad("working_days", "a weekday is listed twice".into());
        }
        if self.diary_every_working_day && self.working_days.is_empty() {
            return bad("working_days", "the diary rule is on but no working day is listed: list them (\"Mon\"...) or set diary_every_working_day = false".into());
        }
        let mut codes = BTreeSet::new();
        let mut derived = BTreeSet::new();
        for d in &self.seven_ones {
            if d.code.trim().is_empty() {
                return bad("seven_ones.code", "an item has an empty code".into());
            }
            if !codes.insert(d.code.as_str()) {
                return bad("seven_ones.code", format!("`{}` is listed twice", d.code));
            }
            if !(1..=100).contains(&d.at_least) {
                return bad(
                    "seven_ones.at_least",
                    format!("`{}` asks for {} records; give 1 to 100 (1 when left out)", d.code, d.at_least),
                );
            }
            if d.follow_ups_per_project > 100 {
                return bad(
                    "seven_ones.follow_ups_per_project",
                    format!(
                        "`{}` counts {} follow-up items as one project; give 0 to 100 (3 when left out, 0: items do not count)",
                        d.code, d.follow_ups_per_project
                    ),
                );
            }
            if let Some(k) = d.derive {
                if !derived.insert(format!("{k:?}")) {
                    return bad(
                        "seven_ones.derive",
                        format!("{k:?} is used by two items; each record-derived check belongs to one item"),
                    );
                }
            }
        }
        let a = &self.scheme_a;
        for (field, v) in [
            ("scheme_a.results", a.results),
            ("scheme_a.evaluation", a.evaluation),
            ("scheme_a.discipline", a.discipline),
            ("scheme_a.assessment", a.assessment),
        ] {
            if !v.is_finite() || v < 0.0 {
                return bad(field, format!("{v} points; a component weight is a number of points, 0 or more"));
            }
        }
        let max = a.max_total();
        if !(0.0 <= a.basic_min
            && a.basic_min <= a.competent_min
            && a.competent_min <= a.excellent_min
            && a.excellent_min <= max)
        {
            return bad(
                "scheme_a thresholds",
                format!(
                    "need 0 <= basic_min ({}) <= competent_min ({}) <= excellent_min ({}) <= total points ({max})",
                    a.basic_min, a.competent_min, a.excellent_min
                ),
            );
        }
        let b = &self.scheme_b;
        if !(b.max.is_finite()
            && b.max > 0.0
            && (0.0..=b.max).contains(&b.base)
            && (0.0..=b.max).contains(&b.allowance_cut_below))
        {
            return bad(
                "scheme_b",
                format!(
                    "need max > 0 and base ({}) and allowance_cut_below ({}) between 0 and max ({})",
                    b.base, b.allowance_cut_below, b.max
                ),
            );
        }
        if !b.absence_deduction_per_day.is_finite() || !(0.0..=b.max).contains(&b.absence_deduction_per_day) {
            return bad(
                "scheme_b.absence_deduction_per_day",
                format!("{} points; give a number between 0 (off) and max ({})", b.absence_deduction_per_day, b.max),
            );
        }
        if self.filing_window_days > 31 {
            return bad(
                "filing_window_days",
                format!("{} days; give 0 (no deadline) to 31 days after the month's end", self.filing_window_days),
            );
        }
        let f = &self.overview_flag;
        for (field, notice, attention) in [
            ("overview_flag.*_gap_days", f.notice_gap_days, f.attention_gap_days),
            ("overview_flag.*_unfiled_months", f.notice_unfiled_months, f.attention_unfiled_months),
            (
                "overview_flag.*_members_under_minimum",
                f.notice_members_under_minimum,
                f.attention_members_under_minimum,
            ),
            ("overview_flag.*_absence_days", f.notice_absence_days, f.attention_absence_days),
        ] {
            if notice > 0 && attention > 0 && notice > attention {
                return bad(
                    field,
                    format!("notice ({notice}) is above attention ({attention}): 提醒 must come before 需关注"),
                );
            }
        }
        let mut codes = BTreeSet::new();
        for i in &b.items {
            if i.code.trim().is_empty() {
                return bad("scheme_b.items.code", "an item has an empty code".into());
            }
            if !codes.insert(i.code.as_str()) {
                return bad("scheme_b.items.code", format!("`{}` is listed twice", i.code));
            }
            if !i.points.is_finite() || i.points < 0.0 {
                return bad(
                    "scheme_b.items.points",
                    format!("`{}` has {} points; give a positive number, the kind gives the sign", i.code, i.points),
                );
            }
        }
        let ins = &self.inspection;
        for code in &ins.household_statuses {
            if taizhang_domain::HouseholdStatus::from_code(code).is_err() {
                return bad(
                    "inspection.household_statuses",
                    format!(
                        "`{code}` is not a household status: use lifted_out, monitored, registered_poor or ordinary"
                    ),
                );
            }
        }
        for (field, n) in [("inspection.households", ins.households), ("inspection.diary_entries", ins.diary_entries)] {
            if !(1..=50).contains(&n) {
                return bad(field, format!("{n} is not between 1 and 50"));
            }
        }
        let att = &self.attachments;
        for (field, n) in [
            ("attachments.max_file_mb", att.max_file_mb),
            ("attachments.max_device_mb_per_day", att.max_device_mb_per_day),
        ] {
            if !(1..=4096).contains(&n) {
                return bad(field, format!("{n} is not between 1 and 4096 (MiB)"));
            }
        }
        if att.max_file_mb > att.max_device_mb_per_day {
            return bad(
                "attachments.max_file_mb",
                format!(
                    "a file of {} MiB could never be sent under a day's {} MiB: raise max_device_mb_per_day",
                    att.max_file_mb, att.max_device_mb_per_day
                ),
            );
        }
        Ok(())
    }
}

/// A share as a number (`0.6667`) or a fraction string (`"2/3"`).
fn share<'de, D: Deserializer<'de>>(de: D) -> Result<f64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Num(f64),
        Text(String),
    }
    let fail = || serde::de::Error::custom("expected a share as a number like 0.6667 or a fraction like \"2/3\"");
    match Repr::deserialize(de)? {
        Repr::Num(v) => Ok(v),
        Repr::Text(s) => {
            let (n, d) = s.split_once('/').ok_or_else(fail)?;
            let n: f64 = n.trim().parse().map_err(|_| fail())?;
            let d: f64 = d.trim().parse().map_err(|_| fail())?;
            if d == 0.0 {
                return Err(fail());
            }
            Ok(n / d)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../policy.default.toml");

    #[test]
    fn shipped_file_is_the_default() {
        assert_eq!(Policy::from_toml(SHIPPED), Ok(Policy::default()));
    }

    #[test]
    fn default_validates_and_round_trips_through_toml() {
        let p = Policy::default();
        assert_eq!(p.validate(), Ok(()));
        let text = toml::to_string(&p).expect("policy serialises");
        assert_eq!(Policy::from_toml(&text), Ok(p));
    }

    #[test]
    fn partial_file_overrides_only_what_it_names() {
        let p = Policy::from_toml(
            "min_days_in_village_per_year = 180\nmin_share_of_year = \"1/2\"\n[scheme_b]\nallowance_cut_below = 7\n",
        )
        .expect("valid policy");
        assert_eq!(p.min_days_in_village_per_year, 180);
        assert_eq!(p.min_share_of_year, 0.5);
        assert_eq!(p.scheme_b.allowance_cut_below, 7.0);
        assert_eq!(p.scheme_b.base, 10.0);
        assert_eq!(p.scheme_a, SchemeA::default());
    }

    #[test]
    fn typos_and_bad_values_are_refused_with_a_way_out() {
        let err = Policy::from_toml("min_days_in_vilage_per_year = 180").expect_err("typo");
        assert!(matches!(err, RulesError::PolicyFormat(_)));
        assert!(err.to_string().contains("policy.default.toml"), "{err}");

        let err = Policy::from_toml("min_share_of_year = \"2 thirds\"").expect_err("bad share");
        assert!(err.to_string().contains("2/3"), "{err}");

        let err = Policy::from_toml("min_share_of_year = 1.5").expect_err("share above 1");
        assert!(matches!(err, RulesError::PolicyValue { ref field, .. } if field == "min_share_of_year"));

        let err = Policy::from_toml("[scheme_a]\nexcellent_min = 60\ncompetent_min = 70")
            .expect_err("thresholds out of order");
        assert!(err.to_string().contains("Change it in the policy file"), "{err}");

        let err = Policy::from_toml("[scheme_b]\nabsence_deduction_per_day = -1").expect_err("negative");
        assert!(err.to_string().contains("absence_deduction_per_day"), "{err}");
        let err = Policy::from_toml("[overview_flag]\nnotice_gap_days = 9\nattention_gap_days = 3").expect_err("order");
        assert!(err.to_string().contains("提醒"), "{err}");
        let err = Policy::from_toml("[leave_counts]\nsick = \"holiday\"").expect_err("unknown count");
        assert!(matches!(err, RulesError::PolicyFormat(_)), "{err}");
        let p = Policy::from_toml("[leave_counts]\nofficial_trip = \"excused\"").expect("valid");
        assert_eq!(p.leave_counts.of(LeaveKind::OfficialTrip), LeaveCount::Excused);
        assert_eq!(p.leave_counts.of(LeaveKind::Training), LeaveCount::Training);

        let err = Policy::from_toml("[[seven_ones]]\ncode = \"aid_projects\"\nzh = \"协调落实一批帮扶专案\"\nen = \"aid\"\nderive = \"aid_projects\"\nat_least = 0")
            .expect_err("zero projects");
        assert!(err.to_string().contains("give 1 to 100"), "{err}");
        let p = Policy::from_toml("[[seven_ones]]\ncode = \"aid_projects\"\nzh = \"协调落实一批帮扶专案\"\nen = \"aid\"\nderive = \"aid_projects\"\nat_least = 3")
            .expect("three aid projects");
        assert_eq!(
            (p.seven_ones.len(), p.seven_ones[0].at_least, p.seven_ones[0].derive),
            (1, 3, Some(Derivation::AidProjects))
        );

        let err = Policy::from_toml("working_days = []").expect_err("diary rule without working days");
        assert!(err.to_string().contains("diary_every_working_day = false"), "{err}");
        assert!(Policy::from_toml("working_days = []\ndiary_every_working_day = false").is_ok());
    }
}
