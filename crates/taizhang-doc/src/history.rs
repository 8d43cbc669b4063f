//! A record's history read from its document's own changes (issue 16): for every change that
//! touched the record, who made it (the member named in the change's message, else the
//! device's actor), when (the change's time) and each field's value before and after.
//! Nothing is stored twice: the document already keeps every version.

use std::collections::{BTreeMap, HashMap, HashSet};

use automerge::{Automerge, ChangeHash, ObjType, ReadDoc, Value, ROOT};
use uuid::Uuid;

const AUTHOR_PREFIX: &str = "by:";

/// Whether `doc` holds the change `hash` (applied, not merely waiting for a dependency).
/// Automerge 0.12 keeps no changes, only operations: `get_change_by_hash` rebuilds the whole
/// change from the operation columns to answer (about 7 % of the Automerge work of judging a
/// one-visit push on the server, issue 23). With no change waiting for a dependency — the
/// usual case, told by `get_missing_deps(&[])` being empty — the change graph answers:
/// `get_missing_deps` of one hash is then empty exactly when that change is applied. With
/// changes waiting, that answer would also name what they wait for, so the change is looked
/// up as before.
pub fn has_change(doc: &Automerge, hash: &ChangeHash) -> bool {
    match doc.get_missing_deps(&[]).is_empty() {
        true => doc.get_missing_deps(std::slice::from_ref(hash)).is_empty(),
        false => doc.get_change_by_hash(hash).is_some(),
    }
}

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

/// Which changes touched which record, kept beside a document so that a record's history
/// reads only its own changes: opening one household of a thousand decoded every change of
/// the registry each time (89 ms median, 222 ms max in `taizhang-bench roster`). Built once,
/// then brought up to date with the changes past the heads it last saw.
#[derive(Debug, Default, Clone)]
pub struct HistoryIndex {
    heads: Vec<ChangeHash>,
    /// Each indexed change's place in the document's causal order.
    order: HashMap<ChangeHash, u64>,
    /// A root key, or a map object's id as text → the changes that touched it.
    touched: HashMap<String, Vec<ChangeHash>>,
}

impl HistoryIndex {
    /// Indexes the changes of `doc` not indexed yet (all of them when `doc` no longer holds
    /// the heads last seen, e.g. another document was loaded in its place).
    pub fn update(&mut self, doc: &Automerge) {
        use automerge::legacy::{Key, ObjectId};
        let heads = doc.get_heads();
        if heads == self.heads {
            return;
        }
        if !self.heads.iter().all(|h| has_change(doc, h)) {
            *self = Self::default();
        }
        for change in doc.get_changes(&self.heads) {
            let hash = change.hash();
            let next = self.order.len() as u64;
            if self.order.insert(hash, next).is_some() {
                continue;
            }
            let mut targets: HashSet<String> = HashSet::new();
            for op in &change.decode().operations {
                match (&op.obj, &op.key) {
                    (ObjectId::Root, Key::Map(k)) => targets.insert(k.to_string()),
                    (ObjectId::Id(id), _) => targets.insert(id.to_string()),
                    _ => false,
                };
            }
            for t in targets {
                self.touched.entry(t).or_default().push(hash);
            }
        }
        self.heads = heads;
    }
}

/// Every change of the record at root `key`, oldest first, each with the fields it changed
/// (old → new as its author saw them). A change that set a field to the value it had (or
/// touched the record without changing what it shows) is left out. Builds an index each call:
/// a caller that reads many records keeps a [`HistoryIndex`] and calls [`record_history_indexed`].
pub fn record_history(doc: &Automerge, key: &str) -> Vec<RecordEdit> {
    let mut index = HistoryIndex::default();
    index.update(doc);
    record_history_indexed(doc, &index, key)
}

/// [`record_history`] with an index kept up to date with `doc` ([`HistoryIndex::update`]).
pub fn record_history_indexed(doc: &Automerge, index: &HistoryIndex, key: &str) -> Vec<RecordEdit> {
    let obj = match doc.get(ROOT, key) {
        Ok(Some((Value::Object(ObjType::Map), obj))) => Some(obj.to_string()),
        _ => None,
    };
    let mut hashes: Vec<ChangeHash> = [Some(key.to_string()), obj]
        .into_iter()
        .flatten()
        .filter_map(|t| index.touched.get(&t))
        .flatten()
        .copied()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    hashes.sort_by_key(|h| index.order.get(h).copied().unwrap_or(u64::MAX));
    let mut out = Vec::new();
    for hash in hashes {
        let Some(change) = doc.get_change_by_hash(&hash) else { continue };
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
