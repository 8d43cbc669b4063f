//! Photos and scans on the device (issue 19): `attach_file` re-encodes a photo
//! (`taizhang_attach::media::prepare_photo`), writes it and its thumbnail durably beside the
//! store and notes it; a record saved afterwards refers to it by hash. After a record sync,
//! [`AppCore::transfer_attachments`] sends the files waiting, chunk by chunk, each ack kept in
//! the store (a killed app resumes from the server's status), and fetches the thumbnails of
//! teammates' files. The ledger is held only between network requests, never across one, so
//! saving a record never waits for a photo on a 2G link.
//!
//! The web client keeps no files (its storage is the SQLite pool, not a folder): there every
//! command here answers that photos are attached in the app.
//!
//! Beside an encrypted store the files are sealed (ChaCha20-Poly1305 under a key derived from
//! the store's key, a random nonce per file, `TZF1` ‖ nonce ‖ sealed bytes): a stolen phone's
//! files show no photo. A file written before (no `TZF1`) is read as it is.

use taizhang_store::UploadState;

use crate::contract::*;
use crate::{AppCore, AppError};

/// The kind of record, as stored.
pub(crate) fn record_kind(k: RecordKindCode) -> &'static str {
    match k {
        RecordKindCode::Visit => "visit",
        RecordKindCode::Diary => "diary",
        RecordKindCode::Household => "household",
        RecordKindCode::Followup => "followup",
        RecordKindCode::Progress => "progress",
        RecordKindCode::Plan => "plan",
    }
}

/// The photos a record keeps after a save: those it `has`, then each of `given` it lacks
/// (trimmed, lowercase), checked like every record's (hashes, 20 at most, none twice). Each
/// newly given one must be on this device (written durably by `attach_file`) before the record
/// that refers to it is saved; the record's own (perhaps a teammate's, not here) stay as they are.
pub(crate) fn with_added(
    store: &taizhang_store::Store,
    has: &[String],
    given: &[String],
    what: &str,
) -> Result<Vec<String>, AppError> {
    let mut out = has.to_vec();
    let mut new = Vec::new();
    for h in given.iter().map(|h| h.trim().to_ascii_lowercase()).filter(|h| !h.is_empty()) {
        if !out.contains(&h) {
            out.push(h.clone());
            new.push(h);
        }
    }
    taizhang_domain::validate_attachments(&out).map_err(|e| AppError::invalid("attachments", e.to_string()))?;
    require_on_device(store, &new, what)?;
    Ok(out)
}

/// Each of `hashes` is on this device (its file written durably by `attach_file`): what a
/// record must hold before it is saved referring to them.
pub(crate) fn require_on_device(store: &taizhang_store::Store, hashes: &[String], what: &str) -> Result<(), AppError> {
    for h in hashes {
        if store.attachment(h)?.is_none_or(|a| !a.has_file) {
            return Err(AppError::invalid(
                "attachments",
                format!("a photo of this {what} is not on this device: add it again / 这张照片不在本机上，请重新添加"),
            ));
        }
    }
    Ok(())
}

/// Loads the saved household, follow-up item, progress update or plan item `id`, lets `change`
/// edit its list of photos (given the store, to check files on this device), saves it — only
/// the photos change, so a colleague's edit of another field survives — and answers the new
/// list. A visit or diary entry is refused with `refusal`: its photos travel with the record.
fn edit_attachments(
    l: &mut taizhang_client::Ledger,
    code: RecordKindCode,
    id: &str,
    now: i64,
    refusal: &str,
    change: impl FnOnce(&taizhang_store::Store, &mut Vec<String>) -> Result<(), AppError>,
) -> Result<Vec<String>, AppError> {
    use crate::core::parse_id;
    let unknown = || AppError::NotFound(format!("{} {id}", record_kind(code)));
    Ok(match code {
        RecordKindCode::Household => {
            let mut h = l.store().household(parse_id("recordId", id)?)?.ok_or_else(unknown)?.record;
            change(l.store(), &mut h.details.attachments)?;
            l.put_household(&h, now)?;
            h.details.attachments
        }
        RecordKindCode::Followup => {
            let mut f = l.store().follow_up(parse_id("recordId", id)?)?.ok_or_else(unknown)?.record;
            change(l.store(), &mut f.attachments)?;
            l.put_follow_up(&f, now)?;
            f.attachments
        }
        RecordKindCode::Progress => {
            let mut u = l.store().progress_update(parse_id("recordId", id)?)?.ok_or_else(unknown)?.record;
            change(l.store(), &mut u.attachments)?;
            l.add_progress(&u, now)?;
            u.attachments
        }
        RecordKindCode::Plan => {
            let mut p = l.store().plan_item(parse_id("recordId", id)?)?.ok_or_else(unknown)?.record;
            change(l.store(), &mut p.attachments)?;
            l.put_plan_item(&p, now)?;
            p.attachments
        }
        RecordKindCode::Visit | RecordKindCode::Diary => return Err(AppError::invalid("recordKind", refusal)),
    })
}

impl AppCore {
    /// Adds photos or scans to a saved household, follow-up item, progress update or plan item
    /// (they join those it has; only the photos change, so a colleague's edit of another field
    /// survives), then answers the record's photos with their state in words.
    pub async fn add_attachments(&self, req: AddAttachmentsRequest) -> Result<AttachmentList, AppError> {
        let now = self.now();
        let kind = record_kind(req.record_kind);
        let id = req.record_id.trim().to_string();
        let what = match req.record_kind {
            RecordKindCode::Household => "household",
            RecordKindCode::Followup => "follow-up item",
            RecordKindCode::Progress => "progress update",
            _ => "plan item",
        };
        self.with(|l| {
            Self::me_synced(l)?;
            let hashes = edit_attachments(
                l,
                req.record_kind,
                &id,
                now,
                "a visit's photos are added when it is recorded or corrected (更正), a diary entry's when it is \
                 written / 走访的照片在记录或更正时添加，日记的照片在写日记时添加",
                |store, list| {
                    *list = with_added(store, list, &req.attachments, what)?;
                    Ok(())
                },
            )?;
            l.store().bind_attachments(&hashes, kind, &id)?;
            let rows = record_rows(l.store(), kind, &id, now)?;
            Ok(AttachmentList { items: rows.iter().map(|a| self.list_item(a)).collect() })
        })
        .await
    }

    /// Takes one photo or scan off a saved household, follow-up item, progress update or plan
    /// item: the record is saved without it (an ordinary edit that syncs), and the file, tied
    /// to no other record, is no longer sent and is deleted from the phone (the server collects
    /// a blob nothing refers to).
    /// A visit's or diary entry's photos change only with a correction (更正).
    pub async fn remove_attachment(&self, req: RemoveAttachmentRequest) -> Result<AttachmentList, AppError> {
        let now = self.now();
        let kind = record_kind(req.record_kind);
        let id = req.record_id.trim().to_string();
        let hash = req.id.trim().to_ascii_lowercase();
        self.with(|l| {
            Self::me_synced(l)?;
            edit_attachments(
                l,
                req.record_kind,
                &id,
                now,
                "走访和日记的照片是当天的凭证，只能通过更正改动 / a visit's or diary entry's photos are that day's \
                 evidence: they change only with a correction (更正)",
                |_, list| {
                    let before = list.len();
                    list.retain(|h| *h != hash);
                    if list.len() == before {
                        return Err(AppError::invalid(
                            "id",
                            "这张照片不在这条记录上（可能已在别的手机上移除）/ this photo is not on the record (removed on \
                             another phone?)",
                        ));
                    }
                    Ok(())
                },
            )?;
            // Tied to no other record here: the file and its thumbnail leave the phone too (a
            // wrong photo is often one that should not be kept at all). The row is marked
            // first; a file left behind by a failed delete is tied to nothing and never sent.
            if !l.store().untie_attachment(&hash, kind, &id)? && l.store().forget_attachment_file(&hash)? {
                self.delete_files(&hash);
            }
            let rows = record_rows(l.store(), kind, &id, now)?;
            Ok(AttachmentList { items: rows.iter().map(|a| self.list_item(a)).collect() })
        })
        .await
    }
}

/// `YYYY-MM-DD HH:MM` from the EXIF `YYYY-MM-DD HH:MM:SS` (or `YYYY:MM:DD ...`).
fn exif_time(t: &str) -> String {
    let t = t.trim();
    let (date, time) = t.split_once(' ').unwrap_or((t, ""));
    let date = date.replace(':', "-");
    let time: String = time.chars().take(5).collect();
    if time.is_empty() {
        date
    } else {
        format!("{date} {time}")
    }
}

/// The state in words, in Chinese and English; the time of receipt in Beijing time.
pub(crate) fn words(state: UploadState, size: u64, has_thumb: bool) -> (AttachmentStateCode, u8, String, String) {
    let percent = |acked: u64| acked.saturating_mul(100).checked_div(size).map_or(100, |p| p.min(100) as u8);
    match state {
        UploadState::Waiting => (AttachmentStateCode::Waiting, 0, "等待上传".into(), "waiting to upload".into()),
        UploadState::Uploading { acked } => {
            let p = percent(acked);
            (AttachmentStateCode::Uploading, p, format!("正在上传 {p}%"), format!("uploading {p}%"))
        }
        UploadState::Uploaded { received_at } => {
            let (zh, en) = match taizhang_domain::local_datetime(received_at) {
                Some(d) => (d.format(" %-m月%-d日 %H:%M").to_string(), d.format(" %-d %b %H:%M").to_string()),
                None => (String::new(), String::new()),
            };
            (AttachmentStateCode::Uploaded, 100, format!("已上传{zh}"), format!("uploaded{en}"))
        }
        UploadState::Remote if has_thumb => {
            (AttachmentStateCode::Remote, 100, "队友上传".into(), "from a teammate".into())
        }
        UploadState::Remote => (AttachmentStateCode::Remote, 0, "尚未收到".into(), "not received yet".into()),
    }
}

/// The files a saved record refers to, in its order (the record decides, so a photo on two
/// records shows on both); those this device has not heard of (a teammate's) are noted first.
fn record_rows(
    store: &taizhang_store::Store,
    kind: &str,
    id: &str,
    now: i64,
) -> Result<Vec<taizhang_store::AttachmentRow>, AppError> {
    let mut rows = Vec::new();
    for (k, record, hash) in store.record_attachments()? {
        if k == kind && record == id {
            store.note_remote_attachment(&hash, &k, &record, now)?;
            rows.extend(store.attachment(&hash)?);
        }
    }
    Ok(rows)
}

impl AppCore {
    /// Deletes a file and its thumbnail from this device, if there (a failed delete leaves a
    /// file tied to nothing, never sent).
    #[cfg(not(target_arch = "wasm32"))]
    fn delete_files(&self, hash: &str) {
        let dir = self.files_dir();
        for name in [hash.to_string(), format!("{hash}.thumb")] {
            let _ = std::fs::remove_file(dir.join(name));
        }
    }

    /// The browser keeps no files.
    #[cfg(target_arch = "wasm32")]
    fn delete_files(&self, _hash: &str) {}

    /// One attachment as the window shows it.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn list_item(&self, a: &taizhang_store::AttachmentRow) -> AttachmentItem {
        self.item(a)
    }

    /// One attachment as the window shows it (the browser keeps no thumbnails).
    #[cfg(target_arch = "wasm32")]
    pub(crate) fn list_item(&self, a: &taizhang_store::AttachmentRow) -> AttachmentItem {
        let (state, percent, words_zh, words_en) = words(a.state, a.size, false);
        AttachmentItem {
            id: a.hash.clone(),
            kind: if a.kind == "pdf" { "pdf".into() } else { "photo".into() },
            thumb: None,
            taken_at: a.taken_at.as_deref().map(exif_time),
            place: None,
            keep_location: a.keep_place,
            state,
            percent,
            received_at: None,
            words_zh,
            words_en,
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn not_in_browser() -> AppError {
    AppError::NotAllowed(
        "照片只能在手机或电脑上的台账 App 里添加 / photos are attached in the Taizhang app on a phone or computer: \
         this browser keeps no files"
            .into(),
    )
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use base64::Engine as _;
    use taizhang_attach::media::prepare_photo;
    use taizhang_attach::upload::{ChunkSizer, Upload};
    use taizhang_attach::{blob_hash, hash_hex, parse_hash, AttachError, Caps, Kind};
    use taizhang_client::blobs::BlobClient;
    use taizhang_client::ClientError;
    use taizhang_store::{attachments_dir, write_durably, AttachmentRow, UploadState};

    use super::*;

    fn data_url(mime: &str, bytes: &[u8]) -> String {
        format!("data:{mime};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    fn kind_of(code: &str) -> Option<Kind> {
        match code {
            "jpeg" => Some(Kind::Jpeg),
            "png" => Some(Kind::Png),
            "webp" => Some(Kind::Webp),
            "pdf" => Some(Kind::Pdf),
            _ => None,
        }
    }

    fn kind_code(k: Kind) -> &'static str {
        match k {
            Kind::Jpeg => "jpeg",
            Kind::Png => "png",
            Kind::Webp => "webp",
            Kind::Pdf => "pdf",
        }
    }

    fn refused(name: &str, e: AttachError) -> AppError {
        AppError::invalid("bytes", format!("{name}: {e}"))
    }

    fn storage(e: std::io::Error) -> AppError {
        AppError::Storage(format!("the photo could not be written: {e}"))
    }

    fn transport(e: taizhang_client::TransportError) -> AppError {
        AppError::from(ClientError::from(e))
    }

    /// The server refused the device's token (401): signing in again is the cure.
    fn token_refused(e: &taizhang_client::TransportError) -> bool {
        matches!(e, taizhang_client::TransportError::Status { status: 401, .. })
    }

    /// What opens a sealed file (no JPEG, PNG, WebP or PDF starts with it).
    const SEALED: &[u8; 4] = b"TZF1";

    /// `plain` sealed under `key` (a fresh random nonce), or as it is without a key.
    pub(crate) fn seal_file(key: Option<&[u8; 32]>, plain: &[u8]) -> Result<Vec<u8>, AppError> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let Some(key) = key else { return Ok(plain.to_vec()) };
        let nonce: [u8; 12] = rand::random();
        let sealed = chacha20poly1305::ChaCha20Poly1305::new(key.into())
            .encrypt(chacha20poly1305::Nonce::from_slice(&nonce), plain)
            .map_err(|_| AppError::Internal("the photo could not be sealed".into()))?;
        Ok([SEALED.as_slice(), nonce.as_slice(), sealed.as_slice()].concat())
    }

    /// The plain bytes of a file as read from disk: a sealed one opened under `key`, any other
    /// as it is (written beside a plain store, or before files were sealed).
    pub(crate) fn open_file(key: Option<&[u8; 32]>, bytes: Vec<u8>) -> Result<Vec<u8>, AppError> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let Some(rest) = bytes.strip_prefix(SEALED.as_slice()) else { return Ok(bytes) };
        let (Some(key), Some((nonce, sealed))) = (key, rest.split_first_chunk::<12>()) else {
            return Err(AppError::Unreadable("this photo is sealed and the store's key is not open".into()));
        };
        chacha20poly1305::ChaCha20Poly1305::new(key.into())
            .decrypt(chacha20poly1305::Nonce::from_slice(nonce), sealed)
            .map_err(|_| AppError::Unreadable("this photo's file is damaged: add it again or fetch it anew".into()))
    }

    impl AppCore {
        pub(super) fn files_dir(&self) -> std::path::PathBuf {
            attachments_dir(&self.store_path)
        }

        /// Writes `name` in the folder durably, sealed when the store is encrypted.
        fn write_file(&self, name: &str, plain: &[u8]) -> Result<(), AppError> {
            let bytes = seal_file(self.file_key().as_ref(), plain)?;
            write_durably(&self.files_dir(), name, &bytes).map_err(storage)?;
            Ok(())
        }

        /// The plain bytes of `name` in the folder, if it is there and opens.
        fn read_file(&self, name: &str) -> Option<Vec<u8>> {
            let bytes = std::fs::read(self.files_dir().join(name)).ok()?;
            open_file(self.file_key().as_ref(), bytes).ok()
        }

        pub(crate) fn item(&self, a: &AttachmentRow) -> AttachmentItem {
            // A teammate's PDF has no thumbnail to wait for: it opens on a tap.
            let (state, percent, words_zh, words_en) = words(a.state, a.size, a.has_thumb || a.kind == "pdf");
            let thumb = a
                .has_thumb
                .then(|| self.read_file(&format!("{}.thumb", a.hash)))
                .flatten()
                .map(|b| data_url("image/jpeg", &b));
            AttachmentItem {
                id: a.hash.clone(),
                kind: if a.kind == "pdf" { "pdf".into() } else { "photo".into() },
                thumb,
                taken_at: a.taken_at.as_deref().map(exif_time),
                place: match (a.keep_place, a.lat, a.lon) {
                    (true, Some(lat), Some(lon)) => Some(Location { lat, lon, accuracy_m: None }),
                    _ => None,
                },
                keep_location: a.keep_place,
                state,
                percent,
                received_at: match a.state {
                    UploadState::Uploaded { received_at } => Some(received_at),
                    _ => None,
                },
                words_zh,
                words_en,
            }
        }

        /// Re-encodes a photo (a PDF is kept as is), writes the file and its thumbnail durably
        /// beside the store, and notes it for the record being written. Nothing is sent now.
        pub async fn attach_file(&self, req: AttachRequest) -> Result<AttachmentItem, AppError> {
            let now = self.now();
            // Joined and open, before any file is written.
            self.with(|_| Ok(())).await?;
            let name = if req.name.trim().is_empty() { "文件 / the file".to_string() } else { req.name.clone() };
            let caps = Caps::default();
            let kind = Kind::sniff(&req.bytes).ok_or_else(|| {
                AppError::invalid(
                    "bytes",
                    format!("{name}: 只能添加照片(JPEG、PNG、WebP)或 PDF / only photos (JPEG, PNG, WebP) and PDF files can be attached"),
                )
            })?;
            let (hash, kind, bytes, thumb, evidence) = if kind.is_image() {
                // Re-encoding a camera photo is seconds of CPU: on a blocking thread, so the
                // app's other commands (a sync, the household list) go on meanwhile.
                let original = req.bytes;
                let p = tokio::task::spawn_blocking(move || prepare_photo(&original, &caps))
                    .await
                    .map_err(|e| AppError::Internal(format!("re-encoding the photo stopped: {e}")))?
                    .map_err(|e| refused(&name, e))?;
                (p.hash, p.kind, p.bytes, p.thumb, p.evidence)
            } else {
                caps.admit(req.bytes.len() as u64, 0).map_err(|e| refused(&name, e))?;
                (blob_hash(&req.bytes), kind, req.bytes, None, Default::default())
            };
            let hex = hash_hex(&hash);
            // The files first, whole and durable; only then the row, and later the record.
            self.write_file(&hex, &bytes)?;
            if let Some(t) = &thumb {
                self.write_file(&format!("{hex}.thumb"), t)?;
            }
            let row = AttachmentRow {
                hash: hex.clone(),
                kind: kind_code(kind).into(),
                size: bytes.len() as u64,
                record_kind: record_kind(req.record_kind).into(),
                record_id: req.record_id.filter(|s| !s.trim().is_empty()),
                taken_at: evidence.taken_at,
                lat: evidence.lat,
                lon: evidence.lon,
                keep_place: req.keep_location,
                state: UploadState::Waiting,
                has_file: true,
                has_thumb: thumb.is_some(),
                added_at: now,
            };
            self.with(|l| {
                l.store().put_attachment(&row)?;
                let stored = l.store().attachment(&hex)?.ok_or_else(|| AppError::NotFound("the photo".into()))?;
                Ok(self.item(&stored))
            })
            .await
        }

        /// The attachments of one saved record, each with its state in words.
        pub async fn attachments_for(&self, q: AttachmentsQuery) -> Result<AttachmentList, AppError> {
            let kind = record_kind(q.record_kind);
            let now = self.now();
            self.with(|l| {
                let rows = record_rows(l.store(), kind, q.record_id.trim(), now)?;
                Ok(AttachmentList { items: rows.iter().map(|a| self.item(a)).collect() })
            })
            .await
        }

        fn known(&self, id: &str) -> Result<String, AppError> {
            parse_hash(id).map(|h| hash_hex(&h)).ok_or_else(|| AppError::invalid("id", "pick a photo from the list"))
        }

        /// The thumbnail of an attachment (fetched from the server when a teammate's is not here).
        pub async fn attachment_thumb(&self, r: AttachmentRef) -> Result<AttachmentData, AppError> {
            let hex = self.known(&r.id)?;
            let row = self.with(|l| Ok(l.store().attachment(&hex)?)).await?;
            let Some(row) = row else { return Err(AppError::NotFound("this photo".into())) };
            if row.kind == "pdf" {
                return Ok(AttachmentData { mime: "application/pdf".into(), data_url: None });
            }
            if !row.has_thumb {
                self.fetch(&hex, true).await?;
            }
            let bytes = self.read_file(&format!("{hex}.thumb"));
            Ok(AttachmentData { mime: "image/jpeg".into(), data_url: bytes.map(|b| data_url("image/jpeg", &b)) })
        }

        /// The whole file of an attachment; a teammate's is fetched from the server now.
        pub async fn attachment_full(&self, r: AttachmentRef) -> Result<AttachmentData, AppError> {
            let hex = self.known(&r.id)?;
            let row = self.with(|l| Ok(l.store().attachment(&hex)?)).await?;
            let Some(row) = row else { return Err(AppError::NotFound("this photo".into())) };
            if !row.has_file {
                self.fetch(&hex, false).await?;
            }
            let bytes = self.read_file(&hex);
            let mime = bytes.as_deref().and_then(Kind::sniff).or(kind_of(&row.kind)).map_or("image/jpeg", Kind::mime);
            Ok(AttachmentData { mime: mime.into(), data_url: bytes.map(|b| data_url(mime, &b)) })
        }

        /// The blob client of this device and its village (`None` before the first sync gave
        /// it a token).
        async fn blob_client(&self) -> Result<Option<(BlobClient, uuid::Uuid)>, AppError> {
            let url = self.settings().server_url;
            let (token, village) = self.with(|l| Ok((l.access_token()?, l.village_id().0))).await?;
            let Some(token) = token else { return Ok(None) };
            Ok(Some((BlobClient::new(&url, &token).map_err(transport)?, village)))
        }

        /// A blob client with a token signed in for now (challenge and token): the server
        /// refused the last sync's token, whose hour ran out during a long transfer.
        async fn renewed_client(&self) -> Result<BlobClient, AppError> {
            let token = self.sign_in_again().await?;
            BlobClient::new(&self.settings().server_url, &token).map_err(transport)
        }

        /// Fetches the thumbnail (or the file) of `hex` from the server into the folder; a file
        /// the server does not have (yet) is no error. A refused token is renewed once.
        async fn fetch(&self, hex: &str, thumb: bool) -> Result<bool, AppError> {
            let Some((mut client, village)) = self.blob_client().await? else { return Ok(false) };
            let hash = parse_hash(hex).ok_or_else(|| AppError::invalid("id", "pick a photo from the list"))?;
            let got = match client.download(village, &hash, thumb).await {
                Err(e) if token_refused(&e) => {
                    client = self.renewed_client().await?;
                    client.download(village, &hash, thumb).await
                }
                other => other,
            };
            let Some(bytes) = got.map_err(transport)? else {
                return Ok(false);
            };
            // A whole file must be the file its hash names.
            if !thumb && blob_hash(&bytes) != hash {
                return Err(AppError::Unreadable("the server sent another file than the one asked for".into()));
            }
            let name = if thumb { format!("{hex}.thumb") } else { hex.to_string() };
            self.write_file(&name, &bytes)?;
            self.with(|l| Ok(l.store().set_attachment_present(hex, thumb, !thumb)?)).await?;
            Ok(true)
        }

        /// Asks the server the kind of a teammate's file and keeps it (nothing while the file
        /// is not whole on the server, or from a server that does not say).
        async fn learn_kind(&self, hex: &str) -> Result<(), AppError> {
            let Some((client, village)) = self.blob_client().await? else { return Ok(()) };
            let Some(hash) = parse_hash(hex) else { return Ok(()) };
            let ack = client.status(village, &hash).await.map_err(transport)?;
            if let Some(kind) = ack.filter(|a| a.done).and_then(|a| a.kind).and_then(Kind::from_code) {
                self.with(|l| Ok(l.store().set_attachment_kind(hex, kind_code(kind))?)).await?;
            }
            Ok(())
        }

        /// How many of this device's files wait to be sent (the background task sends them even
        /// when no record waits).
        pub async fn attachments_waiting(&self) -> Result<u32, AppError> {
            self.with(|l| Ok(l.store().attachments_to_upload()?.len() as u32)).await
        }

        /// After a record sync: sends every file waiting (resuming each from the server's
        /// status, every ack kept in the store), then fetches the thumbnails of the team's
        /// records' files this device lacks. The ledger is free between requests. A cut stops
        /// here with the error; what was acknowledged stays acknowledged.
        pub async fn transfer_attachments(&self) -> Result<TransferSummary, AppError> {
            use std::sync::atomic::Ordering;
            if self.transferring.swap(true, Ordering::AcqRel) {
                return Ok(TransferSummary::default()); // the one running sends them
            }
            let r = self.transfer().await;
            self.transferring.store(false, Ordering::Release);
            r
        }

        /// Sends `file` from where the server stands (after a cut, at most the chunk in flight
        /// is sent again), keeping each acknowledged offset in the store as it comes. Each
        /// chunk's size follows the link as measured (`sizer`, kept across the transfer's files).
        #[allow(clippy::too_many_arguments)]
        async fn send_file(
            &self,
            client: &BlobClient,
            village: uuid::Uuid,
            hex: &str,
            file: &[u8],
            up: &mut Upload,
            sizer: &mut ChunkSizer,
            summary: &mut TransferSummary,
            now: i64,
        ) -> Result<(), taizhang_client::TransportError> {
            use taizhang_client::TransportError;
            client.resume(village, up).await?;
            loop {
                up.chunk_bytes = sizer.chunk_bytes();
                let Some(frame) = up.next_frame(file) else { break };
                let carried = up.next_len() as u64;
                let sent_at = std::time::Instant::now();
                let ack = match client.send(village, &up.hash, frame).await {
                    Ok(ack) => ack,
                    Err(e) => {
                        // A cut, not a refusal (an expired token says nothing of the link).
                        if !matches!(e, TransportError::Status { .. }) {
                            sizer.on_cut();
                        }
                        return Err(e);
                    }
                };
                sizer.on_acked(carried as usize, sent_at.elapsed().as_millis() as u64);
                summary.chunks += 1;
                summary.bytes += carried;
                up.on_ack(&ack).map_err(|e| TransportError::Status { status: 409, message: e.to_string() })?;
                let state = if up.done() {
                    UploadState::Uploaded { received_at: up.received_at.unwrap_or(now) }
                } else {
                    UploadState::Uploading { acked: up.acked }
                };
                self.with(|l| Ok(l.store().set_upload_state(hex, state)?))
                    .await
                    .map_err(|e| TransportError::Unreachable(e.to_string()))?;
            }
            Ok(())
        }

        async fn transfer(&self) -> Result<TransferSummary, AppError> {
            let mut summary = TransferSummary::default();
            let now = self.now();
            let waiting = self
                .with(|l| {
                    let store = l.store();
                    // Every file a saved record refers to is known and tied to its record (a
                    // kill between saving a record and tying its photo is mended here).
                    for (kind, id, hash) in store.record_attachments()? {
                        store.note_remote_attachment(&hash, &kind, &id, now)?;
                        store.bind_attachments(std::slice::from_ref(&hash), &kind, &id)?;
                    }
                    Ok(store.attachments_to_upload()?)
                })
                .await?;
            let mut sizer = ChunkSizer::default();
            let Some((mut client, village)) = self.blob_client().await? else {
                summary.waiting = waiting.len() as u32;
                return Ok(summary);
            };
            for a in &waiting {
                let (Some(hash), Some(kind)) = (parse_hash(&a.hash), kind_of(&a.kind)) else { continue };
                let Some(file) = self.read_file(&a.hash) else { continue };
                let mut up = Upload::new(hash, kind, file.len() as u64);
                let mut renewed = false;
                loop {
                    match self.send_file(&client, village, &a.hash, &file, &mut up, &mut sizer, &mut summary, now).await
                    {
                        Ok(()) => break,
                        // The token's hour ran out while photos moved on a slow link: sign in
                        // again once and go on from where the server stands.
                        Err(e) if token_refused(&e) && !renewed => {
                            client = self.renewed_client().await?;
                            renewed = true;
                        }
                        Err(e) => return Err(transport(e)),
                    }
                }
                // Already whole on the server (the same photo sent by a teammate): done too.
                if up.done() {
                    let at = up.received_at.unwrap_or(now);
                    self.with(|l| {
                        Ok(l.store().set_upload_state(&a.hash, UploadState::Uploaded { received_at: at })?)
                    })
                    .await?;
                    summary.uploaded += 1;
                } else {
                    summary.waiting += 1;
                }
            }
            let missing = self.with(|l| Ok(l.store().thumbs_missing()?)).await?;
            for a in missing.iter().filter(|a| !a.has_file && a.kind != "pdf") {
                if self.fetch(&a.hash, true).await? {
                    summary.thumbs += 1;
                } else if a.kind.is_empty() {
                    // No thumbnail of a teammate's file: a PDF (or not uploaded yet) — the
                    // server's status says which, so a PDF is listed as one from now on.
                    self.learn_kind(&a.hash).await?;
                }
            }
            Ok(summary)
        }
    }
}

#[cfg(target_arch = "wasm32")]
impl AppCore {
    pub async fn attach_file(&self, _req: AttachRequest) -> Result<AttachmentItem, AppError> {
        Err(not_in_browser())
    }
    pub async fn attachments_for(&self, q: AttachmentsQuery) -> Result<AttachmentList, AppError> {
        let kind = record_kind(q.record_kind);
        let now = self.now();
        self.with(|l| {
            let rows = record_rows(l.store(), kind, q.record_id.trim(), now)?;
            Ok(AttachmentList { items: rows.iter().map(|a| self.list_item(a)).collect() })
        })
        .await
    }
    pub async fn attachment_thumb(&self, _r: AttachmentRef) -> Result<AttachmentData, AppError> {
        Err(not_in_browser())
    }
    pub async fn attachment_full(&self, _r: AttachmentRef) -> Result<AttachmentData, AppError> {
        Err(not_in_browser())
    }
    pub async fn transfer_attachments(&self) -> Result<TransferSummary, AppError> {
        Err(not_in_browser())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_in_words_in_both_languages() {
        assert_eq!(words(UploadState::Waiting, 100, true).2, "等待上传");
        let (code, p, zh, en) = words(UploadState::Uploading { acked: 37 }, 100, true);
        assert_eq!(
            (code, p, zh.as_str(), en.as_str()),
            (AttachmentStateCode::Uploading, 37, "正在上传 37%", "uploading 37%")
        );
        // 2026-03-01 02:05 UTC is 10:05 in Beijing.
        let (_, _, zh, en) = words(UploadState::Uploaded { received_at: 1_772_330_700_000 }, 100, true);
        assert_eq!((zh.as_str(), en.as_str()), ("已上传 3月1日 10:05", "uploaded 1 Mar 10:05"));
        assert_eq!(exif_time("2026:03:01 09:30:00"), "2026-03-01 09:30");
        assert_eq!(exif_time("2026-03-01 09:30:00"), "2026-03-01 09:30");
    }

    /// A sealed file opens under its key only; a damaged one is refused in words; a file
    /// without the mark (a plain store's, or one written before sealing) reads as it is.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn files_seal_and_open_under_the_store_key() {
        use super::native::{open_file, seal_file};
        let key = [7u8; 32];
        let photo = b"\xff\xd8\xff\xe0 a JPEG's bytes".to_vec();
        let sealed = seal_file(Some(&key), &photo).expect("sealed");
        assert!(sealed.starts_with(b"TZF1") && !sealed.windows(photo.len()).any(|w| w == photo.as_slice()));
        assert_ne!(seal_file(Some(&key), &photo).expect("sealed"), sealed, "a fresh nonce each time");
        assert_eq!(open_file(Some(&key), sealed.clone()).expect("opens"), photo);
        assert!(open_file(Some(&[8u8; 32]), sealed.clone()).is_err(), "another key does not open it");
        assert!(open_file(None, sealed.clone()).is_err(), "nor no key");
        let mut damaged = sealed;
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        assert!(open_file(Some(&key), damaged).is_err(), "a changed byte is refused, not shown");
        assert_eq!(open_file(Some(&key), photo.clone()).expect("plain"), photo, "an unsealed file reads as it is");
        assert_eq!(seal_file(None, &photo).expect("plain store"), photo, "a plain store's files stay plain");
    }
}
