//! Device certificates and revocation lists, signed by the server's certificate key (an
//! ed25519 key derived from the server's secret, so every instance on one database signs
//! alike and no new key is stored). A device keeps the server's public key from its first
//! sync and verifies its teammates' certificates and the revocation list offline.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use taizhang_auth::{Place, Principal, Role};
use uuid::Uuid;

use crate::PeerError;

/// How long a certificate is valid from its issue (a device renews it at every sync).
pub const CERT_TTL_MS: i64 = 30 * 24 * 60 * 60 * 1000;
const CERT_DOMAIN: &[u8] = b"taizhang-device-cert-v1\0";
const REVOCATION_DOMAIN: &[u8] = b"taizhang-revocations-v1\0";

/// The server's certificate signing key.
#[derive(Clone)]
pub struct CertKey(SigningKey);

impl std::fmt::Debug for CertKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CertKey(public {})", hex::encode(self.public()))
    }
}

impl CertKey {
    /// The key of a 32-byte seed (the server derives it from its secret).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self(SigningKey::from_bytes(&seed))
    }
    /// The public key devices keep.
    pub fn public(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }
    fn sign(&self, domain: &[u8], body: &[u8]) -> Vec<u8> {
        let mut m = domain.to_vec();
        m.extend_from_slice(body);
        self.0.sign(&m).to_bytes().to_vec()
    }
}

fn verify(server_key: &[u8], domain: &[u8], body: &[u8], sig: &[u8]) -> Result<(), PeerError> {
    let pk: [u8; 32] = server_key.try_into().map_err(|_| PeerError::BadCertificate)?;
    let key = VerifyingKey::from_bytes(&pk).map_err(|_| PeerError::BadCertificate)?;
    let sig: [u8; 64] = sig.try_into().map_err(|_| PeerError::BadCertificate)?;
    let mut m = domain.to_vec();
    m.extend_from_slice(body);
    key.verify(&m, &Signature::from_bytes(&sig)).map_err(|_| PeerError::BadCertificate)
}

/// What the server certifies about a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertBody {
    pub device: Uuid,
    pub account: Uuid,
    pub village: Uuid,
    /// The account's role code (`member`, `first_secretary`).
    pub role: String,
    /// The device's ed25519 public key.
    pub public_key: Vec<u8>,
    /// The Automerge actors bound to the device when the certificate was issued.
    pub actors: Vec<Vec<u8>>,
    /// Server clock, UTC ms.
    pub not_before: i64,
    pub not_after: i64,
}

/// A certificate: the body and the server's signature over `postcard(body)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCert {
    pub body: CertBody,
    pub signature: Vec<u8>,
}

impl DeviceCert {
    pub fn issue(key: &CertKey, body: CertBody) -> Self {
        let bytes = postcard::to_allocvec(&body).unwrap_or_default();
        Self { signature: key.sign(CERT_DOMAIN, &bytes), body }
    }

    /// Whether the server signed this body (validity in time is not checked: see
    /// [`DeviceCert::verify_at`]).
    pub fn verify_signature(&self, server_key: &[u8]) -> Result<&CertBody, PeerError> {
        let bytes = postcard::to_allocvec(&self.body).map_err(|e| PeerError::Malformed(e.to_string()))?;
        verify(server_key, CERT_DOMAIN, &bytes, &self.signature)?;
        Ok(&self.body)
    }

    /// [`DeviceCert::verify_signature`], and valid at `now` (device clock): used to admit a
    /// device to a peer channel, never to judge a record (records are not refused for their clock).
    pub fn verify_at(&self, server_key: &[u8], now: i64) -> Result<&CertBody, PeerError> {
        let body = self.verify_signature(server_key)?;
        if now < body.not_before || now > body.not_after {
            return Err(PeerError::CertificateExpired { device: body.device });
        }
        Ok(body)
    }
}

impl CertBody {
    /// The account the certificate speaks for, as the permission decision sees it.
    pub fn principal(&self) -> Result<Principal, PeerError> {
        let role: Role = self.role.parse().map_err(PeerError::Malformed)?;
        Ok(Principal { account: self.account, role, village: Some(self.village), township: None, county: None })
    }
    /// The village as a place (the peer knows no township or county; team roles need none).
    pub fn place(&self) -> Place {
        Place { village: self.village, township: None, county: None }
    }
    pub fn has_actor(&self, actor: &[u8]) -> bool {
        self.actors.iter().any(|a| a.as_slice() == actor)
    }
}

/// The revoked devices of a village at a moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationBody {
    pub village: Uuid,
    /// Server clock, UTC ms: the newer list wins.
    pub issued_at: i64,
    pub revoked: Vec<Uuid>,
}

/// A revocation list signed by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocations {
    pub body: RevocationBody,
    pub signature: Vec<u8>,
}

impl Revocations {
    pub fn issue(key: &CertKey, body: RevocationBody) -> Self {
        let bytes = postcard::to_allocvec(&body).unwrap_or_default();
        Self { signature: key.sign(REVOCATION_DOMAIN, &bytes), body }
    }

    /// Whether the server signed this list for `village`.
    pub fn verify(&self, server_key: &[u8], village: Uuid) -> Result<&RevocationBody, PeerError> {
        let bytes = postcard::to_allocvec(&self.body).map_err(|e| PeerError::Malformed(e.to_string()))?;
        verify(server_key, REVOCATION_DOMAIN, &bytes, &self.signature)?;
        if self.body.village != village {
            return Err(PeerError::OtherVillage);
        }
        Ok(&self.body)
    }

    pub fn is_revoked(&self, device: Uuid) -> bool {
        self.body.revoked.contains(&device)
    }

    /// The newer of two lists (both already verified).
    pub fn newer(a: Option<Revocations>, b: Option<Revocations>) -> Option<Revocations> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.body.issued_at > a.body.issued_at { b } else { a }),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> CertBody {
        CertBody {
            device: Uuid::from_u128(1),
            account: Uuid::from_u128(2),
            village: Uuid::from_u128(3),
            role: "member".into(),
            public_key: vec![9; 32],
            actors: vec![vec![4; 16]],
            not_before: 1000,
            not_after: 1000 + CERT_TTL_MS,
        }
    }

    #[test]
    fn a_certificate_verifies_with_the_server_key_only_and_within_its_validity() {
        let key = CertKey::from_seed([1; 32]);
        let cert = DeviceCert::issue(&key, body());
        assert_eq!(cert.verify_at(&key.public(), 2000).unwrap(), &body());
        assert!(matches!(cert.verify_at(&key.public(), 999), Err(PeerError::CertificateExpired { .. })));
        let other = CertKey::from_seed([2; 32]);
        assert!(matches!(cert.verify_at(&other.public(), 2000), Err(PeerError::BadCertificate)));
        let mut forged = cert.clone();
        forged.body.role = "first_secretary".into();
        assert!(matches!(forged.verify_at(&key.public(), 2000), Err(PeerError::BadCertificate)), "role raised");
        assert_eq!(cert.body.principal().unwrap().role, Role::Member);
    }

    #[test]
    fn a_revocation_list_is_bound_to_its_village_and_the_newer_wins() {
        let key = CertKey::from_seed([1; 32]);
        let old =
            Revocations::issue(&key, RevocationBody { village: Uuid::from_u128(3), issued_at: 10, revoked: vec![] });
        let new = Revocations::issue(
            &key,
            RevocationBody { village: Uuid::from_u128(3), issued_at: 20, revoked: vec![Uuid::from_u128(1)] },
        );
        assert!(new.verify(&key.public(), Uuid::from_u128(3)).is_ok());
        assert!(matches!(new.verify(&key.public(), Uuid::from_u128(4)), Err(PeerError::OtherVillage)));
        let mut tampered = new.clone();
        tampered.body.revoked.clear();
        assert!(tampered.verify(&key.public(), Uuid::from_u128(3)).is_err());
        let newest = Revocations::newer(Some(old.clone()), Some(new.clone())).unwrap();
        assert!(newest.is_revoked(Uuid::from_u128(1)));
        assert_eq!(Revocations::newer(Some(new.clone()), Some(old)).unwrap(), new);
    }
}
