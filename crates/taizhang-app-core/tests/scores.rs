//! 月度考核 through the chain, on the device (issue 14, seed 002): the first secretary scores a
//! member's ended month offline, the sheet syncs through a real server on port 0, and the
//! member's device shows its own points, items, reasons and chain state — and nobody else's.

use taizhang_app_core::contract::*;
use taizhang_doc::demo;

mod common;
use common::{Server, TwoPhones};

fn code<T: std::fmt::Debug>(r: Result<T, taizhang_app_core::AppError>) -> ErrorCode {
    r.expect_err("expected an error").code()
}

fn item(kind: ScoreItemKindCode, points: f64, reason: &str) -> ScoreItemEntry {
    ScoreItemEntry { kind, points, reason: reason.into() }
}

#[tokio::test]
async fn the_first_secretary_scores_a_member_offline_and_the_member_sees_points_and_reasons() {
    let TwoPhones { dir: _dir, store: server_store, server, addr, a, b, today: _, this_month, last_month } =
        TwoPhones::join().await;
    let (wang, li) = (demo::member_id(1).to_string(), demo::member_id(0).to_string());

    // Offline: the first secretary sees every member's month, unscored, and may score the others.
    server.stop().await;
    let q = MonthQuery { month: Some(last_month.to_string()) };
    let v = a.month_scores(q.clone()).await.expect("scores");
    assert!(v.can_score && v.month_ended);
    assert_eq!((v.base, v.max, v.cut_below), (10.0, 10.0, 8.0));
    assert_eq!(v.sheets.len(), demo::members().len());
    let hers = v.sheets.iter().find(|s| s.member_id == wang).expect("王芳's sheet");
    assert_eq!((hers.state, hers.can_edit, hers.provisional), (None, true, true));
    let own = v.sheets.iter().find(|s| s.member_id == li).expect("his own");
    assert!(!own.can_edit, "the township scores the first secretary");
    let automatic = hers.automatic.points;

    let sheet = SaveScoreSheetRequest {
        member_id: wang.clone(),
        month: last_month.to_string(),
        items: vec![
            item(ScoreItemKindCode::Bonus, 0.5, "协调修通3组组组路"),
            item(ScoreItemKindCode::Deduction, 1.0, "两次未按时报送民情台账"),
        ],
        note: "总体认真，报送要及时".into(),
    };
    let saved = a.save_score_sheet(sheet.clone()).await.expect("saved offline");
    assert_eq!(saved.state, Some(ScoreStateCode::Entered));
    assert_eq!(saved.scored_by.as_deref(), Some("李明"));
    let expected = ((automatic + 0.5 - 1.0).clamp(0.0, 10.0) * 100.0).round() / 100.0;
    assert_eq!(saved.points, expected);
    assert!(saved.provisional, "provisional until the township confirms");

    // What nobody may do on the device: score oneself, score a month not over, give a
    // reasonless item.
    let mut mine = sheet.clone();
    mine.member_id = li.clone();
    assert_eq!(code(a.save_score_sheet(mine).await), ErrorCode::NotAllowed);
    let mut early = sheet.clone();
    early.month = this_month.to_string();
    assert_eq!(code(a.save_score_sheet(early).await), ErrorCode::MonthNotOver);
    let mut bare = sheet.clone();
    bare.items[0].reason = "  ".into();
    assert_eq!(code(a.save_score_sheet(bare).await), ErrorCode::InvalidInput);
    assert_eq!(code(a.sync_now().await), ErrorCode::ServerUnreachable);
    assert!(a.sync_status().await.expect("status").pending_changes >= 1, "the sheet waits, nothing lost");

    // The server comes back: the sheet goes up, nothing refused; 王芳's device receives it.
    let server = Server::start(server_store.clone(), &addr).await;
    let up = a.sync_now().await.expect("sync A");
    assert!(up.refused.is_empty() && up.changes_pushed >= 1, "{up:?}");
    assert!(b.sync_now().await.expect("sync B").refused.is_empty());
    let seen = b.month_scores(q.clone()).await.expect("B's scores");
    assert!(!seen.can_score);
    assert_eq!(seen.sheets.len(), 1, "a member sees only their own sheet");
    let s = &seen.sheets[0];
    assert_eq!(s.member_id, wang);
    assert_eq!(s.state, Some(ScoreStateCode::Entered));
    assert_eq!(s.items, sheet.items);
    assert_eq!(s.note, "总体认真，报送要及时");
    assert_eq!(s.points, expected);
    assert_eq!(s.scored_by.as_deref(), Some("李明"));
    assert!(!s.can_edit);
    let mut theirs = sheet.clone();
    theirs.member_id = demo::member_id(2).to_string();
    assert_eq!(code(b.save_score_sheet(theirs).await), ErrorCode::NotAllowed, "members score nobody");

    // A veto makes the month 0 and cuts the allowance; the correction syncs too.
    let mut veto = sheet.clone();
    veto.items.push(item(ScoreItemKindCode::Veto, 0.0, "擅自离岗三天"));
    let vetoed = a.save_score_sheet(veto).await.expect("corrected while entered");
    assert_eq!((vetoed.points, vetoed.vetoed, vetoed.allowance_cut), (0.0, true, true));
    assert!(a.sync_now().await.expect("sync A").refused.is_empty());
    assert!(b.sync_now().await.expect("sync B").refused.is_empty());
    let s = b.month_scores(q).await.expect("B's scores").sheets.remove(0);
    assert_eq!((s.points, s.vetoed, s.items.len()), (0.0, true, 3));
    assert_eq!(s.items[2].reason, "擅自离岗三天");
    server.stop().await;
}
