//! The village's own ledger on the county and township pages (村级工作台账, issue 22): the
//! period's projects (open ones, and those closed in the period) with their funding by seed
//! 001's four sources, the households that benefit, the latest progress and the result, and
//! the meetings held in the period. The same records and period rules as the exports 项目台账
//! and 会议记录 ([`crate::tables`]); a meeting's attendance not counted stays unknown (`None`),
//! never 0, and a funding source not recorded stays `None`.

use chrono::NaiveDate;
use serde::Serialize;
use taizhang_domain::{Meeting, Project};
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

/// `GET /county/api/village/{id}/ledger`: the village ledger of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerView {
    pub from: NaiveDate,
    pub to: NaiveDate,
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
            day: u.day,
            text: u.text.clone(),
            by: member_name(r, u.by),
        }),
        progress_count: progress.len(),
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
    LedgerView {
        from: period.from,
        to: period.to,
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
                },
                ProgressUpdate {
                    id: ProgressId(Uuid::from_u128(12)),
                    project: ProjectId(Uuid::from_u128(1)),
                    day: day(3, 20),
                    text: "铺管".into(),
                    by: MemberId(Uuid::from_u128(1)),
                    at: 2,
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
}
