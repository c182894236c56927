// Active expiry (the per-page expiry index, budgets, stats) and SCAN's guarantee while the table
// grows and shrinks. Time moves only through FakeClock.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "src/engine/engine.h"

namespace lrukv::engine {
namespace {

// Runs cycles with a huge budget until the engine reports no more work; returns the total.
size_t DrainExpiry(Engine& engine, int64_t now) {
  size_t total = 0;
  bool more = true;
  for (int i = 0; i < 1000 && more; ++i) total += engine.ActiveExpireCycle(now, 10'000'000, &more);
  return total;
}

TEST_CASE("active expiry: reclaims every due key exactly, deadlines from 1 ms to 60 years away") {
  FakeClock clock;
  Engine engine(clock);
  std::mt19937_64 rng(21);
  const int64_t start = clock.NowMs();
  std::multiset<int64_t> deadlines;
  // Deadlines from 1 ms to ~60 years away; many share a millisecond.
  const int64_t spans[] = {300, 70'000, 20'000'000, 5'000'000'000, 2'000'000'000'000};
  for (int i = 0; i < 6000; ++i) {
    const int64_t d = start + 1 + static_cast<int64_t>(rng() % spans[i % 5]);
    deadlines.insert(d);
    engine.Set(0, "k" + std::to_string(i), "v", start, {.expire_at_ms = d});
  }
  int64_t now = start;
  size_t reclaimed = 0;
  for (int step = 0; step < 400; ++step) {
    // Steps from 1 ms to years, so both fine and coarse slots are passed.
    const int64_t jump = static_cast<int64_t>(rng() % (step < 200 ? 50 : 20'000'000'000));
    now += jump;
    reclaimed += DrainExpiry(engine, now);
    // A key is live through its deadline's millisecond, as Redis's keyIsExpired.
    const auto live =
        static_cast<size_t>(std::distance(deadlines.lower_bound(now), deadlines.end()));
    REQUIRE(engine.DbSize(0) == live);
  }
  CHECK(reclaimed == 6000 - engine.DbSize(0));
  CHECK(engine.stats().expired_keys == reclaimed);
  now = start + spans[4] + 1;
  DrainExpiry(engine, now);
  CHECK(engine.DbSize(0) == 0);
  CHECK(engine.ExpiresCount(0) == 0);
}

TEST_CASE("active expiry: 200k keys expiring in the same second go within a few 25 ms cycles") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t start = clock.NowMs();
  const int64_t second = start + 60'000;
  constexpr int kKeys = 200'000;
  for (int i = 0; i < kKeys; ++i) {
    engine.Set(0, "key:" + std::to_string(i), "0123456789abcdef", start,
               {.expire_at_ms = second + i % 1000});
  }
  engine.Set(0, "survivor", "v", start, {.expire_at_ms = second + 5000});
  // Nothing is due one millisecond before, nor at the first deadline itself; 1 key just after.
  CHECK(engine.ActiveExpireCycle(second - 1, 25'000) == 0);
  CHECK(engine.ActiveExpireCycle(second, 25'000) == 0);
  CHECK(engine.DbSize(0) == kKeys + 1);
  size_t reclaimed = engine.ActiveExpireCycle(second + 1, 10'000'000);  // unbounded: exact
  CHECK(reclaimed == kKeys / 1000);
  int64_t now = second + 1000;
  int cycles = 0;
  bool more = true;
  // hz = 10: 100 ms between cycles; an adaptive caller would call sooner when `more`.
  while (engine.DbSize(0) > 1 && cycles < 200) {
    reclaimed += engine.ActiveExpireCycle(now, 25'000, &more);
    ++cycles;
    now += 100;
  }
  MESSAGE("200k keys reclaimed in " << cycles << " cycles of 25 ms");
  CHECK(cycles <= 100);  // within 10 s at hz 10, even in a debug build
  CHECK(reclaimed == kKeys);
  CHECK(engine.stats().expired_keys == kKeys);
  CHECK(engine.Lookup(0, "survivor", now));
  CHECK(engine.stats().expired_stale_perc > 0);
  CHECK(engine.stats().expired_time_cap_reached_count + 1 >= static_cast<uint64_t>(cycles) / 2);
}

TEST_CASE("active expiry: a tiny budget stops early, sets more_work and counts the time cap") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  for (int i = 0; i < 50'000; ++i) {
    engine.Set(0, "k" + std::to_string(i), "v", now, {.expire_at_ms = now + 10});
  }
  bool more = false;
  const size_t first = engine.ActiveExpireCycle(now + 11, 0, &more);
  CHECK(first < 50'000);
  CHECK(more);
  CHECK(engine.stats().expired_time_cap_reached_count == 1);
  CHECK(first + DrainExpiry(engine, now + 11) == 50'000);
  CHECK(engine.DbSize(0) == 0);
  engine.ActiveExpireCycle(now + 20, 1000, &more);
  CHECK_FALSE(more);
}

TEST_CASE("keys set with a deadline already past are never returned and are reclaimed") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  for (int i = 0; i < 100; ++i) {
    engine.Set(0, "old" + std::to_string(i), "v", now, {.expire_at_ms = now - 1000 + i});
  }
  CHECK_FALSE(engine.Lookup(0, "old5", now));
  CHECK(engine.stats().expired_keys == 1);
  CHECK(DrainExpiry(engine, now) == 99);
  CHECK(engine.DbSize(0) == 0);
  CHECK(engine.stats().expired_keys == 100);
}

TEST_CASE("TTL changes and deletes leave no stale index entry behind") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  for (int i = 0; i < 1000; ++i) {
    const std::string k = "k" + std::to_string(i);
    engine.Set(0, k, "v", now, {.expire_at_ms = now + 100});
    engine.SetExpire(0, k, now + 100'000 + i, now);  // refreshed, like a session
  }
  for (int i = 0; i < 500; ++i) engine.Del(0, "k" + std::to_string(i), now);
  CHECK(DrainExpiry(engine, now + 100) == 0);
  CHECK(engine.DbSize(0) == 500);
  CHECK(DrainExpiry(engine, now + 100'000 + 999) == 499);  // k999's deadline is still live
  CHECK(DrainExpiry(engine, now + 100'000 + 1000) == 1);
  CHECK(engine.stats().expired_keys == 500);
}

TEST_CASE("SCAN returns every key present throughout while keys are added (growth, rehash)") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  std::set<std::string> original;
  for (int i = 0; i < 1000; ++i) {
    original.insert("orig:" + std::to_string(i));
    engine.Set(0, "orig:" + std::to_string(i), "v", now);
  }
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int calls = 0;
  int added = 0;
  do {
    cursor = engine.Scan(0, cursor, 10, now, [&](const EntryView& v) { seen.emplace(v.key); });
    // Grow the table by 8x during the iteration, so it doubles and rehashes several times.
    for (int j = 0; j < 60 && added < 8000; ++j)
      engine.Set(0, "new:" + std::to_string(added++), "v", now);
    ++calls;
  } while (cursor != 0 && calls < 100000);
  CHECK(added == 8000);
  for (const auto& k : original) CHECK_MESSAGE(seen.count(k), k);
}

TEST_CASE("SCAN returns every key present throughout while most keys are deleted (shrink)") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  for (int i = 0; i < 20000; ++i) engine.Set(0, "tmp:" + std::to_string(i), "v", now);
  for (int i = 0; i < 300; ++i) engine.Set(0, "keep:" + std::to_string(i), "v", now);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int deleted = 0;
  do {
    cursor = engine.Scan(0, cursor, 20, now, [&](const EntryView& v) { seen.emplace(v.key); });
    for (int j = 0; j < 400 && deleted < 20000; ++j)
      engine.Del(0, "tmp:" + std::to_string(deleted++), now);
  } while (cursor != 0);
  for (int i = 0; i < 300; ++i) CHECK(seen.count("keep:" + std::to_string(i)));
}

TEST_CASE("SCAN skips expired keys and a full pass on a still table returns each key once") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  for (int i = 0; i < 500; ++i) engine.Set(0, "k" + std::to_string(i), "v", now);
  for (int i = 0; i < 100; ++i) {
    engine.Set(0, "e" + std::to_string(i), "v", now, {.expire_at_ms = now + 5});
  }
  // Let any rehash finish first.
  for (int i = 0; i < 100; ++i) engine.ActiveExpireCycle(now, 1000);
  std::map<std::string, int> seen;
  uint64_t cursor = 0;
  do {
    cursor =
        engine.Scan(0, cursor, 7, now + 6, [&](const EntryView& v) { ++seen[std::string(v.key)]; });
  } while (cursor != 0);
  CHECK(seen.size() == 500);
  for (const auto& [k, n] : seen) CHECK(n == 1);
  CHECK(engine.DbSize(0) == 500);
  CHECK(engine.Scan(5, 0, 10, now, [](const EntryView&) {}) == 0);
  size_t keys = 0;
  engine.ForEach(0, now + 6, [&](const EntryView&) { ++keys; });
  CHECK(keys == 500);
}

}  // namespace
}  // namespace lrukv::engine
