//! SQLCipher's part of SQLite's first initialisation (its crypto provider, then the
//! `sqlcipher_export` auto-extension) runs after the library already says "initialised": a
//! connection opened by another thread in that instant lacks the function, or is refused
//! `PRAGMA key`. CI hit both once (the upgrade story's encryption failed with "no such
//! function: sqlcipher_export" while a server in the same process opened its own SQLite file;
//! `encrypted.rs`'s wrong-key test failed with "An error occurred with PRAGMA key or rekey"
//! while its neighbours opened stores). This binary starts cold and races them on purpose.
#![cfg(feature = "sqlcipher")]

use std::sync::{Arc, Barrier};

use taizhang_store::{encrypt_in_place, file_kind, FileKind, Store, StoreKey};

#[test]
fn encrypting_and_keying_work_while_other_threads_open_sqlite_for_the_first_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let threads = 12;
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let barrier = barrier.clone();
            let path = dir.path().join(format!("s{i}.sqlite3"));
            std::thread::spawn(move || {
                if i % 3 == 0 {
                    // A plain store made without SQLite (the store's own first open would
                    // initialise SQLite before the barrier): an empty file is encrypted too.
                    let plain = dir_plain(&path);
                    barrier.wait();
                    encrypt_in_place(&plain, &StoreKey::from_bytes([i as u8; 32])).map(|()| plain)
                } else if i % 3 == 1 {
                    // A new encrypted store: its first statement is `PRAGMA key`.
                    barrier.wait();
                    Store::open_encrypted(&path, &StoreKey::from_bytes([i as u8; 32])).map(|_| path)
                } else {
                    barrier.wait();
                    let conn = rusqlite::Connection::open(&path).expect("open");
                    conn.execute_batch("CREATE TABLE t(x)").expect("create");
                    Ok(path)
                }
            })
        })
        .collect();
    for (i, h) in handles.into_iter().enumerate() {
        let path = h.join().expect("thread").unwrap_or_else(|e| panic!("thread {i}: {e}"));
        if i % 3 != 2 {
            assert_eq!(file_kind(&path).expect("kind"), FileKind::Encrypted, "{}", path.display());
            Store::open_encrypted(&path, &StoreKey::from_bytes([i as u8; 32])).expect("opens with its key");
        }
    }
}

/// Writes a minimal valid plain SQLite database file (one empty table) from bytes, so that the
/// thread touches SQLite for the first time only after the barrier.
fn dir_plain(path: &std::path::Path) -> std::path::PathBuf {
    std::fs::write(path, include_bytes!("plain-one-table.sqlite3")).expect("write plain file");
    path.to_path_buf()
}
