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

    use taizhang_client::keystore::PinKdf;
    use taizhang_client::StoreKey;

    use super::{LockStatus, StoreKeying};
    use crate::lock::{AfterFive, AppLock, DEFAULT_IDLE_MS, MAX_ATTEMPTS};
    use crate::pin_state::{lock_error, seal_store_key, store_key_of, LockFile};
    use crate::AppError;

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
                Ok(b) => Some(LockFile::parse(&b, &path.display().to_string())?),
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
            crate::settings::replace_file(path, &file.to_bytes()?)
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

/// The web client's lock (issue 21): the browser has no keystore, so the store is always
/// PIN-keyed (`StoreKeying::Pin`) and the PIN must be set before joining. The same decisions as
/// the native half (`crate::lock::AppLock`), with the lock state kept in the browser's storage
/// (two slots of `<store>.lock.json` in the pool: `taizhang_store::files::save_atomic`, so a
/// crash while saving leaves the previous state readable) instead of a file.
// Built natively too for its tests (over `taizhang_store::files::MemFiles`).
#[cfg(any(target_arch = "wasm32", test))]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod web {
    use std::path::Path;
    use std::sync::Mutex;

    use taizhang_client::keystore::PinKdf;
    use taizhang_client::StoreKey;

    use super::{LockStatus, StoreKeying};
    use crate::lock::{AfterFive, AppLock, DEFAULT_IDLE_MS, MAX_ATTEMPTS};
    use crate::pin_state::{lock_error, seal_store_key, store_key_of, LockFile};
    use crate::AppError;

    pub(crate) struct PinGate {
        /// `None`: no lock (a core opened without one).
        name: Option<String>,
        keying: StoreKeying,
        new_kdf: fn() -> PinKdf,
        lock: Mutex<AppLock>,
    }

    fn storage(e: std::io::Error) -> AppError {
        AppError::Storage(format!("the app lock's state in this browser: {e}"))
    }

    impl PinGate {
        pub(crate) fn disabled(keying: StoreKeying) -> Self {
            PinGate { name: None, keying, new_kdf: PinKdf::new, lock: Mutex::new(AppLock::new(None, 0)) }
        }

        /// The lock of `store`, read from the browser's storage (locked at start when a PIN is set).
        pub(crate) fn load(
            store: &Path,
            keying: StoreKeying,
            new_kdf: fn() -> PinKdf,
            now: i64,
        ) -> Result<Self, AppError> {
            let name = crate::pin_state::lock_name(store);
            let files = taizhang_store::files::files().map_err(storage)?;
            let file = match taizhang_store::files::load_atomic(&*files, &name).map_err(storage)? {
                Some(b) => Some(LockFile::parse(&b, &name)?),
                None => None,
            };
            // The PIN is the ledger's key here: five wrong ones make each attempt wait, as natively.
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
            Ok(PinGate { name: Some(name), keying, new_kdf, lock: Mutex::new(lock) })
        }

        fn lock(&self) -> std::sync::MutexGuard<'_, AppLock> {
            self.lock.lock().unwrap_or_else(|p| p.into_inner())
        }

        pub(crate) fn has_pin(&self) -> bool {
            self.lock().settings().is_some()
        }

        fn pin_required(&self, l: &AppLock) -> bool {
            self.name.is_some() && self.keying == StoreKeying::Pin && l.settings().is_none()
        }

        pub(crate) fn status(&self, now: i64) -> LockStatus {
            let mut l = self.lock();
            let locked = l.is_locked(now);
            let idle = l.settings().map_or(DEFAULT_IDLE_MS, |s| s.idle_ms);
            LockStatus {
                keying: if self.name.is_some() { self.keying } else { StoreKeying::Plain },
                has_pin: l.settings().is_some(),
                pin_required: self.pin_required(&l),
                locked,
                attempts_left: MAX_ATTEMPTS.saturating_sub(l.failed()),
                blocked: l.blocked(),
                retry_at: l.retry_at(now),
                idle_minutes: u32::try_from(idle / 60_000).unwrap_or(u32::MAX),
            }
        }

        pub(crate) fn guard(&self, now: i64) -> Result<(), AppError> {
            let mut l = self.lock();
            if self.pin_required(&l) {
                return Err(AppError::Locked(
                    "set a PIN first: in this browser the PIN is the key of the ledger".into(),
                ));
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
            let Some(name) = &self.name else { return Ok(()) };
            let files = taizhang_store::files::files().map_err(storage)?;
            match l.settings() {
                None => taizhang_store::files::remove_atomic(&*files, name).map_err(storage),
                Some(settings) => {
                    let bytes = LockFile { settings: settings.clone(), failed: l.failed(), failed_at: l.failed_at() }
                        .to_bytes()?;
                    taizhang_store::files::save_atomic(&*files, name, &bytes).map_err(storage)
                }
            }
        }

        /// As natively: sets the PIN (changing it needs the current one and keeps the store's
        /// key, sealed under the new PIN); returns the store's key.
        pub(crate) fn set_pin(
            &self,
            pin: &str,
            current: Option<&str>,
            idle_minutes: u32,
            now: i64,
        ) -> Result<Option<StoreKey>, AppError> {
            if self.name.is_none() {
                return Err(AppError::Internal("this app was started without a lock".into()));
            }
            let mut l = self.lock();
            let mut kept_key = None;
            if let Some(old) = l.settings().cloned() {
                if l.is_locked(now) {
                    return Err(AppError::Locked("the app is locked: enter the PIN".into()));
                }
                let Some(current) = current.filter(|c| !c.is_empty()) else {
                    return Err(AppError::invalid(
                        "currentPin",
                        "请先输入现在的 PIN（它也是本机存储的钥匙）/ enter the current PIN first (it also keys this device's store)",
                    ));
                };
                let before = (l.failed(), l.failed_at());
                let checked = l.unlock(current, now);
                if (l.failed(), l.failed_at()) != before {
                    self.save(&l)?;
                }
                checked.map_err(lock_error)?;
                kept_key = Some(store_key_of(&old, current)?);
            }
            let idle_ms = i64::from(idle_minutes.max(1)) * 60_000;
            let mut next = l.clone();
            next.set_pin(pin, idle_ms, (self.new_kdf)(), now).map_err(lock_error)?;
            let settings = next.settings().cloned().ok_or_else(|| AppError::Internal("no PIN set".into()))?;
            let key = match kept_key {
                Some(key) => {
                    next.seal(seal_store_key(&settings, pin, &key)?);
                    key
                }
                None => store_key_of(&settings, pin)?,
            };
            self.save(&next)?;
            *l = next;
            Ok(Some(key))
        }

        pub(crate) fn unlock(&self, pin: &str, now: i64) -> Result<Option<StoreKey>, AppError> {
            let mut l = self.lock();
            let Some(settings) = l.settings().cloned() else { return Ok(None) };
            let before = (l.failed(), l.failed_at());
            let r = l.unlock(pin, now);
            if (l.failed(), l.failed_at()) != before {
                self.save(&l)?;
            }
            r.map_err(lock_error)?;
            Ok(Some(store_key_of(&settings, pin)?))
        }

        /// Forgets the PIN (remote wipe): its state leaves the browser's storage.
        pub(crate) fn forget(&self) -> Result<(), AppError> {
            let mut l = self.lock();
            l.clear();
            self.save(&l)
        }
    }

    #[cfg(test)]
    mod tests {
        use std::rc::Rc;

        use taizhang_store::files::{Files, MemFiles};

        use super::*;
        use crate::lock::MAX_ATTEMPTS;

        const STORE: &str = "/taizhang.sqlite3";

        fn cheap() -> PinKdf {
            PinKdf::with_cost(256, 1)
        }

        fn browser() -> Rc<MemFiles> {
            let files = Rc::new(MemFiles::default());
            taizhang_store::files::install(files.clone() as Rc<dyn Files>);
            files
        }

        fn gate(now: i64) -> PinGate {
            PinGate::load(Path::new(STORE), StoreKeying::Pin, cheap, now).expect("load")
        }

        #[test]
        fn the_pin_is_set_first_and_keys_the_store_across_a_reload() {
            let files = browser();
            let g = gate(0);
            assert!(g.status(0).pin_required, "nothing before the PIN");
            assert!(matches!(g.guard(0), Err(AppError::Locked(_))));
            let key = g.set_pin("246810", None, 5, 0).expect("set").expect("the PIN keys the store");
            assert!(g.guard(1).is_ok());
            let kept = files.files.borrow().keys().cloned().collect::<Vec<_>>();
            assert_eq!(kept, vec!["/taizhang.sqlite3.lock.json.a".to_string()]);
            assert!(!files.files.borrow().values().any(|b| String::from_utf8_lossy(b).contains("246810")));

            // A reload: locked, a wrong PIN counted (and kept), the right one gives the same key.
            let g = gate(10);
            let s = g.status(10);
            assert!(s.locked && !s.pin_required && s.keying == StoreKeying::Pin);
            assert!(matches!(g.unlock("135790", 11), Err(AppError::WrongPin(4))));
            let again = gate(12);
            assert_eq!(again.status(12).attempts_left, MAX_ATTEMPTS - 1, "a reload gives no attempt back");
            assert_eq!(again.unlock("246810", 13).expect("unlock"), Some(key));
        }

        #[test]
        fn a_changed_pin_keeps_the_store_key_and_a_torn_save_keeps_the_old_pin() {
            let files = browser();
            let g = gate(0);
            let key = g.set_pin("246810", None, 5, 0).expect("set").expect("key");
            assert!(matches!(g.set_pin("135791", None, 5, 1), Err(AppError::Invalid { .. })), "the current PIN first");
            assert_eq!(g.set_pin("135791", Some("246810"), 5, 2).expect("change"), Some(key.clone()));
            assert_eq!(gate(3).unlock("135791", 4).expect("new PIN"), Some(key.clone()));
            // The next change is torn half-way: the last saved PIN still opens the store.
            let g = gate(5);
            g.unlock("135791", 5).expect("open");
            *files.tear_next_write_at.borrow_mut() = Some(40);
            assert!(g.set_pin("112233", Some("135791"), 5, 6).is_err());
            assert_eq!(gate(7).unlock("135791", 8).expect("old PIN"), Some(key));
        }

        #[test]
        fn five_wrong_pins_make_the_next_attempt_wait_and_a_wipe_forgets_the_pin() {
            let files = browser();
            let g = gate(0);
            g.set_pin("246810", None, 5, 0).expect("set");
            let g = gate(1_000);
            for _ in 0..MAX_ATTEMPTS - 1 {
                assert!(matches!(g.unlock("000000", 2_000), Err(AppError::WrongPin(_))));
            }
            assert!(matches!(g.unlock("000000", 2_000), Err(AppError::PinWait(62_000))));
            let s = gate(3_000).status(3_000);
            assert_eq!((s.blocked, s.retry_at), (false, Some(62_000)), "the wait survives a reload");
            g.forget().expect("forget");
            assert!(files.files.borrow().is_empty(), "the lock state left the browser's storage");
            assert!(gate(4_000).status(4_000).pin_required);
        }
    }
}
