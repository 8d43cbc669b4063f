//! Which key the app's store gets on this platform (issue 21): Secret Service on a Linux
//! desktop when one answers (cargo feature `secret-service`), a random key kept there and made
//! on first use. Without a keystore the key comes from the PIN the lock screen asks for
//! (`AppCore::open_locked`, `crate::pin`). Phones: the Android Keystore / iOS Keychain are not
//! built yet.

use std::path::Path;

use taizhang_client::StoreKey;

use crate::RenewKey;

/// The store key for `store` and what renews it after a remote wipe; `(None, None)` when this
/// platform has no keystore the app can use (or the build cannot encrypt).
pub fn platform_store_key(store: &Path) -> (Option<StoreKey>, Option<RenewKey>) {
    if !taizhang_client::ENCRYPTION_AVAILABLE {
        return (None, None);
    }
    secret_service(store)
}

#[cfg(feature = "secret-service")]
fn secret_service(store: &Path) -> (Option<StoreKey>, Option<RenewKey>) {
    use std::sync::Arc;
    use taizhang_client::keystore::{keystore_key, KeyStore, SecretServiceKeyStore};
    let Some(ks) = SecretServiceKeyStore::probe("taizhang") else {
        eprintln!("taizhang-app: no Secret Service answers; the PIN the lock screen asks for keys the store");
        return (None, None);
    };
    let name = format!("store:{}", store.display());
    match keystore_key(&ks, &name) {
        Ok(key) => {
            let ks = Arc::new(ks);
            let renew: RenewKey = Box::new(move || {
                let _ = ks.delete(&name);
                keystore_key(ks.as_ref(), &name).ok()
            });
            (Some(key), Some(renew))
        }
        Err(e) => {
            eprintln!("taizhang-app: Secret Service refused the store key ({e}); the PIN the lock screen asks for keys the store");
            (None, None)
        }
    }
}

#[cfg(not(feature = "secret-service"))]
fn secret_service(_store: &Path) -> (Option<StoreKey>, Option<RenewKey>) {
    (None, None)
}
