"""Helpers for integration tests that look at lrukv's dump files from the outside: parsing a
dump (docs/dump-format.md) into entries, remembering a file's exact state, finding a server's
forked children and its temporary files, and waiting for a condition without fixed sleeps."""
import base64
import glob
import json
import os
import time


def parse_dump(data):
    """The entries of a dump document, in file order (least recently used first), as
    (db, key bytes, value bytes, expire_at_ms or None) tuples. Raises on a malformed document."""
    doc = json.loads(data)
    assert doc["format"] == "lrukv-dump" and doc["version"] == 1, doc.get("format")
    entries = []
    for e in doc["entries"]:
        key = base64.b64decode(e["key_b64"], validate=True) if "key_b64" in e else e["key"].encode()
        if "value_b64" in e:
            value = base64.b64decode(e["value_b64"], validate=True)
        else:
            value = e["value"].encode()
        entries.append((e.get("db", 0), key, value, e.get("expire_at_ms")))
    return entries


def dump_order(data):
    """(db, key) of every entry, least recently used first."""
    return [(db, key) for db, key, _, _ in parse_dump(data)]


class FileState:
    """A file's bytes, mtime (ns) and inode, so a test can say it is exactly as it was."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.data = f.read()
        st = os.stat(path)
        self.mtime_ns = st.st_mtime_ns
        self.inode = st.st_ino

    def assert_unchanged(self, what=""):
        now = FileState(self.path)
        assert now.data == self.data, f"{self.path} changed {what}: {len(self.data)} -> {len(now.data)} bytes"
        assert now.mtime_ns == self.mtime_ns, f"{self.path} mtime changed {what}"
        assert now.inode == self.inode, f"{self.path} was replaced {what}"


def write_file(path, data, mtime_s=1_600_000_000):
    """Writes `data` and back-dates its mtime, so a rewrite by the server would show."""
    with open(path, "wb") as f:
        f.write(data)
    os.utime(path, (mtime_s, mtime_s))


def child_pids(pid):
    """The live children of process `pid` (its main thread's children list)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []


def temp_files(dir, dbfilename="dump.json"):
    """Every `<dbfilename>.tmp-<pid>` in `dir`."""
    return sorted(glob.glob(os.path.join(glob.escape(dir), glob.escape(dbfilename) + ".tmp-*")))


def wait_for(predicate, timeout_s, what, poll_s=0.002):
    """Polls until predicate() returns something truthy and returns it; fails after timeout_s."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
        time.sleep(poll_s)


def fill_keys(client, count, value_bytes, prefix=b"fill:"):
    """Writes `count` keys of `value_bytes` bytes each with MSET batches (fast enough to build a
    dataset of tens of megabytes)."""
    value = b"x" * value_bytes
    batch = 2000
    for start in range(0, count, batch):
        args = []
        for i in range(start, min(count, start + batch)):
            args += [prefix + str(i).encode(), value]
        client.execute_command("MSET", *args)
