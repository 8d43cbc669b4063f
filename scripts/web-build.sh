#!/usr/bin/env bash
# Builds the offline web client into app/dist-web (what the sync server serves at /app/): the
# field app's UI (the same app/src as the Tauri app) with base /app/, the device core compiled to
# WebAssembly (crates/taizhang-web, cargo profile `web`) and bound by wasm-bindgen, the worker,
# the web app manifest, the icons, and the service worker with the list of every file to keep.
# Installs what it needs when run as root on a fresh Debian: clang (SQLite's C for wasm32),
# Node.js/npm, the wasm32 target (rustup) and wasm-bindgen-cli at the version in Cargo.lock.
#   --deps-only  only the tools
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
target_dir=${CARGO_TARGET_DIR:-target}

missing=()
command -v clang >/dev/null 2>&1 || missing+=(clang)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] || bash scripts/install-missing.sh "${missing[@]}"
if command -v rustup >/dev/null 2>&1; then
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
fi
# wasm-bindgen-cli must be exactly the wasm-bindgen the crate links.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $wb_version"; then
  # --locked first; its lock file has named a crate version the registry later withdrew.
  cargo install wasm-bindgen-cli --version "=$wb_version" --locked \
    || cargo install wasm-bindgen-cli --version "=$wb_version"
fi
[ "${1:-}" = --deps-only ] && exit 0

# The core.
cargo build --locked --profile web --target wasm32-unknown-unknown -p taizhang-web
wasm=$target_dir/wasm32-unknown-unknown/web/taizhang_web.wasm

# The UI, then the core, the worker, the manifest and the icons beside it.
(cd app && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npx tsc --noEmit \
  && npx vite build --outDir dist-web --base /app/ --emptyOutDir)
out=app/dist-web
wasm-bindgen --target web --no-typescript --out-dir "$out/pkg" "$wasm"
cp app/web/core-worker.js app/web/manifest.webmanifest "$out/"
mkdir -p "$out/icons"
cp app/src-tauri/icons/128x128.png "$out/icons/128x128.png"
cp app/src-tauri/icons/128x128@2x.png "$out/icons/256x256.png"
cp app/src-tauri/icons/icon.png "$out/icons/512x512.png"
# The page links the manifest (the Tauri build's index.html does not need it).
sed -i 's#<title>#<link rel="manifest" href="manifest.webmanifest" />\n    <meta name="theme-color" content="\#b71c1c" />\n    <title>#' "$out/index.html"

# The service worker: every file, and a version that changes with any of them.
files=$(cd "$out" && find . -type f ! -name sw.js | sed 's#^\./##' | sort)
version=$(cd "$out" && echo "$files" | xargs sha256sum | sha256sum | cut -c1-16)
list=$( (echo "./"; echo "$files") | sed 's/.*/"&"/' | paste -sd, -)
sed -e "s#__TAIZHANG_VERSION__#$version#" -e "s#__TAIZHANG_FILES__#[$list]#" app/web/sw.js > "$out/sw.js"

# Gzipped copies the server sends to browsers that accept them (after the service worker's
# list: the worker caches the files by name, whatever encoding they came in).
find "$out" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \) -exec gzip -9 -k -f {} \;

raw=$(stat -c %s "$out/pkg/taizhang_web_bg.wasm")
gz=$(gzip -9 -c "$out/pkg/taizhang_web_bg.wasm" | wc -c)
echo "web client: $out (version $version); wasm $raw bytes, $gz gzip -9"
