//! Writes the seed corpus of the peer fuzz targets (`fuzz/seeds/signed_push`,
//! `fuzz/seeds/signed_answer`, `fuzz/seeds/peer_message`): signed pushes and answers (trailer
//! versions 1 and 2, the latter with a batch) and one of each channel message, valid, so the
//! fuzzers start from the real shapes. Run: `cargo run -p taizhang-peer --example peer_seeds`.

use std::path::PathBuf;

use taizhang_peer::wire::{Give, GiveBatch, Hello, Offer, Outcome, ProvenBatch, PEER_VERSION};
use taizhang_peer::{
    encode_request_with, encode_response_with, encode_signed_request, encode_signed_response, BatchSig, CertBody,
    CertKey, ChangeSig, DeviceCert, Trailer, WireBatch,
};
use taizhang_sync::{DocChanges, DocPush, SyncRequest, SyncResponse, PROTOCOL_VERSION};

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds");
    let write = |target: &str, name: &str, bytes: Vec<u8>| -> std::io::Result<()> {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(name), bytes)
    };
    let req = SyncRequest {
        version: PROTOCOL_VERSION,
        village: uuid::Uuid::from_u128(3),
        cursor: 9,
        want_bytes: 4096,
        docs: vec![DocPush {
            doc: "registry".into(),
            changes: vec![vec![133, 111, 74, 131, 1, 2, 3]],
            sync_message: None,
        }],
    };
    let sig = ChangeSig { hash: [5; 32], sig: vec![9; 64] };
    write("signed_push", "with-signature", encode_signed_request(&req, std::slice::from_ref(&sig)))?;
    write("signed_push", "without-signature", encode_signed_request(&req, &[]))?;
    // Version 2: a batch naming the body's first change by position and one more by hash.
    let wire = WireBatch { sig: vec![9; 64], at: vec![0], extra: vec![[6; 32]] };
    let v2 = Trailer { version: 2, sigs: vec![sig.clone()], batches: vec![wire] };
    write("signed_push", "with-batch", encode_request_with(&req, &v2))?;
    let answer = SyncResponse {
        version: PROTOCOL_VERSION,
        results: Vec::new(),
        download: vec![DocChanges {
            doc: "registry".into(),
            changes: vec![vec![133, 111, 74, 131, 1, 2, 3]],
            heads: vec![[4; 32]],
        }],
        cursor: 12,
        more: false,
        server_time: 1_780_000_000_000,
        token: Some("token".into()),
    };
    write("signed_answer", "with-signature", encode_signed_response(&answer, std::slice::from_ref(&sig)))?;
    write("signed_answer", "older-server", taizhang_sync::encode_response(&answer))?;
    write("signed_answer", "with-batch", encode_response_with(&answer, &v2))?;

    let key = CertKey::from_seed([7; 32]);
    let cert = DeviceCert::issue(&key, seed_body());
    let hello =
        Hello { version: PEER_VERSION, cert: cert.clone(), binding: vec![1; 64], certs: vec![cert], revocations: None };
    let bytes = |v: Result<Vec<u8>, postcard::Error>| v.unwrap_or_default();
    write("peer_message", "hello", bytes(postcard::to_allocvec(&hello)))?;
    write(
        "peer_message",
        "offer",
        bytes(postcard::to_allocvec(&Offer { docs: vec![("registry".into(), vec![[4; 32]])] })),
    )?;
    let give = Give { docs: vec![("registry".into(), vec![vec![133, 111, 74, 131, 0, 0]])], sigs: vec![sig] };
    write("peer_message", "give", bytes(postcard::to_allocvec(&give)))?;
    let batch = GiveBatch { give: give.clone(), last: true };
    write("peer_message", "give-batch", bytes(postcard::to_allocvec(&batch)))?;
    write(
        "peer_message",
        "offer-and-batch",
        bytes(postcard::to_allocvec(&(Offer { docs: vec![("registry".into(), vec![[4; 32]])] }, batch))),
    )?;
    let proven = ProvenBatch {
        give: give.clone(),
        batches: vec![BatchSig::new(vec![9; 64], vec![[4; 32], [6; 32]])],
        last: true,
    };
    write("peer_message", "proven-batch", bytes(postcard::to_allocvec(&proven)))?;
    let outcome =
        Outcome { docs: vec![("registry".into(), Ok(1)), ("team/2026".into(), Err("拒绝 / refused".into()))] };
    write("peer_message", "outcome", bytes(postcard::to_allocvec(&outcome)))?;
    Ok(())
}

fn seed_body() -> CertBody {
    CertBody {
        device: uuid::Uuid::from_u128(1),
        account: uuid::Uuid::from_u128(2),
        village: uuid::Uuid::from_u128(3),
        role: "member".into(),
        public_key: vec![8; 32],
        actors: vec![vec![6; 16]],
        not_before: 0,
        not_after: 1_800_000_000_000,
    }
}
