//! Scenario 5, the county report (issue 5): a county of 200 villages × 4 members with one
//! year of generated work (`taizhang_doc::synth`) stored on the server as devices would have
//! synced it, then the county page's requests timed over HTTP: the first overview (which
//! builds the read model from every village's log), the next one (warm), one village's page,
//! the county exports, and the overview after one village syncs again. The rules engine alone
//! (in process, no HTTP) is timed too. Writes `bench/county.json` and `bench/COUNTY.md`.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use chrono::NaiveDate;
use serde::Serialize;
use taizhang_doc::synth::{village_year, SynthSpec};
use taizhang_domain::VillageId;
use taizhang_server_db::ServerBackend;
use uuid::Uuid;

use taizhang_sync_server::admin::store_changes;

use crate::setup::{self, Backend};

#[derive(Debug, Clone)]
pub struct Params {
    pub villages: usize,
    pub members: usize,
    pub households: usize,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub backend: Option<Backend>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    pub what: String,
    pub ms: f64,
    pub bytes: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub backend: String,
    pub villages: usize,
    pub members_per_village: usize,
    pub households_per_village: usize,
    pub period: String,
    /// Records in the villages' logs (as the catch-up projected them) and changes stored.
    pub records: usize,
    pub changes: usize,
    pub generate_s: f64,
    pub store_s: f64,
    /// Villages an earlier run had stored in the same database (not generated again).
    pub reused_villages: usize,
    /// Every village projected from its log, in process (what the projector does for a
    /// village whose kept projection is behind): records read and seconds.
    pub catch_up_records: u64,
    pub catch_up_s: f64,
    /// Villages of the projection an instance holds in memory at most (the rest are read from
    /// the database when asked for).
    pub cache_villages: usize,
    /// Resident memory of the bench process (the server runs in it) before the first
    /// overview, after the two overviews (the instance holding what its cache keeps), and
    /// after the last request (the exports' peaks stay with the allocator), MiB.
    pub rss_before_mib: f64,
    pub rss_overviews_mib: f64,
    pub rss_after_mib: f64,
    pub timings: Vec<Timing>,
}

fn rss_mib() -> f64 {
    crate::measure::proc_status_kb(None, "VmRSS:").map_or(0.0, |kb| kb as f64 / 1024.0)
}

const COUNTY: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_00cc_0000_0001);
const OFFICER: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_00cc_0000_0002);
const PASSWORD: &str = "bench-county-password";

fn village_id(i: usize) -> Uuid {
    Uuid::from_u128(0x0193_0000_0000_7000_8000_00cc_0001_0000 + i as u128)
}

fn township_id(i: usize) -> Uuid {
    Uuid::from_u128(0x0193_0000_0000_7000_8000_00cc_0002_0000 + (i / 20) as u128)
}

/// Creates the county, its townships and villages with a year of work each.
/// What seeding did: records and changes it generated and stored (and the time each took), and
/// how many villages it found stored already (an earlier run on the same database).
struct Seeded {
    records: usize,
    changes: usize,
    generate_s: f64,
    store_s: f64,
    reused: usize,
    reused_changes: usize,
}

async fn seed(store: &dyn ServerBackend, p: &Params, now: i64) -> anyhow::Result<Seeded> {
    use taizhang_server_db::Account;
    store.create_county(COUNTY, "基准县", now).await?;
    if store.account(OFFICER).await?.is_none() {
        store
            .create_account(&Account {
                id: OFFICER,
                name: "基准县组织部".into(),
                role: taizhang_auth::Role::CountyStaff,
                village: None,
                township: None,
                county: Some(COUNTY),
                created_at: now,
            })
            .await?;
    }
    taizhang_sync_server::admin::set_password(store, OFFICER, PASSWORD, now).await?;
    let (mut records, mut changes, mut gen_s, mut store_s) = (0, 0, 0.0, 0.0);
    let (mut reused, mut reused_changes) = (0, 0);
    for i in 0..p.villages {
        let id = village_id(i);
        if i % 20 == 0 {
            store.create_township(township_id(i), COUNTY, &format!("第{}镇", i / 20 + 1), now).await?;
        }
        if store.village_exists(id).await? && !store.docs(id).await?.is_empty() {
            reused += 1;
            reused_changes += store.change_times(id).await?.len();
            continue;
        }
        let spec = SynthSpec {
            seed: 1000 + i as u64,
            village: VillageId(id),
            name: format!("基准{}村", i + 1),
            township: format!("第{}镇", i / 20 + 1),
            county: "基准县".into(),
            members: p.members,
            households: p.households,
            from: p.from,
            to: p.to,
            not_after: None,
        };
        let t = Instant::now();
        let v = tokio::task::spawn_blocking(move || village_year(&spec)).await??;
        gen_s += t.elapsed().as_secs_f64();
        let t = Instant::now();
        store.create_village(id, &format!("基准{}村", i + 1)).await?;
        store.set_village_township(id, township_id(i)).await?;
        for (doc_id, doc) in &v.docs {
            changes += store_changes(store, id, doc_id, doc, &[], now).await?;
        }
        store_s += t.elapsed().as_secs_f64();
        records += v.records;
        if (i + 1) % 20 == 0 {
            eprintln!("county scenario: {} of {} villages stored", i + 1, p.villages);
        }
    }
    Ok(Seeded { records, changes, generate_s: gen_s, store_s, reused, reused_changes })
}

async fn get(http: &reqwest::Client, url: &str, token: &str) -> anyhow::Result<(f64, Vec<u8>)> {
    let t = Instant::now();
    let r = http.get(url).header("authorization", format!("Bearer {token}")).send().await?;
    let status = r.status();
    let body = r.bytes().await?.to_vec();
    anyhow::ensure!(status.is_success(), "{url}: {status} {}", String::from_utf8_lossy(&body));
    Ok((t.elapsed().as_secs_f64() * 1000.0, body))
}

pub async fn run(dir: &Path, p: &Params) -> anyhow::Result<Results> {
    let backend = p.backend.clone().unwrap_or_else(|| Backend::sqlite_in(dir, "county"));
    let server = setup::InProcessServer::start(&backend).await?;
    let now = crate::now_ms();
    let seeded = seed(server.store.as_ref(), p, now).await.context("seeding")?;

    let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(1800)).build()?;
    let login = http
        .post(format!("{}/county/api/login", server.url))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "login": OFFICER.to_string(), "password": PASSWORD }).to_string())
        .send()
        .await?
        .text()
        .await?;
    let token = serde_json::from_str::<serde_json::Value>(&login)?["token"]
        .as_str()
        .context("no token in the log-in answer")?
        .to_string();
    let q = format!("from={}&to={}", p.from, p.to);
    let mut timings = Vec::new();
    let mut time = |what: &str, ms: f64, bytes: Option<usize>| {
        eprintln!("county scenario: {what}: {ms:.0} ms");
        timings.push(Timing { what: what.into(), ms, bytes });
    };

    // Catching up: every village projected from its log and kept, in process, one at a time.
    let store: std::sync::Arc<dyn taizhang_server_db::ServerStore> = server.store.clone();
    let catch_up = taizhang_county_web::ReadModel::default().from_log_only().with_capacity(8);
    let t = Instant::now();
    for i in 0..p.villages {
        catch_up.refresh(&store, village_id(i)).await?;
    }
    let catch_up_s = t.elapsed().as_secs_f64();
    let catch_up_records = catch_up.stats().records_projected;
    eprintln!("county scenario: catch-up {catch_up_records} records in {catch_up_s:.1} s");
    drop(catch_up);
    anyhow::ensure!(
        seeded.reused > 0 || catch_up_records as usize == seeded.records,
        "the catch-up projected {catch_up_records} records of the {} generated",
        seeded.records
    );
    let rss_before_mib = rss_mib();

    let (ms, body) = get(&http, &format!("{}/county/api/overview?{q}", server.url), &token).await?;
    let overview: serde_json::Value = serde_json::from_slice(&body)?;
    anyhow::ensure!(
        overview["villages"].as_array().map(Vec::len) == Some(p.villages),
        "the overview lists {} villages, not {}",
        overview["villages"].as_array().map_or(0, Vec::len),
        p.villages
    );
    time("overview, first request of an instance (reads every village's kept projection)", ms, Some(body.len()));
    let (ms, body) = get(&http, &format!("{}/county/api/overview?{q}", server.url), &token).await?;
    time("overview, warm (every village's line kept: its log position read, nothing computed)", ms, Some(body.len()));
    let rss_overviews_mib = rss_mib();
    let v = village_id(p.villages / 2);
    let (ms, body) = get(&http, &format!("{}/county/api/village/{v}?{q}", server.url), &token).await?;
    time("one village's page (calendar, members, month scores)", ms, Some(body.len()));
    {
        // Another instance on the same database, asked for one village first.
        let other = setup::InProcessServer::start(&backend).await?;
        let w = village_id(p.villages / 3);
        let (ms, body) = get(&http, &format!("{}/county/api/village/{w}?{q}", other.url), &token).await?;
        time("one village's page, first request of another instance (reads its kept projection)", ms, Some(body.len()));
    }
    for (dataset, format) in [("scores", "xlsx"), ("scores", "csv"), ("attendance", "csv"), ("attendance", "xlsx")] {
        let url = format!("{}/county/api/export?dataset={dataset}&format={format}&{q}", server.url);
        let t = Instant::now();
        match get(&http, &url, &token).await {
            Ok((ms, body)) => time(&format!("county export: {dataset}.{format}"), ms, Some(body.len())),
            // An Excel sheet holds 1,048,576 rows: a county too big for one is refused in words.
            Err(e) if format == "xlsx" && e.to_string().contains("400 Bad Request") => time(
                &format!(
                    "county export: {dataset}.{format} — refused in words: more rows than one Excel sheet holds \
                         (use CSV, one village or a shorter period)"
                ),
                t.elapsed().as_secs_f64() * 1000.0,
                None,
            ),
            Err(e) => return Err(e),
        }
    }

    // One village syncs a day's work again; the next overview re-reads only what grew.
    let extra = SynthSpec {
        seed: 99,
        village: VillageId(village_id(0)),
        name: "基准1村".into(),
        township: "第1镇".into(),
        county: "基准县".into(),
        members: p.members,
        households: p.households,
        from: p.to,
        to: p.to,
        not_after: None,
    };
    let day = tokio::task::spawn_blocking(move || village_year(&extra)).await??;
    for (doc_id, doc) in day.docs.iter().filter(|(d, _)| matches!(d, taizhang_doc::DocId::Log { .. })) {
        store_changes(server.store.as_ref(), village_id(0), doc_id, doc, &[], now).await?;
    }
    let (ms, body) = get(&http, &format!("{}/county/api/overview?{q}", server.url), &token).await?;
    time("overview after one village synced a day of work (that village's line computed again)", ms, Some(body.len()));
    {
        // What was answered from kept lines is what an instance computing every line afresh
        // answers (and what that costs).
        let other = setup::InProcessServer::start(&backend).await?;
        let (ms, fresh) = get(&http, &format!("{}/county/api/overview?{q}", other.url), &token).await?;
        let timeless = |b: &[u8]| -> anyhow::Result<serde_json::Value> {
            let mut v: serde_json::Value = serde_json::from_slice(b)?;
            v.as_object_mut().map(|o| o.remove("computed_ms"));
            Ok(v)
        };
        anyhow::ensure!(
            timeless(&body)? == timeless(&fresh)?,
            "the overview from kept lines differs from one computed afresh by another instance"
        );
        time(
            "overview, first request of another instance (every line computed; the same answer)",
            ms,
            Some(fresh.len()),
        );
    }

    let rss_after_mib = rss_mib();

    // The rules engine alone, in process: every village's summary from records in memory.
    let model = taizhang_county_web::ReadModel::default().with_capacity(p.villages);
    let mut all = Vec::with_capacity(p.villages);
    for i in 0..p.villages {
        all.push((village_id(i), model.refresh(&store, village_id(i)).await?));
    }
    let period = taizhang_rules::Period::new(p.from, p.to)?;
    let policy = taizhang_rules::Policy::default();
    let t = Instant::now();
    for (id, r) in &all {
        let info = taizhang_county::VillageInfo { id: *id, name: String::new(), township: String::new() };
        taizhang_county::village_summary(&info, r, period, p.to, &policy)?;
    }
    time("rules engine alone: every village's summary, in process", t.elapsed().as_secs_f64() * 1000.0, None);

    Ok(Results {
        backend: backend.label().to_string(),
        villages: p.villages,
        members_per_village: p.members,
        households_per_village: p.households,
        period: format!("{}..={}", p.from, p.to),
        records: catch_up_records as usize,
        changes: seeded.changes + seeded.reused_changes,
        generate_s: seeded.generate_s,
        store_s: seeded.store_s,
        reused_villages: seeded.reused,
        catch_up_records,
        catch_up_s,
        cache_villages: taizhang_county_web::readmodel::DEFAULT_CAPACITY,
        rss_before_mib,
        rss_overviews_mib,
        rss_after_mib,
        timings,
    })
}

/// The Markdown section of the results.
pub fn markdown(r: &Results, command: &str, machine: &str) -> String {
    let mut s = format!(
        "<!-- Generated by `{command}`; do not edit by hand. -->\n# County report benchmark (issue 5)\n\n{machine}\n\n\
         {} villages × {} members, {} households each, period {}: {} records in {} changes on {} \
         (generated in {:.0} s, stored in {:.0} s{}).\n\n| request | time | size |\n|---|---:|---:|\n",
        r.villages,
        r.members_per_village,
        r.households_per_village,
        r.period,
        r.records,
        r.changes,
        r.backend,
        r.generate_s,
        r.store_s,
        if r.reused_villages > 0 {
            format!("; {} of the villages were stored by an earlier run on this database", r.reused_villages)
        } else {
            String::new()
        }
    );
    for t in &r.timings {
        let size = t.bytes.map_or_else(|| "-".to_string(), |b| format!("{:.1} KiB", b as f64 / 1024.0));
        s.push_str(&format!("| {} | {:.0} ms | {size} |\n", t.what, t.ms));
    }
    s.push_str(&format!(
        "\n**The county projection kept in the database** (issue 23): catching up every village from \
         its log, one at a time, projected {} records in {:.1} s — **{:.0} records/s** on one \
         instance. An instance holds at most {} villages in memory (`TAIZHANG_COUNTY_CACHE`); the \
         rest are read from the database when asked for. Resident memory of the bench process \
         (the server runs in it): {:.0} MiB before the first overview, {:.0} MiB after the two \
         overviews, {:.0} MiB after the last request (the exports' peaks stay with the \
         allocator).\n",
        r.catch_up_records,
        r.catch_up_s,
        r.catch_up_records as f64 / r.catch_up_s.max(1e-9),
        r.cache_villages,
        r.rss_before_mib,
        r.rss_overviews_mib,
        r.rss_after_mib
    ));
    s
}
