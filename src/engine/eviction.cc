// Eviction: the policy names, and how Engine::Impl picks victims to get back under maxmemory
// and maxkeys (exact LRU for allkeys-lru; for volatile-* the LRU walk, the expiry index and
// Redis-style sampling).
// Expired keys met as victims count as expired, the rest as evicted.
#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "src/engine/engine_impl.h"

namespace lrukv::engine {

using namespace internal;  // NOLINT: the engine's own internals

namespace {
// volatile-lru walks this many of the oldest keys for one with a TTL before sampling.
constexpr size_t kVolatileLruWalk = 1024;
// Keys with a TTL sampled by volatile-lru (and volatile-ttl when the soonest is not eligible),
// as Redis's maxmemory-samples default.
constexpr int kVolatileSamples = 5;
// Index records tried when picking one random key with a TTL.
constexpr int kVolatileProbes = 16;
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

Id Engine::Impl::WalkVolatile(int table_filter, Id protect, size_t limit) const {
  for (Id id = lru.tail(); id && limit > 0; id = lru.Newer(id), --limit) {
    if (HasTtl(E(id)) && Eligible(id, table_filter, protect)) return id;
  }
  return kNil;
}

Id Engine::Impl::RandomLiveId(int table_filter, Id protect) {
  const Id first = slots.first();
  const Id end = slots.end();
  if (end <= first) return kNil;
  for (int i = 0; i < kRandomProbes; ++i) {
    const Id id = first + static_cast<Id>(rng() % (end - first));
    if (slots.IsLive(id) && Eligible(id, table_filter, protect)) return id;
  }
  return WalkLru(table_filter, protect);
}

template <typename Better>
Id Engine::Impl::PickVolatile(int table_filter, Id protect, Better&& better) {
  constexpr bool kUniform = std::is_same_v<std::decay_t<Better>, std::nullptr_t>;
  for (int probe = 0; probe < kVolatileProbes && !expiry.empty(); ++probe) {
    const ExpiryRecord& r = expiry.at(rng() % expiry.size());
    if (r.large()) {
      const Id id = r.id();
      if (slots.IsLive(id) && IsLarge(E(id)) && HasTtl(E(id)) &&
          Eligible(id, table_filter, protect)) {
        return id;
      }
      continue;
    }
    PageHeader* page = r.page();
    if (!EntryArena::InUse(page)) continue;
    Id pick = kNil;
    uint64_t seen = 0;
    for (size_t i = 0, n = arena.SlotsInUse(page); i < n; ++i) {
      char* e = arena.Slot(page, i);
      if (IsFreeSlot(e) || !HasTtl(e)) continue;
      const Id id = IdOf(e);
      if (!Eligible(id, table_filter, protect)) continue;
      if constexpr (kUniform) {
        if (rng() % ++seen == 0) pick = id;  // reservoir of one
      } else {
        if (!pick || better(id, pick)) pick = id;
      }
    }
    if (pick) return pick;
  }
  return kNil;
}

template <typename Better>
Id Engine::Impl::SampleVolatile(int table_filter, Id protect, Better&& better) {
  Id best = kNil;
  for (int i = 0; i < kVolatileSamples; ++i) {
    const Id id = PickVolatile(table_filter, protect, better);
    if (id && (!best || better(id, best))) best = id;
  }
  if (best) return best;
  // Nothing found at random (keys with a TTL are rare, or only ineligible ones are indexed
  // nearby): the exact walk.
  return WalkVolatile(table_filter, protect, SIZE_MAX);
}

Id Engine::Impl::VolatileLru(int table_filter, Id protect) {
  if (!AnyVolatile(table_filter)) return kNil;
  if (Id id = WalkVolatile(table_filter, protect, kVolatileLruWalk)) return id;
  return SampleVolatile(table_filter, protect, [&](Id a, Id b) {
    return Load32(E(a) + kOffAccess) < Load32(E(b) + kOffAccess);
  });
}

// The soonest deadline: makes the heap's top exact (rescanning the page it names until the
// recorded minimum is the page's true one), then takes that page's soonest key.
Id Engine::Impl::SoonestVolatile(int table_filter, Id protect) {
  if (!AnyVolatile(table_filter)) return kNil;
  while (!expiry.empty()) {
    const ExpiryRecord r = expiry.top();
    if (!RecordValid(r)) {
      expiry.Pop();
      continue;
    }
    if (r.large()) {
      if (Eligible(r.id(), table_filter, protect)) return r.id();
      break;
    }
    PageHeader* page = r.page();
    int64_t true_min = kNoDeadline;
    Id best = kNil;
    int64_t best_deadline = kNoDeadline;
    for (size_t i = 0, n = arena.SlotsInUse(page); i < n; ++i) {
      char* e = arena.Slot(page, i);
      if (IsFreeSlot(e) || !HasTtl(e)) continue;
      const int64_t d = Load64(Parse(e).ttl + kTtlDeadline);
      true_min = std::min(true_min, d);
      if (d < best_deadline) {
        const Id id = IdOf(e);
        if (Eligible(id, table_filter, protect)) {
          best = id;
          best_deadline = d;
        }
      }
    }
    if (true_min != r.deadline_ms) {  // stale-early minimum: file the true one and look again
      expiry.Pop();
      page->min_deadline_ms = true_min;
      if (true_min != kNoDeadline) expiry.Push({true_min, r.unit});
      continue;
    }
    if (best && best_deadline == true_min) return best;
    break;  // the soonest key is protected or in another db
  }
  return SampleVolatile(table_filter, protect,
                        [&](Id a, Id b) { return Deadline(a) < Deadline(b); });
}

Id Engine::Impl::FindVictim(int64_t now_ms, int table_filter, Id protect) {
  (void)now_ms;
  switch (limits.policy) {
    case EvictionPolicy::kNoEviction:
      return kNil;
    case EvictionPolicy::kAllKeysLru:
      return WalkLru(table_filter, protect);
    case EvictionPolicy::kVolatileLru:
      return VolatileLru(table_filter, protect);
    case EvictionPolicy::kAllKeysRandom:
      return RandomLiveId(table_filter, protect);
    case EvictionPolicy::kVolatileRandom:
      if (!AnyVolatile(table_filter)) return kNil;
      if (Id id = PickVolatile(table_filter, protect, nullptr)) return id;
      return WalkVolatile(table_filter, protect, SIZE_MAX);
    case EvictionPolicy::kVolatileTtl:
      return SoonestVolatile(table_filter, protect);
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

void Engine::Impl::MakeRoomForKey(int table, int64_t now_ms, Id protect, uint64_t new_keys) {
  if (limits.maxkeys == 0 || limits.policy == EvictionPolicy::kNoEviction) return;
  Keyspace& ks = KeyspaceOf(table);
  while (ks.size() + new_keys > limits.maxkeys) {
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
