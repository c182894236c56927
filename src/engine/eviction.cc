// Eviction: the policy names, and how Engine::Impl picks victims to get back under maxmemory
// and maxkeys (exact LRU over either list, random ids, soonest deadline from the wheel).
// Expired keys met as victims count as expired, the rest as evicted.
#include <algorithm>

#include "src/engine/engine_impl.h"

namespace lrukv::engine {

using namespace internal;  // NOLINT: the engine's own internals

namespace {
// Candidates examined per wheel list when looking for the soonest deadline (volatile-ttl).
constexpr int kTtlCandidatesPerList = 64;
}  // namespace

// ---- Policies ----
std::string_view PolicyName(EvictionPolicy policy) {
  switch (policy) {
    case EvictionPolicy::kNoEviction:
      return "noeviction";
    case EvictionPolicy::kAllKeysLru:
      return "allkeys-lru";
    case EvictionPolicy::kVolatileLru:
      return "volatile-lru";
    case EvictionPolicy::kAllKeysRandom:
      return "allkeys-random";
    case EvictionPolicy::kVolatileRandom:
      return "volatile-random";
    case EvictionPolicy::kVolatileTtl:
      return "volatile-ttl";
  }
  return "noeviction";
}

std::optional<EvictionPolicy> ParsePolicy(std::string_view name) {
  for (auto p : {EvictionPolicy::kNoEviction, EvictionPolicy::kAllKeysLru,
                 EvictionPolicy::kVolatileLru, EvictionPolicy::kAllKeysRandom,
                 EvictionPolicy::kVolatileRandom, EvictionPolicy::kVolatileTtl}) {
    const std::string_view n = PolicyName(p);
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
        })) {
      return p;
    }
  }
  return std::nullopt;
}

// ---- Victims ----
Id Engine::Impl::WalkLru(int table_filter, Id protect) const {
  for (Id id = lru.tail(); id; id = lru.Newer(id)) {
    if (Eligible(id, table_filter, protect)) return id;
  }
  return kNil;
}

Id Engine::Impl::WalkVolatile(int table_filter, Id protect) const {
  for (Id id = vol.tail(); id; id = vol.Newer(id)) {
    if (Eligible(id, table_filter, protect)) return id;
  }
  return kNil;
}

Id Engine::Impl::RandomLiveId(bool volatile_only, int table_filter, Id protect) {
  const Id first = slots.first();
  const Id end = slots.end();
  if (end <= first) return kNil;
  for (int i = 0; i < kRandomProbes; ++i) {
    const Id id = first + static_cast<Id>(rng() % (end - first));
    if (!slots.IsLive(id) || !Eligible(id, table_filter, protect)) continue;
    if (volatile_only && !HasTtl(E(id))) continue;
    return id;
  }
  return volatile_only ? WalkVolatile(table_filter, protect) : WalkLru(table_filter, protect);
}

// Picks the soonest deadline: exact to the millisecond on level 0, the best of up to
// kTtlCandidatesPerList entries on a coarser slot.
Id Engine::Impl::SoonestVolatile(int64_t now_ms, int table_filter, Id protect) {
  ProcessPending(now_ms, /*budget_us=*/-1, nullptr, nullptr);
  auto best_in = [&](Id s) -> Id {
    Id best = kNil;
    int64_t best_deadline = 0;
    int seen = 0;
    for (Id id = wheel.First(s); id != s && seen < kTtlCandidatesPerList; id = wheel.Next(id)) {
      if (!Eligible(id, table_filter, protect)) continue;
      ++seen;
      const int64_t d = Deadline(id);
      if (!best || d < best_deadline) {
        best = id;
        best_deadline = d;
      }
    }
    return best;
  };
  if (Id id = wheel.FindInLists(best_in)) return id;
  return WalkVolatile(table_filter, protect);
}

Id Engine::Impl::FindVictim(int64_t now_ms, int table_filter, Id protect) {
  switch (limits.policy) {
    case EvictionPolicy::kNoEviction:
      return kNil;
    case EvictionPolicy::kAllKeysLru:
      return WalkLru(table_filter, protect);
    case EvictionPolicy::kVolatileLru:
      return WalkVolatile(table_filter, protect);
    case EvictionPolicy::kAllKeysRandom:
      return RandomLiveId(false, table_filter, protect);
    case EvictionPolicy::kVolatileRandom:
      return RandomLiveId(true, table_filter, protect);
    case EvictionPolicy::kVolatileTtl:
      return SoonestVolatile(now_ms, table_filter, protect);
  }
  return kNil;
}

bool Engine::Impl::EvictForMemory(int64_t now_ms, Id protect) {
  while (OverMemory()) {
    if (limits.policy == EvictionPolicy::kNoEviction) return false;
    const Id victim = FindVictim(now_ms, -1, protect);
    if (!victim) return false;
    RemoveVictim(victim, now_ms);
  }
  return true;
}

void Engine::Impl::MakeRoomForKey(int table, int64_t now_ms, Id protect) {
  if (limits.maxkeys == 0 || limits.policy == EvictionPolicy::kNoEviction) return;
  Keyspace& ks = KeyspaceOf(table);
  while (ks.size() >= limits.maxkeys) {
    const Id victim = FindVictim(now_ms, table, protect);
    if (!victim) return;
    RemoveVictim(victim, now_ms);
  }
}

bool Engine::Impl::OverMaxKeys() const {
  if (limits.maxkeys == 0) return false;
  for (const Keyspace& ks : tables) {
    if (ks.size() > limits.maxkeys) return true;
  }
  return false;
}

bool Engine::Impl::EnforceMaxKeys(int64_t now_ms) {
  if (limits.maxkeys == 0) return true;
  bool ok = true;
  for (size_t t = 0; t < tables.size(); ++t) {
    while (tables[t].size() > limits.maxkeys) {
      const Id victim = limits.policy == EvictionPolicy::kNoEviction
                            ? kNil
                            : FindVictim(now_ms, static_cast<int>(t), kNil);
      if (!victim) {
        ok = false;
        break;
      }
      RemoveVictim(victim, now_ms);
    }
  }
  return ok;
}

}  // namespace lrukv::engine
