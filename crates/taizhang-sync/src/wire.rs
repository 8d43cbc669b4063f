//! The messages of the sync protocol, version 1. Field order is the wire format (postcard):
//! add fields only at the end and bump [`PROTOCOL_VERSION`] when the meaning changes.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// 2: devices authenticate (bearer token) and the answer carries a renewed token.
pub const PROTOCOL_VERSION: u16 = 2;

/// The most change bytes one request pushes, and one answer carries, unless a single change
/// is bigger (it then travels alone). Under 64 KB so a dropped 2G link loses little.
pub const MAX_BATCH_BYTES: usize = 60 * 1024;

/// The most log change bytes (uncompressed) one answer carries to a device that asks for them
/// (`SyncRequest::want_bytes`; a server from before this constant clamps to
/// [`MAX_BATCH_BYTES`]). Changes of the log shrink about 2.3-fold under the body's zstd (the
/// growth bench's busy week: 60 KB of changes went down as 26 KB), so an answer stays near 60 KB
/// on the wire, like a push: a cut costs one such answer at most, and a busy week comes down in
/// one request instead of two (issue 23).
pub const MAX_DOWNLOAD_BYTES: usize = 144 * 1024;

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
    /// A fresh access token for the next request (renewed at every sync).
    pub token: Option<String>,
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

/// The [`DocOutcome::Rejected`] code of a document whose push reuses an actor's sequence
/// number with different content (two copies of one device's store wrote with one actor):
/// the device takes a new actor ([`paths::ACTOR`]) and re-creates its unsynced records under it.
pub const ACTOR_REUSED: &str = "actor_reused";

/// Changes of one document in the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocChanges {
    pub doc: String,
    pub changes: Vec<Vec<u8>>,
    /// The server's heads of the document (may include changes of later batches).
    pub heads: Vec<Hash>,
}

/// The paths of the HTTP API.
pub mod paths {
    pub const SYNC: &str = "/v1/sync";
    pub const ENROLL: &str = "/v1/enroll";
    pub const CHALLENGE: &str = "/v1/challenge";
    pub const TOKEN: &str = "/v1/token";
    /// Binds one more Automerge actor to the calling device ([`super::ActorRequest`]).
    pub const ACTOR: &str = "/v1/actor";
}

/// `POST /v1/actor` (JSON, with the device's bearer token): bind a new Automerge actor to
/// this device, after the server refused its old one as reused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorRequest {
    /// The new actor, hex (8 to 32 bytes).
    pub actor: String,
    /// Signature (hex) of `taizhang_auth::actor_message(device_id, actor)` by the device key.
    pub signature: String,
}

/// `POST /v1/enroll` (JSON): a new device registers its public key with a one-time code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrollRequest {
    /// The enrollment code as typed (`ABCD-EFGH-JKMN-PQRS`).
    pub code: String,
    /// The device's ed25519 public key, hex.
    pub public_key: String,
    /// The Automerge actor id the device will write with, hex.
    pub actor: String,
    pub device_name: String,
    /// Signature (hex) of `taizhang_auth::enroll_message(code, actor)` by the device key.
    pub signature: String,
}

/// The answer to an enrollment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub device_id: Uuid,
    /// The account; for team roles also the member id in the village registry.
    pub account: Uuid,
    pub name: String,
    /// `member`, `first_secretary`, `township`, `county` or `admin`.
    pub role: String,
    /// The village of a team role.
    pub village: Option<Uuid>,
    pub token: String,
    /// Server clock, UTC ms.
    pub expires_at: i64,
}

/// `POST /v1/challenge` answer (JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChallengeResponse {
    pub challenge: String,
}

/// `POST /v1/token` (JSON): a signed challenge for a short-lived token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenRequest {
    pub device_id: Uuid,
    pub challenge: String,
    /// Signature (hex) of `taizhang_auth::auth_message(device_id, challenge)`.
    pub signature: String,
}

/// A token (JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub token: String,
    /// Server clock, UTC ms.
    pub expires_at: i64,
}
