#!/usr/bin/env bash
# Builds the Tauri field app (web UI, then the app binary with the UI embedded) and runs its
# end-to-end test under xvfb-run: tauri-driver + WebKitWebDriver drive the real binary against
# a real sync server, and a second device (the `taizhang` CLI) checks the records arrived.
# Installs the Debian packages, the npm packages and tauri-driver it needs when run as root.
# Screenshots go to docs/screenshots/.
#   --deps-only  only the system packages and the built web UI (what `cargo build` of the app needs)
#   --no-deps    skip them (already done by --deps-only in this run)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}

if [ "$mode" != --no-deps ]; then
pkgs=(libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev libxdo-dev libssl-dev
  build-essential pkg-config file xvfb xauth webkit2gtk-driver fonts-wqy-microhei)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] || bash scripts/install-missing.sh "${missing[@]}"

# The web UI: install exactly the locked packages, unit-test the UI logic, build dist/.
(cd app && npm ci --no-audit --no-fund && npm test && npm run build)
fi
[ "$mode" = --deps-only ] && exit 0

# tauri-driver 2 (the 3.0 alphas are not for this app).
export PATH="$HOME/.cargo/bin:$PATH"
command -v tauri-driver >/dev/null 2>&1 || cargo install tauri-driver --version '^2' --locked

# The app (standalone: the custom-protocol feature is on by default), the server and the CLI,
# in cargo's target directory (CARGO_TARGET_DIR when set, else target/).
cargo build --locked -p taizhang-app -p taizhang-sync-server -p taizhang-client
bin=${CARGO_TARGET_DIR:-target}/debug

TAIZHANG_STORE_PIN=246810 APP_BIN=$bin/taizhang-app SERVER_BIN=$bin/taizhang-sync-server CLI_BIN=$bin/taizhang \
  xvfb-run -a --server-args="-screen 0 1280x1024x24" node app/e2e/run.mjs
