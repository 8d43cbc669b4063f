//! The app lock wired to the store (issue 21). Where the operating system keeps the store's key
//! (`StoreKeying::Keystore`), the PIN is optional and only guards the window: the store stays
//! open behind a locked screen and background sync goes on. Where there is no keystore but the
//! build encrypts (`StoreKeying::Pin`, e.g. a Linux desktop without Secret Service) the PIN must
//! be set before anything else and it is ALSO the store's key (Argon2id, `PinKdf`): at start
//! the store stays closed until the PIN is entered. The PIN's hash, its salt, the idle time and
//! the count of wrong PINs in a row live in `<store>.lock.json`, written atomically.
//!
//! Changing the PIN of a PIN-keyed store asks for the current one (a wrong one counts like a
//! wrong unlock). The store's key does not change: it is sealed (ChaCha20-Poly1305) under the key
//! derived from the new PIN and kept in the lock file (`LockSettings::wrapped_key`), written in
//! one atomic replace — a crash leaves the old PIN or the new one working, never neither, and
//! the store is never rewritten.
//!
//! After five wrong PINs: with a keystore nothing unlocks, and the administrator's reset is
//! `revoke-device --wipe` while the app runs (it syncs behind the lock, pushes what it has, then
//! erases itself) and a new join code. With a PIN-keyed store the key comes from the PIN, so
//! each further attempt waits instead (1, 5, 15, then 60 minutes: `lock::AfterFive::Wait`) —
//! the person who knows the PIN is never shut out for good, and a forgotten PIN leaves the
//! unsynced records unreadable whatever the lock does (README, "The app lock").

use crate::contract::{LockStatus, StoreKeying};
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use native::PinGate;
#[cfg(target_arch = "wasm32")]
pub(crate) use web::PinGate;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    use serde::{Deserialize, Serialize};
    use taizhang_client::keystore::PinKdf;
    use taizhang_client::StoreKey;

    use super::{LockStatus, StoreKeying};
    use crate::lock::{AfterFive, AppLock, LockError, LockSettings, DEFAULT_IDLE_MS, MAX_ATTEMPTS};
    use crate::AppError;

    /// What `<store>.lock.json` holds.
    #[derive(Debug, Clone, Serialize, Deserialize)]
    struct LockFile {
        settings: LockSettings,
        #[serde(default)]
        failed: u32,
        /// When the last wrong PIN was entered (device clock, ms): a PIN-keyed store's wait
        /// counts from it.
        #[serde(default)]
        failed_at: i64,
    }

    /// The app lock of one store.
    pub(crate) struct PinGate {
        /// `None`: no lock at all (tests, a shell that did not ask for one).
        path: Option<PathBuf>,
        keying: StoreKeying,
        new_kdf: fn() -> PinKdf,
        lock: Mutex<AppLock>,
    }

    /// `<store>.lock.json`.
    pub(crate) fn lock_path(store: &Path) -> PathBuf {
        let mut s = store.as_os_str().to_owned();
        s.push(".lock.json");
        PathBuf::from(s)
    }

    /// The store's key from the settings and a PIN they accept: the key derived from the PIN,
    /// or what it unseals when the PIN was changed.
    fn store_key_of(settings: &LockSettings, pin: &str) -> Result<StoreKey, AppError> {
        let kek = settings.kdf.derive(pin).map_err(|e| AppError::invalid("pin", e.to_string()))?;
        let Some(wrapped) = &settings.wrapped_key else { return Ok(kek) };
        use chacha20poly1305::aead::{Aead, KeyInit};
        let bytes = hex::decode(wrapped).ok().filter(|b| b.len() > 12).ok_or_else(|| {
            AppError::Storage("the lock file's sealed store key is damaged: restore it from a backup".into())
        })?;
        let cipher = chacha20poly1305::ChaCha20Poly1305::new(kek.as_bytes().into());
        let key = cipher
            .decrypt(chacha20poly1305::Nonce::from_slice(&bytes[..12]), &bytes[12..])
            .ok()
            .and_then(|k| <[u8; 32]>::try_from(k.as_slice()).ok())
            .ok_or_else(|| {
                AppError::Storage(
                    "the lock file's sealed store key does not open with this PIN: restore the lock file from a backup"
                        .into(),
                )
            })?;
        Ok(StoreKey::from_bytes(key))
    }

    /// `key` sealed under the key derived from `pin` (a fresh random nonce), hex.
    fn seal_store_key(settings: &LockSettings, pin: &str, key: &StoreKey) -> Result<String, AppError> {
        use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
        let kek = settings.kdf.derive(pin).map_err(|e| AppError::invalid("pin", e.to_string()))?;
        let cipher = chacha20poly1305::ChaCha20Poly1305::new(kek.as_bytes().into());
        let nonce = chacha20poly1305::ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = cipher
            .encrypt(&nonce, key.as_bytes().as_slice())
            .map_err(|_| AppError::Internal("the store key could not be sealed".into()))?;
        Ok(hex::encode([nonce.as_slice(), sealed.as_slice()].concat()))
    }

    fn lock_error(e: LockError) -> AppError {
        match e {
            LockError::TooShort => AppError::invalid("pin", e.to_string()),
            LockError::Wrong { left } => AppError::WrongPin(left),
            LockError::Blocked => AppError::PinBlocked,
            LockError::Wait { retry_at } => AppError::PinWait(retry_at),
        }
    }

    impl PinGate {
        /// No lock (tests and shells that open the store with a key they hold themselves).
        pub(crate) fn disabled(keying: StoreKeying) -> Self {
            PinGate { path: None, keying, new_kdf: PinKdf::new, lock: Mutex::new(AppLock::new(None, 0)) }
        }

        /// The lock of `store`, read from its lock file (locked at start when a PIN is set).
        pub(crate) fn load(
            store: &Path,
            keying: StoreKeying,
            new_kdf: fn() -> PinKdf,
            now: i64,
        ) -> Result<Self, AppError> {
            let path = lock_path(store);
            let file: Option<LockFile> = match std::fs::read(&path) {
                Ok(b) => Some(serde_json::from_slice(&b).map_err(|e| {
                    AppError::Storage(format!("{} cannot be read ({e}): restore it from a backup", path.display()))
                })?),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(AppError::Storage(format!("{}: {e}", path.display()))),
            };
            let after_five = match keying {
                StoreKeying::Pin => AfterFive::Wait,
                _ => AfterFive::Block,
            };
            let lock = match file {
                Some(f) => {
                    AppLock::new(Some(f.settings), now).after_five(after_five).with_failed(f.failed, f.failed_at)
                }
                None => AppLock::new(None, now).after_five(after_five),
            };
            Ok(PinGate { path: Some(path), keying, new_kdf, lock: Mutex::new(lock) })
        }

        fn lock(&self) -> std::sync::MutexGuard<'_, AppLock> {
            self.lock.lock().unwrap_or_else(|p| p.into_inner())
        }

        /// Whether a PIN is set (for a PIN-keyed store: whether the store is sealed at start).
        pub(crate) fn has_pin(&self) -> bool {
            self.lock().settings().is_some()
        }

        fn pin_required(&self, l: &AppLock) -> bool {
            self.path.is_some() && self.keying == StoreKeying::Pin && l.settings().is_none()
        }

        pub(crate) fn status(&self, now: i64) -> LockStatus {
            let mut l = self.lock();
            let locked = l.is_locked(now);
            let idle = l.settings().map_or(DEFAULT_IDLE_MS, |s| s.idle_ms);
            LockStatus {
                keying: self.keying,
                has_pin: l.settings().is_some(),
                pin_required: self.pin_required(&l),
                locked,
                attempts_left: MAX_ATTEMPTS.saturating_sub(l.failed()),
                blocked: l.blocked(),
                retry_at: l.retry_at(now),
                idle_minutes: u32::try_from(idle / 60_000).unwrap_or(u32::MAX),
            }
        }

        /// Refuses while the PIN is needed (or must be set first); otherwise the person was
        /// active at `now`.
        pub(crate) fn guard(&self, now: i64) -> Result<(), AppError> {
            let mut l = self.lock();
            if self.pin_required(&l) {
                return Err(AppError::Locked("set a PIN first: on this device the PIN protects the store".into()));
            }
            if l.is_locked(now) {
                return Err(AppError::Locked("the app is locked: enter the PIN".into()));
            }
            l.touch(now);
            Ok(())
        }

        pub(crate) fn touch(&self, now: i64) {
            self.lock().touch(now);
        }

        fn save(&self, l: &AppLock) -> Result<(), AppError> {
            let Some(path) = &self.path else { return Ok(()) };
            let Some(settings) = l.settings() else {
                return match std::fs::remove_file(path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        Err(AppError::Storage(format!("{}: {e}", path.display())))
                    }
                    _ => Ok(()),
                };
            };
            let file = LockFile { settings: settings.clone(), failed: l.failed(), failed_at: l.failed_at() };
            let bytes = serde_json::to_vec_pretty(&file).map_err(|e| AppError::Internal(e.to_string()))?;
            crate::settings::replace_file(path, &bytes)
                .map_err(|e| AppError::Storage(format!("{}: {e}", path.display())))
        }

        /// Sets the PIN (or changes it, while open). For a PIN-keyed store, returns the store's
        /// key; changing its PIN needs the `current` one and keeps the same store key, sealed
        /// under the new PIN.
        pub(crate) fn set_pin(
            &self,
            pin: &str,
            current: Option<&str>,
            idle_minutes: u32,
            now: i64,
        ) -> Result<Option<StoreKey>, AppError> {
            if self.path.is_none() {
                return Err(AppError::Internal("this app was started without a lock".into()));
            }
            let mut l = self.lock();
            let mut kept_key = None;
            if let Some(old) = l.settings().cloned() {
                if l.is_locked(now) {
                    return Err(AppError::Locked("the app is locked: enter the PIN".into()));
                }
                if self.keying == StoreKeying::Pin {
                    let Some(current) = current.filter(|c| !c.is_empty()) else {
                        return Err(AppError::invalid(
                            "currentPin",
                            "请先输入现在的 PIN（它也是本机存储的钥匙）/ enter the current PIN first (it also keys this device's store)",
                        ));
                    };
                    // A wrong current PIN counts like a wrong unlock (five block the lock).
                    let before = (l.failed(), l.failed_at());
                    let checked = l.unlock(current, now);
                    if (l.failed(), l.failed_at()) != before {
                        self.save(&l)?;
                    }
                    checked.map_err(lock_error)?;
                    kept_key = Some(store_key_of(&old, current)?);
                }
            }
            let idle_ms = i64::from(idle_minutes.max(1)) * 60_000;
            let mut next = l.clone();
            next.set_pin(pin, idle_ms, (self.new_kdf)(), now).map_err(lock_error)?;
            let key = match (self.keying, kept_key) {
                (StoreKeying::Pin, Some(key)) => {
                    let sealed = {
                        let settings = next.settings().ok_or_else(|| AppError::Internal("no PIN set".into()))?;
                        seal_store_key(settings, pin, &key)?
                    };
                    next.seal(sealed);
                    Some(key)
                }
                (StoreKeying::Pin, None) => {
                    let settings = next.settings().ok_or_else(|| AppError::Internal("no PIN set".into()))?;
                    Some(store_key_of(settings, pin)?)
                }
                _ => None,
            };
            self.save(&next)?;
            *l = next;
            Ok(key)
        }

        /// Tries `pin`; the count of wrong ones is saved before the answer. For a PIN-keyed
        /// store, returns its key.
        pub(crate) fn unlock(&self, pin: &str, now: i64) -> Result<Option<StoreKey>, AppError> {
            let mut l = self.lock();
            let Some(settings) = l.settings().cloned() else { return Ok(None) };
            let before = (l.failed(), l.failed_at());
            let r = l.unlock(pin, now);
            if (l.failed(), l.failed_at()) != before {
                self.save(&l)?;
            }
            r.map_err(lock_error)?;
            match self.keying {
                StoreKeying::Pin => Ok(Some(store_key_of(&settings, pin)?)),
                _ => Ok(None),
            }
        }

        /// Forgets the PIN (remote wipe: the next store gets a new one).
        pub(crate) fn forget(&self) -> Result<(), AppError> {
            let mut l = self.lock();
            l.clear();
            self.save(&l)
        }
    }
}

/// The browser has no lock (its store is not encrypted: README, "Not done yet").
#[cfg(target_arch = "wasm32")]
mod web {
    use super::{LockStatus, StoreKeying};
    use crate::AppError;

    pub(crate) struct PinGate;

    impl PinGate {
        pub(crate) fn disabled(_keying: StoreKeying) -> Self {
            PinGate
        }
        pub(crate) fn status(&self, _now: i64) -> LockStatus {
            LockStatus {
                keying: StoreKeying::Plain,
                has_pin: false,
                pin_required: false,
                locked: false,
                attempts_left: 0,
                blocked: false,
                retry_at: None,
                idle_minutes: 0,
            }
        }
        pub(crate) fn guard(&self, _now: i64) -> Result<(), AppError> {
            Ok(())
        }
        pub(crate) fn touch(&self, _now: i64) {}
        pub(crate) fn set_pin(
            &self,
            _pin: &str,
            _current: Option<&str>,
            _idle_minutes: u32,
            _now: i64,
        ) -> Result<Option<taizhang_client::StoreKey>, AppError> {
            Err(AppError::NotAllowed("the web client has no app lock".into()))
        }
        pub(crate) fn unlock(&self, _pin: &str, _now: i64) -> Result<Option<taizhang_client::StoreKey>, AppError> {
            Ok(None)
        }
        pub(crate) fn forget(&self) -> Result<(), AppError> {
            Ok(())
        }
    }
}
