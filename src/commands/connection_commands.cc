// The connection family, as Redis 7.0 (plus CLIENT SETINFO and NO-TOUCH from 7.2): PING, ECHO,
// QUIT, RESET, HELLO, AUTH, SELECT and the CLIENT container. Closing a socket is left to the
// server (close_after_reply, ServerControl::KillClient); only the default user exists.
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "resp/errors.h"
#include "src/commands/arg_parse.h"
#include "src/commands/command_table.h"
#include "src/commands/number_format.h"
#include "src/commands/server_context.h"
#include "src/commands/transactions.h"
#include "src/commands/version.h"

namespace lrukv::cmd {

namespace {

// Client names and SETINFO values: printable ASCII without spaces ('!'..'~'), as Redis.
bool ValidClientAttr(std::string_view s) {
  for (char c : s) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

// Compares without an early exit, so the time taken does not reveal the matching prefix.
bool TimeIndependentEquals(std::string_view a, std::string_view b) {
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0u;
    unsigned y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0u;
    diff |= x ^ y;
  }
  return diff == 0;
}

// Only the "default" user exists: without requirepass it takes any password (Redis's nopass),
// with it only that one. On success the client is authenticated; a failure changes nothing
// but goes to the ACL log, with the client as CLIENT LIST shows it now.
bool Authenticate(CommandContext& ctx, std::string_view user, std::string_view pass) {
  const std::string& required = ctx.server.config.requirepass;
  if (user == "default" && (required.empty() || TimeIndependentEquals(pass, required))) {
    ctx.client.authenticated = true;
    return true;
  }
  size_t argv_mem = 0;
  for (std::string_view a : ctx.args) argv_mem += a.size();
  std::string client_info;
  AppendClientInfo(client_info, ctx.client, ctx.now_ms, argv_mem);
  ctx.server.acl_log.AddAuthFailure(ctx.args[0], user, ctx.client.in_multi, ctx.now_ms,
                                    std::move(client_info), ctx.server.config.acllog_max_len);
  return false;
}

// ---- Simple connection commands ----

// PING [message]
void CmdPing(CommandContext& ctx) {
  if (ctx.args.size() > 2) {
    ctx.reply.Error(resp::err::WrongNumArgs(ctx.spec.name));
  } else if (ctx.client.protocol == 2 && ctx.client.in_pubsub_mode()) {
    // A RESP2 subscriber cannot tell a reply from a message, so PING answers in the
    // messages' shape: ["pong", argument or ""].
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk("pong");
    ctx.reply.Bulk(ctx.args.size() == 2 ? ctx.args[1] : std::string_view());
  } else if (ctx.args.size() == 2) {
    ctx.reply.Bulk(ctx.args[1]);
  } else {
    ctx.reply.Simple("PONG");
  }
}

// ECHO message
void CmdEcho(CommandContext& ctx) { ctx.reply.Bulk(ctx.args[1]); }

// QUIT: +OK, then the server closes the connection.
void CmdQuit(CommandContext& ctx) {
  ctx.reply.Ok();
  ctx.client.close_after_reply = true;
}

// RESET: back to a fresh connection's state (no MULTI/WATCH, db 0, RESP2, no name, replies
// on, NO-TOUCH off, no subscriptions, unauthenticated if requirepass is set). NO-EVICT stays,
// as in Redis 7.0.
void CmdReset(CommandContext& ctx) {
  ClientState& client = ctx.client;
  DiscardTransaction(ctx.server, client);
  client.db = 0;
  client.protocol = 2;
  ctx.reply.set_protocol(2);
  client.name.clear();
  client.reply_mode = ReplyMode::kOn;
  client.no_touch = false;
  client.authenticated = ctx.server.config.requirepass.empty();
  ctx.server.monitors.Detach(client);
  ctx.server.pubsub.ForgetClient(client);
  ctx.reply.Simple("RESET");
}

// SELECT index
void CmdSelect(CommandContext& ctx) {
  int64_t index = 0;
  if (!ParseInt64(ctx.args[1], &index)) {
    ctx.reply.Error(resp::err::kNotInteger);
    return;
  }
  if (index < std::numeric_limits<int32_t>::min() || index > std::numeric_limits<int32_t>::max()) {
    ctx.reply.Error(resp::err::kIntOutOfRange);
    return;
  }
  if (ctx.server.config.cluster_enabled && index != 0) {  // a cluster node has only db 0
    ctx.reply.Error(resp::err::kSelectInCluster);
    return;
  }
  if (index < 0 || index >= ctx.server.engine.databases()) {
    ctx.reply.Error(resp::err::kDbIndexOutOfRange);
    return;
  }
  ctx.client.db = static_cast<int>(index);
  ctx.reply.Ok();
}

// AUTH [username] password
void CmdAuth(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    ctx.reply.Error(resp::err::kSyntax);
    return;
  }
  std::string_view user = "default";
  std::string_view pass = ctx.args[1];
  if (ctx.args.size() == 2) {
    if (ctx.server.config.requirepass.empty()) {
      ctx.reply.Error(resp::err::kAuthWithoutPassword);
      return;
    }
  } else {
    user = ctx.args[1];
    pass = ctx.args[2];
  }
  if (!Authenticate(ctx, user, pass)) {
    ctx.reply.Error(resp::err::kWrongPass);
    return;
  }
  ctx.reply.Ok();
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
void CmdHello(CommandContext& ctx) {
  ClientState& client = ctx.client;
  int64_t version = 0;
  size_t next = 1;
  if (ctx.args.size() >= 2) {
    if (!ParseInt64(ctx.args[1], &version)) {
      ctx.reply.Error(resp::err::kProtoVersionNotInteger);
      return;
    }
    if (version < 2 || version > 3) {
      ctx.reply.Error(resp::err::kNoProto);
      return;
    }
    next = 2;
  }
  // Each option takes effect as it is parsed, as in Redis 7.0: an AUTH or SETNAME before a
  // failing option stays done ("HELLO 3 SETNAME a AUTH default pw BAD" names and logs in the
  // client, then answers the syntax error), and SETNAME works even before AUTH.
  for (size_t j = next; j < ctx.args.size(); ++j) {
    size_t more = ctx.args.size() - 1 - j;
    if (EqualsIgnoreCase(ctx.args[j], "auth") && more >= 2) {
      if (!Authenticate(ctx, ctx.args[j + 1], ctx.args[j + 2])) {
        ctx.reply.Error(resp::err::kWrongPass);
        return;
      }
      j += 2;
    } else if (EqualsIgnoreCase(ctx.args[j], "setname") && more >= 1) {
      if (!ValidClientAttr(ctx.args[j + 1])) {
        ctx.reply.Error(resp::err::kClientNameChars);
        return;
      }
      client.name.assign(ctx.args[j + 1]);
      ++j;
    } else {
      ctx.reply.Error(resp::err::HelloSyntax(ctx.args[j]));
      return;
    }
  }
  // Redis asks the client's own flag here, not whether a password is set now: a client that
  // connected while requirepass was set stays unauthenticated for HELLO after it is cleared.
  if (!client.authenticated) {
    ctx.reply.Error(resp::err::kHelloNoAuth);
    return;
  }
  if (version != 0) {
    client.protocol = static_cast<int>(version);
    ctx.reply.set_protocol(client.protocol);
  }
  ctx.reply.MapHeader(7);
  ctx.reply.Bulk("server");
  ctx.reply.Bulk("redis");
  ctx.reply.Bulk("version");
  ctx.reply.Bulk(kRedisVersion);
  ctx.reply.Bulk("proto");
  ctx.reply.Integer(client.protocol);
  ctx.reply.Bulk("id");
  ctx.reply.Integer(static_cast<int64_t>(client.id));
  ctx.reply.Bulk("mode");
  ctx.reply.Bulk(ctx.server.config.cluster_enabled ? "cluster" : "standalone");
  ctx.reply.Bulk("role");
  ctx.reply.Bulk("master");
  ctx.reply.Bulk("modules");
  ctx.reply.ArrayHeader(0);
}

// ---- CLIENT ----

// Redis's client types; lrukv has no replicas or masters, so a client is "pubsub" while it
// has subscriptions and "normal" otherwise.
enum class ClientType { kNormal, kReplica, kMaster, kPubSub, kUnknown };

ClientType ParseClientType(std::string_view s) {
  if (EqualsIgnoreCase(s, "normal")) return ClientType::kNormal;
  if (EqualsIgnoreCase(s, "slave") || EqualsIgnoreCase(s, "replica")) return ClientType::kReplica;
  if (EqualsIgnoreCase(s, "master")) return ClientType::kMaster;
  if (EqualsIgnoreCase(s, "pubsub")) return ClientType::kPubSub;
  return ClientType::kUnknown;
}

ClientType TypeOf(const ClientState& c) {
  return c.in_pubsub_mode() ? ClientType::kPubSub : ClientType::kNormal;
}

// One CLIENT LIST line for `c`; when `c` runs this CLIENT LIST/INFO, its argv-mem is `args`.
void AppendClientLine(std::string& out, const ClientState& c, const CommandContext& ctx) {
  size_t argv_mem = 0;
  if (&c == &ctx.client) {
    for (auto a : ctx.args) argv_mem += a.size();
  }
  AppendClientInfo(out, c, ctx.now_ms, argv_mem);
}

// CLIENT ID
void CmdClientId(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.client.id)); }

// CLIENT SETNAME connection-name (empty: no name)
void CmdClientSetName(CommandContext& ctx) {
  if (!ValidClientAttr(ctx.args[2])) {
    ctx.reply.Error(resp::err::kClientNameChars);
    return;
  }
  ctx.client.name.assign(ctx.args[2]);
  ctx.reply.Ok();
}

// CLIENT GETNAME
void CmdClientGetName(CommandContext& ctx) {
  if (ctx.client.name.empty()) {
    ctx.reply.Null();
  } else {
    ctx.reply.Bulk(ctx.client.name);
  }
}

// CLIENT SETINFO <LIB-NAME libname | LIB-VER libver> (Redis 7.2)
void CmdClientSetInfo(CommandContext& ctx) {
  std::string_view attr = ctx.args[2];
  std::string_view value = ctx.args[3];
  std::string* dest = nullptr;
  if (EqualsIgnoreCase(attr, "lib-name")) {
    dest = &ctx.client.lib_name;
  } else if (EqualsIgnoreCase(attr, "lib-ver")) {
    dest = &ctx.client.lib_ver;
  } else {
    ctx.reply.Error(resp::err::UnrecognizedOption(attr));
    return;
  }
  if (!ValidClientAttr(value)) {
    ctx.reply.Error(resp::err::ClientAttrChars(attr));
    return;
  }
  dest->assign(value);
  ctx.reply.Ok();
}

// CLIENT INFO
void CmdClientInfo(CommandContext& ctx) {
  std::string text;
  AppendClientLine(text, ctx.client, ctx);
  text.push_back('\n');
  ctx.reply.Verbatim("txt", text);
}

// CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]
void CmdClientList(CommandContext& ctx) {
  std::string text;
  const size_t argc = ctx.args.size();
  if (argc == 4 && EqualsIgnoreCase(ctx.args[2], "type")) {
    ClientType type = ParseClientType(ctx.args[3]);
    if (type == ClientType::kUnknown) {
      ctx.reply.Error(resp::err::UnknownClientType(ctx.args[3]));
      return;
    }
    ctx.server.control.ForEachClient([&](ClientState& c) {
      if (TypeOf(c) != type) return;
      AppendClientLine(text, c, ctx);
      text.push_back('\n');
    });
  } else if (argc > 3 && EqualsIgnoreCase(ctx.args[2], "id")) {
    for (size_t j = 3; j < argc; ++j) {
      int64_t id = 0;
      if (!ParseInt64(ctx.args[j], &id)) {
        ctx.reply.Error(resp::err::kInvalidClientId);
        return;
      }
      ctx.server.control.ForEachClient([&](ClientState& c) {
        if (c.id != static_cast<uint64_t>(id)) return;
        AppendClientLine(text, c, ctx);
        text.push_back('\n');
      });
    }
  } else if (argc != 2) {
    ctx.reply.Error(resp::err::kSyntax);
    return;
  } else {
    ctx.server.control.ForEachClient([&](ClientState& c) {
      AppendClientLine(text, c, ctx);
      text.push_back('\n');
    });
  }
  ctx.reply.Verbatim("txt", text);
}

// CLIENT KILL ip:port
// CLIENT KILL <ID id | TYPE type | USER name | ADDR ip:port | LADDR ip:port | SKIPME yes/no> ...
void CmdClientKill(CommandContext& ctx) {
  const size_t argc = ctx.args.size();
  const std::string_view* addr = nullptr;
  const std::string_view* laddr = nullptr;
  ClientType type = ClientType::kUnknown;  // kUnknown: any type
  uint64_t id = 0;                         // 0: any id
  bool skipme = true;
  if (argc == 3) {
    addr = &ctx.args[2];
    skipme = false;  // the old form may kill the caller
  } else {
    for (size_t i = 2; i < argc; i += 2) {
      std::string_view opt = ctx.args[i];
      const bool has_value = i + 1 < argc;
      if (!has_value) {
        ctx.reply.Error(resp::err::kSyntax);
        return;
      }
      std::string_view value = ctx.args[i + 1];
      if (EqualsIgnoreCase(opt, "id")) {
        int64_t parsed = 0;
        if (!ParseInt64(value, &parsed) || parsed < 1) {
          ctx.reply.Error(resp::err::kClientIdPositive);
          return;
        }
        id = static_cast<uint64_t>(parsed);
      } else if (EqualsIgnoreCase(opt, "type")) {
        type = ParseClientType(value);
        if (type == ClientType::kUnknown) {
          ctx.reply.Error(resp::err::UnknownClientType(value));
          return;
        }
      } else if (EqualsIgnoreCase(opt, "addr")) {
        addr = &ctx.args[i + 1];
      } else if (EqualsIgnoreCase(opt, "laddr")) {
        laddr = &ctx.args[i + 1];
      } else if (EqualsIgnoreCase(opt, "user")) {
        if (value != "default") {
          ctx.reply.Error(resp::err::NoSuchUser(value));
          return;
        }
      } else if (EqualsIgnoreCase(opt, "skipme")) {
        if (EqualsIgnoreCase(value, "yes")) {
          skipme = true;
        } else if (EqualsIgnoreCase(value, "no")) {
          skipme = false;
        } else {
          ctx.reply.Error(resp::err::kSyntax);
          return;
        }
      } else {
        ctx.reply.Error(resp::err::kSyntax);
        return;
      }
    }
  }

  // Match first, kill after: the server's client list must not change under ForEachClient.
  std::vector<ClientState*> victims;
  ctx.server.control.ForEachClient([&](ClientState& c) {
    if (addr != nullptr && c.conn.addr != *addr) return;
    if (laddr != nullptr && c.conn.laddr != *laddr) return;
    if (type != ClientType::kUnknown && TypeOf(c) != type) return;
    if (id != 0 && c.id != id) return;
    if (&c == &ctx.client && skipme) return;
    victims.push_back(&c);
  });
  bool kill_self = false;
  for (ClientState* c : victims) {
    if (c == &ctx.client) {
      kill_self = true;
    } else {
      ctx.server.control.KillClient(*c);
    }
  }
  if (argc == 3) {
    if (victims.empty()) {
      ctx.reply.Error(resp::err::kNoSuchClient);
    } else {
      ctx.reply.Ok();
    }
  } else {
    ctx.reply.Integer(static_cast<int64_t>(victims.size()));
  }
  // Flagged only after the reply is queued, so the caller still receives it.
  if (kill_self) ctx.client.close_after_reply = true;
}

// CLIENT REPLY ON|OFF|SKIP
void CmdClientReply(CommandContext& ctx) {
  std::string_view mode = ctx.args[2];
  ClientState& client = ctx.client;
  if (EqualsIgnoreCase(mode, "on")) {
    client.reply_mode = ReplyMode::kOn;
    ctx.reply.Ok();
  } else if (EqualsIgnoreCase(mode, "off")) {
    client.reply_mode = ReplyMode::kOff;
  } else if (EqualsIgnoreCase(mode, "skip")) {
    if (client.reply_mode != ReplyMode::kOff) client.reply_mode = ReplyMode::kSkipNext;
  } else {
    ctx.reply.Error(resp::err::kSyntax);
  }
}

// Shared body of CLIENT NO-EVICT and CLIENT NO-TOUCH: ON|OFF into *flag.
void SetOnOff(CommandContext& ctx, bool* flag) {
  std::string_view v = ctx.args[2];
  if (EqualsIgnoreCase(v, "on")) {
    *flag = true;
  } else if (EqualsIgnoreCase(v, "off")) {
    *flag = false;
  } else {
    ctx.reply.Error(resp::err::kSyntax);
    return;
  }
  ctx.reply.Ok();
}

// CLIENT NO-EVICT ON|OFF (accepted; lrukv never evicts clients)
void CmdClientNoEvict(CommandContext& ctx) { SetOnOff(ctx, &ctx.client.no_evict); }

// CLIENT NO-TOUCH ON|OFF (Redis 7.2)
void CmdClientNoTouch(CommandContext& ctx) { SetOnOff(ctx, &ctx.client.no_touch); }

// ---- Tracking, blocking and pausing: lrukv has none of them ----

// CLIENT GETREDIR: -1, tracking is never on.
void CmdClientGetRedir(CommandContext& ctx) { ctx.reply.Integer(-1); }

// CLIENT TRACKINGINFO: tracking off, no redirect, no prefixes.
void CmdClientTrackingInfo(CommandContext& ctx) {
  ctx.reply.MapHeader(3);
  ctx.reply.Bulk("flags");
  ctx.reply.SetHeader(1);
  ctx.reply.Bulk("off");
  ctx.reply.Bulk("redirect");
  ctx.reply.Integer(-1);
  ctx.reply.Bulk("prefixes");
  ctx.reply.ArrayHeader(0);
}

// CLIENT CACHING YES|NO: always refused, tracking (OPTIN/OPTOUT) is never on.
void CmdClientCaching(CommandContext& ctx) { ctx.reply.Error(resp::err::kClientCachingNoTracking); }

// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]: no client is ever blocked, so 0 once valid.
void CmdClientUnblock(CommandContext& ctx) {
  if (ctx.args.size() > 4) {
    ctx.reply.Error(resp::err::SubcommandSyntax("unblock", "CLIENT"));
    return;
  }
  if (ctx.args.size() == 4 && !EqualsIgnoreCase(ctx.args[3], "timeout") &&
      !EqualsIgnoreCase(ctx.args[3], "error")) {
    ctx.reply.Error(resp::err::kClientUnblockReason);
    return;
  }
  int64_t id = 0;
  if (!ParseInt64(ctx.args[2], &id)) {
    ctx.reply.Error(resp::err::kNotInteger);
    return;
  }
  ctx.reply.Integer(0);
}

// CLIENT UNPAUSE: nothing is ever paused.
void CmdClientUnpause(CommandContext& ctx) { ctx.reply.Ok(); }

// CLIENT HELP: Redis 7.0.15's text, line for line.
constexpr std::string_view kClientHelp[] = {
    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "HELP",
    "    Prints this help.",
};

void CmdClientHelp(CommandContext& ctx) {
  ctx.reply.ArrayHeader(std::size(kClientHelp));
  // The first line names the command as called, as Redis's addReplyHelp (rename-command).
  std::string first(ctx.args[0]);
  for (char& c : first) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  first.append(kClientHelp[0].substr(kClientHelp[0].find(' ')));
  ctx.reply.Simple(first);
  for (size_t i = 1; i < std::size(kClientHelp); ++i) ctx.reply.Simple(kClientHelp[i]);
}

}  // namespace

void AppendClientInfo(std::string& out, const ClientState& c, int64_t now_ms, size_t argv_mem) {
  size_t multi_mem = 0;
  for (const auto& q : c.queued) {
    multi_mem += sizeof(QueuedCommand);
    for (const auto& a : q.args) multi_mem += a.size();
  }
  // Redis's order of flag letters (catClientInfoString); a monitor is O, as Redis's replica-
  // flagged monitors, and a client with any subscription, RESP2 or RESP3, is P.
  char flags[16];
  size_t nf = 0;
  if (c.monitor) flags[nf++] = 'O';
  if (c.in_pubsub_mode()) flags[nf++] = 'P';
  if (c.in_multi) flags[nf++] = 'x';
  if (c.watch_dirty) flags[nf++] = 'd';
  if (c.close_after_reply) flags[nf++] = 'c';
  if (c.killed) flags[nf++] = 'A';
  if (c.conn.unix_socket) flags[nf++] = 'U';
  if (c.no_evict) flags[nf++] = 'e';
  if (c.no_touch) flags[nf++] = 'T';  // Redis 7.2
  if (nf == 0) flags[nf++] = 'N';
  const ConnectionInfo& conn = c.conn;
  // Pending output split as Redis holds it: up to 16 KiB in the fixed buffer (obl), the rest
  // in 16 KiB list blocks (oll, omem). omem is what client-output-buffer-limit compares.
  const size_t omem = ReplyListBytes(conn.output_buffer_bytes);
  const size_t obl = conn.output_buffer_bytes - omem;
  const size_t oll = (omem + kReplyBufferBytes - 1) / kReplyBufferBytes;
  const size_t tot_mem = sizeof(ClientState) + conn.query_buffer_bytes + conn.query_buffer_free +
                         argv_mem + multi_mem + conn.output_buffer_bytes;
  auto seconds_since = [&](int64_t ms) { return ms > 0 ? (now_ms - ms) / 1000 : 0; };
  fmt::format_to(
      std::back_inserter(out),
      "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={} psub={} ssub={} "
      "multi={} qbuf={} qbuf-free={} argv-mem={} multi-mem={} rbs=0 rbp=0 obl={} oll={} omem={} "
      "tot-mem={} events={} cmd={} user=default redir=-1 resp={}",
      c.id, conn.addr, conn.laddr, conn.fd, c.name, seconds_since(conn.created_ms),
      seconds_since(conn.last_interaction_ms), std::string_view(flags, nf), c.db,
      c.subscribed_channels.size(), c.subscribed_patterns.size(),
      c.subscribed_shard_channels.size(),
      c.in_multi ? static_cast<int64_t>(c.queued.size()) : int64_t{-1}, conn.query_buffer_bytes,
      conn.query_buffer_free, argv_mem, multi_mem, obl, oll, omem, tot_mem,
      conn.output_buffer_bytes > 0 ? "rw" : "r", c.last_command, c.protocol);
}

void RegisterConnectionCommands(CommandTable& table) {
  constexpr uint32_t kConnBase = kNoScript | kLoading | kStale;
  constexpr std::string_view kFastConn = "@fast @connection";
  table.Register({.name = "ping", .arity = -1, .flags = kFast, .handler = CmdPing,
                  .acl_categories = kFastConn, .group = "connection",
                  .summary = "Ping the server", .since = "1.0.0"});
  table.Register({.name = "echo", .arity = 2, .flags = kLoading | kStale | kFast,
                  .handler = CmdEcho, .acl_categories = kFastConn, .group = "connection",
                  .summary = "Echo the given string", .since = "1.0.0"});
  table.Register({.name = "quit", .arity = -1, .flags = kConnBase | kFast | kNoAuth | kAllowBusy,
                  .handler = CmdQuit, .acl_categories = kFastConn, .group = "connection",
                  .summary = "Close the connection", .since = "1.0.0"});
  table.Register({.name = "reset", .arity = 1, .flags = kConnBase | kFast | kNoAuth | kAllowBusy,
                  .handler = CmdReset, .acl_categories = kFastConn, .group = "connection",
                  .summary = "Reset the connection", .since = "6.2.0"});
  table.Register({.name = "hello", .arity = -1, .flags = kConnBase | kFast | kNoAuth | kAllowBusy,
                  .handler = CmdHello, .acl_categories = kFastConn, .group = "connection",
                  .summary = "Handshake with Redis", .since = "6.0.0"});
  table.Register({.name = "auth", .arity = -2, .flags = kConnBase | kFast | kNoAuth | kAllowBusy,
                  .handler = CmdAuth, .acl_categories = kFastConn, .group = "connection",
                  .summary = "Authenticate to the server", .since = "1.0.0"});
  table.Register({.name = "select", .arity = 2, .flags = kLoading | kStale | kFast,
                  .handler = CmdSelect, .acl_categories = kFastConn, .group = "connection",
                  .summary = "Change the selected database for the current connection",
                  .since = "1.0.0"});

  constexpr std::string_view kSlowConn = "@slow @connection";
  constexpr std::string_view kAdminConn = "@admin @slow @dangerous @connection";
  auto sub = [&](std::string_view name, int arity, uint32_t flags, Handler handler,
                 std::string_view acl, std::string_view summary, std::string_view since) {
    return CommandSpec{.name = name, .arity = arity, .flags = flags, .handler = handler,
                       .acl_categories = acl, .group = "connection", .summary = summary,
                       .since = since};
  };
  CommandSpec client{.name = "client", .arity = -2, .acl_categories = "@slow",
                     .group = "connection",
                     .summary = "A container for client connection commands", .since = "2.4.0"};
  client.subcommands = {
      sub("id", 2, kConnBase, CmdClientId, kSlowConn,
          "Returns the client ID for the current connection", "5.0.0"),
      sub("setname", 3, kConnBase, CmdClientSetName, kSlowConn,
          "Set the current connection name", "2.6.9"),
      sub("getname", 2, kConnBase, CmdClientGetName, kSlowConn,
          "Get the current connection name", "2.6.9"),
      sub("setinfo", 4, kConnBase, CmdClientSetInfo, kSlowConn,
          "Set client or connection specific info", "7.2.0"),
      sub("info", 2, kConnBase, CmdClientInfo, kSlowConn,
          "Returns information about the current client connection.", "6.2.0"),
      sub("list", -2, kConnBase | kAdmin, CmdClientList, kAdminConn,
          "Get the list of client connections", "2.4.0"),
      sub("kill", -3, kConnBase | kAdmin, CmdClientKill, kAdminConn,
          "Kill the connection of a client", "2.4.0"),
      sub("reply", 3, kConnBase, CmdClientReply, kSlowConn,
          "Instruct the server whether to reply to commands", "3.2.0"),
      sub("no-evict", 3, kConnBase | kAdmin, CmdClientNoEvict, kAdminConn,
          "Set client eviction mode for the current connection", "7.0.0"),
      sub("no-touch", 3, kConnBase, CmdClientNoTouch, kSlowConn,
          "Controls whether commands sent by the client will alter the LRU/LFU of the keys "
          "they access.",
          "7.2.0"),
      sub("getredir", 2, kConnBase, CmdClientGetRedir, kSlowConn,
          "Get tracking notifications redirection client ID if any", "6.0.0"),
      sub("trackinginfo", 2, kConnBase, CmdClientTrackingInfo, kSlowConn,
          "Return information about server assisted client side caching for the current "
          "connection",
          "6.2.0"),
      sub("caching", 3, kConnBase, CmdClientCaching, kSlowConn,
          "Instruct the server about tracking or not keys in the next request", "6.0.0"),
      sub("unblock", -3, kConnBase | kAdmin, CmdClientUnblock, kAdminConn,
          "Unblock a client blocked in a blocking command from a different connection",
          "5.0.0"),
      sub("unpause", 2, kConnBase | kAdmin, CmdClientUnpause, kAdminConn,
          "Resume processing of clients that were paused", "6.2.0"),
      sub("help", 2, kLoading | kStale, CmdClientHelp, kSlowConn,
          "Show helpful text about the different subcommands", "5.0.0"),
  };
  table.Register(std::move(client));
}

}  // namespace lrukv::cmd
