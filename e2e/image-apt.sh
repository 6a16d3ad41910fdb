#!/usr/bin/env bash
# e2e/image-apt.sh BASE — derives from the e2e guest image (BASE, printed by e2e/image.sh) a guest
# for install.method: apt, and prints the directory holding it:
#   rootfs.raw       the base image without Debian's zookeeperd, zookeeper and libzookeeper-java
#                    (purged), with gpg (cloud-init dearmors a repository's key with it:
#                    canonical/cloud-init 22.4.2 cloudinit/gpg.py:39-44) and no apt source of its
#                    own (an offline site: only the description's repository serves packages)
#   debs/            those three packages, exactly the versions the base image had, and curl with
#                    the libraries the image lacks (masters' readiness probes use it), fetched by
#                    the image's own apt from the Debian mirror it was built from; and
#                    aventer-mesos, a placeholder built here with no files (AVENTER's repository
#                    is not reachable from the test, and Mesos could not run here anyway: the node
#                    reports mesos-master=missing, as in e2e/run.sh). e2e/faults.sh serves them
#                    as a local signed repository
#   vmlinuz, initrd.img
# Built once into $E2E_CACHE/apt-variant-<key> (key: this script's code and the base image), under
# the cache's lock. Needs root and a loop device (the copy of the base image is mounted to chroot
# into it); the mirror is reached from the host's network.
set -euo pipefail
base=${1:?usage: e2e/image-apt.sh BASE-IMAGE-DIR}
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cache=${E2E_CACHE:-/var/cache/mesosimg-e2e}
# Not debian12-*: e2e/image.sh prunes that pattern.
key=$( { grep -v '^[[:space:]]*#' "$self"; echo "$base"; cat "$base/ok"; } | sha256sum | cut -c1-16)
dir="$cache/apt-variant-$key"
PKGS=(zookeeperd zookeeper libzookeeper-java)

exec 3>&1 1>&2
log() { printf 'image-apt: %s\n' "$*" >&2; }
die() { printf 'image-apt: FAIL: %s\n' "$*" >&2; exit 1; }
[ -f "$dir/ok" ] && { echo "$dir" >&3; exit 0; }
[ "$(id -u)" = 0 ] || die "needs root (loop mount, chroot)"
[ -f "$base/rootfs.raw" ] || die "$base holds no rootfs.raw"
mkdir -p "$cache"
exec 9>"$cache/.lock-apt"
flock 9
[ -f "$dir/ok" ] && { echo "$dir" >&3; exit 0; }

start=$(date +%s)
tmp=$(mktemp -d "$cache/.apt-build.XXXXXX")
mnt="$tmp/mnt"
mkdir -p "$mnt" "$tmp/out/debs"
undo() {
  local m
  for m in $(awk -v r="$mnt" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do umount -l "$m" 2>/dev/null || true; done
  [ -z "${loopdev:-}" ] || losetup -d "$loopdev" 2>/dev/null || true
  rm -rf "$tmp"
}
trap undo EXIT
trap 'exit 130' INT TERM
cp --sparse=always "$base/rootfs.raw" "$tmp/out/rootfs.raw"
loopdev=$(losetup -f --show "$tmp/out/rootfs.raw") || die "no loop device for a copy of $base/rootfs.raw (losetup -f failed)"
mount "$loopdev" "$mnt" || die "cannot mount $loopdev (a copy of $base/rootfs.raw)"
mount --bind /proc "$mnt/proc"
mount --bind /dev "$mnt/dev"
cp /etc/resolv.conf "$mnt/etc/resolv.conf"
in_root() { chroot "$mnt" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

versions=()
for p in "${PKGS[@]}"; do
  v=$(in_root dpkg-query -W -f='${Version}' "$p") || die "$p is not in the base image"
  versions+=("$p=$v")
done
in_root apt-get -q update >"$tmp/build.log" 2>&1 || { tail -n 20 "$tmp/build.log"; die "apt-get update in the image failed"; }
mkdir -p "$mnt/root/debs"
in_root sh -c "cd /root/debs && apt-get -q download ${versions[*]}" >>"$tmp/build.log" 2>&1 \
  || { tail -n 20 "$tmp/build.log"; die "apt-get download ${versions[*]} failed"; }
in_root apt-get clean
in_root apt-get -q -y --no-install-recommends --download-only install curl >>"$tmp/build.log" 2>&1 \
  || { tail -n 20 "$tmp/build.log"; die "apt-get --download-only install curl failed"; }
mv "$mnt"/var/cache/apt/archives/*.deb "$mnt/root/debs/"
in_root apt-get -q -y --no-install-recommends install gpg >>"$tmp/build.log" 2>&1 || { tail -n 20 "$tmp/build.log"; die "installing gpg failed"; }
in_root dpkg --purge "${PKGS[@]}" >>"$tmp/build.log" 2>&1 || { tail -n 20 "$tmp/build.log"; die "dpkg --purge ${PKGS[*]} failed"; }
mv "$mnt"/root/debs/*.deb "$tmp/out/debs/"
# The placeholder for the Mesos package (see above).
mkdir -p "$tmp/placeholder/DEBIAN"
printf '%s\n' 'Package: aventer-mesos' 'Version: 0.0-mesosimg-e2e' 'Architecture: all' \
  'Maintainer: mesosimg e2e <e2e@invalid>' \
  "Description: placeholder for AVENTER's Mesos package in mesosimg's e2e (no files)" \
  ' The real package comes from rpm.aventer.biz, which the e2e does not reach.' >"$tmp/placeholder/DEBIAN/control"
dpkg-deb --root-owner-group --build "$tmp/placeholder" "$tmp/out/debs/aventer-mesos_0.0-mesosimg-e2e_all.deb" >/dev/null \
  || die "dpkg-deb could not build the aventer-mesos placeholder"
rmdir "$mnt/root/debs"
: >"$mnt/etc/apt/sources.list"
in_root apt-get clean
rm -rf "$mnt"/var/lib/apt/lists/*
: >"$mnt/etc/resolv.conf"
# A maintainer script's daemon must not keep the tree busy: kill what has its root there.
for p in /proc/[0-9]*; do
  [ "$(readlink "$p/root" 2>/dev/null)" = "$mnt" ] && kill -9 "${p#/proc/}" 2>/dev/null || true
done
umount "$mnt/dev" "$mnt/proc"
umount "$mnt"
# Everything on the file before it is read as an image (the loop device writes through the page
# cache), and the file system clean: checked, never repaired.
blockdev --flushbufs "$loopdev"
losetup -d "$loopdev"
loopdev=
sync
e2fsck -fn "$tmp/out/rootfs.raw" >>"$tmp/build.log" 2>&1 || { tail -n 20 "$tmp/build.log"; die "the new image's file system has errors (e2fsck -fn)"; }
cp "$base/vmlinuz" "$base/initrd.img" "$tmp/out/"
mv "$tmp/build.log" "$tmp/out/"
printf '%s\n' "${versions[@]}" >"$tmp/out/versions"
date -u +%FT%TZ >"$tmp/out/ok"
rm -rf "$dir"
mv "$tmp/out" "$dir"
# Variants of older base images or versions of this script: keep this one and the newest other
# one (a run started before the change may still be booting it), delete the rest.
keep=1
# shellcheck disable=SC2045 # newest first needs ls -t; the names are ours (no spaces)
for old in $(ls -1dt "$cache"/apt-variant-* 2>/dev/null); do
  [ "$old" != "$dir" ] && [ -f "$old/ok" ] || continue
  if [ $keep -gt 0 ]; then keep=$((keep - 1)); else rm -rf "$old"; fi
done
log "built in $(( $(date +%s) - start ))s: $dir ($(printf '%s ' "${versions[@]}"))"
echo "$dir" >&3
