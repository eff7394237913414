#!/usr/bin/env bash
# The container images the kind node preloads, named exactly as kubeadm $K8S_VERSION and
# containerd's sandbox setting ask for them, each one layer of local files written by
# e2e/local-cluster/make-image.py (docker-archive tars, no daemon, no registry), into $IMAGES_DIR:
#   registry.k8s.io/kube-apiserver|kube-controller-manager|kube-scheduler:v$K8S_VERSION
#   registry.k8s.io/etcd:$ETCD_IMAGE_TAG   (etcd $ETCD_VERSION inside; the tag kubeadm 1.37 uses)
#   registry.k8s.io/coredns/coredns:v$COREDNS_VERSION (runs as root: upstream's nonroot user needs a
#     file capability for port 53, which these archives do not carry; the Deployment drops all
#     capabilities but NET_BIND_SERVICE)
#   registry.k8s.io/pause:$PAUSE_VERSION
# kube-proxy needs iptables and conntrack, so its image is the base image's Debian root plus
# kube-proxy, made by node.sh with docker. Idempotent: an archive is rewritten only when it is
# missing or older than its binary.
. "$(dirname "$0")/lib.sh"
mkdir -p "$IMAGES_DIR"
PATH_ENV="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# image NAME BINARY TAG [make-image.py arguments...]
image() {
  local name="$1" bin="$2" tag="$3"; shift 3
  local out="$IMAGES_DIR/$name.tar"
  [ -x "$bin" ] || die "missing $bin (make cluster-binaries; e2e/kind/node/binaries.sh)"
  if [ -s "$out" ] && [ "$out" -nt "$bin" ] && [ "$out" -nt "$0" ]; then return 0; fi
  /usr/bin/python3 "$LOCAL_CLUSTER/make-image.py" --tag "$tag" --out "$out" "$@" >&2
}

for c in kube-apiserver kube-controller-manager kube-scheduler; do
  image "$c" "$K8S_BIN/$c" "$REGISTRY/$c:v$K8S_VERSION" \
    --file "$K8S_BIN/$c:/usr/local/bin/$c:0755" --entrypoint "[\"/usr/local/bin/$c\"]" --env "$PATH_ENV"
done
image etcd "$K8S_BIN/etcd" "$REGISTRY/etcd:$ETCD_IMAGE_TAG" \
  --file "$K8S_BIN/etcd:/usr/local/bin/etcd:0755" --dir var/lib/etcd:0700 \
  --entrypoint '["/usr/local/bin/etcd"]' --env "$PATH_ENV"
image coredns "$KIND_K8S_BIN/coredns" "$REGISTRY/coredns/coredns:v$COREDNS_VERSION" \
  --file "$KIND_K8S_BIN/coredns:/coredns:0755" --entrypoint '["/coredns"]' --env "$PATH_ENV"
image pause "$K8S_BIN/pause" "$REGISTRY/pause:$PAUSE_VERSION" \
  --file "$K8S_BIN/pause:/pause:0755" --entrypoint '["/pause"]' --user 65535 --env "$PATH_ENV"
log "component images in $IMAGES_DIR"
echo "$IMAGES_DIR"
