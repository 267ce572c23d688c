#!/usr/bin/env bash
# Stops the cluster deploy/postgres/start.sh started (fast shutdown).   deploy/postgres/stop.sh [DIR] [--delete]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${1:-$ROOT/.tugai/postgres}"
BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$BIN/pg_ctl" ] || BIN="$(dirname "$(command -v pg_ctl || true)")"
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ -f "$DIR/data/postmaster.pid" ]; then
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >&2
else
  echo "PostgreSQL is not running from $DIR" >&2
fi
if [ "${2:-}" = "--delete" ]; then rm -rf "$DIR"; fi
