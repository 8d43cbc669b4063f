//! The bodies of the fuzz targets of the peer exchange's decoders (`fuzz/`): the signed push
//! body the server and a peer read, the signed answer a device reads, and each message a peer
//! reads inside the channel. Each
//! body panics only on a broken invariant; `tests/fuzz_corpus.rs` replays the seeds.

use crate::channel::decode_message;
use crate::wire::{Credentials, Give, GiveBatch, Hello, Offer, Outcome};
use crate::{decode_signed_request, decode_signed_response, encode_signed_request, encode_signed_response, CertKey};

/// A fuzz target: its name under `fuzz/` and its body.
pub type Target = (&'static str, fn(&[u8]));

/// This crate's targets.
pub const TARGETS: [Target; 3] =
    [("signed_push", signed_push), ("signed_answer", signed_answer), ("peer_message", peer_message)];

/// A small cap so that fuzzing explores the "too large" paths too.
const FUZZ_LIMIT: usize = 256 * 1024;

/// A push body with the signature trailer, as the sync server and an offering peer decode it.
pub fn signed_push(data: &[u8]) {
    for body in [data.to_vec(), zstd::bulk::compress(data, 1).unwrap_or_default()] {
        let Ok(pushed) = decode_signed_request(&body, FUZZ_LIMIT) else { continue };
        // What decodes re-encodes to the same request and signatures.
        let again = decode_signed_request(&encode_signed_request(&pushed.req, &pushed.sigs), usize::MAX >> 1)
            .expect("a re-encoded signed request decodes");
        assert_eq!((again.req, again.sigs), (pushed.req, pushed.sigs), "signed request round trip");
        assert!(again.reads_signatures, "a re-encoded request asks for signatures");
    }
}

/// An answer with the signature trailer, as a device decodes it.
pub fn signed_answer(data: &[u8]) {
    for body in [data.to_vec(), zstd::bulk::compress(data, 1).unwrap_or_default()] {
        let Ok((resp, sigs)) = decode_signed_response(&body, FUZZ_LIMIT) else { continue };
        let again = decode_signed_response(&encode_signed_response(&resp, &sigs), usize::MAX >> 1)
            .expect("a re-encoded signed answer decodes");
        assert_eq!(again, (resp, sigs), "signed answer round trip");
    }
}

/// Any message a peer receives inside the channel (after decryption), then what the receiver
/// does first with it: checks certificates and the revocation list against a server key.
pub fn peer_message(data: &[u8]) {
    let key = CertKey::from_seed([7; 32]);
    let server_key = key.public();
    if let Ok(hello) = decode_message::<Hello>(data) {
        let _ = hello.cert.verify_at(&server_key, 0);
        for c in &hello.certs {
            let _ = c.verify_signature(&server_key);
        }
        if let Some(r) = &hello.revocations {
            let _ = r.verify(&server_key, uuid::Uuid::nil());
        }
    }
    if let Ok(creds) = decode_message::<Credentials>(data) {
        let _ = creds.cert.verify_signature(&creds.server_key);
        let _ = creds.revocations.verify(&creds.server_key, uuid::Uuid::nil());
    }
    let _ = decode_message::<Offer>(data);
    if let Ok(give) = decode_message::<Give>(data) {
        for (doc, changes) in &give.docs {
            let _ = taizhang_sync::parse_changes(doc, changes.clone());
        }
    }
    for give in decode_message::<GiveBatch>(data)
        .map(|b| b.give)
        .into_iter()
        .chain(decode_message::<(Offer, GiveBatch)>(data).map(|(_, b)| b.give))
    {
        for (doc, changes) in &give.docs {
            let _ = taizhang_sync::parse_changes(doc, changes.clone());
        }
    }
    let _ = decode_message::<Outcome>(data);
}
