#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_commands (tests/fuzz/corpus/fuzz_commands/): command
sequences spelled with the names below and encoded as fuzz_commands.cc decodes them (an
opcode byte, then one byte per alphabet pick). Rerun after changing that decoding."""
import os
import sys

KEYS = {"a": 0, "b": 1, "c": 2, "long": 3, "bin": 4}
VALUES = {"": 0, "0": 1, "1": 2, "-7": 3, "abc": 4, "3.5": 5, "max": 6, "v40": 7, "L600": 8,
          "H3000": 9}
TIMES = {"-1": 0, "0": 1, "1": 2, "2": 3, "10": 4, "100": 5, "1000": 6, "100000": 7}
ADVANCE = {0: 0, 1: 1, 2: 2, 9: 3, 10: 4, 11: 5, 99: 6, 100: 7, 101: 8, 999: 9, 1000: 10,
           1001: 11, 2000: 12, 10000: 13, 100000: 14, 100001: 15}
MAXMEMORY = {"0": 0, "1": 1, "20000": 2, "30000": 3, "45000": 4, "60000": 5, "100000": 6}
POLICIES = {"noeviction": 0, "allkeys-lru": 1, "volatile-lru": 2, "allkeys-random": 3,
            "volatile-random": 4, "volatile-ttl": 5}
DEFAULT_TTL = {"0": 0, "1": 3, "5": 4}
DBS = {"0": 0, "1": 1, "2": 2, "16": 3}
OFFSETS = {"0": 0, "1": 1, "5": 2, "39": 3, "100": 4, "700": 5, "-1": 6}


def set_cmd(key, value, ex=None, px=None, cond=None, keepttl=False, get=False):
    opts, tail = 0, []
    if ex is not None or px is not None:
        opts |= 1 | (2 if px is not None else 0)
        tail = [TIMES[px if px is not None else ex]]
    if cond:
        opts |= 4 | (8 if cond == "XX" else 0)
    opts |= (16 if keepttl else 0) | (32 if get else 0)
    return [0, KEYS[key], VALUES[value], opts] + tail


def k(*names):
    return [KEYS[n] for n in names]


C = {
    "GET": lambda key: [2] + k(key),
    "MGET": lambda a, b, c: [4] + k(a, b, c),
    "MSET": lambda a, va, b, vb: [5, KEYS[a], VALUES[va], KEYS[b], VALUES[vb]],
    "DEL": lambda a, b: [6] + k(a, b),
    "EXPIRE": lambda key, t: [7, KEYS[key], TIMES[t]],
    "PEXPIRE": lambda key, t: [8, KEYS[key], TIMES[t]],
    "PERSIST": lambda key: [9] + k(key),
    "INCR": lambda key: [10] + k(key),
    "APPEND": lambda key, v: [11, KEYS[key], VALUES[v]],
    "SETRANGE": lambda key, off, v: [12, KEYS[key], OFFSETS[off], VALUES[v]],
    "GETEX": lambda key, opt=None, t="1": [13, KEYS[key]] + (
        [0] if opt is None else [3] if opt == "PERSIST" else [1 if opt == "EX" else 2, TIMES[t]]),
    "RENAME": lambda a, b: [14] + k(a, b),
    "COPY": lambda a, b, db=None, replace=False: [15, KEYS[a], KEYS[b],
                                                   (1 if db else 0) | (2 if replace else 0)] +
    ([DBS[db]] if db else []),
    "FLUSHDB": lambda: [16],
    "SELECT": lambda db: [17, DBS[db]],
    "MULTI": lambda: [18],
    "EXEC": lambda: [19],
    "DISCARD": lambda: [20],
    "MAXMEMORY": lambda v: [21, MAXMEMORY[v]],
    "POLICY": lambda p: [22, POLICIES[p]],
    "MAXKEYS": lambda n: [23, n],
    "ADVANCE": lambda ms: [24, ADVANCE[ms]],
    "EXISTS": lambda a, b: [27] + k(a, b),
    "PTTL": lambda key: [28] + k(key),
    "STRLEN": lambda key: [29] + k(key),
    "GETDEL": lambda key: [30] + k(key),
    "INCRBYFLOAT": lambda key, v: [31, KEYS[key], VALUES[v]],
    "DECRBY": lambda key, t: [32, KEYS[key], TIMES[t]],
    "RENAMENX": lambda a, b: [33] + k(a, b),
    "MOVE": lambda key, db: [34, KEYS[key], DBS[db]],
    "SWAPDB": lambda a, b: [35, DBS[a], DBS[b]],
    "SETBIT": lambda key, off: [36, KEYS[key], OFFSETS[off]],
    "DEFAULT_TTL": lambda s: [37, DEFAULT_TTL[s]],
    "GETRANGE": lambda key, off: [38, KEYS[key], OFFSETS[off]],
    "EXPIRE_CYCLE": lambda: [39],
}

SEEDS = {
    "ttl_ex_boundary": [set_cmd("a", "v40", ex="1"), C["GET"]("a"), C["ADVANCE"](1000),
                        C["GET"]("a"), C["PTTL"]("a"), C["ADVANCE"](1), C["GET"]("a"),
                        C["PTTL"]("a"), C["EXISTS"]("a", "b")],
    "ttl_px_mget": [set_cmd("a", "abc", px="100"), set_cmd("b", "1", px="10"),
                    C["ADVANCE"](10), C["MGET"]("a", "b", "c"), C["ADVANCE"](1),
                    C["MGET"]("a", "b", "c"), C["ADVANCE"](100), C["STRLEN"]("a")],
    "evict_allkeys_lru": [C["MAXMEMORY"]("45000"), set_cmd("a", "L600"), set_cmd("b", "H3000"),
                          set_cmd("c", "L600"), C["GET"]("a"), set_cmd("long", "H3000"),
                          set_cmd("bin", "v40"), C["MGET"]("a", "b", "c"),
                          C["MAXMEMORY"]("20000")],
    "evict_volatile_ttl": [C["POLICY"]("volatile-ttl"), set_cmd("a", "v40", ex="100"),
                           set_cmd("b", "L600", ex="10"), set_cmd("c", "H3000"),
                           C["MAXMEMORY"]("30000"), set_cmd("long", "H3000", px="1000"),
                           C["MGET"]("a", "b", "c"), C["POLICY"]("volatile-random"),
                           set_cmd("bin", "L600", ex="2")],
    "maxkeys": [C["MAXKEYS"](2), set_cmd("a", "1"), set_cmd("b", "1"),
                set_cmd("c", "abc"), C["MGET"]("a", "b", "c"), C["POLICY"]("volatile-lru"),
                set_cmd("a", "1", ex="10"), set_cmd("long", "0"), C["MAXKEYS"](1)],
    # Beside the fuzzer's own volatile_maxkeys_after_overwrite (tests/engine/
    # fuzz_regressions_test.cc): keys of a db over maxkeys that gain a TTL under a volatile
    # policy must be evicted down to maxkeys. One MSET: c is created with the default TTL when
    # nothing is evictable (3 keys), then a gains a TTL, which makes c evictable. (Across
    # commands the dispatcher's eviction before each one hides it, and in MULTI the commands
    # are refused with -OOM, as Redis does, while the db is over.)
    "volatile_maxkeys_ttl_given": [
        C["MAXKEYS"](2), C["POLICY"]("volatile-lru"), set_cmd("a", "1"), set_cmd("b", "1"),
        C["DEFAULT_TTL"]("5"), C["MSET"]("c", "1", "a", "0"), C["MGET"]("a", "b", "c"),
        C["EXPIRE"]("b", "100"), set_cmd("long", "1"), C["MGET"]("a", "b", "c")],
    "noeviction_oom": [C["POLICY"]("noeviction"), C["MAXMEMORY"]("20000"), set_cmd("a", "H3000"),
                       set_cmd("b", "L600"), C["GET"]("a"), C["POLICY"]("allkeys-random"),
                       set_cmd("c", "v40")],
    "multi_exec_ttl": [C["MULTI"](), set_cmd("a", "1", ex="1"), C["INCR"]("a"), C["GET"]("a"),
                       C["EXEC"](), C["ADVANCE"](1001), C["GET"]("a"), C["MULTI"](),
                       C["GET"]("a"), C["DISCARD"](), C["EXEC"]()],
    "rename_copy_ttl": [set_cmd("a", "v40", px="10"), C["RENAME"]("a", "b"),
                        C["COPY"]("b", "c"), C["COPY"]("b", "long", "1", True),
                        C["ADVANCE"](11), C["GET"]("c"), C["RENAMENX"]("c", "a"),
                        C["SELECT"]("1"), C["GET"]("long")],
    "write_on_expired": [set_cmd("a", "abc", px="1"), C["ADVANCE"](2), C["APPEND"]("a", "abc"),
                         C["PTTL"]("a"), set_cmd("b", "1", px="1"), C["ADVANCE"](2),
                         C["SETRANGE"]("b", "5", "abc"), C["GET"]("b"),
                         set_cmd("c", "1", px="1"), C["ADVANCE"](2), C["INCR"]("c"),
                         C["SETBIT"]("c", "39"), C["GETRANGE"]("c", "39")],
    "getex_keepttl": [set_cmd("a", "abc"), C["GETEX"]("a", "EX", "1"), C["ADVANCE"](1001),
                      C["GETEX"]("a"), set_cmd("a", "1", ex="10", keepttl=False),
                      set_cmd("a", "0", keepttl=True, get=True), C["PTTL"]("a"),
                      C["GETEX"]("a", "PERSIST"), C["PTTL"]("a"), C["GETDEL"]("a")],
    "dbs_move_swap": [C["SELECT"]("1"), set_cmd("a", "v40", ex="2"), C["MOVE"]("a", "2"),
                      C["SWAPDB"]("1", "2"), C["GET"]("a"), C["SELECT"]("16"),
                      C["COPY"]("a", "b", "0"), C["FLUSHDB"](), C["SELECT"]("0"),
                      C["GET"]("b")],
    "default_ttl": [C["DEFAULT_TTL"]("1"), set_cmd("a", "v40"), C["MSET"]("b", "1", "c", "L600"),
                    C["PTTL"]("b"), C["ADVANCE"](1000), C["MGET"]("a", "b", "c"),
                    C["ADVANCE"](1), C["MGET"]("a", "b", "c"), C["DEFAULT_TTL"]("0")],
    "active_expiry": [set_cmd("a", "v40", px="10"), set_cmd("b", "L600", px="100"),
                      set_cmd("c", "H3000", ex="1"), set_cmd("long", "abc", px="2"),
                      C["ADVANCE"](11), C["EXPIRE_CYCLE"](), C["MGET"]("a", "b", "c"),
                      C["ADVANCE"](2000), C["EXPIRE_CYCLE"](), C["EXISTS"]("b", "c")],
    "numbers": [set_cmd("a", "max"), C["INCR"]("a"), C["DECRBY"]("a", "100000"),
                C["INCRBYFLOAT"]("b", "3.5"), C["INCRBYFLOAT"]("b", "-7"), C["INCR"]("c"),
                C["EXPIRE"]("c", "0"), C["GET"]("c"), C["PEXPIRE"]("b", "-1"),
                C["PERSIST"]("b"), C["DEL"]("a", "b")],
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_commands")
    os.makedirs(out, exist_ok=True)
    for name, cmds in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes(b for cmd in cmds for b in cmd))


if __name__ == "__main__":
    main()
