//! The body of the fuzz target `blob_chunk` (fuzz/fuzz_targets/blob_chunk.rs): the chunk
//! protocol's decoder on arbitrary bytes. It must never panic, and a frame it accepts must
//! encode back to the same bytes and lie within its file.

use crate::wire::{decode_chunk, encode_chunk, MAX_CHUNK_BYTES};

/// A fuzz target's body.
pub type Body = fn(&[u8]);

/// Every fuzz target of this crate, by name (replayed from fuzz/seeds by `tests/fuzz_corpus.rs`).
pub const TARGETS: &[(&str, Body)] = &[("blob_chunk", blob_chunk)];

pub fn blob_chunk(data: &[u8]) {
    if let Ok(c) = decode_chunk(data) {
        assert!(!c.bytes.is_empty() && c.bytes.len() <= MAX_CHUNK_BYTES);
        assert!(c.offset + c.bytes.len() as u64 <= c.total);
        assert_eq!(encode_chunk(c.kind, &c.hash, c.total, c.offset, c.bytes), data);
    }
}
