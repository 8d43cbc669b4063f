//! Every write to the local store, inside one IMMEDIATE transaction: document chunks, sync
//! bookkeeping and the materialised rows of the records an edit or a sync touched commit
//! together or not at all.

use rusqlite::{params, Transaction};
use taizhang_doc::Read;
use taizhang_domain::{
    local_date, CheckIn, DiaryEntry, FamilyMember, Finding, FollowUp, Household, LeaveRequest, Meeting, Member,
    MonthFiling, MonthScoreSheet, PlanItem, ProgressUpdate, Project, Village, VillageSituation, Visit, YearMonth,
};

use crate::codec::{causes_text, conflicts_json, date_text, gps_columns, heads_blob, items_json};
use crate::StoreError;

/// An open write transaction on the [`Store`](crate::Store). Dropped without
/// [`commit`](StoreTx::commit), everything it did is rolled back.
#[derive(Debug)]
pub struct StoreTx<'a> {
    pub(crate) tx: Transaction<'a>,
}

impl StoreTx<'_> {
    /// Appends a chunk (an incremental save or a received batch of changes) to `doc`.
    /// Returns how many chunks `doc` now has: compact at [`crate::COMPACT_AFTER_CHUNKS`].
    pub fn append_chunk(&self, doc: &str, bytes: &[u8]) -> Result<usize, StoreError> {
        self.tx.execute("INSERT INTO doc_chunks (doc, bytes) VALUES (?1, ?2)", params![doc, bytes])?;
        let n: i64 = self.tx.query_row("SELECT count(*) FROM doc_chunks WHERE doc = ?1", [doc], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Compaction: deletes every chunk of `doc` and stores `snapshot` as its only chunk.
    pub fn replace_chunks(&self, doc: &str, snapshot: &[u8]) -> Result<(), StoreError> {
        self.tx.execute("DELETE FROM doc_chunks WHERE doc = ?1", [doc])?;
        self.tx.execute("INSERT INTO doc_chunks (doc, bytes) VALUES (?1, ?2)", params![doc, snapshot])?;
        Ok(())
    }

    /// Records the heads of `doc` the server has confirmed holding.
    pub fn set_confirmed_heads(&self, doc: &str, heads: &[[u8; 32]]) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO sync_docs (doc, confirmed_heads) VALUES (?1, ?2)
             ON CONFLICT(doc) DO UPDATE SET confirmed_heads = excluded.confirmed_heads",
            params![doc, heads_blob(heads)],
        )?;
        Ok(())
    }

    /// Marks a document as having (or no longer having) changes waiting to be sent.
    pub fn set_dirty(&self, doc: &str, dirty: bool) -> Result<(), StoreError> {
        if dirty {
            self.tx.execute("INSERT OR IGNORE INTO pending_docs (doc) VALUES (?1)", [doc])?;
        } else {
            self.tx.execute("DELETE FROM pending_docs WHERE doc = ?1", [doc])?;
        }
        Ok(())
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    pub fn remove_meta(&self, key: &str) -> Result<(), StoreError> {
        self.tx.execute("DELETE FROM meta WHERE key = ?1", [key])?;
        Ok(())
    }

    /// Materialises the village (there is one per store).
    pub fn put_village(&self, v: &Village) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT OR REPLACE INTO village (singleton, id, name, county, township, lat, lon, radius_m)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                v.id.to_string(),
                v.name,
                v.county,
                v.township,
                v.geofence.centre.lat,
                v.geofence.centre.lon,
                v.geofence.radius_m
            ],
        )?;
        Ok(())
    }

    pub fn put_member(&self, doc: &str, r: &Read<Member>) -> Result<(), StoreError> {
        let m = &r.record;
        self.tx.execute(
            "INSERT OR REPLACE INTO members (id, name, role, helping_unit, term_start, term_end, conflicts, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                m.id.to_string(),
                m.name,
                m.role.code(),
                m.helping_unit,
                date_text(m.term_start),
                m.term_end.map(date_text),
                conflicts_json(&r.conflicts)?,
                doc
            ],
        )?;
        Ok(())
    }

    pub fn put_household(&self, doc: &str, r: &Read<Household>) -> Result<(), StoreError> {
        let h = &r.record;
        let details = serde_json::to_string(&h.details).map_err(|e| StoreError::corrupt("household details", e))?;
        let key = crate::search_key(&[&h.head, &h.grid, &h.details.door_number, &h.details.phone]);
        self.tx.execute(
            "INSERT OR REPLACE INTO households
                 (id, head, members_count, grp, grid, status, causes, helper, plan, income_yuan, conflicts, doc,
                  details, search_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                h.id.to_string(),
                h.head,
                h.members_count,
                h.group,
                h.grid,
                h.status.code(),
                causes_text(&h.causes),
                h.helper.map(|m| m.to_string()),
                h.plan,
                h.income_yuan,
                conflicts_json(&r.conflicts)?,
                doc,
                details,
                key
            ],
        )?;
        Ok(())
    }

    /// A person of a household's roster (家庭成员).
    pub fn put_family_member(&self, doc: &str, r: &Read<FamilyMember>) -> Result<(), StoreError> {
        let p = &r.record;
        let record = serde_json::to_string(p).map_err(|e| StoreError::corrupt("family member", e))?;
        self.tx.execute(
            "INSERT OR REPLACE INTO family_members (id, household, name, record, search_key, conflicts, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                p.id.to_string(),
                p.household.to_string(),
                p.name,
                record,
                crate::search_key(&[&p.name]),
                conflicts_json(&r.conflicts)?,
                doc
            ],
        )?;
        Ok(())
    }

    /// An inspection finding and the team's answer (整改, issue 16).
    pub fn put_finding(&self, doc: &str, r: &Read<Finding>) -> Result<(), StoreError> {
        let f = &r.record;
        let record = serde_json::to_string(f).map_err(|e| StoreError::corrupt("finding", e))?;
        self.tx.execute(
            "INSERT OR REPLACE INTO findings (id, household, member, found_at, answered, record, conflicts, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                f.id.to_string(),
                f.household.map(|h| h.to_string()),
                f.member.map(|m| m.to_string()),
                f.found_at,
                // `answered` means "nothing for the team to do": an answer the officer
                // returned (已退回) puts the finding back on the to-answer list.
                !f.needs_answer(),
                record,
                conflicts_json(&r.conflicts)?,
                doc
            ],
        )?;
        Ok(())
    }

    /// A follow-up item (承诺事项, issue 16).
    pub fn put_follow_up(&self, doc: &str, r: &Read<FollowUp>) -> Result<(), StoreError> {
        let f = &r.record;
        let record = serde_json::to_string(f).map_err(|e| StoreError::corrupt("follow-up item", e))?;
        self.tx.execute(
            "INSERT OR REPLACE INTO follow_ups (id, household, owner, due, done, record, conflicts, doc, project)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                f.id.to_string(),
                f.household.to_string(),
                f.owner.to_string(),
                f.due.map(date_text),
                f.is_done(),
                record,
                conflicts_json(&r.conflicts)?,
                doc,
                f.project.map(|p| p.to_string())
            ],
        )?;
        Ok(())
    }

    /// A meeting or activity of the village ledger (会议 / 活动, issue 22).
    pub fn put_meeting(&self, doc: &str, r: &Read<Meeting>) -> Result<(), StoreError> {
        let m = &r.record;
        let record = serde_json::to_string(m).map_err(|e| StoreError::corrupt("meeting", e))?;
        self.tx.execute(
            "INSERT OR REPLACE INTO meetings (id, date, kind, record, conflicts, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![m.id.to_string(), date_text(m.date), m.kind.code(), record, conflicts_json(&r.conflicts)?, doc],
        )?;
        Ok(())
    }

    /// A year's village situation (村情, issue 22).
    pub fn put_situation(&self, doc: &str, r: &Read<VillageSituation>) -> Result<(), StoreError> {
        let x = &r.record;
        let record = serde_json::to_string(x).map_err(|e| StoreError::corrupt("village situation", e))?;
        self.tx.execute(
            "INSERT OR REPLACE INTO village_situations (year, record, conflicts, doc) VALUES (?1, ?2, ?3, ?4)",
            params![x.year, record, conflicts_json(&r.conflicts)?, doc],
        )?;
        Ok(())
    }

    /// A goal, plan item or responsibility letter (issue 22).
    pub fn put_plan_item(&self, doc: &str, r: &Read<PlanItem>) -> Result<(), StoreError> {
        let p = &r.record;
        let record = serde_json::to_string(p).map_err(|e| StoreError::corrupt("plan item", e))?;
        self.tx.execute(
            "INSERT OR REPLACE INTO plan_items (id, kind, year, state, due, record, conflicts, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                p.id.to_string(),
                p.kind.code(),
                p.year,
                p.state.code(),
                p.due.map(date_text),
                record,
                conflicts_json(&r.conflicts)?,
                doc
            ],
        )?;
        Ok(())
    }

    /// A project of the village ledger (项目, issue 22).
    pub fn put_project(&self, doc: &str, r: &Read<Project>) -> Result<(), StoreError> {
        let p = &r.record;
        let record = serde_json::to_string(p).map_err(|e| StoreError::corrupt("project", e))?;
        self.tx.execute(
            "INSERT OR REPLACE INTO projects (id, kind, state, closed_on, record, conflicts, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                p.id.to_string(),
                p.kind.code(),
                p.state.code(),
                p.closed_on.map(date_text),
                record,
                conflicts_json(&r.conflicts)?,
                doc
            ],
        )?;
        Ok(())
    }

    /// A progress update of a project (项目进展, issue 22).
    pub fn put_progress(&self, doc: &str, r: &Read<ProgressUpdate>) -> Result<(), StoreError> {
        let u = &r.record;
        let record = serde_json::to_string(u).map_err(|e| StoreError::corrupt("progress update", e))?;
        self.tx.execute(
            "INSERT OR REPLACE INTO project_progress (id, project, day, record, conflicts, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                u.id.to_string(),
                u.project.to_string(),
                date_text(u.day),
                record,
                conflicts_json(&r.conflicts)?,
                doc
            ],
        )?;
        Ok(())
    }

    pub fn put_visit(&self, doc: &str, r: &Read<Visit>) -> Result<(), StoreError> {
        let v = &r.record;
        let (lat, lon, acc) = gps_columns(&v.location);
        self.tx.execute(
            "INSERT OR REPLACE INTO visits
                 (id, household, member, at, lat, lon, accuracy_m, findings, needs, follow_up, conflicts, doc, amends,
                  attachments)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                v.id.to_string(),
                v.household.to_string(),
                v.member.to_string(),
                v.at,
                lat,
                lon,
                acc,
                v.findings,
                v.needs,
                v.follow_up,
                conflicts_json(&r.conflicts)?,
                doc,
                v.amends.map(|a| a.to_string()),
                v.attachments.join(" ")
            ],
        )?;
        Ok(())
    }

    pub fn put_diary(&self, doc: &str, r: &Read<DiaryEntry>) -> Result<(), StoreError> {
        let d = &r.record;
        self.tx.execute(
            "INSERT OR REPLACE INTO diary_entries
                 (id, member, date, month, text, amends, written_at, conflicts, doc, attachments)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                d.id.to_string(),
                d.member.to_string(),
                date_text(d.date),
                YearMonth::of(d.date).to_string(),
                d.text,
                d.amends.map(|a| a.to_string()),
                d.written_at,
                conflicts_json(&r.conflicts)?,
                doc,
                d.attachments.join(" ")
            ],
        )?;
        Ok(())
    }

    pub fn put_check_in(&self, doc: &str, r: &Read<CheckIn>) -> Result<(), StoreError> {
        let c = &r.record;
        let (lat, lon, acc) = gps_columns(&c.location);
        self.tx.execute(
            "INSERT OR REPLACE INTO check_ins
                 (id, member, at, local_date, kind, lat, lon, accuracy_m, in_geofence, conflicts, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                c.id.to_string(),
                c.member.to_string(),
                c.at,
                date_text(local_date(c.at)),
                c.kind.code(),
                lat,
                lon,
                acc,
                c.in_geofence,
                conflicts_json(&r.conflicts)?,
                doc
            ],
        )?;
        Ok(())
    }

    pub fn put_leave(&self, doc: &str, r: &Read<LeaveRequest>) -> Result<(), StoreError> {
        let l = &r.record;
        self.tx.execute(
            "INSERT OR REPLACE INTO leave_requests
                 (id, member, from_date, to_date, reason, state, decided_by, kind, returned_on, conflicts, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                l.id.to_string(),
                l.member.to_string(),
                date_text(l.from),
                date_text(l.to),
                l.reason,
                l.state.code(),
                l.decided_by.map(|m| m.to_string()),
                l.kind.code(),
                l.returned_on.map(date_text),
                conflicts_json(&r.conflicts)?,
                doc
            ],
        )?;
        Ok(())
    }

    pub fn put_filing(&self, doc: &str, f: &MonthFiling) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT OR REPLACE INTO filings (member, month, filed_by, filed_at, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![f.member.to_string(), f.month.to_string(), f.filed_by.to_string(), f.filed_at, doc],
        )?;
        Ok(())
    }

    /// Materialises a member's monthly score sheet (scheme B, 月度考核).
    pub fn put_score_sheet(&self, doc: &str, r: &Read<MonthScoreSheet>) -> Result<(), StoreError> {
        let s = &r.record;
        self.tx.execute(
            "INSERT OR REPLACE INTO score_sheets
                 (member, month, items, note, scored_by, scored_at, state, checked_by, checked_at, check_note,
                  audited_by, audited_at, audit_points, audit_note, conflicts, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                s.member.to_string(),
                s.month.to_string(),
                items_json(&s.items)?,
                s.note,
                s.scored_by.to_string(),
                s.scored_at,
                s.state.code(),
                s.checked_by.map(|u| u.to_string()),
                s.checked_at,
                s.check_note,
                s.audited_by.map(|u| u.to_string()),
                s.audited_at,
                s.audit_points,
                s.audit_note,
                conflicts_json(&r.conflicts)?,
                doc
            ],
        )?;
        Ok(())
    }

    /// Deletes the materialised row of the record at root key `key` (`household/<uuid>`,
    /// `filing/<YYYY-MM>-<member uuid>`, `village/info`, ...) of document `doc`, used when the
    /// key vanished from the document. Only a row materialised from that same `doc` is
    /// deleted, so a copy of the record read from another document survives. Keys of kinds
    /// this version does not materialise are ignored.
    pub fn remove_record(&self, doc: &str, key: &str) -> Result<(), StoreError> {
        let Some((prefix, rest)) = key.split_once('/') else {
            return Ok(());
        };
        let table = match prefix {
            "village" => {
                self.tx.execute("DELETE FROM village", [])?;
                return Ok(());
            }
            "filing" => {
                // `YYYY-MM-<uuid>`
                if let (Some(month), Some(member)) = (rest.get(..7), rest.get(8..)) {
                    self.tx.execute(
                        "DELETE FROM filings WHERE member = ?1 AND month = ?2 AND doc = ?3",
                        params![member, month, doc],
                    )?;
                }
                return Ok(());
            }
            "score" => {
                // `YYYY-MM-<uuid>`
                if let (Some(month), Some(member)) = (rest.get(..7), rest.get(8..)) {
                    self.tx.execute(
                        "DELETE FROM score_sheets WHERE member = ?1 AND month = ?2 AND doc = ?3",
                        params![member, month, doc],
                    )?;
                }
                return Ok(());
            }
            "member" => "members",
            "household" => "households",
            "person" => "family_members",
            "followup" => "follow_ups",
            "finding" => "findings",
            "meeting" => "meetings",
            "project" => "projects",
            "progress" => "project_progress",
            "plan" => "plan_items",
            "situation" => {
                self.tx.execute("DELETE FROM village_situations WHERE year = ?1 AND doc = ?2", params![rest, doc])?;
                return Ok(());
            }
            "visit" => "visits",
            "diary" => "diary_entries",
            "checkin" => "check_ins",
            "leave" => "leave_requests",
            _ => return Ok(()),
        };
        self.tx.execute(&format!("DELETE FROM {table} WHERE id = ?1 AND doc = ?2"), params![rest, doc])?;
        Ok(())
    }

    /// Makes everything this transaction did durable (fsync'd: `synchronous=FULL`).
    pub fn commit(self) -> Result<(), StoreError> {
        self.tx.commit()?;
        Ok(())
    }
}
