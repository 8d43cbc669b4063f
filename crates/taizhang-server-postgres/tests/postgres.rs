//! The PostgreSQL backend against a real server (`TAIZHANG_TEST_DATABASE_URL`): the storage
//! story every backend runs, plus what only a shared database has to get right — several
//! pools (server instances) pushing to one document at once, readers following the log by
//! cursor while writers commit, and instances migrating the same schema at the same moment.
//! Each test works in a fresh schema; without the variable each test prints that it skipped.

use std::collections::HashSet;
use std::sync::Arc;

use automerge::transaction::Transactable;
use automerge::{ActorId, Automerge, ROOT};
use taizhang_server_db::{Account, AccountStore, DbError, Device, PushResult, Redeemed, ServerStore};
use taizhang_server_postgres::testing::{connect_schema, fresh_schema, store_or_skip, url_or_skip};
use taizhang_server_postgres::{PgOptions, PgStore};
use taizhang_sync::{parse_changes, ParsedChange};
use uuid::Uuid;

fn new_changes(doc: &mut Automerge, doc_name: &str, n: usize, tag: &str) -> Vec<ParsedChange> {
    let before = doc.get_heads();
    for i in 0..n {
        let mut tx = doc.transaction();
        let _ = tx.put(ROOT, format!("{tag}/{i}"), "入户走访".repeat(4));
        tx.commit();
    }
    let raw = doc.get_changes(&before).iter().map(|c| c.raw_bytes().to_vec()).collect();
    parse_changes(doc_name, raw).expect("parse")
}

#[tokio::test]
async fn the_storage_story_holds_on_postgres() {
    let Some((store, _, _)) = store_or_skip("the_storage_story_holds_on_postgres").await else { return };
    taizhang_server_db::testkit::store_story(&store).await;
    assert_eq!(store.durability().await.expect("settings"), "fsync=on synchronous_commit=on");

    // A cursor past the end (a database restored from an older backup) reads from the start.
    let village = Uuid::from_u128(0x7a1);
    let all = store.read_log(village, 0, usize::MAX).await.expect("log");
    let past = store.read_log(village, all.cursor + 100, usize::MAX).await.expect("past the end");
    assert_eq!(past.entries, all.entries);
    assert_eq!(past.cursor, all.cursor);
    // An unknown village reads as empty, and pushing to it is an error, not a silent loss.
    let nowhere = Uuid::from_u128(0xdead);
    assert!(store.read_log(nowhere, 0, usize::MAX).await.expect("log").entries.is_empty());
    let mut d = Automerge::new().with_actor(ActorId::from(vec![9u8; 16]));
    let changes = new_changes(&mut d, "registry", 1, "x");
    assert!(matches!(store.push(nowhere, "registry", changes, 1).await, Err(DbError::Backend(_))));
}

#[tokio::test]
async fn the_actor_reuse_story_holds_on_postgres() {
    let Some((store, _, _)) = store_or_skip("the_actor_reuse_story_holds_on_postgres").await else { return };
    taizhang_server_db::testkit::actor_reuse_story(&store).await;
}

#[tokio::test]
async fn concurrent_pushes_fail_alone_on_postgres() {
    let Some((store, _, _)) = store_or_skip("concurrent_pushes_fail_alone_on_postgres").await else { return };
    taizhang_server_db::testkit::concurrent_push_story(std::sync::Arc::new(store)).await;
}

#[tokio::test]
async fn the_account_story_holds_on_postgres() {
    let Some((store, _, _)) = store_or_skip("the_account_story_holds_on_postgres").await else { return };
    taizhang_server_db::testkit::account_story(&store).await;

    // Listings in SQLite's order: places by kind then name (byte order), accounts by role
    // then name, devices by enrollment time.
    let places = store.places().await.expect("places");
    let kinds: Vec<&str> = places.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, ["county", "township", "village", "village", "village"]);
    let villages: Vec<&str> = places[2..].iter().map(|p| p.name.as_str()).collect();
    assert_eq!(villages, ["新寨村", "石门村", "高坡村"], "villages by name in byte order");
    assert_eq!(places[3].parent, places.get(1).map(|t| t.id), "the village sits in the township");
    let village = places[3].id;
    let mut zhang = Account {
        id: Uuid::from_u128(0xa2),
        name: "张华".into(),
        role: taizhang_auth::Role::Member,
        village: Some(village),
        township: None,
        county: None,
        created_at: 20,
    };
    store.create_account(&zhang).await.expect("member");
    let admin = Account {
        id: Uuid::from_u128(0xa3),
        name: "Admin".into(),
        role: taizhang_auth::Role::Admin,
        village: None,
        ..zhang.clone()
    };
    store.create_account(&admin).await.expect("admin");
    let roles: Vec<String> =
        store.accounts().await.expect("accounts").iter().map(|a| a.role.code().to_string()).collect();
    let mut sorted = roles.clone();
    sorted.sort();
    assert_eq!(roles, sorted, "accounts by role");
    let enrolled: Vec<i64> = store.devices().await.expect("devices").iter().map(|d| d.enrolled_at).collect();
    assert!(enrolled.windows(2).all(|w| w[0] <= w[1]), "devices by enrollment time");

    // Bad references are clear errors and store nothing.
    zhang.id = Uuid::from_u128(0xa4);
    zhang.village = Some(Uuid::from_u128(0xdead));
    assert!(matches!(store.create_account(&zhang).await, Err(DbError::NotFound(_))), "unknown village");
    assert_eq!(store.account(zhang.id).await.expect("account"), None, "nothing stored");
    assert!(matches!(
        store.add_enrollment_code([11; 32], Uuid::from_u128(0xbad), 1, 2).await,
        Err(DbError::NotFound(_))
    ));
    assert!(matches!(
        store.set_village_township(Uuid::from_u128(0xdead), places[1].id).await,
        Err(DbError::NotFound(_))
    ));
}

/// Several server instances (pools) redeeming one code at once: exactly one device is
/// enrolled, the others are told the code is used, and every instance agrees on one key.
#[tokio::test]
async fn instances_racing_on_one_code_and_the_server_key_agree() {
    let Some(url) = url_or_skip("instances_racing_on_one_code_and_the_server_key_agree") else { return };
    let schema = fresh_schema();
    let a = connect_schema(&url, &schema).await;
    let b = connect_schema(&url, &schema).await;
    let village = Uuid::now_v7();
    a.create_village(village, "石门村").await.expect("village");
    let li = Account {
        id: Uuid::now_v7(),
        name: "李明".into(),
        role: taizhang_auth::Role::FirstSecretary,
        village: Some(village),
        township: None,
        county: None,
        created_at: 1,
    };
    a.create_account(&li).await.expect("account");
    let code = [42u8; 32];
    a.add_enrollment_code(code, li.id, 1, 1_000).await.expect("code");

    let mut tasks = Vec::new();
    for i in 1..=8u8 {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            let device = Device {
                id: Uuid::from_u128(u128::from(i)),
                account: Uuid::nil(),
                name: format!("phone {i}"),
                public_key: vec![i; 32],
                actor: vec![i; 16],
                more_actors: Vec::new(),
                enrolled_at: 10,
                revoked_at: None,
                wipe_ordered_at: None,
            };
            let redeemed = store.redeem_enrollment_code(code, &device, 10).await.expect("redeem");
            let key = store.server_secret([i; 32]).await.expect("secret");
            (redeemed, key)
        }));
    }
    let mut outcomes = Vec::new();
    let mut keys = HashSet::new();
    for t in tasks {
        let (redeemed, key) = t.await.expect("task");
        outcomes.push(redeemed);
        keys.insert(key);
    }
    assert_eq!(outcomes.iter().filter(|r| **r == Redeemed::Enrolled).count(), 1, "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|r| **r == Redeemed::AlreadyUsed).count(), 7, "{outcomes:?}");
    let devices = b.devices().await.expect("devices");
    assert_eq!(devices.len(), 1, "one code, one device");
    assert_eq!(devices[0].account, li.id);
    assert_eq!(keys.len(), 1, "every instance got the same server key");
    let key = keys.into_iter().next().expect("a key");
    assert_eq!(a.server_secret([0; 32]).await.expect("secret"), key);
}

#[tokio::test]
async fn receipt_time_and_device_time_are_stored() {
    let Some((store, url, schema)) = store_or_skip("receipt_time_and_device_time_are_stored").await else { return };
    let village = Uuid::now_v7();
    store.create_village(village, "石门村").await.expect("village");
    let mut d = Automerge::new().with_actor(ActorId::from(vec![3u8; 16]));
    let changes = new_changes(&mut d, "registry", 2, "t");
    let device_times: Vec<i64> = changes.iter().map(|c| c.timestamp).collect();
    store.push(village, "registry", changes.clone(), 1_234_567).await.expect("push");
    store.push(village, "registry", changes, 9_999_999).await.expect("retry");

    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(conn);
    let rows = client
        .query(
            &format!("SELECT received_at, device_time FROM {schema}.changes WHERE village = $1 ORDER BY seq"),
            &[&village],
        )
        .await
        .expect("query");
    let got: Vec<(i64, i64)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(got, device_times.iter().map(|t| (1_234_567, *t)).collect::<Vec<_>>(), "first receipt kept");
}

/// Two server instances (separate pools) push concurrently to the same document: every change
/// is stored exactly once, seq numbers are gapless, and the heads are those of the union.
#[tokio::test]
async fn concurrent_pushes_to_one_document_through_two_pools_lose_nothing() {
    let Some(url) = url_or_skip("concurrent_pushes_to_one_document_through_two_pools_lose_nothing") else { return };
    let schema = fresh_schema();
    let a = connect_schema(&url, &schema).await;
    let b = connect_schema(&url, &schema).await;
    let village = Uuid::now_v7();
    a.create_village(village, "石门村").await.expect("village");

    let mut base = Automerge::new().with_actor(ActorId::from(vec![0u8; 16]));
    let base_changes = new_changes(&mut base, "registry", 3, "base");
    a.push(village, "registry", base_changes, 1).await.expect("base");

    // 8 devices, each with 3 batches of its own changes on top of the base.
    let mut merged = base.clone();
    let mut work = Vec::new();
    for dev in 1..=8u8 {
        let mut d = base.fork().with_actor(ActorId::from(vec![dev; 16]));
        let mut batches = Vec::new();
        for batch in 0..3 {
            batches.push(new_changes(&mut d, "registry", 2, &format!("dev{dev}/b{batch}")));
        }
        merged.merge(&mut d).expect("merge");
        work.push(batches);
    }
    let mut tasks = Vec::new();
    for (i, batches) in work.into_iter().enumerate() {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            for batch in batches {
                // Each batch twice, through the same instance: a retried request.
                for _ in 0..2 {
                    match store.push(village, "registry", batch.clone(), 2).await.expect("push") {
                        PushResult::Stored { .. } => {}
                        other => panic!("a device's own batch after its own earlier batches was refused: {other:?}"),
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }

    let log = b.read_log(village, 0, usize::MAX).await.expect("log");
    assert_eq!(log.entries.len(), 3 + 8 * 3 * 2, "every change exactly once");
    let seqs: Vec<u64> = log.entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=log.entries.len() as u64).collect::<Vec<_>>(), "gapless seq per village");
    let hashes: HashSet<_> = log.entries.iter().map(|e| e.hash).collect();
    assert_eq!(hashes.len(), log.entries.len());
    let bytes: Vec<Vec<u8>> = log.entries.iter().map(|e| e.bytes.clone()).collect();
    let loaded = taizhang_sync::load_stored(&bytes).expect("load");
    assert_eq!(loaded.get_heads(), merged.get_heads());
    let mut server_heads = a.heads(village, "registry").await.expect("heads");
    server_heads.sort();
    let mut want: Vec<[u8; 32]> = merged.get_heads().iter().map(|h| h.0).collect();
    want.sort();
    assert_eq!(server_heads, want);
}

/// Readers following the log by cursor while writers through two pools commit to many
/// documents of one village: no reader ever moves its cursor past a change it did not get.
#[tokio::test]
async fn a_reader_following_the_cursor_never_skips_a_change() {
    let Some(url) = url_or_skip("a_reader_following_the_cursor_never_skips_a_change") else { return };
    let schema = fresh_schema();
    let a = connect_schema(&url, &schema).await;
    let b = connect_schema(&url, &schema).await;
    let village = Uuid::now_v7();
    a.create_village(village, "石门村").await.expect("village");

    let writers = 6u8;
    let batches = 10;
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for w in 1..=writers {
        let store = if w % 2 == 0 { a.clone() } else { b.clone() };
        let done = done.clone();
        tasks.push(tokio::spawn(async move {
            let doc = format!("log/{w}/2026-11");
            let mut d = Automerge::new().with_actor(ActorId::from(vec![w; 16]));
            for i in 0..batches {
                let changes = new_changes(&mut d, &doc, 1, &format!("b{i}"));
                store.push(village, &doc, changes, 3).await.expect("push");
                tokio::task::yield_now().await;
            }
            done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }));
    }
    let mut readers = Vec::new();
    for r in 0..2 {
        let store = if r == 0 { a.clone() } else { b.clone() };
        let done = done.clone();
        readers.push(tokio::spawn(async move {
            let mut cursor = 0;
            let mut seen = HashSet::new();
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst) == usize::from(writers);
                let page = store.read_log(village, cursor, 300).await.expect("read");
                for e in &page.entries {
                    assert!(e.seq > cursor, "the log moves forward");
                    seen.insert(e.hash);
                }
                cursor = page.cursor;
                if finished && !page.more {
                    // One last pass after the writers are done; anything committed is below it.
                    let tail = store.read_log(village, cursor, usize::MAX).await.expect("tail");
                    seen.extend(tail.entries.iter().map(|e| e.hash));
                    return seen;
                }
            }
        }));
    }
    for t in tasks {
        t.await.expect("writer");
    }
    let all: HashSet<_> =
        a.read_log(village, 0, usize::MAX).await.expect("log").entries.iter().map(|e| e.hash).collect();
    assert_eq!(all.len(), usize::from(writers) * batches);
    for r in readers {
        let seen = r.await.expect("reader");
        let skipped = all.difference(&seen).count();
        assert_eq!(skipped, 0, "the reader following the cursor skipped {skipped} of {} changes", all.len());
        assert_eq!(seen, all);
    }
}

/// Four instances starting at once on an empty schema: one migrates, the others wait.
#[tokio::test]
async fn instances_starting_together_migrate_once() {
    let Some(url) = url_or_skip("instances_starting_together_migrate_once") else { return };
    let schema = fresh_schema();
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            let schema = schema.clone();
            tokio::spawn(async move { connect_schema(&url, &schema).await })
        })
        .collect();
    for s in starts {
        s.await.expect("instance started");
    }
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(conn);
    let row = client
        .query_one(&format!("SELECT count(*), max(version) FROM {schema}.schema_migrations"), &[])
        .await
        .expect("migrations");
    // As many as there are migration files, each once.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations/server-postgres");
    let files = std::fs::read_dir(dir)
        .expect("migrations dir")
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".sql")))
        .count();
    assert!(files >= 4, "migrations found: {files}");
    assert_eq!(row.get::<_, i64>(0), files as i64, "each migration recorded once");
    assert_eq!(row.get::<_, i32>(1), files as i32);
}

#[tokio::test]
async fn an_unreachable_database_is_a_clear_error_without_the_password() {
    // Port 1 on loopback: nothing listens there. Needs no PostgreSQL.
    let options = PgOptions { wait: std::time::Duration::from_secs(2), ..PgOptions::default() };
    match PgStore::connect_with("postgres://tz:hunter2@127.0.0.1:1/tz", options).await {
        Err(DbError::Open { path, reason }) => {
            assert_eq!(path, "postgres://tz:***@127.0.0.1:1/tz");
            assert!(!reason.contains("hunter2"));
        }
        other => panic!("expected an open error, got {other:?}"),
    }
    let bad = PgOptions { schema: Some("x; DROP TABLE villages".into()), ..PgOptions::default() };
    assert!(matches!(PgStore::connect_with("postgres://tz@127.0.0.1:1/tz", bad).await, Err(DbError::Open { .. })));
}

/// Even a URL that asks for asynchronous commits gets synchronous ones: "stored" is durable.
#[tokio::test]
async fn commits_are_synchronous_whatever_the_url_says() {
    let Some(url) = url_or_skip("commits_are_synchronous_whatever_the_url_says") else { return };
    let sep = if url.contains('?') { '&' } else { '?' };
    let lax = format!("{url}{sep}options=-c%20synchronous_commit%3Doff");
    let store = connect_schema(&lax, &fresh_schema()).await;
    assert_eq!(store.durability().await.expect("settings"), "fsync=on synchronous_commit=on");
}
