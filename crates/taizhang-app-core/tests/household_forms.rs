//! Issue 16's household forms in the app: the details (phone, door number, monitoring, risks,
//! 两不愁三保障 checks, income per head, the helper by name and unit) saved with the household,
//! a family member added and edited on their own, an ID number kept whole only for the member
//! who typed it (the masked form sent back keeps it), an edit without the details keeping
//! them, and validation errors that name the form's field.

mod common;

use taizhang_app_core::contract::{
    ErrorCode, FamilyMemberInput, GuaranteeCheck, HouseholdDetailsInput, HouseholdStatusCode,
};
use taizhang_app_core::AppError;

/// 2026-11-25 10:00 in Shanghai.
const NOW: i64 = 1_795_536_000_000 + 10 * 3_600_000;

fn details() -> HouseholdDetailsInput {
    HouseholdDetailsInput {
        phone: "138 0000 1234".into(),
        address: "石门村三组".into(),
        door_number: "12号".into(),
        monitored_type: Some("marginal".into()),
        risks: vec!["illness".into(), "因学".into()],
        risk_cleared_on: None,
        checks: vec![
            GuaranteeCheck { code: "water".into(), ok: false },
            GuaranteeCheck { code: "food".into(), ok: true },
        ],
        income_per_head_yuan: Some(8_200),
        helper_name: "赵丽".into(),
        helper_unit: "县农业农村局".into(),
        helper_phone: String::new(),
    }
}

fn person(household: &str, name: &str) -> FamilyMemberInput {
    FamilyMemberInput {
        id: None,
        household_id: household.into(),
        name: name.into(),
        relation: "child".into(),
        birth_year: Some(2012),
        health: Some("healthy".into()),
        work_ability: Some("none".into()),
        schooling: Some("junior".into()),
        disability_grade: None,
        medical_insurance: Some(true),
        pension_insurance: None,
        id_number: String::new(),
        left: false,
    }
}

fn field_of(e: AppError) -> (ErrorCode, Option<String>) {
    let c = e.to_command_error();
    (c.code, c.field)
}

#[tokio::test]
async fn the_form_saves_the_monitoring_fields_and_an_edit_without_them_keeps_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, hs) = common::core_with_village(dir.path(), NOW);
    let choices = core.household_choices().await.expect("choices");
    assert_eq!(
        choices.monitored_types.iter().map(|c| c.zh.as_str()).collect::<Vec<_>>(),
        ["脱贫不稳定户", "边缘易致贫户", "突发严重困难户"]
    );
    assert!(choices.guarantees.iter().any(|c| c.code == "water" && c.zh == "饮水安全有保障"));

    let mut input = core.household(hs[0].id.to_string()).await.expect("detail").household;
    input.status = HouseholdStatusCode::Monitored;
    input.details = Some(details());
    let d = core.save_household(input.clone()).await.expect("saved with details");
    let facts: Vec<(&str, &str)> = d.facts.iter().map(|f| (f.label_zh.as_str(), f.value_zh.as_str())).collect();
    assert_eq!(
        facts,
        vec![
            ("门牌号", "12号"),
            ("住址", "石门村三组"),
            ("联系电话", "138 0000 1234"),
            ("监测对象类型", "边缘易致贫户"),
            ("风险类型", "因病、因学"),
            ("不愁吃", "有保障"),
            ("饮水安全有保障", "有问题"),
            ("人均纯收入(元)", "8200"),
            ("结对帮扶责任人", "赵丽 县农业农村局"),
        ]
    );
    let back = d.household.details.clone().expect("the form gets the details back");
    assert_eq!(back.risks, vec!["illness", "schooling"]);
    assert_eq!(back.monitored_type.as_deref(), Some("marginal"));

    // A window that does not hold the details (an older one) sends none: they are kept.
    let older =
        taizhang_app_core::contract::HouseholdInput { details: None, plan: "养殖肉牛".into(), ..d.household };
    let after = core.save_household(older).await.expect("saved without details");
    assert_eq!(after.facts, d.facts);
    assert_eq!(after.history[0].changes.len(), 1, "only the plan changed: {:?}", after.history[0].changes);

    // Clearing the risk needs a day and keeps the type; the history says it in words.
    let mut cleared = details();
    cleared.risk_cleared_on = Some("2026-11-20".into());
    let d = core
        .save_household(taizhang_app_core::contract::HouseholdInput { details: Some(cleared), ..after.household })
        .await
        .expect("risk cleared");
    let change = d.history[0].changes.iter().find(|c| c.label_zh == "风险消除日期").expect("in the history");
    assert_eq!(change.new, "2026-11-20");
}

#[tokio::test]
async fn the_form_refuses_with_the_field_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, hs) = common::core_with_village(dir.path(), NOW);
    let base = core.household(hs[0].id.to_string()).await.expect("detail").household;
    let with = |d: HouseholdDetailsInput, status: HouseholdStatusCode| taizhang_app_core::contract::HouseholdInput {
        details: Some(d),
        status,
        ..base.clone()
    };
    let cases: Vec<(HouseholdDetailsInput, HouseholdStatusCode, &str)> = vec![
        (HouseholdDetailsInput { phone: "打电话".into(), ..details() }, HouseholdStatusCode::Monitored, "phone"),
        (details(), HouseholdStatusCode::Ordinary, "monitoredType"),
        (
            HouseholdDetailsInput { monitored_type: None, risk_cleared_on: Some("2026-11-01".into()), ..details() },
            HouseholdStatusCode::Monitored,
            "riskClearedOn",
        ),
        (
            HouseholdDetailsInput { risk_cleared_on: Some("11/01".into()), ..details() },
            HouseholdStatusCode::Monitored,
            "riskClearedOn",
        ),
        (HouseholdDetailsInput { risks: vec!["因穷".into()], ..details() }, HouseholdStatusCode::Monitored, "risks"),
        (
            HouseholdDetailsInput { helper_name: String::new(), ..details() },
            HouseholdStatusCode::Monitored,
            "helperName",
        ),
        (
            HouseholdDetailsInput { income_per_head_yuan: Some(-5), ..details() },
            HouseholdStatusCode::Monitored,
            "incomePerHead",
        ),
    ];
    for (d, status, field) in cases {
        let e = core.save_household(with(d, status)).await.expect_err(field);
        assert_eq!(field_of(e), (ErrorCode::InvalidInput, Some(field.to_string())));
    }
    let after = core.household(hs[0].id.to_string()).await.expect("detail");
    assert!(after.facts.is_empty(), "nothing refused was saved: {:?}", after.facts);

    let id = hs[0].id.to_string();
    let people: Vec<(FamilyMemberInput, &str)> = vec![
        (FamilyMemberInput { name: " ".into(), ..person(&id, "x") }, "name"),
        (FamilyMemberInput { birth_year: Some(2030), ..person(&id, "王小红") }, "birthYear"),
        (FamilyMemberInput { disability_grade: Some(5), ..person(&id, "王小红") }, "disabilityGrade"),
        (FamilyMemberInput { relation: "表亲".into(), ..person(&id, "王小红") }, "relation"),
        (FamilyMemberInput { id_number: "110105194912310021".into(), ..person(&id, "王小红") }, "idNumber"),
        (FamilyMemberInput { id_number: "110***********002X".into(), ..person(&id, "王小红") }, "idNumber"),
    ];
    for (p, field) in people {
        let e = core.save_family_member(p).await.expect_err(field);
        assert_eq!(field_of(e), (ErrorCode::InvalidInput, Some(field.to_string())));
    }
}

#[tokio::test]
async fn a_family_member_is_added_edited_and_keeps_a_masked_id_number() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, hs) = common::core_with_village(dir.path(), NOW);
    let id = hs[1].id.to_string();
    let d = core
        .save_family_member(FamilyMemberInput { id_number: "11010519491231002x".into(), ..person(&id, "王小红") })
        .await
        .expect("added");
    let p = d.family.iter().find(|p| p.name == "王小红").expect("on the roster");
    assert_eq!((p.relation_zh.as_str(), p.age), ("子女", Some(14)));
    assert_eq!(p.id_number, "11010519491231002X", "whole for the member who typed it");
    assert_eq!(p.notes_zh, "健康，无劳动力，初中，已参加基本医疗保险");
    assert_eq!((p.schooling.as_deref(), p.medical_insurance), (Some("junior"), Some(true)));

    // Edited with the masked number (as another member's form would show it): kept whole.
    let edit = FamilyMemberInput {
        id: Some(p.id.clone()),
        schooling: Some("senior".into()),
        id_number: "110***********002X".into(),
        ..person(&id, "王小红")
    };
    let d = core.save_family_member(edit.clone()).await.expect("edited");
    let p = d.family.iter().find(|p| p.name == "王小红").expect("still there");
    assert_eq!((p.schooling.as_deref(), p.id_number.as_str()), (Some("senior"), "11010519491231002X"));
    let change = d.history.iter().flat_map(|e| &e.changes).find(|c| c.label_zh == "在校生状况/文化程度");
    assert!(change.is_none(), "the roster is not the household's history: {:?}", d.history);

    // Moved away: off the roster, the record kept.
    let d = core.save_family_member(FamilyMemberInput { left: true, ..edit }).await.expect("left");
    assert!(d.family.iter().all(|p| p.name != "王小红"));
}

#[tokio::test]
async fn keeping_a_value_that_is_not_in_conflict_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, hs) = common::core_with_village(dir.path(), NOW);
    let req = taizhang_app_core::contract::KeepValueRequest {
        household_id: hs[0].id.to_string(),
        field: "income_yuan".into(),
        value: "15000".into(),
    };
    let e = core.keep_value(req).await.expect_err("no conflict on this device");
    assert_eq!(field_of(e), (ErrorCode::InvalidInput, Some("field".to_string())));
    // The settling itself, across two phones and the server: tests/tests/households.rs.
}
