//! The web client's single entry: every command of the contract is reachable by name with JSON,
//! a bad request or an unknown name is a clear INVALID_INPUT, and the transport given with
//! `with_transport` is the one joining uses.

use std::sync::{Arc, Mutex};

use serde_json::json;
use taizhang_app_core::contract::{ErrorCode, COMMANDS};
use taizhang_app_core::{system_clock, AppCore, Connect};
use taizhang_client::TransportError;

fn core(dir: &std::path::Path) -> AppCore {
    let store = dir.join("s.sqlite3");
    AppCore::open(store.clone(), store.with_extension("settings.json"), Some("http://127.0.0.1:9"), system_clock())
        .expect("open")
}

#[tokio::test]
async fn every_contract_command_is_dispatched_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let core = core(dir.path());
    for (name, req, _) in COMMANDS {
        let r = core.dispatch_json(name, json!({ "not": "a request" })).await;
        if let Err(e) = &r {
            assert!(!e.message.contains("there is no command"), "{name} is not dispatched");
            if *req != "null" && e.code == ErrorCode::InvalidInput {
                assert!(e.message.contains(&format!("the request of {name}")), "{name}: {}", e.message);
            }
        }
    }
    let status = core.dispatch_json("setup_status", serde_json::Value::Null).await.expect("setup_status");
    assert_eq!(status["joined"], json!(false));
    assert_eq!(status["settings"]["serverUrl"], json!("http://127.0.0.1:9"));
    let unknown = core.dispatch_json("drop_everything", serde_json::Value::Null).await.expect_err("unknown");
    assert_eq!(unknown.code, ErrorCode::InvalidInput);
    let not_joined = core.dispatch_json("today", serde_json::Value::Null).await.expect_err("not joined");
    assert_eq!(not_joined.code, ErrorCode::NotJoined);
}

#[tokio::test]
async fn joining_goes_through_the_given_transport() {
    let dir = tempfile::tempdir().expect("tempdir");
    let asked: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = asked.clone();
    let connect: Connect = Arc::new(move |url: &str| {
        seen.lock().expect("lock").push(url.to_string());
        Err(TransportError::Unreachable("no network in this test".into()))
    });
    let core = core(dir.path()).with_transport(connect);
    let e = core
        .dispatch_json("join", json!({ "serverUrl": "http://10.1.2.3:8620/", "code": "abcd-efgh-jkmn-pqrs" }))
        .await
        .expect_err("no network");
    assert_eq!(e.code, ErrorCode::ServerUnreachable);
    assert_eq!(*asked.lock().expect("lock"), vec!["http://10.1.2.3:8620".to_string()]);
    let status = core.dispatch_json("setup_status", serde_json::Value::Null).await.expect("status");
    assert_eq!(status["joined"], json!(false), "a failed join joins nothing");
}
