#!/usr/bin/env bash
# A Docker engine for kind on a machine that has none running (Debian's docker.io), and its clean
# removal, so that a machine that otherwise never runs Docker (CI, the local cluster) is left as it
# was. Run as root.
#   e2e/kind/docker.sh start     install docker.io if missing, start dockerd (no-op if it answers)
#   e2e/kind/docker.sh stop      stop the dockerd this script started; remove the bridges, iptables
#                                chains and FORWARD policy it left; put back the sysctls it changed
#   e2e/kind/docker.sh status
# dockerd listens on its own socket, $ZEROMESH_DOCKER_HOST (unix:///run/zeromesh-docker.sock), not
# Docker's default one: `make e2e` picks kind when `docker info` answers, and on the shared machines
# everybody else's `make e2e` must keep taking the local cluster while this one runs. The scripts
# that use it export DOCKER_HOST=$ZEROMESH_DOCKER_HOST (offline.sh does; by hand:
# `export DOCKER_HOST=unix:///run/zeromesh-docker.sock`).
# dockerd sets the iptables FORWARD policy to DROP and adds its DOCKER* chains; `stop` undoes both
# (the local cluster also accepts its own bridge in ZEROMESH-FORWARD, so it works either way).
# Its networks (docker0 172.17.0.0/16, kind's 172.18.0.0/16) do not overlap the local cluster's
# (node 10.213.0.1, pods 10.244.0.0/20, Services 10.96.0.0/16, e2e/local-cluster/lib.sh).
set -euo pipefail
source "$(dirname "$0")/env.sh"
STATE="$ZEROMESH_CACHE/kind/docker"
PIDFILE=/run/zeromesh-dockerd.pid
ZEROMESH_DOCKER_HOST=unix:///run/zeromesh-docker.sock
export DOCKER_HOST="$ZEROMESH_DOCKER_HOST"
SYSCTLS="net/ipv4/ip_forward net/bridge/bridge-nf-call-iptables net/bridge/bridge-nf-call-ip6tables"
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "docker: $*" >&2; }

ours_running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start() {
  if docker info >/dev/null 2>&1; then log "dockerd already answers on $DOCKER_HOST"; return 0; fi
  if env -u DOCKER_HOST docker info >/dev/null 2>&1; then
    log "a Docker engine answers on the default socket: use it (unset DOCKER_HOST), not a second dockerd"; exit 1
  fi
  [ "$(id -u)" = 0 ] || { log "must run as root"; exit 1; }
  if ! command -v dockerd >/dev/null; then
    log "installing Debian's docker.io (its services are not started: policy-rc.d)"
    local guard=false
    if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; guard=true; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >&2 \
      || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >&2; }
    $guard && rm -f /usr/sbin/policy-rc.d
  fi
  mkdir -p "$STATE"
  # What stop puts back.
  iptables -S FORWARD | sed -n 's/^-P FORWARD //p' >"$STATE/forward-policy"
  : >"$STATE/sysctls"
  local s
  for s in $SYSCTLS; do [ -f "/proc/sys/$s" ] && echo "$s $(cat "/proc/sys/$s")" >>"$STATE/sysctls"; done
  # kind bind-mounts /lib/modules into its nodes; docker creates it when missing (this VM has none).
  if [ -e /lib/modules ]; then rm -f "$STATE/no-lib-modules"; else touch "$STATE/no-lib-modules"; fi
  # Its runc: docker-runc.sh (drops the capabilities this VM's root lacks from each container).
  install -m 755 "$(dirname "$0")/docker-runc.sh" "$STATE/docker-runc.sh"
  log "starting dockerd (log $STATE/dockerd.log)"
  # This VM refuses oom_score_adj < 0: --oom-score-adjust=0 keeps dockerd from asking.
  # The daemon inherits no descriptor but its log (not a caller's flock).
  (
    for fd in /proc/self/fd/*; do fd="${fd##*/}"; [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null; done
    exec setsid dockerd -H "$ZEROMESH_DOCKER_HOST" --oom-score-adjust=0 --pidfile "$PIDFILE" \
      --add-runtime "zeromesh-runc=$STATE/docker-runc.sh" --default-runtime zeromesh-runc >>"$STATE/dockerd.log" 2>&1 </dev/null
  ) &
  local i
  for i in $(seq 1 120); do
    docker info >/dev/null 2>&1 && { log "dockerd $(docker version -f '{{.Server.Version}}') up, storage $(docker info -f '{{.Driver}}'), cgroup $(docker info -f '{{.CgroupVersion}}')"; return 0; }
    sleep 0.5
  done
  log "dockerd did not answer in 60 s; see $STATE/dockerd.log"; tail -20 "$STATE/dockerd.log" >&2; exit 1
}

stop() {
  if ! ours_running; then
    docker info >/dev/null 2>&1 && { log "a Docker engine on $DOCKER_HOST that this script did not start; leaving it"; return 0; }
    log "no dockerd of ours runs"
  else
    local pid; pid="$(cat "$PIDFILE")"
    log "stopping dockerd $pid"
    kill "$pid"
    local i; for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { log "dockerd $pid still runs after 30 s; killing it"; kill -9 "$pid"; }
  fi
  cleanup
}

# Removes what dockerd leaves behind when it stops: its bridges, iptables rules and chains, the
# FORWARD policy; puts back the sysctls. Touches only docker's names (docker0, br-<id>, DOCKER*).
cleanup() {
  local t line link
  for t in filter nat; do
    iptables -t "$t" -S 2>/dev/null | grep -E '^-A ' | grep -E 'DOCKER|docker0| br-[0-9a-f]{12}' | grep -v '^-A DOCKER' \
      | while read -r line; do eval "iptables -t $t ${line/-A /-D }" 2>/dev/null || true; done
    for line in $(iptables -t "$t" -S 2>/dev/null | sed -n 's/^-N \(DOCKER[A-Z0-9-]*\)$/\1/p'); do
      iptables -t "$t" -F "$line" 2>/dev/null || true
    done
    for line in $(iptables -t "$t" -S 2>/dev/null | sed -n 's/^-N \(DOCKER[A-Z0-9-]*\)$/\1/p'); do
      iptables -t "$t" -X "$line" 2>/dev/null || true
    done
  done
  for link in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E '^(docker0|br-[0-9a-f]{12})$' || true); do
    ip link delete "$link" 2>/dev/null || true
  done
  if [ -s "$STATE/forward-policy" ]; then
    iptables -P FORWARD "$(cat "$STATE/forward-policy")"
  fi
  if [ -s "$STATE/sysctls" ] && [ ! -d /run/zeromesh ]; then
    local s v
    while read -r s v; do echo "$v" >"/proc/sys/$s" 2>/dev/null || true; done <"$STATE/sysctls"
  fi
  if [ -f "$STATE/no-lib-modules" ]; then rmdir /lib/modules 2>/dev/null || true; fi
  rm -f "$STATE/forward-policy" "$STATE/sysctls" "$STATE/no-lib-modules"
  log "cleaned up: FORWARD policy $(iptables -S FORWARD | sed -n 's/^-P FORWARD //p'), no DOCKER chains, no docker bridges"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if docker info >/dev/null 2>&1; then docker version -f 'dockerd {{.Server.Version}}'; else echo "no Docker engine answers"; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
