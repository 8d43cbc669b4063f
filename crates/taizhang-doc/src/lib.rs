//! The mapping between a village's records and its Automerge documents.
//!
//! A village is a handful of coarse documents (see [`DocId`]): one registry (the village,
//! its team members and households), one team document per year (leave requests, month
//! filings), and one log per member per month (visits, diary, check-ins). Every record is a
//! map at a unique root key `kind/<uuid>`, so records created on different devices never
//! collide; an edit writes only the fields that changed, so two people editing different
//! fields of one household both win, the same field keeps both values as a visible conflict,
//! and fields this version does not know (written by a newer app) survive an edit.
//! Pure: no IO, no clock; actors and times come from the caller.

mod access;
mod check;
pub mod demo;
mod docid;
mod error;
mod history;
mod record;
mod records;
pub mod synth;

pub use access::{access_facts, access_facts_at, filing_key, filing_keys, score_key, score_keys, AccessFacts};
pub use check::{check_touched, RecordProblem, MAX_FIELDS};
pub use docid::{DocId, DocKind};
pub use error::DocError;
pub use history::{
    author_message, has_change, record_history, record_history_indexed, FieldEdit, HistoryIndex, RecordEdit,
};
pub use record::{
    changed_keys, copy_record, is_bookkeeping, keep_conflict_value, read_all, read_one, write, FieldConflict, Fields,
    Read, Record,
};
pub use records::{score_items_json, FilingRecord, VillageRecord};

pub use automerge;
