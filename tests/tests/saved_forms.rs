//! The server's saved forms (issue 23), through the real HTTP server on either backend: once a
//! document has gathered 64 changes past its saved form, a push makes the server keep a new one
//! in the background; pushes to it are judged on the saved form and the changes after it (an
//! honest one passes, a forbidden one is refused), and a new phone still gets the whole village.

use std::time::Duration;

use taizhang_doc::demo;
use taizhang_sync::DocOutcome;
use taizhang_sync_server::snapshot::SNAPSHOT_EVERY;
use taizhang_tests::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_gets_a_saved_form_as_its_log_grows_and_is_judged_on_it() {
    let server = TestServer::start(10).await;
    let t = server.transport();
    let village = demo::VILLAGE.0;
    let mut wang = server.device(1).await;
    wang.sync(&t, NOW).await.expect("first sync");
    let me = demo::member_id(1);
    let log = format!("log/{}/{}", me.0, taizhang_domain::local_month(NOW));
    for i in 0..SNAPSHOT_EVERY as i64 + 2 {
        let at = NOW + i * 60_000;
        wang.check_in(&check_in(me, at), at).expect("check-in");
        let r = wang.sync(&t, at).await.expect("sync");
        assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    }
    // The saved form is made in the background after a push: wait for it (by polling the
    // store, a bounded number of times; nothing here measures time).
    let mut source = server.store.snapshot_source(village, &log).await.expect("source");
    for _ in 0..200 {
        if source.saved.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        source = server.store.snapshot_source(village, &log).await.expect("source");
    }
    assert!(source.saved.is_some(), "a saved form of {log} once it had {} changes", SNAPSHOT_EVERY);
    assert!(source.after.len() < SNAPSHOT_EVERY);
    let all = server.store.doc_changes(village, &log).await.expect("changes");
    assert_eq!(all.len(), SNAPSHOT_EVERY + 2);
    let whole = taizhang_sync::load_stored(&all).expect("changes load");
    let saved = taizhang_sync::load_stored(&server.store.doc_saved(village, &log).await.expect("saved")).expect("load");
    assert_eq!(saved.get_heads(), whole.get_heads(), "the saved form and its tail are the whole document");

    // Judged on the saved form: Wang's next check-in passes, 张伟's check-in in Wang's log is
    // refused (a log's records are its owner's).
    taizhang_sync_server::forget_loaded_documents();
    let at = NOW + 100 * 60_000;
    wang.check_in(&check_in(me, at), at).expect("check-in");
    assert!(wang.sync(&t, at).await.expect("sync").rejected.is_empty());
    taizhang_sync_server::forget_loaded_documents();
    let zhang = RawDevice::enroll(&server.url, &server.code(2).await).await.expect("zhang");
    let forged = check_in(demo::member_id(2), at);
    let change =
        change_on(&server, village, &log, &zhang.actor, |tx| taizhang_doc::write(tx, &forged).expect("w")).await;
    let (_, answer, _) = zhang.push(village, vec![(log.clone(), change)]).await;
    assert!(
        matches!(answer.expect("answer").results[0].outcome, DocOutcome::Rejected { .. }),
        "a colleague's record in Wang's log is refused"
    );

    // A new phone of Wang's gets everything.
    let mut phone = server.device(1).await;
    phone.sync(&t, at).await.expect("new phone syncs");
    assert_eq!(phone.store().counts().expect("counts").check_ins, wang.store().counts().expect("counts").check_ins);
}
