#!/usr/bin/env bash
# The Debian root of kind's base image, made with debootstrap (Debian's archive is the only source)
# and kept as a tar in $KIND_CACHE/base; prints its path. Done once; a rerun only prints the path.
. "$(dirname "$0")/lib.sh"
if [ -s "$ROOTFS_TAR" ]; then echo "$ROOTFS_TAR"; exit 0; fi
require_root
apt_install debootstrap
work="$KIND_CACHE/base/rootfs.tmp"
rm -rf "$work"; mkdir -p "$work"
start=$(date +%s)
log "debootstrap $DEBIAN_SUITE (minbase + $BASE_PACKAGES)"
nice debootstrap --variant=minbase --include="$BASE_PACKAGES" "$DEBIAN_SUITE" "$work" "$DEBIAN_MIRROR" >&2
# As kind's base: no unit started by default except the ones enabled later, no kmsg in journald,
# systemd as /sbin/init; apt caches and docs dropped.
rm -f "$work"/lib/systemd/system/sysinit.target.wants/systemd-tmpfiles-setup.service \
      "$work"/lib/systemd/system/multi-user.target.wants/* \
      "$work"/etc/systemd/system/*.wants/* \
      "$work"/lib/systemd/system/local-fs.target.wants/* \
      "$work"/lib/systemd/system/sockets.target.wants/*udev* \
      "$work"/lib/systemd/system/sockets.target.wants/*initctl* \
      "$work"/lib/systemd/system/basic.target.wants/*
echo "ReadKMsg=no" >> "$work/etc/systemd/journald.conf"
ln -sf /usr/lib/systemd/systemd "$work/sbin/init"
rm -rf "$work"/var/cache/apt/archives/*.deb "$work"/var/lib/apt/lists/* "$work"/usr/share/doc/* \
       "$work"/usr/share/man/* "$work"/var/log/* "$work"/tmp/*
: > "$work/etc/machine-id"
tar -C "$work" --numeric-owner -cf "$ROOTFS_TAR.tmp" .
mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
rm -rf "$work"
log "rootfs $ROOTFS_TAR ($(du -m "$ROOTFS_TAR" | cut -f1) MB) in $(( $(date +%s) - start ))s"
echo "$ROOTFS_TAR"
