//! Follow-up items (承诺事项 / 待办, issue 16) on the app's screens: the to-do list of Today
//! (open items, the device member's first, overdue ones flagged), a promise made with a visit,
//! and closing an item (办结) with a note; and the inspection findings (检查发现的问题) the
//! township or county wrote, answered (整改) from Today or the household screen.

use std::collections::BTreeMap;

use taizhang_client::Ledger;
use taizhang_domain::{
    local_date, Finding, FindingId, FollowUp, FollowUpId, HouseholdId, MemberId, ProjectId, ProjectState, Timestamp,
};
use uuid::Uuid;

use crate::contract::{FindingItem, FollowUpItem};
use crate::AppError;

/// The village's projects by id: name and state.
pub(crate) type Projects = BTreeMap<ProjectId, (String, ProjectState)>;

pub(crate) fn projects(l: &Ledger) -> Result<Projects, AppError> {
    Ok(l.store().projects(None)?.into_iter().map(|r| (r.record.id, (r.record.name, r.record.state))).collect())
}

/// The words of one item for the screen.
pub(crate) fn follow_up_item(
    f: &FollowUp,
    me: Option<MemberId>,
    (names, heads, projects): (&BTreeMap<MemberId, String>, &BTreeMap<HouseholdId, String>, &Projects),
    now: Timestamp,
) -> FollowUpItem {
    let name = |m: MemberId| names.get(&m).cloned().unwrap_or_default();
    let project = f.project.and_then(|p| projects.get(&p));
    FollowUpItem {
        id: f.id.to_string(),
        household_id: f.household.to_string(),
        household_head: heads.get(&f.household).cloned().unwrap_or_default(),
        text: f.text.clone(),
        owner_name: name(f.owner),
        mine: me == Some(f.owner),
        due: f.due.map(|d| d.to_string()),
        overdue: f.overdue(local_date(now)),
        done: f.is_done(),
        done_by_name: f.done_by.map(name),
        done_at: f.done_at,
        done_note: f.done_note.clone(),
        project_id: f.project.map(|p| p.to_string()),
        project_name: project.map(|(n, _)| n.clone()).unwrap_or_default(),
        project_state: project.map(|(_, s)| crate::village_ledger::state_code(*s)),
        photos: f.attachments.len() as u32,
    }
}

/// Members' names, households' heads and projects, by id.
pub(crate) struct Lookups {
    pub(crate) names: BTreeMap<MemberId, String>,
    pub(crate) heads: BTreeMap<HouseholdId, String>,
    pub(crate) projects: Projects,
}

impl Lookups {
    pub(crate) fn all(&self) -> (&BTreeMap<MemberId, String>, &BTreeMap<HouseholdId, String>, &Projects) {
        (&self.names, &self.heads, &self.projects)
    }
}

pub(crate) fn lookups(l: &Ledger) -> Result<Lookups, AppError> {
    let store = l.store();
    let names = crate::core::names(store)?;
    let heads = store.households(&Default::default())?.into_iter().map(|h| (h.record.id, h.record.head)).collect();
    Ok(Lookups { names, heads, projects: projects(l)? })
}

/// The open items of the village: the device member's first, then by due day.
pub(crate) fn open_items(l: &Ledger, now: Timestamp) -> Result<Vec<FollowUpItem>, AppError> {
    let k = lookups(l)?;
    let me = l.member();
    Ok(l.store().open_follow_ups(me)?.iter().map(|r| follow_up_item(&r.record, me, k.all(), now)).collect())
}

/// Every item of one household, open ones first.
pub(crate) fn household_items(l: &Ledger, id: HouseholdId, now: Timestamp) -> Result<Vec<FollowUpItem>, AppError> {
    let k = lookups(l)?;
    let me = l.member();
    Ok(l.store().follow_ups_of_household(id)?.iter().map(|r| follow_up_item(&r.record, me, k.all(), now)).collect())
}

/// The item a visit's promise (its follow-up text) becomes: owned by the visitor.
pub(crate) fn promise_of_visit(
    v: &taizhang_domain::Visit,
    due: Option<chrono::NaiveDate>,
    now: Timestamp,
) -> Option<FollowUp> {
    if v.follow_up.trim().is_empty() {
        return None;
    }
    Some(FollowUp {
        id: FollowUpId(Uuid::now_v7()),
        household: v.household,
        visit: Some(v.id),
        text: v.follow_up.trim().to_string(),
        owner: v.member,
        due,
        created_by: v.member,
        created_at: now,
        done_by: None,
        done_at: None,
        done_note: String::new(),
        project: None,
        attachments: Vec::new(),
    })
}

/// Closes item `id` as done by this device's member.
pub(crate) fn close(l: &mut Ledger, id: FollowUpId, note: &str, now: Timestamp) -> Result<FollowUpItem, AppError> {
    let me = l.member().ok_or(AppError::NotJoined)?;
    let f = l.close_follow_up(id, me, note, now)?;
    Ok(follow_up_item(&f, Some(me), lookups(l)?.all(), now))
}

/// The words of one finding for the screen.
fn finding_item(f: &Finding, names: &BTreeMap<MemberId, String>, heads: &BTreeMap<HouseholdId, String>) -> FindingItem {
    let name = |m: MemberId| names.get(&m).cloned().unwrap_or_default();
    FindingItem {
        id: f.id.to_string(),
        household_id: f.household.map(|h| h.to_string()),
        household_head: f.household.and_then(|h| heads.get(&h).cloned()).unwrap_or_default(),
        diary_member_name: f.member.map(name),
        text: f.text.clone(),
        found_by_name: f.found_by_name.clone(),
        found_at: f.found_at,
        answered: f.is_answered(),
        answer: f.answer.clone(),
        answered_by_name: f.answered_by.map(name),
        answered_at: f.answered_at,
        state: f.state_code().to_string(),
        review_note: f.current_review().map(|r| r.note.clone()).unwrap_or_default(),
        reviewed_at: f.current_review().map(|r| r.at),
    }
}

/// The findings waiting for the team's answer (待整改, or 已退回 by the officer), oldest first.
pub(crate) fn open_findings(l: &Ledger) -> Result<Vec<FindingItem>, AppError> {
    let k = lookups(l)?;
    Ok(l.store().open_findings()?.iter().map(|r| finding_item(&r.record, &k.names, &k.heads)).collect())
}

/// The findings about one household, open ones first.
pub(crate) fn household_findings(l: &Ledger, id: HouseholdId) -> Result<Vec<FindingItem>, AppError> {
    let k = lookups(l)?;
    Ok(l.store().findings_of_household(id)?.iter().map(|r| finding_item(&r.record, &k.names, &k.heads)).collect())
}

/// Answers finding `id` as this device's member, at the device's time.
pub(crate) fn answer(l: &mut Ledger, id: FindingId, text: &str, now: Timestamp) -> Result<FindingItem, AppError> {
    let me = l.member().ok_or(AppError::NotJoined)?;
    let f = l.answer_finding(id, me, text, now)?;
    let k = lookups(l)?;
    Ok(finding_item(&f, &k.names, &k.heads))
}
