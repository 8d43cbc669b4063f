//! Replays the attachment fuzz target's seeds and saved crashes (`fuzz/seeds/blob_chunk`,
//! `fuzz/regressions/blob_chunk`) through the body the fuzzer runs, plus every truncation and
//! single-bit flip of each seed, on every test run.

use std::path::PathBuf;

use taizhang_attach::fuzzing::TARGETS;

fn inputs(kind: &str, target: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz").join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect();
    paths.sort();
    paths.into_iter().map(|p| std::fs::read(p).expect("readable corpus file")).collect()
}

#[test]
fn seeds_saved_crashes_and_their_mutations_replay_cleanly() {
    for (target, body) in TARGETS {
        let seeds = inputs("seeds", target);
        assert!(!seeds.is_empty(), "no seeds for {target}: run `cargo run -p taizhang-attach --example attach_seeds`");
        for bytes in seeds.iter().chain(inputs("regressions", target).iter()) {
            body(bytes);
            for cut in 0..bytes.len().min(256) {
                body(&bytes[..cut]);
            }
            for bit in 0..(bytes.len() * 8).min(2048) {
                let mut flipped = bytes.clone();
                flipped[bit / 8] ^= 1 << (bit % 8);
                body(&flipped);
            }
        }
    }
}
