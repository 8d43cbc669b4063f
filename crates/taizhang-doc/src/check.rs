//! The server's check of what a push leaves in a document: every record the push touched
//! must be a record of a kind that belongs in that document, readable with the field types
//! this version knows, within the domain's size limits, and — in a member's log — that
//! member's, dated in the log's month (so a filed month cannot be reached through another
//! month's log). The same domain validation the device runs before saving, without the
//! parts that need the rest of the ledger (a household's existence is another document's).

use std::collections::BTreeSet;

use automerge::{Automerge, ObjType, ReadDoc, Value, ROOT};
use taizhang_domain::{
    local_month, validate_check_in, validate_diary, validate_family_member, validate_finding, validate_follow_up,
    validate_household, validate_leave, validate_meeting, validate_member, validate_plan_item, validate_progress,
    validate_project, validate_report, validate_score_sheet, validate_situation, validate_submission, validate_visit,
    CheckIn, DiaryEntry, DiaryId, FamilyMember, Finding, FollowUp, Household, HouseholdId, LeaveRequest, LedgerView,
    Limits, Meeting, Member, MemberId, MonthScoreSheet, MonthSubmission, PlanItem, ProgressUpdate, Project, TeamReport,
    Timestamp, VillageSituation, Visit, YearMonth,
};

use crate::{read_one, DocId, FilingRecord, Record, VillageRecord};

/// Most fields one record may hold (this version writes at most about 20; newer versions may
/// add some, which survive, but not without bound).
pub const MAX_FIELDS: usize = 64;

/// Why a touched record cannot be stored, for the device in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProblem {
    /// The record's root key (`diary/<uuid>`).
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "record {}: {}", self.key, self.message)
    }
}

/// A ledger that has everything: the checks that need other documents are the device's
/// (it validates against its whole ledger before saving); here only a record's own shape counts.
struct Anything;

impl LedgerView for Anything {
    fn household_exists(&self, _: HouseholdId) -> bool {
        true
    }
    fn member_exists(&self, _: MemberId) -> bool {
        true
    }
    fn month_filed(&self, _: MemberId, _: YearMonth) -> bool {
        false
    }
    fn diary_entry_exists(&self, _: DiaryId) -> bool {
        true
    }
}

/// The "now" the server checks records against: times are never a reason to refuse a record
/// (a phone whose clock runs a year ahead keeps everything it records; the server's clock
/// report flags it instead, `taizhang_sync::clock_flags`), so only a record's shape counts.
const NO_TIME_LIMIT: Timestamp = 253_402_300_799_000; // 9999-12-31T23:59:59Z

/// Checks every record at `keys` (the root keys a push touched) as it stands in `after`
/// (the document with the push applied). A key whose record was deleted needs no check
/// (deletion is a permission question, decided elsewhere). Dates and times are checked for
/// where they put a record (a log's month), never against the server's clock.
pub fn check_touched(
    doc: &DocId,
    after: &Automerge,
    keys: &BTreeSet<String>,
    limits: &Limits,
) -> Result<(), RecordProblem> {
    for key in keys {
        check_one(doc, after, key, NO_TIME_LIMIT, limits)
            .map_err(|message| RecordProblem { key: key.chars().take(80).collect(), message })?;
    }
    Ok(())
}

fn check_one(doc: &DocId, after: &Automerge, key: &str, now: Timestamp, limits: &Limits) -> Result<(), String> {
    let obj = match after.get(ROOT, key).map_err(|e| e.to_string())? {
        None => return Ok(()),
        Some((Value::Object(ObjType::Map), obj)) => obj,
        Some(_) => return Err("a record must be a map of fields; this key holds something else".into()),
    };
    let fields = after.length(&obj);
    if fields > MAX_FIELDS {
        return Err(format!("{fields} fields; a record holds at most {MAX_FIELDS}"));
    }
    // Unknown fields (a newer app's) survive, but within the text limit, and scalar only.
    let max_chars = limits.max_text_chars;
    for item in after.map_range(&obj, ..) {
        match item.value.into_value() {
            Value::Object(_) => {
                return Err(format!("field {} holds a nested object; fields are plain values", item.key))
            }
            Value::Scalar(s) => {
                if let automerge::ScalarValue::Str(text) = s.as_ref() {
                    let len = text.chars().count();
                    if len > max_chars {
                        return Err(format!(
                            "field {} has {len} characters; at most {max_chars} are allowed: shorten it",
                            item.key
                        ));
                    }
                }
            }
        }
    }
    let kind = key.split_once('/').map(|(k, _)| k).unwrap_or(key);
    let v = Anything;
    let wrong_place = || format!("a {kind} record does not belong in document {doc}");
    match (doc, kind) {
        (DocId::Registry, VillageRecord::PREFIX) => read::<VillageRecord>(after, key).map(|_| ()),
        (DocId::Registry, Member::PREFIX) => {
            read::<Member>(after, key).and_then(|m| validate_member(&m, limits).map_err(|e| e.to_string()))
        }
        (DocId::Registry, Household::PREFIX) => {
            read::<Household>(after, key).and_then(|h| validate_household(&h, &v, limits).map_err(|e| e.to_string()))
        }
        (DocId::Registry, FamilyMember::PREFIX) => read::<FamilyMember>(after, key).and_then(|p| {
            // The birth year is checked against the year 9999 here: never the server's clock.
            validate_family_member(&p, &v, 9999, limits).map_err(|e| e.to_string())
        }),
        (DocId::Registry, FollowUp::PREFIX) => read::<FollowUp>(after, key).and_then(|f| {
            // The item's own shape; its times are never checked against the server's clock.
            validate_follow_up(&f, &v, now, limits).map_err(|e| e.to_string())
        }),
        // An inspection finding and its answer (issue 16): shape only, never the server's clock.
        (DocId::Registry, Finding::PREFIX) => {
            read::<Finding>(after, key).and_then(|f| validate_finding(&f, &v, now, limits).map_err(|e| e.to_string()))
        }
        // The village's own ledger (issue 22): meetings, projects and their progress updates.
        // Their days are checked against the server's "now" of year 9999: never refused late.
        (DocId::Registry, Meeting::PREFIX) => {
            read::<Meeting>(after, key).and_then(|m| validate_meeting(&m, &v, now, limits).map_err(|e| e.to_string()))
        }
        (DocId::Registry, Project::PREFIX) => {
            read::<Project>(after, key).and_then(|p| validate_project(&p, &v, now, limits).map_err(|e| e.to_string()))
        }
        (DocId::Registry, ProgressUpdate::PREFIX) => read::<ProgressUpdate>(after, key)
            .and_then(|u| validate_progress(&u, &v, now, limits).map_err(|e| e.to_string())),
        // The village situation (村情) and the plans (issue 22), likewise.
        (DocId::Registry, VillageSituation::PREFIX) => read::<VillageSituation>(after, key)
            .and_then(|x| validate_situation(&x, &v, now, limits).map_err(|e| e.to_string())),
        (DocId::Registry, PlanItem::PREFIX) => read::<PlanItem>(after, key)
            .and_then(|p| validate_plan_item(&p, &v, now, limits).map_err(|e| e.to_string())),
        (DocId::Team { year }, LeaveRequest::PREFIX) => {
            let l = read::<LeaveRequest>(after, key)?;
            validate_leave(&l, &v, limits).map_err(|e| e.to_string())?;
            use chrono::Datelike;
            if l.from.year() != *year {
                return Err(format!("a leave starting on {} belongs in team/{:04}, not {doc}", l.from, l.from.year()));
            }
            Ok(())
        }
        (DocId::Team { year }, FilingRecord::PREFIX) => {
            let f = read::<FilingRecord>(after, key)?;
            if f.0.month.year != *year {
                return Err(format!("a filing of {} belongs in team/{:04}, not {doc}", f.0.month, f.0.month.year));
            }
            Ok(())
        }
        (DocId::Team { year }, MonthScoreSheet::PREFIX) => {
            let sheet = read::<MonthScoreSheet>(after, key)?;
            if sheet.key() != key {
                return Err(format!(
                    "a score sheet of {} for {} is kept at key {}",
                    sheet.member,
                    sheet.month,
                    sheet.key()
                ));
            }
            validate_score_sheet(&sheet, &v, now, limits).map_err(|e| e.to_string())?;
            if sheet.month.year != *year {
                return Err(format!(
                    "a score sheet of {} belongs in team/{:04}, not {doc}",
                    sheet.month, sheet.month.year
                ));
            }
            Ok(())
        }
        (DocId::Team { year }, MonthSubmission::PREFIX) => {
            let sub = read::<MonthSubmission>(after, key)?;
            if sub.key() != key {
                return Err(format!("a submission of {} for {} is kept at key {}", sub.member, sub.month, sub.key()));
            }
            // Submitting is never refused for arriving late: the server's "now" is no limit.
            validate_submission(&sub, &v, now, limits).map_err(|e| e.to_string())?;
            if sub.month.year != *year {
                return Err(format!("a submission of {} belongs in team/{:04}, not {doc}", sub.month, sub.month.year));
            }
            Ok(())
        }
        (DocId::Team { year }, TeamReport::PREFIX) => {
            let r = read::<TeamReport>(after, key)?;
            if r.key() != key {
                return Err(format!("the report of {} is kept at key {}", r.period, r.key()));
            }
            validate_report(&r, &v, now, limits).map_err(|e| e.to_string())?;
            if r.period.year() != *year {
                return Err(format!("the report of {} belongs in team/{:04}, not {doc}", r.period, r.period.year()));
            }
            Ok(())
        }
        (DocId::Log { member, month }, Visit::PREFIX) => {
            let r = read::<Visit>(after, key)?;
            validate_visit(&r, &v, now, limits).map_err(|e| e.to_string())?;
            in_log(*member, *month, r.member, local_month(r.at), doc)
        }
        (DocId::Log { member, month }, DiaryEntry::PREFIX) => {
            let r = read::<DiaryEntry>(after, key)?;
            validate_diary(&r, &v, now, limits).map_err(|e| e.to_string())?;
            in_log(*member, *month, r.member, YearMonth::of(r.date), doc)
        }
        (DocId::Log { member, month }, CheckIn::PREFIX) => {
            let r = read::<CheckIn>(after, key)?;
            validate_check_in(&r, &v, now, limits).map_err(|e| e.to_string())?;
            in_log(*member, *month, r.member, local_month(r.at), doc)
        }
        _ => Err(wrong_place()),
    }
}

fn read<R: Record>(doc: &Automerge, key: &str) -> Result<R, String> {
    match read_one::<R>(doc, key) {
        Ok(Some(r)) => Ok(r.record),
        Ok(None) => Err("the record is missing".into()),
        Err(e) => Err(format!("the record cannot be read: {e}")),
    }
}

/// A record in `log/<owner>/<month>` must be the owner's and dated in that month.
fn in_log(owner: MemberId, month: YearMonth, member: MemberId, dated: YearMonth, doc: &DocId) -> Result<(), String> {
    if member != owner {
        return Err(format!("the record says it is member {member}'s, but {doc} is member {owner}'s log"));
    }
    if dated != month {
        return Err(format!(
            "the record is dated in {dated} but {doc} is the log of {month}: it belongs in that month's log"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write;
    use automerge::transaction::Transactable;
    use taizhang_domain::{CheckInId, CheckKind, VisitId};
    use uuid::Uuid;

    const NOW: Timestamp = 1_795_536_000_000 + 10 * 3_600_000; // 2026-11-25 10:00 Shanghai
    const DAY: i64 = 86_400_000;

    fn me() -> MemberId {
        MemberId(Uuid::from_u128(1))
    }
    fn log() -> DocId {
        DocId::Log { member: me(), month: local_month(NOW) }
    }
    fn doc_with(f: impl FnOnce(&mut automerge::transaction::Transaction<'_>)) -> (Automerge, BTreeSet<String>) {
        let mut doc = Automerge::new();
        let mut tx = doc.transaction();
        f(&mut tx);
        tx.commit();
        let keys = doc.keys(ROOT).collect();
        (doc, keys)
    }
    fn check_in(member: MemberId, at: Timestamp) -> CheckIn {
        CheckIn { id: CheckInId(Uuid::now_v7()), member, at, kind: CheckKind::In, location: None, in_geofence: None }
    }
    fn diary(text: String) -> DiaryEntry {
        DiaryEntry {
            id: DiaryId(Uuid::now_v7()),
            member: me(),
            date: taizhang_domain::local_date(NOW),
            text,
            amends: None,
            written_at: NOW,
            attachments: Vec::new(),
        }
    }
    fn check(doc: &DocId, am: &Automerge, keys: &BTreeSet<String>) -> Result<(), RecordProblem> {
        check_touched(doc, am, keys, &Limits::default())
    }

    #[test]
    fn a_members_own_records_of_the_month_pass() {
        let (am, keys) = doc_with(|tx| {
            write(tx, &check_in(me(), NOW - DAY)).expect("write");
            write(tx, &diary("今天走访了三户".into())).expect("write");
            let v = Visit {
                id: VisitId(Uuid::now_v7()),
                household: HouseholdId(Uuid::from_u128(9)),
                member: me(),
                at: NOW,
                location: None,
                findings: "家中老人身体尚可".into(),
                needs: String::new(),
                follow_up: String::new(),
                amends: None,
                attachments: Vec::new(),
            };
            write(tx, &v).expect("write");
        });
        assert_eq!(keys.len(), 3);
        check(&log(), &am, &keys).expect("valid records pass");
    }

    #[test]
    fn a_follow_up_item_belongs_in_the_registry_and_needs_its_promise() {
        use taizhang_domain::{FollowUp, FollowUpId};
        let item = FollowUp {
            id: FollowUpId(Uuid::now_v7()),
            household: HouseholdId(Uuid::from_u128(9)),
            visit: None,
            text: "帮助申请低保".into(),
            owner: me(),
            due: chrono::NaiveDate::from_ymd_opt(2026, 12, 10),
            created_by: me(),
            // Written on a phone whose clock ran a year ahead: still accepted.
            created_at: NOW + 365 * DAY,
            done_by: Some(MemberId(Uuid::from_u128(2))),
            done_at: Some(NOW + 366 * DAY),
            done_note: "已办".into(),
            project: None,
            attachments: Vec::new(),
        };
        let (am, keys) = doc_with(|tx| write(tx, &item).expect("write"));
        check(&DocId::Registry, &am, &keys).expect("a follow-up item in the registry passes");
        let e = check(&log(), &am, &keys).expect_err("not in a log");
        assert!(e.message.contains("does not belong in document"), "{e}");
        let (am, keys) = doc_with(|tx| write(tx, &FollowUp { text: " ".into(), ..item.clone() }).expect("write"));
        let e = check(&DocId::Registry, &am, &keys).expect_err("no promise");
        assert!(e.message.contains("follow-up item must not be empty"), "{e}");
        let (am, keys) = doc_with(|tx| write(tx, &FollowUp { done_by: None, ..item.clone() }).expect("write"));
        assert!(check(&DocId::Registry, &am, &keys).is_err(), "closed by nobody");
    }

    #[test]
    fn a_situation_and_plan_items_belong_in_the_registry_and_read_back_whole() {
        use taizhang_domain::{Cadre, Education, PlanId, PlanItem, PlanKind, PlanState, VillageSituation};
        let situation = VillageSituation {
            population: Some(1_204),
            committee: vec![Cadre {
                name: "王建国".into(),
                post: "村党支部书记".into(),
                birth_year: Some(1972),
                education: Some(Education::Senior),
            }],
            collective_income_yuan: Some(86_000),
            problems: "三组通组路未硬化".into(),
            // Written on a phone whose clock ran a year ahead: still accepted.
            ..VillageSituation::empty(2026, me(), NOW + 365 * DAY)
        };
        let goal = PlanItem {
            id: PlanId(Uuid::now_v7()),
            kind: PlanKind::ThreeYear,
            year: 2025,
            title: "壮大村集体经济".into(),
            target: "收入达到10万元".into(),
            due: chrono::NaiveDate::from_ymd_opt(2027, 12, 31),
            state: PlanState::Open,
            result: String::new(),
            closed_on: None,
            recorded_by: me(),
            recorded_at: NOW,
            attachments: Vec::new(),
        };
        let (am, keys) = doc_with(|tx| {
            write(tx, &situation).expect("write");
            write(tx, &goal).expect("write");
        });
        check(&DocId::Registry, &am, &keys).expect("a situation and a goal pass in the registry");
        let e = check(&log(), &am, &keys).expect_err("not in a log");
        assert!(e.message.contains("does not belong in document"), "{e}");
        assert_eq!(
            read_one::<VillageSituation>(&am, "situation/2026").expect("read").map(|r| r.record),
            Some(situation.clone())
        );
        assert_eq!(read_one::<PlanItem>(&am, &goal.key()).expect("read").map(|r| r.record), Some(goal.clone()));
        let mut nameless = situation.clone();
        nameless.committee[0].name = String::new();
        let (am, keys) = doc_with(|tx| write(tx, &nameless).expect("write"));
        let e = check(&DocId::Registry, &am, &keys).expect_err("no name");
        assert!(e.message.contains("committee member's name must not be empty"), "{e}");
        let (am, keys) = doc_with(|tx| write(tx, &PlanItem { state: PlanState::Done, ..goal.clone() }).expect("write"));
        assert!(check(&DocId::Registry, &am, &keys).is_err(), "done without a day or a result");
    }

    #[test]
    fn meetings_projects_and_progress_belong_in_the_registry() {
        use chrono::NaiveDate;
        use taizhang_domain::{Funding, MeetingId, MeetingKind, ProgressId, ProjectId, ProjectKind, ProjectState};
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("day");
        let lecture = Meeting {
            id: MeetingId(Uuid::now_v7()),
            date: day(11, 20),
            kind: MeetingKind::PartyLecture,
            led_by: "县委党校 王老师".into(),
            attendance: Some(31),
            topics: "学习二十届四中全会精神".into(),
            decisions: String::new(),
            recorded_by: me(),
            // Recorded on a phone whose clock ran a year ahead: still accepted.
            recorded_at: NOW + 365 * DAY,
        };
        let road = Project {
            id: ProjectId(Uuid::now_v7()),
            name: "三组通组路硬化".into(),
            kind: ProjectKind::Practical,
            funding: Funding { fiscal: Some(150_000), party_fees: Some(5_000), ..Funding::default() },
            households: vec![HouseholdId(Uuid::from_u128(9)), HouseholdId(Uuid::from_u128(10))],
            state: ProjectState::Done,
            started_on: Some(day(9, 1)),
            created_by: me(),
            created_at: NOW,
            closed_on: Some(day(11, 30)),
            closed_by: Some(me()),
            result: "1.2公里,已验收".into(),
        };
        let update = ProgressUpdate {
            id: ProgressId(Uuid::now_v7()),
            project: road.id,
            day: day(10, 15),
            text: "路基完成".into(),
            by: me(),
            at: NOW,
            attachments: Vec::new(),
        };
        let (am, keys) = doc_with(|tx| {
            write(tx, &lecture).expect("write");
            write(tx, &road).expect("write");
            write(tx, &update).expect("write");
        });
        check(&DocId::Registry, &am, &keys).expect("the village ledger's records pass in the registry");
        let e = check(&log(), &am, &keys).expect_err("not in a log");
        assert!(e.message.contains("does not belong in document"), "{e}");
        let (am, keys) = doc_with(|tx| write(tx, &Meeting { topics: " ".into(), ..lecture.clone() }).expect("write"));
        let e = check(&DocId::Registry, &am, &keys).expect_err("no topics");
        assert!(e.message.contains("meeting topics must not be empty"), "{e}");
        let (am, keys) = doc_with(|tx| write(tx, &Project { result: String::new(), ..road.clone() }).expect("write"));
        assert!(check(&DocId::Registry, &am, &keys).is_err(), "closed without a result");
        let (am, keys) =
            doc_with(|tx| write(tx, &ProgressUpdate { text: String::new(), ..update.clone() }).expect("write"));
        assert!(check(&DocId::Registry, &am, &keys).is_err(), "an empty update");
        // Read back whole.
        let (am, _) = doc_with(|tx| write(tx, &road).expect("write"));
        assert_eq!(crate::read_one::<Project>(&am, &road.key()).expect("read").expect("held").record, road);
    }

    #[test]
    fn a_check_in_dated_in_another_month_cannot_enter_this_log() {
        // The hole: a check-in of 15 November pushed into the December log after November was filed.
        let (am, keys) = doc_with(|tx| write(tx, &check_in(me(), NOW - 10 * DAY)).expect("write"));
        let december = DocId::Log { member: me(), month: YearMonth { year: 2026, month: 12 } };
        let e = check(&december, &am, &keys).expect_err("wrong month");
        assert!(e.message.contains("belongs in that month's log"), "{e}");
    }

    #[test]
    fn a_record_claiming_a_colleague_cannot_stand_in_my_log() {
        let colleague = MemberId(Uuid::from_u128(2));
        let (am, keys) = doc_with(|tx| write(tx, &check_in(colleague, NOW)).expect("write"));
        let e = check(&log(), &am, &keys).expect_err("not mine");
        assert!(e.message.contains("log"), "{e}");
    }

    #[test]
    fn an_oversized_diary_entry_is_refused_with_its_size() {
        let (am, keys) = doc_with(|tx| write(tx, &diary("字".repeat(1_300_000))).expect("write"));
        let e = check(&log(), &am, &keys).expect_err("too long");
        assert!(e.message.contains("1300000"), "{e}");
    }

    #[test]
    fn an_unknown_huge_field_or_a_nested_object_is_refused() {
        let (am, keys) = doc_with(|tx| {
            write(tx, &check_in(me(), NOW)).expect("write");
            let key = tx.keys(ROOT).next().expect("key");
            let obj = tx.get(ROOT, &key).expect("get").expect("some").1;
            tx.put(&obj, "future_field", "x".repeat(20_000)).expect("put");
        });
        assert!(check(&log(), &am, &keys).expect_err("huge").message.contains("future_field"));
        let (am, keys) = doc_with(|tx| {
            write(tx, &check_in(me(), NOW)).expect("write");
            let key = tx.keys(ROOT).next().expect("key");
            let obj = tx.get(ROOT, &key).expect("get").expect("some").1;
            tx.put_object(&obj, "nested", ObjType::Map).expect("put");
        });
        assert!(check(&log(), &am, &keys).expect_err("nested").message.contains("nested object"));
    }

    #[test]
    fn records_of_the_wrong_kind_or_shape_are_refused() {
        let (am, keys) = doc_with(|tx| write(tx, &check_in(me(), NOW)).expect("write"));
        assert!(check(&DocId::Registry, &am, &keys).expect_err("kind").message.contains("does not belong"));
        let (am, keys) = doc_with(|tx| {
            tx.put(ROOT, "checkin/0195f000-0000-7000-8000-000000000000", "not a map").expect("put");
        });
        assert!(check(&log(), &am, &keys).expect_err("shape").message.contains("map of fields"));
        let (am, keys) = doc_with(|tx| {
            let obj = tx.put_object(ROOT, "checkin/0195f000-0000-7000-8000-000000000000", ObjType::Map).expect("obj");
            tx.put(&obj, "member", me().to_string()).expect("put");
            tx.put(&obj, "at", "yesterday").expect("put");
        });
        assert!(check(&log(), &am, &keys).expect_err("types").message.contains("cannot be read"));
    }

    #[test]
    fn a_deleted_record_needs_no_check_and_a_clock_a_year_ahead_loses_nothing() {
        let (am, _) = doc_with(|tx| write(tx, &check_in(me(), NOW)).expect("write"));
        let gone: BTreeSet<String> = ["checkin/0195f000-0000-7000-8000-000000000001".to_string()].into();
        check(&log(), &am, &gone).expect("nothing to check");
        let ahead = NOW + 365 * DAY;
        let (am, keys) = doc_with(|tx| write(tx, &check_in(me(), ahead)).expect("write"));
        let its_month = DocId::Log { member: me(), month: local_month(ahead) };
        check(&its_month, &am, &keys).expect("a clock a year ahead is flagged elsewhere, its records kept");
    }

    #[test]
    fn a_score_sheet_is_checked_in_its_years_team_document() {
        use taizhang_domain::{ScoreItem, ScoreItemKind, ScoreState};
        let sheet = MonthScoreSheet {
            member: MemberId(Uuid::from_u128(2)),
            month: "2026-10".parse().expect("month"),
            items: vec![ScoreItem { kind: ScoreItemKind::Deduction, points: 1.0, reason: "日志缺记".into() }],
            note: String::new(),
            scored_by: me(),
            scored_at: NOW,
            state: ScoreState::Entered,
            checked_by: None,
            checked_at: None,
            check_note: String::new(),
            audited_by: None,
            audited_at: None,
            audit_points: None,
            audit_note: String::new(),
        };
        let (am, keys) = doc_with(|tx| write(tx, &sheet).expect("write"));
        check(&DocId::Team { year: 2026 }, &am, &keys).expect("a valid sheet");
        assert!(check(&DocId::Team { year: 2027 }, &am, &keys).expect_err("year").message.contains("team/2026"));
        assert!(check(&log(), &am, &keys).is_err());
        let veto = MonthScoreSheet {
            items: vec![ScoreItem { kind: ScoreItemKind::Veto, points: 3.0, reason: "脱岗".into() }],
            ..sheet.clone()
        };
        let (am, keys) = doc_with(|tx| write(tx, &veto).expect("write"));
        assert!(check(&DocId::Team { year: 2026 }, &am, &keys).is_err());
        let returned = MonthScoreSheet { state: ScoreState::Returned, ..sheet.clone() };
        let (am, keys) = doc_with(|tx| write(tx, &returned).expect("write"));
        assert!(check(&DocId::Team { year: 2026 }, &am, &keys).expect_err("reason").message.contains("check note"));
        // A sheet under another member's key.
        let (am, _) = doc_with(|tx| write(tx, &sheet).expect("write"));
        let obj = am.get(ROOT, sheet.key().as_str()).expect("get").expect("there").1;
        let mut am2 = am.clone();
        let mut tx = am2.transaction();
        tx.put(&obj, "member", Uuid::from_u128(3).to_string()).expect("put");
        tx.commit();
        let keys: BTreeSet<String> = [sheet.key()].into();
        assert!(check(&DocId::Team { year: 2026 }, &am2, &keys).expect_err("key").message.contains("kept at key"));
    }
    #[test]
    fn submissions_and_reports_are_checked_in_their_years_team_document() {
        use taizhang_domain::{ReportPeriod, TeamReport};
        let october = "2026-10".parse().expect("month");
        let sub = MonthSubmission {
            member: me(),
            month: october,
            gaps: vec![chrono::NaiveDate::from_ymd_opt(2026, 10, 9).expect("date")],
            note: "开会".into(),
            submitted_at: NOW,
        };
        let (am, keys) = doc_with(|tx| write(tx, &sub).expect("write"));
        check(&DocId::Team { year: 2026 }, &am, &keys).expect("a submission, however late");
        assert!(check(&DocId::Team { year: 2027 }, &am, &keys).expect_err("year").message.contains("team/2026"));
        assert!(check(&log(), &am, &keys).is_err(), "not in a log");
        let stray = MonthSubmission { gaps: vec![chrono::NaiveDate::from_ymd_opt(2026, 9, 30).expect("date")], ..sub };
        let (am, keys) = doc_with(|tx| write(tx, &stray).expect("write"));
        assert!(check(&DocId::Team { year: 2026 }, &am, &keys).expect_err("gap").message.contains("gaps"));

        let r = TeamReport {
            period: ReportPeriod::Quarter { year: 2026, quarter: 3 },
            text: "第三季度报告".into(),
            written_by: me(),
            written_at: NOW,
        };
        let (am, keys) = doc_with(|tx| write(tx, &r).expect("write"));
        check(&DocId::Team { year: 2026 }, &am, &keys).expect("a report");
        assert!(check(&DocId::Team { year: 2025 }, &am, &keys).is_err());
        let empty = TeamReport { text: String::new(), ..r };
        let (am, keys) = doc_with(|tx| write(tx, &empty).expect("write"));
        assert!(check(&DocId::Team { year: 2026 }, &am, &keys).expect_err("empty").message.contains("empty"));
    }
}
