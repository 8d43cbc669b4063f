//! Attachments in the SQLite file (schema 8): each chunk appended in its own transaction on
//! the writer connection (`synchronous = FULL`: durable before it is acknowledged).

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};
use taizhang_server_db::{chunk_decision, BlobHash, BlobRow, BlobStore, ChunkDecision, ChunkOutcome, DbError};
use uuid::Uuid;

use crate::{backend, SqliteStore};

fn blob_row(c: &Connection, village: &Uuid, hash: &BlobHash) -> Result<Option<BlobRow>, DbError> {
    c.prepare_cached("SELECT kind, total, received, done_at FROM blobs WHERE village = ?1 AND hash = ?2")
        .map_err(backend)?
        .query_row(params![village.as_bytes().as_slice(), hash.as_slice()], |r| {
            Ok(BlobRow {
                kind: r.get::<_, i64>(0)? as u8,
                total: r.get::<_, i64>(1)? as u64,
                received: r.get::<_, i64>(2)? as u64,
                done_at: r.get(3)?,
            })
        })
        .optional()
        .map_err(backend)
}

#[async_trait]
impl BlobStore for SqliteStore {
    async fn blob(&self, village: Uuid, hash: BlobHash) -> Result<Option<BlobRow>, DbError> {
        self.read(move |c| blob_row(c, &village, &hash)).await
    }

    async fn device_blob_bytes_since(&self, device: Uuid, since: i64) -> Result<u64, DbError> {
        self.read(move |c| {
            c.query_row(
                "SELECT COALESCE(SUM(total), 0) FROM blobs WHERE device = ?1 AND started_at >= ?2",
                params![device.as_bytes().as_slice(), since],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n.max(0) as u64)
            .map_err(backend)
        })
        .await
    }

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
    ) -> Result<ChunkOutcome, DbError> {
        self.with(move |c| {
            let tx = c.transaction().map_err(backend)?;
            let row = blob_row(&tx, &village, &hash)?;
            let v = village.as_bytes().as_slice();
            match chunk_decision(row.as_ref(), kind, total, offset, bytes.len() as u64) {
                ChunkDecision::Answer(outcome) => Ok(outcome),
                ChunkDecision::Append => {
                    if row.is_none() {
                        tx.execute(
                            "INSERT INTO blobs (village, hash, kind, total, received, device, started_at)
                             VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6)",
                            params![v, hash.as_slice(), kind, total as i64, device.as_bytes().as_slice(), now],
                        )
                        .map_err(backend)?;
                    }
                    tx.execute(
                        "INSERT INTO blob_chunks (village, hash, offset, bytes) VALUES (?1, ?2, ?3, ?4)",
                        params![v, hash.as_slice(), offset as i64, bytes],
                    )
                    .map_err(backend)?;
                    let received = offset + bytes.len() as u64;
                    tx.execute(
                        "UPDATE blobs SET received = ?3 WHERE village = ?1 AND hash = ?2",
                        params![v, hash.as_slice(), received as i64],
                    )
                    .map_err(backend)?;
                    tx.commit().map_err(backend)?;
                    Ok(ChunkOutcome::Row(BlobRow { kind, total, received, done_at: None }))
                }
            }
        })
        .await
    }

    async fn blob_bytes(&self, village: Uuid, hash: BlobHash) -> Result<Option<Vec<u8>>, DbError> {
        self.read(move |c| {
            let Some(row) = blob_row(c, &village, &hash)? else { return Ok(None) };
            let mut out = Vec::with_capacity(row.received as usize);
            let mut stmt = c
                .prepare_cached("SELECT bytes FROM blob_chunks WHERE village = ?1 AND hash = ?2 ORDER BY offset")
                .map_err(backend)?;
            let mut rows = stmt.query(params![village.as_bytes().as_slice(), hash.as_slice()]).map_err(backend)?;
            while let Some(r) = rows.next().map_err(backend)? {
                let bytes = r.get_ref(0).map_err(backend)?.as_blob().map_err(backend)?;
                out.extend_from_slice(bytes);
            }
            Ok(Some(out))
        })
        .await
    }

    async fn finish_blob(
        &self,
        village: Uuid,
        hash: BlobHash,
        thumb: Option<Vec<u8>>,
        now: i64,
    ) -> Result<(), DbError> {
        self.with(move |c| {
            c.execute(
                "UPDATE blobs SET done_at = COALESCE(done_at, ?3), thumb = COALESCE(thumb, ?4)
                 WHERE village = ?1 AND hash = ?2 AND received = total",
                params![village.as_bytes().as_slice(), hash.as_slice(), now, thumb],
            )
            .map(|_| ())
            .map_err(backend)
        })
        .await
    }

    async fn blob_thumb(&self, village: Uuid, hash: BlobHash) -> Result<Option<Vec<u8>>, DbError> {
        self.read(move |c| {
            c.query_row(
                "SELECT thumb FROM blobs WHERE village = ?1 AND hash = ?2 AND done_at IS NOT NULL",
                params![village.as_bytes().as_slice(), hash.as_slice()],
                |r| r.get::<_, Option<Vec<u8>>>(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(backend)
        })
        .await
    }

    async fn drop_blob(&self, village: Uuid, hash: BlobHash) -> Result<(), DbError> {
        self.with(move |c| {
            let tx = c.transaction().map_err(backend)?;
            let p = params![village.as_bytes().as_slice(), hash.as_slice()];
            tx.execute("DELETE FROM blob_chunks WHERE village = ?1 AND hash = ?2", p).map_err(backend)?;
            tx.execute("DELETE FROM blobs WHERE village = ?1 AND hash = ?2", p).map_err(backend)?;
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn blob_hashes(&self, village: Uuid) -> Result<Vec<BlobHash>, DbError> {
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached("SELECT hash FROM blobs WHERE village = ?1 AND done_at IS NOT NULL ORDER BY hash")
                .map_err(backend)?;
            let rows =
                stmt.query_map(params![village.as_bytes().as_slice()], |r| r.get::<_, Vec<u8>>(0)).map_err(backend)?;
            let mut out = Vec::new();
            for h in rows {
                if let Ok(h) = <BlobHash>::try_from(h.map_err(backend)?.as_slice()) {
                    out.push(h);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn collect_blobs(&self, village: Uuid, referenced: &[BlobHash], before: i64) -> Result<u64, DbError> {
        let keep: std::collections::HashSet<BlobHash> = referenced.iter().copied().collect();
        self.with(move |c| {
            let tx = c.transaction().map_err(backend)?;
            let v = village.as_bytes().as_slice();
            let old: Vec<Vec<u8>> = {
                let mut stmt =
                    tx.prepare("SELECT hash FROM blobs WHERE village = ?1 AND started_at < ?2").map_err(backend)?;
                let rows = stmt.query_map(params![v, before], |r| r.get::<_, Vec<u8>>(0)).map_err(backend)?;
                rows.collect::<Result<_, _>>().map_err(backend)?
            };
            let mut removed = 0;
            for h in old {
                if <BlobHash>::try_from(h.as_slice()).is_ok_and(|h| keep.contains(&h)) {
                    continue;
                }
                tx.execute("DELETE FROM blob_chunks WHERE village = ?1 AND hash = ?2", params![v, h])
                    .map_err(backend)?;
                tx.execute("DELETE FROM blobs WHERE village = ?1 AND hash = ?2", params![v, h]).map_err(backend)?;
                removed += 1;
            }
            tx.commit().map_err(backend)?;
            Ok(removed)
        })
        .await
    }
}
