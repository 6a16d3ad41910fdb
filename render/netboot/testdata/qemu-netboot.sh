#!/usr/bin/env bash
# Builds the kernel and initramfs TestNetbootInQemu network-boots in place of the Debian installer's:
# Debian 12's cloud kernel (virtio built in) and a busybox initramfs whose /init prints the kernel
# command line it was given on the serial console ("CMDLINE <contents of /proc/cmdline>") and
# powers the machine off. Writes BOOT_DIR/vmlinuz and BOOT_DIR/initrd.gz:
#   render/netboot/testdata/qemu-netboot.sh BOOT_DIR
# Needs apt-get (to download linux-image-cloud-amd64's kernel and busybox-static .debs), dpkg-deb,
# gzip. The result is cached in ${TMPDIR:-/tmp}/mesosimg-netboot-cache, keyed by the packages'
# versions and this script.
set -euo pipefail

for c in apt-get apt-cache dpkg-deb gzip sha256sum; do
  command -v "$c" >/dev/null || { echo "$c not found: install with: apt-get install apt dpkg gzip coreutils" >&2; exit 1; }
done

boot=${1:?usage: qemu-netboot.sh BOOT_DIR}
mkdir -p "$boot"
boot=$(cd "$boot" && pwd)
script=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

kpkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/ {print $2; exit}')
[ -n "$kpkg" ] || { echo "qemu-netboot.sh: apt-cache knows no linux-image-cloud-amd64 (apt-get update?)" >&2; exit 1; }
version() { apt-cache policy "$1" | awk '/Candidate:/ {print $2; exit}'; }
key=$(printf '%s %s busybox-static %s %s' "$kpkg" "$(version "$kpkg")" "$(version busybox-static)" \
  "$(sha256sum < "$script")" | sha256sum | cut -c1-16)
cache=${TMPDIR:-/tmp}/mesosimg-netboot-cache/$key

if [ ! -s "$cache/vmlinuz" ] || [ ! -s "$cache/initrd.gz" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cd "$work"
  apt-get download "$kpkg" busybox-static >apt.log 2>&1 || { cat apt.log >&2; exit 1; }
  dpkg-deb -x linux-image-*.deb k
  dpkg-deb -x busybox-static*.deb bb
  kver=$(ls k/lib/modules)

  mkdir -p root/bin root/dev root/proc
  cp bb/bin/busybox root/bin/
  # The kernel hands /init the installer's parameters (and "---") as arguments and environment:
  # they are ignored. The console may be anything the command line names; the serial port is
  # written directly.
  cat > root/init <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
/bin/busybox printf 'CMDLINE %s\n' "$(/bin/busybox cat /proc/cmdline)" > /dev/ttyS0
/bin/busybox sync
/bin/busybox poweroff -f
INIT
  chmod +x root/init
  (cd root && find . | ../bb/bin/busybox cpio -o -H newc 2>/dev/null | gzip -9 > ../initrd.gz)

  mkdir -p "$cache.$$"
  cp "k/boot/vmlinuz-$kver" "$cache.$$/vmlinuz"
  cp initrd.gz "$cache.$$/initrd.gz"
  echo "$kpkg $(version "$kpkg"), busybox-static $(version busybox-static)" > "$cache.$$/packages"
  rm -rf "$cache"
  mv -T "$cache.$$" "$cache" 2>/dev/null || rm -rf "$cache.$$" # another run got there first
fi
cp "$cache/vmlinuz" "$cache/initrd.gz" "$boot/"
cat "$cache/packages"
