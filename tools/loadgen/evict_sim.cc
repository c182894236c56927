// evict-sim: the cache simulation of issue 3. A universe of --universe keys (key:NNNNNNN) with
// --value-size byte values; first --fill SETs (default: 3x --maxmemory worth of values) of keys
// 0,1,2,... wrapping around the universe; then --gets requests whose keys follow a zipf(--zipf)
// popularity (rank r drawn with weight 1/r^s, ranks mapped to keys by a shuffle), every miss
// followed by a SET of that key. Everything is drawn from one seeded splitmix64 stream, so every
// server sees the same trace. Two ways to send it, with the same sequential semantics:
//   --pipeline N (default 100)  SET key value NX GET in pipelined batches of N: the reply is the
//                               old value (a hit: the key is read and touched, nothing written)
//                               or nil (a miss, and the key is set), as GET-then-SET would do
//   --pipeline 0                GET, and SET after a nil, each a round trip: the literal trace,
//                               ~100x slower (lrukv gives identical hit counts either way)
// Prints hits, misses, the hit ratio, and DBSIZE, used_memory and evicted_keys at the end.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "tools/loadgen/modes.h"

namespace lrukv::loadgen {
namespace {

// splitmix64: small, fast, and the same sequence on every platform and standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)

 private:
  uint64_t state_;
};

// Draws key indexes in [0, n) with zipf(s) popularity: rank r (0-based) has weight 1/(r+1)^s.
class ZipfKeys {
 public:
  ZipfKeys(int64_t n, double s, Rng& rng) : cdf_(static_cast<size_t>(n)), key_of_rank_(n) {
    double total = 0;
    for (int64_t r = 0; r < n; ++r) {
      total += 1.0 / std::pow(static_cast<double>(r + 1), s);
      cdf_[r] = total;
    }
    for (int64_t r = 0; r < n; ++r) key_of_rank_[r] = r;
    for (int64_t r = n - 1; r > 0; --r) {  // Fisher-Yates: hot keys spread over the fill order
      std::swap(key_of_rank_[r], key_of_rank_[rng.Next() % static_cast<uint64_t>(r + 1)]);
    }
  }

  int64_t Draw(Rng& rng) const {
    double u = rng.Uniform() * cdf_.back();
    size_t rank = static_cast<size_t>(std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
    return key_of_rank_[std::min(rank, cdf_.size() - 1)];
  }

 private:
  std::vector<double> cdf_;
  std::vector<int64_t> key_of_rank_;
};

// "key:0001234" in a reused buffer.
std::string_view KeyName(int64_t index, char (&buf)[32]) {
  int n = std::snprintf(buf, sizeof buf, "key:%07lld", static_cast<long long>(index));
  return std::string_view(buf, static_cast<size_t>(n));
}

int64_t IntegerCall(Conn& conn, std::initializer_list<std::string_view> args) {
  Reply reply;
  return conn.Call(args, &reply) && reply.type == Reply::Type::kInteger ? reply.integer : -1;
}

std::string InfoCall(Conn& conn, std::string_view section) {
  Reply reply;
  return conn.Call({"INFO", section}, &reply) && reply.type == Reply::Type::kBulk
             ? std::string(reply.text)
             : std::string();
}

}  // namespace

int RunEvictSim(Options& opts) {
  std::string host = opts.String("host", "127.0.0.1");
  int port = static_cast<int>(opts.Int("port", 6379));
  int64_t universe = opts.Int("universe", 2'000'000);
  int64_t value_size = opts.Int("value-size", 100);
  int64_t maxmemory = ParseBytes(opts.String("maxmemory", "100mb"));
  int64_t fill = opts.Int("fill", -1);
  int64_t gets = opts.Int("gets", 3'000'000);
  double zipf_s = opts.Double("zipf", 0.99);
  int64_t seed = opts.Int("seed", 1);
  int64_t pipeline = opts.Int("pipeline", 100);
  opts.RejectUnused();
  if (fill < 0 && maxmemory > 0 && value_size > 0) fill = 3 * maxmemory / value_size;
  if (universe <= 0 || value_size < 0 || fill < 0 || gets < 0 || pipeline < 0 || zipf_s < 0) {
    std::fprintf(stderr,
                 "loadgen evict-sim: bad options (--fill, or --maxmemory and --value-size)\n");
    return 2;
  }

  Rng rng(static_cast<uint64_t>(seed));
  ZipfKeys zipf(universe, zipf_s, rng);
  std::string value(static_cast<size_t>(value_size), 'x');
  char key_buf[32];

  {
    Conn check(host, port);
    int64_t server_maxmemory = InfoField(InfoCall(check, "memory"), "maxmemory");
    if (server_maxmemory != maxmemory) {  // the fill and the report assume the server's limit
      std::fprintf(stderr,
                   "loadgen evict-sim: warning: the server's maxmemory is %lld, not --maxmemory "
                   "%lld\n",
                   static_cast<long long>(server_maxmemory), static_cast<long long>(maxmemory));
    }
  }

  int64_t t0 = MonoNs();
  PipelineStats fill_stats;
  {
    Conn filler(host, port);
    if (!PipelinedSend(
            filler, fill, 100, 0, 10'000,
            [&](std::string* out, int64_t i) {
              AppendCommand(out, {"SET", KeyName(i % universe, key_buf), value});
            },
            nullptr, &fill_stats)) {
      std::fprintf(stderr, "loadgen evict-sim: connection lost during the fill\n");
      return 1;
    }
  }
  int64_t t1 = MonoNs();

  Conn conn(host, port);
  std::string before = InfoCall(conn, "stats");
  int64_t hits = 0, misses = 0, errors = 0;
  if (pipeline == 0) {
    Reply reply;
    for (int64_t i = 0; i < gets; ++i) {
      std::string_view key = KeyName(zipf.Draw(rng), key_buf);
      if (!conn.Call({"GET", key}, &reply)) return 1;
      if (reply.type == Reply::Type::kBulk) {
        ++hits;
      } else if (reply.type == Reply::Type::kNil) {
        ++misses;
        if (!conn.Call({"SET", key, value}, &reply)) return 1;
        errors += reply.type == Reply::Type::kError;
      } else {
        ++errors;
      }
    }
  } else {
    Conn piped(host, port);
    PipelineStats stats;
    if (!PipelinedSend(
            piped, gets, pipeline, 0, pipeline * 4,
            [&](std::string* out, int64_t) {
              AppendCommand(out, {"SET", KeyName(zipf.Draw(rng), key_buf), value, "NX", "GET"});
            },
            [&](const Reply& reply, int64_t) {
              hits += reply.type == Reply::Type::kBulk;
              misses += reply.type == Reply::Type::kNil;
            },
            &stats)) {
      return 1;
    }
    errors += stats.errors;
  }
  int64_t t2 = MonoNs();

  std::string after = InfoCall(conn, "stats");
  std::string memory = InfoCall(conn, "memory");
  int64_t dbsize = IntegerCall(conn, {"DBSIZE"});
  std::printf(
      "{\"mode\":\"evict-sim\",\"universe\":%lld,\"value_size\":%lld,\"maxmemory\":%lld,"
      "\"fill\":%lld,\"gets\":%lld,\"zipf\":%.3f,\"seed\":%lld,\"pipeline\":%lld,"
      "\"hits\":%lld,\"misses\":%lld,\"hit_ratio\":%.6f,\"dbsize\":%lld,\"used_memory\":%lld,"
      "\"evicted_keys\":%lld,\"sim_evicted_keys\":%lld,\"errors\":%lld,\"fill_errors\":%lld,"
      "\"fill_seconds\":%.3f,\"sim_seconds\":%.3f}\n",
      static_cast<long long>(universe), static_cast<long long>(value_size),
      static_cast<long long>(maxmemory), static_cast<long long>(fill),
      static_cast<long long>(gets), zipf_s, static_cast<long long>(seed),
      static_cast<long long>(pipeline), static_cast<long long>(hits),
      static_cast<long long>(misses),
      gets > 0 ? static_cast<double>(hits) / static_cast<double>(gets) : 0.0,
      static_cast<long long>(dbsize), static_cast<long long>(InfoField(memory, "used_memory")),
      static_cast<long long>(InfoField(after, "evicted_keys")),
      static_cast<long long>(InfoField(after, "evicted_keys") - InfoField(before, "evicted_keys")),
      static_cast<long long>(errors), static_cast<long long>(fill_stats.errors),
      static_cast<double>(t1 - t0) / 1e9, static_cast<double>(t2 - t1) / 1e9);
  return errors == 0 && fill_stats.errors == 0 ? 0 : 1;
}

}  // namespace lrukv::loadgen
