//! Batch signatures at the server (issue 23): a device vouches for its changes with one
//! signature per batch instead of one per change, and a teammate's phone relays them with the
//! batch. 李明 writes two check-ins in the village without signal and signs them as one batch
//! (with a third change of his that is not in this push); 王芳's phone carries them to town.
//! The server refuses the batch when 王芳's phone signs it in 李明's name, and when it is
//! stretched over a change 李明 did not sign; it takes 李明's own batch, keeps it once (a push
//! sent twice stores nothing twice), and sends it down — by position and the missing members'
//! hashes — to a device that reads version 2, which checks it with 李明's key. A device that
//! still speaks version 1 gets no signature it could not read.

use std::sync::Arc;

use taizhang_doc::{demo, write};
use taizhang_domain::{CheckIn, CheckInId, CheckKind, MemberId};
use taizhang_peer::{BatchSig, Proofs, Trailer};
use taizhang_sync::{DocOutcome, DocPush, Hash, SyncRequest, SyncResponse, MAX_DECODED_BYTES, PROTOCOL_VERSION};
use taizhang_tests::*;
use uuid::Uuid;

fn log_doc(member: Uuid) -> String {
    format!("log/{member}/2026-11")
}

/// Two check-ins of `member` made one after the other with `actor`, on top of the server's log.
async fn two_check_ins(server: &TestServer, member: Uuid, actor: &[u8]) -> Vec<Vec<u8>> {
    let stored = server.store.doc_changes(demo::VILLAGE.0, &log_doc(member)).await.expect("doc changes");
    let mut am = taizhang_sync::load_stored(&stored).expect("load");
    am.set_actor(automerge::ActorId::from(actor.to_vec()));
    let before = am.get_heads();
    for (i, kind) in [CheckKind::In, CheckKind::Out].into_iter().enumerate() {
        let c = CheckIn {
            id: CheckInId(Uuid::from_u128(0xc0 + i as u128)),
            member: MemberId(member),
            at: NOW + i as i64 * 3_600_000,
            kind,
            location: None,
            in_geofence: None,
        };
        let mut tx = am.transaction();
        write(&mut tx, &c).expect("write");
        tx.commit_with(automerge::transaction::CommitOptions::default().with_time(NOW));
    }
    am.get_changes(&before).iter().map(|c| c.raw_bytes().to_vec()).collect()
}

fn request(docs: Vec<(String, Vec<Vec<u8>>)>) -> SyncRequest {
    SyncRequest {
        version: PROTOCOL_VERSION,
        village: demo::VILLAGE.0,
        cursor: 0,
        want_bytes: taizhang_sync::MAX_BATCH_BYTES as u32,
        docs: docs.into_iter().map(|(doc, changes)| DocPush { doc, changes, sync_message: None }).collect(),
    }
}

fn outcome(status: u16, answer: &[u8]) -> (DocOutcome, SyncResponse, Trailer) {
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(answer));
    let (resp, trailer) = taizhang_peer::decode_signed_response(answer, MAX_DECODED_BYTES).expect("answer");
    (resp.results.first().map(|r| r.outcome.clone()).unwrap_or(DocOutcome::Accepted { new: 0 }), resp, trailer)
}

fn rejected_as(o: &DocOutcome) -> String {
    match o {
        DocOutcome::Rejected { code, .. } => code.clone(),
        other => format!("not rejected: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relayed_batch_is_checked_kept_once_and_sent_down_in_the_version_the_device_speaks() {
    let server = TestServer::start(4).await;
    let li = RawDevice::enroll(&server.url, &server.code(0).await).await.expect("李明");
    let wang = RawDevice::enroll(&server.url, &server.code(1).await).await.expect("王芳");
    let zhang = RawDevice::enroll(&server.url, &server.code(2).await).await.expect("张伟");
    let changes = two_check_ins(&server, li.account, &li.actor).await;
    let req = request(vec![(log_doc(li.account), changes.clone())]);
    let hashes: Vec<Hash> = taizhang_peer::request_hashes(&req).into_iter().flatten().collect();
    assert_eq!(hashes.len(), 2);
    let elsewhere: Hash = [0x5e; 32];
    let body = |batch: BatchSig| {
        let mut p = Proofs::default();
        p.add_batch(Arc::new(batch), hashes.clone());
        taizhang_peer::encode_proven_request(&req, &p)
    };

    // 王芳's phone signs 李明's check-ins as a batch of its own: refused, nothing stored.
    let (status, answer) = wang.post_body(body(BatchSig::sign(&wang.secret, hashes.clone()))).await;
    assert_eq!(rejected_as(&outcome(status, &answer).0), "bad_signature");
    // 李明's batch of only the first check-in, stretched over both on the way: refused.
    let first_only = BatchSig::sign(&li.secret, vec![hashes[0]]);
    let stretched = BatchSig::new(first_only.sig.clone(), hashes.clone());
    let (status, answer) = wang.post_body(body(stretched)).await;
    assert_eq!(rejected_as(&outcome(status, &answer).0), "bad_signature");
    let stored = server.store.doc_changes(demo::VILLAGE.0, &log_doc(li.account)).await.expect("changes");
    assert!(!stored.contains(&changes[0]), "nothing of a refused batch is stored");

    // 李明's own batch (with a third change of his that this push does not carry): taken.
    let genuine = BatchSig::sign(&li.secret, vec![hashes[0], hashes[1], elsewhere]);
    let (status, answer) = wang.post_body(body(genuine.clone())).await;
    assert_eq!(outcome(status, &answer).0, DocOutcome::Accepted { new: 2 });
    // Sent twice (the answer was lost): nothing stored twice, the batch kept once.
    let (status, answer) = wang.post_body(body(genuine.clone())).await;
    assert_eq!(outcome(status, &answer).0, DocOutcome::Accepted { new: 0 });
    let kept = server.store.change_proofs(demo::VILLAGE.0, &hashes).await.expect("proofs");
    assert!(kept.singles.is_empty());
    assert_eq!(kept.batches.len(), 1, "one batch for both check-ins");
    assert_eq!(kept.batches[0].0.members, genuine.members);
    assert_eq!(kept.batches[0].0.digest, genuine.digest());

    // 张伟 reads version 2: the batch comes down, by position and the missing member's hash,
    // and verifies with 李明's key for both check-ins.
    let down = request(Vec::new());
    let v2 = taizhang_peer::encode_request_with(&down, &Trailer { version: 2, ..Trailer::default() });
    let (status, answer) = zhang.post_body(v2).await;
    let (_, resp, trailer) = outcome(status, &answer);
    assert_eq!(trailer.version, 2);
    let wire = trailer.batches.iter().find(|b| b.extra == vec![elsewhere]).expect("李明's batch comes down");
    assert_eq!(wire.at.len(), 2, "both check-ins named by position");
    let proofs = trailer.resolve(&taizhang_peer::response_hashes(&resp));
    let li_key = taizhang_auth::public_key(&li.secret);
    for h in &hashes {
        proofs.get(h).expect("vouched for").verify(&li_key, h).expect("李明's signature");
    }
    // A device on version 1 gets the same changes without a signature it could not read.
    let v1 = taizhang_peer::encode_signed_request(&down, &[]);
    let (status, answer) = zhang.post_body(v1).await;
    let (_, resp1, trailer1) = outcome(status, &answer);
    assert_eq!(trailer1.version, 1);
    assert!(trailer1.batches.is_empty() && !trailer1.sigs.iter().any(|s| hashes.contains(&s.hash)));
    assert_eq!(resp1.download, resp.download, "the same changes either way");
}
