//! The sync engine: runs sessions of the one-round-trip protocol over a [`Transport`]. Each
//! answer is applied in ONE store transaction (documents, rows, confirmed heads, cursor), so
//! a crash or a dropped link between two requests leaves the store consistent, and the next
//! request simply resumes from the saved cursor and heads.

use std::collections::{BTreeMap, HashMap};

use automerge::sync::{Message, State};
use automerge::ChangeHash;
use taizhang_doc::DocId;
use taizhang_sync::{
    confirmed_after, plan_push, DocOutcome, DocPush, SyncRequest, MAX_BATCH_BYTES, MAX_DECODED_BYTES,
    MAX_DOWNLOAD_BYTES, PROTOCOL_VERSION, SAVED_FORMS,
};

use taizhang_store::SyncJournalEntry;

use crate::{ClientError, Ledger, Transport, TransportError};

const META_CURSOR: &str = "sync_cursor";
const META_LAST_SYNC: &str = "last_sync_at";
const META_SERVER_TIME: &str = "last_server_time";
/// A session that needs more requests than this is cut short and resumed next time.
const MAX_ROUNDS: u32 = 10_000;
/// Rounds of the fallback exchange for one document before giving up for this session.
const MAX_FALLBACK_ROUNDS: u32 = 8;

/// What one sync session did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncReport {
    pub requests: u32,
    pub bytes_up: u64,
    pub bytes_down: u64,
    pub changes_pushed: u32,
    pub changes_new_on_server: u32,
    pub changes_received: u32,
    pub fallback_docs: u32,
    /// Documents the server refused, with its reason; they stay pending.
    pub rejected: Vec<(String, String)>,
    /// Documents whose unsynced records were re-created under a new actor after the server
    /// refused them as `actor_reused` (another copy of this store wrote with the same actor).
    pub recreated: Vec<String>,
    /// The actor this device took in this session, if it had to (hex).
    pub new_actor: Option<String>,
    /// Documents whose downloaded changes could not be applied (corrupt on the server), with
    /// the reason; the rest of the answer was applied.
    pub skipped_downloads: Vec<(String, String)>,
    /// Documents received whole, as saved forms (a fresh device, issue 23); their changes
    /// count in `changes_received`.
    pub saved_forms: u32,
    pub server_time: i64,
}

fn hashes(v: &[[u8; 32]]) -> Vec<ChangeHash> {
    v.iter().map(|h| ChangeHash(*h)).collect()
}

fn raw(v: &[ChangeHash]) -> Vec<[u8; 32]> {
    v.iter().map(|h| h.0).collect()
}

impl Ledger {
    /// The server log cursor this device has reached.
    pub fn sync_cursor(&self) -> Result<u64, ClientError> {
        Ok(self.store.meta(META_CURSOR)?.and_then(|c| c.parse().ok()).unwrap_or(0))
    }

    /// When the last sync session finished (device clock, UTC ms).
    pub fn last_sync_at(&self) -> Result<Option<i64>, ClientError> {
        Ok(self.store.meta(META_LAST_SYNC)?.and_then(|c| c.parse().ok()))
    }

    /// Runs one sync session: pushes every unconfirmed change and pulls everything new, in
    /// as many batches as needed. On error, everything applied so far stays applied.
    pub async fn sync(&mut self, transport: &dyn Transport, now: i64) -> Result<SyncReport, ClientError> {
        let mut report = SyncReport::default();
        let result = self.sync_session(transport, now, &mut report).await.map_err(|e| match e {
            // 410 Gone: ordered to erase; everything it had was pushed before this answer.
            ClientError::Transport(TransportError::Status { status: 410, message }) => {
                ClientError::WipeOrdered(message)
            }
            e => e,
        });
        if result.is_err() {
            // Loaded documents may hold changes of an answer that was not committed: reload
            // them from the store, which holds exactly what was committed.
            self.docs.clear();
        }
        // The journal is bookkeeping for the Sync screen: failing to write it fails nothing.
        let entry = SyncJournalEntry {
            at: now,
            ok: result.is_ok(),
            requests: report.requests,
            bytes_up: report.bytes_up,
            bytes_down: report.bytes_down,
            pushed: report.changes_pushed,
            received: report.changes_received,
            error: result.as_ref().err().map(|e| e.to_string()),
        };
        if let Ok(tx) = self.store.transaction() {
            if tx.journal_sync(&entry).is_ok() {
                let _ = tx.commit();
            }
        }
        if result.is_ok() {
            // Certificates and the revocation list for sync between teammates (best effort).
            self.refresh_peer_credentials_if_due(transport, now).await;
        }
        result.map(|()| report)
    }

    async fn sync_session(
        &mut self,
        transport: &dyn Transport,
        now: i64,
        report: &mut SyncReport,
    ) -> Result<(), ClientError> {
        let mut fallback: HashMap<DocId, (State, u32)> = HashMap::new();
        let mut refused: Vec<String> = Vec::new();
        // Whether this device asks for saved forms (issue 23); off for the rest of the session
        // once one of them could not be loaded (the log is then read from the start).
        let mut saved_forms = self.saved_forms;
        loop {
            if report.requests >= MAX_ROUNDS {
                return Err(ClientError::TooManyRounds(report.requests));
            }
            // What to push: unconfirmed changes of dirty documents, in budgeted batches.
            let dirty: Vec<DocId> = self
                .pending_docs()?
                .iter()
                .filter(|d| !refused.contains(d))
                .filter_map(|d| d.parse().ok())
                .filter(|d| !fallback.contains_key(d))
                .collect();
            let mut confirmed: BTreeMap<DocId, Vec<ChangeHash>> = BTreeMap::new();
            for id in &dirty {
                self.doc(*id)?;
                confirmed.insert(*id, hashes(&self.store.confirmed_heads(&id.to_string())?));
            }
            let plan = plan_push(
                dirty.iter().filter_map(|id| Some((id.to_string(), self.docs.get(id)?, confirmed.get(id)?.as_slice()))),
                MAX_BATCH_BYTES,
            );
            let mut docs = plan.docs.clone();
            let mut fallback_sent = Vec::new();
            for (id, (state, rounds)) in fallback.iter_mut() {
                let doc = self.doc_ref(*id)?;
                if *rounds < MAX_FALLBACK_ROUNDS {
                    // Speak v1 messages: changes only, never a whole saved document, whose
                    // deflated columns the server could not bound before Automerge inflates
                    // them (the server refuses document and bundle chunks).
                    state.their_capabilities = Some(vec![automerge::sync::Capability::MessageV1]);
                    // The state holds what the server sent: a crafted message must not crash
                    // the app; the document just leaves the fallback for this session.
                    let next = taizhang_sync::generate_untrusted(doc, state).unwrap_or_else(|reason| {
                        report.skipped_downloads.push((id.to_string(), reason));
                        None
                    });
                    if let Some(msg) = next {
                        docs.push(DocPush {
                            doc: id.to_string(),
                            changes: Vec::new(),
                            sync_message: Some(msg.encode()),
                        });
                        fallback_sent.push(*id);
                        *rounds += 1;
                    }
                }
            }
            fallback.retain(|id, _| fallback_sent.contains(id));
            let cursor = self.sync_cursor()?;
            let req = SyncRequest {
                version: PROTOCOL_VERSION,
                village: self.village_id().0,
                cursor,
                want_bytes: MAX_DOWNLOAD_BYTES as u32 | if saved_forms { SAVED_FORMS } else { 0 },
                docs,
            };
            let body = self.signed_body(&req)?; // with the changes' signatures (taizhang-peer)
            report.bytes_up += body.len() as u64;
            let sent = self.post_sync(transport, body, now).await;
            // Every HTTP request counts, sign-in included (also when the sync then fails).
            report.requests += match &sent {
                Ok((_, n)) => *n,
                Err(_) => 1,
            };
            let (answer, _) = sent?;
            // The boot clock as the answer arrives: the anchor of the changes made until the
            // next sync (issue 17).
            let answered_at = self.uptime.now();
            report.bytes_down += answer.len() as u64;
            // With the authors' signatures of what came down (a server from before them sends
            // none): kept, so these changes can go on to a teammate's phone (issue 20).
            let (resp, trailer) = taizhang_peer::decode_signed_response(&answer, MAX_DECODED_BYTES)?;
            // Batches name their members by position among the answer's changes.
            let down_proofs = match trailer.batches.is_empty() {
                true => trailer.resolve(&[]),
                false => trailer.resolve(&taizhang_peer::response_hashes(&resp)),
            };
            report.server_time = resp.server_time;

            // Apply the whole answer in one store transaction.
            let mut befores: BTreeMap<DocId, Vec<ChangeHash>> = BTreeMap::new();
            let mut recreated_now = false;
            let mut new_confirmed: BTreeMap<DocId, Vec<ChangeHash>> = BTreeMap::new();
            let mut applied: std::collections::HashSet<[u8; 32]> = std::collections::HashSet::new();
            for result in &resp.results {
                let Ok(id) = result.doc.parse::<DocId>() else { continue };
                match &result.outcome {
                    DocOutcome::Accepted { new } => {
                        report.changes_new_on_server += new;
                        if let Some(p) = plan.pushed.iter().find(|p| p.doc == result.doc) {
                            report.changes_pushed += p.changes.len() as u32;
                            let base = confirmed.get(&id).cloned().unwrap_or_default();
                            new_confirmed.insert(id, confirmed_after(&base, &p.changes));
                        }
                        if let (Some(msg), Some((state, _))) = (&result.sync_message, fallback.get_mut(&id)) {
                            let msg =
                                Message::decode(msg).map_err(|e| taizhang_sync::SyncError::Malformed(e.to_string()))?;
                            let doc = self.doc(id)?;
                            befores.entry(id).or_insert_with(|| doc.get_heads());
                            taizhang_sync::receive_untrusted(doc, state, msg)
                                .map_err(|e| taizhang_sync::SyncError::Malformed(format!("{}: {e}", result.doc)))?;
                        }
                        if fallback.contains_key(&id) && self.has_all(id, &hashes(&result.heads))? {
                            new_confirmed.insert(id, hashes(&result.heads));
                        }
                    }
                    DocOutcome::MissingDeps => {
                        // The server lost changes we thought it had: fall back to Automerge's
                        // own sync messages for this document.
                        report.fallback_docs += 1;
                        fallback.insert(id, (State::new(), 0));
                    }
                    DocOutcome::Rejected { code, .. }
                        if code == taizhang_sync::ACTOR_REUSED && !report.recreated.contains(&result.doc) =>
                    {
                        // Another copy of this store wrote with our actor: take a new one
                        // (once per session) and write the unsynced records again under it;
                        // they go up in the next request.
                        if report.new_actor.is_none() {
                            report.new_actor = Some(hex::encode(self.take_new_actor(transport).await?));
                        }
                        self.recreate_unsynced(id, now)?;
                        fallback.remove(&id);
                        report.recreated.push(result.doc.clone());
                        recreated_now = true;
                    }
                    DocOutcome::Rejected { code, message } => {
                        report.rejected.push((result.doc.clone(), format!("{code}: {message}")));
                        refused.push(result.doc.clone());
                        fallback.remove(&id);
                    }
                }
            }
            let mut next_cursor = resp.cursor;
            for dl in &resp.download {
                let Ok(id) = dl.doc.parse::<DocId>() else { continue };
                let mut added = Vec::with_capacity(dl.changes.len());
                // A document sent whole opens with its saved form (only to a device that asked).
                let mut changes = dl.changes.as_slice();
                let form = changes.first().filter(|c| saved_forms && taizhang_sync::is_saved_document(c));
                let mut before_form = None;
                if let Some(form) = form {
                    changes = &changes[1..];
                    let doc = self.doc(id)?;
                    let before = doc.get_heads();
                    befores.entry(id).or_insert_with(|| before.clone());
                    match taizhang_sync::load_saved_form(doc, form) {
                        Ok(()) => {
                            report.saved_forms += 1;
                            // The changes the form brought (metadata only: nothing is decoded).
                            report.changes_received += doc.get_changes_meta(&before).len() as u32;
                            before_form = Some(before);
                        }
                        Err(reason) => {
                            // Never skipped silently: this session reads the log from the start,
                            // change by change, so nothing of this document is lost.
                            report.skipped_downloads.push((dl.doc.clone(), format!("saved form: {reason}")));
                            self.docs.remove(&id);
                            saved_forms = false;
                            next_cursor = 0;
                            continue;
                        }
                    }
                }
                let parsed: Result<Vec<_>, String> = changes
                    .iter()
                    .map(|bytes| {
                        let c = taizhang_sync::parse_raw_change(bytes)?;
                        added.push((c.hash(), c.deps().to_vec()));
                        Ok(c)
                    })
                    .collect();
                let base = match new_confirmed.get(&id) {
                    Some(c) => c.clone(),
                    None => hashes(&self.store.confirmed_heads(&dl.doc)?),
                };
                let parsed = match parsed {
                    Ok(p) => p,
                    Err(reason) => {
                        report.skipped_downloads.push((dl.doc.clone(), reason));
                        continue;
                    }
                };
                report.changes_received += parsed.len() as u32;
                let doc = self.doc(id)?;
                befores.entry(id).or_insert_with(|| doc.get_heads());
                if taizhang_sync::apply_untrusted(doc, parsed).is_err() {
                    // One corrupt change must not stop the rest: reload the document and apply
                    // the changes one by one, leaving out each one Automerge refuses; then
                    // confirm only what the document really holds.
                    let form = form.map(Vec::as_slice);
                    self.apply_one_by_one(id, form, changes, &mut report.skipped_downloads)?;
                    let doc = self.doc(id)?;
                    added.retain(|(h, _)| taizhang_sync::has_change(doc, h));
                }
                applied.extend(added.iter().map(|(h, _)| h.0));
                let server_heads = hashes(&dl.heads);
                let c = match (self.has_all(id, &server_heads)?, before_form) {
                    (true, _) => server_heads,
                    (false, None) => confirmed_after(&base, &added),
                    // The server's heads moved past the form: what came is everything since.
                    (false, Some(before)) => {
                        let doc = self.doc(id)?;
                        let all: Vec<_> = doc.get_changes_meta(&before).into_iter().map(|c| (c.hash, c.deps)).collect();
                        confirmed_after(&base, &all)
                    }
                };
                new_confirmed.insert(id, c);
            }
            let tx = self.store.transaction()?;
            for (id, before) in &befores {
                crate::ledger::persist_in(&self.docs, &tx, *id, before, false)?;
            }
            for (id, heads) in &new_confirmed {
                tx.set_confirmed_heads(&id.to_string(), &raw(heads))?;
                let local = self.docs.get(id).map(|d| d.get_heads()).unwrap_or_default();
                let mut sorted = heads.clone();
                sorted.sort();
                if local == sorted {
                    tx.set_dirty(&id.to_string(), false)?;
                }
            }
            let applied: Vec<[u8; 32]> = applied.into_iter().collect();
            crate::peer::keep_proofs(&tx, &down_proofs, &applied)?;
            tx.set_meta(META_CURSOR, &next_cursor.to_string())?;
            tx.set_meta(META_SERVER_TIME, &resp.server_time.to_string())?;
            if let Some(reading) = &answered_at {
                tx.set_meta(crate::ledger::META_ANCHOR, &crate::uptime::anchor_meta(resp.server_time, reading))?;
            }
            tx.set_meta(crate::auth::META_CLOCK_OFFSET, &(resp.server_time - now).to_string())?;
            if let Some(token) = &resp.token {
                tx.set_meta(crate::auth::META_TOKEN, token)?;
            }
            tx.commit()?;

            let more_push = !plan.complete;
            if !resp.more && next_cursor == resp.cursor && !more_push && fallback.is_empty() && !recreated_now {
                break;
            }
        }
        let tx = self.store.transaction()?;
        tx.set_meta(META_LAST_SYNC, &now.to_string())?;
        tx.commit()?;
        Ok(())
    }

    /// Re-applies `changes` to document `id` one at a time after reloading it from the store
    /// (and the saved form `form` that came with them, already loaded once), skipping (and
    /// reporting) those that cannot be applied. Slow, but only for corrupt input.
    fn apply_one_by_one(
        &mut self,
        id: DocId,
        form: Option<&[u8]>,
        changes: &[Vec<u8>],
        skipped: &mut Vec<(String, String)>,
    ) -> Result<(), ClientError> {
        let parse = |bytes: &[u8]| {
            taizhang_sync::parse_raw_change(bytes)
                .map_err(|e| ClientError::from(taizhang_sync::SyncError::Malformed(format!("{id}: {e}"))))
        };
        let mut good: Vec<&[u8]> = Vec::new();
        self.reload_with(id, form)?;
        for bytes in changes {
            let c = parse(bytes)?;
            let hash = c.hash();
            let doc = self.doc(id)?;
            match taizhang_sync::apply_untrusted(doc, vec![c]) {
                Ok(()) => good.push(bytes),
                Err(reason) => {
                    skipped.push((id.to_string(), format!("change {hash}: {reason}")));
                    // The failed apply may have left the document half-changed: rebuild it
                    // from the store and the changes that applied cleanly.
                    self.reload_with(id, form)?;
                    let again = good.iter().map(|b| parse(b)).collect::<Result<Vec<_>, _>>()?;
                    let doc = self.doc(id)?;
                    taizhang_sync::apply_untrusted(doc, again)
                        .map_err(|e| taizhang_sync::SyncError::Malformed(format!("{id}: {e}")))?;
                }
            }
        }
        Ok(())
    }

    /// Drops document `id` from memory and loads it again from the store, then `form`.
    fn reload_with(&mut self, id: DocId, form: Option<&[u8]>) -> Result<(), ClientError> {
        self.docs.remove(&id);
        let doc = self.doc(id)?;
        if let Some(form) = form {
            taizhang_sync::load_saved_form(doc, form)
                .map_err(|e| taizhang_sync::SyncError::Malformed(format!("{id}: {e}")))?;
        }
        Ok(())
    }

    fn doc_ref(&mut self, id: DocId) -> Result<&automerge::Automerge, ClientError> {
        Ok(&*self.doc(id)?)
    }

    fn has_all(&mut self, id: DocId, heads: &[ChangeHash]) -> Result<bool, ClientError> {
        let doc = self.doc(id)?;
        Ok(heads.iter().all(|h| taizhang_sync::has_change(doc, h)))
    }
}
