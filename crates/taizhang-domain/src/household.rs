//! The household as the work knows it (issue 16): its address and phone, the monitoring
//! against falling back into poverty (防止返贫监测: monitored type, risk kinds, risk cleared),
//! the 两不愁三保障 and safe drinking water checks, the helper (结对帮扶责任人) by name and unit,
//! and the family roster (家庭成员) as records of their own so two phones editing the roster
//! merge. ID-card numbers are kept whole in the document and masked on every screen and export
//! except for the person who entered them ([`FamilyMember::id_number_for`]).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::validate::text;
use crate::{DomainError, HouseholdId, LedgerView, Limits, MemberId, PersonId};

/// Generates a code list: stable code (stored), Chinese word, English word, `parse` from
/// either the code or the Chinese word.
macro_rules! code_list {
    ($(#[$doc:meta])* $name:ident, $field:literal, [$($v:ident => $code:literal, $zh:literal, $en:literal;)+]) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($v,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v,)+];
            /// The stable code stored in documents.
            pub fn code(self) -> &'static str { match self { $($name::$v => $code,)+ } }
            /// The word on Chinese screens, pages and exports.
            pub fn zh(self) -> &'static str { match self { $($name::$v => $zh,)+ } }
            pub fn en(self) -> &'static str { match self { $($name::$v => $en,)+ } }
            /// Accepts the code or the Chinese word.
            pub fn parse(s: &str) -> Result<Self, DomainError> {
                Self::ALL.iter().copied().find(|c| c.code() == s || c.zh() == s).ok_or_else(|| {
                    DomainError::UnknownCode {
                        field: $field,
                        value: s.chars().take(40).collect(),
                        expected: concat!($($zh, " "),+),
                    }
                })
            }
        }
    };
}

code_list!(
    /// 监测对象类型 (the three kinds of monitored household since 2021).
    MonitoredType, "monitored type", [
    UnstableLiftedOut => "unstable_lifted_out", "脱贫不稳定户", "lifted out, unstable";
    Marginal => "marginal", "边缘易致贫户", "marginal, prone to poverty";
    SuddenHardship => "sudden_hardship", "突发严重困难户", "sudden severe hardship";
]);

code_list!(
    /// 风险类型 of a monitored household.
    RiskKind, "risk kind", [
    Illness => "illness", "因病", "illness";
    Disability => "disability", "因残", "disability";
    Schooling => "schooling", "因学", "schooling costs";
    Disaster => "disaster", "因灾", "natural disaster";
    Accident => "accident", "因意外", "accident";
    Employment => "employment", "因就业", "loss of work";
    Industry => "industry", "因产业", "failed farming or business";
    Other => "other", "其他", "other";
]);

code_list!(
    /// The 两不愁三保障 checks and safe drinking water (饮水安全).
    Guarantee, "guarantee", [
    Food => "food", "不愁吃", "enough to eat";
    Clothing => "clothing", "不愁穿", "enough to wear";
    Education => "education", "义务教育有保障", "compulsory schooling";
    Medical => "medical", "基本医疗有保障", "basic medical care";
    Housing => "housing", "住房安全有保障", "safe housing";
    Water => "water", "饮水安全有保障", "safe drinking water";
]);

code_list!(
    /// 与户主关系.
    Relation, "relation to the head", [
    Head => "head", "户主", "head of household";
    Spouse => "spouse", "配偶", "spouse";
    Child => "child", "子女", "child";
    ChildInLaw => "child_in_law", "儿媳/女婿", "child-in-law";
    Grandchild => "grandchild", "孙子女/外孙子女", "grandchild";
    Parent => "parent", "父母", "parent";
    Grandparent => "grandparent", "祖父母/外祖父母", "grandparent";
    Sibling => "sibling", "兄弟姐妹", "sibling";
    Other => "other", "其他", "other";
]);

code_list!(
    /// 健康状况.
    Health, "health", [
    Healthy => "healthy", "健康", "healthy";
    Chronic => "chronic", "长期慢性病", "long-term chronic illness";
    Serious => "serious", "患有大病", "serious illness";
    Disabled => "disabled", "残疾", "disabled";
]);

code_list!(
    /// 劳动技能.
    WorkAbility, "ability to work", [
    Normal => "normal", "普通劳动力", "able to work";
    Skilled => "skilled", "技能劳动力", "skilled worker";
    Weak => "weak", "弱劳动力或半劳动力", "partly able to work";
    Lost => "lost", "丧失劳动力", "lost the ability to work";
    NoLabour => "none", "无劳动力", "not of working age";
]);

code_list!(
    /// 在校生状况 (for children) or 文化程度 (for adults), one list.
    Schooling, "schooling", [
    NotInSchool => "not_in_school", "非在校生", "not in school";
    Preschool => "preschool", "学前教育", "preschool";
    Primary => "primary", "小学", "primary school";
    Junior => "junior", "初中", "junior secondary";
    Senior => "senior", "高中/中职", "senior secondary or vocational";
    Higher => "higher", "大专及以上", "college or university";
    DroppedOut => "dropped_out", "辍学", "dropped out";
]);

/// The household fields issue 16 added. Every one may be absent (a record of an older version
/// reads with all of them empty).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HouseholdDetails {
    /// 联系电话
    pub phone: String,
    /// 住址
    pub address: String,
    /// 门牌号
    pub door_number: String,
    /// 监测对象类型: only for a household whose status is 监测对象.
    pub monitored_type: Option<MonitoredType>,
    /// 风险类型
    pub risks: Vec<RiskKind>,
    /// 风险消除 and its day.
    pub risk_cleared_on: Option<NaiveDate>,
    /// 两不愁三保障 and drinking water: `true` secured, `false` a gap; absent is not checked yet.
    pub checks: BTreeMap<Guarantee, bool>,
    /// 人均纯收入 (yuan per person per year).
    pub income_per_head_yuan: Option<i64>,
    /// 结对帮扶责任人: usually a cadre of the sending unit, not of the team.
    pub helper_name: String,
    /// The helper's unit (单位).
    pub helper_unit: String,
    pub helper_phone: String,
    /// Photos and scans of the household (issue 19: the house, a scanned document) by hash, as
    /// on a visit. Optional always; a household from before reads as none.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// One person of a household (家庭成员), a record of its own (`person/<uuid>` in the registry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyMember {
    pub id: PersonId,
    pub household: HouseholdId,
    pub name: String,
    pub relation: Relation,
    /// 出生年份 (the age is computed from it).
    pub birth_year: Option<i32>,
    pub health: Option<Health>,
    pub work_ability: Option<WorkAbility>,
    pub schooling: Option<Schooling>,
    /// 残疾等级 1 (most severe) to 4.
    pub disability_grade: Option<u8>,
    /// 参加城乡居民基本医疗保险
    pub medical_insurance: Option<bool>,
    /// 参加城乡居民基本养老保险
    pub pension_insurance: Option<bool>,
    /// 身份证号, empty when not kept. Shown whole only to [`FamilyMember::id_entered_by`].
    pub id_number: String,
    /// Who typed the ID number.
    pub id_entered_by: Option<MemberId>,
    /// Removed from the household (moved away, deceased): kept, not listed.
    pub left: bool,
}

impl FamilyMember {
    /// Age in `year` (by birth year), if the birth year is known.
    pub fn age_in(&self, year: i32) -> Option<i32> {
        self.birth_year.map(|b| year - b)
    }

    /// The ID number as `viewer` may see it: whole for the person who entered it, masked for
    /// everyone else (and for nobody, e.g. an export that did not ask for whole numbers).
    pub fn id_number_for(&self, viewer: Option<MemberId>) -> String {
        if self.id_number.is_empty() {
            return String::new();
        }
        match (viewer, self.id_entered_by) {
            (Some(v), Some(by)) if v == by => self.id_number.clone(),
            _ => mask_id_number(&self.id_number),
        }
    }
}

/// The words (zh, en) for a stored field name of a household or a family member, for
/// histories and conflicts shown to people (never the raw `income_yuan`). `None` for a field
/// this version does not know.
pub fn field_words(field: &str) -> Option<(&'static str, &'static str)> {
    Some(match field {
        "head" => ("户主", "head of household"),
        "members_count" => ("家庭人口", "people in the household"),
        "group" => ("村民小组", "village group"),
        "grid" => ("网格", "grid"),
        "status" => ("户类型", "status"),
        "causes" => ("致贫原因", "causes of poverty"),
        "helper" => ("结对帮扶人(工作队)", "helper (team member)"),
        "plan" => ("一户一策", "household plan"),
        "income_yuan" => ("家庭年收入(元)", "yearly income (yuan)"),
        "phone" => ("联系电话", "phone"),
        "address" => ("住址", "address"),
        "door_number" => ("门牌号", "door number"),
        "monitored_type" => ("监测对象类型", "monitored type"),
        "risks" => ("风险类型", "risk kinds"),
        "risk_cleared_on" => ("风险消除日期", "risk cleared on"),
        "income_per_head_yuan" => ("人均纯收入(元)", "income per head (yuan)"),
        "helper_name" => ("结对帮扶责任人", "helper"),
        "helper_unit" => ("帮扶责任人单位", "helper's unit"),
        "helper_phone" => ("帮扶责任人电话", "helper's phone"),
        "check_food" => (Guarantee::Food.zh(), Guarantee::Food.en()),
        "check_clothing" => (Guarantee::Clothing.zh(), Guarantee::Clothing.en()),
        "check_education" => (Guarantee::Education.zh(), Guarantee::Education.en()),
        "check_medical" => (Guarantee::Medical.zh(), Guarantee::Medical.en()),
        "check_housing" => (Guarantee::Housing.zh(), Guarantee::Housing.en()),
        "check_water" => (Guarantee::Water.zh(), Guarantee::Water.en()),
        "name" => ("姓名", "name"),
        "relation" => ("与户主关系", "relation to the head"),
        "birth_year" => ("出生年份", "year of birth"),
        "health" => ("健康状况", "health"),
        "work_ability" => ("劳动技能", "ability to work"),
        "schooling" => ("在校生状况/文化程度", "schooling"),
        "disability_grade" => ("残疾等级", "disability grade"),
        "medical_insurance" => ("基本医疗保险", "medical insurance"),
        "pension_insurance" => ("基本养老保险", "pension insurance"),
        "id_number" => ("身份证号", "ID card number"),
        "id_entered_by" => ("身份证号录入人", "ID number entered by"),
        "left" => ("已迁出/注销", "left the household"),
        "household" => ("所属农户", "household"),
        _ => return None,
    })
}

/// A stored value in words (zh): status, monitored type, risk and check codes become their
/// Chinese words; anything else is shown as stored.
pub fn value_words(field: &str, value: &str) -> String {
    value_words_in(field, value, false)
}

/// [`value_words`] for English screens (poverty causes have Chinese words only).
pub fn value_words_en(field: &str, value: &str) -> String {
    value_words_in(field, value, true)
}

fn value_words_in(field: &str, value: &str, en: bool) -> String {
    let list = |parse: &dyn Fn(&str) -> Option<(&'static str, &'static str)>| {
        let sep = if en { ", " } else { "、" };
        value
            .split(',')
            .map(|v| parse(v).map(|(zh, e)| if en { e } else { zh }).unwrap_or(v).to_string())
            .collect::<Vec<_>>()
            .join(sep)
    };
    macro_rules! words {
        ($t:ty) => {
            &|v: &str| <$t>::parse(v).ok().map(|c| (c.zh(), c.en()))
        };
    }
    match field {
        "status" => crate::HouseholdStatus::from_code(value)
            .map(|s| if en { s.en() } else { s.zh() }.to_string())
            .unwrap_or_else(|_| value.into()),
        "monitored_type" => list(words!(MonitoredType)),
        "risks" => list(words!(RiskKind)),
        "causes" => list(&|v| crate::PovertyCause::parse(v).ok().map(|c| (c.zh(), c.zh()))),
        "relation" => list(words!(Relation)),
        "health" => list(words!(Health)),
        "work_ability" => list(words!(WorkAbility)),
        "schooling" => list(words!(Schooling)),
        f if f.starts_with("check_") => match (value, en) {
            ("ok", false) => "有保障".into(),
            ("gap", false) => "有问题".into(),
            ("ok", true) => "assured".into(),
            ("gap", true) => "a gap".into(),
            (other, _) => other.into(),
        },
        // An ID number in a history or conflict is always masked.
        "id_number" => mask_id_number(value),
        _ => value.into(),
    }
}

/// `110105199001011234` → `110***********1234`: the first 3 and last 4 characters.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let (head, tail) = (&chars[..3], &chars[chars.len() - 4..]);
    format!("{}{}{}", head.iter().collect::<String>(), "*".repeat(chars.len() - 7), tail.iter().collect::<String>())
}

/// Whether `id` is a well-formed 18-character resident ID number (GB 11643-1999: 17 digits,
/// then a check character computed from them).
pub fn id_number_valid(id: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let chars: Vec<char> = id.chars().collect();
    if chars.len() != 18 {
        return false;
    }
    let mut sum = 0u32;
    for (c, w) in chars[..17].iter().zip(WEIGHTS) {
        match c.to_digit(10) {
            Some(d) => sum += d * w,
            None => return false,
        }
    }
    let last = chars[17].to_ascii_uppercase();
    CHECK[(sum % 11) as usize] == last
}

fn phone(field: &'static str, value: &str) -> Result<(), DomainError> {
    if value.is_empty() {
        return Ok(());
    }
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' ' | '(' | ')'));
    if !allowed || !(5..=20).contains(&digits) {
        return Err(DomainError::OutOfRange {
            field,
            detail: format!("{value:?} is not a phone number: give 5 to 20 digits (a mobile has 11)"),
        });
    }
    Ok(())
}

/// The checks of [`HouseholdDetails`] each field by itself. They hold in any merge of two
/// valid edits, so the server runs them too.
pub fn validate_details(d: &HouseholdDetails, limits: &Limits) -> Result<(), DomainError> {
    phone("phone", &d.phone)?;
    phone("helper's phone", &d.helper_phone)?;
    crate::validate_attachments(&d.attachments)?;
    text("address", &d.address, limits.max_name_chars * 2, false)?;
    text("door number", &d.door_number, 40, false)?;
    text("helper's name", &d.helper_name, limits.max_name_chars, false)?;
    text("helper's unit", &d.helper_unit, limits.max_name_chars, false)?;
    if let Some(i) = d.income_per_head_yuan {
        if !(0..=10_000_000).contains(&i) {
            return Err(DomainError::OutOfRange {
                field: "income per head",
                detail: format!("{i} yuan a year; expected 0 to 10,000,000"),
            });
        }
    }
    Ok(())
}

/// The rules between fields (a helper's unit needs the helper's name; a monitored type only
/// for 监测对象; a cleared risk needs a monitored type), checked on the device when a person saves the household. Not on the
/// server: two valid edits made offline on two phones (one sets the status to 一般户, the other
/// a monitored type) may merge into a record that breaks them, and an edit is never refused
/// for arriving late; the household then shows both facts and a person settles it.
pub fn validate_household_edit(d: &HouseholdDetails, status: crate::HouseholdStatus) -> Result<(), DomainError> {
    if d.helper_name.trim().is_empty() && !d.helper_unit.trim().is_empty() {
        return Err(DomainError::Empty { field: "helper's name (a unit is given)" });
    }
    if d.monitored_type.is_some() && status != crate::HouseholdStatus::Monitored {
        return Err(DomainError::OutOfRange {
            field: "monitored type",
            detail: format!(
                "the household is {}: a monitored type is only for 监测对象; set the status to 监测对象 or clear the type",
                status.zh()
            ),
        });
    }
    if d.risk_cleared_on.is_some() && d.monitored_type.is_none() {
        return Err(DomainError::OutOfRange {
            field: "risk cleared",
            detail: "a risk can only be cleared (风险消除) for a monitored household: give its monitored type".into(),
        });
    }
    Ok(())
}

/// A family member: a name, a household that exists, a plausible birth year (up to
/// `this_year`), a disability grade 1 to 4, a valid ID number if one is given (and who typed it).
pub fn validate_family_member(
    p: &FamilyMember,
    view: &impl LedgerView,
    this_year: i32,
    limits: &Limits,
) -> Result<(), DomainError> {
    if !view.household_exists(p.household) {
        return Err(DomainError::UnknownHousehold(p.household.to_string()));
    }
    text("family member's name", &p.name, limits.max_name_chars, true)?;
    if let Some(y) = p.birth_year {
        if y < 1890 || y > this_year {
            return Err(DomainError::OutOfRange {
                field: "birth year",
                detail: format!("{y}; expected 1890 to {this_year}"),
            });
        }
    }
    if let Some(g) = p.disability_grade {
        if !(1..=4).contains(&g) {
            return Err(DomainError::OutOfRange {
                field: "disability grade",
                detail: format!("{g}; the grades are 1 (most severe) to 4"),
            });
        }
    }
    if !p.id_number.is_empty() {
        if !id_number_valid(&p.id_number) {
            return Err(DomainError::Malformed {
                what: "ID card number (18 characters, the last a check digit or X): check it against the card",
                value: mask_id_number(&p.id_number),
            });
        }
        if p.id_entered_by.is_none() {
            return Err(DomainError::Empty { field: "who entered the ID number" });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DiaryId, HouseholdStatus, YearMonth};
    use uuid::Uuid;

    struct One(HouseholdId);
    impl LedgerView for One {
        fn household_exists(&self, id: HouseholdId) -> bool {
            id == self.0
        }
        fn member_exists(&self, _: MemberId) -> bool {
            true
        }
        fn month_filed(&self, _: MemberId, _: YearMonth) -> bool {
            false
        }
        fn diary_entry_exists(&self, _: DiaryId) -> bool {
            false
        }
    }

    fn person() -> FamilyMember {
        FamilyMember {
            id: PersonId(Uuid::from_u128(1)),
            household: HouseholdId(Uuid::from_u128(2)),
            name: "王小红".into(),
            relation: Relation::Child,
            birth_year: Some(2012),
            health: Some(Health::Healthy),
            work_ability: Some(WorkAbility::NoLabour),
            schooling: Some(Schooling::Junior),
            disability_grade: None,
            medical_insurance: Some(true),
            pension_insurance: None,
            id_number: String::new(),
            id_entered_by: None,
            left: false,
        }
    }

    #[test]
    fn id_numbers_are_checked_and_masked() {
        // The GB 11643 example number.
        assert!(id_number_valid("11010519491231002X"));
        assert!(id_number_valid("11010519491231002x"));
        assert!(!id_number_valid("110105194912310021"), "wrong check digit");
        assert!(!id_number_valid("1101051949123100"), "too short");
        assert_eq!(mask_id_number("11010519491231002X"), "110***********002X");
        let me = MemberId(Uuid::from_u128(7));
        let other = MemberId(Uuid::from_u128(8));
        let p = FamilyMember { id_number: "11010519491231002X".into(), id_entered_by: Some(me), ..person() };
        assert_eq!(p.id_number_for(Some(me)), "11010519491231002X");
        assert_eq!(p.id_number_for(Some(other)), "110***********002X");
        assert_eq!(p.id_number_for(None), "110***********002X");
        assert_eq!(person().id_number_for(Some(me)), "");
    }

    #[test]
    fn family_members_are_validated() {
        let view = One(HouseholdId(Uuid::from_u128(2)));
        let l = Limits::default();
        assert_eq!(validate_family_member(&person(), &view, 2026, &l), Ok(()));
        assert_eq!(person().age_in(2026), Some(14));
        let e = validate_family_member(&FamilyMember { name: " ".into(), ..person() }, &view, 2026, &l);
        assert!(matches!(e, Err(DomainError::Empty { .. })));
        let e = validate_family_member(&FamilyMember { birth_year: Some(2030), ..person() }, &view, 2026, &l);
        assert!(matches!(e, Err(DomainError::OutOfRange { field: "birth year", .. })));
        let e = validate_family_member(&FamilyMember { disability_grade: Some(5), ..person() }, &view, 2026, &l);
        assert!(matches!(e, Err(DomainError::OutOfRange { field: "disability grade", .. })));
        let bad = FamilyMember { id_number: "110105194912310021".into(), ..person() };
        let e = validate_family_member(&bad, &view, 2026, &l).expect_err("bad check digit");
        assert!(!e.to_string().contains("110105194912310021"), "the error never shows the whole number: {e}");
        let nobody = FamilyMember { id_number: "11010519491231002X".into(), ..person() };
        assert!(matches!(validate_family_member(&nobody, &view, 2026, &l), Err(DomainError::Empty { .. })));
        let elsewhere = FamilyMember { household: HouseholdId(Uuid::from_u128(3)), ..person() };
        assert!(matches!(validate_family_member(&elsewhere, &view, 2026, &l), Err(DomainError::UnknownHousehold(_))));
    }

    #[test]
    fn details_are_validated() {
        let l = Limits::default();
        let ok = HouseholdDetails {
            phone: "138 0000 0000".into(),
            door_number: "12号".into(),
            monitored_type: Some(MonitoredType::Marginal),
            risks: vec![RiskKind::Illness],
            risk_cleared_on: NaiveDate::from_ymd_opt(2026, 6, 1),
            income_per_head_yuan: Some(8_200),
            helper_name: "李建国".into(),
            helper_unit: "县农业农村局".into(),
            ..HouseholdDetails::default()
        };
        assert_eq!(validate_details(&ok, &l), Ok(()));
        assert_eq!(validate_household_edit(&ok, HouseholdStatus::Monitored), Ok(()));
        assert_eq!(validate_details(&HouseholdDetails::default(), &l), Ok(()));
        let e = validate_household_edit(&ok, HouseholdStatus::Ordinary).expect_err("type on a non-monitored household");
        assert!(e.to_string().contains("一般户"), "{e}");
        let e = validate_details(&HouseholdDetails { phone: "call me".into(), ..ok.clone() }, &l);
        assert!(matches!(e, Err(DomainError::OutOfRange { field: "phone", .. })));
        let e = validate_household_edit(
            &HouseholdDetails { monitored_type: None, ..ok.clone() },
            HouseholdStatus::Monitored,
        );
        assert!(matches!(e, Err(DomainError::OutOfRange { field: "risk cleared", .. })));
        let e = validate_details(&HouseholdDetails { income_per_head_yuan: Some(-1), ..ok.clone() }, &l);
        assert!(matches!(e, Err(DomainError::OutOfRange { field: "income per head", .. })));
        let photo = HouseholdDetails { attachments: vec!["f".repeat(64)], ..ok.clone() };
        assert_eq!(validate_details(&photo, &l), Ok(()), "a photo of the house");
        let e = validate_details(&HouseholdDetails { attachments: vec!["house.jpg".into()], ..ok.clone() }, &l);
        assert!(matches!(e, Err(DomainError::OutOfRange { field: "attachments", .. })), "{e:?}");
        let e =
            validate_household_edit(&HouseholdDetails { helper_name: String::new(), ..ok }, HouseholdStatus::Monitored);
        assert!(matches!(e, Err(DomainError::Empty { .. })));
    }

    #[test]
    fn words_parse_back() {
        for r in RiskKind::ALL {
            assert_eq!(RiskKind::parse(r.zh()), Ok(*r));
            assert_eq!(RiskKind::parse(r.code()), Ok(*r));
        }
        assert_eq!(MonitoredType::parse("边缘易致贫户"), Ok(MonitoredType::Marginal));
        assert!(Relation::parse("cousin").is_err());
        assert_eq!(HouseholdStatus::default(), HouseholdStatus::Ordinary);
        assert_eq!(HouseholdStatus::from_code("监测对象"), Ok(HouseholdStatus::Monitored));
        assert_eq!(HouseholdStatus::RegisteredPoor.zh(), "脱贫户(原建档立卡)");
        assert_eq!(field_words("income_yuan"), Some(("家庭年收入(元)", "yearly income (yuan)")));
        assert_eq!(field_words("no_such_field"), None);
        assert_eq!(value_words("status", "monitored"), "监测对象");
        assert_eq!(value_words("risks", "illness,accident"), "因病、因意外");
        assert_eq!(value_words("check_water", "gap"), "有问题");
        assert_eq!(value_words("id_number", "11010519491231002X"), "110***********002X");
    }
}
