//! The township's view, worked by hand: who is at post today (在岗情况), leave to decide and
//! months to file. Today is Wednesday 25 November 2026 (Asia/Shanghai) throughout.

mod common;

use common::*;
use taizhang_county::{at_post, leave_to_decide, months_to_file, PostState, VillageInfo};
use taizhang_domain::{LeaveKind, LeaveState, Role};
use taizhang_rules::{Policy, VillageRecords};
use uuid::Uuid;

fn info() -> VillageInfo {
    VillageInfo { id: Uuid::from_u128(7), name: "石门村".into(), township: "石门镇".into() }
}

fn today() -> chrono::NaiveDate {
    date(2026, 11, 25)
}

/// Five members on post and one whose term ended: 1 李明 (first secretary) checked in at 8:00
/// today; 2 王芳 is on approved sick leave 24–26 Nov; 3 张伟 synced at 7:30 today, nothing yet;
/// 4 陈静 last synced on 20 Nov at 18:30; 5 周强 never synced; 6 吴刚 left on 31 October.
fn village() -> VillageRecords {
    let start = date(2026, 1, 1);
    let mut gone = member(6, "吴刚", Role::TeamMember, start);
    gone.term_end = Some(date(2026, 10, 31));
    let mut sick = leave(1, 2, date(2026, 11, 24), date(2026, 11, 26), LeaveState::Approved);
    sick.kind = LeaveKind::Sick;
    VillageRecords {
        members: vec![
            member(1, "李明", Role::FirstSecretary, start),
            member(2, "王芳", Role::TeamMember, start),
            member(3, "张伟", Role::TeamMember, start),
            member(4, "陈静", Role::TeamMember, start),
            member(5, "周强", Role::TeamMember, start),
            gone,
        ],
        check_ins: vec![
            check_in(1, 1, today(), 8),
            check_in(2, 1, today(), 14),
            // Yesterday's check-in of 张伟 says nothing of today.
            check_in(3, 3, date(2026, 11, 24), 9),
            // An out check-in is not presence.
            check_out(4, 4, date(2026, 11, 20), 17),
        ],
        leave_requests: vec![
            sick,
            // Pending and rejected leave covers nothing.
            leave(2, 3, today(), today(), LeaveState::Pending),
            leave(3, 4, today(), today(), LeaveState::Rejected),
        ],
        last_sync: [
            (mid(1), at(today(), 8, 1)),
            (mid(2), at(date(2026, 11, 23), 21, 0)),
            (mid(3), at(today(), 7, 30)),
            (mid(4), at(date(2026, 11, 20), 18, 30)),
        ]
        .into(),
        ..VillageRecords::default()
    }
}

#[test]
fn each_member_on_post_today_is_in_the_village_on_leave_without_a_record_yet_or_not_synced() {
    let v = at_post(&info(), &village(), today());
    let states: Vec<(&str, PostState, &str)> =
        v.members.iter().map(|m| (m.name.as_str(), m.state, m.label_zh.as_str())).collect();
    assert_eq!(
        states,
        vec![
            ("李明", PostState::InVillage, "在村"),
            ("王芳", PostState::OnLeave, "请假(病假)"),
            ("张伟", PostState::NoRecordYet, "今日尚无记录"),
            ("陈静", PostState::NotSynced, "未同步(最后同步 2026-11-20 18:30)"),
            ("周强", PostState::NotSynced, "未同步(从未同步)"),
        ],
        "吴刚's term ended: not on post, not listed"
    );
    assert_eq!(v.members[0].checked_in_at.as_deref(), Some("08:00"), "the first check-in of the day");
    assert_eq!(v.members[0].role_zh, "第一书记");
    let leave = v.members[1].leave.as_ref().expect("the leave covering today");
    assert_eq!((leave.kind, leave.from, leave.to), ("sick", date(2026, 11, 24), date(2026, 11, 26)));
    assert_eq!(v.members[3].label_en, "not synced since 2026-11-20 18:30");
    assert_eq!((v.counts.in_village, v.counts.on_leave, v.counts.no_record_yet, v.counts.not_synced), (1, 1, 1, 2));
}

#[test]
fn nobody_is_ever_absent_today_and_a_check_in_wins_over_leave() {
    let mut r = village();
    // 王芳 came back early and checked in at 10:00 while her leave still covers today.
    r.check_ins.push(check_in(9, 2, today(), 10));
    let v = at_post(&info(), &r, today());
    assert_eq!(v.members[1].state, PostState::InVillage);
    assert!(v.members[1].leave.is_some(), "the leave is still shown");
    // Reported back (销假) on the 25th: the leave no longer covers today; synced on the 23rd only.
    let mut r = village();
    r.leave_requests[0].returned_on = Some(today());
    let v = at_post(&info(), &r, today());
    assert_eq!(v.members[1].state, PostState::NotSynced);
    assert_eq!(v.members[1].label_zh, "未同步(最后同步 2026-11-23 21:00)");
    // The day before: 张伟 was in (a check-in on the 24th), 陈静 still not synced.
    let v = at_post(&info(), &village(), date(2026, 11, 24));
    assert_eq!(v.members[2].state, PostState::InVillage);
    assert_eq!(v.members[3].state, PostState::NotSynced);
}

#[test]
fn pending_requests_are_listed_with_kind_dates_and_whether_the_township_alone_decides() {
    let mut r = village();
    let mut own = leave(5, 1, date(2026, 12, 1), date(2026, 12, 3), LeaveState::Pending);
    own.kind = LeaveKind::Training;
    r.leave_requests.push(own);
    r.leave_requests.push(leave(6, 2, date(2026, 11, 30), date(2026, 11, 30), LeaveState::Withdrawn));
    let list = leave_to_decide(&info(), &r);
    let lines: Vec<(&str, bool, &str, i64, &str)> = list
        .iter()
        .map(|l| (l.member_name.as_str(), l.first_secretary, l.leave.kind_zh, l.days, l.decided_by))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("张伟", false, "事假", 1, "first_secretary_or_township"),
            ("李明", true, "组织安排的培训", 3, "township"),
        ],
        "approved, rejected and withdrawn requests are not waiting; by first day"
    );
    assert_eq!(list[1].leave.from, date(2026, 12, 1));
    assert_eq!(list[0].village_name, "石门村");
}

#[test]
fn ended_unfiled_months_are_due_within_the_window_and_late_after_it() {
    let mut r = village();
    // Everyone but 吴刚 filed up to September; 李明 filed October too.
    for who in 1..=5 {
        for month in 1..=9 {
            r.filings.push(filing(who, 2026, month));
        }
    }
    r.filings.push(filing(1, 2026, 10));
    let policy = Policy { filing_window_days: 5, ..Policy::default() };
    let months = months_to_file(&info(), &r, today(), &policy);
    let lines: Vec<(&str, &str, &str)> =
        months.iter().map(|m| (m.member_name.as_str(), m.month.as_str(), m.state)).collect();
    // October ended on the 31st; the window closed on 5 November: late. November has not
    // ended: not listed. 2025's months: nobody was on post (terms start 1 January 2026).
    let mut expected = vec![];
    for name in ["王芳", "张伟", "陈静", "周强"] {
        expected.push((name, "2026-10", "late"));
    }
    for month in 1..=10 {
        let m = format!("2026-{month:02}");
        expected.push(("吴刚", Box::leak(m.into_boxed_str()), "late"));
    }
    assert_eq!(lines, expected);
    assert_eq!(months[0].due, Some(date(2026, 11, 5)));
    // On 3 December November is due (window until the 5th), October still late.
    let months = months_to_file(&info(), &r, date(2026, 12, 3), &policy);
    let wang: Vec<(&str, &str)> =
        months.iter().filter(|m| m.member_name == "王芳").map(|m| (m.month.as_str(), m.state)).collect();
    assert_eq!(wang, vec![("2026-10", "late"), ("2026-11", "due")]);
    // Without a deadline in the policy, an ended month is always due, never late.
    let open = Policy { filing_window_days: 0, ..Policy::default() };
    assert!(months_to_file(&info(), &r, today(), &open).iter().all(|m| m.state == "due" && m.due.is_none()));
}
