//! Attachments this device holds or has heard of (issue 19, client schema 12): one row per
//! file, named by the SHA-256 of its bytes, with the record it belongs to, its optional EXIF
//! evidence and where its upload stands. The files themselves live beside the store
//! ([`attachments_dir`]: `<hash>` and `<hash>.thumb`), each written by [`write_durably`]
//! before the record that refers to it is saved. Local bookkeeping: never synced.

use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::OptionalExtension;

use crate::{Store, StoreError};

/// Where an attachment stands with the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadState {
    /// On this device, nothing acknowledged yet.
    Waiting,
    /// This many bytes acknowledged as durable by the server.
    Uploading { acked: u64 },
    /// The server stored the whole file at this time (UTC ms).
    Uploaded { received_at: i64 },
    /// A teammate's file: on the server, only (perhaps) its thumbnail here.
    Remote,
}

/// One attachment's row.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachmentRow {
    /// 64 lowercase hex digits.
    pub hash: String,
    /// `jpeg` / `png` / `webp` / `pdf`.
    pub kind: String,
    pub size: u64,
    /// `visit` / `diary` / `household` / `followup` / `progress` / `plan`.
    pub record_kind: String,
    /// `None` until the record it was attached to is saved.
    pub record_id: Option<String>,
    /// EXIF time as the camera wrote it.
    pub taken_at: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The person kept the place as evidence.
    pub keep_place: bool,
    pub state: UploadState,
    pub has_file: bool,
    pub has_thumb: bool,
    pub added_at: i64,
}

const COLS: &str = "hash, kind, size, record_kind, record_id, taken_at, lat, lon, keep_place, state, acked, \
     received_at, has_file, has_thumb, added_at";

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AttachmentRow> {
    let state: String = r.get(9)?;
    let acked: i64 = r.get(10)?;
    let received_at: Option<i64> = r.get(11)?;
    let state = match (state.as_str(), received_at) {
        ("uploaded", Some(at)) => UploadState::Uploaded { received_at: at },
        ("uploading", _) => UploadState::Uploading { acked: acked.max(0) as u64 },
        ("remote", _) => UploadState::Remote,
        _ => UploadState::Waiting,
    };
    Ok(AttachmentRow {
        hash: r.get(0)?,
        kind: r.get(1)?,
        size: r.get::<_, i64>(2)?.max(0) as u64,
        record_kind: r.get(3)?,
        record_id: r.get(4)?,
        taken_at: r.get(5)?,
        lat: r.get(6)?,
        lon: r.get(7)?,
        keep_place: r.get::<_, i64>(8)? != 0,
        state,
        has_file: r.get::<_, i64>(12)? != 0,
        has_thumb: r.get::<_, i64>(13)? != 0,
        added_at: r.get(14)?,
    })
}

/// The folder beside the store at `store_path` that holds its attachments' files.
pub fn attachments_dir(store_path: &Path) -> PathBuf {
    let name = store_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    store_path.with_file_name(format!("{name}.attachments"))
}

/// Writes `bytes` as `dir/name` so that a crash leaves either no file or the whole one: a
/// temporary name first, fsynced, renamed into place, then the folder fsynced (the rename
/// itself is durable). Creates `dir` when needed.
pub fn write_durably(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(name);
    let tmp = dir.join(format!("{name}.tmp"));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &path)?;
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(path)
}

impl Store {
    /// Adds (or, for a file already known, keeps) an attachment. A hash already known keeps its
    /// upload state: the same photo attached twice is one file.
    pub fn put_attachment(&self, a: &AttachmentRow) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO attachments (hash, kind, size, record_kind, record_id, taken_at, lat, lon, keep_place,
                                      state, acked, received_at, has_file, has_thumb, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'waiting', 0, NULL, ?10, ?11, ?12)
             ON CONFLICT(hash) DO UPDATE SET
                 has_file = MAX(has_file, excluded.has_file), has_thumb = MAX(has_thumb, excluded.has_thumb),
                 keep_place = excluded.keep_place,
                 state = CASE WHEN state = 'remote' AND excluded.has_file = 1 THEN 'waiting' ELSE state END",
            rusqlite::params![
                a.hash,
                a.kind,
                a.size as i64,
                a.record_kind,
                a.record_id,
                a.taken_at,
                a.lat,
                a.lon,
                a.keep_place as i64,
                a.has_file as i64,
                a.has_thumb as i64,
                a.added_at
            ],
        )?;
        Ok(())
    }

    /// Notes a teammate's file a record refers to (state `remote`, nothing on this device yet);
    /// a file already known is left as it is.
    pub fn note_remote_attachment(
        &self,
        hash: &str,
        record_kind: &str,
        record_id: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO attachments (hash, kind, size, record_kind, record_id, state, added_at)
             VALUES (?1, '', 0, ?2, ?3, 'remote', ?4)",
            rusqlite::params![hash, record_kind, record_id, at],
        )?;
        Ok(())
    }

    /// Every (record kind, record id, hash) a saved record refers to: what a sync brought from
    /// teammates is found here. Visits and diary entries keep their hashes in a column; a
    /// household (its details), a follow-up item, a progress update and a plan item in their
    /// JSON (schema 13), in the record's order.
    pub fn record_attachments(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT 'visit', id, attachments FROM visits WHERE attachments != ''
             UNION ALL SELECT 'diary', id, attachments FROM diary_entries WHERE attachments != ''
             UNION ALL SELECT 'household', h.id, group_concat(j.value, ' ')
                 FROM households h, json_each(h.details, '$.attachments') j GROUP BY h.id
             UNION ALL SELECT 'followup', f.id, group_concat(j.value, ' ')
                 FROM follow_ups f, json_each(f.record, '$.attachments') j GROUP BY f.id
             UNION ALL SELECT 'progress', p.id, group_concat(j.value, ' ')
                 FROM project_progress p, json_each(p.record, '$.attachments') j GROUP BY p.id
             UNION ALL SELECT 'plan', i.id, group_concat(j.value, ' ')
                 FROM plan_items i, json_each(i.record, '$.attachments') j GROUP BY i.id",
        )?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, id, hashes) = row?;
            out.extend(hashes.split_whitespace().map(|h| (kind.clone(), id.clone(), h.to_string())));
        }
        Ok(out)
    }

    /// Ties the attachments `hashes` to the record they were saved with (a file already tied to
    /// a record keeps that one: it is sent once whatever refers to it).
    pub fn bind_attachments(&self, hashes: &[String], record_kind: &str, record_id: &str) -> Result<(), StoreError> {
        for h in hashes {
            self.conn.execute(
                "UPDATE attachments SET record_kind = ?2, record_id = ?3 WHERE hash = ?1 AND record_id IS NULL",
                rusqlite::params![h, record_kind, record_id],
            )?;
        }
        Ok(())
    }

    /// Unties attachment `hash` from the record `record_kind` / `record_id` after the record
    /// let it go (issue 19: a photo removed from a saved record). Tied again to another record
    /// that still refers to it, if any; otherwise it is tied to none, so the transfer does not
    /// send it (the server collects what nothing refers to). Returns whether it is still tied.
    pub fn untie_attachment(&self, hash: &str, record_kind: &str, record_id: &str) -> Result<bool, StoreError> {
        let other = self
            .record_attachments()?
            .into_iter()
            .find(|(k, id, h)| h == hash && !(k == record_kind && id == record_id));
        let (kind, id) = match &other {
            Some((k, id, _)) => (Some(k.as_str()), Some(id.as_str())),
            None => (None, None),
        };
        self.conn.execute(
            "UPDATE attachments SET record_kind = COALESCE(?4, record_kind), record_id = ?5
              WHERE hash = ?1 AND record_kind = ?2 AND record_id = ?3",
            rusqlite::params![hash, record_kind, record_id, kind, id],
        )?;
        Ok(other.is_some())
    }

    /// Notes that the file `hash`, tied to no record any more (a photo taken off its record),
    /// was deleted from this device: no file, no thumbnail, and nothing acknowledged, so the
    /// same photo attached again later is sent again (the server may have collected it).
    /// Returns `false`, changing nothing, while a record still refers to it.
    pub fn forget_attachment_file(&self, hash: &str) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE attachments SET has_file = 0, has_thumb = 0, state = 'waiting', acked = 0, received_at = NULL
              WHERE hash = ?1 AND record_id IS NULL",
            [hash],
        )?;
        Ok(n > 0)
    }

    /// One attachment, if this device knows it.
    pub fn attachment(&self, hash: &str) -> Result<Option<AttachmentRow>, StoreError> {
        Ok(self
            .conn
            .query_row(&format!("SELECT {COLS} FROM attachments WHERE hash = ?1"), [hash], read_row)
            .optional()?)
    }

    /// The attachments of one record, oldest first.
    pub fn attachments_of(&self, record_kind: &str, record_id: &str) -> Result<Vec<AttachmentRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM attachments WHERE record_kind = ?1 AND record_id = ?2 ORDER BY added_at, hash"
        ))?;
        let rows = stmt.query_map([record_kind, record_id], read_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Files on this device, bound to a saved record, that the server does not hold whole yet
    /// (oldest first): what the transfer after a sync sends.
    pub fn attachments_to_upload(&self) -> Result<Vec<AttachmentRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM attachments WHERE state IN ('waiting', 'uploading') AND has_file = 1
               AND record_id IS NOT NULL ORDER BY added_at, hash"
        ))?;
        let rows = stmt.query_map([], read_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Teammates' files whose thumbnail this device lacks.
    pub fn thumbs_missing(&self) -> Result<Vec<AttachmentRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM attachments WHERE has_thumb = 0 AND record_id IS NOT NULL ORDER BY added_at, hash"
        ))?;
        let rows = stmt.query_map([], read_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Keeps where the upload of `hash` stands (each ack, so a killed app resumes from it).
    pub fn set_upload_state(&self, hash: &str, state: UploadState) -> Result<(), StoreError> {
        let (name, acked, at) = match state {
            UploadState::Waiting => ("waiting", 0i64, None),
            UploadState::Uploading { acked } => ("uploading", acked as i64, None),
            UploadState::Uploaded { received_at } => ("uploaded", 0, Some(received_at)),
            UploadState::Remote => ("remote", 0, None),
        };
        self.conn.execute(
            "UPDATE attachments SET state = ?2, acked = ?3, received_at = ?4 WHERE hash = ?1",
            rusqlite::params![hash, name, acked, at],
        )?;
        Ok(())
    }

    /// Keeps the kind of a teammate's file once the server said it (`jpeg`, `png`, `webp`,
    /// `pdf`); a kind already known stays.
    pub fn set_attachment_kind(&self, hash: &str, kind: &str) -> Result<(), StoreError> {
        self.conn
            .execute("UPDATE attachments SET kind = ?2 WHERE hash = ?1 AND kind = ''", rusqlite::params![hash, kind])?;
        Ok(())
    }

    /// The thumbnail (or the whole file) of `hash` is now on this device.
    pub fn set_attachment_present(&self, hash: &str, thumb: bool, file: bool) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE attachments SET has_thumb = MAX(has_thumb, ?2), has_file = MAX(has_file, ?3) WHERE hash = ?1",
            rusqlite::params![hash, thumb as i64, file as i64],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(hash: &str) -> AttachmentRow {
        AttachmentRow {
            hash: hash.into(),
            kind: "jpeg".into(),
            size: 1000,
            record_kind: "visit".into(),
            record_id: None,
            taken_at: Some("2026:03:01 10:00:00".into()),
            lat: Some(26.5),
            lon: Some(106.7),
            keep_place: false,
            state: UploadState::Waiting,
            has_file: true,
            has_thumb: true,
            added_at: 1,
        }
    }

    #[test]
    fn an_attachment_waits_until_bound_and_keeps_its_upload_state() {
        let s = Store::open_in_memory().expect("store");
        let h = "a".repeat(64);
        s.put_attachment(&row(&h)).expect("put");
        assert!(s.attachments_to_upload().expect("list").is_empty(), "not bound to a saved record yet");
        s.bind_attachments(std::slice::from_ref(&h), "visit", "v1").expect("bind");
        assert_eq!(s.attachments_to_upload().expect("list").len(), 1);
        s.set_upload_state(&h, UploadState::Uploading { acked: 32768 }).expect("state");
        // Attached again (the same photo): the upload state stays.
        s.put_attachment(&row(&h)).expect("again");
        let a = s.attachment(&h).expect("read").expect("there");
        assert_eq!(a.state, UploadState::Uploading { acked: 32768 });
        assert_eq!(a.record_id.as_deref(), Some("v1"));
        s.set_upload_state(&h, UploadState::Uploaded { received_at: 99 }).expect("done");
        assert!(s.attachments_to_upload().expect("list").is_empty());
        assert_eq!(s.attachments_of("visit", "v1").expect("of")[0].state, UploadState::Uploaded { received_at: 99 });
    }

    #[test]
    fn a_teammates_file_is_noted_remote_until_its_thumbnail_arrives() {
        let s = Store::open_in_memory().expect("store");
        let h = "b".repeat(64);
        s.note_remote_attachment(&h, "visit", "v2", 5).expect("note");
        assert_eq!(s.thumbs_missing().expect("missing").len(), 1);
        assert!(s.attachments_to_upload().expect("up").is_empty(), "not ours to send");
        s.set_attachment_present(&h, true, false).expect("thumb");
        assert!(s.thumbs_missing().expect("missing").is_empty());
        assert_eq!(s.attachment(&h).expect("read").expect("there").state, UploadState::Remote);
    }

    #[test]
    fn a_file_is_whole_or_absent() {
        let dir = tempfile::tempdir().expect("dir");
        let store = dir.path().join("ledger.db");
        let files = attachments_dir(&store);
        let p = write_durably(&files, "abc", b"hello").expect("write");
        assert_eq!(std::fs::read(&p).expect("read"), b"hello");
        assert!(!files.join("abc.tmp").exists(), "the temporary name is gone");
        assert_eq!(files, dir.path().join("ledger.db.attachments"));
    }

    #[test]
    fn a_wipe_erases_the_photos_with_the_store() {
        let dir = tempfile::tempdir().expect("dir");
        let store = dir.path().join("ledger.db");
        drop(Store::open(&store).expect("store"));
        let files = attachments_dir(&store);
        write_durably(&files, &"c".repeat(64), b"a photo of a household").expect("write");
        write_durably(&files, &format!("{}.thumb", "c".repeat(64)), b"its thumbnail").expect("write");
        crate::erase_files(&store).expect("erase");
        assert!(!store.exists() && !files.exists(), "the store and its photos are gone");
    }

    /// Schema 13: a follow-up item's and a plan item's photos are found in their JSON, in the
    /// record's order; a follow-up item linked to a project is found by its project.
    #[test]
    fn the_registry_records_photos_are_found_and_an_item_by_its_project() {
        use taizhang_doc::Read;
        use taizhang_domain::{FollowUp, FollowUpId, HouseholdId, MemberId, ProjectId};
        use uuid::Uuid;
        let mut s = Store::open_in_memory().expect("store");
        let me = MemberId(Uuid::from_u128(2));
        let project = ProjectId(Uuid::from_u128(7));
        let item = |n: u128, project: Option<ProjectId>, attachments: Vec<String>| FollowUp {
            id: FollowUpId(Uuid::from_u128(n)),
            household: HouseholdId(Uuid::from_u128(1)),
            visit: None,
            text: "修缮院墙".into(),
            owner: me,
            due: None,
            created_by: me,
            created_at: 1,
            done_by: None,
            done_at: None,
            done_note: String::new(),
            project,
            attachments,
        };
        let tx = s.transaction().expect("tx");
        for f in [item(10, Some(project), vec!["b".repeat(64), "a".repeat(64)]), item(11, None, Vec::new())] {
            tx.put_follow_up("registry", &Read { record: f, conflicts: Vec::new() }).expect("put");
        }
        tx.commit().expect("commit");
        let found = s.record_attachments().expect("hashes");
        let id = FollowUpId(Uuid::from_u128(10)).to_string();
        assert_eq!(
            found,
            vec![("followup".to_string(), id.clone(), "b".repeat(64)), ("followup".to_string(), id, "a".repeat(64))]
        );
        let linked = s.follow_ups_of_project(project).expect("linked");
        assert_eq!(linked.iter().map(|r| r.record.id.0.as_u128()).collect::<Vec<_>>(), vec![10]);
    }
}
