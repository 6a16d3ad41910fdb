#!/usr/bin/env bash
# e2e/image.sh — builds (once) the Debian 12 guest the e2e boots, and prints the directory holding it.
#
#   e2e/image.sh            build if not cached, then print the image directory on stdout
#   e2e/image.sh --print    print the directory the current package list maps to (no build)
#   e2e/image.sh --mirror   print the Debian mirror the build uses (no build; e2e/debian-installer.sh)
#
# The image is a "preinstalled" base as a Packer bake would leave it: kernel, systemd, cloud-init,
# the distribution's ZooKeeper (zookeeperd) with a JRE, networking tools — everything from Debian's own
# packages, fetched by debootstrap from the Debian mirror this host's apt already uses (no other
# download). Mesos and Marathon are NOT in Debian; the guest does not have them. debootstrap's default
# variant adds Debian's "important" packages, among them nftables (the rendered firewall needs it).
# Test instrumentation is baked in from e2e/guest/ (never part of a seed): a probe that reports
# ZooKeeper's state and a cross-node znode round trip on the serial console, and an init program that
# plays the end of a bare-metal install (mounts a node's disk on /target, runs its preseed late_command).
#
# The directory (default /var/cache/mesosimg-e2e/<key>, E2E_CACHE to move it) holds:
#   vmlinuz, initrd.img   for direct kernel boot (-kernel/-initrd), no boot loader
#   rootfs.raw            ext4 made by `mkfs.ext4 -d` (no mount), label "root", used read-only as the
#                         backing file of one qcow2 overlay per VM
#   packages.txt          dpkg -l of the guest; build.log; mirror
# <key> is the sha256 of this file's code (comments aside): changing the package list or any build step
# rebuilds.
set -euo pipefail

# shellcheck disable=SC2034 # not read: it is part of the code the cache key hashes
IMAGE_FORMAT_VERSION=1          # bump to force a rebuild without another change
SUITE=bookworm
# Everything below is from Debian main. python3-cffi-backend must be named (cloud-init's crypto deps
# need it, debootstrap's resolver misses it). dbus lets systemd-logind act on the ACPI power button,
# which is how the harness powers the guests off cleanly. openssh-server and locales are in every cloud
# image: without them cloud-init's ssh, set_passwords and locale modules fail (not the seed's fault).
PACKAGES=(
  linux-image-cloud-amd64 systemd-sysv udev kmod dbus
  cloud-init python3-cffi-backend openssh-server locales
  zookeeperd default-jre-headless python3-kazoo
  ifupdown iproute2 iputils-ping netcat-openbsd procps
)
ROOTFS_SIZE=4G

here=$(cd "$(dirname "$0")" && pwd)
self="$here/$(basename "$0")"
cache=${E2E_CACHE:-/var/cache/mesosimg-e2e}
# The key: this script's code (comments aside) and the test instrumentation baked in from e2e/guest/.
key=$( { grep -v '^[[:space:]]*#' "$self"; cat "$here"/guest/*; } | sha256sum | cut -c1-16)
dir="$cache/debian12-$key"

# stdout carries only the image directory (run.sh reads it); everything else goes to stderr.
exec 3>&1 1>&2
log() { printf 'image: %s\n' "$*" >&2; }
die() { printf 'image: FAIL: %s\n' "$*" >&2; exit 1; }

# The Debian mirror: the one this host's apt is configured with for $SUITE main (sources.list or
# deb822 .sources, whatever the host uses), unless E2E_MIRROR says otherwise.
host_mirror() {
  local m=${E2E_MIRROR:-}
  if [ -z "$m" ]; then
    m=$(apt-get indextargets --format '$(TARGET_OF) $(RELEASE) $(COMPONENT) $(REPO_URI)' 2>/dev/null |
      awk -v s="$SUITE" '$1 == "deb" && $2 == s && $3 == "main" { print $4; exit }')
  fi
  [ -n "$m" ] || die "no '$SUITE main' entry in this host's apt sources; set E2E_MIRROR=http://<debian mirror>/debian"
  echo "$m"
}

if [ "${1:-}" = "--print" ]; then echo "$dir" >&3; exit 0; fi
if [ "${1:-}" = "--mirror" ]; then host_mirror >&3; exit 0; fi

if [ -f "$dir/ok" ]; then
  log "cached: $dir"
  echo "$dir" >&3
  exit 0
fi

[ "$(id -u)" = 0 ] || die "building the guest image needs root (debootstrap, chroot)"
for t in debootstrap mkfs.ext4 apt-get; do
  command -v "$t" >/dev/null || die "$t not found (make e2e-deps installs it)"
done

mirror=$(host_mirror)

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9                                   # one build at a time; a concurrent run waits, then reuses it
if [ -f "$dir/ok" ]; then log "cached: $dir"; echo "$dir" >&3; exit 0; fi

tmp=$(mktemp -d "$cache/.build.XXXXXX")
root="$tmp/root"
db_pid=
cleanup_build() {
  # An interrupted debootstrap: stop its process group (it ignores SIGTERM).
  [ -n "$db_pid" ] && kill -KILL -- "-$db_pid" 2>/dev/null && sleep 1
  # debootstrap unmounts what it mounted; if it died half-way, undo it here (only under our tree).
  local m
  for m in $(awk -v r="$root" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  # A package's maintainer script must not leave a daemon running in the chroot: kill what still has
  # its root there (by pid; these can only be processes of this build).
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -9 "${p#/proc/}" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup_build EXIT
trap 'exit 130' INT TERM

start=$(date +%s)
log "building Debian 12 guest from $mirror into $dir (once; ~4 min)"
include=$(IFS=,; echo "${PACKAGES[*]}")
# In its own process group, in the background: an interrupt reaches the trap at once (bash defers
# traps while a foreground child runs) and cleanup_build can stop the whole group.
DEBIAN_FRONTEND=noninteractive setsid debootstrap --arch=amd64 --components=main \
  --include="$include" "$SUITE" "$root" "$mirror" >"$tmp/build.log" 2>&1 &
db_pid=$!
if ! wait "$db_pid"; then
  db_pid=
  tail -n 40 "$tmp/build.log" >&2
  [ -f "$root/debootstrap/debootstrap.log" ] && tail -n 40 "$root/debootstrap/debootstrap.log" >&2
  die "debootstrap failed (log above)"
fi
db_pid=
log "debootstrap done in $(( $(date +%s) - start ))s"

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

# What a fresh Debian install / cloud image looks like before first boot.
echo debian >"$root/etc/hostname"
cat >"$root/etc/hosts" <<'EOF'
127.0.0.1	localhost
127.0.1.1	debian

# The following lines are desirable for IPv6 capable hosts
::1     localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
EOF
: >"$root/etc/resolv.conf"                 # debootstrap copied the host's; the guest has no DNS here
printf '/dev/vda\t/\text4\terrors=remount-ro\t0\t1\n' >"$root/etc/fstab"
in_root passwd -d root >/dev/null          # console login as root without password (no SSH in the test)
: >"$root/etc/machine-id"                  # generated on first boot, as in any image
rm -f "$root/var/lib/dbus/machine-id"
rm -f "$root"/etc/ssh/ssh_host_*             # cloud-init makes the node's own keys on first boot
# cloud-init's locale module sets en_US.UTF-8 (its Debian default); cloud images ship it generated.
sed -i 's/^# *\(en_US.UTF-8 UTF-8\)/\1/' "$root/etc/locale.gen"
in_root locale-gen >/dev/null || die "locale-gen failed"
echo 'LANG=en_US.UTF-8' >"$root/etc/default/locale"

# As a Packer bake leaves it: ZooKeeper installed but not enabled. Debian 12's zookeeperd ships only a
# SysV script (systemd's sysv-generator makes zookeeper.service of it); its postinst enabled it.
# The seed must write the config, then `systemctl enable` + `restart`. (e2e/run.sh E2E_ZK_AUTOSTART=1
# adds systemd.wants=zookeeper.service to the kernel command line to reproduce a stock, enabled package.)
in_root update-rc.d zookeeper disable >/dev/null 2>&1 || die "could not disable zookeeper in the image"

# Test instrumentation, not part of any seed (e2e/guest/): after cloud-init's final stage it prints
# ZooKeeper's state and a cross-node znode round trip on the console, from inside the node (the
# rendered firewall admits ZooKeeper clients only from cluster nodes, so the host cannot ask).
install -m 0755 "$here/guest/mesosimg-e2e-probe" "$root/usr/local/sbin/mesosimg-e2e-probe"
install -m 0644 "$here/guest/mesosimg-e2e-probe.service" "$root/etc/systemd/system/mesosimg-e2e-probe.service"
# The installer's last step, booted with init=/usr/local/sbin/mesosimg-e2e-install (see that file).
install -m 0755 "$here/guest/mesosimg-e2e-install" "$root/usr/local/sbin/mesosimg-e2e-install"
mkdir -p "$root/etc/systemd/system/cloud-init.target.wants"
ln -sf /etc/systemd/system/mesosimg-e2e-probe.service "$root/etc/systemd/system/cloud-init.target.wants/"

in_root dpkg -l >"$tmp/packages.txt"
in_root apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root/debootstrap" 2>/dev/null || true

cp -L "$root/vmlinuz" "$tmp/vmlinuz" 2>/dev/null || cp "$(ls "$root"/boot/vmlinuz-* | tail -n1)" "$tmp/vmlinuz"
cp -L "$root/initrd.img" "$tmp/initrd.img" 2>/dev/null || cp "$(ls "$root"/boot/initrd.img-* | tail -n1)" "$tmp/initrd.img"
[ -s "$tmp/vmlinuz" ] && [ -s "$tmp/initrd.img" ] || die "no kernel/initrd in the guest's /boot"

if awk -v r="$root" 'index($2, r) == 1 { f = 1 } END { exit !f }' /proc/mounts; then
  die "something is still mounted under $root"
fi
mkfs.ext4 -q -F -L root -E root_owner=0:0 -d "$root" "$tmp/rootfs.raw" "$ROOTFS_SIZE" \
  || die "mkfs.ext4 -d failed"
echo "$mirror" >"$tmp/mirror"
# Publish atomically: the files into a fresh directory, then rename it to its final name.
mkdir "$tmp/out"
mv "$tmp/build.log" "$tmp/packages.txt" "$tmp/mirror" "$tmp/vmlinuz" "$tmp/initrd.img" "$tmp/rootfs.raw" "$tmp/out/"
date -u +%FT%TZ >"$tmp/out/ok"
rm -rf "$dir"
mv "$tmp/out" "$dir"
# Builds of older versions of this script are stale: keep this one and the newest other one (which a
# run started before the change may still be booting), delete the rest.
keep=1
# shellcheck disable=SC2045 # newest first needs ls -t; the names are ours (no spaces)
for old in $(ls -1dt "$cache"/debian12-* 2>/dev/null); do
  [ "$old" != "$dir" ] && [ -f "$old/ok" ] || continue
  if [ $keep -gt 0 ]; then keep=$((keep - 1)); else rm -rf "$old"; fi
done
log "built in $(( $(date +%s) - start ))s: $dir ($(du -sh --apparent-size "$dir/rootfs.raw" | cut -f1) disk, $(du -sh "$dir/rootfs.raw" | cut -f1) used)"
echo "$dir" >&3
