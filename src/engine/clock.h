// Clock: the engine's only source of time. The server injects SystemClock; tests inject a
// FakeClock and move it by hand, so no engine test ever sleeps.
//
// Engine time (NowMs, every TTL deadline the engine holds) never steps: it starts at the unix
// time and then runs at the pace of CLOCK_MONOTONIC, so a wall clock stepped by an hour (NTP,
// `date -s`, a VM resumed) neither expires keys early nor keeps them late. Unix times cross
// in and out only at the boundaries (EXPIREAT, SET PXAT, EXPIRETIME, RESTORE ABSTTL, the dump
// file) through ToWallMs / FromWallMs. Their offset, unix minus engine time, is 0 until the
// wall clock is stepped, so without a step EXPIREAT t then EXPIRETIME answers t exactly, as
// Redis. Worked example: at engine time 1'000'000 the wall clock jumps forward 3'600'000 ms;
// a key with PX 10000 set just before still expires at engine 1'010'000 (10 s later), and its
// EXPIRETIME now reads 4'610'000 (unix), the moment the stepped wall clock will show then.
#pragma once

#include <cstdint>

namespace lrukv::engine {

class Clock {
 public:
  virtual ~Clock() = default;
  // Engine time, milliseconds. Monotonic; equal to unix time until the wall clock steps.
  virtual int64_t NowMs() const = 0;
  // Unix time minus engine time, milliseconds: 0 until a step, then the sum of the steps.
  virtual int64_t WallOffsetMs() const = 0;

  // An engine deadline as unix ms (EXPIRETIME, the dump), saturating at the int64 limits.
  int64_t ToWallMs(int64_t engine_ms) const;
  // A unix time as engine ms (EXPIREAT, PXAT, ABSTTL, the dump), saturating; never below 1,
  // since 0 means "no TTL" to the engine and any time <= 1 is equally in the past.
  int64_t FromWallMs(int64_t wall_ms) const;
};

// The conversions with a given offset, for a caller that converts many times under one offset
// (a whole dump). Saturating; WallToEngineMs never returns less than 1 (see FromWallMs).
int64_t EngineToWallMs(int64_t engine_ms, int64_t wall_offset_ms);
int64_t WallToEngineMs(int64_t wall_ms, int64_t wall_offset_ms);

// The two kernel clocks SystemClock combines; tests substitute their own.
class RawClocks {
 public:
  virtual ~RawClocks() = default;
  virtual int64_t MonotonicNs() const = 0;  // CLOCK_MONOTONIC: slewed by NTP, never stepped
  virtual int64_t WallNs() const = 0;       // CLOCK_REALTIME: unix time, may step
};

class SystemClock final : public Clock {
 public:
  // A change of (wall - monotonic) by more than this is a step; less is sampling noise
  // (both clocks are slewed alike, so without a step their difference stays put to the µs).
  // NTP daemons slew offsets under 128 ms rather than step them.
  static constexpr int64_t kStepThresholdMs = 50;

  SystemClock();                               // the kernel's clocks
  explicit SystemClock(const RawClocks& raw);  // `raw` must outlive the clock

  int64_t NowMs() const override;
  // Resamples both clocks; adopts the new offset only when it moved by a step.
  int64_t WallOffsetMs() const override;

 private:
  const RawClocks& raw_;
  int64_t base_ns_;  // unix minus monotonic ns at construction: engine time = monotonic + base
  // Mutable: a read-only resample of two clocks. One reactor thread; a BGSAVE child has a copy.
  mutable int64_t wall_offset_ms_ = 0;
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_ms = 1'700'000'000'000) : now_ms_(now_ms) {}
  int64_t NowMs() const override { return now_ms_; }
  int64_t WallOffsetMs() const override { return wall_offset_ms_; }
  // Time passes: engine and wall clocks move together.
  void Advance(int64_t delta_ms) { now_ms_ += delta_ms; }
  void Set(int64_t now_ms) { now_ms_ = now_ms; }
  // The wall clock is stepped by `delta_ms`; engine time does not move.
  void StepWall(int64_t delta_ms) { wall_offset_ms_ += delta_ms; }

 private:
  int64_t now_ms_;
  int64_t wall_offset_ms_ = 0;
};

}  // namespace lrukv::engine
