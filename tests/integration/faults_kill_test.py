"""kill -9 of the server at random moments during 200 snapshots (issue 6): SAVE and BGSAVE
mixed, under a write load, each followed by a kill at a random delay and a restart. Every
restart must load the last complete dump: the one the killed save wrote if it finished (then
every key acknowledged before that save started is there, with its value), else the one
before, and nothing written since. The writer's keys are sequential and each write also
overwrites one of a few hot keys, so a snapshot must be one instant of the write stream: a
prefix of the sequence with no hole, and hot keys holding the last value of that prefix.

The delays are drawn around the measured duration of a save, so most kills land while a save
is in progress (its temporary file on disk); the test counts them and fails if too few do.
Under the ASan build (LRUKV_SANITIZE:BOOL=ON in the build's CMakeCache.txt: a Debug build,
where a restart and a save are 5-10x slower) it runs 30 rounds on a 5,000-key base instead of
200 on 20,000, to stay within its budget.

Run: /usr/bin/python3 tests/integration/faults_kill_test.py --build-dir BUILD"""
import os
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dump_files import child_pids, fill_keys, temp_files, wait_for  # noqa: E402
from servers import run_test_functions, parse_args, start_lrukv  # noqa: E402

BUILD_DIR = None
ROUNDS = 200
ROUNDS_UNDER_ASAN = 30
# A base dataset big enough that a save takes tens of ms (a kill can land inside it), small
# enough that 200 restarts load it quickly.
BASE_KEYS = 20_000
BASE_KEYS_UNDER_ASAN = 5_000
BASE_VALUE_BYTES = 100
HOT_KEYS = 16
# Kills are drawn uniformly from 0 to this many times the median save time.
KILL_WINDOW_SAVES = 2.5
# The save time is measured again (a save nobody kills) every this many rounds.
REMEASURE_EVERY = 10
# At least this share of the kills must land while a save's temporary file exists.
MIN_SHARE_DURING_SAVE = 0.25


def sanitized_build(build_dir):
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
            return "LRUKV_SANITIZE:BOOL=ON" in f.read()
    except FileNotFoundError:
        return False


def process_gone(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def w_key(seq):
    return b"w:%d" % seq


def w_value(round_no, seq):
    return b"r%d-s%d-" % (round_no, seq) + b"v" * (seq % 37)


class Writer(threading.Thread):
    """MSETs (w:<seq>, hot:<seq % HOT_KEYS>) to this round's value on its own connection until
    stopped or the server dies; `acked` is the highest seq acknowledged. The w keys are reused
    every round (values differ), so the dataset stays the same size over 200 rounds."""

    def __init__(self, server, round_no):
        super().__init__(daemon=True)
        self.client = server.client()
        self.round_no = round_no
        self.acked = -1
        self.stopping = False
        self.error = None

    def run(self):
        seq = 0
        try:
            while not self.stopping:
                v = w_value(self.round_no, seq)
                self.client.execute_command("MSET", w_key(seq), v, b"hot:%d" % (seq % HOT_KEYS), v)
                self.acked = seq
                seq += 1
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as e:
            if not self.stopping:
                self.error = e


# A dump entry of a key the test wrote (not a base key): keys and values are plain ASCII, so
# they appear verbatim in the JSON.
ENTRY = re.compile(rb'\{"key":"((?:w|hot):\d+|epoch)","value":"([^"\\]*)"\}')


def read_dump(ws_dir):
    """The dump's entries apart from the base keys (key -> value), and how many base keys it
    holds, read from the file's bytes (a full JSON parse of every round's dump would cost more
    than the round; the next start's load validates the whole document)."""
    with open(os.path.join(ws_dir, "dump.json"), "rb") as f:
        data = f.read()
    assert data.startswith(b'{"format":"lrukv-dump"') and data.endswith(b"]}\n"), data[-40:]
    others = {m.group(1): m.group(2) for m in ENTRY.finditer(data)}
    assert data.count(b'{"key":"') == data.count(b'{"key":"base:') + len(others), \
        "an entry the test did not write, or one it cannot read"
    return others, data.count(b'{"key":"base:')


def check_restart(s, model, round_no, rng):
    """The restarted server holds exactly the model's dump: the loader's count, DBSIZE, every
    non-base key's value and a sample of the base."""
    c = s.client()
    total = BASE_KEYS + len(model)
    loaded = re.findall(r"keys loaded: (\d+), keys expired: 0", s.log())
    assert loaded and int(loaded[-1]) == total, (round_no, loaded[-1:], total)
    assert c.dbsize() == total, (round_no, c.dbsize(), total)
    names = sorted(model)
    for start in range(0, len(names), 2000):
        got = c.mget(names[start:start + 2000])
        assert got == [model[k] for k in names[start:start + 2000]], round_no
    sample = [b"base:%d" % i for i in rng.sample(range(BASE_KEYS), 50)]
    assert c.mget(sample) == [b"x" * BASE_VALUE_BYTES] * len(sample), round_no


def timed_save(c):
    started = time.monotonic()
    assert c.save()
    return (time.monotonic() - started) * 1000


def run_round(ws_dir, model, round_no, rng, save_times_ms, stats):
    """One restart, one save under writes, one kill -9. Returns what the kill interrupted."""
    s = start_lrukv(BUILD_DIR, dir=ws_dir)
    try:
        check_restart(s, model, round_no, rng)
        assert temp_files(ws_dir) == [], (round_no, temp_files(ws_dir))
        c = s.client()
        if round_no % REMEASURE_EVERY == 0:
            # A save nobody kills, to follow the machine's pace (it rewrites the same content).
            save_times_ms.append(timed_save(c))
        kill_window_ms = KILL_WINDOW_SAVES * statistics.median(save_times_ms[-5:])
        assert c.set("epoch", round_no)
        writer = Writer(s, round_no)
        writer.start()
        wait_for(lambda: writer.acked >= 10 or writer.error, 30, "the writer to start")
        time.sleep(rng.uniform(0, 0.01))
        use_bgsave = rng.random() < 0.5
        mark = writer.acked  # acknowledged before the save starts: must be in its dump
        saves_before = c.info("persistence")["rdb_saves"]
        done = threading.Event()

        def save():
            try:
                if s.client().save():
                    done.set()
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
                pass

        save_started = time.monotonic()
        if use_bgsave:
            assert c.bgsave()
        else:
            threading.Thread(target=save, daemon=True).start()
        # Kill anywhere from just after the command to a little past the save's usual end.
        deadline = save_started + rng.uniform(0, kill_window_ms / 1000)
        while time.monotonic() < deadline:
            if use_bgsave and c.info("persistence")["rdb_saves"] > saves_before:
                done.set()
            time.sleep(min(0.002, max(0.0, deadline - time.monotonic())))
        confirmed = done.is_set()
        # Freeze the server and its child, so what is seen here is what the kill hits.
        os.kill(s.pid, signal.SIGSTOP)
        children = child_pids(s.pid)
        for child in children:
            os.kill(child, signal.SIGSTOP)
        temps_at_kill = temp_files(ws_dir)
        killed_at_ms = (time.monotonic() - save_started) * 1000
        writer.stopping = True  # the ConnectionError the kill gives it is expected
        s.kill9()  # the child gets SIGKILL too (PR_SET_PDEATHSIG)
        writer.join(10)
        assert writer.error is None, writer.error
        for child in children:
            # A child frozen between fork() and its prctl(PR_SET_PDEATHSIG) missed the parent's
            # death; let it run: it then sees its parent gone and exits (RunChild's getppid()).
            try:
                os.kill(child, signal.SIGCONT)
            except ProcessLookupError:
                pass
            wait_for(lambda: process_gone(child), 5, "the BGSAVE child to die with its server")
        stats["during_save"] += 1 if temps_at_kill else 0
        stats["bgsave" if use_bgsave else "save"] += 1
        return use_bgsave, mark, writer.acked, confirmed, killed_at_ms
    finally:
        s.cleanup()


def test_kill9_at_random_moments_during_200_saves_under_writes():
    global BASE_KEYS
    rounds = ROUNDS
    if sanitized_build(BUILD_DIR):
        rounds, BASE_KEYS = ROUNDS_UNDER_ASAN, BASE_KEYS_UNDER_ASAN
    rng = random.Random(6)
    # In memory (/dev/shm is a tmpfs): a process crash keeps the page cache as a disk would, and
    # saves do not wait on a busy machine's disk, so the 200 rounds fit the time budget.
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    ws_dir = tempfile.mkdtemp(prefix="lrukv-faults-kill-", dir=shm)
    stats = {"during_save": 0, "save": 0, "bgsave": 0, "new_dump": 0, "old_dump": 0}
    t0 = time.monotonic()
    try:
        # The base dataset, and five saves to measure how long one takes.
        s = start_lrukv(BUILD_DIR, dir=ws_dir)
        try:
            c = s.client()
            fill_keys(c, BASE_KEYS, BASE_VALUE_BYTES, prefix=b"base:")
            save_times_ms = [timed_save(c) for _ in range(5)]
        finally:
            s.cleanup()
        model = {}  # every non-base key of the last complete dump -> value
        for round_no in range(rounds):
            use_bgsave, mark, acked, confirmed, killed_at_ms = run_round(
                ws_dir, model, round_no, rng, save_times_ms, stats)
            what = f"round {round_no}: {'BGSAVE' if use_bgsave else 'SAVE'} killed at {killed_at_ms:.1f} ms"
            dump, base = read_dump(ws_dir)
            assert base == BASE_KEYS, (what, base)
            if dump.get(b"epoch") == b"%d" % round_no:
                # The killed save finished: every write acknowledged before it started is in,
                # and the snapshot is one instant of the writer: w:0..n-1 and the hot keys
                # hold this round's values, every other key its previous one.
                mine = b"r%d-s" % round_no
                n = sum(1 for k, v in dump.items() if k.startswith(b"w:") and v.startswith(mine))
                assert mark + 1 <= n <= acked + 2, (what, n, mark, acked)
                expected = dict(model)
                expected[b"epoch"] = b"%d" % round_no
                for seq in range(n):
                    expected[w_key(seq)] = w_value(round_no, seq)
                    expected[b"hot:%d" % (seq % HOT_KEYS)] = w_value(round_no, seq)
                assert dump == expected, what
                model = expected
                stats["new_dump"] += 1
            else:
                assert not confirmed, f"{what}: the save was confirmed but its dump is not there"
                assert dump == model, f"{what}: the dump is neither the new one nor the last one"
                stats["old_dump"] += 1
        # A last restart checks the final dump.
        s = start_lrukv(BUILD_DIR, dir=ws_dir)
        try:
            check_restart(s, model, rounds, rng)
            assert temp_files(ws_dir) == []
        finally:
            s.cleanup()
    finally:
        shutil.rmtree(ws_dir, ignore_errors=True)
    print(f"  {rounds} rounds in {time.monotonic() - t0:.1f}s ({stats['save']} SAVE, "
          f"{stats['bgsave']} BGSAVE; a save took {statistics.median(save_times_ms):.1f} ms): {stats['during_save']} kills "
          f"landed during a save in progress (its temporary file on disk); restarts loaded the "
          f"killed save's dump {stats['new_dump']} times, the one before {stats['old_dump']}",
          flush=True)
    assert stats["during_save"] >= MIN_SHARE_DURING_SAVE * rounds, stats
    assert stats["new_dump"] > 0 and stats["old_dump"] > 0, stats


def main():
    global BUILD_DIR
    BUILD_DIR = parse_args(__doc__).build_dir
    return run_test_functions(globals())


if __name__ == "__main__":
    sys.exit(main())
