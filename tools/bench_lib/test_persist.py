"""Tests of bench-persist's data and table (from the repository root):
  /usr/bin/python3 -m unittest tools/bench_lib/test_persist.py
The measuring itself needs servers: tools/bench-persist --scale 0.05 --runs 1 exercises it."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench_lib import persist  # noqa: E402


def parse_sets(blob):
    """(key, value) of every `*3 SET key value` command in a RESP blob; fails on anything else."""
    out, pos = [], 0
    while pos < len(blob):
        assert blob.startswith(b"*3\r\n$3\r\nSET\r\n", pos), blob[pos:pos + 40]
        pos += len(b"*3\r\n$3\r\nSET\r\n")
        args = []
        for _ in range(2):
            end = blob.index(b"\r\n", pos)
            n = int(blob[pos + 1:end])
            args.append(blob[end + 2:end + 2 + n])
            assert blob[end + 2 + n:end + 4 + n] == b"\r\n"
            pos = end + 4 + n
        out.append(tuple(args))
    return out


class DatasetTest(unittest.TestCase):
    def make(self, nkeys, value_len, printable, seed=4):
        d = tempfile.mkdtemp()
        ds = persist.Dataset("t", nkeys, value_len, printable, d, seed=seed)
        with open(ds.resp_path, "rb") as f:
            blob = f.read()
        ds.remove()
        os.rmdir(d)
        return parse_sets(blob)

    def test_every_key_once_named_as_the_issue_says_with_values_of_the_given_size(self):
        sets = self.make(persist.KEYS_PER_CHUNK + 7, 16, True)  # crosses a chunk boundary
        self.assertEqual([k for k, _ in sets],
                         [b"key:%010d" % i for i in range(persist.KEYS_PER_CHUNK + 7)])
        self.assertTrue(all(len(v) == 16 for _, v in sets))

    def test_printable_values_use_only_characters_json_never_escapes(self):
        values = b"".join(v for _, v in self.make(2000, 64, True))
        self.assertEqual(set(values), set(persist.PRINTABLE))

    def test_binary_values_cover_all_byte_values(self):
        values = b"".join(v for _, v in self.make(2000, 64, False))
        self.assertEqual(len(set(values)), 256)

    def test_the_same_seed_gives_the_same_data_and_values_differ_per_key(self):
        a, b = self.make(100, 32, True), self.make(100, 32, True)
        self.assertEqual(a, b)
        self.assertEqual(len({v for _, v in a}), 100)
        self.assertNotEqual(a, self.make(100, 32, True, seed=5))


class TableTest(unittest.TestCase):
    def runs(self, **figures):
        keys = [k for k, *_ in persist.ROWS]
        n = len(next(iter(figures.values())))
        return [{k: figures.get(k, [1.0] * n)[i] for k in keys} for i in range(n)]

    def test_median_spread_ratio_and_target(self):
        lines = persist.table("d", {"lrukv": self.runs(save_s=[3.0, 1.0, 2.0]),
                                    "redis": self.runs(save_s=[0.5, 0.5, 2.0])})
        row = next(l for l in lines if l.startswith("| SAVE time, client"))
        self.assertEqual(row, "| SAVE time, client (s) | 2.00 [1.00–3.00] | 0.50 [0.50–2.00] "
                              "| 4.00 | ≤ 2x: MISSED |")

    def test_a_ratio_within_the_target_is_met_and_an_even_count_takes_the_middle_mean(self):
        lines = persist.table("d", {"lrukv": self.runs(load_log_s=[1.0, 3.0]),
                                    "redis": self.runs(load_log_s=[1.0, 1.0])})
        row = next(l for l in lines if l.startswith("| load time (log"))
        self.assertIn("| 2.00 [1.00–3.00] |", row)
        self.assertTrue(row.endswith("| 2.00 | ≤ 2x: met |"))


if __name__ == "__main__":
    unittest.main()
