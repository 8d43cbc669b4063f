//! Worked examples written by hand: each builds a small village, runs the rules and asserts
//! the figures and their explanations, so the rules in lib.rs's module doc are pinned down.

use chrono::{NaiveDate, TimeZone};
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::str::FromStr;
use taizhang_domain::{
    shanghai, CheckIn, CheckInId, CheckKind, DiaryEntry, DiaryId, Household, HouseholdId, HouseholdStatus, LeaveId,
    LeaveKind, LeaveRequest, LeaveState, Member, MemberId, MonthFiling, Role, Timestamp, Visit, VisitId, YearMonth,
};
use taizhang_rules::{
    codes, filed_late, flag_facts, grade_county, grade_county_among, late_after_filing, may_file, member_report,
    month_score, overview_flag, scheme_a, scheme_b, survey_points, team_report, AppliedItem, Check, DutyStatus,
    EvaluationSurvey, FilingWindow, Flag, FlagFacts, Grade, MemberInputs, Period, Policy, RulesError, SchemeAInputs,
    VillageRecords,
};

// ---- builders ------------------------------------------------------------------------------

/// A readable, deterministic id: kind in the 4th group, number at the end.
fn id<T: FromStr>(kind: u16, n: u32) -> T
where
    T::Err: Debug,
{
    format!("00000000-0000-7000-{:04x}-{n:012}", 0x8000 + kind).parse().expect("valid uuid")
}
fn mid(n: u32) -> MemberId {
    id(1, n)
}
fn hid(n: u32) -> HouseholdId {
    id(2, n)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// The instant of `hour`:00 Asia/Shanghai on `d`.
fn at(d: NaiveDate, hour: u32) -> Timestamp {
    let local = d.and_hms_opt(hour, 0, 0).expect("valid time");
    shanghai().from_local_datetime(&local).single().expect("fixed offset").timestamp_millis()
}

fn member(n: u32, role: Role, term_start: NaiveDate) -> Member {
    Member {
        id: mid(n), name: format!("队员{n}"), role, helping_unit: "县交通局".into(), term_start, term_end: None
    }
}

fn check(n: u32, who: u32, d: NaiveDate, hour: u32, kind: CheckKind) -> CheckIn {
    CheckIn { id: id(3, n), member: mid(who), at: at(d, hour), kind, location: None, in_geofence: None }
}

fn leave(n: u32, who: u32, from: NaiveDate, to: NaiveDate, state: LeaveState) -> LeaveRequest {
    LeaveRequest {
        id: id(4, n),
        member: mid(who),
        from,
        to,
        reason: "家中有事".into(),
        state,
        decided_by: Some(mid(1)),
        kind: LeaveKind::Personal,
        returned_on: None,
    }
}

fn diary(n: u32, who: u32, d: NaiveDate, amends: Option<u32>, written: NaiveDate) -> DiaryEntry {
    DiaryEntry {
        id: id(5, n),
        member: mid(who),
        date: d,
        text: "走访农户".into(),
        amends: amends.map(|a| id(5, a)),
        written_at: at(written, 21),
        attachments: Vec::new(),
    }
}

fn household(n: u32) -> Household {
    Household {
        id: hid(n),
        head: format!("户主{n}"),
        members_count: 3,
        group: "一组".into(),
        grid: "1".into(),
        status: HouseholdStatus::RegisteredPoor,
        causes: vec![],
        helper: None,
        plan: String::new(),
        income_yuan: None,
        details: Default::default(),
    }
}

fn visit(n: u32, who: u32, house: u32, d: NaiveDate) -> Visit {
    Visit {
        id: id(6, n),
        household: hid(house),
        member: mid(who),
        at: at(d, 10),
        location: None,
        findings: "身体好".into(),
        needs: String::new(),
        follow_up: String::new(),
        amends: None,
        attachments: Vec::new(),
    }
}

fn filing(who: u32, year: i32, month: u32) -> MonthFiling {
    MonthFiling {
        member: mid(who),
        month: YearMonth { year, month },
        filed_by: mid(1),
        filed_at: at(date(year, month, 28), 20),
    }
}

fn s<T: ToString>(x: T) -> String {
    x.to_string()
}

fn year(y: i32) -> Period {
    Period::year(y).expect("valid year")
}

// ---- attendance ----------------------------------------------------------------------------

#[test]
fn member_with_199_days_and_one_approved_leave_day_fails_the_200_day_rule() {
    let policy = Policy::default();
    let first = date(2025, 1, 1);
    let mut check_ins: Vec<CheckIn> =
        (0..199).map(|i| check(i, 1, first + chrono::Days::new(u64::from(i)), 9, CheckKind::In)).collect();
    // A second In on 1 January and an Out on 2 January change nothing: a day counts once.
    check_ins.push(check(1000, 1, first, 15, CheckKind::In));
    check_ins.push(check(1001, 1, date(2025, 1, 2), 18, CheckKind::Out));
    let last_present = date(2025, 7, 18); // 1 January + 198 days
    assert_eq!(first + chrono::Days::new(198), last_present);
    let records = VillageRecords {
        members: vec![member(1, Role::FirstSecretary, date(2024, 6, 1))],
        check_ins,
        leave_requests: vec![
            leave(1, 1, date(2025, 7, 19), date(2025, 7, 19), LeaveState::Approved),
            leave(2, 1, date(2025, 7, 20), date(2025, 7, 21), LeaveState::Rejected),
            leave(3, 1, date(2025, 7, 22), date(2025, 7, 22), LeaveState::Pending),
        ],
        ..Default::default()
    };
    let r = member_report(&records, mid(1), year(2025), date(2026, 1, 10), &MemberInputs::default(), &policy)
        .expect("report");

    assert_eq!(r.judged, Some(year(2025)));
    assert_eq!(r.days_in_village.value, 199);
    assert_eq!(r.days_in_village.counted.len(), 199);
    assert_eq!(r.days_in_village.counted[0], s(id::<CheckInId>(3, 0)), "the earliest check-in of 1 January");
    assert!(!r.days_in_village.counted.contains(&s(id::<CheckInId>(3, 1000))));

    // Only the approved leave is listed; pending and rejected excuse nothing.
    assert_eq!(r.leave_days.value, vec![date(2025, 7, 19)]);
    assert_eq!(r.leave_days.counted, vec![s(id::<LeaveId>(4, 1))]);

    // 200 required for a full year; the leave day does not count as presence.
    assert_eq!(r.min_days.value, Check { actual: 199, required: 200, met: false });
    assert_eq!(r.min_days.rule.code, codes::MIN_DAYS);
    assert_eq!(r.min_days.rule.policy_value, "min_days_in_village_per_year = 200");
    assert!(r.min_days.note.contains("2025-07-19"), "{}", r.min_days.note);
    assert!(r.min_days.note.contains(&s(id::<LeaveId>(4, 1))), "{}", r.min_days.note);
    assert!(r.min_days.note.contains("not counted as presence"), "{}", r.min_days.note);

    // 2/3 of 365 = 243.3 → 244 days.
    assert_eq!(r.min_share.value, Check { actual: 199, required: 244, met: false });
    assert_eq!(r.training.value, None);
}

#[test]
fn requirements_are_prorated_to_the_judged_days() {
    let policy = Policy::default();
    let records = VillageRecords { members: vec![member(1, Role::TeamMember, date(2020, 1, 1))], ..Default::default() };
    // Judged 1 January .. 31 March 2025 = 90 days: ceil(200 × 90 / 365) = ceil(49.3) = 50;
    // 2/3 × 90 = 60 exactly (float noise must not make it 61).
    let r = member_report(&records, mid(1), year(2025), date(2025, 3, 31), &MemberInputs::default(), &policy)
        .expect("report");
    assert_eq!(r.judged, Some(Period::new(date(2025, 1, 1), date(2025, 3, 31)).expect("period")));
    assert_eq!(r.min_days.value.required, 50);
    assert_eq!(r.min_share.value.required, 60);
    // A leap year judged in full: 200 days (not 201), and 2/3 × 366 = 244 (not 245).
    let r = member_report(&records, mid(1), year(2024), date(2025, 3, 31), &MemberInputs::default(), &policy)
        .expect("report");
    assert_eq!(r.min_days.value.required, 200);
    assert_eq!(r.min_share.value.required, 244);
    // A member who joined on 1 December 2025 is judged on 31 days only.
    let records =
        VillageRecords { members: vec![member(2, Role::TeamMember, date(2025, 12, 1))], ..Default::default() };
    let r = member_report(&records, mid(2), year(2025), date(2026, 2, 1), &MemberInputs::default(), &policy)
        .expect("report");
    assert_eq!(r.judged, Some(Period::new(date(2025, 12, 1), date(2025, 12, 31)).expect("period")));
    assert_eq!(r.min_days.value.required, 17); // ceil(200 × 31 / 365) = ceil(16.99)
}

/// A team of three (first secretary 1, members 2 and 3) plus member 4 who joins in April,
/// over Saturday 1 to Friday 7 March 2025. The team is on post from Monday 3 March.
fn team_week() -> VillageRecords {
    let start = date(2025, 3, 3);
    VillageRecords {
        members: vec![
            member(1, Role::FirstSecretary, start),
            member(2, Role::TeamMember, start),
            member(3, Role::TeamMember, start),
            member(4, Role::TeamMember, date(2025, 4, 1)),
        ],
        check_ins: vec![
            // Mon 3: everyone in.
            check(1, 1, date(2025, 3, 3), 8, CheckKind::In),
            check(2, 2, date(2025, 3, 3), 9, CheckKind::In),
            check(3, 3, date(2025, 3, 3), 10, CheckKind::In),
            // Tue 4: only member 2, at 07:00 Shanghai (still 3 March in UTC).
            check(4, 2, date(2025, 3, 4), 7, CheckKind::In),
            // Fri 7: only a check-out, which is not presence.
            check(5, 1, date(2025, 3, 7), 17, CheckKind::Out),
            // Someone outside the team checking in on Wed 5 does not count.
            CheckIn { member: mid(99), ..check(6, 1, date(2025, 3, 5), 9, CheckKind::In) },
        ],
        leave_requests: vec![
            // Wed 5: member 1 on leave, the others are simply absent → a gap.
            leave(1, 1, date(2025, 3, 5), date(2025, 3, 6), LeaveState::Approved),
            // Thu 6: everyone on post on approved leave → an excused gap.
            leave(2, 2, date(2025, 3, 6), date(2025, 3, 6), LeaveState::Approved),
            leave(3, 3, date(2025, 3, 6), date(2025, 3, 6), LeaveState::Approved),
            // Fri 7: pending leave excuses nothing.
            leave(4, 2, date(2025, 3, 7), date(2025, 3, 7), LeaveState::Pending),
        ],
        ..Default::default()
    }
}

#[test]
fn a_day_with_one_member_in_is_not_a_gap_and_a_day_with_nobody_is() {
    let period = Period::new(date(2025, 3, 1), date(2025, 3, 7)).expect("period");
    let r = team_report(&team_week(), period, date(2025, 3, 31), &Policy::default()).expect("report");

    assert_eq!(r.days_with_someone.value, 2);
    assert_eq!(r.days_with_someone.counted, vec![s(id::<CheckInId>(3, 1)), s(id::<CheckInId>(3, 4))]);
    // Tue 4 (one member in) is not a gap; Sat 1 and Sun 2 have nobody on post and are not judged.
    assert_eq!(r.gaps.value, vec![date(2025, 3, 5), date(2025, 3, 7)]);
    assert_eq!(r.gaps.rule.code, codes::TEAM_DAILY);
    assert!(r.gaps.note.contains("dates: 2025-03-05, 2025-03-07"), "{}", r.gaps.note);
    assert!(r.gaps.note.contains("2 days with nobody on post are not judged"), "{}", r.gaps.note);
    // Thu 6: all three on approved leave (member 4 is not on post yet).
    assert_eq!(r.excused_gaps.value, vec![date(2025, 3, 6)]);
    assert_eq!(r.excused_gaps.counted, vec![s(id::<LeaveId>(4, 1)), s(id::<LeaveId>(4, 2)), s(id::<LeaveId>(4, 3))]);
}

#[test]
fn days_are_cut_in_shanghai_and_nothing_after_today_is_judged() {
    let period = Period::new(date(2025, 3, 1), date(2025, 3, 31)).expect("period");
    let records = team_week();
    // The 07:00 check-in of 4 March is 3 March 23:00 UTC: it counts for 4 March.
    assert_eq!(taizhang_domain::local_date(records.check_ins[3].at), date(2025, 3, 4));
    let r = team_report(&records, period, date(2025, 3, 5), &Policy::default()).expect("report");
    assert_eq!(r.judged, Some(Period::new(date(2025, 3, 1), date(2025, 3, 5)).expect("period")));
    assert_eq!(r.gaps.value, vec![date(2025, 3, 5)]);
    // A period entirely after today judges nothing.
    let later = Period::new(date(2025, 4, 1), date(2025, 4, 30)).expect("period");
    let r = team_report(&records, later, date(2025, 3, 5), &Policy::default()).expect("report");
    assert_eq!(r.judged, None);
    assert!(r.gaps.value.is_empty());
}

// ---- diary, filing, visits, seven ones ----------------------------------------------------

#[test]
fn diary_gaps_are_working_days_without_an_entry() {
    // Mon 3 .. Sun 9 March 2025.
    let records = VillageRecords {
        members: vec![member(1, Role::FirstSecretary, date(2025, 1, 1)), member(2, Role::TeamMember, date(2025, 1, 1))],
        diary: vec![
            diary(1, 1, date(2025, 3, 3), None, date(2025, 3, 3)),
            diary(2, 1, date(2025, 3, 4), None, date(2025, 3, 4)),
            diary(3, 1, date(2025, 3, 4), None, date(2025, 3, 4)), // a second entry the same day
            diary(4, 1, date(2025, 3, 6), None, date(2025, 3, 8)), // written late: still counts
            diary(5, 1, date(2025, 3, 8), None, date(2025, 3, 8)), // Saturday: a diary day, never a gap
            diary(6, 1, date(2025, 3, 5), Some(1), date(2025, 4, 2)), // amendment dated Wed: fills nothing
            diary(7, 2, date(2025, 3, 5), None, date(2025, 3, 5)), // another member's entry
        ],
        leave_requests: vec![leave(1, 1, date(2025, 3, 7), date(2025, 3, 7), LeaveState::Approved)],
        ..Default::default()
    };
    let period = Period::new(date(2025, 3, 3), date(2025, 3, 9)).expect("period");
    let r = member_report(&records, mid(1), period, date(2025, 3, 20), &MemberInputs::default(), &Policy::default())
        .expect("report");
    assert_eq!(r.diary_days.value, 4); // Mon, Tue, Thu, Sat
    assert_eq!(r.diary_days.counted.len(), 5); // both Tuesday entries are listed
    assert!(!r.diary_days.counted.contains(&s(id::<DiaryId>(5, 6))));
    assert_eq!(r.diary_gaps.value, vec![date(2025, 3, 5)]); // Wed; Fri is on leave; weekend is not judged
    assert_eq!(r.diary_gaps.counted, vec![s(id::<LeaveId>(4, 1))]);
    assert!(
        r.diary_gaps
            .note
            .contains("5 working days judged, 1 without an entry, 1 excused by approved leave, 0 not synced yet (not gaps). 缺记 gaps: 2025-03-05; 免记 excused: 2025-03-07"),
        "{}",
        r.diary_gaps.note
    );
    let keep_diary = r.seven_ones.iter().find(|f| f.rule.policy_value == "keep_diary").expect("item");
    assert_eq!(keep_diary.value, DutyStatus::NotDone);

    // A county with a six-day week also checks Saturday (which has an entry here).
    let six =
        Policy::from_toml("working_days = [\"Mon\", \"Tue\", \"Wed\", \"Thu\", \"Fri\", \"Sat\"]").expect("policy");
    let r = member_report(&records, mid(1), period, date(2025, 3, 20), &MemberInputs::default(), &six).expect("report");
    assert_eq!(r.diary_gaps.value, vec![date(2025, 3, 5)]);
    assert!(r.diary_gaps.note.contains("6 working days judged"), "{}", r.diary_gaps.note);
}

#[test]
fn a_finished_month_without_a_filing_is_listed() {
    let records = VillageRecords {
        members: vec![
            member(1, Role::FirstSecretary, date(2025, 1, 15)),
            member(2, Role::TeamMember, date(2024, 1, 1)),
        ],
        filings: vec![filing(1, 2025, 1), filing(1, 2025, 3), filing(2, 2025, 2)],
        ..Default::default()
    };
    let policy = Policy::default();
    // Today 10 April: January (joined mid-month, still due), February and March are due;
    // April is the current month. February was filed for member 2, not member 1.
    let r = member_report(&records, mid(1), year(2025), date(2025, 4, 10), &MemberInputs::default(), &policy)
        .expect("report");
    assert_eq!(r.unfiled_months.value, vec![YearMonth { year: 2025, month: 2 }]);
    assert_eq!(r.unfiled_months.counted, vec!["2025-01", "2025-03"]);
    assert_eq!(r.unfiled_months.rule.code, codes::FILING);
    // A period starting mid-January: January is not fully inside, so not due.
    let period = Period::new(date(2025, 1, 15), date(2025, 12, 31)).expect("period");
    let r =
        member_report(&records, mid(1), period, date(2025, 4, 10), &MemberInputs::default(), &policy).expect("report");
    assert_eq!(r.unfiled_months.counted, vec!["2025-03"]);
    assert_eq!(r.unfiled_months.value, vec![YearMonth { year: 2025, month: 2 }]);
}

#[test]
fn households_nobody_visited_in_the_period_are_listed() {
    let mut records = VillageRecords {
        members: vec![member(1, Role::FirstSecretary, date(2024, 1, 1)), member(2, Role::TeamMember, date(2024, 1, 1))],
        households: (1..=4).map(household).collect(),
        visits: vec![
            visit(1, 1, 1, date(2025, 2, 10)),  // household 1 by the first secretary
            visit(2, 2, 2, date(2025, 5, 3)),   // household 2 by a team member: counts for the team
            visit(3, 1, 3, date(2024, 12, 30)), // household 3 last year only
            visit(4, 1, 9, date(2025, 3, 1)),   // a household not in the registry: ignored
            visit(5, 1, 4, date(2025, 7, 1)),   // household 4 after today: not judged yet
        ],
        ..Default::default()
    };
    let policy = Policy::default();
    let today = date(2025, 6, 30);
    let r = team_report(&records, year(2025), today, &policy).expect("report");
    assert_eq!(r.households_not_visited.value, vec![hid(3), hid(4)]);
    assert_eq!(r.households_not_visited.counted, vec![s(id::<VisitId>(6, 1)), s(id::<VisitId>(6, 2))]);
    assert!(r.households_not_visited.note.contains("4 registered households"), "{}", r.households_not_visited.note);

    let m = member_report(&records, mid(1), year(2025), today, &MemberInputs::default(), &policy).expect("report");
    let item = m.seven_ones.iter().find(|f| f.rule.policy_value == "visit_households").expect("item");
    assert_eq!(item.value, DutyStatus::NotDone);

    records.visits.push(visit(6, 2, 3, date(2025, 6, 1)));
    records.visits.push(visit(7, 2, 4, date(2025, 6, 2)));
    let m = member_report(&records, mid(1), year(2025), today, &MemberInputs::default(), &policy).expect("report");
    let item = m.seven_ones.iter().find(|f| f.rule.policy_value == "visit_households").expect("item");
    assert_eq!(item.value, DutyStatus::Done);
    assert_eq!(item.counted.len(), 4);
}

#[test]
fn seven_ones_combine_records_and_county_inputs() {
    let records = VillageRecords {
        members: vec![member(1, Role::FirstSecretary, date(2025, 3, 3))],
        diary: (0..5).map(|i| diary(i, 1, date(2025, 3, 3 + i), None, date(2025, 3, 3 + i))).collect(),
        ..Default::default()
    };
    let period = Period::new(date(2025, 3, 3), date(2025, 3, 9)).expect("period");
    let inputs =
        MemberInputs { seven_ones: BTreeMap::from([("strong_committee".into(), true)]), training_days: Some(3) };
    let r = member_report(&records, mid(1), period, date(2025, 3, 20), &inputs, &Policy::default()).expect("report");
    let status: Vec<(&str, DutyStatus)> =
        r.seven_ones.iter().map(|f| (f.rule.policy_value.as_str(), f.value)).collect();
    assert_eq!(
        status,
        vec![
            ("strong_committee", DutyStatus::Done),
            ("party_lecture", DutyStatus::NotRecorded), // no meeting recorded: unknown, not absent
            ("visit_households", DutyStatus::NotRecorded), // no household registered
            ("keep_diary", DutyStatus::Done),
            ("research_report", DutyStatus::NotRecorded), // no research report written: unknown
            ("practical_projects", DutyStatus::NotRecorded),
            ("aid_projects", DutyStatus::NotRecorded),
        ]
    );
    assert!(r.seven_ones.iter().all(|f| f.rule.code == codes::SEVEN_ONES));
    assert_eq!(r.seven_ones[3].counted.len(), 5);
    assert_eq!(r.training.value, Some(Check { actual: 3, required: 4, met: false }));

    let typo = MemberInputs { seven_ones: BTreeMap::from([("party_lectur".into(), true)]), ..Default::default() };
    let err = member_report(&records, mid(1), period, date(2025, 3, 20), &typo, &Policy::default())
        .expect_err("unknown item");
    assert!(matches!(err, RulesError::UnknownDuty { .. }));
    assert!(err.to_string().contains("strong_committee"), "the message lists the codes to enter: {err}");
    let derived = MemberInputs { seven_ones: BTreeMap::from([("keep_diary".into(), true)]), ..Default::default() };
    let err = member_report(&records, mid(1), period, date(2025, 3, 20), &derived, &Policy::default())
        .expect_err("derived item");
    assert_eq!(err, RulesError::DerivedDuty("keep_diary".into()));
}

/// Issue 22: three of the seven ones decided by the village ledger, worked by hand. The year
/// 2025 judged on 30 June: a party lecture held on 18 March (recorded weeks later: it counts for
/// its own day), a committee meeting that is no lecture, a lecture planned for July (after
/// today: not judged), practical projects closed done on 10 April and 20 July (after today), an
/// aid project still underway and one dropped.
#[test]
fn seven_ones_from_meetings_and_projects() {
    use taizhang_domain::{Funding, Meeting, MeetingId, MeetingKind, Project, ProjectId, ProjectKind, ProjectState};
    let meeting = |n: u32, d: NaiveDate, kind: MeetingKind| Meeting {
        id: id::<MeetingId>(20, n),
        date: d,
        kind,
        led_by: "第一书记".into(),
        attendance: Some(20),
        topics: "学习".into(),
        decisions: String::new(),
        recorded_by: mid(1),
        recorded_at: at(date(2025, 4, 30), 9), // six weeks after the lecture
    };
    let project = |n: u32, kind: ProjectKind, state: ProjectState, closed: Option<NaiveDate>| Project {
        id: id::<ProjectId>(21, n),
        name: format!("项目{n}"),
        kind,
        funding: Funding { fiscal: Some(10_000), ..Funding::default() },
        households: vec![hid(1)],
        state,
        started_on: None,
        created_by: mid(1),
        created_at: at(date(2025, 1, 10), 9),
        closed_on: closed,
        closed_by: closed.map(|_| mid(1)),
        result: if closed.is_some() { "已验收".into() } else { String::new() },
    };
    let mut records = VillageRecords {
        members: vec![member(1, Role::FirstSecretary, date(2024, 1, 1))],
        meetings: vec![
            meeting(1, date(2025, 2, 1), MeetingKind::Committee),
            meeting(2, date(2025, 3, 18), MeetingKind::PartyLecture),
            meeting(3, date(2025, 7, 1), MeetingKind::PartyLecture),
            meeting(4, date(2024, 12, 1), MeetingKind::PartyLecture), // last year
        ],
        projects: vec![
            project(1, ProjectKind::Practical, ProjectState::Done, Some(date(2025, 4, 10))),
            project(2, ProjectKind::Practical, ProjectState::Done, Some(date(2025, 7, 20))),
            project(3, ProjectKind::Aid, ProjectState::Underway, None),
            project(4, ProjectKind::Aid, ProjectState::Dropped, Some(date(2025, 5, 5))),
        ],
        ..Default::default()
    };
    let today = date(2025, 6, 30);
    let item = |r: &taizhang_rules::MemberReport, code: &str| {
        r.seven_ones.iter().find(|f| f.rule.policy_value == code).cloned().expect("item")
    };
    let report = |records: &VillageRecords, policy: &Policy| {
        member_report(records, mid(1), year(2025), today, &MemberInputs::default(), policy).expect("report")
    };
    let policy = Policy::default();
    let r = report(&records, &policy);

    // 上好一堂党课: the lecture of 18 March decides it; the one of 1 July is after today.
    let lecture = item(&r, "party_lecture");
    assert_eq!(lecture.value, DutyStatus::Done);
    assert_eq!(lecture.counted, vec![s(id::<MeetingId>(20, 2))]);
    assert!(lecture.note.contains("1 party lectures held in 2025-01-01..=2025-06-30 (2025-03-18)"), "{}", lecture.note);
    assert_eq!(lecture.rule.code, codes::SEVEN_ONES);

    // 办好一批民生实事: one practical project closed done by today (project 2 closes in July).
    let practical = item(&r, "practical_projects");
    assert_eq!(practical.value, DutyStatus::Done);
    assert_eq!(practical.counted, vec![s(id::<ProjectId>(21, 1))]);
    assert!(practical.note.contains("2 practical projects, 1 closed done"), "{}", practical.note);

    // 协调落实一批帮扶专案: one underway, one dropped: not done (a dropped project is no delivery).
    let aid = item(&r, "aid_projects");
    assert_eq!(aid.value, DutyStatus::NotDone);
    assert!(aid.counted.is_empty());
    assert!(aid.note.contains("2 aid projects, 0 closed done") && aid.note.contains("1 still open"), "{}", aid.note);

    // A county asking for two practical projects: one is not a batch yet.
    let mut two = policy.clone();
    two.seven_ones.iter_mut().filter(|i| i.code == "practical_projects").for_each(|i| i.at_least = 2);
    assert_eq!(two.validate(), Ok(()));
    assert_eq!(item(&report(&records, &two), "practical_projects").value, DutyStatus::NotDone);
    // Judged at the end of the year, project 2 counts too.
    let end = member_report(&records, mid(1), year(2025), date(2025, 12, 31), &MemberInputs::default(), &two)
        .expect("report");
    let practical = item(&end, "practical_projects");
    assert_eq!((practical.value, practical.counted.len()), (DutyStatus::Done, 2));

    // The aid project closed done on 1 June: now done.
    records.projects[2] = project(3, ProjectKind::Aid, ProjectState::Done, Some(date(2025, 6, 1)));
    assert_eq!(item(&report(&records, &policy), "aid_projects").value, DutyStatus::Done);

    // A village that has recorded no meeting and no project: 未录入, never "not done".
    let empty = VillageRecords { members: records.members.clone(), ..Default::default() };
    let r = report(&empty, &policy);
    for code in ["party_lecture", "practical_projects", "aid_projects"] {
        assert_eq!(item(&r, code).value, DutyStatus::NotRecorded, "{code}");
    }
    // Meetings but no lecture this year: not done.
    let no_lecture = VillageRecords { meetings: vec![meeting(1, date(2025, 2, 1), MeetingKind::Committee)], ..empty };
    assert_eq!(item(&report(&no_lecture, &policy), "party_lecture").value, DutyStatus::NotDone);

    // 写好一篇调研报告 from the team's research reports: none written is 未录入; one written for
    // 2024 (on 2024-12-20) is not this period's; the 2025 one written on 20 May decides it.
    use taizhang_domain::{ReportPeriod, TeamReport};
    let research = |year: i32, written: NaiveDate| TeamReport {
        period: ReportPeriod::Research { year },
        text: "关于茶叶产业发展的调研报告".into(),
        written_by: mid(1),
        written_at: at(written, 9),
    };
    assert_eq!(item(&report(&records, &policy), "research_report").value, DutyStatus::NotRecorded);
    records.reports = vec![research(2024, date(2024, 12, 20))];
    let old = item(&report(&records, &policy), "research_report");
    assert_eq!((old.value, old.counted.len()), (DutyStatus::NotDone, 0), "{}", old.note);
    records.reports.push(research(2025, date(2025, 5, 20)));
    let written = item(&report(&records, &policy), "research_report");
    assert_eq!(written.value, DutyStatus::Done);
    assert_eq!(written.counted, vec!["2025-research".to_string()]);
    assert!(
        written.note.contains("1 research reports written in 2025-01-01..=2025-06-30 (2025-05-20)"),
        "{}",
        written.note
    );

    // The county cannot type a derived item in.
    let typed = MemberInputs { seven_ones: BTreeMap::from([("party_lecture".into(), true)]), ..Default::default() };
    let err = member_report(&records, mid(1), year(2025), today, &typed, &policy).expect_err("derived");
    assert_eq!(err, RulesError::DerivedDuty("party_lecture".into()));
}

/// 办好一批民生实事 with follow-up items (issue 16), worked by hand. Policy: `at_least = 1`,
/// `follow_ups_per_project = 3`. Judged 2025-01-01..=2025-06-30 (today 30 June). Items:
/// 1 made 10 Jan, due 31 Jan, closed 20 Jan (done in time);
/// 2 made 10 Jan, due 28 Feb, closed 15 Apr (done, 46 days after its due day — closed offline and
///   synced weeks later: it counts for 15 April);
/// 3 made 1 Mar, no due day, closed 2 Jun;
/// 4 made 1 Mar, due 31 Mar, open (overdue);
/// 5 made 20 Jun, due 10 Jul, open (not overdue);
/// 6 made 5 Dec 2024, closed 3 Jan 2025 (promised last year, done this period).
/// Promised in the period: 1–5 = 5. Done: 1, 2, 3, 6 = 4 (item 2 after its due day: 1).
/// Open at 30 June: 4, 5 = 2; overdue: 4 = 1. No practical project recorded:
/// 4 items ÷ 3 = 1 project ≥ at_least 1 → 办好一批民生实事 done, counted the four items.
#[test]
fn practical_things_from_follow_up_items() {
    use taizhang_domain::{FollowUp, FollowUpId};
    use taizhang_rules::follow_up_counts;
    let item = |n: u32, made: NaiveDate, due: Option<NaiveDate>, closed: Option<NaiveDate>| FollowUp {
        id: id::<FollowUpId>(22, n),
        household: hid(1),
        visit: None,
        text: format!("承诺{n}"),
        owner: mid(1),
        due,
        created_by: mid(1),
        created_at: at(made, 10),
        done_by: closed.map(|_| mid(1)),
        done_at: closed.map(|d| at(d, 16)),
        done_note: if closed.is_some() { "已办".into() } else { String::new() },
        project: None,
        attachments: Vec::new(),
    };
    let fid = |n: u32| s(id::<FollowUpId>(22, n));
    let records = VillageRecords {
        members: vec![member(1, Role::FirstSecretary, date(2024, 1, 1))],
        follow_ups: vec![
            item(1, date(2025, 1, 10), Some(date(2025, 1, 31)), Some(date(2025, 1, 20))),
            item(2, date(2025, 1, 10), Some(date(2025, 2, 28)), Some(date(2025, 4, 15))),
            item(3, date(2025, 3, 1), None, Some(date(2025, 6, 2))),
            item(4, date(2025, 3, 1), Some(date(2025, 3, 31)), None),
            item(5, date(2025, 6, 20), Some(date(2025, 7, 10)), None),
            item(6, date(2024, 12, 5), None, Some(date(2025, 1, 3))),
        ],
        ..Default::default()
    };
    let today = date(2025, 6, 30);
    let c = follow_up_counts(&records, year(2025), today);
    assert_eq!(c.recorded, 6);
    assert_eq!((c.promised.value, c.done.value, c.done_after_due.value), (5, 4, 1));
    assert_eq!((c.open.value, c.overdue.value), (2, 1));
    assert_eq!(c.done.counted, vec![fid(1), fid(2), fid(3), fid(6)]);
    assert_eq!(c.done_after_due.counted, vec![fid(2)]);
    assert_eq!(c.overdue.counted, vec![fid(4)]);
    assert_eq!(c.open.rule.code, codes::FOLLOW_UPS);
    // At the end of March: promised 1–4; done 1 and 6; open 2, 3, 4 (closed later or never);
    // overdue 2 (due 28 Feb; item 4 is due on 31 March itself, not yet overdue).
    let march = follow_up_counts(&records, Period { from: date(2025, 1, 1), to: date(2025, 3, 31) }, today);
    assert_eq!((march.promised.value, march.done.value, march.open.value, march.overdue.value), (4, 2, 3, 1));
    assert_eq!(march.overdue.counted, vec![fid(2)]);

    let policy = Policy::default();
    let practical = |records: &VillageRecords, policy: &Policy| {
        member_report(records, mid(1), year(2025), today, &MemberInputs::default(), policy)
            .expect("report")
            .seven_ones
            .into_iter()
            .find(|f| f.rule.policy_value == "practical_projects")
            .expect("item")
    };
    let r = practical(&records, &policy);
    assert_eq!(r.value, DutyStatus::Done);
    assert_eq!(r.counted, vec![fid(1), fid(2), fid(3), fid(6)]);
    assert!(r.note.contains("4 closed done in 2025-01-01..=2025-06-30, every 3 count as one project: 1"), "{}", r.note);
    // Asking for two: 4 items make one project, not two.
    let mut two = policy.clone();
    two.seven_ones.iter_mut().filter(|i| i.code == "practical_projects").for_each(|i| i.at_least = 2);
    assert_eq!(practical(&records, &two).value, DutyStatus::NotDone);
    // A county that does not count items (0): no practical project recorded → 未录入.
    let mut off = policy.clone();
    off.seven_ones.iter_mut().filter(|i| i.code == "practical_projects").for_each(|i| i.follow_ups_per_project = 0);
    assert_eq!(off.validate(), Ok(()));
    assert_eq!(practical(&records, &off).value, DutyStatus::NotRecorded);
    // Judged at the end of March: two items done, fewer than three: not done yet.
    let march_report = member_report(
        &records,
        mid(1),
        Period { from: date(2025, 1, 1), to: date(2025, 3, 31) },
        today,
        &MemberInputs::default(),
        &policy,
    )
    .expect("report");
    let m = march_report.seven_ones.iter().find(|f| f.rule.policy_value == "practical_projects").expect("item");
    assert_eq!(m.value, DutyStatus::NotDone);
    // Nothing recorded: 未录入, never 未完成, and every count says so.
    let empty = VillageRecords { members: records.members.clone(), ..Default::default() };
    assert_eq!(practical(&empty, &policy).value, DutyStatus::NotRecorded);
    let none = follow_up_counts(&empty, year(2025), today);
    assert_eq!((none.recorded, none.done.value), (0, 0));
    assert!(none.done.note.contains("未录入"), "{}", none.done.note);
    // A setting out of range is refused with what to do.
    let mut bad = policy.clone();
    bad.seven_ones.iter_mut().filter(|i| i.code == "practical_projects").for_each(|i| i.follow_ups_per_project = 101);
    assert!(bad.validate().is_err());
}

// ---- scheme A and grades -----------------------------------------------------------------

#[test]
fn grades_at_exactly_90_89_5_and_60() {
    let a = Policy::default().scheme_a;
    assert_eq!(Grade::of(90.0, &a), Ok(Grade::Excellent));
    assert_eq!(Grade::of(89.5, &a), Ok(Grade::Competent)); // not rounded up
    assert_eq!(Grade::of(70.0, &a), Ok(Grade::Competent));
    assert_eq!(Grade::of(69.9, &a), Ok(Grade::BasicallyCompetent));
    assert_eq!(Grade::of(60.0, &a), Ok(Grade::BasicallyCompetent));
    assert_eq!(Grade::of(59.99, &a), Ok(Grade::Incompetent));
    assert_eq!(Grade::of(100.5, &a), Err(RulesError::InvalidScore { value: 100.5, max: 100.0 }));
    assert!(Grade::of(f64::NAN, &a).is_err());
    assert_eq!(Grade::Competent.zh(), "称职");
}

/// A first secretary with 199 days in 2025 (no other record).
fn fs_with_199_days() -> VillageRecords {
    VillageRecords {
        members: vec![member(1, Role::FirstSecretary, date(2024, 1, 1))],
        check_ins: (0..199)
            .map(|i| check(i, 1, date(2025, 1, 1) + chrono::Days::new(u64::from(i)), 9, CheckKind::In))
            .collect(),
        ..Default::default()
    }
}

#[test]
fn scheme_a_discipline_comes_from_attendance() {
    // A county using only the 200-day rule: discipline = 10 × 199/200 = 9.95;
    // 54 + 17.05 + 9.95 + 9 = 90 exactly (float noise removed) → 优秀.
    let policy = Policy::from_toml("min_share_of_year = 0").expect("policy");
    let report =
        member_report(&fs_with_199_days(), mid(1), year(2025), date(2026, 1, 5), &MemberInputs::default(), &policy)
            .expect("report");
    let inputs = SchemeAInputs { results: 54.0, evaluation: 17.05, assessment: 9.0, survey: None };
    let a = scheme_a(&report, &inputs, &policy).expect("score");
    assert!((a.discipline.value - 9.95).abs() < 1e-12, "{}", a.discipline.value);
    assert_eq!(a.discipline.rule.code, codes::A_DISCIPLINE);
    assert_eq!(a.discipline.counted.len(), 199);
    assert_eq!(a.total.value, 90.0);
    assert_eq!(a.grade.value, Grade::Excellent);

    // With the default policy the 2/3 rule (244 days) is the stricter: 10 × 199/244 = 8.1557...
    let policy = Policy::default();
    let report =
        member_report(&fs_with_199_days(), mid(1), year(2025), date(2026, 1, 5), &MemberInputs::default(), &policy)
            .expect("report");
    let a = scheme_a(&report, &inputs, &policy).expect("score");
    assert!((a.discipline.value - 1990.0 / 244.0).abs() < 1e-9, "{}", a.discipline.value);
    assert!(a.discipline.note.contains("199/244"), "{}", a.discipline.note);
    assert_eq!(a.grade.value, Grade::Competent);

    let err = scheme_a(&report, &SchemeAInputs { results: 61.0, ..inputs }, &policy).expect_err("above 60");
    assert_eq!(err, RulesError::ComponentOutOfRange { component: "results", value: 61.0, max: 60.0 });
    assert!(err.to_string().contains("enter points between 0 and 60"), "{err}");
}

/// Scheme A's villagers' evaluation (群众评议, 20 %) from a villagers' survey (民主测评, seed
/// 003) instead of typed points: 31 ballots, 22 满意, 7 基本满意, 2 不满意, the default weight 0.5
/// for 基本满意 → 20 × (22 + 0.5 × 7) / 31 = 20 × 25.5 / 31 = 16.451612...; with the first
/// example's other components (54, 9.95, 9) the total is 89.401612... → 称职, not 优秀.
#[test]
fn scheme_a_evaluation_from_a_villagers_survey_is_worked_by_hand() {
    let policy = Policy::from_toml("min_share_of_year = 0").expect("policy");
    let report =
        member_report(&fs_with_199_days(), mid(1), year(2025), date(2026, 1, 5), &MemberInputs::default(), &policy)
            .expect("report");
    let survey = EvaluationSurvey { satisfied: 22, basically_satisfied: 7, dissatisfied: 2 };
    let inputs = SchemeAInputs { results: 54.0, evaluation: 0.0, assessment: 9.0, survey: Some(survey) };
    let a = scheme_a(&report, &inputs, &policy).expect("score");
    assert!((a.evaluation.value - 20.0 * 25.5 / 31.0).abs() < 1e-6, "{}", a.evaluation.value);
    assert_eq!(a.evaluation.rule.code, codes::A_SURVEY);
    assert!(a.evaluation.note.contains("满意22、基本满意7、不满意2"), "{}", a.evaluation.note);
    assert!((a.total.value - (54.0 + 20.0 * 25.5 / 31.0 + 9.95 + 9.0)).abs() < 1e-6, "{}", a.total.value);
    assert_eq!(a.grade.value, Grade::Competent);
    // Everyone satisfied: full 20 points; a county weighting 基本满意 at 0.8 counts 7 × 0.8.
    let all = EvaluationSurvey { satisfied: 31, basically_satisfied: 0, dissatisfied: 0 };
    assert_eq!(survey_points(&all, &policy).expect("points").value, 20.0);
    let generous = Policy::from_toml("[scheme_a]\nbasically_satisfied_weight = 0.8").expect("policy");
    let p = survey_points(&survey, &generous).expect("points").value;
    assert!((p - 20.0 * (22.0 + 0.8 * 7.0) / 31.0).abs() < 1e-6, "{p}");
    // No ballot is an error in words, never 0 points; a weight above 1 is refused.
    let err = survey_points(&EvaluationSurvey::default(), &policy).expect_err("no ballot");
    assert_eq!(err, RulesError::EmptySurvey);
    assert!(err.to_string().contains("ballots"), "{err}");
    assert!(Policy::from_toml("[scheme_a]\nbasically_satisfied_weight = 1.5").is_err());
}

#[test]
fn county_cap_keeps_two_excellent_of_eleven() {
    let scores = [95.0, 93.0, 91.0, 90.0, 88.0, 85.0, 80.0, 75.0, 70.0, 65.0, 55.0];
    let input: Vec<(MemberId, f64)> = scores.iter().enumerate().map(|(i, &s)| (mid(i as u32 + 1), s)).collect();
    let graded = grade_county(&input, &Policy::default()).expect("graded");
    let grades: Vec<Grade> = graded.iter().map(|g| g.grade.value).collect();
    use Grade::*;
    // 20% of 11 = 2.2 → at most 2 优秀 (rounded down); 91 and 90 are demoted to 称职.
    assert_eq!(
        grades,
        vec![
            Excellent,
            Excellent,
            Competent,
            Competent,
            Competent,
            Competent,
            Competent,
            Competent,
            Competent,
            BasicallyCompetent,
            Incompetent
        ]
    );
    let demoted: Vec<bool> = graded.iter().map(|g| g.demoted_by_cap).collect();
    assert_eq!(demoted, vec![false, false, true, true, false, false, false, false, false, false, false]);
    assert_eq!(graded[2].grade.rule.code, codes::A_CAP);
    assert!(
        graded[2].grade.note.contains("at most 2 excellent, 4 reached the threshold, 2 keep it"),
        "{}",
        graded[2].grade.note
    );
    // Input order is kept (no ranking).
    assert_eq!(graded.iter().map(|g| g.member).collect::<Vec<_>>(), input.iter().map(|&(m, _)| m).collect::<Vec<_>>());
}

#[test]
fn the_cap_is_a_share_of_all_first_secretaries_even_before_all_are_scored() {
    // 11 first secretaries in the county, only 3 scored so far (95, 92, 90): 20% of 11 is 2.2,
    // so 2 may be 优秀 — not floor(20% of 3) = 0, which would demote everyone scored first.
    let input = [(mid(1), 95.0), (mid(2), 92.0), (mid(3), 90.0)];
    let graded = grade_county_among(&input, 11, &Policy::default()).expect("graded");
    let grades: Vec<Grade> = graded.iter().map(|g| g.grade.value).collect();
    assert_eq!(grades, vec![Grade::Excellent, Grade::Excellent, Grade::Competent]);
    assert!(graded[2].demoted_by_cap);
    assert!(graded[2].grade.note.contains("11 first secretaries, at most 2 excellent"), "{}", graded[2].grade.note);
    // Fewer first secretaries than scores given is a caller's slip: the scores count.
    assert_eq!(
        grade_county_among(&input, 0, &Policy::default()).expect("graded"),
        grade_county(&input, &Policy::default()).expect("graded")
    );
}

#[test]
fn county_cap_demotes_everyone_tied_at_the_boundary() {
    // 11 first secretaries, cap 2: 96 keeps 优秀; the two 92s tie for the second place, keeping
    // both would exceed the cap, so both are demoted, as is 91. Only one 优秀 this year.
    let scores = [92.0, 85.0, 96.0, 80.0, 92.0, 91.0, 75.0, 70.0, 66.0, 62.0, 50.0];
    let input: Vec<(MemberId, f64)> = scores.iter().enumerate().map(|(i, &s)| (mid(i as u32 + 1), s)).collect();
    let graded = grade_county(&input, &Policy::default()).expect("graded");
    let excellent: Vec<f64> = graded.iter().filter(|g| g.grade.value == Grade::Excellent).map(|g| g.score).collect();
    assert_eq!(excellent, vec![96.0]);
    let demoted: Vec<f64> = graded.iter().filter(|g| g.demoted_by_cap).map(|g| g.score).collect();
    assert_eq!(demoted, vec![92.0, 92.0, 91.0]);
    // Ties that fit in the cap are kept: 15 first secretaries, cap 3, three at 92.
    let mut input: Vec<(MemberId, f64)> = (1..=12).map(|i| (mid(i), 80.0)).collect();
    input.extend((13..=15).map(|i| (mid(i), 92.0)));
    let graded = grade_county(&input, &Policy::default()).expect("graded");
    assert_eq!(graded.iter().filter(|g| g.grade.value == Grade::Excellent).count(), 3);
    assert!(graded.iter().all(|g| !g.demoted_by_cap));
}

#[test]
fn county_grading_refuses_bad_input() {
    let p = Policy::default();
    assert_eq!(grade_county(&[(mid(1), 90.0), (mid(1), 80.0)], &p), Err(RulesError::DuplicateMember(mid(1))));
    let err = grade_county(&[(mid(1), f64::NAN)], &p).expect_err("NaN");
    assert!(err.to_string().contains("correct that member's score"), "{err}");
    assert_eq!(grade_county(&[], &p), Ok(vec![]));
}

// ---- scheme B ---------------------------------------------------------------------------------

fn applied(code: &str, times: u32, evidence: &[&str]) -> AppliedItem {
    AppliedItem { code: code.into(), times, evidence: evidence.iter().map(|e| e.to_string()).collect() }
}

#[test]
fn scheme_b_month_of_7_5_cuts_the_allowance_and_8_does_not() {
    let p = Policy::default();
    let march = YearMonth { year: 2025, month: 3 };
    // 10 − 2 × 1 (problems) − 1 × 0.5 (a diary day missing) = 7.5 < 8.
    let m = scheme_b(
        mid(2),
        march,
        &[applied("problem", 2, &["v1", "v2"]), applied("diary_missing", 1, &["2025-03-05"])],
        &p,
    )
    .expect("score");
    assert_eq!(m.score.value, 7.5);
    assert!(!m.vetoed);
    assert!(m.allowance_cut.value);
    assert_eq!(m.allowance_cut.rule.code, codes::B_ALLOWANCE);
    assert_eq!(m.score.counted, vec!["2025-03-05", "v1", "v2"]);
    assert!(m.allowance_cut.note.contains("7.5 is below 8"), "{}", m.allowance_cut.note);
    // 10 − 2 = 8: not below 8.
    let m = scheme_b(mid(2), march, &[applied("problem", 2, &[])], &p).expect("score");
    assert_eq!(m.score.value, 8.0);
    assert!(!m.allowance_cut.value);
    // Bonuses make up for deductions but never pass 10.
    let m = scheme_b(mid(2), march, &[applied("problem", 2, &[]), applied("outstanding_result", 1, &[])], &p)
        .expect("score");
    assert_eq!(m.score.value, 9.0);
    let m = scheme_b(mid(2), march, &[applied("outstanding_result", 3, &[])], &p).expect("score");
    assert_eq!(m.score.value, 10.0);
}

#[test]
fn scheme_b_veto_makes_the_month_zero() {
    let p = Policy::default();
    let march = YearMonth { year: 2025, month: 3 };
    let m = scheme_b(
        mid(2),
        march,
        &[applied("outstanding_result", 1, &[]), applied("faking_records", 1, &["checkin-x"])],
        &p,
    )
    .expect("score");
    assert!(m.vetoed);
    assert_eq!(m.score.value, 0.0);
    assert!(m.allowance_cut.value);
    assert!(m.score.note.contains("faking_records"), "{}", m.score.note);
    assert_eq!(m.score.counted, vec!["checkin-x"]);
    // A veto applied zero times is no veto.
    let m = scheme_b(mid(2), march, &[applied("faking_records", 0, &[])], &p).expect("score");
    assert!(!m.vetoed);
    assert_eq!(m.score.value, 10.0);
    let err = scheme_b(mid(2), march, &[applied("late", 1, &[])], &p).expect_err("unknown item");
    assert!(err.to_string().contains("[[scheme_b.items]]"), "{err}");
}

// ---- inputs and determinism --------------------------------------------------------------

#[test]
fn bad_periods_and_unknown_members_are_refused() {
    let p = Policy::default();
    let r = VillageRecords::default();
    assert!(matches!(Period::new(date(2025, 3, 2), date(2025, 3, 1)), Err(RulesError::PeriodReversed { .. })));
    let err = Period::new(date(2025, 1, 1), date(2026, 1, 2)).expect_err("too long");
    assert!(err.to_string().contains("split it into one period per year"), "{err}");
    let reversed = Period { from: date(2025, 3, 2), to: date(2025, 3, 1) };
    assert!(team_report(&r, reversed, date(2025, 4, 1), &p).is_err());
    let err =
        member_report(&r, mid(7), year(2025), date(2025, 4, 1), &MemberInputs::default(), &p).expect_err("unknown");
    assert_eq!(err, RulesError::UnknownMember(mid(7)));
}

#[test]
fn same_records_in_any_order_give_the_same_reports() {
    let mut records = team_week();
    records.diary = vec![
        diary(1, 1, date(2025, 3, 3), None, date(2025, 3, 3)),
        diary(2, 1, date(2025, 3, 4), None, date(2025, 3, 4)),
    ];
    records.households = (1..=3).map(household).collect();
    records.visits = vec![visit(1, 1, 2, date(2025, 3, 3)), visit(2, 2, 1, date(2025, 3, 4))];
    records.filings = vec![filing(1, 2025, 2)];
    let period = Period::new(date(2025, 2, 1), date(2025, 3, 7)).expect("period");
    let (today, p, inputs) = (date(2025, 4, 2), Policy::default(), MemberInputs::default());
    let run = |r: &VillageRecords| {
        let m = member_report(r, mid(1), period, today, &inputs, &p).expect("member");
        let t = team_report(r, period, today, &p).expect("team");
        serde_json::to_string(&(m, t)).expect("json")
    };
    let first = run(&records);
    assert_eq!(run(&records), first);
    let mut shuffled = records.clone();
    shuffled.members.reverse();
    shuffled.check_ins.reverse();
    shuffled.leave_requests.reverse();
    shuffled.diary.reverse();
    shuffled.households.reverse();
    shuffled.visits.reverse();
    assert_eq!(run(&shuffled), first);
    assert!(first.contains("ATT-TEAM-DAILY"));
}

// ---- issue 14: late records, leave kinds, unknown days, absence, filing window, flag --------

fn nov(d: u32) -> NaiveDate {
    date(2026, 11, d)
}

fn ins(first: u32, who: u32, days: &[NaiveDate]) -> Vec<CheckIn> {
    days.iter().enumerate().map(|(i, d)| check(first + i as u32, who, *d, 9, CheckKind::In)).collect()
}

fn leave_of(n: u32, who: u32, from: NaiveDate, to: NaiveDate, state: LeaveState, kind: LeaveKind) -> LeaveRequest {
    LeaveRequest { kind, ..leave(n, who, from, to, state) }
}

fn period(from: NaiveDate, to: NaiveDate) -> Period {
    Period::new(from, to).expect("valid period")
}

#[test]
fn a_member_offline_across_the_months_end_is_counted_when_they_sync_weeks_later() {
    // 王芳 (member 2) checks in on 27 October and syncs that day; then is offline from the
    // 28th to 20 November, checking in on the 28th, 29th and 30th. The first secretary files
    // her October on 3 November. She syncs on 20 November: the three check-ins are accepted
    // (taizhang-auth lets them in), counted, and marked late.
    let oct = |d| date(2026, 10, d);
    let mut check_ins = ins(1, 2, &[oct(27), oct(28), oct(29), oct(30)]);
    check_ins.extend(ins(10, 2, &[nov(2)]));
    let filed = MonthFiling {
        member: mid(2),
        month: YearMonth { year: 2026, month: 10 },
        filed_by: mid(1),
        filed_at: at(nov(3), 10),
    };
    let mut records = VillageRecords {
        members: vec![member(1, Role::FirstSecretary, date(2026, 1, 1)), member(2, Role::TeamMember, date(2026, 1, 1))],
        check_ins: check_ins.clone(),
        filings: vec![filed.clone()],
        ..Default::default()
    };
    records.received_at.insert(s(check_ins[0].id), at(oct(27), 20));
    for c in &check_ins[1..] {
        records.received_at.insert(s(c.id), at(nov(20), 9));
    }
    records.last_sync.insert(mid(2), at(nov(20), 9));
    let october = period(oct(1), oct(31));
    let r = member_report(&records, mid(2), october, nov(20), &MemberInputs::default(), &Policy::default())
        .expect("report");
    assert_eq!(r.days_in_village.value, 4, "{}", r.days_in_village.note);
    assert_eq!(r.late.value, vec![s(check_ins[1].id), s(check_ins[2].id), s(check_ins[3].id)]);
    assert_eq!(r.late.rule.code, codes::LATE);
    assert!(r.not_synced.value.is_empty(), "October is fully known after the sync on 20 November");
    assert!(!r.provisional);
    // The filing is found for a record received after it, not for one received before.
    assert_eq!(late_after_filing(&records.filings, mid(2), oct(30), at(nov(20), 9)), Some(&filed));
    assert_eq!(late_after_filing(&records.filings, mid(2), oct(27), at(oct(27), 20)), None);
    // No receipt times given (old callers): counted all the same, nothing marked late.
    records.received_at.clear();
    let r = member_report(&records, mid(2), october, nov(20), &MemberInputs::default(), &Policy::default())
        .expect("report");
    assert_eq!(r.days_in_village.value, 4);
    assert!(r.late.value.is_empty());
}

/// November 2026 (21 working days: 2–6, 9–13, 16–20, 23–27, 30) of a first secretary:
/// check-ins on 2–6, 9, 10, 26, 27, 30 (10 days) with a diary entry each of those days;
/// 因公外出 11–13 approved (counts as presence); 培训 16–17 approved (training, excused);
/// 病假 18–20 approved but reported back (销假) on the 19th (covers the 18th only); 事假 23–24
/// withdrawn; 事假 25 pending.
fn november_with_leave() -> VillageRecords {
    let present = [nov(2), nov(3), nov(4), nov(5), nov(6), nov(9), nov(10), nov(26), nov(27), nov(30)];
    let mut sick = leave_of(3, 1, nov(18), nov(20), LeaveState::Approved, LeaveKind::Sick);
    sick.returned_on = Some(nov(19));
    VillageRecords {
        members: vec![member(1, Role::FirstSecretary, date(2026, 1, 1))],
        check_ins: ins(1, 1, &present),
        diary: present.iter().enumerate().map(|(i, d)| diary(i as u32 + 1, 1, *d, None, *d)).collect(),
        leave_requests: vec![
            leave_of(1, 1, nov(11), nov(13), LeaveState::Approved, LeaveKind::OfficialTrip),
            leave_of(2, 1, nov(16), nov(17), LeaveState::Approved, LeaveKind::Training),
            sick,
            leave_of(4, 1, nov(23), nov(24), LeaveState::Withdrawn, LeaveKind::Personal),
            leave_of(5, 1, nov(25), nov(25), LeaveState::Pending, LeaveKind::Personal),
        ],
        ..Default::default()
    }
}

#[test]
fn leave_counts_by_its_kind_and_reporting_back_shortens_it() {
    let records = november_with_leave();
    let policy = Policy::default();
    let month = period(nov(1), nov(30));
    let r =
        member_report(&records, mid(1), month, date(2026, 12, 10), &MemberInputs::default(), &policy).expect("report");
    // 10 days with a check-in + 3 days of official trip counted as presence.
    assert_eq!(r.days_in_village.value, 13, "{}", r.days_in_village.note);
    assert!(r.days_in_village.counted.contains(&s(id::<LeaveId>(4, 1))));
    // Approved leave of any kind, the sick leave cut at the return: 11–13, 16–18.
    assert_eq!(r.leave_days.value, vec![nov(11), nov(12), nov(13), nov(16), nov(17), nov(18)]);
    // Two days of organised training count toward the 4 training days.
    assert_eq!(r.training.value, Some(Check { actual: 2, required: 4, met: false }));
    // With 1 more day entered by the county (training not recorded as leave): 3.
    let inputs = MemberInputs { training_days: Some(1), ..Default::default() };
    let r2 = member_report(&records, mid(1), month, date(2026, 12, 10), &inputs, &policy).expect("report");
    assert_eq!(r2.training.value, Some(Check { actual: 3, required: 4, met: false }));
    // 无故缺勤: 19–20 (back from sick leave on the 19th, no check-in), 23–24 (withdrawn), 25
    // (pending). The same days are the diary gaps.
    let absent = vec![nov(19), nov(20), nov(23), nov(24), nov(25)];
    assert_eq!(r.absent_without_leave.value, absent);
    assert_eq!(r.absent_without_leave.rule.code, codes::ABSENCE);
    assert_eq!(r.diary_gaps.value, absent);
    // A county that counts official trips as excused only: 10 days in the village, the same
    // absences.
    let mut excused_trips = Policy::default();
    excused_trips.leave_counts.official_trip = taizhang_rules::LeaveCount::Excused;
    let r3 = member_report(&records, mid(1), month, date(2026, 12, 10), &MemberInputs::default(), &excused_trips)
        .expect("report");
    assert_eq!(r3.days_in_village.value, 10);
    assert_eq!(r3.absent_without_leave.value, absent);
}

#[test]
fn absence_without_leave_is_deducted_in_the_month_score_with_its_days() {
    let records = november_with_leave();
    let month = YearMonth { year: 2026, month: 11 };
    let policy = Policy::default();
    // 10 − 0.5 × 5 diary gaps − 0.5 × 5 days absent = 5: the allowance is cut.
    let m = month_score(&records, mid(1), month, date(2026, 12, 10), &[], &policy).expect("score");
    assert_eq!(m.score.value, 5.0, "{}", m.score.note);
    assert!(m.allowance_cut.value);
    assert_eq!(m.absent_without_leave, vec![nov(19), nov(20), nov(23), nov(24), nov(25)]);
    assert!(m.score.note.contains("2026-11-19, 2026-11-20, 2026-11-23, 2026-11-24, 2026-11-25"), "{}", m.score.note);
    assert!(m.score.note.contains("无故缺勤"), "{}", m.score.note);
    assert!(!m.provisional);
    // Entered items add to it: a bonus of 1 makes 6.
    let bonus = [AppliedItem { code: "outstanding_result".into(), times: 1, evidence: vec![] }];
    assert_eq!(
        month_score(&records, mid(1), month, date(2026, 12, 10), &bonus, &policy).expect("score").score.value,
        6.0
    );
    // A county that switches the deduction off: 7.5, still cut.
    let mut off = Policy::default();
    off.scheme_b.absence_deduction_per_day = 0.0;
    let m = month_score(&records, mid(1), month, date(2026, 12, 10), &[], &off).expect("score");
    assert_eq!(m.score.value, 7.5);
    assert!(m.absent_without_leave.is_empty());
    // scheme_b alone (entered items only) deducts nothing automatically.
    assert_eq!(scheme_b(mid(1), month, &[], &policy).expect("score").score.value, 10.0);
    // Scored while the month runs (today 25 November): provisional, and the 25th itself is
    // not yet an absence (the day is not over).
    let m = month_score(&records, mid(1), month, nov(25), &[], &policy).expect("score");
    assert!(m.provisional);
    assert_eq!(m.absent_without_leave, vec![nov(19), nov(20), nov(23), nov(24)]);
}

/// Two members, 2–20 November 2026, judged on Friday the 20th. 李明 (1) checks in every
/// working day but Thursday the 12th and synced on the 20th at 18:00. 王芳 (2) checked in
/// 2–6 and 9, and last synced on Tuesday the 10th at 08:00: from the 10th on her days are
/// unknown. Nobody checks in on weekends.
fn two_with_one_offline() -> VillageRecords {
    let li: Vec<NaiveDate> =
        (2..=20).map(nov).filter(|d| d.weekday().num_days_from_monday() < 5 && *d != nov(12)).collect();
    let mut check_ins = ins(1, 1, &li);
    check_ins.extend(ins(100, 2, &[nov(2), nov(3), nov(4), nov(5), nov(6), nov(9)]));
    let mut r = VillageRecords {
        members: vec![member(1, Role::FirstSecretary, date(2026, 1, 1)), member(2, Role::TeamMember, date(2026, 1, 1))],
        check_ins,
        ..Default::default()
    };
    r.last_sync.insert(mid(1), at(nov(20), 18));
    r.last_sync.insert(mid(2), at(nov(10), 8));
    r
}

use chrono::Datelike;

#[test]
fn days_after_the_last_sync_are_unknown_never_absent() {
    let records = two_with_one_offline();
    let policy = Policy::default();
    let p = period(nov(2), nov(20));
    let wang = member_report(&records, mid(2), p, nov(20), &MemberInputs::default(), &policy).expect("report");
    let unknown: Vec<NaiveDate> = (10..=20).map(nov).collect();
    assert_eq!(wang.not_synced.value, unknown, "{}", wang.not_synced.note);
    assert_eq!(wang.not_synced.rule.code, codes::NOT_SYNCED);
    assert!(wang.provisional);
    assert!(wang.absent_without_leave.value.is_empty());
    // No diary at all: only the known working days are gaps (2–6, 9).
    assert_eq!(wang.diary_gaps.value, vec![nov(2), nov(3), nov(4), nov(5), nov(6), nov(9)]);
    // 李明 synced on the 20th and checked in that day: nothing unknown; the 12th is an absence.
    let li = member_report(&records, mid(1), p, nov(20), &MemberInputs::default(), &policy).expect("report");
    assert!(li.not_synced.value.is_empty());
    assert!(!li.provisional);
    assert_eq!(li.absent_without_leave.value, vec![nov(12)]);
    // The team: the weekend of the 7th–8th is known empty (a gap); the 12th and the weekend
    // of the 14th–15th have nobody known in the village while 王芳 is not synced: unknown.
    let team = team_report(&records, p, nov(20), &policy).expect("team");
    assert_eq!(team.gaps.value, vec![nov(7), nov(8)]);
    assert_eq!(team.unknown.value, vec![nov(12), nov(14), nov(15)]);
    assert!(team.provisional);
    // An old caller that gives no last sync: judged on the records held, as before.
    let old = VillageRecords { last_sync: Default::default(), ..records };
    let team = team_report(&old, p, nov(20), &policy).expect("team");
    assert_eq!(team.gaps.value, vec![nov(7), nov(8), nov(12), nov(14), nov(15)]);
    assert!(team.unknown.value.is_empty());
    assert!(!team.provisional);
    let wang = member_report(&old, mid(2), p, nov(20), &MemberInputs::default(), &policy).expect("report");
    assert_eq!(wang.absent_without_leave.value.len(), 8); // 10–13, 16–19
}

#[test]
fn the_overview_flag_comes_in_tiers_and_unknown_days_never_make_it_red() {
    let policy = Policy::default();
    let p = period(nov(2), nov(20));
    // With the last syncs: two gap days (7th, 8th), one absence (李明's 12th), 王芳 11 days
    // not synced: 提醒, not 需关注.
    let records = two_with_one_offline();
    let facts = flag_facts(&records, p, nov(20), &policy).expect("facts");
    assert_eq!(
        facts,
        FlagFacts {
            gap_days: 2,
            unknown_days: 3,
            unfiled_months: 0,
            members_under_minimum: 0,
            absence_days: 1,
            longest_not_synced_days: 11
        }
    );
    let flag = overview_flag(&facts, &policy);
    assert_eq!(flag.value, Flag::Notice, "{}", flag.note);
    assert_eq!(flag.rule.code, codes::FLAG);
    // Without them (an old caller) the same records read as five gap days, nine absences and
    // 王芳 under the minimum (6 days of 13 required): 需关注.
    let old = VillageRecords { last_sync: Default::default(), ..records.clone() };
    let facts = flag_facts(&old, p, nov(20), &policy).expect("facts");
    assert_eq!((facts.gap_days, facts.absence_days, facts.members_under_minimum), (5, 9, 1));
    assert_eq!(overview_flag(&facts, &policy).value, Flag::Attention);
    // A village where nobody has synced since the period began: unknown, not red.
    let mut silent = VillageRecords { check_ins: vec![], ..records };
    for m in [1, 2] {
        silent.last_sync.insert(mid(m), at(nov(2), 8));
    }
    let facts = flag_facts(&silent, p, nov(20), &policy).expect("facts");
    assert_eq!((facts.gap_days, facts.absence_days, facts.members_under_minimum), (0, 0, 0));
    assert_eq!(facts.unknown_days, 19);
    assert_eq!(overview_flag(&facts, &policy).value, Flag::Notice);
    // The tiers themselves: nothing → 正常; 1 gap day → 提醒; 5 → 需关注; one month unfiled past
    // the window → 提醒, two → 需关注.
    let tier = |f: FlagFacts| overview_flag(&f, &policy).value;
    assert_eq!(tier(FlagFacts::default()), Flag::Normal);
    assert_eq!(tier(FlagFacts { gap_days: 1, ..Default::default() }), Flag::Notice);
    assert_eq!(tier(FlagFacts { gap_days: 5, ..Default::default() }), Flag::Attention);
    assert_eq!(tier(FlagFacts { unfiled_months: 1, ..Default::default() }), Flag::Notice);
    assert_eq!(tier(FlagFacts { unfiled_months: 2, ..Default::default() }), Flag::Attention);
    assert_eq!(tier(FlagFacts { unknown_days: 300, ..Default::default() }), Flag::Normal);
}

#[test]
fn a_month_is_filed_after_it_ends_by_the_fifth_and_later_is_late() {
    let policy = Policy::default();
    let november = YearMonth { year: 2026, month: 11 };
    // 25 November: the month is running (the 本月备案 on the 25th is refused).
    assert_eq!(may_file(november, nov(25), &policy), FilingWindow::NotYet { opens: date(2026, 12, 1) });
    assert_eq!(may_file(november, nov(30), &policy), FilingWindow::NotYet { opens: date(2026, 12, 1) });
    assert!(!may_file(november, nov(30), &policy).allowed());
    // 1–5 December: on time.
    let due = Some(date(2026, 12, 5));
    assert_eq!(may_file(november, date(2026, 12, 1), &policy), FilingWindow::Open { due });
    assert_eq!(may_file(november, date(2026, 12, 5), &policy), FilingWindow::Open { due });
    // From the 6th: still accepted, late.
    let late = may_file(november, date(2026, 12, 6), &policy);
    assert_eq!(late, FilingWindow::Late { due: date(2026, 12, 5) });
    assert!(late.allowed());
    // December's window runs into January.
    let december = YearMonth { year: 2026, month: 12 };
    assert_eq!(may_file(december, date(2027, 1, 5), &policy), FilingWindow::Open { due: Some(date(2027, 1, 5)) });
    // No deadline.
    let open = Policy { filing_window_days: 0, ..Policy::default() };
    assert_eq!(may_file(november, date(2027, 3, 1), &open), FilingWindow::Open { due: None });
    // A filing made on 6 December is late; one made on the 5th at 23:00 (Shanghai) is not.
    let f = |d: NaiveDate, h| MonthFiling { member: mid(1), month: november, filed_by: mid(1), filed_at: at(d, h) };
    assert!(filed_late(&f(date(2026, 12, 6), 9), &policy));
    assert!(!filed_late(&f(date(2026, 12, 5), 23), &policy));
    assert!(!filed_late(&f(date(2026, 12, 6), 9), &open));
}

/// 队员1's November sheet, scored by the first secretary 队员9: a bonus and a deduction.
fn november_sheet(state: taizhang_domain::ScoreState) -> taizhang_domain::MonthScoreSheet {
    use taizhang_domain::{ScoreItem, ScoreItemKind};
    taizhang_domain::MonthScoreSheet {
        member: mid(1),
        month: YearMonth { year: 2026, month: 11 },
        items: vec![
            ScoreItem { kind: ScoreItemKind::Bonus, points: 1.5, reason: "引进合作社订单".into() },
            ScoreItem { kind: ScoreItemKind::Deduction, points: 0.5, reason: "走访记录不全".into() },
        ],
        note: String::new(),
        scored_by: mid(9),
        scored_at: at(date(2026, 12, 2), 10),
        state,
        checked_by: None,
        checked_at: None,
        check_note: String::new(),
        audited_by: None,
        audited_at: None,
        audit_points: None,
        audit_note: String::new(),
    }
}

#[test]
fn the_first_secretarys_sheet_is_scored_and_provisional_until_the_township_confirms_it() {
    use taizhang_domain::ScoreState;
    let mut records = november_with_leave();
    records.members.push(member(9, Role::FirstSecretary, date(2026, 1, 1)));
    let month = YearMonth { year: 2026, month: 11 };
    let policy = Policy::default();
    let today = date(2026, 12, 10);
    // Without a sheet: 10 − 2.5 (diary gaps) − 2.5 (absence) = 5, final.
    let none = month_score(&records, mid(1), month, today, &[], &policy).expect("score");
    assert_eq!((none.score.value, none.provisional, none.sheet_state), (5.0, false, None));
    // Entered: 5 + 1.5 − 0.5 = 6, each item with its reason and who set it; provisional,
    // waiting for the township.
    records.score_sheets = vec![november_sheet(ScoreState::Entered)];
    let m = month_score(&records, mid(1), month, today, &[], &policy).expect("score");
    assert_eq!(m.score.value, 6.0, "{}", m.score.note);
    assert!(m.allowance_cut.value);
    assert!(m.provisional);
    assert_eq!(m.sheet_state, Some(ScoreState::Entered));
    assert!(m.score.note.contains("+1.5 加分 bonus: 引进合作社订单(队员9 评"), "{}", m.score.note);
    assert!(m.score.note.contains("−0.5 扣分 deduction: 走访记录不全(队员9 评"), "{}", m.score.note);
    assert!(m.next_step.as_deref().is_some_and(|s| s.contains("待乡镇把关")), "{:?}", m.next_step);
    assert!(m.score.counted.contains(&format!("score/2026-11-{}", mid(1))));
    // Returned with a reason: still provisional, the reason shown with who acts next.
    let mut returned = november_sheet(ScoreState::Returned);
    returned.check_note = "加分依据请附合同".into();
    records.score_sheets = vec![returned];
    let m = month_score(&records, mid(1), month, today, &[], &policy).expect("score");
    assert!(m.provisional);
    assert!(m.next_step.as_deref().is_some_and(|s| s.contains("加分依据请附合同") && s.contains("第一书记")));
    // Confirmed: final (no longer provisional), waiting for the county's audit.
    records.score_sheets = vec![november_sheet(ScoreState::Confirmed)];
    let m = month_score(&records, mid(1), month, today, &[], &policy).expect("score");
    assert_eq!(m.score.value, 6.0);
    assert!(!m.provisional, "{}", m.score.note);
    assert!(m.next_step.as_deref().is_some_and(|s| s.contains("待县委组织部审核")));
    // A sheet of another month or member does not count.
    let mut other = november_sheet(ScoreState::Confirmed);
    other.member = mid(2);
    records.score_sheets = vec![other];
    assert_eq!(month_score(&records, mid(1), month, today, &[], &policy).expect("score").score.value, 5.0);
}

#[test]
fn a_veto_on_the_sheet_makes_the_month_zero_and_the_countys_audit_overrides_the_points() {
    use taizhang_domain::{ScoreItem, ScoreItemKind, ScoreState};
    let mut records = november_with_leave();
    records.members.push(member(9, Role::FirstSecretary, date(2026, 1, 1)));
    let month = YearMonth { year: 2026, month: 11 };
    let policy = Policy::default();
    let today = date(2026, 12, 10);
    let mut veto = november_sheet(ScoreState::Confirmed);
    veto.items.push(ScoreItem { kind: ScoreItemKind::Veto, points: 0.0, reason: "违反廉洁纪律".into() });
    records.score_sheets = vec![veto];
    let m = month_score(&records, mid(1), month, today, &[], &policy).expect("score");
    assert_eq!(m.score.value, 0.0);
    assert!(m.vetoed && m.allowance_cut.value);
    assert!(m.score.note.contains("一票否决 veto: 违反廉洁纪律(队员9"), "{}", m.score.note);
    // Audited without an override: the computed 6 stands, nothing left to do.
    let mut audited = november_sheet(ScoreState::Audited);
    records.score_sheets = vec![audited.clone()];
    let m = month_score(&records, mid(1), month, today, &[], &policy).expect("score");
    assert_eq!((m.score.value, m.provisional, m.next_step.clone()), (6.0, false, None));
    // Audited with the county's override to 8, with its note: 8, the allowance is paid.
    audited.audit_points = Some(8.0);
    audited.audit_note = "缺勤系防汛值守,核实后调整".into();
    records.score_sheets = vec![audited.clone()];
    let m = month_score(&records, mid(1), month, today, &[], &policy).expect("score");
    assert_eq!(m.score.value, 8.0, "{}", m.score.note);
    assert!(!m.allowance_cut.value);
    assert!(m.score.note.contains("审核调整为8分(计算得6分):缺勤系防汛值守,核实后调整"), "{}", m.score.note);
    // An override only counts once audited: on a confirmed sheet it is ignored.
    audited.state = ScoreState::Confirmed;
    records.score_sheets = vec![audited];
    assert_eq!(month_score(&records, mid(1), month, today, &[], &policy).expect("score").score.value, 6.0);
}
