//! What every tenant of the server process shares beside the stores: the clock (injectable
//! for tests) and the token key, read from the [`AccountStore`] once per process.

use std::sync::{Arc, OnceLock};

use taizhang_auth::ServerKey;

use crate::{AccountStore, DbError};

/// The server's clock (UTC ms), injectable for tests.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// Milliseconds since the epoch from the system clock.
pub fn system_clock() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The server's token key, read from (or first stored in) the database on first use and kept
/// for the life of the process, with the key it replaced (`admin rotate-key`: what the previous
/// key issued stays valid until it expires; a running process sees a rotation at its restart).
/// Clones share one cell.
#[derive(Clone, Default)]
pub struct ServerKeyCell(Arc<OnceLock<Keys>>);

/// The current secret and the previous one.
type Keys = ([u8; 32], Option<[u8; 32]>);

impl std::fmt::Debug for ServerKeyCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() { "ServerKeyCell(read)" } else { "ServerKeyCell(not read yet)" })
    }
}

impl ServerKeyCell {
    /// The key: the cached one, or the database's (a fresh random one stored if there is
    /// none). Two first calls racing both get the stored key: the database keeps only one.
    pub async fn get(&self, accounts: &dyn AccountStore) -> Result<ServerKey, DbError> {
        if let Some((secret, previous)) = self.0.get() {
            return Ok(ServerKey::new(*secret).with_previous(*previous));
        }
        let secret = accounts.server_secret(rand::random()).await?;
        let previous = accounts.previous_server_secret().await?.map(|(p, _)| p);
        let (secret, previous) = self.0.get_or_init(|| (secret, previous));
        Ok(ServerKey::new(*secret).with_previous(*previous))
    }
}
