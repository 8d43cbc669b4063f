//! The body of the `credentials` fuzz target (`fuzz/`): everything the server reads from a
//! device before it knows who the device is — bearer tokens, signed challenges, enrollment
//! codes, public keys and signatures — and the county page's session tokens and stored
//! password hashes. Here, not in the fuzz crate, so `cargo test` replays the
//! seeds and every saved crash. Panics only on a broken invariant.

use uuid::Uuid;

use crate::{verify_signature, EnrollmentCode, ServerKey};

/// The server clock the target runs at (2026-11-25 02:00 UTC).
const NOW: i64 = 1_795_536_000_000;

pub fn credentials(data: &[u8]) {
    let key = ServerKey::new([7; 32]);
    let text = String::from_utf8_lossy(data);
    if let Ok(device) = key.verify_token(&text, NOW) {
        // Only a token this key issued verifies; a fresh one for the same device does too.
        let again = key.issue_token(device, NOW);
        assert_eq!(key.verify_token(&again.token, NOW).ok(), Some(device), "issued token verifies");
    }
    if let Ok(account) = key.verify_session(&text, NOW) {
        // A genuine session is never also a device token.
        assert!(key.verify_token(&text, NOW).is_err(), "a session verified as a device token");
        assert_eq!(key.verify_session(&key.issue_session(account, NOW).token, NOW).ok(), Some(account));
    }
    // A stored password hash that does not parse matches nothing (and never panics). The
    // iteration count is capped so the fuzzer is not slowed by a huge one it made up.
    if text.split('$').nth(1).and_then(|i| i.parse::<u32>().ok()).is_none_or(|i| i <= 1000) {
        let _ = crate::verify_password("password", &text);
    }
    if key.check_challenge(&text, NOW).is_ok() {
        assert!(ServerKey::new([8; 32]).check_challenge(&text, NOW).is_err(), "another key refuses it");
    }
    if let Ok(code) = EnrollmentCode::parse(&text) {
        let reparsed = EnrollmentCode::parse(&code.display()).expect("a displayed code parses");
        assert_eq!(reparsed.as_str(), code.as_str(), "one code, one spelling");
    }
    let (public_key, rest) = data.split_at(data.len().min(32));
    let (signature, message) = rest.split_at(rest.len().min(64));
    let _ = verify_signature(public_key, message, signature);
    let _ = crate::auth_message(Uuid::nil(), &text);
    signed_request(data);
}

/// The signed-request bearer (`signed.<device>.<stamp>.<signature>`) and its check over a body.
pub fn signed_request(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let key = [3u8; 32];
    let bearer = format!("{}{}", crate::SIGNED_PREFIX, text);
    for candidate in [text.as_ref(), bearer.as_str()] {
        if let Some(Ok(s)) = crate::SignedRequest::parse(candidate) {
            // What parses prints back to the same request.
            let again = crate::SignedRequest::parse(&s.bearer()).and_then(Result::ok);
            assert_eq!(again.as_ref(), Some(&s), "a parsed signed request round-trips");
            // A signature the fuzzer made up never verifies for this key and body.
            let genuine = crate::SignedRequest::sign(s.device, s.stamp, "/v1/sync", data, &key);
            if genuine.signature != s.signature {
                assert!(s.verify(&crate::public_key(&key), "/v1/sync", data, s.stamp).is_err());
            }
        }
    }
}

/// A fuzz target: its name under `fuzz/` and its body.
pub type Target = (&'static str, fn(&[u8]));

/// The targets by name, for the replay test and the fuzz crate.
pub const TARGETS: [Target; 2] = [("credentials", credentials), ("signed_request", signed_request)];
