//! Attachments survive a server kill (issue 19): a device uploads photos in chunks to a server
//! process that is SIGKILLed (by PID) at random moments and restarted; after every restart
//! the server still has every byte it acknowledged (the device resumes from there, never from
//! less), no blob is ever served before its whole was checked against its hash, and at the
//! end every photo is stored whole.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use taizhang_attach::media::{prepare_photo, samples};
use taizhang_attach::upload::Upload;
use taizhang_attach::wire::CHUNK_BYTES;
use taizhang_attach::{blob_hash, Caps, Kind};
use taizhang_client::blobs::BlobClient;
use taizhang_doc::demo;
use taizhang_server_sqlite::SqliteStore;
use taizhang_tests::RawDevice;

struct Server {
    child: Arc<Mutex<Child>>,
    url: String,
    codes: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(mut c) = self.child.lock() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

// The child is waited for by `Server`'s drop (and by the killer thread).
#[allow(clippy::zombie_processes)]
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

#[tokio::test(flavor = "multi_thread")]
async fn acknowledged_chunks_survive_sigkill_of_the_server_and_no_partial_blob_is_served() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("server.sqlite3");
    let seed: u64 = std::env::var("TAIZHANG_KILL_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(rand::random);
    println!("blob kill test seed {seed} (TAIZHANG_KILL_SEED to replay)");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let village = demo::VILLAGE.0;

    let mut server = start(&db);
    let li = RawDevice::enroll(&server.url, &server.codes[0]).await.expect("enroll");
    let photos: Vec<_> = (0..5)
        .map(|i| prepare_photo(&samples::photo(1800, 1200, 40 + i), &Caps::default()).expect("prepare"))
        .collect();
    let (mut kills, mut failed) = (0u32, 0u32);
    for ph in &photos {
        let mut up = Upload::new(ph.hash, Kind::Jpeg, ph.bytes.len() as u64);
        let mut rounds = 0;
        while !up.done() {
            rounds += 1;
            assert!(rounds < 400, "the upload never finished");
            let client = BlobClient::new(&server.url, &li.token).expect("client");
            // A kill somewhere in the next few chunks, at a random moment.
            let killer = rng.random_bool(0.5).then(|| {
                let child = server.child.clone();
                let delay = Duration::from_micros(rng.random_range(0..6_000));
                std::thread::spawn(move || {
                    std::thread::sleep(delay);
                    let mut c = child.lock().expect("child");
                    let _ = c.kill();
                    let _ = c.wait();
                })
            });
            let before = up.acked;
            // A few chunks per round, so that kills land before, between and inside them.
            for _ in 0..rng.random_range(1..4) {
                let Some(frame) = up.next_frame(&ph.bytes) else { break };
                match client.send(village, &ph.hash, frame).await {
                    Ok(ack) => up.on_ack(&ack).expect("ack"),
                    Err(_) => {
                        failed += 1;
                        break;
                    }
                }
            }
            if let Some(k) = killer {
                k.join().expect("killer");
                kills += 1;
            }
            let dead = server.child.lock().expect("child").try_wait().expect("try_wait").is_some();
            if dead {
                server = start(&db);
            }
            // The server has at least what it acknowledged.
            let client = BlobClient::new(&server.url, &li.token).expect("client");
            let acked = up.acked.max(before);
            match client.status(village, &ph.hash).await.expect("status") {
                Some(ack) if ack.received >= acked => {}
                None if acked == 0 => {}
                other => panic!("acknowledged {acked} bytes, the server now says {other:?}"),
            }
            // Nothing partial is ever served.
            if let Some(bytes) = client.download(village, &ph.hash, false).await.expect("download") {
                assert_eq!(blob_hash(&bytes), ph.hash, "a served blob is whole");
            }
            client.resume(village, &mut up).await.expect("resume");
        }
    }
    drop(server);
    let store = SqliteStore::open(&db).expect("database opens after the kills");
    assert_eq!(store.integrity_check().await.expect("integrity check"), "ok");
    drop(store);
    let server = start(&db);
    let client = BlobClient::new(&server.url, &li.token).expect("client");
    for ph in &photos {
        let bytes = client.download(village, &ph.hash, false).await.expect("download").expect("stored");
        assert_eq!(bytes, ph.bytes);
    }
    let total: usize = photos.iter().map(|p| p.bytes.len()).sum();
    println!(
        "blob kill: {} photos, {} KiB in {} KiB chunks, {kills} kills, {failed} chunks cut off, no acknowledged byte lost, no partial blob served",
        photos.len(),
        total / 1024,
        CHUNK_BYTES / 1024
    );
}
