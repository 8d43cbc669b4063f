//! Device sign-in without trusting the device's clock. The server hands out a stateless
//! challenge (its own time + random bytes, HMAC'd with the server key); the device signs it
//! with its ed25519 key; the server checks its own MAC and age, the signature against the
//! registered public key, and issues a short-lived token (device id + expiry by the SERVER's
//! clock, HMAC'd). Any server instance holding the same key (kept in the database) verifies
//! any token or challenge: no session state anywhere.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::{AuthError, EnrollmentCode};

/// How long a token lives (server clock).
pub const TOKEN_TTL_MS: i64 = 60 * 60 * 1000;
/// A device token is renewed (for a request that proves the device key) once less than this
/// is left of its life: half of it.
pub const RENEW_WITHIN_MS: i64 = TOKEN_TTL_MS / 2;
/// How long a county-page session lives (a working day; server clock).
pub const SESSION_TTL_MS: i64 = 12 * 60 * 60 * 1000;
/// How long a challenge may be answered (server clock).
pub const CHALLENGE_TTL_MS: i64 = 5 * 60 * 1000;

const TOKEN_VERSION: u8 = 1;
/// MAC purposes: a device token and a county-page session are different kinds of token.
const DEVICE_TOKEN: &[u8] = b"taizhang-token-v1\0";
const WEB_SESSION: &[u8] = b"taizhang-web-session-v1\0";
const TOKEN_LEN: usize = 1 + 16 + 8 + 32;
const CHALLENGE_LEN: usize = 8 + 16 + 32;

/// The server's secret key for tokens and challenges (32 bytes, kept in the database), with
/// the key it replaced (issue 21, `admin rotate-key`): what the previous key issued — device
/// tokens, county-page sessions, challenges — is still accepted until it expires; everything
/// new is issued with the current key.
#[derive(Clone)]
pub struct ServerKey([u8; 32], Option<[u8; 32]>);

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(****)")
    }
}

/// A token just issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub token: String,
    /// Server clock, UTC ms.
    pub expires_at: i64,
}

impl ServerKey {
    pub fn new(secret: [u8; 32]) -> Self {
        Self(secret, None)
    }

    /// This key, still accepting what `previous` issued (until that expires).
    pub fn with_previous(mut self, previous: Option<[u8; 32]>) -> Self {
        self.1 = previous;
        self
    }

    fn mac(&self, purpose: &[u8], data: &[u8]) -> [u8; 32] {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!());
        m.update(purpose);
        m.update(data);
        m.finalize().into_bytes().into()
    }

    fn check_mac(&self, purpose: &[u8], data: &[u8], tag: &[u8]) -> bool {
        let check = |key: &[u8; 32]| {
            let Ok(mut m) = <Hmac<Sha256> as KeyInit>::new_from_slice(key) else { return false };
            m.update(purpose);
            m.update(data);
            m.verify_slice(tag).is_ok() // constant-time
        };
        check(&self.0) || self.1.as_ref().is_some_and(check)
    }

    /// A 32-byte key derived from this one for `purpose` (e.g. the seed of the server's
    /// certificate signing key, `taizhang-peer`): every instance on one database derives the same.
    pub fn derive(&self, purpose: &[u8]) -> [u8; 32] {
        self.mac(b"taizhang-derive-v1\0", purpose)
    }

    /// A token for `device`, valid for [`TOKEN_TTL_MS`] from `now` (server clock).
    pub fn issue_token(&self, device: Uuid, now: i64) -> Issued {
        self.issue(DEVICE_TOKEN, device, now, TOKEN_TTL_MS)
    }

    /// The device a token was issued to, if it is genuine and not expired at `now`.
    pub fn verify_token(&self, token: &str, now: i64) -> Result<Uuid, AuthError> {
        self.verify(DEVICE_TOKEN, token, now).map(|(device, _)| device)
    }

    /// [`Self::verify_token`], and whether the token is due for renewal at `now` (less than
    /// [`RENEW_WITHIN_MS`] of its life left): only then is a device's proof checked and a new
    /// token issued, so a device that syncs often pays for one signature check an half-hour,
    /// not one a request.
    pub fn verify_token_due(&self, token: &str, now: i64) -> Result<(Uuid, bool), AuthError> {
        let (device, expires_at) = self.verify(DEVICE_TOKEN, token, now)?;
        Ok((device, expires_at.saturating_sub(now) < RENEW_WITHIN_MS))
    }

    /// A county-page session for `account`, valid for [`SESSION_TTL_MS`] from `now`. A
    /// different purpose than device tokens: one is never accepted as the other.
    pub fn issue_session(&self, account: Uuid, now: i64) -> Issued {
        self.issue(WEB_SESSION, account, now, SESSION_TTL_MS)
    }

    /// The account a session was issued to, if it is genuine and not expired at `now`.
    pub fn verify_session(&self, token: &str, now: i64) -> Result<Uuid, AuthError> {
        self.verify(WEB_SESSION, token, now).map(|(account, _)| account)
    }

    /// [`Self::verify_session`] with the time the session was issued (server clock), so that
    /// the server can end sessions issued before a log-out or a password change.
    pub fn verify_session_issued(&self, token: &str, now: i64) -> Result<(Uuid, i64), AuthError> {
        let (account, expires_at) = self.verify(WEB_SESSION, token, now)?;
        Ok((account, expires_at.saturating_sub(SESSION_TTL_MS)))
    }

    /// `version | id | expiry | HMAC(purpose, ...)`, hex.
    fn issue(&self, purpose: &[u8], id: Uuid, now: i64, ttl: i64) -> Issued {
        let expires_at = now.saturating_add(ttl);
        let mut data = Vec::with_capacity(TOKEN_LEN);
        data.push(TOKEN_VERSION);
        data.extend_from_slice(id.as_bytes());
        data.extend_from_slice(&expires_at.to_be_bytes());
        let tag = self.mac(purpose, &data);
        data.extend_from_slice(&tag);
        Issued { token: hex::encode(data), expires_at }
    }

    /// The id a genuine token of `purpose` was issued to, and its expiry, if not expired at `now`.
    fn verify(&self, purpose: &[u8], token: &str, now: i64) -> Result<(Uuid, i64), AuthError> {
        let raw = hex::decode(token.trim()).map_err(|_| AuthError::BadToken)?;
        if raw.len() != TOKEN_LEN || raw[0] != TOKEN_VERSION {
            return Err(AuthError::BadToken);
        }
        let (data, tag) = raw.split_at(TOKEN_LEN - 32);
        if !self.check_mac(purpose, data, tag) {
            return Err(AuthError::BadToken);
        }
        let id = Uuid::from_slice(&data[1..17]).map_err(|_| AuthError::BadToken)?;
        let expires_at = i64::from_be_bytes(data[17..25].try_into().map_err(|_| AuthError::BadToken)?);
        if now >= expires_at {
            return Err(AuthError::TokenExpired);
        }
        Ok((id, expires_at))
    }

    /// A fresh challenge made at `now` with 16 random bytes from the caller.
    pub fn challenge(&self, now: i64, random: [u8; 16]) -> String {
        let mut data = Vec::with_capacity(CHALLENGE_LEN);
        data.extend_from_slice(&now.to_be_bytes());
        data.extend_from_slice(&random);
        let tag = self.mac(b"taizhang-challenge-v1\0", &data);
        data.extend_from_slice(&tag);
        hex::encode(data)
    }

    /// Checks that this server issued `challenge` less than [`CHALLENGE_TTL_MS`] before `now`.
    pub fn check_challenge(&self, challenge: &str, now: i64) -> Result<(), AuthError> {
        let raw = hex::decode(challenge.trim()).map_err(|_| AuthError::BadChallenge)?;
        if raw.len() != CHALLENGE_LEN {
            return Err(AuthError::BadChallenge);
        }
        let (data, tag) = raw.split_at(CHALLENGE_LEN - 32);
        if !self.check_mac(b"taizhang-challenge-v1\0", data, tag) {
            return Err(AuthError::BadChallenge);
        }
        let issued = i64::from_be_bytes(data[..8].try_into().map_err(|_| AuthError::BadChallenge)?);
        // A little slack backwards for several instances whose clocks differ slightly.
        if now.saturating_sub(issued) > CHALLENGE_TTL_MS || issued.saturating_sub(now) > 60_000 {
            return Err(AuthError::ChallengeExpired);
        }
        Ok(())
    }
}

/// What a device signs to sign in: its id and the server's challenge.
/// What a device signs to prove, with a request, that it holds its key: the token it sends.
/// Only a proven request gets a renewed token in its answer, so a captured bearer token (the
/// server speaks plain HTTP behind its proxy) dies at its expiry; replaying the captured proof
/// works only while that same token is valid, so a token got that way dies within an hour of it.
pub fn renew_message(token: &str) -> Vec<u8> {
    let mut m = b"taizhang-renew-v1\0".to_vec();
    m.extend_from_slice(token.trim().as_bytes());
    m
}

/// A bearer value: the token and, after a `.`, the device's signature over [`renew_message`].
pub fn proven_bearer(token: &str, device_key: &[u8; 32]) -> String {
    format!("{token}.{}", hex::encode(sign(device_key, &renew_message(token))))
}

/// Splits a bearer value into the token and the proof, if any (tokens are hex: no `.`).
pub fn split_bearer(bearer: &str) -> (&str, Option<&str>) {
    match bearer.split_once('.') {
        Some((token, proof)) => (token, Some(proof)),
        None => (bearer, None),
    }
}

/// When a token says it expires (server clock, ms), read without checking it — for the device,
/// which holds no server key, to tell whether its token is still worth sending. `None`: not a
/// token of this format.
pub fn token_expires_at(token: &str) -> Option<i64> {
    let raw = hex::decode(token.trim()).ok()?;
    if raw.len() != TOKEN_LEN || raw[0] != TOKEN_VERSION {
        return None;
    }
    Some(i64::from_be_bytes(raw[17..25].try_into().ok()?))
}

/// How far a signed request's stamp may be from the server's clock (either way). The device
/// stamps with its clock corrected by the server time of its last answer; a device whose
/// clock moved further falls back to the challenge sign-in.
pub const SIGNED_REQUEST_WINDOW_MS: i64 = 15 * 60 * 1000;

/// What starts the bearer value of a signed request (not hex, so never a token).
pub const SIGNED_PREFIX: &str = "signed.";

/// A request signed with the device key (authentication inside the request itself, no token
/// needed): the device, its stamp (the server's time as the device estimates it, ms; strictly
/// increasing per device, so the server refuses a replay) and the signature over
/// [`signed_request_message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub device: Uuid,
    pub stamp: i64,
    pub signature: [u8; 64],
}

/// What a device signs for a signed request: its id, the stamp, the path and the SHA-256 of
/// the body, so the signature is good for this one body at this one moment.
pub fn signed_request_message(device: Uuid, stamp: i64, path: &str, body: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    let mut m = b"taizhang-signed-request-v1\0".to_vec();
    m.extend_from_slice(device.as_bytes());
    m.extend_from_slice(&stamp.to_be_bytes());
    m.extend_from_slice(path.as_bytes());
    m.push(0);
    m.extend_from_slice(&sha2::Sha256::digest(body));
    m
}

impl SignedRequest {
    /// Signs `body` for `path` with the device key.
    pub fn sign(device: Uuid, stamp: i64, path: &str, body: &[u8], device_key: &[u8; 32]) -> Self {
        Self { device, stamp, signature: sign(device_key, &signed_request_message(device, stamp, path, body)) }
    }

    /// The bearer value: `signed.<device>.<stamp>.<signature hex>`.
    pub fn bearer(&self) -> String {
        format!("{SIGNED_PREFIX}{}.{}.{}", self.device.simple(), self.stamp, hex::encode(self.signature))
    }

    /// Reads a bearer value made by [`SignedRequest::bearer`]; `None` when it is not one
    /// (a token), an error when it starts like one but is malformed.
    pub fn parse(bearer: &str) -> Option<Result<Self, AuthError>> {
        let rest = bearer.trim().strip_prefix(SIGNED_PREFIX)?;
        let mut parts = rest.split('.');
        let parsed = (|| {
            let device = Uuid::try_parse(parts.next()?).ok()?;
            let stamp: i64 = parts.next()?.parse().ok()?;
            let signature: [u8; 64] = hex::decode(parts.next()?).ok()?.try_into().ok()?;
            if parts.next().is_some() || stamp <= 0 {
                return None;
            }
            Some(Self { device, stamp, signature })
        })();
        Some(parsed.ok_or(AuthError::BadSignedRequest))
    }

    /// Checks the signature over `path` and `body` with the device's registered key, and that
    /// the stamp is within [`SIGNED_REQUEST_WINDOW_MS`] of `now`. (That the stamp is newer than
    /// the device's last one is the store's to check, after this.)
    pub fn verify(&self, public_key: &[u8], path: &str, body: &[u8], now: i64) -> Result<(), AuthError> {
        verify_signature(public_key, &signed_request_message(self.device, self.stamp, path, body), &self.signature)?;
        if (self.stamp - now).abs() > SIGNED_REQUEST_WINDOW_MS {
            return Err(AuthError::StampOutOfWindow { server_time: now });
        }
        Ok(())
    }
}

pub fn auth_message(device: Uuid, challenge: &str) -> Vec<u8> {
    let mut m = b"taizhang-device-auth-v1\0".to_vec();
    m.extend_from_slice(device.as_bytes());
    m.extend_from_slice(challenge.trim().as_bytes());
    m
}

/// What a device signs at enrollment: the code and the Automerge actor it will write with,
/// proving it holds the private key of the public key it registers.
pub fn enroll_message(code: &EnrollmentCode, actor: &[u8]) -> Vec<u8> {
    let mut m = b"taizhang-device-enroll-v1\0".to_vec();
    m.extend_from_slice(code.as_str().as_bytes());
    m.extend_from_slice(actor);
    m
}

/// What a device signs to bind one more Automerge actor to itself (`POST /v1/actor`): its id
/// and the actor, proving the request comes from the device key, not only a captured token.
pub fn actor_message(device: Uuid, actor: &[u8]) -> Vec<u8> {
    let mut m = b"taizhang-device-actor-v1\0".to_vec();
    m.extend_from_slice(device.as_bytes());
    m.extend_from_slice(actor);
    m
}

/// The public key of a device's 32-byte secret key.
pub fn public_key(secret: &[u8; 32]) -> [u8; 32] {
    SigningKey::from_bytes(secret).verifying_key().to_bytes()
}

/// Signs `message` with a device's secret key (64-byte ed25519 signature).
pub fn sign(secret: &[u8; 32], message: &[u8]) -> [u8; 64] {
    SigningKey::from_bytes(secret).sign(message).to_bytes()
}

/// Checks a device's signature (strict ed25519: no malleable signatures, no weak keys).
pub fn verify_signature(public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), AuthError> {
    let pk: [u8; 32] = public_key.try_into().map_err(|_| AuthError::BadKey)?;
    let key = VerifyingKey::from_bytes(&pk).map_err(|_| AuthError::BadKey)?;
    let sig: [u8; 64] = signature.try_into().map_err(|_| AuthError::BadSignature)?;
    key.verify_strict(message, &Signature::from_bytes(&sig)).map_err(|_| AuthError::BadSignature)
}

#[cfg(test)]
mod tests {
    #[test]
    fn after_a_rotation_what_the_old_key_issued_stays_valid_until_it_expires() {
        use super::*;
        let old = ServerKey::new([1; 32]);
        let device = Uuid::from_u128(7);
        let token = old.issue_token(device, 1_000);
        let session = old.issue_session(device, 1_000);
        let challenge = old.challenge(1_000, [3; 16]);
        let rotated = ServerKey::new([2; 32]).with_previous(Some([1; 32]));
        assert_eq!(rotated.verify_token(&token.token, 2_000), Ok(device));
        assert_eq!(rotated.verify_session(&session.token, 2_000), Ok(device));
        assert_eq!(rotated.check_challenge(&challenge, 2_000), Ok(()));
        assert_eq!(rotated.verify_token(&token.token, token.expires_at), Err(AuthError::TokenExpired));
        // New tokens are the new key's: the old key alone refuses them.
        let fresh = rotated.issue_token(device, 2_000);
        assert_eq!(old.verify_token(&fresh.token, 2_001), Err(AuthError::BadToken));
        // Without the previous key (a second rotation) the old token is refused.
        assert_eq!(ServerKey::new([2; 32]).verify_token(&token.token, 2_000), Err(AuthError::BadToken));
        assert_eq!(
            ServerKey::new([9; 32]).with_previous(Some([2; 32])).verify_token(&token.token, 2_000),
            Err(AuthError::BadToken)
        );
    }

    use super::*;

    #[test]
    fn a_proven_bearer_splits_back_and_its_proof_verifies() {
        let key = [7u8; 32];
        let bearer = proven_bearer("abc123", &key);
        let (token, proof) = split_bearer(&bearer);
        assert_eq!(token, "abc123");
        let sig = hex::decode(proof.expect("proof")).expect("hex");
        verify_signature(&public_key(&key), &renew_message(token), &sig).expect("verifies");
        assert!(verify_signature(&public_key(&key), &renew_message("abc124"), &sig).is_err(), "bound to the token");
        assert_eq!(split_bearer("abc123"), ("abc123", None));
    }

    #[test]
    fn a_signed_request_round_trips_and_binds_body_path_and_time() {
        let key = [9u8; 32];
        let device = Uuid::from_u128(42);
        let now = 1_800_000_000_000;
        let s = SignedRequest::sign(device, now, "/v1/sync", b"body", &key);
        let parsed = SignedRequest::parse(&s.bearer()).expect("signed").expect("parses");
        assert_eq!(parsed, s);
        parsed.verify(&public_key(&key), "/v1/sync", b"body", now + 1000).expect("verifies");
        assert_eq!(parsed.verify(&public_key(&key), "/v1/sync", b"bodY", now), Err(AuthError::BadSignature));
        assert_eq!(parsed.verify(&public_key(&key), "/v1/actor", b"body", now), Err(AuthError::BadSignature));
        assert_eq!(
            parsed.verify(&public_key(&key), "/v1/sync", b"body", now + SIGNED_REQUEST_WINDOW_MS + 1),
            Err(AuthError::StampOutOfWindow { server_time: now + SIGNED_REQUEST_WINDOW_MS + 1 })
        );
        assert!(SignedRequest::parse("abc123").is_none(), "a token is not a signed request");
        let issued = ServerKey::new([1; 32]).issue_token(device, now);
        assert_eq!(token_expires_at(&issued.token), Some(issued.expires_at));
        assert_eq!(token_expires_at("abc"), None);
        assert_eq!(SignedRequest::parse("signed.x.1.00"), Some(Err(AuthError::BadSignedRequest)));
    }

    #[test]
    fn sessions_and_device_tokens_are_never_interchangeable() {
        let key = ServerKey::new([5; 32]);
        let who = Uuid::from_u128(42);
        let session = key.issue_session(who, 1_000);
        assert_eq!(key.verify_session(&session.token, 1_001), Ok(who));
        assert_eq!(key.verify_session(&session.token, session.expires_at), Err(AuthError::TokenExpired));
        assert_eq!(key.verify_token(&session.token, 1_001), Err(AuthError::BadToken), "a session is no device token");
        let device = key.issue_token(who, 1_000);
        assert_eq!(key.verify_session(&device.token, 1_001), Err(AuthError::BadToken), "a device token is no session");
        assert_eq!(ServerKey::new([6; 32]).verify_session(&session.token, 1_001), Err(AuthError::BadToken));
    }

    const T0: i64 = 1_795_536_000_000;

    #[test]
    fn a_token_verifies_until_it_expires_and_only_with_its_key() {
        let key = ServerKey::new([1; 32]);
        let device = Uuid::from_u128(42);
        let t = key.issue_token(device, T0);
        assert_eq!(t.expires_at, T0 + TOKEN_TTL_MS);
        assert_eq!(key.verify_token(&t.token, T0 + 1), Ok(device));
        assert_eq!(key.verify_token(&t.token, T0 + TOKEN_TTL_MS), Err(AuthError::TokenExpired));
        assert_eq!(key.verify_token_due(&t.token, T0 + 1), Ok((device, false)), "fresh: not due");
        let due = T0 + TOKEN_TTL_MS - RENEW_WITHIN_MS;
        assert_eq!(key.verify_token_due(&t.token, due - 1), Ok((device, false)));
        assert_eq!(key.verify_token_due(&t.token, due + 1), Ok((device, true)), "second half: due");
        assert_eq!(key.verify_token_due(&t.token, T0 + TOKEN_TTL_MS), Err(AuthError::TokenExpired));
        assert_eq!(ServerKey::new([2; 32]).verify_token(&t.token, T0), Err(AuthError::BadToken));
        let mut forged = hex::decode(&t.token).expect("test");
        forged[20] ^= 1; // push the expiry
        assert_eq!(key.verify_token(&hex::encode(forged), T0), Err(AuthError::BadToken));
        assert_eq!(key.verify_token("zz", T0), Err(AuthError::BadToken));
        assert_eq!(key.verify_token("", T0), Err(AuthError::BadToken));
    }

    #[test]
    fn a_challenge_is_answered_within_five_minutes_by_the_registered_key() {
        let key = ServerKey::new([1; 32]);
        let c = key.challenge(T0, [9; 16]);
        assert_eq!(key.check_challenge(&c, T0 + CHALLENGE_TTL_MS), Ok(()));
        assert_eq!(key.check_challenge(&c, T0 + CHALLENGE_TTL_MS + 1), Err(AuthError::ChallengeExpired));
        assert_eq!(ServerKey::new([3; 32]).check_challenge(&c, T0), Err(AuthError::BadChallenge));

        let secret = [5u8; 32];
        let device = Uuid::from_u128(7);
        let sig = sign(&secret, &auth_message(device, &c));
        let pk = public_key(&secret);
        assert_eq!(verify_signature(&pk, &auth_message(device, &c), &sig), Ok(()));
        assert_eq!(
            verify_signature(&pk, &auth_message(Uuid::from_u128(8), &c), &sig),
            Err(AuthError::BadSignature),
            "a signature for another device id does not count"
        );
        assert_eq!(
            verify_signature(&public_key(&[6; 32]), &auth_message(device, &c), &sig),
            Err(AuthError::BadSignature)
        );
        assert_eq!(verify_signature(&[0; 3], b"x", &sig), Err(AuthError::BadKey));
    }
}
