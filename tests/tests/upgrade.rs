//! Promise 5: updating the app never loses records that were not yet synced. A store written by
//! the schema-1 app (committed fixture, see tests/fixtures/README.md) with four unsynced edits is
//! opened by this version — which migrates it — and everything it held reaches another device.

use taizhang_client::Ledger;
use taizhang_domain::{HouseholdId, YearMonth};
use taizhang_tests::{account, TestServer, NOW};

fn manifest() -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/store-v1-unsynced.json"))
        .expect("fixture manifest");
    serde_json::from_str(&text).expect("manifest is JSON")
}

fn has_records(l: &Ledger, m: &serde_json::Value) {
    let s = l.store();
    let id = |k: &str| m[k].as_str().expect("id in manifest").to_string();
    let visits = s.visits(None, 0, i64::MAX).expect("visits");
    assert!(visits.iter().any(|v| v.record.id.to_string() == id("visit")), "the offline visit");
    let checks = s.check_ins(None, 0, i64::MAX).expect("check-ins");
    assert!(checks.iter().any(|c| c.record.id.to_string() == id("check_in")), "the offline check-in");
    let month: YearMonth = "2026-11".parse().expect("month");
    let diary = s.diary(taizhang_doc::demo::member_id(1), month).expect("diary");
    assert!(diary.iter().any(|d| d.record.id.to_string() == id("diary")), "the offline diary entry");
    let hh: HouseholdId = id("household").parse().expect("household id");
    let h = s.household(hh).expect("query").expect("household present");
    assert_eq!(h.record.plan, id("plan"), "the offline household edit");
}

#[tokio::test]
async fn a_schema_1_store_with_unsynced_records_opens_migrated_and_syncs_everything() {
    let m = manifest();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("wang.sqlite3");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/store-v1-unsynced.sqlite3"), &path)
        .expect("copy fixture");

    let mut wang = Ledger::open(&path).expect("the old store opens with the new version");
    let version: i64 = {
        let conn = taizhang_store::rusqlite::Connection::open(&path).expect("open");
        conn.query_row("SELECT MAX(version) FROM schema_migrations", [], |r| r.get(0)).expect("schema version")
    };
    let latest = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/client"))
        .expect("client migrations")
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql")))
        .count() as i64;
    assert_eq!(version, latest, "migrated to the newest schema ({latest})");
    has_records(&wang, &m);
    assert_eq!(wang.pending_docs().expect("pending").len(), 2, "the registry and the November log wait to be sent");
    assert!(wang.store().sync_journal(10).expect("journal").is_empty(), "the new journal starts empty");

    let server = TestServer::start(12).await;
    // The update adds enrollment: the old store keeps its actor and becomes 王芳's device.
    assert_eq!(account(1).id, taizhang_doc::demo::member_id(1).0, "王芳's account is her member id");
    assert!(matches!(wang.sync(&server.transport(), NOW).await, Err(taizhang_client::ClientError::NotEnrolled)));
    let code = server.code(1).await;
    wang.enroll_existing(&server.transport(), &code, "王芳的手机（升级后）", NOW).await.expect("enroll the old store");
    has_records(&wang, &m);
    let report = wang.sync(&server.transport(), NOW).await.expect("sync after the update");
    assert!(report.changes_pushed >= 4, "{report:?}");
    assert!(wang.pending_docs().expect("pending").is_empty());
    let journal = wang.store().sync_journal(10).expect("journal");
    assert_eq!(journal.len(), 2, "the refused sync before enrollment, then the good one");
    assert!(journal[0].ok && journal[0].pushed == report.changes_pushed);
    assert!(!journal[1].ok && journal[1].error.is_some());

    let mut li = server.device(0).await;
    li.sync(&server.transport(), NOW).await.expect("another device syncs");
    has_records(&li, &m);
}

/// Issue 21: the same schema-1 store, still plain, opened by an app that encrypts — with a key
/// derived from a PIN (the path when there is no keystore). It is encrypted in place; the
/// household names, the unsynced records and the device key are no longer readable in the
/// file, and everything reaches another device.
#[tokio::test]
async fn a_plain_schema_1_store_is_encrypted_in_place_and_still_syncs_everything() {
    use taizhang_client::keystore::{KeyStore, MemoryKeyStore, PinKdf};
    let m = manifest();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("wang.sqlite3");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/store-v1-unsynced.sqlite3"), &path)
        .expect("copy fixture");
    let plain = std::fs::read(&path).expect("read fixture");
    let head = taizhang_doc::demo::households(1)[0].head.clone();
    assert!(plain.windows(head.len()).any(|w| w == head.as_bytes()), "the plain fixture shows {head}");

    let kdf = PinKdf::with_cost(1024, 1);
    kdf.save(&path).expect("save the PIN's salt");
    let key = PinKdf::load(&path).expect("load").expect("saved").derive("246810").expect("derive");
    let mut wang = Ledger::open_keyed(&path, Some(&key)).expect("the old store opens encrypted");
    has_records(&wang, &m);
    assert_eq!(wang.pending_docs().expect("pending").len(), 2, "nothing unsynced lost");

    let server = TestServer::start(12).await;
    let code = server.code(1).await;
    wang.enroll_existing(&server.transport(), &code, "王芳的手机（加密后）", NOW).await.expect("enroll");
    let device_key = wang.store().meta("device_key").expect("meta").expect("a device key");
    drop(wang);
    for file in std::iter::once(path.clone()).chain(taizhang_store::companion_files(&path)) {
        let Ok(bytes) = std::fs::read(&file) else { continue };
        for needle in [head.as_bytes(), device_key.as_bytes(), b"SQLite format 3".as_slice()] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{} shows {needle:?}", file.display());
        }
    }
    // A wrong PIN opens nothing; the right one (and a keystore holding the key) opens it again.
    let wrong = kdf.derive("135790").expect("derive");
    assert!(Ledger::open_keyed(&path, Some(&wrong)).is_err());
    let keystore = MemoryKeyStore::default();
    keystore.save("wang", &key).expect("keep");
    let again = keystore.load("wang").expect("load").expect("kept");
    let mut wang = Ledger::open_keyed(&path, Some(&again)).expect("reopen");
    let report = wang.sync(&server.transport(), NOW).await.expect("sync after the encryption");
    assert!(report.changes_pushed >= 4, "{report:?}");
    assert!(wang.pending_docs().expect("pending").is_empty());
    let mut li = server.device(0).await;
    li.sync(&server.transport(), NOW).await.expect("another device syncs");
    has_records(&li, &m);
}
