//! The bodies of the fuzz targets under `fuzz/`: every decoder that reads bytes from the
//! network, driven the way the server and the device drive it. They live here, not in the fuzz
//! crate, so that the normal tests replay the seed corpus and every saved crash
//! (`fuzz/regressions/`) on every run. Each body panics only on a broken invariant.
//!
//! Automerge's own panics on inconsistent changes are caught by [`crate::apply_untrusted`], as
//! in the app and the server; any other panic escapes and is a finding.

use std::collections::HashSet;

use automerge::Automerge;
use taizhang_doc::DocId;

use crate::{
    apply_untrusted, decode_request, decode_response, decode_sync_message, encode_request, encode_response,
    generate_untrusted, integrate, is_saved_document, load_saved_form, load_untrusted, parse_changes, parse_raw_change,
    receive_untrusted, saved_form_within, BootCursor, MAX_DECODED_BYTES,
};

/// A small cap so that fuzzing explores the "too large" paths too.
const FUZZ_LIMIT: usize = 256 * 1024;

fn plain_then_compressed(data: &[u8]) -> [Vec<u8>; 2] {
    // Random bytes are rarely a valid zstd frame: also try them as the plain postcard payload.
    [data.to_vec(), zstd::bulk::compress(data, 1).unwrap_or_default()]
}

/// A sync request body, as the server handles it.
pub fn sync_request(data: &[u8]) {
    for body in plain_then_compressed(data) {
        let Ok(req) = decode_request(&body, FUZZ_LIMIT) else { continue };
        // What decodes re-encodes to the same request.
        let again = decode_request(&encode_request(&req), MAX_DECODED_BYTES).expect("re-encoded request decodes");
        assert_eq!(again, req, "request round trip");
        for push in req.docs {
            if push.doc.parse::<DocId>().is_err() {
                continue;
            }
            if let Some(m) = &push.sync_message {
                apply_sync_message(m);
            }
            if let Ok(parsed) = parse_changes(&push.doc, push.changes) {
                if let Ok(done) = integrate(&[], parsed, |_| false) {
                    // Every stored change comes after its dependencies.
                    let mut placed = HashSet::new();
                    for c in &done.new {
                        assert!(c.deps.iter().all(|d| placed.contains(d)), "causal order");
                        placed.insert(c.hash);
                    }
                }
            }
        }
    }
}

/// A sync answer body, as the device handles it.
pub fn sync_response(data: &[u8]) {
    for body in plain_then_compressed(data) {
        let Ok(resp) = decode_response(&body, FUZZ_LIMIT) else { continue };
        let again = decode_response(&encode_response(&resp), MAX_DECODED_BYTES).expect("re-encoded answer decodes");
        assert_eq!(again, resp, "answer round trip");
        for dl in resp.download {
            if dl.doc.parse::<DocId>().is_err() {
                continue;
            }
            // A download may open with the document's saved form (issue 23).
            let mut doc = Automerge::new();
            let mut changes = dl.changes.as_slice();
            if let Some(first) = changes.first().filter(|c| is_saved_document(c)) {
                if load_saved_form(&mut doc, first).is_err() {
                    continue;
                }
                changes = &changes[1..];
            }
            let parsed: Result<Vec<_>, _> = changes.iter().map(|c| parse_raw_change(c)).collect();
            if let Ok(parsed) = parsed {
                let _ = apply_untrusted(&mut doc, parsed);
            }
        }
    }
}

/// One change chunk, or an Automerge sync message, from the network.
pub fn change_chunk(data: &[u8]) {
    if let Ok(c) = parse_raw_change(data) {
        assert_eq!(c.raw_bytes(), data, "a parsed change is exactly its bytes");
        let _ = apply_untrusted(&mut Automerge::new(), vec![c]);
    }
    apply_sync_message(data);
}

fn apply_sync_message(data: &[u8]) {
    if let Ok(message) = decode_sync_message(data) {
        let mut doc = Automerge::new();
        let mut state = automerge::sync::State::new();
        if receive_untrusted(&mut doc, &mut state, message).is_ok() {
            let _ = generate_untrusted(&doc, &mut state);
        }
    }
}

/// A document's saved form from the network (a fresh device's download, issue 23), as the
/// device checks and loads it; and the same bytes read as a boot cursor.
pub fn saved_form(data: &[u8]) {
    if saved_form_within(data, FUZZ_LIMIT).is_ok() {
        assert!(is_saved_document(data), "a form that passes the check is a document chunk");
        let mut doc = Automerge::new();
        let _ = load_untrusted(&mut doc, data);
    }
    if let Some(raw) = data.get(..8).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
        if let Some(c) = BootCursor::decode(u64::from_le_bytes(raw)) {
            assert_eq!(c.encode().and_then(BootCursor::decode), Some(c), "a boot cursor round trips");
        }
    }
}

/// A document name from the network.
pub fn doc_id(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(id) = s.parse::<DocId>() {
        assert_eq!(id.to_string(), s, "a document name has one spelling");
    }
}

/// The member and month of the log the `pushed_records` target writes into.
pub const FUZZ_MEMBER: u128 = 0x0193a000_0000_7000_8000_000000010000;

/// A pushed change, as the server checks its records: applied to a document (an empty one:
/// a first change has no dependencies), then every record it touched is checked as it would
/// be in a member's log, in the registry and in a team document
/// (`taizhang_doc::check_touched`). The check may refuse; it must never panic.
pub fn pushed_records(data: &[u8]) {
    let Ok(c) = parse_raw_change(data) else { return };
    let mut doc = Automerge::new();
    if apply_untrusted(&mut doc, vec![c.clone()]).is_err() {
        return;
    }
    let keys = taizhang_doc::changed_keys(&doc, &[c]);
    let member = taizhang_domain::MemberId(uuid::Uuid::from_u128(FUZZ_MEMBER));
    let month = taizhang_domain::YearMonth { year: 2026, month: 11 };
    let limits = taizhang_domain::Limits::default();
    for id in [DocId::Log { member, month }, DocId::Registry, DocId::Team { year: 2026 }] {
        let _ = taizhang_doc::check_touched(&id, &doc, &keys, &limits);
    }
}

/// A fuzz target: its name under `fuzz/` and its body.
pub type Target = (&'static str, fn(&[u8]));

/// The targets by name, for the replay test and the fuzz crate.
pub const TARGETS: [Target; 6] = [
    ("sync_request", sync_request),
    ("sync_response", sync_response),
    ("change_chunk", change_chunk),
    ("doc_id", doc_id),
    ("pushed_records", pushed_records),
    ("saved_form", saved_form),
];
