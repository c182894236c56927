// probe: one connection, one PING per interval on an absolute CLOCK_MONOTONIC schedule
// (clock_nanosleep TIMER_ABSTIME), each round trip recorded. A slot missed because a reply came
// late is skipped, not sent in a burst afterwards, so the probe never adds load after a stall.
// Stops on SIGINT/SIGTERM, after --seconds, or when the server goes away, then prints
//   {"mode":"probe","count":N,"p50_us":..,"p99_us":..,"p999_us":..,"max_us":..,...}
// With --samples FILE it also writes one "send_unix_us rtt_us" line per round trip, so a caller
// can cut out a time window (the expiry storm) and compute its own percentiles.
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <vector>

#include "tools/loadgen/modes.h"

namespace lrukv::loadgen {
namespace {

volatile sig_atomic_t g_stop = 0;

void OnStopSignal(int) { g_stop = 1; }

struct Sample {
  int64_t send_unix_ns;
  int64_t rtt_ns;
};

// Nearest-rank percentile of sorted values, in microseconds.
double PercentileUs(const std::vector<int64_t>& sorted_ns, double p) {
  if (sorted_ns.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted_ns.size())));
  return static_cast<double>(sorted_ns[std::clamp<size_t>(rank, 1, sorted_ns.size()) - 1]) / 1e3;
}

timespec ToTimespec(int64_t ns) {
  return timespec{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
}

}  // namespace

int RunProbe(Options& opts) {
  std::string host = opts.String("host", "127.0.0.1");
  int port = static_cast<int>(opts.Int("port", 6379));
  int64_t interval_ns = opts.Int("interval-us", 500) * 1000;
  double seconds = opts.Double("seconds", 0);
  std::string samples_path = opts.String("samples", "");
  opts.RejectUnused();
  if (interval_ns <= 0) {
    std::fprintf(stderr, "loadgen probe: --interval-us must be positive\n");
    return 2;
  }

  struct sigaction action {};
  action.sa_handler = OnStopSignal;  // no SA_RESTART: a blocked read or sleep returns EINTR
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  Conn conn(host, port);
  std::vector<Sample> samples;
  samples.reserve(1 << 20);
  int64_t errors = 0, skipped_slots = 0;
  bool lost = false;
  constexpr std::string_view kPing = "*1\r\n$4\r\nPING\r\n";

  int64_t start_ns = MonoNs();
  int64_t deadline_ns = seconds > 0 ? start_ns + static_cast<int64_t>(seconds * 1e9) : INT64_MAX;
  int64_t next_ns = start_ns;
  while (!g_stop) {
    timespec next = ToTimespec(next_ns);
    if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr) == EINTR) continue;
    if (next_ns >= deadline_ns) break;
    int64_t send_unix_ns = UnixNs();
    int64_t t0 = MonoNs();
    Reply reply;
    if (!conn.WriteAll(kPing) || !conn.ReadReply(&reply)) {
      lost = !g_stop;
      break;
    }
    int64_t t1 = MonoNs();
    if (reply.type != Reply::Type::kStatus || reply.text != "PONG") ++errors;
    samples.push_back({send_unix_ns, t1 - t0});
    next_ns += interval_ns;
    if (next_ns <= t1) {  // the reply outlived later slots: skip to the first one still ahead
      int64_t missed = (t1 - next_ns) / interval_ns + 1;
      skipped_slots += missed;
      next_ns += missed * interval_ns;
    }
  }
  double ran_s = static_cast<double>(MonoNs() - start_ns) / 1e9;

  std::vector<int64_t> rtts;
  rtts.reserve(samples.size());
  for (const Sample& s : samples) rtts.push_back(s.rtt_ns);
  std::sort(rtts.begin(), rtts.end());
  std::printf(
      "{\"mode\":\"probe\",\"count\":%zu,\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,"
      "\"max_us\":%.1f,\"seconds\":%.3f,\"skipped_slots\":%lld,\"errors\":%lld,"
      "\"lost_connection\":%s}\n",
      rtts.size(), PercentileUs(rtts, 0.5), PercentileUs(rtts, 0.99), PercentileUs(rtts, 0.999),
      rtts.empty() ? 0.0 : static_cast<double>(rtts.back()) / 1e3, ran_s,
      static_cast<long long>(skipped_slots), static_cast<long long>(errors),
      lost ? "true" : "false");
  std::fflush(stdout);

  if (!samples_path.empty()) {
    FILE* f = std::fopen(samples_path.c_str(), "w");
    if (f == nullptr) {
      std::perror(samples_path.c_str());
      return 1;
    }
    for (const Sample& s : samples) {
      std::fprintf(f, "%lld %lld\n", static_cast<long long>(s.send_unix_ns / 1000),
                   static_cast<long long>(s.rtt_ns / 1000));
    }
    std::fclose(f);
  }
  return lost || errors > 0 ? 1 : 0;
}

}  // namespace lrukv::loadgen
