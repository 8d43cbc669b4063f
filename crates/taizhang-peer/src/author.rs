//! Who made each change of a push or a peer exchange, and whether its signature proves it.
//! The changes (in causal order) are cut into runs of one author each; every run is then
//! judged — write permission, record validity — as if its author had pushed it, so a relaying
//! device can neither lend its rights to a colleague's change nor borrow theirs.
//!
//! The rule, shared by the server and by peers:
//! - a change whose actor is the sending device's own needs no signature when the sender is
//!   authenticated as that device (its token, or its certificate on a peer channel) — this is
//!   the legacy rule for changes made before signatures; a signature that is present must
//!   verify;
//! - a change of any other actor must carry a valid signature of the device that actor is
//!   bound to, and that device must not be revoked; otherwise the document is refused.

use std::collections::HashMap;

use taizhang_auth::Denial;
use taizhang_sync::ParsedChange;
use uuid::Uuid;

use crate::{Proof, Proofs};

/// The device an actor is bound to, as the judge knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub device: Uuid,
    pub public_key: Vec<u8>,
    pub revoked: bool,
}

/// Consecutive changes of one author.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorRun {
    /// The author's device.
    pub device: Uuid,
    /// The author is the sending device itself.
    pub own: bool,
    pub changes: Vec<ParsedChange>,
}

fn denial(code: &'static str, message: String) -> Denial {
    Denial { code, message }
}

/// Checks `proof` of change `hash` by `author`; a batch is verified once per author (the
/// answer is kept in `verified`).
fn vouches(
    proof: Proof<'_>,
    author: &Author,
    hash: &taizhang_sync::Hash,
    verified: &mut HashMap<(usize, Uuid), bool>,
) -> bool {
    match proof {
        Proof::Single(_) => proof.verify(&author.public_key, hash).is_ok(),
        Proof::Batch(i, b) => {
            b.covers(hash)
                && *verified.entry((i, author.device)).or_insert_with(|| b.verify(&author.public_key).is_ok())
        }
    }
}

/// Cuts `changes` (causal order) into runs of one author each, checking what vouches for each
/// (`proofs`: single signatures or batches). `sender` is the authenticated sending device and
/// `is_own` says whether an actor is bound to it; `author_of` finds the device an other actor
/// is bound to.
pub fn runs_by_author(
    changes: Vec<ParsedChange>,
    proofs: &Proofs,
    sender: &Author,
    is_own: impl Fn(&[u8]) -> bool,
    mut author_of: impl FnMut(&[u8]) -> Option<Author>,
) -> Result<Vec<AuthorRun>, Denial> {
    let mut verified: HashMap<(usize, Uuid), bool> = HashMap::new();
    let mut known: HashMap<Vec<u8>, Author> = HashMap::new();
    let mut runs: Vec<AuthorRun> = Vec::new();
    for (i, c) in changes.into_iter().enumerate() {
        let own = is_own(&c.actor);
        let author = if own {
            if let Some(proof) = proofs.get(&c.hash) {
                if !vouches(proof, sender, &c.hash, &mut verified) {
                    return Err(denial(
                        "bad_signature",
                        format!("change {i} carries a signature that is not this device's"),
                    ));
                }
            }
            sender.clone()
        } else {
            let author = match known.get(&c.actor) {
                Some(a) => a.clone(),
                None => {
                    let a = author_of(&c.actor).ok_or_else(|| {
                        denial(
                            "unknown_author",
                            format!(
                                "change {i} claims Automerge actor {}, which no device of this village is bound to: \
                                 a relayed change must be its enrolled author's",
                                hex::encode(&c.actor)
                            ),
                        )
                    })?;
                    known.insert(c.actor.clone(), a.clone());
                    a
                }
            };
            if author.revoked {
                return Err(denial(
                    "author_revoked",
                    format!("change {i} was made by device {}, which was revoked: it is not accepted", author.device),
                ));
            }
            let proof = proofs.get(&c.hash).ok_or_else(|| {
                denial(
                    "actor_not_bound",
                    format!(
                        "change {i} is another device's ({}) and carries no signature: a relayed change must be signed \
                         by its author (the author's device can push it itself)",
                        author.device
                    ),
                )
            })?;
            if !vouches(proof, &author, &c.hash, &mut verified) {
                return Err(denial(
                    "bad_signature",
                    format!(
                        "change {i} is not signed by device {}, whose actor it claims: forged or altered on the way",
                        author.device
                    ),
                ));
            }
            author
        };
        match runs.last_mut() {
            Some(r) if r.device == author.device => r.changes.push(c),
            _ => runs.push(AuthorRun { device: author.device, own, changes: vec![c] }),
        }
    }
    Ok(runs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{sign_change, BatchSig, ChangeSig};
    use automerge::transaction::Transactable;
    use automerge::{ActorId, Automerge, ROOT};
    use std::sync::Arc;

    const A: [u8; 32] = [1; 32];
    const B: [u8; 32] = [2; 32];

    fn author(n: u128, secret: &[u8; 32], revoked: bool) -> Author {
        Author { device: Uuid::from_u128(n), public_key: taizhang_auth::public_key(secret).to_vec(), revoked }
    }

    /// Two changes by actor 0xaa (device 1) then one by actor 0xbb (device 2) on top.
    fn history() -> Vec<ParsedChange> {
        let mut d = Automerge::new().with_actor(ActorId::from(vec![0xaa; 16]));
        for i in 0..2 {
            let mut tx = d.transaction();
            tx.put(ROOT, format!("a{i}"), i).unwrap();
            tx.commit();
        }
        d.set_actor(ActorId::from(vec![0xbb; 16]));
        let mut tx = d.transaction();
        tx.put(ROOT, "b", 1).unwrap();
        tx.commit();
        let raw = d.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
        taizhang_sync::parse_changes("registry", raw).unwrap()
    }

    fn lookup(actor: &[u8], revoked: bool) -> Option<Author> {
        (actor == [0xbb; 16]).then(|| author(2, &B, revoked))
    }

    #[test]
    fn a_relayed_change_signed_by_its_author_forms_its_own_run() {
        let h = history();
        let sigs = vec![sign_change(&B, &h[2].hash)];
        let runs = runs_by_author(
            h.clone(),
            &Proofs::from_singles(&sigs),
            &author(1, &A, false),
            |a| a == [0xaa; 16],
            |a| lookup(a, false),
        )
        .unwrap();
        assert_eq!(runs.len(), 2);
        assert_eq!((runs[0].device, runs[0].own, runs[0].changes.len()), (Uuid::from_u128(1), true, 2));
        assert_eq!((runs[1].device, runs[1].own, runs[1].changes.len()), (Uuid::from_u128(2), false, 1));
    }

    #[test]
    fn relays_that_are_unsigned_forged_unknown_or_revoked_are_refused() {
        let h = history();
        let own = |a: &[u8]| a == [0xaa; 16];
        let code = |sigs: &[ChangeSig], revoked: bool| {
            runs_by_author(h.clone(), &Proofs::from_singles(sigs), &author(1, &A, false), own, |a| lookup(a, revoked))
                .unwrap_err()
                .code
        };
        assert_eq!(code(&[], false), "actor_not_bound");
        // Device 1 signs device 2's change itself: a forgery in another's name.
        assert_eq!(code(&[sign_change(&A, &h[2].hash)], false), "bad_signature");
        assert_eq!(code(&[sign_change(&B, &h[2].hash)], true), "author_revoked");
        let unknown = runs_by_author(h.clone(), &Proofs::default(), &author(1, &A, false), own, |_| None).unwrap_err();
        assert_eq!(unknown.code, "unknown_author");
        // The sender's own change with someone else's signature is refused too.
        let bad_own = [sign_change(&B, &h[0].hash), sign_change(&B, &h[2].hash)];
        assert_eq!(code(&bad_own, false), "bad_signature");
    }

    #[test]
    fn a_batch_vouches_for_a_relayed_run_once_and_only_for_its_author() {
        let h = history();
        let own = |a: &[u8]| a == [0xaa; 16];
        let judge =
            |proofs: &Proofs| runs_by_author(h.clone(), proofs, &author(1, &A, false), own, |a| lookup(a, false));
        // Device 1's two changes and device 2's one, each in a batch of its author's.
        let mut proofs = Proofs::default();
        proofs.add_whole_batch(Arc::new(BatchSig::sign(&A, vec![h[0].hash, h[1].hash])));
        proofs.add_whole_batch(Arc::new(BatchSig::sign(&B, vec![h[2].hash, [9; 32]])));
        let runs = judge(&proofs).expect("both batches verify");
        assert_eq!(runs.iter().map(|r| (r.own, r.changes.len())).collect::<Vec<_>>(), vec![(true, 2), (false, 1)]);
        // Device 1 batches device 2's change in its own name: refused.
        let mut forged = Proofs::default();
        forged.add_whole_batch(Arc::new(BatchSig::sign(&A, vec![h[0].hash, h[1].hash, h[2].hash])));
        assert_eq!(judge(&forged).unwrap_err().code, "bad_signature");
        // A batch of device 2 that left out its change vouches for nothing of it.
        let mut other = Proofs::default();
        other.add_batch(Arc::new(BatchSig::sign(&B, vec![[9; 32]])), [h[2].hash]);
        assert_eq!(judge(&other).unwrap_err().code, "actor_not_bound");
        // Singles and batches mix.
        let mut mixed = Proofs::from_singles(&[sign_change(&B, &h[2].hash)]);
        mixed.add_whole_batch(Arc::new(BatchSig::sign(&A, vec![h[0].hash])));
        assert!(judge(&mixed).is_ok());
    }
}
