#!/usr/bin/env bash
# Builds kind from the Go module proxy with the machine's Go (`go install sigs.k8s.io/kind@...`)
# into $ZEROMESH_CACHE/kind/bin, once per version; prints the binary's path. The kind scripts and
# make e2e use it when no kind is on PATH.
#   e2e/kind/install-kind.sh            build (seconds when cached)
set -euo pipefail
source "$(dirname "$0")/env.sh"
if [ -x "$KIND_BIN" ] && grep -q "^kind v${KIND_VERSION#v} " <<<"$("$KIND_BIN" version 2>/dev/null)"; then
  echo "$KIND_BIN"
  exit 0
fi
# The project's machines have their Go (>= 1.26) in /usr/local/go, which comes before any other.
if [ -x /usr/local/go/bin/go ]; then PATH="/usr/local/go/bin:$PATH"; fi
command -v go >/dev/null || { echo "kind: no go on PATH to build kind $KIND_VERSION" >&2; exit 1; }
echo "kind: building sigs.k8s.io/kind@$KIND_VERSION into $(dirname "$KIND_BIN")" >&2
mkdir -p "$(dirname "$KIND_BIN")"
GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN="$(dirname "$KIND_BIN")" go install -trimpath "sigs.k8s.io/kind@$KIND_VERSION"
"$KIND_BIN" version >&2
echo "$KIND_BIN"
