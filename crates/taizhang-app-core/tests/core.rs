//! The app's commands without a window: joining, Today's figures, households, visits, the
//! diary and its filing, the team calendar and leave, and sync against a real server on port 0
//! — including a failed sync that loses nothing and the background sync.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use taizhang_app_core::contract::*;
use taizhang_app_core::{AppCore, AutoSync, Clock};
use taizhang_client::Ledger;
use taizhang_doc::demo;
use taizhang_server_sqlite::SqliteStore;
use taizhang_sync_server::seed_demo_village;

mod common;
use common::Server;

/// 2026-11-25 00:00 in Shanghai.
const DAY0: i64 = 1_795_536_000_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

struct TestClock(Arc<AtomicI64>);

impl TestClock {
    fn new(at: i64) -> (Self, Clock) {
        let t = Arc::new(AtomicI64::new(at));
        let c = t.clone();
        (Self(t), Arc::new(move || c.load(Ordering::SeqCst)))
    }
    fn set(&self, at: i64) {
        self.0.store(at, Ordering::SeqCst);
    }
}

/// A store of demo member `member` that already holds the demo registry with `households`.
fn seeded_store(dir: &Path, member: usize, households: usize) -> PathBuf {
    let path = dir.join(format!("m{member}.sqlite3"));
    let mut l = Ledger::create(&path, demo::VILLAGE, Some(demo::member_id(member)), [member as u8 + 1; 16])
        .expect("create ledger");
    l.put_village(&demo::village(), 0).expect("village");
    // The device decides like the server once it knows its member's role: the others first,
    // then this member (a team member may not add members to the registry).
    let (mine, others): (Vec<_>, Vec<_>) = demo::members().into_iter().partition(|m| m.id == demo::member_id(member));
    for m in others.into_iter().chain(mine) {
        l.put_member(&m, 0).expect("member");
    }
    for h in demo::households(households) {
        l.put_household(&h, 0).expect("household");
    }
    path
}

fn open(path: &Path, clock: Clock) -> AppCore {
    AppCore::open(path.to_path_buf(), path.with_extension("settings.json"), Some("http://127.0.0.1:9"), clock)
        .expect("open the app core")
}

fn code<T: std::fmt::Debug>(r: Result<T, taizhang_app_core::AppError>) -> ErrorCode {
    r.expect_err("expected an error").code()
}

/// Fresh one-time enrollment codes of the demo accounts (0 = 李明, 1 = 王芳, 2 = 张伟).
async fn demo_codes(store: &SqliteStore) -> Vec<String> {
    let now = chrono::Utc::now().timestamp_millis();
    taizhang_sync_server::demo::demo_codes(store, now)
        .await
        .expect("codes")
        .into_iter()
        .map(|(_, c)| c.display())
        .collect()
}

#[tokio::test]
async fn joining_takes_a_one_time_code_from_the_server() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server_store = SqliteStore::open_in_memory().expect("server store");
    seed_demo_village(&server_store, 5, chrono::Utc::now().timestamp_millis()).await.expect("seed");
    let codes = demo_codes(&server_store).await;
    let server = Server::start(server_store.clone(), "127.0.0.1:0").await;

    let store = dir.path().join("sub/dir/me.sqlite3");
    let (_t, clock) = TestClock::new(DAY0 + 10 * HOUR);
    let core = open(&store, clock);
    assert!(!core.setup_status().await.expect("status").joined);
    assert_eq!(code(core.today().await), ErrorCode::NotJoined);
    let bad_url = JoinRequest { server_url: "127.0.0.1:9".into(), code: codes[1].clone() };
    assert_eq!(code(core.join(bad_url).await), ErrorCode::BadServerUrl);
    // Joining needs the server once; without it nothing is created and the code stays good.
    let offline = JoinRequest { server_url: "http://127.0.0.1:9/".into(), code: codes[1].clone() };
    assert_eq!(code(core.join(offline).await), ErrorCode::ServerUnreachable);
    assert!(!core.setup_status().await.expect("status").joined);
    let bad = JoinRequest { server_url: server.url.clone(), code: "ABCD-EFGH-JKMN-PQRS".into() };
    assert_eq!(code(core.join(bad).await), ErrorCode::BadJoinCode);
    let garbage = JoinRequest { server_url: server.url.clone(), code: "123456".into() };
    assert_eq!(code(core.join(garbage).await), ErrorCode::BadJoinCode);

    let r = core
        .join(JoinRequest { server_url: format!("{}/", server.url), code: codes[1].clone() })
        .await
        .expect("joined with 王芳's code");
    assert!(r.setup.joined);
    assert_eq!(r.setup.member.as_ref().map(|m| m.id.clone()), Some(demo::member_id(1).to_string()));
    assert_eq!(r.setup.settings.server_url, server.url);
    assert!(r.sync_error.is_none(), "{:?}", r.sync_error);
    let again = JoinRequest { server_url: server.url.clone(), code: codes[2].clone() };
    assert_eq!(code(core.join(again).await), ErrorCode::AlreadyJoined);

    // A used code is refused on another device.
    let other = dir.path().join("other.sqlite3");
    let (_t, clock) = TestClock::new(DAY0 + 10 * HOUR);
    let other = open(&other, clock);
    let reused = JoinRequest { server_url: server.url.clone(), code: codes[1].clone() };
    assert_eq!(code(other.join(reused).await), ErrorCode::BadJoinCode);

    // A restart finds the device joined, with its settings.
    drop(core);
    let url = server.url.clone();
    server.stop().await;
    let (_t, clock) = TestClock::new(DAY0 + 11 * HOUR);
    let core = AppCore::open(store.clone(), store.with_extension("settings.json"), None, clock).expect("reopen");
    let s = core.setup_status().await.expect("status");
    assert!(s.joined);
    assert_eq!(s.settings.server_url, url);
}

#[tokio::test]
async fn today_counts_days_in_the_village_against_the_yearly_rule() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = seeded_store(dir.path(), 1, 5);
    let (t, clock) = TestClock::new(DAY0 - 2 * DAY + 9 * HOUR); // 2026-11-23 09:00
    let core = open(&path, clock);
    let inside = Location { lat: 26.1290, lon: 106.6575, accuracy_m: Some(20.0) };
    let far = Location { lat: 27.0, lon: 107.5, accuracy_m: Some(20.0) };
    let c = core.check_in(CheckInRequest { kind: CheckKindCode::In, location: Some(inside) }).await.expect("in");
    assert_eq!(c.in_geofence, Some(true));
    t.set(DAY0 + 8 * HOUR); // 2026-11-25 08:00
    let c = core.check_in(CheckInRequest { kind: CheckKindCode::In, location: Some(far) }).await.expect("in");
    assert_eq!(c.in_geofence, Some(false), "outside the fence is recorded, never refused");
    t.set(DAY0 + 9 * HOUR);
    let c = core.check_in(CheckInRequest { kind: CheckKindCode::In, location: None }).await.expect("in");
    assert_eq!(c.in_geofence, None);
    t.set(DAY0 + 10 * HOUR);
    let v = core.today().await.expect("today");
    assert_eq!(v.date, "2026-11-25");
    assert_eq!(v.checks.len(), 2);
    assert!(v.in_village_now);
    assert_eq!((v.days_this_month, v.days_this_year), (2, 2));
    // 1 Jan .. 25 Nov 2026 is 329 judged days: ceil(200 * 329 / 365) = 181.
    assert_eq!((v.required_so_far, v.yearly_target), (181, 200));
    assert!(!v.on_track);
    assert_eq!(v.diary_today, DiaryStatus::Missing);
    assert_eq!(v.member.name, "王芳");
    // The registry this test seeded locally and the month's three check-ins wait to be sent:
    // one count, in changes, the same on Today and on the Sync screen (issue 16).
    let status = core.sync_status().await.expect("status");
    assert_eq!(status.pending_docs.len(), 2);
    assert!(v.pending_changes >= 3, "{}", v.pending_changes);
    assert_eq!(v.pending_changes, status.pending_changes);

    core.check_in(CheckInRequest { kind: CheckKindCode::Out, location: None }).await.expect("out");
    core.write_diary(DiaryInput { date: None, text: "走访三户".into(), amends: None, attachments: Vec::new() })
        .await
        .expect("diary");
    let v = core.today().await.expect("today");
    assert!(!v.in_village_now);
    assert_eq!(v.days_this_month, 2, "a check-out removes no day");
    assert_eq!(v.diary_today, DiaryStatus::Written);
}

#[tokio::test]
async fn households_search_filter_add_edit_and_visit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = seeded_store(dir.path(), 2, 40);
    let (_t, clock) = TestClock::new(DAY0 + 10 * HOUR);
    let core = open(&path, clock);
    let all = core.households(HouseholdFilter::default()).await.expect("list");
    assert_eq!((all.items.len(), all.total), (40, 40));
    assert_eq!(all.groups.first().map(String::as_str), Some("1组"));
    assert_eq!(all.groups.len(), 8);
    let wang =
        core.households(HouseholdFilter { text: Some("王".into()), ..Default::default() }).await.expect("search");
    let expected = demo::households(40).iter().filter(|h| h.head.contains('王')).count();
    assert_eq!(wang.items.len(), expected);
    assert!(wang.items.iter().all(|h| h.head.contains('王')));
    assert_eq!(wang.total, 40);
    assert_eq!(wang.groups.len(), 8, "the group filter always offers every group");
    let g3 = core.households(HouseholdFilter { group: Some("3组".into()), ..Default::default() }).await.expect("group");
    assert!(!g3.items.is_empty() && g3.items.iter().all(|h| h.group == "3组"));
    let lifted = core
        .households(HouseholdFilter { status: Some(HouseholdStatusCode::LiftedOut), ..Default::default() })
        .await
        .expect("status");
    assert!(!lifted.items.is_empty() && lifted.items.iter().all(|h| h.status == HouseholdStatusCode::LiftedOut));

    // Add, then edit.
    let new = HouseholdInput {
        id: None,
        head: "  罗永安 ".into(),
        members_count: 4,
        group: "9组".into(),
        grid: "网格5".into(),
        status: HouseholdStatusCode::Monitored,
        causes: vec!["illness".into(), "缺水".into()],
        helper_id: Some(demo::member_id(2).to_string()),
        plan: "养殖".into(),
        income_yuan: Some(8000),
        details: None,
        attachments: Vec::new(),
    };
    let d = core.save_household(new.clone()).await.expect("added");
    assert_eq!(d.household.head, "罗永安");
    assert_eq!(d.household.causes, vec!["illness".to_string(), "lack_of_water".to_string()]);
    assert_eq!(d.helper_name.as_deref(), Some("张伟"));
    let id = d.household.id.clone().expect("id");
    let mut edit = d.household.clone();
    edit.members_count = 5;
    let d = core.save_household(edit).await.expect("edited");
    assert_eq!(d.household.members_count, 5);
    assert_eq!(core.households(HouseholdFilter::default()).await.expect("list").total, 41);
    let bad = HouseholdInput { head: " ".into(), ..new.clone() };
    let e = core.save_household(bad).await.expect_err("empty head");
    assert_eq!((e.code(), e.to_command_error().field.as_deref()), (ErrorCode::InvalidInput, Some("head")));
    let bad = HouseholdInput { causes: vec!["懒".into()], ..new.clone() };
    assert_eq!(code(core.save_household(bad).await), ErrorCode::InvalidInput);
    let ghost = HouseholdInput { id: Some(uuid::Uuid::now_v7().to_string()), ..new };
    assert_eq!(code(core.save_household(ghost).await), ErrorCode::NotFound);

    // A visit shows in the household's history and in the list.
    let visit = VisitInput {
        household_id: id.clone(),
        findings: "老人慢性病，需要签约医生".into(),
        needs: "医保报销".into(),
        follow_up: "联系卫生院".into(),
        location: Some(Location { lat: 26.1286, lon: 106.6570, accuracy_m: None }),
        promise_due: None,
        at: None,
        amends: None,
        close: Vec::new(),
        attachments: Vec::new(),
    };
    let v = core.record_visit(visit.clone()).await.expect("visit");
    assert_eq!((v.household_head.as_str(), v.member_name.as_str()), ("罗永安", "张伟"));
    let d = core.household(id.clone()).await.expect("detail");
    assert_eq!(d.visits.len(), 1);
    assert!(d.visits[0].has_location);
    let row = core
        .households(HouseholdFilter { text: Some("罗永安".into()), ..Default::default() })
        .await
        .expect("list")
        .items
        .remove(0);
    assert_eq!((row.visit_count, row.last_visit_at), (1, Some(v.at)));
    let empty = VisitInput { findings: "  ".into(), ..visit.clone() };
    let e = core.record_visit(empty).await.expect_err("no findings");
    assert_eq!(e.to_command_error().field.as_deref(), Some("findings"));
    let nowhere = VisitInput { household_id: uuid::Uuid::now_v7().to_string(), ..visit };
    let e = core.record_visit(nowhere).await.expect_err("unknown household");
    assert_eq!(e.to_command_error().field.as_deref(), Some("householdId"));
    assert_eq!(code(core.household("not-an-id".into()).await), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn a_month_is_filed_after_it_ends_with_its_gaps_then_takes_amendments_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (t, clock) = TestClock::new(DAY0 - DAY + 20 * HOUR); // 2026-11-24 20:00
    let secretary = open(&seeded_store(dir.path(), 0, 3), clock.clone());
    let first = secretary
        .write_diary(DiaryInput {
            date: None, text: "召开村两委会".into(), amends: None, attachments: Vec::new()
        })
        .await
        .expect("entry");
    assert!(!first.backfilled);
    t.set(DAY0 + 21 * HOUR); // 2026-11-25 21:00
    let view = secretary.diary(MonthQuery::default()).await.expect("diary");
    assert_eq!((view.month.as_str(), view.days_written, view.filed, view.can_file), ("2026-11", 1, false, false));
    assert_eq!(view.filing.window, FilingWindowCode::NotYet, "the current month is not filed");
    assert_eq!(view.filing.opens, "2026-12-01");
    assert_eq!(view.earliest_date, "2026-10-01", "October is not filed: 补记 reaches back to it");
    assert!(view.today_entry.is_none(), "yesterday's entry is not today's");
    let today = secretary
        .write_diary(DiaryInput { date: None, text: "走访五户".into(), amends: None, attachments: Vec::new() })
        .await;
    let today = today.expect("today");
    // Saving again on the same day corrects that entry: one record, first written time kept.
    let again = secretary
        .write_diary(DiaryInput { date: None, text: "走访六户".into(), amends: None, attachments: Vec::new() })
        .await;
    let again = again.expect("corrected");
    assert_eq!((again.id.as_str(), again.written_at), (today.id.as_str(), today.written_at));
    let view = secretary.diary(MonthQuery { month: Some("2026-11".into()) }).await.expect("diary");
    assert_eq!(view.today_entry.map(|e| e.text), Some("走访六户".into()));
    assert_eq!(view.entries.len(), 2);
    let not_yet = secretary.file_month(FileMonthRequest { month: "2026-11".into(), member_id: None }).await;
    assert_eq!(code(not_yet), ErrorCode::MonthNotOver);

    // 2 December: November has ended. A forgotten day is back-filled (补记), then filed.
    t.set(DAY0 + 7 * DAY + 9 * HOUR);
    let back = DiaryInput {
        date: Some("2026-11-30".into()),
        text: "补记：整理帮扶台账".into(),
        amends: None,
        attachments: Vec::new(),
    };
    let back = secretary.write_diary(back).await.expect("back-filled");
    assert!(back.backfilled, "written on 2 December about 30 November");
    let gaps = secretary.month_gaps(MonthGapsRequest { member_id: None, month: "2026-11".into() }).await;
    let gaps = gaps.expect("gaps");
    assert_eq!((gaps.window, gaps.can_file, gaps.due.as_deref()), (FilingWindowCode::Open, true, Some("2026-12-05")));
    assert!(gaps.diary_gaps.contains(&"2026-11-23".to_string()), "{:?}", gaps.diary_gaps);
    assert!(!gaps.diary_gaps.contains(&"2026-11-30".to_string()), "the back-filled day is no gap");
    assert!(!gaps.days_without_check_in.is_empty(), "no check-in all month");
    let filed = secretary.file_month(FileMonthRequest { month: "2026-11".into(), member_id: None }).await;
    let filed = filed.expect("filed");
    assert_eq!(
        (filed.window, filed.can_file, filed.filed_by.as_deref()),
        (FilingWindowCode::Filed, false, Some("李明"))
    );
    let again = secretary.file_month(FileMonthRequest { month: "2026-11".into(), member_id: None }).await;
    assert_eq!(code(again), ErrorCode::MonthFiled);
    let late =
        DiaryInput { date: Some("2026-11-29".into()), text: "补记".into(), amends: None, attachments: Vec::new() };
    assert_eq!(code(secretary.write_diary(late).await), ErrorCode::MonthFiled);
    let edit =
        DiaryInput { date: Some("2026-11-24".into()), text: "改".into(), amends: None, attachments: Vec::new() };
    assert_eq!(code(secretary.write_diary(edit).await), ErrorCode::MonthFiled, "a filed entry is not edited");
    let fix = DiaryInput {
        date: Some("2026-11-24".into()),
        text: "更正：是村两委扩大会".into(),
        amends: Some(first.id.clone()),
        attachments: Vec::new(),
    };
    let a = secretary.write_diary(fix).await.expect("amendment");
    let view = secretary.diary(MonthQuery { month: Some("2026-11".into()) }).await.expect("diary");
    assert!(view.filed);
    let order: Vec<(Option<String>, String)> = view.entries.iter().map(|e| (e.amends.clone(), e.id.clone())).collect();
    assert_eq!(order[0], (None, first.id.clone()));
    assert_eq!(order[1], (Some(first.id.clone()), a.id), "the amendment follows what it corrects");
    let december = secretary.diary(MonthQuery::default()).await.expect("diary");
    assert_eq!(december.earliest_date, "2026-12-01", "November is filed: no 补记 into it");

    let (_t, clock) = TestClock::new(DAY0 + 7 * DAY + 10 * HOUR);
    let member = open(&seeded_store(dir.path(), 1, 3), clock);
    let view = member.diary(MonthQuery { month: Some("2026-11".into()) }).await.expect("diary");
    assert!(!view.can_file && view.filing.window == FilingWindowCode::Open);
    let req = FileMonthRequest { month: "2026-11".into(), member_id: None };
    assert_eq!(code(member.file_month(req).await), ErrorCode::NotAllowed);
    assert_eq!(code(member.diary(MonthQuery { month: Some("11/2026".into()) }).await), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn the_first_secretary_files_a_members_ended_month_from_the_team_screen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (t, clock) = TestClock::new(DAY0 + 10 * HOUR);
    let secretary = open(&seeded_store(dir.path(), 0, 3), clock);
    let v = secretary.team(MonthQuery::default()).await.expect("team");
    assert!(!v.month_ended && v.members.iter().all(|m| !m.can_file), "November has not ended");
    t.set(DAY0 + 7 * DAY + 9 * HOUR); // 2026-12-02
    let v = secretary.team(MonthQuery { month: Some("2026-11".into()) }).await.expect("team");
    assert!(v.month_ended && v.members.iter().all(|m| m.can_file && !m.month_filed));
    let wang = demo::member_id(1).to_string();
    let gaps = secretary.month_gaps(MonthGapsRequest { member_id: Some(wang.clone()), month: "2026-11".into() }).await;
    assert_eq!(gaps.expect("gaps").member_name, "王芳");
    let filed = secretary.file_month(FileMonthRequest { month: "2026-11".into(), member_id: Some(wang.clone()) }).await;
    assert_eq!(filed.expect("filed").window, FilingWindowCode::Filed);
    let v = secretary.team(MonthQuery { month: Some("2026-11".into()) }).await.expect("team");
    let w = v.members.iter().find(|m| m.id == wang).expect("王芳");
    assert!(w.month_filed && !w.can_file);
}

#[tokio::test]
async fn the_team_calendar_and_leave_with_kinds_withdrawal_and_no_deciding_ones_own() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (t, clock) = TestClock::new(DAY0 - 4 * DAY + 9 * HOUR); // 2026-11-21
    let core = open(&seeded_store(dir.path(), 0, 3), clock);
    core.check_in(CheckInRequest { kind: CheckKindCode::In, location: None }).await.expect("in");
    t.set(DAY0 - 3 * DAY + 9 * HOUR); // 2026-11-22
    core.check_in(CheckInRequest { kind: CheckKindCode::In, location: None }).await.expect("in");
    let leave = LeaveInput {
        from: "2026-11-23".into(),
        to: "2026-11-24".into(),
        reason: "参加县里培训".into(),
        kind: LeaveKindCode::Training,
    };
    let l = core.request_leave(leave).await.expect("leave");
    assert_eq!((l.state, l.kind), (LeaveStateCode::Pending, LeaveKindCode::Training));
    assert!(!l.can_decide && l.can_withdraw && !l.can_report_back, "the first secretary's own request");
    t.set(DAY0 + 10 * HOUR); // 2026-11-25
    let v = core.team(MonthQuery::default()).await.expect("team");
    assert_eq!(v.month, "2026-11");
    assert_eq!(v.first_weekday, 6, "1 November 2026 is a Sunday");
    assert_eq!(v.days.len(), 30);
    assert!(v.can_approve);
    let day = |d: u32| &v.days[d as usize - 1];
    assert_eq!(day(21).present, vec!["李明".to_string()]);
    assert!(!day(21).nobody && day(20).nobody && day(25).nobody);
    assert!(day(26).future && !day(26).nobody);
    // 25 judged days, 2 with someone in the village, no approved leave.
    assert_eq!(v.gaps, 23);
    assert_eq!((v.leaves[0].state, v.leaves[0].kind), (LeaveStateCode::Pending, LeaveKindCode::Training));
    assert!(!v.leaves[0].can_decide, "no approve buttons on one's own leave: the township decides it");
    assert_eq!(v.members.iter().find(|m| m.name == "李明").map(|m| m.days_this_month), Some(2));

    // Nobody decides their own leave: refused on the device, nothing saved or pending.
    let pending_before = core.sync_status().await.expect("status").pending_changes;
    let own = core.decide_leave(DecideLeaveRequest { id: l.id.clone(), approve: true }).await;
    assert_eq!(code(own), ErrorCode::OwnLeave);
    assert_eq!(core.sync_status().await.expect("status").pending_changes, pending_before);
    let back = core.report_back(ReportBackRequest { id: l.id.clone(), returned_on: "2026-11-24".into() }).await;
    assert_eq!(code(back), ErrorCode::InvalidInput, "only approved leave is reported back");
    let w = core.withdraw_leave(LeaveRef { id: l.id.clone() }).await.expect("withdrawn");
    assert_eq!(w.state, LeaveStateCode::Withdrawn);
    assert!(!w.can_withdraw);
    assert_eq!(code(core.withdraw_leave(LeaveRef { id: l.id.clone() }).await), ErrorCode::NotAllowed);

    // A team member asks for an official trip and withdraws it; they decide nothing.
    let (_t2, clock) = TestClock::new(DAY0 + 10 * HOUR);
    let member = open(&seeded_store(dir.path(), 2, 3), clock);
    assert!(!member.team(MonthQuery::default()).await.expect("team").can_approve);
    let trip = LeaveInput {
        from: "2026-11-26".into(),
        to: "2026-11-27".into(),
        reason: "到县交通局汇报道路项目".into(),
        kind: LeaveKindCode::OfficialTrip,
    };
    let trip = member.request_leave(trip).await.expect("trip");
    assert_eq!(trip.kind, LeaveKindCode::OfficialTrip);
    let req = DecideLeaveRequest { id: trip.id.clone(), approve: true };
    assert_eq!(code(member.decide_leave(req).await), ErrorCode::NotAllowed);
    member.withdraw_leave(LeaveRef { id: trip.id.clone() }).await.expect("withdrawn");
    let v = member.team(MonthQuery::default()).await.expect("team");
    let item = v.leaves.iter().find(|x| x.id == trip.id).expect("listed");
    assert_eq!((item.state, item.kind), (LeaveStateCode::Withdrawn, LeaveKindCode::OfficialTrip));
}

#[tokio::test]
async fn offline_records_sync_through_a_real_server_to_a_second_device() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server_store = SqliteStore::open_in_memory().expect("server store");
    seed_demo_village(&server_store, 25, chrono::Utc::now().timestamp_millis()).await.expect("seed");
    let codes = demo_codes(&server_store).await;
    let server = Server::start(server_store.clone(), "127.0.0.1:0").await;
    let addr = server.url.trim_start_matches("http://").to_string();
    let clock = taizhang_app_core::system_clock();

    // Device A joins and receives the village in its first sync.
    let a_path = dir.path().join("a.sqlite3");
    let a = AppCore::open(a_path.clone(), a_path.with_extension("settings.json"), None, clock.clone()).expect("open");
    let joined = a.join(JoinRequest { server_url: server.url.clone(), code: codes[0].clone() }).await.expect("join");
    assert!(joined.sync_error.is_none(), "{:?}", joined.sync_error);
    assert!(joined.first_sync.is_some_and(|s| s.changes_received > 0));
    assert_eq!(joined.setup.village.map(|v| v.name), Some("石门村".into()));
    assert_eq!(a.households(HouseholdFilter::default()).await.expect("list").total, 25);
    assert_eq!(a.auto_sync_tick().await, AutoSync::NothingToDo);

    // The server goes away; A works offline.
    server.stop().await;
    let hh = demo::households(1)[0].id.to_string();
    let visit = VisitInput {
        household_id: hh.clone(),
        findings: "房屋漏雨，需要危房改造".into(),
        needs: "危房改造补助".into(),
        follow_up: "下周报镇里".into(),
        location: None,
        promise_due: None,
        at: None,
        amends: None,
        close: Vec::new(),
        attachments: Vec::new(),
    };
    a.record_visit(visit).await.expect("offline visit");
    a.check_in(CheckInRequest { kind: CheckKindCode::In, location: None }).await.expect("offline check-in");
    assert_eq!(a.auto_sync_tick().await, AutoSync::Offline);
    assert_eq!(code(a.sync_now().await), ErrorCode::ServerUnreachable);
    let status = a.sync_status().await.expect("status");
    assert_eq!(status.pending_changes, 2, "the visit and the check-in wait, nothing lost");
    assert_eq!(status.pending_docs.len(), 1);
    assert_eq!(status.last_error.map(|e| e.code), Some(ErrorCode::ServerUnreachable));
    assert!(!status.running);

    // The server comes back on the same address: the background sync sends everything.
    let server = Server::start(server_store.clone(), &addr).await;
    match a.auto_sync_tick().await {
        AutoSync::Synced(s) => assert_eq!(s.changes_pushed, 2),
        other => panic!("expected a background sync, got {other:?}"),
    }
    let status = a.sync_status().await.expect("status");
    assert_eq!((status.pending_changes, status.last_error), (0, None));
    assert!(status.progress.requests >= 1 && status.progress.bytes_up > 0);
    assert!(status.last_sync_at.is_some());

    // Device B (王芳) joins and sees A's visit and check-in.
    let b_path = dir.path().join("b.sqlite3");
    let b = AppCore::open(b_path.clone(), b_path.with_extension("settings.json"), None, clock).expect("open");
    b.join(JoinRequest { server_url: server.url.clone(), code: codes[1].clone() }).await.expect("join");
    let d = b.household(hh).await.expect("detail");
    assert_eq!(d.visits.len(), 1);
    assert_eq!((d.visits[0].member_name.as_str(), d.visits[0].findings.as_str()), ("李明", "房屋漏雨，需要危房改造"));
    let team = b.team(MonthQuery::default()).await.expect("team");
    let today = team.days.iter().find(|d| !d.future && d.present.contains(&"李明".to_string()));
    assert!(today.is_some(), "A's check-in is on B's team calendar");

    // 请销假 through the server: B asks (病假), A (the first secretary) approves it, B reports
    // back (销假); the server stores every step, nothing stays pending or is refused.
    let day = taizhang_domain::local_date(chrono::Utc::now().timestamp_millis()).to_string();
    let ask =
        LeaveInput { from: day.clone(), to: day.clone(), reason: "发烧就医".into(), kind: LeaveKindCode::Sick };
    let asked = b.request_leave(ask).await.expect("request");
    assert!(asked.can_withdraw && !asked.can_decide);
    assert!(b.sync_now().await.expect("sync B").refused.is_empty());
    assert!(a.sync_now().await.expect("sync A").refused.is_empty());
    let seen = a.team(MonthQuery::default()).await.expect("team");
    let item = seen.leaves.iter().find(|l| l.id == asked.id).expect("A sees B's request");
    assert!(item.can_decide && !item.can_withdraw, "the first secretary decides a member's leave");
    a.decide_leave(DecideLeaveRequest { id: asked.id.clone(), approve: true }).await.expect("approve");
    assert!(a.sync_now().await.expect("sync A").refused.is_empty());
    assert!(b.sync_now().await.expect("sync B").refused.is_empty());
    let mine = b.team(MonthQuery::default()).await.expect("team");
    let item = mine.leaves.iter().find(|l| l.id == asked.id).expect("listed");
    assert_eq!((item.state, item.kind, item.can_report_back), (LeaveStateCode::Approved, LeaveKindCode::Sick, true));
    let back = b.report_back(ReportBackRequest { id: asked.id.clone(), returned_on: day.clone() }).await;
    assert_eq!(back.expect("销假").returned_on, Some(day.clone()));
    let synced = b.sync_now().await.expect("sync B");
    assert!(synced.refused.is_empty() && synced.changes_pushed >= 1, "{synced:?}");
    assert_eq!(b.sync_status().await.expect("status").pending_changes, 0);

    // A refused change is withdrawn from the Sync screen: B asks again (事假) and it reaches A;
    // offline, B withdraws it while A approves it. B's withdrawal is refused (the request is
    // no longer pending); B withdraws what was refused, its text is kept, nothing waits.
    let again =
        LeaveInput { from: day.clone(), to: day.clone(), reason: "家中有事".into(), kind: LeaveKindCode::Personal };
    let again = b.request_leave(again).await.expect("request");
    assert!(b.sync_now().await.expect("sync B").refused.is_empty());
    assert!(a.sync_now().await.expect("sync A").refused.is_empty());
    b.withdraw_leave(LeaveRef { id: again.id.clone() }).await.expect("withdrawn offline");
    a.decide_leave(DecideLeaveRequest { id: again.id.clone(), approve: true }).await.expect("approve");
    assert!(a.sync_now().await.expect("sync A").refused.is_empty());
    let refused = b.sync_now().await.expect("sync B");
    let doc = refused.refused_docs.first().cloned().expect("B's withdrawal is refused");
    assert!(doc.reason.starts_with("leave_decision"), "{doc:?}");
    let status = b.sync_status().await.expect("status");
    assert_eq!(status.pending_docs, vec![doc.doc.clone()], "the refused document waits, in words on the screen");
    let status = b.withdraw_refused(doc.clone()).await.expect("withdraw what was refused");
    assert_eq!(status.withdrawn.len(), 1, "{:?}", status.withdrawn);
    assert!(status.withdrawn[0].fields.contains("withdrawn"), "what B did is kept: {}", status.withdrawn[0].fields);
    assert!(status.last_result.is_some_and(|r| r.refused_docs.is_empty()), "no longer offered");
    assert!(b.sync_now().await.expect("sync B").refused.is_empty());
    assert_eq!(b.sync_status().await.expect("status").pending_changes, 0, "the Sync screen's count is back to zero");
    let mine = b.team(MonthQuery::default()).await.expect("team");
    let item = mine.leaves.iter().find(|l| l.id == again.id).expect("listed");
    assert_eq!(item.state, LeaveStateCode::Approved, "A's decision stands");
    server.stop().await;
}
