//! Every command by name, JSON in and JSON out: the one entry of the web client's WebAssembly
//! core (`crates/taizhang-web`), so the browser runs exactly the command bodies the Tauri app
//! runs. The names and request/answer types are those of [`crate::contract::COMMANDS`] (a test
//! checks that every one is here); the Tauri app calls the methods directly instead.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::contract::CommandError;
use crate::{AppCore, AppError};

fn arg<T: DeserializeOwned>(name: &str, req: Value) -> Result<T, CommandError> {
    serde_json::from_value(req).map_err(|e| {
        AppError::Invalid { message: format!("the request of {name} could not be read: {e}"), field: None }.into()
    })
}

fn answer<T: Serialize>(r: Result<T, AppError>) -> Result<Value, CommandError> {
    let v = r?;
    serde_json::to_value(v).map_err(|e| AppError::Internal(format!("answer not serialisable: {e}")).into())
}

impl AppCore {
    /// Runs command `name` with its request (`null` for commands without one).
    pub async fn dispatch_json(&self, name: &str, req: Value) -> Result<Value, CommandError> {
        match name {
            "setup_status" => answer(self.setup_status().await),
            "join" => answer(self.join(arg(name, req)?).await),
            "save_settings" => answer(self.save_settings(arg(name, req)?).await),
            "today" => answer(self.today().await),
            "check_in" => answer(self.check_in(arg(name, req)?).await),
            "households" => answer(self.households(arg(name, req)?).await),
            "household" => answer(self.household(arg(name, req)?).await),
            "save_household" => answer(self.save_household(arg(name, req)?).await),
            "household_choices" => answer(self.household_choices().await),
            "save_family_member" => answer(self.save_family_member(arg(name, req)?).await),
            "keep_value" => answer(self.keep_value(arg(name, req)?).await),
            "conflicts" => answer(self.conflicts().await),
            "keep_record_value" => answer(self.keep_record_value(arg(name, req)?).await),
            "draft" => answer(self.draft(arg(name, req)?).await),
            "save_draft" => answer(self.save_draft(arg(name, req)?).await),
            "record_visit" => answer(self.record_visit(arg(name, req)?).await),
            "close_follow_up" => answer(self.close_follow_up(arg(name, req)?).await),
            "answer_finding" => answer(self.answer_finding(arg(name, req)?).await),
            "diary" => answer(self.diary(arg(name, req)?).await),
            "write_diary" => answer(self.write_diary(arg(name, req)?).await),
            "month_gaps" => answer(self.month_gaps(arg(name, req)?).await),
            "file_month" => answer(self.file_month(arg(name, req)?).await),
            "submit_month" => answer(self.submit_month(arg(name, req)?).await),
            "save_report" => answer(self.save_report(arg(name, req)?).await),
            "team" => answer(self.team(arg(name, req)?).await),
            "request_leave" => answer(self.request_leave(arg(name, req)?).await),
            "decide_leave" => answer(self.decide_leave(arg(name, req)?).await),
            "withdraw_leave" => answer(self.withdraw_leave(arg(name, req)?).await),
            "report_back" => answer(self.report_back(arg(name, req)?).await),
            "month_scores" => answer(self.month_scores(arg(name, req)?).await),
            "save_score_sheet" => answer(self.save_score_sheet(arg(name, req)?).await),
            "sync_status" => answer(self.sync_status().await),
            "sync_now" => answer(self.sync_now().await),
            "withdraw_refused" => answer(self.withdraw_refused(arg(name, req)?).await),
            "ui_mark" => answer(Ok(self.ui_mark(arg(name, req)?))),
            "lock_status" => answer(Ok(self.lock_status())),
            "set_pin" => answer(self.set_pin(arg(name, req)?).await),
            "unlock" => answer(self.unlock(arg(name, req)?).await),
            "app_touch" => answer(Ok(self.app_touch())),
            "read_join_image" => answer(self.read_join_image(arg(name, req)?)),
            "nearby_status" => answer(self.nearby_status().await),
            "nearby_offer" => answer(self.nearby_offer().await),
            "nearby_stop" => answer(self.nearby_stop().await),
            "nearby_join" => answer(self.nearby_join(arg(name, req)?).await),
            "village_ledger" => answer(self.village_ledger().await),
            "record_meeting" => answer(self.record_meeting(arg(name, req)?).await),
            "village_situation" => answer(self.village_situation(arg(name, req)?).await),
            "save_situation" => answer(self.save_situation(arg(name, req)?).await),
            "plans" => answer(self.plans(arg(name, req)?).await),
            "save_plan_item" => answer(self.save_plan_item(arg(name, req)?).await),
            "add_project" => answer(self.add_project(arg(name, req)?).await),
            "add_progress" => answer(self.add_progress(arg(name, req)?).await),
            "close_project" => answer(self.close_project(arg(name, req)?).await),
            "attach_file" => answer(self.attach_file(arg(name, req)?).await),
            "attachments_for" => answer(self.attachments_for(arg(name, req)?).await),
            "attachment_thumb" => answer(self.attachment_thumb(arg(name, req)?).await),
            "attachment_full" => answer(self.attachment_full(arg(name, req)?).await),
            "transfer_attachments" => answer(self.transfer_attachments().await),
            "add_attachments" => answer(self.add_attachments(arg(name, req)?).await),
            "remove_attachment" => answer(self.remove_attachment(arg(name, req)?).await),
            "follow_up_to_project" => answer(self.follow_up_to_project(arg(name, req)?).await),
            "join_project" => answer(self.join_project(arg(name, req)?).await),
            _ => Err(AppError::Invalid { message: format!("there is no command {name:?}"), field: None }.into()),
        }
    }
}
