//! The forward-only migration runner for the PostgreSQL schema: every file of
//! `migrations/server-postgres/` is embedded at compile time and applied once, in order,
//! recorded in `schema_migrations`. Several server instances may start at the same moment, so
//! the whole run holds a transaction-scoped advisory lock: the first migrates, the others wait
//! and then find nothing left to do.

use taizhang_server_db::DbError;
use tokio_postgres::Client;

use crate::backend;

/// Every migration, oldest first. Never edit one that has shipped: add a new file.
pub(crate) const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../../../migrations/server-postgres/0001_init.sql")),
    (2, include_str!("../../../migrations/server-postgres/0002_accounts.sql")),
    (3, include_str!("../../../migrations/server-postgres/0003_web_logins.sql")),
    (4, include_str!("../../../migrations/server-postgres/0004_county_inputs.sql")),
    (5, include_str!("../../../migrations/server-postgres/0005_actor_seq.sql")),
    (6, include_str!("../../../migrations/server-postgres/0006_signed_requests.sql")),
    (7, include_str!("../../../migrations/server-postgres/0007_change_signatures.sql")),
    (8, include_str!("../../../migrations/server-postgres/0008_blobs.sql")),
    (9, include_str!("../../../migrations/server-postgres/0009_wipe_orders.sql")),
    (10, include_str!("../../../migrations/server-postgres/0010_team_indexes.sql")),
    (11, include_str!("../../../migrations/server-postgres/0011_snapshots.sql")),
    (12, include_str!("../../../migrations/server-postgres/0012_previous_key.sql")),
    (13, include_str!("../../../migrations/server-postgres/0013_county_projection.sql")),
    (14, include_str!("../../../migrations/server-postgres/0014_signature_batches.sql")),
];

/// A stable 64-bit key for `pg_advisory_xact_lock` (FNV-1a), one per schema, so tests that
/// each migrate their own schema do not wait on one another.
fn lock_key(scope: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in "taizhang-server-postgres migrate ".bytes().chain(scope.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(h.to_ne_bytes())
}

/// Creates `schema` when given (it must already be a checked identifier) and brings the
/// schema found first on the search path up to date, all in one transaction.
pub(crate) async fn migrate(client: &mut Client, schema: Option<&str>) -> Result<u32, DbError> {
    let tx = client.transaction().await.map_err(backend)?;
    let scope = match schema {
        Some(s) => s.to_string(),
        None => tx
            .query_one("SELECT coalesce(current_schema(), '')", &[])
            .await
            .map_err(backend)?
            .try_get::<_, String>(0)
            .map_err(backend)?,
    };
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&lock_key(&scope)]).await.map_err(backend)?;
    if let Some(s) = schema {
        tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {s}")).await.map_err(backend)?;
    }
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version     integer PRIMARY KEY,
             applied_at  timestamptz NOT NULL DEFAULT now()
         )",
    )
    .await
    .map_err(backend)?;
    let applied: Vec<i32> = tx
        .query("SELECT version FROM schema_migrations ORDER BY version", &[])
        .await
        .map_err(backend)?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()
        .map_err(backend)?;
    let latest = MIGRATIONS.last().map_or(0, |m| m.0);
    if let Some(newest) = applied.iter().copied().filter(|v| *v > latest).max() {
        return Err(DbError::SchemaTooNew(format!(
            "the database is at schema version {newest}, this server knows up to {latest}"
        )));
    }
    let mut ran = 0;
    for (version, sql) in MIGRATIONS {
        if applied.contains(version) {
            continue;
        }
        tx.batch_execute(sql).await.map_err(|e| DbError::Backend(format!("migration {version} failed: {e}")))?;
        tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[version]).await.map_err(backend)?;
        ran += 1;
        if *version == 5 {
            backfill_actor_seq(&tx).await?;
        }
    }
    tx.commit().await.map_err(backend)?;
    Ok(ran)
}

/// Fills in the sequence number of changes stored before schema 5 (read from their bytes), so
/// the actor-reuse check sees them too; in the migration's transaction. A stored change that
/// no longer parses keeps NULL (and is never matched).
async fn backfill_actor_seq(tx: &tokio_postgres::Transaction<'_>) -> Result<(), DbError> {
    let rows =
        tx.query("SELECT village, seq, bytes FROM changes WHERE actor_seq IS NULL", &[]).await.map_err(backend)?;
    if rows.is_empty() {
        return Ok(());
    }
    let update =
        tx.prepare("UPDATE changes SET actor_seq = $3 WHERE village = $1 AND seq = $2").await.map_err(backend)?;
    for row in rows {
        let village: uuid::Uuid = row.try_get(0).map_err(backend)?;
        let seq: i64 = row.try_get(1).map_err(backend)?;
        let bytes: &[u8] = row.try_get(2).map_err(backend)?;
        if let Ok(c) = taizhang_sync::parse_raw_change(bytes) {
            let actor_seq = i64::try_from(c.seq()).unwrap_or(i64::MAX);
            tx.execute(&update, &[&village, &seq, &actor_seq]).await.map_err(backend)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_from_one() {
        for (i, (v, sql)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*v, i as i32 + 1);
            assert!(sql.starts_with("--"), "every migration opens with a comment saying why");
        }
    }

    #[test]
    fn lock_keys_differ_by_schema_and_are_stable() {
        assert_eq!(lock_key("public"), lock_key("public"));
        assert_ne!(lock_key("public"), lock_key("t_1"));
    }
}
