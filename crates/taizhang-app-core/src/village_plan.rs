//! The village situation (村情) and plans screens (issue 22): a year's register filled in
//! offline beside last year's and the registry's own counts, and the team's three-year goals,
//! yearly plan and responsibility letter as items made, corrected and closed on the phone.
//! Every record goes through `taizhang_client::Ledger`, which validates it with the domain.

use chrono::Datelike;
use taizhang_client::Ledger;
use taizhang_domain::{
    local_date, plan_progress, Cadre, Education, PlanId, PlanItem, PlanKind, PlanState, Timestamp, VillageSituation,
};
use uuid::Uuid;

use crate::contract::{
    CadreItem, Choice, PlanEntry, PlanInput, PlanKindCode, PlanStateCode, PlansView, SituationInput, SituationItem,
    SituationView, YearQuery,
};
use crate::core::{parse_date, parse_id};
use crate::{AppCore, AppError};

fn kind_of(k: PlanKindCode) -> PlanKind {
    match k {
        PlanKindCode::ThreeYear => PlanKind::ThreeYear,
        PlanKindCode::Yearly => PlanKind::Yearly,
        PlanKindCode::Letter => PlanKind::Letter,
    }
}

fn kind_code(k: PlanKind) -> PlanKindCode {
    match k {
        PlanKind::ThreeYear => PlanKindCode::ThreeYear,
        PlanKind::Yearly => PlanKindCode::Yearly,
        PlanKind::Letter => PlanKindCode::Letter,
    }
}

fn state_of(s: PlanStateCode) -> PlanState {
    match s {
        PlanStateCode::Open => PlanState::Open,
        PlanStateCode::Done => PlanState::Done,
        PlanStateCode::Missed => PlanState::Missed,
    }
}

fn state_code(s: PlanState) -> PlanStateCode {
    match s {
        PlanState::Open => PlanStateCode::Open,
        PlanState::Done => PlanStateCode::Done,
        PlanState::Missed => PlanStateCode::Missed,
    }
}

fn situation_item(l: &Ledger, s: &VillageSituation) -> Result<SituationItem, AppError> {
    let names = crate::core::names(l.store())?;
    let (filled, parts) = s.filled();
    Ok(SituationItem {
        year: s.year,
        population: s.population,
        households: s.households,
        committee: s
            .committee
            .iter()
            .map(|c| CadreItem {
                name: c.name.clone(),
                post: c.post.clone(),
                birth_year: c.birth_year,
                education: c.education.map(|e| e.code().to_string()),
            })
            .collect(),
        party_members: s.party_members,
        collective_income_yuan: s.collective_income_yuan,
        income_sources: s.income_sources.clone(),
        income_per_head_yuan: s.income_per_head_yuan,
        industries: s.industries.clone(),
        roads: s.roads.clone(),
        water: s.water.clone(),
        network: s.network.clone(),
        problems: s.problems.clone(),
        filled: u32::try_from(filled).unwrap_or(u32::MAX),
        parts: u32::try_from(parts).unwrap_or(u32::MAX),
        updated_by_name: names.get(&s.updated_by).cloned().unwrap_or_default(),
        updated_at: s.updated_at,
    })
}

fn situation_view(l: &Ledger, year: i32, now: Timestamp) -> Result<SituationView, AppError> {
    let store = l.store();
    let current = store.situation(year)?.map(|r| situation_item(l, &r.record)).transpose()?;
    let previous = store.situation(year - 1)?.map(|r| situation_item(l, &r.record)).transpose()?;
    let (households, people) = store.registry_counts()?;
    Ok(SituationView {
        year,
        this_year: local_date(now).year(),
        current,
        previous,
        registry_households: u32::try_from(households).unwrap_or(u32::MAX),
        registry_people: u32::try_from(people).unwrap_or(u32::MAX),
        educations: Education::ALL
            .iter()
            .map(|e| Choice { code: e.code().into(), zh: e.zh().into(), en: e.en().into() })
            .collect(),
    })
}

fn plans_view(l: &Ledger, year: i32, now: Timestamp) -> Result<PlansView, AppError> {
    let today = local_date(now);
    let rows = l.store().plan_items(Some(year))?;
    let records: Vec<PlanItem> = rows.into_iter().map(|r| r.record).collect();
    let p = plan_progress(&records, year, today);
    let names = crate::core::names(l.store())?;
    let mut items = Vec::with_capacity(records.len());
    for i in &records {
        items.push(PlanEntry {
            id: i.id.to_string(),
            kind: kind_code(i.kind),
            year: i.year,
            title: i.title.clone(),
            target: i.target.clone(),
            due: i.due.map(|d| d.to_string()),
            state: state_code(i.state),
            result: i.result.clone(),
            closed_on: i.closed_on.map(|d| d.to_string()),
            overdue: i.overdue(today),
            recorded_by_name: names.get(&i.recorded_by).cloned().unwrap_or_default(),
            photos: i.attachments.len() as u32,
        });
    }
    let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    Ok(PlansView {
        year,
        today: today.to_string(),
        items,
        total: n(p.items),
        done: n(p.done),
        missed: n(p.missed),
        open: n(p.open),
        overdue: n(p.overdue),
        letter: p.letter,
    })
}

fn text_or_none(field: &str, s: Option<&str>) -> Result<Option<chrono::NaiveDate>, AppError> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(d) => parse_date(field, d).map(Some),
    }
}

impl AppCore {
    fn year_of(&self, q: &YearQuery) -> i32 {
        q.year.unwrap_or_else(|| local_date(self.now()).year())
    }

    /// The village situation of a year (this year when none is given), beside the year before.
    pub async fn village_situation(&self, q: YearQuery) -> Result<SituationView, AppError> {
        let now = self.now();
        let year = self.year_of(&q);
        self.with(|l| situation_view(l, year, now)).await
    }

    /// Saves a year's village situation by this device's member. Only the parts that changed
    /// are written: a colleague's part filled in on another phone survives the merge.
    pub async fn save_situation(&self, s: SituationInput) -> Result<SituationView, AppError> {
        let now = self.now();
        let committee = s
            .committee
            .iter()
            .filter(|c| !(c.name.trim().is_empty() && c.post.trim().is_empty()))
            .map(|c| {
                let education = match c.education.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(e) => {
                        Some(Education::from_code(e).map_err(|e| AppError::invalid("education", e.to_string()))?)
                    }
                };
                Ok(Cadre {
                    name: c.name.trim().to_string(),
                    post: c.post.trim().to_string(),
                    birth_year: c.birth_year,
                    education,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        self.with(|l| {
            let me = Self::me_synced(l)?;
            let x = VillageSituation {
                year: s.year,
                population: s.population,
                households: s.households,
                committee,
                party_members: s.party_members,
                collective_income_yuan: s.collective_income_yuan,
                income_sources: s.income_sources.trim().to_string(),
                income_per_head_yuan: s.income_per_head_yuan,
                industries: s.industries.trim().to_string(),
                roads: s.roads.trim().to_string(),
                water: s.water.trim().to_string(),
                network: s.network.trim().to_string(),
                problems: s.problems.trim().to_string(),
                updated_by: me.id,
                updated_at: now,
            };
            l.put_situation(&x, now)?;
            situation_view(l, s.year, now)
        })
        .await
    }

    /// The goals, plan items and letters covering a year, and how its plan stands.
    pub async fn plans(&self, q: YearQuery) -> Result<PlansView, AppError> {
        let now = self.now();
        let year = self.year_of(&q);
        self.with(|l| plans_view(l, year, now)).await
    }

    /// Makes, corrects or closes a plan item by this device's member. A correction keeps who
    /// recorded it and when; closing (done or missed) needs the result, on `closedOn` or today.
    pub async fn save_plan_item(&self, p: PlanInput) -> Result<PlansView, AppError> {
        let now = self.now();
        let id = p.id.as_deref().map(|id| parse_id::<PlanId>("planId", id)).transpose()?;
        let due = text_or_none("due", p.due.as_deref())?;
        let state = state_of(p.state);
        let closed_on = match state {
            PlanState::Open => None,
            _ => Some(text_or_none("closedOn", p.closed_on.as_deref())?.unwrap_or_else(|| local_date(now))),
        };
        self.with(|l| {
            let me = Self::me_synced(l)?;
            let earlier = match id {
                None => None,
                Some(id) => Some(l.store().plan_item(id)?.map(|r| r.record).ok_or_else(|| {
                    AppError::invalid("planId", "pick a plan item from the list / 请从列表中选择计划事项")
                })?),
            };
            // Photos (the signed letter) join those the item has, each on this device first.
            let has = earlier.as_ref().map(|e| e.attachments.clone()).unwrap_or_default();
            let attachments = crate::attachments::with_added(l.store(), &has, &p.attachments, "plan item")?;
            let item = PlanItem {
                id: earlier.as_ref().map_or_else(|| PlanId(Uuid::now_v7()), |e| e.id),
                kind: kind_of(p.kind),
                year: p.year,
                title: p.title.trim().to_string(),
                target: p.target.trim().to_string(),
                due,
                state,
                result: p.result.trim().to_string(),
                closed_on,
                recorded_by: earlier.as_ref().map_or(me.id, |e| e.recorded_by),
                recorded_at: earlier.as_ref().map_or(now, |e| e.recorded_at),
                attachments,
            };
            l.put_plan_item(&item, now)?;
            l.store().bind_attachments(&item.attachments, "plan", &item.id.to_string())?;
            plans_view(l, p.year, now)
        })
        .await
    }
}
