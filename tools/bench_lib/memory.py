"""The memory part: bytes per key of a fresh server holding N keys `key:NNNNNNN`.

For every case (16-byte values; 16-byte values with EX 3600; 100-byte; 1 KB) each server is started
fresh (pinned to CPU 0), its used_memory (INFO memory) and RSS (/proc) are read, the keys are loaded
with `redis-cli --pipe`, DBSIZE must equal N, and the two figures are read again:
per key = (after - before) / N.
"""
import sys

from . import procs

CASES = (  # (label, value bytes, extra SET arguments)
    ("16-byte values", 16, ()),
    ("16-byte values, EX 3600", 16, (b"EX", b"3600")),
    ("100-byte values", 100, ()),
    ("1 KB values", 1024, ()),
)


def _payload(nkeys, value_len, extra):
    value = b"v" * value_len
    step = 20_000
    for lo in range(0, nkeys, step):
        yield procs.set_commands((b"key:%07d" % i for i in range(lo, min(lo + step, nkeys))),
                                 value, extra)


def measure(argvs, workdir, nkeys, cases=CASES):
    """{case label: {server name: (used_memory per key, RSS per key)}} for every case and server."""
    results = {}
    for label, value_len, extra in cases:
        results[label] = {}
        for name, argv in argvs:
            s = procs.Server(name, argv, 0, workdir)
            try:
                used0, rss0 = int(s.info("memory")["used_memory"]), s.rss_bytes()
                s.pipe(_payload(nkeys, value_len, extra))
                keys = int(s.cli("DBSIZE"))
                if keys != nkeys:
                    raise RuntimeError(f"{name}: DBSIZE {keys} after loading {nkeys} keys ({label})")
                used1, rss1 = int(s.info("memory")["used_memory"]), s.rss_bytes()
                results[label][name] = ((used1 - used0) / nkeys, (rss1 - rss0) / nkeys)
            finally:
                s.stop()
            print(f"  {label:26} {name:8} used {results[label][name][0]:7.1f} B/key "
                  f"RSS {results[label][name][1]:7.1f} B/key", file=sys.stderr)
    return results


def table(results, names, nkeys):
    """Markdown rows: used_memory and RSS per key per case, ratio lrukv/redis, and the TTL cost
    (the EX 3600 case minus the plain 16-byte case)."""
    def ratio(a, b):
        return f"{a / b:.2f}" if b else "n/a"

    cols = " | ".join(f"{n} used | {n} RSS" for n in names)
    lines = [f"| {nkeys:,} keys `key:NNNNNNN` (bytes per key) | {cols} | used ratio | RSS ratio |",
             "| --- |" + " ---: |" * (2 * len(names) + 2)]

    def row(label, figures):
        cells = " | ".join(f"{figures[n][0]:.1f} | {figures[n][1]:.1f}" for n in names)
        lines.append(f"| {label} | {cells} | {ratio(figures['lrukv'][0], figures['redis'][0])} | "
                     f"{ratio(figures['lrukv'][1], figures['redis'][1])} |")

    for label, figures in results.items():
        row(label, figures)
    plain, ttl = results.get(CASES[0][0]), results.get(CASES[1][0])
    if plain and ttl:
        row("TTL cost per key (EX 3600 row minus 16-byte row)",
            {n: (ttl[n][0] - plain[n][0], ttl[n][1] - plain[n][1]) for n in names})
    return lines
