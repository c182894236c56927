// The Pub/Sub family: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE,
// SUNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB CHANNELS/NUMSUB/NUMPAT/SHARDCHANNELS/SHARDNUMSUB.
// The registry and message delivery live in pubsub.h; the RESP2 subscribed-mode restriction
// is the Dispatcher's (command_table.cc), and PING's subscribed-mode reply is PING's.
#include <string>
#include <string_view>

#include "resp/errors.h"
#include "src/commands/command_table.h"
#include "src/commands/pubsub.h"
#include "src/commands/server_context.h"
#include "src/commands/server_family.h"

namespace lrukv::cmd {

namespace {

// One confirmation, as Redis sends it for each channel: a push in RESP3, an array in RESP2.
// `name` is null for "unsubscribe from all" when there was nothing to leave.
void ReplySubscription(CommandContext& ctx, std::string_view kind, const std::string_view* name,
                       size_t count) {
  ctx.reply.PushHeader(3);
  ctx.reply.Bulk(kind);
  ctx.reply.BulkOrNull(name);
  ctx.reply.Integer(static_cast<int64_t>(count));
}

size_t CountFor(const ClientState& client, ChannelKind kind) {
  return kind == ChannelKind::kShard ? client.subscribed_shard_channels.size()
                                     : client.subscription_count();
}

// SUBSCRIBE channel [channel ...] / SSUBSCRIBE shardchannel [shardchannel ...]
void SubscribeGeneric(CommandContext& ctx, ChannelKind kind, std::string_view reply_kind) {
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    ctx.server.pubsub.Subscribe(ctx.client, ctx.args[i], kind);
    ReplySubscription(ctx, reply_kind, &ctx.args[i], CountFor(ctx.client, kind));
  }
}

// UNSUBSCRIBE [channel ...] / SUNSUBSCRIBE [shardchannel ...]: no channel means all of them.
void UnsubscribeGeneric(CommandContext& ctx, ChannelKind kind, std::string_view reply_kind) {
  PubSub& pubsub = ctx.server.pubsub;
  if (ctx.args.size() > 1) {
    for (size_t i = 1; i < ctx.args.size(); ++i) {
      pubsub.Unsubscribe(ctx.client, ctx.args[i], kind);
      ReplySubscription(ctx, reply_kind, &ctx.args[i], CountFor(ctx.client, kind));
    }
    return;
  }
  const auto& mine = kind == ChannelKind::kShard ? ctx.client.subscribed_shard_channels
                                                 : ctx.client.subscribed_channels;
  if (mine.empty()) {
    ReplySubscription(ctx, reply_kind, nullptr, CountFor(ctx.client, kind));
    return;
  }
  // Copied: each Unsubscribe erases from the set being walked.
  std::vector<std::string> names(mine.begin(), mine.end());
  for (const std::string& name : names) {
    pubsub.Unsubscribe(ctx.client, name, kind);
    const std::string_view view = name;
    ReplySubscription(ctx, reply_kind, &view, CountFor(ctx.client, kind));
  }
}

void CmdSubscribe(CommandContext& ctx) { SubscribeGeneric(ctx, ChannelKind::kGlobal, "subscribe"); }
void CmdSSubscribe(CommandContext& ctx) {
  SubscribeGeneric(ctx, ChannelKind::kShard, "ssubscribe");
}
void CmdUnsubscribe(CommandContext& ctx) {
  UnsubscribeGeneric(ctx, ChannelKind::kGlobal, "unsubscribe");
}
void CmdSUnsubscribe(CommandContext& ctx) {
  UnsubscribeGeneric(ctx, ChannelKind::kShard, "sunsubscribe");
}

// PSUBSCRIBE pattern [pattern ...]
void CmdPSubscribe(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    ctx.server.pubsub.PSubscribe(ctx.client, ctx.args[i]);
    ReplySubscription(ctx, "psubscribe", &ctx.args[i], ctx.client.subscription_count());
  }
}

// PUNSUBSCRIBE [pattern ...]: no pattern means all of them, in subscription order.
void CmdPUnsubscribe(CommandContext& ctx) {
  PubSub& pubsub = ctx.server.pubsub;
  if (ctx.args.size() > 1) {
    for (size_t i = 1; i < ctx.args.size(); ++i) {
      pubsub.PUnsubscribe(ctx.client, ctx.args[i]);
      ReplySubscription(ctx, "punsubscribe", &ctx.args[i], ctx.client.subscription_count());
    }
    return;
  }
  if (ctx.client.subscribed_patterns.empty()) {
    ReplySubscription(ctx, "punsubscribe", nullptr, ctx.client.subscription_count());
    return;
  }
  std::vector<std::string> patterns = ctx.client.subscribed_patterns;
  for (const std::string& pattern : patterns) {
    pubsub.PUnsubscribe(ctx.client, pattern);
    const std::string_view view = pattern;
    ReplySubscription(ctx, "punsubscribe", &view, ctx.client.subscription_count());
  }
}

// PUBLISH channel message: the number of clients that received it (patterns included).
void CmdPublish(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.pubsub.Publish(ctx.args[1], ctx.args[2])));
}

// SPUBLISH shardchannel message
void CmdSPublish(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(
      ctx.server.pubsub.Publish(ctx.args[1], ctx.args[2], ChannelKind::kShard)));
}

// ---- PUBSUB ----

// PUBSUB CHANNELS [pattern] / PUBSUB SHARDCHANNELS [pattern]
void ChannelsGeneric(CommandContext& ctx, ChannelKind kind) {
  if (ctx.args.size() > 3) {
    ctx.reply.Error(resp::err::SubcommandSyntax(ctx.args[1], "PUBSUB"));
    return;
  }
  const std::string_view* pattern = ctx.args.size() == 3 ? &ctx.args[2] : nullptr;
  std::vector<std::string_view> names = ctx.server.pubsub.Channels(pattern, kind);
  ctx.reply.ArrayHeader(names.size());
  for (std::string_view name : names) ctx.reply.Bulk(name);
}

// PUBSUB NUMSUB [channel ...] / PUBSUB SHARDNUMSUB [shardchannel ...]
void NumSubGeneric(CommandContext& ctx, ChannelKind kind) {
  ctx.reply.ArrayHeader((ctx.args.size() - 2) * 2);  // flat pairs in RESP3 too, as Redis
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    ctx.reply.Bulk(ctx.args[i]);
    ctx.reply.Integer(static_cast<int64_t>(ctx.server.pubsub.SubscriberCount(ctx.args[i], kind)));
  }
}

void CmdPubSubChannels(CommandContext& ctx) { ChannelsGeneric(ctx, ChannelKind::kGlobal); }
void CmdPubSubShardChannels(CommandContext& ctx) { ChannelsGeneric(ctx, ChannelKind::kShard); }
void CmdPubSubNumSub(CommandContext& ctx) { NumSubGeneric(ctx, ChannelKind::kGlobal); }
void CmdPubSubShardNumSub(CommandContext& ctx) { NumSubGeneric(ctx, ChannelKind::kShard); }

// PUBSUB NUMPAT: patterns with at least one subscriber.
void CmdPubSubNumPat(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.pubsub.pattern_count()));
}

// PUBSUB HELP
void CmdPubSubHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "PUBSUB",
            {"CHANNELS [<pattern>]",
             "    Return the currently active channels matching a <pattern> (default: '*').",
             "NUMPAT", "    Return number of subscriptions to patterns.", "NUMSUB [<channel> ...]",
             "    Return the number of subscribers for the specified channels, excluding",
             "    pattern subscriptions(default: no channels).", "SHARDCHANNELS [<pattern>]",
             "    Return the currently active shard level channels matching a <pattern> "
             "(default: '*').",
             "SHARDNUMSUB [<shardchannel> ...]",
             "    Return the number of subscribers for the specified shard level channel(s)"});
}

}  // namespace

void RegisterPubSubCommands(CommandTable& table) {
  constexpr uint32_t kSub = kPubSub | kNoScript | kLoading | kStale;
  constexpr uint32_t kPub = kPubSub | kLoading | kStale | kFast | kMayReplicate;
  constexpr uint32_t kInfo = kPubSub | kLoading | kStale;
  constexpr std::string_view kSlow = "@pubsub @slow";

  table.Register(CommandRow("subscribe", -2, kSub, CmdSubscribe, kSlow));
  table.Register(CommandRow("unsubscribe", -1, kSub, CmdUnsubscribe, kSlow));
  table.Register(CommandRow("psubscribe", -2, kSub, CmdPSubscribe, kSlow));
  table.Register(CommandRow("punsubscribe", -1, kSub, CmdPUnsubscribe, kSlow));
  table.Register(CommandRow("ssubscribe", -2, kSub, CmdSSubscribe, kSlow, 1, -1, 1));
  table.Register(CommandRow("sunsubscribe", -1, kSub, CmdSUnsubscribe, kSlow, 1, -1, 1));
  table.Register(CommandRow("publish", 3, kPub, CmdPublish, "@pubsub @fast"));
  table.Register(CommandRow("spublish", 3, kPub, CmdSPublish, "@pubsub @fast", 1, 1, 1));

  CommandSpec pubsub = CommandRow("pubsub", -2, 0, CmdContainer, "@slow");
  pubsub.subcommands.push_back(CommandRow("pubsub|channels", -2, kInfo, CmdPubSubChannels, kSlow));
  pubsub.subcommands.push_back(CommandRow("pubsub|numsub", -2, kInfo, CmdPubSubNumSub, kSlow));
  pubsub.subcommands.push_back(CommandRow("pubsub|numpat", 2, kInfo, CmdPubSubNumPat, kSlow));
  pubsub.subcommands.push_back(
      CommandRow("pubsub|shardchannels", -2, kInfo, CmdPubSubShardChannels, kSlow));
  pubsub.subcommands.push_back(
      CommandRow("pubsub|shardnumsub", -2, kInfo, CmdPubSubShardNumSub, kSlow));
  pubsub.subcommands.push_back(
      CommandRow("pubsub|help", 2, kLoading | kStale, CmdPubSubHelp, "@slow"));
  table.Register(std::move(pubsub));
}

}  // namespace lrukv::cmd
