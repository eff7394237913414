#!/bin/sh
# dockerd's runc (docker.sh registers it as the default runtime). This VM's root lacks
# CAP_SYS_RESOURCE in its bounding set (which is also why it cannot lower oom_score_adj), and
# dockerd 20.10 grants a --privileged container every capability it knows, so `runc create` of
# kind's node fails with "unable to apply caps: operation not permitted" (and `docker exec
# --privileged` likewise). Drop from the bundle's config.json (or an exec's process.json) every
# capability this process's bounding set does not hold, then run the real runc.
set -eu
RUNC="${ZEROMESH_REAL_RUNC:-/usr/sbin/runc}"
# Capability numbers 0..40 by name (linux/capability.h).
NAMES="CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE
NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT
SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE
AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ
PERFMON BPF CHECKPOINT_RESTORE"
bnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
missing=""
i=0
for name in $NAMES; do
  if [ $(( (0x$bnd >> i) & 1 )) -eq 0 ]; then missing="$missing CAP_$name"; fi
  i=$((i + 1))
done
strip() {
  [ -f "$1" ] && [ -n "$missing" ] || return 0
  for cap in $missing; do
    grep -q "\"$cap\"" "$1" || continue
    sed -i -E -e "s/\"$cap\"[[:space:]]*,[[:space:]]*//g" -e "s/,[[:space:]]*\"$cap\"//g" -e "s/\[[[:space:]]*\"$cap\"[[:space:]]*\]/[]/g" "$1"
  done
}
prev=""
for arg in "$@"; do
  case "$prev" in
    --bundle|-b) strip "$arg/config.json" ;;
    --process|-p) strip "$arg" ;;
  esac
  case "$arg" in
    --bundle=*) strip "${arg#--bundle=}/config.json" ;;
    --process=*) strip "${arg#--process=}" ;;
  esac
  prev="$arg"
done
exec "$RUNC" "$@"
