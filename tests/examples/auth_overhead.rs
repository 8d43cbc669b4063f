//! Measures what authorization costs a sync: a household edit (the server loads the registry
//! to see which records the push touches) against a check-in (a log push, judged by its name),
//! in a village of 1,000 households. Prints one JSON line. Run:
//! `cargo run --release -p taizhang-tests --example auth_overhead`.

use std::time::Instant;

use taizhang_doc::demo;
use taizhang_tests::*;

#[tokio::main]
async fn main() {
    let server = TestServer::start(1000).await;
    let t = server.transport();
    let mut li = server.device(0).await;
    li.sync(&t, NOW).await.expect("first sync");
    let me = demo::member_id(0);
    let rounds = 20;
    let (mut registry_ms, mut log_ms) = (Vec::new(), Vec::new());
    for k in 0..rounds {
        let at = NOW + k * 1000;
        let mut h = li.store().household(household(k as usize)).expect("read").expect("exists").record;
        h.plan = format!("计划 {k}");
        li.put_household(&h, at).expect("edit");
        let start = Instant::now();
        let r = li.sync(&t, at).await.expect("sync");
        assert!(r.rejected.is_empty());
        registry_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        li.check_in(&check_in(me, at), at).expect("check-in");
        let start = Instant::now();
        li.sync(&t, at).await.expect("sync");
        log_ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "{{\"households\":1000,\"rounds\":{rounds},\"registry_push_sync_ms_median\":{:.1},\"log_push_sync_ms_median\":{:.1}}}",
        median(&mut registry_ms),
        median(&mut log_ms)
    );
}
