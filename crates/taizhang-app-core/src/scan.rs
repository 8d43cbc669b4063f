//! Joining by scan (issue 21): the enrollment QR code's text (`taizhang:enroll?code=…&server=…`,
//! written by the sync server's admin commands) read into its code and server address — the
//! same rule as the window's `app/src/transport/enroll-qr.ts` — and the QR code read from an
//! image file the person picks (a photo or a screenshot of the sheet), with `rqrr`, on a
//! bounded decode (a huge or malformed file is refused, never allocated).

use crate::contract::JoinLink;
use crate::AppError;

/// The longest edge the QR search works on: larger pictures are scaled down first (a code
/// that fills a tenth of a 12-megapixel photo still has plenty of pixels per module).
const SEARCH_EDGE: u32 = 1600;
/// Pictures larger than this are refused before decoding.
const MAX_EDGE: u32 = 10_000;
const MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// Reads a join link's text; `None` when it is not a Taizhang enrollment link.
pub fn parse_join_link(text: &str) -> Option<JoinLink> {
    let rest = text.trim().strip_prefix("taizhang:enroll?")?;
    // The server address comes last and may itself hold "&" or "=": everything after "server=".
    let (head, server) = match rest.find("server=") {
        Some(at) => (&rest[..at], Some(rest[at + "server=".len()..].trim().to_string())),
        None => (rest, None),
    };
    let code = head.split('&').filter_map(|p| p.split_once('=')).find(|(k, _)| *k == "code")?.1.trim();
    if code.is_empty() {
        return None;
    }
    Some(JoinLink { code: code.to_string(), server: server.filter(|s| !s.is_empty()) })
}

fn unreadable(message: impl Into<String>) -> AppError {
    AppError::invalid("image", message)
}

/// The join link in the QR code of `image` (JPEG, PNG or WebP bytes).
pub fn read_join_qr(image: &[u8]) -> Result<JoinLink, AppError> {
    use std::io::Cursor;
    let mut reader = image::ImageReader::new(Cursor::new(image))
        .with_guessed_format()
        .map_err(|e| unreadable(format!("the file could not be read: {e}")))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_EDGE);
    limits.max_image_height = Some(MAX_EDGE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let picture = reader
        .decode()
        .map_err(|e| unreadable(format!("the file is not a picture this app reads (JPEG, PNG, WebP): {e}")))?;
    let mut grey = picture.to_luma8();
    let (w, h) = grey.dimensions();
    if w.max(h) > SEARCH_EDGE {
        let scale = f64::from(SEARCH_EDGE) / f64::from(w.max(h));
        let (nw, nh) = (((f64::from(w) * scale) as u32).max(1), ((f64::from(h) * scale) as u32).max(1));
        grey = image::imageops::resize(&grey, nw, nh, image::imageops::FilterType::Triangle);
    }
    let (w, h) = grey.dimensions();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
        grey.get_pixel(x as u32, y as u32).0[0]
    });
    let mut other = false;
    for grid in prepared.detect_grids() {
        match grid.decode() {
            Ok((_, text)) => match parse_join_link(&text) {
                Some(link) => return Ok(link),
                None => other = true,
            },
            Err(_) => continue,
        }
    }
    Err(unreadable(if other {
        "the picture's QR code is not a Taizhang join code: ask the administrator for the join sheet"
    } else {
        "no QR code was found in the picture: take it again closer and sharper, or type the code"
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG of the QR code of `text`, `scale` pixels per module, with a quiet zone.
    fn qr_png(text: &str, scale: u32) -> Vec<u8> {
        let code = qrcode::QrCode::new(text.as_bytes()).expect("qr");
        let n = code.width() as u32;
        let colors = code.to_colors();
        let side = (n + 8) * scale;
        let img = image::GrayImage::from_fn(side, side, |x, y| {
            let (mx, my) = ((x / scale) as i64 - 4, (y / scale) as i64 - 4);
            let dark = mx >= 0
                && my >= 0
                && (mx as u32) < n
                && (my as u32) < n
                && colors[(my as u32 * n + mx as u32) as usize] == qrcode::Color::Dark;
            image::Luma([if dark { 0 } else { 255 }])
        });
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).expect("png");
        out
    }

    #[test]
    fn a_join_link_is_read_like_the_window_reads_it() {
        let l = parse_join_link(" taizhang:enroll?code=ABCD-EFGH-JKMN-PQRS&server=https://s.example/a?b=1&c=2 ")
            .expect("link");
        assert_eq!(l.code, "ABCD-EFGH-JKMN-PQRS");
        assert_eq!(l.server.as_deref(), Some("https://s.example/a?b=1&c=2"));
        assert_eq!(parse_join_link("taizhang:enroll?code=x2").expect("no server").server, None);
        assert!(parse_join_link("https://example.com/?code=1").is_none());
        assert!(parse_join_link("taizhang:enroll?server=http://x").is_none());
    }

    #[test]
    fn the_join_qr_is_read_from_a_picture() {
        let png = qr_png("taizhang:enroll?code=ABCD-EFGH-JKMN-PQRS&server=http://10.0.0.5:8620", 6);
        let l = read_join_qr(&png).expect("read");
        assert_eq!(l.code, "ABCD-EFGH-JKMN-PQRS");
        assert_eq!(l.server.as_deref(), Some("http://10.0.0.5:8620"));
        // A large picture is scaled down before the search and still read.
        let big = qr_png("taizhang:enroll?code=WXYZ-2345-6789-ABCD", 60);
        assert_eq!(read_join_qr(&big).expect("big").code, "WXYZ-2345-6789-ABCD");
    }

    #[test]
    fn other_pictures_get_a_clear_error() {
        let other = read_join_qr(&qr_png("https://example.com", 6)).expect_err("not ours");
        assert!(other.to_string().contains("not a Taizhang join code"), "{other}");
        let blank = image::GrayImage::from_pixel(50, 50, image::Luma([255]));
        let mut png = Vec::new();
        blank.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).expect("png");
        assert!(read_join_qr(&png).expect_err("none").to_string().contains("no QR code"));
        let garbage = read_join_qr(b"not a picture at all").expect_err("garbage");
        assert_eq!(garbage.to_command_error().field.as_deref(), Some("image"));
    }
}
