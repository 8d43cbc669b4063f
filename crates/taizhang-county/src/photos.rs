//! The photos and scans of a village's records on the county and township pages (issue 19):
//! which records refer to which attachments ([`attachment_refs`], the one list of record kinds
//! that carry them), whether a hash is one a record of the village refers to (the county page
//! serves no other), and the page's view of them ([`photos_view`]: per record, each attachment
//! with its state on the server in words — 已上传 or 照片尚未上传, never a broken image).
//! Pure: the caller tells which hashes the blob store has finished.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use taizhang_rules::VillageRecords;

/// A record kind that carries attachments, with its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachedKind {
    /// 入户走访.
    Visit,
    /// 民情日记.
    Diary,
    /// 农户 (a photo of the house, a scanned document).
    Household,
    /// 承诺事项.
    FollowUp,
    /// 项目进展.
    Progress,
    /// 帮扶计划 (the signed responsibility letter).
    Plan,
}

impl AttachedKind {
    pub fn code(self) -> &'static str {
        match self {
            AttachedKind::Visit => "visit",
            AttachedKind::Diary => "diary",
            AttachedKind::Household => "household",
            AttachedKind::FollowUp => "followup",
            AttachedKind::Progress => "progress",
            AttachedKind::Plan => "plan",
        }
    }
}

/// One record's attachments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRef<'a> {
    pub kind: AttachedKind,
    /// The record's id (as the page and the exports show it).
    pub record: String,
    pub hashes: &'a [String],
}

/// Every record of the village that has attachments, in kind order; everything else (serving,
/// the page's list) reads this list.
pub fn attachment_refs(r: &VillageRecords) -> Vec<AttachmentRef<'_>> {
    let visits = r.visits.iter().map(|v| (AttachedKind::Visit, v.id.to_string(), v.attachments.as_slice()));
    let diary = r.diary.iter().map(|d| (AttachedKind::Diary, d.id.to_string(), d.attachments.as_slice()));
    let households =
        r.households.iter().map(|h| (AttachedKind::Household, h.id.to_string(), h.details.attachments.as_slice()));
    let follow_ups = r.follow_ups.iter().map(|f| (AttachedKind::FollowUp, f.id.to_string(), f.attachments.as_slice()));
    let progress = r.progress.iter().map(|u| (AttachedKind::Progress, u.id.to_string(), u.attachments.as_slice()));
    let plans = r.plans.iter().map(|p| (AttachedKind::Plan, p.id.to_string(), p.attachments.as_slice()));
    visits
        .chain(diary)
        .chain(households)
        .chain(follow_ups)
        .chain(progress)
        .chain(plans)
        .filter(|(_, _, hashes)| !hashes.is_empty())
        .map(|(kind, record, hashes)| AttachmentRef { kind, record, hashes })
        .collect()
}

/// The hashes any record of the village refers to.
pub fn referenced_hashes(r: &VillageRecords) -> BTreeSet<&str> {
    attachment_refs(r).into_iter().flat_map(|a| a.hashes.iter().map(String::as_str)).collect()
}

/// Whether a record of the village refers to `hash` (the county page serves only those).
pub fn refers_to(r: &VillageRecords, hash: &str) -> bool {
    attachment_refs(r).iter().any(|a| a.hashes.iter().any(|h| h == hash))
}

/// What the server holds of one attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stored {
    /// The file's type (`jpeg`, `png`, `webp`, `pdf`).
    pub kind: &'static str,
    /// Whether the server made a thumbnail (images).
    pub thumb: bool,
}

/// One attachment of a record, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhotoLine {
    pub hash: String,
    /// `stored` (checked, whole, served) or `pending` (not uploaded yet, or still uploading).
    pub state: &'static str,
    /// The state in words, zh then en.
    pub words: &'static str,
    /// The file's type once stored.
    pub kind: Option<&'static str>,
    /// Whether a thumbnail can be asked for.
    pub thumb: bool,
}

/// One record's attachments on the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordPhotos {
    pub kind: AttachedKind,
    pub photos: Vec<PhotoLine>,
}

/// `GET /county/api/village/{id}/photos`: every record with attachments, by record id.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PhotosView {
    pub records: BTreeMap<String, RecordPhotos>,
    /// Attachments referred to and stored / not yet on the server.
    pub stored: usize,
    pub pending: usize,
}

/// Words for a stored attachment.
pub const STORED_WORDS: &str = "已上传 / uploaded";
/// Words for an attachment the server does not have whole yet.
pub const PENDING_WORDS: &str = "照片尚未上传 / not uploaded yet";

/// The page's view of the village's attachments; `stored` holds what the blob store has
/// finished (by hash), anything else is pending.
pub fn photos_view(r: &VillageRecords, stored: &BTreeMap<String, Stored>) -> PhotosView {
    let mut view = PhotosView::default();
    for a in attachment_refs(r) {
        let photos = a
            .hashes
            .iter()
            .map(|h| match stored.get(h) {
                Some(s) => PhotoLine {
                    hash: h.clone(),
                    state: "stored",
                    words: STORED_WORDS,
                    kind: Some(s.kind),
                    thumb: s.thumb,
                },
                None => PhotoLine { hash: h.clone(), state: "pending", words: PENDING_WORDS, kind: None, thumb: false },
            })
            .collect::<Vec<_>>();
        view.stored += photos.iter().filter(|p| p.state == "stored").count();
        view.pending += photos.iter().filter(|p| p.state == "pending").count();
        view.records.insert(a.record, RecordPhotos { kind: a.kind, photos });
    }
    view
}

#[cfg(test)]
mod tests {
    use super::*;
    use taizhang_domain::{DiaryEntry, DiaryId, HouseholdId, MemberId, Visit, VisitId};
    use uuid::Uuid;

    fn hash(c: char) -> String {
        c.to_string().repeat(64)
    }

    fn records() -> VillageRecords {
        let visit = |n: u128, attachments: Vec<String>| Visit {
            id: VisitId(Uuid::from_u128(n)),
            household: HouseholdId(Uuid::from_u128(9)),
            member: MemberId(Uuid::from_u128(1)),
            at: 0,
            location: None,
            findings: String::new(),
            needs: String::new(),
            follow_up: String::new(),
            amends: None,
            attachments,
        };
        VillageRecords {
            visits: vec![visit(1, vec![hash('a'), hash('b')]), visit(2, Vec::new())],
            diary: vec![DiaryEntry {
                id: DiaryId(Uuid::from_u128(3)),
                member: MemberId(Uuid::from_u128(1)),
                date: chrono::NaiveDate::from_ymd_opt(2026, 11, 2).expect("date"),
                text: "走访".into(),
                amends: None,
                written_at: 0,
                attachments: vec![hash('a')],
            }],
            ..Default::default()
        }
    }

    #[test]
    fn only_records_with_attachments_are_listed_and_a_hash_shared_by_two_is_referenced_once() {
        let r = records();
        let refs = attachment_refs(&r);
        let kinds: Vec<(AttachedKind, usize)> = refs.iter().map(|a| (a.kind, a.hashes.len())).collect();
        assert_eq!(kinds, [(AttachedKind::Visit, 2), (AttachedKind::Diary, 1)]);
        assert_eq!(referenced_hashes(&r).len(), 2);
        assert!(refers_to(&r, &hash('b')));
        assert!(!refers_to(&r, &hash('c')), "a hash no record names is not the village's to show");
    }

    /// A household's photo, a follow-up item's, a progress update's and the signed letter's
    /// are the village's to show too (issue 19 × 22), each under its own record.
    #[test]
    fn households_items_progress_and_the_letter_are_listed_with_their_photos() {
        let mut r = records();
        let mut h = taizhang_doc::demo::households(1).remove(0);
        h.details.attachments = vec![hash('c')];
        let hid = h.id.to_string();
        r.households.push(h);
        let demo_follow_up = taizhang_domain::FollowUp {
            id: taizhang_domain::FollowUpId(Uuid::from_u128(21)),
            household: HouseholdId(Uuid::from_u128(9)),
            visit: None,
            text: "申请危房改造".into(),
            owner: MemberId(Uuid::from_u128(1)),
            due: None,
            created_by: MemberId(Uuid::from_u128(1)),
            created_at: 0,
            done_by: None,
            done_at: None,
            done_note: String::new(),
            project: None,
            attachments: vec![hash('d')],
        };
        r.follow_ups.push(demo_follow_up);
        let refs = attachment_refs(&r);
        let kinds: Vec<(AttachedKind, &str)> = refs.iter().map(|a| (a.kind, a.hashes[0].as_str())).collect();
        assert_eq!(
            kinds,
            [
                (AttachedKind::Visit, hash('a').as_str()),
                (AttachedKind::Diary, hash('a').as_str()),
                (AttachedKind::Household, hash('c').as_str()),
                (AttachedKind::FollowUp, hash('d').as_str()),
            ]
        );
        assert_eq!(refs[2].record, hid);
        assert!(refers_to(&r, &hash('c')) && refers_to(&r, &hash('d')), "served to the page");
        assert_eq!(AttachedKind::Plan.code(), "plan");
    }

    #[test]
    fn an_attachment_the_server_has_not_finished_is_pending_in_words() {
        let r = records();
        let stored = BTreeMap::from([(hash('a'), Stored { kind: "jpeg", thumb: true })]);
        let v = photos_view(&r, &stored);
        assert_eq!((v.stored, v.pending), (2, 1), "a is stored (on two records), b is not");
        let visit = &v.records[&Uuid::from_u128(1).to_string()];
        assert_eq!(visit.kind, AttachedKind::Visit);
        let states: Vec<(&str, &str, bool)> = visit.photos.iter().map(|p| (p.state, p.words, p.thumb)).collect();
        assert_eq!(states, [("stored", STORED_WORDS, true), ("pending", PENDING_WORDS, false)]);
        assert!(PENDING_WORDS.starts_with("照片尚未上传"));
        assert!(!v.records.contains_key(&Uuid::from_u128(2).to_string()), "a visit without photos is not listed");
    }
}
