//! The Taizhang field app (Tauri 2) as a library: one window over `taizhang-app-core`, the same
//! code on the desktop (`main.rs` calls [`run`]) and on phones (Android / iOS enter through the
//! mobile entry point). Every command below is a one-line adapter; the store lives in the app
//! data directory (env `TAIZHANG_STORE` overrides it), the server address can be forced with env
//! `TAIZHANG_SERVER`, and a background task syncs whenever the server becomes reachable with
//! changes waiting. Location is optional evidence: the window may ask the system for it (the
//! webview's geolocation on the desktop, the geolocation plugin on phones) and a check-in never
//! waits for it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use taizhang_app_core::contract::*;
use taizhang_app_core::{system_clock, AppCore, AutoSync, PinKdf};
use tauri::webview::{PermissionKind, PermissionResponse};
use tauri::{Manager, State, WebviewWindowBuilder};

type Core<'a> = State<'a, Arc<AppCore>>;
type Answer<T> = Result<T, CommandError>;

#[tauri::command]
async fn setup_status(core: Core<'_>) -> Answer<SetupStatus> {
    Ok(core.setup_status().await?)
}
#[tauri::command]
async fn join(core: Core<'_>, req: JoinRequest) -> Answer<JoinResult> {
    Ok(core.join(req).await?)
}
#[tauri::command]
async fn save_settings(core: Core<'_>, req: Settings) -> Answer<SetupStatus> {
    Ok(core.save_settings(req).await?)
}
#[tauri::command]
async fn today(core: Core<'_>) -> Answer<TodayView> {
    Ok(core.today().await?)
}
#[tauri::command]
async fn check_in(core: Core<'_>, req: CheckInRequest) -> Answer<CheckInItem> {
    Ok(core.check_in(req).await?)
}
#[tauri::command]
async fn households(core: Core<'_>, req: HouseholdFilter) -> Answer<HouseholdList> {
    Ok(core.households(req).await?)
}
#[tauri::command]
async fn household(core: Core<'_>, req: String) -> Answer<HouseholdDetail> {
    Ok(core.household(req).await?)
}
#[tauri::command]
async fn save_household(core: Core<'_>, req: HouseholdInput) -> Answer<HouseholdDetail> {
    Ok(core.save_household(req).await?)
}
#[tauri::command]
async fn household_choices(core: Core<'_>) -> Answer<HouseholdChoices> {
    Ok(core.household_choices().await?)
}
#[tauri::command]
async fn save_family_member(core: Core<'_>, req: FamilyMemberInput) -> Answer<HouseholdDetail> {
    Ok(core.save_family_member(req).await?)
}
#[tauri::command]
async fn keep_value(core: Core<'_>, req: KeepValueRequest) -> Answer<HouseholdDetail> {
    Ok(core.keep_value(req).await?)
}
#[tauri::command]
async fn conflicts(core: Core<'_>) -> Answer<ConflictList> {
    Ok(core.conflicts().await?)
}
#[tauri::command]
async fn keep_record_value(core: Core<'_>, req: KeepRecordValueRequest) -> Answer<ConflictList> {
    Ok(core.keep_record_value(req).await?)
}
#[tauri::command]
async fn draft(core: Core<'_>, req: String) -> Answer<DraftView> {
    Ok(core.draft(req).await?)
}
#[tauri::command]
async fn save_draft(core: Core<'_>, req: DraftInput) -> Answer<DraftView> {
    Ok(core.save_draft(req).await?)
}
#[tauri::command]
async fn record_visit(core: Core<'_>, req: VisitInput) -> Answer<VisitItem> {
    Ok(core.record_visit(req).await?)
}
#[tauri::command]
async fn close_follow_up(core: Core<'_>, req: CloseFollowUpRequest) -> Answer<FollowUpItem> {
    Ok(core.close_follow_up(req).await?)
}
#[tauri::command]
async fn village_ledger(core: Core<'_>) -> Answer<VillageLedgerView> {
    Ok(core.village_ledger().await?)
}
#[tauri::command]
async fn record_meeting(core: Core<'_>, req: MeetingInput) -> Answer<MeetingItem> {
    Ok(core.record_meeting(req).await?)
}
#[tauri::command]
async fn add_project(core: Core<'_>, req: ProjectInput) -> Answer<ProjectItem> {
    Ok(core.add_project(req).await?)
}
#[tauri::command]
async fn village_situation(core: Core<'_>, req: YearQuery) -> Answer<SituationView> {
    Ok(core.village_situation(req).await?)
}
#[tauri::command]
async fn save_situation(core: Core<'_>, req: SituationInput) -> Answer<SituationView> {
    Ok(core.save_situation(req).await?)
}
#[tauri::command]
async fn plans(core: Core<'_>, req: YearQuery) -> Answer<PlansView> {
    Ok(core.plans(req).await?)
}
#[tauri::command]
async fn save_plan_item(core: Core<'_>, req: PlanInput) -> Answer<PlansView> {
    Ok(core.save_plan_item(req).await?)
}
#[tauri::command]
async fn add_progress(core: Core<'_>, req: ProgressInput) -> Answer<ProjectItem> {
    Ok(core.add_progress(req).await?)
}
#[tauri::command]
async fn close_project(core: Core<'_>, req: CloseProjectRequest) -> Answer<ProjectItem> {
    Ok(core.close_project(req).await?)
}
#[tauri::command]
async fn answer_finding(core: Core<'_>, req: AnswerFindingRequest) -> Answer<FindingItem> {
    Ok(core.answer_finding(req).await?)
}
#[tauri::command]
async fn diary(core: Core<'_>, req: MonthQuery) -> Answer<DiaryView> {
    Ok(core.diary(req).await?)
}
#[tauri::command]
async fn write_diary(core: Core<'_>, req: DiaryInput) -> Answer<DiaryItem> {
    Ok(core.write_diary(req).await?)
}
#[tauri::command]
async fn month_gaps(core: Core<'_>, req: MonthGapsRequest) -> Answer<MonthGaps> {
    Ok(core.month_gaps(req).await?)
}
#[tauri::command]
async fn file_month(core: Core<'_>, req: FileMonthRequest) -> Answer<MonthGaps> {
    Ok(core.file_month(req).await?)
}
#[tauri::command]
async fn submit_month(core: Core<'_>, req: SubmitMonthRequest) -> Answer<MonthGaps> {
    Ok(core.submit_month(req).await?)
}
#[tauri::command]
async fn save_report(core: Core<'_>, req: SaveReportRequest) -> Answer<ReportItem> {
    Ok(core.save_report(req).await?)
}
#[tauri::command]
async fn team(core: Core<'_>, req: MonthQuery) -> Answer<TeamView> {
    Ok(core.team(req).await?)
}
#[tauri::command]
async fn request_leave(core: Core<'_>, req: LeaveInput) -> Answer<LeaveItem> {
    Ok(core.request_leave(req).await?)
}
#[tauri::command]
async fn decide_leave(core: Core<'_>, req: DecideLeaveRequest) -> Answer<LeaveItem> {
    Ok(core.decide_leave(req).await?)
}
#[tauri::command]
async fn withdraw_refused(core: Core<'_>, req: RefusedDoc) -> Answer<SyncStatus> {
    Ok(core.withdraw_refused(req).await?)
}

#[tauri::command]
async fn withdraw_leave(core: Core<'_>, req: LeaveRef) -> Answer<LeaveItem> {
    Ok(core.withdraw_leave(req).await?)
}
#[tauri::command]
async fn report_back(core: Core<'_>, req: ReportBackRequest) -> Answer<LeaveItem> {
    Ok(core.report_back(req).await?)
}
#[tauri::command]
async fn month_scores(core: Core<'_>, req: MonthQuery) -> Answer<MonthScores> {
    Ok(core.month_scores(req).await?)
}
#[tauri::command]
async fn save_score_sheet(core: Core<'_>, req: SaveScoreSheetRequest) -> Answer<ScoreSheetView> {
    Ok(core.save_score_sheet(req).await?)
}
#[tauri::command]
async fn sync_status(core: Core<'_>) -> Answer<SyncStatus> {
    Ok(core.sync_status().await?)
}
#[tauri::command]
async fn sync_now(core: Core<'_>) -> Answer<SyncSummary> {
    let summary = core.sync_now().await?;
    // The files travel after the records, on their own requests (issue 19).
    spawn_transfer(core.inner().clone());
    Ok(summary)
}
#[tauri::command]
async fn attach_file(core: Core<'_>, req: AttachRequest) -> Answer<AttachmentItem> {
    Ok(core.attach_file(req).await?)
}
#[tauri::command]
async fn attachments_for(core: Core<'_>, req: AttachmentsQuery) -> Answer<AttachmentList> {
    Ok(core.attachments_for(req).await?)
}
#[tauri::command]
async fn attachment_thumb(core: Core<'_>, req: AttachmentRef) -> Answer<AttachmentData> {
    Ok(core.attachment_thumb(req).await?)
}
#[tauri::command]
async fn attachment_full(core: Core<'_>, req: AttachmentRef) -> Answer<AttachmentData> {
    Ok(core.attachment_full(req).await?)
}
#[tauri::command]
async fn transfer_attachments(core: Core<'_>) -> Answer<TransferSummary> {
    Ok(core.transfer_attachments().await?)
}
#[tauri::command]
async fn add_attachments(core: Core<'_>, req: AddAttachmentsRequest) -> Answer<AttachmentList> {
    Ok(core.add_attachments(req).await?)
}
#[tauri::command]
async fn remove_attachment(core: Core<'_>, req: RemoveAttachmentRequest) -> Answer<AttachmentList> {
    Ok(core.remove_attachment(req).await?)
}
#[tauri::command]
async fn follow_up_to_project(core: Core<'_>, req: FollowUpToProjectRequest) -> Answer<ProjectItem> {
    Ok(core.follow_up_to_project(req).await?)
}
#[tauri::command]
async fn join_project(core: Core<'_>, req: JoinProjectRequest) -> Answer<ProjectItem> {
    Ok(core.join_project(req).await?)
}

/// Sends the files waiting and fetches teammates' thumbnails in the background (issue 19); a
/// cut is logged and the next sync goes on from the server's status.
fn spawn_transfer(core: Arc<AppCore>) {
    tauri::async_runtime::spawn(async move {
        match core.transfer_attachments().await {
            Ok(t) => tracing::info!(uploaded = t.uploaded, chunks = t.chunks, thumbs = t.thumbs, "files sent"),
            Err(e) => tracing::warn!("sending files stopped: {e}"),
        }
    });
}
#[tauri::command]
fn lock_status(core: Core<'_>) -> LockStatus {
    core.lock_status()
}
#[tauri::command]
async fn set_pin(core: Core<'_>, req: SetPinRequest) -> Answer<LockStatus> {
    Ok(core.set_pin(req).await?)
}
#[tauri::command]
async fn unlock(core: Core<'_>, req: String) -> Answer<LockStatus> {
    Ok(core.unlock(req).await?)
}
#[tauri::command]
fn app_touch(core: Core<'_>) -> LockStatus {
    core.app_touch()
}
#[tauri::command]
fn read_join_image(core: Core<'_>, req: JoinImage) -> Answer<JoinLink> {
    Ok(core.read_join_image(req)?)
}
#[tauri::command]
async fn nearby_status(core: Core<'_>) -> Answer<NearbyStatus> {
    Ok(core.nearby_status().await?)
}
#[tauri::command]
async fn nearby_offer(core: Core<'_>) -> Answer<NearbyStatus> {
    Ok(core.nearby_offer().await?)
}
#[tauri::command]
async fn nearby_stop(core: Core<'_>) -> Answer<NearbyStatus> {
    Ok(core.nearby_stop().await?)
}
#[tauri::command]
async fn nearby_join(core: Core<'_>, req: NearbyJoin) -> Answer<NearbyExchange> {
    Ok(core.nearby_join(req).await?)
}
#[tauri::command]
fn ui_mark(core: Core<'_>, req: UiMark) -> UiMarkEcho {
    core.ui_mark(req)
}

/// How often the background task looks for a reachable server (env `TAIZHANG_AUTO_SYNC_SECS`,
/// 0 turns it off).
fn auto_sync_every() -> Option<Duration> {
    let secs = std::env::var("TAIZHANG_AUTO_SYNC_SECS").ok().and_then(|s| s.parse::<u64>().ok()).unwrap_or(20);
    (secs > 0).then(|| Duration::from_secs(secs))
}

/// Runs the app: the desktop `main` and the phones' entry point both come here. A failure to
/// start is printed and ends the process with status 1 (there is nobody to return it to).
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    if let Err(e) = try_run() {
        eprintln!("taizhang-app: {e:#}");
        std::process::exit(1);
    }
}

/// Whether the webview may have what it asks for: the location (optional evidence on check-ins
/// and visits; WebKitGTK refuses it when nobody answers) and nothing else.
fn permission_answer(kind: PermissionKind) -> PermissionResponse {
    match kind {
        PermissionKind::Geolocation => PermissionResponse::Allow,
        _ => PermissionResponse::Default,
    }
}

/// Opens the main window from its configuration (`create: false` in tauri.conf.json), with the
/// permission answer above.
fn open_main_window(app: &tauri::App) -> anyhow::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .context("tauri.conf.json has no window labelled main")?
        .clone();
    WebviewWindowBuilder::from_config(app.handle(), &config)
        .context("reading the main window's configuration")?
        .on_permission_request(|_webview, kind| permission_answer(kind))
        .build()
        .context("opening the main window")?;
    Ok(())
}

fn try_run() -> anyhow::Result<()> {
    let started = Instant::now();
    // A second init (a phone re-entering the library) keeps the first subscriber.
    let _ = tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).try_init();
    let builder = tauri::Builder::default();
    // Phones: the system's location (the webview's own is not reliable there) and the camera for
    // the enrollment QR code. Desktop builds do not link either plugin.
    #[cfg(mobile)]
    let builder = builder.plugin(tauri_plugin_geolocation::init()).plugin(tauri_plugin_barcode_scanner::init());
    builder
        .setup(move |app| {
            let data = app.path().app_data_dir().context("no app data directory on this system")?;
            let store =
                std::env::var_os("TAIZHANG_STORE").map(PathBuf::from).unwrap_or_else(|| data.join("taizhang.sqlite3"));
            let settings = store.with_extension("settings.json");
            let server = std::env::var("TAIZHANG_SERVER").ok();
            // The store's key from the platform's keystore (issue 21; a plain store there is
            // encrypted in place at this open); without one, from the PIN the lock screen asks.
            let keystore = taizhang_app_core::platform_store_key(&store);
            let core = AppCore::open_locked(store, settings, server.as_deref(), system_clock(), keystore, PinKdf::new)
                .context("opening the ledger")?
                .with_start(started, std::env::var("TAIZHANG_START_SCREEN").ok());
            let core = Arc::new(core);
            app.manage(core.clone());
            // After the core is managed: the page's first command must find it.
            open_main_window(app)?;
            if let Some(every) = auto_sync_every() {
                tauri::async_runtime::spawn(async move {
                    loop {
                        tokio::time::sleep(every).await;
                        match core.auto_sync_tick().await {
                            AutoSync::Synced(s) => {
                                tracing::info!(pushed = s.changes_pushed, "background sync done");
                                spawn_transfer(core.clone());
                            }
                            AutoSync::Failed(e) => {
                                tracing::warn!(code = ?e.code, "background sync failed: {}", e.message)
                            }
                            // No record waits, but a photo does (a cut upload): it goes on.
                            AutoSync::NothingToDo if core.attachments_waiting().await.is_ok_and(|n| n > 0) => {
                                spawn_transfer(core.clone());
                            }
                            _ => {}
                        }
                    }
                });
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            setup_status,
            join,
            save_settings,
            today,
            check_in,
            households,
            household,
            save_household,
            household_choices,
            save_family_member,
            keep_value,
            conflicts,
            keep_record_value,
            draft,
            save_draft,
            record_visit,
            close_follow_up,
            answer_finding,
            diary,
            write_diary,
            month_gaps,
            file_month,
            submit_month,
            save_report,
            team,
            request_leave,
            decide_leave,
            withdraw_leave,
            withdraw_refused,
            report_back,
            month_scores,
            save_score_sheet,
            sync_status,
            sync_now,
            ui_mark,
            lock_status,
            set_pin,
            unlock,
            app_touch,
            read_join_image,
            nearby_status,
            nearby_offer,
            nearby_stop,
            nearby_join,
            village_ledger,
            record_meeting,
            add_project,
            village_situation,
            save_situation,
            plans,
            save_plan_item,
            add_progress,
            close_project,
            attach_file,
            attachments_for,
            attachment_thumb,
            attachment_full,
            transfer_attachments,
            add_attachments,
            remove_attachment,
            follow_up_to_project,
            join_project
        ])
        .run(tauri::generate_context!())
        .context("running the window")?;
    Ok(())
}
