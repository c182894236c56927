// HashIndex (see hash_table.h): bucket arrays, chains and incremental rehash.
#include "src/engine/hash_table.h"

#include <malloc.h>
#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <new>

namespace lrukv::engine::internal {

namespace {
uint64_t MappedBytes(uint64_t size) { return (size * sizeof(Id) + 4095) & ~uint64_t{4095}; }
}  // namespace

void HashIndex::AllocTable(HashTable* ht, uint64_t size) {
  if (size * sizeof(Id) >= kMappedTableBytes) {
    // Anonymous pages read as zero, so the array needs no clearing here.
    void* p = mmap(nullptr, MappedBytes(size), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    ht->buckets = static_cast<Id*>(p);
    table_bytes_ += MappedBytes(size);
  } else {
    ht->buckets = static_cast<Id*>(std::calloc(size, sizeof(Id)));
    if (!ht->buckets) throw std::bad_alloc();
    table_bytes_ += malloc_usable_size(ht->buckets);
  }
  ht->size = size;
  ht->used = 0;
}

namespace {
uint64_t BucketsFor(uint64_t keys) {
  uint64_t size = kInitialBuckets;
  while (size < keys) size *= 2;
  return size;
}
}  // namespace

uint64_t HashIndex::ReserveBytes(const Keyspace& ks, uint64_t keys) const {
  if (ks.ht[0].size != 0 || keys <= kInitialBuckets) return 0;
  return BucketsFor(keys) * sizeof(Id);
}

void HashIndex::Reserve(Keyspace& ks, uint64_t keys) {
  if (ReserveBytes(ks, keys) == 0) return;
  AllocTable(&ks.ht[0], BucketsFor(keys));
}

void HashIndex::FreeTable(HashTable* ht, bool retire) {
  if (ht->buckets) {
    if (ht->size * sizeof(Id) >= kMappedTableBytes) {
      retired_.push_back(Retired{reinterpret_cast<char*>(ht->buckets), MappedBytes(ht->size)});
      if (!retire) ReleaseRetired(UINT64_MAX);
    } else {
      table_bytes_ -= malloc_usable_size(ht->buckets);
      std::free(ht->buckets);
    }
  }
  *ht = HashTable{};
}

uint64_t HashIndex::ReleaseRetired(uint64_t max_bytes) {
  // 256 KB at a time: about a quarter of a millisecond of page teardown here.
  constexpr uint64_t kChunkBytes = 256 * 1024;
  uint64_t left = 0;
  while (!retired_.empty() && max_bytes > 0) {
    Retired& r = retired_.back();
    const uint64_t chunk = std::min({r.bytes, max_bytes, kChunkBytes});
    munmap(r.base + r.bytes - chunk, chunk);
    r.bytes -= chunk;
    table_bytes_ -= chunk;
    max_bytes -= chunk;
    if (r.bytes == 0) retired_.pop_back();
  }
  for (const Retired& r : retired_) left += r.bytes;
  return left;
}

Id HashIndex::Find(const Keyspace& ks, std::string_view key, uint64_t h) const {
  for (int i = 0; i < 2; ++i) {
    const HashTable& ht = ks.ht[i];
    if (ht.size == 0) continue;
    for (Id id = ht.buckets[h & (ht.size - 1)]; id;) {
      char* e = E(id);
      Parsed p = Parse(e);
      if (p.key_len == key.size() && std::memcmp(p.key, key.data(), key.size()) == 0) return id;
      id = ChainNext(e);
    }
    if (!ks.rehashing()) break;
  }
  return kNil;
}

void HashIndex::Insert(Keyspace& ks, Id id, uint64_t h) {
  HashTable& ht = ks.rehashing() ? ks.ht[1] : ks.ht[0];
  Id& bucket = ht.buckets[h & (ht.size - 1)];
  SetChainNext(E(id), bucket);
  bucket = id;
  ++ht.used;
}

void HashIndex::Remove(Keyspace& ks, Id id, uint64_t h) {
  for (int i = 0; i < 2; ++i) {
    HashTable& ht = ks.ht[i];
    if (ht.size == 0) continue;
    Id* link = &ht.buckets[h & (ht.size - 1)];
    Id prev = kNil;
    for (Id cur = *link; cur;) {
      char* e = E(cur);
      if (cur == id) {
        if (prev)
          SetChainNext(E(prev), ChainNext(e));
        else
          *link = ChainNext(e);
        --ht.used;
        return;
      }
      prev = cur;
      cur = ChainNext(e);
    }
  }
}

void HashIndex::StartResize(Keyspace& ks, uint64_t new_size) {
  if (ks.ht[0].size == 0) {
    AllocTable(&ks.ht[0], new_size);
    return;
  }
  AllocTable(&ks.next, new_size);
  ks.next_faulted_bytes = 0;
  // A small table came from calloc, cleared and so resident already.
  if (new_size * sizeof(Id) < kMappedTableBytes) PromoteNext(ks);
}

void HashIndex::PromoteNext(Keyspace& ks) {
  ks.ht[1] = ks.next;
  ks.next = HashTable{};
  ks.next_faulted_bytes = 0;
  ks.rehash_idx = 0;
}

bool HashIndex::PrefaultSteps(Keyspace& ks, uint64_t pages) {
  if (ks.next.buckets == nullptr) return false;
  const uint64_t bytes = ks.next.size * sizeof(Id);
  char* base = reinterpret_cast<char*>(ks.next.buckets);
  for (; pages > 0 && ks.next_faulted_bytes < bytes; --pages) {
    // Writing the zero the page already reads as makes it resident.
    *reinterpret_cast<volatile char*>(base + ks.next_faulted_bytes) = 0;
    ks.next_faulted_bytes += kPageBytes;
  }
  if (ks.next_faulted_bytes < bytes) return true;
  PromoteNext(ks);
  return false;
}

bool HashIndex::RehashSteps(Keyspace& ks, int n) {
  if (!ks.rehashing()) return false;
  int empty_visits = n * kRehashEmptyVisits;
  HashTable& from = ks.ht[0];
  HashTable& to = ks.ht[1];
  while (n-- > 0 && from.used != 0) {
    while (from.buckets[ks.rehash_idx] == kNil) {
      ++ks.rehash_idx;
      if (--empty_visits == 0) return true;
    }
    Id id = from.buckets[ks.rehash_idx];
    while (id) {
      char* e = E(id);
      const Id next = ChainNext(e);
      Parsed p = Parse(e);
      const uint64_t h = Hash({p.key, p.key_len});
      Id& bucket = to.buckets[h & (to.size - 1)];
      SetChainNext(e, bucket);
      bucket = id;
      --from.used;
      ++to.used;
      id = next;
    }
    from.buckets[ks.rehash_idx] = kNil;
    ++ks.rehash_idx;
  }
  if (from.used == 0) {
    FreeTable(&ks.ht[0], /*retire=*/true);
    ks.ht[0] = ks.ht[1];
    ks.ht[1] = HashTable{};
    ks.rehash_idx = -1;
    return false;
  }
  return true;
}

void HashIndex::MaybeShrink(Keyspace& ks) {
  if (ks.rehashing() || ks.next.buckets != nullptr || ks.ht[0].size <= kInitialBuckets) return;
  if (ks.ht[0].used * kShrinkRatio >= ks.ht[0].size) return;
  const uint64_t target = std::max<uint64_t>(kInitialBuckets, std::bit_ceil(ks.ht[0].used));
  StartResize(ks, target);
}

void HashIndex::Clear(Keyspace& ks) {
  FreeTable(&ks.ht[0], /*retire=*/false);
  FreeTable(&ks.ht[1], /*retire=*/false);
  FreeTable(&ks.next, /*retire=*/false);
  ks = Keyspace{};
}

}  // namespace lrukv::engine::internal
