//! What access control needs to know of a record, read from a document by the field names
//! this crate lays records out with: who the record belongs to (`member`), a leave request's
//! state, kind, dates and report-back, whether it amends another (`amends`), and which
//! months are filed. The decision itself is `taizhang_auth::may_write`'s; the server converts
//! [`AccessFacts`] into its `Facts`.

use std::collections::BTreeSet;

use automerge::{Automerge, ChangeHash, ObjId, ReadDoc, Value, ROOT};
use chrono::NaiveDate;
use taizhang_domain::{LeaveKind, LeaveState, YearMonth};
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
}
