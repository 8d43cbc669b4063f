//! Promise 4, panic isolation: a change that parses but makes Automerge panic (an actor whose
//! sequence number jumps from nothing to 17 — found by the fuzzer) is pushed raw to the server.
//! The server stores bytes without applying them and keeps serving; the devices that download
//! it skip that one document, say so, and sync everything else; new work still flows.

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
    let mut li = device(0, 1);
    li.sync(&server.transport(), NOW).await.expect("first sync");
    let li_log = DocId::for_visit(&visit(demo::member_id(0), household(0), NOW, "x")).to_string();

    // Someone pushes the poisoned change into 李明's log document, bypassing the app.
    let req = taizhang_sync::SyncRequest {
        version: taizhang_sync::PROTOCOL_VERSION,
        village: demo::VILLAGE.0,
        cursor: 0,
        want_bytes: 1000,
        docs: vec![taizhang_sync::DocPush {
            doc: li_log.clone(),
            changes: vec![poisoned_change([0xee; 16])],
            sync_message: None,
        }],
    };
    let resp = reqwest::Client::new()
        .post(format!("{}/v1/sync", server.url))
        .body(taizhang_sync::encode_request(&req))
        .send()
        .await
        .expect("post");
    assert!(resp.status().is_success() || resp.status().is_client_error(), "no 5xx: {}", resp.status());

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
    let mut wang = device(1, 1);
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
    let mut zhang = device(2, 1);
    zhang.sync(&server.transport(), NOW).await.expect("张伟 syncs");
    assert_eq!(zhang.store().check_ins(None, 0, i64::MAX).expect("check-ins").len(), 1);
    let ids: Vec<_> =
        zhang.store().visits(None, 0, i64::MAX).expect("visits").into_iter().map(|r| r.record.id).collect();
    assert!(ids.contains(&v.id) && ids.contains(&v2.id), "both of 李明's visits reach 张伟");
}
