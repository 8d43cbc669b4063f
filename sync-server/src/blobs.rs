//! Attachments (issue 19): `PUT /v1/blobs/{village}/{hash}` takes one chunk frame and answers
//! its ack once the chunk is durable; `GET .../status` is where a device resumes after a cut;
//! `GET /v1/blobs/{village}/{hash}` and `.../thumb` serve a stored, checked blob. Authorised
//! like the village's documents: a team member of the village uploads, whoever may read the
//! village downloads. The bodies are `taizhang_server_db::uploads`.

use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use taizhang_attach::{parse_hash, AttachError, BlobHash, Caps};
use taizhang_auth::{may_read, Place, Role};
use taizhang_server_db::uploads;
use uuid::Uuid;

use crate::caller::Caller;
use crate::{ApiError, AppState};

fn refused(e: &AttachError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
    (status, e.to_string()).into_response()
}

/// The caps an upload to a village of `county` meets: the server's own limits, tightened by
/// the county's policy where it is smaller (a county never widens what the server allows).
pub fn county_caps(server: Caps, county: &taizhang_rules::AttachmentPolicy) -> Caps {
    const MIB: u64 = 1024 * 1024;
    Caps {
        max_file_bytes: server.max_file_bytes.min(u64::from(county.max_file_mb) * MIB),
        max_device_bytes_per_day: server.max_device_bytes_per_day.min(u64::from(county.max_device_mb_per_day) * MIB),
        ..server
    }
}

/// The caps of uploads to a village at `place` (its county's policy over the server's limits).
fn caps_of(st: &AppState, place: &Place) -> Caps {
    county_caps(st.limits.attachments, &st.county.policies.rules(place.county).attachments)
}

/// The caller may read the village (and, to upload, is on its team); the hash is well formed.
/// Answers the hash and the village's place (its county decides the caps).
async fn authorise(
    st: &AppState,
    caller: &Caller,
    village: Uuid,
    hash: &str,
    upload: bool,
) -> Result<(BlobHash, Place), ApiError> {
    let hash = parse_hash(hash)
        .ok_or_else(|| ApiError::BadRequest("a blob's address is its SHA-256 in 64 hex digits".into()))?;
    let Some(place) = st.accounts.village_place(village).await? else {
        return Err(ApiError::NotFound(format!("village {village} is not on this server: check the village id")));
    };
    let p = caller.account.principal();
    may_read(&p, &place).map_err(|d| ApiError::Forbidden(format!("{}: {}", d.code, d.message)))?;
    if upload && !matches!(p.role, Role::Member | Role::FirstSecretary) {
        return Err(ApiError::Forbidden("only the village's work team attaches files to its records".into()));
    }
    Ok((hash, place))
}

pub async fn put_chunk(
    AxState(st): AxState<AppState>,
    caller: Caller,
    Path((village, hash)): Path<(Uuid, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (hash, place) = authorise(&st, &caller, village, &hash, true).await?;
    let caps = caps_of(&st, &place);
    match uploads::receive_chunk(st.store_blobs.as_ref(), &caps, village, caller.device.id, hash, &body, caller.now)
        .await?
    {
        Ok(ack) => Ok(Json(ack).into_response()),
        Err(e) => Ok(refused(&e)),
    }
}

pub async fn status(
    AxState(st): AxState<AppState>,
    caller: Caller,
    Path((village, hash)): Path<(Uuid, String)>,
) -> Result<Response, ApiError> {
    let (hash, place) = authorise(&st, &caller, village, &hash, false).await?;
    let caps = caps_of(&st, &place);
    match uploads::blob_status(st.store_blobs.as_ref(), &caps, village, hash, caller.now).await? {
        None => Err(ApiError::NotFound("the server has none of this file yet: send it from offset 0".into())),
        Some(Ok(ack)) => Ok(Json(ack).into_response()),
        Some(Err(e)) => Ok(refused(&e)),
    }
}

pub async fn download(
    AxState(st): AxState<AppState>,
    caller: Caller,
    Path((village, hash)): Path<(Uuid, String)>,
) -> Result<Response, ApiError> {
    let (hash, _) = authorise(&st, &caller, village, &hash, false).await?;
    match uploads::served_blob(st.store_blobs.as_ref(), village, hash).await? {
        Some((kind, bytes)) => Ok(([(header::CONTENT_TYPE, kind.mime())], bytes).into_response()),
        None => Err(ApiError::NotFound("no such file on the server (yet): it may still be uploading".into())),
    }
}

pub async fn thumb(
    AxState(st): AxState<AppState>,
    caller: Caller,
    Path((village, hash)): Path<(Uuid, String)>,
) -> Result<Response, ApiError> {
    let (hash, _) = authorise(&st, &caller, village, &hash, false).await?;
    match st.store_blobs.blob_thumb(village, hash).await? {
        Some(bytes) => Ok(([(header::CONTENT_TYPE, "image/jpeg")], bytes).into_response()),
        None => Err(ApiError::NotFound("no thumbnail of this file (a PDF, or not uploaded yet)".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_county_tightens_the_server_caps_and_never_widens_them() {
        let server = Caps::default();
        let tight = taizhang_rules::AttachmentPolicy { max_file_mb: 2, max_device_mb_per_day: 50 };
        let caps = county_caps(server, &tight);
        assert_eq!((caps.max_file_bytes, caps.max_device_bytes_per_day), (2 << 20, 50 << 20));
        assert_eq!(
            (caps.max_pixels, caps.max_side),
            (server.max_pixels, server.max_side),
            "decoding bounds stay the server's"
        );
        let wide = taizhang_rules::AttachmentPolicy { max_file_mb: 1000, max_device_mb_per_day: 4000 };
        assert_eq!(county_caps(server, &wide), server, "the server's limits hold");
        assert_eq!(county_caps(server, &taizhang_rules::AttachmentPolicy::default()), server, "the defaults agree");
    }
}
