// Engine::Prefetch is a hint: whatever keys it is given (present, absent, expired, in an
// empty or invalid db, more than it looks at), the keyspace, the recency order and the
// counters afterwards are exactly what they were.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "src/engine/engine.h"

namespace lrukv::engine {
namespace {

// Everything observable that a lookup would change: LRU order with values, and the counters.
std::vector<std::string> Snapshot(Engine& engine, int64_t now_ms) {
  std::vector<std::string> out;
  engine.ForEachLruOrder(now_ms, [&](int db, const EntryView& v) {
    out.push_back(std::to_string(db) + ":" + std::string(v.key) + "=" + std::string(v.value) +
                  "@" + std::to_string(v.expire_at_ms));
  });
  out.push_back("hits=" + std::to_string(engine.stats().keyspace_hits));
  out.push_back("misses=" + std::to_string(engine.stats().keyspace_misses));
  out.push_back("expired=" + std::to_string(engine.stats().expired_keys));
  return out;
}

TEST_CASE("Prefetch changes nothing a lookup would change") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  for (int i = 0; i < 2000; ++i) {
    SetOptions options;
    if (i % 3 == 0) options.expire_at_ms = now + (i % 2 ? -1 : 1000);  // some already expired
    REQUIRE(engine.Set(i % 2, "key:" + std::to_string(i), "v" + std::to_string(i), now,
                       options) == OpStatus::kOk);
  }
  const std::vector<std::string> before = Snapshot(engine, now);

  std::vector<std::string> names;
  for (int i = 0; i < 3000; i += 7) names.push_back("key:" + std::to_string(i));
  names.push_back("");
  std::vector<std::string_view> keys(names.begin(), names.end());
  for (int db : {-1, 0, 1, 5, 16, 99}) engine.Prefetch(db, keys);
  engine.Prefetch(0, {});

  CHECK(Snapshot(engine, now) == before);
}

TEST_CASE("Prefetch on an engine with no keys at all is harmless") {
  FakeClock clock;
  Engine engine(clock);
  std::vector<std::string_view> keys = {"a", "b"};
  engine.Prefetch(0, keys);
  CHECK(Snapshot(engine, clock.NowMs()) == std::vector<std::string>{"hits=0", "misses=0", "expired=0"});
}

}  // namespace
}  // namespace lrukv::engine
