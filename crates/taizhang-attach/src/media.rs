//! Images, bounded: what the server checks of an uploaded file ([`inspect`]: its type by
//! content, its pixels decoded under [`image::Limits`] so a decompression bomb is refused
//! before anything is allocated for it, and a thumbnail), and what the app makes of a photo
//! before it is attached ([`prepare_photo`]: re-encoded to a long edge of at most 1,600 px and
//! about 250 KB, EXIF time and place read as optional evidence and not kept in the stored
//! copy, a thumbnail, and the content hash that names it).

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, ImageReader};

use crate::{blob_hash, AttachError, BlobHash, Caps, Kind};

/// The long edge of a stored photo.
pub const PHOTO_LONG_EDGE: u32 = 1600;
/// The size a re-encoded photo aims at.
pub const PHOTO_TARGET_BYTES: usize = 250 * 1024;
/// The long edge of a thumbnail.
pub const THUMB_LONG_EDGE: u32 = 200;
const THUMB_QUALITY: u8 = 60;

fn format(kind: Kind) -> Option<ImageFormat> {
    match kind {
        Kind::Jpeg => Some(ImageFormat::Jpeg),
        Kind::Png => Some(ImageFormat::Png),
        Kind::Webp => Some(ImageFormat::WebP),
        Kind::Pdf => None,
    }
}

fn bad(e: impl std::fmt::Display) -> AttachError {
    AttachError::BadImage(e.to_string())
}

/// Decodes an image of `kind` within `caps`: the header's size is checked before any pixel
/// is decoded, and the decoder itself runs under limits (width, height, allocation).
pub fn decode_bounded(kind: Kind, bytes: &[u8], caps: &Caps) -> Result<DynamicImage, AttachError> {
    kind.check(bytes)?;
    let fmt = format(kind).ok_or_else(|| AttachError::UnsupportedType("a PDF is not an image".into()))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(caps.max_side);
    limits.max_image_height = Some(caps.max_side);
    // RGBA at 4 bytes a pixel, and room for the decoder's own buffers.
    limits.max_alloc = Some(caps.max_pixels.saturating_mul(4).saturating_add(16 << 20));
    let (w, h) = ImageReader::with_format(Cursor::new(bytes), fmt).into_dimensions().map_err(bad)?;
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > caps.max_pixels || w > caps.max_side || h > caps.max_side {
        return Err(AttachError::BadImage(format!(
            "it says it is {w} × {h} pixels, more than the {} pixels allowed (a decompression bomb?)",
            caps.max_pixels
        )));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), fmt);
    reader.limits(limits);
    reader.decode().map_err(bad)
}

/// What the first chunk of an upload says of the image, checked before anything is stored: a
/// header that claims more pixels than `caps` allow (a bomb) is refused at once. A header that
/// does not fit in the chunk is checked with the whole file, by [`inspect`].
pub fn check_header(kind: Kind, first: &[u8], caps: &Caps) -> Result<(), AttachError> {
    kind.check(first)?;
    let Some(fmt) = format(kind) else { return Ok(()) };
    let Ok((w, h)) = ImageReader::with_format(Cursor::new(first), fmt).into_dimensions() else { return Ok(()) };
    if u64::from(w) * u64::from(h) > caps.max_pixels || w > caps.max_side || h > caps.max_side {
        return Err(AttachError::BadImage(format!(
            "it says it is {w} × {h} pixels, more than the {} pixels allowed (a decompression bomb?)",
            caps.max_pixels
        )));
    }
    Ok(())
}

fn jpeg(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, AttachError> {
    let mut out = Vec::new();
    let rgb = img.to_rgb8();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality).encode_image(&rgb).map_err(bad)?;
    Ok(out)
}

/// A small JPEG of the image (long edge [`THUMB_LONG_EDGE`]).
pub fn thumbnail(img: &DynamicImage) -> Result<Vec<u8>, AttachError> {
    jpeg(&img.thumbnail(THUMB_LONG_EDGE, THUMB_LONG_EDGE), THUMB_QUALITY)
}

/// What the server checks of a whole uploaded file before it is kept: its type by content,
/// and an image's pixels decoded within `caps`. Answers the thumbnail of an image (`None` for
/// a PDF).
pub fn inspect(kind: Kind, bytes: &[u8], caps: &Caps) -> Result<Option<Vec<u8>>, AttachError> {
    kind.check(bytes)?;
    if !kind.is_image() {
        return Ok(None);
    }
    let img = decode_bounded(kind, bytes, caps)?;
    thumbnail(&img).map(Some)
}

/// The EXIF time and place of a photo: optional evidence shown beside the record, never a
/// gate, and not kept in the stored copy.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Evidence {
    /// `DateTimeOriginal` as the camera wrote it (local time, e.g. "2026-03-01 09:30:00").
    pub taken_at: Option<String>,
    /// Latitude and longitude in degrees (WGS-84 as the camera wrote them).
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

fn degrees(exif: &exif::Exif, tag: exif::Tag, reference: exif::Tag, negative: &str) -> Option<f64> {
    let field = exif.get_field(tag, exif::In::PRIMARY)?;
    let exif::Value::Rational(parts) = &field.value else { return None };
    if parts.len() < 3 || parts.iter().any(|r| r.denom == 0) {
        return None;
    }
    let value = parts[0].to_f64() + parts[1].to_f64() / 60.0 + parts[2].to_f64() / 3600.0;
    let sign = exif
        .get_field(reference, exif::In::PRIMARY)
        .map(|f| f.display_value().to_string())
        .is_some_and(|r| r.contains(negative));
    Some(if sign { -value } else { value })
}

/// The EXIF time and place of `bytes`, when it has them (a damaged EXIF block is no evidence,
/// never an error).
pub fn read_evidence(bytes: &[u8]) -> Evidence {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return Evidence::default();
    };
    let taken_at = exif
        .get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY)
        .or_else(|| exif.get_field(exif::Tag::DateTime, exif::In::PRIMARY))
        .map(|f| f.display_value().to_string());
    Evidence {
        taken_at,
        lat: degrees(&exif, exif::Tag::GPSLatitude, exif::Tag::GPSLatitudeRef, "S"),
        lon: degrees(&exif, exif::Tag::GPSLongitude, exif::Tag::GPSLongitudeRef, "W"),
    }
}

/// A file made ready to attach: the bytes to store and send, named by their hash.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub hash: BlobHash,
    pub kind: Kind,
    pub bytes: Vec<u8>,
    /// A small JPEG (none for a PDF).
    pub thumb: Option<Vec<u8>>,
    pub evidence: Evidence,
}

/// Makes a picked file ready to attach: a photo (JPEG, PNG, WebP) is decoded within `caps`,
/// scaled to a long edge of at most [`PHOTO_LONG_EDGE`] and re-encoded as JPEG at the best
/// quality that keeps it within [`PHOTO_TARGET_BYTES`] (the re-encoding drops EXIF: the time
/// and place are read first, as [`Evidence`]); a PDF is kept as it is.
pub fn prepare_photo(bytes: &[u8], caps: &Caps) -> Result<Prepared, AttachError> {
    let kind = Kind::sniff(bytes)
        .ok_or_else(|| AttachError::UnsupportedType("the file's first bytes are not those of any of them".into()))?;
    if kind == Kind::Pdf {
        caps.admit(bytes.len() as u64, 0)?;
        return Ok(Prepared {
            hash: blob_hash(bytes),
            kind,
            bytes: bytes.to_vec(),
            thumb: None,
            evidence: Evidence::default(),
        });
    }
    let evidence = read_evidence(bytes);
    let img = decode_bounded(kind, bytes, caps)?;
    let img = if img.width().max(img.height()) > PHOTO_LONG_EDGE {
        img.resize(PHOTO_LONG_EDGE, PHOTO_LONG_EDGE, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let mut out = Vec::new();
    for quality in [82u8, 72, 62, 52, 42, 32] {
        out = jpeg(&img, quality)?;
        if out.len() <= PHOTO_TARGET_BYTES {
            break;
        }
    }
    let thumb = thumbnail(&img)?;
    Ok(Prepared { hash: blob_hash(&out), kind: Kind::Jpeg, bytes: out, thumb: Some(thumb), evidence })
}

/// Test images, made here so every crate's tests use the same (a noisy "photo", a bomb, a
/// PNG): deterministic, no files.
pub mod samples {
    use super::*;

    /// A noisy RGB image of `w` × `h` pixels (noise makes JPEG work as hard as on a photo).
    pub fn noisy(w: u32, h: u32, seed: u32) -> DynamicImage {
        let mut x = seed.wrapping_mul(2_654_435_761).max(1);
        let img = image::RgbImage::from_fn(w, h, |i, j| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let n = (x & 0x3f) as u8;
            image::Rgb([((i * 255) / w.max(1)) as u8 / 2 + n, ((j * 255) / h.max(1)) as u8 / 2 + n, 90 + n])
        });
        DynamicImage::ImageRgb8(img)
    }

    /// A JPEG "photo" of `w` × `h` pixels.
    pub fn photo(w: u32, h: u32, seed: u32) -> Vec<u8> {
        jpeg(&noisy(w, h, seed), 90).unwrap_or_default()
    }

    /// A PNG of `w` × `h` pixels.
    pub fn png(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let _ = noisy(w, h, 1).write_to(&mut Cursor::new(&mut out), ImageFormat::Png);
        out
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    /// A small PNG whose header claims 60,000 × 60,000 pixels (14 GB as RGBA), with a valid
    /// header checksum: a decompression bomb's shape.
    pub fn bomb() -> Vec<u8> {
        let mut png = png(8, 8);
        // IHDR: length (4) "IHDR" (4) width (4) height (4) ... at byte 8.
        png[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        png
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_photo_is_re_encoded_small_with_a_thumbnail() {
        let photo = samples::photo(3000, 2000, 7);
        let p = prepare_photo(&photo, &Caps::default()).expect("prepared");
        assert_eq!(p.kind, Kind::Jpeg);
        assert!(p.bytes.len() <= PHOTO_TARGET_BYTES, "{} bytes", p.bytes.len());
        assert_eq!(p.hash, blob_hash(&p.bytes));
        let stored = decode_bounded(Kind::Jpeg, &p.bytes, &Caps::default()).expect("decodes");
        assert_eq!((stored.width(), stored.height()), (1600, 1067));
        let thumb = p.thumb.expect("a thumbnail");
        let t = decode_bounded(Kind::Jpeg, &thumb, &Caps::default()).expect("thumb decodes");
        assert_eq!(t.width().max(t.height()), THUMB_LONG_EDGE);
        assert!(thumb.len() < 20_000, "{} bytes", thumb.len());
        // The same photo gives the same name (content hash).
        assert_eq!(prepare_photo(&photo, &Caps::default()).expect("again").hash, p.hash);
    }

    #[test]
    fn a_bomb_is_refused_before_decoding() {
        let err = inspect(Kind::Png, &samples::bomb(), &Caps::default()).expect_err("a bomb");
        assert_eq!(err.status(), 400);
        assert!(err.to_string().contains("60000"), "{err}");
        assert!(check_header(Kind::Png, &samples::bomb()[..64], &Caps::default()).is_err(), "seen in the first bytes");
        assert!(check_header(Kind::Png, &samples::png(10, 10)[..64], &Caps::default()).is_ok());
        let err = prepare_photo(&samples::bomb(), &Caps::default()).expect_err("a bomb");
        assert!(matches!(err, AttachError::BadImage(_)));
    }

    #[test]
    fn a_png_announced_as_jpeg_and_a_cut_image_are_refused() {
        let png = samples::png(40, 30);
        assert!(inspect(Kind::Png, &png, &Caps::default()).expect("a png").is_some());
        assert_eq!(inspect(Kind::Jpeg, &png, &Caps::default()).map_err(|e| e.status()), Err(415));
        // A JPEG's magic bytes over garbage (a cut-off JPEG decodes grey, harmlessly: the hash
        // check is what catches a damaged upload).
        let fake: Vec<u8> = [0xFF, 0xD8, 0xFF, 0xE0].iter().copied().chain((0..500u32).map(|i| i as u8)).collect();
        assert_eq!(inspect(Kind::Jpeg, &fake, &Caps::default()).map_err(|e| e.status()), Err(400));
        assert!(inspect(Kind::Png, &png[..png.len() / 2], &Caps::default()).is_err(), "a cut png");
        assert_eq!(inspect(Kind::Pdf, b"%PDF-1.4\n%%EOF", &Caps::default()), Ok(None));
    }

    #[test]
    fn a_photo_without_exif_has_no_evidence() {
        assert_eq!(read_evidence(&samples::photo(16, 16, 2)), Evidence::default());
        assert_eq!(read_evidence(b"garbage"), Evidence::default());
    }
}
