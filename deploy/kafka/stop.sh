#!/usr/bin/env bash
# Stops the broker deploy/kafka/start.sh started.   deploy/kafka/stop.sh [DIR] [--delete]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${1:-$ROOT/.tugai/kafka}"
PID_FILE="$DIR/kafka.pid"
if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  PID="$(cat "$PID_FILE")"
  kill "$PID"
  for _ in $(seq 1 60); do kill -0 "$PID" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$PID" 2>/dev/null && kill -9 "$PID"
  echo "Kafka stopped (pid $PID)" >&2
else
  echo "Kafka is not running from $DIR" >&2
fi
rm -f "$PID_FILE"
if [ "${2:-}" = "--delete" ]; then rm -rf "$DIR"; fi
