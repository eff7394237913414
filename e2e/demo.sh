#!/usr/bin/env bash
# make demo: ZeroMesh on a real cluster, messages moving through every pattern.
#
# 1. a cluster: the one in KUBECONFIG, else kind (Docker + kind present), else the local cluster
#    built from Debian packages (e2e/local-cluster);
# 2. the operator, installed from the chart's single-file rendering (helm/install);
# 3. every manifest of examples/ in namespace $DEMO_NAMESPACE;
# 4. the broker image's probe as Jobs: requests through the broker, topics through a forwarder,
#    a cascade, a late joiner served by the last-value cache, a pipeline of workers;
# 5. a summary table. It ends by itself; the cluster stays up (how to stop it is printed).
#
# e2e/demo.sh --down (make demo-down) removes the demo again and leaves the cluster up.
#
# Expects the images built (make demo builds them first). Every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

NS=${DEMO_NAMESPACE:-zeromesh-demo}
CACHE=${ZEROMESH_CACHE:-$HOME/.cache/zeromesh}
IMAGE=${DEMO_BROKER_IMAGE:-zeromesh/broker:0.1.0}
TIMEOUT=${DEMO_TIMEOUT_S:-240}

step() { printf '\n==> %s\n' "$*"; }

# demo.sh --down: removes what the demo installed (its namespace, then the operator and CRDs of
# the single-file install), leaving the cluster up; the e2e suite calls it before installing the
# operator through the chart, so two operators never reconcile the same resources.
if [ "${1:-}" = --down ]; then
  export KUBECONFIG=${KUBECONFIG:-$CACHE/local-cluster/kubeconfig}
  if kubectl get namespace "$NS" >/dev/null 2>&1 \
    || kubectl -n zeromesh-system get deployment zeromesh-operator >/dev/null 2>&1; then
    step "removing the demo: namespace $NS, then the operator of helm/install/zeromesh-operator.yaml"
    # The namespace first, while the operator still runs to handle its resources.
    kubectl delete namespace "$NS" --ignore-not-found --wait=true --timeout=180s
    kubectl delete -f helm/install/zeromesh-operator.yaml --ignore-not-found --wait=true --timeout=180s
  fi
  exit 0
fi

RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
fail() {
  echo "demo: $*" >&2
  echo "--- operator log (last 40 lines)" >&2
  kubectl -n zeromesh-system logs deploy/zeromesh-operator --tail=40 >&2 || true
  echo "--- events in $NS" >&2
  kubectl -n "$NS" get events --sort-by=.lastTimestamp 2>/dev/null | tail -20 >&2 || true
  echo "--- custom resources" >&2
  kubectl -n "$NS" get zeromesh -o wide >&2 || true
  exit 1
}

step "cluster"
if [ -n "${KUBECONFIG:-}" ]; then
  echo "using the cluster in KUBECONFIG=$KUBECONFIG (its nodes must hold the images)"
  stop_hint="(your cluster: nothing to stop)"
elif docker info >/dev/null 2>&1 && command -v kind >/dev/null 2>&1; then
  KUBECONFIG=$(e2e/kind/up.sh)
  export KUBECONFIG
  E2E_SKIP_BUILD=1 e2e/kind/load-images.sh
  stop_hint="make e2e-kind-down"
else
  echo "no Docker/kind here: the local cluster from Debian packages"
  make --no-print-directory cluster-up >/dev/null
  make --no-print-directory cluster-load-images
  export KUBECONFIG="$CACHE/local-cluster/kubeconfig"
  stop_hint="make cluster-down"
fi
kubectl get nodes -o wide

step "operator: kubectl apply of the chart's rendering (helm/install/zeromesh-operator.yaml)"
kubectl apply --server-side --force-conflicts -f helm/install/zeromesh-operator.yaml >/dev/null
kubectl -n zeromesh-system rollout status deploy/zeromesh-operator --timeout="${TIMEOUT}s" \
  || fail "the operator did not become ready"

step "examples/ into namespace $NS"
kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
# Jobs of a previous run would not start again: start from a clean slate.
kubectl -n "$NS" delete jobs --all --ignore-not-found --wait=true >/dev/null
kubectl -n "$NS" apply -f examples/
kubectl -n "$NS" wait --for=condition=Ready zbroker,zfwd,zstage --all --timeout="${TIMEOUT}s" \
  || fail "custom resources did not become Ready"
kubectl -n "$NS" get zeromesh

# run_job NAME -- probe args...: a probe Job, restricted like every ZeroMesh pod.
start_job() {
  local name=$1
  shift
  local args
  args=$(printf '"%s",' "$@")
  kubectl -n "$NS" apply -f - >/dev/null <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: $name
  labels: {app.kubernetes.io/part-of: zeromesh-demo}
spec:
  backoffLimit: 0
  activeDeadlineSeconds: $TIMEOUT
  template:
    metadata:
      labels: {role: news-client, app.kubernetes.io/part-of: zeromesh-demo}
    spec:
      restartPolicy: Never
      containers:
        - name: probe
          image: $IMAGE
          imagePullPolicy: IfNotPresent
          args: [${args%,}]
          resources: {requests: {cpu: 10m, memory: 64Mi}, limits: {memory: 256Mi}}
          securityContext:
            runAsNonRoot: true
            runAsUser: 65532
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
            seccompProfile: {type: RuntimeDefault}
EOF
}

# finish_job NAME PATTERN: waits for the Job, records its probe summary under PATTERN.
finish_job() {
  local name=$1 pattern=$2 summary
  if ! kubectl -n "$NS" wait --for=condition=complete "job/$name" --timeout="${TIMEOUT}s" >/dev/null; then
    kubectl -n "$NS" logs "job/$name" --tail=20 >&2 || true
    fail "job $name did not complete"
  fi
  summary=$(kubectl -n "$NS" logs "job/$name" | grep '^{' | tail -1)
  printf '%s\t%s\t%s\n' "$pattern" "$name" "$summary" >>"$RESULTS"
  echo "  $name: $summary"
}

# wait_running NAME: the Job's pod is running (a subscriber has connected before we publish).
wait_running() {
  kubectl -n "$NS" wait --for=condition=Ready pod -l "job-name=$1" --timeout="${TIMEOUT}s" >/dev/null \
    || fail "the pod of job $1 did not start"
}

step "request-reply: 2 clients x 100 requests through broker rr to its 3 workers"
start_job rr-client-1 probe req --endpoint tcp://rr-broker:5559 --count 100 --expect 100 --retries 3
start_job rr-client-2 probe req --endpoint tcp://rr-broker:5559 --count 100 --expect 100 --retries 3
finish_job rr-client-1 request-reply
finish_job rr-client-2 request-reply

step "pub-sub: forwarder news holds published messages until its 2 subscribers are in (start gate)"
start_job pub-alpha probe pub --endpoint tcp://news-forwarder:5557 --topic alpha --count 100 --rate 100
start_job pub-beta probe pub --endpoint tcp://news-forwarder:5557 --topic beta --count 50 --rate 100
start_job sub-alpha probe sub --endpoint tcp://news-forwarder-backend:5558 --topic alpha --count 100 --expect 100 --timeout-s 120
start_job sub-beta probe sub --endpoint tcp://news-forwarder-backend:5558 --topic beta --count 50 --expect 50 --timeout-s 120
finish_job sub-alpha pub-sub
finish_job sub-beta pub-sub
finish_job pub-alpha pub-sub
finish_job pub-beta pub-sub

step "cascade: publish eu./us. into forwarder central, subscribe at regional (upstream central, topics eu.)"
start_job sub-regional probe sub --endpoint tcp://regional-forwarder-backend:5558 --topic eu. --count 50 --expect 50 --timeout-s 120
wait_running sub-regional
# The subscription travels regional -> central; publish for a while so it is surely in place.
start_job pub-central-eu probe pub --endpoint tcp://central-forwarder:5557 --topic eu.prices --count 400 --rate 20
start_job pub-central-us probe pub --endpoint tcp://central-forwarder:5557 --topic us.prices --count 400 --rate 20
finish_job sub-regional cascade
kubectl -n "$NS" delete job pub-central-eu pub-central-us --wait=false >/dev/null

step "late joiner: publish 20 prices to forwarder prices, then subscribe; the cache answers at once"
start_job pub-prices probe pub --endpoint tcp://prices-forwarder:5557 --topic price --count 20 --rate 100
finish_job pub-prices last-value-cache
start_job sub-late probe sub --endpoint tcp://prices-forwarder-backend:5558 --topic price --count 1 --expect 1 --timeout-s 30
finish_job sub-late last-value-cache

step "pipeline: ventilator -> stage work (3 workers) -> stage sink -> collector (from examples/pipeline.yaml)"
finish_job collector pipeline
finish_job ventilator pipeline

step "summary"
python3 - "$RESULTS" <<'PY'
import json, sys
rows = [line.rstrip("\n").split("\t", 2) for line in open(sys.argv[1])]
print(f"{'pattern':18} {'job':16} {'sent':>6} {'received':>9} {'lost':>5} {'msgs/s':>8} {'p99 us':>8}  peers")
for pattern, job, summary in rows:
    s = json.loads(summary)
    peers = ", ".join(f"{k}:{v}" for k, v in sorted((s.get("peers") or {}).items()))
    print(f"{pattern:18} {job:16} {s.get('sent', 0):>6} {s.get('received', 0):>9} "
          f"{s.get('lost', 0):>5} {round(s.get('msgsPerSec', 0)):>8} {s.get('latencyP99Us', 0):>8}  {peers}")
PY
cat <<EOF

Every pattern moved real messages through ZeroMesh devices. Look around:
  export KUBECONFIG=$KUBECONFIG
  kubectl -n $NS get zeromesh
  kubectl -n $NS describe zbroker rr
Remove the demo: make demo-down; stop the cluster: $stop_hint
EOF
