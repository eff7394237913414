#!/usr/bin/env bash
# Brings up the local single-node cluster from the cached binaries (building them first when
# missing), waits until the node is Ready and a pod runs, and prints the admin kubeconfig's path on
# stdout (everything else goes to stderr). Idempotent: when the cluster is up it says so.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
require_root

# Bounds (seconds) for each wait.
: "${UP_TIMEOUT_API:=90}" "${UP_TIMEOUT_NODE:=120}" "${UP_TIMEOUT_POD:=90}"

t0=$(date +%s)
step() { log "[$(( $(date +%s) - t0 ))s] $*"; }

cluster_healthy() {
  local c
  for c in $COMPONENTS; do component_pid "$c" >/dev/null || return 1; done
  kubectl_admin get --raw /readyz >/dev/null 2>&1 || return 1
  [ "$(kubectl_admin get node "$NODE_NAME" \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}

any_component_running() {
  local c
  for c in $COMPONENTS; do component_pid "$c" >/dev/null && return 0; done
  return 1
}

# Fails (and shows the log's tail) when a component died while we waited for it.
alive() {
  component_pid "$1" >/dev/null && return 0
  log "$1 exited; last lines of $LOG_DIR/$1.log:"
  tail -n 20 "$LOG_DIR/$1.log" >&2 || true
  return 1
}
wait_component() {
  local name="$1" what="$2" bound="$3"; shift 3
  local deadline=$(( $(date +%s) + bound ))
  until "$@" >/dev/null 2>&1; do
    alive "$name" || die "$name did not start"
    [ "$(date +%s)" -lt "$deadline" ] || { tail -n 20 "$LOG_DIR/$name.log" >&2; die "timed out after ${bound}s waiting for $what"; }
    sleep 0.5
  done
}

save_sysctls() {
  [ -f "$RUN_DIR/sysctl.saved" ] && return 0
  local s
  for s in $SAVED_SYSCTLS; do
    [ -f "/proc/sys/$s" ] && echo "$s $(cat "/proc/sys/$s")"
  done > "$RUN_DIR/sysctl.saved"
}

host_network() {
  mkdir -p "$RUN_DIR"
  save_sysctls
  # A veth pair (this kernel has no dummy links): the node address on one end, the other end only
  # keeps the carrier up. Neither is connected to anything.
  if ! ip link show "$NODE_IF" >/dev/null 2>&1; then
    ip link add "$NODE_IF" type veth peer name "$NODE_IF_PEER"
  fi
  ip addr replace "$NODE_IP/32" dev "$NODE_IF"
  ip link set "$NODE_IF_PEER" up
  ip link set "$NODE_IF" up
  echo 1 > /proc/sys/net/ipv4/ip_forward
  [ -f /proc/sys/net/bridge/bridge-nf-call-iptables ] || modprobe br_netfilter 2>/dev/null || true
  [ -f /proc/sys/net/bridge/bridge-nf-call-iptables ] \
    || die "no bridge netfilter (br_netfilter): pod-to-Service traffic on the bridge would not be translated"
  # Service traffic between two pods on the bridge must pass iptables for kube-proxy's DNAT.
  echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables
  # A FORWARD policy of DROP (dockerd sets one) would block pod traffic: accept the bridge.
  iptables -w -N ZEROMESH-FORWARD 2>/dev/null || iptables -w -F ZEROMESH-FORWARD
  # A Service IP that kube-proxy has not translated yet (a client connecting the moment its Service
  # appears) would leave by the default route and its SYN would hang for minutes: refuse it at
  # once, so the client's reconnect finds the rule. Translated packets carry the pod's address here.
  iptables -w -A ZEROMESH-FORWARD -d "$SERVICE_CIDR" -p tcp -j REJECT --reject-with tcp-reset
  iptables -w -A ZEROMESH-FORWARD -d "$SERVICE_CIDR" -j REJECT --reject-with icmp-port-unreachable
  iptables -w -A ZEROMESH-FORWARD -i "$BRIDGE" -j ACCEPT
  iptables -w -A ZEROMESH-FORWARD -o "$BRIDGE" -j ACCEPT
  iptables -w -C FORWARD -j ZEROMESH-FORWARD 2>/dev/null || iptables -w -I FORWARD 1 -j ZEROMESH-FORWARD
}

write_configs() {
  mkdir -p "$CONF_DIR" "$CNI_CONF_DIR" "$CNI_IPAM_DIR" "$KUBELET_ROOT" "$CONTAINERD_ROOT" "$DNS_DIR"
  # Helpers the running cluster uses, copied out of the work tree: a checkout that changes or
  # disappears while the cluster runs must not take them away.
  install -m 755 "$here/runc-wrapper.sh" "$CONF_DIR/runc-wrapper.sh.tmp"
  mv "$CONF_DIR/runc-wrapper.sh.tmp" "$CONF_DIR/runc-wrapper.sh"
  install -m 755 "$here/dns-watcher.py" "$CONF_DIR/dns-watcher.py"
  cat > "$CONF_DIR/containerd.toml" <<CONF
# containerd $CONTAINERD_VERSION of the ZeroMesh local cluster: its own socket, root and state,
# never the system's.
version = 3
root = "$CONTAINERD_ROOT/root"
state = "$CONTAINERD_STATE"
oom_score = 0

[grpc]
  address = "$CONTAINERD_SOCK"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"

  # The sandbox image, pinned: kubelet's image garbage collection never removes it.
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "$PAUSE_IMAGE"

[plugins."io.containerd.cri.v1.runtime"]
  enable_selinux = false
  max_container_log_line_size = 16384

  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"

    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = "$CONF_DIR/runc-wrapper.sh"
        Root = "$RUN_DIR/runc"
        SystemdCgroup = false

  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["$CNI_BIN_DIR"]
    conf_dir = "$CNI_CONF_DIR"
    max_conf_num = 1

[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"

# No NRI plugins here, and no socket under the system's /var/run/nri.
[plugins."io.containerd.nri.v1.nri"]
  disable = true
CONF

  cat > "$CNI_CONF_DIR/10-zeromesh.conflist" <<CONF
{
  "cniVersion": "1.0.0",
  "name": "zeromesh",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$POD_CIDR" }]],
        "routes": [{ "dst": "0.0.0.0/0" }],
        "dataDir": "$CNI_IPAM_DIR"
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
CONF

  # Pods' resolver: the cluster DNS only (also for dnsPolicy Default).
  printf 'nameserver %s\n' "$NODE_IP" > "$CONF_DIR/resolv.conf"

  cat > "$CONF_DIR/kubelet.yaml" <<CONF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $PKI_DIR/kubelet-serving.crt
tlsPrivateKeyFile: $PKI_DIR/kubelet-serving.key
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $PKI_DIR/ca.crt
authorization:
  mode: Webhook
# Every image in the node's status (default: the 50 largest), so the e2e suite's check that the
# node holds this build's images never misses one on a node that kept many builds.
nodeStatusMaxImages: -1
# What works on this VM (cgroup v1, no systemd, no swap accounting). Kubelets since 1.35 refuse
# cgroup v1 unless failCgroupV1 is false (the VM mounts only v1 hierarchies).
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupsPerQOS: false
enforceNodeAllocatable: []
failSwapOn: false
clusterDomain: $CLUSTER_DOMAIN
clusterDNS:
  - $NODE_IP
resolvConf: $CONF_DIR/resolv.conf
volumePluginDir: $KUBELET_ROOT/volume-plugins
# Images come only from archives imported by hand: never garbage-collect them.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  imagefs.available: 1%
serializeImagePulls: false
maxPods: 110
CONF

  cat > "$CONF_DIR/kube-proxy.yaml" <<CONF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: $CONF_DIR/kube-proxy.kubeconfig
mode: iptables
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
oomScoreAdj: 0
# 0: leave the host's conntrack sysctls as they are.
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
CONF
}

start_etcd() {
  mkdir -p "$ETCD_DATA"
  chmod 700 "$ETCD_DATA"
  start etcd "$K8S_BIN/etcd" --name zeromesh --data-dir "$ETCD_DATA" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "zeromesh=http://127.0.0.1:$ETCD_PEER_PORT" \
    --listen-metrics-urls "" --log-level warn
  wait_component etcd "etcd health" 30 curl -fsS "http://127.0.0.1:$ETCD_CLIENT_PORT/health"
}

start_apiserver() {
  start kube-apiserver "$K8S_BIN/kube-apiserver" \
    --advertise-address "$NODE_IP" --bind-address "$NODE_IP" --secure-port "$APISERVER_PORT" \
    --cert-dir "$RUN_DIR/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --tls-cert-file "$PKI_DIR/apiserver.crt" --tls-private-key-file "$PKI_DIR/apiserver.key" \
    --client-ca-file "$PKI_DIR/ca.crt" \
    --kubelet-client-certificate "$PKI_DIR/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$PKI_DIR/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$PKI_DIR/ca.crt" \
    --kubelet-preferred-address-types InternalIP \
    --service-account-issuer "https://kubernetes.default.svc.$CLUSTER_DOMAIN" \
    --service-account-key-file "$PKI_DIR/sa.pub" \
    --service-account-signing-key-file "$PKI_DIR/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --proxy-client-cert-file "$PKI_DIR/front-proxy-client.crt" \
    --proxy-client-key-file "$PKI_DIR/front-proxy-client.key" \
    --requestheader-client-ca-file "$PKI_DIR/ca.crt" --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --authorization-mode Node,RBAC \
    --enable-admission-plugins NodeRestriction \
    --profiling=false --event-ttl 1h --v 1
  wait_component kube-apiserver "kube-apiserver /readyz" "$UP_TIMEOUT_API" kubectl_admin get --raw /readyz
}

start_controllers() {
  start kube-controller-manager "$K8S_BIN/kube-controller-manager" \
    --kubeconfig "$CONF_DIR/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig "$CONF_DIR/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig "$CONF_DIR/kube-controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 10257 --cert-dir "$RUN_DIR/kube-controller-manager" \
    --service-account-private-key-file "$PKI_DIR/sa.key" --root-ca-file "$PKI_DIR/ca.crt" \
    --use-service-account-credentials \
    --cluster-signing-cert-file "$PKI_DIR/ca.crt" --cluster-signing-key-file "$PKI_DIR/ca.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --cluster-name zeromesh \
    --controllers '*' --leader-elect=false --profiling=false --v 1
  start kube-scheduler "$K8S_BIN/kube-scheduler" \
    --kubeconfig "$CONF_DIR/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig "$CONF_DIR/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig "$CONF_DIR/kube-scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 10259 --cert-dir "$RUN_DIR/kube-scheduler" \
    --leader-elect=false --profiling=false --v 1
}

# The pause and busybox images, made from this machine's files (no registry).
ensure_images() {
  mkdir -p "$IMAGE_DIR"
  if [ ! -f "$IMAGE_DIR/pause.tar" ] || [ "$K8S_BIN/pause" -nt "$IMAGE_DIR/pause.tar" ]; then
    /usr/bin/python3 "$here/make-image.py" --tag "$PAUSE_IMAGE" --out "$IMAGE_DIR/pause.tar" \
      --file "$K8S_BIN/pause:/pause:0755" --entrypoint '["/pause"]' --user 65535:65535
  fi
  if [ ! -f "$IMAGE_DIR/kubectl.tar" ] || [ "$K8S_BIN/kubectl" -nt "$IMAGE_DIR/kubectl.tar" ]; then
    /usr/bin/python3 "$here/make-image.py" --tag "$KUBECTL_IMAGE" --out "$IMAGE_DIR/kubectl.tar" \
      --file "$K8S_BIN/kubectl:/kubectl:0755" --entrypoint '["/kubectl"]' --user 65532:65532
  fi
  if [ ! -f "$IMAGE_DIR/busybox.tar" ] || [ /bin/busybox -nt "$IMAGE_DIR/busybox.tar" ]; then
    local args=() applet etc
    etc="$(mktemp -d)"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\nnonroot:x:65532:65532:nonroot:/home/nonroot:/bin/false\n' > "$etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\nnonroot:x:65532:\n' > "$etc/group"
    for applet in $(/bin/busybox --list); do
      [ "$applet" = busybox ] || args+=(--symlink "/bin/$applet:busybox")
    done
    /usr/bin/python3 "$here/make-image.py" --tag "$BUSYBOX_IMAGE" --out "$IMAGE_DIR/busybox.tar" \
      --file /bin/busybox:/bin/busybox:0755 --file "$etc/passwd:/etc/passwd:0644" \
      --file "$etc/group:/etc/group:0644" --dir tmp:1777 --dir home/nonroot:0755 \
      --cmd '["sh"]' "${args[@]}"
    rm -rf "$etc"
  fi
}

ctr_k8s() { ctr --address "$CONTAINERD_SOCK" -n k8s.io "$@"; }

start_containerd() {
  mkdir -p "$CONTAINERD_STATE"
  start containerd "$K8S_BIN/containerd" --config "$CONF_DIR/containerd.toml"
  wait_component containerd "containerd" 30 ctr --address "$CONTAINERD_SOCK" version
  local present
  present="$(ctr_k8s images ls -q)"
  grep -qxF "$(normalized "$PAUSE_IMAGE")" <<<"$present" || ctr_k8s images import "$IMAGE_DIR/pause.tar" >&2
  grep -qxF "$(normalized "$BUSYBOX_IMAGE")" <<<"$present" || ctr_k8s images import "$IMAGE_DIR/busybox.tar" >&2
  grep -qxF "$(normalized "$KUBECTL_IMAGE")" <<<"$present" || ctr_k8s images import "$IMAGE_DIR/kubectl.tar" >&2
}

# The name containerd stores for a reference (docker.io/ prefix for Docker Hub short names).
normalized() {
  case "$1" in
    */*.*/*|*.*/*|localhost/*) echo "$1" ;;
    */*) echo "docker.io/$1" ;;
    *) echo "docker.io/library/$1" ;;
  esac
}

start_dns() {
  printf '# written by zeromesh up.sh; dns-watcher.py keeps it current\n' > "$DNS_DIR/hosts"
  chmod 755 "$DNS_DIR"
  chmod 644 "$DNS_DIR/hosts"
  rm -f "$DNS_DIR/ready"
  local upstream=(--no-resolv)
  [ -n "${ZEROMESH_DNS_UPSTREAM:-}" ] && upstream+=(--server="$ZEROMESH_DNS_UPSTREAM")
  start dnsmasq "$(command -v dnsmasq)" --keep-in-foreground --conf-file=/dev/null --no-hosts \
    --bind-interfaces --listen-address="$NODE_IP" --port=53 --user=nobody --group=nogroup \
    --pid-file="$DNS_DIR/dnsmasq.pid" --addn-hosts="$DNS_DIR/hosts" \
    --local="/$CLUSTER_DOMAIN/" --local=/svc/ --domain-needed --bogus-priv --no-negcache \
    --log-facility=- "${upstream[@]}"
  wait_component dnsmasq "dnsmasq pid file" 10 test -s "$DNS_DIR/dnsmasq.pid"
  kubectl_admin apply -f - >/dev/null <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: zeromesh:dns-watcher
rules:
  - apiGroups: [""]
    resources: [services, endpoints]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: zeromesh:dns-watcher
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: zeromesh:dns-watcher
subjects:
  - apiGroup: rbac.authorization.k8s.io
    kind: User
    name: zeromesh:dns-watcher
YAML
  start dns-watcher /usr/bin/python3 "$CONF_DIR/dns-watcher.py" --server "$APISERVER_URL" \
    --ca "$PKI_DIR/ca.crt" --cert "$PKI_DIR/dns-watcher.crt" --key "$PKI_DIR/dns-watcher.key" \
    --hosts-file "$DNS_DIR/hosts" --dnsmasq-pid-file "$DNS_DIR/dnsmasq.pid" \
    --domain "$CLUSTER_DOMAIN" --ready-file "$DNS_DIR/ready"
  wait_component dns-watcher "the kubernetes Service in DNS" 30 resolves_to \
    "kubernetes.default.svc.$CLUSTER_DOMAIN" "$KUBERNETES_SVC_IP"
}

resolves_to() { busybox nslookup "$1" "$NODE_IP" 2>/dev/null | grep -q "Address: $2\$"; }

start_node() {
  start kubelet "$K8S_BIN/kubelet" --config "$CONF_DIR/kubelet.yaml" \
    --kubeconfig "$CONF_DIR/kubelet.kubeconfig" \
    --container-runtime-endpoint "unix://$CONTAINERD_SOCK" \
    --node-ip "$NODE_IP" --hostname-override "$NODE_NAME" --root-dir "$KUBELET_ROOT" \
    --oom-score-adj 0 --v 1
  start kube-proxy "$K8S_BIN/kube-proxy" --config "$CONF_DIR/kube-proxy.yaml" --v 1
  wait_component kubelet "node $NODE_NAME Ready" "$UP_TIMEOUT_NODE" node_ready
  alive kube-proxy || die "kube-proxy did not start"
}

node_ready() {
  [ "$(kubectl_admin get node "$NODE_NAME" \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

# A pod must run to completion: proves sandbox, CNI, image store and kubelet together.
check_pod() {
  # Pods are admitted once their namespace's default ServiceAccount exists (tokens are projected).
  wait_component kube-controller-manager "the default ServiceAccount" 60 \
    kubectl_admin -n default get serviceaccount default
  kubectl_admin -n default delete pod zeromesh-up-check --ignore-not-found --timeout=30s >/dev/null
  kubectl_admin -n default apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: zeromesh-up-check
spec:
  restartPolicy: Never
  containers:
    - name: check
      image: $BUSYBOX_IMAGE
      imagePullPolicy: Never
      # busybox nslookup's exit code is unreliable: look for the answer itself.
      command: [sh, -c, "nslookup kubernetes.default.svc.$CLUSTER_DOMAIN | grep -q '^Address: $KUBERNETES_SVC_IP\$' && echo ok"]
YAML
  local deadline=$(( $(date +%s) + UP_TIMEOUT_POD )) phase=""
  while :; do
    phase="$(kubectl_admin -n default get pod zeromesh-up-check -o jsonpath='{.status.phase}' 2>/dev/null || true)"
    case "$phase" in Succeeded|Failed) break ;; esac
    [ "$(date +%s)" -lt "$deadline" ] || break
    sleep 0.5
  done
  if [ "$phase" != Succeeded ]; then
    kubectl_admin -n default describe pod zeromesh-up-check >&2 || true
    kubectl_admin -n default logs zeromesh-up-check >&2 || true
    die "the check pod ended '$phase' (wanted Succeeded)"
  fi
  kubectl_admin -n default delete pod zeromesh-up-check --wait=false >/dev/null
}

main() {
  cluster_lock
  if [ -f "$KUBECONFIG_OUT" ] && cluster_healthy; then
    log "local cluster already up (node $NODE_NAME Ready)"
    echo "$KUBECONFIG_OUT"
    return 0
  fi
  if any_component_running; then
    log "local cluster partly up: tearing it down first"
    "$here/down.sh"
  elif [ -d "$PID_DIR" ]; then
    # Its processes were killed (a session ended) without down.sh: clean up what they left.
    log "leftovers of a local cluster that was killed: cleaning up first"
    "$here/down.sh"
  fi
  "$here/build-binaries.sh"
  apt_install $NODE_PACKAGES
  step "host network: $NODE_IF $NODE_IP, bridge $BRIDGE $POD_CIDR"
  host_network
  "$here/pki.sh"
  write_configs
  ensure_images
  step "etcd"
  start_etcd
  step "kube-apiserver"
  start_apiserver
  step "controller-manager, scheduler"
  start_controllers
  step "containerd"
  start_containerd
  step "cluster DNS (dnsmasq on $NODE_IP:53)"
  start_dns
  step "kubelet, kube-proxy"
  start_node
  step "check pod"
  check_pod
  step "local cluster up: node $NODE_NAME Ready, API $APISERVER_URL"
  echo "$KUBECONFIG_OUT"
}

main "$@"
