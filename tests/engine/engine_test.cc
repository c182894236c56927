// Engine unit tests: reads, writes, TTLs, key moves between names and databases, observer
// calls, limits. Time moves only through FakeClock.
#include "src/engine/engine.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

namespace lrukv::engine {
namespace {

struct Recorder : KeyspaceObserver {
  std::vector<std::string> events;
  void OnModified(int db, std::string_view key) override {
    events.push_back("mod " + std::to_string(db) + " " + std::string(key));
  }
  void OnExpired(int db, std::string_view key) override {
    events.push_back("exp " + std::to_string(db) + " " + std::string(key));
  }
  void OnEvicted(int db, std::string_view key) override {
    events.push_back("evi " + std::to_string(db) + " " + std::string(key));
  }
  void OnDbFlushed(int db) override { events.push_back("flush " + std::to_string(db)); }
};

std::string ValueOf(Engine& engine, int db, std::string_view key, int64_t now_ms) {
  auto v = engine.Lookup(db, key, now_ms, kLookupNoTouch | kLookupNoStats);
  return v ? std::string(v->value) : std::string("<nil>");
}

TEST_CASE("engine: set then lookup returns the value and counts a hit; a missing key a miss") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  CHECK(engine.Set(0, "k", "v1", now) == OpStatus::kOk);
  auto view = engine.Lookup(0, "k", now);
  REQUIRE(view);
  CHECK(view->key == "k");
  CHECK(view->value == "v1");
  CHECK(view->expire_at_ms == kNoExpiry);
  CHECK(view->last_access_ms / 1000 == now / 1000);
  CHECK_FALSE(engine.Lookup(0, "other", now));
  CHECK_FALSE(engine.Lookup(1, "k", now));
  CHECK(engine.stats().keyspace_hits == 1);
  CHECK(engine.stats().keyspace_misses == 2);
  engine.Lookup(0, "k", now, kLookupNoStats);
  engine.Lookup(0, "zz", now, kLookupNoStats);
  CHECK(engine.stats().keyspace_hits == 1);
  CHECK(engine.stats().keyspace_misses == 2);
  engine.ResetStats();
  CHECK(engine.stats().keyspace_hits == 0);
}

TEST_CASE("engine: overwriting keeps one key; binary keys and values survive") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  std::string key("a\0b", 3);
  std::string value;
  for (int i = 0; i < 256; ++i) value.push_back(static_cast<char>(i));
  engine.Set(0, key, "short", now);
  engine.Set(0, key, value, now);
  CHECK(engine.DbSize(0) == 1);
  CHECK(ValueOf(engine, 0, key, now) == value);
  engine.Set(0, key, "", now);
  CHECK(ValueOf(engine, 0, key, now).empty());
  CHECK(engine.Del(0, key, now));
  CHECK_FALSE(engine.Del(0, key, now));
  CHECK(engine.DbSize(0) == 0);
}

TEST_CASE("engine: a value larger than 16 KiB and one of 1 MiB round-trip") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  std::string big(1 << 20, 'x');
  big[12345] = 'y';
  engine.Set(0, "big", big, now);
  CHECK(ValueOf(engine, 0, "big", now) == big);
  CHECK(engine.MemoryUsage(0, "big", now) >= big.size());
  CHECK(engine.MemoryUsage(0, "nope", now) == 0);
  CHECK(engine.used_memory() > big.size());
}

TEST_CASE("SET with a deadline: key is present at deadline-1 and at the deadline, gone at +1 ms") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  const int64_t deadline = now + 1500;
  engine.Set(0, "k", "v", now, {.expire_at_ms = deadline});
  CHECK(engine.ExpiresCount(0) == 1);
  auto view = engine.Lookup(0, "k", deadline - 1);
  REQUIRE(view);
  CHECK(view->expire_at_ms == deadline);
  CHECK(engine.stats().expired_keys == 0);
  // Redis's keyIsExpired is `now > when`: the deadline's own millisecond still reads the key.
  REQUIRE(engine.Lookup(0, "k", deadline));
  CHECK(engine.stats().expired_keys == 0);
  CHECK_FALSE(engine.Lookup(0, "k", deadline + 1));
  CHECK(engine.stats().expired_keys == 1);
  CHECK(engine.DbSize(0) == 0);
  CHECK(engine.ExpiresCount(0) == 0);
}

TEST_CASE("SetExpire: sets, moves and removes a deadline; a past deadline deletes as DEL") {
  FakeClock clock;
  Engine engine(clock);
  Recorder rec;
  engine.SetObserver(&rec);
  const int64_t now = clock.NowMs();
  CHECK(engine.SetExpire(0, "absent", now + 10, now) == OpStatus::kNotFound);
  engine.Set(0, "k", "v", now);
  CHECK(engine.SetExpire(0, "k", now + 100, now) == OpStatus::kOk);
  CHECK(engine.Lookup(0, "k", now)->expire_at_ms == now + 100);
  CHECK(engine.SetExpire(0, "k", now + 5000, now) == OpStatus::kOk);
  CHECK(engine.Lookup(0, "k", now + 200));
  CHECK(engine.SetExpire(0, "k", kNoExpiry, now) == OpStatus::kOk);
  CHECK(engine.ExpiresCount(0) == 0);
  CHECK(engine.Lookup(0, "k", now + 100000)->expire_at_ms == kNoExpiry);
  CHECK(engine.SetExpire(0, "k", now - 1, now) == OpStatus::kOk);
  CHECK(engine.DbSize(0) == 0);
  // A deadline equal to now also deletes at once (Redis: PEXPIREAT key <now> answers 1 and
  // the key is gone), although a key already holding that deadline would still read.
  engine.Set(0, "k", "v", now);
  CHECK(engine.SetExpire(0, "k", now, now) == OpStatus::kOk);
  CHECK(engine.DbSize(0) == 0);
  CHECK(engine.stats().expired_keys == 0);
  CHECK(rec.events.back() == "mod 0 k");
}

TEST_CASE("SET KEEPTTL keeps the deadline; a plain SET drops it; default TTL applies") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  engine.Set(0, "k", "v", now, {.expire_at_ms = now + 1000});
  engine.Set(0, "k", "v2", now, {.keep_ttl = true});
  CHECK(engine.Lookup(0, "k", now)->expire_at_ms == now + 1000);
  engine.Set(0, "k", "v3", now);
  CHECK(engine.Lookup(0, "k", now)->expire_at_ms == kNoExpiry);
  Limits limits;
  limits.default_ttl_ms = 60'000;
  engine.SetLimits(limits);
  engine.Set(0, "d", "v", now);
  CHECK(engine.Lookup(0, "d", now)->expire_at_ms == now + 60'000);
  engine.Set(0, "e", "v", now, {.expire_at_ms = now + 5});
  CHECK(engine.Lookup(0, "e", now)->expire_at_ms == now + 5);
  engine.Set(0, "e", "w", now, {.keep_ttl = true});
  CHECK(engine.Lookup(0, "e", now)->expire_at_ms == now + 5);
}

TEST_CASE("ResizeValue: grows with zeros, keeps the prefix and the TTL, creates absent keys") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  engine.Set(0, "k", "abc", now, {.expire_at_ms = now + 9000});
  OpStatus status = OpStatus::kNotFound;
  auto span = engine.ResizeValue(0, "k", 10, now, &status);
  CHECK(status == OpStatus::kOk);
  REQUIRE(span.size() == 10);
  CHECK(std::string(span.data(), 3) == "abc");
  for (size_t i = 3; i < 10; ++i) CHECK(span[i] == 0);
  span[9] = 'z';
  auto view = engine.Lookup(0, "k", now);
  CHECK(view->value == std::string("abc\0\0\0\0\0\0z", 10));
  CHECK(view->expire_at_ms == now + 9000);
  // Many appends (the amortized path) keep everything.
  std::string expect(view->value);
  for (int i = 0; i < 2000; ++i) {
    auto s = engine.ResizeValue(0, "k", expect.size() + 7, now);
    std::memcpy(s.data() + expect.size(), "1234567", 7);
    expect += "1234567";
  }
  CHECK(ValueOf(engine, 0, "k", now) == expect);
  CHECK(engine.Lookup(0, "k", now)->expire_at_ms == now + 9000);
  auto fresh = engine.ResizeValue(0, "new", 4, now);
  CHECK(std::string(fresh.data(), 4) == std::string(4, '\0'));
  CHECK(engine.Lookup(0, "new", now)->expire_at_ms == kNoExpiry);
  auto shrunk = engine.ResizeValue(0, "k", 2, now);
  CHECK(std::string(shrunk.data(), 2) == "ab");
  CHECK(engine.Lookup(0, "k", now)->expire_at_ms == now + 9000);
}

TEST_CASE("Rename moves value and TTL, replaces the target; NX refuses an existing target") {
  FakeClock clock;
  Engine engine(clock);
  Recorder rec;
  engine.SetObserver(&rec);
  const int64_t now = clock.NowMs();
  CHECK(engine.Rename(0, "a", "b", false, now) == OpStatus::kNotFound);
  engine.Set(0, "a", "va", now, {.expire_at_ms = now + 777});
  engine.Set(0, "b", "vb", now);
  CHECK(engine.Rename(0, "a", "b", true, now) == OpStatus::kExists);
  rec.events.clear();
  CHECK(engine.Rename(0, "a", "b", false, now) == OpStatus::kOk);
  CHECK(rec.events == std::vector<std::string>{"mod 0 a", "mod 0 b"});
  CHECK_FALSE(engine.Lookup(0, "a", now));
  auto b = engine.Lookup(0, "b", now);
  REQUIRE(b);
  CHECK(b->value == "va");
  CHECK(b->expire_at_ms == now + 777);
  CHECK(engine.DbSize(0) == 1);
  CHECK(engine.ExpiresCount(0) == 1);
  CHECK(engine.Rename(0, "b", "b", true, now) == OpStatus::kExists);
  CHECK(engine.Rename(0, "b", "b", false, now) == OpStatus::kOk);
  // The renamed key still expires on time.
  CHECK_FALSE(engine.Lookup(0, "b", now + 778));
  CHECK(engine.stats().expired_keys == 1);
}

TEST_CASE("Copy duplicates value and TTL across databases; replace decides on an existing key") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  CHECK(engine.Copy(0, "a", 1, "b", false, now) == OpStatus::kNotFound);
  engine.Set(0, "a", "va", now, {.expire_at_ms = now + 500});
  CHECK(engine.Copy(0, "a", 1, "b", false, now) == OpStatus::kOk);
  CHECK(ValueOf(engine, 1, "b", now) == "va");
  CHECK(engine.Lookup(1, "b", now)->expire_at_ms == now + 500);
  CHECK(ValueOf(engine, 0, "a", now) == "va");
  engine.Set(1, "c", "vc", now);
  CHECK(engine.Copy(0, "a", 1, "c", false, now) == OpStatus::kExists);
  CHECK(ValueOf(engine, 1, "c", now) == "vc");
  CHECK(engine.Copy(0, "a", 1, "c", true, now) == OpStatus::kOk);
  CHECK(ValueOf(engine, 1, "c", now) == "va");
  CHECK(engine.Copy(0, "a", 0, "a", true, now) == OpStatus::kExists);
  CHECK(engine.ExpiresCount(1) == 2);
}

TEST_CASE("Move transfers a key with its TTL; refuses when the target db has it") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  CHECK(engine.Move(0, "a", 1, now) == OpStatus::kNotFound);
  engine.Set(0, "a", "va", now, {.expire_at_ms = now + 500});
  engine.Set(2, "a", "other", now);
  CHECK(engine.Move(0, "a", 2, now) == OpStatus::kExists);
  CHECK(engine.Move(0, "a", 0, now) == OpStatus::kExists);
  CHECK(engine.Move(0, "a", 1, now) == OpStatus::kOk);
  CHECK(engine.DbSize(0) == 0);
  CHECK(engine.ExpiresCount(0) == 0);
  CHECK(engine.ExpiresCount(1) == 1);
  CHECK(ValueOf(engine, 1, "a", now) == "va");
  CHECK_FALSE(engine.Lookup(1, "a", now + 501));
  CHECK(engine.stats().expired_keys == 1);
}

TEST_CASE("SwapDb exchanges contents; FlushDb and FlushAll empty; observer hears each") {
  FakeClock clock;
  Engine engine(clock);
  Recorder rec;
  engine.SetObserver(&rec);
  const int64_t now = clock.NowMs();
  engine.Set(0, "a", "0", now);
  engine.Set(1, "b", "1", now, {.expire_at_ms = now + 100});
  rec.events.clear();
  engine.SwapDb(0, 1);
  CHECK(rec.events == std::vector<std::string>{"flush 0", "flush 1"});
  CHECK(ValueOf(engine, 0, "b", now) == "1");
  CHECK(ValueOf(engine, 1, "a", now) == "0");
  CHECK(engine.ExpiresCount(0) == 1);
  CHECK(engine.ExpiresCount(1) == 0);
  // Events after the swap name the logical db.
  rec.events.clear();
  CHECK_FALSE(engine.Lookup(0, "b", now + 101));
  CHECK(rec.events == std::vector<std::string>{"exp 0 b"});
  engine.Set(0, "x", "y", now);
  engine.FlushDb(1);
  CHECK(engine.DbSize(1) == 0);
  CHECK(engine.DbSize(0) == 1);
  engine.FlushAll();
  CHECK(engine.DbSize(0) == 0);
  std::vector<std::string> seen;
  engine.ForEachLruOrder(now, [&](int, const EntryView& v) { seen.emplace_back(v.key); });
  CHECK(seen.empty());
  engine.Set(3, "again", "v", now);
  CHECK(ValueOf(engine, 3, "again", now) == "v");
}

TEST_CASE("observer: writes, deletes and TTL changes are reported after the change") {
  FakeClock clock;
  Engine engine(clock);
  Recorder rec;
  engine.SetObserver(&rec);
  const int64_t now = clock.NowMs();
  engine.Set(2, "k", "v", now);
  engine.SetExpire(2, "k", now + 10, now);
  engine.ResizeValue(2, "k", 5, now);
  engine.Del(2, "k", now);
  engine.Del(2, "k", now);
  CHECK(rec.events == std::vector<std::string>{"mod 2 k", "mod 2 k", "mod 2 k", "mod 2 k"});
  engine.SetObserver(nullptr);
  engine.Set(2, "k", "v", now);
  CHECK(rec.events.size() == 4);
}

TEST_CASE("AvgTtlMs averages the remaining TTL of volatile keys") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  CHECK(engine.AvgTtlMs(0, now) == 0);
  engine.Set(0, "a", "v", now, {.expire_at_ms = now + 1000});
  engine.Set(0, "b", "v", now, {.expire_at_ms = now + 3000});
  engine.Set(0, "c", "v", now);
  CHECK(engine.AvgTtlMs(0, now) == 2000);
}

TEST_CASE("RandomKey returns a live key and skips expired ones") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  CHECK_FALSE(engine.RandomKey(0, now));
  for (int i = 0; i < 50; ++i) {
    engine.Set(0, "dead" + std::to_string(i), "v", now, {.expire_at_ms = now + 1});
  }
  engine.Set(0, "live", "v", now);
  for (int i = 0; i < 20; ++i) CHECK(engine.RandomKey(0, now + 2) == std::string("live"));
}

TEST_CASE("policy names parse and print as Redis spells them") {
  for (auto p : {EvictionPolicy::kNoEviction, EvictionPolicy::kAllKeysLru,
                 EvictionPolicy::kVolatileLru, EvictionPolicy::kAllKeysRandom,
                 EvictionPolicy::kVolatileRandom, EvictionPolicy::kVolatileTtl}) {
    CHECK(ParsePolicy(PolicyName(p)) == p);
  }
  CHECK(PolicyName(EvictionPolicy::kVolatileTtl) == "volatile-ttl");
  CHECK(ParsePolicy("ALLKEYS-LRU") == EvictionPolicy::kAllKeysLru);
  CHECK_FALSE(ParsePolicy("allkeys-lfu-ish"));
}

TEST_CASE("maxkeys: a new key beyond the limit evicts the db's LRU key; noeviction goes past it") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  Limits limits;
  limits.maxkeys = 3;
  engine.SetLimits(limits);
  engine.Set(1, "other", "v", now);  // another db is not counted
  for (const char* k : {"a", "b", "c"}) engine.Set(0, k, "v", now);
  engine.Lookup(0, "a", now);
  CHECK(engine.Set(0, "d", "v", now) == OpStatus::kOk);
  CHECK(engine.DbSize(0) == 3);
  CHECK_FALSE(engine.Lookup(0, "b", now));
  CHECK(engine.Lookup(1, "other", now));
  CHECK(engine.stats().evicted_keys == 1);
  CHECK(engine.Set(0, "a", "overwrite", now) == OpStatus::kOk);  // not a new key
  limits.policy = EvictionPolicy::kNoEviction;
  engine.SetLimits(limits);
  CHECK_FALSE(engine.OverMemoryLimit());
  CHECK(engine.Set(0, "e", "v", now) == OpStatus::kOk);  // never refused mid-command
  CHECK(engine.DbSize(0) == 4);
  CHECK(engine.OverMemoryLimit());  // so the dispatcher refuses the next DENYOOM command
  CHECK_FALSE(engine.EvictToLimit(now));
  limits.maxkeys = 1;
  limits.policy = EvictionPolicy::kAllKeysLru;
  engine.SetLimits(limits);
  CHECK(engine.DbSize(0) == 1);
  CHECK(engine.DbSize(1) == 1);
}

}  // namespace
}  // namespace lrukv::engine

namespace lrukv::engine {
namespace {

TEST_CASE("ResizeValue: a multi-megabyte value grows in place of a copy and keeps its bytes") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  std::string big(3 << 20, 'q');
  for (size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<char>(i);
  engine.Set(0, "big", big, now, {.expire_at_ms = now + 1000});
  const uint64_t before = engine.used_memory();
  auto span = engine.ResizeValue(0, "big", big.size() + (5 << 20), now);
  REQUIRE(span.size() == big.size() + (5 << 20));
  CHECK(std::string_view(span.data(), big.size()) == big);
  CHECK(span[span.size() - 1] == 0);
  CHECK(span[big.size()] == 0);
  CHECK(engine.used_memory() >= before + (5 << 20));
  CHECK(engine.Lookup(0, "big", now)->expire_at_ms == now + 1000);
}

TEST_CASE("maxkeys: Copy and Move into a full db evict there, never the source key") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  Limits limits;
  limits.maxkeys = 2;
  engine.SetLimits(limits);
  engine.Set(1, "x", "1", now);
  engine.Set(1, "y", "2", now);
  engine.Set(0, "src", "s", now);
  CHECK(engine.Copy(0, "src", 1, "copy", false, now) == OpStatus::kOk);
  CHECK(engine.DbSize(1) == 2);
  CHECK_FALSE(engine.Lookup(1, "x", now));
  CHECK(ValueOf(engine, 1, "copy", now) == "s");
  CHECK(engine.Move(0, "src", 1, now) == OpStatus::kOk);
  CHECK(engine.DbSize(1) == 2);
  CHECK(ValueOf(engine, 1, "src", now) == "s");
  CHECK(engine.DbSize(0) == 0);
  limits.policy = EvictionPolicy::kVolatileLru;  // nothing in db 1 has a TTL
  engine.SetLimits(limits);
  engine.Set(0, "more", "m", now);
  CHECK(engine.Move(0, "more", 1, now) == OpStatus::kOk);  // past maxkeys: nothing evictable
  CHECK(ValueOf(engine, 1, "more", now) == "m");
  CHECK(engine.DbSize(1) == 3);
  CHECK_FALSE(engine.EvictToLimit(now));
}

TEST_CASE("active expiry: the observer hears OnExpired with the logical db") {
  FakeClock clock;
  Engine engine(clock);
  Recorder rec;
  engine.SetObserver(&rec);
  const int64_t now = clock.NowMs();
  engine.Set(5, "a", "v", now, {.expire_at_ms = now + 50});
  engine.SwapDb(5, 6);
  rec.events.clear();
  CHECK(engine.ActiveExpireCycle(now + 50, 1000) == 0);
  CHECK(engine.ActiveExpireCycle(now + 51, 1000) == 1);
  CHECK(rec.events == std::vector<std::string>{"exp 6 a"});
  CHECK(engine.stats().expired_keys == 1);
}

TEST_CASE("Lookup NOTOUCH leaves last_access alone; a plain lookup updates it") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  engine.Set(0, "k", "v", now);
  clock.Advance(10'000);
  CHECK(engine.Lookup(0, "k", clock.NowMs(), kLookupNoTouch)->last_access_ms / 1000 == now / 1000);
  engine.Lookup(0, "k", clock.NowMs());
  CHECK(engine.Lookup(0, "k", clock.NowMs(), kLookupNoTouch)->last_access_ms / 1000 ==
        clock.NowMs() / 1000);
}

}  // namespace
}  // namespace lrukv::engine

namespace lrukv::engine {
namespace {

TEST_CASE("views: a lookup that reclaims an expired key leaves earlier views intact (MGET)") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  // Same size class: the expired key's slot is a hole until the next write.
  engine.Set(0, "k1", "value-one", now);
  engine.Set(0, "k2", "value-two", now, {.expire_at_ms = now + 1});
  engine.Set(0, "k3", "value-333", now);
  auto a = engine.Lookup(0, "k3", now + 2);
  auto b = engine.Lookup(0, "k2", now + 2);
  auto c = engine.Lookup(0, "k1", now + 2);
  REQUIRE(a);
  CHECK_FALSE(b);
  REQUIRE(c);
  CHECK(a->value == "value-333");
  CHECK(c->value == "value-one");
  // A write may take its value from another key's view.
  CHECK(engine.Set(0, "k4", a->value, now + 2) == OpStatus::kOk);
  CHECK(ValueOf(engine, 0, "k4", now + 2) == "value-333");
  CHECK(ValueOf(engine, 0, "k1", now + 2) == "value-one");
  auto self = engine.Lookup(0, "k4", now + 2);
  CHECK(engine.Set(0, "k4", self->value.substr(6), now + 2) == OpStatus::kOk);
  CHECK(ValueOf(engine, 0, "k4", now + 2) == "333");
}

}  // namespace
}  // namespace lrukv::engine

namespace lrukv::engine {
namespace {

TEST_CASE("value bits: ResizeValue marks modified_in_place, Set clears it, moves keep both") {
  FakeClock clock;
  Engine engine(clock, 2);
  const int64_t now = clock.NowMs();
  engine.Set(0, "k", "abc", now);
  CHECK_FALSE(engine.Lookup(0, "k", now)->modified_in_place);
  CHECK_FALSE(engine.Lookup(0, "k", now)->value_hint);
  engine.ResizeValue(0, "k", 3, now);  // same length: still a change in place
  CHECK(engine.Lookup(0, "k", now)->modified_in_place);
  engine.ResizeValue(0, "fresh", 600, now);  // created by ResizeValue (large entry)
  CHECK(engine.Lookup(0, "fresh", now)->modified_in_place);
  // Kept across a TTL change (new trailer), a rename, a copy and a move.
  CHECK(engine.SetExpire(0, "k", now + 1000, now) == OpStatus::kOk);
  CHECK(engine.Rename(0, "k", "renamed", false, now) == OpStatus::kOk);
  CHECK(engine.Lookup(0, "renamed", now)->modified_in_place);
  CHECK(engine.Copy(0, "renamed", 1, "copy", false, now) == OpStatus::kOk);
  CHECK(engine.Lookup(1, "copy", now)->modified_in_place);
  CHECK(engine.Move(0, "renamed", 1, now) == OpStatus::kOk);
  CHECK(engine.Lookup(1, "renamed", now)->modified_in_place);
  CHECK(engine.SetExpire(1, "renamed", kNoExpiry, now) == OpStatus::kOk);
  CHECK(engine.Lookup(1, "renamed", now)->modified_in_place);
  // Set replaces both bits with what it is given, KEEPTTL or not.
  engine.Set(1, "renamed", "abc", now, {.keep_ttl = true});
  CHECK_FALSE(engine.Lookup(1, "renamed", now)->modified_in_place);
  engine.Set(1, "renamed", "abc", now, {.value_hint = true});
  auto view = engine.Lookup(1, "renamed", now);
  CHECK(view->value_hint);
  CHECK_FALSE(view->modified_in_place);
  engine.ResizeValue(1, "renamed", 10, now);  // keeps the hint, adds in-place
  view = engine.Lookup(1, "renamed", now);
  CHECK(view->value_hint);
  CHECK(view->modified_in_place);
  engine.Set(1, "renamed", std::string(700, 'x'), now, {.modified_in_place = true});
  view = engine.Lookup(1, "renamed", now);
  CHECK(view->modified_in_place);
  CHECK_FALSE(view->value_hint);
  engine.Set(1, "renamed", "x", now);
  CHECK_FALSE(engine.Lookup(1, "renamed", now)->modified_in_place);
}

}  // namespace
}  // namespace lrukv::engine
