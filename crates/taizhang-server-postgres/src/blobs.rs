//! Attachments in PostgreSQL (schema 8): each chunk appended in its own transaction, the
//! upload's row locked (`FOR UPDATE`) so two copies of one chunk sent at once store it once;
//! committed (durable) before it is acknowledged. The village leads every key (sharding).

use async_trait::async_trait;
use taizhang_server_db::{chunk_decision, BlobHash, BlobRow, BlobStore, ChunkDecision, ChunkOutcome, DbError};
use tokio_postgres::Row;
use uuid::Uuid;

use crate::{backend, PgStore};

fn to_row(r: &Row) -> BlobRow {
    BlobRow {
        kind: r.get::<_, i16>(0) as u8,
        total: r.get::<_, i64>(1) as u64,
        received: r.get::<_, i64>(2) as u64,
        done_at: r.get(3),
    }
}

#[async_trait]
impl BlobStore for PgStore {
    async fn blob(&self, village: Uuid, hash: BlobHash) -> Result<Option<BlobRow>, DbError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT kind, total, received, done_at FROM blobs WHERE village = $1 AND hash = $2",
                &[&village, &hash.as_slice()],
            )
            .await
            .map_err(backend)?;
        Ok(row.as_ref().map(to_row))
    }

    async fn device_blob_bytes_since(&self, device: Uuid, since: i64) -> Result<u64, DbError> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "SELECT COALESCE(SUM(total), 0)::BIGINT FROM blobs WHERE device = $1 AND started_at >= $2",
                &[&device, &since],
            )
            .await
            .map_err(backend)?;
        Ok(row.get::<_, i64>(0).max(0) as u64)
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
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(backend)?;
        let h = hash.as_slice();
        if offset == 0 {
            // A new upload's row, so that the lock below holds for a first chunk too.
            tx.execute(
                "INSERT INTO blobs (village, hash, kind, total, received, device, started_at)
                 VALUES ($1, $2, $3, $4, 0, $5, $6) ON CONFLICT DO NOTHING",
                &[&village, &h, &i16::from(kind), &(total as i64), &device, &now],
            )
            .await
            .map_err(backend)?;
        }
        let row = tx
            .query_opt(
                "SELECT kind, total, received, done_at FROM blobs WHERE village = $1 AND hash = $2 FOR UPDATE",
                &[&village, &h],
            )
            .await
            .map_err(backend)?;
        let row = row.as_ref().map(to_row);
        match chunk_decision(row.as_ref(), kind, total, offset, bytes.len() as u64) {
            ChunkDecision::Answer(outcome) => {
                tx.rollback().await.map_err(backend)?;
                Ok(outcome)
            }
            ChunkDecision::Append => {
                tx.execute(
                    "INSERT INTO blob_chunks (village, hash, \"offset\", bytes) VALUES ($1, $2, $3, $4)",
                    &[&village, &h, &(offset as i64), &bytes],
                )
                .await
                .map_err(backend)?;
                let received = offset + bytes.len() as u64;
                tx.execute(
                    "UPDATE blobs SET received = $3 WHERE village = $1 AND hash = $2",
                    &[&village, &h, &(received as i64)],
                )
                .await
                .map_err(backend)?;
                tx.commit().await.map_err(backend)?;
                Ok(ChunkOutcome::Row(BlobRow { kind, total, received, done_at: None }))
            }
        }
    }

    async fn blob_bytes(&self, village: Uuid, hash: BlobHash) -> Result<Option<Vec<u8>>, DbError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(backend)?;
        let h = hash.as_slice();
        let Some(row) = tx
            .query_opt("SELECT received FROM blobs WHERE village = $1 AND hash = $2", &[&village, &h])
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let received: i64 = row.get(0);
        let chunks = tx
            .query(
                "SELECT bytes FROM blob_chunks WHERE village = $1 AND hash = $2 ORDER BY \"offset\"",
                &[&village, &h],
            )
            .await
            .map_err(backend)?;
        let mut out = Vec::with_capacity(received.max(0) as usize);
        for c in &chunks {
            out.extend_from_slice(c.get::<_, &[u8]>(0));
        }
        tx.commit().await.map_err(backend)?;
        Ok(Some(out))
    }

    async fn finish_blob(
        &self,
        village: Uuid,
        hash: BlobHash,
        thumb: Option<Vec<u8>>,
        now: i64,
    ) -> Result<(), DbError> {
        let client = self.client().await?;
        client
            .execute(
                "UPDATE blobs SET done_at = COALESCE(done_at, $3), thumb = COALESCE(thumb, $4)
                 WHERE village = $1 AND hash = $2 AND received = total",
                &[&village, &hash.as_slice(), &now, &thumb],
            )
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn blob_thumb(&self, village: Uuid, hash: BlobHash) -> Result<Option<Vec<u8>>, DbError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT thumb FROM blobs WHERE village = $1 AND hash = $2 AND done_at IS NOT NULL",
                &[&village, &hash.as_slice()],
            )
            .await
            .map_err(backend)?;
        Ok(row.and_then(|r| r.get::<_, Option<Vec<u8>>>(0)))
    }

    async fn drop_blob(&self, village: Uuid, hash: BlobHash) -> Result<(), DbError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(backend)?;
        let h = hash.as_slice();
        tx.execute("DELETE FROM blob_chunks WHERE village = $1 AND hash = $2", &[&village, &h])
            .await
            .map_err(backend)?;
        tx.execute("DELETE FROM blobs WHERE village = $1 AND hash = $2", &[&village, &h]).await.map_err(backend)?;
        tx.commit().await.map_err(backend)
    }

    async fn blob_hashes(&self, village: Uuid) -> Result<Vec<BlobHash>, DbError> {
        let client = self.client().await?;
        let rows = client
            .query("SELECT hash FROM blobs WHERE village = $1 AND done_at IS NOT NULL ORDER BY hash", &[&village])
            .await
            .map_err(backend)?;
        Ok(rows.iter().filter_map(|r| <BlobHash>::try_from(r.get::<_, &[u8]>(0)).ok()).collect())
    }

    async fn collect_blobs(&self, village: Uuid, referenced: &[BlobHash], before: i64) -> Result<u64, DbError> {
        let keep: Vec<&[u8]> = referenced.iter().map(|h| h.as_slice()).collect();
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(backend)?;
        let gone = tx
            .query(
                "DELETE FROM blobs WHERE village = $1 AND started_at < $2 AND NOT (hash = ANY($3)) RETURNING hash",
                &[&village, &before, &keep],
            )
            .await
            .map_err(backend)?;
        let hashes: Vec<Vec<u8>> = gone.iter().map(|r| r.get(0)).collect();
        tx.execute("DELETE FROM blob_chunks WHERE village = $1 AND hash = ANY($2)", &[&village, &hashes])
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(hashes.len() as u64)
    }
}
