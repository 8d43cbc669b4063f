//! `POST /v1/sync`: one request stores the device's pushes and answers with the log past its
//! cursor. Each pushed document succeeds or fails on its own; the answer is sent only after
//! every accepted change is durable. The device is authenticated first ([`Caller`]); it reads
//! only a village it may read, and each pushed document is checked (actor, permissions) inside
//! the transaction that stores it.
//!
//! Storage round trips per request: the caller's device and account (2), the village's place
//! (1), one per pushed document (`push_checked`; none for a document refused by its actors,
//! one more for a document in the fallback exchange), the log page (1), the heads of every
//! downloaded document together (1, when there is a download) and, for a device that reads
//! them, what vouches for the downloaded changes — single signatures and batches (1, when
//! there is a download). A fresh device
//! that loads saved forms (`boot.rs`) costs one more for its list of documents and one per
//! document sent whole (two when its form is made again and kept).

use std::collections::HashSet;
use std::sync::Arc;

use automerge::sync::{Message, State};
use axum::extract::State as AxState;
use axum::http::header;
use axum::response::IntoResponse;
use taizhang_auth::{device_access, may_read, DeviceAccess, DeviceRequest, DeviceState, DocRef, Place, Principal};
use taizhang_peer::{BatchSig, Proofs, Trailer};
use taizhang_server_db::{ChangeProofs, Checked, Device, PushResult};
use taizhang_sync::{
    decode_sync_message, encode_response, parse_changes, BootCursor, DocChanges, DocOutcome, DocPush, DocResult, Hash,
    ParsedChange, SyncError, SyncResponse, MAX_DOWNLOAD_BYTES, PROTOCOL_VERSION, SAVED_FORMS,
};

use crate::caller::{Caller, SignedCaller};
use crate::permit::push_check;
use crate::{ApiError, AppState};

/// Most log pages read for one answer (each holds at least one change; the device's own
/// changes of the request are skipped, so a second page is the usual most).
const MAX_LOG_PAGES: usize = 8;

/// One pushed document's changes, parsed (or why they could not be).
type Parsed = Result<Vec<ParsedChange>, SyncError>;

/// Who pushes, and where.
pub(crate) struct Pusher<'a> {
    pub(crate) device: &'a Device,
    pub(crate) principal: Principal,
    pub(crate) place: Place,
}

pub(crate) fn rejected(doc: String, code: &str, message: String) -> DocResult {
    DocResult {
        doc,
        outcome: DocOutcome::Rejected { code: code.into(), message },
        heads: Vec::new(),
        sync_message: None,
    }
}

pub async fn sync(AxState(st): AxState<AppState>, signed: SignedCaller) -> Result<impl IntoResponse, ApiError> {
    let SignedCaller { caller: Caller { device, account, now, proven }, body } = signed;
    // With what vouches for the pushed changes, when the device sends it (taizhang-peer).
    let taizhang_peer::SignedRequest { mut req, trailer } =
        taizhang_peer::decode_signed_request(&body, st.limits.max_decoded_bytes)?;
    if req.docs.len() > st.limits.max_docs_per_request {
        return Err(ApiError::BadRequest(format!(
            "{} documents in one request; send at most {} per request",
            req.docs.len(),
            st.limits.max_docs_per_request
        )));
    }
    // One document at most once per request: 512 copies of one push in a tiny body would
    // otherwise cost the server 512 checks.
    let mut seen = HashSet::with_capacity(req.docs.len());
    if let Some(dup) = req.docs.iter().find(|d| !seen.insert(d.doc.as_str())) {
        return Err(ApiError::BadRequest(format!(
            "document {} appears more than once in this request; send each document once",
            dup.doc.chars().take(80).collect::<String>()
        )));
    }
    // A device ordered to erase itself (issue 21): what it pushes is stored as usual, nothing
    // is sent down and it is asked to go on; once it has nothing left to push it is told to
    // erase (410).
    let pushes = req.docs.iter().any(|d| !d.changes.is_empty() || d.sync_message.is_some());
    let access =
        device_access(DeviceState::of(device.revoked_at, device.wipe_ordered_at), DeviceRequest::Sync { pushes }, true);
    match access {
        DeviceAccess::Allow | DeviceAccess::PushOnly => {}
        DeviceAccess::Wipe => {
            tracing::info!(device = %device.id, "told to erase its store (wipe order)");
            return Err(ApiError::Wipe);
        }
        DeviceAccess::Refuse => return Err(ApiError::Forbidden("this device was revoked by the administrator".into())),
    }
    let village = req.village;
    let Some(place) = st.accounts.village_place(village).await? else {
        return Err(ApiError::NotFound(format!(
            "village {village} is not on this server: check the server address and the village id"
        )));
    };
    // Nothing of a village the account may not read is sent, not even its heads.
    let p = account.principal();
    may_read(&p, &place).map_err(|d| ApiError::Forbidden(format!("{}: {}", d.code, d.message)))?;
    let pusher = Pusher { device: &device, principal: p, place };
    // Every document's changes parsed first: a batch signature names its members by their
    // position among all the body's changes (trailer version 2).
    let counts: Vec<usize> = req.docs.iter().map(|d| d.changes.len()).collect();
    let parsed: Vec<Parsed> = req
        .docs
        .iter_mut()
        .map(|d| match d.sync_message.is_some() {
            true => Ok(Vec::new()),
            false => parse_changes(&d.doc, std::mem::take(&mut d.changes)),
        })
        .collect();
    let proofs = match trailer.present() {
        false => Proofs::default(),
        true => {
            let mut hashes: Vec<Option<Hash>> = Vec::new();
            for (count, p) in counts.iter().zip(&parsed) {
                match p {
                    Ok(changes) => hashes.extend(changes.iter().map(|c| Some(c.hash))),
                    // A document that does not parse (refused as `bad_change`) names nothing:
                    // a batch with a member there is left out, and what it would have vouched
                    // for is judged without it.
                    Err(_) => hashes.extend(std::iter::repeat_n(None, *count)),
                }
            }
            trailer.resolve(&hashes)
        }
    };
    let mut pushed: HashSet<Hash> = HashSet::new();
    // Logs before team documents: a month filed offline arrives with the diary written before
    // it, and those entries must be stored before the filing that freezes them (a record is
    // never refused for arriving late). The answer keeps the request's order.
    let mut docs: Vec<(usize, (DocPush, Parsed))> = req.docs.into_iter().zip(parsed).enumerate().collect();
    docs.sort_by_key(|(i, (d, _))| {
        let rank = match d.doc.split('/').next() {
            Some("registry") => 0,
            Some("log") => 1,
            Some("team") => 2,
            _ => 3,
        };
        (rank, *i)
    });
    let mut answered = Vec::with_capacity(docs.len());
    for (i, (push, parsed)) in docs {
        answered.push((i, push_doc(&st, &pusher, push, parsed, now, &mut pushed, &proofs).await?));
    }
    answered.sort_by_key(|(i, _)| *i);
    let results: Vec<DocResult> = answered.into_iter().map(|(_, r)| r).collect();

    if results.iter().any(|r| matches!(r.outcome, DocOutcome::Accepted { new } if new > 0)) {
        st.county.model.notify(village); // the county view refreshes in the background
    }
    if access == DeviceAccess::PushOnly {
        let resp = SyncResponse {
            version: PROTOCOL_VERSION,
            results,
            download: Vec::new(),
            cursor: req.cursor,
            more: true,
            server_time: now,
            token: None,
        };
        return Ok(([(header::CONTENT_TYPE, "application/x-taizhang-sync")], encode_response(&resp)));
    }
    // The capability bit of a device that loads saved forms (issue 23); an older server's
    // clamp drops it.
    let saved_forms = req.want_bytes & SAVED_FORMS != 0 && st.limits.saved_form_bytes > 0;
    let want = ((req.want_bytes & !SAVED_FORMS) as usize).clamp(1, MAX_DOWNLOAD_BYTES);
    // The budget is for what goes down: the device's own changes of this request are in the
    // log too but are not sent back, so the log is read on past them (a week offline pushes
    // its week and still gets everyone else's in the same answer).
    let mut download: Vec<DocChanges> = Vec::new();
    // The hash of each change sent down, per downloaded document (`None`: a saved form).
    let mut sent_hashes: Vec<Vec<Option<Hash>>> = Vec::new();
    let (mut cursor, mut more, mut sent) = (req.cursor, false, 0usize);
    // A fresh device that loads saved forms: each document whole, then the log after `C`
    // (in the same answer when the last forms leave room for it).
    let mut log_pages = MAX_LOG_PAGES;
    if saved_forms && (cursor == 0 || BootCursor::decode(cursor).is_some()) {
        if let Some(page) =
            crate::boot::boot_page(st.store.as_ref(), village, cursor, st.limits.saved_form_bytes).await?
        {
            download = page.download;
            sent_hashes = download.iter().map(|d| vec![None; d.changes.len()]).collect();
            cursor = page.cursor;
            sent = page.bytes;
            if !page.done {
                (more, log_pages) = (true, 0);
            }
        } else if cursor != 0 {
            // Forms cannot be sent after all (a document over the device's cap): the log
            // from the start, change by change (what a device already has comes as duplicates).
            cursor = 0;
        }
    }
    for _ in 0..log_pages {
        // At least one change past the saved forms, so that `more` says whether the log after
        // `C` holds anything (one request less for a device that has everything).
        let page = st.store.read_log(village, cursor, want.saturating_sub(sent).max(1)).await?;
        for entry in page.entries {
            if pushed.contains(&entry.hash) {
                continue; // the device has it: it just sent it
            }
            sent += entry.bytes.len();
            match download.iter().position(|d| d.doc == entry.doc) {
                Some(i) => {
                    download[i].changes.push(entry.bytes);
                    sent_hashes[i].push(Some(entry.hash));
                }
                None => {
                    download.push(DocChanges { doc: entry.doc, changes: vec![entry.bytes], heads: Vec::new() });
                    sent_hashes.push(vec![Some(entry.hash)]);
                }
            }
        }
        (cursor, more) = (page.cursor, page.more);
        if !more || sent >= want {
            break;
        }
    }
    if !download.is_empty() {
        let names: Vec<String> = download.iter().map(|d| d.doc.clone()).collect();
        let heads = st.store.heads_many(village, &names).await?;
        for (d, h) in download.iter_mut().zip(heads) {
            d.heads = h;
        }
    }
    let resp = SyncResponse {
        version: PROTOCOL_VERSION,
        results,
        download,
        cursor,
        more,
        server_time: now,
        // Renewed only for a request that proved it holds the device key: a captured token
        // dies at its expiry.
        token: match proven {
            true => Some(st.key.get(st.accounts.as_ref()).await?.issue_token(device.id, now).token),
            false => None,
        },
    };
    // What vouches for what goes down (its authors' signatures, single or batched), for a
    // device that reads it (it passes the changes on to teammates' phones with it), in the
    // trailer version the device spoke: one more round trip, only with a download.
    let body = match trailer.present() {
        false => encode_response(&resp),
        true => {
            let hashes: Vec<Option<Hash>> = sent_hashes.into_iter().flatten().collect();
            let wanted: Vec<Hash> = hashes.iter().flatten().copied().collect();
            let kept = match wanted.is_empty() {
                true => ChangeProofs::default(),
                false => st.signatures.change_proofs(village, &wanted).await?,
            };
            let answer = Trailer::for_body(trailer.version, &hashes, &peer_proofs(kept));
            taizhang_peer::encode_response_with(&resp, &answer)
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/x-taizhang-sync")], body))
}

/// What the store keeps, as the peer crate judges and sends it.
fn peer_proofs(kept: ChangeProofs) -> Proofs {
    let mut proofs = Proofs::default();
    for (hash, sig) in kept.singles {
        proofs.add_single(hash, sig);
    }
    for (b, covered) in kept.batches {
        proofs.add_batch(Arc::new(BatchSig::new(b.signature, b.members)), covered);
    }
    proofs
}

/// Stores `new` of one document if the caller may (decided in the same transaction), else
/// says why not, keeping `keep` (what vouches for the changes) in that transaction when they
/// are stored. Nothing is stored for a refused document; other documents are not affected.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn checked_push(
    st: &AppState,
    pusher: &Pusher<'_>,
    doc: String,
    doc_ref: DocRef,
    new: Vec<ParsedChange>,
    now: i64,
    sync_message: Option<Vec<u8>>,
    keep: ChangeProofs,
) -> Result<DocResult, ApiError> {
    let refused = |doc: String, code: String, message: String| {
        tracing::warn!(device = %pusher.device.id, doc, code, "push refused");
        rejected(doc, &code, message)
    };
    let check = match push_check(
        pusher.device,
        pusher.principal.clone(),
        pusher.place,
        doc_ref,
        doc.clone(),
        &new,
        st.limits.records,
    ) {
        Ok(check) => check.keeping(keep),
        Err(r) => return Ok(refused(doc, r.code, r.message)),
    };
    // With one writer (SQLite), the expensive part of the check runs here, beside the other
    // requests', not in the writer.
    let check = match new.is_empty() || !st.store.single_writer() {
        true => check,
        false => {
            let small = new.iter().map(|c| c.bytes.len()).sum::<usize>() <= crate::permit::SMALL_PUSH;
            crate::permit::decide_ahead(st.store.as_ref(), pusher.place.village, &doc, check, small).await
        }
    };
    Ok(match st.store.push_checked(pusher.place.village, &doc, new, now, check).await? {
        Checked::Refused(r) => refused(doc, r.code, r.message),
        Checked::Unplaceable { heads } => {
            DocResult { doc, outcome: DocOutcome::MissingDeps, heads, sync_message: None }
        }
        Checked::Pushed(PushResult::Stored { new, heads }) => {
            if new > 0 {
                crate::snapshot::after_push(&st.store, pusher.place.village, &doc, new);
            }
            DocResult { doc, outcome: DocOutcome::Accepted { new }, heads, sync_message }
        }
        Checked::Pushed(PushResult::MissingDeps { heads, .. }) => {
            DocResult { doc, outcome: DocOutcome::MissingDeps, heads, sync_message }
        }
    })
}

async fn push_doc(
    st: &AppState,
    pusher: &Pusher<'_>,
    push: DocPush,
    parsed: Parsed,
    now: i64,
    pushed: &mut HashSet<Hash>,
    proofs: &Proofs,
) -> Result<DocResult, ApiError> {
    let doc = push.doc;
    let doc_ref = match doc.parse::<DocRef>() {
        Ok(d) => d,
        Err(e) => return Ok(rejected(doc, "bad_doc", e)),
    };
    if let Some(message) = push.sync_message {
        return fallback(st, pusher, doc, doc_ref, message, now).await;
    }
    let parsed = match parsed {
        Ok(p) => p,
        Err(e) => return Ok(rejected(doc, "bad_change", e.to_string())),
    };
    pushed.extend(parsed.iter().map(|c| c.hash));
    if !proofs.is_empty() {
        // Signed changes, possibly relayed from other devices: judged run by run, by author.
        return crate::relay::push_relayed(st, pusher, doc, doc_ref, parsed, proofs, now).await;
    }
    checked_push(st, pusher, doc, doc_ref, parsed, now, None, ChangeProofs::default()).await
}

/// The fallback exchange for a document whose confirmed heads the server does not know:
/// Automerge's own sync protocol, with a fresh state each round (the server keeps none).
async fn fallback(
    st: &AppState,
    pusher: &Pusher<'_>,
    doc: String,
    doc_ref: DocRef,
    message: Vec<u8>,
    now: i64,
) -> Result<DocResult, ApiError> {
    let stored = st.store.doc_saved(pusher.place.village, &doc).await?;
    let doc_name = doc.clone();
    let outcome = tokio::task::spawn_blocking(move || -> Result<(Vec<ParsedChange>, Option<Vec<u8>>), String> {
        let message = decode_sync_message(&message)?;
        let mut am = taizhang_sync::load_stored(&stored)?;
        let before = am.get_heads();
        let mut state = State::new();
        taizhang_sync::receive_untrusted(&mut am, &mut state, message)?;
        let raw = am.get_changes(&before).iter().map(|c| c.raw_bytes().to_vec()).collect();
        let new = parse_changes(&doc_name, raw).map_err(|e| e.to_string())?;
        let reply = taizhang_sync::generate_untrusted(&am, &mut state)?.map(Message::encode);
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
    checked_push(st, pusher, doc, doc_ref, new, now, reply, ChangeProofs::default()).await
}
