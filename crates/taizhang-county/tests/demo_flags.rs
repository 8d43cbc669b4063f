//! The demo county's generator (`taizhang_doc::synth`, used by `--demo-county`) must give the
//! tiered flag something to discriminate (issue 14): several villages 正常, some 提醒, a few 需关注 —
//! never every village flagged — and the same figures from the same seeds.

use automerge::Automerge;
use chrono::NaiveDate;
use taizhang_county::{village_summary, DocPart, VillageInfo, VillageProjection};
use taizhang_doc::synth::{village_year, SynthSpec};
use taizhang_doc::DocId;
use taizhang_domain::VillageId;
use taizhang_rules::{Period, Policy};
use uuid::Uuid;

fn flags(seeds: std::ops::RangeInclusive<u64>) -> Vec<(String, usize, usize)> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
    let from = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let policy = Policy::default();
    seeds
        .map(|seed| {
            let id = Uuid::from_u128(0x500 + u128::from(seed));
            let v = village_year(&SynthSpec {
                seed,
                village: VillageId(id),
                name: format!("示范{seed}村"),
                township: "好花红镇".into(),
                county: "惠水县".into(),
                members: 4,
                households: 10,
                from,
                to: today,
                not_after: None,
            })
            .expect("generated");
            let mut p = VillageProjection::default();
            for (doc_id, doc) in &v.docs {
                let name = DocId::to_string(doc_id);
                p.set(&name, DocPart::read(&name, doc as &Automerge));
            }
            let info = VillageInfo { id, name: format!("示范{seed}村"), township: "好花红镇".into() };
            let s = village_summary(&info, &p.records(), Period { from, to: today }, today, &policy).expect("summary");
            if s.status != "normal" {
                println!("seed {seed}: {}", s.flag.note);
            }
            (s.status.to_string(), s.gap_days, s.diary_gap_days)
        })
        .collect()
}

#[test]
fn the_demo_villages_are_mostly_normal_and_the_flag_discriminates() {
    let got = flags(1..=12);
    assert_eq!(got, flags(1..=12), "deterministic by seed");
    let count = |code: &str| got.iter().filter(|(s, _, _)| s == code).count();
    println!("demo county flags (status, days nobody in the village, diary gap days): {got:?}");
    assert!(count("normal") >= 3, "several villages are 正常: {got:?}");
    assert!(count("notice") >= 1 && count("attention") >= 1, "every tier is used: {got:?}");
    assert!(count("attention") <= got.len() / 3, "at most a third 需关注: {got:?}");
}
