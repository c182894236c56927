"""SLOWLOG, differential against redis-server 7.0: the same commands go to both servers over raw
RESP with slowlog-log-slower-than 0, and every SLOWLOG GET entry must have the same shape: the
same argument lists (truncation and redaction texts included), client address of the form
"127.0.0.1:<the client's own port>" and client name. Ids, times and durations are each
server's own; they are checked for sense (ids consecutive, newest first; times now). SLOWLOG
LEN/RESET/HELP replies and error texts must be equal byte for byte."""
import time

from raw_resp import RawClient, RespError
from servers import parse_args, start_lrukv, start_redis


def check_equal(what, redis_reply, lrukv_reply):
    assert redis_reply == lrukv_reply, (
        f"{what}:\n  redis-server: {redis_reply!r}\n  lrukv:        {lrukv_reply!r}")


def shape(side, c, entries):
    """An entry without what is each server's own (id, time, duration); the client address is
    replaced by SELF when it is this client's "127.0.0.1:<port>"."""
    own_addr = b"127.0.0.1:%d" % c.sock.getsockname()[1]
    now_s = int(time.time())
    out = []
    for i, e in enumerate(entries):
        assert isinstance(e, list) and len(e) == 6, (side, e)
        entry_id, time_s, duration_us, args, addr, name = e
        assert isinstance(entry_id, int) and isinstance(duration_us, int), (side, e)
        assert duration_us >= 0, (side, e)
        assert abs(time_s - now_s) < 60, (side, e)
        if i > 0:
            assert entry_id == entries[i - 1][0] - 1, (side, "ids not consecutive", entries)
        out.append([args, "SELF" if addr == own_addr else addr, name])
    return out


def run_on_both(r, l, commands):
    """Runs each command on both servers and returns (redis replies, lrukv replies)."""
    replies = {"redis": [], "lrukv": []}
    for cmd in commands:
        for side, c in (("redis", r), ("lrukv", l)):
            replies[side].append(c.call(*cmd))
    return replies["redis"], replies["lrukv"]


def compare_log(r, l, name, commands, compare_replies=True):
    """SLOWLOG RESET, then `commands`, then SLOWLOG GET -1 on both; compares the entries' shape
    (and the commands' replies unless told not to)."""
    for c in (r, l):
        assert c.call("SLOWLOG", "RESET") == "OK"
    redis_replies, lrukv_replies = run_on_both(r, l, commands)
    if compare_replies:
        for cmd, a, b in zip(commands, redis_replies, lrukv_replies):
            check_equal(f"{name}: reply to {cmd[:4]}", a, b)
    logs = {side: shape(side, c, c.call("SLOWLOG", "GET", "-1"))
            for side, c in (("redis", r), ("lrukv", l))}
    check_equal(f"{name}: SLOWLOG GET -1 entries", logs["redis"], logs["lrukv"])
    assert logs["redis"], f"{name}: nothing was logged"


def main():
    args = parse_args(__doc__)
    redis_server = start_redis(["--enable-debug-command", "yes"])  # DEBUG SLEEP
    lrukv = start_lrukv(args.build_dir)
    try:
        r, l = RawClient(redis_server.port), RawClient(lrukv.port)

        # Replies and errors of the command itself, before anything is logged.
        for cmd in (["SLOWLOG", "HELP"], ["SLOWLOG"], ["SLOWLOG", "foo"],
                    ["SLOWLOG", "LEN", "x"], ["SLOWLOG", "RESET", "x"], ["SLOWLOG", "HELP", "x"],
                    ["SLOWLOG", "GET", "-2"], ["SLOWLOG", "GET", "x"],
                    ["SLOWLOG", "GET", "99999999999999999999"], ["slowlog", "Get", "1", "2"],
                    ["SLOWLOG", "GET", "0"],
                    ["CONFIG", "SET", "slowlog-log-slower-than", "-2"],
                    ["CONFIG", "SET", "slowlog-log-slower-than", "abc"],
                    ["CONFIG", "SET", "slowlog-max-len", "-1"]):
            a, b = run_on_both(r, l, [cmd])
            check_equal(f"reply to {cmd}", a[0], b[0])
        # CONFIG GET's order is each server's own (Redis's is its dict's).
        a, b = run_on_both(r, l, [["CONFIG", "GET", "slowlog*"]])
        check_equal("CONFIG GET slowlog*", dict(zip(a[0][::2], a[0][1::2])),
                    dict(zip(b[0][::2], b[0][1::2])))
        assert isinstance(r.call("SLOWLOG", "HELP"), list)

        # The default threshold (10 ms): a fast call is not logged, a 20 ms sleep is.
        compare_log(r, l, "threshold", [["PING"], ["DEBUG", "SLEEP", "0.02"], ["SET", "k", "v"]])

        for c in (r, l):
            assert c.call("CONFIG", "SET", "slowlog-log-slower-than", "0") == "OK"
        many = [str(i) for i in range(40)]
        compare_log(r, l, "arguments", [
            ["SET", "k", "v"], ["GET", "k"], ["ECHO", "x" * 128], ["ECHO", "y" * 200],
            ["DEL", *many[:31]], ["DEL", *many[:32]], ["DEL", *many], ["SET", "z" * 300, "v"],
            ["NOSUCHCOMMAND", "a"], ["GET"],  # refused: never logged
        ])
        compare_log(r, l, "names", [["CLIENT", "SETNAME", "worker"], ["PING"],
                                    ["CLIENT", "SETNAME", ""], ["PING"]])
        compare_log(r, l, "transactions", [["MULTI"], ["SET", "k", "1"], ["INCR", "k"],
                                           ["EXEC"]])
        # Secrets: replies differ where lrukv has no such directive; the log must not.
        compare_log(r, l, "redaction", [
            ["AUTH", "secret"], ["AUTH", "user", "secret"], ["AUTH", "a", "b", "c"],
            ["HELLO", "2", "AUTH", "default", "pw", "SETNAME", "nm"],
            ["HELLO", "2", "SETNAME", "other", "AUTH", "default", "pw"],
            ["HELLO", "2", "AUTH", "default"], ["HELLO", "9", "AUTH", "u", "p"],
            ["HELLO", "3", "bogus", "AUTH", "u", "p"], ["HELLO", "2", "SETNAME", ""],
            ["CONFIG", "SET", "requirepass", ""], ["CONFIG", "SET", "requirepass", "a", "b"],
            ["CONFIG", "SET", "bogus", "1", "REQUIREPASS", "x", "masterauth", "y"],
            ["CONFIG", "SET", "masteruser", "u"],
        ], compare_replies=False)

        # slowlog-max-len keeps the newest; lowering it trims at the next logged call.
        for c in (r, l):
            assert c.call("CONFIG", "SET", "slowlog-max-len", "3") == "OK"
        compare_log(r, l, "max-len", [["ECHO", str(i)] for i in range(6)])
        a, b = run_on_both(r, l, [["SLOWLOG", "LEN"], ["SLOWLOG", "GET", "1"]])
        check_equal("LEN at max-len 3", a[0], b[0])
        assert a[0] == 3, a
        for c in (r, l):
            assert c.call("CONFIG", "SET", "slowlog-max-len", "0") == "OK"
        a, b = run_on_both(r, l, [["SLOWLOG", "LEN"], ["SLOWLOG", "RESET"], ["SLOWLOG", "GET"]])
        check_equal("LEN, RESET, GET at max-len 0", a, b)
        assert a == [0, "OK", []], a

        # Ids keep counting across RESET.
        for c in (r, l):
            c.call("CONFIG", "SET", "slowlog-max-len", "128")
            c.call("PING")
            first = c.call("SLOWLOG", "GET", "1")[0][0]
            c.call("SLOWLOG", "RESET")
            after = c.call("SLOWLOG", "GET", "1")[0][0]
            assert after == first + 2, (first, after)
        assert not isinstance(r.call("SLOWLOG", "LEN"), RespError)
        r.close()
        l.close()
    finally:
        redis_server.cleanup()
        lrukv.cleanup()


if __name__ == "__main__":
    main()
