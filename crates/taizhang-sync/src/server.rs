//! The server's half of the protocol, without IO: parse pushed changes safely, and work out
//! which of them are new, in what order to store them, and the document's new heads.

use std::collections::{BTreeSet, HashSet};

use automerge::Change;

use crate::{Hash, SyncError};

/// A pushed change, parsed and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedChange {
    pub hash: Hash,
    pub deps: Vec<Hash>,
    /// The Automerge actor that claims to have made the change.
    pub actor: Vec<u8>,
    pub seq: u64,
    /// The device's clock when the change was made (UTC ms); the server keeps its own
    /// receipt time beside it.
    pub timestamp: i64,
    pub bytes: Vec<u8>,
}

/// Automerge chunk type 2 is a deflate-compressed change: it could inflate without bound
/// inside Automerge, past our caps. Devices always send raw changes, so it is refused.
const CHUNK_TYPE_COMPRESSED_CHANGE: u8 = 2;
const CHUNK_TYPE_CHANGE: u8 = 1;
const CHUNK_TYPE_BUNDLE: u8 = 3;
const CHUNK_TYPE_DOCUMENT: u8 = 0;

/// The most a compressed change inside an Automerge sync message may inflate to.
pub const MAX_INFLATED_CHANGE: usize = 1024 * 1024;

/// Checks, without trusting Automerge to stop in time, that a change chunk from the network
/// stays within `cap` bytes once inflated. Raw change chunks pass as they are; compressed ones
/// (chunk type 2: magic, checksum, type, LEB128 length, deflate data) are inflated here with a cap.
pub fn change_chunk_within(chunk: &[u8], cap: usize) -> bool {
    use std::io::Read;
    match chunk.get(8) {
        Some(&CHUNK_TYPE_CHANGE) => chunk.len() <= cap,
        // Whole documents and bundles (what a v2 sync message sends when more than a third of
        // the document is missing) may carry deflated columns that Automerge inflates without
        // a cap: refused. Devices speak v1 sync messages, which carry changes only.
        Some(&CHUNK_TYPE_BUNDLE) | Some(&CHUNK_TYPE_DOCUMENT) => false,
        Some(&CHUNK_TYPE_COMPRESSED_CHANGE) => {
            let mut len: u64 = 0;
            let mut pos = 9;
            let mut shift = 0;
            loop {
                let Some(&b) = chunk.get(pos) else { return false };
                pos += 1;
                if shift > 56 {
                    return false;
                }
                len |= u64::from(b & 0x7f) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    break;
                }
            }
            let Some(data) = usize::try_from(len).ok().and_then(|l| chunk.get(pos..pos.checked_add(l)?)) else {
                return false;
            };
            let mut out = Vec::new();
            let reader = flate2::read::DeflateDecoder::new(data).take(cap as u64 + 1);
            let mut reader = reader;
            reader.read_to_end(&mut out).is_ok() && out.len() <= cap
        }
        _ => false,
    }
}

/// Decodes an Automerge sync message from a device (the fallback path) and checks that every
/// change in it is a change chunk that stays within [`MAX_INFLATED_CHANGE`] once inflated.
pub fn decode_sync_message(bytes: &[u8]) -> Result<automerge::sync::Message, String> {
    let message = automerge::sync::Message::decode(bytes).map_err(|e| format!("not an Automerge sync message: {e}"))?;
    if !message.changes.iter().all(|c| change_chunk_within(c, MAX_INFLATED_CHANGE)) {
        return Err(format!(
            "a change in the sync message is not a change chunk or inflates past {MAX_INFLATED_CHANGE} bytes; \
             send changes only (v1 sync messages)"
        ));
    }
    Ok(message)
}

/// Parses one change that came over the network (either direction). Only raw change chunks
/// are accepted — a compressed chunk could inflate without bound inside Automerge — and the
/// chunk must be exactly one change. The error says why, for the peer.
pub fn parse_raw_change(bytes: &[u8]) -> Result<Change, String> {
    match bytes.get(8) {
        Some(&CHUNK_TYPE_CHANGE) => {}
        Some(&CHUNK_TYPE_COMPRESSED_CHANGE) => {
            return Err("compressed changes are not accepted; send raw changes".into())
        }
        _ => return Err("not an Automerge change chunk".into()),
    }
    let change = Change::try_from(bytes).map_err(|e| e.to_string())?;
    if change.raw_bytes().len() != bytes.len() {
        return Err("trailing bytes after the change".into());
    }
    Ok(change)
}

/// Parses every pushed change of document `doc`; one bad change refuses the document.
pub fn parse_changes(doc: &str, raw: Vec<Vec<u8>>) -> Result<Vec<ParsedChange>, SyncError> {
    raw.into_iter()
        .enumerate()
        .map(|(index, bytes)| {
            let bad = |reason: String| SyncError::BadChange { doc: doc.to_string(), index, reason };
            let change = parse_raw_change(&bytes).map_err(bad)?;
            Ok(ParsedChange {
                hash: change.hash().0,
                deps: change.deps().iter().map(|h| h.0).collect(),
                actor: change.actor_id().to_bytes().to_vec(),
                seq: change.seq(),
                timestamp: change.timestamp(),
                bytes,
            })
        })
        .collect()
}

/// What to store for one pushed document.
#[derive(Debug, Clone, PartialEq)]
pub struct Integrated {
    /// Changes the server did not have, each after its dependencies.
    pub new: Vec<ParsedChange>,
    /// The document's heads once `new` is stored.
    pub heads: Vec<Hash>,
}

/// Decides what a push adds to a document the server holds with `heads`. `known` answers
/// whether the server already stores a change. Returns the missing dependencies when the
/// push cannot be stored whole (then nothing of it may be stored).
pub fn integrate(
    heads: &[Hash],
    pushed: Vec<ParsedChange>,
    mut known: impl FnMut(&Hash) -> bool,
) -> Result<Integrated, Vec<Hash>> {
    let mut seen = HashSet::new();
    let mut pending: Vec<ParsedChange> =
        pushed.into_iter().filter(|c| seen.insert(c.hash) && !known(&c.hash)).collect();
    let mut placed: HashSet<Hash> = HashSet::new();
    let mut new = Vec::with_capacity(pending.len());
    // Kahn-style: place every change whose deps are stored or placed, until none moves.
    loop {
        let before = pending.len();
        let mut rest = Vec::new();
        for c in pending {
            if c.deps.iter().all(|d| placed.contains(d) || known(d)) {
                placed.insert(c.hash);
                new.push(c);
            } else {
                rest.push(c);
            }
        }
        pending = rest;
        if pending.is_empty() || pending.len() == before {
            break;
        }
    }
    if !pending.is_empty() {
        let missing: BTreeSet<Hash> = pending
            .iter()
            .flat_map(|c| c.deps.iter())
            .filter(|d| !placed.contains(*d) && !pending.iter().any(|p| &p.hash == *d) && !known(d))
            .copied()
            .collect();
        return Err(missing.into_iter().collect());
    }
    let mut h: BTreeSet<Hash> = heads.iter().copied().collect();
    for c in &new {
        for d in &c.deps {
            h.remove(d);
        }
        h.insert(c.hash);
    }
    Ok(Integrated { new, heads: h.into_iter().collect() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{ActorId, Automerge, ROOT};

    fn changes(n: usize) -> (Automerge, Vec<Vec<u8>>) {
        let mut d = Automerge::new().with_actor(ActorId::from(vec![9u8; 16]));
        for i in 0..n {
            let mut tx = d.transaction();
            tx.put(ROOT, format!("k{i}"), i as i64).unwrap();
            tx.commit();
        }
        let raw = d.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
        (d, raw)
    }

    #[test]
    fn out_of_order_push_is_stored_in_causal_order_with_exact_heads() {
        let (doc, mut raw) = changes(4);
        raw.reverse();
        let parsed = parse_changes("registry", raw).unwrap();
        let got = integrate(&[], parsed, |_| false).unwrap();
        assert_eq!(got.new.len(), 4);
        assert_eq!(got.heads, doc.get_heads().iter().map(|h| h.0).collect::<Vec<_>>());
        for (i, c) in got.new.iter().enumerate() {
            assert!(c.deps.iter().all(|d| got.new[..i].iter().any(|p| &p.hash == d)));
        }
    }

    #[test]
    fn a_push_with_a_hole_reports_the_missing_change_and_stores_nothing() {
        let (_, raw) = changes(3);
        let parsed = parse_changes("registry", raw[1..].to_vec()).unwrap();
        let first = parse_changes("registry", raw[..1].to_vec()).unwrap()[0].hash;
        assert_eq!(integrate(&[], parsed, |_| false), Err(vec![first]));
    }

    #[test]
    fn repeated_push_adds_nothing() {
        let (_, raw) = changes(2);
        let parsed = parse_changes("registry", raw.clone()).unwrap();
        let hashes: HashSet<Hash> = parsed.iter().map(|c| c.hash).collect();
        let heads = integrate(&[], parsed.clone(), |_| false).unwrap().heads;
        let again = integrate(&heads, parsed, |h| hashes.contains(h)).unwrap();
        assert!(again.new.is_empty());
        assert_eq!(again.heads, heads);
    }

    #[test]
    fn a_compressed_change_is_inflated_under_a_cap() {
        let mut d = Automerge::new().with_actor(ActorId::from(vec![3u8; 16]));
        let mut tx = d.transaction();
        tx.put(ROOT, "note", "走访".repeat(20_000)).unwrap();
        tx.commit();
        let mut change = d.get_changes(&[]).pop().unwrap();
        let compressed = change.bytes().to_vec();
        assert_eq!(compressed[8], CHUNK_TYPE_COMPRESSED_CHANGE, "large changes compress");
        assert!(change_chunk_within(&compressed, MAX_INFLATED_CHANGE));
        assert!(!change_chunk_within(&compressed, 1000), "inflates past a 1000-byte cap");
        assert!(!change_chunk_within(&compressed[..20], MAX_INFLATED_CHANGE));
        assert!(!change_chunk_within(&[1, 2, 3], MAX_INFLATED_CHANGE));
    }

    #[test]
    fn garbage_and_compressed_chunks_are_refused() {
        assert!(parse_changes("registry", vec![vec![1, 2, 3]]).is_err());
        let (_, raw) = changes(1);
        let mut c = raw[0].clone();
        c[8] = 2;
        let err = parse_changes("registry", vec![c]).unwrap_err().to_string();
        assert!(err.contains("compressed"), "{err}");
        let mut t = raw[0].clone();
        t.push(0);
        assert!(parse_changes("registry", vec![t]).is_err());
    }

    #[test]
    fn whole_documents_in_sync_messages_are_refused_and_v1_messages_pass() {
        use automerge::sync::{Capability, State, SyncDoc};
        let (mut doc, _) = changes(5);
        // A whole saved document could hide deflated columns: never inflated here.
        assert!(!change_chunk_within(&doc.save(), MAX_INFLATED_CHANGE));

        // The peer (the server) has nothing: a v2 peer would send the whole document.
        let empty = Automerge::new();
        let mut server_state = State::new();
        let hello = empty.generate_sync_message(&mut server_state).unwrap();
        let mut v2 = State::new();
        doc.receive_sync_message(&mut v2, hello.clone()).unwrap();
        let whole = doc.generate_sync_message(&mut v2).unwrap().encode();
        let err = decode_sync_message(&whole).unwrap_err();
        assert!(err.contains("v1"), "{err}");

        // Forced to v1 (what devices do), the same exchange carries changes only.
        let mut v1 = State::new();
        doc.receive_sync_message(&mut v1, hello).unwrap();
        v1.their_capabilities = Some(vec![Capability::MessageV1]);
        let changes_only = doc.generate_sync_message(&mut v1).unwrap().encode();
        let msg = decode_sync_message(&changes_only).unwrap();
        assert_eq!(msg.changes.len(), 5);
    }
}
