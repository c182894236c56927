// LRU order and eviction against a simple model (std::list + std::map kept by the test):
// random get/set/del/expire/rename sequences, then ForEachLruOrder and eviction order must
// match it; every policy evicts only keys it may; maxmemory holds after every write.
#include <doctest/doctest.h>

#include <algorithm>
#include <list>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "src/engine/engine.h"

namespace lrukv::engine {
namespace {

using DbKey = std::pair<int, std::string>;

// Recency model: front = least recent. Expired keys stay until touched or reclaimed.
struct LruModel {
  std::list<DbKey> order;
  std::map<DbKey, std::list<DbKey>::iterator> where;
  std::map<DbKey, int64_t> deadline;  // only keys with a TTL
  std::map<DbKey, std::string> value;

  bool Live(const DbKey& k, int64_t now) const {
    if (!where.count(k)) return false;
    auto it = deadline.find(k);
    return it == deadline.end() || it->second >= now;  // live through its deadline, as Redis
  }
  void Remove(const DbKey& k) {
    auto it = where.find(k);
    if (it == where.end()) return;
    order.erase(it->second);
    where.erase(it);
    deadline.erase(k);
  }
  // Lazy expiry as the engine does it on access.
  bool Access(const DbKey& k, int64_t now) {
    if (where.count(k) && !Live(k, now)) Remove(k);
    return where.count(k) > 0;
  }
  void TouchOrAdd(const DbKey& k) {
    auto it = where.find(k);
    if (it != where.end()) order.erase(it->second);
    order.push_back(k);
    where[k] = std::prev(order.end());
  }
  std::vector<DbKey> LiveOrder(int64_t now) const {
    std::vector<DbKey> out;
    for (const auto& k : order) {
      if (Live(k, now)) out.push_back(k);
    }
    return out;
  }
};

std::vector<DbKey> EngineOrder(Engine& engine, int64_t now) {
  std::vector<DbKey> out;
  engine.ForEachLruOrder(now, [&](int db, const EntryView& v) {
    out.emplace_back(db, std::string(v.key));
  });
  return out;
}

struct EvictionLog : KeyspaceObserver {
  std::vector<DbKey> evicted;
  std::vector<DbKey> expired;
  void OnEvicted(int db, std::string_view key) override { evicted.emplace_back(db, key); }
  void OnExpired(int db, std::string_view key) override { expired.emplace_back(db, key); }
};

TEST_CASE("LRU: order after thousands of random get/set/del/expire/rename ops matches a model") {
  FakeClock clock;
  Engine engine(clock, 4);
  LruModel model;
  std::mt19937 rng(12345);
  auto key = [&] { return "k" + std::to_string(rng() % 300); };
  for (int op = 0; op < 20000; ++op) {
    const int64_t now = clock.NowMs();
    const int db = static_cast<int>(rng() % 3);
    const std::string k = key();
    const DbKey dk{db, k};
    switch (rng() % 9) {
      case 0:
      case 1: {  // GET
        const bool present = model.Access(dk, now);
        if (present) model.TouchOrAdd(dk);
        auto view = engine.Lookup(db, k, now);
        REQUIRE(view.has_value() == present);
        if (present) {
          CHECK(view->value == model.value[dk]);
          CHECK(view->expire_at_ms == (model.deadline.count(dk) ? model.deadline[dk] : kNoExpiry));
        }
        break;
      }
      case 2: {  // lookup that must not touch
        const bool present = model.Access(dk, now);
        CHECK(engine.Lookup(db, k, now, kLookupNoTouch).has_value() == present);
        break;
      }
      case 3:
      case 4: {  // SET, sometimes with a TTL
        model.Access(dk, now);
        SetOptions options;
        model.deadline.erase(dk);
        if (rng() % 3 == 0) {
          options.expire_at_ms = now + 1 + static_cast<int64_t>(rng() % 5000);
          model.deadline[dk] = options.expire_at_ms;
        }
        model.TouchOrAdd(dk);
        // Sizes across several size classes and past the small-entry limit.
        std::string v(rng() % 8 == 0 ? rng() % 900 : rng() % 60, static_cast<char>('a' + op % 26));
        model.value[dk] = v;
        CHECK(engine.Set(db, k, v, now, options) == OpStatus::kOk);
        break;
      }
      case 5: {  // DEL
        const bool present = model.Access(dk, now);
        model.Remove(dk);
        CHECK(engine.Del(db, k, now) == present);
        break;
      }
      case 6: {  // EXPIRE / PERSIST
        const bool present = model.Access(dk, now);
        const int64_t deadline = rng() % 4 == 0 ? kNoExpiry : now + 1 + rng() % 3000;
        if (present) {
          model.TouchOrAdd(dk);
          if (deadline == kNoExpiry) model.deadline.erase(dk); else model.deadline[dk] = deadline;
        }
        CHECK((engine.SetExpire(db, k, deadline, now) == OpStatus::kOk) == present);
        break;
      }
      case 7: {  // RENAME
        const std::string to = key();
        const DbKey dto{db, to};
        const bool present = model.Access(dk, now);
        model.Access(dto, now);
        if (present && k != to) {
          const auto it = model.deadline.find(dk);
          const bool had_ttl = it != model.deadline.end();
          const int64_t d = had_ttl ? it->second : 0;
          const std::string v = model.value[dk];
          model.Remove(dto);
          model.Remove(dk);
          model.TouchOrAdd(dto);
          model.value[dto] = v;
          if (had_ttl) model.deadline[dto] = d;
        } else if (present) {
          model.TouchOrAdd(dk);
        }
        CHECK((engine.Rename(db, k, to, false, now) == OpStatus::kOk) == present);
        break;
      }
      case 8: {  // APPEND through ResizeValue
        const bool present = model.Access(dk, now);
        if (!present) model.value[dk].clear();
        const std::string tail(rng() % 100, static_cast<char>('A' + op % 26));
        model.TouchOrAdd(dk);
        std::string& v = model.value[dk];
        auto span = engine.ResizeValue(db, k, v.size() + tail.size(), now);
        REQUIRE(span.size() == v.size() + tail.size());
        std::copy(tail.begin(), tail.end(), span.begin() + static_cast<long>(v.size()));
        v += tail;
        break;
      }
    }
    if (rng() % 10 == 0) clock.Advance(static_cast<int64_t>(rng() % 200));
    if (op % 500 == 0) {
      REQUIRE(EngineOrder(engine, clock.NowMs()) == model.LiveOrder(clock.NowMs()));
    }
  }
  CHECK(EngineOrder(engine, clock.NowMs()) == model.LiveOrder(clock.NowMs()));
  size_t checked = 0;
  engine.ForEachLruOrder(clock.NowMs(), [&](int db, const EntryView& v) {
    CHECK(v.value == model.value[{db, std::string(v.key)}]);
    ++checked;
  });
  CHECK(checked > 100);
}

// Fills db 0 with n keys (every third with a far TTL when `ttl_every` is set), then touches
// random keys; returns the model.
LruModel FillAndShuffle(Engine& engine, FakeClock& clock, int n, int ttl_every,
                        std::mt19937& rng) {
  LruModel model;
  const int64_t now = clock.NowMs();
  for (int i = 0; i < n; ++i) {
    const std::string k = "key:" + std::to_string(i);
    SetOptions options;
    if (ttl_every && i % ttl_every == 0) {
      options.expire_at_ms = now + 3'600'000 + static_cast<int64_t>(rng() % 3'600'000);
      model.deadline[{0, k}] = options.expire_at_ms;
    }
    engine.Set(0, k, std::string(100, 'x'), now, options);
    model.TouchOrAdd({0, k});
  }
  for (int i = 0; i < n * 2; ++i) {
    const std::string k = "key:" + std::to_string(rng() % n);
    engine.Lookup(0, k, now);
    model.TouchOrAdd({0, k});
  }
  return model;
}

TEST_CASE("allkeys-lru: eviction order equals the model's LRU tail") {
  FakeClock clock;
  Engine engine(clock);
  EvictionLog log;
  engine.SetObserver(&log);
  std::mt19937 rng(7);
  LruModel model = FillAndShuffle(engine, clock, 2000, 0, rng);
  Limits limits;
  limits.maxmemory_bytes = engine.used_memory() - 50'000;
  engine.SetLimits(limits);
  CHECK(engine.used_memory() <= limits.maxmemory_bytes);
  REQUIRE(log.evicted.size() > 100);
  CHECK(engine.stats().evicted_keys == log.evicted.size());
  std::vector<DbKey> expect(model.order.begin(),
                            std::next(model.order.begin(), static_cast<long>(log.evicted.size())));
  CHECK(log.evicted == expect);
  CHECK(engine.EvictToLimit(clock.NowMs()));
}

TEST_CASE("volatile-lru: evicts only keys with a TTL, least recent first; OOM when none left") {
  FakeClock clock;
  Engine engine(clock);
  EvictionLog log;
  engine.SetObserver(&log);
  std::mt19937 rng(8);
  LruModel model = FillAndShuffle(engine, clock, 1500, 3, rng);
  std::vector<DbKey> volatile_order;
  for (const auto& k : model.order) {
    if (model.deadline.count(k)) volatile_order.push_back(k);
  }
  Limits limits;
  limits.policy = EvictionPolicy::kVolatileLru;
  limits.maxmemory_bytes = engine.used_memory() - 30'000;
  engine.SetLimits(limits);
  REQUIRE(!log.evicted.empty());
  std::vector<DbKey> expect(volatile_order.begin(),
                            volatile_order.begin() + static_cast<long>(log.evicted.size()));
  CHECK(log.evicted == expect);
  // Far below what non-volatile keys need: every volatile key goes, then the limit fails.
  limits.maxmemory_bytes = 10'000;
  engine.SetLimits(limits);
  CHECK(engine.ExpiresCount(0) == 0);
  CHECK(engine.DbSize(0) == 1000);
  CHECK_FALSE(engine.EvictToLimit(clock.NowMs()));
  // The write itself is never refused (the dispatcher answers -OOM before DENYOOM commands).
  CHECK(engine.Set(0, "new", "v", clock.NowMs()) == OpStatus::kOk);
  CHECK(engine.DbSize(0) == 1001);
}

TEST_CASE("volatile-ttl: evicts the soonest deadlines first and never a key without TTL") {
  FakeClock clock;
  Engine engine(clock);
  EvictionLog log;
  engine.SetObserver(&log);
  const int64_t now = clock.NowMs();
  std::mt19937 rng(9);
  std::vector<std::pair<int64_t, DbKey>> by_deadline;
  for (int i = 0; i < 600; ++i) {
    const std::string k = "key:" + std::to_string(i);
    SetOptions options;
    if (i % 2 == 0) {
      // Distinct deadlines from 1 s to ~3 days away.
      options.expire_at_ms = now + 1000 + static_cast<int64_t>(rng() % 250'000'000);
      by_deadline.push_back({options.expire_at_ms, {0, k}});
    }
    engine.Set(0, k, std::string(200, 'y'), now, options);
  }
  std::sort(by_deadline.begin(), by_deadline.end());
  Limits limits;
  limits.policy = EvictionPolicy::kVolatileTtl;
  limits.maxmemory_bytes = engine.used_memory() - 20'000;
  engine.SetLimits(limits);
  REQUIRE(log.evicted.size() > 10);
  for (size_t i = 0; i < log.evicted.size(); ++i) CHECK(log.evicted[i] == by_deadline[i].second);
}

TEST_CASE("random policies: allkeys-random evicts keys, volatile-random only keys with a TTL") {
  for (auto policy : {EvictionPolicy::kAllKeysRandom, EvictionPolicy::kVolatileRandom}) {
    FakeClock clock;
    Engine engine(clock);
    EvictionLog log;
    engine.SetObserver(&log);
    std::mt19937 rng(10);
    LruModel model = FillAndShuffle(engine, clock, 2000, 4, rng);
    Limits limits;
    limits.policy = policy;
    limits.maxmemory_bytes = engine.used_memory() - 40'000;
    engine.SetLimits(limits);
    REQUIRE(log.evicted.size() > 50);
    CHECK(engine.used_memory() <= limits.maxmemory_bytes);
    std::set<DbKey> unique(log.evicted.begin(), log.evicted.end());
    CHECK(unique.size() == log.evicted.size());
    size_t volatile_evicted = 0;
    for (const auto& k : log.evicted) {
      volatile_evicted += model.deadline.count(k);
      CHECK_FALSE(engine.Lookup(k.first, k.second, clock.NowMs()));
    }
    if (policy == EvictionPolicy::kVolatileRandom) {
      CHECK(volatile_evicted == log.evicted.size());
    } else {
      // A quarter of the keys are volatile; a random pick is not all volatile.
      CHECK(volatile_evicted < log.evicted.size());
    }
  }
}

TEST_CASE("maxmemory: used_memory never exceeds the limit after any write (random workload)") {
  for (auto policy : {EvictionPolicy::kAllKeysLru, EvictionPolicy::kAllKeysRandom,
                      EvictionPolicy::kVolatileTtl}) {
    FakeClock clock;
    Engine engine(clock, 2);
    Limits limits;
    limits.policy = policy;
    limits.maxmemory_bytes = 600'000;
    // Under volatile-ttl every key needs a TTL to be evictable (ResizeValue creates keys).
    if (policy == EvictionPolicy::kVolatileTtl) limits.default_ttl_ms = 100'000;
    engine.SetLimits(limits);
    std::mt19937 rng(11);
    size_t writes = 0;
    for (int op = 0; op < 20000; ++op) {
      const int64_t now = clock.NowMs();
      const int db = static_cast<int>(rng() % 2);
      const std::string k = "k" + std::to_string(rng() % 5000);
      OpStatus status = OpStatus::kOk;
      const unsigned kind = rng() % 6;
      CAPTURE(kind);
      CAPTURE(static_cast<int>(policy));
      CAPTURE(op);
      switch (kind) {
        case 0:
        case 1:
        case 2: {
          SetOptions options;
          // volatile-ttl needs volatile keys to make room.
          if (policy == EvictionPolicy::kVolatileTtl || rng() % 2) {
            options.expire_at_ms = now + 1 + rng() % 100'000;
          }
          status = engine.Set(db, k, std::string(rng() % 1500, 'z'), now, options);
          break;
        }
        case 3:
          engine.ResizeValue(db, k, rng() % 3000, now, &status);
          break;
        case 4:
          status = engine.Copy(db, k, 1 - db, k + "c", true, now);
          break;
        case 5:
          status = engine.Rename(db, k, "r" + k, false, now);
          break;
      }
      if (status != OpStatus::kNotFound) ++writes;
      REQUIRE(status != OpStatus::kOutOfMemory);
      REQUIRE(engine.used_memory() <= limits.maxmemory_bytes);
      clock.Advance(rng() % 3);
    }
    CHECK(writes > 10000);
    CHECK(engine.stats().evicted_keys > 1000);
  }
}

TEST_CASE("noeviction: writes never fail, they grow past the limit and EvictToLimit fails") {
  FakeClock clock;
  Engine engine(clock);
  const int64_t now = clock.NowMs();
  Limits limits;
  limits.policy = EvictionPolicy::kNoEviction;
  limits.maxmemory_bytes = engine.used_memory() + 200'000;
  engine.SetLimits(limits);
  int i = 0;
  while (!engine.OverMemoryLimit()) {
    REQUIRE(engine.Set(0, "k" + std::to_string(i++), std::string(1000, 'n'), now) ==
            OpStatus::kOk);
    REQUIRE(i < 10000);
  }
  CHECK(i > 50);
  CHECK_FALSE(engine.EvictToLimit(now));
  // As Redis once a command is admitted: MSET-like runs of writes all land, past the limit.
  const uint64_t over_bytes = engine.used_memory();
  for (int j = 0; j < 20; ++j) {
    CHECK(engine.Set(0, "more" + std::to_string(j), std::string(1000, 'm'), now) ==
          OpStatus::kOk);
  }
  OpStatus status = OpStatus::kNotFound;
  auto span = engine.ResizeValue(0, "k1", 5000, now, &status);
  CHECK(status == OpStatus::kOk);
  CHECK(span.size() == 5000);
  CHECK(engine.used_memory() > over_bytes + 20'000);
  CHECK(engine.stats().evicted_keys == 0);
  CHECK_FALSE(engine.EvictToLimit(now));
  for (int j = 0; j < 20; ++j) CHECK(engine.Del(0, "more" + std::to_string(j), now));
  CHECK(engine.Del(0, "k0", now));
  CHECK(engine.Del(0, "k1", now));
  CHECK(engine.Del(0, "k2", now));
  CHECK_FALSE(engine.OverMemoryLimit());
  CHECK(engine.EvictToLimit(now));
}

TEST_CASE("eviction: an expired key met as the victim is reclaimed as expired, not evicted") {
  FakeClock clock;
  Engine engine(clock);
  EvictionLog log;
  engine.SetObserver(&log);
  const int64_t now = clock.NowMs();
  engine.Set(0, "old-expired", std::string(5000, 'a'), now, {.expire_at_ms = now + 10});
  for (int i = 0; i < 50; ++i) engine.Set(0, "k" + std::to_string(i), std::string(500, 'b'), now);
  Limits limits;
  limits.maxmemory_bytes = engine.used_memory() - 1000;
  clock.Advance(100);
  engine.SetLimits(limits);
  CHECK(log.expired == std::vector<DbKey>{{0, "old-expired"}});
  CHECK(log.evicted.empty());
  CHECK(engine.stats().expired_keys == 1);
  CHECK(engine.stats().evicted_keys == 0);
}

}  // namespace
}  // namespace lrukv::engine
