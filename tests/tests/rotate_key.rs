//! Server key rotation (issue 21, `taizhang-sync-server admin rotate-key`): after a rotation and
//! a restart, a device token the old key issued still syncs until it expires, and a second
//! rotation before the old key's sessions have expired is refused unless forced — forced, the
//! token of two keys ago is refused.

use taizhang_doc::demo;
use taizhang_sync_server::admin::{self, RotateKeyError};
use taizhang_tests::{RawDevice, TestServer, NOW};

/// `device` talking to another server instance (the restarted process).
fn at(device: &RawDevice, server: &TestServer) -> RawDevice {
    RawDevice {
        url: server.url.clone(),
        device_id: device.device_id,
        account: device.account,
        actor: device.actor.clone(),
        secret: device.secret,
        token: device.token.clone(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_tokens_stay_valid_until_they_expire_after_a_rotation() {
    let first = TestServer::start(5).await;
    let wang = RawDevice::enroll(&first.url, &first.code(1).await).await.expect("enroll");
    let village = demo::VILLAGE.0;
    assert_eq!(wang.push(village, vec![]).await.0, 200, "the token works before the rotation");

    admin::rotate_key(first.store.as_ref(), NOW, false).await.expect("rotate");
    // The running instance keeps its keys until it restarts: a new instance reads the new one.
    let second = TestServer::serve_store(first.store.clone()).await;
    let wang2 = at(&wang, &second);
    assert_eq!(wang2.push(village, vec![]).await.0, 200, "the old key's token is still accepted");
    // A new device's token is the new key's.
    let zhang = RawDevice::enroll(&second.url, &second.code(2).await).await.expect("enroll after rotation");
    assert_eq!(zhang.push(village, vec![]).await.0, 200);

    // Rotating again while the old key's sessions may live is refused...
    let err = admin::rotate_key(second.store.as_ref(), NOW + 60_000, false).await.expect_err("too soon");
    assert!(matches!(err, RotateKeyError::TooSoon { .. }), "{err}");
    assert!(err.to_string().contains("--force"), "{err}");
    // ...and the old token ends at its expiry.
    second.advance(taizhang_auth::TOKEN_TTL_MS);
    assert_eq!(wang2.push(village, vec![]).await.0, 401, "expired");

    // Forced: the key of two rotations ago is gone, its tokens refused at once.
    let li = RawDevice::enroll(&first.url, &first.code(0).await).await.expect("enroll on the old instance");
    admin::rotate_key(second.store.as_ref(), NOW + 120_000, true).await.expect("forced");
    let third = TestServer::serve_store(second.store.clone()).await;
    assert_eq!(at(&li, &third).push(village, vec![]).await.0, 401, "the first key is forgotten");
    assert_eq!(at(&zhang, &third).push(village, vec![]).await.0, 200, "the previous key's token still works");
}
