//! Tidy checks over the repository's own files, in the style of rust-analyzer's `tidy.rs`: the
//! README's code map describes every workspace member, every source file opens with a line that
//! says what it is, raw Automerge loads stay inside `taizhang-sync`, and the test-only cargo
//! features (`testkit`, `fuzzing`) are never enabled by a normal dependency, and every field-app
//! command is registered with Tauri, permitted, and answered by the web client. Every failure names
//! the file and line, the rule, and how to fix it.

use std::path::{Path, PathBuf};

/// The repository root (this crate is `tests/`).
fn root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = here.parent().expect("tests/ has a parent folder");
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

/// Folders never looked into: build output, installed packages, git's own files.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules", ".git", "dist", "dist-web"];

/// Every file under the root, as paths relative to it with `/` separators, sorted.
fn files() -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                if !SKIPPED_DIRS.contains(&name.as_str()) {
                    walk(root, &path, out);
                }
            } else if kind.is_file() {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                out.push(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
            }
        }
    }
    let root = root();
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out.sort();
    out
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

/// Fails with every problem found, one per line.
fn report(rule: &str, problems: Vec<String>) {
    assert!(problems.is_empty(), "tidy: {rule} — {} problem(s):\n  {}\n", problems.len(), problems.join("\n  "));
}

/// The workspace members of the root Cargo.toml, with the line each is listed on.
fn members() -> Vec<(String, usize)> {
    let text = read("Cargo.toml");
    let manifest: toml::Table = text.parse().expect("the root Cargo.toml parses");
    let members = manifest
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
        .expect("the root Cargo.toml has [workspace] members");
    members
        .iter()
        .filter_map(|m| m.as_str())
        .map(|m| {
            let quoted = format!("\"{m}\"");
            let line = text.lines().position(|l| l.contains(&quoted)).map_or(0, |i| i + 1);
            (m.trim_end_matches('/').to_string(), line)
        })
        .collect()
}

/// The README's code-map paragraphs: the folder each names (without a trailing `/`) and its line.
fn code_map() -> (usize, Vec<(String, usize)>) {
    let text = read("README.md");
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == "### Code map")
        .expect("README.md has a `### Code map` section (Architecture): restore it");
    let mut paragraphs = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        if line.starts_with("## ") || line.starts_with("### ") {
            break;
        }
        if let Some(rest) = line.strip_prefix("**`") {
            if let Some(end) = rest.find("`**") {
                paragraphs.push((rest[..end].trim_end_matches('/').to_string(), i + 1));
            }
        }
    }
    (start + 1, paragraphs)
}

/// (a) Every workspace member has a code-map paragraph; every paragraph names a real folder.
#[test]
fn code_map_describes_every_member() {
    let (heading, paragraphs) = code_map();
    let mut problems = Vec::new();
    for (member, line) in members() {
        if !paragraphs.iter().any(|(folder, _)| *folder == member) {
            problems.push(format!(
                "Cargo.toml:{line}: workspace member `{member}` has no paragraph in README.md's code map \
                 (`### Code map`, README.md:{heading}): add a paragraph whose first line starts with \
                 **`{member}`** — what the crate is for and its invariant"
            ));
        }
    }
    let root = root();
    for (folder, line) in &paragraphs {
        if !root.join(folder).is_dir() {
            problems.push(format!(
                "README.md:{line}: the code-map paragraph **`{folder}`** names a folder that does not exist: \
                 correct the folder name, or remove the paragraph if the folder is gone"
            ));
        }
    }
    report("every workspace member has a code-map paragraph in README.md, naming a folder that exists", problems);
}

/// The app's and the county page's TypeScript / JavaScript sources (and their browser tests).
fn is_web_source(rel: &str) -> bool {
    let web = [".ts", ".js", ".mjs", ".cjs", ".tsx"].iter().any(|ext| rel.ends_with(ext));
    let place = ["app/", "sync-server/county/", "tests/county-e2e/"].iter().any(|dir| rel.starts_with(dir));
    web && place && !rel.starts_with("app/src-tauri/")
}

/// (b) Every `.rs` file opens with a `//!` line; every web source opens with a comment line.
#[test]
fn every_source_file_opens_with_what_it_is() {
    let mut problems = Vec::new();
    for rel in files() {
        let rust = rel.ends_with(".rs");
        if !rust && !is_web_source(&rel) {
            continue;
        }
        let text = read(&rel);
        // A script's `#!` line may come first; the comment is the first non-empty line after it.
        let skip = usize::from(!rust && text.starts_with("#!"));
        let first = text.lines().enumerate().skip(skip).find(|(_, l)| !l.trim().is_empty());
        match first {
            Some((_, line)) if rust && line.starts_with("//!") => {}
            Some((_, line)) if !rust && (line.starts_with("//") || line.starts_with("/*")) => {}
            found => {
                let (n, line) =
                    found.map_or((1, "(the file is empty)".to_string()), |(i, l)| (i + 1, format!("`{l}`")));
                problems.push(if rust {
                    format!(
                        "{rel}:{n}: the first line is {line}, not a `//!` line: insert a first line \
                         `//! <what this file is for>` (module doc comment) above it"
                    )
                } else {
                    format!(
                        "{rel}:{n}: the first line is {line}, not a comment: insert a first line \
                         `// <what this file is for>` above it"
                    )
                });
            }
        }
    }
    report("every .rs file opens with a `//!` line, every app / county page .ts/.js file with a comment", problems);
}

/// Whether `rel` is test code as a whole: integration tests, benches, examples, the
/// whole-system test crate `tests/`, and the fuzz crate.
fn is_test_file(rel: &str) -> bool {
    rel.starts_with("tests/")
        || rel.starts_with("fuzz/")
        || rel.split('/').any(|part| ["tests", "benches", "examples"].contains(&part))
}

/// The lines of `text` outside `#[cfg(test)]` items and comments, with their line numbers.
fn non_test_lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            // Skip the item that follows: up to its `;` or to the `}` closing its first `{`.
            let mut depth = 0i32;
            let mut opened = false;
            for (_, item) in lines.by_ref() {
                depth += item.matches('{').count() as i32 - item.matches('}').count() as i32;
                opened |= item.contains('{');
                if (opened && depth <= 0) || (!opened && item.trim_end().ends_with(';')) {
                    break;
                }
            }
            continue;
        }
        let code = line.split("//").next().unwrap_or("");
        out.push((i + 1, code));
    }
    out
}

/// (c) Raw Automerge loads (which panic on crafted bytes) only inside `crates/taizhang-sync`.
#[test]
fn raw_automerge_loads_only_in_taizhang_sync() {
    const RAW: &[(&str, &str)] = &[
        ("load_incremental", "`taizhang_sync::load_untrusted(&mut doc, &chunk)`"),
        ("Automerge::load", "`Automerge::new()` and `taizhang_sync::load_untrusted(&mut doc, &bytes)` for each chunk"),
        ("AutoCommit::load", "an `Automerge` and `taizhang_sync::load_untrusted(&mut doc, &bytes)`"),
    ];
    let mut problems = Vec::new();
    for rel in files() {
        if !rel.ends_with(".rs") || rel.starts_with("crates/taizhang-sync/") || is_test_file(&rel) {
            continue;
        }
        let text = read(&rel);
        for (n, code) in non_test_lines(&text) {
            for (raw, instead) in RAW {
                if code.contains(raw) {
                    problems.push(format!(
                        "{rel}:{n}: raw `{raw}` outside crates/taizhang-sync (Automerge panics on crafted \
                         input, and stored chunks came from the network): use {instead} and handle its `Err`"
                    ));
                }
            }
        }
    }
    report(
        "`load_incremental` and raw `Automerge::load` appear only in crates/taizhang-sync (outside test code)",
        problems,
    );
}

/// The test-only features no normal dependency may enable.
const TEST_ONLY: &[&str] = &["testkit", "fuzzing"];

/// Whether a feature string (`x`, `dep/x`, `dep?/x`) turns on a test-only feature.
fn test_only(feature: &str) -> Option<&'static str> {
    let name = feature.rsplit('/').next().unwrap_or(feature);
    TEST_ONLY.iter().copied().find(|t| *t == name)
}

/// The line of a dependency entry `name` in the section `[section]` (or `[section.name]`).
fn dep_line(text: &str, section: &str, name: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let own_table = format!("[{section}.{name}]");
    if let Some(i) = lines.iter().position(|l| l.trim() == own_table) {
        return i + 1;
    }
    let header = format!("[{section}]");
    let start = lines.iter().position(|l| l.trim().replace(' ', "") == header.replace(' ', "")).unwrap_or(0);
    lines
        .iter()
        .enumerate()
        .skip(start)
        .find(|(_, l)| {
            let l = l.trim_start().trim_start_matches('"');
            l.strip_prefix(name).is_some_and(|rest| rest.starts_with([' ', '=', '.', '"']))
        })
        .map_or(start + 1, |(i, _)| i + 1)
}

/// (d) No `[dependencies]` (nor build, target or workspace dependency) entry and no default
/// feature of any Cargo.toml turns on `testkit` or `fuzzing`: they stay out of release builds.
#[test]
fn test_only_features_come_only_from_dev_dependencies() {
    let mut problems = Vec::new();
    let mut manifests = 0;
    for rel in files() {
        if !(rel == "Cargo.toml" || rel.ends_with("/Cargo.toml")) {
            continue;
        }
        // The fuzz crate is its own workspace, never part of a release build: it needs `fuzzing`.
        if rel == "fuzz/Cargo.toml" {
            continue;
        }
        manifests += 1;
        let text = read(&rel);
        let manifest: toml::Table = text.parse().unwrap_or_else(|e| panic!("{rel} does not parse as TOML: {e}"));
        // Every table of normal dependencies, by its header name.
        let mut sections: Vec<(String, &toml::Table)> = Vec::new();
        for key in ["dependencies", "build-dependencies"] {
            if let Some(t) = manifest.get(key).and_then(|v| v.as_table()) {
                sections.push((key.to_string(), t));
            }
        }
        if let Some(t) = manifest.get("workspace").and_then(|w| w.get("dependencies")).and_then(|v| v.as_table()) {
            sections.push(("workspace.dependencies".to_string(), t));
        }
        if let Some(targets) = manifest.get("target").and_then(|v| v.as_table()) {
            for (cfg, table) in targets {
                for key in ["dependencies", "build-dependencies"] {
                    if let Some(t) = table.get(key).and_then(|v| v.as_table()) {
                        sections.push((format!("target.'{cfg}'.{key}"), t));
                    }
                }
            }
        }
        for (section, deps) in sections {
            for (name, spec) in deps {
                let features = spec.get("features").and_then(|f| f.as_array()).into_iter().flatten();
                for feature in features.filter_map(|f| f.as_str()) {
                    if let Some(bad) = test_only(feature) {
                        let line = dep_line(&text, &section, name);
                        problems.push(format!(
                            "{rel}:{line}: `[{section}]` entry `{name}` enables the test-only feature `{bad}`, \
                             which would compile it into release binaries: remove it there and enable it under \
                             `[dev-dependencies]` of the crate whose tests use it (`{name} = {{ workspace = true, \
                             features = [\"{bad}\"] }}`)"
                        ));
                    }
                }
            }
        }
        if let Some(features) = manifest.get("features").and_then(|v| v.as_table()) {
            for (feature, enables) in features {
                if TEST_ONLY.contains(&feature.as_str()) {
                    continue;
                }
                for item in enables.as_array().into_iter().flatten().filter_map(|f| f.as_str()) {
                    if let Some(bad) = test_only(item) {
                        let line = dep_line(&text, "features", feature);
                        problems.push(format!(
                            "{rel}:{line}: feature `{feature}` turns on the test-only feature `{item}`, so a \
                             normal build can include `{bad}`: remove `{item}` from it and enable `{bad}` from \
                             `[dev-dependencies]` only"
                        ));
                    }
                }
            }
        }
    }
    assert!(
        manifests >= 10,
        "found only {manifests} Cargo.toml files: is the repository root right ({})?",
        root().display()
    );
    report("the test-only features `testkit` and `fuzzing` are enabled only from [dev-dependencies]", problems);
}

/// The quoted names between `start` and the first line after it that begins with `end`.
fn quoted_names(text: &str, start: &str, end: &str) -> Vec<String> {
    let Some(from) = text.find(start) else { return Vec::new() };
    let mut names = Vec::new();
    for line in text[from + start.len()..].lines() {
        if line.trim_start().starts_with(end) {
            break;
        }
        let mut parts = line.split('"');
        parts.next();
        if let Some(name) = parts.next().filter(|n| !n.is_empty()) {
            names.push(name.to_string());
        }
    }
    names
}

/// Every command of the field app is reachable everywhere it must be: registered with Tauri
/// (`generate_handler!`), named in `build.rs` (Tauri 2 refuses an app command without its
/// permission), allowed in the capability, and answered by the web client's `dispatch_json`.
/// A command missing from one of them works in one shell and fails in another at run time.
#[test]
fn every_app_command_is_registered_permitted_and_dispatched() {
    let lib = read("app/src-tauri/src/lib.rs");
    let from = lib.find("generate_handler![").expect("app/src-tauri/src/lib.rs has generate_handler![");
    let to = from + lib[from..].find(']').expect("generate_handler! closes");
    let handler: Vec<String> = lib[from + "generate_handler![".len()..to]
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let build = quoted_names(&read("app/src-tauri/build.rs"), "const COMMANDS", "];");
    let capability: serde_json::Value =
        serde_json::from_str(&read("app/src-tauri/capabilities/default.json")).expect("the capability is JSON");
    let allowed: Vec<String> = capability["permissions"]
        .as_array()
        .expect("the capability lists permissions")
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|n| n.replace('-', "_")))
        .collect();
    let dispatch = read("crates/taizhang-app-core/src/dispatch.rs");
    let dispatched: Vec<String> = dispatch
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix('"')?.split_once("\" =>").map(|(n, _)| n.to_string()))
        .collect();
    assert!(handler.len() >= 10 && dispatched.len() >= 10, "the lists were found: {handler:?} / {dispatched:?}");
    let mut problems = Vec::new();
    for name in &handler {
        for (list, place) in [
            (&build, "app/src-tauri/build.rs COMMANDS"),
            (&allowed, "app/src-tauri/capabilities/default.json (allow-…)"),
            (&dispatched, "crates/taizhang-app-core/src/dispatch.rs dispatch_json"),
        ] {
            if !list.contains(name) {
                problems
                    .push(format!("command `{name}` is registered with Tauri but missing from {place}: add it there"));
            }
        }
    }
    for name in build.iter().chain(&dispatched) {
        if !handler.contains(name) {
            problems
                .push(format!("command `{name}` is listed but not in generate_handler! of app/src-tauri/src/lib.rs"));
        }
    }
    report("every app command is registered, permitted and dispatched", problems);
}

/// The checks themselves catch what they are for.
#[test]
fn the_checks_see_what_they_look_for() {
    assert_eq!(test_only("taizhang-server-db/testkit"), Some("testkit"));
    assert_eq!(test_only("taizhang-sync?/fuzzing"), Some("fuzzing"));
    assert_eq!(test_only("fuzzing-extra"), None);
    let code = "fn a() { doc.load_incremental(x); }\n#[cfg(test)]\nmod tests {\n    fn b() {\n        d.load_incremental(y);\n    }\n}\nfn c() {} // load_incremental in a comment\n";
    let lines = non_test_lines(code);
    let hits: Vec<usize> = lines.iter().filter(|(_, l)| l.contains("load_incremental")).map(|(n, _)| *n).collect();
    assert_eq!(hits, vec![1], "only the non-test, non-comment line counts");
    assert!(lines.iter().any(|(n, l)| *n == 8 && l.contains("fn c()")), "code after the test module is still read");
    let toml = "[dependencies]\nfoo = \"1\"\nbar = { path = \"x\", features = [\"testkit\"] }\n\n[dependencies.baz]\npath = \"y\"\n";
    assert_eq!(dep_line(toml, "dependencies", "bar"), 3);
    assert_eq!(dep_line(toml, "dependencies", "baz"), 5);
    assert!(is_test_file("crates/taizhang-bench/tests/smoke.rs"));
    assert!(!is_test_file("crates/taizhang-bench/src/am.rs"));
    assert!(is_web_source("sync-server/county/app.js") && is_web_source("app/src/main.ts"));
    assert!(!is_web_source("app/src-tauri/build.rs"));
    let build =
        "const COMMANDS: &[&str] = &[\n    \"today\",\n    \"sync_now\",\n];\nconst OTHER: &[&str] = &[\"x\"];\n";
    assert_eq!(quoted_names(build, "const COMMANDS", "];"), vec!["today".to_string(), "sync_now".to_string()]);
}

/// The app's visit form offers the same window of days as the policy the device judges with
/// (`app/src/main.ts` `VISIT_BACKDATE_DAYS` = `Policy::default().visit_backdate_days`).
#[test]
fn the_visit_form_offers_the_policy_window() {
    let main = read("app/src/main.ts");
    let line = main.lines().find(|l| l.starts_with("const VISIT_BACKDATE_DAYS = ")).expect("the constant in main.ts");
    let days: u32 =
        line.trim_start_matches("const VISIT_BACKDATE_DAYS = ").trim_end_matches(';').trim().parse().expect("a number");
    assert_eq!(days, taizhang_rules::Policy::default().visit_backdate_days, "app/src/main.ts and the policy disagree");
}

/// The README's sync protocol states the batch sizes the code uses (they were tuned by
/// measurement in issue 23; a change of one must change the text that explains it).
#[test]
fn the_readme_states_the_sync_batch_sizes() {
    let readme: String = read("README.md").split_whitespace().collect::<Vec<_>>().join(" ");
    let kb = |bytes: usize| bytes / 1024;
    let stated = [
        ("MAX_BATCH_BYTES", format!("at most {} KB of changes per request", kb(taizhang_sync::MAX_BATCH_BYTES))),
        (
            "MAX_DOWNLOAD_BYTES",
            format!("`MAX_DOWNLOAD_BYTES` ({} KB of changes", kb(taizhang_sync::MAX_DOWNLOAD_BYTES)),
        ),
        (
            "BOOT_BATCH_BYTES",
            format!("about {} KB of forms per answer", kb(taizhang_sync_server::Limits::default().saved_form_bytes)),
        ),
    ];
    let problems = stated
        .iter()
        .filter(|(_, text)| !readme.contains(text.as_str()))
        .map(|(name, text)| format!("README.md does not say \"{text}\" ({name})"))
        .collect();
    report("the README states the sync batch sizes", problems);
}
