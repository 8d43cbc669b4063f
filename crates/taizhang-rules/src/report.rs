//! Compliance over a period, for one member ([`member_report`]) and for the whole team
//! ([`team_report`]): presence, leave, the yearly day rules, diary gaps, unfiled months,
//! unvisited households and the seven ones. Every figure comes with its explanation.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use taizhang_domain::{
    local_date, CheckInId, CheckKind, DiaryId, HouseholdId, LeaveId, LeaveRequest, LeaveState, MeetingKind, Member,
    MemberId, MonthFiling, ProjectKind, ReportPeriod, Timestamp, VisitId, YearMonth,
};

use crate::explain::{codes, figure, list, rule};
use crate::{Derivation, Figure, LeaveCount, MemberInputs, Period, Policy, RulesError, VillageRecords};

/// A count against what the rule requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub actual: u32,
    pub required: u32,
    pub met: bool,
}

/// Where one of the seven ones stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DutyStatus {
    Done,
    NotDone,
    /// Neither the records nor the caller say anything about it.
    NotRecorded,
}

/// One member's compliance over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberReport {
    pub member: MemberId,
    /// The period asked for.
    pub period: Period,
    /// The day the report was computed for.
    pub today: NaiveDate,
    /// The days actually judged: the period cut at `today` and at the member's term; `None`
    /// when no day is left (then every count is 0 and nothing is required).
    pub judged: Option<Period>,
    /// Distinct dates with an In check-in, plus dates of approved leave of a kind the policy
    /// counts as presence (因公外出 by default) (counted: the earliest check-in id of each
    /// date, then those leave ids).
    pub days_in_village: Figure<u32>,
    /// Dates covered by approved leave of any kind, cut at the report back (销假) (counted:
    /// leave request ids). Excused; presence only for kinds the policy says.
    pub leave_days: Figure<Vec<NaiveDate>>,
    /// The yearly minimum of days in the village (200), prorated to the judged days.
    pub min_days: Figure<Check>,
    /// The minimum share of the year in the village (2/3) of the judged days.
    pub min_share: Figure<Check>,
    /// Training days against the yearly minimum: approved leave of a kind counted as training
    /// plus the days the caller entered; `None` when neither exists.
    pub training: Figure<Option<Check>>,
    /// Distinct dates with an original diary entry (counted: entry ids).
    pub diary_days: Figure<u32>,
    /// Working days with no diary entry and no approved leave (counted: the leave requests
    /// that excused other working days).
    pub diary_gaps: Figure<Vec<NaiveDate>>,
    /// Months fully inside the period and before `today`'s month, with the member on post,
    /// that have no filing (counted: the filed months).
    pub unfiled_months: Figure<Vec<YearMonth>>,
    /// The seven ones, in policy order; `rule.policy_value` is the item code.
    pub seven_ones: Vec<Figure<DutyStatus>>,
    /// Judged dates not known yet (未同步): on or after the day of the member's last sync, with
    /// no presence record. Never absent, never a diary gap. Empty when no last sync is known.
    pub not_synced: Figure<Vec<NaiveDate>>,
    /// 无故缺勤: known working days before `today` with neither presence (an In check-in or
    /// leave counted as presence) nor approved leave of any kind (counted: none; the dates are
    /// the value).
    pub absent_without_leave: Figure<Vec<NaiveDate>>,
    /// Ids of the member's check-ins, visits and leave requests the server received after
    /// their month was filed (迟报: accepted and counted, marked late); needs
    /// [`VillageRecords::received_at`].
    pub late: Figure<Vec<String>>,
    /// True when some judged day is not synced: the attendance, diary and absence figures may
    /// still change as records arrive.
    pub provisional: bool,
}

/// The whole team's compliance over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamReport {
    pub period: Period,
    pub today: NaiveDate,
    /// The period cut at `today`; `None` when it starts after `today`.
    pub judged: Option<Period>,
    /// Dates with at least one member in the village (counted: the earliest check-in of each).
    pub days_with_someone: Figure<u32>,
    /// Dates with members on post but nobody in the village, not excused.
    pub gaps: Figure<Vec<NaiveDate>>,
    /// Dates with nobody in the village where every member on post had approved leave
    /// (counted: those leave requests). Excused from the every-day rule, still listed.
    pub excused_gaps: Figure<Vec<NaiveDate>>,
    /// Registered households with no visit by anyone in the judged days (counted: the visits
    /// that did count).
    pub households_not_visited: Figure<Vec<HouseholdId>>,
    /// Dates with nobody known in the village where some member on post without leave has
    /// not synced that day (未同步): unknown, not a gap.
    pub unknown: Figure<Vec<NaiveDate>>,
    /// True when some judged day is unknown.
    pub provisional: bool,
}

fn on_post(m: &Member, d: NaiveDate) -> bool {
    m.term_start <= d && m.term_end.is_none_or(|end| d <= end)
}

/// Whether a check-in's time is in doubt (issue 17: [`crate::judge_record`] over the server's
/// receipt time, floor and anchor) and it does not count as presence: a person decided it does
/// not ([`crate::DayCheck`]), or nobody decided yet and the policy says doubtful days wait.
fn waits_for_a_person(records: &VillageRecords, c: &taizhang_domain::CheckIn, policy: &Policy) -> bool {
    let check = records.day_checks.get(&c.member).and_then(|days| days.get(&local_date(c.at)));
    if policy.evidence.doubtful_days_count && check.is_none() {
        return false;
    }
    let times = records.record_times(c.id.0.to_string(), c.member, c.at, None);
    if crate::judge_record(&times, None, &policy.evidence).strength != crate::Strength::Doubtful {
        return false;
    }
    match check {
        Some(check) => !check.counts,
        None => !policy.evidence.doubtful_days_count,
    }
}

/// The earliest In check-in of each local date within `judged`, for members `who` accepts
/// (without the doubtful ones when the policy says they wait for a person).
fn presence(
    records: &VillageRecords,
    who: impl Fn(MemberId) -> bool,
    judged: Option<Period>,
    policy: &Policy,
) -> BTreeMap<NaiveDate, (Timestamp, CheckInId)> {
    let mut days: BTreeMap<NaiveDate, (Timestamp, CheckInId)> = BTreeMap::new();
    let Some(judged) = judged else { return days };
    for c in records
        .check_ins
        .iter()
        .filter(|c| c.kind == CheckKind::In && who(c.member) && !waits_for_a_person(records, c, policy))
    {
        let d = local_date(c.at);
        if judged.contains(d) {
            let e = days.entry(d).or_insert((c.at, c.id));
            if (c.at, c.id) < *e {
                *e = (c.at, c.id);
            }
        }
    }
    days
}

/// The dates within `judged` covered by an approved leave of `member` that `keep` accepts,
/// cut at the report back (销假), with the leave ids.
fn approved_leave_where(
    records: &VillageRecords,
    member: MemberId,
    judged: Option<Period>,
    keep: impl Fn(&LeaveRequest) -> bool,
) -> BTreeMap<NaiveDate, BTreeSet<LeaveId>> {
    let mut days: BTreeMap<NaiveDate, BTreeSet<LeaveId>> = BTreeMap::new();
    let Some(judged) = judged else { return days };
    for l in records.leave_requests.iter().filter(|l| l.member == member && l.state == LeaveState::Approved && keep(l))
    {
        if let Some(p) = l.days().and_then(|(from, to)| judged.clip(from, to)) {
            for d in p.dates() {
                days.entry(d).or_default().insert(l.id);
            }
        }
    }
    days
}

/// The dates within `judged` covered by an approved leave of `member`, of any kind.
fn approved_leave(
    records: &VillageRecords,
    member: MemberId,
    judged: Option<Period>,
) -> BTreeMap<NaiveDate, BTreeSet<LeaveId>> {
    approved_leave_where(records, member, judged, |_| true)
}

/// The filing of `member`'s month of `date` that a record received at `received_at` came
/// after: the record is late (迟报) — accepted and counted all the same, and shown as late
/// with its device time and the server's receipt time.
pub fn late_after_filing(
    filings: &[MonthFiling],
    member: MemberId,
    date: NaiveDate,
    received_at: Timestamp,
) -> Option<&MonthFiling> {
    let month = YearMonth::of(date);
    filings
        .iter()
        .filter(|f| f.member == member && f.month == month && f.filed_at < received_at)
        .min_by_key(|f| f.filed_at)
}

fn ids<T: ToString>(items: impl IntoIterator<Item = T>) -> Vec<String> {
    items.into_iter().map(|i| i.to_string()).collect()
}

fn judged_text(judged: Option<Period>) -> String {
    match judged {
        Some(p) => format!("{}..={}", p.from, p.to),
        None => "-".into(),
    }
}

fn off(on: bool) -> &'static str {
    if on {
        ""
    } else {
        " 本县政策未启用此规则,仅供参考 / this rule is off in the policy: for information only."
    }
}

/// `ceil(min_days × judged / 365)`, never above `min_days`: 200 days for a full year (365 or
/// 366 judged days), proportionally fewer for a shorter one.
fn prorated_min_days(min_days: u32, judged_days: u32) -> u32 {
    if judged_days >= 365 {
        min_days
    } else {
        (min_days * judged_days).div_ceil(365).min(min_days)
    }
}

/// `ceil(share × judged)`, with a hair of tolerance so that 2/3 of 366 is 244, not 245.
fn share_of(share: f64, judged_days: u32) -> u32 {
    if share <= 0.0 {
        0
    } else {
        (share * f64::from(judged_days) - 1e-9).ceil().max(0.0) as u32
    }
}

/// Registered households with no visit by anyone of the team in `range`.
fn unvisited(records: &VillageRecords, range: Option<Period>, policy: &Policy) -> Figure<Vec<HouseholdId>> {
    let registry: BTreeSet<HouseholdId> = records.households.iter().map(|h| h.id).collect();
    let mut visited: BTreeSet<HouseholdId> = BTreeSet::new();
    let mut counted: Vec<(HouseholdId, VisitId)> = Vec::new();
    if let Some(range) = range {
        for v in &records.visits {
            if range.contains(local_date(v.at)) && registry.contains(&v.household) {
                visited.insert(v.household);
                counted.push((v.household, v.id));
            }
        }
    }
    counted.sort();
    let missing: Vec<HouseholdId> = registry.difference(&visited).copied().collect();
    let note = format!(
        "登记农户{}户,{}起止期间已走访{}户,未走访{}户(任一队员走访即算)/ {} registered households, {} visited by anyone of the team in {}, {} not visited.{}",
        registry.len(),
        judged_text(range),
        visited.len(),
        missing.len(),
        registry.len(),
        visited.len(),
        judged_text(range),
        missing.len(),
        off(policy.visit_every_household_per_year),
    );
    figure(
        missing,
        rule(
            codes::VISITS,
            format!("visit_every_household_per_year = {}", policy.visit_every_household_per_year),
            "每年走访一遍农户",
            "visit every household once a year",
        ),
        ids(counted.into_iter().map(|(_, v)| v)),
        note,
    )
}

/// 上好一堂党课 from the village's meetings: done when a party lecture (党课) was held on a
/// judged day (counted: those meetings). A village with no meeting recorded at all is 未录入
/// (unknown, not absent); one with meetings but no lecture in the period is not done yet.
fn party_lecture(records: &VillageRecords, range: Option<Period>) -> (DutyStatus, Vec<String>, String) {
    let lectures: Vec<&taizhang_domain::Meeting> = records
        .meetings
        .iter()
        .filter(|m| m.kind == MeetingKind::PartyLecture && range.is_some_and(|r| r.contains(m.date)))
        .collect();
    let days: Vec<NaiveDate> = lectures.iter().map(|m| m.date).collect::<BTreeSet<_>>().into_iter().collect();
    let status = if !lectures.is_empty() {
        DutyStatus::Done
    } else if records.meetings.is_empty() {
        DutyStatus::NotRecorded
    } else {
        DutyStatus::NotDone
    };
    let note = if records.meetings.is_empty() {
        "由会议记录得出:本村尚无会议记录,未录入 / from the meeting records: the village has recorded no meeting yet, not recorded.".to_string()
    } else {
        format!(
            "由会议记录得出:{r}共有党课{n}次({d})/ from the meeting records: {n} party lectures held in {r} ({d}).",
            r = judged_text(range),
            n = lectures.len(),
            d = list(&days),
        )
    };
    (status, ids(lectures.iter().map(|m| m.id)), note)
}

/// 写好一篇调研报告 from the team's reports: done when a research report (调研报告) was written
/// on a judged day (counted: those reports, by period). A team that has written no research
/// report at all is 未录入 (the county may hold one on paper); one with an earlier year's but
/// none in the period is not done yet.
fn research_report(records: &VillageRecords, range: Option<Period>) -> (DutyStatus, Vec<String>, String) {
    let all: Vec<&taizhang_domain::TeamReport> =
        records.reports.iter().filter(|r| matches!(r.period, ReportPeriod::Research { .. })).collect();
    let written: Vec<&&taizhang_domain::TeamReport> =
        all.iter().filter(|r| range.is_some_and(|p| p.contains(local_date(r.written_at)))).collect();
    let days: Vec<NaiveDate> =
        written.iter().map(|r| local_date(r.written_at)).collect::<BTreeSet<_>>().into_iter().collect();
    let status = if !written.is_empty() {
        DutyStatus::Done
    } else if all.is_empty() {
        DutyStatus::NotRecorded
    } else {
        DutyStatus::NotDone
    };
    let note = if all.is_empty() {
        "由工作队报告得出:尚无调研报告,未录入 / from the team's reports: no research report yet, not recorded."
            .to_string()
    } else {
        format!(
            "由工作队报告得出:{r}写成调研报告{n}篇({d})/ from the team's reports: {n} research reports written in {r} ({d}).",
            r = judged_text(range),
            n = written.len(),
            d = list(&days),
        )
    };
    (status, ids(written.iter().map(|r| r.period)), note)
}

/// 办好一批民生实事 / 协调落实一批帮扶专案 from the village's projects: done when at least
/// `at_least` projects of `kind` were closed done (已完成) on a judged day (counted: those
/// projects). For 民生实事 (`follow_ups_per_project` > 0, issue 16) the follow-up items closed
/// done (办结) on a judged day count beside them: every `follow_ups_per_project` of them count as
/// one project (counted: the projects and those items). A village with no project of the kind
/// recorded (and, for 民生实事, no follow-up item either) is 未录入.
fn projects_done(
    records: &VillageRecords,
    range: Option<Period>,
    kind: ProjectKind,
    at_least: u32,
    follow_ups_per_project: u32,
) -> (DutyStatus, Vec<String>, String) {
    let of_kind: Vec<&taizhang_domain::Project> = records.projects.iter().filter(|p| p.kind == kind).collect();
    let done: Vec<&taizhang_domain::Project> =
        of_kind.iter().copied().filter(|p| range.is_some_and(|r| p.done_between(r.from, r.to))).collect();
    let open = of_kind.iter().filter(|p| !p.state.is_closed()).count();
    let n = u32::try_from(done.len()).unwrap_or(u32::MAX);
    let items = kind == ProjectKind::Practical && follow_ups_per_project > 0;
    let items_done = if items { crate::follow_ups_done(records, range) } else { Vec::new() };
    let items_n = u32::try_from(items_done.len()).unwrap_or(u32::MAX);
    let as_projects = if items { items_n / follow_ups_per_project } else { 0 };
    let recorded = !of_kind.is_empty() || (items && !records.follow_ups.is_empty());
    let status = if n.saturating_add(as_projects) >= at_least {
        DutyStatus::Done
    } else if !recorded {
        DutyStatus::NotRecorded
    } else {
        DutyStatus::NotDone
    };
    let mut note = format!(
        "由项目台账得出:{zh}共{all}个,{r}办结完成{n}个(要求至少{at_least}个),在办{open}个 / from the project ledger: {all} {en}s, {n} closed done in {r} (at least {at_least} asked), {open} still open.",
        zh = kind.zh(),
        en = kind.en(),
        all = of_kind.len(),
        r = judged_text(range),
    );
    if items {
        note.push_str(&format!(
            " 承诺事项{r}办结{items_n}项,每{follow_ups_per_project}项计为1个,计{as_projects}个 / follow-up items: {items_n} closed done in {r}, every {follow_ups_per_project} count as one project: {as_projects}.",
            r = judged_text(range),
        ));
    }
    let mut counted = ids(done.iter().map(|p| p.id));
    counted.extend(ids(items_done.iter().map(|f| f.id)));
    counted.sort();
    (status, counted, note)
}

/// One member's compliance over `period`, judged up to and including `today` (pass yesterday
/// to judge closed days only).
///
/// Leave: approved leave excuses a day (it is listed, it is not a diary gap, and a day on
/// which every member on post is on leave is not a team gap) but never counts as presence:
/// the 200 days and the 2/3 are minimum presence.
pub fn member_report(
    records: &VillageRecords,
    member: MemberId,
    period: Period,
    today: NaiveDate,
    inputs: &MemberInputs,
    policy: &Policy,
) -> Result<MemberReport, RulesError> {
    period.check()?;
    let m = records.members.iter().find(|m| m.id == member).ok_or(RulesError::UnknownMember(member))?;
    check_duty_inputs(inputs, policy)?;
    let judged = period.clip(m.term_start, m.term_end.map_or(today, |end| end.min(today)));
    let judged_days = judged.map_or(0, |p| p.len()) as u32;

    // Presence and leave.
    let present = presence(records, |who| who == member, judged, policy);
    let leave = approved_leave(records, member, judged);
    let counts = |how: LeaveCount| move |l: &LeaveRequest| policy.leave_counts.of(l.kind) == how;
    let presence_leave = approved_leave_where(records, member, judged, counts(LeaveCount::Presence));
    let training_leave = approved_leave_where(records, member, judged, counts(LeaveCount::Training));
    let leave_ids: BTreeSet<LeaveId> = leave.values().flatten().copied().collect();
    let leave_dates: Vec<NaiveDate> = leave.keys().copied().collect();
    let as_presence: Vec<NaiveDate> = presence_leave.keys().filter(|d| !present.contains_key(d)).copied().collect();
    let as_presence_ids: BTreeSet<LeaveId> =
        as_presence.iter().filter_map(|d| presence_leave.get(d)).flatten().copied().collect();
    let mut present_ids = ids(present.values().map(|(_, id)| id));
    present_ids.extend(ids(&as_presence_ids));
    let actual = (present.len() + as_presence.len()) as u32;
    let days_in_village = figure(
        actual,
        rule(codes::PRESENCE, "a day counts once", "驻村天数:有到村打卡的日期,每天只算一次;政策规定按在村计的假(如因公外出)一并计入", "days in the village: dates with an In check-in, each date once, plus approved leave of a kind the policy counts as presence (e.g. official trips)"),
        present_ids.clone(),
        format!(
            "{judged}期间{n}天有到村打卡(按北京时间分日,每天列最早一条),另有按在村计的假{p}天 / {n} days with an In check-in in {judged} (days cut in Asia/Shanghai; the earliest check-in of each day is listed), plus {p} days of approved leave counted as presence: {pl}.",
            judged = judged_text(judged),
            n = present.len(),
            p = as_presence.len(),
            pl = list(&as_presence),
        ),
    );
    // Days not known yet: on or after the last sync's day, with no presence and no leave.
    let not_synced_days: Vec<NaiveDate> = judged
        .iter()
        .flat_map(|p| p.dates())
        .filter(|d| records.not_synced(member, *d) && !present.contains_key(d) && !leave.contains_key(d))
        .collect();
    let sync_rule = || {
        rule(
            codes::NOT_SYNCED,
            "a day is known once a sync arrived after it ended",
            "未同步的日子情况不明,不算缺勤、不算无人在村、不算缺记",
            "a day after the member's last sync is unknown: never absent, never a gap",
        )
    };
    let not_synced = figure(
        not_synced_days.clone(),
        sync_rule(),
        Vec::new(),
        match records.last_sync.get(&member) {
            Some(&t) => format!(
                "最近一次同步 {last}(服务器接收时间);此后{n}天情况不明,待记录到达后再判断 / last sync {last} (server time); {n} days from that day on are not known yet and are judged when the records arrive: {dl}.",
                last = taizhang_domain::local_datetime(t).map(|x| x.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| t.to_string()),
                n = not_synced_days.len(),
                dl = list(&not_synced_days),
            ),
            None => "未提供同步时间,按已有记录判断 / no last sync given: judged on the records held.".into(),
        },
    );
    let provisional = !not_synced_days.is_empty();
    let leave_note = format!(
        "经批准的请假{n}天,不计入驻村天数 / {n} days of approved leave: excused, not counted as presence. 请假 leave: {dates} ({ids}).",
        n = leave_dates.len(),
        dates = list(&leave_dates),
        ids = list(&leave_ids),
    );
    let leave_days = figure(
        leave_dates.clone(),
        rule(
            codes::LEAVE,
            "approved leave excuses a day but is not presence",
            "请假须经批准;批准的请假不算缺勤,也不算驻村",
            "leave must be approved; approved leave is excused, not presence",
        ),
        ids(&leave_ids),
        leave_note.clone(),
    );

    let min = policy.min_days_in_village_per_year;
    let required = prorated_min_days(min, judged_days);
    let min_days = figure(
        Check { actual, required, met: actual >= required },
        rule(
            codes::MIN_DAYS,
            format!("min_days_in_village_per_year = {min}"),
            format!("每年驻村工作时间不少于{min}天"),
            format!("at least {min} days a year in the village"),
        ),
        present_ids.clone(),
        format!(
            "驻村{actual}天,要求{required}天(每年{min}天,按在岗{judged_days}天折算,向上取整);经批准的请假{n}天不计入 / {actual} days in the village, {required} required ({min} a year prorated to {judged_days} judged days, rounded up); {n} days of approved leave are excused but not counted as presence. 请假 leave: {dates} ({ids}).",
            n = leave_dates.len(),
            dates = list(&leave_dates),
            ids = list(&leave_ids),
        ),
    );

    let share = policy.min_share_of_year;
    let required = share_of(share, judged_days);
    let min_share = figure(
        Check { actual, required, met: actual >= required },
        rule(
            codes::MIN_SHARE,
            format!("min_share_of_year = {share:.4}"),
            "每年到村工作时间不少于2/3(按政策比例)",
            "in the village at least the policy's share (2/3) of the year",
        ),
        present_ids,
        format!(
            "驻村{actual}天,在岗{judged_days}天的{share:.4}为{required}天(向上取整);请假不计入 / {actual} days in the village; {share:.4} of {judged_days} judged days is {required} (rounded up); leave does not count.",
        ),
    );

    let tmin = policy.min_training_days_per_year;
    let recorded_training = training_leave.len() as u32;
    let training_total = match (inputs.training_days, recorded_training) {
        (None, 0) => None,
        (entered, recorded) => Some(entered.unwrap_or(0) + recorded),
    };
    let training_ids: BTreeSet<LeaveId> = training_leave.values().flatten().copied().collect();
    let training = figure(
        training_total.map(|t| Check { actual: t, required: tmin, met: t >= tmin }),
        rule(
            codes::TRAINING,
            format!("min_training_days_per_year = {tmin}"),
            format!("每年参加培训不少于{tmin}天"),
            format!("at least {tmin} days of training a year"),
        ),
        ids(&training_ids),
        match training_total {
            Some(t) => format!("培训{t}天:培训假{recorded_training}天,县里另录入{e}天(全年要求,年内为临时结果)/ {t} training days: {recorded_training} of approved training leave plus {e} entered by the county (enter only training not recorded as leave); a yearly rule, provisional before the year ends.", e = inputs.training_days.unwrap_or(0)),
            None => "未录入培训天数 / training days not recorded.".into(),
        },
    );

    // Diary.
    let mut entries: BTreeMap<NaiveDate, Vec<DiaryId>> = BTreeMap::new();
    let mut amendments = 0usize;
    for d in records.diary.iter().filter(|d| d.member == member) {
        if !judged.is_some_and(|p| p.contains(d.date)) {
            continue;
        }
        if d.amends.is_some() {
            amendments += 1;
        } else {
            entries.entry(d.date).or_default().push(d.id);
        }
    }
    let working: Vec<NaiveDate> = judged
        .map(|p| p.dates().filter(|d| policy.working_days.contains(&chrono::Datelike::weekday(d))).collect())
        .unwrap_or_default();
    let missing: Vec<NaiveDate> = working.iter().copied().filter(|d| !entries.contains_key(d)).collect();
    let (excused, missing): (Vec<NaiveDate>, Vec<NaiveDate>) = missing.into_iter().partition(|d| leave.contains_key(d));
    let (unknown_diary, gaps): (Vec<NaiveDate>, Vec<NaiveDate>) =
        missing.into_iter().partition(|d| records.not_synced(member, *d));
    let excusing: BTreeSet<LeaveId> = excused.iter().filter_map(|d| leave.get(d)).flatten().copied().collect();
    let diary_rule = || {
        rule(
            codes::DIARY,
            format!(
                "diary_every_working_day = {}; working_days = {}",
                policy.diary_every_working_day,
                list(&policy.working_days)
            ),
            "民情日记:日记录",
            "the diary is written every working day",
        )
    };
    let diary_days = figure(
        entries.len() as u32,
        diary_rule(),
        ids(entries.values().flatten()),
        format!(
            "{n}天有日记(每天只算一次;更正记录不单独计日,共{amendments}条)/ {n} dates with an original diary entry (each date once; {amendments} amendments correct existing entries and add no date).",
            n = entries.len()
        ),
    );
    let diary_gaps = figure(
        gaps.clone(),
        diary_rule(),
        ids(&excusing),
        format!(
            "工作日{w}天,缺记{g}天,请假免记{e}天,未同步{u}天不计 / {w} working days judged, {g} without an entry, {e} excused by approved leave, {u} not synced yet (not gaps). 缺记 gaps: {gl}; 免记 excused: {el}; 未同步 not synced: {ul}.{off}",
            w = working.len(),
            g = gaps.len(),
            gl = list(&gaps),
            e = excused.len(),
            el = list(&excused),
            u = unknown_diary.len(),
            ul = list(&unknown_diary),
            off = off(policy.diary_every_working_day),
        ),
    );

    // Absence without leave: known working days before today, neither presence nor leave.
    let absent: Vec<NaiveDate> = working
        .iter()
        .copied()
        .filter(|d| *d < today && !records.not_synced(member, *d) && !present.contains_key(d) && !leave.contains_key(d))
        .collect();
    let absent_without_leave = figure(
        absent.clone(),
        rule(
            codes::ABSENCE,
            format!("working_days = {}", list(&policy.working_days)),
            "无故缺勤:工作日既无到村记录也无批准的请假(未同步的日子和当天不算)",
            "absent without leave: a working day with neither presence nor approved leave (days not synced yet and today are not judged)",
        ),
        Vec::new(),
        format!(
            "无故缺勤{n}天 / {n} working days absent without leave: {al}. 未同步{u}天不计 / {u} days not synced yet are not counted.",
            n = absent.len(),
            al = list(&absent),
            u = not_synced_days.len(),
        ),
    );

    // Late records: received after their month was filed.
    let mut late_ids: Vec<String> = Vec::new();
    if let Some(j) = judged {
        let mut consider = |id: String, date: NaiveDate| {
            if j.contains(date) {
                if let Some(&got) = records.received_at.get(&id) {
                    if late_after_filing(&records.filings, member, date, got).is_some() {
                        late_ids.push(id);
                    }
                }
            }
        };
        for c in records.check_ins.iter().filter(|c| c.member == member) {
            consider(c.id.to_string(), local_date(c.at));
        }
        for v in records.visits.iter().filter(|v| v.member == member) {
            consider(v.id.to_string(), local_date(v.at));
        }
        for l in records.leave_requests.iter().filter(|l| l.member == member) {
            consider(l.id.to_string(), l.from);
        }
    }
    late_ids.sort();
    let late = figure(
        late_ids.clone(),
        rule(
            codes::LATE,
            "late records are accepted and counted",
            "迟报:月备案之后才到达服务器的记录照常计入,标为迟报",
            "late: records the server received after their month was filed are accepted and counted, marked late",
        ),
        late_ids.clone(),
        format!("迟报{n}条 / {n} records received after their month was filed.", n = late_ids.len()),
    );

    // Filing: months fully inside the period, before today's month, with the member on post.
    let current = YearMonth::of(today);
    let mut month = YearMonth::of(period.from);
    let (mut filed, mut unfiled) = (Vec::new(), Vec::new());
    while month <= YearMonth::of(period.to) && month < current {
        let first = month.first_day();
        let last = month.next().first_day().pred_opt().unwrap_or(first);
        let inside = period.from <= first && last <= period.to;
        let served = m.term_start <= last && m.term_end.is_none_or(|end| end >= first);
        if inside && served {
            if records.filings.iter().any(|f| f.member == member && f.month == month) {
                filed.push(month);
            } else {
                unfiled.push(month);
            }
        }
        month = month.next();
    }
    let unfiled_months = figure(
        unfiled.clone(),
        rule(
            codes::FILING,
            format!("months_must_be_filed = {}", policy.months_must_be_filed),
            "民情日记:月备案",
            "each finished month of the diary is filed",
        ),
        ids(&filed),
        format!(
            "应备案{n}个月(完整落在期间内、早于本月{current}、本人在岗),未备案{u}个月 / {n} months due (fully inside the period, before the current month {current}, member on post), {u} not filed. 已备案 filed: {fl}; 未备案 not filed: {ul}.{off}",
            u = unfiled.len(),
            n = filed.len() + unfiled.len(),
            fl = list(&filed),
            ul = list(&unfiled),
            off = off(policy.months_must_be_filed),
        ),
    );

    // The seven ones.
    let team_range = period.clip(NaiveDate::MIN, today);
    let households = unvisited(records, team_range, policy);
    let seven_ones = policy
        .seven_ones
        .iter()
        .map(|item| {
            let (status, counted, note) = match item.derive {
                Some(Derivation::HouseholdsVisited) => {
                    let status = if records.households.is_empty() {
                        DutyStatus::NotRecorded
                    } else if households.value.is_empty() {
                        DutyStatus::Done
                    } else {
                        DutyStatus::NotDone
                    };
                    (status, households.counted.clone(), format!("由走访记录得出:{}", households.note))
                }
                Some(Derivation::PartyLecture) => party_lecture(records, team_range),
                Some(Derivation::ResearchReport) => research_report(records, team_range),
                Some(d @ (Derivation::PracticalProjects | Derivation::AidProjects)) => {
                    let kind =
                        if d == Derivation::PracticalProjects { ProjectKind::Practical } else { ProjectKind::Aid };
                    projects_done(records, team_range, kind, item.at_least, item.follow_ups_per_project)
                }
                Some(Derivation::DiaryKept) => {
                    let status = if working.is_empty() {
                        DutyStatus::NotRecorded
                    } else if diary_gaps.value.is_empty() {
                        DutyStatus::Done
                    } else {
                        DutyStatus::NotDone
                    };
                    (status, diary_days.counted.clone(), format!("由民情日记得出:{}", diary_gaps.note))
                }
                None => match inputs.seven_ones.get(&item.code) {
                    Some(true) => {
                        (DutyStatus::Done, Vec::new(), "县里录入:已完成 / entered by the county: done.".into())
                    }
                    Some(false) => {
                        (DutyStatus::NotDone, Vec::new(), "县里录入:未完成 / entered by the county: not done.".into())
                    }
                    None => (DutyStatus::NotRecorded, Vec::new(), "未录入 / not recorded.".into()),
                },
            };
            figure(
                status,
                rule(codes::SEVEN_ONES, &item.code, format!("七个一:{}", item.zh), format!("seven ones: {}", item.en)),
                counted,
                note,
            )
        })
        .collect();

    Ok(MemberReport {
        member,
        period,
        today,
        judged,
        days_in_village,
        leave_days,
        min_days,
        min_share,
        training,
        diary_days,
        diary_gaps,
        unfiled_months,
        seven_ones,
        not_synced,
        absent_without_leave,
        late,
        provisional,
    })
}

fn check_duty_inputs(inputs: &MemberInputs, policy: &Policy) -> Result<(), RulesError> {
    for code in inputs.seven_ones.keys() {
        match policy.seven_ones.iter().find(|i| &i.code == code) {
            None => {
                return Err(RulesError::UnknownDuty {
                    code: code.clone(),
                    expected: list(policy.seven_ones.iter().filter(|i| i.derive.is_none()).map(|i| &i.code)),
                })
            }
            Some(i) if i.derive.is_some() => return Err(RulesError::DerivedDuty(code.clone())),
            Some(_) => {}
        }
    }
    Ok(())
}

/// The team's compliance over `period`, judged up to and including `today`: days with nobody
/// in the village, and households nobody visited. A date on which no member is on post (per
/// the members' terms) is not judged.
pub fn team_report(
    records: &VillageRecords,
    period: Period,
    today: NaiveDate,
    policy: &Policy,
) -> Result<TeamReport, RulesError> {
    period.check()?;
    let judged = period.clip(NaiveDate::MIN, today);
    let team: BTreeSet<MemberId> = records.members.iter().map(|m| m.id).collect();
    let present = presence(records, |who| team.contains(&who), judged, policy);
    let leave: BTreeMap<MemberId, BTreeMap<NaiveDate, BTreeSet<LeaveId>>> =
        team.iter().map(|&m| (m, approved_leave(records, m, judged))).collect();

    let (mut gaps, mut excused, mut excusing, mut unstaffed) = (Vec::new(), Vec::new(), BTreeSet::new(), 0usize);
    let mut unknown: Vec<NaiveDate> = Vec::new();
    for d in judged.iter().flat_map(|p| p.dates()) {
        if present.contains_key(&d) {
            continue;
        }
        let on: Vec<&Member> = records.members.iter().filter(|m| on_post(m, d)).collect();
        if on.is_empty() {
            unstaffed += 1;
            continue;
        }
        let leaves: Vec<&BTreeSet<LeaveId>> =
            on.iter().filter_map(|m| leave.get(&m.id).and_then(|l| l.get(&d))).collect();
        if leaves.len() == on.len() {
            excused.push(d);
            excusing.extend(leaves.into_iter().flatten().copied());
        } else if on
            .iter()
            .any(|m| records.not_synced(m.id, d) && !leave.get(&m.id).is_some_and(|l| l.contains_key(&d)))
        {
            unknown.push(d);
        } else {
            gaps.push(d);
        }
    }
    let every_day = policy.someone_in_village_every_day;
    let daily_rule = || {
        rule(
            codes::TEAM_DAILY,
            format!("someone_in_village_every_day = {every_day}"),
            "确保每天有人在村",
            "someone of the team is in the village every day",
        )
    };
    let n = present.len();
    let days_with_someone = figure(
        n as u32,
        daily_rule(),
        ids(present.values().map(|(_, id)| id)),
        format!(
            "{j}期间{n}天有队员到村打卡(每天列最早一条)/ {n} days in {j} with at least one member's In check-in (the earliest of each day is listed).",
            j = judged_text(judged)
        ),
    );
    let gaps_note = format!(
        "无人在村{g}天;另有{u}天无人在岗,不计 / {g} days with members on post and nobody in the village; {u} days with nobody on post are not judged. 日期 dates: {gl}.{off}",
        g = gaps.len(),
        gl = list(&gaps),
        u = unstaffed,
        off = off(every_day),
    );
    let gaps = figure(gaps, daily_rule(), Vec::new(), gaps_note);
    let excused_gaps = figure(
        excused.clone(),
        daily_rule(),
        ids(&excusing),
        format!(
            "无人在村但在岗队员均经批准请假{e}天,免于“每天有人在村”规则 / {e} days with nobody in the village while every member on post had approved leave: excused from the every-day rule. 日期 dates: {el}; 请假 leave: {ids}.",
            e = excused.len(),
            el = list(&excused),
            ids = list(&excusing),
        ),
    );
    let households_not_visited = unvisited(records, judged, policy);
    let provisional = !unknown.is_empty();
    let unknown = figure(
        unknown.clone(),
        rule(
            codes::NOT_SYNCED,
            "a day is known once a sync arrived after it ended",
            "无人确知在村、且有在岗队员当天未同步:情况不明,不算无人在村",
            "nobody known in the village while a member on post has not synced that day: unknown, not a gap",
        ),
        Vec::new(),
        format!(
            "情况不明{u}天(有队员未同步),待记录到达后再判断 / {u} days unknown (a member on post has not synced them yet), judged when the records arrive: {ul}.",
            u = unknown.len(),
            ul = list(&unknown),
        ),
    );
    Ok(TeamReport {
        period,
        today,
        judged,
        days_with_someone,
        gaps,
        excused_gaps,
        households_not_visited,
        unknown,
        provisional,
    })
}
