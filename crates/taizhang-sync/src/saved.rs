//! Fresh devices from saved forms (issue 23): a device that sets [`SAVED_FORMS`] in its
//! `want_bytes` (an older server's clamp of `want_bytes` ignores the bit) and sends a cursor of
//! 0 gets each document whole, as Automerge's saved form, plus the changes stored after it, in
//! batches by document; then the log after the position `C` where that started, as usual.
//! Between those batches its cursor is a [`BootCursor`] (a phase bit, `C`, the next document).
//!
//! A saved form from the network is checked by [`saved_form_within`] before Automerge sees it:
//! exactly one document chunk, no column marked deflated (Automerge inflates those without a
//! cap), at most a given size. The server makes the forms it sends with `save_nocompress`.

use automerge::Automerge;

use crate::load_untrusted;

/// The capability bit a device sets in `SyncRequest::want_bytes`: "I load saved forms". An
/// older server clamps `want_bytes` to its batch size, which drops the bit.
pub const SAVED_FORMS: u32 = 1 << 31;

/// The most one saved form from the network may weigh (the answer's own cap is
/// [`crate::MAX_DECODED_BYTES`]).
pub const MAX_SAVED_FORM: usize = 3 * 1024 * 1024;

const PHASE: u64 = 1 << 63;
const INDEX_BITS: u32 = 24;
const INDEX_MASK: u64 = (1 << INDEX_BITS) - 1;
/// The highest log position a [`BootCursor`] holds (39 bits: 5.5 × 10¹¹ changes).
pub const MAX_BOOT_UPTO: u64 = (PHASE - 1) >> INDEX_BITS;

/// Where a device stands while it downloads saved forms: every document with a change at or
/// before log position `upto` (sorted by name: a fixed list once `upto` is fixed, since the
/// log only grows) is sent whole, `next` is the index of the next one in that list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BootCursor {
    pub upto: u64,
    pub next: u32,
}

impl BootCursor {
    /// The cursor as it travels (`SyncRequest::cursor`, `SyncResponse::cursor`): bit 63 set,
    /// then `upto`, then 24 bits of `next`. `None` when either does not fit (the server then
    /// sends the log change by change).
    pub fn encode(self) -> Option<u64> {
        (self.upto <= MAX_BOOT_UPTO && u64::from(self.next) <= INDEX_MASK)
            .then(|| PHASE | (self.upto << INDEX_BITS) | u64::from(self.next))
    }

    /// The boot cursor a travelling cursor holds, if it is one.
    pub fn decode(cursor: u64) -> Option<Self> {
        (cursor & PHASE != 0)
            .then_some(BootCursor { upto: (cursor & !PHASE) >> INDEX_BITS, next: (cursor & INDEX_MASK) as u32 })
    }
}

/// A document's saved form for the network: no column deflated, so the receiver can bound it
/// before loading ([`saved_form_within`]).
pub fn save_for_network(doc: &Automerge) -> Vec<u8> {
    doc.save_nocompress()
}

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const DEFLATE_BIT: u64 = 0b1000;

fn leb(bytes: &[u8], pos: &mut usize) -> Result<u64, String> {
    let mut value: u64 = 0;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*pos).ok_or("truncated")?;
        *pos += 1;
        value |= u64::from(b & 0x7f).checked_shl(shift).ok_or("overlong number")?;
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("overlong number".into())
}

fn take(bytes: &[u8], pos: &mut usize, n: u64) -> Result<(), String> {
    let n = usize::try_from(n).map_err(|_| "length out of range")?;
    let end = pos.checked_add(n).filter(|e| *e <= bytes.len()).ok_or("truncated")?;
    *pos = end;
    Ok(())
}

/// Whether `chunk` is exactly one Automerge document chunk of at most `cap` bytes none of
/// whose columns is deflated — what may be handed to Automerge's loader, which would inflate
/// deflated columns without a cap. Reads the chunk header (magic, checksum, type 0, length),
/// the actors and heads, then both column lists (each column's specification: bit 3 is
/// "deflated"). The error says why not.
pub fn saved_form_within(chunk: &[u8], cap: usize) -> Result<(), String> {
    if chunk.len() > cap {
        return Err(format!("a saved form of {} bytes is over the cap of {cap}", chunk.len()));
    }
    if chunk.len() < 9 || chunk[..4] != MAGIC || chunk[8] != 0 {
        return Err("not an Automerge document chunk".into());
    }
    let mut pos = 9;
    let len = leb(chunk, &mut pos)?;
    if usize::try_from(len).ok().and_then(|l| l.checked_add(pos)) != Some(chunk.len()) {
        return Err("the saved form's length does not match its header (one chunk, nothing after it)".into());
    }
    let actors = leb(chunk, &mut pos)?;
    for _ in 0..actors {
        let n = leb(chunk, &mut pos)?;
        take(chunk, &mut pos, n)?;
    }
    let heads = leb(chunk, &mut pos)?;
    take(chunk, &mut pos, heads.checked_mul(32).ok_or("too many heads")?)?;
    for list in ["change", "operation"] {
        let columns = leb(chunk, &mut pos)?;
        for _ in 0..columns {
            let spec = leb(chunk, &mut pos)?;
            if spec & DEFLATE_BIT != 0 {
                return Err(format!(
                    "a {list} column of the saved form is deflated; only uncompressed forms are loaded"
                ));
            }
            let _len = leb(chunk, &mut pos)?;
        }
    }
    Ok(())
}

/// Loads a saved form that came from the network into `doc` (an empty document keeps its
/// actor): checked by [`saved_form_within`] first, then [`load_untrusted`].
pub fn load_saved_form(doc: &mut Automerge, chunk: &[u8]) -> Result<(), String> {
    saved_form_within(chunk, MAX_SAVED_FORM)?;
    load_untrusted(doc, chunk)
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{ActorId, ROOT};

    fn doc(n: usize) -> Automerge {
        let mut d = Automerge::new().with_actor(ActorId::from(vec![4u8; 16]));
        for i in 0..n {
            let mut tx = d.transaction();
            tx.put(ROOT, format!("k{i}"), "走访记录".repeat(40)).unwrap();
            tx.commit();
        }
        d
    }

    #[test]
    fn the_boot_cursor_round_trips_and_never_looks_like_a_log_position() {
        for c in [BootCursor { upto: 1, next: 0 }, BootCursor { upto: MAX_BOOT_UPTO, next: (1 << 24) - 1 }] {
            let raw = c.encode().unwrap();
            assert!(raw >= PHASE);
            assert_eq!(BootCursor::decode(raw), Some(c));
        }
        assert_eq!(BootCursor { upto: MAX_BOOT_UPTO + 1, next: 0 }.encode(), None);
        assert_eq!(BootCursor { upto: 1, next: 1 << 24 }.encode(), None);
        assert_eq!(BootCursor::decode(12345), None);
    }

    #[test]
    fn uncompressed_forms_load_and_deflated_ones_are_refused_before_automerge() {
        let d = doc(200);
        let plain = save_for_network(&d);
        saved_form_within(&plain, MAX_SAVED_FORM).unwrap();
        let mut fresh = Automerge::new().with_actor(ActorId::from(vec![9u8; 16]));
        load_saved_form(&mut fresh, &plain).unwrap();
        assert_eq!(fresh.get_heads(), d.get_heads());
        assert_eq!(fresh.get_actor(), &ActorId::from(vec![9u8; 16]), "the device keeps its actor");

        let deflated = d.save();
        assert!(deflated.len() < plain.len(), "this document has columns big enough to deflate");
        let err = saved_form_within(&deflated, MAX_SAVED_FORM).unwrap_err();
        assert!(err.contains("deflated"), "{err}");
        assert!(load_saved_form(&mut Automerge::new(), &deflated).is_err());

        // Trailing chunks, truncation, a change chunk and the cap are refused.
        let mut two = plain.clone();
        two.extend_from_slice(&d.get_changes(&[])[0].raw_bytes().to_vec());
        assert!(saved_form_within(&two, MAX_SAVED_FORM).is_err());
        assert!(saved_form_within(&plain[..plain.len() - 1], MAX_SAVED_FORM).is_err());
        assert!(saved_form_within(d.get_changes(&[])[0].raw_bytes(), MAX_SAVED_FORM).is_err());
        assert!(saved_form_within(&plain, plain.len() - 1).is_err());
    }
}
