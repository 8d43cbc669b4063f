//! Placeholder for the Tauri 2 field app. NOT BUILT YET (issue 3): until then the
//! `taizhang` command-line client (crates/taizhang-client) drives the same ledger.

fn main() {
    eprintln!("台账 app: the Tauri field app is not built yet (issue 3). Use the `taizhang` command-line client.");
    std::process::exit(2);
}
