"""A wall-clock step under a running server (issue 6): lrukv's TTL deadlines run on a
monotonic clock (src/engine/clock.h), so stepping the server's wall clock an hour forward
does not expire keys early, and stepping it back does not keep them an hour late; keys with
relative TTLs expire on time, by lookup and by the background expiry alike. Unix times at the
boundaries follow the stepped clock: PEXPIREAT counts from it, PEXPIRETIME and the dump's
expire_at_ms are in it, and so are the times shown to clients (LASTSAVE, INFO's
rdb_last_save_time and lru_clock, SLOWLOG and LATENCY timestamps), as Redis shows them.

The step is made with libfaketime (Debian package `faketime`, installed by tools/install-deps)
preloaded into the server only: FAKETIME_DONT_FAKE_MONOTONIC=1 leaves CLOCK_MONOTONIC real,
and the offset is re-read from a timestamp file on every call (FAKETIME_NO_CACHE=1), so the
test moves the server's wall clock while it runs. Without the library the test fails.

Run: /usr/bin/python3 tests/integration/faults_clock_test.py --build-dir BUILD"""
import glob
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dump_files import wait_for  # noqa: E402
from servers import run_test_functions, Server, lrukv_binary, parse_args  # noqa: E402

BUILD_DIR = None
HOUR_MS = 3_600_000


def libfaketime():
    found = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))
    assert found, "libfaketime.so.1 not found: install Debian's faketime (tools/install-deps)"
    return found[0]


class SteppedServer:
    """lrukv under libfaketime; step(offset_s) sets its wall clock to real time + offset_s."""

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="lrukv-faults-clock-")
        self.stamp = os.path.join(self.dir, "faketime")
        self.offset_s = 0
        self._write_offset(0)
        env = {
            "LD_PRELOAD": libfaketime(),
            "FAKETIME_TIMESTAMP_FILE": self.stamp,
            "FAKETIME_NO_CACHE": "1",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            # The ASan build wants its runtime first in the library list; libfaketime is.
            "ASAN_OPTIONS": ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"),
                                                   "verify_asan_link_order=0"])),
        }
        self.server = Server(lrukv_binary(BUILD_DIR), ["--save", ""], dir=self.dir, extra_env=env)
        self.client = self.server.client()
        return self

    def _write_offset(self, offset_s):
        tmp = self.stamp + ".new"
        with open(tmp, "w") as f:
            f.write(f"{offset_s:+d}\n")
        os.replace(tmp, self.stamp)  # libfaketime never reads a half-written file

    def server_wall_ms(self):
        sec, usec = self.client.time()
        return sec * 1000 + usec // 1000

    def step(self, offset_s):
        self._write_offset(offset_s)
        self.offset_s = offset_s
        wait_for(lambda: abs(self.server_wall_ms() - time.time() * 1000 - offset_s * 1000) < 1000,
                 10, f"the server's wall clock to show the {offset_s:+d} s offset")

    def __exit__(self, *exc):
        # A clean exit, so libfaketime removes its /dev/shm segment (a kill -9 would leak it).
        self.server.stop()
        self.server.cleanup()
        shutil.rmtree(self.dir, ignore_errors=True)


def test_wall_clock_steps_neither_expire_early_nor_keep_keys_late():
    with SteppedServer() as st:
        c = st.client
        assert abs(st.server_wall_ms() - time.time() * 1000) < 1000, "libfaketime offset at start"
        c.set("plain", "v")
        c.set("long", "v", ex=1000)
        pexpiretime_before = c.pexpiretime("long")
        c.set("rel", "v", px=3000)
        set_at = time.monotonic()

        # An hour forward: nothing expires at the jump, neither on lookup nor in the background.
        st.step(+3600)
        time.sleep(0.3)  # three cron ticks of background expiry
        assert c.dbsize() == 3, "keys were reclaimed at the jump"
        assert c.exists("rel") == 1, "a 3 s TTL expired at a 1 h wall-clock step"
        pttl = c.pttl("rel")
        left_ms = 3000 - (time.monotonic() - set_at) * 1000
        assert abs(pttl - left_ms) < 300, (pttl, left_ms)
        # Unix times follow the stepped clock: the deadline reads an hour later, PEXPIREAT
        # counts from the stepped now, and the dump holds stepped unix times.
        assert abs(c.pexpiretime("long") - (pexpiretime_before + HOUR_MS)) <= 2, \
            (c.pexpiretime("long"), pexpiretime_before)
        c.set("abs", "v")
        assert c.pexpireat("abs", st.server_wall_ms() + 60_000)
        assert 59_000 <= c.pttl("abs") <= 60_000, c.pttl("abs")
        c.set("dumped", "v", px=60_000)
        assert c.save()
        with open(os.path.join(st.dir, "dump.json")) as f:
            entries = {e["key"]: e.get("expire_at_ms") for e in json.load(f)["entries"]}
        stepped_now_ms = time.time() * 1000 + HOUR_MS
        assert abs(entries["dumped"] - (stepped_now_ms + 60_000)) < 1000, \
            (entries["dumped"], stepped_now_ms)

        # The relative TTL ends on time: present just before its deadline, gone just after,
        # reclaimed by the background expiry without being read.
        wait_for(lambda: time.monotonic() - set_at > 2.7, 10, "2.7 s after the SET")
        assert c.exists("rel") == 1, "expired early"
        wait_for(lambda: c.dbsize() == 4, 3, "the 3 s key to be reclaimed (DBSIZE 5 -> 4)",
                 poll_s=0.01)
        gone_after_s = time.monotonic() - set_at
        assert 2.9 <= gone_after_s <= 4.0, gone_after_s

        # An hour back: a 2 s TTL set before the step still ends after 2 s, not 1 h later.
        c.set("rel2", "v", px=2000)
        set2_at = time.monotonic()
        st.step(0)
        assert c.exists("rel2") == 1
        wait_for(lambda: c.exists("rel2") == 0, 4, "the 2 s key to expire after the step back",
                 poll_s=0.01)
        gone2_after_s = time.monotonic() - set2_at
        assert 1.9 <= gone2_after_s <= 3.0, gone2_after_s
        # The long TTL's deadline is back to what it was before either step.
        assert abs(c.pexpiretime("long") - pexpiretime_before) <= 2
        assert c.get("plain") == b"v"


def test_times_shown_to_clients_are_wall_clock_after_a_step():
    """LASTSAVE, INFO rdb_last_save_time and lru_clock, SLOWLOG GET and LATENCY LATEST /
    HISTORY timestamps are unix times of the (stepped) wall clock, as Redis shows them: taken
    when the event happened, so a later step does not move them."""
    with SteppedServer() as st:
        c = st.client
        c.config_set("slowlog-log-slower-than", 0)
        c.config_set("latency-monitor-threshold", 1)
        st.step(+3600)

        def near_stepped_now(t_s, what):
            now_s = st.server_wall_ms() / 1000
            assert abs(t_s - now_s) <= 2, f"{what}: {t_s}, the stepped clock says {now_s:.0f}"

        def lastsave_s():
            return int(c.lastsave().timestamp())  # redis-py makes the unix time a datetime

        assert c.save()
        saved_s = lastsave_s()
        near_stepped_now(saved_s, "LASTSAVE after a save")
        near_stepped_now(c.info("persistence")["rdb_last_save_time"], "rdb_last_save_time")
        # lru_clock is unix seconds modulo 2^24, as Redis's LRU clock.
        lru_delta = (c.info("server")["lru_clock"] - int(st.server_wall_ms() / 1000)) % 2**24
        assert min(lru_delta, 2**24 - lru_delta) <= 2, f"lru_clock {lru_delta} s off the clock"
        c.execute_command("DEBUG", "SLEEP", "0.02")
        slow = c.slowlog_get(1)[0]
        near_stepped_now(slow["start_time"], "SLOWLOG GET's timestamp")
        latest = {row[0]: row for row in c.execute_command("LATENCY", "LATEST")}
        near_stepped_now(latest[b"command"][1], "LATENCY LATEST's timestamp")
        near_stepped_now(c.execute_command("LATENCY", "HISTORY", "command")[-1][0],
                         "LATENCY HISTORY's timestamp")

        # An hour back: what was recorded keeps its time; new events take the new one.
        st.step(0)
        assert lastsave_s() == saved_s, "LASTSAVE moved with the clock"
        assert any(e["id"] == slow["id"] and e["start_time"] == slow["start_time"]
                   for e in c.slowlog_get(128)), "the SLOWLOG entry's timestamp moved"
        c.execute_command("DEBUG", "SLEEP", "0.02")
        near_stepped_now(c.slowlog_get(1)[0]["start_time"], "SLOWLOG after the step back")
        assert c.save()
        near_stepped_now(lastsave_s(), "LASTSAVE after the step back")


def main():
    global BUILD_DIR
    BUILD_DIR = parse_args(__doc__).build_dir
    return run_test_functions(globals())


if __name__ == "__main__":
    sys.exit(main())
