//! What access control needs to know of a record, read from a document by the field names
//! this crate lays records out with: who the record belongs to (`member`), a leave request's
//! state, kind, dates and report-back, whether it amends another (`amends`), and which
//! months are filed. The decision itself is `taizhang_auth::may_write`'s; the server converts
//! [`AccessFacts`] into its `Facts`.

use std::collections::BTreeSet;

use automerge::{Automerge, ChangeHash, ObjId, ReadDoc, Value, ROOT};
use chrono::NaiveDate;
use taizhang_domain::{LeaveKind, LeaveState, ScoreState, YearMonth};
use uuid::Uuid;

/// The access-relevant fields of one record; fields a record does not have (or holds in
/// conflict) are `None`/false.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccessFacts {
    /// The record's `member` field (the leave's requester, the diary's author...); a
    /// conflicting or unreadable value counts as nobody.
    pub member: Option<Uuid>,
    /// A leave request still waiting for a decision (every value of `state` is `pending`).
    pub pending: bool,
    /// A diary entry that amends an earlier one (some non-empty `amends`).
    pub amends: bool,
    /// A leave request's state (`None`: not a leave, or states in conflict).
    pub state: Option<LeaveState>,
    /// A leave request's kind (`None`: not given, i.e. 事假 for an old record).
    pub kind: Option<LeaveKind>,
    /// A leave request's dates.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// A leave request's report back (销假).
    pub returned_on: Option<NaiveDate>,
    /// A score sheet's state (`None`: not a sheet, or states in conflict).
    pub score_state: Option<ScoreState>,
    /// A score sheet's scorer (the first secretary), checker (township officer's account) and
    /// auditor (county officer's account).
    pub scored_by: Option<Uuid>,
    pub checked_by: Option<Uuid>,
    pub audited_by: Option<Uuid>,
    /// A digest of what the first secretary writes on a sheet (member, month, items, note,
    /// scored_by, scored_at), so "unchanged" can be decided; `None` for other records.
    pub sheet_digest: Option<u64>,
    /// A digest of the township's part (checked_by, checked_at, check_note); `None` when all
    /// are empty.
    pub check_digest: Option<u64>,
    /// A digest of the county's part (audited_by, audited_at, audit_points, audit_note);
    /// `None` when all are empty.
    pub audit_digest: Option<u64>,
    /// An inspection finding's officer (`found_by`, an account) and answerer (`answered_by`,
    /// a member), and digests of the officer's part (household, diary, member, text,
    /// found_by, found_by_name, found_at) and of the team's answer (answer, answered_by,
    /// answered_at); `None` for other records.
    pub found_by: Option<Uuid>,
    pub answered_by: Option<Uuid>,
    pub finding_digest: Option<u64>,
    pub answer_digest: Option<u64>,
}

/// Every scalar value of `field` as text (a conflict gives several), sorted; empty strings and
/// nulls left out.
fn scalar_any(doc: &Automerge, obj: &ObjId, field: &str, at: Option<&[ChangeHash]>) -> Vec<String> {
    let values = match at {
        None => doc.get_all(obj, field),
        Some(heads) => doc.get_all_at(obj, field, heads),
    };
    let mut out: Vec<String> = values
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(v, _)| match v {
            Value::Scalar(s) => match s.as_ref() {
                automerge::ScalarValue::Null => None,
                automerge::ScalarValue::Str(t) if t.is_empty() => None,
                automerge::ScalarValue::Str(t) => Some(format!("s:{t}")),
                other => Some(format!("v:{other}")),
            },
            Value::Object(_) => Some("<object>".to_string()),
        })
        .collect();
    out.sort();
    out
}

/// FNV-1a over the fields' values; `None` when every field is empty.
fn digest(doc: &Automerge, obj: &ObjId, fields: &[&str], at: Option<&[ChangeHash]>) -> Option<u64> {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut any = false;
    for field in fields {
        let values = scalar_any(doc, obj, field, at);
        any |= !values.is_empty();
        for byte in field.bytes().chain([0]).chain(values.iter().flat_map(|v| v.bytes().chain([0]))).chain([1]) {
            h ^= u64::from(byte);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    any.then_some(h)
}

fn scalar_str(doc: &Automerge, obj: &ObjId, field: &str, at: Option<&[ChangeHash]>) -> Vec<String> {
    let values = match at {
        None => doc.get_all(obj, field),
        Some(heads) => doc.get_all_at(obj, field, heads),
    };
    values
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(v, _)| match v {
            Value::Scalar(s) => s.as_str().map(str::to_string),
            Value::Object(_) => None,
        })
        .collect()
}

fn read(doc: &Automerge, key: &str, at: Option<&[ChangeHash]>) -> Option<AccessFacts> {
    let found = match at {
        None => doc.get(ROOT, key),
        Some(heads) => doc.get_at(ROOT, key, heads),
    };
    let (Value::Object(_), obj) = found.ok()?? else {
        return Some(AccessFacts::default());
    };
    let states = scalar_str(doc, &obj, "state", at);
    // The one value of a field, parsed; `None` when absent, in conflict or unreadable.
    let one = |field: &str| match scalar_str(doc, &obj, field, at).as_slice() {
        [v] => Some(v.clone()),
        _ => None,
    };
    let date = |field: &str| one(field).and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
    let account = |field: &str| one(field).and_then(|m| m.parse().ok());
    let score = key.starts_with("score/");
    let finding = key.starts_with("finding/");
    Some(AccessFacts {
        // A conflicting value counts as "not this member".
        member: one("member").and_then(|m| m.parse().ok()),
        pending: !states.is_empty() && states.iter().all(|s| s == "pending"),
        amends: scalar_str(doc, &obj, "amends", at).iter().any(|a| !a.is_empty()),
        state: one("state").and_then(|s| LeaveState::from_code(&s).ok()),
        kind: one("kind").and_then(|k| LeaveKind::parse(&k).ok()),
        from: date("from"),
        to: date("to"),
        returned_on: date("returned_on"),
        score_state: if score { one("state").and_then(|s| ScoreState::from_code(&s).ok()) } else { None },
        scored_by: if score { account("scored_by") } else { None },
        checked_by: if score { account("checked_by") } else { None },
        audited_by: if score { account("audited_by") } else { None },
        sheet_digest: if score {
            digest(doc, &obj, &["member", "month", "items", "note", "scored_by", "scored_at"], at)
        } else {
            None
        },
        check_digest: if score { digest(doc, &obj, &["checked_by", "checked_at", "check_note"], at) } else { None },
        audit_digest: if score {
            digest(doc, &obj, &["audited_by", "audited_at", "audit_points", "audit_note"], at)
        } else {
            None
        },
        found_by: if finding { account("found_by") } else { None },
        answered_by: if finding { account("answered_by") } else { None },
        finding_digest: if finding {
            // The officer's part: the finding and the officer's check of the answer (验收).
            digest(doc, &obj, taizhang_domain::FINDING_OFFICER_FIELDS, at)
        } else {
            None
        },
        answer_digest: if finding { digest(doc, &obj, &["answer", "answered_by", "answered_at"], at) } else { None },
    })
}

/// What access needs to know of the record at root key `key` (`None`: the document does not
/// have it; a root value that is not a record reads as default facts).
pub fn access_facts(doc: &Automerge, key: &str) -> Option<AccessFacts> {
    read(doc, key, None)
}

/// [`access_facts`] as the document was at `heads` (an earlier state of the same document).
pub fn access_facts_at(doc: &Automerge, key: &str, heads: &[ChangeHash]) -> Option<AccessFacts> {
    read(doc, key, Some(heads))
}

/// The root key of the filing of `member`'s `month` in that year's team document.
pub fn filing_key(month: YearMonth, member: Uuid) -> String {
    format!("filing/{month}-{member}")
}

/// The root key of the score sheet of `member`'s `month` in that year's team document.
pub fn score_key(month: YearMonth, member: Uuid) -> String {
    format!("score/{month}-{member}")
}

/// The root keys of every score sheet a team document holds (see [`score_key`]).
pub fn score_keys(doc: &Automerge) -> BTreeSet<String> {
    doc.keys(ROOT).filter(|k| k.starts_with("score/")).collect()
}

/// The root keys of every month filing a team document holds (see [`filing_key`]).
pub fn filing_keys(doc: &Automerge) -> BTreeSet<String> {
    doc.keys(ROOT).filter(|k| k.starts_with("filing/")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{write, DocId, FilingRecord, Record};
    use automerge::transaction::Transactable;
    use automerge::ActorId;
    use taizhang_domain::{MemberId, MonthFiling};

    #[test]
    fn facts_read_now_and_at_earlier_heads() {
        let mut d = Automerge::new().with_actor(ActorId::from(vec![1u8; 16]));
        let member = Uuid::from_u128(7);
        let mut tx = d.transaction();
        let obj = tx.put_object(ROOT, "leave/1", automerge::ObjType::Map).unwrap();
        tx.put(&obj, "member", member.to_string()).unwrap();
        tx.put(&obj, "state", "pending").unwrap();
        tx.put(ROOT, "plain", 3).unwrap();
        tx.commit();
        let before = d.get_heads();
        let mut tx = d.transaction();
        tx.put(&obj, "state", "approved").unwrap();
        tx.put(&obj, "amends", "x").unwrap();
        tx.commit();
        assert_eq!(
            access_facts(&d, "leave/1"),
            Some(AccessFacts {
                member: Some(member),
                amends: true,
                state: Some(LeaveState::Approved),
                ..AccessFacts::default()
            })
        );
        assert_eq!(
            access_facts_at(&d, "leave/1", &before),
            Some(AccessFacts {
                member: Some(member),
                pending: true,
                state: Some(LeaveState::Pending),
                ..AccessFacts::default()
            })
        );
        assert_eq!(access_facts(&d, "plain"), Some(AccessFacts::default()));
        assert_eq!(access_facts(&d, "absent"), None);
    }

    /// The officer's check of an answer (验收) is the officer's part of a finding: it moves the
    /// digest the team may not change, never the answer's.
    #[test]
    fn a_findings_review_is_in_the_officers_part_not_the_answer() {
        use taizhang_domain::{Finding, FindingId, FindingReview, Verdict};
        let officer = Uuid::from_u128(77);
        let answered = Finding {
            id: FindingId(Uuid::from_u128(5)),
            household: Some(taizhang_domain::HouseholdId(Uuid::from_u128(1))),
            diary: None,
            member: None,
            text: "饮水未核查".into(),
            found_by: officer,
            found_by_name: "孙强".into(),
            found_at: 1,
            answer: "已核查".into(),
            answered_by: Some(MemberId(Uuid::from_u128(2))),
            answered_at: Some(2),
            review: None,
        };
        let mut doc = Automerge::new();
        let mut tx = doc.transaction();
        write(&mut tx, &answered).expect("write");
        tx.commit();
        let key = answered.key();
        let before = access_facts(&doc, &key).expect("facts");
        let reviewed = Finding {
            review: Some(FindingReview {
                verdict: Verdict::Returned,
                note: "请补充".into(),
                by: officer,
                by_name: "孙强".into(),
                at: 3,
                answer_at: 2,
            }),
            ..answered
        };
        let mut tx = doc.transaction();
        write(&mut tx, &reviewed).expect("write");
        tx.commit();
        let after = access_facts(&doc, &key).expect("facts");
        assert_ne!(after.finding_digest, before.finding_digest, "the review is the officer's part");
        assert_eq!(after.answer_digest, before.answer_digest, "the answer is untouched");
        assert_eq!(after.found_by, Some(officer));
        let back = crate::read_one::<Finding>(&doc, &key).expect("read").expect("held").record;
        assert_eq!(back, reviewed, "the review round-trips through the document");
    }

    #[test]
    fn a_leave_requests_kind_dates_and_report_back_are_read() {
        let mut doc = Automerge::new();
        let me = Uuid::from_u128(3);
        let mut tx = doc.transaction();
        let obj = tx.put_object(ROOT, "leave/a", automerge::ObjType::Map).expect("map");
        tx.put(&obj, "member", me.to_string()).expect("put");
        tx.put(&obj, "state", "approved").expect("put");
        tx.put(&obj, "kind", "official_trip").expect("put");
        tx.put(&obj, "from", "2026-11-10").expect("put");
        tx.put(&obj, "to", "2026-11-14").expect("put");
        tx.put(&obj, "returned_on", "2026-11-12").expect("put");
        tx.commit();
        let f = access_facts(&doc, "leave/a").expect("record");
        assert_eq!(f.member, Some(me));
        assert_eq!(f.state, Some(LeaveState::Approved));
        assert!(!f.pending);
        assert_eq!(f.kind, Some(LeaveKind::OfficialTrip));
        assert_eq!(f.from, NaiveDate::from_ymd_opt(2026, 11, 10));
        assert_eq!(f.returned_on, NaiveDate::from_ymd_opt(2026, 11, 12));
        assert_eq!(access_facts(&doc, "leave/b"), None);
    }

    #[test]
    fn filings_are_found_by_their_key() {
        let month: YearMonth = "2026-03".parse().unwrap();
        let member = MemberId(Uuid::from_u128(9));
        let filing = FilingRecord(MonthFiling { member, month, filed_by: member, filed_at: 1 });
        assert_eq!(filing.key(), filing_key(month, member.0));
        let mut d = Automerge::new();
        let mut tx = d.transaction();
        write(&mut tx, &filing).unwrap();
        tx.commit();
        assert_eq!(filing_keys(&d).into_iter().collect::<Vec<_>>(), vec![filing_key(month, member.0)]);
        assert_eq!(DocId::for_filing(month).to_string(), "team/2026");
    }

    fn sheet(member: MemberId, by: MemberId) -> taizhang_domain::MonthScoreSheet {
        use taizhang_domain::{ScoreItem, ScoreItemKind};
        taizhang_domain::MonthScoreSheet {
            member,
            month: "2026-10".parse().expect("test"),
            items: vec![
                ScoreItem { kind: ScoreItemKind::Bonus, points: 0.5, reason: "引进合作社\"订单\"".into() },
                ScoreItem { kind: ScoreItemKind::Deduction, points: 1.0, reason: "走访记录不全".into() },
            ],
            note: "本月表现良好".into(),
            scored_by: by,
            scored_at: 5,
            state: ScoreState::Entered,
            checked_by: None,
            checked_at: None,
            check_note: String::new(),
            audited_by: None,
            audited_at: None,
            audit_points: None,
            audit_note: String::new(),
        }
    }

    #[test]
    fn a_score_sheet_round_trips_and_its_parts_are_digested_apart() {
        let (member, by) = (MemberId(Uuid::from_u128(9)), MemberId(Uuid::from_u128(10)));
        let mut s = sheet(member, by);
        let key = score_key(s.month, member.0);
        assert_eq!(s.key(), key);
        assert_eq!(DocId::for_score(s.month).to_string(), "team/2026");
        let mut d = Automerge::new();
        let mut tx = d.transaction();
        write(&mut tx, &s).expect("test");
        tx.commit();
        assert_eq!(
            crate::read_one::<taizhang_domain::MonthScoreSheet>(&d, &key).expect("test").expect("test").record,
            s
        );
        assert_eq!(score_keys(&d).into_iter().collect::<Vec<_>>(), vec![key.clone()]);
        let entered = access_facts(&d, &key).expect("test");
        assert_eq!(entered.score_state, Some(ScoreState::Entered));
        assert_eq!(entered.scored_by, Some(by.0));
        assert_eq!(entered.member, Some(member.0));
        assert!(entered.sheet_digest.is_some());
        assert_eq!((entered.check_digest, entered.audit_digest), (None, None));
        // The township returns it: the sheet's digest stays, its own part appears.
        s.state = ScoreState::Returned;
        s.checked_by = Some(Uuid::from_u128(11));
        s.checked_at = Some(6);
        s.check_note = "扣分依据不清".into();
        let mut tx = d.transaction();
        write(&mut tx, &s).expect("test");
        tx.commit();
        let returned = access_facts(&d, &key).expect("test");
        assert_eq!(returned.sheet_digest, entered.sheet_digest);
        assert!(returned.check_digest.is_some());
        assert_eq!(returned.checked_by, Some(Uuid::from_u128(11)));
        assert_eq!(
            crate::read_one::<taizhang_domain::MonthScoreSheet>(&d, &key).expect("test").expect("test").record,
            s
        );
        // An edit of the items changes the sheet's digest, not the township's.
        s.items.pop();
        let mut tx = d.transaction();
        write(&mut tx, &s).expect("test");
        tx.commit();
        let edited = access_facts(&d, &key).expect("test");
        assert_ne!(edited.sheet_digest, entered.sheet_digest);
        assert_eq!(edited.check_digest, returned.check_digest);
    }
}
