"""Latency histograms small enough to ship between processes every few seconds for hours.

Buckets are exact below 64 us and then 32 per doubling (each about 2.2% wide), so a percentile is
reported as its bucket's upper bound: never under the true value, at most 2.2% over it. The
maximum is kept exactly, with the unix time it happened at, to line it up with BGSAVEs."""
import math

EXACT_US = 64  # below this a bucket is 1 us wide
PER_DOUBLING = 32  # buckets per doubling above EXACT_US: 2^(1/32) = 1.022 wide


def bucket_of(us):
    if us < EXACT_US:
        return int(us)
    return EXACT_US + int(math.log2(us / EXACT_US) * PER_DOUBLING)


def bucket_upper_us(b):
    if b < EXACT_US:
        return b + 1
    return EXACT_US * 2 ** ((b - EXACT_US + 1) / PER_DOUBLING)


class Histogram:
    def __init__(self):
        self.counts = {}
        self.n = 0
        self.max_us = 0.0
        self.max_at = 0.0

    def record(self, us, at):
        b = bucket_of(us)
        self.counts[b] = self.counts.get(b, 0) + 1
        self.n += 1
        if us > self.max_us:
            self.max_us, self.max_at = us, at

    def merge(self, other):
        for b, c in other.counts.items():
            self.counts[b] = self.counts.get(b, 0) + c
        self.n += other.n
        if other.max_us > self.max_us:
            self.max_us, self.max_at = other.max_us, other.max_at

    def percentile_us(self, p):
        """The smallest bucket bound with at least p% of the samples at or under it (0 if none)."""
        if not self.n:
            return 0.0
        rank = math.ceil(self.n * p / 100.0)
        seen = 0
        for b in sorted(self.counts):
            seen += self.counts[b]
            if seen >= rank:
                return min(bucket_upper_us(b), self.max_us)
        return self.max_us

    # Plain data for a multiprocessing queue.
    def to_wire(self):
        return (self.counts, self.n, self.max_us, self.max_at)

    @classmethod
    def from_wire(cls, wire):
        h = cls()
        h.counts, h.n, h.max_us, h.max_at = dict(wire[0]), wire[1], wire[2], wire[3]
        return h
