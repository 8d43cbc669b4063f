//! Issue 21 in the app: a phone whose store is encrypted with a key from the platform's
//! keystore is revoked with a wipe order while it holds unsynced visits. Its next sync pushes
//! them (the teammate sees them), then the app erases the store, forgets the key, answers
//! `device_wiped` and shows why on the Set-up screen; joining again works.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use taizhang_app_core::contract::{ErrorCode, HouseholdFilter, JoinRequest};
use taizhang_app_core::{AppCore, StoreKey};
use taizhang_client::keystore::{keystore_key, KeyStore, MemoryKeyStore};
use taizhang_server_db::AccountStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wiped_phone_pushes_first_then_erases_its_store_and_key_and_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, now, codes, server) = common::demo_server().await;
    let clock = taizhang_app_core::system_clock();

    // 王芳's phone: its store key lives in the (here: in-memory) keystore.
    let keystore = Arc::new(MemoryKeyStore::default());
    let key: StoreKey = keystore_key(keystore.as_ref(), "wang").expect("a key");
    let key_copy = key.clone();
    let path = dir.path().join("wang.sqlite3");
    let forgot = Arc::new(AtomicBool::new(false));
    let (ks, f) = (keystore.clone(), forgot.clone());
    let wang = AppCore::open_keyed(path.clone(), dir.path().join("wang.json"), None, clock.clone(), Some(key))
        .expect("open")
        .with_renew_key(Box::new(move || {
            let _ = ks.delete("wang");
            f.store(true, Ordering::SeqCst);
            keystore_key(ks.as_ref(), "wang").ok()
        }));
    wang.join(JoinRequest { server_url: server.url.clone(), code: codes[1].clone() }).await.expect("王芳 joins");
    let li_path = dir.path().join("li.sqlite3");
    let li = AppCore::open(li_path.clone(), dir.path().join("li.json"), None, clock.clone()).expect("open");
    li.join(JoinRequest { server_url: server.url.clone(), code: codes[0].clone() }).await.expect("李明 joins");
    assert_eq!(taizhang_store::file_kind(&path).expect("kind"), taizhang_store::FileKind::Encrypted);

    // Two visits not yet synced when the phone is lost.
    let list = wang.households(HouseholdFilter::default()).await.expect("list");
    for (i, h) in list.items.iter().take(2).enumerate() {
        let v = common::visit_input(h.id.clone(), format!("丢失前的走访 {i}"));
        wang.record_visit(v).await.expect("visit");
    }
    let device = store
        .devices()
        .await
        .expect("devices")
        .into_iter()
        .find(|d| d.account == taizhang_doc::demo::member_id(1).0)
        .expect("王芳's device");
    assert!(store.order_wipe(device.id, now).await.expect("wipe order"));

    let err = wang.sync_now().await.expect_err("wiped");
    assert_eq!(err.to_command_error().code, ErrorCode::DeviceWiped);
    assert!(err.to_string().contains("清除"), "{err}");
    assert!(!path.exists(), "the store file is gone");
    for c in taizhang_store::companion_files(&path) {
        assert!(!c.exists(), "{} is gone", c.display());
    }
    assert!(forgot.load(Ordering::SeqCst), "the key was forgotten");
    let renewed = keystore.load("wang").expect("load").expect("a new key for the next store");
    assert!(renewed != key_copy, "the old key is gone");
    let setup = wang.setup_status().await.expect("setup");
    assert!(!setup.joined);
    assert!(setup.wiped.as_deref().is_some_and(|w| w.contains("清除")), "{:?}", setup.wiped);

    // What it had not synced reached the team before it was erased.
    li.sync_now().await.expect("李明 syncs");
    let mut found = 0;
    for h in list.items.iter().take(2) {
        let d = li.household(h.id.clone()).await.expect("detail");
        found += d.visits.iter().filter(|v| v.findings.starts_with("丢失前的走访")).count();
    }
    assert_eq!(found, 2, "both unsynced visits were pushed before the wipe");

    // The app joins again with a new code (a new store, a new device); the note goes.
    let code = taizhang_sync_server::admin::new_enrollment_code(&store, taizhang_doc::demo::member_id(1).0, now, 30)
        .await
        .expect("new code")
        .display();
    wang.join(JoinRequest { server_url: server.url.clone(), code }).await.expect("joins again");
    let setup = wang.setup_status().await.expect("setup");
    assert!(setup.joined && setup.wiped.is_none());
    // Its new store opens with the renewed key (what the app finds in the keystore next start).
    drop(wang);
    taizhang_client::Ledger::open_keyed(&path, Some(&renewed)).expect("the new store opens with the new key");
    server.stop().await;
}
