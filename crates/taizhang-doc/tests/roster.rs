//! Issue 16's records in documents: the family roster merges when two phones edit it, the new
//! household fields round-trip and read empty from an older record, and a record's history
//! says who changed what, when, old → new.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ROOT};
use chrono::NaiveDate;
use taizhang_doc::{author_message, read_all, read_one, record_history, write, Record};
use taizhang_domain::{
    FamilyMember, Guarantee, Health, Household, HouseholdDetails, HouseholdId, HouseholdStatus, MonitoredType,
    PersonId, Relation, RiskKind, Schooling,
};
use uuid::Uuid;

fn household() -> Household {
    Household {
        id: HouseholdId(Uuid::from_u128(12)),
        head: "王大山".into(),
        members_count: 3,
        group: "一组".into(),
        grid: "网格1".into(),
        status: HouseholdStatus::Ordinary,
        causes: Vec::new(),
        helper: None,
        plan: String::new(),
        income_yuan: None,
        details: HouseholdDetails::default(),
    }
}

fn person(n: u128, name: &str, relation: Relation) -> FamilyMember {
    FamilyMember {
        id: PersonId(Uuid::from_u128(n)),
        household: HouseholdId(Uuid::from_u128(12)),
        name: name.into(),
        relation,
        birth_year: Some(1960 + n as i32),
        health: None,
        work_ability: None,
        schooling: None,
        disability_grade: None,
        medical_insurance: None,
        pension_insurance: None,
        id_number: String::new(),
        id_entered_by: None,
        left: false,
    }
}

fn doc(actor: u8) -> Automerge {
    Automerge::new().with_actor(ActorId::from(vec![actor; 16]))
}

fn edit_by(d: &mut Automerge, who: u128, at: i64, f: impl FnOnce(&mut automerge::transaction::Transaction<'_>)) {
    let mut tx = d.transaction();
    f(&mut tx);
    tx.commit_with(CommitOptions::default().with_time(at).with_message(author_message(Uuid::from_u128(who))));
}

#[test]
fn a_roster_edited_on_two_phones_keeps_both_edits() {
    let mut li = doc(1);
    edit_by(&mut li, 100, 1_000, |tx| {
        write(tx, &household()).expect("household");
        write(tx, &person(1, "王大山", Relation::Head)).expect("head");
    });
    let mut wang = doc(2);
    wang.merge(&mut li.clone()).expect("wang gets the registry");

    // Offline: Li adds the wife and marks the head chronically ill; Wang adds a grandson and
    // records the head's pension insurance.
    edit_by(&mut li, 100, 2_000, |tx| {
        write(tx, &person(2, "李秀英", Relation::Spouse)).expect("spouse");
        write(tx, &FamilyMember { health: Some(Health::Chronic), ..person(1, "王大山", Relation::Head) }).expect("li");
    });
    edit_by(&mut wang, 200, 2_500, |tx| {
        let grandson =
            FamilyMember { schooling: Some(Schooling::Primary), ..person(3, "王小明", Relation::Grandchild) };
        write(tx, &grandson).expect("grandson");
        write(tx, &FamilyMember { pension_insurance: Some(true), ..person(1, "王大山", Relation::Head) })
            .expect("wang");
    });

    li.merge(&mut wang.clone()).expect("merge");
    wang.merge(&mut li.clone()).expect("merge back");
    for d in [&li, &wang] {
        let (people, bad) = read_all::<FamilyMember>(d);
        assert!(bad.is_empty());
        let mut names: Vec<String> = people.iter().map(|p| p.record.name.clone()).collect();
        names.sort();
        assert_eq!(names, vec!["李秀英", "王大山", "王小明"], "both additions kept");
        let head = read_one::<FamilyMember>(d, &person(1, "", Relation::Head).key()).expect("read").expect("head");
        assert_eq!(head.record.health, Some(Health::Chronic), "Li's edit kept");
        assert_eq!(head.record.pension_insurance, Some(true), "Wang's edit kept");
        assert!(head.conflicts.is_empty(), "different fields: no conflict");
    }
}

#[test]
fn new_household_fields_round_trip_and_an_older_record_reads_empty() {
    let mut d = doc(1);
    let mut checks = std::collections::BTreeMap::new();
    checks.insert(Guarantee::Water, false);
    checks.insert(Guarantee::Housing, true);
    let h = Household {
        status: HouseholdStatus::Monitored,
        details: HouseholdDetails {
            phone: "13800000000".into(),
            address: "一组 12 号".into(),
            door_number: "12号".into(),
            monitored_type: Some(MonitoredType::SuddenHardship),
            risks: vec![RiskKind::Illness, RiskKind::Accident],
            risk_cleared_on: NaiveDate::from_ymd_opt(2026, 10, 8),
            checks,
            income_per_head_yuan: Some(7_300),
            helper_name: "赵敏".into(),
            helper_unit: "县水利局".into(),
            helper_phone: "0917-1234567".into(),
            attachments: Vec::new(),
        },
        ..household()
    };
    edit_by(&mut d, 100, 1_000, |tx| write(tx, &h).expect("write"));
    let back = read_one::<Household>(&d, &h.key()).expect("read").expect("there");
    assert_eq!(back.record, h);

    // A household written before issue 16 (only the old fields) reads with empty details.
    let mut old = doc(2);
    edit_by(&mut old, 100, 1_000, |tx| {
        let obj = tx
            .put_object(ROOT, "household/00000000-0000-0000-0000-00000000000d", automerge::ObjType::Map)
            .expect("map");
        tx.put(&obj, "head", "旧户主").expect("head");
        tx.put(&obj, "status", "registered_poor").expect("status");
    });
    let (all, bad) = read_all::<Household>(&old);
    assert!(bad.is_empty());
    assert_eq!(all[0].record.details, HouseholdDetails::default());
    assert_eq!(all[0].record.status.zh(), "脱贫户(原建档立卡)");
}

#[test]
fn a_households_history_says_who_when_and_old_to_new() {
    let mut d = doc(1);
    let h = household();
    edit_by(&mut d, 100, 1_000, |tx| write(tx, &h).expect("add"));
    let monitored = Household {
        status: HouseholdStatus::Monitored,
        details: HouseholdDetails { monitored_type: Some(MonitoredType::Marginal), ..HouseholdDetails::default() },
        ..h.clone()
    };
    edit_by(&mut d, 200, 5_000, |tx| write(tx, &monitored).expect("monitored"));
    edit_by(&mut d, 200, 6_000, |tx| write(tx, &monitored).expect("no change"));
    // A change to another record is not in this household's history.
    edit_by(&mut d, 100, 7_000, |tx| write(tx, &person(1, "王大山", Relation::Head)).expect("person"));

    let history = record_history(&d, &h.key());
    assert_eq!(history.len(), 2, "the add and the status change; the empty rewrite made no change");
    assert_eq!((history[0].at, history[0].member), (1_000, Some(Uuid::from_u128(100))));
    assert!(history[0]
        .fields
        .iter()
        .any(|f| f.field == "head" && f.old.is_none() && f.new.as_deref() == Some("王大山")));
    let second = &history[1];
    assert_eq!((second.at, second.member), (5_000, Some(Uuid::from_u128(200))));
    let mut fields: Vec<(&str, Option<&str>, Option<&str>)> =
        second.fields.iter().map(|f| (f.field.as_str(), f.old.as_deref(), f.new.as_deref())).collect();
    fields.sort();
    assert_eq!(
        fields,
        vec![("monitored_type", None, Some("marginal")), ("status", Some("ordinary"), Some("monitored"))]
    );
}

/// The index kept beside a document gives the same history as reading every change, when it
/// is brought up to date after each edit and after changes merged from another device.
#[test]
fn an_index_kept_up_to_date_gives_the_same_history() {
    use taizhang_doc::{record_history_indexed, HistoryIndex};
    let mut d = doc(1);
    let h = household();
    let mut index = HistoryIndex::default();
    index.update(&d);
    edit_by(&mut d, 100, 1_000, |tx| write(tx, &h).expect("add"));
    index.update(&d);
    assert_eq!(record_history_indexed(&d, &index, &h.key()), record_history(&d, &h.key()));
    // Another phone changes the status concurrently; its changes arrive by a merge.
    let mut other = d.fork().with_actor(automerge::ActorId::from(vec![2u8; 16]));
    let monitored = Household { status: HouseholdStatus::Monitored, ..h.clone() };
    edit_by(&mut other, 200, 5_000, |tx| write(tx, &monitored).expect("monitored"));
    edit_by(&mut d, 100, 6_000, |tx| write(tx, &person(1, "王大山", Relation::Head)).expect("person"));
    d.merge(&mut other).expect("merge");
    index.update(&d);
    let indexed = record_history_indexed(&d, &index, &h.key());
    assert_eq!(indexed, record_history(&d, &h.key()));
    assert_eq!(indexed.len(), 2, "{indexed:?}");
    // A different document in its place: the index starts again instead of mixing them.
    let mut fresh = doc(3);
    edit_by(&mut fresh, 300, 9_000, |tx| write(tx, &h).expect("add elsewhere"));
    index.update(&fresh);
    assert_eq!(record_history_indexed(&fresh, &index, &h.key()), record_history(&fresh, &h.key()));
    assert_eq!(record_history_indexed(&fresh, &index, &h.key()).len(), 1);
}

/// Keeping one device's value of a field in conflict keeps that device's who-and-when fields
/// with it (here a family member's ID number and who entered it), and leaves other content
/// fields in conflict for the person to decide.
#[test]
fn keeping_a_value_keeps_its_authors_bookkeeping_with_it() {
    use taizhang_doc::{keep_conflict_value, read_one};
    let mut a = doc(1);
    let p = person(5, "王小红", Relation::Child);
    edit_by(&mut a, 100, 1_000, |tx| write(tx, &p).expect("add"));
    let mut b = a.fork().with_actor(ActorId::from(vec![2u8; 16]));
    let on_a = FamilyMember {
        id_number: "11010519491231002X".into(),
        id_entered_by: Some(taizhang_domain::MemberId(Uuid::from_u128(100))),
        birth_year: Some(1990),
        ..p.clone()
    };
    let on_b = FamilyMember {
        id_number: "110105194912310029".into(),
        id_entered_by: Some(taizhang_domain::MemberId(Uuid::from_u128(200))),
        birth_year: Some(1991),
        ..p.clone()
    };
    edit_by(&mut a, 100, 2_000, |tx| write(tx, &on_a).expect("a"));
    edit_by(&mut b, 200, 2_000, |tx| write(tx, &on_b).expect("b"));
    a.merge(&mut b).expect("merge");
    let fields = |d: &Automerge| {
        let mut f: Vec<String> = read_one::<FamilyMember>(d, &p.key())
            .expect("read")
            .expect("there")
            .conflicts
            .into_iter()
            .map(|c| c.field)
            .collect();
        f.sort();
        f
    };
    assert_eq!(fields(&a), ["birth_year", "id_entered_by", "id_number"]);
    let mut tx = a.transaction();
    assert!(keep_conflict_value(&mut tx, &p.key(), "id_number", "110105194912310029").expect("keep"));
    tx.commit();
    let back = read_one::<FamilyMember>(&a, &p.key()).expect("read").expect("there");
    assert_eq!(back.record.id_number, "110105194912310029");
    assert_eq!(back.record.id_entered_by, on_b.id_entered_by, "who entered it follows the number kept");
    assert_eq!(fields(&a), ["birth_year"], "the year of birth is still the person's to decide");
}
