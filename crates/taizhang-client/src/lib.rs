//! The device side of Taizhang, free of any UI: [`Ledger`] records visits, diary entries,
//! check-ins and the rest into Automerge documents and the local SQLite store (durably,
//! before it returns), answers queries from the materialised tables, and syncs with the
//! server through a [`Transport`] once the device is enrolled ([`enroll`]). The Tauri app and the `taizhang` CLI are thin layers on it.

mod auth;
#[cfg(not(target_arch = "wasm32"))]
pub mod blobs;
mod error;
pub mod keystore;
mod ledger;
mod peer;
#[cfg(not(target_arch = "wasm32"))]
pub mod peer_discovery;
#[cfg(not(target_arch = "wasm32"))]
pub mod pull;
mod sync;
mod transport;
mod uptime;
mod withdraw;

pub use auth::{enroll, enroll_in_memory, enroll_keyed};
pub use error::ClientError;
pub use ledger::{erase_store, Ledger, StoreView};
pub use peer::{PeerCredentials, PeerReport};
pub use sync::SyncReport;
pub use taizhang_store::{StoreKey, ENCRYPTION_AVAILABLE};
#[cfg(not(target_arch = "wasm32"))]
pub use transport::HttpTransport;
pub use transport::{Transport, TransportError};
pub use uptime::{SystemUptime, Uptime, UptimeReading};
pub use withdraw::Withdrawn;
