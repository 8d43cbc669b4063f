//! Follow-up items (承诺事项 / 待办, issue 16): what a work team member promised a household on
//! a visit, as a record of its own — the household and the visit it came from, the member who
//! owns it, a due date, and its state (open, or done with who closed it, when and a note). The
//! items done are the records behind 办好一批民生实事, one of the seven ones (七个一).
//!
//! An item lives in the village registry so any member may close it (a colleague on another
//! phone, after a later visit); it is closed, never removed (only the first secretary removes
//! one, as with households).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::validate::{day_in_range, not_future, text};
use crate::{DomainError, FollowUpId, HouseholdId, LedgerView, Limits, MemberId, ProjectId, Timestamp, VisitId};

/// One follow-up item (承诺事项).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub id: FollowUpId,
    pub household: HouseholdId,
    /// The visit the promise was made on, if it came from one.
    pub visit: Option<VisitId>,
    /// What was promised.
    pub text: String,
    /// The team member who sees it through (负责人).
    pub owner: MemberId,
    /// When it should be done by, if a day was agreed.
    pub due: Option<NaiveDate>,
    pub created_by: MemberId,
    pub created_at: Timestamp,
    /// Set when the item is done (办结): who closed it and when.
    pub done_by: Option<MemberId>,
    pub done_at: Option<Timestamp>,
    /// How it was done (a later visit, a phone call, a note).
    pub done_note: String,
    /// The project (项目, issue 22) the item became (转为项目) or joined (并入项目), if any. The
    /// link is on the item, not a list on the project, so two phones linking two items to one
    /// project while offline both keep theirs after the merge. Closing the project does not
    /// close the item: it stays open until someone closes it. An item from before reads as none.
    #[serde(default)]
    pub project: Option<ProjectId>,
    /// Photos and scans (issue 19) by hash, as on a visit; none on an older item.
    #[serde(default)]
    pub attachments: Vec<String>,
}

impl FollowUp {
    pub fn is_done(&self) -> bool {
        self.done_at.is_some()
    }
    /// Open and past its due day (`today` is the device's day, Asia/Shanghai).
    pub fn overdue(&self, today: NaiveDate) -> bool {
        !self.is_done() && self.due.is_some_and(|d| d < today)
    }
    /// The state word: 待办 (open) or 已办结 (done).
    pub fn state_zh(&self) -> &'static str {
        if self.is_done() {
            "已办结"
        } else {
            "待办"
        }
    }
    pub fn state_code(&self) -> &'static str {
        if self.is_done() {
            "done"
        } else {
            "open"
        }
    }
}

/// A follow-up item: its household and members exist, the promise is written, a done item
/// says who closed it and when, a project it is linked to exists (a view that cannot tell
/// answers yes), its attachments are hashes (20 at most, none twice). Times are checked against the future only (with the
/// tolerance): an item written or closed long ago and synced late is accepted. The due day
/// may lie in the past (a promise recorded after the fact).
pub fn validate_follow_up(
    f: &FollowUp,
    view: &impl LedgerView,
    now: Timestamp,
    limits: &Limits,
) -> Result<(), DomainError> {
    if !view.household_exists(f.household) {
        return Err(DomainError::UnknownHousehold(f.household.to_string()));
    }
    for m in [Some(f.owner), Some(f.created_by), f.done_by].into_iter().flatten() {
        if !view.member_exists(m) {
            return Err(DomainError::UnknownMember(m.to_string()));
        }
    }
    text("follow-up item", &f.text, limits.max_text_chars, true)?;
    text("how the follow-up item was done", &f.done_note, limits.max_text_chars, false)?;
    not_future(f.created_at, now, limits)?;
    match (f.done_by, f.done_at) {
        (Some(_), Some(at)) => not_future(at, now, limits)?,
        (None, None) => {
            if !f.done_note.is_empty() {
                return Err(DomainError::Empty { field: "who closed the follow-up item (a note needs a closer)" });
            }
        }
        (None, Some(_)) => return Err(DomainError::Empty { field: "who closed the follow-up item" }),
        (Some(_), None) => return Err(DomainError::Empty { field: "when the follow-up item was closed" }),
    }
    if let Some(d) = f.due {
        day_in_range("due date", d)?;
    }
    if let Some(p) = f.project {
        if !view.project_exists(p) {
            return Err(DomainError::UnknownProject(p.to_string()));
        }
    }
    crate::validate_attachments(&f.attachments)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DiaryId, YearMonth};
    use uuid::Uuid;

    struct View;
    impl LedgerView for View {
        fn household_exists(&self, id: HouseholdId) -> bool {
            id == HouseholdId(Uuid::from_u128(1))
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

    const NOW: Timestamp = 1_780_000_000_000;

    fn item() -> FollowUp {
        FollowUp {
            id: FollowUpId(Uuid::from_u128(9)),
            household: HouseholdId(Uuid::from_u128(1)),
            visit: Some(VisitId(Uuid::from_u128(8))),
            text: "帮助申请危房改造补助".into(),
            owner: MemberId(Uuid::from_u128(2)),
            due: NaiveDate::from_ymd_opt(2026, 6, 30),
            created_by: MemberId(Uuid::from_u128(2)),
            created_at: NOW - 1000,
            done_by: None,
            done_at: None,
            done_note: String::new(),
            project: None,
            attachments: Vec::new(),
        }
    }

    #[test]
    fn an_open_item_and_a_closed_one_pass() {
        let l = Limits::default();
        assert_eq!(validate_follow_up(&item(), &View, NOW, &l), Ok(()));
        let done = FollowUp {
            done_by: Some(MemberId(Uuid::from_u128(3))),
            done_at: Some(NOW),
            done_note: "已提交申请".into(),
            ..item()
        };
        assert_eq!(validate_follow_up(&done, &View, NOW, &l), Ok(()));
        assert!(done.is_done());
        assert_eq!(done.state_zh(), "已办结");
    }

    #[test]
    fn a_late_item_is_accepted_and_an_old_due_day_too() {
        let l = Limits::default();
        // Written a year ago, due long ago, synced now.
        let late = FollowUp { created_at: NOW - 365 * 86_400_000, due: NaiveDate::from_ymd_opt(2020, 1, 1), ..item() };
        assert_eq!(validate_follow_up(&late, &View, NOW, &l), Ok(()));
    }

    #[test]
    fn bad_items_are_refused_with_what_to_do() {
        let l = Limits::default();
        let empty = FollowUp { text: "  ".into(), ..item() };
        assert_eq!(validate_follow_up(&empty, &View, NOW, &l), Err(DomainError::Empty { field: "follow-up item" }));
        let stranger = FollowUp { owner: MemberId(Uuid::from_u128(7)), ..item() };
        assert!(matches!(validate_follow_up(&stranger, &View, NOW, &l), Err(DomainError::UnknownMember(_))));
        let nowhere = FollowUp { household: HouseholdId(Uuid::from_u128(5)), ..item() };
        assert!(matches!(validate_follow_up(&nowhere, &View, NOW, &l), Err(DomainError::UnknownHousehold(_))));
        let half = FollowUp { done_at: Some(NOW), ..item() };
        assert!(matches!(validate_follow_up(&half, &View, NOW, &l), Err(DomainError::Empty { .. })));
        let future = FollowUp { created_at: NOW + 86_400_000, ..item() };
        assert!(matches!(validate_follow_up(&future, &View, NOW, &l), Err(DomainError::FutureTime { .. })));
        let far = FollowUp { due: NaiveDate::from_ymd_opt(2200, 1, 1), ..item() };
        assert!(matches!(validate_follow_up(&far, &View, NOW, &l), Err(DomainError::OutOfRange { .. })));
    }

    #[test]
    fn overdue_means_open_and_past_its_day() {
        let today = NaiveDate::from_ymd_opt(2026, 7, 1).expect("day");
        assert!(item().overdue(today));
        assert!(!item().overdue(NaiveDate::from_ymd_opt(2026, 6, 30).expect("day")));
        let done = FollowUp { done_by: Some(MemberId(Uuid::from_u128(2))), done_at: Some(NOW), ..item() };
        assert!(!done.overdue(today));
        assert!(!FollowUp { due: None, ..item() }.overdue(today));
    }

    #[test]
    fn an_item_links_to_a_project_held_and_carries_photos_by_hash() {
        let l = Limits::default();
        let linked = FollowUp { project: Some(ProjectId(Uuid::from_u128(7))), ..item() };
        assert_eq!(validate_follow_up(&linked, &View, NOW, &l), Ok(()));
        let elsewhere = FollowUp { project: Some(ProjectId(Uuid::from_u128(8))), ..item() };
        assert_eq!(
            validate_follow_up(&elsewhere, &View, NOW, &l),
            Err(DomainError::UnknownProject(ProjectId(Uuid::from_u128(8)).to_string()))
        );
        let photo = FollowUp { attachments: vec!["a".repeat(64)], ..item() };
        assert_eq!(validate_follow_up(&photo, &View, NOW, &l), Ok(()));
        let twice = FollowUp { attachments: vec!["a".repeat(64), "a".repeat(64)], ..item() };
        assert!(matches!(
            validate_follow_up(&twice, &View, NOW, &l),
            Err(DomainError::OutOfRange { field: "attachments", .. })
        ));
        let bad = FollowUp { attachments: vec!["IMG_0001.jpg".into()], ..item() };
        assert!(validate_follow_up(&bad, &View, NOW, &l).is_err(), "a file name is not a hash");
    }
}
