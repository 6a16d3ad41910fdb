#!/usr/bin/env bash
# e2e/run.sh — boots three Debian 12 VMs from the seeds `mesosimg render` makes of e2e/cluster.yaml
# and checks that cloud-init builds the cluster. Run by `make e2e` (after install-deps --e2e and the
# build of bin/mesosimg). See e2e/README.md.
#
# Needs: root, /dev/net/tun, qemu-system-x86_64 + qemu-img, debootstrap, mkfs.ext4/debugfs, ip,
# and /usr/bin/python3 with yaml. Anything missing fails.
#
# Knobs (environment):
#   E2E_BOOT_TIMEOUT=600   seconds from power-on until every node must be ready
#   E2E_SEEDS=DIR          boot the seeds in DIR/nodes/<node>/ instead of rendering (harness development)
#   E2E_CLUSTER=FILE       another description (3+ nodes with ip and mac)
#   E2E_ZK_AUTOSTART=1     (default) the image's zookeeper starts on its own at boot, as the stock package
#                          does, racing cloud-init; 0: it stays disabled until the seed enables it (Packer)
#   E2E_KEEP=1             keep the VM disks (overlays) in the work directory
#   E2E_WORK=DIR           work directory (default: a new /tmp/mesosimg-e2e.XXXXXX, kept, logs inside)
#   E2E_CACHE=DIR          image cache (default /var/cache/mesosimg-e2e)
#   E2E_DOWN=REGEX         readiness words expected here, for the binaries the image cannot have
#                          (default: mesos-master and mesos-agent missing, marathon failed as docker is missing)
#   E2E_ALLOW=REGEX        other cloud-init / systemd errors expected here (default: none; nothing of mesosimg's own)
#   E2E_VM_MEM=1024        MiB per VM
#   E2E_IMPOSTOR=N         boot a 4th VM (another MAC) with node N's seed at the same time: it must refuse
#                          the seed and start nothing (default the second node; "none" skips it)
#   E2E_DISK_SEED_NODE=N   the node installed "bare metal": its preseed late_command writes the NoCloud
#                          seed onto its disk (in an installer-like VM) and it boots with no seed device;
#                          default the last node; "none" boots every node from seed.iso
set -euo pipefail

T0=$(date +%s)
repo=$(cd "$(dirname "$0")/.." && pwd)
e2e="$repo/e2e"
MESOSIMG=${MESOSIMG:-$repo/bin/mesosimg}
CLUSTER=${E2E_CLUSTER:-$e2e/cluster.yaml}
BOOT_TIMEOUT=${E2E_BOOT_TIMEOUT:-600}
MEM=${E2E_VM_MEM:-1024}
# Mesos and Marathon are not in Debian and the image has no Docker: exactly these words may be not ok.
E2E_DOWN=${E2E_DOWN:-^(mesos-master=missing|mesos-agent=missing|marathon=failed)$}
# (?!) matches nothing: no console error, cloud-init warning or failed unit is expected by default.
export E2E_ALLOW=${E2E_ALLOW:-(?!)}
PY=/usr/bin/python3

E2E_TAG=e2e
# shellcheck source=e2e/lib.sh
. "$e2e/lib.sh"

# ---------------------------------------------------------------- preflight: fail loudly, never skip
[ "$(id -u)" = 0 ] || die "must run as root (network namespace, taps, debootstrap); try: sudo make e2e"
for t in qemu-system-x86_64 qemu-img ip debootstrap mkfs.ext4 debugfs timeout flock setsid; do
  [ -x "$(command -v "$t")" ] || die "$t not found; make e2e-deps (scripts/install-deps.sh --e2e) installs it"
done
[ -x "$PY" ] && "$PY" -c 'import yaml' 2>/dev/null || die "$PY with the yaml module is needed (apt-get install python3-yaml)"
[ -c /dev/net/tun ] || die "/dev/net/tun does not exist: tap devices are impossible here (container without --device /dev/net/tun?)"
( exec 8<>/dev/net/tun ) 2>/dev/null || die "/dev/net/tun cannot be opened (missing capability?)"
[ -x "$MESOSIMG" ] || [ -n "${E2E_SEEDS:-}" ] || die "$MESOSIMG not built (make build)"
[ -f "$CLUSTER" ] || die "$CLUSTER not found"

WORK=${E2E_WORK:-$(mktemp -d /tmp/mesosimg-e2e.XXXXXX)}
mkdir -p "$WORK/logs" "$WORK/vm"
NS="mesosimg-e2e-$$"
declare -A QPID=() T_FIN=() T_READY=() T_PROBE=() READY_LINE=() NODE_ALLOW=()
FAILS=()
fail() { FAILS+=("$1"); printf 'e2e: FAIL: %s\n' "$1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/    | /'; }
ok()   { printf 'e2e: ok: %s\n' "$*"; }

# ---------------------------------------------------------------- cleanup, also on failure or ^C
cleanup() {
  local rc=$? n p
  trap - EXIT INT TERM
  vms_stop 10
  netns_down "$NS"
  if [ "${E2E_KEEP:-0}" != 1 ]; then
    rm -f "$WORK"/vm/*.qcow2 "$WORK"/vm/*.raw
    # After a pass, the render (seeds, generated credentials) is not needed: the logs keep user-data.
    [ $rc -ne 0 ] || [ -n "${E2E_SEEDS:-}" ] || rm -rf "$WORK/out" "$WORK"/cluster.*
  fi
  rm -f "$WORK"/vm/*.qmp
  if [ $rc -eq 0 ]; then
    say "PASS in $(since "$T0")s (logs: $WORK/logs)"
  else
    say "FAILED (exit $rc) after $(since "$T0")s; consoles, cloud-init logs and files read from the disks: $WORK/logs"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'echo; say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

# ---------------------------------------------------------------- 1. image (cached)
t=$(date +%s)
IMG=$("$e2e/image.sh") || die "building the guest image failed"
[ -f "$IMG/rootfs.raw" ] && [ -f "$IMG/vmlinuz" ] || die "e2e/image.sh printed '$IMG', which holds no image"
T_IMAGE=$(since "$t")
say "image: $IMG (${T_IMAGE}s)"

# ---------------------------------------------------------------- 2. render
if [ -n "${E2E_SEEDS:-}" ]; then
  OUT=$E2E_SEEDS
  say "using seeds from $OUT (E2E_SEEDS; no render)"
else
  OUT="$WORK/out"
  rm -rf "$OUT"
  # Render a copy: the generated credentials (<description>.secrets.yaml, written beside the
  # description on the first render) then land in the work directory, fresh each run, not in the repo.
  cp "$CLUSTER" "$WORK/cluster.yaml"
  "$MESOSIMG" render "$WORK/cluster.yaml" -o "$OUT" >"$WORK/logs/render.log" 2>&1 \
    || die "mesosimg render $CLUSTER failed:$(printf '\n'; sed 's/^/    | /' "$WORK/logs/render.log")"
  say "rendered $CLUSTER into $OUT$( [ -s "$WORK/logs/render.log" ] && printf '; render said:\n'; sed 's/^/    | /' "$WORK/logs/render.log")"
fi

# Nodes: name ip mac interface prefix
mapfile -t NODES < <("$PY" - "$CLUSTER" <<'EOF'
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
net = c.get("network") or {}
if not c.get("nodes"):
    sys.exit(0)
for n in c["nodes"]:
    print(n["name"], n["ip"], n.get("mac", "-"), n.get("interface") or net.get("interface") or "-",
          n.get("prefix", net.get("prefix", 24)))
EOF
)
[ ${#NODES[@]} -ge 3 ] || die "$CLUSTER must have 3 nodes (ZooKeeper ensemble), it has ${#NODES[@]}"
for line in "${NODES[@]}"; do
  read -r n ip mac _ <<<"$line"
  [ "$mac" != - ] || die "node $n has no mac: in $CLUSTER (the VM's NIC must match the seed)"
  for f in user-data meta-data network-config seed.iso; do
    [ -s "$OUT/nodes/$n/$f" ] || die "$OUT/nodes/$n/$f missing or empty after render"
  done
  cp "$OUT/nodes/$n/user-data" "$WORK/logs/$n.user-data"
  cp "$OUT/nodes/$n/network-config" "$WORK/logs/$n.network-config"
done

# The bare-metal node: no seed device; its preseed's late_command puts the seed on its disk (step 3b).
DISK_NODE=${E2E_DISK_SEED_NODE:-$(awk '{ n = $1 } END { print n }' <<<"$(printf '%s\n' "${NODES[@]}")")}
if [ "$DISK_NODE" = none ]; then
  DISK_NODE=
  say "E2E_DISK_SEED_NODE=none: every node boots from seed.iso; the preseed late_command is NOT exercised"
else
  printf '%s\n' "${NODES[@]}" | awk -v n="$DISK_NODE" '$1 == n { f = 1 } END { exit !f }' \
    || die "E2E_DISK_SEED_NODE=$DISK_NODE is not a node of $CLUSTER"
  [ -s "$OUT/nodes/$DISK_NODE/preseed.cfg" ] || die "$OUT/nodes/$DISK_NODE/preseed.cfg missing (the e2e cluster must be os: debian-12)"
  cp "$OUT/nodes/$DISK_NODE/preseed.cfg" "$WORK/logs/$DISK_NODE.preseed.cfg"
fi
seed_of() { if [ "$1" = "$DISK_NODE" ]; then echo /var/lib/cloud/seed/nocloud; else echo /dev/sr0; fi; }

# ---------------------------------------------------------------- 3. network namespace, bridge, taps
BR_ADDR=$(awk '{ split($2, a, "."); print a[1] "." a[2] "." a[3] ".1/" $5; exit }' <<<"${NODES[0]}")
# Is the bridge address (the host side of the checks) one the description lets administer the nodes?
ADMIN=$("$PY" - "$CLUSTER" "${BR_ADDR%/*}" <<'EOF'
import ipaddress, sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
cidrs = ((c.get("security") or {}).get("admin_cidrs")) or []
ip = ipaddress.ip_address(sys.argv[2])
print("yes" if any(ip in ipaddress.ip_network(x, strict=False) for x in cidrs) else "no")
EOF
)
ip netns add "$NS" || die "ip netns add failed (need CAP_SYS_ADMIN and a writable /run/netns)"
ip -n "$NS" link set lo up
ip -n "$NS" link add br0 type bridge
ip -n "$NS" addr add "$BR_ADDR" dev br0     # the host side of the checks: inside the namespace only
ip -n "$NS" link set br0 up
i=0
for line in "${NODES[@]}"; do
  i=$((i + 1))
  ip -n "$NS" tuntap add dev "tap$i" mode tap || die "cannot create tap$i in $NS (/dev/net/tun usable?)"
  ip -n "$NS" link set "tap$i" master br0 up
done
# The impostor: another machine (another MAC) that an operator booted with a node's seed.
read -r second _ <<<"${NODES[1]:-}"
IMPOSTOR_OF=${E2E_IMPOSTOR:-${second:-none}}
[ "$IMPOSTOR_OF" = none ] && IMPOSTOR_OF=
IMPOSTOR_MAC=52:54:00:77:00:99
if [ -n "$IMPOSTOR_OF" ]; then
  printf '%s\n' "${NODES[@]}" | awk -v n="$IMPOSTOR_OF" '$1 == n && $3 != "-" { f = 1 } END { exit !f }' \
    || die "E2E_IMPOSTOR=$IMPOSTOR_OF: not a node of the description with a mac (the seed check needs one)"
  i=$((i + 1))
  ip -n "$NS" tuntap add dev "tap$i" mode tap || die "cannot create tap$i in $NS"
  ip -n "$NS" link set "tap$i" master br0 up
  IMPOSTOR_TAP=tap$i
fi
say "netns $NS: br0 $BR_ADDR, tap1..tap$i"

# ---------------------------------------------------------------- 4. boot
# no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer check can fail and panic
# ("IO-APIC + timer doesn't work!", seen with 15+ runnable qemu threads on 2 cores); VMs skip it.
append="root=/dev/vda rw console=ttyS0,115200 panic=-1 no_timer_check"
# The image has zookeeper disabled, as a Packer bake would; by default the harness boots it the way the
# stock Debian package behaves (enabled on install): zookeeper starts on its own with the example config
# before cloud-init has written the real one. The seed must cope: write, then enable + restart.
[ "${E2E_ZK_AUTOSTART:-1}" = 1 ] && append="$append systemd.wants=zookeeper.service"
for line in "${NODES[@]}"; do
  read -r n _ <<<"$line"
  qemu-img create -q -f qcow2 -F raw -b "$IMG/rootfs.raw" "$WORK/vm/$n.qcow2"
done

# ---------------------------------------------------------------- 3b. the bare-metal node's install, last mile
# The Debian installer ends by running preseed/late_command with /target mounted. An installer-like VM
# (the image booted with init=mesosimg-e2e-install, see e2e/guest/) mounts the node's disk on /target,
# leaves there what netcfg writes for a static install, and runs the late_command exactly as
# preseed.cfg holds it (the value debconf-set-selections reads: the rest of the line after the type).
T_INSTALL=-
if [ -n "$DISK_NODE" ]; then
  t=$(date +%s)
  read -r _ dip _ _ dprefix < <(printf '%s\n' "${NODES[@]}" | awk -v n="$DISK_NODE" '$1 == n')
  ans="$WORK/vm/answers"; rm -rf "$ans"; mkdir -p "$ans"
  sed -n 's/^d-i preseed\/late_command string //p' "$OUT/nodes/$DISK_NODE/preseed.cfg" | tr -d '\n' >"$ans/late_command.sh"
  [ -s "$ans/late_command.sh" ] || die "$OUT/nodes/$DISK_NODE/preseed.cfg has no 'd-i preseed/late_command string' line"
  { printf 'NODE=%s\nFQDN=%s.e2e.invalid\nIP=%s\nPREFIX=%s\n' "$DISK_NODE" "$DISK_NODE" "$dip" "$dprefix"
    printf 'GATEWAY=%s\nDNS=%s\n' "${BR_ADDR%/*}" "${BR_ADDR%/*}"; } >"$ans/node.env"
  mkfs.ext4 -q -F -L answers -d "$ans" "$WORK/vm/answers.raw" 16M >/dev/null || die "mkfs.ext4 -d of the answers disk failed"
  qemu-img create -q -f qcow2 -F raw -b "$IMG/rootfs.raw" "$WORK/vm/installer.qcow2"
  : >"$WORK/logs/$DISK_NODE.install.console.log"
  timeout 300 qemu-system-x86_64 -name "$DISK_NODE-install" -machine pc -accel tcg,thread=multi -cpu max -smp 1 -m "$MEM" \
    -nodefaults -no-user-config -display none -no-reboot -nic none \
    -kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0,115200 panic=-1 no_timer_check init=/usr/local/sbin/mesosimg-e2e-install" \
    -drive "file=$WORK/vm/installer.qcow2,if=virtio,format=qcow2" \
    -drive "file=$WORK/vm/$DISK_NODE.qcow2,if=virtio,format=qcow2" \
    -drive "file=$WORK/vm/answers.raw,if=virtio,format=raw,readonly=on" \
    -serial "file:$WORK/logs/$DISK_NODE.install.console.log" >"$WORK/logs/$DISK_NODE.install.qemu.log" 2>&1 \
    || die "$DISK_NODE: the installer VM failed or took over 300s:$(printf '\n'; tail -n 30 "$WORK/logs/$DISK_NODE.install.console.log" | sed 's/^/    | /')"
  rm -f "$WORK/vm/installer.qcow2" "$WORK/vm/answers.raw"
  T_INSTALL=$(since "$t")
  ic=$(tr -d '\r' <"$WORK/logs/$DISK_NODE.install.console.log" | grep -a 'e2e-install: ' || true)
  if grep -q 'e2e-install: late_command exit 0' <<<"$ic" && grep -q 'e2e-install: done' <<<"$ic"; then
    ok "$DISK_NODE: the preseed late_command ($(wc -c <"$ans/late_command.sh") bytes) ran on /target in ${T_INSTALL}s: $(grep -o 'seed .*' <<<"$ic" | tr '\n' ';')"
  else
    die "$DISK_NODE: the preseed late_command did not complete on /target:$(printf '\n%s' "$ic" | sed 's/^/    | /')"
  fi
  # The seed's bytes, modes and owners on the disk are checked after the boot (check.py --seed).
fi

T_BOOT=$(date +%s)
i=0
for line in "${NODES[@]}"; do
  i=$((i + 1))
  read -r n ip mac _ <<<"$line"
  seed_drive=(-drive "file=$OUT/nodes/$n/seed.iso,if=ide,media=cdrom,readonly=on,format=raw")
  [ "$n" = "$DISK_NODE" ] && seed_drive=()          # bare metal: no seed device, the seed is on the disk
  : >"$WORK/logs/$n.console.log"
  ip netns exec "$NS" qemu-system-x86_64 -name "$n" -machine pc -accel tcg,thread=multi -cpu max -smp 1 -m "$MEM" \
    -nodefaults -no-user-config -display none -no-reboot \
    -kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.img" -append "$append" \
    -drive "file=$WORK/vm/$n.qcow2,if=virtio,format=qcow2" \
    "${seed_drive[@]}" \
    -netdev "tap,id=n0,ifname=tap$i,script=no,downscript=no" -device "virtio-net-pci,netdev=n0,mac=$mac" \
    -device virtio-rng-pci \
    -serial "file:$WORK/logs/$n.console.log" \
    -qmp "unix:$WORK/vm/$n.qmp,server=on,wait=off" \
    >"$WORK/logs/$n.qemu.log" 2>&1 &
  QPID[$n]=$!
done
if [ -n "$IMPOSTOR_OF" ]; then
  qemu-img create -q -f qcow2 -F raw -b "$IMG/rootfs.raw" "$WORK/vm/impostor.qcow2"
  : >"$WORK/logs/impostor.console.log"
  ip netns exec "$NS" qemu-system-x86_64 -name impostor -machine pc -accel tcg,thread=multi -cpu max -smp 1 -m "$MEM" \
    -nodefaults -no-user-config -display none -no-reboot \
    -kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.img" -append "$append" \
    -drive "file=$WORK/vm/impostor.qcow2,if=virtio,format=qcow2" \
    -drive "file=$OUT/nodes/$IMPOSTOR_OF/seed.iso,if=ide,media=cdrom,readonly=on,format=raw" \
    -netdev "tap,id=n0,ifname=$IMPOSTOR_TAP,script=no,downscript=no" -device "virtio-net-pci,netdev=n0,mac=$IMPOSTOR_MAC" \
    -device virtio-rng-pci \
    -serial "file:$WORK/logs/impostor.console.log" \
    -qmp "unix:$WORK/vm/impostor.qmp,server=on,wait=off" \
    >"$WORK/logs/impostor.qemu.log" 2>&1 &
  QPID[impostor]=$!
fi
imp=""; [ -n "$IMPOSTOR_OF" ] && imp=" and an impostor (MAC $IMPOSTOR_MAC) with the seed of $IMPOSTOR_OF"
say "booted ${#NODES[@]} VMs (TCG${DISK_NODE:+; $DISK_NODE with no seed device})$imp, waiting up to ${BOOT_TIMEOUT}s for cloud-init, the readiness line and the probe"

console() { tr -d '\r' <"$WORK/logs/$1.console.log" 2>/dev/null | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'; }
tail_of() { console "$1" | tail -n "${2:-40}"; }

deadline=$((T_BOOT + BOOT_TIMEOUT))
last_report=$T_BOOT
while :; do
  pending=0
  for line in "${NODES[@]}"; do
    read -r n _ <<<"$line"
    [ -n "${T_READY[$n]:-}" ] && [ -n "${T_FIN[$n]:-}" ] && [ -n "${T_PROBE[$n]:-}" ] && continue
    if ! kill -0 "${QPID[$n]}" 2>/dev/null; then
      fail "$n: qemu exited before the node was ready" "$(cat "$WORK/logs/$n.qemu.log"; tail_of "$n")"
      T_READY[$n]=dead; T_FIN[$n]=dead; T_PROBE[$n]=dead; continue
    fi
    c=$(console "$n")
    if grep -q 'Kernel panic' <<<"$c"; then
      fail "$n: kernel panic" "$(tail_of "$n")"; T_READY[$n]=dead; T_FIN[$n]=dead; T_PROBE[$n]=dead; continue
    fi
    if [ -z "${T_FIN[$n]:-}" ] && grep -qE 'Cloud-init v\. .* finished at' <<<"$c"; then
      T_FIN[$n]=$(since "$T_BOOT")
    fi
    if [ -z "${T_READY[$n]:-}" ] && l=$(grep -oE "mesosimg: $n .*" <<<"$c" | tail -n1) && [ -n "$l" ]; then
      T_READY[$n]=$(since "$T_BOOT"); READY_LINE[$n]=$l
      say "$n: readiness line after ${T_READY[$n]}s: $l"
    fi
    if [ -z "${T_PROBE[$n]:-}" ] && grep -qE "e2e-probe: $n (done|gave up)" <<<"$c"; then
      T_PROBE[$n]=$(since "$T_BOOT")
    fi
    { [ -n "${T_READY[$n]:-}" ] && [ -n "${T_FIN[$n]:-}" ] && [ -n "${T_PROBE[$n]:-}" ]; } || pending=$((pending + 1))
  done
  [ $pending = 0 ] && break
  now=$(date +%s)
  if [ "$now" -ge "$deadline" ]; then
    for line in "${NODES[@]}"; do
      read -r n _ <<<"$line"
      [ -z "${T_FIN[$n]:-}" ] && fail "$n: no 'Cloud-init v. ... finished at' on the console within ${BOOT_TIMEOUT}s" "$(tail_of "$n")"
      [ -z "${T_READY[$n]:-}" ] && fail "$n: no readiness line 'mesosimg: $n ...' on the console within ${BOOT_TIMEOUT}s" "$(tail_of "$n")"
      [ -z "${T_PROBE[$n]:-}" ] && say "$n: the ZooKeeper probe had not finished within ${BOOT_TIMEOUT}s"
    done
    break
  fi
  if [ $((now - last_report)) -ge 30 ]; then
    last_report=$now
    s=""
    for line in "${NODES[@]}"; do
      read -r n _ <<<"$line"
      s="$s ${n}[cloud-init ${T_FIN[$n]:--} ready ${T_READY[$n]:--} probe ${T_PROBE[$n]:--}]"
    done
    say "  $(since "$T_BOOT")s:$s"
  fi
  sleep 3
done

# ---------------------------------------------------------------- 5. console assertions
for line in "${NODES[@]}"; do
  read -r n ip mac iface _ <<<"$line"
  [ "${T_READY[$n]:-}" = dead ] && continue        # its qemu is gone: already reported
  c=$(console "$n")
  fin=$(grep -E 'Cloud-init v\. .* finished at' <<<"$c" | tail -n1 || true)
  if [ -n "$fin" ]; then
    want=$(seed_of "$n")
    if grep -q 'DataSourceNoCloud' <<<"$fin" && grep -qF "seed=$want]" <<<"$fin"; then
      ok "$n: cloud-init finished after ${T_FIN[$n]}s from the NoCloud seed on $want: ${fin#*finished at }"
    else
      fail "$n: cloud-init finished, but not from the NoCloud seed on $want" "$fin"
    fi
  fi
  l=${READY_LINE[$n]:-}
  allow=$E2E_ALLOW
  if [ -n "$l" ]; then
    if grep -qw 'zookeeper=ok' <<<"$l"; then ok "$n: readiness: $l"
    else fail "$n: readiness line does not say zookeeper=ok: $l" "$(grep -n -B30 -F "$l" <<<"$c" | tail -n 31)"; fi
    # Services the readiness line reports as not ok must be ones this image cannot have (E2E_DOWN).
    notok=$(grep -oE '[A-Za-z0-9_.-]+=[A-Za-z]+' <<<"${l#mesosimg: $n }" | grep -v '=ok$' || true)
    unexplained=$(grep -vP "$E2E_DOWN" <<<"$notok" || true)
    if [ -n "$unexplained" ]; then
      fail "$n: readiness line reports services down that this image has: $(echo $unexplained)" "$l"
    elif [ -n "$notok" ]; then
      # The first-boot script then exits non-zero, which cloud-init reports as a failed scripts-user
      # (runcmd) and systemd as a failed cloud-final.service: explained by the readiness line, so
      # allowed on this node.
      allow="$E2E_ALLOW|Failed to run module scripts-user|Running module scripts-user .* failed|'scripts-user', RuntimeError\('Runparts: 1 failures \(runcmd\)|Failed to start cloud-fina"
      say "$n: not ok, as expected without Mesos/Marathon binaries: $(echo $notok) (a failed runcmd/scripts-user is allowed on this node)"
    fi
  fi
  NODE_ALLOW[$n]=$allow
  if tb=$(grep -n -A12 'Traceback' <<<"$c") && [ -n "$tb" ]; then
    fail "$n: a Python traceback on the console" "$tb"
  fi
  # cloud-init's own warnings (they reach the console) and systemd units that failed.
  unexpected=()
  while IFS= read -r w; do
    [ -n "$w" ] || continue
    if grep -qP "$allow" <<<"$w"; then say "$n: expected here: $w"
    else unexpected+=("$w"); fi
  done < <(grep -E '\[(WARNING|ERROR|CRITICAL)\]|FAILED\]|Failed to start|Failed to run module' <<<"$c" | sed 's/^.*\(\[FAILED\]\)/\1/' | sort -u || true)
  if [ ${#unexpected[@]} -gt 0 ]; then
    fail "$n: ${#unexpected[@]} unexpected error line(s) on the console" \
      "$(printf '%s\n' "${unexpected[@]}"; echo '--- console around the first one:'; grep -n -B6 -A6 -F "${unexpected[0]}" <<<"$c" | sed -n 1,13p)"
  fi
  # network-config: cloud-init prints the interface table when the network is up.
  if grep -qi "$mac" < <(grep -E "ci-info: \|.*\| *True *\| *$ip *\|" <<<"$c"); then
    dev=$(grep -E "ci-info: \|.*\| *True *\| *$ip *\|" <<<"$c" | sed -n 1p | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' || true)
    if [ "$iface" != - ] && [ "$dev" != "$iface" ]; then
      fail "$n: $ip is up on $dev, the description says interface $iface" "$(grep 'ci-info' <<<"$c" | sed -n 1,20p)"
    else
      ok "$n: $ip is up on $dev ($mac) per cloud-init's ci-info table"
    fi
  else
    fail "$n: the console's ci-info table shows no interface with $ip and MAC $mac up" "$(grep 'ci-info' <<<"$c" | sed -n 1,20p)"
  fi
done

# ---------------------------------------------------------------- 6. network from the host side, ZooKeeper from the probes
# The rendered firewall admits ZooKeeper clients only from cluster nodes and drops the rest without an
# answer, so the host (10.77.0.x on the bridge) does not ask ZooKeeper itself. It checks that the
# address answers ARP with the node's MAC (the static address is on that NIC) and whether port 2181 is
# closed to it; the ensemble is reported by the probe baked into the test image (e2e/guest/).
tcp_open() {  # tcp_open IP PORT: connects within 3 s
  ip netns exec "$NS" timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}
for line in "${NODES[@]}"; do
  read -r n ip mac _ <<<"$line"
  [ "${T_READY[$n]:-}" = dead ] && continue        # its qemu is gone: already reported
  open=no; tcp_open "$ip" 2181 && open=yes
  got=$(ip -n "$NS" neigh show "$ip" | awk '$0 !~ /FAILED|INCOMPLETE/ { for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
  if [ "${got,,}" = "${mac,,}" ]; then ok "$n: $ip answers ARP from the namespace with the node's MAC $got"
  else fail "$n: $ip does not answer ARP with MAC $mac (got '${got:-nothing}')" "$(ip -n "$NS" neigh show)"; fi
  # user-data over EC2's 16 KB is written gzip-compressed: zcat -f reads either form.
  if grep -q 'nftables' < <(zcat -f "$OUT/nodes/$n/user-data"); then
    if [ $open = no ]; then ok "$n: firewall: ZooKeeper's 2181 is closed to ${BR_ADDR%/*}, which is not a cluster node"
    else fail "$n: the render writes an nftables firewall, yet 2181 accepts connections from ${BR_ADDR%/*} (not a cluster node)"; fi
    if [ "$ADMIN" = yes ]; then
      if tcp_open "$ip" 22; then ok "$n: firewall: SSH (22) is open to ${BR_ADDR%/*}, listed in security.admin_cidrs"
      else fail "$n: SSH (22) is closed to ${BR_ADDR%/*}, though security.admin_cidrs lists it"; fi
    fi
  elif [ $open = yes ]; then ok "$n: ZooKeeper's 2181 accepts connections (no firewall rendered)"
  else fail "$n: 2181 does not accept connections from the namespace, and the render writes no firewall"; fi
done

leaders=(); followers=(); others=()
declare -A CREATED=()
for line in "${NODES[@]}"; do
  read -r n _ <<<"$line"
  c=$(console "$n")
  mode=$(grep -oE "e2e-probe: $n mode=[a-z-]+" <<<"$c" | tail -n1 | sed 's/.*mode=//' || true)
  case "$mode" in
    leader) leaders+=("$n") ;;
    follower) followers+=("$n") ;;
    *) others+=("$n=${mode:-no probe output}") ;;
  esac
  CREATED[$n]=$(grep -oE "e2e-probe: $n created /mesosimg-e2e/$n=[^ ]+" <<<"$c" | tail -n1 | sed 's/.*=//' || true)
  if g=$(grep -E "e2e-probe: $n gave up" <<<"$c") && [ -n "$g" ]; then
    fail "$n: the ZooKeeper probe gave up" "$(grep -E "e2e-probe: $n " <<<"$c"; echo '--- console tail:'; tail -n 25 <<<"$c")"
  elif ! grep -qE "e2e-probe: $n done" <<<"$c"; then
    fail "$n: the ZooKeeper probe did not finish" "$(grep -E "e2e-probe: $n " <<<"$c"; echo '--- console tail:'; tail -n 25 <<<"$c")"
  fi
done
if [ ${#leaders[@]} = 1 ] && [ ${#followers[@]} = $(( ${#NODES[@]} - 1 )) ]; then
  lm=$(console "${leaders[0]}" | grep -oE "e2e-probe: ${leaders[0]} mntr .*" | tail -n1 || true)
  synced=$(grep -oE 'zk_synced_followers=[0-9]+' <<<"$lm" | cut -d= -f2 || true)
  if [ "${synced:-}" = $(( ${#NODES[@]} - 1 )) ]; then
    ok "ZooKeeper ensemble: leader ${leaders[0]}, followers ${followers[*]}; the leader reports zk_synced_followers=$synced"
  else
    fail "ZooKeeper: the leader ${leaders[0]} reports zk_synced_followers=${synced:-?}, not $(( ${#NODES[@]} - 1 ))" "$lm"
  fi
else
  fail "ZooKeeper ensemble did not form: leaders=[${leaders[*]:-}] followers=[${followers[*]:-}] other=[${others[*]:-}]" \
    "$(for line in "${NODES[@]}"; do read -r n _ <<<"$line"; console "$n" | grep -E "e2e-probe: $n "; done)"
fi
# Every node read the znode every other node wrote, with the value the writer printed.
for line in "${NODES[@]}"; do
  read -r n _ <<<"$line"
  c=$(console "$n"); missing=()
  for other in "${NODES[@]}"; do
    read -r o _ <<<"$other"
    [ "$o" = "$n" ] && continue
    if [ -z "${CREATED[$o]:-}" ] || ! grep -qF "e2e-probe: $n read /mesosimg-e2e/$o=${CREATED[$o]}" <<<"$c"; then missing+=("$o"); fi
  done
  if [ ${#missing[@]} = 0 ]; then ok "ZooKeeper: $n read the znodes written on every other node"
  else fail "ZooKeeper: $n did not read the znode(s) written on ${missing[*]}" "$(grep -E "e2e-probe: " <<<"$c")"; fi
done
# The impostor: refuses the seed on its console, never reports as the node, and (checked on its disk
# below) leaves the node's services disabled.
T_IMPOSTOR=-
if [ -n "$IMPOSTOR_OF" ]; then
  want="mesosimg: refusing seed of $IMPOSTOR_OF on a machine with MAC $IMPOSTOR_MAC"
  until grep -qF "$want" <(console impostor) || [ "$(date +%s)" -ge "$deadline" ] || ! kill -0 "${QPID[impostor]}" 2>/dev/null; do sleep 3; done
  if grep -qF "$want" <(console impostor); then
    T_IMPOSTOR=$(grep -m1 -F "$want" <(console impostor) | grep -oE '^\[ *[0-9]+' | tr -dc 0-9)
    ok "impostor (MAC $IMPOSTOR_MAC, $IMPOSTOR_OF's seed): refused it ${T_IMPOSTOR:+${T_IMPOSTOR}s after power-on}: $(grep -m1 -oF "$want" <(console impostor))…"
  else
    fail "impostor (MAC $IMPOSTOR_MAC) with $IMPOSTOR_OF's seed did not refuse it within ${BOOT_TIMEOUT}s" "$(tail_of impostor)"
  fi
  if l=$(grep -E "mesosimg: $IMPOSTOR_OF [a-z-]+=" <(console impostor)) && [ -n "$l" ]; then
    fail "impostor reported readiness as $IMPOSTOR_OF" "$l"
  fi
fi
T_CHECKS_DONE=$(since "$T_BOOT")

# ---------------------------------------------------------------- 7. power off (ACPI), read the disks
t=$(date +%s)
VMS=()
for line in "${NODES[@]}"; do read -r n _ <<<"$line"; VMS+=("$n"); done
[ -n "$IMPOSTOR_OF" ] && VMS+=(impostor)
for n in "${VMS[@]}"; do
  kill -0 "${QPID[$n]}" 2>/dev/null && { qmp "$WORK/vm/$n.qmp" system_powerdown >/dev/null || say "$n: QMP system_powerdown failed"; }
done
for n in "${VMS[@]}"; do
  while kill -0 "${QPID[$n]}" 2>/dev/null && [ "$(since "$t")" -lt 180 ]; do sleep 2; done
  if kill -0 "${QPID[$n]}" 2>/dev/null; then
    fail "$n: did not power off within 180s of the ACPI power button; stopping it hard" "$(tail_of "$n" 15)"
    qmp "$WORK/vm/$n.qmp" quit >/dev/null 2>&1 || kill -TERM "${QPID[$n]}" 2>/dev/null || true
    while kill -0 "${QPID[$n]}" 2>/dev/null; do sleep 1; done
  fi
  wait "${QPID[$n]}" 2>/dev/null || true
  unset "QPID[$n]"
done
T_POWEROFF=$(since "$t")
say "powered off in ${T_POWEROFF}s"

t=$(date +%s)
for line in "${NODES[@]}"; do
  read -r n _ <<<"$line"
  [ "${T_READY[$n]:-}" = dead ] && continue        # never booted: nothing to read
  qemu-img convert -O raw "$WORK/vm/$n.qcow2" "$WORK/vm/$n.raw"
  if E2E_ALLOW=${NODE_ALLOW[$n]:-$E2E_ALLOW} "$PY" "$e2e/check.py" --node "$n" --disk "$WORK/vm/$n.raw" --user-data "$OUT/nodes/$n/user-data" \
       --cluster "$CLUSTER" --seed "$(seed_of "$n")" --logs "$WORK/logs/$n"; then
    ok "$n: disk matches the render"
  else
    fail "$n: disk check failed (see the FAIL lines above; files copied to $WORK/logs/$n)"
  fi
  rm -f "$WORK/vm/$n.raw"
done
if [ -n "$IMPOSTOR_OF" ] && [ -f "$WORK/vm/impostor.qcow2" ]; then
  qemu-img convert -O raw "$WORK/vm/impostor.qcow2" "$WORK/vm/impostor.raw"
  r=$(debugfs -R "cat /var/lib/mesosimg/readiness" "$WORK/vm/impostor.raw" 2>/dev/null || true)
  if [[ $r == "$IMPOSTOR_OF refused: seed for "*" on MAC $IMPOSTOR_MAC"* ]]; then ok "impostor's disk: /var/lib/mesosimg/readiness: $r"
  else fail "impostor's disk: /var/lib/mesosimg/readiness is '${r:-missing}', not '$IMPOSTOR_OF refused: …'"; fi
  for u in zookeeper mesos-master mesos-agent marathon; do
    if grep -q 'Type:' < <(debugfs -R "stat /etc/systemd/system/multi-user.target.wants/$u.service" "$WORK/vm/impostor.raw" 2>/dev/null); then
      fail "impostor's disk: $u.service is enabled: it would start as $IMPOSTOR_OF on the next boot"
    fi
  done
  ok "impostor's disk: none of zookeeper, mesos-master, mesos-agent, marathon is enabled"
  rm -f "$WORK/vm/impostor.raw"
fi
T_DISK=$(since "$t")

# ---------------------------------------------------------------- summary
secs() { case "$1" in '') echo '-' ;; dead) echo dead ;; *) echo "${1}s" ;; esac; }
say "timings: image ${T_IMAGE}s; install last mile ${T_INSTALL}s; power-on to ready:$(for line in "${NODES[@]}"; do read -r n _ <<<"$line"; printf ' %s %s (cloud-init finished %s, probe %s)' "$n" "$(secs "${T_READY[$n]:-}")" "$(secs "${T_FIN[$n]:-}")" "$(secs "${T_PROBE[$n]:-}")"; done); impostor refused at ${T_IMPOSTOR}s; checks done at ${T_CHECKS_DONE}s; poweroff ${T_POWEROFF}s; disk checks ${T_DISK}s; total $(since "$T0")s"
if [ ${#FAILS[@]} -gt 0 ]; then
  say "${#FAILS[@]} failure(s):"
  printf '  - %s\n' "${FAILS[@]}"
  exit 1
fi
