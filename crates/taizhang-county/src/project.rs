//! The read model's unit: what one synced document of a village contributes to the county
//! view ([`DocPart`]), and a village's parts put together ([`VillageProjection`]). The server
//! re-projects a document when its log grows; nothing here reads a database.

use std::collections::BTreeMap;

use automerge::{Automerge, ReadDoc};
use serde::{Deserialize, Serialize};
use taizhang_doc::{read_all, DocId, FilingRecord, Read, Record, VillageRecord};
use taizhang_domain::{CheckIn, DiaryEntry, Household, LeaveRequest, Member, Village, Visit};
use taizhang_rules::VillageRecords;

/// The records one document holds (winning values; conflicts are the field app's business).
/// Serialisable: the server keeps each document's part in its database (issue 23).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocPart {
    pub village: Option<Village>,
    pub members: Vec<Member>,
    pub households: Vec<Household>,
    pub check_ins: Vec<CheckIn>,
    pub diary: Vec<DiaryEntry>,
    pub visits: Vec<Visit>,
    pub leave_requests: Vec<LeaveRequest>,
    pub filings: Vec<taizhang_domain::MonthFiling>,
    /// Month score sheets (scheme B's chain), from team documents.
    pub score_sheets: Vec<taizhang_domain::MonthScoreSheet>,
    /// Members' month submissions (提交本月) and the team's reports (季报告, 年承诺), from
    /// team documents.
    pub submissions: Vec<taizhang_domain::MonthSubmission>,
    pub reports: Vec<taizhang_domain::TeamReport>,
    /// The village ledger (issue 22), from the registry: meetings, projects and their
    /// progress updates.
    pub meetings: Vec<taizhang_domain::Meeting>,
    pub projects: Vec<taizhang_domain::Project>,
    pub progress: Vec<taizhang_domain::ProgressUpdate>,
    /// Follow-up items (承诺事项, issue 16), from the registry: evidence of 民生实事.
    pub follow_ups: Vec<taizhang_domain::FollowUp>,
    /// Inspection findings and their answers (整改, issue 16), from the registry.
    pub findings: Vec<taizhang_domain::Finding>,
    /// The village situation of each year and the plan items (issue 22), from the registry.
    pub situations: Vec<taizhang_domain::VillageSituation>,
    pub plans: Vec<taizhang_domain::PlanItem>,
    /// Records this version could not read (a newer app's, or damaged): counted, not shown.
    pub unreadable: usize,
    /// For check-ins, visits, diary entries and leave requests: record id → hash of the change
    /// that created the record (the server joins it with the change's receipt time, for 迟报).
    #[serde(with = "hex_hashes")]
    pub created: Vec<(String, [u8; 32])>,
}

/// [`DocPart::created`] with its hashes in hex (a JSON array of 32 numbers is three times
/// the size and slower to read).
mod hex_hashes {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &[(String, [u8; 32])], s: S) -> Result<S::Ok, S::Error> {
        v.iter().map(|(id, h)| (id.as_str(), hex::encode(h))).collect::<Vec<_>>().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, [u8; 32])>, D::Error> {
        let pairs = Vec::<(String, String)>::deserialize(d)?;
        pairs
            .into_iter()
            .map(|(id, h)| {
                let mut hash = [0u8; 32];
                hex::decode_to_slice(&h, &mut hash).map_err(serde::de::Error::custom)?;
                Ok((id, hash))
            })
            .collect()
    }
}

/// The prefixes of the records whose creating change is kept ([`DocPart::created`]).
const DATED: [&str; 4] = ["checkin", "visit", "diary", "leave"];

/// Record id → hash of the change holding the operation that created the record's map.
fn creating_changes(doc: &Automerge) -> Vec<(String, [u8; 32])> {
    let mut out = Vec::new();
    for prefix in DATED {
        let (start, end) = (format!("{prefix}/"), format!("{prefix}0"));
        for item in doc.map_range(automerge::ROOT, start..end) {
            let automerge::ValueRef::Object(_) = item.value else { continue };
            let Some(id) = item.key.strip_prefix(prefix).and_then(|k| k.strip_prefix('/')) else { continue };
            if let Some(hash) = doc.hash_for_opid(&item.id()) {
                out.push((id.to_string(), hash.0));
            }
        }
    }
    out
}

fn take<R: Record>(doc: &Automerge, unreadable: &mut usize) -> Vec<R> {
    let (ok, bad): (Vec<Read<R>>, _) = read_all::<R>(doc);
    *unreadable += bad.len();
    ok.into_iter().map(|r| r.record).collect()
}

impl DocPart {
    /// How many records the part holds (of every kind).
    pub fn records(&self) -> usize {
        usize::from(self.village.is_some())
            + self.members.len()
            + self.households.len()
            + self.check_ins.len()
            + self.diary.len()
            + self.visits.len()
            + self.leave_requests.len()
            + self.filings.len()
            + self.score_sheets.len()
            + self.submissions.len()
            + self.reports.len()
            + self.meetings.len()
            + self.projects.len()
            + self.progress.len()
            + self.follow_ups.len()
            + self.findings.len()
            + self.situations.len()
            + self.plans.len()
    }

    /// What document `name` holds, read from its Automerge state. A name that is no field
    /// document (an assessment, a newer kind) contributes nothing.
    pub fn read(name: &str, doc: &Automerge) -> DocPart {
        let mut part = DocPart::default();
        let mut bad = 0;
        match name.parse::<DocId>() {
            Ok(DocId::Registry) => {
                part.village = take::<VillageRecord>(doc, &mut bad).into_iter().next().map(|v| v.0);
                part.members = take(doc, &mut bad);
                part.households = take(doc, &mut bad);
                part.meetings = take(doc, &mut bad);
                part.projects = take(doc, &mut bad);
                part.progress = take(doc, &mut bad);
                part.follow_ups = take(doc, &mut bad);
                part.findings = take(doc, &mut bad);
                part.situations = take(doc, &mut bad);
                part.plans = take(doc, &mut bad);
            }
            Ok(DocId::Team { .. }) => {
                part.created = creating_changes(doc);
                part.leave_requests = take(doc, &mut bad);
                part.filings = take::<FilingRecord>(doc, &mut bad).into_iter().map(|f| f.0).collect();
                part.score_sheets = take(doc, &mut bad);
                part.submissions = take(doc, &mut bad);
                part.reports = take(doc, &mut bad);
            }
            Ok(DocId::Log { member, .. }) => {
                // A log holds only its owner's records; anything else in it is ignored.
                part.created = creating_changes(doc);
                part.check_ins = take::<CheckIn>(doc, &mut bad).into_iter().filter(|c| c.member == member).collect();
                part.diary = take::<DiaryEntry>(doc, &mut bad).into_iter().filter(|d| d.member == member).collect();
                part.visits = take::<Visit>(doc, &mut bad).into_iter().filter(|v| v.member == member).collect();
            }
            Err(_) => {}
        }
        part.unreadable = bad;
        part
    }
}

/// A village's documents as the county sees them, with the position in the village's change
/// log up to which they are projected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VillageProjection {
    /// Log sequence number of the last change projected.
    pub cursor: u64,
    parts: BTreeMap<String, DocPart>,
}

impl VillageProjection {
    /// Replaces what document `name` contributes.
    pub fn set(&mut self, name: &str, part: DocPart) {
        self.parts.insert(name.to_string(), part);
    }

    /// How many documents are projected.
    pub fn docs(&self) -> usize {
        self.parts.len()
    }

    /// Records no version of this server could read, over all documents.
    pub fn unreadable(&self) -> usize {
        self.parts.values().map(|p| p.unreadable).sum()
    }

    /// The village record of the registry, once the registry has synced.
    pub fn village(&self) -> Option<&Village> {
        self.parts.values().find_map(|p| p.village.as_ref())
    }

    /// Record id → hash of the change that created it, over all documents (see
    /// [`DocPart::created`]).
    pub fn created(&self) -> impl Iterator<Item = (&str, &[u8; 32])> {
        self.parts.values().flat_map(|p| p.created.iter().map(|(id, h)| (id.as_str(), h)))
    }

    /// What document `name` contributes, if it is projected.
    /// The document and the hash of the change that created `record` (check-ins, visits, diary
    /// entries and leave requests), if projected.
    pub fn creator(&self, record: &str) -> Option<(&str, &[u8; 32])> {
        self.parts
            .iter()
            .find_map(|(name, p)| p.created.iter().find(|(id, _)| id == record).map(|(_, h)| (name.as_str(), h)))
    }

    pub fn part(&self, name: &str) -> Option<&DocPart> {
        self.parts.get(name)
    }

    /// Every record of the village, for the rules engine (without `last_sync` and
    /// `received_at`, which come from the server's log, not from the documents).
    pub fn records(&self) -> VillageRecords {
        let mut r = VillageRecords { village: self.village().cloned(), ..VillageRecords::default() };
        for p in self.parts.values() {
            r.members.extend(p.members.iter().cloned());
            r.households.extend(p.households.iter().cloned());
            r.check_ins.extend(p.check_ins.iter().cloned());
            r.diary.extend(p.diary.iter().cloned());
            r.visits.extend(p.visits.iter().cloned());
            r.leave_requests.extend(p.leave_requests.iter().cloned());
            r.filings.extend(p.filings.iter().cloned());
            r.score_sheets.extend(p.score_sheets.iter().cloned());
            r.submissions.extend(p.submissions.iter().cloned());
            r.reports.extend(p.reports.iter().cloned());
            r.meetings.extend(p.meetings.iter().cloned());
            r.projects.extend(p.projects.iter().cloned());
            r.progress.extend(p.progress.iter().cloned());
            r.follow_ups.extend(p.follow_ups.iter().cloned());
            r.findings.extend(p.findings.iter().cloned());
            r.situations.extend(p.situations.iter().cloned());
            r.plans.extend(p.plans.iter().cloned());
        }
        r.situations.sort_by_key(|x| x.year);
        r.plans.sort_by_key(|p| (p.year, p.kind, p.due, p.id));
        r.findings.sort_by_key(|f| (f.found_at, f.id));
        r.follow_ups.sort_by_key(|f| (f.created_at, f.id));
        r.meetings.sort_by_key(|m| (m.date, m.id));
        r.projects.sort_by_key(|p| (p.created_at, p.id));
        r.progress.sort_by_key(|u| (u.project, u.day, u.id));
        r.members.sort_by(|a, b| team_key(a).cmp(&team_key(b)));
        r.households.sort_by(|a, b| (&a.group, &a.head, a.id).cmp(&(&b.group, &b.head, b.id)));
        r
    }
}

/// The order the team is shown and exported in: the first secretary first, then by name and id.
pub(crate) fn team_key(m: &Member) -> (bool, &str, taizhang_domain::MemberId) {
    (m.role != taizhang_domain::Role::FirstSecretary, &m.name, m.id)
}

/// A member's name, or the id when the member is not on the team (a record of someone gone).
pub(crate) fn member_name(records: &VillageRecords, id: taizhang_domain::MemberId) -> String {
    records.members.iter().find(|m| m.id == id).map_or_else(|| id.to_string(), |m| m.name.clone())
}
