// The latency monitor (LatencyMonitor, LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR/HISTOGRAM),
// the per-command histograms (LatencyHistogram, INFO latencystats) and their config. Expected
// texts and numbers were captured from redis-server 7.0.15.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "commands/harness.h"
#include "src/commands/latency_histogram.h"
#include "src/commands/latency_monitor.h"

using lrukv::cmd::LatencyHistogram;
using lrukv::cmd::LatencyMonitor;
using lrukv::cmd::LatencySeries;
using lrukv::testing::CommandHarness;

namespace {

// The text of a RESP2 bulk reply ("$<n>\r\n<text>\r\n").
std::string BulkText(const std::string& reply) {
  REQUIRE(reply.size() > 1);
  REQUIRE(reply[0] == '$');
  size_t eol = reply.find("\r\n");
  return reply.substr(eol + 2, std::stoul(reply.substr(1, eol - 1)));
}

// Sets the harness clock to unix second `s`.
void AtSecond(CommandHarness& h, int64_t s) { h.clock.Set(s * 1000); }

constexpr int64_t kT = 1'795'750'974;  // a unix second

}  // namespace

// ---- LatencyHistogram ----

TEST_CASE("latency histogram: values below 256 ns are exact, above they share 1/128 slices") {
  CHECK(LatencyHistogram::LowestEquivalent(255) == 255);
  CHECK(LatencyHistogram::HighestEquivalent(255) == 255);
  CHECK(LatencyHistogram::IndexOf(255) == 255);
  CHECK(LatencyHistogram::IndexOf(256) == 256);
  CHECK(LatencyHistogram::HighestEquivalent(257) == 257);  // [256, 512): 2 ns slices
  CHECK(LatencyHistogram::LowestEquivalent(257) == 256);
  CHECK(LatencyHistogram::LowestEquivalent(4000) == 4000);  // [2048, 4096): 16 ns slices
  CHECK(LatencyHistogram::HighestEquivalent(4000) == 4015);
  CHECK(LatencyHistogram::HighestEquivalent(7000) == 7007);
  CHECK(LatencyHistogram::HighestEquivalent(300'000'000) == 301'989'887);  // Redis's 301989.887
  CHECK(LatencyHistogram::IndexOf(LatencyHistogram::kMaxNs) < LatencyHistogram::kCounters);
}

TEST_CASE("latency histogram: percentiles answer the slice's highest value, p0 its lowest") {
  LatencyHistogram h;
  CHECK(h.ValueAtPercentile(50) == 0);
  h.Record(4000);
  for (int i = 0; i < 48; ++i) h.Record(7000);
  h.Record(33000);
  CHECK(h.total() == 50);
  CHECK(h.ValueAtPercentile(0) == 4000);
  CHECK(h.ValueAtPercentile(50) == 7007);
  CHECK(h.ValueAtPercentile(99) == 33023);  // rank 50 of 50
  CHECK(h.ValueAtPercentile(99.9) == 33023);
  CHECK(h.ValueAtPercentile(1) == 4015);  // rank max(1, 0.5 + 0.5) = 1
}

TEST_CASE("latency histogram: durations are clamped into 1 ns .. 1 s") {
  LatencyHistogram h;
  h.Record(0);
  h.Record(5'000'000'000);
  CHECK(h.ValueAtPercentile(0) == 1);
  CHECK(h.ValueAtPercentile(100) == static_cast<int64_t>(LatencyHistogram::HighestEquivalent(1'000'000'000)));
}

TEST_CASE("latency histogram: cumulative buckets by powers of two from 1024 ns, as Redis's") {
  LatencyHistogram h;
  h.Record(4000);
  for (int i = 0; i < 45; ++i) h.Record(7000);
  h.Record(15000);
  for (int i = 0; i < 3; ++i) h.Record(30000);
  using Buckets = std::vector<std::pair<int64_t, uint64_t>>;
  // Redis 7.0.15 answered "4 1 8 46 16 47 33 50" for GET with this spread.
  CHECK(h.CumulativeUsecBuckets() == Buckets{{4, 1}, {8, 46}, {16, 47}, {33, 50}});
  LatencyHistogram fast;
  fast.Record(1000);
  CHECK(fast.CumulativeUsecBuckets() == Buckets{{1, 1}});
  CHECK(LatencyHistogram().CumulativeUsecBuckets().empty());
}

TEST_CASE("latency histogram: percentile names print as %f without trailing zeros") {
  CHECK(lrukv::cmd::PercentileText(50) == "50");
  CHECK(lrukv::cmd::PercentileText(99.9) == "99.9");
  CHECK(lrukv::cmd::PercentileText(12.345) == "12.345");
  CHECK(lrukv::cmd::PercentileText(0) == "0");
}

// ---- LatencyMonitor ----

TEST_CASE("latency monitor: nothing is kept while the threshold is 0 or above the duration") {
  lrukv::cmd::Config config;
  LatencyMonitor m(config);
  m.Record("command", 500, kT * 1000);
  CHECK(m.events().empty());
  config.latency_monitor_threshold_ms = 100;
  m.Record("command", 99, kT * 1000);
  CHECK(m.events().empty());
  m.Record("command", 100, kT * 1000);
  REQUIRE(m.Find("command") != nullptr);
  CHECK(m.Find("command")->Latest().latency_ms == 100);
  CHECK(m.Find("command")->Latest().time_s == kT);
}

TEST_CASE("latency monitor: one sample per second keeps the worst; the max outlives the ring") {
  lrukv::cmd::Config config;
  LatencyMonitor m(config);
  m.AddSample("fork", 30, kT);
  m.AddSample("fork", 50, kT);
  m.AddSample("fork", 40, kT);
  const LatencySeries* s = m.Find("fork");
  REQUIRE(s != nullptr);
  CHECK(s->Chronological().size() == 1);
  CHECK(s->Latest().latency_ms == 50);
  for (int64_t i = 1; i <= 200; ++i) m.AddSample("fork", 10, kT + i);
  CHECK(s->Chronological().size() == LatencySeries::kSamples);
  CHECK(s->Chronological().front().time_s == kT + 200 - 159);
  CHECK(s->Chronological().back().time_s == kT + 200);
  CHECK(s->max_ms == 50);
  CHECK(m.Reset("FORK") == 1);  // case-insensitive, as Redis's strcasecmp
  CHECK(m.events().empty());
}

// ---- LATENCY commands ----

TEST_CASE("LATENCY LATEST / HISTORY / RESET: Redis's replies") {
  CommandHarness h;
  CHECK(h.Run({"LATENCY", "LATEST"}) == "*0\r\n");
  CHECK(h.Run({"LATENCY", "HISTORY", "command"}) == "*0\r\n");
  h.server.latency.AddSample("command", 200, kT);
  h.server.latency.AddSample("command", 300, kT + 2);
  h.server.latency.AddSample("fork", 12, kT + 1);
  CHECK(h.Run({"LATENCY", "LATEST"}) ==
        "*2\r\n*4\r\n$7\r\ncommand\r\n:1795750976\r\n:300\r\n:300\r\n"
        "*4\r\n$4\r\nfork\r\n:1795750975\r\n:12\r\n:12\r\n");
  CHECK(h.Run({"LATENCY", "HISTORY", "command"}) ==
        "*2\r\n*2\r\n:1795750974\r\n:200\r\n*2\r\n:1795750976\r\n:300\r\n");
  CHECK(h.Run({"LATENCY", "HISTORY", "COMMAND"}) == "*0\r\n");  // exact names, as Redis
  CHECK(h.Run({"LATENCY", "RESET", "Command", "nosuch"}) == ":1\r\n");
  CHECK(h.Run({"LATENCY", "RESET"}) == ":1\r\n");
  CHECK(h.Run({"LATENCY", "RESET"}) == ":0\r\n");
  CHECK(h.Run({"LATENCY", "LATEST"}) == "*0\r\n");
}

TEST_CASE("LATENCY: wrong subcommands and arities answer Redis's errors") {
  CommandHarness h;
  CHECK(h.Run({"LATENCY", "foo"}) ==
        "-ERR unknown subcommand 'foo'. Try LATENCY HELP.\r\n");
  CHECK(h.Run({"LATENCY", "LATEST", "x"}) ==
        "-ERR wrong number of arguments for 'latency|latest' command\r\n");
  CHECK(h.Run({"LATENCY", "HISTORY"}) ==
        "-ERR wrong number of arguments for 'latency|history' command\r\n");
  CHECK(h.Run({"LATENCY", "GRAPH", "x", "y"}) ==
        "-ERR wrong number of arguments for 'latency|graph' command\r\n");
  CHECK(h.Run({"LATENCY", "GRAPH", "command"}) ==
        "-ERR No samples available for event 'command'\r\n");
  CHECK(h.Run({"LATENCY"}) == "-ERR wrong number of arguments for 'latency' command\r\n");
}

TEST_CASE("LATENCY GRAPH: Redis's sparkline with labels of seconds ago") {
  CommandHarness h;
  h.server.latency.AddSample("command", 200, kT);
  h.server.latency.AddSample("command", 300, kT + 2);
  AtSecond(h, kT + 2);
  // Captured from redis-server 7.0.15 after DEBUG SLEEP 0.2, then 0.3 two seconds later.
  CHECK(BulkText(h.Run({"LATENCY", "GRAPH", "command"})) ==
        "command - high 300 ms, low 200 ms (all time high 300 ms)\n" + std::string(80, '-') +
            "\n #\n |\n |\n_|\n  \n20\nss\n");
  h.server.latency.ResetAll();
  h.server.latency.AddSample("command", 200, kT);
  AtSecond(h, kT + 61);
  CHECK(BulkText(h.Run({"LATENCY", "GRAPH", "command"})) ==
        "command - high 200 ms, low 200 ms (all time high 200 ms)\n" + std::string(80, '-') +
            "\n \n \n \n_\n \n1\nm\n");
}

TEST_CASE("LATENCY DOCTOR: disabled, quiet and spike reports in Redis's words") {
  CommandHarness h;
  CHECK(BulkText(h.Run({"LATENCY", "DOCTOR"})).starts_with(
      "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance."));
  h.config.latency_monitor_threshold_ms = 100;
  const std::string quiet = BulkText(h.Run({"LATENCY", "DOCTOR"}));
  // THP on the test machine adds an advice instead of the quiet sentence.
  CHECK((quiet.starts_with("Dave, no latency spike was observed") ||
         quiet.find("anonymous huge pages") != std::string::npos));
  h.server.latency.AddSample("command", 200, kT);
  h.server.latency.AddSample("command", 300, kT + 2);
  AtSecond(h, kT + 2);
  const std::string report = BulkText(h.Run({"LATENCY", "DOCTOR"}));
  CHECK(report.starts_with(
      "Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
      "about it, do you Dave?\n\n1. command: 2 latency spikes (average 250ms, mean deviation "
      "50ms, period 1.00 sec). Worst all time event 300ms.\n\nI have a few advices for you:\n\n"
      "- Check your Slow Log to understand what are the commands you are running which are too "
      "slow to execute. Please check https://redis.io/commands/slowlog for more information.\n"
      "- Deleting, expiring or evicting"));
  h.config.slowlog_log_slower_than_us = -1;
  CHECK(BulkText(h.Run({"LATENCY", "DOCTOR"})).find(
            "'CONFIG SET slowlog-log-slower-than 100000'. If the Slow log is disabled") !=
        std::string::npos);
}

TEST_CASE("LATENCY: a call slower than latency-monitor-threshold is a command sample") {
  CommandHarness h;
  AtSecond(h, kT);
  h.Run({"DEBUG", "SLEEP", "0.02"});
  CHECK(h.server.latency.events().empty());  // threshold 0: off
  h.Run({"CONFIG", "SET", "latency-monitor-threshold", "10"});
  h.Run({"DEBUG", "SLEEP", "0.02"});
  h.Run({"PING"});
  const LatencySeries* s = h.server.latency.Find("command");
  REQUIRE(s != nullptr);
  CHECK(s->Latest().latency_ms >= 10);
  CHECK(s->Latest().time_s == kT);
  CHECK(h.server.latency.Find("fast-command") == nullptr);
}

TEST_CASE("LATENCY: samples are stamped with the wall clock, which may step") {
  CommandHarness h;
  AtSecond(h, kT);
  h.clock.StepWall(3'600'000);
  h.Run({"CONFIG", "SET", "latency-monitor-threshold", "10"});
  h.Run({"DEBUG", "SLEEP", "0.02"});
  const LatencySeries* s = h.server.latency.Find("command");
  REQUIRE(s != nullptr);
  CHECK(s->Latest().time_s == kT + 3600);
  // GRAPH measures ages on the same clock: the sample is 0 s old (label "0" over "s"), not 1 h.
  AtSecond(h, kT + 2);
  CHECK(BulkText(h.Run({"LATENCY", "GRAPH", "command"})).ends_with("\n2\ns\n"));
}

// ---- INFO latencystats, LATENCY HISTOGRAM ----

TEST_CASE("INFO latencystats: a line per command run, with the configured percentiles") {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  h.Run({"GET", "k"});
  h.Run({"CONFIG", "GET", "maxmemory"});
  h.Run({"NOSUCH"});
  std::string info = BulkText(h.Run({"INFO", "latencystats"}));
  CHECK(info.starts_with("# Latencystats\r\nlatency_percentiles_usec_config|get:p50="));
  CHECK(info.find("\r\nlatency_percentiles_usec_get:p50=") != std::string::npos);
  CHECK(info.find("\r\nlatency_percentiles_usec_set:p50=") != std::string::npos);
  CHECK(info.find("nosuch") == std::string::npos);
  // Each value is microseconds with three decimals.
  // The real GET's own time varies (a sanitizer build takes over 7 us): replace its samples
  // with one known duration.
  auto& histogram = h.server.counters.command_stats.at("get").histogram;
  REQUIRE(histogram != nullptr);
  histogram = std::make_unique<LatencyHistogram>();
  histogram->Record(7000);
  h.Run({"CONFIG", "SET", "latency-tracking-info-percentiles", "0 100 99.99 12.345"});
  CHECK(h.Run({"CONFIG", "GET", "latency-tracking-info-percentiles"}) ==
        "*2\r\n$33\r\nlatency-tracking-info-percentiles\r\n$18\r\n0 100 99.99 12.345\r\n");
  info = BulkText(h.Run({"INFO", "latencystats"}));
  CHECK(info.find("latency_percentiles_usec_get:p0=") != std::string::npos);
  CHECK(info.find(",p100=7.007,p99.99=7.007,p12.345=") != std::string::npos);
  h.Run({"CONFIG", "SET", "latency-tracking-info-percentiles", ""});
  CHECK(BulkText(h.Run({"INFO", "latencystats"})).find("latency_percentiles_usec_get:\r\n") !=
        std::string::npos);
}

TEST_CASE("INFO latencystats: latency-tracking no records nothing and prints only the header") {
  CommandHarness h;
  h.Run({"CONFIG", "SET", "latency-tracking", "no"});
  h.Run({"GET", "k"});
  CHECK(h.server.counters.command_stats.at("get").histogram == nullptr);
  CHECK(BulkText(h.Run({"INFO", "latencystats"})) == "# Latencystats\r\n");
  h.Run({"CONFIG", "SET", "latency-tracking", "yes"});
  h.Run({"GET", "k"});
  CHECK(h.server.counters.command_stats.at("get").histogram->total() == 1);
}

TEST_CASE("CONFIG RESETSTAT clears the histograms") {
  CommandHarness h;
  h.Run({"GET", "k"});
  h.Run({"CONFIG", "RESETSTAT"});
  const std::string info = BulkText(h.Run({"INFO", "latencystats"}));
  CHECK(info.find("_get:") == std::string::npos);
  // RESETSTAT itself is counted after it ran, as Redis's call() does.
  CHECK(info == "# Latencystats\r\nlatency_percentiles_usec_config|resetstat:" +
                    info.substr(info.find(':') + 1));
}

TEST_CASE("latency-tracking-info-percentiles: Redis's CONFIG SET errors") {
  CommandHarness h;
  CHECK(h.Run({"CONFIG", "SET", "latency-tracking-info-percentiles", "50 abc"}) ==
        "-ERR CONFIG SET failed (possibly related to argument "
        "'latency-tracking-info-percentiles') - Invalid latency-tracking-info-percentiles "
        "parameters\r\n");
  CHECK(h.Run({"CONFIG", "SET", "latency-tracking-info-percentiles", "150"}) ==
        "-ERR CONFIG SET failed (possibly related to argument "
        "'latency-tracking-info-percentiles') - latency-tracking-info-percentiles parameters "
        "should sit between [0.0,100.0]\r\n");
  CHECK(h.Run({"CONFIG", "GET", "latency-tracking-info-percentiles"}) ==
        "*2\r\n$33\r\nlatency-tracking-info-percentiles\r\n$10\r\n50 99 99.9\r\n");
}

TEST_CASE("LATENCY HISTOGRAM: named commands, containers expand, repeats repeat") {
  CommandHarness h;
  h.Run({"GET", "k"});
  h.Run({"CONFIG", "GET", "maxmemory"});
  h.Run({"CONFIG", "SET", "maxmemory", "0"});
  h.server.counters.command_stats.at("get").histogram = std::make_unique<LatencyHistogram>();
  h.server.counters.command_stats.at("get").histogram->Record(7000);
  CHECK(h.Run({"LATENCY", "HISTOGRAM", "GET", "nosuch"}) ==
        "*2\r\n$3\r\nget\r\n*4\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n*2\r\n:8\r\n:1\r\n");
  CHECK(h.Run({"LATENCY", "HISTOGRAM", "get", "get"}).starts_with("*4\r\n"));
  const std::string config = h.Run({"LATENCY", "HISTOGRAM", "config"});
  CHECK(config.starts_with("*4\r\n$10\r\nconfig|get\r\n"));
  CHECK(config.find("$10\r\nconfig|set\r\n") != std::string::npos);
  CHECK(h.Run({"LATENCY", "HISTOGRAM", "CONFIG|SET", "config|nosuch"}).starts_with(
      "*2\r\n$10\r\nconfig|set\r\n"));
}

// ---- commandstats / errorstats ----

TEST_CASE("DEBUG ERROR's raw error reply is neither a failed call nor an errorstat, as Redis") {
  CommandHarness h;
  CHECK(h.Run({"DEBUG", "ERROR", "CODE1 raw"}) == "-CODE1 raw\r\n");
  CHECK(h.server.counters.command_stats.at("debug").failed_calls == 0);
  CHECK(h.server.counters.error_stats.empty());
  CHECK(h.server.counters.total_error_replies == 0);
  h.Run({"DEBUG", "NOSUCH"});
  CHECK(h.server.counters.command_stats.at("debug").failed_calls == 1);
  CHECK(h.server.counters.error_stats.at("ERR") == 1);
}
