// SLOWLOG GET / LEN / RESET / HELP over ServerContext::slowlog (slowlog.h), with Redis 7.0's
// replies and error texts. What gets logged is SlowLog's business.
#include <string>
#include <utility>

#include "resp/errors.h"
#include "src/commands/number_format.h"
#include "src/commands/server_family.h"
#include "src/commands/slowlog.h"

namespace lrukv::cmd {

namespace {

// Entries SLOWLOG GET prints without a count, as Redis.
constexpr int64_t kDefaultGetCount = 10;

// SLOWLOG GET [count]
// Newest first: [id, unix time s, duration us, [args...], "ip:port", client name] each.
// count -1 prints them all; anything else below -1, or not an integer, is refused.
void CmdSlowlogGet(CommandContext& ctx) {
  if (ctx.args.size() > 3) {  // arity -2 lets extra arguments through, as Redis's table does
    ctx.reply.Error(resp::err::SubcommandSyntax(ctx.args[1], "SLOWLOG"));
    return;
  }
  const auto& entries = ctx.server.slowlog.entries();
  int64_t count = kDefaultGetCount;
  if (ctx.args.size() == 3) {
    if (!ParseInt64(ctx.args[2], &count) || count < -1) {
      ctx.reply.Error("ERR count should be greater than or equal to -1");
      return;
    }
    if (count == -1) count = static_cast<int64_t>(entries.size());
  }
  const size_t shown = std::min(entries.size(), static_cast<size_t>(count));
  ctx.reply.ArrayHeader(shown);
  for (size_t i = 0; i < shown; ++i) {
    const SlowLogEntry& e = entries[i];
    ctx.reply.ArrayHeader(6);
    ctx.reply.Integer(static_cast<int64_t>(e.id));
    ctx.reply.Integer(e.time_s);
    ctx.reply.Integer(static_cast<int64_t>(e.duration_us));
    ctx.reply.ArrayHeader(e.args.size());
    for (const std::string& arg : e.args) ctx.reply.Bulk(arg);
    ctx.reply.Bulk(e.client_addr);
    ctx.reply.Bulk(e.client_name);
  }
}

// SLOWLOG LEN
void CmdSlowlogLen(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.slowlog.entries().size()));
}

// SLOWLOG RESET
void CmdSlowlogReset(CommandContext& ctx) {
  ctx.server.slowlog.Reset();
  ctx.reply.Ok();
}

// SLOWLOG HELP
void CmdSlowlogHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "SLOWLOG",
            {"GET [<count>]",
             "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
             "    Entries are made of:",
             "    id, timestamp, time in microseconds, arguments array, client IP and port,",
             "    client name", "LEN", "    Return the length of the slowlog.", "RESET",
             "    Reset the slowlog."});
}

}  // namespace

void RegisterSlowlogCommands(CommandTable& table) {
  // Redis 7.0.15's COMMAND INFO rows.
  constexpr uint32_t kAdminLs = kAdmin | kLoading | kStale;
  constexpr std::string_view kAdminAcl = "@admin @slow @dangerous";
  CommandSpec slowlog = CommandRow("slowlog", -2, 0, CmdContainer, "@slow");
  slowlog.subcommands.push_back(
      CommandRow("slowlog|help", 2, kLoading | kStale, CmdSlowlogHelp, "@slow"));
  slowlog.subcommands.push_back(CommandRow("slowlog|get", -2, kAdminLs, CmdSlowlogGet, kAdminAcl));
  slowlog.subcommands.push_back(
      CommandRow("slowlog|reset", 2, kAdminLs, CmdSlowlogReset, kAdminAcl));
  slowlog.subcommands.push_back(CommandRow("slowlog|len", 2, kAdminLs, CmdSlowlogLen, kAdminAcl));
  table.Register(std::move(slowlog));
}

}  // namespace lrukv::cmd
