//! The export tables (考勤, 走访, 民情日记, 考核, and the village ledger's 项目台账, 会议记录, 村情 and
//! 帮扶计划) for a county, a village or one member over a
//! period, with Chinese headers; `taizhang-export` turns them into CSV or Excel bytes. Rows are
//! sorted (village, member, date) so two exports of the same records are byte-identical.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use taizhang_domain::local_datetime;
use taizhang_domain::{local_date, CheckKind, LeaveState, MemberId, Timestamp};
use taizhang_export::{Cell, Table};
use taizhang_rules::{member_report, MemberInputs, Period, Policy, VillageRecords};

use crate::inputs::Entered;
use crate::project::{member_name, team_key};
use crate::view::{discipline, month_lines_with, months_of, role_label, sync_time_text, VillageInfo};
use crate::CountyError;

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    /// 考勤: one row per member per judged day.
    Attendance,
    /// 走访: one row per visit.
    Visits,
    /// 民情日记: one row per diary entry (amendments included, marked).
    Diary,
    /// 考核: one row per member with the period's figures and each month's score.
    Scores,
    /// 项目台账 (issue 22): one row per project of the village — open ones, and closed ones
    /// closed in the period — with its funding by source, households, progress and result.
    Projects,
    /// 会议记录 (issue 22): one row per meeting or activity held in the period.
    Meetings,
    /// 村情 (issue 22): one row per village and year of the period — the year's situation
    /// register, or a row marked 未填 when none was entered. Unknown counts are empty, never 0.
    Situation,
    /// 帮扶计划 (issue 22): one row per three-year goal, yearly plan item or responsibility letter
    /// covering a year of the period.
    Plans,
}

impl Dataset {
    pub const ALL: [Dataset; 8] = [
        Dataset::Attendance,
        Dataset::Visits,
        Dataset::Diary,
        Dataset::Scores,
        Dataset::Projects,
        Dataset::Meetings,
        Dataset::Situation,
        Dataset::Plans,
    ];
    /// The datasets with a row per member or per member's record (a member scope keeps that
    /// member's rows); the village ledger's (projects, meetings) keep, for a member, the records
    /// that member made.
    pub const PER_MEMBER: [Dataset; 4] = [Dataset::Attendance, Dataset::Visits, Dataset::Diary, Dataset::Scores];

    pub fn code(self) -> &'static str {
        match self {
            Dataset::Attendance => "attendance",
            Dataset::Visits => "visits",
            Dataset::Diary => "diary",
            Dataset::Scores => "scores",
            Dataset::Projects => "projects",
            Dataset::Meetings => "meetings",
            Dataset::Situation => "situation",
            Dataset::Plans => "plans",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Dataset::Attendance => "考勤",
            Dataset::Visits => "走访",
            Dataset::Diary => "民情日记",
            Dataset::Scores => "考核",
            Dataset::Projects => "项目台账",
            Dataset::Meetings => "会议记录",
            Dataset::Situation => "村情",
            Dataset::Plans => "帮扶计划",
        }
    }
}

impl FromStr for Dataset {
    type Err = CountyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Dataset::ALL
            .into_iter()
            .find(|d| d.code() == s)
            .ok_or_else(|| CountyError::UnknownDataset(s.chars().take(40).collect()))
    }
}

/// One village's records with where it sits.
#[derive(Debug, Clone, Copy)]
pub struct VillageData<'a> {
    pub info: &'a VillageInfo,
    pub records: &'a VillageRecords,
}

/// The rows to export: every village given, or one member of the single village given.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    pub county: &'a str,
    pub villages: Vec<VillageData<'a>>,
    pub member: Option<MemberId>,
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn time_of(at: Timestamp) -> String {
    local_datetime(at).map(|d| d.format("%H:%M").to_string()).unwrap_or_default()
}

/// 照片数: how many photos and scans a record refers to (issue 19); 0 is a real count here.
fn photos(attachments: &[String]) -> Cell {
    Cell::Int(attachments.len() as i64)
}

fn place(scope: &Scope<'_>, v: &VillageData<'_>) -> Vec<Cell> {
    vec![text(scope.county), text(&v.info.township), text(&v.info.name)]
}

/// The team in a stable order whatever order the records came in (see `project::team_key`).
fn team_order(r: &VillageRecords) -> Vec<&taizhang_domain::Member> {
    let mut team: Vec<_> = r.members.iter().collect();
    team.sort_by(|a, b| team_key(a).cmp(&team_key(b)));
    team
}

fn check_member(scope: &Scope<'_>) -> Result<(), CountyError> {
    if let Some(m) = scope.member {
        if !scope.villages.iter().any(|v| v.records.members.iter().any(|x| x.id == m)) {
            return Err(CountyError::UnknownMember(m));
        }
    }
    Ok(())
}

/// The table of `dataset` for `scope` over `period`, judged up to `today`, with nothing
/// entered by county staff.
pub fn table(
    dataset: Dataset,
    scope: &Scope<'_>,
    period: Period,
    today: NaiveDate,
    policy: &Policy,
) -> Result<Table, CountyError> {
    table_with_inputs(dataset, scope, &BTreeMap::new(), period, today, policy)
}

/// [`table`] with what county staff entered, by village (scores use it).
pub fn table_with_inputs(
    dataset: Dataset,
    scope: &Scope<'_>,
    entered: &BTreeMap<uuid::Uuid, Entered>,
    period: Period,
    today: NaiveDate,
    policy: &Policy,
) -> Result<Table, CountyError> {
    period.check()?;
    check_member(scope)?;
    let wanted = |m: MemberId| scope.member.is_none_or(|w| w == m);
    let mut villages = scope.villages.clone();
    villages
        .sort_by(|a, b| (&a.info.township, &a.info.name, a.info.id).cmp(&(&b.info.township, &b.info.name, b.info.id)));
    let title = format!("{}{}-{}", dataset.zh(), period.from, period.to);
    let headers = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match dataset {
        Dataset::Attendance => {
            let mut rows = Vec::new();
            for v in &villages {
                let r = v.records;
                for m in team_order(r).into_iter().filter(|m| wanted(m.id)) {
                    let mut first_in: BTreeMap<NaiveDate, (Timestamp, String)> = BTreeMap::new();
                    for c in r.check_ins.iter().filter(|c| c.member == m.id && c.kind == CheckKind::In) {
                        let e = first_in.entry(local_date(c.at)).or_insert((c.at, c.id.to_string()));
                        if (c.at, c.id.to_string()) < *e {
                            *e = (c.at, c.id.to_string());
                        }
                    }
                    let end = m.term_end.map_or(today, |e| e.min(today));
                    let Some(judged) = period.clip(m.term_start, end) else { continue };
                    let leave: BTreeSet<NaiveDate> = r
                        .leave_requests
                        .iter()
                        .filter(|l| l.member == m.id && l.state == LeaveState::Approved)
                        .filter_map(|l| judged.clip(l.from, l.to))
                        .flat_map(|p| p.dates())
                        .collect();
                    let (_, role_zh) = role_label(m.role);
                    let rep = member_report(r, m.id, period, today, &MemberInputs::default(), policy)?;
                    let not_synced: BTreeSet<NaiveDate> = rep.not_synced.value.iter().copied().collect();
                    let absent: BTreeSet<NaiveDate> = rep.absent_without_leave.value.iter().copied().collect();
                    for d in judged.dates() {
                        let mut row = place(scope, v);
                        let hit = first_in.get(&d);
                        let state = if hit.is_some() {
                            text("在村")
                        } else if leave.contains(&d) {
                            text("请假")
                        } else if not_synced.contains(&d) {
                            text("未同步")
                        } else if absent.contains(&d) {
                            text("无故缺勤")
                        } else {
                            Cell::Empty
                        };
                        row.extend([
                            text(&m.name),
                            text(role_zh),
                            Cell::Date(d),
                            Cell::Bool(hit.is_some()),
                            hit.map_or(Cell::Empty, |(at, _)| text(time_of(*at))),
                            if leave.contains(&d) { text("已批准") } else { Cell::Empty },
                            state,
                            hit.map_or(Cell::Empty, |(_, id)| text(id)),
                        ]);
                        rows.push(row);
                    }
                }
            }
            Ok(Table {
                title,
                headers: headers(&[
                    "县",
                    "乡镇",
                    "村",
                    "队员",
                    "角色",
                    "日期",
                    "在村",
                    "最早到村打卡",
                    "请假",
                    "考勤状态",
                    "记录编号",
                ]),
                rows,
            })
        }
        Dataset::Visits => {
            let mut rows = Vec::new();
            for v in &villages {
                let r = v.records;
                let mut visits: Vec<_> = r
                    .visits
                    .iter()
                    .filter(|x| wanted(x.member) && period.contains(local_date(x.at)) && local_date(x.at) <= today)
                    .collect();
                visits.sort_by_key(|x| (x.at, x.id));
                for x in visits {
                    let h = r.households.iter().find(|h| h.id == x.household);
                    let mut row = place(scope, v);
                    row.extend([
                        Cell::Date(local_date(x.at)),
                        text(time_of(x.at)),
                        text(member_name(r, x.member)),
                        text(h.map_or_else(|| "(未登记)".to_string(), |h| h.head.clone())),
                        text(h.map_or_else(String::new, |h| h.group.clone())),
                        text(&x.findings),
                        text(&x.needs),
                        text(&x.follow_up),
                        x.amends.map_or(Cell::Empty, |a| text(a.to_string())),
                        photos(&x.attachments),
                        text(x.id.to_string()),
                    ]);
                    rows.push(row);
                }
            }
            Ok(Table {
                title,
                headers: headers(&[
                    "县",
                    "乡镇",
                    "村",
                    "日期",
                    "时间",
                    "队员",
                    "户主",
                    "村民小组",
                    "发现问题",
                    "群众需求",
                    "后续跟进",
                    "更正的走访",
                    "照片数",
                    "记录编号",
                ]),
                rows,
            })
        }
        Dataset::Diary => {
            let mut rows = Vec::new();
            for v in &villages {
                let r = v.records;
                let mut entries: Vec<_> =
                    r.diary.iter().filter(|d| wanted(d.member) && period.contains(d.date) && d.date <= today).collect();
                entries.sort_by_key(|d| (d.date, d.written_at, d.id));
                for d in entries {
                    let mut row = place(scope, v);
                    row.extend([
                        Cell::Date(d.date),
                        text(member_name(r, d.member)),
                        text(&d.text),
                        d.amends.map_or(Cell::Empty, |a| text(a.to_string())),
                        photos(&d.attachments),
                        text(d.id.to_string()),
                    ]);
                    rows.push(row);
                }
            }
            Ok(Table {
                title,
                headers: headers(&["县", "乡镇", "村", "日期", "队员", "内容", "更正的记录", "照片数", "记录编号"]),
                rows,
            })
        }
        Dataset::Scores => {
            let months: Vec<String> =
                months_of(period).into_iter().filter(|(_, p)| p.from <= today).map(|(m, _)| m.to_string()).collect();
            let mut h = headers(&[
                "县",
                "乡镇",
                "村",
                "队员",
                "角色",
                "驻村天数",
                "应驻村天数",
                "驻村达标",
                "请假天数",
                "日记天数",
                "缺记天数",
                "无故缺勤天数",
                "未同步天数",
                "未备案月份",
                "工作纪律分",
                "工作实绩",
                "群众评议",
                "工作评价",
                "总分",
                "等次",
                "最后同步",
                "临时积分月份",
            ]);
            h.extend(months.iter().map(|m| format!("{m} 月度积分")));
            let mut rows = Vec::new();
            for v in &villages {
                let r = v.records;
                let none = Entered::default();
                let e = entered.get(&v.info.id).unwrap_or(&none);
                for m in team_order(r).into_iter().filter(|m| wanted(m.id)) {
                    let year = e.year(m.id, period.to.year());
                    let inputs = year.map(|y| y.member_inputs(policy)).unwrap_or_default();
                    let rep = member_report(r, m.id, period, today, &inputs, policy)?;
                    let disc = discipline(&rep, policy)?;
                    let a = match e.scheme_a(m.id, period.to.year()) {
                        Some(c) => Some(taizhang_rules::scheme_a(&rep, &c, policy)?),
                        None => None,
                    };
                    let lines = month_lines_with(r, e, m.id, period, today, policy)?;
                    let required = rep.min_days.value.required.max(rep.min_share.value.required);
                    let mut row = place(scope, v);
                    row.extend([
                        text(&m.name),
                        text(role_label(m.role).1),
                        Cell::Int(i64::from(rep.days_in_village.value)),
                        Cell::Int(i64::from(required)),
                        Cell::Bool(rep.min_days.value.met && rep.min_share.value.met),
                        Cell::Int(rep.leave_days.value.len() as i64),
                        Cell::Int(i64::from(rep.diary_days.value)),
                        Cell::Int(rep.diary_gaps.value.len() as i64),
                        Cell::Int(rep.absent_without_leave.value.len() as i64),
                        Cell::Int(rep.not_synced.value.len() as i64),
                        text(rep.unfiled_months.value.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(" ")),
                        Cell::Number((disc.value * 100.0).round() / 100.0),
                        year.and_then(|y| y.results).map_or(Cell::Empty, Cell::Number),
                        year.and_then(|y| y.evaluation).map_or(Cell::Empty, Cell::Number),
                        year.and_then(|y| y.assessment).map_or(Cell::Empty, Cell::Number),
                        a.as_ref().map_or(Cell::Empty, |a| Cell::Number((a.total.value * 100.0).round() / 100.0)),
                        a.as_ref().map_or_else(|| text("未录入"), |a| text(a.grade.value.zh())),
                        r.last_sync.get(&m.id).map_or(Cell::Empty, |&t| text(sync_time_text(t))),
                        text(
                            lines
                                .iter()
                                .filter(|l| l.provisional)
                                .map(|l| l.month.as_str())
                                .collect::<Vec<_>>()
                                .join(" "),
                        ),
                    ]);
                    for month in &months {
                        row.push(
                            lines
                                .iter()
                                .find(|l| &l.month == month)
                                .map_or(Cell::Empty, |l| Cell::Number(l.score.value)),
                        );
                    }
                    rows.push(row);
                }
            }
            Ok(Table { title, headers: h, rows })
        }
        Dataset::Projects => {
            let mut rows = Vec::new();
            for v in &villages {
                let r = v.records;
                let mut projects: Vec<_> = r
                    .projects
                    .iter()
                    .filter(|p| wanted(p.created_by))
                    .filter(|p| match p.closed_on {
                        // Closed: in the period it was closed in; open: in every period.
                        Some(d) => period.contains(d) && d <= today,
                        None => true,
                    })
                    .collect();
                projects.sort_by_key(|p| (p.kind, p.created_at, p.id));
                for p in projects {
                    let mut progress: Vec<_> = r.progress.iter().filter(|u| u.project == p.id).collect();
                    progress.sort_by_key(|u| (u.day, u.at, u.id));
                    let heads: Vec<String> = p
                        .households
                        .iter()
                        .map(|h| {
                            r.households.iter().find(|x| x.id == *h).map_or_else(|| h.to_string(), |x| x.head.clone())
                        })
                        .collect();
                    let yuan = |y: Option<i64>| y.map_or(Cell::Empty, Cell::Int);
                    // The follow-up items (承诺事项) that became or joined the project.
                    let linked: Vec<_> = r.follow_ups.iter().filter(|f| f.project == Some(p.id)).collect();
                    let mut row = place(scope, v);
                    row.extend([
                        text(&p.name),
                        text(p.kind.zh()),
                        text(p.state.zh()),
                        yuan(p.funding.collective),
                        yuan(p.funding.fiscal),
                        yuan(p.funding.party_fees),
                        yuan(p.funding.urban_rural),
                        yuan(p.funding.total()),
                        Cell::Int(p.households.len() as i64),
                        text(heads.join("、")),
                        p.started_on.map_or(Cell::Empty, Cell::Date),
                        text(
                            progress
                                .iter()
                                .map(|u| format!("{} {}({})", u.day, u.text, member_name(r, u.by)))
                                .collect::<Vec<_>>()
                                .join(";"),
                        ),
                        p.closed_on.map_or(Cell::Empty, Cell::Date),
                        text(&p.result),
                        Cell::Int(linked.len() as i64),
                        Cell::Int(linked.iter().filter(|f| !f.is_done()).count() as i64),
                        text(member_name(r, p.created_by)),
                        text(p.id.to_string()),
                    ]);
                    rows.push(row);
                }
            }
            Ok(Table {
                title,
                headers: headers(&[
                    "县",
                    "乡镇",
                    "村",
                    "项目名称",
                    "项目类型",
                    "状态",
                    "集体自筹(元)",
                    "财政投入(元)",
                    "党费补贴(元)",
                    "城乡统筹(元)",
                    "资金合计(元)",
                    "受益户数",
                    "受益农户",
                    "开工日期",
                    "进展",
                    "办结日期",
                    "结果",
                    "关联承诺事项",
                    "其中待办",
                    "记录人",
                    "记录编号",
                ]),
                rows,
            })
        }
        Dataset::Meetings => {
            let mut rows = Vec::new();
            for v in &villages {
                let r = v.records;
                let mut meetings: Vec<_> = r
                    .meetings
                    .iter()
                    .filter(|m| wanted(m.recorded_by) && period.contains(m.date) && m.date <= today)
                    .collect();
                meetings.sort_by_key(|m| (m.date, m.recorded_at, m.id));
                for m in meetings {
                    let mut row = place(scope, v);
                    row.extend([
                        Cell::Date(m.date),
                        text(m.kind.zh()),
                        text(&m.led_by),
                        m.attendance.map_or(Cell::Empty, |n| Cell::Int(i64::from(n))),
                        text(&m.topics),
                        text(&m.decisions),
                        text(member_name(r, m.recorded_by)),
                        text(m.id.to_string()),
                    ]);
                    rows.push(row);
                }
            }
            Ok(Table {
                title,
                headers: headers(&[
                    "县",
                    "乡镇",
                    "村",
                    "日期",
                    "类型",
                    "主持/主讲",
                    "参加人数",
                    "议题",
                    "决定事项",
                    "记录人",
                    "记录编号",
                ]),
                rows,
            })
        }
        Dataset::Situation => Ok(situation_table(scope, &villages, &wanted, period, title)),
        Dataset::Plans => Ok(plans_table(scope, &villages, &wanted, period, today, title)),
    }
}

/// An unknown count stays empty (never 0).
fn count(n: Option<u32>) -> Cell {
    n.map_or(Cell::Empty, |n| Cell::Int(i64::from(n)))
}

fn yuan(y: Option<i64>) -> Cell {
    y.map_or(Cell::Empty, Cell::Int)
}

/// The years a period touches (one or two: a period is at most 366 days).
fn years_of(period: Period) -> std::ops::RangeInclusive<i32> {
    period.from.year()..=period.to.year()
}

/// 村情: one row per village and year of the period; a year nobody entered is a row marked 未填.
/// For a member, the situations they last changed.
fn situation_table(
    scope: &Scope<'_>,
    villages: &[VillageData<'_>],
    wanted: &dyn Fn(MemberId) -> bool,
    period: Period,
    title: String,
) -> Table {
    let mut rows = Vec::new();
    for v in villages {
        let r = v.records;
        for year in years_of(period) {
            let x = r.situations.iter().find(|x| x.year == year);
            let mut row = place(scope, v);
            match x {
                Some(x) if wanted(x.updated_by) => {
                    let (filled, parts) = x.filled();
                    let committee: Vec<String> = x
                        .committee
                        .iter()
                        .map(|c| {
                            let mut about = vec![c.post.clone()];
                            about.extend(c.birth_year.map(|y| format!("{y}年生")));
                            about.extend(c.education.map(|e| e.zh().to_string()));
                            format!("{}({})", c.name, about.join(","))
                        })
                        .collect();
                    row.extend([
                        Cell::Int(i64::from(year)),
                        text(format!("{filled}/{parts}")),
                        count(x.population),
                        count(x.households),
                        Cell::Int(r.households.len() as i64),
                        count(x.party_members),
                        if x.committee.is_empty() { Cell::Empty } else { Cell::Int(x.committee.len() as i64) },
                        text(committee.join("、")),
                        yuan(x.collective_income_yuan),
                        text(&x.income_sources),
                        yuan(x.income_per_head_yuan),
                        text(&x.industries),
                        text(&x.roads),
                        text(&x.water),
                        text(&x.network),
                        text(&x.problems),
                        text(member_name(r, x.updated_by)),
                    ]);
                }
                Some(_) => continue,
                // Nobody entered the year: a row says so (for a member's export, nothing).
                None if scope.member.is_some() => continue,
                None => {
                    row.extend([Cell::Int(i64::from(year)), text("未填")]);
                    row.extend([Cell::Empty, Cell::Empty, Cell::Int(r.households.len() as i64)]);
                    row.extend(std::iter::repeat_n(Cell::Empty, 12));
                }
            }
            rows.push(row);
        }
    }
    let headers = [
        "县",
        "乡镇",
        "村",
        "年度",
        "填写情况",
        "户籍人口",
        "户数",
        "农户档案登记户数",
        "党员人数",
        "村两委人数",
        "村两委成员",
        "村集体经济收入(元)",
        "集体收入来源",
        "农民人均可支配收入(元)",
        "主导产业",
        "道路",
        "饮水",
        "网络/通信",
        "主要问题",
        "最后修改人",
    ];
    Table { title, headers: headers.iter().map(|h| h.to_string()).collect(), rows }
}

/// 帮扶计划: every goal, plan item and letter covering a year of the period (goals, then the
/// yearly plan, then letters; by year and due day). For a member, the items they recorded.
fn plans_table(
    scope: &Scope<'_>,
    villages: &[VillageData<'_>],
    wanted: &dyn Fn(MemberId) -> bool,
    period: Period,
    today: NaiveDate,
    title: String,
) -> Table {
    let mut rows = Vec::new();
    for v in villages {
        let r = v.records;
        let mut plans: Vec<_> =
            r.plans.iter().filter(|p| wanted(p.recorded_by) && years_of(period).any(|y| p.covers(y))).collect();
        plans.sort_by_key(|p| (p.kind, p.year, p.due.is_none(), p.due, p.recorded_at, p.id));
        for p in plans {
            let last = p.year + p.kind.years() - 1;
            let years = if last == p.year { p.year.to_string() } else { format!("{}–{last}", p.year) };
            let mut row = place(scope, v);
            row.extend([
                text(p.kind.zh()),
                text(years),
                text(&p.title),
                text(&p.target),
                p.due.map_or(Cell::Empty, Cell::Date),
                text(p.state.zh()),
                Cell::Bool(p.overdue(today)),
                p.closed_on.map_or(Cell::Empty, Cell::Date),
                text(&p.result),
                text(member_name(r, p.recorded_by)),
                text(p.id.to_string()),
            ]);
            rows.push(row);
        }
    }
    let headers = [
        "县",
        "乡镇",
        "村",
        "类别",
        "年度",
        "事项/签订单位",
        "目标/指标",
        "完成时限",
        "状态",
        "已逾期",
        "办结日期",
        "完成情况",
        "记录人",
        "记录编号",
    ];
    Table { title, headers: headers.iter().map(|h| h.to_string()).collect(), rows }
}
