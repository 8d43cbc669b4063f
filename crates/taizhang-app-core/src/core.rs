//! [`AppCore`]: the bodies of every app command, over one device's [`Ledger`] and the app's
//! settings. The Tauri commands are one-line adapters over these methods, so everything here
//! is tested without a window.
//!
//! Concurrency: the ledger sits behind one async mutex. A sync session holds it from its first
//! request to its last answer (the engine needs the documents to itself), so a save made
//! during a sync waits for it; the sync status is readable at any time (it does not take the
//! ledger while a sync runs).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
#[cfg(not(target_arch = "wasm32"))]
use std::time::Duration;
#[cfg(not(target_arch = "wasm32"))]
use std::time::Instant;
#[cfg(target_arch = "wasm32")]
use web_time::Instant;

use chrono::{Datelike, NaiveDate, TimeZone};
#[cfg(not(target_arch = "wasm32"))]
use taizhang_client::HttpTransport;
use taizhang_client::{ClientError, Ledger, Transport, TransportError};
use taizhang_doc::FieldConflict;
use taizhang_domain::{
    local_date, shanghai, CheckIn, CheckInId, CheckKind, DiaryEntry, DiaryId, GeoPoint, GpsFix, Household, HouseholdId,
    HouseholdStatus, LeaveId, LeaveKind, LeaveRequest, LeaveState, Member, MemberId, MonthScoreSheet, MonthSubmission,
    PovertyCause, ReportPeriod, Role, ScoreItem, ScoreItemKind, ScoreState, TeamReport, Timestamp, Visit, VisitId,
    YearMonth,
};
use taizhang_rules::{
    filing_due, may_file, member_report, month_score, team_report, FilingWindow, MemberInputs, Period, Policy,
    VillageRecords,
};
use taizhang_store::{HouseholdQuery, Row, Store, StoreKey};
use uuid::Uuid;

use crate::contract::*;
use crate::settings::{self, host_port, normalise_server_url};
use crate::AppError;

/// The clock (UTC milliseconds), injected so tests control "now".
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The earliest time a visit entered at `now` may claim: `days` back, from the start of that
/// day in Shanghai (a visit "a week ago" means that whole day); `None` when the policy sets no
/// window (0).
pub(crate) fn visit_earliest(now: Timestamp, days: u32) -> Option<Timestamp> {
    if days == 0 {
        return None;
    }
    let day = taizhang_domain::local_date(now) - chrono::Duration::days(i64::from(days));
    Some(taizhang_domain::day_start(day))
}

/// How the app reaches a server address: the HTTP transport natively; the web client gives
/// its own (the browser's fetch) with [`AppCore::with_transport`].
pub type Connect = Arc<dyn Fn(&str) -> Result<Box<dyn Transport>, TransportError> + Send + Sync>;

/// The HTTP transport (reqwest); in the WebAssembly build there is none until one is given.
pub fn http_connect() -> Connect {
    #[cfg(not(target_arch = "wasm32"))]
    let connect: Connect = Arc::new(|url: &str| Ok(Box::new(HttpTransport::new(url)?) as Box<dyn Transport>));
    #[cfg(target_arch = "wasm32")]
    let connect: Connect = Arc::new(|url: &str| {
        Err(TransportError::Unreachable(format!(
            "no transport to {url} in this build: give one with AppCore::with_transport"
        )))
    });
    connect
}

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| chrono::Utc::now().timestamp_millis())
}

/// With no local changes, the background sync still pulls when the last sync is older than this.
pub const AUTO_PULL_AFTER_MS: i64 = 5 * 60 * 1000;
/// How long the background sync waits for a TCP connection before calling the server unreachable.
#[cfg(not(target_arch = "wasm32"))]
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// What one background sync tick did.
#[derive(Debug, Clone, PartialEq)]
pub enum AutoSync {
    NotJoined,
    /// A sync (or a command) holds the ledger; try again next tick.
    Busy,
    /// Nothing waiting and the last sync is recent.
    NothingToDo,
    /// The server does not answer: no sync attempted, nothing blocked.
    Offline,
    Synced(SyncSummary),
    Failed(CommandError),
}

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU32,
    bytes_up: AtomicU64,
    bytes_down: AtomicU64,
}

impl Counters {
    fn reset(&self) {
        self.requests.store(0, Ordering::Relaxed);
        self.bytes_up.store(0, Ordering::Relaxed);
        self.bytes_down.store(0, Ordering::Relaxed);
    }
    fn snapshot(&self) -> SyncProgress {
        SyncProgress {
            requests: self.requests.load(Ordering::Relaxed),
            bytes_up: self.bytes_up.load(Ordering::Relaxed),
            bytes_down: self.bytes_down.load(Ordering::Relaxed),
        }
    }
}

/// The real transport, counting requests and bytes for the progress display.
struct CountingTransport {
    inner: Box<dyn Transport>,
    counters: Arc<Counters>,
}

#[async_trait::async_trait]
impl Transport for CountingTransport {
    async fn post(&self, path: &str, body: Vec<u8>, token: Option<&str>) -> Result<Vec<u8>, TransportError> {
        let up = body.len() as u64;
        let answer = self.inner.post(path, body, token).await?;
        // Counted once the server answered: a request that never arrived sent nothing.
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        self.counters.bytes_up.fetch_add(up, Ordering::Relaxed);
        self.counters.bytes_down.fetch_add(answer.len() as u64, Ordering::Relaxed);
        Ok(answer)
    }
}

/// What the Sync screen shows while the ledger is busy.
#[derive(Debug, Default)]
struct SyncMemo {
    running: bool,
    last_result: Option<SyncSummary>,
    last_error: Option<CommandError>,
    last_sync_at: Option<i64>,
    pending_changes: u32,
    pending_docs: Vec<String>,
}

/// Clears the running flag however the sync ends.
struct RunningGuard<'a>(&'a Mutex<SyncMemo>);

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        lock(self.0).running = false;
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The app's state and the bodies of its commands.
pub struct AppCore {
    pub(crate) store_path: PathBuf,
    settings_path: PathBuf,
    /// Shared with the nearby offer's background task (`crate::nearby`).
    ledger: Arc<tokio::sync::Mutex<Option<Ledger>>>,
    settings: Mutex<Settings>,
    memo: Mutex<SyncMemo>,
    counters: Arc<Counters>,
    clock: Clock,
    policy: Policy,
    started: Instant,
    start_screen: Option<String>,
    connect: Connect,
    /// The key of the encrypted store (issue 21); `None`: a plain store (the web client, tests).
    store_key: Mutex<Option<StoreKey>>,
    /// Forgets that key where the platform keeps it and gives the next store's (remote wipe).
    renew_key: Option<crate::wipe::RenewKey>,
    /// The app lock (issue 21; `crate::pin`): none unless the shell opened with
    /// [`AppCore::open_locked`].
    pub(crate) pin: crate::pin::PinGate,
    /// 附近的队员 (issue 20): the offer and this session's exchanges with teammates' phones.
    nearby: crate::nearby::Shared,
    /// A transfer of files runs (issue 19): one at a time, so two never send the same chunk.
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))] // the browser sends no files
    pub(crate) transferring: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for AppCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppCore").field("store_path", &self.store_path).finish_non_exhaustive()
    }
}

/// Joins this device to a village and returns its new ledger — the ONE place that decides
/// what a join code means: a one-time enrollment code from the administrator
/// (`XXXX-XXXX-XXXX-XXXX`, also as a QR code). The device makes its own key pair and Automerge
/// actor and registers them with the code at `server_url` (this needs the network once; after
/// that the device works offline for as long as it must).
#[cfg(not(target_arch = "wasm32"))]
pub async fn join_ledger(store_path: &Path, server_url: &str, code: &str, now: Timestamp) -> Result<Ledger, AppError> {
    let transport = HttpTransport::new(server_url).map_err(|e| AppError::from(ClientError::from(e)))?;
    join_ledger_via(store_path, None, &transport, code, now).await
}

/// [`join_ledger`] over a given transport (the web client's fetch), into a store encrypted
/// with `key` when there is one.
pub async fn join_ledger_via(
    store_path: &Path,
    key: Option<&StoreKey>,
    transport: &dyn Transport,
    code: &str,
    now: Timestamp,
) -> Result<Ledger, AppError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(AppError::BadJoinCode("no code entered".into()));
    }
    if let Some(dir) = store_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| AppError::Storage(format!("{}: {e}", dir.display())))?;
    }
    Ok(taizhang_client::enroll_keyed(store_path, key, transport, code, "台账 App", now).await?)
}

// ---- conversions between the contract and the domain ----

fn day_start(date: NaiveDate) -> Timestamp {
    let naive = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    shanghai().from_local_datetime(&naive).single().map(|d| d.timestamp_millis()).unwrap_or_default()
}

fn next_day(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(date)
}

fn month_last_day(m: YearMonth) -> NaiveDate {
    m.next().first_day().pred_opt().unwrap_or_else(|| m.first_day())
}

pub(crate) fn parse_date(field: &str, s: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, format!("{s:?} is not a date: write it as YYYY-MM-DD")))
}

fn parse_month(s: Option<&str>, now: Timestamp) -> Result<YearMonth, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(YearMonth::of(local_date(now))),
        Some(s) => s.parse().map_err(|e: taizhang_domain::DomainError| AppError::invalid("month", e.to_string())),
    }
}

pub(crate) fn parse_id<T: std::str::FromStr<Err = taizhang_domain::DomainError>>(
    field: &str,
    s: &str,
) -> Result<T, AppError> {
    s.trim().parse().map_err(|e: taizhang_domain::DomainError| AppError::invalid(field, e.to_string()))
}

fn role_code(r: Role) -> MemberRole {
    match r {
        Role::FirstSecretary => MemberRole::FirstSecretary,
        Role::TeamMember => MemberRole::TeamMember,
    }
}

fn status_code(s: HouseholdStatus) -> HouseholdStatusCode {
    match s {
        HouseholdStatus::RegisteredPoor => HouseholdStatusCode::RegisteredPoor,
        HouseholdStatus::LiftedOut => HouseholdStatusCode::LiftedOut,
        HouseholdStatus::Monitored => HouseholdStatusCode::Monitored,
        HouseholdStatus::Ordinary => HouseholdStatusCode::Ordinary,
    }
}

fn status_of(s: HouseholdStatusCode) -> HouseholdStatus {
    match s {
        HouseholdStatusCode::RegisteredPoor => HouseholdStatus::RegisteredPoor,
        HouseholdStatusCode::LiftedOut => HouseholdStatus::LiftedOut,
        HouseholdStatusCode::Monitored => HouseholdStatus::Monitored,
        HouseholdStatusCode::Ordinary => HouseholdStatus::Ordinary,
    }
}

fn kind_code(k: CheckKind) -> CheckKindCode {
    match k {
        CheckKind::In => CheckKindCode::In,
        CheckKind::Out => CheckKindCode::Out,
    }
}

fn leave_code(s: LeaveState) -> LeaveStateCode {
    match s {
        LeaveState::Pending => LeaveStateCode::Pending,
        LeaveState::Approved => LeaveStateCode::Approved,
        LeaveState::Rejected => LeaveStateCode::Rejected,
        LeaveState::Withdrawn => LeaveStateCode::Withdrawn,
    }
}

fn leave_kind_code(k: LeaveKind) -> LeaveKindCode {
    match k {
        LeaveKind::Personal => LeaveKindCode::Personal,
        LeaveKind::Sick => LeaveKindCode::Sick,
        LeaveKind::OfficialTrip => LeaveKindCode::OfficialTrip,
        LeaveKind::Training => LeaveKindCode::Training,
        LeaveKind::Rest => LeaveKindCode::Rest,
        LeaveKind::Other => LeaveKindCode::Other,
    }
}

fn leave_kind_of(k: LeaveKindCode) -> LeaveKind {
    match k {
        LeaveKindCode::Personal => LeaveKind::Personal,
        LeaveKindCode::Sick => LeaveKind::Sick,
        LeaveKindCode::OfficialTrip => LeaveKind::OfficialTrip,
        LeaveKindCode::Training => LeaveKind::Training,
        LeaveKindCode::Rest => LeaveKind::Rest,
        LeaveKindCode::Other => LeaveKind::Other,
    }
}

fn fix_of(l: Option<Location>) -> Option<GpsFix> {
    l.map(|l| GpsFix { point: GeoPoint { lat: l.lat, lon: l.lon }, accuracy_m: l.accuracy_m })
}

fn check_item(c: &CheckIn) -> CheckInItem {
    CheckInItem { id: c.id.to_string(), at: c.at, kind: kind_code(c.kind), in_geofence: c.in_geofence }
}

fn diary_item(d: &DiaryEntry) -> DiaryItem {
    DiaryItem {
        id: d.id.to_string(),
        date: d.date.to_string(),
        text: d.text.clone(),
        amends: d.amends.map(|a| a.to_string()),
        written_at: d.written_at,
        backfilled: d.backfilled(),
        photos: d.attachments.len() as u32,
    }
}

fn conflicts(c: &[FieldConflict]) -> Vec<ConflictItem> {
    crate::conflicts::items("household", c, &BTreeMap::new())
}

/// The visit form's draft (one for the form, whichever household it is for).
pub(crate) const VISIT_DRAFT: &str = "visit";

/// A draft's form name: short, letters, digits and `-:_` (a form and what it is about).
fn draft_form(form: &str) -> Result<String, AppError> {
    let f = form.trim();
    if f.is_empty() || f.len() > 80 || !f.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '_')) {
        return Err(AppError::invalid("form", format!("{f:?} is not a form's name")));
    }
    Ok(f.to_string())
}

/// "3组" sorts before "10组": digits compare as numbers.
fn natural_key(s: &str) -> (u64, String) {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    (digits.parse().unwrap_or(u64::MAX), s.to_string())
}

/// The team's names by member, read once per view.
pub(crate) fn names(store: &Store) -> Result<BTreeMap<MemberId, String>, AppError> {
    Ok(store.members()?.into_iter().map(|m| (m.record.id, m.record.name)).collect())
}

fn household_input(h: &Household) -> HouseholdInput {
    HouseholdInput {
        id: Some(h.id.to_string()),
        head: h.head.clone(),
        members_count: h.members_count,
        group: h.group.clone(),
        grid: h.grid.clone(),
        status: status_code(h.status),
        causes: h.causes.iter().map(|c| c.code().to_string()).collect(),
        helper_id: h.helper.map(|m| m.to_string()),
        plan: h.plan.clone(),
        income_yuan: h.income_yuan,
        details: Some(crate::households::details_input(&h.details)),
        attachments: h.details.attachments.clone(),
    }
}

fn visit_item(v: &Visit, head: &str, names: &BTreeMap<MemberId, String>) -> VisitItem {
    VisitItem {
        amends: v.amends.map(|a| a.to_string()),
        amended_by: None,
        mine: false,
        id: v.id.to_string(),
        household_id: v.household.to_string(),
        household_head: head.to_string(),
        member_name: names.get(&v.member).cloned().unwrap_or_default(),
        at: v.at,
        findings: v.findings.clone(),
        needs: v.needs.clone(),
        follow_up: v.follow_up.clone(),
        has_location: v.location.is_some(),
        photos: v.attachments.len() as u32,
        attachments: v.attachments.clone(),
    }
}

/// A leave request as `viewer` sees it: what they may do with it follows
/// `taizhang_auth::may_write` (nobody decides their own; the township decides the first
/// secretary's, so it never offers them buttons on their own request).
fn leave_item(l: &LeaveRequest, names: &BTreeMap<MemberId, String>, viewer: &Member) -> LeaveItem {
    let mine = l.member == viewer.id;
    LeaveItem {
        id: l.id.to_string(),
        member_id: l.member.to_string(),
        member_name: names.get(&l.member).cloned().unwrap_or_default(),
        from: l.from.to_string(),
        to: l.to.to_string(),
        reason: l.reason.clone(),
        state: leave_code(l.state),
        decided_by: l.decided_by.and_then(|m| names.get(&m).cloned()),
        kind: leave_kind_code(l.kind),
        returned_on: l.returned_on.map(|d| d.to_string()),
        can_decide: viewer.role == Role::FirstSecretary && !mine && l.state == LeaveState::Pending,
        can_withdraw: mine && l.state == LeaveState::Pending,
        can_report_back: mine && l.state == LeaveState::Approved && l.returned_on.is_none(),
    }
}

/// The records the rules read for `from..=to`: the team, everyone's check-ins, leave and
/// filings, and the diaries of `diaries_of`. Visits and households are left out (the app shows
/// no figure that needs them), so the seven-ones items derived from them are not meaningful here.
fn village_records(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    diaries_of: &[MemberId],
) -> Result<VillageRecords, AppError> {
    let mut diary = Vec::new();
    for m in diaries_of {
        let mut month = YearMonth::of(from);
        while month <= YearMonth::of(to) {
            diary.extend(store.diary(*m, month)?.into_iter().map(|r| r.record));
            month = month.next();
        }
    }
    Ok(VillageRecords {
        members: store.members()?.into_iter().map(|r| r.record).collect(),
        check_ins: store
            .check_ins(None, day_start(from), day_start(next_day(to)))?
            .into_iter()
            .map(|r| r.record)
            .collect(),
        leave_requests: store.leaves(None)?.into_iter().map(|r| r.record).collect(),
        diary,
        filings: store.filings()?,
        visits: Vec::new(),
        households: Vec::new(),
        ..VillageRecords::default()
    })
}

/// `member`'s `month` before filing, as `viewer` sees it: the window of
/// `taizhang_rules::may_file`, the gaps of `taizhang_rules::member_report`, and whether the
/// viewer (the first secretary) may file it now.
fn month_gaps(
    store: &Store,
    policy: &Policy,
    viewer: &Member,
    member: MemberId,
    month: YearMonth,
    now: Timestamp,
    submissions: &[MonthSubmission],
) -> Result<MonthGaps, AppError> {
    let today = local_date(now);
    let submission =
        submissions.iter().filter(|s| s.member == member && s.month == month).max_by_key(|s| s.submitted_at);
    let filing = store.filings()?.into_iter().find(|f| f.member == member && f.month == month);
    let names = names(store)?;
    let (first, last) = (month.first_day(), month_last_day(month));
    let records = village_records(store, first, last, &[member])?;
    let dates = |v: Vec<NaiveDate>| v.into_iter().map(|d| d.to_string()).collect::<Vec<_>>();
    let (diary_gaps, absent, not_synced) = if records.members.iter().any(|m| m.id == member) {
        let r = member_report(&records, member, Period::new(first, last)?, today, &MemberInputs::default(), policy)?;
        (dates(r.diary_gaps.value), dates(r.absent_without_leave.value), dates(r.not_synced.value))
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let w = may_file(month, today, policy);
    let window = match (filing.is_some(), w) {
        (true, _) => FilingWindowCode::Filed,
        (false, FilingWindow::NotYet { .. }) => FilingWindowCode::NotYet,
        (false, FilingWindow::Open { .. }) => FilingWindowCode::Open,
        (false, FilingWindow::Late { .. }) => FilingWindowCode::Late,
    };
    Ok(MonthGaps {
        member_id: member.to_string(),
        member_name: names.get(&member).cloned().unwrap_or_default(),
        month: month.to_string(),
        window,
        opens: month.next().first_day().to_string(),
        due: filing_due(month, policy).map(|d| d.to_string()),
        diary_gaps,
        days_without_check_in: absent,
        not_synced,
        filed_at: filing.as_ref().map(|f| f.filed_at),
        filed_by: filing.as_ref().and_then(|f| names.get(&f.filed_by).cloned()),
        can_file: viewer.role == Role::FirstSecretary && filing.is_none() && w.allowed(),
        submitted_at: submission.map(|s| s.submitted_at),
        submitted_gaps: submission.map(|s| s.gaps.iter().map(|d| d.to_string()).collect()).unwrap_or_default(),
        submission_note: submission.map(|s| s.note.clone()).unwrap_or_default(),
        can_submit: viewer.id == member && today > month.last_day(),
    })
}

/// The year's reports to the township, the commitment first, then the four quarters, the
/// yearly written report (述职, `quarter` 5) and the research report (调研报告, `quarter` 6).
fn report_items(
    reports: &[TeamReport],
    names: &BTreeMap<MemberId, String>,
    year: i32,
    today: NaiveDate,
) -> Vec<ReportItem> {
    let mut periods = vec![ReportPeriod::Commitment { year }];
    periods.extend((1..=4).map(|quarter| ReportPeriod::Quarter { year, quarter }));
    periods.push(ReportPeriod::Year { year });
    periods.push(ReportPeriod::Research { year });
    periods
        .into_iter()
        .map(|p| {
            let filed = reports.iter().filter(|r| r.period == p).max_by_key(|r| r.written_at);
            let state = match (filed, p.ends()) {
                (Some(_), _) => ReportStateCode::Filed,
                (None, Some(ends)) if today < ends => ReportStateCode::NotYet,
                (None, _) => ReportStateCode::Missing,
            };
            ReportItem {
                period: p.to_string(),
                quarter: match p {
                    ReportPeriod::Quarter { quarter, .. } => quarter,
                    ReportPeriod::Commitment { .. } => 0,
                    ReportPeriod::Year { .. } => 5,
                    ReportPeriod::Research { .. } => 6,
                },
                year,
                state,
                writable: p.opens().is_none_or(|opens| opens <= today),
                text: filed.map(|r| r.text.clone()),
                written_by: filed
                    .map(|r| names.get(&r.written_by).cloned().unwrap_or_else(|| r.written_by.to_string())),
                written_at: filed.map(|r| r.written_at),
            }
        })
        .collect()
}

// ---- monthly scores (月度考核, scheme B) ----

fn score_kind_code(k: ScoreItemKind) -> ScoreItemKindCode {
    match k {
        ScoreItemKind::Bonus => ScoreItemKindCode::Bonus,
        ScoreItemKind::Deduction => ScoreItemKindCode::Deduction,
        ScoreItemKind::Veto => ScoreItemKindCode::Veto,
    }
}

fn score_kind_of(k: ScoreItemKindCode) -> ScoreItemKind {
    match k {
        ScoreItemKindCode::Bonus => ScoreItemKind::Bonus,
        ScoreItemKindCode::Deduction => ScoreItemKind::Deduction,
        ScoreItemKindCode::Veto => ScoreItemKind::Veto,
    }
}

fn score_state_code(s: ScoreState) -> ScoreStateCode {
    match s {
        ScoreState::Entered => ScoreStateCode::Entered,
        ScoreState::Confirmed => ScoreStateCode::Confirmed,
        ScoreState::Returned => ScoreStateCode::Returned,
        ScoreState::Audited => ScoreStateCode::Audited,
    }
}

/// `member`'s sheet of `month` as `viewer` sees it, with the automatic figures of the rules.
#[allow(clippy::too_many_arguments)]
fn score_sheet_view(
    records: &VillageRecords,
    row: Option<&taizhang_store::Row<MonthScoreSheet>>,
    policy: &Policy,
    viewer: &Member,
    member: &Member,
    month: YearMonth,
    now: Timestamp,
    names: &BTreeMap<MemberId, String>,
) -> Result<ScoreSheetView, AppError> {
    let today = local_date(now);
    let (first, last) = (month.first_day(), month_last_day(month));
    let report = member_report(records, member.id, Period::new(first, last)?, today, &MemberInputs::default(), policy)?;
    let auto = month_score(records, member.id, month, today, &[], policy)?;
    let dates = |v: &[NaiveDate]| v.iter().map(|d| d.to_string()).collect::<Vec<_>>();
    let sheet = row.map(|r| &r.record);
    // The month's points by the rules' one scoring function (`taizhang_rules::month_score`
    // with the sheet, i.e. `sheet_points` over what the records decide), as the county sees them.
    let scored = match sheet {
        Some(s) => {
            let mut with_sheet = records.clone();
            with_sheet.score_sheets = vec![s.clone()];
            month_score(&with_sheet, member.id, month, today, &[], policy)?
        }
        None => auto.clone(),
    };
    let (points, vetoed) = (scored.score.value, scored.vetoed);
    let state = sheet.map(|s| s.state);
    let month_ended = today > last;
    Ok(ScoreSheetView {
        member_id: member.id.to_string(),
        member_name: member.name.clone(),
        month: month.to_string(),
        state: state.map(score_state_code),
        items: sheet
            .map(|s| {
                s.items
                    .iter()
                    .map(|i| ScoreItemEntry {
                        kind: score_kind_code(i.kind),
                        points: i.points,
                        reason: i.reason.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        note: sheet.map(|s| s.note.clone()).unwrap_or_default(),
        // Not a member: the township officer who scored the first secretary.
        scored_by: sheet.map(|s| names.get(&s.scored_by).cloned().unwrap_or_else(|| "乡镇".to_string())),
        scored_at: sheet.map(|s| s.scored_at),
        checked_at: sheet.and_then(|s| s.checked_at),
        check_note: sheet.map(|s| s.check_note.clone()).unwrap_or_default(),
        audited_at: sheet.and_then(|s| s.audited_at),
        audit_points: sheet.and_then(|s| s.audit_points),
        audit_note: sheet.map(|s| s.audit_note.clone()).unwrap_or_default(),
        automatic: AutomaticFigures {
            points: auto.score.value,
            diary_gaps: dates(&report.diary_gaps.value),
            days_without_check_in: dates(&report.absent_without_leave.value),
            not_synced: dates(&report.not_synced.value),
            explanation: auto.score.note.clone(),
        },
        points,
        vetoed,
        allowance_cut: points < policy.scheme_b.allowance_cut_below,
        provisional: auto.provisional || !matches!(state, Some(ScoreState::Confirmed | ScoreState::Audited)),
        can_edit: viewer.role == Role::FirstSecretary
            && viewer.id != member.id
            && month_ended
            && matches!(state, None | Some(ScoreState::Entered | ScoreState::Returned)),
        conflicts: row.map(|r| conflicts(&r.conflicts)).unwrap_or_default(),
    })
}

/// The month's score sheets `viewer` may see: every colleague's for the first secretary (and
/// their own, scored by the township), one's own for everyone else.
fn month_scores(
    store: &Store,
    policy: &Policy,
    viewer: &Member,
    month: YearMonth,
    now: Timestamp,
) -> Result<MonthScores, AppError> {
    let (first, last) = (month.first_day(), month_last_day(month));
    let records = village_records(store, first, last, &[])?;
    let rows = store.score_sheets(month)?;
    let names: BTreeMap<MemberId, String> = records.members.iter().map(|m| (m.id, m.name.clone())).collect();
    let seen: Vec<&Member> =
        records.members.iter().filter(|m| viewer.role == Role::FirstSecretary || m.id == viewer.id).collect();
    let mut sheets = Vec::new();
    for m in seen {
        // The diary gaps need the member's diary: read it for this member only.
        let mut recs = records.clone();
        recs.diary = store.diary(m.id, month)?.into_iter().map(|r| r.record).collect();
        let row = rows.iter().find(|r| r.record.member == m.id);
        sheets.push(score_sheet_view(&recs, row, policy, viewer, m, month, now, &names)?);
    }
    Ok(MonthScores {
        month: month.to_string(),
        month_ended: local_date(now) > last,
        can_score: viewer.role == Role::FirstSecretary,
        base: policy.scheme_b.base,
        max: policy.scheme_b.max,
        cut_below: policy.scheme_b.allowance_cut_below,
        sheets,
    })
}

/// The month before `m`.
fn previous_month(m: YearMonth) -> YearMonth {
    YearMonth::of(m.first_day().pred_opt().unwrap_or_else(|| m.first_day()))
}

/// Changes of the waiting documents that the server has not confirmed.
fn withdrawn_item(w: taizhang_client::Withdrawn) -> WithdrawnItem {
    WithdrawnItem { doc: w.doc, key: w.key, fields: w.fields, reason: w.reason, withdrawn_at: w.withdrawn_at }
}

impl AppCore {
    /// Opens the app over the store at `store_path` (not created until the device joins) and
    /// the settings at `settings_path`. `server_override` (env `TAIZHANG_SERVER`) replaces the
    /// saved server address for this run.
    pub fn open(
        store_path: PathBuf,
        settings_path: PathBuf,
        server_override: Option<&str>,
        clock: Clock,
    ) -> Result<Self, AppError> {
        Self::open_keyed(store_path, settings_path, server_override, clock, None)
    }

    /// What the app shell calls (issue 21): the store's key from the platform's keystore when
    /// `keystore` gives one (with what renews it after a wipe), and the app lock of
    /// `crate::pin`. Without a keystore but with encryption the PIN is the store's key: a PIN
    /// must be set first, and a PIN-keyed store stays closed until [`AppCore::unlock`].
    /// `new_kdf` makes the PIN's Argon2id parameters (`PinKdf::new`; tests pass a cheap one).
    /// The web client opens this way too, with no keystore: its store is PIN-keyed.
    pub fn open_locked(
        store_path: PathBuf,
        settings_path: PathBuf,
        server_override: Option<&str>,
        clock: Clock,
        keystore: (Option<StoreKey>, Option<crate::wipe::RenewKey>),
        new_kdf: fn() -> taizhang_client::keystore::PinKdf,
    ) -> Result<Self, AppError> {
        let (key, renew) = keystore;
        let keying = match (&key, taizhang_client::ENCRYPTION_AVAILABLE) {
            (Some(_), _) => StoreKeying::Keystore,
            (None, true) => StoreKeying::Pin,
            (None, false) => StoreKeying::Plain,
        };
        let gate = crate::pin::PinGate::load(&store_path, keying, new_kdf, clock())?;
        // A PIN-keyed store with its PIN set is sealed until the PIN is entered.
        let sealed = keying == StoreKeying::Pin && gate.has_pin();
        let mut core = Self::build(store_path, settings_path, server_override, clock, key, !sealed)?;
        core.pin = gate;
        core.renew_key = renew;
        Ok(core)
    }

    /// [`AppCore::open`] over a store encrypted with `store_key` (issue 21): a plain store found
    /// there is encrypted in place first, and a device that joins gets an encrypted store.
    pub fn open_keyed(
        store_path: PathBuf,
        settings_path: PathBuf,
        server_override: Option<&str>,
        clock: Clock,
        store_key: Option<StoreKey>,
    ) -> Result<Self, AppError> {
        Self::build(store_path, settings_path, server_override, clock, store_key, true)
    }

    fn build(
        store_path: PathBuf,
        settings_path: PathBuf,
        server_override: Option<&str>,
        clock: Clock,
        store_key: Option<StoreKey>,
        open_store: bool,
    ) -> Result<Self, AppError> {
        let mut s = settings::load(&settings_path);
        if let Some(url) = server_override.filter(|u| !u.trim().is_empty()) {
            s.server_url = normalise_server_url(url)?;
        }
        // In the browser "exists" means a non-empty file of its storage (`crate::wipe::store_exists`).
        let ledger = if open_store && crate::wipe::store_exists(&store_path) {
            match Ledger::open_keyed(&store_path, store_key.as_ref()) {
                Ok(l) => Some(l),
                Err(ClientError::NotInitialised) => None,
                Err(e) => return Err(e.into()),
            }
        } else {
            None
        };
        let memo = SyncMemo {
            last_sync_at: ledger.as_ref().and_then(|l| l.last_sync_at().ok().flatten()),
            ..SyncMemo::default()
        };
        Ok(Self {
            store_path,
            settings_path,
            ledger: Arc::new(tokio::sync::Mutex::new(ledger)),
            settings: Mutex::new(s),
            memo: Mutex::new(memo),
            counters: Arc::new(Counters::default()),
            clock,
            policy: Policy::default(),
            started: Instant::now(),
            start_screen: None,
            connect: http_connect(),
            pin: crate::pin::PinGate::disabled(if store_key.is_some() {
                StoreKeying::Keystore
            } else {
                StoreKeying::Plain
            }),
            store_key: Mutex::new(store_key),
            renew_key: None,
            nearby: Default::default(),
            transferring: Default::default(),
        })
    }

    /// Counts start-up time from `started` (the process start, as near as the caller knows it)
    /// and opens `screen` first.
    pub fn with_start(mut self, started: Instant, screen: Option<String>) -> Self {
        self.started = started;
        self.start_screen = screen.filter(|s| !s.trim().is_empty());
        self
    }

    /// What forgets the store key in the platform's keystore when the device is wiped, and
    /// gives the key of the store it may make when it joins again.
    pub fn with_renew_key(mut self, renew: crate::wipe::RenewKey) -> Self {
        self.renew_key = Some(renew);
        self
    }

    /// Reaches servers through `connect` instead of the HTTP transport (the web client's fetch).
    pub fn with_transport(mut self, connect: Connect) -> Self {
        self.connect = connect;
        self
    }

    /// Logs (stderr) and returns how long after start a screen finished drawing.
    pub fn ui_mark(&self, m: UiMark) -> UiMarkEcho {
        let since_start_ms = self.started.elapsed().as_millis() as u64;
        eprintln!("taizhang-app timing: {} drawn with {} items {since_start_ms} ms after start", m.what, m.count);
        UiMarkEcho { since_start_ms }
    }

    /// The key that seals this device's attachment files (issue 19 × 21): derived from the
    /// store's key, so files beside an encrypted store are as unreadable as its pages; `None`
    /// for a plain store (its files stay plain, like it).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))] // the browser keeps no files
    pub(crate) fn file_key(&self) -> Option<[u8; 32]> {
        use sha2::Digest;
        let key = lock(&self.store_key).as_ref().map(|k| *k.as_bytes())?;
        let mut h = sha2::Sha256::new();
        h.update(b"taizhang attachment files v1");
        h.update(key);
        Some(h.finalize().into())
    }

    pub(crate) fn now(&self) -> Timestamp {
        (self.clock)()
    }

    pub(crate) fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    fn setup_of(&self, ledger: Option<&Ledger>) -> Result<SetupStatus, AppError> {
        let (member, village) = match ledger {
            Some(l) => (Some(member_info(l)?), l.store().village()?.map(village_info)),
            None => (None, None),
        };
        Ok(SetupStatus {
            joined: ledger.is_some(),
            member,
            village,
            settings: self.settings(),
            store_path: self.store_path.display().to_string(),
            start_screen: self.start_screen.clone(),
            wiped: if ledger.is_none() { crate::wipe::note(&self.store_path) } else { None },
        })
    }

    /// The join link in the QR code of a picture the person picked (issue 21; `crate::scan`).
    pub fn read_join_image(&self, image: JoinImage) -> Result<JoinLink, AppError> {
        #[cfg(not(target_arch = "wasm32"))]
        return crate::scan::read_join_qr(&image.bytes);
        #[cfg(target_arch = "wasm32")]
        {
            let _ = image;
            Err(AppError::NotAllowed(
                "the web client reads no pictures yet: type the code or paste the join link".into(),
            ))
        }
    }

    /// The app lock's state (issue 21).
    pub fn lock_status(&self) -> LockStatus {
        self.pin.status(self.now())
    }

    /// The person is using the app: the idle time starts again (while open).
    pub fn app_touch(&self) -> LockStatus {
        let now = self.now();
        self.pin.touch(now);
        self.pin.status(now)
    }

    /// Sets the PIN (or changes it while open; where the PIN keys the store, with the current
    /// PIN, and the store keeps its key). Where the PIN is the store's key, the store found here
    /// (a plain one from before) is encrypted with it in place now, and a store made by joining
    /// gets it.
    pub async fn set_pin(&self, req: SetPinRequest) -> Result<LockStatus, AppError> {
        let now = self.now();
        let mut guard = self.ledger.lock().await;
        if let Some(key) = self.pin.set_pin(&req.pin, req.current_pin.as_deref(), req.idle_minutes, now)? {
            if let Some(plain) = guard.take() {
                drop(plain);
                *guard = self.open_with(&key)?;
            }
            *lock(&self.store_key) = Some(key);
        }
        Ok(self.pin.status(now))
    }

    /// Opens the lock with `pin`. Where the PIN is the store's key, the store is opened with it
    /// (the first unlock after start).
    pub async fn unlock(&self, pin: String) -> Result<LockStatus, AppError> {
        let now = self.now();
        let mut guard = self.ledger.lock().await;
        if let Some(key) = self.pin.unlock(&pin, now)? {
            if guard.is_none() {
                *guard = self.open_with(&key)?;
                let last = guard.as_ref().and_then(|l| l.last_sync_at().ok().flatten());
                lock(&self.memo).last_sync_at = last;
            }
            *lock(&self.store_key) = Some(key);
        }
        Ok(self.pin.status(now))
    }

    /// The store at this path opened with `key` (a plain one is encrypted in place first);
    /// `None` when there is none yet.
    fn open_with(&self, key: &StoreKey) -> Result<Option<Ledger>, AppError> {
        if !crate::wipe::store_exists(&self.store_path) {
            return Ok(None);
        }
        match Ledger::open_keyed(&self.store_path, Some(key)) {
            Ok(l) => Ok(Some(l)),
            Err(ClientError::NotInitialised) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn setup_status(&self) -> Result<SetupStatus, AppError> {
        let guard = self.ledger.lock().await;
        self.setup_of(guard.as_ref())
    }

    /// Joins the village (see [`join_ledger`]), saves the server address, and syncs once when
    /// the server can be reached (the device is joined either way).
    pub async fn join(&self, req: JoinRequest) -> Result<JoinResult, AppError> {
        // Where the PIN is the store's key, it must exist before the store does.
        self.pin.guard(self.now())?;
        let url = normalise_server_url(&req.server_url)?;
        {
            let mut guard = self.ledger.lock().await;
            if guard.is_some() {
                return Err(AppError::AlreadyJoined);
            }
            let transport = (self.connect)(&url).map_err(|e| AppError::from(ClientError::from(e)))?;
            let key = lock(&self.store_key).clone();
            let ledger =
                join_ledger_via(&self.store_path, key.as_ref(), transport.as_ref(), &req.code, self.now()).await?;
            let mut s = self.settings();
            s.server_url = url;
            settings::save(&self.settings_path, &s)?;
            *lock(&self.settings) = s;
            *guard = Some(ledger);
            crate::wipe::clear_note(&self.store_path);
        }
        let (first_sync, sync_error) = match self.sync_now().await {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(e.to_command_error())),
        };
        Ok(JoinResult { setup: self.setup_status().await?, first_sync, sync_error })
    }

    pub async fn save_settings(&self, s: Settings) -> Result<SetupStatus, AppError> {
        let s = Settings { server_url: normalise_server_url(&s.server_url)?, language: s.language };
        settings::save(&self.settings_path, &s)?;
        *lock(&self.settings) = s;
        self.setup_status().await
    }

    /// Runs `f` on the joined ledger.
    pub(crate) async fn with<R>(&self, f: impl FnOnce(&mut Ledger) -> Result<R, AppError>) -> Result<R, AppError> {
        self.pin.guard(self.now())?;
        let mut guard = self.ledger.lock().await;
        let ledger = guard.as_mut().ok_or(AppError::NotJoined)?;
        f(ledger)
    }

    /// This device's member, once the team has arrived by sync (records need it).
    pub(crate) fn me_synced(ledger: &Ledger) -> Result<Member, AppError> {
        let me = ledger.member().ok_or(AppError::NotJoined)?;
        ledger.store().members()?.into_iter().map(|r| r.record).find(|m| m.id == me).ok_or(AppError::NotSyncedYet)
    }

    pub async fn today(&self) -> Result<TodayView, AppError> {
        let now = self.now();
        let policy = &self.policy;
        self.with(|l| {
            let store = l.store();
            let me = l.member().ok_or(AppError::NotJoined)?;
            let today = local_date(now);
            let month = YearMonth::of(today);
            let checks: Vec<CheckIn> = store
                .check_ins(Some(me), day_start(today), day_start(next_day(today)))?
                .into_iter()
                .map(|r| r.record)
                .collect();
            let days_this_month = store.days_in_village(me, month.first_day(), today)?.len() as u32;
            let synced = store.member_exists(me)?;
            let (days_this_year, required_so_far) = match Period::year(today.year()) {
                Some(year) if synced => {
                    let records = village_records(store, year.from, year.to, &[me])?;
                    let r = member_report(&records, me, year, today, &MemberInputs::default(), policy)?;
                    (r.days_in_village.value, r.min_days.value.required)
                }
                _ => {
                    let first = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
                    (store.days_in_village(me, first, today)?.len() as u32, 0)
                }
            };
            let diary_today = if store.month_filed(me, month)? {
                DiaryStatus::Filed
            } else if store.diary(me, month)?.iter().any(|d| d.record.date == today && d.record.amends.is_none()) {
                DiaryStatus::Written
            } else {
                DiaryStatus::Missing
            };
            Ok(TodayView {
                date: today.to_string(),
                member: member_info(l)?,
                village: store.village()?.map(village_info),
                in_village_now: checks.last().is_some_and(|c| c.kind == CheckKind::In),
                checks: checks.iter().map(check_item).collect(),
                days_this_month,
                days_this_year,
                required_so_far,
                yearly_target: policy.min_days_in_village_per_year,
                on_track: days_this_year >= required_so_far,
                diary_today,
                pending_changes: l.pending_change_count()?,
                follow_ups: crate::followups::open_items(l, now)?,
                findings: crate::followups::open_findings(l)?,
            })
        })
        .await
    }

    pub async fn check_in(&self, req: CheckInRequest) -> Result<CheckInItem, AppError> {
        let now = self.now();
        self.with(|l| {
            let me = Self::me_synced(l)?.id;
            let c = CheckIn {
                id: CheckInId(Uuid::now_v7()),
                member: me,
                at: now,
                kind: match req.kind {
                    CheckKindCode::In => CheckKind::In,
                    CheckKindCode::Out => CheckKind::Out,
                },
                location: fix_of(req.location),
                in_geofence: None,
            };
            let saved = l.check_in(&c, now)?;
            Ok(check_item(&saved))
        })
        .await
    }

    pub async fn households(&self, f: HouseholdFilter) -> Result<HouseholdList, AppError> {
        let today = local_date(self.now());
        self.with(|l| {
            let store = l.store();
            let since = f.not_visited.map(|p| match p {
                VisitPeriodCode::Month => YearMonth::of(today).first_day(),
                VisitPeriodCode::Year => NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
            });
            let q = HouseholdQuery {
                text: f.text.clone().filter(|t| !t.trim().is_empty()),
                group: f.group.clone().filter(|g| !g.is_empty()),
                status: f.status.map(status_of),
                helper: if f.mine == Some(true) { Some(l.member().ok_or(AppError::NotJoined)?) } else { None },
                not_visited_since: since.map(day_start),
                open_follow_ups: f.open_follow_ups == Some(true),
                limit: None,
            };
            let rows = store.households(&q)?;
            let mut visits: BTreeMap<HouseholdId, (u32, Timestamp)> = BTreeMap::new();
            // A correction (更正) is not a second visit: the original counts.
            for v in
                store.visits(None, Timestamp::MIN, Timestamp::MAX)?.into_iter().filter(|v| v.record.amends.is_none())
            {
                let e = visits.entry(v.record.household).or_insert((0, v.record.at));
                e.0 += 1;
                e.1 = e.1.max(v.record.at);
            }
            let all =
                if q == HouseholdQuery::default() { None } else { Some(store.households(&HouseholdQuery::default())?) };
            let mut groups: Vec<String> = all
                .as_ref()
                .unwrap_or(&rows)
                .iter()
                .map(|r| r.record.group.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            groups.sort_by_key(|g| natural_key(g));
            let total = all.as_ref().map_or(rows.len(), Vec::len) as u32;
            let items = rows
                .iter()
                .map(|r| {
                    let h = &r.record;
                    let (visit_count, last) = visits.get(&h.id).copied().map_or((0, None), |(n, at)| (n, Some(at)));
                    HouseholdSummary {
                        id: h.id.to_string(),
                        head: h.head.clone(),
                        group: h.group.clone(),
                        grid: h.grid.clone(),
                        members_count: h.members_count,
                        status: status_code(h.status),
                        visit_count,
                        last_visit_at: last,
                        has_conflicts: !r.conflicts.is_empty(),
                        door_number: h.details.door_number.clone(),
                    }
                })
                .collect();
            Ok(HouseholdList { items, total, groups })
        })
        .await
    }

    fn detail(l: &mut Ledger, id: HouseholdId, now: i64) -> Result<HouseholdDetail, AppError> {
        let store = l.store();
        let row: Row<Household> = store.household(id)?.ok_or_else(|| AppError::NotFound(format!("household {id}")))?;
        let names = names(store)?;
        let rows = store.visits_of_household(id)?;
        let me = l.member();
        let visits = rows
            .iter()
            .map(|v| {
                let mut item = visit_item(&v.record, &row.record.head, &names);
                item.mine = me == Some(v.record.member);
                // Newest first: the first correction met is the latest.
                item.amended_by =
                    rows.iter().find(|c| c.record.amends == Some(v.record.id)).map(|c| c.record.id.to_string());
                item
            })
            .collect();
        let facts = crate::households::facts(&row.record);
        let family = crate::households::family(store, id, l.member(), now)?;
        let history = crate::households::history(l, id, &names)?;
        let follow_ups = crate::followups::household_items(l, id, now)?;
        let findings = crate::followups::household_findings(l, id)?;
        Ok(HouseholdDetail {
            helper_name: row.record.helper.and_then(|m| names.get(&m).cloned()),
            household: household_input(&row.record),
            visits,
            conflicts: crate::conflicts::items("household", &row.conflicts, &names),
            facts,
            family,
            history,
            follow_ups,
            findings,
        })
    }

    pub async fn household(&self, id: String) -> Result<HouseholdDetail, AppError> {
        let id: HouseholdId = parse_id("id", &id)?;
        let now = self.now();
        self.with(|l| Self::detail(l, id, now)).await
    }

    /// Adds a household (`id` null) or saves an edited one.
    pub async fn save_household(&self, h: HouseholdInput) -> Result<HouseholdDetail, AppError> {
        let now = self.now();
        let causes = h
            .causes
            .iter()
            .map(|c| PovertyCause::parse(c).map_err(|e| AppError::invalid("causes", e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let helper = h.helper_id.as_deref().filter(|s| !s.is_empty()).map(|s| parse_id("helperId", s)).transpose()?;
        self.with(|l| {
            Self::me_synced(l)?;
            // A form (or an older window) that does not hold issue 16's fields sends none: the
            // edit keeps what the record has. Fields of a newer version are kept by the
            // document write, which touches only the fields this version knows and changed.
            let (id, stored) = match &h.id {
                Some(id) => {
                    let id: HouseholdId = parse_id("id", id)?;
                    match l.store().household(id)? {
                        Some(row) => (id, row.record.details),
                        None => return Err(AppError::NotFound(format!("household {id}"))),
                    }
                }
                None => (HouseholdId(Uuid::now_v7()), Default::default()),
            };
            // The photos are not part of the details form: those the household has stay, and
            // those given (each on this device first) join them.
            let has = stored.attachments.clone();
            let mut details = match &h.details {
                Some(d) => crate::households::details_of(d)?,
                None => stored,
            };
            details.attachments = crate::attachments::with_added(l.store(), &has, &h.attachments, "household")?;
            let record = Household {
                id,
                head: h.head.trim().to_string(),
                members_count: h.members_count,
                group: h.group.trim().to_string(),
                grid: h.grid.trim().to_string(),
                status: status_of(h.status),
                causes,
                helper,
                plan: h.plan.clone(),
                income_yuan: h.income_yuan,
                details,
            };
            l.put_household(&record, now)?;
            l.store().bind_attachments(&record.details.attachments, "household", &id.to_string())?;
            Self::detail(l, id, now)
        })
        .await
    }

    /// The domain's lists (monitored types, risks, checks, relations...) for the forms.
    pub async fn household_choices(&self) -> Result<HouseholdChoices, AppError> {
        Ok(crate::households::choices())
    }

    /// Adds a person to a household's roster (`id` null) or saves an edited one; answers the
    /// household as the screen shows it.
    pub async fn save_family_member(&self, p: FamilyMemberInput) -> Result<HouseholdDetail, AppError> {
        let now = self.now();
        let household: HouseholdId = parse_id("householdId", &p.household_id)?;
        let id: Option<taizhang_domain::PersonId> =
            p.id.as_deref().filter(|s| !s.is_empty()).map(|s| parse_id("id", s)).transpose()?;
        self.with(|l| {
            let me = Self::me_synced(l)?;
            let stored = match id {
                Some(id) => Some(
                    l.store()
                        .family_members(household)?
                        .into_iter()
                        .map(|r| r.record)
                        .find(|r| r.id == id)
                        .ok_or_else(|| AppError::NotFound(format!("family member {id}")))?,
                ),
                None => None,
            };
            let record = crate::households::family_member_of(&p, stored.as_ref(), household, me.id)?;
            l.put_family_member(&record, now)?;
            Self::detail(l, household, now)
        })
        .await
    }

    /// Settles a conflict of a household: the field keeps the value the person picked.
    pub async fn keep_value(&self, req: KeepValueRequest) -> Result<HouseholdDetail, AppError> {
        let now = self.now();
        let id: HouseholdId = parse_id("householdId", &req.household_id)?;
        self.with(|l| {
            Self::me_synced(l)?;
            if !l.keep_household_value(id, &req.field, &req.value, now)? {
                return Err(AppError::invalid(
                    "field",
                    "this value is no longer in conflict: look at the household again",
                ));
            }
            Self::detail(l, id, now)
        })
        .await
    }

    /// The draft of form `form`, if one was kept.
    pub async fn draft(&self, form: String) -> Result<DraftView, AppError> {
        let form = draft_form(&form)?;
        self.with(|l| {
            let d = l.store().draft(&form)?;
            Ok(DraftView { saved_at: d.as_ref().map(|d| d.1), body: d.map(|d| d.0), form })
        })
        .await
    }

    /// Keeps what form `form` holds (an empty body removes the draft). Called as the person
    /// types; a save of the form removes its draft.
    pub async fn save_draft(&self, d: DraftInput) -> Result<DraftView, AppError> {
        let now = self.now();
        let form = draft_form(&d.form)?;
        if d.body.chars().count() > taizhang_store::MAX_DRAFT_CHARS {
            return Err(AppError::invalid("body", "the draft is too long to keep"));
        }
        self.with(|l| {
            l.store().put_draft(&form, &d.body, now)?;
            let body = (!d.body.is_empty()).then_some(d.body);
            Ok(DraftView { saved_at: body.as_ref().map(|_| now), body, form })
        })
        .await
    }

    pub async fn record_visit(&self, v: VisitInput) -> Result<VisitItem, AppError> {
        let now = self.now();
        let household: HouseholdId = parse_id("householdId", &v.household_id)?;
        let at = match v.at.as_deref().map(str::trim) {
            None | Some("") => now,
            Some(t) => taizhang_domain::parse_local_time(t).map_err(|e| AppError::invalid("at", e.to_string()))?,
        };
        let amends: Option<VisitId> =
            v.amends.as_deref().filter(|s| !s.is_empty()).map(|s| parse_id("amends", s)).transpose()?;
        let attachments: Vec<String> = v.attachments.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
        taizhang_domain::validate_attachments(&attachments)
            .map_err(|e| AppError::invalid("attachments", e.to_string()))?;
        let close = v
            .close
            .iter()
            .map(|c| Ok((parse_id::<taizhang_domain::FollowUpId>("close", &c.id)?, c.note.clone())))
            .collect::<Result<Vec<_>, AppError>>()?;
        self.with(|l| {
            let me = Self::me_synced(l)?;
            let head = l
                .store()
                .household(household)?
                .map(|h| h.record.head)
                .ok_or_else(|| AppError::invalid("householdId", "pick a household from the list"))?;
            // A correction corrects one of my own visits of this household; it is a new record
            // and the original stays as it was.
            let mut corrected_at = None;
            if let Some(target) = amends {
                let original = l.store().visits_of_household(household)?.into_iter().find(|o| o.record.id == target);
                match original {
                    None => {
                        return Err(AppError::invalid("amends", "the visit to correct is not one of this household's"))
                    }
                    Some(o) if o.record.member != me.id => {
                        return Err(AppError::invalid("amends", "only the member who recorded a visit corrects it"))
                    }
                    Some(o) => corrected_at = Some(o.record.at),
                }
            }
            // The visit's own time, chosen on the form, goes back at most the policy's window
            // (a correction may keep the time of the visit it corrects).
            if let Some(earliest) = visit_earliest(now, self.policy.visit_backdate_days) {
                if at < earliest && Some(at) != corrected_at {
                    return Err(AppError::invalid(
                        "at",
                        format!(
                            "走访时间最多可往前选 {d} 天 (a visit's time may go back at most {d} days): 更早的走访请在备注中说明 (note an earlier visit in the findings)",
                            d = self.policy.visit_backdate_days
                        ),
                    ));
                }
            }
            // The items to close are checked before anything is saved.
            let open: Vec<taizhang_domain::FollowUpId> = l
                .store()
                .follow_ups_of_household(household)?
                .into_iter()
                .filter(|f| !f.record.is_done())
                .map(|f| f.record.id)
                .collect();
            if let Some((id, _)) = close.iter().find(|(id, _)| !open.contains(id)) {
                return Err(AppError::invalid("close", format!("follow-up item {id} is not open on this household")));
            }
            let visit = Visit {
                id: VisitId(Uuid::now_v7()),
                household,
                member: me.id,
                at,
                location: fix_of(v.location),
                findings: v.findings.trim().to_string(),
                needs: v.needs.trim().to_string(),
                follow_up: v.follow_up.trim().to_string(),
                amends,
                attachments,
            };
            // The promise is checked before the visit is saved: a bad due day saves neither.
            let promise = match v.promise_due.as_deref().map(str::trim) {
                None => None,
                Some("") => crate::followups::promise_of_visit(&visit, None, now),
                Some(due) => crate::followups::promise_of_visit(&visit, Some(parse_date("promiseDue", due)?), now),
            };
            // Each photo is on this device (written durably by `attach_file`) before the visit
            // that refers to it is saved, then tied to it (a kill in between: the next transfer
            // ties it from the saved visit, so it is never left unsent).
            crate::attachments::require_on_device(l.store(), &visit.attachments, "visit")?;
            // The visit, its promise's item and the items it closes (办结 from the visit form:
            // closed by me, at the time of saving) are saved together or not at all.
            l.record_visit_with_items(&visit, promise.as_ref(), &close, me.id, now)?;
            l.store().bind_attachments(&visit.attachments, "visit", &visit.id.to_string())?;
            // Saved: the form's draft has done its work.
            l.store().clear_draft(VISIT_DRAFT)?;
            let names = BTreeMap::from([(me.id, me.name)]);
            Ok(VisitItem { mine: true, ..visit_item(&visit, &head, &names) })
        })
        .await
    }

    /// Closes a follow-up item (办结) as done by this device's member, with how it was done.
    pub async fn close_follow_up(&self, req: CloseFollowUpRequest) -> Result<FollowUpItem, AppError> {
        let now = self.now();
        let id = parse_id("id", &req.id)?;
        self.with(|l| crate::followups::close(l, id, &req.note, now)).await
    }

    /// Answers an inspection finding (整改情况) as this device's member, at the device's time;
    /// offline is fine, the answer goes up at the next sync.
    pub async fn answer_finding(&self, req: AnswerFindingRequest) -> Result<FindingItem, AppError> {
        let now = self.now();
        let id = parse_id("id", &req.id)?;
        self.with(|l| crate::followups::answer(l, id, &req.answer, now)).await
    }

    fn diary_view(l: &Ledger, policy: &Policy, month: YearMonth, now: Timestamp) -> Result<DiaryView, AppError> {
        let store = l.store();
        let me = l.member().ok_or(AppError::NotJoined)?;
        let today = local_date(now);
        let rows: Vec<DiaryEntry> = store.diary(me, month)?.into_iter().map(|r| r.record).collect();
        // Originals in order, each followed by its amendments; stray amendments last.
        let originals: Vec<&DiaryEntry> = rows.iter().filter(|d| d.amends.is_none()).collect();
        let ids: BTreeSet<DiaryId> = originals.iter().map(|d| d.id).collect();
        let mut entries = Vec::new();
        for o in &originals {
            entries.push(diary_item(o));
            entries.extend(rows.iter().filter(|d| d.amends == Some(o.id)).map(diary_item));
        }
        entries.extend(rows.iter().filter(|d| d.amends.is_some_and(|a| !ids.contains(&a))).map(diary_item));
        let filing = store.filings()?.into_iter().find(|f| f.member == me && f.month == month);
        let names = names(store)?;
        let viewer = Self::me_synced(l)?;
        let gaps = month_gaps(store, policy, &viewer, me, month, now, &l.submissions(month.year)?)?;
        let current = month == YearMonth::of(today);
        let previous = previous_month(YearMonth::of(today));
        let earliest =
            if store.month_filed(me, previous)? { YearMonth::of(today).first_day() } else { previous.first_day() };
        Ok(DiaryView {
            month: month.to_string(),
            today: today.to_string(),
            today_entry: if current {
                originals.iter().rev().find(|d| d.date == today).map(|d| diary_item(d))
            } else {
                None
            },
            days_written: originals.iter().map(|d| d.date).collect::<BTreeSet<_>>().len() as u32,
            entries,
            filed: filing.is_some(),
            filed_at: filing.as_ref().map(|f| f.filed_at),
            filed_by: filing.as_ref().and_then(|f| names.get(&f.filed_by).cloned()),
            can_file: gaps.can_file,
            earliest_date: earliest.to_string(),
            filing: gaps,
        })
    }

    pub async fn diary(&self, q: MonthQuery) -> Result<DiaryView, AppError> {
        let now = self.now();
        let month = parse_month(q.month.as_deref(), now)?;
        let policy = &self.policy;
        self.with(|l| Self::diary_view(l, policy, month, now)).await
    }

    /// Writes a diary entry for today or a past day of an unfiled month (补记), or an amendment
    /// to one (`amends`), which a filed month requires. Saving again for a day that has an
    /// entry corrects that entry (the same record, its history kept by the document), it
    /// does not add a second one; it keeps when the entry was first written.
    pub async fn write_diary(&self, d: DiaryInput) -> Result<DiaryItem, AppError> {
        let now = self.now();
        let date = match d.date.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => parse_date("date", s)?,
            None => local_date(now),
        };
        let amends: Option<DiaryId> =
            d.amends.as_deref().filter(|s| !s.is_empty()).map(|s| parse_id("amends", s)).transpose()?;
        let added: Vec<String> = d.attachments.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
        self.with(|l| {
            let me = Self::me_synced(l)?;
            let existing = match amends {
                Some(_) => None,
                None => l
                    .store()
                    .diary(me.id, YearMonth::of(date))?
                    .into_iter()
                    .map(|r| r.record)
                    .rev()
                    .find(|e| e.date == date && e.amends.is_none()),
            };
            let entry = match existing {
                Some(e) => DiaryEntry { text: d.text.clone(), ..e },
                None => DiaryEntry {
                    id: DiaryId(Uuid::now_v7()),
                    member: me.id,
                    date,
                    text: d.text.clone(),
                    amends,
                    written_at: now,
                    attachments: Vec::new(),
                },
            };
            // The photos added now join those the entry has; each is on this device first.
            let mut entry = entry;
            for h in added {
                if !entry.attachments.contains(&h) {
                    entry.attachments.push(h);
                }
            }
            taizhang_domain::validate_attachments(&entry.attachments)
                .map_err(|e| AppError::invalid("attachments", e.to_string()))?;
            for h in &entry.attachments {
                if l.store().attachment(h)?.is_none() {
                    return Err(AppError::invalid(
                        "attachments",
                        "a photo of this entry is not on this device: add it again",
                    ));
                }
            }
            l.write_diary(&entry, now)?;
            l.store().bind_attachments(&entry.attachments, "diary", &entry.id.to_string())?;
            Ok(diary_item(&entry))
        })
        .await
    }

    /// A member's month before filing: its window and gaps (`member_id` null: this device's).
    pub async fn month_gaps(&self, req: MonthGapsRequest) -> Result<MonthGaps, AppError> {
        let now = self.now();
        let month = parse_month(Some(&req.month), now)?;
        let policy = &self.policy;
        self.with(|l| {
            let me = Self::me_synced(l)?;
            let member = match req.member_id.as_deref().filter(|s| !s.trim().is_empty()) {
                Some(s) => parse_id("memberId", s)?,
                None => me.id,
            };
            month_gaps(l.store(), policy, &me, member, month, now, &l.submissions(month.year)?)
        })
        .await
    }

    /// Files (月备案) a member's month (`member_id` null: the first secretary's own): only the
    /// first secretary files on the device (the township files on its page), and only a month
    /// that has ended (`taizhang_rules::may_file`; after the policy's window it is filed late).
    /// From then on the month's diary is read-only and corrections are amendments.
    pub async fn file_month(&self, req: FileMonthRequest) -> Result<MonthGaps, AppError> {
        let now = self.now();
        let month = parse_month(Some(&req.month), now)?;
        let policy = &self.policy;
        self.with(|l| {
            let me = Self::me_synced(l)?;
            let member = match req.member_id.as_deref().filter(|s| !s.trim().is_empty()) {
                Some(s) => parse_id("memberId", s)?,
                None => me.id,
            };
            if me.role != Role::FirstSecretary {
                return Err(AppError::NotAllowed(
                    "only the first secretary (or the township) files a month (月备案): your month's gaps are listed \
                     for you to fill before they do"
                        .into(),
                ));
            }
            if let FilingWindow::NotYet { opens } = may_file(month, local_date(now), policy) {
                return Err(AppError::Denied {
                    code: ErrorCode::MonthNotOver,
                    message: format!("{month} has not ended: it can be filed from {opens}"),
                });
            }
            if l.store().month_filed(member, month)? {
                return Err(AppError::MonthFiled(month.to_string()));
            }
            l.file_month(member, month, me.id, now)?;
            month_gaps(l.store(), policy, &me, member, month, now, &l.submissions(month.year)?)
        })
        .await
    }

    /// Submits this device's member's own ended month (提交本月) with the diary gaps the app
    /// lists now and an optional note; the first secretary or the township then files it.
    /// Submitting again replaces it; it is never too late.
    pub async fn submit_month(&self, req: SubmitMonthRequest) -> Result<MonthGaps, AppError> {
        let now = self.now();
        let month = parse_month(Some(&req.month), now)?;
        let policy = &self.policy;
        self.with(|l| {
            let me = Self::me_synced(l)?;
            let gaps = month_gaps(l.store(), policy, &me, me.id, month, now, &[])?;
            let dates = gaps.diary_gaps.iter().map(|d| parse_date("gap", d)).collect::<Result<Vec<_>, _>>()?;
            let submission = MonthSubmission {
                member: me.id,
                month,
                gaps: dates,
                note: req.note.as_deref().unwrap_or_default().trim().to_string(),
                submitted_at: now,
            };
            l.submit_month(&submission, now)?;
            month_gaps(l.store(), policy, &me, me.id, month, now, &l.submissions(month.year)?)
        })
        .await
    }

    /// The first secretary writes (or rewrites) the team's quarterly report (季报告) or the
    /// yearly commitment (年承诺), offline like a diary entry; it syncs to the township.
    pub async fn save_report(&self, req: SaveReportRequest) -> Result<ReportItem, AppError> {
        let now = self.now();
        let period: ReportPeriod = req.period.trim().parse()?;
        self.with(|l| {
            let me = Self::me_synced(l)?;
            if me.role != Role::FirstSecretary {
                return Err(AppError::NotAllowed(
                    "the first secretary writes the team's quarterly reports and yearly commitment".into(),
                ));
            }
            let r = TeamReport { period, text: req.text.trim().to_string(), written_by: me.id, written_at: now };
            l.put_report(&r, now)?;
            let names = BTreeMap::from([(me.id, me.name.clone())]);
            report_items(&[r], &names, period.year(), local_date(now))
                .into_iter()
                .find(|i| i.period == period.to_string())
                .ok_or_else(|| AppError::NotAllowed(format!("{period} is not a report period of {}", period.year())))
        })
        .await
    }

    pub async fn team(&self, q: MonthQuery) -> Result<TeamView, AppError> {
        let now = self.now();
        let month = parse_month(q.month.as_deref(), now)?;
        let policy = &self.policy;
        self.with(|l| {
            let store = l.store();
            let me = Self::me_synced(l)?;
            let today = local_date(now);
            let (first, last) = (month.first_day(), month_last_day(month));
            let records = village_records(store, first, last, &[])?;
            let period = Period::new(first, last)?;
            let report = team_report(&records, period, today, policy)?;
            let gaps: BTreeSet<NaiveDate> = report.gaps.value.iter().copied().collect();
            let excused: BTreeSet<NaiveDate> = report.excused_gaps.value.iter().copied().collect();
            let names: BTreeMap<MemberId, String> = records.members.iter().map(|m| (m.id, m.name.clone())).collect();
            let mut present: BTreeMap<NaiveDate, BTreeSet<MemberId>> = BTreeMap::new();
            for c in records.check_ins.iter().filter(|c| c.kind == CheckKind::In) {
                present.entry(local_date(c.at)).or_default().insert(c.member);
            }
            let approved: Vec<&LeaveRequest> =
                records.leave_requests.iter().filter(|l| l.state == LeaveState::Approved).collect();
            let days = period
                .dates()
                .map(|d| TeamDay {
                    date: d.to_string(),
                    present: present.get(&d).into_iter().flatten().filter_map(|m| names.get(m).cloned()).collect(),
                    on_leave: approved
                        .iter()
                        .filter(|l| l.from <= d && d <= l.to)
                        .filter_map(|l| names.get(&l.member).cloned())
                        .collect(),
                    nobody: gaps.contains(&d),
                    excused: excused.contains(&d),
                    future: d > today,
                })
                .collect();
            let filings = store.filings()?;
            let submissions = l.submissions(month.year)?;
            let month_ended = may_file(month, today, policy).allowed();
            let members = records
                .members
                .iter()
                .map(|m| TeamMemberSummary {
                    id: m.id.to_string(),
                    name: m.name.clone(),
                    role: role_code(m.role),
                    days_this_month: present.values().filter(|p| p.contains(&m.id)).count() as u32,
                    month_filed: filings.iter().any(|f| f.member == m.id && f.month == month),
                    can_file: me.role == Role::FirstSecretary
                        && month_ended
                        && !filings.iter().any(|f| f.member == m.id && f.month == month),
                    submitted: submissions.iter().any(|s| s.member == m.id && s.month == month),
                })
                .collect();
            let mut leaves: Vec<&LeaveRequest> = records.leave_requests.iter().collect();
            leaves.sort_by_key(|l| (l.state != LeaveState::Pending, std::cmp::Reverse(l.from), l.id));
            Ok(TeamView {
                month: month.to_string(),
                first_weekday: first.weekday().num_days_from_monday(),
                days,
                gaps: gaps.len() as u32,
                members,
                leaves: leaves.into_iter().take(100).map(|l| leave_item(l, &names, &me)).collect(),
                can_approve: me.role == Role::FirstSecretary,
                month_ended,
                reports: report_items(&l.reports(month.year)?, &names, month.year, today),
                can_write_reports: me.role == Role::FirstSecretary,
            })
        })
        .await
    }

    pub async fn request_leave(&self, req: LeaveInput) -> Result<LeaveItem, AppError> {
        let now = self.now();
        let (from, to) = (parse_date("from", &req.from)?, parse_date("to", &req.to)?);
        self.with(|l| {
            let me = Self::me_synced(l)?;
            let leave = LeaveRequest {
                id: LeaveId(Uuid::now_v7()),
                member: me.id,
                from,
                to,
                reason: req.reason.trim().to_string(),
                state: LeaveState::Pending,
                decided_by: None,
                kind: leave_kind_of(req.kind),
                returned_on: None,
            };
            l.request_leave(&leave, now)?;
            Ok(leave_item(&leave, &names(l.store())?, &me))
        })
        .await
    }

    /// Withdraws this device's member's pending request (撤回).
    pub async fn withdraw_leave(&self, req: LeaveRef) -> Result<LeaveItem, AppError> {
        let now = self.now();
        let id: LeaveId = parse_id("id", &req.id)?;
        self.with(|l| {
            let me = Self::me_synced(l)?;
            if l.leave(id)?.member != me.id {
                return Err(AppError::NotAllowed("only the person who asked for leave withdraws it".into()));
            }
            let leave = l.withdraw_leave(id, now)?;
            Ok(leave_item(&leave, &names(l.store())?, &me))
        })
        .await
    }

    /// Reports back (销假) on this device's member's approved leave with the actual return day.
    pub async fn report_back(&self, req: ReportBackRequest) -> Result<LeaveItem, AppError> {
        let now = self.now();
        let id: LeaveId = parse_id("id", &req.id)?;
        let returned_on = parse_date("returnedOn", &req.returned_on)?;
        self.with(|l| {
            let me = Self::me_synced(l)?;
            if l.leave(id)?.member != me.id {
                return Err(AppError::NotAllowed("only the person on leave reports back (销假)".into()));
            }
            let leave = l.report_back(id, returned_on, now)?;
            Ok(leave_item(&leave, &names(l.store())?, &me))
        })
        .await
    }

    pub async fn decide_leave(&self, req: DecideLeaveRequest) -> Result<LeaveItem, AppError> {
        let now = self.now();
        let id: LeaveId = parse_id("id", &req.id)?;
        self.with(|l| {
            let me = Self::me_synced(l)?;
            if me.role != Role::FirstSecretary {
                return Err(AppError::NotAllowed("only the first secretary approves leave".into()));
            }
            if l.leave(id)?.member == me.id {
                return Err(AppError::Denied {
                    code: ErrorCode::OwnLeave,
                    message: "nobody decides their own leave: the township decides the first secretary's".into(),
                });
            }
            l.decide_leave(id, req.approve, me.id, now)?;
            let row = l
                .store()
                .leaves(None)?
                .into_iter()
                .find(|r| r.record.id == id)
                .ok_or_else(|| AppError::NotFound(format!("leave request {id}")))?;
            Ok(leave_item(&row.record, &names(l.store())?, &me))
        })
        .await
    }

    /// The 月度考核 section: the month's sheets this device's member may see (the first
    /// secretary: every member's; anyone else: their own), each with its chain state, items and
    /// reasons, and the automatic figures of the rules.
    pub async fn month_scores(&self, q: MonthQuery) -> Result<MonthScores, AppError> {
        let now = self.now();
        let month = parse_month(q.month.as_deref(), now)?;
        let policy = &self.policy;
        self.with(|l| {
            let me = Self::me_synced(l)?;
            month_scores(l.store(), policy, &me, month, now)
        })
        .await
    }

    /// The first secretary enters (or corrects, while entered or returned) a colleague's sheet
    /// of an ended month, offline: saved on the device and synced like every record; the
    /// state becomes 已录入 again and the township checks it.
    pub async fn save_score_sheet(&self, req: SaveScoreSheetRequest) -> Result<ScoreSheetView, AppError> {
        let now = self.now();
        let month = parse_month(Some(&req.month), now)?;
        let member: MemberId = parse_id("memberId", &req.member_id)?;
        let policy = &self.policy;
        self.with(|l| {
            let me = Self::me_synced(l)?;
            if me.role != Role::FirstSecretary {
                return Err(AppError::NotAllowed(
                    "only the first secretary enters the monthly scores (月度考核) of the team's members".into(),
                ));
            }
            if member == me.id {
                return Err(AppError::NotAllowed(
                    "the township scores the first secretary's month: nobody scores themselves".into(),
                ));
            }
            let store = l.store();
            let colleague = store
                .members()?
                .into_iter()
                .map(|r| r.record)
                .find(|m| m.id == member)
                .ok_or_else(|| AppError::NotFound(format!("member {member}")))?;
            let old = store.score_sheet(member, month)?.map(|r| r.record);
            if let Some(o) = &old {
                if matches!(o.state, ScoreState::Confirmed | ScoreState::Audited) {
                    return Err(AppError::NotAllowed(format!(
                        "this sheet is {} (镇级已确认或县级已审核): it can no longer be changed on the device",
                        o.state.code()
                    )));
                }
            }
            let items = req
                .items
                .iter()
                .map(|i| ScoreItem {
                    kind: score_kind_of(i.kind),
                    points: if i.kind == ScoreItemKindCode::Veto { 0.0 } else { i.points },
                    reason: i.reason.trim().to_string(),
                })
                .collect();
            // A returned sheet goes back to the township as entered; the township's and the
            // county's parts stay as they are (taizhang-auth: the first secretary never
            // changes them), so who returned it and why stays on record.
            let sheet = MonthScoreSheet {
                member,
                month,
                items,
                note: req.note.trim().to_string(),
                scored_by: me.id,
                scored_at: now,
                state: ScoreState::Entered,
                checked_by: old.as_ref().and_then(|o| o.checked_by),
                checked_at: old.as_ref().and_then(|o| o.checked_at),
                check_note: old.as_ref().map(|o| o.check_note.clone()).unwrap_or_default(),
                audited_by: old.as_ref().and_then(|o| o.audited_by),
                audited_at: old.as_ref().and_then(|o| o.audited_at),
                audit_points: old.as_ref().and_then(|o| o.audit_points),
                audit_note: old.as_ref().map(|o| o.audit_note.clone()).unwrap_or_default(),
            };
            l.put_score_sheet(&sheet, now)?;
            let store = l.store();
            let (first, last) = (month.first_day(), month_last_day(month));
            let mut records = village_records(store, first, last, &[member])?;
            records.diary = store.diary(member, month)?.into_iter().map(|r| r.record).collect();
            let row = store.score_sheet(member, month)?;
            score_sheet_view(&records, row.as_ref(), policy, &me, &colleague, month, now, &names(store)?)
        })
        .await
    }

    /// The Sync screen's figures. While a sync runs it answers from what the last look saw
    /// plus the live progress, without waiting for the ledger.
    /// 附近的队员: the offer, if any, and this session's exchanges.
    pub async fn nearby_status(&self) -> Result<NearbyStatus, AppError> {
        self.pin.guard(self.now())?;
        Ok(crate::nearby::lock_status(&self.nearby))
    }

    /// Offers this device's records to teammates nearby (ten minutes, or until stopped).
    pub async fn nearby_offer(&self) -> Result<NearbyStatus, AppError> {
        self.pin.guard(self.now())?;
        #[cfg(not(target_arch = "wasm32"))]
        return crate::nearby::offer(&self.nearby, &self.ledger, self.clock.clone()).await;
        #[cfg(target_arch = "wasm32")]
        return Err(crate::nearby::not_in_browser());
    }

    pub async fn nearby_stop(&self) -> Result<NearbyStatus, AppError> {
        #[cfg(not(target_arch = "wasm32"))]
        return Ok(crate::nearby::stop(&self.nearby));
        #[cfg(target_arch = "wasm32")]
        return Ok(crate::nearby::lock_status(&self.nearby));
    }

    /// Joins a teammate's offer with the code on their screen.
    pub async fn nearby_join(&self, req: NearbyJoin) -> Result<NearbyExchange, AppError> {
        self.pin.guard(self.now())?;
        #[cfg(not(target_arch = "wasm32"))]
        return crate::nearby::join(&self.nearby, &self.ledger, self.clock.clone(), &req.code, req.address.as_deref())
            .await;
        #[cfg(target_arch = "wasm32")]
        return {
            let _ = req;
            Err(crate::nearby::not_in_browser())
        };
    }

    pub async fn sync_status(&self) -> Result<SyncStatus, AppError> {
        if let Ok(mut guard) = self.ledger.try_lock() {
            if let Some(l) = guard.as_mut() {
                let docs = l.pending_docs()?;
                let changes = l.pending_change_count()?;
                let last = l.last_sync_at()?;
                let mut m = lock(&self.memo);
                m.pending_docs = docs;
                m.pending_changes = changes;
                m.last_sync_at = last;
            }
        }
        let withdrawn = match self.ledger.try_lock() {
            Ok(guard) => match guard.as_ref() {
                Some(l) => l.withdrawn_records()?.into_iter().map(withdrawn_item).collect(),
                None => Vec::new(),
            },
            Err(_) => Vec::new(), // a sync holds the ledger: shown again at the next look
        };
        let m = lock(&self.memo);
        Ok(SyncStatus {
            withdrawn,
            server_url: self.settings().server_url,
            last_sync_at: m.last_sync_at,
            pending_changes: m.pending_changes,
            pending_docs: m.pending_docs.clone(),
            running: m.running,
            progress: self.counters.snapshot(),
            last_result: m.last_result.clone(),
            last_error: m.last_error.clone(),
        })
    }

    /// One sync session with the server in the settings: pushes everything waiting, pulls
    /// everything new. A failure loses nothing (the engine applies each answer atomically).
    pub async fn sync_now(&self) -> Result<SyncSummary, AppError> {
        {
            let mut m = lock(&self.memo);
            if m.running {
                return Err(AppError::SyncRunning);
            }
            m.running = true;
        }
        let _running = RunningGuard(&self.memo);
        self.counters.reset();
        let result = self.run_sync().await;
        let mut m = lock(&self.memo);
        match &result {
            Ok(s) => {
                m.last_result = Some(s.clone());
                m.last_error = None;
                m.last_sync_at = Some(s.at);
            }
            Err(e) => m.last_error = Some(e.to_command_error()),
        }
        result
    }

    /// The transport to the server of the settings, counting its requests and bytes for the
    /// Sync screen.
    fn counting_transport(&self) -> Result<CountingTransport, AppError> {
        let url = self.settings().server_url;
        let inner = (self.connect)(&url).map_err(|e| AppError::from(ClientError::from(e)))?;
        Ok(CountingTransport { inner, counters: self.counters.clone() })
    }

    async fn run_sync(&self) -> Result<SyncSummary, AppError> {
        let transport = self.counting_transport()?;
        let mut guard = self.ledger.lock().await;
        let ledger = guard.as_mut().ok_or(AppError::NotJoined)?;
        let now = self.now();
        let r = match ledger.sync(&transport, now).await {
            Ok(r) => r,
            Err(ClientError::WipeOrdered(reason)) => {
                // Everything it had was pushed before this answer: erase (issue 21).
                if let Some(ledger) = guard.take() {
                    crate::wipe::erase(ledger, &self.store_path, &reason)?;
                    // The old key is forgotten; a store made by joining again gets a new one
                    // (none without a keystore: the shell decides).
                    let next = self.renew_key.as_ref().and_then(|renew| renew());
                    *lock(&self.store_key) = next;
                    // The PIN goes with the store: joining again starts with a new one.
                    self.pin.forget()?;
                }
                return Err(AppError::Wiped(reason));
            }
            Err(e) => return Err(e.into()),
        };
        let docs = ledger.pending_docs()?;
        {
            let mut m = lock(&self.memo);
            m.pending_changes = ledger.pending_change_count()?;
            m.pending_docs = docs;
        }
        Ok(SyncSummary {
            at: now,
            requests: r.requests,
            bytes_up: r.bytes_up,
            bytes_down: r.bytes_down,
            changes_pushed: r.changes_pushed,
            changes_received: r.changes_received,
            refused: r.rejected.iter().map(|(d, why)| format!("{d}: {why}")).collect(),
            refused_docs: r
                .rejected
                .iter()
                .map(|(d, why)| RefusedDoc { doc: d.clone(), reason: why.clone() })
                .collect(),
        })
    }

    /// Signs this device in again (challenge and token, counted like the sync's requests) and
    /// returns the new token: what the attachments' transfer does when the server refuses the
    /// token of the last sync — an upload on a slow link outlives the token's hour.
    pub(crate) async fn sign_in_again(&self) -> Result<String, AppError> {
        let transport = self.counting_transport()?;
        let mut guard = self.ledger.lock().await;
        let ledger = guard.as_mut().ok_or(AppError::NotJoined)?;
        Ok(ledger.sign_in(&transport).await?)
    }

    /// Withdraws what the server refused in one document (`Ledger::withdraw_refused`): the
    /// refused records are taken back and kept as text, the rest waits to sync; the Sync
    /// screen's count goes back to zero once that is sent.
    pub async fn withdraw_refused(&self, req: RefusedDoc) -> Result<SyncStatus, AppError> {
        {
            let mut guard = self.ledger.lock().await;
            let ledger = guard.as_mut().ok_or(AppError::NotJoined)?;
            let now = self.now();
            ledger.withdraw_refused(&req.doc, &req.reason, now)?;
            let mut m = lock(&self.memo);
            if let Some(last) = m.last_result.as_mut() {
                last.refused_docs.retain(|d| d.doc != req.doc);
                last.refused.retain(|line| !line.starts_with(&format!("{}: ", req.doc)));
            }
        }
        self.sync_status().await
    }

    /// One tick of the background sync: when something waits (or the last pull is older than
    /// [`AUTO_PULL_AFTER_MS`]) and the server answers a TCP connection, sync.
    pub async fn auto_sync_tick(&self) -> AutoSync {
        if lock(&self.memo).running {
            return AutoSync::Busy;
        }
        let (pending, last) = {
            let Ok(guard) = self.ledger.try_lock() else { return AutoSync::Busy };
            let Some(l) = guard.as_ref() else { return AutoSync::NotJoined };
            match (l.pending_docs(), l.last_sync_at()) {
                (Ok(p), Ok(last)) => (p.len(), last),
                (Err(e), _) | (_, Err(e)) => return AutoSync::Failed(AppError::from(e).to_command_error()),
            }
        };
        let stale = last.is_none_or(|t| self.now() - t > AUTO_PULL_AFTER_MS);
        if pending == 0 && !stale {
            return AutoSync::NothingToDo;
        }
        let Some((host, port)) = host_port(&self.settings().server_url) else { return AutoSync::Offline };
        // The browser has no TCP probe: there the sync's own first request is the probe.
        #[cfg(not(target_arch = "wasm32"))]
        {
            let probe =
                tokio::time::timeout(PROBE_TIMEOUT, tokio::net::TcpStream::connect((host.as_str(), port))).await;
            if !matches!(probe, Ok(Ok(_))) {
                return AutoSync::Offline;
            }
        }
        #[cfg(target_arch = "wasm32")]
        let _ = (host, port);
        match self.sync_now().await {
            Ok(s) => AutoSync::Synced(s),
            Err(AppError::SyncRunning) => AutoSync::Busy,
            Err(e) => AutoSync::Failed(e.to_command_error()),
        }
    }
}

fn member_info(l: &Ledger) -> Result<MemberInfo, AppError> {
    let me = l.member().ok_or(AppError::NotJoined)?;
    let row = l.store().members()?.into_iter().find(|m| m.record.id == me);
    Ok(MemberInfo {
        id: me.to_string(),
        name: row.as_ref().map(|r| r.record.name.clone()).unwrap_or_default(),
        role: row.map(|r| role_code(r.record.role)),
    })
}

fn village_info(v: taizhang_domain::Village) -> VillageInfo {
    VillageInfo { name: v.name, county: v.county, township: v.township }
}
