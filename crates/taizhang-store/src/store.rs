//! Opening the local store (pragmas, migrations) and reading the documents' bytes and the
//! sync bookkeeping back. Writes go through [`StoreTx`].

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::cipher::{apply_key, encrypt_in_place, file_kind, open_ready, sqlite_ready, FileKind, StoreKey};
use crate::codec::parse_heads;
use crate::{migrate, StoreError, StoreTx, MIGRATIONS};

/// The client's local SQLite store. One per device and village; not shared between threads
/// (wrap it in a mutex if needed).
#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the store file and brings its schema up to date:
    /// WAL journal, `synchronous=FULL` (a committed transaction survives power loss),
    /// foreign keys on, 5 s busy timeout.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let open_err = |reason: String| StoreError::Open { path: path.display().to_string(), reason };
        let conn = open_ready(path).map_err(|e| open_err(e.to_string()))?;
        Self::setup(conn).map_err(|e| match e {
            StoreError::Sqlite(e) => open_err(e.to_string()),
            StoreError::Busy => open_err("another process holds the file locked".to_string()),
            other => other,
        })
    }

    /// Opens (creating if needed) the store at `path` encrypted with `key` (cargo feature
    /// `sqlcipher`; [`StoreError::EncryptionUnavailable`] without it). A plain store found there
    /// is first encrypted in place ([`crate::encrypt_in_place`]: nothing in it is lost, unsynced
    /// records included). A wrong key is [`StoreError::WrongKey`].
    pub fn open_encrypted(path: &Path, key: &StoreKey) -> Result<Store, StoreError> {
        if file_kind(path)? == FileKind::Plain {
            encrypt_in_place(path, key)?;
        }
        let open_err = |reason: String| StoreError::Open { path: path.display().to_string(), reason };
        let conn = open_ready(path).map_err(|e| open_err(e.to_string()))?;
        apply_key(&conn, key, path)?;
        Self::setup(conn).map_err(|e| match e {
            StoreError::Sqlite(e) => open_err(e.to_string()),
            StoreError::Busy => open_err("another process holds the file locked".to_string()),
            other => other,
        })
    }

    /// [`Store::open_encrypted`] with a key, [`Store::open`] without.
    pub fn open_with(path: &Path, key: Option<&StoreKey>) -> Result<Store, StoreError> {
        match key {
            Some(k) => Self::open_encrypted(path, k),
            None => Self::open(path),
        }
    }

    /// A private in-memory store (tests, previews). Same schema, nothing on disk.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        sqlite_ready();
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Store, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Returns the mode in force ("memory" for an in-memory database).
        let _mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&conn, MIGRATIONS)?;
        Ok(Store { conn })
    }

    /// Deletes every row of every table, with `secure_delete` on (freed pages are zeroed), then
    /// vacuums (remote wipe, issue 21; the files are erased after by [`crate::erase_files`]).
    pub fn erase_contents(&self) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "secure_delete", "ON")?;
        let tables: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<_, _>>()?
        };
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let mut sql = String::from("BEGIN;");
        for t in &tables {
            sql.push_str(&format!("DELETE FROM \"{}\";", t.replace('"', "\"\"")));
        }
        sql.push_str("COMMIT;");
        self.conn.execute_batch(&sql)?;
        self.conn.execute_batch("VACUUM;")?;
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// `PRAGMA integrity_check`: "ok" when the file is healthy (used after crash tests).
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        Ok(self.conn.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))?)
    }

    /// Starts an IMMEDIATE transaction (takes the write lock now, so it cannot fail later
    /// with "busy" half-way). Dropped without [`StoreTx::commit`], it rolls back.
    pub fn transaction(&mut self) -> Result<StoreTx<'_>, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        Ok(StoreTx { tx })
    }

    /// Every stored document with its chunks in append order (the snapshot, if any, first),
    /// documents sorted by id.
    #[allow(clippy::type_complexity)] // the signature the client codes against; an alias would hide it
    pub fn load_docs(&self) -> Result<Vec<(String, Vec<Vec<u8>>)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT doc, bytes FROM doc_chunks ORDER BY doc, seq")?;
        let mut rows = stmt.query([])?;
        let mut docs: Vec<(String, Vec<Vec<u8>>)> = Vec::new();
        while let Some(row) = rows.next()? {
            let doc: String = row.get(0)?;
            let bytes: Vec<u8> = row.get(1)?;
            match docs.last_mut() {
                Some((last, chunks)) if *last == doc => chunks.push(bytes),
                _ => docs.push((doc, vec![bytes])),
            }
        }
        Ok(docs)
    }

    /// The chunks of one document, in append order (empty if the device has none).
    pub fn load_doc(&self, doc: &str) -> Result<Vec<Vec<u8>>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT bytes FROM doc_chunks WHERE doc = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([doc], |r| r.get::<_, Vec<u8>>(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The ids of every document this device stores.
    pub fn doc_ids(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT DISTINCT doc FROM doc_chunks ORDER BY doc")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Documents with local changes the server has not confirmed.
    pub fn dirty_docs(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT doc FROM pending_docs ORDER BY doc")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The heads of `doc` the server last confirmed holding (empty if never synced).
    pub fn confirmed_heads(&self, doc: &str) -> Result<Vec<[u8; 32]>, StoreError> {
        let blob: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT confirmed_heads FROM sync_docs WHERE doc = ?1", [doc], |r| r.get(0))
            .optional()?;
        blob.map(|b| parse_heads(doc, &b)).transpose().map(Option::unwrap_or_default)
    }

    /// A free-form setting or bookkeeping value (device id, server cursor, ...).
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }
}
