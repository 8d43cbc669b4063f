//! The app lock (issue 21): a PIN asked after a configurable idle time, a limited number of
//! attempts. The lock guards the screen, not the records: background sync goes on while the
//! app is locked (the store key is the keystore's, not the PIN), so a forgotten PIN never
//! loses an unsynced record — the way out is the administrator's `revoke-device --wipe` (the
//! phone pushes everything, then erases itself) and a new join code. Wired to the store and the
//! window by `crate::pin` (where there is no keystore the PIN is also the store's key).
//!
//! What five wrong PINs in a row do depends on what the PIN guards ([`AfterFive`]): where it
//! guards only the window, nothing unlocks any more (the administrator's wipe is the way out,
//! and the phone keeps syncing meanwhile); where it is also the store's key, nobody can reach
//! the records without it anyway (the file's protection is Argon2id, not the count), so the
//! lock makes each further attempt wait — 1, 5, 15, then 60 minutes — instead of shutting the
//! person who knows the PIN out for good.

use serde::{Deserialize, Serialize};
use taizhang_client::keystore::{PinKdf, PIN_MIN_LEN};

/// Default idle time before the PIN is asked again.
pub const DEFAULT_IDLE_MS: i64 = 5 * 60 * 1000;
/// Wrong PINs in a row before the lock stops accepting any (until the administrator's reset)
/// or, for a PIN-keyed store, starts making each attempt wait ([`AfterFive::Wait`]).
pub const MAX_ATTEMPTS: u32 = 5;

/// The waits (ms) before the attempts after [`MAX_ATTEMPTS`] wrong PINs: the sixth waits the
/// first, and every one after the fourth waits the last.
pub const WAITS_MS: [i64; 4] = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];

/// What [`MAX_ATTEMPTS`] wrong PINs in a row do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFive {
    /// Nothing unlocks any more (the PIN guards the window; the phone still syncs and the
    /// administrator's wipe is the way out).
    Block,
    /// Each further attempt waits ([`WAITS_MS`]): the PIN is the store's key, so locking out
    /// the one person who knows it would lose the records not yet synced.
    Wait,
}

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
    /// Too many wrong PINs for a PIN-keyed store: the next attempt waits until `retry_at`.
    #[error("too many wrong PINs: try again after {retry_at} (ms since 1970)")]
    Wait { retry_at: i64 },
}

/// The lock's state in a running app.
#[derive(Debug, Clone)]
pub struct AppLock {
    settings: Option<LockSettings>,
    last_active: i64,
    locked: bool,
    failed: u32,
    /// When the last wrong PIN was entered (device clock, ms).
    failed_at: i64,
    after_five: AfterFive,
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
        AppLock { settings, last_active: now, locked, failed: 0, failed_at: 0, after_five: AfterFive::Block }
    }

    /// What five wrong PINs in a row do on this device (by default: [`AfterFive::Block`]).
    pub fn after_five(mut self, after_five: AfterFive) -> Self {
        self.after_five = after_five;
        self
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
        self.failed_at = 0;
        self.last_active = now;
        self.settings.as_ref().ok_or(LockError::TooShort)
    }

    /// Keeps the store's key sealed under the PIN just set (see [`LockSettings::wrapped_key`]).
    pub fn seal(&mut self, wrapped_key: String) {
        if let Some(s) = self.settings.as_mut() {
            s.wrapped_key = Some(wrapped_key);
        }
    }

    /// A lock whose count of wrong PINs in a row, and when the last one was entered, were
    /// saved (a restart gives no attempt back and no wait away).
    pub fn with_failed(mut self, failed: u32, failed_at: i64) -> Self {
        self.failed = match self.after_five {
            AfterFive::Block => failed.min(MAX_ATTEMPTS),
            AfterFive::Wait => failed.min(MAX_ATTEMPTS + WAITS_MS.len() as u32),
        };
        self.failed_at = failed_at;
        self
    }

    /// Wrong PINs in a row so far.
    pub fn failed(&self) -> u32 {
        self.failed
    }

    /// When the last wrong PIN was entered (ms; 0 when none was).
    pub fn failed_at(&self) -> i64 {
        self.failed_at
    }

    /// Whether nothing unlocks any more ([`AfterFive::Block`] after five wrong PINs).
    pub fn blocked(&self) -> bool {
        self.after_five == AfterFive::Block && self.failed >= MAX_ATTEMPTS
    }

    /// For [`AfterFive::Wait`] after five wrong PINs: when the next attempt is taken (none
    /// otherwise, or once that moment has passed). A clock set back restarts the wait from `now`
    /// rather than from a last failure in its future.
    pub fn retry_at(&self, now: i64) -> Option<i64> {
        if self.after_five != AfterFive::Wait || self.failed < MAX_ATTEMPTS {
            return None;
        }
        let step = (self.failed - MAX_ATTEMPTS) as usize;
        let wait = WAITS_MS[step.min(WAITS_MS.len() - 1)];
        let at = self.failed_at.min(now).saturating_add(wait);
        (now < at).then_some(at)
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
        self.failed_at = 0;
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

    /// Tries `pin`. After [`MAX_ATTEMPTS`] wrong ones in a row nothing unlocks
    /// ([`AfterFive::Block`]), or each further attempt waits its turn ([`AfterFive::Wait`]; an
    /// attempt before its time is not tried and not counted).
    pub fn unlock(&mut self, pin: &str, now: i64) -> Result<(), LockError> {
        let Some(s) = &self.settings else {
            self.locked = false;
            return Ok(());
        };
        if self.blocked() {
            return Err(LockError::Blocked);
        }
        if let Some(retry_at) = self.retry_at(now) {
            return Err(LockError::Wait { retry_at });
        }
        let ok = verifier_of(&s.kdf, pin).is_ok_and(|v| v == s.verifier);
        if ok {
            self.locked = false;
            self.failed = 0;
            self.failed_at = 0;
            self.last_active = now;
            return Ok(());
        }
        self.failed = self.failed.saturating_add(1).min(MAX_ATTEMPTS + WAITS_MS.len() as u32);
        self.failed_at = now;
        if self.blocked() {
            return Err(LockError::Blocked);
        }
        match self.retry_at(now) {
            Some(retry_at) => Err(LockError::Wait { retry_at }),
            None => Err(LockError::Wrong { left: MAX_ATTEMPTS.saturating_sub(self.failed) }),
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
        let mut again = AppLock::new(Some(saved), 0).with_failed(MAX_ATTEMPTS - 1, 0);
        assert_eq!(again.unlock("000000", 1), Err(LockError::Blocked));
        assert_eq!(again.failed(), MAX_ATTEMPTS);
    }

    #[test]
    fn a_pin_keyed_lock_makes_attempts_wait_after_five_wrong_ones_instead_of_blocking() {
        let mut l = AppLock::new(None, 0).after_five(AfterFive::Wait);
        l.set_pin("246810", 60_000, kdf(), 0).expect("pin");
        for left in (1..MAX_ATTEMPTS).rev() {
            assert_eq!(l.unlock("000000", 1_000), Err(LockError::Wrong { left }));
        }
        // The fifth wrong PIN: one minute before the next attempt.
        assert_eq!(l.unlock("000000", 2_000), Err(LockError::Wait { retry_at: 62_000 }));
        assert!(!l.blocked());
        // Too early: not tried (the right PIN too) and not counted.
        assert_eq!(l.unlock("246810", 30_000), Err(LockError::Wait { retry_at: 62_000 }));
        assert_eq!(l.failed(), MAX_ATTEMPTS);
        // Its turn: another wrong one waits 5 minutes, the next 15, then 60 each.
        assert_eq!(l.unlock("000000", 62_000), Err(LockError::Wait { retry_at: 62_000 + 300_000 }));
        assert_eq!(l.unlock("000000", 362_000), Err(LockError::Wait { retry_at: 362_000 + 900_000 }));
        assert_eq!(l.unlock("000000", 1_262_000), Err(LockError::Wait { retry_at: 1_262_000 + 3_600_000 }));
        assert_eq!(l.unlock("000000", 4_862_000), Err(LockError::Wait { retry_at: 4_862_000 + 3_600_000 }));
        // The right PIN in its turn opens the lock and forgets the count.
        assert_eq!(l.unlock("246810", 8_462_000), Ok(()));
        assert_eq!((l.failed(), l.retry_at(8_462_000)), (0, None));
    }

    #[test]
    fn a_wait_survives_a_restart_and_a_clock_set_back_does_not_shorten_it() {
        let mut l = AppLock::new(None, 0).after_five(AfterFive::Wait);
        let saved = l.set_pin("246810", 60_000, kdf(), 0).expect("pin").clone();
        let again = AppLock::new(Some(saved.clone()), 0).after_five(AfterFive::Wait).with_failed(MAX_ATTEMPTS, 500_000);
        assert_eq!(again.retry_at(510_000), Some(560_000));
        // The clock set back an hour: the wait starts again from the new "now".
        assert_eq!(again.retry_at(500_000 - 3_600_000), Some(500_000 - 3_600_000 + 60_000));
        // A window-only lock saved with the same count is blocked, with no wait to offer.
        let blocked = AppLock::new(Some(saved), 0).with_failed(MAX_ATTEMPTS, 500_000);
        assert!(blocked.blocked());
        assert_eq!(blocked.retry_at(510_000), None);
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
