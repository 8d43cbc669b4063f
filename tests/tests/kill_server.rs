//! Promise 2: a change the server acknowledged survives a server kill. Devices sync again and
//! again against a server process that is SIGKILLed at random moments (often mid-request) and
//! restarted; every record whose sync the server answered must be on the server afterwards,
//! the database must pass its integrity check, and all devices must converge.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use taizhang_client::{enroll_in_memory, HttpTransport, Ledger};
use taizhang_doc::demo;
use taizhang_server_sqlite::SqliteStore;
use taizhang_tests::{check_in, digest, household, visit, NOW};

fn sessions() -> usize {
    std::env::var("TAIZHANG_KILL_SESSIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(60)
}

struct Server {
    child: Arc<Mutex<Child>>,
    url: String,
    /// Fresh one-time enrollment codes of the demo accounts (index as in `taizhang_tests`).
    codes: Vec<String>,
}

impl Drop for Server {
    // Never leave a server behind, even when an assertion fails.
    fn drop(&mut self) {
        if let Ok(mut c) = self.child.lock() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn start(db: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kill-server"))
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn server");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut codes = Vec::new();
    loop {
        let mut line = String::new();
        out.read_line(&mut line).expect("server says where it listens");
        if let Some(code) = line.trim().strip_prefix("code ") {
            codes.push(code.split(' ').nth(1).expect("code line").to_string());
        } else {
            let url =
                line.trim().strip_prefix("listening ").unwrap_or_else(|| panic!("unexpected: {line}")).to_string();
            return Server { child: Arc::new(Mutex::new(child)), url, codes };
        }
    }
}

fn records(l: &Ledger) -> BTreeSet<String> {
    let s = l.store();
    let mut out: BTreeSet<String> =
        s.visits(None, 0, i64::MAX).expect("visits").into_iter().map(|v| v.record.id.to_string()).collect();
    out.extend(s.check_ins(None, 0, i64::MAX).expect("check-ins").into_iter().map(|c| c.record.id.to_string()));
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn acknowledged_changes_survive_sigkill_of_the_server() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("server.sqlite3");
    let seed: u64 = std::env::var("TAIZHANG_KILL_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(rand::random);
    println!("server kill test seed {seed} (TAIZHANG_KILL_SEED to replay)");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);

    let mut server = start(&db);
    let mut devices: Vec<Ledger> = Vec::new();
    for i in 0..3 {
        let t = HttpTransport::new(&server.url).expect("client");
        let mut l = enroll_in_memory(&t, &server.codes[i], "phone", NOW).await.expect("enroll");
        l.sync(&t, NOW).await.expect("first sync: the registry");
        devices.push(l);
    }
    let mut unacked: Vec<Vec<String>> = vec![Vec::new(); 3];
    let mut acked: BTreeSet<String> = BTreeSet::new();
    let (mut kills, mut failed_syncs) = (0, 0);
    for n in 0..sessions() {
        let d = rng.random_range(0..3);
        let me = demo::member_id(d);
        let at = NOW - 20 * 86_400_000 + n as i64 * 60_000;
        let ledger = &mut devices[d];
        let v = visit(me, household(n % 20), at, "走访（服务器崩溃测试）");
        ledger.record_visit(&v, at).expect("record visit");
        unacked[d].push(v.id.to_string());
        let c = ledger.check_in(&check_in(me, at), at).expect("check in");
        unacked[d].push(c.id.to_string());

        // Half of the sessions get a kill somewhere between "before" and "after" the request.
        let killer = rng.random_bool(0.5).then(|| {
            let child = server.child.clone();
            let delay = Duration::from_micros(rng.random_range(0..8_000));
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                let mut c = child.lock().expect("child");
                let _ = c.kill();
                let _ = c.wait();
            })
        });
        let transport = HttpTransport::new(&server.url).expect("client");
        let outcome = ledger.sync(&transport, at).await;
        if let Some(k) = killer {
            k.join().expect("killer");
            kills += 1;
        }
        match outcome {
            // The server answered: everything this device had recorded is acknowledged.
            Ok(_) => acked.extend(unacked[d].drain(..)),
            Err(_) => failed_syncs += 1,
        }
        let dead = server.child.lock().expect("child").try_wait().expect("try_wait").is_some();
        if dead {
            server = start(&db);
        }
    }
    // Stop the server for good and check the file.
    drop(server);
    let store = SqliteStore::open(&db).expect("database opens after the kills");
    assert_eq!(store.integrity_check().await.expect("integrity check"), "ok");
    drop(store);

    // A fresh device reads what the server holds: every acknowledged record.
    let server = start(&db);
    let transport = HttpTransport::new(&server.url).expect("client");
    let mut fresh = enroll_in_memory(&transport, &server.codes[0], "new phone", NOW).await.expect("enroll");
    fresh.sync(&transport, NOW).await.expect("fresh device syncs");
    let on_server = records(&fresh);
    let lost: Vec<_> = acked.difference(&on_server).collect();
    println!(
        "server kill: {} sessions, {kills} kills, {failed_syncs} failed syncs, {} acknowledged records, {} lost",
        sessions(),
        acked.len(),
        lost.len()
    );
    assert!(lost.is_empty(), "acknowledged records lost: {lost:?}");

    // Devices push what was never acknowledged, and everyone converges.
    for l in devices.iter_mut() {
        l.sync(&transport, NOW).await.expect("final sync");
    }
    fresh.sync(&transport, NOW).await.expect("fresh device syncs again");
    for l in devices.iter_mut() {
        l.sync(&transport, NOW).await.expect("final pull");
        assert_eq!(digest(l), digest(&fresh), "converged");
    }
    let everything: BTreeSet<String> = unacked.concat().into_iter().chain(acked).collect();
    assert!(everything.is_subset(&records(&fresh)), "nothing recorded on any device is missing");
}
