# Shared settings of the node-image build (e2e/kind/node/); sourced, not run.
# Everything built lives under $KIND_CACHE (outside the repository), keyed by version, so each step
# is done once and a rerun only checks what is there.
set -euo pipefail
KIND_NODE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$KIND_NODE_DIR/../../.." && pwd)"
LOCAL_CLUSTER="$REPO_ROOT/e2e/local-cluster"
# The local cluster's versions and its binary cache (read only here: never rebuilt or written).
. "$LOCAL_CLUSTER/lib.sh"
KIND_VERSION=v0.33.0
KIND_CACHE="$ZEROMESH_CACHE/kind"
# Binaries the local cluster does not build (kubeadm, CoreDNS), in a directory of their own.
KIND_K8S_BIN="$KIND_CACHE/k8s/$K8S_VERSION/bin"
# The Debian root of the base image, and the component image archives.
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ROOTFS_TAR="$KIND_CACHE/base/rootfs-$DEBIAN_SUITE.tar"
IMAGES_DIR="$KIND_CACHE/images/$K8S_VERSION"
# kubeadm 1.37's expectations (cmd/kubeadm/app/constants): etcd's tag is kubeadm's default for
# 1.37 (3.7.0-0) although the binary inside is the local cluster's etcd $ETCD_VERSION; CoreDNS
# $COREDNS_VERSION is kubeadm's CoreDNSVersion, built from its Go module.
ETCD_IMAGE_TAG=3.7.0-0
COREDNS_VERSION=1.14.6
REGISTRY=registry.k8s.io
# The images this build makes, by the names kubeadm and containerd's sandbox setting look for.
BASE_IMAGE="zeromesh.local/kind-base:$DEBIAN_SUITE-containerd$CONTAINERD_VERSION"
NODE_IMAGE_DEFAULT="zeromesh.local/kind-node:v$K8S_VERSION"
# The base image's packages (kind's images/base/Dockerfile, less NFS/iSCSI storage tooling, plus
# Debian's runc instead of a source build and socat/ebtables for kubelet and CNI).
BASE_PACKAGES="systemd,conntrack,iptables,nftables,iproute2,ethtool,util-linux,mount,kmod,libseccomp2,pigz,bash,ca-certificates,curl,jq,procps,runc,e2fsprogs,socat"

# The kind module's source (images/base/files: entrypoint, systemd units), from the module cache.
kind_module_dir() {
  use_go
  (cd /tmp && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/kind@$KIND_VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
}

