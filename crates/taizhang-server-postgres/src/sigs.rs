//! Change signatures in PostgreSQL (schema 7).

use async_trait::async_trait;
use taizhang_server_db::{DbError, SignatureStore};
use taizhang_sync::Hash;
use uuid::Uuid;

use crate::{backend, PgStore};

#[async_trait]
impl SignatureStore for PgStore {
    async fn put_change_signatures(&self, village: Uuid, sigs: &[(Hash, Vec<u8>)]) -> Result<(), DbError> {
        if sigs.is_empty() {
            return Ok(());
        }
        let hashes: Vec<&[u8]> = sigs.iter().map(|(h, _)| h.as_slice()).collect();
        let signatures: Vec<&[u8]> = sigs.iter().map(|(_, s)| s.as_slice()).collect();
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO change_signatures (village, hash, signature)
                 SELECT $1, h, s FROM unnest($2::bytea[], $3::bytea[]) AS t(h, s)
                 ON CONFLICT DO NOTHING",
                &[&village, &hashes, &signatures],
            )
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn change_signatures(&self, village: Uuid, hashes: &[Hash]) -> Result<Vec<(Hash, Vec<u8>)>, DbError> {
        let wanted: Vec<&[u8]> = hashes.iter().map(|h| h.as_slice()).collect();
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT hash, signature FROM change_signatures WHERE village = $1 AND hash = ANY($2)",
                &[&village, &wanted],
            )
            .await
            .map_err(backend)?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                let h: Vec<u8> = r.get(0);
                Some((<Hash>::try_from(h.as_slice()).ok()?, r.get(1)))
            })
            .collect())
    }
}
