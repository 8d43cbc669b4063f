//! Withdrawing what the server refused, so that a refused change never stays pending for ever:
//! the document goes back to what the server holds (what it confirmed, plus what others wrote
//! since), every record this device's unsynced changes touched is written again by one fresh
//! change — except the ones the server's own checks refuse (judged here with the same function,
//! `taizhang_auth::judge_touched`). A withdrawn record is kept as text in the store (its fields
//! and the reason), so nothing typed is lost, and the Sync screen's count goes back to zero.

use std::collections::BTreeSet;

use automerge::transaction::CommitOptions;
use automerge::ChangeHash;
use serde::{Deserialize, Serialize};
use taizhang_auth::{judge_touched, DocRef, Place};
use taizhang_doc::{changed_keys, DocId};
use taizhang_domain::{Limits, Timestamp};

use crate::ledger::materialise;
use crate::{ClientError, Ledger};

const META_WITHDRAWN: &str = "withdrawn_records";

/// A record taken back from a refused document, kept so it can be read (and typed again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Withdrawn {
    pub doc: String,
    pub key: String,
    /// The record's fields as they stood, `field = value` one a line.
    pub fields: String,
    /// Why it cannot be stored, in the server's words or the local check's.
    pub reason: String,
    pub withdrawn_at: Timestamp,
}

impl Ledger {
    /// Withdraws the unsynced records of document `doc` that the server refuses (see the
    /// module doc); `server_reason` is what the server said, kept with records the local checks
    /// cannot tell apart (then every unsynced record of the document is withdrawn). Returns
    /// the withdrawn records. One store transaction.
    pub fn withdraw_refused(
        &mut self,
        doc: &str,
        server_reason: &str,
        now: Timestamp,
    ) -> Result<Vec<Withdrawn>, ClientError> {
        let id: DocId = doc.parse().map_err(|e: taizhang_doc::DocError| ClientError::Corrupt {
            doc: doc.to_string(),
            reason: e.to_string(),
        })?;
        let name = id.to_string();
        let confirmed: Vec<ChangeHash> = self.store.confirmed_heads(&name)?.into_iter().map(ChangeHash).collect();
        let principal = self.principal()?.ok_or(ClientError::NotEnrolled)?;
        let place = Place { village: self.village_id().0, township: None, county: None };
        let doc_ref = match id {
            DocId::Registry => DocRef::Registry,
            DocId::Team { year } => DocRef::Team { year },
            DocId::Log { member, month } => DocRef::Log { member: member.0, month },
        };
        let filed = match id {
            DocId::Log { member, month } => self.store.month_filed(member, month)?,
            _ => false,
        };
        let actor = self.actor().clone();
        let full = self.doc(id)?.clone();
        let corrupt = |e: String| ClientError::Corrupt { doc: name.clone(), reason: e };
        // What the server holds: what it confirmed plus what others wrote since (downloaded);
        // what is this device's own and unsynced is judged record by record against it.
        let (mine, others): (Vec<_>, Vec<_>) =
            full.get_changes(&confirmed).into_iter().partition(|c| c.actor_id() == &actor);
        let mut before = full.fork_at(&confirmed).map_err(|e| corrupt(e.to_string()))?;
        taizhang_sync::apply_untrusted(&mut before, others).map_err(corrupt)?;
        let keys = changed_keys(&full, &mine);
        let limits = Limits::default();
        let server_heads = before.get_heads();
        let mut refused: Vec<(String, String)> = Vec::new();
        for key in &keys {
            let one: BTreeSet<String> = [key.clone()].into();
            if let Err(d) = judge_touched(&principal, &place, &doc_ref, filed, &full, &server_heads, &one, &limits) {
                refused.push((key.clone(), format!("{}: {}", d.code, d.message)));
            }
        }
        if refused.is_empty() {
            refused = keys.iter().map(|k| (k.clone(), server_reason.to_string())).collect();
        }
        let out: Vec<Withdrawn> = refused
            .iter()
            .map(|(key, reason)| Withdrawn {
                doc: name.clone(),
                key: key.clone(),
                fields: record_text(&full, key),
                reason: reason.clone(),
                withdrawn_at: now,
            })
            .collect();
        let dropped: BTreeSet<&String> = refused.iter().map(|(k, _)| k).collect();
        let kept: Vec<&String> = keys.iter().filter(|k| !dropped.contains(k)).collect();
        let mut rebuilt = before.with_actor(actor);
        if !kept.is_empty() {
            let mut tx = rebuilt.transaction();
            for key in &kept {
                if let Err(e) = taizhang_doc::copy_record(&mut tx, &full, key) {
                    tx.rollback();
                    return Err(e.into());
                }
            }
            tx.commit_with(CommitOptions::default().with_time(now));
        }
        let mut all = self.withdrawn_records()?;
        all.extend(out.iter().cloned());
        let json = serde_json::to_string(&all)
            .map_err(|e| ClientError::Corrupt { doc: META_WITHDRAWN.into(), reason: e.to_string() })?;
        let st = self.store.transaction()?;
        st.replace_chunks(&name, &rebuilt.save())?;
        st.set_dirty(&name, !kept.is_empty())?;
        st.set_meta(META_WITHDRAWN, &json)?;
        materialise(&st, &name, &rebuilt, keys)?;
        st.commit()?;
        self.docs.insert(id, rebuilt);
        Ok(out)
    }

    /// Every record withdrawn so far on this device, oldest first.
    pub fn withdrawn_records(&self) -> Result<Vec<Withdrawn>, ClientError> {
        match self.store().meta(META_WITHDRAWN)? {
            None => Ok(Vec::new()),
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| ClientError::Corrupt { doc: META_WITHDRAWN.into(), reason: e.to_string() }),
        }
    }
}

/// A record's fields as text, `field = value` one a line (what the user typed survives); a
/// field in conflict shows every value, `a | b`.
fn record_text(doc: &automerge::Automerge, key: &str) -> String {
    use automerge::{ObjType, ReadDoc, ScalarValue, Value, ROOT};
    let show = |s: &ScalarValue| s.as_str().map_or_else(|| s.to_string(), str::to_string);
    let Ok(Some((Value::Object(ObjType::Map), obj))) = doc.get(ROOT, key) else { return String::new() };
    doc.map_range(&obj, ..)
        .map(|item| {
            let values: Vec<String> = doc
                .get_all(&obj, item.key.as_ref())
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(v, _)| match v {
                    Value::Scalar(s) => Some(show(&s)),
                    Value::Object(_) => None,
                })
                .collect();
            format!("{} = {}", item.key, values.join(" | "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}
