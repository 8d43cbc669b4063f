//! The device decides like the server (issue 14): an edit the server would refuse is not
//! saved — not on disk, not pending, not in the loaded document — and says why with the
//! server's own code; the same person's allowed edits go through.

use chrono::NaiveDate;
use taizhang_client::{ClientError, Ledger};
use taizhang_doc::demo;
use taizhang_domain::{LeaveId, LeaveKind, LeaveRequest, LeaveState, YearMonth};
use uuid::Uuid;

/// 2026-11-25 10:00 in Shanghai.
const NOW: i64 = 1_795_536_000_000 + 10 * 3_600_000;

/// A ledger of demo member `member` holding the registry, written before this member's own
/// record (a team member may not add members: once the device knows its role, it decides).
fn ledger(member: usize) -> Ledger {
    let mut l =
        Ledger::in_memory(demo::VILLAGE, Some(demo::member_id(member)), [member as u8 + 1; 16]).expect("ledger");
    l.put_village(&demo::village(), 0).expect("village");
    let (mine, others): (Vec<_>, Vec<_>) = demo::members().into_iter().partition(|m| m.id == demo::member_id(member));
    for m in others.into_iter().chain(mine) {
        l.put_member(&m, 0).expect("member");
    }
    l
}

fn request(member: usize, kind: LeaveKind) -> LeaveRequest {
    LeaveRequest {
        id: LeaveId(Uuid::now_v7()),
        member: demo::member_id(member),
        from: NaiveDate::from_ymd_opt(2026, 11, 26).expect("date"),
        to: NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
        reason: "到县里汇报".into(),
        state: LeaveState::Pending,
        decided_by: None,
        kind,
        returned_on: None,
    }
}

fn denied(r: Result<impl std::fmt::Debug, ClientError>) -> &'static str {
    match r {
        Err(ClientError::Denied { code, .. }) => code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn nobody_decides_their_own_leave_and_a_refusal_leaves_nothing_behind() {
    let mut wang = ledger(1);
    let l = request(1, LeaveKind::OfficialTrip);
    wang.request_leave(&l, NOW).expect("one's own request");
    let team = wang.store().load_doc("team/2026").expect("chunks").len();
    assert_eq!(denied(wang.decide_leave(l.id, true, demo::member_id(1), NOW)), "leave_decision");
    assert_eq!(wang.store().load_doc("team/2026").expect("chunks").len(), team, "nothing written");
    let row = wang.leave(l.id).expect("still there");
    assert_eq!((row.state, row.kind), (LeaveState::Pending, LeaveKind::OfficialTrip));
    // The refused change is gone from the loaded document too: withdrawing now withdraws.
    let w = wang.withdraw_leave(l.id, NOW).expect("withdrawn");
    assert_eq!(w.state, LeaveState::Withdrawn);
    assert_eq!(wang.leave(l.id).expect("row").state, LeaveState::Withdrawn);
    assert_eq!(denied(wang.withdraw_leave(l.id, NOW)), "leave_decision", "only a pending request");

    let mut li = ledger(0);
    let own = request(0, LeaveKind::Training);
    li.request_leave(&own, NOW).expect("the first secretary's own request");
    assert_eq!(denied(li.decide_leave(own.id, true, demo::member_id(0), NOW)), "own_leave");
    assert_eq!(li.leave(own.id).expect("row").state, LeaveState::Pending);
}

#[test]
fn a_member_files_no_month_and_writes_only_their_own_leave() {
    let mut wang = ledger(1);
    let october = YearMonth::new(2026, 10).expect("month");
    assert_eq!(denied(wang.file_month(demo::member_id(1), october, demo::member_id(1), NOW)), "filing");
    assert!(wang.store().filings().expect("filings").is_empty());
    assert_eq!(denied(wang.request_leave(&request(2, LeaveKind::Personal), NOW)), "leave_decision");
    assert!(wang.pending_docs().expect("pending").iter().all(|d| d != "team/2026"));

    // The first secretary files an ended month, not the current one.
    let mut li = ledger(0);
    li.file_month(demo::member_id(1), october, demo::member_id(0), NOW).expect("October has ended");
    let november = YearMonth::new(2026, 11).expect("month");
    let r = li.file_month(demo::member_id(1), november, demo::member_id(0), NOW);
    assert!(matches!(r, Err(ClientError::Invalid(taizhang_domain::DomainError::MonthNotOver { .. }))), "{r:?}");
}

fn sheet(member: usize, by: usize) -> taizhang_domain::MonthScoreSheet {
    use taizhang_domain::{MonthScoreSheet, ScoreItem, ScoreItemKind, ScoreState};
    MonthScoreSheet {
        member: demo::member_id(member),
        month: YearMonth::new(2026, 10).expect("month"),
        items: vec![ScoreItem { kind: ScoreItemKind::Bonus, points: 0.5, reason: "产业项目落地".into() }],
        note: String::new(),
        scored_by: demo::member_id(by),
        scored_at: NOW,
        state: ScoreState::Entered,
        checked_by: None,
        checked_at: None,
        check_note: String::new(),
        audited_by: None,
        audited_at: None,
        audit_points: None,
        audit_note: String::new(),
    }
}

/// 月度考核 on the device: the first secretary enters a colleague's sheet (materialised, waiting
/// to be sent); nobody scores their own month, a member scores nobody, and the township's
/// part is not the first secretary's to write — each refused with the server's code, nothing kept.
#[test]
fn the_first_secretary_scores_colleagues_and_nothing_else() {
    use taizhang_domain::ScoreState;
    let october = YearMonth::new(2026, 10).expect("month");
    let mut li = ledger(0);
    li.put_score_sheet(&sheet(1, 0), NOW).expect("a colleague's sheet");
    let rows = li.store().score_sheets(october).expect("sheets");
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].record.member, rows[0].record.state), (demo::member_id(1), ScoreState::Entered));
    assert_eq!(rows[0].doc, "team/2026");
    assert!(li.pending_docs().expect("pending").iter().any(|d| d == "team/2026"));
    assert_eq!(denied(li.put_score_sheet(&sheet(0, 0), NOW)), "own_score");
    let mut confirmed = sheet(2, 0);
    confirmed.state = ScoreState::Confirmed;
    assert_eq!(denied(li.put_score_sheet(&confirmed, NOW)), "score_chain");
    assert_eq!(li.store().score_sheets(october).expect("sheets").len(), 1, "nothing refused was kept");
    let mut early = sheet(2, 0);
    early.month = YearMonth::new(2026, 11).expect("month");
    let r = li.put_score_sheet(&early, NOW);
    assert!(matches!(r, Err(ClientError::Invalid(taizhang_domain::DomainError::MonthNotOver { .. }))), "{r:?}");

    let mut wang = ledger(1);
    assert_eq!(denied(wang.put_score_sheet(&sheet(2, 1), NOW)), "score");
    assert!(wang.store().score_sheets(october).expect("sheets").is_empty());
}

/// A store upgraded to schema 4 indexes the score sheets its team documents already held (an
/// older version kept them in the document only): the migration's flag asks the ledger to read
/// them on the next open, once.
#[test]
fn score_sheets_received_before_the_upgrade_are_indexed_on_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("li.sqlite3");
    let october = YearMonth::new(2026, 10).expect("month");
    {
        let mut li = Ledger::create(&path, demo::VILLAGE, Some(demo::member_id(0)), [1; 16]).expect("ledger");
        li.put_village(&demo::village(), 0).expect("village");
        for m in demo::members() {
            li.put_member(&m, 0).expect("member");
        }
        li.put_score_sheet(&sheet(1, 0), NOW).expect("sheet");
    }
    {
        // As an older version left it: the sheet in the document, no row, the flag set.
        let conn = taizhang_store::rusqlite::Connection::open(&path).expect("open");
        conn.execute("DELETE FROM score_sheets", []).expect("delete");
        conn.execute("INSERT INTO meta (key, value) VALUES ('rematerialise_scores', '1')", []).expect("flag");
    }
    let li = Ledger::open(&path).expect("reopen");
    let rows = li.store().score_sheets(october).expect("sheets");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].record, sheet(1, 0));
    assert_eq!(li.store().meta("rematerialise_scores").expect("meta"), None, "read once");
}
