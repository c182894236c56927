"""Persistence commands, differential against redis-server 7.0 (RDB): SAVE, BGSAVE [SCHEDULE],
LASTSAVE, INFO persistence, -MISCONF after a failed background save, a full disk, SHUTDOWN
variants and SIGTERM, `save` points and DEBUG RELOAD. The same commands go to both servers over
raw RESP and the replies must be equal, except SAVE's error (Redis answers a bare "-ERR",
lrukv names the reason: an intended difference) and the dump files themselves (Redis writes
dump.rdb, lrukv dump.json). Each scenario is one function; main runs them all and exits non-zero
with the first difference of each failing one."""
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback

from raw_resp import RawClient, RespError
from servers import parse_args, start_lrukv, start_redis

REDIS_DUMP = "dump.rdb"
LRUKV_DUMP = "dump.json"
LRUKV_ONLY_INFO_FIELDS = ("dump_last_keys", "dump_last_bytes")
SAVE_POINTS = ["--save", "3600 1"]  # save points that never fire during a test

BUILD_DIR = None


# ---- helpers ----

class Pair:
    """redis-server and lrukv started with the same arguments, each with a raw client."""

    def __init__(self, args=(), redis_args=(), lrukv_args=()):
        self.redis = start_redis(list(args) + list(redis_args))
        try:
            self.lrukv = start_lrukv(BUILD_DIR, list(args) + list(lrukv_args))
        except Exception:
            self.redis.cleanup()
            raise
        self.r = RawClient(self.redis.port)
        self.l = RawClient(self.lrukv.port)

    def both(self, *args):
        """Runs one command on both; returns (redis reply, lrukv reply)."""
        return self.r.call(*args), self.l.call(*args)

    def same(self, *args, what=None):
        """Runs one command on both and requires equal replies; returns the reply."""
        rr, lr = self.both(*args)
        check_equal(what or " ".join(map(str, args)), rr, lr)
        return rr

    def servers(self):
        return (("redis-server", self.redis, self.r, REDIS_DUMP),
                ("lrukv", self.lrukv, self.l, LRUKV_DUMP))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for c in (self.r, self.l):
            c.close()
        self.redis.cleanup()
        self.lrukv.cleanup()


def check_equal(what, redis_reply, lrukv_reply):
    assert redis_reply == lrukv_reply, (
        f"{what}:\n  redis-server: {redis_reply!r}\n  lrukv:        {lrukv_reply!r}")


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def info_persistence(client):
    """INFO persistence as an ordered list of (name, value)."""
    text = client.call("INFO", "persistence").decode()
    fields = []
    for line in text.split("\r\n"):
        if line and not line.startswith("#"):
            name, _, value = line.partition(":")
            fields.append((name, value))
    return fields


def info_field(client, name, section="persistence"):
    for line in client.call("INFO", section).decode().split("\r\n"):
        if line.startswith(name + ":"):
            return line.split(":", 1)[1]
    raise AssertionError(f"INFO {section} has no {name}")


def wait_until(what, predicate, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def wait_bgsave_done(client, who):
    wait_until(f"{who}: rdb_bgsave_in_progress:0",
               lambda: info_field(client, "rdb_bgsave_in_progress") == "0")


def server_log(server):
    """The server's log through the test's own descriptor of it, which still reads after the
    directory holding it was removed or mounted over."""
    server.log_file.flush()
    with open(f"/proc/self/fd/{server.log_file.fileno()}", "rb") as f:
        return f.read().decode("utf-8", "replace")


def shutdown_reply(client, *args):
    """SHUTDOWN's outcome: "closed" when the server dropped the connection, else the reply."""
    try:
        return client.call("SHUTDOWN", *args)
    except (ConnectionError, OSError):
        return "closed"


def wait_exit(server, who, timeout=10):
    try:
        server.proc.wait(timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{who} still running {timeout}s after it should have exited")
    return server.proc.returncode


def fill(client, count, value_size, prefix="key"):
    value = b"v" * value_size
    for start in range(0, count, 1000):
        batch = [("SET", f"{prefix}:{i}", value) for i in range(start, min(count, start + 1000))]
        replies = client.pipeline(*batch)
        check(all(r == "OK" for r in replies), f"filling {prefix}: {set(map(repr, replies))}")


def sleep_past_second_boundary():
    time.sleep(1.0 - (time.time() % 1.0) + 0.05)


# ---- 1. SAVE, BGSAVE, BGSAVE SCHEDULE, LASTSAVE, INFO persistence ----

def scenario_save_bgsave_replies():
    with Pair() as p:
        for _, _, c, _ in p.servers():
            fill(c, 20000, 100)
        before = {who: dict(info_persistence(c)) for who, _, c, _ in p.servers()}

        # The field names of INFO persistence, in order (lrukv's own two aside).
        names_r = [n for n, _ in info_persistence(p.r)]
        names_l = [n for n, _ in info_persistence(p.l)]
        for extra in LRUKV_ONLY_INFO_FIELDS:
            check(extra in names_l, f"lrukv's INFO persistence has no {extra}")
        check_equal("INFO persistence field names", names_r,
                    [n for n in names_l if n not in LRUKV_ONLY_INFO_FIELDS])
        for who, _, _, _ in p.servers():
            check(before[who]["rdb_changes_since_last_save"] == "20000",
                  f"{who}: rdb_changes_since_last_save {before[who]['rdb_changes_since_last_save']}"
                  " after 20000 SETs")

        # LASTSAVE moves forward with a save.
        lastsave = {who: c.call("LASTSAVE") for who, _, c, _ in p.servers()}
        sleep_past_second_boundary()
        p.same("SAVE")
        for who, server, c, dump in p.servers():
            now = c.call("LASTSAVE")
            check(isinstance(now, int) and now > lastsave[who],
                  f"{who}: LASTSAVE {lastsave[who]} -> {now} after SAVE a second later")
            check(abs(now - time.time()) < 5, f"{who}: LASTSAVE {now} is not about now")
            info = dict(info_persistence(c))
            check(info["rdb_changes_since_last_save"] == "0",
                  f"{who}: rdb_changes_since_last_save {info['rdb_changes_since_last_save']} "
                  "after SAVE")
            check(int(info["rdb_saves"]) == int(before[who]["rdb_saves"]) + 1,
                  f"{who}: rdb_saves {before[who]['rdb_saves']} -> {info['rdb_saves']} after SAVE")
            check(info["rdb_last_save_time"] == str(now),
                  f"{who}: rdb_last_save_time {info['rdb_last_save_time']} != LASTSAVE {now}")
            check(os.path.exists(os.path.join(server.dir, dump)), f"{who}: no {dump} after SAVE")
        check_dump_fields(p)

        # BGSAVE, then (in the same write, so the child is surely still running) BGSAVE and
        # BGSAVE SCHEDULE.
        p.same("SET", "after-save", "1")
        rr = p.r.pipeline(("BGSAVE",), ("BGSAVE",), ("BGSAVE", "SCHEDULE"))
        lr = p.l.pipeline(("BGSAVE",), ("BGSAVE",), ("BGSAVE", "SCHEDULE"))
        check_equal("BGSAVE; BGSAVE; BGSAVE SCHEDULE while the first runs", rr, lr)
        check(rr[0] == "Background saving started", f"first BGSAVE replied {rr[0]!r}")
        for who, _, c, _ in p.servers():
            wait_bgsave_done(c, who)
            info = dict(info_persistence(c))
            check(info["rdb_last_bgsave_status"] == "ok",
                  f"{who}: rdb_last_bgsave_status {info['rdb_last_bgsave_status']}")
            check(info["rdb_changes_since_last_save"] == "0",
                  f"{who}: rdb_changes_since_last_save {info['rdb_changes_since_last_save']} "
                  "after BGSAVE")
            check(int(info["rdb_saves"]) == int(before[who]["rdb_saves"]) + 2,
                  f"{who}: rdb_saves {info['rdb_saves']} after SAVE and BGSAVE "
                  f"(was {before[who]['rdb_saves']})")
            check(info["rdb_current_bgsave_time_sec"] == "-1",
                  f"{who}: rdb_current_bgsave_time_sec {info['rdb_current_bgsave_time_sec']}")
            forks = int(info_field(c, "total_forks", "stats"))
            check(forks >= 1, f"{who}: total_forks {forks} after a BGSAVE")
            check(int(info_field(c, "latest_fork_usec", "stats")) > 0,
                  f"{who}: latest_fork_usec is 0 after a fork")
        check_dump_fields(p)

        # BGSAVE inside a transaction.
        check_equal("MULTI; BGSAVE; EXEC",
                    p.r.pipeline(("MULTI",), ("BGSAVE",), ("EXEC",)),
                    p.l.pipeline(("MULTI",), ("BGSAVE",), ("EXEC",)))
        for who, _, c, _ in p.servers():
            wait_until(f"{who}: the scheduled or started save of EXEC done",
                       lambda: int(info_field(c, "rdb_saves")) ==
                       int(before[who]["rdb_saves"]) + 3 and
                       info_field(c, "rdb_bgsave_in_progress") == "0")

        # Bad arguments and SAVE inside MULTI.
        for args in (("BGSAVE", "NOW"), ("BGSAVE", "SCHEDULE", "x"), ("BGSAVE", "schedule", ""),
                     ("SAVE", "x"), ("LASTSAVE", "x")):
            p.same(*args)
        check_equal("MULTI; SAVE; EXEC",
                    p.r.pipeline(("MULTI",), ("SAVE",), ("EXEC",)),
                    p.l.pipeline(("MULTI",), ("SAVE",), ("EXEC",)))


def check_dump_fields(p):
    """lrukv's dump_last_keys is DBSIZE and dump_last_bytes the dump file's size."""
    info = dict(info_persistence(p.l))
    dbsize = p.l.call("DBSIZE")
    size = os.path.getsize(os.path.join(p.lrukv.dir, LRUKV_DUMP))
    check(info["dump_last_keys"] == str(dbsize),
          f"lrukv: dump_last_keys {info['dump_last_keys']}, DBSIZE {dbsize}")
    check(info["dump_last_bytes"] == str(size),
          f"lrukv: dump_last_bytes {info['dump_last_bytes']}, the file has {size} bytes")


# ---- 2. A failed background save: -MISCONF ----

def scenario_failed_bgsave_misconf():
    # Redis saves into its working directory: after the directory is recreated it has to chdir
    # again (CONFIG SET dir), which needs protected configs. lrukv saves by path.
    with Pair(SAVE_POINTS, redis_args=["--enable-protected-configs", "yes"]) as p:
        p.same("SET", "k", "v")
        for _, server, _, _ in p.servers():
            shutil.rmtree(server.dir)
        p.same("BGSAVE")
        for who, server, c, _ in p.servers():
            wait_bgsave_done(c, who)
            status = info_field(c, "rdb_last_bgsave_status")
            check(status == "err", f"{who}: rdb_last_bgsave_status {status} after a failed BGSAVE")
        check("Background saving error" in server_log(p.lrukv),
              f"lrukv's log does not tell the BGSAVE failed:\n{server_log(p.lrukv)}")

        misconf = p.same("SET", "k", "w")
        check(isinstance(misconf, RespError) and misconf.startswith("MISCONF "),
              f"SET after a failed BGSAVE replied {misconf!r}")
        p.same("PING")
        p.same("INCR", "n")
        p.same("DEL", "k")
        p.same("GET", "k")
        p.same("EXISTS", "k")
        p.same("CONFIG", "SET", "maxmemory", "0")
        check_equal("MULTI; SET; GET; EXEC",
                    p.r.pipeline(("MULTI",), ("SET", "k", "x"), ("GET", "k"), ("EXEC",)),
                    p.l.pipeline(("MULTI",), ("SET", "k", "x"), ("GET", "k"), ("EXEC",)))
        check_equal("MULTI; GET; EXEC",
                    p.r.pipeline(("MULTI",), ("GET", "k"), ("EXEC",)),
                    p.l.pipeline(("MULTI",), ("GET", "k"), ("EXEC",)))

        # SAVE into the missing directory: Redis says "ERR", lrukv why.
        rr, lr = p.both("SAVE")
        check(rr == RespError("ERR"), f"redis-server's SAVE into a missing dir: {rr!r}")
        check(isinstance(lr, RespError) and lr.startswith("ERR Error saving the dump: ") and
              "No such file or directory" in lr,
              f"lrukv's SAVE into a missing dir does not name the reason: {lr!r}")

        p.same("CONFIG", "SET", "stop-writes-on-bgsave-error", "no")
        p.same("SET", "k", "y")
        p.same("PING")
        p.same("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes")
        p.same("SET", "k", "z")

        for _, server, _, _ in p.servers():
            os.makedirs(server.dir)
        p.r.call("CONFIG", "SET", "dir", p.redis.dir)
        p.same("BGSAVE")
        for who, server, c, dump in p.servers():
            wait_bgsave_done(c, who)
            status = info_field(c, "rdb_last_bgsave_status")
            check(status == "ok", f"{who}: rdb_last_bgsave_status {status} after a good BGSAVE")
            check(os.path.exists(os.path.join(server.dir, dump)), f"{who}: no {dump} after BGSAVE")
        p.same("SET", "k", "after")
        p.same("PING")
        p.same("GET", "k")


# ---- 3. A full disk (lrukv) ----

def scenario_disk_full():
    lrukv = start_lrukv(BUILD_DIR, SAVE_POINTS)
    mounted = False
    try:
        c = RawClient(lrukv.port)
        # The server was started first, so its log stays on the real disk below the mount.
        try:
            subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", lrukv.dir],
                           check=True, capture_output=True)
            mounted = True
            method = "a 1 MB tmpfs mounted on the server's dir"
            reasons = ("No space left on device",)
        except (subprocess.CalledProcessError, OSError) as e:
            method = f"prlimit --fsize (mount failed: {e})"
            reasons = ("File too large",)
        print(f"  disk full by {method}")

        check(c.call("SET", "small", "dump") == "OK", "SET small")
        check(c.call("SAVE") == "OK", "SAVE of the small dump")
        dump_path = os.path.join(lrukv.dir, LRUKV_DUMP)
        with open(dump_path, "rb") as f:
            good = f.read()
        if not mounted:
            subprocess.run(["prlimit", "--pid", str(lrukv.pid), f"--fsize={len(good) + 65536}"],
                           check=True)
        fill(c, 30, 100 * 1024, prefix="big")  # ~3 MB

        reply = c.call("SAVE")
        check(isinstance(reply, RespError) and reply.startswith("ERR Error saving the dump: ")
              and any(r in reply for r in reasons),
              f"SAVE on a full disk replied {reply!r}, not an error naming {reasons}")
        reply = c.call("BGSAVE")
        check(reply == "Background saving started", f"BGSAVE on a full disk replied {reply!r}")
        wait_bgsave_done(c, "lrukv")
        status = info_field(c, "rdb_last_bgsave_status")
        check(status == "err", f"rdb_last_bgsave_status {status} after BGSAVE on a full disk")
        log = server_log(lrukv)
        check(any(f"Background saving error" in line and any(r in line for r in reasons)
                  for line in log.splitlines()),
              f"the log does not say why the BGSAVE failed:\n{log}")

        with open(dump_path, "rb") as f:
            check(f.read() == good, "the old dump changed after failed saves")
        leftovers = sorted(set(os.listdir(lrukv.dir)) - {LRUKV_DUMP} -
                           {os.path.basename(lrukv.log_path)})
        check(not leftovers, f"failed saves left files behind: {leftovers}")

        check(c.call("GET", "small") == b"dump", "GET after failed saves")
        check(c.call("STRLEN", "big:7") == 100 * 1024, "STRLEN after failed saves")
        reply = c.call("SET", "w", "1")
        check(isinstance(reply, RespError) and reply.startswith("MISCONF"),
              f"a write after the failed BGSAVE replied {reply!r}")
        check(c.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "no") == "OK", "CONFIG SET")
        check(c.call("SET", "w", "1") == "OK", "a write with stop-writes-on-bgsave-error no")
        check(c.call("PING") == "PONG", "PING with stop-writes-on-bgsave-error no")
        c.close()
    finally:
        if mounted:
            lrukv.kill9()  # nothing may hold the mount busy
            subprocess.run(["umount", lrukv.dir], check=False)
        lrukv.cleanup()


# ---- 4. SHUTDOWN and SIGTERM ----

def scenario_shutdown():
    def dumps(p):
        return {who: os.path.exists(os.path.join(s.dir, dump)) for who, s, _, dump in p.servers()}

    def expect_exit(p, label):
        for who, server, _, _ in p.servers():
            code = wait_exit(server, who)
            check(code == 0, f"{label}: {who} exited with {code}")

    # SHUTDOWN NOSAVE with save points: no dump.
    with Pair(SAVE_POINTS) as p:
        p.same("SET", "k", "v")
        check_equal("SHUTDOWN NOSAVE", shutdown_reply(p.r, "NOSAVE"), shutdown_reply(p.l, "NOSAVE"))
        expect_exit(p, "SHUTDOWN NOSAVE")
        check_equal("a dump after SHUTDOWN NOSAVE", *dumps(p).values())
        check(not dumps(p)["lrukv"], "lrukv wrote a dump on SHUTDOWN NOSAVE")

    # SHUTDOWN SAVE without save points, and plain SHUTDOWN with them: a dump.
    for args, label, words in (((), "SHUTDOWN SAVE, no save points", ("SAVE",)),
                               (SAVE_POINTS, "SHUTDOWN with save points", ()),
                               (SAVE_POINTS, "SHUTDOWN NOW with save points", ("NOW",))):
        with Pair(args) as p:
            p.same("SET", "k", "v")
            check_equal(label, shutdown_reply(p.r, *words), shutdown_reply(p.l, *words))
            expect_exit(p, label)
            check_equal(f"a dump after {label}", *dumps(p).values())
            check(dumps(p)["lrukv"], f"lrukv wrote no dump on {label}")
            restarted = start_lrukv(BUILD_DIR, dir=p.lrukv.dir)
            try:
                check(restarted.client().get("k") == b"v", f"the dump of {label} lost k")
            finally:
                restarted.cleanup()

    # SHUTDOWN with no save points and no SAVE: no dump.
    with Pair() as p:
        p.same("SET", "k", "v")
        check_equal("SHUTDOWN, no save points", shutdown_reply(p.r), shutdown_reply(p.l))
        expect_exit(p, "SHUTDOWN, no save points")
        check_equal("a dump after SHUTDOWN without save points", *dumps(p).values())

    # The final save fails: an error and the server keeps running; NOSAVE then exits.
    with Pair(SAVE_POINTS) as p:
        p.same("SET", "k", "v")
        for _, server, _, _ in p.servers():
            shutil.rmtree(server.dir)
        p.same("SHUTDOWN")
        p.same("SHUTDOWN", "SAVE")
        p.same("SHUTDOWN", "NOW")
        p.same("PING")
        p.same("GET", "k")
        p.same("SET", "k", "w")  # a failed foreground save does not deny writes
        check("Error trying to save the DB, can't exit" in server_log(p.lrukv),
              f"lrukv's log does not say why it did not exit:\n{server_log(p.lrukv)}")
        check_equal("SHUTDOWN NOSAVE after a failed one",
                    shutdown_reply(p.r, "NOSAVE"), shutdown_reply(p.l, "NOSAVE"))
        expect_exit(p, "SHUTDOWN NOSAVE after a failed SHUTDOWN")

    # SHUTDOWN FORCE exits although the save fails (and SHUTDOWN SAVE FORCE with no points).
    for args, words in ((SAVE_POINTS, ("FORCE",)), ((), ("SAVE", "FORCE"))):
        with Pair(args) as p:
            p.same("SET", "k", "v")
            for _, server, _, _ in p.servers():
                shutil.rmtree(server.dir)
            label = "SHUTDOWN " + " ".join(words) + " with a failing save"
            check_equal(label, shutdown_reply(p.r, *words), shutdown_reply(p.l, *words))
            expect_exit(p, label)

    # Syntax errors.
    with Pair() as p:
        for words in (("NOSAVE", "SAVE"), ("ABORT", "NOW"), ("LATER",), ("ABORT",)):
            p.same("SHUTDOWN", *words)

    # SIGTERM with save points and a failing save: the server keeps running, as Redis.
    with Pair(SAVE_POINTS) as p:
        p.same("SET", "k", "v")
        for _, server, _, _ in p.servers():
            shutil.rmtree(server.dir)
        for _, server, _, _ in p.servers():
            server.proc.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        for who, server, c, _ in p.servers():
            check(server.proc.poll() is None,
                  f"{who} exited on SIGTERM although its final save failed")
        p.same("PING")
        p.same("GET", "k")
        log = server_log(p.lrukv)
        check("SIGTERM received but errors trying to shut down" in log,
              f"lrukv's log does not say why SIGTERM did not stop it:\n{log}")

    # SIGTERM with save points and a good save: a dump and exit 0.
    with Pair(SAVE_POINTS) as p:
        p.same("SET", "k", "v")
        for _, server, _, _ in p.servers():
            server.proc.send_signal(signal.SIGTERM)
        expect_exit(p, "SIGTERM")
        check(all(dumps(p).values()), f"dumps after SIGTERM with save points: {dumps(p)}")


# ---- 5. save points ----

def scenario_save_points():
    with Pair(["--save", "1 1"]) as p:
        saves = {who: int(info_field(c, "rdb_saves")) for who, _, c, _ in p.servers()}
        p.same("SET", "k", "v")
        for who, server, c, dump in p.servers():
            wait_until(f"{who}: an automatic save after one change with `save 1 1`",
                       lambda: int(info_field(c, "rdb_saves")) > saves[who] and
                       info_field(c, "rdb_bgsave_in_progress") == "0", timeout=5)
            check(os.path.exists(os.path.join(server.dir, dump)), f"{who}: no {dump}")
            changes = info_field(c, "rdb_changes_since_last_save")
            check(changes == "0", f"{who}: rdb_changes_since_last_save {changes} after the save")
        check("1 changes in 1 seconds. Saving..." in server_log(p.lrukv),
              "lrukv's log does not say why it saved")

        p.same("CONFIG", "SET", "save", "")
        p.same("CONFIG", "GET", "save")
        saves = {who: int(info_field(c, "rdb_saves")) for who, _, c, _ in p.servers()}
        p.same("SET", "k", "w")
        time.sleep(3)
        for who, _, c, _ in p.servers():
            now = int(info_field(c, "rdb_saves"))
            check(now == saves[who], f"{who}: saved with `save \"\"` ({saves[who]} -> {now})")
            changes = info_field(c, "rdb_changes_since_last_save")
            check(changes == "1", f"{who}: rdb_changes_since_last_save {changes}")


# ---- 6. DEBUG RELOAD ----

def dataset(client, keys):
    """Every key's value and absolute deadline."""
    return {k: (client.call("GET", k), client.call("PEXPIRETIME", k)) for k in keys}


def scenario_debug_reload():
    with Pair(redis_args=["--enable-debug-command", "yes"]) as p:
        # No dump yet: NOSAVE cannot load one (the flush has happened by then, as Redis).
        p.same("SET", "gone", "1")
        p.same("DEBUG", "RELOAD", "NOSAVE")
        p.same("DBSIZE")
        for args in (("DEBUG", "RELOAD", "FOO"), ("DEBUG", "RELOAD", "NOSAVE", "x")):
            p.same(*args)

        now_ms = int(time.time() * 1000)
        keys = []
        for i in range(50):
            k = f"k{i}"
            keys.append(k)
            p.same("SET", k, b"\x00\xff binary " + str(i).encode() * i)
            if i % 3 == 0:
                p.same("PEXPIREAT", k, now_ms + 600000 + i)
        p.same("SET", "empty", "")
        keys.append("empty")
        before = {who: dataset(c, keys) for who, _, c, _ in p.servers()}
        check_equal("the dataset before DEBUG RELOAD", before["redis-server"], before["lrukv"])
        p.same("DEBUG", "RELOAD")
        p.same("DBSIZE")
        for who, _, c, _ in p.servers():
            after = dataset(c, keys)
            check(after == before[who], f"{who}: DEBUG RELOAD changed the dataset")
        loaded = info_field(p.l, "rdb_last_load_keys_loaded")
        check(loaded == str(len(keys)), f"lrukv: rdb_last_load_keys_loaded {loaded}")

        # NOFLUSH MERGE: the dump's keys replace, the others stay.
        p.same("SET", "k1", "changed")
        p.same("SET", "extra", "1")
        p.same("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE")
        p.same("GET", "k1")
        p.same("GET", "extra")
        p.same("DBSIZE")
        p.same("DEBUG", "RELOAD", "NOSAVE")  # the dump without "extra"
        p.same("EXISTS", "extra")
        p.same("DBSIZE")

        # The save of DEBUG RELOAD fails: Redis's bare ERR, the dataset kept.
        for _, server, _, _ in p.servers():
            shutil.rmtree(server.dir)
        p.same("DEBUG", "RELOAD")
        p.same("DBSIZE")


SCENARIOS = [
    scenario_save_bgsave_replies,
    scenario_failed_bgsave_misconf,
    scenario_disk_full,
    scenario_shutdown,
    scenario_save_points,
    scenario_debug_reload,
]


def main():
    global BUILD_DIR
    BUILD_DIR = parse_args(__doc__).build_dir
    failed = []
    for scenario in SCENARIOS:
        start = time.time()
        print(f"{scenario.__name__} ...", flush=True)
        try:
            scenario()
            print(f"  ok ({time.time() - start:.1f}s)", flush=True)
        except Exception as e:  # noqa: BLE001 - every scenario runs and reports
            failed.append(scenario.__name__)
            print(f"  FAILED: {e}", flush=True)
            traceback.print_exc()
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        sys.exit(1)
    print("all persistence command scenarios passed")


if __name__ == "__main__":
    main()
