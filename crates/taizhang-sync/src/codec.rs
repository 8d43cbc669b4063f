//! Bytes on the wire: postcard inside zstd. Decoding never allocates more than
//! [`MAX_DECODED_BYTES`], whatever the body claims (a 19 KB zstd frame can inflate to 20 MB).

use std::io::Read;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{SyncError, SyncRequest, SyncResponse, PROTOCOL_VERSION};

/// The most a sync body may inflate to.
pub const MAX_DECODED_BYTES: usize = 4 * 1024 * 1024;

const ZSTD_LEVEL: i32 = 9;

fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    // postcard into a Vec cannot fail for these types (no maps with non-string keys, no
    // unsupported serde features); an empty body would be refused by the peer, never lost.
    let plain = postcard::to_allocvec(msg).unwrap_or_default();
    zstd::bulk::compress(&plain, ZSTD_LEVEL).unwrap_or_default()
}

fn inflate(body: &[u8], limit: usize) -> Result<Vec<u8>, SyncError> {
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

    proptest! {
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
