//! The mapping's promises: concurrent edits of different fields both win, the same field
//! keeps both values as a conflict, and unknown fields survive an edit by this version.

use automerge::transaction::Transactable;
use automerge::{ActorId, Automerge, ReadDoc, ROOT};
use taizhang_doc::{changed_keys, read_all, read_one, write, Record};
use taizhang_domain::{Household, HouseholdId, HouseholdStatus, PovertyCause};
use uuid::Uuid;

fn household() -> Household {
    Household {
        id: HouseholdId(Uuid::from_u128(12)),
        head: "张三".into(),
        members_count: 4,
        group: "一组".into(),
        grid: "网格1".into(),
        status: HouseholdStatus::RegisteredPoor,
        causes: vec![PovertyCause::Illness, PovertyCause::LackOfFunds],
        helper: None,
        plan: "发展养殖".into(),
        income_yuan: Some(8000),
        details: Default::default(),
    }
}

fn doc(actor: u8) -> Automerge {
    Automerge::new().with_actor(ActorId::from(vec![actor; 16]))
}

fn edit(d: &mut Automerge, f: impl FnOnce(&mut automerge::transaction::Transaction<'_>)) {
    let mut tx = d.transaction();
    f(&mut tx);
    tx.commit();
}

#[test]
fn different_fields_merge_same_field_conflicts_unknown_fields_survive() {
    let mut li = doc(1);
    edit(&mut li, |tx| write(tx, &household()).unwrap());
    let mut wang = doc(2);
    wang.merge(&mut li).unwrap();

    // A newer app version on Wang's phone adds a field this version does not know.
    edit(&mut wang, |tx| {
        let (_, obj) = tx.get(ROOT, household().key().as_str()).unwrap().unwrap();
        tx.put(&obj, "housing_grade", "B").unwrap();
    });
    li.merge(&mut wang).unwrap();

    // Li edits the plan; Wang edits the income; both edit the head's name.
    let mut h_li = household();
    h_li.plan = "发展养殖和种植".into();
    h_li.head = "张三丰".into();
    edit(&mut li, |tx| write(tx, &h_li).unwrap());
    let mut h_wang = household();
    h_wang.income_yuan = Some(9500);
    h_wang.head = "张叁".into();
    edit(&mut wang, |tx| write(tx, &h_wang).unwrap());

    let before = li.get_heads();
    li.merge(&mut wang).unwrap();
    wang.merge(&mut li).unwrap();
    assert_eq!(li.get_heads(), wang.get_heads());
    assert!(changed_keys(&li, &li.get_changes(&before)).contains(&household().key()));

    let merged = read_one::<Household>(&li, &household().key()).unwrap().unwrap();
    assert_eq!(merged.record.plan, "发展养殖和种植");
    assert_eq!(merged.record.income_yuan, Some(9500));
    assert_eq!(merged.conflicts.len(), 1, "only the head's name was edited by both");
    let mut values = merged.conflicts[0].values.clone();
    values.sort();
    assert_eq!(values, vec!["张三丰".to_string(), "张叁".to_string()]);

    let (_, obj) = li.get(ROOT, household().key().as_str()).unwrap().unwrap();
    assert_eq!(li.get(&obj, "housing_grade").unwrap().unwrap().0.as_str(), Some("B"));
    let (all, bad) = read_all::<Household>(&li);
    assert_eq!((all.len(), bad.len()), (1, 0));
}

#[test]
fn rewriting_an_unchanged_record_makes_no_operations() {
    let mut d = doc(3);
    edit(&mut d, |tx| write(tx, &household()).unwrap());
    let heads = d.get_heads();
    let mut tx = d.transaction();
    write(&mut tx, &household()).unwrap();
    assert_eq!(tx.pending_ops(), 0);
    tx.rollback();
    assert_eq!(d.get_heads(), heads);
}

#[test]
fn leave_kind_and_report_back_round_trip_and_old_records_read_with_defaults() {
    use chrono::NaiveDate;
    use taizhang_domain::{day_start, DiaryEntry, LeaveId, LeaveKind, LeaveRequest, LeaveState, MemberId};
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).expect("date");
    let leave = LeaveRequest {
        id: LeaveId(Uuid::from_u128(40)),
        member: MemberId(Uuid::from_u128(41)),
        from: day(10),
        to: day(14),
        reason: "县里组织培训".into(),
        state: LeaveState::Approved,
        decided_by: Some(MemberId(Uuid::from_u128(42))),
        kind: LeaveKind::Training,
        returned_on: Some(day(13)),
    };
    let mut d = doc(1);
    edit(&mut d, |tx| write(tx, &leave).expect("write"));
    let read = read_one::<LeaveRequest>(&d, &leave.key()).expect("read").expect("present");
    assert_eq!(read.record, leave);
    // A request and a diary entry written before kinds, returns and written_at existed.
    let mut old = doc(2);
    edit(&mut old, |tx| {
        let l =
            tx.put_object(ROOT, "leave/00000000-0000-7000-8000-000000000043", automerge::ObjType::Map).expect("map");
        for (k, v) in [
            ("member", leave.member.to_string()),
            ("from", "2026-11-10".into()),
            ("to", "2026-11-11".into()),
            ("reason", "家中有事".into()),
            ("state", "withdrawn".into()),
        ] {
            tx.put(&l, k, v).expect("put");
        }
        let e =
            tx.put_object(ROOT, "diary/00000000-0000-7000-8000-000000000044", automerge::ObjType::Map).expect("map");
        for (k, v) in [("member", leave.member.to_string()), ("date", "2026-11-03".into()), ("text", "走访".into())] {
            tx.put(&e, k, v).expect("put");
        }
    });
    let l =
        read_one::<LeaveRequest>(&old, "leave/00000000-0000-7000-8000-000000000043").expect("read").expect("present");
    assert_eq!(
        (l.record.kind, l.record.returned_on, l.record.state),
        (LeaveKind::Personal, None, LeaveState::Withdrawn)
    );
    let e = read_one::<DiaryEntry>(&old, "diary/00000000-0000-7000-8000-000000000044").expect("read").expect("present");
    assert_eq!(e.record.written_at, day_start(day(3)));
    assert!(!e.record.backfilled());
}
