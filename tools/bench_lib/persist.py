"""The persistence part (issue 4): SAVE, file size, load at start, peak RSS during the load and
the reactor's longest pause during BGSAVE, for one server and one dataset per call of run_once.

One run, on a fresh server pinned to CPU 0 (`--save "" --dir D`, D a fresh directory):
  fill     the dataset's RESP file through `redis-cli --pipe` (CPU 1), timed; DBSIZE must be N;
  SAVE     wall time as the client sees it, and the server's own (INFO commandstats usec delta);
           the size of D/<dump file>;
  BGSAVE   a PING probe (lrukv-loadgen probe, one PING at a time every --interval-us, CPU 1) runs
           on its own connection; BGSAVE is sent on another and INFO persistence polled every
           POLL_S until rdb_bgsave_in_progress:0. The figure is the longest round trip that
           overlaps [BGSAVE sent, save seen finished] (and when it was sent: often near the end
           of the save, not at the fork); latest_fork_usec comes from INFO stats;
  baseline the same probe and the same INFO polling for the same duration without BGSAVE, so the
           machine's own noise is visible;
  load     SHUTDOWN NOSAVE, then the same argv again on the same D: wall time from spawn to the
           first +PONG (-LOADING and refused connections are retried every STARTUP_POLL_S), the
           "DB loaded from disk: X seconds" line of the log, VmHWM (the peak RSS, so the peak
           during the load) and VmRSS from /proc right after that PONG; DBSIZE must equal N.
The dump is read from the page cache (it was just written), for both servers alike.
"""
import os
import random
import re
import shutil
import signal
import subprocess
import time

import redis

from . import procs

SERVER_CPU, LOAD_CPU = 0, 1
POLL_S = 0.02            # INFO persistence poll period while a BGSAVE runs (and in the baseline)
STARTUP_POLL_S = 0.002   # retry period of the first PING after a spawn
START_TIMEOUT_S = 600    # a load of the full datasets takes seconds; this is only a safety net
PROBE_WARMUP_S = 0.3     # the probe is connected and past its first PINGs before BGSAVE is sent
KEYS_PER_CHUNK = 10_000  # keys generated per write of the RESP file
LOADED_RE = re.compile(r"DB loaded from disk: ([0-9.]+) seconds")
# 64 characters that JSON never escapes: printable values go into lrukv's dump as "value" strings.
PRINTABLE = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
TO_PRINTABLE = bytes.maketrans(bytes(range(256)), PRINTABLE * 4)


class Dataset:
    """N keys `key:%010d`, each with value_len random bytes (printable: uniform over PRINTABLE;
    otherwise uniform over all 256 byte values), from a fixed seed so every server gets the same
    data; written once as RESP SET commands to resp_path."""

    def __init__(self, label, nkeys, value_len, printable, workdir, seed=4):
        self.label, self.nkeys, self.value_len, self.printable = label, nkeys, value_len, printable
        self.resp_path = os.path.join(workdir, f"fill-{nkeys}x{value_len}.resp")
        rng = random.Random(seed)
        with open(self.resp_path, "wb") as f:
            for lo in range(0, nkeys, KEYS_PER_CHUNK):
                hi = min(lo + KEYS_PER_CHUNK, nkeys)
                blob = rng.randbytes((hi - lo) * value_len)
                if printable:
                    blob = blob.translate(TO_PRINTABLE)
                f.write(b"".join(
                    b"*3\r\n$3\r\nSET\r\n$14\r\nkey:%010d\r\n$%d\r\n%s\r\n"
                    % (i, value_len, blob[(i - lo) * value_len:(i - lo + 1) * value_len])
                    for i in range(lo, hi)))

    def remove(self):
        os.unlink(self.resp_path)


class Spec:
    """How to start one kind of server: argv without --port/--bind/--save/--dir, any extra
    arguments (redis: --appendonly no), and the dump file's name."""

    def __init__(self, name, argv, extra, dump_name):
        self.name, self.argv, self.extra, self.dump_name = name, list(argv), list(extra), dump_name


class Process:
    """One server process pinned to SERVER_CPU on data directory data_dir, its log in log_path.
    The constructor returns at the first +PONG; started_s is the wall time from spawn to it."""

    def __init__(self, spec, data_dir, log_path):
        self.spec, self.port, self.log_path = spec, procs.free_port(), log_path
        cmd = (["taskset", "-c", str(SERVER_CPU)] + spec.argv
               + ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir", data_dir]
               + spec.extra)
        self.log = open(log_path, "w")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=self.log, cwd=data_dir)
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{spec.name} exited with {self.proc.returncode} at start: "
                                   f"{' '.join(cmd)}\n{self.log_tail()}")
            if time.monotonic() - t0 > START_TIMEOUT_S:
                self.kill()
                raise RuntimeError(f"{spec.name} gave no PONG within {START_TIMEOUT_S} s")
            try:
                c = redis.Redis(port=self.port, socket_connect_timeout=1)
                pong = c.ping()
                c.close()
                if pong:
                    break
            except (redis.ConnectionError, redis.BusyLoadingError):
                pass
            time.sleep(STARTUP_POLL_S)
        self.started_s = time.monotonic() - t0
        self.client = redis.Redis(port=self.port)  # no timeout: SAVE of the full data takes long

    def status_kb(self, field):
        """A `field: N kB` line of /proc/PID/status (VmHWM, VmRSS), in bytes."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError(f"no {field} in /proc/{self.proc.pid}/status")

    def log_tail(self):
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-20:])

    def loaded_seconds(self):
        """The X of the log's "DB loaded from disk: X seconds" (waits a little for the line)."""
        for _ in range(100):
            with open(self.log_path, errors="replace") as f:
                m = LOADED_RE.search(f.read())
            if m:
                return float(m.group(1))
            time.sleep(0.02)
        raise RuntimeError(f"{self.spec.name}: no 'DB loaded from disk' line in {self.log_path}:\n"
                           f"{self.log_tail()}")

    def dbsize_must_be(self, nkeys, when):
        keys = self.client.dbsize()
        if keys != nkeys:
            raise RuntimeError(f"{self.spec.name}: DBSIZE {keys} {when}, expected {nkeys}")

    def shutdown_nosave(self):
        try:
            self.client.shutdown(nosave=True)
        except redis.ConnectionError:
            pass
        self.proc.wait(60)
        self.log.close()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def fill(p, dataset):
    """Loads the dataset through `redis-cli --pipe` on LOAD_CPU; fails unless every reply was OK.
    Returns its wall seconds: the same keys inserted over the wire, a yardstick for the load."""
    t0 = time.monotonic()
    with open(dataset.resp_path, "rb") as f:
        r = subprocess.run(["taskset", "-c", str(LOAD_CPU), "redis-cli", "-p", str(p.port),
                            "--pipe"], stdin=f, capture_output=True)
    out = (r.stdout + r.stderr).decode(errors="replace")
    if r.returncode != 0 or "errors: 0," not in out:
        raise RuntimeError(f"{p.spec.name}: redis-cli --pipe failed:\n{out}")
    seconds = time.monotonic() - t0
    p.dbsize_must_be(dataset.nkeys, "after the fill")
    return seconds


def save(p, data_dir):
    """(client seconds, server seconds from commandstats, file bytes) of one SAVE."""
    def save_usec():
        return p.client.info("commandstats").get("cmdstat_save", {}).get("usec", 0)

    before = save_usec()
    t0 = time.monotonic()
    if p.client.execute_command("SAVE") not in (b"OK", "OK", True):
        raise RuntimeError(f"{p.spec.name}: SAVE did not answer OK")
    client_s = time.monotonic() - t0
    server_s = (save_usec() - before) / 1e6
    return client_s, server_s, os.path.getsize(os.path.join(data_dir, p.spec.dump_name))


class Probe:
    """lrukv-loadgen probe on LOAD_CPU (SCHED_FIFO when rt): one PING at a time every
    interval_us, each round trip kept in a samples file as `send_unix_us rtt_us`."""

    def __init__(self, loadgen, port, samples_path, interval_us, rt):
        self.samples_path = samples_path
        cmd = (["taskset", "-c", str(LOAD_CPU)] + (["chrt", "-f", "10"] if rt else [])
               + [loadgen, "probe", "--port", str(port), "--interval-us", str(interval_us),
                  "--samples", samples_path])
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        time.sleep(PROBE_WARMUP_S)
        if self.proc.poll() is not None:
            raise RuntimeError(f"probe exited at start: {self.proc.stderr.read()}")

    def stop_max_ms(self, start_unix_s, end_unix_s):
        """Stops the probe; (longest round trip in ms overlapping [start, end], seconds from start
        to when that round trip was sent, round trips in that window)."""
        self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=60)
        if self.proc.returncode != 0:
            raise RuntimeError(f"probe failed ({self.proc.returncode}): {out}{err}")
        lo, hi = start_unix_s * 1e6, end_unix_s * 1e6
        longest_us, longest_at_us, count = 0, 0, 0
        with open(self.samples_path) as f:
            for line in f:
                sent_us, rtt_us = map(int, line.split())
                if sent_us + rtt_us >= lo and sent_us <= hi:
                    count += 1
                    if rtt_us > longest_us:
                        longest_us, longest_at_us = rtt_us, sent_us
        os.unlink(self.samples_path)
        if count == 0:
            raise RuntimeError("the probe recorded no round trip inside the window")
        return longest_us / 1e3, (longest_at_us - lo) / 1e6, count


def _poll_persistence(p, until):
    """Polls INFO persistence every POLL_S until until(info) holds; returns the last info."""
    while True:
        info = p.client.info("persistence")
        if until(info):
            return info
        time.sleep(POLL_S)


def bgsave_pause(p, probe_args, samples_base):
    """BGSAVE under the probe, then the baseline over the same duration: a dict of figures.
    The probes' samples go to samples_base + "-bgsave.txt" / "-baseline.txt" (removed after)."""
    probe = Probe(port=p.port, samples_path=samples_base + "-bgsave.txt", **probe_args)
    start = time.time()
    t0 = time.monotonic()
    reply = p.client.execute_command("BGSAVE")
    reply_s = time.monotonic() - t0
    # redis-py maps the +Background saving started status to True; an error raises.
    if reply is not True and "started" not in str(reply):
        probe.stop_max_ms(start, time.time())
        raise RuntimeError(f"{p.spec.name}: BGSAVE answered {reply!r}")
    info = _poll_persistence(p, lambda i: int(i["rdb_bgsave_in_progress"]) == 0)
    end = time.time()
    bg_max_ms, bg_max_at_s, bg_count = probe.stop_max_ms(start, end)
    if info["rdb_last_bgsave_status"] != "ok":
        raise RuntimeError(f"{p.spec.name}: BGSAVE failed: {info}")
    fork_usec = int(p.client.info("stats")["latest_fork_usec"])

    duration_s = end - start
    probe = Probe(port=p.port, samples_path=samples_base + "-baseline.txt", **probe_args)
    start = time.time()
    deadline = time.monotonic() + duration_s
    _poll_persistence(p, lambda _: time.monotonic() >= deadline)
    base_max_ms, _, base_count = probe.stop_max_ms(start, time.time())
    return {"bgsave_s": duration_s, "bgsave_reply_ms": reply_s * 1e3,
            "bgsave_max_ping_ms": bg_max_ms, "bgsave_max_ping_at_s": bg_max_at_s,
            "bgsave_pings": bg_count,
            "fork_ms": fork_usec / 1e3, "baseline_max_ping_ms": base_max_ms,
            "baseline_pings": base_count}


def run_once(spec, dataset, workdir, tag, probe_args):
    """One full run of spec on dataset in a fresh directory under workdir: a dict of figures."""
    data_dir = os.path.join(workdir, f"{tag}-data")
    os.makedirs(data_dir)
    figures = {}
    p = Process(spec, data_dir, os.path.join(workdir, f"{tag}-fill.log"))
    try:
        figures["fill_s"] = fill(p, dataset)
        figures["save_s"], figures["save_server_s"], figures["file_bytes"] = save(p, data_dir)
        figures.update(bgsave_pause(p, probe_args, os.path.join(workdir, tag)))
        p.shutdown_nosave()
    except BaseException:
        p.kill()
        raise
    p = Process(spec, data_dir, os.path.join(workdir, f"{tag}-load.log"))
    try:
        figures["load_spawn_s"] = p.started_s
        figures["peak_rss_bytes"] = p.status_kb("VmHWM")
        figures["rss_after_load_bytes"] = p.status_kb("VmRSS")
        figures["load_log_s"] = p.loaded_seconds()
        p.dbsize_must_be(dataset.nkeys, "after the load at start")
        p.shutdown_nosave()
    except BaseException:
        p.kill()
        raise
    shutil.rmtree(data_dir)
    return figures


# ---- The table ----

ROWS = (  # (figure key, row label, unit divisor, format, target ratio or None)
    ("save_s", "SAVE time, client (s)", 1, "{:.2f}", 2.0),
    ("save_server_s", "SAVE time, server (commandstats, s)", 1, "{:.2f}", None),
    ("file_bytes", "file size (MB)", 1e6, "{:.1f}", None),
    ("load_log_s", "load time (log, s)", 1, "{:.2f}", 2.0),
    ("load_spawn_s", "load time (spawn to first PONG, s)", 1, "{:.2f}", None),
    ("fill_s", "fill time for comparison (redis-cli --pipe, s)", 1, "{:.2f}", None),
    ("peak_rss_bytes", "peak RSS during load (VmHWM, MB)", 1e6, "{:.0f}", None),
    ("rss_after_load_bytes", "RSS after load (VmRSS, MB)", 1e6, "{:.0f}", None),
    ("bgsave_max_ping_ms", "BGSAVE max PING latency (ms)", 1, "{:.2f}", 2.0),
    ("bgsave_max_ping_at_s", "… that PING sent at (s after BGSAVE)", 1, "{:.2f}", None),
    ("fork_ms", "fork time (latest_fork_usec, ms)", 1, "{:.2f}", None),
    ("bgsave_reply_ms", "BGSAVE reply time (ms)", 1, "{:.2f}", None),
    ("bgsave_s", "BGSAVE duration (sent to seen finished, s)", 1, "{:.2f}", None),
    ("baseline_max_ping_ms", "baseline max PING latency, no BGSAVE (ms)", 1, "{:.2f}", None),
)


NO_RATIO = {"bgsave_max_ping_at_s"}  # a moment, not a cost: a ratio of it means nothing


def _median(values):
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def table(dataset_label, runs_by_server, names=("lrukv", "redis")):
    """Markdown lines: one row per figure, median [min-max] per server, ratio lrukv/redis of the
    medians, and the issue's target where it has one."""
    lines = [f"| {dataset_label} | " + " | ".join(f"{n} median [min–max]" for n in names)
             + " | lrukv/redis | target |",
             "| --- |" + " ---: |" * (len(names) + 1) + " --- |"]
    for key, label, div, fmt, target in ROWS:
        cells, medians = [], {}
        for n in names:
            vals = [r[key] / div for r in runs_by_server[n]]
            medians[n] = _median(vals)
            cells.append(f"{fmt.format(medians[n])} [{fmt.format(min(vals))}–"
                         f"{fmt.format(max(vals))}]")
        a, b = medians[names[0]], medians[names[1]]
        ratio = a / b if b else float("inf")
        target_cell = ""
        if target is not None:
            target_cell = f"≤ {target:g}x: {'met' if ratio <= target else 'MISSED'}"
        ratio_cell = "" if key in NO_RATIO else f"{ratio:.2f}"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {ratio_cell} | {target_cell} |")
    return lines
