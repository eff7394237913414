#!/usr/bin/env bash
# `make broker-demo`: each device in turn on this machine (default ports when free, loopback
# only), real traffic through it with the probe, what flowed printed, everything stopped.
#   queue      probe rep x2 (workers) <- queue <- probe req (client)
#   forwarder  probe pub -> forwarder -> probe sub x2 (topic filter)
#   streamer   probe push -> streamer -> probe pull
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/zeromesh-broker.jar  # runnable: Main-Class and a Class-Path of target/lib/*.jar
JAVA=${JAVA:-java}
LOGS=$(mktemp -d /tmp/zeromesh-demo.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$LOGS"
}
trap cleanup EXIT

# An array, not a function: `broker ... &` must give the JVM's own PID to stop it by.
BROKER=("$JAVA" -XX:TieredStopAtLevel=1 -jar "$JAR")
port_or_free() { # the default port when nothing listens there, else a free one
  /usr/bin/python3 - "$1" <<'PY'
import socket, sys
p = int(sys.argv[1])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a just-stopped device leaves TIME_WAIT
try:
    s.bind(("127.0.0.1", p))
except OSError:
    s.close(); s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
PY
}
await_ready() { # admin port, log
  for _ in $(seq 1 150); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/readyz" || true)" = 200 ] && return 0
    sleep 0.2
  done
  cat "$2" >&2; echo "demo: device not ready on admin port $1" >&2; exit 1
}
metric() { # admin port, metric name, label=value... (any order); prints the value as a whole number
  local port=$1 name=$2; shift 2
  curl -s "http://127.0.0.1:$port/metrics" | awk -v name="$name" -v want="$*" '
    index($1, name) == 1 && (substr($1, length(name) + 1, 1) == "{" || length($1) == length(name)) {
      n = split(want, w, " "); ok = 1
      for (i = 1; i <= n; i++) { split(w[i], kv, "="); if (index($1, kv[1] "=\"" kv[2] "\"") == 0) ok = 0 }
      if (ok) { printf "%d\n", $2; exit }
    }'
}
counter() { metric "$1" zeromesh_messages_total "socket=$2" "direction=$3"; } # admin port, socket, direction
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }
show() { echo "  $1: $(grep '^{' "$2" | tail -1)"; }

device() { # mode default-front default-back
  FRONT=$(port_or_free "$2"); BACK=$(port_or_free "$3"); ADMIN=$(port_or_free 8080)
  echo "== $1: frontend tcp://127.0.0.1:$FRONT, backend tcp://127.0.0.1:$BACK, admin http://127.0.0.1:$ADMIN"
  "${BROKER[@]}" "$1" --bind-address=127.0.0.1 --admin-bind-address=127.0.0.1 --frontend-port="$FRONT" \
    --backend-port="$BACK" --admin-port="$ADMIN" >"$LOGS/$1.log" 2>&1 &
  DEVICE=$!; PIDS+=("$DEVICE")
  await_ready "$ADMIN" "$LOGS/$1.log"
}

device queue 5559 5560
for w in worker-1 worker-2; do
  "${BROKER[@]}" probe rep --endpoint "tcp://127.0.0.1:$BACK" --identity "$w" --timeout-s 60 >"$LOGS/$w.json" 2>/dev/null &
  PIDS+=($!); eval "PID_${w/-/_}=$!"
done
"${BROKER[@]}" probe req --endpoint "tcp://127.0.0.1:$FRONT" --count 1000 --expect 1000 --retries 3 \
  --timeout-s 60 >"$LOGS/req.json" 2>"$LOGS/req.err" || { cat "$LOGS/req.err"; exit 1; }
show "client (req, 1000 requests)" "$LOGS/req.json"
echo "  queue counted $(counter "$ADMIN" frontend in) requests in, $(counter "$ADMIN" frontend out) replies out"
stop "$PID_worker_1"; stop "$PID_worker_2"; stop "$DEVICE"

device forwarder 5557 5558
"${BROKER[@]}" probe sub --endpoint "tcp://127.0.0.1:$BACK" --topic prices --count 500 --timeout-s 60 >"$LOGS/sub-prices.json" 2>/dev/null &
SUB1=$!; PIDS+=("$SUB1")
"${BROKER[@]}" probe sub --endpoint "tcp://127.0.0.1:$BACK" --topic news --expect 1 --timeout-s 8 >"$LOGS/sub-news.json" 2>/dev/null &
SUB2=$!; PIDS+=("$SUB2")
for _ in $(seq 1 100); do
  n=$(metric "$ADMIN" zeromesh_subscriptions)
  [ "${n:-0}" -ge 2 ] 2>/dev/null && break; sleep 0.1
done
"${BROKER[@]}" probe pub --endpoint "tcp://127.0.0.1:$FRONT" --topic prices --count 500 --rate 2000 \
  --timeout-s 60 >"$LOGS/pub.json" 2>/dev/null
wait "$SUB1" || true; wait "$SUB2" || true
show "publisher (topic prices)" "$LOGS/pub.json"
show "subscriber to 'prices'" "$LOGS/sub-prices.json"
show "subscriber to 'news' (expects nothing of 'prices')" "$LOGS/sub-news.json"
grep -q '"received":500' "$LOGS/sub-prices.json" || { echo "demo: prices subscriber short" >&2; exit 1; }
grep -q '"received":0' "$LOGS/sub-news.json" || { echo "demo: news subscriber got prices" >&2; exit 1; }
stop "$DEVICE"

device streamer 5557 5558
"${BROKER[@]}" probe pull --endpoint "tcp://127.0.0.1:$BACK" --count 2000 --timeout-s 60 >"$LOGS/pull.json" 2>/dev/null &
PULL=$!; PIDS+=("$PULL")
"${BROKER[@]}" probe push --endpoint "tcp://127.0.0.1:$FRONT" --count 2000 --identity ventilator \
  --timeout-s 60 >"$LOGS/push.json" 2>/dev/null
wait "$PULL" || { cat "$LOGS/pull.json"; exit 1; }
show "ventilator (push)" "$LOGS/push.json"
show "sink (pull)" "$LOGS/pull.json"
stop "$DEVICE"
echo "demo: every device moved real messages"
