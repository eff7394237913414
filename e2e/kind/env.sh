# Shared settings of the kind scripts; sourced, not run.
#
# The node image is pinned by digest: kindest/node v1.37.0 is the default node image of kind
# v0.33.0 (sigs.k8s.io/kind/pkg/apis/config/defaults.Image in that release), so it is the image
# that kind release was tested with. Use kind v0.33.0 (`go install sigs.k8s.io/kind@v0.33.0`).
# Override KIND_NODE_IMAGE to test another Kubernetes version or a node image built locally.
KIND_NODE_IMAGE="${KIND_NODE_IMAGE:-kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5}"
KIND_CLUSTER_NAME="${KIND_CLUSTER_NAME:-zeromesh-e2e}"
ZEROMESH_CACHE="${ZEROMESH_CACHE:-$HOME/.cache/zeromesh}"
# kind built by install-kind.sh (go install from the module proxy); used when none is on PATH.
KIND_VERSION=v0.33.0
KIND_BIN="$ZEROMESH_CACHE/kind/bin/kind"
command -v kind >/dev/null || PATH="$(dirname "$KIND_BIN"):$PATH"
KIND_KUBECONFIG="${KIND_KUBECONFIG:-$ZEROMESH_CACHE/kind/kubeconfig}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BROKER_ARCHIVE="$REPO_ROOT/broker-image/target/jib-image.tar"
OPERATOR_ARCHIVE="$REPO_ROOT/operator/target/jib-image.tar"

kind_preflight() {
  command -v kind >/dev/null || { echo "kind: not installed (e2e/kind/install-kind.sh builds $KIND_VERSION, or https://kind.sigs.k8s.io)" >&2; exit 1; }
  docker info >/dev/null 2>&1 || { echo "kind: no container engine answers 'docker info'" >&2; exit 1; }
}

kind_cluster_exists() {
  # Read whole first: `kind get clusters | grep -qx` under a caller's pipefail can fail by SIGPIPE.
  local clusters
  clusters="$(kind get clusters 2>/dev/null)" || return 1
  grep -qx "$KIND_CLUSTER_NAME" <<<"$clusters"
}
