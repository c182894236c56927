"""Access control, differential against redis-server 7.0: requirepass and AUTH (both forms, a
wrong user, HELLO AUTH, what runs before AUTH, CONFIG SET requirepass at run time), protected
mode (a client from 192.0.2.2, this machine's non-loopback address, against a server bound to
0.0.0.0), the ACL subcommands lrukv answers, rename-command (config file and command line,
COMMAND, MONITOR, SLOWLOG, commandstats and CLIENT LIST after a rename, startup errors), and
`bind` with host names (at start and by CONFIG SET, unresolvable ones included). Both
servers start with the same options and get the same requests over raw sockets; the reply bytes
must be equal, except where the comparison says what it leaves out (client ids, random
passwords, commands only Redis has)."""
import os
import re
import socket
import subprocess
import shutil
import tempfile
import time

from servers import lrukv_binary, parse_args, start_lrukv, start_redis

# This machine's eth0 address: a client connecting to it arrives from a non-loopback address.
REMOTE_ADDR = "192.0.2.2"
PASSWORD = "secret"


class Conn:
    """One raw connection: each reply comes back exactly as the server sent it (bytes)."""

    def __init__(self, port=None, host="127.0.0.1", path=None):
        if path is not None:
            self.sock = socket.socket(socket.AF_UNIX)
            self.sock.connect(path)
        else:
            self.sock = socket.create_connection((host, port), timeout=10)
        self.sock.settimeout(10)
        self.buf = b""

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError
        self.buf += chunk

    def _end(self, pos):
        """Offset just past the reply starting at `pos` (reads more as needed)."""
        while b"\r\n" not in self.buf[pos:]:
            self._fill()
        eol = self.buf.index(b"\r\n", pos)
        kind, head, nxt = self.buf[pos:pos + 1], self.buf[pos + 1:eol], eol + 2
        if kind in b"+-:_,#(":
            return nxt
        if kind in b"$=!":
            n = int(head)
            if n < 0:
                return nxt
            while len(self.buf) < nxt + n + 2:
                self._fill()
            return nxt + n + 2
        if kind in b"*~>%|":
            n = int(head) * (2 if kind in b"%|" else 1)
            for _ in range(max(n, 0)):
                nxt = self._end(nxt)
            return nxt
        raise AssertionError(f"bad reply {self.buf[pos:pos + 80]!r}")

    def reply(self):
        try:
            end = self._end(0)
        except (EOFError, ConnectionResetError):
            # Closed by the server (a request sent after it closed may also earn a reset).
            out, self.buf = self.buf + b"<closed>", b""
            return out
        out, self.buf = self.buf[:end], self.buf[end:]
        return out

    def send(self, *args):
        parts = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(parts))

    def cmd(self, *args):
        self.send(*args)
        return self.reply()

    def until_closed(self):
        """Everything the server sends until it closes the connection, then "<closed>"."""
        out = self.buf
        while True:
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                return out + b"<reset>"
            if not chunk:
                return out + b"<closed>"
            out += chunk

    def close(self):
        self.sock.close()


def check_equal(what, redis_reply, lrukv_reply):
    assert redis_reply == lrukv_reply, (
        f"{what}:\n  redis-server: {redis_reply!r}\n  lrukv:        {lrukv_reply!r}")


def masked(reply):
    """A reply with what is each server's own left out: HELLO's client id."""
    return re.sub(rb"\$2\r\nid\r\n:\d+\r\n", b"$2\r\nid\r\n:ID\r\n", reply)


def acl_log_shape(reply):
    """An ACL LOG reply without what is each server's own: the age of an entry and the client
    line it holds, but for the line's cmd= field."""
    reply = re.sub(rb"(\$11\r\nage-seconds\r\n)(\$\d+\r\n[0-9.e-]+|,[0-9.e-]+)\r\n",
                   rb"\1AGE\r\n", reply)

    def client_line(m):
        cmd = re.search(rb" cmd=(\S+)", m.group(2))
        return m.group(1) + b"CLIENT cmd=" + (cmd.group(1) if cmd else b"?") + b"\r\n"
    return re.sub(rb"(\$11\r\nclient-info\r\n)\$\d+\r\n([^\r]*)\r\n", client_line, reply)


def wait_ready(server, password=None, timeout_s=30):
    """Waits until the server answers PING (after AUTH when it has a password), on one
    connection that sends nothing before, so error counters stay the same on both servers."""
    deadline = time.time() + timeout_s
    while True:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.binary} exited:\n{server.log()}")
        try:
            c = Conn(server.port)
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.02)
            continue
        if password is not None:
            assert c.cmd("AUTH", password) == b"+OK\r\n"
        assert c.cmd("PING") == b"+PONG\r\n"
        c.close()
        return


class Pair:
    """redis-server and lrukv started with the same extra options."""

    def __init__(self, build_dir, args=(), password=None):
        self.redis = start_redis(list(args), wait=False)
        self.lrukv = start_lrukv(build_dir, list(args), wait=False)
        for s in self.servers():
            wait_ready(s, password)

    def servers(self):
        return (self.redis, self.lrukv)

    def conns(self, **kw):
        return Conn(self.redis.port, **kw), Conn(self.lrukv.port, **kw)

    def cleanup(self):
        for s in self.servers():
            s.cleanup()


def run_sequences(pair, name, sequences):
    """Each sequence on one fresh connection per server; every reply compared byte for byte."""
    for i, seq in enumerate(sequences):
        r, l = pair.conns()
        for args in seq:
            check_equal(f"{name} #{i} {args}", masked(r.cmd(*args)), masked(l.cmd(*args)))
        r.close()
        l.close()


# ---- requirepass, AUTH and HELLO ----

def check_requirepass(build_dir):
    pair = Pair(build_dir, ["--requirepass", PASSWORD], password=PASSWORD)
    try:
        before_auth = [
            ["PING"], ["FOO", "bar"], ["GET"], ["AUTH"], ["AUTH", "a", "b", "c"],
            ["AUTH", "wrong"], ["AUTH", "default", "wrong"], ["AUTH", "nobody", PASSWORD],
            ["CLIENT", "ID"], ["COMMAND", "COUNT"], ["MULTI"], ["EXEC"], ["ECHO", "hi"],
            ["SELECT", "1"], ["INFO"], ["CONFIG", "GET", "requirepass"], ["ACL", "WHOAMI"],
            ["SUBSCRIBE", "ch"], ["HELLO"], ["HELLO", "3"], ["HELLO", "2", "SETNAME", "x"],
            ["HELLO", "3", "SETNAME", "a b"], ["HELLO", "4"], ["HELLO", "x"],
            ["HELLO", "3", "AUTH", "default"], ["HELLO", "3", "AUTH", "default", "wrong"],
            ["HELLO", "3", "SETNAME", "a", "AUTH", "nobody", PASSWORD],
            ["PING"], ["RESET"], ["PING"], ["QUIT"], ["PING"]]
        run_sequences(pair, "before AUTH", [
            before_auth,
            [["AUTH", PASSWORD], ["ACL", "WHOAMI"], ["PING"], ["RESET"], ["PING"],
             ["AUTH", "default", PASSWORD], ["PING"], ["AUTH", "default", "wrong"], ["PING"],
             ["AUTH", "nobody", "x"], ["ECHO", "still in"], ["AUTH", PASSWORD]],
            [["HELLO", "3", "AUTH", "default", PASSWORD], ["HELLO"], ["GET", "k"], ["RESET"],
             ["HELLO", "2", "AUTH", "default", PASSWORD, "SETNAME", "x"], ["CLIENT", "GETNAME"]],
            [["HELLO", "3", "AUTH", "default", PASSWORD, "SETNAME", "a b"], ["PING"],
             ["CLIENT", "GETNAME"], ["HELLO", "3", "AUTH", "default", "wrong", "SETNAME", "n"]],
            [["HELLO", "3", "SETNAME", "x:y"], ["AUTH", PASSWORD], ["CLIENT", "GETNAME"],
             ["HELLO", "3", "SETNAME", "p:q", "BADOPT"], ["CLIENT", "GETNAME"],
             ["HELLO", "3", "SETNAME", "r:s", "SETNAME", "a", "b"], ["CLIENT", "GETNAME"]],
            [["HELLO", "3", "SETNAME", "a:b", "AUTH", "default", PASSWORD, "BADOPT"], ["PING"],
             ["CLIENT", "GETNAME"]],
            [["HELLO", "3", "AUTH", "default", PASSWORD, "AUTH", "default", "wrong"], ["PING"]],
            [["HELLO", "3", "SETNAME", "a b", "AUTH", "default", PASSWORD], ["PING"]],
            [["MULTI"], ["AUTH", PASSWORD], ["MULTI"], ["AUTH", "wrong"], ["AUTH", PASSWORD],
             ["PING"], ["EXEC"]],
        ])
        # Before AUTH a request may have at most 10 arguments of at most 16384 bytes; past that
        # the error, then the connection is closed.
        for name, raw in (("11 arguments", b"*11\r\n"), ("a 16385-byte bulk",
                                                           b"*2\r\n$4\r\nECHO\r\n$16385\r\n")):
            r, l = pair.conns()
            for c in (r, l):
                c.sock.sendall(raw)
            check_equal(f"before AUTH, {name}", r.until_closed(), l.until_closed())
        r, l = pair.conns()
        for c in (r, l):
            assert c.cmd("AUTH", PASSWORD) == b"+OK\r\n"
            c.sock.sendall(b"*11\r\n" + b"$1\r\nx\r\n" * 11)
        check_equal("after AUTH, 11 arguments", r.reply(), l.reply())
        # Both servers counted the same errors (NOAUTH, WRONGPASS, ...).
        check_equal("INFO errorstats", r.cmd("INFO", "errorstats"), l.cmd("INFO", "errorstats"))
        # The failed AUTHs above went to the ACL log, grouped by user and context (EXEC: multi).
        log = [acl_log_shape(c.cmd("ACL", "LOG")) for c in (r, l)]
        check_equal("ACL LOG", log[0], log[1])
        assert b"$5\r\nmulti\r\n" in log[1] and b"$6\r\nnobody\r\n" in log[1], log[1]
        for args in (["ACL", "LOG", "1"], ["ACL", "LOG", "-1"], ["ACL", "LOG", "x"],
                     ["ACL", "LOG", "1", "2"], ["HELLO", "3"], ["ACL", "LOG", "2"],
                     ["HELLO", "2"], ["CONFIG", "SET", "acllog-max-len", "1"],
                     ["AUTH", "nobody", "x"], ["ACL", "LOG"], ["ACL", "LOG", "RESET"],
                     ["ACL", "LOG"], ["CONFIG", "GET", "acllog-max-len"]):
            check_equal(f"after AUTH: {args}", acl_log_shape(masked(r.cmd(*args))),
                        acl_log_shape(masked(l.cmd(*args))))
    finally:
        pair.cleanup()


def check_runtime_password(build_dir):
    """No password at start; CONFIG SET requirepass while clients are connected: those already
    in stay in (Redis authenticates them at connect while the default user has no password),
    new ones need AUTH, a password change logs nobody out, clearing it lets everybody run
    commands but HELLO still asks for AUTH from a client that never authenticated."""
    pair = Pair(build_dir)
    try:
        run_sequences(pair, "no password", [[
            ["AUTH", "pass"], ["AUTH", "default", "anything"], ["AUTH", "nobody", "x"],
            ["HELLO", "3", "AUTH", "default", "x"], ["HELLO", "3", "AUTH", "nobody", "x"],
            ["HELLO", "2"], ["ACL", "WHOAMI"], ["CONFIG", "GET", "requirepass"],
            ["CONFIG", "SET", "requirepass", "a", "b"]]])
        conns = {}
        for side, s in zip(("redis", "lrukv"), pair.servers()):
            conns[side] = {"admin": Conn(s.port), "early": Conn(s.port)}
        script = [
            ("admin", ["CONFIG", "SET", "requirepass", "pw"]), ("new", None),
            ("early", ["PING"]), ("new", ["PING"]), ("new", ["HELLO"]), ("new", ["AUTH", "pw"]),
            ("admin", ["CONFIG", "GET", "requirepass"]),
            ("admin", ["CONFIG", "SET", "requirepass", "pw2"]),
            ("new", ["PING"]), ("early", ["PING"]), ("new", ["AUTH", "pw"]), ("new", ["PING"]),
            ("late", None), ("late", ["PING"]), ("admin", ["ACL", "LIST"]),
            ("admin", ["ACL", "GETUSER", "default"]),
            ("admin", ["CONFIG", "SET", "requirepass", ""]),
            ("late", ["PING"]), ("late", ["HELLO", "2"]), ("late", ["ACL", "WHOAMI"]),
            ("late", ["AUTH", "default", "x"]), ("late", ["HELLO", "2"]),
            ("admin", ["CONFIG", "SET", "requirepass", "pw"]), ("early", ["RESET"]),
            ("early", ["PING"]), ("admin", ["CONFIG", "SET", "requirepass", ""]),
            ("early", ["RESET"]), ("early", ["PING"]), ("admin", ["ACL", "LIST"]),
            ("admin", ["ACL", "GETUSER", "default"]),
        ]
        for who, args in script:
            replies = {}
            for side, s in zip(("redis", "lrukv"), pair.servers()):
                if args is None:
                    conns[side][who] = Conn(s.port)
                    continue
                replies[side] = masked(conns[side][who].cmd(*args))
            if args is not None:
                check_equal(f"run-time requirepass: {who} {args}", replies["redis"],
                            replies["lrukv"])
    finally:
        pair.cleanup()


# ---- ACL ----

def check_acl(build_dir):
    pair = Pair(build_dir)
    try:
        run_sequences(pair, "ACL", [[
            ["ACL"], ["ACL", "FOO"], ["acl", "whoami"], ["ACL", "WHOAMI", "x"], ["ACL", "USERS"],
            ["ACL", "USERS", "x"], ["ACL", "LIST"], ["ACL", "LIST", "x"], ["ACL", "CAT"],
            ["ACL", "CAT", "a", "b"], ["ACL", "CAT", "nosuch"], ["ACL", "CAT", "all"],
            ["ACL", "GETUSER", "default"], ["ACL", "GETUSER", "nobody"], ["ACL", "GETUSER"],
            ["ACL", "DELUSER", "default"], ["ACL", "DELUSER", "nobody", "x"],
            ["ACL", "DELUSER", "x", "default"],
            ["ACL", "GENPASS", "0"], ["ACL", "GENPASS", "4097"], ["ACL", "GENPASS", "x"],
            ["ACL", "GENPASS", "1", "2"], ["ACL", "LOAD"], ["ACL", "SAVE"], ["ACL", "LOG"],
            ["ACL", "DRYRUN", "default", "get", "k"], ["ACL", "DRYRUN", "default", "get"],
            ["ACL", "DRYRUN", "default", "foo"], ["ACL", "DRYRUN", "nobody", "get", "k"],
            ["ACL", "DRYRUN", "default", "config", "get", "x"],
            ["ACL", "DRYRUN", "default", "config", "foo"], ["ACL", "DRYRUN", "default"],
            ["ACL", "HELP"], ["ACL", "HELP", "x"],
            ["COMMAND", "INFO", "acl|whoami", "acl|cat", "acl|list", "acl|users", "acl|help",
             "acl|log", "acl|getuser", "acl|genpass", "acl|dryrun"],
            ["HELLO", "3"], ["ACL", "GETUSER", "default"], ["ACL", "USERS"],
        ]])
        r, l = pair.conns()
        for bits, digits in ((None, 64), ("5", 2), ("1", 1), ("4096", 1024)):
            args = ["ACL", "GENPASS"] + ([bits] if bits else [])
            for side, c in (("redis", r), ("lrukv", l)):
                reply = c.cmd(*args)
                assert re.fullmatch(rb"\$%d\r\n[0-9a-f]{%d}\r\n" % (digits, digits), reply), (
                    side, args, reply)
        # ACL CAT <category>: every command lrukv has, with Redis's categories. Redis lists its
        # whole table in hash order, so the lists are compared as sets, over lrukv's commands.
        # lrukv's 7.2 extras (CLIENT SETINFO, NO-TOUCH) are left out too.
        known = set(parse_bulks(l.cmd("COMMAND", "LIST", "FILTERBY", "PATTERN", "*")))
        redis_known = set(parse_bulks(r.cmd("COMMAND", "LIST", "FILTERBY", "PATTERN", "*")))
        assert {"get", "config", "config|get", "acl|cat"} <= known, known
        for category in parse_bulks(r.cmd("ACL", "CAT")):
            redis_names = set(parse_bulks(r.cmd("ACL", "CAT", category)))
            lrukv_names = parse_bulks(l.cmd("ACL", "CAT", category.upper()))
            assert len(lrukv_names) == len(set(lrukv_names)), (category, lrukv_names)
            assert set(lrukv_names) <= known, (category, set(lrukv_names) - known)
            check_equal(f"ACL CAT {category} (lrukv's commands)", sorted(redis_names & known),
                        sorted(set(lrukv_names) & redis_known))
        check_equal("ACL CAT string", sorted(parse_bulks(r.cmd("ACL", "CAT", "string"))),
                    sorted(parse_bulks(l.cmd("ACL", "CAT", "string"))))
    finally:
        pair.cleanup()


def parse_bulks(reply):
    """The strings of a flat array reply of bulks."""
    lines = reply.split(b"\r\n")
    assert lines[0].startswith(b"*"), reply
    return [lines[i].decode() for i in range(2, len(lines), 2)]


# ---- protected mode ----

# Connections each server refused in protected mode, by port (what rejected_connections
# must say).
refused = {}


def remote_bytes(port):
    """What a client connecting from REMOTE_ADDR receives before the server closes it. It sends
    nothing (unread input would turn the close into a reset); a reset, rare, is tried again."""
    for _ in range(3):
        c = Conn(port, host=REMOTE_ADDR)
        out = c.until_closed()
        c.close()
        if out.startswith(b"-DENIED"):
            refused[port] = refused.get(port, 0) + 1
        if not out.endswith(b"<reset>"):
            return out
    return out


def remote_ping(port):
    c = Conn(port, host=REMOTE_ADDR)
    try:
        return c.cmd("PING")
    finally:
        c.close()


def check_protected_mode(build_dir):
    # The peer must really be non-loopback, or this test proves nothing.
    probe = socket.socket()
    probe.bind((REMOTE_ADDR, 0))
    probe.close()
    tmp = tempfile.mkdtemp(prefix="lrukv-access-")
    sockets = [os.path.join(tmp, "redis.sock"), os.path.join(tmp, "lrukv.sock")]
    redis = start_redis(["--bind", "0.0.0.0", "--unixsocket", sockets[0]], wait=False)
    lrukv = start_lrukv(build_dir, ["--bind", "0.0.0.0", "--unixsocket", sockets[1]], wait=False)
    try:
        for s in (redis, lrukv):
            wait_ready(s)
        ports = (redis.port, lrukv.port)

        def both(what, fn):
            out = [fn(port, path) for port, path in zip(ports, sockets)]
            check_equal(what, out[0], out[1])
            return out[1]

        def admin(*args):
            return lambda port, path: Conn(port).cmd(*args)

        denied = both("remote client, no password", lambda port, path: remote_bytes(port))
        assert denied.startswith(b"-DENIED Redis is running in protected mode") and \
            denied.endswith(b"outside.\r\n<closed>"), denied
        both("127.0.0.2 (loopback)", lambda port, path: Conn(port, host="127.0.0.2").cmd("PING"))
        both("unix socket", lambda port, path: Conn(path=path).cmd("PING"))
        both("CONFIG GET protected-mode", admin("CONFIG", "GET", "protected-mode"))
        both("CONFIG SET protected-mode maybe", admin("CONFIG", "SET", "protected-mode", "x"))
        both("CONFIG SET protected-mode no", admin("CONFIG", "SET", "protected-mode", "no"))
        assert both("remote, protected-mode no", lambda port, path: remote_ping(port)) == \
            b"+PONG\r\n"
        both("CONFIG SET protected-mode yes", admin("CONFIG", "SET", "protected-mode", "yes"))
        both("remote again", lambda port, path: remote_bytes(port))
        both("CONFIG SET requirepass", admin("CONFIG", "SET", "requirepass", PASSWORD))

        def remote_auth(port, path):
            c = Conn(port, host=REMOTE_ADDR)
            return [c.cmd("PING"), c.cmd("AUTH", PASSWORD), c.cmd("PING")]
        both("remote, with a password", remote_auth)

        def rejected(port, path):
            c = Conn(port)
            c.cmd("AUTH", PASSWORD)
            c.cmd("CONFIG", "SET", "requirepass", "")
            stats = c.cmd("INFO", "stats").decode()
            return re.search(r"rejected_connections:\d+", stats).group(0)
        for port in ports:
            check_equal(f"rejected_connections of the server on port {port}",
                        f"rejected_connections:{refused[port]}", rejected(port, None))
        both("denied once more", lambda port, path: remote_bytes(port))
    finally:
        for s in (redis, lrukv):
            s.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    pair = Pair(build_dir, ["--bind", "0.0.0.0", "--protected-mode", "no"])
    try:
        check_equal("--protected-mode no", remote_ping(pair.redis.port),
                    remote_ping(pair.lrukv.port))
    finally:
        pair.cleanup()


# ---- rename-command ----

RENAMES = ["--rename-command", "FLUSHALL", "", "--rename-command", "CONFIG", "MYCONFIG",
           "--rename-command", "get", "g2"]


def monitor_lines(conn, count):
    """`count` MONITOR lines without their time stamp and client address."""
    out = []
    for _ in range(count):
        line = conn.reply().decode()
        out.append(line[line.index("] ") + 2:])
    return out


def check_rename(build_dir):
    plain = Pair(build_dir)
    try:
        r, l = plain.conns()
        plain_counts = (r.cmd("COMMAND", "COUNT"), l.cmd("COMMAND", "COUNT"))
    finally:
        plain.cleanup()
    pair = Pair(build_dir, RENAMES)
    try:
        run_sequences(pair, "rename-command", [[
            ["FLUSHALL"], ["flushall"], ["CONFIG", "GET", "maxmemory"],
            ["MYCONFIG", "GET", "maxmemory"], ["myconfig", "get", "rename-command"],
            ["MYCONFIG", "SET", "rename-command", "x"], ["MYCONFIG", "HELP"],
            ["MYCONFIG", "FOO"], ["CONFIG", "FOO"], ["MYCONFIG"], ["g2", "k"], ["GET", "k"],
            ["g2"], ["COMMAND", "INFO", "get", "g2", "config", "flushall"],
            ["COMMAND", "INFO", "myconfig|get"], ["COMMAND", "DOCS", "g2", "get", "flushall"],
            ["COMMAND", "GETKEYS", "g2", "k"], ["COMMAND", "GETKEYS", "get", "k"],
            ["COMMAND", "GETKEYS", "flushall"], ["COMMAND", "LIST", "FILTERBY", "PATTERN", "g2"],
            ["COMMAND", "LIST", "FILTERBY", "PATTERN", "myconfig*"], ["CLIENT", "HELP"],
            ["ACL", "DRYRUN", "default", "get", "k"], ["ACL", "DRYRUN", "default", "g2", "k"],
        ]])
        r, l = pair.conns()
        # (CONFIG's subcommands come in Redis's hash order, so only the head is compared.)
        for side, c in (("redis", r), ("lrukv", l)):
            info = c.cmd("COMMAND", "INFO", "myconfig")
            assert info.startswith(b"*1\r\n*10\r\n$6\r\nconfig\r\n:-2\r\n"), (side, info)
        counts = (r.cmd("COMMAND", "COUNT"), l.cmd("COMMAND", "COUNT"))
        for side, before, after in zip(("redis", "lrukv"), plain_counts, counts):
            assert int(after[1:-2]) == int(before[1:-2]) - 1, (side, before, after)  # FLUSHALL
        # COMMAND LIST names commands by their own names (lrukv's are a subset of Redis's).
        for pattern in ("config*", "get*", "flushall"):
            names = [set(parse_bulks(c.cmd("COMMAND", "LIST", "FILTERBY", "PATTERN", pattern)))
                     for c in (r, l)]
            assert bool(names[1]) == (pattern != "flushall"), (pattern, names)
            check_equal(f"COMMAND LIST {pattern}", names[0] & names[1], names[1])

        # MONITOR and SLOWLOG show the arguments as sent; commandstats and CLIENT LIST's cmd=
        # use the command's own name.
        watch = {}
        for side, c in (("redis", r), ("lrukv", l)):
            m = Conn(c.sock.getpeername()[1])
            assert m.cmd("MONITOR") == b"+OK\r\n"
            watch[side] = m
            assert c.cmd("MYCONFIG", "SET", "slowlog-log-slower-than", "0") == b"+OK\r\n"
            assert c.cmd("SLOWLOG", "RESET") == b"+OK\r\n"
            c.cmd("g2", "k")
            c.cmd("SET", "k", "v")
        seen = [monitor_lines(watch[side], 2) for side in ("redis", "lrukv")]
        check_equal("MONITOR after rename", seen[0], seen[1])
        assert seen[1] == ['"g2" "k"\r\n', '"SET" "k" "v"\r\n'], seen[1]  # not MYCONFIG
        logged = []
        for c in (r, l):
            entries = c.cmd("SLOWLOG", "GET", "2")
            logged.append(re.findall(rb"\*[23]\r\n\$\d+\r\n(\w+)\r\n\$1\r\n(\w)\r\n", entries))
        check_equal("SLOWLOG after rename", logged[0], logged[1])
        assert logged[1] == [(b"SET", b"k"), (b"g2", b"k")], logged[1]
        stats = []
        for c in (r, l):
            text = c.cmd("INFO", "commandstats").decode()
            stats.append(sorted(re.findall(r"cmdstat_(get|g2|config\|set|myconfig\|set):"
                                           r"calls=(\d+)", text)))
        check_equal("commandstats after rename", stats[0], stats[1])
        # (MYCONFIG SET rename-command, refused by the handler, was a call too.)
        assert stats[1] == [("config|set", "2"), ("get", "2")], stats[1]
        cmd_fields = []
        for c in (r, l):
            client_id = c.cmd("CLIENT", "ID")[1:-2]
            c.cmd("g2", "k")
            other = Conn(c.sock.getpeername()[1])
            listing = other.cmd("CLIENT", "LIST", "ID", client_id).decode()
            cmd_fields.append(re.search(r" cmd=(\S+)", listing).group(1))
        check_equal("CLIENT LIST cmd= after rename", cmd_fields[0], cmd_fields[1])
        for m in watch.values():
            m.close()
    finally:
        pair.cleanup()
    check_rename_errors(build_dir)


def startup_error(binary, argv, cwd):
    """(exit code, the FATAL block's last two lines) of a server that must refuse to start."""
    done = subprocess.run([binary] + argv, cwd=cwd, capture_output=True, timeout=30)
    lines = (done.stdout + done.stderr).decode().strip().splitlines()
    return done.returncode, lines[-2:]


def check_rename_errors(build_dir):
    tmp = tempfile.mkdtemp(prefix="lrukv-access-")
    try:
        binaries = (shutil.which("redis-server"), lrukv_binary(build_dir))
        conf = os.path.join(tmp, "renames.conf")
        with open(conf, "w") as f:
            f.write("port 0\nrename-command get g2\nrename-command g2 set\n")
        cases = [
            ["--port", "0", "--rename-command", "nosuch", "x"],
            ["--port", "0", "--rename-command", "get", "set"],
            ["--port", "0", "--rename-command", "get"],
            ["--port", "0", "--rename-command", "get", "x", "y"],
            ["--port", "0", "--rename-command", "GET", "x", "--rename-command", "get", "y"],
            [conf],
        ]
        for argv in cases:
            out = [startup_error(b, argv, tmp) for b in binaries]
            check_equal(f"startup with {argv}", out[0], out[1])
            assert out[1][0] == 1, out[1]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---- bind with host names ----

# A name no resolver knows (RFC 6761 reserves .invalid); this machine's resolver answers at
# once that it does not exist.
NO_SUCH_HOST = "nosuchhost.invalid"


def log_tail(server, since, port):
    """The server's log lines after line `since`, without their prefix, the port as P."""
    lines = server.log().splitlines()[since:]
    return [re.sub(r"^\d+:[A-Z] .*?[#*.-] ", "", l).replace(str(port), "P") for l in lines]


def reachable(host, port):
    try:
        socket.create_connection((host, port), timeout=5).close()
        return True
    except OSError:
        return False


def check_bind_names(build_dir):
    """`bind` takes host names as Redis 7.0 does (getaddrinfo, IPv4, the first address): at
    start `--bind localhost` listens on 127.0.0.1 only, and CONFIG GET shows the name; an
    unresolvable name stops the start with the resolver's message, even marked optional ('-');
    CONFIG SET bind of a name listens there (with 192.0.2.2 added, a remote client reaches the
    server, and protected-mode refuses it); an unresolvable name or a name that repeats an
    address is refused with Redis's error and log lines, and the old listeners stay."""
    pair = Pair(build_dir, ["--bind", "localhost"])
    try:
        def both(what, fn):
            out = [fn(s) for s in pair.servers()]
            check_equal(what, out[0], out[1])
            return out[1]

        assert both("--bind localhost: CONFIG GET bind",
                    lambda s: Conn(s.port).cmd("CONFIG", "GET", "bind")) == \
            b"*2\r\n$4\r\nbind\r\n$9\r\nlocalhost\r\n"
        assert both("--bind localhost: reachable on 127.0.0.1 and REMOTE_ADDR",
                    lambda s: (reachable("127.0.0.1", s.port),
                               reachable(REMOTE_ADDR, s.port))) == (True, False)
        for value in (NO_SUCH_HOST, f"-{NO_SUCH_HOST} 127.0.0.1", "localhost 127.0.0.1"):
            def config_set(s):
                since = len(s.log().splitlines())
                reply = Conn(s.port).cmd("CONFIG", "SET", "bind", value)
                return (reply, Conn(s.port).cmd("CONFIG", "GET", "bind"),
                        log_tail(s, since, s.port))
            reply = both(f"CONFIG SET bind {value!r}", config_set)
            assert reply[0].startswith(b"-ERR CONFIG SET failed (possibly related to argument "
                                       b"'bind') - Failed to bind"), reply
        assert both("CONFIG SET bind of a name and REMOTE_ADDR", lambda s: (
            Conn(s.port).cmd("CONFIG", "SET", "bind", f"localhost {REMOTE_ADDR}"),
            remote_bytes(s.port)[:len(b"-DENIED")])) == (b"+OK\r\n", b"-DENIED")
    finally:
        pair.cleanup()
    tmp = tempfile.mkdtemp(prefix="lrukv-access-")
    try:
        binaries = (shutil.which("redis-server"), lrukv_binary(build_dir))
        for value in (NO_SUCH_HOST, f"-{NO_SUCH_HOST} 127.0.0.1"):
            argv = ["--port", "6999", "--save", "", "--bind", value]
            out = [startup_error(b, argv, tmp) for b in binaries]
            out = [(code, [re.sub(r"^\d+:[A-Z] .*?[#*.-] ", "", l) for l in lines])
                   for code, lines in out]
            check_equal(f"startup with --bind {value!r}", out[0], out[1])
            assert out[1] == (1, [f"Warning: Could not create server TCP listening socket "
                                  f"{NO_SUCH_HOST}:6999: Name or service not known",
                                  "Failed listening on port 6999 (TCP), aborting."]), out[1]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    args = parse_args(__doc__)
    started = time.time()
    for check in (check_requirepass, check_runtime_password, check_acl, check_protected_mode,
                  check_rename, check_bind_names):
        t = time.time()
        check(args.build_dir)
        print(f"{check.__name__}: {time.time() - t:.1f} s")
    print(f"access control: all checks passed in {time.time() - started:.1f} s")


if __name__ == "__main__":
    main()
