"""Three lrukv nodes behind twemproxy (Debian's nutcracker 0.5.0), issue 7: keys written through
the proxy land each on exactly one node, where a model of twemproxy's ketama ring
(tests/integration/ketama.py) says, evenly; a node killed with SIGKILL is ejected after
server_failure_limit failures and its keys are rehashed onto the others; restarted on its port,
it is tried again after server_retry_timeout (and ejected again while it is down), and once
restarted on its port it is taken back, with its dump's (now stale) values.

The pool's settings (the README's "Several nodes behind twemproxy" shows the same file):
- distribution ketama, hash fnv1a_64: consistent hashing, so losing one node moves only its
  keys; the servers have names (`127.0.0.1:PORT:1 node-a`), and the ring is built from the
  names, so placement does not depend on the free ports the test draws.
- auto_eject_hosts: a failing node leaves the ring (its keys go to the next points) instead of
  every request for its keys failing until it is back.
- server_failure_limit 2: nutcracker counts every closed server connection as a failure, the
  EOF of its idle connection to a killed node included; 2 means that close plus one failed
  reconnect, so clients see exactly one error per ejection. 1 would eject a node on a single
  dropped connection (a node's `timeout`, a CLIENT KILL); larger values cost one client error
  more each.
- server_retry_timeout 3000 ms: short, so the test sees the node return within seconds, long
  enough for the checks made while it is out (0.15 s in Release and under ASan here; the test
  fails, saying so, if they take 80% of it).
- timeout 10000 ms: a request that waits longer counts as a failure. nutcracker starts the clock
  when the request is queued to the node, so a deep client pipeline can time out on a healthy
  node; the test pipelines 1000 commands at a time and never comes near it (production: lower,
  with short pipelines).

Run: /usr/bin/python3 tests/integration/twemproxy_test.py --build-dir BUILD"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ketama import Ring  # noqa: E402
from raw_resp import RawClient, RespError  # noqa: E402
from servers import parse_args, run_test_functions, start_lrukv  # noqa: E402
from twemproxy import Nutcracker  # noqa: E402

BUILD_DIR = None
NAMES = ("node-a", "node-b", "node-c")
FAILURE_LIMIT = 2
RETRY_TIMEOUT_MS = 3000
POOL = dict(hash="fnv1a_64", distribution="ketama", redis=True, auto_eject_hosts=True,
            server_retry_timeout=RETRY_TIMEOUT_MS, server_failure_limit=FAILURE_LIMIT,
            timeout=10000)
BENCH_REQUESTS = 100_000  # redis-benchmark SETs of key:__rand_int__, -r 100000
PY_KEYS = 100_000         # distinct keys SET with redis-py
CHUNK = 1000              # commands per redis-py pipeline / keys per MGET
SPREAD_LIMIT = 0.10       # each node's key count within 10% of the mean


class Cluster:
    """Three lrukv nodes (each in its own directory, so a restart finds its dump) and
    nutcracker in front, all under one temporary directory that close() removes."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="lrukv-twemproxy-")
        self.nodes = []
        self.proxy = None
        try:
            for name in NAMES:
                os.mkdir(os.path.join(self.dir, name))
                self.nodes.append(start_lrukv(BUILD_DIR, dir=os.path.join(self.dir, name)))
            self.proxy = Nutcracker(self.dir, [(n.port, name) for n, name in
                                               zip(self.nodes, NAMES)], **POOL)
        except BaseException:
            self.close()
            raise

    def client(self):
        return redis.Redis(host="127.0.0.1", port=self.proxy.port, socket_timeout=30)

    def restart(self, i):
        """Starts node i again on its port and in its directory (it loads its dump)."""
        old = self.nodes[i]
        old.cleanup()  # it was killed: this only checks its log (its directory stays)
        self.nodes[i] = start_lrukv(BUILD_DIR, dir=old.dir, port=old.port)

    def close(self, failed=False):
        try:
            if self.proxy:
                if failed:
                    print("nutcracker log (tail):\n" + self.proxy.log()[-3000:])
                self.proxy.cleanup()
            for n in self.nodes:
                n.cleanup()  # raises on a sanitizer report in the node's log
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def with_cluster(body):
    cluster = Cluster()
    ok = False
    try:
        body(cluster)
        ok = True
    finally:
        cluster.close(failed=not ok)


def node_keys(node):
    """Every key on a node, by SCAN on the node itself; checked against its DBSIZE."""
    c = node.client()
    keys = set(c.scan_iter(count=1000))
    assert len(keys) == c.dbsize(), (len(keys), c.dbsize())
    return keys


def set_pipelined(client, items):
    """SETs (key, value) pairs through client in pipelines of CHUNK; every reply must be OK."""
    for lo in range(0, len(items), CHUNK):
        pipe = client.pipeline(transaction=False)
        for k, v in items[lo:lo + CHUNK]:
            pipe.set(k, v)
        replies = pipe.execute(raise_on_error=False)
        bad = [r for r in replies if r is not True]
        assert not bad, f"{len(bad)} SETs failed through the proxy, first {bad[0]!r}"


def mget(client, keys):
    """Values of keys through client, CHUNK keys per MGET (nutcracker splits each by node)."""
    out = []
    for lo in range(0, len(keys), CHUNK):
        out += client.mget(keys[lo:lo + CHUNK])
    return out


def wait_for(what, predicate, timeout=10, step=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def test_keys_land_on_one_node_each_where_ketama_puts_them():
    def body(cluster):
        # 1. redis-benchmark: SETs of random keys key:000000000000 .. key:000000099999, 3-byte
        # values (-d 3); -P 16 keeps it short. It warns that it cannot fetch CONFIG (nutcracker
        # does not forward CONFIG) and carries on.
        cmd = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(cluster.proxy.port), "-t", "set",
               "-n", str(BENCH_REQUESTS), "-r", "100000", "-c", "20", "-P", "16", "-d", "3", "-q"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, f"{' '.join(cmd)} exited {r.returncode}:\n{r.stdout}{r.stderr}"
        assert "SET:" in r.stdout and "requests per second" in r.stdout, r.stdout[-2000:]
        # 2. redis-py: 100k distinct keys, each its own value, pipelined.
        py = {b"py:%06d" % i: b"value-%d" % i for i in range(PY_KEYS)}
        client = cluster.client()
        set_pipelined(client, list(py.items()))

        # Every key is on exactly one node, and the nodes hold nothing else.
        on_node = [node_keys(n) for n in cluster.nodes]
        for i in range(len(on_node)):
            for j in range(i + 1, len(on_node)):
                both = on_node[i] & on_node[j]
                assert not both, f"{len(both)} keys on {NAMES[i]} and {NAMES[j]}: {sorted(both)[:5]}"
        union = set().union(*on_node)
        missing = set(py) - union
        assert not missing, f"{len(missing)} redis-py keys on no node: {sorted(missing)[:5]}"
        bench = union - set(py)
        strays = [k for k in bench if not re.fullmatch(rb"key:0{6}\d{6}", k)]
        assert not strays, f"keys nobody wrote: {strays[:5]}"
        # -n 100000 draws from 100000 names: about 1-1/e of them (63,212) come out distinct.
        assert 62_000 <= len(bench) <= 64_500, f"{len(bench)} distinct redis-benchmark keys"

        # Each key is on the node the ketama model predicts, key by key.
        ring = Ring(n.encode() for n in NAMES)
        misplaced = [(k, NAMES[i], NAMES[ring.node_of(k)])
                     for i, keys in enumerate(on_node) for k in keys if ring.node_of(k) != i]
        assert not misplaced, f"{len(misplaced)} keys not where the model puts them: {misplaced[:5]}"

        # Values read back through the proxy.
        py_keys = sorted(py)
        got = mget(client, py_keys)
        wrong = [(k, v) for k, v in zip(py_keys, got) if v != py[k]]
        assert not wrong, f"{len(wrong)} redis-py keys read back wrong: {wrong[:5]}"
        # redis-benchmark draws one random payload of -d bytes (3 by default) for all its SETs.
        values = set(mget(client, sorted(bench)))
        assert len(values) == 1 and re.fullmatch(rb"[A-Z]{3}", next(iter(values))), values

        counts = [len(k) for k in on_node]
        mean = sum(counts) / len(counts)
        shares = [ring.share(i) for i in range(len(NAMES))]
        print(f"  {len(union):,} keys ({len(bench):,} redis-benchmark, {len(py):,} redis-py): "
              + ", ".join(f"{n} {c:,} ({c / mean - 1:+.1%}; ring share {s:.1%})"
                          for n, c, s in zip(NAMES, counts, shares)))
        uneven = [(n, c) for n, c in zip(NAMES, counts) if abs(c - mean) > SPREAD_LIMIT * mean]
        assert not uneven, f"spread beyond {SPREAD_LIMIT:.0%} of the mean {mean:.0f}: {uneven}"
    with_cluster(body)


def test_killed_node_is_ejected_then_taken_back():
    def body(cluster):
        proxy = cluster.proxy
        client = cluster.client()
        full, dead = Ring(n.encode() for n in NAMES), 1  # node-b dies
        rest = [i for i in range(len(NAMES)) if i != dead]
        without = Ring(NAMES[i].encode() for i in rest)  # the ring once node-b is ejected

        keys = [b"f:%d" % i for i in range(3000)]
        set_pipelined(client, [(k, b"before") for k in keys])
        on_dead = [k for k in keys if full.node_of(k) == dead]
        assert set(on_dead) == node_keys(cluster.nodes[dead])
        assert cluster.nodes[dead].client().save()  # its dump: what it has when it comes back

        cluster.nodes[dead].kill9()
        # nutcracker sees its idle connection to node-b close: failure 1 of FAILURE_LIMIT.
        wait_for("nutcracker to drop its connection to node-b",
                 lambda: (s := proxy.server_stats("node-b"))["server_connections"] == 0
                 and s["server_eof"] + s["server_err"] == 1)

        # Requests for node-b's keys: it reconnects, is refused (failure 2: ejected) and answers
        # the request with the errno text; from then on node-b's keys go to the next node.
        raw = RawClient(proxy.port)
        replies = [raw.call("GET", k) for k in on_dead[:5]]
        ejected_at = time.monotonic()
        assert replies[:FAILURE_LIMIT - 1] == [RespError("ERR Connection refused")] * (
            FAILURE_LIMIT - 1), replies
        assert replies[FAILURE_LIMIT - 1:] == [None] * (6 - FAILURE_LIMIT), replies
        alive = next(k for k in keys if full.node_of(k) != dead)
        assert raw.call("GET", alive) == b"before"  # the client's connection stays usable
        stats = wait_for("nutcracker's stats to count the ejection",
                         lambda: (s := proxy.stats()["lrukv"])["server_ejects"] == 1 and s)
        assert stats["node-b"]["server_ejected_at"] > 0, stats["node-b"]
        assert stats["node-b"]["server_err"] >= 1, stats["node-b"]

        # While node-b is out: its old keys miss, writes succeed and land on the ring without it.
        rewritten, untouched = on_dead[::2], on_dead[1::2]
        assert mget(client, untouched) == [None] * len(untouched)
        set_pipelined(client, [(k, b"during") for k in rewritten])
        new = [b"g:%d" % i for i in range(1000)]
        set_pipelined(client, [(k, b"new") for k in new])
        held = {i: node_keys(cluster.nodes[i]) for i in rest}
        for k in rewritten + new:
            assert k in held[rest[without.node_of(k)]], f"{k} not where the 2-node ring puts it"
        rewritten_set, untouched_set = set(rewritten), set(untouched)
        assert mget(client, keys) == [b"during" if k in rewritten_set else
                                      None if k in untouched_set else b"before" for k in keys]
        elapsed = time.monotonic() - ejected_at
        assert elapsed < RETRY_TIMEOUT_MS / 1000 * 0.8, (
            f"the checks while node-b is out took {elapsed:.1f}s, too close to "
            f"server_retry_timeout ({RETRY_TIMEOUT_MS} ms): node-b would be retried while down")

        # server_retry_timeout after the ejection, node-b still down: the next request for its
        # arcs rebuilds the ring with it and tries it. The failure count restarted at the
        # ejection and there is no connection left to close, so server_failure_limit requests
        # fail before it is ejected again.
        time.sleep(max(0.0, ejected_at + RETRY_TIMEOUT_MS / 1000 - time.monotonic()) + 0.1)
        replies = [raw.call("GET", k) for k in untouched[:5]]
        ejected_at = time.monotonic()
        assert replies == [RespError("ERR Connection refused")] * FAILURE_LIMIT + [None] * (
            5 - FAILURE_LIMIT), replies
        wait_for("nutcracker's stats to count the second ejection",
                 lambda: proxy.stats()["lrukv"]["server_ejects"] == 2)

        # node-b restarts on its port and loads its dump. Until server_retry_timeout has passed
        # since the ejection nutcracker keeps it out; the first request after that rebuilds the
        # ring with it and goes to it.
        cluster.restart(dead)
        probe = rewritten[0]
        seen = []
        def back():
            v = client.get(probe)
            seen.append(v)
            return v == b"before"
        wait_for("node-b to be taken back", back, timeout=RETRY_TIMEOUT_MS / 1000 + 10)
        back_after = time.monotonic() - ejected_at
        print(f"  checks while node-b was out: {elapsed:.2f}s; node-b taken back "
              f"{back_after:.2f}s after its ejection (server_retry_timeout {RETRY_TIMEOUT_MS} ms)")
        assert set(seen[:-1]) <= {b"during"}, seen  # the write made while it was out, until then
        assert RETRY_TIMEOUT_MS / 1000 * 0.9 <= back_after <= RETRY_TIMEOUT_MS / 1000 + 5, (
            back_after)

        # Taken back with its dump: node-b's keys read their old values again, the writes made
        # while it was out are shadowed (still on the other nodes, unreachable through the proxy),
        # and new keys whose full-ring node is node-b miss.
        assert mget(client, on_dead) == [b"before"] * len(on_dead)
        held = {i: node_keys(cluster.nodes[i]) for i in rest}
        for k in rewritten:
            assert k in held[rest[without.node_of(k)]], f"{k}: the write made while out is gone"
        new_on_dead = [k for k in new if full.node_of(k) == dead]
        assert new_on_dead and mget(client, new_on_dead) == [None] * len(new_on_dead)
        new_elsewhere = [k for k in new if full.node_of(k) != dead]
        assert mget(client, new_elsewhere) == [b"new"] * len(new_elsewhere)
        stats = wait_for("nutcracker to reconnect to node-b",
                         lambda: (s := proxy.stats()["lrukv"])["node-b"]["server_connections"] == 1
                         and s)
        assert stats["server_ejects"] == 2, stats
    with_cluster(body)


def main():
    global BUILD_DIR
    BUILD_DIR = parse_args(__doc__).build_dir
    return run_test_functions(globals())


if __name__ == "__main__":
    sys.exit(main())
