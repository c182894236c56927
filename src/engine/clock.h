// Clock: the engine's only source of time. The server injects the system clock; tests inject a
// FakeClock and move it by hand, so no engine test ever sleeps.
#pragma once

#include <cstdint>

namespace lrukv::engine {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;  // unix time, milliseconds
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_ms = 1'700'000'000'000) : now_ms_(now_ms) {}
  int64_t NowMs() const override { return now_ms_; }
  void Advance(int64_t delta_ms) { now_ms_ += delta_ms; }
  void Set(int64_t now_ms) { now_ms_ = now_ms; }

 private:
  int64_t now_ms_;
};

}  // namespace lrukv::engine
