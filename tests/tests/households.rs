//! Issue 16 across devices: a family roster edited on two phones offline merges through the
//! server, the household's history says who changed what, and an ID number typed on one phone
//! is whole there and masked on the other.

use taizhang_doc::demo;
use taizhang_domain::{FamilyMember, Health, HouseholdStatus, MonitoredType, PersonId, Relation, RiskKind, Schooling};
use taizhang_store::HouseholdQuery;
use taizhang_tests::*;
use uuid::Uuid;

fn person(household: taizhang_domain::HouseholdId, name: &str, relation: Relation, born: i32) -> FamilyMember {
    FamilyMember {
        id: PersonId(Uuid::now_v7()),
        household,
        name: name.into(),
        relation,
        birth_year: Some(born),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roster_edited_on_two_phones_merges_and_the_history_says_who() {
    let server = TestServer::start(20).await;
    let t = server.transport();
    let (li_id, wang_id) = (demo::member_id(0), demo::member_id(1));
    let mut li = server.device(0).await;
    let mut wang = server.device(1).await;
    li.sync(&t, NOW).await.expect("li first sync");
    let h7 = household(7);

    // Li, with signal, puts the head on the roster with his ID number; both phones get it.
    let head = FamilyMember {
        id_number: "11010519491231002X".into(),
        id_entered_by: Some(li_id),
        ..person(h7, "王德明", Relation::Head, 1949)
    };
    li.put_family_member(&head, NOW + 1_000).expect("head");
    li.sync(&t, NOW + 2_000).await.expect("li syncs");
    wang.sync(&t, NOW + 2_000).await.expect("wang syncs");

    // Offline: Li adds the wife and notes the head's chronic illness; Wang adds a grandson,
    // notes the head's pension insurance, and makes the household a monitored one.
    li.put_family_member(&person(h7, "李秀英", Relation::Spouse, 1952), NOW + 60_000).expect("spouse");
    li.put_family_member(&FamilyMember { health: Some(Health::Chronic), ..head.clone() }, NOW + 61_000).expect("li");
    let grandson =
        FamilyMember { schooling: Some(Schooling::Primary), ..person(h7, "王小明", Relation::Grandchild, 2016) };
    wang.put_family_member(&grandson, NOW + 70_000).expect("grandson");
    let on_wang = wang.store().family_members(h7).expect("roster").remove(0).record;
    assert_eq!(on_wang.name, "王德明");
    wang.put_family_member(&FamilyMember { pension_insurance: Some(true), ..on_wang }, NOW + 71_000).expect("wang");
    let mut h = wang.store().household(h7).expect("read").expect("household").record;
    h.status = HouseholdStatus::Monitored;
    h.details.monitored_type = Some(MonitoredType::Marginal);
    h.details.risks = vec![RiskKind::Illness];
    wang.put_household(&h, NOW + 72_000).expect("monitored");

    wang.sync(&t, NOW + 100_000).await.expect("wang syncs");
    li.sync(&t, NOW + 100_000).await.expect("li syncs");
    wang.sync(&t, NOW + 100_000).await.expect("wang syncs again");

    assert_eq!(digest(&li), digest(&wang), "both phones hold the same tables");
    for (phone, me) in [(&li, li_id), (&wang, wang_id)] {
        let roster = phone.store().family_members(h7).expect("roster");
        let names: Vec<&str> = roster.iter().map(|p| p.record.name.as_str()).collect();
        assert_eq!(names, vec!["王德明", "李秀英", "王小明"], "head first, then by age");
        let head = &roster[0];
        assert!(head.conflicts.is_empty(), "different fields of the head: no conflict");
        assert_eq!(head.record.health, Some(Health::Chronic));
        assert_eq!(head.record.pension_insurance, Some(true));
        let shown = head.record.id_number_for(Some(me));
        if me == li_id {
            assert_eq!(shown, "11010519491231002X", "whole for the person who typed it");
        } else {
            assert_eq!(shown, "110***********002X", "masked for everyone else");
        }
        let found = phone
            .store()
            .households(&HouseholdQuery { text: Some("wxm".into()), ..HouseholdQuery::default() })
            .expect("search");
        assert_eq!(found.iter().map(|r| r.record.id).collect::<Vec<_>>(), vec![h7], "found by the grandson's initials");
    }

    let history = li.household_history(h7).expect("history");
    let last = history.last().expect("an edit");
    assert_eq!(last.member, Some(wang_id.0), "Wang made the status change");
    assert_eq!(last.at, NOW + 72_000);
    assert!(last.fields.iter().any(|f| f.field == "status" && f.new.as_deref() == Some("monitored")));
}

/// Issue 16: two phones set the same field of a household offline; after the sync the
/// household shows the conflict on both, one phone keeps the value it picks, and after the next
/// sync both hold that value with no conflict left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conflict_is_settled_by_keeping_the_value_picked() {
    let server = TestServer::start(20).await;
    let t = server.transport();
    let mut li = server.device(0).await;
    let mut wang = server.device(1).await;
    li.sync(&t, NOW).await.expect("li first sync");
    wang.sync(&t, NOW).await.expect("wang first sync");
    let id = household(5);
    let mut h = li.store().household(id).expect("read").expect("household").record;
    h.income_yuan = Some(12_000);
    li.put_household(&h, NOW + 1_000).expect("li's income");
    h.income_yuan = Some(15_000);
    wang.put_household(&h, NOW + 1_000).expect("wang's income");
    li.sync(&t, NOW + 2_000).await.expect("li syncs");
    wang.sync(&t, NOW + 2_000).await.expect("wang syncs");
    li.sync(&t, NOW + 3_000).await.expect("li syncs again");
    let row = li.store().household(id).expect("read").expect("household");
    let conflict = row.conflicts.iter().find(|c| c.field == "income_yuan").expect("a conflict on the income");
    assert_eq!(conflict.values.len(), 2, "{conflict:?}");
    assert!(conflict.values.iter().any(|v| v == "12000") && conflict.values.iter().any(|v| v == "15000"));

    assert!(!li.keep_household_value(id, "income_yuan", "99", NOW + 4_000).expect("no such value"));
    assert!(li.keep_household_value(id, "income_yuan", "15000", NOW + 4_000).expect("kept"));
    li.sync(&t, NOW + 5_000).await.expect("li syncs the choice");
    wang.sync(&t, NOW + 5_000).await.expect("wang gets it");
    for (who, device) in [("li", &li), ("wang", &wang)] {
        let row = device.store().household(id).expect("read").expect("household");
        assert_eq!(row.record.income_yuan, Some(15_000), "{who}");
        assert!(row.conflicts.iter().all(|c| c.field != "income_yuan"), "{who}: settled: {:?}", row.conflicts);
    }
}

/// Issue 16: conflicts beyond the household itself. Two phones change the same follow-up item
/// and the same family member offline; after the sync both are in the conflicts list with
/// labels that tell them apart, one phone keeps the values it picks, and after the next sync
/// the list is empty on both phones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflicts_on_a_promise_and_a_family_member_are_listed_and_settled() {
    let server = TestServer::start(20).await;
    let t = server.transport();
    let (li_id, wang_id) = (demo::member_id(0), demo::member_id(1));
    let mut li = server.device(0).await;
    let mut wang = server.device(1).await;
    li.sync(&t, NOW).await.expect("li first sync");
    let h4 = household(4);
    let head_name = li.store().household(h4).expect("read").expect("household").record.head;
    let item = taizhang_domain::FollowUp {
        id: taizhang_domain::FollowUpId(Uuid::now_v7()),
        household: h4,
        visit: None,
        text: "帮助申请危房改造补助".into(),
        owner: li_id,
        due: None,
        created_by: li_id,
        created_at: NOW + 1_000,
        done_by: None,
        done_at: None,
        done_note: String::new(),
        project: None,
        attachments: Vec::new(),
    };
    li.put_follow_up(&item, NOW + 1_000).expect("promise");
    let grandma = person(h4, "刘桂兰", Relation::Parent, 1940);
    li.put_family_member(&grandma, NOW + 1_000).expect("grandma");
    li.sync(&t, NOW + 2_000).await.expect("li syncs");
    wang.sync(&t, NOW + 2_000).await.expect("wang syncs");
    assert!(li.store().conflicted().expect("list").is_empty(), "nothing in conflict yet");

    // Offline, each hands the promise to someone else and corrects grandma's year of birth.
    li.put_follow_up(&taizhang_domain::FollowUp { owner: wang_id, ..item.clone() }, NOW + 60_000).expect("li");
    li.put_family_member(&FamilyMember { birth_year: Some(1941), ..grandma.clone() }, NOW + 60_000).expect("li");
    let zhang_id = demo::member_id(2);
    wang.put_follow_up(&taizhang_domain::FollowUp { owner: zhang_id, ..item.clone() }, NOW + 61_000).expect("wang");
    wang.put_family_member(&FamilyMember { birth_year: Some(1939), ..grandma.clone() }, NOW + 61_000).expect("wang");
    li.sync(&t, NOW + 70_000).await.expect("li syncs");
    wang.sync(&t, NOW + 70_000).await.expect("wang syncs");
    li.sync(&t, NOW + 80_000).await.expect("li syncs again");

    let listed = li.store().conflicted().expect("list");
    let kinds: Vec<(&str, &str)> = listed.iter().map(|c| (c.kind, c.label.as_str())).collect();
    assert_eq!(
        kinds,
        vec![("person", format!("刘桂兰（{head_name}家）").as_str()), ("followup", "帮助申请危房改造补助")],
        "{listed:?}"
    );
    for c in &listed {
        assert_eq!(c.household.as_deref(), Some(h4.to_string().as_str()), "{c:?}");
    }
    let owner = listed[1].conflicts.iter().find(|c| c.field == "owner").expect("the owner in conflict");
    let (wang_text, zhang_text) = (wang_id.to_string(), zhang_id.to_string());
    assert!(owner.values.contains(&wang_text) && owner.values.contains(&zhang_text), "{owner:?}");

    // A value not in conflict is refused (false); the picks are kept and travel.
    assert!(!li
        .keep_record_value("followup", &item.id.to_string(), "owner", &li_id.to_string(), NOW + 90_000)
        .expect("no"));
    assert!(li.keep_record_value("followup", &item.id.to_string(), "owner", &zhang_text, NOW + 90_000).expect("kept"));
    assert!(li.keep_record_value("person", &grandma.id.to_string(), "birth_year", "1939", NOW + 90_000).expect("kept"));
    li.sync(&t, NOW + 100_000).await.expect("li syncs the picks");
    wang.sync(&t, NOW + 100_000).await.expect("wang gets them");
    for (who, device) in [("li", &li), ("wang", &wang)] {
        assert!(device.store().conflicted().expect("list").is_empty(), "{who}: settled");
        let f = device.store().follow_up(item.id).expect("read").expect("item").record;
        assert_eq!(f.owner, zhang_id, "{who}");
        let g = device.store().family_members(h4).expect("roster").into_iter().find(|p| p.record.id == grandma.id);
        assert_eq!(g.expect("grandma").record.birth_year, Some(1939), "{who}");
    }
}
