//! The sync server's storage in PostgreSQL, for a province or a country: a pool of
//! connections, any number of stateless server instances on one database, and tables keyed
//! by village first so a distributed Postgres (Citus, YugabyteDB, CockroachDB) can shard them.
//!
//! Same promises as the SQLite backend: a push is committed (with `synchronous_commit = on`)
//! before `push` returns; all or nothing per document; every change stored once (by hash).
//! What differs is concurrency, handled with two row locks inside the push transaction:
//! - the document's `docs` row (`SELECT ... FOR UPDATE`), so two instances pushing to the same
//!   document integrate one after the other and neither loses or duplicates a change;
//! - the village's `villages` row, taken by `UPDATE ... SET last_seq = last_seq + n`, which
//!   hands out the log's sequence numbers. That lock is held to commit, so a village's writers
//!   commit one after the other in `seq` order: a reader that sees `seq` n sees every seq
//!   below it. A `bigserial` would not do: numbers are drawn at insert, transactions commit
//!   in another order, and a device reading in between would move its cursor past a change
//!   that commits a moment later — and never read it.
//!
//! The permission check of a push (`push_checked`) runs inside the same transaction, under the
//! document's lock; the documents it watches (a log's team document, whose filings close a
//! month) are read `FOR SHARE`, so a filing and a push to the month it closes do not overlap.
//! Lock order is always pushed document, then watched ones, and team documents watch nothing.
//!
//! Accounts, places, devices, enrollment codes and the server key (`AccountStore`, in
//! `accounts.rs`) are small reference tables beside the per-village ones.

mod accounts;
mod blobs;
mod migrate;
mod sigs;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use taizhang_server_db::{
    actor_reuse, actor_spans, Checked, DbError, LogEntry, LogPage, PushCheck, PushResult, ServerStore, SnapshotSource,
    Stored, StoredProjection, StoredSeqs, Verdict, MAX_LOAD_ROUNDS,
};
use taizhang_sync::{integrate, Hash, ParsedChange};
use tokio_postgres::error::SqlState;
use tokio_postgres::NoTls;
use uuid::Uuid;

/// What [`PgStore::durability`] must say for the store to open.
const DURABLE: &str = "fsync=on synchronous_commit=on";
/// Most rows one log read fetches (as the SQLite backend); `more` tells the device to go on.
const LOG_ROWS: i64 = 2000;
/// How often a push is retried after a serialization failure or a deadlock (which the lock
/// order rules out on PostgreSQL, but a serializable distributed engine may report).
const PUSH_ATTEMPTS: usize = 5;

/// How to connect besides the URL.
#[derive(Debug, Clone)]
pub struct PgOptions {
    /// Keep the tables in this schema (created if missing) instead of the search path's first.
    /// Lower-case letters, digits and `_`, not starting with a digit.
    pub schema: Option<String>,
    /// Most connections this server instance opens.
    pub pool_size: usize,
    /// How long a request waits for a free connection or a new one before failing.
    pub wait: Duration,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self { schema: None, pool_size: 16, wait: Duration::from_secs(10) }
    }
}

/// The PostgreSQL backend. Cheap to clone (the pool is shared).
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.pool.status();
        f.debug_struct("PgStore").field("size", &s.size).field("available", &s.available).finish()
    }
}

/// A database error as text. tokio-postgres' own `Display` says only "db error", so the
/// server's message and SQLSTATE are spelled out for the log.
pub(crate) fn backend(e: impl Into<PgError>) -> DbError {
    DbError::Backend(e.into().0)
}

/// Carrier for [`backend`]: the text of any error this crate meets.
#[derive(Debug)]
pub(crate) struct PgError(String);

impl From<tokio_postgres::Error> for PgError {
    fn from(e: tokio_postgres::Error) -> Self {
        match e.as_db_error() {
            Some(db) => PgError(format!("{} ({}): {}", db.severity(), db.code().code(), db.message())),
            None => PgError(match std::error::Error::source(&e) {
                Some(src) => format!("{e}: {src}"),
                None => e.to_string(),
            }),
        }
    }
}

impl From<deadpool_postgres::PoolError> for PgError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        match e {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            other => PgError(format!("no database connection: {other}")),
        }
    }
}

impl From<String> for PgError {
    fn from(s: String) -> Self {
        PgError(s)
    }
}

/// The URL with its password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// True when `db` names a PostgreSQL database rather than a file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

fn valid_schema(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.len() <= 63
}

fn heads_to_blob(heads: &[Hash]) -> Vec<u8> {
    heads.iter().flatten().copied().collect()
}

fn blob_to_heads(blob: &[u8]) -> Vec<Hash> {
    blob.chunks_exact(32).filter_map(|c| <Hash>::try_from(c).ok()).collect()
}

fn retryable(e: &tokio_postgres::Error) -> bool {
    matches!(e.code(), Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED)
}

/// Why one push attempt ended without an answer.
enum Attempt {
    Retry(DbError),
    Fail(DbError),
}

impl From<tokio_postgres::Error> for Attempt {
    fn from(e: tokio_postgres::Error) -> Self {
        if retryable(&e) {
            Attempt::Retry(backend(e))
        } else {
            Attempt::Fail(backend(e))
        }
    }
}

impl PgStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`) and brings the
    /// schema up to date.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        Self::connect_with(url, PgOptions::default()).await
    }

    /// [`PgStore::connect`] with a schema and pool size of your choice.
    pub async fn connect_with(url: &str, options: PgOptions) -> Result<Self, DbError> {
        let open_err = |reason: String| DbError::Open { path: redact_url(url), reason };
        let mut config: tokio_postgres::Config =
            url.parse().map_err(|e| open_err(format!("not a PostgreSQL URL: {e}")))?;
        // Durability is not left to the server's configuration: every commit waits for its
        // WAL flush. The schema, when given, comes first on every pooled connection's path.
        let mut startup = config.get_options().map(str::to_string).unwrap_or_default();
        startup.push_str(" -c synchronous_commit=on");
        if let Some(schema) = &options.schema {
            if !valid_schema(schema) {
                return Err(open_err(format!(
                    "schema name {schema:?} is not allowed: use lower-case letters, digits and _"
                )));
            }
            startup.push_str(&format!(" -c search_path={schema}"));
        }
        config.options(startup.trim());
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(options.wait);
        }
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager)
            .max_size(options.pool_size.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(options.wait))
            .create_timeout(Some(options.wait))
            .build()
            .map_err(|e| open_err(e.to_string()))?;
        let store = Self { pool };
        let mut client = store.pool.get().await.map_err(|e| open_err(PgError::from(e).0))?;
        migrate::migrate(&mut client, options.schema.as_deref()).await.map_err(|e| match e {
            DbError::Backend(reason) => open_err(reason),
            other => other,
        })?;
        // A server that does not flush its WAL cannot keep the promise "stored = durable".
        let settings = store.durability().await.map_err(|e| open_err(e.to_string()))?;
        if settings != DURABLE {
            return Err(open_err(format!(
                "this PostgreSQL is set to {settings}: a crash could lose pushes the devices were \
                 told are stored; set fsync = on and synchronous_commit = on"
            )));
        }
        Ok(store)
    }

    /// The settings a durable commit depends on, as seen by this store's connections
    /// (`fsync=on synchronous_commit=on` when every commit is flushed before it returns).
    pub async fn durability(&self) -> Result<String, DbError> {
        let client = self.client().await?;
        let row = client
            .query_one("SELECT current_setting('fsync'), current_setting('synchronous_commit')", &[])
            .await
            .map_err(backend)?;
        let fsync: String = row.try_get(0).map_err(backend)?;
        let sync: String = row.try_get(1).map_err(backend)?;
        Ok(format!("fsync={fsync} synchronous_commit={sync}"))
    }

    async fn client(&self) -> Result<Object, DbError> {
        self.pool.get().await.map_err(backend)
    }

    /// One push in one transaction, after `check` allowed it in the same transaction; see the
    /// crate documentation for the locks.
    async fn push_once(
        &self,
        village: Uuid,
        doc: &str,
        changes: &[ParsedChange],
        received_at: i64,
        check: &PushCheck,
    ) -> Result<Checked, Attempt> {
        let mut client = self.client().await.map_err(Attempt::Fail)?;
        let tx = client.transaction().await?;

        // 1. Lock the document (creating its row when new; rolled back if nothing is stored).
        let lock = tx.prepare_cached("SELECT heads FROM docs WHERE village = $1 AND doc = $2 FOR UPDATE").await?;
        let heads_blob: Vec<u8> = match tx.query_opt(&lock, &[&village, &doc]).await? {
            Some(row) => row.try_get(0)?,
            None => {
                let create = tx
                    .prepare_cached(
                        "INSERT INTO docs (village, doc, heads) VALUES ($1, $2, ''::bytea)
                         ON CONFLICT (village, doc) DO NOTHING",
                    )
                    .await?;
                if let Err(e) = tx.execute(&create, &[&village, &doc]).await {
                    if e.code() == Some(&SqlState::FOREIGN_KEY_VIOLATION) {
                        return Err(Attempt::Fail(DbError::Backend(format!(
                            "village {village} does not exist: create it before pushing to it"
                        ))));
                    }
                    return Err(e.into());
                }
                tx.query_one(&lock, &[&village, &doc]).await?.try_get(0)?
            }
        };
        let heads = blob_to_heads(&heads_blob);

        // 2. Which of the pushed changes and their dependencies are already stored. A
        // statement of its own, after the lock: in READ COMMITTED it takes a fresh snapshot
        // that includes whatever the writer we may have waited for committed (a subquery in
        // the locking statement would still use the snapshot from before the wait).
        let mut asked: HashSet<Hash> = HashSet::new();
        for c in changes {
            asked.insert(c.hash);
            asked.extend(c.deps.iter().copied());
        }
        let asked: Vec<&[u8]> = asked.iter().map(|h| h.as_slice()).collect();
        let known_q =
            tx.prepare_cached("SELECT hash FROM changes WHERE village = $1 AND doc = $2 AND hash = ANY($3)").await?;
        let mut known: HashSet<Hash> = HashSet::new();
        for row in tx.query(&known_q, &[&village, &doc, &asked]).await? {
            let h: &[u8] = row.try_get(0)?;
            if let Ok(h) = <Hash>::try_from(h) {
                known.insert(h);
            }
        }

        // 3a. An actor's sequence number reused with other content (two copies of one
        // device's store) is refused before the check looks at the changes.
        let seq_q = tx
            .prepare_cached(
                "SELECT actor_seq, hash FROM changes
                 WHERE village = $1 AND doc = $2 AND actor = $3 AND actor_seq BETWEEN $4 AND $5",
            )
            .await?;
        let mut seqs = StoredSeqs::new();
        for (actor, lo, hi) in actor_spans(changes) {
            let (lo, hi) = (i64::try_from(lo).unwrap_or(i64::MAX), i64::try_from(hi).unwrap_or(i64::MAX));
            for row in tx.query(&seq_q, &[&village, &doc, &actor, &lo, &hi]).await? {
                let seq: i64 = row.try_get(0)?;
                if let Ok(h) = <Hash>::try_from(row.try_get::<_, &[u8]>(1)?) {
                    seqs.insert((actor.clone(), u64::try_from(seq).unwrap_or(0)), h);
                }
            }
        }
        if let Some(r) = actor_reuse(doc, changes, &seqs) {
            tx.rollback().await?;
            return Ok(Checked::Refused(r));
        }

        // 3. The check, under the document's lock. Watched documents (a log's team document)
        // are share-locked: a filing pushed meanwhile waits for this push, and the reverse.
        let watched = if check.watch.is_empty() {
            Vec::new()
        } else {
            let watch_q = tx
                .prepare_cached(
                    "SELECT doc, heads FROM docs WHERE village = $1 AND doc = ANY($2) ORDER BY doc FOR SHARE",
                )
                .await?;
            let mut found: HashMap<String, Vec<Hash>> = HashMap::new();
            for row in tx.query(&watch_q, &[&village, &check.watch]).await? {
                found.insert(row.try_get(0)?, blob_to_heads(row.try_get::<_, &[u8]>(1)?));
            }
            check.watch.iter().map(|w| found.get(w).cloned().unwrap_or_default()).collect()
        };
        let mut loaded: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
        let mut verdict = (check.decide)(&Stored { heads: &heads, watched: &watched, changes: &loaded });
        for _ in 0..MAX_LOAD_ROUNDS {
            let Verdict::Load(docs) = &verdict else { break };
            for d in docs {
                if !loaded.contains_key(d) {
                    loaded.insert(d.clone(), snapshot_source(&tx, village, d).await?.into_chunks());
                }
            }
            verdict = (check.decide)(&Stored { heads: &heads, watched: &watched, changes: &loaded });
        }
        let unplaceable = match verdict {
            Verdict::Store => false,
            Verdict::Unplaceable => true,
            Verdict::Refuse(r) => {
                tx.rollback().await?;
                return Ok(Checked::Refused(r));
            }
            Verdict::Load(_) => {
                tx.rollback().await?;
                return Err(Attempt::Fail(DbError::Backend("the push check kept asking for documents to load".into())));
            }
        };

        // 4. Causal order, or the missing dependencies (then nothing is stored).
        let integrated = match integrate(&heads, changes.to_vec(), |h| known.contains(h)) {
            Err(missing) => {
                tx.rollback().await?;
                return Ok(Checked::Pushed(PushResult::MissingDeps { missing, heads }));
            }
            Ok(_) if unplaceable => {
                tx.rollback().await?;
                return Ok(Checked::Unplaceable { heads });
            }
            Ok(i) => i,
        };
        let n = integrated.new.len();
        if n == 0 {
            // Nothing new; what vouches for the changes may be (a relay of changes stored
            // before without their signatures).
            match check.keep.is_empty() {
                true => tx.rollback().await?,
                false => {
                    sigs::put_proofs_on(&tx, village, &check.keep).await?;
                    tx.commit().await?;
                }
            }
            return Ok(Checked::Pushed(PushResult::Stored { new: 0, heads }));
        }

        // 5. Take n sequence numbers under the village's row lock, store, move the heads.
        let insert = tx
            .prepare_cached(
                "WITH v AS (
                     UPDATE villages SET last_seq = last_seq + $3 WHERE village = $1
                     RETURNING last_seq - $3 AS base
                 ), ins AS (
                     INSERT INTO changes (village, seq, doc, hash, actor, actor_seq, device_time, received_at, bytes)
                     SELECT $1, v.base + c.ord, $2, c.hash, c.actor, c.actor_seq, c.device_time, $4, c.bytes
                     FROM v, unnest($5::bytea[], $6::bytea[], $7::bigint[], $8::bytea[], $10::bigint[])
                          WITH ORDINALITY AS c (hash, actor, device_time, bytes, actor_seq, ord)
                     RETURNING 1
                 ), d AS (
                     UPDATE docs SET heads = $9 WHERE village = $1 AND doc = $2 RETURNING 1
                 )
                 SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM d)",
            )
            .await?;
        let count = i64::try_from(n).unwrap_or(i64::MAX);
        let hashes: Vec<&[u8]> = integrated.new.iter().map(|c| c.hash.as_slice()).collect();
        let actors: Vec<&[u8]> = integrated.new.iter().map(|c| c.actor.as_slice()).collect();
        let times: Vec<i64> = integrated.new.iter().map(|c| c.timestamp).collect();
        let bytes: Vec<&[u8]> = integrated.new.iter().map(|c| c.bytes.as_slice()).collect();
        let actor_seqs: Vec<i64> = integrated.new.iter().map(|c| i64::try_from(c.seq).unwrap_or(i64::MAX)).collect();
        let new_heads = heads_to_blob(&integrated.heads);
        let row = tx
            .query_one(
                &insert,
                &[&village, &doc, &count, &received_at, &hashes, &actors, &times, &bytes, &new_heads, &actor_seqs],
            )
            .await?;
        let (inserted, docs_updated): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        if inserted != count || docs_updated != 1 {
            tx.rollback().await?;
            return Err(Attempt::Fail(DbError::Backend(format!(
                "push to {doc} stored {inserted} of {count} changes and {docs_updated} heads rows; rolled back"
            ))));
        }
        // What vouches for the changes, committed with them (one commit a push).
        sigs::put_proofs_on(&tx, village, &check.keep).await?;
        tx.commit().await?;
        Ok(Checked::Pushed(PushResult::Stored { new: u32::try_from(n).unwrap_or(u32::MAX), heads: integrated.heads }))
    }
}

/// `doc`'s saved form and the changes stored after it, in one statement (one snapshot of the
/// database, so the two agree).
async fn snapshot_source(
    c: &impl deadpool_postgres::GenericClient,
    village: Uuid,
    doc: &str,
) -> Result<SnapshotSource, tokio_postgres::Error> {
    let stmt = c
        .prepare_cached(
            "WITH s AS (SELECT upto, bytes FROM snapshots WHERE village = $1 AND doc = $2)
             SELECT 0 AS part, (SELECT upto FROM s), (SELECT bytes FROM s)
             UNION ALL
             SELECT 1, seq, bytes FROM (
                 SELECT seq, bytes FROM changes
                 WHERE village = $1 AND doc = $2 AND seq > COALESCE((SELECT upto FROM s), 0)
                 ORDER BY seq
             ) tail
             ORDER BY 1, 2",
        )
        .await?;
    let mut source = SnapshotSource::default();
    for row in c.query(&stmt, &[&village, &doc]).await? {
        let part: i32 = row.try_get(0)?;
        let seq: Option<i64> = row.try_get(1)?;
        let bytes: Option<Vec<u8>> = row.try_get(2)?;
        let (Some(seq), Some(bytes)) = (seq, bytes) else { continue };
        source.upto = u64::try_from(seq).unwrap_or(0);
        match part {
            0 => source.saved = Some(bytes),
            _ => source.after.push(bytes),
        }
    }
    Ok(source)
}

#[async_trait]
impl ServerStore for PgStore {
    async fn create_village(&self, village: Uuid, name: &str) -> Result<(), DbError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO villages (village, name, created_at)
                 VALUES ($1, $2, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
                 ON CONFLICT (village) DO NOTHING",
                &[&village, &name],
            )
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn village_exists(&self, village: Uuid) -> Result<bool, DbError> {
        let client = self.client().await?;
        let stmt = client.prepare_cached("SELECT 1 FROM villages WHERE village = $1").await.map_err(backend)?;
        Ok(client.query_opt(&stmt, &[&village]).await.map_err(backend)?.is_some())
    }

    async fn push_checked(
        &self,
        village: Uuid,
        doc: &str,
        changes: Vec<ParsedChange>,
        received_at: i64,
        check: PushCheck,
    ) -> Result<Checked, DbError> {
        let mut last = None;
        for _ in 0..PUSH_ATTEMPTS {
            match self.push_once(village, doc, &changes, received_at, &check).await {
                Ok(r) => return Ok(r),
                Err(Attempt::Fail(e)) => return Err(e),
                Err(Attempt::Retry(e)) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| DbError::Backend("push was not attempted".into())))
    }

    async fn heads_many(&self, village: Uuid, docs: &[String]) -> Result<Vec<Vec<Hash>>, DbError> {
        if docs.is_empty() {
            return Ok(Vec::new());
        }
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("SELECT doc, heads FROM docs WHERE village = $1 AND doc = ANY($2)")
            .await
            .map_err(backend)?;
        let mut found: HashMap<String, Vec<Hash>> = HashMap::new();
        for row in client.query(&stmt, &[&village, &docs]).await.map_err(backend)? {
            found.insert(row.try_get(0).map_err(backend)?, blob_to_heads(row.try_get::<_, &[u8]>(1).map_err(backend)?));
        }
        Ok(docs.iter().map(|d| found.remove(d).unwrap_or_default()).collect())
    }

    async fn heads(&self, village: Uuid, doc: &str) -> Result<Vec<Hash>, DbError> {
        let client = self.client().await?;
        let stmt =
            client.prepare_cached("SELECT heads FROM docs WHERE village = $1 AND doc = $2").await.map_err(backend)?;
        match client.query_opt(&stmt, &[&village, &doc]).await.map_err(backend)? {
            Some(row) => Ok(blob_to_heads(row.try_get::<_, &[u8]>(0).map_err(backend)?)),
            None => Ok(Vec::new()),
        }
    }

    async fn read_log(&self, village: Uuid, cursor: u64, max_bytes: usize) -> Result<LogPage, DbError> {
        let client = self.client().await?;
        // One statement, so one snapshot: the village's last seq and the changes agree. A
        // cursor past the end of the log (a database restored from an older backup) reads from
        // the start: duplicates are harmless, a skipped change would be lost to the device.
        // The running byte total is cut in the database: the rows that fit come back (the
        // first always does) plus the first row that does not, so the loop below, the same as
        // SQLite's, sees that there is more.
        let stmt = client
            .prepare_cached(
                "WITH v AS (
                     SELECT CASE WHEN $2 > last_seq THEN 0 ELSE $2 END AS from_seq
                     FROM villages WHERE village = $1
                 )
                 SELECT v.from_seq, c.seq, c.doc, c.hash, c.bytes
                 FROM v LEFT JOIN LATERAL (
                     SELECT seq, doc, hash, bytes FROM (
                         SELECT seq, doc, hash, bytes,
                                row_number() OVER w AS rn,
                                sum(octet_length(bytes)) OVER w AS run
                         FROM (SELECT seq, doc, hash, bytes FROM changes
                               WHERE village = $1 AND seq > v.from_seq
                               ORDER BY seq LIMIT $3) page
                         WINDOW w AS (ORDER BY seq)
                     ) counted
                     WHERE rn <= 2 OR run - octet_length(bytes) <= $4
                 ) c ON true
                 ORDER BY c.seq",
            )
            .await
            .map_err(backend)?;
        let cursor_i = i64::try_from(cursor).unwrap_or(i64::MAX);
        let budget = i64::try_from(max_bytes).unwrap_or(i64::MAX);
        let rows = client.query(&stmt, &[&village, &cursor_i, &LOG_ROWS, &budget]).await.map_err(backend)?;
        let mut page = LogPage { entries: Vec::new(), cursor, more: false };
        let mut bytes = 0usize;
        let mut rows_read = 0;
        for row in rows {
            let from: i64 = row.try_get(0).map_err(backend)?;
            if page.entries.is_empty() {
                page.cursor = from as u64;
            }
            let Some(seq) = row.try_get::<_, Option<i64>>(1).map_err(backend)? else { continue };
            rows_read += 1;
            let data: Vec<u8> = row.try_get(4).map_err(backend)?;
            if !page.entries.is_empty() && bytes + data.len() > max_bytes {
                page.more = true;
                break;
            }
            bytes += data.len();
            let hash: &[u8] = row.try_get(3).map_err(backend)?;
            page.entries.push(LogEntry {
                seq: seq as u64,
                doc: row.try_get(2).map_err(backend)?,
                hash: <Hash>::try_from(hash).map_err(|e| backend(format!("a stored hash is not 32 bytes: {e}")))?,
                bytes: data,
            });
            page.cursor = seq as u64;
        }
        if rows_read == LOG_ROWS && !page.more {
            page.more = true;
        }
        Ok(page)
    }

    async fn doc_changes(&self, village: Uuid, doc: &str) -> Result<Vec<Vec<u8>>, DbError> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("SELECT bytes FROM changes WHERE village = $1 AND doc = $2 ORDER BY seq")
            .await
            .map_err(backend)?;
        let rows = client.query(&stmt, &[&village, &doc]).await.map_err(backend)?;
        rows.iter().map(|r| r.try_get::<_, Vec<u8>>(0).map_err(backend)).collect()
    }

    async fn snapshot_source(&self, village: Uuid, doc: &str) -> Result<SnapshotSource, DbError> {
        let client = self.client().await?;
        snapshot_source(&client, village, doc).await.map_err(backend)
    }

    async fn projection(&self, village: Uuid) -> Result<Option<StoredProjection>, DbError> {
        let client = self.client().await?;
        // One statement, one snapshot: the village row and the parts agree.
        let stmt = client
            .prepare_cached(
                "SELECT p.upto, p.body, d.doc, d.part FROM county_projections p
                 LEFT JOIN county_projection_docs d ON d.village = p.village
                 WHERE p.village = $1 ORDER BY d.doc",
            )
            .await
            .map_err(backend)?;
        let rows = client.query(&stmt, &[&village]).await.map_err(backend)?;
        let Some(first) = rows.first() else { return Ok(None) };
        let upto: i64 = first.try_get(0).map_err(backend)?;
        let body: Vec<u8> = first.try_get(1).map_err(backend)?;
        let mut docs = Vec::with_capacity(rows.len());
        for r in &rows {
            let doc: Option<String> = r.try_get(2).map_err(backend)?;
            let part: Option<Vec<u8>> = r.try_get(3).map_err(backend)?;
            if let (Some(doc), Some(part)) = (doc, part) {
                docs.push((doc, part));
            }
        }
        Ok(Some(StoredProjection { upto: u64::try_from(upto).unwrap_or(0), body, docs }))
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
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(backend)?;
        // The village row is the lock: two instances advancing one village write one after
        // the other, and the later one finds the earlier's position.
        tx.execute(
            "INSERT INTO county_projections (village, upto, body) VALUES ($1, 0, ''::bytea) ON CONFLICT (village) DO NOTHING",
            &[&village],
        )
        .await
        .map_err(backend)?;
        let kept: i64 = tx
            .query_one("SELECT upto FROM county_projections WHERE village = $1 FOR UPDATE", &[&village])
            .await
            .map_err(backend)?
            .try_get(0)
            .map_err(backend)?;
        if kept > upto || (kept == upto && !replace) {
            tx.rollback().await.map_err(backend)?;
            return Ok(false);
        }
        tx.execute("UPDATE county_projections SET upto = $2, body = $3 WHERE village = $1", &[&village, &upto, &body])
            .await
            .map_err(backend)?;
        if !docs.is_empty() {
            let (names, parts): (Vec<String>, Vec<Vec<u8>>) = docs.into_iter().unzip();
            tx.execute(
                "INSERT INTO county_projection_docs (village, doc, part)
                 SELECT $1, d, p FROM unnest($2::text[], $3::bytea[]) AS u(d, p)
                 ON CONFLICT (village, doc) DO UPDATE SET part = excluded.part",
                &[&village, &names, &parts],
            )
            .await
            .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn projections_behind(&self) -> Result<Vec<Uuid>, DbError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT v.village FROM villages v LEFT JOIN county_projections p ON p.village = v.village
                 WHERE v.last_seq > COALESCE(p.upto, 0) ORDER BY v.village",
                &[],
            )
            .await
            .map_err(backend)?;
        rows.iter().map(|r| r.try_get::<_, Uuid>(0).map_err(backend)).collect()
    }

    async fn log_positions(&self, villages: &[Uuid]) -> Result<Vec<u64>, DbError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT q.i, COALESCE(v.last_seq, 0) FROM unnest($1::uuid[]) WITH ORDINALITY AS q(village, i)
                 LEFT JOIN villages v ON v.village = q.village ORDER BY q.i",
                &[&villages],
            )
            .await
            .map_err(backend)?;
        rows.iter().map(|r| r.try_get::<_, i64>(1).map(|s| u64::try_from(s).unwrap_or(0)).map_err(backend)).collect()
    }

    async fn put_snapshot(&self, village: Uuid, doc: &str, upto: u64, bytes: Vec<u8>) -> Result<(), DbError> {
        let client = self.client().await?;
        let upto = i64::try_from(upto).unwrap_or(i64::MAX);
        let stmt = client
            .prepare_cached(
                "INSERT INTO snapshots (village, doc, upto, bytes) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (village, doc) DO UPDATE SET upto = excluded.upto, bytes = excluded.bytes
                 WHERE excluded.upto > snapshots.upto",
            )
            .await
            .map_err(backend)?;
        client.execute(&stmt, &[&village, &doc, &upto, &bytes]).await.map_err(backend)?;
        Ok(())
    }

    async fn boot_docs(&self, village: Uuid, upto: Option<u64>) -> Result<(u64, Vec<String>), DbError> {
        let client = self.client().await?;
        // One statement, so one snapshot: the log's end and the documents before it agree.
        // Byte order, as SQLite sorts, whatever the database's collation.
        let stmt = client
            .prepare_cached(
                "WITH u AS (
                     SELECT COALESCE($2::bigint, (SELECT COALESCE(MAX(seq), 0) FROM changes WHERE village = $1)) AS upto
                 )
                 SELECT u.upto, d.doc FROM u LEFT JOIN LATERAL (
                     SELECT doc FROM docs WHERE village = $1 AND EXISTS (
                         SELECT 1 FROM changes c WHERE c.village = $1 AND c.doc = docs.doc AND c.seq <= u.upto
                     )
                 ) d ON true
                 ORDER BY d.doc COLLATE \"C\"",
            )
            .await
            .map_err(backend)?;
        let upto: Option<i64> = upto.map(|u| i64::try_from(u).unwrap_or(i64::MAX));
        let rows = client.query(&stmt, &[&village, &upto]).await.map_err(backend)?;
        let mut out = (0u64, Vec::with_capacity(rows.len()));
        for row in rows {
            out.0 = u64::try_from(row.try_get::<_, i64>(0).map_err(backend)?).unwrap_or(0);
            if let Some(doc) = row.try_get::<_, Option<String>>(1).map_err(backend)? {
                out.1.push(doc);
            }
        }
        Ok(out)
    }

    async fn docs(&self, village: Uuid) -> Result<Vec<String>, DbError> {
        let client = self.client().await?;
        // Byte order, as SQLite sorts, whatever the database's collation.
        let stmt = client
            .prepare_cached("SELECT doc FROM docs WHERE village = $1 ORDER BY doc COLLATE \"C\"")
            .await
            .map_err(backend)?;
        let rows = client.query(&stmt, &[&village]).await.map_err(backend)?;
        rows.iter().map(|r| r.try_get::<_, String>(0).map_err(backend)).collect()
    }

    async fn change_times(&self, village: Uuid) -> Result<Vec<taizhang_sync::ChangeTime>, DbError> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "SELECT seq, doc, hash, actor, device_time, received_at FROM changes WHERE village = $1 ORDER BY seq",
            )
            .await
            .map_err(backend)?;
        let rows = client.query(&stmt, &[&village]).await.map_err(backend)?;
        rows.iter()
            .map(|r| {
                let hash: Vec<u8> = r.try_get(2).map_err(backend)?;
                Ok(taizhang_sync::ChangeTime {
                    seq: u64::try_from(r.try_get::<_, i64>(0).map_err(backend)?).unwrap_or(0),
                    doc: r.try_get(1).map_err(backend)?,
                    hash: hash.try_into().unwrap_or([0; 32]),
                    actor: r.try_get(3).map_err(backend)?,
                    device_time: r.try_get(4).map_err(backend)?,
                    received_at: r.try_get(5).map_err(backend)?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redact_url("postgres://tz:secret@db:5432/tz"), "postgres://tz:***@db:5432/tz");
        assert_eq!(redact_url("postgresql://tz:p@ss@db/tz?x=1"), "postgresql://tz:***@db/tz?x=1");
        assert_eq!(redact_url("postgres://tz@db/tz"), "postgres://tz@db/tz");
        assert_eq!(redact_url("server.sqlite3"), "server.sqlite3");
    }

    #[test]
    fn urls_and_schema_names_are_recognised() {
        assert!(is_postgres_url("postgres://a@b/c"));
        assert!(is_postgres_url("postgresql://a@b/c"));
        assert!(!is_postgres_url("server.sqlite3"));
        assert!(!is_postgres_url("/var/lib/postgres/x.sqlite3"));
        assert!(valid_schema("t_0a9"));
        assert!(!valid_schema("9t"));
        assert!(!valid_schema("t;drop"));
        assert!(!valid_schema("T"));
        assert!(!valid_schema(""));
    }

    #[test]
    fn heads_survive_the_blob_round_trip() {
        let heads = vec![[1u8; 32], [2u8; 32]];
        assert_eq!(blob_to_heads(&heads_to_blob(&heads)), heads);
    }
}

/// For tests of this crate and of the whole system: a store on the database named by
/// [`testing::ENV`], in a fresh schema of its own so tests run in parallel.
pub mod testing {
    use super::{PgOptions, PgStore};

    /// The variable that says a PostgreSQL is expected, and where (CI always sets it).
    pub const ENV: &str = "TAIZHANG_TEST_DATABASE_URL";

    /// The URL from [`ENV`], or `None` after printing that the test `what` is skipped.
    pub fn url_or_skip(what: &str) -> Option<String> {
        match std::env::var(ENV) {
            Ok(url) if !url.trim().is_empty() => Some(url),
            _ => {
                // Straight to stderr, past the test harness's capture, so the skip shows.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED {what}: {ENV} is not set (scripts/postgres.sh starts a PostgreSQL and prints it)"
                );
                None
            }
        }
    }

    /// A new schema name, unique per call.
    pub fn fresh_schema() -> String {
        format!("t_{}", uuid::Uuid::now_v7().simple())
    }

    /// Connects to `url` in `schema` with a small pool. Panics (a test failure, never a
    /// silent pass) when the database is expected but cannot be reached.
    pub async fn connect_schema(url: &str, schema: &str) -> PgStore {
        let options = PgOptions { schema: Some(schema.to_string()), pool_size: 4, ..PgOptions::default() };
        match PgStore::connect_with(url, options).await {
            Ok(store) => store,
            Err(e) => panic!("{ENV} is set but PostgreSQL is not usable: {e}"),
        }
    }

    /// A store in a fresh schema, or `None` (printed as skipped) when [`ENV`] is unset.
    pub async fn store_or_skip(what: &str) -> Option<(PgStore, String, String)> {
        let url = url_or_skip(what)?;
        let schema = fresh_schema();
        let store = connect_schema(&url, &schema).await;
        Some((store, url, schema))
    }
}
