//! Issue 16's visit form in the app: a visit corrected by amendment (更正: a new record naming
//! the one it corrects, the original kept, only one's own visits, counted once), the form's
//! draft kept on disk through a restart of the app and removed by the save, and open
//! follow-up items closed (办结) from the visit form with who and when.

mod common;

use std::sync::Arc;

use taizhang_app_core::contract::{CloseFollowUpRequest, DraftInput, ErrorCode, HouseholdFilter, VisitInput};
use taizhang_app_core::AppCore;

/// 2026-11-25 10:00 in Shanghai.
const NOW: i64 = 1_795_536_000_000 + 10 * 3_600_000;

fn visit(household: &str, findings: &str) -> VisitInput {
    common::visit_input(household, findings)
}

#[tokio::test]
async fn a_visit_is_corrected_by_an_amendment_and_counted_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, hs) = common::core_with_village(dir.path(), NOW);
    let id = hs[0].id.to_string();
    let first = core.record_visit(visit(&id, "房屋漏雨，已联系维修")).await.expect("visit");
    assert!(first.mine && first.amends.is_none());
    let fix = VisitInput {
        amends: Some(first.id.clone()),
        at: Some("2026-11-25T09:30".into()),
        ..visit(&id, "房屋漏雨，村里已派人维修")
    };
    let amendment = core.record_visit(fix).await.expect("correction");
    assert_eq!(amendment.amends.as_deref(), Some(first.id.as_str()));

    let d = core.household(id.clone()).await.expect("detail");
    assert_eq!(d.visits.len(), 2, "the original is kept as it was");
    let original = d.visits.iter().find(|v| v.id == first.id).expect("original listed");
    assert_eq!(original.findings, "房屋漏雨，已联系维修");
    assert_eq!(original.amended_by.as_deref(), Some(amendment.id.as_str()));
    let list = core.households(HouseholdFilter::default()).await.expect("list");
    let row = list.items.iter().find(|r| r.id == id).expect("row");
    assert_eq!(row.visit_count, 1, "a correction is not a second visit");

    // Only a visit of this household, and only one's own (李明's app cannot correct 王芳's).
    let elsewhere = VisitInput { amends: Some(first.id.clone()), ..visit(&hs[1].id.to_string(), "x") };
    let e = core.record_visit(elsewhere).await.expect_err("another household's visit").to_command_error();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::InvalidInput, Some("amends")));
    let itself = VisitInput { amends: Some("01930000-0000-7000-8000-000000000000".into()), ..visit(&id, "x") };
    let e = core.record_visit(itself).await.expect_err("an unknown visit").to_command_error();
    assert_eq!(e.field.as_deref(), Some("amends"));
}

#[tokio::test]
async fn the_visit_form_draft_survives_a_restart_and_the_save_removes_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, hs) = common::core_with_village(dir.path(), NOW);
    assert_eq!(core.draft("visit".into()).await.expect("no draft").body, None);
    let body = format!(r#"{{"householdId":"{}","findings":"老人腿脚不便"}}"#, hs[2].id);
    core.save_draft(DraftInput { form: "visit".into(), body: body.clone() }).await.expect("kept");
    assert!(core.save_draft(DraftInput { form: "../visit".into(), body: "{}".into() }).await.is_err(), "a form's name");
    drop(core); // the app is killed

    let path = dir.path().join("li.sqlite3");
    let core =
        AppCore::open(path.clone(), path.with_extension("settings.json"), Some("http://127.0.0.1:9"), Arc::new(|| NOW))
            .expect("open again");
    let d = core.draft("visit".into()).await.expect("draft");
    assert_eq!((d.body.as_deref(), d.saved_at), (Some(body.as_str()), Some(NOW)));
    core.record_visit(visit(&hs[2].id.to_string(), "老人腿脚不便")).await.expect("saved");
    assert_eq!(core.draft("visit".into()).await.expect("draft").body, None, "the save removed it");
}

#[tokio::test]
async fn open_items_are_closed_from_the_visit_form() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, hs) = common::core_with_village(dir.path(), NOW);
    let id = hs[0].id.to_string();
    let promise = VisitInput {
        follow_up: "帮助申请危房改造".into(),
        promise_due: Some("2026-12-20".into()),
        ..visit(&id, "房屋漏雨")
    };
    core.record_visit(promise).await.expect("promise made");
    let item = core.household(id.clone()).await.expect("detail").follow_ups[0].clone();
    assert!(!item.done);

    // An item of another household is refused and nothing is saved.
    let wrong = VisitInput {
        close: vec![CloseFollowUpRequest { id: item.id.clone(), note: "x".into() }],
        ..visit(&hs[1].id.to_string(), "复访")
    };
    let e = core.record_visit(wrong).await.expect_err("not this household's").to_command_error();
    assert_eq!(e.field.as_deref(), Some("close"));
    assert!(core.household(hs[1].id.to_string()).await.expect("detail").visits.is_empty());

    let again = VisitInput {
        close: vec![CloseFollowUpRequest { id: item.id.clone(), note: "改造已列入计划".into() }],
        ..visit(&id, "复访：屋顶已修")
    };
    core.record_visit(again).await.expect("visit closing the item");
    let d = core.household(id).await.expect("detail");
    let closed = d.follow_ups.iter().find(|f| f.id == item.id).expect("item");
    assert!(closed.done);
    assert_eq!(closed.done_by_name.as_deref(), Some("李明"));
    assert_eq!(closed.done_at, Some(NOW));
    assert_eq!(closed.done_note, "改造已列入计划");
    assert_eq!(d.visits.len(), 2);
}

/// The visit's own time is chosen within the policy's window (7 days back by default, from
/// the start of that day in Shanghai), never in the future; a correction may keep the time of
/// the visit it corrects even when that is older than the window.
#[tokio::test]
async fn a_visit_time_is_chosen_within_the_policy_window() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, hs) = common::core_with_village(dir.path(), NOW);
    let id = hs[0].id.to_string();
    let at = |t: &str| VisitInput { at: Some(t.into()), ..visit(&id, "补录走访") };
    // NOW is 2026-11-25 10:00: the 18th from 00:00 is the earliest day.
    let kept = core.record_visit(at("2026-11-18T00:00")).await.expect("seven days back");
    let e = core.record_visit(at("2026-11-17T23:59")).await.expect_err("eight days back").to_command_error();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::InvalidInput, Some("at")));
    assert!(e.message.contains("7"), "the window is named: {}", e.message);
    let e = core.record_visit(at("2026-11-26T09:00")).await.expect_err("tomorrow").to_command_error();
    assert_eq!(e.field.as_deref(), Some("at"), "{e:?}");
    // The refused visits saved nothing.
    let d = core.household(id.clone()).await.expect("detail");
    assert_eq!(d.visits.iter().map(|v| v.id.as_str()).collect::<Vec<_>>(), vec![kept.id.as_str()]);

    // Nine days on (the app opened again), the visit of the 18th is corrected keeping its time.
    drop(core);
    let path = dir.path().join("li.sqlite3");
    let later = AppCore::open(
        path.clone(),
        path.with_extension("settings.json"),
        Some("http://127.0.0.1:9"),
        Arc::new(|| NOW + 9 * 86_400_000),
    )
    .expect("open again");
    let fix = VisitInput {
        amends: Some(kept.id.clone()),
        at: Some("2026-11-18T00:00".into()),
        ..visit(&id, "补录走访，已核实")
    };
    later.record_visit(fix).await.expect("a correction keeps its visit's time");
}
