#!/usr/bin/env bash
# End-to-end smoke test as an operator would do it: bin/tugai run against real services, a device
# publishing with mosquitto_pub, the result read with psql.
# Needs TUGAI_KAFKA_BOOTSTRAP_SERVERS, TUGAI_MQTT_URL (tcp://host:port) and TUGAI_DB_URL (any database on the
# server: the test creates its own), plus mosquitto_pub and psql on the PATH.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${TUGAI_KAFKA_BOOTSTRAP_SERVERS:?}" "${TUGAI_MQTT_URL:?}" "${TUGAI_DB_URL:?}"
DB_USER="${TUGAI_DB_USER:-postgres}"

hostport="${TUGAI_DB_URL#jdbc:postgresql://}"; hostport="${hostport%%/*}"
DB_HOST="${hostport%%:*}"; DB_PORT="${hostport##*:}"
mqtt="${TUGAI_MQTT_URL#tcp://}"; MQTT_HOST="${mqtt%%:*}"; MQTT_PORT="${mqtt##*:}"

RUN_ID="smoke$(date +%s)$RANDOM"
DB="tugai_$RUN_ID"
COLLAR="SMOKE-$RUN_ID"
STATE="$(mktemp -d)"
LOG="$STATE/tugai.log"
sql() { PGPASSWORD="${TUGAI_DB_PASSWORD:-}" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -qtAX "$@"; }

sql -d postgres -c "CREATE DATABASE $DB"
export TUGAI_DB_URL="jdbc:postgresql://$DB_HOST:$DB_PORT/$DB" TUGAI_HTTP_PORT=0 \
  TUGAI_KAFKA_TOPIC_PREFIX="$RUN_ID." TUGAI_GATEWAY_CLIENT_ID="$RUN_ID" TUGAI_GATEWAY_SESSION_EXPIRY=60s \
  TUGAI_STREAMS_STATE_DIR="$STATE/streams" TUGAI_STREAMS_COMMIT_INTERVAL=200ms

"$ROOT/bin/tugai" run >"$LOG" 2>&1 &
PID=$!
cleanup() { kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; sql -d postgres -c "DROP DATABASE IF EXISTS $DB" || true; rm -rf "$STATE"; }
trap cleanup EXIT
for _ in $(seq 1 180); do
  grep -q "tugai started" "$LOG" && break
  kill -0 "$PID" 2>/dev/null || { echo "bin/tugai run exited:"; tail -30 "$LOG"; exit 1; }
  sleep 1
done
grep -q "tugai started" "$LOG" || { echo "bin/tugai run did not start in 180 s:"; tail -30 "$LOG"; exit 1; }
grep -E " started" "$LOG"

pub() { mosquitto_pub -h "$MQTT_HOST" -p "$MQTT_PORT" -q 1 -t "tugai/v1/collars/$COLLAR/fixes" -m "$1"; }
pub "{\"collarId\": \"$COLLAR\", \"fixTime\": \"2026-03-01T04:00:00Z\", \"lat\": 37.312, \"lon\": 68.127, \"fixType\": \"3D\", \"batteryV\": 3.61}"
pub "{\"collarId\": \"$COLLAR\", \"fixTime\": \"2026-03-01T04:15:00Z\", \"lat\": 91"
pub "{\"collarId\": \"$COLLAR\", \"fixTime\": \"2026-03-01T04:30:00Z\", \"lat\": 37.318, \"lon\": 68.131, \"fixType\": \"3D\"}"

for _ in $(seq 1 60); do
  fixes="$(sql -d "$DB" -c "SELECT count(*) FROM fixes WHERE collar_id = '$COLLAR'" 2>/dev/null || echo 0)"
  letters="$(sql -d "$DB" -c "SELECT count(*) FROM dead_letters WHERE device_id = '$COLLAR'" 2>/dev/null || echo 0)"
  [ "$fixes" = 2 ] && [ "$letters" = 1 ] && break
  sleep 1
done
sql -d "$DB" -c "SELECT collar_id, fix_time, lat, lon FROM fixes WHERE collar_id = '$COLLAR' ORDER BY fix_time"
sql -d "$DB" -c "SELECT reason_code, reason FROM dead_letters WHERE device_id = '$COLLAR'"
if [ "$fixes" = 2 ] && [ "$letters" = 1 ]; then
  echo "smoke: 1 passed, 0 failed"
else
  echo "smoke: expected 2 fixes and 1 dead letter for $COLLAR, found $fixes and $letters"
  tail -40 "$LOG"
  exit 1
fi
