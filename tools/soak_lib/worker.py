"""One load client of the soak: a process with one connection, sending one command at a time
(so each latency is one round trip) at its share of the target rate.

Commands, by class: GET, SET (EX/PX on load keys, SET ... GET on checked keys), MGET, MSET (plain
and checked keys: MSET cannot carry a TTL), EXPIRE, DEL, PUBLISH (seq-numbered, on the worker's own
channel). The worker owns its slice of the checked set and keeps each key's last acknowledged
value: every GET, MGET, SET ... GET and the periodic sweep compare what the server holds with it.

Sends to the main process (one multiprocessing queue): ("ready", wid), ("stats", wid, ...) every
report interval with counts and latency histograms since the last one, ("error", ...) at once for
the first errors, and ("final", wid, ...) with the checked values when stopped."""
import os
import random
import time

from . import keys
from .client import Client, Closed, ErrorReply
from .hist import Histogram

CLASSES = ("get", "set", "mget", "mset", "expire", "del", "publish", "verify")
MAX_ERRORS_SENT = 50  # per worker; more are only counted
CHECKED_VALUE_CAP = 2048  # checked values stay small so the checked set never nears maxmemory
SWEEP_BATCH = 100
# A client sleeps only once it is this far ahead of its schedule, so a few commands go back to
# back between sleeps: each sleep costs ~40 us of CPU here (a timer and two context switches),
# twice the CPU of a command itself.
PACING_SLEEP_MIN_S = 0.005  # keys per MGET of the periodic checked-set sweep


class Worker:
    def __init__(self, cfg, wid, out):
        self.cfg, self.wid, self.out = cfg, wid, out
        self.rng = random.Random(cfg["seed"] * 1000 + wid)
        self.c = Client(cfg["port"])
        self.own = [keys.checked_key(wid, i) for i in range(cfg["checked_per_worker"])]
        self.expected = {}  # checked key -> last acknowledged value
        self.maybe = {}  # checked key -> other acceptable values after a write that got no reply
        self.seq = 0
        self.published = 0
        self.checked_writes = 0  # acknowledged writes of checked keys (one per key of an MSET)
        self.checked_reads = 0
        self.port_ops = {}  # local port -> commands answered on it (MONITOR must show each)
        self.ports_with_errors = set()
        self.errors_sent = 0
        self.error_count = 0
        self.reset_interval()
        ops = {"get": self.op_get, "set": self.op_set, "mget": self.op_mget, "mset": self.op_mset,
               "expire": self.op_expire, "del": self.op_del, "publish": self.op_publish}
        self.mix = [(ops[c], c) for c, _ in cfg["mix"]]
        self.weights = [w for _, w in cfg["mix"]]

    def reset_interval(self):
        self.counts = {c: 0 for c in CLASSES}
        self.hists = {c: Histogram() for c in CLASSES}

    # ---- Errors and checks ----

    def error(self, cls, msg, kind="error"):
        self.error_count += 1
        if self.errors_sent < MAX_ERRORS_SENT:
            self.errors_sent += 1
            self.out.put(("error", time.time(), f"client {self.wid} {cls}", msg, kind))

    def check(self, key, got, how):
        self.checked_reads += 1
        want = self.expected[key]
        if got == want or got in self.maybe.get(key, ()):
            self.expected[key] = got
            self.maybe.pop(key, None)
            return
        if got is None:
            self.error(how, f"lost checked key {key.decode()}: nil, expected a value of "
                       f"{len(want)} B ({want[:24]!r}...)", "lost")
        else:
            self.error(how, f"checked key {key.decode()} holds {got[:24]!r}... ({len(got)} B), "
                       f"expected {want[:24]!r}... ({len(want)} B)", "lost")
        self.expected[key] = got if got is not None else want
        self.maybe.pop(key, None)

    def check_load_value(self, key, got, how):
        if got is not None and not keys.value_matches_key(key, got):
            self.error(how, f"{key.decode()} holds another key's value {got[:24]!r}...")

    def wrote(self, key, value):
        self.expected[key] = value
        self.maybe.pop(key, None)
        self.checked_writes += 1

    def unsure(self, key, value):
        """A write of key got no reply: the server may or may not have applied it."""
        self.maybe.setdefault(key, set()).add(value)

    # ---- Keys and values ----

    def load_key(self):
        if self.rng.random() < 0.85:  # skewed towards low numbers: a hot set and a cold tail
            return keys.volatile_key(int(self.cfg["volatile_keys"] * self.rng.random() ** 2))
        return keys.plain_key(self.rng.randrange(self.cfg["plain_keys"]))

    def ttl_args(self):
        # 30% short (1-30 s: they expire within a 2-minute run), the rest 30 s-10 min.
        s = self.rng.randint(1, 30) if self.rng.random() < 0.3 else self.rng.randint(30, 600)
        if self.rng.random() < 0.5:
            return b"EX", b"%d" % s
        return b"PX", b"%d" % (s * 1000 + self.rng.randrange(1000))

    def next_value(self, key, cap=16384):
        self.seq += 1
        return keys.make_value(self.rng, key, self.seq, cap)

    # ---- The commands ----

    def op_get(self):
        if self.rng.random() < 0.15:
            key = self.rng.choice(self.own)
            self.check(key, self.c.call(b"GET", key), "GET")
        else:
            key = self.load_key()
            self.check_load_value(key, self.c.call(b"GET", key), "GET")

    def op_set(self):
        r = self.rng.random()
        if r < 0.10:
            key = self.rng.choice(self.own)
            value = self.next_value(key, CHECKED_VALUE_CAP)
            self.unsure(key, value)
            old = self.c.call(b"SET", key, value, b"GET")
            self.check(key, old, "SET GET")
            self.wrote(key, value)
            return
        if r < 0.15:
            key = keys.plain_key(self.rng.randrange(self.cfg["plain_keys"]))
            ok = self.c.call(b"SET", key, self.next_value(key))
        else:
            key = keys.volatile_key(int(self.cfg["volatile_keys"] * self.rng.random() ** 2))
            ok = self.c.call(b"SET", key, self.next_value(key), *self.ttl_args())
        if ok != b"OK":
            self.error("SET", f"SET {key.decode()} answered {ok!r}")

    def op_mget(self):
        load = [self.load_key() for _ in range(8)]
        own = self.rng.sample(self.own, 2)
        got = self.c.call(b"MGET", *load, *own)
        for k, v in zip(load, got):
            self.check_load_value(k, v, "MGET")
        for k, v in zip(own, got[8:]):
            self.check(k, v, "MGET")

    def op_mset(self):
        own = self.rng.sample(self.own, 2)
        plain = [keys.plain_key(self.rng.randrange(self.cfg["plain_keys"])) for _ in range(3)]
        pairs = {k: self.next_value(k, CHECKED_VALUE_CAP) for k in own}
        for k in own:
            self.unsure(k, pairs[k])
        for k in plain:
            pairs[k] = self.next_value(k)
        if self.c.call(b"MSET", *[x for kv in pairs.items() for x in kv]) != b"OK":
            self.error("MSET", "MSET did not answer OK")
        for k in own:
            self.wrote(k, pairs[k])

    def op_expire(self):
        if self.rng.random() < 0.5:
            key = keys.volatile_key(int(self.cfg["volatile_keys"] * self.rng.random() ** 2))
            self.c.call(b"EXPIRE", key, b"%d" % self.rng.randint(1, 600))
        else:
            self.c.call(b"EXPIRE", keys.plain_key(self.rng.randrange(self.cfg["plain_keys"])),
                        b"%d" % self.rng.randint(5, 120))

    def op_del(self):
        self.c.call(b"DEL", *[self.load_key() for _ in range(self.rng.randint(1, 3))])

    def op_publish(self):
        self.published += 1
        head = b"%d:%d|" % (self.wid, self.published)
        msg = head + keys.FILLER[:self.rng.randint(16, 512)]
        n = self.c.call(b"PUBLISH", keys.PUBLISH_CHANNEL % self.wid, msg)
        if n != self.cfg["chan_receivers"]:
            self.error("PUBLISH", f"PUBLISH reached {n} subscribers, expected "
                       f"{self.cfg['chan_receivers']}")

    def sweep(self):
        """Reads the whole owned checked set (MGET batches) against the acknowledged values."""
        for lo in range(0, len(self.own), SWEEP_BATCH):
            batch = self.own[lo:lo + SWEEP_BATCH]
            self.timed("verify", lambda: [self.check(k, v, "sweep MGET")
                                          for k, v in zip(batch, self.c.call(b"MGET", *batch))])

    # ---- Running ----

    def timed(self, cls, fn):
        t0 = time.perf_counter()
        try:
            fn()
        except ErrorReply as e:
            self.answered()
            self.ports_with_errors.add(self.c.local_port)
            self.error(cls, f"error reply: {e}")
            return
        except (Closed, OSError, TimeoutError) as e:  # the next call reconnects
            self.ports_with_errors.add(self.c.local_port)
            self.error(cls, f"{type(e).__name__}: {e}", "disconnect")
            time.sleep(0.5)
            return
        us = (time.perf_counter() - t0) * 1e6
        self.counts[cls] += 1
        self.hists[cls].record(us, time.time())
        self.answered()

    def answered(self):
        port = self.c.local_port
        self.port_ops[port] = self.port_ops.get(port, 0) + 1

    def init_checked(self):
        for lo in range(0, len(self.own), 50):
            pairs = {k: self.next_value(k, CHECKED_VALUE_CAP) for k in self.own[lo:lo + 50]}
            flat = [x for kv in pairs.items() for x in kv]
            self.timed("mset", lambda: self.c.call(b"MSET", *flat))
            for k, v in pairs.items():
                self.wrote(k, v)

    def report(self, final=False):
        self.out.put(("stats", self.wid, self.counts,
                      {c: h.to_wire() for c, h in self.hists.items()}, self.checked_reads))
        self.reset_interval()
        self.checked_reads = 0

    def run(self, stop, go):
        self.init_checked()
        self.reset_interval()  # the load's figures start with the load
        self.out.put(("ready", self.wid))
        go.wait()
        cfg = self.cfg
        interval_s = cfg["clients"] / cfg["rate"] if cfg["rate"] > 0 else 0.0
        next_op = time.monotonic()
        next_report = next_op + cfg["report_every_s"]
        next_sweep = next_op + cfg["verify_every_s"] * (1 + self.wid) / cfg["clients"]
        while not stop.is_set():
            now = time.monotonic()
            if interval_s:
                if next_op - now > PACING_SLEEP_MIN_S:
                    time.sleep(next_op - now)
                next_op += interval_s
                if now - next_op > 1.0:  # fell behind by a second: do not burst to catch up
                    next_op = now
            fn, cls = self.rng.choices(self.mix, self.weights)[0]
            self.timed(cls, fn)
            if now >= next_sweep:
                self.sweep()
                next_sweep = now + cfg["verify_every_s"]
            if now >= next_report:
                self.report()
                next_report = now + cfg["report_every_s"]
        self.sweep()
        self.report()
        self.out.put(("final", self.wid, {
            "expected": self.expected, "maybe": self.maybe, "published": self.published,
            "checked_writes": self.checked_writes, "port_ops": self.port_ops,
            "ports_with_errors": self.ports_with_errors, "error_count": self.error_count,
            "cpu_s": sum(os.times()[:2])}))


def run_worker(cfg, wid, out, stop, go):
    Worker(cfg, wid, out).run(stop, go)
