// Regressions found by the fuzzers of tests/fuzz (README "Fuzzing"), each named after what it
// was; the reproducing input is in tests/fuzz/corpus/<target>/ under the same name.
#include <doctest/doctest.h>

#include "src/engine/engine.h"

namespace lrukv::engine {
namespace {

// fuzz_commands: MAXKEYS 2, volatile-random, SET a 1 EX 100000 with b (no TTL) present, then
// COPY a <new key> left 3 keys in db 0: room was made while the source was protected (its
// value still to be read), and nothing was evicted once the copy existed.
TEST_CASE("COPY within a db over maxkeys evicts the source when it is the only other victim") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  Limits limits;
  limits.maxkeys = 2;
  limits.policy = EvictionPolicy::kVolatileRandom;
  engine.SetLimits(limits);
  engine.Set(0, "b", "1", now);
  engine.Set(0, "a", "1", now, {.expire_at_ms = now + 100'000'000});
  REQUIRE(engine.Copy(0, "a", 0, "copy", /*replace=*/false, now) == OpStatus::kOk);
  CHECK(engine.DbSize(0) == 2);
  CHECK(engine.Lookup(0, "copy", now).has_value());  // the key written is never the victim
  CHECK(engine.Lookup(0, "b", now).has_value());     // no TTL: volatile-random may not take it
  CHECK_FALSE(engine.Lookup(0, "a", now).has_value());
  CHECK(engine.CheckInvariants() == "");
}

TEST_CASE("COPY of the only key under maxkeys 1 and allkeys-lru keeps just the copy") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  Limits limits;
  limits.maxkeys = 1;
  engine.SetLimits(limits);
  engine.Set(0, "a", "value", now);
  REQUIRE(engine.Copy(0, "a", 0, "b", /*replace=*/false, now) == OpStatus::kOk);
  CHECK(engine.DbSize(0) == 1);
  CHECK(engine.Lookup(0, "b", now)->value == "value");
  CHECK(engine.CheckInvariants() == "");
}

// fuzz_commands (volatile_maxkeys_after_overwrite): MAXKEYS 2, volatile-lru, a b c set with no
// TTL (3 keys: nothing was evictable), then a and b given a TTL, by EXPIRE or by an overwrite
// with EX: two keys were evictable and the db still held 3. The write that makes a key
// evictable now evicts the others to maxkeys, as a new key's write does.
TEST_CASE("a TTL given to keys of a db over maxkeys evicts them down to it (volatile policies)") {
  for (const bool by_overwrite : {false, true}) {
    CAPTURE(by_overwrite);
    FakeClock clock;
    Engine engine(clock);
    const int64_t now = clock.NowMs();
    Limits limits;
    limits.maxkeys = 2;
    limits.policy = EvictionPolicy::kVolatileLru;
    engine.SetLimits(limits);
    for (const char* key : {"a", "b", "c"}) engine.Set(0, key, "1", now);
    REQUIRE(engine.DbSize(0) == 3);  // under volatile-lru nothing could go
    const auto give_ttl = [&](const char* key) {
      if (by_overwrite) {
        engine.Set(0, key, "2", now, {.expire_at_ms = now + 10'000});
      } else {
        engine.SetExpire(0, key, now + 10'000, now);
      }
    };
    give_ttl("a");
    CHECK(engine.DbSize(0) == 3);  // the key written is never its own write's victim
    give_ttl("b");
    CHECK(engine.DbSize(0) == 2);
    CHECK_FALSE(engine.Lookup(0, "a", now).has_value());
    CHECK(engine.Lookup(0, "b", now).has_value());
    CHECK(engine.Lookup(0, "c", now).has_value());
    CHECK(engine.CheckInvariants() == "");
  }
}

}  // namespace
}  // namespace lrukv::engine
