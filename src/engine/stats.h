// Engine counters, named exactly as Redis's INFO names them.
#pragma once

#include <cstdint>

namespace lrukv::engine {

struct Stats {
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t expired_keys = 0;          // lazy and active expiry together
  uint64_t evicted_keys = 0;
  double expired_stale_perc = 0;      // estimate of the share of keys that are expired, percent
  uint64_t expired_time_cap_reached_count = 0;  // active cycles that ran out of budget
  uint64_t expire_cycle_cpu_milliseconds = 0;
};

}  // namespace lrukv::engine
