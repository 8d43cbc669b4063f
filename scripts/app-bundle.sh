#!/usr/bin/env bash
# Builds the field app's desktop bundle (.deb) with the app-bundle cargo profile (release, no
# debug info, stripped) and prints its size. Needs what `scripts/app-e2e.sh --deps-only` installs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/app-e2e.sh --deps-only
cd app
npx tauri build --bundles deb -- --profile app-bundle
deb=$(ls -t "${CARGO_TARGET_DIR:-../target}"/app-bundle/bundle/deb/*.deb | head -1)
echo "bundle: $deb ($(stat -c %s "$deb") bytes)"
