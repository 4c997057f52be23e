#!/usr/bin/env bash
# Starts a single-node Kafka broker in KRaft mode on 127.0.0.1 and waits until it serves. Each
# port has its own state in .work/broker-PORT, so a test can run a broker of its own beside
# the shared one.
#   KAFKA_TEST_PORT   client port (default 19092; the controller uses the next one)
#   KAFKA_KEEP_DATA=1 restart on the existing data instead of formatting fresh storage
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port="${KAFKA_TEST_PORT:-19092}"
controller=$((port + 1))
libs="$here/.work/libs"
work="$here/.work/broker-$port"
"$here/fetch.sh"
mkdir -p "$work"
if [[ -f "$work/broker.pid" ]] && kill -0 "$(cat "$work/broker.pid")" 2>/dev/null; then
  echo "kafka broker already running (pid $(cat "$work/broker.pid"))" >&2
  exit 1
fi
cat >"$work/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$work/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
cat >"$work/log4j2.properties" <<'LOG'
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=${sys:kafka.logs.dir}/server.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
LOG
java_cmd=(java -Xms256m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
  -Dkafka.logs.dir="$work" -Dlog4j2.configurationFile="$work/log4j2.properties"
  -cp "$libs/*")
if [[ "${KAFKA_KEEP_DATA:-0}" != "1" || ! -d "$work/data" ]]; then
  rm -rf "$work/data"
  "${java_cmd[@]}" kafka.tools.StorageTool format \
    -t "$("${java_cmd[@]}" kafka.tools.StorageTool random-uuid)" \
    -c "$work/server.properties" >"$work/format.log" 2>&1 ||
    { cat "$work/format.log" >&2; exit 1; }
fi
nohup "${java_cmd[@]}" kafka.Kafka "$work/server.properties" >"$work/broker.out" 2>&1 &
echo $! >"$work/broker.pid"
for _ in $(seq 1 120); do
  if grep -q "Kafka Server started" "$work/server.log" "$work/broker.out" 2>/dev/null &&
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "kafka broker on 127.0.0.1:$port (pid $(cat "$work/broker.pid"))"
    exit 0
  fi
  if ! kill -0 "$(cat "$work/broker.pid")" 2>/dev/null; then
    echo "kafka broker exited during start-up; last lines of its output:" >&2
    tail -n 30 "$work/broker.out" "$work/server.log" >&2 2>/dev/null || true
    exit 1
  fi
  sleep 0.5
done
echo "kafka broker did not start within 60 s; see $work/server.log" >&2
exit 1
