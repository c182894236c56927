// SystemClock over fake kernel clocks whose wall and monotonic parts differ: engine time follows
// the monotonic clock, and the wall offset moves only when the wall clock is stepped.
#include "src/engine/clock.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <ctime>
#include <limits>

namespace lrukv::engine {
namespace {

constexpr int64_t kNsPerMs = 1'000'000;

// Monotonic time counts from boot, unix time from 1970: the two differ by years.
class FakeRawClocks final : public RawClocks {
 public:
  int64_t MonotonicNs() const override { return monotonic_ns; }
  int64_t WallNs() const override { return wall_ns; }
  void Advance(int64_t ms) {  // time passes: both clocks move
    monotonic_ns += ms * kNsPerMs;
    wall_ns += ms * kNsPerMs;
  }
  int64_t monotonic_ns = 12'345 * kNsPerMs + 678;
  int64_t wall_ns = 1'700'000'000'000 * kNsPerMs + 250'000;
};

TEST_CASE("SystemClock: engine time starts at the unix time, with a zero wall offset") {
  FakeRawClocks raw;
  SystemClock clock(raw);
  CHECK(clock.NowMs() == 1'700'000'000'000);
  CHECK(clock.WallOffsetMs() == 0);
  raw.Advance(1500);
  CHECK(clock.NowMs() == 1'700'000'001'500);
  CHECK(clock.WallOffsetMs() == 0);
}

TEST_CASE("SystemClock: a wall step forward by an hour leaves engine time on the monotonic pace") {
  FakeRawClocks raw;
  SystemClock clock(raw);
  const int64_t deadline = clock.NowMs() + 10'000;  // a key with PX 10000
  raw.Advance(2000);
  raw.wall_ns += 3'600'000 * kNsPerMs;  // the step
  CHECK(clock.NowMs() == 1'700'000'002'000);
  CHECK(clock.NowMs() < deadline);  // 8 s still to go, not expired by the jump
  CHECK(clock.WallOffsetMs() == 3'600'000);
  // Its EXPIRETIME is the moment the stepped wall clock will show when it expires.
  CHECK(clock.ToWallMs(deadline) == 1'700'000'010'000 + 3'600'000);
  raw.Advance(8000);
  CHECK(clock.NowMs() == deadline);
}

TEST_CASE("SystemClock: a wall step back is adopted as a negative offset") {
  FakeRawClocks raw;
  SystemClock clock(raw);
  raw.wall_ns -= 3'600'000 * kNsPerMs;
  CHECK(clock.WallOffsetMs() == -3'600'000);
  CHECK(clock.NowMs() == 1'700'000'000'000);
  // EXPIREAT in the stepped-back wall time: 10 s from the wall clock's now, engine-wise too.
  const int64_t wall_now = 1'700'000'000'000 - 3'600'000;
  CHECK(clock.FromWallMs(wall_now + 10'000) == clock.NowMs() + 10'000);
}

TEST_CASE("SystemClock: differences under the step threshold are noise and keep the offset") {
  FakeRawClocks raw;
  SystemClock clock(raw);
  raw.wall_ns += SystemClock::kStepThresholdMs * kNsPerMs;  // at the threshold: still noise
  CHECK(clock.WallOffsetMs() == 0);
  raw.wall_ns += 2 * kNsPerMs;  // now past it
  CHECK(clock.WallOffsetMs() == SystemClock::kStepThresholdMs + 2);
  // Once a step is adopted, small wobbles around it do not move the offset either.
  raw.wall_ns -= 30 * kNsPerMs;
  CHECK(clock.WallOffsetMs() == SystemClock::kStepThresholdMs + 2);
}

TEST_CASE("Clock: EXPIREAT t then EXPIRETIME gives t exactly, with and without a step") {
  FakeRawClocks raw;
  SystemClock clock(raw);
  const int64_t t = 1'800'000'000'123;
  CHECK(clock.FromWallMs(t) == t);  // no step: engine time is unix time
  CHECK(clock.ToWallMs(clock.FromWallMs(t)) == t);
  raw.wall_ns += 7'200'000 * kNsPerMs + 400'000;  // a step of 2 h and 0.4 ms
  CHECK(clock.WallOffsetMs() == 7'200'000);
  CHECK(clock.FromWallMs(t) == t - 7'200'000);
  CHECK(clock.ToWallMs(clock.FromWallMs(t)) == t);
}

TEST_CASE("Clock: conversions saturate at the int64 limits and never give 0 (no TTL)") {
  FakeClock clock;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  clock.StepWall(5000);
  CHECK(clock.ToWallMs(kMax - 10) == kMax);
  CHECK(clock.FromWallMs(5000) == 1);
  CHECK(clock.FromWallMs(-3) == 1);
  CHECK(clock.FromWallMs(kMin) == 1);
  clock.StepWall(-10'000);
  CHECK(clock.FromWallMs(kMax - 10) == kMax);
  CHECK(WallToEngineMs(kMax, kMin + 1) == kMax);
  CHECK(EngineToWallMs(kMin + 5, -10) == kMin);
}

TEST_CASE("SystemClock on the kernel's clocks: unix time now, and no step seen") {
  SystemClock clock;
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  const int64_t unix_ms = static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / kNsPerMs;
  CHECK(clock.NowMs() >= unix_ms - 5);
  CHECK(clock.NowMs() <= unix_ms + 1000);
  CHECK(clock.WallOffsetMs() == 0);
}

}  // namespace
}  // namespace lrukv::engine
