#!/usr/bin/env bash
# Browser end-to-end test of the county web page (/county/) against the real sync server:
# builds taizhang-sync-server (unless SERVER_BIN is set), starts it on a free loopback port with the
# demo county (the demo village 石门村 plus 3 generated villages) in a temp dir, reads the
# county staff login from the demo-logins file, and runs tests/county-e2e/run.mjs in headless
# Debian Chromium (playwright-core drives it). The test checks the overview, a village, a
# random inspection, the CSV / XLSX exports' content, the English switch, a doubtful day made
# with the command-line client (王芳's 补卡) and decided 核实计入, a visit's photo attached and
# sent with the command-line client (its thumbnail and full image on the page), and log-out,
# and writes docs/screenshots/county-overview.png, county-village.png, county-evidence*.png,
# county-photo*.png.
# Installs chromium, fonts-wqy-microhei and nodejs/npm when run as root and missing.
#   SERVER_BIN=path  use this server binary instead of building one
#   CLI_BIN=path     use this `taizhang` command-line client instead of building one
#   CHROMIUM=path    use this browser instead of /usr/bin/chromium
#   EXPECT_VILLAGES  minimum villages in the overview (default 4: 石门村 + 3 generated)
#   SHOTS=dir        write the screenshots there instead of docs/screenshots
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(chromium fonts-wqy-microhei)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] || bash scripts/install-missing.sh "${missing[@]}"

# The test's one npm package, exactly as locked (no browser download: it uses Debian's chromium).
(cd tests/county-e2e && npm ci --no-audit --no-fund)

if [ -z "${SERVER_BIN:-}" ] || [ -z "${CLI_BIN:-}" ]; then
  cargo build --locked -p taizhang-sync-server -p taizhang-client
  SERVER_BIN=${SERVER_BIN:-${CARGO_TARGET_DIR:-target}/debug/taizhang-sync-server}
  CLI_BIN=${CLI_BIN:-${CARGO_TARGET_DIR:-target}/debug/taizhang}
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/taizhang-county-e2e.XXXXXX")
port=$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
base="http://127.0.0.1:$port"

server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

"$SERVER_BIN" --db "$dir/server.sqlite3" --demo --demo-county 3 --listen "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
server_pid=$!

# Wait for /health to answer ok (60 s).
health() {
  node -e 'fetch(process.argv[1]).then((r) => r.text()).then((t) => process.exit(t.trim() === "ok" ? 0 : 1), () => process.exit(1))' "$base/health"
}
for _ in $(seq 1 120); do
  if health; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the server exited before answering /health:" >&2; cat "$dir/server.log" >&2; exit 1
  fi
  sleep 0.5
done
if ! health; then
  echo "the server did not answer /health with ok within 60 s:" >&2; cat "$dir/server.log" >&2; exit 1
fi

# The county staff login: demo-logins lines are login<TAB>password<TAB>name<TAB>role.
logins="$dir/server.sqlite3.demo-logins.txt"
if [ ! -s "$logins" ]; then
  echo "no demo logins file at $logins (does the server support --demo-county?)" >&2; cat "$dir/server.log" >&2; exit 1
fi
IFS=$'\t' read -r county_login county_password _ < <(awk -F'\t' '$4 == "county" { print; exit }' "$logins") || true
if [ -z "${county_login:-}" ] || [ -z "${county_password:-}" ]; then
  echo "no line with role county in $logins" >&2; exit 1
fi

# The township officer's login (the demo county's 好花红镇), when the server made one.
IFS=$'\t' read -r township_login township_password _ < <(awk -F'\t' '$4 == "township" { print; exit }' "$logins") || true

# A doubtful day for the evidence step (issue 17): 王芳 enrolls the command-line client, syncs,
# then records a check-in afterwards (补卡) dated 26 hours before that sync, and syncs it. The
# server keeps it and the village page lists the day as 时间存疑 (dated before the device's
# previous sync); the browser test decides it (核实计入) as a township or county officer would.
# 26 hours puts it on an earlier calendar day (Asia/Shanghai) than the visit with a photo below,
# whatever the hour of the run: that visit is timely, and a day with a timely record is not
# 时间存疑 (the strongest record of a day decides it), so on the same day the step found nothing.
codes="$dir/server.sqlite3.demo-codes.txt"
wang_code=$(awk -F'\t' '$1 == 1 { print $3; exit }' "$codes")
if [ -z "$wang_code" ]; then echo "no demo code for 王芳 (index 1) in $codes" >&2; exit 1; fi
cli=("$CLI_BIN" --store "$dir/wang.sqlite3" --plain)
"${cli[@]}" enroll --server "$base" --code "$wang_code" --name "王芳的手机" >"$dir/cli.log" 2>&1
"${cli[@]}" sync --server "$base" >>"$dir/cli.log" 2>&1
doubtful_at=$(TZ=Asia/Shanghai date -d '-26 hours' '+%Y-%m-%d %H:%M')
"${cli[@]}" check-in --at "$doubtful_at" >>"$dir/cli.log" 2>&1
"${cli[@]}" sync --server "$base" >>"$dir/cli.log" 2>&1 || { cat "$dir/cli.log" >&2; exit 1; }

# A photo for the county page (issue 19): 王芳 records a visit to the first household with a
# photo (`visit --photo`: re-encoded as the app does, kept beside her store) and syncs — the
# records first, then the photo in chunks. The browser test finds its thumbnail on her day in
# the evidence calendar and opens the full image.
node tests/county-e2e/photo.mjs "$dir/visit.png"
household=$("${cli[@]}" households 2>>"$dir/cli.log" | awk 'NR == 1 { print $1 }')
if [ -z "$household" ]; then echo "王芳's store lists no household" >&2; cat "$dir/cli.log" >&2; exit 1; fi
"${cli[@]}" visit --household "$household" --findings "屋顶漏雨，已拍照" --photo "$dir/visit.png" >>"$dir/cli.log" 2>&1 \
  || { cat "$dir/cli.log" >&2; exit 1; }
"${cli[@]}" sync --server "$base" >"$dir/photo-sync.log" 2>&1 || { cat "$dir/cli.log" "$dir/photo-sync.log" >&2; exit 1; }
cat "$dir/photo-sync.log" >>"$dir/cli.log"
if ! grep -q "已上传" "$dir/photo-sync.log"; then
  echo "the visit's photo was not uploaded:" >&2; cat "$dir/photo-sync.log" >&2; exit 1
fi
photo_date=$(TZ=Asia/Shanghai date '+%Y-%m-%d')

status=0
DOUBTFUL_DATE="${doubtful_at%% *}" DOUBTFUL_MEMBER="王芳" PHOTO_DATE="$photo_date" CLI_BIN="$CLI_BIN" WANG_STORE="$dir/wang.sqlite3" \
TOWNSHIP_LOGIN="${township_login:-}" TOWNSHIP_PASSWORD="${township_password:-}" \
TAIZHANG_SERVER="$base" COUNTY_LOGIN="$county_login" COUNTY_PASSWORD="$county_password" EXPECT_VILLAGES="${EXPECT_VILLAGES:-4}" \
  node tests/county-e2e/run.mjs || status=$?
if [ "$status" != 0 ]; then
  echo "--- server log (last 50 lines) ---" >&2; tail -n 50 "$dir/server.log" >&2
fi
exit "$status"
