#!/usr/bin/env bash
# Runs the broker image archive as a restricted pod would, without a cluster or Docker: imports
# broker-image/target/jib-image.tar into a private containerd (socket, root and state under a
# fresh /tmp directory, so it never meets another containerd on the machine), checks the image
# config (user 65532, entrypoint), then, as the image's own user on a read-only root filesystem
# with a writable /tmp (as an emptyDir):
#   1. `queue --help` (exit 0, the flags listed)
#   2. a queue on loopback ports, probe rep and probe req containers through it (host network,
#      127.0.0.1 only), /readyz and /metrics read from the host, then SIGTERM: the queue must stop
#      cleanly and nothing may have tried to write outside /tmp.
#
# Usage: broker-image/image/check-image.sh [image-archive]      (root: containerd needs it)
set -euo pipefail
cd "$(dirname "$0")/../.."

ARCHIVE=${1:-broker-image/target/jib-image.tar}
IMAGE=${ZEROMESH_BROKER_IMAGE:-zeromesh/broker:0.1.0}
REF=docker.io/$IMAGE

die() { echo "check-image: FAILED: $*" >&2; exit 1; }
say() { echo "check-image: $*"; }

[ -f "$ARCHIVE" ] || die "no image archive at $ARCHIVE: run \`make broker-image\` first"
[ "$(id -u)" = 0 ] || die "needs root (containerd and runc)"
if ! command -v containerd >/dev/null || ! command -v runc >/dev/null || ! command -v curl >/dev/null; then
  say "installing containerd, runc and curl (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends containerd runc curl
fi

WORK_ENTRYPOINT=$(mktemp)
# The image config first: the user and entrypoint a pod gets.
config=$(tar -xOf "$ARCHIVE" manifest.json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Config"])')
tar -xOf "$ARCHIVE" "$config" | /usr/bin/python3 -c '
import json, sys
c = json.load(sys.stdin)["config"]
assert c.get("User") == "65532:65532", "user is %r, not 65532:65532" % c.get("User")
ep = c.get("Entrypoint") or []
assert ep and ep[0] == "/opt/java/bin/java" and ep[-1] == "io.zeromesh.broker.Main", "entrypoint %r" % ep
print("check-image: config: user %s, entrypoint %s" % (c["User"], " ".join(ep)), file=sys.stderr)
print("\n".join(ep))
' >"$WORK_ENTRYPOINT" || die "image config"
mapfile -t ENTRYPOINT <"$WORK_ENTRYPOINT"
rm -f "$WORK_ENTRYPOINT"

# shellcheck source=private-containerd.sh
. broker-image/image/private-containerd.sh
pc_start zeromesh-broker-check
pc_import "$ARCHIVE" "$REF"

# A restricted pod: the image's user, read-only root, /tmp an emptyDir, default seccomp.
# ctr's arguments replace the whole command, so the entrypoint comes first, as Kubernetes `args`.
# Container ids carry this run's id: runc keeps its state under /run/containerd/runc whatever
# containerd's own root, so a fixed id collides with a leftover or with a concurrent check.
# Containers run in the background are named (and so cleaned up at exit) by the parent shell:
# `run ... &` runs in a subshell, whose PC_CONTAINERS the exit trap never sees.
RUN_ID=$$
cid() { echo "$1-$RUN_ID"; }
PC_CONTAINERS+=("$(cid broker-queue)" "$(cid broker-rep)")
run() {
  local name; name=$(cid "$1"); shift
  PC_CONTAINERS+=("$name")
  ctr -a "$SOCK" -n k8s.io run --rm --snapshotter "$SNAPSHOTTER" --read-only --seccomp --net-host \
    --mount "type=bind,src=$WORK/tmp,dst=/tmp,options=rbind:rw:nosuid:nodev" \
    "$REF" "$name" "${ENTRYPOINT[@]}" "$@"
}

say "1. queue --help"
run broker-help queue --help >"$WORK/help.log" 2>&1 || { cat "$WORK/help.log"; die "queue --help failed"; }
grep -q -- "--frontend-port" "$WORK/help.log" || { cat "$WORK/help.log"; die "no flags in queue --help"; }
say "   ok: $(grep -c -E -- '^ +--[a-z]' "$WORK/help.log") flags listed"

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
FRONT=$(free_port); BACK=$(free_port); ADMIN=$(free_port)
say "2. queue on 127.0.0.1:$FRONT/$BACK, admin $ADMIN"
run broker-queue queue --bind-address=127.0.0.1 --frontend-port="$FRONT" --backend-port="$BACK" \
  --admin-port="$ADMIN" --admin-bind-address=127.0.0.1 >"$WORK/queue.log" 2>&1 &
QUEUE_JOB=$!
for _ in $(seq 1 150); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN/readyz" || true)" = 200 ] && break
  kill -0 "$QUEUE_JOB" 2>/dev/null || { cat "$WORK/queue.log"; die "the queue container exited"; }
  sleep 0.2
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN/readyz")" = 200 ] \
  || { cat "$WORK/queue.log"; die "/readyz never returned 200"; }
say "   /readyz 200"

run broker-rep probe rep --endpoint "tcp://127.0.0.1:$BACK" --identity image-rep --timeout-s 60 \
  >"$WORK/rep.log" 2>&1 &
REP_JOB=$!
run broker-req probe req --endpoint "tcp://127.0.0.1:$FRONT" --count 200 --expect 200 \
  --retries 3 --timeout-s 45 >"$WORK/req.log" 2>&1 || { cat "$WORK/req.log" "$WORK/rep.log"; die "probe req did not get its replies"; }
summary=$(grep '^{' "$WORK/req.log" | tail -1)
say "   probe req: $summary"
echo "$summary" | grep -q '"received":200' || die "expected 200 replies"
echo "$summary" | grep -q '"image-rep":200' || die "expected every reply from image-rep"
metrics=$(curl -s "http://127.0.0.1:$ADMIN/metrics")
# The one series with both labels, in whatever order the client library writes them.
requests=$(echo "$metrics" | grep -E '^zeromesh_messages_total\{' | grep 'socket="frontend"' \
  | grep 'direction="in"' || true)
[ "$(echo "$requests" | grep -c .)" = 1 ] || die "no single frontend/in series in: $metrics"
echo "$requests" | awk '{ exit ($2 >= 200 ? 0 : 1) }' || die "metrics do not count the 200 requests: $requests"
say "   /metrics: $requests"

ctr -a "$SOCK" -n k8s.io tasks kill -s SIGTERM "$(cid broker-rep)" >/dev/null 2>&1 || true
ctr -a "$SOCK" -n k8s.io tasks kill -s SIGTERM "$(cid broker-queue)" >/dev/null
set +e
for _ in $(seq 1 100); do kill -0 "$QUEUE_JOB" 2>/dev/null || break; sleep 0.1; done
wait "$QUEUE_JOB"; QUEUE_STATUS=$?
wait "$REP_JOB"
set -e
say "   queue exited with status $QUEUE_STATUS on SIGTERM"
if grep -Eqi "read-only file system|AccessDeniedException|Permission denied|UnsatisfiedLinkError|NoClassDefFoundError" \
  "$WORK"/*.log; then
  grep -Ei "read-only file system|AccessDeniedException|Permission denied|UnsatisfiedLinkError|NoClassDefFoundError" "$WORK"/*.log
  die "the image tried to write outside /tmp, or is incomplete"
fi
[ "$QUEUE_STATUS" = 0 ] || { cat "$WORK/queue.log"; die "queue exit status $QUEUE_STATUS after SIGTERM"; }
say "OK: $IMAGE imports into containerd (k8s.io) and runs as 65532 on a read-only root filesystem"
