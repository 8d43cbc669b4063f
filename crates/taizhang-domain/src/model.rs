//! The records of one village's ledger, as plain Rust values. How they are laid out in
//! Automerge documents lives in `taizhang-doc`; how they are indexed on disk in `taizhang-store`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    CheckInId, DiaryId, DomainError, HouseholdId, LeaveId, MemberId, Timestamp, VillageId, VisitId, YearMonth,
};

/// A point on the earth (WGS-84 degrees).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    /// Great-circle distance in metres (haversine; plenty for a village-sized fence).
    pub fn distance_m(self, other: GeoPoint) -> f64 {
        const R: f64 = 6_371_000.0;
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = (other.lat - self.lat).to_radians();
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * R * a.sqrt().asin()
    }

    /// Whether the coordinates are on the globe.
    pub fn is_valid(self) -> bool {
        self.lat.is_finite()
            && self.lon.is_finite()
            && (-90.0..=90.0).contains(&self.lat)
            && (-180.0..=180.0).contains(&self.lon)
    }
}

/// A location fix as the device reported it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GpsFix {
    pub point: GeoPoint,
    /// Reported accuracy radius in metres, if the device gave one.
    pub accuracy_m: Option<f64>,
}

/// The village's geofence: a centre and a radius.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Geofence {
    pub centre: GeoPoint,
    pub radius_m: f64,
}

impl Geofence {
    /// Whether a fix lies inside the fence. A fix whose accuracy circle reaches into the fence
    /// counts as inside: location is evidence, never a gate (see DOMAIN.md, 2026 constraint).
    pub fn contains(&self, fix: &GpsFix) -> bool {
        let slack = fix.accuracy_m.unwrap_or(0.0).max(0.0);
        self.centre.distance_m(fix.point) <= self.radius_m + slack
    }
}

/// The village: one ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Village {
    pub id: VillageId,
    pub name: String,
    pub county: String,
    pub township: String,
    pub geofence: Geofence,
}

/// A member's role in the work team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// 第一书记: leads the team, files months, approves leave.
    FirstSecretary,
    /// 驻村工作队员.
    TeamMember,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::FirstSecretary => "first_secretary",
            Role::TeamMember => "team_member",
        }
    }
    pub fn from_code(s: &str) -> Result<Self, DomainError> {
        match s {
            "first_secretary" => Ok(Role::FirstSecretary),
            "team_member" => Ok(Role::TeamMember),
            _ => Err(DomainError::UnknownCode {
                field: "role",
                value: s.chars().take(40).collect(),
                expected: "first_secretary, team_member",
            }),
        }
    }
}

/// A person of the work team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: MemberId,
    pub name: String,
    pub role: Role,
    /// 帮扶单位: the unit that sent the cadre.
    pub helping_unit: String,
    pub term_start: NaiveDate,
    pub term_end: Option<NaiveDate>,
}

/// Status of a household in the registry (户类型), in the words used since 2021: every
/// household is visited (一般户), 脱贫户 are the households lifted out of poverty, 监测对象 the
/// ones watched against falling back (防止返贫监测). `RegisteredPoor` (建档立卡贫困户) is the
/// pre-2021 word, still read from older records and shown as 脱贫户; new records do not use it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HouseholdStatus {
    /// 建档立卡贫困户 (before 2021)
    RegisteredPoor,
    /// 脱贫户
    LiftedOut,
    /// 监测对象
    Monitored,
    /// 一般户: the default of a new household.
    #[default]
    Ordinary,
}

impl HouseholdStatus {
    /// Every status a stored record may have.
    pub const ALL: [HouseholdStatus; 4] = [
        HouseholdStatus::RegisteredPoor,
        HouseholdStatus::LiftedOut,
        HouseholdStatus::Monitored,
        HouseholdStatus::Ordinary,
    ];
    /// The statuses offered for a new or edited household (current usage).
    pub const CURRENT: [HouseholdStatus; 3] =
        [HouseholdStatus::Ordinary, HouseholdStatus::LiftedOut, HouseholdStatus::Monitored];
    pub fn code(self) -> &'static str {
        match self {
            HouseholdStatus::RegisteredPoor => "registered_poor",
            HouseholdStatus::LiftedOut => "lifted_out",
            HouseholdStatus::Monitored => "monitored",
            HouseholdStatus::Ordinary => "ordinary",
        }
    }
    /// The word on screens, pages and exports.
    pub fn zh(self) -> &'static str {
        match self {
            HouseholdStatus::RegisteredPoor => "脱贫户(原建档立卡)",
            HouseholdStatus::LiftedOut => "脱贫户",
            HouseholdStatus::Monitored => "监测对象",
            HouseholdStatus::Ordinary => "一般户",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            HouseholdStatus::RegisteredPoor => "lifted out (formerly registered poor)",
            HouseholdStatus::LiftedOut => "lifted out of poverty",
            HouseholdStatus::Monitored => "monitored",
            HouseholdStatus::Ordinary => "ordinary household",
        }
    }
    /// Whether the household is one the county's inspection (随机查) draws from: 脱贫户 and
    /// 监测对象 (seed 004: "随机走访20户贫困户").
    pub fn is_poor_or_monitored(self) -> bool {
        !matches!(self, HouseholdStatus::Ordinary)
    }
    /// Accepts the code or the Chinese word.
    pub fn from_code(s: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|c| c.code() == s || c.zh() == s).ok_or_else(|| DomainError::UnknownCode {
            field: "household status",
            value: s.chars().take(40).collect(),
            expected: "ordinary (一般户), lifted_out (脱贫户), monitored (监测对象)",
        })
    }
}

/// Causes of poverty (致贫原因), the national list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PovertyCause {
    Illness,
    Disability,
    Schooling,
    Disaster,
    LackOfLand,
    LackOfWater,
    LackOfSkills,
    LackOfLabour,
    LackOfFunds,
    PoorTransport,
    LackOfMotivation,
    Other,
}

impl PovertyCause {
    pub const ALL: [PovertyCause; 12] = [
        PovertyCause::Illness,
        PovertyCause::Disability,
        PovertyCause::Schooling,
        PovertyCause::Disaster,
        PovertyCause::LackOfLand,
        PovertyCause::LackOfWater,
        PovertyCause::LackOfSkills,
        PovertyCause::LackOfLabour,
        PovertyCause::LackOfFunds,
        PovertyCause::PoorTransport,
        PovertyCause::LackOfMotivation,
        PovertyCause::Other,
    ];
    /// The stable code stored in documents.
    pub fn code(self) -> &'static str {
        match self {
            PovertyCause::Illness => "illness",
            PovertyCause::Disability => "disability",
            PovertyCause::Schooling => "schooling",
            PovertyCause::Disaster => "disaster",
            PovertyCause::LackOfLand => "lack_of_land",
            PovertyCause::LackOfWater => "lack_of_water",
            PovertyCause::LackOfSkills => "lack_of_skills",
            PovertyCause::LackOfLabour => "lack_of_labour",
            PovertyCause::LackOfFunds => "lack_of_funds",
            PovertyCause::PoorTransport => "poor_transport",
            PovertyCause::LackOfMotivation => "lack_of_motivation",
            PovertyCause::Other => "other",
        }
    }
    /// The official Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            PovertyCause::Illness => "因病",
            PovertyCause::Disability => "因残",
            PovertyCause::Schooling => "因学",
            PovertyCause::Disaster => "因灾",
            PovertyCause::LackOfLand => "缺土地",
            PovertyCause::LackOfWater => "缺水",
            PovertyCause::LackOfSkills => "缺技术",
            PovertyCause::LackOfLabour => "缺劳力",
            PovertyCause::LackOfFunds => "缺资金",
            PovertyCause::PoorTransport => "交通条件落后",
            PovertyCause::LackOfMotivation => "自身发展动力不足",
            PovertyCause::Other => "其他",
        }
    }
    /// Accepts the code or the Chinese name.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|c| c.code() == s || c.zh() == s).ok_or_else(|| DomainError::UnknownCode {
            field: "cause of poverty",
            value: s.chars().take(40).collect(),
            expected: "因病 因残 因学 因灾 缺土地 缺水 缺技术 缺劳力 缺资金 交通条件落后 自身发展动力不足 其他",
        })
    }
}

/// A household of the village registry (农户 / 建档立卡贫困户).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Household {
    pub id: HouseholdId,
    /// 户主
    pub head: String,
    pub members_count: u32,
    /// 村民组
    pub group: String,
    /// 网格
    pub grid: String,
    pub status: HouseholdStatus,
    pub causes: Vec<PovertyCause>,
    /// 结对帮扶人员
    pub helper: Option<MemberId>,
    /// 一户一策
    pub plan: String,
    /// Yearly income in yuan, if known.
    pub income_yuan: Option<i64>,
    /// What issue 16 added: address, phone, monitoring, 两不愁三保障, helper by name.
    pub details: crate::HouseholdDetails,
}

/// A household visit (入户走访).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub id: VisitId,
    pub household: HouseholdId,
    pub member: MemberId,
    pub at: Timestamp,
    pub location: Option<GpsFix>,
    /// 民情: what was found.
    pub findings: String,
    pub needs: String,
    pub follow_up: String,
    /// Set for a correction (更正) of an earlier visit of the same member: a new record, the
    /// original kept as it was (like the diary's amendments). Counts use the original.
    #[serde(default)]
    pub amends: Option<VisitId>,
    /// Photos and scans (issue 19) by the SHA-256 of their bytes (64 lowercase hex digits,
    /// [`crate::MAX_ATTACHMENTS`] at most); the files travel on their own, never in a document.
    /// A record that predates the field reads as none.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// A diary entry (民情日记). `amends` is set for a correction written after the month was filed.
/// An entry may be written for a past day of a month not yet filed (补记): `written_at` keeps
/// when it was first written, so [`DiaryEntry::backfilled`] shows it. Correcting the entry
/// before filing edits the same record (its Automerge history keeps every version).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiaryEntry {
    pub id: DiaryId,
    pub member: MemberId,
    pub date: NaiveDate,
    pub text: String,
    pub amends: Option<DiaryId>,
    /// When the entry was first written (device time). A record that predates this field
    /// reads as the start of its `date`.
    pub written_at: Timestamp,
    /// Photos and scans (issue 19) by hash, as on a [`Visit`]; none on an older entry.
    #[serde(default)]
    pub attachments: Vec<String>,
}

impl DiaryEntry {
    /// 补记: written on a later day than the day it is about (Asia/Shanghai days).
    pub fn backfilled(&self) -> bool {
        crate::local_date(self.written_at) > self.date
    }
}

/// Check in (arrive) or check out (leave the village).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckKind {
    In,
    Out,
}

impl CheckKind {
    pub fn code(self) -> &'static str {
        match self {
            CheckKind::In => "in",
            CheckKind::Out => "out",
        }
    }
    pub fn from_code(s: &str) -> Result<Self, DomainError> {
        match s {
            "in" => Ok(CheckKind::In),
            "out" => Ok(CheckKind::Out),
            _ => Err(DomainError::UnknownCode {
                field: "check-in kind",
                value: s.chars().take(40).collect(),
                expected: "in, out",
            }),
        }
    }
}

/// An attendance record (考勤打卡) the member makes of their day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    pub id: CheckInId,
    pub member: MemberId,
    pub at: Timestamp,
    pub kind: CheckKind,
    pub location: Option<GpsFix>,
    /// Computed against the village geofence when a location was given.
    pub in_geofence: Option<bool>,
}

/// Where a leave request stands (请销假: asked, decided, withdrawn; 销假 is
/// [`LeaveRequest::returned_on`] on an approved request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LeaveState {
    Pending,
    Approved,
    Rejected,
    /// Withdrawn by the requester while it was still pending (撤回).
    Withdrawn,
}

impl LeaveState {
    pub const ALL: [LeaveState; 4] =
        [LeaveState::Pending, LeaveState::Approved, LeaveState::Rejected, LeaveState::Withdrawn];
    pub fn code(self) -> &'static str {
        match self {
            LeaveState::Pending => "pending",
            LeaveState::Approved => "approved",
            LeaveState::Rejected => "rejected",
            LeaveState::Withdrawn => "withdrawn",
        }
    }
    pub fn from_code(s: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|c| c.code() == s).ok_or_else(|| DomainError::UnknownCode {
            field: "leave state",
            value: s.chars().take(40).collect(),
            expected: "pending, approved, rejected, withdrawn",
        })
    }
}

/// The kind of leave (seed 003's 请销假). How each kind counts (excused absence, presence,
/// training) is the county's policy (`taizhang_rules::Policy::leave_counts`), not fixed here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LeaveKind {
    /// 事假. The kind of every request written before kinds existed.
    #[default]
    Personal,
    /// 病假
    Sick,
    /// 因公外出 (e.g. a trip for the village's work).
    OfficialTrip,
    /// 组织安排的培训
    Training,
    /// 轮休/调休
    Rest,
    /// 其他
    Other,
}

impl LeaveKind {
    pub const ALL: [LeaveKind; 6] = [
        LeaveKind::Personal,
        LeaveKind::Sick,
        LeaveKind::OfficialTrip,
        LeaveKind::Training,
        LeaveKind::Rest,
        LeaveKind::Other,
    ];
    /// The stable code stored in documents.
    pub fn code(self) -> &'static str {
        match self {
            LeaveKind::Personal => "personal",
            LeaveKind::Sick => "sick",
            LeaveKind::OfficialTrip => "official_trip",
            LeaveKind::Training => "training",
            LeaveKind::Rest => "rest",
            LeaveKind::Other => "other",
        }
    }
    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            LeaveKind::Personal => "事假",
            LeaveKind::Sick => "病假",
            LeaveKind::OfficialTrip => "因公外出",
            LeaveKind::Training => "组织安排的培训",
            LeaveKind::Rest => "轮休/调休",
            LeaveKind::Other => "其他",
        }
    }
    /// Accepts the code or the Chinese name.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|k| k.code() == s || k.zh() == s).ok_or_else(|| DomainError::UnknownCode {
            field: "leave kind",
            value: s.chars().take(40).collect(),
            expected: "personal, sick, official_trip, training, rest, other",
        })
    }
}

/// A leave request (请假), its decision and the report back (销假).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaveRequest {
    pub id: LeaveId,
    pub member: MemberId,
    pub from: NaiveDate,
    /// The last day of leave asked for.
    pub to: NaiveDate,
    pub reason: String,
    pub state: LeaveState,
    pub decided_by: Option<MemberId>,
    /// 事假 when the record predates kinds.
    #[serde(default)]
    pub kind: LeaveKind,
    /// 销假: the day the member actually came back (present again that day). A return before
    /// `to` shortens the leave to `from..returned_on`; a later one does not lengthen it.
    #[serde(default)]
    pub returned_on: Option<NaiveDate>,
}

impl LeaveRequest {
    /// The days the leave covers, both ends included: `from..=to`, cut to the day before
    /// `returned_on`; `None` when the member came back on the first day.
    pub fn days(&self) -> Option<(NaiveDate, NaiveDate)> {
        let last = match self.returned_on.and_then(|r| r.pred_opt()) {
            Some(before_return) => before_return.min(self.to),
            None if self.returned_on.is_some() => return None,
            None => self.to,
        };
        (self.from <= last).then_some((self.from, last))
    }
}

/// A filed month (月备案) of one member's diary. Filing freezes the diary's text (later
/// corrections are amendments); it never closes the month to attendance or visit records,
/// which count whenever they arrive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthFiling {
    pub member: MemberId,
    pub month: YearMonth,
    pub filed_by: MemberId,
    pub filed_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geofence_counts_accuracy_as_slack() {
        let fence = Geofence { centre: GeoPoint { lat: 26.0, lon: 107.0 }, radius_m: 1000.0 };
        let near = GpsFix { point: GeoPoint { lat: 26.005, lon: 107.0 }, accuracy_m: None };
        let far = GpsFix { point: GeoPoint { lat: 26.05, lon: 107.0 }, accuracy_m: Some(50.0) };
        let fuzzy = GpsFix { point: GeoPoint { lat: 26.0095, lon: 107.0 }, accuracy_m: Some(100.0) };
        assert!(fence.contains(&near));
        assert!(!fence.contains(&far));
        assert!(fence.contains(&fuzzy));
    }

    #[test]
    fn causes_parse_from_chinese_and_code() {
        assert_eq!(PovertyCause::parse("因病"), Ok(PovertyCause::Illness));
        assert_eq!(PovertyCause::parse("lack_of_water"), Ok(PovertyCause::LackOfWater));
        assert!(PovertyCause::parse("懒").is_err());
    }
}
