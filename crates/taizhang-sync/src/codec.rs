//! Bytes on the wire: postcard inside zstd. Decoding never allocates more than
//! [`MAX_DECODED_BYTES`], whatever the body claims (a 19 KB zstd frame can inflate to 20 MB).

use std::io::Read;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{SyncError, SyncRequest, SyncResponse, PROTOCOL_VERSION};

/// The most a sync body may inflate to.
pub const MAX_DECODED_BYTES: usize = 4 * 1024 * 1024;

const ZSTD_LEVEL: i32 = 9;

/// Bodies under this size are compressed at [`SMALL_BODY_LEVEL`]: measured on the load bench's
/// 12,000 bodies, level 3 makes bodies under 4 KiB 0.6–1 % larger than level 9 and takes half
/// the time; the answers of a reconnect burst are nearly all this small, and level 9 was 8.6 %
/// of the server's work there (issue 23). Larger bodies (a week offline, a fresh device's
/// download: 4.7 % larger at level 3 from 4 KiB) keep level 9, where bytes on 2G count.
const SMALL_BODY: usize = 4096;
const SMALL_BODY_LEVEL: i32 = 3;

/// The level a body of `len` bytes is compressed at (any level reads back the same way).
fn level_for(len: usize) -> i32 {
    match len < SMALL_BODY {
        true => SMALL_BODY_LEVEL,
        false => ZSTD_LEVEL,
    }
}

/// Bodies up to this size are (de)compressed with a context kept by the thread: a fresh zstd
/// context costs about as much as a small sync's compression (issue 23: a reconnect burst is a
/// thousand small bodies). Larger ones take a context of their own (its tables would otherwise
/// stay grown in every thread that once handled a large body).
const KEPT_CONTEXT_MAX: usize = 64 * 1024;

thread_local! {
    /// One kept context per level: small bodies' and the others'.
    static COMPRESSOR: [std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>>; 2] =
        const { [std::cell::RefCell::new(None), std::cell::RefCell::new(None)] };
    static DECOMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { std::cell::RefCell::new(None) };
}

/// A body as it goes on the wire: `plain` in zstd at the level for its size ([`SMALL_BODY`];
/// also for the peer crate's bodies with a signature trailer).
pub fn compress(plain: &[u8]) -> Vec<u8> {
    let level = level_for(plain.len());
    if plain.len() <= KEPT_CONTEXT_MAX {
        let kept = COMPRESSOR.with(|kept| {
            let mut c = kept[usize::from(level == ZSTD_LEVEL)].try_borrow_mut().ok()?;
            if c.is_none() {
                *c = zstd::bulk::Compressor::new(level).ok();
            }
            c.as_mut()?.compress(plain).ok()
        });
        if let Some(body) = kept {
            return body;
        }
    }
    zstd::bulk::compress(plain, level).unwrap_or_default()
}

fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    // postcard into a Vec cannot fail for these types (no maps with non-string keys, no
    // unsupported serde features); an empty body would be refused by the peer, never lost.
    let plain = postcard::to_allocvec(msg).unwrap_or_default();
    compress(&plain)
}

/// A small single frame that says its size, with the thread's context; `None` for anything
/// else, or anything that does not decode so (the streaming path then decides, and says why).
fn inflate_kept(body: &[u8], limit: usize) -> Option<Vec<u8>> {
    let size = zstd::zstd_safe::get_frame_content_size(body).ok()??;
    let size = usize::try_from(size).ok()?;
    if size > limit || size > KEPT_CONTEXT_MAX {
        return None;
    }
    DECOMPRESSOR.with(|d| {
        let mut d = d.try_borrow_mut().ok()?;
        if d.is_none() {
            *d = zstd::bulk::Decompressor::new().ok();
        }
        let out = d.as_mut()?.decompress(body, size).ok()?;
        (out.len() == size).then_some(out)
    })
}

/// A body off the wire, inflated to at most `limit` bytes (more is refused, never allocated).
pub fn inflate(body: &[u8], limit: usize) -> Result<Vec<u8>, SyncError> {
    if let Some(out) = inflate_kept(body, limit) {
        return Ok(out);
    }
    let decoder = zstd::stream::read::Decoder::new(body).map_err(|e| SyncError::Compression(e.to_string()))?;
    let mut out = Vec::new();
    decoder.take(limit as u64 + 1).read_to_end(&mut out).map_err(|e| SyncError::Compression(e.to_string()))?;
    if out.len() > limit {
        return Err(SyncError::TooLarge { limit });
    }
    Ok(out)
}

fn decode<T: DeserializeOwned>(body: &[u8], limit: usize) -> Result<T, SyncError> {
    let plain = inflate(body, limit)?;
    let (msg, rest) = postcard::take_from_bytes::<T>(&plain).map_err(|e| SyncError::Malformed(e.to_string()))?;
    if !rest.is_empty() {
        return Err(SyncError::Malformed(format!("{} trailing bytes", rest.len())));
    }
    Ok(msg)
}

pub fn encode_request(req: &SyncRequest) -> Vec<u8> {
    encode(req)
}

pub fn encode_response(resp: &SyncResponse) -> Vec<u8> {
    encode(resp)
}

/// Decodes a request body, refusing anything that inflates past `limit` bytes or speaks
/// another protocol version.
pub fn decode_request(body: &[u8], limit: usize) -> Result<SyncRequest, SyncError> {
    let req: SyncRequest = decode(body, limit)?;
    if req.version != PROTOCOL_VERSION {
        return Err(SyncError::Version { got: req.version, expected: PROTOCOL_VERSION });
    }
    Ok(req)
}

pub fn decode_response(body: &[u8], limit: usize) -> Result<SyncResponse, SyncError> {
    let resp: SyncResponse = decode(body, limit)?;
    if resp.version != PROTOCOL_VERSION {
        return Err(SyncError::Version { got: resp.version, expected: PROTOCOL_VERSION });
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DocPush;
    use proptest::prelude::*;

    fn req() -> SyncRequest {
        SyncRequest {
            version: PROTOCOL_VERSION,
            village: uuid::Uuid::from_u128(7),
            cursor: 42,
            want_bytes: 1000,
            docs: vec![DocPush { doc: "registry".into(), changes: vec![vec![1, 2, 3]], sync_message: None }],
        }
    }

    #[test]
    fn round_trip() {
        assert_eq!(decode_request(&encode_request(&req()), MAX_DECODED_BYTES).unwrap(), req());
    }

    #[test]
    fn compression_bomb_is_refused() {
        let mut r = req();
        r.docs[0].changes = vec![vec![0u8; 8 * 1024 * 1024]];
        let body = encode_request(&r);
        assert!(body.len() < 4096, "8 MiB of zeros compresses to {} bytes", body.len());
        assert!(matches!(decode_request(&body, MAX_DECODED_BYTES), Err(SyncError::TooLarge { .. })));
    }

    #[test]
    fn wrong_version_is_refused() {
        let mut r = req();
        r.version = 99;
        assert!(matches!(
            decode_request(&encode_request(&r), MAX_DECODED_BYTES),
            Err(SyncError::Version { got: 99, .. })
        ));
    }

    #[test]
    fn a_kept_context_makes_and_reads_the_same_bytes_as_a_fresh_one() {
        for len in [0usize, 1, 100, SMALL_BODY - 1, SMALL_BODY, 5_000, KEPT_CONTEXT_MAX, KEPT_CONTEXT_MAX + 1, 300_000]
        {
            let plain: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8 ^ (i / 1000) as u8).collect();
            for _ in 0..2 {
                let body = compress(&plain);
                assert_eq!(body, zstd::bulk::compress(&plain, level_for(len)).unwrap(), "{len} bytes");
                assert_eq!(inflate(&body, MAX_DECODED_BYTES).unwrap(), plain, "{len} bytes");
                assert_eq!(inflate_kept(&body, MAX_DECODED_BYTES).is_some(), len <= KEPT_CONTEXT_MAX, "{len}");
            }
        }
        // Two frames: the first says its size, the second would not fit in it; the streaming
        // path reads both.
        let (a, b) = (vec![1u8; 100], vec![2u8; 100]);
        let mut two = zstd::bulk::compress(&a, 3).unwrap();
        two.extend(zstd::bulk::compress(&b, 3).unwrap());
        assert_eq!(inflate(&two, MAX_DECODED_BYTES).unwrap(), [a, b].concat());
        // A frame that claims more than the limit is refused as before.
        let big = zstd::bulk::compress(&vec![0u8; 5000], 3).unwrap();
        assert!(matches!(inflate(&big, 4000), Err(SyncError::TooLarge { limit: 4000 })));
    }

    proptest! {
        #[test]
        fn the_kept_context_agrees_with_the_stream(plain in proptest::collection::vec(0u8..4, 0..3000), cut in 0usize..64) {
            let body = compress(&plain);
            prop_assert_eq!(inflate(&body, MAX_DECODED_BYTES).unwrap(), plain.clone());
            // A damaged body: whatever the kept path makes of it, it is what the stream makes.
            let mut damaged = body.clone();
            let at = cut.min(damaged.len().saturating_sub(1));
            if let Some(b) = damaged.get_mut(at) { *b ^= 0x5a; }
            let kept = inflate_kept(&damaged, MAX_DECODED_BYTES);
            let streamed = {
                let mut out = Vec::new();
                zstd::stream::read::Decoder::new(damaged.as_slice()).and_then(|d| d.take(MAX_DECODED_BYTES as u64 + 1).read_to_end(&mut out)).ok().map(|_| out)
            };
            if let Some(k) = kept { prop_assert_eq!(Some(k), streamed); }
        }

        #[test]
        fn garbage_never_panics(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode_request(&body, MAX_DECODED_BYTES);
            let _ = decode_response(&body, MAX_DECODED_BYTES);
        }

        #[test]
        fn valid_zstd_of_garbage_never_panics(plain in proptest::collection::vec(any::<u8>(), 0..512)) {
            let body = zstd::bulk::compress(&plain, 1).unwrap();
            let _ = decode_request(&body, MAX_DECODED_BYTES);
        }
    }
}
