//! 提交本月 and the team's reports on the device (issue 14): a member submits their own ended
//! month offline with the gaps the app lists, the first secretary writes the year's commitment
//! (年承诺) offline; after a sync through a real server on port 0 the first secretary's Team
//! screen shows who submitted, and the member's month shows its submission; the research report
//! (调研报告) may be written any day of its year.

use taizhang_app_core::contract::*;
use taizhang_doc::demo;

mod common;
use common::{Server, TwoPhones};

#[tokio::test]
async fn a_member_submits_last_month_and_the_first_secretary_files_the_commitment() {
    let TwoPhones { dir: _dir, store: server_store, server, addr, a, b, today, this_month, last_month } =
        TwoPhones::join().await;
    let wang = demo::member_id(1).to_string();

    // Offline: 王芳's last month lists its gaps and may be submitted; this month may not.
    server.stop().await;
    let before = b.diary(MonthQuery { month: Some(last_month.to_string()) }).await.expect("diary");
    assert!(before.filing.can_submit && before.filing.submitted_at.is_none(), "{:?}", before.filing);
    assert!(!b.diary(MonthQuery { month: None }).await.expect("diary").filing.can_submit);
    let req = SubmitMonthRequest { month: last_month.to_string(), note: Some("有两天在县里开会".into()) };
    let got = b.submit_month(req).await.expect("submit");
    assert!(got.submitted_at.is_some());
    assert_eq!(got.submitted_gaps, before.filing.diary_gaps, "the gaps listed are the gaps submitted");
    assert_eq!(got.submission_note, "有两天在县里开会");
    assert!(b.submit_month(SubmitMonthRequest { month: this_month.to_string(), note: None }).await.is_err());
    // A member writes no report; the first secretary writes the year's commitment.
    let commitment = format!("{}-commitment", today.format("%Y"));
    let text = "年承诺：驻村不少于 200 天，走访全部脱贫户。".to_string();
    assert!(b.save_report(SaveReportRequest { period: commitment.clone(), text: text.clone() }).await.is_err());
    let item =
        a.save_report(SaveReportRequest { period: commitment.clone(), text: text.clone() }).await.expect("commit");
    assert_eq!((item.state, item.text.as_deref()), (ReportStateCode::Filed, Some(text.as_str())));
    assert!(a.save_report(SaveReportRequest { period: commitment.clone(), text: " ".into() }).await.is_err());

    // Back online: both sync; the first secretary sees 王芳's submission, and the commitment.
    let server = Server::start(server_store.clone(), &addr).await;
    assert!(b.sync_now().await.expect("sync B").refused.is_empty());
    assert!(a.sync_now().await.expect("sync A").refused.is_empty());
    let team = a.team(MonthQuery { month: Some(last_month.to_string()) }).await.expect("team");
    let hers = team.members.iter().find(|m| m.id == wang).expect("王芳");
    assert!(hers.submitted, "{:?}", team.members);
    assert!(team.members.iter().filter(|m| m.id != wang).all(|m| !m.submitted));
    let gaps = a
        .month_gaps(MonthGapsRequest { member_id: Some(wang.clone()), month: last_month.to_string() })
        .await
        .expect("gaps");
    assert_eq!(gaps.submission_note, "有两天在县里开会");
    assert!(!gaps.can_submit, "nobody submits a colleague's month");
    // The reports shown are those of the shown month's year: this month's, for the commitment.
    let team = a.team(MonthQuery { month: None }).await.expect("team");
    assert!(team.can_write_reports);
    let filed = team.reports.iter().find(|r| r.period == commitment).expect("the commitment");
    assert_eq!((filed.state, filed.written_by.as_deref()), (ReportStateCode::Filed, Some("李明")));
    // The research report (调研报告, issue 22) may be written any day of its year, long before
    // it is due; the yearly report (述职) from December. Written, it is filed.
    let year = today.format("%Y").to_string();
    let research = team.reports.iter().find(|r| r.period == format!("{year}-research")).expect("research report");
    assert_eq!((research.quarter, research.state, research.writable), (6, ReportStateCode::NotYet, true));
    let yearly = team.reports.iter().find(|r| r.period == format!("{year}-year")).expect("yearly report");
    assert_eq!(yearly.writable, chrono::Datelike::month(&today) == 12, "the yearly report opens in December");
    let req =
        SaveReportRequest { period: research.period.clone(), text: "关于三组茶叶加工的调研报告".into() };
    assert_eq!(a.save_report(req).await.expect("research report").state, ReportStateCode::Filed);
    server.stop().await;
}
