//! Attachments end to end (issue 19) on the backend the environment selects: a re-encoded
//! photo uploads in chunks, survives cuts with at most one chunk sent again per cut, is
//! stored once however many devices send it, and is served whole with its thumbnail; garbage
//! chunks, wrong offsets, a wrong hash, an oversize file, a bomb image and a PNG announced as
//! a JPEG each get a clear 4xx, and nothing of them is stored.

use taizhang_attach::media::{prepare_photo, samples};
use taizhang_attach::upload::Upload;
use taizhang_attach::wire::{encode_chunk, CHUNK_BYTES};
use taizhang_attach::{blob_hash, hash_hex, Caps, Kind};
use taizhang_client::blobs::BlobClient;
use taizhang_client::TransportError;
use taizhang_doc::demo;
use taizhang_tests::{RawDevice, TestServer, TOWNSHIP};

fn status_of(e: TransportError) -> u16 {
    match e {
        TransportError::Status { status, .. } => status,
        other => panic!("expected a refusal, got {other}"),
    }
}

#[tokio::test]
async fn a_photo_uploads_in_chunks_resumes_after_cuts_and_is_stored_once() {
    let server = TestServer::start(3).await;
    let village = demo::VILLAGE.0;
    let li = RawDevice::enroll(&server.url, &server.code(0).await).await.expect("enroll");
    let wang = RawDevice::enroll(&server.url, &server.code(1).await).await.expect("enroll");
    let photo = prepare_photo(&samples::photo(2400, 1800, 3), &Caps::default()).expect("prepare");
    assert!(photo.bytes.len() > 3 * CHUNK_BYTES, "a photo of several chunks ({} bytes)", photo.bytes.len());
    let client = BlobClient::new(&server.url, &li.token).expect("client");
    assert_eq!(client.status(village, &photo.hash).await.expect("status"), None);

    // The upload is cut after every second chunk: the ack of the chunk in flight is lost.
    let mut up = Upload::new(photo.hash, Kind::Jpeg, photo.bytes.len() as u64);
    let (mut sent, mut cuts, mut seen) = (0usize, 0usize, Vec::new());
    seen.push(up.words_zh());
    while let Some(frame) = up.next_frame(&photo.bytes) {
        sent += frame.len() - taizhang_attach::wire::HEADER_BYTES;
        let ack = client.send(village, &photo.hash, frame).await.expect("chunk");
        if sent / CHUNK_BYTES % 2 == 1 && !ack.done {
            cuts += 1;
            client.resume(village, &mut up).await.expect("resume");
            // The lost ack: the device had sent the chunk, the server stored it; resuming
            // from the server's answer sends nothing twice here.
            continue;
        }
        up.on_ack(&ack).expect("ack");
        seen.push(up.words_zh());
    }
    assert!(up.done(), "{}", up.words_zh());
    assert!(cuts >= 1);
    assert!(sent <= photo.bytes.len() + cuts * CHUNK_BYTES, "sent {sent} for {} bytes", photo.bytes.len());
    assert_eq!(seen.first().map(String::as_str), Some("等待上传"));
    assert!(seen.iter().any(|w| w.starts_with("正在上传 ") && w.ends_with('%')), "{seen:?}");
    assert_eq!(seen.last().map(String::as_str), Some("已上传"));
    assert_eq!(up.received_at, Some(taizhang_tests::NOW), "the server's receipt time");

    // A chunk sent again after a real cut (the server had it, the device did not hear) is
    // acknowledged without being stored twice.
    let again = client
        .send(village, &photo.hash, encode_chunk(Kind::Jpeg, &photo.hash, up.total, 0, &photo.bytes[..CHUNK_BYTES]))
        .await;
    assert!(again.expect("a retry").done);

    // Served whole, and a thumbnail.
    let back = client.download(village, &photo.hash, false).await.expect("download").expect("stored");
    assert_eq!(blob_hash(&back), photo.hash);
    let thumb = client.download(village, &photo.hash, true).await.expect("thumb").expect("a thumbnail");
    assert_eq!(Kind::sniff(&thumb), Some(Kind::Jpeg));
    assert!(thumb.len() < 30_000);

    // 王芳 attaches the same photo: the server has it, the first chunk is answered "done".
    let wang_client = BlobClient::new(&server.url, &wang.token).expect("client");
    let mut wang_up = Upload::new(photo.hash, Kind::Jpeg, photo.bytes.len() as u64);
    wang_client.upload(village, &mut wang_up, &photo.bytes, |_| {}).await.expect("upload");
    assert!(wang_up.done());
    assert_eq!(server.store.blob_hashes(village).await.expect("hashes"), vec![photo.hash], "stored once");

    // The township reads it, but attaches nothing to a village's records.
    let town = RawDevice::enroll(&server.url, &server.code(TOWNSHIP).await).await;
    if let Ok(town) = town {
        let t = BlobClient::new(&server.url, &town.token).expect("client");
        assert!(t.download(village, &photo.hash, true).await.expect("read").is_some());
        let other = prepare_photo(&samples::photo(64, 64, 9), &Caps::default()).expect("prepare");
        let mut up = Upload::new(other.hash, Kind::Jpeg, other.bytes.len() as u64);
        assert_eq!(t.upload(village, &mut up, &other.bytes, |_| {}).await.map_err(status_of), Err(403));
    }
}

#[tokio::test]
async fn garbage_wrong_offsets_wrong_hashes_oversize_bombs_and_renamed_pngs_are_refused_and_nothing_is_stored() {
    let server = TestServer::start(3).await;
    let village = demo::VILLAGE.0;
    let li = RawDevice::enroll(&server.url, &server.code(0).await).await.expect("enroll");
    let client = BlobClient::new(&server.url, &li.token).expect("client");
    let photo = samples::photo(300, 200, 5);
    let hash = blob_hash(&photo);
    let total = photo.len() as u64;
    let mut refusals = Vec::new();

    // Garbage: not a frame.
    let e = client.send(village, &hash, b"hello, this is not a chunk".to_vec()).await.map_err(status_of);
    refusals.push(("garbage chunk", e.err()));
    // A frame for another file than the address.
    let e = client.send(village, &hash, encode_chunk(Kind::Jpeg, &[9; 32], total, 0, &photo[..100])).await;
    refusals.push(("frame for another hash", e.map_err(status_of).err()));
    // A first chunk that does not start at 0.
    let e = client.send(village, &hash, encode_chunk(Kind::Jpeg, &hash, total, 100, &photo[100..200])).await;
    refusals.push(("wrong offset", e.map_err(status_of).err()));
    // Over the per-file cap (8 MiB by default).
    let big = 9 * 1024 * 1024;
    let e = client.send(village, &hash, encode_chunk(Kind::Jpeg, &hash, big, 0, &photo[..1000])).await;
    refusals.push(("oversize", e.map_err(status_of).err()));
    // A decompression bomb (a PNG header claiming 60,000 × 60,000).
    let bomb = samples::bomb();
    let bh = blob_hash(&bomb);
    let e = client.send(village, &bh, encode_chunk(Kind::Png, &bh, bomb.len() as u64, 0, &bomb)).await;
    refusals.push(("bomb", e.map_err(status_of).err()));
    // A PNG announced as a JPEG.
    let png = samples::png(50, 50);
    let ph = blob_hash(&png);
    let e = client
        .send(village, &ph, encode_chunk(Kind::Jpeg, &ph, png.len() as u64, 0, &png[..png.len().min(1000)]))
        .await;
    refusals.push(("png renamed to jpeg", e.map_err(status_of).err()));
    // A whole file whose bytes do not have the announced hash (one byte changed in transit).
    let mut damaged = photo.clone();
    damaged[200] ^= 0x55;
    let mut up = Upload::new(hash, Kind::Jpeg, total);
    let e = client.upload(village, &mut up, &damaged, |_| {}).await.map_err(status_of);
    refusals.push(("wrong hash", e.err()));

    let statuses: Vec<(&str, Option<u16>)> = refusals.clone();
    assert_eq!(
        statuses,
        vec![
            ("garbage chunk", Some(400)),
            ("frame for another hash", Some(400)),
            ("wrong offset", Some(409)),
            ("oversize", Some(413)),
            ("bomb", Some(400)),
            ("png renamed to jpeg", Some(415)),
            ("wrong hash", Some(422)),
        ]
    );
    // Nothing of any of them is stored or served.
    for h in [hash, bh, ph] {
        assert_eq!(server.store.blob(village, h).await.expect("blob"), None, "{}", hash_hex(&h));
        assert_eq!(client.download(village, &h, false).await.expect("download"), None);
    }
    assert!(server.store.blob_hashes(village).await.expect("hashes").is_empty());

    // The real file, sent after all that, is stored.
    let mut up = Upload::new(hash, Kind::Jpeg, total);
    client.upload(village, &mut up, &photo, |_| {}).await.expect("upload");
    assert!(up.done());
}

/// A county's own policy caps its teams' files (issue 19: per-county caps): 惠水县 allows files
/// of 1 MiB and 2 MiB a device a day. A 1.5 MiB scan is refused whole (413, in words), while
/// the server's own 8 MiB would have taken it; photos go through until the day's 2 MiB is used,
/// and the next one is refused (413, the day's cap in words).
#[tokio::test]
async fn a_county_policy_caps_files_and_a_device_day() {
    let mut policy = taizhang_rules::Policy::default();
    policy.attachments = taizhang_rules::AttachmentPolicy { max_file_mb: 1, max_device_mb_per_day: 2 };
    let server = TestServer::start_with_county_policy(3, policy).await;
    let village = demo::VILLAGE.0;
    let li = RawDevice::enroll(&server.url, &server.code(0).await).await.expect("enroll");
    let client = BlobClient::new(&server.url, &li.token).expect("client");

    let photo = samples::photo(300, 200, 7);
    let hash = blob_hash(&photo);
    let big: u64 = 1536 * 1024;
    let e = client.send(village, &hash, encode_chunk(Kind::Jpeg, &hash, big, 0, &photo[..1000])).await;
    let e = e.expect_err("over the county's 1 MiB");
    let words = e.to_string();
    assert_eq!(status_of(e), 413, "{words}");
    assert!(words.contains("1048576 bytes allowed per file"), "the county's cap said in words: {words}");
    assert_eq!(server.store.blob(village, hash).await.expect("blob"), None, "nothing stored");

    // Photos of ~0.9 MiB (announced: only the first chunk travels, which is what the day counts).
    let mut refused_at = None;
    for i in 0..4u32 {
        let p = samples::photo(320, 240, 100 + i);
        let h = blob_hash(&p);
        let total = 900 * 1024;
        match client.send(village, &h, encode_chunk(Kind::Jpeg, &h, total, 0, &p[..1000])).await {
            Ok(_) => {}
            Err(e) => {
                assert_eq!(status_of(e), 413, "the day's cap");
                refused_at = Some(i);
                break;
            }
        }
    }
    assert_eq!(refused_at, Some(2), "two uploads of 0.9 MiB fit in 2 MiB, the third does not");
}
