//! What every fuzz target shares: Automerge's panics on inconsistent changes are caught inside
//! the bodies (as in the app and the server), but libFuzzer's panic hook aborts even on a caught
//! panic; so the hook is replaced by a silent one and a panic that ESCAPES the body aborts.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

static QUIET: Once = Once::new();

pub fn run(data: &[u8], body: fn(&[u8])) {
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    if catch_unwind(AssertUnwindSafe(|| body(data))).is_err() {
        eprintln!("panic escaped the fuzz body");
        std::process::abort();
    }
}
