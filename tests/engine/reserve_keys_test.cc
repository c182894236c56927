// Engine::ReserveKeys: a bulk load's sizing hint takes the bucket array at once, only for an
// empty table, and only under maxmemory.
#include <doctest/doctest.h>

#include <string>

#include "src/engine/clock.h"
#include "src/engine/engine.h"

namespace lrukv::engine {

TEST_CASE("ReserveKeys sizes an empty table once; the keys then fit without growing it") {
  FakeClock clock;
  Engine e(clock);
  const uint64_t before = e.used_memory();
  e.ReserveKeys(0, 100'000);
  const uint64_t reserved = e.used_memory() - before;
  // The next power of two of 4-byte bucket heads (and a few bytes of bookkeeping).
  CHECK(reserved >= 131'072 * 4);
  CHECK(reserved < 131'072 * 4 + 4096);
  for (int i = 0; i < 100'000; ++i) e.Set(0, "k" + std::to_string(i), "v", clock.NowMs());
  // Grown step by step, the same keys hold at least as much: the same final array, plus any
  // array a doubling still holds or has retired.
  Engine plain(clock);
  for (int i = 0; i < 100'000; ++i) plain.Set(0, "k" + std::to_string(i), "v", clock.NowMs());
  CHECK(e.used_memory() <= plain.used_memory());
  CHECK(e.DbSize(0) == 100'000);
}

TEST_CASE("ReserveKeys is ignored for a table that exists, a bad db, or past maxmemory") {
  FakeClock clock;
  Engine e(clock);
  e.Set(0, "k", "v", clock.NowMs());
  uint64_t before = e.used_memory();
  e.ReserveKeys(0, 1'000'000);
  CHECK(e.used_memory() == before);
  e.ReserveKeys(99, 1'000'000);
  e.ReserveKeys(-1, 1'000'000);
  CHECK(e.used_memory() == before);

  Limits limits;
  limits.maxmemory_bytes = 1'000'000;
  e.SetLimits(limits);
  before = e.used_memory();
  e.ReserveKeys(1, 1'000'000);  // 4 MB of buckets would not fit
  CHECK(e.used_memory() == before);
  e.ReserveKeys(1, 10'000);     // 64 KB would
  CHECK(e.used_memory() > before);
}

}  // namespace lrukv::engine
