//! The device's half of the protocol, without IO: choose what to push under the batch
//! budget, and work out what the server is then known to hold.

use std::collections::{BTreeSet, HashSet};

use automerge::{Automerge, Change, ChangeHash};

use crate::DocPush;

/// What one request pushes, and what to remember of it for when the answer comes.
#[derive(Debug, Clone, Default)]
pub struct PushPlan {
    pub docs: Vec<DocPush>,
    pub pushed: Vec<PushedDoc>,
    pub bytes: usize,
    /// False when the budget ran out before every unconfirmed change was included.
    pub complete: bool,
}

/// The changes pushed for one document: hash and deps of each.
#[derive(Debug, Clone)]
pub struct PushedDoc {
    pub doc: String,
    pub changes: Vec<(ChangeHash, Vec<ChangeHash>)>,
}

/// Orders changes so that each follows its dependencies within the set (stable otherwise).
fn causal_order(changes: Vec<Change>) -> Vec<Change> {
    let in_set: HashSet<ChangeHash> = changes.iter().map(|c| c.hash()).collect();
    let mut placed = HashSet::new();
    let mut out = Vec::with_capacity(changes.len());
    let mut pending = changes;
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for c in pending {
            if c.deps().iter().all(|d| !in_set.contains(d) || placed.contains(d)) {
                placed.insert(c.hash());
                out.push(c);
            } else {
                rest.push(c);
            }
        }
        if rest.len() == before {
            // A cycle cannot happen in a hash DAG; keep everything rather than lose it.
            out.extend(rest);
            break;
        }
        pending = rest;
    }
    out
}

/// Plans the push of one request: for each document, the changes not covered by the heads
/// the server confirmed, in causal order, until `budget` bytes (at least one change).
pub fn plan_push<'a>(
    docs: impl IntoIterator<Item = (String, &'a Automerge, &'a [ChangeHash])>,
    budget: usize,
) -> PushPlan {
    let mut plan = PushPlan { complete: true, ..PushPlan::default() };
    for (doc_id, doc, confirmed) in docs {
        if !plan.complete {
            break;
        }
        let changes = causal_order(doc.get_changes(confirmed));
        if changes.is_empty() {
            continue;
        }
        let mut raw = Vec::new();
        let mut meta = Vec::new();
        for c in changes {
            let len = c.raw_bytes().len();
            if plan.bytes + len > budget && plan.bytes > 0 {
                plan.complete = false;
                break;
            }
            plan.bytes += len;
            meta.push((c.hash(), c.deps().to_vec()));
            raw.push(c.raw_bytes().to_vec());
        }
        if !raw.is_empty() {
            plan.docs.push(DocPush { doc: doc_id.clone(), changes: raw, sync_message: None });
            plan.pushed.push(PushedDoc { doc: doc_id, changes: meta });
        }
    }
    plan
}

/// The heads of everything the server is known to hold once it has stored `added` on top of
/// `confirmed`. `added` must be closed under dependencies down to `confirmed` (what
/// [`plan_push`] and the server's download both guarantee).
pub fn confirmed_after(confirmed: &[ChangeHash], added: &[(ChangeHash, Vec<ChangeHash>)]) -> Vec<ChangeHash> {
    let mut set: BTreeSet<ChangeHash> = confirmed.iter().copied().collect();
    set.extend(added.iter().map(|(h, _)| *h));
    let deps: HashSet<&ChangeHash> = added.iter().flat_map(|(_, d)| d.iter()).collect();
    set.retain(|h| !deps.contains(h));
    set.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{ActorId, ROOT};

    fn doc_with(actor: u8, n: usize) -> Automerge {
        let mut d = Automerge::new().with_actor(ActorId::from(vec![actor; 16]));
        for i in 0..n {
            let mut tx = d.transaction();
            tx.put(ROOT, format!("k{i}"), "x".repeat(100)).unwrap();
            tx.commit();
        }
        d
    }

    #[test]
    fn budget_cuts_a_causal_prefix_and_confirmed_heads_follow_it() {
        let d = doc_with(1, 10);
        let plan = plan_push([("registry".to_string(), &d, &[][..])], 600);
        assert!(!plan.complete);
        let n = plan.pushed[0].changes.len();
        assert!((1..10).contains(&n));
        let confirmed = confirmed_after(&[], &plan.pushed[0].changes);
        // The server now holds exactly the prefix: its heads are the prefix's last change.
        assert_eq!(confirmed, vec![plan.pushed[0].changes[n - 1].0]);
        let rest = plan_push([("registry".to_string(), &d, &confirmed[..])], usize::MAX);
        assert!(rest.complete);
        assert_eq!(rest.pushed[0].changes.len(), 10 - n);
        assert_eq!(confirmed_after(&confirmed, &rest.pushed[0].changes), d.get_heads());
    }

    #[test]
    fn a_single_big_change_still_travels() {
        let d = doc_with(2, 1);
        let plan = plan_push([("registry".to_string(), &d, &[][..])], 10);
        assert_eq!(plan.pushed[0].changes.len(), 1);
    }
}
