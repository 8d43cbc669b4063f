//! Issue 21, remote wipe over HTTP: a phone that was offline for three weeks when the
//! administrator ordered it wiped comes back (its token long expired: it signs its request
//! with the device key). Its first sync pushes the visits it made offline, every one of them
//! still judged for its account; then the server tells it to erase, and keeps telling it —
//! for every endpoint — while it asks nothing of the village. The store is erased; what it
//! pushed reaches the team. A plain revocation still only refuses.

use taizhang_client::{ClientError, Ledger};
use taizhang_doc::demo;
use taizhang_tests::{household, visit, TestServer, NOW};

const DAY: i64 = 86_400_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_offline_for_weeks_pushes_what_it_made_then_erases_itself() {
    let server = TestServer::start(10).await;
    let t = server.transport();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("wang.sqlite3");
    let key = taizhang_client::StoreKey::from_bytes([0x21; 32]);
    let code = server.code(1).await;
    let mut wang =
        taizhang_client::enroll_keyed(&path, Some(&key), &t, &code, "王芳的手机", NOW).await.expect("enroll");
    let wang_id = demo::member_id(1);
    wang.sync(&t, NOW).await.expect("fetch the village");

    // Three weeks in the hills without signal: a visit every few days.
    for d in 0..6 {
        let at = NOW + (d * 4 + 1) * DAY;
        wang.record_visit(&visit(wang_id, household((d % 5) as usize), at, &format!("离线走访 第{d}次")), at)
            .expect("saved offline");
    }
    // On day 2 the phone is reported lost; the administrator orders the wipe.
    let device = wang.device_id().expect("meta").expect("enrolled");
    assert!(server.store.order_wipe(device, NOW + 2 * DAY).await.expect("wipe order"));
    // The phone does not know; no teammate hears of its records.
    server.advance(24 * DAY);
    let err = wang.sync(&t, NOW + 24 * DAY).await.expect_err("told to erase");
    let ClientError::WipeOrdered(reason) = &err else { panic!("expected a wipe order, got {err}") };
    assert!(reason.contains("清除") && reason.contains("erased"), "{reason}");
    assert!(wang.pending_docs().expect("pending").is_empty(), "everything it had was pushed first");

    // Asked again, for anything, it is only told to erase: it gets nothing of the village.
    let err = wang.sync(&t, NOW + 24 * DAY + 1000).await.expect_err("again");
    assert!(matches!(err, ClientError::WipeOrdered(_)), "{err}");
    let err = wang.sign_in(&t).await.expect_err("no token for a wiped device");
    assert!(err.to_string().contains("410"), "{err}");
    assert_eq!(wang.store().counts().expect("counts").visits, 6);

    // The app erases the store; nothing readable is left.
    drop(wang);
    taizhang_client::erase_store(&path).expect("erase");
    assert!(!path.exists());
    assert!(Ledger::open_keyed(&path, Some(&key)).is_err(), "nothing to open");

    // The six visits made offline reached the team.
    let mut li = server.device(0).await;
    li.sync(&t, NOW + 25 * DAY).await.expect("li syncs");
    let visits = li.store().visits(None, 0, i64::MAX).expect("visits");
    assert_eq!(visits.iter().filter(|v| v.record.findings.starts_with("离线走访")).count(), 6);
    let d = server.store.device(device).await.expect("device").expect("kept");
    assert!(d.revoked_at.is_some() && d.wipe_ordered_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_revocation_is_not_a_wipe() {
    let server = TestServer::start(10).await;
    let t = server.transport();
    let mut wang = server.device(1).await;
    wang.sync(&t, NOW).await.expect("fetch the village");
    let device = wang.device_id().expect("meta").expect("enrolled");
    assert!(server.store.revoke_device(device, NOW + 1000).await.expect("revoke"));
    let err = wang.sync(&t, NOW + 2000).await.expect_err("revoked");
    assert!(!matches!(err, ClientError::WipeOrdered(_)), "a revocation keeps the phone's data: {err}");
    assert!(err.to_string().contains("revoked"), "{err}");
}

/// The same from the county page: county staff list the team's devices and order one wiped;
/// township staff cannot; a device of another village's team is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn county_staff_order_a_wipe_from_the_county_page() {
    use taizhang_sync_server::admin;
    use taizhang_sync_server::demo::{DEMO_COUNTY_STAFF, DEMO_TOWNSHIP_STAFF};
    use taizhang_tests::WebSession;
    const PASSWORD: &str = "correct horse battery staple";
    let server = TestServer::start(10).await;
    let t = server.transport();
    let mut wang = server.device(1).await;
    wang.sync(&t, NOW).await.expect("fetch the village");
    wang.record_visit(&visit(demo::member_id(1), household(1), NOW + 1000, "县里下令前"), NOW + 1000).expect("visit");
    let device = wang.device_id().expect("meta").expect("enrolled");
    let village = demo::VILLAGE.0;

    admin::set_password(server.store.as_ref(), DEMO_TOWNSHIP_STAFF, PASSWORD, NOW).await.expect("password");
    let (township, _) = WebSession::login(&server.url, &DEMO_TOWNSHIP_STAFF.to_string(), PASSWORD).await;
    let (status, _) = township.get_json(&format!("/county/api/village/{village}/devices")).await;
    assert_eq!(status, 403, "township staff do not manage devices");
    let (status, _) =
        township.post(&format!("/county/api/village/{village}/device/{device}/wipe"), serde_json::json!({})).await;
    assert_eq!(status, 403);

    admin::set_password(server.store.as_ref(), DEMO_COUNTY_STAFF, PASSWORD, NOW).await.expect("password");
    let (county, _) = WebSession::login(&server.url, &DEMO_COUNTY_STAFF.to_string(), PASSWORD).await;
    let list = county.json(&format!("/county/api/village/{village}/devices")).await;
    let rows = list["devices"].as_array().expect("devices");
    let row = rows.iter().find(|d| d["id"] == device.to_string()).expect("王芳's phone listed");
    assert_eq!(row["state"], "active");
    let unknown = uuid::Uuid::from_u128(0xdead);
    let (status, _) =
        county.post(&format!("/county/api/village/{village}/device/{unknown}/wipe"), serde_json::json!({})).await;
    assert_eq!(status, 400, "not a device of this team");
    let (status, row) =
        county.post(&format!("/county/api/village/{village}/device/{device}/wipe"), serde_json::json!({})).await;
    assert_eq!(status, 200, "{row}");
    assert_eq!(row["state"], "wipe_ordered");
    let list = county.json(&format!("/county/api/village/{village}/devices")).await;
    let row = list["devices"].as_array().expect("devices").iter().find(|d| d["id"] == device.to_string()).cloned();
    assert_eq!(row.expect("still listed")["state"], "wipe_ordered", "the page's list shows the order");

    // The page's devices panel: on the village page, for county staff only, calling this API
    // after a confirm dialog.
    let http = reqwest::Client::new();
    let get = |path: &'static str| {
        let (http, url) = (http.clone(), server.url.clone());
        async move { http.get(format!("{url}{path}")).send().await.expect("asset").text().await.expect("text") }
    };
    let panel = get("/county/js/devices.js").await;
    for needle in ["/devices`", "/wipe`", "method: \"POST\"", "state.me?.scope !== \"county\"", "showModal()"] {
        assert!(panel.contains(needle), "devices.js has {needle}");
    }
    assert!(get("/county/js/village.js").await.contains("devicesSection(v.id)"), "the village page shows the panel");

    // The phone pushes its visit, then is told to erase.
    let err = wang.sync(&t, NOW + 2000).await.expect_err("wiped");
    assert!(matches!(err, ClientError::WipeOrdered(_)), "{err}");
    let mut li = server.device(0).await;
    li.sync(&t, NOW + 3000).await.expect("li syncs");
    let visits = li.store().visits(None, 0, i64::MAX).expect("visits");
    assert!(visits.iter().any(|v| v.record.findings == "县里下令前"));
}

/// Joining by scan (issue 21): the township officer prints the team's join sheet — a one-time
/// code and its QR for each member with no working phone (李明 has one, so 王芳 and 张伟 get
/// codes) — and 王芳 joins with what her QR says; her code works once. A replaced phone gets a
/// code when the officer names the member; a stranger or an address that is not a server is
/// refused in words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_township_prints_the_teams_join_sheet_and_a_member_joins_with_it() {
    use taizhang_sync_server::admin;
    use taizhang_sync_server::demo::DEMO_TOWNSHIP_STAFF;
    use taizhang_tests::{RawDevice, WebSession};
    const PASSWORD: &str = "correct horse battery staple";
    let server = TestServer::start(4).await;
    let _li = server.device(0).await; // 李明 has his phone
    let village = demo::VILLAGE.0;
    admin::set_password(server.store.as_ref(), DEMO_TOWNSHIP_STAFF, PASSWORD, NOW).await.expect("password");
    let (township, _) = WebSession::login(&server.url, &DEMO_TOWNSHIP_STAFF.to_string(), PASSWORD).await;
    let path = format!("/county/api/village/{village}/join-sheet");

    let (status, sheet) = township.post(&path, serde_json::json!({ "server": server.url })).await;
    assert_eq!(status, 200, "{sheet}");
    let entries = sheet["entries"].as_array().expect("entries");
    let names: Vec<&str> = entries.iter().filter_map(|e| e["name"].as_str()).collect();
    assert_eq!(names.len(), 2, "the two members without a phone: {names:?}");
    assert!(!names.contains(&"李明"), "李明 already has a working phone");
    let wang = entries.iter().find(|e| e["member"] == demo::member_id(1).0.to_string()).expect("王芳's card");
    assert!(wang["qr_svg"].as_str().is_some_and(|s| s.starts_with("<svg")));
    // What her QR says is the app's join link: the code and this server.
    let link = wang["link"].as_str().expect("link");
    let parsed = taizhang_app_core::scan::parse_join_link(link).expect("the app reads the link");
    assert_eq!(parsed.server.as_deref(), Some(server.url.as_str()));
    assert_eq!(parsed.code, wang["code"].as_str().expect("code"));
    let phone = RawDevice::enroll(&server.url, &parsed.code).await.expect("王芳 joins with the printed code");
    assert_eq!(phone.account, demo::member_id(1).0);
    assert!(RawDevice::enroll(&server.url, &parsed.code).await.is_err(), "the code works once");

    // 李明's phone was replaced: named, he gets a code too.
    let li = demo::member_id(0).0;
    let (status, sheet) = township.post(&path, serde_json::json!({ "server": server.url, "members": [li] })).await;
    assert_eq!(status, 200, "{sheet}");
    assert_eq!(sheet["entries"].as_array().map(Vec::len), Some(1));
    // Refused in words: someone not of the team, an address that is not a server.
    let (status, body) =
        township.post(&path, serde_json::json!({ "server": server.url, "members": [uuid::Uuid::from_u128(7)] })).await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = township.post(&path, serde_json::json!({ "server": "javascript:alert(1)" })).await;
    assert_eq!(status, 400);
    let page =
        reqwest::get(format!("{}/county/js/village.js", server.url)).await.expect("get").text().await.expect("text");
    assert!(page.contains("joinSheetSection(v.id)"), "the village page shows the sheet's section");
}
