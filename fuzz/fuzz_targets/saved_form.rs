//! Fuzz target `saved_form`: see `taizhang_sync::fuzzing::saved_form` for what it drives and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| taizhang_fuzz::run(data, taizhang_sync::fuzzing::saved_form));
