// SystemClock: engine time from CLOCK_MONOTONIC anchored at the unix time of its construction,
// and the wall offset that changes only when CLOCK_REALTIME is stepped (see clock.h).
#include "src/engine/clock.h"

#include <time.h>

#include <cstdlib>
#include <limits>

namespace lrukv::engine {
namespace {

constexpr int64_t kNsPerMs = 1'000'000;
// A sample whose two monotonic reads are further apart than this was preempted in between:
// its wall read may be off by as much, so it is taken again (at most kSampleTries times).
constexpr int64_t kSampleWindowNs = 200'000;
constexpr int kSampleTries = 4;

int64_t Read(clockid_t id) {
  timespec ts;
  clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

class KernelClocks final : public RawClocks {
 public:
  int64_t MonotonicNs() const override { return Read(CLOCK_MONOTONIC); }
  int64_t WallNs() const override { return Read(CLOCK_REALTIME); }
};

const KernelClocks kKernelClocks;

// Wall minus monotonic ns, from a wall read bracketed by two monotonic ones.
int64_t SampleSkewNs(const RawClocks& raw) {
  int64_t skew_ns = 0;
  for (int i = 0; i < kSampleTries; ++i) {
    const int64_t before = raw.MonotonicNs();
    const int64_t wall = raw.WallNs();
    const int64_t after = raw.MonotonicNs();
    skew_ns = wall - (before + (after - before) / 2);
    if (after - before <= kSampleWindowNs) break;
  }
  return skew_ns;
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

int64_t SaturatingSub(int64_t a, int64_t b) {
  int64_t diff;
  if (!__builtin_sub_overflow(a, b, &diff)) return diff;
  return b < 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

}  // namespace

int64_t EngineToWallMs(int64_t engine_ms, int64_t wall_offset_ms) {
  return SaturatingAdd(engine_ms, wall_offset_ms);
}

int64_t WallToEngineMs(int64_t wall_ms, int64_t wall_offset_ms) {
  const int64_t engine_ms = SaturatingSub(wall_ms, wall_offset_ms);
  return engine_ms < 1 ? 1 : engine_ms;
}

int64_t Clock::ToWallMs(int64_t engine_ms) const {
  return EngineToWallMs(engine_ms, WallOffsetMs());
}

int64_t Clock::FromWallMs(int64_t wall_ms) const { return WallToEngineMs(wall_ms, WallOffsetMs()); }

SystemClock::SystemClock() : SystemClock(kKernelClocks) {}

SystemClock::SystemClock(const RawClocks& raw) : raw_(raw), base_ns_(SampleSkewNs(raw)) {}

int64_t SystemClock::NowMs() const { return (raw_.MonotonicNs() + base_ns_) / kNsPerMs; }

int64_t SystemClock::WallOffsetMs() const {
  const int64_t moved_ns = SampleSkewNs(raw_) - base_ns_;
  // Rounded, so a step of exactly N ms reads as N whatever the sub-ms phase of the sample.
  const int64_t offset_ms =
      (moved_ns >= 0 ? moved_ns + kNsPerMs / 2 : moved_ns - kNsPerMs / 2) / kNsPerMs;
  if (std::llabs(offset_ms - wall_offset_ms_) > kStepThresholdMs) wall_offset_ms_ = offset_ms;
  return wall_offset_ms_;
}

}  // namespace lrukv::engine
