"""tools/lrukv-dump against real servers: a redis-server's string data goes to a dump file
(export), is validated and counted (check), goes into lrukv (import), comes back out of lrukv
(export) and into a second, empty redis-server (import) and a third through `lrukv-dump resp
FILE | redis-cli --pipe`, and every key, value and PTTL is compared at each step on every
database. Then the failures: corrupted files, an unwritable output path, a server that is not
there and a server that refuses a command."""
import os
import pty
import random
import re
import signal
import socket
import subprocess
import tempfile
import time

import redis

from servers import parse_args, start_lrukv, start_redis, free_port

DATABASES = 16
NON_STRING = {0: 3, 2: 2, 15: 1}  # db -> keys of other types (lists, hashes, sets) written
# Export turns PTTL into a deadline from the time it sent the command, so a deadline may come
# out early by up to one round trip; never by this much. Deadlines are compared as absolute
# times (PEXPIRETIME), so a slow machine cannot make the test fail.
DEADLINE_TOLERANCE_MS = 2000


def run_tool(build_dir, *args, stderr_tty=False, env=None):
    """Runs lrukv-dump; returns (exit code, stdout, stderr) as text. `env` adds variables."""
    binary = os.path.join(os.path.abspath(build_dir), "lrukv-dump")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("REDISCLI_AUTH")}
    full_env.update(env or {})
    if not stderr_tty:
        p = subprocess.run([binary, *args], capture_output=True, timeout=300, env=full_env)
        return p.returncode, p.stdout.decode(), p.stderr.decode()
    master, slave = pty.openpty()
    p = subprocess.Popen([binary, *args], stdout=subprocess.PIPE, stderr=slave, env=full_env)
    os.close(slave)
    err = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        err += chunk
    out = p.stdout.read()
    p.wait(300)
    os.close(master)
    return p.returncode, out.decode(), err.decode("utf-8", "replace")


def random_bytes(rnd, lo, hi):
    return bytes(rnd.randrange(256) for _ in range(rnd.randint(lo, hi)))


def fill(server, rnd):
    """Writes string keys (binary, empty, UTF-8, 1 MB, with and without TTLs) into several
    databases, plus keys of other types. Returns {(db, key): (value, expire_at_ms or None)},
    the deadlines as `server` reports them after checking they match the TTLs given."""
    expected = {}
    plan = {0: 2500, 1: 40, 2: 300, 7: 5, 15: 60}
    for db, n in plan.items():
        c = server.client(db=db)
        pipe = c.pipeline(transaction=False)
        keys = {}
        while len(keys) < n:
            key = random_bytes(rnd, 1, 40)
            value = random_bytes(rnd, 0, 300)
            ttl_ms = rnd.choice([None, None, rnd.randint(100_000, 50_000_000)])
            keys[key] = (value, ttl_ms)
        if db == 0:
            keys[bytes(range(256))] = (bytes(range(256)), None)      # every byte value, as key
            keys[b"all-bytes-reversed"] = (bytes(range(255, -1, -1)), 3_600_000)
            keys[b"empty"] = (b"", None)
            keys["caf\u00e9:\u65e5\u672c".encode()] = ("\u00fcber \U0001f600".encode(), None)
            keys[b"nul\x00inside"] = (b"a\x00b", 86_400_000)
        if db == 1:
            keys[b""] = (b"the empty key", None)
        if db == 7:
            keys[b"big"] = (rnd.randbytes(1 << 20), 7_200_000)           # 1 MB value
        for key, (value, ttl_ms) in keys.items():
            pipe.set(key, value, px=ttl_ms)
            expected[(db, key)] = (value, ttl_ms)
        sent_ms = time.time_ns() // 1_000_000
        pipe.execute()
        done_ms = time.time_ns() // 1_000_000 + 1
        for key, (value, ttl_ms) in keys.items():
            if ttl_ms is None:
                continue
            at_ms = c.pexpiretime(key)
            assert sent_ms + ttl_ms <= at_ms <= done_ms + ttl_ms, (key, ttl_ms, at_ms, sent_ms)
            expected[(db, key)] = (value, at_ms)
    for db, n in NON_STRING.items():
        c = server.client(db=db)
        for i in range(n):
            kind = i % 3
            if kind == 0:
                c.rpush(f"list:{i}", "a", "b")
            elif kind == 1:
                c.hset(f"hash:{i}", "f", "v")
            else:
                c.sadd(f"set:{i}", "m")
    return expected


def snapshot(server):
    """Every string key of every database: {(db, key): (value, PEXPIRETIME)} (-1 = none)."""
    found = {}
    for db in range(DATABASES):
        c = server.client(db=db)
        keys = [k for k in c.scan_iter(count=1000) if c.type(k) == b"string"]
        pipe = c.pipeline(transaction=False)
        for k in keys:
            pipe.get(k)
            pipe.pexpiretime(k)
        replies = pipe.execute()
        for i, k in enumerate(keys):
            found[(db, k)] = (replies[2 * i], replies[2 * i + 1])
    return found


def assert_same(expected, server, what):
    got = snapshot(server)
    missing = set(expected) - set(got)
    extra = set(got) - set(expected)
    assert not missing and not extra, \
        f"{what}: {len(missing)} keys missing (e.g. {sorted(missing)[:3]}), {len(extra)} extra"
    for dk, (value, at_ms) in expected.items():
        got_value, got_at_ms = got[dk]
        assert got_value == value, f"{what}: value of {dk!r} differs ({len(got_value)} bytes)"
        if at_ms is None:
            assert got_at_ms == -1, f"{what}: {dk!r} expires at {got_at_ms}, expected never"
        else:
            assert abs(got_at_ms - at_ms) <= DEADLINE_TOLERANCE_MS, \
                f"{what}: {dk!r} expires at {got_at_ms}, expected about {at_ms}"
    print(f"{what}: {len(expected)} keys match")


def parse_check(stdout):
    """check's `name: value` lines into a dict; dbN lines into {N: (keys, expires, bytes)}."""
    fields, dbs = {}, {}
    for line in stdout.splitlines():
        m = re.fullmatch(r"db(\d+): keys=(\d+),expires=(\d+),bytes=(\d+)", line)
        if m:
            dbs[int(m[1])] = tuple(int(x) for x in m.groups()[1:])
            continue
        name, _, value = line.partition(": ")
        fields[name] = value
    return fields, dbs


def assert_check_counts(build_dir, path, expected):
    rc, out, err = run_tool(build_dir, "check", path)
    assert rc == 0, f"check {path} failed ({rc}): {err}"
    fields, dbs = parse_check(out)
    want = {}
    for (db, key), (value, at_ms) in expected.items():
        keys, expires, nbytes = want.get(db, (0, 0, 0))
        want[db] = (keys + 1, expires + (at_ms is not None), nbytes + len(key) + len(value))
    assert dbs == want, f"check per-db counts {dbs} != {want}"
    assert int(fields["keys"]) == len(expected), out
    assert int(fields["expires"]) == sum(t is not None for _, t in expected.values()), out
    assert int(fields["expired"]) == 0, out
    assert int(fields["bytes"]) == sum(len(k) + len(v) for (_, k), (v, _) in expected.items()), out
    assert int(fields["file_bytes"]) == os.path.getsize(path), out
    print(f"check {os.path.basename(path)}: counts match")


def pipe_resp(build_dir, path, port):
    """`lrukv-dump resp PATH | redis-cli -p PORT --pipe`; returns (resp stream, redis-cli's
    output) after checking both ends succeeded and redis-cli saw no error reply."""
    binary = os.path.join(os.path.abspath(build_dir), "lrukv-dump")
    dump = subprocess.Popen([binary, "resp", path], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    cli = subprocess.run(["redis-cli", "-p", str(port), "--pipe"], stdin=dump.stdout,
                         capture_output=True, timeout=300)
    dump.stdout.close()
    err = dump.stderr.read().decode()
    assert dump.wait(60) == 0 and err == "", f"resp failed ({dump.returncode}): {err!r}"
    out = cli.stdout.decode()
    assert cli.returncode == 0 and "errors: 0" in out, f"redis-cli --pipe: {out} {cli.stderr!r}"
    stream = subprocess.run([binary, "resp", path], capture_output=True, timeout=300).stdout
    return stream, out


def resp_stream(build_dir, work, dump_path, expected):
    """`resp` into an empty redis-server: every key, value and deadline arrives; the stream
    is one SELECT per database change and one SET per key; expired entries are left out."""
    target = start_redis()
    try:
        stream, out = pipe_resp(build_dir, dump_path, target.port)
        assert_same(expected, target, "redis C after resp | redis-cli --pipe")
        databases = sorted({db for db, _ in expected})
        commands = len(expected) + len([db for db in databases if db != 0])
        assert f"replies: {commands}" in out, f"expected {commands} replies: {out}"
        assert stream.count(b"\r\n$3\r\nSET\r\n") == len(expected)
        assert stream.count(b"\r\n$6\r\nSELECT\r\n") == commands - len(expected)
        print(f"resp | redis-cli --pipe: {len(expected)} keys in {commands} commands")

        # Entries past their deadline are not sent; PXAT is the dump's own deadline.
        now_ms = time.time_ns() // 1_000_000
        small = os.path.join(work, "with-expired.json")
        with open(small, "w") as f:
            f.write('{"format":"lrukv-dump","version":1,"entries":['
                    '{"key":"gone","value":"x","expire_at_ms":1000},'
                    f'{{"db":3,"key_b64":"AA0K","value_b64":"/w==","expire_at_ms":{now_ms + 600_000}}},'
                    '{"key":"kept","value":"y"}]}\n')
        target.client().flushall()
        stream, out = pipe_resp(build_dir, small, target.port)
        assert b"gone" not in stream and "replies: 4" in out, (stream, out)
        assert_same({(3, b"\x00\r\n"): (b"\xff", now_ms + 600_000), (0, b"kept"): (b"y", None)},
                    target, "resp of a dump with an expired entry")
    finally:
        target.cleanup()
    rc, _, err = run_tool(build_dir, "resp", os.path.join(work, "absent.json"))
    assert rc == 1 and "absent.json" in err, err
    with open("/dev/full", "wb") as full:  # a failed write is an error, not a short stream
        p = subprocess.run([os.path.join(os.path.abspath(build_dir), "lrukv-dump"), "resp",
                            dump_path], stdout=full, stderr=subprocess.PIPE, timeout=300)
    assert p.returncode == 1 and b"writing stdout" in p.stderr, (p.returncode, p.stderr)


def round_trip(build_dir, work):
    rnd = random.Random(4)
    redis_a, redis_b, lrukv = start_redis(), start_redis(), start_lrukv(build_dir)
    try:
        expected = fill(redis_a, rnd)
        assert_same(expected, redis_a, "redis A as written")

        # Redis -> file, on a terminal: the progress line is drawn.
        from_redis = os.path.join(work, "from-redis.json")
        rc, out, err = run_tool(build_dir, "export", f"127.0.0.1:{redis_a.port}", from_redis,
                                stderr_tty=True)
        assert rc == 0, f"export from redis failed ({rc}): {err}"
        assert f"exported {len(expected)} keys" in out, out
        assert f"skipped {sum(NON_STRING.values())} non-string keys" in out, out
        assert "\rexported " in err and "(db " in err, f"no progress line on a terminal: {err!r}"
        assert not [f for f in os.listdir(work) if ".tmp-" in f], os.listdir(work)
        umask = os.umask(0)
        os.umask(umask)
        mode = os.stat(from_redis).st_mode & 0o777
        assert mode == 0o666 & ~umask, f"dump file mode {oct(mode)}, umask {oct(umask)}"
        assert_check_counts(build_dir, from_redis, expected)

        # file -> lrukv, piped: no progress line.
        rc, out, err = run_tool(build_dir, "import", from_redis, f"127.0.0.1:{lrukv.port}")
        assert rc == 0, f"import into lrukv failed ({rc}): {err}"
        assert f"imported {len(expected)} keys" in out, out
        assert err == "", f"stderr not empty when piped: {err!r}"
        assert_same(expected, lrukv, "lrukv after import")

        # lrukv -> file -> an empty redis: the way back.
        from_lrukv = os.path.join(work, "from-lrukv.json")
        rc, out, err = run_tool(build_dir, "export", f"127.0.0.1:{lrukv.port}", from_lrukv)
        assert rc == 0, f"export from lrukv failed ({rc}): {err}"
        assert f"exported {len(expected)} keys" in out and "skipped 0 non-string" in out, out
        assert err == "", f"stderr not empty when piped: {err!r}"
        assert_check_counts(build_dir, from_lrukv, expected)
        rc, out, err = run_tool(build_dir, "import", from_lrukv, f"127.0.0.1:{redis_b.port}")
        assert rc == 0, f"import into redis B failed ({rc}): {err}"
        assert_same(expected, redis_b, "redis B after the round trip")
        resp_stream(build_dir, work, from_lrukv, expected)
    finally:
        for s in (redis_a, redis_b, lrukv):
            s.cleanup()
    return from_redis


def corrupted_files(build_dir, work, good_path):
    good = open(good_path, "rb").read()
    cases = {
        "truncated.json": good[: len(good) // 2],
        "bad-base64.json": b'{"format":"lrukv-dump","version":1,"entries":['
                           b'{"key":"a","value":"b"},{"key_b64":"@@@=","value":"x"}]}\n',
        "wrong-version.json": b'{"format":"lrukv-dump","version":2,"entries":[]}\n',
    }
    for name, data in cases.items():
        path = os.path.join(work, name)
        with open(path, "wb") as f:
            f.write(data)
        before = os.stat(path)
        rc, out, err = run_tool(build_dir, "check", path)
        assert rc != 0, f"check accepted {name}: {out}"
        assert path in err and re.search(r"offset \d+: ", err), f"{name}: message {err!r}"
        after = os.stat(path)
        assert open(path, "rb").read() == data and after.st_mtime_ns == before.st_mtime_ns, name
        print(f"check {name}: {err.strip()}")
        # import refuses it too, before connecting anywhere.
        rc, _, err = run_tool(build_dir, "import", path, f"127.0.0.1:{free_port()}")
        assert rc != 0 and path in err and "offset" in err, f"import {name}: {err!r}"
    rc, _, err = run_tool(build_dir, "check", os.path.join(work, "absent.json"))
    assert rc != 0 and "absent.json" in err, err


def failures(build_dir, work, good_path):
    redis = start_redis(["--databases", "4"])
    try:
        redis.client().set("k", "v")
        # Output into a directory that does not exist: nothing is written anywhere.
        bad = os.path.join(work, "no-such-dir", "out.json")
        rc, _, err = run_tool(build_dir, "export", f"127.0.0.1:{redis.port}", bad)
        assert rc == 1 and "no-such-dir" in err, f"export to a missing dir: {rc} {err!r}"
        # Output path is a directory: the temp file is removed, the directory stays.
        target = os.path.join(work, "a-directory")
        os.mkdir(target)
        rc, _, err = run_tool(build_dir, "export", f"127.0.0.1:{redis.port}", target)
        assert rc == 1 and target in err, f"export onto a directory: {rc} {err!r}"
        assert os.path.isdir(target) and not [f for f in os.listdir(work) if ".tmp-" in f]
        print(f"export to unwritable paths: {err.strip()}")

        # Nobody listening.
        port = free_port()
        rc, _, err = run_tool(build_dir, "import", good_path, f"127.0.0.1:{port}")
        assert rc == 1 and f"127.0.0.1:{port}" in err and "refused" in err, err
        rc, _, err = run_tool(build_dir, "export", f"127.0.0.1:{port}",
                              os.path.join(work, "never.json"))
        assert rc == 1 and "refused" in err and not os.path.exists(os.path.join(work, "never.json"))
        # A failed export leaves the file it would have replaced as it was.
        before = open(good_path, "rb").read()
        rc, _, err = run_tool(build_dir, "export", f"127.0.0.1:{port}", good_path)
        assert rc == 1 and open(good_path, "rb").read() == before
        assert not [f for f in os.listdir(work) if ".tmp-" in f], os.listdir(work)
        print(f"no server: {err.strip()}")

        # A server with 4 databases refuses the dump's keys in db 7 and 15.
        rc, _, err = run_tool(build_dir, "import", good_path, f"127.0.0.1:{redis.port}")
        assert rc == 1 and "refused SELECT 7" in err and "DB index is out of range" in err, err
        print(f"refusing server: {err.strip()}")

        rc, _, err = run_tool(build_dir, "export", "no-port", "x.json")
        assert rc == 2 and "usage" in err, err
    finally:
        redis.cleanup()


def interrupted(build_dir, work):
    """An export killed while it waits on a silent server leaves no temp file behind."""
    binary = os.path.join(os.path.abspath(build_dir), "lrukv-dump")
    with socket.socket() as silent:  # accepts, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        for sig in (signal.SIGINT, signal.SIGTERM):
            out = os.path.join(work, f"killed-{sig}.json")
            p = subprocess.Popen([binary, "export", f"127.0.0.1:{silent.getsockname()[1]}", out],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.time() + 30
            while not [f for f in os.listdir(work) if f.startswith(f"killed-{sig}.json.tmp-")]:
                assert time.time() < deadline and p.poll() is None, "no temp file appeared"
                time.sleep(0.02)
            conn, _ = silent.accept()  # the tool is now waiting for CONFIG GET's reply
            p.send_signal(sig)
            assert p.wait(30) == -sig, p.returncode
            conn.close()
            left = [f for f in os.listdir(work) if f.startswith(f"killed-{sig}")]
            assert not left, f"left behind after {sig!r}: {left}"
    print("interrupted exports: temp files removed")


def password(build_dir, work, good_path):
    """REDISCLI_AUTH, as redis-cli reads it, authenticates both directions."""
    server = start_redis(["--requirepass", "s3cret"], wait=False)
    try:
        deadline = time.time() + 30
        while True:  # servers.py's readiness check has no password
            try:
                server.client(password="s3cret").ping()
                break
            except redis.exceptions.ConnectionError:
                assert time.time() < deadline, server.log()
                time.sleep(0.05)
        address = f"127.0.0.1:{server.port}"
        rc, _, err = run_tool(build_dir, "import", good_path, address)
        assert rc == 1 and "NOAUTH" in err, err
        rc, _, err = run_tool(build_dir, "import", good_path, address,
                              env={"REDISCLI_AUTH": "wrong"})
        assert rc == 1 and "refused AUTH" in err, err
        print(f"wrong password: {err.strip()}")
        rc, out, err = run_tool(build_dir, "import", good_path, address,
                                env={"REDISCLI_AUTH": "s3cret"})
        assert rc == 0, err
        imported = int(re.search(r"imported (\d+) keys", out)[1])
        again = os.path.join(work, "with-password.json")
        rc, out, err = run_tool(build_dir, "export", address, again,
                                env={"REDISCLI_AUTH_USER": "default", "REDISCLI_AUTH": "s3cret"})
        assert rc == 0 and f"exported {imported} keys" in out, (out, err)
        assert open(again, "rb").read().count(b'"key') == imported
    finally:
        server.cleanup()


def main():
    args = parse_args(__doc__)
    with tempfile.TemporaryDirectory(prefix="lrukv-dump-it-") as work:
        good = round_trip(args.build_dir, work)
        corrupted_files(args.build_dir, work, good)
        failures(args.build_dir, work, good)
        password(args.build_dir, work, good)
        interrupted(args.build_dir, work)
    print("lrukv_dump_test: ok")


if __name__ == "__main__":
    main()
