// CLUSTER, READONLY, READWRITE and ASKING for lrukv's emulated one-node Redis Cluster
// (cluster-enabled yes): the node owns all 16384 slots, has no peers and no replicas, so the
// topology it reports is fixed and the subcommands that would change it are refused. With
// cluster mode off every one answers Redis's "cluster support disabled" error.
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "resp/errors.h"
#include "src/commands/arg_parse.h"
#include "src/commands/cluster_node.h"
#include "src/commands/cluster_slots.h"
#include "src/commands/number_format.h"
#include "src/commands/command_table.h"
#include "src/commands/server_context.h"
#include "src/commands/server_family.h"

namespace lrukv::cmd {

namespace {

namespace err = resp::err;
using cluster::EndpointFor;
using cluster::kSlotCount;

constexpr int kLastSlot = kSlotCount - 1;

// Answers the disabled error and returns false when cluster mode is off.
bool ClusterEnabledOrReply(CommandContext& ctx) {
  if (ctx.server.config.cluster_enabled) [[likely]] return true;
  ctx.reply.Error(err::kClusterDisabled);
  return false;
}

const std::string& MyId(const CommandContext& ctx) { return ctx.server.cluster_node.id; }

// CLUSTER INFO: Redis 7.0's fields, for a healthy cluster of one master owning every slot.
void CmdClusterInfo(CommandContext& ctx) {
  if (!ClusterEnabledOrReply(ctx)) return;
  const std::string info = fmt::format(
      "cluster_state:ok\r\n"
      "cluster_slots_assigned:{0}\r\n"
      "cluster_slots_ok:{0}\r\n"
      "cluster_slots_pfail:0\r\n"
      "cluster_slots_fail:0\r\n"
      "cluster_known_nodes:1\r\n"
      "cluster_size:1\r\n"
      "cluster_current_epoch:0\r\n"
      "cluster_my_epoch:0\r\n"
      "cluster_stats_messages_sent:0\r\n"
      "cluster_stats_messages_received:0\r\n"
      "total_cluster_links_buffer_limit_exceeded:0\r\n",
      kSlotCount);
  ctx.reply.Verbatim("txt", info);
}

// CLUSTER NODES: one "myself,master" line: id ip:port@bus[,hostname] flags master ping pong
// epoch link slots.
void CmdClusterNodes(CommandContext& ctx) {
  if (!ClusterEnabledOrReply(ctx)) return;
  const cluster::Endpoint e = EndpointFor(ctx.server.config, ctx.client);
  // A hostname follows the bus port after a comma, as Redis 7.0 prints it.
  const std::string hostname = e.hostname.empty() ? "" : fmt::format(",{}", e.hostname);
  ctx.reply.Verbatim("txt", fmt::format("{} {}:{}@{}{} myself,master - 0 0 0 connected 0-{}\n",
                                        MyId(ctx), e.ip, e.port, e.bus_port, hostname,
                                        kLastSlot));
}

// CLUSTER SLOTS: [[0, 16383, [endpoint, port, id, {ip?, hostname?}]]]
void CmdClusterSlots(CommandContext& ctx) {
  if (!ClusterEnabledOrReply(ctx)) return;
  const cluster::Endpoint e = EndpointFor(ctx.server.config, ctx.client);
  ctx.reply.ArrayHeader(1);
  ctx.reply.ArrayHeader(3);
  ctx.reply.Integer(0);
  ctx.reply.Integer(kLastSlot);
  ctx.reply.ArrayHeader(4);
  if (e.preferred == cluster::EndpointType::kUnknown) {
    ctx.reply.Null();
  } else {
    ctx.reply.Bulk(cluster::PreferredEndpoint(e));
  }
  ctx.reply.Integer(e.port);
  ctx.reply.Bulk(MyId(ctx));
  // The networking metadata: what the endpoint above is not (Redis's addNodeToNodeReply).
  const bool ip_aside = e.preferred != cluster::EndpointType::kIp;
  const bool hostname_aside =
      e.preferred != cluster::EndpointType::kHostname && !e.hostname.empty();
  ctx.reply.MapHeader(ip_aside + hostname_aside);
  if (ip_aside) {
    ctx.reply.Bulk("ip");
    ctx.reply.Bulk(e.ip);
  }
  if (hostname_aside) {
    ctx.reply.Bulk("hostname");
    ctx.reply.Bulk(e.hostname);
  }
}

// CLUSTER SHARDS: [{slots: [0, 16383], nodes: [{id, port, tls-port, ip, endpoint, hostname,
// role, replication-offset, health}]}]
void CmdClusterShards(CommandContext& ctx) {
  if (!ClusterEnabledOrReply(ctx)) return;
  const cluster::Endpoint e = EndpointFor(ctx.server.config, ctx.client);
  ctx.reply.ArrayHeader(1);
  ctx.reply.MapHeader(2);
  ctx.reply.Bulk("slots");
  ctx.reply.ArrayHeader(2);
  ctx.reply.Integer(0);
  ctx.reply.Integer(kLastSlot);
  ctx.reply.Bulk("nodes");
  ctx.reply.ArrayHeader(1);
  ctx.reply.MapHeader(6 + (e.tcp_port != 0) + (e.tls_port != 0) + !e.hostname.empty());
  ctx.reply.Bulk("id");
  ctx.reply.Bulk(MyId(ctx));
  if (e.tcp_port != 0) {
    ctx.reply.Bulk("port");
    ctx.reply.Integer(e.tcp_port);
  }
  if (e.tls_port != 0) {
    ctx.reply.Bulk("tls-port");
    ctx.reply.Integer(e.tls_port);
  }
  ctx.reply.Bulk("ip");
  ctx.reply.Bulk(e.ip);
  ctx.reply.Bulk("endpoint");
  ctx.reply.Bulk(cluster::PreferredEndpoint(e));
  if (!e.hostname.empty()) {
    ctx.reply.Bulk("hostname");
    ctx.reply.Bulk(e.hostname);
  }
  ctx.reply.Bulk("role");
  ctx.reply.Bulk("master");
  ctx.reply.Bulk("replication-offset");
  ctx.reply.Integer(0);
  ctx.reply.Bulk("health");
  ctx.reply.Bulk("online");
}

// CLUSTER MYID
void CmdClusterMyId(CommandContext& ctx) {
  if (!ClusterEnabledOrReply(ctx)) return;
  ctx.reply.Bulk(MyId(ctx));
}

// CLUSTER KEYSLOT key
void CmdClusterKeySlot(CommandContext& ctx) {
  if (!ClusterEnabledOrReply(ctx)) return;
  ctx.reply.Integer(cluster::KeySlot(ctx.args[2]));
}

// CLUSTER COUNTKEYSINSLOT slot. lrukv keeps no per-slot index, so this walks database 0
// (O(keys)); fine for a development node, and the price of a zero-cost hot path.
void CmdClusterCountKeysInSlot(CommandContext& ctx) {
  if (!ClusterEnabledOrReply(ctx)) return;
  int64_t slot = 0;
  if (!ParseInt64(ctx.args[2], &slot)) {
    ctx.reply.Error(err::kNotInteger);
    return;
  }
  if (slot < 0 || slot > kLastSlot) {
    ctx.reply.Error(err::kInvalidSlot);
    return;
  }
  int64_t count = 0;
  ctx.server.engine.ForEach(0, ctx.now_ms, [&](const engine::EntryView& e) {
    if (cluster::KeySlot(e.key) == slot) ++count;
  });
  ctx.reply.Integer(count);
}

// CLUSTER GETKEYSINSLOT slot count: a walk of database 0 as COUNTKEYSINSLOT.
void CmdClusterGetKeysInSlot(CommandContext& ctx) {
  if (!ClusterEnabledOrReply(ctx)) return;
  int64_t slot = 0;
  int64_t max_keys = 0;
  if (!ParseInt64(ctx.args[2], &slot) || !ParseInt64(ctx.args[3], &max_keys)) {
    ctx.reply.Error(err::kNotInteger);
    return;
  }
  if (slot < 0 || slot > kLastSlot || max_keys < 0) {
    ctx.reply.Error(err::kInvalidSlotOrCount);
    return;
  }
  std::vector<std::string> keys;
  ctx.server.engine.ForEach(0, ctx.now_ms, [&](const engine::EntryView& e) {
    if (static_cast<int64_t>(keys.size()) < max_keys && cluster::KeySlot(e.key) == slot) {
      keys.emplace_back(e.key);
    }
  });
  ctx.reply.ArrayHeader(keys.size());
  for (const std::string& k : keys) ctx.reply.Bulk(k);
}

// CLUSTER LINKS: no peers, so no links.
void CmdClusterLinks(CommandContext& ctx) {
  if (!ClusterEnabledOrReply(ctx)) return;
  ctx.reply.ArrayHeader(0);
}

// CLUSTER REPLICAS|SLAVES node-id: this master has none; any other id is unknown.
void CmdClusterReplicas(CommandContext& ctx) {
  if (!ClusterEnabledOrReply(ctx)) return;
  if (ctx.args[2] != MyId(ctx)) {
    ctx.reply.Error(fmt::format("ERR Unknown node {}", ctx.args[2]));
    return;
  }
  ctx.reply.ArrayHeader(0);
}

// CLUSTER COUNT-FAILURE-REPORTS node-id
void CmdClusterCountFailureReports(CommandContext& ctx) {
  if (!ClusterEnabledOrReply(ctx)) return;
  if (ctx.args[2] != MyId(ctx)) {
    ctx.reply.Error(fmt::format("ERR Unknown node {}", ctx.args[2]));
    return;
  }
  ctx.reply.Integer(0);
}

// CLUSTER SAVECONFIG: the nodes file was written at start and never changes.
void CmdClusterSaveConfig(CommandContext& ctx) {
  if (!ClusterEnabledOrReply(ctx)) return;
  ctx.reply.Ok();
}

// MEET, ADDSLOTS, SETSLOT, FAILOVER, RESET...: the emulated node's topology is fixed (one
// master owning every slot), so what would change it is refused, by name.
void CmdClusterTopologyChange(CommandContext& ctx) {
  if (!ClusterEnabledOrReply(ctx)) return;
  std::string sub(ctx.args[1]);
  for (char& c : sub) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  ctx.reply.Error(fmt::format(
      "ERR CLUSTER {} is not supported: lrukv emulates a one-node cluster that owns all "
      "16384 slots",
      sub));
}

// CLUSTER HELP: Redis 7.0's text.
void CmdClusterHelp(CommandContext& ctx) {
  if (!ClusterEnabledOrReply(ctx)) return;
  ReplyHelp(
      ctx, "CLUSTER",
      {"ADDSLOTS <slot> [<slot> ...]", "    Assign slots to current node.",
       "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
       "    Assign slots which are between <start-slot> and <end-slot> to current node.",
       "BUMPEPOCH", "    Advance the cluster config epoch.",
       "COUNT-FAILURE-REPORTS <node-id>", "    Return number of failure reports for <node-id>.",
       "COUNTKEYSINSLOT <slot>", "    Return the number of keys in <slot>.",
       "DELSLOTS <slot> [<slot> ...]", "    Delete slots information from current node.",
       "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
       "    Delete slots information which are between <start-slot> and <end-slot> from "
       "current node.",
       "FAILOVER [FORCE|TAKEOVER]", "    Promote current replica node to being a master.",
       "FORGET <node-id>", "    Remove a node from the cluster.",
       "GETKEYSINSLOT <slot> <count>", "    Return key names stored by current node in a slot.",
       "FLUSHSLOTS", "    Delete current node own slots information.", "INFO",
       "    Return information about the cluster.", "KEYSLOT <key>",
       "    Return the hash slot for <key>.", "MEET <ip> <port> [<bus-port>]",
       "    Connect nodes into a working cluster.", "MYID", "    Return the node id.", "NODES",
       "    Return cluster configuration seen by node. Output format:",
       "    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
       "REPLICATE <node-id>", "    Configure current node as replica to <node-id>.",
       "RESET [HARD|SOFT]", "    Reset current node (default: soft).",
       "SET-CONFIG-EPOCH <epoch>", "    Set config epoch of current node.",
       "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)",
       "    Set slot state.", "REPLICAS <node-id>", "    Return <node-id> replicas.",
       "SAVECONFIG", "    Force saving cluster configuration on disk.", "SLOTS",
       "    Return information about slots range mappings. Each range is made of:",
       "    start, end, master and replicas IP addresses, ports and ids", "SHARDS",
       "    Return information about slot range mappings and the nodes associated with them.",
       "LINKS",
       "    Return information about all network links between this node and its peers.",
       "    Output format is an array where each array element is a map containing attributes "
       "of a link"});
}

// READONLY / READWRITE / ASKING: accepted; one node serves every slot, reads and writes.
void CmdClusterClientFlag(CommandContext& ctx) {
  if (!ClusterEnabledOrReply(ctx)) return;
  ctx.reply.Ok();
}

}  // namespace

void RegisterClusterCommands(CommandTable& table) {
  constexpr uint32_t kAdminStale = kAdmin | kStale;
  constexpr std::string_view kSlow = "@slow";
  constexpr std::string_view kAdminAcl = "@admin @slow @dangerous";
  CommandSpec cluster = CommandRow("cluster", -2, 0, CmdContainer, kSlow);
  auto sub = [&](std::string_view name, int arity, uint32_t flags, Handler handler,
                 std::string_view acl) {
    cluster.subcommands.push_back(CommandRow(name, arity, flags, handler, acl));
  };
  sub("cluster|info", 2, kStale, CmdClusterInfo, kSlow);
  sub("cluster|nodes", 2, kStale, CmdClusterNodes, kSlow);
  sub("cluster|slots", 2, kStale, CmdClusterSlots, kSlow);
  sub("cluster|shards", 2, kStale, CmdClusterShards, kSlow);
  sub("cluster|myid", 2, kStale, CmdClusterMyId, kSlow);
  sub("cluster|keyslot", 3, kStale, CmdClusterKeySlot, kSlow);
  sub("cluster|countkeysinslot", 3, kStale, CmdClusterCountKeysInSlot, kSlow);
  sub("cluster|getkeysinslot", 4, kStale, CmdClusterGetKeysInSlot, kSlow);
  sub("cluster|links", 2, kStale, CmdClusterLinks, kSlow);
  sub("cluster|help", 2, kLoading | kStale, CmdClusterHelp, kSlow);
  sub("cluster|replicas", 3, kAdminStale, CmdClusterReplicas, kAdminAcl);
  sub("cluster|slaves", 3, kAdminStale, CmdClusterReplicas, kAdminAcl);
  sub("cluster|count-failure-reports", 3, kAdminStale, CmdClusterCountFailureReports,
      kAdminAcl);
  sub("cluster|saveconfig", 2, kAdminStale, CmdClusterSaveConfig, kAdminAcl);
  // Topology changes (arity as Redis's).
  for (auto [name, arity] : {std::pair<std::string_view, int>{"cluster|meet", -4},
                             {"cluster|addslots", -3},
                             {"cluster|addslotsrange", -4},
                             {"cluster|delslots", -3},
                             {"cluster|delslotsrange", -4},
                             {"cluster|flushslots", 2},
                             {"cluster|forget", 3},
                             {"cluster|replicate", 3},
                             {"cluster|reset", -2},
                             {"cluster|failover", -2},
                             {"cluster|setslot", -4},
                             {"cluster|set-config-epoch", 3},
                             {"cluster|bumpepoch", 2}}) {
    uint32_t flags = kAdminStale;
    if (name == "cluster|reset") flags |= kNoScript;
    sub(name, arity, flags, CmdClusterTopologyChange, kAdminAcl);
  }
  table.Register(std::move(cluster));

  constexpr std::string_view kFastConn = "@fast @connection";
  table.Register(
      CommandRow("readonly", 1, kLoading | kStale | kFast, CmdClusterClientFlag, kFastConn));
  table.Register(
      CommandRow("readwrite", 1, kLoading | kStale | kFast, CmdClusterClientFlag, kFastConn));
  table.Register(CommandRow("asking", 1, kFast, CmdClusterClientFlag, kFastConn));
}

}  // namespace lrukv::cmd
