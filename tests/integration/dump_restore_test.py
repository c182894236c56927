"""DUMP and RESTORE, differential against redis-server 7.0: the same command sequences go to
both servers over raw RESP, and every reply must be equal byte for byte (error texts exactly),
except DUMP payloads, which are each server's own (Redis's RDB bytes, lrukv's JSON). Each
server's payload is also fed to the other, which must refuse it with Redis's checksum error.
TTLs are compared within a tolerance; COMMAND INFO and COMMAND DOCS must be equal."""
import time

from raw_resp import RawClient, RespError
from servers import parse_args, start_lrukv, start_redis

TTL_TOLERANCE_MS = 2000  # a slow machine may take this long between RESTORE and PTTL
BAD_PAYLOAD = "ERR DUMP payload version or checksum are wrong"


def check_equal(what, redis_reply, lrukv_reply):
    assert redis_reply == lrukv_reply, (
        f"{what}:\n  redis-server: {redis_reply!r}\n  lrukv:        {lrukv_reply!r}")


def changes(c):
    """INFO persistence's rdb_changes_since_last_save (Redis's server.dirty)."""
    for line in c.call("INFO", "persistence").decode().splitlines():
        if line.startswith("rdb_changes_since_last_save:"):
            return int(line.split(":", 1)[1])
    raise AssertionError("no rdb_changes_since_last_save in INFO persistence")


def differential(r, l, script, name):
    """Runs `script` (a list of commands) on both servers after FLUSHALL. In a command, the
    word PAYLOAD stands for the server's own DUMP of "src" (value "hello"), OTHER for the other
    server's. Replies of DUMP are compared by kind only (nil or a bulk). Outside MULTI, each
    RESTORE must also count the same number of changes (rdb_changes_since_last_save)."""
    payloads = {}
    for side, c in (("redis", r), ("lrukv", l)):
        c.call("FLUSHALL")
        c.call("SET", "src", "hello")
        payloads[side] = c.call("DUMP", "src")
        assert isinstance(payloads[side], bytes), (side, payloads[side])
    in_multi = False
    for cmd in script:
        replies, dirty = {}, {}
        count_changes = cmd[0].upper() == "RESTORE" and not in_multi
        for side, other, c in (("redis", "lrukv", r), ("lrukv", "redis", l)):
            args = [payloads[side] if a == "PAYLOAD" else payloads[other] if a == "OTHER" else a
                    for a in cmd]
            before = changes(c) if count_changes else 0
            replies[side] = c.call(*args)
            dirty[side] = changes(c) - before if count_changes else 0
        in_multi = (in_multi or cmd[0].upper() == "MULTI") and cmd[0].upper() != "EXEC"
        check_equal(f"{name}: changes counted by {cmd}", dirty["redis"], dirty["lrukv"])
        if cmd[0].upper() == "DUMP":
            check_equal(f"{name}: {cmd}", type(replies["redis"]), type(replies["lrukv"]))
        else:
            check_equal(f"{name}: {cmd}", replies["redis"], replies["lrukv"])


# Each entry: a name and a command sequence. Every error path of DUMP and RESTORE.
SCRIPTS = [
    ("arity", [["DUMP"], ["DUMP", "a", "b"], ["RESTORE"], ["RESTORE", "k"],
               ["RESTORE", "k", "0"]]),
    ("dump missing and present", [["DUMP", "nope"], ["DUMP", "src"]]),
    ("busykey", [["SET", "k", "v"], ["RESTORE", "k", "0", "PAYLOAD"], ["GET", "k"],
                 ["RESTORE", "k", "abc", "garbage"], ["RESTORE", "k", "-1", "garbage"]]),
    ("bad ttl", [["RESTORE", "n", t, "PAYLOAD"] for t in
                 ("abc", "1.5", " 1", "+1", "-0", "", "99999999999999999999", "-1",
                  "-9223372036854775808")] + [["EXISTS", "n"]]),
    ("ttl before payload", [["RESTORE", "n", "-1", "garbage"], ["RESTORE", "n", "x", "garbage"],
                            ["RESTORE", "n", "0", "garbage"]]),
    ("syntax", [["SET", "k", "v"]] + [["RESTORE", "k", "0", "PAYLOAD", *opts] for opts in (
        ["bogus"], ["IDLETIME"], ["FREQ"], ["ABSTTL", "1"], ["REPLACE", "x"],
        ["IDLETIME", "0", "FREQ", "1"], ["FREQ", "1", "IDLETIME", "1"],
        ["FREQ", "1", "IDLETIME", "x"], ["IDLETIME", "1", "FREQ", "x"])]),
    ("idletime and freq values", [["SET", "k", "v"]] + [
        ["RESTORE", "k", "0", "PAYLOAD", *opts] for opts in (
            ["IDLETIME", "-1"], ["IDLETIME", "x"], ["IDLETIME", "99999999999999999999"],
            ["idletime", "-5", "FREQ", "1"], ["FREQ", "256"], ["FREQ", "-1"], ["freq", "x"],
            ["FREQ", "1", "FREQ", "300"], ["FREQ", "0", "FREQ", "255"],
            ["IDLETIME", "0", "IDLETIME", "7"])] + [["GET", "k"]]),
    ("garbage payloads", [["RESTORE", "k", "0", p] for p in
                          ("garbage", "", "{}", '{"lrukv":1}', "\x00\x03bar")] +
     [["RESTORE", "k", "0", "garbage", "REPLACE"], ["EXISTS", "k"]]),
    ("the other server's payload", [["RESTORE", "k", "0", "OTHER"],
                                    ["SET", "k", "v"], ["RESTORE", "k", "0", "OTHER", "REPLACE"],
                                    ["GET", "k"]]),
    ("round trip", [["RESTORE", "k", "0", "PAYLOAD"], ["GET", "k"], ["PTTL", "k"],
                    ["OBJECT", "ENCODING", "k"], ["TYPE", "k"], ["DUMP", "k"]]),
    ("replace", [["SET", "k", "old", "EX", "100"], ["RESTORE", "k", "0", "PAYLOAD", "REPLACE"],
                 ["GET", "k"], ["PTTL", "k"],
                 ["RESTORE", "k", "0", "PAYLOAD", "replace", "REPLACE", "absttl"], ["GET", "k"]]),
    ("expired absttl", [["RESTORE", "a", "1", "PAYLOAD", "ABSTTL"], ["EXISTS", "a"],
                        ["SET", "k", "v"], ["RESTORE", "k", "1", "PAYLOAD", "ABSTTL", "REPLACE"],
                        ["EXISTS", "k"], ["RESTORE", "k", "1", "PAYLOAD", "ABSTTL"],
                        ["EXISTS", "k"], ["RESTORE", "z", "0", "PAYLOAD", "ABSTTL"],
                        ["PTTL", "z"]]),
    ("overflowing ttl", [["RESTORE", "h", "9223372036854775807", "PAYLOAD"], ["EXISTS", "h"],
                         ["RESTORE", "f", "9223372036854775806", "PAYLOAD", "ABSTTL"],
                         ["PEXPIRETIME", "f"]]),
    ("inside multi", [["MULTI"], ["RESTORE", "k", "0", "PAYLOAD"], ["RESTORE", "k", "0", "PAYLOAD"],
                      ["RESTORE", "k", "-1", "PAYLOAD", "REPLACE"], ["EXEC"], ["GET", "k"]]),
]


def near(a, b, tolerance):
    return abs(a - b) <= tolerance


def check_ttls(r, l):
    """Relative and absolute TTLs: PTTL within tolerance on both servers."""
    for c in (r, l):
        c.call("FLUSHALL")
        c.call("SET", "src", "v")
        p = c.call("DUMP", "src")
        now_ms = int(time.time() * 1000)
        assert c.call("RESTORE", "rel", "5000", p) == "OK"
        assert c.call("RESTORE", "abs", str(now_ms + 60000), p, "ABSTTL") == "OK"
        pttl = c.call("PTTL", "rel")
        assert 5000 - TTL_TOLERANCE_MS <= pttl <= 5000, pttl
        assert near(c.call("PTTL", "abs"), 60000, TTL_TOLERANCE_MS), c.call("PTTL", "abs")
        assert c.call("PEXPIRETIME", "abs") == now_ms + 60000
        assert c.call("RESTORE", "idle", "0", p, "IDLETIME", "100") == "OK"
        idle = c.call("OBJECT", "IDLETIME", "idle")
        assert near(idle, 100, 2), idle


def check_binary_round_trip(r, l):
    value = bytes(range(256)) * 4
    for c in (r, l):
        c.call("FLUSHALL")
        c.call("SET", "bin", value)
        p = c.call("DUMP", "bin")
        assert c.call("RESTORE", "copy", "0", p) == "OK"
        assert c.call("GET", "copy") == value


def check_cross_payloads(r, l):
    """Each server's DUMP, for several values, is refused by the other one."""
    for value in (b"", b"hello", b"12345", bytes(range(256)), b"x" * 100000):
        payload = {}
        for side, c in (("redis", r), ("lrukv", l)):
            c.call("FLUSHALL")
            c.call("SET", "k", value)
            payload[side] = c.call("DUMP", "k")
        assert r.call("RESTORE", "n", "0", payload["lrukv"]) == BAD_PAYLOAD
        assert l.call("RESTORE", "n", "0", payload["redis"]) == BAD_PAYLOAD
        assert l.call("RESTORE", "n", "0", payload["lrukv"]) == "OK"
        assert l.call("GET", "n") == value


def check_command_meta(r, l):
    for sub in ("INFO", "DOCS"):
        check_equal(f"COMMAND {sub} dump restore", r.call("COMMAND", sub, "dump", "restore"),
                    l.call("COMMAND", sub, "dump", "restore"))


def main():
    args = parse_args(__doc__)
    redis_server = start_redis()
    lrukv = start_lrukv(args.build_dir)
    try:
        r, l = RawClient(redis_server.port), RawClient(lrukv.port)
        check_command_meta(r, l)
        for name, script in SCRIPTS:
            differential(r, l, script, name)
        check_ttls(r, l)
        check_binary_round_trip(r, l)
        check_cross_payloads(r, l)
        print(f"dump_restore: {len(SCRIPTS)} differential scripts and 4 checks passed")
    finally:
        redis_server.cleanup()
        lrukv.cleanup()


if __name__ == "__main__":
    main()
