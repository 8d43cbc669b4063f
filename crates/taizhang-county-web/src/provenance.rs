//! Where a record comes from (issue 17, "signed history"): which enrolled device made it, when
//! the server first saw it, and whether it is unaltered since: the stored change still hashes
//! to the hash its author signed, and the signature — of the change alone, or of a batch of
//! that device's changes it is a member of — verifies with that device's enrolled key
//! (`taizhang_peer::Proof::verify`). Pure: the handler passes the stored changes, devices and
//! proof in.

use serde::Serialize;
use taizhang_server_db::Device;

/// What the county page shows about one record's origin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provenance {
    pub record: String,
    /// The document the record lives in.
    pub doc: String,
    /// Hex of the hash of the change that created it.
    pub change: String,
    /// When the server first received that change (UTC ms).
    pub received: Option<i64>,
    /// The device that made it, if its actor is an enrolled device's.
    pub device: Option<DeviceInfo>,
    /// The change's own time (the device's clock, UTC ms; 0 = none).
    pub device_time: i64,
    /// The device's anchor estimate of the moment it was made (UTC ms), if it carries one.
    pub anchor_estimate: Option<i64>,
    /// The verdict on the signature.
    pub signature: SignatureState,
    /// The verdict in words, Chinese then English.
    pub words: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceInfo {
    pub id: String,
    pub name: String,
    pub enrolled_at: i64,
    pub revoked_at: Option<i64>,
}

/// What the signature of the creating change proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureState {
    /// Signed by the enrolled device whose actor made it, and the stored bytes are what it
    /// signed: made by that device, unaltered since.
    Verified,
    /// A signature is kept but does not verify with that device's key: altered, or forged.
    Invalid,
    /// No signature kept (pushed by an app older than signed changes, or by the server's own
    /// seeding): the receipt time stands, the author is the actor's device as enrolled.
    Unsigned,
    /// The change's actor is no enrolled device (seeded or imported data).
    UnknownDevice,
    /// The stored change for the record is missing or no longer hashes to its hash.
    Missing,
}

impl SignatureState {
    fn words(self) -> &'static str {
        match self {
            SignatureState::Verified => "签名有效：由该设备记录，之后未被改动 / signed by this device, unaltered since",
            SignatureState::Invalid => {
                "签名无效：记录可能被改动或伪造 / the signature does not verify: altered or forged"
            }
            SignatureState::Unsigned => "无签名（旧版应用或导入数据） / unsigned (an older app or imported data)",
            SignatureState::UnknownDevice => "不是已登记设备所记 / not made by an enrolled device",
            SignatureState::Missing => "服务器上找不到原始记录 / the original change is missing on the server",
        }
    }
}

/// Judges the origin of `record`, created by change `hash` of document `doc`.
pub fn provenance(
    record: &str,
    doc: &str,
    hash: &[u8; 32],
    stored: &[Vec<u8>],
    received: Option<i64>,
    devices: &[Device],
    proof: Option<taizhang_peer::Proof<'_>>,
) -> Provenance {
    // The stored bytes must still hash to the hash the author signed (Automerge computes a
    // change's hash from its bytes).
    let change = stored.iter().filter_map(|b| taizhang_sync::parse_raw_change(b).ok()).find(|c| c.hash().0 == *hash);
    let mut out = Provenance {
        record: record.to_string(),
        doc: doc.to_string(),
        change: hex::encode(hash),
        received,
        device: None,
        device_time: 0,
        anchor_estimate: None,
        signature: SignatureState::Missing,
        words: String::new(),
    };
    if let Some(c) = change {
        out.device_time = c.timestamp();
        out.anchor_estimate =
            c.message().and_then(|m| taizhang_sync::ChangeAnchor::parse(m)).map(taizhang_sync::ChangeAnchor::estimate);
        let actor = c.actor_id().to_bytes().to_vec();
        let device = devices.iter().find(|d| d.actor == actor || d.more_actors.contains(&actor));
        out.device = device.map(|d| DeviceInfo {
            id: d.id.to_string(),
            name: d.name.clone(),
            enrolled_at: d.enrolled_at,
            revoked_at: d.revoked_at,
        });
        out.signature = match (device, proof) {
            (None, _) => SignatureState::UnknownDevice,
            (Some(_), None) => SignatureState::Unsigned,
            (Some(d), Some(proof)) => match proof.verify(&d.public_key, hash) {
                Ok(()) => SignatureState::Verified,
                Err(_) => SignatureState::Invalid,
            },
        };
    }
    out.words = out.signature.words().to_string();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::{CommitOptions, Transactable};
    use automerge::{ActorId, Automerge, ROOT};
    use taizhang_peer::{BatchSig, Proof};
    use uuid::Uuid;

    fn change(actor: &[u8], message: Option<&str>) -> (Vec<u8>, [u8; 32]) {
        let mut doc = Automerge::new().with_actor(ActorId::from(actor.to_vec()));
        let mut tx = doc.transaction();
        tx.put(ROOT, "checkin/1", "in").expect("put");
        let opts = CommitOptions::default().with_time(1_795_536_000_000);
        let opts = match message {
            Some(m) => opts.with_message(m.to_string()),
            None => opts,
        };
        tx.commit_with(opts);
        let c = doc.get_changes(&[]).pop().expect("one change").clone();
        (c.raw_bytes().to_vec(), c.hash().0)
    }

    fn device(secret: &[u8; 32], actor: &[u8]) -> Device {
        Device {
            id: Uuid::from_u128(9),
            account: Uuid::from_u128(1),
            name: "王芳的手机".into(),
            public_key: taizhang_auth::public_key(secret).to_vec(),
            actor: actor.to_vec(),
            more_actors: Vec::new(),
            enrolled_at: 1,
            revoked_at: None,
            wipe_ordered_at: None,
        }
    }

    #[test]
    fn a_signed_change_of_an_enrolled_device_is_verified_and_a_tampered_one_is_not() {
        let secret = [7u8; 32];
        let actor = [1u8; 16];
        let anchor = taizhang_sync::ChangeAnchor { server_time: 1_795_530_000_000, elapsed_ms: 6_000_000 };
        let (bytes, hash) = change(&actor, Some(&anchor.to_message()));
        let sig = taizhang_peer::sign_change(&secret, &hash).sig;
        let devices = [device(&secret, &actor)];
        let p =
            provenance("c1", "log/x/2026-11", &hash, &[bytes.clone()], Some(5), &devices, Some(Proof::Single(&sig)));
        assert_eq!(p.signature, SignatureState::Verified, "{p:?}");
        assert_eq!(p.device.as_ref().map(|d| d.name.as_str()), Some("王芳的手机"));
        assert_eq!(p.anchor_estimate, Some(1_795_536_000_000));
        assert_eq!(p.device_time, 1_795_536_000_000);

        // Another key's signature: invalid. No signature: unsigned.
        let forged = taizhang_peer::sign_change(&[8u8; 32], &hash).sig;
        let p = provenance("c1", "d", &hash, &[bytes.clone()], None, &devices, Some(Proof::Single(&forged)));
        assert_eq!(p.signature, SignatureState::Invalid);
        assert_eq!(
            provenance("c1", "d", &hash, &[bytes.clone()], None, &devices, None).signature,
            SignatureState::Unsigned
        );

        // A stored change altered in the database no longer hashes to the signed hash.
        let mut altered = bytes.clone();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert_eq!(
            provenance("c1", "d", &hash, &[altered], None, &devices, Some(Proof::Single(&sig))).signature,
            SignatureState::Missing
        );

        // A change by an actor that is no enrolled device.
        let (other, other_hash) = change(&[2u8; 16], None);
        let p = provenance("c2", "d", &other_hash, &[other], None, &devices, None);
        assert_eq!(p.signature, SignatureState::UnknownDevice);
        assert_eq!(p.anchor_estimate, None);
    }

    #[test]
    fn a_change_in_its_devices_batch_is_verified_and_one_outside_it_is_not() {
        let secret = [7u8; 32];
        let actor = [1u8; 16];
        let (bytes, hash) = change(&actor, None);
        let devices = [device(&secret, &actor)];
        let batch = BatchSig::sign(&secret, vec![hash, [3u8; 32]]);
        let p = provenance("c1", "d", &hash, &[bytes.clone()], None, &devices, Some(Proof::Batch(0, &batch)));
        assert_eq!(p.signature, SignatureState::Verified, "{p:?}");
        let without = BatchSig::sign(&secret, vec![[3u8; 32]]);
        let p = provenance("c1", "d", &hash, &[bytes.clone()], None, &devices, Some(Proof::Batch(0, &without)));
        assert_eq!(p.signature, SignatureState::Invalid, "a batch the change is not in proves nothing of it");
        let forged = BatchSig::sign(&[8u8; 32], vec![hash]);
        let p = provenance("c1", "d", &hash, &[bytes], None, &devices, Some(Proof::Batch(0, &forged)));
        assert_eq!(p.signature, SignatureState::Invalid, "another key's batch");
    }
}
