//! The blob story every backend runs in its tests (issue 19): chunks append only at the stored
//! end, retries store nothing twice, a blob is stored once per village, the bytes read back
//! whole, a dropped upload leaves nothing, the daily count is per device, and garbage
//! collection removes only what nothing refers to.

use uuid::Uuid;

use crate::{BlobRow, BlobStore, ChunkOutcome};

fn row(outcome: ChunkOutcome) -> BlobRow {
    match outcome {
        ChunkOutcome::Row(r) => r,
        other => panic!("expected a stored chunk, got {other:?}"),
    }
}

/// Runs the story; panics (test failure) on the first broken promise.
pub async fn blob_story(store: &dyn BlobStore) {
    let village = Uuid::from_u128(0xb10b);
    let other = Uuid::from_u128(0xb10c);
    let li = Uuid::from_u128(0x11);
    let wang = Uuid::from_u128(0x12);
    let file: Vec<u8> = (0..100u32).map(|i| i as u8).collect();
    let h = [1u8; 32];

    assert_eq!(store.blob(village, h).await.expect("blob"), None);
    // A first chunk that does not start at 0 is refused, and nothing is stored.
    let late = store.put_chunk(village, h, 1, 100, 40, file[40..80].to_vec(), li, 1000).await.expect("put");
    assert_eq!(late, ChunkOutcome::WrongOffset { expected: 0 });
    assert_eq!(store.blob(village, h).await.expect("blob"), None);

    let r = row(store.put_chunk(village, h, 1, 100, 0, file[..40].to_vec(), li, 1000).await.expect("put"));
    assert_eq!(r, BlobRow { kind: 1, total: 100, received: 40, done_at: None });
    // A retry of the same chunk (its ack was lost) stores nothing twice.
    let again = row(store.put_chunk(village, h, 1, 100, 0, file[..40].to_vec(), li, 1001).await.expect("put"));
    assert_eq!(again.received, 40);
    // A gap is refused with the offset to resume from.
    let gap = store.put_chunk(village, h, 1, 100, 60, file[60..].to_vec(), li, 1002).await.expect("put");
    assert_eq!(gap, ChunkOutcome::WrongOffset { expected: 40 });
    // Another size or kind for the same hash is refused.
    let lie = store.put_chunk(village, h, 2, 100, 40, file[40..80].to_vec(), li, 1002).await.expect("put");
    assert!(matches!(lie, ChunkOutcome::Mismatch(_)), "{lie:?}");
    let r = row(store.put_chunk(village, h, 1, 100, 40, file[40..].to_vec(), li, 1003).await.expect("put"));
    assert_eq!(r.received, 100);
    assert_eq!(store.blob_bytes(village, h).await.expect("bytes").as_deref(), Some(file.as_slice()));
    assert_eq!(store.blob_hashes(village).await.expect("hashes"), Vec::<[u8; 32]>::new(), "not done yet");
    store.finish_blob(village, h, Some(b"thumb".to_vec()), 2000).await.expect("finish");
    assert_eq!(store.blob(village, h).await.expect("blob").and_then(|r| r.done_at), Some(2000));
    assert_eq!(store.blob_thumb(village, h).await.expect("thumb").as_deref(), Some(&b"thumb"[..]));
    assert_eq!(store.blob_hashes(village).await.expect("hashes"), vec![h]);

    // Wang sends the same file: stored once, acknowledged as done at once.
    let w = row(store.put_chunk(village, h, 1, 100, 0, file[..40].to_vec(), wang, 3000).await.expect("put"));
    assert_eq!(w, BlobRow { kind: 1, total: 100, received: 100, done_at: Some(2000) });
    assert_eq!(store.blob_bytes(village, h).await.expect("bytes").map(|b| b.len()), Some(100));
    // The other village has none of it.
    assert_eq!(store.blob(other, h).await.expect("blob"), None);
    assert_eq!(store.blob_thumb(other, h).await.expect("thumb"), None);

    // The daily count is per device, from when its uploads started.
    assert_eq!(store.device_blob_bytes_since(li, 0).await.expect("bytes"), 100);
    assert_eq!(store.device_blob_bytes_since(li, 1001).await.expect("bytes"), 0);
    assert_eq!(store.device_blob_bytes_since(wang, 0).await.expect("bytes"), 0, "wang started nothing new");

    // A dropped upload (wrong hash) leaves nothing.
    let bad = [2u8; 32];
    row(store.put_chunk(village, bad, 4, 10, 0, vec![9; 10], wang, 4000).await.expect("put"));
    store.drop_blob(village, bad).await.expect("drop");
    assert_eq!(store.blob(village, bad).await.expect("blob"), None);
    assert_eq!(store.blob_bytes(village, bad).await.expect("bytes"), None);

    // Garbage collection: only what nothing refers to, and only when old enough.
    let orphan = [3u8; 32];
    row(store.put_chunk(village, orphan, 4, 5, 0, vec![1; 5], li, 5000).await.expect("put"));
    store.finish_blob(village, orphan, None, 5001).await.expect("finish");
    let partial = [4u8; 32];
    row(store.put_chunk(village, partial, 4, 50, 0, vec![1; 5], li, 5000).await.expect("put"));
    assert_eq!(store.collect_blobs(village, &[h], 5000).await.expect("gc"), 0, "too new");
    assert_eq!(store.collect_blobs(village, &[h], 6000).await.expect("gc"), 2);
    assert_eq!(store.blob_hashes(village).await.expect("hashes"), vec![h]);
    assert_eq!(store.blob(village, partial).await.expect("blob"), None);
    assert!(store.blob_bytes(village, h).await.expect("bytes").is_some(), "the referenced blob stays");
}
