//! The one error type of the client crate; each message says what the user can do.

use taizhang_doc::DocError;
use taizhang_domain::DomainError;
use taizhang_store::StoreError;
use taizhang_sync::SyncError;

use crate::TransportError;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the key of the local store is not available: {0}")]
    Keystore(String),
    /// The administrator revoked this device and ordered it erased (issue 21): what it had not
    /// synced was pushed first; the caller erases the store and its key ([`crate::erase_store`]).
    #[error("{0}")]
    WipeOrdered(String),
    #[error("{0}")]
    Invalid(#[from] DomainError),
    #[error("not saved: {0}")]
    Store(#[from] StoreError),
    #[error("the document could not be updated: {0}")]
    Doc(#[from] DocError),
    #[error("sync failed, nothing was lost: {0}")]
    Transport(#[from] TransportError),
    #[error("sync failed, nothing was lost: the server's answer was unreadable ({0})")]
    Protocol(#[from] SyncError),
    #[error("this store is not set up for a village yet: enroll the device first (`taizhang enroll --server URL --code CODE`)")]
    NotInitialised,
    #[error("this device is not enrolled: enroll it with a code from the administrator (`taizhang enroll`)")]
    NotEnrolled,
    #[error("{0} already holds an enrolled device: use another --store file")]
    AlreadyEnrolled(String),
    #[error("enrollment refused: {0}")]
    Enroll(String),
    #[error("a {0} account has no village of its own: this client serves village work teams")]
    NoVillage(String),
    /// What the server would refuse, decided on the device before saving (`code` is
    /// `taizhang_auth::Denial`'s: `own_leave`, `leave_decision`, `month_filed`, ...).
    #[error("not saved: {message}")]
    Denied { code: &'static str, message: String },
    #[error("{0} was not found")]
    NotFound(String),
    #[error(
        "document {doc} in this store cannot be read ({reason}); its records stay listed, but new \
         entries in it are refused: keep this file and contact the administrator"
    )]
    Corrupt { doc: String, reason: String },
    #[error("sync did not finish after {0} requests; it will continue next time")]
    TooManyRounds(u32),
    #[error("pull failed: {0}")]
    Pull(String),
    /// Sync with a teammate's device (`taizhang-peer`) failed; nothing was lost.
    #[error("sync with the teammate's device failed, nothing was lost: {0}")]
    Peer(String),
}
