//! Why this exists: every figure on the county page must match what a county officer would
//! count by hand from the same records; these villages are small enough to count in comments.
//!
//! Calendar used below: 2026-03-01 is a Sunday, so 03-02 Mon, 03-03 Tue, 03-04 Wed, 03-05 Thu,
//! 03-06 Fri, 03-07 Sat, 03-08 Sun; 2026-04-01 is a Wednesday. Default policy: 200 days a year
//! prorated (7 judged days → ceil(200 × 7 / 365) = ceil(3.84) = 4) and 2/3 of the judged days
//! (7 → ceil(4.67) = 5), so a member needs 5 days in the village out of 7.

mod common;

use chrono::NaiveDate;
use common::{check_in, check_out, date, diary, household, leave, member, mid, visit};
use taizhang_county::view::month_lines;
use taizhang_county::{village_summary, village_view, VillageInfo};
use taizhang_domain::{LeaveState, MemberId, Role};
use taizhang_rules::{Period, Policy, VillageRecords};
use uuid::Uuid;

fn info() -> VillageInfo {
    VillageInfo { id: Uuid::from_u128(0x51), name: "石门村".into(), township: "石门镇".into() }
}

fn d(day: u32) -> NaiveDate {
    date(2026, 3, day)
}

fn team() -> Vec<taizhang_domain::Member> {
    vec![
        member(1, "李明", Role::FirstSecretary, date(2026, 1, 1)),
        member(2, "王芳", Role::TeamMember, date(2026, 1, 1)),
    ]
}

/// A week that needs attention. Member 1 (first secretary) and member 2; households 1..=5.
///
/// | day     | m1                     | m2                 | team                    |
/// |---------|------------------------|--------------------|-------------------------|
/// | Mon  2  | in 08:00, diary        | in 09:00, diary    | someone                 |
/// | Tue  3  | in, diary              | in, diary          | someone                 |
/// | Wed  4  | in, diary              | diary              | someone                 |
/// | Thu  5  | only an Out, no diary  | leave (approved)   | gap (m1 not on leave)   |
/// | Fri  6  | pending leave, no diary| leave              | gap                     |
/// | Sat  7  | rejected leave         | leave              | gap                     |
/// | Sun  8  | leave (approved)       | leave              | excused: all on leave   |
/// | Tue 10  | in (after today)       |                    | not judged              |
///
/// An outsider (member 9, not on the team) checks in on Thu 5: ignored.
fn attention_week() -> VillageRecords {
    VillageRecords {
        members: team(),
        check_ins: vec![
            check_in(1, 1, d(2), 8),
            check_out(2, 1, d(2), 17),
            check_in(3, 1, d(3), 8),
            check_in(4, 1, d(4), 8),
            check_in(5, 2, d(2), 9),
            check_in(6, 2, d(3), 9),
            check_in(7, 9, d(5), 8),
            check_out(8, 1, d(5), 18),
            check_in(9, 1, d(10), 8),
        ],
        leave_requests: vec![
            leave(1, 2, d(5), d(8), LeaveState::Approved),
            leave(2, 1, d(8), d(8), LeaveState::Approved),
            leave(3, 1, d(6), d(6), LeaveState::Pending),
            leave(4, 1, d(7), d(7), LeaveState::Rejected),
        ],
        diary: vec![
            diary(1, 1, d(2)),
            diary(2, 1, d(3)),
            diary(3, 1, d(4)),
            diary(4, 2, d(2)),
            diary(5, 2, d(3)),
            diary(6, 2, d(4)),
        ],
        filings: vec![],
        visits: vec![
            visit(1, 1, 1, d(2), 10),
            visit(2, 1, 2, d(3), 10),
            visit(3, 2, 3, d(3), 11),
            visit(4, 1, 1, d(4), 15),
            visit(5, 1, 4, d(10), 10), // after today: not judged
        ],
        households: (1..=5).map(household).collect(),
        ..Default::default()
    }
}

/// The attention week is asked for over two weeks, judged up to Sunday 8.
fn attention_period() -> (Period, NaiveDate) {
    (Period::new(d(2), d(15)).expect("a valid period"), d(8))
}

/// A week that keeps the day rules: m1 in Mon–Fri, m2 in Wed–Sun (5 days each, someone every
/// day), both write a diary Mon–Fri, and each of the 5 households is visited once. m2 is
/// neither in nor on leave on Mon 2 and Tue 3: two working days absent without leave.
fn compliant_week() -> VillageRecords {
    let mut r = VillageRecords { members: team(), households: (1..=5).map(household).collect(), ..Default::default() };
    let mut n = 0;
    for day in 2..=6 {
        n += 1;
        r.check_ins.push(check_in(n, 1, d(day), 8));
        r.diary.push(diary(n, 1, d(day)));
        r.visits.push(visit(n, 1, day - 1, d(day), 10));
    }
    for day in 4..=8 {
        n += 1;
        r.check_ins.push(check_in(n, 2, d(day), 8));
    }
    for day in 2..=6 {
        n += 1;
        r.diary.push(diary(n, 2, d(day)));
    }
    r
}

#[test]
fn the_overview_line_of_a_week_needing_attention_counts_each_figure_by_hand() {
    let (period, today) = attention_period();
    let s = village_summary(&info(), &attention_week(), period, today, &Policy::default()).expect("summary");

    assert_eq!((s.name.as_str(), s.township.as_str(), s.members), ("石门村", "石门镇", 2));
    assert_eq!(s.days_judged, 7, "03-02..=03-08: the period is cut at today");
    assert_eq!(s.days_with_someone, 3, "Mon 2, Tue 3, Wed 4; the outsider on Thu 5 does not count");
    assert_eq!(s.gap_days, 3, "Thu 5, Fri 6, Sat 7: m1 on post without approved leave");
    assert_eq!(s.excused_gap_days, 1, "Sun 8: both members on approved leave");
    assert_eq!(s.households, 5);
    assert_eq!(s.households_visited, 3, "households 1, 2, 3; household 4's visit is after today");
    assert_eq!(s.diary_gap_days, 2, "m1: Thu 5 and Fri 6 (pending leave does not excuse); m2: 0 (on leave)");
    assert_eq!(s.unfiled_months, 0, "March is the current month: nothing is due yet");
    assert_eq!(s.members_below_min_days, 2, "m1 3 days and m2 2 days, 5 needed out of 7");
    // Absent without leave (working days before today, Sun 8, with neither an In nor approved
    // leave): m1 Thu 5 (only an Out) and Fri 6 (pending leave); m2 Wed 4 (a diary entry only).
    assert_eq!(s.absence_days, 3);
    // 3 gap days (notice ≥ 1, attention ≥ 5), 3 absence days (same thresholds), and 2 members
    // who cannot reach 5 days even with every unknown day (there are none): attention ≥ 1.
    assert_eq!((s.status, s.status_zh), ("attention", "需关注"));
    assert!(s.flag.note.contains("members_under_minimum = 2"), "{}", s.flag.note);
}

#[test]
fn a_week_that_keeps_the_day_rules_is_a_notice_for_two_days_absent_and_normal_without_them() {
    let period = Period::new(d(2), d(8)).expect("a valid period");
    let s = village_summary(&info(), &compliant_week(), period, d(8), &Policy::default()).expect("summary");

    assert_eq!(s.days_judged, 7);
    assert_eq!(s.days_with_someone, 7, "m1 Mon–Fri and m2 Wed–Sun cover every day");
    assert_eq!((s.gap_days, s.excused_gap_days), (0, 0));
    assert_eq!((s.households, s.households_visited), (5, 5));
    assert_eq!(s.diary_gap_days, 0, "both wrote Mon–Fri");
    assert_eq!(s.unfiled_months, 0);
    assert_eq!(s.members_below_min_days, 0, "5 days each, 5 needed");
    assert_eq!(s.absence_days, 2, "m2 on Mon 2 and Tue 3: working days with neither presence nor leave");
    assert_eq!((s.unknown_days, s.longest_not_synced_days, s.provisional), (0, 0, false), "no last sync given");
    // 2 days absent: at least notice_absence_days (1), below attention_absence_days (5).
    assert_eq!((s.status, s.status_zh), ("notice", "提醒"), "{:?}", s.flag.note);

    // m2 in on Mon 2 and Tue 3 as well: nothing left to flag.
    let mut r = compliant_week();
    r.check_ins.push(check_in(90, 2, d(2), 8));
    r.check_ins.push(check_in(91, 2, d(3), 8));
    let s = village_summary(&info(), &r, period, d(8), &Policy::default()).expect("summary");
    assert_eq!(s.absence_days, 0);
    assert_eq!((s.status, s.status_zh), ("normal", "正常"), "{:?}", s.flag.note);
}

#[test]
fn one_member_short_of_days_is_enough_for_attention() {
    // The compliant week without m2's Wednesday check-in: m1 is in on Wednesday, so no team
    // gap appears, but m2 is left with 4 days where 5 are needed.
    let mut r = compliant_week();
    r.check_ins.retain(|c| !(c.member == mid(2) && c.at == common::at(d(4), 8, 0)));
    let period = Period::new(d(2), d(8)).expect("a valid period");
    let s = village_summary(&info(), &r, period, d(8), &Policy::default()).expect("summary");
    assert_eq!((s.gap_days, s.diary_gap_days, s.unfiled_months), (0, 0, 0), "nothing else is wrong");
    assert_eq!(s.members_below_min_days, 1, "m2 has 4 days, 5 needed");
    assert_eq!(s.status, "attention");
}

#[test]
fn the_calendar_flags_presence_leave_and_gaps_on_each_date() {
    let (period, today) = attention_period();
    let v = village_view(&info(), &attention_week(), period, today, &Policy::default()).expect("view");
    let (m1, m2) = (mid(1), mid(2));

    assert_eq!(v.judged, Some(Period { from: d(2), to: d(8) }));
    let dates: Vec<NaiveDate> = v.calendar.iter().map(|c| c.date).collect();
    assert_eq!(dates, (2..=8).map(d).collect::<Vec<_>>(), "one line per judged day, none after today");

    let day = |n: u32| v.calendar.iter().find(|c| c.date == d(n)).expect("a judged day");
    let none: Vec<MemberId> = vec![];

    let mon = day(2);
    assert_eq!((&mon.present, &mon.leave, mon.gap, mon.excused), (&vec![m1, m2], &none, false, false), "Mon 2");
    let wed = day(4);
    assert_eq!((&wed.present, &wed.leave, wed.gap, wed.excused), (&vec![m1], &none, false, false), "Wed 4");
    let thu = day(5);
    assert_eq!(
        (&thu.present, &thu.leave, thu.gap, thu.excused),
        (&none, &vec![m2], true, false),
        "Thu 5: the outsider's check-in and m1's Out do not make presence"
    );
    let fri = day(6);
    assert_eq!((&fri.leave, fri.gap), (&vec![m2], true), "Fri 6: m1's pending leave is not leave");
    let sat = day(7);
    assert_eq!((&sat.leave, sat.gap), (&vec![m2], true), "Sat 7: m1's rejected leave is not leave");
    let sun = day(8);
    assert_eq!(
        (&sun.present, &sun.leave, sun.gap, sun.excused),
        (&none, &vec![m1, m2], false, true),
        "Sun 8: everyone on approved leave is excused, not a gap"
    );

    let gaps: Vec<NaiveDate> = v.calendar.iter().filter(|c| c.gap).map(|c| c.date).collect();
    assert_eq!(gaps, v.team.gaps.value, "the calendar agrees with the team report");
}

#[test]
fn household_lines_count_visits_and_the_last_one_within_the_judged_days() {
    let (period, today) = attention_period();
    let v = village_view(&info(), &attention_week(), period, today, &Policy::default()).expect("view");
    let lines: Vec<(String, usize, Option<NaiveDate>)> =
        v.households.iter().map(|h| (h.head.clone(), h.visits, h.last_visit)).collect();
    assert_eq!(
        lines,
        vec![
            ("户主1".to_string(), 2, Some(d(4))), // Mon 2 and Wed 4
            ("户主2".to_string(), 1, Some(d(3))),
            ("户主3".to_string(), 1, Some(d(3))), // by m2
            ("户主4".to_string(), 0, None),       // its visit on Tue 10 is after today
            ("户主5".to_string(), 0, None),
        ]
    );
}

#[test]
fn member_lines_carry_role_report_and_month_score() {
    let (period, today) = attention_period();
    let v = village_view(&info(), &attention_week(), period, today, &Policy::default()).expect("view");
    assert_eq!(v.members.len(), 2);
    let (a, b) = (&v.members[0], &v.members[1]);
    assert_eq!((a.name.as_str(), a.role, a.role_zh), ("李明", "first_secretary", "第一书记"));
    assert_eq!((b.name.as_str(), b.role, b.role_zh), ("王芳", "team_member", "工作队员"));
    assert_eq!(a.report.days_in_village.value, 3);
    assert_eq!(b.report.days_in_village.value, 2);
    assert_eq!(b.report.leave_days.value, (5..=8).map(d).collect::<Vec<_>>(), "m2's leave within the judged days");
    assert_eq!(a.report.diary_gaps.value, vec![d(5), d(6)]);

    // One month (March, judged 1..=8, not over: provisional): m1 has 2 diary gaps (Thu 5, Fri 6)
    // and 2 days absent without leave (the same days) → 10 − 2 × 0.5 − 2 × 0.5 = 8, not cut
    // (8 is not below 8); m2 has no diary gap and 1 day absent (Wed 4) → 9.5.
    assert_eq!(a.months.len(), 1);
    assert_eq!(a.months[0].month, "2026-03");
    assert_eq!((a.months[0].diary_gaps, a.months[0].days_in_village, a.months[0].diary_days), (2, 3, 3));
    assert_eq!(a.months[0].absent_without_leave, vec![d(5), d(6)]);
    assert_eq!(a.months[0].score.value, 8.0);
    assert!(!a.months[0].allowance_cut.value);
    assert!(a.months[0].provisional, "March is not over on the 8th");
    assert_eq!(b.months[0].absent_without_leave, vec![d(4)]);
    assert_eq!(b.months[0].score.value, 9.5);
    assert_eq!((a.last_sync, b.last_sync_text.as_deref()), (None, None), "no last sync given");
}

/// Member 1 over March and April 2026, judged on 2026-05-10.
///
/// In the village every working day but Wed 29 and Thu 30 April (on approved leave), so no day
/// is absent without leave.
/// March: 22 working days (2–6, 9–13, 16–20, 23–27, 30–31); diary every one except Tue 10 and
/// Tue 17 → 20 diary days, 2 gaps → 10 − 2 × 0.5 = 9, allowance paid (9 ≥ 8).
/// April: 22 working days (1–3, 6–10, 13–17, 20–24, 27–30); no diary Mon 6 – Fri 10 (5 gaps)
/// and none on Wed 29 – Thu 30, which approved leave excuses → 15 diary days, 5 gaps →
/// 10 − 5 × 0.5 = 7.5, below 8: the allowance is cut.
fn two_months() -> (VillageRecords, Period, NaiveDate) {
    let skipped = [date(2026, 3, 10), date(2026, 3, 17), date(2026, 4, 29), date(2026, 4, 30)];
    let april_gaps = (6..=10).map(|n| date(2026, 4, n));
    let skipped: Vec<NaiveDate> = skipped.into_iter().chain(april_gaps).collect();
    let period = Period::new(date(2026, 3, 1), date(2026, 4, 30)).expect("a valid period");
    let mut r = VillageRecords {
        members: vec![member(1, "李明", Role::FirstSecretary, date(2026, 1, 1))],
        leave_requests: vec![leave(1, 1, date(2026, 4, 29), date(2026, 4, 30), LeaveState::Approved)],
        ..Default::default()
    };
    let working = || period.dates().filter(|x| chrono::Datelike::weekday(x).num_days_from_monday() < 5);
    for (n, day) in (1..).zip(working().filter(|x| !skipped.contains(x))) {
        r.diary.push(diary(n, 1, day));
    }
    let leave_days = [date(2026, 4, 29), date(2026, 4, 30)];
    for (n, day) in (1..).zip(working().filter(|x| !leave_days.contains(x))) {
        r.check_ins.push(check_in(n, 1, day, 8));
    }
    (r, period, date(2026, 5, 10))
}

#[test]
fn two_diary_gaps_score_nine_and_five_score_seven_and_a_half_with_the_allowance_cut() {
    let (r, period, today) = two_months();
    let lines = month_lines(&r, mid(1), period, today, &Policy::default()).expect("month lines");
    let summary: Vec<(&str, u32, usize, f64, bool)> = lines
        .iter()
        .map(|l| (l.month.as_str(), l.diary_days, l.diary_gaps, l.score.value, l.allowance_cut.value))
        .collect();
    assert_eq!(summary, vec![("2026-03", 20, 2, 9.0, false), ("2026-04", 15, 5, 7.5, true)]);
    assert_eq!(
        lines[0].score.counted,
        vec!["2026-03-10".to_string(), "2026-03-17".to_string()],
        "the score is explained by the dates without an entry"
    );
}

#[test]
fn a_policy_without_the_diary_missing_item_leaves_ten_points() {
    let (r, period, today) = two_months();
    let mut policy = Policy::default();
    policy.scheme_b.items.retain(|i| i.code != "diary_missing");
    policy.validate().expect("the policy without the item is valid");
    let lines = month_lines(&r, mid(1), period, today, &policy).expect("month lines");
    let summary: Vec<(usize, f64, bool)> =
        lines.iter().map(|l| (l.diary_gaps, l.score.value, l.allowance_cut.value)).collect();
    assert_eq!(summary, vec![(2, 10.0, false), (5, 10.0, false)], "gaps are still listed but deduct nothing");

    let off = Policy { diary_every_working_day: false, ..Policy::default() };
    let lines = month_lines(&r, mid(1), period, today, &off).expect("month lines");
    assert!(lines.iter().all(|l| l.score.value == 10.0), "the diary rule switched off deducts nothing: {lines:?}");
}

#[test]
fn months_after_today_have_no_line() {
    let (r, _, _) = two_months();
    let period = Period::new(date(2026, 3, 1), date(2026, 6, 30)).expect("a valid period");
    let lines = month_lines(&r, mid(1), period, date(2026, 4, 15), &Policy::default()).expect("month lines");
    let months: Vec<&str> = lines.iter().map(|l| l.month.as_str()).collect();
    assert_eq!(months, ["2026-03", "2026-04"], "May and June start after today");
    // April judged 1..=15: no diary 6..=10 → 5 gaps, as in the full month.
    assert_eq!(lines[1].diary_gaps, 5);
}

#[test]
fn the_calendar_shows_only_team_members_on_leave() {
    // Someone not on the team (member 9) has approved leave on Thu 5; their check-in that day
    // is already ignored, so their leave should be too.
    let (period, today) = attention_period();
    let mut r = attention_week();
    r.leave_requests.push(leave(9, 9, d(5), d(5), LeaveState::Approved));
    let v = village_view(&info(), &r, period, today, &Policy::default()).expect("view");
    let thu = v.calendar.iter().find(|c| c.date == d(5)).expect("Thu 5 is judged");
    assert!(thu.present.is_empty(), "the outsider's check-in is ignored");
    assert_eq!(thu.leave, vec![mid(2)], "only m2, a team member, is on leave on Thu 5");
}

#[test]
fn a_village_page_grades_its_first_secretary_with_the_county_only_once_scored() {
    use taizhang_county::{needs_county_grades, village_page, Entered, YearInputs};
    let (period, today) = attention_period();
    let records = attention_week();
    let policy = Policy::default();
    let other = VillageInfo { id: Uuid::from_u128(0x52), name: "新寨村".into(), township: "石门镇".into() };
    let nothing = Entered::default();
    let full =
        YearInputs { results: Some(60.0), evaluation: Some(20.0), assessment: Some(10.0), ..YearInputs::default() };
    let mut scored = Entered::default();
    scored.years.insert((mid(1), 2026), full.clone());
    let mut member_only = Entered::default();
    member_only.years.insert((mid(2), 2026), full);

    assert!(!needs_county_grades(&records, &nothing, 2026));
    assert!(!needs_county_grades(&records, &member_only, 2026), "only a first secretary's score is the county's");
    assert!(needs_county_grades(&records, &scored, 2026));
    assert!(!needs_county_grades(&records, &scored, 2025), "another year's entry does not count");

    // Scored: the grade comes from the county, among every first secretary listed.
    let county = [(&info(), &records, &scored), (&other, &records, &nothing)];
    let page = village_page(&info(), &records, &scored, Some(&county), period, today, &policy).expect("page");
    let li = &page.members[0];
    assert!(li.scheme_a.is_some());
    assert!(li.county_grade.is_some(), "the county's grade is on the first secretary");
    assert!(page.members[1].county_grade.is_none(), "team members are not graded by the county");
    let alone = village_page(&info(), &records, &scored, None, period, today, &policy).expect("page without county");
    assert!(alone.members[0].county_grade.is_none(), "no county given, no county grade");

    // Not scored: the county is not graded, whatever is passed.
    let plain = village_page(&info(), &records, &nothing, Some(&county), period, today, &policy).expect("plain page");
    assert!(plain.members.iter().all(|m| m.county_grade.is_none()));
    assert_eq!(
        serde_json::to_value(&plain).expect("json"),
        serde_json::to_value(village_view(&info(), &records, period, today, &policy).expect("view")).expect("json"),
        "without scores the page is the plain village view"
    );
}

/// Unknown is not absent. The week of `compliant_week` with m2 also in on Mon 2 and Tue 3, but
/// m2's last sync is Wed 4 at 12:00 and nothing of Thu 5 – Sun 8 has reached the server.
///
/// | day    | m1          | m2              | team                                   |
/// |--------|-------------|-----------------|----------------------------------------|
/// | Wed 4  | in          | in 08:00, synced 12:00 | someone                         |
/// | Thu 5  | in          | 未同步          | someone                                 |
/// | Fri 6  | in          | 未同步          | someone                                 |
/// | Sat 7  | —           | 未同步          | unknown (m1 off, m2 not synced): not a gap |
/// | Sun 8  | —           | 未同步          | unknown                                 |
#[test]
fn days_after_a_members_last_sync_are_not_synced_never_absent_and_leave_the_flag_normal() {
    let mut r = compliant_week();
    r.check_ins.retain(|c| !(c.member == mid(2) && c.at > common::at(d(4), 12, 0)));
    r.check_ins.push(check_in(90, 2, d(2), 8));
    r.check_ins.push(check_in(91, 2, d(3), 8));
    r.last_sync.insert(mid(2), common::at(d(4), 12, 0));
    let period = Period::new(d(2), d(8)).expect("a valid period");
    let policy = Policy::default();

    let s = village_summary(&info(), &r, period, d(8), &policy).expect("summary");
    assert_eq!(s.gap_days, 0, "Sat 7 and Sun 8 are unknown, not 无人在村");
    assert_eq!(s.unknown_days, 2, "Sat 7, Sun 8");
    assert_eq!(s.absence_days, 0, "m2's Thu 5 and Fri 6 are not synced, not absent");
    assert_eq!(s.longest_not_synced_days, 4, "m2: Thu 5 ..= Sun 8 (Wed 4 has a check-in)");
    assert_eq!(s.members_below_min_days, 1, "m2 has 3 known days of the 5 required (the old figure)");
    assert!(s.provisional);
    // Under the minimum only if even every unknown day could not reach it: 3 + 4 ≥ 5. Four days
    // not synced are below notice_not_synced_days (7).
    assert_eq!((s.status, s.status_zh), ("normal", "正常"), "{}", s.flag.note);

    let v = village_view(&info(), &r, period, d(8), &policy).expect("view");
    let day = |n: u32| v.calendar.iter().find(|c| c.date == d(n)).expect("a judged day");
    assert_eq!((day(4).not_synced.clone(), day(4).unknown), (vec![], false), "Wed 4: m2 checked in");
    assert_eq!((day(5).not_synced.clone(), day(5).unknown, day(5).gap), (vec![mid(2)], false, false), "Thu 5");
    assert_eq!((day(7).not_synced.clone(), day(7).unknown, day(7).gap), (vec![mid(2)], true, false), "Sat 7");
    let m2 = v.members.iter().find(|m| m.id == mid(2)).expect("m2");
    assert_eq!(m2.last_sync_text.as_deref(), Some("2026-03-04 12:00"), "Asia/Shanghai date and minute");
    assert_eq!(m2.report.not_synced.value, (5..=8).map(d).collect::<Vec<_>>());
    assert!(m2.report.absent_without_leave.value.is_empty());
    // March for m2: no diary gap (Mon–Fri written), no absence → 10, provisional.
    assert_eq!((m2.months[0].score.value, m2.months[0].provisional, m2.months[0].not_synced_days), (10.0, true, 4));
    let m1 = v.members.iter().find(|m| m.id == mid(1)).expect("m1");
    assert_eq!((m1.last_sync, m1.report.not_synced.value.len()), (None, 0), "m1 is judged on the records held");
}

/// The overview line counts follow-up items (done in the week / open at its end, overdue among
/// them) and inspection findings (waiting for the team — a returned answer included — and
/// waiting for the officer's check), each worked by hand; a village with no item is 未录入.
#[test]
fn the_overview_line_counts_follow_up_items_and_findings_waiting_by_hand() {
    use taizhang_domain::{Finding, FindingId, FindingReview, FollowUp, FollowUpId, Verdict};
    let period = Period::new(d(2), d(8)).expect("a valid period");
    let none = village_summary(&info(), &compliant_week(), period, d(8), &Policy::default()).expect("summary");
    assert_eq!((none.follow_ups_recorded, none.findings_to_answer, none.findings_to_check), (0, 0, 0));

    let mut r = compliant_week();
    let item = |n: u128, due: Option<NaiveDate>, done: Option<NaiveDate>| FollowUp {
        id: FollowUpId(Uuid::from_u128(0x700 + n)),
        household: common::hid(1),
        visit: None,
        text: format!("承诺 {n}"),
        owner: mid(1),
        due,
        created_by: mid(1),
        created_at: common::at(d(2), 9, 0),
        done_by: done.map(|_| mid(1)),
        done_at: done.map(|day| common::at(day, 17, 0)),
        done_note: String::new(),
        project: None,
        attachments: Vec::new(),
    };
    r.follow_ups = vec![
        item(1, Some(d(5)), Some(d(4))), // done in the week, on time
        item(2, Some(d(3)), None),       // open at the end, overdue (due Tue 3)
        item(3, None, None),             // open, no due day
    ];
    let finding = |n: u128, answered: Option<i64>, review: Option<(Verdict, i64)>| Finding {
        id: FindingId(Uuid::from_u128(0x800 + n)),
        household: Some(common::hid(2)),
        diary: None,
        member: None,
        text: format!("问题 {n}"),
        found_by: Uuid::from_u128(0x99),
        found_by_name: "孙强".into(),
        found_at: common::at(d(3), 10, 0),
        answer: if answered.is_some() { "已整改".into() } else { String::new() },
        answered_by: answered.map(|_| mid(2)),
        answered_at: answered,
        review: review.map(|(verdict, answer_at)| FindingReview {
            verdict,
            note: "理由".into(),
            by: Uuid::from_u128(0x99),
            by_name: "孙强".into(),
            at: common::at(d(6), 9, 0),
            answer_at,
        }),
    };
    let (a1, a2) = (common::at(d(4), 9, 0), common::at(d(5), 9, 0));
    r.findings = vec![
        finding(1, None, None),                              // to answer (待整改)
        finding(2, Some(a1), Some((Verdict::Returned, a1))), // to answer (已退回)
        finding(3, Some(a2), None),                          // to check (已答复)
        finding(4, Some(a2), Some((Verdict::Returned, a1))), // answered again: to check
        finding(5, Some(a1), Some((Verdict::Accepted, a1))), // closed (已验收)
    ];
    let s = village_summary(&info(), &r, period, d(8), &Policy::default()).expect("summary");
    assert_eq!(s.follow_ups_recorded, 3);
    assert_eq!((s.follow_ups_done, s.follow_ups_open, s.follow_ups_overdue), (1, 2, 1));
    assert_eq!((s.findings_to_answer, s.findings_to_check), (2, 2));
}

/// Issue 16: a visit corrected by another (更正) is no evidence of its own — the correction says
/// when the visit happened — so one visit typed at the wrong day and corrected is one day of
/// evidence, on the corrected day, not two.
#[test]
fn a_corrected_visit_is_evidence_once_on_the_corrected_day() {
    let original = visit(1, 1, 1, d(3), 10);
    let correction = taizhang_domain::Visit { amends: Some(original.id), ..visit(2, 1, 1, d(4), 10) };
    let records = VillageRecords {
        members: team(),
        households: vec![household(1)],
        visits: vec![original, correction],
        ..Default::default()
    };
    let period = Period::new(d(1), d(7)).expect("period");
    let v = taizhang_county::evidence_view(&records, None, period, &Policy::default(), false);
    let mine = v.members.iter().find(|m| m.member == mid(1)).expect("member 1");
    let days: Vec<NaiveDate> = mine.days.iter().map(|e| e.date).collect();
    assert_eq!(days, [d(4)], "the corrected day only");
}
