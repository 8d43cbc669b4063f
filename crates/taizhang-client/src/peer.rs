//! Sync between teammates' devices with no network to the server (`taizhang-peer`): the
//! credentials a device fetches from the server at every sync (its certificate, its teammates',
//! the signed revocation list and the server's public key), the signatures of its pushes, and
//! the exchange itself — one device offers ([`Ledger::peer_serve_one`]), another joins
//! ([`Ledger::peer_sync`]), both over the encrypted channel, each judging what it receives as
//! the server would: the change's author's signature and certificate, actor binding, the
//! author's write permission and the records' validity (`judge_touched`), size caps and the
//! `*_untrusted` loaders. What a device accepts from a peer is marked unsynced, so it goes on
//! to the server (with its author's signature) at the next sync.
// The web client (wasm32) signs its pushes and keeps credentials, but has no sockets to pair
// over: the exchange with a teammate is native only.
#![cfg_attr(target_arch = "wasm32", allow(dead_code, unused_imports))]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use automerge::{Automerge, Change, ChangeHash};
use serde::{Deserialize, Serialize};
use taizhang_auth::judge_touched;
use taizhang_doc::{changed_keys, DocId};
#[cfg(not(target_arch = "wasm32"))]
use taizhang_peer::channel::Channel;
use taizhang_peer::wire::{
    binding_message, Credentials, Give, GiveBatch, Hello, Offer, Outcome, ProvenBatch, BATCHED_SINCE, BATCH_BYTES,
    CREDENTIALS_PATH, MAX_BATCHES, PEER_VERSION, PROVEN_SINCE,
};
use taizhang_peer::{runs_by_author, Author, BatchSig, ChangeSig, DeviceCert, PeerError, Proofs, Revocations};
use taizhang_store::{StoreTx, StoredProof};
use taizhang_sync::{Hash, SyncRequest};
#[cfg(not(target_arch = "wasm32"))]
use tokio::net::{TcpListener, TcpStream};

use crate::transport::TransportError;
use crate::{ClientError, Ledger, Transport};

const META_PEER: &str = "peer_credentials";
const META_PEER_AT: &str = "peer_credentials_at";
/// How often a sync also fetches the credentials (device clock): revocations reach the
/// village within this time of a sync.
pub const PEER_CREDENTIALS_EVERY_MS: i64 = 60 * 60 * 1000;

/// What a device holds to meet its teammates offline (kept in the store's `meta`, JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerCredentials {
    pub server_key: Vec<u8>,
    pub cert: DeviceCert,
    /// Teammates' certificates, from the server or from peers (each verified when received).
    pub team: Vec<DeviceCert>,
    pub revocations: Revocations,
}

/// What one peer exchange did (for the screen and the benchmark).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeerReport {
    /// The other device.
    pub peer: Option<uuid::Uuid>,
    pub changes_sent: u32,
    pub changes_received: u32,
    pub bytes_out: u64,
    pub bytes_in: u64,
    /// Documents whose received changes were refused, with the reason in plain words.
    pub refused: Vec<(String, String)>,
    /// What the other side refused of ours.
    pub refused_by_peer: Vec<(String, String)>,
    /// How many messages carried our changes (version 2 cuts them into batches).
    pub batches_sent: u32,
}

fn count_changes(gives: &[ProvenBatch]) -> u32 {
    gives.iter().flat_map(|g| g.give.docs.iter()).map(|(_, c)| c.len() as u32).sum()
}

/// A kept batch as the peer crate checks it (shared by every change it vouches for).
fn batch_of(signature: Vec<u8>, members: Vec<[u8; 32]>) -> Arc<BatchSig> {
    Arc::new(BatchSig::new(signature, members))
}

/// Keeps what vouches for the `accepted` changes of another device (single signatures and
/// batches) in the transaction that stores them, so they go on with it.
pub(crate) fn keep_proofs(tx: &StoreTx<'_>, proofs: &Proofs, accepted: &[Hash]) -> Result<(), ClientError> {
    for (hash, sig) in proofs.singles_of(accepted) {
        tx.put_change_signature(&hash, &sig)?;
    }
    for (b, covered) in proofs.batches_of(accepted) {
        tx.put_change_batch(&b.digest(), &b.sig, &b.members, &covered)?;
    }
    Ok(())
}

/// The teammates a channel trusts: the merged certificates and the newest revocation list.
struct Trust {
    team: Vec<DeviceCert>,
    revocations: Revocations,
    /// The exchange's version: the lower of the two sides'.
    version: u16,
}

impl Trust {
    fn author(&self, actor: &[u8]) -> Option<(Author, &DeviceCert)> {
        let cert = self.team.iter().find(|c| c.body.has_actor(actor))?;
        Some((
            Author {
                device: cert.body.device,
                public_key: cert.body.public_key.clone(),
                revoked: self.revocations.is_revoked(cert.body.device),
            },
            cert,
        ))
    }
}

fn peer_err(e: PeerError) -> ClientError {
    ClientError::Peer(e.to_string())
}

impl Ledger {
    /// The credentials fetched at the last sync (or merged from peers since).
    pub fn peer_credentials(&self) -> Result<Option<PeerCredentials>, ClientError> {
        Ok(self.store.meta(META_PEER)?.and_then(|j| serde_json::from_str(&j).ok()))
    }

    fn save_peer_credentials(&mut self, c: &PeerCredentials) -> Result<(), ClientError> {
        let json = serde_json::to_string(c).map_err(|e| ClientError::Peer(e.to_string()))?;
        let tx = self.store.transaction()?;
        tx.set_meta(META_PEER, &json)?;
        tx.commit()?;
        Ok(())
    }

    /// [`Ledger::refresh_peer_credentials`] after a successful sync, when the device is
    /// enrolled and its credentials are missing or older than [`PEER_CREDENTIALS_EVERY_MS`].
    /// Failures are ignored (an older server has no such endpoint): peers then use what they had.
    pub(crate) async fn refresh_peer_credentials_if_due(&mut self, transport: &dyn Transport, now: i64) {
        if self.credentials().is_err() || self.member().is_none() {
            return;
        }
        let at: Option<i64> = self.store.meta(META_PEER_AT).ok().flatten().and_then(|a| a.parse().ok());
        let due = match at {
            Some(at) => now < at || now - at >= PEER_CREDENTIALS_EVERY_MS,
            None => true,
        };
        if due && self.refresh_peer_credentials(transport).await.is_ok() {
            if let Ok(tx) = self.store.transaction() {
                if tx.set_meta(META_PEER_AT, &now.to_string()).is_ok() {
                    let _ = tx.commit();
                }
            }
        }
    }

    /// Fetches this device's certificate, its teammates' and the revocation list (`POST
    /// /v1/peer/credentials`) and keeps them. Called after every successful sync; a server
    /// without the endpoint (404) leaves what the device had.
    pub async fn refresh_peer_credentials(&mut self, transport: &dyn Transport) -> Result<(), ClientError> {
        let token = match self.store.meta(crate::auth::META_TOKEN)? {
            Some(t) => t,
            None => self.sign_in(transport).await?,
        };
        let answer = match transport.post(CREDENTIALS_PATH, Vec::new(), Some(&token)).await {
            Err(TransportError::Status { status: 401, .. }) => {
                let token = self.sign_in(transport).await?;
                transport.post(CREDENTIALS_PATH, Vec::new(), Some(&token)).await?
            }
            other => other?,
        };
        let got: Credentials = serde_json::from_slice(&answer).map_err(|e| ClientError::Peer(e.to_string()))?;
        // Checked with the key the server just gave over the authenticated link.
        got.cert.verify_signature(&got.server_key).map_err(peer_err)?;
        got.revocations.verify(&got.server_key, self.village_id().0).map_err(peer_err)?;
        let team = got.team.into_iter().filter(|c| c.verify_signature(&got.server_key).is_ok()).collect();
        let kept = self.peer_credentials()?;
        // Never step back to an older revocation list (a peer may have brought a newer one).
        let revocations = Revocations::newer(kept.map(|k| k.revocations), Some(got.revocations))
            .ok_or_else(|| ClientError::Peer("no revocation list".into()))?;
        self.save_peer_credentials(&PeerCredentials { server_key: got.server_key, cert: got.cert, team, revocations })
    }

    /// What vouches for the changes of a push: this device's own changes signed now, in
    /// batches of at most [`taizhang_peer::BATCH_MEMBERS`] (signatures are deterministic: the
    /// same push signs alike), others' from the store (single signatures or their authors'
    /// batches). Empty for a device that is not enrolled.
    pub(crate) fn push_proofs(&self, req: &SyncRequest) -> Result<Proofs, ClientError> {
        let mut proofs = Proofs::default();
        let Ok((_, key)) = self.credentials() else { return Ok(proofs) };
        let mine = self.actor().to_bytes().to_vec();
        let mut own = Vec::new();
        let mut kept: HashMap<[u8; 32], Arc<BatchSig>> = HashMap::new();
        for push in &req.docs {
            for bytes in &push.changes {
                let Ok(c) = Change::try_from(bytes.as_slice()) else { continue };
                let hash = c.hash().0;
                if c.actor_id().to_bytes() == mine.as_slice() {
                    own.push(hash);
                    continue;
                }
                match self.store.change_proof(&hash)? {
                    Some(StoredProof::Single(sig)) => proofs.add_single(hash, sig),
                    Some(StoredProof::Batch { digest, signature, members }) => {
                        let b = kept.entry(digest).or_insert_with(|| batch_of(signature, members)).clone();
                        proofs.add_batch(b, [hash]);
                    }
                    None => {}
                }
            }
        }
        for chunk in own.chunks(taizhang_peer::BATCH_MEMBERS) {
            proofs.add_whole_batch(Arc::new(BatchSig::sign(&key, chunk.to_vec())));
        }
        Ok(proofs)
    }

    /// The body of a sync request, with what vouches for its changes (trailer version 2).
    pub(crate) fn signed_body(&self, req: &SyncRequest) -> Result<Vec<u8>, ClientError> {
        Ok(taizhang_peer::encode_proven_request(req, &self.push_proofs(req)?))
    }

    fn offer(&mut self) -> Result<Offer, ClientError> {
        let mut docs = Vec::new();
        for name in self.store.doc_ids()? {
            let Ok(id) = name.parse::<DocId>() else { continue };
            let hashes = self.doc(id)?.get_changes(&[]).iter().map(|c| c.hash().0).collect();
            docs.push((name, hashes));
        }
        Ok(Offer { docs })
    }

    /// What `theirs` lacks of what this device holds: every change it can vouch for (its own,
    /// signed now — in batches from exchange version 3 on, one by one before — or one whose
    /// author's signature it holds, a batch only from version 3 on), in causal order, cut into batches of at most `budget` change bytes (a
    /// document may span batches; each batch carries what vouches for its own changes). At
    /// least one batch, empty when there is nothing to give; the last is marked.
    fn give(&mut self, theirs: &Offer, budget: usize, version: u16) -> Result<Vec<ProvenBatch>, ClientError> {
        let (_, key) = self.credentials()?;
        let mine = self.actor().to_bytes().to_vec();
        let have: BTreeMap<&str, HashSet<Hash>> =
            theirs.docs.iter().map(|(d, h)| (d.as_str(), h.iter().copied().collect())).collect();
        let empty = HashSet::new();
        let fresh =
            || ProvenBatch { give: Give { docs: Vec::new(), sigs: Vec::new() }, batches: Vec::new(), last: false };
        let mut batches = vec![fresh()];
        let mut in_batch: HashSet<[u8; 32]> = HashSet::new();
        // From version 3 this device's own changes go in batch signatures too (sealed as each
        // message is complete), so a teammate relays them to the server at a batch's cost.
        let mut own: Vec<Hash> = Vec::new();
        let seal = |out: &mut ProvenBatch, own: &mut Vec<Hash>| {
            for chunk in own.chunks(taizhang_peer::BATCH_MEMBERS) {
                out.batches.push(BatchSig::sign(&key, chunk.to_vec()));
            }
            own.clear();
        };
        let mut used = 0usize;
        for name in self.store.doc_ids()? {
            let Ok(id) = name.parse::<DocId>() else { continue };
            let known = have.get(name.as_str()).unwrap_or(&empty);
            for c in self.doc(id)?.get_changes(&[]) {
                let hash = c.hash().0;
                if known.contains(&hash) {
                    continue;
                }
                let is_mine = c.actor_id().to_bytes() == mine.as_slice();
                let proof = match (is_mine, version >= PROVEN_SINCE) {
                    (true, true) => None, // in this message's batch, sealed below
                    (true, false) => Some(StoredProof::Single(taizhang_peer::sign_change(&key, &hash).sig)),
                    (false, _) => match self.store.change_proof(&hash)? {
                        // A change this device cannot vouch for (received from the server
                        // unsigned, or in a batch a teammate's older app cannot read) is left
                        // for the server to deliver.
                        Some(StoredProof::Batch { .. }) if version < PROVEN_SINCE => continue,
                        Some(p) => Some(p),
                        None => continue,
                    },
                };
                let bytes = c.raw_bytes().to_vec();
                if used > 0 && used + bytes.len() > budget {
                    let out = batches.last_mut().expect("at least one batch");
                    seal(out, &mut own);
                    batches.push(fresh());
                    in_batch.clear();
                    used = 0;
                }
                used += bytes.len();
                let out = batches.last_mut().expect("at least one batch");
                match proof {
                    None => own.push(hash),
                    Some(StoredProof::Single(sig)) => out.give.sigs.push(ChangeSig { hash, sig }),
                    Some(StoredProof::Batch { digest, signature, members }) => {
                        if in_batch.insert(digest) {
                            out.batches.push(BatchSig::new(signature, members));
                        }
                    }
                }
                let give = &mut out.give;
                match give.docs.last_mut() {
                    Some((d, changes)) if *d == name => changes.push(bytes),
                    _ => give.docs.push((name.clone(), vec![bytes])),
                }
            }
        }
        if let Some(last) = batches.last_mut() {
            seal(last, &mut own);
            last.last = true;
        }
        Ok(batches)
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// Sends `batches` (version 3: each as it is; version 2: one [`GiveBatch`] each, the last
    /// marked; version 1: all in one [`Give`], as an older app expects), the first one after
    /// `lead` when there is one.
    async fn send_gives<L: serde::Serialize>(
        ch: &mut Channel,
        version: u16,
        lead: Option<L>,
        batches: Vec<ProvenBatch>,
    ) -> Result<(), ClientError> {
        if version < BATCHED_SINCE {
            let mut all = Give { docs: Vec::new(), sigs: Vec::new() };
            for b in batches {
                all.docs.extend(b.give.docs);
                all.sigs.extend(b.give.sigs);
            }
            return match lead {
                Some(l) => ch.send(&(l, all)).await,
                None => ch.send(&all).await,
            }
            .map_err(peer_err);
        }
        let mut lead = lead;
        for batch in batches {
            match (version >= PROVEN_SINCE, lead.take()) {
                (true, Some(l)) => ch.send(&(l, batch)).await,
                (true, None) => ch.send(&batch).await,
                (false, Some(l)) => ch.send(&(l, GiveBatch { give: batch.give, last: batch.last })).await,
                (false, None) => ch.send(&GiveBatch { give: batch.give, last: batch.last }).await,
            }
            .map_err(peer_err)?;
        }
        Ok(())
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// Receives the other side's changes (`first`: a batch already read with its lead) and
    /// judges and keeps each batch as it arrives; the outcome per document over all batches.
    async fn accept_gives(
        &mut self,
        ch: &mut Channel,
        first: ProvenBatch,
        trust: &Trust,
        now: i64,
    ) -> Result<(Outcome, u32), ClientError> {
        let mut outcome = Outcome { docs: Vec::new() };
        let mut total = 0u32;
        let mut next = Some(first);
        for _ in 0..MAX_BATCHES {
            let batch = match (next.take(), trust.version >= PROVEN_SINCE) {
                (Some(b), _) => b,
                (None, true) => ch.recv::<ProvenBatch>().await.map_err(peer_err)?,
                (None, false) => ch.recv::<GiveBatch>().await.map_err(peer_err)?.into(),
            };
            let (o, n) = self.accept(batch.give, batch.batches, trust, now)?;
            total += n;
            for (doc, r) in o.docs {
                // Counts add up; the first refusal of a document is its answer.
                match outcome.docs.iter_mut().find(|(d, _)| *d == doc) {
                    Some((_, slot @ Ok(_))) => match (slot.as_mut(), r) {
                        (Ok(had), Ok(more)) => *had += more,
                        (_, refused) => *slot = refused,
                    },
                    Some((_, Err(_))) => {}
                    None => outcome.docs.push((doc, r)),
                }
            }
            if batch.last {
                return Ok((outcome, total));
            }
        }
        Err(peer_err(PeerError::Malformed(format!("more than {MAX_BATCHES} batches in one exchange"))))
    }

    /// Judges and keeps what a peer gave, document by document: every change must be signed
    /// by its author's certified, not revoked device; each author's run is judged as that
    /// author's own push; the first refused run stops its document (the runs before it stay).
    fn accept(
        &mut self,
        give: Give,
        batches: Vec<BatchSig>,
        trust: &Trust,
        now: i64,
    ) -> Result<(Outcome, u32), ClientError> {
        let mut proofs = Proofs::from_singles(&give.sigs);
        for b in batches {
            proofs.add_whole_batch(batch_of(b.sig, b.members));
        }
        let mut outcome = Outcome { docs: Vec::new() };
        let mut accepted_total = 0u32;
        let nobody = Author { device: uuid::Uuid::nil(), public_key: Vec::new(), revoked: true };
        for (name, raw) in give.docs {
            let Ok(id) = name.parse::<DocId>() else {
                outcome.docs.push((name, Err("not a document of this village".into())));
                continue;
            };
            let result = self.accept_doc(id, &name, raw, &proofs, trust, &nobody, now);
            match result {
                Ok((n, refused)) => {
                    accepted_total += n;
                    outcome.docs.push((name, refused.map_or(Ok(n), Err)));
                }
                Err(e) => outcome.docs.push((name, Err(e.to_string()))),
            }
        }
        Ok((outcome, accepted_total))
    }

    #[allow(clippy::too_many_arguments)]
    fn accept_doc(
        &mut self,
        id: DocId,
        name: &str,
        raw: Vec<Vec<u8>>,
        proofs: &Proofs,
        trust: &Trust,
        nobody: &Author,
        _now: i64,
    ) -> Result<(u32, Option<String>), ClientError> {
        let parsed = taizhang_sync::parse_changes(name, raw)?;
        let original: Automerge = self.doc(id)?.clone();
        let before_all = original.get_heads();
        let parsed: Vec<_> =
            parsed.into_iter().filter(|c| !taizhang_sync::has_change(&original, &ChangeHash(c.hash))).collect();
        if parsed.is_empty() {
            return Ok((0, None));
        }
        // From a peer every change needs its author's signature, the peer's own too (this
        // device relays them to the server, which asks for it).
        let runs = match runs_by_author(parsed, proofs, nobody, |_| false, |a| trust.author(a).map(|(a, _)| a)) {
            Ok(r) => r,
            Err(d) => return Ok((0, Some(format!("{}: {}", d.code, d.message)))),
        };
        let filed = match id {
            DocId::Log { member, month } => self.store.month_filed(member, month)?,
            _ => false,
        };
        let doc_ref = match id {
            DocId::Registry => taizhang_auth::DocRef::Registry,
            DocId::Team { year } => taizhang_auth::DocRef::Team { year },
            DocId::Log { member, month } => taizhang_auth::DocRef::Log { member: member.0, month },
        };
        let limits = taizhang_domain::Limits::default();
        let mut good = original;
        let mut accepted = Vec::new();
        let mut refused = None;
        for run in runs {
            let Some(cert) = trust.team.iter().find(|c| c.body.device == run.device) else { break };
            let principal = match cert.body.principal() {
                Ok(p) => p,
                Err(e) => {
                    refused = Some(e.to_string());
                    break;
                }
            };
            let mut work = good.clone();
            let before = work.get_heads();
            let changes: Result<Vec<Change>, _> =
                run.changes.iter().map(|c| Change::try_from(c.bytes.as_slice())).collect();
            let Ok(changes) = changes else {
                refused = Some("a change cannot be read".into());
                break;
            };
            if let Err(reason) = taizhang_sync::apply_untrusted(&mut work, changes.clone()) {
                refused = Some(format!("bad_change: {reason}"));
                break;
            }
            if !changes.iter().all(|c| taizhang_sync::has_change(&work, &c.hash())) {
                refused =
                    Some("waits for earlier changes this device does not have yet (they come with the server)".into());
                break;
            }
            let keys = changed_keys(&work, &changes);
            if let Err(d) =
                judge_touched(&principal, &cert.body.place(), &doc_ref, filed, &work, &before, &keys, &limits)
            {
                refused = Some(format!("{}: {} (author {})", d.code, d.message, run.device));
                break;
            }
            accepted.extend(run.changes.iter().map(|c| c.hash));
            good = work;
        }
        if accepted.is_empty() {
            return Ok((0, refused));
        }
        self.docs.insert(id, good);
        let tx = self.store.transaction()?;
        crate::ledger::persist_in(&self.docs, &tx, id, &before_all, true)?;
        keep_proofs(&tx, proofs, &accepted)?;
        tx.commit()?;
        Ok((accepted.len() as u32, refused))
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// Both sides' first step inside the channel: show our certificate, check theirs (signed
    /// by our server, valid now, same village, not revoked, bound to this channel), and merge
    /// the teammates' certificates and the newer revocation list into what we keep.
    async fn greet(&mut self, ch: &mut Channel, now: i64) -> Result<(Trust, uuid::Uuid), ClientError> {
        let creds = self.peer_credentials()?.ok_or_else(|| peer_err(PeerError::NoCredentials))?;
        let (_, key) = self.credentials()?;
        let binding = taizhang_auth::sign(&key, &binding_message(ch.handshake_hash())).to_vec();
        let hello = Hello {
            version: PEER_VERSION,
            cert: creds.cert.clone(),
            binding,
            certs: creds.team.clone(),
            revocations: Some(creds.revocations.clone()),
        };
        ch.send(&hello).await.map_err(peer_err)?;
        let theirs: Hello = ch.recv().await.map_err(peer_err)?;
        // Each side says whether it admits the other, so both can tell the person why not.
        let verdict = self.admit(theirs, &creds, ch.handshake_hash(), now);
        let said = verdict.as_ref().map(|_| ()).map_err(|e| match e {
            ClientError::Peer(m) => m.clone(),
            other => other.to_string(),
        });
        ch.send(&said).await.map_err(peer_err)?;
        let theirs_verdict: Result<(), String> = ch.recv().await.map_err(peer_err)?;
        let admitted = verdict?;
        theirs_verdict.map_err(|e| ClientError::Peer(format!("the teammate's device did not admit this one: {e}")))?;
        Ok(admitted)
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// Checks the other side's [`Hello`] and keeps what it taught us (certificates, a newer
    /// revocation list).
    fn admit(
        &mut self,
        theirs: Hello,
        creds: &PeerCredentials,
        handshake_hash: &[u8],
        now: i64,
    ) -> Result<(Trust, uuid::Uuid), ClientError> {
        let creds = creds.clone();
        let village = self.village_id().0;
        let theirs_version = theirs.version;
        let body = theirs.cert.verify_at(&creds.server_key, now).map_err(peer_err)?.clone();
        if body.village != village {
            return Err(peer_err(PeerError::OtherVillage));
        }
        taizhang_auth::verify_signature(&body.public_key, &binding_message(handshake_hash), &theirs.binding)
            .map_err(|_| peer_err(PeerError::BadSignature))?;
        let their_list = theirs.revocations.filter(|r| r.verify(&creds.server_key, village).is_ok());
        let revocations = Revocations::newer(Some(creds.revocations.clone()), their_list)
            .ok_or_else(|| peer_err(PeerError::NoCredentials))?;
        if revocations.is_revoked(body.device) {
            // Keep the newer list even when refusing.
            self.save_peer_credentials(&PeerCredentials { revocations, ..creds })?;
            return Err(peer_err(PeerError::Revoked { device: body.device }));
        }
        let mut team = creds.team.clone();
        for c in theirs.certs.into_iter().chain(std::iter::once(theirs.cert)) {
            let ok = c.verify_signature(&creds.server_key).is_ok_and(|b| b.village == village);
            if ok && !team.iter().any(|t| t.body.device == c.body.device && t.body.not_before >= c.body.not_before) {
                team.retain(|t| t.body.device != c.body.device);
                team.push(c);
            }
        }
        self.save_peer_credentials(&PeerCredentials { team: team.clone(), revocations: revocations.clone(), ..creds })?;
        let version = theirs_version.min(PEER_VERSION);
        Ok((Trust { team, revocations, version }, body.device))
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// Offers this device's store to one teammate who connects with the pairing `code` on
    /// `listener`, and answers like the server: it takes their changes (judged) and gives its own.
    pub async fn peer_serve_one(
        &mut self,
        listener: &TcpListener,
        code: &str,
        now: i64,
    ) -> Result<PeerReport, ClientError> {
        let (stream, _) = listener.accept().await.map_err(|e| peer_err(PeerError::Channel(e.to_string())))?;
        self.peer_serve_stream(stream, code, now).await
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// [`Ledger::peer_serve_one`] on a connection already accepted (the app accepts without
    /// holding the ledger, then takes it for the exchange).
    pub async fn peer_serve_stream(
        &mut self,
        stream: TcpStream,
        code: &str,
        now: i64,
    ) -> Result<PeerReport, ClientError> {
        let mut ch = Channel::accept(stream, code).await.map_err(peer_err)?;
        let (trust, peer) = self.greet(&mut ch, now).await?;
        let mut report = PeerReport { peer: Some(peer), ..PeerReport::default() };
        let theirs: Offer = ch.recv().await.map_err(peer_err)?;
        let gives = self.give(&theirs, BATCH_BYTES, trust.version)?;
        report.changes_sent = count_changes(&gives);
        report.batches_sent = gives.len() as u32;
        Self::send_gives(&mut ch, trust.version, Some(self.offer()?), gives).await?;
        let got: ProvenBatch = match trust.version {
            v if v >= PROVEN_SINCE => ch.recv::<ProvenBatch>().await.map_err(peer_err)?,
            v if v >= BATCHED_SINCE => ch.recv::<GiveBatch>().await.map_err(peer_err)?.into(),
            _ => GiveBatch { give: ch.recv::<Give>().await.map_err(peer_err)?, last: true }.into(),
        };
        let (outcome, n) = self.accept_gives(&mut ch, got, &trust, now).await?;
        report.changes_received = n;
        report.refused = outcome.docs.iter().filter_map(|(d, r)| r.clone().err().map(|e| (d.clone(), e))).collect();
        ch.send(&outcome).await.map_err(peer_err)?;
        let theirs_outcome: Outcome = ch.recv().await.map_err(peer_err)?;
        report.refused_by_peer = theirs_outcome.docs.into_iter().filter_map(|(d, r)| r.err().map(|e| (d, e))).collect();
        (report.bytes_out, report.bytes_in) = (ch.bytes_out, ch.bytes_in);
        Ok(report)
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// Joins a teammate's offer at `addr` with the pairing `code` shown on its screen.
    pub async fn peer_sync(
        &mut self,
        addr: std::net::SocketAddr,
        code: &str,
        now: i64,
    ) -> Result<PeerReport, ClientError> {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(|e| peer_err(PeerError::Channel(format!("cannot reach {addr}: {e}"))))?;
        let mut ch = Channel::connect(stream, code).await.map_err(peer_err)?;
        let (trust, peer) = self.greet(&mut ch, now).await?;
        let mut report = PeerReport { peer: Some(peer), ..PeerReport::default() };
        ch.send(&self.offer()?).await.map_err(peer_err)?;
        let (theirs, got): (Offer, ProvenBatch) = match trust.version {
            v if v >= PROVEN_SINCE => ch.recv::<(Offer, ProvenBatch)>().await.map_err(peer_err)?,
            v if v >= BATCHED_SINCE => {
                let (o, g): (Offer, GiveBatch) = ch.recv().await.map_err(peer_err)?;
                (o, g.into())
            }
            _ => {
                let (o, g): (Offer, Give) = ch.recv().await.map_err(peer_err)?;
                (o, GiveBatch { give: g, last: true }.into())
            }
        };
        let (outcome, n) = self.accept_gives(&mut ch, got, &trust, now).await?;
        report.changes_received = n;
        report.refused = outcome.docs.iter().filter_map(|(d, r)| r.clone().err().map(|e| (d.clone(), e))).collect();
        let gives = self.give(&theirs, BATCH_BYTES, trust.version)?;
        report.changes_sent = count_changes(&gives);
        report.batches_sent = gives.len() as u32;
        Self::send_gives(&mut ch, trust.version, None::<()>, gives).await?;
        let theirs_outcome: Outcome = ch.recv().await.map_err(peer_err)?;
        ch.send(&outcome).await.map_err(peer_err)?;
        report.refused_by_peer = theirs_outcome.docs.into_iter().filter_map(|(d, r)| r.err().map(|e| (d, e))).collect();
        (report.bytes_out, report.bytes_in) = (ch.bytes_out, ch.bytes_in);
        Ok(report)
    }
}
