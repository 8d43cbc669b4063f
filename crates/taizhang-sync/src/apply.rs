//! Applying changes that came from the network to a document. Automerge 0.12 can panic on a
//! change that parses but is inconsistent (e.g. an actor's sequence number that jumps from
//! nothing to 17 — found by fuzzing, kept in `fuzz/regressions/`); a panic here must become an
//! error for that document, never a crash of the app or the server.

use std::panic::{catch_unwind, AssertUnwindSafe};

use automerge::sync::{Message, State, SyncDoc};
use automerge::{Automerge, Change};

/// Applies `changes` to `doc`. On `Err` the document may be half-changed: the caller must
/// drop it and reload it from storage.
pub fn apply_untrusted(doc: &mut Automerge, changes: Vec<Change>) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(|| doc.apply_changes(changes))) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("a change is inconsistent and cannot be applied (Automerge refused it)".into()),
    }
}

/// Receives an Automerge sync message into `doc`; same contract as [`apply_untrusted`].
pub fn receive_untrusted(doc: &mut Automerge, state: &mut State, message: Message) -> Result<(), String> {
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
