"""Servers under test and the machine figures tools/bench reads from /proc.

A Server is one process started pinned to a CPU on a free port (--port P --bind 127.0.0.1), in its
own temporary directory; its CPU time (utime+stime) and RSS come from /proc/PID. The machine's steal
time comes from /proc/stat.
"""
import os
import socket
import subprocess
import tempfile
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def cpu_jiffies():
    """(steal, total) jiffies of the machine so far, from the first line of /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:9]]  # user .. steal (guest is in user)
    return fields[7], sum(fields)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_key(i):
    """The name redis-benchmark gives key number i for `key:__rand_int__` with -r: 12 digits."""
    return b"key:%012d" % i


def set_commands(keys, value, extra=()):
    """RESP for `SET key value [extra...]` for every key in keys, as one bytes object."""
    tail = b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in extra)
    head = b"*%d\r\n$3\r\nSET\r\n" % (3 + len(extra))
    v = b"$%d\r\n%s\r\n" % (len(value), value)
    return b"".join(head + b"$%d\r\n%s\r\n" % (len(k), k) + v + tail for k in keys)


class Server:
    """One server process under test. wrapper (e.g. a valgrind command line) goes between taskset
    and the server's own argv; start_timeout_s is how long it may take to answer PING."""

    def __init__(self, name, argv, cpu, workdir, wrapper=(), start_timeout_s=10):
        self.name, self.port = name, free_port()
        self.dir = tempfile.mkdtemp(prefix=f"{name}-", dir=workdir)  # no instance sees another's files
        self.log_path = os.path.join(self.dir, "server.log")
        log = open(self.log_path, "w")
        cmd = (["taskset", "-c", str(cpu)] + list(wrapper) + list(argv)
               + ["--port", str(self.port), "--bind", "127.0.0.1"])
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=log, cwd=self.dir)
        deadline = time.monotonic() + start_timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if self.cli("PING") == "PONG":
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{name} did not start: {' '.join(cmd)} (log: {self.log_path})")

    def cli(self, *args, stdin=None):
        r = subprocess.run(["redis-cli", "-p", str(self.port)] + list(args), input=stdin,
                           capture_output=True)
        return r.stdout.decode(errors="replace").strip()

    def pipe(self, chunks):
        """Feeds RESP commands (an iterable of bytes) through `redis-cli --pipe`; fails unless every
        reply came back without an error."""
        p = subprocess.Popen(["redis-cli", "-p", str(self.port), "--pipe"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for chunk in chunks:
            p.stdin.write(chunk)
        p.stdin.close()
        out = p.stdout.read().decode(errors="replace")
        if p.wait() != 0 or "errors: 0," not in out:
            raise RuntimeError(f"{self.name}: redis-cli --pipe failed:\n{out}")

    def preload(self, nkeys, value_len):
        """SETs keys 0..nkeys-1 named as redis-benchmark names them, each to value_len bytes."""
        value = b"x" * value_len
        step = 10_000
        self.pipe(set_commands((bench_key(i) for i in range(lo, min(lo + step, nkeys))), value)
                  for lo in range(0, nkeys, step))

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime

    def rss_bytes(self):
        with open(f"/proc/{self.proc.pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE

    def info(self, section):
        out = {}
        for line in self.cli("INFO", section).splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                out[k] = v
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
