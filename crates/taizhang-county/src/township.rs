//! The township's view (issue 14, seed 003: the township party committee keeps daily
//! attendance and must know at all times who is at post, 及时掌握和统计驻村干部在岗情况), pure:
//! who is at post today ([`at_post`]), the leave requests waiting for a decision
//! ([`leave_to_decide`]) and the members' ended months not filed yet ([`months_to_file`]).
//!
//! Unknown is not absent: a member who has not synced today is 未同步 since their last sync,
//! never "absent" — their check-in may be on a phone without signal.

use chrono::NaiveDate;
use serde::Serialize;
use taizhang_domain::{local_date, local_datetime, CheckKind, LeaveState, Member, Role, Timestamp, YearMonth};
use taizhang_rules::{may_file, FilingWindow, Policy, VillageRecords};
use uuid::Uuid;

use crate::view::{role_label, sync_time_text, VillageInfo};

/// Where a member on post stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PostState {
    /// 在村: a check-in (in) today.
    InVillage,
    /// 请假: approved leave covers today (and no check-in today).
    OnLeave,
    /// 今日尚无记录: synced today, no check-in and no leave yet.
    NoRecordYet,
    /// 未同步: nothing received from the member today; their day is unknown, not absent.
    NotSynced,
}

impl PostState {
    pub fn zh(self) -> &'static str {
        match self {
            PostState::InVillage => "在村",
            PostState::OnLeave => "请假",
            PostState::NoRecordYet => "今日尚无记录",
            PostState::NotSynced => "未同步",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            PostState::InVillage => "in the village",
            PostState::OnLeave => "on leave",
            PostState::NoRecordYet => "no record yet today",
            PostState::NotSynced => "not synced today",
        }
    }
}

/// The leave a line or a request refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeaveBrief {
    pub id: Uuid,
    /// The kind's code (`personal`, `sick`, `official_trip`, ...) and Chinese name.
    pub kind: &'static str,
    pub kind_zh: &'static str,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// One member on post today.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtPostLine {
    pub member: Uuid,
    pub name: String,
    pub role: &'static str,
    pub role_zh: &'static str,
    pub state: PostState,
    /// The state in words; for 未同步 with the last sync (`未同步(最后同步 2026-11-20 18:30)`).
    pub label_zh: String,
    pub label_en: String,
    /// The first check-in today (Asia/Shanghai `HH:MM`), when in the village.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked_in_at: Option<String>,
    /// The approved leave covering today, if any (also when the member checked in anyway).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leave: Option<LeaveBrief>,
    /// The member's last sync (server receipt time, ms) and as Asia/Shanghai text.
    pub last_sync: Option<Timestamp>,
    pub last_sync_text: Option<String>,
}

/// How many members of a village are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PostCounts {
    pub in_village: usize,
    pub on_leave: usize,
    pub no_record_yet: usize,
    pub not_synced: usize,
}

/// One village's members at post today.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtPostVillage {
    pub id: Uuid,
    pub name: String,
    pub township: String,
    pub today: NaiveDate,
    pub counts: PostCounts,
    pub members: Vec<AtPostLine>,
}

fn on_post(m: &Member, day: NaiveDate) -> bool {
    m.term_start <= day && m.term_end.is_none_or(|end| day <= end)
}

fn brief(l: &taizhang_domain::LeaveRequest) -> LeaveBrief {
    LeaveBrief { id: l.id.0, kind: l.kind.code(), kind_zh: l.kind.zh(), from: l.from, to: l.to }
}

/// Who of the village's team (members on post today, in registry order) is at post on
/// `today` (Asia/Shanghai): a check-in today → 在村; else approved leave covering today → 请假;
/// else synced today (last sync on `today`) → 今日尚无记录; else 未同步 since the last sync
/// (or never synced). Never "absent": today is not over and an unsynced day is unknown.
pub fn at_post(info: &VillageInfo, records: &VillageRecords, today: NaiveDate) -> AtPostVillage {
    let mut counts = PostCounts::default();
    let members = records
        .members
        .iter()
        .filter(|m| on_post(m, today))
        .map(|m| {
            let first_in = records
                .check_ins
                .iter()
                .filter(|c| c.member == m.id && c.kind == CheckKind::In && local_date(c.at) == today)
                .map(|c| c.at)
                .min();
            let leave = records
                .leave_requests
                .iter()
                .filter(|l| l.member == m.id && l.state == LeaveState::Approved)
                .filter(|l| l.days().is_some_and(|(from, to)| from <= today && today <= to))
                .min_by_key(|l| (l.from, l.id.0))
                .map(brief);
            let last_sync = records.last_sync.get(&m.id).copied();
            let synced_today = last_sync.is_some_and(|t| local_date(t) >= today);
            let state = if first_in.is_some() {
                PostState::InVillage
            } else if leave.is_some() {
                PostState::OnLeave
            } else if synced_today {
                PostState::NoRecordYet
            } else {
                PostState::NotSynced
            };
            match state {
                PostState::InVillage => counts.in_village += 1,
                PostState::OnLeave => counts.on_leave += 1,
                PostState::NoRecordYet => counts.no_record_yet += 1,
                PostState::NotSynced => counts.not_synced += 1,
            }
            let last_sync_text = last_sync.map(sync_time_text);
            let (label_zh, label_en) = match (state, &leave, &last_sync_text) {
                (PostState::OnLeave, Some(l), _) => {
                    (format!("请假({})", l.kind_zh), format!("on leave ({})", l.kind.replace('_', " ")))
                }
                (PostState::NotSynced, _, Some(t)) => {
                    (format!("未同步(最后同步 {t})"), format!("not synced since {t}"))
                }
                (PostState::NotSynced, _, None) => ("未同步(从未同步)".into(), "never synced".into()),
                _ => (state.zh().into(), state.en().into()),
            };
            let (role, role_zh) = role_label(m.role);
            AtPostLine {
                member: m.id.0,
                name: m.name.clone(),
                role,
                role_zh,
                state,
                label_zh,
                label_en,
                checked_in_at: first_in.and_then(local_datetime).map(|d| d.format("%H:%M").to_string()),
                leave,
                last_sync,
                last_sync_text,
            }
        })
        .collect();
    AtPostVillage { id: info.id, name: info.name.clone(), township: info.township.clone(), today, counts, members }
}

/// A leave request waiting for a decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeaveToDecide {
    pub village: Uuid,
    pub village_name: String,
    pub leave: LeaveBrief,
    /// Days asked for, both ends included.
    pub days: i64,
    pub reason: String,
    pub member: Uuid,
    pub member_name: String,
    /// The requester is the village's first secretary: only the township decides it.
    pub first_secretary: bool,
    /// Who decides: `township` (a first secretary's request) or `first_secretary_or_township`.
    pub decided_by: &'static str,
    pub decided_by_zh: &'static str,
}

/// The village's pending leave requests, by first day then id. A requester not (or no longer)
/// in the registry is listed with their id as name.
pub fn leave_to_decide(info: &VillageInfo, records: &VillageRecords) -> Vec<LeaveToDecide> {
    let mut out: Vec<LeaveToDecide> = records
        .leave_requests
        .iter()
        .filter(|l| l.state == LeaveState::Pending)
        .map(|l| {
            let member = records.members.iter().find(|m| m.id == l.member);
            let first_secretary = member.is_some_and(|m| m.role == Role::FirstSecretary);
            let (decided_by, decided_by_zh) = if first_secretary {
                ("township", "乡镇审批(第一书记本人的请假)")
            } else {
                ("first_secretary_or_township", "第一书记或乡镇审批")
            };
            LeaveToDecide {
                village: info.id,
                village_name: info.name.clone(),
                leave: brief(l),
                days: (l.to - l.from).num_days() + 1,
                reason: l.reason.clone(),
                member: l.member.0,
                member_name: member.map_or_else(|| l.member.to_string(), |m| m.name.clone()),
                first_secretary,
                decided_by,
                decided_by_zh,
            }
        })
        .collect();
    out.sort_by_key(|a| (a.leave.from, a.leave.id));
    out
}

/// A member's ended month without a filing (月备案).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthToFile {
    pub village: Uuid,
    pub village_name: String,
    pub member: Uuid,
    pub member_name: String,
    /// `2026-10`.
    pub month: String,
    /// `due` (within the policy's filing window) or `late` (after it).
    pub state: &'static str,
    pub state_zh: &'static str,
    /// The last day to file on time (`None`: the policy sets no deadline).
    pub due: Option<NaiveDate>,
    /// When the member submitted the month from the app (提交本月); `None`: not submitted
    /// (yet — it can still be filed without).
    pub submitted_at: Option<i64>,
    /// The days without a diary entry the member was shown when submitting, and their note.
    pub submitted_gaps: Vec<NaiveDate>,
    pub submission_note: String,
}

/// How many ended months back [`months_to_file`] looks.
pub const MONTHS_BACK: u32 = 12;

fn previous(month: YearMonth) -> Option<YearMonth> {
    month.first_day().pred_opt().map(YearMonth::of)
}

/// Each member's ended months (the last [`MONTHS_BACK`] before `today`'s month) in which they
/// were on post some day and that are not filed, by member (registry order) then month, with
/// where each stands in the policy's filing window (`taizhang_rules::may_file`): due or late.
pub fn months_to_file(
    info: &VillageInfo,
    records: &VillageRecords,
    today: NaiveDate,
    policy: &Policy,
) -> Vec<MonthToFile> {
    let mut months = Vec::new();
    let mut m = previous(YearMonth::of(today));
    for _ in 0..MONTHS_BACK {
        let Some(month) = m else { break };
        months.push(month);
        m = previous(month);
    }
    months.reverse();
    let mut out = Vec::new();
    for member in &records.members {
        for &month in &months {
            let served =
                member.term_start <= month.last_day() && member.term_end.is_none_or(|end| month.first_day() <= end);
            let filed = records.filings.iter().any(|f| f.member == member.id && f.month == month);
            if !served || filed {
                continue;
            }
            let (state, state_zh, due) = match may_file(month, today, policy) {
                FilingWindow::NotYet { .. } => continue,
                FilingWindow::Open { due } => ("due", "待备案", due),
                FilingWindow::Late { due } => ("late", "逾期未备案", Some(due)),
            };
            let submission = records
                .submissions
                .iter()
                .filter(|s| s.member == member.id && s.month == month)
                .max_by_key(|s| s.submitted_at);
            out.push(MonthToFile {
                submitted_at: submission.map(|s| s.submitted_at),
                submitted_gaps: submission.map(|s| s.gaps.clone()).unwrap_or_default(),
                submission_note: submission.map(|s| s.note.clone()).unwrap_or_default(),
                village: info.id,
                village_name: info.name.clone(),
                member: member.id.0,
                member_name: member.name.clone(),
                month: month.to_string(),
                state,
                state_zh,
                due,
            });
        }
    }
    out
}

/// One report a team owes the township in a year: a quarter's (季报告), the commitment (年承诺),
/// the yearly written report (述职) or the research report (调研报告).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportSlot {
    /// `2026-Q3`, `2026-commitment`.
    pub period: String,
    /// `quarterly` or `commitment`.
    pub kind: &'static str,
    /// 第三季度报告, 2026年度承诺.
    pub label_zh: String,
    /// `filed`, `missing` (its quarter has ended, or the commitment of the year), `not_yet`
    /// (the quarter has not ended).
    pub state: &'static str,
    pub state_zh: &'static str,
    /// The report as filed: its text, who wrote it last and when (server-independent: the
    /// author's device time).
    pub text: Option<String>,
    pub written_by: Option<Uuid>,
    pub written_by_name: Option<String>,
    pub written_at: Option<Timestamp>,
}

/// A village's reports of one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VillageReports {
    pub village: Uuid,
    pub village_name: String,
    pub reports: Vec<ReportSlot>,
}

/// Which of `year`'s reports the village's team has filed (the commitment first, then the
/// four quarters, the yearly written report and the research report), as of `today`: a
/// quarter not yet ended is `not_yet`, never missing.
pub fn team_reports(info: &VillageInfo, records: &VillageRecords, year: i32, today: NaiveDate) -> VillageReports {
    VillageReports { village: info.id, village_name: info.name.clone(), reports: report_slots(records, year, today) }
}

/// The slots of [`team_reports`] for one village's records.
pub fn report_slots(records: &VillageRecords, year: i32, today: NaiveDate) -> Vec<ReportSlot> {
    use taizhang_domain::ReportPeriod;
    let mut periods = vec![ReportPeriod::Commitment { year }];
    periods.extend((1..=4).map(|quarter| ReportPeriod::Quarter { year, quarter }));
    periods.push(ReportPeriod::Year { year });
    periods.push(ReportPeriod::Research { year });
    let quarter_zh = ["一", "二", "三", "四"];
    let reports = periods
        .into_iter()
        .map(|p| {
            let filed = records.reports.iter().filter(|r| r.period == p).max_by_key(|r| r.written_at);
            let label_zh = match p {
                ReportPeriod::Commitment { year } => format!("{year}年度承诺"),
                ReportPeriod::Year { year } => format!("{year}年度述职报告"),
                ReportPeriod::Research { year } => format!("{year}年调研报告"),
                ReportPeriod::Quarter { year, quarter } => {
                    format!("{year}年第{}季度报告", quarter_zh.get(usize::from(quarter) - 1).copied().unwrap_or("?"))
                }
            };
            let (state, state_zh) = match (filed, p.ends()) {
                (Some(_), _) => ("filed", "已报送"),
                (None, Some(ends)) if today < ends => ("not_yet", "未到期"),
                (None, _) => ("missing", "未报送"),
            };
            ReportSlot {
                period: p.to_string(),
                kind: p.kind_code(),
                label_zh,
                state,
                state_zh,
                text: filed.map(|r| r.text.clone()),
                written_by: filed.map(|r| r.written_by.0),
                written_by_name: filed.map(|r| crate::project::member_name(records, r.written_by)),
                written_at: filed.map(|r| r.written_at),
            }
        })
        .collect();
    reports
}
