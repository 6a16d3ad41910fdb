# shellcheck shell=bash
# e2e/lib.sh — shell helpers of the VM tests, sourced (not run) by e2e/rollout.sh: messages, the
# qemu monitor (QMP, and HMP through it), consoles, the test's network namespace, qemu's accelerator.
# The sourcing script sets E2E_TAG (the prefix of its messages) and PY (/usr/bin/python3).

say()   { printf '%s: %s\n' "$E2E_TAG" "$*"; }
die()   { printf '%s: FAIL: %s\n' "$E2E_TAG" "$*" >&2; exit 1; }
since() { echo $(( $(date +%s) - $1 )); }
# quote TEXT: TEXT indented under a failure message (console lines, logs).
quote() { sed 's/^/    | /'; }

# need TOOL...: every TOOL is on PATH, or the test fails naming what installs it.
need() {
  local t
  for t in "$@"; do
    [ -x "$(command -v "$t")" ] || die "$t not found; make e2e-deps (scripts/install-deps.sh --e2e) installs it"
  done
}

# console FILE [BYTE]: a serial console log from BYTE on (default the start), without carriage
# returns and terminal escapes.
console_from() {
  tail -c +"$(( ${2:-0} + 1 ))" "$1" 2>/dev/null | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g'
}

# size FILE: its length in bytes (0 when missing): the offset a later console_from starts at.
size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }

# qmp SOCKET COMMAND [ARGUMENTS-JSON]: runs one QMP command and prints its "return" as JSON; fails
# (with QMP's error on stderr) when qemu answers with an error.
qmp() {
  "$PY" - "$@" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(20)
s.connect(sys.argv[1])
f = s.makefile("rw")
f.readline()
args = json.loads(sys.argv[3]) if len(sys.argv) > 3 else None
for cmd, arg in (("qmp_capabilities", None), (sys.argv[2], args)):
    msg = {"execute": cmd}
    if arg is not None:
        msg["arguments"] = arg
    f.write(json.dumps(msg) + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "return" in r or "error" in r:
            break
    if "error" in r:
        print("qmp %s: %s" % (cmd, r["error"].get("desc", r["error"])), file=sys.stderr)
        sys.exit(1)
print(json.dumps(r["return"]))
EOF
}

# hmp SOCKET 'COMMAND LINE': a command of qemu's human monitor, as typed there (through QMP's
# human-monitor-command); prints what the monitor answers.
hmp() {
  local arg
  arg=$("$PY" -c 'import json, sys; print(json.dumps({"command-line": sys.argv[1]}))' "$2")
  qmp "$1" human-monitor-command "$arg" | "$PY" -c 'import json, sys; sys.stdout.write(json.load(sys.stdin))'
}

# netns_up NS BRIDGE-ADDRESS/PREFIX TAPS: a network namespace with a bridge (the host side of the
# test, inside the namespace only) and TAPS tap devices tap1..tapN on it. The host's own network is
# never touched.
netns_up() {
  local ns=$1 addr=$2 taps=$3 i
  ip netns add "$ns" || die "ip netns add $ns failed (need CAP_SYS_ADMIN and a writable /run/netns)"
  ip -n "$ns" link set lo up
  ip -n "$ns" link add br0 type bridge
  ip -n "$ns" addr add "$addr" dev br0
  ip -n "$ns" link set br0 up
  for i in $(seq 1 "$taps"); do
    ip -n "$ns" tuntap add dev "tap$i" mode tap || die "cannot create tap$i in $ns (/dev/net/tun usable?)"
    ip -n "$ns" link set "tap$i" master br0 up
  done
}

# vms_stop [TRIES]: ends every qemu of the sourcing script's QPID (node -> pid): TERM, up to TRIES
# half-seconds (default 10) for them to exit, then KILL.
vms_stop() {
  local n p i
  for n in "${!QPID[@]}"; do kill -TERM "${QPID[$n]}" 2>/dev/null || true; done
  for i in $(seq "${1:-10}"); do
    p=0; for n in "${!QPID[@]}"; do kill -0 "${QPID[$n]}" 2>/dev/null && p=1; done
    [ "$p" = 0 ] && break; sleep 0.5
  done
  for n in "${!QPID[@]}"; do kill -KILL "${QPID[$n]}" 2>/dev/null || true; done
}

# netns_down NS: kills what still runs in the namespace (only ours: it is the test's), deletes it.
netns_down() {
  local ns=$1 p
  grep -qw "^$ns" < <(ip netns list 2>/dev/null) || return 0
  for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || echo "$E2E_TAG: warning: could not delete netns $ns" >&2
}

# accel: qemu's accelerator options, by E2E_ACCEL: tcg (default, as e2e/run.sh: CI machines have
# no KVM, and nested KVM where there is a /dev/kvm can fail: "failed to set MSR 0x10a" with -cpu host,
# a guest that prints nothing with other models) or kvm. Prints the words, one per line, for mapfile.
accel() {
  case ${E2E_ACCEL:-tcg} in
    tcg) printf '%s\n' -accel tcg,thread=multi -cpu max ;;
    kvm) printf '%s\n' -accel kvm -cpu host ;;
    *) die "E2E_ACCEL=$E2E_ACCEL: tcg or kvm" ;;
  esac
}
