#!/usr/bin/env bash
# e2e/debian-installer.sh — boots Debian 12's real netboot installer with a node's rendered kernel
# command line (nodes/<node>/cmdline) and checks that the installer takes it as meant: it brings the
# network up with the static address from the command line, fetches the node's preseed.cfg from
# installer.answers_url, verifies it against preseed/url/checksum, loads it, takes the preseeded
# mirror without asking, and goes on to download its components. A second boot with a wrong
# checksum must be refused ("Checksum error"), so the check bites. Run by `make e2e`.
#
# The installer comes from Debian's debian-installer-12-netboot-amd64 package (apt-get download,
# cached in $E2E_CACHE). The guest reaches the host through qemu's user network (the host is
# 10.0.2.2): the answers are served from a local HTTP server, the installer's components come from
# the Debian mirror. Where that mirror does not serve .udeb files (as behind this project's
# package proxy) the installer stops at "Download installer components", which is past every step
# checked here; a full install is not run (it takes an hour under software emulation).
#
# Needs: root is not required; qemu-system-x86_64, apt-get, dpkg-deb, /usr/bin/python3.
# Knobs: E2E_CACHE (default /var/cache/mesosimg-e2e), E2E_WORK, E2E_DI_TIMEOUT=420 (seconds per boot),
# E2E_MIRROR (the Debian mirror the installer uses; default the one this host's apt uses).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
MESOSIMG=${MESOSIMG:-$repo/bin/mesosimg}
cache=${E2E_CACHE:-/var/cache/mesosimg-e2e}
TIMEOUT=${E2E_DI_TIMEOUT:-420}
T0=$(date +%s)
say() { printf 'd-i: %s\n' "$*"; }
die() { printf 'd-i: FAIL: %s\n' "$*" >&2; exit 1; }

for t in qemu-system-x86_64 apt-get apt-cache dpkg-deb timeout; do
  command -v "$t" >/dev/null || die "$t not found (make e2e-deps installs it)"
done
[ -x "$MESOSIMG" ] || die "$MESOSIMG not built (make build)"

WORK=${E2E_WORK:-$(mktemp -d /tmp/mesosimg-di.XXXXXX)}
mkdir -p "$WORK" "$cache"
pids=()
cleanup() {
  local rc=$? p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -f "$WORK"/*.qcow2
  if [ $rc = 0 ]; then say "PASS in $(( $(date +%s) - T0 ))s (logs: $WORK)"; else say "FAILED (logs: $WORK)"; fi
}
trap cleanup EXIT

# 1. The installer: Debian's netboot package, the version this host's apt offers (cached).
pkg=debian-installer-12-netboot-amd64
ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ { print $2 }')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "apt knows no $pkg (apt-get update? Debian 12 sources?)"
di="$cache/$pkg-${ver//[^A-Za-z0-9.+~-]/_}"
if [ ! -f "$di/ok" ]; then
  say "fetching $pkg $ver (once)"
  rm -rf "$di.tmp"; mkdir -p "$di.tmp"
  (cd "$di.tmp" && apt-get -o APT::Sandbox::User=root download "$pkg=$ver" >/dev/null) || die "apt-get download $pkg=$ver failed"
  dpkg-deb -x "$di.tmp"/*.deb "$di.tmp/x"
  src="$di.tmp/x/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64"
  [ -s "$src/linux" ] && [ -s "$src/initrd.gz" ] || die "$pkg has no text netboot linux/initrd.gz"
  mv "$src/linux" "$src/initrd.gz" "$di.tmp/"
  rm -rf "$di.tmp/x" "$di.tmp"/*.deb
  date -u +%FT%TZ >"$di.tmp/ok"
  rm -rf "$di"; mv "$di.tmp" "$di"
fi
say "installer: $di"

# 2. Serve the output directory; render a node whose answers are served from it, installing from the
# Debian mirror the guest image is built from (e2e/image.sh --mirror: this host's apt's, or E2E_MIRROR).
mirror=$("$repo/e2e/image.sh" --mirror) || die "no Debian mirror (e2e/image.sh --mirror)"
case "$mirror" in
  http://*|https://*) ;;
  *) die "the Debian mirror '$mirror' is not http(s); set E2E_MIRROR=http://<debian mirror>/debian" ;;
esac
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$WORK/cluster.yaml" <<EOF
# One debian-12 node installed from the network: static install address on qemu's user network.
version: 1
cluster: di-e2e
os: debian-12
install: {method: preinstalled}
network: {prefix: 24, gateway: 10.0.2.2, dns: [10.0.2.3]}
admin:
  user: ops
  ssh_authorized_keys: [ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMesosImgTestKeyOnlyForGoldenFilesAAAAAAAA ops@example]
security: {admin_cidrs: [10.0.2.0/24]}
installer:
  disk: largest
  mirror: $mirror
  answers_url: http://10.0.2.2:$port/out
  kernel_args: ["console=ttyS0,115200n8"]
nodes:
  - {name: m1, ip: 10.0.2.50, roles: [zookeeper, master, agent], interface: eth0, mac: "52:54:00:12:34:56"}
EOF
"$MESOSIMG" render "$WORK/cluster.yaml" -o "$WORK/out" --force >"$WORK/render.log" 2>&1 || die "render failed: $(cat "$WORK/render.log")"
cmdline=$(cat "$WORK/out/nodes/m1/cmdline")
grep -q "preseed/url/checksum=" <<<"$cmdline" || die "the rendered cmdline has no preseed/url/checksum: $cmdline"
(cd "$WORK" && exec /usr/bin/python3 -m http.server "$port" --bind 127.0.0.1) >"$WORK/http.log" 2>&1 &
pids+=($!)
say "cmdline: $cmdline"

# 3. Two installers at once: the rendered command line (static address 10.0.2.50: qemu's DHCP would
# hand out 10.0.2.15, and the installer must not run DHCP at all), and a control: the same without
# the static netcfg/ parameters (so it runs DHCP, which must show on its screen) and with a wrong
# checksum (which it must refuse).
boot() {  # boot NAME CMDLINE
  qemu-img create -q -f qcow2 "$WORK/$1.qcow2" 8G
  timeout "$TIMEOUT" qemu-system-x86_64 -name "$1" -machine pc -accel tcg,thread=multi -cpu max -smp 1 -m 1024 \
    -nodefaults -no-user-config -display none -no-reboot \
    -kernel "$di/linux" -initrd "$di/initrd.gz" -append "$2" \
    -drive "file=$WORK/$1.qcow2,if=virtio,format=qcow2" \
    -netdev user,id=n0 -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56 \
    -serial "file:$WORK/$1.console.log" >"$WORK/$1.qemu.log" 2>&1 &
  pids+=($!)
}
boot good "$cmdline"
boot badsum "$(sed 's/checksum=[0-9a-f]*/checksum=00000000000000000000000000000000/; s| netcfg/[^ ]*||g' <<<"$cmdline")"

screen() {  # the console so far, without escape sequences (empty before qemu made it)
  [ -f "$WORK/$1.console.log" ] || return 0
  tr -d '\r' 2>/dev/null <"$WORK/$1.console.log" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1b(.//g'; }
# Past the preseed: anna downloading (or failing to download) the installer's components.
PAST='Download installer components|Loading additional components|Detecting disks|Partition disks|Installing the base system'
BAD='Checksum error|\[!!\] Download debconf preconfiguration file|Failed to process the preconfiguration|\[!!\] Configure the network|Bad archive mirror|\[!!\] Choose a mirror'
good='' bad=''
deadline=$(( $(date +%s) + TIMEOUT ))
# (Screens are read into variables first: grep -q on a pipe would end it early, which pipefail
# reports as a failure.)
while [ -z "$good" ] || [ -z "$bad" ]; do
  sg=$(screen good || true); sb=$(screen badsum || true)
  [ -z "$good" ] && if grep -qE "$BAD" <<<"$sg"; then good=fail; elif grep -qE "$PAST" <<<"$sg"; then good=ok; fi
  [ -z "$bad" ] && grep -q 'Checksum error' <<<"$sb" && bad=ok
  if [ -n "$good" ] && grep -qiE 'dhcp|autoconfiguration' <<<"$sg"; then good=dhcp; fi
  [ "$(date +%s)" -lt "$deadline" ] || break
  sleep 3
done
fetches=$(grep -c 'GET /out/nodes/m1/preseed.cfg' "$WORK/http.log" || true)
[ "${fetches:-0}" -ge 2 ] || die "the answers server saw $fetches request(s) for the preseed, not one per installer: $(cat "$WORK/http.log")"
[ "$good" != dhcp ] || die "the installer ran DHCP although the command line sets a static address:
$(screen good | grep -iE 'dhcp|autoconfiguration' | sed -n 1,5p)"
if [ "$good" = ok ]; then
  say "ok: the installer fetched the preseed ($fetches requests), accepted its checksum, loaded it and went on: $(screen good | grep -oE "$PAST" | sed -n 1p)"
else
  die "the installer did not get past the preseed with the rendered command line (${good:-timeout after ${TIMEOUT}s}); screen:
$(screen good | grep -E '\[!!\]|[A-Za-z]{4,} [a-z]{3,}' | tail -n 25)"
fi
if [ "$bad" = ok ]; then
  say "ok: with a wrong preseed/url/checksum the installer refuses the preseed (Checksum error)"
else
  die "a wrong preseed/url/checksum was not refused within ${TIMEOUT}s"
fi
# The control ran DHCP and its screen says so; the rendered command line's screen never did.
if grep -qiE 'dhcp|autoconfiguration' <<<"$(screen badsum)"; then
  say "ok: the control without the static parameters ran DHCP (on its screen); the rendered one configured 10.0.2.50 statically (no DHCP on its screen)"
else
  die "the control installer without static parameters shows no DHCP on its screen: the no-DHCP check proves nothing"
fi
