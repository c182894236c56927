// CommandTable (rows by lower-case name, subcommands under their parent) and the Dispatcher,
// the one place around every handler: lookup, arity, auth, MULTI queueing, eviction before
// DENYOOM, the now_ms snapshot, stats and CLIENT REPLY modes. Handlers live in the family files.
#include "src/commands/command_table.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include "resp/errors.h"
#include "src/commands/arg_parse.h"
#include "src/commands/cluster_routing.h"
#include "src/commands/command_meta.h"
#include "src/commands/pubsub.h"
#include "src/commands/server_context.h"
#include "src/commands/transactions.h"

namespace lrukv::cmd {

namespace {

// Longest command name we look up; longer names cannot be commands (Redis's longest is 25).
constexpr size_t kMaxNameLen = 64;

char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char ToUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// The part of a full subcommand name after '|': "client|list" -> "list".
std::string_view ShortName(std::string_view full) {
  size_t bar = full.rfind('|');
  return bar == std::string_view::npos ? full : full.substr(bar + 1);
}

bool ArityOk(int arity, size_t argc) {
  return arity >= 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
}

// Commands MULTI runs at once instead of queueing (Redis's processCommand list).
bool RunsInsideMulti(std::string_view name) {
  return name == "exec" || name == "discard" || name == "multi" || name == "watch" ||
         name == "quit" || name == "reset";
}

// Commands that, inside MULTI, are not refused for OOM when they themselves are not DENYOOM.
bool ExemptFromMultiOom(std::string_view name) {
  return name == "exec" || name == "discard" || name == "quit" || name == "reset";
}

// ---- Call timing (commandstats usec) ----
// A clock read costs ~100 ns under kvm-clock, as much as a whole PING, so calls are timed with
// the CPU's time-stamp counter where there is one, converted with a rate measured once per
// process against steady_clock.
#if defined(__x86_64__) || defined(__i386__)
// How long the one-time TSC calibration spins, microseconds: long enough for a rate within
// 0.1% (hundreds of thousands of ticks), short enough not to be noticed at startup.
constexpr int64_t kTscCalibrationUs = 200;

uint64_t ReadTicks() { return __rdtsc(); }

// One (steady_clock, TSC) reading: the TSC read on both sides of the clock read, narrowest of a
// few tries, so that a preemption between two reads (on a loaded machine) cannot pair a clock
// time with a counter value read milliseconds later. An unbracketed calibration once came out
// 1% fast there, and a 100 ms DEBUG SLEEP was measured as 99 ms.
struct TscReading {
  std::chrono::steady_clock::time_point time;
  uint64_t ticks;
};
TscReading ReadTscAndClock() {
  TscReading best{};
  uint64_t best_width = UINT64_MAX;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const uint64_t before = __rdtsc();
    const auto time = std::chrono::steady_clock::now();
    const uint64_t after = __rdtsc();
    if (after - before < best_width) {
      best_width = after - before;
      best = {time, before + (after - before) / 2};
    }
  }
  return best;
}

double TicksPerUs() {
  static const double rate = [] {
    const TscReading start = ReadTscAndClock();
    while (std::chrono::steady_clock::now() - start.time <
           std::chrono::microseconds(kTscCalibrationUs)) {
    }
    const TscReading end = ReadTscAndClock();
    const double us = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              end.time - start.time)
                                              .count()) /
                      1000.0;
    const double r = static_cast<double>(end.ticks - start.ticks) / us;
    return r > 0 ? r : 1.0;
  }();
  return rate;
}

// Microseconds per tick in 32.32 fixed point: a call's conversion is one integer multiply
// instead of a floating-point division on the hot path.
struct TickScale {
  uint64_t us_per_tick_q32;
  uint64_t max_fast_ticks;  // above this, ticks * us_per_tick_q32 would overflow
};
const TickScale& Scale() {
  static const TickScale scale = [] {
    const auto q = static_cast<uint64_t>(4294967296.0 / TicksPerUs());
    return TickScale{q, q ? UINT64_MAX / q : UINT64_MAX};
  }();
  return scale;
}

uint64_t TicksToUs(uint64_t ticks) {
  const TickScale& s = Scale();
  if (ticks <= s.max_fast_ticks) [[likely]] return (ticks * s.us_per_tick_q32) >> 32;
  return static_cast<uint64_t>(static_cast<double>(ticks) / TicksPerUs());
}
#else
uint64_t ReadTicks() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}
double TicksPerUs() { return 1.0; }
uint64_t TicksToUs(uint64_t ticks) { return ticks; }
#endif

CommandStat& StatFor(ServerContext& server, const CommandSpec& spec) {
  const uint64_t epoch = server.counters.command_stats_epoch;
  if (spec.stat_row_epoch == epoch) return *spec.stat_row;
  auto& stats = server.counters.command_stats;
  auto it = stats.find(spec.name);
  if (it == stats.end()) it = stats.emplace(std::string(spec.name), CommandStat{}).first;
  spec.stat_row = &it->second;
  spec.stat_row_epoch = epoch;
  return it->second;
}

// Writes `error` as the reply to a command refused before it ran, as Redis's rejectCommand:
// flags an open transaction (EXECABORT later), counts rejected_calls, and when the refused
// command is EXEC itself, discards the transaction and answers EXECABORT with the reason.
void Reject(ServerContext& server, ClientState& client, const CommandSpec* spec,
            std::string_view error, resp::ReplyWriter& reply) {
  if (client.in_multi) client.multi_error = true;
  if (spec != nullptr) ++StatFor(server, *spec).rejected_calls;
  if (spec != nullptr && spec->name == "exec") {
    DiscardTransaction(server, client);
    std::string_view reason = error;
    if (reason.starts_with("ERR ")) reason.remove_prefix(4);
    std::string text(resp::err::kExecAbortBecauseOf);
    text.append(reason);
    reply.Error(text);
    CountErrorReply(server, text);
  } else {
    reply.Error(error);
    CountErrorReply(server, error);
  }
}

// The CROSSSLOT refusal, as Redis's processCommand answers a cluster redirection: EXEC
// discards its transaction, any other command flags an open one (EXECABORT later), and the
// command counts a rejected call.
void RejectCrossSlot(ServerContext& server, ClientState& client, const CommandSpec& spec,
                     bool exec, resp::ReplyWriter& reply) {
  if (exec) {
    DiscardTransaction(server, client);
  } else if (client.in_multi) {
    client.multi_error = true;
  }
  ++StatFor(server, spec).rejected_calls;
  reply.Error(resp::err::kCrossSlot);
  CountErrorReply(server, resp::err::kCrossSlot);
}

// Redis's is_write_command: a write command, or EXEC of a transaction that queued one.
bool IsWriteCall(const CommandSpec& spec, const ClientState& client) {
  if (spec.flags & kWrite) return true;
  if (client.in_multi && spec.name == "exec") {
    for (const auto& q : client.queued) {
      if (q.spec->flags & kWrite) return true;
    }
  }
  return false;
}

// DEBUG ERROR writes its error as raw protocol (Redis's addReplyProto), which Redis counts
// neither as a failed call nor in errorstats.
bool IsRawProtocolError(const CommandSpec& spec, std::span<const std::string_view> args) {
  return spec.name == "debug" && args.size() == 3 && EqualsIgnoreCase(args[1], "error");
}

}  // namespace

CommandSpec MakeCommandSpec(std::string_view name, int arity, uint32_t flags, int first_key,
                            int last_key, int key_step, Handler handler,
                            std::string_view acl_categories, std::string_view group,
                            std::string_view summary, std::string_view since) {
  return CommandSpec{.name = name,
                     .arity = arity,
                     .flags = flags,
                     .first_key = first_key,
                     .last_key = last_key,
                     .key_step = key_step,
                     .handler = handler,
                     .acl_categories = acl_categories,
                     .group = group,
                     .summary = summary,
                     .since = since};
}

CommandSpec CommandRow(std::string_view name, int arity, uint32_t flags, Handler handler,
                       std::string_view acl_categories, int first_key, int last_key,
                       int key_step) {
  CommandSpec spec = MakeCommandSpec(name, arity, flags, first_key, last_key, key_step, handler,
                                     acl_categories, "", "", "");
  if (const meta::CommandMeta* m = meta::FindMeta(name)) {
    spec.group = m->group;
    spec.summary = m->summary;
    spec.since = m->since;
  }
  return spec;
}

// ---- CommandTable ----

void CommandTable::Register(CommandSpec spec) {
  for (auto& sub : spec.subcommands) {
    if (sub.name.find('|') != std::string_view::npos) continue;
    std::string full(spec.name);
    full.push_back('|');
    full.append(sub.name);
    owned_names_.push_back(std::move(full));
    sub.name = owned_names_.back();
  }
  for (auto& sub : spec.subcommands) {
    if (const meta::CommandMeta* m = meta::FindMeta(sub.name)) sub.key_specs = m->key_specs;
  }
  if (const meta::CommandMeta* m = meta::FindMeta(spec.name)) spec.key_specs = m->key_specs;
  std::string key(spec.name);
  for (char& c : key) c = ToLower(c);
  auto it = by_name_.find(key);
  if (it != by_name_.end()) {
    // Replace in place so pointers handed out (and the ordered_ slot) stay valid.
    it->second = std::move(spec);
    return;
  }
  it = by_name_.emplace(std::move(key), std::move(spec)).first;
  ordered_.push_back(&it->second);
  RebuildIndex();
}

// FNV-1a over the bytes with bit 0x20 set, which lower-cases letters; other bytes may fold
// together too, which only costs a probe: Find compares the name itself.
uint64_t CommandTable::FoldedNameHash(std::string_view name) {
  uint64_t h = 14695981039346656037ull;
  for (char c : name) {
    h ^= static_cast<uint8_t>(c | 0x20);
    h *= 1099511628211ull;
  }
  return h;
}

// Registration and renames happen at startup only, so the index is simply rebuilt each time.
void CommandTable::RebuildIndex() {
  size_t size = 16;
  while (size < by_name_.size() * 4) size *= 2;
  index_.assign(size, nullptr);
  for (const auto& row : by_name_) {
    size_t slot = FoldedNameHash(row.first) & (size - 1);
    while (index_[slot] != nullptr) slot = (slot + 1) & (size - 1);
    index_[slot] = &row;
  }
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  if (index_.empty() || name.size() > kMaxNameLen) return nullptr;
  const size_t mask = index_.size() - 1;
  for (size_t slot = FoldedNameHash(name) & mask;; slot = (slot + 1) & mask) {
    const Rows::value_type* row = index_[slot];
    if (row == nullptr) return nullptr;
    if (EqualsIgnoreCase(row->first, name)) return &row->second;
  }
}

bool CommandTable::Rename(std::string_view from, std::string_view to, std::string* reason) {
  std::string key(from);
  for (char& c : key) c = ToLower(c);
  auto it = by_name_.find(key);
  if (it == by_name_.end()) {
    *reason = "No such command in rename-command";
    return false;
  }
  // Moving the node keeps the row's address, so ordered_ and handed-out pointers stay valid.
  Rows::node_type row = by_name_.extract(it);
  std::string new_key(to);
  for (char& c : new_key) c = ToLower(c);
  bool ok = true;
  if (new_key.empty() || by_name_.contains(new_key)) {
    ok = new_key.empty();
    if (!ok) *reason = "Target command name already exists";
    ordered_.erase(std::find(ordered_.begin(), ordered_.end(), &row.mapped()));
    disabled_.push_back(std::move(row));
  } else {
    row.key() = std::move(new_key);
    by_name_.insert(std::move(row));
  }
  RebuildIndex();
  return ok;
}

bool ApplyCommandRenames(const std::vector<Config::CommandRename>& renames, CommandTable& table,
                         std::string* error) {
  for (const auto& r : renames) {
    std::string reason;
    if (!table.Rename(r.from, r.to, &reason)) {
      *error = FatalConfigError(r.line_number, r.line, reason);
      return false;
    }
  }
  return true;
}

const CommandSpec* CommandTable::FindSubcommand(const CommandSpec& parent, std::string_view sub) {
  for (const auto& s : parent.subcommands) {
    if (EqualsIgnoreCase(ShortName(s.name), sub)) return &s;
  }
  return nullptr;
}

void RegisterAllCommands(CommandTable& table) {
  RegisterStringCommands(table);
  RegisterKeyspaceCommands(table);
  RegisterConnectionCommands(table);
  RegisterTransactionCommands(table);
  RegisterServerCommands(table);
  RegisterPersistenceCommands(table);
  RegisterPubSubCommands(table);
  RegisterMonitorCommands(table);
  RegisterSlowlogCommands(table);
  RegisterLatencyCommands(table);
  RegisterAclCommands(table);
  RegisterClusterCommands(table);
}

// ---- Calls and stats ----

void CountErrorReply(ServerContext& server, std::string_view reply_text) {
  size_t end = reply_text.find_first_of(" \r\n");
  std::string_view code = reply_text.substr(0, end);
  auto& errors = server.counters.error_stats;
  auto it = errors.find(code);
  if (it == errors.end()) it = errors.emplace(std::string(code), 0).first;
  ++it->second;
  ++server.counters.total_error_replies;
}

void CallCommand(ServerContext& server, ClientState& client, const CommandSpec& spec,
                 std::span<const std::string_view> args, resp::ReplyWriter& reply,
                 int64_t now_ms) {
  std::string* out = reply.buffer();
  const size_t before = out->size();
  const int db_before = client.db;
  CommandContext ctx{server, client, reply, args, now_ms, spec};
  const uint64_t start_ticks = ReadTicks();
  spec.handler(ctx);
  const uint64_t end_ticks = ReadTicks();
  // A counter that went backwards (another CPU's) counts as no time rather than ~forever.
  const uint64_t elapsed_us = end_ticks > start_ticks ? TicksToUs(end_ticks - start_ticks) : 0;

  CommandStat& stat = StatFor(server, spec);
  ++stat.calls;
  stat.usec += elapsed_us;
  // Redis records microseconds scaled to ns, so percentiles print as Redis's do ("7.007").
  if (server.config.latency_tracking) [[likely]] {
    if (!stat.histogram) [[unlikely]] stat.histogram = std::make_unique<LatencyHistogram>();
    stat.histogram->Record(static_cast<int64_t>(elapsed_us) * 1000);
  }
  // A sample needs at least 1 ms (the threshold's unit), so faster calls skip the monitor.
  if (elapsed_us >= 1000) [[unlikely]] {
    const auto elapsed_ms = static_cast<int64_t>(elapsed_us / 1000);
    server.latency.Record((spec.flags & kFast) ? "fast-command" : "command", elapsed_ms,
                          now_ms + elapsed_ms);
  }
  ++server.counters.total_commands_processed;
  if (!server.command_observers.empty()) {
    CommandEvent event{client, spec, args, db_before, now_ms, elapsed_us};
    for (CommandObserver* o : server.command_observers) o->OnCommand(event);
  }
  // The handler may have swapped the writer's buffer (it should not); read it again.
  out = reply.buffer();
  if (out->size() > before && (*out)[before] == '-' && !IsRawProtocolError(spec, args)) {
    ++stat.failed_calls;
    CountErrorReply(server, std::string_view(*out).substr(before + 1));
  }
}

// ---- Dispatcher ----

Dispatcher::Dispatcher(ServerContext& server) : server_(server) {
  TicksToUs(0);  // calibrate the call timer now, not during the first command
  server_.keyspace_observers.Add(&server_.watches);
  server_.keyspace_observers.Add(&server_.keyspace_event_feed);
  server_.command_observers.push_back(&server_.monitors);
  server_.command_observers.push_back(&server_.slowlog);
  server_.engine.SetObserver(&server_.keyspace_observers);
}

void Dispatcher::ForgetClient(ClientState& client) {
  server_.watches.UnwatchAll(client);
  server_.monitors.Detach(client);
  server_.pubsub.ForgetClient(client);
  client.queued.clear();
  client.in_multi = false;
}

void Dispatcher::Execute(ClientState& client, std::span<const std::string_view> args,
                         resp::ReplyWriter& reply) {
  if (args.empty()) return;  // an empty multibulk is ignored, as Redis does
  std::string* out = reply.buffer();
  const size_t reply_start = out->size();
  const int64_t now_ms = server_.engine.clock().NowMs();

  // The body runs once; `break` leaves it after a rejection or a queued command.
  do {
    // ---- Lookup ----
    const CommandSpec* spec = server_.commands.Find(args[0]);
    if (spec != nullptr && !spec->subcommands.empty() && args.size() >= 2) {
      const CommandSpec* sub = CommandTable::FindSubcommand(*spec, args[1]);
      if (sub == nullptr) {
        client.last_command = "NULL";
        char upper[kMaxNameLen];
        size_t n = std::min(args[0].size(), kMaxNameLen);
        for (size_t i = 0; i < n; ++i) upper[i] = ToUpper(args[0][i]);
        Reject(server_, client, nullptr,
               resp::err::UnknownSubcommand(args[1], std::string_view(upper, n)), reply);
        break;
      }
      spec = sub;
    }
    if (spec == nullptr) {
      client.last_command = "NULL";
      Reject(server_, client, nullptr,
             resp::err::UnknownCommand(args[0], args.data() + 1, args.size() - 1), reply);
      break;
    }
    client.last_command = spec->name;

    // ---- Checks, in Redis 7.0's order ----
    if (!ArityOk(spec->arity, args.size())) {
      Reject(server_, client, spec, resp::err::WrongNumArgs(spec->name), reply);
      break;
    }
    if (!client.authenticated && !server_.config.requirepass.empty() &&
        !(spec->flags & kNoAuth)) {
      Reject(server_, client, spec, resp::err::kNoAuth, reply);
      break;
    }
    if (client.in_multi && (spec->flags & kNoMulti)) {
      Reject(server_, client, spec, resp::err::kNotAllowedInMulti, reply);
      break;
    }
    // Cluster mode: every key of the command (of the whole transaction, for EXEC) in one
    // slot, as Redis Cluster's getNodeByQuery; one predictable branch when it is off.
    if (server_.config.cluster_enabled) [[unlikely]] {
      const bool exec = client.in_multi && spec->name == "exec";
      if (exec ? !cluster::QueuedKeysInOneSlot(client)
               : !cluster::KeysInOneSlot(*spec, args)) {
        RejectCrossSlot(server_, client, *spec, exec, reply);
        break;
      }
    }
    if (server_.engine.OverMemoryLimit()) {
      const uint64_t evict_start_ticks = ReadTicks();
      bool within_limit = server_.engine.EvictToLimit(now_ms);
      const uint64_t evict_end_ticks = ReadTicks();
      if (evict_end_ticks > evict_start_ticks) {
        const auto evict_ms =
            static_cast<int64_t>(TicksToUs(evict_end_ticks - evict_start_ticks) / 1000);
        server_.latency.Record("eviction-cycle", evict_ms, now_ms + evict_ms);
      }
      bool deny = (spec->flags & kDenyOom) != 0;
      if (client.in_multi && !ExemptFromMultiOom(spec->name)) deny = true;
      if (client.in_multi && spec->name == "exec") {
        for (const auto& q : client.queued) deny = deny || (q.spec->flags & kDenyOom);
      }
      if (!within_limit && deny) {
        Reject(server_, client, spec, resp::err::kOom, reply);
        break;
      }
    }
    if (WritesDeniedByDiskError(server_) && (IsWriteCall(*spec, client) || spec->name == "ping")) {
      Reject(server_, client, spec, resp::err::kMisconf, reply);
      break;
    }
    if (client.protocol == 2 && client.in_pubsub_mode() && !AllowedInSubscribedMode(spec->name)) {
      Reject(server_, client, spec, SubscribedModeError(spec->name), reply);
      break;
    }
    if (MonitorMayNotRun(*spec, client)) {
      Reject(server_, client, spec, kMonitorKeyspaceErr, reply);
      break;
    }

    // ---- MULTI: queue instead of running ----
    if (client.in_multi && !RunsInsideMulti(spec->name)) {
      QueuedCommand& q = client.queued.emplace_back();
      q.spec = spec;
      q.args.reserve(args.size());
      for (auto a : args) q.args.emplace_back(a);
      reply.Simple("QUEUED");
      break;
    }

    CallCommand(server_, client, *spec, args, reply, now_ms);
  } while (false);

  // ---- CLIENT REPLY OFF / SKIP: the reply bytes are dropped, the stats above stand ----
  out = reply.buffer();
  switch (client.reply_mode) {
    case ReplyMode::kOn:
      break;
    case ReplyMode::kOff:
      out->resize(reply_start);
      break;
    case ReplyMode::kSkipThis:
      out->resize(reply_start);
      client.reply_mode = ReplyMode::kOn;
      break;
    case ReplyMode::kSkipNext:  // set by this command: the next one is skipped
      client.reply_mode = ReplyMode::kSkipThis;
      break;
  }
}

}  // namespace lrukv::cmd
