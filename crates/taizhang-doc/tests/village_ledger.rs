//! The village ledger's merge promise (issue 22): progress updates added to one project on two
//! phones while both were offline all survive the merge, in either order, and a closing made
//! on one phone meanwhile keeps its fields (the project record holds only whole-record edits).

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
