//! Attachments on the server (issue 19, schema 8): a blob store behind one narrow trait, kept
//! in the database beside the village's log (the village leads every key, so it shards the
//! same way). An upload arrives in chunks, each appended at the offset the server already has
//! and durable before it is acknowledged; a blob is stored once per village however many
//! records or devices refer to it; the whole is checked (hash, type, bounded decoding) by the
//! server before [`BlobStore::finish_blob`] marks it served, and a refused upload is dropped
//! whole. Garbage collection removes only blobs nothing refers to.

use async_trait::async_trait;
use uuid::Uuid;

use crate::DbError;

/// A blob's name: the SHA-256 of its bytes.
pub type BlobHash = [u8; 32];

/// One upload or stored blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobRow {
    /// The kind's wire code (`taizhang_attach::Kind::code`).
    pub kind: u8,
    pub total: u64,
    /// Bytes stored, from the start.
    pub received: u64,
    /// When the whole blob was checked and stored (UTC ms); `None` while it uploads.
    pub done_at: Option<i64>,
}

/// What happened to one chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkOutcome {
    /// Stored (or already there: a retry stores nothing twice); the row after it.
    Row(BlobRow),
    /// The chunk does not start where the stored bytes end; nothing stored.
    WrongOffset { expected: u64 },
    /// The upload was started with another kind or size; nothing stored.
    Mismatch(BlobRow),
}

/// The server's attachment storage. Every method is one transaction, durable before it returns.
#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// The upload or blob `hash` of `village`.
    async fn blob(&self, village: Uuid, hash: BlobHash) -> Result<Option<BlobRow>, DbError>;
    /// The sizes of the uploads `device` started at or after `since` (UTC ms): what the daily
    /// cap counts.
    async fn device_blob_bytes_since(&self, device: Uuid, since: i64) -> Result<u64, DbError>;
    /// Appends `bytes` at `offset` of upload `hash` (started by `device` at `now` if new):
    /// stored only when `offset` is where the stored bytes end; a chunk wholly before that is
    /// a retry and stores nothing.
    #[allow(clippy::too_many_arguments)]
    async fn put_chunk(
        &self,
        village: Uuid,
        hash: BlobHash,
        kind: u8,
        total: u64,
        offset: u64,
        bytes: Vec<u8>,
        device: Uuid,
        now: i64,
    ) -> Result<ChunkOutcome, DbError>;
    /// Every stored byte of `hash`, in order (`None`: no such upload).
    async fn blob_bytes(&self, village: Uuid, hash: BlobHash) -> Result<Option<Vec<u8>>, DbError>;
    /// Marks a whole, checked upload as stored, with its thumbnail (images).
    async fn finish_blob(&self, village: Uuid, hash: BlobHash, thumb: Option<Vec<u8>>, now: i64)
        -> Result<(), DbError>;
    /// The thumbnail of a stored blob.
    async fn blob_thumb(&self, village: Uuid, hash: BlobHash) -> Result<Option<Vec<u8>>, DbError>;
    /// Forgets an upload and all its bytes (a wrong hash, a refused type).
    async fn drop_blob(&self, village: Uuid, hash: BlobHash) -> Result<(), DbError>;
    /// The hashes of the village's stored blobs (done), in hash order.
    async fn blob_hashes(&self, village: Uuid) -> Result<Vec<BlobHash>, DbError>;
    /// Removes the village's blobs and uploads that are not in `referenced` and were started
    /// before `before` (UTC ms; a blob uploads before the record that refers to it syncs, so
    /// new ones get time). Answers how many were removed.
    async fn collect_blobs(&self, village: Uuid, referenced: &[BlobHash], before: i64) -> Result<u64, DbError>;
}

/// The decision of a chunk against what is stored (`row`, `None` for a new upload): the
/// same in every backend.
pub fn chunk_decision(row: Option<&BlobRow>, kind: u8, total: u64, offset: u64, len: u64) -> ChunkDecision {
    match row {
        None if offset == 0 => ChunkDecision::Append,
        None => ChunkDecision::Answer(ChunkOutcome::WrongOffset { expected: 0 }),
        Some(r) if r.kind != kind || r.total != total => ChunkDecision::Answer(ChunkOutcome::Mismatch(r.clone())),
        Some(r) if r.done_at.is_some() || offset + len <= r.received => {
            ChunkDecision::Answer(ChunkOutcome::Row(r.clone()))
        }
        Some(r) if offset == r.received => ChunkDecision::Append,
        Some(r) => ChunkDecision::Answer(ChunkOutcome::WrongOffset { expected: r.received }),
    }
}

/// What a backend does with a chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkDecision {
    /// Store it at the end and answer the new row.
    Append,
    /// Store nothing and answer this.
    Answer(ChunkOutcome),
}
