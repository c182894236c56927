// DUMP and RESTORE: one key's value as lrukv's JSON payload (src/persist/payload.h) instead of
// Redis's RDB serialization. The checks, their order and every error text are Redis 7.0's
// restoreCommand's; only the payload bytes differ, so a payload from real Redis (or any other
// bytes) gets "DUMP payload version or checksum are wrong". The Dispatcher has already checked
// arity; keyspace observers (WATCH) hear of the writes from the engine.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "resp/errors.h"
#include "resp/reply_writer.h"
#include "src/commands/arg_parse.h"
#include "src/commands/command_table.h"
#include "src/commands/keyspace_events.h"
#include "src/commands/number_format.h"
#include "src/commands/persistence_family.h"
#include "src/commands/server_context.h"
#include "src/engine/engine.h"
#include "src/persist/payload.h"

namespace lrukv::cmd {
namespace {

namespace err = resp::err;

// RESTORE's own error texts, verbatim from Redis 7.0 (resp/errors.h holds the shared ones).
constexpr std::string_view kBusyKey = "BUSYKEY Target key name already exists.";
constexpr std::string_view kBadPayload = "ERR DUMP payload version or checksum are wrong";
constexpr std::string_view kInvalidTtl = "ERR Invalid TTL value, must be >= 0";
constexpr std::string_view kInvalidIdletime = "ERR Invalid IDLETIME value, must be >= 0";
constexpr std::string_view kInvalidFreq = "ERR Invalid FREQ value, must be >= 0 and <= 255";
constexpr int64_t kMaxFreq = 255;  // Redis's LFU counter is one byte

// ---- DUMP ----

// DUMP key: the payload, or a null reply when the key is absent. Reads as GET does (hit/miss
// counted, key touched unless the client is in CLIENT NO-TOUCH mode).
void CmdDump(CommandContext& ctx) {
  const uint32_t flags = ctx.client.no_touch ? engine::kLookupNoTouch : engine::kLookupDefault;
  const std::optional<engine::EntryView> entry =
      ctx.server.engine.Lookup(ctx.client.db, ctx.args[1], ctx.now_ms, flags);
  if (!entry) return ctx.reply.Null();
  ctx.reply.Bulk(persist::EncodePayload(entry->value));
}

// ---- RESTORE ----

struct RestoreOptions {
  bool replace = false;
  bool absttl = false;
  int64_t idle_s = -1;  // IDLETIME; -1: not given
  int64_t freq = -1;    // FREQ; -1: not given (accepted and ignored: lrukv has no LFU)
};

// Redis's option loop: REPLACE, ABSTTL, IDLETIME n (only while no FREQ was seen) and FREQ n
// (only while no IDLETIME was seen); anything else, a missing number included, is a syntax
// error. Numbers are checked as they are read. Writes the error and returns nullopt on failure.
std::optional<RestoreOptions> ParseRestoreOptionsOrReply(CommandContext& ctx) {
  RestoreOptions o;
  for (size_t i = 4; i < ctx.args.size(); ++i) {
    const std::string_view arg = ctx.args[i];
    const bool has_number = i + 1 < ctx.args.size();
    if (EqualsIgnoreCase(arg, "replace")) {
      o.replace = true;
    } else if (EqualsIgnoreCase(arg, "absttl")) {
      o.absttl = true;
    } else if (EqualsIgnoreCase(arg, "idletime") && has_number && o.freq == -1) {
      int64_t idle_s = 0;
      if (!ParseInt64(ctx.args[++i], &idle_s)) {
        ctx.reply.Error(err::kNotInteger);
        return std::nullopt;
      }
      if (idle_s < 0) {
        ctx.reply.Error(kInvalidIdletime);
        return std::nullopt;
      }
      o.idle_s = idle_s;
    } else if (EqualsIgnoreCase(arg, "freq") && has_number && o.idle_s == -1) {
      int64_t freq = 0;
      if (!ParseInt64(ctx.args[++i], &freq)) {
        ctx.reply.Error(err::kNotInteger);
        return std::nullopt;
      }
      if (freq < 0 || freq > kMaxFreq) {
        ctx.reply.Error(kInvalidFreq);
        return std::nullopt;
      }
      o.freq = freq;
    } else {
      ctx.reply.Error(err::kSyntax);
      return std::nullopt;
    }
  }
  return o;
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
// In Redis's order: options; BUSYKEY (unless REPLACE); the TTL (an integer >= 0, ms; 0 = no
// TTL; with ABSTTL a unix time in ms); the payload; then REPLACE deletes the old key. A
// deadline already past answers OK without creating the key (the old one stays deleted).
// IDLETIME n > 0 makes the key the least recently used of all, so the next allkeys-lru victim,
// with OBJECT IDLETIME reading n (Engine::MakeLeastRecent); IDLETIME 0 leaves it the newest.
void CmdRestore(CommandContext& ctx) {
  const std::optional<RestoreOptions> options = ParseRestoreOptionsOrReply(ctx);
  if (!options) return;
  engine::Engine& engine = ctx.server.engine;
  const int db = ctx.client.db;
  const std::string_view key = ctx.args[1];

  // As Redis's lookupKeyWrite: an expired key is reclaimed first, the lookup counts no stats.
  if (!options->replace && engine.Lookup(db, key, ctx.now_ms, engine::kLookupNoStats)) {
    ctx.reply.Error(kBusyKey);
    return;
  }
  int64_t ttl_ms = 0;
  if (!ParseInt64(ctx.args[2], &ttl_ms)) {
    ctx.reply.Error(err::kNotInteger);
    return;
  }
  if (ttl_ms < 0) {
    ctx.reply.Error(kInvalidTtl);
    return;
  }
  std::string value;
  if (!persist::DecodePayload(ctx.args[3], &value)) {
    ctx.reply.Error(kBadPayload);
    return;
  }

  const bool deleted = options->replace && engine.Del(db, key, ctx.now_ms);
  int64_t expire_at_ms = engine::kNoExpiry;
  bool already_expired = false;
  if (ttl_ms != 0) {
    if (options->absttl) {
      expire_at_ms = engine.clock().FromWallMs(ttl_ms);  // unix ms to engine time (clock.h)
    } else if (ttl_ms > std::numeric_limits<int64_t>::max() - ctx.now_ms) {
      // Redis adds the relative TTL to the clock without a check; the sum wraps negative and
      // the key counts as already expired. Same outcome here, without the overflow.
      already_expired = true;
    } else {
      expire_at_ms = ttl_ms + ctx.now_ms;
    }
    // Redis's checkAlreadyExpired: a deadline at or before now.
    if (expire_at_ms <= ctx.now_ms) already_expired = true;
  }
  if (already_expired) {
    if (deleted) {  // the REPLACE deletion is the only change
      ctx.server.counters.dirty++;
      NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "del", db, key);
    }
    ctx.reply.Ok();
    return;
  }

  engine.Set(db, key, value, ctx.now_ms, engine::SetOptions{.expire_at_ms = expire_at_ms});
  if (options->idle_s > 0) engine.MakeLeastRecent(db, key, options->idle_s, ctx.now_ms);
  ctx.server.counters.dirty++;
  NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "restore", db, key);
  ctx.reply.Ok();
}

}  // namespace

void RegisterDumpRestoreCommands(CommandTable& table) {
  constexpr std::string_view kGeneric = "generic";
  table.Register(MakeCommandSpec(
      "dump", 2, kReadOnly, 1, 1, 1, CmdDump, "@keyspace @read @slow", kGeneric,
      "Return a serialized version of the value stored at the specified key.", "2.6.0"));
  table.Register(MakeCommandSpec(
      "restore", -4, kWrite | kDenyOom, 1, 1, 1, CmdRestore, "@keyspace @write @slow @dangerous",
      kGeneric, "Create a key using the provided serialized value, previously obtained using DUMP.",
      "2.6.0"));
}

}  // namespace lrukv::cmd
