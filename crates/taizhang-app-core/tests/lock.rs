//! Issue 21's app lock in the app core: on a desktop without a keystore the PIN must be set
//! before joining and it keys the store (the file is encrypted; at the next start the store
//! stays closed until the PIN is entered); the lock closes after the idle time; five wrong PINs
//! make each further attempt wait on a PIN-keyed store and block a window-only lock, also across
//! a restart; a plain store from before is encrypted in place when the
//! PIN is set; with a keystore the PIN is optional and sync goes on behind a closed lock.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use taizhang_app_core::contract::{ErrorCode, HouseholdFilter, JoinRequest, SetPinRequest, StoreKeying};
use taizhang_app_core::{AppCore, AppError, Clock, PinKdf};
use taizhang_client::keystore::{keystore_key, MemoryKeyStore};

fn cheap_kdf() -> PinKdf {
    PinKdf::with_cost(256, 1)
}

/// A clock the test moves (starting at the real time: the server checks signed stamps).
fn clock() -> (Clock, Arc<AtomicI64>) {
    let t = Arc::new(AtomicI64::new(chrono::Utc::now().timestamp_millis()));
    let c = t.clone();
    (Arc::new(move || c.load(Ordering::SeqCst)), t)
}

fn open_pin_desktop(dir: &Path, clock: &Clock) -> AppCore {
    let store = dir.join("desk.sqlite3");
    AppCore::open_locked(store, dir.join("desk.json"), None, clock.clone(), (None, None), cheap_kdf).expect("open")
}

fn code_of(e: &AppError) -> ErrorCode {
    e.to_command_error().code
}

fn all() -> HouseholdFilter {
    HouseholdFilter::default()
}

/// A first start: the app's data folder does not exist yet when the PIN is set (the app e2e
/// found the lock file could not be written there).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pin_set_before_the_data_folder_exists_is_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fresh = dir.path().join("not-yet").join("app-data");
    let (clock, _t) = clock();
    let app = open_pin_desktop(&fresh, &clock);
    let s =
        app.set_pin(SetPinRequest { pin: "246810".into(), idle_minutes: 5, current_pin: None }).await.expect("PIN set");
    assert!(s.has_pin && !s.locked, "{s:?}");
    assert!(fresh.join("desk.sqlite3.lock.json").is_file(), "the lock file is written in the new folder");
    drop(app);
    let again = open_pin_desktop(&fresh, &clock);
    let s = again.lock_status();
    assert!(s.has_pin && s.locked, "a restart asks for the PIN that was set: {s:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keystore_the_pin_comes_first_keys_the_store_and_opens_it_at_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_store, _now, codes, server) = common::demo_server().await;
    let url = server.url.clone();
    let (clock, t) = clock();
    let app = open_pin_desktop(dir.path(), &clock);
    let s = app.lock_status();
    assert_eq!(s.keying, StoreKeying::Pin);
    assert!(s.pin_required && !s.has_pin && !s.locked, "{s:?}");

    // Joining waits for the PIN: the store must be born encrypted.
    let join = JoinRequest { server_url: url.clone(), code: codes[1].clone() };
    let err = app.join(join.clone()).await.expect_err("no PIN yet");
    assert_eq!(code_of(&err), ErrorCode::Locked);
    let err =
        app.set_pin(SetPinRequest { pin: "1234".into(), idle_minutes: 5, current_pin: None }).await.expect_err("short");
    assert_eq!(code_of(&err), ErrorCode::InvalidInput);
    let s =
        app.set_pin(SetPinRequest { pin: "246810".into(), idle_minutes: 5, current_pin: None }).await.expect("PIN set");
    assert!(s.has_pin && !s.pin_required && !s.locked, "{s:?}");
    app.join(join).await.expect("joins");
    let path = dir.path().join("desk.sqlite3");
    assert_eq!(taizhang_store::file_kind(&path).expect("kind"), taizhang_store::FileKind::Encrypted);
    let lock_file = std::fs::read_to_string(dir.path().join("desk.sqlite3.lock.json")).expect("lock file");
    assert!(!lock_file.contains("246810"), "no PIN in clear: {lock_file}");

    let list = app.households(all()).await.expect("households");
    let h = list.items.first().expect("a household").clone();
    app.record_visit(common::visit_input(h.id.clone(), "锁屏之前的走访")).await.expect("visit");

    // Idle for the idle time: the window's commands wait for the PIN.
    t.fetch_add(5 * 60_000, Ordering::SeqCst);
    assert!(app.lock_status().locked);
    assert_eq!(code_of(&app.households(all()).await.expect_err("locked")), ErrorCode::Locked);
    app.unlock("246810".into()).await.expect("unlocks");
    assert!(app.households(all()).await.is_ok());
    drop(app);

    // Next start: the store stays closed until the PIN is given.
    let app = open_pin_desktop(dir.path(), &clock);
    let s = app.lock_status();
    assert!(s.locked && s.has_pin && !s.pin_required, "{s:?}");
    assert_eq!(code_of(&app.households(all()).await.expect_err("sealed")), ErrorCode::Locked);
    let err = app.unlock("135790".into()).await.expect_err("wrong");
    assert_eq!(code_of(&err), ErrorCode::WrongPin);
    assert_eq!(app.lock_status().attempts_left, 4);
    let s = app.unlock("246810".into()).await.expect("right PIN");
    assert!(!s.locked && s.attempts_left == 5, "{s:?}");
    let detail = app.household(h.id.clone()).await.expect("household");
    assert!(format!("{detail:?}").contains("锁屏之前的走访"), "the visit survived the restart");
    assert!(app.setup_status().await.expect("setup").joined);
    // Changing the PIN of a PIN-keyed store: the current PIN first (a wrong one counts), then
    // the new one opens the same store after a restart and the old one no longer does (the
    // store is not rewritten: its key is sealed under the new PIN in the lock file).
    let change = |current: Option<&str>| SetPinRequest {
        pin: "975310".into(),
        idle_minutes: 5,
        current_pin: current.map(String::from),
    };
    let err = app.set_pin(change(None)).await.expect_err("the current PIN is needed");
    assert_eq!(code_of(&err), ErrorCode::InvalidInput);
    let err = app.set_pin(change(Some("111111"))).await.expect_err("a wrong current PIN");
    assert_eq!(code_of(&err), ErrorCode::WrongPin);
    assert_eq!(app.lock_status().attempts_left, 4, "it counts like a wrong unlock");
    let s = app.set_pin(change(Some("246810"))).await.expect("changed");
    assert!(s.has_pin && !s.locked && s.attempts_left == 5, "{s:?}");
    assert!(format!("{:?}", app.household(h.id.clone()).await.expect("still open")).contains("锁屏之前的走访"));
    drop(app);
    let app = open_pin_desktop(dir.path(), &clock);
    let err = app.unlock("246810".into()).await.expect_err("the old PIN");
    assert_eq!(code_of(&err), ErrorCode::WrongPin);
    app.unlock("975310".into()).await.expect("the new PIN opens the store");
    let detail = app.household(h.id.clone()).await.expect("household");
    assert!(format!("{detail:?}").contains("锁屏之前的走访"), "the same store, unsynced visit included");
    // And once more: a second change seals the same key under the third PIN.
    let third = SetPinRequest { pin: "864213".into(), idle_minutes: 5, current_pin: Some("975310".into()) };
    app.set_pin(third).await.expect("changed again");
    drop(app);
    let app = open_pin_desktop(dir.path(), &clock);
    app.unlock("864213".into()).await.expect("the third PIN opens it");
    assert!(app.household(h.id.clone()).await.is_ok());
    server.stop().await;
}

/// A PIN-keyed store: after five wrong PINs each attempt waits (1, 5, 15, then 60 minutes), also
/// across a restart — the person who knows the PIN is never shut out of records only that PIN
/// opens, and nobody has to edit the lock file.
#[tokio::test]
async fn five_wrong_pins_of_a_pin_keyed_store_make_attempts_wait_also_after_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (clock, t) = clock();
    let app = open_pin_desktop(dir.path(), &clock);
    app.set_pin(SetPinRequest { pin: "246810".into(), idle_minutes: 1, current_pin: None }).await.expect("PIN set");
    drop(app);
    let app = open_pin_desktop(dir.path(), &clock);
    for _ in 0..3 {
        assert_eq!(code_of(&app.unlock("000000".into()).await.expect_err("wrong")), ErrorCode::WrongPin);
    }
    drop(app);
    // A restart does not give the attempts back.
    let app = open_pin_desktop(dir.path(), &clock);
    assert_eq!(app.lock_status().attempts_left, 2);
    assert_eq!(code_of(&app.unlock("000000".into()).await.expect_err("wrong")), ErrorCode::WrongPin);
    let fifth_at = t.load(Ordering::SeqCst);
    assert_eq!(code_of(&app.unlock("000000".into()).await.expect_err("fifth")), ErrorCode::PinWait);
    let s = app.lock_status();
    assert!(!s.blocked && s.locked && s.attempts_left == 0, "{s:?}");
    assert_eq!(s.retry_at, Some(fifth_at + 60_000), "one minute after the fifth wrong PIN");
    // The right PIN before its time is not even tried.
    assert_eq!(code_of(&app.unlock("246810".into()).await.expect_err("too early")), ErrorCode::PinWait);
    drop(app);
    // A restart does not take the wait away.
    let app = open_pin_desktop(dir.path(), &clock);
    assert_eq!(app.lock_status().retry_at, Some(fifth_at + 60_000));
    t.fetch_add(61_000, Ordering::SeqCst);
    assert_eq!(app.lock_status().retry_at, None, "its turn");
    let sixth_at = t.load(Ordering::SeqCst);
    assert_eq!(code_of(&app.unlock("135790".into()).await.expect_err("sixth")), ErrorCode::PinWait);
    assert_eq!(app.lock_status().retry_at, Some(sixth_at + 5 * 60_000), "the sixth wrong one waits 5 minutes");
    t.fetch_add(5 * 60_000, Ordering::SeqCst);
    app.unlock("246810".into()).await.expect("the right PIN in its turn opens the store");
    let s = app.lock_status();
    assert!(!s.locked && s.attempts_left == 5 && s.retry_at.is_none(), "{s:?}");
    drop(app);
    let app = open_pin_desktop(dir.path(), &clock);
    assert_eq!(app.lock_status().attempts_left, 5, "the count was forgotten on disk too");
}

/// Where a keystore holds the store's key the PIN guards only the window: five wrong PINs block
/// it for good (the phone still syncs; the administrator's wipe is the way out).
#[tokio::test]
async fn five_wrong_pins_of_a_window_lock_block_it_also_after_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (clock, t) = clock();
    let keystore = MemoryKeyStore::default();
    let open = || {
        let key = keystore_key(&keystore, "phone").expect("key");
        AppCore::open_locked(
            dir.path().join("p.sqlite3"),
            dir.path().join("p.json"),
            None,
            clock.clone(),
            (Some(key), None),
            cheap_kdf,
        )
        .expect("open")
    };
    let app = open();
    app.set_pin(SetPinRequest { pin: "246810".into(), idle_minutes: 1, current_pin: None }).await.expect("PIN set");
    drop(app);
    let app = open();
    for _ in 0..4 {
        assert_eq!(code_of(&app.unlock("000000".into()).await.expect_err("wrong")), ErrorCode::WrongPin);
    }
    assert_eq!(code_of(&app.unlock("000000".into()).await.expect_err("fifth")), ErrorCode::PinBlocked);
    t.fetch_add(24 * 60 * 60_000, Ordering::SeqCst);
    assert_eq!(code_of(&app.unlock("246810".into()).await.expect_err("blocked")), ErrorCode::PinBlocked);
    let s = app.lock_status();
    assert!(s.blocked && s.locked && s.attempts_left == 0 && s.retry_at.is_none(), "{s:?}");
    drop(app);
    assert!(open().lock_status().blocked, "a restart does not unblock it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_store_from_before_is_encrypted_with_the_new_pin() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_store, _now, codes, server) = common::demo_server().await;
    let url = server.url.clone();
    let (clock, _t) = clock();
    let path = dir.path().join("desk.sqlite3");
    let plain = AppCore::open(path.clone(), dir.path().join("desk.json"), None, clock.clone()).expect("open");
    plain.join(JoinRequest { server_url: url.clone(), code: codes[1].clone() }).await.expect("joins");
    let before = plain.households(all()).await.expect("list").items.len();
    assert!(before > 0);
    drop(plain);
    assert_eq!(taizhang_store::file_kind(&path).expect("kind"), taizhang_store::FileKind::Plain);

    let app = open_pin_desktop(dir.path(), &clock);
    assert!(app.lock_status().pin_required);
    assert_eq!(code_of(&app.households(all()).await.expect_err("PIN first")), ErrorCode::Locked);
    app.set_pin(SetPinRequest { pin: "864200".into(), idle_minutes: 5, current_pin: None }).await.expect("PIN set");
    assert_eq!(taizhang_store::file_kind(&path).expect("kind"), taizhang_store::FileKind::Encrypted);
    assert_eq!(app.households(all()).await.expect("list").items.len(), before);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_keystore_the_pin_is_optional_and_sync_goes_on_behind_the_lock() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_store, _now, codes, server) = common::demo_server().await;
    let url = server.url.clone();
    let (clock, t) = clock();
    let keystore = MemoryKeyStore::default();
    let key = keystore_key(&keystore, "phone").expect("key");
    let app = AppCore::open_locked(
        dir.path().join("p.sqlite3"),
        dir.path().join("p.json"),
        None,
        clock.clone(),
        (Some(key), None),
        cheap_kdf,
    )
    .expect("open");
    let s = app.lock_status();
    assert_eq!(s.keying, StoreKeying::Keystore);
    assert!(!s.pin_required && !s.locked && !s.has_pin, "{s:?}");
    app.join(JoinRequest { server_url: url.clone(), code: codes[1].clone() }).await.expect("joins");
    t.fetch_add(60 * 60_000, Ordering::SeqCst);
    assert!(app.households(all()).await.is_ok(), "no PIN: never locks");

    app.set_pin(SetPinRequest { pin: "112358".into(), idle_minutes: 2, current_pin: None }).await.expect("PIN set");
    t.fetch_add(60_000, Ordering::SeqCst);
    assert!(!app.app_touch().locked, "a minute of two");
    t.fetch_add(2 * 60_000, Ordering::SeqCst);
    assert!(app.app_touch().locked, "touching a closed lock does not open it");
    assert_eq!(code_of(&app.households(all()).await.expect_err("locked")), ErrorCode::Locked);
    app.sync_now().await.expect("sync goes on behind the lock");
    app.unlock("112358".into()).await.expect("unlocks");
    // Changing the PIN while open is allowed where the keystore holds the key.
    app.set_pin(SetPinRequest { pin: "213455".into(), idle_minutes: 2, current_pin: None }).await.expect("changed");
    t.fetch_add(3 * 60_000, Ordering::SeqCst);
    assert_eq!(code_of(&app.unlock("112358".into()).await.expect_err("old PIN")), ErrorCode::WrongPin);
    app.unlock("213455".into()).await.expect("new PIN");
    server.stop().await;
}
