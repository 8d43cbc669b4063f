//! Passwords of the county page's web log-in (issue 5): county staff sit at an office browser,
//! not a enrolled phone, so they log in with a password. Stored only as a salted, slow hash
//! (PBKDF2-HMAC-SHA256, `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>`); the salt is
//! passed in (sans-IO: the server draws it).

use hmac::Hmac;
use sha2::Sha256;

/// Iterations for new hashes: about 0.1 s on one core here, so guessing is slow and a log-in
/// is not. (The count is stored with each hash, so it can be raised later.)
pub const PASSWORD_ITERATIONS: u32 = 100_000;
/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Why a password cannot be set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password has {0} characters; use at least {MIN_PASSWORD_CHARS} (a passphrase of a few words is easy to remember)")]
    TooShort(usize),
    #[error("the password is longer than 200 characters: use a shorter one")]
    TooLong,
}

/// Refuses a password too short or too long to set.
pub fn check_new_password(password: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort(n));
    }
    if n > 200 {
        return Err(PasswordError::TooLong);
    }
    Ok(())
}

fn derive(password: &str, salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2::<Hmac<Sha256>>(password.as_bytes(), salt, iterations, &mut out)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    out
}

/// The stored form of `password` with `salt` (16 random bytes from the caller).
pub fn hash_password(password: &str, salt: [u8; 16], iterations: u32) -> String {
    let hash = derive(password, &salt, iterations);
    format!("pbkdf2-sha256${iterations}${}${}", hex::encode(salt), hex::encode(hash))
}

/// Whether `password` matches the stored hash. A malformed stored value matches nothing.
/// The comparison takes the same time wherever the first differing byte is.
pub fn verify_password(password: &str, stored: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some("pbkdf2-sha256"), Some(iter), Some(salt), Some(hash), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Ok(iterations), Ok(salt), Ok(expected)) = (iter.parse::<u32>(), hex::decode(salt), hex::decode(hash)) else {
        return false;
    };
    if iterations == 0 || iterations > 10_000_000 || expected.len() != 32 {
        return false;
    }
    let got = derive(password, &salt, iterations);
    got.iter().zip(&expected).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_matches_its_hash_and_nothing_else() {
        let stored = hash_password("村里每天有人在", [7; 16], 1_000);
        assert!(stored.starts_with("pbkdf2-sha256$1000$07070707"));
        assert!(verify_password("村里每天有人在", &stored));
        assert!(!verify_password("村里每天有人", &stored));
        assert!(!verify_password("", &stored));
        // Another salt gives another hash of the same password.
        assert_ne!(hash_password("村里每天有人在", [8; 16], 1_000), stored);
    }

    #[test]
    fn malformed_stored_hashes_match_nothing() {
        for bad in
            ["", "plain", "pbkdf2-sha256$0$00$00", "pbkdf2-sha256$10$zz$00", "md5$1$00$00", "pbkdf2-sha256$1$00$00$x"]
        {
            assert!(!verify_password("anything", bad), "{bad}");
        }
    }

    #[test]
    fn new_passwords_need_ten_characters() {
        assert_eq!(check_new_password("short"), Err(PasswordError::TooShort(5)));
        assert!(check_new_password("十个字的密码也可以吗").is_ok());
    }
}
