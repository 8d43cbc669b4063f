//! The one error type of the peer crate; every message says what to do.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum PeerError {
    #[error("the signature does not match: the change was not made by that device or was altered since")]
    BadSignature,
    #[error("the certificate is not signed by this server's key: sync with the server once, then pair again")]
    BadCertificate,
    #[error(
        "the certificate of device {device} expired or is not valid yet: its owner must sync with the server once"
    )]
    CertificateExpired { device: uuid::Uuid },
    #[error("device {device} was revoked by the administrator: its new changes are not accepted")]
    Revoked { device: uuid::Uuid },
    #[error("the other device belongs to another village: only teammates of one village exchange records")]
    OtherVillage,
    #[error("this device has no certificate yet: sync with the server once (it hands out certificates)")]
    NoCredentials,
    #[error("the peer channel failed: {0} (check the pairing code and that both devices are on one network)")]
    Channel(String),
    #[error("the peer sent a message that cannot be read: {0}")]
    Malformed(String),
    #[error("a message of {got} bytes is larger than the limit of {limit} bytes")]
    TooLarge { got: usize, limit: usize },
}
