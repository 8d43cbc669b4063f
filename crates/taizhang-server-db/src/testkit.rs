//! The storage story every backend runs in its own tests: pushes are stored once, in causal
//! order, with exact heads; holes are refused whole; the log reads back by cursor in pages;
//! and [`account_story`] for accounts, enrollment codes and devices.

use automerge::transaction::Transactable;
use automerge::{ActorId, Automerge, ROOT};
use taizhang_sync::{parse_changes, Hash, ParsedChange};
use uuid::Uuid;

use crate::{
    Account, AccountStore, ChangeProofs, Checked, DbError, Device, PushCheck, PushResult, Redeemed, Refusal,
    ServerStore, SignatureStore, Stored, StoredBatch, Verdict,
};

fn changes(actor: u8, n: usize, payload: usize) -> (Automerge, Vec<ParsedChange>) {
    let mut d = Automerge::new().with_actor(ActorId::from(vec![actor; 16]));
    for i in 0..n {
        let mut tx = d.transaction();
        let _ = tx.put(ROOT, format!("visit/{actor}-{i}"), "走".repeat(payload));
        tx.commit();
    }
    let raw = d.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
    let parsed = parse_changes("log", raw).unwrap_or_default();
    (d, parsed)
}

fn heads(d: &Automerge) -> Vec<[u8; 32]> {
    d.get_heads().iter().map(|h| h.0).collect()
}

/// Runs the story; panics (test failure) on the first broken promise.
pub async fn store_story(store: &dyn ServerStore) {
    let village = Uuid::from_u128(0x7a1);
    let other = Uuid::from_u128(0x7a2);
    store.create_village(village, "石门村").await.expect("create village");
    store.create_village(village, "石门村").await.expect("creating twice is harmless");
    store.create_village(other, "other").await.expect("create other village");
    assert!(store.village_exists(village).await.expect("exists"));
    assert!(!store.village_exists(Uuid::from_u128(1)).await.expect("exists"));

    // Li pushes 5 changes; a retry of the same push adds nothing.
    let (li, li_changes) = changes(1, 5, 10);
    assert_eq!(li_changes.len(), 5);
    let first = store.push(village, "registry", li_changes.clone(), 1000).await.expect("push");
    assert_eq!(first, PushResult::Stored { new: 5, heads: heads(&li) });
    let again = store.push(village, "registry", li_changes.clone(), 2000).await.expect("retry");
    assert_eq!(again, PushResult::Stored { new: 0, heads: heads(&li) });

    // A push with a hole is refused whole.
    let (mut wang, _) = changes(2, 0, 0);
    wang.merge(&mut li.clone()).expect("merge");
    for i in 0..3 {
        let mut tx = wang.transaction();
        let _ = tx.put(ROOT, format!("k{i}"), i as i64);
        tx.commit();
    }
    let wang_new =
        parse_changes("registry", wang.get_changes(&li.get_heads()).iter().map(|c| c.raw_bytes().to_vec()).collect())
            .expect("parse");
    let hole = vec![wang_new[1].clone(), wang_new[2].clone()];
    match store.push(village, "registry", hole, 3000).await.expect("push") {
        PushResult::MissingDeps { missing, heads: h } => {
            assert_eq!(missing, vec![wang_new[0].hash]);
            assert_eq!(h, heads(&li), "nothing of the refused push was stored");
        }
        other => panic!("expected missing deps, got {other:?}"),
    }
    // Pushed whole, reversed: stored in causal order.
    let mut reversed = wang_new.clone();
    reversed.reverse();
    let stored = store.push(village, "registry", reversed, 4000).await.expect("push");
    assert_eq!(stored, PushResult::Stored { new: 3, heads: heads(&wang) });
    assert_eq!(store.heads(village, "registry").await.expect("heads"), heads(&wang));

    // The other village sees none of it.
    assert!(store.read_log(other, 0, usize::MAX).await.expect("log").entries.is_empty());
    assert!(store.docs(other).await.expect("docs").is_empty());

    // The log reads back whole, in causal order, and in pages that resume by cursor.
    let all = store.read_log(village, 0, usize::MAX).await.expect("log");
    assert_eq!(all.entries.len(), 8);
    assert!(!all.more);
    let bytes: Vec<Vec<u8>> = all.entries.iter().map(|e| e.bytes.clone()).collect();
    let loaded = taizhang_sync::load_stored(&bytes).expect("log bytes load");
    assert_eq!(loaded.get_heads(), wang.get_heads());
    let mut cursor = 0;
    let mut paged = Vec::new();
    loop {
        let page = store.read_log(village, cursor, 1).await.expect("page");
        assert!(page.entries.len() <= 1, "a 1-byte budget gives one change per page");
        paged.extend(page.entries.iter().map(|e| e.hash));
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    assert_eq!(paged, all.entries.iter().map(|e| e.hash).collect::<Vec<_>>());
    let tail = store.read_log(village, all.cursor, usize::MAX).await.expect("tail");
    assert!(tail.entries.is_empty());
    assert_eq!(tail.cursor, all.cursor);

    assert_eq!(store.doc_changes(village, "registry").await.expect("doc").len(), 8);
    assert_eq!(store.docs(village).await.expect("docs"), vec!["registry".to_string()]);

    // Receipt time is the first receipt (the retry at 2000 did not move it), beside the
    // device's own time, in log order, for this village only.
    let times = store.change_times(village).await.expect("change times");
    assert_eq!(times.len(), 8);
    assert_eq!(
        times.iter().map(|t| t.hash).collect::<Vec<_>>(),
        all.entries.iter().map(|e| e.hash).collect::<Vec<_>>()
    );
    assert!(times[..5].iter().all(|t| t.received_at == 1000), "{times:?}");
    let li_times: Vec<i64> = li_changes.iter().map(|c| c.timestamp).collect();
    assert_eq!(times[..5].iter().map(|t| t.device_time).collect::<Vec<_>>(), li_times);
    assert!(times.windows(2).all(|w| w[0].seq < w[1].seq));
    assert!(store.change_times(other).await.expect("other village").is_empty());

    checked_push_story(store).await;
    snapshot_story(store).await;
    projection_story(store).await;
    long_log_story(store).await; // last: its villages would be in the projection story's list
}

/// Long pages of the log read back whole: many small changes, and a few large ones (a store
/// may read a short page differently from a long one, as SQLite does on the request's thread).
async fn long_log_story(store: &dyn ServerStore) {
    for (village, n, payload) in [(Uuid::from_u128(0x7e1), 150, 1), (Uuid::from_u128(0x7e2), 40, 1000)] {
        store.create_village(village, "长日志村").await.expect("create village");
        let (doc, pushed) = changes(3, n, payload);
        let stored = store.push(village, "log", pushed.clone(), 1000).await.expect("push");
        assert_eq!(stored, PushResult::Stored { new: n as u32, heads: heads(&doc) });
        let all = store.read_log(village, 0, usize::MAX).await.expect("log");
        let hashes = |h: &mut dyn Iterator<Item = [u8; 32]>| h.map(hex::encode).collect::<Vec<_>>().join(" ");
        let want = hashes(&mut pushed.iter().map(|c| c.hash));
        let got = hashes(&mut all.entries.iter().map(|e| e.hash));
        assert_eq!(got.len(), want.len(), "{n} changes");
        assert!(got == want, "the log holds the {n} changes in order");
        assert!(!all.more);
        let bytes: Vec<Vec<u8>> = all.entries.iter().map(|e| e.bytes.clone()).collect();
        assert_eq!(taizhang_sync::load_stored(&bytes).expect("load").get_heads(), doc.get_heads());
        // Pages of 10 KB from the start, and the short tail after the 5th change.
        let (mut cursor, mut paged) = (0, Vec::new());
        loop {
            let page = store.read_log(village, cursor, 10_000).await.expect("page");
            paged.extend(page.entries.iter().map(|e| e.hash));
            cursor = page.cursor;
            if !page.more {
                break;
            }
        }
        assert!(hashes(&mut paged.into_iter()) == want, "pages of 10 KB hold the {n} changes in order");
        let tail = store.read_log(village, all.entries[n - 6].seq, usize::MAX).await.expect("tail");
        assert_eq!(tail.entries.len(), 5);
        assert_eq!(tail.cursor, all.cursor);
    }
}

/// The county projection kept in the database (issue 23): none until written; a write keeps
/// the village-wide part and replaces only the documents it names; a write that is not past
/// the kept position (a slower instance) changes nothing; a village is behind while its log
/// has changes past the kept position.
pub async fn projection_story(store: &dyn ServerStore) {
    let village = Uuid::from_u128(0x7b1);
    let quiet = Uuid::from_u128(0x7b2);
    store.create_village(village, "projected").await.expect("create village");
    store.create_village(quiet, "no changes").await.expect("create village");
    assert_eq!(store.projection(village).await.expect("read"), None);
    store.push(village, "log/a", changes(11, 3, 1).1, 10).await.expect("push");
    let end = store.read_log(village, 0, usize::MAX).await.expect("log").cursor;
    let behind = store.projections_behind().await.expect("behind");
    assert!(behind.contains(&village), "a village with a log and no projection is behind");
    assert!(!behind.contains(&quiet), "a village without changes has nothing to project");

    let part = |s: &str| s.as_bytes().to_vec();
    let wrote = store
        .put_projection(
            village,
            end,
            part("v1"),
            vec![("log/a".into(), part("a1")), ("registry".into(), part("r1"))],
            false,
        )
        .await
        .expect("put");
    assert!(wrote);
    let kept = store.projection(village).await.expect("read").expect("kept");
    assert_eq!(kept.upto, end);
    assert_eq!(kept.body, part("v1"));
    assert_eq!(kept.docs, vec![("log/a".into(), part("a1")), ("registry".into(), part("r1"))]);
    assert!(!store.projections_behind().await.expect("behind").contains(&village), "up to date");

    // The log grows: behind again; an advance that re-projected one document replaces that
    // document's part and keeps the other.
    store.push(village, "log/b", changes(12, 2, 1).1, 20).await.expect("push");
    let later = store.read_log(village, 0, usize::MAX).await.expect("log").cursor;
    assert!(later > end);
    assert!(store.projections_behind().await.expect("behind").contains(&village));
    assert!(store
        .put_projection(village, later, part("v2"), vec![("log/a".into(), part("a2"))], false)
        .await
        .expect("put"));
    // A slower instance's write at the older position (or the same one) changes nothing, even
    // asking to replace (that is for one at the same position that did not read).
    let old = vec![("log/a".into(), part("old"))];
    assert!(!store.put_projection(village, end, part("old"), old.clone(), false).await.expect("put"));
    assert!(!store.put_projection(village, end, part("old"), old, true).await.expect("put"));
    assert!(!store.put_projection(village, later, part("same"), vec![], false).await.expect("put"));
    let kept = store.projection(village).await.expect("read").expect("kept");
    assert_eq!((kept.upto, kept.body.clone()), (later, part("v2")));
    assert_eq!(kept.docs, vec![("log/a".into(), part("a2")), ("registry".into(), part("r1"))]);
    assert!(!store.projections_behind().await.expect("behind").contains(&village));
    // Replacing one at the same position (it did not read): the body and the parts named.
    assert!(store
        .put_projection(village, later, part("v3"), vec![("registry".into(), part("r3"))], true)
        .await
        .expect("replace"));
    let kept = store.projection(village).await.expect("read").expect("kept");
    assert_eq!((kept.upto, kept.body), (later, part("v3")));
    assert_eq!(kept.docs, vec![("log/a".into(), part("a2")), ("registry".into(), part("r3"))]);
    assert_eq!(store.projection(quiet).await.expect("read"), None, "another village's projection is untouched");

    // Where each village's log ends, in the order asked, in one call: the read cursor's end for
    // a village with changes, 0 for one without and for a village this server does not hold.
    let stranger = Uuid::from_u128(0x7b3);
    let at = store.log_positions(&[quiet, village, stranger, village]).await.expect("positions");
    assert_eq!(at, vec![0, later, 0, later]);
    assert_eq!(store.log_positions(&[]).await.expect("none"), Vec::<u64>::new());
    store.push(quiet, "log/q", changes(13, 1, 1).1, 30).await.expect("push");
    let quiet_end = store.read_log(quiet, 0, usize::MAX).await.expect("log").cursor;
    assert!(quiet_end > 0);
    assert_eq!(store.log_positions(&[village, quiet]).await.expect("positions"), vec![later, quiet_end]);
}

fn check(watch: &[&str], decide: impl Fn(&Stored<'_>) -> Verdict + Send + Sync + 'static) -> PushCheck {
    PushCheck::new(watch.iter().map(|w| w.to_string()).collect(), Box::new(decide))
}

/// `push_checked`: the check sees the stored heads (of the pushed and the watched documents)
/// and, when it asks, their changes; a refusal or an unplaceable push stores nothing; an
/// allowed one is stored like `push`. And `heads_many` reads several documents' heads at once.
async fn checked_push_story(store: &dyn ServerStore) {
    let village = Uuid::from_u128(0x7a3);
    store.create_village(village, "checked").await.expect("create village");
    let (team, team_changes) = changes(3, 2, 5);
    store.push(village, "team/2026", team_changes.clone(), 10).await.expect("push team");

    // Refused: nothing stored, the refusal comes back as it was given.
    let (log, log_changes) = changes(4, 3, 5);
    let no = Refusal { code: "no".into(), message: "not yours".into() };
    let refused = {
        let no = no.clone();
        check(&[], move |_| Verdict::Refuse(no.clone()))
    };
    let got = store.push_checked(village, "log/a", log_changes.clone(), 20, refused).await.expect("push");
    assert_eq!(got, Checked::Refused(no));
    assert!(store.heads(village, "log/a").await.expect("heads").is_empty(), "nothing of it was stored");

    // Unplaceable: nothing stored, the stored heads come back.
    let got =
        store.push_checked(village, "team/2026", log_changes.clone(), 20, check(&[], |_| Verdict::Unplaceable)).await;
    assert_eq!(got.expect("push"), Checked::Unplaceable { heads: heads(&team) });

    // Allowed after loading the watched document: the check saw its heads and every change.
    let team_heads = heads(&team);
    let team_bytes: Vec<Vec<u8>> = team_changes.iter().map(|c| c.bytes.clone()).collect();
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = calls.clone();
    let allow = check(&["team/2026", "team/2030"], move |s| {
        counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        assert!(s.heads.is_empty(), "log/a is new");
        assert_eq!(s.watched, &[team_heads.clone(), Vec::new()], "heads of each watched document, in order");
        match s.changes.get("team/2026") {
            None => Verdict::Load(vec!["team/2026".into()]),
            Some(c) if *c == team_bytes => Verdict::Store,
            Some(_) => Verdict::Refuse(Refusal { code: "wrong".into(), message: "other changes".into() }),
        }
    });
    let got = store.push_checked(village, "log/a", log_changes.clone(), 30, allow).await.expect("push");
    assert_eq!(got, Checked::Pushed(PushResult::Stored { new: 3, heads: heads(&log) }));
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2, "asked once to load, then decided");

    // A check that never stops asking fails the push and stores nothing.
    let (more, more_changes) = changes(5, 1, 5);
    let greedy = check(&[], |s| Verdict::Load(vec![format!("x{}", s.changes.len())]));
    assert!(store.push_checked(village, "log/b", more_changes, 40, greedy).await.is_err());
    assert!(store.heads(village, "log/b").await.expect("heads").is_empty());
    drop(more);

    // Holes are still refused whole after an allowing check.
    let hole = log_changes[1..].to_vec();
    match store.push_checked(village, "log/c", hole, 50, PushCheck::allow_all()).await.expect("push") {
        Checked::Pushed(PushResult::MissingDeps { missing, heads }) => {
            assert_eq!(missing, vec![log_changes[0].hash]);
            assert!(heads.is_empty());
        }
        other => panic!("expected missing deps, got {other:?}"),
    }

    let docs = ["log/a".to_string(), "nothing".to_string(), "team/2026".to_string()];
    assert_eq!(store.heads_many(village, &docs).await.expect("heads"), vec![heads(&log), Vec::new(), heads(&team)]);
    assert!(store.heads_many(village, &[]).await.expect("none").is_empty());
}

/// Saved forms (issue 23): with none kept, a document loads from all its changes; once one is
/// kept, `doc_saved` gives it and only the changes stored after it — inside a push's check
/// too — and the document loads the same; an older saved form never replaces a newer one.
/// What vouches for changes: single signatures and batches are kept per village; the first
/// proof kept for a change stays; a batch is kept once however many pushes bring it; asking
/// for changes answers each with its single signature, else its batch (once, with the asked
/// changes it vouches for), and nothing for the others.
pub async fn proofs_story(store: &dyn SignatureStore) {
    let (v, w) = (Uuid::from_u128(0x51), Uuid::from_u128(0x52));
    store.put_change_signatures(v, &[([1; 32], vec![7; 64]), ([2; 32], vec![8; 64])]).await.expect("put");
    store.put_change_signatures(v, &[([1; 32], vec![9; 64])]).await.expect("put again");
    let got = store.change_signatures(v, &[[1; 32], [3; 32]]).await.expect("get");
    assert_eq!(got, vec![([1; 32], vec![7; 64])], "the first signature stays; unknown hashes are absent");
    assert!(store.change_signatures(w, &[[1; 32]]).await.expect("get").is_empty(), "another village's");

    let batch = StoredBatch { digest: [0xb1; 32], signature: vec![5; 64], members: vec![[3; 32], [4; 32], [6; 32]] };
    let first = ChangeProofs { singles: Vec::new(), batches: vec![(batch.clone(), vec![[3; 32], [4; 32]])] };
    store.put_change_proofs(v, &first).await.expect("put batch");
    // The same batch again (a push sent twice), now with its third member, and a later batch
    // that also names [4; 32]: the batch is kept once, [4; 32] keeps its first.
    let other = StoredBatch { digest: [0xb2; 32], signature: vec![6; 64], members: vec![[4; 32]] };
    let again = ChangeProofs {
        singles: vec![([1; 32], vec![1; 64])],
        batches: vec![(batch.clone(), vec![[6; 32]]), (other, vec![[4; 32]])],
    };
    store.put_change_proofs(v, &again).await.expect("put again");
    store.put_change_proofs(v, &ChangeProofs::default()).await.expect("nothing to put");
    let got = store.change_proofs(v, &[[1; 32], [3; 32], [4; 32], [6; 32], [9; 32]]).await.expect("proofs");
    assert_eq!(got.singles, vec![([1; 32], vec![7; 64])], "a single signature answers first");
    assert_eq!(got.batches.len(), 1, "one batch, once: {:?}", got.batches);
    let (b, mut covered) = got.batches[0].clone();
    covered.sort();
    assert_eq!((b, covered), (batch, vec![[3; 32], [4; 32], [6; 32]]));
    assert!(store.change_proofs(w, &[[3; 32]]).await.expect("proofs").is_empty(), "another village's");
    assert!(store.change_proofs(v, &[]).await.expect("proofs").is_empty());
}

/// What vouches for pushed changes is kept with them, in the push's transaction
/// (`PushCheck::keep`): when the push is stored, also when every change was stored before (a
/// relay that brings a missing signature), and not when it is refused or its dependencies are
/// missing.
pub async fn pushed_proofs_story<S: ServerStore + SignatureStore>(store: &S) {
    let village = Uuid::from_u128(0x7b1);
    store.create_village(village, "vouched").await.expect("create village");
    let (_, parsed) = changes(0x31, 3, 1);
    let hashes: Vec<Hash> = parsed.iter().map(|c| c.hash).collect();
    let single = |i: usize, sig: u8| ChangeProofs { singles: vec![(hashes[i], vec![sig; 64])], batches: Vec::new() };
    let refuse = || {
        PushCheck::new(Vec::new(), Box::new(|_| Verdict::Refuse(Refusal { code: "no".into(), message: "no".into() })))
    };

    // Refused: neither the change nor its signature.
    let r = store.push_checked(village, "log", parsed[..1].to_vec(), 10, refuse().keeping(single(0, 1))).await;
    assert!(matches!(r, Ok(Checked::Refused(_))), "{r:?}");
    // Its dependency missing: nothing kept either.
    let r = store.push_checked(village, "log", parsed[1..2].to_vec(), 10, PushCheck::allow_all().keeping(single(1, 2)));
    assert!(matches!(r.await, Ok(Checked::Pushed(PushResult::MissingDeps { .. }))));
    assert!(store.change_proofs(village, &hashes).await.expect("proofs").is_empty(), "nothing kept for those");

    // Stored: the change and its signature together.
    let batch = StoredBatch { digest: [0xc1; 32], signature: vec![4; 64], members: vec![hashes[1], hashes[2]] };
    let both = ChangeProofs { singles: single(0, 3).singles, batches: vec![(batch.clone(), vec![hashes[1]])] };
    let r = store.push_checked(village, "log", parsed[..2].to_vec(), 10, PushCheck::allow_all().keeping(both));
    assert!(matches!(r.await, Ok(Checked::Pushed(PushResult::Stored { new: 2, .. }))));
    let got = store.change_proofs(village, &hashes).await.expect("proofs");
    assert_eq!(got.singles, vec![(hashes[0], vec![3; 64])]);
    assert_eq!(got.batches, vec![(batch.clone(), vec![hashes[1]])]);

    // Nothing new, but evidence that was missing: kept.
    let later = ChangeProofs { singles: Vec::new(), batches: vec![(batch.clone(), vec![hashes[2]])] };
    store.push(village, "log", parsed[2..].to_vec(), 10).await.expect("push without evidence");
    assert_eq!(store.change_proofs(village, &hashes[2..]).await.expect("proofs"), ChangeProofs::default());
    let r = store.push_checked(village, "log", parsed[2..].to_vec(), 10, PushCheck::allow_all().keeping(later));
    assert!(matches!(r.await, Ok(Checked::Pushed(PushResult::Stored { new: 0, .. }))));
    let got = store.change_proofs(village, &hashes[2..]).await.expect("proofs");
    assert_eq!(got.batches, vec![(batch, vec![hashes[2]])], "kept with a push that stored nothing new");
}

pub async fn snapshot_story(store: &dyn ServerStore) {
    let village = Uuid::from_u128(0x7a5);
    let other = Uuid::from_u128(0x7a6);
    store.create_village(village, "saved").await.expect("create village");
    store.create_village(other, "other").await.expect("create village");
    let (mut doc, first) = changes(6, 5, 4);
    store.push(village, "registry", first.clone(), 10).await.expect("push");
    store.push(other, "registry", changes(7, 2, 1).1, 10).await.expect("push other");
    let source = store.snapshot_source(village, "registry").await.expect("source");
    assert_eq!(source.saved, None);
    assert_eq!(source.after, first.iter().map(|c| c.bytes.clone()).collect::<Vec<_>>());
    let upto = source.upto;
    assert!(upto > 0);
    assert_eq!(store.doc_saved(village, "registry").await.expect("saved").len(), 5, "all changes, no saved form");

    // A saved form of the first five; two more changes after it.
    let saved = taizhang_sync::save_compact(&doc);
    store.put_snapshot(village, "registry", upto, saved.clone()).await.expect("put");
    let before = doc.get_heads();
    for i in 0..2 {
        let mut tx = doc.transaction();
        let _ = tx.put(ROOT, format!("later/{i}"), i as i64);
        tx.commit();
    }
    let later = parse_changes("registry", doc.get_changes(&before).iter().map(|c| c.raw_bytes().to_vec()).collect())
        .expect("parse");
    store.push(village, "registry", later.clone(), 20).await.expect("push later");
    let chunks = store.doc_saved(village, "registry").await.expect("saved");
    assert_eq!(chunks.len(), 3, "the saved form and the two changes after it");
    assert!(taizhang_sync::is_saved_document(&chunks[0]));
    assert_eq!(chunks[1..], later.iter().map(|c| c.bytes.clone()).collect::<Vec<_>>()[..]);
    assert_eq!(taizhang_sync::load_stored(&chunks).expect("load").get_heads(), doc.get_heads());
    let source = store.snapshot_source(village, "registry").await.expect("source");
    assert!(source.upto > upto);
    assert_eq!(source.after.len(), 2);

    // A check that asks for the document gets the same run, inside the push's transaction.
    let expected = chunks.clone();
    let (_, log_changes) = changes(8, 1, 1);
    let asks = check(&[], move |s| match s.changes.get("registry") {
        None => Verdict::Load(vec!["registry".into()]),
        Some(c) if *c == expected => Verdict::Store,
        Some(_) => Verdict::Refuse(Refusal { code: "wrong".into(), message: "not the saved run".into() }),
    });
    let got = store.push_checked(village, "log/s", log_changes, 30, asks).await.expect("push");
    assert!(matches!(got, Checked::Pushed(PushResult::Stored { new: 1, .. })), "{got:?}");

    // An older saved form (a slower instance) does not replace the newer one.
    let newer = taizhang_sync::save_compact(&doc);
    store.put_snapshot(village, "registry", source.upto, newer.clone()).await.expect("put newer");
    store.put_snapshot(village, "registry", upto, saved).await.expect("put older");
    let now = store.snapshot_source(village, "registry").await.expect("source");
    assert_eq!((now.saved, now.after.len(), now.upto), (Some(newer), 0, source.upto));
    // The other village's document is untouched.
    let theirs = store.snapshot_source(other, "registry").await.expect("other");
    assert_eq!((theirs.saved, theirs.after.len()), (None, 2));

    // A fresh device's list of documents (issue 23): fixed by the log position it starts at.
    let (end, docs) = store.boot_docs(village, None).await.expect("boot docs");
    assert_eq!(docs, vec!["log/s".to_string(), "registry".to_string()]);
    let early = store.boot_docs(village, Some(upto)).await.expect("early");
    assert_eq!(early, (upto, vec!["registry".to_string()]), "log/s came after `upto`");
    store.push(village, "log/a", changes(9, 1, 1).1, 40).await.expect("a later document");
    assert_eq!(store.boot_docs(village, Some(end)).await.expect("same").1, docs, "a later document is not in the list");
    assert_eq!(store.boot_docs(village, None).await.expect("now").1.len(), 3);
    assert_eq!(store.boot_docs(Uuid::from_u128(0x7a7), None).await.expect("empty"), (0, Vec::new()));
}

/// The accounts story every backend runs: places, accounts, one-time codes, devices,
/// revocation, and one shared server key.
pub async fn account_story<S: ServerStore + AccountStore>(store: &S) {
    use taizhang_auth::{Place, Role};

    let (county, township, village) = (Uuid::from_u128(0xc1), Uuid::from_u128(0x71), Uuid::from_u128(0x7a9));
    store.create_county(county, "惠水县", 1).await.expect("county");
    store.create_township(township, county, "石门镇", 2).await.expect("township");
    assert!(
        matches!(
            store.create_township(Uuid::from_u128(5), Uuid::from_u128(6), "x", 2).await,
            Err(DbError::NotFound(_))
        ),
        "a township needs an existing county"
    );
    store.create_village(village, "石门村").await.expect("village");
    assert_eq!(
        store.village_place(village).await.expect("place"),
        Some(Place { village, township: None, county: None })
    );
    store.set_village_township(village, township).await.expect("place village");
    assert_eq!(
        store.village_place(village).await.expect("place"),
        Some(Place { village, township: Some(township), county: Some(county) })
    );
    assert_eq!(store.village_place(Uuid::from_u128(0xdead)).await.expect("place"), None);
    assert!(store.places().await.expect("places").len() >= 3);

    let li = Account {
        id: Uuid::from_u128(0xa1),
        name: "李明".into(),
        role: Role::FirstSecretary,
        village: Some(village),
        township: None,
        county: None,
        created_at: 10,
    };
    store.create_account(&li).await.expect("account");
    assert!(matches!(store.create_account(&li).await, Err(DbError::Exists(_))));
    assert_eq!(store.account(li.id).await.expect("account"), Some(li.clone()));
    assert!(store.accounts().await.expect("accounts").contains(&li));

    let code = [7u8; 32];
    store.add_enrollment_code(code, li.id, 100, 1000).await.expect("code");
    assert_eq!(store.code_account(code).await.expect("code account"), Some(li.id));
    let phone = Device {
        id: Uuid::from_u128(0xd1),
        account: Uuid::nil(),
        name: "李明的手机".into(),
        public_key: vec![1; 32],
        actor: vec![2; 16],
        more_actors: Vec::new(),
        enrolled_at: 200,
        revoked_at: None,
        wipe_ordered_at: None,
    };
    assert_eq!(store.redeem_enrollment_code([8; 32], &phone, 200).await.expect("redeem"), Redeemed::UnknownCode);
    assert_eq!(store.redeem_enrollment_code(code, &phone, 200).await.expect("redeem"), Redeemed::Enrolled);
    let stored = store.device(phone.id).await.expect("device").expect("enrolled");
    assert_eq!(stored.account, li.id);
    assert_eq!((stored.public_key.clone(), stored.actor.clone()), (phone.public_key.clone(), phone.actor.clone()));
    let second = Device { id: Uuid::from_u128(0xd2), ..phone.clone() };
    assert_eq!(store.redeem_enrollment_code(code, &second, 300).await.expect("redeem"), Redeemed::AlreadyUsed);
    assert_eq!(store.device(second.id).await.expect("device"), None, "a used code enrolls nothing");

    store.add_enrollment_code([9; 32], li.id, 100, 1000).await.expect("code");
    assert_eq!(store.redeem_enrollment_code([9; 32], &second, 1000).await.expect("redeem"), Redeemed::Expired);
    store.add_enrollment_code([10; 32], li.id, 100, 1000).await.expect("code");
    assert_eq!(
        store.redeem_enrollment_code([10; 32], &second, 500).await.expect("redeem"),
        Redeemed::Taken,
        "the same key or actor cannot be bound twice"
    );
    let third = Device { id: Uuid::from_u128(0xd3), public_key: vec![3; 32], actor: vec![4; 16], ..phone.clone() };
    assert_eq!(store.redeem_enrollment_code([10; 32], &third, 500).await.expect("redeem"), Redeemed::Enrolled);
    assert_eq!(store.devices().await.expect("devices").len(), 2);

    // Further actors (a device restored from an old copy takes one): bound once, to one device.
    assert!(store.add_device_actor(third.id, &[5; 16], 550).await.expect("add actor"));
    assert!(!store.add_device_actor(third.id, &[5; 16], 551).await.expect("again"), "bound already");
    assert!(!store.add_device_actor(phone.id, &[5; 16], 551).await.expect("other device"), "one device per actor");
    assert!(!store.add_device_actor(phone.id, &[4; 16], 551).await.expect("enrolled actor"), "another's first actor");
    assert!(!store.add_device_actor(Uuid::from_u128(0xeeee), &[6; 16], 551).await.expect("unknown device"));
    let with_more = store.device(third.id).await.expect("device").expect("enrolled");
    assert_eq!(with_more.more_actors, vec![vec![5u8; 16]]);
    assert!(with_more.has_actor(&[4; 16]) && with_more.has_actor(&[5; 16]) && !with_more.has_actor(&[2; 16]));
    assert_eq!(
        store
            .redeem_enrollment_code(
                [0x31; 32],
                &Device { id: Uuid::from_u128(0xd4), public_key: vec![9; 32], actor: vec![5; 16], ..phone.clone() },
                560
            )
            .await
            .expect("redeem"),
        Redeemed::UnknownCode
    );
    store.add_enrollment_code([0x31; 32], li.id, 100, 1000).await.expect("code");
    assert_eq!(
        store
            .redeem_enrollment_code(
                [0x31; 32],
                &Device { id: Uuid::from_u128(0xd4), public_key: vec![9; 32], actor: vec![5; 16], ..phone.clone() },
                560
            )
            .await
            .expect("redeem"),
        Redeemed::Taken,
        "an actor taken later cannot be enrolled by another device"
    );

    // Signed requests: each stamp once, only ever forward.
    assert!(store.use_signed_stamp(phone.id, 500).await.expect("stamp"));
    assert!(!store.use_signed_stamp(phone.id, 500).await.expect("stamp"), "a replayed stamp is refused");
    assert!(!store.use_signed_stamp(phone.id, 499).await.expect("stamp"), "an older stamp is refused");
    assert!(store.use_signed_stamp(phone.id, 501).await.expect("stamp"));
    assert!(!store.use_signed_stamp(Uuid::from_u128(0xeeee), 1).await.expect("stamp"), "unknown device");

    assert!(store.revoke_device(phone.id, 600).await.expect("revoke"));
    assert!(!store.add_device_actor(phone.id, &[7; 16], 601).await.expect("revoked"), "a revoked device takes none");
    assert!(!store.revoke_device(Uuid::from_u128(0xeeee), 600).await.expect("revoke unknown"));
    assert_eq!(store.device(phone.id).await.expect("device").expect("kept").revoked_at, Some(600));
    assert_eq!(store.device(third.id).await.expect("device").expect("kept").revoked_at, None);
    // One village's team (the peer credentials read it): its accounts and all their devices,
    // revoked ones too; staff of the county and other villages are not in it.
    let staff = Account {
        id: Uuid::from_u128(0xa9),
        name: "县组织部".into(),
        role: Role::CountyStaff,
        village: None,
        ..li.clone()
    };
    store.create_account(&staff).await.expect("staff account");
    let (team, team_devices) = store.village_team(village).await.expect("team");
    assert_eq!(team, vec![li.clone()]);
    let mut ids: Vec<Uuid> = team_devices.iter().map(|d| d.id).collect();
    ids.sort();
    assert_eq!(ids, vec![phone.id, third.id]);
    assert!(team_devices.iter().any(|d| d.id == phone.id && d.revoked_at == Some(600)));
    assert_eq!(store.village_team(Uuid::from_u128(0xdead)).await.expect("no team"), (Vec::new(), Vec::new()));
    // A wipe order (issue 21) revokes as well, keeps the first revocation time, and is kept.
    assert_eq!(store.device(phone.id).await.expect("device").expect("kept").wipe_ordered_at, None);
    assert!(store.order_wipe(phone.id, 650).await.expect("wipe"));
    assert!(store.order_wipe(third.id, 660).await.expect("wipe"));
    assert!(store.order_wipe(third.id, 670).await.expect("wipe again"), "ordering twice is fine");
    assert!(!store.order_wipe(Uuid::from_u128(0xeeee), 600).await.expect("wipe unknown"));
    let p = store.device(phone.id).await.expect("device").expect("kept");
    assert_eq!((p.revoked_at, p.wipe_ordered_at), (Some(600), Some(650)));
    let t = store.device(third.id).await.expect("device").expect("kept");
    assert_eq!((t.revoked_at, t.wipe_ordered_at), (Some(660), Some(660)));

    // Web log-ins of the county page: set, replace, unknown account refused.
    assert_eq!(store.password_hash(li.id).await.expect("no hash"), None);
    store.set_password_hash(li.id, "pbkdf2-sha256$1$aa$bb", 700).await.expect("set hash");
    store.set_password_hash(li.id, "pbkdf2-sha256$1$cc$dd", 701).await.expect("replace hash");
    assert_eq!(store.password_hash(li.id).await.expect("hash").as_deref(), Some("pbkdf2-sha256$1$cc$dd"));
    assert!(matches!(store.set_password_hash(Uuid::from_u128(0xdead), "x", 702).await, Err(DbError::NotFound(_))));

    // What county staff enter: stored, replaced, listed per village; unknown village refused.
    let input = |member: u128, period: &str, data: &str, at: i64| input_row(village, member, period, data, li.id, at);
    store.put_county_input(&input(1, "2026", r#"{"results":50}"#, 800)).await.expect("put year");
    store.put_county_input(&input(1, "2026-03", r#"{"items":[]}"#, 801)).await.expect("put month");
    store.put_county_input(&input(1, "2026", r#"{"results":55}"#, 802)).await.expect("replace year");
    store.put_county_input(&input(0, "2026", r#"{}"#, 803)).await.expect("another member");
    let listed = store.county_inputs_of(&[village]).await.expect("list");
    assert_eq!(
        listed.iter().map(|i| (i.member.as_u128(), i.period.as_str(), i.data.as_str())).collect::<Vec<_>>(),
        vec![(0, "2026", "{}"), (1, "2026", r#"{"results":55}"#), (1, "2026-03", r#"{"items":[]}"#)]
    );
    assert_eq!(listed[1].updated_at, 802);
    assert!(store.county_inputs_of(&[Uuid::from_u128(0xbad)]).await.expect("empty").is_empty());
    assert!(store.county_inputs_of(&[]).await.expect("no villages").is_empty());
    // A county's villages in one call: ordered by village, then member and period; villages
    // not asked for are left out.
    let (second, third) = (Uuid::from_u128(0x7a8), Uuid::from_u128(0x7aa));
    store.create_village(second, "新寨村").await.expect("second village");
    store.create_village(third, "高坡村").await.expect("third village");
    store.put_county_input(&input_row(second, 2, "2026", "{}", li.id, 804)).await.expect("second village's input");
    store.put_county_input(&input_row(third, 3, "2026", "{}", li.id, 805)).await.expect("third village's input");
    let both = store.county_inputs_of(&[village, second, Uuid::from_u128(0xbad)]).await.expect("two villages");
    assert_eq!(
        both.iter().map(|i| (i.village, i.member.as_u128(), i.period.as_str())).collect::<Vec<_>>(),
        vec![(second, 2, "2026"), (village, 0, "2026"), (village, 1, "2026"), (village, 1, "2026-03")]
    );
    assert!(matches!(
        store.put_county_input(&input_row(Uuid::from_u128(0xbad), 1, "2026", "{}", li.id, 1)).await,
        Err(DbError::NotFound(_))
    ));

    let key = store.server_secret([1; 32]).await.expect("secret");
    assert_eq!(key, [1; 32]);
    assert_eq!(store.server_secret([2; 32]).await.expect("secret"), key, "the first key stays");
    // Rotation (issue 21): the new key is the key, the old one the previous key; a second
    // rotation replaces the previous one.
    assert_eq!(store.previous_server_secret().await.expect("previous"), None);
    store.rotate_server_secret([3; 32], 10).await.expect("rotate");
    assert_eq!(store.server_secret([4; 32]).await.expect("secret"), [3; 32]);
    assert_eq!(store.previous_server_secret().await.expect("previous"), Some(([1; 32], 10)));
    store.rotate_server_secret([5; 32], 20).await.expect("rotate again");
    assert_eq!(store.server_secret([4; 32]).await.expect("secret"), [5; 32]);
    assert_eq!(store.previous_server_secret().await.expect("previous"), Some(([3; 32], 20)));
}

/// Actor reuse (issue 15, hole 9): a change whose (document, actor, sequence number) is stored
/// with other content is refused as `actor_reused`, nothing of its push is stored, and the
/// same change again (a retry) is the normal idempotent push.
pub async fn actor_reuse_story(store: &dyn ServerStore) {
    let village = Uuid::from_u128(0x7b1);
    store.create_village(village, "石门村").await.expect("village");
    let actor = ActorId::from(vec![0x42; 16]);
    // One life of the device: two changes. A copy of it (the old backup) has only the first.
    let mut life = Automerge::new().with_actor(actor.clone());
    let mut tx = life.transaction();
    let _ = tx.put(ROOT, "diary/a", "一");
    tx.commit();
    let mut backup = life.fork().with_actor(actor.clone());
    let mut tx = life.transaction();
    let _ = tx.put(ROOT, "diary/b", "二");
    tx.commit();
    let raw = |d: &Automerge| -> Vec<ParsedChange> {
        let bytes = d.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
        parse_changes("log/x/2026-03", bytes).expect("parse")
    };
    let pushed = store.push(village, "log/x/2026-03", raw(&life), 1).await.expect("first life");
    assert!(matches!(pushed, PushResult::Stored { new: 2, .. }), "{pushed:?}");
    // The restored copy writes its own second change: same actor, same seq 2, other content.
    let mut tx = backup.transaction();
    let _ = tx.put(ROOT, "diary/c", "三");
    tx.commit();
    let theirs = raw(&backup);
    assert_eq!(theirs[1].seq, 2);
    let checked = store
        .push_checked(village, "log/x/2026-03", theirs.clone(), 2, PushCheck::allow_all())
        .await
        .expect("push reused");
    match checked {
        Checked::Refused(r) => {
            assert_eq!(r.code, crate::ACTOR_REUSED);
            assert!(r.message.contains("new actor"), "{}", r.message);
        }
        other => panic!("a reused sequence number must be refused, got {other:?}"),
    }
    assert_eq!(store.doc_changes(village, "log/x/2026-03").await.expect("changes").len(), 2, "nothing stored");
    // The same changes again (a retry after a lost answer) are no reuse.
    let again = store.push(village, "log/x/2026-03", raw(&life), 3).await.expect("retry");
    assert!(matches!(again, PushResult::Stored { new: 0, .. }), "{again:?}");
    // Two changes with one (actor, seq) in one push are refused as well, in a fresh document.
    let mut both = raw(&life);
    both.push(theirs[1].clone());
    let checked =
        store.push_checked(village, "log/y/2026-03", both, 4, PushCheck::allow_all()).await.expect("push both");
    assert!(matches!(&checked, Checked::Refused(r) if r.code == crate::ACTOR_REUSED), "{checked:?}");
    assert!(store.doc_changes(village, "log/y/2026-03").await.expect("changes").is_empty());
    // The same actor's next number, or another actor's seq 2, is stored as usual.
    let mut tx = life.transaction();
    let _ = tx.put(ROOT, "diary/d", "四");
    tx.commit();
    let next = store.push(village, "log/x/2026-03", raw(&life), 5).await.expect("next");
    assert!(matches!(next, PushResult::Stored { new: 1, .. }), "{next:?}");
    let mut rebuilt = life.fork().with_actor(ActorId::from(vec![0x43; 16]));
    let mut tx = rebuilt.transaction();
    let _ = tx.put(ROOT, "diary/c", "三");
    tx.commit();
    let ours = raw(&rebuilt);
    let stored = store.push(village, "log/x/2026-03", ours, 6).await.expect("new actor");
    assert!(matches!(stored, PushResult::Stored { new: 1, .. }), "{stored:?}");
}

fn input_row(village: Uuid, member: u128, period: &str, data: &str, by: Uuid, at: i64) -> crate::CountyInput {
    crate::CountyInput {
        village,
        member: Uuid::from_u128(member),
        period: period.into(),
        data: data.into(),
        updated_by: by,
        updated_at: at,
    }
}

/// Many pushes at once (what a backend's commit queue batches into one transaction): a push
/// refused by its check and a push with a hole fail alone; every
/// other push is stored, once, and readable as soon as its answer is in.
pub async fn concurrent_push_story(store: std::sync::Arc<dyn ServerStore>) {
    let village = Uuid::from_u128(0x7b1);
    store.create_village(village, "并发村").await.expect("create village");
    let mut tasks = Vec::new();
    for k in 0..40u8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let (d, mut parsed) = changes(10 + k, 2, 8);
            let doc = format!("log/{k}");
            let check = match k % 4 {
                1 => PushCheck::new(
                    Vec::new(),
                    Box::new(|_| Verdict::Refuse(Refusal { code: "no".into(), message: "refused".into() })),
                ),
                2 => {
                    parsed.remove(0); // a hole: the second change without the first
                    PushCheck::allow_all()
                }
                _ => PushCheck::allow_all(),
            };
            let r = store.push_checked(village, &doc, parsed, 1000, check).await;
            (k, heads(&d), r)
        }));
    }
    let mut stored = 0;
    for t in tasks {
        let (k, h, r) = t.await.expect("task");
        match (k % 4, r) {
            (0 | 3, Ok(Checked::Pushed(PushResult::Stored { new, heads }))) => {
                assert_eq!((new, heads), (2, h), "push {k}");
                stored += 1;
            }
            (1, Ok(Checked::Refused(r))) => assert_eq!(r.code, "no"),
            (2, Ok(Checked::Pushed(PushResult::MissingDeps { heads, .. }))) => assert!(heads.is_empty()),
            (_, other) => panic!("push {k}: unexpected {other:?}"),
        }
        if k % 4 == 0 || k % 4 == 3 {
            assert_eq!(store.heads(village, &format!("log/{k}")).await.expect("heads").len(), 1);
        } else {
            assert!(store.heads(village, &format!("log/{k}")).await.expect("heads").is_empty(), "push {k}");
        }
    }
    assert_eq!(stored, 20);
    let page = store.read_log(village, 0, usize::MAX).await.expect("log");
    assert_eq!(page.entries.len(), 40, "20 stored pushes of 2 changes each, nothing of the others");
}
