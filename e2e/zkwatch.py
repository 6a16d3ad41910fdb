#!/usr/bin/python3
"""e2e/zkwatch.py — ZooKeeper seen from the host side of the rollout test (e2e/rollout.sh).

Standard library only: the four-letter words and a minimal client of ZooKeeper's wire protocol
(jute: connect, create, getData, getChildren, sync, close), enough to write znodes and read them
back from one given member.

    zkwatch.py 4lw HOST:PORT WORD
    zkwatch.py write HOST:PORT PREFIX COUNT > written.json      znodes PREFIX/k00.. with fresh values
    zkwatch.py read HOST:PORT written.json [...]               every znode there, from that member
    zkwatch.py watch --members z1=HOST:PORT,... --dir DIR      until DIR/stop exists
    zkwatch.py analyze --dir DIR --events FILE                 the verdict on what watch logged

watch polls every member's srvr and mntr every --interval seconds (one poll round: all members at
once), logs every sample (DIR/samples.jsonl, one line per member per round) and the latest round
(DIR/state.json); a writer thread creates DIR's live znodes (/mesosimg-rollout-live/wNNNNN) through
the serving members and logs each attempt (DIR/writes.jsonl). analyze reads those logs and the
harness's events (EPOCH-SECONDS NODE EVENT lines: reset, poweron, poweroff) and fails on
  * two leaders in one poll round with the same epoch (the high 32 bits of the zxid: an epoch
    belongs to one leader), or two leaders in one round each with a quorum of synced voting
    followers (zk_synced_followers - zk_synced_non_voting_followers, + itself, a majority of its
    zk_quorum_size) — a stale leader that lost its followers is not counted;
  * a quorum loss (no member serving: none says Mode: leader or follower; and, stricter, no leader
    with a quorum of synced voting followers) that is not inside one member's restart or lasts
    longer than it (reset -> that member serving again, measured from the same samples), or longer
    than --max-outage;
  * a blind watcher: two heard poll rounds more than --max-gap seconds apart (a round where no member
    answered and most timed out is not heard), or the quorum unknown (a member's answer timed out and
    no other settles it) for more than --max-unknown seconds.
Exit status: 0 fine, 1 a finding, 2 usage or I/O error.
"""
import argparse
import json
import os
import random
import re
import socket
import struct
import sys
import threading
import time

# ---------------------------------------------------------------- four-letter words


def fourlw(addr, word, timeout=2.0):
    """The answer to WORD (srvr, mntr, ...) as text; "" when the member does not answer."""
    host, port = addr
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(word.encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        return data.decode(errors="replace")
    except OSError:
        return ""


def parse_srvr(text):
    """Mode and zxid of a srvr answer; mode "no-answer" / "not-serving" otherwise."""
    if not text:
        return {"mode": "no-answer"}
    m = re.search(r"^Mode: (\S+)", text, re.M)
    if not m:
        return {"mode": "not-serving", "text": text.strip()[:120]}
    out = {"mode": m.group(1)}
    z = re.search(r"^Zxid: (0x[0-9a-fA-F]+)", text, re.M)
    if z:
        zxid = int(z.group(1), 16)
        out["zxid"] = zxid
        out["epoch"] = zxid >> 32
        out["counter"] = zxid & 0xFFFFFFFF
    n = re.search(r"^Node count: (\d+)", text, re.M)
    if n:
        out["nodes"] = int(n.group(1))
    return out


MNTR_KEEP = re.compile(r"^zk_(server_state|peer_state|quorum_size|synced_followers|synced_non_voting_followers|"
                       r"synced_observers|followers|learners|pending_syncs|leader_uptime|znode_count|version|"
                       r"outstanding_requests|uptime)$")


def parse_mntr(text):
    stats = dict(re.findall(r"^(zk_\w+)\s+(.*)$", text, re.M))
    return {k[3:]: v.strip() for k, v in stats.items() if MNTR_KEEP.match(k)}


# ---------------------------------------------------------------- the wire protocol (jute)

OP_CREATE, OP_GETDATA, OP_GETCHILDREN, OP_SYNC, OP_CLOSE = 1, 4, 8, 9, -11
ERR_NONODE, ERR_NODEEXISTS = -101, -110
WORLD_ALL = [(31, "world", "anyone")]


def _s(b):
    b = b.encode() if isinstance(b, str) else b
    return struct.pack(">i", len(b)) + b


class Reader:
    def __init__(self, data):
        self.d, self.i = data, 0

    def take(self, fmt):
        v = struct.unpack_from(fmt, self.d, self.i)
        self.i += struct.calcsize(fmt)
        return v[0] if len(v) == 1 else v

    def buf(self):
        n = self.take(">i")
        if n < 0:
            return None
        b = self.d[self.i:self.i + n]
        self.i += n
        return b


class ZKError(Exception):
    pass


class ZK:
    """One session with one member (no reconnection: a test wants to know which member answered)."""

    def __init__(self, addr, timeout=5.0, session_ms=10000):
        self.addr = addr
        self.sock = socket.create_connection(addr, timeout=timeout)
        self.sock.settimeout(timeout)
        self.xid = 0
        req = struct.pack(">iqiq", 0, 0, session_ms, 0) + _s(b"\0" * 16) + b"\0"
        self._send(req)
        r = Reader(self._recv())
        r.take(">i")
        self.timeout_ms = r.take(">i")
        self.session = r.take(">q")
        if self.timeout_ms <= 0:
            raise ZKError("session refused by %s:%d (not serving?)" % addr)

    def _send(self, payload):
        self.sock.sendall(struct.pack(">i", len(payload)) + payload)

    def _recvn(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ZKError("%s:%d closed the connection" % self.addr)
            data += chunk
        return data

    def _recv(self):
        (n,) = struct.unpack(">i", self._recvn(4))
        return self._recvn(n)

    def call(self, op, body):
        self.xid += 1
        self._send(struct.pack(">ii", self.xid, op) + body)
        while True:
            r = Reader(self._recv())
            xid, zxid, err = r.take(">i"), r.take(">q"), r.take(">i")
            if xid in (-1, -2):  # a watch event or a ping answer
                continue
            if xid != self.xid:
                raise ZKError("answer to xid %d, expected %d" % (xid, self.xid))
            return zxid, err, r

    def create(self, path, data):
        acl = struct.pack(">i", len(WORLD_ALL)) + b"".join(struct.pack(">i", p) + _s(s) + _s(i) for p, s, i in WORLD_ALL)
        zxid, err, _ = self.call(OP_CREATE, _s(path) + _s(data) + acl + struct.pack(">i", 0))
        return zxid, err

    def get(self, path):
        zxid, err, r = self.call(OP_GETDATA, _s(path) + b"\0")
        if err:
            return err, None, None
        data = r.buf()
        czxid, mzxid = r.take(">q"), r.take(">q")
        return 0, data, {"czxid": czxid, "mzxid": mzxid}

    def get_many(self, paths):
        """getData of every path, pipelined (ZooKeeper answers a session's requests in order):
        path -> (err, data, stat)."""
        first = self.xid + 1
        for path in paths:
            self.xid += 1
            self._send(struct.pack(">ii", self.xid, OP_GETDATA) + _s(path) + b"\0")
        out = {}
        want = first
        while want <= self.xid:
            r = Reader(self._recv())
            xid, _, err = r.take(">i"), r.take(">q"), r.take(">i")
            if xid in (-1, -2):
                continue
            if xid != want:
                raise ZKError("answer to xid %d, expected %d" % (xid, want))
            path = paths[want - first]
            if err:
                out[path] = (err, None, None)
            else:
                data = r.buf()
                out[path] = (0, data, {"czxid": r.take(">q"), "mzxid": r.take(">q")})
            want += 1
        return out

    def children(self, path):
        _, err, r = self.call(OP_GETCHILDREN, _s(path) + b"\0")
        if err:
            return err, []
        return 0, [r.buf().decode() for _ in range(r.take(">i"))]

    def sync(self, path):
        _, err, _ = self.call(OP_SYNC, _s(path))
        return err

    def close(self):
        try:
            self.call(OP_CLOSE, b"")
        except (OSError, ZKError, struct.error):
            pass
        self.sock.close()


def hostport(s):
    host, _, port = s.rpartition(":")
    return host, int(port)


# ---------------------------------------------------------------- write / read


def cmd_write(a):
    zk = ZK(hostport(a.member))
    out = []
    tag = "%08x" % random.getrandbits(32)
    parts = a.prefix.strip("/").split("/")
    for i in range(1, len(parts) + 1):
        _, err = zk.create("/" + "/".join(parts[:i]), b"")
        if err not in (0, ERR_NODEEXISTS):
            raise ZKError("create /%s: error %d" % ("/".join(parts[:i]), err))
    for i in range(a.count):
        path = "%s/k%02d" % (a.prefix.rstrip("/"), i)
        value = "v%02d-%s-%s" % (i, tag, "x" * (i * 7))
        zxid, err = zk.create(path, value.encode())
        if err:
            raise ZKError("create %s: error %d" % (path, err))
        out.append({"path": path, "value": value, "zxid": zxid, "epoch": zxid >> 32})
    zk.close()
    json.dump(out, sys.stdout, indent=1)
    print()
    return 0


def cmd_read(a):
    """Reads every znode of the files from one member, after a sync (the member is then up to date
    with the leader); prints one line per bad znode and a summary, exits 1 if one is missing or has
    another value. A lost connection is retried (a new session with the same member) a few times."""
    want = []
    for f in a.files:
        want += json.load(open(f))
    got, last = {}, None
    for attempt in range(4):
        try:
            zk = ZK(hostport(a.member), timeout=15.0, session_ms=30000)
            try:
                for prefix in sorted({w["path"].rsplit("/", 1)[0] for w in want}):
                    err = zk.sync(prefix)
                    if err:
                        raise ZKError("sync %s: error %d" % (prefix, err))
                todo = [w["path"] for w in want if w["path"] not in got]
                for i in range(0, len(todo), 200):
                    got.update(zk.get_many(todo[i:i + 200]))
            finally:
                zk.close()
            break
        except (OSError, ZKError, struct.error) as e:
            last = "%s: %s" % (type(e).__name__, e)
            print("retry: %s (attempt %d)" % (last, attempt + 1))
            time.sleep(3)
    else:
        print("FAIL %s: could not read (%s)" % (a.member, last))
        return 1
    bad = 0
    for w in want:
        err, data, stat = got[w["path"]]
        if err == ERR_NONODE:
            print("FAIL %s: missing" % w["path"])
        elif err:
            print("FAIL %s: error %d" % (w["path"], err))
        elif data.decode(errors="replace") != w["value"]:
            print("FAIL %s: %r, written %r" % (w["path"], data[:60], w["value"][:60]))
        elif "zxid" in w and stat["czxid"] != w["zxid"]:
            print("FAIL %s: created at zxid 0x%x, written at 0x%x" % (w["path"], stat["czxid"], w["zxid"]))
        else:
            continue
        bad += 1
    print("%s: %d of %d znodes read back%s" % (a.member, len(want) - bad, len(want), "" if not bad else ", %d bad" % bad))
    return 1 if bad else 0


def cmd_4lw(a):
    sys.stdout.write(fourlw(hostport(a.member), a.word))
    return 0


# ---------------------------------------------------------------- watch


def sample(addr):
    """srvr and mntr of one member, asked at once (mntr is kept when srvr says the member serves)."""
    t = time.time()
    got = {}
    th = threading.Thread(target=lambda: got.__setitem__("mntr", fourlw(addr, "mntr")), daemon=True)
    th.start()
    s = parse_srvr(fourlw(addr, "srvr"))
    th.join(timeout=3.0)
    if s["mode"] in ("leader", "follower", "standalone", "observer"):
        s["mntr"] = parse_mntr(got.get("mntr", ""))
    s["t"] = round(t, 3)
    s["dt"] = round(time.time() - t, 3)
    return s


LIVE = "/mesosimg-rollout-live"


def writer(members, state, outdir, stop, every):
    """Creates LIVE/wNNNNN every EVERY seconds through a member the last round saw serving
    (round robin), one session per write, and logs every attempt: an acknowledged create is a
    committed write, which must be on every member at the end."""
    log = open(os.path.join(outdir, "writes.jsonl"), "a", buffering=1)
    seq, turn, parent = 0, 0, False
    while not stop.is_set():
        t0 = time.time()
        serving = [n for n in sorted(members) if state.get(n, {}).get("mode") in ("leader", "follower")]
        if serving:
            n = serving[turn % len(serving)]
            turn += 1
            seq += 1
            path = "%s/w%05d" % (LIVE, seq)
            rec = {"seq": seq, "node": n, "t": round(t0, 3), "path": path}
            try:
                zk = ZK(members[n], timeout=3.0, session_ms=6000)
                try:
                    if not parent:
                        _, err = zk.create(LIVE, b"")
                        if err not in (0, ERR_NODEEXISTS):
                            raise ZKError("create %s: error %d" % (LIVE, err))
                        parent = True
                    zxid, err = zk.create(path, ("%d@%.3f" % (seq, t0)).encode())
                finally:
                    zk.close()
                rec["err"] = err
                rec["acked"] = err == 0
                if err == 0:
                    rec["zxid"] = zxid
                    rec["value"] = "%d@%.3f" % (seq, t0)
            except (OSError, ZKError, struct.error) as e:
                # No answer: the create may or may not have been committed; never counted.
                rec["acked"] = False
                rec["error"] = "%s: %s" % (type(e).__name__, e)
            rec["dt"] = round(time.time() - t0, 3)
            log.write(json.dumps(rec) + "\n")
        stop.wait(max(0.0, every - (time.time() - t0)))


def cmd_watch(a):
    members = {}
    for item in a.members.split(","):
        name, _, addr = item.partition("=")
        members[name] = hostport(addr)
    os.makedirs(a.dir, exist_ok=True)
    out = open(os.path.join(a.dir, "samples.jsonl"), "a", buffering=1)
    stop_file = os.path.join(a.dir, "stop")
    state = {}
    stop = threading.Event()
    if a.write_every > 0:
        threading.Thread(target=writer, args=(members, state, a.dir, stop, a.write_every), daemon=True).start()
    r = 0
    while not os.path.exists(stop_file):
        t0 = time.time()
        r += 1
        res = {}
        threads = []
        for n, addr in members.items():
            th = threading.Thread(target=lambda n=n, addr=addr: res.__setitem__(n, sample(addr)), daemon=True)
            th.start()
            threads.append(th)
        for th in threads:
            th.join(timeout=max(0.1, 6.0 - (time.time() - t0)))
        for n in members:
            s = res.get(n) or {"mode": "no-answer", "t": round(t0, 3), "late": True}
            state[n] = s
            out.write(json.dumps(dict(s, r=r, rt=round(t0, 3), node=n)) + "\n")
        tmp = os.path.join(a.dir, "state.json.tmp")
        with open(tmp, "w") as f:
            json.dump({"r": r, "t": round(t0, 3), "members": state}, f)
        os.replace(tmp, os.path.join(a.dir, "state.json"))
        time.sleep(max(0.0, a.interval - (time.time() - t0)))
    stop.set()
    return 0


# ---------------------------------------------------------------- analyze


def majority(n):
    return n // 2 + 1


def quorum_leader(s, fallback_size):
    """A leader sample with a quorum of synced voting followers (its own count included); None
    when its mntr did not come back (unknown)."""
    if s.get("mode") != "leader":
        return False
    m = s.get("mntr")
    if not m or "synced_followers" not in m:
        return None
    try:
        synced = int(m.get("synced_followers", "0"))
        nonvoting = int(m.get("synced_non_voting_followers", "0"))
        size = int(m.get("quorum_size", fallback_size))
    except ValueError:
        return False
    return synced - nonvoting + 1 >= majority(size)


TIMED_OUT = 1.9  # seconds: a no-answer that took the 2 s timeout (the watcher did not hear)


def blind(rd):
    """A round the watcher did not hear: no member answered at all, and most of them timed out
    (a host-side stall: the members' own refusals are quick). It proves nothing either way."""
    if any(s.get("mode") != "no-answer" for s in rd.values()):
        return False
    return sum(1 for s in rd.values() if s.get("late") or s.get("dt", 0) >= TIMED_OUT) * 2 >= len(rd)


def windows(rounds, good):
    """Maximal runs of rounds where good(round) is False: (t_last_good, t_first_bad, t_last_bad,
    t_next_good). The outage lasted at least t_last_bad - t_first_bad and at most
    t_next_good - t_last_good (None at the ends). Rounds where good is None (unknown) neither
    start nor end a run."""
    out, start, prev_good = [], None, None
    for t, rd in rounds:
        g = good(rd)
        if g is None:
            continue
        if g:
            if start is not None:
                out.append((prev_good, start[0], start[1], t))
                start = None
            prev_good = t
        else:
            start = (t, t) if start is None else (start[0], t)
    if start is not None:
        out.append((prev_good, start[0], start[1], None))
    return out


def cmd_analyze(a):
    rounds = {}
    with open(os.path.join(a.dir, "samples.jsonl")) as f:
        for line in f:
            s = json.loads(line)
            rounds.setdefault(s["r"], (s["rt"], {}))[1][s["node"]] = s
    order = [rounds[r] for r in sorted(rounds)]
    if not order:
        print("FAIL the watcher logged no sample")
        return 1
    events = []
    if a.events and os.path.exists(a.events):
        for line in open(a.events):
            f = line.split()
            if len(f) >= 3:
                events.append((float(f[0]), f[1], f[2]))
    findings = []
    t_start, t_end = order[0][0], order[-1][0]
    if a.since is not None:
        order = [o for o in order if o[0] >= a.since]
    if not order:
        print("FAIL no sample after %s" % a.since)
        return 1

    # The restarts: a reset (or a first power-on) of NODE until the watcher first sees NODE serving.
    restarts = []
    for t, node, ev in events:
        if ev not in ("reset", "poweron"):
            continue
        back = next((rt for rt, rd in order if rt > t and rd.get(node, {}).get("mode") in ("leader", "follower")), None)
        restarts.append({"node": node, "event": ev, "t": t, "back": back})

    # 1. leaders.
    max_leaders, split = 0, []
    for t, rd in order:
        leaders = [(n, s) for n, s in sorted(rd.items()) if s.get("mode") == "leader"]
        max_leaders = max(max_leaders, len(leaders))
        for i in range(len(leaders)):
            for j in range(i + 1, len(leaders)):
                (n1, s1), (n2, s2) = leaders[i], leaders[j]
                if s1.get("epoch") is not None and s1.get("epoch") == s2.get("epoch"):
                    split.append("t=%.1f: %s and %s both leader of epoch %d" % (t, n1, n2, s1["epoch"]))
        ql = [n for n, s in leaders if quorum_leader(s, a.members) is True]
        if len(ql) >= 2:
            split.append("t=%.1f: %s all leaders with a quorum of synced voting followers: %s" % (
                t, " and ".join(ql), "; ".join("%s %s" % (n, json.dumps(rd[n].get("mntr"))) for n in ql)))
    for s in split:
        findings.append("two leaders: " + s)

    # 2. quorum losses.
    # A member whose answer timed out may have been serving (or leading with a quorum): such a round
    # is unknown unless another member settles it. Unknown stretches are bounded below (--max-unknown).
    def timed_out(rd):
        return any(s.get("late") or (s.get("mode") == "no-answer" and s.get("dt", 0) >= TIMED_OUT) for s in rd.values())

    def serving(rd):
        if any(s.get("mode") in ("leader", "follower") for s in rd.values()):
            return True
        return None if timed_out(rd) else False

    def has_quorum(rd):
        q = [quorum_leader(s, a.members) for s in rd.values()]
        if True in q:
            return True
        return None if None in q or timed_out(rd) else False

    report = {"rounds": len(order), "seconds": round(order[-1][0] - order[0][0], 1), "max_leaders_in_a_round": max_leaders,
              "restarts": [], "outages": []}
    for r in restarts:
        report["restarts"].append({"node": r["node"], "event": r["event"], "seconds": None if r["back"] is None else round(r["back"] - r["t"], 1)})
    for kind, good in (("no member serving", serving), ("no leader with a quorum", has_quorum)):
        for last_good, first_bad, last_bad, next_good in windows(order, good):
            if last_good is None:
                continue  # before the ensemble first formed (the watcher starts with it formed)
            upper = None if next_good is None else next_good - last_good
            w = {"kind": kind, "from": round(last_good - t_start, 1), "seconds": None if upper is None else round(upper, 1),
                 "at_least": round(last_bad - first_bad, 1)}
            # The restart this outage belongs to: one that began before the outage and ended with or after it.
            owner = [r for r in restarts if r["t"] <= first_bad and (r["back"] is None or r["back"] >= last_bad - a.slack)]
            if next_good is None:
                findings.append("%s from %.1fs on, never back (until the watcher stopped)" % (kind, last_good - t_start))
            elif not owner:
                findings.append("%s for %.1fs at %.1fs, while no member was restarting" % (kind, upper, last_good - t_start))
            else:
                r = min(owner, key=lambda r: (r["back"] or 1e18) - r["t"])
                took = None if r["back"] is None else r["back"] - r["t"]
                w["during"] = "%s %s (%.1fs)" % (r["node"], r["event"], took or -1)
                if took is not None and upper > took + a.slack:
                    findings.append("%s for %.1fs, longer than the restart of %s it happened in (%.1fs)" % (kind, upper, r["node"], took))
                if upper > a.max_outage:
                    findings.append("%s for %.1fs, over the bound of %ds (--max-outage)" % (kind, upper, a.max_outage))
            report["outages"].append(w)
        # The longest stretch of unknown rounds (from the last known round to the next one).
        known = [t for t, rd in order if good(rd) is not None]
        longest = max([b - a_ for a_, b in zip(known, known[1:])] or [0])
        report["longest_unknown"] = max(report.get("longest_unknown", 0), round(longest, 1))
        if longest > a.max_unknown:
            findings.append("%s: unknown for %.1fs (members' answers timed out), over %ss (--max-unknown)" % (kind, longest, a.max_unknown))

    # 3. the watcher itself.
    heard = [o for o in order if not blind(o[1])]
    report["blind_rounds"] = len(order) - len(heard)
    order = heard
    gaps = [order[i + 1][0] - order[i][0] for i in range(len(order) - 1)]
    report["max_gap"] = round(max(gaps), 2) if gaps else 0
    report["mean_interval"] = round(sum(gaps) / len(gaps), 2) if gaps else 0
    if gaps and max(gaps) > a.max_gap:
        i = gaps.index(max(gaps))
        findings.append("the watcher was blind for %.1fs at %.1fs (over %ss)" % (gaps[i], order[i][0] - t_start, a.max_gap))

    # 4. the live writes.
    wpath = os.path.join(a.dir, "writes.jsonl")
    writes = [json.loads(l) for l in open(wpath)] if os.path.exists(wpath) else []
    report["writes"] = {"attempted": len(writes), "acked": sum(1 for w in writes if w.get("acked"))}
    json.dump([{"path": w["path"], "value": w["value"], "zxid": w["zxid"]} for w in writes if w.get("acked")],
              open(os.path.join(a.dir, "acked.json"), "w"), indent=1)

    json.dump(report, open(os.path.join(a.dir, "report.json"), "w"), indent=1)
    print(json.dumps(report))
    for f in findings:
        print("FAIL " + f)
    return 1 if findings else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("4lw")
    p.add_argument("member")
    p.add_argument("word")
    p = sub.add_parser("write")
    p.add_argument("member")
    p.add_argument("prefix")
    p.add_argument("count", type=int)
    p = sub.add_parser("read")
    p.add_argument("member")
    p.add_argument("files", nargs="+")
    p = sub.add_parser("watch")
    p.add_argument("--members", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--interval", type=float, default=0.75)
    p.add_argument("--write-every", type=float, default=2.0)
    p = sub.add_parser("analyze")
    p.add_argument("--dir", required=True)
    p.add_argument("--events")
    p.add_argument("--members", type=int, default=5, help="ensemble size when mntr gives no zk_quorum_size")
    p.add_argument("--max-outage", type=int, default=60)
    p.add_argument("--max-gap", type=float, default=8.0, help="seconds between two heard poll rounds")
    p.add_argument("--max-unknown", type=float, default=10.0, help="seconds a round's quorum may stay unknown")
    p.add_argument("--slack", type=float, default=2.0, help="seconds of sampling error allowed at a window's edges")
    p.add_argument("--since", type=float)
    a = ap.parse_args()
    try:
        return {"4lw": cmd_4lw, "write": cmd_write, "read": cmd_read, "watch": cmd_watch, "analyze": cmd_analyze}[a.cmd](a)
    except (OSError, ZKError, struct.error) as e:
        print("zkwatch %s: %s: %s" % (a.cmd, type(e).__name__, e), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
