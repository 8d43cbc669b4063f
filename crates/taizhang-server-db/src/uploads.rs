//! The server's side of the chunked upload protocol (issue 19), over any [`BlobStore`]: what
//! `PUT /v1/blobs/{village}/{hash}` and `GET .../status` do once the caller is authorised.
//! A first chunk is checked before anything is stored (its type by content, an image header's
//! size, the per-file and per-device daily caps); each chunk is durable before it is
//! acknowledged; the whole file is checked (hash, type, bounded decoding) before it is served,
//! and refused whole otherwise. A server killed between the last chunk and that check finishes
//! it on the next chunk or status request.

use taizhang_attach::wire::{decode_chunk, BlobAck};
use taizhang_attach::{blob_hash, media, AttachError, BlobHash, Caps, Kind};
use uuid::Uuid;

use crate::{BlobRow, BlobStore, ChunkOutcome, DbError};

/// A day in milliseconds: the window of the per-device cap.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// What the caller gets: an ack, or why the upload was refused (a 4xx; nothing stored).
pub type Answer = Result<BlobAck, AttachError>;

fn ack(row: &BlobRow) -> BlobAck {
    BlobAck {
        received: row.received,
        total: row.total,
        done: row.done_at.is_some(),
        received_at: row.done_at,
        kind: Some(row.kind),
    }
}

/// Checks a whole upload and marks it stored, or drops it (nothing of it is kept).
async fn finish(
    store: &dyn BlobStore,
    village: Uuid,
    hash: BlobHash,
    row: BlobRow,
    caps: &Caps,
    now: i64,
) -> Result<Answer, DbError> {
    let Some(bytes) = store.blob_bytes(village, hash).await? else {
        return Ok(Err(AttachError::Mismatch("the upload vanished; start it again".into())));
    };
    let Some(kind) = Kind::from_code(row.kind) else {
        store.drop_blob(village, hash).await?;
        return Ok(Err(AttachError::UnsupportedType("unknown kind".into())));
    };
    if bytes.len() as u64 != row.total || blob_hash(&bytes) != hash {
        store.drop_blob(village, hash).await?;
        return Ok(Err(AttachError::WrongHash));
    }
    let thumb = match media::inspect(kind, &bytes, caps) {
        Ok(thumb) => thumb,
        Err(e) => {
            store.drop_blob(village, hash).await?;
            return Ok(Err(e));
        }
    };
    store.finish_blob(village, hash, thumb, now).await?;
    let row = store.blob(village, hash).await?.unwrap_or(BlobRow { done_at: Some(now), ..row });
    Ok(Ok(ack(&row)))
}

/// One chunk frame from `device` for blob `path_hash` of `village`.
pub async fn receive_chunk(
    store: &dyn BlobStore,
    caps: &Caps,
    village: Uuid,
    device: Uuid,
    path_hash: BlobHash,
    frame: &[u8],
    now: i64,
) -> Result<Answer, DbError> {
    let chunk = match decode_chunk(frame) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    if chunk.hash != path_hash {
        return Ok(Err(AttachError::Garbage("the frame names another file than the address".into())));
    }
    let existing = store.blob(village, chunk.hash).await?;
    if existing.is_none() {
        if chunk.offset != 0 {
            return Ok(Err(AttachError::WrongOffset { expected: 0, got: chunk.offset }));
        }
        if let Err(e) = media::check_header(chunk.kind, chunk.bytes, caps) {
            return Ok(Err(e));
        }
        let used = store.device_blob_bytes_since(device, now - DAY_MS).await?;
        if let Err(e) = caps.admit(chunk.total, used) {
            return Ok(Err(e));
        }
    }
    let outcome = store
        .put_chunk(village, chunk.hash, chunk.kind.code(), chunk.total, chunk.offset, chunk.bytes.to_vec(), device, now)
        .await?;
    let row = match outcome {
        ChunkOutcome::Row(row) => row,
        ChunkOutcome::WrongOffset { expected } => {
            return Ok(Err(AttachError::WrongOffset { expected, got: chunk.offset }))
        }
        ChunkOutcome::Mismatch(row) => {
            return Ok(Err(AttachError::Mismatch(format!(
                "the server has {} of {} bytes of a file of kind {}",
                row.received, row.total, row.kind
            ))))
        }
    };
    if row.received == row.total && row.done_at.is_none() {
        return finish(store, village, chunk.hash, row, caps, now).await;
    }
    Ok(Ok(ack(&row)))
}

/// Where the upload of `hash` stands (`None`: the server has none of it): a device asks after
/// a cut and resumes from `received`.
pub async fn blob_status(
    store: &dyn BlobStore,
    caps: &Caps,
    village: Uuid,
    hash: BlobHash,
    now: i64,
) -> Result<Option<Answer>, DbError> {
    let Some(row) = store.blob(village, hash).await? else { return Ok(None) };
    if row.received == row.total && row.done_at.is_none() {
        return finish(store, village, hash, row, caps, now).await.map(Some);
    }
    Ok(Some(Ok(ack(&row))))
}

/// The bytes of a stored, checked blob (never of an upload still under way) and its kind.
pub async fn served_blob(
    store: &dyn BlobStore,
    village: Uuid,
    hash: BlobHash,
) -> Result<Option<(Kind, Vec<u8>)>, DbError> {
    let Some(row) = store.blob(village, hash).await? else { return Ok(None) };
    let (Some(_), Some(kind)) = (row.done_at, Kind::from_code(row.kind)) else { return Ok(None) };
    Ok(store.blob_bytes(village, hash).await?.map(|b| (kind, b)))
}
