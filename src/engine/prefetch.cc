// Engine::Prefetch (engine.h). A lookup follows four dependent loads (bucket -> slot cell ->
// entry -> its recency neighbours' cells and entries for the LRU touch); done one request at
// a time, a pipelined batch waits for each miss in turn. Here each level is started for every
// key of the batch before the next level is read, so the misses of a level overlap.
#include <algorithm>

#include "src/engine/engine_impl.h"

namespace lrukv::engine {

using internal::Load32;

namespace {
// An entry's header and key usually span one or two cache lines.
inline void PrefetchEntry(const char* e) {
  __builtin_prefetch(e);
  __builtin_prefetch(e + 63);
}
}  // namespace

void Engine::Prefetch(int db, std::span<const std::string_view> keys) const {
  const Impl& m = *impl_;
  if (!m.ValidDb(db) || keys.empty()) return;
  const internal::Keyspace& ks = m.tables[static_cast<size_t>(m.TableOfDb(db))];
  const internal::HashTable& ht = ks.ht[0];  // while rehashing, unmoved keys are still here
  if (ht.size == 0) return;
  const size_t n = std::min(keys.size(), kMaxPrefetchKeys);

  const Id* bucket[kMaxPrefetchKeys];
  for (size_t i = 0; i < n; ++i) {
    bucket[i] = &ht.buckets[m.index.Hash(keys[i]) & (ht.size - 1)];
    __builtin_prefetch(bucket[i]);
  }
  Id id[kMaxPrefetchKeys];
  for (size_t i = 0; i < n; ++i) {
    id[i] = *bucket[i];
    if (id[i] != kNil) PrefetchEntry(m.E(id[i]));  // reads the slot cell, starts the entry
  }
  for (size_t i = 0; i < n; ++i) {
    if (id[i] == kNil) continue;
    // The touch rewrites the older neighbour's next link and the newer one's prev link.
    const char* e = m.E(id[i]);
    const Id older = Load32(e + internal::kOffPrev);
    const Id newer = Load32(e + internal::kOffNext);
    if (older != kNil) __builtin_prefetch(m.E(older) + internal::kOffNext);
    if (newer != kNil) __builtin_prefetch(m.E(newer) + internal::kOffPrev);
  }
}

}  // namespace lrukv::engine
