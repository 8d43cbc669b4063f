//! Inspection findings (检查发现的问题, issue 16) and the team's answer (整改情况): the second
//! half of the inspection loop. A township or county officer inspects a household or a diary
//! entry drawn at random (随机查) and writes a finding on the page; the server writes it into
//! the village registry for the officer (`finding/<uuid>`), the team's phones receive it at
//! their next sync as an item to answer, and a member of the team answers it, offline if need
//! be, with the time of the answer. The officer's part and the team's part are written by
//! different people: access control (`taizhang_auth::may_write`) keeps each to its own fields.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::validate::{not_future, text};
use crate::{DiaryId, DomainError, FindingId, HouseholdId, LedgerView, Limits, MemberId, Timestamp};

/// One finding of an inspection and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub id: FindingId,
    /// The household inspected, or
    pub household: Option<HouseholdId>,
    /// the diary entry inspected, with its author.
    pub diary: Option<DiaryId>,
    pub member: Option<MemberId>,
    /// What the officer found (发现的问题) and asks to be put right.
    pub text: String,
    /// The officer's account and name with unit (乡镇 / 县委组织部), as the page signed it.
    pub found_by: Uuid,
    pub found_by_name: String,
    /// When the officer wrote it (the server's time).
    pub found_at: Timestamp,
    /// The team's answer (整改情况), who answered and when (the device's time).
    pub answer: String,
    pub answered_by: Option<MemberId>,
    pub answered_at: Option<Timestamp>,
}

impl Finding {
    pub fn is_answered(&self) -> bool {
        self.answered_at.is_some()
    }
    /// 待整改 (waiting for the team's answer) or 已答复 (answered).
    pub fn state_zh(&self) -> &'static str {
        if self.is_answered() {
            "已答复"
        } else {
            "待整改"
        }
    }
    pub fn state_code(&self) -> &'static str {
        if self.is_answered() {
            "answered"
        } else {
            "open"
        }
    }
}

/// A finding: about one household or one diary entry (with its author), the officer's text and
/// name, and an answer complete or absent. Times are checked against the future only (with the
/// tolerance): an answer written offline weeks ago is accepted when it arrives.
pub fn validate_finding(
    f: &Finding,
    view: &impl LedgerView,
    now: Timestamp,
    limits: &Limits,
) -> Result<(), DomainError> {
    match (f.household, f.diary, f.member) {
        (Some(h), None, None) => {
            if !view.household_exists(h) {
                return Err(DomainError::UnknownHousehold(h.to_string()));
            }
        }
        (None, Some(_), Some(m)) => {
            if !view.member_exists(m) {
                return Err(DomainError::UnknownMember(m.to_string()));
            }
        }
        _ => return Err(DomainError::FindingSubject),
    }
    text("finding", &f.text, limits.max_text_chars, true)?;
    text("name of the officer who wrote the finding", &f.found_by_name, 200, true)?;
    text("answer to the finding", &f.answer, limits.max_text_chars, false)?;
    not_future(f.found_at, now, limits)?;
    match (f.answered_by, f.answered_at) {
        (Some(m), Some(at)) => {
            if f.answer.trim().is_empty() {
                return Err(DomainError::Empty { field: "answer to the finding (整改情况)" });
            }
            if !view.member_exists(m) {
                return Err(DomainError::UnknownMember(m.to_string()));
            }
            not_future(at, now, limits)?;
        }
        (None, None) if f.answer.is_empty() => {}
        (None, None) => return Err(DomainError::Empty { field: "who answered the finding" }),
        (None, Some(_)) => return Err(DomainError::Empty { field: "who answered the finding" }),
        (Some(_), None) => return Err(DomainError::Empty { field: "when the finding was answered" }),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::YearMonth;

    struct View;
    impl LedgerView for View {
        fn household_exists(&self, id: HouseholdId) -> bool {
            id == HouseholdId(Uuid::from_u128(1))
        }
        fn member_exists(&self, id: MemberId) -> bool {
            id == MemberId(Uuid::from_u128(2))
        }
        fn month_filed(&self, _: MemberId, _: YearMonth) -> bool {
            false
        }
        fn diary_entry_exists(&self, _: DiaryId) -> bool {
            true
        }
    }

    const NOW: Timestamp = 1_780_000_000_000;

    fn finding() -> Finding {
        Finding {
            id: FindingId(Uuid::from_u128(9)),
            household: Some(HouseholdId(Uuid::from_u128(1))),
            diary: None,
            member: None,
            text: "户内饮水设施未核查".into(),
            found_by: Uuid::from_u128(77),
            found_by_name: "好花红镇 王芳".into(),
            found_at: NOW - 1_000,
            answer: String::new(),
            answered_by: None,
            answered_at: None,
        }
    }

    #[test]
    fn an_open_finding_and_an_answered_one_pass_and_a_late_answer_too() {
        let l = Limits::default();
        assert_eq!(validate_finding(&finding(), &View, NOW, &l), Ok(()));
        let answered = Finding {
            answer: "已入户核查,水管已更换".into(),
            answered_by: Some(MemberId(Uuid::from_u128(2))),
            answered_at: Some(NOW - 20 * 86_400_000),
            ..finding()
        };
        assert_eq!(validate_finding(&answered, &View, NOW, &l), Ok(()));
        assert_eq!((answered.state_code(), answered.state_zh()), ("answered", "已答复"));
        let diary = Finding {
            household: None,
            diary: Some(DiaryId(Uuid::from_u128(5))),
            member: Some(MemberId(Uuid::from_u128(2))),
            ..finding()
        };
        assert_eq!(validate_finding(&diary, &View, NOW, &l), Ok(()));
    }

    #[test]
    fn bad_findings_are_refused_with_what_to_do() {
        let l = Limits::default();
        let both = Finding { diary: Some(DiaryId(Uuid::from_u128(5))), ..finding() };
        assert_eq!(validate_finding(&both, &View, NOW, &l), Err(DomainError::FindingSubject));
        assert!(DomainError::FindingSubject.to_string().contains("一户"));
        let empty = Finding { text: " ".into(), ..finding() };
        assert_eq!(validate_finding(&empty, &View, NOW, &l), Err(DomainError::Empty { field: "finding" }));
        let nowhere = Finding { household: Some(HouseholdId(Uuid::from_u128(4))), ..finding() };
        assert!(matches!(validate_finding(&nowhere, &View, NOW, &l), Err(DomainError::UnknownHousehold(_))));
        let silent = Finding { answered_by: Some(MemberId(Uuid::from_u128(2))), answered_at: Some(NOW), ..finding() };
        assert!(matches!(validate_finding(&silent, &View, NOW, &l), Err(DomainError::Empty { .. })));
        let unsigned = Finding { answer: "已整改".into(), ..finding() };
        assert!(matches!(validate_finding(&unsigned, &View, NOW, &l), Err(DomainError::Empty { .. })));
        let future = Finding {
            answer: "已整改".into(),
            answered_by: Some(MemberId(Uuid::from_u128(2))),
            answered_at: Some(NOW + 86_400_000),
            ..finding()
        };
        assert!(matches!(validate_finding(&future, &View, NOW, &l), Err(DomainError::FutureTime { .. })));
    }
}
