#!/usr/bin/env bash
# Deletes the kind cluster of the e2e suite and its kubeconfig. Safe to run when there is none.
set -euo pipefail
source "$(dirname "$0")/env.sh"
command -v kind >/dev/null || { echo "kind: not installed; nothing to delete" >&2; exit 0; }
if kind_cluster_exists; then
  kind delete cluster --name "$KIND_CLUSTER_NAME"
else
  echo "kind: no cluster $KIND_CLUSTER_NAME" >&2
fi
rm -f "$KIND_KUBECONFIG"
