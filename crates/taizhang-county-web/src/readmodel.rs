//! The county view's read model: one [`VillageProjection`] per village, brought up to date
//! from the village's change log. A refresh reads the log past the projection's cursor, and
//! re-reads only the documents that grew; a cold start (cursor 0) builds every document from
//! the log pages themselves. It works the same with several server instances on one
//! PostgreSQL database (the log is the source of truth, not this process's syncs), and
//! [`ReadModel::notify`] lets the sync handler ask for a refresh as syncs arrive so the county
//! page finds it warm.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex as StdMutex};

use taizhang_county::{DocPart, VillageProjection};
use taizhang_rules::VillageRecords;
use taizhang_server_db::{DbError, ServerStore};
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
    records: Option<Arc<VillageRecords>>,
}

impl Slot {
    fn records(&mut self) -> Arc<VillageRecords> {
        self.records.get_or_insert_with(|| Arc::new(self.proj.records())).clone()
    }
}

#[derive(Default)]
pub struct ReadModel {
    villages: StdMutex<HashMap<Uuid, Arc<Mutex<Slot>>>>,
    pending: StdMutex<HashSet<Uuid>>,
    wake: Notify,
}

impl std::fmt::Debug for ReadModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadModel").finish_non_exhaustive()
    }
}

fn project(name: &str, changes: &[Vec<u8>]) -> DocPart {
    // The server's one loader: all changes in one run, change by change only when the run
    // does not load whole, counting what cannot be read.
    let (am, damaged) = taizhang_sync::load_stored_lenient(changes);
    let mut part = DocPart::read(name, &am);
    part.unreadable += damaged;
    part
}

impl ReadModel {
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
        let mut docs = Vec::with_capacity(grown.len());
        for (name, changes) in grown {
            // Warm: the document's whole history (a projection holds no Automerge state).
            let changes = if cold { changes } else { store.doc_changes(village, &name).await? };
            docs.push((name, changes));
        }
        let parts = tokio::task::spawn_blocking(move || {
            docs.into_iter().map(|(name, changes)| (project(&name, &changes), name)).collect::<Vec<_>>()
        })
        .await
        .map_err(|e| DbError::Backend(format!("projecting documents failed: {e}")))?;
        for (part, name) in parts {
            slot.proj.set(&name, part);
        }
        slot.proj.cursor = cursor;
        slot.records = None;
        Ok(slot.records())
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
