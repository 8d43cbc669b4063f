//! Serving HTTP with connection hygiene: a cap on open connections (a clear 503 when full),
//! a deadline for a request's headers (which also bounds how long an idle keep-alive
//! connection is kept), and a deadline for its body. A slow client can hold one connection
//! for at most the header deadline; it cannot exhaust the server's file descriptors.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::connect_info::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Threads the server's blocking pool may run at once (`--blocking-threads`). Every storage
/// call of the SQLite backend, and the county pages' computations, run there; tokio's default
/// of 512 let a burst of a thousand syncs start hundreds of threads that then queued on four
/// read connections and one writer. Measured with the load bench's staged reconnect burst
/// (1,000 syncs, 2 cores, SQLite; issue 23): the sync server's CPU a sync 1.45 / 1.48 ms with
/// 512, 1.00 / 1.02 ms with 16, 0.96 / 0.97 ms with 6; peak memory 135 → 78 MiB. 16 keeps room
/// for long county exports beside the syncs' short calls.
pub const BLOCKING_THREADS: usize = 16;

/// The server's runtime: tokio's multi-threaded scheduler with at most `blocking_threads`
/// threads in the blocking pool ([`BLOCKING_THREADS`] unless the operator says otherwise).
///
/// On Linux it also turns transparent huge pages off for the whole process: the allocator
/// (mimalloc) asks for them on its arenas unless built with `no_thp`, and a kernel whose THP
/// setting is "always" uses them anyway; the kernel then zeroes 2 MiB at each first touch. Measured
/// with the load bench (issue 23): a fresh device's first download p99 370–510 ms with huge pages
/// against 78–116 ms without, peak memory 142–181 MiB against 113–117.
pub fn runtime(blocking_threads: usize) -> std::io::Result<tokio::runtime::Runtime> {
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::thread::disable_transparent_huge_pages(true) {
        // Not fatal: a kernel without THP support has nothing to turn off.
        eprintln!("taizhang-sync-server: could not turn transparent huge pages off ({e}); serving anyway");
    }
    tokio::runtime::Builder::new_multi_thread().max_blocking_threads(blocking_threads.max(1)).enable_all().build()
}

/// How the listener treats connections. The defaults were chosen for devices on 2G links:
/// a request's headers are a few hundred bytes (well under a second even at 40 kbit/s with
/// 600 ms latency), while a full 1 MiB body takes about 200 s at 40 kbit/s.
#[derive(Debug, Clone, Copy)]
pub struct ServeConfig {
    /// Most connections open at once; one more is answered 503 and closed at once.
    pub max_connections: usize,
    /// Most connections open at once from one address, so that one client cannot fill the
    /// server (generous: many phones share a carrier's address — the benchmark's 1,000 devices
    /// reconnecting at once from one address got 672 refusals at 256). 0: no per-address cap.
    pub max_per_address: usize,
    /// Time allowed for a request's headers to arrive, counted from when the server starts
    /// waiting for them — so it is also the longest an idle keep-alive connection is kept.
    pub header_read_timeout: Duration,
    /// Time allowed for a request's body to arrive (HTTP 408 after it).
    pub body_read_timeout: Duration,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            max_connections: 4096,
            max_per_address: 1024,
            header_read_timeout: Duration::from_secs(20),
            body_read_timeout: Duration::from_secs(300),
        }
    }
}

impl ServeConfig {
    /// The default, with the connection cap fitted under this process's open-file limit
    /// (`nofile`): each connection is one descriptor, and the server needs some of its own
    /// (database, log files, the listener), so a quarter of the limit (at least 64 and at
    /// most 1,024 descriptors) stays in reserve.
    pub fn fitted_to(nofile: u64) -> Self {
        let reserve = (nofile / 4).clamp(64, 1024);
        let cap = nofile.saturating_sub(reserve).max(16);
        Self { max_connections: usize::try_from(cap).unwrap_or(usize::MAX), ..Self::default() }
    }
}

/// The answer for a connection over the cap: the client learns why and when to retry.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
content-type: text/plain; charset=utf-8\r\n\
retry-after: 5\r\n\
connection: close\r\n\
content-length: 70\r\n\r\n\
the server has too many open connections right now; try again in 5 s\r\n";

/// Serves `app` on `listener` with `config` until `shutdown` completes; in-flight requests
/// finish first. Each request carries `ConnectInfo<SocketAddr>` (the peer's address).
pub async fn serve_with(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    config: ServeConfig,
) -> std::io::Result<()> {
    let app = app.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(config.body_read_timeout));
    let slots = Arc::new(Semaphore::new(config.max_connections));
    let per_address = Arc::new(PerAddress::new(config.max_per_address));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept: wait, never spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tokio::spawn(refuse(stream));
            continue;
        };
        let Some(mine) = PerAddress::enter(&per_address, peer.ip()) else {
            tokio::spawn(refuse(stream));
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_service(app.clone(), peer);
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder.timer(TokioTimer::new()).header_read_timeout(config.header_read_timeout).keep_alive(true);
        let conn = builder.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
            drop((slot, mine));
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Open connections per client address.
#[derive(Debug)]
struct PerAddress {
    max: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One open connection of an address; leaving frees its place.
#[derive(Debug)]
struct AddressSlot {
    table: Arc<PerAddress>,
    ip: IpAddr,
}

impl PerAddress {
    fn new(max: usize) -> Self {
        Self { max, open: Mutex::new(HashMap::new()) }
    }

    fn enter(table: &Arc<PerAddress>, ip: IpAddr) -> Option<AddressSlot> {
        if table.max > 0 {
            let mut open = table.open.lock().unwrap_or_else(|p| p.into_inner());
            let n = open.entry(ip).or_insert(0);
            if *n >= table.max {
                return None;
            }
            *n += 1;
        }
        Some(AddressSlot { table: table.clone(), ip })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        if self.table.max == 0 {
            return;
        }
        let mut open = self.table.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// The router as a hyper service for one connection, with the peer's address attached.
fn hyper_service(
    app: Router,
    peer: SocketAddr,
) -> impl hyper::service::Service<
    hyper::Request<Incoming>,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future = impl Future<Output = Result<axum::response::Response, std::convert::Infallible>> + Send,
> + Clone {
    hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        app.clone().oneshot(req.map(axum::body::Body::new))
    })
}

/// Answers 503 to a connection over the cap and closes it, within a second at most.
async fn refuse(mut stream: tokio::net::TcpStream) {
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let _ = stream.write_all(BUSY).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_busy_answer_is_well_formed() {
        let text = std::str::from_utf8(BUSY).expect("utf-8");
        let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .and_then(|v| v.parse().ok())
            .expect("content-length");
        assert_eq!(len, body.len(), "content-length must match the body");
    }

    #[test]
    fn the_cap_leaves_descriptors_in_reserve() {
        assert_eq!(ServeConfig::fitted_to(1024).max_connections, 768);
        assert_eq!(ServeConfig::fitted_to(256).max_connections, 192);
        assert_eq!(ServeConfig::fitted_to(1 << 20).max_connections, (1 << 20) - 1024);
        assert_eq!(ServeConfig::fitted_to(10).max_connections, 16);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_servers_runtime_turns_huge_pages_off() {
        let _runtime = runtime(2).expect("runtime");
        assert!(rustix::thread::transparent_huge_pages_are_disabled().expect("prctl"));
    }
}
