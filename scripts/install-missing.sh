#!/usr/bin/env bash
# Installs the Debian packages named (the scripts pass only the missing ones) when run as
# root; otherwise names them and fails, so nothing half-works without them.
#   bash scripts/install-missing.sh PKG...
set -euo pipefail
[ $# -gt 0 ] || exit 0
if [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q "$@"
else
  echo "missing: $* (install them with apt-get)" >&2
  exit 1
fi
