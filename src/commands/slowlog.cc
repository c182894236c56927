// SlowLog: which calls are logged, and how an entry's arguments are redacted and truncated
// (Redis's slowlogPushEntryIfNeeded / slowlogCreateEntry, and the redactClientCommandArgument
// calls of AUTH, HELLO, CONFIG SET and ACL SETUSER).
#include "src/commands/slowlog.h"

#include <fmt/format.h>

#include "src/commands/arg_parse.h"
#include "src/commands/client_state.h"
#include "src/commands/command_table.h"
#include "src/commands/number_format.h"

namespace lrukv::cmd {

namespace {

// CONFIG SET directives Redis 7.0 flags SENSITIVE_CONFIG: their values never reach a log.
bool IsSensitiveDirective(std::string_view name) {
  return EqualsIgnoreCase(name, "requirepass") || EqualsIgnoreCase(name, "masterauth") ||
         EqualsIgnoreCase(name, "masteruser");
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]: Redis redacts AUTH's two
// arguments as its option loop reaches them, so nothing is redacted when the protocol version
// is refused, nor past the first bad option.
void RedactHello(std::span<const std::string_view> args, std::vector<bool>& redacted) {
  if (args.size() < 2) return;
  int64_t version = 0;
  if (!ParseInt64(args[1], &version) || version < 2 || version > 3) return;
  for (size_t j = 2; j < args.size(); ++j) {
    const size_t more_args = args.size() - 1 - j;
    if (EqualsIgnoreCase(args[j], "auth") && more_args >= 2) {
      redacted[j + 1] = redacted[j + 2] = true;
      j += 2;
    } else if (EqualsIgnoreCase(args[j], "setname") && more_args >= 1) {
      ++j;
    } else {
      return;
    }
  }
}

}  // namespace

std::vector<bool> RedactedArgs(std::string_view command, std::span<const std::string_view> args) {
  std::vector<bool> redacted(args.size(), false);
  if (command == "auth") {
    // AUTH with more than 2 arguments is a syntax error, refused before redacting.
    if (args.size() <= 3) {
      for (size_t j = 1; j < args.size(); ++j) redacted[j] = true;
    }
  } else if (command == "hello") {
    RedactHello(args, redacted);
  } else if (command == "config|set") {
    // An odd count (a name without its value) is a syntax error, refused before redacting;
    // otherwise every sensitive pair is redacted even when another pair fails.
    if (args.size() % 2 == 0) {
      for (size_t j = 2; j + 1 < args.size(); j += 2) {
        if (IsSensitiveDirective(args[j])) redacted[j + 1] = true;
      }
    }
  } else if (command == "acl|setuser") {
    for (size_t j = 2; j < args.size(); ++j) redacted[j] = true;
  }
  return redacted;
}

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
  entry.time_s = event.now_ms / 1000;
  entry.duration_us = event.duration_us;
  entry.args = SlowLogArgs(event.spec.name, event.args);
  entry.client_addr = event.client.conn.addr;
  entry.client_name = event.client.name;
  entries_.push_front(std::move(entry));
  while (entries_.size() > config_.slowlog_max_len) entries_.pop_back();
}

}  // namespace lrukv::cmd
