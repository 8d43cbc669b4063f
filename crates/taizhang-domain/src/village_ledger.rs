//! The village's own ledger (村级工作台账, issue 22), first slice: meetings and activities
//! (会议 / 活动: 村两委会议, 座谈会, 党课, 培训) and projects (项目: 民生实事 practical projects and
//! 帮扶专案 aid projects) with their funding by seed 001's four sources, the households that
//! benefit, their state, progress updates and the result they were closed with. These records
//! decide three of the seven ones (七个一): 上好一堂党课, 办好一批民生实事, 协调落实一批帮扶专案.
//!
//! All three record kinds live in the village registry. A progress update is a record of its own
//! (`progress/<uuid>`, naming its project), so updates added on two phones while both were
//! offline both survive the merge; the project record holds only what is edited as a whole.
//! Late records are never refused: only the future is (a meeting or a closing dated after today).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::validate::{day_in_range, not_after_today, not_future, text};
use crate::{DomainError, HouseholdId, LedgerView, Limits, MeetingId, MemberId, ProgressId, ProjectId, Timestamp};

/// Most households one project may name (they are kept in one field of at most 10,000
/// characters). A project for the whole village (a road, the water supply) names none: 全村受益.
pub const MAX_PROJECT_HOUSEHOLDS: usize = 250;
/// Most yuan one funding source may hold (一百亿: far above any village project).
pub const MAX_FUNDING_YUAN: i64 = 10_000_000_000;
/// Most people a meeting may count as attending.
pub const MAX_ATTENDANCE: u32 = 10_000;

/// What kind of meeting or activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    /// 村两委会议: the village party branch and villagers' committee together.
    Committee,
    /// 座谈会 (seed 001).
    Symposium,
    /// 党课 (seed 004: 上好一堂党课).
    PartyLecture,
    /// 培训.
    Training,
    /// 其他.
    Other,
}

impl MeetingKind {
    pub const ALL: [MeetingKind; 5] = [
        MeetingKind::Committee,
        MeetingKind::Symposium,
        MeetingKind::PartyLecture,
        MeetingKind::Training,
        MeetingKind::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            MeetingKind::Committee => "committee",
            MeetingKind::Symposium => "symposium",
            MeetingKind::PartyLecture => "party_lecture",
            MeetingKind::Training => "training",
            MeetingKind::Other => "other",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            MeetingKind::Committee => "村两委会议",
            MeetingKind::Symposium => "座谈会",
            MeetingKind::PartyLecture => "党课",
            MeetingKind::Training => "培训",
            MeetingKind::Other => "其他",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            MeetingKind::Committee => "village committee meeting",
            MeetingKind::Symposium => "symposium",
            MeetingKind::PartyLecture => "party lecture",
            MeetingKind::Training => "training",
            MeetingKind::Other => "other",
        }
    }
    /// Accepts the code or the Chinese word.
    pub fn from_code(s: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|k| k.code() == s || k.zh() == s).ok_or_else(|| DomainError::UnknownCode {
            field: "meeting kind",
            value: s.chars().take(40).collect(),
            expected: "committee (村两委会议), symposium (座谈会), party_lecture (党课), training (培训), other (其他)",
        })
    }
}

/// A meeting or activity the team held or took part in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: MeetingId,
    /// The day it was held (Asia/Shanghai).
    pub date: NaiveDate,
    pub kind: MeetingKind,
    /// Who led it (主持 / 主讲), a free name: leaders are often not team members.
    pub led_by: String,
    /// How many attended; `None` when nobody counted (unknown, not zero).
    pub attendance: Option<u32>,
    /// What was discussed or taught (议题 / 内容).
    pub topics: String,
    /// What was decided (决定事项); may be empty (a lecture decides nothing).
    pub decisions: String,
    pub recorded_by: MemberId,
    pub recorded_at: Timestamp,
}

/// A meeting: its recorder is of the team, it was held on or before today (a meeting recorded
/// weeks later is accepted), it says who led it and what it was about.
pub fn validate_meeting(
    m: &Meeting,
    view: &impl LedgerView,
    now: Timestamp,
    limits: &Limits,
) -> Result<(), DomainError> {
    if !view.member_exists(m.recorded_by) {
        return Err(DomainError::UnknownMember(m.recorded_by.to_string()));
    }
    day_in_range("meeting date", m.date)?;
    not_after_today(m.date, now)?;
    not_future(m.recorded_at, now, limits)?;
    text("who led the meeting", &m.led_by, limits.max_name_chars, true)?;
    text("meeting topics", &m.topics, limits.max_text_chars, true)?;
    text("meeting decisions", &m.decisions, limits.max_text_chars, false)?;
    if let Some(n) = m.attendance {
        if !(1..=MAX_ATTENDANCE).contains(&n) {
            return Err(DomainError::OutOfRange {
                field: "attendance",
                detail: format!("{n} people; give between 1 and {MAX_ATTENDANCE}, or leave it empty if nobody counted"),
            });
        }
    }
    Ok(())
}

/// 民生实事 or 帮扶专案 (seed 004: 办好一批民生实事, 协调落实一批帮扶专案).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectKind {
    /// 民生实事: a practical project for the villagers (a road, water, lights).
    Practical,
    /// 帮扶专案: an aid project coordinated with the sending unit or others.
    Aid,
}

impl ProjectKind {
    pub const ALL: [ProjectKind; 2] = [ProjectKind::Practical, ProjectKind::Aid];
    pub fn code(self) -> &'static str {
        match self {
            ProjectKind::Practical => "practical",
            ProjectKind::Aid => "aid",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            ProjectKind::Practical => "民生实事",
            ProjectKind::Aid => "帮扶专案",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            ProjectKind::Practical => "practical project",
            ProjectKind::Aid => "aid project",
        }
    }
    pub fn from_code(s: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|k| k.code() == s || k.zh() == s).ok_or_else(|| DomainError::UnknownCode {
            field: "project kind",
            value: s.chars().take(40).collect(),
            expected: "practical (民生实事), aid (帮扶专案)",
        })
    }
}

/// Where a project stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectState {
    /// 计划中
    Planned,
    /// 实施中
    Underway,
    /// 已完成: closed with its result.
    Done,
    /// 已终止: closed without being delivered, with the reason.
    Dropped,
}

impl ProjectState {
    pub const ALL: [ProjectState; 4] =
        [ProjectState::Planned, ProjectState::Underway, ProjectState::Done, ProjectState::Dropped];
    pub fn code(self) -> &'static str {
        match self {
            ProjectState::Planned => "planned",
            ProjectState::Underway => "underway",
            ProjectState::Done => "done",
            ProjectState::Dropped => "dropped",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            ProjectState::Planned => "计划中",
            ProjectState::Underway => "实施中",
            ProjectState::Done => "已完成",
            ProjectState::Dropped => "已终止",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            ProjectState::Planned => "planned",
            ProjectState::Underway => "underway",
            ProjectState::Done => "done",
            ProjectState::Dropped => "dropped",
        }
    }
    /// Done or dropped: the project is closed and carries a closing day and result.
    pub fn is_closed(self) -> bool {
        matches!(self, ProjectState::Done | ProjectState::Dropped)
    }
    pub fn from_code(s: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|k| k.code() == s || k.zh() == s).ok_or_else(|| DomainError::UnknownCode {
            field: "project state",
            value: s.chars().take(40).collect(),
            expected: "planned (计划中), underway (实施中), done (已完成), dropped (已终止)",
        })
    }
}

/// A project's money in yuan by seed 001's four sources (资金来源); `None` is "not recorded",
/// never zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funding {
    /// 集体自筹: raised by the village collective.
    pub collective: Option<i64>,
    /// 财政投入: government budget.
    pub fiscal: Option<i64>,
    /// 党费补贴: party membership dues subsidy.
    pub party_fees: Option<i64>,
    /// 城乡统筹: urban-rural integration funds.
    pub urban_rural: Option<i64>,
}

impl Funding {
    /// Each source with its code, Chinese and English words, in seed 001's order.
    pub fn sources(&self) -> [(&'static str, &'static str, &'static str, Option<i64>); 4] {
        [
            ("collective", "集体自筹", "raised by the collective", self.collective),
            ("fiscal", "财政投入", "government budget", self.fiscal),
            ("party_fees", "党费补贴", "party dues subsidy", self.party_fees),
            ("urban_rural", "城乡统筹", "urban-rural integration funds", self.urban_rural),
        ]
    }
    /// The sum of the sources recorded; `None` when none is.
    pub fn total(&self) -> Option<i64> {
        let known: Vec<i64> = self.sources().iter().filter_map(|s| s.3).collect();
        (!known.is_empty()).then(|| known.iter().sum())
    }
}

/// A project of the village (项目). Its progress updates are records of their own
/// ([`ProgressUpdate`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: ProjectId,
    pub name: String,
    pub kind: ProjectKind,
    pub funding: Funding,
    /// The households that benefit (受益农户), households of the village registry; empty for a
    /// project of the whole village (全村受益) or when not recorded.
    pub households: Vec<HouseholdId>,
    pub state: ProjectState,
    /// The day work started, if known.
    pub started_on: Option<NaiveDate>,
    pub created_by: MemberId,
    pub created_at: Timestamp,
    /// Set when closed (done or dropped): the day, who closed it and the result (or the reason
    /// it was dropped).
    pub closed_on: Option<NaiveDate>,
    pub closed_by: Option<MemberId>,
    pub result: String,
}

impl Project {
    /// Done, closed on a day in `from..=to`.
    pub fn done_between(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.state == ProjectState::Done && self.closed_on.is_some_and(|d| from <= d && d <= to)
    }
}

/// A project: a name, members and households of the village, each source of money between 0
/// and [`MAX_FUNDING_YUAN`], and a closed project (done or dropped) with its day, closer and
/// result while an open one has none. Days must not lie after today; a project recorded or
/// closed long ago is accepted.
pub fn validate_project(
    p: &Project,
    view: &impl LedgerView,
    now: Timestamp,
    limits: &Limits,
) -> Result<(), DomainError> {
    text("project name", &p.name, limits.max_name_chars, true)?;
    for m in [Some(p.created_by), p.closed_by].into_iter().flatten() {
        if !view.member_exists(m) {
            return Err(DomainError::UnknownMember(m.to_string()));
        }
    }
    if p.households.len() > MAX_PROJECT_HOUSEHOLDS {
        return Err(DomainError::OutOfRange {
            field: "households that benefit",
            detail: format!("{} households; at most {MAX_PROJECT_HOUSEHOLDS}", p.households.len()),
        });
    }
    for h in &p.households {
        if !view.household_exists(*h) {
            return Err(DomainError::UnknownHousehold(h.to_string()));
        }
    }
    for (code, _, _, yuan) in p.funding.sources() {
        if let Some(y) = yuan {
            if !(0..=MAX_FUNDING_YUAN).contains(&y) {
                return Err(DomainError::OutOfRange {
                    field: "funding",
                    detail: format!("{code}: {y} yuan; give whole yuan between 0 and {MAX_FUNDING_YUAN}"),
                });
            }
        }
    }
    not_future(p.created_at, now, limits)?;
    if let Some(d) = p.started_on {
        day_in_range("project start day", d)?;
        not_after_today(d, now)?;
    }
    text("project result", &p.result, limits.max_text_chars, false)?;
    if p.state.is_closed() {
        let Some(day) = p.closed_on else {
            return Err(DomainError::Empty { field: "the day the project was closed" });
        };
        if p.closed_by.is_none() {
            return Err(DomainError::Empty { field: "who closed the project" });
        }
        text("project result (what was delivered, or why it was dropped)", &p.result, limits.max_text_chars, true)?;
        day_in_range("project closing day", day)?;
        not_after_today(day, now)?;
        if let Some(start) = p.started_on {
            if day < start {
                return Err(DomainError::OutOfRange {
                    field: "project closing day",
                    detail: format!("{day} is before the project started ({start}): give the day it ended"),
                });
            }
        }
    } else if p.closed_on.is_some() || p.closed_by.is_some() {
        return Err(DomainError::OutOfRange {
            field: "project state",
            detail: format!(
                "a {} ({}) project has no closing day or closer: close it as done or dropped instead",
                p.state.code(),
                p.state.zh()
            ),
        });
    }
    Ok(())
}

/// One progress update of a project (项目进展): what happened on a day, by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressUpdate {
    pub id: ProgressId,
    pub project: ProjectId,
    /// The day it happened (Asia/Shanghai).
    pub day: NaiveDate,
    pub text: String,
    pub by: MemberId,
    pub at: Timestamp,
    /// Photos and scans of the work (issue 19) by hash, as on a visit; none on an older update.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// A progress update: its project and member exist, its day is not after today, its text is
/// written, its photos are hashes (20 at most, none twice). Updates recorded weeks later are accepted.
pub fn validate_progress(
    u: &ProgressUpdate,
    view: &impl LedgerView,
    now: Timestamp,
    limits: &Limits,
) -> Result<(), DomainError> {
    if !view.project_exists(u.project) {
        return Err(DomainError::UnknownProject(u.project.to_string()));
    }
    if !view.member_exists(u.by) {
        return Err(DomainError::UnknownMember(u.by.to_string()));
    }
    day_in_range("progress day", u.day)?;
    not_after_today(u.day, now)?;
    not_future(u.at, now, limits)?;
    text("progress update", &u.text, limits.max_text_chars, true)?;
    crate::validate_attachments(&u.attachments)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DiaryId, YearMonth};
    use uuid::Uuid;

    struct View;
    impl LedgerView for View {
        fn household_exists(&self, id: HouseholdId) -> bool {
            id.0.as_u128() < 10
        }
        fn member_exists(&self, id: MemberId) -> bool {
            id == MemberId(Uuid::from_u128(2)) || id == MemberId(Uuid::from_u128(3))
        }
        fn month_filed(&self, _: MemberId, _: YearMonth) -> bool {
            false
        }
        fn diary_entry_exists(&self, _: DiaryId) -> bool {
            false
        }
        fn project_exists(&self, id: ProjectId) -> bool {
            id == ProjectId(Uuid::from_u128(7))
        }
    }

    /// 2026-05-29 in Shanghai.
    const NOW: Timestamp = 1_780_000_000_000;
    const DAY: i64 = 86_400_000;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("day")
    }

    fn lecture() -> Meeting {
        Meeting {
            id: MeetingId(Uuid::from_u128(1)),
            date: day(2026, 5, 20),
            kind: MeetingKind::PartyLecture,
            led_by: "李书记".into(),
            attendance: Some(23),
            topics: "学习党章".into(),
            decisions: String::new(),
            recorded_by: MemberId(Uuid::from_u128(2)),
            recorded_at: NOW - 1000,
        }
    }

    fn road() -> Project {
        Project {
            id: ProjectId(Uuid::from_u128(7)),
            name: "三组通组路硬化".into(),
            kind: ProjectKind::Practical,
            funding: Funding { collective: Some(20_000), fiscal: Some(150_000), party_fees: None, urban_rural: None },
            households: vec![HouseholdId(Uuid::from_u128(1)), HouseholdId(Uuid::from_u128(2))],
            state: ProjectState::Underway,
            started_on: Some(day(2026, 4, 1)),
            created_by: MemberId(Uuid::from_u128(2)),
            created_at: NOW - 10 * DAY,
            closed_on: None,
            closed_by: None,
            result: String::new(),
        }
    }

    fn closed() -> Project {
        Project {
            state: ProjectState::Done,
            closed_on: Some(day(2026, 5, 25)),
            closed_by: Some(MemberId(Uuid::from_u128(3))),
            result: "1.2公里路面硬化完成,已验收".into(),
            ..road()
        }
    }

    #[test]
    fn a_meeting_passes_and_a_late_one_too() {
        let l = Limits::default();
        assert_eq!(validate_meeting(&lecture(), &View, NOW, &l), Ok(()));
        // Held a year ago, recorded now: never refused for arriving late.
        let late = Meeting { date: day(2025, 5, 20), attendance: None, ..lecture() };
        assert_eq!(validate_meeting(&late, &View, NOW, &l), Ok(()));
    }

    #[test]
    fn bad_meetings_are_refused_with_what_to_do() {
        let l = Limits::default();
        let v = |m: Meeting| validate_meeting(&m, &View, NOW, &l);
        assert_eq!(v(Meeting { topics: " ".into(), ..lecture() }), Err(DomainError::Empty { field: "meeting topics" }));
        assert_eq!(
            v(Meeting { led_by: String::new(), ..lecture() }),
            Err(DomainError::Empty { field: "who led the meeting" })
        );
        assert!(matches!(v(Meeting { date: day(2026, 6, 1), ..lecture() }), Err(DomainError::FutureDate { .. })));
        assert!(matches!(v(Meeting { attendance: Some(0), ..lecture() }), Err(DomainError::OutOfRange { .. })));
        assert!(matches!(
            v(Meeting { recorded_by: MemberId(Uuid::from_u128(9)), ..lecture() }),
            Err(DomainError::UnknownMember(_))
        ));
        let e = v(Meeting { attendance: Some(0), ..lecture() }).expect_err("zero");
        assert!(e.to_string().contains("leave it empty"), "{e}");
    }

    #[test]
    fn kinds_and_states_read_from_codes_and_words() {
        assert_eq!(MeetingKind::from_code("党课"), Ok(MeetingKind::PartyLecture));
        assert_eq!(MeetingKind::from_code("symposium"), Ok(MeetingKind::Symposium));
        assert!(MeetingKind::from_code("party").is_err());
        assert_eq!(ProjectKind::from_code("帮扶专案"), Ok(ProjectKind::Aid));
        assert_eq!(ProjectState::from_code("已完成"), Ok(ProjectState::Done));
        for s in ProjectState::ALL {
            assert_eq!(ProjectState::from_code(s.code()), Ok(s));
        }
    }

    #[test]
    fn projects_open_and_closed_pass() {
        let l = Limits::default();
        assert_eq!(validate_project(&road(), &View, NOW, &l), Ok(()));
        assert_eq!(validate_project(&closed(), &View, NOW, &l), Ok(()));
        assert_eq!(road().funding.total(), Some(170_000));
        assert_eq!(Funding::default().total(), None, "nothing recorded is unknown, not 0");
        assert!(closed().done_between(day(2026, 5, 1), day(2026, 5, 31)));
        assert!(!closed().done_between(day(2026, 6, 1), day(2026, 6, 30)));
        assert!(!road().done_between(day(2026, 1, 1), day(2026, 12, 31)));
        // Closed a year ago and recorded now: accepted.
        let old = Project { started_on: None, closed_on: Some(day(2025, 5, 1)), ..closed() };
        assert_eq!(validate_project(&old, &View, NOW, &l), Ok(()));
    }

    #[test]
    fn bad_projects_are_refused_with_what_to_do() {
        let l = Limits::default();
        let v = |p: Project| validate_project(&p, &View, NOW, &l);
        assert_eq!(v(Project { name: " ".into(), ..road() }), Err(DomainError::Empty { field: "project name" }));
        assert!(matches!(
            v(Project { households: vec![HouseholdId(Uuid::from_u128(99))], ..road() }),
            Err(DomainError::UnknownHousehold(_))
        ));
        let minus = Funding { fiscal: Some(-5), ..Funding::default() };
        assert!(matches!(v(Project { funding: minus, ..road() }), Err(DomainError::OutOfRange { .. })));
        assert!(matches!(v(Project { closed_on: None, ..closed() }), Err(DomainError::Empty { .. })));
        assert!(matches!(v(Project { closed_by: None, ..closed() }), Err(DomainError::Empty { .. })));
        assert!(matches!(v(Project { result: String::new(), ..closed() }), Err(DomainError::Empty { .. })));
        assert!(matches!(
            v(Project { state: ProjectState::Underway, ..closed() }),
            Err(DomainError::OutOfRange { .. })
        ));
        assert!(matches!(
            v(Project { closed_on: Some(day(2026, 3, 1)), ..closed() }),
            Err(DomainError::OutOfRange { .. })
        ));
        assert!(matches!(
            v(Project { closed_on: Some(day(2026, 7, 1)), ..closed() }),
            Err(DomainError::FutureDate { .. })
        ));
    }

    #[test]
    fn progress_updates_need_their_project() {
        let l = Limits::default();
        let u = ProgressUpdate {
            id: ProgressId(Uuid::from_u128(11)),
            project: ProjectId(Uuid::from_u128(7)),
            day: day(2026, 5, 2),
            text: "路基完成".into(),
            by: MemberId(Uuid::from_u128(3)),
            at: NOW - DAY,
            attachments: vec!["c".repeat(64)],
        };
        assert_eq!(validate_progress(&u, &View, NOW, &l), Ok(()));
        let many: Vec<String> = (0..21).map(|n| format!("{n:064x}")).collect();
        let e = validate_progress(&ProgressUpdate { attachments: many, ..u.clone() }, &View, NOW, &l)
            .expect_err("21 photos");
        assert!(e.to_string().contains("at most 20"), "{e}");
        let e =
            validate_progress(&ProgressUpdate { project: ProjectId(Uuid::from_u128(8)), ..u.clone() }, &View, NOW, &l)
                .expect_err("no project");
        assert!(e.to_string().contains("pick a project"), "{e}");
        assert!(validate_progress(&ProgressUpdate { text: String::new(), ..u.clone() }, &View, NOW, &l).is_err());
        assert!(validate_progress(&ProgressUpdate { day: day(2026, 6, 2), ..u }, &View, NOW, &l).is_err());
    }
}
