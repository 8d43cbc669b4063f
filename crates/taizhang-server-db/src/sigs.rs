//! What vouches for stored changes: each change's author's ed25519 signature over its hash
//! (issue 20, schema 7), or over a batch of its changes that the change is a member of (issue
//! 23, schema 14: one signature for up to 64 changes, `taizhang_peer::BatchSig`). Kept beside
//! the change log so that the county can show that a record was made by that device and not
//! altered since, and sent down so that a phone can pass a change on to a teammate. Changes
//! pushed by an older app carry none (the legacy rule, README "Trust without a network").

use async_trait::async_trait;
use taizhang_sync::Hash;
use uuid::Uuid;

use crate::DbError;

/// A batch signature as kept: its digest (SHA-256 of the sorted member hashes, which names
/// it), the author's signature over it and the sorted member hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBatch {
    pub digest: Hash,
    pub signature: Vec<u8>,
    pub members: Vec<Hash>,
}

/// What vouches for some changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeProofs {
    /// Single signatures by change hash.
    pub singles: Vec<(Hash, Vec<u8>)>,
    /// Batches, each with the changes it vouches for.
    pub batches: Vec<(StoredBatch, Vec<Hash>)>,
}

impl ChangeProofs {
    pub fn is_empty(&self) -> bool {
        self.singles.is_empty() && self.batches.iter().all(|(_, c)| c.is_empty())
    }
}

#[async_trait]
pub trait SignatureStore: Send + Sync + 'static {
    /// Keeps the signatures of changes of `village` (the first one kept for a hash stays).
    async fn put_change_signatures(&self, village: Uuid, sigs: &[(Hash, Vec<u8>)]) -> Result<(), DbError>;
    /// The kept single signatures of those of `hashes` that have one.
    async fn change_signatures(&self, village: Uuid, hashes: &[Hash]) -> Result<Vec<(Hash, Vec<u8>)>, DbError>;
    /// Keeps single signatures and batches of changes of `village` in one transaction: a batch
    /// once (by digest), and for each change it vouches for, the batch (the first proof kept
    /// for a change stays).
    async fn put_change_proofs(&self, village: Uuid, proofs: &ChangeProofs) -> Result<(), DbError>;
    /// What is kept that vouches for those of `hashes` that have anything: a change's single
    /// signature when it has one, else its batch (each batch once, with the asked-for changes
    /// it vouches for). One round trip.
    async fn change_proofs(&self, village: Uuid, hashes: &[Hash]) -> Result<ChangeProofs, DbError>;
}
