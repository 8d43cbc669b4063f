//! One month of a three-person team from the phones to the county's audit (issue 14), on the
//! backend the environment selects: October 2026 in 石门村, 李明 (first secretary), 王芳 and
//! 张伟 on three field apps (`taizhang_app_core::AppCore`, the app's own core) with the server's
//! clock. Every working day each checks in and writes the diary and the phones sync in the
//! evening; 王芳 forgets 14 October's diary and writes it on the 20th (补记); 张伟 takes sick
//! leave (病假) on 19–20 October, approved by 李明, is away without leave on the 27th and forgets
//! the diary on the 29th. On 2 November 王芳 and 张伟 submit October from the app (提交本月, with
//! the gaps it lists) and 李明 files the team's month and scores 王芳 and 张伟 in
//! the app; the township confirms 王芳's sheet, returns 张伟's with a reason, confirms the
//! correction, scores 李明 itself and proposes his yearly grade; the county audits all three
//! sheets (张伟's with an override and its reason) and sees the proposal in its grades. The test asserts the figures each view shows — the app's Team screen and month
//! scores, the township's page, the county's village page — and writes them as a markdown
//! table to `target/month-walkthrough.md` (and prints it).

use std::sync::atomic::Ordering;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate, Weekday};
use taizhang_app_core::contract::*;
use taizhang_app_core::AppCore;
use taizhang_doc::demo;
use taizhang_domain::Timestamp;
use taizhang_sync_server::admin;
use taizhang_sync_server::demo::{DEMO_COUNTY_STAFF, DEMO_TOWNSHIP_STAFF};
use taizhang_tests::*;

const PASSWORD: &str = "一个月从手机到县里-2026";

/// UTC milliseconds of `date` at `h`:00 in Asia/Shanghai.
fn at(date: NaiveDate, h: u32) -> Timestamp {
    date.and_hms_opt(h, 0, 0).expect("time").and_utc().timestamp_millis() - 8 * 3_600_000
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, d).expect("an October day")
}

fn working(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

async fn officer(server: &TestServer, account: uuid::Uuid, login: &str) -> WebSession {
    admin::set_password(server.store.as_ref(), account, PASSWORD, server.clock.load(Ordering::SeqCst))
        .await
        .expect("set password");
    WebSession::login(&server.url, login, PASSWORD).await.0
}

async fn sync(phone: &AppCore, who: &str) {
    let s = phone.sync_now().await.unwrap_or_else(|e| panic!("{who} syncs: {e:?}"));
    assert!(s.refused.is_empty(), "{who}: nothing refused, got {:?}", s.refused);
}

fn item(kind: ScoreItemKindCode, points: f64, reason: &str) -> ScoreItemEntry {
    ScoreItemEntry { kind, points, reason: reason.into() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_month_of_a_three_person_team_from_the_phones_to_the_county() {
    let server = TestServer::start(5).await;
    let clock = server.clock.clone();
    let set = |t: Timestamp| clock.store(t, Ordering::SeqCst);
    set(at(day(1), 8));
    let dir = tempfile::tempdir().expect("temp dir");
    let app_clock: taizhang_app_core::Clock = {
        let c = server.clock.clone();
        Arc::new(move || c.load(Ordering::SeqCst))
    };
    let mut phones = Vec::new();
    for i in 0..3 {
        let p = dir.path().join(format!("phone{i}.sqlite3"));
        let core = AppCore::open(p.clone(), p.with_extension("json"), None, app_clock.clone()).expect("open");
        core.join(JoinRequest { server_url: server.url.clone(), code: server.code(i).await }).await.expect("join");
        phones.push(core);
    }
    let (li, wang, zhang) = (&phones[0], &phones[1], &phones[2]);
    let names = ["李明", "王芳", "张伟"];
    let ids: Vec<String> = (0..3).map(|i| demo::member_id(i).to_string()).collect();

    // October, day by day.
    let (forgot_wang, sick, away, forgot_zhang) = (day(14), (day(19), day(20)), day(27), day(29));
    for d in 1..=31 {
        let date = day(d);
        if !working(date) {
            continue;
        }
        set(at(date, 8));
        if date == day(16) {
            let l = zhang
                .request_leave(LeaveInput {
                    from: sick.0.to_string(),
                    to: sick.1.to_string(),
                    reason: "感冒发烧就医".into(),
                    kind: LeaveKindCode::Sick,
                })
                .await
                .expect("张伟 asks for sick leave");
            assert_eq!(l.state, LeaveStateCode::Pending);
            sync(zhang, "张伟").await;
            sync(li, "李明").await;
            let decided =
                li.decide_leave(DecideLeaveRequest { id: l.id.clone(), approve: true }).await.expect("decide");
            assert_eq!((decided.state, decided.kind), (LeaveStateCode::Approved, LeaveKindCode::Sick));
            sync(li, "李明").await;
        }
        for (i, phone) in phones.iter().enumerate() {
            let on_leave = i == 2 && (sick.0..=sick.1).contains(&date);
            if on_leave || (i == 2 && date == away) {
                continue;
            }
            set(at(date, 9));
            phone.check_in(CheckInRequest { kind: CheckKindCode::In, location: None }).await.expect("check in");
            let forgot = (i == 1 && date == forgot_wang) || (i == 2 && date == forgot_zhang);
            if !forgot {
                set(at(date, 21));
                let text = format!("{}:走访农户,整理台账({})", names[i], date);
                phone
                    .write_diary(DiaryInput { date: None, text, amends: None, attachments: Vec::new() })
                    .await
                    .expect("diary");
            }
        }
        if date == day(20) {
            // 补记: 王芳 writes the forgotten 14 October, marked as written today.
            set(at(date, 21));
            let back = wang
                .write_diary(DiaryInput {
                    date: Some(forgot_wang.to_string()),
                    text: "补记:14日在3组调解土地纠纷,当晚忘记记录".into(),
                    amends: None,
                    attachments: Vec::new(),
                })
                .await
                .expect("补记");
            assert!(back.backfilled, "a 补记 is marked as such");
        }
        set(at(date, 22));
        for (i, phone) in phones.iter().enumerate() {
            sync(phone, names[i]).await;
        }
    }

    // 2 November: the month is over; the first secretary files the team's month and scores.
    // Monday 2 November: everyone checks in and syncs (a sync that pushes nothing does not move
    // a member's last sync on the server: Friday's would leave 30 October 未同步).
    set(at(NaiveDate::from_ymd_opt(2026, 11, 2).expect("day"), 9));
    for phone in &phones {
        phone.check_in(CheckInRequest { kind: CheckKindCode::In, location: None }).await.expect("check in");
        sync(phone, "morning").await;
    }
    // 王芳 and 张伟 submit October from their phones (提交本月) with the gaps the app lists;
    // 李明 files without submitting his own (a month is filed either way).
    set(at(NaiveDate::from_ymd_opt(2026, 11, 2).expect("day"), 9) + 30 * 60_000);
    let submit = |note: &str| SubmitMonthRequest { month: "2026-10".into(), note: Some(note.into()) };
    let hers = wang.submit_month(submit("")).await.expect("王芳 submits");
    let his = zhang.submit_month(submit("27日家中有急事未请假")).await.expect("张伟 submits");
    assert!(hers.submitted_gaps.is_empty(), "{hers:?}");
    assert_eq!(his.submitted_gaps, vec![away.to_string(), forgot_zhang.to_string()], "the gaps he was shown");
    sync(wang, "王芳").await;
    sync(zhang, "张伟").await;
    sync(li, "李明").await;
    let team = li.team(MonthQuery { month: Some("2026-10".into()) }).await.expect("team");
    let submitted: Vec<bool> = ids.iter().map(|id| team.members.iter().any(|m| &m.id == id && m.submitted)).collect();
    assert_eq!(submitted, vec![false, true, true], "李明 sees who submitted");
    set(at(NaiveDate::from_ymd_opt(2026, 11, 2).expect("day"), 10));
    let oct = MonthQuery { month: Some("2026-10".into()) };
    let mut gaps = Vec::new();
    let mut submissions = Vec::new();
    for id in &ids {
        let g = li
            .month_gaps(MonthGapsRequest { member_id: Some(id.clone()), month: "2026-10".into() })
            .await
            .expect("gaps");
        submissions.push((g.submitted_at.is_some(), g.submitted_gaps.len(), g.submission_note.clone()));
        gaps.push((g.diary_gaps.clone(), g.days_without_check_in.clone(), g.not_synced.clone()));
        assert!(g.can_file, "the first secretary files {id}'s month");
        li.file_month(FileMonthRequest { month: "2026-10".into(), member_id: Some(id.clone()) }).await.expect("file");
    }
    assert_eq!(gaps[0], (vec![], vec![], vec![]), "李明: no gap");
    assert_eq!(gaps[1], (vec![], vec![], vec![]), "王芳: the 补记 closed her gap");
    assert_eq!(gaps[2].0, vec![away.to_string(), forgot_zhang.to_string()], "张伟's diary gaps");
    assert_eq!(gaps[2].1, vec![away.to_string()], "张伟: one working day without a check-in or leave");
    assert!(gaps[2].2.is_empty(), "nothing unsynced");
    assert_eq!(
        submissions,
        vec![(false, 0, String::new()), (true, 0, String::new()), (true, 2, "27日家中有急事未请假".into())],
        "the first secretary's filing flow shows each submission"
    );

    let scores = li.month_scores(oct.clone()).await.expect("scores");
    let automatic: Vec<f64> = ids
        .iter()
        .map(|id| scores.sheets.iter().find(|s| &s.member_id == id).expect("sheet").automatic.points)
        .collect();
    // 张伟: −0.5 for the day away without leave, −0.5 × 2 diary gaps.
    assert_eq!(automatic, vec![10.0, 10.0, 8.5], "the records' automatic figures");
    let wang_sheet = li
        .save_score_sheet(SaveScoreSheetRequest {
            member_id: ids[1].clone(),
            month: "2026-10".into(),
            items: vec![
                item(ScoreItemKindCode::Bonus, 0.5, "协调修通3组组组路"),
                item(ScoreItemKindCode::Deduction, 1.0, "两次未按时报送民情台账"),
            ],
            note: "总体认真,报送要及时".into(),
        })
        .await
        .expect("王芳's sheet");
    assert_eq!(wang_sheet.points, 9.5);
    let zhang_sheet = li
        .save_score_sheet(SaveScoreSheetRequest {
            member_id: ids[2].clone(),
            month: "2026-10".into(),
            items: vec![item(ScoreItemKindCode::Deduction, 1.0, "走访记录不全")],
            note: String::new(),
        })
        .await
        .expect("张伟's sheet");
    assert_eq!(zhang_sheet.points, 7.5);
    sync(li, "李明").await;

    // The township: two sheets to check; 王芳's confirmed, 张伟's returned with a reason.
    let township = officer(&server, DEMO_TOWNSHIP_STAFF, "石门镇 赵敏").await;
    let county = officer(&server, DEMO_COUNTY_STAFF, "惠水县委组织部 孙强").await;
    let village = demo::VILLAGE.0;
    let (_, list) = township.get_json("/county/api/scores").await;
    assert_eq!(list["sheets"].as_array().expect("sheets").len(), 2, "{list}");
    let fs_row = &list["to_score"][0];
    assert_eq!((fs_row["member_name"].as_str(), fs_row["month"].as_str()), (Some("李明"), Some("2026-10")), "{list}");
    assert!(fs_row["sheet"].is_null(), "李明 not scored yet");
    let path = |i: usize, what: &str| format!("/county/api/village/{village}/score/{}/2026-10{what}", ids[i]);
    let (s, b) = township.post(&path(1, "/check"), serde_json::json!({"decision": "confirmed"})).await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = township
        .post(&path(2, "/check"), serde_json::json!({"decision": "returned", "note": "扣分请写明哪几户"}))
        .await;
    assert_eq!(s, 200, "{b}");
    // 李明 sees the return on his phone and corrects the sheet; the township confirms it.
    sync(li, "李明").await;
    let back = li.month_scores(oct.clone()).await.expect("scores");
    let returned = back.sheets.iter().find(|s| s.member_id == ids[2]).expect("张伟");
    assert_eq!((returned.state, returned.check_note.as_str()), (Some(ScoreStateCode::Returned), "扣分请写明哪几户"));
    let corrected = li
        .save_score_sheet(SaveScoreSheetRequest {
            member_id: ids[2].clone(),
            month: "2026-10".into(),
            items: vec![item(ScoreItemKindCode::Deduction, 0.5, "走访记录不全(5组刘家、罗家)")],
            note: String::new(),
        })
        .await
        .expect("corrected");
    assert_eq!(corrected.points, 8.0);
    sync(li, "李明").await;
    let (s, b) = township.post(&path(2, "/check"), serde_json::json!({"decision": "confirmed"})).await;
    assert_eq!(s, 200, "{b}");
    // The township scores the first secretary; the first secretary cannot.
    let own = li
        .save_score_sheet(SaveScoreSheetRequest {
            member_id: ids[0].clone(),
            month: "2026-10".into(),
            items: vec![item(ScoreItemKindCode::Bonus, 1.0, "自评")],
            note: String::new(),
        })
        .await;
    assert!(own.is_err(), "nobody scores their own month");
    let (s, b) = township
        .post(
            &path(0, ""),
            serde_json::json!({"items": [
                {"kind": "Bonus", "points": 0.5, "reason": "争取到县交通局道路硬化项目"},
                {"kind": "Deduction", "points": 1.0, "reason": "月度工作小结迟报"}
            ], "note": "乡镇评第一书记"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = township.post(&path(1, ""), serde_json::json!({"items": []})).await;
    assert_eq!(s, 400, "the township scores the first secretary only: {b}");

    // The county audits the three confirmed sheets, 张伟's with an override and its reason.
    let (_, list) = county.get_json("/county/api/scores").await;
    assert_eq!(list["sheets"].as_array().expect("sheets").len(), 3, "{list}");
    for i in [0, 1] {
        let (s, b) = county.post(&path(i, "/audit"), serde_json::json!({})).await;
        assert_eq!(s, 200, "{b}");
    }
    let (s, b) = county
        .post(&path(2, "/audit"), serde_json::json!({"points": 8.5, "note": "27日因村里急事外出,核实后少扣0.5分"}))
        .await;
    assert_eq!(s, 200, "{b}");

    // The township proposes 李明's yearly grade; the county's grades carry it as their input.
    let propose = format!("/county/api/village/{village}/member/{}/proposal/2026", ids[0]);
    let body = serde_json::json!({"grade": "competent", "note": "驻村扎实,道路项目落地"});
    let (s, b) = county.put(&propose, body.clone()).await;
    assert_eq!(s, 403, "the township proposes, the county confirms: {b}");
    let (s, b) = township.put(&propose, body).await;
    assert_eq!(s, 200, "{b}");
    let (s, grades) = county.get_json("/county/api/grades?year=2026").await;
    assert_eq!(s, 200, "{grades}");
    let li_line = grades["lines"].as_array().expect("lines").iter().find(|l| l["member"] == ids[0].as_str()).cloned();
    let proposal = li_line.expect("李明's grade line")["proposal"].clone();
    assert_eq!(
        (proposal["grade"].as_str(), proposal["proposed_by_name"].as_str()),
        (Some("competent"), Some("石门镇 赵敏"))
    );

    // What each view shows.
    for phone in &phones {
        sync(phone, "after the audit").await;
    }
    let team = li.team(oct.clone()).await.expect("team");
    let app_scores = li.month_scores(oct.clone()).await.expect("scores");
    let (_, page) = county.get_json(&format!("/county/api/village/{village}?from=2026-10-01&to=2026-10-31")).await;
    let (_, tw_page) = township.get_json(&format!("/county/api/village/{village}?from=2026-10-01&to=2026-10-31")).await;
    let mut rows = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let summary = team.members.iter().find(|m| &m.id == id).expect("team member");
        let own_view = phones[i].month_scores(oct.clone()).await.expect("own scores");
        let own_sheet = own_view.sheets.iter().find(|s| &s.member_id == id).expect("own sheet");
        let fs_sheet = app_scores.sheets.iter().find(|s| &s.member_id == id).expect("sheet");
        let line = |p: &serde_json::Value| {
            let m = p["members"].as_array().expect("members").iter().find(|m| m["id"] == id.as_str()).cloned();
            let m = m.expect("member line");
            let oct = m["months"].as_array().expect("months").iter().find(|x| x["month"] == "2026-10").cloned();
            oct.expect("October")
        };
        let (c, t) = (line(&page), line(&tw_page));
        let county_points = c["score"]["value"].as_f64().expect("points");
        assert_eq!(own_sheet.points, county_points, "{}: the phone shows the county's figure", names[i]);
        assert_eq!(fs_sheet.points, county_points);
        assert_eq!(t["score"]["value"].as_f64(), Some(county_points), "the township sees the same");
        assert_eq!(c["sheet"]["state"], "audited");
        assert_eq!(c["provisional"], false, "{c}");
        assert!(summary.month_filed);
        rows.push((
            names[i],
            summary.days_this_month,
            c["diary_days"].as_u64().unwrap_or_default(),
            c["diary_gaps"].as_u64().unwrap_or_default(),
            c["absent_without_leave"].as_array().map_or(0, Vec::len),
            automatic[i],
            fs_sheet.items.iter().map(|x| format!("{:?} {} {}", x.kind, x.points, x.reason)).collect::<Vec<_>>(),
            c["sheet"]["scored_by_name"].as_str().unwrap_or_default().to_string(),
            c["sheet"]["checked_by_name"].as_str().unwrap_or_default().to_string(),
            c["sheet"]["audit_points"].as_f64(),
            county_points,
            c["allowance_cut"]["value"].as_bool().unwrap_or_default(),
        ));
    }
    assert_eq!(rows[0].7, "石门镇 赵敏", "the township scored the first secretary");
    let figures: Vec<(u32, f64)> = rows.iter().map(|r| (r.1, r.10)).collect();
    // Working days of October 2026: 22. 张伟: 22 − 2 sick − 1 away = 19 days in the village.
    assert_eq!(figures, vec![(22, 9.5), (22, 9.5), (19, 8.5)], "days in the village and the month's points");

    let mut md = String::from(
        "# 一个月的台账:石门村 2026年10月 (month walk-through, tests/tests/month_walkthrough.rs)\n\n\
         | 成员 member | 在村天数 days in village (app Team) | 日记天数 diary days | 缺记 diary gaps | 无故缺勤 absent w/o leave | 记录自动分 automatic | 评分项 sheet items | 评分人 scored by | 镇级把关 checked by | 县审核调整 county override | 月度分 points (app = township = county) | 扣补贴 allowance cut |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in &rows {
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.0,
            r.1,
            r.2,
            r.3,
            r.4,
            r.5,
            r.6.join("; "),
            r.7,
            r.8,
            r.9.map_or("—".to_string(), |p| p.to_string()),
            r.10,
            if r.11 { "是" } else { "否" }
        ));
    }
    md.push_str(
        "\n王芳's 14 October diary was written on the 20th (补记); 张伟's sick leave (病假) 19–20 October was \
         approved by 李明 in the app; on 2 November 王芳 and 张伟 submitted October from their phones (提交本月: \
         王芳 with no gap, 张伟 with 27 and 29 October and a note), 李明 did not, and filed all three; the township returned 张伟's first sheet (−1, \"扣分请写明哪几户\") and \
         confirmed the correction (−0.5); the township scored 李明; the county audited all three, 张伟's set to \
         8.5 with its reason.\n",
    );
    println!("{md}");
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    std::fs::create_dir_all(&out).expect("target dir");
    std::fs::write(out.join("month-walkthrough.md"), &md).expect("write the walk-through");
}
