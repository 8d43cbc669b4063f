//! What the web client's app lock keeps and how its store key is sealed (issue 21): the lock
//! state as bytes (the same JSON as the native `<store>.lock.json`) and the store key from a PIN,
//! or sealed under a new PIN (ChaCha20-Poly1305), for both halves of `crate::pin` (the native
//! `<store>.lock.json` file and the browser's OPFS copy). Plain Rust, tested natively.

use std::path::Path;

use serde::{Deserialize, Serialize};
use taizhang_client::StoreKey;

use crate::lock::{LockError, LockSettings};
use crate::AppError;

/// What the lock state holds: the PIN's settings and the count of wrong PINs in a row.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LockFile {
    pub(crate) settings: LockSettings,
    #[serde(default)]
    pub(crate) failed: u32,
    /// When the last wrong PIN was entered (device clock, ms): the wait after five counts from it.
    #[serde(default)]
    pub(crate) failed_at: i64,
}

impl LockFile {
    pub(crate) fn parse(bytes: &[u8], name: &str) -> Result<Self, AppError> {
        serde_json::from_slice(bytes).map_err(|e| {
            AppError::Storage(format!(
                "{name} cannot be read ({e}): the lock state is damaged; restore it from a backup"
            ))
        })
    }

    pub(crate) fn to_bytes(&self) -> Result<Vec<u8>, AppError> {
        serde_json::to_vec_pretty(self).map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// `<store>.lock.json`: the lock state's name beside the store.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the native half joins an OsString
pub(crate) fn lock_name(store: &Path) -> String {
    format!("{}.lock.json", store.display())
}

pub(crate) fn lock_error(e: LockError) -> AppError {
    match e {
        LockError::TooShort => AppError::invalid("pin", e.to_string()),
        LockError::Wrong { left } => AppError::WrongPin(left),
        LockError::Blocked => AppError::PinBlocked,
        LockError::Wait { retry_at } => AppError::PinWait(retry_at),
    }
}

/// The store's key from the settings and a PIN they accept: the key derived from the PIN, or
/// what it unseals when the PIN was changed.
pub(crate) fn store_key_of(settings: &LockSettings, pin: &str) -> Result<StoreKey, AppError> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    let kek = settings.kdf.derive(pin).map_err(|e| AppError::invalid("pin", e.to_string()))?;
    let Some(wrapped) = &settings.wrapped_key else { return Ok(kek) };
    let bytes = hex::decode(wrapped)
        .ok()
        .filter(|b| b.len() > 12)
        .ok_or_else(|| AppError::Storage("the lock state's sealed store key is damaged".into()))?;
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(kek.as_bytes().into());
    let key = cipher
        .decrypt(chacha20poly1305::Nonce::from_slice(&bytes[..12]), &bytes[12..])
        .ok()
        .and_then(|k| <[u8; 32]>::try_from(k.as_slice()).ok())
        .ok_or_else(|| AppError::Storage("the lock state's sealed store key does not open with this PIN".into()))?;
    Ok(StoreKey::from_bytes(key))
}

/// `key` sealed under the key derived from `pin` (a fresh random nonce), hex of nonce ‖ sealed.
pub(crate) fn seal_store_key(settings: &LockSettings, pin: &str, key: &StoreKey) -> Result<String, AppError> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    let kek = settings.kdf.derive(pin).map_err(|e| AppError::invalid("pin", e.to_string()))?;
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(kek.as_bytes().into());
    let nonce: [u8; 12] = rand::random();
    let sealed = cipher
        .encrypt(chacha20poly1305::Nonce::from_slice(&nonce), key.as_bytes().as_slice())
        .map_err(|_| AppError::Internal("the store key could not be sealed".into()))?;
    Ok(hex::encode([nonce.as_slice(), sealed.as_slice()].concat()))
}

#[cfg(test)]
mod tests {
    use taizhang_client::keystore::PinKdf;

    use super::*;
    use crate::lock::AppLock;

    fn settings(pin: &str) -> LockSettings {
        let mut l = AppLock::new(None, 0);
        l.set_pin(pin, 60_000, PinKdf::with_cost(256, 1), 0).expect("pin").clone()
    }

    #[test]
    fn a_changed_pin_unseals_the_first_pins_store_key() {
        let first = settings("246810");
        let key = store_key_of(&first, "246810").expect("key");
        let mut second = settings("135791");
        second.wrapped_key = Some(seal_store_key(&second, "135791", &key).expect("seal"));
        assert_eq!(store_key_of(&second, "135791").expect("unseal"), key);
        assert!(store_key_of(&second, "000000").is_err(), "another PIN unseals nothing");
    }

    #[test]
    fn the_saved_state_round_trips_and_holds_no_pin() {
        let f = LockFile { settings: settings("246810"), failed: 2, failed_at: 7 };
        let bytes = f.to_bytes().expect("bytes");
        assert!(!String::from_utf8_lossy(&bytes).contains("246810"));
        let back = LockFile::parse(&bytes, "x").expect("parse");
        assert_eq!((back.settings, back.failed, back.failed_at), (f.settings, 2, 7));
        assert!(LockFile::parse(b"{", "x").is_err());
        assert_eq!(lock_name(Path::new("/taizhang.sqlite3")), "/taizhang.sqlite3.lock.json");
    }
}
