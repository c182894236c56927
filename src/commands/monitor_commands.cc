// The MONITOR command, as Redis 7.0's monitorCommand; the lines themselves come from
// MonitorFeed (monitor.h). RESET (connection_commands.cc) and closing the connection end it.
#include "src/commands/command_table.h"
#include "src/commands/monitor.h"
#include "src/commands/server_context.h"

namespace lrukv::cmd {

namespace {

// MONITOR: +OK, then a line per command run by anyone. A second MONITOR on the same
// connection is ignored without a reply, as Redis; run by EXEC it is an error.
void CmdMonitor(CommandContext& ctx) {
  if (ctx.client.in_multi) {
    ctx.reply.Error(kMonitorInMultiErr);
    return;
  }
  if (ctx.server.monitors.Attach(ctx.server, ctx.client)) ctx.reply.Ok();
}

}  // namespace

void RegisterMonitorCommands(CommandTable& table) {
  table.Register({.name = "monitor", .arity = 1,
                  .flags = kAdmin | kNoScript | kLoading | kStale, .handler = CmdMonitor,
                  .acl_categories = "@admin @slow @dangerous", .group = "server",
                  .summary = "Listen for all requests received by the server in real time",
                  .since = "1.0.0"});
}

}  // namespace lrukv::cmd
