#!/usr/bin/env bash
# kind's base image (what its images/base/Dockerfile makes), from local files only:
#   1. the Debian root of rootfs.sh, `docker import`ed as zeromesh.local/kind-debian:$DEBIAN_SUITE;
#   2. a Dockerfile FROM it that adds kind $KIND_VERSION's images/base/files (entrypoint, systemd
#      units, containerd config; from the kind module in Go's module cache) and the local cluster's
#      containerd $CONTAINERD_VERSION, ctr, runc shim and CNI plugins ($K8S_BIN, read only).
# Differences from kind's own base, for this machine: runc is Debian's; containerd's sandbox image
# is kubeadm's pause tag; restrict_oom_score_adj is on (this VM refuses oom_score_adj < 0, which
# kubelet asks for every pod sandbox: containerd clamps it to its own score instead).
# The image's tag carries a hash of everything that went in, so a rerun with the image present
# does nothing (seconds). Prints the image reference.
. "$(dirname "$0")/lib.sh"
docker info >/dev/null 2>&1 || die "no Docker engine answers (e2e/kind/docker.sh start)"
DEBIAN_IMAGE="zeromesh.local/kind-debian:$DEBIAN_SUITE"
rootfs="$("$KIND_NODE_DIR/rootfs.sh")"

if ! docker image inspect "$DEBIAN_IMAGE" >/dev/null 2>&1; then
  log "docker import $rootfs as $DEBIAN_IMAGE"
  docker import "$rootfs" "$DEBIAN_IMAGE" >&2
fi

for b in containerd ctr containerd-shim-runc-v2 cni/bridge cni/host-local cni/loopback cni/portmap; do
  [ -x "$K8S_BIN/$b" ] || die "missing $K8S_BIN/$b (make cluster-binaries)"
done
kind_dir="$(kind_module_dir)"
[ -d "$kind_dir/images/base/files" ] || die "no images/base/files in the kind module ($kind_dir)"

ctx="$(mktemp -d "$KIND_CACHE/base/context.XXXXXX")"
trap 'rm -rf "$ctx"' EXIT
cp -r "$kind_dir/images/base/files" "$ctx/files"
chmod -R u+w "$ctx/files"
rm -f "$ctx/files/etc/systemd/system/containerd-fuse-overlayfs.service"
conf="$ctx/files/etc/containerd/config.toml"
sed -i -e "s#sandbox_image = \"registry.k8s.io/pause:[^\"]*\"#sandbox_image = \"$REGISTRY/pause:$PAUSE_VERSION\"#" \
       -e 's#restrict_oom_score_adj = false#restrict_oom_score_adj = true#' "$conf"
grep -q "sandbox_image = \"$REGISTRY/pause:$PAUSE_VERSION\"" "$conf" || die "kind's containerd config has no sandbox_image line to set"
grep -q 'restrict_oom_score_adj = true' "$conf" || die "kind's containerd config has no restrict_oom_score_adj line to set"
mkdir -p "$ctx/files/usr/local/bin" "$ctx/files/opt/cni/bin"
for b in containerd ctr containerd-shim-runc-v2; do cp "$K8S_BIN/$b" "$ctx/files/usr/local/bin/"; done
for b in bridge host-local loopback portmap; do cp "$K8S_BIN/cni/$b" "$ctx/files/opt/cni/bin/"; done
cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $DEBIAN_IMAGE
COPY files/ /
RUN chmod 755 /kind /kind/bin /kind/bin/* /usr/local/bin/* /opt/cni/bin/* \\
 && find /etc/systemd/system /etc/containerd /etc/sysctl.d /etc/default /etc/crictl.yaml -type f -exec chmod 644 {} + \\
 && systemctl enable kubelet.service containerd.service undo-mount-hacks.service \\
 && systemctl mask systemd-binfmt.service \\
 && mkdir -p /etc/kubernetes/manifests \\
 && ctr oci spec \\
    | jq '.hooks.createContainer[.hooks.createContainer| length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' \\
    | jq 'del(.process.rlimits)' > /etc/containerd/cri-base.json \\
 && containerd --version && runc --version
ENV container=docker
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]
DOCKERFILE
hash="$( (cd "$ctx" && find . -type f -print0 | sort -z | xargs -0 sha256sum; docker image inspect -f '{{.Id}}' "$DEBIAN_IMAGE") | sha256sum | cut -c1-12)"
image="$BASE_IMAGE-$hash"
if docker image inspect "$image" >/dev/null 2>&1; then
  log "base image $image is there"
else
  start=$(date +%s)
  log "building base image $image"
  DOCKER_BUILDKIT=0 docker build -q -t "$image" "$ctx" >&2
  log "built $image in $(( $(date +%s) - start ))s"
fi
echo "$image"
