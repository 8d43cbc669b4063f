//! Why this exists: the county sees villages only through `DocPart`/`VillageProjection`, so a
//! record lost, doubled or smuggled in by the projection would silently change every figure.

mod common;

use automerge::Automerge;
use chrono::NaiveDate;
use common::{check_in, date, diary, household, member, mid, visit};
use taizhang_county::{DocPart, VillageProjection};
use taizhang_doc::synth::{village_year, SynthSpec, SynthVillage};
use taizhang_doc::{read_all, write, DocId, FilingRecord, Record};
use taizhang_domain::{
    CheckIn, DiaryEntry, DiaryId, Household, LeaveRequest, Member, Role, Village, VillageId, Visit, YearMonth,
};
use uuid::Uuid;

fn synth_village() -> SynthVillage {
    village_year(&SynthSpec {
        seed: 42,
        village: VillageId(Uuid::from_u128(0x77)),
        name: "石门村".into(),
        township: "石门镇".into(),
        county: "惠水县".into(),
        members: 3,
        households: 12,
        from: NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
        to: NaiveDate::from_ymd_opt(2026, 2, 28).expect("date"),
        not_after: None,
    })
    .expect("the synthetic village is generated")
}

fn project(docs: &[(DocId, Automerge)]) -> VillageProjection {
    let mut p = VillageProjection::default();
    for (id, doc) in docs {
        let name = id.to_string();
        p.set(&name, DocPart::read(&name, doc));
    }
    p
}

/// How many records of kind `R` the documents hold, read directly.
fn count<R: Record>(docs: &[(DocId, Automerge)]) -> usize {
    docs.iter()
        .map(|(id, doc)| {
            let (ok, bad) = read_all::<R>(doc);
            assert!(bad.is_empty(), "{id} has unreadable records: {bad:?}");
            ok.len()
        })
        .sum()
}

/// A fresh document holding `records`, written in one transaction.
fn doc_with(write_all: impl FnOnce(&mut automerge::transaction::Transaction<'_>)) -> Automerge {
    let mut doc = Automerge::new();
    let mut tx = doc.transaction();
    write_all(&mut tx);
    tx.commit();
    doc
}

fn put<R: Record>(tx: &mut automerge::transaction::Transaction<'_>, record: &R) {
    write(tx, record).expect("the record is written");
}

#[test]
fn projected_records_count_what_the_documents_hold() {
    let v = synth_village();
    let p = project(&v.docs);
    let r = p.records();

    assert_eq!(p.docs(), v.docs.len(), "every document is projected");
    assert_eq!(p.unreadable(), 0, "the synthetic documents are all readable");
    assert_eq!(p.village().map(|x| x.name.as_str()), Some("石门村"), "the registry's village is found");

    assert_eq!(r.check_ins.len(), count::<CheckIn>(&v.docs), "check-ins");
    assert_eq!(r.diary.len(), count::<DiaryEntry>(&v.docs), "diary entries");
    assert_eq!(r.visits.len(), count::<Visit>(&v.docs), "visits");
    assert_eq!(r.leave_requests.len(), count::<LeaveRequest>(&v.docs), "leave requests");
    assert_eq!(r.filings.len(), count::<FilingRecord>(&v.docs), "filings");
    assert_eq!(r.members.len(), count::<Member>(&v.docs), "members");
    assert_eq!(r.households.len(), count::<Household>(&v.docs), "households");

    // And none of it is empty, or the equalities above would prove little.
    assert_eq!(r.members.len(), 3);
    assert_eq!(r.households.len(), 12);
    assert!(r.check_ins.len() > 3 * 30, "about two months of check-ins for 3 members: {}", r.check_ins.len());
    assert!(!r.diary.is_empty() && !r.visits.is_empty(), "diary and visits were generated");
    assert!((3 * 2..=3 * 4).contains(&r.leave_requests.len()), "two to four spells of leave per member");
    let kinds: std::collections::BTreeSet<_> = r.leave_requests.iter().map(|l| l.kind).collect();
    assert!(kinds.len() >= 2, "leave of several kinds: {kinds:?}");
    assert!(!r.filings.is_empty(), "January is filed for most members");

    // The generator's own tally: the village record plus every record projected.
    let projected = r.members.len()
        + r.households.len()
        + r.check_ins.len()
        + r.diary.len()
        + r.visits.len()
        + r.leave_requests.len()
        + r.filings.len()
        + r.meetings.len()
        + r.projects.len()
        + r.progress.len()
        + r.situations.len()
        + r.plans.len();
    assert!(!r.meetings.is_empty() && !r.projects.is_empty(), "the village ledger was generated (issue 22)");
    assert!(!r.situations.is_empty() && !r.plans.is_empty(), "its situation and plans too");
    assert_eq!(projected + 1, v.records, "the projection holds every record the generator wrote");
}

#[test]
fn re_setting_a_document_changes_only_that_documents_contribution() {
    let mut v = synth_village();
    let before = project(&v.docs);
    let r0 = before.records();

    let (name, owner, month, doc) = v
        .docs
        .iter_mut()
        .find_map(|(id, doc)| match *id {
            DocId::Log { member, month } => Some((id.to_string(), member, month, doc)),
            _ => None,
        })
        .expect("the village has a log document");
    let added = DiaryEntry {
        id: DiaryId(Uuid::from_u128(0xd1a7)),
        member: owner,
        date: month.first_day(),
        text: "补记:召开村民代表大会".into(),
        amends: None,
        written_at: common::at(month.first_day(), 22, 0),
        attachments: Vec::new(),
    };
    let mut tx = doc.transaction();
    put(&mut tx, &added);
    tx.commit();

    let mut after = before.clone();
    after.set(&name, DocPart::read(&name, doc));
    let r1 = after.records();

    assert_eq!(after.docs(), before.docs(), "re-setting a document does not add one");
    assert_eq!(r1.diary.len(), r0.diary.len() + 1, "exactly the new entry is added");
    let without_new: Vec<_> = r1.diary.iter().filter(|d| d.id != added.id).cloned().collect();
    assert_eq!(without_new, r0.diary, "the other diary entries are unchanged");
    assert!(r1.diary.contains(&added), "the new entry is projected as written");
    assert_eq!(r1.check_ins, r0.check_ins);
    assert_eq!(r1.visits, r0.visits);
    assert_eq!(r1.leave_requests, r0.leave_requests);
    assert_eq!(r1.filings, r0.filings);
    assert_eq!(r1.members, r0.members);
    assert_eq!(r1.households, r0.households);

    // Replacing the part with an empty one removes exactly that document's records.
    let part = DocPart::read(&name, doc);
    let mut emptied = after.clone();
    emptied.set(&name, DocPart::default());
    let r2 = emptied.records();
    assert_eq!(r2.check_ins.len(), r1.check_ins.len() - part.check_ins.len());
    assert_eq!(r2.diary.len(), r1.diary.len() - part.diary.len());
    assert_eq!(r2.visits.len(), r1.visits.len() - part.visits.len());
    assert!(r2.check_ins.iter().all(|c| !part.check_ins.contains(c)), "none of the log's check-ins remain");
    assert_eq!(r2.members, r1.members, "other documents' records stay");
    assert_eq!(r2.leave_requests, r1.leave_requests, "other documents' records stay");
    let same_month = |at| YearMonth::of(taizhang_domain::local_date(at)) == month;
    assert!(
        !r2.check_ins.iter().any(|c| c.member == owner && same_month(c.at)),
        "the owner's check-ins of {month} came only from {name}"
    );
}

#[test]
fn a_log_does_not_count_records_of_another_member() {
    let (a, b) = (1, 2);
    let d = date(2026, 3, 10);
    let log = doc_with(|tx| {
        put(tx, &check_in(1, a, d, 8));
        put(tx, &check_in(2, b, d, 8)); // B's check-in, in A's log
        put(tx, &diary(1, a, d));
        put(tx, &diary(2, b, d));
        put(tx, &visit(1, a, 1, d, 10));
        put(tx, &visit(2, b, 1, d, 11));
    });
    let name = DocId::Log { member: mid(a), month: YearMonth { year: 2026, month: 3 } }.to_string();
    let part = DocPart::read(&name, &log);

    assert_eq!(part.check_ins, vec![check_in(1, a, d, 8)], "only A's check-in counts in A's log");
    assert_eq!(part.diary, vec![diary(1, a, d)], "only A's diary counts in A's log");
    assert_eq!(part.visits, vec![visit(1, a, 1, d, 10)], "only A's visit counts in A's log");
    assert_eq!(part.unreadable, 0, "B's records are ignored, not unreadable");

    // B's own log holds B's records; the village counts each of them once.
    let b_log = doc_with(|tx| put(tx, &check_in(2, b, d, 8)));
    let b_name = DocId::Log { member: mid(b), month: YearMonth { year: 2026, month: 3 } }.to_string();
    let mut p = VillageProjection::default();
    p.set(&name, part);
    p.set(&b_name, DocPart::read(&b_name, &b_log));
    let r = p.records();
    assert_eq!(r.check_ins.iter().filter(|c| c.member == mid(b)).count(), 1, "B's check-in counts once");
    assert_eq!(r.check_ins.len(), 2);
}

#[test]
fn a_document_that_is_no_field_document_contributes_nothing() {
    let d = date(2026, 3, 10);
    let a = mid(1);
    // A document holding a bit of everything.
    let doc = doc_with(|tx| {
        put(tx, &member(1, "王五", Role::FirstSecretary, d));
        put(tx, &household(1));
        put(tx, &check_in(1, 1, d, 8));
        put(tx, &diary(1, 1, d));
        put(tx, &visit(1, 1, 1, d, 10));
    });
    // Non-canonical spellings of the real log name are not document names either.
    let (unpadded, trailing, spaced) =
        (format!("log/{a}/2026-3"), format!("log/{a}/2026-03/"), format!(" log/{a}/2026-03"));
    let names = [
        "assessment/2026",
        "garbage",
        "",
        "team/26",
        "registry/",
        "log/x/2026-03",
        "../registry",
        &unpadded,
        &trailing,
        &spaced,
    ];
    let mut p = VillageProjection::default();
    for name in names {
        let part = DocPart::read(name, &doc);
        assert_eq!(part, DocPart::default(), "`{name}` is not a field document and contributes nothing");
        p.set(name, part);
    }
    assert_eq!(p.records(), taizhang_rules::VillageRecords::default());
    assert_eq!(p.village(), None::<&Village>);
    assert_eq!(p.unreadable(), 0);

    // The same document under its real name does contribute (so the above is not vacuous).
    let real = DocId::Log { member: a, month: YearMonth { year: 2026, month: 3 } }.to_string();
    let part = DocPart::read(&real, &doc);
    assert_eq!((part.check_ins.len(), part.diary.len(), part.visits.len()), (1, 1, 1));
}

#[test]
fn members_are_ordered_first_secretary_first_then_by_name() {
    let d = date(2026, 1, 1);
    // Key order (by id) is 李四, 张三, 王五; name order is 张三, 李四, 王五.
    let registry = doc_with(|tx| {
        put(tx, &member(1, "李四", Role::TeamMember, d));
        put(tx, &member(2, "张三", Role::TeamMember, d));
        put(tx, &member(3, "王五", Role::FirstSecretary, d));
    });
    let mut p = VillageProjection::default();
    p.set("registry", DocPart::read("registry", &registry));
    let names: Vec<String> = p.records().members.into_iter().map(|m| m.name).collect();
    assert_eq!(names, ["王五", "张三", "李四"], "first secretary first, then by name");

    let v = synth_village();
    let r = project(&v.docs).records();
    assert_eq!(r.members.first().map(|m| m.role), Some(Role::FirstSecretary), "synthetic village too");
    assert!(r.members.iter().skip(1).all(|m| m.role == Role::TeamMember));
}

#[test]
fn households_are_ordered_by_group_then_head() {
    let registry = doc_with(|tx| {
        for (n, group, head) in [(1, "二组", "甲"), (2, "一组", "乙"), (3, "一组", "甲")] {
            put(tx, &Household { group: group.into(), head: head.into(), ..household(n) });
        }
    });
    let mut p = VillageProjection::default();
    p.set("registry", DocPart::read("registry", &registry));
    let order: Vec<(String, String)> = p.records().households.into_iter().map(|h| (h.group, h.head)).collect();
    let expected: Vec<(String, String)> =
        [("一组", "乙"), ("一组", "甲"), ("二组", "甲")].iter().map(|(g, h)| (g.to_string(), h.to_string())).collect();
    // 一 (U+4E00) < 二 (U+4E8C); 乙 (U+4E59) < 甲 (U+7532).
    assert_eq!(order, expected);
}
