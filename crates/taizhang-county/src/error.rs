//! The one error type of the county view: what a county officer (or the `pull` command) is
//! told when a view or an export cannot be made, and what to do about it.

use taizhang_domain::MemberId;
use uuid::Uuid;

/// Why a county view or export could not be made. Compliance findings are never errors.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CountyError {
    #[error(transparent)]
    Rules(#[from] taizhang_rules::RulesError),
    #[error("the export could not be written: {0}")]
    Export(String),
    #[error("village {0} is not in this county: pick a village from the overview")]
    UnknownVillage(Uuid),
    #[error("member {0} is not on the team of this village: pick a member from the village page")]
    UnknownMember(MemberId),
    #[error("unknown dataset `{0}`: use attendance, visits, diary, scores, projects, meetings, situation or plans")]
    UnknownDataset(String),
    #[error("{0}")]
    BadInput(String),
    #[error("unknown sample kind `{0}`: use diary or households")]
    UnknownSampleKind(String),
    /// Unknown household draw for a random inspection.
    #[error("unknown household draw `{0}`: use `policy` (the statuses the county's policy names) or `all`")]
    UnknownSampleScope(String),
}

impl From<taizhang_export::ExportError> for CountyError {
    fn from(e: taizhang_export::ExportError) -> Self {
        CountyError::Export(e.to_string())
    }
}
