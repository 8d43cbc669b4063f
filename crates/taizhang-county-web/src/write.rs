//! What an officer writes from the page into a village's `team/<year>` document (a leave
//! decision, a month filing) or its registry (an inspection finding, issue 16): an Automerge change made by the server on the officer's behalf,
//! under an actor derived from the account ([`web_actor`]), judged by the same decision as a
//! device's push (`taizhang_auth::may_write` over the records it touches, so "nobody decides
//! their own leave" holds here too, and `taizhang_doc::check_touched`) and stored through the
//! same path (`ServerStore::push_checked`), so devices receive it at their next sync.
//!
//! The change is made on the document as stored; the push's check verifies, inside the
//! push's transaction, that the document has not moved since (else it is made again, a few
//! times at most).

use automerge::transaction::CommitOptions;
use automerge::{ActorId, Automerge, Change};
use sha2::{Digest, Sha256};
use taizhang_auth::{judge_touched, DocRef, Place, Principal};
use taizhang_doc::changed_keys;
use taizhang_domain::Limits;
use taizhang_server_db::{Checked, PushCheck, Refusal, Stored, Verdict, ACTOR_REUSED};
use taizhang_sync::{heads_of, load_stored_lenient, parse_changes};
use uuid::Uuid;

use crate::error::Result;
use crate::{CountyState, CountyWebError};

/// The refusal of a check that found the document changed since the change was made.
const MOVED: &str = "moved";
/// How many times a write is made again when the document moved under it.
const ATTEMPTS: usize = 4;

/// The Automerge actor of the changes an officer makes on the page: the first 16 bytes of
/// SHA-256("taizhang-web-actor" ‖ account id). Stable, so one officer's changes to a document
/// continue one sequence; never a device's (those are random).
pub fn web_actor(account: Uuid) -> ActorId {
    let mut h = Sha256::new();
    h.update(b"taizhang-web-actor");
    h.update(account.as_bytes());
    ActorId::from(h.finalize()[..16].to_vec())
}

fn refused(r: &Refusal) -> CountyWebError {
    let text = format!("不能保存:{} / refused ({}): {}", r.message, r.code, r.message);
    match r.code.as_str() {
        "invalid_record" | "bad_change" => CountyWebError::BadRequest(text),
        _ => CountyWebError::Forbidden(text),
    }
}

/// The verdict the server's push check would give `changes` made on `am` (whose heads before
/// them were `before`) by `p`.
fn judge(
    p: &Principal,
    place: &Place,
    doc: &DocRef,
    am: &Automerge,
    before: &[automerge::ChangeHash],
    changes: &[Change],
) -> Verdict {
    let keys = changed_keys(am, changes);
    match judge_touched(p, place, doc, false, am, before, &keys, &Limits::default()) {
        Ok(()) => Verdict::Store,
        Err(d) => Verdict::Refuse(Refusal { code: d.code.into(), message: d.message }),
    }
}

/// Makes `edit` on the village's `team/<year>` document as `p` and stores it. `edit` sees
/// the document as stored and writes into the transaction; it may refuse (its error is
/// answered as is). Nothing is stored when the edit changes nothing.
pub async fn write_team(
    st: &CountyState,
    p: &Principal,
    place: Place,
    year: i32,
    edit: impl Fn(&Automerge, &mut automerge::transaction::Transaction<'_>) -> Result<()>,
) -> Result<()> {
    write_doc(st, p, place, DocRef::Team { year }, edit).await
}

/// Makes `edit` on the village's document `doc` (its `team/<year>` or its registry) as `p`
/// and stores it, as [`write_team`] does.
pub async fn write_doc(
    st: &CountyState,
    p: &Principal,
    place: Place,
    doc: DocRef,
    edit: impl Fn(&Automerge, &mut automerge::transaction::Transaction<'_>) -> Result<()>,
) -> Result<()> {
    let name = doc.to_string();
    for _ in 0..ATTEMPTS {
        let now = (st.clock)();
        let stored = st.store.doc_changes(place.village, &name).await?;
        let (mut am, damaged) = load_stored_lenient(&stored);
        if damaged > 0 {
            tracing::warn!(doc = %name, damaged, "stored changes that cannot be applied were skipped");
        }
        let base = heads_of(&am);
        let before = am.get_heads();
        let snapshot = am.clone();
        am.set_actor(web_actor(p.account));
        let mut tx = am.transaction();
        edit(&snapshot, &mut tx)?;
        tx.commit_with(CommitOptions::default().with_time(now));
        let changes: Vec<Change> = am.get_changes(&before);
        if changes.is_empty() {
            return Ok(());
        }
        let verdict = judge(p, &place, &doc, &am, &before, &changes);
        if let Verdict::Refuse(r) = &verdict {
            return Err(refused(r));
        }
        let raw = changes.iter().map(|c| c.raw_bytes().to_vec()).collect();
        let parsed = parse_changes(&name, raw)
            .map_err(|e| CountyWebError::Internal(format!("a change the server made does not parse: {e}")))?;
        let check = PushCheck::new(
            Vec::new(),
            Box::new(move |s: &Stored<'_>| {
                if s.heads == base.as_slice() {
                    verdict.clone()
                } else {
                    Verdict::Refuse(Refusal { code: MOVED.into(), message: "the document changed".into() })
                }
            }),
        );
        match st.store.push_checked(place.village, &name, parsed, now, check).await.map_err(CountyWebError::Save)? {
            Checked::Pushed(_) => {
                tracing::info!(account = %p.account, village = %place.village, doc = %name, "written from the page");
                // The county view follows a page's write like a device's push (the overview
                // and the lists refresh in the background, not at the next village read).
                st.model.notify(place.village);
                return Ok(());
            }
            Checked::Refused(r) if r.code == MOVED || r.code == ACTOR_REUSED => continue,
            Checked::Refused(r) => return Err(refused(&r)),
            Checked::Unplaceable { .. } => continue,
        }
    }
    Err(CountyWebError::Internal(format!("{name} kept changing while a decision was being stored")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_officer_has_one_stable_actor_of_sixteen_bytes_and_two_officers_differ() {
        let a = web_actor(Uuid::from_u128(1));
        assert_eq!(a.to_bytes().len(), 16);
        assert_eq!(a, web_actor(Uuid::from_u128(1)));
        assert_ne!(a, web_actor(Uuid::from_u128(2)));
    }
}
