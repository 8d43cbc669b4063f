//! Attachments (issue 19): photos and scans that are never lost on a 2G link. A file is named
//! by its content hash ([`BlobHash`], SHA-256) and typed by its content ([`Kind`]: JPEG, PNG,
//! WebP, PDF only); records refer to it by hash, its bytes never enter an Automerge document.
//! [`wire`] is the sans-IO chunked upload protocol (one frame per chunk, acknowledged only
//! once the server has it durably, resumed from the last acknowledged offset), [`upload`] the
//! device's side of it, [`Caps`] the policy's size caps, and [`media`] (feature `media`) the
//! bounded decoding, re-encoding and thumbnails of images.

#[cfg(feature = "fuzzing")]
pub mod fuzzing;
#[cfg(feature = "media")]
pub mod media;
pub mod upload;
pub mod wire;

use sha2::{Digest, Sha256};

/// A file's name: the SHA-256 of its bytes.
pub type BlobHash = [u8; 32];

/// The content hash of `bytes`.
pub fn blob_hash(bytes: &[u8]) -> BlobHash {
    Sha256::digest(bytes).into()
}

/// A hash as 64 lowercase hex digits (file names, URLs).
pub fn hash_hex(hash: &BlobHash) -> String {
    hex::encode(hash)
}

/// The hash written as 64 hex digits, or `None`.
pub fn parse_hash(text: &str) -> Option<BlobHash> {
    let bytes = hex::decode(text.trim()).ok()?;
    <BlobHash>::try_from(bytes.as_slice()).ok()
}

/// Everything that can go wrong with an attachment. Each says what to do; the server answers
/// each with a 4xx ([`AttachError::status`]) and stores nothing of the refused file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachError {
    #[error("this is not an upload chunk ({0}): send the frame taizhang-attach's wire::encode_chunk makes")]
    Garbage(String),
    #[error("chunk at offset {got}, but the server has {expected} bytes of this file: resume from offset {expected}")]
    WrongOffset { expected: u64, got: u64 },
    #[error("the file's bytes do not have the hash it was announced with: nothing of it was kept; hash the file again and send it whole")]
    WrongHash,
    #[error("the file is {size} bytes, more than the {limit} bytes allowed per file: attach a smaller file (photos are re-encoded smaller by the app)")]
    FileTooLarge { size: u64, limit: u64 },
    #[error("this device sent {used} bytes of files today, and {size} more would pass the {limit} bytes allowed per day: the rest is sent tomorrow")]
    DailyCapReached { used: u64, size: u64, limit: u64 },
    #[error("the file's content is {found}, not {declared} as announced: only JPEG, PNG, WebP and PDF files may be attached, sent as what they are")]
    WrongType { declared: String, found: String },
    #[error("only JPEG, PNG, WebP and PDF files may be attached ({0})")]
    UnsupportedType(String),
    #[error("the image could not be read safely ({0}): it is damaged or too large to decode; attach another photo")]
    BadImage(String),
    #[error(
        "this upload was announced with another size or type ({0}): start it again with the file's real size and type"
    )]
    Mismatch(String),
}

impl AttachError {
    /// The HTTP status the server answers with.
    pub fn status(&self) -> u16 {
        match self {
            AttachError::Garbage(_) | AttachError::BadImage(_) | AttachError::Mismatch(_) => 400,
            AttachError::WrongOffset { .. } => 409,
            AttachError::WrongHash => 422,
            AttachError::FileTooLarge { .. } | AttachError::DailyCapReached { .. } => 413,
            AttachError::WrongType { .. } | AttachError::UnsupportedType(_) => 415,
        }
    }
}

/// The four kinds of file that may be attached, decided by content (magic bytes), never by
/// a file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl Kind {
    /// The byte of the wire frame.
    pub fn code(self) -> u8 {
        match self {
            Kind::Jpeg => 1,
            Kind::Png => 2,
            Kind::Webp => 3,
            Kind::Pdf => 4,
        }
    }

    pub fn from_code(code: u8) -> Option<Kind> {
        Some(match code {
            1 => Kind::Jpeg,
            2 => Kind::Png,
            3 => Kind::Webp,
            4 => Kind::Pdf,
            _ => return None,
        })
    }

    pub fn mime(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Webp => "image/webp",
            Kind::Pdf => "application/pdf",
        }
    }

    pub fn is_image(self) -> bool {
        self != Kind::Pdf
    }

    /// What the bytes are, by their first bytes (at least 12 are needed).
    pub fn sniff(bytes: &[u8]) -> Option<Kind> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Kind::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Kind::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Kind::Webp)
        } else if bytes.starts_with(b"%PDF-") {
            Some(Kind::Pdf)
        } else {
            None
        }
    }

    /// `bytes` (a file's first chunk) are what `self` says: a PNG renamed to .jpg is refused.
    pub fn check(self, bytes: &[u8]) -> Result<(), AttachError> {
        match Kind::sniff(bytes) {
            Some(k) if k == self => Ok(()),
            Some(k) => Err(AttachError::WrongType { declared: self.mime().into(), found: k.mime().into() }),
            None => Err(AttachError::UnsupportedType("the first bytes are not those of any of them".into())),
        }
    }
}

/// The policy's caps on attachments (per county policy; these defaults otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Caps {
    /// Largest file (bytes). A re-encoded photo is about 250 KB; a scanned PDF may be larger.
    pub max_file_bytes: u64,
    /// Most bytes of files one device may start uploading per day.
    pub max_device_bytes_per_day: u64,
    /// Most pixels an image may decode to (width × height): above, it is a decompression bomb.
    pub max_pixels: u64,
    /// Longest side an image may have.
    pub max_side: u32,
}

impl Default for Caps {
    fn default() -> Self {
        Self {
            max_file_bytes: 8 * 1024 * 1024,
            max_device_bytes_per_day: 256 * 1024 * 1024,
            max_pixels: 50_000_000,
            max_side: 12_000,
        }
    }
}

impl Caps {
    /// Whether a new file of `size` bytes may start, after `used` bytes today by its device.
    pub fn admit(&self, size: u64, used_today: u64) -> Result<(), AttachError> {
        if size > self.max_file_bytes {
            return Err(AttachError::FileTooLarge { size, limit: self.max_file_bytes });
        }
        if used_today.saturating_add(size) > self.max_device_bytes_per_day {
            return Err(AttachError::DailyCapReached { used: used_today, size, limit: self.max_device_bytes_per_day });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_by_content_not_by_name() {
        assert_eq!(Kind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some(Kind::Jpeg));
        assert_eq!(Kind::sniff(b"\x89PNG\r\n\x1a\n...."), Some(Kind::Png));
        assert_eq!(Kind::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(Kind::Webp));
        assert_eq!(Kind::sniff(b"%PDF-1.7\n"), Some(Kind::Pdf));
        assert_eq!(Kind::sniff(b"GIF89a......"), None);
        // A PNG announced as a JPEG is refused with 415, and says what it is.
        let err = Kind::Jpeg.check(b"\x89PNG\r\n\x1a\n....").expect_err("a png is not a jpeg");
        assert_eq!(err.status(), 415);
        assert!(err.to_string().contains("image/png"), "{err}");
        for k in [Kind::Jpeg, Kind::Png, Kind::Webp, Kind::Pdf] {
            assert_eq!(Kind::from_code(k.code()), Some(k));
        }
        assert_eq!(Kind::from_code(0), None);
    }

    #[test]
    fn caps_refuse_large_files_and_a_full_day() {
        let caps = Caps { max_file_bytes: 100, max_device_bytes_per_day: 250, ..Caps::default() };
        assert!(caps.admit(100, 150).is_ok());
        assert_eq!(caps.admit(101, 0), Err(AttachError::FileTooLarge { size: 101, limit: 100 }));
        assert_eq!(caps.admit(100, 151).map_err(|e| e.status()), Err(413));
    }

    #[test]
    fn hashes_read_back_from_hex() {
        let h = blob_hash(b"photo");
        assert_eq!(parse_hash(&hash_hex(&h)), Some(h));
        assert_eq!(parse_hash("zz"), None);
        assert_eq!(parse_hash(&hash_hex(&h)[..62]), None);
    }
}
