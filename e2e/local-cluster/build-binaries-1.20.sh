#!/usr/bin/env bash
# The oldest Kubernetes the operator is tested on, for its integration tests only (not the local
# cluster, which runs lib.sh's K8S_VERSION): builds kube-apiserver 1.20.2 from Debian's source
# package, caches it under $ZEROMESH_CACHE/k8s/1.20.2/bin and lays out etcd (Debian's 3.4),
# kube-apiserver and kubectl (ours, from build-binaries.sh) for fabric8 kube-api-test under
# $ZEROMESH_CACHE/kube-api-test/k8s/1.20.2-linux-amd64. Not part of make test / .ci/run
# (`make cluster-binaries-1.20`, then `mvn -pl operator verify -Dkube-api-test.version=1.20.2`).
# Idempotent: when the binary is cached it only checks the layout (seconds).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"

# kubectl for kube-api-test's readiness poll: the current one build-binaries.sh makes, else the
# machine's.
KUBECTL="$K8S_BIN/kubectl"
[ -x "$KUBECTL" ] || KUBECTL="$(command -v kubectl || true)"

# This script's release, not lib.sh's.
K8S_VERSION=1.20.2
# Debian's source package of that release (1.20.5+really1.20.2).
K8S_DEB_VERSION=1.20.5+really1.20.2
# The upstream commit of v1.20.2 (no .git in the Debian tarball, so it is given by hand).
K8S_GIT_COMMIT=faecb196815e248d3ecfb03c680a4507229c2a56
K8S_DIR="$ZEROMESH_CACHE/k8s/$K8S_VERSION"
K8S_BIN="$K8S_DIR/bin"
KUBE_API_TEST_BIN="$KUBE_API_TEST_DIR/k8s/$K8S_VERSION-linux-amd64"

# Debian packages: the Go toolchain and build tools, etcd, and the fixed reflect2.
BUILD_PACKAGES="golang-go rsync etcd-server golang-github-modern-go-reflect2-dev dpkg-dev gcc libc6-dev"

# A system etcd (from the package's service) would take 2379 and a data dir we do not own.
stop_system_etcd() {
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now etcd.service >/dev/null 2>&1 || true
  fi
  if [ -x /etc/init.d/etcd ] && pgrep -x etcd -u etcd >/dev/null 2>&1; then
    /etc/init.d/etcd stop >/dev/null 2>&1 || true
  fi
}

ensure_deb_src() {
  if apt-cache showsrc kubernetes 2>/dev/null | grep -q "^Version: $K8S_DEB_VERSION-"; then
    return 0
  fi
  require_root
  # The mirror the machine already uses for bookworm's binary packages.
  local uri
  uri="$(awk '/^URIs:/ { u = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") { print u; exit } }' \
    /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)"
  [ -n "$uri" ] || uri="$(awk '$1 == "deb" && $0 ~ / bookworm / { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
    /etc/apt/sources.list 2>/dev/null | head -1)"
  [ -n "$uri" ] || uri=http://deb.debian.org/debian
  log "adding a deb-src source for bookworm ($uri)"
  cat > /etc/apt/sources.list.d/zeromesh-deb-src.sources <<SRC
# Added by ZeroMesh e2e/local-cluster/build-binaries.sh: Kubernetes sources for the local cluster.
Types: deb-src
URIs: $uri
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt-get update -qq >&2
  apt-cache showsrc kubernetes 2>/dev/null | grep -q "^Version: $K8S_DEB_VERSION-" \
    || die "Debian's archive has no source kubernetes $K8S_DEB_VERSION"
}

# The unpacked tree, with the vendored reflect2 1.0.1 (segfaults under Go >= 1.18) replaced by
# Debian's 1.0.2.
ensure_source() {
  local tree="$K8S_DIR/src/kubernetes"
  if [ -f "$K8S_DIR/src/.ready" ]; then echo "$tree"; return 0; fi
  ensure_deb_src
  log "fetching Debian source kubernetes $K8S_DEB_VERSION"
  local tmp="$K8S_DIR/src.tmp"
  rm -rf "$tmp" "$K8S_DIR/src"
  mkdir -p "$tmp"
  local full
  full="$(apt-cache showsrc kubernetes | sed -n "s/^Version: \($K8S_DEB_VERSION-.*\)/\1/p" | head -1)"
  (cd "$tmp" && apt-get source -qq "kubernetes=$full" >&2)
  local unpacked
  unpacked="$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -1)"
  [ -n "$unpacked" ] && [ -d "$unpacked/vendor" ] || die "source tree without vendor/ in $tmp"
  mv "$unpacked" "$tmp/kubernetes"
  local reflect2=/usr/share/gocode/src/github.com/modern-go/reflect2
  [ -f "$reflect2/reflect2.go" ] || die "$reflect2 missing (golang-github-modern-go-reflect2-dev)"
  rm -rf "$tmp/kubernetes/vendor/github.com/modern-go/reflect2"
  cp -r "$reflect2" "$tmp/kubernetes/vendor/github.com/modern-go/reflect2"
  # Keep only the tree: the .orig tarballs and .dsc are not needed again.
  find "$tmp" -mindepth 1 -maxdepth 1 ! -name kubernetes -exec rm -rf {} +
  mv "$tmp" "$K8S_DIR/src"
  touch "$K8S_DIR/src/.ready"
  echo "$tree"
}

# make WHAT=... in a GOPATH layout; copies the results into $K8S_BIN.
go_build() {
  local tree="$1"; shift
  local gopath="$K8S_DIR/gopath"
  mkdir -p "$gopath/src/k8s.io"
  ln -sfn "$tree" "$gopath/src/k8s.io/kubernetes"
  local what="" c
  for c in "$@"; do what="$what cmd/$c"; done
  log "building$what (several minutes on 2 cores)"
  (
    cd "$gopath/src/k8s.io/kubernetes"
    # Debian's Go 1.19 (golang-go), not a newer one earlier on PATH: 1.20's vendored tree predates
    # the linkname and toolchain rules of current Go.
    PATH="$(dirname "$(readlink -f /usr/bin/go)"):$PATH"
    export GOPATH="$gopath" GOCACHE="$K8S_DIR/go-build-cache" GOPROXY=off GOFLAGS=-mod=vendor GOTOOLCHAIN=local
    export KUBE_GIT_VERSION="v$K8S_VERSION" KUBE_GIT_COMMIT="$K8S_GIT_COMMIT" KUBE_GIT_TREE_STATE=clean
    export KUBE_GIT_MAJOR=1 KUBE_GIT_MINOR=20
    make WHAT="${what# }" >&2
  )
  mkdir -p "$K8S_BIN"
  for c in "$@"; do
    install -m 755 "$tree/_output/local/bin/linux/amd64/$c" "$K8S_BIN/$c.tmp"
    mv "$K8S_BIN/$c.tmp" "$K8S_BIN/$c"
  done
}

# etcd, kube-apiserver and kubectl where fabric8 kube-api-test looks, so it never downloads.
layout_kube_api_test() {
  mkdir -p "$KUBE_API_TEST_BIN"
  place "$K8S_BIN/kube-apiserver" "$KUBE_API_TEST_BIN/kube-apiserver"
  place /usr/bin/etcd "$KUBE_API_TEST_BIN/etcd"
  place "$KUBECTL" "$KUBE_API_TEST_BIN/kubectl"
}

# Copies an executable unless the same bytes are there; by rename, so that a test running the
# old file meanwhile is not disturbed ("text file busy").
place() {
  cmp -s "$1" "$2" && return 0
  install -m 755 "$1" "$2.tmp"
  mv "$2.tmp" "$2"
}

main() {
  apt_install $BUILD_PACKAGES
  stop_system_etcd
  [ -n "$KUBECTL" ] || die "no kubectl: run make cluster-binaries first (it builds kubectl)"
  if [ ! -x "$K8S_BIN/kube-apiserver" ]; then
    local start tree
    start=$(date +%s)
    tree="$(ensure_source)"
    go_build "$tree" kube-apiserver
    log "built kube-apiserver $K8S_VERSION in $(( $(date +%s) - start ))s"
  fi
  layout_kube_api_test
  "$K8S_BIN/kube-apiserver" --version 2>&1 | grep -q "v$K8S_VERSION" || die "$K8S_BIN/kube-apiserver does not report v$K8S_VERSION"
  log "kube-api-test layout for $K8S_VERSION in $KUBE_API_TEST_BIN"
}

main
