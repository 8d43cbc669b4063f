//! The app's live points preview (`previewPoints` in app/src/logic.ts) must give the figure of
//! the one scoring rule (`taizhang_rules::sheet_points`): this test computes a table of cases
//! with the Rust rule and compares it with the committed `app/src/generated/score-cases.json`,
//! which `app/src/scores.test.ts` replays through the TypeScript preview.
//! Regenerate with: UPDATE_CONTRACT=1 cargo test -p taizhang-app-core --test score_cases

use std::path::PathBuf;

use taizhang_domain::{MemberId, MonthScoreSheet, ScoreItem, ScoreItemKind, ScoreState, YearMonth};
use taizhang_rules::sheet_points;

fn committed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../app/src/generated/score-cases.json")
}

fn item(kind: ScoreItemKind, points: f64) -> ScoreItem {
    ScoreItem { kind, points, reason: "理由".into() }
}

fn sheet(items: Vec<ScoreItem>) -> MonthScoreSheet {
    MonthScoreSheet {
        member: MemberId(uuid::Uuid::from_u128(1)),
        month: YearMonth::new(2026, 10).expect("month"),
        items,
        note: String::new(),
        scored_by: MemberId(uuid::Uuid::from_u128(2)),
        scored_at: 0,
        state: ScoreState::Entered,
        checked_by: None,
        checked_at: None,
        check_note: String::new(),
        audited_by: None,
        audited_at: None,
        audit_points: None,
        audit_note: String::new(),
    }
}

fn cases() -> serde_json::Value {
    use ScoreItemKind::{Bonus, Deduction, Veto};
    let table: Vec<(f64, Vec<ScoreItem>)> = vec![
        (10.0, vec![]),
        (9.0, vec![item(Bonus, 0.5), item(Deduction, 2.0)]),
        (10.0, vec![item(Bonus, 3.0)]),
        (1.0, vec![item(Deduction, 5.0)]),
        (10.0, vec![item(Bonus, 1.0), item(Veto, 0.0)]),
        (8.5, vec![item(Bonus, 0.1), item(Bonus, 0.2), item(Deduction, 0.3)]),
        (7.0, vec![item(Deduction, 0.25), item(Deduction, 0.25), item(Bonus, 1.75)]),
        (9.5, vec![item(Deduction, 1.0 / 3.0)]),
        (0.0, vec![item(Bonus, 2.0)]),
        (6.0, vec![item(Bonus, 10.0), item(Deduction, 10.0)]),
    ];
    let rows: Vec<serde_json::Value> = table
        .into_iter()
        .map(|(automatic, items)| {
            let s = sheet(items.clone());
            let p = sheet_points(automatic, Some(&s), 10.0);
            let items: Vec<serde_json::Value> = items
                .iter()
                .map(|i| {
                    let kind = match i.kind {
                        Bonus => "bonus",
                        Deduction => "deduction",
                        Veto => "veto",
                    };
                    serde_json::json!({ "kind": kind, "points": i.points, "reason": i.reason })
                })
                .collect();
            serde_json::json!({ "automatic": automatic, "items": items, "max": 10.0, "points": p.points, "vetoed": p.vetoed })
        })
        .collect();
    serde_json::Value::Array(rows)
}

#[test]
fn committed_score_cases_are_the_rules_figures() {
    let fresh = serde_json::to_string_pretty(&cases()).expect("json") + "\n";
    if std::env::var_os("UPDATE_CONTRACT").is_some() {
        std::fs::write(committed(), &fresh).expect("update app/src/generated/score-cases.json");
    }
    let on_disk = std::fs::read_to_string(committed()).unwrap_or_default();
    assert!(
        on_disk == fresh,
        "app/src/generated/score-cases.json is out of date with taizhang_rules::sheet_points.\n\
         Regenerate it with: UPDATE_CONTRACT=1 cargo test -p taizhang-app-core --test score_cases"
    );
}
