//! Encryption at rest (issue 21, cargo feature `sqlcipher`): what is written to an encrypted
//! store — the file, its WAL, its journal — holds no household name and no secret in the clear;
//! a plain store is encrypted in place with every row kept; a wrong key is refused as such.
#![cfg(feature = "sqlcipher")]

use std::path::Path;

use taizhang_doc::Read;
use taizhang_domain::{Household, HouseholdId, HouseholdStatus, PovertyCause};
use taizhang_store::{companion_files, erase_files, file_kind, FileKind, HouseholdQuery, Store, StoreError, StoreKey};
use uuid::Uuid;

const NAME: &str = "卢秀英测试户";
const SECRET: &str = "5e11a1de5ec12e7f00d5ec12e7f00d5ec12e7f00d5ec12e7f00d5ec12e7f00d5";

fn household() -> Household {
    Household {
        id: HouseholdId(Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0042)),
        head: NAME.into(),
        members_count: 4,
        group: "一组".into(),
        grid: "A".into(),
        status: HouseholdStatus::RegisteredPoor,
        causes: vec![PovertyCause::Illness],
        helper: None,
        plan: "发展养殖".into(),
        income_yuan: Some(9_000),
        details: Default::default(),
    }
}

fn write_some(store: &mut Store) -> Result<(), StoreError> {
    let tx = store.transaction()?;
    tx.set_meta("device_secret", SECRET)?;
    tx.put_household("registry", &Read { record: household(), conflicts: vec![] })?;
    tx.append_chunk("registry", NAME.as_bytes())?;
    tx.set_dirty("registry", true)?;
    tx.commit()
}

fn key(n: u8) -> StoreKey {
    StoreKey::from_bytes([n; 32])
}

/// Every byte SQLite has on disk for `path` (the file, its WAL, WAL index and journal).
fn disk_bytes(path: &Path) -> Vec<(String, Vec<u8>)> {
    std::iter::once(path.to_path_buf())
        .chain(companion_files(path))
        .filter_map(|p| std::fs::read(&p).ok().map(|b| (p.display().to_string(), b)))
        .collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn assert_nothing_readable(path: &Path) {
    let files = disk_bytes(path);
    assert!(files.iter().any(|(_, b)| !b.is_empty()), "the store wrote nothing to disk");
    for (file, bytes) in &files {
        assert!(!contains(bytes, NAME.as_bytes()), "{file} holds the household name in the clear");
        assert!(!contains(bytes, SECRET.as_bytes()), "{file} holds the secret in the clear");
        assert!(!contains(bytes, b"SQLite format 3"), "{file} has a plain SQLite header");
        assert!(!contains(bytes, b"households"), "{file} shows the schema");
    }
}

#[test]
fn an_encrypted_store_shows_nothing_in_its_file_wal_or_journal() -> Result<(), StoreError> {
    let dir = tempfile::tempdir().map_err(|e| StoreError::Corrupt { what: "tempdir".into(), detail: e.to_string() })?;
    let path = dir.path().join("store.sqlite3");
    let mut store = Store::open_encrypted(&path, &key(7))?;
    write_some(&mut store)?;
    // While open: the WAL holds the newest pages, encrypted too.
    assert!(std::fs::metadata(companion_files(&path)[0].as_path()).map(|m| m.len() > 0).unwrap_or(false));
    assert_nothing_readable(&path);
    drop(store);
    assert_nothing_readable(&path);
    assert_eq!(file_kind(&path)?, FileKind::Encrypted);

    // Rollback-journal mode as well (the journal of a transaction in flight is encrypted).
    {
        let store = Store::open_encrypted(&path, &key(7))?;
        drop(store);
        let conn = taizhang_store::rusqlite::Connection::open(&path)?;
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", "07".repeat(32)))?;
        let mode: String = conn.query_row("PRAGMA journal_mode = PERSIST", [], |r| r.get(0))?;
        assert_eq!(mode, "persist");
        conn.execute_batch("BEGIN; INSERT INTO meta (key, value) VALUES ('journal_probe', '1'); COMMIT;")?;
        drop(conn);
        assert!(companion_files(&path)[2].exists(), "a persisted journal to look at");
        assert_nothing_readable(&path);
    }

    let store = Store::open_encrypted(&path, &key(7))?;
    assert_eq!(store.meta("device_secret")?.as_deref(), Some(SECRET));
    let list = store.households(&HouseholdQuery::default())?;
    assert_eq!(list.iter().map(|r| r.record.head.as_str()).collect::<Vec<_>>(), vec![NAME]);
    Ok(())
}

#[test]
fn a_wrong_key_is_refused_and_changes_nothing() -> Result<(), StoreError> {
    let dir = tempfile::tempdir().map_err(|e| StoreError::Corrupt { what: "tempdir".into(), detail: e.to_string() })?;
    let path = dir.path().join("store.sqlite3");
    write_some(&mut Store::open_encrypted(&path, &key(1))?)?;
    let before =
        std::fs::read(&path).map_err(|e| StoreError::Corrupt { what: "file".into(), detail: e.to_string() })?;
    assert!(matches!(Store::open_encrypted(&path, &key(2)), Err(StoreError::WrongKey { .. })));
    // Opening it as a plain file fails as well (it is not a database without the key).
    assert!(Store::open(&path).is_err());
    let after = std::fs::read(&path).map_err(|e| StoreError::Corrupt { what: "file".into(), detail: e.to_string() })?;
    assert_eq!(before, after);
    assert_eq!(Store::open_encrypted(&path, &key(1))?.meta("device_secret")?.as_deref(), Some(SECRET));
    Ok(())
}

#[test]
fn a_plain_store_is_encrypted_in_place_with_every_row_kept() -> Result<(), StoreError> {
    let dir = tempfile::tempdir().map_err(|e| StoreError::Corrupt { what: "tempdir".into(), detail: e.to_string() })?;
    let path = dir.path().join("store.sqlite3");
    {
        let mut plain = Store::open(&path)?;
        write_some(&mut plain)?;
        // Left open with its WAL holding the rows: the migration checkpoints them first.
        let raw = disk_bytes(&path);
        assert!(raw.iter().any(|(_, b)| contains(b, NAME.as_bytes())), "the plain store shows the name");
        let mut encrypted_while_open = Store::open_encrypted(&path, &key(9));
        // SQLite lets a second connection read; the export works while the plain one is open.
        let enc = encrypted_while_open
            .as_mut()
            .map_err(|e| StoreError::Corrupt { what: "open".into(), detail: e.to_string() })?;
        assert_eq!(enc.dirty_docs()?, vec!["registry".to_string()]);
    }
    assert_eq!(file_kind(&path)?, FileKind::Encrypted);
    assert_nothing_readable(&path);
    assert!(!dir.path().join("store.sqlite3.encrypting").exists());
    let store = Store::open_encrypted(&path, &key(9))?;
    assert_eq!(store.integrity_check()?, "ok");
    assert_eq!(store.meta("device_secret")?.as_deref(), Some(SECRET));
    assert_eq!(store.dirty_docs()?, vec!["registry".to_string()], "unsynced stays unsynced");
    assert_eq!(store.load_doc("registry")?, vec![NAME.as_bytes().to_vec()]);
    assert_eq!(store.households(&HouseholdQuery::default())?.len(), 1);
    Ok(())
}

#[test]
fn an_interrupted_encryption_leaves_the_plain_store_and_is_retried() -> Result<(), StoreError> {
    let dir = tempfile::tempdir().map_err(|e| StoreError::Corrupt { what: "tempdir".into(), detail: e.to_string() })?;
    let path = dir.path().join("store.sqlite3");
    write_some(&mut Store::open(&path)?)?;
    // A crash after the copy began: a half-written `.encrypting` file beside the plain store.
    std::fs::write(dir.path().join("store.sqlite3.encrypting"), b"half a copy")
        .map_err(|e| StoreError::Corrupt { what: "file".into(), detail: e.to_string() })?;
    assert_eq!(file_kind(&path)?, FileKind::Plain);
    let store = Store::open_encrypted(&path, &key(3))?;
    assert_eq!(store.meta("device_secret")?.as_deref(), Some(SECRET));
    assert!(!dir.path().join("store.sqlite3.encrypting").exists());
    Ok(())
}

#[test]
fn erasing_removes_the_store_and_its_companions() -> Result<(), StoreError> {
    let dir = tempfile::tempdir().map_err(|e| StoreError::Corrupt { what: "tempdir".into(), detail: e.to_string() })?;
    let path = dir.path().join("store.sqlite3");
    let mut store = Store::open_encrypted(&path, &key(5))?;
    write_some(&mut store)?;
    drop(store);
    erase_files(&path)?;
    assert!(!path.exists());
    for c in companion_files(&path) {
        assert!(!c.exists(), "{} left behind", c.display());
    }
    assert_eq!(file_kind(&path)?, FileKind::Absent);
    Ok(())
}
