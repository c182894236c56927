"""A minimal RESP2 client (and RESP3 pushes, nulls and maps) for the differential integration
tests: replies reach the test exactly as the server sent them (redis-py rewrites some error
texts and command replies)."""
import socket


def encode(*args):
    """One request as a RESP multibulk (str and int arguments as their UTF-8 text)."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class RespError(str):
    """An error reply: its text without the leading '-'."""


class Push(list):
    """A RESP3 push frame ('>'): its elements, as an array's."""


class RawClient:
    """A minimal RESP2 client, so error texts reach the test exactly as sent."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buf = b""

    def send(self, *commands):
        self.sock.sendall(b"".join(encode(*args) for args in commands))

    def call(self, *args):
        self.send(args)
        return self.reply()

    def pipeline(self, *commands):
        """All commands in one write, so the server runs them in one go (no child is reaped
        between them)."""
        self.send(*commands)
        return [self.reply() for _ in commands]

    def _fill(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RespError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._fill()
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        # RESP3 (after HELLO 3): pushes, nulls and maps.
        if kind == b">":
            return Push(self.reply() for _ in range(int(rest)))
        if kind == b"_":
            return None
        if kind == b"%":
            return {self._key(self.reply()): self.reply() for _ in range(int(rest))}
        raise ValueError(f"bad reply line {line!r}")

    @staticmethod
    def _key(k):
        return tuple(k) if isinstance(k, list) else k

    def nothing_pending(self, wait_s=0.2):
        """True when no reply bytes arrive within `wait_s` seconds (no stray message)."""
        if self.buf:
            return False
        self.sock.settimeout(wait_s)
        try:
            chunk = self.sock.recv(1 << 16)
        except socket.timeout:
            return True
        finally:
            self.sock.settimeout(30)
        self.buf += chunk
        return not chunk

    def close(self):
        self.sock.close()
