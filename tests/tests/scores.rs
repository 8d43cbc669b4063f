//! Month scores through the chain over HTTP on every backend (issue 14, seed 002): the first
//! secretary's phone enters 王芳's October sheet and syncs; the township returns it with a
//! reason; the first secretary corrects it and it is entered again; the township confirms it;
//! the county audits it with an override; the county's village page shows the month's points
//! from the sheet and the whole chain. The first secretary cannot score themselves and a team
//! member writes no sheet.

use taizhang_doc::{demo, read_one, write};
use taizhang_domain::{MemberId, MonthScoreSheet, ScoreItem, ScoreItemKind, ScoreState, YearMonth};
use taizhang_sync::DocOutcome;
use taizhang_sync_server::admin;
use taizhang_sync_server::demo::{DEMO_COUNTY_STAFF, DEMO_TOWNSHIP_STAFF};
use taizhang_tests::*;
use uuid::Uuid;

const PASSWORD: &str = "月度评分走完镇县两级-2026";
const OCT: YearMonth = YearMonth { year: 2026, month: 10 };

async fn officer(server: &TestServer, account: Uuid, login: &str) -> WebSession {
    admin::set_password(server.store.as_ref(), account, PASSWORD, NOW).await.expect("set password");
    WebSession::login(&server.url, login, PASSWORD).await.0
}

fn sheet(member: Uuid, by: Uuid, items: Vec<ScoreItem>) -> MonthScoreSheet {
    MonthScoreSheet {
        member: MemberId(member),
        month: OCT,
        items,
        note: "十月表现".into(),
        scored_by: MemberId(by),
        scored_at: NOW,
        state: ScoreState::Entered,
        checked_by: None,
        checked_at: None,
        check_note: String::new(),
        audited_by: None,
        audited_at: None,
        audit_points: None,
        audit_note: String::new(),
    }
}

/// Pushes `edit` of the sheet as `dev`; the outcome code (`"accepted"` or the refusal).
async fn push_sheet(server: &TestServer, dev: &RawDevice, s: &MonthScoreSheet) -> String {
    let changes = change_on(server, demo::VILLAGE.0, "team/2026", &dev.actor, |tx| write(tx, s).expect("write")).await;
    let (status, answer, _) = dev.push(demo::VILLAGE.0, vec![("team/2026".into(), changes)]).await;
    assert_eq!(status, 200);
    match &answer.expect("answer").results[0].outcome {
        DocOutcome::Accepted { .. } => "accepted".into(),
        DocOutcome::Rejected { code, .. } => code.clone(),
        other => panic!("{other:?}"),
    }
}

async fn stored_sheet(server: &TestServer, member: Uuid) -> MonthScoreSheet {
    let stored = server.store.doc_changes(demo::VILLAGE.0, "team/2026").await.expect("team");
    let am = taizhang_sync::load_stored(&stored).expect("load");
    read_one::<MonthScoreSheet>(&am, &taizhang_doc::score_key(OCT, member)).expect("read").expect("there").record
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_month_score_goes_through_the_chain_and_the_county_page_shows_it() {
    let server = TestServer::start(5).await;
    let li = RawDevice::enroll(&server.url, &server.code(FIRST_SECRETARY).await).await.expect("enroll");
    let wang = RawDevice::enroll(&server.url, &server.code(1).await).await.expect("enroll");
    let (li_id, wang_id) = (account(FIRST_SECRETARY).id, account(1).id);
    let village = demo::VILLAGE.0;
    let bonus = ScoreItem { kind: ScoreItemKind::Bonus, points: 1.0, reason: "引进合作社订单".into() };
    let deduction = ScoreItem { kind: ScoreItemKind::Deduction, points: 3.0, reason: "走访记录不全".into() };

    // Nobody scores their own month; a team member writes no sheet.
    assert_eq!(push_sheet(&server, &li, &sheet(li_id, li_id, vec![bonus.clone()])).await, "own_score");
    assert_eq!(push_sheet(&server, &wang, &sheet(account(2).id, wang_id, vec![bonus.clone()])).await, "score");

    // 李明 scores 王芳's October: +1 −3.
    let first = sheet(wang_id, li_id, vec![bonus.clone(), deduction.clone()]);
    assert_eq!(push_sheet(&server, &li, &first).await, "accepted");

    // The township sees it waiting and returns it with a reason; the county cannot check it.
    let township = officer(&server, DEMO_TOWNSHIP_STAFF, "石门镇 赵敏").await;
    let county = officer(&server, DEMO_COUNTY_STAFF, "惠水县委组织部 孙强").await;
    let (status, list) = township.get_json("/county/api/scores").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["action"], "confirm_or_return");
    assert_eq!(list["sheets"].as_array().expect("sheets").len(), 1, "{list}");
    assert_eq!(list["sheets"][0]["member_name"], "王芳");
    assert_eq!(list["sheets"][0]["sheet"]["scored_by_name"], "李明");
    let check = format!("/county/api/village/{village}/score/{wang_id}/2026-10/check");
    let audit = format!("/county/api/village/{village}/score/{wang_id}/2026-10/audit");
    let (status, body) = township.post(&check, serde_json::json!({"decision": "returned"})).await;
    assert_eq!(status, 400, "a return needs a reason: {body}");
    let (status, body) = county.post(&check, serde_json::json!({"decision": "confirmed"})).await;
    assert_eq!(status, 403, "the county does not check: {body}");
    let (status, body) = county.post(&audit, serde_json::json!({})).await;
    assert_eq!(status, 400, "not confirmed yet: {body}");
    let (status, body) =
        township.post(&check, serde_json::json!({"decision": "returned", "note": "扣分依据请附走访记录"})).await;
    assert_eq!(status, 200, "{body}");
    let returned = stored_sheet(&server, wang_id).await;
    assert_eq!(returned.state, ScoreState::Returned);
    assert_eq!(returned.checked_by, Some(DEMO_TOWNSHIP_STAFF));
    assert_eq!(returned.check_note, "扣分依据请附走访记录");

    // 李明 corrects it (−1 instead of −3): entered again, the return still on record.
    let corrected = MonthScoreSheet {
        items: vec![bonus.clone(), ScoreItem { points: 1.0, ..deduction.clone() }],
        ..returned.clone()
    };
    let corrected = MonthScoreSheet { state: ScoreState::Entered, ..corrected };
    assert_eq!(push_sheet(&server, &li, &corrected).await, "accepted");
    // He cannot confirm it himself.
    let self_confirmed = MonthScoreSheet { state: ScoreState::Confirmed, checked_by: Some(li_id), ..corrected.clone() };
    assert_eq!(push_sheet(&server, &li, &self_confirmed).await, "score_chain");

    // The township confirms; the first secretary can no longer change it; the county audits
    // with an override.
    let (status, body) = township.post(&check, serde_json::json!({"decision": "confirmed"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "confirmed");
    let late_edit = MonthScoreSheet { items: vec![bonus.clone()], ..stored_sheet(&server, wang_id).await };
    assert_eq!(push_sheet(&server, &li, &late_edit).await, "score_chain");
    let (_, list) = county.get_json("/county/api/scores").await;
    assert_eq!(list["action"], "audit");
    assert_eq!(list["sheets"].as_array().expect("sheets").len(), 1, "{list}");
    let (status, body) = county.post(&audit, serde_json::json!({"points": 9.5})).await;
    assert_eq!(status, 400, "an override needs a note: {body}");
    let (status, body) = county.post(&audit, serde_json::json!({"points": 9.5, "note": "核实后调整"})).await;
    assert_eq!(status, 200, "{body}");
    let audited = stored_sheet(&server, wang_id).await;
    assert_eq!(audited.state, ScoreState::Audited);
    assert_eq!((audited.audited_by, audited.audit_points), (Some(DEMO_COUNTY_STAFF), Some(9.5)));
    assert_eq!(audited.items, corrected.items, "the first secretary's items unchanged");

    // The county's village page: October's points from the sheet and the chain.
    let (status, page) = county.get_json(&format!("/county/api/village/{village}?from=2026-10-01&to=2026-10-31")).await;
    assert_eq!(status, 200, "{page}");
    let wang_line = page["members"].as_array().expect("members").iter().find(|m| m["name"] == "王芳").expect("王芳");
    let oct = wang_line["months"].as_array().expect("months").iter().find(|m| m["month"] == "2026-10").expect("Oct");
    assert_eq!(oct["score"]["value"], 9.5, "{oct}");
    assert!(
        oct["score"]["note"].as_str().is_some_and(|n| n.contains("引进合作社订单") && n.contains("核实后调整")),
        "{oct}"
    );
    let chain = &oct["sheet"];
    assert_eq!(chain["state"], "audited");
    assert_eq!(chain["scored_by_name"], "李明");
    assert_eq!(chain["checked_by_name"], "石门镇 赵敏", "{chain}");
    assert_eq!(chain["audited_by_name"], "惠水县委组织部 孙强", "{chain}");
    // The sheet holds the latest check (the confirmation); the return is in its history.
    assert_eq!(chain["check_note"], "");
    assert!(chain["checked_at_text"].is_string() && chain["audited_at_text"].is_string(), "{chain}");
    assert_eq!(oct["next_step"], serde_json::Value::Null);
}
