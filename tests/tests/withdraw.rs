//! A refused change never stays pending for ever. 王芳 asks for leave and syncs; 李明 approves
//! it; 王芳, offline and not knowing, extends the (now approved) request by a day and asks
//! for a second leave in the same document. The server refuses that document (a member changes
//! only a pending request); her check-in in another document goes through. She withdraws what
//! was refused: the edit of the approved request is taken back (kept as text on her phone),
//! her second request is kept and syncs, and nothing stays pending.

use chrono::NaiveDate;
use taizhang_doc::demo;
use taizhang_domain::{LeaveId, LeaveKind, LeaveRequest, LeaveState, MemberId};
use taizhang_tests::*;
use uuid::Uuid;

fn leave(member: MemberId, from: (u32, u32), reason: &str) -> LeaveRequest {
    LeaveRequest {
        id: LeaveId(Uuid::now_v7()),
        member,
        from: NaiveDate::from_ymd_opt(2026, from.0, from.1).expect("date"),
        to: NaiveDate::from_ymd_opt(2026, from.0, from.1 + 1).expect("date"),
        reason: reason.into(),
        state: LeaveState::Pending,
        decided_by: None,
        kind: LeaveKind::Personal,
        returned_on: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_edit_is_withdrawn_kept_as_text_and_the_rest_syncs() {
    let server = TestServer::start(5).await;
    let t = server.transport();
    let (mut li, mut wang) = (server.device(0).await, server.device(1).await);
    li.sync(&t, NOW).await.expect("sync");
    wang.sync(&t, NOW).await.expect("sync");
    let me = demo::member_id(1);

    let first = leave(me, (12, 7), "家中老人住院");
    wang.request_leave(&first, NOW).expect("request");
    wang.sync(&t, NOW).await.expect("sync");
    li.sync(&t, NOW).await.expect("sync");
    li.decide_leave(first.id, true, demo::member_id(0), NOW).expect("approve");
    li.sync(&t, NOW).await.expect("sync");

    // Offline, 王芳 still sees her request as pending and edits it; asks for a second leave;
    // checks in (another document).
    let edited =
        LeaveRequest {
            reason: "家中老人住院，需陪护".into(), to: first.to.succ_opt().expect("date"), ..first.clone()
        };
    wang.request_leave(&edited, NOW + 1000).expect("edit the request");
    let second = leave(me, (12, 20), "参加县里培训");
    wang.request_leave(&second, NOW + 2000).expect("second request");
    wang.check_in(&check_in(me, NOW + 3000), NOW + 3000).expect("check-in");
    let report = wang.sync(&t, NOW + 3000).await.expect("sync");
    let (doc, reason) = report.rejected.first().cloned().expect("the team document is refused");
    assert_eq!(doc, "team/2026");
    assert!(reason.starts_with("leave_decision"), "{reason}");
    assert_eq!(wang.pending_docs().expect("pending"), vec!["team/2026".to_string()], "only the refused one waits");

    // She withdraws what was refused.
    let withdrawn = wang.withdraw_refused(&doc, &reason, NOW + 4000).expect("withdraw");
    assert_eq!(withdrawn.len(), 1, "only the edit of the approved request: {withdrawn:?}");
    assert_eq!(withdrawn[0].key, format!("leave/{}", first.id));
    assert!(withdrawn[0].fields.contains("需陪护"), "what she typed is kept: {}", withdrawn[0].fields);
    assert!(withdrawn[0].reason.contains("leave_decision"), "{}", withdrawn[0].reason);
    assert_eq!(wang.withdrawn_records().expect("kept"), withdrawn);

    let report = wang.sync(&t, NOW + 5000).await.expect("sync");
    assert!(report.rejected.is_empty(), "{report:?}");
    assert!(wang.pending_docs().expect("pending").is_empty(), "the Sync screen's count is back to zero");

    // Everyone sees: the first request approved as it was asked; the second pending.
    li.sync(&t, NOW + 6000).await.expect("sync");
    for d in [&wang, &li] {
        let leaves = d.store().leaves(Some(me)).expect("leaves");
        let a = leaves.iter().find(|r| r.record.id == first.id).expect("first");
        assert_eq!(a.record.state, LeaveState::Approved);
        assert_eq!((a.record.reason.as_str(), a.record.to), ("家中老人住院", first.to));
        let b = leaves.iter().find(|r| r.record.id == second.id).expect("second arrived");
        assert_eq!(b.record.state, LeaveState::Pending);
    }
}
