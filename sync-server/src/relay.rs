//! Pushes that carry changes of other devices (received phone to phone, `taizhang-peer`) or
//! signatures: the changes are cut into runs by author (`taizhang_peer::runs_by_author`: a
//! relayed change needs its author's valid signature, single or batched, and its author must be an enrolled, not
//! revoked device of the village), and each run is checked and stored as its author's own push
//! — actor binding, `may_write` for the author's account, `check_touched` — so the relaying
//! device lends no rights and borrows none. Runs are stored in order, each in its own
//! transaction with what vouches for it; a refused run stops the document (the runs before it
//! are valid and stay stored).

use std::collections::HashMap;

use taizhang_auth::DocRef;
use taizhang_peer::{runs_by_author, Author, Proofs};
use taizhang_server_db::{Account, ChangeProofs, Device, StoredBatch};
use taizhang_sync::{DocOutcome, DocResult, ParsedChange};

use crate::sync::{checked_push, rejected, Pusher};
use crate::{ApiError, AppState};

pub(crate) async fn push_relayed(
    st: &AppState,
    pusher: &Pusher<'_>,
    doc: String,
    doc_ref: DocRef,
    parsed: Vec<ParsedChange>,
    proofs: &Proofs,
    now: i64,
) -> Result<DocResult, ApiError> {
    let village = pusher.place.village;
    let foreign = parsed.iter().any(|c| !pusher.device.has_actor(&c.actor));
    // The village's devices by actor, read only when a change is someone else's.
    let mut by_actor: HashMap<Vec<u8>, (Device, Account)> = HashMap::new();
    if foreign {
        let (accounts, devices) = st.accounts.village_team(village).await?;
        for d in devices {
            if let Some(a) = accounts.iter().find(|a| a.id == d.account) {
                let mut actors = vec![d.actor.clone()];
                actors.extend(d.more_actors.iter().cloned());
                for actor in actors {
                    by_actor.insert(actor, (d.clone(), a.clone()));
                }
            }
        }
    }
    let sender = Author { device: pusher.device.id, public_key: pusher.device.public_key.clone(), revoked: false };
    let runs = match runs_by_author(
        parsed,
        proofs,
        &sender,
        |a| pusher.device.has_actor(a),
        |a| {
            by_actor.get(a).map(|(d, _)| Author {
                device: d.id,
                public_key: d.public_key.clone(),
                revoked: d.revoked_at.is_some(),
            })
        },
    ) {
        Ok(runs) => runs,
        Err(d) => {
            tracing::warn!(device = %pusher.device.id, doc, code = d.code, "relayed push refused");
            return Ok(rejected(doc, d.code, d.message));
        }
    };
    let mut total = 0u32;
    let mut last: Option<DocResult> = None;
    for run in runs {
        // Kept in the transaction that stores the run: a change is never stored without the
        // evidence that came with it, and a sync commits once.
        let hashes: Vec<_> = run.changes.iter().map(|c| c.hash).collect();
        let run_proofs = ChangeProofs {
            singles: proofs.singles_of(&hashes),
            batches: proofs
                .batches_of(&hashes)
                .into_iter()
                .map(|(b, covered)| {
                    let kept = StoredBatch { digest: b.digest(), signature: b.sig.clone(), members: b.members.clone() };
                    (kept, covered)
                })
                .collect(),
        };
        let result = if run.own {
            checked_push(st, pusher, doc.clone(), doc_ref, run.changes, now, None, run_proofs).await?
        } else {
            let Some((device, account)) = by_actor.values().find(|(d, _)| d.id == run.device) else {
                return Ok(rejected(
                    doc,
                    "unknown_author",
                    "the author of a relayed change is not enrolled here".into(),
                ));
            };
            let author = Pusher { device, principal: account.principal(), place: pusher.place };
            checked_push(st, &author, doc.clone(), doc_ref, run.changes, now, None, run_proofs).await?
        };
        match result.outcome {
            DocOutcome::Accepted { new } => total += new,
            _ => return Ok(result),
        }
        last = Some(result);
    }
    Ok(match last {
        Some(r) => DocResult { outcome: DocOutcome::Accepted { new: total }, ..r },
        None => checked_push(st, pusher, doc, doc_ref, Vec::new(), now, None, ChangeProofs::default()).await?,
    })
}
