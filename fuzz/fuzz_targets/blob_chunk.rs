//! Fuzz target `blob_chunk`: see `taizhang_attach::fuzzing::blob_chunk` for what it drives and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| taizhang_fuzz::run(data, taizhang_attach::fuzzing::blob_chunk));
