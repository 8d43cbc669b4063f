//! Scenarios 3 and 4, the client and growth: a village of `households` households whose
//! team works from 1 month to 3 years; at each checkpoint a fresh phone downloads it into a
//! store file, then a fresh process (`taizhang-bench-probe`, on the app's allocator) opens that store cold and
//! measures the household list, search, recording visits and peak memory; and the phone
//! pulls one more busy week over the shaped link (the sync cost of an ordinary week). Every
//! phone is enrolled over loopback first; its token is kept in its store file.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use taizhang_client::Ledger;
use taizhang_store::HouseholdQuery;

use crate::data::{at, clean, visit_now, DayPlan, Rng, Team, VillageSpec};
use crate::measure::{db_bytes, own_peak_rss_mib, percentile, Counting};
use crate::setup::{self, Backend, DeviceStore, InProcessServer};
use crate::shaper::{Link, LinkSpec};

#[derive(Debug, Clone)]
pub struct Params {
    pub households: usize,
    pub checkpoints_months: Vec<u32>,
    /// The checkpoint reported as "the client" (a year of records).
    pub client_months: u32,
    pub probe_visits: u32,
    pub link: LinkSpec,
}

/// What the fresh process measured on a store (`taizhang-bench-probe`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Probe {
    pub open_ms: f64,
    /// From before opening the store to the full household list in hand.
    pub household_list_ms: f64,
    pub households: usize,
    pub rss_after_list_mib: f64,
    pub search_p50_ms: f64,
    pub search_max_ms: f64,
    pub search_hits: usize,
    /// Recording a visit until it is durable (the call returns after the fsynced commit).
    pub visit_first_ms: f64,
    pub visit_p50_ms: f64,
    pub visit_max_ms: f64,
    pub visits_recorded: u32,
    /// Loading every document into Automerge (what a full re-materialisation would cost).
    pub load_all_docs_ms: f64,
    pub peak_rss_mib: f64,
    /// The whole child process, as the parent saw it (exec, runtime, measurements).
    #[serde(default)]
    pub process_wall_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Checkpoint {
    pub months: u32,
    pub visits: usize,
    pub diary_entries: usize,
    pub check_ins: usize,
    pub changes_on_server: u64,
    pub server_db_bytes: u64,
    pub device_db_bytes: u64,
    pub download_requests: u32,
    pub download_body_bytes: u64,
    pub download_loopback_s: f64,
    pub probe: Probe,
    /// One more busy week pulled over the shaped link.
    pub week_requests: u32,
    pub week_wire_down: u64,
    pub week_wire_up: u64,
    pub week_time_s: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub households: usize,
    pub link: LinkSpec,
    pub checkpoints: Vec<Checkpoint>,
    pub client_months: u32,
    pub generator_peak_rss_mib: Option<f64>,
}

fn copy_db(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::copy(from, to)?;
    let wal = PathBuf::from(format!("{}-wal", from.display()));
    if wal.exists() {
        std::fs::copy(&wal, format!("{}-wal", to.display()))?;
    }
    Ok(())
}

/// Runs the probe on `store` in a fresh process.
fn probe(store: &Path, spec: &VillageSpec, visits: u32, at_ms: i64) -> anyhow::Result<Probe> {
    // Its own binary, on the system allocator as the app is (this one runs on mimalloc).
    let exe = crate::setup::sibling_binary("taizhang-bench-probe")?;
    let start = Instant::now();
    let out = Command::new(exe)
        .arg("--store")
        .arg(store)
        .args(["--village-index", &spec.index.to_string(), "--households", &spec.households.to_string()])
        .args(["--visits", &visits.to_string(), "--at", &at_ms.to_string()])
        .output()
        .context("running the probe")?;
    let wall = start.elapsed().as_secs_f64() * 1000.0;
    if !out.status.success() {
        bail!("the probe failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let mut p: Probe = serde_json::from_slice(&out.stdout).context("the probe's output")?;
    p.process_wall_ms = wall;
    Ok(p)
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// The probe (`taizhang-bench-probe`), in its own process: cold start, list, search, visits.
pub fn run_probe(store: &Path, spec: &VillageSpec, visits: u32, at_ms: i64) -> anyhow::Result<Probe> {
    let t0 = Instant::now();
    let mut ledger = Ledger::open(store)?;
    let open_ms = ms(t0);
    let list = ledger.store().households(&HouseholdQuery::default())?;
    let household_list_ms = ms(t0);
    let households = list.len();
    drop(list);
    let rss_after_list_mib = own_peak_rss_mib().unwrap_or(0.0);

    let mut search = Vec::new();
    let mut hits = 0;
    for _ in 0..5 {
        for text in ["王", "德明", "网格3", "李秀", "zz"] {
            let t = Instant::now();
            let q = HouseholdQuery { text: Some(text.into()), ..HouseholdQuery::default() };
            hits = hits.max(ledger.store().households(&q)?.len());
            search.push(ms(t));
        }
    }

    let member = ledger.member().map(|m| (0..3).find(|i| spec.member_id(*i) == m).unwrap_or(0)).unwrap_or(0);
    let mut rng = Rng::new(0x9e0b);
    let mut times = Vec::new();
    for i in 0..visits {
        let when = at_ms + i64::from(i) * 60_000;
        let v = visit_now(&mut rng, spec, member, i as usize * 7, when);
        let t = Instant::now();
        ledger.record_visit(&v, when)?;
        times.push(ms(t));
    }

    let t = Instant::now();
    let mut n = 0;
    for (_, chunks) in ledger.store().load_docs()? {
        let mut doc = automerge::Automerge::new();
        for c in chunks {
            taizhang_sync::load_untrusted(&mut doc, &c).map_err(anyhow::Error::msg)?;
        }
        n += doc.get_heads().len();
    }
    let load_all_docs_ms = ms(t);
    std::hint::black_box(n);

    Ok(Probe {
        open_ms,
        household_list_ms,
        households,
        rss_after_list_mib,
        search_p50_ms: percentile(&search, 50.0),
        search_max_ms: percentile(&search, 100.0),
        search_hits: hits,
        visit_first_ms: times.first().copied().unwrap_or(0.0),
        visit_p50_ms: percentile(&times, 50.0),
        visit_max_ms: percentile(&times, 100.0),
        visits_recorded: visits,
        load_all_docs_ms,
        peak_rss_mib: own_peak_rss_mib().unwrap_or(0.0),
        process_wall_ms: 0.0,
    })
}

pub async fn run(dir: &Path, p: &Params) -> anyhow::Result<Results> {
    let server_db = dir.join("growth-server.sqlite3");
    let server = InProcessServer::start(&Backend::SqliteFile(server_db.clone())).await?;
    let spec = VillageSpec::new(3000, p.households);
    let village = spec.id.0;
    setup::seed_village(server.store.as_ref(), &spec, crate::now_ms()).await?;
    let direct = setup::transport(&server.url)?;
    // Three years that end this month (November 2026).
    let start = NaiveDate::from_ymd_opt(2023, 11, 1).unwrap_or_default();
    let mut team = Team::new(server.store.as_ref(), &direct, spec.clone(), start).await?;
    team.sync_all(&direct, crate::now_ms()).await?;
    let mut checkpoints = Vec::new();
    for &months in &p.checkpoints_months {
        let end = start.checked_add_months(Months::new(months)).unwrap_or(start);
        eprintln!("[growth] the team works until {end} ({months} months)");
        team.work_until(end, DayPlan::NORMAL)?;
        team.sync_all(&direct, crate::now_ms()).await?;
        team.sync_all(&direct, crate::now_ms()).await?;
        let changes_on_server = setup::read_whole_log(server.store.as_ref(), village, 0).await?.len() as u64;

        let path = dir.join(format!("phone-{months}.sqlite3"));
        let mut phone =
            setup::device(server.store.as_ref(), &direct, &spec, 0, 300 + months, DeviceStore::File(&path)).await?;
        let t = Counting::new(setup::transport(&server.url)?);
        let t0 = Instant::now();
        let r = clean(phone.sync(&t, crate::now_ms()).await?)?;
        let download_loopback_s = t0.elapsed().as_secs_f64();
        let counts = phone.store().counts()?;
        drop(phone);
        let device_db_bytes = db_bytes(&path);

        let copy = dir.join(format!("probe-{months}.sqlite3"));
        copy_db(&path, &copy)?;
        let last_day = team.day - chrono::Duration::days(1);
        eprintln!("[growth] probing the {months}-month store in a fresh process");
        let probe = probe(&copy, &spec, p.probe_visits, at(last_day, 18, 0))?;

        // One more busy week; the phone pulls it over the shaped link.
        team.work_days(7, DayPlan::BUSY_WEEK)?;
        team.sync_all(&direct, crate::now_ms()).await?;
        let mut phone = Ledger::open(&path)?;
        let link = Link::start(p.link.clone(), server.addr()?).await?;
        let lt = Counting::new(setup::transport(&link.url())?);
        let t0 = Instant::now();
        let week = clean(phone.sync(&lt, crate::now_ms()).await?)?;
        let week_time_s = t0.elapsed().as_secs_f64();
        let carried = link.carried();
        drop(phone);

        checkpoints.push(Checkpoint {
            months,
            visits: counts.visits,
            diary_entries: counts.diary_entries,
            check_ins: counts.check_ins,
            changes_on_server,
            server_db_bytes: db_bytes(&server_db),
            device_db_bytes,
            download_requests: r.requests,
            download_body_bytes: r.bytes_down + r.bytes_up,
            download_loopback_s,
            probe,
            week_requests: week.requests,
            week_wire_down: carried.down,
            week_wire_up: carried.up,
            week_time_s,
        });
    }
    Ok(Results {
        households: p.households,
        link: p.link.clone(),
        checkpoints,
        client_months: p.client_months,
        generator_peak_rss_mib: own_peak_rss_mib(),
    })
}
