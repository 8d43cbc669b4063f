//! 附近的队员 (issue 20): the app's side of phone-to-phone sync over a village's Wi-Fi or a
//! phone's hotspot, with no internet. One phone offers (it listens, announces itself by
//! DNS-SD and shows a pairing code and its addresses); a teammate joins with the code (found on
//! the network, or at the address typed in). The exchange itself is the client's
//! (`Ledger::peer_serve_stream` / `Ledger::peer_sync`: certificates, signatures, the same
//! judgment as the server); here is only what the screen needs: the offer running in the
//! background without holding the ledger while it waits, and every exchange in words.
//!
//! The browser cannot open a connection to a phone: the web client says so
//! (`NearbyStatus::available` false) and the commands refuse in words.

// The browser has the status only (it cannot open a connection to a phone): the offer's and
// the exchange's items are used by the native build alone.
#![cfg_attr(target_arch = "wasm32", allow(dead_code))]

use std::sync::{Arc, Mutex};

use taizhang_client::{ClientError, Ledger, PeerReport};
use taizhang_domain::{MemberId, Timestamp};

use crate::contract::{NearbyExchange, NearbyStatus};
use crate::AppError;

/// How long an offer stays open when nobody stops it.
pub const OFFER_MS: i64 = 10 * 60 * 1000;
/// Exchanges kept for the screen.
const KEPT: usize = 20;

/// What the screen shows of this session's offer and exchanges.
#[derive(Default)]
pub(crate) struct Nearby {
    offer: Option<Offer>,
    /// Counts offers, so a finished one does not clear its successor.
    generation: u64,
    busy: bool,
    exchanges: Vec<NearbyExchange>,
}

struct Offer {
    code: String,
    addresses: Vec<String>,
    announced: bool,
    until: Timestamp,
    #[cfg(not(target_arch = "wasm32"))]
    stop: tokio::sync::watch::Sender<bool>,
}

pub(crate) type Shared = Arc<Mutex<Nearby>>;

fn lock(n: &Shared) -> std::sync::MutexGuard<'_, Nearby> {
    n.lock().unwrap_or_else(|p| p.into_inner())
}

impl Nearby {
    pub(crate) fn status(&self) -> NearbyStatus {
        NearbyStatus {
            available: cfg!(not(target_arch = "wasm32")),
            offering: self.offer.is_some(),
            code: self.offer.as_ref().map(|o| o.code.clone()),
            addresses: self.offer.as_ref().map(|o| o.addresses.clone()).unwrap_or_default(),
            announced: self.offer.as_ref().is_some_and(|o| o.announced),
            until: self.offer.as_ref().map(|o| o.until),
            busy: self.busy,
            exchanges: self.exchanges.clone(),
        }
    }

    fn record(&mut self, e: NearbyExchange) {
        self.exchanges.insert(0, e);
        self.exchanges.truncate(KEPT);
    }
}

/// The teammate's name: their certificate's account is their member id in the registry.
fn teammate_name(l: &Ledger, device: Option<uuid::Uuid>) -> Option<String> {
    let device = device?;
    let creds = l.peer_credentials().ok()??;
    let account = creds.team.iter().find(|c| c.body.device == device)?.body.account;
    l.store().members().ok()?.into_iter().find(|m| m.record.id == MemberId(account)).map(|m| m.record.name)
}

/// One exchange in words: what went each way, what either side refused and why.
pub(crate) fn exchange_words(
    l: &Ledger,
    offered: bool,
    result: Result<PeerReport, ClientError>,
    at: Timestamp,
) -> NearbyExchange {
    let words = |v: Vec<(String, String)>| v.into_iter().map(|(doc, why)| format!("{doc}: {why}")).collect();
    match result {
        Ok(r) => NearbyExchange {
            at,
            offered,
            teammate: teammate_name(l, r.peer),
            sent: r.changes_sent,
            received: r.changes_received,
            refused: words(r.refused),
            refused_by_teammate: words(r.refused_by_peer),
            error: None,
        },
        Err(e) => NearbyExchange {
            at,
            offered,
            teammate: None,
            sent: 0,
            received: 0,
            refused: Vec::new(),
            refused_by_teammate: Vec::new(),
            error: Some(match e {
                // The channel's own words (a wrong code, a teammate out of reach, a revoked phone).
                ClientError::Peer(m) => m,
                other => AppError::from(other).to_string(),
            }),
        },
    }
}

/// The status for the screen.
pub(crate) fn lock_status(n: &Shared) -> NearbyStatus {
    lock(n).status()
}

/// What the web client answers: a browser cannot open a connection to a phone.
#[cfg(target_arch = "wasm32")]
pub(crate) fn not_in_browser() -> AppError {
    AppError::NotAllowed(
        "浏览器里不能和附近的队员直接同步，请用手机或电脑上的应用 / the browser cannot sync with a phone nearby: use the app".into(),
    )
}

/// A six-digit pairing code.
pub(crate) fn pairing_code() -> String {
    format!("{:06}", rand::random::<u32>() % 1_000_000)
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use native::{join, offer, stop};

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::net::SocketAddr;
    use std::time::Duration;

    use super::*;

    /// This device's LAN addresses with `port` (loopback left out unless there is nothing else).
    fn addresses(port: u16) -> Vec<String> {
        let mut lan: Vec<String> = Vec::new();
        let mut loopback: Vec<String> = Vec::new();
        for i in if_addrs::get_if_addrs().unwrap_or_default() {
            if let std::net::IpAddr::V4(ip) = i.ip() {
                let a = format!("{ip}:{port}");
                if ip.is_loopback() {
                    loopback.push(a);
                } else {
                    lan.push(a);
                }
            }
        }
        if lan.is_empty() {
            loopback
        } else {
            lan
        }
    }

    /// Starts offering this device's records to teammates nearby (or keeps the running offer).
    pub(crate) async fn offer(
        nearby: &Shared,
        ledger: &Arc<tokio::sync::Mutex<Option<Ledger>>>,
        clock: crate::core::Clock,
    ) -> Result<NearbyStatus, AppError> {
        if lock(nearby).offer.is_some() {
            return Ok(lock(nearby).status());
        }
        let listener = tokio::net::TcpListener::bind("0.0.0.0:0").await.map_err(|e| {
            AppError::NotAllowed(format!(
                "无法在这个网络上等待队员连接 / cannot wait for teammates on this network: {e}"
            ))
        })?;
        let port = listener.local_addr().map_err(|e| AppError::Internal(e.to_string()))?.port();
        let announcement = {
            let guard = ledger.lock().await;
            let l = guard.as_ref().ok_or(AppError::NotJoined)?;
            if l.peer_credentials()?.is_none() {
                return Err(AppError::NotSyncedYet);
            }
            // Found by DNS-SD where the network lets multicast through; else the address shown.
            taizhang_client::peer_discovery::announce(l, port).ok()
        };
        let code = pairing_code();
        let until = clock() + OFFER_MS;
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let generation = {
            let mut n = lock(nearby);
            n.generation += 1;
            n.offer = Some(Offer {
                code: code.clone(),
                addresses: addresses(port),
                announced: announcement.is_some(),
                until,
                stop,
            });
            n.generation
        };
        let (nearby_task, ledger) = (nearby.clone(), ledger.clone());
        tokio::spawn(async move {
            let _announcement = announcement; // withdrawn when the offer ends
            let deadline = tokio::time::Instant::now() + Duration::from_millis(OFFER_MS as u64);
            loop {
                tokio::select! {
                    _ = stopped.changed() => break,
                    _ = tokio::time::sleep_until(deadline) => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        lock(&nearby_task).busy = true;
                        let mut guard = ledger.lock().await;
                        let Some(l) = guard.as_mut() else { break };
                        let result = l.peer_serve_stream(stream, &code, clock()).await;
                        let words = exchange_words(l, true, result, clock());
                        drop(guard);
                        let mut n = lock(&nearby_task);
                        n.busy = false;
                        n.record(words);
                    }
                }
            }
            let mut n = lock(&nearby_task);
            n.busy = false;
            if n.generation == generation {
                n.offer = None;
            }
        });
        Ok(lock(nearby).status())
    }

    /// Ends the offer (a running exchange finishes first).
    pub(crate) fn stop(nearby: &Shared) -> NearbyStatus {
        let mut n = lock(nearby);
        if let Some(o) = n.offer.take() {
            let _ = o.stop.send(true);
        }
        n.status()
    }

    /// Joins a teammate's offer with the code on their screen, at `address` or found on the
    /// network (5 s).
    pub(crate) async fn join(
        nearby: &Shared,
        ledger: &Arc<tokio::sync::Mutex<Option<Ledger>>>,
        clock: crate::core::Clock,
        code: &str,
        address: Option<&str>,
    ) -> Result<NearbyExchange, AppError> {
        let code = code.trim();
        if code.is_empty() {
            return Err(AppError::invalid(
                "code",
                "请输入队员屏幕上的配对码 / type the pairing code shown on the teammate's screen",
            ));
        }
        let addr: SocketAddr = match address.map(str::trim).filter(|a| !a.is_empty()) {
            Some(a) => a.parse().map_err(|_| {
                AppError::invalid(
                    "address",
                    format!("{a} 不是地址，应像 192.168.43.5:40123 / not an address like 192.168.43.5:40123"),
                )
            })?,
            None => {
                let village = {
                    let guard = ledger.lock().await;
                    guard.as_ref().ok_or(AppError::NotJoined)?.village_id().0
                };
                let found = tokio::task::spawn_blocking(move || {
                    taizhang_client::peer_discovery::find_village(&village.to_string(), Duration::from_secs(5))
                })
                .await
                .map_err(|e| AppError::Internal(e.to_string()))??;
                found.ok_or_else(|| {
                    AppError::invalid(
                        "address",
                        "这个网络上没找到正在分享的队员：请对方点“让队员连我”，或输入对方屏幕上的地址 / no teammate offering on this network: ask them to offer, or type the address on their screen",
                    )
                })?
            }
        };
        lock(nearby).busy = true;
        let mut guard = ledger.lock().await;
        let result = match guard.as_mut() {
            Some(l) => {
                let r = l.peer_sync(addr, code, clock()).await;
                Ok(exchange_words(l, false, r, clock()))
            }
            None => Err(AppError::NotJoined),
        };
        drop(guard);
        let mut n = lock(nearby);
        n.busy = false;
        let words = result?;
        n.record(words.clone());
        Ok(words)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pairing_code_is_six_digits() {
        for _ in 0..100 {
            let c = pairing_code();
            assert_eq!(c.len(), 6);
            assert!(c.chars().all(|d| d.is_ascii_digit()), "{c}");
        }
    }

    #[test]
    fn the_screen_keeps_the_newest_exchanges_first() {
        let mut n = Nearby::default();
        for at in 0..(KEPT as i64 + 5) {
            n.record(NearbyExchange {
                at,
                offered: true,
                teammate: None,
                sent: 0,
                received: 0,
                refused: Vec::new(),
                refused_by_teammate: Vec::new(),
                error: None,
            });
        }
        let s = n.status();
        assert_eq!(s.exchanges.len(), KEPT);
        assert_eq!(s.exchanges[0].at, KEPT as i64 + 4, "newest first");
        assert!(!s.offering && s.code.is_none() && s.addresses.is_empty());
    }
}
