//! Issue 16's follow-up items in the app: a visit's promise becomes a to-do item (when asked),
//! Today lists the open ones (mine first, overdue flagged), the household screen lists its
//! items, and closing one (办结) takes it off Today and shows who closed it. A visit's own
//! time is the one the user chose (never the future).

mod common;

use taizhang_app_core::contract::{CloseFollowUpRequest, HouseholdFilter, VisitInput, VisitPeriodCode};

/// 2026-11-25 10:00 in Shanghai.
const NOW: i64 = 1_795_536_000_000 + 10 * 3_600_000;

#[tokio::test]
async fn a_promise_on_a_visit_is_on_today_until_it_is_closed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, hs) = common::core_with_village(dir.path(), NOW);
    let visit = |household: usize, follow_up: &str, promise_due: Option<&str>| VisitInput {
        household_id: hs[household].id.to_string(),
        findings: "房屋漏雨".into(),
        needs: String::new(),
        follow_up: follow_up.into(),
        location: None,
        promise_due: promise_due.map(String::from),
        at: None,
        amends: None,
        close: Vec::new(),
        attachments: Vec::new(),
    };
    // A note only: no to-do item.
    core.record_visit(visit(0, "再看看", None)).await.expect("visit");
    assert!(core.today().await.expect("today").follow_ups.is_empty(), "a note is not a promise");
    // Two promises: one due before today (overdue), one without a day.
    core.record_visit(visit(1, "申请危房改造", Some("2026-11-20"))).await.expect("visit with a promise");
    core.record_visit(visit(2, "联系卫生院", Some(""))).await.expect("visit with a promise");
    let bad = core.record_visit(visit(2, "x", Some("next week"))).await.expect_err("not a day");
    assert_eq!(bad.to_command_error().field.as_deref(), Some("promiseDue"));

    let today = core.today().await.expect("today");
    let items: Vec<(&str, bool, bool, Option<&str>)> =
        today.follow_ups.iter().map(|f| (f.text.as_str(), f.mine, f.overdue, f.due.as_deref())).collect();
    assert_eq!(items, vec![("申请危房改造", true, true, Some("2026-11-20")), ("联系卫生院", true, false, None)]);
    assert_eq!(today.follow_ups[0].household_head, hs[1].head);
    assert_eq!(today.follow_ups[0].owner_name, "李明");

    let open = HouseholdFilter { open_follow_ups: Some(true), ..HouseholdFilter::default() };
    let heads = |l: taizhang_app_core::contract::HouseholdList| l.items.into_iter().map(|h| h.head).collect::<Vec<_>>();
    let mut expected = vec![hs[1].head.clone(), hs[2].head.clone()];
    expected.sort();
    let mut got = heads(core.households(open.clone()).await.expect("filter"));
    got.sort();
    assert_eq!(got, expected, "the households with open items");
    let unvisited = HouseholdFilter { not_visited: Some(VisitPeriodCode::Month), ..HouseholdFilter::default() };
    assert!(heads(core.households(unvisited).await.expect("filter")).is_empty(), "all three visited this month");
    let mine = HouseholdFilter { mine: Some(true), ..HouseholdFilter::default() };
    assert_eq!(heads(core.households(mine).await.expect("filter")), vec![hs[0].head.clone()], "Li helps household 0");
    let id = today.follow_ups[0].id.clone();
    let done = core.close_follow_up(CloseFollowUpRequest { id, note: "已报镇里".into() }).await.expect("close");
    assert!(done.done);
    assert_eq!((done.done_by_name.as_deref(), done.done_at), (Some("李明"), Some(NOW)));
    let today = core.today().await.expect("today");
    assert_eq!(today.follow_ups.iter().map(|f| f.text.as_str()).collect::<Vec<_>>(), vec!["联系卫生院"]);
    assert_eq!(heads(core.households(open).await.expect("filter")), vec![hs[2].head.clone()]);
    let d = core.household(hs[1].id.to_string()).await.expect("detail");
    assert_eq!(d.follow_ups.len(), 1);
    assert!(d.follow_ups[0].done && !d.follow_ups[0].overdue, "done is never overdue");
    assert_eq!(d.follow_ups[0].done_note, "已报镇里");
    let unknown = CloseFollowUpRequest { id: uuid::Uuid::now_v7().to_string(), note: String::new() };
    assert!(core.close_follow_up(unknown).await.is_err(), "an unknown item is an error");

    // The visit's own time, chosen by the user: yesterday afternoon is kept; the future is refused.
    let yesterday = VisitInput { at: Some("2026-11-24T15:30".into()), ..visit(0, "", None) };
    let v = core.record_visit(yesterday).await.expect("a visit of yesterday");
    assert_eq!(v.at, NOW - 18 * 3_600_000 - 30 * 60_000, "2026-11-24 15:30 Beijing time");
    let tomorrow = VisitInput { at: Some("2026-11-26T10:00".into()), ..visit(0, "", None) };
    let e = core.record_visit(tomorrow).await.expect_err("the future");
    assert_eq!(e.to_command_error().code, taizhang_app_core::contract::ErrorCode::InvalidInput);
    let garbled = VisitInput { at: Some("yesterday".into()), ..visit(0, "", None) };
    let e = core.record_visit(garbled).await.expect_err("not a time");
    assert_eq!(e.to_command_error().field.as_deref(), Some("at"));
}
