//! A link shaper on loopback: a TCP proxy that delays every byte by half the round-trip time
//! and serialises it at the link's bandwidth, separately in each direction, like a 2G
//! bearer. It also charges one round trip for each new connection (the TCP handshake the
//! local accept does not cost), counts the bytes each way, and can cut the link after a
//! number of downstream bytes to simulate a drop. Not modelled: packet loss, TCP/IP header
//! overhead, slow start.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// A link's settings.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LinkSpec {
    pub name: String,
    pub rtt_ms: u64,
    /// Bandwidth of each direction, in kbit/s (1 kbit = 1,000 bits).
    pub kbit_s: u64,
}

impl LinkSpec {
    pub fn new(rtt_ms: u64, kbit_s: u64) -> Self {
        Self { name: format!("{rtt_ms} ms RTT, {kbit_s} kbit/s"), rtt_ms, kbit_s }
    }
    pub fn bytes_per_s(&self) -> f64 {
        self.kbit_s as f64 * 1000.0 / 8.0
    }
    /// The physical limit of moving `up` then `down` bytes in one exchange: one round trip
    /// plus each direction's bytes at the link's bandwidth.
    pub fn limit_s(&self, up: u64, down: u64) -> f64 {
        self.rtt_ms as f64 / 1000.0 + (up + down) as f64 / self.bytes_per_s()
    }
}

/// Counters of one link.
#[derive(Debug, Default)]
pub struct LinkStats {
    pub up: AtomicU64,
    pub down: AtomicU64,
    pub connections: AtomicU64,
    /// Cut the link once this many downstream bytes were delivered (u64::MAX: never).
    cut_down_at: AtomicU64,
    pub cuts: AtomicU64,
    /// Bumped by [`Link::cut_now`]: a connection opened under an older epoch is cut at its
    /// next byte (attachments, issue 19: "the link is cut every N seconds").
    epoch: AtomicU64,
}

/// What the link carried between two snapshots.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Carried {
    pub up: u64,
    pub down: u64,
    pub connections: u64,
}

/// A running shaper: devices connect to [`Link::url`], it forwards to the upstream server.
#[derive(Debug)]
pub struct Link {
    pub stats: Arc<LinkStats>,
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Link {
    pub async fn start(spec: LinkSpec, upstream: SocketAddr) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let stats = Arc::new(LinkStats { cut_down_at: AtomicU64::new(u64::MAX), ..LinkStats::default() });
        let (st, sp) = (stats.clone(), spec);
        let task = tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let (st, sp) = (st.clone(), sp.clone());
                tokio::spawn(async move {
                    let _ = connection(inbound, upstream, sp, st).await;
                });
            }
        });
        Ok(Self { stats, addr, task })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn carried(&self) -> Carried {
        Carried {
            up: self.stats.up.load(Ordering::SeqCst),
            down: self.stats.down.load(Ordering::SeqCst),
            connections: self.stats.connections.load(Ordering::SeqCst),
        }
    }

    /// Cuts every connection once `more` further downstream bytes have been delivered.
    pub fn cut_after_down(&self, more: u64) {
        let now = self.stats.down.load(Ordering::SeqCst);
        self.stats.cut_down_at.store(now.saturating_add(more), Ordering::SeqCst);
    }

    /// Cuts every open connection now (at its next byte); new connections work.
    pub fn cut_now(&self) {
        self.stats.epoch.fetch_add(1, Ordering::SeqCst);
    }

    /// The link works again.
    pub fn restore(&self) {
        self.stats.cut_down_at.store(u64::MAX, Ordering::SeqCst);
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Carried {
    pub fn since(self, before: Carried) -> Carried {
        Carried {
            up: self.up - before.up,
            down: self.down - before.down,
            connections: self.connections - before.connections,
        }
    }
}

async fn connection(
    inbound: TcpStream,
    upstream: SocketAddr,
    spec: LinkSpec,
    st: Arc<LinkStats>,
) -> anyhow::Result<()> {
    st.connections.fetch_add(1, Ordering::SeqCst);
    let epoch = st.epoch.load(Ordering::SeqCst);
    // The handshake a real link would cost before the first byte of the request.
    tokio::time::sleep(Duration::from_millis(spec.rtt_ms)).await;
    let outbound = TcpStream::connect(upstream).await?;
    inbound.set_nodelay(true)?;
    outbound.set_nodelay(true)?;
    let (ir, iw) = inbound.into_split();
    let (or, ow) = outbound.into_split();
    // When either direction ends (EOF both ways, or a cut), the connection is dropped.
    tokio::select! {
        r = pump(ir, ow, false, &spec, &st, epoch) => r,
        r = pump(or, iw, true, &spec, &st, epoch) => r,
    }
}

/// Moves bytes one way: each read chunk is serialised at the bandwidth after the previous one
/// and delivered half a round trip later.
async fn pump(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    down: bool,
    spec: &LinkSpec,
    st: &LinkStats,
    epoch: u64,
) -> anyhow::Result<()> {
    let one_way = Duration::from_micros(spec.rtt_ms * 500);
    let per_byte = 1.0 / spec.bytes_per_s();
    let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, Option<Vec<u8>>)>();
    let reader = async move {
        let mut buf = vec![0u8; 512];
        let mut free_at = Instant::now();
        loop {
            let n = from.read(&mut buf).await?;
            let now = Instant::now();
            free_at = free_at.max(now);
            if n == 0 {
                let _ = tx.send((free_at + one_way, None));
                return anyhow::Ok(());
            }
            free_at += Duration::from_secs_f64(n as f64 * per_byte);
            if tx.send((free_at + one_way, Some(buf[..n].to_vec()))).is_err() {
                return Ok(());
            }
        }
    };
    let writer = async move {
        while let Some((when, chunk)) = rx.recv().await {
            tokio::time::sleep_until(when).await;
            let Some(chunk) = chunk else {
                to.shutdown().await?;
                return Ok(());
            };
            let counter = if down { &st.down } else { &st.up };
            if st.epoch.load(Ordering::SeqCst) != epoch {
                st.cuts.fetch_add(1, Ordering::SeqCst);
                anyhow::bail!("link cut");
            }
            if down {
                let limit = st.cut_down_at.load(Ordering::SeqCst);
                let sent = counter.load(Ordering::SeqCst);
                if sent + chunk.len() as u64 > limit {
                    let part = limit.saturating_sub(sent) as usize;
                    to.write_all(&chunk[..part]).await?;
                    counter.fetch_add(part as u64, Ordering::SeqCst);
                    st.cuts.fetch_add(1, Ordering::SeqCst);
                    anyhow::bail!("link cut");
                }
            }
            to.write_all(&chunk).await?;
            counter.fetch_add(chunk.len() as u64, Ordering::SeqCst);
        }
        anyhow::Ok(())
    };
    tokio::try_join!(reader, writer).map(|_| ())
}
