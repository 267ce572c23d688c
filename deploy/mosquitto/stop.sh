#!/usr/bin/env bash
# Stops the broker deploy/mosquitto/start.sh started.   deploy/mosquitto/stop.sh [DIR] [--delete]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${1:-$ROOT/.tugai/mosquitto}"
if [ -f "$DIR/mosquitto.pid" ] && kill -0 "$(cat "$DIR/mosquitto.pid")" 2>/dev/null; then
  PID="$(cat "$DIR/mosquitto.pid")"
  kill "$PID"
  for _ in $(seq 1 40); do kill -0 "$PID" 2>/dev/null || break; sleep 0.25; done
  echo "Mosquitto stopped (pid $PID)" >&2
else
  echo "Mosquitto is not running from $DIR" >&2
fi
if [ "${2:-}" = "--delete" ]; then rm -rf "$DIR"; fi
