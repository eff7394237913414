#!/usr/bin/env bash
# Imports image archives (docker-archive or OCI tar, e.g. Jib's jib-image.tar) into the local
# cluster's containerd, namespace k8s.io, where kubelet finds them. Pods use them with
# imagePullPolicy IfNotPresent or Never and the exact tag.
#
#   load-images.sh ARCHIVE.tar...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
require_root

[ $# -gt 0 ] || die "usage: load-images.sh ARCHIVE.tar..."
[ -S "$CONTAINERD_SOCK" ] && component_pid containerd >/dev/null \
  || die "the local cluster's containerd is not running (make cluster-up)"
for archive in "$@"; do
  [ -f "$archive" ] || die "no such archive: $archive"
  start=$(date +%s)
  imported="$(ctr --address "$CONTAINERD_SOCK" -n k8s.io images import "$archive" 2>&1)" \
    || { echo "$imported" >&2; die "ctr images import $archive failed"; }
  log "imported $archive in $(( $(date +%s) - start ))s:"
  sed 's/^/  /' <<<"$imported" >&2
done
