//! What the CLI tests share: the `taizhang` binary run as a script runs it (a plain store, no
//! stdin, no store settings from the environment) and a store of the demo village's team.
#![allow(dead_code)] // each test binary uses its own part

use std::path::Path;
use std::process::{Command, Output, Stdio};

use taizhang_client::Ledger;
use taizhang_doc::demo;

/// `taizhang --plain --store <store> <args>`, with no stdin and no store variables inherited.
pub fn taizhang(store: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_taizhang"));
    c.arg("--plain").arg("--store").arg(store).args(args).stdin(Stdio::null());
    for v in ["TAIZHANG_STORE", "TAIZHANG_STORE_PIN"] {
        c.env_remove(v);
    }
    c.output().expect("run taizhang")
}

/// The standard output of a run that must succeed (its standard error otherwise).
pub fn out(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A plain store at `store` of 李明 (demo member 0) holding the demo village and its team,
/// with Automerge actor `actor`; left open for more records.
pub fn team_store(store: &Path, actor: [u8; 16]) -> Ledger {
    let mut l = Ledger::create(store, demo::VILLAGE, Some(demo::member_id(0)), actor).expect("ledger");
    l.put_village(&demo::village(), 0).expect("village");
    for m in demo::members() {
        l.put_member(&m, 0).expect("member");
    }
    l
}
