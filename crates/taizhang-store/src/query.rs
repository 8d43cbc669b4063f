//! The app's queries over the materialised tables: each returns domain records with their
//! open conflicts and the document they were read from, in a stable order.

use std::fmt::Write as _;

use chrono::NaiveDate;
use rusqlite::types::ValueRef;
use rusqlite::{params, Params};
use taizhang_doc::FieldConflict;
use taizhang_domain::{
    CheckIn, CheckKind, DiaryEntry, DiaryId, FamilyMember, Finding, FindingId, FollowUp, FollowUpId, GeoPoint,
    Geofence, Household, HouseholdId, HouseholdStatus, LeaveKind, LeaveRequest, LeaveState, Meeting, MeetingKind,
    Member, MemberId, MonthFiling, MonthScoreSheet, PlanId, PlanItem, ProgressId, ProgressUpdate, Project, ProjectId,
    ProjectKind, Relation, Role, ScoreState, Timestamp, Village, VillageSituation, Visit, YearMonth,
};

use crate::codec::{date_text, gps_from, parse, parse_causes, parse_conflicts, parse_date, parse_items, parse_opt};
use crate::{Store, StoreError};

/// A materialised record: the record, the fields devices set concurrently to different
/// values (show them, let a person pick), and the document it lives in.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<T> {
    pub record: T,
    pub conflicts: Vec<FieldConflict>,
    pub doc: String,
}

/// A record two devices changed at once (issue 16), as the conflicts list shows it: its kind
/// (the key prefix in its document, one of `taizhang_domain::CONFLICT_KINDS`), its id, a
/// label that tells it apart (a household's head, a promise's text, a meeting's day and
/// topics…), the household it belongs to if any, and the fields in conflict.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflicted {
    pub kind: &'static str,
    pub id: String,
    pub label: String,
    pub household: Option<String>,
    pub conflicts: Vec<FieldConflict>,
    pub doc: String,
}

/// Where each kind's conflicts are kept: kind, table, id, label and household expressions.
const CONFLICT_SOURCES: &[(&str, &str, &str, &str, &str)] = &[
    ("household", "households", "id", "head || '（' || grp || '）'", "id"),
    (
        "person",
        "family_members",
        "id",
        "name || '（' || COALESCE((SELECT h.head FROM households h WHERE h.id = family_members.household), '') || '家）'",
        "household",
    ),
    ("followup", "follow_ups", "id", "json_extract(record, '$.text')", "household"),
    ("finding", "findings", "id", "json_extract(record, '$.text')", "household"),
    ("meeting", "meetings", "id", "date || ' ' || json_extract(record, '$.topics')", "NULL"),
    ("project", "projects", "id", "json_extract(record, '$.name')", "NULL"),
    (
        "progress",
        "project_progress",
        "id",
        "COALESCE((SELECT json_extract(p.record, '$.name') FROM projects p WHERE p.id = project_progress.project), '') || ' ' || day || ' ' || json_extract(record, '$.text')",
        "NULL",
    ),
    ("situation", "village_situations", "CAST(year AS TEXT)", "year || '年'", "NULL"),
    ("plan", "plan_items", "id", "year || ' ' || json_extract(record, '$.title')", "NULL"),
];

/// A household search. Every filter that is set must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HouseholdQuery {
    /// Part of the head's name, the grid, the door number, the phone or a family member's
    /// name, in characters, full pinyin or pinyin initials (case-insensitive, spaces ignored).
    pub text: Option<String>,
    /// Exact village group (村民组).
    pub group: Option<String>,
    pub status: Option<HouseholdStatus>,
    /// The households this member is the helper of (结对帮扶: "my households").
    pub helper: Option<MemberId>,
    /// Households nobody of the team has visited at or after this instant (the start of this
    /// month or year: "not visited this month / this year").
    pub not_visited_since: Option<Timestamp>,
    /// Households with an open follow-up item (待办).
    pub open_follow_ups: bool,
    pub limit: Option<usize>,
}

/// How many records of each kind the store holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub households: usize,
    pub members: usize,
    pub visits: usize,
    pub diary_entries: usize,
    pub check_ins: usize,
    pub leaves: usize,
    pub filings: usize,
    pub score_sheets: usize,
}

type SqlRow<'s> = rusqlite::Row<'s>;

const MEMBER_COLS: &str = "id, name, role, helping_unit, term_start, term_end, conflicts, doc";
const HOUSEHOLD_COLS: &str =
    "id, head, members_count, grp, grid, status, causes, helper, plan, income_yuan, conflicts, doc, details";
const VISIT_COLS: &str =
    "id, household, member, at, lat, lon, accuracy_m, findings, needs, follow_up, conflicts, doc, amends, attachments";
const DIARY_COLS: &str = "id, member, date, text, amends, written_at, conflicts, doc, attachments";
const CHECK_IN_COLS: &str = "id, member, at, kind, lat, lon, accuracy_m, in_geofence, conflicts, doc";
const SCORE_COLS: &str = "member, month, items, note, scored_by, scored_at, state, checked_by, checked_at, \
     check_note, audited_by, audited_at, audit_points, audit_note, conflicts, doc";
const LEAVE_COLS: &str = "id, member, from_date, to_date, reason, state, decided_by, kind, returned_on, conflicts, doc";

/// The materialised tables and the order their digest lists rows in.
const DIGEST_TABLES: &[(&str, &str)] = &[
    ("village", "singleton"),
    ("members", "id"),
    ("households", "id"),
    ("family_members", "id"),
    ("follow_ups", "id"),
    ("findings", "id"),
    ("meetings", "id"),
    ("projects", "id"),
    ("project_progress", "id"),
    ("village_situations", "year"),
    ("plan_items", "id"),
    ("visits", "id"),
    ("diary_entries", "id"),
    ("check_ins", "id"),
    ("leave_requests", "id"),
    ("filings", "member, month"),
    ("score_sheets", "member, month"),
];

fn row<T>(r: &SqlRow<'_>, record: T, conflicts_col: usize) -> Result<Row<T>, StoreError> {
    let conflicts: String = r.get(conflicts_col)?;
    Ok(Row { record, conflicts: parse_conflicts(&conflicts)?, doc: r.get(conflicts_col + 1)? })
}

fn member_row(r: &SqlRow<'_>) -> Result<Row<Member>, StoreError> {
    let role: String = r.get(2)?;
    let m = Member {
        id: parse("member id", &r.get::<_, String>(0)?)?,
        name: r.get(1)?,
        role: Role::from_code(&role).map_err(|e| StoreError::corrupt("member role", e))?,
        helping_unit: r.get(3)?,
        term_start: parse_date("term start", &r.get::<_, String>(4)?)?,
        term_end: r.get::<_, Option<String>>(5)?.map(|s| parse_date("term end", &s)).transpose()?,
    };
    row(r, m, 6)
}

fn household_row(r: &SqlRow<'_>) -> Result<Row<Household>, StoreError> {
    let status: String = r.get(5)?;
    let h = Household {
        id: parse("household id", &r.get::<_, String>(0)?)?,
        head: r.get(1)?,
        members_count: r.get(2)?,
        group: r.get(3)?,
        grid: r.get(4)?,
        status: HouseholdStatus::from_code(&status).map_err(|e| StoreError::corrupt("household status", e))?,
        causes: parse_causes(&r.get::<_, String>(6)?)?,
        helper: parse_opt("helper id", r.get(7)?)?,
        plan: r.get(8)?,
        income_yuan: r.get(9)?,
        details: serde_json::from_str(&r.get::<_, String>(12)?)
            .map_err(|e| StoreError::corrupt("household details", e))?,
    };
    row(r, h, 10)
}

fn follow_up_row(r: &SqlRow<'_>) -> Result<Row<FollowUp>, StoreError> {
    let f: FollowUp =
        serde_json::from_str(&r.get::<_, String>(0)?).map_err(|e| StoreError::corrupt("follow-up item", e))?;
    row(r, f, 1)
}

/// A row of one of the tables that keep the whole record as JSON (column 0), then the
/// conflicts and the document.
fn json_row<T: serde::de::DeserializeOwned>(what: &'static str) -> impl Fn(&SqlRow<'_>) -> Result<Row<T>, StoreError> {
    move |r: &SqlRow<'_>| {
        let t: T = serde_json::from_str(&r.get::<_, String>(0)?).map_err(|e| StoreError::corrupt(what, e))?;
        row(r, t, 1)
    }
}

fn visit_row(r: &SqlRow<'_>) -> Result<Row<Visit>, StoreError> {
    let v = Visit {
        id: parse("visit id", &r.get::<_, String>(0)?)?,
        household: parse("household id", &r.get::<_, String>(1)?)?,
        member: parse("member id", &r.get::<_, String>(2)?)?,
        at: r.get(3)?,
        location: gps_from(r.get(4)?, r.get(5)?, r.get(6)?),
        findings: r.get(7)?,
        needs: r.get(8)?,
        follow_up: r.get(9)?,
        amends: parse_opt("amended visit id", r.get(12)?)?,
        attachments: r.get::<_, String>(13)?.split_whitespace().map(str::to_string).collect(),
    };
    row(r, v, 10)
}

fn diary_row(r: &SqlRow<'_>) -> Result<Row<DiaryEntry>, StoreError> {
    let d = DiaryEntry {
        id: parse("diary entry id", &r.get::<_, String>(0)?)?,
        member: parse("member id", &r.get::<_, String>(1)?)?,
        date: parse_date("diary date", &r.get::<_, String>(2)?)?,
        text: r.get(3)?,
        amends: parse_opt("amended entry id", r.get(4)?)?,
        written_at: r.get(5)?,
        attachments: r.get::<_, String>(8)?.split_whitespace().map(str::to_string).collect(),
    };
    row(r, d, 6)
}

fn check_in_row(r: &SqlRow<'_>) -> Result<Row<CheckIn>, StoreError> {
    let kind: String = r.get(3)?;
    let c = CheckIn {
        id: parse("check-in id", &r.get::<_, String>(0)?)?,
        member: parse("member id", &r.get::<_, String>(1)?)?,
        at: r.get(2)?,
        kind: CheckKind::from_code(&kind).map_err(|e| StoreError::corrupt("check-in kind", e))?,
        location: gps_from(r.get(4)?, r.get(5)?, r.get(6)?),
        in_geofence: r.get(7)?,
    };
    row(r, c, 8)
}

fn leave_row(r: &SqlRow<'_>) -> Result<Row<LeaveRequest>, StoreError> {
    let state: String = r.get(5)?;
    let l = LeaveRequest {
        id: parse("leave request id", &r.get::<_, String>(0)?)?,
        member: parse("member id", &r.get::<_, String>(1)?)?,
        from: parse_date("leave start", &r.get::<_, String>(2)?)?,
        to: parse_date("leave end", &r.get::<_, String>(3)?)?,
        reason: r.get(4)?,
        state: LeaveState::from_code(&state).map_err(|e| StoreError::corrupt("leave state", e))?,
        decided_by: parse_opt("approver id", r.get(6)?)?,
        kind: LeaveKind::parse(&r.get::<_, String>(7)?).map_err(|e| StoreError::corrupt("leave kind", e))?,
        returned_on: r.get::<_, Option<String>>(8)?.map(|s| parse_date("return date", &s)).transpose()?,
    };
    row(r, l, 9)
}

fn filing_row(r: &SqlRow<'_>) -> Result<MonthFiling, StoreError> {
    Ok(MonthFiling {
        member: parse("member id", &r.get::<_, String>(0)?)?,
        month: parse("filed month", &r.get::<_, String>(1)?)?,
        filed_by: parse("filer id", &r.get::<_, String>(2)?)?,
        filed_at: r.get(3)?,
    })
}

fn score_row(r: &SqlRow<'_>) -> Result<Row<MonthScoreSheet>, StoreError> {
    let state: String = r.get(6)?;
    let s = MonthScoreSheet {
        member: parse("member id", &r.get::<_, String>(0)?)?,
        month: parse("scored month", &r.get::<_, String>(1)?)?,
        items: parse_items(&r.get::<_, String>(2)?)?,
        note: r.get(3)?,
        scored_by: parse("scorer id", &r.get::<_, String>(4)?)?,
        scored_at: r.get(5)?,
        state: ScoreState::from_code(&state).map_err(|e| StoreError::corrupt("score state", e))?,
        checked_by: parse_opt("township officer id", r.get(7)?)?,
        checked_at: r.get(8)?,
        check_note: r.get(9)?,
        audited_by: parse_opt("county officer id", r.get(10)?)?,
        audited_at: r.get(11)?,
        audit_points: r.get(12)?,
        audit_note: r.get(13)?,
    };
    row(r, s, 14)
}

/// Writes one SQLite value in a canonical, unambiguous spelling for the digest.
fn write_value(out: &mut String, v: ValueRef<'_>) {
    let _ = match v {
        ValueRef::Null => write!(out, "null"),
        ValueRef::Integer(i) => write!(out, "{i}"),
        ValueRef::Real(f) => write!(out, "{f:?}"),
        ValueRef::Text(t) => write!(out, "{:?}", String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => {
            let _ = write!(out, "x'");
            for byte in b {
                let _ = write!(out, "{byte:02x}");
            }
            write!(out, "'")
        }
    };
}

impl Store {
    fn collect<T, P: Params>(
        &self,
        sql: &str,
        params: P,
        decode: impl Fn(&SqlRow<'_>) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut rows = stmt.query(params)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(decode(r)?);
        }
        Ok(out)
    }

    fn exists<P: Params>(&self, sql: &str, params: P) -> Result<bool, StoreError> {
        Ok(self.conn.prepare_cached(sql)?.exists(params)?)
    }

    fn count(&self, table: &str) -> Result<usize, StoreError> {
        let n: i64 = self.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// The village, once the registry has been materialised.
    pub fn village(&self) -> Result<Option<Village>, StoreError> {
        let mut v = self.collect(
            "SELECT id, name, county, township, lat, lon, radius_m FROM village WHERE singleton = 1",
            [],
            |r| {
                Ok(Village {
                    id: parse("village id", &r.get::<_, String>(0)?)?,
                    name: r.get(1)?,
                    county: r.get(2)?,
                    township: r.get(3)?,
                    geofence: Geofence { centre: GeoPoint { lat: r.get(4)?, lon: r.get(5)? }, radius_m: r.get(6)? },
                })
            },
        )?;
        Ok(v.pop())
    }

    /// The team, by name.
    pub fn members(&self) -> Result<Vec<Row<Member>>, StoreError> {
        self.collect(&format!("SELECT {MEMBER_COLS} FROM members ORDER BY name, id"), [], member_row)
    }

    /// Households matching `q`, ordered by group, then head, then id.
    pub fn households(&self, q: &HouseholdQuery) -> Result<Vec<Row<Household>>, StoreError> {
        // The search keys are lower case already (crate::search_key); the needle is folded the same way.
        let text = q.text.as_deref().and_then(crate::search::needle);
        let limit = q.limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
        self.collect(
            &format!(
                "SELECT {HOUSEHOLD_COLS} FROM households
                 WHERE (?1 IS NULL OR instr(search_key, ?1) > 0
                        OR EXISTS (SELECT 1 FROM family_members f
                                   WHERE f.household = households.id AND instr(f.search_key, ?1) > 0))
                   AND (?2 IS NULL OR grp = ?2)
                   AND (?3 IS NULL OR status = ?3)
                   AND (?5 IS NULL OR helper = ?5)
                   AND (?6 IS NULL OR NOT EXISTS (SELECT 1 FROM visits v
                                                  WHERE v.household = households.id AND v.at >= ?6))
                   AND (?7 = 0 OR EXISTS (SELECT 1 FROM follow_ups f
                                          WHERE f.household = households.id AND f.done = 0))
                 ORDER BY grp, head, id
                 LIMIT ?4"
            ),
            params![
                text,
                q.group,
                q.status.map(|s| s.code()),
                limit,
                q.helper.map(|m| m.to_string()),
                q.not_visited_since,
                q.open_follow_ups
            ],
            household_row,
        )
    }

    pub fn household(&self, id: HouseholdId) -> Result<Option<Row<Household>>, StoreError> {
        let mut rows = self.collect(
            &format!("SELECT {HOUSEHOLD_COLS} FROM households WHERE id = ?1"),
            [id.to_string()],
            household_row,
        )?;
        Ok(rows.pop())
    }

    /// The family roster of one household, the head first, then by birth year (oldest first).
    /// People who left the household are included (`left`): the screen decides.
    pub fn family_members(&self, id: HouseholdId) -> Result<Vec<Row<FamilyMember>>, StoreError> {
        let mut rows = self.collect(
            "SELECT record, conflicts, doc FROM family_members WHERE household = ?1 ORDER BY id",
            [id.to_string()],
            |r| {
                let p: FamilyMember = serde_json::from_str(&r.get::<_, String>(0)?)
                    .map_err(|e| StoreError::corrupt("family member", e))?;
                row(r, p, 1)
            },
        )?;
        rows.sort_by_key(|p| {
            (p.record.relation != Relation::Head, p.record.birth_year.unwrap_or(i32::MAX), p.record.id)
        });
        Ok(rows)
    }

    /// The open follow-up items (待办) of the village: `me`'s first, then by due day (the
    /// earliest first, items without a day last), then in the order they were made.
    pub fn open_follow_ups(&self, me: Option<MemberId>) -> Result<Vec<Row<FollowUp>>, StoreError> {
        self.collect(
            "SELECT record, conflicts, doc FROM follow_ups WHERE done = 0
             ORDER BY owner = ?1 DESC, due IS NULL, due, id",
            [me.map(|m| m.to_string()).unwrap_or_default()],
            follow_up_row,
        )
    }

    /// Every follow-up item of one household: the open ones first (by due day), then the
    /// done ones, in the order they were made.
    pub fn follow_ups_of_household(&self, id: HouseholdId) -> Result<Vec<Row<FollowUp>>, StoreError> {
        self.collect(
            "SELECT record, conflicts, doc FROM follow_ups WHERE household = ?1
             ORDER BY done, due IS NULL, due, id",
            [id.to_string()],
            follow_up_row,
        )
    }

    /// The follow-up items linked to project `id` (转为项目 / 并入项目, issue 22): the open ones
    /// first (by due day), then the done ones, in the order they were made.
    pub fn follow_ups_of_project(&self, id: ProjectId) -> Result<Vec<Row<FollowUp>>, StoreError> {
        self.collect(
            "SELECT record, conflicts, doc FROM follow_ups WHERE project = ?1
             ORDER BY done, due IS NULL, due, id",
            [id.to_string()],
            follow_up_row,
        )
    }

    /// The inspection findings waiting for the team's answer (待整改, or 已退回: answered and
    /// returned by the officer), the oldest first.
    pub fn open_findings(&self) -> Result<Vec<Row<Finding>>, StoreError> {
        self.collect(
            "SELECT record, conflicts, doc FROM findings WHERE answered = 0 ORDER BY found_at, id",
            [],
            json_row("finding"),
        )
    }

    /// Every finding of the village: the open ones first (the oldest first), then the answered
    /// ones, the newest first.
    pub fn findings(&self) -> Result<Vec<Row<Finding>>, StoreError> {
        self.collect(
            "SELECT record, conflicts, doc FROM findings
             ORDER BY answered, CASE WHEN answered = 0 THEN found_at ELSE -found_at END, id",
            [],
            json_row("finding"),
        )
    }

    /// The findings about one household, open ones first.
    pub fn findings_of_household(&self, id: HouseholdId) -> Result<Vec<Row<Finding>>, StoreError> {
        self.collect(
            "SELECT record, conflicts, doc FROM findings WHERE household = ?1 ORDER BY answered, found_at, id",
            [id.to_string()],
            json_row("finding"),
        )
    }

    /// One finding, if this device holds it.
    pub fn finding(&self, id: FindingId) -> Result<Option<Row<Finding>>, StoreError> {
        let mut rows = self.collect(
            "SELECT record, conflicts, doc FROM findings WHERE id = ?1",
            [id.to_string()],
            json_row("finding"),
        )?;
        Ok(rows.pop())
    }

    /// Every record with fields in conflict, of the kinds a person settles on the app
    /// (`taizhang_domain::CONFLICT_KINDS`), in that order of kinds, then by id.
    pub fn conflicted(&self) -> Result<Vec<Conflicted>, StoreError> {
        let mut out = Vec::new();
        for &(kind, table, id, label, household) in CONFLICT_SOURCES {
            let sql = format!(
                "SELECT {id}, COALESCE({label}, ''), {household}, conflicts, doc FROM {table}
                 WHERE conflicts <> '[]' ORDER BY 1"
            );
            out.extend(self.collect(&sql, [], |r| {
                Ok(Conflicted {
                    kind,
                    id: r.get(0)?,
                    label: r.get(1)?,
                    household: r.get(2)?,
                    conflicts: parse_conflicts(&r.get::<_, String>(3)?)?,
                    doc: r.get(4)?,
                })
            })?);
        }
        out.retain(|c| !c.conflicts.is_empty());
        Ok(out)
    }

    /// One follow-up item, if this device holds it.
    pub fn follow_up(&self, id: FollowUpId) -> Result<Option<Row<FollowUp>>, StoreError> {
        let mut rows = self.collect(
            "SELECT record, conflicts, doc FROM follow_ups WHERE id = ?1",
            [id.to_string()],
            follow_up_row,
        )?;
        Ok(rows.pop())
    }

    /// The village's meetings and activities held from `from` to `to` (both included, either
    /// open), of `kind` if given: the latest first.
    pub fn meetings(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        kind: Option<MeetingKind>,
    ) -> Result<Vec<Row<Meeting>>, StoreError> {
        self.collect(
            "SELECT record, conflicts, doc FROM meetings
             WHERE (?1 IS NULL OR date >= ?1) AND (?2 IS NULL OR date <= ?2) AND (?3 IS NULL OR kind = ?3)
             ORDER BY date DESC, id DESC",
            params![from.map(date_text), to.map(date_text), kind.map(|k| k.code())],
            json_row("meeting"),
        )
    }

    /// The village's projects: the open ones first (planned, underway), then the closed ones,
    /// the latest closed first; in the order they were made within each.
    pub fn projects(&self, kind: Option<ProjectKind>) -> Result<Vec<Row<Project>>, StoreError> {
        self.collect(
            "SELECT record, conflicts, doc FROM projects WHERE (?1 IS NULL OR kind = ?1)
             ORDER BY closed_on IS NOT NULL, closed_on DESC, id",
            params![kind.map(|k| k.code())],
            json_row("project"),
        )
    }

    /// One project, if this device holds it.
    pub fn project(&self, id: ProjectId) -> Result<Option<Row<Project>>, StoreError> {
        let mut rows = self.collect(
            "SELECT record, conflicts, doc FROM projects WHERE id = ?1",
            [id.to_string()],
            json_row::<Project>("project"),
        )?;
        Ok(rows.pop())
    }

    /// Whether project `id` is held.
    pub fn project_exists(&self, id: ProjectId) -> Result<bool, StoreError> {
        self.exists("SELECT 1 FROM projects WHERE id = ?1", [id.to_string()])
    }

    /// One progress update, if this device holds it.
    pub fn progress_update(&self, id: ProgressId) -> Result<Option<Row<ProgressUpdate>>, StoreError> {
        let mut rows = self.collect(
            "SELECT record, conflicts, doc FROM project_progress WHERE id = ?1",
            [id.to_string()],
            json_row("progress update"),
        )?;
        Ok(rows.pop())
    }

    /// A project's progress updates, by day then in the order they were made.
    pub fn progress_of(&self, project: ProjectId) -> Result<Vec<Row<ProgressUpdate>>, StoreError> {
        self.collect(
            "SELECT record, conflicts, doc FROM project_progress WHERE project = ?1 ORDER BY day, id",
            [project.to_string()],
            json_row("progress update"),
        )
    }

    /// The registry's own counts: households, and people of their family rosters who have not
    /// moved out (已迁出/注销).
    pub fn registry_counts(&self) -> Result<(usize, usize), StoreError> {
        let households = self.count("households")?;
        let people: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM family_members WHERE COALESCE(json_extract(record, '$.left'), 0) = 0",
            [],
            |r| r.get(0),
        )?;
        Ok((households, usize::try_from(people).unwrap_or(0)))
    }

    /// The village situation (村情) of `year`, if recorded.
    pub fn situation(&self, year: i32) -> Result<Option<Row<VillageSituation>>, StoreError> {
        let mut rows = self.collect(
            "SELECT record, conflicts, doc FROM village_situations WHERE year = ?1",
            [year],
            json_row::<VillageSituation>("village situation"),
        )?;
        Ok(rows.pop())
    }

    /// The goals, plan items and letters covering `year` (every year when `None`): by kind
    /// (three-year goals, the yearly plan, letters), then the open ones by due day, then the
    /// closed ones.
    pub fn plan_items(&self, year: Option<i32>) -> Result<Vec<Row<PlanItem>>, StoreError> {
        // The years an item covers are the domain's rule (`PlanItem::covers`), not restated here.
        let rows = self.collect(
            "SELECT record, conflicts, doc FROM plan_items
             ORDER BY CASE kind WHEN 'three_year' THEN 0 WHEN 'yearly' THEN 1 ELSE 2 END,
                      state <> 'open', due IS NULL, due, id",
            [],
            json_row::<PlanItem>("plan item"),
        )?;
        Ok(rows.into_iter().filter(|r| year.is_none_or(|y| r.record.covers(y))).collect())
    }

    /// One plan item, if this device holds it.
    pub fn plan_item(&self, id: PlanId) -> Result<Option<Row<PlanItem>>, StoreError> {
        let mut rows = self.collect(
            "SELECT record, conflicts, doc FROM plan_items WHERE id = ?1",
            [id.to_string()],
            json_row::<PlanItem>("plan item"),
        )?;
        Ok(rows.pop())
    }

    /// Visits to one household, newest first.
    pub fn visits_of_household(&self, id: HouseholdId) -> Result<Vec<Row<Visit>>, StoreError> {
        self.collect(
            &format!("SELECT {VISIT_COLS} FROM visits WHERE household = ?1 ORDER BY at DESC, id DESC"),
            [id.to_string()],
            visit_row,
        )
    }

    /// Visits with `from <= at < to` (of one member, or of everyone), oldest first.
    pub fn visits(
        &self,
        member: Option<MemberId>,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Row<Visit>>, StoreError> {
        match member {
            Some(m) => self.collect(
                &format!("SELECT {VISIT_COLS} FROM visits WHERE member = ?1 AND at >= ?2 AND at < ?3 ORDER BY at, id"),
                params![m.to_string(), from, to],
                visit_row,
            ),
            None => self.collect(
                &format!("SELECT {VISIT_COLS} FROM visits WHERE at >= ?1 AND at < ?2 ORDER BY at, id"),
                params![from, to],
                visit_row,
            ),
        }
    }

    /// Check-ins with `from <= at < to` (of one member, or of everyone), oldest first.
    pub fn check_ins(
        &self,
        member: Option<MemberId>,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Row<CheckIn>>, StoreError> {
        match member {
            Some(m) => self.collect(
                &format!(
                    "SELECT {CHECK_IN_COLS} FROM check_ins WHERE member = ?1 AND at >= ?2 AND at < ?3 ORDER BY at, id"
                ),
                params![m.to_string(), from, to],
                check_in_row,
            ),
            None => self.collect(
                &format!("SELECT {CHECK_IN_COLS} FROM check_ins WHERE at >= ?1 AND at < ?2 ORDER BY at, id"),
                params![from, to],
                check_in_row,
            ),
        }
    }

    /// One member's diary for one month, by date then time written.
    pub fn diary(&self, member: MemberId, month: YearMonth) -> Result<Vec<Row<DiaryEntry>>, StoreError> {
        self.collect(
            &format!(
                "SELECT {DIARY_COLS} FROM diary_entries WHERE member = ?1 AND month = ?2 ORDER BY date, written_at, id"
            ),
            params![member.to_string(), month.to_string()],
            diary_row,
        )
    }

    pub fn diary_entry_exists(&self, id: DiaryId) -> Result<bool, StoreError> {
        self.exists("SELECT 1 FROM diary_entries WHERE id = ?1", [id.to_string()])
    }

    /// Leave requests (of one member, or of everyone), by start date.
    pub fn leaves(&self, member: Option<MemberId>) -> Result<Vec<Row<LeaveRequest>>, StoreError> {
        match member {
            Some(m) => self.collect(
                &format!("SELECT {LEAVE_COLS} FROM leave_requests WHERE member = ?1 ORDER BY from_date, id"),
                [m.to_string()],
                leave_row,
            ),
            None => self.collect(
                &format!("SELECT {LEAVE_COLS} FROM leave_requests ORDER BY from_date, member, id"),
                [],
                leave_row,
            ),
        }
    }

    /// Every filed month, by month then member.
    pub fn filings(&self) -> Result<Vec<MonthFiling>, StoreError> {
        self.collect("SELECT member, month, filed_by, filed_at FROM filings ORDER BY month, member", [], filing_row)
    }

    /// The score sheets (月度考核) of `month`, by member.
    pub fn score_sheets(&self, month: YearMonth) -> Result<Vec<Row<MonthScoreSheet>>, StoreError> {
        self.collect(
            &format!("SELECT {SCORE_COLS} FROM score_sheets WHERE month = ?1 ORDER BY member"),
            [month.to_string()],
            score_row,
        )
    }

    /// One member's score sheet of `month`, if any.
    pub fn score_sheet(&self, member: MemberId, month: YearMonth) -> Result<Option<Row<MonthScoreSheet>>, StoreError> {
        Ok(self
            .collect(
                &format!("SELECT {SCORE_COLS} FROM score_sheets WHERE member = ?1 AND month = ?2"),
                params![member.to_string(), month.to_string()],
                score_row,
            )?
            .pop())
    }

    pub fn month_filed(&self, member: MemberId, month: YearMonth) -> Result<bool, StoreError> {
        self.exists(
            "SELECT 1 FROM filings WHERE member = ?1 AND month = ?2",
            params![member.to_string(), month.to_string()],
        )
    }

    pub fn household_exists(&self, id: HouseholdId) -> Result<bool, StoreError> {
        self.exists("SELECT 1 FROM households WHERE id = ?1", [id.to_string()])
    }

    pub fn member_exists(&self, id: MemberId) -> Result<bool, StoreError> {
        self.exists("SELECT 1 FROM members WHERE id = ?1", [id.to_string()])
    }

    /// The distinct Asia/Shanghai dates in `from..=to` on which `member` checked in
    /// (kind `In`), ascending.
    pub fn days_in_village(
        &self,
        member: MemberId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<NaiveDate>, StoreError> {
        self.collect(
            "SELECT DISTINCT local_date FROM check_ins
             WHERE member = ?1 AND kind = 'in' AND local_date >= ?2 AND local_date <= ?3
             ORDER BY local_date",
            params![member.to_string(), date_text(from), date_text(to)],
            |r| parse_date("check-in date", &r.get::<_, String>(0)?),
        )
    }

    pub fn counts(&self) -> Result<Counts, StoreError> {
        Ok(Counts {
            households: self.count("households")?,
            members: self.count("members")?,
            visits: self.count("visits")?,
            diary_entries: self.count("diary_entries")?,
            check_ins: self.count("check_ins")?,
            leaves: self.count("leave_requests")?,
            filings: self.count("filings")?,
            score_sheets: self.count("score_sheets")?,
        })
    }

    /// A canonical dump of every materialised table (rows sorted by key, every column,
    /// values in one fixed spelling), so tests can assert two devices hold identical tables.
    /// Document chunks and sync bookkeeping are not included: they legitimately differ.
    pub fn materialised_digest(&self) -> Result<String, StoreError> {
        let mut out = String::new();
        for (table, order) in DIGEST_TABLES {
            let mut stmt = self.conn.prepare(&format!("SELECT * FROM {table} ORDER BY {order}"))?;
            let names: Vec<String> = stmt.column_names().map(String::from).collect();
            let _ = writeln!(out, "[{table}]");
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                for (i, name) in names.iter().enumerate() {
                    out.push_str(if i == 0 { "" } else { " " });
                    out.push_str(name);
                    out.push('=');
                    write_value(&mut out, r.get_ref(i)?);
                }
                out.push('\n');
            }
        }
        Ok(out)
    }
}
