#!/usr/bin/env bash
# The kind node image, assembled the way `kind build node-image` does it (docker run of the base
# image, docker cp of kubeadm/kubelet/kubectl into /usr/bin, /kind/version, the images imported
# into containerd's k8s.io namespace with kind's `ctr images import` flags, docker commit), but
# with every image from local files: kind's builder fetches etcd, CoreDNS, pause, kindnetd and
# local-path-provisioner with `ctr content fetch` from their registries, which this machine cannot
# reach (e2e/kind/README.md).
#   e2e/kind/node/node.sh [IMAGE]    build (or keep) IMAGE (default $NODE_IMAGE_DEFAULT); prints it
# Inputs: the local cluster's binaries ($K8S_BIN: kubelet, kubectl, kube-*, etcd, containerd, CNI,
# pause; `make cluster-binaries`), kubeadm and CoreDNS (binaries.sh), base.sh's image, images.sh's
# archives, files/ (the pod network's CNI config and kind's CNI manifest). The image carries a
# label with a hash of all of them; a rerun with the same inputs keeps it (seconds).
. "$(dirname "$0")/lib.sh"
image="${1:-$NODE_IMAGE_DEFAULT}"
docker info >/dev/null 2>&1 || die "no Docker engine answers (e2e/kind/docker.sh start)"
for b in kubelet kubectl kube-proxy kube-apiserver kube-controller-manager kube-scheduler etcd pause; do
  [ -x "$K8S_BIN/$b" ] || die "missing $K8S_BIN/$b (make cluster-binaries)"
done
"$KIND_NODE_DIR/binaries.sh" >/dev/null
"$KIND_NODE_DIR/images.sh" >/dev/null
base="$("$KIND_NODE_DIR/base.sh")"

# kube-proxy runs iptables, ip6tables and conntrack: its image is the Debian root plus kube-proxy.
proxy_tar="$IMAGES_DIR/kube-proxy.tar"
proxy_ref="$REGISTRY/kube-proxy:v$K8S_VERSION"
if ! [ -s "$proxy_tar" ] || ! [ "$proxy_tar" -nt "$K8S_BIN/kube-proxy" ]; then
  ctx="$(mktemp -d "$KIND_CACHE/base/proxy.XXXXXX")"
  cp "$K8S_BIN/kube-proxy" "$ctx/"
  printf 'FROM zeromesh.local/kind-debian:%s\nCOPY kube-proxy /usr/local/bin/kube-proxy\nENTRYPOINT ["/usr/local/bin/kube-proxy"]\n' "$DEBIAN_SUITE" >"$ctx/Dockerfile"
  log "building $proxy_ref"
  DOCKER_BUILDKIT=0 docker build -q -t "$proxy_ref" "$ctx" >&2
  rm -rf "$ctx"
  docker save -o "$proxy_tar.tmp" "$proxy_ref"
  mv "$proxy_tar.tmp" "$proxy_tar"
fi

archives="kube-apiserver kube-controller-manager kube-scheduler kube-proxy etcd coredns pause"
inputs="$( {
  docker image inspect -f '{{.Id}}' "$base"
  sha256sum "$K8S_BIN/kubelet" "$K8S_BIN/kubectl" "$KIND_K8S_BIN/kubeadm"
  for a in $archives; do sha256sum "$IMAGES_DIR/$a.tar"; done
  (cd "$KIND_NODE_DIR" && find files -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum node.sh)
} | sha256sum | cut -c1-16)"
if [ "$(docker image inspect -f '{{index .Config.Labels "zeromesh.inputs"}}' "$image" 2>/dev/null)" = "$inputs" ]; then
  log "node image $image is up to date (inputs $inputs)"
  echo "$image"; exit 0
fi

start=$(date +%s)
log "building node image $image from $base"
cid="kind-build-zeromesh-$$"
trap 'docker rm -f -v "$cid" >/dev/null 2>&1 || true' EXIT
docker run -d --name "$cid" --entrypoint=sleep --security-opt seccomp=unconfined --network none "$base" infinity >/dev/null
for b in "$KIND_K8S_BIN/kubeadm" "$K8S_BIN/kubelet" "$K8S_BIN/kubectl"; do
  docker cp "$b" "$cid:/usr/bin/$(basename "$b")"
done
docker exec "$cid" chown root:root /usr/bin/kubeadm /usr/bin/kubelet /usr/bin/kubectl
docker exec "$cid" chmod 755 /usr/bin/kubeadm /usr/bin/kubelet /usr/bin/kubectl
tar -C "$KIND_NODE_DIR/files" --owner=0 --group=0 -cf - . | docker exec -i "$cid" tar -C / -xf -
docker exec "$cid" sh -c "printf '%s' v$K8S_VERSION >/kind/version"
# The images kubeadm will ask for, against what is imported (kind's check, done here offline).
docker exec "$cid" kubeadm config images list --kubernetes-version "v$K8S_VERSION" >"$KIND_CACHE/base/kubeadm-images.txt"
docker exec "$cid" bash -c 'nohup containerd >/tmp/containerd.log 2>&1 &'
docker exec "$cid" bash -c 'for i in $(seq 1 40); do [ -S /run/containerd/containerd.sock ] && ctr version >/dev/null 2>&1 && exit 0; sleep 0.25; done; cat /tmp/containerd.log; exit 1'
for a in $archives; do
  docker exec -i "$cid" ctr --namespace=k8s.io images import --label=io.cri-containerd.pinned=pinned \
    --all-platforms --no-unpack --digests - <"$IMAGES_DIR/$a.tar" >/dev/null
done
imported="$(docker exec "$cid" ctr --namespace=k8s.io images list -q)"
missing=""
while read -r want; do
  grep -qx "$want" <<<"$imported" || missing="$missing $want"
done <"$KIND_CACHE/base/kubeadm-images.txt"
[ -z "$missing" ] || die "kubeadm v$K8S_VERSION wants images this build did not make:$missing"
docker exec "$cid" pkill containerd || true
# Gone once it is a zombie at most (the build container's PID 1, sleep, reaps nothing).
docker exec "$cid" bash -c 'for i in $(seq 1 40); do ps -C containerd -o stat= | grep -qv "^Z" || exit 0; sleep 0.25; done; exit 1'
docker exec "$cid" rm -rf /tmp/containerd.log /run/containerd
docker commit \
  --change 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]' \
  --change "LABEL zeromesh.inputs=$inputs" \
  "$cid" "$image" >/dev/null
log "node image $image built in $(( $(date +%s) - start ))s; images: $(tr '\n' ' ' <<<"$imported")"
echo "$image"
