#!/usr/bin/env bash
# Gives the tests a PostgreSQL: installs Debian's `postgresql` when missing (as root), starts a
# local cluster, (re)creates the role and the database `taizhang_test`, and prints one line,
# the URL, on stdout (everything else goes to stderr). Usage:
#   export TAIZHANG_TEST_DATABASE_URL="$(bash scripts/postgres.sh)"
set -euo pipefail

ROLE=${TAIZHANG_PG_ROLE:-taizhang}
PASSWORD=${TAIZHANG_PG_PASSWORD:-taizhang}
DB=${TAIZHANG_PG_DATABASE:-taizhang_test}

cd /  # the postgres user may not be able to read the caller's directory
log() { echo "postgres.sh: $*" >&2; }

if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    log "PostgreSQL is not installed; run as root, or: apt-get install postgresql"; exit 1
  fi
  log "installing postgresql (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q postgresql >&2
fi

# The newest installed major version, and its cluster "main" (created if the package did not).
VER=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VER main"; then
  log "creating cluster $VER/main"
  pg_createcluster "$VER" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$VER" '$1==v && $2=="main" {print $4}' | grep -q online; then
  log "starting cluster $VER/main"
  # No systemd in a CI container: pg_ctlcluster starts the server as the postgres user.
  pg_ctlcluster "$VER" main start >&2
fi
PORT=$(pg_lsclusters -h | awk -v v="$VER" '$1==v && $2=="main" {print $3}')

for _ in $(seq 1 30); do
  if su postgres -c "psql -p $PORT -qtAc 'SELECT 1'" >/dev/null 2>&1; then break; fi
  sleep 1
done

psql_admin() { su postgres -c "psql -p $PORT -v ON_ERROR_STOP=1 -qtA $*" >&2; }
# The role may create databases and schemas (every test makes its own schema).
psql_admin "-c \"DO \\\$\\\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  END IF; END \\\$\\\$;\""
# A fresh database each run, so schemas left by earlier runs do not pile up.
psql_admin "-c 'DROP DATABASE IF EXISTS $DB WITH (FORCE)'"
psql_admin "-c 'CREATE DATABASE $DB OWNER $ROLE'"

URL="postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
log "PostgreSQL $VER is up: $URL"
echo "$URL"
