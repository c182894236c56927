"""MONITOR, differential against redis-server 7.0: a monitor is attached to each server, the
same script of commands runs on another connection of each, and the monitor lines must be
equal once timestamps and client ports are normalised (the timestamp must still be a current
unix time with 6 decimals). Also: two monitors at once, what a monitor may send, RESET and
QUIT ending it, and the unix:<path> address of a unix-socket client."""
import os
import re
import shutil
import socket
import tempfile
import time

from raw_resp import RawClient
from servers import parse_args, start_lrukv, start_redis

LINE = re.compile(r"^(\d+)\.(\d{6}) \[(\d+) ([^\]]+)\] (.*)$")
MARK = "--end-of-script--"

SCRIPT = [
    ("SET", "k", "v"),
    ("SET", "bin", bytes(range(256))),
    ("GET", 'a"b\\c d\te\r\n'),
    ("AUTH", "secret"),
    ("AUTH", "user", "pw"),
    ("AUTH", "a", "b", "c"),
    ("HELLO", "2", "AUTH", "user", "pw"),
    ("hello", "2", "setname", "x", "auth", "u", "p"),
    ("HELLO", "2", "BOGUS", "AUTH", "u", "p"),
    ("HELLO", "4", "AUTH", "u", "p"),
    ("HELLO", "x", "AUTH", "u", "p"),
    ("HELLO", "2", "AUTH", "u"),
    ("MULTI",), ("SET", "a", "1"), ("GET", "a"), ("INCR", "a"), ("EXEC",),
    ("MULTI",), ("SET", "a", "1"), ("NOSUCH", "x"), ("EXEC",),
    ("MULTI",), ("SET", "a", "2"), ("DISCARD",),
    ("MULTI",), ("MONITOR",), ("EXEC",),
    ("SELECT", "1"), ("SET", "x", "1"), ("SELECT", "0"),
    ("FOOBAR", "1"), ("GET",), ("CLIENT", "NOSUCHSUB"),
    ("CONFIG", "GET", "maxmemory"), ("CLIENT", "LIST"), ("SAVE",), ("LASTSAVE",),
    ("CLIENT", "ID"), ("CLIENT", "SETNAME", "abc"), ("INFO", "server"),
    ("PING",), ("ECHO", "hi"), ("INCR", "n"), ("EXPIRE", "n", "100"),
    ("SET", "e", "v", "EX", "10"), ("WATCH", "k"), ("UNWATCH",), ("DBSIZE",), ("TYPE", "k"),
    ("RESET",),
]


def monitor_lines(mon, mark=MARK):
    """Reads status lines from a monitor up to the one that carries `mark`; returns them
    all, the marker's included."""
    lines = []
    while True:
        line = mon.reply()
        assert isinstance(line, str), f"not a status line: {line!r}"
        lines.append(line)
        if mark in line:
            return lines


def normalise(lines, client_ports, unix_path=None):
    """'+<secs>.<usec> [db addr] args' -> '[db who] args': the time checked and dropped, the
    address replaced by the client's name in `client_ports` (port -> name) or 'unix'."""
    out = []
    now = time.time()
    for line in lines:
        m = LINE.match(line)
        assert m, f"bad monitor line {line!r}"
        secs = int(m.group(1)) + int(m.group(2)) / 1e6
        assert abs(secs - now) < 60, f"timestamp far from now: {line!r}"
        addr = m.group(4)
        if addr.startswith("unix:"):
            assert addr == f"unix:{unix_path}", (addr, unix_path)
            who = "unix"
        else:
            host, port = addr.rsplit(":", 1)
            assert host == "127.0.0.1", addr
            who = client_ports[int(port)]
        out.append(f"[{m.group(3)} {who}] {m.group(5)}")
    return out


def run_script(server):
    mon = RawClient(server.port)
    assert mon.call("MONITOR") == "OK"
    c = RawClient(server.port)
    ports = {c.sock.getsockname()[1]: "client"}
    for cmd in SCRIPT:
        c.call(*cmd)
    c.call("ECHO", MARK)
    lines = normalise(monitor_lines(mon), ports)
    mon.close()
    c.close()
    return lines


def check_same(what, redis_lines, lrukv_lines):
    if redis_lines != lrukv_lines:
        import difflib
        diff = "\n".join(difflib.unified_diff(redis_lines, lrukv_lines, "redis-server", "lrukv",
                                              lineterm=""))
        raise AssertionError(f"{what}: monitor lines differ\n{diff}")


def drain(client, wait_s=0.3):
    """Bytes the server sends within `wait_s` (used only where nothing more must arrive)."""
    client.sock.settimeout(wait_s)
    data = client.buf
    client.buf = b""
    try:
        while True:
            chunk = client.sock.recv(65536)
            if not chunk:
                data += b"<closed>"
                break
            data += chunk
    except socket.timeout:
        pass
    client.sock.settimeout(30)
    return data


def replies_until(client, mark, ports):
    """Every reply `client` gets up to the monitor line carrying `mark`, in order: a monitor's
    own replies and the lines of other clients' commands interleave. Monitor lines are
    normalised, other replies kept as they are."""
    out = []
    while True:
        reply = client.reply()
        if isinstance(reply, str) and LINE.match(reply):
            out.append(normalise([reply], ports)[0])
            if mark in reply:
                return out
        else:
            out.append(reply)


def two_monitors(server):
    """Two monitors at once; what a monitor may send; RESET and QUIT end monitoring."""
    m1, m2, c = RawClient(server.port), RawClient(server.port), RawClient(server.port)
    ports = {m1.sock.getsockname()[1]: "m1", m2.sock.getsockname()[1]: "m2",
             c.sock.getsockname()[1]: "client"}
    record = [m1.call("MONITOR"), m2.call("MONITOR")]
    m2.send(("MONITOR",))  # already monitoring: no reply at all
    c.call("SET", "k", "v")
    # A monitor may PING and ECHO but not touch the keyspace.
    m1.send(("PING",), ("SET", "k", "v"), ("GET", "k"), ("ECHO", "from-m1"))
    m1.send(("ECHO", "mark1"))
    record.append(replies_until(m1, "mark1", ports))
    record.append(replies_until(m2, "mark1", ports))
    m1.send(("RESET",))
    record.append(m1.reply())
    c.call("ECHO", "mark2")
    record.append(replies_until(m2, "mark2", ports))
    record.append(drain(m1))  # no longer a monitor
    record.append(m1.call("SET", "k", "again"))  # a plain client again
    m2.send(("QUIT",))
    c.call("ECHO", "after-quit")
    # +OK, then closed: neither QUIT nor later commands are shown to it.
    record.append([normalise([t[1:]], ports)[0] if LINE.match(t[1:]) else t
                   for t in drain(m2).decode().split("\r\n")])
    for cl in (m1, m2, c):
        cl.close()
    return record


def unix_line(server, path):
    mon = RawClient(server.port)
    assert mon.call("MONITOR") == "OK"
    u = socket.socket(socket.AF_UNIX)
    u.connect(path)
    u.sendall(b"*3\r\n$3\r\nSET\r\n$2\r\nuk\r\n$2\r\nuv\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n"
              b"*2\r\n$4\r\nECHO\r\n$4\r\nmark\r\n")
    lines = normalise(monitor_lines(mon, "mark"), {}, unix_path=path)
    u.close()
    mon.close()
    return lines


def main():
    args = parse_args(__doc__)
    sock_dir = tempfile.mkdtemp(prefix="lrukv-mon-")
    r_sock, l_sock = os.path.join(sock_dir, "r.sock"), os.path.join(sock_dir, "l.sock")
    r = start_redis(["--unixsocket", r_sock])
    l = start_lrukv(args.build_dir, ["--unixsocket", l_sock])
    try:
        redis_lines, lrukv_lines = run_script(r), run_script(l)
        check_same("script", redis_lines, lrukv_lines)
        # The script must actually exercise what it claims to (guards the test itself).
        joined = "\n".join(redis_lines)
        for expected in ('"AUTH" "(redacted)" "(redacted)"', '"SELECT" "1"', '"\\x00\\x01',
                         '"EXEC"', '"RESET"', '"hello" "2" "setname" "x" "auth" "(redacted)"'):
            assert expected in joined, (expected, redis_lines)

        r_two, l_two = two_monitors(r), two_monitors(l)
        assert r_two == l_two, f"two monitors:\n  redis-server: {r_two!r}\n  lrukv: {l_two!r}"

        r_unix, l_unix = unix_line(r, r_sock), unix_line(l, l_sock)
        assert r_unix == l_unix, (r_unix, l_unix)
        assert r_unix[0] == '[0 unix] "SET" "uk" "uv"', r_unix
    finally:
        r.cleanup()
        l.cleanup()
        shutil.rmtree(sock_dir, ignore_errors=True)
    print("monitor: OK")


if __name__ == "__main__":
    main()
