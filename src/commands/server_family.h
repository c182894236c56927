// The server family's internal seams: the handlers that live in their own files (INFO in
// info_command.cc, COMMAND in command_docs.cc) and the helpers they share. Only the server
// family's .cc files include this; everyone else knows the family by RegisterServerCommands.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "src/commands/command_table.h"
#include "src/commands/server_context.h"

namespace lrukv::cmd {

// ---- INFO (info_command.cc) ----

// INFO [section ...]
void CmdInfo(CommandContext& ctx);

// INFO's sections as bits, in the order Redis prints them.
enum InfoSection : uint32_t {
  kInfoServer = 1u << 0,
  kInfoClients = 1u << 1,
  kInfoMemory = 1u << 2,
  kInfoPersistence = 1u << 3,
  kInfoStats = 1u << 4,
  kInfoReplication = 1u << 5,
  kInfoCpu = 1u << 6,
  kInfoModules = 1u << 7,
  kInfoCommandStats = 1u << 8,
  kInfoErrorStats = 1u << 9,
  kInfoLatencyStats = 1u << 10,
  kInfoCluster = 1u << 11,
  kInfoKeyspace = 1u << 12,
};
// What INFO with no argument (or "default") prints.
inline constexpr uint32_t kInfoDefault =
    kInfoServer | kInfoClients | kInfoMemory | kInfoPersistence | kInfoStats | kInfoReplication |
    kInfoCpu | kInfoModules | kInfoErrorStats | kInfoCluster | kInfoKeyspace;
inline constexpr uint32_t kInfoAll = kInfoDefault | kInfoCommandStats | kInfoLatencyStats;

// The INFO text for `sections` ("# Server\r\n...", sections separated by an empty line), as
// seen at now_ms. Never fails.
std::string BuildInfo(ServerContext& server, uint32_t sections, int64_t now_ms);

// Redis's bytesToHuman: "943.09K", "6.39M", "0B".
std::string BytesToHuman(uint64_t bytes);
// The process's resident set size in bytes (from /proc/self/statm); 0 if unknown.
uint64_t ProcessRssBytes();
// Raises server.counters.used_memory_peak to engine.used_memory() if higher; returns the peak.
uint64_t UpdateUsedMemoryPeak(ServerContext& server);

// ---- COMMAND (command_docs.cc) ----

// COMMAND with no subcommand: every command's COMMAND INFO entry.
void CmdCommand(CommandContext& ctx);
void CmdCommandCount(CommandContext& ctx);
void CmdCommandInfo(CommandContext& ctx);
void CmdCommandDocs(CommandContext& ctx);
void CmdCommandList(CommandContext& ctx);
void CmdCommandGetKeys(CommandContext& ctx);
void CmdCommandGetKeysAndFlags(CommandContext& ctx);
void CmdCommandHelp(CommandContext& ctx);
// Whether `spec` is in ACL category `category` ("string", any case), counting the categories
// its flags imply, as COMMAND INFO prints them and ACL CAT lists them.
bool CommandHasAclCategory(const CommandSpec& spec, std::string_view category);
// Redis 7.0's 21 ACL categories, in ACL CAT's order.
std::span<const std::string_view> AclCategoryNames();

// ---- Shared ----

// Unix time in microseconds for TIME and INFO's server_time_usec: the real clock's
// microseconds when the engine runs on SystemClock, else now_ms * 1000 (tests' FakeClock).
int64_t WallClockUs(const ServerContext& server, int64_t now_ms);

// Replies Redis's HELP form: "+<NAME> <subcommand> [<arg> [value] [opt] ...]. Subcommands
// are:" then each line of `lines`, then "HELP" / "    Prints this help.". NAME is the command
// as called, upper-cased (a renamed CONFIG answers "MYCONFIG <subcommand>..."); `name` is the
// command's own name, for the reader and for a call without arguments.
void ReplyHelp(CommandContext& ctx, std::string_view name,
               std::initializer_list<std::string_view> lines);

// The handler of a container command (CONFIG, PUBSUB, SLOWLOG, LATENCY...) reached without a
// known subcommand (the Dispatcher normally answers that itself): Redis's unknown-subcommand
// error naming the container in upper case.
void CmdContainer(CommandContext& ctx);

}  // namespace lrukv::cmd
