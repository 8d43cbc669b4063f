//! Fuzz target `county_inputs`: see `taizhang_county::fuzzing::county_inputs` for what it drives and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| taizhang_fuzz::run(data, taizhang_county::fuzzing::county_inputs));
