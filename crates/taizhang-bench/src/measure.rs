//! Small measuring tools shared by the scenarios: a transport that counts and times every
//! exchange, peak memory from /proc, percentiles, and the payload of a set of changes.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use async_trait::async_trait;
use taizhang_client::{HttpTransport, Transport, TransportError};

/// Wraps the real HTTP transport; counts requests (sync, sign-in and enrollment alike),
/// answers and body bytes, and records the latency of every exchange.
#[derive(Debug)]
pub struct Counting {
    inner: HttpTransport,
    pub requests: AtomicU32,
    pub answered: AtomicU32,
    pub body_up: AtomicU64,
    pub body_down: AtomicU64,
    pub latencies_ms: Mutex<Vec<f64>>,
}

impl Counting {
    pub fn new(inner: HttpTransport) -> Self {
        Self {
            inner,
            requests: AtomicU32::new(0),
            answered: AtomicU32::new(0),
            body_up: AtomicU64::new(0),
            body_down: AtomicU64::new(0),
            latencies_ms: Mutex::new(Vec::new()),
        }
    }
    pub fn answered(&self) -> u32 {
        self.answered.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl Transport for Counting {
    async fn post(&self, path: &str, body: Vec<u8>, token: Option<&str>) -> Result<Vec<u8>, TransportError> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        self.body_up.fetch_add(body.len() as u64, Ordering::SeqCst);
        let t = Instant::now();
        let r = self.inner.post(path, body, token).await;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if let Ok(a) = &r {
            self.answered.fetch_add(1, Ordering::SeqCst);
            self.body_down.fetch_add(a.len() as u64, Ordering::SeqCst);
            if let Ok(mut l) = self.latencies_ms.lock() {
                l.push(ms);
            }
        }
        r
    }
}

/// A field of /proc/<pid>/status in kB (`VmHWM` is the peak resident set).
pub fn proc_status_kb(pid: Option<u32>, field: &str) -> Option<u64> {
    let path = match pid {
        Some(p) => format!("/proc/{p}/status"),
        None => "/proc/self/status".to_string(),
    };
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Peak resident memory of this process, in MiB.
pub fn own_peak_rss_mib() -> Option<f64> {
    proc_status_kb(None, "VmHWM:").map(|kb| kb as f64 / 1024.0)
}

/// Percentile `p` (0–100) of `v` (nearest rank); 0 when empty.
pub fn percentile(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * s.len() as f64).ceil() as usize;
    s[rank.clamp(1, s.len()) - 1]
}

/// The zstd (level 9, like the sync codec) size of `changes` concatenated: what "the
/// compressed payload" means in the report.
pub fn zstd_size<'a>(changes: impl IntoIterator<Item = &'a [u8]>) -> anyhow::Result<(u64, u64)> {
    let raw: Vec<u8> = changes.into_iter().flatten().copied().collect();
    let z = zstd::bulk::compress(&raw, 9)?;
    Ok((raw.len() as u64, z.len() as u64))
}

/// Size of a SQLite database on disk: the file plus its WAL, if any.
pub fn db_bytes(path: &std::path::Path) -> u64 {
    let size = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    size(path) + size(&wal)
}

/// CPU time (user + system) a process has used, in seconds, from /proc/<pid>/stat. Assumes
/// the usual 100 clock ticks a second (Linux's USER_HZ on every mainstream architecture).
pub fn cpu_seconds(pid: Option<u32>) -> Option<f64> {
    let path = match pid {
        Some(p) => format!("/proc/{p}/stat"),
        None => "/proc/self/stat".to_string(),
    };
    let text = std::fs::read_to_string(path).ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// CPU seconds (user + system) of every process on this machine whose name is `name` (e.g.
/// PostgreSQL's backends, `postgres`); `None` when there is none. A process that ends between
/// two readings takes its seconds with it (the backends of a connection pool live on).
pub fn processes_cpu_seconds(name: &str) -> Option<f64> {
    let mut total = None;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        let Ok(comm) = std::fs::read_to_string(format!("/proc/{pid}/comm")) else { continue };
        if comm.trim() == name {
            if let Some(s) = cpu_seconds(Some(pid)) {
                *total.get_or_insert(0.0) += s;
            }
        }
    }
    total
}

/// The physical limit of a durable commit on the disk under `dir`: the median time of 50
/// appends of 4 KiB each followed by `fdatasync` (what a WAL commit waits for), in ms.
pub fn fsync_ms(dir: &std::path::Path) -> Option<f64> {
    use std::io::Write;
    let path = dir.join("fsync-probe");
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&path).ok()?;
    let block = vec![0x5au8; 4096];
    let mut times = Vec::with_capacity(50);
    for _ in 0..50 {
        let t = Instant::now();
        f.write_all(&block).ok()?;
        f.sync_data().ok()?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    drop(f);
    let _ = std::fs::remove_file(&path);
    Some(percentile(&times, 50.0))
}
