#!/usr/bin/python3
"""e2e/rollout_check.py — what the rollout left on one powered-off node's disk (e2e/rollout.sh).

    rollout_check.py --node NAME --disk RAW --render OUT/nodes/NAME --readiness LINE
                     [--keys-before FILE --data-before written.json] [--logs DIR]

Reads the ext4 root file system of RAW with debugfs (e2e/check.py's Disk) and checks:
  * the seed cloud-init last took is the node's new render: /var/lib/cloud/data/instance-id and the
    /var/lib/cloud/instance link name meta-data's instance-id; that instance's user-data.txt is the
    rendered user-data byte for byte; its obj.pkl (the datasource cloud-init keeps, read without
    cloud-init's classes) holds the rendered user-data, meta-data and network-config, from /dev/sr0;
  * /var/lib/mesosimg/readiness is the readiness line the console showed last, and
    /var/lib/mesosimg/node (the marker of the node it was set up as) names the node;
  * ZooKeeper's data directory holds the znodes written before the change (in a transaction log or
    snapshot of /var/lib/zookeeper/version-2), and currentEpoch is past the epoch they were written in;
  * with --keys-before (a re-applied node): /etc/ssh/ssh_host_*_key.pub are the keys read before the
    change, and the transaction log of the epoch the znodes were written in is still there.
Prints one line per check; exits 1 if a check failed, 2 on a usage or tool error.
"""
import argparse
import json
import os
import pickle
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check import Disk, Report  # noqa: E402  (e2e/check.py: debugfs, read-only)


class _Any:
    """Stands for every class of cloud-init's pickle: keeps the pickled state as attributes."""

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        if isinstance(state, tuple) and len(state) == 2:
            state = dict(state[0] or {}, **(state[1] or {}))
        if isinstance(state, dict):
            self.__dict__.update(state)


class _Unpickler(pickle.Unpickler):
    SAFE = {"builtins", "collections", "copyreg", "datetime"}

    def find_class(self, module, name):
        if module in self.SAFE:
            return super().find_class(module, name)
        return type(name, (_Any,), {})


def keys_of(text):
    return sorted(set(re.findall(r"((?:ssh|ecdsa)-[a-z0-9-]+ [A-Za-z0-9+/=]+)", text)))


def ls(disk, path):
    """name -> size of the regular files in a directory (debugfs ls -p)."""
    out, _ = disk._run('ls -p "%s"' % path)
    files = {}
    for line in out.decode(errors="replace").splitlines():
        f = line.strip().strip("/").split("/")
        if len(f) >= 6 and f[1].startswith("100"):
            files[f[4]] = int(f[5] or 0)
    return files


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node", required=True)
    ap.add_argument("--disk", required=True)
    ap.add_argument("--render", required=True, help="the node's directory of the render (OUT/nodes/NODE)")
    ap.add_argument("--readiness", required=True, help="the last readiness line on the console")
    ap.add_argument("--keys-before")
    ap.add_argument("--data-before")
    ap.add_argument("--logs")
    a = ap.parse_args()

    disk = Disk(a.disk)
    if disk.stat("/") is None:
        print("rollout_check.py: debugfs cannot read %s" % a.disk, file=sys.stderr)
        return 2
    n = a.node
    report = Report(n, a.logs)
    ok, fail, save, failures, passed = report.ok, report.fail, report.save, report.failures, report.passed

    rendered = {f: open(os.path.join(a.render, f), "rb").read() for f in ("user-data", "meta-data", "network-config")}
    meta = yaml.safe_load(rendered["meta-data"])
    iid = meta["instance-id"]

    # 1. The seed cloud-init took last.
    got, _, _ = disk.read("/var/lib/cloud/data/instance-id")
    got = (got or b"").decode().strip()
    if got == iid:
        ok("/var/lib/cloud/data/instance-id: %s (the new meta-data's)" % iid)
    else:
        fail("/var/lib/cloud/data/instance-id is %r, the new meta-data says %r" % (got, iid))
    link = disk.stat("/var/lib/cloud/instance")
    target = (link or {}).get("link")
    if target == "/var/lib/cloud/instances/" + iid:
        ok("/var/lib/cloud/instance -> %s" % target)
    else:
        fail("/var/lib/cloud/instance is %r, not a link to /var/lib/cloud/instances/%s" % (link, iid))
    inst = "/var/lib/cloud/instances/" + iid
    ud, _, _ = disk.read(inst + "/user-data.txt")
    if ud == rendered["user-data"]:
        ok("%s/user-data.txt is the rendered user-data (%d bytes)" % (inst, len(ud)))
    else:
        fail("%s/user-data.txt differs from the rendered user-data (%s vs %d bytes)" % (inst, None if ud is None else len(ud), len(rendered["user-data"])))
    pkl, _, _ = disk.read(inst + "/obj.pkl")
    save("obj.pkl", pkl)
    if pkl is None:
        fail("%s/obj.pkl missing" % inst)
    else:
        try:
            ds = _Unpickler(__import__("io").BytesIO(pkl)).load().__dict__
        except Exception as e:  # noqa: BLE001
            ds = {}
            fail("%s/obj.pkl: cannot read it: %s: %s" % (inst, type(e).__name__, e))
        md = {k: v for k, v in (ds.get("metadata") or {}).items() if k != "dsmode"}
        if ds and md == meta:
            ok("obj.pkl: the datasource's meta-data is the rendered one: %s" % json.dumps(md, sort_keys=True))
        elif ds:
            fail("obj.pkl: the datasource's meta-data %r is not the rendered %r" % (md, meta))
        if ds and ds.get("_network_config") == yaml.safe_load(rendered["network-config"]):
            ok("obj.pkl: the datasource's network-config is the rendered one")
        elif ds:
            fail("obj.pkl: the datasource's network-config differs from the render",
                 "%s\n--- rendered:\n%s" % (json.dumps(ds.get("_network_config"), indent=1), rendered["network-config"].decode()))
        if ds and ds.get("userdata_raw") == rendered["user-data"]:
            ok("obj.pkl: the datasource's user-data is the rendered one")
        elif ds:
            fail("obj.pkl: the datasource's user-data differs from the render")
        if ds and ds.get("seed") == "/dev/sr0":
            ok("obj.pkl: seed /dev/sr0")
        elif ds:
            fail("obj.pkl: the seed came from %r, not /dev/sr0" % ds.get("seed"))

    # 2. mesosimg's own records.
    r, _, _ = disk.read("/var/lib/mesosimg/readiness")
    want = a.readiness.split("mesosimg: ", 1)[-1].strip()
    if r is not None and r.decode(errors="replace").strip() == want:
        ok("/var/lib/mesosimg/readiness: %s" % want)
    else:
        fail("/var/lib/mesosimg/readiness is %r, the console's last readiness line %r" % (r, want))
    m, st, _ = disk.read("/var/lib/mesosimg/node")
    save("mesosimg-node", m)
    if m is not None and re.search(r"(^|\W)%s(\W|$)" % re.escape(n), m.decode(errors="replace")):
        ok("/var/lib/mesosimg/node: %s" % m.decode(errors="replace").strip())
    else:
        fail("/var/lib/mesosimg/node (the marker of the node it was set up as) is %r, not naming %s" % (m, n))

    # 3. ZooKeeper's data.
    vdir = "/var/lib/zookeeper/version-2"
    files = ls(disk, vdir)
    save("version-2.txt", "\n".join("%s %d" % kv for kv in sorted(files.items())).encode())
    if not files:
        fail("%s holds no file" % vdir)
    written = json.load(open(a.data_before)) if a.data_before else []
    cur, _, _ = disk.read(vdir + "/currentEpoch")
    cur = int(cur.decode().strip()) if cur and cur.strip().isdigit() else None
    if written:
        epoch = min(w["epoch"] for w in written)
        first = min(w["zxid"] for w in written)
        if cur is not None and cur > epoch:
            ok("%s/currentEpoch %d, past epoch %d of the znodes written before" % (vdir, cur, epoch))
        else:
            fail("%s/currentEpoch is %s, not past epoch %d of the znodes written before" % (vdir, cur, epoch))
        holders = []
        for name in sorted(files):
            if not re.match(r"^(log|snapshot)\.[0-9a-f]+$", name):
                continue
            data, _, _ = disk.read(vdir + "/" + name)
            if data and all(w["path"].encode() in data and w["value"].encode() in data for w in written):
                holders.append(name)
        if holders:
            ok("%s: %s hold(s) every znode written before (path and value)" % (vdir, ", ".join(holders)))
        else:
            fail("no transaction log or snapshot in %s holds every znode written before" % vdir, " ".join(sorted(files)))
        if a.keys_before:
            # The log of the epoch the znodes were written in, from before the change.
            old = [f for f in holders if f.startswith("log.") and int(f[4:], 16) >> 32 == epoch and int(f[4:], 16) <= first]
            if old:
                ok("%s/%s: the transaction log the znodes were written to before the change is kept" % (vdir, old[0]))
            else:
                fail("%s: no transaction log of epoch %d from before zxid 0x%x (the pre-change data) is left" % (vdir, epoch, first), " ".join(sorted(files)))

    # 4. A re-applied node keeps its SSH host keys.
    if a.keys_before:
        want = keys_of(open(a.keys_before).read())
        have = []
        for name in sorted(ls(disk, "/etc/ssh")):
            if re.match(r"^ssh_host_\w+_key\.pub$", name):
                d, _, _ = disk.read("/etc/ssh/" + name)
                have += keys_of((d or b"").decode(errors="replace"))
        if sorted(set(have)) == want:
            ok("/etc/ssh/ssh_host_*_key.pub: the %d keys read before the change (%s)" % (len(want), ", ".join(k.split()[0] for k in want)))
        else:
            fail("/etc/ssh/ssh_host_*_key.pub are not the keys read before the change",
                 "before:\n%s\nafter:\n%s" % ("\n".join(want), "\n".join(sorted(set(have)))))

    print("%s  %s: %d rollout check(s) passed, %d failed" % ("FAIL" if failures else "ok  ", n, len(passed), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
