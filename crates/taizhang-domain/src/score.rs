//! A member's monthly score sheet (scheme B, seed 002): the first secretary's bonuses,
//! deductions and vetoes, then the township's check and the county's audit, each keeping who
//! set it and when.

use serde::{Deserialize, Serialize};

use crate::{local_date, DomainError, LedgerView, Limits, MemberId, Timestamp, YearMonth};

/// One line of a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ScoreItemKind {
    /// 加分: an outstanding result.
    Bonus,
    /// 扣分: a problem.
    Deduction,
    /// 一票否决: the month scores 0.
    Veto,
}

impl ScoreItemKind {
    pub const ALL: [ScoreItemKind; 3] = [ScoreItemKind::Bonus, ScoreItemKind::Deduction, ScoreItemKind::Veto];
    pub fn code(self) -> &'static str {
        match self {
            ScoreItemKind::Bonus => "bonus",
            ScoreItemKind::Deduction => "deduction",
            ScoreItemKind::Veto => "veto",
        }
    }
    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            ScoreItemKind::Bonus => "加分",
            ScoreItemKind::Deduction => "扣分",
            ScoreItemKind::Veto => "一票否决",
        }
    }
    /// Accepts the code or the Chinese name.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|k| k.code() == s || k.zh() == s).ok_or_else(|| DomainError::UnknownCode {
            field: "score item kind",
            value: s.chars().take(40).collect(),
            expected: "bonus, deduction, veto",
        })
    }
}

/// A bonus, deduction or veto with its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreItem {
    pub kind: ScoreItemKind,
    pub points: f64,
    pub reason: String,
}

/// Where a sheet is in the chain: entered by the first secretary, checked by the township
/// (confirmed or returned), audited by the county.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ScoreState {
    /// 已录入: waiting for the township.
    Entered,
    /// 镇级已确认: waiting for the county's audit.
    Confirmed,
    /// 镇级退回: back to the first secretary, with the township's reason.
    Returned,
    /// 县级已审核.
    Audited,
}

impl ScoreState {
    pub const ALL: [ScoreState; 4] =
        [ScoreState::Entered, ScoreState::Confirmed, ScoreState::Returned, ScoreState::Audited];
    pub fn code(self) -> &'static str {
        match self {
            ScoreState::Entered => "entered",
            ScoreState::Confirmed => "confirmed",
            ScoreState::Returned => "returned",
            ScoreState::Audited => "audited",
        }
    }
    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            ScoreState::Entered => "已录入，待镇级把关",
            ScoreState::Confirmed => "镇级已确认，待县级审核",
            ScoreState::Returned => "镇级退回，待第一书记修改",
            ScoreState::Audited => "县级已审核",
        }
    }
    pub fn from_code(s: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|c| c.code() == s).ok_or_else(|| DomainError::UnknownCode {
            field: "score state",
            value: s.chars().take(40).collect(),
            expected: "entered, confirmed, returned, audited",
        })
    }
}

/// One member's score sheet for one month (月度评价打分).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthScoreSheet {
    pub member: MemberId,
    pub month: YearMonth,
    pub items: Vec<ScoreItem>,
    /// The first secretary's comment.
    pub note: String,
    /// The first secretary who scored.
    pub scored_by: MemberId,
    pub scored_at: Timestamp,
    pub state: ScoreState,
    /// The township officer's account.
    pub checked_by: Option<uuid::Uuid>,
    pub checked_at: Option<Timestamp>,
    /// Required when returned.
    pub check_note: String,
    /// The county officer's account.
    pub audited_by: Option<uuid::Uuid>,
    pub audited_at: Option<Timestamp>,
    /// The county's override of the month's points, if any.
    pub audit_points: Option<f64>,
    /// Required when `audit_points` is set.
    pub audit_note: String,
}

/// At most this many items on one sheet.
pub const MAX_SCORE_ITEMS: usize = 20;

/// A score sheet: points of an item in (0, 10] (a veto's are 0), a reason for each, at most
/// [`MAX_SCORE_ITEMS`] items, a month that has ended (Asia/Shanghai), the township's reason when
/// it returns the sheet, the county's note when it overrides the points (0 to 10).
pub fn validate_score_sheet(
    s: &MonthScoreSheet,
    view: &impl LedgerView,
    now: Timestamp,
    limits: &Limits,
) -> Result<(), DomainError> {
    // The scorer is a member of the team (the first secretary), or the township officer who
    // scored the first secretary's month and checked it in one go (`checked_by` = `scored_by`).
    let by_township = s.checked_by == Some(s.scored_by.0);
    for m in [s.member, s.scored_by] {
        if !(view.member_exists(m) || (by_township && m == s.scored_by)) {
            return Err(DomainError::UnknownMember(m.to_string()));
        }
    }
    if s.items.len() > MAX_SCORE_ITEMS {
        return Err(DomainError::OutOfRange {
            field: "score items",
            detail: format!("{} items, at most {MAX_SCORE_ITEMS}: merge related items", s.items.len()),
        });
    }
    let max_reason = limits.max_name_chars * 5;
    for item in &s.items {
        match item.kind {
            ScoreItemKind::Veto if item.points != 0.0 => {
                return Err(DomainError::OutOfRange {
                    field: "veto points",
                    detail: format!("{} given; a veto (一票否决) has 0 points and sets the month to 0", item.points),
                })
            }
            ScoreItemKind::Veto => {}
            _ if !(item.points > 0.0 && item.points <= 10.0) => {
                return Err(DomainError::OutOfRange {
                    field: "item points",
                    detail: format!("{} given; a bonus or deduction is more than 0 and at most 10", item.points),
                })
            }
            _ => {}
        }
        crate::validate::text("item reason", &item.reason, max_reason, true)?;
    }
    crate::validate::text("note", &s.note, limits.max_text_chars, false)?;
    crate::validate::text("check note", &s.check_note, max_reason, s.state == ScoreState::Returned)?;
    crate::validate::text("audit note", &s.audit_note, max_reason, s.audit_points.is_some())?;
    if let Some(p) = s.audit_points {
        if !(0.0..=10.0).contains(&p) {
            return Err(DomainError::OutOfRange {
                field: "audit points",
                detail: format!("{p} given; the month's points are 0 to 10"),
            });
        }
    }
    crate::validate::not_future(s.scored_at, now, limits)?;
    if local_date(now) <= s.month.last_day() {
        return Err(DomainError::MonthNotOver { month: s.month, opens: s.month.next().first_day().to_string() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DiaryId;
    use crate::HouseholdId;

    struct View(MemberId, MemberId);
    impl LedgerView for View {
        fn household_exists(&self, _: HouseholdId) -> bool {
            false
        }
        fn member_exists(&self, id: MemberId) -> bool {
            id == self.0 || id == self.1
        }
        fn month_filed(&self, _: MemberId, _: YearMonth) -> bool {
            false
        }
        fn diary_entry_exists(&self, _: DiaryId) -> bool {
            false
        }
    }

    const NOW: Timestamp = 1_795_536_000_000; // 2026-11-25 00:00 Shanghai

    fn sheet(view: &View) -> MonthScoreSheet {
        MonthScoreSheet {
            member: view.0,
            month: YearMonth { year: 2026, month: 10 },
            items: vec![ScoreItem { kind: ScoreItemKind::Bonus, points: 0.5, reason: "产业项目落地".into() }],
            note: String::new(),
            scored_by: view.1,
            scored_at: NOW,
            state: ScoreState::Entered,
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
    fn a_sheet_is_checked_item_by_item_and_along_the_chain() {
        let view = View(MemberId(uuid::Uuid::now_v7()), MemberId(uuid::Uuid::now_v7()));
        let lim = Limits::default();
        let ok = sheet(&view);
        assert_eq!(validate_score_sheet(&ok, &view, NOW, &lim), Ok(()));
        let mut s = ok.clone();
        s.month = YearMonth { year: 2026, month: 11 };
        assert!(matches!(validate_score_sheet(&s, &view, NOW, &lim), Err(DomainError::MonthNotOver { .. })));
        for points in [0.0, -1.0, 10.5, f64::NAN] {
            let mut s = ok.clone();
            s.items[0].points = points;
            assert!(validate_score_sheet(&s, &view, NOW, &lim).is_err(), "{points}");
        }
        let mut s = ok.clone();
        s.items[0].reason = " ".into();
        assert_eq!(validate_score_sheet(&s, &view, NOW, &lim), Err(DomainError::Empty { field: "item reason" }));
        let mut s = ok.clone();
        s.items.push(ScoreItem { kind: ScoreItemKind::Veto, points: 1.0, reason: "脱岗".into() });
        assert!(validate_score_sheet(&s, &view, NOW, &lim).is_err());
        s.items[1].points = 0.0;
        assert_eq!(validate_score_sheet(&s, &view, NOW, &lim), Ok(()));
        let mut s = ok.clone();
        s.items = vec![ok.items[0].clone(); MAX_SCORE_ITEMS + 1];
        assert!(validate_score_sheet(&s, &view, NOW, &lim).is_err());
        let mut s = ok.clone();
        s.state = ScoreState::Returned;
        assert_eq!(validate_score_sheet(&s, &view, NOW, &lim), Err(DomainError::Empty { field: "check note" }));
        s.check_note = "扣分依据不清".into();
        assert_eq!(validate_score_sheet(&s, &view, NOW, &lim), Ok(()));
        let mut s = ok.clone();
        s.audit_points = Some(9.0);
        assert_eq!(validate_score_sheet(&s, &view, NOW, &lim), Err(DomainError::Empty { field: "audit note" }));
        s.audit_note = "核实后调整".into();
        assert_eq!(validate_score_sheet(&s, &view, NOW, &lim), Ok(()));
        s.audit_points = Some(11.0);
        assert!(validate_score_sheet(&s, &view, NOW, &lim).is_err());
        let mut s = ok;
        s.member = MemberId(uuid::Uuid::now_v7());
        assert!(matches!(validate_score_sheet(&s, &view, NOW, &lim), Err(DomainError::UnknownMember(_))));
    }

    #[test]
    fn kinds_and_states_read_from_codes() {
        for k in ScoreItemKind::ALL {
            assert_eq!(ScoreItemKind::parse(k.code()), Ok(k));
            assert_eq!(ScoreItemKind::parse(k.zh()), Ok(k));
        }
        for s in ScoreState::ALL {
            assert_eq!(ScoreState::from_code(s.code()), Ok(s));
        }
        assert!(ScoreState::from_code("approved").is_err());
    }
}
