//! The one error type of the sync crate.

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the sync body is not valid zstd: {0}")]
    Compression(String),
    #[error("the sync body inflates past {limit} bytes: send smaller batches")]
    TooLarge { limit: usize },
    #[error("the sync body is not a valid Taizhang sync message: {0}")]
    Malformed(String),
    #[error("protocol version {got} is not supported (this side speaks {expected}): update the app or the server")]
    Version { got: u16, expected: u16 },
    #[error("change {index} of document {doc} is not a valid Automerge change: {reason}")]
    BadChange { doc: String, index: usize, reason: String },
    #[error("document {doc}: {reason}")]
    BadDoc { doc: String, reason: String },
}
