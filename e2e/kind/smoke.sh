#!/usr/bin/env bash
# Proves a kind cluster of the e2e suite works, in a namespace of its own that it deletes after:
# every node Ready; a pod of a locally made busybox image (loaded with `kind load image-archive`)
# runs httpd behind a ClusterIP Service; another pod resolves that Service and
# kubernetes.default through the cluster DNS (CoreDNS) and fetches from it through kube-proxy;
# kubectl logs and exec reach the pod. Ends with "kind-smoke: N passed, M failed".
#   e2e/kind/smoke.sh          against the cluster of up.sh ($KIND_KUBECONFIG)
set -euo pipefail
source "$(dirname "$0")/env.sh"
kind_preflight
kind_cluster_exists || { echo "kind: no cluster $KIND_CLUSTER_NAME; run e2e/kind/up.sh" >&2; exit 1; }
export KUBECONFIG="$KIND_KUBECONFIG"
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "kind-smoke: $*" >&2; }
kubectl() { command kubectl --kubeconfig "$KUBECONFIG" "$@"; }
# Our kubectl 1.37 (the local cluster's build) before any older one on PATH (Debian's is 1.20).
[ -x "$ZEROMESH_CACHE/k8s/1.37.2/bin/kubectl" ] && PATH="$ZEROMESH_CACHE/k8s/1.37.2/bin:$PATH"

# A busybox image from Debian's busybox-static (every applet linked), made once.
BUSYBOX_IMAGE=zeromesh.local/busybox:1.35
archive="$ZEROMESH_CACHE/kind/images/busybox.tar"
if [ ! -s "$archive" ] || [ /bin/busybox -nt "$archive" ]; then
  [ -x /bin/busybox ] || { echo "kind-smoke: needs Debian's busybox-static (/bin/busybox)" >&2; exit 1; }
  mkdir -p "$(dirname "$archive")"
  args=()
  for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || args+=(--symlink "/bin/$applet:busybox"); done
  /usr/bin/python3 "$REPO_ROOT/e2e/local-cluster/make-image.py" --tag "$BUSYBOX_IMAGE" --out "$archive" \
    --file /bin/busybox:/bin/busybox:0755 --dir tmp:1777 --cmd '["sh"]' "${args[@]}"
fi
kind load image-archive "$archive" --name "$KIND_CLUSTER_NAME" >&2

NS="kind-smoke-$(date +%s)"
passed=0 failed=0
check() {
  local what="$1"; shift
  local out
  if out="$("$@" 2>&1)"; then passed=$((passed + 1)); log "ok   $what"
  else failed=$((failed + 1)); log "FAIL $what"; sed 's/^/       /' <<<"$out" >&2; fi
}
trap 'kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1 || true' EXIT

log "$(kubectl version -o json | sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p' | tail -1) (API server); nodes:"
kubectl get nodes -o wide >&2
check "every node Ready" kubectl wait --for=condition=Ready nodes --all --timeout=120s
check "CoreDNS available" kubectl -n kube-system wait --for=condition=Available deployment/coredns --timeout=120s
kubectl create namespace "$NS" >/dev/null
until kubectl -n "$NS" get serviceaccount default >/dev/null 2>&1; do sleep 0.5; done
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
    - name: httpd
      image: $BUSYBOX_IMAGE
      imagePullPolicy: Never
      command: [sh, -c, 'mkdir -p /tmp/www && echo kind-smoke-ok > /tmp/www/index.html && echo serving && exec httpd -f -p 8080 -h /tmp/www']
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080, protocol: TCP}]
YAML
check "pod of a loaded image runs" kubectl -n "$NS" wait --for=condition=Ready pod/web --timeout=120s
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  restartPolicy: Never
  containers:
    - name: client
      image: $BUSYBOX_IMAGE
      imagePullPolicy: Never
      # busybox's nslookup exits non-zero when any search domain answers NXDOMAIN (look for an answer),
      # and searches only for names without a dot (hence the FQDN).
      command: [sh, -c, 'set -e; for n in kubernetes.default.svc.cluster.local web web.$NS.svc.cluster.local; do nslookup \$n | grep "^Address: " || { echo "no address for \$n"; exit 1; }; done; test "\$(timeout 10 wget -q -O - http://web/)" = kind-smoke-ok; echo fetched']
YAML
check "DNS resolves Services, a pod reaches another through its Service" \
  kubectl -n "$NS" wait --for=jsonpath='{.status.phase}'=Succeeded pod/client --timeout=120s
check "kubectl logs" sh -c "kubectl -n $NS logs web | grep -qx serving"
check "kubectl exec" sh -c "kubectl -n $NS exec web -- cat /tmp/www/index.html | grep -qx kind-smoke-ok"
if [ "$failed" != 0 ]; then
  kubectl -n "$NS" get pods,svc,endpoints,events -o wide >&2 || true
  kubectl -n "$NS" logs client >&2 || true
  kubectl -n kube-system get pods -o wide >&2 || true
fi
echo "kind-smoke: $passed passed, $failed failed"
[ "$failed" = 0 ]
