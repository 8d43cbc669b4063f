//! A record's history read from its document's own changes (issue 16): for every change that
//! touched the record, who made it (the member named in the change's message, else the
//! device's actor), when (the change's time) and each field's value before and after.
//! Nothing is stored twice: the document already keeps every version.

use std::collections::{BTreeMap, HashSet};

use automerge::{Automerge, ChangeHash, ObjType, ReadDoc, Value, ROOT};
use uuid::Uuid;

const AUTHOR_PREFIX: &str = "by:";

/// The change message that names the member who made a change.
pub fn author_message(member: Uuid) -> String {
    format!("{AUTHOR_PREFIX}{member}")
}

/// One field changed by one change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldEdit {
    pub field: String,
    /// `None`: the field was absent (a new record, or a field added).
    pub old: Option<String>,
    /// `None`: the field was removed.
    pub new: Option<String>,
}

/// One change of a record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordEdit {
    /// When, as the device that made it said (milliseconds since the epoch; 0 when unknown).
    pub at: i64,
    /// The member who made it, when the change names them.
    pub member: Option<Uuid>,
    /// The device (Automerge actor, hex).
    pub actor: String,
    pub fields: Vec<FieldEdit>,
}

fn show(v: &Value<'_>) -> String {
    match v {
        Value::Scalar(s) => match s.as_ref() {
            automerge::ScalarValue::Str(s) => s.to_string(),
            other => other.to_string(),
        },
        Value::Object(t) => format!("<{t}>"),
    }
}

/// The fields of the record at `key` as the document stood at `heads` (winning values).
fn fields_at(doc: &Automerge, key: &str, heads: &[ChangeHash]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Ok(Some((Value::Object(ObjType::Map), obj))) = doc.get_at(ROOT, key, heads) {
        for item in doc.map_range_at(&obj, .., heads) {
            out.insert(item.key.to_string(), show(&item.value.into_value()));
        }
    }
    out
}

/// Every change of the record at root `key`, oldest first, each with the fields it changed
/// (old → new as its author saw them). A change that set a field to the value it had (or
/// touched the record without changing what it shows) is left out.
pub fn record_history(doc: &Automerge, key: &str) -> Vec<RecordEdit> {
    use automerge::legacy::{Key, ObjectId};
    let obj = match doc.get(ROOT, key) {
        Ok(Some((Value::Object(ObjType::Map), obj))) => Some(obj.to_string()),
        _ => None,
    };
    let mut out = Vec::new();
    let mut seen: HashSet<ChangeHash> = HashSet::new();
    for change in doc.get_changes(&[]) {
        if !seen.insert(change.hash()) {
            continue;
        }
        let touches = change.decode().operations.iter().any(|op| match (&op.obj, &op.key) {
            (ObjectId::Root, Key::Map(k)) => k.as_str() == key,
            (ObjectId::Id(id), _) => obj.as_deref() == Some(id.to_string().as_str()),
            _ => false,
        });
        if !touches {
            continue;
        }
        let before = fields_at(doc, key, change.deps());
        let after = fields_at(doc, key, &[change.hash()]);
        let mut fields = Vec::new();
        let names: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        for name in names {
            let (old, new) = (before.get(name), after.get(name));
            if old != new {
                fields.push(FieldEdit { field: name.clone(), old: old.cloned(), new: new.cloned() });
            }
        }
        if fields.is_empty() {
            continue;
        }
        // One note per line in a change message (the time anchor of issue 17 shares it).
        let member = change
            .message()
            .and_then(|m| m.lines().find_map(|l| l.strip_prefix(AUTHOR_PREFIX)))
            .and_then(|m| Uuid::parse_str(m.trim()).ok());
        out.push(RecordEdit { at: change.timestamp(), member, actor: change.actor_id().to_hex_string(), fields });
    }
    out
}
