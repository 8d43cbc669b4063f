//! Each document's compacted saved form (Automerge's `save`), kept in the database and
//! refreshed as the document's log grows (issue 23): once pushes have stored [`SNAPSHOT_EVERY`]
//! changes to a document, a background task looks at how many the document holds past its
//! saved form and, when there are that many, loads it (saved form plus those changes), saves it
//! again, checks the new saved form loads back to the same heads, and keeps it
//! (`ServerStore::put_snapshot`).
//! A push check that does not find its document in the cache then loads the saved form and
//! at most a few dozen changes (`ServerStore::doc_saved`) instead of the whole history.
//!
//! Derived data only: the log stays the truth. A saved form is made from stored changes
//! through the same loader as everything else (`taizhang_sync::load_stored`), and a document
//! any of whose stored changes cannot be loaded gets none (it keeps loading from its changes).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use taizhang_server_db::{DbError, ServerStore};
use taizhang_sync::{heads_of, load_stored, save_compact};
use uuid::Uuid;

/// How many changes past its saved form a document gathers before the form is made again:
/// a cold load applies at most this many changes after loading the saved form.
pub const SNAPSHOT_EVERY: usize = 64;

/// Documents whose saved form is being made now (one task per document at a time).
static BUSY: LazyLock<Mutex<HashSet<(Uuid, String)>>> = LazyLock::new(|| Mutex::new(HashSet::new()));

/// Changes this process stored per document since it last looked at the document's saved form:
/// the database is asked only once [`SNAPSHOT_EVERY`] have gathered, not after every push. (A
/// restart or another instance's pushes only delay a refresh: a saved form is then made after
/// at most twice as many changes.)
static STORED: LazyLock<Mutex<HashMap<(Uuid, String), usize>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Most documents [`STORED`] counts (emptied when full: only delays refreshes).
const COUNTED: usize = 100_000;

/// Whether pushes refresh saved forms (on unless a benchmark measures the server without them).
static REFRESH: AtomicBool = AtomicBool::new(true);

/// Turns the refresh after pushes off or on for this process (a benchmark measuring the cost of
/// loading documents from their changes alone; nothing else needs it).
pub fn set_refresh(on: bool) {
    REFRESH.store(on, Ordering::SeqCst);
}

/// After a push stored `new` changes to `doc`: refreshes its saved form in the background when due.
pub(crate) fn after_push(store: &Arc<dyn ServerStore>, village: Uuid, doc: &str, new: u32) {
    if !REFRESH.load(Ordering::SeqCst) {
        return;
    }
    let key = (village, doc.to_string());
    {
        let mut stored = STORED.lock().unwrap_or_else(|p| p.into_inner());
        if stored.len() >= COUNTED && !stored.contains_key(&key) {
            stored.clear();
        }
        let n = stored.entry(key.clone()).or_insert(0);
        *n += new as usize;
        if *n < SNAPSHOT_EVERY {
            return;
        }
        stored.remove(&key);
    }
    if !BUSY.lock().unwrap_or_else(|p| p.into_inner()).insert(key.clone()) {
        return; // already being made; the next pushes look again
    }
    let store = store.clone();
    tokio::spawn(async move {
        if let Err(e) = refresh_if_due(store.as_ref(), village, &key.1, SNAPSHOT_EVERY).await {
            tracing::warn!(doc = %key.1, %village, error = %e, "the document's saved form was not refreshed");
        }
        BUSY.lock().unwrap_or_else(|p| p.into_inner()).remove(&key);
    });
}

/// Makes and keeps a new saved form of `doc` when at least `every` changes are stored past
/// the one kept (or when none is kept and it has that many). `Ok(true)`: one was kept.
pub async fn refresh_if_due(store: &dyn ServerStore, village: Uuid, doc: &str, every: usize) -> Result<bool, DbError> {
    let source = store.snapshot_source(village, doc).await?;
    if source.after.len() < every.max(1) {
        return Ok(false);
    }
    let upto = source.upto;
    let made = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        let am = load_stored(&source.into_chunks())?;
        let saved = save_compact(&am);
        let back = load_stored(std::slice::from_ref(&saved))?;
        if heads_of(&back) != heads_of(&am) {
            return Err("the saved form does not load back to the document's heads".into());
        }
        Ok(saved)
    })
    .await
    .map_err(|e| DbError::Backend(e.to_string()))?;
    match made {
        Ok(saved) => {
            store.put_snapshot(village, doc, upto, saved).await?;
            Ok(true)
        }
        Err(reason) => {
            tracing::warn!(doc, %village, %reason, "no saved form for a document that does not load whole");
            Ok(false)
        }
    }
}
