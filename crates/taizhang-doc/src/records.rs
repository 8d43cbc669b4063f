//! Field layout of each record kind. Field names are part of the stored format: never rename
//! one; add new fields instead (older versions keep them untouched).

use automerge::ScalarValue;
use chrono::NaiveDate;
use taizhang_domain::{
    day_start, Cadre, CheckIn, CheckKind, DiaryEntry, Education, FamilyMember, Finding, FollowUp, Funding, GeoPoint,
    Geofence, GpsFix, Guarantee, Health, Household, HouseholdDetails, HouseholdId, HouseholdStatus, LeaveKind,
    LeaveRequest, LeaveState, Meeting, MeetingKind, Member, MemberId, MonitoredType, MonthFiling, MonthScoreSheet,
    MonthSubmission, PlanItem, PlanKind, PlanState, PovertyCause, ProgressUpdate, Project, ProjectKind, ProjectState,
    Relation, ReportPeriod, RiskKind, Role, Schooling, ScoreItem, ScoreItemKind, ScoreState, TeamReport, Village,
    VillageSituation, Visit, WorkAbility, YearMonth,
};

use crate::{DocError, Fields, Record};

fn s(v: impl Into<String>) -> Option<ScalarValue> {
    Some(ScalarValue::Str(v.into().into()))
}
fn i(v: i64) -> Option<ScalarValue> {
    Some(ScalarValue::Int(v))
}
fn f(v: f64) -> Option<ScalarValue> {
    Some(ScalarValue::F64(v))
}
fn date(d: NaiveDate) -> Option<ScalarValue> {
    s(d.format("%Y-%m-%d").to_string())
}
fn parse_date(x: &str) -> Result<NaiveDate, chrono::ParseError> {
    NaiveDate::parse_from_str(x, "%Y-%m-%d")
}
fn id_from_key<T: std::str::FromStr>(key: &str, fields: &Fields) -> Result<T, DocError> {
    let _ = fields;
    key.rsplit('/')
        .next()
        .unwrap_or_default()
        .parse()
        .map_err(|_| DocError::BadField { key: key.to_string(), field: "id" })
}
fn gps_fields(loc: &Option<GpsFix>) -> [(&'static str, Option<ScalarValue>); 3] {
    match loc {
        Some(fx) => [("lat", f(fx.point.lat)), ("lon", f(fx.point.lon)), ("accuracy_m", fx.accuracy_m.and_then(f))],
        None => [("lat", None), ("lon", None), ("accuracy_m", None)],
    }
}
fn read_gps(fields: &Fields) -> Option<GpsFix> {
    Some(GpsFix {
        point: GeoPoint { lat: fields.opt_f64("lat")?, lon: fields.opt_f64("lon")? },
        accuracy_m: fields.opt_f64("accuracy_m"),
    })
}

/// The village itself (one per registry, at key `village`).
#[derive(Debug, Clone, PartialEq)]
pub struct VillageRecord(pub Village);

impl Record for VillageRecord {
    const PREFIX: &'static str = "village";
    fn key(&self) -> String {
        "village/info".to_string()
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        let v = &self.0;
        vec![
            ("id", s(v.id.to_string())),
            ("name", s(v.name.clone())),
            ("county", s(v.county.clone())),
            ("township", s(v.township.clone())),
            ("lat", f(v.geofence.centre.lat)),
            ("lon", f(v.geofence.centre.lon)),
            ("radius_m", f(v.geofence.radius_m)),
        ]
    }
    fn from_fields(_key: &str, x: &Fields) -> Result<Self, DocError> {
        Ok(Self(Village {
            id: x.parsed("id", str::parse)?,
            name: x.str("name")?,
            county: x.text("county"),
            township: x.text("township"),
            geofence: Geofence {
                centre: GeoPoint { lat: x.f64("lat")?, lon: x.f64("lon")? },
                radius_m: x.f64("radius_m")?,
            },
        }))
    }
}

impl Record for Member {
    const PREFIX: &'static str = "member";
    fn key(&self) -> String {
        format!("member/{}", self.id)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        vec![
            ("name", s(self.name.clone())),
            ("role", s(self.role.code())),
            ("helping_unit", s(self.helping_unit.clone())),
            ("term_start", date(self.term_start)),
            ("term_end", self.term_end.and_then(date)),
        ]
    }
    fn from_fields(key: &str, x: &Fields) -> Result<Self, DocError> {
        Ok(Member {
            id: id_from_key(key, x)?,
            name: x.str("name")?,
            role: x.parsed("role", Role::from_code)?,
            helping_unit: x.text("helping_unit"),
            term_start: x.parsed("term_start", parse_date)?,
            term_end: x.opt_parsed("term_end", parse_date)?,
        })
    }
}

impl Record for Household {
    const PREFIX: &'static str = "household";
    fn key(&self) -> String {
        format!("household/{}", self.id)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        let causes: Vec<&str> = self.causes.iter().map(|c| c.code()).collect();
        let mut v = vec![
            ("head", s(self.head.clone())),
            ("members_count", i(i64::from(self.members_count))),
            ("group", s(self.group.clone())),
            ("grid", s(self.grid.clone())),
            ("status", s(self.status.code())),
            ("causes", s(causes.join(","))),
            ("helper", self.helper.and_then(|m| s(m.to_string()))),
            ("plan", s(self.plan.clone())),
            ("income_yuan", self.income_yuan.and_then(i)),
        ];
        household_details_fields(&self.details, &mut v);
        v
    }
    fn from_fields(key: &str, x: &Fields) -> Result<Self, DocError> {
        let causes = x
            .text("causes")
            .split(',')
            .filter(|c| !c.is_empty())
            // A cause added by a newer version reads as "other" rather than failing the record.
            .map(|c| PovertyCause::parse(c).unwrap_or(PovertyCause::Other))
            .collect();
        Ok(Household {
            id: id_from_key(key, x)?,
            head: x.str("head")?,
            members_count: u32::try_from(x.opt_int("members_count").unwrap_or(1)).unwrap_or(1),
            group: x.text("group"),
            grid: x.text("grid"),
            status: x.parsed("status", HouseholdStatus::from_code)?,
            causes,
            helper: x.opt_parsed("helper", str::parse::<MemberId>)?,
            plan: x.text("plan"),
            income_yuan: x.opt_int("income_yuan"),
            details: read_household_details(x),
        })
    }
}

/// The field of each 两不愁三保障 check (`ok` secured, `gap` a problem found).
const CHECK_FIELDS: [(Guarantee, &str); 6] = [
    (Guarantee::Food, "check_food"),
    (Guarantee::Clothing, "check_clothing"),
    (Guarantee::Education, "check_education"),
    (Guarantee::Medical, "check_medical"),
    (Guarantee::Housing, "check_housing"),
    (Guarantee::Water, "check_water"),
];

fn yes_no(b: Option<bool>) -> Option<ScalarValue> {
    b.map(ScalarValue::Boolean)
}
fn read_bool(x: &Fields, field: &str) -> Option<bool> {
    match x.get(field) {
        Some(ScalarValue::Boolean(b)) => Some(*b),
        _ => None,
    }
}
fn nonempty(v: &str) -> Option<ScalarValue> {
    if v.is_empty() {
        None
    } else {
        s(v)
    }
}

fn household_details_fields(d: &HouseholdDetails, v: &mut Vec<(&'static str, Option<ScalarValue>)>) {
    let risks: Vec<&str> = d.risks.iter().map(|r| r.code()).collect();
    v.extend([
        ("phone", nonempty(&d.phone)),
        ("address", nonempty(&d.address)),
        ("door_number", nonempty(&d.door_number)),
        ("monitored_type", d.monitored_type.and_then(|t| s(t.code()))),
        ("risks", nonempty(&risks.join(","))),
        ("risk_cleared_on", d.risk_cleared_on.and_then(date)),
        ("income_per_head_yuan", d.income_per_head_yuan.and_then(i)),
        ("helper_name", nonempty(&d.helper_name)),
        ("helper_unit", nonempty(&d.helper_unit)),
        ("helper_phone", nonempty(&d.helper_phone)),
        ("attachments", attachments_field(&d.attachments)),
    ]);
    for (g, field) in CHECK_FIELDS {
        v.push((field, d.checks.get(&g).and_then(|b| s(if *b { "ok" } else { "gap" }))));
    }
}

/// Reads the fields issue 16 added; a value this version does not know (a newer app's risk
/// kind) reads as 其他 or as absent rather than failing the household.
fn read_household_details(x: &Fields) -> HouseholdDetails {
    let mut checks = std::collections::BTreeMap::new();
    for (g, field) in CHECK_FIELDS {
        match x.opt_str(field).as_deref() {
            Some("ok") => {
                checks.insert(g, true);
            }
            Some("gap") => {
                checks.insert(g, false);
            }
            _ => {}
        }
    }
    let mut risks: Vec<RiskKind> = x
        .text("risks")
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| RiskKind::parse(c).unwrap_or(RiskKind::Other))
        .collect();
    risks.dedup();
    HouseholdDetails {
        phone: x.text("phone"),
        address: x.text("address"),
        door_number: x.text("door_number"),
        monitored_type: x.opt_str("monitored_type").and_then(|t| MonitoredType::parse(&t).ok()),
        risks,
        risk_cleared_on: x.opt_str("risk_cleared_on").and_then(|d| parse_date(&d).ok()),
        checks,
        income_per_head_yuan: x.opt_int("income_per_head_yuan"),
        helper_name: x.text("helper_name"),
        helper_unit: x.text("helper_unit"),
        helper_phone: x.text("helper_phone"),
        attachments: read_attachments(x),
    }
}

/// A follow-up item (承诺事项, issue 16) in the registry: scalar strings and integers like
/// every record; `state` is `open` or `done` (the done fields say who closed it and when).
impl Record for FollowUp {
    const PREFIX: &'static str = "followup";
    fn key(&self) -> String {
        format!("followup/{}", self.id)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        vec![
            ("household", s(self.household.to_string())),
            ("visit", self.visit.and_then(|v| s(v.to_string()))),
            ("text", s(self.text.clone())),
            ("owner", s(self.owner.to_string())),
            ("due", self.due.and_then(date)),
            ("created_by", s(self.created_by.to_string())),
            ("created_at", i(self.created_at)),
            ("state", s(self.state_code())),
            ("done_by", self.done_by.and_then(|m| s(m.to_string()))),
            ("done_at", self.done_at.and_then(i)),
            ("done_note", nonempty(&self.done_note)),
            ("project", self.project.and_then(|p| s(p.to_string()))),
            ("attachments", attachments_field(&self.attachments)),
        ]
    }
    fn from_fields(key: &str, x: &Fields) -> Result<Self, DocError> {
        Ok(FollowUp {
            id: id_from_key(key, x)?,
            household: x.parsed("household", str::parse)?,
            visit: x.opt_parsed("visit", str::parse)?,
            text: x.str("text")?,
            owner: x.parsed("owner", str::parse)?,
            due: x.opt_parsed("due", parse_date)?,
            created_by: x.parsed("created_by", str::parse)?,
            created_at: x.int("created_at")?,
            done_by: x.opt_parsed("done_by", str::parse)?,
            done_at: x.opt_int("done_at"),
            done_note: x.text("done_note"),
            // An item from before issue 22's link reads as linked to no project.
            project: x.opt_parsed("project", str::parse)?,
            attachments: read_attachments(x),
        })
    }
}

/// An inspection finding (检查发现的问题, issue 16) in the registry: the officer's part
/// (`household` or `diary` with `member`, `text`, `found_by`, `found_by_name`, `found_at`),
/// written by the server for the officer, and the team's answer (`answer`, `answered_by`,
/// `answered_at`), and the officer's check of the answer (验收: `review` `accepted` or `returned`,
/// `review_note`, `reviewed_by`, `reviewed_by_name`, `reviewed_at`, `reviewed_answer_at` — the
/// time of the answer judged); `state` is `open`, `answered`, `returned` or `accepted` (derived:
/// readers decide it from the fields, never from `state`).
impl Record for Finding {
    const PREFIX: &'static str = "finding";
    fn key(&self) -> String {
        format!("finding/{}", self.id)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        vec![
            ("household", self.household.and_then(|h| s(h.to_string()))),
            ("diary", self.diary.and_then(|d| s(d.to_string()))),
            ("member", self.member.and_then(|m| s(m.to_string()))),
            ("text", s(self.text.clone())),
            ("found_by", s(self.found_by.to_string())),
            ("found_by_name", s(self.found_by_name.clone())),
            ("found_at", i(self.found_at)),
            ("state", s(self.state_code())),
            ("answer", nonempty(&self.answer)),
            ("answered_by", self.answered_by.and_then(|m| s(m.to_string()))),
            ("answered_at", self.answered_at.and_then(i)),
            ("review", self.review.as_ref().and_then(|r| s(r.verdict.code()))),
            ("review_note", self.review.as_ref().and_then(|r| nonempty(&r.note))),
            ("reviewed_by", self.review.as_ref().and_then(|r| s(r.by.to_string()))),
            ("reviewed_by_name", self.review.as_ref().and_then(|r| s(r.by_name.clone()))),
            ("reviewed_at", self.review.as_ref().and_then(|r| i(r.at))),
            ("reviewed_answer_at", self.review.as_ref().and_then(|r| i(r.answer_at))),
        ]
    }
    fn from_fields(key: &str, x: &Fields) -> Result<Self, DocError> {
        Ok(Finding {
            id: id_from_key(key, x)?,
            household: x.opt_parsed("household", str::parse)?,
            diary: x.opt_parsed("diary", str::parse)?,
            member: x.opt_parsed("member", str::parse)?,
            text: x.str("text")?,
            found_by: x.parsed("found_by", uuid::Uuid::parse_str)?,
            found_by_name: x.text("found_by_name"),
            found_at: x.int("found_at")?,
            answer: x.text("answer"),
            answered_by: x.opt_parsed("answered_by", str::parse)?,
            answered_at: x.opt_int("answered_at"),
            review: match x.opt_parsed("review", |c| taizhang_domain::Verdict::from_code(c).ok_or(()))? {
                None => None,
                Some(verdict) => Some(taizhang_domain::FindingReview {
                    verdict,
                    note: x.text("review_note"),
                    by: x.parsed("reviewed_by", uuid::Uuid::parse_str)?,
                    by_name: x.text("reviewed_by_name"),
                    at: x.int("reviewed_at")?,
                    answer_at: x.int("reviewed_answer_at")?,
                }),
            },
        })
    }
}

impl Record for FamilyMember {
    const PREFIX: &'static str = "person";
    fn key(&self) -> String {
        format!("person/{}", self.id)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        vec![
            ("household", s(self.household.to_string())),
            ("name", s(self.name.clone())),
            ("relation", s(self.relation.code())),
            ("birth_year", self.birth_year.and_then(|y| i(i64::from(y)))),
            ("health", self.health.and_then(|h| s(h.code()))),
            ("work_ability", self.work_ability.and_then(|w| s(w.code()))),
            ("schooling", self.schooling.and_then(|w| s(w.code()))),
            ("disability_grade", self.disability_grade.and_then(|g| i(i64::from(g)))),
            ("medical_insurance", yes_no(self.medical_insurance)),
            ("pension_insurance", yes_no(self.pension_insurance)),
            ("id_number", nonempty(&self.id_number)),
            ("id_entered_by", self.id_entered_by.and_then(|m| s(m.to_string()))),
            ("left", if self.left { Some(ScalarValue::Boolean(true)) } else { None }),
        ]
    }
    fn from_fields(key: &str, x: &Fields) -> Result<Self, DocError> {
        Ok(FamilyMember {
            id: id_from_key(key, x)?,
            household: x.parsed("household", str::parse)?,
            name: x.str("name")?,
            // A relation of a newer version reads as 其他.
            relation: Relation::parse(&x.text("relation")).unwrap_or(Relation::Other),
            birth_year: x.opt_int("birth_year").and_then(|y| i32::try_from(y).ok()),
            health: x.opt_str("health").and_then(|v| Health::parse(&v).ok()),
            work_ability: x.opt_str("work_ability").and_then(|v| WorkAbility::parse(&v).ok()),
            schooling: x.opt_str("schooling").and_then(|v| Schooling::parse(&v).ok()),
            disability_grade: x.opt_int("disability_grade").and_then(|g| u8::try_from(g).ok()),
            medical_insurance: read_bool(x, "medical_insurance"),
            pension_insurance: read_bool(x, "pension_insurance"),
            id_number: x.text("id_number"),
            id_entered_by: x.opt_parsed("id_entered_by", str::parse::<MemberId>)?,
            left: read_bool(x, "left").unwrap_or(false),
        })
    }
}

impl Record for Visit {
    const PREFIX: &'static str = "visit";
    fn key(&self) -> String {
        format!("visit/{}", self.id)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        let mut v = vec![
            ("household", s(self.household.to_string())),
            ("member", s(self.member.to_string())),
            ("at", i(self.at)),
            ("findings", s(self.findings.clone())),
            ("needs", s(self.needs.clone())),
            ("follow_up", s(self.follow_up.clone())),
            ("amends", self.amends.and_then(|a| s(a.to_string()))),
            ("attachments", attachments_field(&self.attachments)),
        ];
        v.extend(gps_fields(&self.location));
        v
    }
    fn from_fields(key: &str, x: &Fields) -> Result<Self, DocError> {
        Ok(Visit {
            id: id_from_key(key, x)?,
            household: x.parsed("household", str::parse)?,
            member: x.parsed("member", str::parse)?,
            at: x.int("at")?,
            location: read_gps(x),
            findings: x.text("findings"),
            needs: x.text("needs"),
            follow_up: x.text("follow_up"),
            amends: x.opt_parsed("amends", str::parse)?,
            attachments: read_attachments(x),
        })
    }
}

/// A record's attachments (issue 19) as one text field, the hashes separated by spaces; absent
/// when there are none, so a record without any writes nothing new.
fn attachments_field(hashes: &[String]) -> Option<ScalarValue> {
    (!hashes.is_empty()).then(|| ScalarValue::Str(hashes.join(" ").into()))
}

/// A record's attachments; absent (a record from before the field) reads as none.
fn read_attachments(x: &Fields) -> Vec<String> {
    x.text("attachments").split_whitespace().map(str::to_string).collect()
}

impl Record for DiaryEntry {
    const PREFIX: &'static str = "diary";
    fn key(&self) -> String {
        format!("diary/{}", self.id)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        vec![
            ("member", s(self.member.to_string())),
            ("date", date(self.date)),
            ("text", s(self.text.clone())),
            ("amends", self.amends.and_then(|a| s(a.to_string()))),
            ("written_at", i(self.written_at)),
            ("attachments", attachments_field(&self.attachments)),
        ]
    }
    fn from_fields(key: &str, x: &Fields) -> Result<Self, DocError> {
        let date = x.parsed("date", parse_date)?;
        Ok(DiaryEntry {
            id: id_from_key(key, x)?,
            member: x.parsed("member", str::parse)?,
            date,
            text: x.text("text"),
            amends: x.opt_parsed("amends", str::parse)?,
            // An entry written before `written_at` existed reads as written on its own day.
            written_at: x.opt_int("written_at").unwrap_or_else(|| day_start(date)),
            attachments: read_attachments(x),
        })
    }
}

impl Record for CheckIn {
    const PREFIX: &'static str = "checkin";
    fn key(&self) -> String {
        format!("checkin/{}", self.id)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        let mut v = vec![
            ("member", s(self.member.to_string())),
            ("at", i(self.at)),
            ("kind", s(self.kind.code())),
            ("in_geofence", self.in_geofence.map(ScalarValue::Boolean)),
        ];
        v.extend(gps_fields(&self.location));
        v
    }
    fn from_fields(key: &str, x: &Fields) -> Result<Self, DocError> {
        Ok(CheckIn {
            id: id_from_key(key, x)?,
            member: x.parsed("member", str::parse)?,
            at: x.int("at")?,
            kind: x.parsed("kind", CheckKind::from_code)?,
            location: read_gps(x),
            in_geofence: match x.get("in_geofence") {
                Some(ScalarValue::Boolean(b)) => Some(*b),
                _ => None,
            },
        })
    }
}

impl Record for LeaveRequest {
    const PREFIX: &'static str = "leave";
    fn key(&self) -> String {
        format!("leave/{}", self.id)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        vec![
            ("member", s(self.member.to_string())),
            ("from", date(self.from)),
            ("to", date(self.to)),
            ("reason", s(self.reason.clone())),
            ("state", s(self.state.code())),
            ("decided_by", self.decided_by.and_then(|m| s(m.to_string()))),
            ("kind", s(self.kind.code())),
            ("returned_on", self.returned_on.and_then(date)),
        ]
    }
    fn from_fields(key: &str, x: &Fields) -> Result<Self, DocError> {
        Ok(LeaveRequest {
            id: id_from_key(key, x)?,
            member: x.parsed("member", str::parse)?,
            from: x.parsed("from", parse_date)?,
            to: x.parsed("to", parse_date)?,
            reason: x.text("reason"),
            state: x.parsed("state", LeaveState::from_code)?,
            decided_by: x.opt_parsed("decided_by", str::parse)?,
            // No kind (written before kinds existed): 事假. A kind added by a newer version
            // reads as "other" rather than failing the record.
            kind: x.opt_str("kind").map_or(LeaveKind::Personal, |k| LeaveKind::parse(&k).unwrap_or(LeaveKind::Other)),
            returned_on: x.opt_parsed("returned_on", parse_date)?,
        })
    }
}

/// A month filing, keyed by member and month so filing twice is one record.
#[derive(Debug, Clone, PartialEq)]
pub struct FilingRecord(pub MonthFiling);

impl Record for FilingRecord {
    const PREFIX: &'static str = "filing";
    fn key(&self) -> String {
        format!("filing/{}-{}", self.0.month, self.0.member)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        vec![
            ("member", s(self.0.member.to_string())),
            ("month", s(self.0.month.to_string())),
            ("filed_by", s(self.0.filed_by.to_string())),
            ("filed_at", i(self.0.filed_at)),
        ]
    }
    fn from_fields(_key: &str, x: &Fields) -> Result<Self, DocError> {
        Ok(FilingRecord(MonthFiling {
            member: x.parsed("member", str::parse)?,
            month: x.parsed("month", str::parse::<YearMonth>)?,
            filed_by: x.parsed("filed_by", str::parse)?,
            filed_at: x.int("filed_at")?,
        }))
    }
}

/// How a sheet's items are stored: one scalar string, a JSON array of
/// `{"kind": "bonus", "points": 0.5, "reason": "..."}` (a list of maps would be nested objects,
/// which records never hold).
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredItem {
    kind: String,
    points: f64,
    reason: String,
}

/// The `items` field of a score sheet as stored.
pub fn score_items_json(items: &[ScoreItem]) -> String {
    let stored: Vec<StoredItem> = items
        .iter()
        .map(|i| StoredItem { kind: i.kind.code().to_string(), points: i.points, reason: i.reason.clone() })
        .collect();
    serde_json::to_string(&stored).unwrap_or_else(|_| "[]".to_string())
}

fn parse_score_items(json: &str) -> Result<Vec<ScoreItem>, ()> {
    let stored: Vec<StoredItem> = serde_json::from_str(json).map_err(|_| ())?;
    stored
        .into_iter()
        .map(|i| {
            Ok(ScoreItem { kind: ScoreItemKind::parse(&i.kind).map_err(|_| ())?, points: i.points, reason: i.reason })
        })
        .collect()
}

/// A member's month score sheet, keyed by month and member (`score/<YYYY-MM>-<member>`) in
/// the team document of the month's year, like a filing.
impl Record for MonthScoreSheet {
    const PREFIX: &'static str = "score";
    fn key(&self) -> String {
        format!("score/{}-{}", self.month, self.member)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        vec![
            ("member", s(self.member.to_string())),
            ("month", s(self.month.to_string())),
            ("items", s(score_items_json(&self.items))),
            ("note", s(self.note.clone())),
            ("scored_by", s(self.scored_by.to_string())),
            ("scored_at", i(self.scored_at)),
            ("state", s(self.state.code())),
            ("checked_by", self.checked_by.and_then(|a| s(a.to_string()))),
            ("checked_at", self.checked_at.and_then(i)),
            ("check_note", s(self.check_note.clone())),
            ("audited_by", self.audited_by.and_then(|a| s(a.to_string()))),
            ("audited_at", self.audited_at.and_then(i)),
            ("audit_points", self.audit_points.and_then(f)),
            ("audit_note", s(self.audit_note.clone())),
        ]
    }
    fn from_fields(_key: &str, x: &Fields) -> Result<Self, DocError> {
        Ok(MonthScoreSheet {
            member: x.parsed("member", str::parse)?,
            month: x.parsed("month", str::parse::<YearMonth>)?,
            items: x.parsed("items", parse_score_items)?,
            note: x.text("note"),
            scored_by: x.parsed("scored_by", str::parse)?,
            scored_at: x.int("scored_at")?,
            state: x.parsed("state", ScoreState::from_code)?,
            checked_by: x.opt_parsed("checked_by", str::parse)?,
            checked_at: x.opt_int("checked_at"),
            check_note: x.text("check_note"),
            audited_by: x.opt_parsed("audited_by", str::parse)?,
            audited_at: x.opt_int("audited_at"),
            audit_points: x.opt_f64("audit_points"),
            audit_note: x.text("audit_note"),
        })
    }
}

/// A member's submission of their own ended month (提交本月), keyed by month and member
/// (`submission/<YYYY-MM>-<member>`) in the team document of the month's year. `gaps` is the
/// comma-separated list of days without a diary entry the member was shown.
impl Record for MonthSubmission {
    const PREFIX: &'static str = "submission";
    fn key(&self) -> String {
        format!("submission/{}-{}", self.month, self.member)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        let gaps: Vec<String> = self.gaps.iter().map(|d| d.format("%Y-%m-%d").to_string()).collect();
        vec![
            ("member", s(self.member.to_string())),
            ("month", s(self.month.to_string())),
            ("gaps", s(gaps.join(","))),
            ("note", s(self.note.clone())),
            ("submitted_at", i(self.submitted_at)),
        ]
    }
    fn from_fields(key: &str, x: &Fields) -> Result<Self, DocError> {
        let gaps = x
            .text("gaps")
            .split(',')
            .filter(|d| !d.is_empty())
            .map(parse_date)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| DocError::BadField { key: key.to_string(), field: "gaps" })?;
        Ok(MonthSubmission {
            member: x.parsed("member", str::parse)?,
            month: x.parsed("month", str::parse::<YearMonth>)?,
            gaps,
            note: x.text("note"),
            submitted_at: x.int("submitted_at")?,
        })
    }
}

/// A quarterly report (季报告) or the yearly commitment (年承诺), keyed by its period
/// (`report/2026-Q3`, `report/2026-commitment`) in the team document of the period's year.
/// `member` is the first secretary who wrote it last (the field access control reads).
impl Record for TeamReport {
    const PREFIX: &'static str = "report";
    fn key(&self) -> String {
        format!("report/{}", self.period)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        vec![
            ("period", s(self.period.to_string())),
            ("kind", s(self.period.kind_code())),
            ("text", s(self.text.clone())),
            ("member", s(self.written_by.to_string())),
            ("written_at", i(self.written_at)),
        ]
    }
    fn from_fields(_key: &str, x: &Fields) -> Result<Self, DocError> {
        Ok(TeamReport {
            period: x.parsed("period", str::parse::<ReportPeriod>)?,
            text: x.text("text"),
            written_by: x.parsed("member", str::parse)?,
            written_at: x.int("written_at")?,
        })
    }
}

fn yuan(v: Option<i64>) -> Option<ScalarValue> {
    v.and_then(i)
}

impl Record for Meeting {
    const PREFIX: &'static str = "meeting";
    fn key(&self) -> String {
        format!("meeting/{}", self.id)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        vec![
            ("date", date(self.date)),
            ("kind", s(self.kind.code())),
            ("led_by", s(self.led_by.clone())),
            ("attendance", self.attendance.and_then(|n| i(i64::from(n)))),
            ("topics", s(self.topics.clone())),
            ("decisions", nonempty(&self.decisions)),
            ("recorded_by", s(self.recorded_by.to_string())),
            ("recorded_at", i(self.recorded_at)),
        ]
    }
    fn from_fields(key: &str, x: &Fields) -> Result<Self, DocError> {
        Ok(Meeting {
            id: id_from_key(key, x)?,
            date: x.parsed("date", parse_date)?,
            // A kind added by a newer version reads as "other" rather than failing the record.
            kind: MeetingKind::from_code(&x.str("kind")?).unwrap_or(MeetingKind::Other),
            led_by: x.text("led_by"),
            attendance: x.opt_int("attendance").and_then(|n| u32::try_from(n).ok()),
            topics: x.text("topics"),
            decisions: x.text("decisions"),
            recorded_by: x.parsed("recorded_by", str::parse)?,
            recorded_at: x.int("recorded_at")?,
        })
    }
}

impl Record for Project {
    const PREFIX: &'static str = "project";
    fn key(&self) -> String {
        format!("project/{}", self.id)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        let households: Vec<String> = self.households.iter().map(|h| h.to_string()).collect();
        let f = &self.funding;
        vec![
            ("name", s(self.name.clone())),
            ("kind", s(self.kind.code())),
            ("funding_collective", yuan(f.collective)),
            ("funding_fiscal", yuan(f.fiscal)),
            ("funding_party_fees", yuan(f.party_fees)),
            ("funding_urban_rural", yuan(f.urban_rural)),
            ("households", nonempty(&households.join(","))),
            ("state", s(self.state.code())),
            ("started_on", self.started_on.and_then(date)),
            ("created_by", s(self.created_by.to_string())),
            ("created_at", i(self.created_at)),
            ("closed_on", self.closed_on.and_then(date)),
            ("closed_by", self.closed_by.and_then(|m| s(m.to_string()))),
            ("result", nonempty(&self.result)),
        ]
    }
    fn from_fields(key: &str, x: &Fields) -> Result<Self, DocError> {
        let households = x
            .text("households")
            .split(',')
            .filter(|h| !h.is_empty())
            .map(str::parse)
            .collect::<Result<Vec<HouseholdId>, _>>()
            .map_err(|_| DocError::BadField { key: key.to_string(), field: "households" })?;
        Ok(Project {
            id: id_from_key(key, x)?,
            name: x.str("name")?,
            kind: x.parsed("kind", ProjectKind::from_code)?,
            funding: Funding {
                collective: x.opt_int("funding_collective"),
                fiscal: x.opt_int("funding_fiscal"),
                party_fees: x.opt_int("funding_party_fees"),
                urban_rural: x.opt_int("funding_urban_rural"),
            },
            households,
            state: x.parsed("state", ProjectState::from_code)?,
            started_on: x.opt_parsed("started_on", parse_date)?,
            created_by: x.parsed("created_by", str::parse)?,
            created_at: x.int("created_at")?,
            closed_on: x.opt_parsed("closed_on", parse_date)?,
            closed_by: x.opt_parsed("closed_by", str::parse)?,
            result: x.text("result"),
        })
    }
}

/// A project's progress update: a record of its own, so updates added on two phones at once
/// both survive the merge.
impl Record for ProgressUpdate {
    const PREFIX: &'static str = "progress";
    fn key(&self) -> String {
        format!("progress/{}", self.id)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        vec![
            ("project", s(self.project.to_string())),
            ("day", date(self.day)),
            ("text", s(self.text.clone())),
            ("by", s(self.by.to_string())),
            ("at", i(self.at)),
            ("attachments", attachments_field(&self.attachments)),
        ]
    }
    fn from_fields(key: &str, x: &Fields) -> Result<Self, DocError> {
        Ok(ProgressUpdate {
            id: id_from_key(key, x)?,
            project: x.parsed("project", str::parse)?,
            day: x.parsed("day", parse_date)?,
            text: x.text("text"),
            by: x.parsed("by", str::parse)?,
            at: x.int("at")?,
            attachments: read_attachments(x),
        })
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredCadre {
    name: String,
    post: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    birth_year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    education: Option<String>,
}

/// The `committee` field of a situation as stored: a JSON list (the committee is edited as a
/// whole). An education word a newer version added reads as not given.
fn committee_json(c: &[Cadre]) -> Option<ScalarValue> {
    if c.is_empty() {
        return None;
    }
    let stored: Vec<StoredCadre> = c
        .iter()
        .map(|c| StoredCadre {
            name: c.name.clone(),
            post: c.post.clone(),
            birth_year: c.birth_year,
            education: c.education.map(|e| e.code().to_string()),
        })
        .collect();
    serde_json::to_string(&stored).ok().and_then(s)
}

fn parse_committee(key: &str, json: &str) -> Result<Vec<Cadre>, DocError> {
    if json.is_empty() {
        return Ok(Vec::new());
    }
    let stored: Vec<StoredCadre> =
        serde_json::from_str(json).map_err(|_| DocError::BadField { key: key.to_string(), field: "committee" })?;
    Ok(stored
        .into_iter()
        .map(|c| Cadre {
            name: c.name,
            post: c.post,
            birth_year: c.birth_year,
            education: c.education.and_then(|e| Education::from_code(&e).ok()),
        })
        .collect())
}

/// A year's village situation (村情), keyed by its year (`situation/2026`) in the registry; each
/// part is a field of its own, so parts filled in on two phones both survive the merge.
impl Record for VillageSituation {
    const PREFIX: &'static str = "situation";
    fn key(&self) -> String {
        format!("situation/{}", self.year)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        let n = |v: Option<u32>| v.and_then(|n| i(i64::from(n)));
        vec![
            ("population", n(self.population)),
            ("households", n(self.households)),
            ("committee", committee_json(&self.committee)),
            ("party_members", n(self.party_members)),
            ("collective_income", yuan(self.collective_income_yuan)),
            ("income_sources", nonempty(&self.income_sources)),
            ("income_per_head", yuan(self.income_per_head_yuan)),
            ("industries", nonempty(&self.industries)),
            ("roads", nonempty(&self.roads)),
            ("water", nonempty(&self.water)),
            ("network", nonempty(&self.network)),
            ("problems", nonempty(&self.problems)),
            ("updated_by", s(self.updated_by.to_string())),
            ("updated_at", i(self.updated_at)),
        ]
    }
    fn from_fields(key: &str, x: &Fields) -> Result<Self, DocError> {
        let n = |f: &str| x.opt_int(f).and_then(|v| u32::try_from(v).ok());
        Ok(VillageSituation {
            year: id_from_key(key, x)?,
            population: n("population"),
            households: n("households"),
            committee: parse_committee(key, &x.text("committee"))?,
            party_members: n("party_members"),
            collective_income_yuan: x.opt_int("collective_income"),
            income_sources: x.text("income_sources"),
            income_per_head_yuan: x.opt_int("income_per_head"),
            industries: x.text("industries"),
            roads: x.text("roads"),
            water: x.text("water"),
            network: x.text("network"),
            problems: x.text("problems"),
            updated_by: x.parsed("updated_by", str::parse)?,
            updated_at: x.int("updated_at")?,
        })
    }
}

/// A goal, plan item or responsibility letter (`plan/<uuid>`) in the registry.
impl Record for PlanItem {
    const PREFIX: &'static str = "plan";
    fn key(&self) -> String {
        format!("plan/{}", self.id)
    }
    fn fields(&self) -> Vec<(&'static str, Option<ScalarValue>)> {
        vec![
            ("kind", s(self.kind.code())),
            ("year", i(i64::from(self.year))),
            ("title", s(self.title.clone())),
            ("target", nonempty(&self.target)),
            ("due", self.due.and_then(date)),
            ("state", s(self.state.code())),
            ("result", nonempty(&self.result)),
            ("closed_on", self.closed_on.and_then(date)),
            ("recorded_by", s(self.recorded_by.to_string())),
            ("recorded_at", i(self.recorded_at)),
            ("attachments", attachments_field(&self.attachments)),
        ]
    }
    fn from_fields(key: &str, x: &Fields) -> Result<Self, DocError> {
        Ok(PlanItem {
            id: id_from_key(key, x)?,
            kind: x.parsed("kind", PlanKind::from_code)?,
            year: i32::try_from(x.int("year")?)
                .map_err(|_| DocError::BadField { key: key.to_string(), field: "year" })?,
            title: x.str("title")?,
            target: x.text("target"),
            due: x.opt_parsed("due", parse_date)?,
            state: x.parsed("state", PlanState::from_code)?,
            result: x.text("result"),
            closed_on: x.opt_parsed("closed_on", parse_date)?,
            recorded_by: x.parsed("recorded_by", str::parse)?,
            recorded_at: x.int("recorded_at")?,
            attachments: read_attachments(x),
        })
    }
}
