//! What the sync server needs from a database, as one narrow trait: store pushed changes
//! durably and exactly once, and read the village's change log back by cursor. One
//! implementation per backend (`taizhang-server-sqlite`, `taizhang-server-postgres`); `testkit`
//! (cargo feature `testkit`, enabled only from backends' dev-dependencies) holds the story
//! every backend must pass. [`AccountStore`] is the second trait: accounts, enrollment codes
//! and devices (issue 4). The server's tenants (device sync, the county web view) also share
//! the [`Clock`] and the token key ([`ServerKeyCell`]) from here.

mod accounts;
#[cfg(feature = "testkit")]
pub mod blobkit;
mod blobs;
mod shared;
mod sigs;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod uploads;

pub use accounts::{actors_from_hex, Account, AccountStore, CountyInput, Device, PlaceRow, Redeemed};
pub use blobs::{chunk_decision, BlobHash, BlobRow, BlobStore, ChunkDecision, ChunkOutcome};
pub use shared::{system_clock, Clock, ServerKeyCell};
pub use sigs::{ChangeProofs, SignatureStore, StoredBatch};

use std::collections::HashMap;

use async_trait::async_trait;
use taizhang_sync::{Hash, ParsedChange};
use uuid::Uuid;

/// Storage errors. The HTTP layer maps them to "try again later" and logs the detail.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database could not be opened at {path}: {reason} (check the path, permissions and free space)")]
    Open { path: String, reason: String },
    #[error("database error: {0} (the request was not stored; the device will retry)")]
    Backend(String),
    #[error("{0} was not found: check the id (`taizhang-sync-server admin list` shows them)")]
    NotFound(String),
    #[error("{0} already exists")]
    Exists(String),
    #[error("the database schema is newer than this server ({0}): run the newer server version")]
    SchemaTooNew(String),
}

/// What happened to one pushed document.
#[derive(Debug, Clone, PartialEq)]
pub enum PushResult {
    /// Committed durably (fsync) before this returns.
    Stored { new: u32, heads: Vec<Hash> },
    /// Nothing stored: these dependencies are unknown to the server.
    MissingDeps { missing: Vec<Hash>, heads: Vec<Hash> },
}

/// One change of the village's log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub seq: u64,
    pub doc: String,
    pub hash: Hash,
    pub bytes: Vec<u8>,
}

/// A page of the village's log.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogPage {
    pub entries: Vec<LogEntry>,
    /// The cursor after this page (unchanged when the page is empty).
    pub cursor: u64,
    pub more: bool,
}

/// What a document's new saved form is made from ([`ServerStore::snapshot_source`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SnapshotSource {
    /// The saved form kept now (an Automerge document chunk), if any.
    pub saved: Option<Vec<u8>>,
    /// Every change of the document stored after it, in log order.
    pub after: Vec<Vec<u8>>,
    /// The log sequence number of the last change the two hold together (0: none).
    pub upto: u64,
}

impl SnapshotSource {
    /// The run a document loads from (`taizhang_sync::load_stored`): the saved form first.
    pub fn into_chunks(self) -> Vec<Vec<u8>> {
        let mut chunks = Vec::with_capacity(self.after.len() + 1);
        chunks.extend(self.saved);
        chunks.extend(self.after);
        chunks
    }
}

/// A village's county projection as kept in the database (issue 23, [`ServerStore::projection`]):
/// derived data, rebuilt from the log when missing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoredProjection {
    /// The log position every part below is projected up to.
    pub upto: u64,
    /// The village-wide part (opaque to the store).
    pub body: Vec<u8>,
    /// One part per document that contributed (opaque to the store), by document name.
    pub docs: Vec<(String, Vec<u8>)>,
}

/// Why a pushed document is refused (answered to the device as `DocOutcome::Rejected`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: String,
    pub message: String,
}

/// The refusal code of a push that reuses an actor's sequence number with different content
/// ([`actor_reused`]); the device answers it by taking a new actor.
pub const ACTOR_REUSED: &str = taizhang_sync::ACTOR_REUSED;

/// The refusal of a change that carries a (document, actor, sequence number) the server
/// already stores with different content.
pub fn actor_reused(doc: &str, actor: &[u8], seq: u64) -> Refusal {
    Refusal {
        code: ACTOR_REUSED.into(),
        message: format!(
            "document {doc} already holds a different change {seq} of Automerge actor {}: this device writes \
             with an actor another copy of it (e.g. the store before a restore from an old backup) also used. \
             Nothing of this document was stored; the app takes a new actor and sends its unsynced records \
             again, which loses nothing",
            hex::encode(actor)
        ),
    }
}

/// The (actor, lowest seq, highest seq) spans of `changes`, one per actor: what a backend
/// reads of the stored sequence numbers ([`StoredSeqs`]) before [`actor_reuse`] decides.
pub fn actor_spans(changes: &[ParsedChange]) -> Vec<(Vec<u8>, u64, u64)> {
    let mut spans: Vec<(Vec<u8>, u64, u64)> = Vec::new();
    for c in changes {
        match spans.iter_mut().find(|(a, _, _)| *a == c.actor) {
            Some((_, lo, hi)) => {
                *lo = (*lo).min(c.seq);
                *hi = (*hi).max(c.seq);
            }
            None => spans.push((c.actor.clone(), c.seq, c.seq)),
        }
    }
    spans
}

/// The stored changes' hashes by (actor, sequence number), of one document.
pub type StoredSeqs = HashMap<(Vec<u8>, u64), Hash>;

/// Whether `changes` pushed to `doc` reuse an actor's sequence number with different content:
/// against what is stored (`stored`, read for [`actor_spans`]) or among themselves. A change
/// stored with the same hash is a retry, not a reuse.
pub fn actor_reuse(doc: &str, changes: &[ParsedChange], stored: &StoredSeqs) -> Option<Refusal> {
    let mut pushed: HashMap<(&[u8], u64), &Hash> = HashMap::new();
    for c in changes {
        if let Some(h) = stored.get(&(c.actor.clone(), c.seq)) {
            if *h != c.hash {
                return Some(actor_reused(doc, &c.actor, c.seq));
            }
        }
        if let Some(h) = pushed.insert((c.actor.as_slice(), c.seq), &c.hash) {
            if *h != c.hash {
                return Some(actor_reused(doc, &c.actor, c.seq));
            }
        }
    }
    None
}

/// What a push check sees of the stored village, read inside the push's own transaction (so
/// nothing it decides on can change before the push commits).
#[derive(Debug, Clone, Copy)]
pub struct Stored<'a> {
    /// The pushed document's heads (sorted).
    pub heads: &'a [Hash],
    /// The heads of each document of [`PushCheck::watch`], in that order (empty: no such document).
    pub watched: &'a [Vec<Hash>],
    /// What the check asked for with [`Verdict::Load`] (absent until it asks), per document:
    /// its saved form when one is kept, then every change stored after it, in log order
    /// ([`ServerStore::doc_saved`]; `taizhang_sync::load_stored` loads either).
    pub changes: &'a HashMap<String, Vec<Vec<u8>>>,
}

/// How many times one check may answer [`Verdict::Load`] before the push fails.
pub const MAX_LOAD_ROUNDS: usize = 3;

/// What a push check says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Store the changes.
    Store,
    /// Store nothing, and say why.
    Refuse(Refusal),
    /// The changes do not apply to the stored document yet (unknown dependencies): store
    /// nothing, answer "missing dependencies".
    Unplaceable,
    /// Ask again with every change of these documents in [`Stored::changes`] (at most
    /// [`MAX_LOAD_ROUNDS`] times per check).
    Load(Vec<String>),
}

/// The decision a push waits for, taken inside the push's transaction: `decide` is called with
/// what is stored (again after each [`Verdict::Load`]), and may be called again when the
/// backend retries the transaction.
pub struct PushCheck {
    /// Documents whose heads `decide` needs besides the pushed one (e.g. the team document
    /// whose filings decide whether a log's month is closed).
    pub watch: Vec<String>,
    pub decide: Box<dyn Fn(&Stored<'_>) -> Verdict + Send + Sync>,
    /// What vouches for the pushed changes (their authors' signatures), kept in the same
    /// transaction when the push is stored — also when every change was stored before — and
    /// not at all when it is refused or cannot be placed: a sync commits once, and a change is
    /// never kept without the evidence that came with it.
    pub keep: ChangeProofs,
}

impl std::fmt::Debug for PushCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushCheck").field("watch", &self.watch).field("keep", &self.keep).finish_non_exhaustive()
    }
}

impl PushCheck {
    /// A check that watches `watch` and decides with `decide`, keeping no signatures.
    pub fn new(watch: Vec<String>, decide: Box<dyn Fn(&Stored<'_>) -> Verdict + Send + Sync>) -> Self {
        Self { watch, decide, keep: ChangeProofs::default() }
    }

    /// A check that stores everything (what [`ServerStore::push`] does).
    pub fn allow_all() -> Self {
        Self::new(Vec::new(), Box::new(|_| Verdict::Store))
    }

    /// The same check, keeping `proofs` with the changes it lets through.
    pub fn keeping(self, proofs: ChangeProofs) -> Self {
        Self { keep: proofs, ..self }
    }
}

/// What happened to one checked push.
#[derive(Debug, Clone, PartialEq)]
pub enum Checked {
    /// The check let it through: what the store did.
    Pushed(PushResult),
    /// The check refused it; nothing was stored.
    Refused(Refusal),
    /// The check found that the changes do not apply to the stored document yet
    /// ([`Verdict::Unplaceable`]); nothing was stored. `heads`: the document's stored heads.
    Unplaceable { heads: Vec<Hash> },
}

/// The server's storage. Every method is one transaction.
#[async_trait]
pub trait ServerStore: Send + Sync + 'static {
    /// Creates a village if it does not exist yet.
    async fn create_village(&self, village: Uuid, name: &str) -> Result<(), DbError>;
    async fn village_exists(&self, village: Uuid) -> Result<bool, DbError>;
    /// Stores the changes of one document that are new, in causal order, exactly once, with
    /// the server's receipt time; all or nothing, and durable before it returns. (A
    /// [`ServerStore::push_checked`] whose check allows everything.)
    async fn push(
        &self,
        village: Uuid,
        doc: &str,
        changes: Vec<ParsedChange>,
        received_at: i64,
    ) -> Result<PushResult, DbError> {
        match self.push_checked(village, doc, changes, received_at, PushCheck::allow_all()).await? {
            Checked::Pushed(result) => Ok(result),
            Checked::Unplaceable { heads } => Ok(PushResult::MissingDeps { missing: Vec::new(), heads }),
            Checked::Refused(r) => Err(DbError::Backend(format!("a push that allows all was refused: {}", r.message))),
        }
    }
    /// [`ServerStore::push`] after `check` allowed it, in the same transaction: the pushed
    /// document (and, on backends with row locks, the watched ones) cannot change between the
    /// check and the write.
    async fn push_checked(
        &self,
        village: Uuid,
        doc: &str,
        changes: Vec<ParsedChange>,
        received_at: i64,
        check: PushCheck,
    ) -> Result<Checked, DbError>;
    async fn heads(&self, village: Uuid, doc: &str) -> Result<Vec<Hash>, DbError>;
    /// The heads of each of `docs`, in that order (empty for a document not stored), in one
    /// round trip.
    async fn heads_many(&self, village: Uuid, docs: &[String]) -> Result<Vec<Vec<Hash>>, DbError>;
    /// Changes with a sequence number after `cursor`, in order, up to about `max_bytes`
    /// (always at least one change when there is one). A cursor past the end of the log (a
    /// database restored from an older backup) reads from the start.
    async fn read_log(&self, village: Uuid, cursor: u64, max_bytes: usize) -> Result<LogPage, DbError>;
    /// Every change of one document, in log order (to load it for the fallback exchange).
    async fn doc_changes(&self, village: Uuid, doc: &str) -> Result<Vec<Vec<u8>>, DbError>;
    /// The names of the village's documents.
    async fn docs(&self, village: Uuid) -> Result<Vec<String>, DbError>;
    /// The documents a fresh device is sent whole (issue 23, `taizhang_sync::BootCursor`): those
    /// with a change at or before log position `upto`, sorted by name (byte order) — a fixed
    /// list once `upto` is fixed, since the log only grows — and `upto` itself. `None` takes
    /// the log's last position now (0 and no documents for an empty log).
    async fn boot_docs(&self, village: Uuid, upto: Option<u64>) -> Result<(u64, Vec<String>), DbError>;
    /// Whether every push goes through one writer (SQLite's commit queue): then the server
    /// decides push checks ahead, beside the writer, so the writer only confirms them. A
    /// backend whose pushes run in parallel transactions (PostgreSQL) says no: deciding ahead
    /// would only cost it more round trips.
    fn single_writer(&self) -> bool {
        false
    }
    /// The document as the server loads it to judge a push or answer the fallback exchange:
    /// its compacted saved form when one is kept (a leading Automerge document chunk), then
    /// every change stored after it, in log order — far less to read and to load than
    /// [`ServerStore::doc_changes`] once a document has a long history. The same chunks are
    /// what [`Stored::changes`] holds for a document a check asked to load.
    async fn doc_saved(&self, village: Uuid, doc: &str) -> Result<Vec<Vec<u8>>, DbError> {
        Ok(self.snapshot_source(village, doc).await?.into_chunks())
    }
    /// What a new saved form of `doc` is made from, read consistently (the log only grows).
    async fn snapshot_source(&self, village: Uuid, doc: &str) -> Result<SnapshotSource, DbError>;
    /// Keeps `bytes` as the saved form of `doc` holding its changes up to log sequence number
    /// `upto` — unless the one kept already holds more (two instances refreshing at once).
    async fn put_snapshot(&self, village: Uuid, doc: &str, upto: u64, bytes: Vec<u8>) -> Result<(), DbError>;
    /// Every change's device time and receipt time, in log order (for the clock-skew flags,
    /// `taizhang_sync::clock_flags`).
    async fn change_times(&self, village: Uuid) -> Result<Vec<taizhang_sync::ChangeTime>, DbError>;
    /// The village's county projection as kept (issue 23), read consistently: `None` when
    /// none is kept yet.
    async fn projection(&self, village: Uuid) -> Result<Option<StoredProjection>, DbError>;
    /// Keeps the village's projection advanced to log position `upto`: the village-wide `body`
    /// and the parts of `docs` (each replacing that document's part; other documents' parts
    /// stay), in one transaction — unless the one kept is already at or past `upto` (another
    /// instance got there first): then nothing is written and it answers `false`. With
    /// `replace`, a kept one at exactly `upto` is replaced too (it did not read: another
    /// version's); one past `upto` never is.
    async fn put_projection(
        &self,
        village: Uuid,
        upto: u64,
        body: Vec<u8>,
        docs: Vec<(String, Vec<u8>)>,
        replace: bool,
    ) -> Result<bool, DbError>;
    /// The villages whose log holds changes past their kept projection (or that have a log
    /// and no projection), for the projector to catch up; villages with no changes are left
    /// out.
    async fn projections_behind(&self) -> Result<Vec<Uuid>, DbError>;
    /// Each of `villages`' last log position, in that order (0 for a village with no change or
    /// none on this server), in one round trip: what a county page's lines are kept by — a line
    /// computed at a position holds while the log has not moved past it.
    async fn log_positions(&self, villages: &[Uuid]) -> Result<Vec<u64>, DbError>;
}

/// Everything the sync server needs from one database: the change log and the accounts. Every
/// backend implements both; the server holds it as `Arc<dyn ServerBackend>`.
pub trait ServerBackend: ServerStore + AccountStore + SignatureStore + BlobStore {}

impl<T: ServerStore + AccountStore + SignatureStore + BlobStore + ?Sized> ServerBackend for T {}
