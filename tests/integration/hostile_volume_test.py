"""Hostile volumes, lrukv beside redis-server 7.0 (issue 6):

  a. a pipeline of 1M INCRs in one write: every reply, in order, the same bytes as Redis's;
     a client that writes a whole 80 MB pipeline of GETs before reading any reply: both
     servers read all of it, queue 80 MB of replies, and send every one, byte-identical;
     40k GETs of a 1 KB value (40 MB of replies) from a client that never reads: as Redis
     with the default `client-output-buffer-limit normal 0 0 0`, lrukv reads the whole
     pipeline and queues every reply, and frees it all when the client goes; with
     `normal 4mb 0 0` both close that client at the limit (the rest of its pipeline never
     runs) and log it in Redis's words;
  b. MULTI, 1M queued INCRs, EXEC in one write: +QUEUED a million times and one 1M-element
     array, as Redis; then the same with DISCARD: nothing runs, the queue is freed;
  c. a 512 MB value (proto-max-bulk-len's default 512mb) is accepted, 512 MB + 1 is refused
     with Redis's protocol error and a close, and APPEND / SETRANGE past 512 MB answer Redis's
     `-ERR string exceeds maximum allowed size (proto-max-bulk-len)`.

A bystander client (hostile_common.Bystander) does PING/GET throughout in its own process: its
key keeps its value, and its p99 stays within the bound hostile_common justifies, except while
EXEC runs a million commands: EXEC is atomic (Redis holds every client for it too), so there
the bound is the EXEC_BOUND_S below. lrukv's 512 MB SET is a window of its own whose WORST
bystander wait must stay within 4 x the bound (800 ms in Release, 4 s under ASan), as a short
window's: lrukv reads a big bulk at most 1 MiB at a time (256 page faults, ~8 ms on a VM where
a fault costs 30 us) and keeps the request's buffer as the value, where copying the value into
a fresh entry faulted 131k pages in one loop turn (4 s on such a VM; the window's p99 hid it).
VmRSS and used_memory return to their baseline after each case.

Under the ASan build (LRUKV_SANITIZE=ON) the counts are scaled down, explicitly: 200k commands
instead of 1M (a million sanitized commands and their queue take minutes there); the 512 MB
case keeps its full size (it is one copy, not a million commands)."""
import hashlib
import shutil
import socket
import threading
import time

from hostile_common import (ASAN_ENV, MIB, Bystander, MemoryBaseline, Phases, encode,
                            info_field, is_asan_build, rss_bytes, send_and_read, wait_for)
from raw_resp import RawClient, RespError
from servers import Server, lrukv_binary, parse_args

# How long a bystander may wait while EXEC runs its million commands, seconds (Release): EXEC
# of 1M INCRs takes about 0.3 s in lrukv and Redis alike on a quiet machine; x3 under ASan.
EXEC_BOUND_S = 3.0
PROTO_MAX_BULK = 512 * MIB
TOO_BIG = b"-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"
# GETs of a 1 KB value sent by the client that never reads: 40 MB of replies, ten times what
# the kernel's socket buffers can hold, and cheap enough for the ASan build as it is.
NEVER_READS_GETS = 40_000


def start(kind, build_dir):
    if kind == "lrukv":
        return Server(lrukv_binary(build_dir), ["--save", ""], extra_env=ASAN_ENV)
    return Server(shutil.which("redis-server"), ["--save", "", "--appendonly", "no"])


def exchange(port, payload, reply_bytes, timeout_s=300):
    """Sends `payload` in one write while a thread reads exactly `reply_bytes` bytes of
    replies; returns (sha256 of the replies, their length)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout_s)
    digest = hashlib.sha256()
    got = [0]

    def reader():
        while got[0] < reply_bytes:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            digest.update(chunk)
            got[0] += len(chunk)

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    s.sendall(payload)
    t.join(timeout_s)
    s.close()
    return digest.hexdigest(), got[0]


def expected_digest(parts):
    d = hashlib.sha256()
    n = 0
    for p in parts:
        d.update(p)
        n += len(p)
    return d.hexdigest(), n


def case_pipeline(servers, n):
    incr = encode("INCR", "counter")
    replies = [b":%d\r\n" % i for i in range(1, n + 1)]
    want = expected_digest(replies)
    for kind, server in servers.items():
        got = exchange(server.port, incr * n, want[1])
        assert got == want, f"{kind}: the {n} INCR replies differ ({got[1]} of {want[1]} bytes)"
        RawClient(server.port).call("DEL", "counter")


def case_write_then_read(servers):
    """A client that sends its whole pipeline before it reads a reply (80 MB of GETs of a
    4000-byte key holding 4000 bytes, so 80 MB of replies): every request is read while the
    replies queue, then every reply arrives, the same bytes from both servers. Until issue 6,
    lrukv stopped reading a client once its socket was full (and at the latest at 64 MB of
    queued replies), so this client blocked in its send for ever (8 MB in)."""
    key, value = b"k" * 4000, b"v" * 4000
    n = 20_000
    payload = encode("GET", key) * n
    reply = b"$%d\r\n%s\r\n" % (len(value), value)
    want = expected_digest([reply] * n)
    for kind, server in servers.items():
        RawClient(server.port).call("SET", key, value)
        s = socket.create_connection(("127.0.0.1", server.port))
        s.settimeout(60)  # the whole sendall (Python >= 3.5), then each recv
        try:
            s.sendall(payload)
        except socket.timeout:
            raise AssertionError(f"{kind}: stopped reading a client that sends before it reads")
        digest, got = hashlib.sha256(), 0
        while got < want[1]:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            digest.update(chunk)
            got += len(chunk)
        s.close()
        assert (digest.hexdigest(), got) == want, \
            f"{kind}: the replies differ ({got} of {want[1]} bytes)"
        RawClient(server.port).call("DEL", key)


def never_reader(port, n):
    """A client with a tiny receive buffer that sends n GETs of `kb` then SET of `marker`, in a
    thread, and never reads. Returns (socket, thread)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    payload = encode("GET", "kb") * n + encode("SET", "marker", "ran")

    def sender():
        try:
            s.sendall(payload)
        except OSError:
            pass  # closed by the server at its output limit, or by us

    t = threading.Thread(target=sender, daemon=True)
    t.start()
    return s, t


def client_omem(admin, local_port):
    """CLIENT LIST's omem of our connection from `local_port`, or None once it is gone."""
    for line in admin.call("CLIENT", "LIST").decode().splitlines():
        if f":{local_port} " in line:
            return int(line.split(" omem=")[1].split(" ")[0])
    return None


def case_pipeline_never_reads(servers, n):
    """n GETs of a 1 KB value then a SET, from a client that never reads (n KB of replies):
    with the default normal class (no limit) both servers run all of it (the SET lands) and
    queue every reply but what the sockets hold; lrukv's RSS grows by about that much, no
    more."""
    reply_bytes = n * len(b"$1024\r\n" + b"k" * 1024 + b"\r\n")
    queued = {}
    for kind, server in servers.items():
        admin = RawClient(server.port)
        admin.call("SET", "kb", b"k" * 1024)
        before = rss_bytes(server.pid)
        s, t = never_reader(server.port, n)
        local_port = s.getsockname()[1]
        wait_for(lambda: admin.call("GET", "marker") == b"ran", 60,
                 f"{kind} to run the whole pipeline of a client that never reads")
        t.join(10)
        assert not t.is_alive(), f"{kind}: the never-reading client is still sending"
        # The last replies are queued with the SET's: omem is final once it has run. What is
        # not queued sits in the kernel's buffers (tcp_wmem allows the server 4 MB).
        queued[kind] = client_omem(admin, local_port)
        peak = rss_bytes(server.pid)
        assert reply_bytes - 6 * MIB <= queued[kind] <= reply_bytes, \
            f"{kind}: {queued[kind]} bytes queued of {reply_bytes}"
        if kind == "lrukv":  # queued replies in 64 KB blocks, the read buffer, malloc's slack
            assert peak <= before + reply_bytes + 32 * MIB, \
                f"RSS went from {before / MIB:.0f} MB to {peak / MIB:.0f} MB"
        s.close()
        wait_for(lambda: client_omem(admin, local_port) is None, 10, f"{kind}: the client to go")
        admin.call("DEL", "kb", "marker")
        admin.close()
    print("never-reading pipeline: queued " +
          ", ".join(f"{k} {v / MIB:.1f} MB" for k, v in queued.items()) +
          f" of {reply_bytes / MIB:.1f} MB")


def case_pipeline_never_reads_limited(servers, n):
    """The same client with `client-output-buffer-limit normal 4mb 0 0`: both servers close it
    as the reply crossing 4 MB is added, so the rest of its pipeline (the SET) never runs, and
    log it as Redis does; lrukv counts it in INFO stats and its RSS stays near the limit."""
    for kind, server in servers.items():
        admin = RawClient(server.port)
        assert admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal 4mb 0 0") == "OK"
        admin.call("SET", "kb", b"k" * 1024)
        before = rss_bytes(server.pid)
        s, t = never_reader(server.port, n)
        local_port = s.getsockname()[1]
        wait_for(lambda: client_omem(admin, local_port) is None, 30, f"{kind} to close the client")
        peak = rss_bytes(server.pid)
        t.join(10)
        s.close()
        assert admin.call("GET", "marker") is None, f"{kind} ran the pipeline past the limit"
        log = [line for line in server.log().splitlines()
               if "scheduled to be closed ASAP for overcoming of output buffer limits" in line]
        assert len(log) == 1 and f":{local_port} " in log[0], (kind, log)
        if kind == "lrukv":
            assert info_field(admin, "stats", "client_output_buffer_limit_disconnections") == "1"
            assert peak <= before + 4 * MIB + 32 * MIB, \
                f"RSS went from {before / MIB:.0f} MB to {peak / MIB:.0f} MB"
        assert admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0") == "OK"
        admin.call("DEL", "kb")
        admin.close()


def case_multi(servers, n, finish):
    """MULTI, n INCRs, then EXEC or DISCARD, in one write: the same reply bytes as Redis."""
    payload = encode("MULTI") + encode("INCR", "mcounter") * n + encode(finish)
    parts = [b"+OK\r\n", b"+QUEUED\r\n" * n]
    if finish == "EXEC":
        parts.append(b"*%d\r\n" % n)
        parts += [b":%d\r\n" % i for i in range(1, n + 1)]
    else:
        parts.append(b"+OK\r\n")
    want = expected_digest(parts)
    for kind, server in servers.items():
        got = exchange(server.port, payload, want[1])
        assert got == want, f"{kind}: MULTI/{finish} replies differ ({got[1]} of {want[1]} bytes)"
        c = RawClient(server.port)
        assert c.call("GET", "mcounter") == (str(n).encode() if finish == "EXEC" else None)
        c.call("DEL", "mcounter")
        c.close()


def case_512mb(servers, phases):
    """SET of exactly proto-max-bulk-len bytes is accepted; one byte more is a protocol error
    and a close; APPEND and SETRANGE past the limit are refused, all as Redis answers. lrukv's
    SET is a window of its own where the bystander's worst wait counts: the request's buffer
    becomes the value (no 512 MB copy into fresh pages, 4 s of page faults on a small VM),
    so no read or reply holds the loop for longer than a socket buffer's worth of bytes."""
    value = b"v" * PROTO_MAX_BULK
    header = b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$%d\r\n" % PROTO_MAX_BULK

    def send_set(server):
        c = RawClient(server.port)
        c.sock.settimeout(600)  # a loaded machine faults 512 MB in slowly
        c.sock.sendall(header)
        c.sock.sendall(value)
        c.sock.sendall(b"\r\n")
        return c, c.reply()

    lrukv, redis_server = servers["lrukv"], servers["redis"]
    c, reply = phases.run("512mb-set", lambda: send_set(lrukv), worst=True)
    results = {"lrukv": phases.run("512mb", lambda: case_512mb_rest(lrukv, c, reply))}
    results["redis"] = phases.run("512mb-redis",
                                  lambda: case_512mb_rest(redis_server, *send_set(redis_server)))
    assert results["lrukv"] == results["redis"], results
    too_big = RespError(TOO_BIG[1:-2].decode())
    assert results["lrukv"] == [
        "OK", PROTO_MAX_BULK, PROTO_MAX_BULK, too_big, PROTO_MAX_BULK, too_big, too_big,
        too_big, 0, b"vy", 1, (b"-ERR Protocol error: invalid bulk length\r\n", True)], \
        results["lrukv"]


def case_512mb_rest(server, c, set_reply):
    """case_512mb after the SET on client `c`: what each server answers."""
    r = [set_reply]
    r.append(c.call("STRLEN", "big"))
    r.append(c.call("APPEND", "big", ""))
    r.append(c.call("APPEND", "big", "x"))
    r.append(c.call("SETRANGE", "big", PROTO_MAX_BULK - 1, "y"))
    r.append(c.call("SETRANGE", "big", PROTO_MAX_BULK, "y"))
    r.append(c.call("SETRANGE", "small", PROTO_MAX_BULK - 1, "xy"))
    r.append(c.call("SETRANGE", "small", PROTO_MAX_BULK, "x"))
    r.append(c.call("EXISTS", "small"))
    r.append(c.call("GETRANGE", "big", PROTO_MAX_BULK - 2, -1))
    r.append(c.call("DEL", "big"))
    c.close()
    # One byte more: refused as soon as the length line arrives, whatever follows.
    r.append(send_and_read(server.port, b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$%d\r\n"
                           % (PROTO_MAX_BULK + 1) + b"v" * MIB, read_timeout_s=30))
    return r


def main():
    args = parse_args(__doc__)
    asan = is_asan_build(args.build_dir)
    n = 200_000 if asan else 1_000_000
    t_start = time.monotonic()
    lrukv = start("lrukv", args.build_dir)
    redis_server = start("redis", args.build_dir)
    servers = {"lrukv": lrukv, "redis": redis_server}
    timings = []

    def timed(name, fn):
        t0 = time.monotonic()
        fn()
        timings.append(f"{name} {time.monotonic() - t0:.1f} s")

    try:
        admin = RawClient(lrukv.port)
        bystander = Bystander(lrukv.port, admin)
        phases = Phases(asan)
        phases.run("quiet", lambda: time.sleep(1.0))
        baseline = MemoryBaseline(lrukv, admin)
        timed("pipeline", lambda: phases.run("pipeline", lambda: case_pipeline(servers, n)))
        baseline.check("after the pipeline")
        timed("write-then-read", lambda: phases.run(
            "write-then-read", lambda: case_write_then_read(servers)))
        baseline.check("after the write-then-read pipeline")
        timed("never-reads", lambda: phases.run(
            "never-reads", lambda: case_pipeline_never_reads(servers, NEVER_READS_GETS)))
        baseline.check("after the never-reading pipeline")
        timed("never-reads-limited", lambda: phases.run(
            "never-reads-limited",
            lambda: case_pipeline_never_reads_limited(servers, NEVER_READS_GETS)))
        baseline.check("after the never-reading pipeline closed at its limit")
        exec_bound = EXEC_BOUND_S * (3 if asan else 1)
        timed("multi-exec", lambda: phases.run("multi-exec",
                                               lambda: case_multi(servers, n, "EXEC"),
                                               bound_s=exec_bound))
        baseline.check("after MULTI/EXEC")
        timed("multi-discard", lambda: phases.run("multi-discard",
                                                  lambda: case_multi(servers, n, "DISCARD")))
        baseline.check("after MULTI/DISCARD")
        timed("512mb", lambda: case_512mb(servers, phases))
        baseline.check("after the 512 MB value", timeout_s=20)
        bystander.finish()
        phases.check(bystander)
        assert admin.call("PING") == "PONG"
    finally:
        lrukv.stop()
        redis_server.stop()
        lrukv.cleanup()
        redis_server.cleanup()
    print(f"hostile_volume_test: OK in {time.monotonic() - t_start:.1f} s "
          f"({', '.join(timings)}){' (ASan build, 200k commands)' if asan else ''}")


if __name__ == "__main__":
    main()
