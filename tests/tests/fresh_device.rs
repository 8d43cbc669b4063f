//! Fresh devices from saved forms (issue 23), through the real HTTP server on either backend: a
//! team works for months; a new phone that asks for saved forms gets each document whole, in a
//! handful of requests, and ends with exactly the tables of a phone that read the log change by
//! change (an app from before saved forms, which the new server still serves); a link cut
//! between batches resumes at the next document; against a server that sends no saved forms
//! (as one from before them) the new app reads the log as before. Size:
//! `TAIZHANG_FRESH_MONTHS` (months of work, default 3; 36 for three years).

use taizhang_client::{Ledger, SyncReport};
use taizhang_doc::demo;
use taizhang_sync::BootCursor;
use taizhang_sync_server::Limits;
use taizhang_tests::*;

const DAY: i64 = 86_400_000;

fn months() -> i64 {
    std::env::var("TAIZHANG_FRESH_MONTHS").ok().and_then(|v| v.parse().ok()).unwrap_or(3)
}

/// The three team members work `months()` months (a visit, a check-in and a diary entry each
/// per working day) and sync; returns their phones.
async fn village_with_history(server: &TestServer) -> Vec<Ledger> {
    let t = server.transport();
    let days = months() * 30;
    let mut team = Vec::new();
    for i in 0..3 {
        let mut phone = server.device(i).await;
        phone.sync(&t, NOW).await.expect("first sync");
        let me = demo::member_id(i);
        for d in 0..days {
            if d % 7 >= 5 {
                continue; // the weekend
            }
            let at = NOW - (days - d) * DAY + (i as i64) * 600_000;
            let h = household((d as usize * 3 + i) % 40);
            let findings =
                format!("第{d}天入户走访：老人身体尚可，孩子在县城读书，家里种了三亩玉米，希望明年扩大养殖规模。");
            phone.record_visit(&visit(me, h, at, &findings), at).expect("visit");
            phone.check_in(&check_in(me, at + 60_000), at + 60_000).expect("check-in");
            phone
                .write_diary(&diary(me, at + 120_000, &format!("{findings} 晚上整理台账。")), at + 120_000)
                .expect("diary");
        }
        let r = phone.sync(&t, NOW).await.expect("sync the months");
        assert!(r.rejected.is_empty(), "{:?}", r.rejected);
        team.push(phone);
    }
    for phone in &mut team {
        phone.sync(&t, NOW).await.expect("catch up");
    }
    team
}

fn figures(what: &str, r: &SyncReport) {
    println!(
        "{what}: {} requests, {} B up, {} B down, {} saved forms, {} changes",
        r.requests, r.bytes_up, r.bytes_down, r.saved_forms, r.changes_received
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_device_gets_the_village_whole_and_ends_like_a_device_that_read_every_change() {
    let server = TestServer::start(40).await;
    let t = server.transport();
    let mut team = village_with_history(&server).await;
    let village = demo::VILLAGE.0;
    let (_, docs) = server.store.boot_docs(village, None).await.expect("documents");

    // An app from before saved forms (it does not ask): the log change by change.
    let mut old = server.device(1).await;
    old.set_saved_forms(false);
    let r_old = old.sync(&t, NOW).await.expect("old app syncs");
    figures("change by change", &r_old);
    assert_eq!(r_old.saved_forms, 0);

    let mut fresh = server.device(1).await;
    let r_new = fresh.sync(&t, NOW).await.expect("fresh device syncs");
    figures("saved forms", &r_new);
    assert_eq!(r_new.saved_forms as usize, docs.len(), "every document came whole");
    assert_eq!(r_new.changes_received, r_old.changes_received, "the same changes, inside the forms");
    assert!(r_new.skipped_downloads.is_empty(), "{:?}", r_new.skipped_downloads);
    assert!(r_new.requests <= 10, "{} requests", r_new.requests);
    assert!(r_new.requests < r_old.requests, "{} vs {}", r_new.requests, r_old.requests);
    assert!(r_new.bytes_down <= r_old.bytes_down, "{} vs {} bytes", r_new.bytes_down, r_old.bytes_down);
    assert_eq!(digest(&fresh), digest(&old), "the same tables as change by change");
    assert_eq!(digest(&fresh), digest(&team[1]));
    assert_eq!(fresh.sync_cursor().expect("cursor"), old.sync_cursor().expect("cursor"), "now on the plain log");

    // Signatures (issue 20; in batches since issue 23): none goes with a form, so the fresh phone holds none for the
    // changes inside them and never offers those to a teammate's phone (the server delivers
    // them); the phone that read every change keeps each one's.
    let log = server.store.read_log(village, 0, usize::MAX).await.expect("log").entries;
    let hashes: Vec<[u8; 32]> = log.iter().map(|e| e.hash).collect();
    let kept = server.store.change_proofs(village, &hashes).await.expect("proofs");
    assert!(kept.singles.is_empty(), "the team signs in batches now: {} single signatures", kept.singles.len());
    let (_, covered) = kept.batches.first().expect("the team's changes are signed");
    let old_change = &covered[0];
    assert!(old.store().change_proof(old_change).expect("read").is_some(), "read change by change: kept");
    assert!(fresh.store().change_proof(old_change).expect("read").is_none(), "inside a saved form: none");

    // Life goes on: the fresh phone writes, the team writes, everyone converges.
    let end_before = fresh.sync_cursor().expect("cursor");
    let wang = demo::member_id(1);
    let at = NOW + 3_600_000;
    fresh.record_visit(&visit(wang, household(3), at, "新手机记的走访"), at).expect("visit");
    team[0].write_diary(&diary(demo::member_id(0), at, "书记的日志"), at).expect("diary");
    for _ in 0..2 {
        for phone in team.iter_mut().chain([&mut fresh, &mut old]) {
            let r = phone.sync(&t, at).await.expect("sync");
            assert!(r.rejected.is_empty(), "{:?}", r.rejected);
        }
    }
    assert_eq!(digest(&fresh), digest(&old));
    assert_eq!(digest(&fresh), digest(&team[0]));
    assert!(fresh.pending_docs().expect("pending").is_empty(), "the fresh phone's visit is confirmed");
    // What came after the forms, change by change, comes with its signature.
    let after = server.store.read_log(village, end_before, usize::MAX).await.expect("log");
    let hashes: Vec<[u8; 32]> = after.entries.iter().map(|e| e.hash).collect();
    let kept = server.store.change_proofs(village, &hashes).await.expect("proofs");
    let mut vouched = kept.batches.iter().flat_map(|(_, covered)| covered.iter());
    let secretary = vouched.find(|h| fresh.store().change_proof(h).expect("read").is_some());
    assert!(secretary.is_some(), "the secretary's diary reached the fresh phone with its author's batch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_between_batches_resumes_at_the_next_document() {
    // Small batches, so the village takes several.
    let limits = Limits { requests_per_minute: 100_000, saved_form_bytes: 16 * 1024, ..Limits::default() };
    let server = TestServer::start_with(40, limits).await;
    let team = village_with_history(&server).await;
    let (_, docs) = server.store.boot_docs(demo::VILLAGE.0, None).await.expect("documents");

    let mut phone = server.device(2).await;
    let cut = FaultyTransport::new(server.transport(), [Fault::Pass, Fault::Pass, Fault::DropResponse]);
    phone.sync(&cut, NOW).await.expect_err("the link drops during the third answer");
    let done = BootCursor::decode(phone.sync_cursor().expect("cursor")).expect("still downloading documents").next;
    assert!(done > 0 && (done as usize) < docs.len(), "{done} of {} documents", docs.len());

    let r = phone.sync(&server.transport(), NOW).await.expect("resumes");
    figures("resumed", &r);
    assert_eq!(r.saved_forms as usize, docs.len() - done as usize, "finished batches are not sent again");
    assert_eq!(digest(&phone), digest(&team[2]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_sends_no_saved_forms_still_serves_the_new_app() {
    // `saved_form_bytes: 0` answers as a server from before saved forms: the bit is ignored.
    let limits = Limits { requests_per_minute: 100_000, saved_form_bytes: 0, ..Limits::default() };
    let server = TestServer::start_with(40, limits).await;
    let team = village_with_history(&server).await;
    // What a server from before saved forms does with the device's request: its clamp of
    // `want_bytes` drops the bit, and a boot cursor (should a device bring one) is past the
    // end of its log, which it reads from the start — nothing is skipped.
    let want = (taizhang_sync::MAX_BATCH_BYTES as u32 | taizhang_sync::SAVED_FORMS) as usize;
    assert_eq!(want.clamp(1, taizhang_sync::MAX_BATCH_BYTES), taizhang_sync::MAX_BATCH_BYTES);
    let boot = BootCursor { upto: 5, next: 2 }.encode().expect("fits");
    let page = server.store.read_log(demo::VILLAGE.0, boot, 1 << 20).await.expect("log");
    assert_eq!(page.entries.first().map(|e| e.seq), Some(1), "read from the start");
    let mut phone = server.device(0).await;
    let r = phone.sync(&server.transport(), NOW).await.expect("syncs");
    figures("old server", &r);
    assert_eq!(r.saved_forms, 0);
    assert!(r.changes_received > 0);
    assert_eq!(digest(&phone), digest(&team[0]));
}
