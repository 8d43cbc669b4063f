//! Replays the fuzzers' seed corpus and every saved crash (`fuzz/regressions/<target>/`)
//! through the same bodies the fuzzers run (`taizhang_sync::fuzzing`, `taizhang_auth::fuzzing`
//! and `taizhang_county::fuzzing`), plus random and bit-flipped inputs, on every test run: a crash
//! once found stays fixed.

use std::path::PathBuf;

use proptest::prelude::*;
/// Every fuzz target: name and body.
fn targets() -> Vec<taizhang_sync::fuzzing::Target> {
    taizhang_sync::fuzzing::TARGETS
        .into_iter()
        .chain(taizhang_auth::fuzzing::TARGETS)
        .chain(taizhang_county::fuzzing::TARGETS)
        .collect()
}

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
fn seeds_and_saved_crashes_replay_cleanly() {
    let mut seeds = 0;
    for (target, body) in targets() {
        let corpus = inputs("seeds", target);
        assert!(
            !corpus.is_empty(),
            "no seeds for {target}: run `cargo run -p taizhang-sync --example fuzz_seeds` (and `-p taizhang-auth --example credential_seeds`)"
        );
        seeds += corpus.len();
        for (path, bytes) in corpus.iter().chain(inputs("regressions", target).iter()) {
            println!("{target}: {}", path.display());
            body(bytes);
        }
    }
    assert!(seeds >= targets().len());
}

#[test]
fn bit_flipped_and_truncated_seeds_are_handled() {
    for (target, body) in targets() {
        let corpus = inputs("seeds", target);
        assert!(!corpus.is_empty(), "no seeds for {target}");
        for (_, bytes) in corpus {
            for i in 0..bytes.len().min(400) {
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
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512), t in 0..6usize) {
        let all = targets();
        (all[t % all.len()].1)(&data);
    }
}
