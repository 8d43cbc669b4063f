//! Promise 1: a record the app said was saved survives the app being killed. A child process
//! records visits, check-ins and diary entries as fast as it can and prints each one after its
//! ledger returned; we SIGKILL it at random moments, reopen the store every time, and finally
//! sync it to a server and read everything back on a second device.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use taizhang_client::Ledger;
use taizhang_doc::demo;
use taizhang_domain::YearMonth;
use taizhang_tests::{TestServer, NOW};

fn rounds() -> usize {
    std::env::var("TAIZHANG_KILL_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(20)
}

/// Every record id of the ledger's materialised tables, as `kind id`.
fn records(l: &Ledger) -> BTreeSet<String> {
    let s = l.store();
    let mut out = BTreeSet::new();
    for v in s.visits(None, 0, i64::MAX).expect("visits") {
        out.insert(format!("visit {}", v.record.id));
    }
    for c in s.check_ins(None, 0, i64::MAX).expect("check-ins") {
        out.insert(format!("check_in {}", c.record.id));
    }
    for m in 0..3 {
        for month in ["2026-10", "2026-11"] {
            let month: YearMonth = month.parse().expect("month");
            for d in s.diary(demo::member_id(m), month).expect("diary") {
                out.insert(format!("diary {}", d.record.id));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn records_reported_saved_survive_sigkill_and_reach_another_device() {
    let server = TestServer::start(20).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("li.sqlite3");
    {
        let code = server.code(0).await;
        let mut li =
            taizhang_client::enroll(&path, &server.transport(), &code, "李明的手机", NOW).await.expect("enroll");
        li.sync(&server.transport(), NOW).await.expect("first sync brings the registry");
    }

    let seed: u64 = std::env::var("TAIZHANG_KILL_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(rand::random);
    println!("kill test seed {seed} (TAIZHANG_KILL_SEED to replay)");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut saved: BTreeSet<String> = BTreeSet::new();
    let mut kills = 0;
    for round in 0..rounds() {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kill-writer"))
            .arg(&path)
            .arg(round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn writer");
        let stdout = child.stdout.take().expect("stdout");
        let lines = Arc::new(Mutex::new(Vec::<String>::new()));
        let sink = lines.clone();
        let reader = std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            let mut line = String::new();
            // Only whole lines count: a line cut by the kill was never fully reported.
            while r.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                if let Some(done) = line.strip_suffix('\n') {
                    sink.lock().expect("lines").push(done.to_string());
                }
                line.clear();
            }
        });
        // Let it start writing, then kill it somewhere in the middle of a write.
        while lines.lock().expect("lines").is_empty() {
            if let Some(status) = child.try_wait().expect("wait") {
                panic!("writer exited on its own: {status}");
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_micros(rng.random_range(0..150_000)));
        child.kill().expect("SIGKILL the writer");
        child.wait().expect("reap");
        kills += 1;
        reader.join().expect("reader");
        let reported = std::mem::take(&mut *lines.lock().expect("lines"));
        for l in reported {
            saved.insert(l.strip_prefix("saved ").expect("saved line").to_string());
        }

        let reopened = Ledger::open(&path).unwrap_or_else(|e| panic!("round {round}: store does not open: {e}"));
        assert_eq!(reopened.store().integrity_check().expect("integrity"), "ok", "round {round}");
        let present = records(&reopened);
        let lost: Vec<_> = saved.difference(&present).collect();
        assert!(lost.is_empty(), "round {round}: records reported saved are missing: {lost:?}");
    }
    println!("client kill: {kills} kills, {} records reported saved, 0 lost", saved.len());
    assert!(saved.len() >= kills, "every round saved at least one record");

    // Everything reaches the server and another device.
    let mut li = Ledger::open(&path).expect("open");
    let transport = server.transport();
    li.sync(&transport, NOW).await.expect("sync after the crashes");
    assert!(li.pending_docs().expect("pending").is_empty(), "nothing left unsent");
    let mut wang = server.device(1).await;
    wang.sync(&transport, NOW).await.expect("second device syncs");
    let there = records(&wang);
    let missing: Vec<_> = saved.difference(&there).collect();
    assert!(missing.is_empty(), "records missing on the second device: {missing:?}");
}
