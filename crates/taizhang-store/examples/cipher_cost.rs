//! The cost of encryption at rest (issue 21): the same store — the demo's 1000 households and a
//! year of a member's visits (about 3,400 rows and as many document chunks) — written plain and
//! encrypted, then, each in a fresh process (cold start), the household list from before
//! opening until in hand, and 50 visits made durable (a chunk, a row, the pending mark, one
//! commit with `synchronous=FULL`). Store level: the ledger's Automerge work on top is the same
//! for both. Run: `cargo run --release -p taizhang-store --features sqlcipher --example cipher_cost`.

use std::path::Path;
use std::time::Instant;

use taizhang_doc::Read;
use taizhang_domain::{GeoPoint, GpsFix, MemberId, Visit, VisitId};
use taizhang_store::{HouseholdQuery, Store, StoreError, StoreKey};
use uuid::Uuid;

const HOUSEHOLDS: usize = 1000;
const VISITS: usize = 3400;
const PROBE_VISITS: usize = 50;
const KEY: [u8; 32] = [0x5a; 32];

fn visit(n: usize, households: &[taizhang_domain::Household], at: i64) -> Visit {
    Visit {
        id: VisitId(Uuid::from_u128(0x0193_0000_0000_7000_8000_0009_0000_0000 + n as u128)),
        household: households[n * 7 % households.len()].id,
        member: MemberId(Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0001_0000)),
        at,
        location: Some(GpsFix { point: GeoPoint { lat: 26.131, lon: 106.651 }, accuracy_m: Some(12.5) }),
        findings: format!("走访第{n}次：家中三口人，老人身体尚可，孩子在县城读书，今年养了二十只鸡。"),
        needs: "需要技术培训和小额信贷".into(),
        follow_up: "下月回访".into(),
        amends: None,
        attachments: Vec::new(),
    }
}

fn write_visit(store: &mut Store, n: usize, hh: &[taizhang_domain::Household], at: i64) -> Result<(), StoreError> {
    let v = visit(n, hh, at);
    let tx = store.transaction()?;
    // A chunk about the size of one visit's Automerge change.
    tx.append_chunk("log/m/2026-11", &[n as u8; 420])?;
    tx.put_visit("log/m/2026-11", &Read { record: v, conflicts: vec![] })?;
    tx.set_dirty("log/m/2026-11", true)?;
    tx.commit()
}

fn build(path: &Path, key: Option<&StoreKey>) -> Result<(), StoreError> {
    let mut store = Store::open_with(path, key)?;
    let hh = taizhang_doc::demo::households(HOUSEHOLDS);
    let tx = store.transaction()?;
    for h in &hh {
        tx.put_household("registry", &Read { record: h.clone(), conflicts: vec![] })?;
    }
    tx.append_chunk("registry", &vec![7u8; 300 * HOUSEHOLDS])?;
    tx.commit()?;
    let tx = store.transaction()?;
    for n in 0..VISITS {
        let v = visit(n, &hh, 1_764_000_000_000 + n as i64 * 3_600_000);
        tx.append_chunk("log/m/2026-11", &[n as u8; 420])?;
        tx.put_visit("log/m/2026-11", &Read { record: v, conflicts: vec![] })?;
    }
    tx.commit()
}

fn probe(path: &Path, key: Option<&StoreKey>) -> Result<(f64, f64, f64), StoreError> {
    let t0 = Instant::now();
    let store = Store::open_with(path, key)?;
    let list = store.households(&HouseholdQuery::default())?;
    let list_ms = t0.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(list.len(), HOUSEHOLDS);
    let hh: Vec<_> = list.into_iter().map(|r| r.record).collect();
    let mut store = store;
    let mut times = Vec::new();
    for i in 0..PROBE_VISITS {
        let t = Instant::now();
        write_visit(&mut store, VISITS + i, &hh, 1_795_000_000_000 + i as i64 * 60_000)?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let first = times[0];
    times.sort_by(f64::total_cmp);
    Ok((list_ms, first, times[times.len() / 2]))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 4 && args[1] == "probe" {
        let key = (args[3] == "encrypted").then(|| StoreKey::from_bytes(KEY));
        let (list, first, p50) = probe(Path::new(&args[2]), key.as_ref())?;
        println!("{list:.2} {first:.2} {p50:.2}");
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    let me = std::env::current_exe()?;
    let runs = 5;
    println!("| store | file size | open → list of {HOUSEHOLDS} households (median of {runs} cold processes) | visit durable: first / p50 of {PROBE_VISITS} |");
    println!("|---|---|---|---|");
    for kind in ["plain", "encrypted"] {
        let path = dir.path().join(format!("{kind}.sqlite3"));
        let key = (kind == "encrypted").then(|| StoreKey::from_bytes(KEY));
        build(&path, key.as_ref())?;
        let size = std::fs::metadata(&path)?.len();
        let mut lists = Vec::new();
        let mut firsts = Vec::new();
        let mut p50s = Vec::new();
        for _ in 0..runs {
            let out = std::process::Command::new(&me).arg("probe").arg(&path).arg(kind).output()?;
            let text = String::from_utf8(out.stdout)?;
            let f: Vec<f64> = text.split_whitespace().filter_map(|x| x.parse().ok()).collect();
            if f.len() != 3 {
                return Err(format!("probe failed: {}", String::from_utf8_lossy(&out.stderr)).into());
            }
            lists.push(f[0]);
            firsts.push(f[1]);
            p50s.push(f[2]);
        }
        let med = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        println!(
            "| {kind} | {:.0} KiB | {:.1} ms | {:.1} ms / {:.1} ms |",
            size as f64 / 1024.0,
            med(&mut lists),
            med(&mut firsts),
            med(&mut p50s)
        );
    }
    // The in-place migration of the plain store.
    let plain = dir.path().join("plain.sqlite3");
    let t = Instant::now();
    taizhang_store::encrypt_in_place(&plain, &StoreKey::from_bytes(KEY))?;
    println!("\nencrypting the plain store in place: {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
    Ok(())
}
