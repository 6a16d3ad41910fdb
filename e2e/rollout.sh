#!/usr/bin/env bash
# e2e/rollout.sh — a real rollout in VMs: boots the three-member ZooKeeper ensemble of
# testdata/plan/e2e-rollout/old.yaml, writes znodes, then follows `mesosimg plan new.yaml --from out
# --json` step by step, by each step's kind, to five members, while a watcher polls every member's
# srvr and mntr. Run by `make e2e` after e2e/run.sh. See e2e/README.md.
#
# Fails when at any moment two leaders exist, when the ensemble loses its quorum longer than one
# member's restart (or E2E_ROLLOUT_MAX_OUTAGE), when a znode written before is missing afterwards on
# any member, when a node's disk is not what the new render says, when a re-applied node lost its SSH
# host keys or its ZooKeeper data, or when the refused variant (renumbered.yaml) is not refused, or
# touches anything.
#
# Needs: root, /dev/net/tun, qemu-system-x86_64 + qemu-img, debootstrap, mkfs.ext4/debugfs, ip, ssh,
# ssh-keygen, ssh-keyscan, /usr/bin/python3 with yaml. Anything missing fails.
#
# Knobs (environment):
#   E2E_ACCEL=tcg|kvm          qemu's accelerator (default tcg, as e2e/run.sh)
#   E2E_BOOT_TIMEOUT=600       seconds a node has from power-on (or reset) to its readiness line
#   E2E_ROLLOUT_MAX_OUTAGE=60  seconds the ensemble may be without quorum at a time (besides: never
#                              longer than the member's restart it happens in)
#   E2E_ROLLOUT_CASE=DIR       the descriptions (old.yaml, new.yaml, renumbered.yaml; default
#                              testdata/plan/e2e-rollout)
#   E2E_ROLLOUT_FIREWALL=1|0   render with security.firewall true|false (default: the case's own, true:
#                              the plan then starts with its firewall stage; see e2e/README.md)
#   E2E_ROLLOUT_UNTIL=STEP     stop after: boot (the three first members), refused, plan, or a step number
#                              (harness work; the test then fails, saying so)
#   E2E_WORK, E2E_KEEP=1, E2E_CACHE, E2E_VM_MEM, E2E_DOWN, E2E_ALLOW   as for e2e/run.sh
set -euo pipefail

T0=$(date +%s)
repo=$(cd "$(dirname "$0")/.." && pwd)
e2e="$repo/e2e"
E2E_TAG=rollout
PY=/usr/bin/python3
# shellcheck source=e2e/lib.sh
. "$e2e/lib.sh"

MESOSIMG=${MESOSIMG:-$repo/bin/mesosimg}
CASE=${E2E_ROLLOUT_CASE:-$repo/testdata/plan/e2e-rollout}
BOOT_TIMEOUT=${E2E_BOOT_TIMEOUT:-600}
MAX_OUTAGE=${E2E_ROLLOUT_MAX_OUTAGE:-60}
MEM=${E2E_VM_MEM:-1024}
UNTIL=${E2E_ROLLOUT_UNTIL:-}
# The image has ZooKeeper but neither Mesos nor Marathon: exactly these words may be not ok.
E2E_DOWN=${E2E_DOWN:-^(mesos-master=missing|mesos-agent=missing|marathon=failed)$}
export E2E_ALLOW=${E2E_ALLOW:-(?!)}
ADMIN=mesosadmin
ZK=("$PY" "$e2e/zkwatch.py")
STEPS=("$PY" "$e2e/plansteps.py")

# ---------------------------------------------------------------- preflight: fail loudly, never skip
[ "$(id -u)" = 0 ] || die "must run as root (network namespace, taps, debootstrap); try: sudo make e2e"
need qemu-system-x86_64 qemu-img ip debootstrap mkfs.ext4 debugfs timeout setsid ssh ssh-keygen ssh-keyscan sha256sum
if ! { [ -x "$PY" ] && "$PY" -c 'import yaml' 2>/dev/null; }; then die "$PY with the yaml module is needed (apt-get install python3-yaml)"; fi
[ -c /dev/net/tun ] || die "/dev/net/tun does not exist: tap devices are impossible here"
( exec 8<>/dev/net/tun ) 2>/dev/null || die "/dev/net/tun cannot be opened (missing capability?)"
[ -x "$MESOSIMG" ] || die "$MESOSIMG not built (make build)"
for f in old.yaml new.yaml renumbered.yaml; do [ -f "$CASE/$f" ] || die "$CASE/$f not found"; done
mapfile -t ACCEL < <(accel)

WORK=${E2E_WORK:-$(mktemp -d /tmp/mesosimg-rollout.XXXXXX)}
mkdir -p "$WORK/logs" "$WORK/vm" "$WORK/watch" "$WORK/keys" "$WORK/disk"
NS="mesosimg-rollout-$$"
EVENTS="$WORK/watch/events"
: >"$EVENTS"
TIMINGS="$WORK/timings.txt"
: >"$TIMINGS"
declare -A QPID=() TUNNEL=() IP=() MAC=() IDX=() PORT=() STATE=()
WATCH_PID=
FAILS=()
fail() { FAILS+=("$1"); printf '%s: FAIL: %s\n' "$E2E_TAG" "$1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | quote; }
ok()   { printf '%s: ok: %s\n' "$E2E_TAG" "$*"; }
event() { printf '%s %s %s\n' "$(date +%s.%N)" "$1" "$2" >>"$EVENTS"; }
timing() { printf '%s\n' "$*" >>"$TIMINGS"; say "timing: $*"; }
# abort MESSAGE [DETAIL]: a failure after which the rollout cannot go on.
abort() { fail "$@"; exit 1; }

# ---------------------------------------------------------------- cleanup, also on failure or ^C
cleanup() {
  local rc=$? n p
  trap - EXIT INT TERM
  touch "$WORK/watch/stop"
  for n in "${!TUNNEL[@]}"; do kill -TERM "${TUNNEL[$n]}" 2>/dev/null || true; done
  [ -z "$WATCH_PID" ] || kill -TERM "$WATCH_PID" 2>/dev/null || true
  vms_stop 20
  netns_down "$NS"
  if [ "${E2E_KEEP:-0}" != 1 ]; then
    rm -f "$WORK"/vm/*.qcow2 "$WORK"/vm/*.raw
    [ $rc -ne 0 ] || rm -rf "$WORK/out" "$WORK/cluster.secrets.yaml" "$WORK/id_ed25519"
  fi
  rm -f "$WORK"/vm/*.qmp
  if [ $rc -eq 0 ]; then say "PASS in $(since "$T0")s (logs: $WORK)"
  else say "FAILED (exit $rc) after $(since "$T0")s; consoles, watcher samples, plan and disks' files: $WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'echo; say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

# until WHAT: stop here when E2E_ROLLOUT_UNTIL says so (a harness-development run never passes).
# E2E_ROLLOUT_HOLD=SECONDS keeps the VMs that long first, to look at them.
until_here() {
  [ "$UNTIL" = "$1" ] || return 0
  say "E2E_ROLLOUT_UNTIL=$1: stopping here (not a pass)${E2E_ROLLOUT_HOLD:+ after ${E2E_ROLLOUT_HOLD}s (netns $NS)}"
  sleep "${E2E_ROLLOUT_HOLD:-0}"
  exit 3
}

# ---------------------------------------------------------------- 1. image, key, descriptions, render
t=$(date +%s)
IMG=$("$e2e/image.sh") || die "building the guest image failed"
if ! [ -f "$IMG/rootfs.raw" ] || ! [ -f "$IMG/vmlinuz" ]; then die "e2e/image.sh printed '$IMG', which holds no image"; fi
say "image: $IMG ($(since "$t")s); qemu ${ACCEL[*]}"

ssh-keygen -q -t ed25519 -N '' -C "mesosimg-rollout-e2e" -f "$WORK/id_ed25519" <<<y >/dev/null 2>&1 || die "ssh-keygen failed"
# The descriptions as the case holds them, with the test's SSH key for the admin user (the harness
# reads ZooKeeper through SSH tunnels: the rendered firewall admits ZooKeeper clients only from nodes).
for f in old.yaml new.yaml renumbered.yaml; do
  cp "$CASE/$f" "$WORK/$f"
  printf 'admin:\n  ssh_authorized_keys:\n    - "%s"\n' "$(cat "$WORK/id_ed25519.pub")" >>"$WORK/$f"
  case ${E2E_ROLLOUT_FIREWALL:-} in
    '') ;;
    1) sed -i 's/^  firewall: false$/  firewall: true/' "$WORK/$f" ;;
    0) sed -i 's/^  firewall: true$/  firewall: false/' "$WORK/$f" ;;
    *) die "E2E_ROLLOUT_FIREWALL=$E2E_ROLLOUT_FIREWALL: 0 or 1" ;;
  esac
done
cd "$WORK"
"$MESOSIMG" render old.yaml -o out --secrets cluster.secrets.yaml >logs/render-old.log 2>&1 \
  || die "mesosimg render old.yaml failed:$(printf '\n'; quote <logs/render-old.log)"
say "rendered old.yaml into $WORK/out"
mkdir -p "$WORK/old-render"
for d in "$WORK"/out/nodes/*/; do cp "$d/meta-data" "$WORK/old-render/$(basename "$d").meta-data"; done

# Nodes of the new description (the old ones are its first three): name ip mac
mapfile -t NODES < <("$PY" - new.yaml <<'EOF'
import sys, yaml
for n in yaml.safe_load(open(sys.argv[1]))["nodes"]:
    print(n["name"], n["ip"], n["mac"])
EOF
)
mapfile -t OLD < <("$PY" -c 'import sys, yaml; [print(n["name"]) for n in yaml.safe_load(open(sys.argv[1]))["nodes"]]' old.yaml)
i=0
MEMBERS=""
for line in "${NODES[@]}"; do
  i=$((i + 1))
  read -r n ip mac <<<"$line"
  IP[$n]=$ip; MAC[$n]=$mac; IDX[$n]=$i; PORT[$n]=$((22000 + i)); STATE[$n]=off
  MEMBERS="$MEMBERS${MEMBERS:+,}$n=127.0.0.1:${PORT[$n]}"
done
ALL=("${!IDX[@]}")
mapfile -t ALL < <(for n in "${ALL[@]}"; do echo "${IDX[$n]} $n"; done | sort -n | cut -d' ' -f2)
BR_ADDR="$(cut -d. -f1-3 <<<"${IP[${ALL[0]}]}").1/24"

# ---------------------------------------------------------------- 2. network, VMs
netns_up "$NS" "$BR_ADDR" "${#ALL[@]}"
say "netns $NS: br0 $BR_ADDR, tap1..tap${#ALL[@]}"
# As e2e/run.sh: the image's zookeeper starts by itself at boot, as the stock package's does (on a
# re-applied node it so starts with the old configuration before the first boot rewrites it). The
# image's probe (e2e/guest/, run.sh's instrumentation) is masked: the watcher reports here.
APPEND="root=/dev/vda rw console=ttyS0,115200 panic=-1 no_timer_check systemd.wants=zookeeper.service systemd.mask=mesosimg-e2e-probe.service"
for n in "${ALL[@]}"; do qemu-img create -q -f qcow2 -F raw -b "$IMG/rootfs.raw" "$WORK/vm/$n.qcow2"; done

# vm_start NODE SEED: powers NODE on with SEED as its CD-ROM. The CD is the third IDE drive
# (index 2), where qemu's -cdrom puts it: the monitor calls it ide1-cd0, as the plan's text does.
# No -no-reboot: with it, the monitor's system_reset would end qemu instead of resetting.
vm_start() {
  local n=$1 seed=$2
  : >"$WORK/logs/$n.console.log"
  ip netns exec "$NS" qemu-system-x86_64 -name "$n" -machine pc "${ACCEL[@]}" -smp 1 -m "$MEM" \
    -nodefaults -no-user-config -display none \
    -kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.img" -append "$APPEND" \
    -drive "file=$WORK/vm/$n.qcow2,if=virtio,format=qcow2" \
    -drive "file=$seed,if=ide,index=2,media=cdrom,readonly=on,format=raw" \
    -netdev "tap,id=n0,ifname=tap${IDX[$n]},script=no,downscript=no" -device "virtio-net-pci,netdev=n0,mac=${MAC[$n]}" \
    -device virtio-rng-pci \
    -serial "file:$WORK/logs/$n.console.log" \
    -qmp "unix:$WORK/vm/$n.qmp,server=on,wait=off" \
    >"$WORK/logs/$n.qemu.log" 2>&1 &
  QPID[$n]=$!
  STATE[$n]=on
  event "$n" poweron
}

# vm_reapply NODE SEED: the plan's way for plain qemu: `change ide1-cd0 SEED` in the monitor, then
# `system_reset`. Prints nothing; fails when the monitor does not take the new medium.
vm_reapply() {
  local n=$1 seed=$2 out try
  for try in 1 2 3 4 5; do
    out=$(hmp "$WORK/vm/$n.qmp" "change ide1-cd0 $seed" 2>&1) || true
    printf 'change ide1-cd0 %s (try %d): %s\n' "$seed" "$try" "${out:-ok}" >>"$WORK/logs/$n.monitor.log"
    hmp "$WORK/vm/$n.qmp" "info block ide1-cd0" >>"$WORK/logs/$n.monitor.log" 2>&1 || true
    # A guest that holds the tray locked is asked to open it: qemu says so; ask again.
    case $out in *locked*|*tray*) sleep 2; continue ;; esac
    break
  done
  grep -qF "$seed" < <(hmp "$WORK/vm/$n.qmp" "info block ide1-cd0") \
    || abort "$n: the monitor did not take $seed into ide1-cd0" "$(tail -n 20 "$WORK/logs/$n.monitor.log")"
  event "$n" reset
  hmp "$WORK/vm/$n.qmp" "system_reset" >>"$WORK/logs/$n.monitor.log" 2>&1 || abort "$n: system_reset failed in the monitor"
}

# vm_poweroff NODE: the ACPI power button; waits up to 180 s for qemu to end.
vm_poweroff() {
  local n=$1 t
  t=$(date +%s)
  kill -0 "${QPID[$n]}" 2>/dev/null || return 0
  qmp "$WORK/vm/$n.qmp" system_powerdown >/dev/null || say "$n: QMP system_powerdown failed"
  while kill -0 "${QPID[$n]}" 2>/dev/null && [ "$(since "$t")" -lt 180 ]; do sleep 1; done
  if kill -0 "${QPID[$n]}" 2>/dev/null; then
    fail "$n: did not power off within 180s of the ACPI power button; stopping it hard" "$(console_from "$WORK/logs/$n.console.log" | tail -n 15)"
    qmp "$WORK/vm/$n.qmp" quit >/dev/null 2>&1 || kill -TERM "${QPID[$n]}" 2>/dev/null || true
    while kill -0 "${QPID[$n]}" 2>/dev/null; do sleep 1; done
  fi
  wait "${QPID[$n]}" 2>/dev/null || true
  unset "QPID[$n]"
  STATE[$n]=off
  event "$n" poweroff
}

con() { console_from "$WORK/logs/$1.console.log" "${2:-0}"; }

# host_starved NODE: the guest's virtio NIC stopped transmitting (the kernel's NETDEV WATCHDOG), seen
# here only when the host was so overloaded that TCG guests stalled for seconds; the node is then
# off the network for good: say so rather than blame the rollout.
host_starved() {
  local w
  w=$(grep -a -m1 'NETDEV WATCHDOG' "$WORK/logs/$1.console.log" 2>/dev/null | tr -d '\r' || true)
  [ -z "$w" ] || abort "$1: its virtio NIC hung ($w): the host starved the VMs (load $(cut -d' ' -f1-3 /proc/loadavg)); not a finding about the rollout" \
    "$(grep -a 'clocksource: Long readout\|NETDEV WATCHDOG' "$WORK/logs/$1.console.log" | sed -n 1,5p)"
}

# ---------------------------------------------------------------- readiness and consoles
declare -A SEG=() T_ON=() READY=()
# wait_ready NODE: waits for NODE's readiness line printed since its last power-on or reset (SEG):
# `mesosimg: NODE WORD=STATE...`. Sets READY[NODE]; aborts with the console's tail after
# E2E_BOOT_TIMEOUT, or when qemu ends.
wait_ready() {
  local n=$1 l c
  while :; do
    c=$(con "$n" "${SEG[$n]}")
    l=$(grep -aoE "mesosimg: $n( [A-Za-z0-9_.-]+=[a-z]+)+" <<<"$c" | tail -n1 || true)
    [ -z "$l" ] || break
    if ! kill -0 "${QPID[$n]}" 2>/dev/null; then abort "$n: qemu ended before the readiness line" "$(cat "$WORK/logs/$n.qemu.log"; tail -n 30 <<<"$c")"; fi
    if grep -q 'Kernel panic' <<<"$c"; then abort "$n: kernel panic" "$(tail -n 30 <<<"$c")"; fi
    host_starved "$n"
    if [ "$(since "${T_ON[$n]}")" -ge "$BOOT_TIMEOUT" ]; then
      abort "$n: no readiness line 'mesosimg: $n ...' on the console within ${BOOT_TIMEOUT}s" "$(tail -n 40 <<<"$c")"
    fi
    sleep 1
  done
  READY[$n]=$l
}

# check_boot NODE: the console of NODE's last boot (since SEG): cloud-init finished from the NoCloud
# seed on the CD, no traceback, no cloud-init warning or failed unit beyond what the readiness line
# explains (E2E_DOWN words: the failed runcmd and cloud-final that follow), every readiness word ok
# or one of E2E_DOWN.
check_boot() {
  local n=$1 c l notok allow unexpected=() w fin
  c=$(con "$n" "${SEG[$n]}")
  l=${READY[$n]}
  fin=$(grep -E 'Cloud-init v\. .* finished at' <<<"$c" | tail -n1 || true)
  local t=0
  while [ -z "$fin" ] && [ $t -lt 60 ]; do
    sleep 2; t=$((t + 2)); c=$(con "$n" "${SEG[$n]}"); fin=$(grep -E 'Cloud-init v\. .* finished at' <<<"$c" | tail -n1 || true)
  done
  if grep -q 'DataSourceNoCloud' <<<"$fin" && grep -qF 'seed=/dev/sr0]' <<<"$fin"; then ok "$n: cloud-init finished from the NoCloud seed on /dev/sr0"
  else fail "$n: cloud-init did not finish from the NoCloud seed on /dev/sr0 (within 60s of the readiness line)" "${fin:-$(tail -n 20 <<<"$c")}"; fi
  notok=$(grep -oE '[A-Za-z0-9_.-]+=[a-z]+' <<<"${l#"mesosimg: $n "}" | grep -v '=ok$' || true)
  allow=$E2E_ALLOW
  if [ -n "$(grep -vP "$E2E_DOWN" <<<"$notok" || true)" ]; then
    fail "$n: the readiness line reports services down that this image has" "$l"
  elif [ -n "$notok" ]; then
    allow="$E2E_ALLOW|Failed to run module scripts-user|Running module scripts-user .* failed|'scripts-user', RuntimeError\('Runparts: 1 failures \(runcmd\)|Failed to start cloud-fina"
  fi
  if grep -q 'Traceback' <<<"$c"; then fail "$n: a Python traceback on the console" "$(grep -n -A12 'Traceback' <<<"$c")"; fi
  while IFS= read -r w; do
    [ -n "$w" ] || continue
    grep -qP "$allow" <<<"$w" || unexpected+=("$w")
  done < <(grep -E '\[(WARNING|ERROR|CRITICAL)\]|FAILED\]|Failed to start|Failed to run module' <<<"$c" | sed 's/^.*\(\[FAILED\]\)/\1/' | sort -u || true)
  if [ ${#unexpected[@]} -gt 0 ]; then
    fail "$n: ${#unexpected[@]} unexpected error line(s) on the console" \
      "$(printf '%s\n' "${unexpected[@]}"; echo '--- console around the first one:'; grep -n -B6 -A6 -F "${unexpected[0]}" <<<"$c" | sed -n 1,13p)"
  fi
}

# ---------------------------------------------------------------- SSH: host keys, commands, tunnels
SSH_OPTS=(-i "$WORK/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile="$WORK/known_hosts"
  -o StrictHostKeyChecking=yes -o ConnectTimeout=15 -o LogLevel=ERROR)
: >"$WORK/known_hosts"
on() { local n=$1; shift; ip netns exec "$NS" ssh "${SSH_OPTS[@]}" "$ADMIN@${IP[$n]}" "$@"; }

# keys_of FILE: "TYPE BASE64" of every key line in FILE (a known_hosts or .pub listing), sorted.
keys_of() { grep -oE '(ssh|ecdsa)-[a-z0-9-]+ [A-Za-z0-9+/=]+' "$1" | sort -u; }

# learn_host_keys NODE: trust on first use: the keys NODE's sshd serves (ssh-keyscan, waiting for
# sshd) become known; verify_host_keys checks them once the node is up.
learn_host_keys() {
  local n=$1 t
  t=$(date +%s)
  until ip netns exec "$NS" ssh-keyscan -T 5 "${IP[$n]}" >"$WORK/keys/$n.scan" 2>/dev/null && [ -s "$WORK/keys/$n.scan" ]; do
    [ "$(since "$t")" -lt "$BOOT_TIMEOUT" ] || abort "$n: its sshd did not answer ssh-keyscan within ${BOOT_TIMEOUT}s" "$(con "$n" | tail -n 20)"
    kill -0 "${QPID[$n]}" 2>/dev/null || abort "$n: qemu ended" "$(cat "$WORK/logs/$n.qemu.log")"
    sleep 2
  done
  cat "$WORK/keys/$n.scan" >>"$WORK/known_hosts"
}

# verify_host_keys NODE: the keys learnt must be among NODE's /etc/ssh/ssh_host_*_key.pub (kept as
# NODE.before) and be the ones its first boot printed on the console (cloud-init's "SSH HOST KEY
# KEYS" block).
verify_host_keys() {
  local n=$1
  con "$n" | sed -n '/-----BEGIN SSH HOST KEY KEYS-----/,/-----END SSH HOST KEY KEYS-----/p' >"$WORK/keys/$n.console"
  on "$n" 'cat /etc/ssh/ssh_host_*_key.pub' >"$WORK/keys/$n.before" || abort "$n: cannot read its host keys over SSH"
  # Every key sshd serves is one of the files (OpenSSH 9 no longer serves the DSA key cloud-init makes).
  if [ -n "$(comm -23 <(keys_of "$WORK/keys/$n.scan") <(keys_of "$WORK/keys/$n.before"))" ]; then
    abort "$n: sshd serves keys that are not in /etc/ssh/ssh_host_*_key.pub" "$(cat "$WORK/keys/$n.scan" "$WORK/keys/$n.before")"
  fi
  # cloud-init prints every key but the DSA one (its ssh_key_console_blacklist) on the console.
  if [ ! -s "$WORK/keys/$n.console" ]; then
    fail "$n: its console shows no SSH HOST KEY KEYS block (cloud-init's keys_to_console)" "$(con "$n" | tail -n 20)"
  elif [ -n "$(comm -3 <(keys_of "$WORK/keys/$n.console") <(keys_of "$WORK/keys/$n.before" | grep -v '^ssh-dss '))" ]; then
    abort "$n: the host keys differ from the ones its first boot printed on the console" "$(cat "$WORK/keys/$n.console" "$WORK/keys/$n.before")"
  fi
  ok "$n: host keys $(keys_of "$WORK/keys/$n.before" | cut -d' ' -f1 | paste -sd, -) in /etc/ssh (sshd serves $(keys_of "$WORK/keys/$n.scan" | cut -d' ' -f1 | paste -sd, -) of them; the console block of its first boot shows the same)"
}

# zk_log NODE: what NODE's ZooKeeper can reach, for a failure message: each other running member's
# quorum and election ports (2888, 3888) from NODE (nc -z; Debian's zookeeper logs to the journal,
# which the admin user cannot read: the image has no sudo).
zk_log() {
  local o p r
  for o in "${ALL[@]}"; do
    if [ "$o" = "$1" ] || [ "${STATE[$o]}" != on ]; then continue; fi
    for p in 2888 3888; do
      if r=$(on "$1" "nc -z -w 5 ${IP[$o]} $p" 2>&1); then echo "from $1: ${IP[$o]}:$p ($o) accepts connections"
      else echo "from $1: ${IP[$o]}:$p ($o) does not accept connections within 5s${r:+: $r}"; fi
    done
  done
}

# tunnel NODE: keeps an SSH tunnel from 127.0.0.1:PORT (in the namespace) to NODE's own ZooKeeper
# (127.0.0.1:2181 on the node, which its firewall admits), reconnecting while NODE restarts. The
# known host keys are the ones learnt before: a node whose keys changed never gets its tunnel back.
tunnel() {
  local n=$1
  (
    child=
    trap '[ -z "$child" ] || kill "$child" 2>/dev/null; exit 0' TERM
    while [ ! -e "$WORK/watch/stop" ]; do
      ip netns exec "$NS" ssh "${SSH_OPTS[@]}" -N -o ExitOnForwardFailure=yes -o ServerAliveInterval=2 -o ServerAliveCountMax=3 \
        -L "127.0.0.1:${PORT[$n]}:127.0.0.1:2181" "$ADMIN@${IP[$n]}" >>"$WORK/logs/$n.tunnel.log" 2>&1 &
      child=$!
      wait "$child" || true
      child=
      printf '%s tunnel to %s ended\n' "$(date +%T)" "$n" >>"$WORK/logs/$n.tunnel.log"
      sleep 1
    done
  ) &
  TUNNEL[$n]=$!
}

# mode NODE: what `echo srvr | nc ADDRESS 2181` says on NODE (the plan's own command, run on the
# node: its firewall admits itself): the Mode word, or none.
mode_of() {
  local out
  out=$(on "$1" "echo srvr | nc ${2:-${IP[$1]}} 2181" 2>&1) || true
  printf '%s %s: echo srvr | nc %s 2181:\n%s\n' "$(date +%T)" "$1" "${2:-${IP[$1]}}" "$out" >>"$WORK/logs/srvr.log"
  sed -n '/^Mode: /{s///p;q}' <<<"$out"
}

# state_json: the watcher's latest round.
state() { cat "$WORK/watch/state.json" 2>/dev/null || echo '{}'; }

# ensemble_is N: the watcher's last round shows N members serving, one leader, whose mntr says
# N-1 synced voting followers and quorum size N. Prints what it saw.
ensemble_is() {
  state | "$PY" -c '
import json, sys
n = int(sys.argv[1]); s = json.load(sys.stdin).get("members", {})
modes = {k: v.get("mode") for k, v in sorted(s.items())}
leaders = [k for k, m in modes.items() if m == "leader"]
serving = [k for k, m in modes.items() if m in ("leader", "follower")]
m = s[leaders[0]].get("mntr", {}) if len(leaders) == 1 else {}
print(" ".join("%s=%s" % kv for kv in modes.items()), "| leader mntr:", " ".join("%s=%s" % (k, m.get(k)) for k in ("synced_followers", "synced_non_voting_followers", "quorum_size")))
ok = len(leaders) == 1 and len(serving) == n and m.get("synced_followers") == str(n - 1) and m.get("synced_non_voting_followers") == "0" and m.get("quorum_size") == str(n)
sys.exit(0 if ok else 1)' "$1"
}

# wait_ensemble N SECONDS: until ensemble_is N.
wait_ensemble() {
  local t seen
  t=$(date +%s)
  until seen=$(ensemble_is "$1"); do
    [ "$(since "$t")" -lt "$2" ] || { fail "ZooKeeper: not $1 serving members with one leader and $(($1 - 1)) synced voting followers within $2s" "$seen"; return 1; }
    sleep 1
  done
  ok "ZooKeeper: $seen"
}

# ---------------------------------------------------------------- 3. the first description: three members
for n in "${OLD[@]}"; do
  SEG[$n]=0; T_ON[$n]=$(date +%s)
  vm_start "$n" "$WORK/out/nodes/$n/seed.iso"
done
say "powered on ${OLD[*]} with the seeds of old.yaml (qemu ${ACCEL[0]} ${ACCEL[1]}); waiting up to ${BOOT_TIMEOUT}s for each readiness line"
for n in "${OLD[@]}"; do
  wait_ready "$n"
  timing "first boot $n: power-on to readiness line $(since "${T_ON[$n]}")s: ${READY[$n]}"
done
for n in "${OLD[@]}"; do check_boot "$n"; learn_host_keys "$n"; verify_host_keys "$n"; done
for n in "${ALL[@]}"; do tunnel "$n"; done
ip netns exec "$NS" "${ZK[@]}" watch --members "$MEMBERS" --dir "$WORK/watch" --interval 0.75 >"$WORK/logs/watch.log" 2>&1 &
WATCH_PID=$!
say "watcher: every member's srvr and mntr every 0.75s (at most; a round waits for its slowest answer), through SSH tunnels; samples in $WORK/watch/samples.jsonl"
wait_ensemble "${#OLD[@]}" 180 || abort "the first ensemble did not form" "$(tail -n 5 "$WORK/logs/watch.log")"

# Data, written before any change through the first member, read back from every member.
ip netns exec "$NS" "${ZK[@]}" write "127.0.0.1:${PORT[${OLD[0]}]}" /mesosimg-rollout/before 20 >"$WORK/before.json" 2>"$WORK/logs/write.log" \
  || abort "writing the znodes through ${OLD[0]} failed" "$(cat "$WORK/logs/write.log")"
BEFORE_EPOCH=$("$PY" -c 'import json, sys; print(sorted({w["epoch"] for w in json.load(open(sys.argv[1]))}))' "$WORK/before.json")
for n in "${OLD[@]}"; do
  if r=$(ip netns exec "$NS" "${ZK[@]}" read "127.0.0.1:${PORT[$n]}" "$WORK/before.json" 2>&1); then ok "$n: $(tail -n1 <<<"$r")"
  else abort "$n: the znodes just written are not all there" "$r"; fi
done
say "wrote 20 znodes under /mesosimg-rollout/before (zxid epoch $BEFORE_EPOCH)"
until_here boot

# ---------------------------------------------------------------- 4. the refused variant touches nothing
# hash_out: every file of the render, with its content.
hash_out() { (cd "$WORK" && find out -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-64; }
leader_epoch() { state | "$PY" -c 'import json, sys; s = json.load(sys.stdin)["members"]; print(" ".join("%s@%s" % (k, v.get("epoch")) for k, v in sorted(s.items()) if v.get("mode") == "leader"))'; }
h0=$(hash_out); le0=$(leader_epoch); tr0=$(date +%s.%N)
declare -A CSIZE=()
for n in "${OLD[@]}"; do CSIZE[$n]=$(size_of "$WORK/logs/$n.console.log"); done
set +e
"$MESOSIMG" plan renumbered.yaml --from out --secrets cluster.secrets.yaml --json >logs/plan-renumbered.stdout 2>logs/plan-renumbered.stderr
rc=$?
set -e
sleep 10   # the watcher keeps polling: the "untouched" window below
h1=$(hash_out); le1=$(leader_epoch)
if [ $rc = 1 ] && [ ! -s logs/plan-renumbered.stdout ] && grep -q 'refused (renumber-zookeeper)' logs/plan-renumbered.stderr; then
  ok "renumbered.yaml (z1 moved after z3): mesosimg plan exits 1, prints no plan, refuses: $(grep -m1 -o 'nodes\[0\]: refused (renumber-zookeeper): [^:]*' logs/plan-renumbered.stderr)"
else
  fail "renumbered.yaml: mesosimg plan exited $rc (want 1, no output, refused (renumber-zookeeper))" "$(head -c 2000 logs/plan-renumbered.stdout; cat logs/plan-renumbered.stderr)"
fi
if [ "$h0" = "$h1" ]; then ok "the refused plan left out/ as it was (sha256 of every file)"; else fail "the refused plan changed files in out/"; fi
# Every poll round since the plan started: each old member leader or follower, one leader, one epoch.
if untouched=$("$PY" - "$WORK/watch/samples.jsonl" "$tr0" "${OLD[@]}" <<'EOF'
import json, sys
since, members = float(sys.argv[2]), sys.argv[3:]
rounds = {}
for line in open(sys.argv[1]):
    s = json.loads(line)
    if s["rt"] >= since and s["node"] in members:
        rounds.setdefault(s["r"], {})[s["node"]] = s
bad = []
leaders = set()
for r, rd in sorted(rounds.items()):
    modes = {n: rd.get(n, {}).get("mode") for n in members}
    lead = [(n, rd[n].get("epoch")) for n in members if modes[n] == "leader"]
    leaders.update(lead)
    if any(m not in ("leader", "follower") for m in modes.values()) or len(lead) != 1:
        bad.append("round %d: %s" % (r, modes))
print("%d poll rounds, leader(s) %s" % (len(rounds), " ".join("%s@%s" % l for l in sorted(leaders))))
for b in bad[:10]:
    print(b)
sys.exit(1 if bad or len(leaders) != 1 or len(rounds) < 5 else 0)
EOF
) && [ "$le0" = "$le1" ]; then
  ok "the running cluster was not touched: $(head -n1 <<<"$untouched") since the plan started, each with every member serving (leader $le0 before and after)"
else
  fail "the cluster changed around the refused plan (leader $le0 -> $le1)" "$untouched"
fi
for n in "${OLD[@]}"; do
  if grep -qE "mesosimg: $n |Linux version" < <(con "$n" "${CSIZE[$n]}"); then fail "$n: its console shows a boot or readiness line after the refused plan" "$(con "$n" "${CSIZE[$n]}" | tail -n 10)"; fi
done
until_here refused

# ---------------------------------------------------------------- 5. the plan
set +e
"$MESOSIMG" plan new.yaml --from out --secrets cluster.secrets.yaml >plan.txt 2>logs/plan.stderr
rc_text=$?
"$MESOSIMG" plan new.yaml --from out --secrets cluster.secrets.yaml --json >plan.json 2>>logs/plan.stderr
rc_json=$?
set -e
if [ $rc_text != 3 ] || [ $rc_json != 3 ]; then abort "mesosimg plan new.yaml: exit $rc_text (text) and $rc_json (--json), want 3 (changes planned)" "$(cat plan.txt logs/plan.stderr)"; fi
if [ -z "${E2E_ROLLOUT_FIREWALL:-}" ] && [ -f "$CASE/plan.txt" ]; then
  if cmp -s plan.txt "$CASE/plan.txt"; then ok "the plan is $CASE/plan.txt, byte for byte (the one docs/changing-a-cluster.md quotes)"
  else fail "the plan differs from $CASE/plan.txt (go test ./cli -run TestPlanGolden -update, then paste it in the docs)" "$(diff "$CASE/plan.txt" plan.txt | sed -n 1,30p)"; fi
fi
mapfile -t PLAN_STEPS < <("${STEPS[@]}" steps plan.json)
say "plan: ${#PLAN_STEPS[@]} steps: $(printf '%s\n' "${PLAN_STEPS[@]}" | awk '{ printf "%s%s %s(%s)", sep, $1, $2, $5; sep = ", " }')"
sed -n '/^Rollout/,/^$/p' plan.txt | sed 's/^/    /'
until_here plan

# ---------------------------------------------------------------- 6. follow it
# satisfy NODE CONDITION...: one wait condition of the plan, for a node just powered on or reset.
satisfy() {
  local n=$1 kind=$2 t m w want
  shift 2
  case $kind in
    console)
      shift  # the node
      wait_ready "$n"
      timing "step $STEP $n: power-on/reset to readiness line $(since "${T_ON[$n]}")s: ${READY[$n]}"
      for w in "$@"; do
        if grep -qw -- "$w" <<<"${READY[$n]}"; then continue; fi
        # A word the plan waits for that this image cannot satisfy (E2E_DOWN: no Mesos here).
        got=$(grep -oE "${w%%=*}=[a-z]+" <<<"${READY[$n]}" || true)
        if [ -n "$got" ] && grep -qP "$E2E_DOWN" <<<"$got"; then say "$n: the plan waits for $w; $got here (no Mesos in the image: E2E_DOWN)"; continue; fi
        abort "$n: the plan waits for \`$w\`, the readiness line says: ${READY[$n]}" \
          "$(con "$n" "${SEG[$n]}" | grep -aF "${READY[$n]}" -B 12 | cut -c1-250; echo '--- watcher (ZooKeeper, every member):'; state; echo; echo "--- $n's connections to the other members:"; zk_log "$n")"
      done
      check_boot "$n"
      ;;
    srvr)
      local addr=$2 modes=$3
      [ -s "$WORK/keys/$n.before" ] || verify_host_keys "$n"
      t=$(date +%s)
      until m=$(mode_of "$n" "$addr") && [ -n "$m" ] && grep -qwE "$modes" <<<"$m"; do
        if [ "$(since "$t")" -ge 180 ]; then
          abort "$n: \`echo srvr | nc $addr 2181\` on $n does not say Mode: ${modes//|/ or } within 180s of its readiness line (says: ${m:-nothing})" \
            "$(on "$n" "echo srvr | nc $addr 2181" 2>&1; echo '--- watcher:'; state; echo; echo "--- $n's connections to the other members:"; zk_log "$n"; echo '--- console:'; con "$n" "${SEG[$n]}" | tail -n 20)"
        fi
        sleep 2
      done
      timing "step $STEP $n: power-on/reset to Mode: $m $(since "${T_ON[$n]}")s"
      ;;
    manifest)
      # manifest stage|description: the firewall stage of new.yaml, or new.yaml itself.
      want=$(sha256sum new.yaml | cut -c1-64)
      got=$("$PY" -c 'import json; m = json.load(open("out/manifest.json")); print(m["description_sha256"], m.get("stage", "-"))')
      wstage=-; [ "$1" = stage ] && wstage=firewall
      [ "$got" = "$want $wstage" ] || abort "out/manifest.json records description and stage $got, not new.yaml ($want) and $wstage"
      ok "out/manifest.json records new.yaml (description_sha256 $want)$([ "$1" = stage ] && echo ', its firewall stage')"
      # The re-applied nodes' seeds carry a new instance-id (the plan's new-instance-id need).
      for o in "${OLD[@]}"; do
        was=$(sed -n 's/^instance-id: //p' "$WORK/old-render/$o.meta-data"); now=$(sed -n 's/^instance-id: //p' "$WORK/out/nodes/$o/meta-data")
        if [ "$was" != "$now" ] && grep -qE "^mesosimg-[a-z0-9-]+-$o-[0-9a-f]{12}\$" <<<"$now"; then ok "$o: instance-id $was -> $now"
        else fail "$o: instance-id $was -> $now: not a new mesosimg-<cluster>-<node>-<12 hex>"; fi
      done
      ;;
    *) abort "unknown wait condition kind $kind" ;;
  esac
}

# conditions_of STEP NODE: the step's wait conditions that concern NODE (all of them for a render).
conditions_of() { "${STEPS[@]}" waits plan.json "$1" | awk -v n="$2" '$1 == "manifest" || $2 == n'; }

# apply_start NODE: power NODE on with its seed (a new node) or give it its new seed (a running one).
apply_start() {
  local n=$1 seed
  seed=$("${STEPS[@]}" seed plan.json "$n") || abort "step $STEP: the plan gives $n no seed"
  seed="$WORK/$seed"
  [ -f "$seed" ] || abort "step $STEP: $seed does not exist"
  SEG[$n]=$(size_of "$WORK/logs/$n.console.log")
  T_ON[$n]=$(date +%s)
  if [ "${STATE[$n]}" = off ]; then
    say "step $STEP: powering on $n with $seed"
    vm_start "$n" "$seed"
    learn_host_keys "$n"   # at once: the watcher's tunnel then sees it join
  else
    say "step $STEP: $n: change ide1-cd0 $seed; system_reset"
    vm_reapply "$n" "$seed"
  fi
}

# apply_wait NODE: the step's wait conditions on NODE, in the plan's order.
apply_wait() {
  local n=$1 c conds
  mapfile -t conds < <(conditions_of "$STEP" "$n")
  [ ${#conds[@]} -gt 0 ] || abort "step $STEP: the plan gives no wait condition for $n"
  for c in "${conds[@]}"; do
    # shellcheck disable=SC2086 # a condition is words
    satisfy "$n" $c
  done
  [ -n "${TUNNEL[$n]:-}" ] || tunnel "$n"
  ok "step $STEP: $n done after $(since "${T_ON[$n]}")s"
}

T_ROLLOUT=$(date +%s)
for line in "${PLAN_STEPS[@]}"; do
  read -r STEP kind one leader_last nodes <<<"$line"
  t_step=$(date +%s)
  IFS=, read -r -a sn <<<"${nodes/#-/}"
  mapfile -t held < <("${STEPS[@]}" held plan.json "$STEP")
  [ ${#held[@]} = 0 ] || abort "step $STEP holds services (${held[*]}): this cluster has no quorum gate to prove (zookeeper members only)"
  "${STEPS[@]}" waits plan.json "$STEP" >/dev/null 2>"$WORK/logs/step$STEP.waits" || abort "step $STEP: $(cat "$WORK/logs/step$STEP.waits")"
  say "step $STEP: $kind ${nodes}$([ "$one" = 1 ] && echo ', one at a time')$([ "$leader_last" = 1 ] && echo ', the ZooKeeper leader last')"
  case $kind in
    render)
      mapfile -t cmds < <("${STEPS[@]}" commands plan.json "$STEP")
      [ ${#cmds[@]} -gt 0 ] || abort "step $STEP: a render step without a command"
      for c in "${cmds[@]}"; do
        say "step $STEP: \$ $c"
        # The command as printed; its mesosimg is the one under test.
        PATH="$(dirname "$MESOSIMG"):$PATH" bash -c "$c" >"$WORK/logs/step$STEP.log" 2>&1 \
          || abort "step $STEP: '$c' failed" "$(cat "$WORK/logs/step$STEP.log")"
      done
      mapfile -t conds < <(conditions_of "$STEP" -)
      [ ${#conds[@]} = 1 ] || abort "step $STEP: a render step waits for ${#conds[@]} conditions (want 1: its manifest)"
      # shellcheck disable=SC2086 # a condition is words
      satisfy - ${conds[0]}
      ;;
    boot)
      for n in "${sn[@]}"; do
        [ "${STATE[$n]}" = off ] || abort "step $STEP boots $n, which is running"
        apply_start "$n"; apply_wait "$n"
      done
      ;;
    reapply)
      order=("${sn[@]}")
      if [ "$leader_last" = 1 ]; then
        # "find it first: the member whose `echo srvr | nc ADDRESS 2181` says Mode: leader"
        lead=
        for _ in $(seq 20); do
          for n in "${sn[@]}"; do [ "$(mode_of "$n")" = leader ] && lead=$n; done
          [ -z "$lead" ] || break
          sleep 3   # an SSH connection that timed out, or an election going on: ask again
        done
        [ -n "$lead" ] || abort "step $STEP: none of ${sn[*]} says Mode: leader (the plan puts the leader last)" "$(tail -n 30 "$WORK/logs/srvr.log"; state)"
        order=()
        for n in "${sn[@]}"; do [ "$n" = "$lead" ] || order+=("$n"); done
        order+=("$lead")
        say "step $STEP: the leader is $lead: order ${order[*]}"
      fi
      if [ "$one" = 1 ]; then
        for n in "${order[@]}"; do
          [ "${STATE[$n]}" = on ] || abort "step $STEP re-applies $n, which is not running"
          if [ "$leader_last" = 1 ] && [ "$n" != "$lead" ] && [ "$(mode_of "$n")" = leader ]; then
            abort "step $STEP: $n became the leader before its turn (the leader was $lead)" "$(state)"
          fi
          apply_start "$n"; apply_wait "$n"
        done
      else
        # "a few at a time": all of the step's nodes here (a few), then each one's conditions.
        for n in "${order[@]}"; do apply_start "$n"; done
        for n in "${order[@]}"; do apply_wait "$n"; done
      fi
      ;;
    gate)
      for n in "${sn[@]}"; do
        mapfile -t conds < <(conditions_of "$STEP" "$n")
        # shellcheck disable=SC2086 # a condition is words
        for c in "${conds[@]}"; do satisfy "$n" $c; done
      done
      ;;
    stop)
      for n in "${sn[@]}"; do vm_poweroff "$n"; done
      ;;
    *)
      abort "step $STEP is a $kind step, which this harness cannot carry out" "$(sed -n "/^  $STEP\. /,/^  $((STEP + 1))\. /p" plan.txt)"
      ;;
  esac
  for n in "${ALL[@]}"; do [ "${STATE[$n]}" = off ] || host_starved "$n"; done
  timing "step $STEP ($kind ${nodes}): $(since "$t_step")s"
  until_here "$STEP"
done
T_ROLLOUT=$(since "$T_ROLLOUT")
timing "rollout (every step of the plan): ${T_ROLLOUT}s"

# ---------------------------------------------------------------- 7. the end state, live
wait_ensemble "${#ALL[@]}" 120 || true
for n in "${ALL[@]}"; do
  if r=$(ip netns exec "$NS" "${ZK[@]}" read "127.0.0.1:${PORT[$n]}" "$WORK/before.json" 2>&1); then ok "$n: $(tail -n1 <<<"$r") (written before the change)"
  else fail "$n: znodes written before the change are missing or changed" "$r"; fi
done
for n in "${OLD[@]}"; do
  on "$n" 'cat /etc/ssh/ssh_host_*_key.pub' >"$WORK/keys/$n.after" 2>&1 || fail "$n: cannot read its host keys over SSH after the change"
  for _ in $(seq 12); do
    ip netns exec "$NS" ssh-keyscan -T 10 "${IP[$n]}" >"$WORK/keys/$n.scan-after" 2>/dev/null && [ -s "$WORK/keys/$n.scan-after" ] && break
    sleep 5
  done
  if [ "$(keys_of "$WORK/keys/$n.before")" = "$(keys_of "$WORK/keys/$n.after")" ] && [ "$(keys_of "$WORK/keys/$n.scan")" = "$(keys_of "$WORK/keys/$n.scan-after")" ]; then
    ok "$n: the same SSH host keys before and after its re-apply (files and what sshd serves)"
  else
    fail "$n: its SSH host keys changed" "$(echo '/etc/ssh/ssh_host_*_key.pub, before -> after:'; diff <(keys_of "$WORK/keys/$n.before") <(keys_of "$WORK/keys/$n.after")
      echo 'served (ssh-keyscan), before -> after:'; diff <(keys_of "$WORK/keys/$n.scan") <(keys_of "$WORK/keys/$n.scan-after"))"
  fi
done

# The watcher's verdict, then its last writes, which every member must hold.
touch "$WORK/watch/stop"
wait "$WATCH_PID" 2>/dev/null || true
WATCH_PID=
if verdict=$("${ZK[@]}" analyze --dir "$WORK/watch" --events "$EVENTS" --members "${#ALL[@]}" --max-outage "$MAX_OUTAGE" 2>&1); then
  ok "watcher: $(head -n1 <<<"$verdict")"
else
  fail "watcher: $(grep -c '^FAIL' <<<"$verdict") finding(s)" "$verdict"
fi
cp "$WORK/watch/acked.json" "$WORK/acked.json" 2>/dev/null || echo '[]' >"$WORK/acked.json"
for n in "${ALL[@]}"; do
  if r=$(ip netns exec "$NS" "${ZK[@]}" read "127.0.0.1:${PORT[$n]}" "$WORK/acked.json" 2>&1); then ok "$n: $(tail -n1 <<<"$r") (acknowledged writes during the rollout)"
  else fail "$n: writes acknowledged during the rollout are missing, or could not be read" "$(grep -E 'FAIL|retry' <<<"$r" | sed -n 1,20p; tail -n 1 <<<"$r")"; fi
done

# ---------------------------------------------------------------- 8. the disks
t=$(date +%s)
for n in "${ALL[@]}"; do vm_poweroff "$n"; done
for n in "${!TUNNEL[@]}"; do kill -TERM "${TUNNEL[$n]}" 2>/dev/null || true; done
say "powered off in $(since "$t")s"
for n in "${ALL[@]}"; do
  qemu-img convert -O raw "$WORK/vm/$n.qcow2" "$WORK/vm/$n.raw"
  allow=$E2E_ALLOW
  grep -qP "$E2E_DOWN" < <(grep -oE '[A-Za-z0-9_.-]+=[a-z]+' <<<"${READY[$n]}") \
    && allow="$E2E_ALLOW|Failed to run module scripts-user|Running module scripts-user .* failed|'scripts-user', RuntimeError\('Runparts: 1 failures \(runcmd\)"
  if E2E_ALLOW=$allow "$PY" "$e2e/check.py" --node "$n" --disk "$WORK/vm/$n.raw" --user-data "$WORK/out/nodes/$n/user-data" \
       --cluster "$WORK/new.yaml" --seed /dev/sr0 --logs "$WORK/disk/$n" >"$WORK/disk/$n.check.log" 2>&1; then
    ok "$n: disk matches the new render (check.py: $(grep -c '^  ok' "$WORK/disk/$n.check.log") checks)"
  else
    fail "$n: disk check against the new render failed" "$(grep -A3 FAIL "$WORK/disk/$n.check.log" | sed -n 1,40p)"
  fi
  reapplied=0
  for o in "${OLD[@]}"; do [ "$o" = "$n" ] && reapplied=1; done
  extra=()
  [ $reapplied = 1 ] && extra=(--keys-before "$WORK/keys/$n.before")
  if "$PY" "$e2e/rollout_check.py" --node "$n" --disk "$WORK/vm/$n.raw" --render "$WORK/out/nodes/$n" --readiness "${READY[$n]}" --data-before "$WORK/before.json" "${extra[@]}" \
       --logs "$WORK/disk/$n" >"$WORK/disk/$n.rollout.log" 2>&1; then
    ok "$n: $(tail -n1 "$WORK/disk/$n.rollout.log" | sed 's/^ok *//; s/^[a-z0-9]*: //') (rollout_check.py: seed taken, records, ZooKeeper data$([ $reapplied = 1 ] && echo ', host keys'))"
  else
    fail "$n: rollout disk check failed" "$(grep -A3 FAIL "$WORK/disk/$n.rollout.log" | sed -n 1,40p)"
  fi
  rm -f "$WORK/vm/$n.raw"
done

# ---------------------------------------------------------------- summary
say "timings (also in $TIMINGS):"
sed 's/^/    /' "$TIMINGS"
"$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
print("    watcher: %d rounds over %.0fs (every %.2fs; longest gap %.2fs; %d rounds not heard; quorum unknown at most %ss), at most %d leader(s) in a round; live writes: %d acknowledged of %d" % (
    r["rounds"], r["seconds"], r["mean_interval"], r["max_gap"], r["blind_rounds"], r["longest_unknown"], r["max_leaders_in_a_round"], r["writes"]["acked"], r["writes"]["attempted"]))
for x in r["restarts"]:
    print("    restart %s (%s): back serving after %ss" % (x["node"], x["event"], x["seconds"]))
for w in r["outages"]:
    print("    outage: %s for %ss (at least %ss) at %ss%s" % (w["kind"], w["seconds"], w["at_least"], w["from"], ", during " + w["during"] if "during" in w else ""))
' "$WORK/watch/report.json" 2>/dev/null || true
say "total $(since "$T0")s"
if [ ${#FAILS[@]} -gt 0 ]; then
  say "${#FAILS[@]} failure(s):"
  printf '  - %s\n' "${FAILS[@]}"
  exit 1
fi
