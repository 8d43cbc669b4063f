//! The flow of a month and the overview (issue 14): when a month may be filed and by when
//! ([`may_file`]), and the county overview's flag in tiers ([`overview_flag`]) computed from
//! known days only, so a village whose members have not synced is unknown, not failing.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use taizhang_domain::{local_date, MonthFiling, YearMonth};

use crate::explain::{codes, figure, list, rule};
use crate::{
    member_report, team_report, Figure, MemberInputs, MemberReport, Period, Policy, RulesError, TeamReport,
    VillageRecords,
};

/// Where a month stands for filing (月备案) on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum FilingWindow {
    /// The month has not ended: it can be filed from `opens` (the first day of the next month).
    NotYet { opens: NaiveDate },
    /// It can be filed, on time until `due` (`None`: the policy sets no deadline).
    Open { due: Option<NaiveDate> },
    /// It can still be filed, but late: the window closed after `due`.
    Late { due: NaiveDate },
}

impl FilingWindow {
    /// Whether the month can be filed now (on time or late).
    pub fn allowed(self) -> bool {
        !matches!(self, FilingWindow::NotYet { .. })
    }
}

/// The last day to file `month` on time: the month's last day plus `filing_window_days` (5:
/// the 5th of the next month); `None` when the policy sets no deadline (0).
pub fn filing_due(month: YearMonth, policy: &Policy) -> Option<NaiveDate> {
    (policy.filing_window_days > 0)
        .then(|| month.last_day().checked_add_days(Days::new(u64::from(policy.filing_window_days))))
        .flatten()
}

/// Whether `month` may be filed on `today` (Asia/Shanghai): not before it has ended; on time
/// until [`filing_due`]; afterwards still, marked late.
pub fn may_file(month: YearMonth, today: NaiveDate, policy: &Policy) -> FilingWindow {
    if today <= month.last_day() {
        return FilingWindow::NotYet { opens: month.next().first_day() };
    }
    match filing_due(month, policy) {
        Some(due) if today > due => FilingWindow::Late { due },
        due => FilingWindow::Open { due },
    }
}

/// Whether a filing was made after the policy's window (it stands all the same).
pub fn filed_late(filing: &MonthFiling, policy: &Policy) -> bool {
    filing_due(filing.month, policy).is_some_and(|due| local_date(filing.filed_at) > due)
}

/// The overview's flag of a village.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// 正常
    Normal,
    /// 提醒
    Notice,
    /// 需关注
    Attention,
}

impl Flag {
    pub fn zh(self) -> &'static str {
        match self {
            Flag::Normal => "正常",
            Flag::Notice => "提醒",
            Flag::Attention => "需关注",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Flag::Normal => "normal",
            Flag::Notice => "notice",
            Flag::Attention => "needs attention",
        }
    }
}

/// The counts the flag is decided on, over a period, known days only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagFacts {
    /// Team days with members on post and nobody known in the village, not excused.
    pub gap_days: u32,
    /// Team days unknown because a member on post has not synced them.
    pub unknown_days: u32,
    /// Member-months unfiled after the filing window closed.
    pub unfiled_months: u32,
    /// Members under the prorated minimum of days even if every unknown day was in the village.
    pub members_under_minimum: u32,
    /// Days of absence without leave, all members together.
    pub absence_days: u32,
    /// The most days any member has not synced in the period.
    pub longest_not_synced_days: u32,
}

/// The flag's counts for one village over `period`, judged up to `today`.
pub fn flag_facts(
    records: &VillageRecords,
    period: Period,
    today: NaiveDate,
    policy: &Policy,
) -> Result<FlagFacts, RulesError> {
    let team = team_report(records, period, today, policy)?;
    let members = records
        .members
        .iter()
        .map(|m| member_report(records, m.id, period, today, &MemberInputs::default(), policy))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(flag_facts_of(&team, &members, today, policy))
}

/// The flag's counts from reports already made: the team's and every member's over the same
/// period, with no duty inputs ([`MemberInputs::default`]) — what [`flag_facts`] makes. A
/// caller that shows those reports too (the county overview) judges each once.
pub fn flag_facts_of<'a>(
    team: &TeamReport,
    members: impl IntoIterator<Item = &'a MemberReport>,
    today: NaiveDate,
    policy: &Policy,
) -> FlagFacts {
    let mut f = FlagFacts {
        gap_days: if policy.someone_in_village_every_day { team.gaps.value.len() as u32 } else { 0 },
        unknown_days: team.unknown.value.len() as u32,
        ..FlagFacts::default()
    };
    for r in members {
        if policy.months_must_be_filed {
            f.unfiled_months +=
                r.unfiled_months.value.iter().filter(|&&mo| !may_file_on_time(mo, today, policy)).count() as u32;
        }
        let required = r.min_days.value.required.max(r.min_share.value.required);
        let could_reach = r.days_in_village.value + r.not_synced.value.len() as u32;
        if r.judged.is_some() && could_reach < required {
            f.members_under_minimum += 1;
        }
        f.absence_days += r.absent_without_leave.value.len() as u32;
        f.longest_not_synced_days = f.longest_not_synced_days.max(r.not_synced.value.len() as u32);
    }
    f
}

fn may_file_on_time(month: YearMonth, today: NaiveDate, policy: &Policy) -> bool {
    !matches!(may_file(month, today, policy), FilingWindow::Late { .. })
}

/// The overview's flag from the counts: 需关注 when any count reaches its `attention_`
/// threshold, else 提醒 when any reaches its `notice_` threshold (or a member has not synced
/// for `notice_not_synced_days`), else 正常. Unknown days never raise it above 提醒.
pub fn overview_flag(facts: &FlagFacts, policy: &Policy) -> Figure<Flag> {
    let t = &policy.overview_flag;
    let reached = |n: u32, threshold: u32| threshold > 0 && n >= threshold;
    let checks = [
        ("gap_days", "无人在村", facts.gap_days, t.notice_gap_days, t.attention_gap_days),
        ("unfiled_months", "逾期未备案", facts.unfiled_months, t.notice_unfiled_months, t.attention_unfiled_months),
        (
            "members_under_minimum",
            "驻村天数不足",
            facts.members_under_minimum,
            t.notice_members_under_minimum,
            t.attention_members_under_minimum,
        ),
        ("absence_days", "无故缺勤", facts.absence_days, t.notice_absence_days, t.attention_absence_days),
        ("longest_not_synced_days", "未同步", facts.longest_not_synced_days, t.notice_not_synced_days, 0),
    ];
    let mut attention = Vec::new();
    let mut notice = Vec::new();
    for (code, zh, n, notice_at, attention_at) in checks {
        if reached(n, attention_at) {
            attention.push(format!("{zh} {code} = {n} (≥ {attention_at})"));
        } else if reached(n, notice_at) {
            notice.push(format!("{zh} {code} = {n} (≥ {notice_at})"));
        }
    }
    let flag = if !attention.is_empty() {
        Flag::Attention
    } else if !notice.is_empty() {
        Flag::Notice
    } else {
        Flag::Normal
    };
    figure(
        flag,
        rule(
            codes::FLAG,
            format!(
                "overview_flag: gap {}/{}, unfiled {}/{}, under minimum {}/{}, absence {}/{}, not synced {}",
                t.notice_gap_days,
                t.attention_gap_days,
                t.notice_unfiled_months,
                t.attention_unfiled_months,
                t.notice_members_under_minimum,
                t.attention_members_under_minimum,
                t.notice_absence_days,
                t.attention_absence_days,
                t.notice_not_synced_days
            ),
            "按已知的日子分级:正常、提醒、需关注;未同步的日子不计",
            "tiers over known days only: normal, notice, needs attention; days not synced are not counted",
        ),
        Vec::new(),
        format!(
            "{} / {}. 需关注 attention: {}; 提醒 notice: {}; 情况不明 unknown days: {}.",
            flag.zh(),
            flag.en(),
            list(&attention),
            list(&notice),
            facts.unknown_days
        ),
    )
}
