// Engine implementation: entries, hash tables with incremental rehash, the global LRU list,
// the volatile LRU list, the expiry wheel, eviction and memory accounting. The public contract
// is in engine.h; this file explains the layout.
//
// Memory layout. Every key is ONE entry addressed by a 32-bit id through a paged slot table
// (id -> pointer). An entry for key "key:0000001" (11 bytes) with a 16-byte value:
//
//   offset  0  u32 hash-chain next id        offset 16  u16 keyspace (table) index
//   offset  4  u32 LRU prev id (older)       offset 18  u8  flags (kFlagTtl, kFlagLarge)
//   offset  8  u32 LRU next id (newer)       offset 19  varint key_len, varint value_len
//   offset 12  u32 last access, unix seconds then key bytes, value bytes
//   (flags also hold the value bits kFlagInPlace and kFlagHint, see EntryView)
//   [if kFlagTtl: 24-byte trailer: i64 deadline_ms, u32 vprev, u32 vnext, u32 wprev, u32 wnext]
//
// = 19 + 1 + 1 + 11 + 16 = 48 bytes, a slot of the 48-byte size class of the entry arena
// (entries up to 512 bytes; larger ones are malloc'd alone). Add 8 bytes of slot table and
// ~4 bytes of bucket per key: ~60 bytes per key in used_memory() and in RSS. A TTL adds the
// 24-byte trailer.
//
// Lists are intrusive and linked by id (0 = none): the global LRU (every key), the volatile LRU
// (keys with a TTL, links in the trailer) and the expiry wheel (trailer links). The wheel's lists
// are circular through sentinel ids 1..kNumSentinels, so an entry can be unlinked in O(1) without
// knowing which slot holds it and a whole slot can be spliced elsewhere in O(1).
#include "src/engine/engine.h"

#include <malloc.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <random>
#include <vector>

#include "src/engine/hash.h"

namespace lrukv::engine {
namespace {

using Id = uint32_t;
constexpr Id kNil = 0;

__extension__ using Int128 = __int128;

// ---- Entry layout ----
constexpr size_t kOffHNext = 0;
constexpr size_t kOffPrev = 4;
constexpr size_t kOffNext = 8;
constexpr size_t kOffAccess = 12;
constexpr size_t kOffTable = 16;
constexpr size_t kOffFlags = 18;
constexpr size_t kOffVarints = 19;
constexpr uint8_t kFlagTtl = 1;
constexpr uint8_t kFlagLarge = 2;   // malloc'd on its own (else: a slot of a size class)
constexpr uint8_t kFlagInPlace = 4;  // EntryView::modified_in_place
constexpr uint8_t kFlagHint = 8;     // EntryView::value_hint
constexpr uint8_t kValueBits = kFlagInPlace | kFlagHint;
constexpr uint8_t kFlagHole = 0xFF;     // a freed slot waiting for compaction
constexpr uint8_t kFlagTrimmed = 0xFE;  // a freed slot already cut off the class's end
constexpr size_t kTtlBytes = 24;
constexpr size_t kTtlDeadline = 0;
constexpr size_t kTtlVPrev = 8;
constexpr size_t kTtlVNext = 12;
constexpr size_t kTtlWPrev = 16;
constexpr size_t kTtlWNext = 20;

inline uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline void Store32(char* p, uint32_t v) { std::memcpy(p, &v, 4); }
inline uint16_t Load16(const char* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
inline void Store16(char* p, uint16_t v) { std::memcpy(p, &v, 2); }
inline int64_t Load64(const char* p) {
  int64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline void Store64(char* p, int64_t v) { std::memcpy(p, &v, 8); }

inline size_t VarintLen(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
inline char* PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}
inline const char* GetVarint(const char* p, uint64_t* v) {
  uint64_t result = 0;
  int shift = 0;
  while (true) {
    const auto byte = static_cast<uint8_t>(*p++);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) break;
    shift += 7;
  }
  *v = result;
  return p;
}

inline size_t EntrySize(size_t key_len, size_t value_len, bool ttl) {
  return kOffVarints + VarintLen(key_len) + VarintLen(value_len) + key_len + value_len +
         (ttl ? kTtlBytes : 0);
}

// The decoded view of an entry's variable part.
struct Parsed {
  char* key;
  size_t key_len;
  char* value;
  size_t value_len;
  char* ttl;  // the trailer, or nullptr
};

inline Parsed Parse(char* e) {
  uint64_t klen;
  uint64_t vlen;
  const char* p = GetVarint(e + kOffVarints, &klen);
  p = GetVarint(p, &vlen);
  Parsed out;
  out.key = e + (p - e);
  out.key_len = klen;
  out.value = out.key + klen;
  out.value_len = vlen;
  out.ttl = (static_cast<uint8_t>(e[kOffFlags]) & kFlagTtl) ? out.value + vlen : nullptr;
  return out;
}

inline bool HasTtl(const char* e) { return static_cast<uint8_t>(e[kOffFlags]) & kFlagTtl; }

uint64_t Rev64(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  v = ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
  return __builtin_bswap64(v);
}

// ---- Slot table: id -> entry pointer, in pages so growth never copies a big array ----
class SlotTable {
 public:
  static constexpr uint32_t kPageShift = 14;  // 16384 ids (128 KiB) per page
  static constexpr uint32_t kPageIds = 1u << kPageShift;

  explicit SlotTable(Id first_id) : first_id_(first_id), next_unused_(first_id) {}
  ~SlotTable() { Clear(); }
  SlotTable(const SlotTable&) = delete;
  SlotTable& operator=(const SlotTable&) = delete;

  char* Get(Id id) const {
    return reinterpret_cast<char*>(pages_[id >> kPageShift][id & (kPageIds - 1)]);
  }
  void Put(Id id, char* e) {
    pages_[id >> kPageShift][id & (kPageIds - 1)] = reinterpret_cast<uintptr_t>(e);
  }
  // Live ids hold an aligned pointer; free ids hold (next_free << 1) | 1; never-used ids 0.
  bool IsLive(Id id) const {
    if (id < first_id_ || id >= next_unused_) return false;
    const uintptr_t v = pages_[id >> kPageShift][id & (kPageIds - 1)];
    return v != 0 && !(v & 1);
  }
  Id Allocate(char* e) {
    Id id;
    if (free_head_ != kNil) {
      id = free_head_;
      free_head_ = static_cast<Id>(pages_[id >> kPageShift][id & (kPageIds - 1)] >> 1);
    } else {
      if (next_unused_ == std::numeric_limits<Id>::max()) throw std::bad_alloc();
      id = next_unused_++;
      if ((id >> kPageShift) >= pages_.size()) {
        auto* page = static_cast<uintptr_t*>(std::calloc(kPageIds, sizeof(uintptr_t)));
        if (!page) throw std::bad_alloc();
        pages_.push_back(page);
      }
    }
    Put(id, e);
    return id;
  }
  void Release(Id id) {
    pages_[id >> kPageShift][id & (kPageIds - 1)] = (static_cast<uintptr_t>(free_head_) << 1) | 1;
    free_head_ = id;
  }
  Id end() const { return next_unused_; }
  Id first() const { return first_id_; }
  uint64_t bytes() const {
    return pages_.size() * kPageIds * sizeof(uintptr_t) + pages_.capacity() * sizeof(void*);
  }
  // Forgets every id (the caller has freed the entries).
  void Clear() {
    for (auto* page : pages_) std::free(page);
    pages_.clear();
    pages_.shrink_to_fit();
    free_head_ = kNil;
    next_unused_ = first_id_;
  }

 private:
  std::vector<uintptr_t*> pages_;
  Id first_id_;
  Id free_head_ = kNil;
  Id next_unused_;
};

// ---- Hash tables ----
struct HashTable {
  Id* buckets = nullptr;
  uint64_t size = 0;  // a power of two, or 0
  uint64_t used = 0;
};

// One keyspace (what a db number maps to). Two tables while rehashing: ht[0] is drained
// into ht[1] bucket by bucket from rehash_idx; lookups consult both.
struct Keyspace {
  HashTable ht[2];
  int64_t rehash_idx = -1;
  uint64_t volatile_keys = 0;
  Int128 deadline_sum_ms = 0;
  uint64_t size() const { return ht[0].used + ht[1].used; }
  bool rehashing() const { return rehash_idx >= 0; }
};

constexpr uint64_t kInitialBuckets = 4;
// Buckets moved per keyspace operation while rehashing, as Redis's _dictRehashStep.
constexpr int kRehashStepsPerOp = 1;
// Empty buckets a rehash step may skip per bucket it should move, as Redis.
constexpr int kRehashEmptyVisits = 10;
// Shrink a table when fewer than 1 key per kShrinkRatio buckets are used.
constexpr uint64_t kShrinkRatio = 8;
// The most wall time one ActiveExpireCycle spends on incremental rehash, microseconds.
constexpr int64_t kCycleRehashUs = 1000;

// ---- Expiry wheel geometry ----
// Level L has 256 slots of 256^L ms each: level 0 = 1 ms slots (256 ms span), level 1 =
// 256 ms (65.5 s), level 2 = 65.5 s (4.7 h), level 3 = 4.7 h (49.7 days), level 4 = 49.7 days
// (34.8 years), level 5 = 34.8 years. Example: with the wheel at t = 1'000'000 ms, a deadline of
// 1'000'100 ms shares every bit above bit 8 with t, so it lands on level 0, slot
// 1'000'100 & 255 = 172; a deadline 30 s later differs above bit 8 but not above bit 16, so it
// lands on level 1, slot (d >> 8) & 255. When the wheel passes a slot's start, the slot's whole
// list is spliced into the pending list in O(1); ActiveExpireCycle walks the pending list within
// its budget, reclaiming due keys and re-filing the rest on a lower level.
constexpr int kWheelLevels = 6;
constexpr int kWheelSlots = 256;
constexpr Id kSentinelPending = 1 + kWheelLevels * kWheelSlots;
constexpr Id kSentinelOverflow = kSentinelPending + 1;  // deadlines beyond level 5
constexpr Id kSentinelWork = kSentinelOverflow + 1;     // what one cycle is walking
constexpr Id kNumSentinels = kSentinelWork;             // sentinel ids are 1..kNumSentinels
constexpr Id kFirstEntryId = kNumSentinels + 1;

inline Id WheelSentinel(int level, int slot) { return 1 + level * kWheelSlots + slot; }

// How often ActiveExpireCycle looks at the wall clock, in keys examined.
constexpr size_t kClockCheckEveryKeys = 16;
// Candidates examined per wheel list when looking for the soonest deadline (volatile-ttl).
constexpr int kTtlCandidatesPerList = 64;
// Random probes before falling back to a list walk (random policies).
constexpr int kRandomProbes = 64;

enum class Removal { kDeleted, kExpired, kEvicted, kSilent };

// ---- Entry arena ----
// Entries up to kMaxSmallEntry bytes live in size classes of 8-byte steps, packed densely in
// pages: class 6 holds 48-byte entries, 341 per 16 KiB page. A freed slot becomes a hole; at
// the end of a mutating call (never inside one, so pointers taken there stay valid) the last
// entry of the class moves into each hole, so a class never holds more than its live entries
// plus one partly used page and one spare. Bigger entries are malloc'd alone.
constexpr size_t kMaxSmallEntry = 512;
constexpr size_t kArenaPageBytes = 16384;
inline size_t RoundUp8(size_t n) { return (n + 7) & ~size_t{7}; }

struct SizeClass {
  std::vector<char*> pages;
  std::vector<char*> holes;
  uint64_t count = 0;  // slots [0, count) are live entries or holes
  uint32_t slot_bytes = 0;
  uint32_t per_page = 0;
  char* SlotAddr(uint64_t i) const {
    return pages[i / per_page] + (i % per_page) * slot_bytes;
  }
};

}  // namespace

// ---- Policies ----
std::string_view PolicyName(EvictionPolicy policy) {
  switch (policy) {
    case EvictionPolicy::kNoEviction: return "noeviction";
    case EvictionPolicy::kAllKeysLru: return "allkeys-lru";
    case EvictionPolicy::kVolatileLru: return "volatile-lru";
    case EvictionPolicy::kAllKeysRandom: return "allkeys-random";
    case EvictionPolicy::kVolatileRandom: return "volatile-random";
    case EvictionPolicy::kVolatileTtl: return "volatile-ttl";
  }
  return "noeviction";
}

std::optional<EvictionPolicy> ParsePolicy(std::string_view name) {
  for (auto p : {EvictionPolicy::kNoEviction, EvictionPolicy::kAllKeysLru,
                 EvictionPolicy::kVolatileLru, EvictionPolicy::kAllKeysRandom,
                 EvictionPolicy::kVolatileRandom, EvictionPolicy::kVolatileTtl}) {
    const std::string_view n = PolicyName(p);
    if (n.size() == name.size() &&
        std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
        })) {
      return p;
    }
  }
  return std::nullopt;
}

struct Engine::Impl {
  Impl(const Clock& c, int dbs)
      : clock(c), databases(dbs), slots(kFirstEntryId), tables(static_cast<size_t>(dbs)) {
    std::random_device rd;
    seed = (static_cast<uint64_t>(rd()) << 32) ^ rd();
    rng.seed((static_cast<uint64_t>(rd()) << 32) ^ rd());
    for (int i = 0; i < dbs; ++i) {
      db_to_table.push_back(i);
      table_to_db.push_back(i);
    }
    for (Id s = 1; s <= kNumSentinels; ++s) sent_prev[s] = sent_next[s] = s;
    wheel_cur = std::max<int64_t>(0, clock.NowMs());
  }

  ~Impl() {
    for (Keyspace& ks : tables) {
      ForEachIdInKeyspace(ks, [&](Id id) {
        char* e = slots.Get(id);
        if (static_cast<uint8_t>(e[kOffFlags]) & kFlagLarge) std::free(e);
      });
      std::free(ks.ht[0].buckets);
      std::free(ks.ht[1].buckets);
    }
    ResetArena();
  }

  const Clock& clock;
  int databases;
  Limits limits;
  KeyspaceObserver* observer = nullptr;
  Stats stats;
  uint64_t seed = 0;
  std::mt19937_64 rng;
  SlotTable slots;
  std::vector<Keyspace> tables;
  std::vector<int> db_to_table;
  std::vector<int> table_to_db;
  Id lru_head = kNil;  // most recent
  Id lru_tail = kNil;  // least recent
  Id vol_head = kNil;
  Id vol_tail = kNil;
  uint64_t total_keys = 0;
  uint64_t total_volatile = 0;
  uint64_t entry_bytes = 0;  // malloc_usable_size of large entries + slot bytes of small ones
  uint64_t arena_bytes = 0;  // pages of the size classes
  std::vector<SizeClass> classes = MakeClasses();
  bool has_holes = false;
  uint64_t table_bytes = 0;
  uint64_t cycle_us_total = 0;
  int64_t wheel_cur = 0;  // every deadline < wheel_cur has left the wheel slots
  uint64_t wheel_bits[kWheelLevels][kWheelSlots / 64] = {};
  Id sent_prev[kNumSentinels + 1] = {};
  Id sent_next[kNumSentinels + 1] = {};
  std::vector<Id> scratch;

  // ---- Entry field access ----
  char* E(Id id) const { return slots.Get(id); }
  static Id HNext(const char* e) { return Load32(e + kOffHNext); }
  static void SetHNext(char* e, Id v) { Store32(e + kOffHNext, v); }
  Id Prev(Id id) const { return Load32(E(id) + kOffPrev); }
  Id Next(Id id) const { return Load32(E(id) + kOffNext); }
  void SetPrev(Id id, Id v) { Store32(E(id) + kOffPrev, v); }
  void SetNext(Id id, Id v) { Store32(E(id) + kOffNext, v); }
  static int TableOf(const char* e) { return Load16(e + kOffTable); }
  char* Ttl(Id id) const { return Parse(E(id)).ttl; }
  int64_t Deadline(Id id) const {
    char* t = Ttl(id);
    return t ? Load64(t + kTtlDeadline) : kNoExpiry;
  }
  // As Redis's keyIsExpired: a key is still live during the millisecond of its deadline.
  static bool IsExpired(char* e, int64_t now_ms) {
    if (!HasTtl(e)) return false;
    return Load64(Parse(e).ttl + kTtlDeadline) < now_ms;
  }
  uint64_t HashKey(std::string_view key) const { return HashBytes(key.data(), key.size(), seed); }
  std::string_view KeyOf(Id id) const {
    Parsed p = Parse(E(id));
    return {p.key, p.key_len};
  }
  EntryView View(Id id) const {
    char* e = E(id);
    Parsed p = Parse(e);
    EntryView v;
    v.key = {p.key, p.key_len};
    v.value = {p.value, p.value_len};
    v.expire_at_ms = p.ttl ? Load64(p.ttl + kTtlDeadline) : kNoExpiry;
    v.last_access_ms = static_cast<int64_t>(Load32(e + kOffAccess)) * 1000;
    const auto flags = static_cast<uint8_t>(e[kOffFlags]);
    v.modified_in_place = flags & kFlagInPlace;
    v.value_hint = flags & kFlagHint;
    return v;
  }
  int TableOfDb(int db) const { return db_to_table[static_cast<size_t>(db)]; }
  bool ValidDb(int db) const { return db >= 0 && db < databases; }

  // ---- Global LRU list ----
  void LruUnlink(Id id) {
    const Id p = Prev(id);
    const Id n = Next(id);
    if (p) SetNext(p, n); else lru_tail = n;
    if (n) SetPrev(n, p); else lru_head = p;
  }
  void LruPushHead(Id id) {
    SetPrev(id, lru_head);
    SetNext(id, kNil);
    if (lru_head) SetNext(lru_head, id); else lru_tail = id;
    lru_head = id;
  }

  // ---- Volatile LRU list (trailer links) ----
  Id VPrev(Id id) const { return Load32(Ttl(id) + kTtlVPrev); }
  Id VNext(Id id) const { return Load32(Ttl(id) + kTtlVNext); }
  void SetVPrev(Id id, Id v) { Store32(Ttl(id) + kTtlVPrev, v); }
  void SetVNext(Id id, Id v) { Store32(Ttl(id) + kTtlVNext, v); }
  void VolUnlink(Id id) {
    const Id p = VPrev(id);
    const Id n = VNext(id);
    if (p) SetVNext(p, n); else vol_tail = n;
    if (n) SetVPrev(n, p); else vol_head = p;
  }
  void VolPushHead(Id id) {
    SetVPrev(id, vol_head);
    SetVNext(id, kNil);
    if (vol_head) SetVNext(vol_head, id); else vol_tail = id;
    vol_head = id;
  }

  void Touch(Id id, int64_t now_ms) {
    char* e = E(id);
    Store32(e + kOffAccess, static_cast<uint32_t>(std::max<int64_t>(0, now_ms / 1000)));
    if (lru_head != id) {
      LruUnlink(id);
      LruPushHead(id);
    }
    if (HasTtl(e) && vol_head != id) {
      VolUnlink(id);
      VolPushHead(id);
    }
  }

  // ---- Expiry wheel lists (circular, through sentinels) ----
  Id WPrev(Id id) const { return id <= kNumSentinels ? sent_prev[id] : Load32(Ttl(id) + kTtlWPrev); }
  Id WNext(Id id) const { return id <= kNumSentinels ? sent_next[id] : Load32(Ttl(id) + kTtlWNext); }
  void SetWPrev(Id id, Id v) {
    if (id <= kNumSentinels) sent_prev[id] = v; else Store32(Ttl(id) + kTtlWPrev, v);
  }
  void SetWNext(Id id, Id v) {
    if (id <= kNumSentinels) sent_next[id] = v; else Store32(Ttl(id) + kTtlWNext, v);
  }
  bool ListEmpty(Id s) const { return sent_next[s] == s; }
  void SetBit(Id s) {
    if (s < kSentinelPending) {
      const Id i = s - 1;
      wheel_bits[i / kWheelSlots][(i % kWheelSlots) / 64] |= 1ull << (i % 64);
    }
  }
  void ClearBit(Id s) {
    if (s < kSentinelPending) {
      const Id i = s - 1;
      wheel_bits[i / kWheelSlots][(i % kWheelSlots) / 64] &= ~(1ull << (i % 64));
    }
  }
  void WPushBack(Id s, Id id) {
    const Id last = sent_prev[s];
    SetWNext(last, id);
    SetWPrev(id, last);
    SetWNext(id, s);
    sent_prev[s] = id;
    SetBit(s);
  }
  // Unlinks `id` from whatever wheel list holds it and leaves it linked to itself.
  void WUnlink(Id id) {
    const Id p = WPrev(id);
    const Id n = WNext(id);
    if (p == id) return;  // not on a list
    SetWNext(p, n);
    SetWPrev(n, p);
    if (p == n && p <= kNumSentinels) ClearBit(p);
    SetWPrev(id, id);
    SetWNext(id, id);
  }
  // Appends every entry of list `from` to the end of list `to` (or its front), in O(1).
  void Splice(Id from, Id to, bool to_front = false) {
    if (ListEmpty(from)) return;
    const Id first = sent_next[from];
    const Id last = sent_prev[from];
    if (to_front) {
      const Id head = sent_next[to];
      SetWPrev(first, to);
      sent_next[to] = first;
      SetWNext(last, head);
      SetWPrev(head, last);
    } else {
      const Id tail = sent_prev[to];
      SetWNext(tail, first);
      SetWPrev(first, tail);
      SetWNext(last, to);
      sent_prev[to] = last;
    }
    sent_next[from] = sent_prev[from] = from;
    ClearBit(from);
    SetBit(to);
  }
  Id SlotFor(int64_t deadline_ms) const {
    if (deadline_ms < wheel_cur) return kSentinelPending;
    const auto d = static_cast<uint64_t>(deadline_ms);
    const auto c = static_cast<uint64_t>(wheel_cur);
    for (int level = 0; level < kWheelLevels; ++level) {
      const int shift = 8 * (level + 1);
      if ((d >> shift) == (c >> shift)) {
        return WheelSentinel(level, static_cast<int>((d >> (8 * level)) & 255));
      }
    }
    return kSentinelOverflow;
  }
  void Schedule(Id id, int64_t deadline_ms) { WPushBack(SlotFor(deadline_ms), id); }
  // The start of the next wheel slot that holds entries, after wheel_cur's own level-0 slot;
  // INT64_MAX if the wheel slots are empty.
  int64_t NextEventTime() const {
    const auto c = static_cast<uint64_t>(wheel_cur);
    for (int level = 0; level < kWheelLevels; ++level) {
      const int idx = static_cast<int>((c >> (8 * level)) & 255);
      for (int word = idx / 64; word < kWheelSlots / 64; ++word) {
        uint64_t bits = wheel_bits[level][word];
        if (word == idx / 64) bits &= (idx % 64 == 63) ? 0 : (~0ull << (idx % 64 + 1));
        if (bits) {
          const uint64_t j = static_cast<uint64_t>(word * 64 + std::countr_zero(bits));
          const int up = 8 * (level + 1);
          const uint64_t base = up >= 64 ? 0 : ((c >> up) << up);
          return static_cast<int64_t>(base + (j << (8 * level)));
        }
      }
    }
    if (!ListEmpty(kSentinelOverflow)) {
      const int top = 8 * kWheelLevels;
      return static_cast<int64_t>(((c >> top) + 1) << top);
    }
    return std::numeric_limits<int64_t>::max();
  }
  // When the wheel reaches t, the higher-level slots starting at t go to the pending list.
  void CascadeAt(int64_t t) {
    const auto u = static_cast<uint64_t>(t);
    for (int level = 1; level < kWheelLevels; ++level) {
      const uint64_t span = 1ull << (8 * level);
      if (u % span != 0) break;
      Splice(WheelSentinel(level, static_cast<int>((u >> (8 * level)) & 255)), kSentinelPending);
    }
    if (u % (1ull << (8 * kWheelLevels)) == 0) Splice(kSentinelOverflow, kSentinelPending);
  }
  // Moves every wheel slot whose time is <= now_ms to the pending list; O(slots passed).
  void Collect(int64_t now_ms) {
    while (wheel_cur <= now_ms) {
      Splice(WheelSentinel(0, static_cast<int>(wheel_cur & 255)), kSentinelPending);
      const int64_t t = NextEventTime();
      if (t > now_ms) {
        if (t == now_ms + 1) {
          wheel_cur = t;
          CascadeAt(t);
        } else {
          wheel_cur = now_ms + 1;
        }
        break;
      }
      wheel_cur = t;
      CascadeAt(t);
    }
  }

  // ---- Hash table operations ----
  void AllocTable(HashTable* ht, uint64_t size) {
    ht->buckets = static_cast<Id*>(std::calloc(size, sizeof(Id)));
    if (!ht->buckets) throw std::bad_alloc();
    ht->size = size;
    ht->used = 0;
    table_bytes += malloc_usable_size(ht->buckets);
  }
  void FreeTable(HashTable* ht) {
    if (ht->buckets) {
      table_bytes -= malloc_usable_size(ht->buckets);
      std::free(ht->buckets);
    }
    *ht = HashTable{};
  }
  Id Find(const Keyspace& ks, std::string_view key, uint64_t h) const {
    for (int i = 0; i < 2; ++i) {
      const HashTable& ht = ks.ht[i];
      if (ht.size == 0) continue;
      for (Id id = ht.buckets[h & (ht.size - 1)]; id; ) {
        char* e = E(id);
        Parsed p = Parse(e);
        if (p.key_len == key.size() && std::memcmp(p.key, key.data(), key.size()) == 0) return id;
        id = HNext(e);
      }
      if (!ks.rehashing()) break;
    }
    return kNil;
  }
  void ChainInsert(Keyspace& ks, Id id, uint64_t h) {
    HashTable& ht = ks.rehashing() ? ks.ht[1] : ks.ht[0];
    Id& bucket = ht.buckets[h & (ht.size - 1)];
    SetHNext(E(id), bucket);
    bucket = id;
    ++ht.used;
  }
  void ChainRemove(Keyspace& ks, Id id, uint64_t h) {
    for (int i = 0; i < 2; ++i) {
      HashTable& ht = ks.ht[i];
      if (ht.size == 0) continue;
      Id* link = &ht.buckets[h & (ht.size - 1)];
      Id prev = kNil;
      for (Id cur = *link; cur; ) {
        char* e = E(cur);
        if (cur == id) {
          if (prev) SetHNext(E(prev), HNext(e)); else *link = HNext(e);
          --ht.used;
          return;
        }
        prev = cur;
        cur = HNext(e);
      }
    }
  }
  void StartResize(Keyspace& ks, uint64_t new_size) {
    if (ks.ht[0].size == 0) {
      AllocTable(&ks.ht[0], new_size);
      return;
    }
    AllocTable(&ks.ht[1], new_size);
    ks.rehash_idx = 0;
  }
  // Moves up to `n` non-empty buckets of ht[0] into ht[1]; true while rehashing remains.
  bool RehashSteps(Keyspace& ks, int n) {
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
        const Id next = HNext(e);
        Parsed p = Parse(e);
        const uint64_t h = HashKey({p.key, p.key_len});
        Id& bucket = to.buckets[h & (to.size - 1)];
        SetHNext(e, bucket);
        bucket = id;
        --from.used;
        ++to.used;
        id = next;
      }
      from.buckets[ks.rehash_idx] = kNil;
      ++ks.rehash_idx;
    }
    if (from.used == 0) {
      FreeTable(&ks.ht[0]);
      ks.ht[0] = ks.ht[1];
      ks.ht[1] = HashTable{};
      ks.rehash_idx = -1;
      return false;
    }
    return true;
  }
  void MaybeGrow(Keyspace& ks) {
    if (ks.ht[0].size == 0) {
      AllocTable(&ks.ht[0], kInitialBuckets);
      return;
    }
    if (ks.rehashing() || ks.ht[0].used < ks.ht[0].size) return;
    const uint64_t new_size = ks.ht[0].size * 2;
    // Like Redis 7's dictExpandAllowed: near maxmemory, allow longer chains before growing.
    if (limits.maxmemory_bytes && ks.ht[0].used < ks.ht[0].size * 2 &&
        used_memory() + new_size * sizeof(Id) > limits.maxmemory_bytes) {
      return;
    }
    StartResize(ks, new_size);
  }
  void MaybeShrink(Keyspace& ks) {
    if (ks.rehashing() || ks.ht[0].size <= kInitialBuckets) return;
    if (ks.ht[0].used * kShrinkRatio >= ks.ht[0].size) return;
    const uint64_t target = std::max<uint64_t>(kInitialBuckets, std::bit_ceil(ks.ht[0].used));
    StartResize(ks, target);
  }
  template <typename Fn>
  void ForEachIdInKeyspace(const Keyspace& ks, Fn&& fn) {
    for (int i = 0; i < 2; ++i) {
      const HashTable& ht = ks.ht[i];
      for (uint64_t b = 0; b < ht.size; ++b) {
        for (Id id = ht.buckets[b]; id; ) {
          const Id next = HNext(E(id));
          fn(id);
          id = next;
        }
      }
    }
  }

  // ---- Memory ----
  uint64_t used_memory() const {
    return sizeof(Impl) + tables.capacity() * sizeof(Keyspace) +
           (db_to_table.capacity() + table_to_db.capacity()) * sizeof(int) +
           classes.capacity() * sizeof(SizeClass) + entry_bytes +
           table_bytes + slots.bytes();
  }
  bool OverMemory() const {
    return limits.maxmemory_bytes != 0 && used_memory() > limits.maxmemory_bytes;
  }

  // ---- Entry creation and removal ----
  void Notify(Removal kind, int table, std::string_view key) {
    if (!observer) return;
    const int db = table_to_db[static_cast<size_t>(table)];
    switch (kind) {
      case Removal::kDeleted: observer->OnModified(db, key); break;
      case Removal::kExpired: observer->OnExpired(db, key); break;
      case Removal::kEvicted: observer->OnEvicted(db, key); break;
      case Removal::kSilent: break;
    }
  }
  void NotifyModified(int table, std::string_view key) { Notify(Removal::kDeleted, table, key); }

  static std::vector<SizeClass> MakeClasses() {
    std::vector<SizeClass> out(kMaxSmallEntry / 8 + 1);
    for (size_t k = 1; k < out.size(); ++k) {
      out[k].slot_bytes = static_cast<uint32_t>(k * 8);
      out[k].per_page = static_cast<uint32_t>(kArenaPageBytes / (k * 8));
    }
    return out;
  }
  static bool IsLarge(const char* e) { return static_cast<uint8_t>(e[kOffFlags]) & kFlagLarge; }
  // Bytes the entry occupies: its slot, or its malloc block. Reads the entry's lengths, so
  // the entry must be intact.
  static size_t Capacity(char* e) {
    if (IsLarge(e)) return malloc_usable_size(e);
    Parsed p = Parse(e);
    return RoundUp8(EntrySize(p.key_len, p.value_len, p.ttl != nullptr));
  }
  // An allocation for an entry of `bytes` (exactly that many for a small entry, at least for
  // a large one). Sets the flags byte to kFlagLarge or 0.
  char* AllocEntry(size_t bytes) {
    char* e;
    if (bytes > kMaxSmallEntry) {
      e = static_cast<char*>(std::malloc(bytes));
      if (!e) throw std::bad_alloc();
      entry_bytes += malloc_usable_size(e);
      e[kOffFlags] = static_cast<char>(kFlagLarge);
      return e;
    }
    SizeClass& c = classes[RoundUp8(bytes) / 8];
    if (!c.holes.empty()) {
      e = c.holes.back();
      c.holes.pop_back();
    } else {
      const uint64_t i = c.count++;
      if (i / c.per_page >= c.pages.size()) {
        char* page = static_cast<char*>(std::malloc(kArenaPageBytes));
        if (!page) {
          --c.count;
          throw std::bad_alloc();
        }
        c.pages.push_back(page);
        arena_bytes += kArenaPageBytes;
      }
      e = c.SlotAddr(i);
    }
    entry_bytes += c.slot_bytes;
    e[kOffFlags] = 0;
    return e;
  }
  // Frees an intact entry (its lengths are read to find its class).
  void FreeEntry(char* e) {
    if (IsLarge(e)) {
      entry_bytes -= malloc_usable_size(e);
      std::free(e);
      return;
    }
    SizeClass& c = classes[Capacity(e) / 8];
    entry_bytes -= c.slot_bytes;
    e[kOffFlags] = static_cast<char>(kFlagHole);
    c.holes.push_back(e);
    has_holes = true;
  }
  // Fills every hole with the last entry of its class and returns spare pages. Only between
  // calls: it moves entries.
  void Compact() {
    if (!has_holes) return;
    has_holes = false;
    for (SizeClass& c : classes) {
      if (c.per_page == 0) continue;
      while (!c.holes.empty()) {
        while (c.count > 0 &&
               static_cast<uint8_t>(c.SlotAddr(c.count - 1)[kOffFlags]) == kFlagHole) {
          c.SlotAddr(--c.count)[kOffFlags] = static_cast<char>(kFlagTrimmed);
        }
        char* hole = c.holes.back();
        c.holes.pop_back();
        if (static_cast<uint8_t>(hole[kOffFlags]) != kFlagHole) continue;  // trimmed
        char* last = c.SlotAddr(c.count - 1);
        // The id of `last` from its LRU neighbour: prev's next, or the LRU tail.
        const Id prev = Load32(last + kOffPrev);
        const Id id = prev ? Load32(E(prev) + kOffNext) : lru_tail;
        std::memcpy(hole, last, c.slot_bytes);
        slots.Put(id, hole);
        last[kOffFlags] = static_cast<char>(kFlagTrimmed);
        --c.count;
      }
      const uint64_t needed_pages = (c.count + c.per_page - 1) / c.per_page;
      while (c.pages.size() > needed_pages + 1) {
        std::free(c.pages.back());
        c.pages.pop_back();
        arena_bytes -= kArenaPageBytes;
      }
    }
  }
  // Forgets every small entry (the caller has dropped every reference to them).
  void ResetArena() {
    for (SizeClass& c : classes) {
      for (char* page : c.pages) std::free(page);
      arena_bytes -= c.pages.size() * kArenaPageBytes;
      c.pages.clear();
      c.pages.shrink_to_fit();
      c.holes.clear();
      c.holes.shrink_to_fit();
      c.count = 0;
    }
    has_holes = false;
  }
  // Writes header fields, varints and the key into `e`; returns where the value goes.
  // (With copy_key false the key bytes are assumed to be in place already.)
  static char* WriteHead(char* e, int table, bool ttl, std::string_view key, size_t value_len,
                         bool copy_key = true) {
    Store16(e + kOffTable, static_cast<uint16_t>(table));
    e[kOffFlags] = static_cast<char>((static_cast<uint8_t>(e[kOffFlags]) & kFlagLarge) |
                                     (ttl ? kFlagTtl : 0));
    char* p = PutVarint(e + kOffVarints, key.size());
    p = PutVarint(p, value_len);
    if (copy_key) std::memcpy(p, key.data(), key.size());
    return p + key.size();
  }

  void AddVolatileBookkeeping(Id id, int table, int64_t deadline_ms) {
    Keyspace& ks = tables[static_cast<size_t>(table)];
    ++ks.volatile_keys;
    ks.deadline_sum_ms += deadline_ms;
    ++total_volatile;
    VolPushHead(id);
    SetWPrev(id, id);
    SetWNext(id, id);
    Schedule(id, deadline_ms);
  }
  void DropVolatileBookkeeping(Id id, int table, int64_t deadline_ms) {
    Keyspace& ks = tables[static_cast<size_t>(table)];
    --ks.volatile_keys;
    ks.deadline_sum_ms -= deadline_ms;
    --total_volatile;
    VolUnlink(id);
    WUnlink(id);
  }

  // Moves the deadline of an entry that already has one (no reallocation).
  void ChangeDeadline(Id id, int64_t deadline_ms) {
    char* t = Ttl(id);
    const int64_t old_deadline = Load64(t + kTtlDeadline);
    Keyspace& ks = tables[static_cast<size_t>(TableOf(E(id)))];
    ks.deadline_sum_ms += static_cast<Int128>(deadline_ms) - old_deadline;
    WUnlink(id);
    Store64(t + kTtlDeadline, deadline_ms);
    Schedule(id, deadline_ms);
  }

  // Creates a new entry in `table` (the key must be absent) and puts it at the LRU head.
  Id CreateEntry(int table, std::string_view key, uint64_t h, std::string_view value,
                 int64_t deadline_ms, size_t slack = 0) {
    const bool ttl = deadline_ms != kNoExpiry;
    const size_t need = EntrySize(key.size(), value.size(), ttl);
    char* e = AllocEntry(need + slack > kMaxSmallEntry ? need + slack : need);
    Store32(e + kOffHNext, kNil);
    Store32(e + kOffPrev, kNil);
    Store32(e + kOffNext, kNil);
    Store32(e + kOffAccess, 0);
    char* v = WriteHead(e, table, ttl, key, value.size());
    if (!value.empty()) std::memcpy(v, value.data(), value.size());
    if (ttl) Store64(v + value.size() + kTtlDeadline, deadline_ms);
    const Id id = slots.Allocate(e);
    Keyspace& ks = tables[static_cast<size_t>(table)];
    MaybeGrow(ks);
    ChainInsert(ks, id, h);
    ++total_keys;
    LruPushHead(id);
    if (ttl) AddVolatileBookkeeping(id, table, deadline_ms);
    return id;
  }

  // Unlinks `id` from everything, tells the observer, frees it.
  void RemoveEntry(Id id, Removal kind) {
    char* e = E(id);
    const int table = TableOf(e);
    Keyspace& ks = tables[static_cast<size_t>(table)];
    Parsed p = Parse(e);
    const std::string_view key{p.key, p.key_len};
    ChainRemove(ks, id, HashKey(key));
    --total_keys;
    LruUnlink(id);
    if (p.ttl) DropVolatileBookkeeping(id, table, Load64(p.ttl + kTtlDeadline));
    if (kind == Removal::kExpired) ++stats.expired_keys;
    if (kind == Removal::kEvicted) ++stats.evicted_keys;
    Notify(kind, table, key);
    FreeEntry(e);
    slots.Release(id);
    MaybeShrink(ks);
  }

  // The value bits (kValueBits) of entry `id`, and replacing them.
  uint8_t ValueBits(Id id) const { return static_cast<uint8_t>(E(id)[kOffFlags]) & kValueBits; }
  void SetValueBits(Id id, uint8_t bits) {
    char* e = E(id);
    e[kOffFlags] = static_cast<char>((static_cast<uint8_t>(e[kOffFlags]) & ~kValueBits) | bits);
  }

  // Rewrites entry `id` with a new key/value/deadline, keeping its id, table, LRU links and
  // value bits.
  // `value` may point into the entry itself. Volatile bookkeeping follows the deadline.
  // If `keep_value_len` is set, the value's first min(old, new_len) bytes are kept, the rest
  // zeroed, and `value` is ignored. Returns the new value pointer.
  char* Rewrite(Id id, std::string_view key, std::string_view value, int64_t deadline_ms,
                bool keep_value = false, size_t new_len = 0, size_t slack = 0) {
    char* old = E(id);
    const int table = TableOf(old);
    const uint8_t value_bits = ValueBits(id);
    Parsed op = Parse(old);
    const int64_t old_deadline = op.ttl ? Load64(op.ttl + kTtlDeadline) : kNoExpiry;
    const bool old_ttl = op.ttl != nullptr;
    const bool new_ttl = deadline_ms != kNoExpiry;
    const size_t vlen = keep_value ? new_len : value.size();
    char ttl_block[kTtlBytes];
    if (old_ttl) std::memcpy(ttl_block, op.ttl, kTtlBytes);
    if (old_ttl && (!new_ttl || deadline_ms != old_deadline)) {
      // Leave the wheel now (links still in `old`); re-filed below with the new deadline.
      DropVolatileBookkeeping(id, table, old_deadline);
      std::memcpy(ttl_block, op.ttl, kTtlBytes);
    }
    const bool was_volatile_linked = old_ttl && new_ttl && deadline_ms == old_deadline;
    const size_t need = EntrySize(key.size(), vlen, new_ttl);
    const size_t usable = Capacity(old);
    const bool old_large = IsLarge(old);
    const auto value_addr = reinterpret_cast<uintptr_t>(value.data());
    const auto old_addr = reinterpret_cast<uintptr_t>(old);
    const bool overlaps = !keep_value && value_addr >= old_addr && value_addr < old_addr + usable;
    char* e;
    const bool same_key = key.data() == op.key;
    // A small entry stays in its slot only within its class; a large one while it is not
    // mostly empty.
    const bool fits = old_large ? need <= usable && (keep_value || need * 2 >= usable)
                                : RoundUp8(need) == usable;
    const bool can_realloc = old_large && keep_value && need + slack > kMaxSmallEntry;
    if (!overlaps && same_key && (fits || can_realloc)) {
      // In place, or grown by realloc (which keeps the bytes, and remaps rather than copies
      // a large block). The key stays; move key+kept value if the varint widths change.
      const size_t key_off = static_cast<size_t>(op.key - old);
      e = old;
      if (!fits) {
        entry_bytes -= usable;
        e = static_cast<char*>(std::realloc(old, need + slack));
        if (!e) throw std::bad_alloc();
        entry_bytes += malloc_usable_size(e);
        slots.Put(id, e);
      }
      const size_t kept = keep_value ? std::min(op.value_len, vlen) : 0;
      char* new_key = e + kOffVarints + VarintLen(key.size()) + VarintLen(vlen);
      if (new_key != e + key_off) std::memmove(new_key, e + key_off, key.size() + kept);
      WriteHead(e, table, new_ttl, {new_key, key.size()}, vlen, /*copy_key=*/false);
      char* v = new_key + key.size();
      if (keep_value) {
        if (vlen > kept) std::memset(v + kept, 0, vlen - kept);
      } else if (!value.empty()) {
        std::memcpy(v, value.data(), value.size());
      }
    } else {
      e = AllocEntry(keep_value && need + slack > kMaxSmallEntry ? need + slack : need);
      std::memcpy(e, old, kOffFlags);  // chain, LRU links, access time, table
      char* v = WriteHead(e, table, new_ttl, key, vlen);
      if (keep_value) {
        const size_t kept = std::min(op.value_len, vlen);
        std::memcpy(v, op.value, kept);
        if (vlen > kept) std::memset(v + kept, 0, vlen - kept);
      } else if (!value.empty()) {
        std::memcpy(v, value.data(), value.size());
      }
      FreeEntry(old);
      slots.Put(id, e);
    }
    e[kOffFlags] = static_cast<char>(static_cast<uint8_t>(e[kOffFlags]) | value_bits);
    Parsed np = Parse(e);
    if (new_ttl) {
      if (was_volatile_linked) {
        std::memcpy(np.ttl, ttl_block, kTtlBytes);
      } else {
        Store64(np.ttl + kTtlDeadline, deadline_ms);
        AddVolatileBookkeeping(id, table, deadline_ms);
      }
    }
    return np.value;
  }

  // The live entry for `key` in `table`; an expired one is reclaimed (counted) first.
  Id FindLive(int table, std::string_view key, int64_t now_ms, uint64_t* hash_out = nullptr) {
    Keyspace& ks = tables[static_cast<size_t>(table)];
    RehashSteps(ks, kRehashStepsPerOp);
    const uint64_t h = HashKey(key);
    if (hash_out) *hash_out = h;
    const Id id = Find(ks, key, h);
    if (id && IsExpired(E(id), now_ms)) {
      RemoveEntry(id, Removal::kExpired);
      return kNil;
    }
    return id;
  }

  // ---- Eviction ----
  bool Eligible(Id id, int table_filter, Id protect) const {
    return id != protect && (table_filter < 0 || TableOf(E(id)) == table_filter);
  }
  Id WalkLru(int table_filter, Id protect) const {
    for (Id id = lru_tail; id; id = Next(id)) {
      if (Eligible(id, table_filter, protect)) return id;
    }
    return kNil;
  }
  Id WalkVolatile(int table_filter, Id protect) const {
    for (Id id = vol_tail; id; id = VNext(id)) {
      if (Eligible(id, table_filter, protect)) return id;
    }
    return kNil;
  }
  Id RandomLiveId(bool volatile_only, int table_filter, Id protect) {
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
  Id SoonestVolatile(int64_t now_ms, int table_filter, Id protect) {
    ProcessPending(now_ms, /*budget_us=*/-1, nullptr, nullptr);
    auto best_in = [&](Id s) -> Id {
      Id best = kNil;
      int64_t best_deadline = 0;
      int seen = 0;
      for (Id id = sent_next[s]; id != s && seen < kTtlCandidatesPerList; id = WNext(id)) {
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
    if (Id id = best_in(kSentinelPending)) return id;
    for (int level = 0; level < kWheelLevels; ++level) {
      for (int word = 0; word < kWheelSlots / 64; ++word) {
        uint64_t bits = wheel_bits[level][word];
        while (bits) {
          const int j = word * 64 + std::countr_zero(bits);
          bits &= bits - 1;
          if (Id id = best_in(WheelSentinel(level, j))) return id;
        }
      }
    }
    if (Id id = best_in(kSentinelOverflow)) return id;
    return WalkVolatile(table_filter, protect);
  }
  Id FindVictim(int64_t now_ms, int table_filter, Id protect) {
    switch (limits.policy) {
      case EvictionPolicy::kNoEviction: return kNil;
      case EvictionPolicy::kAllKeysLru: return WalkLru(table_filter, protect);
      case EvictionPolicy::kVolatileLru: return WalkVolatile(table_filter, protect);
      case EvictionPolicy::kAllKeysRandom: return RandomLiveId(false, table_filter, protect);
      case EvictionPolicy::kVolatileRandom: return RandomLiveId(true, table_filter, protect);
      case EvictionPolicy::kVolatileTtl: return SoonestVolatile(now_ms, table_filter, protect);
    }
    return kNil;
  }
  // An expired victim is reclaimed as expired, anything else counts as evicted.
  void RemoveVictim(Id id, int64_t now_ms) {
    RemoveEntry(id, IsExpired(E(id), now_ms) ? Removal::kExpired : Removal::kEvicted);
  }
  // Evicts until used_memory() <= maxmemory, never `protect`; false if still over.
  bool EvictForMemory(int64_t now_ms, Id protect) {
    while (OverMemory()) {
      if (limits.policy == EvictionPolicy::kNoEviction) return false;
      const Id victim = FindVictim(now_ms, -1, protect);
      if (!victim) return false;
      RemoveVictim(victim, now_ms);
    }
    return true;
  }
  // Evicts keys of `table` (never `protect`) until one more fits under maxkeys, as far as the
  // policy allows. Writes never fail: what cannot be evicted stays, and EvictToLimit reports it.
  void MakeRoomForKey(int table, int64_t now_ms, Id protect) {
    if (limits.maxkeys == 0 || limits.policy == EvictionPolicy::kNoEviction) return;
    Keyspace& ks = tables[static_cast<size_t>(table)];
    while (ks.size() >= limits.maxkeys) {
      const Id victim = FindVictim(now_ms, table, protect);
      if (!victim) return;
      RemoveVictim(victim, now_ms);
    }
  }
  bool OverMaxKeys() const {
    if (limits.maxkeys == 0) return false;
    for (const Keyspace& ks : tables) {
      if (ks.size() > limits.maxkeys) return true;
    }
    return false;
  }
  bool EnforceMaxKeys(int64_t now_ms) {
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

  // ---- Active expiry ----
  // Walks the pending list: reclaims due keys (deadline < now_ms, see IsExpired), re-files the
  // others. budget_us < 0: no limit. Returns how many keys were reclaimed; *examined_out
  // counts keys looked at.
  size_t ProcessPending(int64_t now_ms, int64_t budget_us, bool* timed_out,
                        size_t* examined_out) {
    Collect(now_ms - 1);
    const auto start = std::chrono::steady_clock::now();
    const auto limit = start + std::chrono::microseconds(std::max<int64_t>(0, budget_us));
    Splice(kSentinelPending, kSentinelWork);
    size_t reclaimed = 0;
    size_t examined = 0;
    bool out_of_time = false;
    while (!ListEmpty(kSentinelWork)) {
      if (budget_us >= 0 && examined % kClockCheckEveryKeys == kClockCheckEveryKeys - 1 &&
          std::chrono::steady_clock::now() >= limit) {
        out_of_time = true;
        break;
      }
      const Id id = sent_next[kSentinelWork];
      WUnlink(id);
      ++examined;
      const int64_t d = Deadline(id);
      if (d < now_ms) {
        RemoveEntry(id, Removal::kExpired);
        ++reclaimed;
      } else {
        Schedule(id, d);
      }
    }
    if (out_of_time) Splice(kSentinelWork, kSentinelPending, /*to_front=*/true);
    if (timed_out) *timed_out = out_of_time;
    if (examined_out) *examined_out = examined;
    return reclaimed;
  }
};

namespace {
// Compacts the entry arena when a mutating call returns (see Impl::Compact).
template <typename ImplT>
class CompactOnExit {
 public:
  explicit CompactOnExit(ImplT& m) : m_(m) {}
  ~CompactOnExit() { m_.Compact(); }
  CompactOnExit(const CompactOnExit&) = delete;
  CompactOnExit& operator=(const CompactOnExit&) = delete;

 private:
  ImplT& m_;
};
}  // namespace

// ---- Engine: construction and limits ----
Engine::Engine(const Clock& clock, int databases)
    : impl_(std::make_unique<Impl>(clock, std::clamp(databases, 1, 65535))) {}
Engine::~Engine() = default;

int Engine::databases() const { return impl_->databases; }
const Clock& Engine::clock() const { return impl_->clock; }
const Limits& Engine::limits() const { return impl_->limits; }
void Engine::SetObserver(KeyspaceObserver* observer) { impl_->observer = observer; }

void Engine::SetLimits(const Limits& limits) {
  CompactOnExit compact_on_exit(*impl_);
  impl_->limits = limits;
  const int64_t now_ms = impl_->clock.NowMs();
  impl_->EvictForMemory(now_ms, kNil);
  impl_->EnforceMaxKeys(now_ms);
}

// ---- Reads ----
std::optional<EntryView> Engine::Lookup(int db, std::string_view key, int64_t now_ms,
                                        uint32_t flags) {
  Impl& m = *impl_;
  if (!m.ValidDb(db)) return std::nullopt;
  const Id id = m.FindLive(m.TableOfDb(db), key, now_ms);
  if (!id) {
    if (!(flags & kLookupNoStats)) ++m.stats.keyspace_misses;
    return std::nullopt;
  }
  if (!(flags & kLookupNoStats)) ++m.stats.keyspace_hits;
  if (!(flags & kLookupNoTouch)) m.Touch(id, now_ms);
  return m.View(id);
}

// ---- Writes ----
OpStatus Engine::Set(int db, std::string_view key, std::string_view value, int64_t now_ms,
                     const SetOptions& options) {
  CompactOnExit compact_on_exit(*impl_);
  Impl& m = *impl_;
  if (!m.ValidDb(db)) return OpStatus::kNotFound;
  const int table = m.TableOfDb(db);
  uint64_t h;
  Id id = m.FindLive(table, key, now_ms, &h);
  int64_t deadline_ms = options.expire_at_ms;
  if (options.keep_ttl && id) {
    deadline_ms = m.Deadline(id);
  } else if (deadline_ms == kNoExpiry && m.limits.default_ttl_ms > 0) {
    deadline_ms = now_ms + m.limits.default_ttl_ms;
  }
  if (id) {
    m.Rewrite(id, m.KeyOf(id), value, deadline_ms);
  } else {
    m.MakeRoomForKey(table, now_ms, kNil);
    id = m.CreateEntry(table, key, h, value, deadline_ms);
  }
  m.SetValueBits(id, static_cast<uint8_t>((options.modified_in_place ? kFlagInPlace : 0) |
                                          (options.value_hint ? kFlagHint : 0)));
  m.Touch(id, now_ms);
  m.NotifyModified(table, key);
  m.EvictForMemory(now_ms, id);
  return OpStatus::kOk;
}

std::span<char> Engine::ResizeValue(int db, std::string_view key, size_t new_len, int64_t now_ms,
                                    OpStatus* status) {
  Impl& m = *impl_;
  auto fail = [&](OpStatus s) {
    if (status) *status = s;
    return std::span<char>();
  };
  if (!m.ValidDb(db)) return fail(OpStatus::kNotFound);
  const int table = m.TableOfDb(db);
  uint64_t h;
  Id id = m.FindLive(table, key, now_ms, &h);
  if (!id) {
    m.MakeRoomForKey(table, now_ms, kNil);
    const int64_t deadline_ms =
        m.limits.default_ttl_ms > 0 ? now_ms + m.limits.default_ttl_ms : kNoExpiry;
    id = m.CreateEntry(table, key, h, {}, deadline_ms);
  }
  // Growth leaves slack (as an sds string does) so repeated APPENDs stay amortized O(1).
  const size_t old_len = Parse(m.E(id)).value_len;
  const size_t slack = new_len > old_len ? std::min<size_t>(new_len, 1 << 20) : 0;
  char* v = m.Rewrite(id, m.KeyOf(id), {}, m.Deadline(id), /*keep_value=*/true, new_len, slack);
  m.SetValueBits(id, m.ValueBits(id) | kFlagInPlace);
  m.Touch(id, now_ms);
  m.NotifyModified(table, key);
  m.EvictForMemory(now_ms, id);
  v = Parse(m.E(id)).value;
  if (status) *status = OpStatus::kOk;
  return {v, new_len};
}

bool Engine::Del(int db, std::string_view key, int64_t now_ms) {
  CompactOnExit compact_on_exit(*impl_);
  Impl& m = *impl_;
  if (!m.ValidDb(db)) return false;
  const Id id = m.FindLive(m.TableOfDb(db), key, now_ms);
  if (!id) return false;
  m.RemoveEntry(id, Removal::kDeleted);
  return true;
}

OpStatus Engine::SetExpire(int db, std::string_view key, int64_t expire_at_ms, int64_t now_ms) {
  CompactOnExit compact_on_exit(*impl_);
  Impl& m = *impl_;
  if (!m.ValidDb(db)) return OpStatus::kNotFound;
  const int table = m.TableOfDb(db);
  const Id id = m.FindLive(table, key, now_ms);
  if (!id) return OpStatus::kNotFound;
  if (expire_at_ms != kNoExpiry && expire_at_ms <= now_ms) {
    m.RemoveEntry(id, Removal::kDeleted);
    return OpStatus::kOk;
  }
  const int64_t old_deadline = m.Deadline(id);
  if (old_deadline != kNoExpiry && expire_at_ms != kNoExpiry) {
    m.ChangeDeadline(id, expire_at_ms);
  } else if (old_deadline != expire_at_ms) {
    Parsed p = Parse(m.E(id));
    m.Rewrite(id, {p.key, p.key_len}, {p.value, p.value_len}, expire_at_ms);
  }
  m.Touch(id, now_ms);
  if (old_deadline != expire_at_ms) m.NotifyModified(table, key);
  m.EvictForMemory(now_ms, id);
  return OpStatus::kOk;
}

OpStatus Engine::Rename(int db, std::string_view from, std::string_view to, bool nx,
                        int64_t now_ms) {
  CompactOnExit compact_on_exit(*impl_);
  Impl& m = *impl_;
  if (!m.ValidDb(db)) return OpStatus::kNotFound;
  const int table = m.TableOfDb(db);
  Keyspace& ks = m.tables[static_cast<size_t>(table)];
  uint64_t from_hash;
  const Id id = m.FindLive(table, from, now_ms, &from_hash);
  if (!id) return OpStatus::kNotFound;
  if (from == to) {
    if (nx) return OpStatus::kExists;
    m.Touch(id, now_ms);
    return OpStatus::kOk;
  }
  uint64_t to_hash;
  const Id existing = m.FindLive(table, to, now_ms, &to_hash);
  if (existing) {
    if (nx) return OpStatus::kExists;
    m.RemoveEntry(existing, Removal::kSilent);
  }
  m.ChainRemove(ks, id, from_hash);
  // `from` may be a view into the entry being rewritten: notify before, from a copy if needed.
  std::string from_copy;
  std::string_view from_key = from;
  const char* e = m.E(id);
  const auto from_addr = reinterpret_cast<uintptr_t>(from.data());
  const auto e_addr = reinterpret_cast<uintptr_t>(e);
  if (from_addr >= e_addr && from_addr < e_addr + Impl::Capacity(const_cast<char*>(e))) {
    from_copy.assign(from);
    from_key = from_copy;
  }
  Parsed p = Parse(m.E(id));
  m.Rewrite(id, to, {p.value, p.value_len}, m.Deadline(id));
  m.MaybeGrow(ks);
  m.ChainInsert(ks, id, to_hash);
  m.Touch(id, now_ms);
  m.NotifyModified(table, from_key);
  m.NotifyModified(table, to);
  m.EvictForMemory(now_ms, id);
  return OpStatus::kOk;
}

OpStatus Engine::Copy(int src_db, std::string_view from, int dst_db, std::string_view to,
                      bool replace, int64_t now_ms) {
  CompactOnExit compact_on_exit(*impl_);
  Impl& m = *impl_;
  if (!m.ValidDb(src_db) || !m.ValidDb(dst_db)) return OpStatus::kNotFound;
  const int src_table = m.TableOfDb(src_db);
  const int dst_table = m.TableOfDb(dst_db);
  const Id id = m.FindLive(src_table, from, now_ms);
  if (!id) return OpStatus::kNotFound;
  if (src_db == dst_db && from == to) return OpStatus::kExists;
  uint64_t to_hash;
  const Id existing = m.FindLive(dst_table, to, now_ms, &to_hash);
  if (existing) {
    if (!replace) return OpStatus::kExists;
    m.RemoveEntry(existing, Removal::kSilent);
  } else {
    m.MakeRoomForKey(dst_table, now_ms, id);
  }
  m.Touch(id, now_ms);
  // Copy the value out first: CreateEntry may grow tables but never moves entry `id`.
  Parsed p = Parse(m.E(id));
  const Id copy = m.CreateEntry(dst_table, to, to_hash, {p.value, p.value_len}, m.Deadline(id));
  m.SetValueBits(copy, m.ValueBits(id));
  m.Touch(copy, now_ms);
  m.NotifyModified(dst_table, to);
  m.EvictForMemory(now_ms, copy);
  return OpStatus::kOk;
}

OpStatus Engine::Move(int db, std::string_view key, int dst_db, int64_t now_ms) {
  CompactOnExit compact_on_exit(*impl_);
  Impl& m = *impl_;
  if (!m.ValidDb(db) || !m.ValidDb(dst_db)) return OpStatus::kNotFound;
  const int src_table = m.TableOfDb(db);
  const int dst_table = m.TableOfDb(dst_db);
  uint64_t h;
  const Id id = m.FindLive(src_table, key, now_ms, &h);
  if (!id) return OpStatus::kNotFound;
  if (db == dst_db) return OpStatus::kExists;
  if (m.FindLive(dst_table, key, now_ms)) return OpStatus::kExists;
  m.MakeRoomForKey(dst_table, now_ms, id);
  Keyspace& src = m.tables[static_cast<size_t>(src_table)];
  Keyspace& dst = m.tables[static_cast<size_t>(dst_table)];
  m.ChainRemove(src, id, h);
  char* e = m.E(id);
  Store16(e + kOffTable, static_cast<uint16_t>(dst_table));
  if (const int64_t d = m.Deadline(id); d != kNoExpiry) {
    --src.volatile_keys;
    src.deadline_sum_ms -= d;
    ++dst.volatile_keys;
    dst.deadline_sum_ms += d;
  }
  m.MaybeGrow(dst);
  m.ChainInsert(dst, id, h);
  m.MaybeShrink(src);
  m.Touch(id, now_ms);
  m.NotifyModified(src_table, key);
  m.NotifyModified(dst_table, key);
  return OpStatus::kOk;
}

void Engine::SwapDb(int a, int b) {
  Impl& m = *impl_;
  if (!m.ValidDb(a) || !m.ValidDb(b)) return;
  if (a != b) {
    std::swap(m.db_to_table[static_cast<size_t>(a)], m.db_to_table[static_cast<size_t>(b)]);
    m.table_to_db[static_cast<size_t>(m.db_to_table[static_cast<size_t>(a)])] = a;
    m.table_to_db[static_cast<size_t>(m.db_to_table[static_cast<size_t>(b)])] = b;
  }
  if (m.observer) {
    m.observer->OnDbFlushed(a);
    if (a != b) m.observer->OnDbFlushed(b);
  }
}

void Engine::FlushDb(int db) {
  CompactOnExit compact_on_exit(*impl_);
  Impl& m = *impl_;
  if (!m.ValidDb(db)) return;
  const int table = m.TableOfDb(db);
  Keyspace& ks = m.tables[static_cast<size_t>(table)];
  m.ForEachIdInKeyspace(ks, [&](Id id) {
    char* e = m.E(id);
    m.LruUnlink(id);
    if (HasTtl(e)) {
      m.VolUnlink(id);
      m.WUnlink(id);
    }
    m.FreeEntry(e);
    m.slots.Release(id);
    --m.total_keys;
  });
  m.total_volatile -= ks.volatile_keys;
  m.FreeTable(&ks.ht[0]);
  m.FreeTable(&ks.ht[1]);
  ks = Keyspace{};
  if (m.total_keys == 0) {
    m.slots.Clear();
    m.ResetArena();
  }
  if (m.observer) m.observer->OnDbFlushed(db);
}

void Engine::FlushAll() {
  for (int db = 0; db < impl_->databases; ++db) FlushDb(db);
}

// ---- Iteration ----
size_t Engine::DbSize(int db) const {
  if (!impl_->ValidDb(db)) return 0;
  return impl_->tables[static_cast<size_t>(impl_->TableOfDb(db))].size();
}

size_t Engine::ExpiresCount(int db) const {
  if (!impl_->ValidDb(db)) return 0;
  return impl_->tables[static_cast<size_t>(impl_->TableOfDb(db))].volatile_keys;
}

int64_t Engine::AvgTtlMs(int db, int64_t now_ms) const {
  if (!impl_->ValidDb(db)) return 0;
  const Keyspace& ks = impl_->tables[static_cast<size_t>(impl_->TableOfDb(db))];
  if (ks.volatile_keys == 0) return 0;
  const Int128 avg = ks.deadline_sum_ms / static_cast<Int128>(ks.volatile_keys) - now_ms;
  return avg > 0 ? static_cast<int64_t>(avg) : 0;
}

uint64_t Engine::Scan(int db, uint64_t cursor, size_t count, int64_t now_ms,
                      const std::function<void(const EntryView&)>& fn) {
  Impl& m = *impl_;
  if (!m.ValidDb(db)) return 0;
  Keyspace& ks = m.tables[static_cast<size_t>(m.TableOfDb(db))];
  if (ks.size() == 0) return 0;
  m.scratch.clear();
  size_t emitted = 0;
  auto visit = [&](const HashTable& ht, uint64_t idx) {
    for (Id id = ht.buckets[idx]; id; id = Impl::HNext(m.E(id))) {
      if (Impl::IsExpired(m.E(id), now_ms)) {
        m.scratch.push_back(id);
      } else {
        fn(m.View(id));
        ++emitted;
      }
    }
  };
  uint64_t v = cursor;
  size_t max_iterations = std::max<size_t>(count, 1) * 10;
  do {
    // One step of the reverse-binary cursor: visit bucket v of the small table, then every
    // bucket of the large table that v expands to, then increment v from the high bit down,
    // so buckets already visited stay visited when a table doubles or halves.
    if (!ks.rehashing()) {
      const HashTable& t0 = ks.ht[0];
      const uint64_t m0 = t0.size - 1;
      visit(t0, v & m0);
      v |= ~m0;
      v = Rev64(Rev64(v) + 1);
    } else {
      const HashTable* small = &ks.ht[0];
      const HashTable* large = &ks.ht[1];
      if (small->size > large->size) std::swap(small, large);
      const uint64_t m0 = small->size - 1;
      const uint64_t m1 = large->size - 1;
      visit(*small, v & m0);
      do {
        visit(*large, v & m1);
        v |= ~m1;
        v = Rev64(Rev64(v) + 1);
      } while (v & (m0 ^ m1));
    }
  } while (v != 0 && --max_iterations > 0 && emitted < count);
  std::vector<Id> expired;
  expired.swap(m.scratch);
  for (Id id : expired) m.RemoveEntry(id, Removal::kExpired);
  expired.clear();
  m.scratch.swap(expired);
  return v;
}

void Engine::ForEach(int db, int64_t now_ms, const std::function<void(const EntryView&)>& fn) {
  Impl& m = *impl_;
  if (!m.ValidDb(db)) return;
  m.ForEachIdInKeyspace(m.tables[static_cast<size_t>(m.TableOfDb(db))], [&](Id id) {
    if (!Impl::IsExpired(m.E(id), now_ms)) fn(m.View(id));
  });
}

std::optional<std::string> Engine::RandomKey(int db, int64_t now_ms) {
  Impl& m = *impl_;
  if (!m.ValidDb(db)) return std::nullopt;
  const int table = m.TableOfDb(db);
  Keyspace& ks = m.tables[static_cast<size_t>(table)];
  for (int attempt = 0; attempt < 100 && ks.size() > 0; ++attempt) {
    Id id = kNil;
    // Probe random buckets of both tables (as one index space); then a linear walk.
    const uint64_t s0 = ks.ht[0].size;
    const uint64_t s1 = ks.ht[1].size;
    const uint64_t start = ks.rehashing() ? static_cast<uint64_t>(ks.rehash_idx) : 0;
    for (int probe = 0; probe < kRandomProbes && !id; ++probe) {
      const uint64_t i = start + m.rng() % (s0 + s1 - start);
      id = i < s0 ? ks.ht[0].buckets[i] : ks.ht[1].buckets[i - s0];
    }
    for (uint64_t i = 0, off = m.rng(); !id && i < s0 + s1; ++i) {
      const uint64_t j = (off + i) % (s0 + s1);
      id = j < s0 ? ks.ht[0].buckets[j] : ks.ht[1].buckets[j - s0];
    }
    if (!id) return std::nullopt;
    // A uniform element of the chain.
    size_t len = 0;
    for (Id c = id; c; c = Impl::HNext(m.E(c))) ++len;
    for (size_t k = m.rng() % len; k > 0; --k) id = Impl::HNext(m.E(id));
    if (Impl::IsExpired(m.E(id), now_ms)) {
      m.RemoveEntry(id, Removal::kExpired);
      continue;
    }
    return std::string(m.KeyOf(id));
  }
  return std::nullopt;
}

void Engine::ForEachLruOrder(int64_t now_ms,
                             const std::function<void(int db, const EntryView&)>& fn) {
  Impl& m = *impl_;
  for (Id id = m.lru_tail; id; id = m.Next(id)) {
    char* e = m.E(id);
    if (Impl::IsExpired(e, now_ms)) continue;
    fn(m.table_to_db[static_cast<size_t>(Impl::TableOf(e))], m.View(id));
  }
}

// ---- Limits and background work ----
bool Engine::EvictToLimit(int64_t now_ms) {
  CompactOnExit compact_on_exit(*impl_);
  const bool memory_ok = impl_->EvictForMemory(now_ms, kNil);
  const bool keys_ok = impl_->EnforceMaxKeys(now_ms);
  return memory_ok && keys_ok;
}

bool Engine::OverMemoryLimit() const { return impl_->OverMemory() || impl_->OverMaxKeys(); }

size_t Engine::ActiveExpireCycle(int64_t now_ms, int64_t budget_us, bool* more_work) {
  CompactOnExit compact_on_exit(*impl_);
  Impl& m = *impl_;
  const auto start = std::chrono::steady_clock::now();
  bool timed_out = false;
  size_t examined = 0;
  const size_t reclaimed = m.ProcessPending(now_ms, std::max<int64_t>(0, budget_us), &timed_out,
                                            &examined);
  // Incremental rehash (and shrinking) with what is left of the budget, at most 1 ms.
  const auto rehash_limit =
      std::min(start + std::chrono::microseconds(std::max<int64_t>(0, budget_us)),
               std::chrono::steady_clock::now() + std::chrono::microseconds(kCycleRehashUs));
  for (Keyspace& ks : m.tables) {
    m.MaybeShrink(ks);
    while (ks.rehashing() && std::chrono::steady_clock::now() < rehash_limit) {
      m.RehashSteps(ks, 100);
    }
  }
  const auto elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - start)
                              .count();
  m.cycle_us_total += static_cast<uint64_t>(std::max<int64_t>(0, elapsed_us));
  m.stats.expire_cycle_cpu_milliseconds = m.cycle_us_total / 1000;
  if (timed_out) ++m.stats.expired_time_cap_reached_count;
  // As Redis: an exponential moving average of the stale share of what this cycle examined.
  const double current_perc =
      examined ? static_cast<double>(reclaimed) * 100.0 / static_cast<double>(examined) : 0;
  m.stats.expired_stale_perc = current_perc * 0.05 + m.stats.expired_stale_perc * 0.95;
  if (more_work) *more_work = timed_out || !m.ListEmpty(kSentinelPending);
  return reclaimed;
}

// ---- Accounting ----
uint64_t Engine::used_memory() const { return impl_->used_memory(); }

uint64_t Engine::MemoryUsage(int db, std::string_view key, int64_t now_ms) {
  Impl& m = *impl_;
  if (!m.ValidDb(db)) return 0;
  const Id id = m.FindLive(m.TableOfDb(db), key, now_ms);
  if (!id) return 0;
  // The entry's allocation plus its slot-table pointer and its bucket share.
  return Impl::Capacity(m.E(id)) + sizeof(uintptr_t) + sizeof(Id);
}

const Stats& Engine::stats() const { return impl_->stats; }
Stats& Engine::mutable_stats() { return impl_->stats; }
void Engine::ResetStats() {
  impl_->stats = Stats{};
  impl_->cycle_us_total = 0;
}

}  // namespace lrukv::engine
