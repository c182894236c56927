"""A minimal blocking RESP2 reader for the watchers' raw sockets: the watchers only read (pushes,
MONITOR lines), and a raw socket makes a disconnect by the server visible at once."""
import socket


class Closed(Exception):
    """The server closed the connection."""


class ErrorReply(Exception):
    pass


class RespReader:
    def __init__(self, sock, should_abort):
        self.sock = sock
        self.should_abort = should_abort  # called on each idle second; True ends the wait
        self.buf = b""
        self.pos = 0
        self.bytes_read = 0

    def _fill(self):
        while True:
            try:
                data = self.sock.recv(1 << 16)
            except socket.timeout:
                if self.should_abort():
                    raise TimeoutError("watcher gave up waiting")
                continue
            if not data:
                raise Closed("connection closed by the server")
            self.bytes_read += len(data)
            self.buf = self.buf[self.pos:] + data
            self.pos = 0
            return

    def _line(self):
        while True:
            end = self.buf.find(b"\r\n", self.pos)
            if end >= 0:
                line = self.buf[self.pos:end]
                self.pos = end + 2
                return line
            self._fill()

    def _exactly(self, n):
        while len(self.buf) - self.pos < n + 2:
            self._fill()
        data = self.buf[self.pos:self.pos + n]
        self.pos += n + 2
        return data

    def read(self):
        """The next reply: bytes (simple or bulk string), int, None, a list; raises ErrorReply."""
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exactly(n)
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        if kind == b"-":
            raise ErrorReply(rest.decode("utf-8", "replace"))
        raise ValueError(f"bad RESP line {line[:40]!r}")


def command(*args):
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


def connect(port, should_abort):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.settimeout(1.0)
    return sock, RespReader(sock, should_abort)
