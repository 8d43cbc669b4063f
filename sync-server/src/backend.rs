//! Picks the storage backend from the database setting: a `postgres://` or `postgresql://`
//! URL opens PostgreSQL (several server instances may share it), anything else is the path of
//! the embedded SQLite file (the zero-set-up default).

use std::path::Path;
use std::sync::Arc;

use taizhang_server_db::{DbError, ServerBackend};
pub use taizhang_server_postgres::is_postgres_url;
use taizhang_server_postgres::PgStore;
use taizhang_server_sqlite::SqliteStore;

/// Which backend `db` names, for logs (a PostgreSQL URL without its password).
pub fn describe_db(db: &str) -> String {
    if is_postgres_url(db) {
        format!("PostgreSQL {}", taizhang_server_postgres::redact_url(db))
    } else {
        format!("SQLite {db}")
    }
}

/// Opens the store `db` names and brings its schema up to date.
pub async fn open_store(db: &str) -> Result<Arc<dyn ServerBackend>, DbError> {
    if is_postgres_url(db) {
        Ok(Arc::new(PgStore::connect(db).await?))
    } else {
        Ok(Arc::new(SqliteStore::open(Path::new(db))?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_path_opens_sqlite_and_a_url_is_tried_as_postgres() {
        let dir = std::env::temp_dir().join(format!("taizhang-backend-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("server.sqlite3");
        let store = open_store(path.to_str().expect("utf-8 path")).await.expect("sqlite opens");
        assert!(!store.village_exists(uuid::Uuid::from_u128(1)).await.expect("query"));
        assert!(path.exists());
        let _ = std::fs::remove_dir_all(&dir);

        // Nothing listens on port 1: the error names PostgreSQL's URL, without the password.
        match open_store("postgresql://tz:secret@127.0.0.1:1/tz").await {
            Err(DbError::Open { path, .. }) => assert_eq!(path, "postgresql://tz:***@127.0.0.1:1/tz"),
            Err(other) => panic!("expected an open error, got {other}"),
            Ok(_) => panic!("nothing listens on port 1"),
        }
        assert_eq!(describe_db("postgres://a:b@h/d"), "PostgreSQL postgres://a:***@h/d");
        assert_eq!(describe_db("x.sqlite3"), "SQLite x.sqlite3");
    }
}
