"""Running redis-benchmark and reading its normal (not --csv, not -q) output.

The --csv output of redis-benchmark 7.0 lacks p99.9, so the human-readable report is parsed:
  "Latency by percentile distribution:" / "Cumulative distribution of latencies:" blocks, lines
      `99.902% <= 13.039 milliseconds (cumulative count 99904)`
  "Summary:" with `throughput summary: N requests per second` and, after
      `latency summary (msec):`, a header line (avg min p50 p95 p99 max) and a values line.
Every piece is required: a run whose output lacks one raises BenchOutputError with the output.
"""
import math
import re
import subprocess

KEYSPACE = 100_000  # -r: keys key:000000000000 .. key:000000099999, all preloaded

_DIST_LINE = re.compile(r"^\s*([0-9.]+)% <= ([0-9.]+) milliseconds \(cumulative count (\d+)\)\s*$")
_COMPLETED = re.compile(r"^\s*(\d+) requests completed in ")
_THROUGHPUT = re.compile(r"throughput summary: ([0-9.]+) requests per second")


class BenchOutputError(RuntimeError):
    pass


def parse(text, what="redis-benchmark"):
    """Figures of one redis-benchmark report: {requests, rps, avg, min, p50, p95, p99, p999, max}
    (latencies in ms). p99.9 is the smallest latency printed in either distribution block whose
    cumulative count reaches 99.9% of the requests (an upper bound, tight to the printed
    resolution: the percentile block always prints the 99.902% point)."""
    lines = text.replace("\r", "\n").splitlines()

    def fail(why):
        tail = "\n".join(l for l in lines if l.strip())[-3000:]
        raise BenchOutputError(f"{what}: {why}; redis-benchmark output format not recognised:\n{tail}")

    requests = next((int(m.group(1)) for m in map(_COMPLETED.match, lines) if m), None)
    if requests is None:
        fail("no 'N requests completed' line")
    if "Latency by percentile distribution:" not in text:
        fail("no 'Latency by percentile distribution:' block")
    points = [(float(m.group(2)), int(m.group(3))) for m in map(_DIST_LINE.match, lines) if m]
    if not points:
        fail("no percentile lines ('P% <= V milliseconds (cumulative count C)')")
    need = math.ceil(requests * 0.999)
    over = [v for v, count in points if count >= need]
    if not over:
        fail(f"no distribution point reaches {need} of {requests} requests")
    m = _THROUGHPUT.search(text)
    if not m:
        fail("no 'throughput summary' line")
    out = {"requests": requests, "rps": float(m.group(1)), "p999": min(over)}
    try:
        i = next(i for i, l in enumerate(lines) if "latency summary (msec):" in l)
        header, values = lines[i + 1].split(), lines[i + 2].split()
    except (StopIteration, IndexError):
        fail("no 'latency summary (msec):' block")
    if "p50" not in header or "p99" not in header or len(header) != len(values):
        fail(f"latency summary header {header} / values {values} not as expected")
    out.update({k: float(v) for k, v in zip(header, values)})
    return out


def command(port, cpu, clients, pipeline, requests, test=None, size=16, args=()):
    """argv of one redis-benchmark run pinned to cpu: either a built-in test (-t test, -d size) or
    a custom command (args, e.g. MGET key:__rand_int__ ...), keys drawn from KEYSPACE."""
    cmd = ["taskset", "-c", str(cpu), "redis-benchmark", "-h", "127.0.0.1", "-p", str(port),
           "-n", str(requests), "-c", str(clients), "-P", str(pipeline), "-r", str(KEYSPACE)]
    if test:
        cmd += ["-t", test, "-d", str(size)]
    return cmd + list(args)


def start(cmd):
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc, cmd, timeout_s=900):
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise BenchOutputError(f"{' '.join(cmd)} did not finish within {timeout_s} s")
    if proc.returncode != 0:
        raise BenchOutputError(f"{' '.join(cmd)} exited {proc.returncode}:\n{err[-2000:]}")
    return parse(out, " ".join(cmd))


def run(cmd):
    return finish(start(cmd), cmd)
