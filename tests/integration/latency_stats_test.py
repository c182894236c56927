"""INFO commandstats / errorstats / latencystats and LATENCY, differential against
redis-server 7.0: the same command script runs on both servers, then
- INFO commandstats (calls, rejected_calls, failed_calls; not usec), INFO errorstats and
  total_error_replies must be equal (as sets: each server lists commands in its own order);
- LATENCY replies and errors must be equal, and where timings enter (LATEST, HISTORY, GRAPH,
  DOCTOR, INFO latencystats) equal once the measured numbers are masked;
- lrukv's background expiry reports "expire-cycle" during an expiry storm."""
import re
import time

import redis

from raw_resp import RawClient, RespError
from servers import parse_args, start_lrukv, start_redis


def check_equal(what, redis_reply, lrukv_reply):
    assert redis_reply == lrukv_reply, (
        f"{what}:\n  redis-server: {redis_reply!r}\n  lrukv:        {lrukv_reply!r}")


def info_lines(c, section):
    text = c.call("INFO", section).decode()
    return [l for l in text.split("\r\n") if l and not l.startswith("#")]


def command_stats(c):
    """{command: (calls, rejected_calls, failed_calls)} from INFO commandstats."""
    out = {}
    for line in info_lines(c, "commandstats"):
        name, fields = line.split(":", 1)
        kv = dict(f.split("=") for f in fields.split(","))
        out[name] = (int(kv["calls"]), int(kv["rejected_calls"]), int(kv["failed_calls"]))
    return out


def error_stats(c):
    stats = dict(line.split(":", 1) for line in info_lines(c, "errorstats"))
    total = [l for l in info_lines(c, "stats") if l.startswith("total_error_replies:")]
    return stats, total


def run_script(r, l, name, script, compare_replies=True):
    for cmd in script:
        a, b = r.call(*cmd), l.call(*cmd)
        if compare_replies:
            check_equal(f"{name}: reply to {cmd}", a, b)


def compare_stats(r, l, name):
    check_equal(f"{name}: INFO commandstats", command_stats(r), command_stats(l))
    check_equal(f"{name}: INFO errorstats, total_error_replies", error_stats(r), error_stats(l))


# ---- commandstats / errorstats ----

PLAIN = [
    ["SET", "k", "v"], ["GET", "k"], ["SET", "n", "10"], ["INCR", "n"],
    ["GET"], ["GET", "k", "extra"], ["PING", "a", "b"],                      # arity
    ["NOSUCH"], ["nosuch", "a", "b"],                                        # unknown
    ["SET", "k", "v", "NX", "XX"], ["SET", "k", "v", "EX", "0"],             # syntax, bad expire
    ["INCR", "k"], ["INCRBY", "n", "x"], ["SELECT", "99"],                   # failed calls
    ["CONFIG", "GET"], ["CONFIG", "NOSUCH"], ["CONFIG", "GET", "maxmemory"],  # subcommands
    ["CONFIG", "SET", "nosuch-directive", "1"], ["CLIENT", "ID", "x"], ["CLIENT", "GETNAME"],
    ["EXEC"], ["DISCARD"],                                                   # outside MULTI
    ["DEBUG", "ERROR", "CODE1 raw"], ["DEBUG", "ERROR", "-X y"], ["DEBUG", "NOSUCH"],
    ["CONFIG"], ["CLIENT"], ["CONFIG", "SET", "maxmemory"],                 # container arity
    ["SUBSCRIBE", "ch"], ["GET", "k"], ["PING"], ["UNSUBSCRIBE", "ch"],      # subscribed mode
]

TRANSACTIONS = [
    # A command refused while queueing aborts EXEC.
    ["MULTI"], ["SET", "a", "1"], ["NOSUCH"], ["EXEC"],
    ["MULTI"], ["SET", "a", "1"], ["GET"], ["EXEC"],
    # A failure while EXEC runs counts on the failing command; EXEC itself succeeds.
    ["MULTI"], ["SET", "s", "abc"], ["INCR", "s"], ["GET", "s"], ["EXEC"],
    # MULTI inside MULTI, WATCH inside MULTI, DISCARD.
    ["MULTI"], ["MULTI"], ["WATCH", "x"], ["DISCARD"],
    ["MULTI"], ["CONFIG", "NOSUCH"], ["EXEC"],
]


def check_noauth(r_server, l_server, r, l):
    for c in (r, l):
        assert c.call("CONFIG", "SET", "requirepass", "pw") == "OK"
    r2, l2 = RawClient(r_server.port), RawClient(l_server.port)
    run_script(r2, l2, "noauth", [["GET", "k"], ["NOSUCH"], ["PING"], ["AUTH", "wrong"],
                                  ["MULTI"], ["AUTH", "pw"], ["GET", "k"]])
    r2.close()
    l2.close()
    for c in (r, l):
        assert c.call("CONFIG", "SET", "requirepass", "") == "OK"


def check_oom(r, l):
    for c in (r, l):
        assert c.call("CONFIG", "SET", "maxmemory-policy", "noeviction") == "OK"
        assert c.call("CONFIG", "SET", "maxmemory", "1") == "OK"
    run_script(r, l, "oom", [["SET", "big", "x"], ["GET", "k"], ["MULTI"], ["SET", "q", "1"],
                             ["EXEC"]])
    for c in (r, l):
        assert c.call("CONFIG", "SET", "maxmemory", "0") == "OK"


# ---- LATENCY ----

def masked(text):
    """A DOCTOR/GRAPH text with measured numbers replaced by N (the sparkline rows and labels
    depend on the timings too, so a graph keeps only its first two lines)."""
    return re.sub(r"\d+(\.\d+)?", "N", text)


def check_latency(r, l):
    for cmd in (["LATENCY", "HELP"], ["LATENCY"], ["LATENCY", "foo"], ["LATENCY", "LATEST", "x"],
                ["LATENCY", "HISTORY"], ["LATENCY", "GRAPH"], ["LATENCY", "GRAPH", "a", "b"],
                ["LATENCY", "HELP", "x"], ["LATENCY", "LATEST"], ["LATENCY", "HISTORY", "command"],
                ["LATENCY", "GRAPH", "command"], ["LATENCY", "RESET"], ["LATENCY", "DOCTOR"],
                ["CONFIG", "SET", "latency-monitor-threshold", "-1"],
                ["CONFIG", "SET", "latency-tracking-info-percentiles", "50 abc"],
                ["CONFIG", "SET", "latency-tracking-info-percentiles", "101"],
                ["CONFIG", "GET", "latency-tracking-info-percentiles"],
                ["CONFIG", "SET", "latency-monitor-threshold", "50"], ["LATENCY", "DOCTOR"]):
        check_equal(f"reply to {cmd}", r.call(*cmd), l.call(*cmd))

    # A 100 ms DEBUG SLEEP is a "command" sample on both; PING stays under the threshold.
    for c in (r, l):
        assert c.call("DEBUG", "SLEEP", "0.1") == "OK"
        assert c.call("PING") == "PONG"
    latest = {}
    for side, c in (("redis", r), ("lrukv", l)):
        rows = c.call("LATENCY", "LATEST")
        assert len(rows) == 1 and rows[0][0] == b"command", (side, rows)
        assert rows[0][2] >= 100 and rows[0][3] == rows[0][2], (side, rows)
        history = c.call("LATENCY", "HISTORY", "command")
        assert history == [[rows[0][1], rows[0][2]]], (side, history)
        latest[side] = rows[0][1]
    assert abs(latest["redis"] - latest["lrukv"]) <= 2, latest
    graphs = [c.call("LATENCY", "GRAPH", "command").decode() for c in (r, l)]
    check_equal("LATENCY GRAPH command, masked",
                [masked(g) for g in graphs[0].split("\n")[:2]],
                [masked(g) for g in graphs[1].split("\n")[:2]])
    check_equal("LATENCY GRAPH command, bar rows", graphs[0].split("\n")[2:6],
                graphs[1].split("\n")[2:6])
    doctors = [masked(c.call("LATENCY", "DOCTOR").decode()) for c in (r, l)]
    check_equal("LATENCY DOCTOR, masked", doctors[0], doctors[1])
    for cmd in (["LATENCY", "RESET", "COMMAND", "nosuch"], ["LATENCY", "LATEST"],
                ["LATENCY", "RESET"], ["CONFIG", "SET", "latency-monitor-threshold", "0"],
                ["LATENCY", "DOCTOR"]):
        check_equal(f"reply to {cmd}", r.call(*cmd), l.call(*cmd))


LINE = re.compile(r"^latency_percentiles_usec_([a-z|-]+):(.*)$")


def latency_stats(c):
    """{command: [percentile names]} from INFO latencystats; each value checked as %.3f."""
    out = {}
    for line in info_lines(c, "latencystats"):
        m = LINE.match(line)
        assert m, line
        fields = [f.split("=") for f in m.group(2).split(",")] if m.group(2) else []
        for _, value in fields:
            assert re.fullmatch(r"\d+\.\d{3}", value), line
        out[m.group(1)] = [p for p, _ in fields]
    return out


def check_latencystats(r, l):
    for c in (r, l):
        assert c.call("CONFIG", "RESETSTAT") == "OK"
    run_script(r, l, "latencystats", [["SET", "k", "v"], ["GET", "k"], ["GET"], ["NOSUCH"],
                                      ["CONFIG", "GET", "maxmemory"], ["MULTI"],
                                      ["INCR", "n"], ["EXEC"]])
    a, b = latency_stats(r), latency_stats(l)
    check_equal("INFO latencystats commands and percentiles", a, b)
    assert a["get"] == ["p50", "p99", "p99.9"], a
    for c in (r, l):
        assert c.call("CONFIG", "SET", "latency-tracking-info-percentiles",
                      "0 100 99.990 12.345") == "OK"
    a, b = latency_stats(r), latency_stats(l)
    check_equal("INFO latencystats, other percentiles", a, b)
    assert a["get"] == ["p0", "p100", "p99.99", "p12.345"], a
    # A one-call histogram: every percentile but p0 is the same slice's top.
    hist = [c.call("LATENCY", "HISTOGRAM", "set") for c in (r, l)]
    for h in hist:
        assert h[0] == b"set" and h[1][:2] == [b"calls", 1], h
    for c in (r, l):
        assert c.call("CONFIG", "SET", "latency-tracking", "no") == "OK"
    check_equal("INFO latencystats with latency-tracking no",
                r.call("INFO", "latencystats"), l.call("INFO", "latencystats"))


def check_expire_cycle(port):
    """An expiry storm on lrukv: 100k keys due together are reclaimed by the background expiry
    in 1 ms slices, each at or over a 1 ms threshold, so LATENCY shows "expire-cycle"."""
    c = redis.Redis(port=port)
    c.config_set("latency-monitor-threshold", 1)
    c.execute_command("LATENCY", "RESET")
    before = c.dbsize()  # keys the earlier checks left, without TTLs
    pipe = c.pipeline(transaction=False)
    for i in range(100_000):
        pipe.set(f"storm:{i}", "v", px=300)
        if i % 10_000 == 9_999:
            pipe.execute()
    deadline = time.time() + 30
    while c.dbsize() > before and time.time() < deadline:
        time.sleep(0.05)
    assert c.dbsize() == before, (c.dbsize(), before)
    events = {row[0] for row in c.execute_command("LATENCY", "LATEST")}
    assert b"expire-cycle" in events, events
    history = c.execute_command("LATENCY", "HISTORY", "expire-cycle")
    assert history and all(ms >= 1 for _, ms in history), history
    c.config_set("latency-monitor-threshold", 0)
    c.close()


def main():
    args = parse_args(__doc__)
    redis_server = start_redis(["--enable-debug-command", "yes"])  # DEBUG SLEEP
    lrukv = start_lrukv(args.build_dir)
    try:
        r, l = RawClient(redis_server.port), RawClient(lrukv.port)
        for c in (r, l):
            assert c.call("CONFIG", "RESETSTAT") == "OK"
        run_script(r, l, "plain", PLAIN)
        compare_stats(r, l, "plain")
        run_script(r, l, "transactions", TRANSACTIONS)
        compare_stats(r, l, "transactions")
        check_noauth(redis_server, lrukv, r, l)
        compare_stats(r, l, "noauth")
        check_oom(r, l)
        compare_stats(r, l, "oom")
        codes = set(error_stats(l)[0])
        for code in ("ERR", "EXECABORT", "NOAUTH", "WRONGPASS", "OOM"):
            assert f"errorstat_{code}" in codes, (code, codes)
        for c in (r, l):
            assert c.call("CONFIG", "RESETSTAT") == "OK"
        run_script(r, l, "after resetstat", [["GET", "k"], ["GET"], ["NOSUCH"]])
        compare_stats(r, l, "after resetstat")

        check_latency(r, l)
        check_latencystats(r, l)
        check_expire_cycle(lrukv.port)
        r.close()
        l.close()
    finally:
        redis_server.cleanup()
        lrukv.cleanup()


if __name__ == "__main__":
    main()
