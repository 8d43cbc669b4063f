//! What every fuzz target shares. Automerge's panics on inconsistent changes are caught inside
//! the bodies (as in the app and the server), but libFuzzer's panic hook aborts even on a caught
//! panic; so the hook only remembers the last panic, and a panic that ESCAPES the body is
//! printed and aborts — that is a finding.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

static HOOK: Once = Once::new();

thread_local! {
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

pub fn run(data: &[u8], body: fn(&[u8])) {
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let text = format!("{info}");
            LAST_PANIC.with(|p| *p.borrow_mut() = text);
        }))
    });
    if catch_unwind(AssertUnwindSafe(|| body(data))).is_err() {
        LAST_PANIC.with(|p| eprintln!("panic escaped the fuzz body: {}", p.borrow()));
        std::process::abort();
    }
}
