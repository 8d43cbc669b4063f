//! The one error type of the document-mapping crate.

#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("not a document id: {0:?} (expected `registry`, `team/YYYY` or `log/<member uuid>/YYYY-MM`)")]
    BadDocId(String),
    #[error("record {key} has no readable {field}: it was written by an incompatible version; update the app")]
    BadField { key: String, field: &'static str },
    #[error("the document could not be changed: {0}")]
    Automerge(#[from] automerge::AutomergeError),
    #[error(transparent)]
    Domain(#[from] taizhang_domain::DomainError),
}
