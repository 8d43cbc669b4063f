//! Issue 22's village ledger across devices: a road project is started on Li's phone, Li and
//! Wang each add progress while both are offline, both updates survive the sync, the project
//! is closed and the county's seven ones count it (办好一批民生实事); a party lecture held in
//! October and recorded offline weeks later on Zhang's phone counts for October
//! (上好一堂党课), with the records that decide each item.

use taizhang_doc::demo;
use taizhang_domain::{
    Funding, Meeting, MeetingId, MeetingKind, ProgressId, ProgressUpdate, Project, ProjectId, ProjectKind, ProjectState,
};
use taizhang_tests::*;
use uuid::Uuid;

const DAY: i64 = 86_400_000;

/// The first secretary's seven-ones item `code` on the county page for `from..=to`.
async fn seven_one(county: &WebSession, from: &str, to: &str, code: &str) -> serde_json::Value {
    let v = county.json(&format!("/county/api/village/{}?from={from}&to={to}", demo::VILLAGE.0)).await;
    let li = demo::member_id(0).to_string();
    let line = v["members"].as_array().expect("members").iter().find(|m| m["id"] == li).cloned().expect("Li");
    line["report"]["seven_ones"]
        .as_array()
        .expect("seven ones")
        .iter()
        .find(|f| f["rule"]["policy_value"] == code)
        .cloned()
        .expect("the item")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_moves_across_phones_and_the_county_counts_it_and_a_late_lecture_counts_for_its_month() {
    let server = TestServer::start(20).await;
    let t = server.transport();
    let county = server.county_officer().await;
    let (li_id, wang_id, zhang_id) = (demo::member_id(0), demo::member_id(1), demo::member_id(2));
    let mut li = server.device(0).await;
    let mut wang = server.device(1).await;
    let mut zhang = server.device(2).await;
    for phone in [&mut li, &mut wang, &mut zhang] {
        phone.sync(&t, NOW).await.expect("first sync");
    }

    // Before anything is recorded the county sees 未录入 for the three items, never 未完成.
    server.county_caught_up(demo::VILLAGE.0).await;
    for code in ["party_lecture", "practical_projects", "aid_projects"] {
        assert_eq!(seven_one(&county, "2026-01-01", "2026-11-25", code).await["value"], "not_recorded", "{code}");
    }

    // Li starts the road project for groups 3's households on his phone and syncs; Wang gets it.
    let today = taizhang_domain::local_date(NOW);
    let road = Project {
        id: ProjectId(Uuid::now_v7()),
        name: "三组通组路硬化".into(),
        kind: ProjectKind::Practical,
        funding: Funding {
            collective: Some(20_000),
            fiscal: Some(150_000),
            party_fees: Some(5_000),
            urban_rural: None,
        },
        households: vec![household(3), household(4)],
        state: ProjectState::Planned,
        started_on: None,
        created_by: li_id,
        created_at: NOW + 1_000,
        closed_on: None,
        closed_by: None,
        result: String::new(),
    };
    li.put_project(&road, NOW + 1_000).expect("the project");
    li.sync(&t, NOW + 2_000).await.expect("li syncs");
    wang.sync(&t, NOW + 3_000).await.expect("wang syncs");
    assert_eq!(wang.store().project(road.id).expect("read").expect("on Wang's phone").record, road);

    // Both go up the hill without signal: each adds what they saw.
    let by_li = ProgressUpdate {
        id: ProgressId(Uuid::now_v7()),
        project: road.id,
        day: today,
        text: "路基平整完成".into(),
        by: li_id,
        at: NOW + 10_000,
        attachments: Vec::new(),
    };
    let by_wang = ProgressUpdate {
        id: ProgressId(Uuid::now_v7()),
        project: road.id,
        day: today,
        text: "水泥已运到三组".into(),
        by: wang_id,
        at: NOW + 11_000,
        attachments: Vec::new(),
    };
    li.add_progress(&by_li, NOW + 10_000).expect("Li's update");
    wang.add_progress(&by_wang, NOW + 11_000).expect("Wang's update");
    // The first update moves a planned project underway, on each phone.
    assert_eq!(li.store().project(road.id).expect("read").expect("held").record.state, ProjectState::Underway);

    // Back in signal, both sync (twice round, so each gets the other's).
    li.sync(&t, NOW + 20_000).await.expect("li syncs");
    wang.sync(&t, NOW + 21_000).await.expect("wang syncs");
    li.sync(&t, NOW + 22_000).await.expect("li syncs again");
    for phone in [&li, &wang] {
        let updates: Vec<ProgressId> =
            phone.store().progress_of(road.id).expect("progress").into_iter().map(|r| r.record.id).collect();
        let mut want = vec![by_li.id, by_wang.id];
        want.sort();
        let mut got = updates.clone();
        got.sort();
        assert_eq!(got, want, "both updates survive the merge");
        let p = phone.store().project(road.id).expect("read").expect("held");
        assert_eq!(p.record.state, ProjectState::Underway);
        assert!(p.conflicts.is_empty(), "the same state on both phones is no conflict: {:?}", p.conflicts);
    }
    assert_eq!(digest(&li), digest(&wang), "the same tables on both phones");

    // The county does not count a project underway.
    server.county_caught_up(demo::VILLAGE.0).await;
    let item = seven_one(&county, "2026-01-01", "2026-11-25", "practical_projects").await;
    assert_eq!(item["value"], "not_done", "{item}");

    // Wang closes it on the day of the acceptance check (验收); everyone syncs.
    let closed = wang
        .close_project(road.id, ProjectState::Done, today, "1.2公里硬化路面通过验收", wang_id, NOW + 30_000)
        .expect("close");
    assert_eq!(closed.closed_by, Some(wang_id));
    // Closing again keeps the first closing.
    let again =
        wang.close_project(road.id, ProjectState::Dropped, today, "again", li_id, NOW + 31_000).expect("close again");
    assert_eq!((again.state, again.closed_by), (ProjectState::Done, Some(wang_id)));
    wang.sync(&t, NOW + 40_000).await.expect("wang syncs");
    li.sync(&t, NOW + 41_000).await.expect("li syncs");
    let on_li = li.store().project(road.id).expect("read").expect("held").record;
    assert_eq!((on_li.state, on_li.result.as_str()), (ProjectState::Done, "1.2公里硬化路面通过验收"));
    assert_eq!(on_li.funding.total(), Some(175_000));

    // The county counts it for 办好一批民生实事, naming the project.
    server.county_caught_up(demo::VILLAGE.0).await;
    let item = seven_one(&county, "2026-01-01", "2026-11-25", "practical_projects").await;
    assert_eq!(item["value"], "done", "{item}");
    assert_eq!(item["counted"], serde_json::json!([road.id.to_string()]));
    assert!(item["note"].as_str().expect("note").contains("1 closed done"), "{item}");
    // Aid projects: none recorded, still 未录入.
    assert_eq!(seven_one(&county, "2026-01-01", "2026-11-25", "aid_projects").await["value"], "not_recorded");

    // Zhang records a committee meeting of today, and — offline, weeks late — the party lecture
    // the county party school gave on 20 October.
    let lecture = Meeting {
        id: MeetingId(Uuid::now_v7()),
        date: chrono::NaiveDate::from_ymd_opt(2026, 10, 20).expect("day"),
        kind: MeetingKind::PartyLecture,
        led_by: "县委党校 王老师".into(),
        attendance: Some(31),
        topics: "学习党的二十届四中全会精神".into(),
        decisions: String::new(),
        recorded_by: zhang_id,
        recorded_at: NOW + 50_000,
    };
    let committee = Meeting {
        id: MeetingId(Uuid::now_v7()),
        date: today,
        kind: MeetingKind::Committee,
        led_by: "村支书 陈刚".into(),
        attendance: None,
        topics: "通组路维护分工".into(),
        decisions: "三组负责日常清扫".into(),
        recorded_by: zhang_id,
        recorded_at: NOW + 51_000,
    };
    zhang.put_meeting(&committee, NOW + 51_000).expect("the committee meeting");
    zhang.put_meeting(&lecture, NOW + 52_000).expect("a late lecture is never refused");
    server.advance(3 * DAY);
    zhang.sync(&t, NOW + 3 * DAY).await.expect("zhang's records are accepted days later");
    li.sync(&t, NOW + 3 * DAY + 1_000).await.expect("li syncs");
    let lectures = li.store().meetings(None, None, Some(MeetingKind::PartyLecture)).expect("meetings");
    assert_eq!(lectures.iter().map(|r| r.record.id).collect::<Vec<_>>(), vec![lecture.id]);
    let all = li.store().meetings(None, None, None).expect("meetings");
    assert_eq!(all.iter().map(|r| r.record.id).collect::<Vec<_>>(), vec![committee.id, lecture.id], "latest first");

    // The lecture counts for October, where it was held; November has meetings but no lecture.
    let county = server.county_officer().await; // signed in again three days on
    server.county_caught_up(demo::VILLAGE.0).await;
    let october = seven_one(&county, "2026-10-01", "2026-10-31", "party_lecture").await;
    assert_eq!(october["value"], "done", "{october}");
    assert_eq!(october["counted"], serde_json::json!([lecture.id.to_string()]));
    assert!(october["note"].as_str().expect("note").contains("2026-10-20"), "{october}");
    let november = seven_one(&county, "2026-11-01", "2026-11-28", "party_lecture").await;
    assert_eq!(november["value"], "not_done", "{november}");
    let year = seven_one(&county, "2026-01-01", "2026-11-28", "party_lecture").await;
    assert_eq!(year["value"], "done");

    // The exports 项目台账 and 会议记录, CSV with Chinese headers.
    let village = demo::VILLAGE.0;
    let csv = |body: Vec<u8>| {
        let text = String::from_utf8(body).expect("utf-8");
        text.strip_prefix('\u{feff}').expect("a BOM for Excel").to_string()
    };
    let (status, body, _) = county
        .get(&format!("/county/api/export?dataset=projects&format=csv&village={village}&from=2026-01-01&to=2026-11-28"))
        .await;
    assert_eq!(status, 200);
    let text = csv(body);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("县,乡镇,村,项目名称,项目类型,状态,集体自筹(元),财政投入(元),党费补贴(元),城乡统筹(元),资金合计(元),受益户数,受益农户,开工日期,进展,办结日期,结果,关联承诺事项,其中待办,记录人,记录编号")
    );
    let row = lines.next().expect("the road");
    for cell in [
        "三组通组路硬化",
        "民生实事",
        "已完成",
        "20000",
        "150000",
        "5000",
        "175000",
        "路基平整完成",
        "水泥已运到三组",
        "1.2公里硬化路面通过验收",
    ] {
        assert!(row.contains(cell), "{cell} missing from {row}");
    }
    assert_eq!(lines.next(), None, "one project");
    let (status, body, _) = county
        .get(&format!("/county/api/export?dataset=meetings&format=csv&village={village}&from=2026-10-01&to=2026-10-31"))
        .await;
    assert_eq!(status, 200);
    let text = csv(body);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("县,乡镇,村,日期,类型,主持/主讲,参加人数,议题,决定事项,记录人,记录编号"));
    let row = lines.next().expect("the lecture");
    assert!(row.contains("2026-10-20") && row.contains("党课") && row.contains(",31,"), "{row}");
    assert_eq!(lines.next(), None, "October holds the lecture only");

    // The village page's ledger section (GET .../ledger): the same project and meetings, the
    // committee meeting's attendance unknown (null), never 0.
    let ledger = county.json(&format!("/county/api/village/{village}/ledger?from=2026-01-01&to=2026-11-28")).await;
    let projects = ledger["projects"].as_array().expect("projects");
    assert_eq!(projects.len(), 1, "{ledger}");
    assert_eq!(projects[0]["name"], "三组通组路硬化");
    assert_eq!(projects[0]["state"]["zh"], "已完成");
    assert_eq!(projects[0]["funding_total"], 175_000);
    assert_eq!(projects[0]["progress_count"], 2);
    assert_eq!(projects[0]["result"], "1.2公里硬化路面通过验收");
    let meetings: Vec<(&str, &serde_json::Value)> = ledger["meetings"]
        .as_array()
        .expect("meetings")
        .iter()
        .map(|m| (m["kind"]["code"].as_str().unwrap_or_default(), &m["attendance"]))
        .collect();
    assert_eq!(
        meetings,
        [("committee", &serde_json::Value::Null), ("party_lecture", &serde_json::json!(31))],
        "the latest first; not counted is null"
    );
    let october = county.json(&format!("/county/api/village/{village}/ledger?from=2026-10-01&to=2026-10-31")).await;
    assert_eq!(october["meetings"].as_array().map(Vec::len), Some(1), "October holds the lecture only");
    let (status, _, _) = county.get(&format!("/county/api/village/{}/ledger", Uuid::from_u128(0xbad))).await;
    assert_eq!(status, 404, "a village outside the county");

    // The county cannot type in what the records decide.
    let m = li_id;
    let (status, body) = county
        .put(
            &format!("/county/api/village/{}/member/{m}/year/2026", demo::VILLAGE.0),
            serde_json::json!({"seven_ones": {"party_lecture": true}}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"].as_str().expect("message").contains("computed from the records"), "{body}");
}

/// The village situation (村情) filled in on two phones while both are offline — Li the two
/// committees and the collective income, Wang the roads and water — keeps both halves after
/// the sync; a yearly plan item made on Li's phone is closed as missed on Wang's; the county's
/// village page shows the year's register beside last year's and how the plan stands.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_situation_filled_in_on_two_phones_keeps_both_halves_and_the_plan_reaches_the_county() {
    use taizhang_domain::{Cadre, Education, PlanId, PlanItem, PlanKind, PlanState, VillageSituation};
    let server = TestServer::start(20).await;
    let t = server.transport();
    let (li_id, wang_id) = (demo::member_id(0), demo::member_id(1));
    let mut li = server.device(0).await;
    let mut wang = server.device(1).await;
    for phone in [&mut li, &mut wang] {
        phone.sync(&t, NOW).await.expect("first sync");
    }
    let today = taizhang_domain::local_date(NOW);
    let year = chrono::Datelike::year(&today);

    // Last year's register, filled in late on Li's phone, reaches Wang before both go offline.
    let last =
        VillageSituation { collective_income_yuan: Some(52_000), ..VillageSituation::empty(year - 1, li_id, NOW) };
    li.put_situation(&last, NOW + 1_000).expect("last year's situation, entered late");
    li.sync(&t, NOW + 2_000).await.expect("li syncs");
    wang.sync(&t, NOW + 3_000).await.expect("wang syncs");

    // Offline, each fills in their half of this year's register.
    let by_li = VillageSituation {
        committee: vec![Cadre {
            name: "陈刚".into(),
            post: "村党支部书记".into(),
            birth_year: Some(1975),
            education: Some(Education::Senior),
        }],
        collective_income_yuan: Some(86_000),
        ..VillageSituation::empty(year, li_id, NOW + 10_000)
    };
    let by_wang = VillageSituation {
        roads: "三组通组路未硬化".into(),
        water: "集中供水全覆盖".into(),
        ..VillageSituation::empty(year, wang_id, NOW + 11_000)
    };
    li.put_situation(&by_li, NOW + 10_000).expect("Li's half");
    wang.put_situation(&by_wang, NOW + 11_000).expect("Wang's half");
    let goal = PlanItem {
        id: PlanId(Uuid::now_v7()),
        kind: PlanKind::Yearly,
        year,
        title: "新建茶叶加工厂".into(),
        target: "年加工干茶20吨".into(),
        due: Some(today),
        state: PlanState::Open,
        result: String::new(),
        closed_on: None,
        recorded_by: li_id,
        recorded_at: NOW + 12_000,
        attachments: Vec::new(),
    };
    li.put_plan_item(&goal, NOW + 12_000).expect("the plan item");

    // Back in signal: both halves survive, field by field.
    li.sync(&t, NOW + 20_000).await.expect("li syncs");
    wang.sync(&t, NOW + 21_000).await.expect("wang syncs");
    li.sync(&t, NOW + 22_000).await.expect("li syncs again");
    for phone in [&li, &wang] {
        let x = phone.store().situation(year).expect("read").expect("held").record;
        assert_eq!(x.committee, by_li.committee, "Li's committee kept");
        assert_eq!(x.collective_income_yuan, Some(86_000), "Li's income kept");
        assert_eq!((x.roads.as_str(), x.water.as_str()), ("三组通组路未硬化", "集中供水全覆盖"), "Wang's half kept");
    }
    assert_eq!(digest(&li), digest(&wang), "the same tables on both phones");

    // Wang closes the plan item as missed, with the reason; it reaches Li.
    let missed = PlanItem {
        state: PlanState::Missed,
        closed_on: Some(today),
        result: "用地审批未完成，顺延至明年".into(),
        ..wang.store().plan_item(goal.id).expect("read").expect("on Wang's phone").record
    };
    wang.put_plan_item(&missed, NOW + 30_000).expect("closed");
    wang.sync(&t, NOW + 31_000).await.expect("wang syncs");
    li.sync(&t, NOW + 32_000).await.expect("li syncs");
    assert_eq!(li.store().plan_item(goal.id).expect("read").expect("held").record, missed);

    // The county's village page: this year's register beside last year's, and the plan.
    let county = server.county_officer().await;
    server.county_caught_up(demo::VILLAGE.0).await;
    let v = county.json(&format!("/county/api/village/{}/ledger?from={year}-01-01&to={today}", demo::VILLAGE.0)).await;
    assert_eq!(v["year"], year);
    assert_eq!(v["situation"]["collective_income_yuan"], 86_000);
    assert_eq!(v["situation"]["roads"], "三组通组路未硬化");
    assert_eq!(v["situation"]["committee"][0]["education"]["zh"], "高中/中专");
    assert_eq!(v["situation"]["population"], serde_json::Value::Null, "not entered stays unknown, not 0");
    assert_eq!(v["situation_previous"]["collective_income_yuan"], 52_000);
    assert_eq!(v["plans"][0]["state"]["zh"], "未完成");
    assert_eq!(v["plan_progress"]["missed"], 1);
    assert_eq!(v["plan_progress"]["letter"], false);
}
