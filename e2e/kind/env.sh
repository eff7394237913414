# Shared settings of the kind scripts; sourced, not run.
#
# The node image is pinned by digest: kindest/node v1.31.2 is the default node image of kind
# v0.25.0 (its release notes list this digest), so it is the image that kind release was tested
# with. Use kind v0.25.0 or newer. Override KIND_NODE_IMAGE to test another Kubernetes version.
KIND_NODE_IMAGE="${KIND_NODE_IMAGE:-kindest/node:v1.31.2@sha256:18fbefc20a7113353c7b75b5c869d7145a6abd6269154825872dc59c1329912e}"
KIND_CLUSTER_NAME="${KIND_CLUSTER_NAME:-zeromesh-e2e}"
ZEROMESH_CACHE="${ZEROMESH_CACHE:-$HOME/.cache/zeromesh}"
KIND_KUBECONFIG="${KIND_KUBECONFIG:-$ZEROMESH_CACHE/kind/kubeconfig}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BROKER_ARCHIVE="$REPO_ROOT/broker-image/target/jib-image.tar"
OPERATOR_ARCHIVE="$REPO_ROOT/operator/target/jib-image.tar"

kind_preflight() {
  command -v kind >/dev/null || { echo "kind: not installed (https://kind.sigs.k8s.io)" >&2; exit 1; }
  docker info >/dev/null 2>&1 || { echo "kind: no container engine answers 'docker info'" >&2; exit 1; }
}

kind_cluster_exists() {
  kind get clusters 2>/dev/null | grep -qx "$KIND_CLUSTER_NAME"
}
