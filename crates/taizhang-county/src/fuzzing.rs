//! The body of the `county_inputs` fuzz target (`fuzz/`): what the county page sends that the
//! server decodes and checks before storing — a year's or a month's entries as JSON — and the
//! stored rows read back. Here, not in the fuzz crate, so `cargo test` replays the seeds and
//! every saved crash. Panics only on a broken invariant.

use taizhang_domain::{MemberId, YearMonth};
use taizhang_rules::{scheme_b, Policy};

use crate::{Entered, MonthInputs, YearInputs};

pub fn county_inputs(data: &[u8]) {
    let policy = Policy::default();
    if let Ok(year) = serde_json::from_slice::<YearInputs>(data) {
        if year.check(&policy).is_ok() {
            // What passed the check is what is stored and read back unchanged.
            let stored = serde_json::to_string(&year).expect("checked inputs serialise");
            let back: YearInputs = serde_json::from_str(&stored).expect("stored inputs read back");
            assert_eq!(back, year, "year inputs round-trip");
            if let Some(a) = year.scheme_a() {
                let total = a.results + a.evaluation + a.assessment;
                assert!((0.0..=policy.scheme_a.max_total()).contains(&total), "checked components stay in range");
            }
        }
    }
    if let Ok(month) = serde_json::from_slice::<MonthInputs>(data) {
        if month.check(&policy).is_ok() {
            // Checked items always score, within 0..=max.
            let m = YearMonth::new(2026, 3).expect("a month");
            let s = scheme_b(MemberId(uuid::Uuid::nil()), m, &month.items, &policy).expect("checked items score");
            assert!((0.0..=policy.scheme_b.max).contains(&s.score.value), "score {}", s.score.value);
        }
    }
    // A stored row: the first line is the period, the rest the JSON.
    let text = String::from_utf8_lossy(data);
    let (period, json) = text.split_once('\n').unwrap_or((&text, ""));
    let e = Entered::from_rows([(MemberId(uuid::Uuid::nil()), period, json)]);
    let kept = e.years.len() + e.months.len() + e.proposals.len() + e.surveys.len();
    // Day checks (`evidence-…`) are read into the records elsewhere, so a readable one is
    // neither kept here nor counted unreadable.
    let read_elsewhere = usize::from(period.starts_with("evidence-") && e.unreadable == 0);
    assert!(e.unreadable + kept + read_elsewhere == 1, "one row is kept, read elsewhere or counted unreadable");
}

/// A fuzz target: its name under `fuzz/` and its body.
pub type Target = (&'static str, fn(&[u8]));

/// The targets by name, for the replay test and the fuzz crate.
pub const TARGETS: [Target; 1] = [("county_inputs", county_inputs)];
