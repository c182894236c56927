// Engine notices behind keyspace notifications: OnCreated wherever Redis's dbAdd adds a key
// (and nowhere else), and the LookupObserver's hits and misses, gated by a word the owner
// keeps. Time moves only through FakeClock.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "src/engine/engine.h"

namespace lrukv::engine {
namespace {

// Records every notice as one line, in order: "new 0 k", "exp 0 k", "evi 0 k", "mod 0 k".
struct Notices : KeyspaceObserver, LookupObserver {
  std::vector<std::string> events;
  void Add(const char* what, int db, std::string_view key) {
    events.push_back(std::string(what) + " " + std::to_string(db) + " " + std::string(key));
  }
  void OnModified(int db, std::string_view key) override { Add("mod", db, key); }
  void OnExpired(int db, std::string_view key) override { Add("exp", db, key); }
  void OnEvicted(int db, std::string_view key) override { Add("evi", db, key); }
  void OnCreated(int db, std::string_view key) override { Add("new", db, key); }
  void OnLookupHit(int db, std::string_view key) override { Add("hit", db, key); }
  void OnLookupMiss(int db, std::string_view key) override { Add("miss", db, key); }
  // The notices of one kind only ("new", "hit"...).
  std::vector<std::string> Only(std::string_view kind) const {
    std::vector<std::string> out;
    for (const auto& e : events) {
      if (e.starts_with(std::string(kind) + " ")) out.push_back(e);
    }
    return out;
  }
};

using Lines = std::vector<std::string>;

TEST_CASE("OnCreated: Set and ResizeValue of an absent key only, after the write's own notices") {
  FakeClock clock;
  Engine engine(clock);
  Notices n;
  engine.SetObserver(&n);
  const int64_t now = clock.NowMs();
  engine.Set(0, "k", "v", now);
  CHECK(n.events == Lines{"mod 0 k", "new 0 k"});
  n.events.clear();
  engine.Set(0, "k", "w", now);  // an overwrite adds nothing (Redis's dbOverwrite)
  engine.ResizeValue(0, "k", 5, now);
  CHECK(n.Only("new").empty());
  engine.ResizeValue(3, "r", 0, now);  // APPEND of "" to an absent key still creates it
  CHECK(n.Only("new") == Lines{"new 3 r"});
  n.events.clear();
  // A stale key reclaimed by the write: expired first, then the key is new again.
  engine.Set(0, "t", "v", now, {.expire_at_ms = now + 10});
  clock.Advance(11);
  engine.Set(0, "t", "v2", clock.NowMs());
  CHECK(n.events == Lines{"mod 0 t", "new 0 t", "exp 0 t", "mod 0 t", "new 0 t"});
}

TEST_CASE("OnCreated: a dump load (SetOptions::loading) creates keys silently") {
  FakeClock clock;
  Engine engine(clock);
  Notices n;
  engine.SetObserver(&n);
  engine.Set(0, "k", "v", clock.NowMs(), {.loading = true});
  CHECK(n.Only("new").empty());
  CHECK(engine.Lookup(0, "k", clock.NowMs()));
}

TEST_CASE("OnCreated: RENAME, COPY and MOVE targets, also when a target was replaced") {
  FakeClock clock;
  Engine engine(clock);
  Notices n;
  engine.SetObserver(&n);
  const int64_t now = clock.NowMs();
  engine.Set(0, "a", "1", now);
  engine.Set(0, "b", "2", now);
  n.events.clear();
  CHECK(engine.Rename(0, "a", "b", false, now) == OpStatus::kOk);  // replaces b
  CHECK(n.events == Lines{"mod 0 a", "mod 0 b", "new 0 b"});
  n.events.clear();
  CHECK(engine.Rename(0, "b", "b", false, now) == OpStatus::kOk);  // same name: nothing
  CHECK(engine.Rename(0, "b", "c", true, now) == OpStatus::kOk);
  CHECK(n.Only("new") == Lines{"new 0 c"});
  n.events.clear();
  engine.Set(0, "d", "x", now);
  n.events.clear();
  CHECK(engine.Copy(0, "c", 0, "d", /*replace=*/false, now) == OpStatus::kExists);
  CHECK(engine.Copy(0, "c", 0, "d", /*replace=*/true, now) == OpStatus::kOk);
  CHECK(engine.Copy(0, "c", 2, "e", /*replace=*/false, now) == OpStatus::kOk);
  CHECK(n.Only("new") == Lines{"new 0 d", "new 2 e"});
  n.events.clear();
  CHECK(engine.Move(0, "c", 5, now) == OpStatus::kOk);
  CHECK(engine.Move(0, "d", 2, now) == OpStatus::kOk);
  CHECK(engine.Move(2, "d", 2, now) == OpStatus::kExists);
  CHECK(n.Only("new") == Lines{"new 5 c", "new 2 d"});
  n.events.clear();
  // Deletes, TTL changes, failed moves and flushes add nothing.
  engine.Del(5, "c", now);
  engine.SetExpire(2, "d", now + 1000, now);
  engine.Set(2, "e2", "v", now);
  CHECK(engine.Move(2, "e2", 0, now) == OpStatus::kOk);
  CHECK(engine.Move(0, "e2", 2, now) == OpStatus::kOk);
  CHECK(engine.Rename(0, "absent", "x", false, now) == OpStatus::kNotFound);
  engine.FlushAll();
  CHECK(n.Only("new") == Lines{"new 2 e2", "new 0 e2", "new 2 e2"});
}

TEST_CASE("OnCreated comes after the evictions its write caused (Redis: evicted, new, set)") {
  FakeClock clock;
  Engine engine(clock);
  Notices n;
  engine.SetObserver(&n);
  engine.SetLimits({.maxkeys = 2});
  const int64_t now = clock.NowMs();
  engine.Set(0, "a", "1", now);
  engine.Set(0, "b", "2", now);
  n.events.clear();
  engine.Set(0, "c", "3", now);
  CHECK(n.events == Lines{"evi 0 a", "mod 0 c", "new 0 c"});
  // Over maxmemory, the write evicts after storing its own key: still before "new".
  Engine big(clock);
  Notices m;
  big.SetObserver(&m);
  for (int i = 0; i < 50; ++i) big.Set(0, "k" + std::to_string(i), std::string(100, 'x'), now);
  big.SetLimits({.maxmemory_bytes = big.used_memory()});
  m.events.clear();
  big.Set(0, "fresh", std::string(1000, 'y'), now);
  REQUIRE(m.events.size() >= 3);
  CHECK(m.events.front() == "mod 0 fresh");
  CHECK(m.events.back() == "new 0 fresh");
  CHECK(m.events[1].starts_with("evi 0 k"));
}

TEST_CASE("LookupObserver: nothing is reported until the gate word enables it") {
  FakeClock clock;
  Engine engine(clock);
  Notices n;
  const int64_t now = clock.NowMs();
  engine.Set(0, "k", "v", now);
  engine.Lookup(0, "k", now);
  engine.Lookup(0, "nope", now);
  CHECK(n.events.empty());  // no lookup observer at all

  constexpr uint32_t kHit = 1u << 4, kMiss = 1u << 7;
  uint32_t gate = 0;
  engine.SetLookupObserver(&n, &gate, kHit, kMiss);
  engine.Lookup(0, "k", now);
  engine.Lookup(0, "nope", now);
  CHECK(n.events.empty());  // registered, but the gate is closed

  gate = kMiss;  // the owner flips its word; the engine reads it at the next lookup
  engine.Lookup(0, "k", now);
  engine.Lookup(0, "nope", now);
  CHECK(n.events == Lines{"miss 0 nope"});
  n.events.clear();
  gate = kHit | 1u;  // unrelated bits are ignored
  engine.Lookup(0, "k", now);
  engine.Lookup(0, "nope", now);
  CHECK(n.events == Lines{"hit 0 k"});
  n.events.clear();
  gate = 1u;
  engine.Lookup(0, "k", now);
  engine.Lookup(0, "nope", now);
  CHECK(n.events.empty());
  gate = kHit | kMiss;
  engine.SetLookupObserver(nullptr, &gate, kHit, kMiss);
  engine.Lookup(0, "k", now);
  engine.Lookup(0, "nope", now);
  CHECK(n.events.empty());                   // unregistered
  CHECK(engine.stats().keyspace_hits == 6);  // counted all along
  CHECK(engine.stats().keyspace_misses == 6);
}

TEST_CASE("LookupObserver: exactly the lookups that count a hit or miss, minus kLookupNoNotify") {
  FakeClock clock;
  Engine engine(clock);
  Notices n;
  engine.SetObserver(&n);
  uint32_t gate = 3;
  engine.SetLookupObserver(&n, &gate, 1, 2);
  const int64_t now = clock.NowMs();
  engine.Set(4, "k", "v", now);
  n.events.clear();
  engine.Lookup(4, "k", now);
  engine.Lookup(4, "k", now, kLookupNoTouch);  // TYPE, EXISTS, TTL: reported
  engine.Lookup(4, "x", now, kLookupNoTouch);
  engine.Lookup(4, "k", now, kLookupNoStats);  // write commands' lookups: not
  engine.Lookup(4, "x", now, kLookupNoStats);
  engine.Lookup(4, "k", now, kLookupNoTouch | kLookupNoNotify);  // OBJECT: counted, silent
  engine.Lookup(4, "x", now, kLookupNoTouch | kLookupNoNotify);
  engine.Lookup(99, "k", now);  // no such db: no lookup happened
  CHECK(n.events == Lines{"hit 4 k", "hit 4 k", "miss 4 x"});
  CHECK(engine.stats().keyspace_hits == 3);
  CHECK(engine.stats().keyspace_misses == 2);
  // A stale key found by a read lookup: expired, then the miss (Redis: expired, keymiss).
  n.events.clear();
  engine.Set(4, "t", "v", now, {.expire_at_ms = now + 5});
  n.events.clear();
  clock.Advance(6);
  CHECK(!engine.Lookup(4, "t", clock.NowMs()));
  CHECK(n.events == Lines{"exp 4 t", "miss 4 t"});
}

}  // namespace
}  // namespace lrukv::engine
