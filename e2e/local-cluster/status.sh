#!/usr/bin/env bash
# Reports each component of the local cluster (running or not, pid, log) and the node; exits 0
# only when every component runs and the node is Ready.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"

ok=true
for c in $COMPONENTS; do
  if pid="$(component_pid "$c")"; then
    printf '  %-24s running  pid %-7s %s\n' "$c" "$pid" "$LOG_DIR/$c.log"
  else
    printf '  %-24s stopped\n' "$c"
    ok=false
  fi
done
if [ -f "$KUBECONFIG_OUT" ] && kubectl_admin get --raw /readyz >/dev/null 2>&1; then
  echo "  API $APISERVER_URL ready; kubeconfig $KUBECONFIG_OUT"
  kubectl_admin get nodes -o wide 2>&1 | sed 's/^/  /'
  ready="$(kubectl_admin get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)"
  [ "$ready" = True ] || ok=false
else
  echo "  API $APISERVER_URL not answering"
  ok=false
fi
if $ok; then echo "local cluster: up"; else echo "local cluster: not (fully) up"; exit 1; fi
