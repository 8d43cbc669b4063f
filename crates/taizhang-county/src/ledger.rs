//! The village's own ledger on the county and township pages (村级工作台账, issue 22): the
//! period's projects (open ones, and those closed in the period) with their funding by seed
//! 001's four sources, the households that benefit, the latest progress and the result, and
//! the meetings held in the period. The same records and period rules as the exports 项目台账
//! and 会议记录 ([`crate::tables`]); a meeting's attendance not counted stays unknown (`None`),
//! never 0, and a funding source not recorded stays `None`. Above them, the village situation
//! (村情) of the period's last year beside the year before, and the plan items covering that
//! year with how the plan stands.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use taizhang_domain::{plan_progress, Meeting, PlanItem, PlanProgress, Project, VillageSituation};
use taizhang_rules::{Period, VillageRecords};

use crate::project::member_name;

/// A code with its Chinese and English words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coded {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

/// One source of a project's money; `yuan` is `None` when not recorded (never 0 for unknown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundingLine {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub yuan: Option<i64>,
}

/// One progress update (项目进展).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressLine {
    /// The update's id (its photos are listed under it: `photos::attachment_refs`).
    pub id: String,
    pub day: NaiveDate,
    pub text: String,
    pub by: String,
}

/// One project of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectLine {
    pub id: String,
    pub name: String,
    pub kind: Coded,
    pub state: Coded,
    pub funding: Vec<FundingLine>,
    /// The sum of the sources recorded; `None` when none is.
    pub funding_total: Option<i64>,
    /// The heads of the households that benefit; empty for the whole village or not recorded.
    pub households: Vec<String>,
    pub started_on: Option<NaiveDate>,
    /// The latest progress update (by day, then as made), and how many there are.
    pub latest_progress: Option<ProgressLine>,
    pub progress_count: usize,
    /// The follow-up items (承诺事项) that became or joined the project, and how many of them
    /// are still open (closing the project closes none).
    pub follow_ups: usize,
    pub follow_ups_open: usize,
    pub closed_on: Option<NaiveDate>,
    pub closed_by: Option<String>,
    /// What was delivered (done) or why it was dropped; empty while open.
    pub result: String,
    pub recorded_by: String,
}

/// One meeting or activity of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingLine {
    pub id: String,
    pub date: NaiveDate,
    pub kind: Coded,
    pub led_by: String,
    /// `None` when nobody counted: unknown, not 0.
    pub attendance: Option<u32>,
    pub topics: String,
    pub decisions: String,
    pub recorded_by: String,
}

/// A member of the two committees (村两委成员).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CadreLine {
    pub name: String,
    pub post: String,
    pub birth_year: Option<i32>,
    pub education: Option<Coded>,
}

/// A year's village situation (村情); every `None` is "not entered", never 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SituationLine {
    pub year: i32,
    pub population: Option<u32>,
    pub households: Option<u32>,
    pub committee: Vec<CadreLine>,
    pub party_members: Option<u32>,
    pub collective_income_yuan: Option<i64>,
    pub income_sources: String,
    pub income_per_head_yuan: Option<i64>,
    pub industries: String,
    pub roads: String,
    pub water: String,
    pub network: String,
    pub problems: String,
    /// Parts filled in, of `parts`.
    pub filled: usize,
    pub parts: usize,
    pub updated_by: String,
}

/// A goal, plan item or responsibility letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanLine {
    pub id: String,
    pub kind: Coded,
    /// The (first) year; a three-year goal covers it and the next two.
    pub year: i32,
    pub title: String,
    pub target: String,
    pub due: Option<NaiveDate>,
    pub state: Coded,
    /// Open and past its due day.
    pub overdue: bool,
    pub closed_on: Option<NaiveDate>,
    pub result: String,
    pub recorded_by: String,
}

/// `GET /county/api/village/{id}/ledger`: the village ledger of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The year of the period's last day: the situation and the plan shown are of that year.
    pub year: i32,
    /// The village situation of `year` and of the year before (`None`: not entered).
    pub situation: Option<SituationLine>,
    pub situation_previous: Option<SituationLine>,
    /// Households in the village registry: the registry's count beside the reported one.
    pub registry_households: usize,
    /// Goals, plan items and letters covering `year` (three-year goals, then the yearly plan,
    /// then letters; open ones by due day first), and how the year's plan stands.
    pub plans: Vec<PlanLine>,
    pub plan_progress: PlanProgress,
    /// The year's written report (述职) and research report (调研报告): filed (with the text),
    /// not due yet, or missing once the year has ended.
    pub reports: Vec<crate::township::ReportSlot>,
    /// Open projects first (in the order they were made), then those closed in the period,
    /// the latest closed first.
    pub projects: Vec<ProjectLine>,
    /// Meetings held in the period, the latest first.
    pub meetings: Vec<MeetingLine>,
}

/// Whether project `p` belongs to the ledger of `period`: open, or closed in it (up to today).
fn in_ledger(p: &Project, period: Period, today: NaiveDate) -> bool {
    match p.closed_on {
        Some(d) => period.contains(d) && d <= today,
        None => true,
    }
}

fn project_line(r: &VillageRecords, p: &Project) -> ProjectLine {
    let mut progress: Vec<_> = r.progress.iter().filter(|u| u.project == p.id).collect();
    progress.sort_by_key(|u| (u.day, u.at, u.id));
    let households = p
        .households
        .iter()
        .map(|h| r.households.iter().find(|x| x.id == *h).map_or_else(|| h.to_string(), |x| x.head.clone()))
        .collect();
    ProjectLine {
        id: p.id.to_string(),
        name: p.name.clone(),
        kind: Coded { code: p.kind.code(), zh: p.kind.zh(), en: p.kind.en() },
        state: Coded { code: p.state.code(), zh: p.state.zh(), en: p.state.en() },
        funding: p
            .funding
            .sources()
            .into_iter()
            .map(|(code, zh, en, yuan)| FundingLine { code, zh, en, yuan })
            .collect(),
        funding_total: p.funding.total(),
        households,
        started_on: p.started_on,
        latest_progress: progress.last().map(|u| ProgressLine {
            id: u.id.to_string(),
            day: u.day,
            text: u.text.clone(),
            by: member_name(r, u.by),
        }),
        progress_count: progress.len(),
        follow_ups: r.follow_ups.iter().filter(|f| f.project == Some(p.id)).count(),
        follow_ups_open: r.follow_ups.iter().filter(|f| f.project == Some(p.id) && !f.is_done()).count(),
        closed_on: p.closed_on,
        closed_by: p.closed_by.map(|m| member_name(r, m)),
        result: p.result.clone(),
        recorded_by: member_name(r, p.created_by),
    }
}

fn meeting_line(r: &VillageRecords, m: &Meeting) -> MeetingLine {
    MeetingLine {
        id: m.id.to_string(),
        date: m.date,
        kind: Coded { code: m.kind.code(), zh: m.kind.zh(), en: m.kind.en() },
        led_by: m.led_by.clone(),
        attendance: m.attendance,
        topics: m.topics.clone(),
        decisions: m.decisions.clone(),
        recorded_by: member_name(r, m.recorded_by),
    }
}

fn situation_line(r: &VillageRecords, x: &VillageSituation) -> SituationLine {
    let (filled, parts) = x.filled();
    SituationLine {
        year: x.year,
        population: x.population,
        households: x.households,
        committee: x
            .committee
            .iter()
            .map(|c| CadreLine {
                name: c.name.clone(),
                post: c.post.clone(),
                birth_year: c.birth_year,
                education: c.education.map(|e| Coded { code: e.code(), zh: e.zh(), en: e.en() }),
            })
            .collect(),
        party_members: x.party_members,
        collective_income_yuan: x.collective_income_yuan,
        income_sources: x.income_sources.clone(),
        income_per_head_yuan: x.income_per_head_yuan,
        industries: x.industries.clone(),
        roads: x.roads.clone(),
        water: x.water.clone(),
        network: x.network.clone(),
        problems: x.problems.clone(),
        filled,
        parts,
        updated_by: member_name(r, x.updated_by),
    }
}

fn plan_line(r: &VillageRecords, p: &PlanItem, today: NaiveDate) -> PlanLine {
    PlanLine {
        id: p.id.to_string(),
        kind: Coded { code: p.kind.code(), zh: p.kind.zh(), en: p.kind.en() },
        year: p.year,
        title: p.title.clone(),
        target: p.target.clone(),
        due: p.due,
        state: Coded { code: p.state.code(), zh: p.state.zh(), en: p.state.en() },
        overdue: p.overdue(today),
        closed_on: p.closed_on,
        result: p.result.clone(),
        recorded_by: member_name(r, p.recorded_by),
    }
}

/// The village ledger of `period` as of `today`: the same projects and meetings as the exports
/// 项目台账 and 会议记录 of the village for that period.
pub fn village_ledger(r: &VillageRecords, period: Period, today: NaiveDate) -> LedgerView {
    let mut projects: Vec<&Project> = r.projects.iter().filter(|p| in_ledger(p, period, today)).collect();
    projects.sort_by(|a, b| {
        let key = |p: &Project| (p.closed_on.is_some(), std::cmp::Reverse(p.closed_on), p.created_at, p.id);
        key(a).cmp(&key(b))
    });
    let mut meetings: Vec<&Meeting> =
        r.meetings.iter().filter(|m| period.contains(m.date) && m.date <= today).collect();
    meetings.sort_by_key(|m| std::cmp::Reverse((m.date, m.recorded_at, m.id)));
    let year = period.to.year();
    let situation_of = |y: i32| r.situations.iter().find(|x| x.year == y).map(|x| situation_line(r, x));
    let mut plans: Vec<&PlanItem> = r.plans.iter().filter(|p| p.covers(year)).collect();
    plans.sort_by_key(|p| (p.kind, p.state != taizhang_domain::PlanState::Open, p.due.is_none(), p.due, p.id));
    LedgerView {
        from: period.from,
        to: period.to,
        year,
        situation: situation_of(year),
        situation_previous: situation_of(year - 1),
        registry_households: r.households.len(),
        plan_progress: plan_progress(plans.iter().copied(), year, today),
        plans: plans.into_iter().map(|p| plan_line(r, p, today)).collect(),
        reports: crate::township::report_slots(r, year, today)
            .into_iter()
            .filter(|s| matches!(s.kind, "yearly" | "research"))
            .collect(),
        projects: projects.into_iter().map(|p| project_line(r, p)).collect(),
        meetings: meetings.into_iter().map(|m| meeting_line(r, m)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use taizhang_domain::{
        Funding, HouseholdId, MeetingId, MeetingKind, MemberId, ProgressId, ProgressUpdate, ProjectId, ProjectKind,
        ProjectState,
    };
    use uuid::Uuid;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("date")
    }

    fn project(n: u128, state: ProjectState, closed_on: Option<NaiveDate>) -> Project {
        Project {
            id: ProjectId(Uuid::from_u128(n)),
            name: format!("项目{n}"),
            kind: ProjectKind::Practical,
            funding: Funding { fiscal: Some(50_000), collective: Some(0), ..Default::default() },
            households: vec![HouseholdId(Uuid::from_u128(0xdead))],
            state,
            started_on: None,
            created_by: MemberId(Uuid::from_u128(1)),
            created_at: n as i64,
            closed_on,
            closed_by: closed_on.map(|_| MemberId(Uuid::from_u128(1))),
            result: if closed_on.is_some() { "已通水".into() } else { String::new() },
        }
    }

    fn meeting(n: u128, date: NaiveDate, attendance: Option<u32>) -> Meeting {
        Meeting {
            id: MeetingId(Uuid::from_u128(n)),
            date,
            kind: MeetingKind::PartyLecture,
            led_by: "李明".into(),
            attendance,
            topics: "学习乡村振兴政策".into(),
            decisions: String::new(),
            recorded_by: MemberId(Uuid::from_u128(1)),
            recorded_at: n as i64,
        }
    }

    #[test]
    fn the_ledger_keeps_open_projects_and_those_closed_in_the_period_and_meetings_held_in_it() {
        let records = VillageRecords {
            projects: vec![
                project(1, ProjectState::Underway, None),
                project(2, ProjectState::Done, Some(day(3, 10))),
                project(3, ProjectState::Done, Some(day(1, 5))), // closed before the period
                project(4, ProjectState::Dropped, Some(day(4, 2))),
            ],
            progress: vec![
                ProgressUpdate {
                    id: ProgressId(Uuid::from_u128(11)),
                    project: ProjectId(Uuid::from_u128(1)),
                    day: day(3, 2),
                    text: "开挖".into(),
                    by: MemberId(Uuid::from_u128(1)),
                    at: 1,
                    attachments: Vec::new(),
                },
                ProgressUpdate {
                    id: ProgressId(Uuid::from_u128(12)),
                    project: ProjectId(Uuid::from_u128(1)),
                    day: day(3, 20),
                    text: "铺管".into(),
                    by: MemberId(Uuid::from_u128(1)),
                    at: 2,
                    attachments: Vec::new(),
                },
            ],
            meetings: vec![
                meeting(21, day(3, 1), Some(30)),
                meeting(22, day(3, 15), None),
                meeting(23, day(5, 1), None),
            ],
            ..Default::default()
        };
        let period = Period { from: day(2, 1), to: day(4, 30) };
        let v = village_ledger(&records, period, day(4, 30));
        let names: Vec<&str> = v.projects.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["项目1", "项目4", "项目2"], "open first, then the latest closed first");
        let open = &v.projects[0];
        assert_eq!(open.progress_count, 2);
        assert_eq!(open.latest_progress.as_ref().map(|u| u.text.as_str()), Some("铺管"));
        assert_eq!(open.funding_total, Some(50_000));
        let party = open.funding.iter().find(|f| f.code == "party_fees").expect("party fees line");
        assert_eq!(party.yuan, None, "a source not recorded stays unknown");
        assert_eq!(open.households, [HouseholdId(Uuid::from_u128(0xdead)).to_string()], "an unknown household by id");
        let dates: Vec<NaiveDate> = v.meetings.iter().map(|m| m.date).collect();
        assert_eq!(dates, [day(3, 15), day(3, 1)], "held in the period, the latest first");
        assert_eq!(v.meetings[0].attendance, None, "attendance not counted is unknown, not 0");
        assert_eq!(v.meetings[1].attendance, Some(30));
        assert_eq!(v.meetings[0].kind.zh, "党课");
    }

    #[test]
    fn a_project_closed_after_today_is_not_in_the_ledger_yet() {
        let records =
            VillageRecords { projects: vec![project(5, ProjectState::Done, Some(day(4, 20)))], ..Default::default() };
        let period = Period { from: day(4, 1), to: day(4, 30) };
        assert!(village_ledger(&records, period, day(4, 19)).projects.is_empty());
        assert_eq!(village_ledger(&records, period, day(4, 20)).projects.len(), 1);
    }

    #[test]
    fn the_ledger_shows_the_periods_year_situation_beside_the_last_and_the_plan_covering_it() {
        use taizhang_domain::{PlanId, PlanKind, PlanState};
        let me = MemberId(Uuid::from_u128(1));
        let situation = |year, income| VillageSituation {
            collective_income_yuan: Some(income),
            ..VillageSituation::empty(year, me, 1)
        };
        let plan = |n: u128, kind, year, state, due: Option<NaiveDate>| PlanItem {
            id: PlanId(Uuid::from_u128(n)),
            kind,
            year,
            title: format!("事项{n}"),
            target: String::new(),
            due,
            state,
            result: if state == PlanState::Open { String::new() } else { "完成".into() },
            closed_on: (state != PlanState::Open).then(|| day(3, 1)),
            recorded_by: me,
            recorded_at: 1,
            attachments: Vec::new(),
        };
        let records = VillageRecords {
            situations: vec![situation(2024, 30_000), situation(2025, 52_000), situation(2026, 86_000)],
            plans: vec![
                plan(1, PlanKind::ThreeYear, 2024, PlanState::Open, None), // covers 2024–2026
                plan(2, PlanKind::Yearly, 2026, PlanState::Done, Some(day(2, 1))),
                plan(3, PlanKind::Yearly, 2026, PlanState::Open, Some(day(4, 1))), // overdue on 4-30
                plan(4, PlanKind::Yearly, 2025, PlanState::Open, Some(day(4, 1))), // last year's
                plan(5, PlanKind::ThreeYear, 2023, PlanState::Open, None),         // ended 2025
                plan(6, PlanKind::Letter, 2026, PlanState::Open, Some(day(1, 10))),
            ],
            ..Default::default()
        };
        let v = village_ledger(&records, Period { from: day(4, 1), to: day(4, 30) }, day(4, 30));
        assert_eq!(v.year, 2026);
        assert_eq!(v.situation.as_ref().and_then(|x| x.collective_income_yuan), Some(86_000));
        assert_eq!(v.situation_previous.as_ref().map(|x| x.year), Some(2025), "the year before beside it");
        let titles: Vec<&str> = v.plans.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["事项1", "事项3", "事项2", "事项6"], "goals, the open plan items first, letters last");
        assert!(v.plans[1].overdue && !v.plans[2].overdue);
        assert_eq!(
            v.plan_progress,
            PlanProgress { items: 3, done: 1, missed: 0, open: 2, overdue: 1, letter: true },
            "the goal and two plan items of 2026; the letter apart"
        );
        let reports: Vec<(&str, &str)> = v.reports.iter().map(|s| (s.period.as_str(), s.state)).collect();
        assert_eq!(reports, [("2026-year", "not_yet"), ("2026-research", "not_yet")], "the year's two reports");
        let none = village_ledger(&VillageRecords::default(), Period { from: day(4, 1), to: day(4, 30) }, day(4, 30));
        assert!(none.situation.is_none() && none.plans.is_empty(), "nothing entered is shown as not entered");
    }
}
