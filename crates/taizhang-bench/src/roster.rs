//! The household list at 1,000 households with their rosters (issue 16): a phone's store filled
//! as a village's would be — every household with its details (door number, address, phone, the
//! monitoring fields, the helper) and its family (户主 first, `members_count` people), a year
//! of visits — and the app's own commands timed on it, as the window calls them: the whole
//! list, the searches (pinyin initials, full pinyin, a family member's name, a door number), the
//! filters (not visited this month, mine, monitored, a group), one household's screen with its
//! roster and history, and the form's choices. Each answer's JSON size is what crosses from the
//! core to the window. Times are medians and maxima of `rounds` calls, in a fresh process's
//! core over the store (cold: the first call after opening is reported on its own).

use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use taizhang_app_core::contract::{HouseholdFilter, HouseholdStatusCode, VisitPeriodCode};
use taizhang_app_core::AppCore;
use taizhang_client::Ledger;
use taizhang_doc::demo;
use taizhang_domain::{
    FamilyMember, Guarantee, Health, Household, HouseholdStatus, MonitoredType, PersonId, Relation, RiskKind,
    Schooling, Visit, VisitId, WorkAbility,
};

#[derive(Debug, Clone)]
pub struct Params {
    pub households: usize,
    pub visits: usize,
    pub rounds: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    pub what: String,
    /// Rows answered (households listed; for one household, its family members).
    pub rows: usize,
    /// The answer's JSON, as the window receives it.
    pub bytes: usize,
    pub median_ms: f64,
    pub max_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub households: usize,
    pub family_members: usize,
    pub visits: usize,
    pub store_bytes: u64,
    /// Filling the store (every record written through the ledger, as a sync would).
    pub fill_s: f64,
    /// Opening the core and drawing the first list (what a cold start waits for).
    pub open_ms: f64,
    pub first_list_ms: f64,
    pub timings: Vec<Timing>,
}

const SURNAMES: [&str; 10] = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"];
const GIVEN: [&str; 12] =
    ["小红", "明亮", "春燕", "志强", "海燕", "文军", "丽娟", "建华", "玉兰", "德福", "晓东", "雪梅"];

/// A household as the work team records it, built from the demo's (so the names and groups are
/// the demo's: four 吴国强 among 1,000, told apart by group and door number).
fn household(i: usize, base: Household) -> Household {
    let mut h = base;
    let d = &mut h.details;
    d.door_number = format!("{}-{:03}", h.group.trim_end_matches('组'), i + 1);
    d.address = format!("石门村{}{}号", h.group, i + 1);
    d.phone = format!("139{:08}", 10_000_000 + i * 7_919 % 90_000_000);
    if h.status == HouseholdStatus::Monitored {
        d.monitored_type = Some(MonitoredType::ALL[i % MonitoredType::ALL.len()]);
        d.risks = vec![RiskKind::ALL[i % RiskKind::ALL.len()]];
    }
    for (k, g) in Guarantee::ALL.iter().enumerate() {
        if !(i + k).is_multiple_of(5) {
            d.checks.insert(*g, !(i + k).is_multiple_of(11));
        }
    }
    d.income_per_head_yuan = Some(5_000 + (i as i64 * 263) % 12_000);
    d.helper_name = format!("{}{}", SURNAMES[(i + 3) % 10], GIVEN[(i + 5) % 12]);
    d.helper_unit = "县农业农村局".into();
    h
}

/// The family of household `i`: the head first, then spouse, children, a parent.
fn family(i: usize, h: &Household) -> Vec<FamilyMember> {
    let surname: String = h.head.chars().take(1).collect();
    let relations = [Relation::Spouse, Relation::Child, Relation::Child, Relation::Parent, Relation::Grandchild];
    (0..h.members_count as usize)
        .map(|k| {
            let (relation, name) = if k == 0 {
                (Relation::Head, h.head.clone())
            } else {
                let r = relations[(k - 1) % relations.len()];
                let s = if r == Relation::Spouse { SURNAMES[(i + 7) % 10].to_string() } else { surname.clone() };
                (r, format!("{s}{}", GIVEN[(i * 3 + k) % 12]))
            };
            let birth_year = match relation {
                Relation::Head | Relation::Spouse => 1960 + (i % 25) as i32,
                Relation::Parent => 1940 + (i % 15) as i32,
                Relation::Grandchild => 2015 + (i % 8) as i32,
                _ => 1990 + (i % 15) as i32,
            };
            FamilyMember {
                id: PersonId(uuid::Uuid::from_u128(0x0194_0000_0000_7000_8000_0000_0000_0000 + (i * 16 + k) as u128)),
                household: h.id,
                name,
                relation,
                birth_year: Some(birth_year),
                health: Some(Health::ALL[(i + k) % Health::ALL.len()]),
                work_ability: Some(WorkAbility::ALL[(i + k) % WorkAbility::ALL.len()]),
                schooling: (relation == Relation::Grandchild || relation == Relation::Child)
                    .then(|| Schooling::ALL[(i + k) % Schooling::ALL.len()]),
                disability_grade: (i + k).is_multiple_of(17).then_some(3),
                medical_insurance: Some(true),
                pension_insurance: Some(!(i + k).is_multiple_of(4)),
                id_number: String::new(),
                id_entered_by: None,
                left: false,
            }
        })
        .collect()
}

/// Median and maximum.
fn stats(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v.get(v.len() / 2).copied().unwrap_or(0.0), v.last().copied().unwrap_or(0.0))
}

async fn time<T: Serialize, F, Fut>(
    what: &str,
    rounds: usize,
    rows: impl Fn(&T) -> usize,
    f: F,
) -> anyhow::Result<Timing>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, taizhang_app_core::AppError>>,
{
    let mut ms = Vec::with_capacity(rounds);
    let mut last = None;
    for _ in 0..rounds.max(1) {
        let t = Instant::now();
        let answer = f().await.map_err(|e| anyhow::anyhow!("{what}: {e}"))?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(answer);
    }
    let last = last.ok_or_else(|| anyhow::anyhow!("{what}: no answer"))?;
    let (median_ms, max_ms) = stats(ms);
    Ok(Timing { what: what.into(), rows: rows(&last), bytes: serde_json::to_vec(&last)?.len(), median_ms, max_ms })
}

pub async fn run(dir: &std::path::Path, p: &Params) -> anyhow::Result<Figures> {
    let path = dir.join("phone.sqlite3");
    let now = crate::now_ms();
    let started = Instant::now();
    let households: Vec<Household> =
        demo::households(p.households).into_iter().enumerate().map(|(i, h)| household(i, h)).collect();
    let mut family_members = 0;
    {
        let mut l = Ledger::create(&path, demo::VILLAGE, Some(demo::member_id(0)), [7; 16])?;
        l.put_village(&demo::village(), now)?;
        for m in demo::members() {
            l.put_member(&m, now)?;
        }
        for (i, h) in households.iter().enumerate() {
            l.put_household(h, now)?;
            for person in family(i, h) {
                l.put_family_member(&person, now)?;
                family_members += 1;
            }
        }
        // A year of visits, the newest this month: most households visited this year, some
        // this month, a few not at all.
        let day = 86_400_000i64;
        for k in 0..p.visits {
            let h = &households[(k * 7) % households.len()];
            let v = Visit {
                id: VisitId(uuid::Uuid::from_u128(0x0195_0000_0000_7000_8000_0000_0000_0000 + k as u128)),
                household: h.id,
                member: demo::member_id(0),
                at: now - (k as i64 % 330) * day,
                location: None,
                findings: "家中老人身体尚可，饮水正常".into(),
                needs: String::new(),
                follow_up: String::new(),
                amends: None,
                attachments: Vec::new(),
            };
            l.record_visit(&v, now)?;
        }
    }
    let fill_s = started.elapsed().as_secs_f64();
    let store_bytes = std::fs::metadata(&path)?.len();

    let t = Instant::now();
    let core = AppCore::open(
        path.clone(),
        path.with_extension("settings.json"),
        Some("http://127.0.0.1:9"),
        Arc::new(move || now),
    )?;
    let open_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let first = core.households(HouseholdFilter::default()).await?;
    let first_list_ms = t.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(
        first.items.len() == p.households,
        "the list holds {} of {} households",
        first.items.len(),
        p.households
    );

    let n = p.rounds;
    let list = |f: HouseholdFilter| {
        let core = &core;
        move || {
            let f = f.clone();
            async move { core.households(f).await }
        }
    };
    let rows = |l: &taizhang_app_core::contract::HouseholdList| l.items.len();
    let text = |s: &str| HouseholdFilter { text: Some(s.into()), ..Default::default() };
    let some_id = first.items[first.items.len() / 2].id.clone();
    // Household 5 has six people (the demo's sizes run 1 to 6): its spouse's name.
    let relative: String = family(5, &households[5]).get(1).map(|m| m.name.clone()).unwrap_or_default();
    anyhow::ensure!(!relative.is_empty(), "household 5 has no family member besides its head");
    let mut timings = vec![
        time("the whole list (1 组 … 8 组)", n, rows, list(HouseholdFilter::default())).await?,
        time("search by pinyin initials (wgq: 王国强)", n, rows, list(text("wgq"))).await?,
        time("search by full pinyin (wangguoqiang)", n, rows, list(text("wangguoqiang"))).await?,
        time(&format!("search by a family member's name ({relative})"), n, rows, list(text(&relative))).await?,
        time("search by door number (3-0)", n, rows, list(text("3-0"))).await?,
        time(
            "not visited this month",
            n,
            rows,
            list(HouseholdFilter { not_visited: Some(VisitPeriodCode::Month), ..Default::default() }),
        )
        .await?,
        time("mine (结对帮扶)", n, rows, list(HouseholdFilter { mine: Some(true), ..Default::default() })).await?,
        time(
            "monitored (监测对象)",
            n,
            rows,
            list(HouseholdFilter { status: Some(HouseholdStatusCode::Monitored), ..Default::default() }),
        )
        .await?,
        time("one group (3组)", n, rows, list(HouseholdFilter { group: Some("3组".into()), ..Default::default() }))
            .await?,
    ];
    timings.push(
        time(
            "one household's screen (details, roster, visits, history)",
            n,
            |d: &taizhang_app_core::contract::HouseholdDetail| d.family.len(),
            || core.household(some_id.clone()),
        )
        .await?,
    );
    timings.push(time("the form's choices", n, |_| 0, || core.household_choices()).await?);
    Ok(Figures {
        households: p.households,
        family_members,
        visits: p.visits,
        store_bytes,
        fill_s,
        open_ms,
        first_list_ms,
        timings,
    })
}

pub fn markdown(f: &Figures, header: &str) -> String {
    let mut s = format!("# The household list at {} households with their rosters\n\n{header}\n\n", f.households);
    s.push_str(&format!(
        "A phone's store with {} households (each with its details: door number, address, phone, monitoring, checks, \
         helper), {} family members and {} visits over a year ({:.1} MB, filled in {:.1} s through the ledger). The \
         app's commands timed as the window calls them, in this process, over the store; the bytes are the answer's \
         JSON that crosses to the window. Opening the core took {:.1} ms and the first list {:.1} ms.\n\n",
        f.households,
        f.family_members,
        f.visits,
        f.store_bytes as f64 / 1e6,
        f.fill_s,
        f.open_ms,
        f.first_list_ms
    ));
    s.push_str("| command | rows | answer | median | max |\n|---|---|---|---|---|\n");
    for t in &f.timings {
        s.push_str(&format!(
            "| {} | {} | {:.1} KiB | {:.2} ms | {:.2} ms |\n",
            t.what,
            t.rows,
            t.bytes as f64 / 1024.0,
            t.median_ms,
            t.max_ms
        ));
    }
    s.push_str(
        "\nThese are the core's costs only. The window draws the first 60 rows of the answer and the next ones as \
         the list is scrolled (`listWindow` in `app/src/main.ts`); the app's end-to-end test measures the cold \
         start to a drawn list in the real window (`scripts/app-e2e.sh`, its median in the README). One \
         household's screen reads the history of that household only (`taizhang_doc::HistoryIndex`): the \
         first screen opened builds the index of the registry's changes (the max above), later ones use it.\n",
    );
    s
}
