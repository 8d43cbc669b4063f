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
    /// Not this account's to do (the server would refuse it too): only the first secretary
    /// decides leave or files months, a request is withdrawn only while pending, ...
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
    /// Nobody decides their own leave: the township decides the first secretary's (issue 14).
    OwnLeave,
    /// A month can be filed (月备案) only after it has ended.
    MonthNotOver,
    /// The administrator revoked this device and had it erased (issue 21): join again.
    DeviceWiped,
    /// The app is locked (issue 21): enter the PIN, or set one first on a device without a
    /// keystore.
    Locked,
    /// The PIN was wrong; `message` says how many attempts are left.
    WrongPin,
    /// Too many wrong PINs: the app stays locked until the administrator's reset.
    PinBlocked,
    /// Too many wrong PINs for a PIN-keyed store: the next attempt waits (`LockStatus::retry_at`).
    PinWait,
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
    /// Why this device's data was erased, when the administrator had it wiped (issue 21) and it
    /// has not joined again.
    pub wiped: Option<String>,
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
    /// Changes waiting to be sent: the same count as [`SyncStatus::pending_changes`].
    pub pending_changes: u32,
    /// The open follow-up items (待办) of the village: mine first, then by due day.
    pub follow_ups: Vec<FollowUpItem>,
    /// The inspection findings waiting for the team's answer (待整改, issue 16), oldest first.
    pub findings: Vec<FindingItem>,
}

/// An inspection finding (检查发现的问题) written by the township or county, and the team's
/// answer (整改, issue 16).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FindingItem {
    pub id: String,
    /// The household inspected (null for a diary entry), with its head.
    pub household_id: Option<String>,
    pub household_head: String,
    /// The author of the diary entry inspected (null for a household).
    pub diary_member_name: Option<String>,
    pub text: String,
    /// The officer and their unit, as the page signed it.
    pub found_by_name: String,
    #[ts(type = "number")]
    pub found_at: i64,
    pub answered: bool,
    pub answer: String,
    pub answered_by_name: Option<String>,
    #[ts(type = "number | null")]
    pub answered_at: Option<i64>,
    /// `open` 待整改, `answered` 已答复 (waiting for the officer's check), `returned` 已退回 (answer
    /// again) or `accepted` 已验收.
    pub state: String,
    /// The officer's note on the current answer (why it was returned), if any.
    pub review_note: String,
    /// When the officer checked the current answer (server time), if they did.
    #[ts(type = "number | null")]
    pub reviewed_at: Option<i64>,
}

/// Answer a finding (整改情况).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AnswerFindingRequest {
    pub id: String,
    pub answer: String,
}

/// A follow-up item (承诺事项, issue 16).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FollowUpItem {
    pub id: String,
    pub household_id: String,
    pub household_head: String,
    pub text: String,
    pub owner_name: String,
    /// Owned by this device's member.
    pub mine: bool,
    /// `YYYY-MM-DD`, or null when no day was agreed.
    pub due: Option<String>,
    /// Open and past its due day.
    pub overdue: bool,
    pub done: bool,
    pub done_by_name: Option<String>,
    #[ts(type = "number | null")]
    pub done_at: Option<i64>,
    pub done_note: String,
    /// The project it became or joined (转为项目 / 并入项目, issue 22), null when none; its
    /// name and state in words (empty when the project has not reached this device yet).
    pub project_id: Option<String>,
    pub project_name: String,
    pub project_state: Option<ProjectStateCode>,
    /// Photos and scans on the item (issue 19).
    pub photos: u32,
}

/// Close a follow-up item (办结).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CloseFollowUpRequest {
    pub id: String,
    /// How it was done.
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HouseholdStatusCode {
    // 建档立卡贫困户, the pre-2021 word: read from older records, shown as 脱贫户.
    RegisteredPoor,
    // 脱贫户
    LiftedOut,
    // 监测对象
    Monitored,
    // 一般户, the default of a new household.
    Ordinary,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdFilter {
    /// Part of the head's name or of the grid.
    pub text: Option<String>,
    /// Exact village group (村民组).
    pub group: Option<String>,
    pub status: Option<HouseholdStatusCode>,
    /// Only the households I am the helper of (结对帮扶).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub mine: Option<bool>,
    /// Only the households nobody has visited this month / this year.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub not_visited: Option<VisitPeriodCode>,
    /// Only the households with an open follow-up item (待办).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub open_follow_ups: Option<bool>,
}

/// "Not visited this month / this year" (Asia/Shanghai).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum VisitPeriodCode {
    Month,
    Year,
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
    /// 门牌号 (empty when not known): with the group it tells namesakes apart.
    pub door_number: String,
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
    /// Issue 16's fields (phone, address, monitoring, checks, helper). Absent or null: the
    /// form does not hold them and the saved record keeps what it has.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub details: Option<HouseholdDetailsInput>,
    /// Photos and scans of the household (issue 19: the house, a scanned document), ids from
    /// `attach_file`. Saving adds those given to those the household has (none is taken off);
    /// the household screen answers the ones it has.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// The household's details as the form holds them: codes as the domain stores them
/// (`marginal`, `illness`, `water`...), a day as `YYYY-MM-DD`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdDetailsInput {
    pub phone: String,
    pub address: String,
    pub door_number: String,
    /// 监测对象类型 code, only for a household whose status is 监测对象.
    pub monitored_type: Option<String>,
    /// 风险类型 codes.
    pub risks: Vec<String>,
    /// 风险消除 day, `YYYY-MM-DD`.
    pub risk_cleared_on: Option<String>,
    /// 两不愁三保障 and drinking water checks that were made: a check left out is not checked yet.
    pub checks: Vec<GuaranteeCheck>,
    #[ts(type = "number | null")]
    pub income_per_head_yuan: Option<i64>,
    /// 结对帮扶责任人: a free name (usually a cadre of the sending unit), the unit and phone.
    pub helper_name: String,
    pub helper_unit: String,
    pub helper_phone: String,
}

/// One 两不愁三保障 or drinking-water check: secured (`ok`) or a gap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GuaranteeCheck {
    /// `food`, `clothing`, `education`, `medical`, `housing`, `water`.
    pub code: String,
    pub ok: bool,
}

/// A code of a domain list with its words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    pub code: String,
    pub zh: String,
    pub en: String,
}

/// The domain's lists for the household and family forms, in the domain's words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdChoices {
    pub monitored_types: Vec<Choice>,
    pub risks: Vec<Choice>,
    pub guarantees: Vec<Choice>,
    pub relations: Vec<Choice>,
    pub health: Vec<Choice>,
    pub work_ability: Vec<Choice>,
    pub schooling: Vec<Choice>,
}

/// Keep one of the values two devices set at the same time (a conflict shown on the household
/// screen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeepValueRequest {
    pub household_id: String,
    /// The stored field name, as in [`ConflictItem::field`].
    pub field: String,
    /// One of [`ConflictItem::values`].
    pub value: String,
}

/// A form's draft kept on disk as it is typed (issue 16): it survives the app being killed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DraftInput {
    /// Which form: `visit`, or a form's name with what it is about (`visit-edit:<id>`).
    pub form: String,
    /// What the form holds, as the window writes it (JSON); empty removes the draft.
    pub body: String,
}

/// The draft of a form, if there is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DraftView {
    pub form: String,
    pub body: Option<String>,
    /// When it was last kept (device time, ms).
    #[ts(type = "number | null")]
    pub saved_at: Option<i64>,
}

/// Add a person to a household's roster (`id` null) or save an edited one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FamilyMemberInput {
    pub id: Option<String>,
    pub household_id: String,
    pub name: String,
    /// 与户主关系 code (`head`, `spouse`...).
    pub relation: String,
    pub birth_year: Option<i32>,
    pub health: Option<String>,
    pub work_ability: Option<String>,
    pub schooling: Option<String>,
    /// 残疾等级 1 to 4.
    pub disability_grade: Option<u8>,
    pub medical_insurance: Option<bool>,
    pub pension_insurance: Option<bool>,
    /// 身份证号: empty for none; the masked form shown (with `*`) keeps the stored number.
    pub id_number: String,
    /// 已迁出/注销: leaves the roster, the record is kept.
    pub left: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConflictItem {
    pub field: String,
    pub values: Vec<String>,
    /// The field in words, Chinese and English (the stored name when it has no words).
    pub label_zh: String,
    pub label_en: String,
    /// The values in words (status codes as 监测对象..., ID numbers masked), same order.
    pub values_shown: Vec<String>,
    /// The same in English (codes in English words; text as stored).
    pub values_shown_en: Vec<String>,
    /// This device's member may pick the value to keep (not on the officer's part of a
    /// finding, which the township's or county's page settles).
    pub can_pick: bool,
}

/// One record two devices changed at once (issue 16), in the conflicts list (待核对的冲突) of
/// the Sync screen: what it is, in words, and its fields in conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConflictRecord {
    /// The record's kind (`household`, `person`, `followup`, `finding`, `meeting`, `project`,
    /// `progress`, `situation`, `plan`).
    pub kind: String,
    /// The kind in words: 农户, 家庭成员, 承诺事项…
    pub kind_zh: String,
    pub kind_en: String,
    pub id: String,
    /// What tells it apart: the head and group, the person and household, the promise…
    pub label: String,
    /// The household it belongs to (its screen shows it too), if any.
    #[ts(optional = nullable)]
    pub household_id: Option<String>,
    pub conflicts: Vec<ConflictItem>,
}

/// Every record in conflict; `count` is what Today shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConflictList {
    pub records: Vec<ConflictRecord>,
    pub count: u32,
}

/// Keeps one of a field's values in conflict, for any record of [`ConflictList`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeepRecordValueRequest {
    pub kind: String,
    pub id: String,
    /// The stored field name, as in [`ConflictItem::field`].
    pub field: String,
    /// One of [`ConflictItem::values`].
    pub value: String,
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
    /// Issue 16's details that are set (phone, door number, monitoring, checks, helper), in words.
    pub facts: Vec<WordsItem>,
    /// The family roster (家庭成员), head first; people who left are not listed.
    pub family: Vec<FamilyItem>,
    /// Every change of the household, newest first.
    pub history: Vec<HistoryItem>,
    /// Its follow-up items (承诺事项), open ones first.
    pub follow_ups: Vec<FollowUpItem>,
    /// The inspection findings about it (检查发现的问题), open ones first.
    pub findings: Vec<FindingItem>,
}

/// A labelled value, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WordsItem {
    pub label_zh: String,
    pub label_en: String,
    pub value_zh: String,
    pub value_en: String,
}

/// One person of a household's roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FamilyItem {
    pub id: String,
    pub name: String,
    pub relation_zh: String,
    pub relation_en: String,
    pub age: Option<i32>,
    /// Whole only for the member who typed it; masked for everyone else; empty when not kept.
    pub id_number: String,
    /// Health, ability to work, schooling, disability, insurance, in words.
    pub notes_zh: String,
    pub notes_en: String,
    /// The codes as stored, for the edit form.
    pub relation: String,
    pub birth_year: Option<i32>,
    pub health: Option<String>,
    pub work_ability: Option<String>,
    pub schooling: Option<String>,
    pub disability_grade: Option<u8>,
    pub medical_insurance: Option<bool>,
    pub pension_insurance: Option<bool>,
}

/// One field of one change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryChange {
    pub label_zh: String,
    pub label_en: String,
    pub old: String,
    pub new: String,
}

/// One change of a record: who, when, what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryItem {
    #[ts(type = "number")]
    pub at: i64,
    /// The member's name; empty when the change does not name its author (older versions).
    pub who: String,
    pub changes: Vec<HistoryChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitInput {
    pub household_id: String,
    pub findings: String,
    pub needs: String,
    pub follow_up: String,
    pub location: Option<Location>,
    /// Make the follow-up text a to-do item (承诺事项) owned by me, due on this day
    /// (`YYYY-MM-DD`, or an empty string for no day). Absent: the text stays a note.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub promise_due: Option<String>,
    /// When the visit took place, Beijing time (`YYYY-MM-DDTHH:MM`, a `datetime-local`
    /// input's value); absent or empty: now. Not in the future (beyond the clock tolerance);
    /// any past time is accepted (a visit recorded late).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub at: Option<String>,
    /// The visit this one corrects (更正): one of my own earlier visits of the same household.
    /// The original is kept as it was; the household screen shows both.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub amends: Option<String>,
    /// Open follow-up items of the household to close (办结) with this visit, each with how it
    /// was done: closed by me at the time of saving.
    #[serde(default)]
    pub close: Vec<CloseFollowUpRequest>,
    /// Photos and scans attached with [`AttachRequest`] first (issue 19), by the id
    /// `attach_file` answered; each file is on this device before the visit is saved.
    #[serde(default)]
    pub attachments: Vec<String>,
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
    /// The visit this one corrects, if it is a correction (更正).
    pub amends: Option<String>,
    /// The id of the latest correction of this visit, if it was corrected.
    pub amended_by: Option<String>,
    /// Recorded by this device's member: they may correct it.
    pub mine: bool,
    /// How many photos and scans the visit has (issue 19); `attachments_for` lists them.
    pub photos: u32,
    /// Their ids (never shown): a correction (更正) starts with the photos of what it corrects.
    pub attachments: Vec<String>,
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
    /// When it was (first) written; saving again on the same day keeps it.
    #[ts(type = "number")]
    pub written_at: i64,
    /// 补记: written on a later day than the day it is about.
    pub backfilled: bool,
    /// How many photos and scans the entry has (issue 19).
    pub photos: u32,
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
    /// The first secretary may file this month now (it has ended and is not filed).
    pub can_file: bool,
    pub days_written: u32,
    /// The earliest day an entry can be written for now: the first day of the previous month
    /// while that month is not filed (补记), else of the current month.
    pub earliest_date: String,
    /// Where this month stands for filing, with its gaps.
    pub filing: MonthGaps,
}

/// Where a month stands for filing (月备案), after `taizhang_rules::may_file`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FilingWindowCode {
    /// The month has not ended: it can be filed from `opens`.
    NotYet,
    /// It can be filed, on time until `due`.
    Open,
    /// It can still be filed, marked late (after `due`).
    Late,
    /// It is filed.
    Filed,
}

/// One member's month before filing: its gaps (from `taizhang_rules::member_report`) and
/// whether this device's member may file it now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MonthGaps {
    pub member_id: String,
    pub member_name: String,
    pub month: String,
    pub window: FilingWindowCode,
    /// The first day it can be filed (the first of the next month).
    pub opens: String,
    /// The last day to file it on time; null when the policy sets no deadline.
    pub due: Option<String>,
    /// Working days without a diary entry and without approved leave.
    pub diary_gaps: Vec<String>,
    /// Known working days with neither a check-in nor approved leave (无故缺勤).
    pub days_without_check_in: Vec<String>,
    /// Days after the member's last sync known to this device (未同步): unknown, not gaps.
    pub not_synced: Vec<String>,
    #[ts(type = "number | null")]
    pub filed_at: Option<i64>,
    pub filed_by: Option<String>,
    /// This device's member (the first secretary) may file it now.
    pub can_file: bool,
    /// When the member submitted the month (提交本月); null: not submitted.
    #[ts(type = "number | null")]
    pub submitted_at: Option<i64>,
    /// The days without a diary entry listed when the member submitted, and their note.
    pub submitted_gaps: Vec<String>,
    pub submission_note: String,
    /// This device's member may submit this month now: their own, and it has ended (again
    /// after submitting: a later submission replaces the earlier one; never too late).
    pub can_submit: bool,
}

/// `submit_month`: this device's member submits their own ended month (提交本月) with the
/// gaps the app lists and an optional note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SubmitMonthRequest {
    pub month: String,
    pub note: Option<String>,
}

/// Where one of the year's reports stands (季报告 / 年承诺).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportStateCode {
    /// 已报送.
    Filed,
    /// 未报送: its quarter has ended (or the year's commitment).
    Missing,
    /// 未到期: its quarter has not ended.
    NotYet,
}

/// One of the team's reports to the township of a year: the commitment (年承诺) or a
/// quarter's report (季报告).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportItem {
    /// `2026-commitment`, `2026-Q3`.
    pub period: String,
    /// 0 for the commitment, 1–4 for a quarter, 5 for the yearly written report (述职), 6 for
    /// the research report (调研报告).
    pub quarter: u8,
    pub year: i32,
    pub state: ReportStateCode,
    /// It may be written now (its period has opened: a quarter's once it ended, the yearly
    /// report from December, a research report any day of its year, the commitment any time).
    pub writable: bool,
    pub text: Option<String>,
    pub written_by: Option<String>,
    #[ts(type = "number | null")]
    pub written_at: Option<i64>,
}

/// `save_report`: the first secretary writes (or rewrites) a report of `period`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SaveReportRequest {
    /// `2026-commitment`, `2026-Q3`, `2026-year` or `2026-research`.
    pub period: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MonthGapsRequest {
    /// The member whose month it is; null for this device's member.
    pub member_id: Option<String>,
    pub month: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiaryInput {
    /// `YYYY-MM-DD`; null for today.
    pub date: Option<String>,
    pub text: String,
    /// Set to write an amendment to that entry (needed once the month is filed).
    pub amends: Option<String>,
    /// Photos added with `attach_file` (issue 19), added to the entry's (saving the day's entry
    /// again keeps the photos it has).
    #[serde(default)]
    pub attachments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileMonthRequest {
    pub month: String,
    /// The team member whose month the first secretary files; null for their own.
    pub member_id: Option<String>,
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
    /// This device's member (the first secretary) may file this member's month now.
    pub can_file: bool,
    /// The member has submitted this month (提交本月).
    pub submitted: bool,
}

/// 请假类别 (seed 003): how each counts is the county's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LeaveKindCode {
    /// 事假
    Personal,
    /// 病假
    Sick,
    /// 因公外出
    OfficialTrip,
    /// 组织安排的培训
    Training,
    /// 轮休/调休
    Rest,
    /// 其他
    Other,
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
    pub kind: LeaveKindCode,
    /// 销假: the day the member actually came back.
    pub returned_on: Option<String>,
    /// This device's member may approve or reject it (never their own).
    pub can_decide: bool,
    /// It is this device's member's pending request.
    pub can_withdraw: bool,
    /// It is this device's member's approved request, not reported back yet.
    pub can_report_back: bool,
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
    /// This device's member is the first secretary (decides others' leave, files months).
    pub can_approve: bool,
    /// The month has ended (its members' months can be filed).
    pub month_ended: bool,
    /// The team's reports to the township of the month's year (年承诺, 季报告).
    pub reports: Vec<ReportItem>,
    /// This device's member (the first secretary) writes them.
    pub can_write_reports: bool,
}

/// 月度考核 (scheme B, seed 002): the kind of one line of a member's monthly score sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ScoreItemKindCode {
    /// 加分: an outstanding result.
    Bonus,
    /// 扣分: a problem.
    Deduction,
    /// 一票否决: the month scores 0 (its points are 0).
    Veto,
}

/// Where a sheet is in the chain: the first secretary enters it, the township checks it
/// (confirms or returns it with a reason), the county audits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ScoreStateCode {
    /// 已录入: waiting for the township.
    Entered,
    /// 乡镇已确认: waiting for the county.
    Confirmed,
    /// 已退回: back to the first secretary with the township's reason.
    Returned,
    /// 县已审核.
    Audited,
}

/// One bonus, deduction or veto with its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScoreItemEntry {
    pub kind: ScoreItemKindCode,
    /// More than 0 and at most 10; 0 for a veto.
    pub points: f64,
    pub reason: String,
}

/// What the records decide on their own for the month (`taizhang_rules::month_score` with no
/// entered items): diary gaps and absences without leave, never days not synced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AutomaticFigures {
    /// The month's points from the records alone (base minus the automatic deductions).
    pub points: f64,
    pub diary_gaps: Vec<String>,
    pub days_without_check_in: Vec<String>,
    /// Days after the member's last sync (未同步): unknown, not gaps.
    pub not_synced: Vec<String>,
    /// The rules' explanation, in Chinese and English.
    pub explanation: String,
}

/// One member's monthly score sheet as this device's member may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScoreSheetView {
    pub member_id: String,
    pub member_name: String,
    pub month: String,
    /// Null: not scored yet.
    pub state: Option<ScoreStateCode>,
    pub items: Vec<ScoreItemEntry>,
    /// The first secretary's comment.
    pub note: String,
    /// Who scored (name) and when.
    pub scored_by: Option<String>,
    #[ts(type = "number | null")]
    pub scored_at: Option<i64>,
    #[ts(type = "number | null")]
    pub checked_at: Option<i64>,
    /// The township's reason when it returned the sheet (or its remark).
    pub check_note: String,
    #[ts(type = "number | null")]
    pub audited_at: Option<i64>,
    /// The county's override of the month's points, if any, and its reason.
    pub audit_points: Option<f64>,
    pub audit_note: String,
    pub automatic: AutomaticFigures,
    /// The month's points: the automatic points plus bonuses minus deductions, within 0 to
    /// the maximum; 0 after a veto; the county's override once audited with one.
    pub points: f64,
    pub vetoed: bool,
    /// Below the policy's threshold (8): that month's allowance is cut.
    pub allowance_cut: bool,
    /// Until the township confirms it (or while days are not synced) the points may change.
    pub provisional: bool,
    /// This device's member (the first secretary) may enter or change it now.
    pub can_edit: bool,
    /// Fields two devices set to different values.
    pub conflicts: Vec<ConflictItem>,
}

/// The 月度考核 section of the Team screen: every member's sheet for the first secretary,
/// one's own for everyone else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MonthScores {
    pub month: String,
    /// Sheets can be entered only once the month has ended.
    pub month_ended: bool,
    /// This device's member is the first secretary (enters colleagues' sheets).
    pub can_score: bool,
    pub base: f64,
    pub max: f64,
    /// A month strictly below this cuts the allowance.
    pub cut_below: f64,
    pub sheets: Vec<ScoreSheetView>,
}

/// The first secretary saves a colleague's sheet (offline; it syncs like every record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SaveScoreSheetRequest {
    pub member_id: String,
    pub month: String,
    pub items: Vec<ScoreItemEntry>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LeaveInput {
    pub from: String,
    pub to: String,
    pub reason: String,
    pub kind: LeaveKindCode,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LeaveRef {
    pub id: String,
}

/// 销假: report back on one's approved leave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportBackRequest {
    pub id: String,
    /// `YYYY-MM-DD`: the day one actually came back (present again that day).
    pub returned_on: String,
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
    /// The same, by document: what the Sync screen offers to withdraw.
    pub refused_docs: Vec<RefusedDoc>,
}

/// A document the server refused: its name and the server's reason (code: message).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RefusedDoc {
    pub doc: String,
    pub reason: String,
}

/// A record taken back from a refused document and kept as text, so nothing typed is lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawnItem {
    pub doc: String,
    pub key: String,
    /// The record's fields, `field = value` one a line.
    pub fields: String,
    pub reason: String,
    #[ts(type = "number")]
    pub withdrawn_at: i64,
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
    /// Records withdrawn from refused documents on this device, oldest first.
    pub withdrawn: Vec<WithdrawnItem>,
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
/// What a join link or the join QR code carries (issue 21): `taizhang:enroll?code=…&server=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JoinLink {
    pub code: String,
    pub server: Option<String>,
}

/// A picture holding the join QR code: the file's bytes (JPEG, PNG or WebP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JoinImage {
    pub bytes: Vec<u8>,
}

/// The kind of record an attachment belongs to (issue 19).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum RecordKindCode {
    Visit,
    Diary,
    Household,
    Followup,
    /// A project's progress update (项目进展).
    Progress,
    /// A plan item: the signed responsibility letter (工作目标责任书).
    Plan,
}

/// Add photos or scans (ids from `attach_file`) to a saved household, follow-up item, progress
/// update or plan item: they join those it has (none is taken off). A visit's photos are added
/// when it is recorded or corrected (更正), a diary entry's when it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddAttachmentsRequest {
    pub record_kind: RecordKindCode,
    pub record_id: String,
    pub attachments: Vec<String>,
}

/// Takes one photo or scan off a saved household, follow-up item, progress update or plan
/// item (issue 19): a wrong photo is not stuck on the record. A visit's or diary entry's photos
/// are evidence of that day: they change with a correction (更正) only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RemoveAttachmentRequest {
    pub record_kind: RecordKindCode,
    pub record_id: String,
    /// The attachment's id ([`AttachmentItem::id`]).
    pub id: String,
}

/// A photo or scan the person picked (issue 19): the file's bytes as it is (the app re-encodes
/// a photo to 1,600 px and about 250 KB; a PDF is kept as is), for a record being written
/// (`recordId` absent) or saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttachRequest {
    pub record_kind: RecordKindCode,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub record_id: Option<String>,
    /// The file's name as picked (only for messages: the kind is read from the content).
    pub name: String,
    pub bytes: Vec<u8>,
    /// Keep the place the photo was taken (EXIF) as evidence beside it; off: not kept.
    #[serde(default)]
    pub keep_location: bool,
}

/// Where an attachment stands with the server (issue 19).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AttachmentStateCode {
    /// On this device, not sent yet.
    Waiting,
    /// Part of it acknowledged by the server (`percent`).
    Uploading,
    /// On the server whole (`receivedAt`).
    Uploaded,
    /// A teammate's file: on their phone or the server, shown here by its thumbnail.
    Remote,
}

/// One attachment as the window shows it: a thumbnail, the optional EXIF evidence, the state in
/// words. `id` names it for the window's commands and is never shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentItem {
    pub id: String,
    /// `photo` or `pdf`.
    pub kind: String,
    /// The thumbnail as a `data:` URL, when it is on this device (never for a PDF).
    pub thumb: Option<String>,
    /// When the photo was taken (EXIF, the camera's local time, `YYYY-MM-DD HH:MM`).
    pub taken_at: Option<String>,
    /// Where it was taken (EXIF), only when the person kept it.
    pub place: Option<Location>,
    pub keep_location: bool,
    pub state: AttachmentStateCode,
    pub percent: u8,
    /// When the server stored it whole (UTC ms).
    #[ts(type = "number | null")]
    pub received_at: Option<i64>,
    /// The state in words: 等待上传 / 正在上传 37% / 已上传 3月1日 10:05 (Beijing time).
    pub words_zh: String,
    /// The same in English: waiting to upload / uploading 37% / uploaded 1 Mar 10:05.
    pub words_en: String,
}

/// The attachments of one saved record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentsQuery {
    pub record_kind: RecordKindCode,
    pub record_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentList {
    pub items: Vec<AttachmentItem>,
}

/// One attachment's picture: the thumbnail, or the whole file (fetched from the server on demand
/// when this device has only the thumbnail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentRef {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentData {
    /// `image/jpeg`, `application/pdf`...
    pub mime: String,
    /// A `data:` URL; absent when the file is not on this device nor (yet) on the server.
    pub data_url: Option<String>,
}

/// What one transfer of files after a sync did (issue 19).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TransferSummary {
    /// Files now on the server whole.
    pub uploaded: u32,
    /// Chunks sent (each acknowledged as durable before the next).
    pub chunks: u32,
    /// File bytes those chunks carried (16–64 KiB a chunk, as the link allows).
    #[ts(type = "number")]
    pub bytes: u64,
    /// Teammates' thumbnails received.
    pub thumbs: u32,
    /// Files still waiting (a cut, or not on the server yet): the next sync goes on.
    pub waiting: u32,
}

/// Where the store's key comes from (issue 21).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum StoreKeying {
    /// The operating system's keystore holds it (Secret Service, a phone's keystore).
    Keystore,
    /// Derived from the PIN (Argon2id): no keystore here, so the PIN opens the store.
    Pin,
    /// Not encrypted (a build without SQLCipher; the web client is `Pin` since issue 21).
    Plain,
}

/// The app lock's state (issue 21).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LockStatus {
    pub keying: StoreKeying,
    /// A PIN is set on this device.
    pub has_pin: bool,
    /// A PIN must be set before anything else (no keystore: the PIN is the store's key).
    pub pin_required: bool,
    /// The PIN is needed now (at start, or after the idle time).
    pub locked: bool,
    /// Wrong PINs left before the lock stops accepting any.
    pub attempts_left: u32,
    /// Too many wrong PINs: only the administrator's reset opens it (a window-only lock).
    pub blocked: bool,
    /// Too many wrong PINs for a PIN-keyed store: the next attempt is taken from this moment
    /// (device clock, ms since 1970; 1, 5, 15, then 60 minutes after the last wrong one).
    #[ts(type = "number | null")]
    pub retry_at: Option<i64>,
    /// Minutes without use before the PIN is asked again.
    pub idle_minutes: u32,
}

/// Sets (or changes) the PIN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetPinRequest {
    /// At least six digits.
    pub pin: String,
    /// Minutes without use before the PIN is asked again (at least 1).
    pub idle_minutes: u32,
    /// The PIN now, to change it where the PIN keys the store (`StoreKeying::Pin`).
    #[serde(default)]
    pub current_pin: Option<String>,
}

/// 附近的队员 (issue 20): this device with teammates nearby, no network needed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NearbyStatus {
    /// False where the app cannot open a connection to a phone (the web client).
    pub available: bool,
    /// This device offers its records to teammates now.
    pub offering: bool,
    /// The pairing code to tell the teammate (while offering).
    pub code: Option<String>,
    /// Where a teammate's phone that does not find this one can reach it (`192.168.43.5:40123`).
    pub addresses: Vec<String>,
    /// Whether nearby phones can find this one by themselves (DNS-SD on this network).
    pub announced: bool,
    /// When the offer ends on its own (UTC ms).
    #[ts(type = "number | null")]
    pub until: Option<i64>,
    /// An exchange runs now.
    pub busy: bool,
    /// This session's exchanges, newest first.
    pub exchanges: Vec<NearbyExchange>,
}

/// One exchange with a teammate's phone, in words for the screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NearbyExchange {
    #[ts(type = "number")]
    pub at: i64,
    /// This device offered (the teammate joined), or joined the teammate's offer.
    pub offered: bool,
    /// The teammate's name, when their certificate names a member of the team.
    pub teammate: Option<String>,
    pub sent: u32,
    pub received: u32,
    /// What this device refused of theirs, and what they refused of ours (document: reason).
    pub refused: Vec<String>,
    pub refused_by_teammate: Vec<String>,
    /// Why the exchange failed (nothing was lost: what was received before is kept).
    pub error: Option<String>,
}

/// Joins a teammate's offer: the code on their screen, their address when their phone is not
/// found on the network by itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NearbyJoin {
    pub code: String,
    pub address: Option<String>,
}

/// The kind of a meeting or activity (issue 22).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKindCode {
    /// 村两委会议
    Committee,
    /// 座谈会
    Symposium,
    /// 党课 (decides 上好一堂党课)
    PartyLecture,
    /// 培训
    Training,
    /// 其他
    Other,
}

/// 民生实事 or 帮扶专案.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProjectKindCode {
    Practical,
    Aid,
}

/// 计划中, 实施中, 已完成, 已终止.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStateCode {
    Planned,
    Underway,
    Done,
    Dropped,
}

/// A meeting or activity of the village ledger (会议 / 活动, issue 22).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MeetingItem {
    pub id: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub kind: MeetingKindCode,
    pub led_by: String,
    /// Null when nobody counted: unknown, not 0.
    pub attendance: Option<u32>,
    pub topics: String,
    pub decisions: String,
    pub recorded_by_name: String,
}

/// One progress update of a project (项目进展).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProgressItem {
    pub id: String,
    pub day: String,
    pub text: String,
    pub by_name: String,
    /// Photos and scans of the work (issue 19).
    pub photos: u32,
}

/// A project of the village ledger (项目, issue 22). Money in whole yuan by seed 001's four
/// sources; null is "not recorded", never 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectItem {
    pub id: String,
    pub name: String,
    pub kind: ProjectKindCode,
    pub state: ProjectStateCode,
    #[ts(type = "number | null")]
    pub funding_collective: Option<i64>,
    #[ts(type = "number | null")]
    pub funding_fiscal: Option<i64>,
    #[ts(type = "number | null")]
    pub funding_party_fees: Option<i64>,
    #[ts(type = "number | null")]
    pub funding_urban_rural: Option<i64>,
    /// The sum of the sources recorded; null when none is.
    #[ts(type = "number | null")]
    pub funding_total: Option<i64>,
    /// The households that benefit: ids, and heads with their village group (namesakes are
    /// common); none: the whole village or not recorded.
    pub household_ids: Vec<String>,
    pub household_heads: Vec<String>,
    pub started_on: Option<String>,
    /// By day, the earliest first.
    pub progress: Vec<ProgressItem>,
    pub closed_on: Option<String>,
    pub closed_by_name: Option<String>,
    pub result: String,
    pub created_by_name: String,
    /// The follow-up items (承诺事项) that became or joined this project, open ones first, each
    /// with its state: closing the project does not close them.
    pub follow_ups: Vec<FollowUpItem>,
    /// Of those, the ones still open (待办).
    pub open_follow_ups: u32,
    /// What the linked items mean now, in words (e.g. 项目已办结，仍有 2 项承诺事项待办，请逐项办结);
    /// empty when no item is linked.
    pub follow_ups_words_zh: String,
    pub follow_ups_words_en: String,
}

/// A household to pick as one that benefits from a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdPick {
    pub id: String,
    pub head: String,
    pub group: String,
}

/// The village ledger screen (村级台账): meetings (the latest first), projects (open first) and
/// the households to pick from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VillageLedgerView {
    /// Today on the device, `YYYY-MM-DD` (the forms' default day and latest day).
    pub today: String,
    pub meetings: Vec<MeetingItem>,
    pub projects: Vec<ProjectItem>,
    pub households: Vec<HouseholdPick>,
}

/// Record a meeting or activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MeetingInput {
    /// The meeting to correct (null or absent: a new one). A correction keeps who recorded it
    /// and when; the document keeps the earlier values in its history.
    #[ts(optional = nullable)]
    pub id: Option<String>,
    /// `YYYY-MM-DD`, not after today.
    pub date: String,
    pub kind: MeetingKindCode,
    pub led_by: String,
    /// Null or absent when nobody counted.
    #[ts(optional = nullable)]
    pub attendance: Option<u32>,
    pub topics: String,
    pub decisions: String,
}

/// Make a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectInput {
    /// The project to correct (null or absent: a new one): its name, kind, money, households
    /// and start day; a closed project keeps its state and result (progress is added apart).
    #[ts(optional = nullable)]
    pub id: Option<String>,
    pub name: String,
    pub kind: ProjectKindCode,
    #[ts(type = "number | null")]
    pub funding_collective: Option<i64>,
    #[ts(type = "number | null")]
    pub funding_fiscal: Option<i64>,
    #[ts(type = "number | null")]
    pub funding_party_fees: Option<i64>,
    #[ts(type = "number | null")]
    pub funding_urban_rural: Option<i64>,
    pub household_ids: Vec<String>,
    /// Planned or underway (a project is closed with `close_project`).
    pub state: ProjectStateCode,
    /// `YYYY-MM-DD` when work started, if known.
    #[ts(optional = nullable)]
    pub started_on: Option<String>,
}

/// Add a progress update to a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProgressInput {
    pub project_id: String,
    /// `YYYY-MM-DD`, not after today.
    pub day: String,
    pub text: String,
    /// Photos and scans of the work (ids from `attach_file`), optional.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// Turn a follow-up item into a project (转为项目): a new project named after the item (or
/// `name`), planned, with the item's household benefiting and the item linked to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FollowUpToProjectRequest {
    /// The follow-up item.
    pub id: String,
    pub kind: ProjectKindCode,
    /// The project's name; null or empty: the item's text.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub name: Option<String>,
}

/// Link a follow-up item to an existing project (并入项目).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JoinProjectRequest {
    /// The follow-up item.
    pub id: String,
    pub project_id: String,
}

/// Close a project as done (with its result) or dropped (with the reason).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CloseProjectRequest {
    pub project_id: String,
    /// Done or dropped.
    pub state: ProjectStateCode,
    pub day: String,
    pub result: String,
}

/// A year to show (null: this year on the device).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct YearQuery {
    #[ts(optional = nullable)]
    pub year: Option<i32>,
}

/// A member of the village's two committees (村两委成员).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CadreItem {
    pub name: String,
    /// 职务, free words (村党支部书记, 村委会主任, 委员 …).
    pub post: String,
    #[ts(optional = nullable)]
    pub birth_year: Option<i32>,
    /// An education code of `SituationView::educations`; null: not given.
    #[ts(optional = nullable)]
    pub education: Option<String>,
}

/// A year's village situation (村情) as entered; every null is "not entered", never 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SituationItem {
    pub year: i32,
    pub population: Option<u32>,
    pub households: Option<u32>,
    pub committee: Vec<CadreItem>,
    pub party_members: Option<u32>,
    #[ts(type = "number | null")]
    pub collective_income_yuan: Option<i64>,
    pub income_sources: String,
    #[ts(type = "number | null")]
    pub income_per_head_yuan: Option<i64>,
    pub industries: String,
    pub roads: String,
    pub water: String,
    pub network: String,
    pub problems: String,
    /// Parts filled in, of `parts`.
    pub filled: u32,
    pub parts: u32,
    pub updated_by_name: String,
    /// Milliseconds since the epoch.
    #[ts(type = "number")]
    pub updated_at: i64,
}

/// The village situation screen (村情): the year's register beside last year's, and the
/// registry's own counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SituationView {
    pub year: i32,
    /// This year on the device (the latest year a situation may be entered for).
    pub this_year: i32,
    /// Null until someone of the team fills it in.
    pub current: Option<SituationItem>,
    /// The year before, to show beside it; null when not entered.
    pub previous: Option<SituationItem>,
    /// Households in the village registry and people of their family rosters (not moved out):
    /// the registry's count beside the reported one.
    pub registry_households: u32,
    pub registry_people: u32,
    pub educations: Vec<Choice>,
}

/// Save a year's village situation (the whole form; only the parts that changed are written).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SituationInput {
    pub year: i32,
    #[ts(optional = nullable)]
    pub population: Option<u32>,
    #[ts(optional = nullable)]
    pub households: Option<u32>,
    pub committee: Vec<CadreItem>,
    #[ts(optional = nullable)]
    pub party_members: Option<u32>,
    #[ts(optional = nullable, type = "number | null")]
    pub collective_income_yuan: Option<i64>,
    pub income_sources: String,
    #[ts(optional = nullable, type = "number | null")]
    pub income_per_head_yuan: Option<i64>,
    pub industries: String,
    pub roads: String,
    pub water: String,
    pub network: String,
    pub problems: String,
}

/// Which plan an item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PlanKindCode {
    /// 三年帮扶目标
    ThreeYear,
    /// 年度帮扶计划
    Yearly,
    /// 工作目标责任书
    Letter,
}

/// Where a plan item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PlanStateCode {
    /// 进行中
    Open,
    /// 已完成
    Done,
    /// 未完成
    Missed,
}

/// A goal, plan item or responsibility letter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanEntry {
    pub id: String,
    pub kind: PlanKindCode,
    /// The (first) year it is for; a three-year goal covers this year and the next two.
    pub year: i32,
    pub title: String,
    pub target: String,
    pub due: Option<String>,
    pub state: PlanStateCode,
    pub result: String,
    pub closed_on: Option<String>,
    /// Open and past its due day.
    pub overdue: bool,
    pub recorded_by_name: String,
    /// Photos and scans (issue 19): for a letter, the signed letter.
    pub photos: u32,
}

/// The plans screen: the items covering a year (three-year goals, the yearly plan, letters)
/// and how the year's plan stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlansView {
    pub year: i32,
    pub today: String,
    pub items: Vec<PlanEntry>,
    /// Goals and plan items (not letters) covering the year.
    pub total: u32,
    pub done: u32,
    pub missed: u32,
    pub open: u32,
    pub overdue: u32,
    /// A responsibility letter is recorded for the year.
    pub letter: bool,
}

/// Make, correct or close a plan item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanInput {
    /// The item to correct or close (null or absent: a new one).
    #[ts(optional = nullable)]
    pub id: Option<String>,
    pub kind: PlanKindCode,
    pub year: i32,
    pub title: String,
    pub target: String,
    /// `YYYY-MM-DD`; for a letter, the day it was signed.
    #[ts(optional = nullable)]
    pub due: Option<String>,
    pub state: PlanStateCode,
    /// What was achieved, or why not (needed once done or missed).
    pub result: String,
    /// `YYYY-MM-DD` once done or missed (null: today).
    #[ts(optional = nullable)]
    pub closed_on: Option<String>,
    /// Photos and scans (ids from `attach_file`; for a letter, the signed letter), added to
    /// those the item has.
    #[serde(default)]
    pub attachments: Vec<String>,
}

pub const COMMANDS: &[(&str, &str, &str)] = &[
    ("setup_status", "null", "SetupStatus"),
    ("join", "JoinRequest", "JoinResult"),
    ("save_settings", "Settings", "SetupStatus"),
    ("today", "null", "TodayView"),
    ("check_in", "CheckInRequest", "CheckInItem"),
    ("households", "HouseholdFilter", "HouseholdList"),
    ("household", "string", "HouseholdDetail"),
    ("save_household", "HouseholdInput", "HouseholdDetail"),
    ("household_choices", "null", "HouseholdChoices"),
    ("save_family_member", "FamilyMemberInput", "HouseholdDetail"),
    ("keep_value", "KeepValueRequest", "HouseholdDetail"),
    ("conflicts", "null", "ConflictList"),
    ("keep_record_value", "KeepRecordValueRequest", "ConflictList"),
    ("draft", "string", "DraftView"),
    ("save_draft", "DraftInput", "DraftView"),
    ("record_visit", "VisitInput", "VisitItem"),
    ("close_follow_up", "CloseFollowUpRequest", "FollowUpItem"),
    ("answer_finding", "AnswerFindingRequest", "FindingItem"),
    ("diary", "MonthQuery", "DiaryView"),
    ("write_diary", "DiaryInput", "DiaryItem"),
    ("month_gaps", "MonthGapsRequest", "MonthGaps"),
    ("file_month", "FileMonthRequest", "MonthGaps"),
    ("submit_month", "SubmitMonthRequest", "MonthGaps"),
    ("save_report", "SaveReportRequest", "ReportItem"),
    ("team", "MonthQuery", "TeamView"),
    ("request_leave", "LeaveInput", "LeaveItem"),
    ("decide_leave", "DecideLeaveRequest", "LeaveItem"),
    ("withdraw_leave", "LeaveRef", "LeaveItem"),
    ("report_back", "ReportBackRequest", "LeaveItem"),
    ("month_scores", "MonthQuery", "MonthScores"),
    ("save_score_sheet", "SaveScoreSheetRequest", "ScoreSheetView"),
    ("sync_status", "null", "SyncStatus"),
    ("sync_now", "null", "SyncSummary"),
    ("withdraw_refused", "RefusedDoc", "SyncStatus"),
    ("ui_mark", "UiMark", "UiMarkEcho"),
    ("lock_status", "null", "LockStatus"),
    ("set_pin", "SetPinRequest", "LockStatus"),
    ("unlock", "string", "LockStatus"),
    ("app_touch", "null", "LockStatus"),
    ("read_join_image", "JoinImage", "JoinLink"),
    ("nearby_status", "null", "NearbyStatus"),
    ("nearby_offer", "null", "NearbyStatus"),
    ("nearby_stop", "null", "NearbyStatus"),
    ("nearby_join", "NearbyJoin", "NearbyExchange"),
    ("village_ledger", "null", "VillageLedgerView"),
    ("record_meeting", "MeetingInput", "MeetingItem"),
    ("add_project", "ProjectInput", "ProjectItem"),
    ("village_situation", "YearQuery", "SituationView"),
    ("save_situation", "SituationInput", "SituationView"),
    ("plans", "YearQuery", "PlansView"),
    ("save_plan_item", "PlanInput", "PlansView"),
    ("add_progress", "ProgressInput", "ProjectItem"),
    ("close_project", "CloseProjectRequest", "ProjectItem"),
    ("attach_file", "AttachRequest", "AttachmentItem"),
    ("attachments_for", "AttachmentsQuery", "AttachmentList"),
    ("attachment_thumb", "AttachmentRef", "AttachmentData"),
    ("attachment_full", "AttachmentRef", "AttachmentData"),
    ("transfer_attachments", "null", "TransferSummary"),
    ("add_attachments", "AddAttachmentsRequest", "AttachmentList"),
    ("remove_attachment", "RemoveAttachmentRequest", "AttachmentList"),
    ("follow_up_to_project", "FollowUpToProjectRequest", "ProjectItem"),
    ("join_project", "JoinProjectRequest", "ProjectItem"),
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
        FollowUpItem::decl(),
        CloseFollowUpRequest::decl(),
        FindingItem::decl(),
        AnswerFindingRequest::decl(),
        TodayView::decl(),
        HouseholdStatusCode::decl(),
        VisitPeriodCode::decl(),
        HouseholdFilter::decl(),
        HouseholdSummary::decl(),
        HouseholdList::decl(),
        HouseholdInput::decl(),
        HouseholdDetailsInput::decl(),
        GuaranteeCheck::decl(),
        Choice::decl(),
        HouseholdChoices::decl(),
        FamilyMemberInput::decl(),
        KeepValueRequest::decl(),
        DraftInput::decl(),
        DraftView::decl(),
        ConflictItem::decl(),
        ConflictRecord::decl(),
        ConflictList::decl(),
        KeepRecordValueRequest::decl(),
        HouseholdDetail::decl(),
        WordsItem::decl(),
        FamilyItem::decl(),
        HistoryChange::decl(),
        HistoryItem::decl(),
        VisitInput::decl(),
        VisitItem::decl(),
        MonthQuery::decl(),
        DiaryItem::decl(),
        DiaryView::decl(),
        FilingWindowCode::decl(),
        MonthGaps::decl(),
        MonthGapsRequest::decl(),
        DiaryInput::decl(),
        FileMonthRequest::decl(),
        SubmitMonthRequest::decl(),
        ReportStateCode::decl(),
        ReportItem::decl(),
        SaveReportRequest::decl(),
        TeamDay::decl(),
        TeamMemberSummary::decl(),
        LeaveKindCode::decl(),
        LeaveStateCode::decl(),
        LeaveItem::decl(),
        TeamView::decl(),
        ScoreItemKindCode::decl(),
        ScoreStateCode::decl(),
        ScoreItemEntry::decl(),
        AutomaticFigures::decl(),
        ScoreSheetView::decl(),
        MonthScores::decl(),
        SaveScoreSheetRequest::decl(),
        LeaveInput::decl(),
        DecideLeaveRequest::decl(),
        LeaveRef::decl(),
        ReportBackRequest::decl(),
        SyncProgress::decl(),
        RefusedDoc::decl(),
        WithdrawnItem::decl(),
        SyncSummary::decl(),
        SyncStatus::decl(),
        UiMark::decl(),
        UiMarkEcho::decl(),
        StoreKeying::decl(),
        LockStatus::decl(),
        SetPinRequest::decl(),
        JoinLink::decl(),
        JoinImage::decl(),
        NearbyExchange::decl(),
        NearbyStatus::decl(),
        NearbyJoin::decl(),
        MeetingKindCode::decl(),
        ProjectKindCode::decl(),
        ProjectStateCode::decl(),
        MeetingItem::decl(),
        ProgressItem::decl(),
        ProjectItem::decl(),
        HouseholdPick::decl(),
        VillageLedgerView::decl(),
        MeetingInput::decl(),
        ProjectInput::decl(),
        ProgressInput::decl(),
        FollowUpToProjectRequest::decl(),
        JoinProjectRequest::decl(),
        CloseProjectRequest::decl(),
        YearQuery::decl(),
        CadreItem::decl(),
        SituationItem::decl(),
        SituationView::decl(),
        SituationInput::decl(),
        PlanKindCode::decl(),
        PlanStateCode::decl(),
        PlanEntry::decl(),
        PlansView::decl(),
        PlanInput::decl(),
        RecordKindCode::decl(),
        AddAttachmentsRequest::decl(),
        RemoveAttachmentRequest::decl(),
        AttachRequest::decl(),
        AttachmentStateCode::decl(),
        AttachmentItem::decl(),
        AttachmentsQuery::decl(),
        AttachmentList::decl(),
        AttachmentRef::decl(),
        AttachmentData::decl(),
        TransferSummary::decl(),
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
    ErrorCode::OwnLeave,
    ErrorCode::MonthNotOver,
    ErrorCode::DeviceWiped,
    ErrorCode::Locked,
    ErrorCode::WrongPin,
    ErrorCode::PinBlocked,
    ErrorCode::PinWait,
];
