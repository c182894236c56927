// Memory accounting: used_memory() follows every allocation and returns to its baseline; the
// per-key cost for the DESIGN.md reference shape (1M keys "key:NNNNNNN", 16-byte values).
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "src/engine/engine.h"

namespace lrukv::engine {
namespace {

TEST_CASE("memory: 1M keys of 11 bytes with 16-byte values cost under 64 B each (Redis: 111)") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  const uint64_t empty = engine.used_memory();
  constexpr int kKeys = 1'000'000;
  char key[16];
  for (int i = 0; i < kKeys; ++i) {
    std::snprintf(key, sizeof(key), "key:%07d", i);
    engine.Set(0, key, "0123456789abcdef", now);
  }
  const double per_key = static_cast<double>(engine.used_memory() - empty) / kKeys;
  MESSAGE("used_memory per key, 1M keys (11 B key, 16 B value): " << per_key << " bytes");
  CHECK(per_key < 64);  // DESIGN.md aims at about 63 B of RSS per key
  // A TTL on every key: the 8-byte trailer (48 -> 56-byte class) and the page index.
  for (int i = 0; i < kKeys; ++i) {
    std::snprintf(key, sizeof(key), "key:%07d", i);
    engine.SetExpire(0, key, now + 3'600'000, now);
  }
  const double per_key_ttl = static_cast<double>(engine.used_memory() - empty) / kKeys;
  MESSAGE("used_memory per key with a TTL: " << per_key_ttl << " bytes");
  CHECK(per_key_ttl <= per_key + 8.2);
  std::snprintf(key, sizeof(key), "key:%07d", 17);
  CHECK(engine.MemoryUsage(0, key, now) >= 16 + 11);
  CHECK(engine.MemoryUsage(0, key, now) <= 128);
  engine.FlushAll();
  CHECK(engine.used_memory() == empty);
}

TEST_CASE("memory: deleting every key returns used_memory to its empty baseline") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  const uint64_t empty = engine.used_memory();
  for (int i = 0; i < 5000; ++i) {
    engine.Set(0, "k" + std::to_string(i), std::string(static_cast<size_t>(i % 700), 'v'), now);
  }
  engine.ResizeValue(0, "k1", 100'000, now);
  const uint64_t full = engine.used_memory();
  CHECK(full > empty + 5000 * 30 + 100'000);
  for (int i = 0; i < 5000; ++i) engine.Del(0, "k" + std::to_string(i), now);
  for (int i = 0; i < 100; ++i) engine.ActiveExpireCycle(now, 1000);  // finish the shrink
  // What remains: the smallest bucket array and the slot-table page (ids are reused).
  CHECK(engine.used_memory() < empty + 140'000);
  CHECK(engine.used_memory() < full / 4);
}

}  // namespace
}  // namespace lrukv::engine
