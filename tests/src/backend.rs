//! Which storage backend the whole-system tests run on: the in-memory SQLite store by
//! default, PostgreSQL when `TAIZHANG_TEST_DATABASE_URL` is set (CI runs the suite once each
//! way). Every test server gets a fresh schema of its own, so tests run in parallel; a
//! database that is expected but unreachable fails the test instead of skipping it.

use std::sync::Arc;

use taizhang_server_db::ServerBackend;
use taizhang_server_postgres::testing;
use taizhang_server_sqlite::SqliteStore;

/// The PostgreSQL URL the tests should use, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var(testing::ENV).ok().filter(|u| !u.trim().is_empty())
}

/// "postgres" or "sqlite", for messages.
pub fn backend_name() -> &'static str {
    if postgres_url().is_some() {
        "postgres"
    } else {
        "sqlite"
    }
}

/// A new, empty server store on the backend the environment selects.
pub async fn fresh_store() -> Arc<dyn ServerBackend> {
    match postgres_url() {
        Some(url) => Arc::new(testing::connect_schema(&url, &testing::fresh_schema()).await),
        None => Arc::new(SqliteStore::open_in_memory().expect("in-memory server store")),
    }
}

/// `n` stores — as `n` server instances would open them, each with its own connection pool
/// — on one fresh PostgreSQL schema. `None`, printed as skipped, without PostgreSQL.
pub async fn shared_postgres_stores(what: &str, n: usize) -> Option<Vec<Arc<dyn ServerBackend>>> {
    let url = testing::url_or_skip(what)?;
    let schema = testing::fresh_schema();
    let mut stores: Vec<Arc<dyn ServerBackend>> = Vec::with_capacity(n);
    for _ in 0..n {
        stores.push(Arc::new(testing::connect_schema(&url, &schema).await));
    }
    Some(stores)
}
