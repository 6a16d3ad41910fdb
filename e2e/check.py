#!/usr/bin/python3
"""e2e/check.py — checks one powered-off guest disk against what `mesosimg render` wrote for it.

    check.py --node NAME --disk RAW --user-data FILE --cluster CLUSTER.yaml [--logs DIR]

Reads the ext4 root file system of RAW with debugfs (read-only, nothing is mounted) and checks:
  * every write_files entry of the rendered user-data is on the disk with the rendered content
    (decoded: b64/gzip), mode and owner (append: the content is at the end of the file);
  * /etc/hosts maps every node of the cluster to its IP, and nothing maps the node's own name to
    127.0.1.1 (or any loopback address); /etc/hostname is the node name;
  * cloud-init ran from the NoCloud seed (/var/lib/cloud/data/result.json) and reported no error
    beyond those matching $E2E_ALLOW (default: none; run.sh adds the failed runcmd a node's
    readiness line explains);
  * the network-config was applied: the ENI file cloud-init renders on Debian carries the node's
    address on the expected interface.
Copies cloud-init's logs and the checked files into --logs. Prints one line per check; exits 1 if any
check failed, 2 on a usage/tool error.
"""
import argparse
import base64
import difflib
import email
import gzip
import hashlib
import ipaddress
import json
import os
import posixpath
import re
import subprocess
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    print("check.py: python3-yaml is missing (apt-get install python3-yaml)", file=sys.stderr)
    sys.exit(2)


class Report:
    """The check lines of one node (ok, FAIL with an indented detail, note) and what they found."""

    def __init__(self, tag, logs=None):
        self.tag, self.logs = tag, logs
        self.failures, self.passed = [], []

    def ok(self, msg):
        self.passed.append(msg)
        print("  ok    %s: %s" % (self.tag, msg))

    def fail(self, msg, detail=""):
        self.failures.append(msg)
        print("  FAIL  %s: %s" % (self.tag, msg))
        for line in detail.splitlines():
            print("          " + line)

    def note(self, msg):
        print("  note  %s: %s" % (self.tag, msg))

    def save(self, name, data):
        """Keeps data as name in the logs directory (when one is given)."""
        if self.logs and data is not None:
            os.makedirs(self.logs, exist_ok=True)
            with open(os.path.join(self.logs, name), "wb") as f:
                f.write(data)


class Disk:
    """Read-only access to an ext4 image through debugfs."""

    def __init__(self, image):
        self.image = image

    def _run(self, cmd):
        p = subprocess.run(["debugfs", "-R", cmd, self.image], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, check=False)
        err = p.stderr.decode(errors="replace")
        err = "\n".join(l for l in err.splitlines() if not l.startswith("debugfs "))
        return p.stdout, err.strip()

    def stat(self, path):
        """Returns dict(type, mode, uid, gid, size, link) or None when path does not exist."""
        out, err = self._run('stat "%s"' % path)
        text = out.decode(errors="replace")
        m = re.search(r"Type:\s+(\S+)\s+Mode:\s+(\d+)", text)
        if not m:
            return None
        st = {"type": m.group(1), "mode": int(m.group(2), 8)}
        m = re.search(r"User:\s+(\d+)\s+Group:\s+(\d+)", text)
        st["uid"], st["gid"] = (int(m.group(1)), int(m.group(2))) if m else (-1, -1)
        m = re.search(r"Size:\s+(\d+)", text)
        st["size"] = int(m.group(1)) if m else -1
        m = re.search(r'Fast link dest: "(.*)"', text)
        st["link"] = m.group(1) if m else None
        return st

    def resolve(self, path):
        """Follows symlinks in the last component (debugfs follows the intermediate ones)."""
        for _ in range(40):
            st = self.stat(path)
            if st is None or st["type"] != "symlink":
                return path, st
            target = st["link"]
            if target is None:  # slow symlink: the target is the inode's data
                target = self._run('cat "%s"' % path)[0].decode(errors="replace")
            if not target.startswith("/"):
                target = posixpath.join(posixpath.dirname(path), target)
            path = posixpath.normpath(target)
        return path, None

    def read(self, path):
        """Returns (bytes, stat, real path); bytes is None when the file is missing."""
        real, st = self.resolve(path)
        if st is None or st["type"] != "regular":
            return None, st, real
        data, _ = self._run('cat "%s"' % real)
        return data, st, real


def load_user_data(path):
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    docs = []
    if raw.lstrip().lower().startswith(b"content-type:") or raw.startswith(b"MIME-Version"):
        msg = email.message_from_bytes(raw)
        for part in msg.walk():
            if part.get_content_type() in ("text/cloud-config", "text/x-cloud-config"):
                docs.append(part.get_payload(decode=True))
    else:
        docs.append(raw)
    cfg = {"write_files": []}
    for d in docs:
        text = d.decode()
        if not text.startswith("#cloud-config"):
            continue
        c = yaml.safe_load(text) or {}
        cfg["write_files"].extend(c.get("write_files") or [])
        for k, v in c.items():
            if k != "write_files":
                cfg[k] = v
    return cfg


def decode_content(entry):
    content = entry.get("content", "")
    data = content.encode() if isinstance(content, str) else bytes(content)
    enc = str(entry.get("encoding", "text")).lower()
    if enc in ("b64", "base64", "gz+b64", "gzip+base64", "gz+base64", "gzip+b64"):
        data = base64.b64decode(data)
    if enc in ("gz", "gzip", "gz+b64", "gzip+base64", "gz+base64", "gzip+b64"):
        data = gzip.decompress(data)
    return data


def passwd_map(disk, path):
    data, _, _ = disk.read(path)
    m = {}
    for line in (data or b"").decode(errors="replace").splitlines():
        f = line.split(":")
        if len(f) >= 3 and f[2].isdigit():
            m[f[0]] = int(f[2])
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node", required=True)
    ap.add_argument("--disk", required=True)
    ap.add_argument("--user-data", required=True)
    ap.add_argument("--cluster", required=True)
    ap.add_argument("--seed", default="/dev/sr0",
                    help="where the NoCloud seed must have come from (a device or a seed directory)")
    ap.add_argument("--logs")
    a = ap.parse_args()

    allow = re.compile(os.environ.get("E2E_ALLOW", r"(?!)"))
    disk = Disk(a.disk)
    if disk.stat("/") is None:
        print("check.py: debugfs cannot read %s" % a.disk, file=sys.stderr)
        return 2
    cluster = yaml.safe_load(open(a.cluster)) or {}
    nodes = cluster.get("nodes") or []
    me = next((n for n in nodes if n.get("name") == a.node), None)
    if me is None:
        print("check.py: node %s is not in %s" % (a.node, a.cluster), file=sys.stderr)
        return 2
    net = cluster.get("network") or {}
    prefix = me.get("prefix", net.get("prefix", 24))
    iface = me.get("interface") or net.get("interface")

    tag = a.node
    report = Report(tag, a.logs)
    ok, fail, note, save, failures = report.ok, report.fail, report.note, report.save, report.failures

    users = passwd_map(disk, "/etc/passwd")
    groups = passwd_map(disk, "/etc/group")

    # 1. cloud-init: datasource, errors, finished.
    data, _, _ = disk.read("/var/lib/cloud/data/result.json")
    save("result.json", data)
    if data is None:
        fail("/var/lib/cloud/data/result.json missing: cloud-init never finished its final stage")
    else:
        res = json.loads(data).get("v1", {})
        ds = res.get("datasource") or ""
        if "DataSourceNoCloud" in ds and ("[seed=%s]" % a.seed) in ds:
            ok("cloud-init datasource: %s" % ds)
        else:
            fail("cloud-init did not use the NoCloud seed on %s: datasource=%r" % (a.seed, ds))
        errs = res.get("errors") or []
        bad = [e for e in errs if not allow.search(str(e))]
        for e in errs:
            if e not in bad:
                note("cloud-init error allowed by E2E_ALLOW (%s): %s" % (allow.pattern, e))
        if bad:
            fail("cloud-init reported %d error(s)" % len(bad), "\n".join(str(e) for e in bad))
        elif not errs:
            ok("cloud-init reported no errors")
    for name in ("status.json",):
        d, _, _ = disk.read("/var/lib/cloud/data/" + name)
        save(name, d)
    for logf in ("/var/log/cloud-init.log", "/var/log/cloud-init-output.log"):
        d, _, _ = disk.read(logf)
        save(posixpath.basename(logf), d)
        if logf.endswith("cloud-init.log"):
            if d is None:
                fail("/var/log/cloud-init.log missing")
                continue
            warns = [l for l in d.decode(errors="replace").splitlines()
                     if re.search(r"\[(WARNING|ERROR|CRITICAL)\]", l)]
            bad = [l for l in warns if not allow.search(l)]
            for l in warns:
                if l not in bad:
                    note("cloud-init.log, allowed by E2E_ALLOW: %s" % l[:200])
            if bad:
                fail("/var/log/cloud-init.log has %d unexpected warning(s)" % len(bad), "\n".join(bad[:20]))
    if disk.stat("/var/lib/cloud/instance/boot-finished") is None:
        fail("/var/lib/cloud/instance/boot-finished missing")

    # 1b. a seed on the disk (bare metal: the installer's late_command wrote it): the rendered files,
    # byte for byte, user-data readable by root only; and nothing left of the installer's own network
    # configuration (the NoCloud network-config must be the only one).
    if a.seed.startswith("/var/lib/cloud/seed/"):
        rendered = os.path.dirname(os.path.abspath(a.user_data))
        for name, mode in (("meta-data", 0o644), ("network-config", 0o644), ("user-data", 0o600)):
            got, st, _ = disk.read(posixpath.join(a.seed, name))
            want = open(os.path.join(rendered, name), "rb").read()
            if got is None:
                fail("seed %s/%s: not on the disk" % (a.seed, name))
            elif got != want:
                fail("seed %s/%s differs from the render (%d vs %d bytes)" % (a.seed, name, len(got), len(want)))
            elif (st["mode"] & 0o7777, st["uid"], st["gid"]) != (mode, 0, 0):
                fail("seed %s/%s: mode %o uid %d gid %d, want %o root:root" % (a.seed, name, st["mode"] & 0o7777, st["uid"], st["gid"], mode))
            else:
                ok("seed %s/%s on the disk is the rendered file (%o root:root)" % (a.seed, name, mode))
        eni, _, _ = disk.read("/etc/network/interfaces")
        stanzas = [l.strip() for l in (eni or b"").decode(errors="replace").splitlines()
                   if re.match(r"\s*(iface|auto|allow-hotplug)\s", l) and not re.search(r"\blo\b", l)]
        if stanzas:
            fail("/etc/network/interfaces still configures the installer's NIC", "\n".join(stanzas))
        else:
            ok("/etc/network/interfaces configures only lo (the installer's stanza is gone)")

    # 2. every write_files entry.
    try:
        ud = load_user_data(a.user_data)
    except Exception as e:  # noqa: BLE001
        fail("cannot parse the rendered user-data %s: %s" % (a.user_data, e))
        ud = {"write_files": []}
    entries = ud["write_files"]
    if not entries:
        fail("the rendered user-data has no write_files")
    # Later entries for the same path win (cloud-init writes them in order).
    last = {}
    for i, e in enumerate(entries):
        last[e.get("path")] = i
    for i, e in enumerate(entries):
        path = e.get("path")
        if not path:
            fail("write_files[%d] has no path" % i)
            continue
        want = decode_content(e)
        append = bool(e.get("append"))
        got, st, real = disk.read(path)
        where = path if real == path else "%s (-> %s)" % (path, real)
        # install.method apt: mesosimg's policy-rc.d keeps new services stopped until the first-boot
        # script has written their configuration, then that script removes it.
        if path == "/usr/sbin/policy-rc.d" and b"mesosimg" in want:
            if got is None:
                ok("%s: removed by the first boot, as it must be once the services start" % path)
            else:
                fail("%s: still on the disk: services installed later would never start" % path)
            continue
        if got is None:
            fail("%s: not on the disk%s" % (where, "" if st is None else " as a regular file (type %s)" % st["type"]))
            continue
        save("files" + path.replace("/", "_"), got)
        if last[path] != i and not append:
            note("%s: written again by a later write_files entry; checked there" % path)
            continue
        if append:
            good = got.endswith(want) or want in got
        else:
            good = got == want
        if not good:
            diff = "".join(difflib.unified_diff(
                want.decode(errors="replace").splitlines(True), got.decode(errors="replace").splitlines(True),
                "rendered " + path, "on disk " + real, n=1))
            fail("%s: content differs from the rendered one" % where, diff[:3000])
            continue
        problems = []
        perm = e.get("permissions")
        if perm is not None:
            try:
                want_mode = int(str(perm), 8) if isinstance(perm, str) else int(perm)
                # An int here is what PyYAML made of an unquoted 0644: cloud-init reads it the same way.
                if (st["mode"] & 0o7777) != want_mode:
                    problems.append("mode %04o, rendered %04o" % (st["mode"] & 0o7777, want_mode))
            except ValueError:
                problems.append("unparsable permissions %r" % perm)
        owner = str(e.get("owner", "root:root"))
        u, _, g = owner.partition(":")
        g = g or u
        want_uid, want_gid = users.get(u), groups.get(g)
        if want_uid is None or want_gid is None:
            problems.append("owner %s does not exist on the node" % owner)
        elif (st["uid"], st["gid"]) != (want_uid, want_gid):
            problems.append("owner %d:%d, rendered %s (%d:%d)" % (st["uid"], st["gid"], owner, want_uid, want_gid))
        if problems:
            fail("%s: %s" % (where, "; ".join(problems)))
        else:
            ok("%s: %d bytes, %04o %s%s%s" % (where, len(want), st["mode"] & 0o7777, owner,
                                             " (append)" if append else "", " (deferred)" if e.get("defer") else ""))

    # 3. /etc/hosts and /etc/hostname.
    hosts, _, _ = disk.read("/etc/hosts")
    save("etc_hosts", hosts)
    text = (hosts or b"").decode(errors="replace")
    table = []
    for line in text.splitlines():
        f = line.split("#", 1)[0].split()
        if len(f) >= 2:
            table.append((f[0], f[1:]))
    domain = cluster.get("domain")
    myname = {a.node} | ({"%s.%s" % (a.node, domain)} if domain else set())
    for n in nodes:
        names = {n["name"]} | ({"%s.%s" % (n["name"], domain)} if domain else set())
        ips = [ip for ip, hn in table if names & set(hn)]
        if ips == [str(n["ip"])]:
            ok("/etc/hosts: %s -> %s" % (n["name"], n["ip"]))
        elif str(n["ip"]) in ips:
            fail("/etc/hosts maps %s to %s (also to %s)" % (n["name"], n["ip"], ", ".join(i for i in ips if i != str(n["ip"]))), text)
        else:
            fail("/etc/hosts does not map %s to %s" % (n["name"], n["ip"]), text)
    for ip, hn in table:
        try:
            loop = ipaddress.ip_address(ip).is_loopback
        except ValueError:
            continue
        if loop and myname & set(hn):
            fail("/etc/hosts maps the node's own name to loopback: %s %s" % (ip, " ".join(hn)), text)
        elif ip == "127.0.1.1":
            note("/etc/hosts keeps the image's '127.0.1.1 %s' line (not this node's name)" % " ".join(hn))
    hn, _, _ = disk.read("/etc/hostname")
    hn = (hn or b"").decode(errors="replace").strip()
    if hn.split(".")[0] == a.node:
        ok("/etc/hostname: %s" % hn)
    else:
        fail("/etc/hostname is %r, not %s" % (hn, a.node))

    # 3b. ZooKeeper members: /etc/zookeeper/conf is mesosimg's directory through the alternatives
    # system, ZooKeeper's own paths read the rendered files, and the package's conffiles are as
    # shipped (dpkg's md5sums in /var/lib/dpkg/status), so upgrades never stop at a prompt.
    if "zookeeper" in (me.get("roles") or []):
        alt = disk.stat("/etc/alternatives/zookeeper-conf")
        if alt and alt.get("link") == "/etc/zookeeper/conf_mesosimg":
            ok("/etc/alternatives/zookeeper-conf -> /etc/zookeeper/conf_mesosimg")
        else:
            fail("/etc/alternatives/zookeeper-conf is %r, not a link to /etc/zookeeper/conf_mesosimg" % (alt,))
        myid, _, _ = disk.read("/var/lib/zookeeper/myid")
        want, _, _ = disk.read("/etc/zookeeper/conf_mesosimg/myid")
        if myid is not None and myid == want:
            ok("/var/lib/zookeeper/myid (ZooKeeper's path) reads mesosimg's myid: %s" % myid.decode().strip())
        else:
            fail("/var/lib/zookeeper/myid reads %r, mesosimg wrote %r" % (myid, want))
        status, _, _ = disk.read("/var/lib/dpkg/status")
        conffiles, pkg, inconf = {}, None, False
        for line in (status or b"").decode(errors="replace").splitlines():
            if line.startswith("Package: "):
                pkg, inconf = line.split(": ", 1)[1], False
            elif pkg == "zookeeper" and line.startswith("Conffiles:"):
                inconf = True
            elif inconf and line.startswith(" "):
                f = line.split()
                conffiles[f[0]] = f[1]
            else:
                inconf = False
        checked = [c for c in conffiles if c.startswith("/etc/zookeeper/conf_example/")]
        changed = []
        for c in checked:
            d, _, _ = disk.read(c)
            if d is None or hashlib.md5(d).hexdigest() != conffiles[c]:
                changed.append(c)
        if not checked:
            fail("no /etc/zookeeper/conf_example conffiles of the zookeeper package in /var/lib/dpkg/status")
        elif changed:
            fail("the zookeeper package's conffiles were modified: %s" % ", ".join(changed))
        else:
            ok("the zookeeper package's %d conffiles are as shipped (%s)" % (len(checked), ", ".join(posixpath.basename(c) for c in checked)))

    # 4. network-config applied (Debian 12: cloud-init's ENI renderer).
    eni, _, _ = disk.read("/etc/network/interfaces.d/50-cloud-init")
    save("50-cloud-init", eni)
    if eni is None:
        fail("/etc/network/interfaces.d/50-cloud-init missing: cloud-init rendered no network config")
    else:
        t = eni.decode(errors="replace")
        stanza = re.search(r"^iface (\S+) inet static\n((?:[ \t].*\n?)*)", t, re.M)
        addr = "%s/%s" % (me["ip"], prefix)
        if addr in t or re.search(r"address %s\b" % re.escape(str(me["ip"])), t):
            dev = None
            for m in re.finditer(r"^iface (\S+) inet static\n((?:[ \t].*\n?)*)", t, re.M):
                if str(me["ip"]) in m.group(2):
                    dev = m.group(1)
            if iface and dev != iface:
                fail("network-config: %s is on %s, the description says %s" % (addr, dev, iface), t)
            else:
                ok("network-config: %s on %s (ENI)" % (addr, dev))
        else:
            fail("network-config: %s is not in the ENI config cloud-init rendered" % addr, t)
        if stanza is None:
            note("no static stanza found in 50-cloud-init")

    print("  %s  %s: %d check(s) failed" % ("FAIL" if failures else "ok  ", tag, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
