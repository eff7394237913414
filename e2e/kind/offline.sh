#!/usr/bin/env bash
# The kind path of the e2e suite on a machine without a registry (the project's own): a Docker
# engine (docker.sh), the node image built here (node/node.sh), then the unchanged `make e2e` with
# KIND_NODE_IMAGE pointing at it (kind cluster by up.sh, images by load-images.sh, the suite), and
# afterwards the cluster deleted and dockerd stopped, so that the machine is as it was (its CI and
# the local cluster never use Docker). Holds /tmp/zeromesh-cluster.lock throughout, like every use
# of a cluster on the shared machines: the two clusters never compete for the 2 cores.
#   e2e/kind/offline.sh              node image + make e2e
#   e2e/kind/offline.sh smoke        node image + cluster + smoke.sh only
#   KIND_KEEP=1 e2e/kind/offline.sh  leave the cluster and dockerd running (then: docker.sh stop)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
what="${1:-e2e}"
LOCK=/tmp/zeromesh-cluster.lock
if [ -z "${ZEROMESH_KIND_LOCKED:-}" ]; then
  echo "kind: waiting for $LOCK" >&2
  exec env ZEROMESH_KIND_LOCKED=1 flock "$LOCK" "$0" "$@"
fi
t0=$(date +%s)
stamp() { echo "kind-offline: $1 at +$(( $(date +%s) - t0 ))s" >&2; }
finish() {
  local rc=$?
  if [ "${KIND_KEEP:-0}" != 1 ]; then
    "$here/down.sh" || true
    if [ "${own_docker:-false}" = true ]; then "$here/docker.sh" stop || true; fi
  fi
  stamp "done (exit $rc)"
  exit "$rc"
}
trap finish EXIT
"$here/install-kind.sh" >/dev/null
# A Docker engine the machine already runs is used as it is; otherwise docker.sh's dockerd, on its
# own socket (others' `make e2e` keep the local cluster meanwhile), stopped again at the end.
own_docker=false
if ! env -u DOCKER_HOST docker info >/dev/null 2>&1; then
  own_docker=true
  export DOCKER_HOST=unix:///run/zeromesh-docker.sock
  "$here/docker.sh" start
fi
stamp "docker up"
KIND_NODE_IMAGE="$("$here/node/node.sh" "${KIND_LOCAL_NODE_IMAGE:-}")"
export KIND_NODE_IMAGE
stamp "node image $KIND_NODE_IMAGE"
case "$what" in
  smoke)
    "$here/up.sh" >/dev/null
    stamp "cluster up"
    "$here/smoke.sh"
    stamp "smoke passed" ;;
  e2e)
    env -u KUBECONFIG make -C "$REPO_ROOT" e2e
    stamp "make e2e passed" ;;
  *) echo "usage: $0 [e2e|smoke]" >&2; exit 2 ;;
esac
