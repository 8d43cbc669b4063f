//! Promise 4, panic isolation: a change that parses but makes Automerge panic (an actor whose
//! sequence number jumps from nothing to 17 — found by the fuzzer) is pushed raw to the server.
//! The server applies every push to a copy of its document before storing it, so the poison is
//! refused for that document alone, and the server keeps serving. A poisoned change stored by
//! an older server (which stored log changes without applying them) is skipped: the devices
//! that download it skip that one document, say so, and sync everything else; new work still
//! flows, also into the poisoned document.

use automerge::transaction::Transactable;
use automerge::{ActorId, Automerge, ROOT};
use taizhang_doc::{demo, DocId};
use taizhang_tests::*;

/// A change by `actor` whose sequence number is forged from 1 to 17 (no deps, 16-byte actor:
/// the sequence number is byte 28 of the chunk).
fn poisoned_change(actor: [u8; 16]) -> Vec<u8> {
    let mut doc = Automerge::new().with_actor(ActorId::from(actor));
    let mut tx = doc.transaction();
    tx.put(ROOT, "note", "x").expect("put");
    tx.commit();
    let mut raw = doc.get_changes(&[])[0].raw_bytes().to_vec();
    assert_eq!(raw[28], 1, "layout: byte 28 is the sequence number");
    raw[28] = 17;
    let c = taizhang_sync::parse_raw_change(&raw).expect("still parses");
    assert_eq!(c.seq(), 17);
    raw
}

#[tokio::test]
async fn a_poisoned_document_is_skipped_and_everything_else_syncs() {
    let server = TestServer::start(8).await;
    let mut li = server.device(0).await;
    li.sync(&server.transport(), NOW).await.expect("first sync");
    let li_log = DocId::for_visit(&visit(demo::member_id(0), household(0), NOW, "x")).to_string();

    // A second, enrolled device of 李明 that does not run the app pushes the poisoned change
    // into his log document and into the registry with its own (bound) actor: refused for that
    // document alone, no 5xx.
    let raw = RawDevice::enroll(&server.url, &server.code(0).await).await.expect("enroll raw device");
    let actor: [u8; 16] = raw.actor.clone().try_into().expect("16-byte actor");
    for doc in [li_log.clone(), "registry".to_string()] {
        let (status, answer, _) = raw.push(demo::VILLAGE.0, vec![(doc.clone(), vec![poisoned_change(actor)])]).await;
        assert_eq!(status, 200, "no 5xx: the poison is refused for {doc} alone");
        let outcome = &answer.expect("answer").results[0].outcome;
        assert!(matches!(outcome, taizhang_sync::DocOutcome::Rejected { .. }), "{doc}: {outcome:?}");
    }

    // The same change stored by an older server, which stored log changes without applying them.
    let legacy = taizhang_sync::parse_changes(&li_log, vec![poisoned_change(actor)]).expect("parses");
    server.store.push(demo::VILLAGE.0, &li_log, legacy, NOW).await.expect("stored as an older server did");

    // 李明 records a visit in the same month (same document) and a household edit.
    let me = demo::member_id(0);
    let v = visit(me, household(1), NOW, "走访，家里有病人");
    li.record_visit(&v, NOW).expect("visit");
    let mut h = li.store().household(household(2)).expect("read").expect("exists").record;
    h.plan = "改种茶叶".into();
    li.put_household(&h, NOW).expect("edit");
    let report = li.sync(&server.transport(), NOW).await.expect("李明's sync completes");
    println!("李明: {report:?}");

    // 王芳's new phone: the poisoned document is skipped and reported; the rest arrives.
    let mut wang = server.device(1).await;
    let report = wang.sync(&server.transport(), NOW).await.expect("王芳's sync completes");
    assert!(
        report.skipped_downloads.iter().any(|(d, why)| d == &li_log && why.contains("inconsistent")),
        "the poisoned change is reported: {report:?}"
    );
    assert!(
        wang.store().visits(None, 0, i64::MAX).expect("visits").iter().any(|r| r.record.id == v.id),
        "李明's visit, in the same document as the poison, still arrives"
    );
    let got = wang.store().household(household(2)).expect("read").expect("exists").record;
    assert_eq!(got.plan, "改种茶叶", "the registry edit arrived despite the poisoned log");
    assert_eq!(wang.store().counts().expect("counts").households, 8);

    // The server is still up for everyone, and 王芳's own new work syncs.
    wang.check_in(&check_in(demo::member_id(1), NOW), NOW).expect("check-in");
    wang.sync(&server.transport(), NOW).await.expect("王芳 syncs again");
    assert!(wang.pending_docs().expect("pending").is_empty());
    let v2 = visit(me, household(3), NOW + 1000, "复访");
    li.record_visit(&v2, NOW + 1000).expect("second visit in the poisoned document");
    li.sync(&server.transport(), NOW + 1000).await.expect("李明 syncs again");
    assert!(li.pending_docs().expect("pending").is_empty(), "李明's new visit went through");
    let mut zhang = server.device(2).await;
    zhang.sync(&server.transport(), NOW).await.expect("张伟 syncs");
    assert_eq!(zhang.store().check_ins(None, 0, i64::MAX).expect("check-ins").len(), 1);
    let ids: Vec<_> =
        zhang.store().visits(None, 0, i64::MAX).expect("visits").into_iter().map(|r| r.record.id).collect();
    assert!(ids.contains(&v.id) && ids.contains(&v2.id), "both of 李明's visits reach 张伟");
}
