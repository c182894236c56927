// The Engine facade (engine.h): each public call looks keys up through Impl::FindLive and
// glues the pieces of engine_impl.h together; it also owns the Impl's construction, access
// bookkeeping and background work. Entry surgery is entries.cc's, eviction is eviction.cc's.
#include "src/engine/engine.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <new>
#include <random>

#include "src/engine/engine_impl.h"

namespace lrukv::engine {

using namespace internal;  // NOLINT: the engine's own internals

namespace {
// The most wall time one ActiveExpireCycle spends on incremental rehash, microseconds.
constexpr int64_t kCycleRehashUs = 1000;
// Retired bucket arrays are unmapped this many bytes at a time (~0.25 ms of page teardown).
constexpr uint64_t kRetiredBytesPerStep = 256 * 1024;
// Pages of a resize's next table faulted in between clock checks (~6 us each here).
constexpr uint64_t kPrefaultPagesPerStep = 8;

uint64_t RandomSeed() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}
}  // namespace

// ---- Impl: construction, access bookkeeping, compaction ----
Engine::Impl::Impl(const Clock& c, int dbs)
    : clock(c),
      databases(dbs),
      rng(RandomSeed()),
      index(&slots, RandomSeed()),
      tables(static_cast<size_t>(dbs)) {
  for (int i = 0; i < dbs; ++i) {
    db_to_table.push_back(i);
    table_to_db.push_back(i);
  }
}

Engine::Impl::~Impl() {
  for (Keyspace& ks : tables) {
    index.ForEachId(ks, [&](Id id) {
      char* e = slots.Get(id);
      if (IsLarge(e)) std::free(BlockOf(e));
    });
    index.Clear(ks);
  }
}

EntryView Engine::Impl::View(Id id) const {
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

void Engine::Impl::Touch(Id id, int64_t now_ms) {
  char* e = E(id);
  Store32(e + kOffAccess, static_cast<uint32_t>(std::max<int64_t>(0, now_ms / 1000)));
  lru.MoveToHead(id);
}

void Engine::Impl::Compact() {
  arena.Compact([&](const char* from, char* to) {
    const Id id = IdOf(from);
    slots.Put(id, to);
    // The page it moved to now holds its deadline.
    if (HasTtl(to)) NoteDeadline(id, to, Load64(Parse(to).ttl + kTtlDeadline));
  });
}

// ---- Engine: construction and limits ----
Engine::Engine(const Clock& clock, int databases)
    : impl_(std::make_unique<Impl>(clock, std::clamp(databases, 1, 65535))) {}
Engine::~Engine() = default;

int Engine::databases() const { return impl_->databases; }
const Clock& Engine::clock() const { return impl_->clock; }
const Limits& Engine::limits() const { return impl_->limits; }
void Engine::SetObserver(KeyspaceObserver* observer) { impl_->observer = observer; }

void Engine::SetLookupObserver(LookupObserver* observer, const uint32_t* gate, uint32_t hit_mask,
                               uint32_t miss_mask) {
  Impl& m = *impl_;
  const bool on = observer != nullptr && gate != nullptr;
  m.lookup_observer = on ? observer : nullptr;
  m.lookup_gate = on ? gate : &Impl::kGateClosed;
  m.lookup_hit_mask = on ? hit_mask : 0;
  m.lookup_miss_mask = on ? miss_mask : 0;
}

void Engine::SetLimits(const Limits& limits) {
  CompactOnExit compact_on_exit(*impl_);
  impl_->limits = limits;
  const int64_t now_ms = impl_->clock.NowMs();
  impl_->EvictForMemory(now_ms, kNil);
  impl_->EnforceMaxKeys(now_ms);
}

// ---- Reads ----
namespace {

// Lookup's body; kReport adds the LookupObserver calls. Two instantiations rather than one
// with a test after FindLive: the usual one then keeps no key or db alive across that call for
// an observer it will not call (measured: ~14 instructions per lookup, 0.8% of a GET). ImplT
// is Engine::Impl, deduced, as only Engine's members may name it (see CompactOnExit).
template <bool kReport, typename ImplT>
std::optional<EntryView> LookupBody(ImplT& m, int db, std::string_view key, int64_t now_ms,
                                    uint32_t flags) {
  if (!m.ValidDb(db)) return std::nullopt;
  const Id id = m.FindLive(m.TableOfDb(db), key, now_ms);
  // The observer is told after the counters, as Redis counts then notifies.
  const bool counted = !(flags & kLookupNoStats);
  const bool report = kReport && counted && !(flags & kLookupNoNotify);
  if (!id) {
    if (counted) ++m.stats.keyspace_misses;
    if (report && (*m.lookup_gate & m.lookup_miss_mask)) m.lookup_observer->OnLookupMiss(db, key);
    return std::nullopt;
  }
  if (counted) ++m.stats.keyspace_hits;
  if (report && (*m.lookup_gate & m.lookup_hit_mask)) m.lookup_observer->OnLookupHit(db, key);
  if (!(flags & kLookupNoTouch)) m.Touch(id, now_ms);
  return m.View(id);
}

template <typename ImplT>
[[gnu::noinline]] std::optional<EntryView> ReportedLookup(ImplT& m, int db, std::string_view key,
                                                          int64_t now_ms, uint32_t flags) {
  return LookupBody<true>(m, db, key, now_ms, flags);
}

}  // namespace

std::optional<EntryView> Engine::Lookup(int db, std::string_view key, int64_t now_ms,
                                        uint32_t flags) {
  Impl& m = *impl_;
  // One load and one branch while nobody wants lookups reported (the gate word is zero or
  // holds neither mask's bits).
  if (*m.lookup_gate & (m.lookup_hit_mask | m.lookup_miss_mask)) [[unlikely]] {
    return ReportedLookup(m, db, key, now_ms, flags);
  }
  return LookupBody<false>(m, db, key, now_ms, flags);
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
  const bool created = !id;
  const bool ttl = deadline_ms != kNoExpiry;
  if (id) {
    const bool was_volatile = HasTtl(m.E(id));
    m.Rewrite(id, m.KeyOf(id), value, deadline_ms, false, 0, 0,
              m.AdoptDonor(options.donor, key, value, ttl));
    // Under a volatile policy a db may hold more than maxkeys keys when none had a TTL; one
    // gaining it makes the others that have one evictable again.
    if (!was_volatile && ttl) m.MakeRoomForKey(table, now_ms, id, 0);
  } else {
    m.MakeRoomForKey(table, now_ms, kNil);
    id = m.CreateEntry(table, key, h, value, deadline_ms, 0,
                       m.AdoptDonor(options.donor, key, value, ttl));
  }
  // An adopted block may have held `key` where the entry's header now is: from here on the
  // key is the entry's own.
  if (options.donor && options.donor->taken) key = m.KeyOf(id);
  m.SetValueBits(id, static_cast<uint8_t>((options.modified_in_place ? kFlagInPlace : 0) |
                                          (options.value_hint ? kFlagHint : 0)));
  m.Touch(id, now_ms);
  m.NotifyModified(table, key);
  m.EvictForMemory(now_ms, id);
  if (created && !options.loading) m.NotifyCreated(table, key);
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
  const bool created = !id;
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
  if (created) m.NotifyCreated(table, key);
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
    if (old_deadline == kNoExpiry) m.MakeRoomForKey(table, now_ms, id, 0);  // as in Set
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
  m.index.Remove(ks, id, from_hash);
  // `from` may be a view into the entry being rewritten: notify before, from a copy if needed.
  std::string from_copy;
  std::string_view from_key = from;
  const char* e = m.E(id);
  const auto from_addr = reinterpret_cast<uintptr_t>(from.data());
  const auto e_addr = reinterpret_cast<uintptr_t>(e);
  if (from_addr >= e_addr && from_addr < e_addr + EntryArena::Room(const_cast<char*>(e))) {
    from_copy.assign(from);
    from_key = from_copy;
  }
  Parsed p = Parse(m.E(id));
  m.Rewrite(id, to, {p.value, p.value_len}, m.Deadline(id));
  m.MaybeGrow(ks);
  m.index.Insert(ks, id, to_hash);
  m.Touch(id, now_ms);
  m.NotifyModified(table, from_key);
  m.NotifyModified(table, to);
  m.EvictForMemory(now_ms, id);
  // Redis deletes a replaced target, then adds the key under its new name (dbAdd).
  m.NotifyCreated(table, to);
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
  // The source was spared above while its value was still to be read; within one db it may
  // be the only victim the policy allows, so check maxkeys again now that the copy exists.
  if (src_table == dst_table && !existing) m.MakeRoomForKey(dst_table, now_ms, copy, 0);
  m.EvictForMemory(now_ms, copy);
  m.NotifyCreated(dst_table, to);  // also when it replaced a key, as Redis's COPY REPLACE
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
  m.index.Remove(src, id, h);
  char* e = m.E(id);
  Store16(e + kOffTable, static_cast<uint16_t>(dst_table));
  if (const int64_t d = m.Deadline(id); d != kNoExpiry) {
    --src.volatile_keys;
    src.deadline_sum_ms -= d;
    ++dst.volatile_keys;
    dst.deadline_sum_ms += d;
  }
  m.MaybeGrow(dst);
  m.index.Insert(dst, id, h);
  m.index.MaybeShrink(src);
  m.Touch(id, now_ms);
  m.NotifyModified(src_table, key);
  m.NotifyModified(dst_table, key);
  m.NotifyCreated(dst_table, key);
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
  m.index.ForEachId(ks, [&](Id id) {
    char* e = m.E(id);
    m.lru.Unlink(id);
    m.arena.Free(e);
    m.slots.Release(id);
    --m.total_keys;
  });
  m.total_volatile -= ks.volatile_keys;
  m.index.Clear(ks);
  if (m.total_keys == 0) {
    m.slots.Clear();
    m.expiry.Clear();  // before the arena unmaps the pages its records point to
    m.arena.Reset();
  }
  if (m.observer) m.observer->OnDbFlushed(db);
}

void Engine::FlushAll() {
  for (int db = 0; db < impl_->databases; ++db) FlushDb(db);
}

void Engine::ReserveKeys(int db, uint64_t keys) {
  Impl& m = *impl_;
  if (!m.ValidDb(db)) return;
  // The hint comes from a file: more keys than there are entry ids cannot be meant, and a
  // table the system will not map is just not reserved (a dump's "db_keys":[40000000000]
  // made this throw out of the loader; found by fuzz_dump_loader).
  if (keys > std::numeric_limits<internal::Id>::max()) return;
  internal::Keyspace& ks = m.KeyspaceOf(m.TableOfDb(db));
  const uint64_t bytes = m.index.ReserveBytes(ks, keys);
  if (bytes == 0) return;
  if (m.limits.maxmemory_bytes != 0 && m.used_memory() + bytes > m.limits.maxmemory_bytes) return;
  try {
    m.index.Reserve(ks, keys);
  } catch (const std::bad_alloc&) {
    // Nothing was changed: the table grows as keys arrive instead.
  }
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
  auto visit_chain = [&](Id first) {
    for (Id id = first; id; id = ChainNext(m.E(id))) {
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
    v = m.index.ScanStep(ks, v, visit_chain);
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
  m.index.ForEachId(m.tables[static_cast<size_t>(m.TableOfDb(db))], [&](Id id) {
    if (!Impl::IsExpired(m.E(id), now_ms)) fn(m.View(id));
  });
}

std::optional<std::string> Engine::RandomKey(int db, int64_t now_ms) {
  Impl& m = *impl_;
  if (!m.ValidDb(db)) return std::nullopt;
  const int table = m.TableOfDb(db);
  Keyspace& ks = m.tables[static_cast<size_t>(table)];
  for (int attempt = 0; attempt < 100 && ks.size() > 0; ++attempt) {
    Id id = m.index.RandomChain(ks, m.rng);
    if (!id) return std::nullopt;
    // A uniform element of the chain.
    size_t len = 0;
    for (Id c = id; c; c = ChainNext(m.E(c))) ++len;
    for (size_t k = m.rng() % len; k > 0; --k) id = ChainNext(m.E(id));
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
  for (Id id = m.lru.tail(); id; id = m.lru.Newer(id)) {
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
  const auto budget = std::chrono::microseconds(std::max<int64_t>(0, budget_us));
  // Reclaiming gets half the budget: the holes it leaves are filled right after, within the
  // slice (a move costs about half a reclaim), then rehash and page purging share the rest.
  const size_t reclaimed = m.ReclaimDue(now_ms, budget.count() / 2, &timed_out, &examined);
  m.Compact();
  // Incremental rehash (and shrinking) with what is left of the budget, at most 1 ms.
  const auto limit = start + budget;
  const auto rehash_limit =
      std::min(limit, std::chrono::steady_clock::now() + std::chrono::microseconds(kCycleRehashUs));
  for (Keyspace& ks : m.tables) {
    m.index.MaybeShrink(ks);
    while (ks.next.buckets != nullptr && std::chrono::steady_clock::now() < rehash_limit) {
      m.index.PrefaultSteps(ks, kPrefaultPagesPerStep);
    }
    while (ks.rehashing() && std::chrono::steady_clock::now() < rehash_limit) {
      m.index.RehashSteps(ks, 100);
    }
  }
  // Bucket arrays left by finished rehashes go back to the kernel a slice at a time.
  while (std::chrono::steady_clock::now() < rehash_limit &&
         m.index.ReleaseRetired(kRetiredBytesPerStep) > 0) {
  }
  // A table being faulted in for a resize also asks for the next slice soon, so the resize
  // is not held back by the 100 ms between ordinary cycles.
  bool preparing = false;
  for (const Keyspace& ks : m.tables) preparing = preparing || ks.next.buckets != nullptr;
  const bool more = timed_out || m.HasDueRecord(now_ms) || preparing;
  // Pages the arena gave back leave RSS one run (up to a slab) per cycle that has no due keys
  // left: a madvise costs a TLB shootdown, 0.3 ms on a VM, so never during an expiry storm.
  if (!more) m.arena.PurgeFreeRun();
  // Valid records are at most one per page plus one per large TTL entry: far more means stale
  // records of deleted keys whose deadlines are still ahead; drop them while idle, and give
  // back an array that has shrunk (invalid records also leave from the top as they surface).
  const uint64_t live_bound = m.total_volatile + m.arena.page_bytes() / kArenaPageBytes;
  if (!more && (m.expiry.size() > 2 * live_bound + kExpiryRebuildSlack ||
                m.expiry.capacity() > 2 * m.expiry.size() + kExpiryRebuildSlack)) {
    m.expiry.Rebuild([&](const ExpiryRecord& r) { return m.RecordValid(r); });
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
  if (more_work) *more_work = more;
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
  return EntryArena::Capacity(m.E(id)) + sizeof(uintptr_t) + sizeof(Id);
}

const Stats& Engine::stats() const { return impl_->stats; }
Stats& Engine::mutable_stats() { return impl_->stats; }
void Engine::ResetStats() {
  impl_->stats = Stats{};
  impl_->cycle_us_total = 0;
}

}  // namespace lrukv::engine
