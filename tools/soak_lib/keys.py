"""Key spaces and values of the soak load.

Three key spaces, so that eviction under `volatile-lru` can only ever take load keys:
  v:<i>         the volatile load: always written with a TTL (SET EX/PX, EXPIRE); its universe is
                several times maxmemory, so it overflows and keeps the eviction busy;
  p:<i>         a small plain space (MSET, SET without TTL, sometimes EXPIREd): bounded, so keys
                without a TTL can never fill the memory;
  chk:<w>:<i>   the checked set, owned by load worker w alone: written without a TTL (SET ... GET,
                MSET), never EXPIREd or DELeted by the load; every read is compared with the last
                acknowledged write.
Every value starts with `<key>|<seq>|`, so a value found under the wrong key, or an older value of
the right key, is recognised."""
import random

CHECKED_PREFIX = b"chk:"
FILLER = bytes(random.Random(7).choice(b"abcdefghijklmnopqrstuvwxyz0123456789-_")
               for _ in range(1 << 16))
SENTINEL_KEY = b"soak:sentinel"
PUBLISH_CHANNEL = b"soak:chan:%d"
PUBLISH_PATTERN = b"soak:chan:*"


def volatile_key(i):
    return b"v:%d" % i


def plain_key(i):
    return b"p:%d" % i


def checked_key(worker, i):
    return b"chk:%d:%d" % (worker, i)


def value_size(rng, cap):
    """Mixed sizes: 70% 16-128 B, 25% 128 B-2 KB, 5% 2-16 KB (mean about 0.8 KB); at most cap."""
    r = rng.random()
    if r < 0.70:
        n = rng.randint(16, 128)
    elif r < 0.95:
        n = rng.randint(128, 2048)
    else:
        n = rng.randint(2048, 16384)
    return min(n, cap)


MEAN_VALUE_BYTES = 0.70 * 72 + 0.25 * 1088 + 0.05 * 9216  # of value_size without a cap


def make_value(rng, key, seq, cap=16384):
    head = b"%s|%d|" % (key, seq)
    n = max(0, value_size(rng, cap) - len(head))
    off = rng.randrange(len(FILLER) - n) if n < len(FILLER) else 0
    body = FILLER[off:off + n]
    while len(body) < n:  # values over 64 KB only if someone raises the cap
        body += FILLER[:n - len(body)]
    return head + body


def value_matches_key(key, value):
    """A load key's value must name its own key: anything else is corruption."""
    return value.startswith(key + b"|")
