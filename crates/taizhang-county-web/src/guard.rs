//! What stands before a password check on the county page, cheapest first:
//! 1. the client address's budget (attempts per minute from one address: a flood of guesses,
//!    known names or not, stops here without a password hash being computed);
//! 2. a progressive delay per (account, address) after repeated failures — 1 s, 2 s, 4 s …
//!    up to 15 minutes, reset by a success. It is keyed by the address as well as the account,
//!    so a stranger guessing from elsewhere never locks the real user out (no lock-out: a
//!    delay that only the failing address feels);
//! 3. one password hash at a time in the whole process, so guesses cannot take the cores that
//!    device syncs need.
//! The account key is the account the login names after normalisation (an id in any case, a
//! name with its spaces folded), so spellings of one account share one count.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use uuid::Uuid;

/// The client's address, when the server was started with it (`ConnectInfo`); `None`
/// otherwise — then every client shares one address budget, which only makes it stricter.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())))
    }
}

/// Attempts per minute one client address may make.
pub const ATTEMPTS_PER_ADDRESS_PER_MINUTE: u32 = 30;
/// Failures from one address for one account before the delay starts.
pub const FREE_FAILURES: u32 = 5;
/// The longest delay.
pub const MAX_DELAY_MS: i64 = 15 * 60 * 1000;

/// How a login is counted: the account it names, or (unknown names) its normalised text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LoginKey {
    Account(Uuid),
    Unknown(String),
}

/// A login as typed, normalised: trimmed, inner white space folded, ids lower-cased.
pub fn normalise(login: &str) -> String {
    let folded = login.split_whitespace().collect::<Vec<_>>().join(" ");
    match folded.parse::<Uuid>() {
        Ok(id) => id.to_string(),
        Err(_) => folded,
    }
}

#[derive(Debug, Default)]
struct Failures {
    count: u32,
    last_at: i64,
}

/// The log-in guard (in process; each server instance counts on its own).
#[derive(Debug)]
pub struct LoginGuard {
    addresses: Mutex<HashMap<Option<IpAddr>, (i64, u32)>>,
    failures: Mutex<HashMap<(LoginKey, Option<IpAddr>), Failures>>,
    /// One password hash at a time.
    pub(crate) hashing: tokio::sync::Semaphore,
}

impl Default for LoginGuard {
    fn default() -> Self {
        Self::new()
    }
}

impl LoginGuard {
    pub fn new() -> Self {
        Self { addresses: Mutex::default(), failures: Mutex::default(), hashing: tokio::sync::Semaphore::new(1) }
    }

    /// Counts an attempt from `address`; `Err(seconds)` when it has used its minute.
    pub fn address(&self, address: Option<IpAddr>, now: i64) -> Result<(), u64> {
        let mut map = self.addresses.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| now - *start < 60_000);
        }
        let (start, n) = map.entry(address).or_insert((now, 0));
        if now - *start >= 60_000 {
            *start = now;
            *n = 0;
        }
        if *n >= ATTEMPTS_PER_ADDRESS_PER_MINUTE {
            return Err(u64::try_from((60_000 - (now - *start)).max(1000) / 1000).unwrap_or(60));
        }
        *n += 1;
        Ok(())
    }

    /// Whether `key` may be tried from `address` now; `Err(seconds)` to wait.
    pub fn may_try(&self, key: &LoginKey, address: Option<IpAddr>, now: i64) -> Result<(), u64> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let Some(f) = map.get(&(key.clone(), address)) else { return Ok(()) };
        let wait = delay_ms(f.count);
        let until = f.last_at.saturating_add(wait);
        if now < until {
            return Err(u64::try_from((until - now + 999) / 1000).unwrap_or(1).max(1));
        }
        Ok(())
    }

    /// Records the outcome of a checked password.
    pub fn outcome(&self, key: LoginKey, address: Option<IpAddr>, now: i64, success: bool) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if success {
            map.remove(&(key, address));
            return;
        }
        if map.len() > 100_000 {
            map.retain(|_, f| now - f.last_at < MAX_DELAY_MS);
        }
        let f = map.entry((key, address)).or_default();
        f.count = f.count.saturating_add(1);
        f.last_at = now;
    }
}

/// The wait after `failures` failures: none for the first [`FREE_FAILURES`], then doubling
/// from one second, at most [`MAX_DELAY_MS`].
pub fn delay_ms(failures: u32) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES).min(20);
    (1000_i64 << doublings).min(MAX_DELAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1)));
    const B: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2)));

    #[test]
    fn spellings_of_one_login_are_one_key() {
        assert_eq!(normalise("  县委  组织部 "), "县委 组织部");
        let id = Uuid::from_u128(0xabc);
        assert_eq!(normalise(&id.to_string().to_uppercase()), id.to_string());
        assert_eq!(normalise(&format!(" {id}\t")), id.to_string());
    }

    #[test]
    fn the_delay_grows_after_five_failures_and_is_capped() {
        assert_eq!((0..5).map(delay_ms).collect::<Vec<_>>(), vec![0; 5]);
        assert_eq!(delay_ms(5), 1000);
        assert_eq!(delay_ms(6), 2000);
        assert_eq!(delay_ms(9), 16_000);
        assert_eq!(delay_ms(40), MAX_DELAY_MS);
    }

    #[test]
    fn a_stranger_guessing_never_delays_the_real_user_elsewhere() {
        let g = LoginGuard::new();
        let key = LoginKey::Account(Uuid::from_u128(1));
        for i in 0..12 {
            g.outcome(key.clone(), B, 1000 + i, false);
        }
        assert!(g.may_try(&key, B, 1012).is_err(), "the guesser waits");
        assert_eq!(g.may_try(&key, A, 1012), Ok(()), "the real user, from their own address, does not");
        // After the wait, the guesser may try once more; a success resets.
        let wait = delay_ms(12);
        assert_eq!(g.may_try(&key, B, 1011 + wait), Ok(()));
        g.outcome(key.clone(), B, 1011 + wait, true);
        assert_eq!(g.may_try(&key, B, 1011 + wait), Ok(()));
    }

    #[test]
    fn one_address_has_a_minute_budget() {
        let g = LoginGuard::new();
        for i in 0..ATTEMPTS_PER_ADDRESS_PER_MINUTE {
            assert_eq!(g.address(A, 1000 + i64::from(i)), Ok(()));
        }
        assert!(g.address(A, 2000).is_err(), "the 31st attempt in a minute waits");
        assert_eq!(g.address(B, 2000), Ok(()), "another address is not affected");
        assert_eq!(g.address(A, 61_000), Ok(()), "a new minute");
    }
}
