//! Fuzz target `pushed_records`: see `taizhang_sync::fuzzing::pushed_records` for what it drives and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| taizhang_fuzz::run(data, taizhang_sync::fuzzing::pushed_records));
