// MonitorFeed (monitor.h): quoting, redaction and the fan-out of MONITOR lines.
#include "src/commands/monitor.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include <fmt/format.h>

#include "src/commands/arg_parse.h"
#include "src/commands/command_table.h"
#include "src/commands/server_context.h"

namespace lrukv::cmd {

namespace {

// What a secret argument is shown as, as Redis's shared.redacted.
constexpr std::string_view kRedactedArg = "(redacted)";

int64_t WallClockUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// HELLO's protocol version as its handler reads it: an integer (Redis's string2ll) in 2..3.
bool HelloVersionOk(std::string_view text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return false;
  if (text.size() > 1 && text[0] == '0') return false;  // string2ll refuses leading zeros
  return v >= 2 && v <= 3;
}

}  // namespace

void AppendQuoted(std::string& out, std::string_view bytes) {
  out.push_back('"');
  for (char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    switch (b) {
      case '\\': out.append("\\\\"); break;
      case '"': out.append("\\\""); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\a': out.append("\\a"); break;
      case '\b': out.append("\\b"); break;
      default:
        if (b >= 0x20 && b <= 0x7e) {
          out.push_back(ch);
        } else {
          constexpr char kHex[] = "0123456789abcdef";
          out.append("\\x");
          out.push_back(kHex[b >> 4]);
          out.push_back(kHex[b & 0xf]);
        }
    }
  }
  out.push_back('"');
}

std::vector<bool> MonitorRedactedArgs(std::span<const std::string_view> args) {
  std::vector<bool> redacted(args.size(), false);
  if (args.empty()) return redacted;
  if (EqualsIgnoreCase(args[0], "auth")) {
    if (args.size() <= 3) {
      for (size_t i = 1; i < args.size(); ++i) redacted[i] = true;
    }
    return redacted;
  }
  if (EqualsIgnoreCase(args[0], "hello")) {
    if (args.size() < 2 || !HelloVersionOk(args[1])) return redacted;
    // Options in order; the handler stops at the first it cannot parse.
    for (size_t j = 2; j < args.size(); ++j) {
      const size_t more = args.size() - 1 - j;
      if (EqualsIgnoreCase(args[j], "auth") && more >= 2) {
        redacted[j + 1] = redacted[j + 2] = true;
        j += 2;
      } else if (EqualsIgnoreCase(args[j], "setname") && more >= 1) {
        j += 1;
      } else {
        break;
      }
    }
  }
  return redacted;
}

bool MonitorMayNotRun(const CommandSpec& spec, const ClientState& client) {
  if (!client.monitor) return false;
  constexpr uint32_t kKeyspace = kReadOnly | kWrite | kMayReplicate;
  if (spec.flags & kKeyspace) return true;
  if (client.in_multi && spec.name == "exec") {
    for (const auto& q : client.queued) {
      if (q.spec->flags & kKeyspace) return true;
    }
  }
  return false;
}

bool MonitorFeed::Attach(ServerContext& server, ClientState& client) {
  if (std::find(monitors_.begin(), monitors_.end(), &client) != monitors_.end()) return false;
  server_ = &server;
  monitors_.push_back(&client);
  client.monitor = true;
  return true;
}

void MonitorFeed::Detach(ClientState& client) {
  auto it = std::find(monitors_.begin(), monitors_.end(), &client);
  if (it == monitors_.end()) return;
  monitors_.erase(it);
  client.monitor = false;
}

void MonitorFeed::OnCommand(const CommandEvent& event) {
  if (monitors_.empty()) return;
  if (event.spec.flags & (kAdmin | kSkipMonitor)) return;
  // Redis 7.0 answers QUIT before its call() runs, so no monitor ever sees it.
  if (event.spec.name == "quit") return;
  ++lines_formatted_;

  const int64_t us = now_us ? now_us() : WallClockUs();
  const ClientState& c = event.client;
  std::string line;
  // The db is the client's after the call, as Redis (SELECT 1 shows [1 ...]).
  if (c.conn.unix_socket) {
    line = fmt::format("+{}.{:06} [{} unix:{}] ", us / 1'000'000, us % 1'000'000, c.db,
                       server_->config.unixsocket);
  } else {
    line = fmt::format("+{}.{:06} [{} {}] ", us / 1'000'000, us % 1'000'000, c.db, c.conn.addr);
  }
  const std::vector<bool> redacted = MonitorRedactedArgs(event.args);
  for (size_t i = 0; i < event.args.size(); ++i) {
    if (i > 0) line.push_back(' ');
    AppendQuoted(line, redacted[i] ? kRedactedArg : event.args[i]);
  }
  line.append("\r\n");
  // By index: a push may close a monitor over its output limit, which detaches it. A monitor
  // on its way out (QUIT, CLIENT KILL) gets nothing more, as Redis drops replies to it.
  for (size_t i = 0; i < monitors_.size(); ++i) {
    ClientState& m = *monitors_[i];
    if (!m.close_after_reply && !m.killed) server_->control.Push(m, line);
  }
}

}  // namespace lrukv::cmd
