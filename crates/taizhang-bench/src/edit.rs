//! A household edit's sync at 1,000 households (issue 23): what the server pays to judge a
//! push to a large registry. The device edits one household and syncs; timed at the device,
//! per sync, in four ways: a check-in for reference (a log push, judged by its name); the
//! household edit with the registry in the server's cache of loaded documents (warm); with the
//! cache emptied before each sync and no saved form, so the registry is loaded from every change
//! of its history (cold, what every cache miss cost before issue 23); and with the cache emptied
//! again once the server keeps the registry's saved form, loaded with the few changes after it.
//! The registry first gathers a history: `history` household edits, one sync each.

use std::time::Instant;

use serde::Serialize;
use taizhang_client::Ledger;
use taizhang_sync_server::snapshot::{refresh_if_due, set_refresh};

use crate::data::VillageSpec;
use crate::setup::{self, Backend, DeviceStore, InProcessServer};

#[derive(Debug, Clone)]
pub struct Params {
    pub households: usize,
    pub history: usize,
    pub rounds: usize,
    pub backend: Backend,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub backend: String,
    pub households: usize,
    /// Changes of the registry before the timed syncs (the seed and the history).
    pub registry_changes: usize,
    pub saved_form_bytes: usize,
    pub rounds: usize,
    pub check_in_ms: [f64; 2],
    pub warm_ms: [f64; 2],
    pub cold_from_changes_ms: [f64; 2],
    pub cold_from_saved_form_ms: [f64; 2],
}

/// Median and maximum.
fn stats(mut v: Vec<f64>) -> [f64; 2] {
    v.sort_by(f64::total_cmp);
    [v.get(v.len() / 2).copied().unwrap_or(0.0), v.last().copied().unwrap_or(0.0)]
}

pub async fn run(p: &Params) -> anyhow::Result<Row> {
    set_refresh(false);
    let server = InProcessServer::start(&p.backend).await?;
    // A village of its own on each run (a PostgreSQL database may be shared between runs, and
    // an earlier run's saved form would spoil the measurement without one).
    let index = 700_000 + u32::try_from(crate::now_ms().rem_euclid(1_000_000)).unwrap_or(0);
    let spec = VillageSpec::new(index, p.households);
    setup::seed_village(server.store.as_ref(), &spec, crate::now_ms()).await?;
    let t = setup::transport(&server.url)?;
    let mut dev: Ledger = setup::device(server.store.as_ref(), &t, &spec, 1, 0, DeviceStore::Memory).await?;
    dev.sync(&t, crate::now_ms()).await?;
    let mut k = 0usize;
    let mut edit = |dev: &mut Ledger| -> anyhow::Result<()> {
        let id = spec.household_id(k % p.households);
        k += 1;
        let mut h = dev.store().household(id)?.ok_or_else(|| anyhow::anyhow!("household {id} missing"))?.record;
        h.plan = format!("产业帮扶计划第{k}版");
        dev.put_household(&h, crate::now_ms())?;
        Ok(())
    };
    async fn timed(dev: &mut Ledger, t: &taizhang_client::HttpTransport) -> anyhow::Result<f64> {
        let start = Instant::now();
        let r = dev.sync(t, crate::now_ms()).await?;
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        anyhow::ensure!(r.rejected.is_empty(), "the server refused an honest edit: {:?}", r.rejected);
        Ok(ms)
    }
    for _ in 0..p.history {
        edit(&mut dev)?;
        dev.sync(&t, crate::now_ms()).await?;
    }
    let village = spec.id.0;
    let registry_changes = server.store.doc_changes(village, "registry").await?.len();
    let (mut check_in, mut warm, mut cold, mut saved) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let me = spec.member_id(1);
    for _ in 0..p.rounds {
        edit(&mut dev)?;
        taizhang_sync_server::forget_loaded_documents();
        cold.push(timed(&mut dev, &t).await?);
        edit(&mut dev)?;
        warm.push(timed(&mut dev, &t).await?);
        let now = crate::now_ms();
        let c = taizhang_domain::CheckIn {
            id: taizhang_domain::CheckInId(uuid::Uuid::now_v7()),
            member: me,
            at: now,
            kind: taizhang_domain::CheckKind::In,
            location: None,
            in_geofence: None,
        };
        dev.check_in(&c, now)?;
        check_in.push(timed(&mut dev, &t).await?);
    }
    set_refresh(true);
    anyhow::ensure!(
        refresh_if_due(server.store.as_ref(), village, "registry", 1).await?,
        "the registry's saved form was not made"
    );
    let saved_form_bytes = server.store.snapshot_source(village, "registry").await?.saved.map_or(0, |s| s.len());
    for _ in 0..p.rounds {
        edit(&mut dev)?;
        taizhang_sync_server::forget_loaded_documents();
        saved.push(timed(&mut dev, &t).await?);
    }
    Ok(Row {
        backend: p.backend.label().to_string(),
        households: p.households,
        registry_changes,
        saved_form_bytes,
        rounds: p.rounds,
        check_in_ms: stats(check_in),
        warm_ms: stats(warm),
        cold_from_changes_ms: stats(cold),
        cold_from_saved_form_ms: stats(saved),
    })
}

pub fn markdown(rows: &[Row], header: &str) -> String {
    let mut s = format!(
        "{header}\n\n# A household edit's sync (issue 23)\n\n\
         One device edits one household of a village of 1,000 and syncs; times are per sync request at the \
         device (loopback, the server in the same process), median / max of the rounds. **Warm**: the registry \
         is in the server's cache of 64 loaded documents. **Cold, from changes**: the cache is emptied before \
         each sync and no saved form is kept, so the server loads the registry from every change of its history \
         — what every cache miss cost before issue 23 (a county has more registries than the cache holds). \
         **Cold, from the saved form**: the cache is emptied again, and the server loads the registry's saved \
         form and the changes stored after it (at most 64 in use; here the rounds' own). A check-in (a log push) \
         for reference. Target: ≤ 5 ms.\n\n\
         | backend | households | registry changes | saved form | check-in | warm | cold, from changes | cold, from the saved form |\n\
         |---|---|---|---|---|---|---|---|\n"
    );
    for r in rows {
        s.push_str(&format!(
            "| {} | {} | {} | {:.1} KiB | {:.1} / {:.1} ms | {:.1} / {:.1} ms | {:.1} / {:.1} ms | {:.1} / {:.1} ms |\n",
            r.backend,
            r.households,
            r.registry_changes,
            r.saved_form_bytes as f64 / 1024.0,
            r.check_in_ms[0],
            r.check_in_ms[1],
            r.warm_ms[0],
            r.warm_ms[1],
            r.cold_from_changes_ms[0],
            r.cold_from_changes_ms[1],
            r.cold_from_saved_form_ms[0],
            r.cold_from_saved_form_ms[1],
        ));
    }
    s
}
