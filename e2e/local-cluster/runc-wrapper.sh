#!/bin/sh
# containerd's runc (the runc runtime's BinaryName) for the local cluster. This VM forbids lowering
# oom_score_adj below 0, and kubelet asks for -998 on every pod sandbox (-997 for Guaranteed pods),
# so `runc create` fails with "can't get final child's PID from pipe". Clamp negative values to 0
# in the bundle's config.json (or an exec's process.json) and run the real runc.
set -eu
RUNC="${ZEROMESH_REAL_RUNC:-/usr/sbin/runc}"
clamp() {
  if [ -f "$1" ] && grep -Eq '"oomScoreAdj": ?-' "$1"; then
    sed -i -E 's/"oomScoreAdj": ?-[0-9]+/"oomScoreAdj":0/g' "$1"
  fi
}
prev=""
for arg in "$@"; do
  case "$prev" in
    --bundle|-b) clamp "$arg/config.json" ;;
    --process|-p) clamp "$arg" ;;
  esac
  case "$arg" in
    --bundle=*) clamp "${arg#--bundle=}/config.json" ;;
    --process=*) clamp "${arg#--process=}" ;;
  esac
  prev="$arg"
done
exec "$RUNC" "$@"
