"""client-output-buffer-limit for watchers that stop reading, lrukv beside redis-server 7.0:

  a. a subscriber that never reads while 1M messages are PUBLISHed (pipelined on a raw
     socket): the server's VmRSS, sampled throughout, stays under baseline + 2 x the pubsub
     hard limit + slack; the subscriber is closed (gone from CLIENT LIST), INFO stats
     client_output_buffer_limit_disconnections counts it (lrukv; Redis 7.0 has no such field)
     and the log names it with its CLIENT LIST line, as Redis's does;
  b. the soft limit: over it for less than soft-seconds the subscriber stays, past them it is
     closed although nothing more is published (the once-a-second client cron);
  c. a MONITOR that never reads while redis-benchmark runs: monitors are class `normal` (as
     Redis's getClientType), so `client-output-buffer-limit normal ...` closes it, RSS bounded;
  d. CLIENT LIST for such clients: flags P / O, cmd, sub/psub, qbuf 0, omem growing while
     nobody reads, the same deterministic fields as Redis's; a RESP3 subscriber is P and
     TYPE pubsub as in Redis 7.0.15.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

from raw_resp import RawClient, encode
from servers import Server, lrukv_binary, parse_args, rss_bytes

MIB = 1024 * 1024
# Redis's two texts: when replies are being added ("scheduled ... ASAP") and from its cron.
LOG_LINE = re.compile(r"Client (id=(\d+) addr=(\S+) .*?) (?:scheduled to be closed ASAP|closed) "
                      r"for overcoming of output buffer limits\.")
# ASan keeps freed blocks in a quarantine (256 MB by default), which would count in RSS; a
# small one keeps the RSS bound meaningful under the sanitizer build (ignored otherwise).
ASAN_ENV = {"ASAN_OPTIONS": (os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=8")
            .lstrip(":")}


def start(kind, build_dir, args=()):
    if kind == "lrukv":
        return Server(lrukv_binary(build_dir), ["--save", ""] + list(args), extra_env=ASAN_ENV)
    return Server(shutil.which("redis-server"), ["--save", "", "--appendonly", "no"] + list(args))


def sanitizer_slack(pid):
    """Extra RSS allowed for a sanitizer build (shadow memory, redzones, the quarantine)."""
    with open(f"/proc/{pid}/maps") as f:
        return 24 * MIB if "libasan" in f.read() else 0


class RssSampler:
    """Samples a process's VmRSS every 5 ms in a thread; `peak` is the highest seen."""

    def __init__(self, pid):
        self.pid, self.peak, self.stop_flag = pid, 0, False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop_flag:
            self.peak = max(self.peak, rss_bytes(self.pid))
            time.sleep(0.005)

    def stop(self):
        self.stop_flag = True
        self.thread.join()
        return self.peak


def stalled(port, *commands):
    """A connection that sends `commands` and then never reads: a tiny receive buffer so the
    server's output for it piles up at once."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    s.sendall(b"".join(encode(*c) for c in commands))
    return s


def client_line(admin, local_port):
    """The CLIENT LIST fields of the connection whose address ends in :local_port, or None."""
    for line in admin.call("CLIENT", "LIST").decode().splitlines():
        fields = dict(f.split("=", 1) for f in line.split(" "))
        if fields["addr"].endswith(f":{local_port}"):
            return fields
    return None


def wait_for(cond, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def stat(admin, name):
    for line in admin.call("INFO", "stats").decode().splitlines():
        if line.startswith(name + ":"):
            return int(line.split(":", 1)[1])
    return None


def publish_pipelined(port, channel, payload, count, batch=10000):
    """PUBLISHes `count` messages on one connection, `batch` per write, reading the replies
    (4 bytes each, ':0' or ':1') in a thread; returns once every reply has arrived."""
    s = socket.create_connection(("127.0.0.1", port))
    want = count * 4
    got = [0]

    def drain():
        while got[0] < want:
            chunk = s.recv(1 << 20)
            if not chunk:
                raise ConnectionError("publisher closed")
            got[0] += len(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    one = encode("PUBLISH", channel, payload)
    sent = 0
    while sent < count:
        n = min(batch, count - sent)
        s.sendall(one * n)
        sent += n
    reader.join(120)
    assert got[0] == want, f"publisher got {got[0]} of {want} reply bytes"
    s.close()


def assert_logged(server, sock, flags, cmd, cron=False):
    """The server's log has the limit line for the connection `sock`: its CLIENT LIST text,
    with the cron's wording when `cron`."""
    local_port = sock.getsockname()[1]
    for m in LOG_LINE.finditer(server.log()):
        if m.group(3).endswith(f":{local_port}"):
            assert ("scheduled" not in m.group(0)) == cron, m.group(0)
            fields = dict(f.split("=", 1) for f in m.group(1).split(" "))
            assert fields["flags"] == flags and fields["cmd"] == cmd, m.group(0)
            return fields
    raise AssertionError(f"no output-limit log line for port {local_port}:\n{server.log()[-2000:]}")


# ---- a. a subscriber that never reads, 1M messages ----

def flood_subscriber(kind, build_dir):
    hard = 16 * MIB
    server = start(kind, build_dir, ["--client-output-buffer-limit", f"pubsub {hard} 8mb 60"])
    try:
        admin = RawClient(server.port)
        before = stat(admin, "client_output_buffer_limit_disconnections")
        sub = stalled(server.port, ("SUBSCRIBE", "flood"))
        wait_for(lambda: (client_line(admin, sub.getsockname()[1]) or {}).get("sub") == "1", 5,
                 "the subscription")
        baseline = rss_bytes(server.pid)
        sampler = RssSampler(server.pid)
        # 1M messages of ~230 bytes each: 230 MB for a subscriber with no limit.
        publish_pipelined(server.port, "flood", b"m" * 200, 1_000_000)
        peak = sampler.stop()
        wait_for(lambda: client_line(admin, sub.getsockname()[1]) is None, 5,
                 "the subscriber to be closed")
        fields = assert_logged(server, sub, "P", "subscribe")
        assert int(fields["omem"]) >= hard, fields
        assert admin.call("PUBSUB", "NUMSUB", "flood")[1] == 0
        # Baseline + the buffer up to the hard limit, once more for the growth's copy, + slack.
        bound = baseline + 2 * hard + 24 * MIB + sanitizer_slack(server.pid)
        assert peak < bound, f"{kind}: RSS peak {peak >> 20} MiB over {bound >> 20} MiB"
        after = stat(admin, "client_output_buffer_limit_disconnections")
        if kind == "lrukv":
            assert after == before + 1, (before, after)
        else:
            assert after is None  # Redis 7.0 has no such field (7.2 does)
        sub.close()
        admin.close()
        return (peak - baseline) >> 20
    finally:
        server.cleanup()


# ---- b. the soft limit and its seconds ----

def soft_limit(kind, build_dir):
    server = start(kind, build_dir, ["--client-output-buffer-limit", "pubsub 0 2mb 2"])
    try:
        admin = RawClient(server.port)
        sub = stalled(server.port, ("SUBSCRIBE", "soft"))
        port = sub.getsockname()[1]
        wait_for(lambda: (client_line(admin, port) or {}).get("sub") == "1", 5, "subscription")
        # 8 MB: over the soft limit whatever the kernel's socket buffers take; nothing after.
        publish_pipelined(server.port, "soft", b"s" * 1000, 8000, batch=1000)
        crossed = time.time()
        time.sleep(0.8)
        line = client_line(admin, port)
        assert line is not None, f"{kind}: closed before soft-seconds passed"
        assert int(line["omem"]) >= 2 * MIB, line
        # Closed by the cron once over it for more than 2 whole seconds: within 2..4 s.
        wait_for(lambda: client_line(admin, port) is None, 6, "the soft limit to close it")
        waited = time.time() - crossed
        assert 1.0 < waited < 5.5, f"{kind}: closed {waited:.1f} s after crossing"
        assert_logged(server, sub, "P", "subscribe", cron=True)
        if kind == "lrukv":
            assert stat(admin, "client_output_buffer_limit_disconnections") == 1
            admin.call("CONFIG", "RESETSTAT")
            assert stat(admin, "client_output_buffer_limit_disconnections") == 0
        sub.close()
        admin.close()
    finally:
        server.cleanup()


# ---- c. a MONITOR that never reads under redis-benchmark ----

def stalled_monitor(kind, build_dir):
    hard = 8 * MIB
    server = start(kind, build_dir, ["--client-output-buffer-limit", f"normal {hard} 4mb 10"])
    try:
        admin = RawClient(server.port)
        mon = stalled(server.port, ("MONITOR",))
        port = mon.getsockname()[1]
        wait_for(lambda: (client_line(admin, port) or {}).get("flags") == "O", 5, "the monitor")
        baseline = rss_bytes(server.pid)
        sampler = RssSampler(server.pid)
        # ~250-byte monitor lines: 120k SETs make 30 MB for a monitor with no limit.
        bench = subprocess.run(
            ["redis-benchmark", "-p", str(server.port), "-t", "set", "-n", "120000", "-P", "16",
             "-c", "4", "-d", "200", "-r", "100000", "-q"],
            capture_output=True, timeout=120)
        peak = sampler.stop()
        assert bench.returncode == 0, bench.stderr
        wait_for(lambda: client_line(admin, port) is None, 5, "the monitor to be closed")
        fields = assert_logged(server, mon, "O", "monitor")
        assert int(fields["omem"]) >= hard, fields
        bound = baseline + 2 * hard + 24 * MIB + sanitizer_slack(server.pid)
        assert peak < bound, f"{kind}: RSS peak {peak >> 20} MiB over {bound >> 20} MiB"
        if kind == "lrukv":
            assert stat(admin, "client_output_buffer_limit_disconnections") == 1
        # The benchmark's own clients (class normal too, reading their replies) were not closed.
        assert len(LOG_LINE.findall(server.log())) == 1, server.log()[-2000:]
        mon.close()
        admin.close()
    finally:
        server.cleanup()


# ---- e. a subscriber that stalls, then reads: every message, in order ----

def stalled_then_drained(kind, build_dir):
    """With no pubsub limit, 20 MB of numbered messages pile up for a subscriber that does not
    read (lrukv keeps them in blocks while its socket is full); once it reads, all of them
    arrive, in order."""
    server = start(kind, build_dir, ["--client-output-buffer-limit", "pubsub 0 0 0"])
    try:
        admin = RawClient(server.port)
        sub = RawClient(server.port)
        assert sub.call("SUBSCRIBE", "seq") == [b"subscribe", b"seq", 1]
        n = 40000
        pub = socket.create_connection(("127.0.0.1", server.port))
        pub.sendall(b"".join(encode("PUBLISH", "seq", b"%06d" % i + b"." * 500)
                             for i in range(n)))
        got = b""
        while len(got) < n * 4:
            got += pub.recv(1 << 20)
        assert got == b":1\r\n" * n
        wait_for(lambda: int(client_line(admin, sub.sock.getsockname()[1])["omem"]) > 2 * MIB, 5,
                 "output to pile up")
        for i in range(n):
            msg = sub.reply()
            assert msg[:2] == [b"message", b"seq"] and msg[2][:6] == b"%06d" % i, (i, msg[:2])
        assert sub.nothing_pending()
        for c in (sub, admin):
            c.close()
        pub.close()
    finally:
        server.cleanup()


# ---- d. CLIENT LIST for stalled watchers ----

DETERMINISTIC = ("flags", "db", "sub", "psub", "ssub", "multi", "qbuf", "events", "cmd", "resp")


def client_list_fields(kind, build_dir):
    server = start(kind, build_dir)
    try:
        admin = RawClient(server.port)
        sub = stalled(server.port, ("SUBSCRIBE", "a", "b"), ("PSUBSCRIBE", "p*"))
        sub3 = stalled(server.port, ("HELLO", "3"), ("SSUBSCRIBE", "s"))
        mon = stalled(server.port, ("MONITOR",))
        ports = [s.getsockname()[1] for s in (sub, sub3, mon)]
        wait_for(lambda: all(client_line(admin, p) for p in ports) and
                 client_line(admin, ports[0])["psub"] == "1" and
                 client_line(admin, ports[1])["ssub"] == "1" and
                 client_line(admin, ports[2])["flags"] == "O", 5, "the watchers")
        omem = []
        for _ in range(3):
            publish_pipelined(server.port, "a", b"x" * 1000, 2000, batch=500)
            omem.append(int(client_line(admin, ports[0])["omem"]))
        assert omem[0] < omem[1] < omem[2], f"{kind}: omem {omem}"
        assert int(client_line(admin, ports[2])["omem"]) > 0  # the PUBLISHes, monitored
        pubsub_type = admin.call("CLIENT", "LIST", "TYPE", "pubsub").decode()
        types = sorted(p for p in ports if f":{p} " in pubsub_type)
        result = {"types": types == sorted(ports[:2])}
        for name, p in zip(("sub", "sub3", "mon"), ports):
            line = client_line(admin, p)
            result[name] = {k: line[k] for k in DETERMINISTIC}
        for s in (sub, sub3, mon):
            s.close()
        admin.close()
        return result
    finally:
        server.cleanup()


def main():
    args = parse_args(__doc__)
    started = time.time()
    want = client_list_fields("redis", args.build_dir)
    got = client_list_fields("lrukv", args.build_dir)
    assert want == got, f"CLIENT LIST: redis {want}\nlrukv {got}"
    assert got["types"], got
    growth = {k: flood_subscriber(k, args.build_dir) for k in ("redis", "lrukv")}
    for k in ("redis", "lrukv"):
        stalled_then_drained(k, args.build_dir)
        soft_limit(k, args.build_dir)
        stalled_monitor(k, args.build_dir)
    print(f"output limits: 1M messages to a stalled subscriber, RSS growth redis {growth['redis']} "
          f"MiB lrukv {growth['lrukv']} MiB; soft limit, stalled MONITOR and CLIENT LIST agree "
          f"({time.time() - started:.1f} s)")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAIL: {e}", file=sys.stderr)
        raise
