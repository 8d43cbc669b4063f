//! Remote wipe on the device (issue 21): when the server answers that the administrator
//! revoked this device and ordered it erased — after the sync engine has pushed everything it
//! had not synced — the app drops its ledger, erases the store (rows first, through SQLite,
//! then the files overwritten and removed), forgets the store key (a new one for a store made by joining again) and leaves a short note of
//! why, which the Set-up screen shows. In the web client the same happens in the browser's
//! storage (`taizhang_store::files`): the pool's files of the ledger are truncated and freed,
//! the lock state goes with the PIN, and the note is kept there.

use std::path::{Path, PathBuf};

use crate::AppError;

/// Forgets the store key wherever the platform keeps it and returns the key for the next store
/// (made when the device joins again; `None`: a plain store). Set by the shell, see
/// `AppCore::with_renew_key`.
pub type RenewKey = Box<dyn Fn() -> Option<taizhang_client::StoreKey> + Send + Sync>;

/// `<store>.wiped`: the reason, shown on the Set-up screen until the device joins again.
pub(crate) fn note_path(store: &Path) -> PathBuf {
    let mut s = store.as_os_str().to_owned();
    s.push(".wiped");
    PathBuf::from(s)
}

/// The reason of the last wipe, if this device was wiped and has not joined since.
pub(crate) fn note(store: &Path) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    let text = taizhang_store::files::files()
        .ok()
        .and_then(|f| taizhang_store::files::load_atomic(&*f, &note_path(store).display().to_string()).ok().flatten())
        .and_then(|b| String::from_utf8(b).ok());
    #[cfg(not(target_arch = "wasm32"))]
    let text = std::fs::read_to_string(note_path(store)).ok();
    text.filter(|s| !s.trim().is_empty())
}

/// Clears the note (the device joined again).
pub(crate) fn clear_note(store: &Path) {
    #[cfg(target_arch = "wasm32")]
    if let Ok(f) = taizhang_store::files::files() {
        let _ = taizhang_store::files::remove_atomic(&*f, &note_path(store).display().to_string());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = std::fs::remove_file(note_path(store));
}

fn write_note(store: &Path, reason: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Ok(f) = taizhang_store::files::files() {
        let _ = taizhang_store::files::save_atomic(&*f, &note_path(store).display().to_string(), reason.as_bytes());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = std::fs::write(note_path(store), reason);
}

/// Whether there is a store at `path` (in the browser: a file of its storage that is not empty).
pub(crate) fn store_exists(path: &Path) -> bool {
    if cfg!(target_arch = "wasm32") {
        return taizhang_store::file_kind(path).is_ok_and(|k| k != taizhang_store::FileKind::Absent);
    }
    path.exists()
}

/// Erases the store of `ledger` at `path` and writes the note (the caller renews the key).
pub(crate) fn erase(ledger: taizhang_client::Ledger, path: &Path, reason: &str) -> Result<(), AppError> {
    // Rows first through SQLite (the browser's storage cannot be overwritten in place: there
    // the pool's file is truncated and reused, whatever its disk blocks still hold), then the
    // files themselves.
    ledger.store().erase_contents().map_err(|e| AppError::Storage(e.to_string()))?;
    drop(ledger);
    taizhang_client::erase_store(path).map_err(|e| AppError::Storage(e.to_string()))?;
    write_note(path, reason);
    Ok(())
}
