//! Change signatures. A device vouches for the changes it made with its enrolled ed25519 key in
//! one of two ways, both deterministic (so a device signs its own changes again whenever it
//! sends them, and stores only what vouches for other devices' changes, which it relays):
//! - **one change** ([`ChangeSig`]): the signature over `"taizhang-change-v1\0" ‖ hash`
//!   ([`change_message`]), 64 bytes a change;
//! - **a batch** ([`BatchSig`], issue 23): one signature over `"taizhang-batch-v1\0" ‖
//!   SHA-256(the sorted hashes of the changes)`, which vouches for every member. A device signs
//!   its own changes of a push in batches of at most [`BATCH_MEMBERS`]: 64 bytes for up to 64
//!   changes instead of 64 bytes each, the difference between a week offline that fits its link
//!   and one that does not (BENCHMARKS.md).
//!
//! On the wire a push carries them as a trailer: the request body inflates to
//! `postcard(SyncRequest) ++ postcard(trailer)`; a body with no trailer is a push from a
//! device that signs nothing (an older app), and is judged by the legacy rule (README, "Trust
//! without a network"). A device that sends the trailer (even with nothing in it) reads one in
//! the answer too, of the same version: the server then appends what it holds that vouches for
//! the changes it sends down, so a change a phone got from the server can travel on to a
//! teammate's phone with its author's signature. An older device never sends the trailer and
//! is answered exactly as before (its decoder refuses trailing bytes).
//!
//! Trailer versions ([`Trailer`]): **1** carries single signatures with their hashes; **2**
//! adds batches, each naming its members in the body by position (gaps between ascending
//! indices of the body's changes, one byte each and nearly nothing once compressed) and
//! listing by hash only the members that are not in the body ([`WireBatch`]). A server reads
//! both and answers each device in the version it spoke; a version-1 answer leaves out what
//! only a batch vouches for (the server delivers those changes itself).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use taizhang_sync::{Hash, SyncError, SyncRequest, SyncResponse, PROTOCOL_VERSION};

use crate::PeerError;

const CHANGE_DOMAIN: &[u8] = b"taizhang-change-v1\0";
const BATCH_DOMAIN: &[u8] = b"taizhang-batch-v1\0";
/// The newest version of the signature trailer (see the module's text).
pub const SIGNATURES_VERSION: u16 = 2;
/// The first trailer version that carries batches.
pub const BATCHES_SINCE: u16 = 2;
/// Most changes a device puts in one batch of its own: a batch cut by a download page costs
/// the hashes of its members outside the page (32 bytes each), so batches stay small.
pub const BATCH_MEMBERS: usize = 64;

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

/// One signature by a device over a set of its changes (`members`: sorted, each once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchSig {
    /// 64 bytes.
    pub sig: Vec<u8>,
    pub members: Vec<Hash>,
}

impl BatchSig {
    /// A batch from a signature and its members in any order (sorted and made unique here,
    /// which is the form that was signed).
    pub fn new(sig: Vec<u8>, mut members: Vec<Hash>) -> Self {
        members.sort_unstable();
        members.dedup();
        Self { sig, members }
    }

    /// Signs the changes `members` (the device's own) as one batch.
    pub fn sign(secret: &[u8; 32], members: Vec<Hash>) -> Self {
        let mut b = Self::new(Vec::new(), members);
        b.sig = taizhang_auth::sign(secret, &batch_message(&b.digest())).to_vec();
        b
    }

    /// SHA-256 of the members, sorted, one after the other: what names the batch (stores key
    /// it by this) and what is signed.
    pub fn digest(&self) -> Hash {
        let mut h = Sha256::new();
        for m in &self.members {
            h.update(m);
        }
        h.finalize().into()
    }

    /// Whether the change `hash` is a member.
    pub fn covers(&self, hash: &Hash) -> bool {
        self.members.binary_search(hash).is_ok()
    }

    /// Checks the signature against a device's public key (strict ed25519). Members that are
    /// not sorted and unique are refused: that is not what a device signs.
    pub fn verify(&self, public_key: &[u8]) -> Result<(), PeerError> {
        if self.members.is_empty() || !self.members.windows(2).all(|w| w[0] < w[1]) {
            return Err(PeerError::BadSignature);
        }
        taizhang_auth::verify_signature(public_key, &batch_message(&self.digest()), &self.sig)
            .map_err(|_| PeerError::BadSignature)
    }
}

/// The message a device signs for a batch whose [`BatchSig::digest`] is `digest`.
pub fn batch_message(digest: &Hash) -> Vec<u8> {
    let mut m = Vec::with_capacity(BATCH_DOMAIN.len() + 32);
    m.extend_from_slice(BATCH_DOMAIN);
    m.extend_from_slice(digest);
    m
}

/// What vouches for one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof<'a> {
    Single(&'a [u8]),
    /// A batch (its index among the [`Proofs`]' batches, for caching its verification).
    Batch(usize, &'a BatchSig),
}

impl Proof<'_> {
    /// Checks that this vouches for `hash` with `public_key`.
    pub fn verify(&self, public_key: &[u8], hash: &Hash) -> Result<(), PeerError> {
        match self {
            Proof::Single(sig) => verify_change(public_key, hash, sig),
            Proof::Batch(_, b) if b.covers(hash) => b.verify(public_key),
            Proof::Batch(..) => Err(PeerError::BadSignature),
        }
    }
}

/// Everything that came with (or is sent with) a set of changes to vouch for them: single
/// signatures and batches, found by change hash. The first proof given for a hash stays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proofs {
    singles: HashMap<Hash, Vec<u8>>,
    batches: Vec<Arc<BatchSig>>,
    digests: HashMap<Hash, usize>,
    batch_of: HashMap<Hash, usize>,
}

impl Proofs {
    /// Proofs of single signatures only.
    pub fn from_singles(sigs: &[ChangeSig]) -> Self {
        let mut p = Self::default();
        for s in sigs {
            p.add_single(s.hash, s.sig.clone());
        }
        p
    }

    pub fn is_empty(&self) -> bool {
        self.singles.is_empty() && self.batch_of.is_empty()
    }

    /// Adds a single signature of `hash` (unless the hash already has a proof).
    pub fn add_single(&mut self, hash: Hash, sig: Vec<u8>) {
        if !self.batch_of.contains_key(&hash) {
            self.singles.entry(hash).or_insert(sig);
        }
    }

    /// Adds a batch as the proof of those of `hashes` that have none yet (each must be a
    /// member; others are ignored). The same batch given twice is kept once; a batch of more
    /// than [`BATCH_MEMBERS`] members is no device's and is ignored (it would only cost work).
    pub fn add_batch(&mut self, batch: Arc<BatchSig>, hashes: impl IntoIterator<Item = Hash>) {
        if batch.members.len() > BATCH_MEMBERS {
            return;
        }
        // Members in the signed form (sorted, each once), whatever the caller gave.
        let batch = match batch.members.windows(2).all(|w| w[0] < w[1]) {
            true => batch,
            false => Arc::new(BatchSig::new(batch.sig.clone(), batch.members.clone())),
        };
        let digest = batch.digest();
        let i = match self.digests.get(&digest) {
            Some(i) => *i,
            None => {
                self.batches.push(batch);
                self.digests.insert(digest, self.batches.len() - 1);
                self.batches.len() - 1
            }
        };
        for h in hashes {
            if self.batches[i].covers(&h) && !self.singles.contains_key(&h) {
                self.batch_of.entry(h).or_insert(i);
            }
        }
    }

    /// Adds a batch as the proof of each of its members that has none yet.
    pub fn add_whole_batch(&mut self, batch: Arc<BatchSig>) {
        let members = batch.members.clone();
        self.add_batch(batch, members);
    }

    /// What vouches for the change `hash`, if anything.
    pub fn get(&self, hash: &Hash) -> Option<Proof<'_>> {
        if let Some(s) = self.singles.get(hash) {
            return Some(Proof::Single(s));
        }
        self.batch_of.get(hash).map(|i| Proof::Batch(*i, &self.batches[*i]))
    }

    /// The single signatures among `hashes`' proofs.
    pub fn singles_of<'h>(&self, hashes: impl IntoIterator<Item = &'h Hash>) -> Vec<(Hash, Vec<u8>)> {
        hashes.into_iter().filter_map(|h| Some((*h, self.singles.get(h)?.clone()))).collect()
    }

    /// The batches among `hashes`' proofs, each with those of `hashes` it vouches for.
    pub fn batches_of<'h>(&self, hashes: impl IntoIterator<Item = &'h Hash>) -> Vec<(Arc<BatchSig>, Vec<Hash>)> {
        let mut out: Vec<(usize, Vec<Hash>)> = Vec::new();
        for h in hashes {
            if let Some(i) = self.batch_of.get(h) {
                match out.iter_mut().find(|(j, _)| j == i) {
                    Some((_, v)) => v.push(*h),
                    None => out.push((*i, vec![*h])),
                }
            }
        }
        out.into_iter().map(|(i, v)| (self.batches[i].clone(), v)).collect()
    }
}

/// A batch as a trailer carries it: its members in the body by position, the others by hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireBatch {
    /// 64 bytes.
    pub sig: Vec<u8>,
    /// The positions of members among the body's changes (all documents' changes one after
    /// the other, in the body's order), ascending, each written as its gap after the one
    /// before (the first as its index).
    pub at: Vec<u32>,
    /// Members that are not in the body.
    pub extra: Vec<Hash>,
}

/// A signature trailer as read (or to be written).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trailer {
    /// 1 or 2 (0: no trailer came, an older app or server).
    pub version: u16,
    pub sigs: Vec<ChangeSig>,
    /// Always empty in version 1.
    pub batches: Vec<WireBatch>,
}

/// The version-1 trailer as it travels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSignatures {
    pub version: u16,
    pub sigs: Vec<ChangeSig>,
}

/// The version-2 trailer as it travels.
#[derive(Serialize, Deserialize)]
struct TrailerV2 {
    version: u16,
    sigs: Vec<ChangeSig>,
    batches: Vec<WireBatch>,
}

impl Trailer {
    /// Whether a trailer came (the device reads one in the answer).
    pub fn present(&self) -> bool {
        self.version > 0
    }

    /// The trailer of version `version` (1 or 2) vouching for the changes of a body whose
    /// hashes in order are `hashes` (`None`: not a change, a saved form), with what `proofs`
    /// holds for them. Version 1 leaves out what only a batch vouches for.
    pub fn for_body(version: u16, hashes: &[Option<Hash>], proofs: &Proofs) -> Self {
        let mut t = Trailer { version, sigs: Vec::new(), batches: Vec::new() };
        let mut used: Vec<usize> = Vec::new();
        for h in hashes.iter().flatten() {
            match proofs.get(h) {
                Some(Proof::Single(sig)) => t.sigs.push(ChangeSig { hash: *h, sig: sig.to_vec() }),
                Some(Proof::Batch(b, _)) if version >= BATCHES_SINCE && !used.contains(&b) => used.push(b),
                _ => {}
            }
        }
        // Every member of a batch that is in the body is named by its position, also one that
        // another proof vouches for here: the receiver rebuilds the batch's members from the
        // positions and the extra hashes, and must find the set that was signed.
        for b in used {
            let batch = &proofs.batches[b];
            let positions: Vec<u32> =
                (0..hashes.len()).filter(|i| hashes[*i].is_some_and(|h| batch.covers(&h))).map(|i| i as u32).collect();
            let in_body: HashSet<Hash> = positions.iter().filter_map(|i| hashes[*i as usize]).collect();
            let extra = batch.members.iter().filter(|m| !in_body.contains(*m)).copied().collect();
            t.batches.push(WireBatch { sig: batch.sig.clone(), at: gaps(&positions), extra });
        }
        t
    }

    /// What this trailer vouches for in a body whose changes' hashes in order are `hashes`.
    /// A batch that names a position out of the body, or one that is not a change, or that has
    /// more than [`BATCH_MEMBERS`] members, is left out (its changes then have no proof and are
    /// judged so).
    pub fn resolve(&self, hashes: &[Option<Hash>]) -> Proofs {
        let mut p = Proofs::default();
        for s in &self.sigs {
            p.add_single(s.hash, s.sig.clone());
        }
        // Work bounded by the body: at most a full batch for each change in it.
        let mut budget = BATCH_MEMBERS.saturating_mul(hashes.len() + 1);
        for b in &self.batches {
            let size = b.at.len().saturating_add(b.extra.len());
            if size > BATCH_MEMBERS || size > budget {
                continue;
            }
            budget -= size;
            let Some(positions) = ungaps(&b.at) else { continue };
            let Some(here) = positions.iter().map(|i| hashes.get(*i).copied().flatten()).collect::<Option<Vec<Hash>>>()
            else {
                continue;
            };
            if here.is_empty() {
                continue;
            }
            let mut members = here.clone();
            members.extend(b.extra.iter().copied());
            p.add_batch(Arc::new(BatchSig::new(b.sig.clone(), members)), here);
        }
        p
    }

    /// The trailer as it travels (nothing for version 0: no trailer).
    fn to_bytes(&self) -> Vec<u8> {
        match self.version {
            0 => Ok(Vec::new()),
            1 => postcard::to_allocvec(&PushSignatures { version: 1, sigs: self.sigs.clone() }),
            _ => postcard::to_allocvec(&TrailerV2 {
                version: self.version,
                sigs: self.sigs.clone(),
                batches: self.batches.clone(),
            }),
        }
        .unwrap_or_default()
    }
}

fn gaps(positions: &[u32]) -> Vec<u32> {
    let mut prev: Option<u32> = None;
    positions
        .iter()
        .map(|p| {
            let g = match prev {
                None => *p,
                Some(q) => p - q - 1,
            };
            prev = Some(*p);
            g
        })
        .collect()
}

fn ungaps(gaps: &[u32]) -> Option<Vec<usize>> {
    let mut out = Vec::with_capacity(gaps.len());
    let mut next = 0usize;
    for g in gaps {
        let i = next.checked_add(*g as usize)?;
        out.push(i);
        next = i.checked_add(1)?;
    }
    Some(out)
}

/// The hash of each change of a body in order (`None` for what is not a change, such as a
/// saved form): the positions a version-2 trailer names.
pub fn body_hashes<'a>(changes: impl IntoIterator<Item = &'a Vec<u8>>) -> Vec<Option<Hash>> {
    changes.into_iter().map(|b| taizhang_sync::parse_raw_change(b).ok().map(|c| c.hash().0)).collect()
}

/// The hashes of a request's changes in body order (see [`body_hashes`]).
pub fn request_hashes(req: &SyncRequest) -> Vec<Option<Hash>> {
    body_hashes(req.docs.iter().flat_map(|d| d.changes.iter()))
}

/// The hashes of an answer's changes in body order (see [`body_hashes`]).
pub fn response_hashes(resp: &SyncResponse) -> Vec<Option<Hash>> {
    body_hashes(resp.download.iter().flat_map(|d| d.changes.iter()))
}

/// A push as the server (or an offering peer) reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedRequest {
    pub req: SyncRequest,
    /// The trailer that came with it (version 0 and empty for an older app's push).
    pub trailer: Trailer,
}

impl SignedRequest {
    /// The device sent the trailer: it reads one in the answer, of the same version. False for
    /// an older app, whose decoder refuses them.
    pub fn reads_signatures(&self) -> bool {
        self.trailer.present()
    }
}

fn with_trailer(message: Vec<u8>, trailer: &Trailer) -> Vec<u8> {
    let mut plain = message;
    plain.extend(trailer.to_bytes());
    taizhang_sync::compress(&plain)
}

/// The body of a push with a trailer as given (zstd, like `encode_request`).
pub fn encode_request_with(req: &SyncRequest, trailer: &Trailer) -> Vec<u8> {
    with_trailer(postcard::to_allocvec(req).unwrap_or_default(), trailer)
}

/// The body of an answer with a trailer as given.
pub fn encode_response_with(resp: &SyncResponse, trailer: &Trailer) -> Vec<u8> {
    with_trailer(postcard::to_allocvec(resp).unwrap_or_default(), trailer)
}

/// The body of a push with single signatures (trailer version 1, as apps before batches send
/// it). The trailer is always there, empty when nothing is signed: it also asks the server
/// for the signatures of what it sends down.
pub fn encode_signed_request(req: &SyncRequest, sigs: &[ChangeSig]) -> Vec<u8> {
    encode_request_with(req, &Trailer { version: 1, sigs: sigs.to_vec(), batches: Vec::new() })
}

/// The body of an answer with single signatures (trailer version 1).
pub fn encode_signed_response(resp: &SyncResponse, sigs: &[ChangeSig]) -> Vec<u8> {
    encode_response_with(resp, &Trailer { version: 1, sigs: sigs.to_vec(), batches: Vec::new() })
}

/// The body of a push with what `proofs` holds for its changes (trailer version 2).
pub fn encode_proven_request(req: &SyncRequest, proofs: &Proofs) -> Vec<u8> {
    encode_request_with(req, &Trailer::for_body(SIGNATURES_VERSION, &request_hashes(req), proofs))
}

/// Inflates `body` (at most `limit` bytes) into a message and its trailer, if any; refuses
/// bytes after the trailer and a trailer of another version.
fn decode_with_trailer<T: serde::de::DeserializeOwned>(body: &[u8], limit: usize) -> Result<(T, Trailer), SyncError> {
    let plain = taizhang_sync::inflate(body, limit)?;
    let (message, rest) = postcard::take_from_bytes::<T>(&plain).map_err(|e| SyncError::Malformed(e.to_string()))?;
    if rest.is_empty() {
        return Ok((message, Trailer::default()));
    }
    let (version, _) =
        postcard::take_from_bytes::<u16>(rest).map_err(|e| SyncError::Malformed(format!("signature trailer: {e}")))?;
    let (trailer, left) = match version {
        1 => postcard::take_from_bytes::<PushSignatures>(rest)
            .map(|(t, left)| (Trailer { version: 1, sigs: t.sigs, batches: Vec::new() }, left)),
        2 => postcard::take_from_bytes::<TrailerV2>(rest)
            .map(|(t, left)| (Trailer { version: 2, sigs: t.sigs, batches: t.batches }, left)),
        other => {
            return Err(SyncError::Malformed(format!(
                "signature trailer version {other}; this version reads versions 1 to {SIGNATURES_VERSION}: update the server"
            )))
        }
    }
    .map_err(|e| SyncError::Malformed(format!("signature trailer: {e}")))?;
    if !left.is_empty() {
        return Err(SyncError::Malformed(format!(
            "{} bytes after the signature trailer (version {version})",
            left.len()
        )));
    }
    Ok((message, trailer))
}

/// Decodes a push body with or without the signature trailer, refusing anything that inflates
/// past `limit` bytes, another protocol version, or bytes after the trailer.
pub fn decode_signed_request(body: &[u8], limit: usize) -> Result<SignedRequest, SyncError> {
    let (req, trailer) = decode_with_trailer::<SyncRequest>(body, limit)?;
    if req.version != PROTOCOL_VERSION {
        return Err(SyncError::Version { got: req.version, expected: PROTOCOL_VERSION });
    }
    Ok(SignedRequest { req, trailer })
}

/// Decodes an answer with or without the signature trailer (an older server sends none:
/// version 0, empty).
pub fn decode_signed_response(body: &[u8], limit: usize) -> Result<(SyncResponse, Trailer), SyncError> {
    let (resp, trailer) = decode_with_trailer::<SyncResponse>(body, limit)?;
    if resp.version != PROTOCOL_VERSION {
        return Err(SyncError::Version { got: resp.version, expected: PROTOCOL_VERSION });
    }
    Ok((resp, trailer))
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
        let v1 = |sigs: Vec<ChangeSig>| Trailer { version: 1, sigs, batches: Vec::new() };
        let r = decode_signed_request(&encode_signed_request(&req(), &sigs), 1 << 20).unwrap();
        assert_eq!(r, SignedRequest { req: req(), trailer: v1(sigs) });
        let r = decode_signed_request(&encode_request(&req()), 1 << 20).unwrap();
        assert_eq!(r, SignedRequest { req: req(), trailer: Trailer::default() }, "an older app's push");
        assert!(!r.reads_signatures());
        // A device with nothing signed still sends the (empty) trailer: it reads signatures.
        let r = decode_signed_request(&encode_signed_request(&req(), &[]), 1 << 20).unwrap();
        assert_eq!(r, SignedRequest { req: req(), trailer: v1(Vec::new()) });
        assert!(r.reads_signatures());
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
        assert_eq!((r, s.sigs, s.version), (resp(), sigs.clone(), 1));
        let (r, s) = decode_signed_response(&taizhang_sync::encode_response(&resp()), 1 << 20).unwrap();
        assert_eq!((r, s), (resp(), Trailer::default()), "an older server's answer");
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

    /// Three changes by one device, their bodies and hashes.
    fn three_changes() -> (Vec<Vec<u8>>, Vec<Hash>) {
        use automerge::transaction::Transactable;
        let mut d = automerge::Automerge::new().with_actor(automerge::ActorId::from(vec![0xaa; 16]));
        for i in 0..3 {
            let mut tx = d.transaction();
            tx.put(automerge::ROOT, format!("k{i}"), i).unwrap();
            tx.commit();
        }
        let changes = d.get_changes(&[]);
        (changes.iter().map(|c| c.raw_bytes().to_vec()).collect(), changes.iter().map(|c| c.hash().0).collect())
    }

    #[test]
    fn a_batch_vouches_for_each_member_and_nothing_else() {
        let secret = [5u8; 32];
        let pk = taizhang_auth::public_key(&secret);
        let b = BatchSig::sign(&secret, vec![[3u8; 32], [1u8; 32], [3u8; 32]]);
        assert_eq!(b.members, vec![[1u8; 32], [3u8; 32]], "sorted, each once");
        assert!(b.verify(&pk).is_ok());
        assert!(Proof::Batch(0, &b).verify(&pk, &[3u8; 32]).is_ok());
        assert!(Proof::Batch(0, &b).verify(&pk, &[2u8; 32]).is_err(), "not a member");
        assert!(b.verify(&taizhang_auth::public_key(&[6u8; 32])).is_err(), "another device");
        let mut grown = b.clone();
        grown.members.push([9u8; 32]);
        assert!(grown.verify(&pk).is_err(), "a member added on the way");
        let mut shrunk = b.clone();
        shrunk.members.pop();
        assert!(shrunk.verify(&pk).is_err(), "a member dropped on the way");
        let unsorted = BatchSig { sig: b.sig.clone(), members: vec![[3u8; 32], [1u8; 32]] };
        assert!(unsorted.verify(&pk).is_err(), "not the signed form");
        // Proofs keep a batch in its signed form, whatever order it was given in.
        let mut p = Proofs::default();
        p.add_batch(Arc::new(unsorted), [[1u8; 32], [3u8; 32]]);
        assert!(p.get(&[1u8; 32]).expect("mapped").verify(&pk, &[1u8; 32]).is_ok());
        assert!(p.get(&[3u8; 32]).expect("mapped").verify(&pk, &[3u8; 32]).is_ok());
        assert_eq!(BatchSig::sign(&secret, vec![[1u8; 32], [3u8; 32]]), b, "deterministic");
    }

    #[test]
    fn a_version_2_trailer_names_members_by_position_and_the_rest_by_hash() {
        let secret = [5u8; 32];
        let pk = taizhang_auth::public_key(&secret);
        let (bodies, hashes) = three_changes();
        // The batch covers all three and one change that is not in this body.
        let elsewhere = [7u8; 32];
        let batch = Arc::new(BatchSig::sign(&secret, vec![hashes[0], hashes[1], hashes[2], elsewhere]));
        let mut proofs = Proofs::default();
        proofs.add_whole_batch(batch.clone());
        let mut req = req();
        req.docs[0].changes = bodies.clone();
        let body = encode_proven_request(&req, &proofs);
        let got = decode_signed_request(&body, 1 << 20).unwrap();
        assert_eq!(got.trailer.version, 2);
        assert_eq!(got.trailer.batches.len(), 1);
        assert_eq!(got.trailer.batches[0].at, vec![0, 0, 0], "three in a row: gaps of nothing");
        assert_eq!(got.trailer.batches[0].extra, vec![elsewhere]);
        let resolved = got.trailer.resolve(&request_hashes(&got.req));
        for h in &hashes {
            assert!(resolved.get(h).expect("vouched for").verify(&pk, h).is_ok());
        }
        assert!(resolved.get(&elsewhere).is_none(), "not in the body: named, not vouched for here");
        // A body with other changes at those positions resolves to a batch that does not verify.
        let mut shifted = request_hashes(&got.req);
        shifted[1] = Some([8u8; 32]);
        let wrong = got.trailer.resolve(&shifted);
        assert!(wrong.get(&[8u8; 32]).expect("named").verify(&pk, &[8u8; 32]).is_err());
        // Positions past the body, or on something that is not a change: left out.
        assert!(got.trailer.resolve(&shifted[..2]).is_empty());
        assert!(got.trailer.resolve(&[None, None, None]).is_empty());
        // The same proofs in version 1 carry nothing (a batch cannot be said there).
        assert!(Trailer::for_body(1, &request_hashes(&req), &proofs).sigs.is_empty());
    }

    #[test]
    fn the_trailer_of_a_week_is_a_few_hundred_bytes_not_a_hundred_per_change() {
        let secret = [5u8; 32];
        let hashes: Vec<Option<Hash>> = (0..129u8).map(|i| Some([i; 32])).collect();
        let mut proofs = Proofs::default();
        for chunk in hashes.chunks(BATCH_MEMBERS) {
            proofs.add_whole_batch(Arc::new(BatchSig::sign(&secret, chunk.iter().flatten().copied().collect())));
        }
        let v2 = Trailer::for_body(2, &hashes, &proofs).to_bytes();
        let singles: Vec<ChangeSig> = hashes.iter().flatten().map(|h| sign_change(&secret, h)).collect();
        let v1 = Trailer { version: 1, sigs: singles, batches: Vec::new() }.to_bytes();
        assert!(v2.len() < 400, "three batches: {} bytes", v2.len());
        assert!(v1.len() > 12_000, "129 single signatures: {} bytes", v1.len());
    }

    #[test]
    fn unknown_trailer_versions_are_refused_in_words() {
        let mut plain = postcard::to_allocvec(&req()).unwrap();
        plain.extend(postcard::to_allocvec(&PushSignatures { version: 3, sigs: vec![] }).unwrap());
        let err = decode_signed_request(&zstd::bulk::compress(&plain, 3).unwrap(), 1 << 20).unwrap_err();
        assert!(err.to_string().contains("version 3"), "{err}");
    }

    #[test]
    fn a_batch_member_vouched_for_by_another_batch_is_still_named_in_its_own() {
        // A phone holds a teammate's first change under a small batch (from a peer) and both
        // changes under the teammate's later batch (from the server), and relays both: the
        // later batch must still carry the first change, or its set is not what was signed.
        let secret = [5u8; 32];
        let pk = taizhang_auth::public_key(&secret);
        let (bodies, hashes) = three_changes();
        let small = Arc::new(BatchSig::sign(&secret, vec![hashes[0]]));
        let large = Arc::new(BatchSig::sign(&secret, vec![hashes[0], hashes[1]]));
        let mut proofs = Proofs::default();
        proofs.add_batch(small, [hashes[0]]);
        proofs.add_batch(large, [hashes[1]]);
        let mut req = req();
        req.docs[0].changes = bodies[..2].to_vec();
        let got = decode_signed_request(&encode_proven_request(&req, &proofs), 1 << 20).unwrap();
        let resolved = got.trailer.resolve(&request_hashes(&got.req));
        for h in &hashes[..2] {
            resolved.get(h).expect("vouched for").verify(&pk, h).expect("the signed set, rebuilt");
        }
    }

    #[test]
    fn a_batch_larger_than_any_device_makes_is_left_out_unread() {
        let secret = [5u8; 32];
        let big: Vec<Hash> = (0..=BATCH_MEMBERS as u32)
            .map(|i| {
                let mut h = [0u8; 32];
                h[..4].copy_from_slice(&i.to_be_bytes());
                h
            })
            .collect();
        let mut p = Proofs::default();
        p.add_whole_batch(Arc::new(BatchSig::sign(&secret, big.clone())));
        assert!(p.is_empty(), "{} members", big.len());
        let wire = WireBatch { sig: vec![0; 64], at: vec![0], extra: big[1..].to_vec() };
        let t = Trailer { version: 2, sigs: Vec::new(), batches: vec![wire] };
        assert!(t.resolve(&[Some(big[0])]).is_empty());
    }
}
