//! Remote wipe on the device (issue 21): when the server answers that the administrator
//! revoked this device and ordered it erased — after the sync engine has pushed everything it
//! had not synced — the app drops its ledger, erases the store (rows first, through SQLite,
//! then the files overwritten and removed), forgets the store key (a new one for a store made by joining again) and leaves a short note of
//! why, which the Set-up screen shows.

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
    std::fs::read_to_string(note_path(store)).ok().filter(|s| !s.trim().is_empty())
}

/// Clears the note (the device joined again).
pub(crate) fn clear_note(store: &Path) {
    let _ = std::fs::remove_file(note_path(store));
}

/// Erases the store of `ledger` at `path` and writes the note (the caller renews the key).
pub(crate) fn erase(ledger: taizhang_client::Ledger, path: &Path, reason: &str) -> Result<(), AppError> {
    // Rows first through SQLite, so a platform whose files this process cannot overwrite (the
    // browser's storage) keeps nothing readable either; then the files themselves.
    ledger.store().erase_contents().map_err(|e| AppError::Storage(e.to_string()))?;
    drop(ledger);
    if !cfg!(target_arch = "wasm32") {
        taizhang_client::erase_store(path).map_err(|e| AppError::Storage(e.to_string()))?;
    }
    let _ = std::fs::write(note_path(path), reason);
    Ok(())
}
