//! The village situation register (村情, one record a year) and the team's plans (三年帮扶目标,
//! 年度帮扶计划, 工作目标责任书) — issue 22's second slice, from seed 001: 逐村建立工作台账 from a
//! village situation register (贫困村简要情况登记表: the two committees, the collective economy,
//! the villagers' income, the main problems), three-year aid goals and a yearly aid plan set
//! with the township, and a target responsibility letter signed with the sending unit.
//!
//! A year's situation is one record (`situation/2026`) whose fields merge one by one: two
//! phones filling in different parts offline both keep theirs. The two committees' members are
//! one field (a list edited as a whole). A plan item is a record of its own (`plan/<uuid>`).
//! Nothing is refused for being late: a situation of an earlier year, a plan closed long ago.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::validate::{day_in_range, not_after_today, not_future, text};
use crate::{local_date, DomainError, LedgerView, Limits, MemberId, PlanId, Timestamp};

/// The first year a situation or plan may be recorded for.
pub const FIRST_YEAR: i32 = 2000;
/// Most members of the two committees one situation may list.
pub const MAX_CADRES: usize = 40;
/// Most people or households a count may hold (a village, not a city).
pub const MAX_COUNT: u32 = 100_000;
/// Most yuan a year's collective income may hold (一百亿).
pub const MAX_INCOME_YUAN: i64 = 10_000_000_000;

/// Schooling of a committee member (文化程度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Education {
    /// 小学及以下
    Primary,
    /// 初中
    Junior,
    /// 高中 / 中专
    Senior,
    /// 大专
    College,
    /// 本科及以上
    University,
}

impl Education {
    pub const ALL: [Education; 5] =
        [Education::Primary, Education::Junior, Education::Senior, Education::College, Education::University];
    pub fn code(self) -> &'static str {
        match self {
            Education::Primary => "primary",
            Education::Junior => "junior",
            Education::Senior => "senior",
            Education::College => "college",
            Education::University => "university",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Education::Primary => "小学及以下",
            Education::Junior => "初中",
            Education::Senior => "高中/中专",
            Education::College => "大专",
            Education::University => "本科及以上",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Education::Primary => "primary school or less",
            Education::Junior => "junior middle school",
            Education::Senior => "senior middle or vocational school",
            Education::College => "college",
            Education::University => "university",
        }
    }
    /// Accepts the code or the Chinese words.
    pub fn from_code(s: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|k| k.code() == s || k.zh() == s).ok_or_else(|| DomainError::UnknownCode {
            field: "education",
            value: s.chars().take(40).collect(),
            expected:
                "primary (小学及以下), junior (初中), senior (高中/中专), college (大专), university (本科及以上)",
        })
    }
}

/// A member of the village's two committees (村两委: the party branch committee and the
/// villagers' committee).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cadre {
    pub name: String,
    /// 职务, e.g. 村党支部书记, 村委会主任, 委员 (free words: posts differ between provinces).
    pub post: String,
    pub birth_year: Option<i32>,
    pub education: Option<Education>,
}

/// The village as it stood in one year (村情). Every count is `None` when not entered: unknown,
/// never zero. The registry's own counts (households, people in the family rosters) are shown
/// beside these by the views; these are the figures the village reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VillageSituation {
    pub year: i32,
    /// 户籍人口.
    pub population: Option<u32>,
    /// 户数.
    pub households: Option<u32>,
    /// 村两委成员.
    pub committee: Vec<Cadre>,
    /// 党员人数.
    pub party_members: Option<u32>,
    /// 村集体经济收入 of the year, whole yuan.
    pub collective_income_yuan: Option<i64>,
    /// 收入来源 (rent, a cooperative, a photovoltaic station …).
    pub income_sources: String,
    /// 农民人均可支配收入, whole yuan.
    pub income_per_head_yuan: Option<i64>,
    /// 主导产业.
    pub industries: String,
    /// 道路.
    pub roads: String,
    /// 饮水.
    pub water: String,
    /// 网络 / 通信.
    pub network: String,
    /// 主要问题.
    pub problems: String,
    pub updated_by: MemberId,
    pub updated_at: Timestamp,
}

impl VillageSituation {
    /// An empty situation of `year`, to be filled in.
    pub fn empty(year: i32, by: MemberId, at: Timestamp) -> Self {
        VillageSituation {
            year,
            population: None,
            households: None,
            committee: Vec::new(),
            party_members: None,
            collective_income_yuan: None,
            income_sources: String::new(),
            income_per_head_yuan: None,
            industries: String::new(),
            roads: String::new(),
            water: String::new(),
            network: String::new(),
            problems: String::new(),
            updated_by: by,
            updated_at: at,
        }
    }

    /// How many of the register's parts are filled in, of how many (for the county overview:
    /// "村情 9/12").
    pub fn filled(&self) -> (usize, usize) {
        let parts = [
            self.population.is_some(),
            self.households.is_some(),
            !self.committee.is_empty(),
            self.party_members.is_some(),
            self.collective_income_yuan.is_some(),
            !self.income_sources.trim().is_empty(),
            self.income_per_head_yuan.is_some(),
            !self.industries.trim().is_empty(),
            !self.roads.trim().is_empty(),
            !self.water.trim().is_empty(),
            !self.network.trim().is_empty(),
            !self.problems.trim().is_empty(),
        ];
        (parts.iter().filter(|p| **p).count(), parts.len())
    }
}

fn year_in_range(field: &'static str, year: i32, last: i32) -> Result<(), DomainError> {
    if !(FIRST_YEAR..=last).contains(&year) {
        return Err(DomainError::OutOfRange {
            field,
            detail: format!("{year}; give a year from {FIRST_YEAR} to {last}"),
        });
    }
    Ok(())
}

fn count(field: &'static str, n: Option<u32>) -> Result<(), DomainError> {
    match n {
        Some(n) if n > MAX_COUNT => Err(DomainError::OutOfRange {
            field,
            detail: format!("{n}; give at most {MAX_COUNT}, or leave it empty if not known"),
        }),
        _ => Ok(()),
    }
}

fn money(field: &'static str, y: Option<i64>) -> Result<(), DomainError> {
    match y {
        Some(y) if !(0..=MAX_INCOME_YUAN).contains(&y) => Err(DomainError::OutOfRange {
            field,
            detail: format!("{y} yuan; give whole yuan between 0 and {MAX_INCOME_YUAN}, or leave it empty"),
        }),
        _ => Ok(()),
    }
}

/// A year's situation: a year not after this one (an earlier year is accepted: the register is
/// often filled in late), counts and money within range, each committee member named with a
/// post and a plausible birth year, the writer of the team.
pub fn validate_situation(
    s: &VillageSituation,
    view: &impl LedgerView,
    now: Timestamp,
    limits: &Limits,
) -> Result<(), DomainError> {
    let this_year = local_date(now).year();
    year_in_range("situation year", s.year, this_year)?;
    if !view.member_exists(s.updated_by) {
        return Err(DomainError::UnknownMember(s.updated_by.to_string()));
    }
    not_future(s.updated_at, now, limits)?;
    count("population", s.population)?;
    count("households", s.households)?;
    count("party members", s.party_members)?;
    money("collective income", s.collective_income_yuan)?;
    money("income per head", s.income_per_head_yuan)?;
    if s.committee.len() > MAX_CADRES {
        return Err(DomainError::OutOfRange {
            field: "committee members",
            detail: format!("{} people; list at most {MAX_CADRES}", s.committee.len()),
        });
    }
    for c in &s.committee {
        text("committee member's name", &c.name, limits.max_name_chars, true)?;
        text("committee member's post", &c.post, limits.max_name_chars, true)?;
        if let Some(y) = c.birth_year {
            if !(1900..=this_year).contains(&y) {
                return Err(DomainError::OutOfRange {
                    field: "committee member's birth year",
                    detail: format!("{y} for {}; give a year from 1900 to {this_year}", c.name),
                });
            }
        }
    }
    for (field, value) in [
        ("income sources", &s.income_sources),
        ("main industries", &s.industries),
        ("roads", &s.roads),
        ("drinking water", &s.water),
        ("network", &s.network),
        ("main problems", &s.problems),
    ] {
        text(field, value, limits.max_text_chars, false)?;
    }
    Ok(())
}

/// Which plan an item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    /// 三年帮扶目标: a goal of the team's three years, `year` its first year.
    ThreeYear,
    /// 年度帮扶计划: an item of the year's plan set with the township.
    Yearly,
    /// 工作目标责任书: the responsibility letter signed with the sending unit (a text record
    /// until photos can carry the signed page).
    Letter,
}

impl PlanKind {
    pub const ALL: [PlanKind; 3] = [PlanKind::ThreeYear, PlanKind::Yearly, PlanKind::Letter];
    pub fn code(self) -> &'static str {
        match self {
            PlanKind::ThreeYear => "three_year",
            PlanKind::Yearly => "yearly",
            PlanKind::Letter => "letter",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            PlanKind::ThreeYear => "三年帮扶目标",
            PlanKind::Yearly => "年度帮扶计划",
            PlanKind::Letter => "工作目标责任书",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            PlanKind::ThreeYear => "three-year aid goal",
            PlanKind::Yearly => "yearly aid plan",
            PlanKind::Letter => "responsibility letter",
        }
    }
    pub fn from_code(s: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|k| k.code() == s || k.zh() == s).ok_or_else(|| DomainError::UnknownCode {
            field: "plan kind",
            value: s.chars().take(40).collect(),
            expected: "three_year (三年帮扶目标), yearly (年度帮扶计划), letter (工作目标责任书)",
        })
    }
    /// The years an item of this kind covers from its first year.
    pub fn years(self) -> i32 {
        match self {
            PlanKind::ThreeYear => 3,
            PlanKind::Yearly | PlanKind::Letter => 1,
        }
    }
}

/// Where a plan item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanState {
    /// 进行中
    Open,
    /// 已完成: closed with what was achieved.
    Done,
    /// 未完成: closed without being reached, with the reason.
    Missed,
}

impl PlanState {
    pub const ALL: [PlanState; 3] = [PlanState::Open, PlanState::Done, PlanState::Missed];
    pub fn code(self) -> &'static str {
        match self {
            PlanState::Open => "open",
            PlanState::Done => "done",
            PlanState::Missed => "missed",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            PlanState::Open => "进行中",
            PlanState::Done => "已完成",
            PlanState::Missed => "未完成",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            PlanState::Open => "open",
            PlanState::Done => "done",
            PlanState::Missed => "missed",
        }
    }
    pub fn from_code(s: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|k| k.code() == s || k.zh() == s).ok_or_else(|| DomainError::UnknownCode {
            field: "plan state",
            value: s.chars().take(40).collect(),
            expected: "open (进行中), done (已完成), missed (未完成)",
        })
    }
}

/// One goal, plan item or responsibility letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItem {
    pub id: PlanId,
    pub kind: PlanKind,
    /// The (first) year it is for.
    pub year: i32,
    /// What is to be done (目标 / 计划事项); for a letter, whom it is signed with (签订单位).
    pub title: String,
    /// The measure of done (指标, e.g. 村集体经济收入达到10万元); for a letter, its targets.
    pub target: String,
    /// 完成时限; for a letter, the day it was signed.
    pub due: Option<NaiveDate>,
    pub state: PlanState,
    /// What was achieved, or why not (once closed).
    pub result: String,
    pub closed_on: Option<NaiveDate>,
    pub recorded_by: MemberId,
    pub recorded_at: Timestamp,
    /// Photos and scans (issue 19) by hash: for a letter, the signed letter as a photo or PDF.
    /// Optional always; none on an older item.
    #[serde(default)]
    pub attachments: Vec<String>,
}

impl PlanItem {
    /// Open and past its due day on `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.state == PlanState::Open && self.due.is_some_and(|d| d < today)
    }
    /// Its years include `year`.
    pub fn covers(&self, year: i32) -> bool {
        self.year <= year && year < self.year + self.kind.years()
    }
}

/// A plan item: a year up to next year (the next year's plan is made in December), a title, a
/// due day in range, the recorder of the team; a closed item has its day (not after today) and
/// its result, an open one neither.
pub fn validate_plan_item(
    p: &PlanItem,
    view: &impl LedgerView,
    now: Timestamp,
    limits: &Limits,
) -> Result<(), DomainError> {
    let this_year = local_date(now).year();
    year_in_range("plan year", p.year, this_year + 1)?;
    if !view.member_exists(p.recorded_by) {
        return Err(DomainError::UnknownMember(p.recorded_by.to_string()));
    }
    not_future(p.recorded_at, now, limits)?;
    text(
        if p.kind == PlanKind::Letter { "whom the letter is signed with" } else { "plan item" },
        &p.title,
        limits.max_name_chars.max(200),
        true,
    )?;
    text("plan target", &p.target, limits.max_text_chars, false)?;
    if let Some(d) = p.due {
        day_in_range("plan due day", d)?;
        if p.kind == PlanKind::Letter {
            not_after_today(d, now)?;
        }
    }
    text("plan result", &p.result, limits.max_text_chars, false)?;
    if p.state == PlanState::Open {
        if p.closed_on.is_some() {
            return Err(DomainError::OutOfRange {
                field: "plan state",
                detail: "an open (进行中) item has no closing day: mark it done or missed instead".into(),
            });
        }
    } else {
        let Some(day) = p.closed_on else {
            return Err(DomainError::Empty { field: "the day the plan item was closed" });
        };
        day_in_range("plan closing day", day)?;
        not_after_today(day, now)?;
        text("plan result (what was achieved, or why not)", &p.result, limits.max_text_chars, true)?;
    }
    crate::validate_attachments(&p.attachments)
}

/// The plan's standing for one year: items of each kind covering the year, done, missed, open
/// and overdue on `today`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanProgress {
    pub items: usize,
    pub done: usize,
    pub missed: usize,
    pub open: usize,
    pub overdue: usize,
    /// Whether a responsibility letter is recorded for the year.
    pub letter: bool,
}

/// Counts the goals and plan items (not letters) covering `year`.
pub fn plan_progress<'a>(items: impl IntoIterator<Item = &'a PlanItem>, year: i32, today: NaiveDate) -> PlanProgress {
    let mut p = PlanProgress::default();
    for i in items.into_iter().filter(|i| i.covers(year)) {
        if i.kind == PlanKind::Letter {
            p.letter = true;
            continue;
        }
        p.items += 1;
        match i.state {
            PlanState::Done => p.done += 1,
            PlanState::Missed => p.missed += 1,
            PlanState::Open => {
                p.open += 1;
                if i.overdue(today) {
                    p.overdue += 1;
                }
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DiaryId, HouseholdId, YearMonth};
    use uuid::Uuid;

    struct View;
    impl LedgerView for View {
        fn household_exists(&self, _: HouseholdId) -> bool {
            false
        }
        fn member_exists(&self, id: MemberId) -> bool {
            id == MemberId(Uuid::from_u128(2))
        }
        fn month_filed(&self, _: MemberId, _: YearMonth) -> bool {
            false
        }
        fn diary_entry_exists(&self, _: DiaryId) -> bool {
            false
        }
    }

    /// 2026-05-29 in Shanghai.
    const NOW: Timestamp = 1_780_000_000_000;
    const ME: MemberId = MemberId(Uuid::from_u128(2));

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("day")
    }

    fn situation() -> VillageSituation {
        VillageSituation {
            population: Some(1_204),
            households: Some(356),
            committee: vec![
                Cadre {
                    name: "王建国".into(),
                    post: "村党支部书记".into(),
                    birth_year: Some(1972),
                    education: Some(Education::Senior),
                },
                Cadre { name: "刘芳".into(), post: "村委会委员".into(), birth_year: None, education: None },
            ],
            party_members: Some(31),
            collective_income_yuan: Some(86_000),
            income_sources: "光伏电站收益、门面出租".into(),
            industries: "茶叶、生猪".into(),
            problems: "三组通组路未硬化".into(),
            ..VillageSituation::empty(2026, ME, NOW - 1000)
        }
    }

    fn goal() -> PlanItem {
        PlanItem {
            id: PlanId(Uuid::from_u128(5)),
            kind: PlanKind::ThreeYear,
            year: 2025,
            title: "壮大村集体经济".into(),
            target: "村集体经济收入达到10万元".into(),
            due: Some(day(2027, 12, 31)),
            state: PlanState::Open,
            result: String::new(),
            closed_on: None,
            recorded_by: ME,
            recorded_at: NOW - 1000,
            attachments: Vec::new(),
        }
    }

    #[test]
    fn a_situation_passes_and_one_of_an_earlier_year_too() {
        let l = Limits::default();
        assert_eq!(validate_situation(&situation(), &View, NOW, &l), Ok(()));
        assert_eq!(validate_situation(&VillageSituation { year: 2019, ..situation() }, &View, NOW, &l), Ok(()));
        assert_eq!(situation().filled(), (8, 12));
        assert_eq!(VillageSituation::empty(2026, ME, NOW).filled(), (0, 12));
    }

    #[test]
    fn bad_situations_are_refused_with_what_to_do() {
        let l = Limits::default();
        let v = |s: VillageSituation| validate_situation(&s, &View, NOW, &l);
        let e = v(VillageSituation { year: 2027, ..situation() }).expect_err("next year");
        assert!(e.to_string().contains("from 2000 to 2026"), "{e}");
        assert!(matches!(
            v(VillageSituation { population: Some(200_000), ..situation() }),
            Err(DomainError::OutOfRange { .. })
        ));
        assert!(matches!(
            v(VillageSituation { collective_income_yuan: Some(-1), ..situation() }),
            Err(DomainError::OutOfRange { .. })
        ));
        let mut s = situation();
        s.committee[1].post = " ".into();
        assert_eq!(v(s), Err(DomainError::Empty { field: "committee member's post" }));
        let mut s = situation();
        s.committee[0].birth_year = Some(2030);
        assert!(v(s).expect_err("born later").to_string().contains("王建国"));
        assert!(matches!(
            v(VillageSituation { updated_by: MemberId(Uuid::from_u128(9)), ..situation() }),
            Err(DomainError::UnknownMember(_))
        ));
    }

    #[test]
    fn plan_items_open_and_closed_pass_and_next_years_plan_may_be_made() {
        let l = Limits::default();
        assert_eq!(validate_plan_item(&goal(), &View, NOW, &l), Ok(()));
        let next = PlanItem { kind: PlanKind::Yearly, year: 2027, due: Some(day(2027, 6, 30)), ..goal() };
        assert_eq!(validate_plan_item(&next, &View, NOW, &l), Ok(()));
        let done = PlanItem {
            state: PlanState::Done,
            closed_on: Some(day(2026, 5, 1)),
            result: "收入达到10.4万元".into(),
            ..goal()
        };
        assert_eq!(validate_plan_item(&done, &View, NOW, &l), Ok(()));
        let letter = PlanItem {
            kind: PlanKind::Letter,
            year: 2026,
            title: "县农业农村局".into(),
            due: Some(day(2026, 3, 2)),
            ..goal()
        };
        assert_eq!(validate_plan_item(&letter, &View, NOW, &l), Ok(()));
    }

    #[test]
    fn bad_plan_items_are_refused_with_what_to_do() {
        let l = Limits::default();
        let v = |p: PlanItem| validate_plan_item(&p, &View, NOW, &l);
        assert!(matches!(v(PlanItem { year: 2028, ..goal() }), Err(DomainError::OutOfRange { .. })));
        assert_eq!(v(PlanItem { title: " ".into(), ..goal() }), Err(DomainError::Empty { field: "plan item" }));
        assert!(matches!(v(PlanItem { state: PlanState::Done, ..goal() }), Err(DomainError::Empty { .. })));
        assert!(matches!(
            v(PlanItem { state: PlanState::Missed, closed_on: Some(day(2026, 5, 1)), ..goal() }),
            Err(DomainError::Empty { .. })
        ));
        assert!(matches!(
            v(PlanItem { closed_on: Some(day(2026, 5, 1)), ..goal() }),
            Err(DomainError::OutOfRange { .. })
        ));
        let signed_later = PlanItem { kind: PlanKind::Letter, due: Some(day(2026, 7, 1)), ..goal() };
        assert!(matches!(v(signed_later), Err(DomainError::FutureDate { .. })));
    }

    #[test]
    fn a_letter_carries_its_signed_scan_by_hash_and_never_needs_one() {
        let l = Limits::default();
        let v = |p: PlanItem| validate_plan_item(&p, &View, NOW, &l);
        let letter = |attachments: Vec<String>| PlanItem {
            kind: PlanKind::Letter,
            year: 2026,
            title: "县农业农村局".into(),
            due: Some(day(2026, 3, 1)),
            attachments,
            ..goal()
        };
        assert_eq!(v(letter(Vec::new())), Ok(()), "a letter without its scan is still a letter");
        assert_eq!(v(letter(vec!["d".repeat(64), "e".repeat(64)])), Ok(()));
        assert!(matches!(
            v(letter(vec!["d".repeat(64), "d".repeat(64)])),
            Err(DomainError::OutOfRange { field: "attachments", .. })
        ));
        assert!(v(letter(vec!["D".repeat(64)])).is_err(), "uppercase is not how a hash is written");
    }

    #[test]
    fn progress_counts_the_items_covering_a_year_worked_by_hand() {
        let today = day(2026, 5, 29);
        let items = vec![
            // A three-year goal from 2025: covers 2025, 2026, 2027. Open, due 2027: not overdue.
            goal(),
            // This year's plan: one done, one missed, one open and overdue, one open in time.
            PlanItem {
                kind: PlanKind::Yearly,
                year: 2026,
                state: PlanState::Done,
                closed_on: Some(day(2026, 4, 1)),
                result: "完成".into(),
                ..goal()
            },
            PlanItem {
                kind: PlanKind::Yearly,
                year: 2026,
                state: PlanState::Missed,
                closed_on: Some(day(2026, 5, 1)),
                result: "资金未到位".into(),
                ..goal()
            },
            PlanItem { kind: PlanKind::Yearly, year: 2026, due: Some(day(2026, 5, 1)), ..goal() },
            PlanItem { kind: PlanKind::Yearly, year: 2026, due: Some(day(2026, 9, 30)), ..goal() },
            // Last year's plan and a letter of this year.
            PlanItem { kind: PlanKind::Yearly, year: 2025, ..goal() },
            PlanItem { kind: PlanKind::Letter, year: 2026, title: "县农业农村局".into(), ..goal() },
        ];
        let p = plan_progress(&items, 2026, today);
        assert_eq!(p, PlanProgress { items: 5, done: 1, missed: 1, open: 3, overdue: 1, letter: true });
        let p25 = plan_progress(&items, 2025, today);
        assert_eq!((p25.items, p25.letter), (2, false));
        assert_eq!(plan_progress(&items, 2028, today), PlanProgress::default());
    }
}
