#!/usr/bin/env bash
# Runs every test of the workspace: unit, property, story and fault tests (a real sync
# server on port 0 inside the tests). Installs the Debian packages it needs when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v cc >/dev/null 2>&1 || need+=(build-essential)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
# The encrypted device store (SQLCipher links the system's libcrypto) and the store key in
# Secret Service (libdbus), issue 21.
[ -e /usr/include/openssl/evp.h ] || need+=(libssl-dev)
pkg-config --exists dbus-1 2>/dev/null || need+=(libdbus-1-dev)
# tests/tests/peer_netns.rs builds network namespaces with `ip` (as root; fails in CI without them).
command -v ip >/dev/null 2>&1 || need+=(iproute2)
[ ${#need[@]} -eq 0 ] || bash scripts/install-missing.sh "${need[@]}"

# The app crate embeds the built web UI at compile time: system libraries and dist/ first.
bash scripts/app-e2e.sh --deps-only

cargo test --workspace --locked --no-fail-fast
bash scripts/app-e2e.sh --no-deps
# The county page in a real browser (Debian chromium driven by playwright-core).
SERVER_BIN=target/debug/taizhang-sync-server CLI_BIN=target/debug/taizhang bash scripts/county-e2e.sh
# The offline web client in a real browser at phone size (builds the WebAssembly core first):
# enroll, offline check-in / visit / diary, reload offline, sync, a CLI device and a second
# profile converge. CI lists 300 households (the full 1,000 otherwise).
if [ -n "${CI:-}" ]; then web_households=${TAIZHANG_WEB_HOUSEHOLDS:-300}; else web_households=${TAIZHANG_WEB_HOUSEHOLDS:-1000}; fi
HOUSEHOLDS=$web_households bash scripts/web-e2e.sh

# The server-facing tests once more on PostgreSQL (every story once per backend): postgres.sh
# installs and starts a local one and prints its URL, unless one is given already.
# A failure to start PostgreSQL fails the run (set -e), it never skips silently.
if [ -z "${TAIZHANG_TEST_DATABASE_URL:-}" ]; then
  TAIZHANG_TEST_DATABASE_URL=$(bash scripts/postgres.sh)
fi
export TAIZHANG_TEST_DATABASE_URL
# The test binaries of those packages that the workspace run built are run again as they are:
# `cargo test -p …` of three packages would unify features differently and compile for minutes.
export TAIZHANG_CONVERGENCE_CASES=${TAIZHANG_PG_CONVERGENCE_CASES:-200}
pg_bins=$(cargo test --workspace --locked --no-run --message-format=json \
  | node scripts/test-binaries.mjs taizhang-server-postgres taizhang-sync-server taizhang-tests)
[ -n "$pg_bins" ] || { echo "found no test binaries to run on PostgreSQL" >&2; exit 1; }
pg_failed=()
while IFS=$'\t' read -r -u 3 dir exe; do
  echo "== on PostgreSQL: ${exe##*/}"
  (cd "$dir" && "$exe" </dev/null) || pg_failed+=("${exe##*/}")
done 3<<<"$pg_bins"
if [ ${#pg_failed[@]} -gt 0 ]; then
  echo "failed on PostgreSQL: ${pg_failed[*]}" >&2
  exit 101
fi
