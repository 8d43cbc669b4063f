//! Where the key of the encrypted store comes from (issue 21): the operating system's keystore
//! where there is one ([`KeyStore`]: Secret Service on a Linux desktop, cargo feature
//! `secret-service`; the Android Keystore and the iOS Keychain are not built yet), otherwise a
//! key derived from the user's PIN with Argon2id ([`PinKdf`], whose salt and cost are kept in
//! a small plain file beside the store: they are not secret).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use taizhang_store::StoreKey;

use crate::ClientError;

/// A place that keeps store keys for this user, by name, outside the store file.
pub trait KeyStore: Send + Sync + std::fmt::Debug {
    /// What it is, for logs and the Set-up screen ("Secret Service", "memory", …).
    fn kind(&self) -> &'static str;
    fn load(&self, name: &str) -> Result<Option<StoreKey>, ClientError>;
    fn save(&self, name: &str, key: &StoreKey) -> Result<(), ClientError>;
    /// Forgets the key (remote wipe); a missing key is fine.
    fn delete(&self, name: &str) -> Result<(), ClientError>;
}

/// The store key kept under `name` in `keystore`, made (random) and saved there the first time.
pub fn keystore_key(keystore: &dyn KeyStore, name: &str) -> Result<StoreKey, ClientError> {
    if let Some(k) = keystore.load(name)? {
        return Ok(k);
    }
    let key = StoreKey::from_bytes(rand::random());
    keystore.save(name, &key)?;
    // Read back: a keystore that drops what it was given must not leave a store nobody opens.
    match keystore.load(name)? {
        Some(k) if k == key => Ok(key),
        _ => Err(ClientError::Keystore(format!("{} did not keep the key it was given", keystore.kind()))),
    }
}

/// Keys in memory only (tests; a process that must not leave a key behind).
#[derive(Debug, Default)]
pub struct MemoryKeyStore {
    keys: Mutex<HashMap<String, [u8; 32]>>,
}

impl MemoryKeyStore {
    fn keys(&self) -> std::sync::MutexGuard<'_, HashMap<String, [u8; 32]>> {
        self.keys.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl KeyStore for MemoryKeyStore {
    fn kind(&self) -> &'static str {
        "memory"
    }
    fn load(&self, name: &str) -> Result<Option<StoreKey>, ClientError> {
        Ok(self.keys().get(name).map(|k| StoreKey::from_bytes(*k)))
    }
    fn save(&self, name: &str, key: &StoreKey) -> Result<(), ClientError> {
        self.keys().insert(name.to_string(), *key.as_bytes());
        Ok(())
    }
    fn delete(&self, name: &str) -> Result<(), ClientError> {
        self.keys().remove(name);
        Ok(())
    }
}

/// The phones' keystores: the Android Keystore (a key wrapped by a hardware-backed key) and the
/// iOS Keychain. NOT BUILT YET: they need the phone toolchains, which this repository's CI does
/// not have; every call says so, and the app falls back to the PIN.
#[derive(Debug, Default)]
pub struct PhoneKeyStore;

impl KeyStore for PhoneKeyStore {
    fn kind(&self) -> &'static str {
        "phone keystore (not built yet)"
    }
    fn load(&self, _name: &str) -> Result<Option<StoreKey>, ClientError> {
        Err(ClientError::Keystore("the Android Keystore / iOS Keychain is not built yet; use the PIN".into()))
    }
    fn save(&self, _name: &str, _key: &StoreKey) -> Result<(), ClientError> {
        Err(ClientError::Keystore("the Android Keystore / iOS Keychain is not built yet; use the PIN".into()))
    }
    fn delete(&self, _name: &str) -> Result<(), ClientError> {
        Ok(())
    }
}

/// Secret Service (GNOME Keyring, KWallet) on a Linux desktop, through the `keyring` crate.
/// [`SecretServiceKeyStore::probe`] answers `None` when no such service answers on the session
/// bus (a server, CI, a bare window manager): the caller then uses the PIN.
#[cfg(feature = "secret-service")]
#[derive(Debug)]
pub struct SecretServiceKeyStore {
    service: String,
}

#[cfg(feature = "secret-service")]
impl SecretServiceKeyStore {
    pub fn probe(service: &str) -> Option<Self> {
        let entry = keyring::Entry::new(service, "probe").ok()?;
        match entry.get_secret() {
            Ok(_) | Err(keyring::Error::NoEntry) => Some(SecretServiceKeyStore { service: service.to_string() }),
            Err(_) => None,
        }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, ClientError> {
        keyring::Entry::new(&self.service, name).map_err(|e| ClientError::Keystore(e.to_string()))
    }
}

#[cfg(feature = "secret-service")]
impl KeyStore for SecretServiceKeyStore {
    fn kind(&self) -> &'static str {
        "Secret Service"
    }
    fn load(&self, name: &str) -> Result<Option<StoreKey>, ClientError> {
        match self.entry(name)?.get_secret() {
            Ok(bytes) => {
                let k: [u8; 32] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| ClientError::Keystore(format!("the key {name} in Secret Service is not 32 bytes")))?;
                Ok(Some(StoreKey::from_bytes(k)))
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(ClientError::Keystore(e.to_string())),
        }
    }
    fn save(&self, name: &str, key: &StoreKey) -> Result<(), ClientError> {
        self.entry(name)?.set_secret(key.as_bytes()).map_err(|e| ClientError::Keystore(e.to_string()))
    }
    fn delete(&self, name: &str) -> Result<(), ClientError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(ClientError::Keystore(e.to_string())),
        }
    }
}

/// How a PIN becomes the store key: Argon2id with this salt and cost. Kept in plain JSON at
/// [`PinKdf::path_for`] (the store's path + `.pin`): the salt and cost are not secret, and the
/// file must be readable before the store can be opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinKdf {
    /// 16 random bytes, hex.
    pub salt: String,
    /// Memory in KiB (the default 64 MiB: a phone derives once per unlock in well under a second;
    /// an attacker pays that memory for every guess).
    pub m_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

/// The shortest PIN accepted.
pub const PIN_MIN_LEN: usize = 6;

impl PinKdf {
    /// New random salt, default cost.
    pub fn new() -> Self {
        Self::with_cost(64 * 1024, 3)
    }

    /// A given memory and time cost (tests use a small one: they prove the path, not the cost).
    pub fn with_cost(m_kib: u32, t_cost: u32) -> Self {
        let salt: [u8; 16] = rand::random();
        PinKdf { salt: hex::encode(salt), m_kib, t_cost, p_cost: 1 }
    }

    pub fn path_for(store: &Path) -> PathBuf {
        let mut s = store.as_os_str().to_owned();
        s.push(".pin");
        PathBuf::from(s)
    }

    /// The parameters saved beside `store`, if the store is PIN-keyed.
    pub fn load(store: &Path) -> Result<Option<Self>, ClientError> {
        match std::fs::read(Self::path_for(store)) {
            Ok(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|e| ClientError::Keystore(format!("{}: {e}", Self::path_for(store).display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ClientError::Keystore(format!("{}: {e}", Self::path_for(store).display()))),
        }
    }

    pub fn save(&self, store: &Path) -> Result<(), ClientError> {
        let path = Self::path_for(store);
        let json = serde_json::to_vec(self).map_err(|e| ClientError::Keystore(e.to_string()))?;
        std::fs::write(&path, json).map_err(|e| ClientError::Keystore(format!("{}: {e}", path.display())))
    }

    /// The store key for `pin`. A PIN shorter than [`PIN_MIN_LEN`] is refused.
    pub fn derive(&self, pin: &str) -> Result<StoreKey, ClientError> {
        if pin.chars().count() < PIN_MIN_LEN {
            return Err(ClientError::Keystore(format!("the PIN must have at least {PIN_MIN_LEN} digits")));
        }
        let salt = hex::decode(&self.salt).map_err(|e| ClientError::Keystore(format!("PIN salt: {e}")))?;
        let params = argon2::Params::new(self.m_kib, self.t_cost, self.p_cost, Some(32))
            .map_err(|e| ClientError::Keystore(format!("PIN cost: {e}")))?;
        let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = [0u8; 32];
        argon
            .hash_password_into(pin.as_bytes(), &salt, &mut out)
            .map_err(|e| ClientError::Keystore(format!("PIN: {e}")))?;
        Ok(StoreKey::from_bytes(out))
    }
}

impl Default for PinKdf {
    fn default() -> Self {
        Self::new()
    }
}

/// How the `taizhang` CLI gets its store's key (issue 21), decided by the binary from its flag,
/// its environment and its terminal: a PIN (`TAIZHANG_STORE_PIN` for scripts, typed at a
/// prompt by a person), or explicitly none (`--plain`: tests and demos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Plain,
    Pin(String),
}

/// The key of the store at `store` from `source`. A PIN-keyed store keeps its Argon2id salt in
/// `<store>.pin` ([`PinKdf::path_for`]), made with the first PIN given; a plain store opened
/// with a PIN is then encrypted in place by the open. An encrypted store cannot be opened
/// `--plain`, nor without its `.pin` file.
pub fn store_key_from(store: &Path, source: &KeySource) -> Result<Option<StoreKey>, ClientError> {
    use taizhang_store::FileKind;
    let encrypted = taizhang_store::file_kind(store)? == FileKind::Encrypted;
    match source {
        KeySource::Plain if encrypted => Err(ClientError::Keystore(format!(
            "{} is encrypted: give its PIN (TAIZHANG_STORE_PIN, or type it when asked) instead of --plain",
            store.display()
        ))),
        KeySource::Plain => Ok(None),
        KeySource::Pin(pin) => match PinKdf::load(store)? {
            Some(kdf) => kdf.derive(pin).map(Some),
            None if encrypted => Err(ClientError::Keystore(format!(
                "{} is encrypted but {} (the PIN's salt) is missing: put it back beside the store, or enroll again with a new code",
                store.display(),
                PinKdf::path_for(store).display()
            ))),
            None => {
                let kdf = PinKdf::new();
                let key = kdf.derive(pin)?;
                kdf.save(store)?;
                Ok(Some(key))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_makes_its_salt_once_and_gives_the_same_key_again() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = dir.path().join("s.sqlite3");
        assert_eq!(store_key_from(&store, &KeySource::Plain).expect("plain").map(|k| k.as_bytes().to_vec()), None);
        assert!(store_key_from(&store, &KeySource::Pin("123".into())).is_err(), "too short");
        assert!(!PinKdf::path_for(&store).exists(), "no salt for a refused PIN");
        let a = store_key_from(&store, &KeySource::Pin("246810".into())).expect("key").expect("some");
        assert!(PinKdf::path_for(&store).exists());
        let b = store_key_from(&store, &KeySource::Pin("246810".into())).expect("key").expect("some");
        assert!(a == b, "the same PIN gives the same key");
        let c = store_key_from(&store, &KeySource::Pin("135790".into())).expect("key").expect("some");
        assert!(a != c);
    }

    #[cfg(feature = "sqlcipher")]
    #[test]
    fn an_encrypted_store_needs_its_pin_and_its_salt() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = dir.path().join("s.sqlite3");
        let key = store_key_from(&store, &KeySource::Pin("246810".into())).expect("key").expect("some");
        drop(taizhang_store::Store::open_with(&store, Some(&key)).expect("encrypted store"));
        let e = store_key_from(&store, &KeySource::Plain).expect_err("plain refused");
        assert!(e.to_string().contains("TAIZHANG_STORE_PIN"), "{e}");
        std::fs::remove_file(PinKdf::path_for(&store)).expect("rm salt");
        let e = store_key_from(&store, &KeySource::Pin("246810".into())).expect_err("no salt");
        assert!(e.to_string().contains(".pin"), "{e}");
    }
}
