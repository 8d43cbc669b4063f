//! The `taizhang` CLI's store key (issue 21), run as a script runs it (stdin not a terminal):
//! with no key source it stops and names them; `--plain` opens a plain store; a PIN from
//! `TAIZHANG_STORE_PIN` encrypts it in place, after which `--plain` and a wrong PIN are refused.
#![cfg(feature = "sqlcipher")]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use taizhang_client::Ledger;
use taizhang_store::FileKind;

fn taizhang(store: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_taizhang"));
    c.arg("--store").arg(store).args(args).stdin(Stdio::null());
    for v in ["TAIZHANG_STORE", "TAIZHANG_STORE_PIN", "TAIZHANG_STORE_PLAIN"] {
        c.env_remove(v);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run taizhang")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_script_gives_the_pin_by_environment_or_says_plain() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("cli.sqlite3");
    let o = taizhang(&store, &[], &["status"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("enroll"), "{}", stderr(&o));

    let village = taizhang_domain::VillageId(uuid::Uuid::from_u128(0x2121));
    drop(Ledger::create(&store, village, None, [7; 16]).expect("a plain store"));

    let o = taizhang(&store, &[], &["status"]);
    assert!(!o.status.success(), "no key source: refused");
    let e = stderr(&o);
    assert!(e.contains("TAIZHANG_STORE_PIN") && e.contains("--plain"), "{e}");

    let o = taizhang(&store, &[], &["--plain", "status"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(taizhang_store::file_kind(&store).expect("kind"), FileKind::Plain);

    let o = taizhang(&store, &[("TAIZHANG_STORE_PIN", "246810")], &["status"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("village"));
    assert_eq!(taizhang_store::file_kind(&store).expect("kind"), FileKind::Encrypted, "encrypted in place");

    let o = taizhang(&store, &[("TAIZHANG_STORE_PLAIN", "1")], &["status"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("is encrypted"), "{}", stderr(&o));
    let o = taizhang(&store, &[("TAIZHANG_STORE_PIN", "135790")], &["status"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("key is wrong"), "{}", stderr(&o));
    let o = taizhang(&store, &[("TAIZHANG_STORE_PIN", "246810")], &["status"]);
    assert!(o.status.success(), "{}", stderr(&o));
}
