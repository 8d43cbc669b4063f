//! The TypeScript contract the window compiles against must be the one the Rust side defines:
//! regenerates it into a temporary directory and compares it with the committed file.

use std::path::PathBuf;

fn committed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../app/src/generated/contract.ts")
}

#[test]
fn committed_typescript_contract_is_current() {
    let fresh = taizhang_app_core::contract::contract_ts();
    let dir = tempfile::tempdir().expect("temp dir");
    let tmp = dir.path().join("contract.ts");
    std::fs::write(&tmp, &fresh).expect("write the fresh contract");
    if std::env::var_os("UPDATE_CONTRACT").is_some() {
        std::fs::write(committed(), &fresh).expect("update app/src/generated/contract.ts");
    }
    let on_disk = std::fs::read_to_string(committed()).unwrap_or_default();
    assert!(
        on_disk == std::fs::read_to_string(&tmp).expect("read back"),
        "app/src/generated/contract.ts is out of date with crates/taizhang-app-core/src/contract.rs.\n\
         Regenerate it with: UPDATE_CONTRACT=1 cargo test -p taizhang-app-core --test contract\n\
         (the fresh version was written to {})",
        tmp.display()
    );
}

#[test]
fn every_command_names_declared_types() {
    let ts = taizhang_app_core::contract::contract_ts();
    for (name, req, res) in taizhang_app_core::contract::COMMANDS {
        for ty in [req, res] {
            if !matches!(*ty, "null" | "string") {
                assert!(ts.contains(&format!("export type {ty} =")), "command {name} uses undeclared type {ty}");
            }
        }
    }
}
