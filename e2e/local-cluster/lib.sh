# Shared settings of the local-cluster scripts; sourced, never run.
# Everything lives outside the repository, under $ZEROMESH_CACHE, keyed by the Kubernetes version.

# The release the local cluster and kube-api-test run: gobuild/kubernetes/go.mod requires it (and
# the matching staging modules); build-binaries.sh checks that the two agree.
K8S_VERSION=1.37.2
# Its etcd (go.etcd.io/etcd/server/v3 in gobuild/kubernetes), containerd 2.x (gobuild/node), the
# sandbox image's pause (build/pause/Makefile's TAG of that release).
ETCD_VERSION=3.7.3
CONTAINERD_VERSION=2.4.2
PAUSE_VERSION=3.10.2
# Kubernetes 1.37's go.mod says go 1.26.0; the machine's Go must be at least that.
GO_MIN=1.26.0
# Stamped into the binaries' version info (no .git in a module zip: no commit or real date).
K8S_BUILD_DATE=2026-01-01T00:00:00Z

ZEROMESH_CACHE="${ZEROMESH_CACHE:-$HOME/.cache/zeromesh}"
K8S_DIR="$ZEROMESH_CACHE/k8s/$K8S_VERSION"
K8S_BIN="$K8S_DIR/bin"
# The layout fabric8 kube-api-test reads: $KUBE_API_TEST_DIR/k8s/<version>-linux-amd64/.
KUBE_API_TEST_DIR="$ZEROMESH_CACHE/kube-api-test"
KUBE_API_TEST_BIN="$KUBE_API_TEST_DIR/k8s/$K8S_VERSION-linux-amd64"

# The binaries build-binaries.sh produces; all must exist for the cache to count as complete.
K8S_COMPONENTS="kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy"
K8S_NODE_COMPONENTS="kube-controller-manager kube-scheduler kubelet kube-proxy"
RUNTIME_BINARIES="containerd containerd-shim-runc-v2 ctr cni/bridge cni/host-local cni/portmap cni/loopback"
CNI_BIN_DIR="$K8S_BIN/cni"

# The scripts run our kubectl, etcd, containerd and ctr (not the machine's) once they are built.
PATH="$K8S_BIN:$PATH"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---- Go ------------------------------------------------------------------------------------------
# The Go builds from modules (build-binaries.sh; e2e/kind/node/binaries.sh for kubeadm and CoreDNS):
# the machine's own Go (never a toolchain download), the module proxy for sources, static binaries.
# The caches are Go's defaults (shared with every other Go build of the machine) unless
# GOCACHE/GOMODCACHE say.

go_new_enough() {
  local have
  have="$("$1" env GOVERSION 2>/dev/null)" || return 1
  have="${have#go}"
  [ "$(printf '%s\n%s\n' "$GO_MIN" "$have" | sort -V | head -1)" = "$GO_MIN" ]
}

# Puts a Go >= $GO_MIN first on PATH and exports the build settings; dies without one. The
# project's machines have their Go in /usr/local/go; an older go first on PATH (Debian's
# golang-go 1.19, say) is passed over for it.
use_go() {
  if ! { command -v go >/dev/null 2>&1 && go_new_enough go; } && [ -x /usr/local/go/bin/go ]; then
    PATH="/usr/local/go/bin:$PATH"
  fi
  command -v go >/dev/null 2>&1 || die "no go on PATH (Go >= $GO_MIN is needed to build Kubernetes $K8S_VERSION)"
  go_new_enough go || die "$(go version) is too old: Kubernetes $K8S_VERSION needs Go >= $GO_MIN"
  export GOTOOLCHAIN=local GOFLAGS=-mod=readonly CGO_ENABLED=0
}

# Linker flags that make the Kubernetes binaries report their release like upstream's builds
# (hack/lib/version.sh); the module zip has no .git, so there is no commit to stamp.
k8s_ldflags() {
  local minor="${K8S_VERSION#*.}" p out="-s -w"
  minor="${minor%%.*}"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    out="$out -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    out="$out -X $p.gitTreeState=clean -X $p.buildDate=$K8S_BUILD_DATE"
  done
  echo "$out"
}

# go_build MODULE_DIR OUT PACKAGE [LDFLAGS]: one main package to OUT, by rename (a running copy
# keeps its inode), at nice $GO_BUILD_NICE (10; the kind node's extras use 19). Call use_go first.
go_build() {
  local mod="$1" out="$2" pkg="$3" ldflags="${4:--s -w}" start
  start=$(date +%s)
  log "building $(basename "$out") ($pkg)"
  mkdir -p "$(dirname "$out")"
  (cd "$mod" && nice -n "${GO_BUILD_NICE:-10}" go build -trimpath -ldflags "$ldflags" -o "$out.tmp" "$pkg")
  mv "$out.tmp" "$out"
  log "built $(basename "$out") in $(( $(date +%s) - start ))s"
}

require_root() {
  [ "$(id -u)" = 0 ] || die "must run as root (installs packages, creates interfaces)"
}

missing_packages() {
  local p out=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out="$out $p"
  done
  echo "$out"
}

# Installs Debian packages without letting their maintainer scripts start services (etcd-server
# would start a system etcd, containerd a system containerd).
apt_install() {
  local missing guard=false
  missing="$(missing_packages "$@")"
  [ -z "$missing" ] && return 0
  require_root
  log "installing Debian packages:$missing"
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# zeromesh local-cluster: no service starts during its installs\nexit 101\n' \
      > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    guard=true
  fi
  local rc=0
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2 || rc=$?
  if [ "$rc" != 0 ]; then
    # A stale package list: refresh once and retry.
    rc=0
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2 || rc=$?
  fi
  $guard && rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || die "apt-get install$missing failed"
}

# Debian packages the node needs (the control plane's are in build-binaries.sh).
NODE_PACKAGES="runc iptables conntrack dnsmasq-base busybox-static python3 openssl curl iproute2"

# ---- the local cluster --------------------------------------------------------------------------
# Persistent: PKI, configs, logs, containerd's content store (imported images survive down/up).
CLUSTER_DIR="$ZEROMESH_CACHE/local-cluster"
KUBECONFIG_OUT="$CLUSTER_DIR/kubeconfig"
PKI_DIR="$CLUSTER_DIR/pki"
CONF_DIR="$CLUSTER_DIR/config"
LOG_DIR="$CLUSTER_DIR/logs"
IMAGE_DIR="$CLUSTER_DIR/images"
CONTAINERD_ROOT="$CLUSTER_DIR/containerd"
KUBELET_ROOT="$CLUSTER_DIR/kubelet"
# Volatile: pids, sockets, etcd data, container state; removed by down.sh.
RUN_DIR="/run/zeromesh"
PID_DIR="$RUN_DIR/pids"
ETCD_DATA="$RUN_DIR/etcd"
CONTAINERD_STATE="$RUN_DIR/containerd"
CONTAINERD_SOCK="$RUN_DIR/containerd/containerd.sock"
CNI_CONF_DIR="$RUN_DIR/cni/net.d"
CNI_IPAM_DIR="$RUN_DIR/cni/ipam"
DNS_DIR="$RUN_DIR/dns"

NODE_NAME="zeromesh-node"
# The node's address lives on an interface of this machine only (a veth pair whose other end,
# NODE_IF_PEER, is unused): it exists nowhere else and traffic to it never leaves the machine.
NODE_IF="zm-node0"
NODE_IF_PEER="zm-node0p"
NODE_IP="${ZEROMESH_NODE_IP:-10.213.0.1}"
BRIDGE="zmbr0"
POD_CIDR="10.244.0.0/20"
SERVICE_CIDR="10.96.0.0/16"
KUBERNETES_SVC_IP="10.96.0.1"
CLUSTER_DOMAIN="cluster.local"
APISERVER_PORT=6443
# etcd on loopback only (pods can reach the node address), off the default 2379/2380.
ETCD_CLIENT_PORT=12379
ETCD_PEER_PORT=12380
APISERVER_URL="https://$NODE_IP:$APISERVER_PORT"

PAUSE_IMAGE="zeromesh.local/pause:$PAUSE_VERSION"
BUSYBOX_IMAGE="zeromesh.local/busybox:1.35"
# Our kubectl alone (static): smoke.sh's client of the API through the kubernetes Service. busybox
# 1.35's TLS offers only SHA-1 signatures, which Go >= 1.25 servers (kube-apiserver 1.37) refuse.
KUBECTL_IMAGE="zeromesh.local/kubectl:$K8S_VERSION"

# Sysctls the cluster changes (kubelet's kernel tunables, forwarding, bridge netfilter, kube-proxy's
# route_localnet); up.sh saves their values first and down.sh puts them back.
SAVED_SYSCTLS="net/ipv4/ip_forward net/bridge/bridge-nf-call-iptables net/ipv4/conf/all/route_localnet
vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys
kernel/keys/root_maxbytes"

# Serialises up.sh and down.sh (two `make cluster-up` at once, say); nested calls pass.
cluster_lock() {
  [ -n "${ZEROMESH_CLUSTER_LOCKED:-}" ] && return 0
  exec 9>/run/zeromesh.lock
  flock -w 600 9 || die "another up.sh/down.sh held /run/zeromesh.lock for 10 minutes"
  export ZEROMESH_CLUSTER_LOCKED=1
}

kubectl_admin() { kubectl --kubeconfig "$KUBECONFIG_OUT" "$@"; }

# pid of a component started by up.sh, if it still runs the binary it was started with.
component_pid() {
  local name="$1" pid
  [ -f "$PID_DIR/$name.pid" ] || return 1
  pid="$(cat "$PID_DIR/$name.pid")"
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  grep -qF "$(cat "$PID_DIR/$name.cmd" 2>/dev/null || echo "-no-cmd-")" "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

# start NAME BINARY ARGS...: runs the component in its own session, logging to $LOG_DIR/NAME.log.
start() {
  local name="$1"; shift
  mkdir -p "$PID_DIR" "$LOG_DIR"
  # Keep one previous log once it passes 20 MB.
  if [ "$(stat -c %s "$LOG_DIR/$name.log" 2>/dev/null || echo 0)" -gt 20000000 ]; then
    mv "$LOG_DIR/$name.log" "$LOG_DIR/$name.log.1"
  fi
  echo "$1" > "$PID_DIR/$name.cmd"
  echo "=== $(date -u +%FT%TZ) $*" >> "$LOG_DIR/$name.log"
  # The daemon inherits no descriptor but its log: not up.sh's lock (fd 9), nor the one of a
  # caller's `flock /tmp/zeromesh-cluster.lock make cluster-up`, which would otherwise stay locked
  # as long as the cluster runs.
  (
    for fd in /proc/self/fd/*; do
      fd="${fd##*/}"
      [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
    done
    exec setsid "$@" >> "$LOG_DIR/$name.log" 2>&1 < /dev/null
  ) &
  local pid=$! i
  echo "$pid" > "$PID_DIR/$name.pid"
  # Until the forked shell has exec'd, /proc/<pid>/cmdline is still the shell's and component_pid
  # would take the component for dead: wait for the exec (or the process's end).
  for i in $(seq 1 100); do
    grep -qF "$1" "/proc/$pid/cmdline" 2>/dev/null || [ ! -d "/proc/$pid" ] && break
    sleep 0.05
  done
}

# Polls a command until it succeeds or the bound (seconds) passes.
wait_for() {
  local what="$1" bound="$2"; shift 2
  local deadline=$(( $(date +%s) + bound ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || { log "timed out after ${bound}s waiting for $what"; return 1; }
    sleep 0.5
  done
}

# Components in start order; down.sh stops them in reverse.
COMPONENTS="etcd kube-apiserver kube-controller-manager kube-scheduler containerd dnsmasq dns-watcher kubelet kube-proxy"
