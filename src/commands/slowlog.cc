// SlowLog: which calls are logged, and how an entry's arguments are truncated (Redis's
// slowlogPushEntryIfNeeded / slowlogCreateEntry); redaction.h says which are redacted.
#include "src/commands/slowlog.h"

#include <fmt/format.h>

#include "src/commands/client_state.h"
#include "src/commands/command_table.h"

namespace lrukv::cmd {

std::vector<std::string> SlowLogArgs(std::string_view command,
                                     std::span<const std::string_view> args) {
  const std::vector<bool> redacted = RedactedArgs(command, args);
  const size_t kept = std::min(args.size(), kSlowLogMaxArgs);
  std::vector<std::string> out;
  out.reserve(kept);
  for (size_t j = 0; j < kept; ++j) {
    if (kept != args.size() && j == kept - 1) {
      out.push_back(fmt::format("... ({} more arguments)", args.size() - kept + 1));
    } else if (redacted[j]) {
      out.emplace_back(kRedacted);
    } else if (args[j].size() > kSlowLogMaxArgBytes) {
      std::string cut(args[j].substr(0, kSlowLogMaxArgBytes));
      cut += fmt::format("... ({} more bytes)", args[j].size() - kSlowLogMaxArgBytes);
      out.push_back(std::move(cut));
    } else {
      out.emplace_back(args[j]);
    }
  }
  return out;
}

void SlowLog::OnCommand(const CommandEvent& event) {
  const int64_t threshold_us = config_.slowlog_log_slower_than_us;
  if (threshold_us < 0 || event.duration_us < static_cast<uint64_t>(threshold_us)) return;
  if (event.spec.flags & kSkipSlowlog) return;

  SlowLogEntry entry;
  entry.id = next_id_++;
  entry.time_s = (clock_ != nullptr ? clock_->ToWallMs(event.now_ms) : event.now_ms) / 1000;
  entry.duration_us = event.duration_us;
  entry.args = SlowLogArgs(event.spec.name, event.args);
  entry.client_addr = event.client.conn.addr;
  entry.client_name = event.client.name;
  entries_.push_front(std::move(entry));
  while (entries_.size() > config_.slowlog_max_len) entries_.pop_back();
}

}  // namespace lrukv::cmd
