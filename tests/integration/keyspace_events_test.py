"""Keyspace notifications, differential against redis-server 7.0: one script of every string and
keyspace command and their edge cases (refused conditions, absent keys, past deadlines, same-key
renames, REPLACE, other databases, keys already expired, MULTI/EXEC) runs on both servers under
many notify-keyspace-events class combinations; a RESP2 and a RESP3 subscriber on `__key*__:*`
must receive the same messages in the same order, and the commands the same replies.

Every command is followed by a PUBLISH on a marker channel both subscribers also listen to, so
the stream is cut per command without a round trip each (the whole script is pipelined) and a
difference is reported with the command that caused it. Time is deterministic: active expiry is
off on both servers (DEBUG SET-ACTIVE-EXPIRE 0), deadlines are either far away or long past."""
import itertools
import sys
import time

from raw_resp import Push, RawClient
from servers import parse_args, start_lrukv, start_redis

FUTURE_S = "4102444800"  # 2100-01-01
FUTURE_MS = FUTURE_S + "000"
MARK = "ks-mark"
PATTERN = "__key*__:*"
PAYLOAD = "<dump>"  # replaced by each server's own DUMP of a string (a setup step)

# (args) run in order on one RESP2 connection; replies are compared too, except for the
# commands in UNORDERED (hash order), compared sorted.
SCRIPT = [
    # ---- SET and its options ----
    ("SET", "s1", "v"),
    ("SET", "s1", "v2"),
    ("SET", "s1", "v", "NX"),
    ("SET", "s2", "v", "XX"),
    ("SET", "s2", "v", "NX"),
    ("SET", "s2", "v3", "XX"),
    ("SET", "s1", "v", "GET"),
    ("SET", "s3", "v", "GET"),
    ("SET", "s3", "w", "NX", "GET"),
    ("SET", "s4", "v", "XX", "GET"),
    ("SET", "s4", "v", "NX", "GET"),
    ("SET", "s1", "v", "EX", "100"),
    ("SET", "s1", "v", "PX", "100000"),
    ("SET", "s1", "v", "EXAT", FUTURE_S),
    ("SET", "s1", "v", "PXAT", FUTURE_MS),
    ("SET", "s1", "v", "KEEPTTL"),
    ("SET", "s1", "v", "KEEPTTL", "XX", "GET"),
    ("SET", "s6", "v", "PX", "100000", "NX", "GET"),
    ("SET", "s6", "v", "EX", "0"),
    ("SET", "s6", "v", "EX", "x"),
    ("SET", "s6", "v", "NX", "XX"),
    ("SETNX", "s7", "v"),
    ("SETNX", "s7", "w"),
    ("SETEX", "s8", "100", "v"),
    ("SETEX", "s8", "0", "v"),
    ("PSETEX", "s9", "100000", "v"),
    ("PSETEX", "s9", "-1", "v"),
    ("MSET", "m1", "a", "m2", "b", "m1", "c"),
    ("MSETNX", "m3", "a", "m1", "b"),
    ("MSETNX", "m3", "a", "m4", "b"),
    ("MSET", "m5", "a", "m6"),
    ("GETSET", "s1", "x"),
    ("GETSET", "g1", "x"),
    ("GETDEL", "s1"),
    ("GETDEL", "s1"),
    # ---- GETEX ----
    ("SET", "ge", "v"),
    ("GETEX", "ge"),
    ("GETEX", "ge", "EX", "100"),
    ("GETEX", "ge", "PX", "100000"),
    ("GETEX", "ge", "EXAT", FUTURE_S),
    ("GETEX", "ge", "PXAT", FUTURE_MS),
    ("GETEX", "ge", "PXAT", FUTURE_MS),
    ("GETEX", "ge", "PERSIST"),
    ("GETEX", "ge", "PERSIST"),
    ("GETEX", "ge", "EX", "0"),
    ("GETEX", "ge", "EXAT", "1"),
    ("GETEX", "ge"),
    ("SET", "ge", "v"),
    ("GETEX", "ge", "PXAT", "1"),
    ("GETEX", "nope", "EX", "10"),
    ("GETEX", "nope", "PERSIST"),
    # ---- APPEND, SETRANGE ----
    ("APPEND", "a1", "x"),
    ("APPEND", "a1", "y"),
    ("APPEND", "a1", ""),
    ("APPEND", "a2", ""),
    ("SETRANGE", "r1", "0", ""),
    ("SETRANGE", "r1", "2", "ab"),
    ("SETRANGE", "r1", "0", ""),
    ("SETRANGE", "r1", "0", "z"),
    ("SETRANGE", "r1", "-1", "z"),
    ("SETRANGE", "r1", "1", "z"),
    # ---- INCR family ----
    ("INCR", "i1"),
    ("INCR", "i1"),
    ("DECR", "i1"),
    ("INCRBY", "i1", "5"),
    ("DECRBY", "i1", "5"),
    ("DECRBY", "i1b", "3"),
    ("INCRBY", "s2", "1"),
    ("INCRBY", "i1", "x"),
    ("SET", "i2", "9223372036854775807"),
    ("INCR", "i2"),
    ("SET", "i3", "5", "EX", "100"),
    ("INCR", "i3"),
    ("INCRBYFLOAT", "f1", "1.5"),
    ("INCRBYFLOAT", "f1", "1"),
    ("INCRBYFLOAT", "s2", "1"),
    ("INCRBYFLOAT", "f1", "inf"),
    # ---- bitmaps ----
    ("SETBIT", "b1", "7", "1"),
    ("SETBIT", "b1", "7", "1"),
    ("SETBIT", "b1", "100", "0"),
    ("SETBIT", "b2", "3", "0"),
    ("SETBIT", "b1", "-1", "1"),
    ("GETBIT", "b1", "7"),
    ("GETBIT", "nope", "7"),
    ("BITCOUNT", "b1"),
    ("BITCOUNT", "nope"),
    ("BITPOS", "b1", "1"),
    ("BITOP", "AND", "dest", "b1", "b1"),
    ("BITOP", "OR", "dest", "nope1", "nope2"),
    ("BITOP", "OR", "dest2", "nope1", "nope2"),
    ("BITOP", "NOT", "dest3", "b1"),
    ("BITOP", "XOR", "dest3", "b1", "b2"),
    ("BITFIELD", "bf", "SET", "u8", "0", "255"),
    ("BITFIELD", "bf", "GET", "u8", "0"),
    ("BITFIELD", "bf", "INCRBY", "u8", "0", "1"),
    ("BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1"),
    ("BITFIELD", "bf", "SET", "u8", "0", "1"),
    ("BITFIELD", "bf", "SET", "u8", "0", "1", "SET", "u8", "16", "0"),
    ("BITFIELD", "bf", "INCRBY", "u8", "0", "0"),
    ("BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300", "GET", "u8", "0"),
    ("BITFIELD", "bf2", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300"),
    ("EXISTS", "bf2"),
    ("BITFIELD", "bf3", "GET", "u8", "0"),
    ("BITFIELD", "bf3", "SET", "u8", "0", "1", "SET", "u8", "8", "2"),
    ("BITFIELD_RO", "bf", "GET", "u8", "0"),
    ("BITFIELD_RO", "nope", "GET", "u8", "0"),
    # ---- reads: no events but keymiss ----
    ("GET", "s2"),
    ("GET", "nope"),
    ("GETRANGE", "s2", "0", "1"),
    ("GETRANGE", "nope", "0", "1"),
    ("SUBSTR", "s2", "0", "1"),
    ("STRLEN", "s2"),
    ("STRLEN", "nope"),
    ("MGET", "s2", "nope", "s3"),
    ("LCS", "s2", "s3"),
    ("LCS", "s2", "nope"),
    ("EXISTS", "s2", "nope", "s2"),
    ("TYPE", "s2"),
    ("TYPE", "nope"),
    ("TOUCH", "s2", "nope"),
    ("OBJECT", "ENCODING", "s2"),
    ("OBJECT", "ENCODING", "nope"),
    ("OBJECT", "FREQ", "nope"),
    ("DUMP", "s2"),
    ("DUMP", "nope"),
    ("TTL", "s2"),
    ("TTL", "nope"),
    ("PTTL", "nope"),
    ("EXPIRETIME", "s1"),
    ("PEXPIRETIME", "nope"),
    ("DBSIZE",),
    ("KEYS", "s*"),
    ("SCAN", "0", "COUNT", "1000"),
    # ---- DEL, UNLINK ----
    ("DEL", "m1", "nope", "m2"),
    ("DEL", "m1"),
    ("SET", "m1", "v"),
    ("DEL", "m1", "m1"),
    ("SET", "sp ace", "v"),
    ("SET", "ключ", "v"),
    ("DEL", "sp ace", "ключ"),
    ("UNLINK", "m3", "m4", "nope"),
    # ---- EXPIRE family, PERSIST ----
    ("SET", "e1", "v"),
    ("EXPIRE", "e1", "100"),
    ("EXPIRE", "e1", "100", "NX"),
    ("EXPIRE", "e1", "200", "XX"),
    ("EXPIRE", "e1", "100", "GT"),
    ("EXPIRE", "e1", "50", "LT"),
    ("EXPIRE", "e1", "500", "LT"),
    ("PEXPIRE", "e1", "100000"),
    ("EXPIREAT", "e1", FUTURE_S),
    ("PEXPIREAT", "e1", FUTURE_MS),
    ("PEXPIREAT", "e1", FUTURE_MS, "GT"),
    ("EXPIRE", "nope", "10"),
    ("EXPIRE", "e1", "x"),
    ("EXPIRE", "e1", "10", "NX", "XX"),
    ("PERSIST", "e1"),
    ("PERSIST", "e1"),
    ("PERSIST", "nope"),
    ("EXPIRE", "e1", "100", "XX"),
    ("EXPIRE", "e1", "0"),
    ("EXISTS", "e1"),
    ("SET", "e2", "v"),
    ("EXPIRE", "e2", "-5"),
    ("SET", "e3", "v"),
    ("PEXPIREAT", "e3", "1"),
    ("SET", "e4", "v"),
    ("EXPIREAT", "e4", "1", "NX"),
    ("SET", "e5", "v"),
    ("PEXPIRE", "e5", "0", "GT"),
    ("PEXPIRE", "e5", "0", "LT"),
    ("SET", "e6", "v"),
    ("EXPIRE", "e6", "100", "GT"),
    ("EXPIRE", "e6", "100", "LT"),
    ("SET", "e6", "v", "KEEPTTL"),
    ("EXPIRE", "e6", "200", "GT"),
    # ---- RENAME, RENAMENX ----
    ("SET", "n1", "v"),
    ("RENAME", "n1", "n1"),
    ("RENAMENX", "n1", "n1"),
    ("RENAME", "nope", "n2"),
    ("RENAME", "nope", "nope"),
    ("RENAMENX", "nope", "n2"),
    ("RENAME", "n1", "n2"),
    ("SET", "n3", "w", "PXAT", FUTURE_MS),
    ("RENAME", "n3", "n2"),
    ("SET", "n4", "v"),
    ("RENAMENX", "n4", "n2"),
    ("RENAMENX", "n4", "n5"),
    ("EXPIRETIME", "n2"),
    # ---- COPY, MOVE, SELECT ----
    ("SET", "c1", "v", "PXAT", FUTURE_MS),
    ("COPY", "c1", "c2"),
    ("COPY", "c1", "c2"),
    ("COPY", "c1", "c2", "REPLACE"),
    ("COPY", "c1", "c1"),
    ("COPY", "c1", "c1", "DB", "1"),
    ("COPY", "c1", "c1", "DB", "1"),
    ("COPY", "c1", "c1", "DB", "1", "REPLACE"),
    ("COPY", "nope", "c3"),
    ("COPY", "c1", "c4", "DB", "99"),
    ("MOVE", "c1", "1"),
    ("MOVE", "c2", "2"),
    ("MOVE", "nope", "2"),
    ("MOVE", "c1", "0"),
    ("SELECT", "2"),
    ("EXPIRETIME", "c2"),
    ("SET", "c9", "v"),
    ("MOVE", "c9", "0"),
    ("SELECT", "0"),
    # ---- RESTORE ----
    ("RESTORE", "rs1", "0", PAYLOAD),
    ("RESTORE", "rs1", "0", PAYLOAD),
    ("RESTORE", "rs1", "0", PAYLOAD, "REPLACE"),
    ("RESTORE", "rs1", "1", PAYLOAD, "REPLACE", "ABSTTL"),
    ("EXISTS", "rs1"),
    ("RESTORE", "rs2", "1", PAYLOAD, "ABSTTL"),
    ("RESTORE", "rs3", "100000", PAYLOAD),
    ("RESTORE", "rs4", FUTURE_MS, PAYLOAD, "ABSTTL", "IDLETIME", "10"),
    ("RESTORE", "rs5", "0", PAYLOAD, "FREQ", "5"),
    ("RESTORE", "rs6", "0", "bad"),
    ("RESTORE", "rs6", "-1", PAYLOAD),
    # ---- keys already expired (active expiry off): the lookup reclaims them ----
    ("SET", "x1", "v", "PXAT", "1"),
    ("GET", "x1"),
    ("SET", "x2", "v", "PXAT", "1"),
    ("SET", "x2", "w"),
    ("SET", "x3", "v", "EXAT", "1"),
    ("INCR", "x3"),
    ("SET", "x4", "v", "PXAT", "1"),
    ("DEL", "x4"),
    ("SET", "x5", "v", "PXAT", "1"),
    ("EXISTS", "x5"),
    ("SET", "x6", "v", "PXAT", "1"),
    ("APPEND", "x6", "w"),
    ("SET", "x7", "v", "PXAT", "1"),
    ("SET", "x7", "w", "NX"),
    ("SET", "x8", "v", "PXAT", "1"),
    ("RENAME", "x8", "x9"),
    ("SET", "x10", "v", "PXAT", "1"),
    ("TTL", "x10"),
    ("SET", "x11", "v", "PXAT", "1"),
    ("SETRANGE", "x11", "0", "w"),
    ("SET", "x12", "v", "PXAT", "1"),
    ("EXPIRE", "x12", "100"),
    ("SET", "x13", "v", "PXAT", "1"),
    ("GETDEL", "x13"),
    ("SET", "x14", "v", "PXAT", "1"),
    ("SETBIT", "x14", "0", "1"),
    ("SET", "x15", "v", "PXAT", "1"),
    ("COPY", "x15", "x16"),
    ("SET", "x17", "v", "PXAT", "1"),
    ("MOVE", "x17", "3"),
    ("SET", "x18", "v", "PXAT", "1"),
    ("TOUCH", "x18"),
    ("SET", "x19", "v", "PXAT", "1"),
    ("TYPE", "x19"),
    ("SET", "x20", "v", "PXAT", "1"),
    ("PERSIST", "x20"),
    ("SET", "x21", "v", "PXAT", "1"),
    ("MSETNX", "x21", "v"),
    ("SET", "x22", "v", "PXAT", "1"),
    ("GETEX", "x22", "PERSIST"),
    ("SET", "x23", "v", "PXAT", "1"),
    ("GETSET", "x23", "w"),
    ("SET", "x24", "v", "PXAT", "1"),
    ("SET", "x24", "w", "GET", "KEEPTTL"),
    ("SET", "x25", "v", "PXAT", "1"),
    ("INCRBYFLOAT", "x25", "2"),
    ("SET", "x26", "v", "PXAT", "1"),
    ("BITOP", "OR", "x26", "s2"),
    ("SET", "x27", "v", "PXAT", "1"),
    ("UNLINK", "x27", "x27"),
    ("SET", "x28", "v", "PXAT", "1"),
    ("RESTORE", "x28", "0", PAYLOAD),
    ("SET", "x29", "v", "PXAT", "1"),
    ("COPY", "s2", "x29"),
    ("SET", "x30", "v", "PXAT", "1"),
    ("RENAME", "s2", "x30"),
    ("SELECT", "5"),
    ("SET", "x31", "v", "PXAT", "1"),
    ("SELECT", "0"),
    ("SET", "x31", "v"),
    ("MOVE", "x31", "5"),
    ("SET", "x32", "v", "PXAT", "1"),
    ("LCS", "x32", "x30"),
    ("SET", "x33", "v", "PXAT", "1"),
    ("BITFIELD", "x33", "SET", "u8", "0", "1"),
    ("SET", "x34", "v", "PXAT", "1"),
    ("MGET", "x34", "x34"),
    ("SELECT", "4"),
    ("SET", "y1", "v", "PXAT", "1"),
    ("RANDOMKEY",),
    ("SET", "y2", "v", "PXAT", "1"),
    ("SCAN", "0"),
    ("SET", "y3", "v", "PXAT", "1"),
    ("KEYS", "*"),
    ("DBSIZE",),
    ("RANDOMKEY",),  # y3 the only key, and stale
    ("SET", "y4", "v"),
    ("RANDOMKEY",),
    ("SELECT", "0"),
    # ---- MULTI/EXEC: each queued command's events in order when EXEC runs ----
    ("MULTI",),
    ("SET", "t1", "v"),
    ("INCR", "t2"),
    ("EXPIRE", "t1", "100"),
    ("RENAME", "t1", "t3"),
    ("DEL", "t3", "t2"),
    ("EXEC",),
    ("MULTI",),
    ("SET", "t4", "abc"),
    ("INCR", "t4"),
    ("APPEND", "t4", "d"),
    ("EXEC",),
    # ---- whole databases: no key events ----
    ("SWAPDB", "0", "1"),
    ("FLUSHDB",),
    ("SELECT", "1"),
    ("FLUSHALL",),
    ("SELECT", "0"),
]

# Replies in hash order.
UNORDERED = {"KEYS", "SCAN"}


# The classes the script's commands publish: generic, string, new, expired, keymiss.
DATA_CLASSES = "g$nxm"
FULL = "AKEnm"


def class_combinations():
    """Every subset of DATA_CLASSES with K, with E, and with both (96); then A's and odd ones."""
    combos = []
    for r in range(len(DATA_CLASSES) + 1):
        for subset in itertools.combinations(DATA_CLASSES, r):
            for ke in ("K", "E", "KE"):
                combos.append("".join(subset) + ke)
    combos += ["", "A", "g", "KEA", "AKEnm", "AK", "AEm", "KnA", "xKE$", "Kdlshzte"]
    return combos


class Subscriber:
    """A pattern subscriber on `__key*__:*` plus the marker channel, in RESP2 or RESP3."""

    def __init__(self, port, proto):
        self.proto = proto
        self.c = RawClient(port)
        if proto == 3:
            assert isinstance(self.c.call("HELLO", "3"), dict)
        self.c.send(("SUBSCRIBE", MARK), ("PSUBSCRIBE", PATTERN))
        for _ in range(2):
            self.c.reply()

    def drain(self):
        """Messages until the answer to a PING (everything published before it)."""
        self.c.send(("PING",))
        messages = []
        while True:
            r = self.c.reply()
            if self.proto == 3 and not isinstance(r, Push):
                assert r == "PONG", r
                return messages
            if self.proto == 2 and r == [b"pong", b""]:
                return messages
            assert r[0] in (b"message", b"pmessage"), r
            messages.append(tuple(r))


def substitute(args, payload):
    return tuple(payload if a == PAYLOAD else a for a in args)


class Target:
    """One server's connections: the commands' client and the two subscribers."""

    def __init__(self, server):
        self.cmd = RawClient(server.port)
        assert self.cmd.call("DEBUG", "SET-ACTIVE-EXPIRE", "0") == "OK"
        self.cmd.call("FLUSHALL")
        self.cmd.call("SET", "dumped", "restored value")
        self.payload = self.cmd.call("DUMP", "dumped")
        self.cmd.call("DEL", "dumped")
        self.subs = [Subscriber(server.port, 2), Subscriber(server.port, 3)]

    def run(self, classes):
        """Runs the script under `classes`; returns (CONFIG GET, replies, per-subscriber list of
        per-command event lists)."""
        c = self.cmd
        assert c.call("CONFIG", "SET", "notify-keyspace-events", classes) == "OK"
        config = c.call("CONFIG", "GET", "notify-keyspace-events")
        commands = []
        for i, args in enumerate(SCRIPT):
            commands.append(substitute(args, self.payload))
            commands.append(("PUBLISH", MARK, str(i)))
        replies = c.pipeline(*commands)
        own = replies[0::2]  # the markers' replies are subscriber counts (or QUEUED)
        c.call("CONFIG", "SET", "notify-keyspace-events", "")
        c.call("FLUSHALL")
        c.call("SELECT", "0")
        streams = []
        for sub in self.subs:
            per_command = [[] for _ in SCRIPT]
            index = 0  # events before marker i belong to command i
            for m in sub.drain():
                if m[0] == b"message":
                    index = int(m[2]) + 1
                    continue
                assert m[1] == PATTERN.encode() and index < len(SCRIPT), m
                per_command[index].append((m[2].decode(), m[3].decode()))
            streams.append(per_command)
        return config, own, streams


def normalized(args, reply):
    if args[0] in UNORDERED and isinstance(reply, list):
        if args[0] == "SCAN":
            return (reply[0], sorted(reply[1]))
        return sorted(reply)
    if args[0] == "DUMP":
        return type(reply).__name__
    if args[0] == "OBJECT" and args[1] == "FREQ":
        return type(reply).__name__
    return reply


def compare(classes, redis_run, lrukv_run, failures):
    r_config, r_replies, r_streams = redis_run
    l_config, l_replies, l_streams = lrukv_run
    if r_config != l_config:
        failures.append(f"[{classes!r}] CONFIG GET: redis {r_config!r} lrukv {l_config!r}")
    for i, args in enumerate(SCRIPT):
        rr, lr = normalized(args, r_replies[i]), normalized(args, l_replies[i])
        if rr != lr:
            failures.append(f"[{classes!r}] reply to {args}: redis {rr!r} lrukv {lr!r}")
    for proto, r_stream, l_stream in zip((2, 3), r_streams, l_streams):
        for i, args in enumerate(SCRIPT):
            if r_stream[i] != l_stream[i]:
                failures.append(f"[{classes!r}] RESP{proto} events of {args}:\n"
                                f"    redis {r_stream[i]}\n    lrukv {l_stream[i]}")


def main():
    args = parse_args(__doc__)
    redis = start_redis(["--enable-debug-command", "yes"])  # DEBUG SET-ACTIVE-EXPIRE
    lrukv = start_lrukv(args.build_dir)
    started = time.time()
    try:
        targets = {"redis": Target(redis), "lrukv": Target(lrukv)}
        failures = []
        combos = class_combinations()
        for classes in combos:
            runs = {name: t.run(classes) for name, t in targets.items()}
            compare(classes, runs["redis"], runs["lrukv"], failures)
            # The RESP2 and RESP3 subscribers of one server saw the same.
            for name, run in runs.items():
                if run[2][0] != run[2][1]:
                    failures.append(f"[{classes!r}] {name}: RESP2 and RESP3 streams differ")
        # The full run must have produced events at all (the test can fail on silence).
        full = targets["redis"].run(FULL)[2][0]
        assert sum(len(e) for e in full) > 100, "redis-server published almost nothing"
        if failures:
            seen = set()
            for f in failures:
                key = f.split("] ", 1)[1]
                if key in seen:
                    continue
                seen.add(key)
                print(f, file=sys.stderr)
            print(f"{len(failures)} differences ({len(seen)} distinct) over {len(combos)} "
                  "class combinations", file=sys.stderr)
            sys.exit(1)
        print(f"keyspace events equal over {len(combos)} class combinations, "
              f"{len(SCRIPT)} commands each, in {time.time() - started:.1f}s")
    finally:
        redis.cleanup()
        lrukv.cleanup()


if __name__ == "__main__":
    main()
