//! The chunked upload protocol on the wire, sans IO. The device sends each chunk of a file as
//! one frame (`PUT /v1/blobs/{village}/{hash}`):
//!
//! ```text
//! "TZB1" | kind u8 | hash [32] | total u64 LE | offset u64 LE | len u32 LE | len bytes
//! ```
//!
//! and the server answers with a [`BlobAck`] once the chunk is durable: how many bytes of the
//! file it has (`received`), and whether the whole file is stored (checked against its hash).
//! A device that was cut off asks for the ack again (`GET .../status`) and resumes from
//! `received`: at most the one unacknowledged chunk is sent twice. A chunk the server already
//! has is acknowledged again without being stored twice (idempotent).

use crate::{AttachError, BlobHash, Kind};

/// The frame's first four bytes.
pub const MAGIC: &[u8; 4] = b"TZB1";
/// Bytes before a frame's chunk.
pub const HEADER_BYTES: usize = 4 + 1 + 32 + 8 + 8 + 4;
/// The chunk size a device sends: at 40 kbit/s a 32 KiB chunk is about 7 s on the air, so a
/// cut costs at most that, and the ~0.5 KB of HTTP around each chunk is under 2 % of it.
/// Measured (bench/ATTACHMENTS-16KiB.md and an earlier 32 KiB run, 3 photos, link cut every 20 s): at 600 ms / 40 kbit/s,
/// 32 KiB took 179 s and 16 KiB 189 s; at 1,000 ms / 20 kbit/s 32 KiB took 408 s and 16 KiB
/// 388 s (half the bytes sent again). The app no longer sends a fixed size: its chunks follow
/// the measured link (`upload::ChunkSizer`, 16–64 KiB); this is the size of a caller that does
/// not measure (`Upload::new`'s default, the benchmark's fixed-size rows).
pub const CHUNK_BYTES: usize = 32 * 1024;
/// The largest chunk a server accepts.
pub const MAX_CHUNK_BYTES: usize = 64 * 1024;
/// No file is larger than this, whatever a policy says (the frame's total is checked first).
pub const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;

/// One decoded chunk frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk<'a> {
    pub kind: Kind,
    pub hash: BlobHash,
    /// The whole file's size.
    pub total: u64,
    /// Where this chunk starts in the file.
    pub offset: u64,
    pub bytes: &'a [u8],
}

/// The frame of one chunk of a file.
pub fn encode_chunk(kind: Kind, hash: &BlobHash, total: u64, offset: u64, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_BYTES + bytes.len());
    out.extend_from_slice(MAGIC);
    out.push(kind.code());
    out.extend_from_slice(hash);
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(&offset.to_le_bytes());
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
    out
}

fn garbage(why: &str) -> AttachError {
    AttachError::Garbage(why.into())
}

fn u64_at(frame: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&frame[at..at + 8]);
    u64::from_le_bytes(b)
}

/// Reads a chunk frame from the network. Never panics; every malformed frame is an
/// [`AttachError::Garbage`] (or `FileTooLarge` for a total past [`MAX_TOTAL_BYTES`]).
pub fn decode_chunk(frame: &[u8]) -> Result<Chunk<'_>, AttachError> {
    if frame.len() < HEADER_BYTES {
        return Err(garbage("shorter than a frame header"));
    }
    if &frame[..4] != MAGIC {
        return Err(garbage("it does not start with TZB1"));
    }
    let kind = Kind::from_code(frame[4]).ok_or_else(|| garbage("unknown file kind"))?;
    let mut hash = [0u8; 32];
    hash.copy_from_slice(&frame[5..37]);
    let total = u64_at(frame, 37);
    let offset = u64_at(frame, 45);
    let mut len = [0u8; 4];
    len.copy_from_slice(&frame[53..57]);
    let len = u32::from_le_bytes(len) as usize;
    let bytes = &frame[HEADER_BYTES..];
    if bytes.len() != len {
        return Err(garbage("its length field does not match the bytes sent (a cut-off or padded chunk)"));
    }
    if len == 0 {
        return Err(garbage("an empty chunk"));
    }
    if len > MAX_CHUNK_BYTES {
        return Err(garbage("a chunk larger than 64 KiB"));
    }
    if total == 0 {
        return Err(garbage("an empty file"));
    }
    if total > MAX_TOTAL_BYTES {
        return Err(AttachError::FileTooLarge { size: total, limit: MAX_TOTAL_BYTES });
    }
    if offset.checked_add(len as u64).is_none_or(|end| end > total) {
        return Err(garbage("the chunk ends past the file's end"));
    }
    Ok(Chunk { kind, hash, total, offset, bytes })
}

/// The server's answer to a chunk (and to a status request): sent only after the chunk is
/// durable.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BlobAck {
    /// Bytes of the file the server has, from its start: the device resumes here.
    pub received: u64,
    pub total: u64,
    /// The whole file is stored and matched its hash.
    pub done: bool,
    /// When the server stored the whole file (UTC ms), once done: shown as 已上传 with it.
    pub received_at: Option<i64>,
    /// The file's kind as its upload declared it and the server checked (`Kind::code`): how a
    /// teammate's device learns that a file it has no thumbnail of is a PDF. Absent from
    /// servers before it (and read as unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_reads_back_and_every_cut_of_it_is_garbage() {
        let hash = crate::blob_hash(b"abc");
        let frame = encode_chunk(Kind::Jpeg, &hash, 10, 4, b"abc");
        let c = decode_chunk(&frame).expect("decodes");
        assert_eq!((c.kind, c.hash, c.total, c.offset, c.bytes), (Kind::Jpeg, hash, 10, 4, &b"abc"[..]));
        for cut in 0..frame.len() {
            assert!(matches!(decode_chunk(&frame[..cut]), Err(AttachError::Garbage(_))), "cut at {cut}");
        }
        let mut padded = frame.clone();
        padded.push(0);
        assert!(decode_chunk(&padded).is_err());
    }

    #[test]
    fn frames_that_lie_are_refused() {
        let h = [7u8; 32];
        assert!(decode_chunk(&encode_chunk(Kind::Png, &h, 5, 4, b"ab")).is_err(), "past the end");
        assert!(decode_chunk(&encode_chunk(Kind::Png, &h, 0, 0, b"a")).is_err(), "empty file");
        assert!(decode_chunk(&encode_chunk(Kind::Png, &h, 10, u64::MAX, b"a")).is_err(), "overflow");
        let big = vec![0u8; MAX_CHUNK_BYTES + 1];
        assert!(decode_chunk(&encode_chunk(Kind::Png, &h, 1 << 20, 0, &big)).is_err(), "chunk too big");
        let huge = encode_chunk(Kind::Pdf, &h, MAX_TOTAL_BYTES + 1, 0, b"a");
        assert_eq!(decode_chunk(&huge).map_err(|e| e.status()), Err(413));
        let mut bad_kind = encode_chunk(Kind::Png, &h, 10, 0, b"a");
        bad_kind[4] = 9;
        assert!(decode_chunk(&bad_kind).is_err());
    }
}
