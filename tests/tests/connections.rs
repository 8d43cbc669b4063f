//! Connection hygiene through the real server: slow clients cannot take it down. 2,000
//! connections that trickle their headers do not stop a device from syncing; a connection
//! over the cap is told 503 at once, and so is one over its address's share; headers that do
//! not arrive in time close the connection.

use std::time::Duration;

use taizhang_sync_server::ServeConfig;
use taizhang_tests::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Opens a connection and sends the start of a request whose headers never finish.
async fn slow_client(addr: &str) -> TcpStream {
    slow_client_from(addr, [127, 0, 0, 1]).await
}

/// The same from another loopback address (127.0.0.0/8 is all this machine's).
async fn slow_client_from(addr: &str, from: [u8; 4]) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.bind((std::net::Ipv4Addr::from(from), 0).into()).expect("bind a loopback address");
    let mut s = socket.connect(addr.parse().expect("addr")).await.expect("connect");
    s.write_all(b"POST /v1/sync HTTP/1.1\r\nHost: village\r\nX-Slow: ").await.expect("write");
    s
}

/// Reads what the server sends until it closes the connection (or 30 s pass: a safety net
/// against a hang, far above every deadline configured here).
async fn read_to_close(s: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    match tokio::time::timeout(Duration::from_secs(30), s.read_to_end(&mut buf)).await {
        Ok(_) => Some(String::from_utf8_lossy(&buf).into_owned()),
        Err(_) => None,
    }
}

fn addr(server: &TestServer) -> String {
    server.url.trim_start_matches("http://").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_slow_connections_do_not_stop_a_device_from_syncing() {
    // The client side of 2,000 connections and the server side live in this one process.
    let nofile = rlimit::increase_nofile_limit(u64::MAX).expect("raise the open-file limit");
    assert!(nofile >= 5000, "this test needs an open-file hard limit of 5,000 or more (have {nofile})");
    let server = TestServer::start_connections(10, ServeConfig::fitted_to(nofile)).await;
    let a = addr(&server);
    // From eight addresses, 250 each: under the per-address cap, so all 2,000 are held open.
    let mut slow = Vec::with_capacity(2000);
    for i in 0..2000u32 {
        slow.push(slow_client_from(&a, [127, 0, 1, 2 + (i % 8) as u8]).await);
    }
    // While they hang on, a member records a visit and syncs; a colleague receives it.
    let t = server.transport();
    let mut li = server.device(FIRST_SECRETARY).await;
    li.sync(&t, NOW).await.expect("first sync (the village arrives) while 2,000 connections hang");
    let me = taizhang_doc::demo::member_id(0);
    li.record_visit(&visit(me, household(0), NOW, "慢连接期间的走访"), NOW).expect("record");
    let report = li.sync(&t, NOW).await.expect("sync while 2,000 connections hang");
    assert!(report.rejected.is_empty(), "{report:?}");
    let mut wang = server.device(1).await;
    wang.sync(&t, NOW).await.expect("colleague syncs");
    let visits = wang.store().visits_of_household(household(0)).expect("read visits");
    assert!(visits.iter().any(|v| v.record.findings == "慢连接期间的走访"), "the visit arrived: {visits:?}");
    let health = reqwest::get(format!("{}/health", server.url)).await.expect("health");
    assert_eq!(health.status(), 200);
    // The slow connections are still open (the default header deadline has not passed): the
    // server kept serving beside them rather than by dropping them.
    let mut first = slow.swap_remove(0);
    first.write_all(b"still-here\r\n").await.expect("the slow connection is still open");
}

#[tokio::test]
async fn a_connection_over_the_cap_is_told_503_at_once() {
    let config = ServeConfig { max_connections: 8, ..ServeConfig::default() };
    let server = TestServer::start_connections(1, config).await;
    let a = addr(&server);
    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(slow_client(&a).await);
    }
    // Give the server a moment to accept the eight before the ninth arrives.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut ninth = TcpStream::connect(&a).await.expect("connect");
    let answer = read_to_close(&mut ninth).await.expect("the server answers and closes");
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("retry-after: 5"), "{answer}");
    assert!(answer.contains("too many open connections"), "{answer}");
    // When the slow ones go, there is room again.
    drop(held);
    let mut ok = None;
    for _ in 0..50 {
        if let Ok(r) = reqwest::get(format!("{}/health", server.url)).await {
            if r.status() == 200 {
                ok = Some(());
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ok.is_some(), "the server accepts again once connections close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_take_every_connection() {
    let nofile = rlimit::increase_nofile_limit(u64::MAX).expect("raise the open-file limit");
    assert!(nofile >= 2000, "this test needs an open-file hard limit of 2,000 or more (have {nofile})");
    let config = ServeConfig { max_per_address: 100, ..ServeConfig::fitted_to(nofile) };
    let server = TestServer::start_connections(1, config).await;
    let a = addr(&server);
    let mut held = Vec::new();
    for _ in 0..100 {
        held.push(slow_client_from(&a, [127, 0, 2, 2]).await);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut one_more = slow_client_from(&a, [127, 0, 2, 2]).await;
    let answer = read_to_close(&mut one_more).await.expect("answered and closed");
    assert!(answer.starts_with("HTTP/1.1 503"), "the 101st from one address is refused: {answer}");
    // Someone else (127.0.0.1) is served as usual.
    let health = reqwest::get(format!("{}/health", server.url)).await.expect("health");
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn headers_that_do_not_arrive_in_time_close_the_connection() {
    let config = ServeConfig { header_read_timeout: Duration::from_secs(1), ..ServeConfig::default() };
    let server = TestServer::start_connections(1, config).await;
    let mut slow = slow_client(&addr(&server)).await;
    let answer = read_to_close(&mut slow).await;
    assert!(answer.is_some(), "the server closed the connection after the header deadline");
    // An idle keep-alive connection is closed by the same deadline.
    let mut idle = TcpStream::connect(addr(&server)).await.expect("connect");
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: village\r\n\r\n").await.expect("write");
    let answer = read_to_close(&mut idle).await.expect("closed after the idle deadline");
    assert!(answer.starts_with("HTTP/1.1 200"), "the request itself was answered: {answer}");
}
