//! The county page's views, computed from villages' records by the rules engine: one line per
//! village for the overview ([`village_summary`]) and one village in detail ([`village_view`]:
//! team figures, a day-by-day calendar, visit coverage, each member's report and month
//! scores). Every number is a `taizhang_rules::Figure` or is derived from one, so the page can
//! say which records counted and which rule applied.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use taizhang_domain::{
    local_date, local_datetime, CheckKind, LeaveState, Member, MemberId, Role, Timestamp, YearMonth,
};
use taizhang_rules::{
    flag_facts_of, grade_county_among, member_report, month_score, overview_flag, scheme_a, team_report, Figure, Flag,
    FlagFacts, Grade, MemberInputs, MemberReport, Period, Policy, SchemeAInputs, SchemeAScore, TeamReport,
    VillageRecords,
};
use uuid::Uuid;

use crate::inputs::{Entered, YearInputs};
use crate::CountyError;

/// Where a village sits, as the server's place registry names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VillageInfo {
    pub id: Uuid,
    pub name: String,
    pub township: String,
}

/// One village at a glance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VillageSummary {
    pub id: Uuid,
    pub name: String,
    pub township: String,
    pub members: usize,
    pub days_judged: u32,
    pub days_with_someone: u32,
    pub gap_days: usize,
    pub excused_gap_days: usize,
    pub households: usize,
    pub households_visited: usize,
    pub diary_gap_days: usize,
    pub unfiled_months: usize,
    pub members_below_min_days: usize,
    /// Days of absence without leave (无故缺勤), all members together.
    pub absence_days: usize,
    /// Team days unknown (情况不明): nobody known in the village while a member on post has not
    /// synced that day. Never counted as gaps.
    pub unknown_days: usize,
    /// The most days any member has not synced (未同步) in the period.
    pub longest_not_synced_days: u32,
    /// Follow-up items (承诺事项, issue 16) the village recorded at all (0: 未录入, the three counts
    /// below say nothing then), closed done in the period, and open at its end with the overdue
    /// ones among them (`taizhang_rules::follow_up_counts`, the village page has the items).
    pub follow_ups_recorded: usize,
    pub follow_ups_done: u32,
    pub follow_ups_open: u32,
    pub follow_ups_overdue: u32,
    /// Inspection findings waiting for the team (待整改 or 已退回) and for the officer's check
    /// (已答复), now.
    pub findings_to_answer: usize,
    pub findings_to_check: usize,
    /// Some figure depends on days not synced yet: it may still change.
    pub provisional: bool,
    /// The overview's flag in tiers (`taizhang_rules::overview_flag`), explained.
    pub flag: Figure<Flag>,
    /// The flag's code: `normal` (正常), `notice` (提醒) or `attention` (需关注).
    pub status: &'static str,
    /// The flag in Chinese.
    pub status_zh: &'static str,
}

/// The flag's code as the page and the JSON name it.
pub fn flag_code(flag: Flag) -> &'static str {
    match flag {
        Flag::Normal => "normal",
        Flag::Notice => "notice",
        Flag::Attention => "attention",
    }
}

/// A server receipt time as Asia/Shanghai date and minute (`2026-03-05 18:30`).
pub fn sync_time_text(at: Timestamp) -> String {
    local_datetime(at).map(|d| d.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
}

/// The role's code and Chinese label.
pub fn role_label(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::FirstSecretary => ("first_secretary", "第一书记"),
        Role::TeamMember => ("team_member", "工作队员"),
    }
}

fn reports(
    records: &VillageRecords,
    period: Period,
    today: NaiveDate,
    policy: &Policy,
) -> Result<Vec<(Member, MemberReport)>, CountyError> {
    records
        .members
        .iter()
        .map(|m| Ok((m.clone(), member_report(records, m.id, period, today, &MemberInputs::default(), policy)?)))
        .collect()
}

/// One line of the county overview.
pub fn village_summary(
    info: &VillageInfo,
    records: &VillageRecords,
    period: Period,
    today: NaiveDate,
    policy: &Policy,
) -> Result<VillageSummary, CountyError> {
    let team = team_report(records, period, today, policy)?;
    let members = reports(records, period, today, policy)?;
    let households = records.households.len();
    let not_visited = team.households_not_visited.value.len();
    let diary_gap_days = members.iter().map(|(_, r)| r.diary_gaps.value.len()).sum();
    let unfiled_months = members.iter().map(|(_, r)| r.unfiled_months.value.len()).sum();
    let below = members.iter().filter(|(_, r)| !r.min_days.value.met || !r.min_share.value.met).count();
    let gap_days = team.gaps.value.len();
    // The flag is judged on the same reports (made once: the overview's largest cost).
    let facts: FlagFacts = flag_facts_of(&team, members.iter().map(|(_, r)| r), today, policy);
    let flag = overview_flag(&facts, policy);
    let provisional = team.provisional || members.iter().any(|(_, r)| r.provisional);
    let follow_ups = taizhang_rules::follow_up_counts(records, period, today);
    let findings_to_answer = records.findings.iter().filter(|f| f.needs_answer()).count();
    let findings_to_check =
        records.findings.iter().filter(|f| f.state() == taizhang_domain::FindingState::Answered).count();
    Ok(VillageSummary {
        id: info.id,
        name: info.name.clone(),
        township: info.township.clone(),
        members: records.members.len(),
        days_judged: team.judged.map_or(0, |p| p.len() as u32),
        days_with_someone: team.days_with_someone.value,
        gap_days,
        excused_gap_days: team.excused_gaps.value.len(),
        households,
        households_visited: households - not_visited,
        diary_gap_days,
        unfiled_months,
        members_below_min_days: below,
        absence_days: facts.absence_days as usize,
        unknown_days: team.unknown.value.len(),
        longest_not_synced_days: facts.longest_not_synced_days,
        follow_ups_recorded: follow_ups.recorded,
        follow_ups_done: follow_ups.done.value,
        follow_ups_open: follow_ups.open.value,
        follow_ups_overdue: follow_ups.overdue.value,
        findings_to_answer,
        findings_to_check,
        provisional,
        status: flag_code(flag.value),
        status_zh: flag.value.zh(),
        flag,
    })
}

/// One judged day of the village calendar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    /// Members with an In check-in that day.
    pub present: Vec<MemberId>,
    /// Members on approved leave that day.
    pub leave: Vec<MemberId>,
    /// Members on post and nobody in the village, not excused.
    pub gap: bool,
    /// Nobody in the village, every member on post on approved leave.
    pub excused: bool,
    /// Members on post for whom the day is not synced yet (未同步: on or after the day of
    /// their last sync, no presence or leave record): unknown, never absent.
    pub not_synced: Vec<MemberId>,
    /// Nobody known in the village and a member on post has not synced the day (情况不明):
    /// shown apart from 无人在村 (`gap`), which it never is.
    pub unknown: bool,
}

/// Visit coverage of one household.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HouseholdLine {
    pub id: taizhang_domain::HouseholdId,
    pub head: String,
    pub group: String,
    pub visits: usize,
    pub last_visit: Option<NaiveDate>,
}

/// One member's month under scheme B.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthLine {
    pub month: String,
    pub days_in_village: u32,
    pub diary_days: u32,
    pub diary_gaps: usize,
    /// Working days absent without leave (无故缺勤), deducted automatically per the policy.
    pub absent_without_leave: Vec<NaiveDate>,
    /// Days of the month not synced yet (未同步): neither gaps nor absences.
    pub not_synced_days: usize,
    /// `taizhang_rules::month_score`: the entered items plus what the records decide (a
    /// working day without a diary entry, each day absent without leave).
    pub score: Figure<f64>,
    pub allowance_cut: Figure<bool>,
    /// The month is not over, has days not synced or its score sheet is not confirmed by the
    /// township: the score may still change (临时).
    pub provisional: bool,
    /// The first secretary's score sheet and its chain (entered, checked, audited), if any.
    pub sheet: Option<crate::SheetChain>,
    /// Who must act next on the sheet (`None`: no sheet, or audited).
    pub next_step: Option<String>,
}

/// One member in the village view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberLine {
    pub id: MemberId,
    pub name: String,
    pub role: &'static str,
    pub role_zh: &'static str,
    pub report: MemberReport,
    /// Scheme A discipline points, from attendance.
    pub discipline: Figure<f64>,
    /// What county staff entered for the period's year (`None`: nothing yet).
    pub inputs: Option<YearInputs>,
    /// The villagers' survey (民主测评) of the year, if the township or the county entered one.
    pub survey: Option<crate::inputs::SurveyEntry>,
    /// Scheme A in full (total and grade by the thresholds), once the three entered
    /// components are there.
    pub scheme_a: Option<SchemeAScore>,
    /// For a scored first secretary: the grade after the county's cap on 优秀 (filled by the
    /// caller from [`county_grades`], which needs the whole county); `None` otherwise.
    pub county_grade: Option<Figure<Grade>>,
    pub demoted_by_cap: bool,
    pub months: Vec<MonthLine>,
    /// The member's last sync: the server's receipt time of the newest change their devices
    /// pushed (`None`: never synced, or not known to this server).
    pub last_sync: Option<Timestamp>,
    /// [`MemberLine::last_sync`] as Asia/Shanghai date and minute.
    pub last_sync_text: Option<String>,
}

/// One village in detail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VillageView {
    pub village: VillageInfo,
    pub period: Period,
    pub today: NaiveDate,
    pub judged: Option<Period>,
    pub team: TeamReport,
    pub calendar: Vec<CalendarDay>,
    pub households: Vec<HouseholdLine>,
    pub members: Vec<MemberLine>,
    /// The village's follow-up items (承诺事项, issue 16) over the period: promised, done,
    /// open, overdue, each with the items counted.
    pub follow_ups: taizhang_rules::FollowUpCounts,
}

/// The months that overlap `period`, each clipped to it.
pub fn months_of(period: Period) -> Vec<(YearMonth, Period)> {
    let mut out = Vec::new();
    let mut m = YearMonth::of(period.from);
    while m <= YearMonth::of(period.to) {
        let first = m.first_day().max(period.from);
        let last = m.next().first_day().pred_opt().unwrap_or(first).min(period.to);
        out.push((m, Period { from: first, to: last }));
        m = m.next();
    }
    out
}

/// Scheme B for each month of `period` up to `today` (`taizhang_rules::month_score`, over the
/// whole month): the deductions the records decide are applied by themselves — `diary_missing`
/// once per working day without an entry (when the county's catalogue has that item) and
/// `scheme_b.absence_deduction_per_day` per day absent without leave. Days not synced are
/// neither; the month is then provisional. Months after `today` are left out.
pub fn month_lines(
    records: &VillageRecords,
    member: MemberId,
    period: Period,
    today: NaiveDate,
    policy: &Policy,
) -> Result<Vec<MonthLine>, CountyError> {
    month_lines_with(records, &Entered::default(), member, period, today, policy)
}

/// [`month_lines`]; `entered` is no longer read for months. Issue 14: a month has one score,
/// the sheet's (the first secretary's, checked by the township, audited — and optionally
/// overridden with a reason — by the county); the county's older per-month items do not count.
pub fn month_lines_with(
    records: &VillageRecords,
    _entered: &Entered,
    member: MemberId,
    period: Period,
    today: NaiveDate,
    policy: &Policy,
) -> Result<Vec<MonthLine>, CountyError> {
    let mut out = Vec::new();
    for (month, p) in months_of(period) {
        if p.from > today {
            break;
        }
        let whole = Period { from: month.first_day(), to: month.last_day() };
        let r = member_report(records, member, whole, today, &MemberInputs::default(), policy)?;
        let s = month_score(records, member, month, today, &[], policy)?;
        out.push(MonthLine {
            month: month.to_string(),
            days_in_village: r.days_in_village.value,
            diary_days: r.diary_days.value,
            diary_gaps: r.diary_gaps.value.len(),
            absent_without_leave: s.absent_without_leave,
            not_synced_days: r.not_synced.value.len(),
            score: s.score,
            allowance_cut: s.allowance_cut,
            provisional: s.provisional,
            sheet: records
                .score_sheets
                .iter()
                .find(|x| x.member == member && x.month == month)
                .map(|x| crate::scores::sheet_chain(records, x)),
            next_step: s.next_step,
        });
    }
    Ok(out)
}

/// Scheme A's discipline component for a member's report (the other components are entered
/// by the county and are not part of the synced records).
pub fn discipline(report: &MemberReport, policy: &Policy) -> Result<Figure<f64>, CountyError> {
    let full = SchemeAInputs {
        results: policy.scheme_a.results,
        evaluation: policy.scheme_a.evaluation,
        assessment: policy.scheme_a.assessment,
        survey: None,
    };
    Ok(scheme_a(report, &full, policy)?.discipline)
}

/// One village in detail over `period`, judged up to `today`, without entered inputs.
pub fn village_view(
    info: &VillageInfo,
    records: &VillageRecords,
    period: Period,
    today: NaiveDate,
    policy: &Policy,
) -> Result<VillageView, CountyError> {
    village_view_with(info, records, &Entered::default(), period, today, policy)
}

/// One village in detail over `period`, judged up to `today`, with what county staff entered
/// (for the year `period` ends in, and each month).
pub fn village_view_with(
    info: &VillageInfo,
    records: &VillageRecords,
    entered: &Entered,
    period: Period,
    today: NaiveDate,
    policy: &Policy,
) -> Result<VillageView, CountyError> {
    let team = team_report(records, period, today, policy)?;
    let judged = team.judged;

    // Calendar: who was in, who was on leave, each judged day.
    let mut present: BTreeMap<NaiveDate, BTreeSet<MemberId>> = BTreeMap::new();
    let team_ids: BTreeSet<MemberId> = records.members.iter().map(|m| m.id).collect();
    for c in records.check_ins.iter().filter(|c| c.kind == CheckKind::In && team_ids.contains(&c.member)) {
        present.entry(local_date(c.at)).or_default().insert(c.member);
    }
    let mut leave: BTreeMap<NaiveDate, BTreeSet<MemberId>> = BTreeMap::new();
    if let Some(j) = judged {
        for l in
            records.leave_requests.iter().filter(|l| l.state == LeaveState::Approved && team_ids.contains(&l.member))
        {
            for d in j.clip(l.from, l.to).iter().flat_map(|p| p.dates()) {
                leave.entry(d).or_default().insert(l.member);
            }
        }
    }
    let gaps: BTreeSet<NaiveDate> = team.gaps.value.iter().copied().collect();
    let excused: BTreeSet<NaiveDate> = team.excused_gaps.value.iter().copied().collect();
    let unknown: BTreeSet<NaiveDate> = team.unknown.value.iter().copied().collect();
    let on_post = |m: &Member, d: NaiveDate| m.term_start <= d && m.term_end.is_none_or(|end| d <= end);
    let calendar = judged
        .iter()
        .flat_map(|p| p.dates())
        .map(|date| {
            let present: Vec<MemberId> = present.get(&date).map(|s| s.iter().copied().collect()).unwrap_or_default();
            let leave: Vec<MemberId> = leave.get(&date).map(|s| s.iter().copied().collect()).unwrap_or_default();
            let not_synced = records
                .members
                .iter()
                .filter(|m| on_post(m, date) && records.not_synced(m.id, date))
                .map(|m| m.id)
                .filter(|id| !present.contains(id) && !leave.contains(id))
                .collect();
            CalendarDay {
                date,
                present,
                leave,
                gap: gaps.contains(&date),
                excused: excused.contains(&date),
                not_synced,
                unknown: unknown.contains(&date),
            }
        })
        .collect();

    // Visit coverage. A correction (更正, `amends`) is not a second visit: the original counts.
    let mut visits: BTreeMap<taizhang_domain::HouseholdId, (usize, Option<NaiveDate>)> = BTreeMap::new();
    for v in records.visits.iter().filter(|v| v.amends.is_none()) {
        let d = local_date(v.at);
        if judged.is_some_and(|p| p.contains(d)) {
            let e = visits.entry(v.household).or_default();
            e.0 += 1;
            e.1 = e.1.max(Some(d));
        }
    }
    let households = records
        .households
        .iter()
        .map(|h| {
            let (n, last) = visits.get(&h.id).copied().unwrap_or_default();
            HouseholdLine { id: h.id, head: h.head.clone(), group: h.group.clone(), visits: n, last_visit: last }
        })
        .collect();

    let mut members = Vec::new();
    let year = period.to.year();
    for m in &records.members {
        let inputs = entered.year(m.id, year).cloned();
        let member_inputs = inputs.as_ref().map(|y| y.member_inputs(policy)).unwrap_or_default();
        let report = member_report(records, m.id, period, today, &member_inputs, policy)?;
        let (role, role_zh) = role_label(m.role);
        let a = match entered.scheme_a(m.id, year) {
            Some(components) => Some(scheme_a(&report, &components, policy)?),
            None => None,
        };
        members.push(MemberLine {
            survey: entered.survey(m.id, year).cloned(),
            id: m.id,
            name: m.name.clone(),
            role,
            role_zh,
            discipline: discipline(&report, policy)?,
            inputs,
            scheme_a: a,
            county_grade: None,
            demoted_by_cap: false,
            months: month_lines_with(records, entered, m.id, period, today, policy)?,
            report,
            last_sync: records.last_sync.get(&m.id).copied(),
            last_sync_text: records.last_sync.get(&m.id).map(|&t| sync_time_text(t)),
        });
    }
    let follow_ups = taizhang_rules::follow_up_counts(records, period, today);
    Ok(VillageView { village: info.clone(), period, today, judged, team, calendar, households, members, follow_ups })
}

/// Whether a village's page needs the whole county: one of its first secretaries has scheme A
/// in full for `year`, and their grade is the county's (after the cap on 优秀).
pub fn needs_county_grades(records: &VillageRecords, entered: &Entered, year: i32) -> bool {
    records.members.iter().filter(|m| m.role == Role::FirstSecretary).any(|m| entered.scheme_a(m.id, year).is_some())
}

/// A village's page in one call: [`village_view_with`], and, when `county` is given (every
/// village of the county with its records and entries, this one included) and
/// [`needs_county_grades`], the county's grades for the year `period` ends in on its first
/// secretaries.
pub fn village_page(
    info: &VillageInfo,
    records: &VillageRecords,
    entered: &Entered,
    county: Option<&[(&VillageInfo, &VillageRecords, &Entered)]>,
    period: Period,
    today: NaiveDate,
    policy: &Policy,
) -> Result<VillageView, CountyError> {
    let mut view = village_view_with(info, records, entered, period, today, policy)?;
    let year = period.to.year();
    if let Some(county) = county.filter(|_| needs_county_grades(records, entered, year)) {
        view.apply_county_grades(&county_grades(county, year, today, policy)?);
    }
    Ok(view)
}

/// One first secretary in the county's yearly grading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeLine {
    pub village: Uuid,
    pub village_name: String,
    pub member: MemberId,
    pub name: String,
    /// Scheme A in full; `None` until the three components are entered.
    pub scheme_a: Option<SchemeAScore>,
    /// The grade after the county's cap on 优秀 (`None` until scored).
    pub grade: Option<Figure<Grade>>,
    pub demoted_by_cap: bool,
    /// The township's proposal (乡镇党委提出意见), the county's input to confirm the grade.
    pub proposal: Option<crate::GradeProposal>,
}

/// The county's first secretaries graded for `year` (scheme A, with the cap on 优秀 among
/// those scored).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountyGrades {
    pub year: i32,
    pub first_secretaries: usize,
    pub scored: usize,
    /// How many may be 优秀: `floor(excellent_cap_share × first_secretaries)`.
    pub excellent_cap: usize,
    pub cap_rule: taizhang_rules::RuleRef,
    pub lines: Vec<GradeLine>,
}

impl VillageView {
    /// Puts the county's grades (after the cap) on this village's first secretaries.
    pub fn apply_county_grades(&mut self, grades: &CountyGrades) {
        for m in &mut self.members {
            if let Some(line) = grades.lines.iter().find(|l| l.member == m.id && l.village == self.village.id) {
                m.county_grade = line.grade.clone();
                m.demoted_by_cap = line.demoted_by_cap;
            }
        }
    }
}

/// Grades every first secretary of the villages given for `year`, judged up to `today`.
/// The cap is a share of all the first secretaries listed, scored or not (an unscored one has
/// no grade yet).
pub fn county_grades(
    villages: &[(&VillageInfo, &VillageRecords, &Entered)],
    year: i32,
    today: NaiveDate,
    policy: &Policy,
) -> Result<CountyGrades, CountyError> {
    let period =
        Period::year(year).ok_or_else(|| CountyError::BadInput(format!("{year} is not a year this ledger holds")))?;
    let mut lines = Vec::new();
    for (info, records, entered) in villages {
        for m in records.members.iter().filter(|m| m.role == Role::FirstSecretary) {
            let inputs = entered.year(m.id, year);
            let member_inputs = inputs.map(|y| y.member_inputs(policy)).unwrap_or_default();
            let report = member_report(records, m.id, period, today, &member_inputs, policy)?;
            let a = match entered.scheme_a(m.id, year) {
                Some(components) => Some(scheme_a(&report, &components, policy)?),
                None => None,
            };
            lines.push(GradeLine {
                village: info.id,
                village_name: info.name.clone(),
                member: m.id,
                name: m.name.clone(),
                scheme_a: a,
                grade: None,
                demoted_by_cap: false,
                proposal: entered.proposals.get(&(m.id, year)).cloned(),
            });
        }
    }
    let scored: Vec<(MemberId, f64)> =
        lines.iter().filter_map(|l| l.scheme_a.as_ref().map(|a| (l.member, a.total.value))).collect();
    for g in grade_county_among(&scored, lines.len(), policy)? {
        if let Some(line) = lines.iter_mut().find(|l| l.member == g.member) {
            line.grade = Some(g.grade);
            line.demoted_by_cap = g.demoted_by_cap;
        }
    }
    let share = policy.scheme_a.excellent_cap_share;
    let excellent_cap = (share * lines.len() as f64 + 1e-9).floor() as usize;
    let cap_rule = taizhang_rules::RuleRef {
        code: taizhang_rules::codes::A_CAP.into(),
        policy_value: format!("excellent_cap_share = {share}"),
        zh: format!("优秀名额不超过本县第一书记总数的{}%(向下取整);边界同分者均不评优秀", share * 100.0),
        en: format!(
            "at most {}% of the county's first secretaries are excellent (rounded down); all tied at the boundary are demoted",
            share * 100.0
        ),
    };
    Ok(CountyGrades { year, first_secretaries: lines.len(), scored: scored.len(), excellent_cap, cap_rule, lines })
}
