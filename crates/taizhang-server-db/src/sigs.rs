//! Change signatures on the server (issue 20, schema 7): each stored change's author's ed25519
//! signature over its hash, kept beside the change log so that the county can show that a
//! record was made by that device and not altered since. Changes pushed by an older app carry
//! none (the legacy rule, README "Trust without a network").

use async_trait::async_trait;
use taizhang_sync::Hash;
use uuid::Uuid;

use crate::DbError;

#[async_trait]
pub trait SignatureStore: Send + Sync + 'static {
    /// Keeps the signatures of changes of `village` (the first one kept for a hash stays).
    async fn put_change_signatures(&self, village: Uuid, sigs: &[(Hash, Vec<u8>)]) -> Result<(), DbError>;
    /// The kept signatures of those of `hashes` that have one.
    async fn change_signatures(&self, village: Uuid, hashes: &[Hash]) -> Result<Vec<(Hash, Vec<u8>)>, DbError>;
}
