#!/usr/bin/env bash
# Creates the kind cluster of the e2e suite (or reuses it) and writes its kubeconfig.
#   e2e/kind/up.sh                      create or reuse; prints the kubeconfig path last
# Settings (environment): KIND_CLUSTER_NAME, KIND_NODE_IMAGE, KIND_KUBECONFIG (see env.sh).
set -euo pipefail
source "$(dirname "$0")/env.sh"
kind_preflight

if kind_cluster_exists; then
  echo "kind: cluster $KIND_CLUSTER_NAME exists, reusing it" >&2
else
  echo "kind: creating cluster $KIND_CLUSTER_NAME from $KIND_NODE_IMAGE" >&2
  start=$(date +%s)
  kind create cluster \
    --name "$KIND_CLUSTER_NAME" \
    --image "$KIND_NODE_IMAGE" \
    --config "$(dirname "$0")/cluster.yaml" \
    --wait 180s >&2
  echo "kind: cluster $KIND_CLUSTER_NAME created in $(( $(date +%s) - start ))s" >&2
fi
mkdir -p "$(dirname "$KIND_KUBECONFIG")"
kind get kubeconfig --name "$KIND_CLUSTER_NAME" >"$KIND_KUBECONFIG"
chmod 600 "$KIND_KUBECONFIG"
echo "kind: kubeconfig in $KIND_KUBECONFIG" >&2
echo "$KIND_KUBECONFIG"
