//! Encryption at rest (issue 21): the store's key, opening an encrypted store and turning a
//! plain store into an encrypted one in place. SQLCipher (AES-256 in CBC mode with an
//! HMAC-SHA512 per page) through rusqlite's `bundled-sqlcipher` (the system's libcrypto;
//! `sqlcipher-vendored-openssl` builds OpenSSL from source, for phones), behind this crate's
//! cargo feature `sqlcipher`. The web client (wasm32) has SQLCipher with LibTomCrypt from
//! sqlite-wasm-rs instead (cargo feature `browser-sqlcipher`, which only says so); there the
//! files are the browser's ([`crate::files`]), so looking at, encrypting and erasing a store go
//! through them (the `browser` half below).

#[cfg(not(target_arch = "wasm32"))]
use std::fs::{File, OpenOptions};
#[cfg(not(target_arch = "wasm32"))]
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::StoreError;

/// Whether this build can open encrypted stores (cargo feature `sqlcipher`, or in the browser
/// `browser-sqlcipher`).
pub const ENCRYPTION_AVAILABLE: bool = cfg!(any(feature = "sqlcipher", feature = "browser-sqlcipher"));

/// The 256-bit key of an encrypted store (SQLCipher's raw key: no key derivation of its own).
/// Zeroed when dropped; its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreKey([u8; 32]);

impl StoreKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        StoreKey(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The key as SQLCipher's raw-key literal `"x'…'"` (hex digits only: safe to format into SQL).
    fn sql_literal(&self) -> String {
        let mut s = String::with_capacity(64 + 5);
        s.push_str("\"x'");
        for b in self.0 {
            s.push_str(&format!("{b:02x}"));
        }
        s.push_str("'\"");
        s
    }
}

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(..)")
    }
}

impl Drop for StoreKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

/// What a store file on disk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// No file, or an empty one.
    Absent,
    /// A plain SQLite file: its header is readable by anyone.
    Plain,
    /// Anything else: an encrypted store (its first page is random-looking).
    Encrypted,
}

/// What the first bytes of a file say (`None`: no file): a plain SQLite file starts with
/// "SQLite format 3\0" (a shorter file, with as much of it as it has).
fn kind_of_head(head: Option<&[u8]>) -> FileKind {
    const MAGIC: &[u8; 16] = b"SQLite format 3\0";
    match head {
        None | Some([]) => FileKind::Absent,
        Some(h) if h[..h.len().min(16)] == MAGIC[..h.len().min(16)] => FileKind::Plain,
        Some(_) => FileKind::Encrypted,
    }
}

/// Looks at the first 16 bytes of `path`: a plain SQLite file starts with "SQLite format 3\0".
#[cfg(target_arch = "wasm32")]
pub fn file_kind(path: &Path) -> Result<FileKind, StoreError> {
    browser::file_kind(&*browser::files(path)?, path)
}

/// Looks at the first 16 bytes of `path`: a plain SQLite file starts with "SQLite format 3\0".
#[cfg(not(target_arch = "wasm32"))]
pub fn file_kind(path: &Path) -> Result<FileKind, StoreError> {
    let io = |e: std::io::Error| StoreError::Open { path: path.display().to_string(), reason: e.to_string() };
    let mut f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileKind::Absent),
        Err(e) => return Err(io(e)),
    };
    let mut head = [0u8; 16];
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]).map_err(io)? {
            0 => break,
            k => n += k,
        }
    }
    Ok(kind_of_head(Some(&head[..n])))
}

/// Gives `conn` (just opened, nothing read yet) the key, and checks that it opens the file:
/// a wrong key is [`StoreError::WrongKey`], never a damaged file.
pub(crate) fn apply_key(conn: &Connection, key: &StoreKey, path: &Path) -> Result<(), StoreError> {
    if !ENCRYPTION_AVAILABLE {
        return Err(StoreError::EncryptionUnavailable);
    }
    sqlite_ready();
    // A wrong key is an answer, not a fault to print on stderr (SQLCipher logs by default).
    let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE;");
    conn.execute_batch(&format!("PRAGMA key = {};", key.sql_literal()))?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(()),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
            Err(StoreError::WrongKey { path: path.display().to_string() })
        }
        Err(e) => Err(e.into()),
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The files SQLite keeps beside a store: its WAL, WAL index and rollback journal.
pub fn companion_files(path: &Path) -> [PathBuf; 3] {
    [sibling(path, "-wal"), sibling(path, "-shm"), sibling(path, "-journal")]
}

/// Turns the plain store at `path` into an encrypted one with `key`, in place and crash-safe:
/// the WAL is checkpointed into the file, every table (the schema version too) is copied with
/// `sqlcipher_export` into `<path>.encrypting`, which is synced and then renamed over `path` —
/// until that rename the plain store is untouched, so a crash leaves either the old plain store
/// (the migration runs again at the next open) or the new encrypted one, never a mix. After the
/// rename the old file's bytes are overwritten with zeros through a handle kept open
/// (best effort: flash storage may keep copies of old blocks).
#[cfg(not(target_arch = "wasm32"))]
pub fn encrypt_in_place(path: &Path, key: &StoreKey) -> Result<(), StoreError> {
    if !ENCRYPTION_AVAILABLE {
        return Err(StoreError::EncryptionUnavailable);
    }
    let fail = |reason: String| StoreError::Encrypt { path: path.display().to_string(), reason };
    let io = |e: std::io::Error| fail(e.to_string());
    let tmp = sibling(path, ".encrypting");
    for stale in std::iter::once(tmp.clone()).chain(companion_files(&tmp)) {
        match std::fs::remove_file(&stale) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
    }
    export_encrypted(open_ready(path).map_err(|e| fail(e.to_string()))?, path, &tmp, key)?;
    File::open(&tmp).and_then(|f| f.sync_all()).map_err(io)?;
    let mut old = OpenOptions::new().write(true).open(path).map_err(io)?;
    let old_len = old.metadata().map_err(io)?.len();
    std::fs::rename(&tmp, path).map_err(io)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // Makes the rename durable (Linux, Android; a no-op failure elsewhere is fine).
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    for leftover in companion_files(path) {
        let _ = std::fs::remove_file(leftover);
    }
    overwrite(&mut old, old_len).map_err(io)?;
    Ok(())
}

/// Copies every table of the plain store open on `conn` (the schema version too) into a new
/// store at `tmp` encrypted with `key` (`sqlcipher_export`), then closes `conn`. The plain
/// store is not changed.
fn export_encrypted(conn: Connection, path: &Path, tmp: &Path, key: &StoreKey) -> Result<(), StoreError> {
    let fail = |reason: String| StoreError::Encrypt { path: path.display().to_string(), reason };
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Everything the WAL holds goes into the main file first (the export reads through the
    // WAL anyway; this makes the old file whole before it is zeroed). Without a WAL (the
    // browser's VFS has none) this is a no-op.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let tmp_str = tmp.to_str().ok_or_else(|| fail("the path is not valid UTF-8".to_string()))?;
    conn.execute(&format!("ATTACH DATABASE ?1 AS encrypted KEY {}", key.sql_literal()), [tmp_str])
        .map_err(|e| fail(e.to_string()))?;
    conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(())).map_err(|e| fail(e.to_string()))?;
    conn.execute_batch(&format!("PRAGMA encrypted.user_version = {version}; DETACH DATABASE encrypted;"))
        .map_err(|e| fail(e.to_string()))?;
    conn.close().map_err(|(_, e)| fail(e.to_string()))?;
    Ok(())
}

/// Waits, once per process, until SQLCipher's first initialisation has finished. SQLite counts
/// as initialised *before* SQLCipher's part of it runs (`sqlcipher_extra_init`: the crypto
/// provider, then the `sqlcipher_export` auto-extension, last). A connection that one thread
/// opens while another thread is still in that first initialisation — the server in the same
/// process, or any rusqlite user — is refused `PRAGMA key` ("An error occurred with PRAGMA key
/// or rekey", CI met it once) or lacks `sqlcipher_export` for good (CI met that once too; about
/// 1 run in 20 of `tests/cipher_first_open.rs` before the first fix). So every connection this
/// crate opens waits here first: a fresh in-memory connection that has `sqlcipher_export` proves
/// both parts done (the provider comes first). After the first call this is one atomic load;
/// builds without SQLCipher, and the browser (one thread), return at once.
pub(crate) fn sqlite_ready() {
    #[cfg(all(feature = "sqlcipher", not(target_arch = "wasm32")))]
    {
        static READY: std::sync::OnceLock<()> = std::sync::OnceLock::new();
        READY.get_or_init(|| {
            // 500 tries (5 s) at most: then the key or the export itself reports what is missing.
            for _ in 0..500 {
                if Connection::open_in_memory().and_then(|c| has_export(&c)).unwrap_or(false) {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        });
    }
}

#[cfg(all(feature = "sqlcipher", not(target_arch = "wasm32")))]
fn has_export(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM pragma_function_list WHERE name = 'sqlcipher_export')", [], |r| {
        r.get(0)
    })
}

/// Opens `path` once SQLCipher is whole ([`sqlite_ready`]): the connection has
/// `sqlcipher_export` and takes a key.
pub(crate) fn open_ready(path: &Path) -> rusqlite::Result<Connection> {
    sqlite_ready();
    Connection::open(path)
}

#[cfg(not(target_arch = "wasm32"))]
fn overwrite(f: &mut File, len: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    f.seek(SeekFrom::Start(0))?;
    let zeros = [0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        f.write_all(&zeros[..n])?;
        left -= n as u64;
    }
    f.sync_all()
}

/// Erases the store at `path` and its WAL, WAL index and journal: each is overwritten with
/// zeros, synced and removed (remote wipe, issue 21). Missing files are fine. The caller must
/// have closed every connection to it first.
#[cfg(target_arch = "wasm32")]
pub fn erase_files(path: &Path) -> Result<(), StoreError> {
    browser::erase_files(&*browser::files(path)?, path)
}

/// Erases the store at `path` and its WAL, WAL index and journal: each is overwritten with
/// zeros, synced and removed (remote wipe, issue 21). Missing files are fine. The caller must
/// have closed every connection to it first.
#[cfg(not(target_arch = "wasm32"))]
pub fn erase_files(path: &Path) -> Result<(), StoreError> {
    let io = |e: std::io::Error| StoreError::Open { path: path.display().to_string(), reason: e.to_string() };
    for file in std::iter::once(path.to_path_buf()).chain(companion_files(path)) {
        let mut f = match OpenOptions::new().write(true).open(&file) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io(e)),
        };
        let len = f.metadata().map_err(io)?.len();
        overwrite(&mut f, len).map_err(io)?;
        drop(f);
        std::fs::remove_file(&file).map_err(io)?;
    }
    // The attachments' files beside it (issue 19), each overwritten the same way.
    let dir = crate::attachments_dir(path);
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries {
            let file = entry.map_err(io)?.path();
            let mut f = OpenOptions::new().write(true).open(&file).map_err(io)?;
            let len = f.metadata().map_err(io)?.len();
            overwrite(&mut f, len).map_err(io)?;
            drop(f);
            std::fs::remove_file(&file).map_err(io)?;
        }
        std::fs::remove_dir(&dir).map_err(io)?;
    }
    Ok(())
}

/// [`encrypt_in_place`] in the browser: the same export into `<path>.encrypting`, then that
/// file's bytes written over `path` through [`crate::files`] (the browser's pool has no rename).
/// Until the export is whole the plain store is untouched (a crash: the next open starts again
/// from it); from then on the encrypted copy exists, and a crash between removing the plain
/// store and writing the copy leaves no store but the copy, which the next look
/// ([`file_kind`]) puts in place. Nothing unsynced is lost either way.
#[cfg(target_arch = "wasm32")]
pub fn encrypt_in_place(path: &Path, key: &StoreKey) -> Result<(), StoreError> {
    browser::encrypt_in_place(&*browser::files(path)?, path, key)
}

/// Looking at, encrypting and erasing a store over [`Files`](crate::files::Files): what the
/// browser does, built on every target so it is tested natively (over a folder).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod browser {
    use std::path::Path;

    use rusqlite::Connection;

    use super::{companion_files, export_encrypted, kind_of_head, sibling, FileKind, StoreKey, ENCRYPTION_AVAILABLE};
    use crate::files::Files;
    use crate::StoreError;

    pub(super) fn io(path: &Path, e: std::io::Error) -> StoreError {
        StoreError::Open { path: path.display().to_string(), reason: e.to_string() }
    }

    #[cfg(target_arch = "wasm32")]
    pub(super) fn files(path: &Path) -> Result<std::rc::Rc<dyn Files>, StoreError> {
        crate::files::files().map_err(|e| io(path, e))
    }

    fn name(path: &Path) -> Result<String, StoreError> {
        path.to_str()
            .map(str::to_owned)
            .ok_or_else(|| StoreError::Open { path: path.display().to_string(), reason: "not UTF-8".into() })
    }

    pub(super) fn encrypt_in_place(files: &dyn Files, path: &Path, key: &StoreKey) -> Result<(), StoreError> {
        if !ENCRYPTION_AVAILABLE {
            return Err(StoreError::EncryptionUnavailable);
        }
        let tmp = sibling(path, ".encrypting");
        for stale in std::iter::once(tmp.clone()).chain(companion_files(&tmp)) {
            files.remove(&name(&stale)?).map_err(|e| io(path, e))?;
        }
        export_encrypted(super::open_ready(path)?, path, &tmp, key)?;
        finish_encrypting(files, path, &tmp)
    }

    /// Puts the encrypted copy at `tmp` in place of `path` (see `encrypt_in_place`).
    pub(super) fn finish_encrypting(files: &dyn Files, path: &Path, tmp: &Path) -> Result<(), StoreError> {
        let (p, t) = (name(path)?, name(tmp)?);
        let bytes = files
            .read(&t)
            .map_err(|e| io(path, e))?
            .ok_or_else(|| StoreError::Encrypt { path: p.clone(), reason: "the encrypted copy vanished".into() })?;
        files.remove(&p).map_err(|e| io(path, e))?;
        for leftover in companion_files(path) {
            files.remove(&name(&leftover)?).map_err(|e| io(path, e))?;
        }
        files.write(&p, &bytes).map_err(|e| io(path, e))?;
        files.remove(&t).map_err(|e| io(path, e))
    }

    /// The store's first bytes. The browser's pool will not hand out the bytes of a store with
    /// a hot journal (a tab closed in the middle of a commit): an unkeyed connection then opens
    /// it once, which rolls a plain store's journal back, and the bytes are asked for again.
    /// Still refused, the store is an encrypted one (only its key can roll it back, which the
    /// keyed open that follows does).
    fn head(files: &dyn Files, path: &Path) -> Result<FileKind, StoreError> {
        let n = name(path)?;
        match files.head(&n, 16) {
            Ok(h) => Ok(kind_of_head(h.as_deref())),
            Err(_) => {
                if let Ok(c) = Connection::open(path) {
                    let _ = c.query_row("PRAGMA schema_version", [], |r| r.get::<_, i64>(0));
                }
                match files.head(&n, 16) {
                    Ok(h) => Ok(kind_of_head(h.as_deref())),
                    Err(_) => Ok(FileKind::Encrypted),
                }
            }
        }
    }

    pub(super) fn file_kind(files: &dyn Files, path: &Path) -> Result<FileKind, StoreError> {
        let kind = head(files, path)?;
        let tmp = sibling(path, ".encrypting");
        if kind == FileKind::Absent && files.head(&name(&tmp)?, 16).map_err(|e| io(path, e))?.is_some() {
            // A crash after the plain store was removed, before its encrypted copy was in place.
            finish_encrypting(files, path, &tmp)?;
            return Ok(FileKind::Encrypted);
        }
        Ok(kind)
    }

    /// The store's files go (the browser's pool truncates each to its header and reuses it).
    pub(super) fn erase_files(files: &dyn Files, path: &Path) -> Result<(), StoreError> {
        for file in std::iter::once(path.to_path_buf())
            .chain(companion_files(path))
            .chain(std::iter::once(sibling(path, ".encrypting")))
        {
            files.remove(&name(&file)?).map_err(|e| io(path, e))?;
        }
        Ok(())
    }

    /// The browser's steps over a native folder, with the real SQLCipher.
    #[cfg(all(test, feature = "sqlcipher"))]
    mod tests {
        use std::io;

        use super::*;
        use crate::cipher::apply_key;

        /// Files named by their absolute paths, as the pool's are named by the store's path.
        struct Folder;
        impl Files for Folder {
            fn read(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
                match std::fs::read(name) {
                    Ok(b) => Ok(Some(b)),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(e),
                }
            }
            fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
                std::fs::write(name, bytes)
            }
            fn remove(&self, name: &str) -> io::Result<()> {
                match std::fs::remove_file(name) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                    _ => Ok(()),
                }
            }
        }

        fn plain_store(path: &Path) {
            let c = Connection::open(path).expect("open");
            c.execute_batch(
                "CREATE TABLE visits (t TEXT); INSERT INTO visits VALUES ('王国强家 unsynced visit'); PRAGMA user_version = 7;",
            )
            .expect("plain rows");
        }

        fn read_keyed(path: &Path, key: &StoreKey) -> (String, i64) {
            let c = Connection::open(path).expect("open");
            apply_key(&c, key, path).expect("the key opens it");
            let t = c.query_row("SELECT t FROM visits", [], |r| r.get(0)).expect("row");
            (t, c.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version"))
        }

        #[test]
        fn a_plain_store_is_encrypted_in_place_through_whole_files_and_keeps_its_rows() {
            let dir = tempfile::tempdir().expect("dir");
            let path = dir.path().join("taizhang.sqlite3");
            plain_store(&path);
            assert_eq!(file_kind(&Folder, &path).expect("kind"), FileKind::Plain);
            let key = StoreKey::from_bytes([7; 32]);
            encrypt_in_place(&Folder, &path, &key).expect("encrypt");
            assert_eq!(file_kind(&Folder, &path).expect("kind"), FileKind::Encrypted);
            let bytes = std::fs::read(&path).expect("bytes");
            assert!(!bytes.windows(15).any(|w| w == b"SQLite format 3"));
            assert!(!bytes.windows(6).any(|w| w == "王国强".as_bytes()[..6].as_ref()));
            assert_eq!(read_keyed(&path, &key), ("王国强家 unsynced visit".to_string(), 7));
            assert!(!sibling(&path, ".encrypting").exists(), "the copy is gone once in place");
            erase_files(&Folder, &path).expect("erase");
            assert_eq!(file_kind(&Folder, &path).expect("kind"), FileKind::Absent);
        }

        /// A pool that refuses the store's bytes while a hot journal is beside it.
        struct RefusesWithJournal;
        impl Files for RefusesWithJournal {
            fn read(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
                Folder.read(name)
            }
            fn head(&self, name: &str, len: usize) -> io::Result<Option<Vec<u8>>> {
                let journal = format!("{name}-journal");
                if std::fs::metadata(&journal).is_ok_and(|m| m.len() > 0) {
                    return Err(io::Error::other("database has journal or WAL sidecars"));
                }
                Ok(Folder.read(name)?.map(|mut b| {
                    b.truncate(len);
                    b
                }))
            }
            fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
                Folder.write(name, bytes)
            }
            fn remove(&self, name: &str) -> io::Result<()> {
                Folder.remove(name)
            }
        }

        #[test]
        fn a_hot_journal_is_rolled_back_or_left_to_the_keyed_open() {
            let dir = tempfile::tempdir().expect("dir");
            let path = dir.path().join("taizhang.sqlite3");
            plain_store(&path);
            // A journal beside the store: the pool refuses the bytes, the unkeyed open clears
            // it (SQLite drops a journal that is not hot), and the plain store is seen as plain.
            std::fs::write(sibling(&path, "-journal"), b"not a journal SQLite would roll back").expect("journal");
            assert_eq!(file_kind(&RefusesWithJournal, &path).expect("kind"), FileKind::Plain);
            assert!(
                !sibling(&path, "-journal").exists()
                    || std::fs::metadata(sibling(&path, "-journal")).expect("m").len() == 0
            );
            // Still refused after that open: only a key could roll it back, so "encrypted".
            struct Refuses;
            impl Files for Refuses {
                fn read(&self, _: &str) -> io::Result<Option<Vec<u8>>> {
                    Err(io::Error::other("database has journal or WAL sidecars"))
                }
                fn write(&self, _: &str, _: &[u8]) -> io::Result<()> {
                    Ok(())
                }
                fn remove(&self, _: &str) -> io::Result<()> {
                    Ok(())
                }
            }
            assert_eq!(head(&Refuses, &path).expect("kind"), FileKind::Encrypted);
        }

        #[test]
        fn a_crash_after_the_plain_store_went_is_finished_at_the_next_look() {
            let dir = tempfile::tempdir().expect("dir");
            let path = dir.path().join("taizhang.sqlite3");
            plain_store(&path);
            let key = StoreKey::from_bytes([9; 32]);
            // The export finished, the plain store was removed, then the crash.
            let tmp = sibling(&path, ".encrypting");
            export_encrypted(Connection::open(&path).expect("open"), &path, &tmp, &key).expect("export");
            std::fs::remove_file(&path).expect("rm plain");
            assert_eq!(file_kind(&Folder, &path).expect("kind"), FileKind::Encrypted);
            assert_eq!(read_keyed(&path, &key).0, "王国强家 unsynced visit");
            // A crash during the export instead: the plain store is still whole and starts again.
            let other = dir.path().join("other.sqlite3");
            plain_store(&other);
            std::fs::write(sibling(&other, ".encrypting"), b"half an export").expect("partial copy");
            assert_eq!(file_kind(&Folder, &other).expect("kind"), FileKind::Plain);
            encrypt_in_place(&Folder, &other, &key).expect("encrypt");
            assert_eq!(read_keyed(&other, &key).0, "王国强家 unsynced visit");
        }
    }
}

#[cfg(test)]
mod head_tests {
    use super::*;

    #[test]
    fn the_first_bytes_tell_plain_from_encrypted() {
        assert_eq!(kind_of_head(None), FileKind::Absent);
        assert_eq!(kind_of_head(Some(b"")), FileKind::Absent);
        assert_eq!(kind_of_head(Some(b"SQLite format 3\0\x10\0")), FileKind::Plain);
        assert_eq!(kind_of_head(Some(b"SQLite")), FileKind::Plain);
        assert_eq!(kind_of_head(Some(&[0x9c; 16])), FileKind::Encrypted);
    }
}
