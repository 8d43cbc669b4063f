//! Garbage collection of attachments (issue 19): a blob that no record of its village refers
//! to, and whose upload started more than a grace period ago ([`GRACE_MS`], 7 days: a photo
//! may upload before the record naming it syncs, and is never collected for that), is removed
//! (`BlobStore::collect_blobs`). The hashes referred to are read from the village's own
//! documents, each loaded whole from its saved form and changes (`ServerStore::doc_saved`).
//!
//! Deliberately broad, because collecting a blob still needed loses evidence for good: every
//! text value anywhere in every document (every record kind, every field, every conflicting
//! value of a field) is searched for 64-digit hex hashes, so records that gain attachments
//! later (households, follow-up items, a plan's signed letter) or fields a newer app writes keep
//! their files without this code knowing them. A document that does not load whole stops the
//! village's collection (nothing of that village is removed). Run daily by the server
//! ([`spawn_daily`]) and on demand with `taizhang-sync-server admin collect-blobs`.

use std::collections::BTreeSet;
use std::sync::Arc;

use automerge::{Automerge, ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT};
use taizhang_server_db::{AccountStore, BlobHash, BlobStore, DbError, ServerBackend, ServerStore};
use uuid::Uuid;

/// How long an upload nothing refers to is kept: 7 days.
pub const GRACE_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// How often the server collects on its own.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// What one village's collection did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Collected {
    /// Blobs removed, with how many distinct hashes the documents refer to.
    Removed { removed: u64, referenced: usize },
    /// A document did not load whole: nothing was removed.
    Skipped { doc: String, reason: String },
}

/// Most nesting followed into a document (records are flat maps; this only bounds the walk).
const MAX_DEPTH: usize = 32;

/// Every hash-shaped word (64 hex digits) of `text`.
fn hashes_in_text(text: &str, out: &mut BTreeSet<BlobHash>) {
    for word in text.split(|c: char| !c.is_ascii_hexdigit()) {
        if word.len() == 64 {
            if let Some(h) = taizhang_attach::parse_hash(&word.to_ascii_lowercase()) {
                out.insert(h);
            }
        }
    }
}

fn walk(doc: &Automerge, obj: &ObjId, depth: usize, out: &mut BTreeSet<BlobHash>) {
    if depth > MAX_DEPTH {
        return;
    }
    let mut value = |v: Value<'_>, id: ObjId| match v {
        Value::Scalar(s) => {
            if let ScalarValue::Str(text) = s.as_ref() {
                hashes_in_text(text, out);
            }
        }
        Value::Object(_) => walk(doc, &id, depth + 1, out),
    };
    match doc.object_type(obj) {
        Ok(ObjType::Map | ObjType::Table) => {
            for key in doc.keys(obj).collect::<Vec<_>>() {
                for (v, id) in doc.get_all(obj, key.as_str()).unwrap_or_default() {
                    value(v, id);
                }
            }
        }
        Ok(ObjType::List) => {
            for i in 0..doc.length(obj) {
                for (v, id) in doc.get_all(obj, i).unwrap_or_default() {
                    value(v, id);
                }
            }
        }
        Ok(ObjType::Text) => {
            if let Ok(text) = doc.text(obj) {
                hashes_in_text(&text, out);
            }
        }
        Err(_) => {}
    }
}

/// Every hash any value of `doc` names (all fields, all conflicting values).
pub fn hashes_in_doc(doc: &Automerge) -> BTreeSet<BlobHash> {
    let mut out = BTreeSet::new();
    walk(doc, &ROOT, 0, &mut out);
    out
}

/// The hashes the village's documents refer to; `Err((doc, reason))` when one does not load.
pub async fn referenced<S: ServerStore + ?Sized>(
    store: &S,
    village: Uuid,
) -> Result<Result<BTreeSet<BlobHash>, (String, String)>, DbError> {
    let mut all = BTreeSet::new();
    for name in store.docs(village).await? {
        let chunks = store.doc_saved(village, &name).await?;
        let found = tokio::task::spawn_blocking(move || taizhang_sync::load_stored(&chunks).map(|d| hashes_in_doc(&d)))
            .await
            .map_err(|e| DbError::Backend(format!("reading a document for garbage collection failed: {e}")))?;
        match found {
            Ok(h) => all.extend(h),
            Err(reason) => return Ok(Err((name, reason.to_string()))),
        }
    }
    Ok(Ok(all))
}

/// Collects the village's blobs nothing refers to that started before `now - grace`.
pub async fn collect_village<S: ServerStore + BlobStore + ?Sized>(
    store: &S,
    village: Uuid,
    now: i64,
    grace: i64,
) -> Result<Collected, DbError> {
    let refs = match referenced(store, village).await? {
        Ok(refs) => refs,
        Err((doc, reason)) => return Ok(Collected::Skipped { doc, reason }),
    };
    let keep: Vec<BlobHash> = refs.iter().copied().collect();
    let removed = store.collect_blobs(village, &keep, now - grace).await?;
    Ok(Collected::Removed { removed, referenced: keep.len() })
}

/// Collects every village of the server; answers each village's outcome.
pub async fn collect_all<S: ServerStore + AccountStore + BlobStore + ?Sized>(
    store: &S,
    now: i64,
    grace: i64,
) -> Result<Vec<(Uuid, Collected)>, DbError> {
    let mut out = Vec::new();
    for p in store.places().await?.into_iter().filter(|p| p.kind == "village") {
        out.push((p.id, collect_village(store, p.id, now, grace).await?));
    }
    Ok(out)
}

/// Collects once a day (the first time an hour after start), logging what it did.
pub fn spawn_daily(store: Arc<dyn ServerBackend>, clock: taizhang_server_db::Clock) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(60 * 60)).await;
        loop {
            match collect_all(store.as_ref(), clock(), GRACE_MS).await {
                Ok(done) => {
                    let removed: u64 = done
                        .iter()
                        .map(|(_, c)| match c {
                            Collected::Removed { removed, .. } => *removed,
                            Collected::Skipped { .. } => 0,
                        })
                        .sum();
                    for (village, c) in &done {
                        if let Collected::Skipped { doc, reason } = c {
                            tracing::warn!(%village, doc, reason, "attachments of a village not collected: a document does not load whole");
                        }
                    }
                    tracing::info!(villages = done.len(), removed, "attachments nothing refers to collected");
                }
                Err(e) => tracing::warn!(error = %e, "collecting attachments failed; tried again tomorrow"),
            }
            tokio::time::sleep(EVERY).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use taizhang_doc::DocId;
    use taizhang_domain::{HouseholdId, MemberId, Visit, VisitId};
    use taizhang_server_sqlite::SqliteStore;

    const DAY: i64 = 24 * 60 * 60 * 1000;

    fn hex(h: &BlobHash) -> String {
        h.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// An upload of `hash` started on `day` and finished.
    async fn upload<S: BlobStore + ?Sized>(store: &S, village: Uuid, hash: BlobHash, day: i64) {
        let bytes = vec![0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4];
        store.put_chunk(village, hash, 1, 8, 0, bytes, Uuid::from_u128(0x11), day * DAY).await.expect("chunk");
        store.finish_blob(village, hash, None, day * DAY).await.expect("finish");
    }

    async fn present<S: BlobStore + ?Sized>(store: &S, village: Uuid, hash: BlobHash) -> bool {
        store.blob(village, hash).await.expect("blob").is_some()
    }

    #[test]
    fn every_hash_of_every_field_and_every_conflicting_value_is_found() {
        let (a, b, c) = ([0xaa; 32], [0xbb; 32], [0xcc; 32]);
        let mut one = Automerge::new();
        let mut tx = one.transaction();
        let record = tx.put_object(ROOT, "household/1", ObjType::Map).expect("map");
        tx.put(&record, "name", "王家").expect("put");
        tx.commit();
        let mut two = one.fork();
        // Two phones set the same field at once: both values are kept as a conflict.
        let mut tx = one.transaction();
        tx.put(&record, "attachments", hex(&a)).expect("put");
        tx.commit();
        let mut tx = two.transaction();
        tx.put(&record, "attachments", format!("{} {}", hex(&b), "not-a-hash")).expect("put");
        // A field this server does not know (a newer app's), in a nested list.
        let list = tx.put_object(&record, "letter_scans", ObjType::List).expect("list");
        tx.insert(&list, 0, hex(&c).to_uppercase()).expect("insert");
        tx.commit();
        one.merge(&mut two).expect("merge");
        assert_eq!(hashes_in_doc(&one), BTreeSet::from([a, b, c]));
    }

    /// The story on the embedded SQLite file.
    #[tokio::test]
    async fn an_orphaned_blob_is_collected_and_a_referenced_or_fresh_one_is_not() {
        collection_story(&SqliteStore::open_in_memory().expect("store")).await;
    }

    /// The same story on PostgreSQL (skipped, and printed so, without
    /// `TAIZHANG_TEST_DATABASE_URL`; CI always sets it).
    #[tokio::test]
    async fn an_orphaned_blob_is_collected_and_a_referenced_or_fresh_one_is_not_on_postgres() {
        let Some((store, _, _)) =
            taizhang_server_postgres::testing::store_or_skip("blob collection on PostgreSQL").await
        else {
            return;
        };
        collection_story(&store).await;
    }

    /// The story: an orphaned blob is collected; one a record refers to, and a fresh one nobody
    /// refers to yet (its record may still be on its way), are not; once the record drops the
    /// photo, the photo goes too.
    async fn collection_story<S: ServerStore + AccountStore + BlobStore + ?Sized>(store: &S) {
        let village = Uuid::from_u128(0x51);
        store.create_village(village, "石门村").await.expect("village");
        let (kept, orphan, fresh, elsewhere) = ([1u8; 32], [2u8; 32], [3u8; 32], [4u8; 32]);
        let mut visit = Visit {
            id: VisitId(Uuid::from_u128(7)),
            household: HouseholdId(Uuid::from_u128(8)),
            member: MemberId(Uuid::from_u128(1)),
            at: DAY,
            location: None,
            findings: "屋顶漏雨".into(),
            needs: String::new(),
            follow_up: String::new(),
            amends: None,
            attachments: vec![hex(&kept)],
        };
        let mut doc = Automerge::new();
        let mut tx = doc.transaction();
        taizhang_doc::write(&mut tx, &visit).expect("write");
        tx.commit();
        let id = DocId::for_visit(&visit);
        crate::admin::store_changes(store, village, &id, &doc, &[], DAY).await.expect("push");
        upload(store, village, kept, 1).await;
        upload(store, village, orphan, 1).await;
        upload(store, village, fresh, 9).await;
        // Another village's blob of the same age is that village's business.
        let other = Uuid::from_u128(0x52);
        store.create_village(other, "摆榜村").await.expect("village");
        upload(store, other, elsewhere, 1).await;

        let now = 10 * DAY;
        let done = collect_village(store, village, now, GRACE_MS).await.expect("gc");
        assert_eq!(done, Collected::Removed { removed: 1, referenced: 1 });
        assert!(!present(store, village, orphan).await, "nothing refers to it and it is 9 days old");
        assert!(present(store, village, kept).await, "the visit refers to it");
        assert!(present(store, village, fresh).await, "a day old: its record may still be on its way");
        assert!(present(store, other, elsewhere).await, "another village is not touched");

        // The visit is edited and no longer refers to its photo: it is collected next time.
        let before = doc.get_heads();
        visit.attachments.clear();
        let mut tx = doc.transaction();
        taizhang_doc::write(&mut tx, &visit).expect("write");
        tx.commit();
        crate::admin::store_changes(store, village, &id, &doc, &before, 2 * DAY).await.expect("push");
        let done = collect_village(store, village, now, GRACE_MS).await.expect("gc");
        assert_eq!(done, Collected::Removed { removed: 1, referenced: 0 });
        assert!(!present(store, village, kept).await);
        assert!(present(store, village, fresh).await, "still within its grace period");

        // Every village at once (the admin command and the daily run), a month later: the
        // fresh one is old now, and the other village's blob is referred to by nothing there.
        let all: std::collections::BTreeMap<Uuid, Collected> =
            collect_all(store, now + 30 * DAY, GRACE_MS).await.expect("gc").into_iter().collect();
        let one = Collected::Removed { removed: 1, referenced: 0 };
        assert_eq!(all, std::collections::BTreeMap::from([(village, one.clone()), (other, one)]));
        assert!(!present(store, village, fresh).await && !present(store, other, elsewhere).await);
    }
}
