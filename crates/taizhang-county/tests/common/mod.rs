//! Small builders shared by the county tests: readable, deterministic ids and records made by
//! hand, so each test can say exactly which records a village holds.
#![allow(dead_code)] // each test file uses only some of the builders

use std::fmt::Debug;
use std::str::FromStr;

use chrono::{NaiveDate, TimeZone};
use taizhang_domain::{
    shanghai, CheckIn, CheckKind, DiaryEntry, Household, HouseholdId, HouseholdStatus, LeaveRequest, LeaveState,
    Member, MemberId, MonthFiling, Role, Timestamp, Visit, YearMonth,
};

/// A readable id: the kind in the 4th group, the number at the end.
pub fn id<T: FromStr>(kind: u16, n: u32) -> T
where
    T::Err: Debug,
{
    format!("00000000-0000-7000-{:04x}-{n:012}", 0x8000 + kind).parse().expect("a well-formed uuid")
}

pub fn mid(n: u32) -> MemberId {
    id(1, n)
}

pub fn hid(n: u32) -> HouseholdId {
    id(2, n)
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a calendar date")
}

/// The instant of `hour:minute` Asia/Shanghai on `d`.
pub fn at(d: NaiveDate, hour: u32, minute: u32) -> Timestamp {
    let local = d.and_hms_opt(hour, minute, 0).expect("a clock time");
    shanghai().from_local_datetime(&local).single().expect("a fixed offset has one instant").timestamp_millis()
}

pub fn member(n: u32, name: &str, role: Role, term_start: NaiveDate) -> Member {
    Member { id: mid(n), name: name.into(), role, helping_unit: "县交通局".into(), term_start, term_end: None }
}

/// An In check-in of member `who` at `hour`:00 on `d`.
pub fn check_in(n: u32, who: u32, d: NaiveDate, hour: u32) -> CheckIn {
    CheckIn {
        id: id(3, n),
        member: mid(who),
        at: at(d, hour, 0),
        kind: CheckKind::In,
        location: None,
        in_geofence: None,
    }
}

/// An Out check-in of member `who` at `hour`:00 on `d`.
pub fn check_out(n: u32, who: u32, d: NaiveDate, hour: u32) -> CheckIn {
    CheckIn { kind: CheckKind::Out, ..check_in(n, who, d, hour) }
}

pub fn leave(n: u32, who: u32, from: NaiveDate, to: NaiveDate, state: LeaveState) -> LeaveRequest {
    LeaveRequest {
        id: id(4, n),
        member: mid(who),
        from,
        to,
        reason: "家中有事".into(),
        state,
        decided_by: Some(mid(1)),
        kind: Default::default(),
        returned_on: None,
    }
}

/// An original diary entry of `who` for `d`, written that evening.
pub fn diary(n: u32, who: u32, d: NaiveDate) -> DiaryEntry {
    DiaryEntry {
        id: id(5, n),
        member: mid(who),
        date: d,
        text: format!("日记{n}"),
        amends: None,
        written_at: at(d, 21, 0),
        attachments: Vec::new(),
    }
}

/// A correction of entry `amends`, for date `d`, written on `written`.
pub fn amendment(n: u32, who: u32, d: NaiveDate, amends: u32, written: NaiveDate) -> DiaryEntry {
    DiaryEntry { amends: Some(id(5, amends)), written_at: at(written, 20, 0), ..diary(n, who, d) }
}

pub fn household(n: u32) -> Household {
    Household {
        id: hid(n),
        head: format!("户主{n}"),
        members_count: 3,
        group: "一组".into(),
        grid: "网格1".into(),
        status: HouseholdStatus::RegisteredPoor,
        causes: vec![],
        helper: None,
        plan: String::new(),
        income_yuan: None,
        details: Default::default(),
    }
}

/// A visit of `who` to household `house` on `d` at `hour`:00.
pub fn visit(n: u32, who: u32, house: u32, d: NaiveDate, hour: u32) -> Visit {
    Visit {
        id: id(6, n),
        household: hid(house),
        member: mid(who),
        at: at(d, hour, 0),
        location: None,
        findings: format!("走访{n}"),
        needs: String::new(),
        follow_up: String::new(),
        amends: None,
        attachments: Vec::new(),
    }
}

pub fn filing(who: u32, year: i32, month: u32) -> MonthFiling {
    MonthFiling {
        member: mid(who),
        month: YearMonth { year, month },
        filed_by: mid(1),
        filed_at: at(date(year, month, 28), 20, 0),
    }
}
