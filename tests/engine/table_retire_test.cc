// A bucket array left behind by a finished rehash retires instead of being unmapped at once
// (hash_table.h): it stays counted in used_memory until background cycles give it back, and
// the keyspace is whole throughout.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "src/engine/engine.h"

namespace lrukv::engine {
namespace {

TEST_CASE("a retired bucket array is counted until background cycles unmap it") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  // 600k keys: the table doubles past 1 MB of buckets (mapped arrays), and each finished
  // rehash retires the array before it.
  constexpr int kKeys = 600'000;
  for (int i = 0; i < kKeys; ++i) {
    REQUIRE(engine.Set(0, "key:" + std::to_string(i), "v", now) == OpStatus::kOk);
  }
  bool more = false;
  const uint64_t before = engine.used_memory();
  // Each cycle gives the rehash and the unmapping about 1 ms of wall time, so how many cycles
  // the work takes depends on the machine (200 were too few for an ASan build under load):
  // cycle until used_memory has not moved for 1000 cycles in a row, or a minute has passed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  int unchanged = 0;
  while (unchanged < 1000 && std::chrono::steady_clock::now() < deadline) {
    const uint64_t used = engine.used_memory();
    engine.ActiveExpireCycle(now, 1'000'000, &more);
    unchanged = engine.used_memory() == used ? unchanged + 1 : 0;
  }
  const uint64_t after = engine.used_memory();
  // The 1 MB array of 262,144 buckets, retired by the rehash the inserts finished, is gone
  // (and the 2 MB one, once the cycles finish the rehash in progress).
  CHECK(before - after >= (1u << 20));
  for (int i = 0; i < 200; ++i) engine.ActiveExpireCycle(now, 1'000'000, &more);
  CHECK(engine.used_memory() == after);  // nothing more to give back
  CHECK(engine.DbSize(0) == kKeys);
  for (int i = 0; i < kKeys; i += 997) {
    auto v = engine.Lookup(0, "key:" + std::to_string(i), now);
    REQUIRE(v.has_value());
    CHECK(v->value == "v");
  }
}

}  // namespace
}  // namespace lrukv::engine
