//! A hostile insider and an outsider against the real HTTP server (issue 15): each hole that an
//! attack on the demo server found, tried again, and shown closed. A member with a valid
//! device pushes hand-made changes; a stranger guesses passwords and spends others' limits.

use std::time::Duration;

use taizhang_doc::{demo, write, DocId};
use taizhang_domain::{local_month, DiaryEntry, DiaryId, Household, MemberId, YearMonth};
use taizhang_sync_server::demo::DEMO_COUNTY_STAFF;
use taizhang_sync_server::{admin, Limits};
use taizhang_tests::*;
use uuid::Uuid;

const PASSWORD: &str = "县里查台账-2026";
const DAY: i64 = 86_400_000;

fn refused_with(answer: &RawAnswer) -> Option<String> {
    match &answer.1.as_ref()?.results.first()?.outcome {
        taizhang_sync::DocOutcome::Rejected { code, .. } => Some(code.clone()),
        _ => None,
    }
}

fn accepted(answer: &RawAnswer) -> bool {
    matches!(
        answer.1.as_ref().and_then(|a| a.results.first()).map(|r| &r.outcome),
        Some(taizhang_sync::DocOutcome::Accepted { .. })
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_with_a_valid_device_cannot_bend_the_records() {
    let server = TestServer::start(10).await;
    let wang = RawDevice::enroll(&server.url, &server.code(1).await).await.expect("enroll 王芳's raw device");
    let me = MemberId(wang.account);
    let village = demo::VILLAGE.0;

    // Hole 1: a check-in dated 15 November pushed into the December log (after November was
    // filed, the county's November would move). Refused: a log holds only its own month.
    let december = DocId::Log { member: me, month: YearMonth { year: 2026, month: 12 } }.to_string();
    let nov_15 = check_in(me, NOW - 10 * DAY);
    assert_eq!(local_month(nov_15.at), YearMonth { year: 2026, month: 11 });
    let c = change_on(&server, village, &december, &wang.actor, |tx| write(tx, &nov_15).expect("w")).await;
    let answer = wang.push(village, vec![(december.clone(), c)]).await;
    assert_eq!(refused_with(&answer).as_deref(), Some("invalid_record"), "{answer:?}");

    // Hole 2: a 1.3 M-character diary entry. Refused with its size; nothing stored.
    let november = DocId::Log { member: me, month: local_month(NOW) }.to_string();
    let huge = DiaryEntry {
        id: DiaryId(Uuid::now_v7()),
        member: me,
        date: taizhang_domain::local_date(NOW),
        text: "字".repeat(1_300_000),
        amends: None,
        written_at: NOW,
        attachments: Vec::new(),
    };
    let c = change_on(&server, village, &november, &wang.actor, |tx| write(tx, &huge).expect("w")).await;
    let answer = wang.push(village, vec![(november.clone(), c)]).await;
    assert_eq!(refused_with(&answer).as_deref(), Some("invalid_record"), "{answer:?}");
    assert!(server.store.doc_changes(village, &november).await.expect("read").is_empty(), "nothing stored");

    // Hole 8b: a check-in in her own log that claims to be a colleague's. Refused.
    let colleague = demo::member_id(2);
    let claimed = check_in(colleague, NOW);
    let c = change_on(&server, village, &november, &wang.actor, |tx| write(tx, &claimed).expect("w")).await;
    let answer = wang.push(village, vec![(november.clone(), c)]).await;
    assert_eq!(refused_with(&answer).as_deref(), Some("invalid_record"), "{answer:?}");

    // Her own check-in of today: accepted, as ever.
    let mine = check_in(me, NOW);
    let c = change_on(&server, village, &november, &wang.actor, |tx| write(tx, &mine).expect("w")).await;
    assert!(accepted(&wang.push(village, vec![(november.clone(), c)]).await));

    // Hole 8a: a member deletes a household (the county's count would drop). Refused.
    let h: Household = demo::households(10)[4].clone();
    let key = format!("household/{}", h.id);
    let c = change_on(&server, village, "registry", &wang.actor, |tx| {
        automerge::transaction::Transactable::delete(tx, automerge::ROOT, key.as_str()).expect("delete")
    })
    .await;
    let answer = wang.push(village, vec![("registry".into(), c)]).await;
    assert_eq!(refused_with(&answer).as_deref(), Some("household_delete"), "{answer:?}");

    // Hole 7: 512 copies of one push in one small body. A 400 before any work.
    let mut edited = demo::households(10)[3].clone();
    edited.plan = "养殖 512".into();
    let c = change_on(&server, village, "registry", &wang.actor, |tx| write(tx, &edited).expect("w")).await;
    let copies: Vec<(String, Vec<Vec<u8>>)> = (0..512).map(|_| ("registry".to_string(), c.clone())).collect();
    let (status, _, body) = wang.push(village, copies).await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("more than once"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_token_requests_cannot_spend_a_colleagues_limit() {
    let server = TestServer::start_with(5, Limits { requests_per_minute: 20, ..Limits::default() }).await;
    let t = server.transport();
    let mut li = server.device(0).await;
    li.sync(&t, NOW).await.expect("first sync");
    let li_device = li.device_id().expect("device id").expect("enrolled");
    // Hole 5: 250 token requests carrying 李明's device id and a bad signature.
    let http = reqwest::Client::new();
    let challenge = http
        .post(format!("{}{}", server.url, taizhang_sync::paths::CHALLENGE))
        .send()
        .await
        .expect("challenge")
        .text()
        .await
        .expect("body");
    let challenge: serde_json::Value = serde_json::from_str(&challenge).expect("json");
    for _ in 0..250 {
        let body = serde_json::json!({
            "device_id": li_device,
            "challenge": challenge["challenge"],
            "signature": "00".repeat(64),
        });
        let r = http
            .post(format!("{}{}", server.url, taizhang_sync::paths::TOKEN))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("token request");
        assert_eq!(r.status().as_u16(), 401, "a bad signature is refused, not counted");
    }
    // 李明's own sync is not limited by them.
    let v = visit(demo::member_id(0), household(0), NOW, "走访");
    li.record_visit(&v, NOW).expect("visit");
    let r = li.sync(&t, NOW).await.expect("李明 still syncs");
    assert!(r.rejected.is_empty());
}

async fn login_from(url: &str, from: [u8; 4], login: &str, password: &str) -> (u16, serde_json::Value) {
    let (status, body, _) = web_login(url, Some(from), login, password).await;
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_passwords_is_slowed_for_the_guesser_only_and_log_out_ends_the_session() {
    let server = TestServer::start(5).await;
    admin::set_password(server.store.as_ref(), DEMO_COUNTY_STAFF, PASSWORD, NOW).await.expect("set password");
    let url = &server.url;
    let stranger = [127, 0, 3, 9];
    let officer = [127, 0, 0, 1];
    // Hole 4: spellings of the account id all count for one account: after 5 failures from
    // the stranger's address, any spelling waits.
    let id = DEMO_COUNTY_STAFF.to_string();
    let spellings = [id.clone(), id.to_uppercase(), format!("  {id} "), format!("\t{}", id.to_uppercase())];
    for s in spellings.iter().chain(spellings.iter().take(1)) {
        let (status, _) = login_from(url, stranger, s, "wrong guess!").await;
        assert_eq!(status, 401, "{s}");
    }
    let (status, body) = login_from(url, stranger, &spellings[2], "wrong guess!").await;
    assert_eq!(status, 429, "the sixth guess, in any spelling, waits: {body}");
    // The real officer, from their own address, is not locked out by the stranger.
    let (status, me) = login_from(url, officer, "惠水县委组织部 孙强", PASSWORD).await;
    assert_eq!(status, 200, "{me}");
    let token = me["token"].as_str().expect("token").to_string();

    // A flood of unknown names from one address stops at its minute budget.
    let flood = [127, 0, 4, 4];
    let mut statuses = Vec::new();
    for i in 0..32 {
        statuses.push(login_from(url, flood, &format!("nobody {i}"), "guess").await.0);
    }
    assert!(statuses[..30].iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(&statuses[30..], &[429, 429], "the 31st attempt in a minute from one address waits");

    // Hole 6b: log-out ends the session on the server, not only the cookie.
    let http = reqwest::Client::new();
    let me_status = |t: String| {
        let http = http.clone();
        let url = url.clone();
        async move { http.get(format!("{url}/county/api/me")).bearer_auth(t).send().await.expect("me").status().as_u16() }
    };
    assert_eq!(me_status(token.clone()).await, 200);
    let r = http.post(format!("{url}/county/api/logout")).bearer_auth(&token).send().await.expect("logout");
    assert_eq!(r.status().as_u16(), 204);
    assert_eq!(me_status(token.clone()).await, 401, "the captured token is dead after log-out");
    // Logging in again (a moment later) works.
    server.advance(1000);
    tokio::time::sleep(Duration::from_millis(10)).await;
    let (status, me) = login_from(url, officer, "惠水县委组织部 孙强", PASSWORD).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me_status(me["token"].as_str().expect("token").to_string()).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_captured_token_dies_at_its_expiry() {
    let server = TestServer::start(5).await;
    let wang = RawDevice::enroll(&server.url, &server.code(1).await).await.expect("enroll");
    let village = demo::VILLAGE.0;
    // Hole 6a: an eavesdropper has 王芳's bearer token (plain HTTP). Using it gets answers, but
    // never a renewed token: renewal needs the device's signature over the token.
    let (status, answer, _) = wang.push(village, Vec::new()).await;
    assert_eq!(status, 200);
    assert_eq!(answer.expect("answer").token, None, "no renewal without proof of the device key");
    // The device itself proves it and is renewed — once its token is in the second half of
    // its life (before that, the proof is not even checked: nothing would be renewed).
    let proven = taizhang_auth::proven_bearer(&wang.token, &wang.secret);
    let req = taizhang_sync::SyncRequest {
        version: taizhang_sync::PROTOCOL_VERSION,
        village,
        cursor: 0,
        want_bytes: 1000,
        docs: Vec::new(),
    };
    let (status, answer, _) = wang.sync_with(Some(&proven), &req).await;
    assert_eq!(status, 200);
    assert_eq!(answer.expect("answer").token, None, "a fresh token is not renewed");
    server.advance(taizhang_auth::TOKEN_TTL_MS - taizhang_auth::RENEW_WITHIN_MS + 1);
    let (status, answer, _) = wang.sync_with(Some(&proven), &req).await;
    assert_eq!(status, 200);
    assert!(answer.expect("answer").token.is_some(), "the device's proven request renews its token");
    // A proof made with another key does not count.
    let forged = taizhang_auth::proven_bearer(&wang.token, &[9u8; 32]);
    let (_, answer, _) = wang.sync_with(Some(&forged), &req).await;
    assert_eq!(answer.expect("answer").token, None);
    // An hour after it was issued the captured token is dead.
    server.advance(taizhang_auth::RENEW_WITHIN_MS);
    let (status, _, _) = wang.push(village, Vec::new()).await;
    assert_eq!(status, 401, "the captured token expired and could not be renewed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_in_a_members_log_counts_only_as_hers_on_every_device() {
    let server = TestServer::start(5).await;
    let wang = RawDevice::enroll(&server.url, &server.code(1).await).await.expect("enroll");
    let me = MemberId(wang.account);
    let zhang = demo::member_id(2);
    let village = demo::VILLAGE.0;
    let log = DocId::Log { member: me, month: local_month(NOW) }.to_string();
    // Hole 8b as an older server stored it: in 王芳's log, a check-in that claims to be 张伟's.
    let claimed = check_in(zhang, NOW);
    let c = change_on(&server, village, &log, &wang.actor, |tx| write(tx, &claimed).expect("w")).await;
    let parsed = taizhang_sync::parse_changes(&log, c).expect("parses");
    server.store.push(village, &log, parsed, NOW).await.expect("stored as an older server did");
    // 李明's phone downloads it and lists it under nobody: not under 张伟, and not at all.
    let t = server.transport();
    let mut li = server.device(0).await;
    li.sync(&t, NOW).await.expect("sync");
    let all = li.store().check_ins(None, i64::MIN, i64::MAX).expect("check-ins");
    assert!(all.iter().all(|c| c.record.id != claimed.id), "the claimed check-in is not listed: {all:?}");
    assert!(li.store().check_ins(Some(zhang), i64::MIN, i64::MAX).expect("check-ins").is_empty());
}
