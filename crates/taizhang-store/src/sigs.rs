//! What vouches for changes received from teammates: single signatures (schema 5) and batch
//! signatures (schema 14, issue 23). Bytes in, bytes out: `taizhang-peer` checks them.

use rusqlite::{params, OptionalExtension};

use crate::{Store, StoreError, StoreTx};

/// What this device holds that vouches for one change of another device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredProof {
    /// The author's signature of this change alone.
    Single(Vec<u8>),
    /// The author's signature of a batch the change is a member of.
    Batch { digest: [u8; 32], signature: Vec<u8>, members: Vec<[u8; 32]> },
}

fn members_of(blob: &[u8]) -> Vec<[u8; 32]> {
    blob.chunks_exact(32).filter_map(|c| <[u8; 32]>::try_from(c).ok()).collect()
}

impl Store {
    /// What vouches for the change `hash`, if this device received anything: its single
    /// signature, else the batch it was received with.
    pub fn change_proof(&self, hash: &[u8; 32]) -> Result<Option<StoredProof>, StoreError> {
        if let Some(sig) = self.change_signature(hash)? {
            return Ok(Some(StoredProof::Single(sig)));
        }
        let row: Option<(Vec<u8>, Vec<u8>, Vec<u8>)> = self
            .conn
            .prepare_cached(
                "SELECT b.digest, b.signature, b.members FROM change_batches c
                 JOIN signature_batches b ON b.digest = c.digest WHERE c.hash = ?1",
            )?
            .query_row([hash.as_slice()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        Ok(row.and_then(|(digest, signature, members)| {
            Some(StoredProof::Batch { digest: digest.try_into().ok()?, signature, members: members_of(&members) })
        }))
    }

    /// The stored signature of the change `hash`, if this device received one.
    pub fn change_signature(&self, hash: &[u8; 32]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT signature FROM change_signatures WHERE hash = ?1", [hash.as_slice()], |r| r.get(0))
            .optional()?)
    }

    /// How many teammates' changes this device holds something for that vouches for them
    /// (a single signature or a batch).
    pub fn change_signature_count(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM change_signatures) + (SELECT count(*) FROM change_batches c
               WHERE NOT EXISTS (SELECT 1 FROM change_signatures s WHERE s.hash = c.hash))",
            [],
            |r| r.get(0),
        )?)
    }
}

impl StoreTx<'_> {
    /// Keeps the signature of the change `hash` (the first one kept stays).
    pub fn put_change_signature(&self, hash: &[u8; 32], signature: &[u8]) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT OR IGNORE INTO change_signatures (hash, signature) VALUES (?1, ?2)",
            params![hash.as_slice(), signature],
        )?;
        Ok(())
    }

    /// Keeps the batch `digest` (its signature and sorted `members`) as what vouches for the
    /// changes `covered` (the first one kept for a change stays).
    pub fn put_change_batch(
        &self,
        digest: &[u8; 32],
        signature: &[u8],
        members: &[[u8; 32]],
        covered: &[[u8; 32]],
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT OR IGNORE INTO signature_batches (digest, signature, members) VALUES (?1, ?2, ?3)",
            params![digest.as_slice(), signature, members.concat()],
        )?;
        let mut stmt = self.tx.prepare_cached("INSERT OR IGNORE INTO change_batches (hash, digest) VALUES (?1, ?2)")?;
        for h in covered {
            stmt.execute(params![h.as_slice(), digest.as_slice()])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_kept_by_hash() {
        let mut s = Store::open_in_memory().unwrap();
        let tx = s.transaction().unwrap();
        tx.put_change_signature(&[1; 32], &[9; 64]).unwrap();
        tx.put_change_signature(&[1; 32], &[8; 64]).unwrap();
        tx.commit().unwrap();
        assert_eq!(s.change_signature(&[1; 32]).unwrap(), Some(vec![9; 64]));
        assert_eq!(s.change_signature(&[2; 32]).unwrap(), None);
        assert_eq!(s.change_signature_count().unwrap(), 1);
    }

    #[test]
    fn a_batch_is_kept_once_and_vouches_for_the_changes_it_came_with() {
        let mut s = Store::open_in_memory().unwrap();
        let tx = s.transaction().unwrap();
        tx.put_change_batch(&[7; 32], &[9; 64], &[[1; 32], [2; 32], [3; 32]], &[[1; 32], [2; 32]]).unwrap();
        tx.put_change_batch(&[8; 32], &[6; 64], &[[2; 32]], &[[2; 32]]).unwrap();
        tx.put_change_signature(&[4; 32], &[5; 64]).unwrap();
        tx.commit().unwrap();
        let batch =
            StoredProof::Batch { digest: [7; 32], signature: vec![9; 64], members: vec![[1; 32], [2; 32], [3; 32]] };
        assert_eq!(s.change_proof(&[1; 32]).unwrap(), Some(batch.clone()));
        assert_eq!(s.change_proof(&[2; 32]).unwrap(), Some(batch), "the first batch kept for a change stays");
        assert_eq!(s.change_proof(&[3; 32]).unwrap(), None, "a member this device did not receive");
        assert_eq!(s.change_proof(&[4; 32]).unwrap(), Some(StoredProof::Single(vec![5; 64])));
        assert_eq!(s.change_signature_count().unwrap(), 3);
    }
}
