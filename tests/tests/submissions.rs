//! Members submit their own month from the phone (提交本月, issue 14) and the first secretary
//! files the team's quarterly reports (季报告) and yearly commitment (年承诺), over HTTP on
//! every backend: a submission arriving weeks after the filing window closed is accepted; a
//! member cannot submit a colleague's month nor write a report; the township's months to file
//! say who submitted (with the gaps they were shown) and who has not; its reports list says
//! per village which reports are filed (with their text), missing, or not due yet.

use chrono::NaiveDate;
use taizhang_domain::{MemberId, MonthSubmission, ReportPeriod, TeamReport, YearMonth};
use taizhang_sync_server::admin;
use taizhang_sync_server::demo::DEMO_TOWNSHIP_STAFF;
use taizhang_tests::*;

const PASSWORD: &str = "乡镇看季报-2026";
const OCTOBER: YearMonth = YearMonth { year: 2026, month: 10 };

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_submit_their_months_and_the_first_secretary_files_reports_to_the_township() {
    let server = TestServer::start(5).await;
    let transport = server.transport();
    let mut secretary = server.device(FIRST_SECRETARY).await;
    let mut wang = server.device(1).await;
    let (li_id, wang_id, zhang_id) = (MemberId(account(0).id), MemberId(account(1).id), MemberId(account(2).id));
    secretary.sync(&transport, NOW).await.expect("first sync: the registry");
    wang.sync(&transport, NOW).await.expect("first sync: the registry");

    // 王芳 submits October on 25 November, well after the window (5 November): accepted.
    let submission = MonthSubmission {
        member: wang_id,
        month: OCTOBER,
        gaps: vec![day("2026-10-09"), day("2026-10-23")],
        note: "9日在县里开会".into(),
        submitted_at: NOW,
    };
    wang.submit_month(&submission, NOW).expect("submit October");
    // Not a month that has not ended, and never a colleague's (the phone decides like the server).
    let november = MonthSubmission { month: YearMonth { year: 2026, month: 11 }, gaps: vec![], ..submission.clone() };
    assert!(wang.submit_month(&november, NOW).is_err(), "November has not ended");
    let colleagues = MonthSubmission { member: zhang_id, ..submission.clone() };
    let e = wang.submit_month(&colleagues, NOW).expect_err("a colleague's month");
    assert!(e.to_string().contains("submits their month"), "{e}");
    // Nor does a member write the team's report.
    let q3 = TeamReport {
        period: ReportPeriod::Quarter { year: 2026, quarter: 3 },
        text: "第三季度：走访全村 42 户，协调修通组组路 1.2 公里。".into(),
        written_by: wang_id,
        written_at: NOW,
    };
    assert!(wang.put_report(&q3, NOW).is_err(), "only the first secretary writes reports");
    let report = wang.sync(&transport, NOW).await.expect("sync");
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);

    // The first secretary writes the commitment and the third quarter's report, offline, and
    // submits their own October; a fourth-quarter report waits for the quarter to end.
    let commitment = TeamReport {
        period: ReportPeriod::Commitment { year: 2026 },
        text: "年承诺：全年驻村不少于 200 天，走访全部脱贫户。".into(),
        written_by: li_id,
        written_at: NOW - 86_400_000,
    };
    secretary.put_report(&commitment, NOW).expect("commitment");
    secretary.put_report(&TeamReport { written_by: li_id, ..q3.clone() }, NOW).expect("Q3 report");
    let q4 = TeamReport { period: ReportPeriod::Quarter { year: 2026, quarter: 4 }, written_by: li_id, ..q3.clone() };
    assert!(secretary.put_report(&q4, NOW).is_err(), "the fourth quarter has not ended");
    secretary
        .submit_month(&MonthSubmission { member: li_id, gaps: vec![], note: String::new(), ..submission.clone() }, NOW)
        .expect("the first secretary submits their own month");
    let report = secretary.sync(&transport, NOW).await.expect("sync");
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    // The phones read them back from the team document.
    assert_eq!(secretary.reports(2026).expect("reports").len(), 2);
    wang.sync(&transport, NOW).await.expect("sync");
    let subs = wang.submissions(2026).expect("submissions");
    assert_eq!(subs.len(), 2, "{subs:?}");

    // The township: who submitted October and who has not.
    admin::set_password(server.store.as_ref(), DEMO_TOWNSHIP_STAFF, PASSWORD, NOW).await.expect("password");
    let (township, _) = WebSession::login(&server.url, "石门镇 赵敏", PASSWORD).await;
    let (status, list) = township.get_json("/county/api/filing").await;
    assert_eq!(status, 200, "{list}");
    let october = |who: MemberId| {
        list["months"]
            .as_array()
            .expect("months")
            .iter()
            .find(|m| m["member"] == who.to_string() && m["month"] == "2026-10")
            .cloned()
            .unwrap_or_else(|| panic!("October of {who} in {list}"))
    };
    let w = october(wang_id);
    assert_eq!(w["submitted_at"], NOW, "{w}");
    assert_eq!(w["submitted_gaps"], serde_json::json!(["2026-10-09", "2026-10-23"]));
    assert_eq!(w["submission_note"], "9日在县里开会");
    assert_eq!(w["state"], "late", "still to file, after the window");
    assert_eq!(october(li_id)["submitted_at"], NOW);
    assert!(october(zhang_id)["submitted_at"].is_null(), "张伟 has not submitted");

    // The reports of 2026 as of 25 November: the commitment and Q3 filed (with their text),
    // Q1 and Q2 missing, Q4, the yearly written report (述职) and the research report (调研报告,
    // issue 22) not due yet.
    let (status, reports) = township.get_json("/county/api/reports?year=2026").await;
    assert_eq!(status, 200, "{reports}");
    let slots = reports["villages"][0]["reports"].as_array().expect("reports");
    let states: Vec<(&str, &str)> =
        slots.iter().map(|s| (s["period"].as_str().unwrap_or(""), s["state"].as_str().unwrap_or(""))).collect();
    assert_eq!(
        states,
        vec![
            ("2026-commitment", "filed"),
            ("2026-Q1", "missing"),
            ("2026-Q2", "missing"),
            ("2026-Q3", "filed"),
            ("2026-Q4", "not_yet"),
            ("2026-year", "not_yet"),
            ("2026-research", "not_yet"),
        ],
        "{reports}"
    );
    assert_eq!(slots[6]["label_zh"], "2026年调研报告");
    assert_eq!(slots[3]["text"], q3.text.as_str());
    assert_eq!(slots[3]["written_by_name"], "李明");
    assert_eq!(slots[0]["label_zh"], "2026年度承诺");
    assert_eq!(slots[3]["label_zh"], "2026年第三季度报告");
    let (status, _) = township.get_json("/county/api/reports?year=1999").await;
    assert_eq!(status, 400);
}
