//! One-time enrollment codes: 80 random bits written as 16 Crockford base-32 symbols in four
//! groups (`7K3M-Q9TX-...`), easy to read aloud or type, also carried by a QR code. The server
//! stores only a hash of the code, so a leaked database does not enroll devices.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::AuthError;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A well-formed enrollment code (16 symbols, canonical spelling).
#[derive(Clone, PartialEq, Eq)]
pub struct EnrollmentCode(String);

impl fmt::Debug for EnrollmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnrollmentCode(****)") // a secret: never in logs
    }
}

impl EnrollmentCode {
    /// A new code from 10 random bytes (the caller supplies the randomness).
    pub fn from_random(bytes: [u8; 10]) -> Self {
        let mut bits: u128 = 0;
        for b in bytes {
            bits = (bits << 8) | u128::from(b);
        }
        let s = (0..16).map(|i| ALPHABET[((bits >> (75 - 5 * i)) & 31) as usize] as char).collect();
        Self(s)
    }

    /// Reads a code as a person typed it: case, spaces and dashes do not matter, and the
    /// look-alikes O, I and L read as 0, 1 and 1.
    pub fn parse(input: &str) -> Result<Self, AuthError> {
        let mut s = String::with_capacity(16);
        for ch in input.chars() {
            let c = match ch.to_ascii_uppercase() {
                '-' | ' ' | '\u{3000}' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
                _ => return Err(AuthError::BadCode(input.chars().take(40).collect())),
            };
            s.push(c);
        }
        if s.len() != 16 {
            return Err(AuthError::BadCode(input.chars().take(40).collect()));
        }
        Ok(Self(s))
    }

    /// The 16 symbols without dashes.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code grouped for reading: `XXXX-XXXX-XXXX-XXXX`.
    pub fn display(&self) -> String {
        self.0.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
    }

    /// What the server stores instead of the code.
    pub fn hash(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"taizhang-enrollment-code-v1\0");
        h.update(self.0.as_bytes());
        h.finalize().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_read_back_however_they_are_typed() {
        let c = EnrollmentCode::from_random([7; 10]);
        let shown = c.display();
        assert_eq!(shown.len(), 19);
        assert_eq!(EnrollmentCode::parse(&shown).expect("test"), c);
        assert_eq!(EnrollmentCode::parse(&shown.to_lowercase().replace('-', " ")).expect("test"), c);
        assert!(EnrollmentCode::parse("ABCD").is_err());
        assert!(EnrollmentCode::parse("ABCD-EFGH-JKMN-PQRU").is_err(), "U is not in the alphabet");
        assert_eq!(EnrollmentCode::parse("OOOO-IIII-LLLL-0000").expect("test").as_str(), "0000111111110000");
        assert_ne!(EnrollmentCode::from_random([1; 10]).hash(), EnrollmentCode::from_random([2; 10]).hash());
    }

    proptest! {
        #[test]
        fn every_random_code_round_trips(bytes in any::<[u8; 10]>()) {
            let c = EnrollmentCode::from_random(bytes);
            prop_assert_eq!(EnrollmentCode::parse(&c.display()).expect("test"), c);
        }

        #[test]
        fn parsing_never_panics(s in ".{0,40}") {
            let _ = EnrollmentCode::parse(&s);
        }
    }
}
