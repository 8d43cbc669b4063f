//! Access on the server: the server key and an account's principal, which the device
//! endpoints and the county view share. Sign-in lives in `signin` (its handlers are re-exported
//! here for the router), who is calling in `caller`, and whether a push may be stored in
//! `permit`; the decisions themselves are `taizhang_auth`'s pure functions.

use taizhang_auth::{Principal, ServerKey};
use taizhang_server_db::Account;

pub use crate::signin::{challenge, enroll, token};
use crate::{ApiError, AppState};

/// The server key, read from (or first stored in) the database once per process.
pub async fn server_key(st: &AppState) -> Result<ServerKey, ApiError> {
    let secret = st.key.get_or_try_init(|| st.accounts.server_secret(rand::random())).await?;
    Ok(ServerKey::new(*secret))
}

pub fn principal(a: &Account) -> Principal {
    Principal { account: a.id, role: a.role, village: a.village, township: a.township, county: a.county }
}
