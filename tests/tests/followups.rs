//! Issue 16's follow-up items (承诺事项 / 待办) across devices: a promise made on a visit on
//! one phone reaches a colleague's phone, is closed there while offline, and after sync every
//! phone shows it done, by whom and when; an item written long ago and synced late is accepted.
//! The county counts them per village (promised, done, open, overdue) and as evidence of
//! 办好一批民生实事, an item closed late on a phone offline for weeks included.

use taizhang_doc::demo;
use taizhang_domain::{FollowUp, FollowUpId};
use taizhang_tests::*;
use uuid::Uuid;

const DAY: i64 = 86_400_000;

/// The village page's follow-up counts and the first secretary's 办好一批民生实事 for `from..=to`.
async fn county_counts(
    server: &TestServer,
    county: &WebSession,
    from: &str,
    to: &str,
) -> (serde_json::Value, serde_json::Value) {
    server.county_caught_up(demo::VILLAGE.0).await;
    let v = county.json(&format!("/county/api/village/{}?from={from}&to={to}", demo::VILLAGE.0)).await;
    let li = demo::member_id(0).to_string();
    let line = v["members"].as_array().expect("members").iter().find(|m| m["id"] == li).cloned().expect("Li");
    let practical = line["report"]["seven_ones"]
        .as_array()
        .expect("seven ones")
        .iter()
        .find(|f| f["rule"]["policy_value"] == "practical_projects")
        .cloned()
        .expect("the item");
    (v["follow_ups"].clone(), practical)
}

fn values(c: &serde_json::Value) -> [u64; 5] {
    ["promised", "done", "done_after_due", "open", "overdue"].map(|k| c[k]["value"].as_u64().expect(k))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_promise_made_on_one_phone_is_closed_on_another_and_every_phone_sees_it() {
    let server = TestServer::start(20).await;
    let t = server.transport();
    let (li_id, wang_id) = (taizhang_doc::demo::member_id(0), taizhang_doc::demo::member_id(1));
    let mut li = server.device(0).await;
    let mut wang = server.device(1).await;
    let mut zhang = server.device(2).await;
    li.sync(&t, NOW).await.expect("li first sync");
    let h3 = household(3);

    // Li visits household 3 and promises help with the water; Wang is to see it through.
    let v = visit(li_id, h3, NOW + 1_000, "饮水不稳定");
    li.record_visit(&v, NOW + 1_000).expect("visit");
    let due = taizhang_domain::local_date(NOW + 7 * DAY);
    let item = FollowUp {
        id: FollowUpId(Uuid::now_v7()),
        household: h3,
        visit: Some(v.id),
        text: "联系水务站检修水管".into(),
        owner: wang_id,
        due: Some(due),
        created_by: li_id,
        created_at: NOW + 2_000,
        done_by: None,
        done_at: None,
        done_note: String::new(),
        project: None,
        attachments: Vec::new(),
    };
    li.put_follow_up(&item, NOW + 2_000).expect("promise");
    // One Li owns himself, without a day: on Li's list his own comes first.
    let own =
        FollowUp { id: FollowUpId(Uuid::now_v7()), owner: li_id, due: None, text: "回访".into(), ..item.clone() };
    li.put_follow_up(&own, NOW + 3_000).expect("own promise");
    let on_li: Vec<FollowUpId> =
        li.store().open_follow_ups(Some(li_id)).expect("list").iter().map(|r| r.record.id).collect();
    assert_eq!(on_li, vec![own.id, item.id], "mine first");
    li.sync(&t, NOW + 10_000).await.expect("li syncs");

    // Wang gets it, sees it as his (first on his list), and closes it offline after the repair.
    wang.sync(&t, NOW + 20_000).await.expect("wang syncs");
    let on_wang = wang.store().open_follow_ups(Some(wang_id)).expect("list");
    assert_eq!(on_wang.iter().map(|r| r.record.id).collect::<Vec<_>>(), vec![item.id, own.id], "his first");
    assert!(on_wang[0].record.overdue(taizhang_domain::local_date(NOW + 8 * DAY)), "overdue after its day");
    let done = wang.close_follow_up(item.id, wang_id, "水管已修好", NOW + 2 * DAY).expect("close");
    assert!(done.is_done());
    // Closing again keeps the first closing.
    let again = wang.close_follow_up(item.id, li_id, "again", NOW + 3 * DAY).expect("close again");
    assert_eq!((again.done_by, again.done_at), (Some(wang_id), Some(NOW + 2 * DAY)));
    server.advance(2 * DAY);
    wang.sync(&t, NOW + 2 * DAY + 1_000).await.expect("wang syncs");

    // Li and Zhang see it done, by Wang, with his note; only Li's own item stays open.
    li.sync(&t, NOW + 2 * DAY + 2_000).await.expect("li syncs");
    zhang.sync(&t, NOW + 2 * DAY + 3_000).await.expect("zhang syncs");
    for phone in [&li, &zhang] {
        let r = phone.store().follow_up(item.id).expect("read").expect("the item");
        assert_eq!(r.record.done_by, Some(wang_id));
        assert_eq!(r.record.done_at, Some(NOW + 2 * DAY));
        assert_eq!(r.record.done_note, "水管已修好");
        assert_eq!(r.record.visit, Some(v.id), "the visit it came from");
        let open: Vec<FollowUpId> =
            phone.store().open_follow_ups(None).expect("open").iter().map(|r| r.record.id).collect();
        assert_eq!(open, vec![own.id]);
        let of_h3 = phone.store().follow_ups_of_household(h3).expect("household's");
        assert_eq!(of_h3.iter().map(|r| r.record.id).collect::<Vec<_>>(), vec![own.id, item.id], "open first");
    }
    assert_eq!(digest(&li), digest(&wang), "the same tables on both phones");

    // An item written a month ago on a phone that stayed offline is never refused for arriving late.
    let late = FollowUp { id: FollowUpId(Uuid::now_v7()), created_at: NOW - 30 * DAY, due: None, ..own.clone() };
    zhang.put_follow_up(&late, NOW + 2 * DAY + 4_000).expect("late item");
    zhang.sync(&t, NOW + 2 * DAY + 5_000).await.expect("zhang's late item is accepted");
    li.sync(&t, NOW + 2 * DAY + 6_000).await.expect("li syncs");
    assert!(li.store().follow_up(late.id).expect("read").is_some(), "the late item reached Li");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_county_counts_the_items_made_on_phones_one_closed_late_after_weeks_offline() {
    let server = TestServer::start(20).await;
    let t = server.transport();
    let county = server.county_officer().await;
    let (li_id, wang_id) = (demo::member_id(0), demo::member_id(1));
    let mut li = server.device(0).await;
    let mut wang = server.device(1).await;
    li.sync(&t, NOW).await.expect("li first sync");
    wang.sync(&t, NOW).await.expect("wang first sync");

    // Nothing recorded yet: 未录入, never 未完成.
    let (c, practical) = county_counts(&server, &county, "2026-11-01", "2026-12-31").await;
    assert_eq!(c["recorded"], 0, "{c}");
    assert_eq!(values(&c), [0; 5]);
    assert_eq!(practical["value"], "not_recorded", "{practical}");

    // Li promises three things on visits: one due in 3 days, one in 7, one without a day.
    let today = taizhang_domain::local_date(NOW);
    let promise = |n: usize, due: Option<u64>, text: &str| FollowUp {
        id: FollowUpId(Uuid::now_v7()),
        household: household(n),
        visit: None,
        text: text.into(),
        owner: if n == 1 { li_id } else { wang_id },
        due: due.map(|d| today + chrono::Days::new(d)),
        created_by: li_id,
        created_at: NOW + n as i64 * 1_000,
        done_by: None,
        done_at: None,
        done_note: String::new(),
        project: None,
        attachments: Vec::new(),
    };
    let a = promise(1, Some(3), "协助办理医保报销");
    let b = promise(2, Some(7), "联系修缮危房");
    let eggs = promise(3, None, "帮销售土鸡蛋");
    for item in [&a, &b, &eggs] {
        li.put_follow_up(item, item.created_at).expect("promise");
    }
    // Li closes his own the next day and syncs; Wang takes the other two and goes offline.
    li.close_follow_up(a.id, li_id, "报销款已到账", NOW + DAY).expect("close a");
    server.advance(DAY);
    li.sync(&t, NOW + DAY + 1_000).await.expect("li syncs");
    wang.sync(&t, NOW + DAY + 2_000).await.expect("wang gets the items");

    // Ten days on, the county sees three promised, one done, two open, one of them overdue.
    server.advance(9 * DAY);
    let county = server.county_officer().await;
    let (c, practical) = county_counts(&server, &county, "2026-11-01", "2026-12-31").await;
    assert_eq!(c["recorded"], 3, "{c}");
    assert_eq!(values(&c), [3, 1, 0, 2, 1], "{c}");
    assert_eq!(c["overdue"]["counted"], serde_json::json!([b.id.to_string()]));
    assert_eq!(practical["value"], "not_done", "one item of three: {practical}");

    // Wang, offline for weeks, closes the repair 20 days on (13 days after its due day) and the
    // eggs the day after; he syncs four weeks on. Late is never refused.
    wang.close_follow_up(b.id, wang_id, "危房已修缮", NOW + 20 * DAY).expect("close b late");
    wang.close_follow_up(eggs.id, wang_id, "已联系超市收购", NOW + 21 * DAY).expect("close the eggs");
    server.advance(18 * DAY);
    wang.sync(&t, NOW + 28 * DAY).await.expect("wang's weeks-old closings are accepted");

    let county = server.county_officer().await;
    let (c, practical) = county_counts(&server, &county, "2026-11-01", "2026-12-31").await;
    assert_eq!(values(&c), [3, 3, 1, 0, 0], "{c}");
    assert_eq!(c["done_after_due"]["counted"], serde_json::json!([b.id.to_string()]));
    // Three items closed done make one 民生实事 by the default policy (3 items = 1 project).
    assert_eq!(practical["value"], "done", "{practical}");
    let mut ids = vec![a.id.to_string(), b.id.to_string(), eggs.id.to_string()];
    ids.sort();
    assert_eq!(practical["counted"], serde_json::json!(ids));
    // November alone: only Li's item was closed in it; Wang's count for December, the days
    // they were closed, not the day they arrived.
    let (nov, _) = county_counts(&server, &county, "2026-11-01", "2026-11-30").await;
    assert_eq!(values(&nov), [3, 1, 0, 2, 0], "{nov}");
    let (dec, _) = county_counts(&server, &county, "2026-12-01", "2026-12-31").await;
    assert_eq!(values(&dec), [0, 2, 1, 0, 0], "{dec}");
}

/// The inspection loop's second half (整改, issue 16): the county writes a finding on a
/// household its draw picked; Wang's phone receives it at its next sync as an item to answer;
/// offline for a week he answers it; at his next sync the county sees it answered, by whom and
/// when (the phone's time of the answer, a week before the server received it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finding_written_by_the_county_is_answered_on_a_phone_offline_for_a_week() {
    let server = TestServer::start(20).await;
    let t = server.transport();
    let county = server.county_officer().await;
    let wang_id = demo::member_id(1);
    let mut wang = server.device(1).await;
    let mut li = server.device(0).await;
    wang.sync(&t, NOW).await.expect("wang first sync");
    li.sync(&t, NOW).await.expect("li first sync");
    server.county_caught_up(demo::VILLAGE.0).await;
    let village = demo::VILLAGE.0;
    let h3 = household(3);

    // The county draws households and writes a finding on one of them.
    let (status, drawn, _) = county
        .get(&format!(
            "/county/api/village/{village}/sample?kind=households&n=3&seed=7&scope=all&from=2026-11-01&to=2026-11-25"
        ))
        .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&drawn));
    let (status, w) = county
        .post(
            &format!("/county/api/village/{village}/findings"),
            serde_json::json!({"household": h3.to_string(), "text": "饮水安全未核查,走访记录无饮水情况"}),
        )
        .await;
    assert_eq!(status, 200, "{w}");
    let finding: taizhang_domain::FindingId = w["finding"].as_str().expect("id").parse().expect("uuid");
    // A finding about nothing, or about a household not in the village, is refused in words.
    let (status, e) =
        county.post(&format!("/county/api/village/{village}/findings"), serde_json::json!({"text": "无对象"})).await;
    assert_eq!(status, 400, "{e}");
    assert!(e["error"].as_str().expect("error").contains("一户"), "{e}");
    let (status, _) = county
        .post(
            &format!("/county/api/village/{village}/findings"),
            serde_json::json!({"household": Uuid::now_v7().to_string(), "text": "查无此户"}),
        )
        .await;
    assert_eq!(status, 404);

    // The page lists it as open (待整改), signed by the officer, at the server's time.
    server.county_caught_up(village).await;
    let listed = county.json(&format!("/county/api/village/{village}/findings")).await;
    let line = &listed["findings"][0];
    assert_eq!(
        (line["state"].as_str(), line["found_by_name"].as_str()),
        (Some("open"), Some("惠水县委组织部 孙强")),
        "{line}"
    );
    assert_eq!(line["household"], h3.to_string());
    assert_eq!(line["found_at"], NOW);

    // Wang's phone receives it at its next sync, as an item to answer.
    wang.sync(&t, NOW + 60_000).await.expect("wang syncs");
    let open = wang.store().open_findings().expect("open findings");
    assert_eq!(open.iter().map(|r| r.record.id).collect::<Vec<_>>(), vec![finding]);
    assert_eq!(wang.store().findings_of_household(h3).expect("of h3").len(), 1);

    // Offline for a week, he visits and answers it on day 2; the phone keeps it unsynced.
    let answered_at = NOW + 2 * DAY;
    let a = wang.answer_finding(finding, wang_id, "已入户核查饮水,水质正常,已补记走访", answered_at).expect("answer");
    assert!(a.is_answered());
    assert!(wang.store().open_findings().expect("open").is_empty(), "answered on the phone at once");
    // A week on he syncs: the answer is accepted, and the county sees it answered with times.
    server.advance(7 * DAY);
    wang.sync(&t, NOW + 7 * DAY).await.expect("a week-old answer is accepted");
    let county = server.county_officer().await;
    server.county_caught_up(village).await;
    let listed = county.json(&format!("/county/api/village/{village}/findings")).await;
    let line = &listed["findings"][0];
    assert_eq!(line["state"], "answered", "{line}");
    assert_eq!(line["state_zh"], "已答复");
    assert_eq!(line["answered_by"], wang_id.to_string());
    assert_eq!(line["answered_by_name"], "王芳");
    assert_eq!(line["answered_at"], answered_at, "the phone's time of the answer, not the receipt");
    assert_eq!(line["answer"], "已入户核查饮水,水质正常,已补记走访");
    assert_eq!(line["found_at"], NOW);
    // Li's phone gets the answered finding too.
    li.sync(&t, NOW + 7 * DAY + 1_000).await.expect("li syncs");
    let on_li = li.store().finding(finding).expect("read").expect("held").record;
    assert_eq!((on_li.answered_by, on_li.answered_at), (Some(wang_id), Some(answered_at)));
}

/// The officer's check of an answer (验收, issue 16): 孙强 returns 王芳's first answer with a
/// reason; her phone shows the finding to answer again (已退回, with the reason) and she answers
/// it offline; the page shows it answered again, the township's officer may not check another's
/// finding, an answer the page did not show cannot be checked (409), and 孙强 accepts the new
/// answer: 已验收 on the page and on every phone, and off the to-answer list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_officer_returns_an_answer_the_phone_answers_again_and_the_officer_accepts_it() {
    let server = TestServer::start(20).await;
    let t = server.transport();
    let county = server.county_officer().await;
    let village = demo::VILLAGE.0;
    let wang_id = demo::member_id(1);
    let mut wang = server.device(1).await;
    let mut li = server.device(0).await;
    wang.sync(&t, NOW).await.expect("wang first sync");
    li.sync(&t, NOW).await.expect("li first sync");
    server.county_caught_up(village).await;
    let (status, w) = county
        .post(
            &format!("/county/api/village/{village}/findings"),
            serde_json::json!({"household": household(4).to_string(), "text": "危房改造进度未记录"}),
        )
        .await;
    assert_eq!(status, 200, "{w}");
    let finding: taizhang_domain::FindingId = w["finding"].as_str().expect("id").parse().expect("uuid");
    let review = format!("/county/api/village/{village}/findings/{}/review", finding.0);

    // Nothing to check before the team answers.
    let (status, e) =
        county.post(&review, serde_json::json!({"verdict": "accepted", "note": "", "answer_at": NOW})).await;
    assert_eq!(status, 400, "{e}");
    assert!(e["error"].as_str().expect("error").contains("还没有答复"), "{e}");

    wang.sync(&t, NOW + 60_000).await.expect("wang receives it");
    let first_at = NOW + DAY;
    wang.answer_finding(finding, wang_id, "已核实", first_at).expect("first answer");
    server.advance(DAY + 1_000);
    wang.sync(&t, NOW + DAY + 1_000).await.expect("the answer goes up");
    let county = server.county_officer().await;
    server.county_caught_up(village).await;
    let line = county.json(&format!("/county/api/village/{village}/findings")).await["findings"][0].clone();
    assert_eq!((line["state"].as_str(), line["answered_at"].as_i64()), (Some("answered"), Some(first_at)), "{line}");

    // A return needs a reason; an unknown verdict is refused in words.
    let (status, e) =
        county.post(&review, serde_json::json!({"verdict": "returned", "note": " ", "answer_at": first_at})).await;
    assert_eq!(status, 400, "{e}");
    let (status, _) =
        county.post(&review, serde_json::json!({"verdict": "maybe", "note": "", "answer_at": first_at})).await;
    assert_eq!(status, 400);
    // The township's officer did not write this finding: only 孙强 checks it.
    let township_staff = taizhang_sync_server::demo::DEMO_TOWNSHIP_STAFF;
    taizhang_sync_server::admin::set_password(server.store.as_ref(), township_staff, "乡镇验收复核-2026", NOW + DAY)
        .await
        .expect("password");
    let (township, _) = WebSession::login(&server.url, "石门镇 赵敏", "乡镇验收复核-2026").await;
    let (status, e) =
        township.post(&review, serde_json::json!({"verdict": "accepted", "note": "", "answer_at": first_at})).await;
    assert_eq!(status, 403, "{e}");

    // 孙强 returns it with the reason.
    let (status, r) = county
        .post(&review, serde_json::json!({"verdict": "returned", "note": "请附改造后照片说明", "answer_at": first_at}))
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["state"], "returned");
    server.county_caught_up(village).await;
    let line = county.json(&format!("/county/api/village/{village}/findings")).await["findings"][0].clone();
    assert_eq!((line["state_zh"].as_str(), line["review_note"].as_str()), (Some("已退回"), Some("请附改造后照片说明")));

    // Wang's phone: back on the to-answer list, with the reason; she answers again offline.
    server.advance(DAY - 1_000);
    wang.sync(&t, NOW + 2 * DAY).await.expect("wang receives the return");
    let open = wang.store().open_findings().expect("open");
    assert_eq!(open.len(), 1, "a returned answer is to be answered again");
    assert_eq!(open[0].record.current_review().map(|r| r.note.as_str()), Some("请附改造后照片说明"));
    let second_at = NOW + 3 * DAY;
    wang.answer_finding(finding, wang_id, "已补充:3 月完成改造,已验收入住", second_at).expect("second answer");
    assert!(wang.store().open_findings().expect("open").is_empty());

    // 孙强's page still shows the first answer: checking it now is refused (409), not applied
    // to an answer he has not read.
    server.advance(2 * DAY);
    wang.sync(&t, NOW + 4 * DAY).await.expect("the second answer goes up");
    let county = server.county_officer().await;
    let (status, e) =
        county.post(&review, serde_json::json!({"verdict": "accepted", "note": "", "answer_at": first_at})).await;
    assert_eq!(status, 409, "{e}");
    server.county_caught_up(village).await;
    let line = county.json(&format!("/county/api/village/{village}/findings")).await["findings"][0].clone();
    assert_eq!(
        (line["state"].as_str(), line["answered_again"].as_bool(), line["answered_at"].as_i64()),
        (Some("answered"), Some(true), Some(second_at)),
        "{line}"
    );
    let (status, r) =
        county.post(&review, serde_json::json!({"verdict": "accepted", "note": "", "answer_at": second_at})).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["state"], "accepted");
    server.county_caught_up(village).await;
    let line = county.json(&format!("/county/api/village/{village}/findings")).await["findings"][0].clone();
    assert_eq!(line["state_zh"], "已验收", "{line}");

    // Every phone ends with the accepted finding and nothing to answer.
    server.advance(DAY);
    for (name, phone) in [("wang", &mut wang), ("li", &mut li)] {
        phone.sync(&t, NOW + 5 * DAY).await.expect(name);
        let f = phone.store().finding(finding).expect("read").expect("held").record;
        assert_eq!(f.state(), taizhang_domain::FindingState::Accepted, "{name}");
        assert!(phone.store().open_findings().expect("open").is_empty(), "{name}");
    }
}

/// The same loop through the app's own commands (`taizhang_app_core::AppCore`, what the
/// window calls): 王芳's app receives the county's finding at a sync and lists it on Today as
/// 待整改; an empty answer is refused in words and nothing is sent; offline she answers it (the
/// finding leaves Today at once), and at her next sync the page shows it 已答复 with her words
/// and the app's time of the answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finding_is_answered_through_the_apps_own_commands() {
    use std::sync::atomic::Ordering;
    use std::sync::Arc;
    use taizhang_app_core::contract::{AnswerFindingRequest, JoinRequest};

    let server = TestServer::start(20).await;
    let county = server.county_officer().await;
    let village = demo::VILLAGE.0;
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = server.clock.clone();
    let app_clock: taizhang_app_core::Clock = Arc::new(move || clock.load(Ordering::SeqCst));
    let p = dir.path().join("wang.sqlite3");
    let wang = taizhang_app_core::AppCore::open(p.clone(), p.with_extension("json"), None, app_clock).expect("open");
    wang.join(JoinRequest { server_url: server.url.clone(), code: server.code(1).await }).await.expect("join");
    server.county_caught_up(village).await;

    let h5 = household(5);
    let (status, w) = county
        .post(
            &format!("/county/api/village/{village}/findings"),
            serde_json::json!({"household": h5.to_string(), "text": "户内危房改造资料不全"}),
        )
        .await;
    assert_eq!(status, 200, "{w}");
    let finding = w["finding"].as_str().expect("id").to_string();

    // At her next sync the finding is on Today, to answer.
    server.advance(60_000);
    wang.sync_now().await.expect("sync");
    let today = wang.today().await.expect("today");
    assert_eq!(today.findings.len(), 1, "{:?}", today.findings);
    let f = &today.findings[0];
    assert_eq!(
        (f.id.as_str(), f.state.as_str(), f.text.as_str(), f.found_by_name.as_str()),
        (finding.as_str(), "open", "户内危房改造资料不全", "惠水县委组织部 孙强")
    );
    assert_eq!(f.household_id.as_deref(), Some(h5.to_string().as_str()));

    // An empty answer is refused in words; the finding stays to answer.
    let err = wang
        .answer_finding(AnswerFindingRequest { id: finding.clone(), answer: "  ".into() })
        .await
        .expect_err("an empty answer");
    assert!(!err.to_string().is_empty(), "a refusal in words");
    assert_eq!(wang.today().await.expect("today").findings.len(), 1);

    // Offline two days later she answers it: it leaves Today at once.
    server.advance(2 * DAY);
    let answered_at = server.clock.load(Ordering::SeqCst);
    let a = wang
        .answer_finding(AnswerFindingRequest {
            id: finding.clone(), answer: "已补齐危房鉴定和改造验收资料".into()
        })
        .await
        .expect("answered offline");
    assert_eq!((a.answered, a.answered_by_name.as_deref(), a.answered_at), (true, Some("王芳"), Some(answered_at)));
    assert!(wang.today().await.expect("today").findings.is_empty(), "nothing left to answer");

    // Back in signal a day later: the page shows it answered, with the app's time of the answer.
    server.advance(DAY);
    wang.sync_now().await.expect("sync");
    let county = server.county_officer().await; // the page's session of three days ago ended
    server.county_caught_up(village).await;
    let listed = county.json(&format!("/county/api/village/{village}/findings")).await;
    let line = listed["findings"].as_array().expect("findings").iter().find(|l| l["id"] == finding).cloned();
    let line = line.expect("the finding is listed");
    assert_eq!(
        (line["state"].as_str(), line["answer"].as_str(), line["answered_by_name"].as_str()),
        (Some("answered"), Some("已补齐危房鉴定和改造验收资料"), Some("王芳")),
        "{line}"
    );
    assert_eq!(line["answered_at"], answered_at, "the app's time of the answer, not the receipt");
}
