//! The household screen's parts added by issue 16, in words for both languages: the details
//! that are set (phone, door number, monitoring, 两不愁三保障 checks, helper), the family roster
//! (ID numbers masked except for the member who typed them) and the history of changes read
//! from the registry's own document history.

use std::collections::BTreeMap;

use taizhang_client::Ledger;
use taizhang_domain::{field_words, local_date, value_words, Household, HouseholdId, MemberId, Timestamp};
use taizhang_store::Store;

use crate::contract::{FamilyItem, HistoryChange, HistoryItem, WordsItem};
use crate::AppError;

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
