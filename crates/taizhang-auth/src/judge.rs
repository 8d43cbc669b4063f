//! The one judgment of changes to records, wherever they are made: on the server before a
//! push is stored, on the county and township page before it writes for an officer, and on a
//! device deciding what of its unsynced work the server refuses. Each touched record must be
//! valid as the domain validates it (`taizhang_doc::check_touched`: kind per document, field
//! types, sizes, a log's records its owner's and of its month) and the account's to write
//! ([`may_write`] over the record as it was before and as it is after).

use std::collections::BTreeSet;

use taizhang_doc::automerge::{Automerge, ChangeHash};
use taizhang_doc::{access_facts, access_facts_at, check_touched, AccessFacts, DocId};
use taizhang_domain::{Limits, MemberId};

use crate::{may_write, Denial, DocRef, Facts, Place, Principal, Touch};

impl From<AccessFacts> for Facts {
    fn from(f: AccessFacts) -> Self {
        Facts {
            member: f.member,
            pending: f.pending,
            amends: f.amends,
            state: f.state,
            kind: f.kind,
            from: f.from,
            to: f.to,
            returned_on: f.returned_on,
            score_state: f.score_state,
            scored_by: f.scored_by,
            checked_by: f.checked_by,
            audited_by: f.audited_by,
            sheet_digest: f.sheet_digest,
            check_digest: f.check_digest,
            audit_digest: f.audit_digest,
            found_by: f.found_by,
            answered_by: f.answered_by,
            finding_digest: f.finding_digest,
            answer_digest: f.answer_digest,
        }
    }
}

/// The document as the record layouts name it (assessments hold no field records).
pub fn doc_id(doc: &DocRef) -> Option<DocId> {
    match *doc {
        DocRef::Registry => Some(DocId::Registry),
        DocRef::Team { year } => Some(DocId::Team { year }),
        DocRef::Log { member, month } => Some(DocId::Log { member: MemberId(member), month }),
        DocRef::Assessment { .. } => None,
    }
}

/// Whether the records at `keys`, as they stand in `am`, may be stored by `p`: `before` are
/// the heads of `am` before the changes being judged (the records' earlier state), `filed`
/// whether a log's month is filed. A record that is not valid is refused as `invalid_record`.
#[allow(clippy::too_many_arguments)]
pub fn judge_touched(
    p: &Principal,
    place: &Place,
    doc: &DocRef,
    filed: bool,
    am: &Automerge,
    before: &[ChangeHash],
    keys: &BTreeSet<String>,
    limits: &Limits,
) -> Result<(), Denial> {
    if let Some(id) = doc_id(doc) {
        check_touched(&id, am, keys, limits)
            .map_err(|problem| Denial { code: "invalid_record", message: problem.to_string() })?;
    }
    let touched: Vec<Touch> = keys
        .iter()
        .map(|k| Touch {
            before: access_facts_at(am, k, before).map(Facts::from),
            after: access_facts(am, k).map(Facts::from),
            key: k.clone(),
        })
        .collect();
    may_write(p, place, doc, filed, &touched)
}
