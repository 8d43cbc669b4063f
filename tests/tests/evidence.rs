//! Evidence a county can trust (issue 17), over HTTP on every backend. 王芳 checks in once,
//! syncs, and a month later pushes thirty check-ins dated June and July from the same phone
//! with an honest change time: all kept and counted (a record is never refused), and every one
//! flagged 时间存疑 on the evidence calendar with the reason "dated before its device had
//! already synced". 张伟 goes three weeks without signal, checks in every morning, and syncs:
//! nothing of his is flagged; the days are 补录 (recorded late), the last ones 记录及时.

use taizhang_domain::{day_start, local_date, MemberId};
use taizhang_sync_server::admin;
use taizhang_sync_server::demo::DEMO_TOWNSHIP_STAFF;
use taizhang_tests::*;

const H: i64 = 3_600_000;
const DAY: i64 = 24 * H;

fn member(i: usize) -> MemberId {
    taizhang_doc::demo::member_id(i)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backdated_check_ins_are_kept_and_flagged_three_weeks_offline_is_not() {
    let server = TestServer::start(5).await;
    let t = server.transport();
    let (mut wang, mut zhang) = (server.device(1).await, server.device(2).await);

    // Both join, check in today and sync: the server has seen their phones at NOW.
    wang.sync(&t, NOW).await.expect("王芳's first sync");
    zhang.sync(&t, NOW).await.expect("张伟's first sync");
    wang.check_in(&check_in(member(1), NOW), NOW).expect("王芳 checks in");
    zhang.check_in(&check_in(member(2), NOW), NOW).expect("张伟 checks in");
    wang.sync(&t, NOW).await.expect("王芳 syncs");
    zhang.sync(&t, NOW).await.expect("张伟 syncs");

    // 张伟: three weeks without signal, a check-in every morning at 08:00, then he syncs.
    let first_morning = day_start(local_date(NOW)) + DAY + 8 * H;
    for d in 0..21 {
        let at = first_morning + d * DAY;
        zhang.check_in(&check_in(member(2), at), at).expect("offline check-in");
    }
    let back = first_morning + 20 * DAY + 2 * H; // 10:00 on the 21st morning
    server.advance(back - NOW);
    zhang.sync(&t, back).await.expect("张伟 syncs after three weeks");

    // 王芳, the same day, writes thirty check-ins dated in June and July and pushes them.
    let june = day_start(chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date")) + 8 * H;
    let backdated: Vec<_> = (0..30)
        .map(|d| {
            let at = june + d * 2 * DAY;
            wang.check_in(&check_in(member(1), at), back).expect("the phone saves anything").id
        })
        .collect();
    wang.sync(&t, back).await.expect("王芳 syncs");

    // The township's evidence calendar.
    admin::set_password(server.store.as_ref(), DEMO_TOWNSHIP_STAFF, "乡镇看证据-2026", NOW).await.expect("password");
    let (township, _) = WebSession::login(&server.url, "石门镇 赵敏", "乡镇看证据-2026").await;
    let village = taizhang_doc::demo::VILLAGE.0;
    let view = township.json(&format!("/county/api/village/{village}/evidence?from=2026-06-01&to=2026-12-31")).await;
    let of = |m: MemberId| {
        view["members"]
            .as_array()
            .expect("members")
            .iter()
            .find(|x| x["member"] == m.0.to_string())
            .expect("member")
            .clone()
    };

    // Every backdated check-in is kept, shown and flagged with its reason.
    let wang_view = of(member(1));
    let records: Vec<&serde_json::Value> = wang_view["days"]
        .as_array()
        .expect("days")
        .iter()
        .flat_map(|d| d["records"].as_array().expect("records").iter())
        .collect();
    for id in &backdated {
        let r = records.iter().find(|r| r["record"] == id.0.to_string()).expect("the backdated check-in is shown");
        assert_eq!(r["strength"], "doubtful", "{r}");
        assert_eq!(r["doubts"][0]["code"], "before_device_synced", "{r}");
        assert_eq!(r["doubts"][0]["floor"], NOW, "the floor is her previous sync: {r}");
        assert!(r["reasons"][0].as_str().is_some_and(|s| s.starts_with("早于该设备上次同步")), "{r}");
    }
    assert_eq!(wang_view["doubtful_days"], 30, "{wang_view}");
    assert_eq!(wang_view["timely_days"], 1, "today's honest check-in");

    // Three weeks offline: nothing doubtful; received within 72 h → 记录及时, else 补录.
    let zhang_view = of(member(2));
    assert_eq!(zhang_view["doubtful_days"], 0, "{zhang_view}");
    assert_eq!(zhang_view["timely_days"], 1 + 3, "today's, and the three mornings before the sync");
    assert_eq!(zhang_view["backfilled_days"], 18, "{zhang_view}");

    // The doubtful-only list is the target list of an inspection: 王芳's thirty days.
    let doubtful = township
        .json(&format!("/county/api/village/{village}/evidence?from=2026-06-01&to=2026-12-31&doubtful=1"))
        .await;
    let days: usize =
        doubtful["members"].as_array().expect("members").iter().map(|m| m["days"].as_array().map_or(0, Vec::len)).sum();
    assert_eq!(days, 30);

    // The township checks two of the days (a phone call to the village committee): the first
    // was a day of work after all (核实计入), the second was not (不予计入). Her days in the
    // village follow: 31 counted under the default policy (doubtful days count until a
    // person decides), 30 after the refusal.
    let days_in_village = |v: &serde_json::Value| {
        v["members"].as_array().expect("members").iter().find(|m| m["id"] == member(1).0.to_string()).expect("王芳")
            ["report"]["days_in_village"]["value"]
            .clone()
    };
    let page = format!("/county/api/village/{village}?from=2026-06-01&to=2026-12-31");
    assert_eq!(days_in_village(&township.json(&page).await), 31);
    let m1 = member(1).0;
    let (status, body) = township
        .put(
            &format!("/county/api/village/{village}/member/{m1}/evidence/2026-06-01"),
            serde_json::json!({"counts": true, "note": "电话向村委核实，当天在村组织种植培训"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["by"], "石门镇 赵敏");
    let (status, _) = township
        .put(
            &format!("/county/api/village/{village}/member/{m1}/evidence/2026-06-03"),
            serde_json::json!({"counts": false, "note": "村委说当天不在村"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(days_in_village(&township.json(&page).await), 30, "the refused day no longer counts");
    let view = township.json(&format!("/county/api/village/{village}/evidence?from=2026-06-01&to=2026-12-31")).await;
    let wang_view = view["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|x| x["member"] == m1.to_string())
        .expect("王芳")
        .clone();
    assert_eq!(wang_view["checks"]["2026-06-01"]["counts"], true, "{wang_view}");
    assert_eq!(wang_view["checks"]["2026-06-03"]["counts"], false, "{wang_view}");
    // Two decisions on two days of hers sent at the same moment (two officers, or two tabs):
    // each day is a row of its own, so both are kept — the later write does not take the
    // other day back.
    let (day_9, day_11) = (
        format!("/county/api/village/{village}/member/{m1}/evidence/2026-06-09"),
        format!("/county/api/village/{village}/member/{m1}/evidence/2026-06-11"),
    );
    let (a, b) = tokio::join!(
        township.put(&day_9, serde_json::json!({"counts": true, "note": "驻村日志和村委签到表一致"}),),
        township.put(&day_11, serde_json::json!({"counts": false, "note": "当天在县城开会"}),),
    );
    assert_eq!((a.0, b.0), (200, 200), "{} / {}", a.1, b.1);
    let view = township.json(&format!("/county/api/village/{village}/evidence?from=2026-06-01&to=2026-12-31")).await;
    let checks =
        &view["members"].as_array().expect("members").iter().find(|x| x["member"] == m1.to_string()).expect("王芳")
            ["checks"];
    assert_eq!(
        [
            &checks["2026-06-01"]["counts"],
            &checks["2026-06-03"]["counts"],
            &checks["2026-06-09"]["counts"],
            &checks["2026-06-11"]["counts"]
        ],
        [true, false, true, false],
        "every decision is kept: {checks}"
    );
    assert_eq!(days_in_village(&township.json(&page).await), 29, "two days refused now");
    // Only a doubtful day can be decided, and only with a note.
    let (status, body) = township
        .put(
            &format!("/county/api/village/{village}/member/{m1}/evidence/{}", local_date(NOW)),
            serde_json::json!({"counts": false, "note": "想删掉这天"}),
        )
        .await;
    assert_eq!(status, 400, "today's honest day has nothing doubtful: {body}");
    let (status, _) = township
        .put(
            &format!("/county/api/village/{village}/member/{m1}/evidence/2026-06-05"),
            serde_json::json!({"counts": true, "note": "  "}),
        )
        .await;
    assert_eq!(status, 400, "a decision says what was checked");

    // And the check-ins are kept and reach the team: never refused.
    zhang.sync(&t, back).await.expect("张伟 pulls");
    let hers = zhang
        .store()
        .check_ins(None, i64::MIN, i64::MAX)
        .expect("check-ins")
        .into_iter()
        .filter(|c| c.record.member == member(1))
        .count();
    assert_eq!(hers, 31, "王芳's 31 check-ins reach her teammate");
}

/// The demo county's generated year raises no false flag (issue 17): twelve villages seeded
/// at 07:20 in the morning, before the day's usual check-in time, so today's records are the
/// ones that could be dated after the server received them. Every member-day of the year is
/// 补录 or 记录及时, none 时间存疑.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_countys_generated_year_has_no_doubtful_day() {
    use taizhang_sync_server::demo::{demo_county_village, seed_demo_county, DEMO_COUNTY_STAFF};
    let server = TestServer::start(3).await;
    let seeded = day_start(local_date(NOW)) + 7 * H + 20 * 60_000;
    seed_demo_county(server.store.as_ref(), 12, local_date(seeded), seeded).await.expect("seed the demo county");
    admin::set_password(server.store.as_ref(), DEMO_COUNTY_STAFF, "县里看证据-2026", NOW).await.expect("password");
    let (county, _) = WebSession::login(&server.url, "惠水县委组织部 孙强", "县里看证据-2026").await;
    let (mut member_days, mut doubtful) = (0, 0);
    for i in 0..12 {
        let village = demo_county_village(i);
        let view = county.json(&format!("/county/api/village/{village}/evidence?from=2026-01-01&to=2026-11-25")).await;
        for m in view["members"].as_array().expect("members") {
            member_days += m["days"].as_array().expect("days").len();
            doubtful += m["doubtful_days"].as_u64().expect("doubtful days");
        }
    }
    assert!(member_days > 12 * 4 * 200, "a year of four members in twelve villages: {member_days}");
    assert_eq!(doubtful, 0, "no false flag among {member_days} member-days");
}

/// A boot clock the test moves by hand (the phone's clock that keeps counting through sleep).
#[derive(Debug, Default)]
struct FakeUptime(std::sync::atomic::AtomicI64);

impl taizhang_client::Uptime for FakeUptime {
    fn now(&self) -> Option<taizhang_client::UptimeReading> {
        Some(taizhang_client::UptimeReading {
            boot: "boot-1".into(),
            ms: self.0.load(std::sync::atomic::Ordering::SeqCst),
        })
    }
}

/// The anchor catches what causality cannot (issue 17): 王芳 syncs on the 25th and goes
/// without signal. Five days later she sets her phone's clock back three days and checks in
/// "on the 27th". Nothing the server received proves the 27th wrong (it is after her last sync
/// and before the receipt), but her phone's boot clock counted five days since that sync: the
/// check-in is flagged "与设备计时相差 3 天". 张伟, offline the same five days with an honest clock,
/// checks in every morning: his anchors agree, nothing is flagged. Both check-ins are kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_clock_set_back_while_offline_is_caught_by_the_anchor() {
    use std::sync::{atomic::Ordering, Arc};
    let server = TestServer::start(6).await;
    let t = server.transport();
    let (mut wang, mut zhang) = (server.device(1).await, server.device(2).await);
    let (wang_clock, zhang_clock) = (Arc::new(FakeUptime::default()), Arc::new(FakeUptime::default()));
    wang.set_uptime(wang_clock.clone());
    zhang.set_uptime(zhang_clock.clone());
    wang.sync(&t, NOW).await.expect("王芳 syncs");
    zhang.sync(&t, NOW).await.expect("张伟 syncs");

    // Five days offline. 张伟 checks in each morning with a true clock.
    let mut honest = Vec::new();
    for d in 1..=5 {
        let at = NOW + d * DAY - 2 * H; // 08:00
        zhang_clock.0.store(d * DAY - 2 * H, Ordering::SeqCst);
        honest.push(zhang.check_in(&check_in(member(2), at), at).expect("张伟 checks in").id);
    }
    // 王芳, on the fifth morning, with her phone's clock set back three days.
    wang_clock.0.store(5 * DAY - 2 * H, Ordering::SeqCst);
    let claimed = NOW + 2 * DAY - 2 * H;
    let moved = wang.check_in(&check_in(member(1), claimed), claimed).expect("the phone saves it").id;

    server.advance(5 * DAY);
    wang.sync(&t, NOW + 5 * DAY).await.expect("王芳 syncs");
    zhang.sync(&t, NOW + 5 * DAY).await.expect("张伟 syncs");

    admin::set_password(server.store.as_ref(), DEMO_TOWNSHIP_STAFF, "乡镇看证据-2026", NOW).await.expect("password");
    let (township, _) = WebSession::login(&server.url, "石门镇 赵敏", "乡镇看证据-2026").await;
    let village = taizhang_doc::demo::VILLAGE.0;
    let view = township.json(&format!("/county/api/village/{village}/evidence?from=2026-11-01&to=2026-12-31")).await;
    let records: Vec<serde_json::Value> = view["members"]
        .as_array()
        .expect("members")
        .iter()
        .flat_map(|m| m["days"].as_array().expect("days").clone())
        .flat_map(|d| d["records"].as_array().expect("records").clone())
        .collect();
    let find = |id: String| records.iter().find(|r| r["record"] == id).expect("the record is shown").clone();

    let r = find(moved.0.to_string());
    assert_eq!(r["strength"], "doubtful", "{r}");
    assert_eq!(r["doubts"].as_array().expect("doubts").len(), 1, "only the anchor can tell: {r}");
    assert_eq!(r["doubts"][0]["code"], "clock_disagrees", "{r}");
    assert_eq!(r["doubts"][0]["estimate"], NOW + 5 * DAY - 2 * H, "{r}");
    assert!(r["reasons"][0].as_str().is_some_and(|s| s.starts_with("与设备计时相差 3 天")), "{r}");
    // Which phone made it, when the server first saw it, and that it is unaltered since.
    let origin = township.json(&format!("/county/api/village/{village}/record/{}/origin", moved.0)).await;
    assert_eq!(origin["signature"], "verified", "{origin}");
    assert_eq!(origin["device"]["name"], "test phone of member 1", "{origin}");
    assert_eq!(origin["received"], NOW + 5 * DAY, "{origin}");
    assert_eq!(origin["anchor_estimate"], NOW + 5 * DAY - 2 * H, "{origin}");
    assert_eq!(origin["device_time"], claimed, "the phone's clock, as set: {origin}");
    assert!(origin["words"].as_str().is_some_and(|w| w.starts_with("签名有效")), "{origin}");
    let (status, _) = township.get_json(&format!("/county/api/village/{village}/record/nothing-here/origin")).await;
    assert_eq!(status, 404);

    for id in honest {
        let r = find(id.0.to_string());
        assert!(r["doubts"].as_array().expect("doubts").is_empty(), "an honest clock agrees with its anchor: {r}");
        assert_ne!(r["strength"], "doubtful", "{r}");
    }
}
