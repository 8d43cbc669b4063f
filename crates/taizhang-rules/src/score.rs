//! Scoring: scheme A (yearly 100 points and grades, with the county's cap on 优秀) and scheme B
//! (monthly 10 points, allowance cut below 8). Scores are the county's tool, explained item by
//! item; nothing here ranks people publicly (county results come back in input order).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use taizhang_domain::{MemberId, MonthScoreSheet, ScoreItemKind, ScoreState, YearMonth};

use crate::explain::{codes, figure, list, rule};
use crate::{
    member_report, Figure, ItemKind, MemberInputs, MemberReport, Period, Policy, RulesError, SchemeA, VillageRecords,
};

/// The four grades of scheme A.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// 优秀
    Excellent,
    /// 称职
    Competent,
    /// 基本称职
    BasicallyCompetent,
    /// 不称职
    Incompetent,
}

impl Grade {
    /// The grade of a total: `>= excellent_min` 优秀, `>= competent_min` 称职, `>= basic_min`
    /// 基本称职, else 不称职. No rounding: 89.5 is 称职, exactly 60 is 基本称职.
    pub fn of(score: f64, scheme: &SchemeA) -> Result<Grade, RulesError> {
        let max = scheme.max_total();
        if !score.is_finite() || !(0.0..=max).contains(&score) {
            return Err(RulesError::InvalidScore { value: score, max });
        }
        Ok(if score >= scheme.excellent_min {
            Grade::Excellent
        } else if score >= scheme.competent_min {
            Grade::Competent
        } else if score >= scheme.basic_min {
            Grade::BasicallyCompetent
        } else {
            Grade::Incompetent
        })
    }

    /// The grade's Chinese name (优秀...).
    pub fn zh(self) -> &'static str {
        match self {
            Grade::Excellent => "优秀",
            Grade::Competent => "称职",
            Grade::BasicallyCompetent => "基本称职",
            Grade::Incompetent => "不称职",
        }
    }

    /// The grade's English name.
    pub fn en(self) -> &'static str {
        match self {
            Grade::Excellent => "excellent",
            Grade::Competent => "competent",
            Grade::BasicallyCompetent => "basically competent",
            Grade::Incompetent => "incompetent",
        }
    }
}

fn grade_rule(scheme: &SchemeA) -> crate::RuleRef {
    rule(
        codes::A_GRADE,
        format!(
            "excellent_min = {}; competent_min = {}; basic_min = {}",
            scheme.excellent_min, scheme.competent_min, scheme.basic_min
        ),
        format!(
            "{}分以上(含)优秀,{}分以上称职,{}分以上基本称职,以下不称职",
            scheme.excellent_min, scheme.competent_min, scheme.basic_min
        ),
        format!(
            "excellent at {} or more, competent at {} or more, basically competent at {} or more, else incompetent",
            scheme.excellent_min, scheme.competent_min, scheme.basic_min
        ),
    )
}

/// Removes float noise from sums (0.1 + 0.2) without rounding real fractions: 6 decimals.
fn tidy(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The scheme A components the county supplies, in points (not percentages).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct SchemeAInputs {
    /// 工作实绩, 0..=`scheme_a.results`.
    pub results: f64,
    /// 群众评议, 0..=`scheme_a.evaluation` (unused when `survey` is given).
    pub evaluation: f64,
    /// 工作评价, 0..=`scheme_a.assessment`.
    pub assessment: f64,
    /// The villagers' survey (民主测评) the evaluation is derived from, when the county typed
    /// no points for it ([`survey_points`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<EvaluationSurvey>,
}

/// The ballots of a villagers' survey of one member's year (民主测评 / 村民测评, seed 003),
/// entered by the township or the county.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationSurvey {
    /// 满意.
    pub satisfied: u32,
    /// 基本满意.
    pub basically_satisfied: u32,
    /// 不满意.
    pub dissatisfied: u32,
}

impl EvaluationSurvey {
    pub fn ballots(&self) -> u64 {
        u64::from(self.satisfied) + u64::from(self.basically_satisfied) + u64::from(self.dissatisfied)
    }
}

/// Scheme A's villagers' evaluation from a survey: `evaluation × (满意 + w × 基本满意) / ballots`
/// with `w = scheme_a.basically_satisfied_weight`; not rounded. A survey with no ballot is an
/// error, never 0 points.
pub fn survey_points(survey: &EvaluationSurvey, policy: &Policy) -> Result<Figure<f64>, RulesError> {
    let a = &policy.scheme_a;
    let ballots = survey.ballots();
    if ballots == 0 {
        return Err(RulesError::EmptySurvey);
    }
    let w = a.basically_satisfied_weight;
    let (s, b, d) = (survey.satisfied, survey.basically_satisfied, survey.dissatisfied);
    let value = tidy(a.evaluation * (f64::from(s) + w * f64::from(b)) / ballots as f64);
    Ok(figure(
        value,
        rule(
            codes::A_SURVEY,
            format!("scheme_a.evaluation = {}; scheme_a.basically_satisfied_weight = {w}", a.evaluation),
            format!("群众评议{}分 × (满意票 + {w} × 基本满意票) / 总票数", a.evaluation),
            format!("villagers' evaluation: {} points × (satisfied + {w} × basically satisfied) / all ballots", a.evaluation),
        ),
        Vec::new(),
        format!(
            "民主测评{ballots}票:满意{s}、基本满意{b}、不满意{d},{} × ({s} + {w} × {b}) / {ballots} = {value} / survey of {ballots} ballots: {s} satisfied, {b} basically satisfied, {d} dissatisfied: {} × ({s} + {w} × {b}) / {ballots} = {value}.",
            a.evaluation, a.evaluation
        ),
    ))
}

/// A provisional scheme A score for one member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemeAScore {
    pub member: MemberId,
    pub results: Figure<f64>,
    pub evaluation: Figure<f64>,
    pub discipline: Figure<f64>,
    pub assessment: Figure<f64>,
    pub total: Figure<f64>,
    /// The grade from the thresholds alone; the county cap is applied by [`grade_county`].
    pub grade: Figure<Grade>,
}

/// Scheme A for one member. Discipline is derived from the report's attendance:
/// `discipline = scheme_a.discipline × min(1, days_in_village / required)` where `required`
/// is the larger of the two attendance requirements (the prorated 200 days and the 2/3 share;
/// full points when nothing is required). Not rounded.
pub fn scheme_a(report: &MemberReport, inputs: &SchemeAInputs, policy: &Policy) -> Result<SchemeAScore, RulesError> {
    let a = &policy.scheme_a;
    let supplied = |component: &'static str, zh: &str, value: f64, max: f64| -> Result<Figure<f64>, RulesError> {
        if !value.is_finite() || !(0.0..=max).contains(&value) {
            return Err(RulesError::ComponentOutOfRange { component, value, max });
        }
        Ok(figure(
            value,
            rule(
                codes::A_COMPONENT,
                format!("scheme_a.{component} = {max}"),
                format!("{zh}满分{max}分"),
                format!("{component}: at most {max} points"),
            ),
            Vec::new(),
            format!("县里录入{value}分 / {value} points as entered by the county."),
        ))
    };
    let results = supplied("results", "工作实绩", inputs.results, a.results)?;
    let evaluation = match &inputs.survey {
        Some(survey) => survey_points(survey, policy)?,
        None => supplied("evaluation", "群众评议", inputs.evaluation, a.evaluation)?,
    };
    let assessment = supplied("assessment", "工作评价", inputs.assessment, a.assessment)?;

    let actual = report.days_in_village.value;
    let required = report.min_days.value.required.max(report.min_share.value.required);
    let ratio = if required == 0 { 1.0 } else { (f64::from(actual) / f64::from(required)).min(1.0) };
    let disc = a.discipline * ratio;
    let discipline = figure(
        disc,
        rule(
            codes::A_DISCIPLINE,
            format!("scheme_a.discipline = {}", a.discipline),
            format!("工作纪律{}分 × min(1, 驻村天数 / 要求天数)", a.discipline),
            format!("discipline: {} points × min(1, days in village / required days)", a.discipline),
        ),
        report.days_in_village.counted.clone(),
        format!(
            "驻村{actual}天,要求{required}天(200天折算与2/3两条中较高者;请假不计入),得{disc:.2}分 / {actual} days in the village, {required} required (the stricter of the prorated {min} days and the share rule; leave does not count): {} × min(1, {actual}/{required}) = {disc:.2}.",
            a.discipline,
            min = policy.min_days_in_village_per_year,
        ),
    );
    let sum = tidy(results.value + evaluation.value + disc + assessment.value);
    let total = figure(
        sum,
        rule(
            codes::A_TOTAL,
            format!(
                "results {} + evaluation {} + discipline {} + assessment {}",
                a.results, a.evaluation, a.discipline, a.assessment
            ),
            "百分制:工作实绩60%、群众评议20%、工作纪律10%、工作评价10%",
            "100 points: results 60%, villagers' evaluation 20%, discipline 10%, assessment 10%",
        ),
        Vec::new(),
        format!(
            "{} + {} + {:.2} + {} = {sum}(临时结果)/ provisional total.",
            results.value, evaluation.value, disc, assessment.value
        ),
    );
    let g = Grade::of(sum, a)?;
    let grade = figure(g, grade_rule(a), Vec::new(), format!("{sum}分:{} / {sum} points: {}.", g.zh(), g.en()));
    Ok(SchemeAScore { member: report.member, results, evaluation, discipline, assessment, total, grade })
}

/// One first secretary's yearly grade within the county.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Graded {
    pub member: MemberId,
    pub score: f64,
    pub grade: Figure<Grade>,
    /// True when the score reached 优秀 but the county's cap gave 称职.
    pub demoted_by_cap: bool,
}

/// Grades a county's first secretaries and applies the cap on 优秀: at most
/// `floor(excellent_cap_share × n)` of the `n` listed (11 × 20% = 2.2 → 2). The highest scores
/// keep 优秀. Ties at the boundary: when keeping every member tied at the last place would
/// exceed the cap, all of them are demoted to 称职 (so fewer than the cap may be 优秀; no one
/// loses 优秀 to an arbitrary tie-break, and the county may decide by its own review).
/// Results come back in input order (no ranking).
pub fn grade_county(first_secretary_scores: &[(MemberId, f64)], policy: &Policy) -> Result<Vec<Graded>, RulesError> {
    grade_county_among(first_secretary_scores, first_secretary_scores.len(), policy)
}

/// [`grade_county`] while some of the county's `first_secretaries` have no score yet: the cap
/// is a share of all of them (the county's number, not the number scored so far), so grading
/// the first few does not shrink it to nothing.
pub fn grade_county_among(
    first_secretary_scores: &[(MemberId, f64)],
    first_secretaries: usize,
    policy: &Policy,
) -> Result<Vec<Graded>, RulesError> {
    let a = &policy.scheme_a;
    let max = a.max_total();
    let mut seen = BTreeSet::new();
    for &(member, score) in first_secretary_scores {
        if !score.is_finite() || !(0.0..=max).contains(&score) {
            return Err(RulesError::InvalidCountyScore { member, value: score, max });
        }
        if !seen.insert(member) {
            return Err(RulesError::DuplicateMember(member));
        }
    }
    let n = first_secretaries.max(first_secretary_scores.len());
    let cap = (a.excellent_cap_share * n as f64 + 1e-9).floor() as usize;
    let mut excellent: Vec<f64> =
        first_secretary_scores.iter().map(|&(_, s)| s).filter(|&s| s >= a.excellent_min).collect();
    excellent.sort_by(|x, y| y.total_cmp(x));
    // The lowest score that keeps 优秀: everyone strictly above the first score past the cap.
    let cutoff = if excellent.len() <= cap { None } else { excellent.get(cap).copied() };
    let kept = excellent.iter().filter(|&&s| cutoff.is_none_or(|c| s > c)).count();
    let cap_rule = rule(
        codes::A_CAP,
        format!("excellent_cap_share = {}", a.excellent_cap_share),
        format!("优秀名额不超过本县第一书记总数的{}%(向下取整);边界同分者均不评优秀", a.excellent_cap_share * 100.0),
        format!(
            "at most {}% of the county's first secretaries are excellent (rounded down); all tied at the boundary are demoted",
            a.excellent_cap_share * 100.0
        ),
    );
    first_secretary_scores
        .iter()
        .map(|&(member, score)| {
            let g = Grade::of(score, a)?;
            let demoted = g == Grade::Excellent && cutoff.is_some_and(|c| score <= c);
            let context = format!(
                "本县{n}名第一书记,优秀名额{cap}名,{e}人达到优秀分数线,{kept}人保留优秀 / {n} first secretaries, at most {cap} excellent, {e} reached the threshold, {kept} keep it.",
                e = excellent.len()
            );
            Ok(if demoted {
                Graded {
                    member,
                    score,
                    grade: figure(
                        Grade::Competent,
                        cap_rule.clone(),
                        Vec::new(),
                        format!("{score}分达到优秀,但名额已满(边界分{}),评为称职。{context}", list(cutoff)),
                    ),
                    demoted_by_cap: true,
                }
            } else {
                let rule = if g == Grade::Excellent { cap_rule.clone() } else { grade_rule(a) };
                Graded {
                    member,
                    score,
                    grade: figure(g, rule, Vec::new(), format!("{score}分:{} / {score} points: {}. {context}", g.zh(), g.en())),
                    demoted_by_cap: false,
                }
            })
        })
        .collect()
}

/// One scheme B item the team leader applied to a member's month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppliedItem {
    /// An item code of `scheme_b.items`.
    pub code: String,
    /// How many times it applies (e.g. days absent).
    pub times: u32,
    /// Ids of the records that justify it (shown in the explanation).
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// A member's scheme B month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthScore {
    pub member: MemberId,
    pub month: YearMonth,
    /// `base + bonuses − deductions`, kept within `0..=max`; 0 after a veto.
    pub score: Figure<f64>,
    pub vetoed: bool,
    /// True when the score is strictly below `allowance_cut_below`.
    pub allowance_cut: Figure<bool>,
    /// The days of absence without leave deducted automatically (empty from [`scheme_b`]).
    #[serde(default)]
    pub absent_without_leave: Vec<NaiveDate>,
    /// True when the month has days not synced yet, is not over, or its score sheet is not
    /// confirmed by the township yet: the score may still change.
    #[serde(default)]
    pub provisional: bool,
    /// Where the month's score sheet is in the chain (`None`: no sheet).
    #[serde(default)]
    pub sheet_state: Option<ScoreState>,
    /// Who must act next on the sheet, in Chinese and English (`None`: no sheet, or audited).
    #[serde(default)]
    pub next_step: Option<String>,
}

/// Who must act next on a sheet in `state`.
fn next_step(sheet: &MonthScoreSheet) -> Option<String> {
    match sheet.state {
        ScoreState::Entered => Some("待乡镇把关(确认或退回) / waiting for the township to confirm or return it".into()),
        ScoreState::Returned => Some(format!(
            "镇级退回:{},待第一书记修改后重新录入 / returned by the township ({}): the first secretary corrects it",
            sheet.check_note, sheet.check_note
        )),
        ScoreState::Confirmed => {
            Some("镇级已确认,待县委组织部审核 / confirmed by the township, waiting for the county's audit".into())
        }
        ScoreState::Audited => None,
    }
}

/// The scheme B item the records decide: a working day without a diary entry.
pub const DIARY_MISSING_ITEM: &str = "diary_missing";

/// A member's scheme B month with what the records decide applied automatically: `entered`
/// (the items the team leader / county applied) plus `diary_missing` once per diary gap (when
/// the catalogue has that item, the diary rule is on and `entered` does not already give it)
/// and `scheme_b.absence_deduction_per_day` per day of absence without leave, the days listed
/// in the explanation. Days not synced are never gaps or absences; the month is then
/// `provisional`. Judged up to `today` (a month after it scores the base, provisionally).
pub fn month_score(
    records: &VillageRecords,
    member: MemberId,
    month: YearMonth,
    today: NaiveDate,
    entered: &[AppliedItem],
    policy: &Policy,
) -> Result<MonthScore, RulesError> {
    let period = Period { from: month.first_day(), to: month.last_day() };
    let report = member_report(records, member, period, today, &MemberInputs::default(), policy)?;
    let mut items = entered.to_vec();
    let gaps = &report.diary_gaps.value;
    let catalogue_has = policy.scheme_b.items.iter().any(|i| i.code == DIARY_MISSING_ITEM);
    if catalogue_has
        && policy.diary_every_working_day
        && !gaps.is_empty()
        && !entered.iter().any(|a| a.code == DIARY_MISSING_ITEM)
    {
        items.push(AppliedItem {
            code: DIARY_MISSING_ITEM.into(),
            times: gaps.len() as u32,
            evidence: gaps.iter().map(|d| d.to_string()).collect(),
        });
    }
    let unfinished = today <= month.last_day();
    let sheet = records.score_sheets.iter().find(|s| s.member == member && s.month == month);
    let unconfirmed = sheet.is_some_and(|s| matches!(s.state, ScoreState::Entered | ScoreState::Returned));
    let provisional = report.provisional || unfinished || unconfirmed;
    let scorer = sheet.map(|s| {
        records.members.iter().find(|m| m.id == s.scored_by).map_or_else(|| s.scored_by.to_string(), |m| m.name.clone())
    });
    let sheet = sheet.zip(scorer);
    score_b(
        member,
        month,
        &items,
        sheet.as_ref().map(|(s, n)| (*s, n.as_str())),
        &report.absent_without_leave.value,
        provisional,
        policy,
    )
}

/// A month's points with its score sheet: the one scoring rule the app, the township and
/// the county pages all use (and the app's live preview is checked against).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SheetPoints {
    /// The month's points: `computed`, or the county's override once audited with one.
    pub points: f64,
    /// `automatic` plus the sheet's bonuses minus its deductions, within `0..=max`; 0 after a veto.
    pub computed: f64,
    /// The sheet has a veto (一票否决).
    pub vetoed: bool,
    /// The county's audit set the points (`points` is its figure).
    pub overridden: bool,
}

/// The points of a month from `automatic` (the base with what the records decide — diary gaps,
/// absence without leave — applied, not yet kept within the range) and the first secretary's
/// (or the township's) `sheet`: `automatic + Σ bonus − Σ deduction`, kept within `0..=max`
/// (bonuses make up for deductions, never exceed the ten points); 0 after a veto; the county's
/// `audit_points` (kept within `0..=max`) once the sheet is audited with an override. Figures
/// are cleared of float noise to 6 decimals.
pub fn sheet_points(automatic: f64, sheet: Option<&MonthScoreSheet>, max: f64) -> SheetPoints {
    let mut raw = automatic;
    let mut vetoed = false;
    for i in sheet.map(|s| s.items.as_slice()).unwrap_or_default() {
        match i.kind {
            ScoreItemKind::Bonus => raw += i.points,
            ScoreItemKind::Deduction => raw -= i.points,
            ScoreItemKind::Veto => vetoed = true,
        }
    }
    let computed = if vetoed { 0.0 } else { tidy(raw.clamp(0.0, max)) };
    let overridden =
        sheet.filter(|s| s.state == ScoreState::Audited).and_then(|s| s.audit_points).map(|p| tidy(p.clamp(0.0, max)));
    SheetPoints { points: overridden.unwrap_or(computed), computed, vetoed, overridden: overridden.is_some() }
}

/// Scheme B for one member's month: `base + Σ bonus × times − Σ deduction × times`, kept
/// within `0..=max` (bonuses make up for deductions, never exceed the ten points); any veto
/// applied at least once sets the month to 0. The allowance is cut when the score is strictly
/// below `allowance_cut_below` (8: 7.5 is cut, 8 is not).
pub fn scheme_b(
    member: MemberId,
    month: YearMonth,
    applied: &[AppliedItem],
    policy: &Policy,
) -> Result<MonthScore, RulesError> {
    score_b(member, month, applied, None, &[], false, policy)
}

fn score_b(
    member: MemberId,
    month: YearMonth,
    applied: &[AppliedItem],
    sheet: Option<(&MonthScoreSheet, &str)>,
    absent: &[NaiveDate],
    provisional: bool,
    policy: &Policy,
) -> Result<MonthScore, RulesError> {
    let b = &policy.scheme_b;
    let mut raw = b.base;
    let mut vetoes = Vec::new();
    let mut lines = Vec::new();
    let mut evidence = Vec::new();
    for a in applied {
        let item = b.items.iter().find(|i| i.code == a.code).ok_or_else(|| RulesError::UnknownItem {
            code: a.code.clone(),
            expected: list(b.items.iter().map(|i| &i.code)),
        })?;
        if a.times == 0 {
            continue;
        }
        evidence.extend(a.evidence.iter().cloned());
        let pts = item.points * f64::from(a.times);
        match item.kind {
            ItemKind::Bonus => {
                raw += pts;
                lines.push(format!("+{pts} {}({}) ×{}", item.zh, item.en, a.times));
            }
            ItemKind::Deduction => {
                raw -= pts;
                lines.push(format!("−{pts} {}({}) ×{}", item.zh, item.en, a.times));
            }
            ItemKind::Veto => {
                vetoes.push(item.code.clone());
                lines.push(format!("一票否决 veto: {}({})", item.zh, item.en));
            }
        }
    }
    let per_day = b.absence_deduction_per_day;
    let absent: Vec<NaiveDate> = if per_day > 0.0 { absent.to_vec() } else { Vec::new() };
    if !absent.is_empty() {
        let pts = tidy(per_day * absent.len() as f64);
        raw -= pts;
        lines.push(format!(
            "−{pts} 无故缺勤(absent without leave, {per_day}/day) ×{}: {}",
            absent.len(),
            list(&absent)
        ));
        evidence.extend(absent.iter().map(|d| d.to_string()));
    }
    // What the records decide, then the sheet on top of it (the one rule of [`sheet_points`]).
    let automatic = if vetoes.is_empty() { raw } else { 0.0 };
    if let Some((s, scorer)) = sheet {
        evidence.push(format!("score/{}-{}", s.month, s.member));
        for item in &s.items {
            let p = tidy(item.points);
            match item.kind {
                ScoreItemKind::Bonus => {
                    lines.push(format!("+{p} 加分 bonus: {}({scorer} 评 / set by {scorer})", item.reason));
                }
                ScoreItemKind::Deduction => {
                    lines.push(format!("−{p} 扣分 deduction: {}({scorer} 评 / set by {scorer})", item.reason));
                }
                ScoreItemKind::Veto => {
                    vetoes.push(format!("{}({scorer})", item.reason));
                    lines.push(format!("一票否决 veto: {}({scorer} 评 / set by {scorer})", item.reason));
                }
            }
        }
    }
    evidence.sort();
    evidence.dedup();
    let vetoed = !vetoes.is_empty();
    let sp = sheet_points(automatic, sheet.map(|(s, _)| s), b.max);
    let computed = if vetoed { 0.0 } else { sp.computed };
    let value = if sp.overridden { sp.points } else { computed };
    if sp.overridden {
        let note = sheet.map(|(s, _)| s.audit_note.as_str()).unwrap_or_default();
        lines.push(format!("县委组织部审核调整为{value}分(计算得{computed}分):{note} / the county's audit sets {value} (computed {computed}): {note}"));
    }
    let chain = sheet.and_then(|(s, _)| next_step(s));
    let score = figure(
        value,
        rule(
            codes::B_SCORE,
            format!("scheme_b.base = {}; max = {}; absence_deduction_per_day = {per_day}", b.base, b.max),
            format!("十分制月度积分:基础{}分,突出成效加分,发生问题减分,一票否决为0分", b.base),
            format!(
                "monthly score out of {}: base {}, plus bonuses, minus deductions; a veto makes it 0",
                b.max, b.base
            ),
        ),
        evidence.clone(),
        format!(
            "{month}:基础 base {} {};{} / score {value}{}",
            b.base,
            if lines.is_empty() { "-".into() } else { lines.join("; ") },
            if vetoed { "一票否决,得0分".to_string() } else { format!("得{value}分(限0至{}分)", b.max) },
            if vetoed { format!(" (vetoed: {})", vetoes.join(", ")) } else { format!(" (kept within 0..={})", b.max) },
        ) + if provisional {
            " 临时结果:本月尚有未同步或未结束的日子,或评分未经镇级确认 / provisional: some days of the month are not synced or not over yet, or the township has not confirmed the score."
        } else {
            ""
        } + &chain.as_ref().map(|c| format!(" {c}")).unwrap_or_default(),
    );
    let cut = value < b.allowance_cut_below;
    let allowance_cut = figure(
        cut,
        rule(
            codes::B_ALLOWANCE,
            format!("scheme_b.allowance_cut_below = {}", b.allowance_cut_below),
            format!("月度积分低于{}分的扣减当月补贴", b.allowance_cut_below),
            format!("a month below {} points cuts that month's allowance", b.allowance_cut_below),
        ),
        evidence,
        if cut {
            format!(
                "{value}分低于{}分,扣减当月补贴 / {value} is below {}: the allowance is cut.",
                b.allowance_cut_below, b.allowance_cut_below
            )
        } else {
            format!(
                "{value}分不低于{}分,不扣补贴 / {value} is not below {}: the allowance is paid.",
                b.allowance_cut_below, b.allowance_cut_below
            )
        },
    );
    Ok(MonthScore {
        member,
        month,
        score,
        vetoed,
        allowance_cut,
        absent_without_leave: absent,
        provisional,
        sheet_state: sheet.map(|(s, _)| s.state),
        next_step: chain,
    })
}
