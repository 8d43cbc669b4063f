//! Team sync with no network: what makes a change trustworthy when it did not come straight
//! from its author's device. Every change is signed by its author's enrolled ed25519 key over
//! its hash, or once for a batch of them ([`sig`]); the server signs each device's public key with its village, account,
//! role, actors and validity ([`cert`]), and hands out a signed list of revoked devices; a
//! push or a peer exchange that carries changes of other devices is split into runs by author
//! and each run judged as its author's own ([`author`]); two phones talk over a Noise channel
//! keyed by a short pairing code and authenticated by their certificates ([`channel`]).
//!
//! `sig`, `cert` and `author` are sans-IO (the clock, the keys and the lookups are passed in);
//! `channel` is the one module that touches a socket.

pub mod author;
pub mod cert;
#[cfg(not(target_arch = "wasm32"))]
pub mod channel;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod sig;
pub mod wire;

pub use author::{runs_by_author, Author, AuthorRun};
pub use cert::{CertBody, CertKey, DeviceCert, RevocationBody, Revocations, CERT_TTL_MS};
pub use error::PeerError;
pub use sig::{
    batch_message, body_hashes, change_message, decode_signed_request, decode_signed_response, encode_proven_request,
    encode_request_with, encode_response_with, encode_signed_request, encode_signed_response, request_hashes,
    response_hashes, sign_change, verify_change, BatchSig, ChangeSig, Proof, Proofs, PushSignatures, SignedRequest,
    Trailer, WireBatch, BATCHES_SINCE, BATCH_MEMBERS, SIGNATURES_VERSION,
};
