"""Disk faults during snapshots (issue 6), end to end against real lrukv processes, with the
MISCONF behaviour diffed against redis-server 7.0 on the same kind of fault:

- a full disk (a 2 MB tmpfs) and a read-only `dir` (a tmpfs remounted ro: chmod does not stop
  root) during SAVE and during BGSAVE: SAVE answers its error, a failed BGSAVE shows
  rdb_last_bgsave_status:err and a log line, writes answer -MISCONF with
  stop-writes-on-bgsave-error and save points (as Redis: same commands refused, same text),
  the old dump stays byte for byte, no temporary file is left to fill the disk (not even by the
  automatic retries), and once space returns a save succeeds and writes are accepted again;
- SIGTERM during BGSAVE: as Redis's prepareForShutdown, the child is killed and its temporary
  removed, then (with save points) a synchronous save keeps every acknowledged write.

The mounts need root with CAP_SYS_ADMIN: without it the tests FAIL (they do not skip).
Run: /usr/bin/python3 tests/integration/faults_disk_test.py --build-dir BUILD"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dump_files import FileState, child_pids, temp_files, wait_for  # noqa: E402
from servers import run_test_functions, Server, lrukv_binary, parse_args  # noqa: E402

BUILD_DIR = None
DUMP = "dump.json"
# Values of random bytes (base64 in lrukv's dump, incompressible in Redis's RDB): 30 of them
# make a dump of 3-4 MB, too big for the 2 MB file system, while the first dump is tiny.
BIG_VALUES = 30
BIG_VALUE_BYTES = 100_000
MISCONF_PREFIX = "MISCONF Redis is configured to save RDB snapshots"
# What a client sees of each command once a background save has failed (Redis 7.0.15's
# processCommand: writes and PING refused, reads and CONFIG allowed).
PROBES = [("SET", "probe", "1"), ("PING",), ("GET", "small:1"), ("DEL", "small:1"),
          ("EXPIRE", "small:2", "100"), ("INCR", "counter"), ("MSET", "a", "1", "b", "2"),
          ("EXISTS", "small:3"), ("CONFIG", "SET", "maxmemory", "0"), ("DBSIZE",)]


class Mount:
    """A tmpfs mounted on a fresh directory for the test; always unmounted on exit. Fails the
    test with a clear message when mounting is not allowed (not root / no CAP_SYS_ADMIN)."""

    def __init__(self, options):
        self.options = options

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="lrukv-faults-mnt-")
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", self.options, "tmpfs", self.path],
                           capture_output=True, text=True)
        if r.returncode != 0:
            os.rmdir(self.path)
            raise AssertionError(
                f"cannot mount a tmpfs ({r.stderr.strip() or r.returncode}): these disk-fault tests "
                f"need root with CAP_SYS_ADMIN (uid {os.getuid()}); they fail rather than skip")
        return self

    def remount(self, options):
        subprocess.run(["mount", "-o", "remount," + options, self.path], check=True,
                       capture_output=True)

    def used_bytes(self):
        st = os.statvfs(self.path)
        return (st.f_blocks - st.f_bfree) * st.f_frsize

    def __exit__(self, *exc):
        r = subprocess.run(["umount", self.path], capture_output=True, text=True)
        if r.returncode != 0:  # a server still holding a file: detach it anyway
            subprocess.run(["umount", "-l", self.path], capture_output=True)
        os.rmdir(self.path)


class Servers:
    """Servers whose `dir` is the mount while their logs stay outside it (a full or read-only
    file system must not swallow the log). Every server is killed on exit."""

    def __enter__(self):
        self.log_dir = tempfile.mkdtemp(prefix="lrukv-faults-log-")
        self.started = []
        return self

    def lrukv(self, data_dir, args=()):
        # The later --dir wins, as in redis-server: the data goes to the mount.
        s = Server(lrukv_binary(BUILD_DIR), ["--dir", data_dir] + list(args), dir=self.log_dir)
        self.started.append(s)
        return s

    def redis(self, data_dir, args=()):
        s = Server(shutil.which("redis-server"),
                   ["--appendonly", "no", "--dir", data_dir] + list(args), dir=self.log_dir)
        self.started.append(s)
        return s

    def __exit__(self, *exc):
        for s in self.started:
            s.cleanup()
        shutil.rmtree(self.log_dir, ignore_errors=True)


def info(c):
    return c.info("persistence")


def wait_bgsave_done(c):
    return wait_for(lambda: (lambda i: i if i["rdb_bgsave_in_progress"] == 0 else None)(info(c)),
                    60, "the background save to end")


def outcome(c, *cmd):
    """A command's reply, or ("error", text) for an error reply."""
    try:
        return c.execute_command(*cmd)
    except redis.exceptions.ResponseError as e:
        return ("error", str(e))


def fill_small(c):
    for i in range(50):
        assert c.set(f"small:{i}", f"value {i}")


def fill_big(c):
    for i in range(BIG_VALUES):
        assert c.set(f"big:{i}", os.urandom(BIG_VALUE_BYTES))


def dump_name(server):
    return DUMP if "lrukv" in server.binary else "dump.rdb"


def probe_replies(c):
    return [outcome(c, *cmd) for cmd in PROBES]


# ---- 1. A full disk ----

def full_disk_scenario(servers, start, mount):
    """SAVE then BGSAVE on a full disk, then space returns; returns what a client saw, so the
    caller can diff lrukv against Redis. Checks the files (names differ per server) here."""
    s = start(mount.path, ["--save", "3600 1"])
    c = s.client()
    fill_small(c)
    assert c.save()
    dump = os.path.join(mount.path, dump_name(s))
    old = FileState(dump)
    fill_big(c)
    seen = {}

    seen["save"] = outcome(c, "SAVE")
    assert seen["save"][0] == "error", seen["save"]
    old.assert_unchanged("after SAVE on a full disk")
    assert sorted(os.listdir(mount.path)) == [dump_name(s)], os.listdir(mount.path)
    seen["after_save"] = probe_replies(c)  # a failed SAVE alone does not stop writes

    assert c.bgsave()
    seen["bgsave_status"] = wait_bgsave_done(c)["rdb_last_bgsave_status"]
    old.assert_unchanged("after BGSAVE on a full disk")
    assert sorted(os.listdir(mount.path)) == [dump_name(s)], os.listdir(mount.path)
    seen["after_bgsave"] = probe_replies(c)

    mount.remount("size=64m")  # space returns
    seen["still_denied"] = outcome(c, "SET", "after-space", "1")
    assert c.bgsave()
    seen["bgsave_status_after_space"] = wait_bgsave_done(c)["rdb_last_bgsave_status"]
    seen["after_recovery"] = outcome(c, "SET", "after-recovery", "1")
    return s, old, seen


def test_full_disk_save_and_bgsave_as_redis():
    # Mount outside Servers: the servers (whose cwd is the mount) are gone before the umount.
    with Mount("size=2m") as m, Servers() as servers:
        s, old, seen = full_disk_scenario(servers, servers.lrukv, m)
        c = s.client()
        log = s.log()
        # lrukv's own SAVE text says why (Redis answers a bare -ERR).
        assert re.fullmatch(r"Error saving the dump: .*No space left on device", seen["save"][1]), \
            seen["save"]
        assert "Error saving the dump: " in log and "No space left on device" in log, log
        assert re.search(r"Background saving error: .*No space left on device", log), log
        assert seen["bgsave_status"] == "err", seen
        assert seen["bgsave_status_after_space"] == "ok", seen
        assert seen["after_recovery"] is True, seen
        assert "Background saving terminated with success" in log
        assert temp_files(m.path) == []
        # A restart loads the recovered state.
        assert c.save()
        dbsize = c.dbsize()
        s.kill9()
        s2 = servers.lrukv(m.path)
        assert s2.client().dbsize() == dbsize
        assert s2.client().get("after-space") is None  # refused with MISCONF, never written
        assert s2.client().get("after-recovery") == b"1"
    with Mount("size=2m") as m, Servers() as servers:
        _, _, redis_seen = full_disk_scenario(servers, servers.redis, m)
    # Every reply but SAVE's text is Redis's, byte for byte; the MISCONF text included.
    lrukv_cmp = dict(seen, save=seen["save"][0])
    redis_cmp = dict(redis_seen, save=redis_seen["save"][0])
    assert lrukv_cmp == redis_cmp, f"\nlrukv: {lrukv_cmp}\nredis: {redis_cmp}"
    misconf = seen["after_bgsave"][0]
    assert misconf[0] == "error" and misconf[1].startswith(MISCONF_PREFIX), misconf


def test_full_disk_automatic_retries_leave_no_temporary_files():
    """With `save 1 1` the cron retries a failed background save every 5 s (Redis's
    CONFIG_BGSAVE_RETRY_DELAY); none of the failed attempts may leave its temporary behind, and
    the first retry after space returns clears -MISCONF by itself."""
    with Mount("size=2m") as m, Servers() as servers:
        s = servers.lrukv(m.path, ["--save", "3600 1"])
        c = s.client()
        fill_small(c)
        assert c.save()
        old = FileState(os.path.join(m.path, DUMP))
        used_with_old_dump = m.used_bytes()
        fill_big(c)
        assert c.config_set("save", "1 1")
        wait_for(lambda: s.log().count("Background saving error") >= 2, 30,
                 "two failed automatic background saves", poll_s=0.05)
        assert temp_files(m.path) == [], temp_files(m.path)
        assert m.used_bytes() <= used_with_old_dump, (m.used_bytes(), used_with_old_dump)
        old.assert_unchanged("after the failed retries")
        assert outcome(c, "SET", "x", "1")[1].startswith(MISCONF_PREFIX)
        attempts = s.log().count("Background saving started")
        assert attempts >= 2, s.log()
        m.remount("size=64m")
        wait_for(lambda: c.info("persistence")["rdb_last_bgsave_status"] == "ok", 30,
                 "an automatic retry to succeed once space returned", poll_s=0.05)
        assert c.set("x", "1")
        assert temp_files(m.path) == []


# ---- 2. A read-only dir ----

def test_read_only_dir_save_and_bgsave():
    with Mount("size=64m") as m, Servers() as servers:
        s = servers.lrukv(m.path, ["--save", "3600 1"])
        c = s.client()
        fill_small(c)
        assert c.save()
        dump = os.path.join(m.path, DUMP)
        old = FileState(dump)
        assert c.set("after-first-save", "1")
        m.remount("ro")

        err = outcome(c, "SAVE")
        assert err[0] == "error" and re.fullmatch(
            r"Error saving the dump: creating .*: Read-only file system", err[1]), err
        assert c.set("still-writable", "1"), "a failed SAVE alone must not stop writes"
        assert c.bgsave()
        assert wait_bgsave_done(c)["rdb_last_bgsave_status"] == "err"
        assert re.search(r"Background saving error: creating .*Read-only file system", s.log()), s.log()
        for cmd in (("SET", "k", "v"), ("PING",), ("DEL", "small:1")):
            r = outcome(c, *cmd)
            assert r[0] == "error" and r[1].startswith(MISCONF_PREFIX), (cmd, r)
        assert c.get("small:1") == b"value 1", "reads go on"
        old.assert_unchanged("on the read-only dir")
        assert os.listdir(m.path) == [DUMP]

        # stop-writes-on-bgsave-error no: writes go on despite the failure, as in Redis.
        assert c.config_set("stop-writes-on-bgsave-error", "no")
        assert c.set("k", "v")
        assert c.config_set("stop-writes-on-bgsave-error", "yes")
        assert outcome(c, "SET", "k", "v")[1].startswith(MISCONF_PREFIX)
        # Without save points there is nothing to protect: writes go on (Redis's rule too).
        assert c.config_set("save", "")
        assert c.set("k2", "v")
        assert c.config_set("save", "3600 1")

        m.remount("rw")
        assert c.save(), "SAVE once the dir is writable again"
        assert c.info("persistence")["rdb_last_bgsave_status"] == "ok"
        assert c.set("after-recovery", "1"), "a good SAVE clears -MISCONF, as in Redis"
        dbsize = c.dbsize()
        s.kill9()
        s2 = servers.lrukv(m.path)
        c2 = s2.client()
        assert c2.dbsize() == dbsize - 1  # the key written after the SAVE is gone with the kill
        assert c2.get("still-writable") == b"1" and c2.get("k2") == b"v"
        assert temp_files(m.path) == []


# ---- 3. SIGTERM during BGSAVE ----

def frozen_child(s, data_dir, temp_name):
    """Waits for the BGSAVE child's temporary file to hold bytes, then SIGSTOPs the child so
    the signal to the parent provably lands mid-save. Returns the child's pid."""
    child = wait_for(lambda: child_pids(s.pid), 10, "the BGSAVE child")[0]
    temp = os.path.join(data_dir, temp_name(child))
    wait_for(lambda: os.path.exists(temp) and os.path.getsize(temp) > 0, 30,
             "the child's temporary file", poll_s=0.0005)
    os.kill(child, signal.SIGSTOP)
    return child, temp


def fill_random(c, keys, value_bytes):
    """Incompressible values, so Redis's RDB takes as long to write as lrukv's dump."""
    for start in range(0, keys, 50):
        args = []
        for i in range(start, min(keys, start + 50)):
            args += [f"fill:{i}", os.urandom(value_bytes)]
        c.execute_command("MSET", *args)


# A dataset whose dump takes tens of ms to write (the child can be caught mid-write), built in
# few commands: 150 values of 60 KB.
SIGTERM_KEYS = 150
SIGTERM_VALUE_BYTES = 60_000


def sigterm_during_bgsave(start, data_dir, temp_name):
    os.makedirs(data_dir)
    s = start(data_dir, ["--save", "3600 1"])
    c = s.client()
    fill_random(c, SIGTERM_KEYS, SIGTERM_VALUE_BYTES)
    assert c.bgsave()
    child, temp = frozen_child(s, data_dir, temp_name)
    # Written while the child holds an older image: only the final save can keep these.
    for i in range(100):
        assert c.set(f"during-bgsave:{i}", str(i))
    s.proc.send_signal(signal.SIGTERM)
    code = s.proc.wait(60)
    return s, child, temp, code


def test_sigterm_during_bgsave_kills_the_child_then_saves_as_redis():
    # On a tmpfs: the final save's fsync then costs nothing on a busy machine's disk.
    with Mount("size=512m") as m, Servers() as servers:
        data = os.path.join(m.path, "lrukv")
        s, child, temp, code = sigterm_during_bgsave(
            servers.lrukv, data, lambda pid: f"{DUMP}.tmp-{pid}")
        assert code == 0, (code, s.log())
        log = s.log()
        order = [log.find("There is a child saving a dump. Killing it!"),
                 log.find("Saving the final dump before exiting."),
                 log.find("DB saved on disk")]
        assert -1 not in order and order == sorted(order), log
        assert not os.path.exists(temp), "the killed child's temporary file was left"
        assert not os.path.exists(f"/proc/{child}"), "the child outlived the server"
        assert temp_files(data) == []
        s2 = servers.lrukv(data)
        c2 = s2.client()
        assert c2.dbsize() == SIGTERM_KEYS + 100
        assert c2.mget([f"during-bgsave:{i}" for i in range(100)]) == \
            [str(i).encode() for i in range(100)]

        # Redis does the same: kills its child, then saves synchronously.
        rdata = os.path.join(m.path, "redis")
        r, rchild, rtemp, rcode = sigterm_during_bgsave(
            servers.redis, rdata, lambda pid: f"temp-{pid}.rdb")
        # Redis signals its child (SIGUSR1) without waiting: the stopped child lingers.
        os.kill(rchild, signal.SIGKILL)
        assert rcode == 0, r.log()
        rlog = r.log()
        rorder = [rlog.find("There is a child saving an .rdb. Killing it!"),
                  rlog.find("Saving the final RDB snapshot before exiting."),
                  rlog.find("DB saved on disk")]
        assert -1 not in rorder and rorder == sorted(rorder), rlog
        assert not os.path.exists(rtemp)

    with Mount("size=512m") as m, Servers() as servers:
        # Without save points: the child dies and nothing is saved; the old dump stays.
        s = servers.lrukv(m.path, ["--save", ""])
        c = s.client()
        fill_random(c, SIGTERM_KEYS, SIGTERM_VALUE_BYTES)
        assert c.save()
        old = FileState(os.path.join(m.path, DUMP))
        c.set("unsaved", "1")
        assert c.bgsave()
        child, temp = frozen_child(s, m.path, lambda pid: f"{DUMP}.tmp-{pid}")
        s.proc.send_signal(signal.SIGTERM)
        assert s.proc.wait(60) == 0
        assert "Killing it!" in s.log() and "Saving the final dump" not in s.log()
        assert not os.path.exists(temp)
        old.assert_unchanged("after SIGTERM without save points")
        assert temp_files(m.path) == []


def main():
    global BUILD_DIR
    BUILD_DIR = parse_args(__doc__).build_dir
    return run_test_functions(globals())


if __name__ == "__main__":
    sys.exit(main())
