"""TLS on tls-port, beside redis-server 7.0 started with the same options (Debian's is built
with TLS). The test makes a CA, a server certificate, a client certificate and one from an
untrusted CA with the openssl command line, then checks on both servers: redis-cli --tls, the
tls-* directives (CONFIG GET, CONFIG SET errors and log lines), refusing to start on a bad
certificate or key, tls-auth-clients yes/optional/no, a plaintext client and garbage on the TLS
port (closed, others unaffected), a large MGET read byte for byte, the plain port beside TLS,
`port 0` with only a tls-port, and protected-mode refusing a client from 192.0.2.2 (this
machine's non-loopback address) inside TLS after its handshake. On lrukv alone: a redis-py
pipeline of 10k SETs and GETs of values up to 100 KB over TLS (partial records, output
backpressure), and clients that stop mid-handshake, which lrukv closes after its handshake
bound (Redis keeps them)."""
import os
import random
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

import redis

from raw_resp import RawClient, RespError
from servers import Server, free_port, lrukv_binary, parse_args

# How long lrukv lets a client stay in its handshake (kTlsHandshakeTimeoutMs), seconds, plus
# the cron's period: a stalled client must be gone by then.
HANDSHAKE_BOUND_S = 10 + 1.5


# ---- Certificates ----

def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def make_certs(d):
    """P-256 keys (quick to make and to use, also under a sanitizer build): ca.crt signs
    server.crt (for 127.0.0.1 / localhost) and client.crt; other-ca.crt signs other.crt, a
    client certificate nobody trusts. server-enc.key is server.key under the passphrase
    "secret". Returns {name: absolute path}."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for ca in ("ca", "other-ca"):
        openssl("req", "-x509", *ec, "-keyout", f"{ca}.key", "-out", f"{ca}.crt", "-days", "2",
                "-subj", f"/O=lrukv test/CN={ca}", cwd=d)
    with open(os.path.join(d, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name, ca in (("server", "ca"), ("client", "ca"), ("other", "other-ca")):
        openssl("req", *ec, "-keyout", f"{name}.key", "-out", f"{name}.csr",
                "-subj", f"/O=lrukv test/CN={name}", cwd=d)
        ext = ["-extfile", "server.ext"] if name == "server" else []
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key",
                "-CAcreateserial", "-out", f"{name}.crt", "-days", "2", *ext, cwd=d)
    openssl("pkey", "-in", "server.key", "-aes256", "-passout", "pass:secret",
            "-out", "server-enc.key", cwd=d)
    return {n: os.path.join(d, n) for n in os.listdir(d)}


# ---- Servers and clients ----

class Pair:
    """lrukv and redis-server with the same TLS options, each with a plain port too."""

    def __init__(self, build_dir, certs, extra=()):
        self.servers = {}
        for name in ("redis", "lrukv"):
            tls_port = free_port()
            args = tls_args(certs, tls_port) + list(extra)
            binary = shutil.which("redis-server") if name == "redis" else lrukv_binary(build_dir)
            s = Server(binary, ["--save", ""] + args)
            s.tls_port = tls_port
            self.servers[name] = s

    def __getitem__(self, name):
        return self.servers[name]

    def items(self):
        return self.servers.items()

    def cleanup(self):
        for s in self.servers.values():
            s.cleanup()


def tls_args(certs, tls_port):
    return ["--tls-port", str(tls_port), "--tls-cert-file", certs["server.crt"],
            "--tls-key-file", certs["server.key"], "--tls-ca-cert-file", certs["ca.crt"]]


def tls_client(certs, port, cert="client", **kw):
    """redis-py over TLS, verifying the server; `cert` names the client certificate (None:
    none)."""
    if cert:
        kw.update(ssl_certfile=certs[f"{cert}.crt"], ssl_keyfile=certs[f"{cert}.key"])
    return redis.Redis(host="127.0.0.1", port=port, ssl=True, ssl_ca_certs=certs["ca.crt"],
                       ssl_cert_reqs="required", socket_timeout=30, **kw)


def tls_socket(certs, port, cert="client"):
    ctx = ssl.create_default_context(cafile=certs["ca.crt"])
    if cert:
        ctx.load_cert_chain(certs[f"{cert}.crt"], certs[f"{cert}.key"])
    raw = socket.create_connection(("127.0.0.1", port), timeout=30)
    return ctx.wrap_socket(raw, server_hostname="localhost")


def try_ping(certs, port, cert):
    """'PONG', or the kind of failure: a refused client certificate fails the handshake (TLS
    1.2) or the first read (TLS 1.3, where the server checks it after the client's Finished)."""
    try:
        c = tls_client(certs, port, cert=cert)
        try:
            return "PONG" if c.ping() else "no"
        finally:
            c.close()
    except (redis.exceptions.ConnectionError, ssl.SSLError, OSError):
        return "refused"


def read_until_eof(sock, timeout_s):
    """Everything the peer sends until it closes; None when it is still open after timeout_s."""
    sock.settimeout(timeout_s)
    got = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return got
            got += chunk
    except socket.timeout:
        return None
    except ConnectionResetError:
        return got


def log_messages(server):
    """The messages of a server log (after `pid:R date time # ` or `* `)."""
    out = []
    for line in server.log().splitlines():
        for mark in (" # ", " * ", " - ", " . "):
            if mark in line:
                out.append(line.split(mark, 1)[1])
                break
    return out


TLS_MESSAGE_STARTS = ("Failed", "No tls-", "Either tls-", "Invalid tls-")


def tls_log_lines(server, since=0):
    return [m for m in log_messages(server)[since:] if m.startswith(TLS_MESSAGE_STARTS)]


# ---- Checks run on both servers ----

def check_redis_cli(certs, pair):
    outs = {}
    for name, s in pair.items():
        cli = ["redis-cli", "-p", str(s.tls_port), "--tls", "--cacert", certs["ca.crt"],
               "--cert", certs["client.crt"], "--key", certs["client.key"]]
        out = []
        for cmd in (["PING"], ["SET", "tls:k", "v1"], ["GET", "tls:k"], ["DEL", "tls:k"],
                    ["INCR", "tls:n"], ["GET", "nosuchkey"]):
            p = subprocess.run(cli + cmd, capture_output=True, timeout=30)
            out.append((p.returncode, p.stdout))
        outs[name] = out
    assert outs["lrukv"] == outs["redis"], outs
    assert outs["lrukv"][0] == (0, b"PONG\n") and outs["lrukv"][2] == (0, b"v1\n"), outs


def check_config(certs, pair):
    """CONFIG GET tls-* equal (but the port), CONFIG SET's replies and log lines equal, and a
    refused value leaves the old one in place."""
    gets = {}
    for name, s in pair.items():
        cfg = s.client().config_get("tls-*")
        cfg["tls-port"] = "<port>" if cfg["tls-port"] == str(s.tls_port) else cfg["tls-port"]
        gets[name] = cfg
    assert gets["lrukv"] == gets["redis"], gets
    cases = [
        ["tls-auth-clients", "maybe"], ["tls-auth-clients", "OPTIONAL"],
        ["tls-auth-clients", "yes"],
        ["tls-protocols", "TLSv1.4"], ["tls-protocols", "TLSv1.2  TLSv1.3"],
        ["tls-protocols", "tlsv1.2 TLSv1.3"], ["tls-protocols", ""],
        ["tls-ciphers", "BOGUS"], ["tls-ciphersuites", "BOGUS"],
        ["tls-ciphersuites", "TLS_AES_256_GCM_SHA384"], ["tls-ciphersuites", ""],
        ["tls-cert-file", "/nonexistent/server.crt"],
        ["tls-key-file", certs["client.key"]],  # not the certificate's key
        ["tls-ca-cert-file", "/nonexistent/ca.crt"], ["tls-ca-cert-file", ""],
        ["tls-dh-params-file", "/nonexistent/dh.pem"], ["tls-dh-params-file", certs["ca.crt"]],
        ["tls-port", "70000"], ["tls-port", "abc"], ["tls-port", "<plain port>"],
        ["tls-session-cache-size", "-1"], ["tls-session-cache-timeout", "60"],
        ["tls-prefer-server-ciphers", "yes"], ["tls-prefer-server-ciphers", "maybe"],
        ["tls-session-caching", "no"], ["tls-session-caching", "yes"],
        ["tls-key-file-pass", "secret"], ["tls-key-file-pass", ""],
        ["tls-replication", "yes"], ["tls-replication", "no"],
    ]
    transcripts = {}
    for name, s in pair.items():
        c = RawClient(s.port)
        out = []
        for directive, value in cases:
            value = str(s.port) if value == "<plain port>" else value
            before = len(log_messages(s))
            reply = c.call("CONFIG", "SET", directive, value)
            after = c.call("CONFIG", "GET", directive)
            if directive == "tls-port":
                after = [after[0], "<port>" if after[1] == str(s.tls_port).encode() else after[1]]
            out.append((directive, value if directive != "tls-port" else "", reply, after,
                        tls_log_lines(s, before)))
        transcripts[name] = out
        # Every connection still gets through after all that.
        assert try_ping(certs, s.tls_port, "client") == "PONG", name
    for want, got in zip(transcripts["redis"], transcripts["lrukv"]):
        assert want == got, f"redis {want!r}\nlrukv {got!r}"
    # The refusals are refusals, not a shared mistake.
    refused = [t for t in transcripts["lrukv"] if isinstance(t[2], RespError)]
    assert len(refused) >= 12, refused


def check_start_failures(build_dir, certs):
    """A bad TLS setup stops the start, with Redis's log lines."""
    cases = {
        "missing cert": ["--tls-cert-file", "/nonexistent/server.crt"],
        "wrong key": ["--tls-key-file", certs["client.key"]],
        "no key": ["--tls-key-file", ""],
        "no ca": ["--tls-ca-cert-file", ""],
        "encrypted key, wrong pass": ["--tls-key-file", certs["server-enc.key"],
                                      "--tls-key-file-pass", "wrong"],
        "bad protocols": ["--tls-protocols", "SSLv3"],
    }
    for case, extra in cases.items():
        lines = {}
        for name in ("redis", "lrukv"):
            binary = shutil.which("redis-server") if name == "redis" else lrukv_binary(build_dir)
            s = Server(binary, ["--save", ""] + tls_args(certs, free_port()) + extra, wait=False)
            try:
                code = s.proc.wait(timeout=30)
                assert code != 0, f"{name} {case}: started"
                lines[name] = tls_log_lines(s)
            finally:
                s.cleanup()
        assert lines["lrukv"] == lines["redis"], f"{case}: {lines}"
        assert lines["lrukv"][-1] == "Failed to configure TLS. Check logs for more info.", lines


def check_tls_only(build_dir, certs):
    """`port 0` with a tls-port, the key under a passphrase: served, INFO's tcp_port is the TLS
    port, CLIENT LIST has Redis's fields."""
    fields = {}
    for name in ("redis", "lrukv"):
        binary = shutil.which("redis-server") if name == "redis" else lrukv_binary(build_dir)
        tls_port = free_port()
        s = Server(binary, ["--save", ""] + tls_args(certs, tls_port) +
                   ["--port", "0", "--tls-key-file", certs["server-enc.key"],
                    "--tls-key-file-pass", "secret"], wait=False)
        try:
            deadline = time.time() + 30
            while try_ping(certs, tls_port, "client") != "PONG":
                assert s.proc.poll() is None and time.time() < deadline, s.log()
                time.sleep(0.05)
            c = tls_client(certs, tls_port)
            assert c.info("server")["tcp_port"] == tls_port
            assert c.config_get("port") == {"port": "0"}
            line = c.execute_command("CLIENT", "LIST").decode().split()
            fields[name] = [f.split("=")[0] for f in line]
            assert f"laddr=127.0.0.1:{tls_port}" in line, line
            assert any(f"port={tls_port}." in m for m in log_messages(s)), name
            c.close()
        finally:
            s.cleanup()
    assert fields["lrukv"] == fields["redis"], fields


def check_auth_clients(certs, pair):
    """tls-auth-clients yes refuses a client without a certificate and one from an untrusted
    CA; optional takes one without; no asks for none."""
    results = {}
    for name, s in pair.items():
        out = []
        for mode in ("yes", "optional", "no"):
            s.client().config_set("tls-auth-clients", mode)
            out.append((mode, [try_ping(certs, s.tls_port, cert)
                               for cert in ("client", None, "other")]))
        s.client().config_set("tls-auth-clients", "yes")
        results[name] = out
    assert results["lrukv"] == results["redis"], results
    assert results["lrukv"] == [("yes", ["PONG", "refused", "refused"]),
                                ("optional", ["PONG", "PONG", "refused"]),
                                ("no", ["PONG", "PONG", "PONG"])], results


def check_bad_clients(certs, pair):
    """A plaintext client and one sending garbage are closed; a TLS client connected before,
    and the plain port, keep working. Both servers send the same bytes (an alert) first."""
    seen = {}
    for name, s in pair.items():
        keeper = tls_client(certs, s.tls_port)
        assert keeper.set("tls:keeper", "1")
        got = []
        rng = random.Random(7)
        for payload in (b"*1\r\n$4\r\nPING\r\n", b"PING\r\n",
                        bytes(rng.randrange(256) for _ in range(4096))):
            sock = socket.create_connection(("127.0.0.1", s.tls_port), timeout=30)
            sock.sendall(payload)
            got.append(read_until_eof(sock, 10))
            sock.close()
        assert None not in got, f"{name}: a bad client stayed connected: {got}"
        seen[name] = got
        assert keeper.get("tls:keeper") == b"1"
        assert keeper.incr("tls:keeper") == 2
        assert s.client().get("tls:keeper") == b"2"  # the plain port, beside TLS
        keeper.close()
    assert seen["lrukv"] == seen["redis"], seen


# This machine's eth0 address (as access_control_test): a client connecting to it arrives from
# a non-loopback address, which protected-mode refuses.
REMOTE_ADDR = "192.0.2.2"
DENIED = b"-DENIED Redis is running in protected mode"


def read_to_close(certs, host, port, version, cert="client", send=b""):
    """A TLS client (the given protocol version) that sends `send` and reads until the server
    closes. Returns (plaintext, how it ended): 'close_notify' for a clean TLS end (the check
    for a truncation is on: Python ignores an unexpected EOF by default), else the error."""
    ctx = ssl.create_default_context(cafile=certs["ca.crt"])
    ctx.check_hostname = False  # the certificate names 127.0.0.1, not REMOTE_ADDR
    ctx.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF
    ctx.minimum_version = ctx.maximum_version = version
    if cert:
        ctx.load_cert_chain(certs[f"{cert}.crt"], certs[f"{cert}.key"])
    raw = socket.create_connection((host, port), timeout=10)
    got = b""
    try:
        t = ctx.wrap_socket(raw, suppress_ragged_eofs=False)
        t.sendall(send)
        while True:
            chunk = t.recv(65536)
            if not chunk:
                return got, "close_notify"
            got += chunk
    except (ssl.SSLError, OSError) as e:
        return got, type(e).__name__ + ": " + str(e).split(" (_ssl")[0]
    finally:
        raw.close()


def check_protected_mode(build_dir, certs):
    """protected-mode on a TLS port, bound to 0.0.0.0, no password: a client from REMOTE_ADDR
    completes its handshake, then reads the DENIED error inside TLS and a close_notify (TLS 1.3
    and 1.2); one with no certificate fails its handshake as a local one does; a plaintext
    client gets no plaintext DENIED (its handshake fails). rejected_connections counts only the
    refused ones, total_connections_received none of them; a local TLS client that QUITs ends
    with close_notify too. All the same bytes as Redis's."""
    probe = socket.socket()
    probe.bind((REMOTE_ADDR, 0))  # the peer must really be non-loopback
    probe.close()
    pair = Pair(build_dir, certs, extra=["--bind", "0.0.0.0"])
    try:
        seen = {}
        for name, s in pair.items():
            admin = RawClient(s.port)

            def counts():
                info = admin.call("INFO", "stats").decode()
                return [int(info.split(f"\r\n{f}:")[1].split("\r\n")[0])
                        for f in ("rejected_connections", "total_connections_received")]
            before = counts()
            got = [read_to_close(certs, REMOTE_ADDR, s.tls_port, v)
                   for v in (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2)]
            got.append(read_to_close(certs, REMOTE_ADDR, s.tls_port, ssl.TLSVersion.TLSv1_2,
                                     cert=None))
            plain = socket.create_connection((REMOTE_ADDR, s.tls_port), timeout=10)
            plain.sendall(b"PING\r\n")
            got.append(read_until_eof(plain, 10))
            plain.close()
            after = counts()
            got.append([a - b for a, b in zip(after, before)])
            got.append(read_to_close(certs, "127.0.0.1", s.tls_port, ssl.TLSVersion.TLSv1_3,
                                     send=b"QUIT\r\n"))
            got.append(counts()[1] - after[1])
            admin.close()
            seen[name] = got
        assert seen["lrukv"] == seen["redis"], seen
        for plaintext, end in seen["lrukv"][:2]:
            assert plaintext.startswith(DENIED) and plaintext.endswith(b"outside.\r\n"), plaintext
            assert end == "close_notify", end
        assert not seen["lrukv"][3].startswith(b"-DENIED"), seen["lrukv"][3]
        assert seen["lrukv"][4] == [2, 0], seen["lrukv"][4]  # two refused, none counted
        assert seen["lrukv"][5] == (b"+OK\r\n", "close_notify"), seen["lrukv"][5]
        assert seen["lrukv"][6] == 1, seen["lrukv"][6]  # the QUIT client counted
    finally:
        pair.cleanup()


def check_large_mget(certs, pair):
    """MGET of 1000 keys (20 KB values, every tenth key missing) over a raw TLS socket: the reply
    is exactly the RESP Python builds from the values."""
    rng = random.Random(11)
    keys = [b"mget:%d" % i for i in range(1000)]
    values = {k: rng.randbytes(20_000) for i, k in enumerate(keys) if i % 10}
    want = b"*%d\r\n" % len(keys) + b"".join(
        b"$%d\r\n%s\r\n" % (len(values[k]), values[k]) if k in values else b"$-1\r\n"
        for k in keys)
    for name, s in pair.items():
        c = tls_client(certs, s.tls_port)
        p = c.pipeline(transaction=False)
        for k, v in values.items():
            p.set(k, v)
        assert all(p.execute())
        c.close()
        sock = tls_socket(certs, s.tls_port)
        args = [b"MGET"] + keys
        sock.sendall(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a)
                                                        for a in args))
        got = bytearray()
        while len(got) < len(want):
            chunk = sock.recv(1 << 20)
            assert chunk, f"{name}: closed after {len(got)} bytes"
            got += chunk
        sock.close()
        assert got == want, f"{name}: MGET reply differs (len {len(got)} vs {len(want)})"


# ---- lrukv only ----

def start_stalled_handshakes(certs, port):
    """Two clients that stop in their handshake: one sends nothing, one half its ClientHello."""
    silent = socket.create_connection(("127.0.0.1", port), timeout=30)
    ctx = ssl.create_default_context(cafile=certs["ca.crt"])
    obj = ctx.wrap_bio(ssl.MemoryBIO(), outgoing := ssl.MemoryBIO(), server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = outgoing.read()
    half = socket.create_connection(("127.0.0.1", port), timeout=30)
    half.sendall(hello[:len(hello) // 2])
    return time.time(), [silent, half]


def check_stalled_handshakes_closed(started, socks, server):
    left = HANDSHAKE_BOUND_S - (time.time() - started)
    for sock in socks:
        got = read_until_eof(sock, max(left, 0) + 5)
        assert got == b"", f"a stalled handshake got {got!r} (None: still open)"
        sock.close()
    assert time.time() - started >= 9, "closed before the handshake bound"
    assert server.client().info("clients")["connected_clients"] == 1


def check_big_pipeline(certs, s):
    """10k commands in one redis-py pipeline over TLS: 5k SETs of distinct values, one in ten of
    100 KB and the others of 8 B to 10 KB (so records and requests split everywhere), then their
    5k GETs: 72 MB each way, replies queued while the socket is full. (All values of 100 KB
    would take redis-py's pure-Python parser over a minute.) redis-py sends the whole pipeline
    before it reads: lrukv reads on while the replies queue, as Redis does (hostile_volume_test
    checks that on the plain port with 80 MB of replies)."""
    rng = random.Random(3)
    base = rng.randbytes(100_000)
    n = 5000
    values = [b"%08d" % i + base[8:100_000 if i % 10 == 0 else rng.randrange(8, 10_000)]
              for i in range(n)]
    c = tls_client(certs, s.tls_port)
    p = c.pipeline(transaction=False)
    for i in range(n):
        p.set(b"big:%d" % i, values[i])
    for i in range(n):
        p.get(b"big:%d" % i)
    replies = p.execute()
    assert len(replies) == 2 * n
    assert all(r is True for r in replies[:n]), [r for r in replies[:n] if r is not True][:3]
    for i in range(n):
        assert replies[n + i] == values[i], i
    assert c.dbsize() >= n
    c.close()


def main():
    args = parse_args(__doc__)
    d = tempfile.mkdtemp(prefix="lrukv-tls-certs-")
    pair = None
    try:
        certs = make_certs(d)
        pair = Pair(args.build_dir, certs)
        lrukv = pair["lrukv"]
        stalled_at, stalled = start_stalled_handshakes(certs, lrukv.tls_port)
        steps = [
            ("redis-cli", lambda: check_redis_cli(certs, pair)),
            ("auth clients", lambda: check_auth_clients(certs, pair)),
            ("bad clients", lambda: check_bad_clients(certs, pair)),
            ("large MGET", lambda: check_large_mget(certs, pair)),
            ("big pipeline", lambda: check_big_pipeline(certs, lrukv)),
            ("config", lambda: check_config(certs, pair)),
            ("stalled handshakes",
             lambda: check_stalled_handshakes_closed(stalled_at, stalled, lrukv)),
            ("start failures", lambda: check_start_failures(args.build_dir, certs)),
            ("tls only", lambda: check_tls_only(args.build_dir, certs)),
            ("protected mode", lambda: check_protected_mode(args.build_dir, certs)),
        ]
        for name, step in steps:
            t = time.time()
            step()
            print(f"ok {name} ({time.time() - t:.1f}s)", flush=True)
    finally:
        if pair:
            pair.cleanup()
        shutil.rmtree(d, ignore_errors=True)
    print("tls_test: all checks passed")


if __name__ == "__main__":
    main()
