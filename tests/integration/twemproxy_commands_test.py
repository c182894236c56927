"""What twemproxy 0.5.0 (Debian's nutcracker) does with the commands Redis clients send on their
own: each command goes, on a fresh raw connection, through nutcracker to lrukv and through a
second nutcracker to redis-server. Both must see the same outcome, and it must be the one the
README's "Client settings behind twemproxy" table states: the reply, or the connection closed
with no reply at all. Then the same with `redis_auth` set in the proxy (nodes with requirepass),
where the proxy answers AUTH itself.

The outcomes are facts about the proxy, not about lrukv; redis-server behind the same proxy shows
that lrukv is not the cause."""
import os
import shutil
import sys
import tempfile
import time

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servers  # noqa: E402
from raw_resp import RawClient, RespError  # noqa: E402
from twemproxy import Nutcracker  # noqa: E402

PASSWORD = "proxy-secret"

CLOSED = "connection closed, no reply"
ARRAY = "an array reply (the node's own)"

# (command, outcome without redis_auth). A reply is followed by a PING on the same connection,
# which must still be answered: the proxy kept it open.
WITHOUT_AUTH = [
    (("PING",), "PONG"),
    (("SET", "k", "v"), "OK"),
    (("GET", "k"), b"v"),
    (("MGET", "k", "k2"), [b"v", None]),
    (("HELLO",), CLOSED),
    (("HELLO", "2"), CLOSED),
    (("HELLO", "3"), CLOSED),
    (("CLIENT", "SETINFO", "LIB-NAME", "redis-py"), CLOSED),
    (("CLIENT", "SETINFO", "LIB-VER", "5.0.0"), CLOSED),
    (("CLIENT", "SETNAME", "app"), CLOSED),
    (("CLIENT", "MAINT_NOTIFICATIONS", "ON", "moving-endpoint-type", "none"), CLOSED),
    (("INFO",), CLOSED),
    (("INFO", "server"), CLOSED),
    (("SELECT", "0"), CLOSED),
    (("SELECT", "1"), CLOSED),
    (("MULTI",), CLOSED),
    (("EXEC",), CLOSED),
    (("AUTH", PASSWORD), RespError("ERR Client sent AUTH, but no password is set")),
    (("AUTH", "default", PASSWORD), CLOSED),
    (("COMMAND",), ARRAY),
    (("COMMAND", "DOCS"), CLOSED),
    (("CONFIG", "GET", "maxmemory"), CLOSED),
    (("SCAN", "0"), CLOSED),
    (("KEYS", "*"), CLOSED),
    (("ECHO", "hi"), CLOSED),
    (("SUBSCRIBE", "ch"), CLOSED),
    (("BLPOP", "list", "1"), CLOSED),
    (("QUIT",), CLOSED),
]

NOAUTH = RespError("NOAUTH Authentication required")
# With redis_auth the proxy checks AUTH itself (one argument only) and answers NOAUTH until it
# passed; what it refuses without redis_auth it still refuses.
WITH_AUTH = [
    (("PING",), NOAUTH),
    (("GET", "k"), NOAUTH),
    (("COMMAND",), NOAUTH),
    (("AUTH", PASSWORD), "OK"),
    (("AUTH", "wrong"), RespError("ERR invalid password")),
    (("AUTH", "default", PASSWORD), CLOSED),
    (("HELLO", "3", "AUTH", "default", PASSWORD), CLOSED),
    (("CLIENT", "SETINFO", "LIB-NAME", "redis-py"), CLOSED),
    (("SELECT", "0"), CLOSED),
    (("INFO",), CLOSED),
    (("MULTI",), CLOSED),
    (("QUIT",), CLOSED),
]


def start_proxy(node_port, redis_auth=None):
    """nutcracker (twemproxy.py) in front of one node, in a temporary directory of its own."""
    settings = dict(hash="fnv1a_64", distribution="ketama", redis=True, auto_eject_hosts=False,
                    timeout=2000)
    if redis_auth:
        settings["redis_auth"] = redis_auth
    return Nutcracker(tempfile.mkdtemp(prefix="lrukv-nutcracker-"), [(node_port, "node")],
                      **settings)


def stop_proxy(proxy):
    proxy.cleanup()
    shutil.rmtree(proxy.dir, ignore_errors=True)


def wait_ready_with_password(server, timeout_s=30):
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if server.client(password=PASSWORD).ping():
                return
        except redis.exceptions.ConnectionError:
            if server.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{server.binary} not ready:\n{server.log()}")
            time.sleep(0.02)


def outcome(port, command, authenticate=None):
    """The proxy's answer to `command` alone on a fresh connection (after `AUTH authenticate`,
    if given): CLOSED, or the reply, after checking that the connection still answers PING."""
    client = RawClient(port)
    client.sock.settimeout(5)
    try:
        if authenticate is not None:
            assert client.call("AUTH", authenticate) == "OK"
        try:
            reply = client.call(*command)
        except ConnectionError:
            return CLOSED
        try:
            client.call("PING")
        except ConnectionError:
            return ("reply, then closed", reply)
        return ARRAY if isinstance(reply, list) and command == ("COMMAND",) else reply
    finally:
        client.sock.close()


def check_table(table, lrukv_proxy, redis_proxy):
    mismatches = []
    for command, expected in table:
        got_lrukv = outcome(lrukv_proxy.port, command)
        got_redis = outcome(redis_proxy.port, command)
        if not (got_lrukv == got_redis == expected):
            mismatches.append(f"{' '.join(command)}: expected {expected!r}, "
                              f"lrukv behind the proxy {got_lrukv!r}, redis {got_redis!r}")
    assert not mismatches, "\n".join(mismatches)


def test_commands_without_redis_auth():
    check_table(WITHOUT_AUTH, PROXIES["lrukv"], PROXIES["redis"])


def test_commands_with_redis_auth():
    check_table(WITH_AUTH, PROXIES["lrukv-auth"], PROXIES["redis-auth"])


def test_after_auth_the_proxy_forwards_to_the_node():
    # The proxy logs in to the node with redis_auth; the client's AUTH only opens the proxy.
    for name in ("lrukv-auth", "redis-auth"):
        port = PROXIES[name].port
        assert outcome(port, ("SET", "authed", name), authenticate=PASSWORD) == "OK"
        assert outcome(port, ("GET", "authed"), authenticate=PASSWORD) == name.encode()


def test_refused_commands_never_reach_the_node():
    # A refused command is dropped by the proxy itself: the node's command counters do not move.
    node = NODES["lrukv"].client()
    before = node.info("commandstats")
    for command in (("SELECT", "0"), ("MULTI",), ("HELLO", "3"), ("INFO",)):
        assert outcome(PROXIES["lrukv"].port, command) == CLOSED
    after = node.info("commandstats")
    for name in ("select", "multi", "hello"):
        key = f"cmdstat_{name}"
        assert before.get(key) == after.get(key), (key, before.get(key), after.get(key))


if __name__ == "__main__":
    build_dir = servers.parse_args(__doc__).build_dir
    NODES, PROXIES = {}, {}
    code = 1
    try:
        NODES["lrukv"] = servers.start_lrukv(build_dir)
        NODES["redis"] = servers.start_redis()
        NODES["lrukv-auth"] = servers.start_lrukv(build_dir, ["--requirepass", PASSWORD],
                                                  wait=False)
        NODES["redis-auth"] = servers.start_redis(["--requirepass", PASSWORD], wait=False)
        for name in ("lrukv-auth", "redis-auth"):
            wait_ready_with_password(NODES[name])
        for name, node in NODES.items():
            PROXIES[name] = start_proxy(node.port, PASSWORD if name.endswith("-auth") else None)
        code = servers.run_test_functions(globals())
    finally:
        for proxy in PROXIES.values():
            stop_proxy(proxy)
        for node in NODES.values():
            node.cleanup()
    sys.exit(code)
