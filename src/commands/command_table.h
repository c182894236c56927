// The command table: one CommandSpec row per command, registered by each family file
// (RegisterStringCommands, ...), and the Dispatcher that runs a parsed request through it.
// Everything around a handler happens here, once: lookup, arity, auth, MULTI queueing,
// eviction before DENYOOM commands, the per-command now_ms snapshot, stats and reply modes.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "resp/reply_writer.h"
#include "src/commands/client_state.h"
#include "src/commands/command_meta.h"
#include "src/commands/config.h"

namespace lrukv::cmd {

struct ServerContext;
struct CommandStat;

// Command flags, as Redis names them in COMMAND INFO.
enum CommandFlag : uint32_t {
  kWrite = 1u << 0,        // "write": may modify the keyspace
  kReadOnly = 1u << 1,     // "readonly"
  kDenyOom = 1u << 2,      // "denyoom": may grow memory; refused with -OOM when over the limit
  kAdmin = 1u << 3,        // "admin"
  kPubSub = 1u << 4,       // "pubsub"
  kNoScript = 1u << 5,     // "noscript"
  kBlocking = 1u << 6,     // "blocking"
  kLoading = 1u << 7,      // "loading": allowed while loading a dump
  kStale = 1u << 8,        // "stale"
  kSkipMonitor = 1u << 9,  // "skip_monitor"
  kSkipSlowlog = 1u << 10, // "skip_slowlog"
  kFast = 1u << 11,        // "fast"
  kNoAuth = 1u << 12,      // "no_auth": allowed before AUTH
  kMayReplicate = 1u << 13,  // "may_replicate"
  kNoMulti = 1u << 14,     // "no_multi": refused inside MULTI
  kAllowBusy = 1u << 15,   // "allow_busy"
  kSentinel = 1u << 16,    // "sentinel"
  kNoMandatoryKeys = 1u << 17,  // "no_mandatory_keys"
};

struct CommandContext;
using Handler = void (*)(CommandContext& ctx);

struct CommandSpec {
  std::string_view name;   // lower case, as COMMAND prints it
  int arity = 0;           // N: exactly N arguments (name included); -N: at least N
  uint32_t flags = 0;      // CommandFlag bits
  int first_key = 0;       // argument index of the first key; 0 = no keys
  int last_key = 0;        // index of the last key; -1 = the last argument, -2 the one before...
  int key_step = 0;        // distance between keys (MSET: 2)
  Handler handler = nullptr;
  std::string_view acl_categories;  // as COMMAND INFO prints them: "@write @string @slow"
  std::string_view group;           // COMMAND DOCS group: "string", "generic", "server", ...
  std::string_view summary;         // COMMAND DOCS summary
  std::string_view since;           // COMMAND DOCS since, "1.0.0"
  std::vector<CommandSpec> subcommands = {};  // CONFIG GET, CLIENT LIST, ... ("config|get")
  // Redis's key specs for this command (its CommandMeta row), filled by CommandTable::Register;
  // empty for rows without one, whose keys first_key/last_key/key_step describe.
  std::span<const meta::KeySpec> key_specs = {};
  // The command's INFO commandstats row, found once per ServerCounters::command_stats_epoch
  // rather than by a map lookup on every call (CallCommand's business only).
  mutable CommandStat* stat_row = nullptr;
  mutable uint64_t stat_row_epoch = 0;
};

// One registration-table row: a CommandSpec with these fields and no subcommands. Arguments
// come in CommandSpec's field order, so a family's table reads as one call per command.
CommandSpec MakeCommandSpec(std::string_view name, int arity, uint32_t flags, int first_key,
                            int last_key, int key_step, Handler handler,
                            std::string_view acl_categories, std::string_view group,
                            std::string_view summary, std::string_view since);

// A registration row with Redis's documentation fields (group, summary, since) taken from the
// CommandMeta of `name` (command_meta.h), when there is one.
CommandSpec CommandRow(std::string_view name, int arity, uint32_t flags, Handler handler,
                       std::string_view acl_categories, int first_key = 0, int last_key = 0,
                       int key_step = 0);

// What a handler gets: its arguments, its client, the shared server state and a reply writer.
struct CommandContext {
  ServerContext& server;
  ClientState& client;
  resp::ReplyWriter& reply;
  std::span<const std::string_view> args;  // args[0] is the command name as sent
  int64_t now_ms;                           // one time snapshot per command, as Redis
  const CommandSpec& spec;
};

class CommandTable {
 public:
  // Adds `spec` (replacing a row of the same name). Subcommand names are stored in their full
  // form "client|list": a subcommand registered as "list" is renamed to "<parent>|list".
  // Rows never move once registered, so CommandSpec pointers stay valid for the table's life.
  void Register(CommandSpec spec);
  // Case-insensitive; nullptr when unknown. Allocates nothing: an open-addressing index over
  // a case-folding hash, so the name is compared in place instead of lower-cased first.
  const CommandSpec* Find(std::string_view name) const;
  // The subcommand of `parent` named `sub` (case-insensitive, "list" finds "client|list");
  // nullptr when unknown.
  static const CommandSpec* FindSubcommand(const CommandSpec& parent, std::string_view sub);
  const std::vector<const CommandSpec*>& all() const { return ordered_; }
  // rename-command: the row answering to `from` (case-insensitive) answers to `to` from now on,
  // or to nothing when `to` is empty; it keeps its own name for COMMAND, commandstats, CLIENT
  // LIST and error texts, as Redis keeps a renamed command's fullname. Fails with Redis's
  // reason when `from` is unknown or `to` is taken (the `from` row is then gone, as in Redis,
  // which treats both as fatal). Run before any client does: pointers to the row stay valid,
  // but `from` no longer finds it.
  bool Rename(std::string_view from, std::string_view to, std::string* reason);

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static uint64_t FoldedNameHash(std::string_view name);
  void RebuildIndex();

  // key: the lower-case name the row answers to (its own name unless renamed)
  using Rows = std::unordered_map<std::string, CommandSpec, NameHash, std::equal_to<>>;
  Rows by_name_;
  std::vector<const CommandSpec*> ordered_;
  // linear probing over by_name_'s rows, a power of two >= 4x the rows
  std::vector<const Rows::value_type*> index_;
  std::vector<Rows::node_type> disabled_;  // rows renamed to "", kept so pointers stay valid
  std::deque<std::string> owned_names_;  // backing text of renamed subcommands (stable)
};

// Applies the config's rename-command lines to `table` in order. On failure *error holds Redis's
// FATAL CONFIG FILE ERROR block for the line at fault ("No such command in rename-command",
// "Target command name already exists").
bool ApplyCommandRenames(const std::vector<Config::CommandRename>& renames, CommandTable& table,
                         std::string* error);

// Family registration, one function per family file; RegisterAllCommands calls them all.
void RegisterStringCommands(CommandTable& table);
void RegisterKeyspaceCommands(CommandTable& table);
void RegisterConnectionCommands(CommandTable& table);
void RegisterTransactionCommands(CommandTable& table);
void RegisterServerCommands(CommandTable& table);
void RegisterPersistenceCommands(CommandTable& table);
void RegisterPubSubCommands(CommandTable& table);
void RegisterSlowlogCommands(CommandTable& table);
void RegisterMonitorCommands(CommandTable& table);
void RegisterLatencyCommands(CommandTable& table);
void RegisterAclCommands(CommandTable& table);
void RegisterClusterCommands(CommandTable& table);
void RegisterAllCommands(CommandTable& table);

// The one place around every handler. Execute does, in Redis's order: lookup (subcommands by
// args[1]), arity, NOAUTH, no_multi, -OOM after trying eviction, MULTI queueing; then the call
// with its now_ms snapshot, stats (calls, usec, failed/rejected calls, error stats) and the
// CLIENT REPLY OFF/SKIP mode. Rejections inside MULTI flag the transaction (EXECABORT).
class Dispatcher {
 public:
  // Hooks the server's WATCH registry to the engine (via server.keyspace_observers) and the
  // slowlog to server.command_observers.
  explicit Dispatcher(ServerContext& server);
  // Runs one request (args[0] = command name) for `client`, writing its reply to `reply`.
  void Execute(ClientState& client, std::span<const std::string_view> args,
               resp::ReplyWriter& reply);
  // Call when a connection closes: drops its WATCHes, MULTI queue and Pub/Sub subscriptions
  // (the registry would otherwise keep a dangling pointer). Destroying a watching ClientState
  // also unwatches, through its WatchGuard.
  void ForgetClient(ClientState& client);

 private:
  ServerContext& server_;
};

// Runs `spec`'s handler once for `client` with all bookkeeping of an executed call:
// total_commands_processed, command_stats calls/usec/failed_calls and error stats (an error is a
// reply starting with '-'), then tells server.command_observers (hooks.h). Used by the
// Dispatcher and by EXEC for each queued command.
void CallCommand(ServerContext& server, ClientState& client, const CommandSpec& spec,
                 std::span<const std::string_view> args, resp::ReplyWriter& reply,
                 int64_t now_ms);
// Counts an error reply in error_stats/total_error_replies: `reply_text` starts after the '-'.
void CountErrorReply(ServerContext& server, std::string_view reply_text);

}  // namespace lrukv::cmd
