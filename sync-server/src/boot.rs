//! Fresh devices from saved forms (issue 23): the answer to a device that set
//! `taizhang_sync::SAVED_FORMS` and reads from cursor 0 or from a `BootCursor`. Its first
//! request fixes `C`, the log's last position; every document with a change at or before `C`
//! (sorted by name, `ServerStore::boot_docs`) then goes down whole, one saved form per
//! document, in batches of about [`BOOT_BATCH_BYTES`], the cursor saying which document comes
//! next; after the last one the cursor is `C` and the device reads the log after it as usual.
//!
//! A document's form is the saved form kept for it (`snapshot.rs`, made without deflated
//! columns) when nothing was stored after it, else the kept form and the changes after it
//! loaded and saved again (`save_for_network`) — and kept, when enough changes had gathered, so
//! the next fresh device is sent it as it is. A form holds everything stored when it is read,
//! possibly changes after `C` too: the log after `C` then sends those again, which the device
//! takes as duplicates. No signature goes with a form (see README, "Sync protocol").

use taizhang_server_db::ServerStore;
use taizhang_sync::{
    heads_of, load_stored, save_for_network, saved_form_within, BootCursor, DocChanges, MAX_DECODED_BYTES,
    MAX_SAVED_FORM,
};
use uuid::Uuid;

use crate::ApiError;

/// Saved-form bytes per answer (uncompressed; `Limits::saved_form_bytes`). Forms made without
/// deflate shrink about 5.7-fold under the body's zstd (measured by the growth bench: 240 KB
/// a page went down as 42 KB on average), so an answer is about 75 KB on the wire, 15 s at
/// 40 kbit/s — what a cut can cost, once: a finished page is never sent again. Sized so that
/// three years of a 1,000-household village (588 KB on the wire) come in at most 10 requests
/// (issue 23); pages of 240 KB took 14.
pub const BOOT_BATCH_BYTES: usize = 420 * 1024;

/// The most `Limits::saved_form_bytes` is taken to be (see [`boot_page`]).
const MAX_BOOT_BUDGET: usize = 512 * 1024;
const _: () = assert!(MAX_SAVED_FORM + MAX_BOOT_BUDGET + 2 * taizhang_sync::MAX_DOWNLOAD_BYTES < MAX_DECODED_BYTES);

/// Changes gathered past the kept form for a form made here to be kept in its place.
const KEEP_AFTER: usize = 16;

/// One answer's worth of saved forms.
pub(crate) struct BootPage {
    pub(crate) download: Vec<DocChanges>,
    /// The cursor after this page: a boot cursor while documents remain, else `C`.
    pub(crate) cursor: u64,
    /// Every document is sent: the log after `cursor` may follow in the same answer.
    pub(crate) done: bool,
    pub(crate) bytes: usize,
}

/// The next page of saved forms for a device at `cursor` (0 or a boot cursor), or `None` when
/// this device is better served change by change: an empty log, a position the boot cursor
/// cannot hold, or a document whose form is over `MAX_SAVED_FORM` (a device would refuse it).
pub(crate) async fn boot_page(
    store: &dyn ServerStore,
    village: Uuid,
    cursor: u64,
    budget: usize,
) -> Result<Option<BootPage>, ApiError> {
    let (upto, next) = match BootCursor::decode(cursor) {
        Some(b) => (Some(b.upto), b.next as usize),
        None if cursor == 0 => (None, 0),
        None => return Ok(None),
    };
    let (upto, docs) = store.boot_docs(village, upto).await?;
    if upto == 0 || (BootCursor { upto, next: 0 }).encode().is_none() {
        return Ok(None);
    }
    // However the server is configured, an answer stays decodable: one form at the cap, the
    // forms before it and a log batch under the device's `MAX_DECODED_BYTES`.
    let budget = budget.min(MAX_BOOT_BUDGET);
    let mut page = BootPage { download: Vec::new(), cursor: upto, done: true, bytes: 0 };
    for (i, doc) in docs.iter().enumerate().skip(next) {
        if page.bytes >= budget {
            match (BootCursor { upto, next: u32::try_from(i).unwrap_or(u32::MAX) }).encode() {
                Some(c) => {
                    page.cursor = c;
                    page.done = false;
                    return Ok(Some(page));
                }
                None => return Ok(None),
            }
        }
        let Some(form) = network_form(store, village, doc).await? else { return Ok(None) };
        page.bytes += form.len();
        page.download.push(DocChanges { doc: doc.clone(), changes: vec![form], heads: Vec::new() });
    }
    Ok(Some(page))
}

/// `doc` whole as one saved form without deflated columns, or `None` when it cannot be (a
/// stored change that does not load, a form over the device's cap).
async fn network_form(store: &dyn ServerStore, village: Uuid, doc: &str) -> Result<Option<Vec<u8>>, ApiError> {
    let source = store.snapshot_source(village, doc).await?;
    if source.after.is_empty() {
        if let Some(saved) = &source.saved {
            if saved_form_within(saved, MAX_SAVED_FORM).is_ok() {
                return Ok(source.saved);
            }
        }
    }
    let (upto, keep) = (source.upto, source.after.len() >= KEEP_AFTER);
    let made = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        let am = load_stored(&source.into_chunks())?;
        let form = save_for_network(&am);
        // A form that is kept is checked like `snapshot.rs` checks its own: it loads back to
        // the document's heads (one that is only sent is checked by the device's load).
        if keep && heads_of(&load_stored(std::slice::from_ref(&form))?) != heads_of(&am) {
            return Err("the saved form does not load back to the document's heads".into());
        }
        Ok(form)
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, doc, "making a saved form failed");
        ApiError::Unavailable
    })?;
    match made {
        Ok(form) if form.len() <= MAX_SAVED_FORM => {
            if keep {
                store.put_snapshot(village, doc, upto, form.clone()).await?;
            }
            Ok(Some(form))
        }
        Ok(_) => Ok(None),
        Err(reason) => {
            tracing::warn!(doc, %village, %reason, "a document that does not load whole goes change by change");
            Ok(None)
        }
    }
}
