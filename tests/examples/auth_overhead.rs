//! Measures what authorization costs a sync: a household edit (the server judges what the push
//! touches in the registry) against a check-in (a log push, judged by its name), in a village of
//! 1,000 households. The household edit is timed three ways: with the registry in the server's
//! cache of loaded documents (warm), with the cache emptied before each sync and the registry
//! loaded from all its changes (cold), and cold again once the server keeps the registry's
//! saved form (issue 23: loaded with the few changes after it). Prints one JSON line. Run:
//! `cargo run --release -p taizhang-tests --example auth_overhead`.

use std::time::Instant;

use taizhang_doc::demo;
use taizhang_sync_server::forget_loaded_documents;
use taizhang_sync_server::snapshot::refresh_if_due;
use taizhang_tests::*;

#[tokio::main]
async fn main() {
    let server = TestServer::start(1000).await;
    let t = server.transport();
    let mut li = server.device(0).await;
    li.sync(&t, NOW).await.expect("first sync");
    let me = demo::member_id(0);
    let rounds = 20;
    let mut k = 0usize;
    let mut edit = |li: &mut taizhang_client::Ledger, at: i64| {
        let mut h = li.store().household(household(k % 1000)).expect("read").expect("exists").record;
        k += 1;
        h.plan = format!("计划 {k}");
        li.put_household(&h, at).expect("edit");
    };
    let (mut warm, mut cold, mut saved, mut log_ms) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for r in 0..rounds {
        let at = NOW + r * 1000;
        edit(&mut li, at);
        let start = Instant::now();
        assert!(li.sync(&t, at).await.expect("sync").rejected.is_empty());
        warm.push(start.elapsed().as_secs_f64() * 1000.0);
        li.check_in(&check_in(me, at), at).expect("check-in");
        let start = Instant::now();
        li.sync(&t, at).await.expect("sync");
        log_ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    for r in 0..rounds {
        let at = NOW + (rounds + r) * 1000;
        edit(&mut li, at);
        forget_loaded_documents();
        let start = Instant::now();
        assert!(li.sync(&t, at).await.expect("sync").rejected.is_empty());
        cold.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let village = demo::VILLAGE.0;
    assert!(refresh_if_due(server.store.as_ref(), village, "registry", 1).await.expect("saved form"));
    for r in 0..rounds {
        let at = NOW + (2 * rounds + r) * 1000;
        edit(&mut li, at);
        forget_loaded_documents();
        let start = Instant::now();
        assert!(li.sync(&t, at).await.expect("sync").rejected.is_empty());
        saved.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "{{\"households\":1000,\"rounds\":{rounds},\"registry_push_sync_ms_median\":{:.1},\
         \"registry_push_cold_sync_ms_median\":{:.1},\"registry_push_cold_saved_form_sync_ms_median\":{:.1},\
         \"log_push_sync_ms_median\":{:.1}}}",
        median(&mut warm),
        median(&mut cold),
        median(&mut saved),
        median(&mut log_ms)
    );
}
