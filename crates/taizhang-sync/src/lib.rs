//! Taizhang's sync protocol: what a device and the server say to each other, how it is
//! encoded (postcard inside zstd, with hard caps on every size), and the logic of both ends
//! as plain functions over Automerge documents. No sockets, no clock, no database: the HTTP
//! client and server and the stores call into this crate and do their own IO.
//!
//! One sync session is normally ONE request: the device pushes, per document, the changes
//! the server has not confirmed, plus a cursor saying how much of the server's change log
//! it has seen; the server stores the new changes durably and answers with every change
//! past the cursor and its current heads. Big transfers are cut into batches (a push of at
//! most [`MAX_BATCH_BYTES`] of changes, an answer of at most [`MAX_DOWNLOAD_BYTES`]: about 60 KB
//! on the wire); every request is idempotent, so a retry after a dropped link is safe.

mod anchor;
mod apply;
mod causal;
mod client;
mod clock;
mod codec;
mod error;
mod saved;
mod server;
mod stored;
mod wire;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use anchor::ChangeAnchor;
pub use apply::{apply_untrusted, generate_untrusted, load_untrusted, receive_untrusted, screen_change};
pub use causal::{causal_floors, device_floors, CausalChange, SESSION_GAP_MS};
pub use client::{confirmed_after, plan_push, PushPlan, PushedDoc};
pub use clock::{clock_flags, ChangeTime, ClockFlag, SkewLimits};
pub use codec::{
    compress, decode_request, decode_response, encode_request, encode_response, inflate, MAX_DECODED_BYTES,
};
pub use error::SyncError;
pub use saved::{
    load_saved_form, save_for_network, saved_form_within, BootCursor, MAX_BOOT_UPTO, MAX_SAVED_FORM, SAVED_FORMS,
};
pub use server::{
    change_chunk_within, decode_sync_message, integrate, parse_changes, parse_raw_change, Integrated, ParsedChange,
    MAX_INFLATED_CHANGE,
};
pub use stored::{
    doc_weight, heads_of, is_saved_document, load_saved_lenient, load_stored, load_stored_lenient, save_compact,
    DocCache,
};
pub use taizhang_doc::has_change;
pub use wire::{
    paths, ActorRequest, ChallengeResponse, DocChanges, DocOutcome, DocPush, DocResult, EnrollRequest, EnrollResponse,
    Hash, SyncRequest, SyncResponse, TokenRequest, TokenResponse, ACTOR_REUSED, MAX_BATCH_BYTES, MAX_DOWNLOAD_BYTES,
    PROTOCOL_VERSION,
};
