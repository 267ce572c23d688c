#!/usr/bin/env bash
# Starts a real single-node Kafka broker (KRaft, broker + controller in one process) without Docker or a
# tarball: the class path comes from Maven Central through deploy/kafka/pom.xml.
#   deploy/kafka/start.sh [PORT] [DIR]     defaults: 9092, .tugai/kafka
# Prints the bootstrap address; deploy/kafka/stop.sh [DIR] stops it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PORT="${1:-9092}"
DIR="$(mkdir -p "${2:-$ROOT/.tugai/kafka}" && cd "${2:-$ROOT/.tugai/kafka}" && pwd)"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"

if [ -f "$DIR/kafka.pid" ] && kill -0 "$(cat "$DIR/kafka.pid")" 2>/dev/null; then
  echo "Kafka already running (pid $(cat "$DIR/kafka.pid")) from $DIR" >&2
  echo "127.0.0.1:$(cat "$DIR/port")"
  exit 0
fi

CP_FILE="$DIR/classpath.txt"
if [ ! -s "$CP_FILE" ]; then
  echo "resolving the Kafka broker class path from Maven Central..." >&2
  (cd "$ROOT" && ./mvnw -q -B -f deploy/kafka/pom.xml dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile="$CP_FILE" >&2)
fi
CP="$(cat "$CP_FILE")"

cat > "$DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DIR/data
num.partitions=3
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
cat > "$DIR/log4j2.yaml" <<'LOG'
Configuration:
  Appenders:
    Console: {name: STDOUT, PatternLayout: {Pattern: "[%d] %p %m (%c)%n"}}
  Loggers:
    Root: {level: INFO, AppenderRef: [{ref: STDOUT}]}
LOG

JAVA_OPTS_KAFKA="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m} -Dlog4j2.configurationFile=$DIR/log4j2.yaml"
if [ ! -f "$DIR/data/meta.properties" ]; then
  CLUSTER_ID="$(java -cp "$CP" kafka.tools.StorageTool random-uuid)"
  java $JAVA_OPTS_KAFKA -cp "$CP" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$DIR/server.properties" >"$DIR/format.log" 2>&1 \
    || { cat "$DIR/format.log" >&2; exit 1; }
fi
echo "$PORT" > "$DIR/port"
nohup java $JAVA_OPTS_KAFKA -cp "$CP" kafka.Kafka "$DIR/server.properties" >"$DIR/kafka.log" 2>&1 &
echo $! > "$DIR/kafka.pid"

for _ in $(seq 1 120); do
  if grep -q "Kafka Server started" "$DIR/kafka.log" 2>/dev/null; then
    echo "Kafka (KRaft) started on 127.0.0.1:$PORT, pid $(cat "$DIR/kafka.pid"), data in $DIR" >&2
    echo "127.0.0.1:$PORT"
    exit 0
  fi
  if ! kill -0 "$(cat "$DIR/kafka.pid")" 2>/dev/null; then
    echo "Kafka exited during start-up; last lines of $DIR/kafka.log:" >&2
    tail -20 "$DIR/kafka.log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "Kafka did not start within 60 s; see $DIR/kafka.log" >&2
exit 1
