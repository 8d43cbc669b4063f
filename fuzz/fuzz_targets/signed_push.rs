//! Fuzz target `signed_push`: see `taizhang_peer::fuzzing::signed_push` for what it drives and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| taizhang_fuzz::run(data, taizhang_peer::fuzzing::signed_push));
