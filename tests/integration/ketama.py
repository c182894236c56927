"""A model of twemproxy's key placement with `distribution: ketama` and `hash: fnv1a_64`, written
from its behaviour (twemproxy src/hashkit/nc_ketama.c and nc_fnv.c), so a test can predict which
node holds each key and check the proxy key by key.

The ring: every live server contributes 160 points (40 md5 digests of "<name>-<i>", i = 0..39,
each digest cut into four little-endian 32-bit words). <name> is the server's name when the
configuration gives one (`127.0.0.1:7001:1 node-a`), else "host:port". A key goes to the first
point at or after its hash, wrapping round to the first point of the ring.

The key hash: twemproxy's "fnv1a_64" is FNV-1a computed in 32 bits: the 64-bit offset basis
and prime truncated to their low 32 bits (0x84222325 and 0x1b3), each key byte sign-extended
from a C `char` before the xor. It is not the FNV-1a 64-bit hash its name says, so a client
doing its own sharding with a textbook FNV-1a would place keys elsewhere.
"""
import bisect
import hashlib
import math
import struct

POINTS_PER_SERVER = 160  # KETAMA_POINTS_PER_SERVER
POINTS_PER_DIGEST = 4    # one md5 digest gives four 32-bit points


def fnv1a_64(key):
    """twemproxy's `fnv1a_64` of key (bytes): a 32-bit value."""
    h = 0xcbf29ce484222325 & 0xFFFFFFFF
    for b in key:
        h ^= b if b < 0x80 else b | 0xFFFFFF00  # (uint32_t)(char)b on x86: sign-extended
        h = (h * 0x100000001b3) & 0xFFFFFFFF
    return h


def _f32(x):
    """x rounded to a C float, as twemproxy computes each server's share in floats."""
    return struct.unpack("f", struct.pack("f", x))[0]


def points_per_server(weight, total_weight, live):
    """Points a server gets: floor(share * 160 / 4 * live + 1e-10) * 4, in C float arithmetic
    (160 for every server when the weights are equal)."""
    share = _f32(weight / total_weight)
    quarter = _f32(_f32(_f32(share * POINTS_PER_SERVER) / POINTS_PER_DIGEST) * live)
    return int(math.floor(quarter + 0.0000000001)) * POINTS_PER_DIGEST


class Ring:
    """The continuum of the live servers: names (bytes) with equal weights. node_of(key) is the
    index into names of the server twemproxy sends key to."""

    def __init__(self, names):
        self.names = list(names)
        per_server = points_per_server(1, len(self.names), len(self.names))
        points = []
        for index, name in enumerate(self.names):
            for i in range(per_server // POINTS_PER_DIGEST):
                digest = hashlib.md5(b"%s-%d" % (name, i)).digest()
                for word in struct.unpack("<4I", digest):
                    points.append((word, index))
        points.sort()
        self.values = [v for v, _ in points]
        self.owners = [i for _, i in points]

    def node_of(self, key):
        i = bisect.bisect_left(self.values, fnv1a_64(key))
        return self.owners[i % len(self.owners)]

    def share(self, index):
        """The fraction of the 32-bit hash space that maps to names[index] (its arcs)."""
        total = 0
        prev = self.values[-1] - (1 << 32)
        for value, owner in zip(self.values, self.owners):
            if owner == index:
                total += value - prev
            prev = value
        return total / (1 << 32)
