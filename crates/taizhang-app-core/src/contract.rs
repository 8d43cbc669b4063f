//! The command contract between the app's window and its Rust side: every request, answer
//! and error code, defined once here and exported to TypeScript (`app/src/generated/contract.ts`)
//! by [`contract_ts`]; a test fails when the committed file is out of date.
//!
//! Conventions: ids are UUID strings, dates `YYYY-MM-DD` and months `YYYY-MM` (Asia/Shanghai),
//! instants UTC milliseconds (`number` in TypeScript), field names camelCase.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable error codes. The UI words each one in the user's language; never rename a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// The device has not joined a village yet.
    NotJoined,
    /// The device already belongs to a village.
    AlreadyJoined,
    /// The join code is not one this version accepts.
    BadJoinCode,
    /// The server address is not an http(s) URL.
    BadServerUrl,
    /// A record failed validation; `field` names the field when known.
    InvalidInput,
    /// The record asked for does not exist on this device.
    NotFound,
    /// Only the first secretary may do this.
    NotAllowed,
    /// The diary month is filed (月备案): write an amendment instead.
    MonthFiled,
    /// The village's team and households have not arrived yet: sync once with signal.
    NotSyncedYet,
    /// No connection to the server. Nothing is lost.
    ServerUnreachable,
    /// The server refused the request. Nothing is lost.
    ServerRefused,
    /// The server's answer could not be read. Nothing is lost.
    ServerAnswerUnreadable,
    /// The sync stopped before the end; it continues next time.
    SyncIncomplete,
    /// A sync is already running.
    SyncRunning,
    /// The device's storage failed: the record was not saved.
    Storage,
    /// A fault in the app itself.
    Internal,
}

/// What every failed command returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CommandError {
    pub code: ErrorCode,
    /// The technical detail in English (shown small, under the translated sentence).
    pub message: String,
    /// The field that was wrong, for validation errors.
    pub field: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Zh,
    En,
}

/// Settings kept on the device beside the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub server_url: String,
    pub language: Language,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    FirstSecretary,
    TeamMember,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MemberInfo {
    pub id: String,
    /// Empty until the team has arrived by sync.
    pub name: String,
    pub role: Option<MemberRole>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VillageInfo {
    pub name: String,
    pub county: String,
    pub township: String,
}

/// Whether the device has joined, as whom, and its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetupStatus {
    pub joined: bool,
    pub member: Option<MemberInfo>,
    pub village: Option<VillageInfo>,
    pub settings: Settings,
    pub store_path: String,
    /// The screen to open first (env `TAIZHANG_START_SCREEN`, e.g. `households`), if set.
    pub start_screen: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JoinRequest {
    pub server_url: String,
    /// The one-time enrollment code from the administrator (`XXXX-XXXX-XXXX-XXXX`).
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JoinResult {
    pub setup: SetupStatus,
    /// The first sync, when the server could be reached.
    pub first_sync: Option<SyncSummary>,
    /// Why the first sync did not happen (the device is joined anyway).
    pub sync_error: Option<CommandError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum CheckKindCode {
    In,
    Out,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckInRequest {
    pub kind: CheckKindCode,
    /// The device location, when it has one (optional evidence, never a gate).
    pub location: Option<Location>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckInItem {
    pub id: String,
    #[ts(type = "number")]
    pub at: i64,
    pub kind: CheckKindCode,
    /// Inside the village geofence; null when no location was given.
    pub in_geofence: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DiaryStatus {
    Written,
    Missing,
    /// The month is filed: only amendments can be written.
    Filed,
}

/// The Today screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TodayView {
    pub date: String,
    pub member: MemberInfo,
    pub village: Option<VillageInfo>,
    /// Today's check-ins and check-outs, oldest first.
    pub checks: Vec<CheckInItem>,
    /// The last record today was a check-in.
    pub in_village_now: bool,
    pub days_this_month: u32,
    pub days_this_year: u32,
    /// Days required by today (the yearly minimum prorated to the judged days).
    pub required_so_far: u32,
    /// The policy's yearly minimum (200).
    pub yearly_target: u32,
    pub on_track: bool,
    pub diary_today: DiaryStatus,
    /// Documents with changes waiting to be sent.
    pub pending_docs: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HouseholdStatusCode {
    RegisteredPoor,
    LiftedOut,
    Monitored,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdFilter {
    /// Part of the head's name or of the grid.
    pub text: Option<String>,
    /// Exact village group (村民组).
    pub group: Option<String>,
    pub status: Option<HouseholdStatusCode>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdSummary {
    pub id: String,
    pub head: String,
    pub group: String,
    pub grid: String,
    pub members_count: u32,
    pub status: HouseholdStatusCode,
    pub visit_count: u32,
    #[ts(type = "number | null")]
    pub last_visit_at: Option<i64>,
    pub has_conflicts: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdList {
    pub items: Vec<HouseholdSummary>,
    /// Households on the device, before filtering.
    pub total: u32,
    /// Every village group, for the filter.
    pub groups: Vec<String>,
}

/// A household as the add/edit form holds it. `id` is null for a new household.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdInput {
    pub id: Option<String>,
    pub head: String,
    pub members_count: u32,
    pub group: String,
    pub grid: String,
    pub status: HouseholdStatusCode,
    /// Cause codes (`illness`, `lack_of_water`...).
    pub causes: Vec<String>,
    pub helper_id: Option<String>,
    pub plan: String,
    #[ts(type = "number | null")]
    pub income_yuan: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConflictItem {
    pub field: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdDetail {
    pub household: HouseholdInput,
    pub helper_name: Option<String>,
    /// Newest first.
    pub visits: Vec<VisitItem>,
    /// Fields two devices set to different values: shown so a person can pick.
    pub conflicts: Vec<ConflictItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitInput {
    pub household_id: String,
    pub findings: String,
    pub needs: String,
    pub follow_up: String,
    pub location: Option<Location>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitItem {
    pub id: String,
    pub household_id: String,
    pub household_head: String,
    pub member_name: String,
    #[ts(type = "number")]
    pub at: i64,
    pub findings: String,
    pub needs: String,
    pub follow_up: String,
    pub has_location: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MonthQuery {
    /// `YYYY-MM`; null for the current month.
    pub month: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiaryItem {
    pub id: String,
    pub date: String,
    pub text: String,
    /// The entry this one corrects (an amendment written after filing).
    pub amends: Option<String>,
    #[ts(type = "number")]
    pub written_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiaryView {
    pub month: String,
    pub today: String,
    /// Today's original entry, if written (only when `month` is the current month).
    pub today_entry: Option<DiaryItem>,
    /// The month's entries by date, amendments after what they amend.
    pub entries: Vec<DiaryItem>,
    pub filed: bool,
    #[ts(type = "number | null")]
    pub filed_at: Option<i64>,
    pub filed_by: Option<String>,
    /// The first secretary may file this month now.
    pub can_file: bool,
    pub days_written: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiaryInput {
    /// `YYYY-MM-DD`; null for today.
    pub date: Option<String>,
    pub text: String,
    /// Set to write an amendment to that entry (needed once the month is filed).
    pub amends: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileMonthRequest {
    pub month: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TeamDay {
    pub date: String,
    /// Names of the members with a check-in that day.
    pub present: Vec<String>,
    /// Names of the members on approved leave that day.
    pub on_leave: Vec<String>,
    /// Judged (not in the future) and nobody in the village, not excused.
    pub nobody: bool,
    /// Nobody in the village but every member on post had approved leave.
    pub excused: bool,
    pub future: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TeamMemberSummary {
    pub id: String,
    pub name: String,
    pub role: MemberRole,
    pub days_this_month: u32,
    pub month_filed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum LeaveStateCode {
    Pending,
    Approved,
    Rejected,
    /// Withdrawn by the requester while pending (issue 14).
    Withdrawn,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LeaveItem {
    pub id: String,
    pub member_id: String,
    pub member_name: String,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub state: LeaveStateCode,
    pub decided_by: Option<String>,
}

/// The Team screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TeamView {
    pub month: String,
    /// 0 = Monday .. 6 = Sunday, for laying the first day out in a calendar.
    pub first_weekday: u32,
    pub days: Vec<TeamDay>,
    /// Days with nobody in the village (not excused), so far this month.
    pub gaps: u32,
    pub members: Vec<TeamMemberSummary>,
    /// Pending requests first.
    pub leaves: Vec<LeaveItem>,
    /// This device's member is the first secretary (approves leave, files months).
    pub can_approve: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LeaveInput {
    pub from: String,
    pub to: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DecideLeaveRequest {
    pub id: String,
    pub approve: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    pub requests: u32,
    #[ts(type = "number")]
    pub bytes_up: u64,
    #[ts(type = "number")]
    pub bytes_down: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncSummary {
    #[ts(type = "number")]
    pub at: i64,
    pub requests: u32,
    #[ts(type = "number")]
    pub bytes_up: u64,
    #[ts(type = "number")]
    pub bytes_down: u64,
    pub changes_pushed: u32,
    pub changes_received: u32,
    /// Documents the server refused, with its reason; they stay waiting.
    pub refused: Vec<String>,
}

/// The Sync screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub server_url: String,
    #[ts(type = "number | null")]
    pub last_sync_at: Option<i64>,
    /// Changes made on this device the server has not confirmed.
    pub pending_changes: u32,
    /// The documents they are in (`registry`, `log/<member>/2026-11`...).
    pub pending_docs: Vec<String>,
    pub running: bool,
    /// Of the running sync (or the last one).
    pub progress: SyncProgress,
    pub last_result: Option<SyncSummary>,
    /// The last attempt's error, cleared by a successful sync.
    pub last_error: Option<CommandError>,
}

/// The window reports that a screen finished drawing (for the start-up timing log).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UiMark {
    pub what: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UiMarkEcho {
    /// Milliseconds since the app process started.
    #[ts(type = "number")]
    pub since_start_ms: u64,
}

/// Every command: name, request type (or `null`: no argument), answer type. A command with
/// a request is invoked as `invoke(name, { req })`.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    ("setup_status", "null", "SetupStatus"),
    ("join", "JoinRequest", "JoinResult"),
    ("save_settings", "Settings", "SetupStatus"),
    ("today", "null", "TodayView"),
    ("check_in", "CheckInRequest", "CheckInItem"),
    ("households", "HouseholdFilter", "HouseholdList"),
    ("household", "string", "HouseholdDetail"),
    ("save_household", "HouseholdInput", "HouseholdDetail"),
    ("record_visit", "VisitInput", "VisitItem"),
    ("diary", "MonthQuery", "DiaryView"),
    ("write_diary", "DiaryInput", "DiaryItem"),
    ("file_month", "FileMonthRequest", "DiaryView"),
    ("team", "MonthQuery", "TeamView"),
    ("request_leave", "LeaveInput", "LeaveItem"),
    ("decide_leave", "DecideLeaveRequest", "LeaveItem"),
    ("sync_status", "null", "SyncStatus"),
    ("sync_now", "null", "SyncSummary"),
    ("ui_mark", "UiMark", "UiMarkEcho"),
];

/// The TypeScript text of the contract: every type above and the command map.
pub fn contract_ts() -> String {
    let decls = [
        ErrorCode::decl(),
        CommandError::decl(),
        Language::decl(),
        Settings::decl(),
        MemberRole::decl(),
        MemberInfo::decl(),
        VillageInfo::decl(),
        SetupStatus::decl(),
        JoinRequest::decl(),
        JoinResult::decl(),
        Location::decl(),
        CheckKindCode::decl(),
        CheckInRequest::decl(),
        CheckInItem::decl(),
        DiaryStatus::decl(),
        TodayView::decl(),
        HouseholdStatusCode::decl(),
        HouseholdFilter::decl(),
        HouseholdSummary::decl(),
        HouseholdList::decl(),
        HouseholdInput::decl(),
        ConflictItem::decl(),
        HouseholdDetail::decl(),
        VisitInput::decl(),
        VisitItem::decl(),
        MonthQuery::decl(),
        DiaryItem::decl(),
        DiaryView::decl(),
        DiaryInput::decl(),
        FileMonthRequest::decl(),
        TeamDay::decl(),
        TeamMemberSummary::decl(),
        LeaveStateCode::decl(),
        LeaveItem::decl(),
        TeamView::decl(),
        LeaveInput::decl(),
        DecideLeaveRequest::decl(),
        SyncProgress::decl(),
        SyncSummary::decl(),
        SyncStatus::decl(),
        UiMark::decl(),
        UiMarkEcho::decl(),
    ];
    let mut out = String::from(
        "// The command contract of the Taizhang app, generated from crates/taizhang-app-core/src/contract.rs.\n\
         // DO NOT EDIT: regenerate with `UPDATE_CONTRACT=1 cargo test -p taizhang-app-core --test contract`.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(d.trim());
        out.push_str("\n\n");
    }
    out.push_str("/** Every command: its request (`null`: none; else passed as `{ req }`) and its answer. */\n");
    out.push_str("export interface Commands {\n");
    for (name, req, res) in COMMANDS {
        out.push_str(&format!("  {name}: {{ req: {req}; res: {res} }};\n"));
    }
    out.push_str("}\n\nexport const ERROR_CODES: ErrorCode[] = [\n");
    for code in ERROR_CODES {
        let s = serde_json::to_string(code).unwrap_or_default();
        out.push_str(&format!("  {s},\n"));
    }
    out.push_str("];\n");
    out
}

/// Every error code, for the UI's completeness check of its translations.
pub const ERROR_CODES: &[ErrorCode] = &[
    ErrorCode::NotJoined,
    ErrorCode::AlreadyJoined,
    ErrorCode::BadJoinCode,
    ErrorCode::BadServerUrl,
    ErrorCode::InvalidInput,
    ErrorCode::NotFound,
    ErrorCode::NotAllowed,
    ErrorCode::MonthFiled,
    ErrorCode::NotSyncedYet,
    ErrorCode::ServerUnreachable,
    ErrorCode::ServerRefused,
    ErrorCode::ServerAnswerUnreadable,
    ErrorCode::SyncIncomplete,
    ErrorCode::SyncRunning,
    ErrorCode::Storage,
    ErrorCode::Internal,
];
