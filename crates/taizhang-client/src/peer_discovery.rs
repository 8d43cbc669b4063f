//! Finding a teammate's offer on the local network by DNS-SD over multicast DNS (`mdns-sd`):
//! the offering device announces `_taizhang._tcp` with its village id; a joining device takes
//! the first offer of its own village. Discovery only finds an address: who is at the other end
//! is proven by the pairing code and the certificates (`Ledger::peer_sync`).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mdns_sd::{ServiceDaemon, ServiceEvent, ServiceInfo};

use crate::{ClientError, Ledger};

const SERVICE: &str = "_taizhang._tcp.local.";

fn err(e: impl std::fmt::Display) -> ClientError {
    ClientError::Peer(format!("local network discovery: {e}"))
}

/// An announcement that lasts as long as this value.
pub struct Announcement(ServiceDaemon);

impl std::fmt::Debug for Announcement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Announcement")
    }
}

impl Drop for Announcement {
    fn drop(&mut self) {
        let _ = self.0.shutdown();
    }
}

/// Announces this device's offer on `port` for its village.
pub fn announce(ledger: &Ledger, port: u16) -> Result<Announcement, ClientError> {
    let daemon = ServiceDaemon::new().map_err(err)?;
    let village = ledger.village_id().0.to_string();
    let tag = hex::encode(&ledger.actor().to_bytes()[..4]);
    let instance = format!("taizhang-{tag}");
    let host = format!("{instance}.local.");
    let props = [("village", village.as_str())];
    let info = ServiceInfo::new(SERVICE, &instance, &host, "", port, &props[..]).map_err(err)?.enable_addr_auto();
    daemon.register(info).map_err(err)?;
    Ok(Announcement(daemon))
}

/// The first offer of this device's village found within `wait`.
pub fn find(ledger: &Ledger, wait: Duration) -> Result<Option<SocketAddr>, ClientError> {
    find_village(&ledger.village_id().0.to_string(), wait)
}

/// The first offer of `village` (its id) found within `wait`: blocks, so the app runs it on a
/// thread of its own without holding the ledger.
pub fn find_village(village: &str, wait: Duration) -> Result<Option<SocketAddr>, ClientError> {
    let daemon = ServiceDaemon::new().map_err(err)?;
    let events = daemon.browse(SERVICE).map_err(err)?;
    let until = Instant::now() + wait;
    let mut found = None;
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        let Ok(event) = events.recv_timeout(left) else { break };
        if let ServiceEvent::ServiceResolved(info) = event {
            if info.get_property_val_str("village") != Some(village) {
                continue;
            }
            if let Some(ip) = info.get_addresses().iter().find(|ip| ip.is_ipv4()).or(info.get_addresses().iter().next())
            {
                found = Some(SocketAddr::new(*ip, info.get_port()));
                break;
            }
        }
    }
    let _ = daemon.shutdown();
    Ok(found)
}
