//! The storage story every backend runs in its own tests: pushes are stored once, in causal
//! order, with exact heads; holes are refused whole; the log reads back by cursor in pages.

use automerge::transaction::Transactable;
use automerge::{ActorId, Automerge, ROOT};
use taizhang_sync::{parse_changes, ParsedChange};
use uuid::Uuid;

use crate::{PushResult, ServerStore};

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
    let mut loaded = Automerge::new();
    for e in &all.entries {
        loaded.load_incremental(&e.bytes).expect("log bytes load");
    }
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
}
