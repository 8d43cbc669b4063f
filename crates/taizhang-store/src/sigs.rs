//! The signatures of changes received from teammates (schema 5): bytes in, bytes out.

use rusqlite::{params, OptionalExtension};

use crate::{Store, StoreError, StoreTx};

impl Store {
    /// The stored signature of the change `hash`, if this device received one.
    pub fn change_signature(&self, hash: &[u8; 32]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT signature FROM change_signatures WHERE hash = ?1", [hash.as_slice()], |r| r.get(0))
            .optional()?)
    }

    /// How many teammates' change signatures this device holds.
    pub fn change_signature_count(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("SELECT count(*) FROM change_signatures", [], |r| r.get(0))?)
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
}
