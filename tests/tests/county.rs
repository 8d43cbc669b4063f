//! The county view as county staff use it, over HTTP against a real server on every backend:
//! log in, see the villages of the county, open one, inspect at random, export files — and
//! the read model following the syncs as they arrive. Rules are tested by hand-worked
//! examples in taizhang-rules; this is the plumbing between devices and the county page.

use std::io::Read;

use taizhang_doc::demo;
use taizhang_sync_server::admin;
use taizhang_sync_server::demo::{demo_county_village, seed_demo_county, DEMO_COUNTY_STAFF};
use taizhang_tests::*;

const PASSWORD: &str = "县里查台账-2026";

type County = WebSession;

async fn login(url: &str, login: &str, password: &str) -> (u16, serde_json::Value, Option<String>) {
    web_login(url, None, login, password).await
}

async fn county_officer(server: &TestServer) -> County {
    admin::set_password(server.store.as_ref(), DEMO_COUNTY_STAFF, PASSWORD, NOW).await.expect("set password");
    let (status, me, _) = login(&server.url, "惠水县委组织部 孙强", PASSWORD).await;
    assert_eq!(status, 200, "{me}");
    WebSession {
        http: reqwest::Client::new(),
        url: server.url.clone(),
        token: me["token"].as_str().expect("token").into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_county_staff_with_the_right_password_get_in() {
    let server = TestServer::start(10).await;
    admin::set_password(server.store.as_ref(), DEMO_COUNTY_STAFF, PASSWORD, NOW).await.expect("set password");

    let (status, body, _) = login(&server.url, "惠水县委组织部 孙强", "wrong password!").await;
    assert_eq!(status, 401);
    assert!(body["error"].as_str().expect("message").contains("密码"), "{body}");
    let (status, _, _) = login(&server.url, "nobody at all", PASSWORD).await;
    assert_eq!(status, 401, "an unknown name gets the same answer as a wrong password");

    // The password is refused for a team member: the county page is not theirs.
    assert!(matches!(
        admin::set_password(server.store.as_ref(), demo::member_id(0).0, PASSWORD, NOW).await,
        Err(admin::PasswordSetError::NotCountyStaff(_))
    ));
    assert!(matches!(
        admin::set_password(server.store.as_ref(), DEMO_COUNTY_STAFF, "short", NOW).await,
        Err(admin::PasswordSetError::Weak(_))
    ));

    // By name or by account id; the cookie is HttpOnly and scoped to the county page.
    let (status, me, cookie) = login(&server.url, &DEMO_COUNTY_STAFF.to_string(), PASSWORD).await;
    assert_eq!(status, 200);
    assert_eq!(me["county_name"], "惠水县");
    let cookie = cookie.expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/county"));

    let http = reqwest::Client::new();
    let plain = http.get(format!("{}/county/api/overview", server.url)).send().await.expect("request");
    assert_eq!(plain.status().as_u16(), 401, "no session, no data");
    let with_cookie = http
        .get(format!("{}/county/api/me", server.url))
        .header("cookie", cookie.split(';').next().expect("pair"))
        .send()
        .await
        .expect("request");
    assert_eq!(with_cookie.status().as_u16(), 200, "the cookie is a session");
    // A device token is no session.
    let device = RawDevice::enroll(&server.url, &server.code(COUNTY).await).await.expect("enroll county device");
    let r = http
        .get(format!("{}/county/api/me", server.url))
        .header("authorization", format!("Bearer {}", device.token))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 401);

    // The page itself is served, with a policy that forbids loading anything from elsewhere.
    let page = http.get(format!("{}/county/", server.url)).send().await.expect("page");
    assert!(page.headers()["content-security-policy"].to_str().expect("csp").contains("default-src 'self'"));
    assert!(page.text().await.expect("html").contains(r#"<script type="module" src="js/main.js">"#));
    // Its ES modules, each with a JavaScript type (a module served as anything else is refused).
    for name in ["main", "dom", "i18n", "api", "overview", "village", "entry", "inspection", "devices"] {
        let r = http.get(format!("{}/county/js/{name}.js", server.url)).send().await.expect("module");
        assert_eq!(r.status().as_u16(), 200, "{name}.js");
        assert_eq!(r.headers()["content-type"], "text/javascript; charset=utf-8", "{name}.js");
        let js = r.text().await.expect("js");
        assert!(js.contains("import ") || js.contains("export "), "{name}.js is a module");
    }
    let r = http.get(format!("{}/county/js/nothing.js", server.url)).send().await.expect("request");
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn li_checks_in_and_the_county_sees_it_after_the_sync() {
    let server = TestServer::start(12).await;
    let county = county_officer(&server).await;
    let t = server.transport();
    let li_id = demo::member_id(0);
    let village = demo::VILLAGE.0;

    let before = county.json("/county/api/overview").await;
    let row = before["villages"].as_array().expect("villages").iter().find(|v| v["id"] == village.to_string()).cloned();
    let row = row.expect("石门村 is in the county");
    assert_eq!(row["name"], "石门村");
    assert_eq!(row["households"], 12);
    assert_eq!(row["households_visited"], 0);

    // Li checks in and visits household 3 offline; Wang writes the diary; both sync.
    let mut li = server.device(0).await;
    let mut wang = server.device(1).await;
    li.sync(&t, NOW).await.expect("li first sync");
    wang.sync(&t, NOW).await.expect("wang first sync");
    li.check_in(&check_in(li_id, NOW), NOW).expect("li checks in");
    li.record_visit(&visit(li_id, household(3), NOW + 60_000, "屋顶漏雨"), NOW + 60_000).expect("visit");
    wang.write_diary(&diary(demo::member_id(1), NOW, "今天整理了防返贫监测台账"), NOW).expect("diary");
    li.sync(&t, NOW + 120_000).await.expect("li syncs");
    wang.sync(&t, NOW + 120_000).await.expect("wang syncs");

    // The read model follows the syncs by itself (no county request needed): wait for it.
    server.county_caught_up(village).await;

    let after = county.json("/county/api/overview").await;
    let row = after["villages"].as_array().expect("villages").iter().find(|v| v["id"] == village.to_string()).cloned();
    let row = row.expect("石门村");
    assert_eq!(row["households_visited"], 1, "Li's visit counted: {row}");

    // The village page: Li is in on today's calendar day, the visit is on household 3.
    let today = taizhang_domain::local_date(NOW).to_string();
    let v = county.json(&format!("/county/api/village/{village}?from=2026-11-01&to={today}")).await;
    let day = v["calendar"].as_array().expect("calendar").iter().find(|d| d["date"] == today).cloned().expect("today");
    assert_eq!(day["present"], serde_json::json!([li_id.to_string()]));
    assert_eq!(day["gap"], false);
    let h3 =
        v["households"].as_array().expect("households").iter().find(|h| h["id"] == household(3).to_string()).cloned();
    assert_eq!(h3.expect("household 3")["visits"], 1);
    let li_line = v["members"].as_array().expect("members").iter().find(|m| m["id"] == li_id.to_string()).cloned();
    let li_line = li_line.expect("Li on the team");
    assert_eq!(li_line["report"]["days_in_village"]["value"], 1);
    assert!(!li_line["report"]["days_in_village"]["counted"].as_array().expect("ids").is_empty(), "explained");
    assert_eq!(li_line["months"][0]["month"], "2026-11");

    // Random inspection: Wang's diary entry is the only one; a seed gives the same sample.
    let s1 = county.json(&format!("/county/api/village/{village}/sample?kind=diary&n=5&seed=42")).await;
    assert_eq!(s1["items"].as_array().expect("items").len(), 1);
    assert_eq!(s1["items"][0]["text"], "今天整理了防返贫监测台账");
    assert_eq!(s1["items"][0]["member_name"], "王芳");
    let h1 = county.json(&format!("/county/api/village/{village}/sample?kind=households&n=4&seed=7")).await;
    let h2 = county.json(&format!("/county/api/village/{village}/sample?kind=households&n=4&seed=7")).await;
    assert_eq!(h1, h2, "the same seed shows the same households");
    assert_eq!(h1["items"].as_array().expect("items").len(), 4);
    // By default the draw is the county policy's: 脱贫户 and 监测对象, 20 at a time (seed 004).
    assert_eq!(h1["scope"], "policy");
    let codes: Vec<&str> =
        h1["statuses"].as_array().expect("statuses").iter().filter_map(|s| s["code"].as_str()).collect();
    assert_eq!(codes, ["lifted_out", "monitored", "registered_poor"]);
    assert!(h1["items"].as_array().expect("items").iter().all(|h| h["status_zh"] != "一般户"));
    let policy = county.json(&format!("/county/api/village/{village}/sample?kind=households&seed=7")).await;
    assert_eq!(policy["n"], 20);
    let all = county.json(&format!("/county/api/village/{village}/sample?kind=households&scope=all&seed=7")).await;
    assert_eq!((all["scope"].as_str(), all["statuses"].as_array().map(Vec::len)), (Some("all"), Some(0)));
    assert!(all["pool"].as_u64() >= policy["pool"].as_u64());
    let (status, _, _) = county.get(&format!("/county/api/village/{village}/sample?kind=households&scope=some")).await;
    assert_eq!(status, 400, "an unknown draw is refused in words");

    // Bad input gets a clear error.
    let (status, body, _) = county.get(&format!("/county/api/village/{village}?from=2026-13-01")).await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    let (status, _, _) = county.get("/county/api/village/00000000-0000-0000-0000-000000000009").await;
    assert_eq!(status, 404);
    let (status, _, _) = county.get(&format!("/county/api/village/{village}/sample?kind=people")).await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_hold_the_records_with_chinese_headers() {
    let server = TestServer::start(8).await;
    let written =
        seed_demo_county(server.store.as_ref(), 2, taizhang_domain::local_date(NOW), NOW).await.expect("seed");
    assert!(written > 1000, "two villages of generated work: {written}");
    let county = county_officer(&server).await;
    let overview = county.json("/county/api/overview").await;
    assert_eq!(overview["villages"].as_array().expect("villages").len(), 3, "石门村 and two generated villages");

    let v = demo_county_village(0);
    let (status, csv, headers) = county
        .get(&format!("/county/api/export?dataset=attendance&format=csv&village={v}&from=2026-03-01&to=2026-03-31"))
        .await;
    assert_eq!(status, 200);
    assert!(headers["content-disposition"]
        .to_str()
        .expect("ascii")
        .contains("taizhang-attendance-2026-03-01-2026-03-31.csv"));
    let text = String::from_utf8(csv).expect("utf-8");
    let text = text.strip_prefix('\u{feff}').expect("a BOM for Excel");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("县,乡镇,村,队员,角色,日期,在村,最早到村打卡,请假,考勤状态,记录编号"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 4 * 31, "one row per member per day of March");
    assert!(rows.iter().all(|r| r.starts_with("惠水县,")));
    let present = rows.iter().filter(|r| r.split(',').nth(6) == Some("是")).count();
    assert!(present > 31, "most member-days are in the village: {present}");

    // The county's scores as Excel: a real workbook with the headers.
    let (status, xlsx, _) =
        county.get("/county/api/export?dataset=scores&format=xlsx&from=2026-01-01&to=2026-06-30").await;
    assert_eq!(status, 200);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("xlsx is a zip");
    let mut strings = String::new();
    zip.by_name("xl/sharedStrings.xml").expect("shared strings").read_to_string(&mut strings).expect("read");
    for h in ["驻村天数", "应驻村天数", "工作纪律分", "2026-06 月度积分", "惠水县"] {
        assert!(strings.contains(h), "{h} missing");
    }

    // One member's diary, and a member of another village refused.
    let member = overview_member(&county, v).await;
    let (status, csv, _) =
        county.get(&format!("/county/api/export?dataset=diary&format=csv&village={v}&member={member}")).await;
    assert_eq!(status, 200);
    let text = String::from_utf8(csv).expect("utf-8");
    assert!(text.lines().count() > 50, "a year of one member's diary");
    let (status, _, _) = county
        .get(&format!("/county/api/export?dataset=diary&format=csv&village={}&member={member}", demo::VILLAGE.0))
        .await;
    assert_eq!(status, 404);
    let (status, _, _) = county.get("/county/api/export?dataset=salaries&format=csv").await;
    assert_eq!(status, 400);
}

async fn overview_member(county: &County, village: uuid::Uuid) -> String {
    let v = county.json(&format!("/county/api/village/{village}")).await;
    v["members"][0]["id"].as_str().expect("member id").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_writes_every_dataset_of_the_county_to_files() {
    let server = TestServer::start(8).await;
    seed_demo_county(server.store.as_ref(), 1, taizhang_domain::local_date(NOW), NOW).await.expect("seed");
    admin::set_password(server.store.as_ref(), DEMO_COUNTY_STAFF, PASSWORD, NOW).await.expect("set password");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut req = taizhang_client::pull::PullRequest {
        server: server.url.clone(),
        login: "惠水县委组织部 孙强".into(),
        password: PASSWORD.into(),
        from: Some("2026-01-01".into()),
        to: Some("2026-06-30".into()),
        village: None,
        member: None,
        datasets: taizhang_client::pull::DATASETS.iter().map(|s| s.to_string()).collect(),
        formats: vec!["csv".into(), "xlsx".into()],
        out: dir.path().join("惠水县"),
    };
    let files = taizhang_client::pull::pull(&req).await.expect("pull");
    assert_eq!(files.len(), 16, "8 datasets × 2 formats");
    let names: Vec<String> =
        files.iter().map(|f| f.path.file_name().expect("name").to_string_lossy().into_owned()).collect();
    assert!(names.contains(&"taizhang-visits-2026-01-01-2026-06-30.csv".to_string()), "{names:?}");
    let visits =
        std::fs::read_to_string(dir.path().join("惠水县/taizhang-visits-2026-01-01-2026-06-30.csv")).expect("read");
    assert!(visits.starts_with(
        "\u{feff}县,乡镇,村,日期,时间,队员,户主,村民小组,发现问题,群众需求,后续跟进,更正的走访,照片数,记录编号"
    ));
    assert!(visits.lines().count() > 100, "half a year of visits of a generated village");
    assert!(visits.lines().skip(1).all(|l| l.starts_with("惠水县,")));
    // The village ledger's two (issue 22) come with their Chinese headers.
    let projects =
        std::fs::read_to_string(dir.path().join("惠水县/taizhang-projects-2026-01-01-2026-06-30.csv")).expect("read");
    assert!(projects.starts_with("\u{feff}县,乡镇,村,项目名称,项目类型,状态,集体自筹(元)"), "{projects:.200}");
    let meetings =
        std::fs::read_to_string(dir.path().join("惠水县/taizhang-meetings-2026-01-01-2026-06-30.csv")).expect("read");
    assert!(meetings.starts_with("\u{feff}县,乡镇,村,日期,类型,主持/主讲,参加人数,议题,决定事项"), "{meetings:.200}");
    // And the village situation (村情) and the plans (帮扶计划).
    let situation =
        std::fs::read_to_string(dir.path().join("惠水县/taizhang-situation-2026-01-01-2026-06-30.csv")).expect("read");
    assert!(situation.starts_with("\u{feff}县,乡镇,村,年度,填写情况,户籍人口,户数"), "{situation:.200}");
    let plans =
        std::fs::read_to_string(dir.path().join("惠水县/taizhang-plans-2026-01-01-2026-06-30.csv")).expect("read");
    assert!(plans.starts_with("\u{feff}县,乡镇,村,类别,年度,事项/签订单位"), "{plans:.200}");
    for f in &files {
        assert_eq!(std::fs::metadata(&f.path).expect("file").len() as usize, f.bytes);
    }
    assert!(
        std::fs::read_dir(dir.path().join("惠水县")).expect("dir").all(|e| !e
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .ends_with(".part")),
        "no partial file left"
    );

    req.password = "not the password".into();
    let e = taizhang_client::pull::pull(&req).await.expect_err("a wrong password pulls nothing");
    assert!(e.to_string().contains("log-in refused"), "{e}");
    req.password = PASSWORD.into();
    req.datasets = vec!["salaries".into()];
    assert!(taizhang_client::pull::pull(&req).await.expect_err("unknown dataset").to_string().contains("salaries"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_county_enters_scores_and_grades_its_first_secretaries_with_the_cap() {
    let server = TestServer::start(8).await;
    // Five generated villages and 石门村: six first secretaries, so at most one is 优秀 (20 %).
    seed_demo_county(server.store.as_ref(), 5, taizhang_domain::local_date(NOW), NOW).await.expect("seed");
    let county = county_officer(&server).await;
    let fs = |i: usize| -> (uuid::Uuid, uuid::Uuid) {
        let v = demo_county_village(i);
        (v, uuid::Uuid::from_u128(v.as_u128() ^ 0x1_0000)) // the generator's first member
    };
    let policy = county.json("/county/api/policy").await;
    assert_eq!(policy["scheme_a"]["results"], 60.0);

    // Bad input is refused with a message and stores nothing.
    let (v0, m0) = fs(0);
    let (status, body) = county
        .put(&format!("/county/api/village/{v0}/member/{m0}/year/2026"), serde_json::json!({"results": 70}))
        .await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().expect("message").contains("between 0 and 60"), "{body}");
    let (status, _) = county
        .put(&format!("/county/api/village/{}/member/{m0}/year/2026", demo::VILLAGE.0), serde_json::json!({}))
        .await;
    assert_eq!(status, 404, "not a member of that village");

    // Two first secretaries reach 优秀 by the points entered; the cap keeps one.
    for (i, results) in [(0, 60.0), (1, 59.5), (2, 40.0)] {
        let (v, m) = fs(i);
        let body = serde_json::json!({"results": results, "evaluation": 20, "assessment": 10, "training_days": 4,
                                      "seven_ones": {"strong_committee": true}});
        let (status, body) = county.put(&format!("/county/api/village/{v}/member/{m}/year/2026"), body).await;
        assert_eq!(status, 200, "{body}");
    }
    let view = county.json(&format!("/county/api/village/{v0}?from=2026-01-01&to=2026-11-25")).await;
    let line =
        view["members"].as_array().expect("members").iter().find(|l| l["id"] == m0.to_string()).cloned().expect("fs");
    assert_eq!(line["inputs"]["results"], 60.0);
    let total = line["scheme_a"]["total"]["value"].as_f64().expect("total");
    let discipline = line["discipline"]["value"].as_f64().expect("discipline");
    assert!((total - (90.0 + discipline)).abs() < 1e-6, "60 + 20 + 10 + discipline {discipline} = {total}");
    let lecture = line["report"]["seven_ones"]
        .as_array()
        .expect("seven ones")
        .iter()
        .find(|f| f["rule"]["policy_value"] == "strong_committee")
        .cloned();
    assert_eq!(lecture.expect("strong committee")["value"], "done");

    // One path for a month's score (issue 14): the county's older per-month items are refused
    // (the month is scored on its sheet and audited), and March keeps its records' figure.
    let before = view["members"].as_array().expect("members").iter().find(|l| l["id"] == m0.to_string()).expect("fs")
        ["months"][2]["score"]["value"]
        .as_f64()
        .expect("march");
    let (status, body) = county
        .put(
            &format!("/county/api/village/{v0}/member/{m0}/month/2026-03"),
            serde_json::json!({"items": [{"code": "faking_records", "times": 1, "evidence": ["补记的打卡"]}]}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().is_some_and(|e| e.contains("audit")), "{body}");
    let view = county.json(&format!("/county/api/village/{v0}?from=2026-01-01&to=2026-11-25")).await;
    let march = &view["members"].as_array().expect("members").iter().find(|l| l["id"] == m0.to_string()).expect("fs")
        ["months"][2];
    assert_eq!(march["month"], "2026-03");
    assert_eq!(march["score"]["value"].as_f64(), Some(before), "nothing typed counts beside the sheet");

    let grades = county.json("/county/api/grades?year=2026").await;
    assert_eq!(grades["first_secretaries"], 6);
    assert_eq!(grades["scored"], 3);
    let lines = grades["lines"].as_array().expect("lines");
    let excellent = lines.iter().filter(|l| l["grade"]["value"] == "excellent").count();
    let demoted = lines.iter().filter(|l| l["demoted_by_cap"] == true).count();
    let totals: Vec<f64> = lines.iter().filter_map(|l| l["scheme_a"]["total"]["value"].as_f64()).collect();
    let reached = totals.iter().filter(|t| **t >= 90.0).count();
    assert!(reached >= 2, "60 + 20 + 10 and 59.5 + 20 + 10 with most discipline points: {totals:?}");
    assert_eq!(excellent, 1, "20 % of six first secretaries (scored or not) is one");
    assert_eq!(excellent + demoted, reached, "whoever reached 90 is either 优秀 or demoted by the cap");
    assert!(lines.iter().filter(|l| l["scheme_a"].is_null()).all(|l| l["grade"].is_null()), "unscored: no grade");
    // The village page shows a first secretary's grade after the cap, as the grades do.
    let view = county.json(&format!("/county/api/village/{v0}?from=2026-01-01&to=2026-11-25")).await;
    let on_page =
        view["members"].as_array().expect("members").iter().find(|l| l["id"] == m0.to_string()).cloned().expect("fs");
    let in_grades = lines.iter().find(|l| l["member"] == m0.to_string()).expect("graded");
    assert_eq!(on_page["county_grade"]["value"], in_grades["grade"]["value"]);
    assert_eq!(on_page["demoted_by_cap"], in_grades["demoted_by_cap"]);

    // The scores export carries what was entered.
    let (status, csv, _) = county
        .get(&format!("/county/api/export?dataset=scores&format=csv&village={v0}&from=2026-01-01&to=2026-11-25"))
        .await;
    assert_eq!(status, 200);
    let text = String::from_utf8(csv).expect("utf-8");
    let header = text.lines().next().expect("header");
    assert!(header.contains("工作实绩,群众评议,工作评价,总分,等次"), "{header}");
    assert!(text.contains("未录入"), "members without scores say so");
}

/// Issue 14, "unknown is not absent": Li checks in and syncs on Wednesday 25 November 2026
/// (10:00 Asia/Shanghai) and nothing after. Five days later the county's village page shows
/// Thursday 26 – Monday 30 as 未同步 for Li and unknown for the team — never 无人在村, never
/// absent without leave — with Li's last sync, and the month's score is provisional.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn days_after_a_members_last_sync_are_not_synced_on_the_county_page_never_absent() {
    let server = TestServer::start(4).await;
    let t = server.transport();
    let li_id = demo::member_id(0);
    let village = demo::VILLAGE.0;

    let mut li = server.device(0).await;
    li.sync(&t, NOW).await.expect("li first sync");
    li.check_in(&check_in(li_id, NOW), NOW).expect("li checks in");
    li.sync(&t, NOW).await.expect("li syncs on the 25th");
    server.advance(5 * 86_400_000); // Monday 30 November, 10:00; Li's phone stays offline.
    let county = county_officer(&server).await; // signed in on the 30th

    let v = county.json(&format!("/county/api/village/{village}?from=2026-11-25&to=2026-11-30")).await;
    assert_eq!(v["today"], "2026-11-30");
    let day = |date: &str| {
        v["calendar"].as_array().expect("calendar").iter().find(|d| d["date"] == date).cloned().expect("a judged day")
    };
    assert_eq!(day("2026-11-25")["present"], serde_json::json!([li_id.to_string()]), "the synced day counts");
    for date in ["2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30"] {
        let d = day(date);
        assert_eq!(d["gap"], false, "{date} is not 无人在村: {d}");
        assert_eq!(d["unknown"], true, "{date} is unknown for the team: {d}");
        assert!(d["not_synced"].as_array().expect("ids").contains(&serde_json::json!(li_id.to_string())), "{d}");
    }
    assert_eq!(v["team"]["gaps"]["value"], serde_json::json!([]), "no 无人在村 day at all");
    assert_eq!(v["team"]["unknown"]["value"].as_array().expect("dates").len(), 5);

    let li_line = v["members"].as_array().expect("members").iter().find(|m| m["id"] == li_id.to_string()).cloned();
    let li_line = li_line.expect("Li on the team");
    assert_eq!(li_line["last_sync"], NOW, "the server's receipt time of Li's newest change");
    assert_eq!(li_line["last_sync_text"], "2026-11-25 10:00");
    let r = &li_line["report"];
    assert_eq!(r["not_synced"]["value"].as_array().expect("dates").len(), 5, "26 ..= 30: {}", r["not_synced"]);
    assert_eq!(r["absent_without_leave"]["value"], serde_json::json!([]), "not synced is never absent");
    assert_eq!(r["diary_gaps"]["value"], serde_json::json!([]), "nor a diary gap (the 25th is the sync's day)");
    assert_eq!(r["provisional"], true);
    let november = &li_line["months"][0];
    assert_eq!(november["month"], "2026-11");
    assert_eq!(november["provisional"], true);
    assert_eq!(november["not_synced_days"], 5);
    // The month score judges the whole of November: the working days 2–24 before Li's one
    // check-in are known and empty (17 days absent without leave), the 26th on are not.
    let absent: Vec<&str> =
        november["absent_without_leave"].as_array().expect("dates").iter().filter_map(|d| d.as_str()).collect();
    assert_eq!(absent.len(), 17, "{absent:?}");
    assert!(absent.iter().all(|d| *d < "2026-11-25"), "no day after the last sync is absent: {absent:?}");
    assert!(november["score"]["note"].as_str().expect("note").contains("临时结果"), "{}", november["score"]["note"]);

    // The overview counts the same days as unknown, not as gaps.
    let o = county.json("/county/api/overview?from=2026-11-25&to=2026-11-30").await;
    let row = o["villages"].as_array().expect("villages").iter().find(|x| x["id"] == village.to_string()).cloned();
    let row = row.expect("石门村");
    assert_eq!(
        (row["gap_days"].clone(), row["unknown_days"].clone()),
        (serde_json::json!(0), serde_json::json!(5)),
        "{row}"
    );
    assert_eq!(row["provisional"], true);
    assert!(["normal", "notice", "attention"].contains(&row["status"].as_str().expect("status")), "{row}");
}

/// Issue 19: a visit's photo reaches the county page. Li records a visit with two photos and
/// syncs; the phone sends one of them. The page's list says which is on the server, the file and
/// its thumbnail are served, the other is 照片尚未上传 in words (404), a hash no record names is
/// not served whatever the store holds, a malformed one is a 400, and the visits export counts
/// the record's photos (照片数).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visits_photo_is_on_the_county_page_once_the_phone_sent_it() {
    use taizhang_attach::media::{prepare_photo, samples};
    use taizhang_attach::{hash_hex, Caps};
    let server = TestServer::start(12).await;
    let county = county_officer(&server).await;
    let t = server.transport();
    let village = demo::VILLAGE.0;
    let li_id = demo::member_id(0);
    let sent = prepare_photo(&samples::photo(1200, 900, 1), &Caps::default()).expect("photo");
    let kept = prepare_photo(&samples::photo(800, 600, 2), &Caps::default()).expect("photo");
    let (sent_hex, kept_hex) = (hash_hex(&sent.hash), hash_hex(&kept.hash));

    let mut li = server.device(0).await;
    li.sync(&t, NOW).await.expect("li first sync");
    let mut v = visit(li_id, household(3), NOW + 60_000, "屋顶漏雨，已拍照");
    v.attachments = vec![sent_hex.clone(), kept_hex.clone()];
    li.record_visit(&v, NOW + 60_000).expect("visit");
    li.sync(&t, NOW + 120_000).await.expect("li syncs the record first");
    let token = li.access_token().expect("token").expect("a token after the sync");
    let blobs = taizhang_client::blobs::BlobClient::new(&server.url, &token).expect("client");
    let mut up = taizhang_attach::upload::Upload::new(sent.hash, sent.kind, sent.bytes.len() as u64);
    blobs.upload(village, &mut up, &sent.bytes, |_| {}).await.expect("upload");
    assert!(up.done());
    server.county_caught_up(village).await;

    let list = county.json(&format!("/county/api/village/{village}/photos")).await;
    assert_eq!((list["stored"].as_u64(), list["pending"].as_u64()), (Some(1), Some(1)), "{list}");
    let photos = &list["records"][v.id.to_string()]["photos"];
    assert_eq!(photos[0]["state"], "stored");
    assert_eq!(photos[0]["kind"], "jpeg");
    assert_eq!(photos[1]["state"], "pending");

    let (status, body, headers) = county.get(&format!("/county/api/village/{village}/blob/{sent_hex}")).await;
    assert_eq!(status, 200);
    assert_eq!(body, sent.bytes, "the file as the phone sent it");
    assert_eq!(headers["content-type"], "image/jpeg");
    let (status, thumb, _) = county.get(&format!("/county/api/village/{village}/blob/{sent_hex}/thumb")).await;
    assert_eq!(status, 200);
    assert!(!thumb.is_empty() && thumb.len() < body.len(), "a thumbnail, smaller than the file");
    let (status, words, _) = county.get(&format!("/county/api/village/{village}/blob/{kept_hex}")).await;
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&words).contains("照片尚未上传"), "{}", String::from_utf8_lossy(&words));
    // A file on the server that no record of the village names is not the page's to show.
    let stray = prepare_photo(&samples::photo(640, 480, 3), &Caps::default()).expect("photo");
    let mut up = taizhang_attach::upload::Upload::new(stray.hash, stray.kind, stray.bytes.len() as u64);
    blobs.upload(village, &mut up, &stray.bytes, |_| {}).await.expect("upload");
    let (status, _, _) = county.get(&format!("/county/api/village/{village}/blob/{}", hash_hex(&stray.hash))).await;
    assert_eq!(status, 404);
    let (status, _, _) = county.get(&format!("/county/api/village/{village}/blob/not-a-hash")).await;
    assert_eq!(status, 400);
    let (status, _, _) =
        county.get(&format!("/county/api/village/00000000-0000-0000-0000-000000000009/blob/{sent_hex}")).await;
    assert_eq!(status, 404, "a village outside the officer's county");

    let today = taizhang_domain::local_date(NOW + 60_000);
    let (status, csv, _) = county
        .get(&format!("/county/api/export?dataset=visits&format=csv&village={village}&from={today}&to={today}"))
        .await;
    assert_eq!(status, 200);
    let text = String::from_utf8(csv).expect("utf-8");
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = header.iter().position(|h| *h == "照片数").expect("a column 照片数");
    let row: Vec<&str> = lines.next().expect("the visit").split(',').collect();
    assert_eq!(row[col], "2", "the record refers to two photos, one not sent yet");
}

/// The overview without the time it took to compute.
fn timeless(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("computed_ms");
    }
    v
}

/// Issue 23: the county projection lives in the database, not in one instance's memory. A
/// second server instance on the same database answers the county page at once from it —
/// the same overview and village page as the instance that built it, without projecting one
/// document from the log — follows the log past it as devices sync through it, and treats a
/// kept projection it cannot read (another server version's) as absent: projected again from
/// the log, with the same answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_instance_answers_the_county_from_the_kept_projection() {
    let a = TestServer::start(12).await;
    let village = demo::VILLAGE.0;
    let li_id = demo::member_id(0);
    let mut li = a.device(0).await;
    li.sync(&a.transport(), NOW).await.expect("li first sync");
    li.check_in(&check_in(li_id, NOW), NOW).expect("li checks in");
    li.record_visit(&visit(li_id, household(3), NOW + 60_000, "屋顶漏雨"), NOW + 60_000).expect("visit");
    li.sync(&a.transport(), NOW + 120_000).await.expect("li syncs through A");
    a.county_caught_up(village).await;
    let kept = a.store.projection(village).await.expect("read").expect("A kept its projection in the database");
    let log_end = a.store.read_log(village, 0, 1 << 30).await.expect("log").cursor;
    assert_eq!(kept.upto, log_end, "kept up to the log's end");

    let today = taizhang_domain::local_date(NOW).to_string();
    let page = format!("/county/api/village/{village}?from=2026-11-01&to={today}");
    let on_a = county_officer(&a).await;
    let (overview_a, page_a) = (timeless(on_a.json("/county/api/overview").await), on_a.json(&page).await);

    // Instance B starts on the same database: nothing to catch up, and its first county
    // requests read the kept projection.
    let b = TestServer::serve_store(a.store.clone()).await;
    let on_b = county_officer(&b).await;
    assert_eq!(timeless(on_b.json("/county/api/overview").await), overview_a, "the same overview from B");
    assert_eq!(on_b.json(&page).await, page_a, "the same village page from B");
    let stats = b.county.model.stats();
    assert_eq!(stats.docs_projected, 0, "B projected nothing from the log: {stats:?}");
    assert!(stats.villages_loaded >= 1, "{stats:?}");

    // Li visits again and syncs through B: B projects only what grew.
    li.record_visit(&visit(li_id, household(4), NOW + 180_000, "孩子上学补助已到"), NOW + 180_000).expect("visit");
    li.sync(&b.transport(), NOW + 240_000).await.expect("li syncs through B");
    b.county_caught_up(village).await;
    let grown = b.county.model.stats();
    assert!(
        grown.docs_projected >= 1 && grown.docs_projected <= 2,
        "only Li's log document (and the registry): {grown:?}"
    );
    let row = |o: &serde_json::Value| {
        o["villages"].as_array().expect("villages").iter().find(|v| v["id"] == village.to_string()).cloned()
    };
    let after_b = timeless(on_b.json("/county/api/overview").await);
    assert_eq!(row(&after_b).expect("石门村")["households_visited"], 2, "Li's second visit counted");
    // A, warm with the older state, follows the log too and agrees.
    assert_eq!(timeless(on_a.json("/county/api/overview").await), after_b);

    // A kept projection that does not read (written by another version) is no projection:
    // a third instance projects the village from its log, answers the same, and keeps a
    // projection that reads in its place (at the same log position).
    li.write_diary(&diary(li_id, NOW + 300_000, "整理了走访记录"), NOW + 300_000).expect("diary");
    li.sync(&a.transport(), NOW + 360_000).await.expect("li syncs through A");
    a.county_caught_up(village).await;
    let end = a.store.read_log(village, 0, 1 << 30).await.expect("log").cursor;
    assert_eq!(a.store.projection(village).await.expect("read").expect("kept").upto, end, "A kept it");
    let unreadable = vec![("registry".to_string(), b"not a projection".to_vec())];
    assert!(a
        .store
        .put_projection(village, end, b"from another version".to_vec(), unreadable, true)
        .await
        .expect("put"));
    let c = TestServer::serve_store(a.store.clone()).await;
    let on_c = county_officer(&c).await;
    let on_c_overview = timeless(on_c.json("/county/api/overview").await);
    let stats = c.county.model.stats();
    assert!(stats.docs_projected >= 2, "C projected the village from its log: {stats:?}");
    assert_eq!(on_c_overview, timeless(on_a.json("/county/api/overview").await), "the same answer as A's");
    let kept = a.store.projection(village).await.expect("read").expect("kept");
    assert_eq!(kept.upto, end);
    assert_ne!(kept.body, b"from another version".to_vec(), "C replaced the projection that did not read");
    let d = TestServer::serve_store(a.store.clone()).await;
    let on_d = county_officer(&d).await;
    assert_eq!(timeless(on_d.json("/county/api/overview").await), on_c_overview);
    assert_eq!(d.county.model.stats().docs_projected, 0, "a fourth instance reads what C kept");
}

/// Issue 23: the overview's and the at-post page's lines are kept between requests and a
/// village's line is computed again only when something it is made of moved — its log (a
/// sync), what people entered for it (a county input), the page's terms (another period) —
/// and what is answered from them is what an instance computing everything afresh answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_county_pages_compute_a_village_again_only_when_something_it_is_made_of_moved() {
    let server = TestServer::start(12).await;
    let today = taizhang_domain::local_date(NOW);
    let others = seed_demo_county(server.store.as_ref(), 2, today, NOW).await.expect("seed");
    assert!(others > 0);
    let village = demo::VILLAGE.0;
    let li_id = demo::member_id(0);
    let mut li = server.device(0).await;
    li.sync(&server.transport(), NOW).await.expect("li first sync");
    server.county_caught_up(village).await;
    let county = county_officer(&server).await;
    let lines = server.county.lines.clone();
    let row = |o: &serde_json::Value, id: uuid::Uuid| {
        o["villages"].as_array().expect("villages").iter().find(|v| v["id"] == id.to_string()).cloned().expect("row")
    };

    let first = timeless(county.json("/county/api/overview").await);
    let n = first["villages"].as_array().expect("villages").len() as u64;
    assert!(n >= 3, "the demo village and the two seeded ones: {n}");
    assert_eq!(lines.overview.stats().computed, n, "a first overview computes every village");
    assert_eq!(timeless(county.json("/county/api/overview").await), first, "the same answer again");
    assert_eq!(lines.overview.stats().reused, n, "nothing moved: every line was kept");

    // Li visits a household and syncs: only 石门村's line is computed again.
    li.record_visit(&visit(li_id, household(3), NOW + 60_000, "屋顶漏雨"), NOW + 60_000).expect("visit");
    li.sync(&server.transport(), NOW + 120_000).await.expect("li syncs");
    server.county_caught_up(village).await;
    let after = timeless(county.json("/county/api/overview").await);
    assert_eq!(lines.overview.stats().computed, n + 1, "one village moved");
    assert_eq!(row(&after, village)["households_visited"], 1, "the visit is on the page");
    let other = demo_county_village(0);
    assert_eq!(row(&after, other), row(&first, other), "the other villages' lines are the kept ones");

    // Something entered for one of 石门村's members: that line again, nothing else.
    let input = taizhang_server_db::CountyInput {
        village,
        member: li_id.0,
        period: "evidence-2026".into(),
        data: "{}".into(),
        updated_by: DEMO_COUNTY_STAFF,
        updated_at: NOW,
    };
    server.store.put_county_input(&input).await.expect("input");
    let entered = timeless(county.json("/county/api/overview").await);
    assert_eq!(lines.overview.stats().computed, n + 2, "the village with an input");
    // Another period is other terms: every line of it is computed.
    let june = timeless(county.json("/county/api/overview?from=2026-06-01&to=2026-06-30").await);
    assert_eq!(lines.overview.stats().computed, 2 * n + 2);
    // The at-post page keeps its own lines the same way.
    let post = county.json("/county/api/at-post").await;
    assert_eq!(county.json("/county/api/at-post").await, post);
    assert_eq!(lines.at_post.stats(), taizhang_county_web::lines::LineStats { reused: n, computed: n });

    // An instance that computes everything afresh answers the same.
    let fresh = TestServer::serve_store(server.store.clone()).await;
    let on_fresh = county_officer(&fresh).await;
    assert_eq!(timeless(on_fresh.json("/county/api/overview").await), entered);
    assert_eq!(timeless(on_fresh.json("/county/api/overview?from=2026-06-01&to=2026-06-30").await), june);
    assert_eq!(on_fresh.json("/county/api/at-post").await, post);
    assert_eq!(fresh.county.lines.overview.stats().reused, 0, "it computed every line");
}
