//! Fuzz target `signed_request`: see `taizhang_auth::fuzzing::signed_request` for what it drives and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| taizhang_fuzz::run(data, taizhang_auth::fuzzing::signed_request));
