//! The field app without Tauri: the command contract ([`contract`]: request and answer types,
//! stable error codes, exported to TypeScript) and [`AppCore`], whose methods are the bodies of
//! every command the window calls — Today, Households, Visit, Diary, Team, the village ledger
//! (村级台账) and Sync — over one device's `taizhang_client::Ledger`. The Tauri crate only
//! adapts them.

mod attachments;
mod conflicts;
pub mod contract;
mod core;
mod dispatch;
mod error;
mod followups;
mod households;
#[cfg(not(target_arch = "wasm32"))]
mod keys;
pub mod lock;
mod nearby;
mod pin;
mod pin_state;
#[cfg(not(target_arch = "wasm32"))]
pub mod scan;
mod settings;
mod village_ledger;
mod village_plan;
mod wipe;

#[cfg(not(target_arch = "wasm32"))]
pub use crate::core::join_ledger;
pub use crate::core::{
    http_connect, join_ledger_via, system_clock, AppCore, AutoSync, Clock, Connect, AUTO_PULL_AFTER_MS,
};
pub use error::AppError;
#[cfg(not(target_arch = "wasm32"))]
pub use keys::platform_store_key;
pub use settings::{host_port, normalise_server_url, DEFAULT_SERVER};
pub use taizhang_client::keystore::PinKdf;
pub use taizhang_client::StoreKey;
pub use wipe::RenewKey;
