// Engine::Impl: the state behind the Engine facade and the operations its files share. The
// pieces are separate: entries live in the EntryArena (entry_arena.h) addressed by id, each db
// is a Keyspace of the HashIndex (hash_table.h), recency is one LruList (lru_list.h) and
// deadlines are filed per arena page in the ExpiryIndex (expiry_index.h). entries.cc keeps
// them consistent as entries are created, rewritten and removed; expiry.cc reclaims due keys;
// eviction.cc picks victims; engine.cc is the API.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "src/engine/engine.h"
#include "src/engine/entry_arena.h"
#include "src/engine/entry_layout.h"
#include "src/engine/expiry_index.h"
#include "src/engine/hash_table.h"
#include "src/engine/lru_list.h"

namespace lrukv::engine {

using internal::Id;
using internal::kNil;

// Why an entry goes, for the stats and the observer.
enum class Removal { kDeleted, kExpired, kEvicted, kSilent };

struct Engine::Impl {
  Impl(const Clock& c, int dbs);
  ~Impl();

  const Clock& clock;
  int databases;
  Limits limits;
  KeyspaceObserver* observer = nullptr;
  // Lookup reporting (SetLookupObserver). The gate points at a zero word while nobody is set,
  // so Lookup tests `*lookup_gate & mask` without a null check.
  static constexpr uint32_t kGateClosed = 0;
  LookupObserver* lookup_observer = nullptr;
  const uint32_t* lookup_gate = &kGateClosed;
  uint32_t lookup_hit_mask = 0;
  uint32_t lookup_miss_mask = 0;
  Stats stats;
  std::mt19937_64 rng;
  internal::SlotTable slots{internal::kFirstEntryId};
  internal::EntryArena arena;
  internal::HashIndex index;
  std::vector<internal::Keyspace> tables;
  std::vector<int> db_to_table;
  std::vector<int> table_to_db;
  internal::LruList<internal::HeaderLinks> lru{internal::HeaderLinks{&slots}};  // every key
  internal::ExpiryIndex expiry;
  uint64_t total_keys = 0;
  uint64_t total_volatile = 0;
  uint64_t cycle_us_total = 0;
  std::vector<Id> scratch;

  // ---- Entry field access (entry_layout.h) ----
  char* E(Id id) const { return slots.Get(id); }
  static int TableOf(const char* e) { return internal::Load16(e + internal::kOffTable); }
  int64_t Deadline(Id id) const {
    const char* t = internal::Parse(E(id)).ttl;
    return t ? internal::Load64(t + internal::kTtlDeadline) : kNoExpiry;
  }
  // As Redis's keyIsExpired: a key is still live during the millisecond of its deadline.
  static bool IsExpired(char* e, int64_t now_ms) {
    if (!internal::HasTtl(e)) return false;
    return internal::Load64(internal::Parse(e).ttl + internal::kTtlDeadline) < now_ms;
  }
  // The id of a live entry, from its LRU neighbour: prev's next, or the LRU tail.
  Id IdOf(const char* e) const {
    const Id prev = internal::Load32(e + internal::kOffPrev);
    return prev ? internal::Load32(E(prev) + internal::kOffNext) : lru.tail();
  }
  std::string_view KeyOf(Id id) const {
    internal::Parsed p = internal::Parse(E(id));
    return {p.key, p.key_len};
  }
  EntryView View(Id id) const;
  int TableOfDb(int db) const { return db_to_table[static_cast<size_t>(db)]; }
  bool ValidDb(int db) const { return db >= 0 && db < databases; }
  internal::Keyspace& KeyspaceOf(int table) { return tables[static_cast<size_t>(table)]; }
  // Records an access: the access time, the LRU head.
  void Touch(Id id, int64_t now_ms);

  // ---- Memory ----
  uint64_t used_memory() const {
    return sizeof(Impl) + tables.capacity() * sizeof(internal::Keyspace) +
           (db_to_table.capacity() + table_to_db.capacity()) * sizeof(int) +
           arena.overhead_bytes() + arena.entry_bytes() + index.bytes() + slots.bytes() +
           expiry.bytes();
  }
  bool OverMemory() const {
    return limits.maxmemory_bytes != 0 && used_memory() > limits.maxmemory_bytes;
  }
  // Moves entries into the arena's holes; only between calls (see CompactOnExit).
  void Compact();

  // ---- Entries (entries.cc) ----
  void Notify(Removal kind, int table, std::string_view key);
  void NotifyModified(int table, std::string_view key) { Notify(Removal::kDeleted, table, key); }
  void NotifyCreated(int table, std::string_view key) {
    if (observer) observer->OnCreated(table_to_db[static_cast<size_t>(table)], key);
  }
  // Makes room in ks for one more key (Redis 7's dictExpandAllowed near maxmemory).
  void MaybeGrow(internal::Keyspace& ks);
  // The entry for `key` and `value` (plus a TTL trailer if `ttl`) built in donor's block around
  // the value (ValueDonor), or nullptr when that block cannot hold it so (then nothing was
  // written). The key is in place and the block counted; the rest of the header is for
  // CreateEntry or Rewrite to write, given the result as `adopted`.
  char* AdoptDonor(ValueDonor* donor, std::string_view key, std::string_view value, bool ttl);
  // Creates a new entry in `table` (the key must be absent) and puts it at the LRU head. With
  // `adopted` (AdoptDonor's, for this key and value) the entry is that one, nothing copied.
  Id CreateEntry(int table, std::string_view key, uint64_t h, std::string_view value,
                 int64_t deadline_ms, size_t slack = 0, char* adopted = nullptr);
  // Unlinks `id` from everything, tells the observer, frees it.
  void RemoveEntry(Id id, Removal kind);
  // Moves the deadline of an entry that already has one (no reallocation).
  void ChangeDeadline(Id id, int64_t deadline_ms);
  // The value bits (kValueBits: EntryView's modified_in_place and value_hint) of `id`.
  uint8_t ValueBits(Id id) const {
    return static_cast<uint8_t>(E(id)[internal::kOffFlags]) & internal::kValueBits;
  }
  void SetValueBits(Id id, uint8_t bits);
  // Rewrites entry `id` with a new key/value/deadline, keeping its id, table, LRU links and
  // value bits. `value` may point into the entry itself. Volatile bookkeeping follows the
  // deadline. If `keep_value` is set, the value's first min(old, new_len) bytes are kept, the
  // rest zeroed, and `value` is ignored. With `adopted` (AdoptDonor's, for this key and value;
  // not with keep_value) the new entry is that one and the old is freed. Returns the new value
  // pointer.
  char* Rewrite(Id id, std::string_view key, std::string_view value, int64_t deadline_ms,
                bool keep_value = false, size_t new_len = 0, size_t slack = 0,
                char* adopted = nullptr);
  // The live entry for `key` in `table`; an expired one is reclaimed (counted) first.
  Id FindLive(int table, std::string_view key, int64_t now_ms, uint64_t* hash_out = nullptr);

  // ---- Expiry (expiry.cc) ----
  // Files entry `id` (at `e`, with a TTL) under `deadline_ms` in the expiry index. A small
  // entry only lowers its page's minimum if needed; a large one gets a record, so call it for
  // a large entry only when its deadline changed or it just became large.
  void NoteDeadline(Id id, char* e, int64_t deadline_ms);
  // Whether an index record still stands for something (expiry_index.h).
  bool RecordValid(const internal::ExpiryRecord& r) const;
  // Pops the due records (deadline < now_ms) and reclaims the expired keys of their units for
  // at most budget_us (< 0: no limit); returns how many. *timed_out: the budget ran out with
  // due records left; *examined_out: TTL entries looked at.
  size_t ReclaimDue(int64_t now_ms, int64_t budget_us, bool* timed_out, size_t* examined_out);
  // Drops invalid records from the top; true if a due one remains.
  bool HasDueRecord(int64_t now_ms);

  // ---- Eviction (eviction.cc) ----
  // Evicts until used_memory() <= maxmemory, never `protect`; false if still over.
  bool EvictForMemory(int64_t now_ms, Id protect);
  // Evicts keys of `table` (never `protect`) until `new_keys` more fit under maxkeys, as far as
  // the policy allows. Writes never fail: what cannot be evicted stays, and EvictToLimit reports it.
  void MakeRoomForKey(int table, int64_t now_ms, Id protect, uint64_t new_keys = 1);
  bool OverMaxKeys() const;
  bool EnforceMaxKeys(int64_t now_ms);

 private:
  void AddVolatileCount(int table, int64_t deadline_ms);
  void DropVolatileCount(int table, int64_t deadline_ms);
  bool Eligible(Id id, int table_filter, Id protect) const {
    return id != protect && (table_filter < 0 || TableOf(E(id)) == table_filter);
  }
  bool AnyVolatile(int table_filter) const {
    return table_filter < 0 ? total_volatile > 0
                            : tables[static_cast<size_t>(table_filter)].volatile_keys > 0;
  }
  Id WalkLru(int table_filter, Id protect) const;
  // The least recently used eligible key with a TTL within the oldest `limit` keys; kNil if none.
  Id WalkVolatile(int table_filter, Id protect, size_t limit) const;
  Id RandomLiveId(int table_filter, Id protect);
  // An eligible key with a TTL from a random index record's unit: the best of the unit's
  // eligible TTL entries by better(a, b), or with `better` = nullptr a uniform pick among
  // them; kNil after kVolatileProbes records without one.
  template <typename Better>
  Id PickVolatile(int table_filter, Id protect, Better&& better);
  // The best by `better` of the picks from kVolatileSamples random units, else the LRU walk.
  template <typename Better>
  Id SampleVolatile(int table_filter, Id protect, Better&& better);
  Id VolatileLru(int table_filter, Id protect);
  Id SoonestVolatile(int table_filter, Id protect);
  Id FindVictim(int64_t now_ms, int table_filter, Id protect);
  // An expired victim is reclaimed as expired, anything else counts as evicted.
  void RemoveVictim(Id id, int64_t now_ms) {
    RemoveEntry(id, IsExpired(E(id), now_ms) ? Removal::kExpired : Removal::kEvicted);
  }
};

// Compacts the entry arena when a mutating call returns (see EntryArena::Compact). A template
// so that only Engine's members, which may name the private Engine::Impl, instantiate it.
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

}  // namespace lrukv::engine
