//! What vouches for stored changes in the SQLite file: single signatures (schema 7) and batch
//! signatures (schema 14).

use std::collections::HashMap;

use async_trait::async_trait;
use rusqlite::{params, Connection};
use taizhang_server_db::{ChangeProofs, DbError, SignatureStore, StoredBatch};
use taizhang_sync::Hash;
use uuid::Uuid;

use crate::{backend, SqliteStore};

fn hash_of(bytes: Vec<u8>) -> Result<Hash, DbError> {
    <Hash>::try_from(bytes.as_slice()).map_err(|_| backend("a stored hash is not 32 bytes"))
}

fn members_of(blob: &[u8]) -> Vec<Hash> {
    blob.chunks_exact(32).filter_map(|c| <Hash>::try_from(c).ok()).collect()
}

fn put_proofs(c: &mut Connection, village: Uuid, proofs: &ChangeProofs) -> Result<(), DbError> {
    let tx = c.transaction().map_err(backend)?;
    put_proofs_in(&tx, village, proofs)?;
    tx.commit().map_err(backend)
}

/// Keeps `proofs` inside the caller's transaction (a push's savepoint in the commit queue, or
/// [`put_proofs`]'s own); the first proof kept for a change stays.
pub(crate) fn put_proofs_in(tx: &Connection, village: Uuid, proofs: &ChangeProofs) -> Result<(), DbError> {
    let v = village.as_bytes().as_slice();
    if !proofs.singles.is_empty() {
        let mut single = tx
            .prepare_cached("INSERT OR IGNORE INTO change_signatures (village, hash, signature) VALUES (?1, ?2, ?3)")
            .map_err(backend)?;
        for (hash, sig) in &proofs.singles {
            single.execute(params![v, hash.as_slice(), sig]).map_err(backend)?;
        }
    }
    if !proofs.batches.is_empty() {
        let mut batch = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO signature_batches (village, digest, signature, members) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(backend)?;
        let mut member = tx
            .prepare_cached("INSERT OR IGNORE INTO change_batches (village, hash, digest) VALUES (?1, ?2, ?3)")
            .map_err(backend)?;
        for (b, covered) in &proofs.batches {
            batch.execute(params![v, b.digest.as_slice(), b.signature, b.members.concat()]).map_err(backend)?;
            for hash in covered {
                member.execute(params![v, hash.as_slice(), b.digest.as_slice()]).map_err(backend)?;
            }
        }
    }
    Ok(())
}

/// What vouches for one change: its single signature, else its batch.
pub(crate) const PROOFS_OF: &str = "SELECT s.signature, c.digest, b.signature, b.members
             FROM (SELECT ?2 AS h) AS t
             LEFT JOIN change_signatures s ON s.village = ?1 AND s.hash = t.h
             LEFT JOIN change_batches c ON s.signature IS NULL AND c.village = ?1 AND c.hash = t.h
             LEFT JOIN signature_batches b ON b.village = ?1 AND b.digest = c.digest";

fn proofs_of(c: &mut Connection, village: Uuid, hashes: &[Hash]) -> Result<ChangeProofs, DbError> {
    let v = village.as_bytes().as_slice();
    // One statement a change: its single signature, else its batch (the batch's columns are
    // read only the first time its digest comes up).
    let mut stmt = c.prepare_cached(PROOFS_OF).map_err(backend)?;
    let mut out = ChangeProofs::default();
    let mut by_digest: HashMap<Hash, usize> = HashMap::new();
    for hash in hashes {
        let mut rows = stmt.query(params![v, hash.as_slice()]).map_err(backend)?;
        let Some(row) = rows.next().map_err(backend)? else { continue };
        if let Some(sig) = row.get::<_, Option<Vec<u8>>>(0).map_err(backend)? {
            out.singles.push((*hash, sig));
            continue;
        }
        let Some(digest) = row.get::<_, Option<Vec<u8>>>(1).map_err(backend)? else { continue };
        let digest = hash_of(digest)?;
        if let Some(i) = by_digest.get(&digest) {
            out.batches[*i].1.push(*hash);
            continue;
        }
        let signature: Option<Vec<u8>> = row.get(2).map_err(backend)?;
        let members: Option<Vec<u8>> = row.get(3).map_err(backend)?;
        if let (Some(signature), Some(members)) = (signature, members) {
            by_digest.insert(digest, out.batches.len());
            out.batches.push((StoredBatch { digest, signature, members: members_of(&members) }, vec![*hash]));
        }
    }
    Ok(out)
}

#[async_trait]
impl SignatureStore for SqliteStore {
    async fn put_change_signatures(&self, village: Uuid, sigs: &[(Hash, Vec<u8>)]) -> Result<(), DbError> {
        if sigs.is_empty() {
            return Ok(());
        }
        let proofs = ChangeProofs { singles: sigs.to_vec(), batches: Vec::new() };
        self.with(move |c| put_proofs(c, village, &proofs)).await
    }

    async fn change_signatures(&self, village: Uuid, hashes: &[Hash]) -> Result<Vec<(Hash, Vec<u8>)>, DbError> {
        let hashes = hashes.to_vec();
        self.read(move |c| {
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

    async fn put_change_proofs(&self, village: Uuid, proofs: &ChangeProofs) -> Result<(), DbError> {
        if proofs.is_empty() {
            return Ok(());
        }
        let proofs = proofs.clone();
        self.with(move |c| put_proofs(c, village, &proofs)).await
    }

    async fn change_proofs(&self, village: Uuid, hashes: &[Hash]) -> Result<ChangeProofs, DbError> {
        if hashes.is_empty() {
            return Ok(ChangeProofs::default());
        }
        let hashes = hashes.to_vec();
        self.read_now(hashes.len(), move |c| proofs_of(c, village, &hashes)).await
    }
}
