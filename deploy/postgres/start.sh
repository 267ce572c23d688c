#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster (trust authentication on 127.0.0.1) on a chosen port, with a
# database named tugai.   deploy/postgres/start.sh [PORT] [DIR]   defaults: 5433, .tugai/postgres
# Needs PostgreSQL server binaries (Debian: apt-get install postgresql). deploy/postgres/stop.sh [DIR] stops it.
# initdb refuses to run as root, so as root the cluster is owned by the postgres user.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PORT="${1:-5433}"
DIR="$(mkdir -p "${2:-$ROOT/.tugai/postgres}" && cd "${2:-$ROOT/.tugai/postgres}" && pwd)"
BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$BIN/initdb" ] || BIN="$(dirname "$(command -v initdb || true)")"
[ -x "$BIN/initdb" ] || { echo "PostgreSQL server binaries not found (Debian: apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; chmod 700 "$DIR"; fi
if [ ! -f "$DIR/data/PG_VERSION" ]; then
  as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
fi
as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -w -t 60 \
  -o "-p $PORT -c listen_addresses=127.0.0.1 -k $DIR -c max_connections=200" start >&2
as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qtAc \
  "SELECT 1 FROM pg_database WHERE datname = 'tugai'" | grep -q 1 \
  || as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "CREATE DATABASE tugai"
echo "PostgreSQL started on 127.0.0.1:$PORT, data in $DIR/data" >&2
echo "jdbc:postgresql://127.0.0.1:$PORT/tugai"
