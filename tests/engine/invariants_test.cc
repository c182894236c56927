// Engine::CheckInvariants (src/engine/invariants.cc) over many randomized operations: every
// write, delete, TTL change, rename, copy, move, swap, flush, eviction under each policy and
// background expiry, with small and large (malloc'd) values, must leave the hash tables, the
// LRU list, the expiry index and the memory account in agreement.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "src/engine/engine.h"

namespace lrukv::engine {
namespace {

std::string Key(std::mt19937_64& rng) { return "k" + std::to_string(rng() % 300); }

std::string Value(std::mt19937_64& rng) {
  // Mostly arena-sized values, sometimes large entries (over 512 bytes: malloc'd alone).
  const size_t len = rng() % 10 == 0 ? 400 + rng() % 2000 : rng() % 60;
  return std::string(len, static_cast<char>('a' + rng() % 26));
}

// One random operation at `now_ms`; the mix covers every mutating entrance of the engine.
void RandomOp(Engine& engine, FakeClock& clock, std::mt19937_64& rng) {
  const int64_t now = clock.NowMs();
  const int db = static_cast<int>(rng() % 3);
  switch (rng() % 16) {
    case 0:
    case 1:
    case 2: {
      SetOptions options;
      if (rng() % 3 == 0) options.expire_at_ms = now + 1 + static_cast<int64_t>(rng() % 2000);
      options.keep_ttl = rng() % 4 == 0;
      engine.Set(db, Key(rng), Value(rng), now, options);
      break;
    }
    case 3:
      engine.Lookup(db, Key(rng), now);
      break;
    case 4:
      engine.Del(db, Key(rng), now);
      break;
    case 5:
      engine.SetExpire(db, Key(rng),
                       rng() % 4 == 0 ? kNoExpiry : now - 500 + static_cast<int64_t>(rng() % 3000),
                       now);
      break;
    case 6:
      engine.Rename(db, Key(rng), Key(rng), rng() % 2 == 0, now);
      break;
    case 7:
      engine.Copy(db, Key(rng), static_cast<int>(rng() % 3), Key(rng), rng() % 2 == 0, now);
      break;
    case 8:
      engine.Move(db, Key(rng), static_cast<int>(rng() % 3), now);
      break;
    case 9:
      engine.ResizeValue(db, Key(rng), rng() % 900, now);
      break;
    case 10:
      clock.Advance(static_cast<int64_t>(rng() % 400));
      break;
    case 11:
      engine.ActiveExpireCycle(now, 1000);
      break;
    case 12: {
      Limits limits = engine.limits();
      limits.maxmemory_bytes = rng() % 3 == 0 ? 0 : 200'000 + rng() % 200'000;
      limits.maxkeys = rng() % 3 == 0 ? 0 : 20 + rng() % 200;
      limits.policy = static_cast<EvictionPolicy>(rng() % 6);
      engine.SetLimits(limits);
      break;
    }
    case 13:
      if (rng() % 20 == 0) engine.SwapDb(db, static_cast<int>(rng() % 3));
      if (rng() % 40 == 0) engine.FlushDb(db);
      break;
    case 14:
      engine.MakeLeastRecent(db, Key(rng), static_cast<int64_t>(rng() % 100), now);
      break;
    case 15:
      engine.EvictToLimit(now);
      break;
  }
}

TEST_CASE("invariants: hash tables, LRU list, expiry index and memory account agree after "
          "every one of 20000 random operations") {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    CAPTURE(seed);
    FakeClock clock;
    Engine engine(clock, 3);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 5000; ++i) {
      RandomOp(engine, clock, rng);
      const std::string error = engine.CheckInvariants();
      CAPTURE(i);
      REQUIRE(error == "");
    }
  }
}

TEST_CASE("invariants: a table that grows through rehashing and shrinks back stays consistent") {
  FakeClock clock;
  Engine engine(clock, 1);
  const int64_t now = clock.NowMs();
  for (int i = 0; i < 3000; ++i) {
    engine.Set(0, "key:" + std::to_string(i), "v", now,
               {.expire_at_ms = i % 2 ? now + 10 + i : kNoExpiry});
    if (i % 97 == 0) REQUIRE(engine.CheckInvariants() == "");
  }
  REQUIRE(engine.CheckInvariants() == "");
  CHECK(engine.DbSize(0) == 3000);
  clock.Advance(5000);
  while (engine.ActiveExpireCycle(clock.NowMs(), 100'000) > 0) {
    REQUIRE(engine.CheckInvariants() == "");
  }
  for (int i = 0; i < 3000; i += 2) engine.Del(0, "key:" + std::to_string(i), clock.NowMs());
  CHECK(engine.DbSize(0) == 0);
  CHECK(engine.CheckInvariants() == "");
}

}  // namespace
}  // namespace lrukv::engine
