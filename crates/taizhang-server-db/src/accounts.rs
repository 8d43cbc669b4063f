//! What the server needs from a database for accounts and devices (issue 4): the places
//! (county → township → village), accounts with a role and a scope, one-time enrollment codes
//! (stored as hashes), enrolled devices with their public key and Automerge actor, and the
//! server's token key — kept in the database so several stateless server instances share it.

use async_trait::async_trait;
use taizhang_auth::{Place, Principal, Role};
use uuid::Uuid;

use crate::DbError;

/// An account: a person with one role and the scope that role applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// For team roles, also the member id in the village registry.
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub village: Option<Uuid>,
    pub township: Option<Uuid>,
    pub county: Option<Uuid>,
    pub created_at: i64,
}

impl Account {
    /// The account as the access rules see it.
    pub fn principal(&self) -> Principal {
        Principal {
            account: self.id,
            role: self.role,
            village: self.village,
            township: self.township,
            county: self.county,
        }
    }
}

/// An enrolled device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: Uuid,
    pub account: Uuid,
    pub name: String,
    /// ed25519 public key (32 bytes).
    pub public_key: Vec<u8>,
    /// The Automerge actor the device enrolled with.
    pub actor: Vec<u8>,
    /// Actors bound to the device later ([`AccountStore::add_device_actor`]: it took a new one
    /// after the server refused its old one as reused). Its changes may carry any of these or
    /// `actor`.
    pub more_actors: Vec<Vec<u8>>,
    pub enrolled_at: i64,
    pub revoked_at: Option<i64>,
    /// When an administrator ordered the device to erase its store (issue 21; such a device is
    /// revoked too): it may push what it has not synced, then every answer tells it to erase.
    pub wipe_ordered_at: Option<i64>,
}

impl Device {
    /// Whether a change carrying `actor` may come from this device.
    pub fn has_actor(&self, actor: &[u8]) -> bool {
        self.actor == actor || self.more_actors.iter().any(|a| a == actor)
    }
}

/// Decodes the comma-separated hex list the backends aggregate a device's further actors into.
pub fn actors_from_hex(list: Option<&str>) -> Vec<Vec<u8>> {
    list.unwrap_or_default().split(',').filter_map(|a| hex::decode(a.trim()).ok()).filter(|a| !a.is_empty()).collect()
}

/// The outcome of redeeming an enrollment code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    /// The device is enrolled; the code is used up.
    Enrolled,
    UnknownCode,
    AlreadyUsed,
    Expired,
    /// The public key or the actor is already bound to another device.
    Taken,
}

/// A county, township or village, for listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceRow {
    pub kind: &'static str,
    pub id: Uuid,
    pub name: String,
    /// The county of a township, the township of a village.
    pub parent: Option<Uuid>,
}

/// What county staff entered for one member and period (`YYYY` or `YYYY-MM`) of a village.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountyInput {
    pub village: Uuid,
    pub member: Uuid,
    pub period: String,
    /// JSON (see `taizhang_county::inputs`).
    pub data: String,
    pub updated_by: Uuid,
    pub updated_at: i64,
}

/// Accounts storage. Every method is one transaction.
#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    async fn create_county(&self, id: Uuid, name: &str, now: i64) -> Result<(), DbError>;
    /// Fails with `DbError::NotFound` when the county does not exist.
    async fn create_township(&self, id: Uuid, county: Uuid, name: &str, now: i64) -> Result<(), DbError>;
    /// Puts an existing village in a township.
    async fn set_village_township(&self, village: Uuid, township: Uuid) -> Result<(), DbError>;
    /// Where a village sits (`None`: no such village).
    async fn village_place(&self, village: Uuid) -> Result<Option<Place>, DbError>;
    async fn places(&self) -> Result<Vec<PlaceRow>, DbError>;

    /// Creates an account (an existing id is an error).
    async fn create_account(&self, account: &Account) -> Result<(), DbError>;
    async fn account(&self, id: Uuid) -> Result<Option<Account>, DbError>;
    async fn accounts(&self) -> Result<Vec<Account>, DbError>;

    /// Stores a new enrollment code (its hash) for `account`.
    async fn add_enrollment_code(
        &self,
        code_hash: [u8; 32],
        account: Uuid,
        now: i64,
        expires_at: i64,
    ) -> Result<(), DbError>;
    /// Atomically: checks the code is known, unused and not expired at `now`, enrolls
    /// `device` for the code's account (its `account` field is overwritten) and uses up the code.
    async fn redeem_enrollment_code(&self, code_hash: [u8; 32], device: &Device, now: i64)
        -> Result<Redeemed, DbError>;
    /// The account a code belongs to (to answer the device after enrolling).
    async fn code_account(&self, code_hash: [u8; 32]) -> Result<Option<Uuid>, DbError>;

    async fn device(&self, id: Uuid) -> Result<Option<Device>, DbError>;
    async fn devices(&self) -> Result<Vec<Device>, DbError>;
    /// One village's team: the accounts placed in `village` and every device of theirs
    /// (revoked ones included), in one read through indexes (schema 10) — what sync between
    /// phones needs, without reading a province's lists.
    async fn village_team(&self, village: Uuid) -> Result<(Vec<Account>, Vec<Device>), DbError>;
    /// Binds one more Automerge actor to `device` (not revoked). False when the actor is
    /// already bound to any device (this one included) or the device is unknown or revoked.
    async fn add_device_actor(&self, device: Uuid, actor: &[u8], now: i64) -> Result<bool, DbError>;
    /// Records `stamp` as the device's last signed request if it is newer than the one
    /// recorded (atomically); false when it is not (a replay, or an older request) or the
    /// device is unknown.
    async fn use_signed_stamp(&self, device: Uuid, stamp: i64) -> Result<bool, DbError>;
    /// Revokes a device from `now` on; false when there is no such device.
    async fn revoke_device(&self, id: Uuid, now: i64) -> Result<bool, DbError>;
    /// Revokes a device and orders it to erase its store and keys at its next contact, after
    /// it has pushed what it has not synced (issue 21); false when there is no such device.
    async fn order_wipe(&self, id: Uuid, now: i64) -> Result<bool, DbError>;

    /// Sets (or replaces) the password hash an account logs in to the county page with.
    /// Fails with `DbError::NotFound` when the account does not exist.
    async fn set_password_hash(&self, account: Uuid, hash: &str, now: i64) -> Result<(), DbError>;
    /// The account's password hash, if it may log in to the county page.
    async fn password_hash(&self, account: Uuid) -> Result<Option<String>, DbError>;
    /// From when the account's county-page sessions count (server clock, ms): sessions issued
    /// earlier are over — by a log-out or a password change. `None`: no web log-in.
    async fn sessions_from(&self, account: Uuid) -> Result<Option<i64>, DbError>;
    /// Ends every county-page session of `account` issued before `at` (log-out); never moves
    /// the moment back.
    async fn end_sessions(&self, account: Uuid, at: i64) -> Result<(), DbError>;

    /// Stores (replaces) what county staff entered for a member's year or month (`data` is
    /// JSON the caller validated). Fails with `DbError::NotFound` for an unknown village.
    async fn put_county_input(&self, input: &CountyInput) -> Result<(), DbError>;
    /// Everything entered for the members of `villages` (a county's, in one call), ordered by
    /// village, member and period.
    async fn county_inputs_of(&self, villages: &[Uuid]) -> Result<Vec<CountyInput>, DbError>;

    /// The server's token key: the stored one, or `candidate` stored now if there is none
    /// (every instance ends up with the same key).
    async fn server_secret(&self, candidate: [u8; 32]) -> Result<[u8; 32], DbError>;
    /// The token key the current one replaced and when (`admin rotate-key`), if any.
    async fn previous_server_secret(&self) -> Result<Option<([u8; 32], i64)>, DbError>;
    /// Rotation (issue 21): `next` becomes the token key and the current one the previous key
    /// (replacing any older previous one), in one transaction.
    async fn rotate_server_secret(&self, next: [u8; 32], now: i64) -> Result<(), DbError>;
}
