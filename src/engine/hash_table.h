// The per-database hash index from key to entry id: chained buckets (the chain link is the
// entry's first field), power-of-two tables that grow and shrink by incremental rehash as
// Redis's dict, the reverse-binary SCAN cursor and random picks. Entries and their memory are
// entry_arena.h's; expiry and LRU order are not seen here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>
#include <utility>

#include "src/engine/entry_arena.h"
#include "src/engine/entry_layout.h"
#include "src/engine/hash.h"

namespace lrukv::engine::internal {

inline constexpr uint64_t kInitialBuckets = 4;
// Buckets moved per keyspace operation while rehashing, as Redis's _dictRehashStep.
inline constexpr int kRehashStepsPerOp = 1;
// Empty buckets a rehash step may skip per bucket it should move, as Redis.
inline constexpr int kRehashEmptyVisits = 10;
// Shrink a table when fewer than 1 key per kShrinkRatio buckets are used.
inline constexpr uint64_t kShrinkRatio = 8;
// Random bucket probes before falling back to a walk (RANDOMKEY, random eviction).
inline constexpr int kRandomProbes = 64;

inline Id ChainNext(const char* e) { return Load32(e + kOffHNext); }
inline void SetChainNext(char* e, Id v) { Store32(e + kOffHNext, v); }

struct HashTable {
  Id* buckets = nullptr;
  uint64_t size = 0;  // a power of two, or 0
  uint64_t used = 0;
};

// One keyspace (what a db number maps to). Two tables while rehashing: ht[0] is drained
// into ht[1] bucket by bucket from rehash_idx; lookups consult both. The engine keeps its
// TTL bookkeeping here too.
struct Keyspace {
  HashTable ht[2];
  int64_t rehash_idx = -1;
  // The table a resize will move into, while its pages are being faulted in a few at a time
  // (HashIndex::PrefaultSteps); it becomes ht[1] once all are resident. Unused until then.
  HashTable next;
  uint64_t next_faulted_bytes = 0;
  uint64_t volatile_keys = 0;
  Int128 deadline_sum_ms = 0;
  uint64_t size() const { return ht[0].used + ht[1].used; }
  bool rehashing() const { return rehash_idx >= 0; }
};

// Bit-reversal of a 64-bit word (the SCAN cursor counts from the high bit down).
inline uint64_t Rev64(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  v = ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
  return __builtin_bswap64(v);
}

// The operations on Keyspaces; owns the bucket arrays' accounting.
class HashIndex {
 public:
  HashIndex(const SlotTable* slots, uint64_t seed) : slots_(slots), seed_(seed) {}
  ~HashIndex() { ReleaseRetired(UINT64_MAX); }
  HashIndex(const HashIndex&) = delete;
  HashIndex& operator=(const HashIndex&) = delete;

  uint64_t Hash(std::string_view key) const { return HashBytes(key.data(), key.size(), seed_); }
  // Every bucket array allocated, including retired ones not yet given back.
  uint64_t bytes() const { return table_bytes_; }

  // A big bucket array that a finished rehash leaves behind is not unmapped at once: tearing
  // down 16 MB of mapped pages takes ~16 ms on a VM, a stall for every client. It retires
  // instead, and ReleaseRetired gives back at most max_bytes of it per call (the engine's
  // background cycle calls it within its time budget). Returns the bytes still retired.
  uint64_t ReleaseRetired(uint64_t max_bytes);

  // The id of `key` (hash h) in ks, or kNil.
  Id Find(const Keyspace& ks, std::string_view key, uint64_t h) const;
  // Links `id` (hash h) into the table being filled; call MaybeGrow first.
  void Insert(Keyspace& ks, Id id, uint64_t h);
  void Remove(Keyspace& ks, Id id, uint64_t h);
  // Moves up to `n` non-empty buckets of ht[0] into ht[1]; true while rehashing remains.
  bool RehashSteps(Keyspace& ks, int n);
  // Faults in up to `pages` more pages of the table a resize will use, and starts the rehash
  // once all are in; true while pages remain. A fresh mapped table's pages would otherwise
  // fault in at random as the first inserts land in it: thousands of faults at ~6 us each
  // on this VM, tens of milliseconds of stall at a 32 MB table. The engine's background
  // cycle calls this within its time budget.
  bool PrefaultSteps(Keyspace& ks, uint64_t pages);
  // Makes the prepared table ht[1] and starts the rehash, faulted in or not.
  static void PromoteNext(Keyspace& ks);
  // Makes room for one more key: allocates the first table, or starts doubling it when full
  // unless expand_allowed(new_bucket_bytes) says no while chains are still short (Redis 7's
  // dictExpandAllowed, near maxmemory).
  template <typename Allowed>
  void MaybeGrow(Keyspace& ks, Allowed&& expand_allowed);
  // Sizes an empty keyspace's table for `keys` keys at once (a power of two >= keys), so a
  // bulk load neither doubles it step by step nor walks long chains meanwhile. Does nothing
  // once the keyspace has a table. Returns the bucket bytes that sizing would take.
  uint64_t ReserveBytes(const Keyspace& ks, uint64_t keys) const;
  void Reserve(Keyspace& ks, uint64_t keys);
  // Starts shrinking a table that uses fewer than 1 bucket in kShrinkRatio.
  void MaybeShrink(Keyspace& ks);
  // Frees both tables and resets ks (the caller has freed the entries).
  void Clear(Keyspace& ks);
  // fn(id) for every id in ks; fn may unlink or free the id it is given.
  template <typename Fn>
  void ForEachId(const Keyspace& ks, Fn&& fn) const;
  // One step of SCAN's reverse-binary cursor: visit_chain(first id) for bucket v of the small
  // table, then for every bucket of the large table that v expands to; returns the next
  // cursor (0 when done). Buckets already visited stay visited when a table doubles or halves.
  template <typename Fn>
  uint64_t ScanStep(const Keyspace& ks, uint64_t v, Fn&& visit_chain) const;
  // A random non-empty chain's first id (kNil if ks is empty): kRandomProbes random buckets
  // of both tables as one index space, then a walk from a random bucket.
  template <typename Rng>
  Id RandomChain(const Keyspace& ks, Rng& rng) const;

 private:
  char* E(Id id) const { return slots_->Get(id); }
  void AllocTable(HashTable* ht, uint64_t size);
  // Frees a table's bucket array: a mapped one retires when `retire`, else goes at once.
  void FreeTable(HashTable* ht, bool retire);
  void StartResize(Keyspace& ks, uint64_t new_size);

  // A mapped bucket array's first `bytes` still to unmap.
  struct Retired {
    char* base;
    uint64_t bytes;
  };

  const SlotTable* slots_;
  uint64_t seed_;
  uint64_t table_bytes_ = 0;
  std::vector<Retired> retired_;
};

inline constexpr uint64_t kPageBytes = 4096;
// Bucket arrays of at least this many bytes are mapped on their own (and can retire).
inline constexpr uint64_t kMappedTableBytes = 1 << 20;

template <typename Allowed>
void HashIndex::MaybeGrow(Keyspace& ks, Allowed&& expand_allowed) {
  if (ks.ht[0].size == 0) {
    AllocTable(&ks.ht[0], kInitialBuckets);
    return;
  }
  if (ks.rehashing()) return;
  if (ks.next.buckets != nullptr) {
    // Still faulting in: the background cycle does that. Only a table gone to two keys per
    // bucket meanwhile (a flood of inserts) starts the rehash now, its pages faulting lazily.
    if (ks.ht[0].used >= ks.ht[0].size * 2) PromoteNext(ks);
    return;
  }
  if (ks.ht[0].used < ks.ht[0].size) return;
  const uint64_t new_size = ks.ht[0].size * 2;
  if (ks.ht[0].used < ks.ht[0].size * 2 && !expand_allowed(new_size * sizeof(Id))) return;
  StartResize(ks, new_size);
}

template <typename Fn>
void HashIndex::ForEachId(const Keyspace& ks, Fn&& fn) const {
  for (int i = 0; i < 2; ++i) {
    const HashTable& ht = ks.ht[i];
    for (uint64_t b = 0; b < ht.size; ++b) {
      for (Id id = ht.buckets[b]; id;) {
        const Id next = ChainNext(E(id));
        fn(id);
        id = next;
      }
    }
  }
}

template <typename Fn>
uint64_t HashIndex::ScanStep(const Keyspace& ks, uint64_t v, Fn&& visit_chain) const {
  if (!ks.rehashing()) {
    const HashTable& t0 = ks.ht[0];
    const uint64_t m0 = t0.size - 1;
    visit_chain(t0.buckets[v & m0]);
    v |= ~m0;
    return Rev64(Rev64(v) + 1);
  }
  const HashTable* small = &ks.ht[0];
  const HashTable* large = &ks.ht[1];
  if (small->size > large->size) std::swap(small, large);
  const uint64_t m0 = small->size - 1;
  const uint64_t m1 = large->size - 1;
  visit_chain(small->buckets[v & m0]);
  do {
    visit_chain(large->buckets[v & m1]);
    v |= ~m1;
    v = Rev64(Rev64(v) + 1);
  } while (v & (m0 ^ m1));
  return v;
}

template <typename Rng>
Id HashIndex::RandomChain(const Keyspace& ks, Rng& rng) const {
  if (ks.size() == 0) return kNil;
  Id id = kNil;
  const uint64_t s0 = ks.ht[0].size;
  const uint64_t s1 = ks.ht[1].size;
  const uint64_t start = ks.rehashing() ? static_cast<uint64_t>(ks.rehash_idx) : 0;
  for (int probe = 0; probe < kRandomProbes && !id; ++probe) {
    const uint64_t i = start + rng() % (s0 + s1 - start);
    id = i < s0 ? ks.ht[0].buckets[i] : ks.ht[1].buckets[i - s0];
  }
  for (uint64_t i = 0, off = rng(); !id && i < s0 + s1; ++i) {
    const uint64_t j = (off + i) % (s0 + s1);
    id = j < s0 ? ks.ht[0].buckets[j] : ks.ht[1].buckets[j - s0];
  }
  return id;
}

}  // namespace lrukv::engine::internal
