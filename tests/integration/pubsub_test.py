"""Pub/Sub, differential against redis-server 7.0: the same subscriber/publisher scripts run on
both servers in RESP2 and in RESP3 (HELLO 3), and every reply and message must be equal byte
for byte once decoded: confirmations, messages and pmessages, counts, subscribed-mode errors,
PING's subscribed-mode reply, RESET, a closed subscriber, shard channels and PUBSUB. Where Redis
walks a hash table (UNSUBSCRIBE with no channel, PUBSUB CHANNELS) the order is compared sorted.
Then redis-py's pubsub() (get_message, psubscribe) runs against both and must see the same."""
import sys
import time
import traceback

from raw_resp import Push, RawClient
from servers import parse_args, start_lrukv, start_redis


def confirm_set(frames):
    """An UNSUBSCRIBE-all answer in hash order: the kinds, the names sorted, the counts."""
    return (sorted(f[0] for f in frames), sorted(f[1] for f in frames), [f[2] for f in frames],
            [type(f).__name__ for f in frames])


def run_script(port, proto, steps):
    """Runs `steps` with two connections, "sub" and "pub"; returns the transcript.
    A step is (who, args, n) with n replies to read (an int, or a dict by protocol), or a
    ("sorted", who, args) whose array reply is sorted, or ("unordered", who, args, n)."""
    sub, pub = RawClient(port), RawClient(port)
    out = []
    if proto == 3:
        for c in (sub, pub):
            hello = c.call("HELLO", "3")
            assert isinstance(hello, dict), hello
    for step in steps:
        if step[0] == "sorted":
            _, who, args = step
            c = sub if who == "sub" else pub
            out.append((step, sorted(c.call(*args))))
            continue
        if step[0] == "unordered":
            _, who, args, n = step
            c = sub if who == "sub" else pub
            c.send(args)
            out.append((step, confirm_set([c.reply() for _ in range(n)])))
            continue
        if step[0] == "close-sub":
            sub.close()
            sub = None
            out.append((step, None))
            continue
        if step[0] == "wait-numsub":  # until the closed subscriber is gone from `channel`
            channel = step[1]
            deadline = time.time() + 5
            while pub.call("PUBSUB", "NUMSUB", channel)[1] != 0 and time.time() < deadline:
                time.sleep(0.01)
            out.append((step, pub.call("PUBSUB", "NUMSUB", channel)))
            continue
        who, args, n = step
        if isinstance(n, dict):
            n = n[proto]
        c = sub if who == "sub" else pub
        if args:
            c.send(args)
        out.append((step, [(type(r).__name__, r) for r in (c.reply() for _ in range(n))]))
    if sub is not None:
        out.append(("sub pending", sub.nothing_pending()))
        sub.close()
    out.append(("pub pending", pub.nothing_pending()))
    pub.close()
    return out


ERR_GET = {2: 1, 3: 1}
BASIC = [
    ("sub", ("UNSUBSCRIBE",), 1),
    ("sub", ("PUNSUBSCRIBE",), 1),
    ("sub", ("UNSUBSCRIBE", "x", "y"), 2),
    ("sub", ("SUBSCRIBE", "ch1", "ch2", "ch1"), 3),
    ("sub", ("PSUBSCRIBE", "c*", "h?llo"), 2),
    ("pub", ("PUBLISH", "ch1", "hello"), 1),
    ("sub", (), 2),  # message, then pmessage
    ("pub", ("PUBLISH", "hallo", "w"), 1),
    ("sub", (), 1),
    ("pub", ("PUBLISH", "zzz", "nobody"), 1),
    ("pub", ("PUBSUB", "NUMSUB", "ch1", "ch2", "zz"), 1),
    ("pub", ("PUBSUB", "NUMSUB"), 1),
    ("pub", ("PUBSUB", "NUMPAT"), 1),
    ("sorted", "pub", ("PUBSUB", "CHANNELS")),
    ("pub", ("PUBSUB", "CHANNELS", "ch1*"), 1),
    ("pub", ("PUBSUB", "CHANNELS", "x*"), 1),
    ("sub", ("GET", "k"), 1),  # RESP2: refused; RESP3: runs
    ("sub", ("CLIENT", "ID"), 1),
    ("sub", ("PING",), 1),
    ("sub", ("PING", "hi"), 1),
    ("sub", ("SET", "k", "v"), 1),
    # The subscriber publishes to itself: RESP2 refuses; RESP3 gets the pushes, then :2.
    ("sub", ("PUBLISH", "ch1", "self"), {2: 1, 3: 3}),
    ("sub", ("UNSUBSCRIBE", "ch1"), 1),
    ("sub", ("UNSUBSCRIBE",), 1),  # only ch2 left
    ("sub", ("PUNSUBSCRIBE", "h?llo"), 1),
    ("sub", ("PUNSUBSCRIBE",), 1),
    ("sub", ("UNSUBSCRIBE",), 1),
    ("sub", ("GET", "k"), 1),
    ("sub", ("PING",), 1),
    ("pub", ("PUBSUB", "NUMPAT"), 1),
    ("pub", ("PUBLISH", "ch1", "gone"), 1),
]
UNSUBSCRIBE_ALL = [
    ("sub", ("SUBSCRIBE", "a", "b", "c"), 3),
    ("sub", ("PSUBSCRIBE", "p1", "p2", "p3"), 3),
    ("unordered", "sub", ("UNSUBSCRIBE",), 3),
    ("sub", ("PUNSUBSCRIBE",), 3),  # patterns leave in subscription order
    ("sub", ("PUNSUBSCRIBE",), 1),
]
RESET = [
    ("sub", ("SUBSCRIBE", "r"), 1),
    ("sub", ("PSUBSCRIBE", "r*"), 1),
    ("sub", ("RESET",), 1),
    ("pub", ("PUBSUB", "NUMSUB", "r"), 1),
    ("pub", ("PUBSUB", "NUMPAT"), 1),
    ("pub", ("PUBLISH", "r", "x"), 1),
    ("sub", ("GET", "k"), 1),
]
CLOSED = [
    ("sub", ("SUBSCRIBE", "d"), 1),
    ("sub", ("PSUBSCRIBE", "d*"), 1),
    ("close-sub",),
    ("wait-numsub", "d"),
    ("pub", ("PUBSUB", "NUMPAT"), 1),
    ("pub", ("PUBLISH", "d", "x"), 1),
]
SHARD = [
    ("sub", ("SSUBSCRIBE", "s1", "s2"), 2),
    ("sub", ("GET", "k"), 1),
    ("pub", ("PUBLISH", "s1", "x"), 1),
    ("pub", ("SPUBLISH", "s1", "y"), 1),
    ("sub", (), 1),
    ("pub", ("PUBSUB", "SHARDNUMSUB", "s1", "zz"), 1),
    ("sorted", "pub", ("PUBSUB", "SHARDCHANNELS")),
    ("pub", ("PUBSUB", "CHANNELS"), 1),
    ("sub", ("SUBSCRIBE", "n"), 1),  # counts apart from shard channels
    ("sub", ("SUNSUBSCRIBE", "s1"), 1),
    ("unordered", "sub", ("SUNSUBSCRIBE",), 1),
    ("sub", ("SUNSUBSCRIBE",), 1),
    ("sub", ("UNSUBSCRIBE",), 1),
]
ERRORS = [
    ("sub", ("SUBSCRIBE",), 1),
    ("sub", ("PSUBSCRIBE",), 1),
    ("pub", ("PUBLISH", "x"), 1),
    ("pub", ("PUBSUB",), 1),
    ("pub", ("PUBSUB", "FOO"), 1),
    ("pub", ("PUBSUB", "NUMPAT", "x"), 1),
    ("pub", ("PUBSUB", "CHANNELS", "a", "b"), 1),
    ("pub", ("PUBSUB", "HELP"), 1),
    ("sub", ("MULTI",), 1),
    ("sub", ("SUBSCRIBE", "z"), 1),
    ("sub", ("GET", "x"), 1),
    ("sub", ("EXEC",), 1),
    ("sub", ("GET", "x"), 1),
    ("sub", ("MULTI",), 1),  # RESP2: refused in subscribed mode
    ("sub", ("RESET",), 1),
]
SCRIPTS = {"basic": BASIC, "unsubscribe-all": UNSUBSCRIBE_ALL, "reset": RESET,
           "closed": CLOSED, "shard": SHARD, "errors": ERRORS}


def client_fields(port, proto):
    """CLIENT LIST's flags/sub/psub/ssub of a subscriber, and INFO's pubsub counters."""
    sub, pub = RawClient(port), RawClient(port)
    if proto == 3:
        sub.call("HELLO", "3")
    sub_id = sub.call("CLIENT", "ID")
    sub.send(("SUBSCRIBE", "a", "b"), ("PSUBSCRIBE", "p"), ("SSUBSCRIBE", "s"))
    for _ in range(4):
        sub.reply()
    line = [l for l in pub.call("CLIENT", "LIST").decode().splitlines()
            if l.startswith(f"id={sub_id} ")][0]
    fields = dict(kv.split("=", 1) for kv in line.split(" "))
    info = pub.call("INFO", "stats").decode()
    counters = [l for l in info.splitlines() if l.startswith("pubsub")]
    sub.close()
    pub.close()
    return [fields[k] for k in ("flags", "sub", "psub", "ssub", "resp")], counters


def redis_py_session(server):
    """redis-py's PubSub object: confirmations, message and pmessage dicts, unsubscribing."""
    r = server.client()
    p = r.pubsub()
    seen = []

    def next_message():
        m = p.get_message(timeout=5)
        assert m is not None, "no message within 5 s"
        return m

    p.subscribe("news", "sport")
    seen += [next_message(), next_message()]
    p.psubscribe("n*")
    seen.append(next_message())
    seen.append(r.publish("news", "hello"))
    seen += [next_message(), next_message()]
    seen.append(r.pubsub_numsub("news", "sport"))
    seen.append(r.pubsub_numpat())
    seen.append(sorted(r.pubsub_channels()))
    p.unsubscribe("sport")
    seen.append(next_message())
    p.punsubscribe()
    seen.append(next_message())
    seen.append(r.publish("news", "again"))
    seen.append(next_message())
    p.unsubscribe()
    seen.append(next_message())
    seen.append(p.get_message(timeout=0.2))
    p.close()
    r.close()
    return seen


def main():
    args = parse_args(__doc__)
    redis, lrukv = start_redis(), start_lrukv(args.build_dir)
    failures = []
    try:
        for name, script in SCRIPTS.items():
            for proto in (2, 3):
                try:
                    want = run_script(redis.port, proto, script)
                    got = run_script(lrukv.port, proto, script)
                    for (step, w), (_, g) in zip(want, got):
                        assert w == g, f"step {step}: redis {w!r} lrukv {g!r}"
                    assert len(want) == len(got)
                except Exception:
                    failures.append(f"{name} RESP{proto}:\n{traceback.format_exc()}")
        for proto in (2, 3):
            want, got = client_fields(redis.port, proto), client_fields(lrukv.port, proto)
            if want != got:
                failures.append(f"CLIENT LIST/INFO RESP{proto}: redis {want} lrukv {got}")
        want, got = redis_py_session(redis), redis_py_session(lrukv)
        if want != got:
            failures.append(f"redis-py pubsub: redis {want} lrukv {got}")
    finally:
        redis.cleanup()
        lrukv.cleanup()
    for f in failures:
        print(f, file=sys.stderr)
    if failures:
        sys.exit(1)
    print(f"pubsub: {len(SCRIPTS) * 2} scripts, CLIENT LIST/INFO and redis-py agree with Redis")


if __name__ == "__main__":
    main()
