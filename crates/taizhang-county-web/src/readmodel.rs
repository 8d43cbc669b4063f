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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex as StdMutex};

use taizhang_county::{DocPart, VillageProjection};
use taizhang_doc::DocId;
use taizhang_domain::{MemberId, Timestamp};
use taizhang_rules::VillageRecords;
use taizhang_server_db::{AccountStore, DbError, ServerStore};
use tokio::sync::{Mutex, Notify};
use uuid::Uuid;

/// Bytes read per log page while refreshing.
const PAGE_BYTES: usize = 8 * 1024 * 1024;

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
}

impl Slot {
    fn records(&mut self) -> Arc<VillageRecords> {
        let (proj, last_sync, received_at, floors, anchors) =
            (&self.proj, &self.last_sync, &self.received_at, &self.causal_floor, &self.anchor_estimate);
        self.records
            .get_or_insert_with(|| {
                let mut r = proj.records();
                r.last_sync = last_sync.clone();
                r.received_at = received_at.clone();
                r.causal_floor = floors.clone();
                r.anchor_estimate = anchors.clone();
                Arc::new(r)
            })
            .clone()
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

#[derive(Default)]
pub struct ReadModel {
    villages: StdMutex<HashMap<Uuid, Arc<Mutex<Slot>>>>,
    pending: StdMutex<HashSet<Uuid>>,
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

/// What one document contributes, what it says of its records' times.
#[derive(Default)]
struct Projected {
    part: DocPart,
    /// Record id → causal floor (the later of its change's causal and device floors).
    floors: Vec<(String, Timestamp)>,
    /// Record id → the anchor estimate its change carries (`taizhang_sync::ChangeAnchor`).
    anchors: Vec<(String, Timestamp)>,
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
    Projected { part, floors, anchors }
}

impl ReadModel {
    /// A read model that maps devices to members through `accounts` (for `last_sync`).
    pub fn with_accounts(accounts: Arc<dyn AccountStore>) -> Self {
        Self { accounts: Some(accounts), ..Self::default() }
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

    /// Folds the receipt times of the changes in `(from, to]` into the slot: members' last
    /// sync and the creating change's time of the records the re-projected `docs` created.
    async fn fold_times(
        &self,
        times: &[taizhang_sync::ChangeTime],
        slot: &mut Slot,
        docs: &[String],
        (from, to): (u64, u64),
    ) -> Result<(), DbError> {
        let fresh: Vec<&taizhang_sync::ChangeTime> = times.iter().filter(|t| t.seq > from && t.seq <= to).collect();
        let actors: HashSet<&[u8]> = fresh.iter().map(|t| t.actor.as_slice()).collect();
        let members = self.members_of(&actors).await?;
        let mut creators: HashMap<&[u8; 32], Vec<&str>> = HashMap::new();
        for name in docs {
            for (id, hash) in slot.proj.part(name).iter().flat_map(|p| p.created.iter()) {
                creators.entry(hash).or_default().push(id);
            }
        }
        let mut received = Vec::new();
        for t in &fresh {
            let member = members.get(&t.actor).copied().or_else(|| match t.doc.parse::<DocId>() {
                Ok(DocId::Log { member, .. }) => Some(member),
                _ => None,
            });
            if let Some(m) = member {
                let last = slot.last_sync.entry(m).or_insert(t.received_at);
                *last = (*last).max(t.received_at);
            }
            for id in creators.get(&t.hash).into_iter().flatten() {
                received.push((id.to_string(), t.received_at));
            }
        }
        slot.received_at.extend(received);
        Ok(())
    }

    fn slot(&self, village: Uuid) -> Arc<Mutex<Slot>> {
        let mut map = self.villages.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(village).or_default().clone()
    }

    /// The log position the village is projected up to, without waiting (`None`: never
    /// projected, or being refreshed right now).
    pub fn projected_up_to(&self, village: Uuid) -> Option<u64> {
        let slot = self.villages.lock().unwrap_or_else(|p| p.into_inner()).get(&village).cloned()?;
        let slot = slot.try_lock().ok()?;
        (slot.proj.cursor > 0).then_some(slot.proj.cursor)
    }

    /// Asks the background refresher (if one runs) to bring `village` up to date.
    pub fn notify(&self, village: Uuid) {
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).insert(village);
        self.wake.notify_one();
    }

    /// The village's records, up to date with its log as of this call.
    pub async fn refresh(&self, store: &Arc<dyn ServerStore>, village: Uuid) -> Result<Arc<VillageRecords>, DbError> {
        let slot = self.slot(village);
        let mut slot = slot.lock().await;
        let cold = slot.proj.cursor == 0;
        let mut cursor = slot.proj.cursor;
        let mut grown: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
        loop {
            let page = store.read_log(village, cursor, PAGE_BYTES).await?;
            if page.cursor < cursor {
                // The log is shorter than what was projected (a database restored from an
                // older backup): start again from nothing.
                *slot = Slot::default();
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
        let names: Vec<String> = grown.keys().cloned().collect();
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
            docs.into_iter().map(|(name, changes)| (project(&name, &changes, &by_hash), name)).collect::<Vec<_>>()
        })
        .await
        .map_err(|e| DbError::Backend(format!("projecting documents failed: {e}")))?;
        for (p, name) in parts {
            slot.proj.set(&name, p.part);
            slot.causal_floor.extend(p.floors);
            slot.anchor_estimate.extend(p.anchors);
        }
        let from = slot.proj.cursor;
        self.fold_times(&times, &mut slot, &names, (from, cursor)).await?;
        slot.proj.cursor = cursor;
        slot.records = None;
        Ok(slot.records())
    }

    /// The document and change that created `record` in `village`, up to date with its log.
    pub async fn creator(
        &self,
        store: &Arc<dyn ServerStore>,
        village: Uuid,
        record: &str,
    ) -> Result<Option<(String, [u8; 32])>, DbError> {
        self.refresh(store, village).await?;
        let slot = self.slot(village);
        let slot = slot.lock().await;
        Ok(slot.proj.creator(record).map(|(doc, hash)| (doc.to_string(), *hash)))
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

    /// Projects every village once (so the first county request finds the model warm), then
    /// refreshes villages as syncs arrive, until the process ends.
    pub async fn run(self: Arc<Self>, store: Arc<dyn ServerStore>, villages: Vec<Uuid>) {
        let started = std::time::Instant::now();
        match self.refresh_many(&store, &villages).await {
            Ok(_) => tracing::info!(
                villages = villages.len(),
                ms = started.elapsed().as_millis() as u64,
                "county read model built"
            ),
            Err(e) => tracing::warn!(error = %e, "building the county read model failed; county requests build it"),
        }
        loop {
            self.wake.notified().await;
            // Let a burst of syncs settle into one refresh per village.
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            let due: Vec<Uuid> = self.pending.lock().unwrap_or_else(|p| p.into_inner()).drain().collect();
            for village in due {
                if let Err(e) = self.refresh(&store, village).await {
                    tracing::warn!(%village, error = %e, "county read model refresh failed; the next view retries");
                }
            }
        }
    }
}
