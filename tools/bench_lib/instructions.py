"""The instruction-count part: instructions each server executes per request (callgrind).

perf has no hardware counters on this VM, so each server runs under
`valgrind --tool=callgrind --collect-atstart=yes`, pinned to CPU 0. After a preload of KEYSPACE
16-byte keys and a warm-up (GET and SET), each measured load goes:
  callgrind_control --zero; redis-benchmark (50 clients, -P 16, N requests); callgrind_control --dump
and then an idle window of the same length (zero; sleep; dump) measures what the server executes
with no load (timers, cron). Instructions per request = (Ir of the load window - Ir of the idle
window) / N. Ir is the `summary:` (or `totals:`) line of the dump.
"""
import glob
import os
import subprocess
import sys
import time

from . import procs, rbench

TESTS = ("get", "set")


def _control(pid, *args):
    r = subprocess.run(["callgrind_control", *args, str(pid)], capture_output=True, text=True)
    if r.returncode != 0 or "OK" not in r.stdout:
        raise RuntimeError(f"callgrind_control {' '.join(args)} {pid} failed:\n{r.stdout}{r.stderr}")


def _dumps(out_base):
    return set(glob.glob(out_base + ".*"))


def _ir_of(path):
    for _ in range(100):  # the dump is written by the server process; wait until it is complete
        with open(path) as f:
            text = f.read()
        for key in ("summary:", "totals:"):
            for line in text.splitlines():
                if line.startswith(key):
                    return int(line.split()[1])
        time.sleep(0.1)
    raise RuntimeError(f"no summary:/totals: line in callgrind dump {path}")


def _window(server, out_base, label, body):
    """Ir the server executed while body() ran (zero before, dump after) and body's wall seconds."""
    before = _dumps(out_base)
    _control(server.proc.pid, "--zero")
    t0 = time.monotonic()
    body()
    seconds = time.monotonic() - t0
    _control(server.proc.pid, f"--dump={label}")
    for _ in range(100):
        new = _dumps(out_base) - before
        if new:
            return _ir_of(max(new, key=os.path.getmtime)), seconds
        time.sleep(0.1)
    raise RuntimeError(f"callgrind wrote no dump for {label} (base {out_base})")


def measure(argvs, workdir, requests, load_cpu=1):
    """{server name: {test: (instructions per request, Ir of the load, Ir of the idle window)}}."""
    results = {}
    for name, argv in argvs:
        cgdir = os.path.join(workdir, f"callgrind-{name}")
        os.makedirs(cgdir, exist_ok=True)
        out_base = os.path.join(cgdir, "cg.out")
        wrapper = ["valgrind", "--tool=callgrind", "--collect-atstart=yes",
                   f"--callgrind-out-file={out_base}"]
        s = procs.Server(name, argv, 0, workdir, wrapper=wrapper, start_timeout_s=120)
        try:
            s.preload(rbench.KEYSPACE, 16)
            for test in TESTS:  # warm-up: first-touch page faults, lazily built tables
                rbench.run(rbench.command(s.port, load_cpu, 50, 16, max(requests // 10, 1000),
                                          test=test))
            results[name] = {}
            for test in TESTS:
                cmd = rbench.command(s.port, load_cpu, 50, 16, requests, test=test)
                ir_load, seconds = _window(s, out_base, f"{test}-load", lambda: rbench.run(cmd))
                ir_idle, _ = _window(s, out_base, f"{test}-idle", lambda: time.sleep(seconds))
                results[name][test] = ((ir_load - ir_idle) / requests, ir_load, ir_idle)
                print(f"  {name:8} {test.upper()} -P 16: {results[name][test][0]:,.0f} instructions"
                      f"/request (load {ir_load:,} Ir in {seconds:.1f} s, idle {ir_idle:,} Ir)",
                      file=sys.stderr)
        finally:
            s.stop()
    return results


def table(results, names, requests):
    lines = [f"| instructions per request (callgrind, 50 clients, {requests:,} requests, 16-byte "
             f"values) | " + " | ".join(names) + " | ratio |",
             "| --- |" + " ---: |" * (len(names) + 1)]
    for test in TESTS:
        a, b = results["lrukv"][test][0], results["redis"][test][0]
        lines.append(f"| instructions/request {test.upper()} -P 16 | "
                     + " | ".join(f"{results[n][test][0]:,.0f}" for n in names)
                     + f" | {a / b:.2f} |")
    return lines
