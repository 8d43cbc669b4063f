//! Issue 16 on the household screen: the details in words, the family roster with ID numbers
//! masked for everyone but the member who typed them, the history of changes (who, when,
//! old → new in words), and an edit in the app's form keeps the details the form does not hold.

use std::sync::Arc;

use taizhang_app_core::AppCore;
use taizhang_client::Ledger;
use taizhang_doc::demo;
use taizhang_domain::{FamilyMember, Health, HouseholdStatus, MonitoredType, PersonId, Relation, RiskKind};
use uuid::Uuid;

/// 2026-11-25 10:00 in Shanghai.
const NOW: i64 = 1_795_536_000_000 + 10 * 3_600_000;

#[tokio::test]
async fn the_household_screen_shows_roster_details_and_history_in_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("li.sqlite3");
    let h = demo::households(3)[1].clone();
    let (li, wang) = (demo::member_id(0), demo::member_id(1));
    {
        let mut l = Ledger::create(&path, demo::VILLAGE, Some(li), [1; 16]).expect("create ledger");
        l.put_village(&demo::village(), 0).expect("village");
        for m in demo::members() {
            l.put_member(&m, 0).expect("member");
        }
        l.put_household(&h, 0).expect("household");
        let person = |name: &str, relation: Relation, born: i32| FamilyMember {
            id: PersonId(Uuid::now_v7()),
            household: h.id,
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
        };
        let mine = FamilyMember {
            id_number: "11010519491231002X".into(),
            id_entered_by: Some(li),
            health: Some(Health::Chronic),
            ..person(&h.head, Relation::Head, 1949)
        };
        l.put_family_member(&mine, NOW).expect("head");
        // Typed on Wang's phone (as the record says): masked for Li.
        let theirs = FamilyMember {
            id_number: "11010519491231002X".into(),
            id_entered_by: Some(wang),
            ..person("李秀英", Relation::Spouse, 1952)
        };
        l.put_family_member(&theirs, NOW).expect("spouse");
        let mut edited = h.clone();
        edited.status = HouseholdStatus::Monitored;
        edited.details.monitored_type = Some(MonitoredType::Marginal);
        edited.details.risks = vec![RiskKind::Illness];
        edited.details.door_number = "12号".into();
        l.put_household(&edited, NOW + 60_000).expect("monitored");
    }
    let core = AppCore::open(
        path.clone(),
        path.with_extension("settings.json"),
        Some("http://127.0.0.1:9"),
        Arc::new(|| NOW + 120_000),
    )
    .expect("open");
    let d = core.household(h.id.to_string()).await.expect("detail");
    assert_eq!(d.household.status, taizhang_app_core::contract::HouseholdStatusCode::Monitored);
    let facts: Vec<(&str, &str)> = d.facts.iter().map(|f| (f.label_zh.as_str(), f.value_zh.as_str())).collect();
    assert_eq!(facts, vec![("门牌号", "12号"), ("监测对象类型", "边缘易致贫户"), ("风险类型", "因病")]);

    let family: Vec<(&str, &str, Option<i32>, &str)> =
        d.family.iter().map(|p| (p.name.as_str(), p.relation_zh.as_str(), p.age, p.id_number.as_str())).collect();
    assert_eq!(
        family,
        vec![
            (h.head.as_str(), "户主", Some(77), "11010519491231002X"),
            ("李秀英", "配偶", Some(74), "110***********002X"),
        ]
    );
    assert_eq!(d.family[0].notes_zh, "长期慢性病");

    let newest = &d.history[0];
    assert_eq!(newest.at, NOW + 60_000);
    assert_eq!(newest.who, "李明");
    let status = newest.changes.iter().find(|c| c.label_zh == "户类型").expect("status change");
    assert_eq!((status.old.as_str(), status.new.as_str()), ("脱贫户", "监测对象"));
    assert_eq!(d.history.len(), 2, "added, then made monitored");

    // Editing in the app's form (which does not hold the new fields) keeps them.
    let mut input = d.household.clone();
    input.plan = "发展庭院经济".into();
    let after = core.save_household(input).await.expect("saved");
    assert_eq!(after.facts, d.facts);
    assert_eq!(after.history.len(), 3);
    assert_eq!(after.history[0].changes.len(), 1, "only the plan changed");
}
