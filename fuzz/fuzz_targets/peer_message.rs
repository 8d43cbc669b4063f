//! Fuzz target `peer_message`: see `taizhang_peer::fuzzing::peer_message` for what it drives and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| taizhang_fuzz::run(data, taizhang_peer::fuzzing::peer_message));
