"""cluster-enabled yes: lrukv answers as a one-node Redis Cluster. The same requests go to a
real redis-server 7.0 one-node cluster (ADDSLOTSRANGE 0 16383, cluster_state:ok) and to lrukv;
replies are compared with their RESP types, after normalising only what must differ between
two nodes: the node id, the announced address and port, and the bus port. Redis 7.0 shows an
empty address for a node that never met a peer, lrukv the address the client connected to."""
import os
import random
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servers  # noqa: E402
from raw_resp import RawClient  # noqa: E402

ARGS = servers.parse_args(__doc__)
ETH0_IP = "192.0.2.2"  # the test machine's eth0 address (README: tests need it)


# ---- A typed RESP reader: replies keep their RESP type, so RESP2/RESP3 shapes are compared ----

class Conn(RawClient):
    """raw_resp's client over TCP, TLS or a unix socket, whose replies keep their RESP type."""

    def __init__(self, host, port=None, unix_path=None, tls=None):  # noqa: super() takes a port
        if unix_path:
            self.sock = socket.socket(socket.AF_UNIX)
            self.sock.connect(unix_path)
        else:
            self.sock = socket.create_connection((host, port), timeout=30)
        if tls:
            self.sock = tls.wrap_socket(self.sock, server_hostname="server")
        self.sock.settimeout(30)
        self.buf = b""

    def _bytes(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def reply(self):
        """(type char, value): aggregates hold lists of typed replies."""
        line = self._line()
        kind, rest = chr(line[0]), line[1:]
        if kind in "+-":
            return (kind, rest.decode())
        if kind in ":":
            return (kind, int(rest))
        if kind in "$=":
            n = int(rest)
            return (kind, None if n < 0 else self._bytes(n).decode("latin-1"))
        if kind in "*~>":
            n = int(rest)
            return (kind, None if n < 0 else [self.reply() for _ in range(n)])
        if kind == "%":
            return (kind, [self.reply() for _ in range(2 * int(rest))])
        if kind == "_":
            return (kind, None)
        raise ValueError(f"bad reply line {line!r}")


def plain(r):
    """A typed reply without its types (for reading values)."""
    kind, v = r
    return [plain(x) for x in v] if isinstance(v, list) else v


# ---- Servers ----

def start_redis_cluster():
    s = servers.start_redis(["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                             "--cluster-port", str(servers.free_port())])
    c = Conn("127.0.0.1", s.port)
    assert c.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383") == ("+", "OK")
    deadline = time.time() + 20
    while "cluster_state:ok" not in plain(c.call("CLUSTER", "INFO")):
        assert time.time() < deadline, "redis cluster never reached cluster_state:ok"
        time.sleep(0.05)
    c.close()
    return s


def start_lrukv_cluster(extra=(), dir=None):
    # A bus port of our own: Redis (and lrukv, as Redis) refuse port + 10000 above 65535.
    return servers.start_lrukv(ARGS.build_dir, ["--cluster-enabled", "yes", "--cluster-port",
                                                str(servers.free_port())] + list(extra), dir=dir)


REDIS = start_redis_cluster()
LRUKV = start_lrukv_cluster()


def node_id(port):
    c = Conn("127.0.0.1", port)
    try:
        return plain(c.call("CLUSTER", "MYID"))
    finally:
        c.close()


def bus_port(server):
    c = Conn("127.0.0.1", server.port)
    try:
        return int(plain(c.call("CONFIG", "GET", "cluster-port"))[1])
    finally:
        c.close()


def normaliser(server, ip):
    """Replaces in a typed reply what differs between two nodes: the node id, `ip` (what this
    node announces to a 127.0.0.1 client), the client port and the bus port."""
    nid = node_id(server.port)
    port, bus = server.port, bus_port(server)

    def norm(r):
        kind, v = r
        if isinstance(v, list):
            return (kind, [norm(x) for x in v])
        if kind == ":" and v in (port, bus):
            return (kind, "<PORT>" if v == port else "<BUS>")
        if isinstance(v, str) and kind in "$=+":
            v = v.replace(nid, "<ID>").replace(f"{ip}:{port}@{bus}", "<ADDR>")
            if v == ip:
                v = "<IP>"
        return (kind, v)
    return norm


NORM_REDIS = normaliser(REDIS, "")  # Redis 7.0: no address before meeting a peer
NORM_LRUKV = normaliser(LRUKV, "127.0.0.1")


def only_id_normaliser(server):
    nid = node_id(server.port)

    def norm(r):
        kind, v = r
        if isinstance(v, list):
            return (kind, [norm(x) for x in v])
        return (kind, v.replace(nid, "<ID>") if isinstance(v, str) else v)
    return norm


def compare(commands, protocol=2, normalise=False, fresh=True, norms=None):
    """Sends `commands` in order on one connection to each server; asserts equal replies.
    normalise: through NORM_REDIS / NORM_LRUKV, or `norms` (one function per server)."""
    results = []
    norms = norms or (NORM_REDIS, NORM_LRUKV)
    for server, norm in zip((REDIS, LRUKV), norms):
        c = Conn("127.0.0.1", server.port)
        if fresh:
            c.call("FLUSHALL")
        if protocol == 3:
            c.call("HELLO", "3")
        out = []
        for cmd in commands:
            r = c.call(*cmd)
            out.append(norm(r) if normalise else r)
        c.close()
        results.append(out)
    for cmd, a, b in zip(commands, results[0], results[1]):
        assert a == b, f"RESP{protocol} {cmd}:\n redis {a}\n lrukv {b}"


# ---- Tests ----

def test_keyslot_matches_redis_for_10k_random_keys():
    rnd = random.Random(7)
    alphabet = b"ab{}{}:x\x00\xff"
    keys = [bytes(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12))) for _ in range(9000)]
    keys += [os.urandom(rnd.randint(1, 40)) for _ in range(1000)]
    commands = [("CLUSTER", "KEYSLOT", k) for k in keys]
    got = []
    for server in (REDIS, LRUKV):
        c = Conn("127.0.0.1", server.port)
        got.append(c.pipeline(*commands))
        c.close()
    mismatched = [(k, a, b) for k, a, b in zip(keys, got[0], got[1]) if a != b]
    assert not mismatched, f"{len(mismatched)} keys differ, first: {mismatched[:3]}"
    assert len({plain(r) for r in got[1]}) > 1000  # the keys spread over many slots


CLUSTER_TOPOLOGY = [("CLUSTER", "INFO"), ("CLUSTER", "NODES"), ("CLUSTER", "SLOTS"),
                    ("CLUSTER", "SHARDS"), ("CLUSTER", "MYID"), ("CLUSTER", "LINKS"),
                    ("CLUSTER", "HELP")]


def test_cluster_topology_replies_match_in_resp2_and_resp3():
    for protocol in (2, 3):
        compare(CLUSTER_TOPOLOGY, protocol=protocol, normalise=True)
    # The node's own id in REPLICAS / COUNT-FAILURE-REPORTS.
    for server in (REDIS, LRUKV):
        c = Conn("127.0.0.1", server.port)
        me = plain(c.call("CLUSTER", "MYID"))
        assert re.fullmatch(r"[0-9a-f]{40}", me)
        assert c.call("CLUSTER", "REPLICAS", me) == ("*", [])
        assert c.call("CLUSTER", "COUNT-FAILURE-REPORTS", me) == (":", 0)
        c.close()


def test_cluster_key_subcommands_and_errors_match():
    compare([("SET", "{user1}a", "1"), ("SET", "{user1}b", "2"), ("SET", "other", "3"),
             ("CLUSTER", "KEYSLOT", "{user1}a"), ("CLUSTER", "KEYSLOT", ""),
             ("CLUSTER", "COUNTKEYSINSLOT", "8106"), ("CLUSTER", "COUNTKEYSINSLOT", "0"),
             ("CLUSTER", "COUNTKEYSINSLOT", "16384"), ("CLUSTER", "COUNTKEYSINSLOT", "-1"),
             ("CLUSTER", "COUNTKEYSINSLOT", "x"), ("CLUSTER", "GETKEYSINSLOT", "8106", "0"), ("CLUSTER", "GETKEYSINSLOT", "1", "5"),
             ("CLUSTER", "GETKEYSINSLOT", "8106", "-1"),
             ("CLUSTER", "GETKEYSINSLOT", "16384", "1"), ("CLUSTER", "GETKEYSINSLOT", "x", "1"),
             ("CLUSTER", "REPLICAS", "nosuchnode"), ("CLUSTER", "SLAVES", "nosuchnode"),
             ("CLUSTER", "COUNT-FAILURE-REPORTS", "nosuchnode"), ("CLUSTER", "NOSUCH"),
             ("CLUSTER",), ("CLUSTER", "KEYSLOT"), ("CLUSTER", "MYID", "x"),
             ("READONLY",), ("READWRITE",), ("ASKING",), ("READONLY", "x")])
    # Both keys of slot 8106, in either order.
    for server in (REDIS, LRUKV):
        c = Conn("127.0.0.1", server.port)
        slot = plain(c.call("CLUSTER", "KEYSLOT", "user1"))
        assert slot == 8106
        keys = plain(c.call("CLUSTER", "GETKEYSINSLOT", str(slot), "10"))
        assert sorted(keys) == ["{user1}a", "{user1}b"], keys
        # at most `count` keys, in the server's own order (Redis's is its dict's)
        one = plain(c.call("CLUSTER", "GETKEYSINSLOT", str(slot), "1"))
        assert len(one) == 1 and one[0] in keys, one
        c.close()


def test_topology_changes_are_refused_with_a_clear_error():
    c = Conn("127.0.0.1", LRUKV.port)
    for cmd in [("CLUSTER", "MEET", "127.0.0.1", "7000"), ("CLUSTER", "ADDSLOTS", "1"),
                ("CLUSTER", "DELSLOTS", "1"), ("CLUSTER", "ADDSLOTSRANGE", "1", "2"),
                ("CLUSTER", "SETSLOT", "1", "STABLE"), ("CLUSTER", "FAILOVER"),
                ("CLUSTER", "RESET"), ("CLUSTER", "FORGET", "x"), ("CLUSTER", "FLUSHSLOTS"),
                ("CLUSTER", "REPLICATE", "x"), ("CLUSTER", "BUMPEPOCH")]:
        kind, text = c.call(*cmd)
        assert kind == "-" and text == (f"ERR CLUSTER {cmd[1]} is not supported: lrukv emulates "
                                        "a one-node cluster that owns all 16384 slots"), (cmd, text)
    assert "cluster_state:ok" in plain(c.call("CLUSTER", "INFO"))
    c.close()


CROSSSLOT_CASES = [
    ("MSET", "a", "1", "b", "2"), ("MSET", "{t}a", "1", "{t}b", "2"), ("MGET", "a", "b"),
    ("MGET", "{t}a", "{t}b"), ("MSETNX", "a", "1", "b", "2"), ("MSETNX", "{t}c", "1", "{t}d", "2"),
    ("DEL", "a", "b"), ("DEL", "{t}a", "{t}zz"), ("EXISTS", "a", "b"), ("EXISTS", "{t}a", "{t}b"),
    ("UNLINK", "a", "b"), ("TOUCH", "a", "b"), ("RENAME", "a", "b"), ("SET", "{t}x", "v"),
    ("RENAME", "{t}x", "{t}y"), ("RENAMENX", "a", "b"), ("COPY", "a", "b"),
    ("COPY", "{t}y", "{t}z"), ("COPY", "{t}y", "{t}w", "DB", "0"), ("BITOP", "AND", "a", "b"),
    ("BITOP", "OR", "{t}d", "{t}y", "{t}z"), ("BITOP", "NOT", "x", "y"), ("WATCH", "a", "b"),
    ("WATCH", "{t}a", "{t}b"), ("UNWATCH",), ("GET", "a"), ("SSUBSCRIBE", "a", "b"),
    ("MSET", "a", "1", "b"), ("MGET", "foo{}", "foo{}"), ("DEL", "{}", "{}x"),
    ("MGET", "a{b}", "{b}c", "x{b}{a}"),
]


def test_crossslot_for_multi_key_commands():
    compare(CROSSSLOT_CASES)
    compare(CROSSSLOT_CASES, protocol=3)


MULTI_CASES = [
    # a cross-slot command while queueing: refused, the transaction aborts
    [("MULTI",), ("MSET", "a", "1", "b", "1"), ("SET", "a", "2"), ("EXEC",), ("GET", "a")],
    [("MULTI",), ("SET", "a", "1"), ("MGET", "a", "b"), ("EXEC",)],
    # single-key commands over two slots: EXEC itself answers CROSSSLOT and discards
    [("MULTI",), ("SET", "a", "1"), ("SET", "b", "1"), ("EXEC",), ("EXISTS", "a"), ("EXEC",)],
    # one slot through hash tags: runs
    [("MULTI",), ("SET", "{t}a", "1"), ("INCR", "{t}b"), ("MGET", "{t}a", "{t}b"), ("EXEC",)],
    # WATCH across slots inside MULTI, and WATCHed keys do not join EXEC's slot
    [("MULTI",), ("WATCH", "a", "b"), ("EXEC",)],
    [("WATCH", "a"), ("MULTI",), ("SET", "b", "1"), ("EXEC",)],
    [("WATCH", "a", "b"), ("MULTI",), ("PING",), ("EXEC",)],
    [("MULTI",), ("PING",), ("EXEC",)],
    [("MULTI",), ("SELECT", "1"), ("SELECT", "0"), ("EXEC",)],
    [("EXEC",), ("DISCARD",)],
]


def test_crossslot_inside_multi_exec_and_watch():
    for case in MULTI_CASES:
        compare(case)
    compare(MULTI_CASES[2], protocol=3)


def test_only_database_0():
    compare([("SET", "k", "v"), ("SELECT", "0"), ("SELECT", "1"), ("SELECT", "15"),
             ("SELECT", "99"), ("SELECT", "-1"), ("SELECT", "x"), ("MOVE", "k", "1"),
             ("MOVE", "k", "0"), ("MOVE", "k", "x"), ("SWAPDB", "0", "1"), ("SWAPDB", "0", "0"),
             ("SWAPDB", "x", "y"), ("COPY", "k", "{k}x", "DB", "1"), ("COPY", "k", "k", "DB", "1"),
             ("COPY", "k", "{k}y", "DB", "0"), ("COPY", "k", "{k}y", "DB", "99"),
             ("COPY", "k", "{k}y", "DB", "x"), ("DBSIZE",), ("GET", "k")])


CONFIG_NAMES = ["cluster-enabled", "cluster-announce-ip", "cluster-announce-port",
                "cluster-announce-tls-port", "cluster-announce-bus-port",
                "cluster-node-timeout", "cluster-require-full-coverage",
                "cluster-allow-reads-when-down", "cluster-announce-hostname"]


def test_config_and_info():
    compare([("CONFIG", "GET", n) for n in CONFIG_NAMES] +
            [("CONFIG", "SET", "cluster-enabled", "no"), ("CONFIG", "SET", "cluster-enabled", "yes"),
             ("CONFIG", "SET", "cluster-port", "1"), ("CONFIG", "SET", "cluster-config-file", "x"),
             ("CONFIG", "SET", "cluster-announce-port", "70000"),
             ("CONFIG", "SET", "cluster-announce-bus-port", "6000"),
             ("CONFIG", "GET", "cluster-announce-bus-port"),
             ("CONFIG", "SET", "cluster-announce-bus-port", "0"),
             ("INFO", "cluster")])
    for server in (REDIS, LRUKV):
        c = Conn("127.0.0.1", server.port)
        assert plain(c.call("CONFIG", "GET", "cluster-config-file"))[1].endswith("nodes.conf")
        assert int(plain(c.call("CONFIG", "GET", "cluster-port"))[1]) == bus_port(server) > 0
        info = plain(c.call("INFO", "server"))
        assert "redis_mode:cluster" in info, info
        hello = plain(c.call("HELLO", "3"))
        assert hello[hello.index("mode") + 1] == "cluster"
        c.close()


def test_hostname_and_preferred_endpoint_type_match():
    """cluster-announce-hostname and cluster-preferred-endpoint-type (ip, hostname,
    unknown-endpoint): the endpoint, the metadata beside it and the NODES line, as Redis. Both
    announce the same address and ports here, so only the node id is normalised (Redis's own
    empty address would hide the difference between it and unknown-endpoint's empty one)."""
    announced = ("cluster-announce-ip", "10.9.9.9", "cluster-announce-port", "7000",
                 "cluster-announce-bus-port", "17000")
    admins = [Conn("127.0.0.1", s.port) for s in (REDIS, LRUKV)]
    for admin in admins:
        assert admin.call("CONFIG", "SET", *announced) == ("+", "OK")
    try:
        for hostname in ("node-1.example", ""):
            for preferred in ("ip", "hostname", "unknown-endpoint"):
                for admin in admins:
                    assert admin.call("CONFIG", "SET", "cluster-announce-hostname", hostname,
                                      "cluster-preferred-endpoint-type", preferred) == ("+", "OK")
                for protocol in (2, 3):
                    compare([("CLUSTER", "SLOTS"), ("CLUSTER", "SHARDS"), ("CLUSTER", "NODES"),
                             ("CONFIG", "GET", "cluster-preferred-endpoint-type")],
                            protocol=protocol, normalise=True, fresh=False,
                            norms=(only_id_normaliser(REDIS), only_id_normaliser(LRUKV)))
        c = admins[1]
        assert c.call("CONFIG", "SET", "cluster-announce-hostname", "node-1.example",
                      "cluster-preferred-endpoint-type", "hostname") == ("+", "OK")
        node = plain(c.call("CLUSTER", "SLOTS"))[0][2]
        assert node[0] == "node-1.example" and node[3] == ["ip", "10.9.9.9"], node
    finally:
        for admin in admins:
            admin.call("CONFIG", "SET", "cluster-announce-hostname", "",
                       "cluster-preferred-endpoint-type", "ip", "cluster-announce-ip", "",
                       "cluster-announce-port", "0", "cluster-announce-bus-port", "0")
            admin.close()


def slots_address(conn):
    node = plain(conn.call("CLUSTER", "SLOTS"))[0][2]
    return node[0], node[1]


def test_announced_address_is_the_clients_own_unless_announced():
    server = start_lrukv_cluster(["--bind", f"127.0.0.1 {ETH0_IP}", "--protected-mode", "no",
                                  "--unixsocket", "lrukv.sock"])
    try:
        for host in ("127.0.0.1", ETH0_IP):
            c = Conn(host, server.port)
            assert slots_address(c) == (host, server.port)
            nodes = plain(c.call("CLUSTER", "NODES"))
            assert nodes.split()[1] == f"{host}:{server.port}@{bus_port(server)}", nodes
            shard = plain(c.call("CLUSTER", "SHARDS"))[0][3][0]
            fields = dict(zip(shard[::2], shard[1::2]))
            assert fields["ip"] == host and fields["endpoint"] == host
            assert fields["port"] == server.port
            c.close()
        # A unix-socket client is told 127.0.0.1 and the TCP port.
        u = Conn(None, unix_path=os.path.join(server.dir, "lrukv.sock"))
        assert slots_address(u) == ("127.0.0.1", server.port)
        u.close()
        # cluster-announce-ip / -port / -bus-port win, for every client.
        admin = Conn("127.0.0.1", server.port)
        for name, value in (("cluster-announce-ip", "10.1.2.3"),
                            ("cluster-announce-port", "7000"),
                            ("cluster-announce-bus-port", "17000")):
            assert admin.call("CONFIG", "SET", name, value) == ("+", "OK")
        for host in ("127.0.0.1", ETH0_IP):
            c = Conn(host, server.port)
            assert slots_address(c) == ("10.1.2.3", 7000)
            assert plain(c.call("CLUSTER", "NODES")).split()[1] == "10.1.2.3:7000@17000"
            c.close()
        admin.close()
    finally:
        server.cleanup()


def test_tls_clients_are_told_the_tls_port():
    d = tempfile.mkdtemp(prefix="lrukv-cluster-tls-")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for argv in (["req", "-x509"] + ec + ["-days", "2", "-subj", "/CN=ca", "-keyout", "ca.key",
                                          "-out", "ca.crt"],
                 ["req"] + ec + ["-subj", "/CN=server", "-keyout", "server.key", "-out",
                                 "server.csr"],
                 ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                  "-CAcreateserial", "-days", "2", "-out", "server.crt"]):
        subprocess.run(["openssl"] + argv, cwd=d, check=True, capture_output=True)
    tls_port = servers.free_port()
    server = start_lrukv_cluster(["--tls-port", str(tls_port), "--tls-auth-clients", "no",
                                  "--tls-cert-file", os.path.join(d, "server.crt"),
                                  "--tls-key-file", os.path.join(d, "server.key")])
    try:
        ctx = ssl.create_default_context(cafile=os.path.join(d, "ca.crt"))
        c = Conn("127.0.0.1", tls_port, tls=ctx)
        assert slots_address(c) == ("127.0.0.1", tls_port)
        assert plain(c.call("CLUSTER", "NODES")).split()[1].startswith(f"127.0.0.1:{tls_port}@")
        shard = plain(c.call("CLUSTER", "SHARDS"))[0][3][0]
        fields = dict(zip(shard[::2], shard[1::2]))
        assert (fields["port"], fields["tls-port"]) == (server.port, tls_port), fields
        c.close()
        c = Conn("127.0.0.1", server.port)
        assert slots_address(c) == ("127.0.0.1", server.port)
        assert c.call("CONFIG", "SET", "cluster-announce-tls-port", "7443") == ("+", "OK")
        c.close()
        c = Conn("127.0.0.1", tls_port, tls=ctx)
        assert slots_address(c) == ("127.0.0.1", 7443)
        c.close()
    finally:
        server.cleanup()
        import shutil
        shutil.rmtree(d, ignore_errors=True)


def test_disabled_cluster_answers_as_redis_without_cluster():
    redis_plain = servers.start_redis()
    lrukv_plain = servers.start_lrukv(ARGS.build_dir)
    try:
        cmds = [("CLUSTER", "INFO"), ("CLUSTER", "SLOTS"), ("CLUSTER", "KEYSLOT", "a"),
                ("CLUSTER", "HELP"), ("CLUSTER", "NOSUCH"), ("CLUSTER",), ("CLUSTER", "MYID", "x"),
                ("READONLY",), ("READWRITE",), ("ASKING",), ("MSET", "a", "1", "b", "2"),
                ("SELECT", "1"), ("SELECT", "0"), ("MOVE", "a", "1"), ("SWAPDB", "0", "1"),
                ("COPY", "a", "b", "DB", "2"), ("INFO", "cluster"),
                ("CONFIG", "GET", "cluster-enabled")]
        got = []
        for server in (redis_plain, lrukv_plain):
            c = Conn("127.0.0.1", server.port)
            got.append([c.call(*cmd) for cmd in cmds])
            c.close()
        for cmd, a, b in zip(cmds, *got):
            assert a == b, f"{cmd}: redis {a} lrukv {b}"
    finally:
        redis_plain.cleanup()
        lrukv_plain.cleanup()


def test_node_id_survives_a_restart_and_other_databases_are_refused():
    server = start_lrukv_cluster()
    d = server.dir
    try:
        first = node_id(server.port)
        assert open(os.path.join(d, "nodes.conf")).read().startswith(first + " ")
        server.stop()
        again = start_lrukv_cluster(dir=d)
        assert node_id(again.port) == first
        again.cleanup()
        # A dump with a key in db 1 (written without cluster mode) stops a cluster start.
        plain_node = servers.start_lrukv(ARGS.build_dir, dir=d)
        c = Conn("127.0.0.1", plain_node.port)
        assert c.pipeline(("SELECT", "1"), ("SET", "k", "v"), ("SAVE",))[2] == ("+", "OK")
        c.close()
        plain_node.cleanup()
        refused = servers.Server(servers.lrukv_binary(ARGS.build_dir),
                                 ["--save", "", "--cluster-enabled", "yes", "--cluster-port",
                                  "1"], dir=d, wait=False)
        assert refused.proc.wait(30) != 0
        assert ("You can't have keys in a DB different than DB 0 when in Cluster mode. "
                "Exiting.") in refused.log()
        refused.cleanup()
    finally:
        server.cleanup()
        import shutil
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    code = 1
    try:
        code = servers.run_test_functions(dict(globals()))
    finally:
        REDIS.cleanup()
        LRUKV.cleanup()
    sys.exit(code)
