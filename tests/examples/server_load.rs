//! Server load on each backend, for the PostgreSQL issue's figures: many villages × a few
//! devices, each device syncing small pushes (one visit-sized change, plus the village's log
//! past its cursor) over HTTP on loopback, then every device re-reading its village's whole
//! log. Prints one JSON line per phase: requests, throughput, p50/p99 latency.
//!
//! Run (the backend from `LOAD_BACKEND`: `sqlite`, `postgres` or `postgres2` = two server
//! instances, each with its own pool, on one database; PostgreSQL from
//! `TAIZHANG_TEST_DATABASE_URL`, e.g. `export TAIZHANG_TEST_DATABASE_URL=$(bash scripts/postgres.sh)`):
//!   LOAD_BACKEND=sqlite cargo run -p taizhang-tests --example server_load
//! Optional: LOAD_VILLAGES (200), LOAD_DEVICES (4), LOAD_ROUNDS (5), LOAD_CONCURRENCY (32).

use std::sync::Arc;
use std::time::{Duration, Instant};

use automerge::transaction::Transactable;
use automerge::{ActorId, Automerge, ROOT};
use taizhang_server_db::ServerStore;
use taizhang_server_postgres::testing;
use taizhang_server_sqlite::SqliteStore;
use taizhang_sync::{decode_response, encode_request, DocOutcome, DocPush, SyncRequest, MAX_BATCH_BYTES};
use taizhang_sync::{MAX_DECODED_BYTES, PROTOCOL_VERSION};
use taizhang_tests::TestServer;
use uuid::Uuid;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// One simulated phone: its village, its monthly log document and its pre-made changes.
struct Device {
    village: Uuid,
    doc: String,
    changes: Vec<Vec<u8>>,
    cursor: u64,
}

fn make_device(village: Uuid, n: usize, rounds: usize) -> Device {
    let member = Uuid::now_v7();
    let mut d = Automerge::new().with_actor(ActorId::from(Uuid::now_v7().as_bytes().to_vec()));
    for r in 0..rounds {
        let mut tx = d.transaction();
        let key = format!("visit/{}", Uuid::now_v7());
        let _ =
            tx.put(ROOT, key, format!("第{n}台手机第{r}次走访：了解家庭收入、就医、就学情况，核实两不愁三保障落实"));
        tx.commit();
    }
    let changes = d.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
    Device { village, doc: format!("log/{member}/2026-11"), changes, cursor: 0 }
}

async fn exchange(http: &reqwest::Client, url: &str, req: &SyncRequest) -> (Duration, taizhang_sync::SyncResponse) {
    let body = encode_request(req);
    let start = Instant::now();
    let resp = http.post(format!("{url}/v1/sync")).body(body).send().await.expect("request");
    assert!(resp.status().is_success(), "server answered {}", resp.status());
    let bytes = resp.bytes().await.expect("body");
    let took = start.elapsed();
    (took, decode_response(&bytes, MAX_DECODED_BYTES).expect("response"))
}

fn summary(phase: &str, backend: &str, mut lat: Vec<Duration>, wall: Duration, bytes: usize) -> String {
    lat.sort();
    let pct = |p: f64| {
        let i = ((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1;
        lat[i].as_secs_f64() * 1000.0
    };
    format!(
        "{{\"phase\":\"{phase}\",\"backend\":\"{backend}\",\"requests\":{},\"seconds\":{:.2},\"req_per_s\":{:.0},\"p50_ms\":{:.1},\"p99_ms\":{:.1},\"answer_mb_per_s\":{:.2}}}",
        lat.len(),
        wall.as_secs_f64(),
        lat.len() as f64 / wall.as_secs_f64(),
        pct(0.50),
        pct(0.99),
        bytes as f64 / wall.as_secs_f64() / 1e6
    )
}

#[tokio::main]
async fn main() {
    let backend = std::env::var("LOAD_BACKEND").unwrap_or_else(|_| "sqlite".into());
    let villages = env_usize("LOAD_VILLAGES", 200);
    let per_village = env_usize("LOAD_DEVICES", 4);
    let rounds = env_usize("LOAD_ROUNDS", 5);
    let concurrency = env_usize("LOAD_CONCURRENCY", 32);

    let dir = std::env::temp_dir().join(format!("taizhang-load-{}", std::process::id()));
    let stores: Vec<Arc<dyn ServerStore>> = match backend.as_str() {
        "sqlite" => {
            std::fs::create_dir_all(&dir).expect("temp dir");
            vec![Arc::new(SqliteStore::open(&dir.join("server.sqlite3")).expect("sqlite"))]
        }
        "postgres" | "postgres2" => {
            let url = testing::url_or_skip("server_load").expect("set TAIZHANG_TEST_DATABASE_URL");
            let schema = testing::fresh_schema();
            let n = if backend == "postgres2" { 2 } else { 1 };
            let mut v: Vec<Arc<dyn ServerStore>> = Vec::new();
            for _ in 0..n {
                let options = taizhang_server_postgres::PgOptions {
                    schema: Some(schema.clone()),
                    pool_size: 16,
                    ..Default::default()
                };
                v.push(Arc::new(taizhang_server_postgres::PgStore::connect_with(&url, options).await.expect("pg")));
            }
            v
        }
        other => panic!("LOAD_BACKEND {other}: use sqlite, postgres or postgres2"),
    };
    let mut servers = Vec::new();
    for s in &stores {
        servers.push(TestServer::serve_store(s.clone()).await);
    }
    let urls: Vec<String> = servers.iter().map(|s| s.url.clone()).collect();

    let mut devices = Vec::new();
    for v in 0..villages {
        let village = Uuid::now_v7();
        stores[0].create_village(village, &format!("村{v}")).await.expect("village");
        for d in 0..per_village {
            devices.push(make_device(village, d, rounds));
        }
    }
    // Each worker owns every `concurrency`-th device, so a device's pushes stay in order.
    let mut owned: Vec<Vec<Device>> = (0..concurrency).map(|_| Vec::new()).collect();
    for (i, d) in devices.into_iter().enumerate() {
        owned[i % concurrency].push(d);
    }
    let http = reqwest::Client::new();

    // Phase 1: every device pushes one change per round and reads the log past its cursor.
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (w, mut mine) in owned.into_iter().enumerate() {
        let http = http.clone();
        let urls = urls.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut bytes = 0usize;
            for r in 0..rounds {
                for (i, d) in mine.iter_mut().enumerate() {
                    let url = &urls[(w + i + r) % urls.len()];
                    let req = SyncRequest {
                        version: PROTOCOL_VERSION,
                        village: d.village,
                        cursor: d.cursor,
                        want_bytes: MAX_BATCH_BYTES as u32,
                        docs: vec![DocPush {
                            doc: d.doc.clone(),
                            changes: vec![d.changes[r].clone()],
                            sync_message: None,
                        }],
                    };
                    let (took, resp) = exchange(&http, url, &req).await;
                    assert!(matches!(resp.results[0].outcome, DocOutcome::Accepted { new: 1 }), "{:?}", resp.results);
                    bytes += resp.download.iter().flat_map(|d| &d.changes).map(Vec::len).sum::<usize>();
                    d.cursor = resp.cursor;
                    lat.push(took);
                }
            }
            (lat, bytes, mine)
        }));
    }
    let mut lat = Vec::new();
    let mut bytes = 0;
    let mut devices = Vec::new();
    for t in tasks {
        let (l, b, mine) = t.await.expect("worker");
        lat.extend(l);
        bytes += b;
        devices.push(mine);
    }
    println!("{}", summary("push", &backend, lat, start.elapsed(), bytes));

    // Phase 2: every device re-reads its village's whole log from cursor 0, page by page.
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (w, mine) in devices.into_iter().enumerate() {
        let http = http.clone();
        let urls = urls.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut bytes = 0usize;
            for (i, d) in mine.iter().enumerate() {
                let url = &urls[(w + i) % urls.len()];
                let mut cursor = 0;
                let mut got = 0;
                loop {
                    let req = SyncRequest {
                        version: PROTOCOL_VERSION,
                        village: d.village,
                        cursor,
                        want_bytes: MAX_BATCH_BYTES as u32,
                        docs: Vec::new(),
                    };
                    let (took, resp) = exchange(&http, url, &req).await;
                    lat.push(took);
                    for dl in &resp.download {
                        got += dl.changes.len();
                        bytes += dl.changes.iter().map(Vec::len).sum::<usize>();
                    }
                    cursor = resp.cursor;
                    if !resp.more {
                        break;
                    }
                }
                assert_eq!(got, per_village * rounds, "a device reads back its whole village");
            }
            (lat, bytes)
        }));
    }
    let mut lat = Vec::new();
    let mut bytes = 0;
    for t in tasks {
        let (l, b) = t.await.expect("worker");
        lat.extend(l);
        bytes += b;
    }
    println!("{}", summary("read", &backend, lat, start.elapsed(), bytes));
    drop(servers);
    let _ = std::fs::remove_dir_all(&dir);
}
