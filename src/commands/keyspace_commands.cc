// The keyspace family (Redis's "generic" group plus DBSIZE/FLUSHDB/FLUSHALL/SWAPDB): DEL UNLINK
// EXISTS TYPE TOUCH RENAME RENAMENX COPY MOVE KEYS SCAN RANDOMKEY DBSIZE FLUSHDB FLUSHALL SWAPDB,
// the EXPIRE and TTL families, PERSIST and OBJECT. Handlers parse every argument first, then make
// their engine calls; replies and error texts are Redis 7.0's. The Dispatcher has already checked
// arity and resolved OBJECT's subcommand.
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "resp/errors.h"
#include "resp/reply_writer.h"
#include "src/commands/arg_parse.h"
#include "src/commands/persistence.h"
#include "src/commands/command_table.h"
#include "src/commands/glob_match.h"
#include "src/commands/keyspace_events.h"
#include "src/commands/number_format.h"
#include "src/commands/server_context.h"
#include "src/engine/engine.h"

namespace lrukv::cmd {
namespace {

namespace err = resp::err;
using engine::EntryView;
using engine::OpStatus;

// ---- Argument parsing (Redis's rules, byte for byte) ----

// A SCAN cursor as C's strtoul(s, 10) reads it with Redis's checks: an empty string is 0; the
// first byte may not be a space; an optional sign ("-1" wraps to 2^64-1), digits to the end,
// and no overflow.
bool ParseScanCursor(std::string_view s, uint64_t* out) {
  if (s.empty()) {
    *out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    ++i;
  }
  if (i == s.size()) return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    v = v * 10 + digit;
  }
  *out = negative ? 0 - v : v;
  return true;
}

// Redis's getIntFromObjectOrReply: not a long -> "value is not an integer"; a long outside int
// -> the int range error, unless the caller passes its own text for both. Writes the error.
bool ParseIntOrReply(CommandContext& ctx, std::string_view arg, int* out,
                     std::string_view custom_error = {}) {
  int64_t v = 0;
  if (!ParseInt64(arg, &v)) {
    ctx.reply.Error(custom_error.empty() ? err::kNotInteger : custom_error);
    return false;
  }
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    ctx.reply.Error(custom_error.empty() ? err::kIntOutOfRange : custom_error);
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

bool ValidDb(const CommandContext& ctx, int db) {
  return db >= 0 && db < ctx.server.engine.databases();
}

// Flags for a read lookup by this client: CLIENT NO-TOUCH leaves recency alone.
uint32_t ReadFlags(const CommandContext& ctx, uint32_t extra = engine::kLookupDefault) {
  return extra | (ctx.client.no_touch ? engine::kLookupNoTouch : 0u);
}

// Lookup made by a write command: touches the key but counts neither hit nor miss.
std::optional<EntryView> LookupForWrite(CommandContext& ctx, std::string_view key) {
  return ctx.server.engine.Lookup(ctx.client.db, key, ctx.now_ms, engine::kLookupNoStats);
}

// Writes an array of bulk keys whose count is only known after iterating: the keys go to
// `body` first, then header and body are appended to the reply.
class KeyArrayBuilder {
 public:
  explicit KeyArrayBuilder(int protocol) : writer_(&body_, protocol) {}
  void Add(std::string_view key) {
    writer_.Bulk(key);
    ++count_;
  }
  void Flush(resp::ReplyWriter& reply) {
    reply.ArrayHeader(count_);
    reply.Raw(body_);
  }

 private:
  std::string body_;
  resp::ReplyWriter writer_;
  size_t count_ = 0;
};

// Redis 7.0's OBJECT ENCODING of a string (see CmdObjectEncoding): "int" when a value stored
// whole reads as a long (string2ll, at most 20 bytes), else "embstr" up to 44 bytes, else "raw".
constexpr size_t kEmbstrMaxBytes = 44;  // OBJ_ENCODING_EMBSTR_SIZE_LIMIT
constexpr int64_t kSharedIntegers = 10000;  // Redis shares the objects of 0..9999
constexpr int64_t kSharedRefcount = 2147483647;  // OBJ_SHARED_REFCOUNT as OBJECT REFCOUNT prints it

// ---- DEL / UNLINK / EXISTS / TYPE / TOUCH ----

// DEL key [key ...]   UNLINK key [key ...]
void CmdDel(CommandContext& ctx) {
  int64_t deleted = 0;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    if (ctx.server.engine.Del(ctx.client.db, ctx.args[i], ctx.now_ms)) {
      ++deleted;
      NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "del", ctx.client.db, ctx.args[i]);
    }
  }
  ctx.server.counters.dirty += static_cast<uint64_t>(deleted);
  ctx.reply.Integer(deleted);
}

// EXISTS key [key ...]: a key named twice counts twice.
void CmdExists(CommandContext& ctx) {
  int64_t found = 0;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    if (ctx.server.engine.Lookup(ctx.client.db, ctx.args[i], ctx.now_ms,
                                 engine::kLookupNoTouch)) {
      ++found;
    }
  }
  ctx.reply.Integer(found);
}

// TYPE key
void CmdType(CommandContext& ctx) {
  const bool found = ctx.server.engine
                         .Lookup(ctx.client.db, ctx.args[1], ctx.now_ms, engine::kLookupNoTouch)
                         .has_value();
  ctx.reply.Simple(found ? "string" : "none");
}

// TOUCH key [key ...]: touches even for a CLIENT NO-TOUCH client, as Redis.
void CmdTouch(CommandContext& ctx) {
  int64_t found = 0;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    if (ctx.server.engine.Lookup(ctx.client.db, ctx.args[i], ctx.now_ms)) ++found;
  }
  ctx.reply.Integer(found);
}

// ---- RENAME / RENAMENX / COPY / MOVE ----

// RENAME key newkey (+OK)   RENAMENX key newkey (:1 renamed, :0 newkey exists)
void RenameGeneric(CommandContext& ctx, bool nx) {
  const std::string_view from = ctx.args[1];
  const std::string_view to = ctx.args[2];
  if (from == to) {  // Redis answers without touching the data
    if (!LookupForWrite(ctx, from)) {
      ctx.reply.Error(err::kNoSuchKey);
    } else if (nx) {
      ctx.reply.Integer(0);
    } else {
      ctx.reply.Ok();
    }
    return;
  }
  switch (ctx.server.engine.Rename(ctx.client.db, from, to, nx, ctx.now_ms)) {
    case OpStatus::kNotFound:
      ctx.reply.Error(err::kNoSuchKey);
      return;
    case OpStatus::kExists:
      ctx.reply.Integer(0);
      return;
    case OpStatus::kOutOfMemory:
      ctx.reply.Error(err::kOom);
      return;
    case OpStatus::kOk:
      break;
  }
  ctx.server.counters.dirty++;
  // No "del" for a `to` that was replaced, as Redis.
  NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "rename_from", ctx.client.db, from);
  NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "rename_to", ctx.client.db, to);
  if (nx) {
    ctx.reply.Integer(1);
  } else {
    ctx.reply.Ok();
  }
}

void CmdRename(CommandContext& ctx) { RenameGeneric(ctx, false); }
void CmdRenameNx(CommandContext& ctx) { RenameGeneric(ctx, true); }

// COPY source destination [DB destination-db] [REPLACE]
void CmdCopy(CommandContext& ctx) {
  int dst_db = ctx.client.db;
  bool replace = false;
  for (size_t i = 3; i < ctx.args.size(); ++i) {
    const size_t more = ctx.args.size() - i - 1;
    if (EqualsIgnoreCase(ctx.args[i], "replace")) {
      replace = true;
    } else if (EqualsIgnoreCase(ctx.args[i], "db") && more >= 1) {
      if (!ParseIntOrReply(ctx, ctx.args[i + 1], &dst_db)) return;
      if (!ValidDb(ctx, dst_db)) {  // checked as each DB is read, as Redis
        ctx.reply.Error(err::kDbIndexOutOfRange);
        return;
      }
      ++i;
    } else {
      ctx.reply.Error(err::kSyntax);
      return;
    }
  }
  if (ctx.server.config.cluster_enabled && dst_db != 0) {  // a cluster node has only db 0
    ctx.reply.Error(err::kCopyDbInCluster);
    return;
  }
  const std::string_view from = ctx.args[1];
  const std::string_view to = ctx.args[2];
  if (dst_db == ctx.client.db && from == to) {
    ctx.reply.Error(err::kSameObject);
    return;
  }
  // The source is read as GET reads (hit/miss counted, key touched); the copy itself is a write.
  if (!ctx.server.engine.Lookup(ctx.client.db, from, ctx.now_ms, ReadFlags(ctx))) {
    ctx.reply.Integer(0);
    return;
  }
  switch (ctx.server.engine.Copy(ctx.client.db, from, dst_db, to, replace, ctx.now_ms)) {
    case OpStatus::kNotFound:
    case OpStatus::kExists:
      ctx.reply.Integer(0);
      return;
    case OpStatus::kOutOfMemory:
      ctx.reply.Error(err::kOom);
      return;
    case OpStatus::kOk:
      break;
  }
  ctx.server.counters.dirty++;
  // Only the destination is told, in its own db.
  NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "copy_to", dst_db, to);
  ctx.reply.Integer(1);
}

// MOVE key db
void CmdMove(CommandContext& ctx) {
  if (ctx.server.config.cluster_enabled) {
    ctx.reply.Error(err::kMoveInCluster);
    return;
  }
  int dst_db = 0;
  if (!ParseIntOrReply(ctx, ctx.args[2], &dst_db)) return;
  if (!ValidDb(ctx, dst_db)) {
    ctx.reply.Error(err::kDbIndexOutOfRange);
    return;
  }
  if (dst_db == ctx.client.db) {
    ctx.reply.Error(err::kSameObject);
    return;
  }
  if (ctx.server.engine.Move(ctx.client.db, ctx.args[1], dst_db, ctx.now_ms) != OpStatus::kOk) {
    ctx.reply.Integer(0);
    return;
  }
  ctx.server.counters.dirty++;
  NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "move_from", ctx.client.db, ctx.args[1]);
  NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "move_to", dst_db, ctx.args[1]);
  ctx.reply.Integer(1);
}

// ---- KEYS / SCAN / RANDOMKEY / DBSIZE ----

// KEYS pattern
void CmdKeys(CommandContext& ctx) {
  const std::string_view pattern = ctx.args[1];
  const bool all = pattern == "*";  // Redis's shortcut: "*" also lists the empty key
  KeyArrayBuilder keys(ctx.reply.protocol());
  ctx.server.engine.ForEach(ctx.client.db, ctx.now_ms, [&](const EntryView& e) {
    if (all || GlobMatch(pattern, e.key, false)) keys.Add(e.key);
  });
  keys.Flush(ctx.reply);
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
// Reply: [next cursor as a bulk decimal, [keys]]. The cursor is our engine's, not Redis's.
void CmdScan(CommandContext& ctx) {
  uint64_t cursor = 0;
  if (!ParseScanCursor(ctx.args[1], &cursor)) {
    ctx.reply.Error(err::kInvalidCursor);
    return;
  }
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;
  bool type_matches = true;  // every lrukv value is a string
  for (size_t i = 2; i < ctx.args.size(); i += 2) {
    const bool has_value = ctx.args.size() - i >= 2;
    if (EqualsIgnoreCase(ctx.args[i], "count") && has_value) {
      if (!ParseInt64(ctx.args[i + 1], &count)) {
        ctx.reply.Error(err::kNotInteger);
        return;
      }
      if (count < 1) {
        ctx.reply.Error(err::kSyntax);
        return;
      }
    } else if (EqualsIgnoreCase(ctx.args[i], "match") && has_value) {
      pattern = ctx.args[i + 1];
      use_pattern = pattern != "*";
    } else if (EqualsIgnoreCase(ctx.args[i], "type") && has_value) {
      type_matches = EqualsIgnoreCase(ctx.args[i + 1], "string");
    } else {
      ctx.reply.Error(err::kSyntax);
      return;
    }
  }
  KeyArrayBuilder keys(ctx.reply.protocol());
  const uint64_t next = ctx.server.engine.Scan(
      ctx.client.db, cursor, static_cast<size_t>(count), ctx.now_ms, [&](const EntryView& e) {
        if (!type_matches) return;
        if (use_pattern && !GlobMatch(pattern, e.key, false)) return;
        keys.Add(e.key);
      });
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(next));
  keys.Flush(ctx.reply);
}

// RANDOMKEY
void CmdRandomKey(CommandContext& ctx) {
  const std::optional<std::string> key = ctx.server.engine.RandomKey(ctx.client.db, ctx.now_ms);
  if (key) {
    ctx.reply.Bulk(*key);
  } else {
    ctx.reply.Null();
  }
}

// DBSIZE
void CmdDbSize(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.engine.DbSize(ctx.client.db)));
}

// ---- FLUSHDB / FLUSHALL / SWAPDB ----

// Reads the optional ASYNC|SYNC of FLUSHDB/FLUSHALL; lrukv always frees at once.
bool ParseFlushModeOrReply(CommandContext& ctx) {
  if (ctx.args.size() == 1) return true;
  if (ctx.args.size() == 2 &&
      (EqualsIgnoreCase(ctx.args[1], "async") || EqualsIgnoreCase(ctx.args[1], "sync"))) {
    return true;
  }
  ctx.reply.Error(err::kSyntax);
  return false;
}

// FLUSHDB [ASYNC|SYNC]
void CmdFlushDb(CommandContext& ctx) {
  if (!ParseFlushModeOrReply(ctx)) return;
  ctx.server.counters.dirty += ctx.server.engine.DbSize(ctx.client.db);
  ctx.server.engine.FlushDb(ctx.client.db);
  ctx.reply.Ok();
}

// FLUSHALL [ASYNC|SYNC]
void CmdFlushAll(CommandContext& ctx) {
  if (!ParseFlushModeOrReply(ctx)) return;
  uint64_t removed = 0;
  for (int db = 0; db < ctx.server.engine.databases(); ++db) {
    removed += ctx.server.engine.DbSize(db);
  }
  ctx.server.engine.FlushAll();
  ctx.server.counters.dirty += removed;
  // As Redis: a snapshot in flight is now stale, and with save points the (empty) dataset is
  // saved at once, so a restart does not bring the flushed keys back.
  ResetSnapshotAfterFlushAll(ctx.server, ctx.now_ms);
  ctx.server.counters.dirty++;  // Redis counts the FLUSHALL itself too
  ctx.reply.Ok();
}

// SWAPDB index1 index2
void CmdSwapDb(CommandContext& ctx) {
  if (ctx.server.config.cluster_enabled) {
    ctx.reply.Error(err::kSwapDbInCluster);
    return;
  }
  int a = 0;
  int b = 0;
  if (!ParseIntOrReply(ctx, ctx.args[1], &a, err::kInvalidFirstDbIndex)) return;
  if (!ParseIntOrReply(ctx, ctx.args[2], &b, err::kInvalidSecondDbIndex)) return;
  if (!ValidDb(ctx, a) || !ValidDb(ctx, b)) {
    ctx.reply.Error(err::kDbIndexOutOfRange);
    return;
  }
  if (a != b) {
    // Redis 7.0 dirties a watched key present in either db before the swap.
    constexpr uint32_t kQuiet = engine::kLookupNoTouch | engine::kLookupNoStats;
    ctx.server.watches.BeforeSwapDb(a, b, [&](int db, std::string_view key) {
      return ctx.server.engine.Lookup(db, key, ctx.now_ms, kQuiet).has_value();
    });
    ctx.server.engine.SwapDb(a, b);
  }
  ctx.server.counters.dirty++;
  ctx.reply.Ok();
}

// ---- EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT / PERSIST ----

enum ExpireFlag : uint32_t {
  kExpireNx = 1u << 0,  // only when the key has no TTL
  kExpireXx = 1u << 1,  // only when it has one
  kExpireGt = 1u << 2,  // only when the new deadline is later (no TTL counts as infinite)
  kExpireLt = 1u << 3,  // only when the new deadline is earlier
};

// Shared body of the EXPIRE family. `base_ms` is now_ms for relative forms and 0 for the *AT
// forms, whose unix time is then turned into engine time (clock.h); `unit_ms` is 1000 when the
// argument is in seconds. Replies :1 when the deadline was
// set (or the key deleted because the deadline is already past), :0 when the key is absent or
// a condition failed.
void ExpireGeneric(CommandContext& ctx, int64_t base_ms, int64_t unit_ms) {
  uint32_t flags = 0;
  for (size_t i = 3; i < ctx.args.size(); ++i) {
    const std::string_view opt = ctx.args[i];
    if (EqualsIgnoreCase(opt, "nx")) {
      flags |= kExpireNx;
    } else if (EqualsIgnoreCase(opt, "xx")) {
      flags |= kExpireXx;
    } else if (EqualsIgnoreCase(opt, "gt")) {
      flags |= kExpireGt;
    } else if (EqualsIgnoreCase(opt, "lt")) {
      flags |= kExpireLt;
    } else {
      ctx.reply.Error(err::UnsupportedOption(opt));
      return;
    }
  }
  if ((flags & kExpireNx) && (flags & (kExpireXx | kExpireGt | kExpireLt))) {
    ctx.reply.Error(err::kExpireNxConflict);
    return;
  }
  if ((flags & kExpireGt) && (flags & kExpireLt)) {
    ctx.reply.Error(err::kExpireGtLtConflict);
    return;
  }
  int64_t when = 0;
  if (!ParseInt64(ctx.args[2], &when)) {
    ctx.reply.Error(err::kNotInteger);
    return;
  }
  // Overflow on the unit conversion or on adding the base time is an error; a negative result
  // is fine (it deletes the key).
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (unit_ms != 1) {
    if (when > kMax / unit_ms || when < kMin / unit_ms) {
      ctx.reply.Error(err::InvalidExpireTime(ctx.spec.name));
      return;
    }
    when *= unit_ms;
  }
  if (when > kMax - base_ms) {
    ctx.reply.Error(err::InvalidExpireTime(ctx.spec.name));
    return;
  }
  const int64_t expire_at_ms =
      base_ms == 0 ? ctx.server.engine.clock().FromWallMs(when) : when + base_ms;

  const std::optional<EntryView> entry = LookupForWrite(ctx, ctx.args[1]);
  if (!entry) {
    ctx.reply.Integer(0);
    return;
  }
  if (flags) {
    const bool has_ttl = entry->expire_at_ms != engine::kNoExpiry;
    if ((flags & kExpireNx) && has_ttl) return ctx.reply.Integer(0);
    if ((flags & kExpireXx) && !has_ttl) return ctx.reply.Integer(0);
    if ((flags & kExpireGt) && (!has_ttl || expire_at_ms <= entry->expire_at_ms)) {
      return ctx.reply.Integer(0);
    }
    if ((flags & kExpireLt) && has_ttl && expire_at_ms >= entry->expire_at_ms) {
      return ctx.reply.Integer(0);
    }
  }
  if (expire_at_ms <= ctx.now_ms) {
    ctx.server.engine.Del(ctx.client.db, ctx.args[1], ctx.now_ms);  // a DEL, not an expiry
    NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "del", ctx.client.db, ctx.args[1]);
  } else {
    const bool same_deadline = entry->expire_at_ms == expire_at_ms;
    ctx.server.engine.SetExpire(ctx.client.db, ctx.args[1], expire_at_ms, ctx.now_ms);
    // The engine reports only a changed deadline; Redis signals every EXPIRE that succeeds
    // (WATCH sees it even when the deadline stays the same).
    if (same_deadline) ctx.server.keyspace_observers.OnModified(ctx.client.db, ctx.args[1]);
    NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "expire", ctx.client.db, ctx.args[1]);
  }
  ctx.server.counters.dirty++;
  ctx.reply.Integer(1);
}

// EXPIRE key seconds [NX|XX|GT|LT]
void CmdExpire(CommandContext& ctx) { ExpireGeneric(ctx, ctx.now_ms, 1000); }
// PEXPIRE key milliseconds [NX|XX|GT|LT]
void CmdPExpire(CommandContext& ctx) { ExpireGeneric(ctx, ctx.now_ms, 1); }
// EXPIREAT key unix-time-seconds [NX|XX|GT|LT]
void CmdExpireAt(CommandContext& ctx) { ExpireGeneric(ctx, 0, 1000); }
// PEXPIREAT key unix-time-milliseconds [NX|XX|GT|LT]
void CmdPExpireAt(CommandContext& ctx) { ExpireGeneric(ctx, 0, 1); }

// PERSIST key: :1 when a TTL was removed.
void CmdPersist(CommandContext& ctx) {
  const std::optional<EntryView> entry = LookupForWrite(ctx, ctx.args[1]);
  if (!entry || entry->expire_at_ms == engine::kNoExpiry) {
    ctx.reply.Integer(0);
    return;
  }
  ctx.server.engine.SetExpire(ctx.client.db, ctx.args[1], engine::kNoExpiry, ctx.now_ms);
  ctx.server.counters.dirty++;
  NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "persist", ctx.client.db, ctx.args[1]);
  ctx.reply.Integer(1);
}

// ---- TTL / PTTL / EXPIRETIME / PEXPIRETIME ----

// Shared body: -2 when the key is absent, -1 when it has no TTL, else the time left
// (`absolute` false) or the deadline (`absolute` true), in ms or rounded to the nearest second.
void TtlGeneric(CommandContext& ctx, bool output_ms, bool absolute) {
  const std::optional<EntryView> entry =
      ctx.server.engine.Lookup(ctx.client.db, ctx.args[1], ctx.now_ms, engine::kLookupNoTouch);
  if (!entry) return ctx.reply.Integer(-2);
  if (entry->expire_at_ms == engine::kNoExpiry) return ctx.reply.Integer(-1);
  // EXPIRETIME answers unix time: the engine's deadline through the clock's wall offset.
  int64_t v = absolute ? ctx.server.engine.clock().ToWallMs(entry->expire_at_ms)
                       : entry->expire_at_ms - ctx.now_ms;
  v = std::max<int64_t>(v, 0);
  if (!output_ms) {
    // v >= 0; unsigned so a deadline near INT64_MAX rounds as Redis prints it.
    v = static_cast<int64_t>((static_cast<uint64_t>(v) + 500) / 1000);
  }
  ctx.reply.Integer(v);
}

// TTL key
void CmdTtl(CommandContext& ctx) { TtlGeneric(ctx, false, false); }
// PTTL key
void CmdPTtl(CommandContext& ctx) { TtlGeneric(ctx, true, false); }
// EXPIRETIME key
void CmdExpireTime(CommandContext& ctx) { TtlGeneric(ctx, false, true); }
// PEXPIRETIME key
void CmdPExpireTime(CommandContext& ctx) { TtlGeneric(ctx, true, true); }

// ---- OBJECT ----

// The key's entry for an OBJECT subcommand (no touch, hit/miss counted but, as Redis's
// LOOKUP_NONOTIFY, no keymiss/keyhit event), or a null reply.
std::optional<EntryView> ObjectLookupOrReply(CommandContext& ctx) {
  std::optional<EntryView> entry = ctx.server.engine.Lookup(
      ctx.client.db, ctx.args[2], ctx.now_ms, engine::kLookupNoTouch | engine::kLookupNoNotify);
  if (!entry) ctx.reply.Null();
  return entry;
}

// True when Redis would hold `entry` as an integer object: stored whole (not changed in place),
// not flagged by INCRBYFLOAT (value_hint: a string object), and reading as a long; *out gets
// the integer.
bool IsIntEncoded(const EntryView& entry, int64_t* out) {
  return !entry.modified_in_place && !entry.value_hint && ParseInt64(entry.value, out);
}

// OBJECT ENCODING key
// As Redis 7.0: a string changed in place (APPEND to an existing key, SETRANGE, SETBIT,
// BITFIELD writes) or built in a buffer (BITOP) is "raw" at any length; a value stored whole
// (SET, MSET, GETSET, INCR, APPEND creating the key, RESTORE) is "int" when it reads as a long,
// else "embstr" up to 44 bytes, else "raw". INCRBYFLOAT stores its result as a string object
// (value_hint set by string_commands.cc): never "int". COPY, RENAME and MOVE keep the encoding.
void CmdObjectEncoding(CommandContext& ctx) {
  const std::optional<EntryView> entry = ObjectLookupOrReply(ctx);
  if (!entry) return;
  int64_t v = 0;
  if (IsIntEncoded(*entry, &v)) {
    ctx.reply.Bulk("int");
  } else if (!entry->modified_in_place && entry->value.size() <= kEmbstrMaxBytes) {
    ctx.reply.Bulk("embstr");
  } else {
    ctx.reply.Bulk("raw");
  }
}

// OBJECT REFCOUNT key: Redis shares the objects of 0..9999 (refcount INT_MAX) unless an LRU
// policy with a memory limit needs per-key access times.
void CmdObjectRefcount(CommandContext& ctx) {
  const std::optional<EntryView> entry = ObjectLookupOrReply(ctx);
  if (!entry) return;
  const engine::Limits& limits = ctx.server.engine.limits();
  const bool lru_policy = limits.policy == engine::EvictionPolicy::kAllKeysLru ||
                          limits.policy == engine::EvictionPolicy::kVolatileLru;
  const bool sharing = limits.maxmemory_bytes == 0 || !lru_policy;
  int64_t v = 0;
  const bool shared = sharing && IsIntEncoded(*entry, &v) && v >= 0 && v < kSharedIntegers;
  ctx.reply.Integer(shared ? kSharedRefcount : 1);
}

// OBJECT IDLETIME key: whole seconds since the last access, on a one-second clock as Redis's.
void CmdObjectIdletime(CommandContext& ctx) {
  const std::optional<EntryView> entry = ObjectLookupOrReply(ctx);
  if (!entry) return;
  // Under an LFU policy name (run as LRU here) Redis keeps no idle time and says so.
  if (ctx.server.config.maxmemory_policy.ends_with("-lfu")) {
    ctx.reply.Error(err::kLfuSelected);
    return;
  }
  const int64_t idle_s = ctx.now_ms / 1000 - entry->last_access_ms / 1000;
  ctx.reply.Integer(std::max<int64_t>(idle_s, 0));
}

// OBJECT FREQ key: lrukv has no LFU policy, so this is always Redis's "not LFU" error.
void CmdObjectFreq(CommandContext& ctx) {
  if (!ObjectLookupOrReply(ctx)) return;
  ctx.reply.Error(err::kLfuNotSelected);
}

// OBJECT HELP
void CmdObjectHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.Simple(line);
}

// OBJECT <subcommand> ...: the Dispatcher normally resolves the subcommand itself; this runs
// only if it did not, and does the same (unknown name, then arity).
void CmdObject(CommandContext& ctx) {
  const CommandSpec* sub =
      ctx.args.size() >= 2 ? CommandTable::FindSubcommand(ctx.spec, ctx.args[1]) : nullptr;
  if (sub == nullptr) {
    ctx.reply.Error(err::UnknownSubcommand(ctx.args.size() >= 2 ? ctx.args[1] : "", "OBJECT"));
    return;
  }
  const int argc = static_cast<int>(ctx.args.size());
  if ((sub->arity > 0 && argc != sub->arity) || (sub->arity < 0 && argc < -sub->arity)) {
    ctx.reply.Error(err::WrongNumArgs(sub->name));
    return;
  }
  CommandContext sub_ctx{ctx.server, ctx.client, ctx.reply, ctx.args, ctx.now_ms, *sub};
  sub->handler(sub_ctx);
}

// ---- Registration ----

}  // namespace

void RegisterKeyspaceCommands(CommandTable& table) {
  constexpr std::string_view kGeneric = "generic";
  constexpr std::string_view kServer = "server";
  constexpr std::string_view kWriteSlow = "@keyspace @write @slow";
  constexpr std::string_view kWriteFast = "@keyspace @write @fast";
  constexpr std::string_view kReadFast = "@keyspace @read @fast";
  constexpr std::string_view kReadSlow = "@keyspace @read @slow";

  table.Register(MakeCommandSpec("del", -2, kWrite, 1, -1, 1, CmdDel, kWriteSlow, kGeneric,
                                 "Delete a key", "1.0.0"));
  table.Register(
      MakeCommandSpec("unlink", -2, kWrite | kFast, 1, -1, 1, CmdDel, kWriteFast, kGeneric,
                      "Delete a key asynchronously in another thread. Otherwise it is just as DEL, "
                      "but non blocking.",
                      "4.0.0"));
  table.Register(MakeCommandSpec("exists", -2, kReadOnly | kFast, 1, -1, 1, CmdExists, kReadFast,
                                 kGeneric, "Determine if a key exists", "1.0.0"));
  table.Register(MakeCommandSpec("type", 2, kReadOnly | kFast, 1, 1, 1, CmdType, kReadFast,
                                 kGeneric, "Determine the type stored at key", "1.0.0"));
  table.Register(
      MakeCommandSpec("touch", -2, kReadOnly | kFast, 1, -1, 1, CmdTouch, kReadFast, kGeneric,
                      "Alters the last access time of a key(s). Returns the number of existing "
                      "keys specified.",
                      "3.2.1"));
  table.Register(MakeCommandSpec("rename", 3, kWrite, 1, 2, 1, CmdRename, kWriteSlow, kGeneric,
                                 "Rename a key", "1.0.0"));
  table.Register(MakeCommandSpec("renamenx", 3, kWrite | kFast, 1, 2, 1, CmdRenameNx, kWriteFast,
                                 kGeneric, "Rename a key, only if the new key does not exist",
                                 "1.0.0"));
  table.Register(MakeCommandSpec("copy", -3, kWrite | kDenyOom, 1, 2, 1, CmdCopy, kWriteSlow,
                                 kGeneric, "Copy a key", "6.2.0"));
  table.Register(MakeCommandSpec("move", 3, kWrite | kFast, 1, 1, 1, CmdMove, kWriteFast, kGeneric,
                                 "Move a key to another database", "1.0.0"));
  table.Register(MakeCommandSpec("keys", 2, kReadOnly, 0, 0, 0, CmdKeys,
                                 "@keyspace @read @slow @dangerous", kGeneric,
                                 "Find all keys matching the given pattern", "1.0.0"));
  table.Register(MakeCommandSpec("scan", -2, kReadOnly, 0, 0, 0, CmdScan, kReadSlow, kGeneric,
                                 "Incrementally iterate the keys space", "2.8.0"));
  table.Register(MakeCommandSpec("randomkey", 1, kReadOnly, 0, 0, 0, CmdRandomKey, kReadSlow,
                                 kGeneric, "Return a random key from the keyspace", "1.0.0"));
  table.Register(MakeCommandSpec("dbsize", 1, kReadOnly | kFast, 0, 0, 0, CmdDbSize, kReadFast,
                                 kServer, "Return the number of keys in the selected database",
                                 "1.0.0"));
  table.Register(MakeCommandSpec("flushdb", -1, kWrite, 0, 0, 0, CmdFlushDb,
                                 "@keyspace @write @slow @dangerous", kServer,
                                 "Remove all keys from the current database", "1.0.0"));
  table.Register(MakeCommandSpec("flushall", -1, kWrite, 0, 0, 0, CmdFlushAll,
                                 "@keyspace @write @slow @dangerous", kServer,
                                 "Remove all keys from all databases", "1.0.0"));
  table.Register(MakeCommandSpec("swapdb", 3, kWrite | kFast, 0, 0, 0, CmdSwapDb,
                                 "@keyspace @write @fast @dangerous", kServer,
                                 "Swaps two Redis databases", "4.0.0"));
  table.Register(MakeCommandSpec("expire", -3, kWrite | kFast, 1, 1, 1, CmdExpire, kWriteFast,
                                 kGeneric, "Set a key's time to live in seconds", "1.0.0"));
  table.Register(MakeCommandSpec("pexpire", -3, kWrite | kFast, 1, 1, 1, CmdPExpire, kWriteFast,
                                 kGeneric, "Set a key's time to live in milliseconds", "2.6.0"));
  table.Register(MakeCommandSpec("expireat", -3, kWrite | kFast, 1, 1, 1, CmdExpireAt, kWriteFast,
                                 kGeneric, "Set the expiration for a key as a UNIX timestamp",
                                 "1.2.0"));
  table.Register(MakeCommandSpec(
      "pexpireat", -3, kWrite | kFast, 1, 1, 1, CmdPExpireAt, kWriteFast, kGeneric,
      "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0"));
  table.Register(MakeCommandSpec("ttl", 2, kReadOnly | kFast, 1, 1, 1, CmdTtl, kReadFast, kGeneric,
                                 "Get the time to live for a key in seconds", "1.0.0"));
  table.Register(MakeCommandSpec("pttl", 2, kReadOnly | kFast, 1, 1, 1, CmdPTtl, kReadFast,
                                 kGeneric, "Get the time to live for a key in milliseconds",
                                 "2.6.0"));
  table.Register(MakeCommandSpec("expiretime", 2, kReadOnly | kFast, 1, 1, 1, CmdExpireTime,
                                 kReadFast, kGeneric, "Get the expiration Unix timestamp for a key",
                                 "7.0.0"));
  table.Register(MakeCommandSpec(
      "pexpiretime", 2, kReadOnly | kFast, 1, 1, 1, CmdPExpireTime, kReadFast, kGeneric,
      "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0"));
  table.Register(MakeCommandSpec("persist", 2, kWrite | kFast, 1, 1, 1, CmdPersist, kWriteFast,
                                 kGeneric, "Remove the expiration from a key", "2.2.0"));

  CommandSpec object = MakeCommandSpec("object", -2, 0, 0, 0, 0, CmdObject, "@slow", kGeneric,
                                       "A container for object introspection commands", "2.2.3");
  object.subcommands.push_back(
      MakeCommandSpec("object|encoding", 3, kReadOnly, 2, 2, 1, CmdObjectEncoding, kReadSlow,
                      kGeneric, "Inspect the internal encoding of a Redis object", "2.2.3"));
  object.subcommands.push_back(
      MakeCommandSpec("object|freq", 3, kReadOnly, 2, 2, 1, CmdObjectFreq, kReadSlow, kGeneric,
                      "Get the logarithmic access frequency counter of a Redis object", "4.0.0"));
  object.subcommands.push_back(MakeCommandSpec(
      "object|help", 2, kLoading | kStale, 0, 0, 0, CmdObjectHelp, "@keyspace @slow", kGeneric,
      "Show helpful text about the different subcommands", "6.2.0"));
  object.subcommands.push_back(
      MakeCommandSpec("object|idletime", 3, kReadOnly, 2, 2, 1, CmdObjectIdletime, kReadSlow,
                      kGeneric, "Get the time since a Redis object was last accessed", "2.2.3"));
  object.subcommands.push_back(
      MakeCommandSpec("object|refcount", 3, kReadOnly, 2, 2, 1, CmdObjectRefcount, kReadSlow,
                      kGeneric, "Get the number of references to the value of the key", "2.2.3"));
  table.Register(std::move(object));
}

}  // namespace lrukv::cmd
