//! The household screen's parts added by issue 16, in words for both languages: the details
//! that are set (phone, door number, monitoring, 两不愁三保障 checks, helper), the family roster
//! (ID numbers masked except for the member who typed them) and the history of changes read
//! from the registry's own document history; and the forms that enter them (the details with
//! the household, a family member on their own), with the domain's lists in words.

use std::collections::BTreeMap;

use taizhang_client::Ledger;
use taizhang_domain::{
    field_words, local_date, value_words, FamilyMember, Guarantee, Health, Household, HouseholdDetails, HouseholdId,
    MemberId, MonitoredType, PersonId, Relation, RiskKind, Schooling, Timestamp, WorkAbility,
};
use taizhang_store::Store;
use uuid::Uuid;

use crate::contract::{
    Choice, FamilyItem, FamilyMemberInput, GuaranteeCheck, HistoryChange, HistoryItem, HouseholdChoices,
    HouseholdDetailsInput, WordsItem,
};
use crate::core::parse_date;
use crate::AppError;

/// The domain's lists, in its words, for the forms.
pub(crate) fn choices() -> HouseholdChoices {
    macro_rules! list {
        ($t:ty) => {
            <$t>::ALL.iter().map(|c| Choice { code: c.code().into(), zh: c.zh().into(), en: c.en().into() }).collect()
        };
    }
    HouseholdChoices {
        monitored_types: list!(MonitoredType),
        risks: list!(RiskKind),
        guarantees: list!(Guarantee),
        relations: list!(Relation),
        health: list!(Health),
        work_ability: list!(WorkAbility),
        schooling: list!(Schooling),
    }
}

/// The details as the form holds them.
pub(crate) fn details_input(d: &HouseholdDetails) -> HouseholdDetailsInput {
    HouseholdDetailsInput {
        phone: d.phone.clone(),
        address: d.address.clone(),
        door_number: d.door_number.clone(),
        monitored_type: d.monitored_type.map(|t| t.code().into()),
        risks: d.risks.iter().map(|r| r.code().into()).collect(),
        risk_cleared_on: d.risk_cleared_on.map(|c| c.to_string()),
        checks: d.checks.iter().map(|(g, ok)| GuaranteeCheck { code: g.code().into(), ok: *ok }).collect(),
        income_per_head_yuan: d.income_per_head_yuan,
        helper_name: d.helper_name.clone(),
        helper_unit: d.helper_unit.clone(),
        helper_phone: d.helper_phone.clone(),
    }
}

/// A code of the form as the domain's value; an unknown one names the form's field.
fn code<T>(
    field: &str,
    v: &str,
    parse: impl Fn(&str) -> Result<T, taizhang_domain::DomainError>,
) -> Result<T, AppError> {
    parse(v.trim()).map_err(|e| AppError::invalid(field, e.to_string()))
}

fn opt_code<T>(
    field: &str,
    v: &Option<String>,
    parse: impl Fn(&str) -> Result<T, taizhang_domain::DomainError>,
) -> Result<Option<T>, AppError> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| code(field, s, &parse)).transpose()
}

/// The form's details as the record's, text trimmed.
pub(crate) fn details_of(i: &HouseholdDetailsInput) -> Result<HouseholdDetails, AppError> {
    let mut risks = i.risks.iter().map(|r| code("risks", r, RiskKind::parse)).collect::<Result<Vec<_>, _>>()?;
    risks.sort();
    risks.dedup();
    let mut checks = BTreeMap::new();
    for c in &i.checks {
        checks.insert(code("checks", &c.code, Guarantee::parse)?, c.ok);
    }
    Ok(HouseholdDetails {
        phone: i.phone.trim().into(),
        address: i.address.trim().into(),
        door_number: i.door_number.trim().into(),
        monitored_type: opt_code("monitoredType", &i.monitored_type, MonitoredType::parse)?,
        risks,
        risk_cleared_on: i
            .risk_cleared_on
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| parse_date("riskClearedOn", s))
            .transpose()?,
        checks,
        income_per_head_yuan: i.income_per_head_yuan,
        helper_name: i.helper_name.trim().into(),
        helper_unit: i.helper_unit.trim().into(),
        helper_phone: i.helper_phone.trim().into(),
        attachments: Vec::new(),
    })
}

/// The family member the form describes, as `me` saves it. `stored` is the record being
/// edited (none for a new person). An ID number shown masked (with `*`) keeps the stored one
/// and who typed it; a new or changed number is `me`'s; an empty one removes it.
pub(crate) fn family_member_of(
    i: &FamilyMemberInput,
    stored: Option<&FamilyMember>,
    household: HouseholdId,
    me: MemberId,
) -> Result<FamilyMember, AppError> {
    let typed = i.id_number.trim().to_uppercase();
    let (id_number, id_entered_by) = match stored {
        Some(s) if typed.contains('*') || typed == s.id_number.to_uppercase() => (s.id_number.clone(), s.id_entered_by),
        _ if typed.contains('*') => {
            return Err(AppError::invalid("idNumber", "type the whole ID number (18 characters), not the masked one"))
        }
        _ if typed.is_empty() => (String::new(), None),
        _ => (typed, Some(me)),
    };
    Ok(FamilyMember {
        id: stored.map(|s| s.id).unwrap_or_else(|| PersonId(Uuid::now_v7())),
        household,
        name: i.name.trim().into(),
        relation: code("relation", &i.relation, Relation::parse)?,
        birth_year: i.birth_year,
        health: opt_code("health", &i.health, Health::parse)?,
        work_ability: opt_code("workAbility", &i.work_ability, WorkAbility::parse)?,
        schooling: opt_code("schooling", &i.schooling, Schooling::parse)?,
        disability_grade: i.disability_grade,
        medical_insurance: i.medical_insurance,
        pension_insurance: i.pension_insurance,
        id_number,
        id_entered_by,
        left: i.left,
    })
}

fn item(label: (&str, &str), zh: impl Into<String>, en: impl Into<String>) -> WordsItem {
    WordsItem { label_zh: label.0.into(), label_en: label.1.into(), value_zh: zh.into(), value_en: en.into() }
}

fn label(field: &str) -> (&str, &str) {
    field_words(field).unwrap_or((field, field))
}

/// The details of `h` that are set, in the order of the form.
pub(crate) fn facts(h: &Household) -> Vec<WordsItem> {
    let d = &h.details;
    let mut out = Vec::new();
    for (field, v) in [("door_number", &d.door_number), ("address", &d.address), ("phone", &d.phone)] {
        if !v.is_empty() {
            out.push(item(label(field), v.clone(), v.clone()));
        }
    }
    if let Some(t) = d.monitored_type {
        out.push(item(label("monitored_type"), t.zh(), t.en()));
    }
    if !d.risks.is_empty() {
        let zh: Vec<&str> = d.risks.iter().map(|r| r.zh()).collect();
        let en: Vec<&str> = d.risks.iter().map(|r| r.en()).collect();
        out.push(item(label("risks"), zh.join("、"), en.join(", ")));
    }
    if let Some(c) = d.risk_cleared_on {
        out.push(item(label("risk_cleared_on"), c.to_string(), c.to_string()));
    }
    for (g, ok) in &d.checks {
        let (zh, en) = if *ok { ("有保障", "secured") } else { ("有问题", "a gap") };
        out.push(item((g.zh(), g.en()), zh, en));
    }
    if let Some(i) = d.income_per_head_yuan {
        out.push(item(label("income_per_head_yuan"), i.to_string(), i.to_string()));
    }
    if !d.helper_name.is_empty() {
        let who = format!("{} {} {}", d.helper_name, d.helper_unit, d.helper_phone).trim().to_string();
        out.push(item(label("helper_name"), who.clone(), who));
    }
    out
}

/// The roster of household `id` as `viewer` may see it.
pub(crate) fn family(
    store: &Store,
    id: HouseholdId,
    viewer: Option<MemberId>,
    now: Timestamp,
) -> Result<Vec<FamilyItem>, AppError> {
    use chrono::Datelike;
    let year = local_date(now).year();
    Ok(store
        .family_members(id)?
        .into_iter()
        .map(|r| r.record)
        .filter(|p| !p.left)
        .map(|p| {
            let mut zh: Vec<String> = Vec::new();
            let mut en: Vec<String> = Vec::new();
            if let Some(h) = p.health {
                zh.push(h.zh().into());
                en.push(h.en().into());
            }
            if let Some(w) = p.work_ability {
                zh.push(w.zh().into());
                en.push(w.en().into());
            }
            if let Some(s) = p.schooling {
                zh.push(s.zh().into());
                en.push(s.en().into());
            }
            if let Some(g) = p.disability_grade {
                zh.push(format!("残疾{g}级"));
                en.push(format!("disability grade {g}"));
            }
            if p.medical_insurance == Some(true) {
                zh.push("已参加基本医疗保险".into());
                en.push("medical insurance".into());
            }
            if p.pension_insurance == Some(true) {
                zh.push("已参加基本养老保险".into());
                en.push("pension insurance".into());
            }
            FamilyItem {
                id: p.id.to_string(),
                name: p.name.clone(),
                relation_zh: p.relation.zh().into(),
                relation_en: p.relation.en().into(),
                age: p.age_in(year),
                id_number: p.id_number_for(viewer),
                notes_zh: zh.join("，"),
                notes_en: en.join(", "),
                relation: p.relation.code().into(),
                birth_year: p.birth_year,
                health: p.health.map(|c| c.code().into()),
                work_ability: p.work_ability.map(|c| c.code().into()),
                schooling: p.schooling.map(|c| c.code().into()),
                disability_grade: p.disability_grade,
                medical_insurance: p.medical_insurance,
                pension_insurance: p.pension_insurance,
            }
        })
        .collect())
}

/// A stored value in words; the team-member helper by name.
fn member_or_words(field: &str, value: &str, names: &BTreeMap<MemberId, String>) -> String {
    if field == "helper" {
        if let Some(name) = value.parse::<MemberId>().ok().and_then(|m| names.get(&m)) {
            return name.clone();
        }
    }
    value_words(field, value)
}

/// Every change of household `id`, newest first, values in words (ID numbers masked).
pub(crate) fn history(
    l: &mut Ledger,
    id: HouseholdId,
    names: &BTreeMap<MemberId, String>,
) -> Result<Vec<HistoryItem>, AppError> {
    let mut out: Vec<HistoryItem> = l
        .household_history(id)?
        .into_iter()
        .map(|e| HistoryItem {
            at: e.at,
            who: e.member.and_then(|m| names.get(&MemberId(m)).cloned()).unwrap_or_default(),
            changes: e
                .fields
                .iter()
                .map(|f| {
                    let (zh, en) = label(&f.field);
                    let word = |v: &Option<String>| {
                        v.as_deref().map(|v| member_or_words(&f.field, v, names)).unwrap_or_default()
                    };
                    HistoryChange { label_zh: zh.into(), label_en: en.into(), old: word(&f.old), new: word(&f.new) }
                })
                .collect(),
        })
        .collect();
    out.reverse();
    Ok(out)
}
