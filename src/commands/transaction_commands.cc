// The transactions family: MULTI, EXEC, DISCARD, WATCH, UNWATCH, as Redis 7.0's multi.c.
// Queueing itself (+QUEUED, EXECABORT flagging of refused commands) happens in the Dispatcher;
// the WATCH bookkeeping lives in WatchRegistry, fed by the engine's observer calls.
#include <string_view>
#include <vector>

#include "resp/errors.h"
#include "src/commands/command_table.h"
#include "src/commands/server_context.h"
#include "src/commands/transactions.h"

namespace lrukv::cmd {

void DiscardTransaction(ServerContext& server, ClientState& client) {
  client.queued.clear();
  client.in_multi = false;
  client.multi_error = false;
  client.watch_dirty = false;
  if (!client.watched.empty()) server.watches.UnwatchAll(client);
}

namespace {

constexpr uint32_t kLookupQuiet = engine::kLookupNoTouch | engine::kLookupNoStats;

// MULTI
void CmdMulti(CommandContext& ctx) {
  if (ctx.client.in_multi) {
    ctx.reply.Error(resp::err::kMultiNested);
    return;
  }
  ctx.client.in_multi = true;
  ctx.reply.Ok();
}

// EXEC: runs the queued commands and replies one array of their replies; EXECABORT if one
// failed to queue; a nil array if a watched key changed (or expired) since WATCH.
void CmdExec(CommandContext& ctx) {
  ClientState& client = ctx.client;
  ServerContext& server = ctx.server;
  if (!client.in_multi) {
    ctx.reply.Error(resp::err::kExecWithoutMulti);
    return;
  }
  // A watched key that expired since WATCH fails EXEC (Redis 7.0). Looking it up reclaims it,
  // which reports it expired and marks this client dirty.
  if (!client.watch_dirty) {
    for (const auto& [db, key] : client.watched) server.engine.Lookup(db, key, ctx.now_ms, kLookupQuiet);
  }
  if (client.multi_error) {
    ctx.reply.Error(resp::err::kExecAbort);
    DiscardTransaction(server, client);
    return;
  }
  if (client.watch_dirty) {
    ctx.reply.NullArray();
    DiscardTransaction(server, client);
    return;
  }
  server.watches.UnwatchAll(client);  // as Redis: no point watching while we run

  // The queue stays on the client while it runs (CLIENT LIST shows multi=<n>); no queued
  // command can touch it: MULTI, EXEC, DISCARD, WATCH and RESET are never queued.
  const size_t n = client.queued.size();
  ctx.reply.ArrayHeader(n);
  std::vector<std::string_view> argv;
  for (size_t i = 0; i < n; ++i) {
    const QueuedCommand& q = client.queued[i];
    argv.assign(q.args.begin(), q.args.end());
    CallCommand(server, client, *q.spec, argv, ctx.reply, server.engine.clock().NowMs());
  }
  DiscardTransaction(server, client);
}

// DISCARD
void CmdDiscard(CommandContext& ctx) {
  if (!ctx.client.in_multi) {
    ctx.reply.Error(resp::err::kDiscardWithoutMulti);
    return;
  }
  DiscardTransaction(ctx.server, ctx.client);
  ctx.reply.Ok();
}

// WATCH key [key ...]
void CmdWatch(CommandContext& ctx) {
  ClientState& client = ctx.client;
  if (client.in_multi) {
    ctx.reply.Error(resp::err::kWatchInsideMulti);
    return;
  }
  if (client.watch_dirty) {  // EXEC will fail anyway: no point watching more
    ctx.reply.Ok();
    return;
  }
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    // The lookup also reclaims a key already expired, so its expiry does not count later.
    bool exists = ctx.server.engine.Lookup(client.db, ctx.args[i], ctx.now_ms, kLookupQuiet)
                      .has_value();
    ctx.server.watches.Watch(client, client.db, ctx.args[i], exists);
  }
  ctx.reply.Ok();
}

// UNWATCH
void CmdUnwatch(CommandContext& ctx) {
  ctx.server.watches.UnwatchAll(ctx.client);
  ctx.client.watch_dirty = false;
  ctx.reply.Ok();
}

}  // namespace

void RegisterTransactionCommands(CommandTable& table) {
  constexpr uint32_t kBase = kNoScript | kLoading | kStale;
  table.Register({.name = "multi", .arity = 1, .flags = kBase | kFast | kAllowBusy,
                  .handler = CmdMulti, .acl_categories = "@fast @transaction",
                  .group = "transactions", .summary = "Mark the start of a transaction block",
                  .since = "1.2.0"});
  table.Register({.name = "exec", .arity = 1, .flags = kBase | kSkipSlowlog, .handler = CmdExec,
                  .acl_categories = "@slow @transaction", .group = "transactions",
                  .summary = "Execute all commands issued after MULTI", .since = "1.2.0"});
  table.Register({.name = "discard", .arity = 1, .flags = kBase | kFast | kAllowBusy,
                  .handler = CmdDiscard, .acl_categories = "@fast @transaction",
                  .group = "transactions", .summary = "Discard all commands issued after MULTI",
                  .since = "2.0.0"});
  table.Register({.name = "watch", .arity = -2, .flags = kBase | kFast | kAllowBusy,
                  .first_key = 1, .last_key = -1, .key_step = 1, .handler = CmdWatch,
                  .acl_categories = "@fast @transaction", .group = "transactions",
                  .summary = "Watch the given keys to determine execution of the MULTI/EXEC block",
                  .since = "2.2.0"});
  table.Register({.name = "unwatch", .arity = 1, .flags = kBase | kFast | kAllowBusy,
                  .handler = CmdUnwatch, .acl_categories = "@fast @transaction",
                  .group = "transactions", .summary = "Forget about all watched keys",
                  .since = "2.2.0"});
}

}  // namespace lrukv::cmd
