#!/usr/bin/env bash
# Proves the node half of the local cluster, in a namespace of its own that it deletes after:
#   - a Deployment of a locally built image (busybox httpd) behind a ClusterIP Service
#     (server-side applied), scaled through /scale, and a NodePort Service reached from this
#     machine;
#   - a Job that resolves the Service by DNS (short, .svc and .svc.cluster.local names) and
#     fetches from it through kube-proxy; a Job (our kubectl, in-cluster config) that reaches the
#     API through the `kubernetes` Service with its ServiceAccount token, TLS verified;
#   - a restricted pod: runAsUser 65532, read-only root filesystem, all capabilities dropped,
#     writing only to an emptyDir;
#   - kubectl logs and exec (the API server reaching kubelet on the node address);
#   - namespace deletion collecting everything (garbage collector).
# (busybox 1.35's wget crashes with -T: timeouts come from the timeout applet.)
# Prints the API server's and the node's versions; ends with "cluster-smoke: N passed, M failed"; exits 1 when a check failed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"

export KUBECONFIG="${KUBECONFIG:-$KUBECONFIG_OUT}"
[ -f "$KUBECONFIG" ] || die "no kubeconfig at $KUBECONFIG (make cluster-up)"
kubectl get --raw /readyz >/dev/null 2>&1 || die "the API server in $KUBECONFIG does not answer (make cluster-up)"
server_version="$(kubectl version -o json | sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p' | tail -1)"
node_versions="$(kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name} kubelet {.status.nodeInfo.kubeletVersion}, {.status.nodeInfo.containerRuntimeVersion}{"\n"}{end}')"
log "Kubernetes $server_version (API server); nodes: ${node_versions:-none}"
NS="zeromesh-smoke-$(date +%s)"
TIMEOUT="${SMOKE_TIMEOUT:-90s}"
passed=0 failed=0
t0=$(date +%s)

check() {
  local what="$1"; shift
  local out
  if out="$("$@" 2>&1)"; then
    passed=$((passed + 1)); log "ok   $what"
  else
    failed=$((failed + 1)); log "FAIL $what"; sed 's/^/       /' <<<"$out" >&2
  fi
}

diagnose() {
  log "diagnostics for namespace $NS:"
  kubectl -n "$NS" get all,events -o wide >&2 2>&1 || true
  kubectl -n "$NS" describe pods 2>&1 | tail -n 60 >&2 || true
  local pod
  for pod in $(kubectl -n "$NS" get pods -o name 2>/dev/null); do
    log "logs of $pod:"
    kubectl -n "$NS" logs --all-containers "$pod" 2>&1 | tail -n 20 >&2 || true
  done
}

cleanup() {
  kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT

kubectl create namespace "$NS" >/dev/null
# Pods are admitted once the namespace's default ServiceAccount exists (service-account controller).
until kubectl -n "$NS" get serviceaccount default >/dev/null 2>&1; do
  [ $(( $(date +%s) - t0 )) -lt 60 ] || die "no default ServiceAccount in $NS after 60s"
  sleep 0.5
done

kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: smoke-web
spec:
  replicas: 1
  selector:
    matchLabels: {app: smoke-web}
  template:
    metadata:
      labels: {app: smoke-web}
    spec:
      containers:
        - name: httpd
          image: $BUSYBOX_IMAGE
          imagePullPolicy: Never
          command: [sh, -c, 'mkdir -p /tmp/www && echo "zeromesh-smoke from \$(hostname)" > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www']
          ports:
            - {name: http, containerPort: 8080, protocol: TCP}
          readinessProbe:
            tcpSocket: {port: http}
            periodSeconds: 1
YAML
# Server-side apply (1.20 needed protocol on every port; kept so the smoke test stays version-neutral).
check "server-side apply of a ClusterIP Service" kubectl -n "$NS" apply --server-side --field-manager zeromesh-smoke -f - <<YAML
apiVersion: v1
kind: Service
metadata:
  name: smoke-web
spec:
  type: ClusterIP
  selector: {app: smoke-web}
  ports:
    - {name: http, port: 80, targetPort: http, protocol: TCP}
YAML
check "NodePort Service" kubectl -n "$NS" apply -f - <<YAML
apiVersion: v1
kind: Service
metadata:
  name: smoke-web-nodeport
spec:
  type: NodePort
  selector: {app: smoke-web}
  ports:
    - {name: http, port: 80, targetPort: http, protocol: TCP}
YAML
check "Deployment of a locally built image becomes available" \
  kubectl -n "$NS" wait --for=condition=available deployment/smoke-web --timeout="$TIMEOUT"
check "scale through /scale to 2 replicas" kubectl -n "$NS" scale deployment/smoke-web --replicas=2
check "2 replicas ready" kubectl -n "$NS" wait --for=jsonpath='{.status.readyReplicas}'=2 deployment/smoke-web --timeout="$TIMEOUT"

kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: batch/v1
kind: Job
metadata:
  name: smoke-client
spec:
  backoffLimit: 0
  activeDeadlineSeconds: 60
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: client
          image: $BUSYBOX_IMAGE
          imagePullPolicy: Never
          command:
            - sh
            - -c
            - |
              set -e
              for name in smoke-web smoke-web.$NS.svc smoke-web.$NS.svc.$CLUSTER_DOMAIN; do
                nslookup "\$name" | grep -q '^Address: ' || { echo "no address for \$name"; exit 1; }
                timeout 10 wget -q -O - "http://\$name/" | grep -q '^zeromesh-smoke from smoke-web-' \
                  || { echo "no page through \$name"; exit 1; }
                echo "resolved and fetched \$name"
              done
YAML
# The API through the kubernetes Service by its DNS name, with the pod's ServiceAccount token and
# the cluster CA (TLS verified): our kubectl with a kubeconfig naming the mounted files (busybox's
# wget cannot talk TLS to 1.37).
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: smoke-api-kubeconfig
data:
  kubeconfig: |
    apiVersion: v1
    kind: Config
    clusters:
      - name: in-cluster
        cluster:
          server: https://kubernetes.default.svc
          certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    users:
      - name: service-account
        user:
          tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
    contexts:
      - name: in-cluster
        context: {cluster: in-cluster, user: service-account}
    current-context: in-cluster
---
apiVersion: batch/v1
kind: Job
metadata:
  name: smoke-api
spec:
  backoffLimit: 0
  activeDeadlineSeconds: 60
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: api
          image: $KUBECTL_IMAGE
          imagePullPolicy: Never
          args: [--kubeconfig=/etc/smoke/kubeconfig, get, --raw, /api, --request-timeout=10s]
          volumeMounts:
            - {name: kubeconfig, mountPath: /etc/smoke}
      volumes:
        - name: kubeconfig
          configMap: {name: smoke-api-kubeconfig}
YAML
check "Job: DNS, Service through kube-proxy" \
  kubectl -n "$NS" wait --for=condition=complete job/smoke-client --timeout="$TIMEOUT"
check "Job: API through the kubernetes Service with the ServiceAccount token" \
  kubectl -n "$NS" wait --for=condition=complete job/smoke-api --timeout="$TIMEOUT"
node_port="$(kubectl -n "$NS" get service smoke-web-nodeport -o jsonpath='{.spec.ports[0].nodePort}')"
check "NodePort $NODE_IP:$node_port reached from this machine" \
  sh -c "curl -fsS --max-time 5 'http://$NODE_IP:$node_port/' | grep -q '^zeromesh-smoke from smoke-web-'"
check "kubectl logs (API server to kubelet)" \
  sh -c "kubectl -n '$NS' logs job/smoke-api | grep -q '\"kind\":\"APIVersions\"'"
check "kubectl exec (API server to kubelet)" \
  sh -c "kubectl -n '$NS' exec deploy/smoke-web -- cat /tmp/www/index.html | grep -q zeromesh-smoke"

kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: smoke-restricted
spec:
  restartPolicy: Never
  securityContext:
    runAsUser: 65532
    runAsGroup: 65532
    runAsNonRoot: true
    fsGroup: 65532
  containers:
    - name: restricted
      image: $BUSYBOX_IMAGE
      imagePullPolicy: Never
      securityContext:
        readOnlyRootFilesystem: true
        allowPrivilegeEscalation: false
        capabilities: {drop: [ALL]}
      command:
        - sh
        - -c
        - |
          set -e
          [ "\$(id -u)" = 65532 ] || { echo "uid \$(id -u)"; exit 1; }
          if touch /root-write-test 2>/dev/null; then echo "root filesystem writable"; exit 1; fi
          echo scratch > /scratch/file && [ "\$(cat /scratch/file)" = scratch ]
          echo "restricted ok"
      volumeMounts:
        - {name: scratch, mountPath: /scratch}
  volumes:
    - name: scratch
      emptyDir: {}
YAML
check "restricted pod (uid 65532, read-only root, emptyDir) succeeds" \
  kubectl -n "$NS" wait --for=jsonpath='{.status.phase}'=Succeeded pod/smoke-restricted --timeout="$TIMEOUT"

[ "$failed" = 0 ] || diagnose
check "namespace deletion collects everything" kubectl delete namespace "$NS" --timeout="$TIMEOUT"
trap - EXIT

log "smoke test took $(( $(date +%s) - t0 ))s"
echo "cluster-smoke: Kubernetes $server_version"
echo "cluster-smoke: $passed passed, $failed failed"
[ "$failed" = 0 ]
