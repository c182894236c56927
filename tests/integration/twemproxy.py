"""twemproxy (Debian's `nutcracker`) in front of servers the test started: one pool on a free
loopback port, its stats endpoint on another, its configuration and log in the test's
directory; cleanup() kills the process."""
import json
import os
import signal
import socket
import subprocess
import time

from servers import free_port

NUTCRACKER = "/usr/sbin/nutcracker"  # tools/install-deps: Debian package nutcracker (0.5.0)
STATS_INTERVAL_MS = 100  # how often the stats endpoint's figures are refreshed


def pool_config(listen_port, servers, **settings):
    """nutcracker.yml text for one pool named `lrukv`: servers are (port, name) on 127.0.0.1,
    weight 1; settings are the pool's other keys (hash="fnv1a_64", redis=True ...)."""
    lines = ["lrukv:", f"  listen: 127.0.0.1:{listen_port}"]
    for key, value in settings.items():
        value = ("true" if value else "false") if isinstance(value, bool) else value
        lines.append(f"  {key}: {value}")
    lines.append("  servers:")
    lines += [f"   - 127.0.0.1:{port}:1 {name}" for port, name in servers]
    return "\n".join(lines) + "\n"


class Nutcracker:
    """One nutcracker process for pool_config(port, servers, **settings), its files in dir."""

    def __init__(self, dir, servers, **settings):
        self.dir = dir
        self.port, self.stats_port = free_port(), free_port()
        self.conf_path = os.path.join(self.dir, "nutcracker.yml")
        self.log_path = os.path.join(self.dir, "nutcracker.log")
        self.config = pool_config(self.port, servers, **settings)
        with open(self.conf_path, "w") as f:
            f.write(self.config)
        argv = [NUTCRACKER, "-c", self.conf_path, "-o", self.log_path,
                "-s", str(self.stats_port), "-a", "127.0.0.1", "-i", str(STATS_INTERVAL_MS),
                "-p", os.path.join(self.dir, "nutcracker.pid")]
        check = subprocess.run(argv + ["--test-conf"], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nutcracker rejects its configuration:\n{self.config}\n"
                               f"{check.stdout}{check.stderr}")
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            self.wait_ready()
        except BaseException:
            self.cleanup()
            raise

    def wait_ready(self, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nutcracker exited with {self.proc.returncode}:\n{self.log()}")
            try:
                self.stats()
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"nutcracker not listening after {timeout}s:\n{self.log()}")

    def stats(self):
        """The stats endpoint's JSON (it sends it on connect and closes)."""
        with socket.create_connection(("127.0.0.1", self.stats_port), timeout=5) as s:
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        return json.loads(data)

    def server_stats(self, name):
        return self.stats()["lrukv"][name]

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def cleanup(self):
        """Kills nutcracker (it has no state to flush)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
