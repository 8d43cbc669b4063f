//! The one error type of the access rules; messages say what the device or admin should do.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("the access token is malformed or was not issued by this server: sign in again")]
    BadToken,
    #[error("the access token has expired: sign in again (the app does this by itself)")]
    TokenExpired,
    #[error("the sign-in challenge is malformed or was not issued by this server: ask for a new one")]
    BadChallenge,
    #[error("the sign-in challenge is older than 5 minutes: ask for a new one")]
    ChallengeExpired,
    #[error("the device signature does not match its registered key: this device must be enrolled again")]
    BadSignature,
    #[error("the public key is not a valid ed25519 key: the device must generate a new key pair")]
    BadKey,
    #[error("the signed request is malformed: send `signed.<device id>.<stamp>.<signature hex>` or sign in")]
    BadSignedRequest,
    #[error("the signed request's time is more than 15 minutes from the server's ({server_time}): sign in with a challenge (the app does this by itself)")]
    StampOutOfWindow { server_time: i64 },
    #[error(
        "this signed request was already used (or is older than the device's last one): sign it again with a new stamp"
    )]
    StampReused,
    #[error("'{0}' is not an enrollment code: it has 16 letters and digits, like ABCD-EFGH-JKMN-PQRS")]
    BadCode(String),
}
