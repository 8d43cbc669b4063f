//! Drafts of the app's forms (issue 16): what a form holds, kept on disk as it is typed so it
//! survives the app being killed, one per form, removed when the form is saved. Local only:
//! a draft is not a record and never syncs.

use rusqlite::OptionalExtension;

use crate::{Store, StoreError};

/// The longest draft kept (characters of the window's JSON): far above any form.
pub const MAX_DRAFT_CHARS: usize = 64 * 1024;

impl Store {
    /// The draft of `form` and when it was last kept, if there is one.
    pub fn draft(&self, form: &str) -> Result<Option<(String, i64)>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT body, saved_at FROM drafts WHERE form = ?1", [form], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// Keeps `body` as the draft of `form` (replacing the previous one); an empty body removes
    /// it. One statement, so a kill leaves the old draft or the new one.
    pub fn put_draft(&self, form: &str, body: &str, at: i64) -> Result<(), StoreError> {
        if body.is_empty() {
            return self.clear_draft(form);
        }
        self.conn.execute(
            "INSERT INTO drafts (form, body, saved_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(form) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at",
            rusqlite::params![form, body, at],
        )?;
        Ok(())
    }

    /// Removes the draft of `form` (the form was saved or thrown away).
    pub fn clear_draft(&self, form: &str) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM drafts WHERE form = ?1", [form])?;
        Ok(())
    }
}
