//! Scenario 2, server load: a county's devices (villages × devices each) driven from this
//! process against the sync server in a child process (so its peak memory is its own):
//! every device's first download, a steady stream of small pushes, then every device
//! reconnecting at the same instant (8 a.m.). The devices are enrolled (and hold a token)
//! before the first phase; enrollment is not measured here.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use taizhang_client::{Ledger, Transport, TransportError};
use tokio::sync::{Mutex, Semaphore};

use crate::data::{clean, visit_now, Rng, VillageSpec};
use crate::measure::{cpu_seconds, own_peak_rss_mib, percentile, proc_status_kb, Counting};
use crate::setup::{self, Backend, ChildServer, DeviceStore};

#[derive(Debug, Clone)]
pub struct Params {
    pub villages: u32,
    pub devices_per_village: u32,
    pub households: usize,
    /// Devices syncing at the same time in the closed-loop phases.
    pub concurrency: usize,
    /// Arrival rate of the steady phase (devices starting a sync per second).
    pub arrivals_per_s: f64,
    pub backend: Option<Backend>,
}

/// One phase of the load.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    pub name: String,
    pub devices: usize,
    pub concurrency: String,
    pub syncs_ok: usize,
    pub errors: usize,
    pub requests: u32,
    pub wall_s: f64,
    pub syncs_per_s: f64,
    pub requests_per_s: f64,
    pub latency_p50_ms: f64,
    pub latency_p99_ms: f64,
    pub latency_max_ms: f64,
    pub first_error: Option<String>,
    /// CPU seconds the server process and the load generator used during the phase.
    pub server_cpu_s: Option<f64>,
    pub generator_cpu_s: Option<f64>,
    /// CPU seconds the database's own processes on this machine used during the phase
    /// (PostgreSQL's backends; none for SQLite, which runs inside the server).
    pub database_cpu_s: Option<f64>,
    /// A staged burst's own window, from the instant every request is released to the
    /// instant the last answer is in (the phones' work before and after it, and the county
    /// refresher's round, which waits for the burst to end, fall outside it).
    pub burst: Option<BurstWindow>,
}

/// What the server (and the load generator's HTTP client, and PostgreSQL's processes) used
/// between a staged burst's release and its last answer.
#[derive(Debug, Clone, Serialize)]
pub struct BurstWindow {
    pub wall_ms: f64,
    pub server_cpu_s: Option<f64>,
    pub generator_cpu_s: Option<f64>,
    pub database_cpu_s: Option<f64>,
}

/// One reading of the clocks a phase and a [`BurstWindow`] are differences of.
#[derive(Clone, Copy)]
struct Reading {
    at: Instant,
    server: Option<f64>,
    generator: Option<f64>,
    database: Option<f64>,
}

impl Reading {
    /// How far each clock moved from this reading to `later`.
    fn until(&self, later: &Reading) -> BurstWindow {
        let diff = |x: Option<f64>, y: Option<f64>| Some(y? - x?);
        BurstWindow {
            wall_ms: (later.at - self.at).as_secs_f64() * 1000.0,
            server_cpu_s: diff(self.server, later.server),
            generator_cpu_s: diff(self.generator, later.generator),
            database_cpu_s: diff(self.database, later.database),
        }
    }
}

/// The clocks of a phase: read at its start and end, and in a staged burst also by the
/// device that completes each barrier.
struct PhaseClock {
    server_pid: u32,
    database: Option<&'static str>,
    released: std::sync::Mutex<Option<Reading>>,
    answered: std::sync::Mutex<Option<Reading>>,
}

impl PhaseClock {
    fn read(&self) -> Reading {
        Reading {
            at: Instant::now(),
            server: cpu_seconds(Some(self.server_pid)),
            generator: cpu_seconds(None),
            database: self.database.and_then(crate::measure::processes_cpu_seconds),
        }
    }

    fn window(&self) -> Option<BurstWindow> {
        let released = (*self.released.lock().ok()?)?;
        let answered = (*self.answered.lock().ok()?)?;
        Some(released.until(&answered))
    }
}

/// How the devices of a phase arrive.
#[derive(Debug, Clone, Copy)]
enum Arrival {
    /// At most this many devices sync at a time, back to back (a closed loop).
    Concurrent(usize),
    /// One device starts every `1/rate` seconds, whatever the others are doing (open loop).
    Paced { per_s: f64 },
    /// Every device at once, each phone's own work kept off the server's cores ([`Staged`]).
    Staged,
}

/// How long a staged device waits for the others at either barrier before the phase fails.
const STAGE_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

/// One device's transport in a staged burst: a thousand phones each have their own CPU, so
/// here every device first builds its request (signing, encoding, compressing), all are sent
/// at the same instant, and the answers are handed back to the devices (which apply and store
/// them) only when every one has arrived. The server's cores then serve the burst alone but
/// for the load generator's HTTP client; the latency counted is the exchange's own
/// ([`Counting`]). Only a device's first request is staged (its sign-in or a next page, if
/// any, goes straight through).
struct Staged {
    inner: Arc<Counting>,
    ready: Arc<tokio::sync::Barrier>,
    answered: Arc<tokio::sync::Barrier>,
    clock: Arc<PhaseClock>,
    first: std::sync::atomic::AtomicBool,
}

/// Waits at `barrier`; the device that completes it (the last to arrive) reads the clocks
/// into `slot` at once.
async fn stage_wait(
    barrier: &tokio::sync::Barrier,
    what: &str,
    clock: &PhaseClock,
    slot: &std::sync::Mutex<Option<Reading>>,
) -> Result<(), TransportError> {
    match tokio::time::timeout(STAGE_WAIT, barrier.wait()).await {
        Ok(r) => {
            if r.is_leader() {
                if let Ok(mut slot) = slot.lock() {
                    *slot = Some(clock.read());
                }
            }
            Ok(())
        }
        Err(_) => Err(TransportError::Unreachable(format!(
            "the staged burst waited {} s for every device {what}; one failed before it",
            STAGE_WAIT.as_secs()
        ))),
    }
}

#[async_trait::async_trait]
impl Transport for Staged {
    async fn post(&self, path: &str, body: Vec<u8>, token: Option<&str>) -> Result<Vec<u8>, TransportError> {
        if !self.first.swap(false, std::sync::atomic::Ordering::SeqCst) {
            return self.inner.post(path, body, token).await;
        }
        let clock = &self.clock;
        stage_wait(&self.ready, "to build its request", clock, &clock.released).await?;
        let answer = self.inner.post(path, body, token).await;
        stage_wait(&self.answered, "to have its answer", clock, &clock.answered).await?;
        answer
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub backend: String,
    pub villages: u32,
    pub devices: usize,
    pub households_per_village: usize,
    pub phases: Vec<Phase>,
    pub server_peak_rss_mib: Option<f64>,
    /// One durable append (write + fdatasync) on the disk of the run's directory, median ms:
    /// the physical floor of a commit.
    pub fsync_ms: Option<f64>,
    pub load_generator_peak_rss_mib: Option<f64>,
    pub converged_villages_checked: usize,
    pub converged: bool,
}

struct Dev {
    spec: VillageSpec,
    member: usize,
    ledger: Ledger,
    rng: Rng,
}

/// The server a phase runs against: its process, its address, and the name of the database's
/// own processes on this machine, if any (`postgres`).
struct Target<'a> {
    pid: u32,
    url: &'a str,
    database: Option<&'static str>,
}

async fn phase(
    name: &str,
    devs: &[Arc<Mutex<Dev>>],
    server: &Target<'_>,
    arrival: Arrival,
    record: bool,
) -> anyhow::Result<Phase> {
    let t = Arc::new(Counting::new(setup::transport(server.url)?));
    let (concurrency, pace) = match arrival {
        Arrival::Concurrent(n) => (n, None),
        Arrival::Paced { per_s } => (devs.len(), Some(std::time::Duration::from_secs_f64(1.0 / per_s))),
        Arrival::Staged => (devs.len(), None),
    };
    let staged = matches!(arrival, Arrival::Staged);
    let (ready, answered) =
        (Arc::new(tokio::sync::Barrier::new(devs.len())), Arc::new(tokio::sync::Barrier::new(devs.len())));
    let clock = Arc::new(PhaseClock {
        server_pid: server.pid,
        database: server.database,
        released: std::sync::Mutex::new(None),
        answered: std::sync::Mutex::new(None),
    });
    let gate = Arc::new(Semaphore::new(concurrency));
    let begun = clock.read();
    let start_line = Arc::new(tokio::sync::Barrier::new(devs.len()));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(devs.len());
    for (i, d) in devs.iter().enumerate() {
        let (d, t, gate, start_line) = (d.clone(), t.clone(), gate.clone(), start_line.clone());
        let stage = staged.then(|| Staged {
            inner: t.clone(),
            ready: ready.clone(),
            answered: answered.clone(),
            clock: clock.clone(),
            first: std::sync::atomic::AtomicBool::new(true),
        });
        tasks.push(tokio::spawn(async move {
            let mut d = d.lock().await;
            let now = crate::now_ms();
            if record {
                let Dev { spec, member, ledger, rng } = &mut *d;
                let v = visit_now(rng, spec, *member, i, now);
                ledger.record_visit(&v, now)?;
            }
            start_line.wait().await;
            if let Some(pace) = pace {
                tokio::time::sleep(pace * i as u32).await;
            }
            let _permit = gate.acquire().await?;
            match &stage {
                Some(stage) => clean(d.ledger.sync(stage, now).await?),
                None => clean(d.ledger.sync(t.as_ref(), now).await?),
            }
        }));
    }
    let (mut ok, mut errors, mut first_error) = (0, 0, None);
    for task in tasks {
        match task.await {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(e)) => {
                errors += 1;
                first_error.get_or_insert(e.to_string());
            }
            Err(e) => {
                errors += 1;
                first_error.get_or_insert(e.to_string());
            }
        }
    }
    let wall_s = start.elapsed().as_secs_f64();
    let used = begun.until(&clock.read());
    let lat = t.latencies_ms.lock().map(|l| l.clone()).unwrap_or_default();
    let requests = t.requests.load(std::sync::atomic::Ordering::SeqCst);
    Ok(Phase {
        name: name.into(),
        devices: devs.len(),
        concurrency: match arrival {
            Arrival::Concurrent(n) => format!("{n} at a time"),
            Arrival::Paced { per_s } => format!("{per_s:.0} arriving per second"),
            Arrival::Staged => format!("{} at once, staged", devs.len()),
        },
        syncs_ok: ok,
        errors,
        requests,
        wall_s,
        syncs_per_s: ok as f64 / wall_s,
        requests_per_s: f64::from(requests) / wall_s,
        latency_p50_ms: percentile(&lat, 50.0),
        latency_p99_ms: percentile(&lat, 99.0),
        latency_max_ms: percentile(&lat, 100.0),
        first_error,
        server_cpu_s: used.server_cpu_s,
        generator_cpu_s: used.generator_cpu_s,
        database_cpu_s: used.database_cpu_s,
        burst: if staged { clock.window() } else { None },
    })
}

pub async fn run(dir: &Path, p: &Params) -> anyhow::Result<Results> {
    let backend = p.backend.clone().unwrap_or_else(|| Backend::sqlite_in(dir, "county.sqlite3"));
    eprintln!("[load] seeding {} villages and their accounts", p.villages);
    let codes = setup::seed_county(&backend, p.villages, p.households, p.devices_per_village).await?;
    eprintln!("[load] starting the server");
    let server = ChildServer::start(&backend)?;
    eprintln!("[load] enrolling {} devices (not measured)", codes.len());
    let direct = Arc::new(setup::transport(&server.url)?);
    let gate = Arc::new(Semaphore::new(p.concurrency.max(1)));
    let mut enrolling = Vec::new();
    for v in 0..p.villages {
        let spec = VillageSpec::new(v, p.households);
        for k in 0..p.devices_per_village {
            let member = setup::load_member(k);
            let code = codes[(v * p.devices_per_village + k) as usize].clone();
            let (spec, direct, gate) = (spec.clone(), direct.clone(), gate.clone());
            enrolling.push(tokio::spawn(async move {
                let _permit = gate.acquire().await?;
                let name = format!("load phone {k} of village {v}");
                let ledger = setup::enroll_device(direct.as_ref(), &code, &name, DeviceStore::Memory).await?;
                let rng = Rng::new(u64::from(v) << 32 | u64::from(k));
                anyhow::Ok(Dev { spec, member, ledger, rng })
            }));
        }
    }
    let mut devs = Vec::new();
    for task in enrolling {
        devs.push(Arc::new(Mutex::new(task.await??)));
    }
    let n = devs.len();
    eprintln!("[load] {n} devices: first download");
    let database = matches!(backend, Backend::Postgres(_)).then_some("postgres");
    let target = Target { pid: server.pid(), url: &server.url, database };
    let closed = Arrival::Concurrent(p.concurrency);
    let mut phases = vec![phase("first download of each village", &devs, &target, closed, false).await?];
    eprintln!("[load] small pushes arriving at a steady rate");
    let paced = Arrival::Paced { per_s: p.arrivals_per_s };
    phases.push(phase("small push (one visit), steady arrivals", &devs, &target, paced, true).await?);
    eprintln!("[load] small pushes back to back");
    phases.push(phase("small push (one visit), back to back", &devs, &target, closed, true).await?);
    eprintln!("[load] everyone reconnects at once");
    let burst = Arrival::Concurrent(n);
    phases.push(phase("all reconnect at once (one visit each)", &devs, &target, burst, true).await?);
    eprintln!("[load] everyone reconnects at once, each phone's own work off the server's cores");
    let name = "all reconnect at once, phones' own work kept off the server's cores (one visit each)";
    phases.push(phase(name, &devs, &target, Arrival::Staged, true).await?);
    // One more quiet round so every device has every other device's visits, then compare
    // the devices of a few villages.
    phase("settle", &devs, &target, closed, false).await?;
    let per = p.devices_per_village as usize;
    let mut checked = 0;
    let mut converged = true;
    for v in (0..p.villages as usize).step_by((p.villages as usize / 5).max(1)) {
        let mut digests = Vec::new();
        for d in &devs[v * per..(v + 1) * per] {
            digests.push(d.lock().await.ledger.store().materialised_digest()?);
        }
        converged &= digests.windows(2).all(|w| w[0] == w[1]);
        checked += 1;
    }
    let server_peak = proc_status_kb(Some(server.pid()), "VmHWM:").map(|kb| kb as f64 / 1024.0);
    server.stop()?;
    Ok(Results {
        backend: backend.label().into(),
        villages: p.villages,
        devices: n,
        households_per_village: p.households,
        phases,
        server_peak_rss_mib: server_peak,
        fsync_ms: crate::measure::fsync_ms(dir),
        load_generator_peak_rss_mib: own_peak_rss_mib(),
        converged_villages_checked: checked,
        converged,
    })
}
