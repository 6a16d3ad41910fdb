#!/usr/bin/python3
"""e2e/plansteps.py — reads `mesosimg plan --json` for e2e/rollout.sh, which follows it step by step.

    plansteps.py steps PLAN.json           one line per step: NUMBER KIND ONE_AT_A_TIME LEADER_LAST NODES
                                           (0/1 flags; NODES comma-separated, "-" for none)
    plansteps.py commands PLAN.json N      step N's commands, one per line
    plansteps.py held PLAN.json N          step N's held services: NODE SERVICE per line
    plansteps.py waits PLAN.json N         step N's wait conditions, one per line, as the harness checks them:
                                             console NODE WORD=STATE...   a new readiness line of NODE with these words
                                             srvr NODE ADDRESS MODE[|MODE] the command `echo srvr | nc ADDRESS 2181`,
                                                                          run on NODE, says Mode: MODE
                                             manifest stage|description   the render exited 0 and OUT/manifest.json
                                                                          records the new description
    plansteps.py seed PLAN.json NODE       the seed the plan boots NODE with (relative to where plan ran)
    plansteps.py address PLAN.json NODE    NODE's address

A wait condition the harness does not know is an error (exit 1, the text on stderr): the test must
not pass by skipping what the plan says to wait for.
"""
import json
import re
import sys

CONSOLE = re.compile(r"^`mesosimg: (\S+)((?: [A-Za-z0-9_.-]+=[a-z]+)+)` on its console$")
SRVR = re.compile(r"^`echo srvr \| nc (\S+) (\d+)` says Mode: ([a-z]+(?: or [a-z]+)*)$")
MANIFEST = re.compile(r"^it exits 0: (\S+)/manifest\.json now records the (new description|firewall stage)$")


def conditions(text, plan):
    """The conditions of one wait_for entry ("A and B"): each a list of words."""
    addr = {n["address"]: n["name"] for n in plan.get("nodes", [])}
    out = []
    # " and " before a backquote joins two conditions (each begins with a quoted line or command).
    for part in re.split(r" and (?=`)", text):
        part = part.strip()
        m = CONSOLE.match(part)
        if m:
            out.append(["console", m.group(1)] + m.group(2).split())
            continue
        m = SRVR.match(part)
        if m:
            if m.group(1) not in addr:
                raise ValueError("wait condition names %s, which is no node's address: %s" % (m.group(1), part))
            if m.group(2) != "2181":
                raise ValueError("wait condition on port %s (the harness knows 2181): %s" % (m.group(2), part))
            out.append(["srvr", addr[m.group(1)], m.group(1), "|".join(m.group(3).split(" or "))])
            continue
        m = MANIFEST.match(part)
        if m:
            out.append(["manifest", "stage" if m.group(2) == "firewall stage" else "description"])
            continue
        raise ValueError("a wait condition the harness does not know: %r (in %r)" % (part, text))
    return out


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    plan = json.load(open(path))
    steps = {s["number"]: s for s in plan.get("steps", [])}
    if cmd == "steps":
        for n in sorted(steps):
            s = steps[n]
            print(n, s["kind"], int(bool(s.get("one_at_a_time"))), int(bool(s.get("zookeeper_leader_last"))),
                  ",".join(s.get("nodes") or []) or "-")
    elif cmd == "commands":
        for c in steps[int(sys.argv[3])].get("commands") or []:
            print(c)
    elif cmd == "held":
        for h in steps[int(sys.argv[3])].get("held") or []:
            print(h["node"], h["service"])
    elif cmd == "waits":
        try:
            for w in steps[int(sys.argv[3])].get("wait_for") or []:
                for c in conditions(w, plan):
                    print(" ".join(c))
        except ValueError as e:
            print("plansteps: %s" % e, file=sys.stderr)
            return 1
    elif cmd in ("seed", "address"):
        node = next((n for n in plan.get("nodes", []) if n["name"] == sys.argv[3]), None)
        if node is None or not node.get(cmd):
            print("plansteps: the plan gives node %s no %s" % (sys.argv[3], cmd), file=sys.stderr)
            return 1
        print(node[cmd])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
