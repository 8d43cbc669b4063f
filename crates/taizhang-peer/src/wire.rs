//! The messages of the peer exchange (postcard, inside the encrypted channel). After the Noise
//! handshake each side sends a [`Hello`]; then the joining device sends [`Offer`] (what it
//! holds), the offering device answers [`Offer`] plus the changes the joiner lacks, and the
//! joiner answers with what the offerer lacks; each side judges what it receives with the same
//! rules as the server, then says how ([`Outcome`]).
//!
//! Version 2 sends the changes in batches ([`GiveBatch`], at most [`BATCH_BYTES`] of change
//! bytes each, the last one marked), so a first exchange of a large village between phones
//! that never met fits the channel's message cap; each batch is judged and kept as it arrives.
//! Version 3 ([`ProvenBatch`]) adds batch signatures ([`crate::BatchSig`], issue 23) beside the
//! single ones, so a change that came from the server vouched for by its author's batch goes on
//! to a teammate too; with a teammate on version 2 or 1 such a change is left for the server to
//! deliver. Version 1 (one [`Give`] with everything) is still spoken to a teammate whose app is
//! older: each side uses the lower of the two versions.

use serde::{Deserialize, Serialize};
use taizhang_sync::Hash;

use crate::{BatchSig, ChangeSig, DeviceCert, Revocations};

/// Version of the peer exchange.
pub const PEER_VERSION: u16 = 3;
/// The first version that sends changes in batches ([`GiveBatch`]).
pub const BATCHED_SINCE: u16 = 2;
/// The first version whose batches carry batch signatures ([`ProvenBatch`]).
pub const PROVEN_SINCE: u16 = 3;
/// Most change bytes in one batch (a single larger change travels alone).
pub const BATCH_BYTES: usize = 1024 * 1024;
/// Most batches one side accepts in one exchange (4 GiB of changes: far past any village).
pub const MAX_BATCHES: usize = 4096;

/// The first message each side sends inside the channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    pub version: u16,
    /// The sender's own certificate.
    pub cert: DeviceCert,
    /// The sender's signature (device key) over the channel's handshake hash: binds the
    /// certificate to this channel, so a copied certificate cannot be replayed.
    pub binding: Vec<u8>,
    /// Every teammate certificate the sender holds (to check relayed changes' authors).
    pub certs: Vec<DeviceCert>,
    /// The newest revocation list the sender holds.
    pub revocations: Option<Revocations>,
}

/// The change hashes a device holds, per document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub docs: Vec<(String, Vec<Hash>)>,
}

/// Changes one side lacks, with their authors' signatures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Give {
    pub docs: Vec<(String, Vec<Vec<u8>>)>,
    pub sigs: Vec<ChangeSig>,
}

/// One batch of changes (version 2): the changes in causal order across batches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiveBatch {
    pub give: Give,
    /// No batch follows.
    pub last: bool,
}

/// One batch of changes (version 3): like [`GiveBatch`], with the batch signatures that vouch
/// for some of its changes (each with all its members: this is Wi-Fi, not 2G).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvenBatch {
    pub give: Give,
    pub batches: Vec<BatchSig>,
    /// No batch follows.
    pub last: bool,
}

impl From<GiveBatch> for ProvenBatch {
    fn from(b: GiveBatch) -> Self {
        ProvenBatch { give: b.give, batches: Vec::new(), last: b.last }
    }
}

/// How the receiver judged each document of a [`Give`] (plain words for the screen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub docs: Vec<(String, Result<u32, String>)>,
}

/// The channel's binding message signed by each side's device key.
pub fn binding_message(handshake_hash: &[u8]) -> Vec<u8> {
    let mut m = b"taizhang-peer-v1\0".to_vec();
    m.extend_from_slice(handshake_hash);
    m
}

/// `POST /v1/peer/credentials` (JSON, with the device's bearer token): what a device needs to
/// meet its teammates offline.
pub const CREDENTIALS_PATH: &str = "/v1/peer/credentials";

/// The answer to [`CREDENTIALS_PATH`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// The server's certificate public key (ed25519), kept by the device.
    pub server_key: Vec<u8>,
    /// The calling device's certificate.
    pub cert: DeviceCert,
    /// The certificates of every enrolled, not revoked device of the village.
    pub team: Vec<DeviceCert>,
    /// The village's revoked devices, signed now.
    pub revocations: Revocations,
}

/// The purpose under which the server derives its certificate key from its secret.
pub const CERT_KEY_PURPOSE: &[u8] = b"taizhang-device-cert-key-v1";
