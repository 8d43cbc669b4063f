//! Whether a record may be written, given what the ledger already holds. The ledger is seen
//! through [`LedgerView`], so these rules run the same on a phone's store, in a test or on
//! the server.

use chrono::{Datelike, NaiveDate};

use crate::{
    local_date, CheckIn, DiaryEntry, DiaryId, DomainError, GpsFix, Household, HouseholdId, LeaveRequest, LeaveState,
    Member, MemberId, MonthFiling, Timestamp, Visit, YearMonth,
};

/// What validation needs to know about the ledger.
pub trait LedgerView {
    fn household_exists(&self, id: HouseholdId) -> bool;
    fn member_exists(&self, id: MemberId) -> bool;
    fn month_filed(&self, member: MemberId, month: YearMonth) -> bool;
    fn diary_entry_exists(&self, id: DiaryId) -> bool;
    /// Whether project `id` (项目, issue 22) is held. A view that cannot tell (the server's
    /// shape check: the project may be another push's) answers true.
    fn project_exists(&self, id: crate::ProjectId) -> bool {
        let _ = id;
        true
    }
}

/// Size and clock limits. Notes are capped so one record always fits a sync batch.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_text_chars: usize,
    pub max_name_chars: usize,
    /// How far ahead of "now" a device time may be before it counts as the future.
    pub clock_tolerance_ms: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_text_chars: 10_000, max_name_chars: 100, clock_tolerance_ms: 5 * 60 * 1000 }
    }
}

pub(crate) fn text(field: &'static str, value: &str, max: usize, required: bool) -> Result<(), DomainError> {
    if required && value.trim().is_empty() {
        return Err(DomainError::Empty { field });
    }
    let len = value.chars().count();
    if len > max {
        return Err(DomainError::TooLong { field, len, max });
    }
    Ok(())
}

pub(crate) fn not_future(at: Timestamp, now: Timestamp, limits: &Limits) -> Result<(), DomainError> {
    if at > now.saturating_add(limits.clock_tolerance_ms) {
        return Err(DomainError::FutureTime { at: fmt_ts(at), now: fmt_ts(now) });
    }
    Ok(())
}

/// A calendar day between the years 2000 and 2100 (a typo such as 0226 or 20026 is refused).
pub(crate) fn day_in_range(field: &'static str, d: NaiveDate) -> Result<(), DomainError> {
    if !(2000..=2100).contains(&d.year()) {
        return Err(DomainError::OutOfRange { field, detail: format!("{d}; expected a day between 2000 and 2100") });
    }
    Ok(())
}

/// A day not after today on the device (Asia/Shanghai); any day before is accepted.
pub(crate) fn not_after_today(d: NaiveDate, now: Timestamp) -> Result<(), DomainError> {
    let today = local_date(now);
    if d > today {
        return Err(DomainError::FutureDate { date: d.to_string(), today: today.to_string() });
    }
    Ok(())
}

fn fmt_ts(at: Timestamp) -> String {
    crate::time::local_datetime(at).map(|d| d.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| at.to_string())
}

fn fix(location: &Option<GpsFix>) -> Result<(), DomainError> {
    if let Some(f) = location {
        if !f.point.is_valid() {
            return Err(DomainError::OutOfRange {
                field: "location",
                detail: format!("latitude {} / longitude {} is not on the globe", f.point.lat, f.point.lon),
            });
        }
        if let Some(a) = f.accuracy_m {
            if !a.is_finite() || a < 0.0 {
                return Err(DomainError::OutOfRange {
                    field: "location accuracy",
                    detail: format!("{a} metres; expected a non-negative number"),
                });
            }
        }
    }
    Ok(())
}

pub fn validate_member(m: &Member, limits: &Limits) -> Result<(), DomainError> {
    text("name", &m.name, limits.max_name_chars, true)?;
    text("helping unit", &m.helping_unit, limits.max_name_chars, false)?;
    if let Some(end) = m.term_end {
        if end < m.term_start {
            return Err(DomainError::OutOfRange {
                field: "term",
                detail: format!("ends {end} before it starts {}", m.term_start),
            });
        }
    }
    Ok(())
}

pub fn validate_household(h: &Household, view: &impl LedgerView, limits: &Limits) -> Result<(), DomainError> {
    text("head of household", &h.head, limits.max_name_chars, true)?;
    text("village group", &h.group, limits.max_name_chars, false)?;
    text("grid", &h.grid, limits.max_name_chars, false)?;
    text("plan", &h.plan, limits.max_text_chars, false)?;
    if h.members_count == 0 || h.members_count > 50 {
        return Err(DomainError::OutOfRange {
            field: "members count",
            detail: format!("{} people; a household has 1 to 50", h.members_count),
        });
    }
    if let Some(helper) = h.helper {
        if !view.member_exists(helper) {
            return Err(DomainError::UnknownMember(helper.to_string()));
        }
    }
    crate::validate_details(&h.details, limits)
}

pub fn validate_visit(v: &Visit, view: &impl LedgerView, now: Timestamp, limits: &Limits) -> Result<(), DomainError> {
    if !view.household_exists(v.household) {
        return Err(DomainError::UnknownHousehold(v.household.to_string()));
    }
    if !view.member_exists(v.member) {
        return Err(DomainError::UnknownMember(v.member.to_string()));
    }
    not_future(v.at, now, limits)?;
    text("findings", &v.findings, limits.max_text_chars, true)?;
    text("needs raised", &v.needs, limits.max_text_chars, false)?;
    text("follow-up", &v.follow_up, limits.max_text_chars, false)?;
    if v.amends == Some(v.id) {
        return Err(DomainError::OutOfRange {
            field: "amended visit",
            detail: "a visit cannot correct itself: pick the earlier visit it corrects".into(),
        });
    }
    validate_attachments(&v.attachments)?;
    fix(&v.location)
}

/// Most attachments one record may refer to.
pub const MAX_ATTACHMENTS: usize = 20;

/// A record's attachments (issue 19): each a SHA-256 as 64 lowercase hex digits, no more than
/// [`MAX_ATTACHMENTS`], none twice.
pub fn validate_attachments(hashes: &[String]) -> Result<(), DomainError> {
    if hashes.len() > MAX_ATTACHMENTS {
        return Err(DomainError::OutOfRange {
            field: "attachments",
            detail: format!("{} photos, at most {MAX_ATTACHMENTS} per record: remove some", hashes.len()),
        });
    }
    for (i, h) in hashes.iter().enumerate() {
        let hex = h.len() == 64 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex {
            return Err(DomainError::OutOfRange {
                field: "attachments",
                detail: format!("{h:?} is not a file's SHA-256 (64 lowercase hex digits): attach the file again"),
            });
        }
        if hashes[..i].contains(h) {
            return Err(DomainError::OutOfRange {
                field: "attachments",
                detail: "the same file is attached twice: remove one".into(),
            });
        }
    }
    Ok(())
}

/// A diary entry: its day is today or earlier; a past day of a month not yet filed is a
/// back-filled entry (补记, accepted, [`DiaryEntry::backfilled`] shows it); a filed month takes
/// only amendments. Editing an entry of an unfiled month (the same id) passes the same checks.
pub fn validate_diary(
    d: &DiaryEntry,
    view: &impl LedgerView,
    now: Timestamp,
    limits: &Limits,
) -> Result<(), DomainError> {
    validate_attachments(&d.attachments)?;
    if !view.member_exists(d.member) {
        return Err(DomainError::UnknownMember(d.member.to_string()));
    }
    not_after_today(d.date, now)?;
    not_future(d.written_at, now, limits)?;
    text("diary text", &d.text, limits.max_text_chars, true)?;
    match d.amends {
        Some(target) => {
            if !view.diary_entry_exists(target) {
                return Err(DomainError::UnknownDiaryEntry(target.to_string()));
            }
        }
        None => {
            let month = YearMonth::of(d.date);
            if view.month_filed(d.member, month) {
                return Err(DomainError::MonthFiled { month });
            }
        }
    }
    Ok(())
}

/// A check-in. Never refused for its month being filed: filing freezes diary text only, and
/// attendance made offline counts whenever it arrives.
pub fn validate_check_in(
    c: &CheckIn,
    view: &impl LedgerView,
    now: Timestamp,
    limits: &Limits,
) -> Result<(), DomainError> {
    if !view.member_exists(c.member) {
        return Err(DomainError::UnknownMember(c.member.to_string()));
    }
    not_future(c.at, now, limits)?;
    fix(&c.location)
}

/// A leave request: dates in order and at most a year; a report back (销假, `returned_on`) only
/// on an approved request and not before the leave starts, nor more than a year after it ends.
pub fn validate_leave(l: &LeaveRequest, view: &impl LedgerView, limits: &Limits) -> Result<(), DomainError> {
    if !view.member_exists(l.member) {
        return Err(DomainError::UnknownMember(l.member.to_string()));
    }
    if l.to < l.from {
        return Err(DomainError::LeaveDatesReversed { from: l.from.to_string(), to: l.to.to_string() });
    }
    let days = (l.to - l.from).num_days() + 1;
    if days > 366 {
        return Err(DomainError::OutOfRange { field: "leave", detail: format!("{days} days; at most a year") });
    }
    if let Some(back) = l.returned_on {
        if l.state != LeaveState::Approved {
            return Err(DomainError::ReturnWithoutApproval { state: l.state.code() });
        }
        if back < l.from {
            return Err(DomainError::ReturnBeforeLeave { returned: back.to_string(), from: l.from.to_string() });
        }
        if (back - l.to).num_days() > 366 {
            return Err(DomainError::OutOfRange {
                field: "return date",
                detail: format!("{back} is more than a year after the leave ended ({})", l.to),
            });
        }
    }
    text("reason", &l.reason, limits.max_text_chars, true)
}

/// A month filing (月备案): only a month that has ended (Asia/Shanghai) can be filed, by a
/// member of the team, for a member of the team. Whether it is on time is the county's
/// policy (`taizhang_rules::may_file`); a late filing is still accepted.
pub fn validate_filing(
    f: &MonthFiling,
    view: &impl LedgerView,
    now: Timestamp,
    limits: &Limits,
) -> Result<(), DomainError> {
    for m in [f.member, f.filed_by] {
        if !view.member_exists(m) {
            return Err(DomainError::UnknownMember(m.to_string()));
        }
    }
    not_future(f.filed_at, now, limits)?;
    let today = local_date(now);
    if today <= f.month.last_day() {
        return Err(DomainError::MonthNotOver { month: f.month, opens: f.month.next().first_day().to_string() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CheckInId, CheckKind, VisitId};
    use std::collections::HashSet;
    use uuid::Uuid;

    #[derive(Default)]
    struct View {
        households: HashSet<HouseholdId>,
        members: HashSet<MemberId>,
        filed: HashSet<(MemberId, YearMonth)>,
    }
    impl LedgerView for View {
        fn household_exists(&self, id: HouseholdId) -> bool {
            self.households.contains(&id)
        }
        fn member_exists(&self, id: MemberId) -> bool {
            self.members.contains(&id)
        }
        fn month_filed(&self, m: MemberId, month: YearMonth) -> bool {
            self.filed.contains(&(m, month))
        }
        fn diary_entry_exists(&self, _: DiaryId) -> bool {
            false
        }
    }

    const NOW: Timestamp = 1_795_536_000_000; // 2026-11-25 00:00 Shanghai

    fn id() -> Uuid {
        Uuid::now_v7()
    }

    #[test]
    fn visit_to_unknown_household_is_refused_with_a_clear_message() {
        let member = MemberId(id());
        let view = View { members: [member].into(), ..Default::default() };
        let v = Visit {
            id: VisitId(id()),
            household: HouseholdId(id()),
            member,
            at: NOW,
            location: None,
            findings: "家里有人生病".into(),
            needs: String::new(),
            follow_up: String::new(),
            amends: None,
            attachments: Vec::new(),
        };
        let err = validate_visit(&v, &view, NOW, &Limits::default()).expect_err("an unknown household");
        assert!(matches!(err, DomainError::UnknownHousehold(_)));
        assert!(err.to_string().contains("add it first"));

        // A correction (更正) names an earlier visit, never itself.
        let view = View { households: [v.household].into(), ..view };
        let fix = Visit { id: VisitId(id()), amends: Some(v.id), ..v.clone() };
        assert_eq!(validate_visit(&fix, &view, NOW, &Limits::default()), Ok(()));
        let itself = Visit { amends: Some(fix.id), ..fix.clone() };
        let err = validate_visit(&itself, &view, NOW, &Limits::default()).expect_err("a visit amending itself");
        assert!(matches!(err, DomainError::OutOfRange { field: "amended visit", .. }), "{err}");
    }

    #[test]
    fn diary_in_filed_month_needs_an_amendment() {
        let member = MemberId(id());
        let month = YearMonth { year: 2026, month: 11 };
        let view = View { members: [member].into(), filed: [(member, month)].into(), ..Default::default() };
        let d = DiaryEntry {
            id: DiaryId(id()),
            member,
            date: month.first_day(),
            text: "走访三户".into(),
            amends: None,
            written_at: NOW,
            attachments: Vec::new(),
        };
        assert_eq!(validate_diary(&d, &view, NOW, &Limits::default()), Err(DomainError::MonthFiled { month }));
    }

    fn view_with(member: MemberId) -> View {
        View { members: [member].into(), ..Default::default() }
    }

    fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn a_past_day_of_an_unfiled_month_can_be_written_later_and_shows_it() {
        // 25 November: an entry for 3 November, written today (补记).
        let member = MemberId(id());
        let d = DiaryEntry {
            id: DiaryId(id()),
            member,
            date: day(2026, 11, 3),
            text: "补记:走访两户".into(),
            amends: None,
            written_at: NOW,
            attachments: Vec::new(),
        };
        assert_eq!(validate_diary(&d, &view_with(member), NOW, &Limits::default()), Ok(()));
        assert!(d.backfilled());
        let same_day = DiaryEntry { date: day(2026, 11, 25), ..d.clone() };
        assert!(!same_day.backfilled());
        // October, when October is filed: an amendment only.
        let october = DiaryEntry { date: day(2026, 10, 30), ..d };
        let mut view = view_with(member);
        view.filed.insert((member, YearMonth { year: 2026, month: 10 }));
        assert!(matches!(
            validate_diary(&october, &view, NOW, &Limits::default()),
            Err(DomainError::MonthFiled { .. })
        ));
    }

    fn leave(member: MemberId) -> LeaveRequest {
        LeaveRequest {
            id: crate::LeaveId(id()),
            member,
            from: day(2026, 11, 10),
            to: day(2026, 11, 14),
            reason: "家中有事".into(),
            state: LeaveState::Approved,
            decided_by: None,
            kind: crate::LeaveKind::Sick,
            returned_on: None,
        }
    }

    #[test]
    fn reporting_back_shortens_the_leave_and_is_checked() {
        let member = MemberId(id());
        let view = view_with(member);
        let lim = Limits::default();
        let mut l = leave(member);
        assert_eq!(l.days(), Some((day(2026, 11, 10), day(2026, 11, 14))));
        // Back on the 12th: leave on the 10th and 11th only.
        l.returned_on = Some(day(2026, 11, 12));
        assert_eq!(validate_leave(&l, &view, &lim), Ok(()));
        assert_eq!(l.days(), Some((day(2026, 11, 10), day(2026, 11, 11))));
        // Back late, on the 20th: the leave still ends on the 14th.
        l.returned_on = Some(day(2026, 11, 20));
        assert_eq!(l.days(), Some((day(2026, 11, 10), day(2026, 11, 14))));
        // Back on the first day: no day of leave.
        l.returned_on = Some(day(2026, 11, 10));
        assert_eq!(l.days(), None);
        // Back before it started: refused.
        l.returned_on = Some(day(2026, 11, 9));
        assert!(matches!(validate_leave(&l, &view, &lim), Err(DomainError::ReturnBeforeLeave { .. })));
        // Reporting back on a request that is not approved: refused.
        l.returned_on = Some(day(2026, 11, 12));
        l.state = LeaveState::Pending;
        assert_eq!(validate_leave(&l, &view, &lim), Err(DomainError::ReturnWithoutApproval { state: "pending" }));
        // Withdrawn requests are valid records.
        l.returned_on = None;
        l.state = LeaveState::Withdrawn;
        assert_eq!(validate_leave(&l, &view, &lim), Ok(()));
    }

    #[test]
    fn leave_kinds_and_states_read_from_codes_and_chinese() {
        for k in crate::LeaveKind::ALL {
            assert_eq!(crate::LeaveKind::parse(k.code()), Ok(k));
            assert_eq!(crate::LeaveKind::parse(k.zh()), Ok(k));
        }
        assert_eq!(crate::LeaveKind::default(), crate::LeaveKind::Personal);
        assert_eq!(LeaveState::from_code("withdrawn"), Ok(LeaveState::Withdrawn));
        assert!(LeaveState::from_code("cancelled").is_err());
    }

    #[test]
    fn only_a_month_that_has_ended_can_be_filed() {
        let member = MemberId(id());
        let view = view_with(member);
        let lim = Limits::default();
        let f = |month| MonthFiling { member, month, filed_by: member, filed_at: NOW };
        // On 25 November, November is still running; October has ended.
        let err = validate_filing(&f(YearMonth { year: 2026, month: 11 }), &view, NOW, &lim).expect_err("running");
        assert!(err.to_string().contains("2026-12-01"), "{err}");
        assert_eq!(validate_filing(&f(YearMonth { year: 2026, month: 10 }), &view, NOW, &lim), Ok(()));
    }

    #[test]
    fn check_in_in_the_future_is_refused_but_small_skew_is_tolerated() {
        let member = MemberId(id());
        let view = View { members: [member].into(), ..Default::default() };
        let mut c = CheckIn {
            id: CheckInId(id()),
            member,
            at: NOW + 60_000,
            kind: CheckKind::In,
            location: None,
            in_geofence: None,
        };
        assert!(validate_check_in(&c, &view, NOW, &Limits::default()).is_ok());
        c.at = NOW + 3_600_000;
        assert!(matches!(validate_check_in(&c, &view, NOW, &Limits::default()), Err(DomainError::FutureTime { .. })));
    }

    #[test]
    fn attachments_are_hashes_twenty_at_most_none_twice() {
        let h = |c: char| c.to_string().repeat(64);
        assert!(validate_attachments(&[]).is_ok());
        assert!(validate_attachments(&[h('a'), h('0')]).is_ok());
        let upper = validate_attachments(&[h('A')]).expect_err("uppercase");
        assert!(upper.to_string().contains("64 lowercase hex digits"), "{upper}");
        assert!(validate_attachments(&["abc".into()]).is_err(), "too short");
        assert!(validate_attachments(&[h('a'), h('a')]).is_err(), "twice");
        let many: Vec<String> = (0..21).map(|i| format!("{i:064x}")).collect();
        assert!(validate_attachments(&many[..20]).is_ok());
        let err = validate_attachments(&many).expect_err("21");
        assert!(err.to_string().contains("at most 20"), "{err}");
    }
}
