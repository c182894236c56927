// The string family: GET SET SETNX SETEX PSETEX GETEX GETDEL GETSET MGET MSET MSETNX INCR DECR
// INCRBY DECRBY INCRBYFLOAT APPEND STRLEN GETRANGE SUBSTR SETRANGE LCS, and
// RegisterStringCommands (which also registers the bitmap family of bit_commands.cc).
// Each handler parses its arguments, makes its engine calls and replies; name lookup, arity,
// -OOM before DENYOOM commands and the now_ms snapshot are the Dispatcher's.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "resp/errors.h"
#include "src/commands/arg_parse.h"
#include "src/commands/command_table.h"
#include "src/commands/keyspace_events.h"
#include "src/commands/number_format.h"
#include "src/commands/server_context.h"
#include "src/commands/string_family.h"
#include "src/engine/engine.h"

namespace lrukv::cmd {
namespace {

namespace err = resp::err;
using engine::EntryView;
using engine::kNoExpiry;
using string_family::ReadLookup;
using string_family::WriteLookup;

// An error decided while parsing, before anything was written or changed.
struct ErrorReply {
  std::string text;
};

// ---- Expiry arguments (SET, SETEX, PSETEX, GETEX) ----

enum class ExpireUnit { kNone, kSeconds, kMilliseconds, kUnixSeconds, kUnixMilliseconds };

// Turns a TTL argument into an absolute deadline in ms, as Redis 7.0 does: not an integer ->
// kNotInteger; <= 0, a seconds value that overflows when multiplied by 1000, or a relative TTL
// that overflows when added to now -> "invalid expire time in '<command>' command". An absolute
// time in the past is allowed (the key then reads as expired). The deadline is engine time: a
// unix time (EXAT, PXAT) goes through the clock's wall offset (clock.h).
std::variant<int64_t, ErrorReply> ExpireDeadlineMs(std::string_view arg, ExpireUnit unit,
                                                   const engine::Clock& clock, int64_t now_ms,
                                                   std::string_view command) {
  int64_t value;
  if (!ParseInt64(arg, &value)) return ErrorReply{std::string(err::kNotInteger)};
  const bool seconds = unit == ExpireUnit::kSeconds || unit == ExpireUnit::kUnixSeconds;
  const bool relative = unit == ExpireUnit::kSeconds || unit == ExpireUnit::kMilliseconds;
  if (value <= 0 || (seconds && value > INT64_MAX / 1000)) {
    return ErrorReply{err::InvalidExpireTime(command)};
  }
  if (seconds) value *= 1000;
  if (relative) {
    if (value > INT64_MAX - now_ms) return ErrorReply{err::InvalidExpireTime(command)};
    value += now_ms;
    return value;
  }
  return clock.FromWallMs(value);
}

// ---- SET, SETNX, SETEX, PSETEX ----

enum class SetCondition { kAlways, kIfAbsent /* NX */, kIfPresent /* XX */ };

struct SetParams {
  SetCondition condition = SetCondition::kAlways;
  bool keep_ttl = false;
  bool get = false;                  // reply with the old value instead of OK
  int64_t expire_at_ms = kNoExpiry;  // absolute
};

// The options after SET's key and value and GETEX's key, as Redis's
// parseExtendedStringArgumentsOrReply accepts them: an option may repeat (the last TTL wins),
// but NX with XX, or two different TTL forms, or KEEPTTL/PERSIST with a TTL, is a syntax error.
struct StringOptions {
  SetCondition condition = SetCondition::kAlways;
  bool keep_ttl = false;
  bool persist = false;
  bool get = false;
  ExpireUnit unit = ExpireUnit::kNone;
  std::string_view expire_arg;
};

enum class OptionsFor { kSet, kGetEx };

// Returns false on a syntax error.
bool ParseStringOptions(std::span<const std::string_view> opts, OptionsFor command,
                        StringOptions* out) {
  const bool is_set = command == OptionsFor::kSet;
  for (size_t i = 0; i < opts.size(); ++i) {
    const std::string_view opt = opts[i];
    const bool has_next = i + 1 < opts.size();
    const bool ttl_free = out->unit == ExpireUnit::kNone;
    ExpireUnit unit = ExpireUnit::kNone;
    if (EqualsIgnoreCase(opt, "EX")) {
      unit = ExpireUnit::kSeconds;
    } else if (EqualsIgnoreCase(opt, "PX")) {
      unit = ExpireUnit::kMilliseconds;
    } else if (EqualsIgnoreCase(opt, "EXAT")) {
      unit = ExpireUnit::kUnixSeconds;
    } else if (EqualsIgnoreCase(opt, "PXAT")) {
      unit = ExpireUnit::kUnixMilliseconds;
    }
    if (unit != ExpireUnit::kNone) {
      if (!has_next || out->keep_ttl || out->persist || (!ttl_free && out->unit != unit)) {
        return false;
      }
      out->unit = unit;
      out->expire_arg = opts[++i];
    } else if (is_set && EqualsIgnoreCase(opt, "NX") && out->condition != SetCondition::kIfPresent) {
      out->condition = SetCondition::kIfAbsent;
    } else if (is_set && EqualsIgnoreCase(opt, "XX") && out->condition != SetCondition::kIfAbsent) {
      out->condition = SetCondition::kIfPresent;
    } else if (is_set && EqualsIgnoreCase(opt, "GET")) {
      out->get = true;
    } else if (is_set && EqualsIgnoreCase(opt, "KEEPTTL") && ttl_free) {
      out->keep_ttl = true;
    } else if (!is_set && EqualsIgnoreCase(opt, "PERSIST") && ttl_free) {
      out->persist = true;
    } else {
      return false;
    }
  }
  return true;
}

// SET's options (args[3..]) into SetParams, the TTL already absolute.
std::variant<SetParams, ErrorReply> ParseSetParams(const CommandContext& ctx) {
  StringOptions opts;
  if (!ParseStringOptions(ctx.args.subspan(3), OptionsFor::kSet, &opts)) {
    return ErrorReply{std::string(err::kSyntax)};
  }
  SetParams params;
  params.condition = opts.condition;
  params.keep_ttl = opts.keep_ttl;
  params.get = opts.get;
  if (opts.unit != ExpireUnit::kNone) {
    auto deadline = ExpireDeadlineMs(opts.expire_arg, opts.unit, ctx.server.engine.clock(),
                                     ctx.now_ms, ctx.spec.name);
    if (auto* e = std::get_if<ErrorReply>(&deadline)) return std::move(*e);
    params.expire_at_ms = std::get<int64_t>(deadline);
  }
  return params;
}

// How SetGeneric answers when it stored the value, or when NX/XX stopped it.
enum class SetReplies { kOkOrNull /* SET */, kOneOrZero /* SETNX */ };

// Shared body of SET, SETNX, SETEX and PSETEX (Redis's setGenericCommand). With params.get the
// old value is the reply, whether or not the condition let the write happen.
void SetGeneric(CommandContext& ctx, const SetParams& params, std::string_view key,
                std::string_view value, SetReplies replies) {
  const int db = ctx.client.db;
  engine::Engine& engine = ctx.server.engine;
  bool found = false;
  if (params.get) {
    auto old = engine.Lookup(db, key, ctx.now_ms, ReadLookup(ctx));
    found = old.has_value();
    if (old) {
      ctx.reply.Bulk(old->value);
    } else {
      ctx.reply.Null();
    }
  } else if (params.condition != SetCondition::kAlways) {
    found = engine.Lookup(db, key, ctx.now_ms, WriteLookup(ctx)).has_value();
  }
  if ((params.condition == SetCondition::kIfAbsent && found) ||
      (params.condition == SetCondition::kIfPresent && !found)) {
    if (params.get) return;
    if (replies == SetReplies::kOneOrZero) {
      ctx.reply.Integer(0);
    } else {
      ctx.reply.Null();
    }
    return;
  }
  engine::SetOptions options;
  options.expire_at_ms = params.expire_at_ms;
  options.keep_ttl = params.keep_ttl;
  options.donor = ctx.client.value_donor;  // ignored unless it holds this very value
  engine.Set(db, key, value, ctx.now_ms, options);
  ctx.server.counters.dirty++;
  // Redis's order: "set", then "expire" when the command gave a deadline (even a past one).
  NotifyKeyspaceEvent(ctx.server, kNotifyString, "set", db, key);
  if (params.expire_at_ms != kNoExpiry) {
    NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "expire", db, key);
  }
  if (params.get) return;
  if (replies == SetReplies::kOneOrZero) {
    ctx.reply.Integer(1);
  } else {
    ctx.reply.Ok();
  }
}

// SET key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|
//     PXAT unix-time-milliseconds|KEEPTTL]
void CmdSet(CommandContext& ctx) {
  auto parsed = ParseSetParams(ctx);
  if (auto* e = std::get_if<ErrorReply>(&parsed)) {
    ctx.reply.Error(e->text);
    return;
  }
  SetGeneric(ctx, std::get<SetParams>(parsed), ctx.args[1], ctx.args[2], SetReplies::kOkOrNull);
}

// SETNX key value
void CmdSetNx(CommandContext& ctx) {
  SetParams params;
  params.condition = SetCondition::kIfAbsent;
  SetGeneric(ctx, params, ctx.args[1], ctx.args[2], SetReplies::kOneOrZero);
}

// SETEX key seconds value / PSETEX key milliseconds value
void SetExGeneric(CommandContext& ctx, ExpireUnit unit) {
  auto deadline = ExpireDeadlineMs(ctx.args[2], unit, ctx.server.engine.clock(), ctx.now_ms,
                                   ctx.spec.name);
  if (auto* e = std::get_if<ErrorReply>(&deadline)) {
    ctx.reply.Error(e->text);
    return;
  }
  SetParams params;
  params.expire_at_ms = std::get<int64_t>(deadline);
  SetGeneric(ctx, params, ctx.args[1], ctx.args[3], SetReplies::kOkOrNull);
}
void CmdSetEx(CommandContext& ctx) { SetExGeneric(ctx, ExpireUnit::kSeconds); }
void CmdPSetEx(CommandContext& ctx) { SetExGeneric(ctx, ExpireUnit::kMilliseconds); }

// ---- GET, GETEX, GETDEL, GETSET, MGET ----

// GET key
void CmdGet(CommandContext& ctx) {
  auto entry = ctx.server.engine.Lookup(ctx.client.db, ctx.args[1], ctx.now_ms, ReadLookup(ctx));
  if (entry) {
    ctx.reply.Bulk(entry->value);
  } else {
    ctx.reply.Null();
  }
}

// GETEX key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|
//     PERSIST]
// As Redis 7.0, the TTL value is checked only when the key exists: GETEX missing EX 0 is nil.
void CmdGetEx(CommandContext& ctx) {
  StringOptions opts;
  if (!ParseStringOptions(ctx.args.subspan(2), OptionsFor::kGetEx, &opts)) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  const int db = ctx.client.db;
  engine::Engine& engine = ctx.server.engine;
  auto entry = engine.Lookup(db, ctx.args[1], ctx.now_ms, ReadLookup(ctx));
  if (!entry) {
    ctx.reply.Null();
    return;
  }
  int64_t expire_at_ms = kNoExpiry;
  if (opts.unit != ExpireUnit::kNone) {
    auto deadline = ExpireDeadlineMs(opts.expire_arg, opts.unit, ctx.server.engine.clock(),
                                     ctx.now_ms, ctx.spec.name);
    if (auto* e = std::get_if<ErrorReply>(&deadline)) {
      ctx.reply.Error(e->text);
      return;
    }
    expire_at_ms = std::get<int64_t>(deadline);
  }
  ctx.reply.Bulk(entry->value);
  // A deadline already past deletes the key (SetExpire's contract), as Redis's GETEX does.
  if (opts.unit != ExpireUnit::kNone) {
    const bool same_deadline = entry->expire_at_ms == expire_at_ms;
    engine.SetExpire(db, ctx.args[1], expire_at_ms, ctx.now_ms);
    // Redis signals every GETEX that sets a deadline; the engine only a changed one.
    if (same_deadline) ctx.server.keyspace_observers.OnModified(db, ctx.args[1]);
    ctx.server.counters.dirty++;
    // Only EXAT/PXAT can name a past deadline: Redis then deletes the key ("del").
    NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, expire_at_ms <= ctx.now_ms ? "del" : "expire",
                        db, ctx.args[1]);
  } else if (opts.persist && entry->expire_at_ms != kNoExpiry) {
    engine.SetExpire(db, ctx.args[1], kNoExpiry, ctx.now_ms);
    ctx.server.counters.dirty++;
    NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "persist", db, ctx.args[1]);
  }
}

// GETDEL key
void CmdGetDel(CommandContext& ctx) {
  const int db = ctx.client.db;
  auto entry = ctx.server.engine.Lookup(db, ctx.args[1], ctx.now_ms, ReadLookup(ctx));
  if (!entry) {
    ctx.reply.Null();
    return;
  }
  ctx.reply.Bulk(entry->value);
  ctx.server.engine.Del(db, ctx.args[1], ctx.now_ms);
  ctx.server.counters.dirty++;
  NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "del", db, ctx.args[1]);
}

// GETSET key value (the new value has no TTL)
void CmdGetSet(CommandContext& ctx) {
  SetParams params;
  params.get = true;
  SetGeneric(ctx, params, ctx.args[1], ctx.args[2], SetReplies::kOkOrNull);
}

// MGET key [key ...]
void CmdMGet(CommandContext& ctx) {
  const size_t keys = ctx.args.size() - 1;
  ctx.reply.ArrayHeader(keys);
  for (size_t i = 1; i <= keys; ++i) {
    auto entry = ctx.server.engine.Lookup(ctx.client.db, ctx.args[i], ctx.now_ms, ReadLookup(ctx));
    if (entry) {
      ctx.reply.Bulk(entry->value);
    } else {
      ctx.reply.Null();
    }
  }
}

// ---- MSET, MSETNX ----

// Stores every key/value pair of args[1..] in order. Writes are never refused for memory: the
// Dispatcher answered -OOM before the command if it had to (Redis checks once, too).
void OpMSet(CommandContext& ctx) {
  for (size_t i = 1; i + 1 < ctx.args.size(); i += 2) {
    ctx.server.engine.Set(ctx.client.db, ctx.args[i], ctx.args[i + 1], ctx.now_ms);
    NotifyKeyspaceEvent(ctx.server, kNotifyString, "set", ctx.client.db, ctx.args[i]);
  }
  ctx.server.counters.dirty += (ctx.args.size() - 1) / 2;
}

// MSET key value [key value ...]
void CmdMSet(CommandContext& ctx) {
  if (ctx.args.size() % 2 == 0) {
    ctx.reply.Error(err::WrongNumArgs(ctx.spec.name));
    return;
  }
  OpMSet(ctx);
  ctx.reply.Ok();
}

// MSETNX key value [key value ...]: sets all or none; 1 if set.
void CmdMSetNx(CommandContext& ctx) {
  if (ctx.args.size() % 2 == 0) {
    ctx.reply.Error(err::WrongNumArgs(ctx.spec.name));
    return;
  }
  for (size_t i = 1; i < ctx.args.size(); i += 2) {
    if (ctx.server.engine.Lookup(ctx.client.db, ctx.args[i], ctx.now_ms, WriteLookup(ctx))) {
      ctx.reply.Integer(0);
      return;
    }
  }
  OpMSet(ctx);
  ctx.reply.Integer(1);
}

// ---- INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT ----

// Adds `delta` to the integer stored at `key` (0 if absent), keeping its TTL. Replies with the
// new value, or kNotInteger / kOverflow.
void IncrDecrGeneric(CommandContext& ctx, int64_t delta) {
  const int db = ctx.client.db;
  const std::string_view key = ctx.args[1];
  engine::Engine& engine = ctx.server.engine;
  int64_t value = 0;
  if (auto entry = engine.Lookup(db, key, ctx.now_ms, WriteLookup(ctx))) {
    if (!ParseInt64(entry->value, &value)) {
      ctx.reply.Error(err::kNotInteger);
      return;
    }
  }
  if ((delta < 0 && value < INT64_MIN - delta) || (delta > 0 && value > INT64_MAX - delta)) {
    ctx.reply.Error(err::kOverflow);
    return;
  }
  value += delta;
  char buf[kInt64Chars];
  const size_t len = FormatInt64(value, buf);
  engine::SetOptions options;
  options.keep_ttl = true;
  engine.Set(db, key, std::string_view(buf, len), ctx.now_ms, options);
  ctx.server.counters.dirty++;
  NotifyKeyspaceEvent(ctx.server, kNotifyString, "incrby", db, key);  // INCR, DECR, DECRBY too
  ctx.reply.Integer(value);
}

// INCR key
void CmdIncr(CommandContext& ctx) { IncrDecrGeneric(ctx, 1); }
// DECR key
void CmdDecr(CommandContext& ctx) { IncrDecrGeneric(ctx, -1); }

// INCRBY key increment
void CmdIncrBy(CommandContext& ctx) {
  int64_t delta;
  if (!ParseInt64(ctx.args[2], &delta)) {
    ctx.reply.Error(err::kNotInteger);
    return;
  }
  IncrDecrGeneric(ctx, delta);
}

// DECRBY key decrement
void CmdDecrBy(CommandContext& ctx) {
  int64_t delta;
  if (!ParseInt64(ctx.args[2], &delta)) {
    ctx.reply.Error(err::kNotInteger);
    return;
  }
  if (delta == INT64_MIN) {  // its negation does not exist
    ctx.reply.Error(err::kDecrementOverflow);
    return;
  }
  IncrDecrGeneric(ctx, -delta);
}

// INCRBYFLOAT key increment: long double arithmetic, the result stored and replied in
// INCRBYFLOAT's "human" form (see FormatLongDoubleHuman); the TTL is kept.
void CmdIncrByFloat(CommandContext& ctx) {
  const int db = ctx.client.db;
  const std::string_view key = ctx.args[1];
  engine::Engine& engine = ctx.server.engine;
  long double value = 0;
  long double delta = 0;
  auto entry = engine.Lookup(db, key, ctx.now_ms, WriteLookup(ctx));
  if ((entry && !ParseLongDouble(entry->value, &value)) || !ParseLongDouble(ctx.args[2], &delta)) {
    ctx.reply.Error(err::kNotFloat);
    return;
  }
  value += delta;
  if (std::isnan(value) || std::isinf(value)) {
    ctx.reply.Error(err::kNanOrInfinity);
    return;
  }
  const std::string text = FormatLongDoubleHuman(value);
  engine::SetOptions options;
  options.keep_ttl = true;
  // Redis stores the result as a string object, never integer-encoded, even for "3": the
  // value hint tells OBJECT ENCODING (keyspace_commands.cc).
  options.value_hint = true;
  engine.Set(db, key, text, ctx.now_ms, options);
  ctx.server.counters.dirty++;
  NotifyKeyspaceEvent(ctx.server, kNotifyString, "incrbyfloat", db, key);
  ctx.reply.Bulk(text);
}

// ---- APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE ----

// Whether a string of `offset` + `len` bytes stays within proto-max-bulk-len (no overflow).
bool FitsMaxBulk(const CommandContext& ctx, uint64_t offset, uint64_t len) {
  const uint64_t max_bytes = ctx.server.config.proto_max_bulk_len;
  return offset <= max_bytes && len <= max_bytes - offset;
}

// Writes `data` at byte `offset` of the value of `key`, growing it (zero filled) to at least
// `offset + data.size()` bytes and keeping its TTL. `old_len` is the current length (0 if
// absent). Returns the new length.
size_t OpWriteAt(CommandContext& ctx, std::string_view key, size_t old_len, size_t offset,
                 std::string_view data) {
  const size_t new_len = std::max(old_len, offset + data.size());
  std::span<char> value = ctx.server.engine.ResizeValue(ctx.client.db, key, new_len, ctx.now_ms);
  if (!data.empty()) std::memcpy(value.data() + offset, data.data(), data.size());
  ctx.server.counters.dirty++;
  return new_len;
}

// APPEND key value: the new length.
void CmdAppend(CommandContext& ctx) {
  const std::string_view key = ctx.args[1];
  const std::string_view data = ctx.args[2];
  auto entry = ctx.server.engine.Lookup(ctx.client.db, key, ctx.now_ms, WriteLookup(ctx));
  if (!entry) {
    // As Redis: a missing key is created as SET would (so "12" is then an int encoding).
    ctx.server.engine.Set(ctx.client.db, key, data, ctx.now_ms);
    ctx.server.counters.dirty++;
    NotifyKeyspaceEvent(ctx.server, kNotifyString, "append", ctx.client.db, key);
    ctx.reply.Integer(static_cast<int64_t>(data.size()));
    return;
  }
  const size_t old_len = entry->value.size();
  if (!FitsMaxBulk(ctx, old_len, data.size())) {
    ctx.reply.Error(err::kStringTooLong);
    return;
  }
  const size_t new_len = OpWriteAt(ctx, key, old_len, old_len, data);
  // Redis signals an APPEND of nothing too.
  NotifyKeyspaceEvent(ctx.server, kNotifyString, "append", ctx.client.db, key);
  ctx.reply.Integer(static_cast<int64_t>(new_len));
}

// STRLEN key (0 when absent)
void CmdStrLen(CommandContext& ctx) {
  auto entry = ctx.server.engine.Lookup(ctx.client.db, ctx.args[1], ctx.now_ms, ReadLookup(ctx));
  ctx.reply.Integer(entry ? static_cast<int64_t>(entry->value.size()) : 0);
}

// GETRANGE key start end / SUBSTR key start end: inclusive byte range, negative indexes count
// from the end, clamped to the string; an empty bulk when nothing is left.
void CmdGetRange(CommandContext& ctx) {
  int64_t start, end;
  if (!ParseInt64(ctx.args[2], &start) || !ParseInt64(ctx.args[3], &end)) {
    ctx.reply.Error(err::kNotInteger);
    return;
  }
  auto entry = ctx.server.engine.Lookup(ctx.client.db, ctx.args[1], ctx.now_ms, ReadLookup(ctx));
  if (!entry) {
    ctx.reply.Bulk({});
    return;
  }
  const std::string_view value = entry->value;
  const int64_t len = static_cast<int64_t>(value.size());
  // Both negative and start after end: empty, before clamping (so "-1 -5" stays empty).
  if (start < 0 && end < 0 && start > end) {
    ctx.reply.Bulk({});
    return;
  }
  if (start < 0) start = std::max<int64_t>(len + start, 0);
  if (end < 0) end = std::max<int64_t>(len + end, 0);
  if (end >= len) end = len - 1;
  if (len == 0 || start > end) {
    ctx.reply.Bulk({});
    return;
  }
  ctx.reply.Bulk(value.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

// SETRANGE key offset value: the new length. An empty value changes nothing (and creates no
// key); otherwise the string grows zero filled as needed, within proto-max-bulk-len.
void CmdSetRange(CommandContext& ctx) {
  const std::string_view key = ctx.args[1];
  const std::string_view data = ctx.args[3];
  int64_t offset;
  if (!ParseInt64(ctx.args[2], &offset)) {
    ctx.reply.Error(err::kNotInteger);
    return;
  }
  if (offset < 0) {
    ctx.reply.Error(err::kOffsetOutOfRange);
    return;
  }
  auto entry = ctx.server.engine.Lookup(ctx.client.db, key, ctx.now_ms, WriteLookup(ctx));
  const size_t old_len = entry ? entry->value.size() : 0;
  if (data.empty()) {
    ctx.reply.Integer(static_cast<int64_t>(old_len));
    return;
  }
  if (!FitsMaxBulk(ctx, static_cast<uint64_t>(offset), data.size())) {
    ctx.reply.Error(err::kStringTooLong);
    return;
  }
  const size_t new_len = OpWriteAt(ctx, key, old_len, static_cast<size_t>(offset), data);
  NotifyKeyspaceEvent(ctx.server, kNotifyString, "setrange", ctx.client.db, key);
  ctx.reply.Integer(static_cast<int64_t>(new_len));
}

// ---- LCS ----

struct LcsParams {
  bool len = false;           // LEN: only the length
  bool idx = false;           // IDX: the matching ranges
  bool with_match_len = false;
  int64_t min_match_len = 0;  // ranges shorter than this are left out
};

std::variant<LcsParams, ErrorReply> ParseLcsParams(std::span<const std::string_view> opts) {
  LcsParams params;
  for (size_t i = 0; i < opts.size(); ++i) {
    const std::string_view opt = opts[i];
    if (EqualsIgnoreCase(opt, "IDX")) {
      params.idx = true;
    } else if (EqualsIgnoreCase(opt, "LEN")) {
      params.len = true;
    } else if (EqualsIgnoreCase(opt, "WITHMATCHLEN")) {
      params.with_match_len = true;
    } else if (EqualsIgnoreCase(opt, "MINMATCHLEN") && i + 1 < opts.size()) {
      if (!ParseInt64(opts[++i], &params.min_match_len)) {
        return ErrorReply{std::string(err::kNotInteger)};
      }
      params.min_match_len = std::max<int64_t>(params.min_match_len, 0);
    } else {
      return ErrorReply{std::string(err::kSyntax)};
    }
  }
  if (params.len && params.idx) return ErrorReply{std::string(err::kLcsLenAndIdx)};
  return params;
}

// One common run found by LCS IDX: inclusive byte ranges in a and in b.
struct LcsMatch {
  uint32_t a_start, a_end, b_start, b_end;
};

// The classic dynamic programming table: at(i, j) is the LCS length of a[0..i) and b[0..j).
class LcsTable {
 public:
  LcsTable(std::string_view a, std::string_view b)
      : width_(b.size() + 1), cells_((a.size() + 1) * (b.size() + 1), 0) {
    for (size_t i = 1; i <= a.size(); ++i) {
      for (size_t j = 1; j <= b.size(); ++j) {
        cells_[i * width_ + j] = a[i - 1] == b[j - 1]
                                     ? at(i - 1, j - 1) + 1
                                     : std::max(at(i - 1, j), at(i, j - 1));
      }
    }
  }
  uint32_t at(size_t i, size_t j) const { return cells_[i * width_ + j]; }

 private:
  size_t width_;
  std::vector<uint32_t> cells_;
};

// The LCS length alone, keeping two rows of the table instead of all of it.
uint32_t LcsLength(std::string_view a, std::string_view b) {
  std::vector<uint32_t> prev(b.size() + 1, 0), row(b.size() + 1, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      row[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], row[j - 1]);
    }
    std::swap(prev, row);
  }
  return prev[b.size()];
}

// Walks the table back from the end as Redis does (on a tie it moves left in b), filling
// `common` (the LCS itself, sized by the caller) and the runs of consecutive matches, last
// run first.
void LcsWalk(const LcsTable& table, std::string_view a, std::string_view b, std::string* common,
             std::vector<LcsMatch>* matches) {
  size_t i = a.size(), j = b.size();
  size_t remaining = common->size();
  bool in_run = false;
  LcsMatch run{};
  while (i > 0 && j > 0) {
    if (a[i - 1] == b[j - 1]) {
      (*common)[--remaining] = a[i - 1];
      if (!in_run) {
        run = {static_cast<uint32_t>(i - 1), static_cast<uint32_t>(i - 1),
               static_cast<uint32_t>(j - 1), static_cast<uint32_t>(j - 1)};
        in_run = true;
      } else {
        run.a_start = static_cast<uint32_t>(i - 1);
        run.b_start = static_cast<uint32_t>(j - 1);
      }
      --i;
      --j;
      if (i == 0 || j == 0) {  // the run touches the start of a string: it ends here
        matches->push_back(run);
        in_run = false;
      }
    } else {
      if (table.at(i - 1, j) > table.at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      if (in_run) {
        matches->push_back(run);
        in_run = false;
      }
    }
  }
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
void CmdLcs(CommandContext& ctx) {
  engine::Engine& engine = ctx.server.engine;
  const int db = ctx.client.db;
  // Copies: the second lookup may change the engine and so end the first view.
  std::string a, b;
  if (auto entry = engine.Lookup(db, ctx.args[1], ctx.now_ms, ReadLookup(ctx))) {
    a.assign(entry->value);
  }
  if (auto entry = engine.Lookup(db, ctx.args[2], ctx.now_ms, ReadLookup(ctx))) {
    b.assign(entry->value);
  }
  auto parsed = ParseLcsParams(ctx.args.subspan(3));
  if (auto* e = std::get_if<ErrorReply>(&parsed)) {
    ctx.reply.Error(e->text);
    return;
  }
  const LcsParams& params = std::get<LcsParams>(parsed);
  // The table is transient memory Redis bounds by proto-max-bulk-len.
  const uint64_t cells = (uint64_t{a.size()} + 1) * (uint64_t{b.size()} + 1);
  if (cells * sizeof(uint32_t) > ctx.server.config.proto_max_bulk_len) {
    ctx.reply.Error(err::kLcsTooBig);
    return;
  }
  if (params.len) {
    ctx.reply.Integer(LcsLength(a, b));
    return;
  }
  std::optional<LcsTable> table;
  try {
    table.emplace(a, b);
  } catch (const std::bad_alloc&) {
    ctx.reply.Error(err::kLcsAllocFailed);
    return;
  }
  const uint32_t lcs_len = table->at(a.size(), b.size());
  std::string common(lcs_len, '\0');
  std::vector<LcsMatch> matches;
  LcsWalk(*table, a, b, &common, &matches);
  if (!params.idx) {
    ctx.reply.Bulk(common);
    return;
  }
  std::erase_if(matches, [&](const LcsMatch& m) {
    return static_cast<int64_t>(m.a_end - m.a_start + 1) < params.min_match_len;
  });
  ctx.reply.MapHeader(2);
  ctx.reply.Bulk("matches");
  ctx.reply.ArrayHeader(matches.size());
  for (const LcsMatch& m : matches) {
    ctx.reply.ArrayHeader(params.with_match_len ? 3 : 2);
    ctx.reply.ArrayHeader(2);
    ctx.reply.Integer(m.a_start);
    ctx.reply.Integer(m.a_end);
    ctx.reply.ArrayHeader(2);
    ctx.reply.Integer(m.b_start);
    ctx.reply.Integer(m.b_end);
    if (params.with_match_len) ctx.reply.Integer(m.a_end - m.a_start + 1);
  }
  ctx.reply.Bulk("len");
  ctx.reply.Integer(lcs_len);
}

}  // namespace

namespace string_family {

std::optional<uint64_t> ParseBitOffset(std::string_view arg, int bits, uint64_t max_bulk_bytes) {
  const bool hash = bits > 0 && !arg.empty() && arg[0] == '#';
  int64_t offset;
  if (!ParseInt64(hash ? arg.substr(1) : arg, &offset) || offset < 0) return std::nullopt;
  if (hash) {
    if (offset > INT64_MAX / bits) return std::nullopt;
    offset *= bits;
  }
  if (static_cast<uint64_t>(offset) >> 3 >= max_bulk_bytes) return std::nullopt;
  return static_cast<uint64_t>(offset);
}

}  // namespace string_family

void RegisterStringCommands(CommandTable& table) {
  constexpr uint32_t kWriteDenyOom = kWrite | kDenyOom;
  constexpr std::string_view kReadFast = "@read @string @fast";
  constexpr std::string_view kReadSlow = "@read @string @slow";
  constexpr std::string_view kWriteFast = "@write @string @fast";
  constexpr std::string_view kWriteSlow = "@write @string @slow";
  auto row = [&](std::string_view name, int arity, uint32_t flags, int first_key, int last_key,
                 int key_step, Handler handler, std::string_view acl, std::string_view summary,
                 std::string_view since) {
    table.Register(MakeCommandSpec(name, arity, flags, first_key, last_key, key_step, handler, acl,
                                   "string", summary, since));
  };
  // Rows as Redis 7.0.15's COMMAND INFO and COMMAND DOCS print them.
  row("get", 2, kReadOnly | kFast, 1, 1, 1, CmdGet, kReadFast, "Get the value of a key", "1.0.0");
  row("set", -3, kWriteDenyOom, 1, 1, 1, CmdSet, kWriteSlow, "Set the string value of a key",
      "1.0.0");
  row("setnx", 3, kWriteDenyOom | kFast, 1, 1, 1, CmdSetNx, kWriteFast,
      "Set the value of a key, only if the key does not exist", "1.0.0");
  row("setex", 4, kWriteDenyOom, 1, 1, 1, CmdSetEx, kWriteSlow,
      "Set the value and expiration of a key", "2.0.0");
  row("psetex", 4, kWriteDenyOom, 1, 1, 1, CmdPSetEx, kWriteSlow,
      "Set the value and expiration in milliseconds of a key", "2.6.0");
  row("getex", -2, kWrite | kFast, 1, 1, 1, CmdGetEx, kWriteFast,
      "Get the value of a key and optionally set its expiration", "6.2.0");
  row("getdel", 2, kWrite | kFast, 1, 1, 1, CmdGetDel, kWriteFast,
      "Get the value of a key and delete the key", "6.2.0");
  row("getset", 3, kWriteDenyOom | kFast, 1, 1, 1, CmdGetSet, kWriteFast,
      "Set the string value of a key and return its old value", "1.0.0");
  row("mget", -2, kReadOnly | kFast, 1, -1, 1, CmdMGet, kReadFast,
      "Get the values of all the given keys", "1.0.0");
  row("mset", -3, kWriteDenyOom, 1, -1, 2, CmdMSet, kWriteSlow,
      "Set multiple keys to multiple values", "1.0.1");
  row("msetnx", -3, kWriteDenyOom, 1, -1, 2, CmdMSetNx, kWriteSlow,
      "Set multiple keys to multiple values, only if none of the keys exist", "1.0.1");
  row("incr", 2, kWriteDenyOom | kFast, 1, 1, 1, CmdIncr, kWriteFast,
      "Increment the integer value of a key by one", "1.0.0");
  row("decr", 2, kWriteDenyOom | kFast, 1, 1, 1, CmdDecr, kWriteFast,
      "Decrement the integer value of a key by one", "1.0.0");
  row("incrby", 3, kWriteDenyOom | kFast, 1, 1, 1, CmdIncrBy, kWriteFast,
      "Increment the integer value of a key by the given amount", "1.0.0");
  row("decrby", 3, kWriteDenyOom | kFast, 1, 1, 1, CmdDecrBy, kWriteFast,
      "Decrement the integer value of a key by the given number", "1.0.0");
  row("incrbyfloat", 3, kWriteDenyOom | kFast, 1, 1, 1, CmdIncrByFloat, kWriteFast,
      "Increment the float value of a key by the given amount", "2.6.0");
  row("append", 3, kWriteDenyOom | kFast, 1, 1, 1, CmdAppend, kWriteFast,
      "Append a value to a key", "2.0.0");
  row("strlen", 2, kReadOnly | kFast, 1, 1, 1, CmdStrLen, kReadFast,
      "Get the length of the value stored in a key", "2.2.0");
  row("getrange", 4, kReadOnly, 1, 1, 1, CmdGetRange, kReadSlow,
      "Get a substring of the string stored at a key", "2.4.0");
  row("substr", 4, kReadOnly, 1, 1, 1, CmdGetRange, kReadSlow,
      "Get a substring of the string stored at a key", "1.0.0");
  row("setrange", 4, kWriteDenyOom, 1, 1, 1, CmdSetRange, kWriteSlow,
      "Overwrite part of a string at key starting at the specified offset", "2.2.0");
  row("lcs", -3, kReadOnly, 1, 2, 1, CmdLcs, kReadSlow, "Find longest common substring",
      "7.0.0");
  RegisterBitCommands(table);
}

}  // namespace lrukv::cmd
