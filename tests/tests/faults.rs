//! The link drops mid-transfer, requests repeat, bodies are garbage: nothing acknowledged is
//! lost, nothing is duplicated, and the server keeps serving.

use taizhang_doc::demo;
use taizhang_tests::*;

fn big_week(l: &mut taizhang_client::Ledger, member: usize, visits: usize) {
    let id = demo::member_id(member);
    for k in 0..visits {
        let at = NOW + k as i64 * 600_000;
        // About 1.5 KB a visit: 150 of them are more than one answer of `MAX_DOWNLOAD_BYTES`.
        let text = format!("第{k}次走访：{}", "家庭收入来源单一，需要技能培训。".repeat(24));
        l.record_visit(&visit(id, household(k % 60), at, &text), at).expect("visit");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_link_mid_transfer_loses_and_duplicates_nothing() {
    let server = TestServer::start(60).await;
    let mut li = server.device(0).await;
    li.sync(&server.transport(), NOW).await.expect("first sync");
    big_week(&mut li, 0, 150);

    // The answer of the second batch is lost; then the request of the next one never leaves.
    let flaky = FaultyTransport::new(server.transport(), [Fault::Pass, Fault::DropResponse]);
    let err = li.sync(&flaky, NOW).await.expect_err("the link dropped");
    assert!(err.to_string().contains("nothing was lost"), "{err}");
    let flaky = FaultyTransport::new(server.transport(), [Fault::Repeat, Fault::DropRequest]);
    assert!(li.sync(&flaky, NOW).await.is_err());
    let r = li.sync(&server.transport(), NOW).await.expect("retry succeeds");
    assert!(r.requests >= 1);
    assert!(li.pending_docs().expect("pending").is_empty());

    // Every change is on the server exactly once.
    let log = server.store.read_log(demo::VILLAGE.0, 0, usize::MAX).await.expect("log");
    let mut hashes: Vec<_> = log.entries.iter().map(|e| e.hash).collect();
    let n = hashes.len();
    hashes.sort();
    hashes.dedup();
    assert_eq!(hashes.len(), n, "no duplicates in the server log");
    assert_eq!(n, 1 + 150, "the seed plus 150 visits");

    // A fresh device downloads the whole village in resumable batches, through drops too —
    // change by change here (whole documents, as saved forms, resume in fresh_device.rs).
    let mut wang = server.device(1).await;
    wang.set_saved_forms(false);
    // 150 long visits are more than one answer: the second one is lost, the first is kept.
    let flaky = FaultyTransport::new(server.transport(), [Fault::Pass, Fault::DropResponse]);
    assert!(wang.sync(&flaky, NOW).await.is_err(), "a second answer was needed and lost");
    assert!(wang.store().counts().expect("counts").visits > 0, "the first answer's visits are kept");
    let r = wang.sync(&server.transport(), NOW).await.expect("resume");
    assert!(r.requests >= 1, "the rest comes on resume, got {}", r.requests);
    assert_eq!(digest(&wang), digest(&li));
    assert_eq!(wang.store().counts().expect("counts").visits, 150);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_restored_from_an_older_backup_gets_the_lost_changes_back() {
    // Li syncs with server A; server A is lost and replaced by server B restored from a
    // backup taken before Li's last sync: B lacks changes Li thinks are confirmed.
    let dir = tempfile::tempdir().expect("tempdir");
    let limits = taizhang_sync_server::Limits::default();
    let a_store = taizhang_server_sqlite::SqliteStore::open(&dir.path().join("a.sqlite3")).expect("open A");
    let a = TestServer::serve(std::sync::Arc::new(a_store.clone()), 20, limits).await;
    let li_id = demo::member_id(0);
    let mut li = a.device(0).await;
    let mut wang = a.device(1).await;
    li.sync(&a.transport(), NOW).await.expect("sync with A");
    // The nightly backup: devices enrolled, the village as it was.
    let backup = dir.path().join("b.sqlite3");
    a_store.backup_to(&backup).await.expect("backup");
    li.record_visit(&visit(li_id, household(1), NOW, "第一次走访"), NOW).expect("visit 1");
    li.sync(&a.transport(), NOW).await.expect("sync visit 1 with A");
    drop(a); // server A is lost
    let b_store = taizhang_server_sqlite::SqliteStore::open(&backup).expect("open B");
    let b = TestServer::serve(std::sync::Arc::new(b_store), 20, limits).await;
    li.record_visit(&visit(li_id, household(2), NOW + 1000, "第二次走访"), NOW + 1000).expect("visit 2");
    let r = li.sync(&b.transport(), NOW + 2000).await.expect("sync with restored B");
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    assert!(r.fallback_docs >= 1, "B did not know Li's confirmed heads: fallback used");
    assert!(li.pending_docs().expect("pending").is_empty());

    wang.sync(&b.transport(), NOW + 3000).await.expect("wang pulls from B");
    assert_eq!(wang.store().counts().expect("counts").visits, 2, "both visits reached B");
    assert_eq!(digest(&wang), digest(&li));
}

async fn post(url: &str, token: &str, body: Vec<u8>) -> (u16, String) {
    let resp =
        reqwest::Client::new().post(format!("{url}/v1/sync")).bearer_auth(token).body(body).send().await.expect("post");
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_oversized_bodies_get_4xx_and_the_server_keeps_serving() {
    let server = TestServer::start(5).await;
    let mut li = server.device(0).await;
    let token = li.sign_in(&server.transport()).await.expect("sign in");
    let (s, msg) = post(&server.url, "not-a-token", b"hello".to_vec()).await;
    assert_eq!(s, 401, "garbage without a valid token is not even read: {msg}");
    let (s, msg) = post(&server.url, &token, b"hello".to_vec()).await;
    assert_eq!(s, 400, "{msg}");
    assert!(msg.contains("zstd"), "{msg}");

    let (s, msg) = post(&server.url, &token, zstd::bulk::compress(b"not postcard at all", 3).expect("zstd")).await;
    assert_eq!(s, 400, "{msg}");

    let bomb = zstd::bulk::compress(&vec![0u8; 64 * 1024 * 1024], 19).expect("zstd");
    assert!(bomb.len() < 64 * 1024);
    let (s, msg) = post(&server.url, &token, bomb).await;
    assert_eq!(s, 413, "{msg}");

    let (s, _) = post(&server.url, &token, vec![7u8; 2 * 1024 * 1024]).await;
    assert_eq!(s, 413);

    let req = taizhang_sync::SyncRequest {
        version: taizhang_sync::PROTOCOL_VERSION,
        village: uuid::Uuid::from_u128(99),
        cursor: 0,
        want_bytes: 1000,
        docs: vec![],
    };
    let (s, msg) = post(&server.url, &token, taizhang_sync::encode_request(&req)).await;
    assert_eq!(s, 404, "{msg}");

    // A bad document and a bad change are refused per document, not per request.
    let req = taizhang_sync::SyncRequest {
        village: demo::VILLAGE.0,
        docs: vec![
            taizhang_sync::DocPush { doc: "../etc/passwd".into(), changes: vec![], sync_message: None },
            taizhang_sync::DocPush {
                doc: "registry".into(),
                changes: vec![vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 1, 0]],
                sync_message: None,
            },
        ],
        ..req
    };
    let (s, _) = post(&server.url, &token, taizhang_sync::encode_request(&req)).await;
    assert_eq!(s, 200);

    // Still serving real devices.
    li.sync(&server.transport(), NOW).await.expect("sync after garbage");
    assert_eq!(li.store().counts().expect("counts").households, 5);
}
