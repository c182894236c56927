"""Real servers for the Python integration tests: lrukv (the build under test) and Debian's
redis-server, each on a free loopback port in its own temporary directory, with its log kept.

Every tests/integration/*_test.py is a ctest run as
    /usr/bin/python3 tests/integration/NAME_test.py --build-dir BUILD
and fails by exiting non-zero (an uncaught AssertionError does)."""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import traceback

import redis


# Lines an AddressSanitizer / UndefinedBehaviorSanitizer / LeakSanitizer report starts with.
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def parse_args(description=""):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--build-dir", required=True, help="the CMake build with lrukv-server")
    return p.parse_args()


def run_test_functions(namespace):
    """Runs every test_* function of a test module's globals in order, printing PASS/FAIL with
    the time each took; every test runs. Returns the exit code: 1 if any failed (named)."""
    tests = [(n, f) for n, f in namespace.items() if n.startswith("test_") and callable(f)]
    failed = []
    for name, fn in tests:
        t0 = time.monotonic()
        try:
            fn()
            print(f"PASS {name} ({time.monotonic() - t0:.1f}s)", flush=True)
        except Exception:
            failed.append(name)
            print(f"FAIL {name} ({time.monotonic() - t0:.1f}s)", flush=True)
            traceback.print_exc()
    if failed:
        print(f"{len(failed)} of {len(tests)} failed: {', '.join(failed)}")
        return 1
    print(f"all {len(tests)} passed")
    return 0


def rss_bytes(pid):
    """A process's resident set (VmRSS), bytes."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One server process. `args` are appended after --port/--bind/--dir; `dir` defaults to a
    fresh temporary directory that stop() removes unless keep_dir is set. `argv_prefix` runs
    the server under another program that execs it (["prlimit", "--nofile=1024:1024"]). `port`
    reuses a known port (a restart where a client expects the server); else a free one."""

    def __init__(self, binary, args=(), dir=None, wait=True, extra_env=None, argv_prefix=(),
                 port=None):
        self.binary = binary
        self.own_dir = dir is None
        self.dir = dir or tempfile.mkdtemp(prefix="lrukv-it-")
        self.port = port or free_port()
        self.log_path = os.path.join(self.dir, f"server-{self.port}.log")
        argv = list(argv_prefix) + [binary, "--port", str(self.port), "--bind", "127.0.0.1",
                                    "--dir", self.dir]
        argv += list(args)
        env = dict(os.environ, **(extra_env or {}))
        self.log_file = open(self.log_path, "ab")
        self.proc = subprocess.Popen(argv, stdout=self.log_file, stderr=subprocess.STDOUT, env=env)
        if wait:
            self.wait_ready()

    @property
    def pid(self):
        return self.proc.pid

    def wait_ready(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.binary} exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if self.client().ping():
                    return
            except (redis.exceptions.ConnectionError, redis.exceptions.BusyLoadingError):
                time.sleep(0.02)
        raise RuntimeError(f"{self.binary} not ready after {timeout}s:\n{self.log()}")

    def client(self, **kw):
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=30, **kw)

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self, timeout=30):
        """SIGTERM and wait; returns the exit code (killed after `timeout`: returns None)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill9()
                return None
        return self.proc.returncode

    def cleanup(self):
        """Stops the server if it still runs (SIGTERM, so a sanitizer build runs its exit-time
        leak check; SIGKILL if it does not exit) and removes its directory. Raises when its log
        holds a sanitizer report (an ASan/UBSan/LeakSanitizer build under test), so no test
        passes over one."""
        if self.proc.poll() is None:
            self.stop(timeout=20)
        self.log_file.close()
        try:
            log = self.log()
        except OSError:
            log = ""
        if self.own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        reports = [line for line in log.splitlines() if any(m in line for m in SANITIZER_MARKS)]
        if reports:
            raise AssertionError(f"sanitizer report in the log of {self.binary}:\n" +
                                 "\n".join(reports[:20]))


def lrukv_binary(build_dir):
    return os.path.join(os.path.abspath(build_dir), "lrukv-server")


def start_lrukv(build_dir, args=(), dir=None, wait=True, port=None):
    """lrukv with no automatic snapshots unless `args` set `--save`."""
    return Server(lrukv_binary(build_dir), ["--save", ""] + list(args), dir=dir, wait=wait,
                  port=port)


def start_redis(args=(), dir=None, wait=True):
    return Server(shutil.which("redis-server"), ["--save", "", "--appendonly", "no"] + list(args),
                  dir=dir, wait=wait)
