//! The device's side of an upload, sans IO: which frame to send next, what an ack means, and
//! the state in words the phone shows (等待上传 / 正在上传 37% / 已上传). A cut changes
//! nothing here: the next frame starts at the last acknowledged offset, so at most one chunk
//! (the one in flight) is ever sent twice.

use crate::wire::{encode_chunk, BlobAck, CHUNK_BYTES};
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

    /// The frame to send next (the chunk at the acknowledged offset), or `None` when every
    /// byte is acknowledged. `file` is the whole file (its length must be `total`).
    pub fn next_frame(&self, file: &[u8]) -> Option<Vec<u8>> {
        if self.done() || self.acked >= self.total || file.len() as u64 != self.total {
            return None;
        }
        let start = usize::try_from(self.acked).ok()?;
        let end = (start + self.chunk_bytes).min(file.len());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::decode_chunk;

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
