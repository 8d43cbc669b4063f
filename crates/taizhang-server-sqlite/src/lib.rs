//! The sync server's storage in one embedded SQLite file: WAL with `synchronous=FULL`, so a
//! push is on disk before the device hears "stored". One writer at a time (a mutex), which
//! also makes the log's sequence numbers commit in order — what the cursor relies on.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};
use taizhang_server_db::{
    actor_reuse, actor_spans, Checked, DbError, LogEntry, LogPage, PushCheck, PushResult, ServerStore, Stored,
    StoredSeqs, Verdict, MAX_LOAD_ROUNDS,
};
use taizhang_sync::{integrate, Hash, ParsedChange};
use uuid::Uuid;

mod accounts;
mod sigs;

const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("../../../migrations/server-sqlite/0001_init.sql")),
    (2, include_str!("../../../migrations/server-sqlite/0002_accounts.sql")),
    (3, include_str!("../../../migrations/server-sqlite/0003_web_logins.sql")),
    (4, include_str!("../../../migrations/server-sqlite/0004_county_inputs.sql")),
    (5, include_str!("../../../migrations/server-sqlite/0005_actor_seq.sql")),
    (6, include_str!("../../../migrations/server-sqlite/0006_change_signatures.sql")),
];

/// The SQLite backend. Cheap to clone.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

pub(crate) fn backend(e: impl std::fmt::Display) -> DbError {
    DbError::Backend(e.to_string())
}

fn heads_to_blob(heads: &[Hash]) -> Vec<u8> {
    heads.iter().flatten().copied().collect()
}

fn blob_to_heads(blob: &[u8]) -> Vec<Hash> {
    blob.chunks_exact(32).filter_map(|c| <Hash>::try_from(c).ok()).collect()
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let open_err =
            |e: &dyn std::fmt::Display| DbError::Open { path: path.display().to_string(), reason: e.to_string() };
        let conn = Connection::open(path).map_err(|e| open_err(&e))?;
        Self::setup(conn).map_err(|e| match e {
            DbError::Backend(reason) => DbError::Open { path: path.display().to_string(), reason },
            other => other,
        })
    }

    /// A private in-memory database (tests).
    pub fn open_in_memory() -> Result<Self, DbError> {
        Self::setup(Connection::open_in_memory().map_err(backend)?)
    }

    fn setup(conn: Connection) -> Result<Self, DbError> {
        conn.pragma_update(None, "journal_mode", "WAL").map_err(backend)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(backend)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(backend)?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(backend)?;
        taizhang_store::migrate(&conn, MIGRATIONS).map_err(|e| {
            let msg = e.to_string();
            if msg.contains("newer") {
                DbError::SchemaTooNew(msg)
            } else {
                backend(msg)
            }
        })?;
        let mut conn = conn;
        backfill_actor_seq(&mut conn)?;
        Ok(Self { conn: Arc::new(Mutex::new(conn)) })
    }

    /// Runs `f` on the connection in the blocking pool.
    pub(crate) async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard =
                conn.lock().map_err(|_| backend("the database lock was poisoned by a crash; restart the server"))?;
            f(&mut guard)
        })
        .await
        .map_err(backend)?
    }

    /// A consistent copy of the whole database into a new file (`VACUUM INTO`), taken while
    /// the server runs: what an operator's backup (and the restore tests) use.
    pub async fn backup_to(&self, path: &Path) -> Result<(), DbError> {
        let path = path.to_string_lossy().into_owned();
        self.with(move |c| c.execute("VACUUM INTO ?1", [path]).map(|_| ()).map_err(backend)).await
    }

    /// `PRAGMA integrity_check` (used by the reliability tests): "ok" when healthy.
    pub async fn integrity_check(&self) -> Result<String, DbError> {
        self.with(|c| c.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).map_err(backend)).await
    }
}

fn doc_heads(tx: &Connection, village: &[u8], doc: &str) -> Result<Vec<Hash>, DbError> {
    let blob: Option<Vec<u8>> = tx
        .query_row("SELECT heads FROM docs WHERE village = ?1 AND doc = ?2", params![village, doc], |r| r.get(0))
        .optional()
        .map_err(backend)?;
    Ok(blob.map(|b| blob_to_heads(&b)).unwrap_or_default())
}

/// The stored hashes of the pushed actors' sequence numbers in `doc`.
fn stored_seqs(c: &Connection, village: &[u8], doc: &str, changes: &[ParsedChange]) -> Result<StoredSeqs, DbError> {
    let mut stmt = c
        .prepare_cached(
            "SELECT actor_seq, hash FROM changes
             WHERE village = ?1 AND doc = ?2 AND actor = ?3 AND actor_seq BETWEEN ?4 AND ?5",
        )
        .map_err(backend)?;
    let mut out = StoredSeqs::new();
    for (actor, lo, hi) in actor_spans(changes) {
        let lo = i64::try_from(lo).unwrap_or(i64::MAX);
        let hi = i64::try_from(hi).unwrap_or(i64::MAX);
        let mut rows = stmt.query(params![village, doc, actor, lo, hi]).map_err(backend)?;
        while let Some(row) = rows.next().map_err(backend)? {
            let seq: i64 = row.get(0).map_err(backend)?;
            let hash: Vec<u8> = row.get(1).map_err(backend)?;
            if let Ok(hash) = <Hash>::try_from(hash.as_slice()) {
                out.insert((actor.clone(), u64::try_from(seq).unwrap_or(0)), hash);
            }
        }
    }
    Ok(out)
}

/// Fills in the sequence number of changes stored before schema 5 (read from their bytes),
/// so the actor-reuse check sees them too. Runs once: afterwards no row is NULL.
fn backfill_actor_seq(c: &mut Connection) -> Result<(), DbError> {
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(backend)?;
    let todo: Vec<(i64, Vec<u8>)> = {
        let mut stmt = tx.prepare("SELECT seq, bytes FROM changes WHERE actor_seq IS NULL").map_err(backend)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(backend)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(backend)?
    };
    if todo.is_empty() {
        return Ok(());
    }
    {
        let mut update = tx.prepare("UPDATE changes SET actor_seq = ?1 WHERE seq = ?2").map_err(backend)?;
        for (seq, bytes) in todo {
            // A stored change that no longer parses keeps NULL (and is never matched).
            if let Ok(c) = taizhang_sync::parse_raw_change(&bytes) {
                update.execute(params![i64::try_from(c.seq()).unwrap_or(i64::MAX), seq]).map_err(backend)?;
            }
        }
    }
    tx.commit().map_err(backend)
}

fn doc_changes(c: &Connection, village: &[u8], doc: &str) -> Result<Vec<Vec<u8>>, DbError> {
    let mut stmt =
        c.prepare_cached("SELECT bytes FROM changes WHERE village = ?1 AND doc = ?2 ORDER BY seq").map_err(backend)?;
    let rows = stmt.query_map(params![village, doc], |r| r.get::<_, Vec<u8>>(0)).map_err(backend)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(backend)
}

#[async_trait]
impl ServerStore for SqliteStore {
    async fn create_village(&self, village: Uuid, name: &str) -> Result<(), DbError> {
        let name = name.to_string();
        self.with(move |c| {
            c.execute(
                "INSERT OR IGNORE INTO villages (id, name, created_at) VALUES (?1, ?2, strftime('%s','now') * 1000)",
                params![village.as_bytes().as_slice(), name],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn village_exists(&self, village: Uuid) -> Result<bool, DbError> {
        self.with(move |c| {
            c.query_row("SELECT 1 FROM villages WHERE id = ?1", [village.as_bytes().as_slice()], |_| Ok(()))
                .optional()
                .map(|o| o.is_some())
                .map_err(backend)
        })
        .await
    }

    async fn push_checked(
        &self,
        village: Uuid,
        doc: &str,
        changes: Vec<ParsedChange>,
        received_at: i64,
        check: PushCheck,
    ) -> Result<Checked, DbError> {
        let doc = doc.to_string();
        self.with(move |c| {
            let v = village.as_bytes().as_slice();
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(backend)?;
            let heads = doc_heads(&tx, v, &doc)?;
            // An actor's sequence number reused with other content (two copies of one device's
            // store) is refused before anything else looks at the changes.
            if let Some(r) = actor_reuse(&doc, &changes, &stored_seqs(&tx, v, &doc, &changes)?) {
                return Ok(Checked::Refused(r));
            }
            // The check, in the same (write-locked) transaction as the write below.
            let watched = check.watch.iter().map(|w| doc_heads(&tx, v, w)).collect::<Result<Vec<_>, _>>()?;
            let mut loaded = HashMap::new();
            let mut verdict = (check.decide)(&Stored { heads: &heads, watched: &watched, changes: &loaded });
            for _ in 0..MAX_LOAD_ROUNDS {
                let Verdict::Load(docs) = &verdict else { break };
                for d in docs {
                    if !loaded.contains_key(d) {
                        loaded.insert(d.clone(), doc_changes(&tx, v, d)?);
                    }
                }
                verdict = (check.decide)(&Stored { heads: &heads, watched: &watched, changes: &loaded });
            }
            let unplaceable = match verdict {
                Verdict::Store => false,
                Verdict::Unplaceable => true,
                Verdict::Refuse(r) => return Ok(Checked::Refused(r)),
                Verdict::Load(_) => return Err(backend("the push check kept asking for documents to load")),
            };
            let result = {
                let mut exists = tx
                    .prepare_cached("SELECT 1 FROM changes WHERE village = ?1 AND doc = ?2 AND hash = ?3")
                    .map_err(backend)?;
                let mut db_error = None;
                let outcome = integrate(&heads, changes, |h| match exists.exists(params![v, doc, h.as_slice()]) {
                    Ok(b) => b,
                    Err(e) => {
                        db_error = Some(backend(e));
                        false
                    }
                });
                if let Some(e) = db_error {
                    return Err(e);
                }
                outcome
            };
            match result {
                Err(missing) => Ok(Checked::Pushed(PushResult::MissingDeps { missing, heads })),
                Ok(_) if unplaceable => Ok(Checked::Unplaceable { heads }),
                Ok(integrated) => {
                    let n = integrated.new.len();
                    if n > 0 {
                        let mut insert = tx
                            .prepare_cached(
                                "INSERT INTO changes (village, doc, hash, actor, actor_seq, device_time, received_at, bytes)
                                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                            )
                            .map_err(backend)?;
                        for ch in &integrated.new {
                            insert
                                .execute(params![
                                    v,
                                    doc,
                                    ch.hash.as_slice(),
                                    ch.actor,
                                    i64::try_from(ch.seq).unwrap_or(i64::MAX),
                                    ch.timestamp,
                                    received_at,
                                    ch.bytes
                                ])
                                .map_err(backend)?;
                        }
                        drop(insert);
                        tx.execute(
                            "INSERT INTO docs (village, doc, heads) VALUES (?1, ?2, ?3)
                             ON CONFLICT (village, doc) DO UPDATE SET heads = excluded.heads",
                            params![v, doc, heads_to_blob(&integrated.heads)],
                        )
                        .map_err(backend)?;
                    }
                    tx.commit().map_err(backend)?;
                    let new = u32::try_from(n).unwrap_or(u32::MAX);
                    Ok(Checked::Pushed(PushResult::Stored { new, heads: integrated.heads }))
                }
            }
        })
        .await
    }

    async fn heads(&self, village: Uuid, doc: &str) -> Result<Vec<Hash>, DbError> {
        let doc = doc.to_string();
        self.with(move |c| doc_heads(c, village.as_bytes().as_slice(), &doc)).await
    }

    async fn heads_many(&self, village: Uuid, docs: &[String]) -> Result<Vec<Vec<Hash>>, DbError> {
        let docs = docs.to_vec();
        self.with(move |c| docs.iter().map(|d| doc_heads(c, village.as_bytes().as_slice(), d)).collect()).await
    }

    async fn read_log(&self, village: Uuid, cursor: u64, max_bytes: usize) -> Result<LogPage, DbError> {
        self.with(move |c| {
            // A cursor past the end of the log means this database was restored from an older
            // backup: the device must read the log again from the start (duplicates are
            // harmless, a skipped change would be lost to it).
            let last: i64 = c
                .query_row(
                    "SELECT COALESCE(MAX(seq), 0) FROM changes WHERE village = ?1",
                    [village.as_bytes().as_slice()],
                    |r| r.get(0),
                )
                .map_err(backend)?;
            let cursor = if cursor > last as u64 { 0 } else { cursor };
            let mut stmt = c
                .prepare_cached(
                    "SELECT seq, doc, hash, bytes FROM changes WHERE village = ?1 AND seq > ?2 ORDER BY seq LIMIT 2000",
                )
                .map_err(backend)?;
            let mut rows = stmt.query(params![village.as_bytes().as_slice(), cursor as i64]).map_err(backend)?;
            let mut page = LogPage { entries: Vec::new(), cursor, more: false };
            let mut bytes = 0usize;
            let mut rows_read = 0;
            while let Some(row) = rows.next().map_err(backend)? {
                rows_read += 1;
                let seq: i64 = row.get(0).map_err(backend)?;
                let data: Vec<u8> = row.get(3).map_err(backend)?;
                if !page.entries.is_empty() && bytes + data.len() > max_bytes {
                    page.more = true;
                    break;
                }
                bytes += data.len();
                let hash_blob: Vec<u8> = row.get(2).map_err(backend)?;
                page.entries.push(LogEntry {
                    seq: seq as u64,
                    doc: row.get(1).map_err(backend)?,
                    hash: <Hash>::try_from(hash_blob.as_slice()).map_err(backend)?,
                    bytes: data,
                });
                page.cursor = seq as u64;
            }
            if rows_read == 2000 && !page.more {
                page.more = true;
            }
            Ok(page)
        })
        .await
    }

    async fn doc_changes(&self, village: Uuid, doc: &str) -> Result<Vec<Vec<u8>>, DbError> {
        let doc = doc.to_string();
        self.with(move |c| doc_changes(c, village.as_bytes().as_slice(), &doc)).await
    }

    async fn change_times(&self, village: Uuid) -> Result<Vec<taizhang_sync::ChangeTime>, DbError> {
        self.with(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT seq, doc, hash, actor, device_time, received_at FROM changes WHERE village = ?1 ORDER BY seq",
                )
                .map_err(backend)?;
            let rows = stmt
                .query_map([village.as_bytes().as_slice()], |r| {
                    let hash: Vec<u8> = r.get(2)?;
                    Ok(taizhang_sync::ChangeTime {
                        seq: u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                        doc: r.get(1)?,
                        hash: hash.try_into().unwrap_or([0; 32]),
                        actor: r.get(3)?,
                        device_time: r.get(4)?,
                        received_at: r.get(5)?,
                    })
                })
                .map_err(backend)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(backend)
        })
        .await
    }

    async fn docs(&self, village: Uuid) -> Result<Vec<String>, DbError> {
        self.with(move |c| {
            let mut stmt = c.prepare_cached("SELECT doc FROM docs WHERE village = ?1 ORDER BY doc").map_err(backend)?;
            let rows = stmt.query_map([village.as_bytes().as_slice()], |r| r.get::<_, String>(0)).map_err(backend)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(backend)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_storage_story_holds_in_memory() {
        let store = SqliteStore::open_in_memory().expect("open");
        taizhang_server_db::testkit::store_story(&store).await;
    }

    #[tokio::test]
    async fn the_actor_reuse_story_holds() {
        let store = SqliteStore::open_in_memory().expect("open");
        taizhang_server_db::testkit::actor_reuse_story(&store).await;
    }

    #[tokio::test]
    async fn the_account_story_holds() {
        let store = SqliteStore::open_in_memory().expect("open");
        taizhang_server_db::testkit::account_story(&store).await;
    }

    #[tokio::test]
    async fn the_storage_story_holds_on_disk_and_survives_reopening() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("server.sqlite3");
        {
            let store = SqliteStore::open(&path).expect("open");
            taizhang_server_db::testkit::store_story(&store).await;
        }
        let store = SqliteStore::open(&path).expect("reopen");
        let page = store.read_log(Uuid::from_u128(0x7a1), 0, usize::MAX).await.expect("log");
        assert_eq!(page.entries.len(), 8);
        assert_eq!(store.integrity_check().await.expect("check"), "ok");
    }
}
