//! The county view (issue 5), pure: what county organisation-department staff see of the
//! synced logs of their villages. The sync server keeps a read model of [`VillageProjection`]s
//! (one per village, fed with re-read documents as syncs arrive) and answers the county page
//! and the exports with these functions; nothing here does IO, reads a clock or knows HTTP.
//!
//! - [`project`]: one Automerge document → the records it holds; a village's documents → the
//!   rules engine's `VillageRecords`.
//! - [`view`]: the overview line of a village and the village page (calendar, visit coverage,
//!   members' reports and month scores), every figure explained by `taizhang-rules`.
//! - [`sample`]: random inspection (随机查) with a caller-given seed.
//! - [`tables`]: the export tables with Chinese headers (考勤, 走访, 民情日记, 考核, and the
//!   village ledger's 项目台账, 会议记录, 村情, 帮扶计划).
//! - [`inputs`]: what county staff enter (scheme A components, training, seven ones, scheme B
//!   items), checked against the policy before the server stores it.
//! - [`evidence`]: the evidence calendar (记录及时 / 补录 / 时间存疑 per member-day, issue 17).
//! - [`findings`]: inspection findings and the team's answers (整改, issue 16).
//! - [`township`]: the township's view: who is at post today (在岗情况), leave to decide,
//!   months to file.
//! - [`ledger`]: the village's own ledger (村级工作台账, issue 22): its projects and meetings.
//! - [`photos`]: which records refer to which photos and scans (issue 19), and their state on
//!   the server for the page.

mod error;
pub mod evidence;
pub mod findings;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod inputs;
pub mod ledger;
pub mod photos;
pub mod project;
pub mod sample;
pub mod scores;
pub mod tables;
pub mod township;
pub mod view;

pub use error::CountyError;
pub use evidence::{evidence_view, EvidenceView, MemberEvidence};
pub use findings::{finding_lines, FindingLine};
pub use inputs::{
    day_checks_from_rows, evidence_day_period, evidence_period, proposal_period, survey_period, DayChecks, Entered,
    GradeProposal, MonthInputs, SurveyEntry, YearInputs,
};
pub use ledger::{village_ledger, LedgerView, MeetingLine, ProjectLine};
pub use photos::{attachment_refs, photos_view, refers_to, AttachedKind, PhotosView, Stored};
pub use project::{DocPart, VillageProjection};
pub use sample::{household_pool, sample_diary, sample_households, DiarySample, HouseholdSample};
pub use scores::{sheet_chain, sheets_waiting, SheetChain, SheetToCheck};
pub use tables::{table, table_with_inputs, Dataset, Scope, VillageData};
pub use township::{
    at_post, leave_to_decide, months_to_file, team_reports, AtPostLine, AtPostVillage, LeaveToDecide, MonthToFile,
    PostState, ReportSlot, VillageReports,
};
pub use view::{
    county_grades, needs_county_grades, village_page, village_summary, village_view, village_view_with, CountyGrades,
    GradeLine, VillageInfo, VillageSummary, VillageView,
};
