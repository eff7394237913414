#!/usr/bin/env bash
# Builds the shared runtime base image of ZeroMesh's images (broker and operator), from local files
# only: there is no registry to pull a base from. Contents:
#   /opt/java               a jlink'd JRE of the local JDK 17 (module set below: the broker needs
#                           few, the operator (Quarkus) more; one base serves both)
#   /lib, /lib64            the shared libraries that JRE loads (found with ldd), glibc included;
#                           java.desktop without its AWT/2D/sound natives (only java.beans is used)
#   /etc/passwd, /etc/group root and nonroot (65532:65532), home /home/nonroot
#   /etc/ssl/certs          CA certificates (PEM bundle), and the JRE's cacerts from the same set
#   /tmp                    1777, for when the root filesystem is read-only an emptyDir goes here
# Output: a docker-archive tarball (manifest.json, config, one layer), which Jib takes as
# `from.image = tar://<path>` and `ctr images import` / `kind load image-archive` accept.
#
#   broker-image/image/build-base.sh        prints the archive's path on its last line
#
# Cached under ${ZEROMESH_CACHE:-$HOME/.cache/zeromesh}/base/<key>/image.tar, the key made of the
# JDK's release, the module set and this script's own content: rebuilt only when one changes.
# ${ZEROMESH_CACHE}/base/image.tar always points at the newest build.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

JAVA_HOME=${ZEROMESH_BASE_JDK:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}}
CACHE=${ZEROMESH_CACHE:-$HOME/.cache/zeromesh}
PYTHON=/usr/bin/python3
# Broker: java.base, java.logging, java.management, jdk.httpserver (admin HTTP), jdk.unsupported.
# Operator (Quarkus, Vert.x/Netty, fabric8, Jackson, Micrometer): the rest. jdk.crypto.ec for
# TLS to the API server; jdk.naming.dns and jdk.net for resolvers and socket options; jdk.jfr
# and jdk.management for production diagnostics; java.desktop for java.beans (Jackson).
MODULES=${ZEROMESH_BASE_MODULES:-java.base,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.crypto.ec,jdk.httpserver,jdk.jfr,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs}

die() { echo "build-base: $*" >&2; exit 1; }
[ -x "$JAVA_HOME/bin/jlink" ] || die "no jlink under $JAVA_HOME (set ZEROMESH_BASE_JDK to a JDK 17)"
[ -d "$JAVA_HOME/jmods" ] || die "no jmods under $JAVA_HOME (Debian: openjdk-17-jdk-headless)"
[ -x "$PYTHON" ] || die "$PYTHON is needed to pack the image"

release=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release")
[ -n "$release" ] || die "cannot read JAVA_VERSION from $JAVA_HOME/release"
case "$release" in 17*) ;; *) die "JDK $release at $JAVA_HOME: the base must be Java 17" ;; esac
arch=$(uname -m)
key=$( (echo "$release $arch $MODULES"; cat "$0" "$HERE/pack_base.py") | sha256sum | cut -c1-12)
OUT=$CACHE/base/jre-$release-$arch-$key
ARCHIVE=$OUT/image.tar

if [ -s "$ARCHIVE" ] && [ -s "$OUT/image.ok" ]; then
  echo "build-base: cached: $ARCHIVE" >&2
else
  echo "build-base: JDK $release ($JAVA_HOME), modules $MODULES" >&2
  mkdir -p "$CACHE/base"
  WORK=$(mktemp -d "$CACHE/base/.build.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  ROOT=$WORK/rootfs
  mkdir -p "$ROOT/opt"
  "$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --output "$ROOT/opt/java" \
    --strip-debug --no-man-pages --no-header-files --compress=2
  # Debian links lib/security files to /etc: put the real files in the image.
  for f in "$JAVA_HOME"/lib/security/*; do
    name=$(basename "$f")
    if [ -e "$f" ]; then cp -L "$f" "$ROOT/opt/java/lib/security/$name"; fi
  done
  if [ -d "$JAVA_HOME/conf/security" ]; then
    cp -rL "$JAVA_HOME/conf/security/." "$ROOT/opt/java/conf/security/" 2>/dev/null || true
  fi
  # java.desktop is here for java.beans (Jackson, fabric8), never for AWT, 2D or sound: drop
  # their native libraries rather than ship X11, ALSA and font libraries behind them.
  for so in libawt.so libawt_headless.so libawt_xawt.so libjawt.so libsplashscreen.so \
    libjsound.so libfontmanager.so liblcms.so libmlib_image.so libjavajpeg.so; do
    rm -f "$ROOT/opt/java/lib/$so"
  done
  # Class data sharing archive: faster start for every image on this base.
  "$ROOT/opt/java/bin/java" -Xshare:dump -XX:SharedArchiveFile="$ROOT/opt/java/lib/server/classes.jsa" \
    -version >/dev/null 2>&1 || echo "build-base: no CDS archive (continuing)" >&2

  # Shared libraries: everything the JRE's executables and libraries resolve outside the JRE.
  libs=$(find "$ROOT/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
    -exec ldd {} \; 2>/dev/null | awk '/=> \// {print $3} /^\s*\/lib/ {print $1}' | sort -u)
  # libjvm.so is loaded by the launcher before any library that names it; any other
  # "not found" is a real gap.
  missing=$(find "$ROOT/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null \
    | grep 'not found' | grep -v 'libjvm\.so' || true)
  [ -z "$missing" ] || die "unresolved libraries: $missing"
  for lib in $libs /lib64/ld-linux-x86-64.so.2; do
    case "$lib" in "$ROOT"*) continue ;; esac
    [ -e "$lib" ] || continue
    mkdir -p "$ROOT$(dirname "$lib")"
    cp -L "$lib" "$ROOT$lib"
  done
  # glibc loads these by name at run time (NSS for users and hosts, DNS).
  for extra in /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libnss_files.so.2 \
    /lib/x86_64-linux-gnu/libresolv.so.2; do
    if [ -e "$extra" ]; then mkdir -p "$ROOT$(dirname "$extra")"; cp -L "$extra" "$ROOT$extra"; fi
  done

  mkdir -p "$ROOT/etc/ssl/certs" "$ROOT/tmp" "$ROOT/home/nonroot"
  [ -s /etc/ssl/certs/ca-certificates.crt ] || die "no /etc/ssl/certs/ca-certificates.crt (Debian: ca-certificates)"
  cp -L /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
  if [ -s /etc/ssl/certs/java/cacerts ]; then
    cp -L /etc/ssl/certs/java/cacerts "$ROOT/opt/java/lib/security/cacerts"
  fi
  cat >"$ROOT/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
  cat >"$ROOT/etc/group" <<GROUP
root:x:0:
nonroot:x:65532:
GROUP
  cat >"$ROOT/etc/nsswitch.conf" <<NSS
passwd: files
group: files
hosts: files dns
NSS
  "$PYTHON" "$HERE/pack_base.py" "$ROOT" "$WORK/image.tar" "zeromesh/jre-base:$release"
  mkdir -p "$OUT"
  mv "$WORK/image.tar" "$ARCHIVE"
  echo "$release $MODULES" >"$OUT/image.ok"
  echo "build-base: built $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1))" >&2
fi
ln -sfn "$ARCHIVE" "$CACHE/base/image.tar"
echo "$ARCHIVE"
