//! The photos and scans of a village's records (issue 19) on the county and township pages:
//! `GET /county/api/village/{id}/photos` (every record with attachments and each file's state:
//! 已上传, or 照片尚未上传 while the phone has not sent it whole), `GET .../blob/{hash}` (the file)
//! and `GET .../blob/{hash}/thumb` (its thumbnail). Authorised like the village's page (the
//! officer's session covers the village); only a hash a record of that village refers to and
//! that the blob store has finished is served, 404 in words otherwise. The handlers are thin:
//! [`photo_file`] and [`photos_of`] do the work and are tested without a socket.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use taizhang_attach::Kind;
use taizhang_county::{refers_to, PhotosView, Stored};
use taizhang_rules::VillageRecords;
use taizhang_server_db::BlobStore;
use uuid::Uuid;

use crate::error::Result;
use crate::extract::Path;
use crate::facts::{find_village, villages_of};
use crate::state::{Accounts, Blobs, Records};
use crate::{CountyWebError, Session};

/// Which file of an attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// The file as stored (the phone's re-encoded photo, or the PDF).
    Full,
    /// The server's small JPEG of an image.
    Thumb,
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Jpeg => "jpeg",
        Kind::Png => "png",
        Kind::Webp => "webp",
        Kind::Pdf => "pdf",
    }
}

/// A hash as records write it: 64 lowercase hex digits.
fn well_formed(hash: &str) -> Option<[u8; 32]> {
    let ok = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    ok.then(|| taizhang_attach::parse_hash(hash)).flatten()
}

fn not_uploaded() -> CountyWebError {
    CountyWebError::NotFound(
        "照片尚未上传:手机同步后会自动补传 / not uploaded yet: the phone sends it after its next sync".into(),
    )
}

/// The file `hash` of `village` and its content type: only when a record of the village refers
/// to it (`records`) and the store has it whole and checked.
pub async fn photo_file(
    blobs: Option<&dyn BlobStore>,
    records: &VillageRecords,
    village: Uuid,
    hash: &str,
    size: Size,
) -> Result<(&'static str, Vec<u8>)> {
    let Some(bytes) = well_formed(hash) else {
        return Err(CountyWebError::BadRequest(
            "照片地址应为64位小写十六进制 / a photo's address is its SHA-256 in 64 lowercase hex digits".into(),
        ));
    };
    if !refers_to(records, hash) {
        return Err(CountyWebError::NotFound(
            "本村没有记录引用这个文件 / no record of this village refers to this file".into(),
        ));
    }
    let Some(blobs) = blobs else { return Err(not_uploaded()) };
    match size {
        Size::Full => match taizhang_server_db::uploads::served_blob(blobs, village, bytes).await? {
            Some((kind, data)) => Ok((kind.mime(), data)),
            None => Err(not_uploaded()),
        },
        Size::Thumb => {
            let Some(row) = blobs.blob(village, bytes).await? else { return Err(not_uploaded()) };
            if row.done_at.is_none() {
                return Err(not_uploaded());
            }
            match blobs.blob_thumb(village, bytes).await? {
                Some(data) => Ok(("image/jpeg", data)),
                None => Err(CountyWebError::NotFound(
                    "这个文件没有缩略图(PDF),请打开原文件 / this file has no thumbnail (a PDF): open the file itself"
                        .into(),
                )),
            }
        }
    }
}

/// Every record of the village with attachments, each file with its state on the server.
pub async fn photos_of(blobs: Option<&dyn BlobStore>, records: &VillageRecords, village: Uuid) -> Result<PhotosView> {
    let mut stored = BTreeMap::new();
    if let Some(blobs) = blobs {
        for hash in taizhang_county::photos::referenced_hashes(records) {
            let Some(bytes) = well_formed(hash) else { continue };
            if let Some(row) = blobs.blob(village, bytes).await? {
                if let (Some(_), Some(kind)) = (row.done_at, Kind::from_code(row.kind)) {
                    stored.insert(hash.to_string(), Stored { kind: kind_name(kind), thumb: kind.is_image() });
                }
            }
        }
    }
    Ok(taizhang_county::photos_view(records, &stored))
}

/// `GET /county/api/village/{id}/photos`.
pub async fn photos(
    session: Session,
    State(Accounts(accounts)): State<Accounts>,
    State(records): State<Records>,
    State(Blobs(blobs)): State<Blobs>,
    Path(id): Path<Uuid>,
) -> Result<Json<PhotosView>> {
    find_village(&villages_of(accounts.as_ref(), &session).await?, id)?;
    let r = records.one(id).await?;
    Ok(Json(photos_of(blobs.as_deref(), &r, id).await?))
}

async fn serve(
    session: Session,
    accounts: Accounts,
    records: Records,
    blobs: Blobs,
    (id, hash): (Uuid, String),
    size: Size,
) -> Result<Response> {
    find_village(&villages_of(accounts.0.as_ref(), &session).await?, id)?;
    let r = records.one(id).await?;
    let (mime, bytes) = photo_file(blobs.0.as_deref(), &r, id, &hash, size).await?;
    // A file is named by its content: it never changes, so the browser may keep it (privately).
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
        (header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=86400, immutable")),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    ];
    Ok((headers, bytes).into_response())
}

/// `GET /county/api/village/{id}/blob/{hash}`: the file itself.
pub async fn blob(
    session: Session,
    State(accounts): State<Accounts>,
    State(records): State<Records>,
    State(blobs): State<Blobs>,
    Path(at): Path<(Uuid, String)>,
) -> Result<Response> {
    serve(session, accounts, records, blobs, at, Size::Full).await
}

/// `GET /county/api/village/{id}/blob/{hash}/thumb`: the thumbnail of an image.
pub async fn thumb(
    session: Session,
    State(accounts): State<Accounts>,
    State(records): State<Records>,
    State(blobs): State<Blobs>,
    Path(at): Path<(Uuid, String)>,
) -> Result<Response> {
    serve(session, accounts, records, blobs, at, Size::Thumb).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use taizhang_domain::{HouseholdId, MemberId, Visit, VisitId};
    use taizhang_server_sqlite::SqliteStore;

    const VILLAGE: Uuid = Uuid::from_u128(0x51);

    fn hex(h: &[u8; 32]) -> String {
        h.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn records(hashes: Vec<String>) -> VillageRecords {
        VillageRecords {
            visits: vec![Visit {
                id: VisitId(Uuid::from_u128(7)),
                household: HouseholdId(Uuid::from_u128(8)),
                member: MemberId(Uuid::from_u128(1)),
                at: 0,
                location: None,
                findings: "屋顶漏雨".into(),
                needs: String::new(),
                follow_up: String::new(),
                amends: None,
                attachments: hashes,
            }],
            ..Default::default()
        }
    }

    /// Stores `bytes` whole under `hash` (kind 1, JPEG) and marks it checked with a thumbnail.
    async fn stored(store: &SqliteStore, village: Uuid, hash: [u8; 32], done: bool) {
        let bytes = vec![0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4];
        store.put_chunk(village, hash, 1, 8, 0, bytes, Uuid::from_u128(0x11), 1000).await.expect("chunk");
        if done {
            store.finish_blob(village, hash, Some(b"thumb".to_vec()), 2000).await.expect("finish");
        }
    }

    fn status(e: CountyWebError) -> (u16, String) {
        let text = e.to_string();
        (e.into_response().status().as_u16(), text)
    }

    #[tokio::test]
    async fn a_referenced_finished_file_is_served_and_anything_else_is_a_404_in_words() {
        let store = SqliteStore::open_in_memory().expect("store");
        // Hashes with letters (an upper-case spelling differs).
        let (done, uploading, stranger, elsewhere) = ([0xab; 32], [0xcd; 32], [0xef; 32], [0xfa; 32]);
        stored(&store, VILLAGE, done, true).await;
        stored(&store, VILLAGE, uploading, false).await;
        stored(&store, VILLAGE, stranger, true).await; // stored, but no record names it
        stored(&store, Uuid::from_u128(0x52), elsewhere, true).await; // another village's
        let r = records(vec![hex(&done), hex(&uploading), hex(&elsewhere)]);
        let blobs: Option<&dyn BlobStore> = Some(&store);

        let (mime, bytes) = photo_file(blobs, &r, VILLAGE, &hex(&done), Size::Full).await.expect("served");
        assert_eq!((mime, bytes.len()), ("image/jpeg", 8));
        let (_, thumb) = photo_file(blobs, &r, VILLAGE, &hex(&done), Size::Thumb).await.expect("thumb");
        assert_eq!(thumb, b"thumb");

        for (hash, size) in [(uploading, Size::Full), (uploading, Size::Thumb), (elsewhere, Size::Full)] {
            let (code, words) = status(photo_file(blobs, &r, VILLAGE, &hex(&hash), size).await.expect_err("not yet"));
            assert_eq!(code, 404);
            assert!(words.starts_with("照片尚未上传"), "{words}");
        }
        let (code, words) = status(photo_file(blobs, &r, VILLAGE, &hex(&stranger), Size::Full).await.expect_err("no"));
        assert_eq!(code, 404, "a stored file no record of the village names is not served");
        assert!(words.contains("no record of this village"), "{words}");
        let (code, _) = status(photo_file(blobs, &r, VILLAGE, "ABC", Size::Full).await.expect_err("bad"));
        assert_eq!(code, 400);
        let (code, _) =
            status(photo_file(blobs, &r, VILLAGE, &hex(&done).to_uppercase(), Size::Full).await.expect_err("upper"));
        assert_eq!(code, 400, "records write lowercase hex");
        let (code, words) = status(photo_file(None, &r, VILLAGE, &hex(&done), Size::Full).await.expect_err("no store"));
        assert_eq!(code, 404, "{words}");
    }

    #[tokio::test]
    async fn the_photo_list_says_which_files_are_on_the_server() {
        let store = SqliteStore::open_in_memory().expect("store");
        let (done, uploading) = ([1u8; 32], [2u8; 32]);
        stored(&store, VILLAGE, done, true).await;
        stored(&store, VILLAGE, uploading, false).await;
        let r = records(vec![hex(&done), hex(&uploading), hex(&[9u8; 32])]);
        let view = photos_of(Some(&store as &dyn BlobStore), &r, VILLAGE).await.expect("view");
        assert_eq!((view.stored, view.pending), (1, 2), "one finished; one uploading and one never sent are pending");
        let line = &view.records[&Uuid::from_u128(7).to_string()].photos;
        let states: Vec<(&str, Option<&str>, bool)> = line.iter().map(|p| (p.state, p.kind, p.thumb)).collect();
        assert_eq!(states, [("stored", Some("jpeg"), true), ("pending", None, false), ("pending", None, false)]);
        let none = photos_of(None, &r, VILLAGE).await.expect("view");
        assert_eq!((none.stored, none.pending), (0, 3), "without a blob store every file is pending");
    }
}
