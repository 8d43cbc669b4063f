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
//! - `team/<year>`: leave (请销假, issue 14). A team member or the first secretary writes their
//!   own requests: makes them and edits them while pending, withdraws them while pending
//!   (state `withdrawn`) and reports back (销假: `returned_on`) on an approved one without
//!   changing its dates or kind. Deciding leave is for the first secretary (a member's leave)
//!   and the township staff (anyone's, the first secretary's own included), and **nobody
//!   decides their own**: the first secretary's own request is decided only by the township.
//!   Filing months (月备案) is for the first secretary and the township staff.
//!   Late records are welcome: nothing in the team document is refused because a month was
//!   filed.
//! - `log/<member>/<month>`: only its owner writes it. Filing the month freezes the diary's
//!   text only: changing or deleting a diary entry of a filed month is refused (write an
//!   amendment: a new entry with `amends`, visible as such). Check-ins and visits of a filed
//!   month are accepted whenever they arrive (issue 14: no record is refused for arriving
//!   late); the server records when it received them, and the rules mark those received after
//!   the filing as late (迟报, `taizhang_rules::late_after_filing`).
//!   Month score sheets (`score/<month>-<member>`, scheme B, issue 14) go through a chain: the
//!   first secretary scores a member of the team who is not themselves (a new sheet, or one
//!   still entered or returned; the sheet is then entered, and the township's and county's
//!   parts stay as they were); the township confirms or returns an entered sheet (signing it
//!   with its own account, leaving the first secretary's part unchanged); the county audits a
//!   confirmed one (signing it, optionally overriding the points, leaving the rest unchanged).
//!   Team members write no sheet. The township scores the first secretary's month: a sheet it
//!   both scores and checks with its own account (state confirmed), new or still its own and
//!   not audited; the first secretary never touches it (it is not entered or returned), and
//!   nobody scores themselves.
//!   A month submission (`submission/<month>-<member>`, 提交本月) is written only by the member
//!   themselves, whenever it arrives. Quarterly reports and the yearly commitment
//!   (`report/<period>`, 季报告 / 年承诺) are written by the first secretary, signed with
//!   their account; the township reads them.
//! - `finding/<uuid>` in the registry (inspection findings, issue 16): a township or county
//!   officer of the village's scope writes a finding signed with their own account (the page
//!   writes it for them) and may correct their own, never the answer; a team member answers
//!   one (answer, answered_by = themselves, answered_at) without touching the officer's part.
//!   Nobody removes a finding.
//! - `assessment/<year>`: county staff write assessments of the villages of their county.
//! - township and county staff write nothing else of a village.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use taizhang_doc::DocId;
use taizhang_domain::{LeaveKind, LeaveState, ScoreState, YearMonth};
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

/// What the server read of one record (before or after the push) — `taizhang_doc::access_facts`
/// reads it from a document; fields a record does not have (or holds in conflict) are `None`/false.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facts {
    /// The record's `member` field (the leave's requester, the diary's author...).
    pub member: Option<Uuid>,
    /// A leave request still waiting for a decision.
    pub pending: bool,
    /// A diary entry that amends an earlier one.
    pub amends: bool,
    /// A leave request's state (`None`: not a leave, or states in conflict).
    pub state: Option<LeaveState>,
    /// A leave request's kind (`None`: not given, i.e. 事假 for an old record).
    pub kind: Option<LeaveKind>,
    /// A leave request's dates.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// A leave request's report back (销假).
    pub returned_on: Option<NaiveDate>,
    /// A score sheet's state (`None`: not a sheet, or states in conflict).
    pub score_state: Option<ScoreState>,
    /// A score sheet's scorer, township checker and county auditor (accounts).
    pub scored_by: Option<Uuid>,
    pub checked_by: Option<Uuid>,
    pub audited_by: Option<Uuid>,
    /// Digests of a sheet's three parts: the first secretary's (member, month, items, note,
    /// scorer), the township's and the county's (`None`: that part is empty).
    pub sheet_digest: Option<u64>,
    pub check_digest: Option<u64>,
    pub audit_digest: Option<u64>,
    /// An inspection finding's officer (account) and answerer (member), and digests of the
    /// officer's part and of the team's answer (`None`: empty, or not a finding).
    pub found_by: Option<Uuid>,
    pub answered_by: Option<Uuid>,
    pub finding_digest: Option<u64>,
    pub answer_digest: Option<u64>,
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
            let allowed: &[&str] = if p.role == Role::FirstSecretary {
                &[
                    "household",
                    "person",
                    "followup",
                    "meeting",
                    "project",
                    "progress",
                    "situation",
                    "plan",
                    "finding",
                    "member",
                    "village",
                ]
            } else {
                &["household", "person", "followup", "meeting", "project", "progress", "situation", "plan", "finding"]
            };
            if let Some(t) = touches.iter().find(|t| !allowed.contains(&t.kind())) {
                return deny(
                    "registry_record",
                    format!("a {} may change households in the registry, not '{}'", p.role.label_zh(), t.key),
                );
            }
            // Removing a household (or a person of its roster: a member marks a person as left
            // instead; or a follow-up item: it is closed, not removed; or a meeting, project or
            // progress update, a year's situation or a plan item of the village ledger, issue 22: a
            // project is dropped and a plan item closed as missed, not removed)
            // takes it off every count: the first secretary's decision.
            let removes = |t: &&Touch| {
                matches!(
                    t.kind(),
                    "household" | "person" | "followup" | "meeting" | "project" | "progress" | "situation" | "plan"
                ) && t.before.is_some()
                    && t.after.is_none()
            };
            for t in touches.iter().filter(|t| t.kind() == "finding") {
                finding_answer(p, t)?;
            }
            if p.role == Role::Member {
                if let Some(t) = touches.iter().find(removes) {
                    return deny(
                        "household_delete",
                        format!(
                            "only the first secretary removes a household or a record of the village ledger ({}); ask them, the record stays until then",
                            t.key
                        ),
                    );
                }
            }
            Ok(())
        }
        (DocRef::Team { .. }, Role::CountyStaff) => {
            if touches.is_empty() {
                return deny("read_only", "county staff write only the audit of month scores in a team document");
            }
            for t in touches {
                match t.kind() {
                    "score" => score_change(p, t)?,
                    _ => {
                        return deny(
                            "read_only",
                            format!("county staff audit month scores and write nothing else of a team ('{}')", t.key),
                        )
                    }
                }
            }
            Ok(())
        }
        (DocRef::Team { .. }, Role::Member | Role::FirstSecretary | Role::TownshipStaff) => {
            let decides = matches!(p.role, Role::FirstSecretary | Role::TownshipStaff);
            for t in touches {
                match t.kind() {
                    "score" => score_change(p, t)?,
                    "filing" if decides => {}
                    "filing" => {
                        return deny("filing", "only the first secretary or the township files a month (月备案)")
                    }
                    "leave" => leave_change(p, decides, t)?,
                    "submission" => submission_change(p, t)?,
                    "report" => report_change(p, t)?,
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
                // Filing freezes the diary's text; attendance and visits still arrive late.
                let allowed = |t: &Touch| {
                    t.kind() != "diary" || (t.before.is_none() && t.after.is_some_and(|a| a.amends && a.member == me))
                };
                if !touches.iter().all(allowed) {
                    return deny(
                        "month_filed",
                        "this month's diary is filed (月备案): add an amendment to a diary entry instead of changing it",
                    );
                }
            }
            Ok(())
        }
        // Findings are what an officer writes in a registry (the page writes them for the
        // officer); with no records given (the server's early role check) that is allowed.
        (DocRef::Registry, Role::TownshipStaff | Role::CountyStaff) => {
            touches.iter().try_for_each(|t| finding_by_officer(p, t))
        }
        (DocRef::Assessment { .. }, Role::CountyStaff) => Ok(()),
        (_, Role::TownshipStaff | Role::CountyStaff) => {
            deny("read_only", "township and county staff read village data and do not write it")
        }
        (DocRef::Assessment { .. }, _) => deny("forbidden_role", "assessments are written by the county"),
        (_, Role::Admin) => deny("forbidden_role", "administrators manage accounts and write no village data"),
    }
}

/// An inspection finding touched by a team member (issue 16): the team answers findings
/// (answer, answered_by, answered_at), signed with its own account, and changes nothing of the
/// officer's part; it neither makes nor removes one.
fn finding_answer(p: &Principal, t: &Touch) -> Result<(), Denial> {
    match (&t.before, &t.after) {
        (None, _) => deny(
            "finding",
            "检查发现的问题由乡镇或县里在网页上填写,工作队只答复 / findings are written by the township or county on their page; the team answers them",
        ),
        (Some(_), None) => deny(
            "finding",
            "检查发现的问题不能删除,请填写整改情况答复 / a finding is not removed: answer it (整改情况) instead",
        ),
        (Some(b), Some(a)) => {
            if a.finding_digest != b.finding_digest {
                return deny(
                    "finding",
                    "发现的问题由检查人填写,工作队不能修改,请在答复中说明 / the finding is the officer's and cannot be changed by the team: say it in your answer",
                );
            }
            if a.answer_digest != b.answer_digest && (a.answer_digest.is_none() || a.answered_by != Some(p.account)) {
                return deny(
                    "finding",
                    "答复须由本人署名,且不能清空 / an answer is signed by the member who writes it and cannot be emptied",
                );
            }
            Ok(())
        }
    }
}

/// An inspection finding touched by a township or county officer (issue 16): a new one signed
/// with the officer's own account and not yet answered, or a correction of their own finding
/// that leaves the team's answer as it is; never a removal.
fn finding_by_officer(p: &Principal, t: &Touch) -> Result<(), Denial> {
    if t.kind() != "finding" {
        return deny(
            "read_only",
            format!("乡镇和县里只在村的台账中写检查发现的问题 / township and county staff write only inspection findings in a registry ('{}')", t.key),
        );
    }
    let mine = |f: &Facts| f.found_by == Some(p.account);
    let ok = match (&t.before, &t.after) {
        (None, Some(a)) => mine(a) && a.answer_digest.is_none(),
        (Some(b), Some(a)) => mine(b) && mine(a) && a.answer_digest == b.answer_digest,
        (_, None) => false,
    };
    if ok {
        Ok(())
    } else {
        deny(
            "finding",
            "检查人只能填写或更正自己署名的发现问题,不能改动工作队的答复,也不能删除 / an officer writes or corrects only findings signed with their own account, never the team's answer, and removes none",
        )
    }
}

/// One leave request touched in a team document by `p` (`decides`: first secretary or
/// township). See the module doc for the rules.
fn leave_change(p: &Principal, decides: bool, t: &Touch) -> Result<(), Denial> {
    let me = Some(p.account);
    let own = |f: &Facts| f.member == me;
    let pending = |f: &Facts| f.pending && f.state.is_none_or(|s| s == LeaveState::Pending);
    match (&t.before, &t.after) {
        // A new request: one's own, pending. The township decides, it does not ask.
        // A new request: one's own, pending — or already withdrawn, when it was made and
        // withdrawn offline and both arrive in one push.
        (None, Some(a))
            if p.role.in_village()
                && own(a)
                && (pending(a) || a.state == Some(LeaveState::Withdrawn))
                && a.returned_on.is_none() =>
        {
            Ok(())
        }
        (None, _) if p.role.in_village() => deny(
            "leave_decision",
            "a new leave request is one's own and pending: the first secretary or the township decides it",
        ),
        (None, _) => deny("leave_decision", "the township decides leave requests; it does not make them"),
        // One's own request: edit or withdraw while pending, report back once approved.
        (Some(b), after) if own(b) => {
            let ok = match after {
                // Deleting one's own request while it is pending (an old way to withdraw).
                None => pending(b),
                Some(a) if !own(a) => false,
                Some(a) if pending(b) => (pending(a) || a.state == Some(LeaveState::Withdrawn)) && a.returned_on.is_none(),
                Some(a) => {
                    b.state == Some(LeaveState::Approved)
                        && a.state == Some(LeaveState::Approved)
                        && (a.from, a.to) == (b.from, b.to)
                        // A record from before kinds has none: it is 事假, and a report back
                        // that writes the kind out changes nothing.
                        && a.kind.unwrap_or_default() == b.kind.unwrap_or_default()
                }
            };
            if ok {
                Ok(())
            } else if decides {
                deny(
                    "own_leave",
                    "nobody decides their own leave: the township decides the first secretary's leave. You may \
                     edit or withdraw your request while it is pending, and report back (销假) once it is approved",
                )
            } else {
                deny(
                    "leave_decision",
                    "a team member may request, edit or withdraw their own leave while it is pending and report \
                     back (销假) once it is approved; the first secretary or the township decides it",
                )
            }
        }
        // Someone else's request: deciding (or correcting) it is for the first secretary and
        // the township, and it stays that person's request.
        (Some(b), after) if decides => {
            if after.is_some_and(|a| a.member != b.member) {
                return deny("leave_decision", "a leave request stays the requester's: its member cannot change");
            }
            Ok(())
        }
        (Some(_), _) => deny(
            "leave_decision",
            "a team member may only request (or withdraw) their own leave; the first secretary or the township decides it",
        ),
    }
}

/// One month submission (提交本月) touched in a team document by `p`: only the member
/// themselves submits (or submits again) their month, and it stays theirs; never deleted.
/// Nothing about time: a submission is never refused for arriving late.
fn submission_change(p: &Principal, t: &Touch) -> Result<(), Denial> {
    let me = Some(p.account);
    if !p.role.in_village() {
        return deny("submission", "each member submits their own month from the app; the township files it");
    }
    let Some(a) = &t.after else {
        return deny("submission", "a month submission is never deleted: submit the month again to replace it");
    };
    if a.member != me || t.before.as_ref().is_some_and(|b| b.member != me) {
        return deny("submission", "only the member themselves submits their month (提交本月)");
    }
    Ok(())
}

/// One quarterly report (季报告) or yearly commitment (年承诺) touched in a team document by
/// `p`: the first secretary writes it, signed with their own account; the township reads it.
fn report_change(p: &Principal, t: &Touch) -> Result<(), Denial> {
    if p.role != Role::FirstSecretary {
        return deny(
            "report",
            "the first secretary writes the team's quarterly reports and yearly commitment; the township reads them",
        );
    }
    match &t.after {
        None => deny("report", "a filed report is never deleted: write it again to replace its text"),
        Some(a) if a.member != Some(p.account) => {
            deny("report", "a report is signed by the first secretary who writes it (member: their own account)")
        }
        Some(_) => Ok(()),
    }
}

/// One month score sheet touched in a team document by `p`. See the module doc for the chain.
fn score_change(p: &Principal, t: &Touch) -> Result<(), Denial> {
    let me = Some(p.account);
    let Some(a) = &t.after else {
        return deny("score", "a month score sheet is never deleted: the township returns it to be corrected instead");
    };
    let same_member = t.before.as_ref().is_none_or(|b| b.member == a.member);
    match p.role {
        Role::Member => deny("score", "the first secretary scores the team's months; a team member reads their own"),
        Role::Admin => deny("forbidden_role", "administrators write no village data"),
        Role::FirstSecretary => {
            if a.member == me {
                return deny("own_score", "nobody scores their own month: the township scores the first secretary");
            }
            let open = t
                .before
                .as_ref()
                .is_none_or(|b| matches!(b.score_state, Some(ScoreState::Entered | ScoreState::Returned)));
            if !open {
                return deny(
                    "score_chain",
                    "this month's score is with the township or the county now: it can be changed only after the township returns it",
                );
            }
            let (check, audit) = t.before.as_ref().map_or((None, None), |b| (b.check_digest, b.audit_digest));
            if a.member.is_none()
                || !same_member
                || a.scored_by != me
                || a.score_state != Some(ScoreState::Entered)
                || a.check_digest != check
                || a.audit_digest != audit
            {
                return deny(
                    "score_chain",
                    "the first secretary enters a sheet (state entered, scored by themselves) and leaves the township's \
                     and county's parts as they are",
                );
            }
            Ok(())
        }
        Role::TownshipStaff => {
            // The township scores the first secretary's month itself (the page offers it for the
            // first secretary only): a sheet it scores and checks with its own account, new or
            // still its own and not audited; nobody scores themselves.
            let own_sheet = t.before.as_ref().is_none_or(|b| {
                b.scored_by == me && b.checked_by == me && b.score_state == Some(ScoreState::Confirmed)
            });
            let scores = a.scored_by == me && a.checked_by == me && a.score_state == Some(ScoreState::Confirmed);
            if own_sheet && scores {
                if a.member.is_none() || a.member == me {
                    return deny("own_score", "nobody scores their own month");
                }
                let audit = t.before.as_ref().and_then(|b| b.audit_digest);
                if !same_member || a.audit_digest != audit {
                    return deny(
                        "score_chain",
                        "the township scores the first secretary's month for one member and leaves the county's audit empty",
                    );
                }
                return Ok(());
            }
            let Some(b) = &t.before else {
                return deny(
                    "score_chain",
                    "the township checks a sheet the first secretary entered, and scores (and so confirms) the first \
                     secretary's own month signed with its account as scorer and checker",
                );
            };
            let ok = b.score_state == Some(ScoreState::Entered)
                && matches!(a.score_state, Some(ScoreState::Confirmed | ScoreState::Returned))
                && a.checked_by == me
                && same_member
                && a.sheet_digest == b.sheet_digest
                && a.audit_digest == b.audit_digest;
            if ok {
                Ok(())
            } else {
                deny(
                    "score_chain",
                    "the township confirms or returns an entered sheet, signed with its own account, without changing \
                     the first secretary's items or the county's audit",
                )
            }
        }
        Role::CountyStaff => {
            let Some(b) = &t.before else {
                return deny("score_chain", "the county audits a sheet the township confirmed; it does not make one");
            };
            let ok = b.score_state == Some(ScoreState::Confirmed)
                && a.score_state == Some(ScoreState::Audited)
                && a.audited_by == me
                && same_member
                && a.sheet_digest == b.sheet_digest
                && a.check_digest == b.check_digest;
            if ok {
                Ok(())
            } else {
                deny(
                    "score_chain",
                    "the county audits a sheet the township confirmed, signed with its own account, changing only the \
                     audit (and optionally the month's points, with a note)",
                )
            }
        }
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
        let state = if pending { LeaveState::Pending } else { LeaveState::Approved };
        in_state(member, state)
    }

    fn in_state(member: Uuid, state: LeaveState) -> Option<Facts> {
        Some(Facts {
            member: Some(member),
            pending: state == LeaveState::Pending,
            state: Some(state),
            from: NaiveDate::from_ymd_opt(2026, 11, 10),
            to: NaiveDate::from_ymd_opt(2026, 11, 14),
            ..Facts::default()
        })
    }

    fn team_write(role: Role, account: Uuid, t: Touch) -> Result<(), Denial> {
        let p = Principal { account, ..who(role) };
        may_write(&p, &PLACE, &DocRef::Team { year: 2026 }, false, &[t])
    }

    #[test]
    fn only_the_member_submits_their_month_and_only_the_first_secretary_writes_reports() {
        let mine = Some(Facts { member: Some(ME), ..Facts::default() });
        let theirs = Some(Facts { member: Some(COLLEAGUE), ..Facts::default() });
        let code = |r: Result<(), Denial>| r.err().map_or("ok", |d| d.code);
        for role in [Role::Member, Role::FirstSecretary] {
            assert_eq!(code(team_write(role, ME, touch("submission/x", None, mine))), "ok", "{role}");
            assert_eq!(code(team_write(role, ME, touch("submission/x", mine, mine))), "ok", "{role} again");
            assert_eq!(code(team_write(role, ME, touch("submission/x", None, theirs))), "submission", "{role}");
            assert_eq!(code(team_write(role, ME, touch("submission/x", theirs, mine))), "submission", "{role}");
            assert_eq!(code(team_write(role, ME, touch("submission/x", mine, None))), "submission", "{role}");
        }
        let t = touch("submission/x", None, Some(Facts { member: Some(ME), ..Facts::default() }));
        assert_eq!(code(team_write(Role::TownshipStaff, ME, t.clone())), "submission");
        assert_eq!(code(team_write(Role::CountyStaff, ME, t)), "read_only");

        assert_eq!(code(team_write(Role::FirstSecretary, ME, touch("report/2026-Q3", None, mine))), "ok");
        assert_eq!(code(team_write(Role::FirstSecretary, ME, touch("report/2026-Q3", theirs, mine))), "ok");
        assert_eq!(code(team_write(Role::FirstSecretary, ME, touch("report/2026-Q3", None, theirs))), "report");
        assert_eq!(code(team_write(Role::FirstSecretary, ME, touch("report/2026-Q3", mine, None))), "report");
        assert_eq!(code(team_write(Role::Member, ME, touch("report/2026-Q3", None, mine))), "report");
        assert_eq!(code(team_write(Role::TownshipStaff, ME, touch("report/2026-Q3", None, mine))), "report");
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
        // The first secretary and the township decide a colleague's leave and file months.
        let approve_colleagues = touch("leave/a", leave(COLLEAGUE, true), leave(COLLEAGUE, false));
        for decider in [Role::FirstSecretary, Role::TownshipStaff] {
            assert!(may_write(&who(decider), &PLACE, &team, false, std::slice::from_ref(&approve_colleagues)).is_ok());
            assert!(may_write(&who(decider), &PLACE, &team, false, &[touch("filing/x", None, None)]).is_ok());
        }
        assert!(may_write(&who(Role::CountyStaff), &PLACE, &team, false, &[approve_colleagues]).is_err());
        let new_request = [touch("leave/c", None, leave(ME, true))];
        assert!(may_write(&who(Role::FirstSecretary), &PLACE, &team, false, &new_request).is_ok());
        assert!(may_write(&who(Role::TownshipStaff), &PLACE, &team, false, &new_request).is_err());
        // A new request must be pending: nobody files an already approved leave for themselves.
        assert!(may_write(&m, &PLACE, &team, false, &[touch("leave/d", None, leave(ME, false))]).is_err());
        // Made and withdrawn offline, arriving in one push: still one's own request.
        let withdrawn = touch("leave/e", None, in_state(ME, LeaveState::Withdrawn));
        assert!(may_write(&m, &PLACE, &team, false, std::slice::from_ref(&withdrawn)).is_ok());
        let theirs = touch("leave/f", None, in_state(COLLEAGUE, LeaveState::Withdrawn));
        assert!(may_write(&m, &PLACE, &team, false, &[theirs]).is_err());
    }

    #[test]
    fn nobody_decides_their_own_leave_and_the_township_decides_the_first_secretarys() {
        // The first secretary (ME) asks; approving or rejecting it themselves is refused.
        for decision in [LeaveState::Approved, LeaveState::Rejected] {
            let own = touch("leave/a", in_state(ME, LeaveState::Pending), in_state(ME, decision));
            let err = team_write(Role::FirstSecretary, ME, own.clone()).expect_err("own decision");
            assert_eq!(err.code, "own_leave");
            assert!(err.message.contains("township"), "{}", err.message);
            // The township decides it.
            assert_eq!(team_write(Role::TownshipStaff, Uuid::from_u128(50), own), Ok(()));
        }
        // A member (COLLEAGUE) asks: the first secretary or the township decides.
        let members =
            touch("leave/b", in_state(COLLEAGUE, LeaveState::Pending), in_state(COLLEAGUE, LeaveState::Approved));
        assert_eq!(team_write(Role::FirstSecretary, ME, members.clone()), Ok(()));
        assert_eq!(team_write(Role::TownshipStaff, Uuid::from_u128(50), members.clone()), Ok(()));
        assert_eq!(team_write(Role::Member, COLLEAGUE, members).expect_err("own").code, "leave_decision");
        // Deciding keeps the requester.
        let reassigned = touch("leave/b", in_state(COLLEAGUE, LeaveState::Pending), in_state(ME, LeaveState::Approved));
        assert!(team_write(Role::FirstSecretary, ME, reassigned).is_err());
    }

    #[test]
    fn the_requester_withdraws_while_pending_and_reports_back_once_approved() {
        for role in [Role::Member, Role::FirstSecretary] {
            // Withdraw (撤回) while pending.
            let withdraw = touch("leave/a", in_state(ME, LeaveState::Pending), in_state(ME, LeaveState::Withdrawn));
            assert_eq!(team_write(role, ME, withdraw), Ok(()), "{role}");
            // Not once decided: an approved leave is closed by reporting back, not withdrawn.
            let late = touch("leave/a", in_state(ME, LeaveState::Approved), in_state(ME, LeaveState::Withdrawn));
            assert!(team_write(role, ME, late).is_err(), "{role}");
            // Nor re-opened once withdrawn.
            let reopen = touch("leave/a", in_state(ME, LeaveState::Withdrawn), in_state(ME, LeaveState::Pending));
            assert!(team_write(role, ME, reopen).is_err(), "{role}");
            // 销假 on an approved leave: back on the 12th.
            let mut back = in_state(ME, LeaveState::Approved);
            if let Some(f) = back.as_mut() {
                f.returned_on = NaiveDate::from_ymd_opt(2026, 11, 12);
            }
            let report = touch("leave/a", in_state(ME, LeaveState::Approved), back);
            assert_eq!(team_write(role, ME, report), Ok(()), "{role}");
            // An old approved request (no kind) reported back by a version that writes 事假 out.
            let mut kinded = back;
            if let Some(f) = kinded.as_mut() {
                f.kind = Some(LeaveKind::Personal);
            }
            assert_eq!(team_write(role, ME, touch("leave/a", in_state(ME, LeaveState::Approved), kinded)), Ok(()));
            // Reporting back does not lengthen the leave or change its kind.
            let mut longer = back;
            if let Some(f) = longer.as_mut() {
                f.to = NaiveDate::from_ymd_opt(2026, 11, 20);
            }
            assert!(team_write(role, ME, touch("leave/a", in_state(ME, LeaveState::Approved), longer)).is_err());
            let mut other_kind = back;
            if let Some(f) = other_kind.as_mut() {
                f.kind = Some(LeaveKind::Training);
            }
            assert!(team_write(role, ME, touch("leave/a", in_state(ME, LeaveState::Approved), other_kind)).is_err());
            // Nobody reports back on a colleague's leave.
            let colleague = touch("leave/b", in_state(COLLEAGUE, LeaveState::Approved), {
                let mut f = in_state(COLLEAGUE, LeaveState::Approved);
                if let Some(x) = f.as_mut() {
                    x.returned_on = NaiveDate::from_ymd_opt(2026, 11, 12);
                }
                f
            });
            assert!(team_write(Role::Member, ME, colleague.clone()).is_err());
            // (The first secretary may correct a colleague's request, as a decider.)
            assert_eq!(team_write(Role::FirstSecretary, ME, colleague), Ok(()));
        }
    }

    #[test]
    fn a_log_is_its_owners_and_a_filed_month_freezes_only_the_diary_text() {
        let month = YearMonth { year: 2026, month: 11 };
        let mine = DocRef::Log { member: ME, month };
        let theirs = DocRef::Log { member: COLLEAGUE, month };
        let checkin = [touch("checkin/x", None, Some(Facts { member: Some(ME), ..Facts::default() }))];
        let visit = [touch("visit/x", None, Some(Facts { member: Some(ME), ..Facts::default() }))];
        for role in [Role::Member, Role::FirstSecretary] {
            assert!(may_write(&who(role), &PLACE, &mine, false, &checkin).is_ok());
            assert_eq!(may_write(&who(role), &PLACE, &theirs, false, &checkin).expect_err("test").code, "not_owner");
            assert_eq!(may_write(&who(role), &PLACE, &theirs, true, &checkin).expect_err("test").code, "not_owner");
            // Check-ins and visits of a filed month arrive late and are accepted.
            assert_eq!(may_write(&who(role), &PLACE, &mine, true, &checkin), Ok(()));
            assert_eq!(may_write(&who(role), &PLACE, &mine, true, &visit), Ok(()));
        }
        let amendment = [touch("diary/y", None, Some(Facts { member: Some(ME), amends: true, ..Facts::default() }))];
        assert!(may_write(&who(Role::Member), &PLACE, &mine, true, &amendment).is_ok());
        let edit = [touch("diary/y", Some(Facts::default()), Some(Facts { member: Some(ME), ..Facts::default() }))];
        assert_eq!(may_write(&who(Role::Member), &PLACE, &mine, true, &edit).expect_err("edit").code, "month_filed");
        let new_entry = [touch("diary/z", None, Some(Facts { member: Some(ME), ..Facts::default() }))];
        assert_eq!(
            may_write(&who(Role::Member), &PLACE, &mine, true, &new_entry).expect_err("new").code,
            "month_filed"
        );
        // A push mixing a late check-in and a diary edit is refused as a whole.
        let mixed = [checkin[0].clone(), edit[0].clone()];
        assert!(may_write(&who(Role::Member), &PLACE, &mine, true, &mixed).is_err());
        // Before filing, the entry is corrected in place.
        assert_eq!(may_write(&who(Role::Member), &PLACE, &mine, false, &edit), Ok(()));
    }

    const SHEET: &str = "score/2026-10-00000000-0000-0000-0000-00000000000b";
    const TOWNSHIP: Uuid = Uuid::from_u128(20);
    const COUNTY: Uuid = Uuid::from_u128(30);

    fn sheet(state: ScoreState, items: u64, check: Option<u64>, audit: Option<u64>) -> Facts {
        Facts {
            member: Some(COLLEAGUE),
            score_state: Some(state),
            scored_by: Some(ME),
            checked_by: check.map(|_| TOWNSHIP),
            audited_by: audit.map(|_| COUNTY),
            sheet_digest: Some(items),
            check_digest: check,
            audit_digest: audit,
            ..Facts::default()
        }
    }

    fn score(role: Role, account: Uuid, before: Option<Facts>, after: Option<Facts>) -> Result<(), Denial> {
        team_write(role, account, touch(SHEET, before, after)).map_err(|d| Denial { message: String::new(), ..d })
    }

    fn code(r: Result<(), Denial>) -> &'static str {
        r.err().map_or("ok", |d| d.code)
    }

    #[test]
    fn the_first_secretary_enters_a_members_sheet_while_it_is_new_entered_or_returned() {
        use ScoreState::*;
        let fs = Role::FirstSecretary;
        let entered = sheet(Entered, 1, None, None);
        assert_eq!(code(score(fs, ME, None, Some(entered))), "ok");
        assert_eq!(code(score(fs, ME, Some(entered), Some(sheet(Entered, 2, None, None)))), "ok");
        // Re-entered after a return: the township's part stays.
        let returned = sheet(Returned, 1, Some(5), None);
        assert_eq!(code(score(fs, ME, Some(returned), Some(sheet(Entered, 2, Some(5), None)))), "ok");
        // Not their own month.
        let own = Facts { member: Some(ME), ..entered };
        assert_eq!(code(score(fs, ME, None, Some(own))), "own_score");
        // Not confirmed or audited sheets, not the township's part, not another state, not someone else's name.
        assert_eq!(
            code(score(fs, ME, Some(sheet(Confirmed, 1, Some(5), None)), Some(sheet(Entered, 2, Some(5), None)))),
            "score_chain"
        );
        assert_eq!(code(score(fs, ME, Some(returned), Some(sheet(Entered, 2, Some(6), None)))), "score_chain");
        assert_eq!(code(score(fs, ME, None, Some(sheet(Confirmed, 1, None, None)))), "score_chain");
        assert_eq!(code(score(fs, ME, None, Some(sheet(Entered, 1, None, Some(7))))), "score_chain");
        assert_eq!(code(score(fs, ME, None, Some(Facts { scored_by: Some(COLLEAGUE), ..entered }))), "score_chain");
        assert_eq!(code(score(fs, ME, Some(entered), Some(Facts { member: Some(T), ..entered }))), "score_chain");
        // Never deleted.
        assert_eq!(code(score(fs, ME, Some(entered), None)), "score");
    }

    #[test]
    fn a_team_member_writes_no_sheet() {
        let entered = sheet(ScoreState::Entered, 1, None, None);
        assert_eq!(code(score(Role::Member, ME, None, Some(entered))), "score");
        assert_eq!(code(score(Role::Member, COLLEAGUE, Some(entered), Some(entered))), "score");
    }

    #[test]
    fn the_township_confirms_or_returns_an_entered_sheet_without_changing_it() {
        use ScoreState::*;
        let tw = Role::TownshipStaff;
        let entered = sheet(Entered, 1, None, None);
        assert_eq!(code(score(tw, TOWNSHIP, Some(entered), Some(sheet(Confirmed, 1, Some(5), None)))), "ok");
        assert_eq!(code(score(tw, TOWNSHIP, Some(entered), Some(sheet(Returned, 1, Some(5), None)))), "ok");
        // Signed by someone else, items changed, not entered yet, made by the township, audited.
        assert_eq!(code(score(tw, COUNTY, Some(entered), Some(sheet(Confirmed, 1, Some(5), None)))), "score_chain");
        assert_eq!(code(score(tw, TOWNSHIP, Some(entered), Some(sheet(Confirmed, 2, Some(5), None)))), "score_chain");
        assert_eq!(
            code(score(
                tw,
                TOWNSHIP,
                Some(sheet(Returned, 1, Some(5), None)),
                Some(sheet(Confirmed, 1, Some(6), None))
            )),
            "score_chain"
        );
        assert_eq!(code(score(tw, TOWNSHIP, None, Some(sheet(Confirmed, 1, Some(5), None)))), "score_chain");
        assert_eq!(code(score(tw, TOWNSHIP, Some(entered), Some(sheet(Audited, 1, Some(5), None)))), "score_chain");
    }

    #[test]
    fn the_township_scores_the_first_secretarys_month_signed_as_scorer_and_checker() {
        use ScoreState::*;
        let tw = Role::TownshipStaff;
        // The first secretary's (ME's) month, scored and checked by the township in one go.
        let by_township = |items: u64| Facts {
            member: Some(ME),
            score_state: Some(Confirmed),
            scored_by: Some(TOWNSHIP),
            checked_by: Some(TOWNSHIP),
            sheet_digest: Some(items),
            check_digest: Some(9),
            ..Facts::default()
        };
        assert_eq!(code(score(tw, TOWNSHIP, None, Some(by_township(1)))), "ok");
        // Corrected by the township before the county audits it.
        assert_eq!(code(score(tw, TOWNSHIP, Some(by_township(1)), Some(by_township(2)))), "ok");
        // Nobody scores themselves; not another officer's sheet; not with an audit; not entered.
        assert_eq!(
            code(score(tw, TOWNSHIP, None, Some(Facts { member: Some(TOWNSHIP), ..by_township(1) }))),
            "own_score"
        );
        let other = Facts { scored_by: Some(COUNTY), checked_by: Some(COUNTY), ..by_township(1) };
        assert_eq!(code(score(tw, TOWNSHIP, Some(other), Some(by_township(2)))), "score_chain");
        assert_eq!(
            code(score(tw, TOWNSHIP, None, Some(Facts { audit_digest: Some(7), ..by_township(1) }))),
            "score_chain"
        );
        assert_eq!(
            code(score(tw, TOWNSHIP, None, Some(Facts { score_state: Some(Entered), ..by_township(1) }))),
            "score_chain"
        );
        // The first secretary never touches it (it is not entered or returned), nor scores their own.
        assert_eq!(code(score(Role::FirstSecretary, ME, Some(by_township(1)), Some(by_township(2)))), "own_score");
        let fs_own = Facts { scored_by: Some(ME), checked_by: None, score_state: Some(Entered), ..by_township(1) };
        assert_eq!(code(score(Role::FirstSecretary, ME, None, Some(fs_own))), "own_score");
        // The county audits it like the others.
        let audited =
            Facts { score_state: Some(Audited), audited_by: Some(COUNTY), audit_digest: Some(7), ..by_township(1) };
        assert_eq!(code(score(Role::CountyStaff, COUNTY, Some(by_township(1)), Some(audited))), "ok");
        // Once audited, the township cannot change it.
        assert_eq!(code(score(tw, TOWNSHIP, Some(audited), Some(by_township(2)))), "score_chain");
    }

    #[test]
    fn the_county_audits_a_confirmed_sheet_and_writes_nothing_else_of_a_team() {
        use ScoreState::*;
        let cs = Role::CountyStaff;
        let confirmed = sheet(Confirmed, 1, Some(5), None);
        assert_eq!(code(score(cs, COUNTY, Some(confirmed), Some(sheet(Audited, 1, Some(5), Some(7))))), "ok");
        assert_eq!(
            code(score(cs, TOWNSHIP, Some(confirmed), Some(sheet(Audited, 1, Some(5), Some(7))))),
            "score_chain"
        );
        assert_eq!(
            code(score(cs, COUNTY, Some(sheet(Entered, 1, None, None)), Some(sheet(Audited, 1, None, Some(7))))),
            "score_chain"
        );
        assert_eq!(code(score(cs, COUNTY, Some(confirmed), Some(sheet(Audited, 2, Some(5), Some(7))))), "score_chain");
        assert_eq!(code(score(cs, COUNTY, Some(confirmed), Some(sheet(Audited, 1, Some(6), Some(7))))), "score_chain");
        assert_eq!(code(score(cs, COUNTY, None, Some(sheet(Audited, 1, None, Some(7))))), "score_chain");
        let p = Principal { account: COUNTY, ..who(cs) };
        let team = DocRef::Team { year: 2026 };
        for key in ["leave/x", "filing/2026-10-x"] {
            let t = [touch(key, None, leave(ME, true))];
            assert_eq!(code(may_write(&p, &PLACE, &team, false, &t)), "read_only", "{key}");
        }
        // Another county's staff reads nothing of this village.
        let other = Principal { county: Some(Uuid::from_u128(99)), ..p };
        let t = [touch(SHEET, Some(confirmed), Some(sheet(Audited, 1, Some(5), Some(7))))];
        assert_eq!(code(may_write(&other, &PLACE, &team, false, &t)), "other_village");
    }

    #[test]
    fn staff_write_only_assessments_and_admins_nothing() {
        // County staff: assessments, and findings in a registry (issue 16; judged per record).
        let docs = [DocRef::Registry, DocRef::Team { year: 2026 }, DocRef::Assessment { year: 2026 }];
        for role in [Role::CountyStaff, Role::Admin] {
            for d in &docs {
                let ok = may_write(&who(role), &PLACE, d, false, &[]).is_ok();
                let expected = role == Role::CountyStaff && matches!(d, DocRef::Assessment { .. } | DocRef::Registry);
                assert_eq!(ok, expected, "{role} {d}");
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
    fn only_the_first_secretary_removes_a_household() {
        let gone = [touch("household/h1", Some(Facts::default()), None)];
        let edit = [touch("household/h1", Some(Facts::default()), Some(Facts::default()))];
        let added = [touch("household/h2", None, Some(Facts::default()))];
        let member = who(Role::Member);
        assert_eq!(
            may_write(&member, &PLACE, &DocRef::Registry, false, &gone).expect_err("member deletes").code,
            "household_delete"
        );
        assert_eq!(may_write(&member, &PLACE, &DocRef::Registry, false, &edit), Ok(()));
        assert_eq!(may_write(&member, &PLACE, &DocRef::Registry, false, &added), Ok(()));
        assert_eq!(may_write(&who(Role::FirstSecretary), &PLACE, &DocRef::Registry, false, &gone), Ok(()));
    }

    #[test]
    fn a_member_makes_and_closes_follow_up_items_but_only_the_first_secretary_removes_one() {
        let member = who(Role::Member);
        let made = [touch("followup/f1", None, Some(Facts::default()))];
        let closed = [touch("followup/f1", Some(Facts::default()), Some(Facts::default()))];
        let gone = [touch("followup/f1", Some(Facts::default()), None)];
        assert_eq!(may_write(&member, &PLACE, &DocRef::Registry, false, &made), Ok(()));
        assert_eq!(may_write(&member, &PLACE, &DocRef::Registry, false, &closed), Ok(()));
        assert!(may_write(&member, &PLACE, &DocRef::Registry, false, &gone).is_err());
        assert_eq!(may_write(&who(Role::FirstSecretary), &PLACE, &DocRef::Registry, false, &gone), Ok(()));
    }

    #[test]
    fn a_member_records_meetings_and_projects_but_only_the_first_secretary_removes_one() {
        let member = who(Role::Member);
        for kind in ["meeting", "project", "progress", "situation", "plan"] {
            let key = format!("{kind}/x1");
            let made = [touch(&key, None, Some(Facts::default()))];
            let edited = [touch(&key, Some(Facts::default()), Some(Facts::default()))];
            let gone = [touch(&key, Some(Facts::default()), None)];
            assert_eq!(may_write(&member, &PLACE, &DocRef::Registry, false, &made), Ok(()), "{kind}");
            assert_eq!(may_write(&member, &PLACE, &DocRef::Registry, false, &edited), Ok(()), "{kind}");
            assert!(may_write(&member, &PLACE, &DocRef::Registry, false, &gone).is_err(), "{kind}");
            assert_eq!(may_write(&who(Role::FirstSecretary), &PLACE, &DocRef::Registry, false, &gone), Ok(()));
            // Not in a team document or a log.
            assert!(may_write(&member, &PLACE, &DocRef::Team { year: 2026 }, false, &made).is_err(), "{kind}");
        }
    }

    #[test]
    fn officers_write_findings_and_the_team_answers_them_each_its_own_part() {
        let reg = |role: Role, account: Uuid, t: Touch| {
            may_write(&Principal { account, ..who(role) }, &PLACE, &DocRef::Registry, false, &[t])
        };
        let found = |by: Uuid, text: u64| Facts { found_by: Some(by), finding_digest: Some(text), ..Facts::default() };
        let answered =
            |by: Uuid, answer: u64| Facts { answered_by: Some(by), answer_digest: Some(answer), ..found(TOWNSHIP, 1) };
        let (tw, county) = (Role::TownshipStaff, Role::CountyStaff);
        // The township and the county write a finding signed with their own account.
        assert_eq!(code(reg(tw, TOWNSHIP, touch("finding/x", None, Some(found(TOWNSHIP, 1))))), "ok");
        assert_eq!(code(reg(county, COUNTY, touch("finding/x", None, Some(found(COUNTY, 1))))), "ok");
        assert_eq!(code(reg(tw, TOWNSHIP, touch("finding/x", None, Some(found(COUNTY, 1))))), "finding");
        assert_eq!(code(reg(tw, TOWNSHIP, touch("finding/x", None, Some(answered(ME, 2))))), "finding");
        // ...correct their own, never the answer, never remove one, and write nothing else.
        let b = Some(found(TOWNSHIP, 1));
        assert_eq!(code(reg(tw, TOWNSHIP, touch("finding/x", b, Some(found(TOWNSHIP, 3))))), "ok");
        assert_eq!(code(reg(county, COUNTY, touch("finding/x", b, Some(found(COUNTY, 3))))), "finding");
        assert_eq!(
            code(reg(tw, TOWNSHIP, touch("finding/x", Some(answered(ME, 2)), Some(found(TOWNSHIP, 1))))),
            "finding"
        );
        assert_eq!(code(reg(tw, TOWNSHIP, touch("finding/x", b, None))), "finding");
        assert_eq!(code(reg(tw, TOWNSHIP, touch("household/x", None, Some(Facts::default())))), "read_only");
        assert_eq!(code(reg(county, COUNTY, touch("followup/x", None, Some(Facts::default())))), "read_only");
        // A team member answers it signed with their own account, keeps the officer's text,
        // may correct their answer; makes none, removes none, answers for nobody else.
        for role in [Role::Member, Role::FirstSecretary] {
            assert_eq!(code(reg(role, ME, touch("finding/x", b, Some(answered(ME, 2))))), "ok", "{role}");
            assert_eq!(code(reg(role, ME, touch("finding/x", Some(answered(ME, 2)), Some(answered(ME, 4))))), "ok");
            assert_eq!(code(reg(role, ME, touch("finding/x", b, Some(answered(COLLEAGUE, 2))))), "finding");
            assert_eq!(code(reg(role, ME, touch("finding/x", Some(answered(ME, 2)), b))), "finding", "not emptied");
            assert_eq!(
                code(reg(role, ME, touch("finding/x", b, Some(Facts { finding_digest: Some(9), ..answered(ME, 2) })))),
                "finding"
            );
            assert_eq!(code(reg(role, ME, touch("finding/x", None, Some(found(ME, 1))))), "finding");
            assert_eq!(code(reg(role, ME, touch("finding/x", b, None))), "finding");
        }
        // Another township's officer reads and writes nothing of this village.
        let stranger = Principal { account: TOWNSHIP, township: Some(Uuid::from_u128(99)), ..who(tw) };
        let t = touch("finding/x", None, Some(found(TOWNSHIP, 1)));
        assert_eq!(code(may_write(&stranger, &PLACE, &DocRef::Registry, false, &[t])), "other_village");
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
