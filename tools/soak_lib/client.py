"""The load clients' connection: one command at a time over a raw socket (soak_lib/resp_reader).
About three times less client CPU per command than redis-py's pure-Python parser, which matters
with the server sharing two cores with the load."""
import time

from .resp_reader import Closed, ErrorReply, command, connect

__all__ = ["Client", "Closed", "ErrorReply"]


class Client:
    def __init__(self, port, timeout_s=30.0):
        self.server_port, self.timeout_s = port, timeout_s
        self.sock = self.reader = None
        self.local_port = None  # the client address's port, as MONITOR shows it
        self.deadline = 0.0

    def _timed_out(self):
        return time.monotonic() > self.deadline

    def call(self, *args):
        """Sends one command (bytes arguments) and returns its reply; raises ErrorReply for an
        error reply, Closed / OSError / TimeoutError when the connection is lost (the next call
        reconnects)."""
        self.deadline = time.monotonic() + self.timeout_s
        try:
            if self.sock is None:
                self.sock, self.reader = connect(self.server_port, self._timed_out)
                self.local_port = self.sock.getsockname()[1]
            self.sock.sendall(command(*args))
            return self.reader.read()
        except (Closed, OSError, TimeoutError):
            self.close()
            raise

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = self.reader = None
