// MonitorFeed (monitor.h): quoting, redaction and the fan-out of MONITOR lines.
#include "src/commands/monitor.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "src/commands/arg_parse.h"
#include "src/commands/command_table.h"
#include "src/commands/redaction.h"
#include "src/commands/server_context.h"

namespace lrukv::cmd {

namespace {

int64_t WallClockUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
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
  const std::vector<bool> redacted = RedactedArgs(event.spec.name, event.args);
  for (size_t i = 0; i < event.args.size(); ++i) {
    if (i > 0) line.push_back(' ');
    AppendQuoted(line, redacted[i] ? kRedacted : event.args[i]);
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
