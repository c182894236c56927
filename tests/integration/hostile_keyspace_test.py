"""Hostile keyspace and configuration requests (issue 6):

  a. KEYS * over 5M keys (filled with DEBUG POPULATE): slow, but it answers every key exactly
     once, the server stays up, and a bystander's stall ends with it (KEYS holds the server
     for its whole run, as in Redis: the bystander may wait no longer than the KEYS itself);
     then a full SCAN returns every key; memory goes back to its baseline once the replies
     are gone;
  b. CONFIG SET of every parameter CONFIG GET * lists to nonsense values (empty, -1, huge
     numbers, random bytes, yes/no where they do not belong): the server stays up and answers
     each with an error or OK, the same outcome as redis-server 7.0 for every name both have;
     whatever was accepted is restored at once, and CONFIG GET * ends as it began.

A bystander client (hostile_common.Bystander) does PING/GET throughout in its own process and
keeps its key's value; outside KEYS its p99 stays within hostile_common's bound.

Under the ASan build (LRUKV_SANITIZE=ON) part a is scaled down, explicitly: 500k keys instead
of 5M (DEBUG POPULATE, KEYS and SCAN of 5M sanitized keys take minutes there)."""
import re
import shutil
import socket
import time

from hostile_common import (ASAN_ENV, MIB, Bystander, MemoryBaseline, Phases, encode,
                            is_asan_build, rss_bytes)
from raw_resp import RawClient, RespError
from servers import Server, lrukv_binary, parse_args


def start(kind, build_dir):
    if kind == "lrukv":
        return Server(lrukv_binary(build_dir), ["--save", ""], extra_env=ASAN_ENV)
    return Server(shutil.which("redis-server"), ["--save", "", "--appendonly", "no"])


class ReplyReader:
    """Reads arrays of bulk strings (KEYS, SCAN) off a raw socket into one growing buffer,
    parsing only the length lines: raw_resp's RawClient copies its buffer's tail per element,
    which for millions of elements would take hours."""

    def __init__(self, sock):
        self.sock, self.buf, self.pos = sock, bytearray(), 0

    def _more(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("closed mid-reply")
        self.buf.extend(chunk)

    def line(self):
        while True:
            i = self.buf.find(b"\r\n", self.pos)
            if i >= 0:
                text, self.pos = bytes(self.buf[self.pos:i]), i + 2
                return text
            self._more()

    def bulks(self, count):
        """Skips `count` bulk strings; returns the raw bytes they span."""
        start = self.pos
        for _ in range(count):
            n = int(self.line()[1:])
            self.pos += n + 2
            while len(self.buf) < self.pos:
                self._more()
        return bytes(self.buf[start:self.pos])

    def reset(self):
        del self.buf[:self.pos]
        self.pos = 0


KEY_RE = re.compile(rb"\$\d+\r\n(key:\d+)\r\n")


def case_keys(lrukv, n_keys):
    """KEYS * answers each of the n_keys exactly once; SCAN then visits every one."""
    s = socket.create_connection(("127.0.0.1", lrukv.port), timeout=600)
    reader = ReplyReader(s)
    t0 = time.monotonic()
    s.sendall(encode("KEYS", "*"))
    count = int(reader.line()[1:])
    raw = reader.bulks(count)
    keys_s = time.monotonic() - t0
    keys = KEY_RE.findall(raw)
    # The bystander's key is the one more.
    assert count == n_keys + 1 and len(keys) == n_keys, (count, len(keys))
    assert len(set(keys)) == n_keys, "KEYS answered some key twice"
    del keys, raw
    reader.reset()

    t0 = time.monotonic()
    seen = set()
    cursor = b"0"
    while True:
        s.sendall(encode("SCAN", cursor, "COUNT", 100000))
        assert reader.line() == b"*2"
        reader.line()
        cursor = reader.line()
        seen.update(KEY_RE.findall(reader.bulks(int(reader.line()[1:]))))
        reader.reset()
        if cursor == b"0":
            break
    s.close()
    scan_s = time.monotonic() - t0
    assert len(seen) == n_keys, f"SCAN visited {len(seen)} of {n_keys} keys"
    return keys_s, scan_s


# ---- b. CONFIG SET nonsense ----

NONSENSE = [b"", b"-1", b"99999999999999999999", b"18446744073709551616", b"\xff\x00\x01zz",
            b"yes", b"no", b"1 2 3", b"-9223372036854775808"]
# Never set: `dir` and `logfile` move files the test relies on; both are checked for their
# refusals of the values that cannot be a directory or file in the comparison below.
KEEP_OUT = {b"dir", b"logfile", b"pidfile", b"unixsocket", b"port"}


def config_map(client):
    reply = client.call("CONFIG", "GET", "*")
    return {reply[i]: reply[i + 1] for i in range(0, len(reply), 2)}


def case_config(lrukv, redis_server):
    lk, rd = RawClient(lrukv.port), RawClient(redis_server.port)
    before_l, before_r = config_map(lk), config_map(rd)
    mismatches, accepted, tried = [], 0, 0
    for name in sorted(before_l):
        if name in KEEP_OUT:
            continue
        for value in NONSENSE:
            if value == before_l[name]:
                continue
            tried += 1
            got = lk.call("CONFIG", "SET", name, value)
            assert not isinstance(got, RespError) or got.startswith("ERR "), (name, value, got)
            assert isinstance(got, RespError) or got == "OK", (name, value, got)
            if not isinstance(got, RespError):
                accepted += 1
                assert lk.call("CONFIG", "SET", name, before_l[name]) == "OK", (name, value)
            assert lk.call("PING") == "PONG", (name, value)
            if name in before_r:
                want = rd.call("CONFIG", "SET", name, value)
                if not isinstance(want, RespError):
                    assert rd.call("CONFIG", "SET", name, before_r[name]) == "OK", (name, value)
                if isinstance(got, RespError) != isinstance(want, RespError):
                    mismatches.append(f"{name.decode()} {value!r}: lrukv {got!r}, redis {want!r}")
    after_l = config_map(lk)
    assert after_l == before_l, {k: (before_l.get(k), after_l.get(k))
                                 for k in set(before_l) | set(after_l)
                                 if before_l.get(k) != after_l.get(k)}
    assert config_map(rd) == before_r
    lk.close()
    rd.close()
    assert not mismatches, f"{len(mismatches)} outcomes differ from Redis:\n" + \
        "\n".join(mismatches)
    print(f"CONFIG SET: {tried} nonsense values over {len(before_l) - len(KEEP_OUT)} "
          f"parameters, {accepted} accepted (and restored), all as Redis")


def main():
    args = parse_args(__doc__)
    asan = is_asan_build(args.build_dir)
    n_keys = 500_000 if asan else 5_000_000
    t_start = time.monotonic()
    lrukv = start("lrukv", args.build_dir)
    redis_server = start("redis", args.build_dir)
    timings = []
    try:
        admin = RawClient(lrukv.port)
        admin.sock.settimeout(600)  # DEBUG POPULATE of 5M keys on a loaded machine
        t0 = time.monotonic()
        assert admin.call("DEBUG", "POPULATE", n_keys) == "OK"
        timings.append(f"populate {time.monotonic() - t0:.1f} s")
        assert admin.call("DBSIZE") == n_keys
        bystander = Bystander(lrukv.port, admin)
        phases = Phases(asan)
        phases.run("quiet", lambda: time.sleep(1.0))
        baseline = MemoryBaseline(lrukv, admin)
        t0 = time.monotonic()
        keys_s, scan_s = case_keys(lrukv, n_keys)
        # KEYS holds the server for its run, as in Redis: the bystander's p99 over the window
        # may reach that run's length, and no more (plus the default bound for noise).
        phases.add("keys+scan", t0, time.monotonic(), keys_s + 0.5)
        timings.append(f"KEYS {keys_s:.1f} s, SCAN {scan_s:.1f} s")
        baseline.check("after KEYS * and SCAN", timeout_s=20)
        t0 = time.monotonic()
        phases.run("config-set", lambda: case_config(lrukv, redis_server))
        timings.append(f"CONFIG SET {time.monotonic() - t0:.1f} s")
        bystander.finish()
        phases.check(bystander)
        assert admin.call("DBSIZE") == n_keys + 1
    finally:
        lrukv.stop()
        redis_server.stop()
        lrukv.cleanup()
        redis_server.cleanup()
    print(f"hostile_keyspace_test: OK in {time.monotonic() - t_start:.1f} s "
          f"({', '.join(timings)}){' (ASan build, 500k keys)' if asan else ''}")


if __name__ == "__main__":
    main()
