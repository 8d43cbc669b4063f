//! Whether the changes a device pushes may be stored: every change must carry the device's
//! actor, the records they touch must be the account's to write (`taizhang_auth::may_write`),
//! and each touched record must be valid as the device would have validated it — its kind
//! belongs in the document, its fields read, its texts within the limits, and a log's
//! records are its owner's and of its month (`taizhang_doc::check_touched`; so a filed month
//! cannot be reached through another month's log). This module gathers the facts, inside the push's own
//! transaction (`ServerStore::push_checked`), without rebuilding documents on every push:
//! - whether a log's month is filed comes from the filings of that year's team document,
//!   kept per (village, year) and keyed by the team document's heads;
//! - the records a push touches are read from a loaded document kept in a bounded cache keyed
//!   by (village, document) and its heads, so a household edit applies one change to the
//!   registry instead of loading its whole history.
//!
//! Both caches are keyed by heads, which fix a document's content: an entry is never stale,
//! and they are shared by every server state of the process (tests run several).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, Mutex};

use automerge::{Automerge, Change};
use taizhang_auth::{judge_touched, may_write, DocRef, Place, Principal};
use taizhang_doc::{changed_keys, filing_key, filing_keys};
use taizhang_domain::Limits;
use taizhang_server_db::{Device, PushCheck, Refusal, ServerStore, Stored, Verdict, MAX_LOAD_ROUNDS};
use taizhang_sync::{load_saved_lenient, load_stored, DocCache, Hash, ParsedChange};
use uuid::Uuid;

/// Most bytes a push may carry to be judged on the request's own thread ([`decide_ahead`]).
pub const SMALL_PUSH: usize = 16 * 1024;

/// Most loaded documents kept, and their most weight (`taizhang_sync::doc_weight`: operations
/// and a share per change). Measured weights: a member's month log in the load bench about 100
/// (184 at most), a registry of 1,000 households after 321 edits about 15,600. So the budget
/// holds a county's month logs — each member's push is then checked without loading its month
/// again (a reconnect burst of 1,000 devices loaded a month log for nearly every push, about
/// 15 % of the server's work, issue 23) — beside a hundred registries. The server's peak memory
/// in the load bench: bench/LOAD.md.
const DOC_CACHE: usize = 4096;
const DOC_CACHE_WEIGHT: u64 = 2_000_000;
/// Most team documents whose filings are kept.
const FILINGS_CACHE: usize = 4096;

static DOCS: LazyLock<DocCache<(Uuid, String)>> = LazyLock::new(|| DocCache::with_budget(DOC_CACHE, DOC_CACHE_WEIGHT));

type Filings = HashMap<(Uuid, i32), (Vec<Hash>, Arc<BTreeSet<String>>)>;
static FILINGS: LazyLock<Mutex<Filings>> = LazyLock::new(|| Mutex::new(HashMap::new()));

fn refusal(code: &str, message: impl Into<String>) -> Refusal {
    Refusal { code: code.into(), message: message.into() }
}

fn decided(result: Result<(), taizhang_auth::Denial>) -> Verdict {
    match result {
        Ok(()) => Verdict::Store,
        Err(d) => Verdict::Refuse(refusal(d.code, d.message)),
    }
}

fn unreadable(doc: &str, e: &str) -> Verdict {
    tracing::error!(doc, e, "stored document unreadable");
    Verdict::Refuse(refusal("internal", "this document could not be checked; try again later"))
}

/// The check for a push of `new` to document `doc` (named `name`) of the village at `place`,
/// by `device` of the account `p`. `Err`: refused before anything is read (actor not bound).
pub fn push_check(
    device: &Device,
    p: Principal,
    place: Place,
    doc: DocRef,
    name: String,
    new: &[ParsedChange],
    limits: Limits,
) -> Result<PushCheck, Refusal> {
    if let Some((i, c)) = new.iter().enumerate().find(|(_, c)| !device.has_actor(&c.actor)) {
        return Err(refusal(
            "actor_not_bound",
            format!(
                "change {i} claims Automerge actor {}, which is not bound to this device (its actor is {}{}): \
                 a device may only push its own changes",
                hex::encode(&c.actor),
                hex::encode(&device.actor),
                if device.more_actors.is_empty() { "" } else { " or one it took later" }
            ),
        ));
    }
    if new.is_empty() {
        return Ok(PushCheck::allow_all());
    }
    let bytes: Vec<Vec<u8>> = new.iter().map(|c| c.bytes.clone()).collect();
    let watch = match doc {
        DocRef::Log { month, .. } => vec![format!("team/{:04}", month.year)],
        _ => Vec::new(),
    };
    let decide = move |stored: &Stored<'_>| decide(&p, &place, &doc, &name, &bytes, stored, &limits);
    Ok(PushCheck::new(watch, Box::new(decide)))
}

fn decide(
    p: &Principal,
    place: &Place,
    doc: &DocRef,
    name: &str,
    bytes: &[Vec<u8>],
    stored: &Stored<'_>,
    limits: &Limits,
) -> Verdict {
    // Whether a log's month is filed: the filing record in that year's team document.
    let filed = match doc {
        DocRef::Log { member, month } => {
            let team_heads = stored.watched.first().map(Vec::as_slice).unwrap_or_default();
            match filed(place.village, month.year, team_heads, stored) {
                Ok(Some(filings)) => filings.contains(&filing_key(*month, *member)),
                Ok(None) => return Verdict::Load(vec![format!("team/{:04}", month.year)]),
                Err(e) => return unreadable("team", &e),
            }
        }
        _ => false,
    };
    // The role and owner checks need no records: refuse early without loading anything.
    if let Err(d) = may_write(p, place, doc, false, &[]) {
        if d.code != "month_filed" {
            return Verdict::Refuse(refusal(d.code, d.message));
        }
    }
    let key = (place.village, name.to_string());
    let mut am = match DOCS.take(&key, stored.heads) {
        Some(am) => am,
        None if stored.heads.is_empty() => Automerge::new(),
        None => match stored.changes.get(name) {
            // Leniently: a change stored before the server checked every push (one Automerge
            // cannot apply) must not lock its document's owner out for ever; it is skipped
            // here as devices skip it, and the new changes are judged on the rest.
            Some(chunks) => match load_saved_lenient(chunks) {
                Ok((am, damaged)) => {
                    if damaged > 0 {
                        tracing::warn!(doc = name, damaged, "stored changes that cannot be applied were skipped");
                    }
                    am
                }
                Err(e) => return unreadable(name, &e),
            },
            None => return Verdict::Load(vec![name.to_string()]),
        },
    };
    let before = am.get_heads();
    let mut changes: Vec<Change> = match bytes.iter().map(|b| Change::try_from(b.as_slice())).collect() {
        Ok(c) => c,
        Err(e) => return Verdict::Refuse(refusal("bad_change", e.to_string())),
    };
    // Changes the server already has (a retry after a lost answer) were judged when stored.
    changes.retain(|c| !taizhang_sync::has_change(&am, &c.hash()));
    // A change Automerge panics on is refused here, per document, and never stored (and the
    // half-changed document is dropped, not cached).
    if let Err(reason) = taizhang_sync::apply_untrusted(&mut am, changes.clone()) {
        return Verdict::Refuse(refusal("bad_change", reason));
    }
    if !changes.iter().all(|c| taizhang_sync::has_change(&am, &c.hash())) {
        return Verdict::Unplaceable; // dependencies unknown: nothing can be decided or stored
    }
    let keys = changed_keys(&am, &changes);
    let verdict = decided(judge_touched(p, place, doc, filed, &am, &before, &keys, limits));
    // Filed under its new heads: right for the next push if this one is stored, unused if not.
    DOCS.put(key, am);
    verdict
}

/// Forgets every loaded document and team filing this process keeps, so the next push check
/// loads what it needs from the database (benchmarks of a cold push; nothing else needs it).
pub fn forget_loaded_documents() {
    DOCS.clear();
    FILINGS.lock().unwrap_or_else(|p| p.into_inner()).clear();
}

/// The filing keys of the village's team document of `year` at `heads`: from the cache, or
/// from its changes when loaded (`Ok(None)`: ask for them).
fn filed(
    village: Uuid,
    year: i32,
    heads: &[Hash],
    stored: &Stored<'_>,
) -> Result<Option<Arc<BTreeSet<String>>>, String> {
    if heads.is_empty() {
        return Ok(Some(Arc::default())); // no team document: nothing filed
    }
    let mut cache = FILINGS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((h, filings)) = cache.get(&(village, year)) {
        if h.as_slice() == heads {
            return Ok(Some(filings.clone()));
        }
    }
    drop(cache);
    let Some(changes) = stored.changes.get(&format!("team/{year:04}")) else { return Ok(None) };
    let filings = Arc::new(filing_keys(&load_stored(changes)?));
    cache = FILINGS.lock().unwrap_or_else(|p| p.into_inner());
    if cache.len() >= FILINGS_CACHE {
        cache.clear();
    }
    cache.insert((village, year), (heads.to_vec(), filings.clone()));
    Ok(Some(filings))
}

/// Decides `check` ahead, outside the push's transaction, on what is stored now (read beside
/// the writer), and returns a check that gives that verdict at once when the transaction finds
/// the same heads — and decides again from scratch when they moved. A verdict is a function of
/// the heads (which fix the documents' content), so the answer is the same; what moves out of
/// the transaction is the expensive part (loading a document and applying the push to it),
/// which then runs on every core instead of inside the one writer (the commit queue).
///
/// `small`: the push is a few kilobytes. Then, when the document is new or a light copy of it
/// is loaded at these heads ([`DocCache::holds_shared`]), it is judged on this thread: a
/// one-visit push against a member's month log takes tens of microseconds, less than the two
/// thread hand-offs of the blocking pool (issue 23).
pub async fn decide_ahead(
    store: &dyn ServerStore,
    village: Uuid,
    doc: &str,
    check: PushCheck,
    small: bool,
) -> PushCheck {
    let PushCheck { watch, decide, keep } = check;
    let decide: Arc<dyn Fn(&Stored<'_>) -> Verdict + Send + Sync> = Arc::from(decide);
    let mut names = vec![doc.to_string()];
    names.extend(watch.iter().cloned());
    let ahead = async {
        let mut heads = store.heads_many(village, &names).await.ok()?;
        let watched = heads.split_off(1);
        let heads = heads.pop().unwrap_or_default();
        let mut loaded: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
        let mut here = small && (heads.is_empty() || DOCS.holds_shared(&(village, doc.to_string()), &heads));
        for _ in 0..=MAX_LOAD_ROUNDS {
            let verdict = match std::mem::take(&mut here) {
                // The first round, on this thread: nothing is loaded yet, so a check that needs
                // a document (a log's filings) answers `Load` at once and goes on in the pool.
                true => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    decide(&Stored { heads: &heads, watched: &watched, changes: &loaded })
                }))
                .ok()?,
                false => {
                    let (d, h, w, l) = (decide.clone(), heads.clone(), watched.clone(), loaded.clone());
                    tokio::task::spawn_blocking(move || d(&Stored { heads: &h, watched: &w, changes: &l }))
                        .await
                        .ok()?
                }
            };
            match verdict {
                Verdict::Load(docs) => {
                    for d in docs {
                        if let std::collections::hash_map::Entry::Vacant(e) = loaded.entry(d) {
                            let changes = store.doc_saved(village, e.key()).await.ok()?;
                            e.insert(changes);
                        }
                    }
                }
                v => return Some((heads, watched, v)),
            }
        }
        None
    };
    let Some((heads, watched, verdict)) = ahead.await else {
        return PushCheck { watch, decide: Box::new(move |s| decide(s)), keep };
    };
    PushCheck {
        watch,
        decide: Box::new(move |s| {
            if s.heads == heads.as_slice() && s.watched == watched.as_slice() {
                verdict.clone()
            } else {
                decide(s)
            }
        }),
        keep,
    }
}
