//! The device's credentials: enrollment with a one-time code (the device makes its own
//! ed25519 key pair and Automerge actor; the server binds both to the member), and sign-in
//! by signing the server's challenge — no use of the device clock, which may be far off.
//! Credentials live in the store's `meta` table: device id, secret key, current token.

use std::path::Path;

use serde::de::DeserializeOwned;
use taizhang_auth::{actor_message, auth_message, enroll_message, proven_bearer, public_key, sign, EnrollmentCode};
use taizhang_domain::{MemberId, Timestamp, VillageId};
use taizhang_store::StoreKey;
use taizhang_sync::{
    paths, ActorRequest, ChallengeResponse, EnrollRequest, EnrollResponse, SyncError, TokenRequest, TokenResponse,
};
use uuid::Uuid;

use crate::{ClientError, Ledger, Transport, TransportError};

pub(crate) const META_DEVICE: &str = "device_id";
pub(crate) const META_KEY: &str = "device_key";
pub(crate) const META_TOKEN: &str = "auth_token";
pub(crate) const META_ROLE: &str = "account_role";
pub(crate) const META_ENROLLED: &str = "enrolled_at";
const META_SERVER: &str = "server_url";
/// The server's clock minus the device's (ms), from the last answer's server time.
pub(crate) const META_CLOCK_OFFSET: &str = "server_clock_offset";
/// The stamp of the last request this device signed.
const META_LAST_STAMP: &str = "last_signed_stamp";

fn json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ClientError> {
    serde_json::from_slice(bytes).map_err(|e| ClientError::Protocol(SyncError::Malformed(e.to_string())))
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, ClientError> {
    serde_json::to_vec(v).map_err(|e| ClientError::Protocol(SyncError::Malformed(e.to_string())))
}

/// Registers a new key pair and actor with the server under a one-time code.
async fn register(
    transport: &dyn Transport,
    code: &str,
    device_name: &str,
    actor: Option<[u8; 16]>,
) -> Result<(EnrollResponse, [u8; 32], [u8; 16]), ClientError> {
    let code = EnrollmentCode::parse(code).map_err(|e| ClientError::Enroll(e.to_string()))?;
    let secret: [u8; 32] = rand::random();
    let actor: [u8; 16] = actor.unwrap_or_else(rand::random);
    let req = EnrollRequest {
        code: code.as_str().to_string(),
        public_key: hex::encode(public_key(&secret)),
        actor: hex::encode(actor),
        device_name: device_name.to_string(),
        signature: hex::encode(sign(&secret, &enroll_message(&code, &actor))),
    };
    let answer = transport.post(paths::ENROLL, to_json(&req)?, None).await.map_err(|e| match e {
        TransportError::Status { status: 403 | 409 | 400, message } => ClientError::Enroll(message),
        other => ClientError::Transport(other),
    })?;
    let resp: EnrollResponse = json(&answer)?;
    Ok((resp, secret, actor))
}

fn team_village(resp: &EnrollResponse) -> Result<(VillageId, Option<MemberId>), ClientError> {
    match (resp.village, resp.role.as_str()) {
        (Some(v), "member" | "first_secretary") => Ok((VillageId(v), Some(MemberId(resp.account)))),
        _ => Err(ClientError::NoVillage(resp.role.clone())),
    }
}

/// Enrolls this device with a one-time code and creates its store at `path`: the one way a
/// device joins a village. The code is used up even if creating the store then fails.
pub async fn enroll(
    path: &Path,
    transport: &dyn Transport,
    code: &str,
    device_name: &str,
    now: Timestamp,
) -> Result<Ledger, ClientError> {
    enroll_keyed(path, None, transport, code, device_name, now).await
}

/// [`enroll`] into a store encrypted with `key` (issue 21; plain without one).
pub async fn enroll_keyed(
    path: &Path,
    key: Option<&StoreKey>,
    transport: &dyn Transport,
    code: &str,
    device_name: &str,
    now: Timestamp,
) -> Result<Ledger, ClientError> {
    if path.exists() && taizhang_store::file_kind(path)? != taizhang_store::FileKind::Absent {
        let opened = match key {
            Some(k) => Ledger::open_keyed(path, Some(k)).is_ok(),
            None => Ledger::open(path).is_ok(),
        };
        if opened || taizhang_store::file_kind(path)? == taizhang_store::FileKind::Encrypted {
            return Err(ClientError::AlreadyEnrolled(path.display().to_string()));
        }
    }
    let (resp, secret, actor) = register(transport, code, device_name, None).await?;
    let (village, member) = team_village(&resp)?;
    let mut ledger = Ledger::create_keyed(path, key, village, member, actor)?;
    ledger.save_credentials(&resp, &secret, now)?;
    Ok(ledger)
}

/// [`enroll`] into an in-memory store (tests, benchmarks).
pub async fn enroll_in_memory(
    transport: &dyn Transport,
    code: &str,
    device_name: &str,
    now: Timestamp,
) -> Result<Ledger, ClientError> {
    let (resp, secret, actor) = register(transport, code, device_name, None).await?;
    let (village, member) = team_village(&resp)?;
    let mut ledger = Ledger::in_memory(village, member, actor)?;
    ledger.save_credentials(&resp, &secret, now)?;
    Ok(ledger)
}

impl Ledger {
    /// Enrolls a store that already holds work but no credentials — written by an app version
    /// from before enrollment existed — keeping its Automerge actor, so that its unsynced
    /// changes are the new device's own and the server accepts them.
    pub async fn enroll_existing(
        &mut self,
        transport: &dyn Transport,
        code: &str,
        device_name: &str,
        now: Timestamp,
    ) -> Result<(), ClientError> {
        if self.device_id()?.is_some() {
            return Err(ClientError::AlreadyEnrolled("this store".into()));
        }
        let actor: [u8; 16] = self.actor().to_bytes().try_into().map_err(|_| {
            ClientError::Enroll("this store's actor is not 16 bytes; enroll a new store instead".into())
        })?;
        let (resp, secret, _) = register(transport, code, device_name, Some(actor)).await?;
        let (village, member) = team_village(&resp)?;
        if village != self.village_id() || member != self.member() {
            return Err(ClientError::Enroll(format!(
                "this code is for {} in village {}, but this store belongs to {} in village {}; nothing \
                 on this device changed: ask the administrator for the right member's code",
                member.map(|m| m.to_string()).unwrap_or_default(),
                village,
                self.member().map(|m| m.to_string()).unwrap_or_default(),
                self.village_id()
            )));
        }
        self.save_credentials(&resp, &secret, now)
    }

    fn save_credentials(
        &mut self,
        resp: &EnrollResponse,
        secret: &[u8; 32],
        now: Timestamp,
    ) -> Result<(), ClientError> {
        let tx = self.store.transaction()?;
        tx.set_meta(META_DEVICE, &resp.device_id.to_string())?;
        tx.set_meta(META_KEY, &hex::encode(secret))?;
        tx.set_meta(META_TOKEN, &resp.token)?;
        tx.set_meta(META_ROLE, &resp.role)?;
        tx.set_meta(META_ENROLLED, &now.to_string())?;
        tx.commit()?;
        Ok(())
    }

    /// This device's id on the server, once enrolled.
    pub fn device_id(&self) -> Result<Option<Uuid>, ClientError> {
        Ok(self.store.meta(META_DEVICE)?.and_then(|d| d.parse().ok()))
    }

    /// Remembers the server address (for the CLI's `sync` without `--server`).
    pub fn remember_server(&mut self, url: &str) -> Result<(), ClientError> {
        let tx = self.store.transaction()?;
        tx.set_meta(META_SERVER, url)?;
        tx.commit()?;
        Ok(())
    }

    /// The server address remembered at enrollment.
    pub fn server_url(&self) -> Result<Option<String>, ClientError> {
        Ok(self.store.meta(META_SERVER)?)
    }

    /// The role of the account this device is enrolled for.
    pub fn account_role(&self) -> Result<Option<String>, ClientError> {
        Ok(self.store.meta(META_ROLE)?)
    }

    pub(crate) fn credentials(&self) -> Result<(Uuid, [u8; 32]), ClientError> {
        let device = self.device_id()?.ok_or(ClientError::NotEnrolled)?;
        let key = self
            .store
            .meta(META_KEY)?
            .and_then(|k| hex::decode(k).ok())
            .and_then(|k| <[u8; 32]>::try_from(k.as_slice()).ok())
            .ok_or(ClientError::NotEnrolled)?;
        Ok((device, key))
    }

    /// Signs in: signs a fresh server challenge with the device key and keeps the token.
    pub async fn sign_in(&mut self, transport: &dyn Transport) -> Result<String, ClientError> {
        let (device, key) = self.credentials()?;
        let c: ChallengeResponse = json(&transport.post(paths::CHALLENGE, Vec::new(), None).await?)?;
        let req = TokenRequest {
            device_id: device,
            signature: hex::encode(sign(&key, &auth_message(device, &c.challenge))),
            challenge: c.challenge,
        };
        let t: TokenResponse = json(&transport.post(paths::TOKEN, to_json(&req)?, None).await?)?;
        let tx = self.store.transaction()?;
        tx.set_meta(META_TOKEN, &t.token)?;
        tx.commit()?;
        Ok(t.token)
    }

    /// Takes a new random Automerge actor, bound to this device on the server (`POST
    /// /v1/actor`, signed by the device key) before it writes anything: what the device does
    /// when the server refuses a push as `actor_reused` (a copy of this store, e.g. restored
    /// from an old backup, wrote with the same actor). Returns the new actor.
    pub async fn take_new_actor(&mut self, transport: &dyn Transport) -> Result<[u8; 16], ClientError> {
        let (device, key) = self.credentials()?;
        let actor: [u8; 16] = rand::random();
        let req = ActorRequest {
            actor: hex::encode(actor),
            signature: hex::encode(sign(&key, &actor_message(device, &actor))),
        };
        let body = to_json(&req)?;
        let token = match self.store.meta(META_TOKEN)? {
            Some(t) => t,
            None => self.sign_in(transport).await?,
        };
        let answer = match transport.post(paths::ACTOR, body.clone(), Some(&token)).await {
            Err(TransportError::Status { status: 401, .. }) => {
                let token = self.sign_in(transport).await?;
                transport.post(paths::ACTOR, body, Some(&token)).await?
            }
            other => other?,
        };
        let t: TokenResponse = json(&answer)?;
        let tx = self.store.transaction()?;
        tx.set_meta(META_TOKEN, &t.token)?;
        tx.commit()?;
        self.set_actor(actor)?;
        Ok(actor)
    }

    /// POSTs a sync body, authenticated in the request itself: with the current token while
    /// it is good, else signed with the device key (`taizhang_auth::SignedRequest`: one
    /// request, no sign-in, whatever the time away). The token goes with the device's
    /// signature over it, so that the answer may renew it. When the server still refuses
    /// (a token it no longer takes; a stamp outside its window because this device's clock
    /// moved), the request is signed, then as a last resort sent after a challenge sign-in.
    /// Returns the answer and how many HTTP requests it took (sign-in included).
    pub(crate) async fn post_sync(
        &mut self,
        transport: &dyn Transport,
        body: Vec<u8>,
        now: i64,
    ) -> Result<(Vec<u8>, u32), ClientError> {
        let (device, key) = self.credentials()?;
        let server_now = now.saturating_add(self.clock_offset()?);
        let token = self.store.meta(META_TOKEN)?.filter(|t| {
            // A minute of slack: a token about to expire is not worth a refused request.
            taizhang_auth::token_expires_at(t).is_some_and(|exp| exp > server_now.saturating_add(60_000))
        });
        let mut requests = 0;
        if let Some(token) = token {
            requests += 1;
            match transport.post(paths::SYNC, body.clone(), Some(&proven_bearer(&token, &key))).await {
                Err(TransportError::Status { status: 401, .. }) => {}
                other => return Ok((other?, requests)),
            }
        }
        let stamp = self.next_stamp(server_now)?;
        let signed = taizhang_auth::SignedRequest::sign(device, stamp, paths::SYNC, &body, &key);
        requests += 1;
        match transport.post(paths::SYNC, body.clone(), Some(&signed.bearer())).await {
            Err(TransportError::Status { status: 401, .. }) => {}
            other => return Ok((other?, requests)),
        }
        let token = self.sign_in(transport).await?;
        requests += 3; // challenge, token, and the sync
        Ok((transport.post(paths::SYNC, body, Some(&proven_bearer(&token, &key))).await?, requests))
    }

    /// The access token as of the last sync or sign-in (`None` before any, or forgotten): what
    /// the attachments' requests (`crate::blobs::BlobClient`, issue 19) carry after a sync.
    pub fn access_token(&self) -> Result<Option<String>, ClientError> {
        Ok(self.store.meta(META_TOKEN)?.filter(|t| !t.is_empty()))
    }

    /// Forgets the access token — what a token expired after an hour away amounts to: the next
    /// sync authenticates by signing its request (benchmarks and tests use this to measure a
    /// week offline truthfully).
    pub fn forget_token(&mut self) -> Result<(), ClientError> {
        let tx = self.store.transaction()?;
        tx.set_meta(META_TOKEN, "")?;
        tx.commit()?;
        Ok(())
    }

    /// The server's clock minus this device's, as of the last answer (0 before any).
    pub(crate) fn clock_offset(&self) -> Result<i64, ClientError> {
        Ok(self.store.meta(META_CLOCK_OFFSET)?.and_then(|o| o.parse().ok()).unwrap_or(0))
    }

    /// A stamp for a signed request: the server's time as this device estimates it, and
    /// always after the last one it used (kept before the request goes out).
    fn next_stamp(&mut self, server_now: i64) -> Result<i64, ClientError> {
        let last: i64 = self.store.meta(META_LAST_STAMP)?.and_then(|s| s.parse().ok()).unwrap_or(0);
        let stamp = server_now.max(last.saturating_add(1));
        let tx = self.store.transaction()?;
        tx.set_meta(META_LAST_STAMP, &stamp.to_string())?;
        tx.commit()?;
        Ok(stamp)
    }
}
