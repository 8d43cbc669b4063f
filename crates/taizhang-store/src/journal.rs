//! The sync journal (schema 2): one row per sync session, for the Sync screen ("last
//! successful sync", "last error in plain words") and for support.

use rusqlite::params;

use crate::{Store, StoreError, StoreTx};

/// One sync session as the device saw it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncJournalEntry {
    /// Device clock when the session started (UTC ms).
    pub at: i64,
    pub ok: bool,
    pub requests: u32,
    pub bytes_up: u64,
    pub bytes_down: u64,
    pub pushed: u32,
    pub received: u32,
    pub error: Option<String>,
}

/// How many sessions the journal keeps; older rows are dropped.
pub const JOURNAL_KEEP: i64 = 500;

impl StoreTx<'_> {
    /// Appends a session to the journal (and trims it to [`JOURNAL_KEEP`] rows).
    pub fn journal_sync(&self, e: &SyncJournalEntry) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO sync_journal (at, ok, requests, bytes_up, bytes_down, pushed, received, \
             error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                e.at,
                e.ok,
                e.requests,
                i64::try_from(e.bytes_up).unwrap_or(i64::MAX),
                i64::try_from(e.bytes_down).unwrap_or(i64::MAX),
                e.pushed,
                e.received,
                e.error
            ],
        )?;
        self.tx.execute(
            "DELETE FROM sync_journal WHERE id <= (SELECT MAX(id) FROM sync_journal) - ?1",
            params![JOURNAL_KEEP],
        )?;
        Ok(())
    }
}

impl Store {
    /// The last `n` sync sessions, newest first.
    pub fn sync_journal(&self, n: u32) -> Result<Vec<SyncJournalEntry>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT at, ok, requests, bytes_up, bytes_down, pushed, received, error \
             FROM sync_journal ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![n], |r| {
            Ok(SyncJournalEntry {
                at: r.get(0)?,
                ok: r.get(1)?,
                requests: r.get(2)?,
                bytes_up: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                bytes_down: u64::try_from(r.get::<_, i64>(4)?).unwrap_or(0),
                pushed: r.get(5)?,
                received: r.get(6)?,
                error: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The last session that finished without error, if any.
    pub fn last_successful_sync(&self) -> Result<Option<SyncJournalEntry>, StoreError> {
        Ok(self.sync_journal(JOURNAL_KEEP as u32)?.into_iter().find(|e| e.ok))
    }
}
