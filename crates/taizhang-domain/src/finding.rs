//! Inspection findings (检查发现的问题, issue 16) and the team's answer (整改情况): the second
//! half of the inspection loop. A township or county officer inspects a household or a diary
//! entry drawn at random (随机查) and writes a finding on the page; the server writes it into
//! the village registry for the officer (`finding/<uuid>`), the team's phones receive it at
//! their next sync as an item to answer, and a member of the team answers it, offline if need
//! be, with the time of the answer. The officer's part and the team's part are written by
//! different people: access control (`taizhang_auth::may_write`) keeps each to its own fields.
//!
//! The officer who wrote the finding then checks the answer (验收): accepted (已验收, the loop is
//! closed) or returned with a note (已退回: the team answers again). A review names the answer it
//! judged (`answer_at`, the answer's time): when the team answers again — also concurrently,
//! offline — that review no longer applies and the finding waits for the officer again.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::validate::{not_future, text};
use crate::{DiaryId, DomainError, FindingId, HouseholdId, LedgerView, Limits, MemberId, Timestamp};

/// The stored fields of a finding that are the officer's part — the finding itself and the
/// officer's check of the answer (验收) — which only the township's or county's page writes;
/// the rest (the answer) is the team's. The server's access check digests exactly these
/// (`taizhang_doc::access`), and the app offers no pick on them in a conflict.
pub const FINDING_OFFICER_FIELDS: &[&str] = &[
    "household",
    "diary",
    "member",
    "text",
    "found_by",
    "found_by_name",
    "found_at",
    "review",
    "review_note",
    "reviewed_by",
    "reviewed_by_name",
    "reviewed_at",
    "reviewed_answer_at",
];

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
    /// The officer's check of the answer (验收), if made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<FindingReview>,
}

/// What the officer decided of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// 验收通过: the answer puts the finding right; the loop is closed.
    Accepted,
    /// 退回: the answer does not; the team answers again.
    Returned,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Accepted => "accepted",
            Verdict::Returned => "returned",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "accepted" => Some(Verdict::Accepted),
            "returned" => Some(Verdict::Returned),
            _ => None,
        }
    }
}

/// The officer's check of the team's answer (验收), written by the finding's officer on the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingReview {
    pub verdict: Verdict,
    /// Why it was returned (required then), or a remark.
    pub note: String,
    /// The officer's account and name (the one who wrote the finding).
    pub by: Uuid,
    pub by_name: String,
    /// When (the server's time).
    pub at: Timestamp,
    /// The time of the answer judged (`Finding::answered_at` when the officer decided).
    pub answer_at: Timestamp,
}

/// Where a finding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingState {
    /// 待整改: not answered yet.
    Open,
    /// 已答复: answered, waiting for the officer's check (or answered again after a return).
    Answered,
    /// 已退回: the officer returned this answer; the team answers again.
    Returned,
    /// 已验收: the officer accepted this answer.
    Accepted,
}

impl Finding {
    pub fn is_answered(&self) -> bool {
        self.answered_at.is_some()
    }
    /// The officer's review if it judged the current answer (a later answer makes it stale).
    pub fn current_review(&self) -> Option<&FindingReview> {
        self.review.as_ref().filter(|r| self.answered_at == Some(r.answer_at))
    }
    pub fn state(&self) -> FindingState {
        match (self.is_answered(), self.current_review().map(|r| r.verdict)) {
            (false, _) => FindingState::Open,
            (true, None) => FindingState::Answered,
            (true, Some(Verdict::Returned)) => FindingState::Returned,
            (true, Some(Verdict::Accepted)) => FindingState::Accepted,
        }
    }
    /// Whether the team has something to do: not answered yet, or its answer was returned.
    pub fn needs_answer(&self) -> bool {
        matches!(self.state(), FindingState::Open | FindingState::Returned)
    }
    /// 待整改, 已答复, 已退回 or 已验收.
    pub fn state_zh(&self) -> &'static str {
        match self.state() {
            FindingState::Open => "待整改",
            FindingState::Answered => "已答复",
            FindingState::Returned => "已退回",
            FindingState::Accepted => "已验收",
        }
    }
    pub fn state_code(&self) -> &'static str {
        match self.state() {
            FindingState::Open => "open",
            FindingState::Answered => "answered",
            FindingState::Returned => "returned",
            FindingState::Accepted => "accepted",
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
    if let Some(r) = &f.review {
        // A review judged an answer: one that exists now, or an earlier one the team has
        // since replaced (its time is then older than the current answer's).
        match f.answered_at {
            Some(at) if r.answer_at <= at => {}
            _ => {
                return Err(DomainError::FindingReview(
                    "还没有答复,不能验收或退回 / there is no answer to accept or return yet",
                ))
            }
        }
        if r.verdict == Verdict::Returned && r.note.trim().is_empty() {
            return Err(DomainError::Empty { field: "退回的理由 (why the answer is returned)" });
        }
        text("review note", &r.note, limits.max_text_chars, false)?;
        text("name of the officer who checked the answer", &r.by_name, 200, true)?;
        if r.by != f.found_by {
            return Err(DomainError::FindingReview(
                "答复由写这条问题的检查人验收 / the answer is checked by the officer who wrote the finding",
            ));
        }
        not_future(r.at, now, limits)?;
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
            review: None,
        }
    }

    fn answered(at: Timestamp) -> Finding {
        Finding {
            answer: "已入户核查,水管已更换".into(),
            answered_by: Some(MemberId(Uuid::from_u128(2))),
            answered_at: Some(at),
            ..finding()
        }
    }

    fn review(verdict: Verdict, answer_at: Timestamp, note: &str) -> FindingReview {
        FindingReview {
            verdict,
            note: note.into(),
            by: Uuid::from_u128(77),
            by_name: "好花红镇 王芳".into(),
            at: NOW - 10,
            answer_at,
        }
    }

    #[test]
    fn a_returned_answer_asks_for_another_and_a_new_answer_waits_for_the_officer_again() {
        let l = Limits::default();
        let first = NOW - 5 * 86_400_000;
        let returned = Finding {
            review: Some(review(Verdict::Returned, first, "水管未通水,请再核实")),
            ..answered(first)
        };
        assert_eq!(validate_finding(&returned, &View, NOW, &l), Ok(()));
        assert_eq!((returned.state(), returned.state_zh()), (FindingState::Returned, "已退回"));
        assert!(returned.needs_answer(), "the team answers again");
        // The team answers again (offline, later): the return judged the earlier answer.
        let again = Finding { answered_at: Some(NOW - 1_000), ..returned.clone() };
        assert_eq!(validate_finding(&again, &View, NOW, &l), Ok(()));
        assert_eq!((again.state(), again.needs_answer()), (FindingState::Answered, false));
        let accepted = Finding { review: Some(review(Verdict::Accepted, NOW - 1_000, "")), ..again };
        assert_eq!(validate_finding(&accepted, &View, NOW, &l), Ok(()));
        assert_eq!((accepted.state_code(), accepted.state_zh()), ("accepted", "已验收"));
        assert!(!accepted.needs_answer());
        assert_eq!(Verdict::from_code("returned"), Some(Verdict::Returned));
    }

    #[test]
    fn a_review_without_an_answer_a_return_without_a_reason_or_by_another_officer_is_refused() {
        let l = Limits::default();
        let unanswered = Finding { review: Some(review(Verdict::Accepted, NOW - 1, "")), ..finding() };
        assert!(matches!(validate_finding(&unanswered, &View, NOW, &l), Err(DomainError::FindingReview(_))));
        let at = NOW - 1_000;
        let of_the_future = Finding { review: Some(review(Verdict::Accepted, at + 1, "")), ..answered(at) };
        assert!(matches!(validate_finding(&of_the_future, &View, NOW, &l), Err(DomainError::FindingReview(_))));
        let no_reason = Finding { review: Some(review(Verdict::Returned, at, " ")), ..answered(at) };
        assert!(matches!(validate_finding(&no_reason, &View, NOW, &l), Err(DomainError::Empty { .. })));
        let other = FindingReview { by: Uuid::from_u128(78), ..review(Verdict::Accepted, at, "") };
        let by_another = Finding { review: Some(other), ..answered(at) };
        assert!(matches!(validate_finding(&by_another, &View, NOW, &l), Err(DomainError::FindingReview(_))));
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
