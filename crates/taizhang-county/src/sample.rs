//! Random inspection (随机查): a uniform sample, without replacement, of a village's diary
//! entries or households for a county officer to check by hand. The randomness is a seed the
//! caller passes in, so the same seed shows the same sample again (an inspection can be
//! reproduced and audited).

use chrono::NaiveDate;
use serde::Serialize;
use taizhang_domain::{local_date, DiaryId, HouseholdId, HouseholdStatus, MemberId, SplitMix64, VisitId};
use taizhang_rules::{Period, VillageRecords};

use crate::project::member_name;

/// A diary entry drawn for inspection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiarySample {
    pub id: DiaryId,
    pub date: NaiveDate,
    pub member: MemberId,
    pub member_name: String,
    pub text: String,
}

/// A visit shown with a sampled household.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VisitLine {
    /// The visit's id (its photos are listed by it: `GET .../photos`).
    pub id: VisitId,
    pub date: NaiveDate,
    pub member_name: String,
    pub findings: String,
}

/// A household drawn for inspection, with its visits in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HouseholdSample {
    pub id: HouseholdId,
    pub head: String,
    pub group: String,
    /// 户类型 in words (脱贫户, 监测对象, 一般户).
    pub status_zh: String,
    pub status_en: String,
    pub visits: Vec<VisitLine>,
}

/// The households a draw takes from: those of `statuses` (every household when empty).
pub fn household_pool(records: &VillageRecords, statuses: &[HouseholdStatus]) -> usize {
    records.households.iter().filter(|h| statuses.is_empty() || statuses.contains(&h.status)).count()
}

/// `n` distinct indices of `0..len` (all of them when `n >= len`), in drawing order.
pub fn pick(len: usize, n: usize, seed: u64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..len).collect();
    let mut rng = SplitMix64::new(seed);
    let n = n.min(len);
    for i in 0..n {
        let j = i + rng.below((len - i) as u64) as usize;
        idx.swap(i, j);
    }
    idx.truncate(n);
    idx
}

/// `n` original diary entries (amendments are shown with the entry they correct elsewhere)
/// of the team dated within `period`.
pub fn sample_diary(records: &VillageRecords, period: Period, n: usize, seed: u64) -> Vec<DiarySample> {
    let mut pool: Vec<_> = records.diary.iter().filter(|d| d.amends.is_none() && period.contains(d.date)).collect();
    pool.sort_by_key(|d| (d.date, d.id)); // the same seed gives the same sample whatever the input order
    pick(pool.len(), n, seed)
        .into_iter()
        .map(|i| {
            let d = pool[i];
            DiarySample {
                id: d.id,
                date: d.date,
                member: d.member,
                member_name: member_name(records, d.member),
                text: d.text.clone(),
            }
        })
        .collect()
}

/// `n` registered households of `statuses` (every household when empty; the county policy's
/// default is 脱贫户 and 监测对象), each with the team's visits to it within `period`.
pub fn sample_households(
    records: &VillageRecords,
    period: Period,
    n: usize,
    seed: u64,
    statuses: &[HouseholdStatus],
) -> Vec<HouseholdSample> {
    let mut pool: Vec<_> =
        records.households.iter().filter(|h| statuses.is_empty() || statuses.contains(&h.status)).collect();
    pool.sort_by_key(|h| h.id);
    pick(pool.len(), n, seed)
        .into_iter()
        .map(|i| {
            let h = pool[i];
            let mut visits: Vec<_> = records
                .visits
                .iter()
                .filter(|v| v.household == h.id && period.contains(local_date(v.at)))
                .map(|v| {
                    (
                        v.at,
                        VisitLine {
                            id: v.id,
                            date: local_date(v.at),
                            member_name: member_name(records, v.member),
                            findings: v.findings.clone(),
                        },
                    )
                })
                .collect();
            visits.sort_by_key(|(at, _)| *at);
            HouseholdSample {
                id: h.id,
                head: h.head.clone(),
                group: h.group.clone(),
                status_zh: h.status.zh().to_string(),
                status_en: h.status.en().to_string(),
                visits: visits.into_iter().map(|(_, v)| v).collect(),
            }
        })
        .collect()
}
