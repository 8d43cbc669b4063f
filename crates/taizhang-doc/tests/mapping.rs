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

#[test]
fn a_visits_attachments_round_trip_an_older_visit_reads_none_and_an_older_edit_keeps_them() {
    use taizhang_domain::{MemberId, Visit, VisitId};
    let hash = |c: char| c.to_string().repeat(64);
    let mut v = Visit {
        id: VisitId(Uuid::from_u128(50)),
        household: HouseholdId(Uuid::from_u128(12)),
        member: MemberId(Uuid::from_u128(41)),
        at: 1_795_536_000_000,
        location: None,
        findings: "屋顶漏雨".into(),
        needs: String::new(),
        follow_up: String::new(),
        amends: None,
        attachments: vec![hash('a'), hash('b')],
    };
    let mut d = doc(1);
    edit(&mut d, |tx| write(tx, &v).expect("write"));
    let read = read_one::<Visit>(&d, &v.key()).expect("read").expect("present");
    assert_eq!(read.record.attachments, vec![hash('a'), hash('b')]);
    // Only hashes are in the document: 2 × 64 hex digits and a space, never the photo.
    let stored = d.get(ROOT, v.key().as_str()).expect("get").expect("map").1;
    let field = d.get(&stored, "attachments").expect("get").expect("field").0.to_string();
    assert!(field.len() <= 2 * 64 + 3, "{field}");
    // A visit written before attachments existed reads as having none.
    let mut old = doc(2);
    let no_photos = Visit { attachments: Vec::new(), ..v.clone() };
    edit(&mut old, |tx| write(tx, &no_photos).expect("write"));
    assert!(read_one::<Visit>(&old, &v.key()).expect("read").expect("present").record.attachments.is_empty());
    // An older version edits the visit without knowing the field: writes only what it knows, so
    // the photos stay (the same mechanism as `different_fields_merge...` above).
    v.findings = "屋顶漏雨,已报村委".into();
    let mut fields = v.fields();
    fields.retain(|(f, _)| *f != "attachments");
    edit(&mut d, |tx| {
        for (f, value) in fields {
            if let Some(value) = value {
                tx.put(&stored, f, value).expect("put");
            }
        }
    });
    let after = read_one::<Visit>(&d, &v.key()).expect("read").expect("present").record;
    assert_eq!((after.findings.as_str(), after.attachments.len()), ("屋顶漏雨,已报村委", 2));
}

/// Issue 19 and 22 on registry records: a household's photos (in its details), a follow-up
/// item's photos and its project, a progress update's photos and a plan letter's scan round
/// trip; an older record reads as none; an older version's edit of another field keeps them;
/// two items linked to one project on two phones both keep their link after the merge.
#[test]
fn registry_records_carry_attachments_and_a_follow_ups_project_survives_older_edits_and_merges() {
    use chrono::NaiveDate;
    use taizhang_domain::{
        FollowUp, FollowUpId, MemberId, PlanId, PlanItem, PlanKind, PlanState, ProgressId, ProgressUpdate, ProjectId,
    };
    let hash = |c: char| c.to_string().repeat(64);
    let me = MemberId(Uuid::from_u128(41));
    let project = ProjectId(Uuid::from_u128(70));
    let mut h = household();
    h.details.attachments = vec![hash('a')];
    let item = |n: u128| FollowUp {
        id: FollowUpId(Uuid::from_u128(n)),
        household: h.id,
        visit: None,
        text: "帮助修缮院墙".into(),
        owner: me,
        due: None,
        created_by: me,
        created_at: 1_795_536_000_000,
        done_by: None,
        done_at: None,
        done_note: String::new(),
        project: None,
        attachments: Vec::new(),
    };
    let linked = FollowUp { project: Some(project), attachments: vec![hash('b')], ..item(80) };
    let update = ProgressUpdate {
        id: ProgressId(Uuid::from_u128(90)),
        project,
        day: NaiveDate::from_ymd_opt(2026, 11, 20).expect("day"),
        text: "院墙砌好一半".into(),
        by: me,
        at: 1_795_536_000_000,
        attachments: vec![hash('c'), hash('d')],
    };
    let letter = PlanItem {
        id: PlanId(Uuid::from_u128(95)),
        kind: PlanKind::Letter,
        year: 2026,
        title: "县农业农村局".into(),
        target: String::new(),
        due: NaiveDate::from_ymd_opt(2026, 3, 1),
        state: PlanState::Open,
        result: String::new(),
        closed_on: None,
        recorded_by: me,
        recorded_at: 1_795_536_000_000,
        attachments: vec![hash('e')],
    };
    let mut d = doc(1);
    edit(&mut d, |tx| {
        write(tx, &h).expect("household");
        write(tx, &linked).expect("item");
        write(tx, &update).expect("update");
        write(tx, &letter).expect("letter");
    });
    let read = |d: &Automerge| {
        (
            read_one::<Household>(d, &h.key()).expect("read").expect("there").record,
            read_one::<FollowUp>(d, &linked.key()).expect("read").expect("there").record,
            read_one::<ProgressUpdate>(d, &update.key()).expect("read").expect("there").record,
            read_one::<PlanItem>(d, &letter.key()).expect("read").expect("there").record,
        )
    };
    let (rh, rf, ru, rl) = read(&d);
    assert_eq!(rh, h);
    assert_eq!(rf, linked);
    assert_eq!(ru, update);
    assert_eq!(rl, letter);
    // Records from before the fields read as none.
    let mut old = doc(2);
    edit(&mut old, |tx| write(tx, &item(81)).expect("old item"));
    let o = read_one::<FollowUp>(&old, &item(81).key()).expect("read").expect("there").record;
    assert_eq!((o.project, o.attachments.len()), (None, 0));
    // An older version closes the item: it writes only the fields it knows.
    let stored = d.get(ROOT, linked.key().as_str()).expect("get").expect("map").1;
    let closed = FollowUp { done_by: Some(me), done_at: Some(1_795_536_100_000), ..linked.clone() };
    let mut fields = closed.fields();
    fields.retain(|(f, _)| *f != "attachments" && *f != "project");
    edit(&mut d, |tx| {
        for (f, value) in fields {
            if let Some(value) = value {
                tx.put(&stored, f, value).expect("put");
            }
        }
    });
    let (_, after, _, _) = read(&d);
    assert!(after.is_done());
    assert_eq!((after.project, after.attachments.clone()), (Some(project), vec![hash('b')]));
    // Two phones link two other items to the same project while offline: both links stay.
    let mut li = doc(3);
    edit(&mut li, |tx| {
        write(tx, &item(82)).expect("item");
        write(tx, &item(83)).expect("item");
    });
    let mut wang = li.fork().with_actor(ActorId::from(vec![4; 16]));
    edit(&mut li, |tx| write(tx, &FollowUp { project: Some(project), ..item(82) }).expect("link"));
    edit(&mut wang, |tx| write(tx, &FollowUp { project: Some(project), ..item(83) }).expect("link"));
    li.merge(&mut wang).expect("merge");
    let (all, bad) = read_all::<FollowUp>(&li);
    assert!(bad.is_empty(), "{bad:?}");
    let items: Vec<FollowUp> = all.into_iter().map(|r| r.record).collect();
    assert_eq!(items.iter().filter(|f| f.project == Some(project)).count(), 2, "{items:?}");
}
