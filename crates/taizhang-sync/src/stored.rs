//! The one place the server turns stored changes back into Automerge documents. Stored bytes
//! came from the network once, so they go through [`load_untrusted`] like any other input;
//! [`DocCache`] keeps recently loaded documents keyed by their heads, so a push to a large
//! document does not rebuild it from its whole history every time.

use std::collections::HashMap;
use std::sync::Mutex;

use automerge::{Automerge, Change, ReadDoc};

use crate::{apply_untrusted, load_untrusted, Hash};

/// Whether a document loaded from a run of `changes` holds all of them: Automerge stops at
/// the first chunk of a run it cannot read and keeps what came before without an error, so
/// the last change must be there and nothing may wait for a missing dependency.
fn complete(am: &Automerge, changes: &[Vec<u8>]) -> bool {
    let Some(last) = changes.last() else { return true };
    let Ok(last) = Change::try_from(last.as_slice()) else { return false };
    // Empty exactly when nothing waits in the queue and the last change is applied.
    am.get_missing_deps(&[last.hash()]).is_empty()
}

/// Whether every stored change parses and passes [`crate::screen_change`]: only then may the
/// run be loaded in one call (a change that fails goes the slow way, where it is refused).
fn all_screened(changes: &[Vec<u8>]) -> bool {
    changes.iter().all(|b| Change::try_from(b.as_slice()).is_ok_and(|c| crate::screen_change(&c).is_ok()))
}

/// Loads one stored change into `am`, with the reason when it cannot be.
fn load_one(am: &mut Automerge, i: usize, bytes: &[u8]) -> Result<(), String> {
    let change = Change::try_from(bytes).map_err(|e| format!("stored change {i} is unreadable: {e}"))?;
    let hash = change.hash();
    apply_untrusted(am, vec![change]).map_err(|e| format!("stored change {i} is unreadable: {e}"))?;
    match crate::has_change(am, &hash) {
        true => Ok(()),
        false => Err(format!("stored change {i} depends on a change that is not stored before it")),
    }
}

/// Whether `chunk` is a whole saved document (Automerge chunk type 0), as the server keeps a
/// document's compacted saved form ([`save_compact`]) ahead of the changes stored after it.
pub fn is_saved_document(chunk: &[u8]) -> bool {
    chunk.len() > 8 && chunk[..4] == [0x85, 0x6f, 0x4a, 0x83] && chunk[8] == 0
}

/// The compacted saved form of `doc` the server keeps: loading it is far cheaper than applying
/// every change of the document's history one run at a time. Without deflated columns
/// ([`crate::save_for_network`]), so a fresh device can be sent it as it is kept.
pub fn save_compact(doc: &Automerge) -> Vec<u8> {
    crate::save_for_network(doc)
}

/// The document a stored run starts from: its leading saved form, loaded, when it opens with
/// one (then the rest are the changes after it), else an empty document.
fn start(chunks: &[Vec<u8>]) -> Result<(Automerge, &[Vec<u8>]), String> {
    match chunks.first() {
        Some(first) if is_saved_document(first) => {
            // `Automerge::load`, not `load_incremental`: the latter takes a truncated document
            // as an empty one without an error.
            let loaded = std::panic::catch_unwind(|| Automerge::load(first));
            match loaded {
                Ok(Ok(am)) => Ok((am, &chunks[1..])),
                Ok(Err(e)) => Err(format!("the stored saved form is unreadable: {e}")),
                Err(_) => Err("the stored saved form is inconsistent (Automerge refused to load it)".into()),
            }
        }
        _ => Ok((Automerge::new(), chunks)),
    }
}

/// Loads every change of one document (in log order) into a new Automerge document; the run
/// may open with the document's saved form ([`is_saved_document`]), the changes stored after
/// it following. All changes go in one call (Automerge applies a run of change chunks far
/// faster than one call per change), change by change only when that fails. Any unreadable
/// change makes the whole load fail with the reason.
pub fn load_stored(chunks: &[Vec<u8>]) -> Result<Automerge, String> {
    let (mut am, changes) = start(chunks)?;
    if all_screened(changes) && load_untrusted(&mut am, &changes.concat()).is_ok() && complete(&am, changes) {
        return Ok(am);
    }
    let (mut am, changes) = start(chunks)?;
    for (i, bytes) in changes.iter().enumerate() {
        load_one(&mut am, i, bytes).map_err(|e| format!("stored document is unreadable: {e}"))?;
    }
    Ok(am)
}

/// Loads what is readable of a stored document, for readers that must keep going (the county
/// view): all changes in one call, and change by change only when that fails. Returns the
/// document and how many changes could not be loaded.
pub fn load_stored_lenient(changes: &[Vec<u8>]) -> (Automerge, usize) {
    let mut am = Automerge::new();
    if all_screened(changes) && load_untrusted(&mut am, &changes.concat()).is_ok() && complete(&am, changes) {
        return (am, 0);
    }
    let mut am = Automerge::new();
    let damaged = changes.iter().enumerate().filter(|(i, bytes)| load_one(&mut am, *i, bytes).is_err()).count();
    (am, damaged)
}

/// [`load_stored_lenient`] of a run that may open with the document's saved form: changes
/// after it that cannot be loaded are skipped and counted; a saved form that cannot be loaded
/// (the server checks each one loads before keeping it, so it should never happen) is an
/// `Err`, never skipped: judging on what follows it alone would judge on a document missing most
/// of its history. (Saved forms are derived data: deleting one makes the document load from
/// its changes again.)
pub fn load_saved_lenient(chunks: &[Vec<u8>]) -> Result<(Automerge, usize), String> {
    let (mut am, changes) = start(chunks)?;
    if all_screened(changes) && load_untrusted(&mut am, &changes.concat()).is_ok() && complete(&am, changes) {
        return Ok((am, 0));
    }
    let (mut am, changes) = start(chunks)?;
    let damaged = changes.iter().enumerate().filter(|(i, bytes)| load_one(&mut am, *i, bytes).is_err()).count();
    Ok((am, damaged))
}

/// The heads of `doc` as stored hashes, sorted (how the stores keep them).
pub fn heads_of(doc: &Automerge) -> Vec<Hash> {
    let mut heads: Vec<Hash> = doc.get_heads().iter().map(|h| h.0).collect();
    heads.sort_unstable();
    heads
}

/// A bounded, least-recently-used set of loaded documents, each filed under a name of the
/// caller's choosing (e.g. village and document) and its heads. Heads fix a document's content
/// exactly, so an entry is never stale: a document whose heads moved is simply not found (and
/// its old entry ages out). [`DocCache::take`] hands a light document out as a copy (a member's
/// month log: her other device pushing at the same moment finds it too) and a heavy one
/// itself (a concurrent user of it loads its own), [`DocCache::put`] files it again under its current heads —
/// beside the same document at other heads: two pushes judged at once each file their outcome,
/// and whichever is stored first, the other's judgment finds it.
///
/// Bounded twice: by a number of documents and by their weight ([`doc_weight`]: operations plus
/// a share per change, what a loaded document's memory grows with), so a county's thousands of
/// small month logs stay loaded beside a few large registries.
#[derive(Debug)]
pub struct DocCache<K> {
    capacity: usize,
    budget: u64,
    shared: u64,
    inner: Mutex<Slots<K>>,
}

#[derive(Debug)]
struct Slots<K> {
    tick: u64,
    weight: u64,
    docs: HashMap<(K, Vec<Hash>), Slot>,
    /// The keys of `docs` by the tick they were filed at, oldest first.
    order: std::collections::BTreeMap<u64, (K, Vec<Hash>)>,
}

impl<K: std::hash::Hash + Eq> Slots<K> {
    fn remove(&mut self, key: &(K, Vec<Hash>)) -> Option<Slot> {
        let slot = self.docs.remove(key)?;
        self.order.remove(&slot.tick);
        self.weight = self.weight.saturating_sub(slot.weight);
        Some(slot)
    }
}

/// A filed document, behind a pointer: an `Automerge` is 3.5 KB by value and the map's table
/// holds its slots inline, so each growth or rehash of a table of thousands of slots copied
/// tens of MB under the lock (15 % of the server's work in the reconnect burst, issue 23). An
/// `Arc`, so a light document is copied out after the lock is let go.
#[derive(Debug)]
struct Slot {
    tick: u64,
    weight: u64,
    doc: std::sync::Arc<Automerge>,
}

/// Documents up to this weight are copied out of a [`DocCache`] rather than handed out: a copy
/// costs little next to loading the document again.
pub const SHARED_WEIGHT: u64 = 4096;

/// A loaded document's weight in a [`DocCache`]: its operations, and 16 a change (a change's
/// metadata: actor, dependencies, hash).
pub fn doc_weight(doc: &Automerge) -> u64 {
    let stats = doc.stats();
    stats.num_ops.saturating_add(stats.num_changes.saturating_mul(16))
}

impl<K: std::hash::Hash + Eq + Clone> DocCache<K> {
    /// A cache of at most `capacity` documents (0 keeps none), whatever their weight.
    pub fn new(capacity: usize) -> Self {
        Self::with_budget(capacity, u64::MAX)
    }

    /// A cache of at most `capacity` documents weighing at most `budget` together (a document
    /// heavier than the whole budget is not kept).
    pub fn with_budget(capacity: usize, budget: u64) -> Self {
        Self::with_limits(capacity, budget, SHARED_WEIGHT)
    }

    /// [`Self::with_budget`], copying out documents up to `shared` weight (tests).
    pub fn with_limits(capacity: usize, budget: u64, shared: u64) -> Self {
        let slots = Slots { tick: 0, weight: 0, docs: HashMap::new(), order: Default::default() };
        Self { capacity, budget, shared, inner: Mutex::new(slots) }
    }

    /// The document filed under `key` if its heads are `heads` (sorted): a copy when it weighs
    /// at most the cache's shared weight ([`SHARED_WEIGHT`] unless made with
    /// [`Self::with_limits`]; it stays filed), else the document itself, removed.
    pub fn take(&self, key: &K, heads: &[Hash]) -> Option<Automerge> {
        let key = (key.clone(), heads.to_vec());
        let mut slots = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let (doc, shared) = match slots.docs.get(&key) {
            Some(slot) if slot.weight <= self.shared => (slot.doc.clone(), true),
            Some(_) => (slots.remove(&key)?.doc, false),
            None => return None,
        };
        drop(slots);
        match shared {
            true => Some((*doc).clone()),
            // Nobody else holds it once removed (a shared one may still be being copied).
            false => Some(std::sync::Arc::try_unwrap(doc).unwrap_or_else(|d| (*d).clone())),
        }
    }

    /// Whether a document that [`Self::take`] would copy out (a light one) is filed under `key`
    /// at `heads`: judging a small push against it costs tens of microseconds, less than
    /// handing the work to another thread and back (the server then judges on the calling
    /// thread).
    pub fn holds_shared(&self, key: &K, heads: &[Hash]) -> bool {
        let key = (key.clone(), heads.to_vec());
        let slots = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        slots.docs.get(&key).is_some_and(|slot| slot.weight <= self.shared)
    }

    /// Files `doc` under `key` and its current heads, evicting the least recently filed
    /// documents until it fits.
    pub fn put(&self, key: K, doc: Automerge) {
        let weight = doc_weight(&doc);
        if self.capacity == 0 || weight > self.budget {
            return;
        }
        let key = (key, heads_of(&doc));
        let mut slots = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        slots.tick += 1;
        let tick = slots.tick;
        slots.remove(&key);
        while slots.docs.len() >= self.capacity || slots.weight.saturating_add(weight) > self.budget {
            let Some((_, oldest)) = slots.order.pop_first() else { break };
            slots.remove(&oldest);
        }
        slots.weight = slots.weight.saturating_add(weight);
        slots.order.insert(tick, key.clone());
        slots.docs.insert(key, Slot { tick, weight, doc: std::sync::Arc::new(doc) });
    }

    /// Drops every document held (a benchmark measuring a cold load).
    pub fn clear(&self) {
        let mut slots = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        slots.docs.clear();
        slots.order.clear();
        slots.weight = 0;
    }

    /// How many documents are held.
    pub fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).docs.len()
    }

    /// The weight of the documents held.
    pub fn weight(&self) -> u64 {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).weight
    }

    /// True when no document is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{ActorId, ROOT};

    fn doc(n: i64) -> (Automerge, Vec<Vec<u8>>) {
        let mut d = Automerge::new().with_actor(ActorId::from(vec![5u8; 16]));
        for i in 0..n {
            let mut tx = d.transaction();
            tx.put(ROOT, format!("k{i}"), i).unwrap();
            tx.commit();
        }
        let raw = d.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
        (d, raw)
    }

    #[test]
    fn stored_changes_load_whole_or_say_why_not() {
        let (d, raw) = doc(4);
        assert_eq!(heads_of(&load_stored(&raw).expect("load")), heads_of(&d));
        // A chunk Automerge cannot read (in one run it would silently stop there).
        let mut bad = raw.clone();
        bad.insert(2, vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 1, 9, 9, 9]);
        assert!(load_stored(&bad).expect_err("not whole").contains("change 2"));
        let (lenient, damaged) = load_stored_lenient(&bad);
        assert_eq!(damaged, 1);
        assert_eq!(heads_of(&lenient), heads_of(&d), "the readable changes are all there");
        assert_eq!(heads_of(&load_stored(&[]).expect("empty")), Vec::<Hash>::new());
    }

    #[test]
    fn a_saved_form_then_the_changes_after_it_load_as_the_whole_history() {
        let (d, raw) = doc(6);
        let mut early = Automerge::new();
        let first: Vec<Change> = raw[..4].iter().map(|b| Change::try_from(b.as_slice()).expect("change")).collect();
        early.apply_changes(first).expect("apply");
        let saved = save_compact(&early);
        assert!(is_saved_document(&saved));
        assert!(!is_saved_document(&raw[0]));
        let mut run = vec![saved.clone()];
        run.extend(raw[4..].iter().cloned());
        assert_eq!(heads_of(&load_stored(&run).expect("load")), heads_of(&d));
        let (lenient, damaged) = load_saved_lenient(&run).expect("load");
        assert_eq!((heads_of(&lenient), damaged), (heads_of(&d), 0));
        assert!(lenient.get_change_by_hash(&d.get_heads()[0]).is_some());
        // A damaged saved form is an error, never an empty document judged as the whole.
        let mut broken = saved;
        let n = broken.len();
        broken.truncate(n / 2);
        let mut run = vec![broken];
        run.extend(raw[4..].iter().cloned());
        assert!(load_saved_lenient(&run).is_err());
        assert!(load_stored(&run).is_err());
    }

    #[test]
    fn the_cache_finds_a_document_only_at_its_heads_and_stays_bounded() {
        let cache = DocCache::new(2);
        let (a, _) = doc(1);
        let (b, _) = doc(2);
        let (c, _) = doc(3);
        let (ha, hb) = (heads_of(&a), heads_of(&b));
        cache.put("a", a);
        assert!(cache.take(&"a", &hb).is_none(), "other heads: not found");
        assert!(cache.take(&"a", &ha).is_some());
        assert!(cache.take(&"a", &ha).is_some(), "a light document is copied out: still there");
        cache.put("b", b.clone());
        cache.put("c", c);
        cache.put("b2", b);
        assert_eq!(cache.len(), 2);
        assert!(cache.take(&"b", &hb).is_none(), "the least recently filed went first");
        assert!(cache.take(&"b2", &hb).is_some());
    }

    #[test]
    fn the_cache_keeps_many_light_documents_and_few_heavy_ones() {
        // doc(n): n changes of one operation each, so weight 17 × n.
        let (light, heavy) = (doc(1).0, doc(10).0);
        let (hl, hh) = (heads_of(&light), heads_of(&heavy));
        assert_eq!((doc_weight(&light), doc_weight(&heavy)), (17, 170));
        // Light documents are copied out, heavy ones handed out.
        let cache = DocCache::with_limits(100, 200, 100);
        for k in 0..10 {
            cache.put(k, light.clone());
        }
        assert_eq!((cache.len(), cache.weight()), (10, 170), "ten light documents fit");
        cache.put(100, heavy.clone());
        assert_eq!((cache.len(), cache.weight()), (2, 187), "the heavy one took the place of nine light ones");
        assert!(cache.take(&0, &hl).is_none(), "the oldest went first");
        assert!(cache.take(&9, &hl).is_some(), "the newest light one stayed");
        assert!(cache.take(&9, &hl).is_some(), "and stays: a light one is copied out");
        assert!(cache.holds_shared(&9, &hl) && !cache.holds_shared(&9, &hh), "light, at its own heads only");
        assert!(!cache.holds_shared(&100, &hh), "a heavy one is not judged beside the requests");
        assert!(cache.take(&100, &hh).is_some());
        assert!(cache.take(&100, &hh).is_none(), "a heavy one is handed out");
        assert_eq!(cache.weight(), 17, "a document handed out no longer weighs");
        cache.put(200, doc(20).0);
        assert!(cache.take(&200, &heads_of(&doc(20).0)).is_none(), "heavier than the budget: not kept");
        assert_eq!(cache.weight(), 17, "and nothing was evicted for it");
        cache.put(9, heavy.clone());
        assert_eq!((cache.len(), cache.weight()), (2, 187), "the same document at other heads is kept beside");
        cache.put(9, heavy.clone());
        assert_eq!((cache.len(), cache.weight()), (2, 187), "filed again at the same heads: replaced");
        assert!(cache.take(&9, &hl).is_some() && cache.take(&9, &hh).is_some());
    }
}
