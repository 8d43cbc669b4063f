//! The client's local store: one SQLite file holding the village's Automerge documents as
//! opaque byte chunks, the sync bookkeeping, and materialised tables the app queries.
//!
//! The store does not know Automerge. The caller (the client) loads the chunks at start-up,
//! appends a chunk for every local change or received batch, compacts a document into one
//! snapshot once it has [`COMPACT_AFTER_CHUNKS`] chunks, and re-materialises the records whose
//! keys changed — all inside one [`StoreTx`], so the documents and the tables never disagree
//! on disk. The materialised tables are a cache: they can always be rebuilt from the chunks.

mod attachments;
mod cipher;
mod codec;
mod drafts;
mod error;
pub mod files;
mod journal;
mod migrate;
mod query;
mod search;
mod sigs;
pub use sigs::StoredProof;
mod store;
mod tx;

pub use attachments::{attachments_dir, write_durably, AttachmentRow, UploadState};
pub use cipher::{companion_files, encrypt_in_place, erase_files, file_kind, FileKind, StoreKey, ENCRYPTION_AVAILABLE};
pub use drafts::MAX_DRAFT_CHARS;
pub use error::StoreError;
pub use journal::{SyncJournalEntry, JOURNAL_KEEP};
pub use migrate::migrate;
pub use query::{Conflicted, Counts, HouseholdQuery, Row};
pub use search::search_key;
pub use store::Store;
pub use tx::StoreTx;

/// The same rusqlite the store is built with, so the server's SQLite backend shares it.
pub use rusqlite;

/// A document with this many stored chunks should be compacted into one snapshot
/// ([`StoreTx::replace_chunks`]); the value [`StoreTx::append_chunk`] returns tells when.
pub const COMPACT_AFTER_CHUNKS: usize = 100;

/// The client schema, forward-only: append new files, never edit an old one.
pub(crate) const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("../../../migrations/client/0001_init.sql")),
    (2, include_str!("../../../migrations/client/0002_sync_journal.sql")),
    (3, include_str!("../../../migrations/client/0003_leave_kind.sql")),
    (4, include_str!("../../../migrations/client/0004_score_sheets.sql")),
    (5, include_str!("../../../migrations/client/0005_change_signatures.sql")),
    (6, include_str!("../../../migrations/client/0006_households_roster.sql")),
    (7, include_str!("../../../migrations/client/0007_follow_ups.sql")),
    (8, include_str!("../../../migrations/client/0008_village_ledger.sql")),
    (9, include_str!("../../../migrations/client/0009_findings.sql")),
    (10, include_str!("../../../migrations/client/0010_drafts.sql")),
    (11, include_str!("../../../migrations/client/0011_village_plan.sql")),
    (12, include_str!("../../../migrations/client/0012_attachments.sql")),
    (13, include_str!("../../../migrations/client/0013_more_attachments.sql")),
    (14, include_str!("../../../migrations/client/0014_signature_batches.sql")),
];
