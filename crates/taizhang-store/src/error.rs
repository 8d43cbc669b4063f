//! The one error type of the local store: every message says what went wrong and what the
//! person (or the developer) can do about it.

/// Why the local store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the local store at {path} could not be opened: {reason}; check free space and the permissions of that folder, and that no other copy of the app is using it")]
    Open { path: String, reason: String },
    #[error("this store was written by a newer version of Taizhang (schema {found}); update the app (this version knows schema {known} at most)")]
    SchemaTooNew { found: u32, known: u32 },
    #[error("the local store could not be upgraded to schema {version}: {reason}; check free space and restart the app (nothing was changed, the upgrade is retried)")]
    Migration { version: u32, reason: String },
    #[error("invalid migration list: {0} (a bug in this build of Taizhang; report it)")]
    BadMigrations(String),
    #[error("the local store holds an unreadable {what}: {detail}; reset the local copy and sync again to rebuild it from the documents")]
    Corrupt { what: String, detail: String },
    #[error("the local store is busy (another part of the app held it for more than 5 seconds); try again")]
    Busy,
    #[error("this build of Taizhang cannot open encrypted stores (built without the `sqlcipher` feature); use the app or the CLI as released")]
    EncryptionUnavailable,
    #[error("the local store at {path} could not be unlocked: the key is wrong (a wrong PIN, or the store belongs to another device or user); try again, or ask the county administrator to reset this device")]
    WrongKey { path: String },
    #[error("the local store at {path} could not be encrypted: {reason}; nothing was changed (the plain store is kept and the encryption is retried at the next start); check free space")]
    Encrypt { path: String, reason: String },
    #[error("the local store failed: {0}; check free space, and restart the app if it happens again")]
    Sqlite(#[source] rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => StoreError::Busy,
            _ => StoreError::Sqlite(e),
        }
    }
}

impl StoreError {
    pub(crate) fn corrupt(what: impl Into<String>, detail: impl std::fmt::Display) -> Self {
        StoreError::Corrupt { what: what.into(), detail: detail.to_string() }
    }
}
