//! The village ledger's merge promise (issue 22): progress updates added to one project on two
//! phones while both were offline all survive the merge, in either order, and a closing made
//! on one phone meanwhile keeps its fields (the project record holds only whole-record edits).
//! A year's village situation (`situation/2026`, a key every phone derives) created on two
//! phones at once keeps the parts each filled in, in either merge order, and a part emptied
//! afterwards is not brought back by the other phone's copy.

use automerge::{ActorId, Automerge};
use chrono::NaiveDate;
use proptest::prelude::*;
use taizhang_doc::{read_all, read_one, write, Record};
use taizhang_domain::{
    Funding, HouseholdId, MemberId, ProgressId, ProgressUpdate, Project, ProjectId, ProjectKind, ProjectState,
};
use uuid::Uuid;

fn doc(actor: u8) -> Automerge {
    Automerge::new().with_actor(ActorId::from(vec![actor; 16]))
}

fn edit(d: &mut Automerge, f: impl FnOnce(&mut automerge::transaction::Transaction<'_>)) {
    let mut tx = d.transaction();
    f(&mut tx);
    tx.commit();
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, d).expect("day")
}

fn project() -> Project {
    Project {
        id: ProjectId(Uuid::from_u128(7)),
        name: "三组通组路硬化".into(),
        kind: ProjectKind::Practical,
        funding: Funding { collective: Some(20_000), fiscal: Some(150_000), ..Funding::default() },
        households: vec![HouseholdId(Uuid::from_u128(1))],
        state: ProjectState::Underway,
        started_on: Some(day(1)),
        created_by: MemberId(Uuid::from_u128(1)),
        created_at: 1_790_000_000_000,
        closed_on: None,
        closed_by: None,
        result: String::new(),
    }
}

fn update(phone: u8, n: u32) -> ProgressUpdate {
    ProgressUpdate {
        id: ProgressId(Uuid::from_u128((u128::from(phone) << 64) | u128::from(n))),
        project: project().id,
        day: day(1 + n % 28),
        text: format!("手机{phone}的第{n}条进展"),
        by: MemberId(Uuid::from_u128(u128::from(phone))),
        at: 1_790_000_000_000 + i64::from(n),
        attachments: Vec::new(),
    }
}

fn progress(d: &Automerge) -> Vec<ProgressUpdate> {
    let (ok, bad) = read_all::<ProgressUpdate>(d);
    assert!(bad.is_empty(), "{bad:?}");
    let mut v: Vec<ProgressUpdate> = ok.into_iter().map(|r| r.record).collect();
    v.sort_by_key(|u| u.id);
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Li adds `a` updates and Wang `b`, offline; Li may close the project meanwhile. After
    /// both merges each phone holds every update and the same project.
    #[test]
    fn concurrent_progress_updates_all_survive(a in 0u32..6, b in 1u32..6, close in any::<bool>(), li_first in any::<bool>()) {
        let mut li = doc(1);
        edit(&mut li, |tx| write(tx, &project()).expect("write"));
        let mut wang = doc(2);
        wang.merge(&mut li).expect("merge");

        for n in 0..a {
            edit(&mut li, |tx| write(tx, &update(1, n)).expect("write"));
        }
        if close {
            let done = Project {
                state: ProjectState::Done,
                closed_on: Some(day(30)),
                closed_by: Some(MemberId(Uuid::from_u128(1))),
                result: "已验收".into(),
                ..project()
            };
            edit(&mut li, |tx| write(tx, &done).expect("write"));
        }
        for n in 0..b {
            edit(&mut wang, |tx| write(tx, &update(2, n)).expect("write"));
        }

        if li_first {
            li.merge(&mut wang).expect("merge");
            wang.merge(&mut li).expect("merge");
        } else {
            wang.merge(&mut li).expect("merge");
            li.merge(&mut wang).expect("merge");
        }

        let mut want: Vec<ProgressUpdate> = (0..a).map(|n| update(1, n)).chain((0..b).map(|n| update(2, n))).collect();
        want.sort_by_key(|u| u.id);
        prop_assert_eq!(progress(&li), want.clone());
        prop_assert_eq!(progress(&wang), want);
        let on_li = read_one::<Project>(&li, &project().key()).expect("read").expect("held");
        let on_wang = read_one::<Project>(&wang, &project().key()).expect("read").expect("held");
        prop_assert_eq!(&on_li.record, &on_wang.record);
        prop_assert!(on_li.conflicts.is_empty(), "nobody edited the same field");
        prop_assert_eq!(on_li.record.state, if close { ProjectState::Done } else { ProjectState::Underway });
    }
}

fn situation(by: u8) -> taizhang_domain::VillageSituation {
    taizhang_domain::VillageSituation::empty(2026, MemberId(Uuid::from_u128(u128::from(by))), 1_790_000_000_000)
}

proptest! {
    /// Li fills in some parts and Wang others of the same year's situation, each creating the
    /// record offline; after merging (either order, any split of the parts) both phones read
    /// every part, with the winning phone's value where both wrote one.
    #[test]
    fn a_situation_created_on_two_phones_keeps_both_phones_parts(
        li_parts in proptest::collection::vec(any::<bool>(), 4),
        wang_parts in proptest::collection::vec(any::<bool>(), 4),
        li_first in any::<bool>(),
    ) {
        use taizhang_domain::VillageSituation;
        let fill = |x: &mut VillageSituation, parts: &[bool], who: &str| {
            if parts[0] { x.roads = format!("{who}: 道路"); }
            if parts[1] { x.water = format!("{who}: 饮水"); }
            if parts[2] { x.problems = format!("{who}: 问题"); }
            if parts[3] { x.party_members = Some(if who == "li" { 31 } else { 32 }); }
        };
        let (mut li, mut wang) = (doc(1), doc(2));
        let mut a = situation(1);
        fill(&mut a, &li_parts, "li");
        let mut b = situation(2);
        fill(&mut b, &wang_parts, "wang");
        edit(&mut li, |tx| write(tx, &a).expect("write"));
        edit(&mut wang, |tx| write(tx, &b).expect("write"));
        if li_first {
            li.merge(&mut wang).expect("merge");
            wang.merge(&mut li).expect("merge");
        } else {
            wang.merge(&mut li).expect("merge");
            li.merge(&mut wang).expect("merge");
        }
        let on_li = read_one::<VillageSituation>(&li, "situation/2026").expect("read").expect("held").record;
        let on_wang = read_one::<VillageSituation>(&wang, "situation/2026").expect("read").expect("held").record;
        prop_assert_eq!(&on_li, &on_wang, "the same on both phones");
        for (i, got) in [&on_li.roads, &on_li.water, &on_li.problems].into_iter().enumerate() {
            prop_assert_eq!(!got.is_empty(), li_parts[i] || wang_parts[i], "part {} kept if either filled it in", i);
        }
        prop_assert_eq!(on_li.party_members.is_some(), li_parts[3] || wang_parts[3]);
    }
}

#[test]
fn a_part_emptied_after_the_merge_is_not_brought_back_by_the_other_phones_copy() {
    use taizhang_domain::VillageSituation;
    let (mut li, mut wang) = (doc(1), doc(2));
    let a = VillageSituation { roads: "三组通组路未硬化".into(), ..situation(1) };
    let b = VillageSituation { water: "集中供水".into(), ..situation(2) };
    edit(&mut li, |tx| write(tx, &a).expect("write"));
    edit(&mut wang, |tx| write(tx, &b).expect("write"));
    li.merge(&mut wang).expect("merge");
    let merged = read_one::<VillageSituation>(&li, "situation/2026").expect("read").expect("held").record;
    assert_eq!((merged.roads.as_str(), merged.water.as_str()), ("三组通组路未硬化", "集中供水"));
    // Li empties both parts (the road was paved, the water line was wrong) and saves.
    let emptied = VillageSituation { roads: String::new(), water: String::new(), ..merged };
    edit(&mut li, |tx| write(tx, &emptied).expect("write"));
    wang.merge(&mut li).expect("merge");
    for d in [&li, &wang] {
        let x = read_one::<VillageSituation>(d, "situation/2026").expect("read").expect("held").record;
        assert_eq!((x.roads.as_str(), x.water.as_str()), ("", ""), "emptied on every map, not resurrected");
    }
    let (all, bad) = read_all::<VillageSituation>(&wang);
    assert!(bad.is_empty());
    assert_eq!(all.len(), 1, "one record, however many maps hold it");
}
