//! Fuzz target `signed_answer`: see `taizhang_peer::fuzzing::signed_answer` for what it drives and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| taizhang_fuzz::run(data, taizhang_peer::fuzzing::signed_answer));
