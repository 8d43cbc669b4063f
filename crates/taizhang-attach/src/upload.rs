//! The device's side of an upload, sans IO: which frame to send next, what an ack means, and
//! the state in words the phone shows (等待上传 / 正在上传 37% / 已上传). A cut changes
//! nothing here: the next frame starts at the last acknowledged offset, so at most one chunk
//! (the one in flight) is ever sent twice.

use crate::wire::{encode_chunk, BlobAck, CHUNK_BYTES, MAX_CHUNK_BYTES};
use crate::{AttachError, BlobHash, Kind};

/// One file on its way to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub hash: BlobHash,
    pub kind: Kind,
    pub total: u64,
    /// Bytes the server acknowledged as durable.
    pub acked: u64,
    /// When the server stored the whole file (UTC ms).
    pub received_at: Option<i64>,
    pub chunk_bytes: usize,
}

impl Upload {
    pub fn new(hash: BlobHash, kind: Kind, total: u64) -> Self {
        Self { hash, kind, total, acked: 0, received_at: None, chunk_bytes: CHUNK_BYTES }
    }

    pub fn done(&self) -> bool {
        self.received_at.is_some()
    }

    /// How many of the file's bytes the next frame carries: a chunk, or the file's short last
    /// one; 0 when every byte is acknowledged.
    pub fn next_len(&self) -> usize {
        if self.done() {
            return 0;
        }
        usize::try_from(self.total.saturating_sub(self.acked)).unwrap_or(usize::MAX).min(self.chunk_bytes)
    }

    /// The frame to send next (the chunk at the acknowledged offset), or `None` when every
    /// byte is acknowledged. `file` is the whole file (its length must be `total`).
    pub fn next_frame(&self, file: &[u8]) -> Option<Vec<u8>> {
        if self.done() || self.acked >= self.total || file.len() as u64 != self.total {
            return None;
        }
        let start = usize::try_from(self.acked).ok()?;
        let end = start + self.next_len();
        Some(encode_chunk(self.kind, &self.hash, self.total, self.acked, &file[start..end]))
    }

    /// Takes the server's ack (of a chunk, or of a status request after a cut).
    pub fn on_ack(&mut self, ack: &BlobAck) -> Result<(), AttachError> {
        if ack.total != self.total || ack.received > self.total {
            return Err(AttachError::Mismatch(format!(
                "the server holds {} of {} bytes, this file has {}",
                ack.received, ack.total, self.total
            )));
        }
        self.acked = ack.received;
        if ack.done {
            self.received_at = Some(ack.received_at.unwrap_or(0));
        }
        Ok(())
    }

    /// Whole percent acknowledged (0 to 100).
    pub fn percent(&self) -> u8 {
        if self.total == 0 {
            return 100;
        }
        (self.acked.saturating_mul(100) / self.total).min(100) as u8
    }

    /// The state in words, in Chinese (the app translates the English key the same way).
    pub fn words_zh(&self) -> String {
        match (self.done(), self.acked) {
            (true, _) => "已上传".into(),
            (false, 0) => "等待上传".into(),
            (false, _) => format!("正在上传 {}%", self.percent()),
        }
    }
}

/// The smallest chunk the device sends (but a file's last): below it the round trip each chunk
/// waits for its durable ack costs more than a cut can lose.
pub const MIN_CHUNK_BYTES: usize = 16 * 1024;

/// How long a chunk should be on the air. A cut loses the chunk in flight, on average half of
/// it, so short chunks lose little; each chunk also waits one round trip for its ack, so long
/// chunks waste few round trips. Six seconds keeps both near a tenth of the time on the links
/// of the benchmark (600–1,000 ms round trips, links cut every 20–30 s).
pub const CHUNK_SECONDS: f64 = 6.0;

/// The size of the next chunk, chosen from the link as measured, sans IO: the caller says how
/// many bytes each acknowledged chunk carried and how long it took from send to ack; a cut
/// halves the size. It starts small (the first chunk on a 20 kbit/s link takes 7 s, not 14) and
/// grows on a good link to the server's largest chunk (`MAX_CHUNK_BYTES`). One sizer serves a
/// whole transfer (the link does not change between files).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChunkSizer {
    /// Smoothed bytes per second, from send to ack.
    rate: Option<f64>,
    bytes: usize,
}

impl Default for ChunkSizer {
    fn default() -> Self {
        Self { rate: None, bytes: MIN_CHUNK_BYTES }
    }
}

impl ChunkSizer {
    /// The size of the next chunk: a multiple of 4 KiB from `MIN_CHUNK_BYTES` to `MAX_CHUNK_BYTES`.
    pub fn chunk_bytes(&self) -> usize {
        self.bytes
    }

    /// A chunk of `bytes` was acknowledged `elapsed_ms` after it was sent.
    pub fn on_acked(&mut self, bytes: usize, elapsed_ms: u64) {
        // A partial last chunk says little about the link; a zero time would say infinity.
        if bytes < MIN_CHUNK_BYTES / 2 || elapsed_ms == 0 {
            return;
        }
        let measured = bytes as f64 * 1000.0 / elapsed_ms as f64;
        let rate = match self.rate {
            Some(r) => 0.5 * r + 0.5 * measured,
            None => measured,
        };
        self.rate = Some(rate);
        self.bytes = round_chunk(rate * CHUNK_SECONDS);
    }

    /// The connection was cut (or a chunk failed): the next chunk is half as long.
    pub fn on_cut(&mut self) {
        self.bytes = round_chunk((self.bytes / 2) as f64);
    }
}

fn round_chunk(bytes: f64) -> usize {
    const STEP: usize = 4 * 1024;
    let b = if bytes.is_finite() { bytes.max(0.0) as usize } else { MAX_CHUNK_BYTES };
    (b / STEP * STEP).clamp(MIN_CHUNK_BYTES, MAX_CHUNK_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::decode_chunk;

    /// The sizes worked by hand for the benchmark's links (send to ack, one round trip included).
    #[test]
    fn the_chunk_follows_the_measured_link() {
        let mut s = ChunkSizer::default();
        assert_eq!(s.chunk_bytes(), 16 * 1024, "small until measured");
        // 20 kbit/s, 1,000 ms round trip: 16 KiB in 6.55 s + 1 s = 2,170 B/s → 13 KB → the floor.
        s.on_acked(16 * 1024, 7_550);
        assert_eq!(s.chunk_bytes(), 16 * 1024);
        // 40 kbit/s, 600 ms: 16 KiB in 3.28 s + 0.6 s = 4,223 B/s.
        let mut s = ChunkSizer::default();
        s.on_acked(16 * 1024, 3_880);
        assert_eq!(s.chunk_bytes(), 24 * 1024, "4,223 B/s × 6 s = 25,338 B → 24 KiB");
        // A fast link: the largest chunk the server takes.
        s.on_acked(24 * 1024, 40);
        s.on_acked(64 * 1024, 40);
        assert_eq!(s.chunk_bytes(), MAX_CHUNK_BYTES);
        // Cuts halve it, never below the floor.
        s.on_cut();
        assert_eq!(s.chunk_bytes(), 32 * 1024);
        for _ in 0..5 {
            s.on_cut();
        }
        assert_eq!(s.chunk_bytes(), MIN_CHUNK_BYTES);
        // A file's short last chunk and a zero time change nothing.
        let before = s;
        s.on_acked(100, 5_000);
        s.on_acked(32 * 1024, 0);
        assert_eq!(s, before);
    }

    #[test]
    fn a_cut_resumes_from_the_last_ack_and_resends_at_most_one_chunk() {
        let file: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let hash = crate::blob_hash(&file);
        let mut up = Upload::new(hash, Kind::Pdf, file.len() as u64);
        assert_eq!(up.words_zh(), "等待上传");
        let mut server: Vec<u8> = Vec::new();
        let mut sent = 0usize;
        let mut n = 0;
        while let Some(frame) = up.next_frame(&file) {
            let c = decode_chunk(&frame).expect("a valid frame");
            assert_eq!(c.bytes.len(), up.next_len(), "the length said before is the frame's");
            sent += c.bytes.len();
            n += 1;
            // Every second chunk is lost on the air (a cut before the server had it).
            if n % 2 == 0 {
                continue;
            }
            assert_eq!(c.offset, server.len() as u64);
            server.extend_from_slice(c.bytes);
            let done = server.len() as u64 == c.total;
            let ack = BlobAck {
                received: server.len() as u64,
                total: c.total,
                done,
                received_at: done.then_some(42),
                kind: None,
            };
            up.on_ack(&ack).expect("ack");
            if !done {
                assert!(up.words_zh().starts_with("正在上传 "), "{}", up.words_zh());
            }
        }
        assert_eq!(server, file);
        assert_eq!(up.words_zh(), "已上传");
        let chunks = file.len().div_ceil(CHUNK_BYTES);
        let cuts = n - chunks;
        assert!(sent - file.len() <= cuts * CHUNK_BYTES, "resent {} bytes over {cuts} cuts", sent - file.len());
    }

    #[test]
    fn an_ack_for_another_file_is_refused() {
        let mut up = Upload::new([1; 32], Kind::Jpeg, 10);
        let ack = BlobAck { received: 5, total: 11, done: false, received_at: None, kind: None };
        assert!(up.on_ack(&ack).is_err());
        assert_eq!(up.percent(), 0);
    }
}
