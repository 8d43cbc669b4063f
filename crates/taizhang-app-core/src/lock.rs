//! The app lock (issue 21): a PIN asked after a configurable idle time, a limited number of
//! attempts. The lock guards the screen, not the records: background sync goes on while the
//! app is locked (the store key is the keystore's, not the PIN), so a forgotten PIN never
//! loses an unsynced record — the way out is the administrator's `revoke-device --wipe` (the
//! phone pushes everything, then erases itself) and a new join code. Wired to the store and the
//! window by `crate::pin` (where there is no keystore the PIN is also the store's key).

use serde::{Deserialize, Serialize};
use taizhang_client::keystore::{PinKdf, PIN_MIN_LEN};

/// Default idle time before the PIN is asked again.
pub const DEFAULT_IDLE_MS: i64 = 5 * 60 * 1000;
/// Wrong PINs in a row before the lock stops accepting any (until the administrator's reset).
pub const MAX_ATTEMPTS: u32 = 5;

/// What the lock keeps (in the settings file beside the store: the PIN only as an Argon2id
/// hash with its salt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockSettings {
    pub kdf: PinKdf,
    /// `PinKdf::derive(pin)` hashed once more with SHA-256 (hex): what the PIN is checked against.
    pub verifier: String,
    pub idle_ms: i64,
    /// Where the PIN keys the store and was changed: the store's key sealed (ChaCha20-Poly1305,
    /// hex of nonce ‖ ciphertext) under the key derived from the current PIN. Absent: the
    /// store's key IS the key derived from the PIN (as set first). Changing the PIN re-seals
    /// the same store key, so the store itself is never rewritten (`crate::pin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrapped_key: Option<String>,
}

/// Why a PIN did not unlock.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LockError {
    #[error("the PIN must have at least {PIN_MIN_LEN} digits")]
    TooShort,
    #[error("wrong PIN: {left} attempts left")]
    Wrong { left: u32 },
    #[error("too many wrong PINs: the app stays locked (it still syncs); ask the administrator to reset this device — what it has not synced is sent first")]
    Blocked,
}

/// The lock's state in a running app.
#[derive(Debug, Clone)]
pub struct AppLock {
    settings: Option<LockSettings>,
    last_active: i64,
    locked: bool,
    failed: u32,
}

fn verifier_of(kdf: &PinKdf, pin: &str) -> Result<String, LockError> {
    use sha2::Digest;
    let key = kdf.derive(pin).map_err(|_| LockError::TooShort)?;
    Ok(hex::encode(sha2::Sha256::digest(key.as_bytes())))
}

impl AppLock {
    /// A lock with `settings` (none: no PIN set, never locks), locked at start when there is a PIN.
    pub fn new(settings: Option<LockSettings>, now: i64) -> Self {
        let locked = settings.is_some();
        AppLock { settings, last_active: now, locked, failed: 0 }
    }

    /// Sets (or changes) the PIN; the lock stays open.
    pub fn set_pin(&mut self, pin: &str, idle_ms: i64, kdf: PinKdf, now: i64) -> Result<&LockSettings, LockError> {
        if pin.chars().count() < PIN_MIN_LEN || !pin.chars().all(|c| c.is_ascii_digit()) {
            return Err(LockError::TooShort);
        }
        let verifier = verifier_of(&kdf, pin)?;
        self.settings = Some(LockSettings { kdf, verifier, idle_ms: idle_ms.max(30_000), wrapped_key: None });
        self.locked = false;
        self.failed = 0;
        self.last_active = now;
        self.settings.as_ref().ok_or(LockError::TooShort)
    }

    /// Keeps the store's key sealed under the PIN just set (see [`LockSettings::wrapped_key`]).
    pub fn seal(&mut self, wrapped_key: String) {
        if let Some(s) = self.settings.as_mut() {
            s.wrapped_key = Some(wrapped_key);
        }
    }

    /// A lock whose count of wrong PINs in a row was saved (a restart does not reset it).
    pub fn with_failed(mut self, failed: u32) -> Self {
        self.failed = failed.min(MAX_ATTEMPTS);
        self
    }

    /// Wrong PINs in a row so far.
    pub fn failed(&self) -> u32 {
        self.failed
    }

    /// What is saved: the PIN's hash and the idle time (none: no PIN set).
    pub fn settings(&self) -> Option<&LockSettings> {
        self.settings.as_ref()
    }

    /// Forgets the PIN (a remote wipe): the lock opens and never closes until a new one is set.
    pub fn clear(&mut self) {
        self.settings = None;
        self.locked = false;
        self.failed = 0;
    }

    /// The person did something at `now`: the idle time starts again (while open).
    pub fn touch(&mut self, now: i64) {
        if !self.is_locked(now) {
            self.last_active = now;
        }
    }

    /// Whether the PIN is needed at `now`.
    pub fn is_locked(&mut self, now: i64) -> bool {
        if let Some(s) = &self.settings {
            if now.saturating_sub(self.last_active) >= s.idle_ms {
                self.locked = true;
            }
        }
        self.locked
    }

    /// Tries `pin`. After [`MAX_ATTEMPTS`] wrong ones in a row nothing unlocks.
    pub fn unlock(&mut self, pin: &str, now: i64) -> Result<(), LockError> {
        let Some(s) = &self.settings else {
            self.locked = false;
            return Ok(());
        };
        if self.failed >= MAX_ATTEMPTS {
            return Err(LockError::Blocked);
        }
        let ok = verifier_of(&s.kdf, pin).is_ok_and(|v| v == s.verifier);
        if ok {
            self.locked = false;
            self.failed = 0;
            self.last_active = now;
            return Ok(());
        }
        self.failed += 1;
        match MAX_ATTEMPTS - self.failed {
            0 => Err(LockError::Blocked),
            left => Err(LockError::Wrong { left }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kdf() -> PinKdf {
        PinKdf::with_cost(256, 1)
    }

    #[test]
    fn no_pin_never_locks() {
        let mut l = AppLock::new(None, 0);
        assert!(!l.is_locked(i64::MAX / 2));
    }

    #[test]
    fn the_pin_is_asked_after_the_idle_time_and_opens_the_lock() {
        let mut l = AppLock::new(None, 0);
        l.set_pin("246810", 60_000, kdf(), 0).expect("pin");
        l.touch(50_000);
        assert!(!l.is_locked(100_000), "activity restarted the idle time");
        assert!(l.is_locked(110_000));
        l.touch(111_000);
        assert!(l.is_locked(111_000), "touching a locked app does not open it");
        assert_eq!(l.unlock("135790", 112_000), Err(LockError::Wrong { left: 4 }));
        assert_eq!(l.unlock("246810", 113_000), Ok(()));
        assert!(!l.is_locked(113_000));
    }

    #[test]
    fn five_wrong_pins_block_even_the_right_one() {
        let mut l = AppLock::new(None, 0);
        l.set_pin("246810", 60_000, kdf(), 0).expect("pin");
        assert!(l.is_locked(60_000));
        for left in (1..MAX_ATTEMPTS).rev() {
            assert_eq!(l.unlock("000000", 61_000), Err(LockError::Wrong { left }));
        }
        assert_eq!(l.unlock("000000", 61_000), Err(LockError::Blocked));
        assert_eq!(l.unlock("246810", 62_000), Err(LockError::Blocked));
        assert!(l.is_locked(62_000));
    }

    #[test]
    fn the_count_of_wrong_pins_survives_a_restart() {
        let mut l = AppLock::new(None, 0);
        let saved = l.set_pin("246810", 60_000, kdf(), 0).expect("pin").clone();
        let mut again = AppLock::new(Some(saved), 0).with_failed(MAX_ATTEMPTS - 1);
        assert_eq!(again.unlock("000000", 1), Err(LockError::Blocked));
        assert_eq!(again.failed(), MAX_ATTEMPTS);
    }

    #[test]
    fn a_short_or_non_numeric_pin_is_refused() {
        let mut l = AppLock::new(None, 0);
        assert_eq!(l.set_pin("1234", 60_000, kdf(), 0).err(), Some(LockError::TooShort));
        assert_eq!(l.set_pin("abcdef", 60_000, kdf(), 0).err(), Some(LockError::TooShort));
    }

    #[test]
    fn a_saved_lock_starts_locked_and_keeps_no_pin_in_clear() {
        let mut l = AppLock::new(None, 0);
        let saved = l.set_pin("246810", 60_000, kdf(), 0).expect("pin").clone();
        let json = serde_json::to_string(&saved).expect("json");
        assert!(!json.contains("246810"));
        let mut again = AppLock::new(Some(saved), 1_000);
        assert!(again.is_locked(1_000));
        assert_eq!(again.unlock("246810", 1_001), Ok(()));
    }
}
