//! The forward-only schema migration runner, shared by the client store and the server's
//! SQLite backend: each version is applied once, in order, in its own transaction, and a
//! database written by a newer version is refused instead of being damaged.

use std::collections::BTreeSet;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::StoreError;

/// Brings `conn` up to the newest of `migrations` (`(version, sql)`, versions strictly
/// increasing from 1). Applied versions are recorded in
/// `schema_migrations(version INTEGER PRIMARY KEY, applied_at TEXT)`; each missing version
/// runs inside its own IMMEDIATE transaction, so a crash leaves the schema at a whole version.
/// Refuses ([`StoreError::SchemaTooNew`]) a database that has a version higher than any known.
pub fn migrate(conn: &Connection, migrations: &[(u32, &str)]) -> Result<(), StoreError> {
    let mut known = 0u32;
    for (version, _) in migrations {
        if *version <= known {
            return Err(StoreError::BadMigrations(format!(
                "versions must be strictly increasing from 1, found {version} after {known}"
            )));
        }
        known = *version;
    }
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    )?;
    let applied = applied_versions(conn)?;
    if let Some(&found) = applied.iter().next_back() {
        if found > i64::from(known) {
            return Err(StoreError::SchemaTooNew { found: u32::try_from(found).unwrap_or(u32::MAX), known });
        }
    }
    for &(version, sql) in migrations {
        if applied.contains(&i64::from(version)) {
            continue;
        }
        let failed = |e: rusqlite::Error| StoreError::Migration { version, reason: e.to_string() };
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate).map_err(failed)?;
        // Another process may have applied it while we waited for the write lock.
        let done = tx
            .query_row("SELECT 1 FROM schema_migrations WHERE version = ?1", [version], |_| Ok(()))
            .optional()
            .map_err(failed)?
            .is_some();
        if !done {
            tx.execute_batch(sql).map_err(failed)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                params![version, chrono::Utc::now().to_rfc3339()],
            )
            .map_err(failed)?;
        }
        tx.commit().map_err(failed)?;
    }
    Ok(())
}

fn applied_versions(conn: &Connection) -> Result<BTreeSet<i64>, StoreError> {
    let mut stmt = conn.prepare("SELECT version FROM schema_migrations")?;
    let versions = stmt.query_map([], |r| r.get::<_, i64>(0))?.collect::<Result<BTreeSet<_>, _>>()?;
    Ok(versions)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: (u32, &str) = (1, "CREATE TABLE a (x INTEGER);");
    const V2: (u32, &str) = (2, "CREATE TABLE b (y INTEGER);");

    fn versions(conn: &Connection) -> Vec<i64> {
        applied_versions(conn).map(|s| s.into_iter().collect()).unwrap_or_default()
    }

    #[test]
    fn applies_missing_versions_once_and_in_order() -> Result<(), StoreError> {
        let conn = Connection::open_in_memory()?;
        migrate(&conn, &[V1])?;
        assert_eq!(versions(&conn), vec![1]);
        migrate(&conn, &[V1, V2])?;
        migrate(&conn, &[V1, V2])?; // idempotent: V1's CREATE would fail if it ran again
        assert_eq!(versions(&conn), vec![1, 2]);
        conn.execute("INSERT INTO b (y) VALUES (1)", [])?;
        Ok(())
    }

    #[test]
    fn refuses_a_newer_schema() -> Result<(), StoreError> {
        let conn = Connection::open_in_memory()?;
        migrate(&conn, &[V1, V2])?;
        let err = migrate(&conn, &[V1]).err();
        assert!(matches!(err, Some(StoreError::SchemaTooNew { found: 2, known: 1 })), "{err:?}");
        let msg = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            msg.contains("this store was written by a newer version of Taizhang (schema 2); update the app"),
            "{msg}"
        );
        Ok(())
    }

    #[test]
    fn a_failing_migration_changes_nothing() -> Result<(), StoreError> {
        let conn = Connection::open_in_memory()?;
        let bad = (2, "CREATE TABLE c (z INTEGER); THIS IS NOT SQL;");
        let err = migrate(&conn, &[V1, bad]).err();
        assert!(matches!(err, Some(StoreError::Migration { version: 2, .. })), "{err:?}");
        assert_eq!(versions(&conn), vec![1]);
        let c_exists: i64 = conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'c'", [], |r| r.get(0))?;
        assert_eq!(c_exists, 0);
        Ok(())
    }

    #[test]
    fn rejects_unordered_lists() {
        let conn = Connection::open_in_memory().ok();
        let err = conn.map(|c| migrate(&c, &[V2, V1]));
        assert!(matches!(err, Some(Err(StoreError::BadMigrations(_)))));
    }
}
