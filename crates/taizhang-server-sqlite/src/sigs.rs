//! Change signatures in the SQLite file (schema 7).

use async_trait::async_trait;
use rusqlite::params;
use taizhang_server_db::{DbError, SignatureStore};
use taizhang_sync::Hash;
use uuid::Uuid;

use crate::{backend, SqliteStore};

#[async_trait]
impl SignatureStore for SqliteStore {
    async fn put_change_signatures(&self, village: Uuid, sigs: &[(Hash, Vec<u8>)]) -> Result<(), DbError> {
        let sigs = sigs.to_vec();
        self.with(move |c| {
            let tx = c.transaction().map_err(backend)?;
            {
                let mut stmt = tx
                    .prepare_cached(
                        "INSERT OR IGNORE INTO change_signatures (village, hash, signature) VALUES (?1, ?2, ?3)",
                    )
                    .map_err(backend)?;
                for (hash, sig) in &sigs {
                    stmt.execute(params![village.as_bytes().as_slice(), hash.as_slice(), sig]).map_err(backend)?;
                }
            }
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn change_signatures(&self, village: Uuid, hashes: &[Hash]) -> Result<Vec<(Hash, Vec<u8>)>, DbError> {
        let hashes = hashes.to_vec();
        self.with(move |c| {
            let mut stmt = c
                .prepare_cached("SELECT signature FROM change_signatures WHERE village = ?1 AND hash = ?2")
                .map_err(backend)?;
            let mut out = Vec::new();
            for hash in hashes {
                let mut rows = stmt.query(params![village.as_bytes().as_slice(), hash.as_slice()]).map_err(backend)?;
                if let Some(row) = rows.next().map_err(backend)? {
                    out.push((hash, row.get(0).map_err(backend)?));
                }
            }
            Ok(out)
        })
        .await
    }
}
