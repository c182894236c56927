// CommandObserver: what MONITOR, SLOWLOG and the like see of each executed command. The
// Dispatcher calls every observer in ServerContext::command_observers after each call it runs
// (commands run by EXEC one by one, EXEC itself too); nothing is built while the list is empty.
// Commands refused before running (unknown, arity, NOAUTH, OOM) and queued ones are not seen.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace lrukv::cmd {

struct ClientState;
struct CommandSpec;

struct CommandEvent {
  const ClientState& client;                // after the call (its db may have changed)
  const CommandSpec& spec;                  // the subcommand's row for "client list"
  std::span<const std::string_view> args;   // as sent, args[0] = command name
  int db;                                   // the client's db when the call started
  int64_t now_ms;                           // the call's time snapshot
  uint64_t duration_us;                     // time spent in the handler
};

class CommandObserver {
 public:
  virtual ~CommandObserver() = default;
  virtual void OnCommand(const CommandEvent& event) = 0;
};

}  // namespace lrukv::cmd
