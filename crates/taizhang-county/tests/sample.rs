//! Why this exists: random inspection (随机查) is only fair if every row is equally likely, only
//! auditable if a seed shows the same sample again, and only useful if it shows what the
//! officer is meant to check (original entries of the period, each household's visits in order).

mod common;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use common::{amendment, date, diary, household, member, mid, visit};
use proptest::prelude::*;
use taizhang_county::sample::pick;
use taizhang_county::{household_pool, sample_diary, sample_households};
use taizhang_domain::{DiaryId, HouseholdStatus, Role};
use taizhang_rules::{Period, VillageRecords};

#[test]
fn pick_gives_n_distinct_indices_in_range() {
    for seed in [0, 1, 42, u64::MAX] {
        let p = pick(50, 7, seed);
        assert_eq!(p.len(), 7, "seed {seed}");
        assert!(p.iter().all(|i| *i < 50), "seed {seed}: {p:?}");
        assert_eq!(p.iter().collect::<BTreeSet<_>>().len(), 7, "seed {seed}: distinct {p:?}");
    }
}

#[test]
fn pick_gives_everything_when_n_is_at_least_len() {
    for (len, n) in [(5, 5), (5, 6), (5, 1000), (1, 1)] {
        let mut p = pick(len, n, 9);
        p.sort_unstable();
        assert_eq!(p, (0..len).collect::<Vec<_>>(), "len {len}, n {n}");
    }
    assert!(pick(0, 3, 9).is_empty(), "nothing to pick from");
    assert!(pick(10, 0, 9).is_empty(), "nothing asked for");
}

#[test]
fn pick_is_deterministic_per_seed_and_varies_across_seeds() {
    for seed in 0..50 {
        assert_eq!(pick(100, 5, seed), pick(100, 5, seed), "seed {seed} shows the same sample again");
    }
    let distinct: BTreeSet<Vec<usize>> = (0..50).map(|seed| pick(100, 5, seed)).collect();
    assert!(distinct.len() >= 45, "50 seeds give (nearly) 50 different samples: {}", distinct.len());
}

#[test]
fn each_of_ten_items_is_the_single_sample_about_equally_often() {
    // 20,000 fixed seeds, so this never flakes: a fair draw expects 2,000 per item with a
    // standard deviation of √(20000 × 0.1 × 0.9) ≈ 42; 1,700..=2,300 is ±7 of them.
    let mut counts = [0u32; 10];
    for seed in 0..20_000u64 {
        let p = pick(10, 1, seed);
        assert_eq!(p.len(), 1);
        counts[p[0]] += 1;
    }
    assert!(counts.iter().all(|c| (1_700..=2_300).contains(c)), "counts per item: {counts:?}");
}

#[test]
fn each_of_ten_items_is_in_a_sample_of_three_about_equally_often() {
    // Without replacement each item is in 3/10 of the samples: 6,000 of 20,000 expected,
    // standard deviation √(20000 × 0.3 × 0.7) ≈ 65; 5,600..=6,400 is ±6 of them.
    let mut counts = [0u32; 10];
    for seed in 0..20_000u64 {
        for i in pick(10, 3, seed.wrapping_mul(0x2545_f491_4f6c_dd1d)) {
            counts[i] += 1;
        }
    }
    assert!(counts.iter().all(|c| (5_600..=6_400).contains(c)), "counts per item: {counts:?}");
}

proptest! {
    #[test]
    fn pick_always_gives_min_n_len_distinct_indices_below_len(len in 0usize..200, n in 0usize..60, seed in any::<u64>()) {
        let p = pick(len, n, seed);
        prop_assert_eq!(p.len(), n.min(len));
        prop_assert!(p.iter().all(|i| *i < len), "{:?}", p);
        prop_assert_eq!(p.iter().collect::<BTreeSet<_>>().len(), p.len(), "distinct: {:?}", p);
        prop_assert_eq!(&p, &pick(len, n, seed), "same seed, same sample");
    }
}

fn d(day: u32) -> NaiveDate {
    date(2026, 3, day)
}

/// Two members writing every day of March 2026; member 1 also amends every third entry, and
/// a few entries fall in February and April (outside the period asked for).
fn diary_village() -> VillageRecords {
    let mut r = VillageRecords {
        members: vec![
            member(1, "李明", Role::FirstSecretary, date(2026, 1, 1)),
            member(2, "王芳", Role::TeamMember, date(2026, 1, 1)),
        ],
        ..Default::default()
    };
    let mut n = 0;
    for day in 1..=31 {
        for who in [1, 2] {
            n += 1;
            r.diary.push(diary(n, who, d(day)));
            if who == 1 && day % 3 == 0 {
                n += 1;
                r.diary.push(amendment(n, 1, d(day), n - 1, d(day)));
            }
        }
    }
    for (k, out) in [date(2026, 2, 27), date(2026, 2, 28), date(2026, 4, 1)].into_iter().enumerate() {
        r.diary.push(diary(1000 + k as u32, 1, out));
    }
    r
}

fn march() -> Period {
    Period::new(d(1), d(31)).expect("a valid period")
}

#[test]
fn sample_diary_never_shows_amendments_and_stays_in_the_period() {
    let r = diary_village();
    let amendments: BTreeSet<DiaryId> = r.diary.iter().filter(|e| e.amends.is_some()).map(|e| e.id).collect();
    assert_eq!(amendments.len(), 10, "every third day of 31 has an amendment");
    let first_half = Period::new(d(1), d(15)).expect("a valid period");
    for seed in 0..300 {
        for (period, n) in [(march(), 5), (first_half, 8)] {
            let s = sample_diary(&r, period, n, seed);
            assert_eq!(s.len(), n, "seed {seed}: enough entries to draw from");
            assert!(s.iter().all(|x| !amendments.contains(&x.id)), "seed {seed}: an amendment was drawn: {s:?}");
            assert!(s.iter().all(|x| period.contains(x.date)), "seed {seed}: a date outside {period:?}: {s:?}");
            assert_eq!(s.iter().map(|x| x.id).collect::<BTreeSet<_>>().len(), n, "seed {seed}: distinct entries");
        }
    }
}

#[test]
fn sample_diary_asked_for_more_than_there_is_gives_every_original_of_the_period() {
    let r = diary_village();
    let s = sample_diary(&r, march(), 1_000, 3);
    assert_eq!(s.len(), 31 * 2, "one original per member per day of March");
    let e = s.iter().find(|x| x.member == mid(2)).expect("member 2's entries are drawn");
    assert_eq!(e.member_name, "王芳", "the member is named");
    let original = r.diary.iter().find(|x| x.id == e.id).expect("the drawn entry exists");
    assert_eq!((e.date, &e.text), (original.date, &original.text), "the entry is shown as written");
}

#[test]
fn sample_diary_is_the_same_for_a_seed_whatever_the_record_order() {
    let r = diary_village();
    let mut reversed = r.clone();
    reversed.diary.reverse();
    for seed in [0, 7, 1234] {
        assert_eq!(sample_diary(&r, march(), 6, seed), sample_diary(&reversed, march(), 6, seed), "seed {seed}");
    }
}

/// Eight households; households 1..=4 visited several times in March (some twice on one day,
/// at different hours), plus visits outside March. The visit number grows with time, and the
/// visits are stored newest first so the sample has to sort them.
fn household_village() -> VillageRecords {
    let mut visits = vec![];
    let mut n = 0;
    for house in 1..=4 {
        for (day, hour) in [(2, 10), (2, 15), (9, 9), (20, 11), (20, 16)].iter().take(1 + house as usize) {
            n += 1;
            visits.push(visit(n, 1 + house % 2, house, d(*day), *hour));
        }
    }
    visits.push(visit(900, 1, 1, date(2026, 2, 27), 10)); // before March
    visits.push(visit(901, 2, 2, date(2026, 4, 2), 10)); // after March
    visits.reverse();
    VillageRecords {
        members: vec![
            member(1, "李明", Role::FirstSecretary, date(2026, 1, 1)),
            member(2, "王芳", Role::TeamMember, date(2026, 1, 1)),
        ],
        visits,
        households: (1..=8).map(household).collect(),
        ..Default::default()
    }
}

#[test]
fn sampled_households_list_their_visits_of_the_period_in_time_order() {
    let r = household_village();
    let mut seen = BTreeSet::new();
    for seed in 0..100 {
        let s = sample_households(&r, march(), 3, seed, &[]);
        assert_eq!(s.len(), 3, "seed {seed}");
        for h in &s {
            seen.insert(h.id);
            let mut expected: Vec<_> = r
                .visits
                .iter()
                .filter(|v| v.household == h.id && march().contains(taizhang_domain::local_date(v.at)))
                .collect();
            expected.sort_by_key(|v| v.at);
            let shown: Vec<&str> = h.visits.iter().map(|v| v.findings.as_str()).collect();
            let wanted: Vec<&str> = expected.iter().map(|v| v.findings.as_str()).collect();
            assert_eq!(shown, wanted, "seed {seed}, {}: the period's visits, oldest first", h.head);
            assert!(h.visits.windows(2).all(|w| w[0].date <= w[1].date), "dates in order");
        }
    }
    assert_eq!(seen.len(), 8, "over 100 seeds every household gets drawn");

    // Household 3 in full: visits at 2nd 10:00, 2nd 15:00, 9th, 20th 11:00, by member 2.
    let all = sample_households(&r, march(), 8, 0, &[]);
    let h3 = all.iter().find(|h| h.head == "户主3").expect("household 3 is drawn when all are");
    let lines: Vec<(NaiveDate, &str)> = h3.visits.iter().map(|v| (v.date, v.member_name.as_str())).collect();
    assert_eq!(lines, vec![(d(2), "王芳"), (d(2), "王芳"), (d(9), "王芳"), (d(20), "王芳")]);
    let unvisited = all.iter().filter(|h| h.visits.is_empty()).count();
    assert_eq!(unvisited, 4, "households 5..=8 are drawn with no visit");
}

/// The county's policy draws from 脱贫户 and 监测对象 (seed 004: 随机走访20户贫困户): an ordinary
/// household (一般户) is never drawn then, and is when the officer asks for every household.
#[test]
fn a_policy_draw_takes_only_the_statuses_it_names_and_all_takes_every_household() {
    let mut r = household_village();
    for (i, h) in r.households.iter_mut().enumerate() {
        h.status = [
            HouseholdStatus::Ordinary,
            HouseholdStatus::LiftedOut,
            HouseholdStatus::Monitored,
            HouseholdStatus::Ordinary,
        ][i % 4];
    }
    let statuses = taizhang_rules::Policy::default().inspection.statuses();
    assert_eq!(household_pool(&r, &statuses), 4, "two of every four are 一般户");
    assert_eq!(household_pool(&r, &[]), 8);
    let mut seen = BTreeSet::new();
    for seed in 0..50 {
        let s = sample_households(&r, march(), 20, seed, &statuses);
        assert_eq!(s.len(), 4, "asked for 20, the pool holds 4");
        for h in &s {
            assert_ne!(h.status_zh, "一般户", "seed {seed}: {}", h.head);
            seen.insert(h.id);
        }
        let all = sample_households(&r, march(), 8, seed, &[]);
        assert_eq!(all.iter().filter(|h| h.status_zh == "一般户").count(), 4, "seed {seed}");
    }
    assert_eq!(seen.len(), 4);
}
