#!/usr/bin/env bash
# Runs every fuzz target (fuzz/, cargo-fuzz + libFuzzer) for N seconds each (default 60),
# starting from fuzz/seeds/. A crash is saved by libFuzzer under fuzz/artifacts/<target>/:
# copy it to fuzz/regressions/<target>/ so `cargo test` replays it forever after.
# The stable toolchain is used with RUSTC_BOOTSTRAP=1 (cargo-fuzz needs -Z flags).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked --version '^0.13'
export RUSTC_BOOTSTRAP=1
cd fuzz
cargo fuzz build --release
targets=$(cargo fuzz list)
for t in $targets; do
  mkdir -p "corpus/$t"
  echo "== fuzzing $t for ${secs}s"
  cargo fuzz run "$t" "corpus/$t" "seeds/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 -max_len=262144 \
    -print_final_stats=1 2>&1 | grep -E "^(stat::|==|Done|INFO: Running|.*ERROR|.*panic)" || true
  if [ -d "artifacts/$t" ] && [ -n "$(ls -A "artifacts/$t" 2>/dev/null)" ]; then
    echo "fuzz target $t found a crash: see fuzz/artifacts/$t" >&2
    exit 1
  fi
done
