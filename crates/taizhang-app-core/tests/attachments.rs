//! Photos on the device (issue 19), through the app's commands against a real server: a photo
//! attached to a visit made offline is on disk before the visit; the record sync stays one
//! request; the file travels after it, chunk by chunk; a teammate's phone gets the thumbnail;
//! an upload cut midway goes on from where the server stands.

mod common;

use std::time::Instant;

use taizhang_app_core::contract::{
    AttachRequest, AttachmentRef, AttachmentStateCode, AttachmentsQuery, HouseholdFilter, RecordKindCode,
};
use taizhang_attach::media::samples;
use taizhang_attach::upload::MIN_CHUNK_BYTES;
use taizhang_attach::wire::{CHUNK_BYTES, MAX_CHUNK_BYTES};

fn attach(bytes: Vec<u8>) -> AttachRequest {
    AttachRequest {
        record_kind: RecordKindCode::Visit,
        record_id: None,
        name: "IMG_0001.jpg".into(),
        bytes,
        keep_location: false,
    }
}

/// The session token the app keeps in its store (what its transfers send).
fn stored_token(conn: &taizhang_store::rusqlite::Connection) -> String {
    conn.query_row("SELECT value FROM meta WHERE key = 'auth_token'", [], |r| r.get(0)).expect("token")
}

fn visit_query(id: &str) -> AttachmentsQuery {
    AttachmentsQuery { record_kind: RecordKindCode::Visit, record_id: id.to_string() }
}

#[tokio::test]
async fn a_photo_made_offline_is_kept_before_its_visit_sent_after_the_records_and_seen_by_a_teammate() {
    let phones = common::TwoPhones::join().await;
    let (li, wang) = (&phones.a, &phones.b);
    let household = li.households(HouseholdFilter::default()).await.expect("households").items[0].id.clone();
    phones.server.stop().await;

    // Offline in the village: a 12-megapixel-ish photo from the phone's camera.
    let original = samples::photo(4000, 3000, 7);
    let started = Instant::now();
    let item = li.attach_file(attach(original.clone())).await.expect("attached offline");
    let attach_ms = started.elapsed().as_millis();
    assert_eq!(
        (item.state, item.words_zh.as_str(), item.words_en.as_str()),
        (AttachmentStateCode::Waiting, "等待上传", "waiting to upload")
    );
    assert!(item.thumb.as_deref().is_some_and(|t| t.starts_with("data:image/jpeg;base64,")), "a thumbnail to show");
    // The re-encoded file is on disk, whole, before any record refers to it.
    let file = phones.dir.path().join("a.sqlite3.attachments").join(&item.id);
    let stored = std::fs::read(&file).expect("the photo is on disk before the visit is saved");
    assert!(stored.len() <= 250 * 1024 && stored.len() < original.len(), "{} bytes", stored.len());
    eprintln!(
        "photo: {} bytes from the camera, {} bytes after re-encoding, attached in {attach_ms} ms",
        original.len(),
        stored.len(),
    );
    let mut input = common::visit_input(household.clone(), "屋顶漏雨，拍了照片");
    input.attachments = vec![item.id.clone()];
    let visit = li.record_visit(input).await.expect("the visit is saved offline with its photo");
    assert_eq!((visit.photos, visit.attachments.clone()), (1, vec![item.id.clone()]));
    let listed = li.attachments_for(visit_query(&visit.id)).await.expect("list");
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].words_zh, "等待上传");

    // A photo the device does not have cannot be referred to: nothing is saved.
    let mut ghost = common::visit_input(household.clone(), "另一张");
    ghost.attachments = vec!["0".repeat(64)];
    let err = li.record_visit(ghost).await.expect_err("a photo that is not here");
    assert!(err.to_string().contains("add it again"), "{err}");

    // Back in signal: the record sync is one request, files do not ride on it.
    let server = common::Server::start(phones.store.clone(), &phones.addr).await;
    let sync = li.sync_now().await.expect("sync");
    assert_eq!(sync.requests, 1, "the records in one request");
    assert!(sync.bytes_up < stored.len() as u64, "the photo is not in the record sync ({} bytes up)", sync.bytes_up);
    let after_sync = li.attachments_for(visit_query(&visit.id)).await.expect("list");
    assert_eq!(after_sync.items[0].state, AttachmentStateCode::Waiting, "sent after, not during");

    let started = Instant::now();
    let sent = li.transfer_attachments().await.expect("the files go after the records");
    eprintln!("upload: {} chunks in {} ms on localhost", sent.chunks, started.elapsed().as_millis());
    assert_eq!((sent.uploaded, sent.bytes as usize, sent.waiting), (1, stored.len(), 0), "every byte once");
    // The chunks follow the link: 16 KiB first, then (localhost is fast) up to the largest.
    let (fewest, most) = (stored.len().div_ceil(MAX_CHUNK_BYTES), stored.len().div_ceil(MIN_CHUNK_BYTES));
    assert!((fewest..=most).contains(&(sent.chunks as usize)), "{} chunks", sent.chunks);
    let done = li.attachments_for(visit_query(&visit.id)).await.expect("list");
    assert_eq!(done.items[0].state, AttachmentStateCode::Uploaded);
    assert!(
        done.items[0].words_zh.starts_with("已上传 ") && done.items[0].words_zh.contains('月'),
        "{}",
        done.items[0].words_zh
    );
    assert!(done.items[0].words_en.starts_with("uploaded "), "{}", done.items[0].words_en);
    // Nothing more to send.
    assert_eq!(li.transfer_attachments().await.expect("again").chunks, 0);

    // 王芳's phone: the visit arrives by the record sync, the thumbnail after it.
    wang.sync_now().await.expect("王芳 syncs");
    let before = wang.attachments_for(visit_query(&visit.id)).await.expect("list");
    assert_eq!(before.items.len(), 1, "the visit says it has a photo");
    assert_eq!((before.items[0].words_zh.as_str(), before.items[0].thumb.is_none()), ("尚未收到", true));
    let got = wang.transfer_attachments().await.expect("thumbnails");
    assert_eq!((got.thumbs, got.chunks), (1, 0), "a thumbnail, no upload");
    let seen = wang.attachments_for(visit_query(&visit.id)).await.expect("list");
    assert_eq!(seen.items.len(), 1);
    assert_eq!(seen.items[0].state, AttachmentStateCode::Remote);
    assert!(seen.items[0].thumb.as_deref().is_some_and(|t| t.starts_with("data:image/jpeg;base64,")));
    // The full photo on demand: the very bytes 李明's phone stored.
    let full = wang.attachment_full(AttachmentRef { id: item.id.clone() }).await.expect("full");
    let url = full.data_url.expect("the photo");
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(url.trim_start_matches("data:image/jpeg;base64,"))
        .expect("base64");
    assert_eq!(bytes, stored);
    server.stop().await;
}

#[tokio::test]
async fn an_upload_cut_midway_goes_on_from_where_the_server_stands() {
    let phones = common::TwoPhones::join().await;
    let li = &phones.a;
    let household = li.households(HouseholdFilter::default()).await.expect("households").items[0].id.clone();
    let item = li.attach_file(attach(samples::photo(2400, 1800, 11))).await.expect("attach");
    let mut input = common::visit_input(household, "门前道路坑洼");
    input.attachments = vec![item.id.clone()];
    let visit = li.record_visit(input).await.expect("visit");
    li.sync_now().await.expect("records");
    let file = std::fs::read(phones.dir.path().join("a.sqlite3.attachments").join(&item.id)).expect("file");
    let chunks = file.len().div_ceil(CHUNK_BYTES);
    assert!(chunks >= 3, "a photo of several chunks ({} bytes)", file.len());

    // An earlier run sent two chunks and was killed before it kept the second ack: the store
    // still says one chunk (the row is written as the app would have), the server has two. And
    // the photo is not tied to its visit (a kill between saving the visit and tying it).
    let token: String = {
        let conn = taizhang_store::rusqlite::Connection::open(phones.dir.path().join("a.sqlite3")).expect("open");
        conn.execute(
            "UPDATE attachments SET state = 'uploading', acked = ?2, record_id = NULL WHERE hash = ?1",
            taizhang_store::rusqlite::params![item.id, CHUNK_BYTES as i64],
        )
        .expect("one ack kept");
        stored_token(&conn)
    };
    let village = taizhang_doc::demo::VILLAGE.0;
    let hash = taizhang_attach::parse_hash(&item.id).expect("hash");
    let client = taizhang_client::blobs::BlobClient::new(&phones.server.url, &token).expect("client");
    let mut up = taizhang_attach::upload::Upload::new(hash, taizhang_attach::Kind::Jpeg, file.len() as u64);
    for _ in 0..2 {
        let frame = up.next_frame(&file).expect("frame");
        let ack = client.send(village, &hash, frame).await.expect("chunk");
        up.on_ack(&ack).expect("ack");
    }
    let mid = li.attachments_for(visit_query(&visit.id)).await.expect("list");
    assert_eq!(mid.items[0].state, AttachmentStateCode::Uploading);
    assert!(
        mid.items[0].words_zh.starts_with("正在上传 ") && mid.items[0].words_zh.ends_with('%'),
        "{}",
        mid.items[0].words_zh
    );

    // The app starts again: it asks where the server stands and sends only what is missing.
    let sent = li.transfer_attachments().await.expect("resume");
    assert_eq!(sent.bytes as usize, file.len() - 2 * CHUNK_BYTES, "no byte the server acknowledged is sent again");
    assert_eq!(sent.uploaded, 1);
    let done = li.attachments_for(visit_query(&visit.id)).await.expect("list");
    assert_eq!(done.items[0].state, AttachmentStateCode::Uploaded);

    // The same photo on a second visit: shown on both, sent once.
    let mut second = common::visit_input(visit.household_id.clone(), "复查");
    second.attachments = vec![item.id.clone()];
    let second = li.record_visit(second).await.expect("second visit");
    li.sync_now().await.expect("records");
    assert_eq!(li.transfer_attachments().await.expect("nothing to send").chunks, 0);
    let both = li.attachments_for(visit_query(&second.id)).await.expect("list");
    assert_eq!((both.items.len(), both.items[0].state), (1, AttachmentStateCode::Uploaded));
}

/// An upload on a slow link outlives the token's hour: the server refuses the token of the last
/// sync midway, and the transfer signs in again once and goes on from where the server stands.
#[tokio::test]
async fn an_upload_that_outlives_the_token_signs_in_again_and_goes_on() {
    let phones = common::TwoPhones::join().await;
    let li = &phones.a;
    let household = li.households(HouseholdFilter::default()).await.expect("households").items[0].id.clone();
    let item = li.attach_file(attach(samples::photo(2400, 1800, 5))).await.expect("attach");
    let mut input = common::visit_input(household, "院墙开裂");
    input.attachments = vec![item.id.clone()];
    let visit = li.record_visit(input).await.expect("visit");
    li.sync_now().await.expect("records");
    let file = std::fs::read(phones.dir.path().join("a.sqlite3.attachments").join(&item.id)).expect("file");
    let chunks = file.len().div_ceil(CHUNK_BYTES);
    assert!(chunks >= 2, "a photo of several chunks ({} bytes)", file.len());
    let token_of = || -> String {
        let conn = taizhang_store::rusqlite::Connection::open(phones.dir.path().join("a.sqlite3")).expect("open");
        stored_token(&conn)
    };
    let old = token_of();

    // The first chunk went while the token was good (the app's ack kept, as it does).
    let village = taizhang_doc::demo::VILLAGE.0;
    let hash = taizhang_attach::parse_hash(&item.id).expect("hash");
    let client = taizhang_client::blobs::BlobClient::new(&phones.server.url, &old).expect("client");
    let mut up = taizhang_attach::upload::Upload::new(hash, taizhang_attach::Kind::Jpeg, file.len() as u64);
    let ack = client.send(village, &hash, up.next_frame(&file).expect("frame")).await.expect("chunk");
    up.on_ack(&ack).expect("ack");

    // Two hours on (the server's clock): the old token is refused…
    phones.server.stop().await;
    let later = common::Server::start_ahead(phones.store.clone(), &phones.addr, 2 * 3_600_000).await;
    let refused = client.status(village, &hash).await.expect_err("an expired token");
    assert!(matches!(refused, taizhang_client::TransportError::Status { status: 401, .. }), "{refused:?}");
    // …and the app signs in again and sends the rest, none of it twice.
    let sent = li.transfer_attachments().await.expect("the token renewed, the photo sent");
    assert_eq!((sent.uploaded, sent.bytes as usize), (1, file.len() - CHUNK_BYTES));
    assert_ne!(token_of(), old, "a new token is kept for what follows");
    let done = li.attachments_for(visit_query(&visit.id)).await.expect("list");
    assert_eq!(done.items[0].state, AttachmentStateCode::Uploaded);
    later.stop().await;
}

/// A teammate's PDF has no thumbnail: the transfer asks the server what the file is, and the
/// list shows a PDF from a teammate (opened on a tap), not a photo that never arrives.
#[tokio::test]
async fn a_teammates_pdf_is_listed_as_a_pdf() {
    let phones = common::TwoPhones::join().await;
    let (li, wang) = (&phones.a, &phones.b);
    let household = li.households(HouseholdFilter::default()).await.expect("households").items[0].id.clone();
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let item =
        li.attach_file(AttachRequest { name: "低保审批表.pdf".into(), ..attach(pdf.clone()) }).await.expect("pdf");
    let mut input = common::visit_input(household, "低保材料已扫描");
    input.attachments = vec![item.id.clone()];
    let visit = li.record_visit(input).await.expect("visit");
    li.sync_now().await.expect("records");
    assert_eq!(li.transfer_attachments().await.expect("sent").uploaded, 1);

    wang.sync_now().await.expect("王芳 syncs");
    let before = wang.attachments_for(visit_query(&visit.id)).await.expect("list");
    assert_eq!((before.items[0].kind.as_str(), before.items[0].words_zh.as_str()), ("photo", "尚未收到"));
    let got = wang.transfer_attachments().await.expect("transfer");
    assert_eq!(got.thumbs, 0, "a PDF has no thumbnail");
    let seen = wang.attachments_for(visit_query(&visit.id)).await.expect("list");
    assert_eq!(
        (seen.items[0].kind.as_str(), seen.items[0].words_zh.as_str(), seen.items[0].words_en.as_str()),
        ("pdf", "队友上传", "from a teammate")
    );
    // Opened on a tap: the very file.
    let full = wang.attachment_full(AttachmentRef { id: item.id.clone() }).await.expect("full");
    assert_eq!(full.mime, "application/pdf");
    use base64::Engine as _;
    let url = full.data_url.expect("the file");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(url.trim_start_matches("data:application/pdf;base64,"))
        .expect("base64");
    assert_eq!(bytes, pdf);
}

#[tokio::test]
async fn only_photos_and_pdfs_are_attached_by_content() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, _) = common::core_with_village(dir.path(), 1_795_536_000_000);
    let err = core.attach_file(attach(b"GIF89a not a photo".to_vec())).await.expect_err("a GIF");
    assert!(err.to_string().contains("只能添加照片"), "{err}");
    // A PDF is kept as it is, with no thumbnail.
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let item = core.attach_file(AttachRequest { name: "扫描件.pdf".into(), ..attach(pdf.clone()) }).await.expect("pdf");
    assert_eq!((item.kind.as_str(), item.thumb.is_none()), ("pdf", true));
    let kept = std::fs::read(dir.path().join("li.sqlite3.attachments").join(&item.id)).expect("kept");
    assert_eq!(kept, pdf);
    // A bomb is refused before anything is written.
    let err = core.attach_file(attach(samples::bomb())).await.expect_err("a bomb");
    assert!(err.to_string().contains("could not be read safely") || err.to_string().contains("too large"), "{err}");
}

#[tokio::test]
async fn a_diary_entry_keeps_its_photos_when_written_again_and_they_travel_after_the_sync() {
    use taizhang_app_core::contract::{DiaryInput, MonthQuery};
    let phones = common::TwoPhones::join().await;
    let (li, wang) = (&phones.a, &phones.b);
    let photo = li
        .attach_file(AttachRequest { record_kind: RecordKindCode::Diary, ..attach(samples::photo(1200, 900, 3)) })
        .await
        .expect("attach");
    let entry = li
        .write_diary(DiaryInput {
            date: None,
            text: "召开村民小组会".into(),
            amends: None,
            attachments: vec![photo.id.clone()],
        })
        .await
        .expect("diary with a photo");
    assert_eq!(entry.photos, 1);
    // Written again the same day (the text corrected, no photo added): the photo stays.
    let again = li
        .write_diary(DiaryInput {
            date: None,
            text: "召开村民小组会，议定修路".into(),
            amends: None,
            attachments: Vec::new(),
        })
        .await
        .expect("again");
    assert_eq!((again.id.as_str(), again.photos), (entry.id.as_str(), 1));
    let q = AttachmentsQuery { record_kind: RecordKindCode::Diary, record_id: entry.id.clone() };
    assert_eq!(li.attachments_for(q.clone()).await.expect("list").items[0].words_zh, "等待上传");
    assert_eq!(li.sync_now().await.expect("sync").requests, 1);
    assert_eq!(li.transfer_attachments().await.expect("send").uploaded, 1);
    assert_eq!(li.attachments_for(q.clone()).await.expect("list").items[0].state, AttachmentStateCode::Uploaded);
    // The diary is the member's own log: 王芳's phone holds the team's logs and gets the thumbnail.
    wang.sync_now().await.expect("sync");
    let got = wang.transfer_attachments().await.expect("thumbs");
    assert_eq!(got.thumbs, 1);
    assert!(wang.attachments_for(q).await.expect("list").items[0].thumb.is_some());
    let view = li.diary(MonthQuery { month: None }).await.expect("diary");
    assert_eq!(view.today_entry.map(|e| e.photos), Some(1));
}

/// Beside an encrypted store (issue 21) a photo's file and thumbnail are sealed on disk: no
/// JPEG header, not the photo's bytes; through the app they read back whole.
#[cfg(feature = "sqlcipher")]
#[tokio::test]
async fn beside_an_encrypted_store_the_photo_files_are_sealed() {
    use std::sync::Arc;
    use taizhang_doc::demo;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("li.sqlite3");
    let key = taizhang_store::StoreKey::from_bytes([9; 32]);
    {
        let mut l =
            taizhang_client::Ledger::create_keyed(&path, Some(&key), demo::VILLAGE, Some(demo::member_id(0)), [1; 16])
                .expect("create an encrypted ledger");
        l.put_village(&demo::village(), 0).expect("village");
        for m in demo::members() {
            l.put_member(&m, 0).expect("member");
        }
    }
    let core = taizhang_app_core::AppCore::open_keyed(
        path.clone(),
        path.with_extension("settings.json"),
        Some("http://127.0.0.1:9"),
        Arc::new(|| 1_795_536_000_000),
        Some(key),
    )
    .expect("open");
    let item = core.attach_file(attach(samples::photo(1200, 900, 3))).await.expect("attached");
    let full = core.attachment_full(AttachmentRef { id: item.id.clone() }).await.expect("full");
    assert_eq!(full.mime, "image/jpeg", "the photo opens through the app");
    // What the app reads back, as plain bytes: the photo and its thumbnail.
    let plain = |url: Option<String>| -> Vec<u8> {
        use base64::Engine as _;
        let url = url.expect("a data URL");
        let b64 = url.strip_prefix("data:image/jpeg;base64,").expect("a JPEG data URL");
        base64::engine::general_purpose::STANDARD.decode(b64).expect("base64")
    };
    let (photo, thumb) = (plain(full.data_url), plain(item.thumb));
    assert!(photo.starts_with(&[0xff, 0xd8, 0xff]) && thumb.starts_with(&[0xff, 0xd8, 0xff]), "JPEGs again");
    let files = dir.path().join("li.sqlite3.attachments");
    for (name, plain) in [(item.id.clone(), photo), (format!("{}.thumb", item.id), thumb)] {
        let on_disk = std::fs::read(files.join(&name)).expect("on disk");
        assert!(on_disk.starts_with(b"TZF1"), "{name} is sealed");
        // Not the photo's bytes: no 32-byte run of the plain file (its header, its middle, its
        // end) is in the sealed one. (A 3-byte JPEG marker can occur in ciphertext by chance:
        // about one sealed photo in fifty of this size.)
        for at in [0, plain.len() / 2, plain.len() - 32] {
            let run = &plain[at..at + 32];
            assert!(!on_disk.windows(32).any(|w| w == run), "{name}: plain bytes at {at} are on disk");
        }
    }
}

/// Issue 19: a wrong photo is not stuck on a saved record. Two photos on a household, one taken
/// off: the household keeps the other, the removed file is not sent by the transfer (nothing
/// refers to it), the teammate's phone lists only the kept one; a photo no longer on the record
/// is refused in words, and a visit's photos are refused: they change with a correction only.
#[tokio::test]
async fn a_photo_taken_off_a_household_is_not_sent_and_leaves_the_teammates_list() {
    use taizhang_app_core::contract::{AddAttachmentsRequest, RemoveAttachmentRequest};
    let phones = common::TwoPhones::join().await;
    let (li, wang) = (&phones.a, &phones.b);
    let household = li.households(HouseholdFilter::default()).await.expect("households").items[0].id.clone();
    let on = |n: u32| AttachRequest {
        record_kind: RecordKindCode::Household,
        record_id: Some(household.clone()),
        ..attach(samples::photo(1200, 900, n))
    };
    let (keep, wrong) = (li.attach_file(on(21)).await.expect("keep"), li.attach_file(on(22)).await.expect("wrong"));
    let both = li
        .add_attachments(AddAttachmentsRequest {
            record_kind: RecordKindCode::Household,
            record_id: household.clone(),
            attachments: vec![keep.id.clone(), wrong.id.clone()],
        })
        .await
        .expect("two photos on the household");
    assert_eq!(both.items.len(), 2);
    let remove = |id: &str| RemoveAttachmentRequest {
        record_kind: RecordKindCode::Household,
        record_id: household.clone(),
        id: id.to_string(),
    };
    let files = phones.dir.path().join("a.sqlite3.attachments");
    assert!(files.join(&wrong.id).exists() && files.join(format!("{}.thumb", wrong.id)).exists());
    let left = li.remove_attachment(remove(&wrong.id)).await.expect("taken off");
    assert_eq!(left.items.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), [keep.id.as_str()]);
    // Tied to no other record, the wrong photo leaves the phone too; the kept one stays.
    assert!(!files.join(&wrong.id).exists(), "the removed photo's file is deleted");
    assert!(!files.join(format!("{}.thumb", wrong.id)).exists(), "and its thumbnail");
    assert!(files.join(&keep.id).exists());
    let again = li.remove_attachment(remove(&wrong.id)).await.expect_err("not on the record any more");
    assert!(again.to_string().contains("不在这条记录上"), "{again}");
    assert_eq!(li.household(household.clone()).await.expect("household").household.attachments, [keep.id.clone()]);

    // The sync carries the record; the transfer sends the kept photo only.
    li.sync_now().await.expect("sync");
    let sent = li.transfer_attachments().await.expect("send");
    assert_eq!(sent.uploaded, 1, "{sent:?}");
    wang.sync_now().await.expect("王芳 syncs");
    wang.transfer_attachments().await.expect("thumbs");
    let q = AttachmentsQuery { record_kind: RecordKindCode::Household, record_id: household.clone() };
    let theirs = wang.attachments_for(q).await.expect("list");
    assert_eq!(theirs.items.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), [keep.id.as_str()]);
    // Li's transfer does not fetch the removed photo's thumbnail back from anywhere.
    li.transfer_attachments().await.expect("again");
    assert!(!files.join(format!("{}.thumb", wrong.id)).exists());

    // Taken off by mistake: the same photo attached again is a file on the phone again, sent
    // again (the server may have collected it meanwhile).
    let back = li.attach_file(on(22)).await.expect("the same photo again");
    assert_eq!(back.id, wrong.id);
    assert!(files.join(&wrong.id).exists());
    let both = li
        .add_attachments(AddAttachmentsRequest {
            record_kind: RecordKindCode::Household,
            record_id: household.clone(),
            attachments: vec![keep.id.clone(), back.id.clone()],
        })
        .await
        .expect("back on the household");
    assert_eq!(both.items.len(), 2);
    li.sync_now().await.expect("sync");
    let sent = li.transfer_attachments().await.expect("send");
    assert_eq!((sent.uploaded, sent.waiting), (1, 0), "sent again, whole: {sent:?}");

    // A visit's photo: evidence of that day, changed only by a correction.
    let visit = li.attach_file(attach(samples::photo(800, 600, 23))).await.expect("visit photo");
    let refused = li
        .remove_attachment(RemoveAttachmentRequest {
            record_kind: RecordKindCode::Visit,
            record_id: household.clone(),
            id: visit.id,
        })
        .await
        .expect_err("a visit's photos change with a correction");
    assert!(refused.to_string().contains("更正"), "{refused}");
}
