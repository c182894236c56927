// The server family: RegisterServerCommands and the handlers of CONFIG, TIME, MEMORY, DEBUG,
// FUNCTION (FLUSH/LIST only: lrukv has no scripting), SHUTDOWN and LASTSAVE. INFO lives in
// info_command.cc and COMMAND in command_docs.cc. DBSIZE, FLUSHDB and friends belong to the
// keyspace family; SAVE/BGSAVE to persistence.
#include <fmt/format.h>
#include <sys/time.h>
#include <time.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "resp/errors.h"
#include "src/commands/arg_parse.h"
#include "src/commands/number_format.h"
#include "src/commands/persistence.h"
#include "src/commands/server_family.h"
#include "src/engine/engine.h"

namespace lrukv::cmd {

void ReplyHelp(CommandContext& ctx, std::string_view name,
               std::initializer_list<std::string_view> lines) {
  // The command as called, upper-cased (Redis's addReplyHelp), so a renamed command's help
  // names its new name.
  std::string called(ctx.args.empty() ? name : ctx.args[0]);
  for (char& c : called) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  ctx.reply.ArrayHeader(lines.size() + 3);
  ctx.reply.Simple(
      fmt::format("{} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", called));
  for (std::string_view line : lines) ctx.reply.Simple(line);
  ctx.reply.Simple("HELP");
  ctx.reply.Simple("    Prints this help.");
}

int64_t WallClockUs(const ServerContext& server, int64_t now_ms) {
  if (dynamic_cast<const engine::SystemClock*>(&server.engine.clock()) != nullptr) {
    struct timeval tv;
    gettimeofday(&tv, nullptr);
    return static_cast<int64_t>(tv.tv_sec) * 1000000 + tv.tv_usec;
  }
  return now_ms * 1000;
}

void CmdContainer(CommandContext& ctx) {
  std::string upper(ctx.spec.name);
  for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  std::string_view sub = ctx.args.size() > 1 ? ctx.args[1] : std::string_view();
  ctx.reply.Error(resp::err::UnknownSubcommand(sub, upper));
}

namespace {

// OBJ_SHARED_INTEGERS: Redis shares the integer objects 0..9999 (refcount INT_MAX).
constexpr int64_t kSharedIntegers = 10000;
// Longest string Redis stores "embstr" (one allocation with its header), bytes.
constexpr size_t kEmbstrMaxBytes = 44;
// LRU clock: seconds, wrapping at 24 bits, as Redis's.
constexpr int64_t kLruClockMax = (1 << 24) - 1;
// MEMORY DOCTOR reports "empty" below this much memory, as Redis.
constexpr uint64_t kDoctorMinBytes = 5 * 1024 * 1024;

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Pushes the directives lrukv's engine reads from Config into the engine.
void ApplyEngineLimits(ServerContext& server) {
  engine::Limits limits = server.engine.limits();
  limits.maxmemory_bytes = server.config.maxmemory_bytes;
  limits.maxkeys = server.config.maxkeys;
  if (auto policy = engine::ParsePolicy(server.config.maxmemory_policy)) limits.policy = *policy;
  limits.default_ttl_ms = server.config.default_ttl_s * 1000;
  server.engine.SetLimits(limits);
}

bool IsEngineDirective(std::string_view name) {
  return name == "maxmemory" || name == "maxmemory-policy" || name == "maxkeys" ||
         name == "default-ttl";
}

// ---- CONFIG ----

// CONFIG GET parameter [parameter ...]
// Each parameter is a glob pattern (case-insensitive); a directive matched twice is listed once.
void CmdConfigGet(CommandContext& ctx) {
  std::vector<std::pair<std::string, std::string>> found;
  std::unordered_set<std::string> seen;
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    for (auto& [name, value] : ctx.server.config.GetMatching(ctx.args[i])) {
      std::string key = name;
      for (char& c : key) c = Lower(c);
      if (!seen.insert(std::move(key)).second) continue;
      found.emplace_back(std::move(name), std::move(value));
    }
  }
  ctx.reply.MapHeader(found.size());
  for (const auto& [name, value] : found) {
    ctx.reply.Bulk(name);
    ctx.reply.Bulk(value);
  }
}

// CONFIG SET parameter value [parameter value ...]
// All pairs apply or none does. The server hears of each changed directive through
// Config::on_change (which it wires to ServerControl::OnConfigChanged); when nothing is wired
// (tests, tools) this handler tells ServerControl and the engine itself.
void CmdConfigSet(CommandContext& ctx) {
  if (ctx.args.size() % 2 != 0) {
    ctx.reply.Error(resp::err::kSyntax);
    return;
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve((ctx.args.size() - 2) / 2);
  for (size_t i = 2; i + 1 < ctx.args.size(); i += 2) {
    // As typed: Redis's errors echo the name as sent (duplicate, immutable, unknown).
    pairs.emplace_back(std::string(ctx.args[i]), std::string(ctx.args[i + 1]));
  }
  std::string error;
  if (!ctx.server.config.SetMany(pairs, &error)) {
    ctx.reply.Error(error);
    return;
  }
  if (!ctx.server.config.on_change) {
    bool engine_changed = false;
    for (const auto& [typed, value] : pairs) {
      std::string name = typed;
      for (char& c : name) c = Lower(c);
      engine_changed = engine_changed || IsEngineDirective(name);
      ctx.server.control.OnConfigChanged(name);
    }
    if (engine_changed) ApplyEngineLimits(ctx.server);
  }
  ctx.reply.Ok();
}

// CONFIG RESETSTAT: zeroes what INFO counts (engine stats, command and error stats, the
// reactor's counters, the memory peak). Keys and rdb_changes_since_last_save stay.
void CmdConfigResetStat(CommandContext& ctx) {
  ServerContext& server = ctx.server;
  server.engine.ResetStats();
  server.counters.total_commands_processed = 0;
  server.counters.total_error_replies = 0;
  server.counters.command_stats.clear();
  ++server.counters.command_stats_epoch;
  server.counters.error_stats.clear();
  server.counters.used_memory_peak = server.engine.used_memory();
  server.control.ResetStats();
  ctx.reply.Ok();
}

// CONFIG REWRITE
void CmdConfigRewrite(CommandContext& ctx) {
  std::string error;
  if (!ctx.server.config.Rewrite(&error)) {
    ctx.reply.Error(error);
    return;
  }
  ctx.reply.Ok();
}

// CONFIG HELP
void CmdConfigHelp(CommandContext& ctx) {
  ReplyHelp(
      ctx, "CONFIG",
      {"GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
       "SET <directive> <value>", "    Set the configuration <directive> to <value>.", "RESETSTAT",
       "    Reset statistics reported by the INFO command.", "REWRITE",
       "    Rewrite the configuration file."});
}

// ---- TIME, LASTSAVE ----

// TIME: [unix seconds, microseconds], both as bulk strings.
void CmdTime(CommandContext& ctx) {
  int64_t now_us = WallClockUs(ctx.server, ctx.now_ms);
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(now_us / 1000000));
  ctx.reply.Bulk(std::to_string(now_us % 1000000));
}

// LASTSAVE: unix time of the last successful save; the start time before any.
void CmdLastSave(CommandContext& ctx) {
  int64_t t = ctx.server.counters.last_save_unix_s;
  if (t == 0) t = ctx.server.control.Stats().start_time_ms / 1000;
  ctx.reply.Integer(t);
}

// ROLE: lrukv has no replication, so always a master at offset 0 with no replicas.
void CmdRole(CommandContext& ctx) {
  ctx.reply.ArrayHeader(3);
  ctx.reply.Bulk("master");
  ctx.reply.Integer(0);
  ctx.reply.ArrayHeader(0);
}

// WAIT numreplicas timeout: lrukv has no replicas, so 0 acknowledged them. Redis answers that
// at once when numreplicas <= 0 and otherwise after the timeout (or never, for 0); lrukv
// answers at once in every case rather than hold a client for a replica that cannot exist.
void CmdWait(CommandContext& ctx) {
  int64_t numreplicas = 0;
  if (!ParseInt64(ctx.args[1], &numreplicas)) {
    ctx.reply.Error(resp::err::kNotInteger);
    return;
  }
  int64_t timeout_ms = 0;
  if (!ParseInt64(ctx.args[2], &timeout_ms)) {
    ctx.reply.Error("ERR timeout is not an integer or out of range");
    return;
  }
  if (timeout_ms < 0) {
    ctx.reply.Error("ERR timeout is negative");
    return;
  }
  ctx.reply.Integer(0);
}

// ---- MEMORY ----

// MEMORY USAGE key [SAMPLES count]: bytes the key costs, or nil if absent. Values are flat
// strings, so SAMPLES is checked and ignored.
void CmdMemoryUsage(CommandContext& ctx) {
  for (size_t i = 3; i < ctx.args.size(); ++i) {
    if (EqualsIgnoreCase(ctx.args[i], "samples") && i + 1 < ctx.args.size()) {
      int64_t samples = 0;
      if (!ParseInt64(ctx.args[i + 1], &samples)) {
        ctx.reply.Error(resp::err::kNotInteger);
        return;
      }
      if (samples < 0) {
        ctx.reply.Error(resp::err::kSyntax);
        return;
      }
      ++i;
    } else {
      ctx.reply.Error(resp::err::kSyntax);
      return;
    }
  }
  uint64_t bytes = ctx.server.engine.MemoryUsage(ctx.client.db, ctx.args[2], ctx.now_ms);
  if (bytes == 0) {
    ctx.reply.Null();
  } else {
    ctx.reply.Integer(static_cast<int64_t>(bytes));
  }
}

// MEMORY STATS: Redis's map of memory facts, filled as INFO memory fills them.
void CmdMemoryStats(CommandContext& ctx) {
  ServerContext& server = ctx.server;
  engine::Engine& engine = server.engine;
  uint64_t used = engine.used_memory();
  uint64_t peak = UpdateUsedMemoryPeak(server);
  uint64_t rss = ProcessRssBytes();
  uint64_t clients_bytes = 0;
  server.control.ForEachClient([&](ClientState& c) {
    clients_bytes += c.conn.query_buffer_bytes + c.conn.output_buffer_bytes;
  });
  uint64_t total_keys = 0;
  std::vector<int> dbs_with_keys;
  for (int db = 0; db < engine.databases(); ++db) {
    size_t n = engine.DbSize(db);
    if (n == 0) continue;
    total_keys += n;
    dbs_with_keys.push_back(db);
  }
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  resp::ReplyWriter& w = ctx.reply;
  w.MapHeader(27 + dbs_with_keys.size());
  auto integer = [&](std::string_view k, int64_t v) {
    w.Bulk(k);
    w.Integer(v);
  };
  auto real = [&](std::string_view k, double v) {
    w.Bulk(k);
    w.Double(static_cast<double>(static_cast<float>(v)));  // Redis keeps these as floats
  };
  integer("peak.allocated", static_cast<int64_t>(peak));
  integer("total.allocated", static_cast<int64_t>(used));
  integer("startup.allocated", 0);
  integer("replication.backlog", 0);
  integer("clients.slaves", 0);
  integer("clients.normal", static_cast<int64_t>(clients_bytes));
  integer("cluster.links", 0);
  integer("aof.buffer", 0);
  integer("lua.caches", 0);
  integer("functions.caches", 0);
  for (int db : dbs_with_keys) {
    w.Bulk(fmt::format("db.{}", db));
    w.MapHeader(3);
    integer("overhead.hashtable.main", 0);
    integer("overhead.hashtable.expires", 0);
    integer("overhead.hashtable.slot-to-keys", 0);
  }
  integer("overhead.total", 0);
  integer("keys.count", static_cast<int64_t>(total_keys));
  integer("keys.bytes-per-key", total_keys ? static_cast<int64_t>(used / total_keys) : 0);
  integer("dataset.bytes", static_cast<int64_t>(used));
  real("dataset.percentage", used ? 100.0 : 0.0);
  real("peak.percentage", ratio(used * 100.0, peak));
  integer("allocator.allocated", static_cast<int64_t>(used));
  integer("allocator.active", static_cast<int64_t>(rss));
  integer("allocator.resident", static_cast<int64_t>(rss));
  real("allocator-fragmentation.ratio", ratio(rss, used));
  integer("allocator-fragmentation.bytes", static_cast<int64_t>(rss - used));
  real("allocator-rss.ratio", rss ? 1.0 : 0.0);
  integer("allocator-rss.bytes", 0);
  real("rss-overhead.ratio", rss ? 1.0 : 0.0);
  integer("rss-overhead.bytes", 0);
  real("fragmentation", ratio(rss, used));
  integer("fragmentation.bytes", static_cast<int64_t>(rss - used));
}

// MEMORY DOCTOR
void CmdMemoryDoctor(CommandContext& ctx) {
  if (ctx.server.engine.used_memory() < kDoctorMinBytes) {
    ctx.reply.Verbatim(
        "txt",
        "Hi Sam, this instance is empty or is using very little memory, my issues detector "
        "can't be used in these conditions. Please, leave for your mission on Earth and fill "
        "it with some data. The new Sam and I will be back to our programming as soon as I "
        "finished rebooting.\n");
  } else {
    ctx.reply.Verbatim("txt",
                       "Hi Sam, I can't find any memory issue in your instance. I can only "
                       "account for what occurs on this base.\n");
  }
}

// MEMORY MALLOC-STATS: what Redis built with libc malloc answers.
void CmdMemoryMallocStats(CommandContext& ctx) {
  ctx.reply.Verbatim("txt", "Stats not supported for the current allocator");
}

// MEMORY PURGE
void CmdMemoryPurge(CommandContext& ctx) { ctx.reply.Ok(); }

// MEMORY HELP
void CmdMemoryHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "MEMORY",
            {"DOCTOR", "    Return memory problems reports.", "MALLOC-STATS",
             "    Return internal statistics report from the memory allocator.", "PURGE",
             "    Attempt to purge dirty pages for reclamation by the allocator.", "STATS",
             "    Return information about the memory usage of the server.",
             "USAGE <key> [SAMPLES <count>]",
             "    Return memory in bytes used by <key> and its value. Nested values are",
             "    sampled up to <count> times (default: 5, 0 means sample all)."});
}

// ---- DEBUG ----

// Bytes of RDB's length prefix for `len` (1, 2, 5 or 9).
size_t RdbLenBytes(uint64_t len) {
  if (len < (1u << 6)) return 1;
  if (len < (1u << 14)) return 2;
  if (len <= UINT32_MAX) return 5;
  return 9;
}

// What DEBUG OBJECT calls serializedlength: the value's RDB string encoding size. Integers
// that fit 8/16/32 bits take 2/3/5 bytes; other strings their length prefix plus their bytes.
// (Redis LZF-compresses strings over 20 bytes when that helps; lrukv reports them
// uncompressed.)
size_t SerializedLength(std::string_view value) {
  int64_t v = 0;
  if (value.size() <= 11 && ParseInt64(value, &v)) {
    if (v >= INT8_MIN && v <= INT8_MAX) return 2;
    if (v >= INT16_MIN && v <= INT16_MAX) return 3;
    if (v >= INT32_MIN && v <= INT32_MAX) return 5;
  }
  return RdbLenBytes(value.size()) + value.size();
}

// DEBUG OBJECT key: Redis's one-line description of the value object.
void DebugObject(CommandContext& ctx) {
  auto entry = ctx.server.engine.Lookup(ctx.client.db, ctx.args[2], ctx.now_ms,
                                        engine::kLookupNoTouch | engine::kLookupNoStats);
  if (!entry) {
    ctx.reply.Error(resp::err::kNoSuchKey);
    return;
  }
  std::string_view value = entry->value;
  int64_t as_int = 0;
  bool is_int = value.size() <= 20 && ParseInt64(value, &as_int);
  const std::string& policy = ctx.server.config.maxmemory_policy;
  bool shared_ints_allowed =
      ctx.server.config.maxmemory_bytes == 0 ||
      (policy.find("lru") == std::string::npos && policy.find("lfu") == std::string::npos);
  int64_t refcount =
      (is_int && as_int >= 0 && as_int < kSharedIntegers && shared_ints_allowed) ? INT_MAX : 1;
  std::string_view encoding = is_int ? "int" : value.size() <= kEmbstrMaxBytes ? "embstr" : "raw";
  // On the unix LRU clock INFO's lru_clock shows (both converted with today's offset, so the
  // idle time stays the monotonic one).
  const engine::Clock& clock = ctx.server.engine.clock();
  int64_t lru = (clock.ToWallMs(entry->last_access_ms) / 1000) & kLruClockMax;
  int64_t now_lru = (clock.ToWallMs(ctx.now_ms) / 1000) & kLruClockMax;
  int64_t idle_s = now_lru >= lru ? now_lru - lru : now_lru + (kLruClockMax - lru);
  ctx.reply.Simple(fmt::format(
      "Value at:{} refcount:{} encoding:{} serializedlength:{} lru:{} lru_seconds_idle:{}",
      static_cast<const void*>(value.data()), refcount, encoding, SerializedLength(value), lru,
      idle_s));
}

// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, flush, load the dump back. MERGE is accepted:
// a loaded key always replaces one of the same name.
void DebugReload(CommandContext& ctx) {
  bool flush = true, save = true;
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    std::string_view opt = ctx.args[i];
    if (EqualsIgnoreCase(opt, "noflush")) {
      flush = false;
    } else if (EqualsIgnoreCase(opt, "nosave")) {
      save = false;
    } else if (!EqualsIgnoreCase(opt, "merge")) {
      ctx.reply.Error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
      return;
    }
  }
  std::string error;
  if (ReloadDump(ctx.server, ctx.now_ms, save, flush, &error)) {
    ctx.reply.Ok();
  } else {
    ctx.reply.Error(error);
  }
}

// DEBUG POPULATE <count> [prefix] [size]: creates keys "<prefix>:<n>" (prefix "key") for n in
// [0, count) holding "value:<n>", or that text cut or zero-padded to `size` bytes; a key that
// already exists is left alone, as Redis's. Test suites fill millions of keys with it.
void DebugPopulate(CommandContext& ctx) {
  constexpr std::string_view kNotPositive = "ERR value is out of range, must be positive";
  int64_t count = 0, size = 0;
  if (!ParseInt64(ctx.args[2], &count) || count < 0) {
    ctx.reply.Error(kNotPositive);
    return;
  }
  if (ctx.args.size() == 5 && (!ParseInt64(ctx.args[4], &size) || size < 0)) {
    ctx.reply.Error(kNotPositive);
    return;
  }
  const std::string_view prefix = ctx.args.size() >= 4 ? ctx.args[3] : "key";
  engine::Engine& engine = ctx.server.engine;
  const int db = ctx.client.db;
  engine.ReserveKeys(db, static_cast<uint64_t>(count));
  std::string key, value;
  const uint32_t no_side_effects = engine::kLookupNoTouch | engine::kLookupNoStats;
  for (int64_t n = 0; n < count; ++n) {
    key.assign(prefix).append(":").append(std::to_string(n));
    if (engine.Lookup(db, key, ctx.now_ms, no_side_effects)) continue;
    value.assign("value:").append(std::to_string(n));
    if (size > 0) value.resize(static_cast<size_t>(size), '\0');
    engine.Set(db, key, value, ctx.now_ms);
  }
  ctx.reply.Ok();
}

// DEBUG <subcommand> [arg ...]: the subcommands clients and test suites use.
void CmdDebug(CommandContext& ctx) {
  std::string_view sub = ctx.args[1];
  const size_t argc = ctx.args.size();
  if (EqualsIgnoreCase(sub, "help") && argc == 2) {
    ReplyHelp(
        ctx, "DEBUG",
        {"CHANGE-REPL-ID", "    Change the replication IDs of the instance.",
         "    Dangerous: should be used only for testing the replication subsystem.",
         "ERROR <string>",
         "    Return a Redis protocol error with <string> as message. Useful for clients",
         "    unit tests to simulate Redis errors.", "LOG <message>",
         "    Write <message> to the server log.", "OBJECT <key>",
         "    Show low level info about `key` and associated value.",
         "POPULATE <count> [<prefix>] [<size>]",
         "    Create <count> string keys named key:<num>. If <prefix> is specified then",
         "    it is used instead of the 'key' prefix. These are not propagated to",
         "    replicas. Cluster slots are not respected so keys not belonging to the",
         "    current node can be created in cluster mode.",
         "RELOAD [option ...]",
         "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
         "    * MERGE: conflicting keys will be loaded from RDB.",
         "    * NOFLUSH: the existing database will not be removed before load, but",
         "      conflicting keys will generate an exception and kill the server.",
         "    * NOSAVE: the database will be loaded from an existing RDB file.",
         "    Examples:",
         "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
         "      the database.",
         "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
         "      existing RDB file.",
         "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
         "      file to the database.",
         "SET-ACTIVE-EXPIRE <0|1>",
         "    Setting it to 0 disables expiring keys in background when they are not",
         "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
         "    default.", "SLEEP <seconds>",
         "    Stop the server for <seconds>. Decimals allowed."});
    return;
  }
  if (EqualsIgnoreCase(sub, "sleep") && argc == 3) {
    // Blocks the reactor, as Redis's does: that is what test suites use it for.
    std::string text(ctx.args[2]);
    double seconds = std::strtod(text.c_str(), nullptr);
    auto usec = static_cast<long long>(seconds * 1000000);
    if (usec > 0) {
      struct timespec ts;
      ts.tv_sec = static_cast<time_t>(usec / 1000000);
      ts.tv_nsec = static_cast<long>((usec % 1000000) * 1000);
      nanosleep(&ts, nullptr);
    }
    ctx.reply.Ok();
    return;
  }
  if (EqualsIgnoreCase(sub, "set-active-expire") && argc == 3) {
    std::string text(ctx.args[2]);
    ctx.server.config.active_expire_enabled = std::atoi(text.c_str()) != 0;
    ctx.reply.Ok();
    return;
  }
  if (EqualsIgnoreCase(sub, "log") && argc == 3) {
    std::fprintf(stderr, "DEBUG LOG: %.*s\n", static_cast<int>(ctx.args[2].size()),
                 ctx.args[2].data());
    ctx.reply.Ok();
    return;
  }
  if (EqualsIgnoreCase(sub, "object") && argc == 3) {
    DebugObject(ctx);
    return;
  }
  if (EqualsIgnoreCase(sub, "populate") && argc >= 3 && argc <= 5) {
    DebugPopulate(ctx);
    return;
  }
  if (EqualsIgnoreCase(sub, "reload")) {
    DebugReload(ctx);
    return;
  }
  if (EqualsIgnoreCase(sub, "error") && argc == 3) {
    ctx.reply.Error(ctx.args[2]);
    return;
  }
  if (EqualsIgnoreCase(sub, "change-repl-id") && argc == 2) {
    ctx.reply.Ok();
    return;
  }
  ctx.reply.Error(fmt::format(
      "ERR unknown subcommand or wrong number of arguments for '{:.128}'. Try DEBUG HELP.", sub));
}

// ---- FUNCTION (lrukv has no scripting: no library ever exists) ----

// FUNCTION FLUSH [ASYNC|SYNC]
void CmdFunctionFlush(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    ctx.reply.Error(fmt::format(
        "ERR unknown subcommand or wrong number of arguments for '{:.128}'. Try FUNCTION HELP.",
        ctx.args[1]));
    return;
  }
  if (ctx.args.size() == 3 && !EqualsIgnoreCase(ctx.args[2], "async") &&
      !EqualsIgnoreCase(ctx.args[2], "sync")) {
    ctx.reply.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    return;
  }
  ctx.reply.Ok();
}

// FUNCTION LIST [LIBRARYNAME library-name-pattern] [WITHCODE]
void CmdFunctionList(CommandContext& ctx) {
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    std::string_view a = ctx.args[i];
    if (EqualsIgnoreCase(a, "withcode")) continue;
    if (EqualsIgnoreCase(a, "libraryname")) {
      if (i + 1 >= ctx.args.size()) {
        ctx.reply.Error("ERR library name argument was not given");
        return;
      }
      ++i;
      continue;
    }
    ctx.reply.Error(fmt::format("ERR Unknown argument {}", a));
    return;
  }
  ctx.reply.ArrayHeader(0);
}

// FUNCTION HELP
void CmdFunctionHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "FUNCTION",
            {"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
             "    Return general information on all the libraries:", "    * Library name",
             "    * The engine used to run the Library", "    * Library description",
             "    * Functions list", "    * Library code (if WITHCODE is given)",
             "    It also possible to get only function that matches a pattern using "
             "LIBRARYNAME argument.",
             "FLUSH [ASYNC|SYNC]", "    Delete all the libraries.",
             "    When called without the optional mode argument, the behavior is determined "
             "by the",
             "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
             "    * ASYNC: Asynchronously flush the libraries.",
             "    * SYNC: Synchronously flush the libraries."});
}

// ---- SHUTDOWN ----

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
// On success nothing is replied: the server closes every connection and stops.
void CmdShutdown(CommandContext& ctx) {
  bool nosave = false, save = false, other = false, abort = false, force = false;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    std::string_view a = ctx.args[i];
    if (EqualsIgnoreCase(a, "nosave")) {
      nosave = true;
    } else if (EqualsIgnoreCase(a, "save")) {
      save = true;
    } else if (EqualsIgnoreCase(a, "now")) {
      other = true;
    } else if (EqualsIgnoreCase(a, "force")) {
      other = force = true;
    } else if (EqualsIgnoreCase(a, "abort")) {
      abort = true;
    } else {
      ctx.reply.Error(resp::err::kSyntax);
      return;
    }
  }
  if ((abort && (nosave || save || other)) || (nosave && save)) {
    ctx.reply.Error(resp::err::kSyntax);
    return;
  }
  if (abort) {  // lrukv's shutdown never waits, so there is never one to abort
    ctx.reply.Error("ERR No shutdown in progress.");
    return;
  }
  // The final save, as Redis: by default when `save` points are configured; a failed one keeps
  // the server running (FORCE: exits anyway).
  const int save_mode = save ? 1 : nosave ? -1 : 0;
  if (!SaveBeforeShutdown(ctx.server, ctx.now_ms, save_mode) && !force) {
    ctx.reply.Error("ERR Errors trying to SHUTDOWN. Check logs.");
    return;
  }
  ctx.server.control.Shutdown();
}

// ---- Registration ----


}  // namespace

void RegisterServerCommands(CommandTable& table) {
  constexpr uint32_t kAdminCfg = kAdmin | kNoScript | kLoading | kStale;
  constexpr uint32_t kLs = kLoading | kStale;

  table.Register(CommandRow("info", -1, kLs, CmdInfo, "@slow @dangerous"));

  CommandSpec config = CommandRow("config", -2, 0, CmdContainer, "@slow");
  config.subcommands.push_back(CommandRow("config|get", -3, kAdminCfg, CmdConfigGet, ""));
  config.subcommands.push_back(CommandRow("config|set", -4, kAdminCfg, CmdConfigSet, ""));
  config.subcommands.push_back(
      CommandRow("config|resetstat", 2, kAdminCfg, CmdConfigResetStat, ""));
  config.subcommands.push_back(CommandRow("config|rewrite", 2, kAdminCfg, CmdConfigRewrite, ""));
  config.subcommands.push_back(CommandRow("config|help", 2, kLs, CmdConfigHelp, ""));
  table.Register(std::move(config));

  constexpr std::string_view kCmdAcl = "@slow @connection";
  CommandSpec command = CommandRow("command", -1, kLs, CmdCommand, kCmdAcl);
  command.subcommands.push_back(CommandRow("command|count", 2, kLs, CmdCommandCount, kCmdAcl));
  command.subcommands.push_back(CommandRow("command|info", -2, kLs, CmdCommandInfo, kCmdAcl));
  command.subcommands.push_back(CommandRow("command|docs", -2, kLs, CmdCommandDocs, kCmdAcl));
  command.subcommands.push_back(CommandRow("command|list", -2, kLs, CmdCommandList, kCmdAcl));
  command.subcommands.push_back(CommandRow("command|getkeys", -4, kLs, CmdCommandGetKeys, kCmdAcl));
  command.subcommands.push_back(
      CommandRow("command|getkeysandflags", -4, kLs, CmdCommandGetKeysAndFlags, kCmdAcl));
  command.subcommands.push_back(CommandRow("command|help", 2, kLs, CmdCommandHelp, kCmdAcl));
  table.Register(std::move(command));

  table.Register(CommandRow("time", 1, kLs | kFast, CmdTime, "@fast"));
  table.Register(CommandRow("lastsave", 1, kLs | kFast, CmdLastSave, "@admin @fast @dangerous"));
  table.Register(
      CommandRow("role", 1, kNoScript | kLs | kFast, CmdRole, "@admin @fast @dangerous"));

  table.Register(CommandRow("wait", 3, kNoScript, CmdWait, "@slow @connection"));

  CommandSpec memory = CommandRow("memory", -2, 0, CmdContainer, "@slow");
  CommandSpec usage = CommandRow("memory|usage", -3, kReadOnly, CmdMemoryUsage, "@read @slow");
  usage.first_key = 2;
  usage.last_key = 2;
  usage.key_step = 1;
  memory.subcommands.push_back(std::move(usage));
  memory.subcommands.push_back(CommandRow("memory|stats", 2, 0, CmdMemoryStats, "@slow"));
  memory.subcommands.push_back(CommandRow("memory|doctor", 2, 0, CmdMemoryDoctor, "@slow"));
  memory.subcommands.push_back(
      CommandRow("memory|malloc-stats", 2, 0, CmdMemoryMallocStats, "@slow"));
  memory.subcommands.push_back(CommandRow("memory|purge", 2, 0, CmdMemoryPurge, "@slow"));
  memory.subcommands.push_back(CommandRow("memory|help", 2, kLs, CmdMemoryHelp, "@slow"));
  table.Register(std::move(memory));

  table.Register(CommandRow("debug", -2, kAdminCfg, CmdDebug, "@admin @slow @dangerous"));

  CommandSpec function = CommandRow("function", -2, 0, CmdContainer, "@slow");
  function.subcommands.push_back(CommandRow("function|flush", -2, kWrite | kNoScript,
                                            CmdFunctionFlush, "@write @slow @scripting"));
  function.subcommands.push_back(
      CommandRow("function|list", -2, kNoScript, CmdFunctionList, "@slow @scripting"));
  function.subcommands.push_back(
      CommandRow("function|help", 2, kLs, CmdFunctionHelp, "@slow @scripting"));
  table.Register(std::move(function));

  table.Register(CommandRow("shutdown", -1, kAdminCfg | kNoMulti | kAllowBusy, CmdShutdown,
                            "@admin @slow @dangerous"));
}

}  // namespace lrukv::cmd
