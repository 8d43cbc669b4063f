//! Change signatures: a device signs every change it makes with its enrolled ed25519 key over
//! the change's hash (domain-separated, [`change_message`]). Signatures are deterministic, so
//! a device signs its own changes again whenever it sends them and stores only the signatures
//! of other devices' changes (which it relays).
//!
//! On the wire a push carries them as a trailer: the request body inflates to
//! `postcard(SyncRequest) ++ postcard(Signatures)`; a body with no trailer is a push from a
//! device that signs nothing (an older app), and is judged by the legacy rule (README, "Trust
//! without a network"). A device that sends the trailer (even with no signature in it) reads one
//! in the answer too: the server then appends the signatures it holds of the changes it sends
//! down (`postcard(SyncResponse) ++ postcard(Signatures)`), so a change a phone got from the
//! server can travel on to a teammate's phone with its author's signature. An older device never
//! sends the trailer and is answered exactly as before (its decoder refuses trailing bytes).

use std::io::Read;

use serde::{Deserialize, Serialize};
use taizhang_sync::{Hash, SyncError, SyncRequest, SyncResponse, PROTOCOL_VERSION};

use crate::PeerError;

const CHANGE_DOMAIN: &[u8] = b"taizhang-change-v1\0";
/// Version of the signature trailer.
pub const SIGNATURES_VERSION: u16 = 1;

/// The message a device signs for the change with hash `hash`.
pub fn change_message(hash: &Hash) -> Vec<u8> {
    let mut m = Vec::with_capacity(CHANGE_DOMAIN.len() + 32);
    m.extend_from_slice(CHANGE_DOMAIN);
    m.extend_from_slice(hash);
    m
}

/// Signs the change `hash` with a device's secret key.
pub fn sign_change(secret: &[u8; 32], hash: &Hash) -> ChangeSig {
    ChangeSig { hash: *hash, sig: taizhang_auth::sign(secret, &change_message(hash)).to_vec() }
}

/// Checks a change signature against a device's public key (strict ed25519).
pub fn verify_change(public_key: &[u8], hash: &Hash, sig: &[u8]) -> Result<(), PeerError> {
    taizhang_auth::verify_signature(public_key, &change_message(hash), sig).map_err(|_| PeerError::BadSignature)
}

/// One change's signature by its author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSig {
    pub hash: Hash,
    /// 64 bytes.
    pub sig: Vec<u8>,
}

/// The trailer of a signed push, and of the answer to one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSignatures {
    pub version: u16,
    pub sigs: Vec<ChangeSig>,
}

/// A push as the server (or an offering peer) reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedRequest {
    pub req: SyncRequest,
    /// The signatures of the pushed changes that came with it.
    pub sigs: Vec<ChangeSig>,
    /// The device sent the trailer: it reads the signatures of what is sent down
    /// ([`encode_signed_response`]). False for an older app, whose decoder refuses them.
    pub reads_signatures: bool,
}

fn with_trailer(message: Vec<u8>, sigs: &[ChangeSig]) -> Vec<u8> {
    let mut plain = message;
    let trailer = PushSignatures { version: SIGNATURES_VERSION, sigs: sigs.to_vec() };
    plain.extend(postcard::to_allocvec(&trailer).unwrap_or_default());
    zstd::bulk::compress(&plain, 9).unwrap_or_default()
}

/// The body of a push with the signatures of its changes (zstd, like `encode_request`). The
/// trailer is always there, empty when nothing is signed: it also asks the server for the
/// signatures of what it sends down.
pub fn encode_signed_request(req: &SyncRequest, sigs: &[ChangeSig]) -> Vec<u8> {
    with_trailer(postcard::to_allocvec(req).unwrap_or_default(), sigs)
}

/// The body of an answer with the signatures the server holds of the changes it sends down
/// (only for a device that asked: [`SignedRequest::reads_signatures`]).
pub fn encode_signed_response(resp: &SyncResponse, sigs: &[ChangeSig]) -> Vec<u8> {
    with_trailer(postcard::to_allocvec(resp).unwrap_or_default(), sigs)
}

/// Inflates `body` (at most `limit` bytes) into a message and its trailer, if any; refuses
/// bytes after the trailer and a trailer of another version.
fn decode_with_trailer<T: serde::de::DeserializeOwned>(
    body: &[u8],
    limit: usize,
) -> Result<(T, Option<Vec<ChangeSig>>), SyncError> {
    let decoder = zstd::stream::read::Decoder::new(body).map_err(|e| SyncError::Compression(e.to_string()))?;
    let mut plain = Vec::new();
    decoder.take(limit as u64 + 1).read_to_end(&mut plain).map_err(|e| SyncError::Compression(e.to_string()))?;
    if plain.len() > limit {
        return Err(SyncError::TooLarge { limit });
    }
    let (message, rest) = postcard::take_from_bytes::<T>(&plain).map_err(|e| SyncError::Malformed(e.to_string()))?;
    if rest.is_empty() {
        return Ok((message, None));
    }
    let (trailer, rest) = postcard::take_from_bytes::<PushSignatures>(rest)
        .map_err(|e| SyncError::Malformed(format!("signature trailer: {e}")))?;
    if !rest.is_empty() || trailer.version != SIGNATURES_VERSION {
        return Err(SyncError::Malformed(format!(
            "signature trailer version {} with {} trailing bytes; this version reads version {SIGNATURES_VERSION}",
            trailer.version,
            rest.len()
        )));
    }
    Ok((message, Some(trailer.sigs)))
}

/// Decodes a push body with or without the signature trailer, refusing anything that inflates
/// past `limit` bytes, another protocol version, or bytes after the trailer.
pub fn decode_signed_request(body: &[u8], limit: usize) -> Result<SignedRequest, SyncError> {
    let (req, trailer) = decode_with_trailer::<SyncRequest>(body, limit)?;
    if req.version != PROTOCOL_VERSION {
        return Err(SyncError::Version { got: req.version, expected: PROTOCOL_VERSION });
    }
    Ok(SignedRequest { req, reads_signatures: trailer.is_some(), sigs: trailer.unwrap_or_default() })
}

/// Decodes an answer with or without the signature trailer (an older server sends none).
pub fn decode_signed_response(body: &[u8], limit: usize) -> Result<(SyncResponse, Vec<ChangeSig>), SyncError> {
    let (resp, trailer) = decode_with_trailer::<SyncResponse>(body, limit)?;
    if resp.version != PROTOCOL_VERSION {
        return Err(SyncError::Version { got: resp.version, expected: PROTOCOL_VERSION });
    }
    Ok((resp, trailer.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use taizhang_sync::{decode_request, encode_request, DocPush};

    fn req() -> SyncRequest {
        SyncRequest {
            version: PROTOCOL_VERSION,
            village: uuid::Uuid::from_u128(3),
            cursor: 9,
            want_bytes: 100,
            docs: vec![DocPush { doc: "registry".into(), changes: vec![vec![1, 2]], sync_message: None }],
        }
    }

    #[test]
    fn a_signature_verifies_only_for_its_change_and_key() {
        let secret = [5u8; 32];
        let pk = taizhang_auth::public_key(&secret);
        let s = sign_change(&secret, &[1u8; 32]);
        assert!(verify_change(&pk, &[1u8; 32], &s.sig).is_ok());
        assert!(verify_change(&pk, &[2u8; 32], &s.sig).is_err(), "another change");
        let other = taizhang_auth::public_key(&[6u8; 32]);
        assert!(verify_change(&other, &[1u8; 32], &s.sig).is_err(), "another device");
        assert_eq!(sign_change(&secret, &[1u8; 32]), s, "deterministic: re-signing gives the same bytes");
    }

    #[test]
    fn signed_and_legacy_bodies_both_decode() {
        let sigs = vec![sign_change(&[5u8; 32], &[1u8; 32])];
        let r = decode_signed_request(&encode_signed_request(&req(), &sigs), 1 << 20).unwrap();
        assert_eq!(r, SignedRequest { req: req(), sigs, reads_signatures: true });
        let r = decode_signed_request(&encode_request(&req()), 1 << 20).unwrap();
        assert_eq!(r, SignedRequest { req: req(), sigs: Vec::new(), reads_signatures: false }, "an older app's push");
        // A device with nothing signed still sends the (empty) trailer: it reads signatures.
        let r = decode_signed_request(&encode_signed_request(&req(), &[]), 1 << 20).unwrap();
        assert_eq!(r, SignedRequest { req: req(), sigs: Vec::new(), reads_signatures: true });
        // A server from before signatures (its strict decoder) refuses the trailer, as it
        // already refused every signed push: servers are upgraded before their devices.
        assert!(decode_request(&encode_signed_request(&req(), &[]), 1 << 20).is_err(), "old strict decoder");
    }

    fn resp() -> SyncResponse {
        SyncResponse {
            version: PROTOCOL_VERSION,
            results: Vec::new(),
            download: vec![taizhang_sync::DocChanges { doc: "registry".into(), changes: vec![vec![3]], heads: vec![] }],
            cursor: 4,
            more: false,
            server_time: 7,
            token: None,
        }
    }

    #[test]
    fn answers_with_and_without_signatures_decode() {
        let sigs = vec![sign_change(&[5u8; 32], &[1u8; 32])];
        let (r, s) = decode_signed_response(&encode_signed_response(&resp(), &sigs), 1 << 20).unwrap();
        assert_eq!((r, s), (resp(), sigs.clone()));
        let (r, s) = decode_signed_response(&taizhang_sync::encode_response(&resp()), 1 << 20).unwrap();
        assert_eq!((r, s), (resp(), Vec::new()), "an older server's answer");
        // An older device's decoder refuses the trailer: it is never sent one.
        assert!(taizhang_sync::decode_response(&encode_signed_response(&resp(), &sigs), 1 << 20).is_err());
    }

    #[test]
    fn garbage_after_the_trailer_is_refused() {
        let mut plain = postcard::to_allocvec(&req()).unwrap();
        plain.extend(postcard::to_allocvec(&PushSignatures { version: 1, sigs: vec![] }).unwrap());
        plain.push(7);
        let body = zstd::bulk::compress(&plain, 3).unwrap();
        assert!(decode_signed_request(&body, 1 << 20).is_err());
        let body = zstd::bulk::compress(&[0u8; 100], 3).unwrap();
        assert!(decode_signed_request(&body, 10).is_err(), "over the cap");
    }
}
