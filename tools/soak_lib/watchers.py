"""The attached watchers: a MONITOR and subscribers that keep reading for the whole run, each a
thread on a raw socket in one process (tools/soak starts it).

  monitor      MONITOR; counts lines per client address (tools/soak compares them with the
               commands each load client had answered: MONITOR must show every one);
  pattern-sub  PSUBSCRIBE soak:chan:*  \\ both check that each load client's PUBLISHes arrive
  channel-sub  SUBSCRIBE soak:chan:N   / in order without a gap (messages carry <client>:<seq>);
  keyevent-sub PSUBSCRIBE __keyevent@0__:*; counts events by name (expired and evicted are
               compared with INFO's expired_keys and evicted_keys);
  checked-sub  PSUBSCRIBE __keyspace@0__:chk:*; a checked key may only ever see `set`: a del,
               expire, expired or evicted event on one is an error at once.
Each reads until it sees the end sentinel tools/soak sends after the load has stopped
(ECHO / PUBLISH / SET of soak:sentinel), then reports ("watcher_final", name, figures)."""
import os
import threading
import time

from . import keys
from .resp_reader import Closed, ErrorReply, command, connect

KEYEVENT_PATTERN = b"__keyevent@0__:*"
CHECKED_PATTERN = b"__keyspace@0__:chk:*"
SENTINEL_SPACE = b"__keyspace@0__:" + keys.SENTINEL_KEY
END_CHANNEL = b"soak:chan:end"
ECHO_SENTINEL = b'"ECHO" "' + keys.SENTINEL_KEY + b'"'


class Watcher(threading.Thread):
    def __init__(self, name, port, out, abort):
        super().__init__(name=name, daemon=True)
        self.wname, self.port, self.out, self.abort = name, port, out, abort
        self.ready = threading.Event()
        self.errors = 0
        self.figures = {}

    def error(self, msg, kind="error"):
        self.errors += 1
        if self.errors <= 20:
            self.out.put(("error", time.time(), f"watcher {self.wname}", msg, kind))

    def run(self):
        try:
            sock, reader = connect(self.port, self.abort.is_set)
            self.sock = sock
            self.watch(sock, reader)
        except Closed as e:
            self.error(f"disconnected: {e}", "disconnect")
        except (ErrorReply, OSError, TimeoutError, ValueError) as e:
            self.error(f"{type(e).__name__}: {e}", "disconnect")
        finally:
            self.ready.set()
            self.figures["errors"] = self.errors
            self.out.put(("watcher_final", self.wname, self.figures))

    def subscribe(self, sock, reader, verb, names):
        sock.sendall(command(verb, *names))
        for _ in names:
            reader.read()  # [psubscribe|subscribe, name, count]
        self.ready.set()


class MonitorWatcher(Watcher):
    def watch(self, sock, reader):
        sock.sendall(command(b"MONITOR"))
        if reader.read() != b"OK":
            raise ValueError("MONITOR did not answer OK")
        self.ready.set()
        per_port = {}
        lines = 0
        while True:
            line = reader.read()
            lines += 1
            # 1700000000.123456 [0 127.0.0.1:54321] "SET" "k" "v"
            close = line.find(b"]", 18)
            port = line[line.rfind(b":", 0, close) + 1:close]
            per_port[port] = per_port.get(port, 0) + 1
            if line.endswith(ECHO_SENTINEL):
                break
        self.figures.update(lines=lines, bytes=reader.bytes_read,
                            per_port={int(p): n for p, n in per_port.items() if p.isdigit()})


class ChannelSubscriber(Watcher):
    """Checks every load client's PUBLISH sequence: 1, 2, 3... with nothing missing or repeated."""

    def __init__(self, name, port, out, abort, clients, pattern):
        super().__init__(name, port, out, abort)
        self.clients, self.pattern = clients, pattern

    def watch(self, sock, reader):
        if self.pattern:
            self.subscribe(sock, reader, b"PSUBSCRIBE", [keys.PUBLISH_PATTERN])
        else:
            chans = [keys.PUBLISH_CHANNEL % w for w in range(self.clients)] + [END_CHANNEL]
            self.subscribe(sock, reader, b"SUBSCRIBE", chans)
        last = {}
        messages = 0
        while True:
            msg = reader.read()
            channel, data = msg[-2], msg[-1]
            if channel == END_CHANNEL:
                break
            messages += 1
            head = data[:data.index(b"|")]
            w, seq = (int(x) for x in head.split(b":"))
            if seq != last.get(w, 0) + 1:
                self.error(f"client {w}'s message {seq} arrived after {last.get(w, 0)}")
            last[w] = seq
        self.figures.update(messages=messages, last_seq=last)


class KeyeventSubscriber(Watcher):
    def watch(self, sock, reader):
        self.subscribe(sock, reader, b"PSUBSCRIBE", [KEYEVENT_PATTERN])
        events = {}
        prefix = len(KEYEVENT_PATTERN) - 1
        while True:
            msg = reader.read()
            event = msg[2][prefix:].decode()
            events[event] = events.get(event, 0) + 1
            if event == "set" and msg[3] == keys.SENTINEL_KEY:
                break
        self.figures.update(events=events)


class CheckedKeyspaceSubscriber(Watcher):
    def watch(self, sock, reader):
        sock.sendall(command(b"PSUBSCRIBE", CHECKED_PATTERN))
        reader.read()
        self.subscribe(sock, reader, b"SUBSCRIBE", [SENTINEL_SPACE])
        sets = 0
        prefix = len(CHECKED_PATTERN) - len(b"chk:*")
        while True:
            msg = reader.read()
            if msg[0] == b"message":  # only the sentinel's channel is SUBSCRIBEd
                break
            if msg[3] == b"set":
                sets += 1
            else:
                self.error(f"checked key {msg[2][prefix:].decode()} got a "
                           f"{msg[3].decode()} event", "lost")
        self.figures.update(sets=sets)


def run_watchers(port, clients, out, abort):
    ws = [MonitorWatcher("monitor", port, out, abort),
          ChannelSubscriber("pattern-sub", port, out, abort, clients, True),
          ChannelSubscriber("channel-sub", port, out, abort, clients, False),
          KeyeventSubscriber("keyevent-sub", port, out, abort),
          CheckedKeyspaceSubscriber("checked-sub", port, out, abort)]
    for w in ws:
        w.start()
    for w in ws:
        w.ready.wait(30)
    out.put(("watchers_ready", len(ws)))
    for w in ws:
        w.join()
    out.put(("watchers_cpu", sum(os.times()[:2])))


CHANNEL_SUBSCRIBERS = 2  # pattern-sub and channel-sub: what each load PUBLISH must reach
