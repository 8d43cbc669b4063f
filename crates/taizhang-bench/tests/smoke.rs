//! Runs `taizhang-bench all --quick` (tiny sizes, fast link) so CI proves the benchmark still
//! builds and runs end to end. It asserts correctness only — convergence, nothing resent,
//! no errors, bytes and requests counted — never a time.

use std::process::Command;

use serde_json::Value;

fn num(v: &Value, path: &[&str]) -> f64 {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_f64().unwrap_or_else(|| panic!("{path:?} is not a number: {cur}"))
}

#[test]
fn quick_run_converges_and_writes_both_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let results = dir.path().join("results.json");
    let markdown = dir.path().join("BENCHMARKS.md");
    let out = Command::new(env!("CARGO_BIN_EXE_taizhang-bench"))
        .args(["all", "--quick", "--results"])
        .arg(&results)
        .arg("--markdown")
        .arg(&markdown)
        .arg("--work-dir")
        .arg(dir.path().join("work"))
        .output()
        .expect("run taizhang-bench");
    assert!(out.status.success(), "taizhang-bench failed:\n{}", String::from_utf8_lossy(&out.stderr));

    let r: Value = serde_json::from_str(&std::fs::read_to_string(&results).expect("results.json")).expect("json");
    assert_eq!(r["quick"], Value::Bool(true));

    for scenario in ["week", "fresh"] {
        let list = r["link"][scenario].as_array().expect("link scenarios");
        assert!(!list.is_empty());
        for c in list {
            assert_eq!(c["taizhang_converged"], Value::Bool(true), "{scenario}: Taizhang did not converge");
            assert_eq!(c["automerge_converged"], Value::Bool(true), "{scenario}: the baseline did not converge");
            assert!(num(c, &["taizhang", "requests"]) >= 1.0);
            assert!(num(c, &["taizhang", "wire_down"]) > num(c, &["taizhang", "body_down"]));
            assert!(num(c, &["automerge", "wire_down"]) > 0.0);
            assert!(num(c, &["payload_zstd_down"]) > 0.0);
            assert!(num(c, &["changes_down"]) > 0.0);
        }
    }
    let week = &r["link"]["week"][0];
    assert_eq!(num(week, &["taizhang", "requests"]), 1.0, "a week offline is one request");
    assert!(num(week, &["changes_up"]) > 0.0);

    for a in r["link"]["auth"].as_array().expect("auth costs") {
        assert_eq!(num(a, &["sign_in", "requests"]), 2.0, "a sign-in is a challenge and a token");
        assert!(num(a, &["sign_in", "wire_up"]) > num(a, &["sign_in", "body_up"]));
        assert_eq!(num(a, &["enroll", "requests"]), 1.0);
        assert!(num(a, &["enroll", "body_up"]) > 0.0);
    }

    for d in r["link"]["drop"].as_array().expect("drop scenarios") {
        assert_eq!(d["converged"], Value::Bool(true));
        assert!(num(d, &["cut_after_down"]) > 0.0);
        assert!(!d["first_attempt_error"].as_str().unwrap_or_default().is_empty(), "the cut attempt must fail");
        assert_eq!(num(d, &["changes_resent"]), 0.0, "a kept batch was downloaded again");
    }

    let load = &r["load"];
    assert_eq!(load["converged"], Value::Bool(true));
    for p in load["phases"].as_array().expect("phases") {
        assert_eq!(num(p, &["errors"]), 0.0, "load phase {} had errors", p["name"]);
        assert_eq!(num(p, &["syncs_ok"]), num(load, &["devices"]));
    }
    // The burst also runs staged (each phone's own work before and after it): one exchange a
    // device, every one counted.
    let staged = load["phases"]
        .as_array()
        .expect("phases")
        .iter()
        .find(|p| p["concurrency"].as_str().is_some_and(|c| c.ends_with("staged")));
    let staged = staged.expect("the staged burst ran");
    assert_eq!(num(staged, &["requests"]), num(load, &["devices"]));
    assert!(num(load, &["server_peak_rss_mib"]) > 0.0);

    let checkpoints = r["growth"]["checkpoints"].as_array().expect("checkpoints");
    assert_eq!(checkpoints.len(), 2);
    for c in checkpoints {
        assert_eq!(num(c, &["probe", "households"]), 20.0);
        assert!(num(c, &["probe", "search_hits"]) > 0.0);
        assert!(num(c, &["device_db_bytes"]) > 0.0);
        assert!(num(c, &["probe", "peak_rss_mib"]) > 0.0);
        assert!(num(c, &["week_wire_down"]) > 0.0);
    }
    // The record count grows with the months.
    assert!(num(&checkpoints[1], &["visits"]) > num(&checkpoints[0], &["visits"]));

    let md = std::fs::read_to_string(&markdown).expect("markdown");
    assert!(md.contains("## Targets (issue 6) and where we stand"));
    assert!(md.contains("Do not edit by hand") || md.contains("do not edit by hand"));
}

#[test]
fn quick_county_run_lists_every_village_and_writes_both_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let results = dir.path().join("county.json");
    let markdown = dir.path().join("COUNTY.md");
    let out = Command::new(env!("CARGO_BIN_EXE_taizhang-bench"))
        .args(["county", "--quick", "--results"])
        .arg(&results)
        .arg("--markdown")
        .arg(&markdown)
        .output()
        .expect("run taizhang-bench county");
    assert!(out.status.success(), "taizhang-bench county failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&results).expect("county.json")).expect("json");
    let c = &r["county"];
    assert_eq!(num(c, &["villages"]), 3.0);
    assert!(num(c, &["records"]) > 1000.0, "two months of four members' work in three villages");
    let timings = c["timings"].as_array().expect("timings");
    assert_eq!(timings.len(), 11, "every request of the scenario was timed");
    // The overview answered from kept lines was checked against a fresh instance's (the bench
    // fails otherwise) and that fresh overview was timed too.
    assert!(timings.iter().any(|t| t["what"].as_str().unwrap_or_default().contains("every line computed")));
    for t in timings.iter().filter(|t| t["what"].as_str().unwrap_or_default().starts_with("county export")) {
        assert!(num(t, &["bytes"]) > 0.0, "{} is empty", t["what"]);
    }
    // The catch-up projected every record from the logs (the bench also checks that it is the
    // number generated), and another instance answered from the kept projection.
    assert_eq!(num(c, &["catch_up_records"]), num(c, &["records"]));
    assert!(timings.iter().any(|t| t["what"].as_str().unwrap_or_default().contains("another instance")));
    let md = std::fs::read_to_string(&markdown).expect("markdown");
    assert!(md.contains("# County report benchmark") && md.contains("records/s"), "{md}");
}

#[test]
fn quick_household_edit_run_times_every_way_and_writes_both_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let results = dir.path().join("household-edit.json");
    let markdown = dir.path().join("HOUSEHOLD-EDIT.md");
    let out = Command::new(env!("CARGO_BIN_EXE_taizhang-bench"))
        .args(["household-edit", "--quick", "--results"])
        .arg(&results)
        .arg("--markdown")
        .arg(&markdown)
        .env_remove("TAIZHANG_BENCH_POSTGRES")
        .output()
        .expect("run taizhang-bench household-edit");
    assert!(out.status.success(), "taizhang-bench household-edit failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&results).expect("json file")).expect("json");
    let row = &r["household_edit"][0];
    assert_eq!(num(row, &["households"]), 30.0);
    assert!(num(row, &["registry_changes"]) >= 6.0, "the seed and the history");
    assert!(num(row, &["saved_form_bytes"]) > 0.0, "the registry's saved form was made");
    assert!(std::fs::read_to_string(&markdown).expect("markdown").contains("# A household edit's sync"));
}

#[test]
fn quick_roster_run_times_the_apps_list_searches_and_household_screen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let results = dir.path().join("roster.json");
    let markdown = dir.path().join("ROSTER.md");
    let out = Command::new(env!("CARGO_BIN_EXE_taizhang-bench"))
        .args(["roster", "--quick", "--results"])
        .arg(&results)
        .arg("--markdown")
        .arg(&markdown)
        .output()
        .expect("run taizhang-bench roster");
    assert!(out.status.success(), "taizhang-bench roster failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&results).expect("json file")).expect("json");
    let f = &r["roster"];
    assert_eq!(num(f, &["households"]), 40.0);
    assert!(num(f, &["family_members"]) >= 40.0, "every household has at least its head");
    let timings = f["timings"].as_array().expect("timings");
    let rows = |what: &str| {
        timings
            .iter()
            .find(|t| t["what"].as_str().unwrap_or_default().starts_with(what))
            .map(|t| num(t, &["rows"]))
            .unwrap_or_else(|| panic!("no timing of {what}"))
    };
    assert_eq!(rows("the whole list"), 40.0);
    // The demo's names: 王国强 is household 20 and 吴国强 household 28 among 40: the initials
    // wgq find both, the full pinyin only 王国强.
    assert_eq!(rows("search by pinyin initials"), 2.0, "wgq finds 王国强 and 吴国强");
    assert_eq!(rows("search by full pinyin"), 1.0, "wangguoqiang finds 王国强 alone");
    assert!(rows("search by a family member's name") >= 1.0, "a family member's name finds the household");
    assert!(rows("one household's screen") >= 1.0, "the roster is on the household's screen");
    assert!(std::fs::read_to_string(&markdown).expect("markdown").contains("# The household list at 40 households"));
}

#[test]
fn quick_attachments_run_stores_every_photo_once_and_resends_at_most_a_chunk_per_cut() {
    let dir = tempfile::tempdir().expect("tempdir");
    let results = dir.path().join("attachments.json");
    let markdown = dir.path().join("ATTACHMENTS.md");
    let out = Command::new(env!("CARGO_BIN_EXE_taizhang-bench"))
        .args(["attachments", "--quick", "--cut-every-s", "1", "--results"])
        .arg(&results)
        .arg("--markdown")
        .arg(&markdown)
        .output()
        .expect("run taizhang-bench attachments");
    assert!(out.status.success(), "taizhang-bench attachments failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&results).expect("attachments.json")).expect("json");
    let rows = r["attachments"].as_array().expect("rows");
    assert_eq!(rows.len(), 2);
    for row in rows {
        assert_eq!(row["stored"], row["photos"], "{row}");
        let (resent, cuts, chunk) = (num(row, &["resent_bytes"]), num(row, &["cuts"]), num(row, &["chunk_bytes"]));
        assert!(resent <= cuts * chunk, "resent {resent} bytes over {cuts} cuts: {row}");
    }
    let peak = r["memory"]["peak_rss_mib"].as_f64().expect("peak memory");
    assert!(peak >= r["memory"]["start_rss_mib"].as_f64().expect("start memory") && peak > 1.0, "{}", r["memory"]);
    assert_eq!(r["memory"]["photos_in_memory"], 6, "2 + 4 photos");
    assert!(std::fs::read_to_string(&markdown).expect("markdown").contains("| a visit |"));
}

#[test]
fn an_attachments_run_stopped_mid_upload_is_continued_from_its_state_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (results, markdown, state) =
        (dir.path().join("attachments.json"), dir.path().join("ATTACHMENTS.md"), dir.path().join("state"));
    let bench = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_taizhang-bench"))
            .args(["attachments", "--quick", "--cut-every-s", "1", "--results"])
            .arg(&results)
            .arg("--markdown")
            .arg(&markdown)
            .arg("--state")
            .arg(&state)
            .args(extra)
            .output()
            .expect("run taizhang-bench attachments")
    };
    // The first run is stopped after three chunk requests of each row, as a killed process.
    let stopped = bench(&["--stop-after-chunks", "3"]);
    assert!(!stopped.status.success(), "a stopped run does not report");
    assert!(String::from_utf8_lossy(&stopped.stderr).contains("stopped after 3 chunk requests"));
    assert!(!results.exists(), "nothing reported for a stopped run");
    // A checkpoint a little behind the server (the machine stopped before it was written):
    // the phone asks where the server stands for each photo it has whole, and goes on.
    for entry in std::fs::read_dir(&state).expect("state dir") {
        let path = entry.expect("entry").path();
        if path.to_string_lossy().ends_with(".progress.json") {
            let mut p: Value = serde_json::from_slice(&std::fs::read(&path).expect("checkpoint")).expect("json");
            p["photos_done"] = 0.into();
            std::fs::write(&path, serde_json::to_vec(&p).expect("json")).expect("write checkpoint");
        }
    }
    // The same command again continues both rows to the end.
    let out = bench(&[]);
    assert!(out.status.success(), "the continued run failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&results).expect("attachments.json")).expect("json");
    let rows = r["attachments"].as_array().expect("rows").clone();
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(row["stored"], row["photos"], "every photo stored once: {row}");
        assert_eq!(row["restarts"], 1, "{row}");
        assert!(num(row, &["sign_ins"]) >= 1.0, "the phone back on signed in through the link: {row}");
        // Each stop cut at most the chunk it was sending (or none: it stopped between chunks).
        let (resent, cuts, chunk) = (num(row, &["resent_bytes"]), num(row, &["cuts"]), num(row, &["chunk_bytes"]));
        assert!(resent <= (cuts + 1.0) * chunk, "resent {resent} bytes over {cuts} cuts and a stop: {row}");
        assert!(num(row, &["requests"]) > 3.0, "{row}");
    }
    assert!(std::fs::read_to_string(&markdown).expect("markdown").contains("**Stopped and continued:**"));
    // A finished row is reported again as it was, moving nothing.
    let again = bench(&[]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&results).expect("attachments.json")).expect("json");
    for (a, b) in rows.iter().zip(r["attachments"].as_array().expect("rows")) {
        for k in ["requests", "resent_bytes", "cuts", "sign_ins", "restarts", "wire_up"] {
            assert_eq!(a[k], b[k], "{k}: {a} then {b}");
        }
    }
}

#[test]
fn quick_peer_run_converges_three_phones_and_the_relay_leaves_the_server_nothing_new() {
    let dir = tempfile::tempdir().expect("tempdir");
    let results = dir.path().join("peer.json");
    let markdown = dir.path().join("PEER.md");
    let out = Command::new(env!("CARGO_BIN_EXE_taizhang-bench"))
        .args(["peer", "--quick", "--results"])
        .arg(&results)
        .arg("--markdown")
        .arg(&markdown)
        .output()
        .expect("run taizhang-bench peer");
    assert!(out.status.success(), "taizhang-bench peer failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&results).expect("peer.json")).expect("json");
    let f = &r["peer"];
    assert_eq!(f["converged"], true, "{f}");
    assert_eq!(f["exchanges"].as_array().expect("exchanges").len(), 3);
    // One phone's push carries the whole team's week; the server then gets nothing new.
    assert_eq!(f["relayed"]["changes"], f["direct"]["changes"], "{f}");
    assert_eq!(f["relayed"]["new_on_server"], f["direct"]["new_on_server"], "{f}");
    assert_eq!(num(f, &["after_relay", "new_on_server"]), 0.0, "{f}");
    assert!(num(f, &["relayed", "requests"]) <= 2.0, "{f}");
    assert!(std::fs::read_to_string(&markdown).expect("markdown").contains("| A↔B |"));
}
