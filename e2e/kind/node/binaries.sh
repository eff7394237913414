#!/usr/bin/env bash
# The binaries of the kind node image that the local cluster does not build, from Go modules with
# the machine's Go: kubeadm (gobuild/kubernetes, the same module and versions as the local
# cluster's Kubernetes) and CoreDNS (gobuild/coredns), into $KIND_K8S_BIN. The rest (kubelet,
# kubectl, the control plane, etcd, containerd, CNI plugins, pause) is read from the local
# cluster's cache ($K8S_BIN, `make cluster-binaries`), never written. Idempotent: with both cached it
# only checks their versions.
. "$(dirname "$0")/lib.sh"
GOBUILD="$LOCAL_CLUSTER/gobuild"
# Go, its settings, the builder and Kubernetes' version stamps: the local cluster's (lib.sh's
# use_go, go_build, k8s_ldflags), at the lowest priority beside other builds.
GO_BUILD_NICE=19

build() { use_go; go_build "$@"; }

# Each binary's version, read whole before it is matched: under pipefail, `coredns -version |
# grep -q` failed about one time in four (grep leaves at the first line, coredns's second write
# gets SIGPIPE, the pipeline exits 141), and a freshly built CoreDNS was reported as the wrong one.
kubeadm_ok() { local v; v="$("$KIND_K8S_BIN/kubeadm" version -o short 2>/dev/null)" && grep -qx "v$K8S_VERSION" <<<"$v"; }
coredns_ok() { local v; v="$("$KIND_K8S_BIN/coredns" -version 2>/dev/null)" && grep -q "CoreDNS-$COREDNS_VERSION\$" <<<"$v"; }

want="${*:-kubeadm coredns}"
for b in $want; do
  case "$b" in
    kubeadm) kubeadm_ok || build "$GOBUILD/kubernetes" "$KIND_K8S_BIN/kubeadm" k8s.io/kubernetes/cmd/kubeadm "$(k8s_ldflags)"
             kubeadm_ok || die "kubeadm does not report v$K8S_VERSION" ;;
    coredns) coredns_ok || build "$GOBUILD/coredns" "$KIND_K8S_BIN/coredns" . "-s -w"
             coredns_ok || die "coredns does not report $COREDNS_VERSION: $("$KIND_K8S_BIN/coredns" -version 2>&1 | head -1)" ;;
    *) die "no recipe for $b" ;;
  esac
done
log "kind node binaries ready in $KIND_K8S_BIN ($want)"
echo "$KIND_K8S_BIN"
