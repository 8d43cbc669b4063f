//! The village ledger screen (村级台账, issue 22): meetings and activities (会议 / 活动) and
//! projects (项目) recorded offline, a project's progress updates and its closing with a result.
//! Every record goes through `taizhang_client::Ledger`, which validates it with the domain (a
//! day after today, a missing topic, a project closed without its result are refused there,
//! with the domain's words); a meeting recorded weeks later is accepted for its own day.

use std::collections::BTreeMap;

use taizhang_client::Ledger;
use taizhang_domain::{
    local_date, FollowUpId, Funding, HouseholdId, Meeting, MeetingId, MeetingKind, MemberId, ProgressId,
    ProgressUpdate, Project, ProjectId, ProjectKind, ProjectState, Timestamp,
};
use taizhang_store::HouseholdQuery;
use uuid::Uuid;

use crate::contract::{
    CloseProjectRequest, FollowUpToProjectRequest, HouseholdPick, JoinProjectRequest, MeetingInput, MeetingItem,
    MeetingKindCode, ProgressInput, ProgressItem, ProjectInput, ProjectItem, ProjectKindCode, ProjectStateCode,
    VillageLedgerView,
};
use crate::core::{parse_date, parse_id};
use crate::{AppCore, AppError};

fn meeting_kind(k: MeetingKindCode) -> MeetingKind {
    match k {
        MeetingKindCode::Committee => MeetingKind::Committee,
        MeetingKindCode::Symposium => MeetingKind::Symposium,
        MeetingKindCode::PartyLecture => MeetingKind::PartyLecture,
        MeetingKindCode::Training => MeetingKind::Training,
        MeetingKindCode::Other => MeetingKind::Other,
    }
}

fn meeting_code(k: MeetingKind) -> MeetingKindCode {
    match k {
        MeetingKind::Committee => MeetingKindCode::Committee,
        MeetingKind::Symposium => MeetingKindCode::Symposium,
        MeetingKind::PartyLecture => MeetingKindCode::PartyLecture,
        MeetingKind::Training => MeetingKindCode::Training,
        MeetingKind::Other => MeetingKindCode::Other,
    }
}

fn project_kind(k: ProjectKindCode) -> ProjectKind {
    match k {
        ProjectKindCode::Practical => ProjectKind::Practical,
        ProjectKindCode::Aid => ProjectKind::Aid,
    }
}

fn state_of(s: ProjectStateCode) -> ProjectState {
    match s {
        ProjectStateCode::Planned => ProjectState::Planned,
        ProjectStateCode::Underway => ProjectState::Underway,
        ProjectStateCode::Done => ProjectState::Done,
        ProjectStateCode::Dropped => ProjectState::Dropped,
    }
}

pub(crate) fn state_code(s: ProjectState) -> ProjectStateCode {
    match s {
        ProjectState::Planned => ProjectStateCode::Planned,
        ProjectState::Underway => ProjectStateCode::Underway,
        ProjectState::Done => ProjectStateCode::Done,
        ProjectState::Dropped => ProjectStateCode::Dropped,
    }
}

/// Members' names and households' heads (with their group), by id.
struct Names {
    members: BTreeMap<MemberId, String>,
    heads: BTreeMap<HouseholdId, String>,
}

impl Names {
    fn of(l: &Ledger) -> Result<Self, AppError> {
        let store = l.store();
        Ok(Names {
            members: crate::core::names(store)?,
            // The head with the village group: namesakes are common in a village.
            heads: store
                .households(&HouseholdQuery::default())?
                .into_iter()
                .map(|h| {
                    let r = h.record;
                    let shown = if r.group.is_empty() { r.head } else { format!("{}（{}）", r.head, r.group) };
                    (r.id, shown)
                })
                .collect(),
        })
    }
    fn member(&self, m: MemberId) -> String {
        self.members.get(&m).cloned().unwrap_or_default()
    }
}

fn meeting_item(m: &Meeting, names: &Names) -> MeetingItem {
    MeetingItem {
        id: m.id.to_string(),
        date: m.date.to_string(),
        kind: meeting_code(m.kind),
        led_by: m.led_by.clone(),
        attendance: m.attendance,
        topics: m.topics.clone(),
        decisions: m.decisions.clone(),
        recorded_by_name: names.member(m.recorded_by),
    }
}

/// What the items linked to a project mean now, in words: how many stay open, and that
/// closing the project closes none of them.
fn linked_words(p: &Project, total: usize, open: usize) -> (String, String) {
    match (total, open, p.state.is_closed()) {
        (0, _, _) => (String::new(), String::new()),
        (t, 0, _) => (format!("关联承诺事项 {t} 项，均已办结"), format!("{t} linked follow-up item(s), all done")),
        (t, o, false) => {
            (format!("关联承诺事项 {t} 项，{o} 项待办"), format!("{t} linked follow-up item(s), {o} still open"))
        }
        (_, o, true) => (
            format!("项目已{}，仍有 {o} 项承诺事项待办：项目办结不会自动办结承诺事项，请逐项办结", p.state.zh()),
            format!(
                "the project is {}; {o} follow-up item(s) are still open: closing a project does not close them, \
                 close each one",
                p.state.en()
            ),
        ),
    }
}

fn project_item(l: &Ledger, p: &Project, names: &Names, now: Timestamp) -> Result<ProjectItem, AppError> {
    let k = crate::followups::lookups(l)?;
    let me = l.member();
    let follow_ups: Vec<_> = l
        .store()
        .follow_ups_of_project(p.id)?
        .iter()
        .map(|r| crate::followups::follow_up_item(&r.record, me, k.all(), now))
        .collect();
    let open = follow_ups.iter().filter(|f| !f.done).count();
    let (follow_ups_words_zh, follow_ups_words_en) = linked_words(p, follow_ups.len(), open);
    let progress = l
        .store()
        .progress_of(p.id)?
        .into_iter()
        .map(|r| ProgressItem {
            id: r.record.id.to_string(),
            day: r.record.day.to_string(),
            text: r.record.text.clone(),
            by_name: names.member(r.record.by),
            photos: r.record.attachments.len() as u32,
        })
        .collect();
    Ok(ProjectItem {
        id: p.id.to_string(),
        name: p.name.clone(),
        kind: match p.kind {
            ProjectKind::Practical => ProjectKindCode::Practical,
            ProjectKind::Aid => ProjectKindCode::Aid,
        },
        state: state_code(p.state),
        funding_collective: p.funding.collective,
        funding_fiscal: p.funding.fiscal,
        funding_party_fees: p.funding.party_fees,
        funding_urban_rural: p.funding.urban_rural,
        funding_total: p.funding.total(),
        household_ids: p.households.iter().map(|h| h.to_string()).collect(),
        household_heads: p
            .households
            .iter()
            .map(|h| names.heads.get(h).cloned().unwrap_or_else(|| h.to_string()))
            .collect(),
        started_on: p.started_on.map(|d| d.to_string()),
        progress,
        closed_on: p.closed_on.map(|d| d.to_string()),
        closed_by_name: p.closed_by.map(|m| names.member(m)),
        result: p.result.clone(),
        created_by_name: names.member(p.created_by),
        open_follow_ups: open as u32,
        follow_ups,
        follow_ups_words_zh,
        follow_ups_words_en,
    })
}

fn view(l: &Ledger, now: Timestamp) -> Result<VillageLedgerView, AppError> {
    let names = Names::of(l)?;
    let store = l.store();
    let meetings = store.meetings(None, None, None)?.iter().map(|r| meeting_item(&r.record, &names)).collect();
    let projects =
        store.projects(None)?.iter().map(|r| project_item(l, &r.record, &names, now)).collect::<Result<Vec<_>, _>>()?;
    let households = store
        .households(&HouseholdQuery::default())?
        .into_iter()
        .map(|h| HouseholdPick { id: h.record.id.to_string(), head: h.record.head, group: h.record.group })
        .collect();
    Ok(VillageLedgerView { today: local_date(now).to_string(), meetings, projects, households })
}

fn project_of(l: &Ledger, id: ProjectId) -> Result<Project, AppError> {
    l.store()
        .project(id)?
        .map(|r| r.record)
        .ok_or_else(|| AppError::invalid("projectId", "pick a project from the list / 请从列表中选择项目"))
}

impl AppCore {
    /// The village ledger screen: every meeting (the latest first) and project (open first)
    /// this device holds, and the households to pick from.
    pub async fn village_ledger(&self) -> Result<VillageLedgerView, AppError> {
        let now = self.now();
        self.with(|l| view(l, now)).await
    }

    /// Records a meeting or activity, by this device's member; with an `id`, corrects that
    /// meeting (only the fields that changed are written, so a colleague's correction of
    /// another field on another phone survives).
    pub async fn record_meeting(&self, m: MeetingInput) -> Result<MeetingItem, AppError> {
        let now = self.now();
        let date = parse_date("date", &m.date)?;
        let id = m.id.as_deref().map(|id| parse_id::<MeetingId>("meetingId", id)).transpose()?;
        self.with(|l| {
            let me = Self::me_synced(l)?;
            let earlier = match id {
                None => None,
                Some(id) => Some(
                    l.store()
                        .meetings(None, None, None)?
                        .into_iter()
                        .map(|r| r.record)
                        .find(|m| m.id == id)
                        .ok_or_else(|| {
                            AppError::invalid("meetingId", "pick a meeting from the list / 请从列表中选择会议")
                        })?,
                ),
            };
            let meeting = Meeting {
                id: earlier.as_ref().map_or_else(|| MeetingId(Uuid::now_v7()), |e| e.id),
                date,
                kind: meeting_kind(m.kind),
                led_by: m.led_by.trim().to_string(),
                attendance: m.attendance,
                topics: m.topics.trim().to_string(),
                decisions: m.decisions.trim().to_string(),
                recorded_by: earlier.as_ref().map_or(me.id, |e| e.recorded_by),
                recorded_at: earlier.as_ref().map_or(now, |e| e.recorded_at),
            };
            l.put_meeting(&meeting, now)?;
            Ok(meeting_item(&meeting, &Names::of(l)?))
        })
        .await
    }

    /// Makes a project (planned or underway), by this device's member.
    pub async fn add_project(&self, p: ProjectInput) -> Result<ProjectItem, AppError> {
        let now = self.now();
        let started_on = match p.started_on.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => Some(parse_date("startedOn", d)?),
        };
        let households = p
            .household_ids
            .iter()
            .map(|h| parse_id::<HouseholdId>("householdIds", h))
            .collect::<Result<Vec<_>, _>>()?;
        let id = p.id.as_deref().map(|id| parse_id::<ProjectId>("projectId", id)).transpose()?;
        let state = state_of(p.state);
        if id.is_none() && state.is_closed() {
            return Err(AppError::invalid(
                "state",
                "a new project is planned or underway: close it afterwards with its result / 新项目为计划中或实施中，办结时再填写结果",
            ));
        }
        self.with(|l| {
            let me = Self::me_synced(l)?;
            if let Some(id) = id {
                // A correction: the new name, kind, money, households and start day; the state
                // moves only between planned and underway (closing has its own command).
                let mut project = project_of(l, id)?;
                project.name = p.name.trim().to_string();
                project.kind = project_kind(p.kind);
                project.funding = Funding {
                    collective: p.funding_collective,
                    fiscal: p.funding_fiscal,
                    party_fees: p.funding_party_fees,
                    urban_rural: p.funding_urban_rural,
                };
                project.households = households;
                project.started_on = started_on;
                if !project.state.is_closed() && !state.is_closed() {
                    project.state = state;
                }
                l.put_project(&project, now)?;
                return project_item(l, &project, &Names::of(l)?, now);
            }
            let project = Project {
                id: ProjectId(Uuid::now_v7()),
                name: p.name.trim().to_string(),
                kind: project_kind(p.kind),
                funding: Funding {
                    collective: p.funding_collective,
                    fiscal: p.funding_fiscal,
                    party_fees: p.funding_party_fees,
                    urban_rural: p.funding_urban_rural,
                },
                households,
                state,
                started_on,
                created_by: me.id,
                created_at: now,
                closed_on: None,
                closed_by: None,
                result: String::new(),
            };
            l.put_project(&project, now)?;
            project_item(l, &project, &Names::of(l)?, now)
        })
        .await
    }

    /// Adds a progress update to a project; a planned project becomes underway.
    pub async fn add_progress(&self, u: ProgressInput) -> Result<ProjectItem, AppError> {
        let now = self.now();
        let project: ProjectId = parse_id("projectId", &u.project_id)?;
        let day = parse_date("day", &u.day)?;
        self.with(|l| {
            let me = Self::me_synced(l)?;
            project_of(l, project)?;
            let attachments = crate::attachments::with_added(l.store(), &[], &u.attachments, "progress update")?;
            let update = ProgressUpdate {
                id: ProgressId(Uuid::now_v7()),
                project,
                day,
                text: u.text.trim().to_string(),
                by: me.id,
                at: now,
                attachments,
            };
            l.add_progress(&update, now)?;
            l.store().bind_attachments(&update.attachments, "progress", &update.id.to_string())?;
            let p = project_of(l, project)?;
            project_item(l, &p, &Names::of(l)?, now)
        })
        .await
    }

    /// Closes a project as done (with its result) or dropped (with the reason).
    pub async fn close_project(&self, c: CloseProjectRequest) -> Result<ProjectItem, AppError> {
        let now = self.now();
        let project: ProjectId = parse_id("projectId", &c.project_id)?;
        let day = parse_date("day", &c.day)?;
        self.with(|l| {
            let me = Self::me_synced(l)?;
            project_of(l, project)?;
            let p = l.close_project(project, state_of(c.state), day, &c.result, me.id, now)?;
            project_item(l, &p, &Names::of(l)?, now)
        })
        .await
    }

    /// Turns a follow-up item into a project (转为项目): a new project, planned, named after the
    /// item (or the name given), its household benefiting, made by this device's member; the
    /// item is then linked to it and stays open (it is closed by itself, as ever).
    pub async fn follow_up_to_project(&self, r: FollowUpToProjectRequest) -> Result<ProjectItem, AppError> {
        let now = self.now();
        let id: FollowUpId = parse_id("id", &r.id)?;
        self.with(|l| {
            let me = Self::me_synced(l)?;
            let item = follow_up_of(l, id)?;
            if let Some(p) = item.project {
                return Err(AppError::invalid(
                    "id",
                    format!("this follow-up item is already linked to project {p} / 该承诺事项已关联项目"),
                ));
            }
            let name = r.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).unwrap_or(item.text.trim());
            // A project's name is short; a long promise is cut at the limit (the item keeps its text).
            let name: String = name.chars().take(taizhang_domain::Limits::default().max_name_chars).collect();
            let project = Project {
                id: ProjectId(Uuid::now_v7()),
                name,
                kind: project_kind(r.kind),
                funding: Funding::default(),
                households: vec![item.household],
                state: ProjectState::Planned,
                started_on: None,
                created_by: me.id,
                created_at: now,
                closed_on: None,
                closed_by: None,
                result: String::new(),
            };
            let linked = taizhang_domain::FollowUp { project: Some(project.id), ..item };
            // The project and the item's link in one change: neither is saved without the other.
            l.project_from_follow_up(&project, &linked, now)?;
            project_item(l, &project, &Names::of(l)?, now)
        })
        .await
    }

    /// Links a follow-up item to an existing project (并入项目). The link is on the item, so
    /// two phones linking two items to one project while offline both keep theirs. An item
    /// already linked moves to the project given.
    pub async fn join_project(&self, r: JoinProjectRequest) -> Result<ProjectItem, AppError> {
        let now = self.now();
        let id: FollowUpId = parse_id("id", &r.id)?;
        let project: ProjectId = parse_id("projectId", &r.project_id)?;
        self.with(|l| {
            Self::me_synced(l)?;
            let p = project_of(l, project)?;
            let item = follow_up_of(l, id)?;
            if item.project != Some(project) {
                l.put_follow_up(&taizhang_domain::FollowUp { project: Some(project), ..item }, now)?;
            }
            project_item(l, &p, &Names::of(l)?, now)
        })
        .await
    }
}

fn follow_up_of(l: &Ledger, id: FollowUpId) -> Result<taizhang_domain::FollowUp, AppError> {
    l.store()
        .follow_up(id)?
        .map(|r| r.record)
        .ok_or_else(|| AppError::invalid("id", "pick a follow-up item from the list / 请从列表中选择承诺事项"))
}
