//! Why this exists: the export tables are what a county files and compares month to month, so
//! their columns must be exactly the documented ones, their rows exactly the judged ones, and
//! the same records must always give the same bytes.

mod common;

use chrono::NaiveDate;
use common::{amendment, check_in, check_out, date, diary, household, id, leave, member, mid, visit};
use std::collections::BTreeMap;

use taizhang_county::{
    table, table_with_inputs, CountyError, Dataset, Entered, MonthInputs, Scope, VillageData, VillageInfo, YearInputs,
};
use taizhang_domain::{LeaveState, Member, Role, YearMonth};
use taizhang_export::{Cell, Table};
use taizhang_rules::{AppliedItem, Period, Policy, VillageRecords};
use uuid::Uuid;

fn d(day: u32) -> NaiveDate {
    date(2026, 3, day)
}

fn info() -> VillageInfo {
    VillageInfo { id: Uuid::from_u128(0x51), name: "石门村".into(), township: "石门镇".into() }
}

/// Asked for 2026-03-02..=03-15, judged up to Sunday 03-08.
fn period() -> (Period, NaiveDate) {
    (Period::new(d(2), d(15)).expect("a valid period"), d(8))
}

/// m1 (first secretary, on post all along), m2 (arrives Thu 03-05), m3 (leaves after Tue 03-03).
fn records() -> VillageRecords {
    VillageRecords {
        members: vec![
            member(1, "李明", Role::FirstSecretary, date(2026, 1, 1)),
            member(2, "王芳", Role::TeamMember, d(5)),
            Member { term_end: Some(d(3)), ..member(3, "张强", Role::TeamMember, date(2026, 1, 1)) },
        ],
        check_ins: vec![
            check_in(1, 1, d(2), 9),
            check_in(2, 1, d(2), 8),  // the earliest of Mon 2
            check_out(3, 1, d(2), 7), // an Out, earlier still: not an arrival
            check_in(4, 1, d(3), 8),
            check_in(5, 2, d(5), 10),
            check_in(6, 3, d(2), 8),
            check_in(7, 1, d(10), 8), // after today
        ],
        leave_requests: vec![
            leave(1, 1, d(6), d(6), LeaveState::Approved),
            leave(2, 1, d(7), d(7), LeaveState::Pending),
        ],
        diary: vec![
            diary(4, 1, d(4)),
            amendment(5, 1, d(2), 1, d(4)),
            diary(1, 1, d(2)),
            diary(3, 2, d(5)),
            diary(2, 1, d(3)),
            diary(6, 1, d(9)), // after today
            diary(7, 1, d(1)), // before the period
        ],
        filings: vec![],
        visits: vec![
            visit(4, 2, 2, d(6), 9),
            visit(3, 1, 3, d(3), 15),
            visit(2, 1, 2, d(3), 10),
            visit(1, 1, 1, d(2), 10),
            visit(5, 1, 1, d(11), 10), // after today
            visit(6, 1, 1, d(1), 10),  // before the period
            visit(7, 1, 99, d(4), 10), // a household not in the registry
        ],
        households: (1..=3).map(household).collect(),
        ..Default::default()
    }
}

fn scope<'a>(info: &'a VillageInfo, records: &'a VillageRecords, member: Option<u32>) -> Scope<'a> {
    Scope { county: "惠水县", villages: vec![VillageData { info, records }], member: member.map(mid) }
}

fn make(dataset: Dataset, records: &VillageRecords, member: Option<u32>) -> Result<Table, CountyError> {
    let (period, today) = period();
    let info = info();
    table(dataset, &scope(&info, records, member), period, today, &Policy::default())
}

fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

/// The cells of column `name`.
fn column<'t>(t: &'t Table, name: &str) -> Vec<&'t Cell> {
    let i = t.headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {:?}", t.headers));
    t.rows.iter().map(|r| &r[i]).collect()
}

fn dates(t: &Table) -> Vec<NaiveDate> {
    column(t, "日期")
        .into_iter()
        .map(|c| match c {
            Cell::Date(x) => *x,
            other => panic!("a date column holds {other:?}"),
        })
        .collect()
}

#[test]
fn headers_are_exactly_the_documented_ones() {
    let r = records();
    let expected: [(Dataset, &[&str]); 3] = [
        (
            Dataset::Attendance,
            &["县", "乡镇", "村", "队员", "角色", "日期", "在村", "最早到村打卡", "请假", "考勤状态", "记录编号"],
        ),
        (
            Dataset::Visits,
            &[
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
            ],
        ),
        (Dataset::Diary, &["县", "乡镇", "村", "日期", "队员", "内容", "更正的记录", "照片数", "记录编号"]),
    ];
    for (dataset, headers) in expected {
        let t = make(dataset, &r, None).expect("table");
        assert_eq!(t.headers, headers, "{dataset:?}");
        assert!(t.rows.iter().all(|row| row.len() == headers.len()), "{dataset:?}: every row fills every column");
    }
    let t = make(Dataset::Scores, &r, None).expect("table");
    let mut scores = vec![
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
    ];
    scores.push("2026-03 月度积分");
    assert_eq!(t.headers, scores, "scores, one month in the period");
    assert!(t.rows.iter().all(|row| row.len() == scores.len()), "scores: every row fills every column");
}

#[test]
fn attendance_has_one_row_per_member_per_judged_day() {
    let t = make(Dataset::Attendance, &records(), None).expect("table");
    let names: Vec<&Cell> = column(&t, "队员");
    let count = |name: &str| names.iter().filter(|c| ***c == text(name)).count();
    assert_eq!(count("李明"), 7, "m1: Mon 2 ..= Sun 8, cut at today");
    assert_eq!(count("王芳"), 4, "m2: from her term start Thu 5 to Sun 8");
    assert_eq!(count("张强"), 2, "m3: Mon 2 and Tue 3, his term ends on the 3rd");
    assert_eq!(t.rows.len(), 13);
    assert!(dates(&t).iter().all(|x| *x <= d(8)), "no row after today");
    assert!(dates(&t).iter().all(|x| *x >= d(2)), "no row before the period");

    let row = |name: &str, day: u32| {
        t.rows
            .iter()
            .find(|r| r[3] == text(name) && r[5] == Cell::Date(d(day)))
            .unwrap_or_else(|| panic!("a row for {name} on {}", d(day)))
    };
    assert_eq!(
        row("李明", 2),
        &vec![
            text("惠水县"),
            text("石门镇"),
            text("石门村"),
            text("李明"),
            text("第一书记"),
            Cell::Date(d(2)),
            Cell::Bool(true),
            text("08:00"),
            Cell::Empty,
            text("在村"),
            text(&id::<Uuid>(3, 2).to_string()),
        ],
        "Mon 2: the earliest In check-in (08:00), not the 07:00 Out"
    );
    let leave = [Cell::Bool(false), Cell::Empty, text("已批准"), text("请假")];
    assert_eq!(&row("李明", 6)[6..10], &leave, "Fri 6: approved leave");
    let absent = [Cell::Bool(false), Cell::Empty, Cell::Empty, text("无故缺勤")];
    assert_eq!(&row("李明", 4)[6..10], &absent, "Wed 4: a diary entry but no check-in, no leave: absent");
    assert_eq!(&row("李明", 5)[6..10], &absent, "Thu 5: only an Out");
    let weekend = [Cell::Bool(false), Cell::Empty, Cell::Empty, Cell::Empty];
    assert_eq!(&row("李明", 7)[6..10], &weekend, "Sat 7: pending leave, not a working day: no status");
    assert_eq!(&row("李明", 8)[9], &Cell::Empty, "Sun 8 is today and not a working day");
    assert_eq!(&row("王芳", 5)[4..8], &[text("工作队员"), Cell::Date(d(5)), Cell::Bool(true), text("10:00")]);
}

#[test]
fn a_member_scope_holds_only_that_member() {
    let r = records();
    for dataset in Dataset::PER_MEMBER {
        let t = make(dataset, &r, Some(2)).expect("table");
        assert!(!t.rows.is_empty(), "{dataset:?}: m2 has rows");
        assert!(column(&t, "队员").iter().all(|c| **c == text("王芳")), "{dataset:?}: only m2's rows: {:?}", t.rows);
    }
    assert_eq!(make(Dataset::Attendance, &r, Some(2)).expect("table").rows.len(), 4);
}

#[test]
fn an_unknown_member_is_refused() {
    for dataset in Dataset::ALL {
        assert_eq!(make(dataset, &records(), Some(42)), Err(CountyError::UnknownMember(mid(42))), "{dataset:?}");
    }
}

#[test]
fn visit_rows_are_the_judged_visits_sorted_by_date_and_time() {
    let t = make(Dataset::Visits, &records(), None).expect("table");
    // Inside 2..=8: visits 1 (Mon 2), 2 and 3 (Tue 3, 10:00 then 15:00), 7 (Wed 4, unregistered),
    // 4 (Fri 6). Visit 5 is after today and visit 6 before the period.
    assert_eq!(dates(&t), vec![d(2), d(3), d(3), d(4), d(6)]);
    let ids: Vec<&Cell> = column(&t, "记录编号");
    let expected: Vec<Cell> = [1, 2, 3, 7, 4].iter().map(|n| text(&id::<Uuid>(6, *n).to_string())).collect();
    assert_eq!(ids, expected.iter().collect::<Vec<_>>());
    assert_eq!(column(&t, "时间")[1..3], [&text("10:00"), &text("15:00")]);
    assert_eq!(column(&t, "户主")[3], &text("(未登记)"), "an unregistered household is named as such");
    assert_eq!(column(&t, "队员")[4], &text("王芳"));
}

#[test]
fn diary_rows_are_sorted_by_date_and_mark_amendments() {
    let t = make(Dataset::Diary, &records(), None).expect("table");
    // Inside 2..=8: entries 1 (Mon 2), its amendment 5 (Mon 2, written Wed 4), 2 (Tue 3),
    // 4 (Wed 4), 3 (m2, Thu 5).
    assert_eq!(dates(&t), vec![d(2), d(2), d(3), d(4), d(5)]);
    let ids: Vec<&Cell> = column(&t, "记录编号");
    let expected: Vec<Cell> = [1, 5, 2, 4, 3].iter().map(|n| text(&id::<Uuid>(5, *n).to_string())).collect();
    assert_eq!(ids, expected.iter().collect::<Vec<_>>(), "same date: the original (written first) first");
    let amends: Vec<&Cell> = column(&t, "更正的记录");
    assert_eq!(amends[1], &text(&id::<Uuid>(5, 1).to_string()), "the amendment names the entry it corrects");
    assert_eq!(amends.iter().filter(|c| ***c == Cell::Empty).count(), 4, "originals amend nothing");
}

#[test]
fn scores_have_one_month_column_per_month_up_to_today() {
    let r = records();
    let info = info();
    let year = Period::year(2026).expect("a valid year");
    let t = table(Dataset::Scores, &scope(&info, &r, None), year, d(8), &Policy::default()).expect("table");
    let months: Vec<&str> = t.headers.iter().filter(|h| h.ends_with(" 月度积分")).map(|h| h.as_str()).collect();
    assert_eq!(months, ["2026-01 月度积分", "2026-02 月度积分", "2026-03 月度积分"], "April..December are after today");
    assert_eq!(t.headers.len(), 22 + 3);
    assert_eq!(t.rows.len(), 3, "one row per member");

    let spanning = Period::new(date(2026, 2, 15), date(2026, 4, 10)).expect("a valid period");
    let t =
        table(Dataset::Scores, &scope(&info, &r, None), spanning, date(2026, 5, 1), &Policy::default()).expect("table");
    let months: Vec<&str> = t.headers.iter().filter(|h| h.ends_with(" 月度积分")).map(|h| h.as_str()).collect();
    assert_eq!(months, ["2026-02 月度积分", "2026-03 月度积分", "2026-04 月度积分"], "partial months count");
}

#[test]
fn scores_rows_carry_the_members_figures() {
    let t = make(Dataset::Scores, &records(), None).expect("table");
    let row = t.rows.iter().find(|r| r[3] == text("李明")).expect("m1's row");
    // m1 over 2..=8: in on Mon 2 and Tue 3 (2 days); required max(ceil(200×7/365)=4,
    // ceil(2/3×7)=5) = 5, not met; 1 day of approved leave (Fri 6); diary on Mon 2, Tue 3,
    // Wed 4 (the amendment adds no date) → 3 days; working days Mon 2..Fri 6 without an entry
    // and without leave: Thu 5 → 1 gap; no month due; discipline 10 × 2/5 = 4; nothing
    // entered by the county. Absent without leave: Wed 4 (a diary entry, no check-in) and
    // Thu 5 (only an Out) → 2 days; nothing is unknown (no last sync given). March (judged up
    // to today, the 8th: provisional): 10 − 0.5 (Thu 5 without a diary entry) − 2 × 0.5
    // (absent) = 8.5.
    assert_eq!(
        &row[4..22],
        &[
            text("第一书记"),
            Cell::Int(2),
            Cell::Int(5),
            Cell::Bool(false),
            Cell::Int(1),
            Cell::Int(3),
            Cell::Int(1),
            Cell::Int(2),
            Cell::Int(0),
            text(""),
            Cell::Number(4.0),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            text("未录入"),
            Cell::Empty,
            text("2026-03"),
        ]
    );
    assert_eq!(row[22], Cell::Number(8.5));
}

#[test]
fn scores_rows_include_what_the_county_entered_but_not_its_old_month_items() {
    let r = records();
    let info = info();
    let (period, today) = period();
    let mut entered = Entered::default();
    let year = YearInputs { results: Some(50.0), evaluation: Some(18.0), assessment: Some(9.0), ..Default::default() };
    entered.years.insert((mid(1), 2026), year);
    let problem = AppliedItem { code: "problem".into(), times: 1, evidence: vec!["台账不全".into()] };
    entered.months.insert((mid(1), YearMonth { year: 2026, month: 3 }), MonthInputs { items: vec![problem] });
    let by_village = BTreeMap::from([(info.id, entered)]);
    let t = table_with_inputs(Dataset::Scores, &scope(&info, &r, None), &by_village, period, today, &Policy::default())
        .expect("table");
    let row = t.rows.iter().find(|r| r[3] == text("李明")).expect("m1's row");
    // 50 + 18 + 9 entered, discipline 4 (see above) → 81: 称职 (70..90).
    // March: 10 − 0.5 (Thu 5 without a diary entry) − 1 (Wed 4 and Thu 5 absent without
    // leave, 0.5 each) = 8.5. The county's old per-month item ("problem", −1) no longer counts
    // (issue 14: one score path, the sheet).
    assert_eq!(
        &row[14..23],
        &[
            Cell::Number(4.0),
            Cell::Number(50.0),
            Cell::Number(18.0),
            Cell::Number(9.0),
            Cell::Number(81.0),
            text("称职"),
            Cell::Empty,
            text("2026-03"),
            Cell::Number(8.5),
        ]
    );
    let other = t.rows.iter().find(|r| r[3] == text("王芳")).expect("m2's row");
    assert_eq!(other[19], text("未录入"), "m2 has nothing entered");
}

/// The same records in another order: every list reversed and rotated.
fn shuffled(r: &VillageRecords) -> VillageRecords {
    fn mix<T: Clone>(v: &[T]) -> Vec<T> {
        let mut v = v.to_vec();
        v.reverse();
        if !v.is_empty() {
            v.rotate_left(1);
        }
        v
    }
    VillageRecords {
        members: mix(&r.members),
        check_ins: mix(&r.check_ins),
        leave_requests: mix(&r.leave_requests),
        diary: mix(&r.diary),
        filings: mix(&r.filings),
        visits: mix(&r.visits),
        households: mix(&r.households),
        ..r.clone()
    }
}

#[test]
fn records_in_another_order_give_identical_tables() {
    let r = records();
    let s = shuffled(&r);
    assert_ne!(r, s, "the shuffle changes the order");
    let differ: Vec<Dataset> = Dataset::ALL.into_iter().filter(|x| make(*x, &r, None) != make(*x, &s, None)).collect();
    assert!(differ.is_empty(), "the team listed in another order changes the rows of {differ:?}");
}

#[test]
fn records_in_another_order_give_identical_tables_when_members_keep_their_order() {
    // The same as above but with the team listed in the same order (the projection always
    // sorts it): the check-ins, visits, diary and leave may come in any order.
    let r = records();
    let s = VillageRecords { members: r.members.clone(), ..shuffled(&r) };
    for dataset in Dataset::ALL {
        assert_eq!(make(dataset, &r, None), make(dataset, &s, None), "{dataset:?}");
    }
}

#[test]
fn villages_given_in_another_order_give_identical_tables() {
    let (period, today) = period();
    let (a_info, b_info) = (
        VillageInfo { id: Uuid::from_u128(1), name: "石门村".into(), township: "石门镇".into() },
        VillageInfo { id: Uuid::from_u128(2), name: "摆榜村".into(), township: "摆榜乡".into() },
    );
    let (a, b) = (records(), records());
    let one = |villages: Vec<VillageData<'_>>| {
        let scope = Scope { county: "惠水县", villages, member: None };
        table(Dataset::Visits, &scope, period, today, &Policy::default()).expect("table")
    };
    let ab = one(vec![VillageData { info: &a_info, records: &a }, VillageData { info: &b_info, records: &b }]);
    let ba = one(vec![VillageData { info: &b_info, records: &b }, VillageData { info: &a_info, records: &a }]);
    assert_eq!(ab, ba);
    let townships: Vec<&Cell> = column(&ab, "乡镇");
    assert_eq!(townships.first(), Some(&&text("摆榜乡")), "villages sorted by township: 摆 (U+6446) < 石 (U+77F3)");
    assert_eq!(townships.last(), Some(&&text("石门镇")));
}

#[test]
fn an_unknown_dataset_name_is_an_error() {
    assert_eq!("salaries".parse::<Dataset>(), Err(CountyError::UnknownDataset("salaries".into())));
    assert!("Attendance".parse::<Dataset>().is_err(), "codes are lower-case");
    for dataset in Dataset::ALL {
        assert_eq!(dataset.code().parse::<Dataset>(), Ok(dataset));
    }
}

#[test]
fn a_reversed_period_is_refused() {
    let info = info();
    let r = records();
    let reversed = Period { from: d(8), to: d(2) };
    let err = table(Dataset::Attendance, &scope(&info, &r, None), reversed, d(8), &Policy::default());
    assert!(matches!(err, Err(CountyError::Rules(_))), "{err:?}");
}

/// Issue 22: 项目台账 lists the open projects and those closed in the period (closed before or
/// after today: not), with funding by source, households by head and progress; 会议记录 the
/// meetings held in the judged days; a member scope keeps what that member recorded.
#[test]
fn the_project_ledger_and_the_meeting_minutes() {
    use taizhang_domain::{
        Funding, Meeting, MeetingId, MeetingKind, ProgressId, ProgressUpdate, Project, ProjectId, ProjectKind,
        ProjectState,
    };
    let first = household(1);
    let first_id = first.id;
    let project = |n: u128, state: ProjectState, closed: Option<NaiveDate>, by: u32| Project {
        id: ProjectId(Uuid::from_u128(0x700 + n)),
        name: format!("项目{n}"),
        kind: ProjectKind::Practical,
        funding: Funding { fiscal: Some(1000 * n as i64), collective: Some(500), ..Funding::default() },
        households: vec![first_id],
        state,
        started_on: Some(d(1)),
        created_by: mid(by),
        created_at: n as i64,
        closed_on: closed,
        closed_by: closed.map(|_| mid(by)),
        result: closed.map(|_| "已验收".to_string()).unwrap_or_default(),
    };
    let meeting = |n: u128, day: NaiveDate, by: u32| Meeting {
        id: MeetingId(Uuid::from_u128(0x800 + n)),
        date: day,
        kind: MeetingKind::PartyLecture,
        led_by: "王老师".into(),
        attendance: if n == 1 { Some(30) } else { None },
        topics: "党章".into(),
        decisions: String::new(),
        recorded_by: mid(by),
        recorded_at: n as i64,
    };
    let base = records();
    let r = VillageRecords {
        projects: vec![
            project(1, ProjectState::Underway, None, 1),
            project(2, ProjectState::Done, Some(d(4)), 2),
            project(3, ProjectState::Done, Some(d(1)), 1), // closed before the period
            project(4, ProjectState::Done, Some(d(10)), 1), // closed after today
        ],
        progress: vec![ProgressUpdate {
            id: ProgressId(Uuid::from_u128(0x900)),
            project: ProjectId(Uuid::from_u128(0x701)),
            day: d(3),
            text: "开工".into(),
            by: mid(2),
            at: 1,
            attachments: Vec::new(),
        }],
        meetings: vec![meeting(1, d(3), 1), meeting(2, d(1), 1), meeting(3, d(9), 1), meeting(4, d(5), 2)],
        ..base
    };
    // Two promises made a part of 项目1, one of them closed.
    let item = |n: u128, done: bool| taizhang_domain::FollowUp {
        id: taizhang_domain::FollowUpId(Uuid::from_u128(0xa00 + n)),
        household: first_id,
        visit: None,
        text: "修通组路".into(),
        owner: mid(1),
        due: None,
        created_by: mid(1),
        created_at: 0,
        done_by: done.then(|| mid(1)),
        done_at: done.then_some(1),
        done_note: String::new(),
        project: Some(ProjectId(Uuid::from_u128(0x701))),
        attachments: Vec::new(),
    };
    let r = VillageRecords { follow_ups: vec![item(1, true), item(2, false)], ..r };
    let t = make(Dataset::Projects, &r, None).expect("table");
    assert_eq!(column(&t, "关联承诺事项"), vec![&Cell::Int(2), &Cell::Int(0)]);
    assert_eq!(column(&t, "其中待办"), vec![&Cell::Int(1), &Cell::Int(0)]);
    assert_eq!(t.title, "项目台账2026-03-02-2026-03-15");
    assert_eq!(column(&t, "项目名称"), vec![&text("项目1"), &text("项目2")]);
    assert_eq!(column(&t, "状态"), vec![&text("实施中"), &text("已完成")]);
    assert_eq!(column(&t, "资金合计(元)"), vec![&Cell::Int(1500), &Cell::Int(2500)]);
    assert_eq!(column(&t, "党费补贴(元)"), vec![&Cell::Empty, &Cell::Empty], "not recorded, not 0");
    assert_eq!(column(&t, "受益农户")[0], &text(&first.head));
    assert_eq!(column(&t, "进展")[0], &text("2026-03-03 开工(王芳)"));
    assert_eq!(column(&t, "办结日期")[1], &Cell::Date(d(4)));
    let mine = make(Dataset::Projects, &r, Some(2)).expect("table");
    assert_eq!(column(&mine, "项目名称"), vec![&text("项目2")]);

    let t = make(Dataset::Meetings, &r, None).expect("table");
    assert_eq!(t.headers[3..], ["日期", "类型", "主持/主讲", "参加人数", "议题", "决定事项", "记录人", "记录编号"]);
    assert_eq!(dates(&t), vec![d(3), d(5)], "before the period and after today: not listed");
    assert_eq!(column(&t, "参加人数"), vec![&Cell::Int(30), &Cell::Empty]);
    assert_eq!(column(&t, "类型")[0], &text("党课"));
    assert_eq!(make(Dataset::Meetings, &r, Some(2)).expect("table").rows.len(), 1);
}

/// Issue 19: the visit and diary exports say how many photos each record has (0 when none).
#[test]
fn visits_and_diary_entries_say_how_many_photos_they_have() {
    let mut r = records();
    let hash = |c: char| c.to_string().repeat(64);
    r.visits.iter_mut().find(|v| v.id == id(6, 2)).expect("visit 2").attachments = vec![hash('a'), hash('b')];
    r.diary.iter_mut().find(|e| e.id == id(5, 4)).expect("entry 4").attachments = vec![hash('c')];
    let t = make(Dataset::Visits, &r, None).expect("table");
    // Visits 1, 2, 3, 7, 4 in that order (see visit_rows_are_the_judged_visits_sorted_by_date_and_time).
    assert_eq!(column(&t, "照片数"), [0, 2, 0, 0, 0].map(Cell::Int).iter().collect::<Vec<_>>());
    let t = make(Dataset::Diary, &r, None).expect("table");
    // Entries 1, 5, 2, 4, 3.
    assert_eq!(column(&t, "照片数"), [0, 0, 0, 1, 0].map(Cell::Int).iter().collect::<Vec<_>>());
}

/// Issue 22: 村情 has a row per year of the period; a year nobody entered says 未填 and its
/// counts are empty, never 0; a count not entered in a filled-in year is empty too.
#[test]
fn the_village_situation_export_leaves_unknown_counts_empty() {
    use taizhang_domain::{Cadre, Education, VillageSituation};
    let r = VillageRecords {
        situations: vec![VillageSituation {
            population: Some(1_203),
            party_members: None,
            committee: vec![Cadre {
                name: "罗德明".into(),
                post: "村党支部书记".into(),
                birth_year: Some(1972),
                education: Some(Education::Senior),
            }],
            collective_income_yuan: Some(86_000),
            problems: "产业单一".into(),
            ..VillageSituation::empty(2026, mid(1), 1)
        }],
        ..records()
    };
    let (period, today) = (Period::new(date(2025, 12, 1), date(2026, 1, 31)).expect("period"), date(2026, 1, 31));
    let info = info();
    let t = table(Dataset::Situation, &scope(&info, &r, None), period, today, &Policy::default()).expect("table");
    assert_eq!(t.title, "村情2025-12-01-2026-01-31");
    assert_eq!(t.headers[3..6], ["年度", "填写情况", "户籍人口"]);
    assert!(t.rows.iter().all(|row| row.len() == t.headers.len()), "every row fills every column");
    assert_eq!(column(&t, "年度"), vec![&Cell::Int(2025), &Cell::Int(2026)]);
    assert_eq!(column(&t, "填写情况"), vec![&text("未填"), &text("4/12")]);
    assert_eq!(column(&t, "户籍人口"), vec![&Cell::Empty, &Cell::Int(1_203)]);
    assert_eq!(column(&t, "党员人数"), vec![&Cell::Empty, &Cell::Empty], "not entered: empty, never 0");
    assert_eq!(column(&t, "农户档案登记户数"), vec![&Cell::Int(3), &Cell::Int(3)], "the registry's own count");
    assert_eq!(column(&t, "村两委成员")[1], &text("罗德明(村党支部书记,1972年生,高中/中专)"));
    assert_eq!(column(&t, "村集体经济收入(元)")[1], &Cell::Int(86_000));
    assert_eq!(column(&t, "最后修改人")[1], &text("李明"));
    let mine = table(Dataset::Situation, &scope(&info, &r, Some(2)), period, today, &Policy::default()).expect("table");
    assert!(mine.rows.is_empty(), "王芳 changed no situation");
    let csv = String::from_utf8(taizhang_export::to_csv(&t).expect("csv")).expect("utf-8");
    assert!(csv.contains(",未填,"), "{csv}");
}

/// Issue 22: 帮扶计划 lists the goals, plan items and letters covering a year of the period,
/// goals first, with the three-year goal's years and whether an open item is overdue.
#[test]
fn the_plan_export_lists_the_items_covering_the_period() {
    use taizhang_domain::{PlanId, PlanItem, PlanKind, PlanState};
    let plan = |n: u128, kind, year, state, due: Option<NaiveDate>, by: u32| PlanItem {
        id: PlanId(Uuid::from_u128(0xa00 + n)),
        kind,
        year,
        title: format!("事项{n}"),
        target: "村集体经济收入达到10万元".into(),
        due,
        state,
        result: if state == PlanState::Open { String::new() } else { "完成".into() },
        closed_on: (state != PlanState::Open).then(|| d(1)),
        recorded_by: mid(by),
        recorded_at: n as i64,
        attachments: Vec::new(),
    };
    let r = VillageRecords {
        plans: vec![
            plan(1, PlanKind::Yearly, 2026, PlanState::Open, Some(d(5)), 1), // overdue on 03-08
            plan(2, PlanKind::ThreeYear, 2024, PlanState::Open, None, 1),    // 2024–2026
            plan(3, PlanKind::Yearly, 2025, PlanState::Done, Some(date(2025, 12, 1)), 1), // last year's
            plan(4, PlanKind::Letter, 2026, PlanState::Done, Some(d(1)), 2),
            plan(5, PlanKind::ThreeYear, 2022, PlanState::Open, None, 1), // ended 2024
        ],
        ..records()
    };
    let t = make(Dataset::Plans, &r, None).expect("table");
    assert!(t.rows.iter().all(|row| row.len() == t.headers.len()), "every row fills every column");
    assert_eq!(column(&t, "事项/签订单位"), vec![&text("事项2"), &text("事项1"), &text("事项4")]);
    assert_eq!(column(&t, "类别"), vec![&text("三年帮扶目标"), &text("年度帮扶计划"), &text("工作目标责任书")]);
    assert_eq!(column(&t, "年度")[0], &text("2024–2026"));
    assert_eq!(column(&t, "已逾期"), vec![&Cell::Bool(false), &Cell::Bool(true), &Cell::Bool(false)]);
    assert_eq!(column(&t, "完成时限")[1], &Cell::Date(d(5)));
    assert_eq!(column(&make(Dataset::Plans, &r, Some(2)).expect("table"), "事项/签订单位"), vec![&text("事项4")]);
}
