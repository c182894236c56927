"""Hostile and broken clients at the protocol level, lrukv beside redis-server 7.0 (issue 6):

  a. malformed RESP of every kind (type bytes, negative and non-numeric counts and lengths,
     lengths past proto-max-bulk-len and INT_MAX, over-long length lines, missing CRLF, a bulk
     shorter than announced then a close): the same raw bytes to both servers give the same
     reply bytes and the same close (or no close); Redis 7.0 accepts multibulk counts up to
     INT_MAX (the 1024*1024 cap was Redis 6), so a 1024*1024+1-argument request is answered;
  b. a 100 MB inline line: Redis's "too big inline request" and a close after about 64 KB,
     without the server's RSS growing by the line;
  c. a slowloris sending one byte a second holds up nobody; with `timeout` set it is not
     closed while it trickles (each byte is activity, as in Redis) and is once it stops;
  d. clients that close mid-request (part of a 50 MB bulk) and mid-reply (GET of a 50 MB
     value, one byte read, then a close or a reset): nothing of theirs is kept;
  e. 10k connections: with maxclients at its default the one past the limit gets Redis's
     `-ERR max number of clients reached` and a close; under `prlimit --nofile=1024:1024` the
     server logs Redis's three lines and CONFIG GET maxclients says 992, as Redis.

Under the ASan build (LRUKV_SANITIZE=ON) part d is scaled down, explicitly: 4 MB of the 50 MB
bulk sent instead of 20 MB, and a 10 MB value instead of 50 MB (ASan's realloc copies where
glibc's remaps, so each step of a growing buffer holds the loop for a sanitized copy).

Throughout a-d a bystander client (hostile_common.Bystander) does PING/GET in its own process:
its key keeps its value and its p99 stays within the bound hostile_common justifies; the
server's VmRSS and used_memory return to their baseline after each case."""
import resource
import select
import shutil
import socket
import subprocess
import sys
import threading
import time

from hostile_common import (ASAN_ENV, MIB, Bystander, MemoryBaseline, Phases, encode,
                            is_asan_build, rss_bytes, send_and_read, strip_log_prefix, wait_for)
from raw_resp import RawClient
from servers import Server, lrukv_binary, parse_args


def start(kind, build_dir, args=(), argv_prefix=()):
    if kind == "lrukv":
        return Server(lrukv_binary(build_dir), ["--save", ""] + list(args), extra_env=ASAN_ENV,
                      argv_prefix=argv_prefix)
    return Server(shutil.which("redis-server"), ["--save", "", "--appendonly", "no"] + list(args),
                  argv_prefix=argv_prefix)


# ---- a. Malformed RESP ----

# (name, bytes, shut down our write side after sending). Every case is sent on its own
# connection; both servers must answer each with the same bytes and close it (or not) alike.
ONE_M = 1024 * 1024
MALFORMED = [
    # Type bytes: '*' starts a multibulk request; anything else is an inline line (so '!' or a
    # NUL is a command name), and inside a multibulk request only '$' may start an argument.
    ("inline '!'", b"!foo\r\n", False),
    ("inline NUL bytes", b"\x00\x01\x02\r\n", False),
    ("':' for '$'", b"*1\r\n:3\r\nfoo\r\n", False),
    ("'+' for '$'", b"*1\r\n+PING\r\n", False),
    ("'%' for '$' second arg", b"*2\r\n$4\r\nECHO\r\n%1\r\n", False),
    ("no '$' at all", b"*1\r\nPING\r\n", False),
    # Negative counts and lengths.
    ("count -5", b"*-5\r\n", False),
    ("count -1 then PING", b"*-1\r\nPING\r\n", False),
    ("bulk length -3", b"*1\r\n$-3\r\n", False),
    ("bulk length -1 in SET", b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$-1\r\n", False),
    ("count -0", b"*-0\r\n", False),
    # Non-numeric counts and lengths.
    ("count abc", b"*abc\r\n", False),
    ("count 1x", b"*1x\r\n", False),
    ("count 1.5", b"*1.5\r\n", False),
    ("count +1", b"*+1\r\n$4\r\nPING\r\n", False),
    ("count leading zero", b"*01\r\n$4\r\nPING\r\n", False),
    ("count empty", b"*\r\n", False),
    ("bulk length abc", b"*1\r\n$abc\r\n", False),
    ("bulk length leading zero", b"*1\r\n$04\r\nPING\r\n", False),
    ("bulk length empty", b"*1\r\n$\r\n", False),
    ("bulk length 2^64", b"*1\r\n$18446744073709551616\r\n", False),
    # Past the limits: counts over INT_MAX, bulks over proto-max-bulk-len (512 MB), length
    # lines longer than 64 KB.
    ("count INT_MAX+1", b"*2147483648\r\n", False),
    ("count 2^63", b"*9223372036854775808\r\n", False),
    ("bulk 512 MB + 1", b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870913\r\n", False),
    ("count line 70000 digits", b"*" + b"1" * 70000, False),
    ("bulk line 70000 digits", b"*1\r\n$" + b"1" * 70000, False),
    ("count 1M+1 announced, then close", b"*%d\r\n" % (ONE_M + 1), True),
    # Missing or wrong CRLF.
    ("CR only after count", b"*1\r$4\r\nPING\r\n", False),
    ("LF only", b"*1\n$4\nPING\n", True),
    ("bulk length glued to data", b"*1\r\n$3foo\r\n", False),
    ("no CRLF after data", b"*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n", False),
    ("inline unbalanced quotes", b'SET "abc\r\n', False),
    ("inline quote glued", b'SET "a"b c\r\n', False),
    # A bulk shorter than announced, then the client shuts down its side.
    ("short bulk then close", b"*2\r\n$3\r\nGET\r\n$10\r\nab", True),
    ("short count then close", b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n", True),
    # Good requests before a bad one are answered first.
    ("PING then bad length", b"PING\r\n*1\r\n$-3\r\n", False),
    ("pipeline then bad type", encode("SET", "pk", "v") + encode("GET", "pk") + b"*1\r\n@\r\n",
     False),
]


def probe_all(port, cases, settle_s):
    """Sends every case on its own connection at once, then waits until each is closed by the
    server or `settle_s` passes. Returns {name: (reply bytes, closed)}."""
    socks = {}
    for name, data, shut in cases:
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        socks[s] = [name, b"", False]
    deadline = time.monotonic() + settle_s
    open_socks = list(socks)
    while open_socks and time.monotonic() < deadline:
        ready, _, _ = select.select(open_socks, [], [], max(0.0, deadline - time.monotonic()))
        for s in ready:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if chunk:
                socks[s][1] += chunk
            else:
                socks[s][2] = True
                open_socks.remove(s)
    for s in socks:
        s.close()
    return {name: (reply, closed) for name, reply, closed in socks.values()}


def case_malformed(lrukv, redis_server, admin, asan):
    settle_s = 3.0 if asan else 1.0
    got = probe_all(lrukv.port, MALFORMED, settle_s)
    want = probe_all(redis_server.port, MALFORMED, 1.0)
    protocol_errors = 0
    for name, _, _ in MALFORMED:
        assert got[name] == want[name], (f"{name}: lrukv {got[name][0][:200]!r} closed="
                                         f"{got[name][1]}, redis {want[name][0][:200]!r} "
                                         f"closed={want[name][1]}")
        if b"-ERR Protocol error: " in got[name][0]:
            assert got[name][1], f"{name}: protocol error without a close"
            protocol_errors += 1
    assert protocol_errors >= 25, f"only {protocol_errors} cases were protocol errors"

    # 1024*1024+1 arguments (7 MB in one request): answered, as Redis 7.0 does, not refused.
    big = b"*%d\r\n$4\r\nECHO\r\n" % (ONE_M + 1) + b"$1\r\nx\r\n" * ONE_M
    got = send_and_read(lrukv.port, big, shut_write=True, read_timeout_s=60)
    want = send_and_read(redis_server.port, big, shut_write=True, read_timeout_s=60)
    assert got == want == (b"-ERR wrong number of arguments for 'echo' command\r\n", True), \
        (got, want)
    assert admin.call("GET", "pk") == b"v"


# ---- b. A 100 MB inline line ----

def send_huge_line(port, total_bytes):
    """Sends an inline line of `total_bytes` without a newline in 1 MB writes until the server
    closes; returns (reply bytes, bytes sent before the close was noticed)."""
    s = socket.create_connection(("127.0.0.1", port))
    chunk = b"A" * MIB
    sent = 0
    reply = []

    def reader():
        got = b""
        try:
            while True:
                part = s.recv(65536)
                if not part:
                    break
                got += part
        except OSError:
            pass
        reply.append(got)

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    try:
        while sent < total_bytes:
            s.sendall(chunk)
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    t.join(30)
    s.close()
    return reply[0] if reply else None, sent


def case_huge_inline(lrukv, redis_server, admin):
    peak = [0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_bytes(lrukv.pid))
            time.sleep(0.005)

    before = rss_bytes(lrukv.pid)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    got, sent = send_huge_line(lrukv.port, 100 * MIB)
    stop.set()
    sampler.join()
    want, redis_sent = send_huge_line(redis_server.port, 100 * MIB)
    assert want == b"-ERR Protocol error: too big inline request\r\n", want
    assert got == want, got
    # The close comes long before 100 MB (after 64 KB and whatever the socket buffers held).
    assert sent < 100 * MIB, f"lrukv took all {sent} bytes of the line"
    assert peak[0] < before + 8 * MIB, f"RSS grew from {before} to {peak[0]} for the line"
    print(f"100 MB inline line: closed after {sent / MIB:.0f} MB sent (redis: "
          f"{redis_sent / MIB:.0f} MB), RSS peak +{(peak[0] - before) / MIB:.1f} MB")


# ---- c. Slowloris ----

def slowloris(server, keep_alive, out):
    """Trickles a PING request one byte a second: 3 bytes with timeout 0, then 3 more with
    timeout 2 (gaps of 1 s: never idle for more than 2 s), then nothing. Sets out[...]."""
    request = encode("PING")
    s = socket.create_connection(("127.0.0.1", server.port))
    for i in range(6):
        if i == 3:
            ctl = RawClient(server.port)
            ctl.call("CONFIG", "SET", "timeout", "2")
            ctl.close()
        s.sendall(request[i:i + 1])
        t_last = time.monotonic()
        time.sleep(1.0)
        if keep_alive:
            keep_alive.call("PING")  # the test's own idle connection is not the subject
    s.settimeout(0.01)
    try:
        out["early"] = s.recv(100)
    except socket.timeout:
        out["early"] = None  # nothing: the request is still incomplete and the socket open
    deadline = t_last + 10
    s.settimeout(0.1)
    out["end"] = None
    while time.monotonic() < deadline and out["end"] is None:
        if keep_alive:
            keep_alive.call("PING")
        try:
            out["end"] = s.recv(100)
        except socket.timeout:
            pass
        except ConnectionResetError:
            out["end"] = b""
    out["closed_after"] = time.monotonic() - t_last
    s.close()
    ctl = RawClient(server.port)
    ctl.call("CONFIG", "SET", "timeout", "0")
    ctl.close()


def case_slowloris(lrukv, redis_server, admin):
    """A PING request sent one byte a second, at both servers side by side: while it trickles
    it stays pending (no reply, not closed) and holds up nobody, even with `timeout 2` set
    (each byte is activity, as in Redis); once it stops, `timeout` closes it within the next
    client cron runs (2-3 s after its last byte), as Redis."""
    results = {"lrukv": {}, "redis": {}}
    threads = [threading.Thread(target=slowloris, args=(lrukv, admin, results["lrukv"])),
               threading.Thread(target=slowloris, args=(redis_server, None, results["redis"]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for kind, r in results.items():
        assert r["early"] is None, f"{kind}: slowloris got {r['early']!r} before a whole request"
        assert r["end"] == b"", f"{kind}: slowloris got {r['end']!r} instead of a close"
        # timeout 2 closes a client idle for more than 2 s, checked once a second (Redis
        # counts whole seconds: between 2 and 4 s after its last byte).
        assert 1.9 <= r["closed_after"] <= 5, \
            f"{kind}: closed {r['closed_after']:.1f} s after its last byte"
    print("slowloris: closed " +
          ", ".join(f"{k} {r['closed_after']:.1f} s" for k, r in results.items()) +
          " after its last byte (timeout 2)")


# ---- d. Closing mid-request and mid-reply ----

def case_close_mid_request(lrukv, admin, asan):
    sent = (4 if asan else 20) * MIB
    for _ in range(3):
        s = socket.create_connection(("127.0.0.1", lrukv.port))
        s.sendall(b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$%d\r\n" % (50 * MIB) + b"x" * sent)
        s.close()
    assert admin.call("EXISTS", "big") == 0


# How long a bystander may wait while a 50 MB reply is built, seconds (Release; x3 ASan).
MID_REPLY_BOUND_S = 3.0


def case_close_mid_reply(lrukv, admin, asan):
    size = (10 if asan else 50) * MIB
    admin.call("SET", "big50", b"v" * size)
    baseline = MemoryBaseline(lrukv, admin)
    for reset in (False, True, False, True):
        s = socket.create_connection(("127.0.0.1", lrukv.port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(encode("GET", "big50"))
        assert s.recv(1) == b"$"
        if reset:  # an abortive close: RST instead of FIN
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()
    wait_for(lambda: int(admin.call("INFO", "clients").decode().split("connected_clients:")[1]
                         .split("\r\n")[0]) <= 2, 10, "the readers' connections to close")
    baseline.check("after 4 readers of a 50 MB value closed mid-reply")
    assert admin.call("STRLEN", "big50") == size
    assert admin.call("DEL", "big50") == 1


# ---- e. 10k connections and the fd limit ----

def raise_own_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert soft >= wanted, f"cannot open {wanted} files (RLIMIT_NOFILE {soft})"


def fill_to_maxclients(server):
    """Opens connections until the server holds maxclients (counting those it has already),
    checks each answers, then one more: returns that one's reply and whether it was closed."""
    admin = RawClient(server.port)
    maxclients = int(admin.call("CONFIG", "GET", "maxclients")[1])
    have = int(admin.call("INFO", "clients").decode().split("connected_clients:")[1]
               .split("\r\n")[0])
    socks = []
    try:
        for _ in range(maxclients - have):
            socks.append(socket.create_connection(("127.0.0.1", server.port), timeout=30))
        # Every one of them was accepted and answers.
        ping = encode("PING")
        for s in socks:
            s.sendall(ping)
        for s in socks:
            assert s.recv(7) == b"+PONG\r\n"
        reply, closed = send_and_read(server.port, b"", read_timeout_s=10)
        assert int(admin.call("INFO", "clients").decode().split("connected_clients:")[1]
                   .split("\r\n")[0]) == maxclients
    finally:
        for s in socks:
            s.close()
        admin.close()
    return maxclients, reply, closed


def case_max_clients(build_dir, lrukv, redis_server):
    raise_own_fd_limit(10000 + 200)
    results = {}
    for kind, server in (("lrukv", lrukv), ("redis", redis_server)):
        results[kind] = fill_to_maxclients(server)
    assert results["lrukv"] == results["redis"], results
    assert results["lrukv"] == (10000, b"-ERR max number of clients reached\r\n", True), results
    # Connections are welcome again once the others are gone.
    wait_for(lambda: RawClient(lrukv.port).call("PING") == "PONG", 10, "a new connection")


def case_low_fd_limit(build_dir):
    """Under prlimit --nofile=1024:1024 neither server can raise its fd limit: both log the
    same three lines and reduce maxclients to 1024 - 32; client 993 is refused."""
    prefix = ["prlimit", "--nofile=1024:1024"]
    logs, refused = {}, {}
    for kind in ("lrukv", "redis"):
        server = start(kind, build_dir, argv_prefix=prefix)
        try:
            admin = RawClient(server.port)
            assert admin.call("CONFIG", "GET", "maxclients") == [b"maxclients", b"992"], kind
            admin.close()
            refused[kind] = fill_to_maxclients(server)
            logs[kind] = [strip_log_prefix(line) for line in server.log().splitlines()
                          if "maxclients" in line or "maximum open files" in line]
        finally:
            server.stop()
            server.cleanup()
    assert logs["lrukv"] == logs["redis"], logs
    assert len(logs["lrukv"]) == 3, logs
    assert refused["lrukv"] == refused["redis"] == \
        (992, b"-ERR max number of clients reached\r\n", True), refused


def main():
    args = parse_args(__doc__)
    asan = is_asan_build(args.build_dir)
    t_start = time.monotonic()
    lrukv = start("lrukv", args.build_dir)
    redis_server = start("redis", args.build_dir)
    try:
        admin = RawClient(lrukv.port)
        bystander = Bystander(lrukv.port, admin)
        phases = Phases(asan)
        phases.run("quiet", lambda: time.sleep(1.0))
        baseline = MemoryBaseline(lrukv, admin)
        phases.run("malformed", lambda: case_malformed(lrukv, redis_server, admin, asan))
        admin.call("DEL", "pk")
        baseline.check("after the malformed requests")
        phases.run("inline-100MB", lambda: case_huge_inline(lrukv, redis_server, admin))
        baseline.check("after the 100 MB inline line")
        phases.run("slowloris", lambda: case_slowloris(lrukv, redis_server, admin))
        baseline.check("after the slowloris")
        phases.run("close-mid-request", lambda: case_close_mid_request(lrukv, admin, asan))
        baseline.check("after closes mid-request")
        # A GET of a 50 MB value copies it into the reply in one loop turn, as Redis's reply
        # list does: a bystander then waits for that copy (measured on this loaded 2-core
        # machine: 0.9-1.5 s with lrukv, 0.4-0.7 s with redis-server), so this window's bound
        # is MID_REPLY_BOUND_S, not the default.
        phases.run("close-mid-reply", lambda: case_close_mid_reply(lrukv, admin, asan),
                   bound_s=MID_REPLY_BOUND_S * (3 if asan else 1))
        baseline.check("after closes mid-reply")
        bystander.finish()
        phases.check(bystander)
        # The bystander is gone: 10k connections are the server's whole load.
        case_max_clients(args.build_dir, lrukv, redis_server)
        baseline.check("after 10k connections", timeout_s=15)
        admin.close()
        admin = RawClient(lrukv.port)
        assert admin.call("PING") == "PONG"
    finally:
        lrukv.stop()
        redis_server.stop()
        lrukv.cleanup()
        redis_server.cleanup()
    case_low_fd_limit(args.build_dir)
    print(f"hostile_protocol_test: OK in {time.monotonic() - t_start:.1f} s"
          f"{' (ASan build)' if asan else ''}")


if __name__ == "__main__":
    main()
