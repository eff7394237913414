#!/usr/bin/env bash
# Builds the local cluster's binaries from Go modules (the Go module proxy) with the machine's Go:
# Kubernetes $K8S_VERSION (kube-apiserver, kubectl, kube-controller-manager, kube-scheduler,
# kubelet, kube-proxy) and etcd from gobuild/kubernetes, containerd 2.x (containerd, its runc shim,
# ctr) and the CNI plugins from gobuild/node, and the pod sandbox's pause from the Kubernetes
# module's build/pause. Caches them under $ZEROMESH_CACHE/k8s/$K8S_VERSION/bin and lays out etcd,
# kube-apiserver and kubectl for fabric8 kube-api-test under
# $ZEROMESH_CACHE/kube-api-test/k8s/$K8S_VERSION-linux-amd64 as soon as those three exist, then
# touches $ZEROMESH_CACHE/kube-api-test/READY-$K8S_VERSION.
# Idempotent: with every binary cached it only checks versions and the layout (seconds).
#
#   build-binaries.sh            everything
#   build-binaries.sh --api      only what kube-api-test needs (kube-apiserver, etcd, kubectl)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"

only_api=false
[ "${1:-}" = "--api" ] && only_api=true

GOBUILD_K8S="$here/gobuild/kubernetes"
GOBUILD_NODE="$here/gobuild/node"

# Go (lib.sh's use_go, go_build, k8s_ldflags), checked only when something is to be built.
check_go() {
  use_go
  grep -qx "	k8s.io/kubernetes v$K8S_VERSION" "$GOBUILD_K8S/go.mod" \
    || die "$GOBUILD_K8S/go.mod does not require k8s.io/kubernetes v$K8S_VERSION (lib.sh's K8S_VERSION)"
}

# Package of each binary, and the module that builds it.
k8s_pkg() {
  case "$1" in
    etcd) echo go.etcd.io/etcd/server/v3 ;;
    kube-apiserver|kube-controller-manager|kube-scheduler|kubelet|kube-proxy|kubectl) echo "k8s.io/kubernetes/cmd/$1" ;;
    *) return 1 ;;
  esac
}
node_pkg() {
  case "$1" in
    containerd|containerd-shim-runc-v2|ctr) echo "github.com/containerd/containerd/v2/cmd/$1" ;;
    cni/bridge|cni/loopback) echo "github.com/containernetworking/plugins/plugins/main/${1#cni/}" ;;
    cni/host-local) echo github.com/containernetworking/plugins/plugins/ipam/host-local ;;
    cni/portmap) echo github.com/containernetworking/plugins/plugins/meta/portmap ;;
    *) return 1 ;;
  esac
}

build_one() {
  local name="$1" pkg
  if pkg="$(k8s_pkg "$name")"; then
    local ldflags="-s -w"
    [ "$name" = etcd ] || ldflags="$(k8s_ldflags)"
    go_build "$GOBUILD_K8S" "$K8S_BIN/$name" "$pkg" "$ldflags"
  elif pkg="$(node_pkg "$name")"; then
    local ldflags="-s -w"
    case "$name" in
      containerd|containerd-shim-runc-v2|ctr)
        ldflags="-s -w -X github.com/containerd/containerd/v2/version.Version=v$CONTAINERD_VERSION" ;;
    esac
    go_build "$GOBUILD_NODE" "$K8S_BIN/$name" "$pkg" "$ldflags"
  elif [ "$name" = pause ]; then
    build_pause
  else
    die "no recipe for $name"
  fi
}

# The pod sandbox's pause process, static, from the Kubernetes module's build/pause.
build_pause() {
  apt_install gcc libc6-dev
  local src
  src="$(cd "$GOBUILD_K8S" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
  [ -f "$src" ] || (cd "$GOBUILD_K8S" && go mod download k8s.io/kubernetes)
  [ -f "$src" ] || die "no $src"
  gcc -Os -Wall -Werror -static -DVERSION="v$PAUSE_VERSION-zeromesh" -o "$K8S_BIN/pause.tmp" "$src"
  strip "$K8S_BIN/pause.tmp"
  mv "$K8S_BIN/pause.tmp" "$K8S_BIN/pause"
}

# etcd, kube-apiserver and kubectl where fabric8 kube-api-test looks, so it never downloads; then
# the READY marker other builds wait for.
layout_kube_api_test() {
  mkdir -p "$KUBE_API_TEST_BIN"
  local c
  for c in kube-apiserver etcd kubectl; do place "$K8S_BIN/$c" "$KUBE_API_TEST_BIN/$c"; done
  [ -f "$KUBE_API_TEST_DIR/READY-$K8S_VERSION" ] || touch "$KUBE_API_TEST_DIR/READY-$K8S_VERSION"
}

# Copies an executable unless the same bytes are there; by rename, so that a test running the
# old file meanwhile is not disturbed ("text file busy").
place() {
  cmp -s "$1" "$2" && return 0
  install -m 755 "$1" "$2.tmp"
  mv "$2.tmp" "$2"
}

# Each binary reports the version it was built for (a stale cache from another release fails).
check_versions() {
  local c out
  for c in "$@"; do
    case "$c" in
      kube-apiserver|kube-controller-manager|kube-scheduler|kubelet|kube-proxy)
        out="$("$K8S_BIN/$c" --version 2>&1)"; grep -q "v$K8S_VERSION\$" <<<"$out" || die "$c reports '$out', wanted v$K8S_VERSION" ;;
      kubectl)
        out="$("$K8S_BIN/kubectl" version --client 2>&1)"; grep -q "v$K8S_VERSION\$" <<<"$out" || die "kubectl reports '$out'" ;;
      etcd)
        out="$("$K8S_BIN/etcd" --version 2>&1)"; grep -q "etcd Version: $ETCD_VERSION\$" <<<"$out" || die "etcd reports '$out', wanted $ETCD_VERSION" ;;
      containerd|ctr)
        out="$("$K8S_BIN/$c" --version 2>&1)"; grep -q "v$CONTAINERD_VERSION" <<<"$out" || die "$c reports '$out', wanted v$CONTAINERD_VERSION" ;;
    esac
  done
}

main() {
  local api="kube-apiserver etcd kubectl"
  local want="$api"
  $only_api || want="$api $K8S_NODE_COMPONENTS $RUNTIME_BINARIES pause"
  local missing="" c
  for c in $want; do [ -x "$K8S_BIN/$c" ] || missing="$missing $c"; done
  if [ -n "$missing" ]; then
    check_go
    local start
    start=$(date +%s)
    log "building$missing for Kubernetes $K8S_VERSION (cold: about half an hour on 2 cores)"
    # kube-api-test's three first: the integration tests need only those.
    for c in $api; do [[ " $missing " == *" $c "* ]] && build_one "$c"; done
    layout_kube_api_test
    for c in $missing; do [[ " $api " == *" $c "* ]] || build_one "$c"; done
    log "built$missing in $(( $(date +%s) - start ))s"
  fi
  layout_kube_api_test
  check_versions $want
  log "Kubernetes $K8S_VERSION binaries ready in $K8S_BIN; kube-api-test layout in $KUBE_API_TEST_BIN"
}

main
