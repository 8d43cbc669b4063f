#!/usr/bin/env bash
# Browser end-to-end test of the offline web client at phone size (360×640 and 390×844): builds
# the web client (scripts/web-build.sh, unless NO_WEB_BUILD=1), the sync server and the CLI
# (unless SERVER_BIN / CLI_BIN are set), starts the server on a free loopback port with the demo
# village (HOUSEHOLDS households, default 1000) serving app/dist-web at /app/, and runs
# tests/web-e2e/run.mjs in headless Debian Chromium (playwright-core): enroll, go offline, check
# in, record a visit and a diary entry, reload offline, sync, a CLI device receives the records,
# a second browser profile converges; the PIN set first, a wrong one refused, no readable byte in
# OPFS; the administrator's wipe erases the second profile's ledger files. Screenshots go to docs/screenshots/web-*.png (SHOTS=dir
# to change), figures (with the wasm's size) to bench/web.json (FIGURES=path to change).
# Installs chromium, fonts-wqy-microhei and nodejs/npm when run as root and missing.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}

pkgs=(chromium fonts-wqy-microhei)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] || bash scripts/install-missing.sh "${missing[@]}"
(cd tests/web-e2e && npm ci --no-audit --no-fund)

[ "${NO_WEB_BUILD:-}" = 1 ] || bash scripts/web-build.sh
if [ -z "${SERVER_BIN:-}" ] || [ -z "${CLI_BIN:-}" ]; then
  cargo build --locked -p taizhang-sync-server -p taizhang-client
  SERVER_BIN=${SERVER_BIN:-$target_dir/debug/taizhang-sync-server}
  CLI_BIN=${CLI_BIN:-$target_dir/debug/taizhang}
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/taizhang-web-e2e.XXXXXX")
port=$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
base="http://127.0.0.1:$port"
households=${HOUSEHOLDS:-1000}

server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

TAIZHANG_WEB_DIR="$PWD/app/dist-web" "$SERVER_BIN" --db "$dir/server.sqlite3" --demo --demo-households "$households" \
  --listen "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
server_pid=$!
health() {
  node -e 'fetch(process.argv[1]).then((r) => r.text()).then((t) => process.exit(t.trim() === "ok" ? 0 : 1), () => process.exit(1))' "$base/health"
}
for _ in $(seq 1 240); do
  if health; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the server exited before answering /health:" >&2; cat "$dir/server.log" >&2; exit 1
  fi
  sleep 0.5
done
health || { echo "the server did not answer /health within 120 s:" >&2; cat "$dir/server.log" >&2; exit 1; }

# Demo codes: index, role, code, account, name (0 = 李明, 1 = 王芳, 2 = 张伟).
codes="$dir/server.sqlite3.demo-codes.txt"
code() { awk -F'\t' -v i="$1" '$1 == i { print $3; exit }' "$codes"; }
account() { awk -F'\t' -v i="$1" '$1 == i { print $4; exit }' "$codes"; }

status=0
TAIZHANG_STORE_PIN=246810 TAIZHANG_SERVER="$base" CODE_A="$(code 0)" CODE_CLI="$(code 1)" CODE_B="$(code 2)" CLI_BIN="$CLI_BIN" WORK="$dir" \
  ACCOUNT_B="$(account 2)" SERVER_BIN="$SERVER_BIN" SERVER_DB="$dir/server.sqlite3" \
  HOUSEHOLDS="$households" FIGURES="$dir/figures.json" node tests/web-e2e/run.mjs || status=$?
if [ "$status" != 0 ]; then
  echo "--- server log (last 50 lines) ---" >&2; tail -n 50 "$dir/server.log" >&2
  exit "$status"
fi

# The figures with the WebAssembly's size, to bench/web.json (FIGURES=path to change).
node -e '
const fs = require("fs"), zlib = require("zlib");
const [figs, wasmPath, out] = process.argv.slice(1);
const wasm = fs.readFileSync(wasmPath);
const f = JSON.parse(fs.readFileSync(figs, "utf8"));
const all = {
  measured_on: "this project'"'"'s 2-core machine, headless Debian Chromium, loopback server",
  wasm_bytes: wasm.length,
  wasm_gzip9_bytes: zlib.gzipSync(wasm, { level: 9 }).length,
  wasm_brotli_bytes: zlib.brotliCompressSync(wasm).length,
  ...f,
};
fs.writeFileSync(out, JSON.stringify(all, null, 2) + "\n");
console.log("[web-e2e] figures:", JSON.stringify(all));
' "$dir/figures.json" app/dist-web/pkg/taizhang_web_bg.wasm "${FIGURES:-bench/web.json}"
