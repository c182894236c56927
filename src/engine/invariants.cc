// Engine::CheckInvariants: an independent walk over the engine's structures (hash tables, the
// LRU list, the expiry index, the memory account) that says whether they still agree. Only
// tests and fuzzers call it; the engine never relies on it.
#include <set>
#include <string>
#include <unordered_set>
#include <utility>

#include "src/engine/engine_impl.h"

namespace lrukv::engine {

using namespace internal;  // NOLINT: the engine's own internals

namespace {

std::string Describe(std::string_view what, std::string_view key) {
  std::string out(what);
  out += " (key \"";
  out += key;
  out += "\")";
  return out;
}

}  // namespace

std::string Engine::CheckInvariants() const {
  const Impl& m = *impl_;
  const auto tables = m.tables.size();
  if (tables != static_cast<size_t>(m.databases) || m.db_to_table.size() != tables ||
      m.table_to_db.size() != tables) {
    return "db/table maps are not one per database";
  }
  for (size_t db = 0; db < tables; ++db) {
    const int t = m.db_to_table[db];
    if (t < 0 || static_cast<size_t>(t) >= tables ||
        m.table_to_db[static_cast<size_t>(t)] != static_cast<int>(db)) {
      return "db_to_table and table_to_db are not inverse permutations";
    }
  }

  // Every heap record, to check that each TTL entry can be found by the background expiry.
  std::set<std::pair<int64_t, uint64_t>> records;
  for (size_t i = 0; i < m.expiry.size(); ++i) {
    records.emplace(m.expiry.at(i).deadline_ms, m.expiry.at(i).unit);
  }

  // ---- The hash tables ----
  // A chain longer than every id ever handed out is a cycle.
  const uint64_t max_ids = m.slots.end();
  std::unordered_set<Id> in_tables;
  uint64_t entry_bytes = 0;
  uint64_t total_volatile = 0;
  for (size_t t = 0; t < tables; ++t) {
    const Keyspace& ks = m.tables[t];
    std::unordered_set<std::string_view> keys;
    uint64_t volatile_keys = 0;
    Int128 deadline_sum = 0;
    for (int i = 0; i < 2; ++i) {
      const HashTable& ht = ks.ht[i];
      if (ht.size != 0 && (ht.size & (ht.size - 1)) != 0) return "a table size is not 2^n";
      if (i == 1 && !ks.rehashing() && ht.size != 0) return "ht[1] allocated while not rehashing";
      uint64_t used = 0;
      for (uint64_t b = 0; b < ht.size; ++b) {
        uint64_t steps = 0;
        for (Id id = ht.buckets[b]; id; id = ChainNext(m.E(id))) {
          if (++steps > max_ids) return "a hash chain loops";
          if (!m.slots.IsLive(id)) return "a hash chain links a free id";
          if (!in_tables.insert(id).second) return "an id is chained twice";
          char* e = m.E(id);
          if (IsFreeSlot(e)) return "a hash chain links a freed slot";
          const Parsed p = Parse(e);
          const std::string_view key{p.key, p.key_len};
          if (static_cast<size_t>(Impl::TableOf(e)) != t) {
            return Describe("an entry is chained in another table than its own", key);
          }
          if ((m.index.Hash(key) & (ht.size - 1)) != b) {
            return Describe("an entry is chained in the wrong bucket", key);
          }
          if (i == 0 && ks.rehashing() && b < static_cast<uint64_t>(ks.rehash_idx)) {
            return Describe("an entry is in an already rehashed bucket", key);
          }
          if (!keys.insert(key).second) return Describe("a key is present twice", key);
          if (!IsLarge(e) && EntryArena::Capacity(e) > kMaxSmallEntry) {
            return Describe("a small entry is bigger than a slot", key);
          }
          if (IsPadded(e) && (!IsLarge(e) || e[-1] == 0)) {
            return Describe("an adopted entry is not large or has no pad", key);
          }
          if (IsLarge(e) &&
              EntrySize(p.key_len, p.value_len, p.ttl != nullptr) > EntryArena::Room(e)) {
            return Describe("a large entry runs past the end of its block", key);
          }
          entry_bytes += EntryArena::Capacity(e);
          ++used;
          if (p.ttl) {
            const int64_t deadline = Load64(p.ttl + kTtlDeadline);
            if (deadline == kNoExpiry) return Describe("a TTL trailer holds no deadline", key);
            ++volatile_keys;
            deadline_sum += deadline;
            const bool filed =
                IsLarge(e)
                    ? records.count({deadline, (static_cast<uint64_t>(id) << 1) | 1}) != 0
                    : PageOf(e)->min_deadline_ms <= deadline &&
                          records.count({PageOf(e)->min_deadline_ms,
                                         reinterpret_cast<uint64_t>(PageOf(e))}) != 0;
            if (!filed) return Describe("a TTL entry has no record in the expiry index", key);
          }
        }
      }
      if (used != ht.used) return "a table's used count differs from its chains";
    }
    if (volatile_keys != ks.volatile_keys) return "a db's volatile key count is wrong";
    if (deadline_sum != ks.deadline_sum_ms) return "a db's deadline sum is wrong";
    total_volatile += volatile_keys;
  }
  if (in_tables.size() != m.total_keys) return "total_keys differs from the hash tables";
  if (total_volatile != m.total_volatile) return "total_volatile differs from the hash tables";
  if (entry_bytes != m.arena.entry_bytes()) {
    return "the memory account's entry bytes (" + std::to_string(m.arena.entry_bytes()) +
           ") differ from the live entries' sizes (" + std::to_string(entry_bytes) + ")";
  }

  // ---- The LRU list: exactly the chained ids, linked both ways ----
  uint64_t listed = 0;
  Id prev = kNil;
  for (Id id = m.lru.tail(); id; id = m.lru.Newer(id)) {
    if (++listed > in_tables.size()) return "the LRU list holds more ids than the hash tables";
    if (in_tables.count(id) == 0) return "the LRU list holds an id no hash table has";
    if (Load32(m.E(id) + kOffPrev) != prev) return "an LRU prev link is wrong";
    if (m.IdOf(m.E(id)) != id) return "an entry's id cannot be found from its LRU neighbour";
    prev = id;
  }
  if (prev != m.lru.head()) return "the LRU list does not end at its head";
  if (listed != in_tables.size()) return "the LRU list misses ids the hash tables have";
  return "";
}

}  // namespace lrukv::engine
