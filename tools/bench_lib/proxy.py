"""twemproxy (Debian's nutcracker) for tools/bench-proxy: one pool in front of servers already
running, pinned to a CPU like bench_lib/procs.Server, with the same cli / cpu_seconds / stop
interface, and a preload that goes through the proxy.

redis-cli --pipe cannot feed nutcracker: it ends its stream with an ECHO, which nutcracker does
not support (it closes the connection), so preload() writes the SETs on a socket and counts
the +OK replies itself."""
import os
import socket
import subprocess
import tempfile
import time

from bench_lib import procs

NUTCRACKER = "/usr/sbin/nutcracker"

# The pool's settings, as the README's "Several nodes behind twemproxy" gives them.
POOL = {"hash": "fnv1a_64", "distribution": "ketama", "redis": "true", "auto_eject_hosts": "true",
        "server_retry_timeout": 3000, "server_failure_limit": 2, "timeout": 10000}


def pool_config(port, nodes):
    """nutcracker.yml for one pool on 127.0.0.1:port in front of nodes [(name, port)]."""
    lines = ["lrukv:", f"  listen: 127.0.0.1:{port}"]
    lines += [f"  {k}: {v}" for k, v in POOL.items()]
    lines += ["  servers:"] + [f"   - 127.0.0.1:{p}:1 {name}" for name, p in nodes]
    return "\n".join(lines) + "\n"


class Proxy(procs.Server):
    """nutcracker pinned to cpu in front of nodes (procs.Server), its files in a directory of
    workdir. A Server for cli, cpu_seconds and stop; started and preloaded its own way."""

    def __init__(self, name, nodes, cpu, workdir, start_timeout_s=10):
        self.name, self.port = name, procs.free_port()
        self.dir = tempfile.mkdtemp(prefix=f"{name}-", dir=workdir)
        self.log_path = os.path.join(self.dir, "nutcracker.log")
        conf = os.path.join(self.dir, "nutcracker.yml")
        with open(conf, "w") as f:
            f.write(pool_config(self.port, [(n.name, n.port) for n in nodes]))
        cmd = ["taskset", "-c", str(cpu), NUTCRACKER, "-c", conf, "-o", self.log_path,
               "-s", str(procs.free_port()), "-a", "127.0.0.1",
               "-p", os.path.join(self.dir, "nutcracker.pid")]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + start_timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if self.cli("PING") == "PONG":  # nutcracker answers PING itself
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{name} did not start: {' '.join(cmd)} (log: {self.log_path})")

    def preload(self, nkeys, value_len, batch=10_000):
        """SETs keys 0..nkeys-1 named as redis-benchmark names them, each to value_len bytes,
        through the proxy; fails unless every reply is +OK."""
        value = b"x" * value_len
        with socket.create_connection(("127.0.0.1", self.port), timeout=60) as s:
            for lo in range(0, nkeys, batch):
                n = min(batch, nkeys - lo)
                s.sendall(procs.set_commands((procs.bench_key(i) for i in range(lo, lo + n)),
                                             value))
                want, got = b"+OK\r\n" * n, b""
                while len(got) < len(want):
                    chunk = s.recv(1 << 16)
                    if not chunk:
                        break
                    got += chunk
                if got != want:
                    raise RuntimeError(f"{self.name}: preload through the proxy got "
                                       f"{got[:200]!r}... (log: {self.log_path})")
