#!/usr/bin/env bash
# Stops everything up.sh started (pods, kubelet, kube-proxy, containerd and its shims, DNS, the
# control plane, etcd) and removes what it made on the host: pod network namespaces, mounts, the
# bridge and node interfaces, iptables rules, changed sysctls, and the volatile state under
# /run/zeromesh. Kept for the next up: certificates, configs, logs, imported images.
# Safe to run when nothing is up.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
require_root

# stop NAME...: SIGTERM to each at once, SIGKILL to any still running 10s later.
stop() {
  local name pid pids="" names="" running deadline=$(( $(date +%s) + 10 ))
  for name in "$@"; do
    if pid="$(component_pid "$name")"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids="$pids $pid"; names="$names $name"
    fi
  done
  while [ "$(date +%s)" -lt "$deadline" ]; do
    running=false
    for pid in $pids; do [ -d "/proc/$pid" ] && running=true; done
    $running || break
    sleep 0.2
  done
  for pid in $pids; do
    if [ -d "/proc/$pid" ]; then
      log "pid $pid ignored SIGTERM for 10s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  if [ -n "$names" ]; then log "stopped$names"; fi
  for name in "$@"; do rm -f "$PID_DIR/$name.pid" "$PID_DIR/$name.cmd"; done
}

ctr_k8s() { ctr --address "$CONTAINERD_SOCK" -n k8s.io "$@"; }

# Kills and removes every container of the cluster; remembers the pods' network namespaces and
# log directories, which the CRI would have removed had kubelet torn the pods down.
remove_containers() {
  if ! component_pid containerd >/dev/null; then
    # A cluster killed without down.sh leaves containers (mounts, network namespaces) that only
    # containerd can enumerate: start it for the clean-up.
    [ -d "$CONTAINERD_ROOT/root" ] && [ -f "$CONF_DIR/containerd.toml" ] || return 0
    log "starting containerd to remove what a killed cluster left"
    mkdir -p "$CONTAINERD_STATE"
    start containerd "$K8S_BIN/containerd" --config "$CONF_DIR/containerd.toml"
    wait_for "containerd" 30 ctr --address "$CONTAINERD_SOCK" version || return 0
  fi
  local ids id info
  ids="$(ctr_k8s containers ls -q 2>/dev/null || true)"
  [ -z "$ids" ] && return 0
  log "removing $(wc -w <<<"$ids") containers"
  for id in $ids; do
    info="$(ctr_k8s containers info "$id" 2>/dev/null || true)"
    grep -o '"/var/run/netns/cni-[0-9a-f-]*"' <<<"$info" | tr -d '"' >> "$RUN_DIR/netns.remove" || true
    grep -o '"io.kubernetes.pod.uid": *"[0-9a-f-]*"' <<<"$info" | sed 's/.*"\([0-9a-f-]*\)"$/\1/' >> "$RUN_DIR/pods.removed" || true
    echo "$id" >> "$RUN_DIR/containers.removed"
    ctr_k8s tasks kill -a -s SIGKILL "$id" >/dev/null 2>&1 || true
  done
  for id in $ids; do
    ctr_k8s tasks delete -f "$id" >/dev/null 2>&1 || true
    ctr_k8s containers delete "$id" >/dev/null 2>&1 || true
  done
}

# Shims of our containerd outlive it when a task could not be deleted.
kill_shims() {
  local p
  for p in /proc/[0-9]*; do
    [[ "$(cat "$p/comm" 2>/dev/null)" == containerd-shim* ]] || continue
    if tr '\0' ' ' < "$p/cmdline" 2>/dev/null | grep -qF -- "-address $CONTAINERD_SOCK"; then
      log "killing leftover shim ${p#/proc/}"
      kill -KILL "${p#/proc/}" 2>/dev/null || true
    fi
  done
}

remove_netns() {
  [ -f "$RUN_DIR/netns.remove" ] || return 0
  local ns
  for ns in $(sort -u "$RUN_DIR/netns.remove"); do
    [ -e "$ns" ] || continue
    umount "$ns" 2>/dev/null || true
    rm -f "$ns"
  done
}

# Unmounts, deepest first, everything mounted under our directories (secrets, emptyDirs,
# container root filesystems, network namespace handles).
unmount_under() {
  local root mnt
  for root in "$@"; do
    awk -v r="$root" '$5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo \
      | sort -r | while read -r mnt; do umount -l "$mnt" 2>/dev/null || true; done
  done
}

# Removes iptables rules and chains made by kubelet, kube-proxy, the CNI plugins and up.sh. Only
# this cluster runs kubelet and kube-proxy on this machine, so KUBE-* and CNI-* chains are ours.
clean_iptables() {
  command -v iptables >/dev/null 2>&1 || return 0
  "$K8S_BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
  local table rule chain
  for table in filter nat mangle; do
    while read -r rule; do
      eval "iptables -w -t $table -D ${rule#-A }" 2>/dev/null || true
    done < <(iptables-save -t "$table" 2>/dev/null \
      | grep -E '^-A (INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING) .*-j (KUBE-|CNI-|ZEROMESH-)' || true)
    for chain in $(iptables-save -t "$table" 2>/dev/null | sed -n 's/^:\(\(KUBE\|CNI\|ZEROMESH\)-[^ ]*\) .*/\1/p'); do
      iptables -w -t "$table" -F "$chain" 2>/dev/null || true
    done
    for chain in $(iptables-save -t "$table" 2>/dev/null | sed -n 's/^:\(\(KUBE\|CNI\|ZEROMESH\)-[^ ]*\) .*/\1/p'); do
      iptables -w -t "$table" -X "$chain" 2>/dev/null || true
    done
  done
}

restore_sysctls() {
  [ -f "$RUN_DIR/sysctl.saved" ] || return 0
  local key value
  while read -r key value; do
    [ -w "/proc/sys/$key" ] && echo "$value" > "/proc/sys/$key" 2>/dev/null || true
  done < "$RUN_DIR/sysctl.saved"
}

remove_pod_logs() {
  [ -f "$RUN_DIR/pods.removed" ] || return 0
  local uid
  for uid in $(sort -u "$RUN_DIR/pods.removed"); do
    rm -rf /var/log/pods/*_"$uid"
  done
  find /var/log/containers -maxdepth 1 -xtype l -delete 2>/dev/null || true
}

# libcni's cached results for our sandboxes (networks "zeromesh" and containerd's "cni-loopback").
remove_cni_cache() {
  [ -f "$RUN_DIR/containers.removed" ] || return 0
  local id
  for id in $(sort -u "$RUN_DIR/containers.removed"); do
    rm -f /var/lib/cni/results/zeromesh-"$id"-* /var/lib/cni/results/cni-loopback-"$id"-*
  done
}

main() {
  cluster_lock
  mkdir -p "$RUN_DIR"
  stop kubelet kube-proxy
  remove_containers
  stop containerd
  kill_shims
  remove_netns
  unmount_under "$KUBELET_ROOT" "$CONTAINERD_ROOT" "$RUN_DIR"
  stop dns-watcher dnsmasq kube-scheduler kube-controller-manager kube-apiserver
  stop etcd
  clean_iptables
  ip link del "$BRIDGE" 2>/dev/null || true
  ip link del "$NODE_IF" 2>/dev/null || true
  restore_sysctls
  remove_pod_logs
  remove_cni_cache
  rm -rf "$KUBELET_ROOT" "$RUN_DIR"
  log "local cluster down"
}

main "$@"
