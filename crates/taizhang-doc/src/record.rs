//! The generic part of the mapping: a record is a map at a root key; writes touch only the
//! fields that changed; reads report conflicting values instead of hiding them.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use automerge::transaction::Transactable;
use automerge::{Automerge, Change, ObjType, ReadDoc, ScalarValue, Value, ROOT};

use crate::DocError;

/// A record kind stored in a document.
pub trait Record: Sized {
    /// The key prefix, e.g. `household` for keys `household/<uuid>`.
    const PREFIX: &'static str;
    /// The root key of this record.
    fn key(&self) -> String;
    /// The fields this version knows, `None` meaning "absent".
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)>;
    /// Rebuilds the record from the winning field values.
    fn from_fields(key: &str, fields: &Fields) -> Result<Self, DocError>;
}

/// Two or more devices set the same field concurrently: every value is kept and shown.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FieldConflict {
    pub field: String,
    pub values: Vec<String>,
}

/// A record read from a document, with its open conflicts.
#[derive(Debug, Clone, PartialEq)]
pub struct Read<R> {
    pub record: R,
    pub conflicts: Vec<FieldConflict>,
}

/// The winning scalar value of each field of one record map.
#[derive(Debug, Default)]
pub struct Fields {
    key: String,
    values: BTreeMap<String, ScalarValue>,
}

impl Fields {
    fn missing(&self, field: &'static str) -> DocError {
        DocError::BadField { key: self.key.clone(), field }
    }
    pub fn get(&self, field: &str) -> Option<&ScalarValue> {
        self.values.get(field).filter(|v| !matches!(v, ScalarValue::Null))
    }
    pub fn str(&self, field: &'static str) -> Result<String, DocError> {
        self.opt_str(field).ok_or_else(|| self.missing(field))
    }
    pub fn opt_str(&self, field: &str) -> Option<String> {
        match self.get(field)? {
            ScalarValue::Str(s) => Some(s.to_string()),
            _ => None,
        }
    }
    /// A text field that may be absent (absent reads as empty).
    pub fn text(&self, field: &str) -> String {
        self.opt_str(field).unwrap_or_default()
    }
    pub fn int(&self, field: &'static str) -> Result<i64, DocError> {
        self.opt_int(field).ok_or_else(|| self.missing(field))
    }
    pub fn opt_int(&self, field: &str) -> Option<i64> {
        match self.get(field)? {
            ScalarValue::Int(i) => Some(*i),
            ScalarValue::Uint(u) => i64::try_from(*u).ok(),
            ScalarValue::Timestamp(t) => Some(*t),
            ScalarValue::Counter(c) => Some(i64::from(c)),
            _ => None,
        }
    }
    pub fn opt_f64(&self, field: &str) -> Option<f64> {
        match self.get(field)? {
            ScalarValue::F64(f) => Some(*f),
            ScalarValue::Int(i) => Some(*i as f64),
            _ => None,
        }
    }
    pub fn f64(&self, field: &'static str) -> Result<f64, DocError> {
        self.opt_f64(field).ok_or_else(|| self.missing(field))
    }
    /// Parses a string field with `parse`, mapping failure to a clear error.
    pub fn parsed<T, E>(&self, field: &'static str, parse: impl FnOnce(&str) -> Result<T, E>) -> Result<T, DocError> {
        let s = self.str(field)?;
        parse(&s).map_err(|_| self.missing(field))
    }
    pub fn opt_parsed<T, E>(
        &self,
        field: &'static str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, DocError> {
        match self.opt_str(field) {
            None => Ok(None),
            Some(s) if s.is_empty() => Ok(None),
            Some(s) => parse(&s).map(Some).map_err(|_| self.missing(field)),
        }
    }
}

fn show(v: &Value<'_>) -> String {
    match v {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(s) => s.to_string(),
            other => other.to_string(),
        },
        Value::Object(t) => format!("<{t}>"),
    }
}

/// Whether a field says who or when (`updated_by`, `recorded_at`, `answered_by`, `at`…): in
/// a conflict it follows the value picked for the record's content ([`keep_conflict_value`]).
pub fn is_bookkeeping(field: &str) -> bool {
    field.ends_with("_by") || field.ends_with("_at") || field == "at" || field == "by"
}

/// The device (actor) whose operation wrote a value.
fn op_actor(id: &automerge::ObjId) -> Option<automerge::ActorId> {
    match id {
        automerge::ObjId::Id(_, actor, _) => Some(actor.clone()),
        automerge::ObjId::Root => None,
    }
}

/// Settles a conflict (issue 16): field `field` of the record at root `key` gets the one of
/// its concurrent values shown as `shown` (as [`FieldConflict::values`] shows them), written
/// anew so it supersedes the others on every device. The record's who-and-when fields in
/// conflict too ([`is_bookkeeping`]: `updated_by`, `answered_at`…) follow: each keeps the value
/// the same device wrote (concurrent values always come from different devices), so picking
/// an answer keeps its author and time with it. `false` when the field holds no such value
/// (already settled elsewhere, or another value); nothing is written then.
pub fn keep_conflict_value(tx: &mut impl Transactable, key: &str, field: &str, shown: &str) -> Result<bool, DocError> {
    let obj = match tx.get(ROOT, key)? {
        Some((Value::Object(ObjType::Map), id)) => id,
        _ => return Ok(false),
    };
    let chosen = tx.get_all(&obj, field)?.into_iter().find(|(v, _)| show(v) == shown);
    let Some((Value::Scalar(s), op)) = chosen else { return Ok(false) };
    let s = s.into_owned();
    let actor = op_actor(&op);
    let mut companions = Vec::new();
    if !is_bookkeeping(field) {
        let names: Vec<String> = tx.keys(&obj).map(|k| k.to_string()).collect();
        for name in names.into_iter().filter(|n| n != field && is_bookkeeping(n)) {
            let values = tx.get_all(&obj, name.as_str())?;
            if values.len() < 2 {
                continue;
            }
            let same = values.into_iter().find(|(_, id)| op_actor(id) == actor);
            if let Some((Value::Scalar(v), _)) = same {
                companions.push((name, v.into_owned()));
            }
        }
    }
    tx.put(&obj, field, s)?;
    for (name, v) in companions {
        tx.put(&obj, name.as_str(), v)?;
    }
    Ok(true)
}

/// Writes `record` into the document: creates its map if new, then sets only the fields whose
/// value differs and deletes fields that became absent. Unknown fields are left untouched.
///
/// A record whose map two devices created at once (a key both derive, like `situation/2026`)
/// holds two maps; the fields go into the winning one, and a field that became absent is
/// deleted from the others too, so a reader's merge ([`read_one`]) does not bring it back.
pub fn write<R: Record>(tx: &mut impl Transactable, record: &R) -> Result<(), DocError> {
    let key = record.key();
    let obj = match tx.get(ROOT, key.as_str())? {
        Some((Value::Object(ObjType::Map), id)) => id,
        _ => tx.put_object(ROOT, key.as_str(), ObjType::Map)?,
    };
    let others = other_maps(tx, &key, &obj)?;
    for (field, value) in record.fields() {
        if value.is_none() {
            for other in &others {
                if tx.get(other, field)?.is_some() {
                    tx.delete(other, field)?;
                }
            }
        }
        let current = tx.get_all(&obj, field)?;
        match value {
            Some(new) => {
                let same = current.len() == 1 && matches!(&current[0].0, Value::Scalar(s) if s.as_ref() == &new);
                if !same {
                    tx.put(&obj, field, new)?;
                }
            }
            None => {
                if !current.is_empty() {
                    tx.delete(&obj, field)?;
                }
            }
        }
    }
    Ok(())
}

/// Makes the record at root `key` in the transaction's document what it is in `from`: its
/// fields' winning values set (only those that differ) and fields `from` lacks deleted; the
/// record deleted when `from` has none. Any record kind, also of a newer version. What a device
/// uses to re-create records under a new actor (issue 15: an actor reused by two copies of
/// one device's store).
pub fn copy_record(tx: &mut impl Transactable, from: &Automerge, key: &str) -> Result<(), DocError> {
    match from.get(ROOT, key)? {
        Some((Value::Object(ObjType::Map), src)) => {
            let dst = match tx.get(ROOT, key)? {
                Some((Value::Object(ObjType::Map), id)) => id,
                _ => tx.put_object(ROOT, key, ObjType::Map)?,
            };
            let mut fields: BTreeMap<String, ScalarValue> = BTreeMap::new();
            for item in from.map_range(&src, ..) {
                if let Value::Scalar(s) = item.value.into_value() {
                    fields.insert(item.key.to_string(), s.into_owned());
                }
            }
            let existing: Vec<String> = tx.keys(&dst).collect();
            for field in existing {
                if !fields.contains_key(&field) {
                    tx.delete(&dst, field.as_str())?;
                }
            }
            for (field, value) in fields {
                let current = tx.get_all(&dst, field.as_str())?;
                let same = current.len() == 1 && matches!(&current[0].0, Value::Scalar(s) if s.as_ref() == &value);
                if !same {
                    tx.put(&dst, field.as_str(), value)?;
                }
            }
        }
        Some((Value::Scalar(s), _)) => tx.put(ROOT, key, s.into_owned())?,
        Some(_) => {} // other object kinds are no records
        None => {
            if tx.get(ROOT, key)?.is_some() {
                tx.delete(ROOT, key)?;
            }
        }
    }
    Ok(())
}

/// The maps at root `key` other than `winner`: those another device created at the same time.
fn other_maps(doc: &impl ReadDoc, key: &str, winner: &automerge::ObjId) -> Result<Vec<automerge::ObjId>, DocError> {
    Ok(doc
        .get_all(ROOT, key)?
        .into_iter()
        .filter_map(|(v, id)| (matches!(v, Value::Object(ObjType::Map)) && id != *winner).then_some(id))
        .collect())
}

fn read_at<R: Record>(
    doc: &Automerge,
    key: &str,
    obj: &automerge::ObjId,
    created_twice: bool,
) -> Result<Read<R>, DocError> {
    let mut fields = Fields { key: key.to_string(), values: BTreeMap::new() };
    let mut conflicts = Vec::new();
    // One pass over the record's fields with their winning values; only a field flagged as
    // conflicting is looked up again for all its values (reading every field twice made
    // projecting a village's documents several times slower).
    for item in doc.map_range(obj, ..) {
        let field = item.key.to_string();
        if item.conflict {
            let all = doc.get_all(obj, field.as_str())?;
            let mut values: Vec<String> = Vec::new();
            for (v, _) in &all {
                let v = show(v);
                if !values.contains(&v) {
                    values.push(v);
                }
            }
            if values.len() > 1 {
                conflicts.push(FieldConflict { field: field.clone(), values });
            }
        }
        if let Value::Scalar(s) = item.value.into_value() {
            fields.values.insert(field, s.into_owned());
        }
    }
    if created_twice {
        // Two devices created this record at once (its key is one both derive): the winning
        // map's fields, then each field only the other maps hold — the parts each device
        // filled in both survive, where taking the winning map alone would drop the other's.
        for other in other_maps(doc, key, obj)? {
            for item in doc.map_range(&other, ..) {
                if fields.values.contains_key(item.key.as_ref()) {
                    continue;
                }
                if let Value::Scalar(s) = item.value.into_value() {
                    fields.values.insert(item.key.to_string(), s.into_owned());
                }
            }
        }
    }
    let record = R::from_fields(key, &fields)?;
    Ok(Read { record, conflicts })
}

/// Reads the record at `key`, if there is one.
pub fn read_one<R: Record>(doc: &Automerge, key: &str) -> Result<Option<Read<R>>, DocError> {
    match doc.get(ROOT, key)? {
        Some((Value::Object(ObjType::Map), obj)) => {
            let created_twice = doc.get_all(ROOT, key)?.len() > 1;
            read_at(doc, key, &obj, created_twice).map(Some)
        }
        _ => Ok(None),
    }
}

/// Reads every record of kind `R`. A record this version cannot read is reported in the
/// second list (by key) rather than failing the whole document.
pub fn read_all<R: Record>(doc: &Automerge) -> (Vec<Read<R>>, Vec<(String, DocError)>) {
    let start = format!("{}/", R::PREFIX);
    let end = format!("{}0", R::PREFIX); // '0' sorts right after '/'
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for item in doc.map_range(ROOT, start..end) {
        if let automerge::ValueRef::Object(ObjType::Map) = item.value {
            match read_at::<R>(doc, &item.key, &item.id(), item.conflict) {
                Ok(r) => ok.push(r),
                Err(e) => bad.push((item.key.to_string(), e)),
            }
        }
    }
    (ok, bad)
}

/// The root keys (records) touched by `changes` (new changes of `doc`, e.g. `get_changes(before)`):
/// what the local store must re-materialise after an edit or a sync. Taken from the changes'
/// operations, not from a diff of visible values: a change that resolves a conflict without
/// changing the winning value still changes what the record shows.
pub fn changed_keys(doc: &Automerge, changes: &[Change]) -> BTreeSet<String> {
    use automerge::legacy::{Key, ObjectId};
    let mut keys = BTreeSet::new();
    let mut objects = HashSet::new();
    for change in changes {
        for op in change.decode().operations {
            match (op.obj, op.key) {
                (ObjectId::Root, Key::Map(k)) => {
                    keys.insert(k.to_string());
                }
                (ObjectId::Id(id), _) => {
                    objects.insert(id.to_string());
                }
                (ObjectId::Root, Key::Seq(_)) => {}
            }
        }
    }
    if !objects.is_empty() {
        for item in doc.map_range(ROOT, ..) {
            if matches!(item.value, automerge::ValueRef::Object(_)) && objects.contains(&item.id().to_string()) {
                keys.insert(item.key.to_string());
            }
        }
    }
    keys
}
