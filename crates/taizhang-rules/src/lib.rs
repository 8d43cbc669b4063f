//! The county view's rules engine (issue 5): compliance and scoring computed from one village's
//! records, every figure explained. Pure: no IO, no clock — the caller passes the period and
//! "today"; the same inputs always give the same output.
//!
//! # Using it
//! 1. Load the county's [`Policy`] with [`Policy::from_toml`] (or [`Policy::default`], the
//!    values of the seed articles, equal to the shipped `policy.default.toml`).
//! 2. Gather the village's [`VillageRecords`] (the `taizhang-domain` types).
//! 3. Call [`member_report`] and [`team_report`] for a [`Period`] (inclusive Asia/Shanghai
//!    dates, at most a year); then [`scheme_a`], [`scheme_b`] and, county-wide, [`grade_county`].
//!
//! Every computed value is a [`Figure`]: the value, the [`RuleRef`] that applied (stable code,
//! this county's policy value, Chinese and English text), the ids of the records that counted,
//! and a note in Chinese then English.
//!
//! # The rules and the choices made
//! - **Judged days.** A period is judged up to and including `today` (days after it are not
//!   judged yet; pass yesterday to judge closed days only) and, for a member, within their
//!   term (`term_start..=term_end`).
//! - **Days in the village**: distinct Asia/Shanghai dates with a check-in of kind `In`; a day
//!   counts once however many check-ins it has. Check-outs do not remove a day.
//! - **Leave** (请销假): approved leave covers `from..=to`, cut to the day before the report
//!   back (销假, `returned_on`); pending, rejected and withdrawn requests count for nothing.
//!   How a day counts follows its kind and the policy's `leave_counts`: `excused` (事假, 病假,
//!   轮休/调休, 其他 by default) *excuses* a day but is never presence; `presence` (因公外出 by
//!   default) counts as a day in the village; `training` (组织安排的培训) counts toward the
//!   training days and as excused. The 200 days and the 2/3 are minimum presence, so a member
//!   with 199 days in the village and 1 day of approved 事假 fails the 200-day rule; the leave is
//!   listed in the explanation. Leave excuses a working day from the diary rule, and a day on
//!   which *every* member on post had approved leave is an excused team gap (listed apart)
//!   rather than a breach of "someone in the village every day". Pending or rejected leave
//!   excuses nothing.
//! - **200 days** are prorated to the judged days: `ceil(200 × judged / 365)`, never above 200
//!   (a full year of 365 or 366 days requires exactly 200). **2/3** is `ceil(2/3 × judged)`.
//!   Both are reported; a county that uses only one sets the other to 0.
//! - **Training** (4 days a year): days of approved leave of a kind counted as training, plus
//!   the count the caller supplies (for training not recorded as leave); "not recorded" when
//!   neither exists. Not prorated (training comes in batches).
//! - **Unknown is not absent.** [`VillageRecords::last_sync`] gives each member's last sync
//!   (server receipt time). From the Asia/Shanghai day of that sync on (the day itself may still
//!   have records to come), a day without a presence or leave record is 未同步 (`not_synced`):
//!   never absent, never a diary gap, never "nobody in the village" — a team day where nobody
//!   is known present but a member on post without leave has not synced it is `unknown`.
//!   Reports and month scores with such days are `provisional`. A member without a last sync
//!   is judged on the records held.
//! - **Absence without leave** (无故缺勤): a known working day before `today`, within the term,
//!   with neither presence nor approved leave of any kind. Scheme B deducts
//!   `absence_deduction_per_day` for each automatically ([`month_score`]).
//! - **Late** (迟报): records the server received ([`VillageRecords::received_at`]) after their
//!   month was filed are accepted and counted, and listed as late.
//! - **Filing window**: a month can be filed once it has ended, on time until
//!   `filing_window_days` after it ([`may_file`]); later still, marked late.
//! - **Overview flag** ([`overview_flag`] over [`flag_facts`]): 正常 / 提醒 / 需关注 from the
//!   policy's thresholds over known days only.
//! - **Team days**: a date with members on post and no `In` check-in by any member is a gap.
//!   Dates with no member on post are not judged.
//! - **Diary**: each working day (policy `working_days`, Mon–Fri by default) judged needs an
//!   original entry dated that day, whenever it was written. Amendments (`amends` set) correct
//!   an existing entry and never fill a gap. Weekend entries count as diary days, never as gaps.
//! - **Filing**: a month is due when it lies fully inside the period, before `today`'s month,
//!   and the member was on post some day of it; it is unfiled without a [`taizhang_domain::MonthFiling`]
//!   for that member and month.
//! - **Visits**: a registered household is visited when anyone of the team visited it within
//!   the judged days.
//! - **Seven ones**: "visit every household" and "keep a diary" are derived from the records
//!   (policy `derive`), and so (issue 22) are "give a party lecture" (a 党课 meeting of the
//!   village held on a judged day), "deliver practical projects" and "coordinate aid projects"
//!   (at least `at_least` projects of the kind closed done on a judged day; for practical
//!   projects, issue 16, every `follow_ups_per_project` follow-up items closed done on a judged
//!   day count as one more, [`follow_up_counts`]); a village with no meeting, or no project of
//!   the kind (nor follow-up item), recorded at all is "not recorded" (unknown, not absent). The others come from [`MemberInputs::seven_ones`] and are "not recorded" when
//!   absent; an input for a derived item is refused.
//! - **Rule switches**: a rule switched off in the policy still reports its facts; its
//!   explanation says the rule is off.
//! - **Scheme A** (100 points): results, evaluation and assessment are supplied in points;
//!   discipline = `10 × min(1, days in village / required days)`, required being the stricter
//!   of the two attendance requirements above (full points when nothing is required). The
//!   total is not rounded (float noise below 10⁻⁶ is removed): 89.5 is 称职, exactly 90 is 优秀,
//!   exactly 60 is 基本称职, below 60 is 不称职.
//! - **County cap**: at most `floor(20% × n)` first secretaries are 优秀 (11 → 2). Highest
//!   scores keep it; when members tied at the boundary would exceed the cap, *all* of them are
//!   demoted to 称职 — no one loses 优秀 to an arbitrary tie-break. Results come back in input
//!   order: scores are the county's tool, not a public ranking (DOMAIN.md, 2026 constraint).
//! - **Scheme B** (10 points a month): `base + bonuses − deductions` from the policy's item
//!   catalogue, kept within `0..=10`; any veto makes the month 0; the allowance is cut strictly
//!   below 8 (7.5 is cut, 8 is not).

mod error;
mod evidence;
mod explain;
mod flow;
mod followups;
mod policy;
mod records;
mod report;
mod score;

pub use error::RulesError;
pub use evidence::{
    doubtful_days, judge_record, member_days, DayCheck, DayEvidence, Doubt, EvidencePolicy, Place, RecordEvidence,
    RecordTimes, Strength,
};
pub use explain::{codes, Figure, RuleRef};
pub use flow::{
    filed_late, filing_due, flag_facts, flag_facts_of, may_file, overview_flag, FilingWindow, Flag, FlagFacts,
};
pub use followups::{follow_up_counts, follow_ups_done, FollowUpCounts};
pub use policy::{
    AttachmentPolicy, Derivation, DutyItem, FlagThresholds, InspectionPolicy, ItemKind, LeaveCount, LeaveCounts,
    Policy, SchemeA, SchemeB, SchemeBItem,
};
pub use records::{MemberInputs, Period, VillageRecords};
pub use report::{late_after_filing, member_report, team_report, Check, DutyStatus, MemberReport, TeamReport};
pub use score::{
    grade_county, grade_county_among, month_score, scheme_a, scheme_b, sheet_points, survey_points, AppliedItem,
    EvaluationSurvey, Grade, Graded, MonthScore, SchemeAInputs, SchemeAScore, SheetPoints, DIARY_MISSING_ITEM,
};
