#!/usr/bin/env bash
# Runs the operator image archive the way a restricted pod would, without a cluster or Docker:
# imports operator/target/jib-image.tar into a private containerd (own socket, root and state
# under a temporary directory, so it never meets another containerd on the machine), then runs it
# as the user its config names (must be 65532; ctr takes it from there) with a read-only root
# filesystem, the default seccomp profile and a writable /tmp (as an emptyDir would be), in a network namespace with
# loopback only. There is no API server to reach, so the operator cannot finish starting; the check
# is that Java and Quarkus start from the image, as that user, without writing outside /tmp.
#
# Usage: operator/image/check-image.sh [image-archive]     (root: containerd needs it)
set -euo pipefail
cd "$(dirname "$0")/../.."

ARCHIVE=${1:-operator/target/jib-image.tar}
IMAGE=${ZEROMESH_OPERATOR_IMAGE:-zeromesh/operator:0.1.0}
RUN_SECONDS=${ZEROMESH_IMAGE_CHECK_SECONDS:-40}

die() { echo "check-image: $*" >&2; exit 1; }

[ -f "$ARCHIVE" ] || die "no image archive at $ARCHIVE: run \`make operator-image\` first"
[ "$(id -u)" = 0 ] || die "needs root (containerd and runc)"
for tool in containerd ctr runc; do
  if ! command -v "$tool" >/dev/null; then
    echo "check-image: installing containerd and runc (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends containerd runc
    break
  fi
done

# The image config first: the user a pod runs as when it does not say, and the entrypoint.
config=$(tar -xOf "$ARCHIVE" manifest.json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Config"])') \
  || die "$ARCHIVE is not a docker archive"
tar -xOf "$ARCHIVE" "$config" | /usr/bin/python3 -c '
import json, sys
c = json.load(sys.stdin)["config"]
assert c.get("User") == "65532:65532", "user is %r, not 65532:65532" % c.get("User")
ep = c.get("Entrypoint") or []
assert ep[:1] == ["/opt/java/bin/java"] and ep[-2:] == ["-jar", "/deployments/quarkus-run.jar"], "entrypoint %r" % ep
print("check-image: config: user %s, entrypoint %s" % (c["User"], " ".join(ep)))
' || die "unexpected image config"

# shellcheck source=../../broker-image/image/private-containerd.sh
. broker-image/image/private-containerd.sh
pc_start zeromesh-image-check
PC_CONTAINERS+=(zeromesh-operator-check)
pc_import "$ARCHIVE" "docker.io/$IMAGE"

LOG=$WORK/operator.log
echo "check-image: running $IMAGE as 65532 with a read-only root filesystem for up to ${RUN_SECONDS}s"
set +e
timeout --kill-after=10 "$RUN_SECONDS" \
  ctr -a "$SOCK" -n k8s.io run --rm --snapshotter "$SNAPSHOTTER" \
    --read-only --seccomp \
    --mount "type=bind,src=$WORK/tmp,dst=/tmp,options=rbind:rw:nosuid:nodev" \
    --env KUBERNETES_NAMESPACE=zeromesh-system \
    --env ZEROMESH_LEADER_ELECTION=false \
    "docker.io/$IMAGE" zeromesh-operator-check >"$LOG" 2>&1
STATUS=$?
set -e
if [ "$STATUS" = 124 ] || [ "$STATUS" = 137 ]; then
  echo "check-image: the container still ran after ${RUN_SECONDS}s (stopped); its log:"
else
  echo "check-image: the container ended with status $STATUS; its log:"
fi
sed "s/^/  | /" "$LOG" | grep -v "^  | \s*at " | head -40

grep -q "Quarkus" "$LOG" || die "no Quarkus log line: the JVM or the application did not start"
grep -Eq "Operator SDK .* starting" "$LOG" || die "the operator did not get as far as starting its controllers"
if grep -Eqi "read-only file system|AccessDeniedException|Permission denied" "$LOG"; then
  die "the operator tried to write outside /tmp or lacked a permission (see the log above)"
fi
if grep -Eq "Error: Unable to access jarfile|ClassNotFoundException|NoClassDefFoundError|UnsatisfiedLinkError" "$LOG"; then
  die "the image is incomplete (see the log above)"
fi
echo "check-image: OK: Java and Quarkus started from $IMAGE as user 65532 on a read-only root filesystem"
