//! Fuzz target `doc_id`: see `taizhang_sync::fuzzing::doc_id` for what it drives and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| taizhang_fuzz::run(data, taizhang_sync::fuzzing::doc_id));
