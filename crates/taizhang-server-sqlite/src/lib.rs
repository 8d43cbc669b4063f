//! The sync server's storage in one embedded SQLite file: WAL with `synchronous=FULL`, so a
//! push is on disk before the device hears "stored". One writer at a time (a mutex), which
//! also makes the log's sequence numbers commit in order — what the cursor relies on.
//!
//! Pushes go through a commit queue (group commit): one writer thread takes every push waiting,
//! runs each one's check and write in one transaction, each inside its own savepoint (a push
//! refused by its check, or failing, is rolled back alone and does not touch the others),
//! commits once — one fsync for the whole batch — and only then answers each push. Reads (the
//! log, heads, devices, accounts) use a small pool of read-only connections, which WAL lets
//! run beside the writer, so a request's reads never wait for another request's fsync.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use async_trait::async_trait;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use taizhang_server_db::{
    actor_reuse, actor_spans, Checked, DbError, LogEntry, LogPage, PushCheck, PushResult, ServerStore, SnapshotSource,
    Stored, StoredProjection, StoredSeqs, Verdict, MAX_LOAD_ROUNDS,
};
use taizhang_sync::{integrate, Hash, ParsedChange};
use uuid::Uuid;

mod accounts;
mod blobs;
mod sigs;

const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("../../../migrations/server-sqlite/0001_init.sql")),
    (2, include_str!("../../../migrations/server-sqlite/0002_accounts.sql")),
    (3, include_str!("../../../migrations/server-sqlite/0003_web_logins.sql")),
    (4, include_str!("../../../migrations/server-sqlite/0004_county_inputs.sql")),
    (5, include_str!("../../../migrations/server-sqlite/0005_actor_seq.sql")),
    (6, include_str!("../../../migrations/server-sqlite/0006_signed_requests.sql")),
    (7, include_str!("../../../migrations/server-sqlite/0007_change_signatures.sql")),
    (8, include_str!("../../../migrations/server-sqlite/0008_blobs.sql")),
    (9, include_str!("../../../migrations/server-sqlite/0009_wipe_orders.sql")),
    (10, include_str!("../../../migrations/server-sqlite/0010_team_indexes.sql")),
    (11, include_str!("../../../migrations/server-sqlite/0011_snapshots.sql")),
    (12, include_str!("../../../migrations/server-sqlite/0012_previous_key.sql")),
    (13, include_str!("../../../migrations/server-sqlite/0013_county_projection.sql")),
    (14, include_str!("../../../migrations/server-sqlite/0014_signature_batches.sql")),
];

/// Read-only connections beside the writer (none for an in-memory database, whose reads use
/// the writer's connection).
const READERS: usize = 4;
/// Most pushes one commit of the queue takes (the rest wait for the next commit).
const MAX_BATCH: usize = 512;

/// The SQLite backend. Cheap to clone.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    readers: Arc<Readers>,
    queue: mpsc::Sender<PushJob>,
}

#[derive(Debug, Default)]
struct Readers {
    conns: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

impl Readers {
    /// The connection whose turn it is (round robin; an index into `conns`).
    fn turn(&self) -> usize {
        self.next.fetch_add(1, Ordering::Relaxed)
    }

    /// A connection no one holds, looking from the one at `turn` on; never waits.
    fn free(&self, turn: usize) -> Option<std::sync::MutexGuard<'_, Connection>> {
        let n = self.conns.len();
        (0..n).find_map(|k| self.conns[(turn + k) % n].try_lock().ok())
    }
}

/// One push waiting in the commit queue, and where its answer goes.
struct PushJob {
    village: Uuid,
    doc: String,
    changes: Vec<ParsedChange>,
    received_at: i64,
    check: PushCheck,
    answer: tokio::sync::oneshot::Sender<Result<Checked, DbError>>,
}

impl std::fmt::Debug for PushJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushJob").field("village", &self.village).field("doc", &self.doc).finish_non_exhaustive()
    }
}

/// The end of a village's log, and a page of it (`read_log`: once a sync each).
const LOG_END: &str = "SELECT COALESCE(MAX(seq), 0) FROM changes WHERE village = ?1";
const LOG_PAGE: &str =
    "SELECT seq, doc, hash, bytes FROM changes WHERE village = ?1 AND seq > ?2 ORDER BY seq LIMIT 2000";

/// Most keys a read by key may look up on the calling thread ([`SqliteStore::read_now`]).
const SHORT_READ_KEYS: usize = 64;

/// Most a page of the log read on the calling thread may hold: rows, and their bytes.
const SHORT_LOG_PAGE: (usize, usize) = (SHORT_READ_KEYS, 64 * 1024);

/// A page of the village's log after `cursor`, up to `max_bytes` (at least one change) and
/// 2,000 changes. With `short` (rows, bytes): `None` once the page would hold more than that
/// (read it again without).
fn log_page(
    c: &mut Connection,
    village: Uuid,
    cursor: u64,
    max_bytes: usize,
    short: Option<(usize, usize)>,
) -> Result<Option<LogPage>, DbError> {
    // A cursor past the end of the log means this database was restored from an older
    // backup: the device must read the log again from the start (duplicates are harmless, a
    // skipped change would be lost to it).
    let last: i64 = c
        .prepare_cached(LOG_END)
        .and_then(|mut s| s.query_row([village.as_bytes().as_slice()], |r| r.get(0)))
        .map_err(backend)?;
    let cursor = if cursor > last as u64 { 0 } else { cursor };
    let mut stmt = c.prepare_cached(LOG_PAGE).map_err(backend)?;
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
        if short.is_some_and(|(most_rows, most_bytes)| rows_read > most_rows || bytes > most_bytes) {
            return Ok(None);
        }
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
    Ok(Some(page))
}

/// Statements a connection keeps prepared between requests.
const STATEMENT_CACHE: usize = 128;

/// Makes a connection's cached statements stay prepared. Without the query planner stability
/// guarantee, SQLite marks a statement whose plan looked at a bound value (an equality on a
/// column outside the index it uses, say) to be planned again once that value changes, and
/// clearing the bindings — which the statement cache does each time a statement goes back to
/// it — counts as a change: every cached read was parsed and planned again on its next use
/// (8 % of the server's CPU in a reconnect burst, issue 23). With QPSG a plan depends on the
/// SQL alone; every query here is an equality or range on an index's leading columns, whose
/// plan no value changes. The cache also holds every statement a sync runs (rusqlite's
/// default of 16 evicted some of them between requests).
fn steady_statements(c: &Connection) -> rusqlite::Result<()> {
    c.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    c.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
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
        let mut store = Self::setup(conn).map_err(|e| match e {
            DbError::Backend(reason) => DbError::Open { path: path.display().to_string(), reason },
            other => other,
        })?;
        let mut conns = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
            let c = Connection::open_with_flags(path, flags).map_err(|e| open_err(&e))?;
            c.busy_timeout(std::time::Duration::from_secs(10)).map_err(|e| open_err(&e))?;
            steady_statements(&c).map_err(|e| open_err(&e))?;
            conns.push(Mutex::new(c));
        }
        store.readers = Arc::new(Readers { conns, next: AtomicUsize::new(0) });
        Ok(store)
    }

    /// A private in-memory database (tests).
    pub fn open_in_memory() -> Result<Self, DbError> {
        Self::setup(Connection::open_in_memory().map_err(backend)?)
    }

    fn setup(conn: Connection) -> Result<Self, DbError> {
        conn.pragma_update(None, "journal_mode", "WAL").map_err(backend)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(backend)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(backend)?;
        // Each push of a group commit runs in its own savepoint, and a savepoint keeps the
        // pages it changes in a sub-journal: a temporary file once past 64 KiB, written,
        // read back and closed at every commit (9 % of the commit queue's samples in the
        // reconnect burst, issue 23). Kept in memory instead; it never outlives a commit.
        conn.pragma_update(None, "temp_store", "MEMORY").map_err(backend)?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(backend)?;
        steady_statements(&conn).map_err(backend)?;
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
        let conn = Arc::new(Mutex::new(conn));
        let (queue, jobs) = mpsc::channel();
        let writer = conn.clone();
        std::thread::Builder::new()
            .name("taizhang-sqlite-commit".into())
            .spawn(move || commit_queue(&writer, &jobs))
            .map_err(backend)?;
        Ok(Self { conn, readers: Arc::new(Readers::default()), queue })
    }

    /// Runs `f` on a read-only connection in the blocking pool (on the writer's connection
    /// for an in-memory database). `f` must not write.
    pub(crate) async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        if self.readers.conns.is_empty() {
            return self.with(f).await;
        }
        let readers = self.readers.clone();
        tokio::task::spawn_blocking(move || {
            // A free connection if there is one, else wait for the one in turn.
            let turn = readers.turn();
            if let Some(mut guard) = readers.free(turn) {
                return f(&mut guard);
            }
            let mut guard = readers.conns[turn % readers.conns.len()]
                .lock()
                .map_err(|_| backend("a database lock was poisoned by a crash; restart the server"))?;
            f(&mut guard)
        })
        .await
        .map_err(backend)?
    }

    /// Runs `f` — a read of `keys` rows by key (a device, a village's place, heads) — on this
    /// thread when they are few ([`SHORT_READ_KEYS`]) and a read connection is free, else as
    /// [`Self::read`]. Handing such a read to the blocking pool and back costs more than the
    /// read (two thread wake-ups; in a reconnect burst a third of the server's CPU went to
    /// hand-offs, issue 23); one never waits here for a connection, and a WAL read never waits
    /// for the writer. Many keys (a fresh device's page) go to the pool: milliseconds of reads
    /// would hold up the other requests on this thread.
    pub(crate) async fn read_now<T: Send + 'static>(
        &self,
        keys: usize,
        f: impl FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        if keys <= SHORT_READ_KEYS {
            if let Some(mut guard) = self.readers.free(self.readers.turn()) {
                return f(&mut guard);
            }
        }
        self.read(f).await
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

const DOC_HEADS: &str = "SELECT heads FROM docs WHERE village = ?1 AND doc = ?2";

fn doc_heads(tx: &Connection, village: &[u8], doc: &str) -> Result<Vec<Hash>, DbError> {
    let blob: Option<Vec<u8>> = tx
        .prepare_cached(DOC_HEADS)
        .and_then(|mut s| s.query_row(params![village, doc], |r| r.get(0)))
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

/// `doc`'s saved form and the changes stored after it (`ServerStore::snapshot_source`).
fn snapshot_source(c: &Connection, village: &[u8], doc: &str) -> Result<SnapshotSource, DbError> {
    let saved: Option<(i64, Vec<u8>)> = c
        .prepare_cached("SELECT upto, bytes FROM snapshots WHERE village = ?1 AND doc = ?2")
        .map_err(backend)?
        .query_row(params![village, doc], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(backend)?;
    let from = saved.as_ref().map_or(0, |(upto, _)| *upto);
    let mut stmt = c
        .prepare_cached("SELECT seq, bytes FROM changes WHERE village = ?1 AND doc = ?2 AND seq > ?3 ORDER BY seq")
        .map_err(backend)?;
    let rows = stmt.query_map(params![village, doc, from], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)));
    let rows = rows.map_err(backend)?.collect::<Result<Vec<_>, _>>().map_err(backend)?;
    let upto = rows.last().map_or(from, |(seq, _)| *seq);
    Ok(SnapshotSource {
        saved: saved.map(|(_, bytes)| bytes),
        after: rows.into_iter().map(|(_, bytes)| bytes).collect(),
        upto: u64::try_from(upto).unwrap_or(0),
    })
}

/// One push's check and write inside the commit queue's transaction `tx` (in the push's own
/// savepoint); committed by the queue.
fn push_in(
    tx: &Connection,
    village: Uuid,
    doc: &str,
    changes: Vec<ParsedChange>,
    received_at: i64,
    check: &PushCheck,
) -> Result<Checked, DbError> {
    let v = village.as_bytes().as_slice();
    let heads = doc_heads(tx, v, doc)?;
    // An actor's sequence number reused with other content (two copies of one device's
    // store) is refused before anything else looks at the changes.
    if let Some(r) = actor_reuse(doc, &changes, &stored_seqs(tx, v, doc, &changes)?) {
        return Ok(Checked::Refused(r));
    }
    // The check, in the same (write-locked) transaction as the write below.
    let watched = check.watch.iter().map(|w| doc_heads(tx, v, w)).collect::<Result<Vec<_>, _>>()?;
    let mut loaded = HashMap::new();
    let mut verdict = (check.decide)(&Stored { heads: &heads, watched: &watched, changes: &loaded });
    for _ in 0..MAX_LOAD_ROUNDS {
        let Verdict::Load(docs) = &verdict else { break };
        for d in docs {
            if !loaded.contains_key(d) {
                loaded.insert(d.clone(), snapshot_source(tx, v, d)?.into_chunks());
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
                tx.prepare_cached(
                    "INSERT INTO docs (village, doc, heads) VALUES (?1, ?2, ?3)
                         ON CONFLICT (village, doc) DO UPDATE SET heads = excluded.heads",
                )
                .and_then(|mut s| s.execute(params![v, doc, heads_to_blob(&integrated.heads)]))
                .map_err(backend)?;
            }
            // What vouches for the changes, in the same savepoint: committed with them.
            sigs::put_proofs_in(tx, village, &check.keep)?;
            let new = u32::try_from(n).unwrap_or(u32::MAX);
            Ok(Checked::Pushed(PushResult::Stored { new, heads: integrated.heads }))
        }
    }
}

/// The commit queue's writer: takes every push waiting (at most [`MAX_BATCH`]), runs each in
/// its own savepoint of one transaction, commits once, then answers them all. A push whose
/// check refuses it, that does not apply, or that fails is rolled back to its savepoint alone;
/// if the commit itself fails, every push of the batch is answered with the error (nothing of
/// it was stored). Returns when every sender is gone.
fn commit_queue(conn: &Mutex<Connection>, jobs: &mpsc::Receiver<PushJob>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let answers = match conn.lock() {
            Ok(mut guard) => run_batch(&mut guard, &mut batch),
            Err(_) => Err(backend("the database lock was poisoned by a crash; restart the server")),
        };
        match answers {
            Ok(answers) => {
                for (job, answer) in batch.into_iter().zip(answers) {
                    let _ = job.answer.send(answer); // the request may have gone: nothing to tell
                }
            }
            Err(e) => {
                tracing::error!(error = %e, pushes = batch.len(), "a group commit failed");
                for job in batch {
                    let _ = job.answer.send(Err(DbError::Backend(e.to_string())));
                }
            }
        }
    }
}

/// One group commit: every push of `batch` in its savepoint, then one commit. The answers are
/// in `batch`'s order; an `Err` of the whole is a failed transaction (nothing stored).
fn run_batch(c: &mut Connection, batch: &mut [PushJob]) -> Result<Vec<Result<Checked, DbError>>, DbError> {
    let mut tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(backend)?;
    let mut answers = Vec::with_capacity(batch.len());
    for job in batch.iter_mut() {
        let sp = tx.savepoint().map_err(backend)?;
        let changes = std::mem::take(&mut job.changes);
        // A check that panics fails its own push only (and leaves the lock unpoisoned).
        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            push_in(&sp, job.village, &job.doc, changes, job.received_at, &job.check)
        }))
        .unwrap_or_else(|_| Err(backend("checking this push failed inside the server; try again later")));
        match &answer {
            Ok(Checked::Pushed(PushResult::Stored { .. })) => sp.commit().map_err(backend)?,
            _ => {
                let mut sp = sp;
                sp.rollback().map_err(backend)?;
                sp.commit().map_err(backend)?; // releases the (now empty) savepoint
            }
        }
        answers.push(answer);
    }
    tx.commit().map_err(backend)?;
    Ok(answers)
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
        self.read(move |c| {
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
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job = PushJob { village, doc: doc.to_string(), changes, received_at, check, answer };
        self.queue.send(job).map_err(|_| backend("the commit queue has stopped; restart the server"))?;
        answered.await.map_err(|_| backend("the commit queue dropped a push; the device will retry"))?
    }

    fn single_writer(&self) -> bool {
        true
    }

    async fn heads(&self, village: Uuid, doc: &str) -> Result<Vec<Hash>, DbError> {
        let doc = doc.to_string();
        self.read_now(1, move |c| doc_heads(c, village.as_bytes().as_slice(), &doc)).await
    }

    async fn heads_many(&self, village: Uuid, docs: &[String]) -> Result<Vec<Vec<Hash>>, DbError> {
        let docs = docs.to_vec();
        self.read_now(docs.len(), move |c| {
            docs.iter().map(|d| doc_heads(c, village.as_bytes().as_slice(), d)).collect()
        })
        .await
    }

    async fn read_log(&self, village: Uuid, cursor: u64, max_bytes: usize) -> Result<LogPage, DbError> {
        // A device back after a while reads a few changes past its cursor: on this thread when
        // a connection is free (one hand-off to the blocking pool less a sync, issue 23). A
        // longer page is read again in the pool, whole.
        if let Some(mut guard) = self.readers.free(self.readers.turn()) {
            if let Some(page) = log_page(&mut guard, village, cursor, max_bytes, Some(SHORT_LOG_PAGE))? {
                return Ok(page);
            }
        }
        self.read(move |c| Ok(log_page(c, village, cursor, max_bytes, None)?.unwrap_or_default())).await
    }

    async fn doc_changes(&self, village: Uuid, doc: &str) -> Result<Vec<Vec<u8>>, DbError> {
        let doc = doc.to_string();
        self.read(move |c| doc_changes(c, village.as_bytes().as_slice(), &doc)).await
    }

    async fn snapshot_source(&self, village: Uuid, doc: &str) -> Result<SnapshotSource, DbError> {
        let doc = doc.to_string();
        self.read(move |c| snapshot_source(c, village.as_bytes().as_slice(), &doc)).await
    }

    async fn projection(&self, village: Uuid) -> Result<Option<StoredProjection>, DbError> {
        self.read(move |c| {
            let v = village.as_bytes().as_slice();
            // One read transaction: the village row and the parts agree.
            let tx = c.transaction().map_err(backend)?;
            let head: Option<(i64, Vec<u8>)> = tx
                .query_row("SELECT upto, body FROM county_projections WHERE village = ?1", [v], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()
                .map_err(backend)?;
            let Some((upto, body)) = head else { return Ok(None) };
            let docs = {
                let mut stmt = tx
                    .prepare_cached("SELECT doc, part FROM county_projection_docs WHERE village = ?1 ORDER BY doc")
                    .map_err(backend)?;
                let rows = stmt.query_map([v], |r| Ok((r.get(0)?, r.get(1)?))).map_err(backend)?;
                rows.collect::<Result<Vec<(String, Vec<u8>)>, _>>().map_err(backend)?
            };
            Ok(Some(StoredProjection { upto: u64::try_from(upto).unwrap_or(0), body, docs }))
        })
        .await
    }

    async fn put_projection(
        &self,
        village: Uuid,
        upto: u64,
        body: Vec<u8>,
        docs: Vec<(String, Vec<u8>)>,
        replace: bool,
    ) -> Result<bool, DbError> {
        let upto = i64::try_from(upto).unwrap_or(i64::MAX);
        self.with(move |c| {
            let v = village.as_bytes().as_slice();
            let tx = c.transaction().map_err(backend)?;
            let kept: Option<i64> = tx
                .query_row("SELECT upto FROM county_projections WHERE village = ?1", [v], |r| r.get(0))
                .optional()
                .map_err(backend)?;
            if kept.is_some_and(|k| k > upto || (k == upto && !replace)) {
                return Ok(false);
            }
            tx.execute(
                "INSERT INTO county_projections (village, upto, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (village) DO UPDATE SET upto = excluded.upto, body = excluded.body",
                params![v, upto, body],
            )
            .map_err(backend)?;
            {
                let mut stmt = tx
                    .prepare_cached(
                        "INSERT INTO county_projection_docs (village, doc, part) VALUES (?1, ?2, ?3)
                         ON CONFLICT (village, doc) DO UPDATE SET part = excluded.part",
                    )
                    .map_err(backend)?;
                for (doc, part) in &docs {
                    stmt.execute(params![v, doc, part]).map_err(backend)?;
                }
            }
            tx.commit().map_err(backend)?;
            Ok(true)
        })
        .await
    }

    async fn projections_behind(&self) -> Result<Vec<Uuid>, DbError> {
        self.read(|c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT v.id FROM villages v LEFT JOIN county_projections p ON p.village = v.id
                     WHERE EXISTS (SELECT 1 FROM changes c WHERE c.village = v.id AND c.seq > COALESCE(p.upto, 0))
                     ORDER BY v.id",
                )
                .map_err(backend)?;
            let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0)).map_err(backend)?;
            rows.map(|r| {
                let id = r.map_err(backend)?;
                Uuid::from_slice(&id).map_err(backend)
            })
            .collect()
        })
        .await
    }

    async fn log_positions(&self, villages: &[Uuid]) -> Result<Vec<u64>, DbError> {
        let villages = villages.to_vec();
        self.read(move |c| {
            // One read transaction: every position as of one moment.
            let tx = c.transaction().map_err(backend)?;
            let positions = {
                let mut stmt = tx.prepare_cached(LOG_END).map_err(backend)?;
                villages
                    .iter()
                    .map(|v| {
                        let seq: i64 = stmt.query_row([v.as_bytes().as_slice()], |r| r.get(0)).map_err(backend)?;
                        Ok(u64::try_from(seq).unwrap_or(0))
                    })
                    .collect::<Result<Vec<u64>, DbError>>()?
            };
            tx.finish().map_err(backend)?;
            Ok(positions)
        })
        .await
    }

    async fn put_snapshot(&self, village: Uuid, doc: &str, upto: u64, bytes: Vec<u8>) -> Result<(), DbError> {
        let doc = doc.to_string();
        let upto = i64::try_from(upto).unwrap_or(i64::MAX);
        self.with(move |c| {
            c.execute(
                "INSERT INTO snapshots (village, doc, upto, bytes) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (village, doc) DO UPDATE SET upto = excluded.upto, bytes = excluded.bytes
                 WHERE excluded.upto > snapshots.upto",
                params![village.as_bytes().as_slice(), doc, upto, bytes],
            )
            .map(|_| ())
            .map_err(backend)
        })
        .await
    }

    async fn change_times(&self, village: Uuid) -> Result<Vec<taizhang_sync::ChangeTime>, DbError> {
        self.read(move |c| {
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

    async fn boot_docs(&self, village: Uuid, upto: Option<u64>) -> Result<(u64, Vec<String>), DbError> {
        self.read(move |c| {
            let v = village.as_bytes().as_slice();
            let upto = match upto {
                Some(u) => i64::try_from(u).unwrap_or(i64::MAX),
                None => c
                    .query_row("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE village = ?1", [v], |r| r.get(0))
                    .map_err(backend)?,
            };
            // Each document's first change is found on `changes_by_doc_seq` (schema 11).
            let mut stmt = c
                .prepare_cached(
                    "SELECT d.doc FROM docs d WHERE d.village = ?1 AND EXISTS (
                         SELECT 1 FROM changes c WHERE c.village = d.village AND c.doc = d.doc AND c.seq <= ?2
                     ) ORDER BY d.doc",
                )
                .map_err(backend)?;
            let rows = stmt.query_map(params![v, upto], |r| r.get::<_, String>(0)).map_err(backend)?;
            let docs = rows.collect::<Result<Vec<_>, _>>().map_err(backend)?;
            Ok((u64::try_from(upto).unwrap_or(0), docs))
        })
        .await
    }

    async fn docs(&self, village: Uuid) -> Result<Vec<String>, DbError> {
        self.read(move |c| {
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
    async fn a_cached_read_is_not_planned_again_each_time_it_runs() {
        use rusqlite::StatementStatus;
        use taizhang_server_db::SignatureStore;
        let store = SqliteStore::open_in_memory().expect("open");
        let village = Uuid::from_u128(7);
        for round in 0..3u8 {
            store.read_log(village, u64::from(round), 1000).await.expect("log");
            store.change_proofs(village, &[[round; 32], [9; 32]]).await.expect("proofs");
            store.heads_many(village, &["log/a".into(), "team/2026".into()]).await.expect("heads");
        }
        let statuses = store
            .with(|c| {
                let mut out = Vec::new();
                for sql in [LOG_END, LOG_PAGE, sigs::PROOFS_OF, DOC_HEADS] {
                    let s = c.prepare_cached(sql).map_err(backend)?;
                    out.push((sql, s.get_status(StatementStatus::Run), s.get_status(StatementStatus::RePrepare)));
                }
                Ok(out)
            })
            .await
            .expect("statuses");
        for (sql, runs, reprepared) in statuses {
            assert!(runs >= 3, "{sql} ran {runs} times from the cache");
            assert_eq!(reprepared, 0, "{sql} was parsed and planned again {reprepared} times");
        }
    }

    #[tokio::test]
    async fn the_writers_savepoint_journals_stay_in_memory() {
        let dir = tempfile::tempdir().expect("dir");
        let store = SqliteStore::open(&dir.path().join("s.sqlite3")).expect("open");
        let mode: i64 = store
            .with(|c| c.pragma_query_value(None, "temp_store", |r| r.get(0)).map_err(backend))
            .await
            .expect("read");
        assert_eq!(mode, 2, "temp_store = MEMORY on the writer's connection");
    }

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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_pushes_commit_together_and_fail_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(&dir.path().join("server.sqlite3")).expect("open");
        taizhang_server_db::testkit::concurrent_push_story(Arc::new(store)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_check_that_panics_fails_only_its_own_push() {
        let store = SqliteStore::open_in_memory().expect("open");
        let village = Uuid::from_u128(0x7c1);
        store.create_village(village, "v").await.expect("create");
        let panics = PushCheck::new(Vec::new(), Box::new(|_| panic!("a check that panics")));
        assert!(store.push_checked(village, "log/a", Vec::new(), 1, panics).await.is_err());
        // The queue still runs, and the lock is not poisoned.
        let ok = store.push_checked(village, "log/b", Vec::new(), 1, PushCheck::allow_all()).await.expect("push");
        assert!(matches!(ok, Checked::Pushed(PushResult::Stored { new: 0, .. })));
        assert!(store.village_exists(village).await.expect("exists"));
    }

    #[tokio::test]
    async fn the_blob_story_holds_on_disk() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(&dir.path().join("server.sqlite3")).expect("open");
        taizhang_server_db::blobkit::blob_story(&store).await;
        assert_eq!(store.integrity_check().await.expect("check"), "ok");
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
