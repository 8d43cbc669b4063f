//! What county staff enter on the county page that no field record holds (DOMAIN.md: scheme
//! A's results, villagers' evaluation and assessment; training days; the seven ones the records
//! cannot decide; scheme B's bonuses, deductions and vetoes for a month): the JSON shapes, their
//! checks against the county's policy (so nothing unusable is stored), and the lookup the views
//! use. The server stores them per village, member and period (`YYYY` or `YYYY-MM`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use taizhang_domain::{MemberId, YearMonth};
use taizhang_rules::{AppliedItem, Policy, RulesError, SchemeAInputs};

use crate::CountyError;

/// The scheme B item the records decide by themselves (a working day without a diary entry):
/// applied automatically, so it cannot also be entered.
pub const DERIVED_ITEM: &str = "diary_missing";

/// The scheme B item for a day absent without leave: while the policy deducts absence by
/// itself (`scheme_b.absence_deduction_per_day` > 0) it cannot also be entered.
pub const ABSENCE_ITEM: &str = "absent_without_leave";

/// A member's year, as county staff entered it. Absent values are "not entered yet".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearInputs {
    /// 工作实绩, points (0..=scheme_a.results).
    #[serde(default)]
    pub results: Option<f64>,
    /// 群众评议, points (0..=scheme_a.evaluation).
    #[serde(default)]
    pub evaluation: Option<f64>,
    /// 工作评价, points (0..=scheme_a.assessment).
    #[serde(default)]
    pub assessment: Option<f64>,
    /// Training days attended in the year.
    #[serde(default)]
    pub training_days: Option<u32>,
    /// Seven-ones items the records cannot decide, by code.
    #[serde(default)]
    pub seven_ones: BTreeMap<String, bool>,
}

impl YearInputs {
    /// The three entered components of scheme A, once all are entered.
    pub fn scheme_a(&self) -> Option<SchemeAInputs> {
        self.scheme_a_with(None)
    }

    /// Scheme A's components with the villagers' evaluation taken from `survey` (民主测评) when
    /// no points were typed for it: the typed points are the county's final word.
    pub fn scheme_a_with(&self, survey: Option<&SurveyEntry>) -> Option<SchemeAInputs> {
        let (evaluation, survey) = match (self.evaluation, survey) {
            (Some(points), _) => (points, None),
            (None, Some(s)) => (0.0, Some(s.survey)),
            (None, None) => return None,
        };
        Some(SchemeAInputs { results: self.results?, evaluation, assessment: self.assessment?, survey })
    }

    /// The rules engine's member inputs (seven ones, training days). An item the county typed
    /// in before the records could decide it (写好一篇调研报告 became derived with the research
    /// report record, issue 22) is left out: the records decide it now, and the stored entry
    /// must not stop the member's page from being computed.
    pub fn member_inputs(&self, policy: &Policy) -> taizhang_rules::MemberInputs {
        let derived = |code: &String| policy.seven_ones.iter().any(|i| &i.code == code && i.derive.is_some());
        taizhang_rules::MemberInputs {
            seven_ones: self.seven_ones.iter().filter(|(c, _)| !derived(c)).map(|(c, v)| (c.clone(), *v)).collect(),
            training_days: self.training_days,
        }
    }

    /// Refuses what the policy cannot use: a component outside its range, an unknown or
    /// record-derived seven-ones item, an implausible number of training days.
    pub fn check(&self, policy: &Policy) -> Result<(), CountyError> {
        let a = &policy.scheme_a;
        for (component, zh, value, max) in [
            ("results", "工作实绩", self.results, a.results),
            ("evaluation", "群众评议", self.evaluation, a.evaluation),
            ("assessment", "工作评价", self.assessment, a.assessment),
        ] {
            if let Some(v) = value {
                if !v.is_finite() || !(0.0..=max).contains(&v) {
                    let en = RulesError::ComponentOutOfRange { component, value: v, max };
                    return Err(CountyError::BadInput(format!("{zh}{v}分超出0至{max}分 / {en}")));
                }
            }
        }
        if self.training_days.is_some_and(|d| d > 366) {
            return Err(CountyError::BadInput(
                "培训天数一年最多366天 / training_days: at most 366 days in a year".into(),
            ));
        }
        for code in self.seven_ones.keys() {
            match policy.seven_ones.iter().find(|i| &i.code == code) {
                None => {
                    let en = RulesError::UnknownDuty {
                        code: code.chars().take(40).collect(),
                        expected: policy
                            .seven_ones
                            .iter()
                            .filter(|i| i.derive.is_none())
                            .map(|i| i.code.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    };
                    return Err(CountyError::BadInput(format!("“七个一”没有这一项 / {en}")));
                }
                Some(i) if i.derive.is_some() => {
                    let en = RulesError::DerivedDuty(code.clone());
                    return Err(CountyError::BadInput(format!("“{}”由台账记录自动判定,无需录入 / {en}", i.zh)));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

/// A member's month under scheme B, as entered (the team leader's items).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthInputs {
    #[serde(default)]
    pub items: Vec<AppliedItem>,
}

impl MonthInputs {
    /// Refuses unknown item codes, the derived item, and counts no month can hold.
    pub fn check(&self, policy: &Policy) -> Result<(), CountyError> {
        for item in &self.items {
            if item.code == DERIVED_ITEM {
                return Err(CountyError::BadInput(format!(
                    "日记缺记由台账自动扣分,无需录入 / {DERIVED_ITEM} is counted from the diary by itself: do not enter it"
                )));
            }
            if item.code == ABSENCE_ITEM && policy.scheme_b.absence_deduction_per_day > 0.0 {
                return Err(CountyError::BadInput(format!(
                    "无故缺勤由台账按天自动扣分,无需录入 / {ABSENCE_ITEM} is counted from the attendance records by itself (scheme_b.absence_deduction_per_day): do not enter it"
                )));
            }
            if !policy.scheme_b.items.iter().any(|i| i.code == item.code) {
                let en = RulesError::UnknownItem {
                    code: item.code.chars().take(40).collect(),
                    expected: policy.scheme_b.items.iter().map(|i| i.code.as_str()).collect::<Vec<_>>().join(", "),
                };
                return Err(CountyError::BadInput(format!("本县月度积分没有这一项 / {en}")));
            }
            if item.times > 31 {
                return Err(CountyError::BadInput(format!(
                    "一个月最多31次 / {}: at most 31 times in a month",
                    item.code
                )));
            }
            if item.evidence.len() > 100 || item.evidence.iter().any(|e| e.chars().count() > 200) {
                return Err(CountyError::BadInput(
                    "依据最多100条,每条200字以内 / evidence: at most 100 entries of 200 characters".into(),
                ));
            }
        }
        Ok(())
    }
}

/// The township's proposal of a first secretary's yearly grade (乡镇党委提出意见, seed 003),
/// which the county confirms in its grades: the grade, the reason, who proposed it and when.
/// Stored with the county's entries under the period `proposal-<YYYY>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeProposal {
    pub grade: taizhang_rules::Grade,
    pub note: String,
    /// The township officer's account and name.
    pub proposed_by: uuid::Uuid,
    pub proposed_by_name: String,
    pub proposed_at: taizhang_domain::Timestamp,
}

/// The ballots of a member's villagers' survey (民主测评 / 村民测评, seed 003) for a year, as the
/// township or the county entered them, with who and when. Stored with the county's entries
/// under the period `survey-<YYYY>`; scheme A's villagers' evaluation (群众评议, 20 %) is derived
/// from it when no points were typed (`taizhang_rules::survey_points`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyEntry {
    pub survey: taizhang_rules::EvaluationSurvey,
    /// Where and how it was held (e.g. 村民代表会议, 入户), optional.
    #[serde(default)]
    pub note: String,
    pub entered_by: uuid::Uuid,
    pub entered_by_name: String,
    pub entered_at: taizhang_domain::Timestamp,
}

/// The period under which a year's villagers' survey is stored.
pub fn survey_period(year: i32) -> String {
    format!("survey-{year:04}")
}

/// The period under which a year's grade proposal is stored.
pub fn proposal_period(year: i32) -> String {
    format!("proposal-{year:04}")
}

/// The period under which a member's year of day checks (issue 17: people's decisions on
/// doubtful days, `taizhang_rules::DayCheck`) was stored by earlier versions, as JSON
/// `{"YYYY-MM-DD": DayCheck}`. Still read; new decisions go to [`evidence_day_period`].
pub fn evidence_period(year: i32) -> String {
    format!("evidence-{year:04}")
}

/// The period under which one decision on one member-day is stored (`evidence-YYYY-MM-DD`, JSON
/// `{"YYYY-MM-DD": DayCheck}`): a row of its own, so two officers deciding two days of the same
/// member at the same moment both keep their decision (a year's row was read, changed and
/// written back, and the later write lost the other day).
pub fn evidence_day_period(date: chrono::NaiveDate) -> String {
    format!("evidence-{}", date.format("%Y-%m-%d"))
}

/// One member's stored day checks of one year, by date.
pub type DayChecks = BTreeMap<chrono::NaiveDate, taizhang_rules::DayCheck>;

/// The day checks among stored rows `(member, period, json)`, by member (unreadable ones left
/// out: `Entered::from_rows` counts them). Where a day was decided more than once (a year's row
/// of an earlier version and a day's row, in any order), the latest decision holds.
pub fn day_checks_from_rows<'a>(
    rows: impl IntoIterator<Item = (MemberId, &'a str, &'a str)>,
) -> BTreeMap<MemberId, DayChecks> {
    let mut out: BTreeMap<MemberId, DayChecks> = BTreeMap::new();
    for (member, period, data) in rows {
        if period.starts_with("evidence-") {
            if let Ok(days) = serde_json::from_str::<DayChecks>(data) {
                let mine = out.entry(member).or_default();
                for (date, check) in days {
                    match mine.get(&date) {
                        Some(held) if held.at > check.at => {}
                        _ => {
                            mine.insert(date, check);
                        }
                    }
                }
            }
        }
    }
    out
}

/// Everything entered for one village, by member and period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entered {
    pub years: BTreeMap<(MemberId, i32), YearInputs>,
    pub months: BTreeMap<(MemberId, YearMonth), MonthInputs>,
    /// The township's yearly grade proposals for first secretaries.
    pub proposals: BTreeMap<(MemberId, i32), GradeProposal>,
    /// The villagers' surveys (民主测评) entered by the township or the county.
    pub surveys: BTreeMap<(MemberId, i32), SurveyEntry>,
    /// Stored entries this version could not read (counted, not used).
    pub unreadable: usize,
}

impl Entered {
    /// From stored rows `(member, period, json)`.
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = (MemberId, &'a str, &'a str)>) -> Entered {
        let mut e = Entered::default();
        for (member, period, data) in rows {
            let ok = if let Ok(year) =
                period.parse::<i32>().map_err(|_| ()).and_then(|y| (period.len() == 4).then_some(y).ok_or(()))
            {
                serde_json::from_str::<YearInputs>(data).map(|y| e.years.insert((member, year), y)).is_ok()
            } else if let Ok(month) = period.parse::<YearMonth>() {
                serde_json::from_str::<MonthInputs>(data).map(|m| e.months.insert((member, month), m)).is_ok()
            } else if let Some(year) = period.strip_prefix("proposal-").and_then(|y| y.parse::<i32>().ok()) {
                serde_json::from_str::<GradeProposal>(data).map(|p| e.proposals.insert((member, year), p)).is_ok()
            } else if let Some(year) = period.strip_prefix("survey-").and_then(|y| y.parse::<i32>().ok()) {
                serde_json::from_str::<SurveyEntry>(data).map(|s| e.surveys.insert((member, year), s)).is_ok()
            } else if period.starts_with("evidence-") {
                // Day checks: read into the records (`day_checks_from_rows`), not here.
                serde_json::from_str::<DayChecks>(data).is_ok()
            } else {
                false
            };
            if !ok {
                e.unreadable += 1;
            }
        }
        e
    }

    pub fn year(&self, member: MemberId, year: i32) -> Option<&YearInputs> {
        self.years.get(&(member, year))
    }

    pub fn month(&self, member: MemberId, month: YearMonth) -> Option<&MonthInputs> {
        self.months.get(&(member, month))
    }

    pub fn survey(&self, member: MemberId, year: i32) -> Option<&SurveyEntry> {
        self.surveys.get(&(member, year))
    }

    /// Scheme A's components of a member's year: the typed ones, with the villagers' evaluation
    /// from the survey when no points were typed for it; `None` until all three are known.
    pub fn scheme_a(&self, member: MemberId, year: i32) -> Option<SchemeAInputs> {
        self.year(member, year)?.scheme_a_with(self.survey(member, year))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(json: &str) -> YearInputs {
        serde_json::from_str(json).expect("year inputs")
    }

    #[test]
    fn a_days_latest_decision_holds_whether_it_is_in_a_year_row_or_a_day_row() {
        let m = MemberId(uuid::Uuid::from_u128(7));
        let date = chrono::NaiveDate::from_ymd_opt(2026, 6, 3).expect("date");
        let other = chrono::NaiveDate::from_ymd_opt(2026, 6, 4).expect("date");
        let check = |counts: bool, at: i64| taizhang_rules::DayCheck {
            counts,
            note: "电话核实".into(),
            by: "石门镇 赵敏".into(),
            at,
        };
        // An earlier version's year row holds 06-03 (counts, at 100) and 06-04; a later day row
        // refuses 06-03 (at 200).
        let year_row = serde_json::to_string(&DayChecks::from([(date, check(true, 100)), (other, check(true, 100))]))
            .expect("json");
        let day_row = serde_json::to_string(&DayChecks::from([(date, check(false, 200))])).expect("json");
        assert_eq!(evidence_day_period(date), "evidence-2026-06-03");
        for rows in [
            vec![(m, "evidence-2026", year_row.as_str()), (m, "evidence-2026-06-03", day_row.as_str())],
            vec![(m, "evidence-2026-06-03", day_row.as_str()), (m, "evidence-2026", year_row.as_str())],
        ] {
            let checks = day_checks_from_rows(rows);
            assert!(!checks[&m][&date].counts, "the later decision holds in either row order");
            assert!(checks[&m][&other].counts, "the year row's other day is kept");
        }
        // Day rows are not read as a year's or a month's entries.
        let entered = Entered::from_rows([(m, "evidence-2026-06-03", day_row.as_str())]);
        assert_eq!((entered.years.len(), entered.months.len(), entered.unreadable), (0, 0, 0));
    }

    #[test]
    fn year_inputs_within_the_policy_are_accepted_and_the_rest_refused() {
        let p = Policy::default();
        let ok = year(
            r#"{"results": 52.5, "evaluation": 18, "assessment": 10, "training_days": 4, "seven_ones": {"strong_committee": true}}"#,
        );
        ok.check(&p).expect("valid");
        assert_eq!(ok.scheme_a().map(|a| a.results), Some(52.5));
        assert_eq!(year(r#"{"results": 50}"#).scheme_a(), None, "incomplete until all three are entered");

        let e = year(r#"{"results": 61}"#).check(&p).expect_err("above 60");
        assert!(e.to_string().contains("between 0 and 60"), "{e}");
        assert!(year(r#"{"evaluation": -1}"#).check(&p).is_err());
        let e = year(r#"{"seven_ones": {"keep_diary": true}}"#).check(&p).expect_err("derived");
        assert!(e.to_string().contains("computed from the records"), "{e}");
        let e = year(r#"{"seven_ones": {"sing_a_song": true}}"#).check(&p).expect_err("unknown");
        assert!(e.to_string().contains("strong_committee"), "the message lists the codes: {e}");
        // Issue 22: the party lecture is decided by the meetings the team records.
        let e = year(r#"{"seven_ones": {"party_lecture": true}}"#).check(&p).expect_err("derived");
        assert!(e.to_string().contains("computed from the records"), "{e}");
        // An entry stored before 写好一篇调研报告 was decided by records is left out of the
        // rules' inputs (the records decide it now); the others stay.
        let stored = year(r#"{"seven_ones": {"research_report": true, "strong_committee": true}}"#);
        let given = stored.member_inputs(&p).seven_ones;
        assert_eq!(given.into_iter().collect::<Vec<_>>(), vec![("strong_committee".to_string(), true)]);
        assert!(year(r#"{"training_days": 400}"#).check(&p).is_err());
        assert!(serde_json::from_str::<YearInputs>(r#"{"salary": 1}"#).is_err(), "unknown fields refused");
    }

    #[test]
    fn month_items_must_be_in_the_catalogue_and_not_the_derived_one() {
        let p = Policy::default();
        let m = |json: &str| serde_json::from_str::<MonthInputs>(json).expect("month inputs");
        m(r#"{"items": [{"code": "outstanding_result", "times": 2, "evidence": ["修通了进村路"]}]}"#)
            .check(&p)
            .expect("valid");
        assert!(m(r#"{"items": [{"code": "diary_missing", "times": 1, "evidence": []}]}"#).check(&p).is_err());
        assert!(m(r#"{"items": [{"code": "bribe", "times": 1, "evidence": []}]}"#).check(&p).is_err());
        assert!(m(r#"{"items": [{"code": "problem", "times": 40, "evidence": []}]}"#).check(&p).is_err());
    }

    #[test]
    fn stored_rows_are_read_by_period_and_bad_ones_counted() {
        let who = MemberId(uuid::Uuid::from_u128(1));
        let rows = [
            (who, "2026", r#"{"results": 50}"#),
            (who, "2026-03", r#"{"items": []}"#),
            (who, "2026", "not json"),
            (who, "someday", "{}"),
        ];
        let e = Entered::from_rows(rows);
        assert_eq!(e.year(who, 2026).and_then(|y| y.results), Some(50.0), "an unreadable row replaces nothing");
        assert_eq!(e.unreadable, 2);
        assert!(e.month(who, YearMonth::new(2026, 3).expect("month")).is_some());
    }

    /// The fuzzer's saved rows (fuzz/regressions/county_inputs): a proposal and a survey are
    /// kept; a day-checks row is read elsewhere, so it is neither kept nor unreadable.
    #[test]
    fn proposal_survey_and_day_check_rows_are_each_accounted_for() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/county_inputs");
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("saved row");
        let who = MemberId(uuid::Uuid::nil());
        let (proposal, survey, days) = (read("proposal-row"), read("survey-row"), read("evidence-row-read-elsewhere"));
        let rows: Vec<(&str, &str)> =
            [&proposal, &survey, &days].iter().map(|t| t.split_once('\n').expect("period line")).collect();
        let e = Entered::from_rows(rows.iter().map(|(p, j)| (who, *p, *j)));
        assert_eq!(e.proposals.get(&(who, 2026)).map(|p| p.grade), Some(taizhang_rules::Grade::Excellent));
        assert_eq!(e.survey(who, 2026).map(|s| s.survey.satisfied), Some(30));
        assert_eq!((e.unreadable, e.years.len(), e.months.len()), (0, 0, 0));
    }
}
