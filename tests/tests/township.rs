//! The township's page over HTTP on every backend (issue 14, seed 003): a township officer
//! logs in to the same page and sees only their township's villages; who is at post today;
//! the first secretary asks for leave on the phone, the township approves it on the page, and
//! the phone sees it approved at its next sync — while the first secretary can never approve
//! their own (`own_leave`); a month filed from the page.

use taizhang_domain::{LeaveId, LeaveKind, LeaveRequest, LeaveState, MemberId};
use taizhang_sync_server::admin;
use taizhang_sync_server::demo::{demo_county_village, seed_demo_county, DEMO_COUNTY_STAFF, DEMO_TOWNSHIP_STAFF};
use taizhang_tests::*;
use uuid::Uuid;

const PASSWORD: &str = "乡镇管考勤-2026";

/// A township or county officer logged in to the page, with a fresh password.
async fn officer(server: &TestServer, account: Uuid, login: &str) -> (WebSession, serde_json::Value) {
    admin::set_password(server.store.as_ref(), account, PASSWORD, NOW).await.expect("set password");
    WebSession::login(&server.url, login, PASSWORD).await
}

fn village() -> Uuid {
    taizhang_doc::demo::VILLAGE.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_township_officer_sees_only_the_villages_of_their_township() {
    let server = TestServer::start(5).await;
    // Two villages of other townships of the same county.
    let today = taizhang_domain::local_date(NOW);
    seed_demo_county(server.store.as_ref(), 2, today, NOW).await.expect("demo county");
    let (township, me) = officer(&server, DEMO_TOWNSHIP_STAFF, "石门镇 赵敏").await;
    assert_eq!(me["scope"], "township");
    assert_eq!(me["township_name"], "石门镇");
    assert_eq!(me["county_name"], "惠水县");

    let (status, overview) = township.get_json("/county/api/overview").await;
    assert_eq!(status, 200);
    let names: Vec<&str> =
        overview["villages"].as_array().expect("villages").iter().filter_map(|v| v["name"].as_str()).collect();
    assert_eq!(names, vec!["石门村"], "its own village only");
    let (_, at_post) = township.get_json("/county/api/at-post").await;
    assert_eq!(at_post["villages"].as_array().expect("villages").len(), 1);

    // Another township's village: not found, to read and to write.
    let other = demo_county_village(0);
    let (status, _) = township.get_json(&format!("/county/api/village/{other}")).await;
    assert_eq!(status, 404);
    let (status, _) = township
        .post(
            &format!("/county/api/village/{other}/leave/{}", Uuid::now_v7()),
            serde_json::json!({"decision": "approved"}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = township
        .post(
            &format!("/county/api/village/{other}/filing"),
            serde_json::json!({"member": Uuid::now_v7(), "month": "2026-10"}),
        )
        .await;
    assert_eq!(status, 404);
    // What only the county does: scores and the county's grading.
    let (status, _) = township.get_json("/county/api/grades").await;
    assert_eq!(status, 403);

    // The county officer still sees the whole county.
    let (county, me) = officer(&server, DEMO_COUNTY_STAFF, "惠水县委组织部 孙强").await;
    assert_eq!(me["scope"], "county");
    let (_, overview) = county.get_json("/county/api/overview").await;
    assert_eq!(overview["villages"].as_array().expect("villages").len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_township_approves_the_first_secretarys_leave_and_the_phone_sees_it() {
    let server = TestServer::start(5).await;
    let transport = server.transport();
    let mut secretary = server.device(FIRST_SECRETARY).await;
    let mut member = server.device(1).await;
    let me = MemberId(account(FIRST_SECRETARY).id);
    let today = taizhang_domain::local_date(NOW);

    // The first secretary asks for two days of training; 王芳 checks in and syncs today.
    let leave = LeaveRequest {
        id: LeaveId(Uuid::now_v7()),
        member: me,
        from: today.succ_opt().expect("a date"),
        to: today.succ_opt().and_then(|d| d.succ_opt()).expect("a date"),
        reason: "县里组织的培训".into(),
        state: LeaveState::Pending,
        decided_by: None,
        kind: LeaveKind::Training,
        returned_on: None,
    };
    secretary.sync(&transport, NOW).await.expect("first sync: the registry");
    member.sync(&transport, NOW).await.expect("first sync: the registry");
    secretary.request_leave(&leave, NOW).expect("request leave");
    secretary.sync(&transport, NOW).await.expect("sync");
    let check_in = taizhang_domain::CheckIn {
        id: taizhang_domain::CheckInId(Uuid::now_v7()),
        member: MemberId(account(1).id),
        at: NOW - 60_000,
        kind: taizhang_domain::CheckKind::In,
        location: None,
        in_geofence: None,
    };
    member.check_in(&check_in, NOW).expect("check in");
    member.sync(&transport, NOW).await.expect("sync");

    let (township, _) = officer(&server, DEMO_TOWNSHIP_STAFF, "石门镇 赵敏").await;
    // At post today: 王芳 in the village; 李明 synced today, no check-in yet; 张伟 never synced.
    let (status, at_post) = township.get_json("/county/api/at-post").await;
    assert_eq!(status, 200, "{at_post}");
    let states: Vec<(String, String)> = at_post["villages"][0]["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| (m["name"].as_str().unwrap_or_default().into(), m["state"].as_str().unwrap_or_default().into()))
        .collect();
    let state_of = |name: &str| states.iter().find(|(n, _)| n == name).map(|(_, s)| s.as_str());
    assert_eq!(state_of("王芳"), Some("in_village"), "{at_post}");
    assert_eq!(state_of("李明"), Some("no_record_yet"), "{at_post}");
    assert_eq!(state_of("张伟"), Some("not_synced"), "never absent: {at_post}");

    // The request waits for the township, marked as the first secretary's.
    let (_, list) = township.get_json("/county/api/leave").await;
    let requests = list["requests"].as_array().expect("requests");
    assert_eq!(requests.len(), 1, "{list}");
    assert_eq!(requests[0]["first_secretary"], true);
    assert_eq!(requests[0]["decided_by"], "township");
    assert_eq!(requests[0]["leave"]["kind"], "training");

    // The first secretary cannot approve their own leave from another phone: the server
    // refuses it (own_leave) and nothing is stored.
    let mut second_phone = server.device(FIRST_SECRETARY).await;
    second_phone.sync(&transport, NOW).await.expect("sync");
    match second_phone.decide_leave(leave.id, true, me, NOW) {
        Err(e) => assert!(e.to_string().contains("own"), "refused on the phone: {e}"),
        Ok(()) => {
            let report = second_phone.sync(&transport, NOW).await.expect("sync");
            assert!(
                report.rejected.iter().any(|(doc, why)| doc.starts_with("team/") && why.contains("own_leave")),
                "{:?}",
                report.rejected
            );
        }
    }
    let (_, list) = township.get_json("/county/api/leave").await;
    assert_eq!(list["requests"].as_array().expect("requests").len(), 1, "still pending");

    // A county officer reads the list but does not decide.
    let (county, _) = officer(&server, DEMO_COUNTY_STAFF, "惠水县委组织部 孙强").await;
    let path = format!("/county/api/village/{}/leave/{}", village(), leave.id.0);
    let (status, body) = county.post(&path, serde_json::json!({"decision": "approved"})).await;
    assert_eq!(status, 403, "{body}");

    // The township approves it on the page.
    let (status, body) = township.post(&path, serde_json::json!({"decision": "approved"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "approved");
    let (_, list) = township.get_json("/county/api/leave").await;
    assert!(list["requests"].as_array().expect("requests").is_empty(), "{list}");
    let (status, body) = township.post(&path, serde_json::json!({"decision": "rejected"})).await;
    assert_eq!(status, 400, "decided once: {body}");

    // The phone syncs and sees it approved (已批准), by the township officer.
    secretary.sync(&transport, NOW).await.expect("sync");
    let rows = secretary.store().leaves(Some(me)).expect("leaves");
    let got = rows.iter().find(|r| r.record.id == leave.id).expect("the request").record.clone();
    assert_eq!(got.state, LeaveState::Approved);
    assert_eq!(got.decided_by, Some(MemberId(DEMO_TOWNSHIP_STAFF)));
    // (The device's store does not index a leave's kind yet; its dates stay the requester's.)
    assert_eq!((got.from, got.to), (leave.from, leave.to), "the dates are the requester's");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_township_files_an_ended_month_and_not_one_that_has_not_ended() {
    let server = TestServer::start(5).await;
    let (township, _) = officer(&server, DEMO_TOWNSHIP_STAFF, "石门镇 赵敏").await;
    let wang = account(1).id;
    let (_, list) = township.get_json("/county/api/filing").await;
    let months: Vec<(String, String)> = list["months"]
        .as_array()
        .expect("months")
        .iter()
        .filter(|m| m["member"] == wang.to_string())
        .map(|m| (m["month"].as_str().unwrap_or_default().into(), m["state"].as_str().unwrap_or_default().into()))
        .collect();
    // Today is 25 November 2026; October's window (5 days by default) closed on 5 November.
    assert!(months.contains(&("2026-10".into(), "late".into())), "{list}");
    assert!(!months.iter().any(|(m, _)| m == "2026-11"), "November has not ended: {list}");

    let path = format!("/county/api/village/{}/filing", village());
    let (status, body) = township.post(&path, serde_json::json!({"member": wang, "month": "2026-11"})).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = township.post(&path, serde_json::json!({"member": wang, "month": "2026-10"})).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = township.post(&path, serde_json::json!({"member": wang, "month": "2026-10"})).await;
    assert_eq!(status, 400, "filed once");
    let (_, list) = township.get_json("/county/api/filing").await;
    assert!(
        !list["months"]
            .as_array()
            .expect("months")
            .iter()
            .any(|m| m["member"] == wang.to_string() && m["month"] == "2026-10"),
        "{list}"
    );
    // The member's phone receives the filing.
    let mut phone = server.device(1).await;
    phone.sync(&server.transport(), NOW).await.expect("sync");
    let month = taizhang_domain::YearMonth { year: 2026, month: 10 };
    assert!(phone.store().month_filed(MemberId(wang), month).expect("filed?"), "the phone sees October filed");
}

/// The villagers' survey (民主测评, seed 003; issue 22): the township enters the ballots of 李明's
/// year; with the county's results and assessment typed and no evaluation points, scheme A's
/// villagers' evaluation (群众评议, 20 %) comes from the ballots — 20 × (22 + 0.5 × 7) / 31 — and
/// the figure says so; points the county types take over. Bad ballots are refused in words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_villagers_survey_entered_by_the_township_gives_scheme_as_evaluation() {
    let server = TestServer::start(5).await;
    let (township, _) = officer(&server, DEMO_TOWNSHIP_STAFF, "石门镇 赵敏").await;
    let li = taizhang_doc::demo::member_id(0);
    let survey = format!("/county/api/village/{}/member/{li}/survey/2026", village());
    let (status, e) =
        township.put(&survey, serde_json::json!({"satisfied": 0, "basically_satisfied": 0, "dissatisfied": 0})).await;
    assert_eq!(status, 400, "{e}");
    assert!(e["error"].as_str().expect("error").contains("票数"), "{e}");
    let (status, e) = township
        .put(
            &format!("/county/api/village/{}/member/{}/survey/2026", village(), Uuid::now_v7()),
            serde_json::json!({"satisfied": 1, "basically_satisfied": 0, "dissatisfied": 0}),
        )
        .await;
    assert_eq!(status, 400, "not on the team: {e}");
    let (status, s) = township
        .put(
            &survey,
            serde_json::json!({"satisfied": 22, "basically_satisfied": 7, "dissatisfied": 2, "note": "村民代表会议"}),
        )
        .await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(s["entered_by_name"], "石门镇 赵敏");

    let (county, _) = officer(&server, DEMO_COUNTY_STAFF, "惠水县委组织部 孙强").await;
    let year = format!("/county/api/village/{}/member/{li}/year/2026", village());
    let (status, body) = county.put(&year, serde_json::json!({"results": 54, "assessment": 9})).await;
    assert_eq!(status, 200, "{body}");
    let line = |view: serde_json::Value| {
        view["members"].as_array().expect("members").iter().find(|l| l["id"] == li.to_string()).cloned().expect("li")
    };
    let view = county.json(&format!("/county/api/village/{}?from=2026-01-01&to=2026-11-25", village())).await;
    let l = line(view);
    assert_eq!(l["survey"]["survey"]["satisfied"], 22, "{l}");
    let evaluation = &l["scheme_a"]["evaluation"];
    assert_eq!(evaluation["rule"]["code"], "A-SURVEY", "{evaluation}");
    let points = evaluation["value"].as_f64().expect("points");
    assert!((points - 20.0 * 25.5 / 31.0).abs() < 1e-6, "{points}");
    // Points the county types for the evaluation are its final word.
    let (status, _) = county.put(&year, serde_json::json!({"results": 54, "assessment": 9, "evaluation": 18})).await;
    assert_eq!(status, 200);
    let view = county.json(&format!("/county/api/village/{}?from=2026-01-01&to=2026-11-25", village())).await;
    let l = line(view);
    assert_eq!(l["scheme_a"]["evaluation"]["value"], 18.0);
    assert_eq!(l["scheme_a"]["evaluation"]["rule"]["code"], "A-COMPONENT");
}
