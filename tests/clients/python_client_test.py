#!/usr/bin/python3
"""redis-py (Debian's python3-redis) against lrukv: pipelines with and without transactions,
expire/ttl, mget/mset, info() parsing, scan_iter. Exits non-zero on the first mismatch."""
import sys

import redis

port = int(sys.argv[1])
r = redis.Redis(host="127.0.0.1", port=port)
p = "redis-py:"

assert r.ping() is True
assert r.set(p + "a", b"\x00\xffbinary") is True
assert r.get(p + "a") == b"\x00\xffbinary"
assert r.get(p + "missing") is None
assert r.set(p + "a", "x", nx=True) is None
assert r.incr(p + "n") == 1 and r.incrby(p + "n", 9) == 10
assert r.incrbyfloat(p + "n", 0.5) == 10.5

assert r.set(p + "t", "v", ex=100) is True
assert 98 <= r.ttl(p + "t") <= 100
assert r.expire(p + "t", 50) is True and 48 <= r.ttl(p + "t") <= 50
assert r.persist(p + "t") is True and r.ttl(p + "t") == -1
assert r.ttl(p + "missing") == -2

assert r.mset({p + "m1": "1", p + "m2": "2"}) is True
assert r.mget([p + "m1", p + "none", p + "m2"]) == [b"1", None, b"2"]

with r.pipeline() as pipe:  # MULTI/EXEC, redis-py's default
    pipe.set(p + "tx", 1).incr(p + "tx").get(p + "tx")
    assert pipe.execute() == [True, 2, b"2"]
with r.pipeline(transaction=False) as pipe:
    pipe.incr(p + "c").incr(p + "c").get(p + "c")
    assert pipe.execute() == [1, 2, b"2"]
with r.pipeline() as pipe:  # WATCH then a conflicting write: the transaction must abort
    pipe.watch(p + "w")
    r.set(p + "w", "changed")
    pipe.multi()
    pipe.set(p + "w", "mine")
    try:
        pipe.execute()
        raise AssertionError("EXEC should have failed after a watched key changed")
    except redis.WatchError:
        pass
assert r.get(p + "w") == b"changed"

info = r.info()
assert info["redis_version"].startswith("7.0."), info["redis_version"]
assert info["redis_mode"] == "standalone" and info["loading"] == 0
assert "used_memory" in info and "keyspace_hits" in info
assert info["db0"]["keys"] >= 5
assert "keyspace_hits" in r.info("stats")

for i in range(250):
    r.set(f"{p}scan:{i}", i)
found = set(r.scan_iter(match=p + "scan:*", count=17))
assert found == {f"{p}scan:{i}".encode() for i in range(250)}, len(found)

try:
    r.execute_command("LPUSH", p + "list", "x")
    raise AssertionError("LPUSH should be unknown")
except redis.ResponseError as e:
    assert str(e).startswith("unknown command 'LPUSH'"), str(e)

r.flushdb()
assert r.dbsize() == 0
print("redis-py: ok")
