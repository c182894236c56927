"""Tests of the redis-benchmark report parser: python3 -m unittest tools/bench_lib/test_rbench.py
(run from the repository root)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench_lib import rbench  # noqa: E402

# A report in redis-benchmark 7.0.15's format (-t get -n 100000 -P 16), abridged from a real run:
# progress lines ending in \r, most distribution lines dropped, summary figures edited.
REPORT = (
    "GET: rps=0.0 (overall: -nan) avg_msec=-nan (overall: -nan)\r"
    "GET: rps=126903.5 (overall: 126903.5) avg_msec=4.017 (overall: 4.017)\r"
    "====== GET ======\n"
    "  100000 requests completed in 0.37 seconds\n"
    "  50 parallel clients\n"
    "  16 bytes payload\n"
    "\n"
    "Latency by percentile distribution:\n"
    "0.000% <= 0.127 milliseconds (cumulative count 16)\n"
    "50.000% <= 1.135 milliseconds (cumulative count 50432)\n"
    "99.805% <= 12.911 milliseconds (cumulative count 99808)\n"
    "99.902% <= 13.039 milliseconds (cumulative count 99904)\n"
    "99.951% <= 13.119 milliseconds (cumulative count 99952)\n"
    "100.000% <= 13.287 milliseconds (cumulative count 100000)\n"
    "\n"
    "Cumulative distribution of latencies:\n"
    "99.136% <= 12.103 milliseconds (cumulative count 99136)\n"
    "99.936% <= 13.103 milliseconds (cumulative count 99936)\n"
    "100.000% <= 14.103 milliseconds (cumulative count 100000)\n"
    "\n"
    "Summary:\n"
    "  throughput summary: 270270.27 requests per second\n"
    "  latency summary (msec):\n"
    "          avg       min       p50       p95       p99       max\n"
    "        2.465     0.120     1.135     8.135    12.271    13.287\n"
)


class ParseTest(unittest.TestCase):
    def test_reads_throughput_and_the_latency_summary(self):
        r = rbench.parse(REPORT)
        self.assertEqual(r["requests"], 100000)
        self.assertEqual(r["rps"], 270270.27)
        self.assertEqual((r["p50"], r["p99"], r["max"]), (1.135, 12.271, 13.287))

    def test_p999_is_the_smallest_printed_latency_covering_99_9_percent(self):
        self.assertEqual(rbench.parse(REPORT)["p999"], 13.039)

    def test_p999_uses_the_cumulative_block_when_it_is_tighter(self):
        text = REPORT.replace("99.902% <= 13.039 milliseconds (cumulative count 99904)\n", "")
        self.assertEqual(rbench.parse(text)["p999"], 13.103)

    def test_a_report_without_the_percentile_block_fails_loudly(self):
        text = REPORT.replace("Latency by percentile distribution:", "Latencies:")
        with self.assertRaisesRegex(rbench.BenchOutputError, "percentile distribution"):
            rbench.parse(text)

    def test_csv_output_fails_loudly(self):
        csv = ('"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms",'
               '"p99_latency_ms","max_latency_ms"\n"GET","270270.27","2.465","0.120","1.135",'
               '"8.135","12.271","13.287"\n')
        with self.assertRaises(rbench.BenchOutputError):
            rbench.parse(csv)

    def test_a_missing_latency_summary_fails_loudly(self):
        text = REPORT.split("  latency summary (msec):")[0]
        with self.assertRaisesRegex(rbench.BenchOutputError, "latency summary"):
            rbench.parse(text)


if __name__ == "__main__":
    unittest.main()
