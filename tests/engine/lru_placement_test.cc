// Engine::MakeLeastRecent (RESTORE ... IDLETIME): the key moves to the LRU tail, its access
// time is back-dated, and it becomes the next allkeys-lru victim. Time moves only by FakeClock.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "src/engine/engine.h"

namespace lrukv::engine {
namespace {

std::vector<std::string> LruOrder(Engine& engine, int64_t now_ms) {
  std::vector<std::string> keys;
  engine.ForEachLruOrder(now_ms, [&](int db, const EntryView& e) {
    keys.push_back(std::to_string(db) + ":" + std::string(e.key));
  });
  return keys;
}

TEST_CASE("MakeLeastRecent: the newest key becomes the least recent, the others keep order") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  engine.Set(0, "a", "1", now);
  engine.Set(1, "b", "2", now);
  engine.Set(0, "c", "3", now);
  CHECK(LruOrder(engine, now) == std::vector<std::string>{"0:a", "1:b", "0:c"});
  CHECK(engine.MakeLeastRecent(0, "c", 10, now) == OpStatus::kOk);
  CHECK(LruOrder(engine, now) == std::vector<std::string>{"0:c", "0:a", "1:b"});
  // Already the tail: nothing moves.
  CHECK(engine.MakeLeastRecent(0, "c", 10, now) == OpStatus::kOk);
  CHECK(LruOrder(engine, now) == std::vector<std::string>{"0:c", "0:a", "1:b"});
  // A middle key.
  CHECK(engine.MakeLeastRecent(0, "a", 1, now) == OpStatus::kOk);
  CHECK(LruOrder(engine, now) == std::vector<std::string>{"0:a", "0:c", "1:b"});
  // The head (the only other key in the list's newer half).
  CHECK(engine.MakeLeastRecent(1, "b", 1, now) == OpStatus::kOk);
  CHECK(LruOrder(engine, now) == std::vector<std::string>{"1:b", "0:a", "0:c"});
}

TEST_CASE("MakeLeastRecent: a single key and a touch afterwards behave normally") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  engine.Set(0, "only", "v", now);
  CHECK(engine.MakeLeastRecent(0, "only", 5, now) == OpStatus::kOk);
  CHECK(LruOrder(engine, now) == std::vector<std::string>{"0:only"});
  engine.Set(0, "x", "v", now);
  CHECK(engine.MakeLeastRecent(0, "x", 5, now) == OpStatus::kOk);
  CHECK(LruOrder(engine, now) == std::vector<std::string>{"0:x", "0:only"});
  REQUIRE(engine.Lookup(0, "x", now));  // a touch moves it back to the head
  CHECK(LruOrder(engine, now) == std::vector<std::string>{"0:only", "0:x"});
  engine.Del(0, "only", now);
  engine.Del(0, "x", now);
  CHECK(LruOrder(engine, now).empty());
  engine.Set(0, "y", "v", now);  // the list is still sound after unlinking a moved tail
  CHECK(LruOrder(engine, now) == std::vector<std::string>{"0:y"});
}

TEST_CASE("MakeLeastRecent: last access is back-dated by idle seconds, clamped at the epoch") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  engine.Set(0, "k", "v", now);
  CHECK(engine.MakeLeastRecent(0, "k", 100, now) == OpStatus::kOk);
  auto view = engine.Lookup(0, "k", now, kLookupNoTouch);
  REQUIRE(view);
  CHECK(view->last_access_ms == (now / 1000 - 100) * 1000);
  CHECK(engine.MakeLeastRecent(0, "k", INT64_MAX, now) == OpStatus::kOk);
  view = engine.Lookup(0, "k", now, kLookupNoTouch);
  REQUIRE(view);
  CHECK(view->last_access_ms == 0);
}

TEST_CASE("MakeLeastRecent: missing, expired or other-db keys and bad arguments are kNotFound") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  engine.Set(0, "k", "v", now, SetOptions{.expire_at_ms = now + 10});
  CHECK(engine.MakeLeastRecent(1, "k", 1, now) == OpStatus::kNotFound);
  CHECK(engine.MakeLeastRecent(0, "nope", 1, now) == OpStatus::kNotFound);
  CHECK(engine.MakeLeastRecent(99, "k", 1, now) == OpStatus::kNotFound);
  CHECK(engine.MakeLeastRecent(0, "k", -1, now) == OpStatus::kNotFound);
  clock.Advance(11);
  CHECK(engine.MakeLeastRecent(0, "k", 1, clock.NowMs()) == OpStatus::kNotFound);
}

TEST_CASE("MakeLeastRecent: the restored-idle key is the next allkeys-lru victim") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  for (int i = 0; i < 10; ++i) engine.Set(0, "k" + std::to_string(i), "value", now);
  CHECK(engine.MakeLeastRecent(0, "k9", 60, now) == OpStatus::kOk);
  Limits limits;
  limits.maxkeys = 9;
  engine.SetLimits(limits);
  CHECK(engine.DbSize(0) == 9);
  CHECK_FALSE(engine.Lookup(0, "k9", now, kLookupNoTouch | kLookupNoStats));
  CHECK(engine.Lookup(0, "k0", now, kLookupNoTouch | kLookupNoStats));
}

}  // namespace
}  // namespace lrukv::engine
