//! A change a phone got from the server goes on to a teammate's phone (issue 20). 李明 records a
//! visit in town and syncs; 王芳 syncs after him and receives the visit together with 李明's
//! signature of it (a device that sends the signature trailer reads one in the answer). Back in
//! the village without signal, 张伟 — who has not been to town since — meets 王芳: her phone
//! passes 李明's visit on, vouched for by 李明's signature (a phone only gives a teammate what
//! it can vouch for), and 张伟's phone checks it like the server would. Before the server sent
//! signatures down, 王芳's phone could not pass it on and 张伟 waited for town. Since issue 23
//! 李明's phone signs its pushes in batches, so the visit travels with 李明's batch signature
//! (peer exchange version 3).

use taizhang_tests::*;

fn member(i: usize) -> taizhang_domain::MemberId {
    taizhang_doc::demo::member_id(i)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visit_from_the_server_travels_on_to_a_teammate_without_network() {
    let server = TestServer::start(6).await;
    let t = server.transport();
    let (mut li, mut wang, mut zhang) = (server.device(0).await, server.device(1).await, server.device(2).await);
    for d in [&mut li, &mut wang, &mut zhang] {
        d.sync(&t, NOW).await.expect("first sync in town");
    }
    let signatures = |l: &taizhang_client::Ledger| l.store().change_signature_count().expect("count");
    let before = signatures(&wang);

    // In town: 李明 records a visit and syncs; 王芳 syncs after him.
    let v = visit(member(0), household(2), NOW + 60_000, "王大爷的低保年审材料已交镇上");
    li.record_visit(&v, NOW + 60_000).expect("李明's visit");
    li.sync(&t, NOW + 120_000).await.expect("李明 syncs");
    let report = wang.sync(&t, NOW + 180_000).await.expect("王芳 syncs");
    assert!(report.changes_received >= 1, "王芳 receives 李明's visit: {report:?}");
    assert!(signatures(&wang) > before, "and its author's signature with it");
    assert!(wang.store().visits_of_household(household(2)).expect("visits").iter().any(|r| r.record.id == v.id));

    // In the village, no network: 王芳 offers, 张伟 joins.
    assert!(!zhang.store().visits_of_household(household(2)).expect("visits").iter().any(|r| r.record.id == v.id));
    let at = NOW + 3_600_000;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let addr = listener.local_addr().expect("address");
    let (served, joined) =
        tokio::join!(wang.peer_serve_one(&listener, "RELAY-TEST", at), zhang.peer_sync(addr, "RELAY-TEST", at));
    served.expect("王芳's phone completes the exchange");
    joined.expect("张伟's phone completes the exchange");
    let got = zhang.store().visits_of_household(household(2)).expect("visits");
    assert!(got.iter().any(|r| r.record.id == v.id), "李明's visit reached 张伟 through 王芳's phone");

    // Back in town, 张伟's sync finds the server already has it: nothing refused (the visit goes
    // up again with 李明's batch signature, which the server checks like any relay), all converge.
    let r = zhang.sync(&t, at + 60_000).await.expect("张伟 syncs");
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    li.sync(&t, at + 60_000).await.expect("李明 syncs");
    wang.sync(&t, at + 60_000).await.expect("王芳 syncs");
    assert_eq!(digest(&zhang), digest(&li));
    assert_eq!(digest(&wang), digest(&li));
}

/// Pseudo-random Chinese text of `n` characters (Automerge deflates what repeats; this does
/// not), from a seed.
fn notes(seed: u64, n: usize) -> String {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from_u32(0x4E00 + (x % 0x5000) as u32).unwrap_or('村')
        })
        .collect()
}

/// A month of long visit notes (about 5 MB of changes) is more than one message of the peer
/// channel may carry (4 MiB): it goes in batches of at most 1 MiB, each judged and kept as it
/// arrives, and all of it reaches the teammate (version 1 sent everything in one message and
/// failed with "too large").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_one_message_of_changes_goes_in_batches() {
    let server = TestServer::start(6).await;
    let t = server.transport();
    let (mut li, mut wang) = (server.device(0).await, server.device(1).await);
    li.sync(&t, NOW).await.expect("李明 in town");
    wang.sync(&t, NOW).await.expect("王芳 in town");

    let n = 300usize;
    for i in 0..n {
        let at = NOW + 60_000 * (i as i64 + 1);
        let v = visit(member(0), household(i % 6), at, &notes(i as u64, 9_000));
        li.record_visit(&v, at).expect("a long visit note");
    }
    let at = NOW + 60_000 * (n as i64 + 10);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let addr = listener.local_addr().expect("address");
    let (served, joined) =
        tokio::join!(wang.peer_serve_one(&listener, "BATCH-TEST", at), li.peer_sync(addr, "BATCH-TEST", at));
    let served = served.expect("王芳's phone completes the exchange");
    let joined = joined.expect("李明's phone completes the exchange");
    assert!(
        joined.bytes_out > taizhang_peer::channel::MAX_MESSAGE as u64,
        "more than one message could carry: {} B",
        joined.bytes_out
    );
    assert!(joined.batches_sent >= 4, "{joined:?}");
    assert_eq!(joined.changes_sent, n as u32, "{joined:?}");
    assert_eq!(served.changes_received, n as u32, "every visit reached 王芳: {served:?}");
    assert!(served.refused.is_empty(), "{served:?}");
    let hers: usize = (0..6).map(|h| wang.store().visits_of_household(household(h)).expect("visits").len()).sum();
    assert_eq!(hers, n);
}

/// Found by the convergence test: a phone can hold a teammate's changes under two of the
/// teammate's batches — the first visit under the small batch it got phone to phone, the second
/// under the later batch the server sent down, which covers the first visit too. Relaying both,
/// the later batch must still name the first visit (it is part of what was signed), or the
/// server refuses it as forged and the phone keeps the visit unsent for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_held_under_two_batches_of_its_author_relays_to_the_server() {
    let server = TestServer::start(6).await;
    let t = server.transport();
    let (mut li, mut wang, mut zhang) = (server.device(0).await, server.device(1).await, server.device(2).await);
    for d in [&mut li, &mut wang, &mut zhang] {
        d.sync(&t, NOW).await.expect("first sync in town");
    }
    let meet = |code: &'static str| async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listen");
        (listener.local_addr().expect("address"), listener, code)
    };
    // 李明's first visit goes to 王芳 phone to phone (李明's batch of that visit alone).
    let first = visit(member(0), household(1), NOW + 60_000, "第一次走访");
    li.record_visit(&first, NOW + 60_000).expect("visit");
    let (addr, listener, code) = meet("TWO-BATCH-1").await;
    let (a, b) =
        tokio::join!(li.peer_serve_one(&listener, code, NOW + 90_000), wang.peer_sync(addr, code, NOW + 90_000));
    a.expect("李明 offers");
    b.expect("王芳 joins");
    // 李明's second visit; he syncs both (his batch of both visits).
    let second = visit(member(0), household(2), NOW + 120_000, "第二次走访");
    li.record_visit(&second, NOW + 120_000).expect("visit");
    li.sync(&t, NOW + 150_000).await.expect("李明 syncs");
    // 王芳 syncs: the second visit comes down under the batch of both.
    let r = wang.sync(&t, NOW + 180_000).await.expect("王芳 syncs");
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    // 张伟 meets 王芳 and gets both visits, each under its own batch, then goes to town.
    let (addr, listener, code) = meet("TWO-BATCH-2").await;
    let (a, b) =
        tokio::join!(wang.peer_serve_one(&listener, code, NOW + 200_000), zhang.peer_sync(addr, code, NOW + 200_000));
    a.expect("王芳 offers");
    b.expect("张伟 joins");
    let r = zhang.sync(&t, NOW + 240_000).await.expect("张伟 syncs");
    assert!(r.rejected.is_empty(), "the server takes both batches: {:?}", r.rejected);
    assert!(zhang.pending_docs().expect("pending").is_empty(), "nothing left unsent");
    assert_eq!(digest(&zhang), digest(&li));
}
