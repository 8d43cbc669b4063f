//! The bodies of the fuzz targets of the peer exchange's decoders (`fuzz/`): the signed push
//! body the server and a peer read, the signed answer a device reads, and each message a peer
//! reads inside the channel. Each
//! body panics only on a broken invariant; `tests/fuzz_corpus.rs` replays the seeds.

use crate::channel::decode_message;
use crate::wire::{Credentials, Give, GiveBatch, Hello, Offer, Outcome, ProvenBatch};
use crate::{
    decode_signed_request, decode_signed_response, encode_request_with, encode_response_with, request_hashes,
    response_hashes, CertKey, Proofs,
};

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
        // What decodes re-encodes to the same request and trailer.
        let again = decode_signed_request(&encode_request_with(&pushed.req, &pushed.trailer), usize::MAX >> 1)
            .expect("a re-encoded signed request decodes");
        assert_eq!(again.reads_signatures(), pushed.reads_signatures());
        assert_eq!(
            (again.req, again.trailer),
            (pushed.req.clone(), pushed.trailer.clone()),
            "signed request round trip"
        );
        // What the server does next with the trailer: resolve batches by position, check them.
        check_proofs(&pushed.trailer.resolve(&request_hashes(&pushed.req)), request_hashes(&pushed.req));
    }
}

/// Checks every proof a decoded trailer resolved to, as the judge would (never panics).
fn check_proofs(proofs: &Proofs, hashes: Vec<Option<taizhang_sync::Hash>>) {
    let key = taizhang_auth::public_key(&[3; 32]);
    for h in hashes.iter().flatten() {
        if let Some(p) = proofs.get(h) {
            let _ = p.verify(&key, h);
        }
    }
}

/// An answer with the signature trailer, as a device decodes it.
pub fn signed_answer(data: &[u8]) {
    for body in [data.to_vec(), zstd::bulk::compress(data, 1).unwrap_or_default()] {
        let Ok((resp, trailer)) = decode_signed_response(&body, FUZZ_LIMIT) else { continue };
        let again = decode_signed_response(&encode_response_with(&resp, &trailer), usize::MAX >> 1)
            .expect("a re-encoded signed answer decodes");
        assert_eq!(again, (resp.clone(), trailer.clone()), "signed answer round trip");
        check_proofs(&trailer.resolve(&response_hashes(&resp)), response_hashes(&resp));
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
    for proven in decode_message::<ProvenBatch>(data)
        .into_iter()
        .chain(decode_message::<(Offer, ProvenBatch)>(data).map(|(_, b)| b))
    {
        for (doc, changes) in &proven.give.docs {
            let _ = taizhang_sync::parse_changes(doc, changes.clone());
        }
        for b in proven.batches {
            let _ = crate::BatchSig::new(b.sig, b.members).verify(&server_key);
        }
    }
    let _ = decode_message::<Outcome>(data);
}
