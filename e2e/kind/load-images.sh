#!/usr/bin/env bash
# Builds the broker and operator image archives (Jib tarballs, no Docker build needed) and loads
# them into the kind cluster's node, where pods use them with imagePullPolicy IfNotPresent.
#   e2e/kind/load-images.sh             build with make, then load
#   E2E_SKIP_BUILD=1 e2e/kind/load-images.sh   load the archives already built
set -euo pipefail
source "$(dirname "$0")/env.sh"
kind_preflight
kind_cluster_exists || { echo "kind: no cluster $KIND_CLUSTER_NAME; run e2e/kind/up.sh" >&2; exit 1; }

if [ "${E2E_SKIP_BUILD:-0}" != 1 ]; then
  make -C "$REPO_ROOT" broker-image operator-image
fi
start=$(date +%s)
for archive in "$BROKER_ARCHIVE" "$OPERATOR_ARCHIVE"; do
  [ -f "$archive" ] || { echo "kind: missing image archive $archive (make broker-image operator-image)" >&2; exit 1; }
  echo "kind: loading $archive into $KIND_CLUSTER_NAME" >&2
  kind load image-archive "$archive" --name "$KIND_CLUSTER_NAME"
done
echo "kind: images loaded in $(( $(date +%s) - start ))s" >&2
