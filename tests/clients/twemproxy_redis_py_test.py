"""redis-py (Debian's python3-redis 4.3.4) through twemproxy (nutcracker) in front of lrukv, with
the README's settings: ordinary work passes; each setting the README names is then turned back to
the client's default, one at a time, and the proxy must close the connection as the README says.
Usage: twemproxy_redis_py_test.py PROXY_PORT. Exits non-zero on the first mismatch."""
import inspect
import sys
import time

import redis

port = int(sys.argv[1])


def behind_twemproxy(**kw):
    """The README's settings: redis-py 4.3.4 sends nothing on connect unless told to (no
    client_name, db 0, no username); 5.x also sends CLIENT SETINFO unless lib_name and
    lib_version are None (4.3.4 has neither parameter)."""
    settings = dict(host="127.0.0.1", port=port, socket_timeout=5)
    if "lib_name" in inspect.signature(redis.Redis.__init__).parameters:
        settings.update(lib_name=None, lib_version=None)
    settings.update(kw)
    return redis.Redis(**settings)


def expect_closed_by_proxy(what, action):
    try:
        result = action()
    except redis.exceptions.ConnectionError as e:
        assert "Connection closed by server" in str(e), (what, repr(e))
        return
    raise AssertionError(f"{what}: expected the proxy to close the connection, got {result!r}")


r = behind_twemproxy()
p = "redis-py:twemproxy:"

# ---- ordinary work with the settings ----
assert r.ping() is True
keys = [f"{p}{i}" for i in range(200)]
r.delete(*keys, p + "counter", p + "piped", p + "tx", p + "after")  # a rerun starts clean
for i, k in enumerate(keys):
    assert r.set(k, i) is True
assert r.mget(keys) == [str(i).encode() for i in range(200)]
assert r.get(p + "none") is None
assert r.expire(keys[0], 100) is True
assert 98 <= r.ttl(keys[0]) <= 100
assert r.pexpire(keys[1], 1) is True
time.sleep(0.01)
assert r.get(keys[1]) is None
assert r.incr(p + "counter") == 1 and r.incrby(p + "counter", 4) == 5
pipe = r.pipeline(transaction=False)  # a pipeline without MULTI/EXEC
for k in keys[:50]:
    pipe.get(k)
pipe.set(p + "piped", "v").get(p + "piped")
expected = [str(i).encode() for i in range(50)] + [True, b"v"]
expected[1] = None  # expired above
assert pipe.execute() == expected
assert r.delete(*keys, p + "counter", p + "piped") == 200 + 2 - 1  # keys[1] expired

# ---- each default the README warns about: the proxy closes the connection ----
expect_closed_by_proxy("pipeline() (transaction=True: MULTI/EXEC)",
                       lambda: r.pipeline().set(p + "tx", 1).get(p + "tx").execute())
expect_closed_by_proxy("client_name= (CLIENT SETNAME on connect)",
                       lambda: behind_twemproxy(client_name="app").get(p + "x"))
expect_closed_by_proxy("db=1 (SELECT 1 on connect)", lambda: behind_twemproxy(db=1).get(p + "x"))
expect_closed_by_proxy("username= (AUTH with two arguments)",
                       lambda: behind_twemproxy(username="default", password="pw").get(p + "x"))
expect_closed_by_proxy("info()", r.info)
expect_closed_by_proxy("scan_iter() (SCAN)", lambda: list(r.scan_iter(p + "*")))
expect_closed_by_proxy("keys() (KEYS)", lambda: r.keys(p + "*"))
if "lib_name" in inspect.signature(redis.Redis.__init__).parameters:
    expect_closed_by_proxy("lib_name/lib_version defaults (CLIENT SETINFO)",
                           lambda: redis.Redis(host="127.0.0.1", port=port).get(p + "x"))

# The pool dropped each closed connection; the same client goes on with a new one.
assert r.set(p + "after", "ok") is True and r.get(p + "after") == b"ok"
assert r.delete(p + "after") == 1
print("redis-py behind twemproxy: ok")
