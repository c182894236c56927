"""Keyspace notifications the server raises on its own, differential against redis-server 7.0:

  - expired (x): keys with short TTLs never accessed, reclaimed by the background expiry (the
    wheel in lrukv, activeExpireCycle in Redis), in several databases: every key notified
    exactly once, the same set on both servers (Redis's order is not deterministic, so sets
    and counts are compared); keys read after their deadline (lazy expiry, with the background
    cycle off: DEBUG SET-ACTIVE-EXPIRE 0) give "expired" then "keymiss" on both, in order; with
    both lazy reads and the wheel racing, still exactly one "expired" per key;
  - evicted (e): under maxmemory (allkeys-lru) each evicted key notified once, the events agree
    with INFO evicted_keys and with the keys gone, on both servers; under lrukv's maxkeys the
    least recently used keys are evicted, in LRU order;
  - new (n) and keymiss (m): a script of commands run on both servers with KEnm gives the
    same event sequence per command;
  - lrukv's keyhit (H): one per hit a read command counts (INFO keyspace_hits), none for
    writes, off by default."""
import sys
import time
import traceback

from servers import parse_args, start_lrukv, start_redis


class Events:
    """A pattern subscriber on every keyspace/keyevent channel of one server."""

    def __init__(self, server, pattern="__keyevent@*__:*"):
        self.client = server.client()
        self.pubsub = self.client.pubsub()
        self.pubsub.psubscribe(pattern)
        first = self.pubsub.get_message(timeout=5)
        assert first and first["type"] == "psubscribe", first

    def take(self, quiet=0.1, until=None, timeout=10):
        """(event, db, key) triples until `quiet` seconds pass without one, or, with `until`,
        until that many arrived (or `timeout`)."""
        out = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = self.pubsub.get_message(timeout=quiet)
            if m is None:
                if until is None or len(out) >= until:
                    break
                continue
            if m["type"] != "pmessage":
                continue
            channel = m["channel"].decode()
            db = int(channel[channel.index("@") + 1:channel.index("__:")])
            out.append((channel.split("__:", 1)[1], db, m["data"].decode()))
        return out

    def close(self):
        self.pubsub.close()
        self.client.close()


def reset(server, classes):
    c = server.client()
    c.flushall()
    c.config_set("notify-keyspace-events", classes)
    c.config_set("maxmemory", 0)
    return c


def background_expiry(server):
    """Keys with 50-250 ms TTLs in dbs 0, 3 and 9, never read; returns the sorted (db, key)
    pairs of the "expired" events and the keys still present."""
    c = reset(server, "Ex")
    ev = Events(server)
    written = []
    for db in (0, 3, 9):
        c.execute_command("SELECT", db)
        pipe = c.pipeline(transaction=False)
        for i in range(150):
            key = f"ttl:{db}:{i}"
            pipe.set(key, "v", px=50 + (i * 7) % 200)
            written.append((db, key))
        pipe.execute()
    events = ev.take(until=len(written), timeout=20)
    time.sleep(0.3)
    events += ev.take()
    ev.close()
    left = 0
    for db in (0, 3, 9):
        c.execute_command("SELECT", db)
        left += c.dbsize()
    assert all(e[0] == "expired" for e in events), events[:5]
    pairs = sorted((db, key) for _, db, key in events)
    assert pairs == sorted(written), (len(pairs), len(written), left)
    assert left == 0, left
    return pairs


def lazy_expiry(server):
    """With the background cycle off, keys read after their deadline: the events in order."""
    c = reset(server, "KExm")
    c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    try:
        ev = Events(server, "__key*@*__:*")
        pipe = c.pipeline(transaction=False)
        for i in range(5):
            pipe.set(f"lazy{i}", "v", px=30)
        pipe.execute()
        time.sleep(0.1)
        assert ev.take() == []  # nothing reclaimed them meanwhile
        c.get("lazy0")
        c.mget("lazy1", "nosuch", "lazy2")
        c.exists("lazy3")
        c.set("lazy4", "again")  # a write: expired, but no keymiss
        c.get("lazy0")  # already gone: keymiss only
        events = ev.take()
        ev.close()
        return events
    finally:
        c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1")


def racing_expiry(server):
    """Reads race the background cycle for 300 keys: exactly one "expired" per key."""
    c = reset(server, "Exm")
    ev = Events(server)
    pipe = c.pipeline(transaction=False)
    keys = [f"race{i}" for i in range(300)]
    for i, k in enumerate(keys):
        pipe.set(k, "v", px=20 + i % 60)
    pipe.execute()
    deadline = time.time() + 0.25
    while time.time() < deadline:
        c.mget(keys[::7])
    events = []
    deadline = time.time() + 20  # the background cycle reclaims the keys nobody read
    while sum(e == "expired" for e, _, _ in events) < len(keys) and time.time() < deadline:
        events += ev.take()
    time.sleep(0.3)
    events += ev.take()  # nothing more may come
    ev.close()
    expired = sorted(k for e, _, k in events if e == "expired")
    assert expired == sorted(keys), (len(expired), len(set(expired)))
    # Each keymiss of a key comes after its one "expired".
    seen = set()
    for e, _, k in events:
        if e == "expired":
            seen.add(k)
        else:
            assert e == "keymiss" and k in seen, (e, k)
    return len(expired)


def maxmemory_eviction(server):
    """Fills past maxmemory under allkeys-lru: each eviction notified once, matching INFO
    evicted_keys and the keys gone."""
    c = reset(server, "Ee")
    c.config_set("maxmemory-policy", "allkeys-lru")
    base = int(c.info("memory")["used_memory"])
    c.config_set("maxmemory", base + 400_000)
    ev = Events(server)
    before = int(c.info("stats")["evicted_keys"])
    keys = [f"fill:{i}" for i in range(3000)]
    pipe = c.pipeline(transaction=False)
    for i, k in enumerate(keys):
        pipe.set(k, "x" * 500)
        if i % 100 == 99:
            pipe.execute()
    pipe.execute()
    evicted_stat = int(c.info("stats")["evicted_keys"]) - before
    events = ev.take(until=evicted_stat, timeout=10)
    ev.close()
    c.config_set("maxmemory", 0)
    assert all(e == "evicted" and db == 0 for e, db, _ in events), events[:3]
    evicted = [k for _, _, k in events]
    assert len(evicted) == len(set(evicted)), "a key evicted twice"
    assert evicted_stat > 1000, evicted_stat
    assert len(evicted) == evicted_stat, (len(evicted), evicted_stat)
    present = {k.decode() for k in c.keys("fill:*")}
    assert set(evicted) == set(keys) - present, "evicted events do not match the keys gone"
    # LRU with keys written in order: the evicted ones are older than every survivor.
    newest_evicted = max(int(k.split(":")[1]) for k in evicted)
    oldest_present = min(int(k.split(":")[1]) for k in present)
    return evicted_stat, newest_evicted, oldest_present


def maxkeys_eviction(server):
    """lrukv's maxkeys: one "evicted" per key over the limit, least recently used first."""
    c = reset(server, "Ee")
    c.config_set("maxmemory-policy", "allkeys-lru")
    ev = Events(server)
    c.config_set("maxkeys", 10)
    try:
        for i in range(10):
            c.set(f"k{i}", "v")
        c.get("k0")  # k0 becomes the most recent: k1 goes first
        for i in range(10, 25):
            c.set(f"k{i}", "v")
        events = ev.take()
    finally:
        c.config_set("maxkeys", 0)
        ev.close()
    want = [("evicted", 0, f"k{i}") for i in [*range(1, 10), 0, *range(10, 15)]]
    assert events == want, events
    assert c.dbsize() == 10


# Commands whose "new" and "keymiss" events are compared one by one (each command's own events
# are tests/integration/keyspace_events_test.py's).
SCRIPT = [
    ["SET", "a", "1"], ["SET", "a", "2"], ["INCR", "b"], ["INCR", "b"], ["APPEND", "c", "x"],
    ["APPEND", "c2", ""], ["SETRANGE", "d", "0", "x"], ["SETRANGE", "d2", "0", ""],
    ["SETBIT", "f", "3", "1"], ["SET", "g", "1"], ["RENAME", "g", "a"], ["RENAME", "a", "h"],
    ["RENAMENX", "h", "h2"], ["SET", "i", "1"], ["COPY", "h2", "i", "REPLACE"],
    ["COPY", "h2", "j"], ["COPY", "h2", "j2", "DB", "2"], ["MOVE", "j", "1"],
    ["MSET", "m1", "1", "m2", "2", "m1", "3"], ["MSETNX", "n1", "1", "n2", "2"],
    ["GET", "nosuch"], ["GET", "h2"], ["MGET", "h2", "nosuch", "n1"], ["EXISTS", "nosuch", "h2"],
    ["TYPE", "nosuch"], ["TTL", "nosuch"], ["PTTL", "nosuch"], ["STRLEN", "nosuch"],
    ["GETRANGE", "nosuch", "0", "1"], ["SUBSTR", "nosuch", "0", "1"], ["GETBIT", "nosuch", "1"],
    ["BITCOUNT", "nosuch"], ["BITPOS", "nosuch", "1"], ["GETEX", "nosuch"],
    ["GETDEL", "nosuch"], ["GETSET", "gs", "1"], ["TOUCH", "nosuch", "h2"], ["DUMP", "nosuch"],
    ["COPY", "nosuch", "z"], ["RENAME", "nosuch", "z"], ["DEL", "nosuch"],
    ["EXPIRE", "nosuch", "10"], ["LCS", "nosuch", "h2"], ["INCRBYFLOAT", "fl", "1.5"],
    ["SET", "sg", "1", "GET"], ["SET", "sg", "2", "GET"], ["SET", "nx", "1", "NX"],
    ["SETNX", "nx2", "1"], ["PSETEX", "ps", "10000", "1"], ["SETEX", "se", "100", "1"],
    ["GETEX", "h2", "PERSIST"], ["BITOP", "AND", "dest", "h2", "nosuch"],
    ["BITOP", "AND", "dest", "nosuch", "nosuch2"], ["BITFIELD", "bf", "SET", "u8", "0", "1"],
    ["BITFIELD_RO", "nosuch", "GET", "u8", "0"], ["DECRBY", "dc", "3"],
    ["SETBIT", "z0", "3", "0"], ["BITFIELD", "bz", "SET", "u8", "0", "0"],
    ["BITFIELD", "bg", "GET", "u8", "0"],
    ["BITFIELD", "bo", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300"],
    ["RESTORE", "rs", "0", None], ["RESTORE", "rs", "0", None, "REPLACE"],
    ["SET", "e1", "1", "PX", "1"], ["SLEEP"], ["SET", "e1", "2"],
    ["SET", "e2", "1", "PX", "1"], ["SLEEP"], ["GET", "e2"],
]


def sequences(server):
    """The events of each SCRIPT command, with active expiry off (expired keys only lazily)."""
    c = reset(server, "KEnm")
    c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    payload = None
    out = []
    try:
        ev = Events(server, "__key*@*__:*")
        for cmd in SCRIPT:
            if cmd == ["SLEEP"]:
                time.sleep(0.01)
                continue
            if None in cmd:
                if payload is None:
                    c.set("src", "payload")
                    payload = c.dump("src")
                    c.delete("src")
                    ev.take()
                cmd = [payload if a is None else a for a in cmd]
            try:
                reply = c.execute_command(*cmd)
            except Exception as e:  # the error text is the other tests' business
                reply = type(e).__name__
            shown = [a if isinstance(a, str) else "<payload>" for a in cmd]
            out.append((" ".join(shown), repr(reply)[:40], ev.take(quiet=0.05)))
        ev.close()
    finally:
        c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1")
    return out


def keyhit(server):
    """lrukv only: keyhit once per hit counted by INFO, off by default and not in A."""
    c = reset(server, "KEA")
    ev = Events(server)
    c.set("k", "v")
    ev.take()  # the command's own events are keyspace_events_test.py's
    c.get("k")
    c.get("nope")
    assert ev.take() == []  # neither keyhit nor keymiss by default, nor in A
    c.config_set("notify-keyspace-events", "EmH")
    assert c.config_get("notify-keyspace-events")["notify-keyspace-events"] == "EmH"
    hits0 = int(c.info("stats")["keyspace_hits"])
    c.get("k")
    c.mget("k", "nope", "k")
    c.exists("k")
    c.set("k", "w")  # a write's lookup: nothing
    c.incr("n")
    events = ev.take()
    hits = int(c.info("stats")["keyspace_hits"]) - hits0
    ev.close()
    reads = [("keyhit", 0, "k"), ("keyhit", 0, "k"), ("keymiss", 0, "nope"),
             ("keyhit", 0, "k"), ("keyhit", 0, "k")]
    assert events == reads, events
    assert hits == 4, hits


def main():
    args = parse_args(__doc__)
    redis = start_redis(["--enable-debug-command", "yes", "--hz", "10"])
    lrukv = start_lrukv(args.build_dir)
    failures = []

    def check(name, fn):
        try:
            fn()
        except Exception:
            failures.append(f"{name}:\n{traceback.format_exc()}")

    try:
        def same(fn):
            want, got = fn(redis), fn(lrukv)
            if want != got:
                if isinstance(want, list) and isinstance(got, list):
                    for w, g in zip(want, got):
                        assert w == g, f"redis {w!r}\nlrukv {g!r}"
                assert want == got, f"redis {want!r}\nlrukv {got!r}"

        check("background expiry", lambda: same(background_expiry))
        check("lazy expiry", lambda: same(lazy_expiry))
        check("racing expiry (redis)", lambda: racing_expiry(redis))
        check("racing expiry (lrukv)", lambda: racing_expiry(lrukv))

        def eviction():
            for server in (redis, lrukv):
                evicted, newest_evicted, oldest_present = maxmemory_eviction(server)
                # Redis samples (approximated LRU); lrukv's LRU is exact.
                if server is lrukv:
                    assert newest_evicted < oldest_present, (newest_evicted, oldest_present)

        check("maxmemory eviction", eviction)
        check("maxkeys eviction (lrukv)", lambda: maxkeys_eviction(lrukv))
        check("new/keymiss sequences", lambda: same(sequences))
        check("keyhit (lrukv)", lambda: keyhit(lrukv))
    finally:
        redis.cleanup()
        lrukv.cleanup()
    for f in failures:
        print(f, file=sys.stderr)
    if failures:
        sys.exit(1)
    print("keyspace expiry events: expired (wheel, lazy, racing), evicted (maxmemory, maxkeys), "
          "new/keymiss sequences agree with Redis; keyhit as documented")


if __name__ == "__main__":
    main()
