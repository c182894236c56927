"""Crash safety of lrukv's persistence (issue 4), end to end against real lrukv processes:
SAVE then kill -9 then restart keeps every key, value, TTL and the LRU order; a BGSAVE under a
write load keeps every acknowledged write; a SIGKILLed BGSAVE child or a server killed during
SAVE leaves the old dump byte for byte; a bad dump stops the start (or, with ignore-bad-dump,
is moved aside by the first save); SIGTERM saves only when save points are set.

Run: /usr/bin/python3 tests/integration/persistence_crash_test.py --build-dir BUILD
Every test runs; the exit code is non-zero if any failed, and the failed ones are named."""
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import threading
import time

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dump_files import (FileState, child_pids, dump_order, fill_keys, parse_dump,  # noqa: E402
                        temp_files, wait_for, write_file)
from servers import run_test_functions, parse_args, start_lrukv  # noqa: E402

BUILD_DIR = None
DUMP = "dump.json"
# Generous because the same file runs under ASan (about 3x slower) on a noisy 2-core machine.
START_TIMEOUT_S = 30
# Large enough that writing the dump takes a few hundred ms (65 MB), small enough for ASan.
BIG_KEYS = 100_000
BIG_VALUE_BYTES = 600


class Workspace:
    """One temporary data directory shared by the successive servers of a test; on exit every
    server still running is killed and the directory is removed."""

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="lrukv-crash-")
        self.servers = []
        return self

    def __exit__(self, *exc):
        for s in self.servers:
            s.cleanup()
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def dump_path(self):
        return os.path.join(self.dir, DUMP)

    def start(self, args=(), wait=True):
        s = start_lrukv(BUILD_DIR, args, dir=self.dir, wait=wait)
        self.servers.append(s)
        return s


def persistence_info(client):
    return client.info("persistence")


# ---- 1. SAVE, kill -9, restart ----

DBS = (0, 1, 5, 15)


def test_save_kill9_restart_keeps_keys_values_ttls_and_lru_order():
    rng = random.Random(4)
    with Workspace() as ws:
        s = ws.start()
        clients = {db: s.client(db=db) for db in DBS}
        expected = {}  # (db, key) -> value

        def put(db, key, value, **kw):
            assert clients[db].set(key, value, **kw)
            expected[(db, key)] = value

        for b in range(256):
            put(0, b"byte:" + bytes([b]), bytes([b]))
            put(1, bytes([b]), b"key is byte %d" % b)
        put(1, bytes(range(256)), bytes(range(256)) * 3)
        put(1, b"empty", b"")
        put(5, b"", b"empty key")
        put(5, b"big-random", rng.randbytes(1 << 20))
        put(15, b"big-text", ("\u00e9t\u00e9 " * (1 << 18)).encode()[: 1 << 20])
        put(5, "cl\u00e9 \u2713".encode(), "valeur \U0001F600".encode())
        put(15, b"nul\x00key", b"a\x00b")
        put(15, b"\xc0\x80 overlong", b"\xed\xa0\x80 surrogate")
        put(0, b'quote"back\\slash\n', b"\x01\x1f\x7f")
        long_ttl = []
        for i in range(200):
            db = DBS[i % len(DBS)]
            key = b"ttl:%d" % i
            put(db, key, b"v%d" % i, px=rng.randint(60_000, 86_400_000))
            long_ttl.append((db, key))
        # Keys whose deadline passes while the server is down: the load must drop them.
        short_deadline_ms = int(time.time() * 1000) + 3000
        short_ttl = []
        for i in range(20):
            db = DBS[i % len(DBS)]
            key = b"short:%d" % i
            put(db, key, b"s%d" % i, pxat=short_deadline_ms)
            short_ttl.append((db, key))

        pttl_before, pexpiretime_before = {}, {}
        for db, key in long_ttl:
            pexpiretime_before[(db, key)] = clients[db].pexpiretime(key)
            pttl_before[(db, key)] = (clients[db].pttl(key), time.monotonic())

        # The recency order: touch every key in a shuffled order on one connection.
        touch_order = list(expected)
        rng.shuffle(touch_order)
        toucher = s.client()
        pipe = toucher.pipeline(transaction=False)
        for db, key in touch_order:
            pipe.execute_command("SELECT", db)
            pipe.execute_command("TOUCH", key)
        replies = pipe.execute()
        toucher.close()
        assert replies[1::2] == [1] * len(touch_order), "TOUCH missed keys"

        assert clients[0].save()
        first = FileState(ws.dump_path)
        assert dump_order(first.data) == touch_order, "the dump is not in the order keys were touched"
        assert short_deadline_ms > int(time.time() * 1000), "too slow: short keys expired before SAVE"
        s.kill9()
        assert temp_files(ws.dir) == []

        wait_for(lambda: time.time() * 1000 > short_deadline_ms + 50, 10, "the short TTLs to pass")
        s2 = ws.start()
        c0 = s2.client()
        kept = len(expected) - len(short_ttl)
        assert f"Done loading dump, keys loaded: {kept}, keys expired: {len(short_ttl)}." in s2.log(), s2.log()
        assert re.search(r"DB loaded from disk: [0-9.]+ seconds", s2.log()), s2.log()
        info = persistence_info(c0)
        assert info["rdb_last_load_keys_expired"] == len(short_ttl), info
        assert info["rdb_last_load_keys_loaded"] == kept, info

        # SAVE does not touch recency: the new dump lists the survivors in the first dump's order.
        assert c0.save()
        second = FileState(ws.dump_path)
        short = set(short_ttl)
        assert dump_order(second.data) == [k for k in dump_order(first.data) if k not in short]
        first_entries = {(db, k): (v, exp) for db, k, v, exp in parse_dump(first.data)}
        for db, key, value, exp in parse_dump(second.data):
            assert first_entries[(db, key)] == (value, exp), (db, key)

        # Then every value and TTL through commands (GET touches keys, so only now).
        clients = {db: s2.client(db=db) for db in DBS}
        for db in DBS:
            mine = [k for (d, k) in expected if d == db and (d, k) not in short]
            assert clients[db].dbsize() == len(mine), (db, clients[db].dbsize(), len(mine))
            got = clients[db].mget(mine)
            for key, value in zip(mine, got):
                assert value == expected[(db, key)], (db, key, None if value is None else len(value))
        for db, key in short_ttl:
            assert clients[db].exists(key) == 0, (db, key)
        for (db, key), (pttl, at) in pttl_before.items():
            now_pttl = clients[db].pttl(key)
            elapsed_ms = (time.monotonic() - at) * 1000
            assert abs(now_pttl - (pttl - elapsed_ms)) <= 1000, (db, key, pttl, now_pttl, elapsed_ms)
            assert clients[db].pexpiretime(key) == pexpiretime_before[(db, key)], (db, key)
        for (db, key) in expected:
            if key.startswith(b"ttl:") or key.startswith(b"short:"):
                continue
            assert clients[db].pttl(key) == -1, (db, key)


# ---- 2. BGSAVE under a write load ----

class SeqWriter(threading.Thread):
    """SETs k0, k1, ... on its own connection until stopped or the server dies; `acked` is the
    highest index the server has acknowledged."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.client = server.client()
        self.acked = -1
        self.stopping = False
        self.error = None

    @staticmethod
    def value(i):
        return b"value-%d-" % i + b"p" * (i % 97)

    def run(self):
        i = 0
        try:
            while not self.stopping:
                assert self.client.set(b"k%d" % i, self.value(i))
                self.acked = i
                i += 1
        except redis.exceptions.ConnectionError as e:
            if not self.stopping:
                self.error = e


def test_bgsave_under_write_load_keeps_every_acknowledged_write():
    with Workspace() as ws:
        s = ws.start()
        c = s.client()
        fill_keys(c, 30_000, 500)  # so the child runs for a while
        writer = SeqWriter(s)
        writer.start()
        wait_for(lambda: writer.acked >= 500, 30, "the writer to get going")
        saves_before = persistence_info(c)["rdb_saves"]
        mark = writer.acked
        assert c.bgsave()
        info = wait_for(lambda: (lambda i: i if i["rdb_bgsave_in_progress"] == 0 and
                                 i["rdb_saves"] > saves_before else None)(persistence_info(c)),
                        60, "BGSAVE to finish")
        assert info["rdb_last_bgsave_status"] == "ok", info
        assert writer.acked > mark, "the writer made no progress during BGSAVE"
        assert "Background saving terminated with success" in s.log()
        writer.stopping = True  # its ConnectionError from the kill is expected now
        s.kill9()
        writer.join(10)
        assert writer.error is None, writer.error

        s2 = ws.start()
        c2 = s2.client()
        seq_in_dump = c2.dbsize() - 30_000
        assert seq_in_dump >= mark + 1, (seq_in_dump, mark)
        # The snapshot is one instant of a sequential writer: exactly k0..k(n-1), no holes.
        for start in range(0, seq_in_dump, 5000):
            idx = range(start, min(seq_in_dump, start + 5000))
            got = c2.mget([b"k%d" % i for i in idx])
            for i, value in zip(idx, got):
                assert value == SeqWriter.value(i), (i, value)


# ---- 3. SIGKILL of the BGSAVE child ----

def test_killed_bgsave_child_leaves_old_dump_and_no_temp_file():
    with Workspace() as ws:
        s = ws.start()
        c = s.client()
        fill_keys(c, BIG_KEYS, BIG_VALUE_BYTES)
        assert c.save()
        old = FileState(ws.dump_path)
        c.set("after-save", "x")
        assert c.bgsave()
        child = wait_for(lambda: child_pids(s.pid), 10, "the BGSAVE child")[0]
        temp = os.path.join(ws.dir, f"{DUMP}.tmp-{child}")
        wait_for(lambda: os.path.exists(temp) and os.path.getsize(temp) > 0, 30,
                 "the child's temporary file", poll_s=0.0005)
        # Freeze the child so it is provably mid-write when SIGKILL lands.
        os.kill(child, signal.SIGSTOP)
        partial = os.path.getsize(temp)
        assert 0 < partial < len(old.data), (partial, len(old.data))
        old.assert_unchanged("while the child writes")
        os.kill(child, signal.SIGKILL)

        info = wait_for(lambda: (lambda i: i if i["rdb_bgsave_in_progress"] == 0 else None)(
            persistence_info(c)), 30, "the parent to reap the child")
        assert info["rdb_last_bgsave_status"] == "err", info
        assert c.ping() and c.dbsize() == BIG_KEYS + 1
        assert not os.path.exists(temp), "the parent left the killed child's temporary file"
        assert temp_files(ws.dir) == []
        assert "Background saving terminated by signal 9" in s.log(), s.log()
        old.assert_unchanged("after the child was killed")
        s.kill9()

        s2 = ws.start()
        c2 = s2.client()
        assert c2.dbsize() == BIG_KEYS
        assert c2.exists("after-save") == 0
        assert c2.get(b"fill:%d" % (BIG_KEYS - 1)) == b"x" * BIG_VALUE_BYTES
        assert f"keys loaded: {BIG_KEYS}, keys expired: 0." in s2.log()
        old.assert_unchanged("after the restart")


# ---- 4. kill -9 of the server during SAVE ----

def test_server_killed_during_save_leaves_old_dump_and_a_stray_temp_removed_at_start():
    with Workspace() as ws:
        s = ws.start()
        c = s.client()
        fill_keys(c, BIG_KEYS, BIG_VALUE_BYTES)
        assert c.save()
        old = FileState(ws.dump_path)
        c.set("after-save", "x")

        saver_outcome = []

        def save_on_own_connection():
            try:
                saver_outcome.append(s.client().save())
            except redis.exceptions.ConnectionError as e:
                saver_outcome.append(e)

        saver = threading.Thread(target=save_on_own_connection, daemon=True)
        saver.start()
        temp = os.path.join(ws.dir, f"{DUMP}.tmp-{s.pid}")
        wait_for(lambda: os.path.exists(temp) and os.path.getsize(temp) > 0, 30,
                 "SAVE's temporary file", poll_s=0.0005)
        os.kill(s.pid, signal.SIGSTOP)  # provably mid-write when SIGKILL lands
        assert 0 < os.path.getsize(temp) < len(old.data)
        s.kill9()
        saver.join(10)
        assert len(saver_outcome) == 1 and isinstance(saver_outcome[0], redis.exceptions.ConnectionError), \
            saver_outcome
        old.assert_unchanged("after the kill")
        assert temp_files(ws.dir) == [temp], temp_files(ws.dir)

        s2 = ws.start()
        assert temp_files(ws.dir) == [], "the stray temporary file survived the start"
        assert "Removed 1 temporary file(s) of an unfinished save" in s2.log(), s2.log()
        c2 = s2.client()
        assert c2.dbsize() == BIG_KEYS
        assert c2.exists("after-save") == 0
        old.assert_unchanged("after the restart")


# ---- 4b. kill -9 of the server during BGSAVE ----

def process_gone(pid):
    """True once `pid` has exited (a zombie no init reaps counts as exited)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_bgsave_child_of_a_killed_server_never_replaces_the_dump_issue4():
    # Regression: the orphaned child went on, and renamed its older snapshot over the dump that
    # the next server had written with SAVE in the meantime, losing what that SAVE had saved.
    with Workspace() as ws:
        s = ws.start()
        c = s.client()
        fill_keys(c, BIG_KEYS, BIG_VALUE_BYTES)
        assert c.bgsave()
        child = wait_for(lambda: child_pids(s.pid), 10, "the BGSAVE child")[0]
        temp = os.path.join(ws.dir, f"{DUMP}.tmp-{child}")
        wait_for(lambda: os.path.exists(temp), 30, "the child's temporary file", poll_s=0.0005)
        s.kill9()
        wait_for(lambda: process_gone(child), 5, "the orphaned child to die with its server")
        assert not os.path.exists(ws.dump_path), "the orphaned child finished its dump"

        s2 = ws.start()
        assert temp_files(ws.dir) == [], temp_files(ws.dir)
        assert "Removed 1 temporary file(s) of an unfinished save" in s2.log(), s2.log()
        c2 = s2.client()
        assert c2.dbsize() == 0
        c2.set("saved-by-the-next-server", "1")
        assert c2.save()
        saved = FileState(ws.dump_path)
        s2.kill9()
        s3 = ws.start()
        assert s3.client().get("saved-by-the-next-server") == b"1"
        saved.assert_unchanged("after the restart")


# ---- 5. Bad dumps ----

HEAD = b'{"format":"lrukv-dump","version":1,"entries":['


def doc(*entries):
    return HEAD + b",".join(entries) + b"]}\n"


def valid_dump():
    """A dump written by lrukv itself: several databases, binary data, a TTL."""
    with Workspace() as ws:
        s = ws.start()
        c = s.client()
        c.set("plain", "value")
        c.set(b"\x00\xffbin", bytes(range(256)))
        c.set("ttl", "t", ex=3600)
        s.client(db=3).set("in-db-3", "")
        assert c.save()
        with open(ws.dump_path, "rb") as f:
            return f.read()


def bad_dumps(valid):
    prefix = b'{"format":"lrukv-dump","version":1,'
    assert valid.startswith(prefix) and valid.endswith(b"]}\n"), valid[:80]
    kinds = {f"truncated at {n}": valid[:n] for n in (1, 12, len(prefix), len(valid) // 3,
                                                      len(valid) // 2, len(valid) - 3)}
    kinds.update({
        "invalid JSON (missing colon)": valid.replace(b'"format":', b'"format" ', 1),
        "invalid JSON (stray comma)": valid.replace(b'"entries":[', b'"entries":[,', 1),
        "bad base64 in key_b64": doc(b'{"key_b64":"!!!!","value":"x"}'),
        "bad base64 padding in value_b64": doc(b'{"key":"a","value_b64":"YQ="}'),
        "unknown format version": valid.replace(b'"version":1', b'"version":2', 1),
        "unknown format name": valid.replace(b'"lrukv-dump"', b'"redis-dump"', 1),
        "number where the key string goes": doc(b'{"key":5,"value":"x"}'),
        "string expire_at_ms": doc(b'{"key":"a","value":"x","expire_at_ms":"1700000000000"}'),
        "string version": valid.replace(b'"version":1', b'"version":"1"', 1),
        "unknown entry field": doc(b'{"key":"a","value":"x","colour":"red"}'),
        "unknown top-level field": valid.replace(prefix, prefix + b'"extra":1,', 1),
        "not an object (array)": b"[]\n",
        "not an object (string)": b'"lrukv-dump"\n',
        "not an object (number)": b"42\n",
        "empty file": b"",
        "trailing garbage": valid + b"garbage",
        "a second document": valid + b"{}",
    })
    return kinds


def check_bad_dump_refuses_start(name, data):
    with Workspace() as ws:
        write_file(ws.dump_path, data)
        before = FileState(ws.dump_path)
        s = ws.start(wait=False)
        try:
            code = s.proc.wait(START_TIMEOUT_S)
        except Exception:
            raise AssertionError(f"{name}: the server started on a bad dump")
        assert code == 1, (name, code)
        m = re.search(r"Bad dump file (.+): offset (\d+): (\S.*)", s.log())
        assert m, (name, s.log())
        assert m.group(1) == ws.dump_path, (name, m.group(1))
        assert int(m.group(2)) <= len(data), (name, m.group(2), len(data))
        before.assert_unchanged(f"({name}: refused start)")
        leftovers = [f for f in os.listdir(ws.dir) if not f.endswith(".log")]
        assert leftovers == [DUMP], (name, leftovers)

        # ignore-bad-dump: start empty, leave the file, move it aside at the first save.
        s2 = ws.start(["--ignore-bad-dump", "yes"])
        c = s2.client()
        assert c.dbsize() == 0, name
        before.assert_unchanged(f"({name}: ignore-bad-dump start)")
        c.set("fresh", "1")
        before.assert_unchanged(f"({name}: before the first save)")
        assert c.save()
        aside = [f for f in os.listdir(ws.dir) if f.startswith(DUMP + ".bad-")]
        assert len(aside) == 1 and re.fullmatch(re.escape(DUMP) + r"\.bad-\d+", aside[0]), (name, aside)
        with open(os.path.join(ws.dir, aside[0]), "rb") as f:
            assert f.read() == data, f"{name}: the moved-aside dump lost bytes"
        assert s2.stop() == 0
        s3 = ws.start()
        assert s3.client().get("fresh") == b"1", name
        assert s3.client().dbsize() == 1, name


def test_bad_dumps_refuse_the_start_and_stay_untouched():
    failures = []
    for name, data in bad_dumps(valid_dump()).items():
        try:
            check_bad_dump_refuses_start(name, data)
        except AssertionError as e:
            failures.append(f"{name}: {e}")
    assert not failures, "\n".join(failures)


# ---- 6. SIGTERM ----

def test_sigterm_saves_only_with_save_points():
    with Workspace() as ws:
        s = ws.start(["--save", "3600 1"])
        s.client().set("a", "1")
        s.client(db=2).set(b"b\x00", b"\xff")
        assert s.stop() == 0
        assert "Saving the final dump before exiting." in s.log()
        s2 = ws.start()
        assert s2.client().get("a") == b"1"
        assert s2.client(db=2).get(b"b\x00") == b"\xff"
        assert temp_files(ws.dir) == []

    with Workspace() as ws:
        s = ws.start()  # --save ""
        s.client().set("a", "1")
        assert s.stop() == 0
        assert not os.path.exists(ws.dump_path), "SIGTERM without save points wrote a dump"
        assert temp_files(ws.dir) == []


def main():
    global BUILD_DIR
    BUILD_DIR = parse_args(__doc__).build_dir
    return run_test_functions(globals())


if __name__ == "__main__":
    sys.exit(main())
