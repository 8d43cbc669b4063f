//! Compliance over a period, for one member ([`member_report`]) and for the whole team
//! ([`team_report`]): presence, leave, the yearly day rules, diary gaps, unfiled months,
//! unvisited households and the seven ones. Every figure comes with its explanation.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use taizhang_domain::{
    local_date, CheckInId, CheckKind, DiaryId, HouseholdId, LeaveId, LeaveState, Member, MemberId, Timestamp, VisitId,
    YearMonth,
};

use crate::explain::{codes, figure, list, rule};
use crate::{Derivation, Figure, MemberInputs, Period, Policy, RulesError, VillageRecords};

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
    /// Distinct dates with an In check-in (counted: the earliest check-in id of each date).
    pub days_in_village: Figure<u32>,
    /// Dates covered by approved leave (counted: leave request ids). Excused, not presence.
    pub leave_days: Figure<Vec<NaiveDate>>,
    /// The yearly minimum of days in the village (200), prorated to the judged days.
    pub min_days: Figure<Check>,
    /// The minimum share of the year in the village (2/3) of the judged days.
    pub min_share: Figure<Check>,
    /// Training days against the yearly minimum; `None` when the caller recorded none.
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
}

fn on_post(m: &Member, d: NaiveDate) -> bool {
    m.term_start <= d && m.term_end.is_none_or(|end| d <= end)
}

/// The earliest In check-in of each local date within `judged`, for members `who` accepts.
fn presence(
    records: &VillageRecords,
    who: impl Fn(MemberId) -> bool,
    judged: Option<Period>,
) -> BTreeMap<NaiveDate, (Timestamp, CheckInId)> {
    let mut days: BTreeMap<NaiveDate, (Timestamp, CheckInId)> = BTreeMap::new();
    let Some(judged) = judged else { return days };
    for c in records.check_ins.iter().filter(|c| c.kind == CheckKind::In && who(c.member)) {
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

/// The dates within `judged` covered by an approved leave of `member`, with the leave ids.
fn approved_leave(
    records: &VillageRecords,
    member: MemberId,
    judged: Option<Period>,
) -> BTreeMap<NaiveDate, BTreeSet<LeaveId>> {
    let mut days: BTreeMap<NaiveDate, BTreeSet<LeaveId>> = BTreeMap::new();
    let Some(judged) = judged else { return days };
    for l in records.leave_requests.iter().filter(|l| l.member == member && l.state == LeaveState::Approved) {
        if let Some(p) = judged.clip(l.from, l.to) {
            for d in p.dates() {
                days.entry(d).or_default().insert(l.id);
            }
        }
    }
    days
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
    let present = presence(records, |who| who == member, judged);
    let leave = approved_leave(records, member, judged);
    let leave_ids: BTreeSet<LeaveId> = leave.values().flatten().copied().collect();
    let leave_dates: Vec<NaiveDate> = leave.keys().copied().collect();
    let present_ids = ids(present.values().map(|(_, id)| id));
    let actual = present.len() as u32;
    let days_in_village = figure(
        actual,
        rule(codes::PRESENCE, "a day counts once", "驻村天数:有到村打卡的日期,每天只算一次", "days in the village: dates with an In check-in, each date once"),
        present_ids.clone(),
        format!(
            "{judged}期间{actual}天有到村打卡(按北京时间分日,每天列最早一条)/ {actual} days with an In check-in in {judged} (days cut in Asia/Shanghai; the earliest check-in of each day is listed).",
            judged = judged_text(judged)
        ),
    );
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
    let training = figure(
        inputs.training_days.map(|t| Check { actual: t, required: tmin, met: t >= tmin }),
        rule(
            codes::TRAINING,
            format!("min_training_days_per_year = {tmin}"),
            format!("每年参加培训不少于{tmin}天"),
            format!("at least {tmin} days of training a year"),
        ),
        Vec::new(),
        match inputs.training_days {
            Some(t) => format!("培训{t}天(由县里录入;全年要求,年内为临时结果)/ {t} training days as entered by the county; a yearly rule, provisional before the year ends."),
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
    let (excused, gaps): (Vec<NaiveDate>, Vec<NaiveDate>) = missing.into_iter().partition(|d| leave.contains_key(d));
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
            "工作日{w}天,缺记{g}天,请假免记{e}天 / {w} working days judged, {g} without an entry, {e} excused by approved leave. 缺记 gaps: {gl}; 免记 excused: {el}.{off}",
            w = working.len(),
            g = gaps.len(),
            gl = list(&gaps),
            e = excused.len(),
            el = list(&excused),
            off = off(policy.diary_every_working_day),
        ),
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
    let present = presence(records, |who| team.contains(&who), judged);
    let leave: BTreeMap<MemberId, BTreeMap<NaiveDate, BTreeSet<LeaveId>>> =
        team.iter().map(|&m| (m, approved_leave(records, m, judged))).collect();

    let (mut gaps, mut excused, mut excusing, mut unstaffed) = (Vec::new(), Vec::new(), BTreeSet::new(), 0usize);
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
    Ok(TeamReport { period, today, judged, days_with_someone, gaps, excused_gaps, households_not_visited })
}
