//! Writes the seed corpus of the `credentials` fuzz target (`fuzz/seeds/credentials/`): a real
//! token, a real challenge, an enrollment code, a signed message, a county-page session and a
//! stored password hash; and the `signed_request` target's (`fuzz/seeds/signed_request/`).
//! Run: `cargo run -p taizhang-auth --example credential_seeds`.

use std::path::PathBuf;

use taizhang_auth::{public_key, sign, EnrollmentCode, ServerKey};

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/credentials");
    std::fs::create_dir_all(&dir)?;
    let key = ServerKey::new([7; 32]);
    let now = 1_795_536_000_000;
    let token = key.issue_token(uuid::Uuid::from_u128(42), now).token;
    std::fs::write(dir.join("token"), token)?;
    std::fs::write(dir.join("challenge"), key.challenge(now, [3; 16]))?;
    std::fs::write(dir.join("code"), EnrollmentCode::from_random([9; 10]).display())?;
    let secret = [5u8; 32];
    let mut signed = public_key(&secret).to_vec();
    signed.extend_from_slice(&sign(&secret, b"message"));
    signed.extend_from_slice(b"message");
    std::fs::write(dir.join("signed"), signed)?;
    std::fs::write(dir.join("session"), key.issue_session(uuid::Uuid::from_u128(43), now).token)?;
    std::fs::write(dir.join("password-hash"), taizhang_auth::hash_password("password", [1; 16], 10))?;
    let signed_dir = dir.join("../signed_request");
    std::fs::create_dir_all(&signed_dir)?;
    let request = taizhang_auth::SignedRequest::sign(uuid::Uuid::from_u128(42), now, "/v1/sync", b"body", &secret);
    std::fs::write(signed_dir.join("bearer"), request.bearer())?;
    std::fs::write(
        signed_dir.join("without-prefix"),
        request.bearer().trim_start_matches(taizhang_auth::SIGNED_PREFIX),
    )?;
    std::fs::write(dir.join("signed-request"), request.bearer())?;
    println!("seeds written under {}", dir.display());
    Ok(())
}
