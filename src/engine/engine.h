// Engine: the keyspace of lrukv. `databases` numbered keyspaces of binary-safe string values
// over one exact LRU order, with per-key TTLs, a byte-exact memory account, eviction and a
// budgeted background expiry. It knows nothing of RESP or libuv and reads time only through
// the `now_ms` its callers pass (one snapshot per command) or the injected Clock.
//
// Invariants every caller may rely on:
//  - a key whose expire_at_ms < now_ms is never returned: it is reclaimed on access (lazy) and
//    by ActiveExpireCycle (background), and both count in stats().expired_keys. As Redis's
//    keyIsExpired (`now > when`), a key is still live during the millisecond of its deadline;
//  - writes never fail for memory or maxkeys: as in Redis, the limit is checked once before a
//    command (the dispatcher's EvictToLimit, -OOM for DENYOOM commands) and never refuses the
//    command's writes. After any write returns, used_memory() <= maxmemory (when maxmemory > 0)
//    and every db holds at most maxkeys keys (when maxkeys > 0) as far as the policy can evict
//    other keys; under noeviction (or with nothing evictable) a write grows past the limit;
//  - views returned by Lookup stay valid only until the next call that mutates the engine
//    (Lookup, Scan, ForEach and RandomKey do not invalidate other views, even when they
//    reclaim an expired key, so MGET may hold several); a write may take its value from a view.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "src/engine/clock.h"
#include "src/engine/stats.h"

namespace lrukv::engine {

inline constexpr int64_t kNoExpiry = 0;  // expire_at_ms of a key without a TTL

enum class EvictionPolicy {
  kNoEviction,
  kAllKeysLru,  // lrukv's default: this is a cache
  kVolatileLru,
  kAllKeysRandom,
  kVolatileRandom,
  kVolatileTtl,
};
// Redis's names ("allkeys-lru", ...); ParsePolicy returns nullopt for an unknown name.
std::string_view PolicyName(EvictionPolicy policy);
std::optional<EvictionPolicy> ParsePolicy(std::string_view name);

struct Limits {
  uint64_t maxmemory_bytes = 0;  // 0 = no limit
  uint64_t maxkeys = 0;          // most keys per database; 0 = no limit (lrukv's own)
  EvictionPolicy policy = EvictionPolicy::kAllKeysLru;
  int64_t default_ttl_ms = 0;    // applied to keys written without a TTL; 0 = none
};

enum class OpStatus {
  kOk,
  kNotFound,     // no such (live) key
  kExists,       // the target key exists (NX-style conditions)
  kOutOfMemory,  // reserved: writes no longer return it (see the invariants above)
};

// A live entry as seen by a caller; valid until the engine is next mutated.
struct EntryView {
  std::string_view key;
  std::string_view value;
  int64_t expire_at_ms = kNoExpiry;
  int64_t last_access_ms = 0;  // for OBJECT IDLETIME (second resolution is enough)
  // The value was last changed in place (ResizeValue) rather than stored whole by Set, or Set
  // was asked to mark it so (SetOptions::modified_in_place). Rename, Copy, Move and SetExpire
  // keep it. The engine gives it no other meaning (OBJECT ENCODING maps it to "raw").
  bool modified_in_place = false;
  // One bit the caller stores with the value (SetOptions::value_hint) and reads back; the
  // engine gives it no meaning. Set replaces it; ResizeValue, Rename, Copy, Move and SetExpire
  // keep it.
  bool value_hint = false;
};

// Lookup flags. By default a lookup touches the key (moves it to the LRU head) and counts a
// keyspace hit or miss, as Redis's lookupKeyRead does.
enum LookupFlags : uint32_t {
  kLookupDefault = 0,
  kLookupNoTouch = 1u << 0,  // leave recency alone (OBJECT, TYPE, CLIENT NO-TOUCH, ...)
  kLookupNoStats = 1u << 1,  // count neither hit nor miss (lookups made by write commands)
  // Count the hit or miss but tell no LookupObserver (OBJECT, as Redis's LOOKUP_NONOTIFY).
  kLookupNoNotify = 1u << 2,
};

// Receives what happens to keys. Calls arrive synchronously, on the engine's thread, after the
// change. Every method has an empty default; the engine calls nothing when no observer is set.
// A key that expires or is evicted gets OnExpired/OnEvicted only (no OnModified as well): an
// observer that tracks WATCHed keys should treat all three alike. RENAME reports OnModified for
// both names, MOVE for both databases; the copy target of COPY gets OnModified. Callbacks must
// not call back into the engine's mutating methods.
class KeyspaceObserver {
 public:
  virtual ~KeyspaceObserver() = default;
  virtual void OnModified(int db, std::string_view key) {}  // any write, delete, TTL change
  // A key was added to `db` where Redis's dbAdd adds one: Set or ResizeValue of an absent key,
  // the target of Rename (even one that replaced a key), of Copy (even with replace) and of
  // Move. Not for a Set with SetOptions::loading. The write's last call: after the OnExpired
  // of a stale key it reclaimed, its OnModified and the evictions it caused, so a command's
  // events read "evicted", "new", then its own, as in Redis, which evicts before a command.
  virtual void OnCreated(int db, std::string_view key) {}
  virtual void OnExpired(int db, std::string_view key) {}
  virtual void OnEvicted(int db, std::string_view key) {}
  virtual void OnDbFlushed(int db) {}  // FLUSHDB / FLUSHALL / SWAPDB: every key of `db`
};

// Told of the lookups that count a keyspace hit or miss (those without kLookupNoStats: the
// lookups of read commands) unless they carry kLookupNoNotify. A separate interface from
// KeyspaceObserver, and gated by a word its owner keeps (SetLookupObserver), so that Lookup
// pays one load and one branch, no call, while nobody wants lookups reported. Same rules as
// KeyspaceObserver: synchronous, no engine mutation from the callback.
class LookupObserver {
 public:
  virtual ~LookupObserver() = default;
  virtual void OnLookupHit(int db, std::string_view key) {}
  // After the OnExpired of a stale key the lookup reclaimed (Redis: "expired", "keymiss").
  virtual void OnLookupMiss(int db, std::string_view key) {}
};

// A malloc'd block that already holds the value of a Set, offered so that the engine can keep
// the block as the entry instead of copying the value into a new one: the zero-copy path of a
// big SET, whose request buffer holds the value (Redis makes such a query buffer the string
// object itself). The engine builds the entry in place in front of the value, over the bytes
// before it, and puts a TTL trailer in the kValueDonorTailBytes after it, so every byte of the
// block but the value's is the engine's to overwrite (`key` may lie there: Set reads it
// first). It takes the block only when the entry is large, starts 1..255 bytes into the block
// and leaves at most 1/8 of it unused; otherwise the value is copied as usual.
struct ValueDonor {
  char* block = nullptr;          // from malloc or realloc
  const char* value = nullptr;    // the value it holds: a Set of any other value ignores it
  // Set by the engine when it took the block: the block is the engine's (never touch or free
  // it again), and the value stays readable at the same address, as the entry's value, until
  // the engine is next mutated.
  bool taken = false;
};
// Bytes a donor block needs after the value for a Set with a deadline to take it.
inline constexpr size_t kValueDonorTailBytes = 8;

struct SetOptions {
  int64_t expire_at_ms = kNoExpiry;  // absolute deadline; kNoExpiry = none (or default-ttl)
  bool keep_ttl = false;             // keep the existing key's deadline (KEEPTTL, APPEND, INCR...)
  bool modified_in_place = false;    // store EntryView::modified_in_place set (default: cleared)
  bool value_hint = false;           // EntryView::value_hint of the stored value
  // A dump being loaded: the observer gets no OnCreated (Redis's RDB load notifies nothing).
  bool loading = false;
  ValueDonor* donor = nullptr;  // the value's block, which Set may take (see ValueDonor)
};

class Engine {
 public:
  explicit Engine(const Clock& clock, int databases = 16);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  int databases() const;
  const Clock& clock() const;
  void SetLimits(const Limits& limits);  // may evict at once if the new limit is lower
  const Limits& limits() const;
  void SetObserver(KeyspaceObserver* observer);  // nullptr: none
  // Reports lookups to `observer`: hits while (*gate & hit_mask) != 0, misses while
  // (*gate & miss_mask) != 0. The word is read at each lookup, so its owner turns reporting on
  // and off by changing it (a config value) without telling the engine; it must outlive the
  // registration. nullptr observer: none (the default).
  void SetLookupObserver(LookupObserver* observer, const uint32_t* gate, uint32_t hit_mask,
                         uint32_t miss_mask);

  // A hint before a batch of lookups in `db` (a pipelined batch of requests): starts loading
  // the memory those lookups and their LRU touches will read, level by level (buckets, slot
  // cells, entries, recency neighbours), so their cache misses overlap instead of following
  // one another. Changes nothing; at most kMaxPrefetchKeys keys are looked at.
  static constexpr size_t kMaxPrefetchKeys = 32;
  void Prefetch(int db, std::span<const std::string_view> keys) const;

  // ---- The only read entrance: lazy expiry, LRU touch, hit/miss counters ----
  std::optional<EntryView> Lookup(int db, std::string_view key, int64_t now_ms,
                                  uint32_t flags = kLookupDefault);

  // ---- Writes. Each may evict other keys to stay within the limits; none fails for memory. ----
  // Creates or replaces `key`: kOk (kNotFound only for a db out of range). Other keys (never the
  // one written) are then evicted, as the policy allows, to get back under maxmemory and
  // maxkeys. The default TTL applies when no deadline is given and the key is new or !keep_ttl.
  OpStatus Set(int db, std::string_view key, std::string_view value, int64_t now_ms,
               const SetOptions& options = {});
  // Resizes the value of `key` (creating it empty first if absent) to `new_len` bytes, keeping
  // its TTL, and returns the whole value for writing; bytes past the old length are zero.
  // Used by APPEND, SETRANGE, SETBIT, BITFIELD. *status is kOk, or kNotFound (and the span
  // empty) only for a db out of range. Evicts as Set does.
  std::span<char> ResizeValue(int db, std::string_view key, size_t new_len, int64_t now_ms,
                              OpStatus* status = nullptr);
  bool Del(int db, std::string_view key, int64_t now_ms);  // true if a live key was removed
  // Sets (expire_at_ms > 0) or removes (kNoExpiry) the deadline of a live key. A deadline
  // <= now_ms deletes the key at once (as a DEL, not counted as expired), as Redis's EXPIRE
  // (checkAlreadyExpired: `when <= now`), although Lookup would still return a key whose
  // deadline is now_ms. kNotFound if absent.
  OpStatus SetExpire(int db, std::string_view key, int64_t expire_at_ms, int64_t now_ms);
  // RENAME / RENAMENX: kNotFound if `from` is absent; kExists if nx and `to` exists. TTL moves.
  OpStatus Rename(int db, std::string_view from, std::string_view to, bool nx, int64_t now_ms);
  // COPY: kNotFound if `from` is absent; kExists if `to` exists and !replace, or if it is the
  // same key in the same db (the caller answers Redis's "source and destination" error first).
  // The copy carries the source's deadline.
  OpStatus Copy(int src_db, std::string_view from, int dst_db, std::string_view to, bool replace,
                int64_t now_ms);
  // MOVE: kNotFound if absent in db; kExists if present in dst_db (or dst_db == db).
  OpStatus Move(int db, std::string_view key, int dst_db, int64_t now_ms);
  // RESTORE ... IDLETIME: makes a live key the least recently used of all (the LRU tail, so
  // the next allkeys-lru victim) and records its last access idle_s seconds before now_ms
  // (clamped at the epoch), so OBJECT IDLETIME reads idle_s. Nothing else changes and no
  // observer is told (recency is not a modification). kNotFound if absent (or idle_s < 0).
  OpStatus MakeLeastRecent(int db, std::string_view key, int64_t idle_s, int64_t now_ms);
  void SwapDb(int a, int b);
  void FlushDb(int db);
  void FlushAll();
  // A hint before a bulk load (a dump read at start): sizes db's table for `keys` keys at once
  // when it has none yet, so the load neither rehashes nor walks long chains. Ignored when
  // the table exists, or when its buckets would not fit under maxmemory, be allocated at all,
  // or serve more keys than an engine can hold (the hint comes from a file).
  void ReserveKeys(int db, uint64_t keys);

  // ---- Iteration ----
  size_t DbSize(int db) const;        // keys held, including expired ones not yet reclaimed
  size_t ExpiresCount(int db) const;  // keys with a TTL
  int64_t AvgTtlMs(int db, int64_t now_ms) const;  // for INFO keyspace avg_ttl; 0 if none
  // SCAN: visits a batch of about `count` slots starting at `cursor`, calling fn for each live
  // key, and returns the next cursor (0 when done). A full iteration returns every key present
  // throughout, even while the table grows; keys may be returned more than once.
  uint64_t Scan(int db, uint64_t cursor, size_t count, int64_t now_ms,
                const std::function<void(const EntryView&)>& fn);
  // Every live key of db, in no particular order (KEYS).
  void ForEach(int db, int64_t now_ms, const std::function<void(const EntryView&)>& fn);
  std::optional<std::string> RandomKey(int db, int64_t now_ms);
  // Every live key of every db from least to most recently used (persistence, tests).
  void ForEachLruOrder(int64_t now_ms, const std::function<void(int db, const EntryView&)>& fn);

  // ---- Limits and background work ----
  // Evicts until within maxmemory/maxkeys; false if still over and the policy forbids or
  // nothing is evictable (the dispatcher then answers -OOM to DENYOOM commands).
  bool EvictToLimit(int64_t now_ms);
  // Over maxmemory, or some db over maxkeys (possible after writes under noeviction).
  bool OverMemoryLimit() const;
  // Reclaims expired keys for at most budget_us microseconds of wall time; returns how many.
  // Adaptive as DESIGN.md: the caller may call again soon when this returns `true` in
  // *more_work (due keys remain, or it ran out of budget, or a hash table being prepared for a
  // resize still has pages to fault in). Also does the background rehash, faulting in and
  // unmapping of bucket arrays (hash_table.h), each within the same budget.
  size_t ActiveExpireCycle(int64_t now_ms, int64_t budget_us, bool* more_work = nullptr);

  // ---- Accounting ----
  // Every byte the engine allocated for keys and its tables: each entry's slot (or malloc
  // block for entries over 512 bytes), hash buckets, the id table, a fixed baseline. The free
  // tail of the entry arena (at most two 16 KiB pages per size class) is not counted, as Redis
  // does not count allocator fragmentation.
  uint64_t used_memory() const;
  uint64_t MemoryUsage(int db, std::string_view key, int64_t now_ms);  // MEMORY USAGE; 0 absent
  const Stats& stats() const;
  Stats& mutable_stats();
  void ResetStats();

  // ---- Self-check (invariants.cc), for tests and fuzzers: O(keys + buckets) ----
  // Walks every db's hash tables, the LRU list and the expiry index and checks that they
  // agree: the same set of live entries in both, each chained in its hash's bucket of its own
  // table, once, with well-formed LRU links; key and TTL counts and deadline sums as kept;
  // the memory account's entry bytes equal the sum of the live entries' sizes; every TTL
  // entry findable by the expiry index. Returns "" when all hold, else the first violation.
  // Between calls only (inside one the arena may hold holes); changes nothing.
  std::string CheckInvariants() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lrukv::engine
