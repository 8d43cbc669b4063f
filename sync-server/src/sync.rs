//! `POST /v1/sync`: one request stores the device's pushes and answers with the log past its
//! cursor. Each pushed document succeeds or fails on its own; the answer is sent only after
//! every accepted change is durable.

use std::collections::HashSet;

use automerge::sync::{Message, State, SyncDoc};
use automerge::Automerge;
use axum::body::Bytes;
use axum::extract::State as AxState;
use axum::http::header;
use axum::response::IntoResponse;
use taizhang_doc::DocId;
use taizhang_server_db::PushResult;
use taizhang_sync::{
    decode_request, decode_sync_message, encode_response, parse_changes, DocChanges, DocOutcome, DocPush, DocResult,
    Hash, ParsedChange, SyncResponse, MAX_BATCH_BYTES, PROTOCOL_VERSION,
};
use uuid::Uuid;

use crate::{ApiError, AppState};

fn rejected(doc: String, code: &str, message: String) -> DocResult {
    DocResult {
        doc,
        outcome: DocOutcome::Rejected { code: code.into(), message },
        heads: Vec::new(),
        sync_message: None,
    }
}

pub async fn sync(AxState(st): AxState<AppState>, body: Bytes) -> Result<impl IntoResponse, ApiError> {
    let req = decode_request(&body, st.limits.max_decoded_bytes)?;
    if req.docs.len() > st.limits.max_docs_per_request {
        return Err(ApiError::BadRequest(format!(
            "{} documents in one request; send at most {} per request",
            req.docs.len(),
            st.limits.max_docs_per_request
        )));
    }
    let village = req.village;
    if !st.store.village_exists(village).await? {
        return Err(ApiError::NotFound(format!(
            "village {village} is not on this server: check the server address and the village id"
        )));
    }
    let now = (st.clock)();
    let mut results = Vec::with_capacity(req.docs.len());
    let mut pushed: HashSet<Hash> = HashSet::new();
    for push in req.docs {
        results.push(push_doc(&st, village, push, now, &mut pushed).await?);
    }

    let want = (req.want_bytes as usize).clamp(1, MAX_BATCH_BYTES);
    let page = st.store.read_log(village, req.cursor, want).await?;
    let mut download: Vec<DocChanges> = Vec::new();
    for entry in page.entries {
        if pushed.contains(&entry.hash) {
            continue; // the device has it: it just sent it
        }
        match download.iter_mut().find(|d| d.doc == entry.doc) {
            Some(d) => d.changes.push(entry.bytes),
            None => download.push(DocChanges { doc: entry.doc, changes: vec![entry.bytes], heads: Vec::new() }),
        }
    }
    for d in &mut download {
        d.heads = st.store.heads(village, &d.doc).await?;
    }
    let resp = SyncResponse {
        version: PROTOCOL_VERSION,
        results,
        download,
        cursor: page.cursor,
        more: page.more,
        server_time: now,
    };
    Ok(([(header::CONTENT_TYPE, "application/x-taizhang-sync")], encode_response(&resp)))
}

/// The answer for one document the storage has dealt with.
fn doc_result(doc: String, outcome: PushResult, sync_message: Option<Vec<u8>>) -> DocResult {
    match outcome {
        PushResult::Stored { new, heads } => {
            DocResult { doc, outcome: DocOutcome::Accepted { new }, heads, sync_message }
        }
        PushResult::MissingDeps { heads, .. } => {
            DocResult { doc, outcome: DocOutcome::MissingDeps, heads, sync_message }
        }
    }
}

async fn push_doc(
    st: &AppState,
    village: Uuid,
    push: DocPush,
    now: i64,
    pushed: &mut HashSet<Hash>,
) -> Result<DocResult, ApiError> {
    let doc = push.doc;
    if let Err(e) = doc.parse::<DocId>() {
        return Ok(rejected(doc, "bad_doc", e.to_string()));
    }
    if let Some(message) = push.sync_message {
        return fallback(st, village, doc, message, now).await;
    }
    let parsed = match parse_changes(&doc, push.changes) {
        Ok(p) => p,
        Err(e) => return Ok(rejected(doc, "bad_change", e.to_string())),
    };
    pushed.extend(parsed.iter().map(|c| c.hash));
    let outcome = st.store.push(village, &doc, parsed, now).await?;
    Ok(doc_result(doc, outcome, None))
}

/// The fallback exchange for a document whose confirmed heads the server does not know:
/// Automerge's own sync protocol, with a fresh state each round (the server keeps none).
async fn fallback(
    st: &AppState,
    village: Uuid,
    doc: String,
    message: Vec<u8>,
    now: i64,
) -> Result<DocResult, ApiError> {
    let stored = st.store.doc_changes(village, &doc).await?;
    let doc_name = doc.clone();
    let outcome = tokio::task::spawn_blocking(move || -> Result<(Vec<ParsedChange>, Option<Vec<u8>>), String> {
        let message = decode_sync_message(&message)?;
        let mut am = Automerge::new();
        for bytes in &stored {
            taizhang_sync::load_untrusted(&mut am, bytes).map_err(|e| format!("stored document is unreadable: {e}"))?;
        }
        let before = am.get_heads();
        let mut state = State::new();
        taizhang_sync::receive_untrusted(&mut am, &mut state, message)?;
        let raw = am.get_changes(&before).iter().map(|c| c.raw_bytes().to_vec()).collect();
        let new = parse_changes(&doc_name, raw).map_err(|e| e.to_string())?;
        let reply = am.generate_sync_message(&mut state).map(Message::encode);
        Ok((new, reply))
    })
    .await;
    let (new, reply) = match outcome {
        Ok(Ok(x)) => x,
        Ok(Err(reason)) => return Ok(rejected(doc, "bad_sync_message", reason)),
        Err(join) => {
            tracing::error!(%join, doc, "fallback sync task failed");
            return Ok(rejected(doc, "internal", "this document could not be synced; try again later".into()));
        }
    };
    let outcome = st.store.push(village, &doc, new, now).await?;
    Ok(doc_result(doc, outcome, reply))
}
