//! Who may read which village and write which document: one pure decision over the account
//! (role and scope), the village's place (township, county), the document, and what the
//! pushed changes touch. The server gathers the facts; this module only decides.
//!
//! The rules (issue 4):
//! - reading: team members and the first secretary read their own village; township staff
//!   the villages of their township; county staff those of their county; administrators no
//!   village data (they manage accounts from the admin command line).
//! - `registry`: team members write households; the first secretary also members and the
//!   village record.
//! - `team/<year>`: a team member writes only their own leave requests, and only while
//!   pending; deciding leave and filing months (月备案) is for the first secretary and the
//!   township staff.
//! - `log/<member>/<month>`: only its owner writes it; once the month is filed, only new
//!   diary entries that amend an earlier one (amendments, visible as such).
//! - `assessment/<year>`: county staff write assessments of the villages of their county.
//! - township and county staff write nothing else of a village.

use std::fmt;
use std::str::FromStr;

use taizhang_doc::DocId;
use taizhang_domain::YearMonth;
use uuid::Uuid;

/// The role of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// 驻村工作队员.
    Member,
    /// 第一书记: leads the team of one village.
    FirstSecretary,
    /// 乡镇: approves leave, reads the villages of its township.
    TownshipStaff,
    /// 县委组织部: reads the villages of its county, writes assessments.
    CountyStaff,
    /// Creates villages, accounts and enrollment codes; reads no village data.
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] =
        [Role::Member, Role::FirstSecretary, Role::TownshipStaff, Role::CountyStaff, Role::Admin];

    pub fn code(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::FirstSecretary => "first_secretary",
            Role::TownshipStaff => "township",
            Role::CountyStaff => "county",
            Role::Admin => "admin",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Member => "驻村工作队员",
            Role::FirstSecretary => "第一书记",
            Role::TownshipStaff => "乡镇干部",
            Role::CountyStaff => "县委组织部",
            Role::Admin => "管理员",
        }
    }

    /// A role of a village's work team (it has a village and a member record there).
    pub fn in_village(self) -> bool {
        matches!(self, Role::Member | Role::FirstSecretary)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| format!("'{s}' is not a role: use one of member, first_secretary, township, county, admin"))
    }
}

/// The authenticated account behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The account id; for team roles it is also the member id in the village registry.
    pub account: Uuid,
    pub role: Role,
    /// Scope: the village of a team role, the township or county of staff.
    pub village: Option<Uuid>,
    pub township: Option<Uuid>,
    pub county: Option<Uuid>,
}

/// Where a village sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub village: Uuid,
    pub township: Option<Uuid>,
    pub county: Option<Uuid>,
}

/// A document of a village, as far as access is concerned: the field documents of
/// `taizhang_doc::DocId` plus the county's assessments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocRef {
    Registry,
    Team {
        year: i32,
    },
    Log {
        member: Uuid,
        month: YearMonth,
    },
    /// Assessments (考核) of a village's team for one year, written by county staff.
    Assessment {
        year: i32,
    },
}

impl FromStr for DocRef {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(y) = s.strip_prefix("assessment/") {
            let year: i32 = y.parse().map_err(|_| format!("'{s}' is not a document of Taizhang"))?;
            if y.len() != 4 || !(2000..=2200).contains(&year) {
                return Err(format!("'{s}' is not a document of Taizhang"));
            }
            return Ok(DocRef::Assessment { year });
        }
        match s.parse::<DocId>().map_err(|e| e.to_string())? {
            DocId::Registry => Ok(DocRef::Registry),
            DocId::Team { year } => Ok(DocRef::Team { year }),
            DocId::Log { member, month } => Ok(DocRef::Log { member: member.0, month }),
        }
    }
}

impl fmt::Display for DocRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocRef::Registry => f.write_str("registry"),
            DocRef::Team { year } => write!(f, "team/{year:04}"),
            DocRef::Log { member, month } => write!(f, "log/{member}/{month}"),
            DocRef::Assessment { year } => write!(f, "assessment/{year:04}"),
        }
    }
}

/// What the server read of one record (before or after the push).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facts {
    /// The record's `member` field (the leave's requester, the diary's author...).
    pub member: Option<Uuid>,
    /// A leave request still waiting for a decision.
    pub pending: bool,
    /// A diary entry that amends an earlier one.
    pub amends: bool,
}

/// One record (a root key such as `leave/<uuid>`) the pushed changes touch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touch {
    pub key: String,
    /// The record as the server held it before the push (`None`: new).
    pub before: Option<Facts>,
    /// The record after the push (`None`: deleted).
    pub after: Option<Facts>,
}

impl Touch {
    fn kind(&self) -> &str {
        self.key.split('/').next().unwrap_or_default()
    }
}

/// Why a request or a document was refused: a stable code and a message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub code: &'static str,
    pub message: String,
}

fn deny(code: &'static str, message: impl Into<String>) -> Result<(), Denial> {
    Err(Denial { code, message: message.into() })
}

/// May `p` read the documents of the village at `place`?
pub fn may_read(p: &Principal, place: &Place) -> Result<(), Denial> {
    let ok = match p.role {
        Role::Member | Role::FirstSecretary => p.village == Some(place.village),
        Role::TownshipStaff => p.township.is_some() && p.township == place.township,
        Role::CountyStaff => p.county.is_some() && p.county == place.county,
        Role::Admin => false,
    };
    if ok {
        Ok(())
    } else if p.role == Role::Admin {
        deny("forbidden_role", "administrators manage accounts and read no village data")
    } else {
        deny("other_village", "this account has no access to that village")
    }
}

/// May `p` store changes of document `doc` of the village at `place` that touch `touches`?
/// `filed` says whether a log document's month has been filed (月备案).
pub fn may_write(p: &Principal, place: &Place, doc: &DocRef, filed: bool, touches: &[Touch]) -> Result<(), Denial> {
    may_read(p, place)?;
    let me = Some(p.account);
    match (doc, p.role) {
        (DocRef::Registry, Role::Member | Role::FirstSecretary) => {
            let allowed: &[&str] =
                if p.role == Role::FirstSecretary { &["household", "member", "village"] } else { &["household"] };
            match touches.iter().find(|t| !allowed.contains(&t.kind())) {
                Some(t) => deny(
                    "registry_record",
                    format!("a {} may change households in the registry, not '{}'", p.role.label_zh(), t.key),
                ),
                None => Ok(()),
            }
        }
        (DocRef::Team { .. }, Role::Member | Role::FirstSecretary | Role::TownshipStaff) => {
            let decides = matches!(p.role, Role::FirstSecretary | Role::TownshipStaff);
            let own_pending = |f: &Option<Facts>| f.is_none_or(|f| f.member == me && f.pending);
            for t in touches {
                match t.kind() {
                    "filing" if decides => {}
                    // Deciding (or correcting) an existing request.
                    "leave" if decides && t.before.is_some() => {}
                    "leave" if p.role.in_village() => {
                        if !(own_pending(&t.before) && own_pending(&t.after)) {
                            return deny(
                                "leave_decision",
                                "a team member may only request (or withdraw) their own leave; the first secretary \
                                 or the township decides it",
                            );
                        }
                    }
                    "filing" => {
                        return deny("filing", "only the first secretary or the township files a month (月备案)")
                    }
                    "leave" => {
                        return deny("leave_decision", "the township decides leave requests; it does not make them")
                    }
                    _ => return deny("team_record", format!("'{}' may not be written in the team document", t.key)),
                }
            }
            Ok(())
        }
        (DocRef::Log { member, .. }, Role::Member | Role::FirstSecretary) => {
            if *member != p.account {
                return deny("not_owner", "a member's log is written only by that member");
            }
            if filed {
                let amendment = |t: &Touch| {
                    t.kind() == "diary" && t.before.is_none() && t.after.is_some_and(|a| a.amends && a.member == me)
                };
                if !touches.iter().all(amendment) {
                    return deny(
                        "month_filed",
                        "this month is filed (月备案): add an amendment to a diary entry instead of changing it",
                    );
                }
            }
            Ok(())
        }
        (DocRef::Assessment { .. }, Role::CountyStaff) => Ok(()),
        (_, Role::TownshipStaff | Role::CountyStaff) => {
            deny("read_only", "township and county staff read village data and do not write it")
        }
        (DocRef::Assessment { .. }, _) => deny("forbidden_role", "assessments are written by the county"),
        (_, Role::Admin) => deny("forbidden_role", "administrators manage accounts and write no village data"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: Uuid = Uuid::from_u128(1);
    const T: Uuid = Uuid::from_u128(2);
    const C: Uuid = Uuid::from_u128(3);
    const ME: Uuid = Uuid::from_u128(10);
    const COLLEAGUE: Uuid = Uuid::from_u128(11);
    const PLACE: Place = Place { village: V, township: Some(T), county: Some(C) };

    fn who(role: Role) -> Principal {
        let (village, township, county) = match role {
            Role::Member | Role::FirstSecretary => (Some(V), None, None),
            Role::TownshipStaff => (None, Some(T), None),
            Role::CountyStaff => (None, None, Some(C)),
            Role::Admin => (None, None, None),
        };
        Principal { account: ME, role, village, township, county }
    }

    fn touch(key: &str, before: Option<Facts>, after: Option<Facts>) -> Touch {
        Touch { key: key.into(), before, after }
    }

    fn leave(member: Uuid, pending: bool) -> Option<Facts> {
        Some(Facts { member: Some(member), pending, amends: false })
    }

    #[test]
    fn reading_follows_the_scope() {
        for role in Role::ALL {
            assert_eq!(may_read(&who(role), &PLACE).is_ok(), role != Role::Admin, "{role}");
            let elsewhere =
                Place { village: Uuid::from_u128(99), township: Some(Uuid::from_u128(98)), county: Some(C) };
            let expect = role == Role::CountyStaff;
            assert_eq!(may_read(&who(role), &elsewhere).is_ok(), expect, "{role} elsewhere in the county");
        }
    }

    #[test]
    fn a_member_requests_leave_but_does_not_decide_it() {
        let m = who(Role::Member);
        let team = DocRef::Team { year: 2026 };
        assert!(may_write(&m, &PLACE, &team, false, &[touch("leave/a", None, leave(ME, true))]).is_ok());
        let approve_own = touch("leave/a", leave(ME, true), leave(ME, false));
        assert_eq!(
            may_write(&m, &PLACE, &team, false, std::slice::from_ref(&approve_own)).expect_err("test").code,
            "leave_decision"
        );
        let delete_colleagues = touch("leave/b", leave(COLLEAGUE, true), None);
        assert!(may_write(&m, &PLACE, &team, false, std::slice::from_ref(&delete_colleagues)).is_err());
        assert!(may_write(&m, &PLACE, &team, false, &[touch("filing/x", None, None)]).is_err());
        for decider in [Role::FirstSecretary, Role::TownshipStaff] {
            assert!(may_write(&who(decider), &PLACE, &team, false, std::slice::from_ref(&approve_own)).is_ok());
            assert!(may_write(&who(decider), &PLACE, &team, false, &[touch("filing/x", None, None)]).is_ok());
        }
        assert!(may_write(&who(Role::CountyStaff), &PLACE, &team, false, &[approve_own]).is_err());
        let new_request = [touch("leave/c", None, leave(ME, true))];
        assert!(may_write(&who(Role::FirstSecretary), &PLACE, &team, false, &new_request).is_ok());
        assert!(may_write(&who(Role::TownshipStaff), &PLACE, &team, false, &new_request).is_err());
    }

    #[test]
    fn a_log_is_its_owners_and_a_filed_month_takes_only_amendments() {
        let month = YearMonth { year: 2026, month: 11 };
        let mine = DocRef::Log { member: ME, month };
        let theirs = DocRef::Log { member: COLLEAGUE, month };
        let checkin = [touch("checkin/x", None, Some(Facts { member: Some(ME), ..Facts::default() }))];
        for role in [Role::Member, Role::FirstSecretary] {
            assert!(may_write(&who(role), &PLACE, &mine, false, &checkin).is_ok());
            assert_eq!(may_write(&who(role), &PLACE, &theirs, false, &checkin).expect_err("test").code, "not_owner");
            assert_eq!(may_write(&who(role), &PLACE, &mine, true, &checkin).expect_err("test").code, "month_filed");
        }
        let amendment = [touch("diary/y", None, Some(Facts { member: Some(ME), pending: false, amends: true }))];
        assert!(may_write(&who(Role::Member), &PLACE, &mine, true, &amendment).is_ok());
        let edit = [touch("diary/y", Some(Facts::default()), Some(Facts { member: Some(ME), ..Facts::default() }))];
        assert!(may_write(&who(Role::Member), &PLACE, &mine, true, &edit).is_err());
    }

    #[test]
    fn staff_write_only_assessments_and_admins_nothing() {
        let docs = [DocRef::Registry, DocRef::Team { year: 2026 }, DocRef::Assessment { year: 2026 }];
        for role in [Role::CountyStaff, Role::Admin] {
            for d in &docs {
                let ok = may_write(&who(role), &PLACE, d, false, &[]).is_ok();
                assert_eq!(ok, role == Role::CountyStaff && matches!(d, DocRef::Assessment { .. }), "{role} {d}");
            }
        }
        assert!(
            may_write(&who(Role::Member), &PLACE, &DocRef::Registry, false, &[touch("member/x", None, None)]).is_err()
        );
        assert!(may_write(
            &who(Role::FirstSecretary),
            &PLACE,
            &DocRef::Registry,
            false,
            &[touch("member/x", None, None)]
        )
        .is_ok());
    }

    #[test]
    fn document_names_round_trip() {
        for s in ["registry", "team/2026", "assessment/2026", "log/0193a3c4-0000-7000-8000-000000000001/2026-11"] {
            assert_eq!(s.parse::<DocRef>().expect("test").to_string(), s);
        }
        assert!("assessment/26".parse::<DocRef>().is_err());
        assert!("assessment/2026/x".parse::<DocRef>().is_err());
    }
}
