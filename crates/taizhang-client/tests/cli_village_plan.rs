//! The `taizhang` CLI's village situation and plans (issue 22), run as a script runs it: parts
//! of this year's situation filled in over two calls (the parts not given keep their values),
//! a committee member with a bad education refused in words, a plan item added and closed,
//! each listed back.

mod common;

use common::{out, taizhang};

#[test]
fn the_situation_and_a_plan_item_are_kept_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("li.sqlite3");
    {
        common::team_store(&store, [3; 16]);
    }
    assert!(out(&taizhang(&store, &["situation"])).contains("未填写"), "nothing entered yet");
    let saved = out(&taizhang(
        &store,
        &[
            "set-situation",
            "--population",
            "1204",
            "--collective-income",
            "86000",
            "--cadre",
            "陈刚,村党支部书记,1975,senior",
        ],
    ));
    assert!(saved.contains("3/12"), "{saved}");
    let saved = out(&taizhang(&store, &["set-situation", "--roads", "三组通组路未硬化"]));
    assert!(saved.contains("4/12"), "the parts not given kept their values: {saved}");
    let shown = out(&taizhang(&store, &["situation"]));
    assert!(shown.contains("1204") && shown.contains("86000") && shown.contains("三组通组路未硬化"), "{shown}");
    assert!(shown.contains("陈刚 (村党支部书记, 1975, 高中/中专)"), "{shown}");
    assert!(shown.contains("人均可支配收入 income per head: 未填 not entered"), "not entered is words: {shown}");

    let bad = taizhang(&store, &["set-situation", "--cadre", "陈刚,村党支部书记,1975,doctor"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("university (本科及以上)"), "the choices are named");

    let added =
        out(&taizhang(&store, &["add-plan", "--kind", "yearly", "--title", "组织茶叶技术培训", "--due", "2099-06-30"]));
    let id = added.split_whitespace().find(|w| w.len() == 36).expect("the item's id").to_string();
    assert!(out(&taizhang(&store, &["plans"])).contains("1 items, 0 done, 0 missed, 1 open"));
    let closed = out(&taizhang(&store, &["close-plan", "--id", &id, "--result", "培训两期，112人次"]));
    assert!(closed.contains("已完成"), "{closed}");
    let plans = out(&taizhang(&store, &["plans"]));
    assert!(plans.contains("1 done") && plans.contains("培训两期，112人次"), "{plans}");
    let refused = taizhang(&store, &["close-plan", "--id", &id, "--result", " "]);
    assert!(!refused.status.success(), "a closing without its result is refused");
}
