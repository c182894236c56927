// SlowLog: the SLOWLOG command's memory, as Redis's slowlog.c. It watches every executed
// command (a CommandObserver) and keeps those that ran for at least `slowlog-log-slower-than`
// microseconds, newest first, at most `slowlog-max-len` of them. The SLOWLOG command itself
// lives in slowlog_commands.cc.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/commands/config.h"
#include "src/commands/hooks.h"
#include "src/commands/redaction.h"
#include "src/engine/clock.h"

namespace lrukv::cmd {

// One logged call, as SLOWLOG GET prints it.
struct SlowLogEntry {
  uint64_t id = 0;           // 0 for the first entry since start; RESET does not rewind it
  int64_t time_s = 0;        // unix time the call started
  uint64_t duration_us = 0;  // time spent in the handler
  std::vector<std::string> args;  // truncated and redacted (SlowLogArgs)
  std::string client_addr;        // "ip:port"
  std::string client_name;        // "" when none
};

// Most arguments kept per entry, as Redis's SLOWLOG_ENTRY_MAX_ARGC: a longer call keeps 31
// and replaces the 32nd with "... (N more arguments)".
inline constexpr size_t kSlowLogMaxArgs = 32;
// Most bytes kept per argument, as Redis's SLOWLOG_ENTRY_MAX_STRING: a longer one is cut and
// gets "... (N more bytes)" appended.
inline constexpr size_t kSlowLogMaxArgBytes = 128;
// What a secret argument is replaced with, as Redis's shared.redacted.

// The argument list an entry stores for `args`: redacted, then truncated as above.
//   32 args of "x" -> 32 kept;  40 args -> 31 kept + "... (9 more arguments)";
//   a 200-byte argument -> its first 128 bytes + "... (72 more bytes)".
std::vector<std::string> SlowLogArgs(std::string_view command,
                                     std::span<const std::string_view> args);

class SlowLog final : public CommandObserver {
 public:
  // Reads the two directives from `config` at each call, so CONFIG SET applies at once.
  // Entries are stamped with `clock`'s unix time (ToWallMs), so a step of the wall clock shows
  // as in Redis; without a clock, the event's now_ms is taken as unix time.
  explicit SlowLog(const Config& config, const engine::Clock* clock = nullptr)
      : config_(config), clock_(clock) {}

  // Logs the call if slowlog-log-slower-than is >= 0 and the call took at least that long,
  // then drops the oldest entries beyond slowlog-max-len (as Redis, only when one is added).
  // Commands flagged skip_slowlog are never logged. Fast calls cost two comparisons.
  void OnCommand(const CommandEvent& event) override;

  // Newest first.
  const std::deque<SlowLogEntry>& entries() const { return entries_; }
  // SLOWLOG RESET: drops every entry; ids keep counting.
  void Reset() { entries_.clear(); }

 private:
  const Config& config_;
  const engine::Clock* clock_;
  std::deque<SlowLogEntry> entries_;
  uint64_t next_id_ = 0;
};

}  // namespace lrukv::cmd
