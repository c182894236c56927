"""The server under test: lrukv or redis-server on a free loopback port in a temporary directory,
with eviction (volatile-lru) and keyspace notifications on and no automatic snapshots (the soak
sends its own BGSAVEs). The same directory serves the restart from the last dump."""
import os
import socket
import subprocess
import time

import redis

POLICY = "volatile-lru"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PortTaken(Exception):
    """The server could not bind its port: another process took it first."""


class SoakServer:
    def __init__(self, kind, binary, workdir, maxmemory, notify):
        self.kind, self.binary, self.dir = kind, binary, workdir
        self.maxmemory, self.notify = maxmemory, notify
        self.log_path = os.path.join(workdir, "server.log")
        self.proc = None
        self.port = None
        self.starts = 0

    def start(self, port=None, timeout_s=60):
        """Starts the server (loading the dump in its directory if there is one) on `port` (a
        free one if None) and waits until it answers PING. Returns the seconds from spawn to the
        first PONG. Another process may take a free port between our check and the server's bind
        (other servers start on free ports on this machine): then the server exits, and the start
        is retried on another port."""
        for attempt in range(3):
            try:
                return self._start_once(port or free_port(), timeout_s)
            except PortTaken:
                port = None
        raise RuntimeError(f"{self.binary}: no free port after 3 attempts; log {self.log_path}")

    def _start_once(self, port, timeout_s):
        self.port = port
        argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                "--save", "", "--maxmemory", self.maxmemory, "--maxmemory-policy", POLICY,
                "--notify-keyspace-events", self.notify]
        if self.kind == "redis":
            argv += ["--appendonly", "no", "--daemonize", "no"]
        log = open(self.log_path, "ab")
        log.write(b"\n==== soak: start %d: %s\n" % (self.starts, " ".join(argv).encode()))
        log.flush()
        log_start = log.tell()
        t0 = time.monotonic()
        self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=self.dir)
        log.close()
        self.starts += 1
        while time.monotonic() - t0 < timeout_s:
            if self.proc.poll() is not None:
                with open(self.log_path, "rb") as f:
                    f.seek(log_start)
                    out = f.read().decode("utf-8", "replace")
                if "Address already in use" in out:
                    raise PortTaken()
                raise RuntimeError(f"{self.binary} exited with {self.proc.returncode}; log "
                                   f"{self.log_path}:\n{out[-2000:]}")
            try:
                # The PONG must come from our process, not from a server that took the port.
                if self.client().info("server").get("process_id") == self.proc.pid:
                    return time.monotonic() - t0
            except (redis.exceptions.ConnectionError, redis.exceptions.BusyLoadingError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.binary} not answering after {timeout_s}s; log {self.log_path}")

    def client(self, timeout_s=30):
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=timeout_s,
                           single_connection_client=True)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def rss_kb(self):
        """VmRSS from /proc/<pid>/status, in KiB."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def cpu_seconds(self):
        """utime + stime of the server process so far (its BGSAVE children not included)."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def shutdown_nosave(self, timeout_s=60):
        """SHUTDOWN NOSAVE, then waits for the process; returns its exit code (None: had to be
        killed)."""
        try:
            self.client().shutdown(nosave=True)
        except redis.exceptions.ConnectionError:
            pass  # the server closing the connection is SHUTDOWN's success
        try:
            return self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait()

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-lines:]).decode("utf-8", "replace")
        except OSError:
            return ""


def parse_memory(text):
    """'64mb' -> bytes, as redis.conf reads sizes."""
    t = text.strip().lower()
    for suffix, mult in (("gb", 1 << 30), ("mb", 1 << 20), ("kb", 1 << 10), ("g", 10**9),
                         ("m", 10**6), ("k", 10**3), ("b", 1)):
        if t.endswith(suffix):
            return int(float(t[:-len(suffix)]) * mult)
    return int(t)
