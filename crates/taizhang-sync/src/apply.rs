//! Applying changes that came from the network to a document. Automerge 0.12 can panic on a
//! change that parses but is inconsistent (e.g. an actor's sequence number that jumps from
//! nothing to 17 — found by fuzzing, kept in `fuzz/regressions/`); a panic here must become an
//! error for that document, never a crash of the app or the server.

use std::panic::{catch_unwind, AssertUnwindSafe};

use automerge::legacy::{Key, OpType};
use automerge::sync::{Message, State, SyncDoc};
use automerge::{Automerge, Change, ObjType, ScalarValue};

/// Whether `change` holds only what Taizhang's documents are made of: maps (records at root
/// keys), scalar values put at map keys (text, numbers, booleans, null) and deletions. Anything
/// else — text and list objects, marks, counters, bytes, insertions into sequences — is
/// refused before Automerge applies it: Automerge 0.12 can panic while unwinding from a panic
/// on a crafted mark (found by fuzzing: `fuzz/regressions/pushed_records/`), which aborts the
/// process and cannot be caught.
pub fn screen_change(change: &Change) -> Result<(), String> {
    let expanded = catch_unwind(AssertUnwindSafe(|| change.decode()))
        .map_err(|_| "a change cannot be decoded (Automerge refused it)".to_string())?;
    for (i, op) in expanded.operations.iter().enumerate() {
        let ok_action = match &op.action {
            OpType::Make(ObjType::Map) | OpType::Delete => true,
            OpType::Put(v) => matches!(
                v,
                ScalarValue::Str(_)
                    | ScalarValue::Int(_)
                    | ScalarValue::Uint(_)
                    | ScalarValue::F64(_)
                    | ScalarValue::Boolean(_)
                    | ScalarValue::Null
            ),
            _ => false,
        };
        if !ok_action || op.insert || !matches!(op.key, Key::Map(_)) {
            return Err(format!(
                "operation {i} of the change is not part of a Taizhang record (only maps, plain values and \
                 deletions are): {:?}",
                op.action
            )
            .chars()
            .take(200)
            .collect());
        }
    }
    Ok(())
}

/// Applies `changes` to `doc`, each screened first ([`screen_change`]). On `Err` the document
/// may be half-changed: the caller must drop it and reload it from storage.
pub fn apply_untrusted(doc: &mut Automerge, changes: Vec<Change>) -> Result<(), String> {
    for c in &changes {
        screen_change(c)?;
    }
    match catch_unwind(AssertUnwindSafe(|| doc.apply_changes(changes))) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("a change is inconsistent and cannot be applied (Automerge refused it)".into()),
    }
}

/// Receives an Automerge sync message into `doc`; same contract as [`apply_untrusted`]. Its
/// change chunks are screened first ([`screen_change`]); a chunk that is a whole saved
/// document (Automerge's v2 messages may carry one) is not screened here.
pub fn receive_untrusted(doc: &mut Automerge, state: &mut State, message: Message) -> Result<(), String> {
    for chunk in message.changes.iter() {
        if let Ok(change) = Change::try_from(chunk) {
            screen_change(&change)?;
        }
    }
    match catch_unwind(AssertUnwindSafe(|| doc.receive_sync_message(state, message))) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the sync message holds an inconsistent change (Automerge refused it)".into()),
    }
}

/// Loads stored chunks into `doc`; same contract as [`apply_untrusted`].
pub fn load_untrusted(doc: &mut Automerge, chunk: &[u8]) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(|| doc.load_incremental(chunk))) {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the stored document is inconsistent (Automerge refused to load it)".into()),
    }
}

/// Generates the next sync message for `state` (which may hold what a peer sent: Automerge 0.12
/// can panic in its bloom filter on a crafted message — found by fuzzing); same contract as
/// [`apply_untrusted`]: on `Err` drop the state (and the document).
pub fn generate_untrusted(doc: &Automerge, state: &mut State) -> Result<Option<Message>, String> {
    catch_unwind(AssertUnwindSafe(|| doc.generate_sync_message(state)))
        .map_err(|_| "the peer's sync state is inconsistent (Automerge refused it)".to_string())
}

#[cfg(test)]
mod tests {
    use crate::has_change;
    use automerge::transaction::Transactable;
    use automerge::{ActorId, Automerge, Change, ChangeHash, ReadDoc, ROOT};

    #[test]
    fn has_change_tells_applied_from_queued_and_unknown_as_get_change_by_hash_does() {
        let mut d = Automerge::new().with_actor(ActorId::from(vec![4u8; 16]));
        for i in 0..3 {
            let mut tx = d.transaction();
            tx.put(ROOT, format!("k{i}"), i).expect("put");
            tx.commit();
        }
        let changes: Vec<Change> = d.get_changes(&[]);
        let hashes: Vec<ChangeHash> = changes.iter().map(Change::hash).collect();
        // The second and third changes without the first: both wait in the queue.
        let mut partial = Automerge::new();
        partial.apply_changes(changes[1..].to_vec()).expect("queued");
        for h in &hashes {
            assert!(has_change(&d, h));
            assert_eq!(has_change(&partial, h), partial.get_change_by_hash(h).is_some());
            assert!(!has_change(&partial, h), "nothing is applied before the first change");
        }
        // An applied change beside a queued one that waits for a change never sent.
        let mut gap = Automerge::new();
        gap.apply_changes(vec![changes[0].clone(), changes[2].clone()]).expect("first, and the third queued");
        assert!(has_change(&gap, &hashes[0]), "applied, whatever waits in the queue");
        assert!(!has_change(&gap, &hashes[2]) && !has_change(&gap, &hashes[1]));
        assert_eq!(has_change(&gap, &hashes[0]), gap.get_change_by_hash(&hashes[0]).is_some());
        partial.apply_changes(changes[..1].to_vec()).expect("first");
        assert!(hashes.iter().all(|h| has_change(&partial, h)), "the queue drains once the first arrives");
        assert!(!has_change(&d, &ChangeHash([7; 32])));
    }
}
