//! The messages of the sync protocol, version 1. Field order is the wire format (postcard):
//! add fields only at the end and bump [`PROTOCOL_VERSION`] when the meaning changes.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const PROTOCOL_VERSION: u16 = 1;

/// The most change bytes one request pushes, and one answer carries, unless a single change
/// is bigger (it then travels alone). Under 64 KB so a dropped 2G link loses little.
pub const MAX_BATCH_BYTES: usize = 60 * 1024;

/// A change hash (SHA-256 of the change).
pub type Hash = [u8; 32];

/// Device → server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncRequest {
    pub version: u16,
    pub village: Uuid,
    /// How far the device has read the server's change log (0 for a new device).
    pub cursor: u64,
    /// How many change bytes the device accepts in the answer (capped by the server).
    pub want_bytes: u32,
    pub docs: Vec<DocPush>,
}

/// What the device sends for one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocPush {
    /// The document id (`registry`, `team/2026`, `log/<member>/2026-11`).
    pub doc: String,
    /// Raw Automerge changes the server has not confirmed, in causal order.
    pub changes: Vec<Vec<u8>>,
    /// Fallback: an Automerge sync message, used when the server lost changes the device
    /// thought it had (e.g. a server restored from a backup).
    pub sync_message: Option<Vec<u8>>,
}

/// Server → device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncResponse {
    pub version: u16,
    /// One result per pushed document, in request order.
    pub results: Vec<DocResult>,
    /// Changes past the device's cursor, grouped by document, in log order.
    pub download: Vec<DocChanges>,
    /// The device has seen the log up to here once it has applied `download`.
    pub cursor: u64,
    /// More of the log is waiting: ask again with the new cursor.
    pub more: bool,
    /// The server's clock (UTC ms), for the device to flag its own clock skew.
    pub server_time: i64,
}

/// The outcome of one pushed document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocResult {
    pub doc: String,
    pub outcome: DocOutcome,
    /// The server's heads of this document after the push.
    pub heads: Vec<Hash>,
    /// The server's answer in the fallback exchange.
    pub sync_message: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DocOutcome {
    /// Stored durably; `new` of the pushed changes were new to the server.
    Accepted { new: u32 },
    /// Some pushed changes depend on changes the server does not have: nothing of this
    /// document was stored; the device falls back to Automerge sync messages.
    MissingDeps,
    /// Refused (bad bytes, not allowed, ...). Other documents are not affected.
    Rejected { code: String, message: String },
}

/// Changes of one document in the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocChanges {
    pub doc: String,
    pub changes: Vec<Vec<u8>>,
    /// The server's heads of the document (may include changes of later batches).
    pub heads: Vec<Hash>,
}
