//! The rules of access of Taizhang, as pure functions: who may read which village and write
//! which document ([`policy`]), the server-signed short-lived device tokens and the stateless
//! challenges devices sign to obtain them ([`token`]), the one-time enrollment codes an
//! administrator hands out ([`code`]) and the per-device request limit ([`limit`]). Sans-IO:
//! no clock, no randomness, no database — the server passes "now", random bytes and its key
//! in, and does its own storage.

pub mod code;
pub mod device;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod judge;
pub mod limit;
pub mod password;
pub mod policy;
pub mod token;

pub use code::EnrollmentCode;
pub use device::{device_access, DeviceAccess, DeviceRequest, DeviceState};
pub use error::AuthError;
pub use judge::{doc_id, judge_touched};
pub use limit::RateLimiter;
pub use password::{check_new_password, hash_password, verify_password, PasswordError, PASSWORD_ITERATIONS};
pub use policy::{may_read, may_write, Denial, DocRef, Facts, Place, Principal, Role, Touch};
pub use token::{
    actor_message, auth_message, enroll_message, proven_bearer, public_key, renew_message, sign,
    signed_request_message, split_bearer, token_expires_at, verify_signature, Issued, ServerKey, SignedRequest,
    CHALLENGE_TTL_MS, RENEW_WITHIN_MS, SESSION_TTL_MS, SIGNED_PREFIX, SIGNED_REQUEST_WINDOW_MS, TOKEN_TTL_MS,
};
