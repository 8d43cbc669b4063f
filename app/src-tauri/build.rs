//! Generates Tauri's context at compile time and declares the app's commands, so each one
//! gets an `allow-<command>` permission and the window may call only those its capability lists.
const COMMANDS: &[&str] = &[
    "setup_status",
    "join",
    "save_settings",
    "today",
    "check_in",
    "households",
    "household",
    "save_household",
    "household_choices",
    "save_family_member",
    "keep_value",
    "draft",
    "save_draft",
    "record_visit",
    "diary",
    "write_diary",
    "month_gaps",
    "file_month",
    "submit_month",
    "save_report",
    "team",
    "request_leave",
    "decide_leave",
    "withdraw_leave",
    "withdraw_refused",
    "report_back",
    "month_scores",
    "save_score_sheet",
    "sync_status",
    "sync_now",
    "ui_mark",
    "close_follow_up",
    "answer_finding",
    "lock_status",
    "set_pin",
    "unlock",
    "app_touch",
    "read_join_image",
    "nearby_status",
    "nearby_offer",
    "nearby_stop",
    "nearby_join",
    "village_ledger",
    "record_meeting",
    "add_project",
    "add_progress",
    "close_project",
];

fn main() {
    let attrs = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attrs) {
        panic!("tauri build step failed: {e:#}");
    }
}
