//! Replays the `county_inputs` fuzzer's seeds and every saved crash (`fuzz/regressions/`)
//! through the body the fuzzer runs, plus bit-flipped and truncated seeds and random bytes, on
//! every test run: a crash once found stays fixed.

use std::path::PathBuf;

use proptest::prelude::*;

fn inputs(kind: &str, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz").join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut out: Vec<_> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| (e.path(), std::fs::read(e.path()).expect("readable corpus file")))
        .collect();
    out.sort();
    out
}

#[test]
fn seeds_saved_crashes_and_their_mutations_replay_cleanly() {
    for (target, body) in taizhang_county::fuzzing::TARGETS {
        let seeds = inputs("seeds", target);
        assert!(seeds.len() >= 4, "the seeds of {target} are in fuzz/seeds/{target}/");
        for (path, bytes) in seeds.iter().chain(inputs("regressions", target).iter()) {
            println!("{target}: {}", path.display());
            body(bytes);
            for i in 0..bytes.len() {
                let mut b = bytes.clone();
                b[i] ^= 1 << (i % 8);
                body(&b);
                body(&bytes[..i]);
            }
        }
    }
}

proptest! {
    #[test]
    fn random_bytes_are_handled(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        for (_, body) in taizhang_county::fuzzing::TARGETS {
            body(&data);
        }
    }
}
