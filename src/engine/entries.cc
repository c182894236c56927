// Engine::Impl's entry operations (see engine_impl.h): creating, rewriting and removing an
// entry while keeping every structure that links it (hash chain, the LRU list, the expiry
// index, the per-db TTL sums) and the observer in step.
#include <algorithm>
#include <cstring>

#include "src/engine/engine_impl.h"

namespace lrukv::engine {

using namespace internal;  // NOLINT: the engine's own internals

namespace {

// Writes header fields, varints and the key into `e`; returns where the value goes. The
// flags keep only where the entry lives (kBlockBits). (With copy_key false the key bytes are
// assumed to be in place already.)
char* WriteHead(char* e, int table, bool ttl, std::string_view key, size_t value_len,
                bool copy_key = true) {
  Store16(e + kOffTable, static_cast<uint16_t>(table));
  e[kOffFlags] =
      static_cast<char>((static_cast<uint8_t>(e[kOffFlags]) & kBlockBits) | (ttl ? kFlagTtl : 0));
  char* p = PutVarint(e + kOffVarints, key.size());
  p = PutVarint(p, value_len);
  if (copy_key) std::memcpy(p, key.data(), key.size());
  return p + key.size();
}

}  // namespace

void Engine::Impl::AddVolatileCount(int table, int64_t deadline_ms) {
  Keyspace& ks = KeyspaceOf(table);
  ++ks.volatile_keys;
  ks.deadline_sum_ms += deadline_ms;
  ++total_volatile;
}

void Engine::Impl::DropVolatileCount(int table, int64_t deadline_ms) {
  Keyspace& ks = KeyspaceOf(table);
  --ks.volatile_keys;
  ks.deadline_sum_ms -= deadline_ms;
  --total_volatile;
}

void Engine::Impl::ChangeDeadline(Id id, int64_t deadline_ms) {
  char* e = E(id);
  char* t = Parse(e).ttl;
  const int64_t old_deadline = Load64(t + kTtlDeadline);
  if (old_deadline == deadline_ms) return;
  Keyspace& ks = KeyspaceOf(TableOf(e));
  ks.deadline_sum_ms += static_cast<Int128>(deadline_ms) - old_deadline;
  Store64(t + kTtlDeadline, deadline_ms);
  NoteDeadline(id, e, deadline_ms);
}

char* Engine::Impl::AdoptDonor(ValueDonor* donor, std::string_view key, std::string_view value,
                               bool ttl) {
  if (donor == nullptr || donor->taken || donor->value != value.data()) return nullptr;
  const size_t head = kOffVarints + VarintLen(key.size()) + VarintLen(value.size()) + key.size();
  const auto block_addr = reinterpret_cast<uintptr_t>(donor->block);
  const auto value_addr = reinterpret_cast<uintptr_t>(value.data());
  if (donor->block == nullptr || value_addr < block_addr + head) return nullptr;
  const size_t pad = value_addr - block_addr - head;
  if (!EntryArena::CanAdopt(donor->block, pad, EntrySize(key.size(), value.size(), ttl))) {
    return nullptr;
  }
  // The key goes first, as the header will be written over where a request had put it.
  std::memmove(const_cast<char*>(value.data()) - key.size(), key.data(), key.size());
  donor->taken = true;
  return arena.Adopt(donor->block, pad);
}

Id Engine::Impl::CreateEntry(int table, std::string_view key, uint64_t h, std::string_view value,
                             int64_t deadline_ms, size_t slack, char* adopted) {
  const bool ttl = deadline_ms != kNoExpiry;
  const size_t need = EntrySize(key.size(), value.size(), ttl);
  char* e = adopted ? adopted : arena.Alloc(need + slack > kMaxSmallEntry ? need + slack : need);
  Store32(e + kOffHNext, kNil);
  Store32(e + kOffPrev, kNil);
  Store32(e + kOffNext, kNil);
  Store32(e + kOffAccess, 0);
  char* v = WriteHead(e, table, ttl, key, value.size(), /*copy_key=*/adopted == nullptr);
  if (!adopted && !value.empty()) std::memcpy(v, value.data(), value.size());
  if (ttl) Store64(v + value.size() + kTtlDeadline, deadline_ms);
  const Id id = slots.Allocate(e);
  Keyspace& ks = KeyspaceOf(table);
  MaybeGrow(ks);
  index.Insert(ks, id, h);
  ++total_keys;
  lru.PushHead(id);
  if (ttl) {
    AddVolatileCount(table, deadline_ms);
    NoteDeadline(id, e, deadline_ms);
  }
  return id;
}

void Engine::Impl::RemoveEntry(Id id, Removal kind) {
  char* e = E(id);
  const int table = TableOf(e);
  Keyspace& ks = KeyspaceOf(table);
  Parsed p = Parse(e);
  const std::string_view key{p.key, p.key_len};
  index.Remove(ks, id, index.Hash(key));
  --total_keys;
  lru.Unlink(id);
  if (p.ttl) DropVolatileCount(table, Load64(p.ttl + kTtlDeadline));
  if (kind == Removal::kExpired) ++stats.expired_keys;
  if (kind == Removal::kEvicted) ++stats.evicted_keys;
  Notify(kind, table, key);
  arena.Free(e);
  slots.Release(id);
  index.MaybeShrink(ks);
}

void Engine::Impl::SetValueBits(Id id, uint8_t bits) {
  char* e = E(id);
  e[kOffFlags] = static_cast<char>((static_cast<uint8_t>(e[kOffFlags]) & ~kValueBits) | bits);
}

char* Engine::Impl::Rewrite(Id id, std::string_view key, std::string_view value,
                            int64_t deadline_ms, bool keep_value, size_t new_len, size_t slack,
                            char* adopted) {
  char* old = E(id);
  const int table = TableOf(old);
  const uint8_t value_bits = ValueBits(id);
  Parsed op = Parse(old);
  const int64_t old_deadline = op.ttl ? Load64(op.ttl + kTtlDeadline) : kNoExpiry;
  const bool old_ttl = op.ttl != nullptr;
  const bool new_ttl = deadline_ms != kNoExpiry;
  const size_t vlen = keep_value ? new_len : value.size();
  const bool old_large_ttl = old_ttl && IsLarge(old);
  const size_t need = EntrySize(key.size(), vlen, new_ttl);
  const size_t usable = EntryArena::Room(old);
  const bool old_large = IsLarge(old);
  const auto value_addr = reinterpret_cast<uintptr_t>(value.data());
  const auto old_addr = reinterpret_cast<uintptr_t>(old);
  const bool overlaps = !keep_value && value_addr >= old_addr && value_addr < old_addr + usable;
  char* e;
  const bool same_key = key.data() == op.key;
  // A small entry stays in its slot only within its class; a large one while it is not
  // mostly empty.
  const bool fits =
      old_large ? need <= usable && (keep_value || need * 2 >= usable) : RoundUp8(need) == usable;
  const bool can_realloc = old_large && keep_value && need + slack > kMaxSmallEntry;
  if (!adopted && !overlaps && same_key && (fits || can_realloc)) {
    // In place, or grown by realloc (which keeps the bytes, and remaps rather than copies
    // a large block). The key stays; move key+kept value if the varint widths change.
    const size_t key_off = static_cast<size_t>(op.key - old);
    e = old;
    if (!fits) {
      e = arena.ReallocLarge(old, need + slack);
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
    e = adopted ? adopted
                : arena.Alloc(keep_value && need + slack > kMaxSmallEntry ? need + slack : need);
    std::memcpy(e, old, kOffFlags);  // chain, LRU links, access time, table
    char* v = WriteHead(e, table, new_ttl, key, vlen, /*copy_key=*/adopted == nullptr);
    if (adopted) {
      // The value is in place already.
    } else if (keep_value) {
      const size_t kept = std::min(op.value_len, vlen);
      std::memcpy(v, op.value, kept);
      if (vlen > kept) std::memset(v + kept, 0, vlen - kept);
    } else if (!value.empty()) {
      std::memcpy(v, value.data(), value.size());
    }
    arena.Free(old);
    slots.Put(id, e);
  }
  e[kOffFlags] = static_cast<char>(static_cast<uint8_t>(e[kOffFlags]) | value_bits);
  Parsed np = Parse(e);
  if (old_ttl) DropVolatileCount(table, old_deadline);
  if (new_ttl) {
    Store64(np.ttl + kTtlDeadline, deadline_ms);
    AddVolatileCount(table, deadline_ms);
    // A large entry's record (by id) still stands if it was large with the same deadline.
    if (!IsLarge(e) || !old_large_ttl || deadline_ms != old_deadline) {
      NoteDeadline(id, e, deadline_ms);
    }
  }
  return np.value;
}

Id Engine::Impl::FindLive(int table, std::string_view key, int64_t now_ms, uint64_t* hash_out) {
  Keyspace& ks = KeyspaceOf(table);
  index.RehashSteps(ks, kRehashStepsPerOp);
  const uint64_t h = index.Hash(key);
  if (hash_out) *hash_out = h;
  const Id id = index.Find(ks, key, h);
  if (id && IsExpired(E(id), now_ms)) {
    RemoveEntry(id, Removal::kExpired);
    return kNil;
  }
  return id;
}

void Engine::Impl::Notify(Removal kind, int table, std::string_view key) {
  if (!observer) return;
  const int db = table_to_db[static_cast<size_t>(table)];
  switch (kind) {
    case Removal::kDeleted:
      observer->OnModified(db, key);
      break;
    case Removal::kExpired:
      observer->OnExpired(db, key);
      break;
    case Removal::kEvicted:
      observer->OnEvicted(db, key);
      break;
    case Removal::kSilent:
      break;
  }
}

void Engine::Impl::MaybeGrow(Keyspace& ks) {
  // Like Redis 7's dictExpandAllowed: near maxmemory, allow longer chains before growing.
  index.MaybeGrow(ks, [&](uint64_t new_bucket_bytes) {
    return limits.maxmemory_bytes == 0 ||
           used_memory() + new_bucket_bytes <= limits.maxmemory_bytes;
  });
}

}  // namespace lrukv::engine
