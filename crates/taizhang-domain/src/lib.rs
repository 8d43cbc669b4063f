//! The records a village work team keeps (households, visits, diary, check-ins, leave) and
//! the rules that decide whether a record may be written. Pure data: no IO, no clock, no
//! randomness — the caller passes "now" and fresh ids in.

mod error;
mod finding;
mod followup;
mod household;
mod ids;
mod model;
mod report;
mod rng;
mod score;
mod time;
mod validate;
mod village_ledger;
mod village_plan;
mod words;

pub use error::DomainError;
pub use finding::{validate_finding, Finding, FindingReview, FindingState, Verdict, FINDING_OFFICER_FIELDS};
pub use followup::{validate_follow_up, FollowUp};
pub use household::{
    field_words, id_number_valid, mask_id_number, validate_details, validate_family_member, validate_household_edit,
    value_words, value_words_en, FamilyMember, Guarantee, Health, HouseholdDetails, MonitoredType, Relation, RiskKind,
    Schooling, WorkAbility,
};
pub use ids::{
    CheckInId, DiaryId, FindingId, FollowUpId, HouseholdId, LeaveId, MeetingId, MemberId, PersonId, PlanId, ProgressId,
    ProjectId, VillageId, VisitId,
};
pub use model::{
    CheckIn, CheckKind, DiaryEntry, GeoPoint, Geofence, GpsFix, Household, HouseholdStatus, LeaveKind, LeaveRequest,
    LeaveState, Member, MonthFiling, PovertyCause, Role, Village, Visit,
};
pub use report::{validate_report, validate_submission, MonthSubmission, ReportPeriod, TeamReport};
pub use rng::SplitMix64;
pub use score::{validate_score_sheet, MonthScoreSheet, ScoreItem, ScoreItemKind, ScoreState, MAX_SCORE_ITEMS};
pub use time::{day_start, local_date, local_datetime, local_month, parse_local_time, shanghai, Timestamp, YearMonth};
pub use validate::{
    validate_attachments, validate_check_in, validate_diary, validate_filing, validate_household, validate_leave,
    validate_member, validate_visit, LedgerView, Limits, MAX_ATTACHMENTS,
};
pub use village_ledger::{
    validate_meeting, validate_progress, validate_project, Funding, Meeting, MeetingKind, ProgressUpdate, Project,
    ProjectKind, ProjectState, MAX_ATTENDANCE, MAX_FUNDING_YUAN, MAX_PROJECT_HOUSEHOLDS,
};
pub use village_plan::{
    plan_progress, validate_plan_item, validate_situation, Cadre, Education, PlanItem, PlanKind, PlanProgress,
    PlanState, VillageSituation, MAX_CADRES,
};
pub use words::{kind_words, record_code_words, record_field_words, team_may_settle, CONFLICT_KINDS};
