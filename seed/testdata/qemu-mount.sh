#!/usr/bin/env bash
# Mounts the seed images with a real Linux kernel (Debian 12's cloud kernel) inside a qemu guest and
# compares every file, through Rock Ridge, Joliet (norock) and VFAT long names. For hosts that cannot
# loop-mount iso9660/vfat themselves. TestKernelMount runs it with a directory holding the images
# (typical.iso, typical.img, odd.iso, odd.img) and "expected" (SET SHA256  NAME lines):
#   seed/testdata/qemu-mount.sh FIXTURE_DIR
# Needs qemu-system-x86, apt-get (to download linux-image-cloud-amd64 and busybox-static .debs),
# dpkg-deb, gzip. Exit status 0 when the kernel sees every file with its exact name and bytes.
set -euo pipefail

for c in qemu-system-x86_64 apt-get apt-cache dpkg-deb gzip; do
  command -v "$c" >/dev/null || { echo "$c not found: install with: apt-get install qemu-system-x86 apt dpkg gzip" >&2; exit 1; }
done

fixtures=$(cd "${1:?usage: qemu-mount.sh FIXTURE_DIR}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

kpkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/ {print $2; exit}')
apt-get download "$kpkg" busybox-static >/dev/null 2>&1
dpkg-deb -x linux-image-*.deb k
dpkg-deb -x busybox-static*.deb bb
kver=$(ls k/lib/modules)

mkdir -p root/bin root/mods root/imgs root/dev root/proc root/sys root/mnt root/tmp
cp bb/bin/busybox root/bin/
for m in cdrom loop isofs fat vfat nls_cp437 nls_ascii nls_utf8; do
  cp "$(find "k/lib/modules/$kver" -name "$m.ko*" | sed -n 1p)" root/mods/
done
cp "$fixtures"/* root/imgs/

cat > root/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in cdrom loop isofs fat vfat nls_cp437 nls_ascii nls_utf8; do insmod /mods/$m.ko* || echo "RESULT FAIL insmod $m"; done
check() { # set image fstype options
  if ! mount -o "loop,ro$4" -t "$3" "/imgs/$2" /mnt; then echo "RESULT FAIL mount $2$4"; return; fi
  (cd /mnt && for f in * .[!.]*; do [ -f "$f" ] && echo "$1 $(sha256sum < "./$f" | cut -d' ' -f1)  $f"; done) | sort > /tmp/have
  umount /mnt
  grep "^$1 " /imgs/expected | sort > /tmp/want
  if cmp -s /tmp/want /tmp/have; then echo "RESULT ok $2 ($3$4)"; else echo "RESULT FAIL $2 ($3$4)"; diff /tmp/want /tmp/have; fi
}
for s in typical odd; do
  check $s $s.iso iso9660 ""          # Rock Ridge names
  check $s $s.iso iso9660 ",norock"   # Joliet names
  check $s $s.img vfat ""             # VFAT long names
done
dmesg | grep -iE "rock|iso ?9660|joliet|fat-fs" | sed 's/^/KERNEL /'
poweroff -f
INIT
chmod +x root/init
(cd root && find . | ../bb/bin/busybox cpio -o -H newc 2>/dev/null | gzip > ../initrd.gz)

out=$(timeout 600 qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot \
  -kernel "k/boot/vmlinuz-$kver" -initrd initrd.gz -append "console=ttyS0 quiet panic=-1" 2>&1 | tr -d '\r')
# The console may glue the first line of output to the firmware's escape sequences: match anywhere.
echo "$out" | grep -oE '(RESULT|KERNEL) .*|^[-+][^-+].*' || true
ok=$(echo "$out" | grep -oE 'RESULT ok .*' | wc -l)
if [ "$ok" -ne 6 ] || grep -q 'RESULT FAIL' <<<"$out"; then
  echo "FAIL: $ok of 6 mounts matched" >&2
  exit 1
fi
echo "PASS: the kernel read all 6 mounts with exact names and bytes"
