//! What vouches for stored changes in PostgreSQL: single signatures (schema 7) and batch
//! signatures (schema 14).

use async_trait::async_trait;
use taizhang_server_db::{ChangeProofs, DbError, SignatureStore, StoredBatch};
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

    async fn put_change_proofs(&self, village: Uuid, proofs: &ChangeProofs) -> Result<(), DbError> {
        if proofs.is_empty() {
            return Ok(());
        }
        let client = self.client().await?;
        put_proofs_on(&client, village, proofs).await.map_err(backend)
    }

    async fn change_proofs(&self, village: Uuid, hashes: &[Hash]) -> Result<ChangeProofs, DbError> {
        if hashes.is_empty() {
            return Ok(ChangeProofs::default());
        }
        let wanted: Vec<&[u8]> = hashes.iter().map(|h| h.as_slice()).collect();
        let client = self.client().await?;
        // One round trip: each asked-for hash with its single signature, else its batch (the
        // batch's signature and members on its first row only).
        let rows = client
            .query(
                "SELECT t.h, s.signature, c.digest,
                        CASE WHEN row_number() OVER (PARTITION BY c.digest ORDER BY t.h) = 1 THEN b.signature END,
                        CASE WHEN row_number() OVER (PARTITION BY c.digest ORDER BY t.h) = 1 THEN b.members END
                 FROM unnest($2::bytea[]) AS t(h)
                 LEFT JOIN change_signatures s ON s.village = $1 AND s.hash = t.h
                 LEFT JOIN change_batches c ON s.hash IS NULL AND c.village = $1 AND c.hash = t.h
                 LEFT JOIN signature_batches b ON b.village = $1 AND b.digest = c.digest
                 WHERE s.hash IS NOT NULL OR b.digest IS NOT NULL",
                &[&village, &wanted],
            )
            .await
            .map_err(backend)?;
        let mut out = ChangeProofs::default();
        let mut pending: Vec<(Hash, Hash)> = Vec::new();
        for r in &rows {
            let h: Vec<u8> = r.get(0);
            let Ok(h) = <Hash>::try_from(h.as_slice()) else { continue };
            if let Some(sig) = r.get::<_, Option<Vec<u8>>>(1) {
                out.singles.push((h, sig));
                continue;
            }
            let Some(Ok(digest)) = r.get::<_, Option<Vec<u8>>>(2).map(|d| <Hash>::try_from(d.as_slice())) else {
                continue;
            };
            match (r.get::<_, Option<Vec<u8>>>(3), r.get::<_, Option<Vec<u8>>>(4)) {
                (Some(signature), Some(members)) => {
                    let members = members.chunks_exact(32).filter_map(|c| <Hash>::try_from(c).ok()).collect();
                    out.batches.push((StoredBatch { digest, signature, members }, vec![h]));
                }
                _ => pending.push((h, digest)),
            }
        }
        for (h, digest) in pending {
            if let Some((_, covered)) = out.batches.iter_mut().find(|(b, _)| b.digest == digest) {
                covered.push(h);
            }
        }
        Ok(out)
    }
}

/// Keeps `proofs` in one statement on `c` — a client (its own transaction) or a push's
/// transaction (`push_checked`: committed with the changes). The first proof kept for a
/// change stays.
pub(crate) async fn put_proofs_on(
    c: &impl deadpool_postgres::GenericClient,
    village: Uuid,
    proofs: &ChangeProofs,
) -> Result<(), tokio_postgres::Error> {
    if proofs.is_empty() {
        return Ok(());
    }
    let single_hashes: Vec<&[u8]> = proofs.singles.iter().map(|(h, _)| h.as_slice()).collect();
    let single_sigs: Vec<&[u8]> = proofs.singles.iter().map(|(_, s)| s.as_slice()).collect();
    let digests: Vec<&[u8]> = proofs.batches.iter().map(|(b, _)| b.digest.as_slice()).collect();
    let batch_sigs: Vec<&[u8]> = proofs.batches.iter().map(|(b, _)| b.signature.as_slice()).collect();
    let members: Vec<Vec<u8>> = proofs.batches.iter().map(|(b, _)| b.members.concat()).collect();
    let (mut hashes, mut of): (Vec<&[u8]>, Vec<&[u8]>) = (Vec::new(), Vec::new());
    for (b, covered) in &proofs.batches {
        for h in covered {
            hashes.push(h.as_slice());
            of.push(b.digest.as_slice());
        }
    }
    let stmt = c
        .prepare_cached(
            "WITH singles AS (
                 INSERT INTO change_signatures (village, hash, signature)
                 SELECT $1, h, s FROM unnest($2::bytea[], $3::bytea[]) AS t(h, s)
                 ON CONFLICT DO NOTHING),
             batches AS (
                 INSERT INTO signature_batches (village, digest, signature, members)
                 SELECT $1, d, s, m FROM unnest($4::bytea[], $5::bytea[], $6::bytea[]) AS t(d, s, m)
                 ON CONFLICT DO NOTHING)
             INSERT INTO change_batches (village, hash, digest)
             SELECT $1, h, d FROM unnest($7::bytea[], $8::bytea[]) AS t(h, d)
             ON CONFLICT DO NOTHING",
        )
        .await?;
    c.execute(&stmt, &[&village, &single_hashes, &single_sigs, &digests, &batch_sigs, &members, &hashes, &of]).await?;
    Ok(())
}
