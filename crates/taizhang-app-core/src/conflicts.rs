//! The conflicts list (待核对的冲突, issue 16): every record two devices changed at once —
//! households, family members, follow-up items, findings, meetings, projects and their
//! progress, the village situation and plan items — shown in words in both languages with
//! the values to pick from, on the Sync screen (and counted on Today). A pick is an ordinary
//! edit through `taizhang_client::Ledger::keep_record_value`.

use std::collections::BTreeMap;

use taizhang_doc::FieldConflict;
use taizhang_domain::{kind_words, record_code_words, record_field_words, team_may_settle, MemberId};
use uuid::Uuid;

use crate::contract::{ConflictItem, ConflictList, ConflictRecord, KeepRecordValueRequest};
use crate::{AppCore, AppError};

/// Labels longer than this are cut (a promise or a meeting's topics can be long).
const LABEL_CHARS: usize = 40;

/// One value in words, `(zh, en)`: codes as words, a teammate's id as their name, a stored
/// time as a Beijing date and time, anything else as stored.
fn shown(kind: &str, field: &str, value: &str, names: &BTreeMap<MemberId, String>) -> (String, String) {
    if let Some(w) = record_code_words(kind, field, value) {
        return w;
    }
    if let Some(name) = Uuid::parse_str(value).ok().and_then(|u| names.get(&MemberId(u))) {
        return (name.clone(), name.clone());
    }
    let timed = field == "at" || field.ends_with("_at");
    if let Some(t) = value.parse::<i64>().ok().filter(|_| timed).and_then(taizhang_domain::local_datetime) {
        let text = t.format("%Y-%m-%d %H:%M").to_string();
        return (text.clone(), text);
    }
    (value.to_string(), value.to_string())
}

/// A record's conflicting fields in words, for the household screen and the conflicts list.
/// Who-and-when fields (`updated_by`, `answered_at`…) are left out when the record has a
/// content field in conflict: they follow the value picked for it
/// (`taizhang_doc::keep_conflict_value`).
pub(crate) fn items(kind: &str, c: &[FieldConflict], names: &BTreeMap<MemberId, String>) -> Vec<ConflictItem> {
    let content = c.iter().any(|c| !taizhang_doc::is_bookkeeping(&c.field));
    c.iter()
        .filter(|c| !(content && taizhang_doc::is_bookkeeping(&c.field)))
        .map(|c| {
            let (zh, en) = record_field_words(kind, &c.field).unwrap_or((c.field.as_str(), c.field.as_str()));
            let (values_shown, values_shown_en) = c.values.iter().map(|v| shown(kind, &c.field, v, names)).unzip();
            ConflictItem {
                field: c.field.clone(),
                values: c.values.clone(),
                label_zh: zh.to_string(),
                label_en: en.to_string(),
                values_shown,
                values_shown_en,
                can_pick: team_may_settle(kind, &c.field),
            }
        })
        .collect()
}

fn cut(label: &str) -> String {
    let label = label.trim();
    if label.chars().count() <= LABEL_CHARS {
        return label.to_string();
    }
    label.chars().take(LABEL_CHARS - 1).chain(['…']).collect()
}

fn list(l: &taizhang_client::Ledger) -> Result<ConflictList, AppError> {
    let names = crate::core::names(l.store())?;
    let records: Vec<ConflictRecord> = l
        .store()
        .conflicted()?
        .into_iter()
        .map(|r| {
            let (kind_zh, kind_en) = kind_words(r.kind).unwrap_or((r.kind, r.kind));
            ConflictRecord {
                kind: r.kind.to_string(),
                kind_zh: kind_zh.to_string(),
                kind_en: kind_en.to_string(),
                label: cut(&r.label),
                household_id: r.household.filter(|h| !h.is_empty()),
                conflicts: items(r.kind, &r.conflicts, &names),
                id: r.id,
            }
        })
        .collect();
    Ok(ConflictList { count: records.len() as u32, records })
}

impl AppCore {
    /// Every record with fields in conflict, in words.
    pub async fn conflicts(&self) -> Result<ConflictList, AppError> {
        self.with(|l| list(l)).await
    }

    /// Settles one field of one record of the conflicts list: it keeps the value picked.
    pub async fn keep_record_value(&self, req: KeepRecordValueRequest) -> Result<ConflictList, AppError> {
        let now = self.now();
        if !team_may_settle(&req.kind, &req.field) {
            return Err(AppError::invalid(
                "field",
                "这一项由检查人在乡镇或县里的页面处理 / the inspector settles this on the township's or county's page",
            ));
        }
        self.with(|l| {
            Self::me_synced(l)?;
            if !l.keep_record_value(&req.kind, &req.id, &req.field, &req.value, now)? {
                return Err(AppError::invalid("field", "this value is no longer in conflict: look at the list again"));
            }
            list(l)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_in_words_names_times_and_codes() {
        let m = MemberId(Uuid::now_v7());
        let names = BTreeMap::from([(m, "王芳".to_string())]);
        assert_eq!(shown("followup", "owner", &m.to_string(), &names).0, "王芳");
        assert_eq!(shown("followup", "state", "done", &names), ("已办结".into(), "done".into()));
        // 2026-03-01 10:05 Beijing.
        assert_eq!(shown("followup", "done_at", "1772330700000", &names).0, "2026-03-01 10:05");
        // A number that is no time stays a number.
        assert_eq!(shown("meeting", "attendance", "23", &names).0, "23");
        let c = FieldConflict { field: "review".into(), values: vec!["accepted".into(), "returned".into()] };
        let it = &items("finding", &[c], &names)[0];
        assert_eq!((it.label_zh.as_str(), it.can_pick), ("验收结果", false));
        assert_eq!(it.values_shown, ["验收通过", "退回"]);
        assert_eq!(cut(&"长".repeat(60)).chars().count(), LABEL_CHARS);
        // Who and when follow the content: listed only when nothing else is in conflict.
        let two = |f: &str| FieldConflict { field: f.into(), values: vec!["1".into(), "2".into()] };
        let shown: Vec<String> =
            items("situation", &[two("population"), two("updated_at")], &names).into_iter().map(|i| i.field).collect();
        assert_eq!(shown, ["population"]);
        assert_eq!(items("situation", &[two("updated_at")], &names).len(), 1);
    }
}
