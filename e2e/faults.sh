#!/usr/bin/env bash
# e2e/faults.sh — first boot under faults, in real VMs (issue 14). Run by `make e2e` after run.sh.
# See e2e/README.md ("Faults"). The cluster is e2e/faults.yaml (three ZooKeeper members + masters,
# no mac), booted from the image e2e/image.sh builds, in a network namespace of its own:
#
#   A  late member: node1 and node2 boot while node3 is powered off. Both must form the ensemble
#      and report zookeeper=ok; nothing waits for node3.
#   B  one seed, two machines at once: node3 and a clone (another MAC, node3's seed) power on at the
#      same moment. Neither may serve as node3 beside the other: each refuses the seed when the
#      other answers for 10.78.0.13 (the address check), the ensemble keeps one server per myid
#      (the leader's synced followers are counted), and the clone's disk keeps the services disabled.
#   C  power cut: the clone is gone; node3 boots again (the refused first boot is retried) and is
#      killed (QMP quit, no shutdown) as soon as its first-boot script has restarted ZooKeeper.
#      What the cut left on the disk is recorded (semaphores, readiness, the config files).
#   D  node3 boots once more: cloud-init must run the first boot's modules again (the resume step
#      in bootcmd), node3 joins (the leader reports 2 synced followers), reads the znodes node1 and
#      node2 wrote before the faults, prints its readiness line, and its disk holds every rendered
#      file, the record that its first boot finished, and cloud-init's status tells the same.
#
# Needs what run.sh needs. Knobs: E2E_BOOT_TIMEOUT (600: seconds for each wait), E2E_WORK, E2E_KEEP=1,
# E2E_CACHE, E2E_VM_MEM (1024), E2E_DOWN (as run.sh), E2E_ALLOW (as run.sh).
# Messages, QMP, stopping the VMs and the namespace come from e2e/lib.sh; the preflight and console
# helpers are still its own.
set -euo pipefail

T0=$(date +%s)
repo=$(cd "$(dirname "$0")/.." && pwd)
e2e="$repo/e2e"
MESOSIMG=${MESOSIMG:-$repo/bin/mesosimg}
CLUSTER=$e2e/faults.yaml
BOOT_TIMEOUT=${E2E_BOOT_TIMEOUT:-600}
MEM=${E2E_VM_MEM:-1024}
E2E_DOWN=${E2E_DOWN:-^(mesos-master=missing|mesos-agent=missing|marathon=failed)$}
export E2E_ALLOW=${E2E_ALLOW:-(?!)}
PY=/usr/bin/python3
CLONE_MAC=52:54:00:78:00:33

E2E_TAG=faults
# shellcheck source=e2e/lib.sh
. "$e2e/lib.sh"
FAILS=()
fail() { FAILS+=("$1"); printf 'faults: FAIL: %s\n' "$1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/    | /'; }
ok()   { printf 'faults: ok: %s\n' "$*"; }
FIGURES=()
figure() { FIGURES+=("$*"); }

# ---------------------------------------------------------------- preflight: fail loudly, never skip
[ "$(id -u)" = 0 ] || die "must run as root (network namespace, taps); try: sudo make e2e"
for t in qemu-system-x86_64 qemu-img ip mkfs.ext4 debugfs timeout; do
  [ -x "$(command -v "$t")" ] || die "$t not found; make e2e-deps (scripts/install-deps.sh --e2e) installs it"
done
[ -x "$PY" ] && "$PY" -c 'import yaml' 2>/dev/null || die "$PY with the yaml module is needed (apt-get install python3-yaml)"
[ -c /dev/net/tun ] || die "/dev/net/tun does not exist: tap devices are impossible here"
[ -x "$MESOSIMG" ] || die "$MESOSIMG not built (make build)"

WORK=${E2E_WORK:-$(mktemp -d /tmp/mesosimg-faults.XXXXXX)}
mkdir -p "$WORK/logs" "$WORK/vm"
NS="mesosimg-faults-$$"
declare -A QPID=() BOOTS=()

# ---------------------------------------------------------------- cleanup, also on failure or ^C
cleanup() {
  local rc=$? n p
  trap - EXIT INT TERM
  [ -z "${APT_TRACK:-}" ] || kill -TERM "$APT_TRACK" 2>/dev/null || true
  vms_stop 10
  netns_down "$NS"
  if [ "${E2E_KEEP:-0}" != 1 ]; then
    rm -f "$WORK"/vm/*.qcow2 "$WORK"/vm/*.raw
    [ $rc -ne 0 ] || rm -rf "$WORK/out" "$WORK"/faults.*
  fi
  rm -f "$WORK"/vm/*.qmp
  if [ $rc -eq 0 ]; then say "PASS in $(since "$T0")s (logs: $WORK/logs)"
  else say "FAILED (exit $rc) after $(since "$T0")s; consoles and files read from the disks: $WORK/logs"; fi
  exit $rc
}
trap cleanup EXIT
trap 'echo; say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

# ---------------------------------------------------------------- image, render
IMG=$("$e2e/image.sh") || die "building the guest image failed"
[ -f "$IMG/rootfs.raw" ] || die "e2e/image.sh printed '$IMG', which holds no image"
OUT="$WORK/out"
rm -rf "$OUT"
cp "$CLUSTER" "$WORK/faults.yaml"
"$MESOSIMG" render "$WORK/faults.yaml" -o "$OUT" >"$WORK/logs/render.log" 2>&1 \
  || die "mesosimg render $CLUSTER failed:$(printf '\n'; sed 's/^/    | /' "$WORK/logs/render.log")"
declare -A IP=() MAC=()
i=0
for n in node1 node2 node3; do
  i=$((i + 1))
  IP[$n]=$("$PY" -c 'import sys, yaml; print(next(x["ip"] for x in yaml.safe_load(open(sys.argv[1]))["nodes"] if x["name"] == sys.argv[2]))' "$CLUSTER" "$n")
  MAC[$n]=52:54:00:78:00:1$i
  [ -s "$OUT/nodes/$n/seed.iso" ] || die "$OUT/nodes/$n/seed.iso missing after render"
  cp "$OUT/nodes/$n/user-data" "$WORK/logs/$n.user-data"
done
MAC[clone3]=$CLONE_MAC
MAC[pkg1]=52:54:00:78:00:21
IID3=$(sed -n 's/^instance-id: *//p' "$OUT/nodes/node3/meta-data" | tr -d '"'"'")
[ -n "$IID3" ] || die "no instance-id in $OUT/nodes/node3/meta-data"

# ---------------------------------------------------------------- network namespace
ip netns add "$NS" || die "ip netns add failed (need CAP_SYS_ADMIN and a writable /run/netns)"
ip -n "$NS" link set lo up
ip -n "$NS" link add br0 type bridge
ip -n "$NS" addr add 10.78.0.1/24 dev br0
ip -n "$NS" link set br0 up
declare -A TAP=([node1]=tap1 [node2]=tap2 [node3]=tap3 [clone3]=tap4 [pkg1]=tap5)
for v in node1 node2 node3 clone3 pkg1; do
  ip -n "$NS" tuntap add dev "${TAP[$v]}" mode tap || die "cannot create ${TAP[$v]} in $NS"
  ip -n "$NS" link set "${TAP[$v]}" master br0 up
done
for v in node1 node2 node3 clone3; do
  qemu-img create -q -f qcow2 -F raw -b "$IMG/rootfs.raw" "$WORK/vm/$v.qcow2"
done

# ---------------------------------------------------------------- helpers
append="root=/dev/vda rw console=ttyS0,115200 panic=-1 net.ifnames=0"
[ "${E2E_ZK_AUTOSTART:-1}" = 1 ] && append="$append systemd.wants=zookeeper.service"
declare -A T_ON=() VIMG=() VAPPEND=() VOUT=()
# vm_start VM SEED-NODE: power VM on (a new boot, its own console log) with SEED-NODE's seed.
vm_start() {
  local v=$1 seed=$2 b img=${VIMG[$1]:-$IMG} args=${VAPPEND[$1]:-$append} out=${VOUT[$1]:-$OUT}
  b=$(( ${BOOTS[$v]:-0} + 1 )); BOOTS[$v]=$b
  : >"$WORK/logs/$v.boot$b.console.log"
  ip netns exec "$NS" qemu-system-x86_64 -name "$v" -machine pc -accel tcg,thread=multi -cpu max -smp 1 -m "$MEM" \
    -nodefaults -no-user-config -display none -no-reboot \
    -kernel "$img/vmlinuz" -initrd "$img/initrd.img" -append "$args" \
    -drive "file=$WORK/vm/$v.qcow2,if=virtio,format=qcow2" \
    -drive "file=$out/nodes/$seed/seed.iso,if=ide,media=cdrom,readonly=on,format=raw" \
    -netdev "tap,id=n0,ifname=${TAP[$v]},script=no,downscript=no" -device "virtio-net-pci,netdev=n0,mac=${MAC[$v]}" \
    -device virtio-rng-pci \
    -serial "file:$WORK/logs/$v.boot$b.console.log" \
    -qmp "unix:$WORK/vm/$v.qmp,server=on,wait=off" \
    >>"$WORK/logs/$v.qemu.log" 2>&1 &
  QPID[$v]=$!
  T_ON[$v]=$(date +%s)
  say "$v: powered on (boot $b, the seed of $seed, MAC ${MAC[$v]})"
}
console() { tr -d '\r' <"$WORK/logs/$1.boot${BOOTS[$1]}.console.log" 2>/dev/null | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'; }
tail_of() { console "$1" | tail -n "${2:-40}"; }
running() { kill -0 "${QPID[$1]}" 2>/dev/null; }
# cut_when VM EVERY TEST...: runs TEST every EVERY seconds, up to BOOT_TIMEOUT; once it succeeds,
# cuts VM's power (QMP quit, else kill) and sets CUT_AT to the seconds since VM's power-on ("" when
# the VM stopped or the time ran out first). It reaps the VM's qemu: not to be run in $(…).
cut_when() {
  local vm=$1 every=$2 t
  shift 2
  CUT_AT=
  t=$(date +%s)
  while [ "$(since "$t")" -lt "$BOOT_TIMEOUT" ] && running "$vm"; do
    if "$@"; then
      qmp_vm "$vm" quit || kill -KILL "${QPID[$vm]}"
      CUT_AT=$(since "${T_ON[$vm]}")
      break
    fi
    sleep "$every"
  done
  wait "${QPID[$vm]}" 2>/dev/null || true
  unset "QPID[$vm]"
}
# qmp_vm VM COMMAND: one QMP command to VM's monitor (lib.sh's qmp; its answer dropped).
qmp_vm() { qmp "$WORK/vm/$1.qmp" "$2" >/dev/null; }
# power_off VM: the ACPI power button, then wait (180 s) for qemu to exit.
power_off() {
  local v=$1 t
  t=$(date +%s)
  running "$v" && { qmp_vm "$v" system_powerdown || say "$v: QMP system_powerdown failed"; }
  while running "$v" && [ "$(since "$t")" -lt 180 ]; do sleep 2; done
  if running "$v"; then
    fail "$v: did not power off within 180s of the ACPI power button; stopping it hard" "$(tail_of "$v" 15)"
    qmp_vm "$v" quit 2>/dev/null || kill -TERM "${QPID[$v]}" 2>/dev/null || true
  fi
  wait "${QPID[$v]}" 2>/dev/null || true
  unset "QPID[$v]"
}
# wait_for VM REGEX [SECONDS]: until the console of VM's current boot matches; the matching line
# is left in WAITED (no command substitution: a trap must not wait for a subshell's loop).
wait_for() {
  local v=$1 re=$2 limit=${3:-$BOOT_TIMEOUT} t l
  t=$(date +%s)
  WAITED=
  while :; do
    if l=$(grep -m1 -E "$re" < <(console "$v")) && [ -n "$l" ]; then WAITED=$l; return 0; fi
    running "$v" || return 2
    [ "$(since "$t")" -lt "$limit" ] || return 1
    sleep 2
  done
}
# zk WORD IP: a four-letter word asked from the bridge (the faults cluster renders no firewall).
zk() { ip netns exec "$NS" timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/2181" && printf %s "$2" >&3 && cat <&3' _ "$2" "$1" 2>/dev/null || true; }
mode_of() { zk srvr "$1" | sed -n 's/^Mode: //p'; }
# leader_synced: "LEADER SYNCED" of the ensemble now, asked from the bridge.
leader_synced() {
  local n m
  for n in node1 node2 node3; do
    m=$(zk mntr "${IP[$n]}")
    if grep -q '^zk_server_state[[:space:]]*leader' <<<"$m"; then
      echo "$n $(awk '$1 == "zk_synced_followers" { print $2 }' <<<"$m")"; return 0
    fi
  done
  echo "none -"
}
# synced_is N: within 60 s, the leader reports N synced followers; prints "LEADER SYNCED" last seen.
synced_is() {
  local ldr synced
  for _ in $(seq 1 20); do
    read -r ldr synced <<<"$(leader_synced)"
    [ "$synced" = "$1" ] && break
    sleep 3
  done
  echo "$ldr $synced"
}
zk_report() { local n; for n in node1 node2 node3; do printf '%s: %s; %s\n' "$n" "$(zk srvr "${IP[$n]}" | grep '^Mode' || echo 'no answer')" "$(zk mntr "${IP[$n]}" | grep -E 'zk_(server_state|synced_followers)' | tr '\n\t' '  ')"; done; }
# readiness_of VM NODE: the readiness line NODE printed in VM's current boot, if any.
readiness_of() { console "$1" | grep -oE "mesosimg: $2 [a-z-]+=[a-z]+.*" | tail -n1 || true; }
# judge_readiness VM NODE LINE: zookeeper=ok, and only the words the missing binaries explain not ok.
judge_readiness() {
  local v=$1 n=$2 l=$3 notok unexplained
  if ! grep -qw 'zookeeper=ok' <<<"$l"; then
    fail "$v: readiness line does not say zookeeper=ok: $l" "$(tail_of "$v" 30)"; return
  fi
  notok=$(grep -oE '[A-Za-z0-9_.-]+=[A-Za-z]+' <<<"${l#mesosimg: $n }" | grep -v '=ok$' || true)
  unexplained=$(grep -vP "$E2E_DOWN" <<<"$notok" || true)
  if [ -n "$unexplained" ]; then fail "$v: readiness reports services down that this image has: $(echo $unexplained)" "$l"
  else ok "$v: readiness after $(since "${T_ON[$v]}")s: $l"; fi
}
# console_errors VM ALLOW: no traceback, no cloud-init warning or failed unit beyond ALLOW.
console_errors() {
  local v=$1 allow=$2 c w unexpected=()
  c=$(console "$v")
  if tb=$(grep -n -A12 'Traceback' <<<"$c") && [ -n "$tb" ]; then fail "$v: a Python traceback on the console" "$tb"; fi
  while IFS= read -r w; do
    [ -n "$w" ] || continue
    grep -qP "$allow" <<<"$w" || unexpected+=("$w")
  done < <(grep -E '\[(WARNING|ERROR|CRITICAL)\]|FAILED\]|Failed to start|Failed to run module' <<<"$c" | sed 's/^.*\(\[FAILED\]\)/\1/' | sort -u || true)
  if [ ${#unexpected[@]} -gt 0 ]; then
    fail "$v (boot ${BOOTS[$v]}): ${#unexpected[@]} unexpected error line(s) on the console" \
      "$(printf '%s\n' "${unexpected[@]}"; echo '--- console around the first one:'; grep -n -B6 -A6 -F "${unexpected[0]}" <<<"$c" | sed -n 1,13p)"
  fi
}
# What a first boot that exits 1 causes (the readiness line or a refusal explains it).
RUNCMD_FAILED="Failed to run module scripts-user|Running module scripts-user .* failed|'scripts-user', RuntimeError\('Runparts: 1 failures \(runcmd\)|Failed to start cloud-fina"
# disk_of VM: its overlay as raw (for debugfs), the path printed. After a cut the ext4 journal
# holds committed writes not yet in place, which debugfs does not apply: the copy gets what the
# kernel does when it mounts the disk, the journal replayed (e2fsck -E journal_only), nothing else.
disk_of() {
  qemu-img convert -O raw "$WORK/vm/$1.qcow2" "$WORK/vm/$1.raw" || return 1
  e2fsck -E journal_only -y "$WORK/vm/$1.raw" >>"$WORK/logs/$1.e2fsck.log" 2>&1 || [ $? -le 1 ] || return 1
  echo "$WORK/vm/$1.raw"
}
# uptime_of CONSOLE-LINE: the kernel's time stamp of a console line, in whole seconds.
uptime_of() { sed -n 's/^\[ *\([0-9]*\)\.[0-9]*\].*/\1/p' <<<"$1"; }
dcat() { debugfs -R "cat $2" "$1" 2>/dev/null; }
dsize() { debugfs -R "stat $2" "$1" 2>/dev/null | sed -n 's/.*Size: \([0-9]*\).*/\1/p' | sed -n 1p; }
dexists() { grep -q 'Type:' < <(debugfs -R "stat $2" "$1" 2>/dev/null); }

# ================================================================ F. install.method: apt, a power cut during package installation
# In the background from the start: pkg1, the one node of faults-apt.yaml (written below, with a
# repository this harness signs and serves on the bridge), boots an image without ZooKeeper's
# packages (e2e/image-apt.sh) and installs them at first boot. It is killed as soon as dpkg
# unpacks the first of them, then boots again: the resume step must repair dpkg, cloud-init must
# install the packages again, and the node must come up with every package file whole.
APT_IMG=$("$e2e/image-apt.sh" "$IMG") || die "building the apt guest image (e2e/image-apt.sh) failed"
REPO="$WORK/repo"
mkdir -p "$REPO/debian/pool/main" "$REPO/debian/dists/bookworm/main/binary-amd64" "$WORK/gnupg"
chmod 700 "$WORK/gnupg"
export GNUPGHOME="$WORK/gnupg"
gpg --batch --quiet --passphrase '' --quick-gen-key 'mesosimg e2e repository <e2e@invalid>' ed25519 sign never 2>>"$WORK/logs/repo.log" \
  || die "gpg could not make the repository's signing key (make e2e-deps installs gnupg)"
gpg --batch --armor --export >"$WORK/repo.key"
cp "$APT_IMG"/debs/*.deb "$REPO/debian/pool/main/"
"$PY" - "$REPO/debian" <<'PYEOF'
import email.utils, hashlib, os, subprocess, sys
root = sys.argv[1]
stanzas = []
for f in sorted(os.listdir(os.path.join(root, "pool/main"))):
    path = os.path.join(root, "pool/main", f)
    data = open(path, "rb").read()
    control = subprocess.run(["dpkg-deb", "-f", path], stdout=subprocess.PIPE, check=True).stdout.decode().rstrip("\n")
    stanzas.append("%s\nFilename: pool/main/%s\nSize: %d\nSHA256: %s\n" % (control, f, len(data), hashlib.sha256(data).hexdigest()))
packages = "\n".join(stanzas).encode()
rel = "dists/bookworm/main/binary-amd64/Packages"
open(os.path.join(root, rel), "wb").write(packages)
open(os.path.join(root, "dists/bookworm/Release"), "w").write(
    "Origin: mesosimg-e2e\nLabel: mesosimg-e2e\nSuite: bookworm\nCodename: bookworm\nDate: %s\n"
    "Architectures: amd64 all\nComponents: main\nSHA256:\n %s %d main/binary-amd64/Packages\n"
    % (email.utils.formatdate(usegmt=True), hashlib.sha256(packages).hexdigest(), len(packages)))
PYEOF
gpg --batch --yes --clearsign -o "$REPO/debian/dists/bookworm/InRelease" "$REPO/debian/dists/bookworm/Release" 2>>"$WORK/logs/repo.log" \
  || die "gpg could not sign the repository"
"$PY" - "$WORK/faults-apt.yaml" "$WORK/repo.key" <<'PYEOF'
import sys, yaml
doc = {
    "version": 1, "cluster": "mesosimg-faults-apt", "os": "debian-12",
    "install": {"method": "apt", "repositories": [{
        "name": "e2e-local", "url": "http://10.78.0.1:8089/debian", "suite": "bookworm",
        "components": ["main"], "key": open(sys.argv[2]).read()}]},
    "readiness_timeout": 240,
    "security": {"admin_cidrs": ["10.78.0.1/32"]},
    "network": {"dns": ["10.78.0.1"]},
    "nodes": [{"name": "pkg1", "ip": "10.78.0.21", "prefix": 24, "gateway": "10.78.0.1",
               "interface": "eth0", "roles": ["zookeeper", "master"]}],
}
open(sys.argv[1], "w").write("# e2e/faults.sh: install.method apt from a local signed repository\n" + yaml.safe_dump(doc, sort_keys=False))
PYEOF
APT_OUT="$WORK/out-apt"
"$MESOSIMG" render "$WORK/faults-apt.yaml" -o "$APT_OUT" >"$WORK/logs/render-apt.log" 2>&1 \
  || die "mesosimg render of the apt description failed:$(printf '\n'; sed 's/^/    | /' "$WORK/logs/render-apt.log")"
cp "$APT_OUT/nodes/pkg1/user-data" "$WORK/logs/pkg1.user-data"
ip netns exec "$NS" "$PY" -m http.server 8089 --bind 10.78.0.1 --directory "$REPO" >"$WORK/logs/repo-http.log" 2>&1 &
disown $!   # netns_down kills it with the namespace: no "Killed" job notice from bash then
VIMG[pkg1]=$APT_IMG
VAPPEND[pkg1]="root=/dev/vda rw console=ttyS0,115200 panic=-1 net.ifnames=0"
VOUT[pkg1]=$APT_OUT
qemu-img create -q -f qcow2 -F raw -b "$APT_IMG/rootfs.raw" "$WORK/vm/pkg1.qcow2"

# apt_dpkg_state RAW: what dpkg itself (the host's, on a copy of the disk's /var/lib/dpkg: status
# and its journal) says of the node's packages, and whether it was interrupted (dpkg --audit).
apt_dpkg_state() {
  local adm st audit
  adm=$(mktemp -d "$WORK/dpkg.XXXXXX")
  debugfs -R "rdump /var/lib/dpkg $adm" "$1" >/dev/null 2>&1
  st=$(dpkg-query --admindir="$adm/dpkg" -W -f='${db:Status-Abbrev} ${Package}\n' zookeeperd zookeeper libzookeeper-java curl aventer-mesos 2>&1 | awk 'NF == 2 { printf "%s %s, ", $2, $1 } NF == 1 { printf "%s (unknown), ", $1 }')
  audit=$(dpkg --admindir="$adm/dpkg" --audit 2>&1 | grep -E '^ [a-z0-9]' | awk '{ print $1 }' | tr '\n' ' ')
  rm -rf "$adm"
  st=${st%, }
  echo "dpkg: ${st:-none of them known}; dpkg --audit: ${audit:-clean}"
}

# apt_files_whole RAW: every file of ZooKeeper's packages matches the md5sum dpkg recorded.
apt_files_whole() {
  "$PY" - "$1" "$e2e" <<'PYEOF'
import hashlib, sys
sys.path.insert(0, sys.argv[2])
from check import Disk
d = Disk(sys.argv[1])
status, _, _ = d.read("/var/lib/dpkg/status")
bad, files = [], 0
for p in ("zookeeperd", "zookeeper", "libzookeeper-java"):
    stanza = [s for s in status.decode().split("\n\n") if ("Package: %s\n" % p) in s + "\n"]
    if not stanza or "Status: install ok installed" not in stanza[0]:
        bad.append("%s not installed" % p)
        continue
    sums, _, _ = d.read("/var/lib/dpkg/info/%s.md5sums" % p)
    for line in (sums or b"").decode().splitlines():
        want, path = line.split(None, 1)
        data, _, _ = d.read("/" + path)
        files += 1
        if data is None or hashlib.md5(data).hexdigest() != want:
            bad.append("/" + path)
print("%d files of zookeeperd, zookeeper, libzookeeper-java checked" % files if not bad else "damaged: " + " ".join(bad[:10]))
sys.exit(1 if bad else 0)
PYEOF
}

apt_track() {
  FAILS=(); FIGURES=()
  local l cut_at raw st repair v d
  vm_start pkg1 pkg1
  # The raw console file, not console(): the cut must follow the line within a fraction of a second.
  unpacking() { UNPACKING=$(grep -a -m1 'Unpacking libzookeeper-java ' "$WORK/logs/pkg1.boot1.console.log" | tr -d '\r') && [ -n "$UNPACKING" ]; }
  cut_when pkg1 0.2 unpacking
  cut_at=$CUT_AT l=${UNPACKING:-}
  if [ -z "$cut_at" ]; then
    fail "F: pkg1 never began to unpack ZooKeeper's packages within ${BOOT_TIMEOUT}s: no cut" "$(tail_of pkg1 40)"
  else
    ok "F: pkg1 cut ${cut_at}s after power-on, while dpkg was unpacking ($l)"
    raw=$(disk_of pkg1)
    st=$(apt_dpkg_state "$raw")
    figure "F pkg1: cut ${cut_at}s after power-on, at: $l; the console's last line: $(console pkg1 | grep -v '^\s*$' | tail -n 1); the disk after the cut: $st"
    say "F: the cut left on pkg1's disk: $st"
    rm -f "$raw"
    vm_start pkg1 pkg1
    if wait_for pkg1 "mesosimg: pkg1: the first boot of .* has not finished"; then l=$WAITED; ok "F: mesosimg: ${l#*mesosimg: }"
    else fail "F: no resume after the cut during package installation" "$(tail_of pkg1)"; fi
    if wait_for pkg1 "mesosimg: pkg1 [a-z-]+=[a-z]+"; then l=$WAITED;
      figure "F pkg1: power-on (after the cut) to readiness $(uptime_of "$l")s (guest clock): mesosimg: ${l#*mesosimg: }"
      l="mesosimg: ${l#*mesosimg: }"
      judge_readiness pkg1 pkg1 "$l"
    else
      fail "F: pkg1 printed no readiness line after the cut" "$(tail_of pkg1)"
    fi
    repair=$(console pkg1 | grep -oE 'mesosimg: pkg1: (dpkg was interrupted|packages damaged|reading the package lists|installing).*' | tr '\n' ';' || true)
    figure "F pkg1: the resume step's repairs: ${repair:-none needed}"
    wait_for pkg1 'Cloud-init v\. .* finished at' 120 || fail "F: cloud-init did not finish on pkg1" "$(tail_of pkg1)"
    console_errors pkg1 "$E2E_ALLOW|$RUNCMD_FAILED"
    power_off pkg1
    raw=$(disk_of pkg1)
    if E2E_ALLOW="$E2E_ALLOW|scripts-user|Runparts: 1 failures" "$PY" "$e2e/check.py" --node pkg1 --disk "$raw" --user-data "$APT_OUT/nodes/pkg1/user-data" \
         --cluster "$WORK/faults-apt.yaml" --seed /dev/sr0 --logs "$WORK/logs/pkg1"; then
      ok "F: pkg1's disk matches the render; cloud-init reported only the failed runcmd its readiness line explains"
    else
      fail "F: pkg1's disk check failed (files copied to $WORK/logs/pkg1)"
    fi
    if v=$(apt_files_whole "$raw"); then ok "F: pkg1: $v, all whole (md5sums)"; figure "F pkg1: after the second boot: $v, all whole; $(apt_dpkg_state "$raw")"
    else fail "F: pkg1: package files not whole after the cut: $v"; fi
    d=$(dcat "$raw" /var/lib/mesosimg/firstboot.done | tr -d '\n')
    if [ -n "$d" ]; then ok "F: pkg1: firstboot.done names $d"; else fail "F: pkg1: no firstboot.done"; fi
    rm -f "$raw"
  fi
  printf '%s\n' "${FAILS[@]}" >"$WORK/apt.fails"
  printf '%s\n' "${FIGURES[@]}" >"$WORK/apt.figures"
}
apt_track >"$WORK/logs/apt-track.log" 2>&1 &
APT_TRACK=$!
say "F: pkg1 (install.method apt, cut during package installation) runs in the background: $WORK/logs/apt-track.log"

# ================================================================ A. node3 powered off, node1 and node2 boot
say "A: node1 and node2 boot; node3 stays powered off"
vm_start node1 node1
vm_start node2 node2
declare -A LINE=() UP=()
for n in node1 node2; do
  if wait_for "$n" "mesosimg: $n [a-z-]+=[a-z]+"; then l=$WAITED;
    LINE[$n]="mesosimg: ${l#*mesosimg: }"; UP[$n]=$(uptime_of "$l")
  else
    fail "A: $n printed no readiness line within ${BOOT_TIMEOUT}s while node3 was off" "$(tail_of "$n")"
  fi
done
for n in node1 node2; do [ -n "${LINE[$n]:-}" ] && judge_readiness "$n" "$n" "${LINE[$n]}"; done
read -r ldr synced <<<"$(synced_is 1)"
if [ "$ldr" != none ] && [ "$synced" = 1 ]; then ok "A: the ensemble formed without node3: leader $ldr, zk_synced_followers=$synced"
else fail "A: no ensemble of node1 and node2 (leader=$ldr synced=$synced)" "$(zk_report)"; fi
for n in node1 node2; do
  figure "A $n: power-on to readiness ${UP[$n]:-?}s (guest clock): ${LINE[$n]:-none}"
done
# The znodes node1 and node2 write (the image's probe) are the data written before node3's faults.
for n in node1 node2; do
  wait_for "$n" "e2e-probe: $n created /mesosimg-e2e/$n=" 240 || fail "A: $n's probe wrote no znode" "$(console "$n" | grep e2e-probe)"
done
declare -A ZNODE=()
for n in node1 node2; do ZNODE[$n]=$(console "$n" | grep -oE "e2e-probe: $n created /mesosimg-e2e/$n=[^ ]+" | tail -n1 | sed 's/.*=//'); done

# ================================================================ B. node3 and a clone with its seed, at once
say "B: node3 and a clone (MAC $CLONE_MAC, node3's seed) power on at the same moment"
vm_start node3 node3
vm_start clone3 node3
REFUSE="mesosimg: refusing seed of node3 on a machine with MAC"
declare -A B_OUT=() B_UP=()
for v in node3 clone3; do
  if wait_for "$v" "$REFUSE|mesosimg: node3 [a-z-]+=[a-z]+"; then l=$WAITED; B_OUT[$v]="mesosimg: ${l#*mesosimg: }"; B_UP[$v]=$(uptime_of "$l")
  else fail "B: $v neither refused the seed nor printed a readiness line within ${BOOT_TIMEOUT}s" "$(tail_of "$v")"; fi
done
served=()
for v in node3 clone3; do
  case ${B_OUT[$v]:-} in
    "$REFUSE"*) ok "B: $v refused: ${B_OUT[$v]}"
                figure "B $v: refused ${B_UP[$v]:-?}s after power-on (guest clock): ${B_OUT[$v]}" ;;
    mesosimg:*) served+=("$v"); say "B: $v went on as node3: ${B_OUT[$v]}"
                figure "B $v: went on as node3: ${B_OUT[$v]}" ;;
  esac
done
if [ ${#served[@]} -le 1 ]; then ok "B: at most one machine serves as node3 (${served[*]:-neither})"
else fail "B: both node3 and its clone went on as node3" "$(printf '%s\n' "${B_OUT[@]}")"; fi
for v in node3 clone3; do
  case ${B_OUT[$v]:-} in "$REFUSE"*)
    want="is in use by MAC ${MAC[node3]}"; [ $v = node3 ] && want="is in use by MAC $CLONE_MAC"
    grep -qF "$want" <<<"${B_OUT[$v]}" && grep -qF "${IP[node3]}" <<<"${B_OUT[$v]}" \
      || fail "B: $v's refusal does not name ${IP[node3]} and the other machine ($want)" "${B_OUT[$v]}"
  esac
done
expect=$(( 1 + ${#served[@]} ))
read -r ldr synced <<<"$(synced_is "$expect")"
if [ "$synced" = "$expect" ]; then ok "B: one server per myid: leader $ldr reports zk_synced_followers=$synced (node3 served by ${served[*]:-nobody})"
else fail "B: leader $ldr reports zk_synced_followers=$synced, want $expect" "$(zk_report)"; fi
# The clone goes away; its disk must keep node3's services disabled and record the refusal.
sleep 5   # the refusal's systemctl disable, then the readiness file
power_off clone3
if [ "${B_OUT[clone3]:-}" != "" ] && [[ ${B_OUT[clone3]} == "$REFUSE"* ]]; then
  console_errors clone3 "$E2E_ALLOW|$RUNCMD_FAILED"
  raw=$(disk_of clone3)
  r=$(dcat "$raw" /var/lib/mesosimg/readiness)
  if [[ $r == "node3 refused: MAC $CLONE_MAC: ${IP[node3]} is in use by MAC "* ]]; then ok "B: clone3's disk: readiness: $r"
  else fail "B: clone3's disk: /var/lib/mesosimg/readiness is '${r:-missing}'"; fi
  for u in zookeeper mesos-master; do
    dexists "$raw" "/etc/systemd/system/multi-user.target.wants/$u.service" && fail "B: clone3's disk: $u.service is enabled"
  done
  dexists "$raw" /var/lib/mesosimg/firstboot.done && fail "B: clone3's disk records a finished first boot, so a later boot would not check again"
  rm -f "$raw"
fi

# ================================================================ C. node3 again, cut in the middle of its first boot
if [ ${#served[@]} = 0 ] || [ "${served[0]}" != node3 ]; then
  [ -n "${B_OUT[node3]:-}" ] && console_errors node3 "$E2E_ALLOW|$RUNCMD_FAILED"
  say "C: the clone is gone: node3 boots again, and is cut in the middle of its first boot"
  power_off node3
  vm_start node3 node3
  # The refused first boot is tried again: cloud-init runs its modules once more.
  if wait_for node3 "mesosimg: node3: the first boot of .* has not finished"; then l=$WAITED; ok "C: $l"
  else fail "C: node3's refused first boot is not tried again" "$(tail_of node3)"; fi
else
  say "C: node3 went on in B; it is cut in the middle of that first boot"
fi
# ZooKeeper restarted by the first-boot script (the last Started zookeeper after modules:final).
zookeeper_restarted() { grep -q 'Started zookeeper.service' < <(console node3 | sed -n "/running 'modules:final'/,\$p"); }
cut_when node3 1 zookeeper_restarted
cut_at=$CUT_AT
if [ -z "$cut_at" ]; then
  fail "C: node3's first boot never restarted ZooKeeper within ${BOOT_TIMEOUT}s: no cut" "$(tail_of node3)"
else
  last=$(console node3 | grep -v '^\s*$' | tail -n 3)
  if grep -q 'mesosimg: node3 [a-z-]*=' <(console node3); then fail "C: node3 had already printed its readiness line: the cut came too late" "$last"
  else ok "C: node3 cut ${cut_at}s after power-on, in its first-boot script (ZooKeeper restarted, readiness not yet printed)"; fi
  figure "C node3: cut ${cut_at}s after power-on; the console's last lines: $(tr '\n' '|' <<<"$last")"
  raw=$(disk_of node3)
  sems=$(debugfs -R "ls -p /var/lib/cloud/instances/$IID3/sem" "$raw" 2>/dev/null | awk -F/ 'NF > 5 && $6 != "." && $6 != ".." { printf "%s ", $6 }')
  left="semaphores: ${sems:-none}; readiness: '$(dcat "$raw" /var/lib/mesosimg/readiness)'; firstboot.done: $(dexists "$raw" /var/lib/mesosimg/firstboot.done && echo present || echo absent)"
  left="$left; zoo.cfg $(dsize "$raw" /etc/zookeeper/conf_mesosimg/zoo.cfg) bytes, myid '$(dcat "$raw" /etc/zookeeper/conf_mesosimg/myid | tr -d '\n')'"
  left="$left; zookeeper.service enabled: $(dexists "$raw" /etc/systemd/system/multi-user.target.wants/zookeeper.service && echo yes || echo no)"
  say "C: the cut left on node3's disk: $left"
  figure "C node3: the disk after the cut: $left"
  # cloud-init's semaphore for runcmd's module exists although the script never finished: the
  # fact the resume step is built on (canonical/cloud-init 22.4.2 cloudinit/helpers.py:94-108).
  if grep -qw config_scripts_user <<<"$sems" && ! dexists "$raw" /var/lib/mesosimg/firstboot.done; then
    ok "C: cloud-init marked scripts-user as run though the first boot was cut (semaphore config_scripts_user, no firstboot.done)"
  else
    fail "C: after the cut, expected the semaphore config_scripts_user and no firstboot.done" "$left"
  fi
  rm -f "$raw"
fi

# ================================================================ D. node3 boots once more and converges
say "D: node3 powers on again after the cut"
vm_start node3 node3
if wait_for node3 "mesosimg: node3: the first boot of .* has not finished"; then l=$WAITED;
  l="mesosimg: ${l#*mesosimg: }"
  ok "D: $l"; figure "D node3: $l"
  grep -q 'scripts_user' <<<"$l" || fail "D: the resume step does not run scripts-user again" "$l"
else
  fail "D: no resume after the cut: cloud-init would skip the first boot's modules" "$(tail_of node3)"
fi
if wait_for node3 "mesosimg: node3 [a-z-]+=[a-z]+"; then l=$WAITED;
  ready_line=$l
  l="mesosimg: ${l#*mesosimg: }"
  judge_readiness node3 node3 "$l"
  figure "D node3: power-on (after the cut) to readiness $(uptime_of "$ready_line")s (guest clock): $l"
else
  fail "D: node3 printed no readiness line after the cut" "$(tail_of node3)"
fi
fin=; wait_for node3 'Cloud-init v\. .* finished at' 120 && fin=$WAITED
[ -n "$fin" ] || fail "D: cloud-init did not finish on node3" "$(tail_of node3)"
if wait_for node3 "e2e-probe: node3 (done|gave up)" 300; then
  for n in node1 node2; do
    if grep -qF "e2e-probe: node3 read /mesosimg-e2e/$n=${ZNODE[$n]:-?}" < <(console node3); then ok "D: node3 read /mesosimg-e2e/$n=${ZNODE[$n]}, written before the faults"
    else fail "D: node3 did not read the znode $n wrote before the faults (${ZNODE[$n]:-?})" "$(console node3 | grep e2e-probe)"; fi
  done
else
  fail "D: node3's ZooKeeper probe has not finished" "$(console node3 | grep e2e-probe; tail_of node3 20)"
fi
read -r ldr synced <<<"$(synced_is 2)"
if [ "$synced" = 2 ]; then ok "D: node3 joined: leader $ldr reports zk_synced_followers=2; node3 is $(mode_of "${IP[node3]}")"
else fail "D: after node3's return the leader ($ldr) reports zk_synced_followers=$synced, not 2" "$(zk_report)"; fi
allow="$E2E_ALLOW|$RUNCMD_FAILED"
console_errors node3 "$allow"

# ================================================================ E. power off, disks
say "E: power off (ACPI), read the disks"
for n in node1 node2; do console_errors "$n" "$E2E_ALLOW|$RUNCMD_FAILED"; done
for n in node1 node2 node3; do power_off "$n"; done
for n in node1 node2 node3; do
  raw=$(disk_of "$n")
  if E2E_ALLOW="$E2E_ALLOW|scripts-user|Runparts: 1 failures" "$PY" "$e2e/check.py" --node "$n" --disk "$raw" --user-data "$OUT/nodes/$n/user-data" \
       --cluster "$CLUSTER" --seed /dev/sr0 --logs "$WORK/logs/$n"; then
    ok "$n: disk matches the render (every write_files entry whole)"
  else
    fail "$n: disk check failed (see above; files copied to $WORK/logs/$n)"
  fi
  d=$(dcat "$raw" /var/lib/mesosimg/firstboot.done | tr -d '\n')
  iid=$(sed -n 's/^instance-id: *//p' "$OUT/nodes/$n/meta-data" | tr -d '"'"'")
  [ "$d" = "$iid" ] && ok "$n: /var/lib/mesosimg/firstboot.done names $iid" || fail "$n: firstboot.done is '${d:-missing}', not $iid"
  st=$(dcat "$raw" /var/lib/cloud/data/status.json)
  # `cloud-init status` reads status.json (linked from /run/cloud-init, cloudinit/cmd/main.py:761-763)
  # and says error when a stage lists errors (cloudinit/cmd/status.py:213-251): the final stage
  # must report the failed runcmd the readiness line explains (Mesos is missing here), not "done".
  if "$PY" -c 'import json, sys; e = json.load(sys.stdin)["v1"]["modules-final"]["errors"]; sys.exit(0 if any("scripts-user" in x or "runcmd" in x for x in e) else 1)' <<<"$st" 2>/dev/null; then
    ok "$n: cloud-init's status reports the first boot's not-ok services (modules-final errors name scripts-user), as its readiness line does"
  else
    fail "$n: cloud-init's status.json does not report the first boot's failure, though the readiness line is not all ok" "$st"
  fi
  [ "$n" = node3 ] && figure "E node3: readiness on disk: $(dcat "$raw" /var/lib/mesosimg/readiness)"
  rm -f "$raw"
done

say "F: waiting for the apt track (pkg1)"
wait "$APT_TRACK" || true
sed 's/^/    /' "$WORK/logs/apt-track.log"
if [ -f "$WORK/apt.fails" ]; then
  while IFS= read -r l; do [ -n "$l" ] && FAILS+=("$l"); done <"$WORK/apt.fails"
  while IFS= read -r l; do [ -n "$l" ] && FIGURES+=("$l"); done <"$WORK/apt.figures"
else
  FAILS+=("F: the apt track left no result (see $WORK/logs/apt-track.log)")
fi
say "figures:"
printf '  %s\n' "${FIGURES[@]}"
if [ ${#FAILS[@]} -gt 0 ]; then
  say "${#FAILS[@]} failure(s):"
  printf '  - %s\n' "${FAILS[@]}"
  exit 1
fi
