//! The county view's read model: one [`VillageProjection`] per village, brought up to date
//! from the village's change log. A refresh reads the log past the projection's cursor, and
//! re-reads only the documents that grew; a cold start (cursor 0) builds every document from
//! the log pages themselves. It works the same with several server instances on one
//! PostgreSQL database (the log is the source of truth, not this process's syncs), and
//! [`ReadModel::notify`] lets the sync handler ask for a refresh as syncs arrive so the county
//! page finds it warm.
//!
//! Freshness (issue 14) comes from the log too: each change's server receipt time gives the
//! records' `received_at` (the change that created each check-in, visit, diary entry and leave
//! request: for 迟报) and each member's `last_sync` (the newest change one of their devices
//! pushed; a device's actor is mapped to its account, which for team roles is the member id;
//! a change by an actor that is no enrolled device counts for the member whose own log
//! document it changed). The stores give the receipt times of a whole village's log at once
//! (`ServerStore::change_times`, no cursor), so a refresh that found new changes reads those
//! times (no change bytes) and folds in only the ones past the previous cursor.
//!
//! Kept in the database (issue 23): every refresh that advanced a village writes what it
//! re-projected — each grown document's part and the village's members' last sync — with the
//! log position (`ServerStore::put_projection`, which never moves a village backwards when two
//! instances race). A village this instance has not seen is loaded from those rows and
//! advanced by the log's tail only, so any instance answers any county cold without rebuilding
//! from the log, and villages are held in memory only in a bounded cache
//! ([`ReadModel::with_capacity`]): memory follows what is being asked, not the province. A
//! held village keeps only its assembled records; the parts they came from are read back from
//! the database when the village's log grows. At start the projector catches up the villages
//! whose log ran past their kept projection (`ServerStore::projections_behind`), one at a time,
//! without keeping them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex as StdMutex};

use serde::{Deserialize, Serialize};
use taizhang_county::{DocPart, VillageProjection};
use taizhang_doc::DocId;
use taizhang_domain::{MemberId, Timestamp};
use taizhang_rules::VillageRecords;
use taizhang_server_db::{AccountStore, DbError, ServerStore, StoredProjection};
use tokio::sync::{Mutex, Notify};
use uuid::Uuid;

/// Bytes read per log page while refreshing.
const PAGE_BYTES: usize = 8 * 1024 * 1024;

/// The encoding of the parts kept in the database. A part of another version (written by an
/// older or newer server) is not read: the village is projected again from its log.
const STORED_VERSION: u32 = 1;

/// The refresher folds syncs in once none has arrived for this long ([`ReadModel::run`]) …
const QUIET: std::time::Duration = std::time::Duration::from_millis(500);
/// … or this long after the first of them, if they keep coming.
const MOST_DELAY: std::time::Duration = std::time::Duration::from_secs(5);

/// Villages held in memory by default (a county's worth; `TAIZHANG_COUNTY_CACHE` sets it).
pub const DEFAULT_CAPACITY: usize = 256;

/// The village-wide part as kept in the database.
#[derive(Serialize, Deserialize)]
struct StoredVillage {
    version: u32,
    last_sync: Vec<(MemberId, Timestamp)>,
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, DbError> {
    let json = serde_json::to_vec(value).map_err(|e| DbError::Backend(format!("encoding the projection: {e}")))?;
    zstd::bulk::compress(&json, 3).map_err(|e| DbError::Backend(format!("compressing the projection: {e}")))
}

/// `None` for a part that does not read as this version's (it is projected again).
fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Option<T> {
    // Parts are far below this; the bound keeps a damaged row from asking for gigabytes.
    let json = zstd::bulk::decompress(bytes, 256 << 20).ok()?;
    serde_json::from_slice(&json).ok()
}

/// Read model state shared by the handlers.
/// One village's projection and its records as last assembled (shared with the requests
/// reading them, rebuilt only when a document changed).
#[derive(Default)]
struct Slot {
    proj: VillageProjection,
    /// Each member's newest change receipt (server ms).
    last_sync: BTreeMap<MemberId, Timestamp>,
    /// Record id → receipt time of the change that created it.
    received_at: BTreeMap<String, Timestamp>,
    /// Record id → causal floor of the change that created it (issue 17's evidence).
    causal_floor: BTreeMap<String, Timestamp>,
    /// Record id → the device's anchor estimate of when it made the record (issue 17).
    anchor_estimate: BTreeMap<String, Timestamp>,
    records: Option<Arc<VillageRecords>>,
    /// Whether the kept projection was looked for (once per slot).
    loaded: bool,
    /// The kept projection did not read (another version's, or damaged): the next write
    /// replaces it even at the same log position.
    replace_kept: bool,
    /// Only the assembled records are held (the parts were let go, [`Slot::records`]): an
    /// advance starts again from the projection kept in the database.
    lean: bool,
}

impl Slot {
    /// The slot the projection kept in the database makes; `None` when any part is of another
    /// version or does not read.
    fn from_stored(stored: StoredProjection) -> Option<Slot> {
        let village = decode::<StoredVillage>(&stored.body).filter(|v| v.version == STORED_VERSION)?;
        let mut slot = Slot { loaded: true, ..Slot::default() };
        for (name, bytes) in stored.docs {
            let (_, doc) = decode::<(u32, Projected)>(&bytes).filter(|(v, _)| *v == STORED_VERSION)?;
            slot.proj.set(&name, doc.part);
            slot.causal_floor.extend(doc.floors);
            slot.anchor_estimate.extend(doc.anchors);
            slot.received_at.extend(doc.received);
        }
        slot.last_sync = village.last_sync.into_iter().collect();
        slot.proj.cursor = stored.upto;
        Some(slot)
    }

    /// The village's records, assembled once; the parts they were assembled from are then let
    /// go (they are kept in the database: the next advance reads them from there), so a
    /// village held in memory costs its records once, not twice.
    fn records(&mut self) -> Arc<VillageRecords> {
        if let Some(r) = &self.records {
            return r.clone();
        }
        let mut r = self.proj.records();
        r.last_sync = std::mem::take(&mut self.last_sync);
        r.received_at = std::mem::take(&mut self.received_at);
        r.causal_floor = std::mem::take(&mut self.causal_floor);
        r.anchor_estimate = std::mem::take(&mut self.anchor_estimate);
        let cursor = self.proj.cursor;
        self.proj = VillageProjection::default();
        self.proj.cursor = cursor;
        self.lean = true;
        let r = Arc::new(r);
        self.records = Some(r.clone());
        r
    }
}

/// Which member an Automerge actor (a device) belongs to, from the enrolled devices; actors
/// that are no device (seeds, imports) are remembered so the devices are not listed again for
/// them.
#[derive(Default)]
struct Actors {
    member: HashMap<Vec<u8>, MemberId>,
    unknown: HashSet<Vec<u8>>,
}

/// The villages held in memory, least recently used first out.
struct Cache {
    slots: HashMap<Uuid, (Arc<Mutex<Slot>>, u64)>,
    tick: u64,
    capacity: usize,
}

impl Default for Cache {
    fn default() -> Self {
        Cache { slots: HashMap::new(), tick: 0, capacity: DEFAULT_CAPACITY }
    }
}

impl Cache {
    fn get(&mut self, village: Uuid) -> Arc<Mutex<Slot>> {
        self.tick += 1;
        let tick = self.tick;
        let slot = {
            let entry = self.slots.entry(village).or_default();
            entry.1 = tick;
            entry.0.clone()
        };
        if self.slots.len() > self.capacity {
            // Out go the least recently used villages nobody is reading or refreshing now (a
            // request that holds one keeps it until it is done).
            let mut idle: Vec<(u64, Uuid)> =
                self.slots.iter().filter(|(_, (s, _))| Arc::strong_count(s) == 1).map(|(v, (_, t))| (*t, *v)).collect();
            idle.sort_unstable();
            let over = self.slots.len() - self.capacity;
            for (_, v) in idle.into_iter().take(over) {
                self.slots.remove(&v);
            }
        }
        slot
    }
}

/// What a read model did since it started ([`ReadModel::stats`]): how much came from the
/// projection kept in the database and how much had to be projected from the log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModelStats {
    /// Villages taken from their kept projection.
    pub villages_loaded: u64,
    /// Documents projected from their changes (each grown document once per refresh).
    pub docs_projected: u64,
    /// Records those projections read.
    pub records_projected: u64,
}

#[derive(Default)]
pub struct ReadModel {
    villages: StdMutex<Cache>,
    stats: StdMutex<ModelStats>,
    /// Projects every village from its log, never from the kept projection (the bench's
    /// measure of what catching up costs); it still writes what it projected.
    from_log_only: bool,
    pending: StdMutex<HashSet<Uuid>>,
    /// How many times [`ReadModel::notify`] was called: the refresher waits until it stops
    /// moving ([`QUIET`]).
    notes: std::sync::atomic::AtomicU64,
    wake: Notify,
    /// The enrolled devices (for `last_sync`); without it only log-document owners count.
    accounts: Option<Arc<dyn AccountStore>>,
    actors: Mutex<Actors>,
}

impl std::fmt::Debug for ReadModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadModel").finish_non_exhaustive()
    }
}

/// What one document contributes, what it says of its records' times (also the part kept in
/// the database, [`Projected::encode`]).
#[derive(Default, Serialize, Deserialize)]
struct Projected {
    part: DocPart,
    /// Record id → causal floor (the later of its change's causal and device floors).
    floors: Vec<(String, Timestamp)>,
    /// Record id → the anchor estimate its change carries (`taizhang_sync::ChangeAnchor`).
    anchors: Vec<(String, Timestamp)>,
    /// Record id → the receipt time of the change that created it.
    received: Vec<(String, Timestamp)>,
}

impl Projected {
    /// The document's part as kept in the database: `[STORED_VERSION, part]`.
    fn encode(&self) -> Result<Vec<u8>, DbError> {
        encode(&(STORED_VERSION, self))
    }
}

/// What one document contributes, and the causal floor of each dated record it created.
/// `times`: each stored change's log position, receipt time and device floor
/// (`taizhang_sync::device_floors`); a record's floor is the later of its change's causal and
/// device floors.
fn project(name: &str, changes: &[Vec<u8>], times: &HashMap<[u8; 32], (u64, i64, Option<i64>)>) -> Projected {
    // The server's one loader: all changes in one run, change by change only when the run
    // does not load whole, counting what cannot be read.
    let (am, damaged) = taizhang_sync::load_stored_lenient(changes);
    let mut part = DocPart::read(name, &am);
    part.unreadable += damaged;
    if part.created.is_empty() {
        return Projected { part, ..Projected::default() };
    }
    let changes = am.get_changes(&[]);
    let anchor_of: HashMap<[u8; 32], i64> = changes
        .iter()
        .filter_map(|c| Some((c.hash().0, taizhang_sync::ChangeAnchor::parse(c.message()?)?.estimate())))
        .collect();
    let floors = {
        let causal: Vec<taizhang_sync::CausalChange> = changes
            .iter()
            .filter_map(|c| {
                let hash = c.hash().0;
                let &(seq, received_at, _) = times.get(&hash)?;
                Some(taizhang_sync::CausalChange {
                    hash,
                    deps: c.deps().iter().map(|d| d.0).collect(),
                    seq,
                    received_at,
                })
            })
            .collect();
        let by_change = taizhang_sync::causal_floors(&causal);
        part.created
            .iter()
            .filter_map(|(id, h)| {
                let device = times.get(h).and_then(|t| t.2);
                Some((id.clone(), by_change.get(h).copied().max(device)?))
            })
            .collect()
    };
    let anchors = part.created.iter().filter_map(|(id, h)| Some((id.clone(), *anchor_of.get(h)?))).collect();
    let received = part.created.iter().filter_map(|(id, h)| Some((id.clone(), times.get(h)?.1))).collect();
    Projected { part, floors, anchors, received }
}

impl ReadModel {
    /// A read model that maps devices to members through `accounts` (for `last_sync`).
    pub fn with_accounts(accounts: Arc<dyn AccountStore>) -> Self {
        Self { accounts: Some(accounts), ..Self::default() }
    }

    /// Holds at most about `villages` villages in memory (more only while requests use them).
    pub fn with_capacity(mut self, villages: usize) -> Self {
        self.villages.get_mut().unwrap_or_else(|p| p.into_inner()).capacity = villages.max(1);
        self
    }

    /// The same read model projecting every village from its log, not reading the kept
    /// projection (it still keeps what it projects): what catching up a village costs.
    pub fn from_log_only(mut self) -> Self {
        self.from_log_only = true;
        self
    }

    /// How many villages it holds in memory at most.
    pub fn capacity(&self) -> usize {
        self.villages.lock().unwrap_or_else(|p| p.into_inner()).capacity
    }

    /// What this read model did since it started.
    pub fn stats(&self) -> ModelStats {
        *self.stats.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The number of villages held in memory now.
    pub fn held(&self) -> usize {
        self.villages.lock().unwrap_or_else(|p| p.into_inner()).slots.len()
    }

    /// The member each of `actors` belongs to (`None`: no enrolled device); lists the devices
    /// again only when an actor is neither known nor known to be no device.
    async fn members_of(&self, actors: &HashSet<&[u8]>) -> Result<HashMap<Vec<u8>, MemberId>, DbError> {
        let mut cache = self.actors.lock().await;
        let missing = actors.iter().any(|a| !cache.member.contains_key(*a) && !cache.unknown.contains(*a));
        if missing {
            if let Some(accounts) = &self.accounts {
                cache.member = accounts.devices().await?.into_iter().map(|d| (d.actor, MemberId(d.account))).collect();
            }
            for a in actors {
                if !cache.member.contains_key(*a) {
                    cache.unknown.insert(a.to_vec());
                }
            }
        }
        Ok(actors.iter().filter_map(|a| cache.member.get(*a).map(|m| (a.to_vec(), *m))).collect())
    }

    /// Folds the receipt times of the changes in `(from, to]` into the members' last sync.
    async fn fold_times(
        &self,
        times: &[taizhang_sync::ChangeTime],
        slot: &mut Slot,
        (from, to): (u64, u64),
    ) -> Result<(), DbError> {
        let fresh: Vec<&taizhang_sync::ChangeTime> = times.iter().filter(|t| t.seq > from && t.seq <= to).collect();
        let actors: HashSet<&[u8]> = fresh.iter().map(|t| t.actor.as_slice()).collect();
        let members = self.members_of(&actors).await?;
        for t in &fresh {
            let member = members.get(&t.actor).copied().or_else(|| match t.doc.parse::<DocId>() {
                Ok(DocId::Log { member, .. }) => Some(member),
                _ => None,
            });
            if let Some(m) = member {
                let last = slot.last_sync.entry(m).or_insert(t.received_at);
                *last = (*last).max(t.received_at);
            }
        }
        Ok(())
    }

    fn slot(&self, village: Uuid) -> Arc<Mutex<Slot>> {
        self.villages.lock().unwrap_or_else(|p| p.into_inner()).get(village)
    }

    /// The log position the village is projected up to in this instance's memory, without
    /// waiting (`None`: not held, never projected, or being refreshed right now).
    pub fn projected_up_to(&self, village: Uuid) -> Option<u64> {
        let slot = self.villages.lock().unwrap_or_else(|p| p.into_inner()).slots.get(&village).map(|s| s.0.clone())?;
        let slot = slot.try_lock().ok()?;
        (slot.proj.cursor > 0).then_some(slot.proj.cursor)
    }

    /// Asks the background refresher (if one runs) to bring `village` up to date.
    pub fn notify(&self, village: Uuid) {
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).insert(village);
        self.notes.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.wake.notify_one();
    }

    /// The village's records, up to date with its log as of this call: from memory, else
    /// from the projection kept in the database, advanced by the log past it (and what was
    /// advanced written back).
    pub async fn refresh(&self, store: &Arc<dyn ServerStore>, village: Uuid) -> Result<Arc<VillageRecords>, DbError> {
        let slot = self.slot(village);
        let mut slot = slot.lock().await;
        if slot.lean {
            // Only the records are held: unchanged, they answer; a log that grew is advanced
            // from the parts kept in the database (one change read to tell).
            let peek = store.read_log(village, slot.proj.cursor, 1).await?;
            if peek.entries.is_empty() && peek.cursor == slot.proj.cursor {
                return Ok(slot.records());
            }
            *slot = Slot::default();
        }
        if !slot.loaded {
            slot.loaded = true;
            let stored = if self.from_log_only { None } else { store.projection(village).await? };
            if let Some(stored) = stored {
                let upto = stored.upto;
                let taken = tokio::task::spawn_blocking(move || Slot::from_stored(stored))
                    .await
                    .map_err(|e| DbError::Backend(format!("reading the kept projection failed: {e}")))?;
                match taken {
                    Some(fresh) => {
                        *slot = fresh;
                        self.stats.lock().unwrap_or_else(|p| p.into_inner()).villages_loaded += 1;
                    }
                    None => {
                        tracing::info!(%village, upto, "kept county projection does not read; projecting the log again");
                        slot.replace_kept = true;
                    }
                }
            }
        }
        let cold = slot.proj.cursor == 0;
        let mut cursor = slot.proj.cursor;
        let mut grown: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
        loop {
            let page = store.read_log(village, cursor, PAGE_BYTES).await?;
            if page.cursor < cursor {
                // The log is shorter than what was projected (a database restored from an
                // older backup): start again from nothing.
                *slot = Slot { loaded: true, ..Slot::default() };
                drop(slot);
                return Box::pin(self.refresh(store, village)).await;
            }
            for e in page.entries {
                grown.entry(e.doc).or_default().extend(if cold { Some(e.bytes) } else { None });
            }
            cursor = page.cursor;
            if !page.more {
                break;
            }
        }
        if grown.is_empty() {
            return Ok(slot.records());
        }
        let mut docs = Vec::with_capacity(grown.len());
        for (name, changes) in grown {
            // Warm: the document's whole history (a projection holds no Automerge state).
            let changes = if cold { changes } else { store.doc_changes(village, &name).await? };
            docs.push((name, changes));
        }
        let times = store.change_times(village).await?;
        let device = taizhang_sync::device_floors(&times, taizhang_sync::SESSION_GAP_MS);
        let by_hash: HashMap<[u8; 32], (u64, i64, Option<i64>)> =
            times.iter().map(|t| (t.hash, (t.seq, t.received_at, device.get(&t.hash).copied()))).collect();
        let parts = tokio::task::spawn_blocking(move || {
            docs.into_iter()
                .map(|(name, changes)| {
                    let p = project(&name, &changes, &by_hash);
                    let kept = p.encode();
                    (p, kept, name)
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| DbError::Backend(format!("projecting documents failed: {e}")))?;
        let mut rows = Vec::with_capacity(parts.len());
        {
            let mut stats = self.stats.lock().unwrap_or_else(|p| p.into_inner());
            stats.docs_projected += parts.len() as u64;
            stats.records_projected += parts.iter().map(|(p, _, _)| p.part.records() as u64).sum::<u64>();
        }
        for (p, kept, name) in parts {
            rows.push((name.clone(), kept?));
            slot.proj.set(&name, p.part);
            slot.causal_floor.extend(p.floors);
            slot.anchor_estimate.extend(p.anchors);
            slot.received_at.extend(p.received);
        }
        let from = slot.proj.cursor;
        self.fold_times(&times, &mut slot, (from, cursor)).await?;
        slot.proj.cursor = cursor;
        slot.records = None;
        let body = encode(&StoredVillage {
            version: STORED_VERSION,
            last_sync: slot.last_sync.iter().map(|(m, t)| (*m, *t)).collect(),
        })?;
        // Derived data: a failed write costs the next instance a longer catch-up, never a
        // wrong answer, so this request still answers.
        match store.put_projection(village, cursor, body, rows, slot.replace_kept).await {
            Ok(_) => slot.replace_kept = false,
            Err(e) => {
                tracing::warn!(%village, error = %e, "keeping the county projection failed; it is rebuilt from the log")
            }
        }
        Ok(slot.records())
    }

    /// The document and change that created `record` in `village`, up to date with its log
    /// (read from the projection kept in the database, which the refresh just brought there).
    pub async fn creator(
        &self,
        store: &Arc<dyn ServerStore>,
        village: Uuid,
        record: &str,
    ) -> Result<Option<(String, [u8; 32])>, DbError> {
        self.refresh(store, village).await?;
        let Some(stored) = store.projection(village).await? else { return Ok(None) };
        let record = record.to_string();
        tokio::task::spawn_blocking(move || {
            stored.docs.into_iter().find_map(|(name, bytes)| {
                let (_, doc) = decode::<(u32, Projected)>(&bytes).filter(|(v, _)| *v == STORED_VERSION)?;
                doc.part.created.into_iter().find(|(id, _)| *id == record).map(|(_, hash)| (name, hash))
            })
        })
        .await
        .map_err(|e| DbError::Backend(format!("reading the kept projection failed: {e}")))
    }

    /// Several villages' records, refreshed a few at a time (one per core).
    pub async fn refresh_many(
        self: &Arc<Self>,
        store: &Arc<dyn ServerStore>,
        villages: &[Uuid],
    ) -> Result<Vec<Arc<VillageRecords>>, DbError> {
        let width = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 16);
        let mut out: Vec<Option<Arc<VillageRecords>>> = vec![None; villages.len()];
        let mut next = 0;
        let mut running = tokio::task::JoinSet::new();
        loop {
            while running.len() < width && next < villages.len() {
                let (model, store, village, i) = (self.clone(), store.clone(), villages[next], next);
                running.spawn(async move { (i, model.refresh(&store, village).await) });
                next += 1;
            }
            let Some(done) = running.join_next().await else { break };
            let (i, records) = done.map_err(|e| DbError::Backend(format!("refreshing a village failed: {e}")))?;
            out[i] = Some(records?);
        }
        Ok(out.into_iter().flatten().collect())
    }

    /// Brings the kept projection of every village whose log ran past it up to date, one
    /// village at a time (each leaves memory as the cache fills). Returns how many villages
    /// were behind.
    pub async fn catch_up(&self, store: &Arc<dyn ServerStore>) -> Result<usize, DbError> {
        let behind = store.projections_behind().await?;
        for village in &behind {
            self.refresh(store, *village).await?;
        }
        Ok(behind.len())
    }

    /// Waits until no sync has asked for a refresh for [`QUIET`], or [`MOST_DELAY`] has passed:
    /// a burst of syncs is folded in once it is over, not on the cores it needs (issue 23: the
    /// round it ran every half second through a reconnect burst of 1,000 devices competed with
    /// the burst). A county page never waits for it: a view refreshes what it reads.
    async fn settle(&self) {
        let started = tokio::time::Instant::now();
        loop {
            let seen = self.notes.load(std::sync::atomic::Ordering::Relaxed);
            tokio::time::sleep(QUIET).await;
            if self.notes.load(std::sync::atomic::Ordering::Relaxed) == seen || started.elapsed() >= MOST_DELAY {
                return;
            }
        }
    }

    /// Catches up the kept projections (so the first county request finds them current),
    /// then refreshes the villages syncs arrived for, each burst once it is over
    /// ([`Self::settle`]), until the process ends.
    pub async fn run(self: Arc<Self>, store: Arc<dyn ServerStore>) {
        let started = std::time::Instant::now();
        match self.catch_up(&store).await {
            Ok(villages) => tracing::info!(
                villages,
                ms = started.elapsed().as_millis() as u64,
                "county projection caught up with the logs"
            ),
            Err(e) => tracing::warn!(error = %e, "catching up the county projection failed; county requests do it"),
        }
        loop {
            self.wake.notified().await;
            self.settle().await;
            let due: Vec<Uuid> = self.pending.lock().unwrap_or_else(|p| p.into_inner()).drain().collect();
            for village in due {
                if let Err(e) = self.refresh(&store, village).await {
                    tracing::warn!(%village, error = %e, "county read model refresh failed; the next view retries");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use taizhang_doc::synth::{village_year, SynthSpec};
    use taizhang_domain::{CheckIn, VillageId};
    use taizhang_server_sqlite::SqliteStore;

    /// Five villages with two weeks of generated work each, stored as devices would have
    /// pushed them.
    async fn county() -> (Arc<dyn ServerStore>, Vec<Uuid>) {
        let store = SqliteStore::open_in_memory().expect("store");
        let mut ids = Vec::new();
        for i in 0..5u128 {
            let id = Uuid::from_u128(0xc0_0000 + i);
            let spec = SynthSpec {
                seed: 7 + i as u64,
                village: VillageId(id),
                name: format!("村{i}"),
                township: "镇".into(),
                county: "县".into(),
                members: 3,
                households: 8,
                from: NaiveDate::from_ymd_opt(2025, 3, 1).expect("date"),
                to: NaiveDate::from_ymd_opt(2025, 3, 14).expect("date"),
                not_after: None,
            };
            let v = village_year(&spec).expect("generate");
            store.create_village(id, &spec.name).await.expect("village");
            for (doc_id, doc) in &v.docs {
                let name = doc_id.to_string();
                let raw = doc.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
                let parsed = taizhang_sync::parse_changes(&name, raw).expect("parse");
                store.push(id, &name, parsed, 1_000).await.expect("push");
            }
            ids.push(id);
        }
        (Arc::new(store), ids)
    }

    /// Syncs every 100 ms for two seconds, then none: the refresher folds them in once they
    /// have stopped for [`QUIET`], not while they come; syncs that never stop are folded in
    /// after [`MOST_DELAY`]. (Paused time: nothing here waits for real.)
    #[tokio::test(start_paused = true)]
    async fn the_refresher_waits_for_a_burst_of_syncs_to_end() {
        use std::time::Duration;
        let model = Arc::new(ReadModel::default());
        let village = Uuid::from_u128(7);
        let ms = Duration::from_millis;
        let m = model.clone();
        let burst = tokio::spawn(async move {
            for _ in 0..20 {
                m.notify(village);
                tokio::time::sleep(ms(100)).await;
            }
        });
        let start = tokio::time::Instant::now();
        model.settle().await;
        let waited = start.elapsed();
        let last_sync = ms(1900);
        assert!(
            waited >= last_sync + QUIET && waited <= last_sync + 2 * QUIET,
            "the refresher ran {waited:?} after the burst began (its last sync at {last_sync:?})"
        );
        burst.await.expect("burst");

        let m = model.clone();
        let endless = tokio::spawn(async move {
            loop {
                m.notify(village);
                tokio::time::sleep(ms(50)).await;
            }
        });
        let start = tokio::time::Instant::now();
        model.settle().await;
        let waited = start.elapsed();
        endless.abort();
        assert!(
            waited >= MOST_DELAY && waited <= MOST_DELAY + QUIET,
            "syncs that never stop were folded in after {waited:?}"
        );
        assert_eq!(model.pending.lock().expect("pending").len(), 1, "the village is still due");
    }

    /// A model holding two villages serves five: the ones it let go come back from the
    /// projection kept in the database (nothing projected from the log again) and read the
    /// same as when they were projected; catching up finds nothing behind once every village
    /// was projected, and a village whose log grew is behind until the next refresh.
    #[tokio::test]
    async fn a_small_cache_serves_every_village_from_the_kept_projection() {
        let (store, ids) = county().await;
        assert_eq!(store.projections_behind().await.expect("behind"), ids, "nothing projected yet");
        let model = ReadModel::default().with_capacity(2);
        let mut first = Vec::new();
        for id in &ids {
            first.push(model.refresh(&store, *id).await.expect("refresh"));
        }
        assert!(model.held() <= 2, "held {}", model.held());
        let projected = model.stats();
        assert!(projected.docs_projected >= 5 && projected.records_projected > 0, "{projected:?}");
        assert!(store.projections_behind().await.expect("behind").is_empty(), "every village kept");

        for (id, before) in ids.iter().zip(&first) {
            let again = model.refresh(&store, *id).await.expect("refresh");
            assert_eq!(*again, **before, "village {id} reads the same from the kept projection");
        }
        let after = model.stats();
        assert_eq!(after.docs_projected, projected.docs_projected, "nothing projected again: {after:?}");
        assert!(after.villages_loaded >= 3, "evicted villages came from the database: {after:?}");
        assert!(model.held() <= 2);

        // A fresh model catches up nothing; a model projecting from the log alone agrees.
        let fresh = ReadModel::default();
        assert_eq!(fresh.catch_up(&store).await.expect("catch up"), 0);
        let from_log = ReadModel::default().from_log_only();
        assert_eq!(*from_log.refresh(&store, ids[2]).await.expect("refresh"), *first[2]);

        // One more check-in in the village the model holds (lean: its records only), made on
        // the document that holds an earlier one: the model advances from the kept parts and
        // reads as the log does, and finds the new record's document.
        let held = *ids.last().expect("ids");
        let old = first[4].check_ins[0].clone();
        let (doc_name, _) = model.creator(&store, held, &old.id.to_string()).await.expect("creator").expect("found");
        let mut doc = taizhang_sync::load_stored(&store.doc_changes(held, &doc_name).await.expect("changes"))
            .expect("load")
            .with_actor(automerge::ActorId::from(vec![0x5a; 16]));
        let before = doc.get_heads();
        let new = CheckIn { id: taizhang_domain::CheckInId(Uuid::from_u128(0x5a5a)), at: old.at + 86_400_000, ..old };
        let mut tx = doc.transaction();
        taizhang_doc::write(&mut tx, &new).expect("write");
        tx.commit();
        let raw = doc.get_changes(&before).iter().map(|c| c.raw_bytes().to_vec()).collect();
        let pushed = store
            .push(held, &doc_name, taizhang_sync::parse_changes(&doc_name, raw).expect("parse"), 2_000)
            .await
            .expect("push");
        assert!(matches!(pushed, taizhang_server_db::PushResult::Stored { new: 1, .. }), "{pushed:?}");
        let advanced = model.refresh(&store, held).await.expect("refresh");
        let truth = ReadModel::default().from_log_only().refresh(&store, held).await.expect("from the log");
        assert_eq!(*advanced, *truth, "advanced from the kept parts = projected from the log");
        assert_eq!(advanced.check_ins.len(), first[4].check_ins.len() + 1, "the new check-in is there");
        assert!(advanced.check_ins.contains(&new));
        let (doc, _) = model.creator(&store, held, &new.id.to_string()).await.expect("creator").expect("found");
        assert_eq!(doc, doc_name);
    }
}
