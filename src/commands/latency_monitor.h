// LatencyMonitor: Redis's latency monitor (LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR). Code
// that may block the server reports how long it took under an event name ("command",
// "fast-command", "fork", "expire-cycle", "eviction-cycle"); a sample is kept only when
// latency-monitor-threshold is on and the duration reaches it. Per event: the all-time max and
// the last 160 samples, one per second (the worst of that second). The commands and the
// DOCTOR text live in latency_commands.cc.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "src/engine/clock.h"

namespace lrukv::cmd {

class Config;

struct LatencySample {
  int64_t time_s = 0;      // unix time of the second; 0 = empty slot
  int64_t latency_ms = 0;  // the worst duration seen in that second
};

// One event's history: a ring of seconds, oldest overwritten first.
struct LatencySeries {
  static constexpr size_t kSamples = 160;  // Redis's LATENCY_TS_LEN
  std::array<LatencySample, kSamples> samples{};
  size_t next = 0;     // slot the next new second goes into
  int64_t max_ms = 0;  // all-time worst, kept across the ring

  // The newest sample (empty if none).
  const LatencySample& Latest() const { return samples[(next + kSamples - 1) % kSamples]; }
  // Non-empty samples, oldest first.
  std::vector<LatencySample> Chronological() const;
};

class LatencyMonitor {
 public:
  // Samples are stamped with `clock`'s unix time (ToWallMs), as Redis stamps them with the
  // wall clock; without a clock, the engine time given is taken as unix time.
  explicit LatencyMonitor(const Config& config, const engine::Clock* clock = nullptr)
      : config_(config), clock_(clock) {}

  // The hook for code that may block: keeps `latency_ms` under `event` when
  // latency-monitor-threshold > 0 and latency_ms >= it. `now_ms` is engine time (ms) at the
  // end of the measured work. Allocates only the first time an event is seen.
  void Record(std::string_view event, int64_t latency_ms, int64_t now_ms) {
    const int64_t threshold_ms = ThresholdMs();
    if (threshold_ms > 0 && latency_ms >= threshold_ms)
      AddSample(event, latency_ms, UnixSeconds(now_ms));
  }
  // Engine time `now_ms` as the unix seconds samples are stamped in (DOCTOR and GRAPH measure
  // ages against it).
  int64_t UnixSeconds(int64_t now_ms) const {
    return (clock_ != nullptr ? clock_->ToWallMs(now_ms) : now_ms) / 1000;
  }
  // Unconditionally adds a sample at `now_s` (a second already sampled keeps its worst).
  void AddSample(std::string_view event, int64_t latency_ms, int64_t now_s);
  // LATENCY RESET: forgets `event` (case-insensitive); returns how many series were dropped.
  int Reset(std::string_view event);
  // LATENCY RESET with no event: forgets everything; returns how many series there were.
  int ResetAll();

  // nullptr when `event` (exact name) has no samples.
  const LatencySeries* Find(std::string_view event) const;
  const std::map<std::string, LatencySeries, std::less<>>& events() const { return events_; }
  int64_t ThresholdMs() const;

  // GB of used memory forked per second at the last BGSAVE fork (Redis's stat_fork_rate);
  // DOCTOR grades the "fork" event by it.
  double fork_rate_gb_per_s = 0;

 private:
  const Config& config_;
  const engine::Clock* clock_;
  std::map<std::string, LatencySeries, std::less<>> events_;
};

}  // namespace lrukv::cmd
