# Sourced by the image checks (broker-image/image/check-image.sh, operator/image/check-image.sh):
# a containerd of their own, with socket, root and state under a fresh /tmp directory, so it never
# meets another containerd on the machine (a local cluster's, the system's). Needs root and a
# `die` function in the caller.
#
#   pc_start NAME          starts it; sets WORK, SOCK, SNAPSHOTTER; removes everything at exit
#   pc_import ARCHIVE REF  imports an image archive into namespace k8s.io and checks REF is there
#   PC_CONTAINERS+=(name)  a container to kill and remove at exit
#   "$WORK/tmp"            what an emptyDir is: a host directory anyone in the container may write

PC_CONTAINERS=()
CONTAINERD_PID=

pc_cleanup() {
  if [ -n "$CONTAINERD_PID" ]; then
    local c
    for c in "${PC_CONTAINERS[@]}"; do
      ctr -a "$SOCK" -n k8s.io tasks kill -s SIGKILL "$c" >/dev/null 2>&1 || true
      # A killed task takes a moment to stop; delete it once it has.
      for _ in $(seq 1 20); do
        ctr -a "$SOCK" -n k8s.io tasks delete "$c" >/dev/null 2>&1 && break
        ctr -a "$SOCK" -n k8s.io tasks ls -q 2>/dev/null | grep -qx "$c" || break
        sleep 0.5
      done
      ctr -a "$SOCK" -n k8s.io containers delete "$c" >/dev/null 2>&1 || true
    done
    kill "$CONTAINERD_PID" 2>/dev/null || true
    wait "$CONTAINERD_PID" 2>/dev/null || true
  fi
  # Snapshots may still be mounted if containerd died hard; unmount before removing.
  grep -o " $WORK/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$WORK"
}

pc_start() {
  WORK=$(mktemp -d "/tmp/$1.XXXXXX")
  SOCK=$WORK/containerd.sock
  trap pc_cleanup EXIT
  mkdir -m 1777 "$WORK/tmp"
  cat >"$WORK/config.toml" <<TOML
version = 2
root = "$WORK/root"
state = "$WORK/state"
# Only what \`ctr run\` needs; the CRI plugin would compete with a cluster's containerd.
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$WORK/containerd-ttrpc.sock"
[debug]
  address = ""
[metrics]
  address = ""
TOML
  containerd --config "$WORK/config.toml" >"$WORK/containerd.log" 2>&1 &
  CONTAINERD_PID=$!
  for _ in $(seq 1 50); do
    ctr -a "$SOCK" version >/dev/null 2>&1 && break
    kill -0 "$CONTAINERD_PID" 2>/dev/null || { cat "$WORK/containerd.log" >&2; die "containerd did not start"; }
    sleep 0.2
  done
  ctr -a "$SOCK" version >/dev/null 2>&1 || die "containerd did not answer on $SOCK"
  # overlayfs where the kernel allows it (also inside containers), else plain copies.
  SNAPSHOTTER=overlayfs
  ctr -a "$SOCK" plugins ls 2>/dev/null | grep -Eq 'snapshotter.*overlayfs.*ok' || SNAPSHOTTER=native
}

pc_import() {
  local archive=$1 ref=$2
  echo "check-image: importing $archive into namespace k8s.io ($SNAPSHOTTER snapshotter)"
  ctr -a "$SOCK" -n k8s.io images import --snapshotter "$SNAPSHOTTER" "$archive" >/dev/null
  ctr -a "$SOCK" -n k8s.io images ls -q | grep -qx "$ref" \
    || die "the archive does not hold $ref: $(ctr -a "$SOCK" -n k8s.io images ls -q | tr '\n' ' ')"
}
