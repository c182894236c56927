// MonitorFeed: the MONITOR command's fan-out, as Redis 7.0's replicationFeedMonitors. It is a
// CommandObserver (hooks.h) that keeps the monitoring clients and, only while there is one,
// formats each executed command once as a status line and pushes it to every monitor:
//   +1700000000.123456 [0 127.0.0.1:5555] "set" "k" "v"\r\n
// The MONITOR command itself lives in monitor_commands.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/commands/hooks.h"

namespace lrukv::cmd {

struct ServerContext;
struct CommandSpec;
struct ClientState;

// Redis 7.0 refuses keyspace commands from a monitor (it is flagged as a replica).
inline constexpr std::string_view kMonitorKeyspaceErr =
    "ERR Replica can't interact with the keyspace";
// MONITOR run by EXEC: a transaction expects one reply per command.
inline constexpr std::string_view kMonitorInMultiErr =
    "ERR MONITOR isn't allowed for DENY BLOCKING client";

// Appends `bytes` quoted as Redis's sdscatrepr: in double quotes; '\\' and '"' get a backslash;
// \n \r \t \a \b are written so; other bytes outside 0x20..0x7e as \xNN (lower-case hex).
//   a"b -> "a\"b";  0x00 0xff -> "\x00\xff";  0x0b -> "\x0b"
void AppendQuoted(std::string& out, std::string_view bytes);

// True when `client` is a monitor and `spec` reads, writes or may replicate (EXEC: when a
// queued command does), which Redis 7.0 refuses with kMonitorKeyspaceErr before running it.
bool MonitorMayNotRun(const CommandSpec& spec, const ClientState& client);

class MonitorFeed final : public CommandObserver {
 public:
  // Adds `client` as a monitor (it must stay alive until Detach). Returns false if it already
  // was one. `server` gives the Push seam and the unix socket path for "unix:" addresses.
  bool Attach(ServerContext& server, ClientState& client);
  // Removes `client` if it is a monitor (RESET, connection closed); no-op otherwise.
  void Detach(ClientState& client);
  bool empty() const { return monitors_.empty(); }
  size_t size() const { return monitors_.size(); }

  // Leaves out admin and skip_monitor commands and QUIT; otherwise one line, pushed to every monitor
  // (the issuing client too, if it monitors). Costs one comparison with no monitor attached.
  void OnCommand(const CommandEvent& event) override;

  // Lines formatted since start: stays 0 while nobody monitors (tests check it).
  uint64_t lines_formatted() const { return lines_formatted_; }
  // Unix time in microseconds for the line's timestamp; tests replace it.
  std::function<int64_t()> now_us;

 private:
  ServerContext* server_ = nullptr;
  std::vector<ClientState*> monitors_;  // in MONITOR order
  uint64_t lines_formatted_ = 0;
};

}  // namespace lrukv::cmd
