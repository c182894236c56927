// The ACL container as far as lrukv's one user goes: "default", on, with requirepass as its only
// password (or nopass) and every command, key and channel allowed. WHOAMI, USERS, LIST, GETUSER,
// CAT, DELUSER, GENPASS, DRYRUN, LOAD, SAVE, LOG and HELP answer as Redis 7.0 does for that
// user; SETUSER, which needs more users, answers as an unknown subcommand.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "resp/errors.h"
#include "src/commands/arg_parse.h"
#include "src/commands/number_format.h"
#include "src/commands/server_family.h"
#include "src/commands/sha256.h"

namespace lrukv::cmd {

namespace {

constexpr std::string_view kDefaultUser = "default";

// Most bits ACL GENPASS makes, as Redis.
constexpr int64_t kGenpassMaxBits = 4096;
// Entries ACL LOG prints without a count, as Redis.
constexpr int64_t kAclLogDefaultCount = 10;
// Bits ACL GENPASS makes without an argument, as Redis.
constexpr int64_t kGenpassDefaultBits = 256;

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return out;
}

// Redis's addReplySubcommandSyntaxError: names the subcommand and the container as sent.
void ReplySubcommandSyntax(CommandContext& ctx) {
  ctx.reply.Error(resp::err::SubcommandSyntax(ctx.args[1], Upper(ctx.args[0])));
}

// The default user's rules in ACL LIST's form.
std::string DefaultUserRules(const ServerContext& server) {
  const std::string& pass = server.config.requirepass;
  std::string password = pass.empty() ? "nopass" : "#" + Sha256Hex(pass);
  return "user default on " + password + " ~* &* +@all";
}

// ---- Handlers ----

// ACL WHOAMI
void CmdAclWhoami(CommandContext& ctx) { ctx.reply.Bulk(kDefaultUser); }

// ACL USERS
void CmdAclUsers(CommandContext& ctx) {
  ctx.reply.ArrayHeader(1);
  ctx.reply.Bulk(kDefaultUser);
}

// ACL LIST
void CmdAclList(CommandContext& ctx) {
  ctx.reply.ArrayHeader(1);
  ctx.reply.Bulk(DefaultUserRules(ctx.server));
}

// ACL GETUSER username: the default user's rules as a map; any other name is nil.
void CmdAclGetUser(CommandContext& ctx) {
  if (ctx.args[2] != kDefaultUser) {
    ctx.reply.Null();
    return;
  }
  const std::string& pass = ctx.server.config.requirepass;
  ctx.reply.MapHeader(6);
  ctx.reply.Bulk("flags");
  ctx.reply.SetHeader(pass.empty() ? 2 : 1);
  ctx.reply.Bulk("on");
  if (pass.empty()) ctx.reply.Bulk("nopass");
  ctx.reply.Bulk("passwords");
  ctx.reply.ArrayHeader(pass.empty() ? 0 : 1);
  if (!pass.empty()) ctx.reply.Bulk(Sha256Hex(pass));
  ctx.reply.Bulk("commands");
  ctx.reply.Bulk("+@all");
  ctx.reply.Bulk("keys");
  ctx.reply.Bulk("~*");
  ctx.reply.Bulk("channels");
  ctx.reply.Bulk("&*");
  ctx.reply.Bulk("selectors");
  ctx.reply.ArrayHeader(0);
}

// ACL CAT [category]: the categories, or the commands (and subcommands, "client|list") of one,
// among the commands lrukv has, in COMMAND's order.
void CmdAclCat(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    ReplySubcommandSyntax(ctx);
    return;
  }
  if (ctx.args.size() == 2) {
    ctx.reply.ArrayHeader(AclCategoryNames().size());
    for (std::string_view c : AclCategoryNames()) ctx.reply.Bulk(c);
    return;
  }
  std::string_view category = ctx.args[2];
  bool known = false;
  for (std::string_view c : AclCategoryNames()) known = known || EqualsIgnoreCase(c, category);
  if (!known) {
    ctx.reply.Error("ERR Unknown category '" + std::string(category) + "'");
    return;
  }
  std::vector<std::string_view> names;
  for (const CommandSpec* spec : ctx.server.commands.all()) {
    if (CommandHasAclCategory(*spec, category)) names.push_back(spec->name);
    for (const CommandSpec& sub : spec->subcommands) {
      if (CommandHasAclCategory(sub, category)) names.push_back(sub.name);
    }
  }
  ctx.reply.ArrayHeader(names.size());
  for (std::string_view name : names) ctx.reply.Bulk(name);
}

// ACL DELUSER username [username ...]: the default user cannot go, and no other exists.
void CmdAclDelUser(CommandContext& ctx) {
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    if (ctx.args[i] == kDefaultUser) {
      ctx.reply.Error("ERR The 'default' user cannot be removed");
      return;
    }
  }
  ctx.reply.Integer(0);
}

// ACL GENPASS [bits]: ceil(bits / 4) hex digits from the kernel's random source.
void CmdAclGenPass(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    ReplySubcommandSyntax(ctx);
    return;
  }
  int64_t bits = kGenpassDefaultBits;
  if (ctx.args.size() == 3) {
    if (!ParseInt64(ctx.args[2], &bits)) {
      ctx.reply.Error(resp::err::kNotInteger);
      return;
    }
    if (bits <= 0 || bits > kGenpassMaxBits) {
      ctx.reply.Error(
          "ERR ACL GENPASS argument must be the number of bits for the output password, a "
          "positive number up to 4096");
      return;
    }
  }
  const size_t digits = static_cast<size_t>((bits + 3) / 4);
  std::string random((digits + 1) / 2, '\0');
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  size_t got = 0;
  while (fd >= 0 && got < random.size()) {
    ssize_t n = read(fd, random.data() + got, random.size() - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  if (fd >= 0) close(fd);
  if (got < random.size()) {
    ctx.reply.Error("ERR Failed to generate a random password");
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string password;
  for (unsigned char byte : random) {
    password.push_back(kHex[byte >> 4]);
    password.push_back(kHex[byte & 0xf]);
  }
  password.resize(digits);
  ctx.reply.Bulk(password);
}

// ACL DRYRUN username command [arg ...]: the default user may run every command, so this only
// checks that the command exists and its argument count fits.
void CmdAclDryRun(CommandContext& ctx) {
  if (ctx.args[2] != kDefaultUser) {
    ctx.reply.Error("ERR User '" + std::string(ctx.args[2]) + "' not found");
    return;
  }
  auto command = ctx.args.subspan(3);
  const CommandSpec* spec = ctx.server.commands.Find(command[0]);
  if (spec != nullptr && !spec->subcommands.empty()) {
    spec = command.size() >= 2 ? CommandTable::FindSubcommand(*spec, command[1]) : nullptr;
  }
  if (spec == nullptr) {
    ctx.reply.Error("ERR Command '" + std::string(command[0]) + "' not found");
    return;
  }
  const bool arity_ok = spec->arity >= 0 ? command.size() == static_cast<size_t>(spec->arity)
                                         : command.size() >= static_cast<size_t>(-spec->arity);
  if (!arity_ok) {
    ctx.reply.Error(resp::err::WrongNumArgs(spec->name));
    return;
  }
  ctx.reply.Ok();
}

// ACL LOG [count | RESET]: the newest `count` (default 10) failed authentications.
void CmdAclLog(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    ReplySubcommandSyntax(ctx);
    return;
  }
  int64_t count = kAclLogDefaultCount;
  if (ctx.args.size() == 3) {
    if (EqualsIgnoreCase(ctx.args[2], "reset")) {
      ctx.server.acl_log.Reset();
      ctx.reply.Ok();
      return;
    }
    if (!ParseInt64(ctx.args[2], &count)) {
      ctx.reply.Error(resp::err::kNotInteger);
      return;
    }
  }
  const auto& entries = ctx.server.acl_log.entries();
  const size_t n = std::min(entries.size(), static_cast<size_t>(std::max<int64_t>(count, 0)));
  ctx.reply.ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) {
    const AclLogEntry& e = entries[i];
    ctx.reply.MapHeader(7);
    ctx.reply.Bulk("count");
    ctx.reply.Integer(static_cast<int64_t>(e.count));
    ctx.reply.Bulk("reason");
    ctx.reply.Bulk("auth");
    ctx.reply.Bulk("context");
    ctx.reply.Bulk(e.in_multi ? "multi" : "toplevel");
    ctx.reply.Bulk("object");
    ctx.reply.Bulk(e.object);
    ctx.reply.Bulk("username");
    ctx.reply.Bulk(e.username);
    ctx.reply.Bulk("age-seconds");
    ctx.reply.Double(static_cast<double>(ctx.now_ms - e.updated_ms) / 1000.0);
    ctx.reply.Bulk("client-info");
    ctx.reply.Bulk(e.client_info);
  }
}

// ACL LOAD / ACL SAVE: there is no ACL file (no aclfile directive), as a Redis without one.
void CmdAclNoFile(CommandContext& ctx) {
  ctx.reply.Error(
      "ERR This Redis instance is not configured to use an ACL file. You may want to specify "
      "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
      "Redis configuration file set) in order to store users in the Redis configuration.");
}

// ACL HELP: Redis 7.0.15's text, SETUSER and LOG included.
void CmdAclHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "ACL",
            {"CAT [<category>]",
             "    List all commands that belong to <category>, or all command categories",
             "    when no category is specified.",
             "DELUSER <username> [<username> ...]",
             "    Delete a list of users.",
             "DRYRUN <username> <command> [<arg> ...]",
             "    Returns whether the user can execute the given command without executing the "
             "command.",
             "GETUSER <username>",
             "    Get the user's details.",
             "GENPASS [<bits>]",
             "    Generate a secure 256-bit user password. The optional `bits` argument can",
             "    be used to specify a different size.",
             "LIST",
             "    Show users details in config file format.",
             "LOAD",
             "    Reload users from the ACL file.",
             "LOG [<count> | RESET]",
             "    Show the ACL log entries.",
             "SAVE",
             "    Save the current config to the ACL file.",
             "SETUSER <username> <attribute> [<attribute> ...]",
             "    Create or modify a user with the specified attributes.",
             "USERS",
             "    List all the registered usernames.",
             "WHOAMI",
             "    Return the current connection username."});
}

}  // namespace

void RegisterAclCommands(CommandTable& table) {
  // Redis 7.0.15's COMMAND INFO rows, subcommands in its order.
  constexpr uint32_t kNoScriptLs = kNoScript | kLoading | kStale;
  constexpr uint32_t kAdminLs = kAdmin | kNoScriptLs;
  constexpr std::string_view kAdminAcl = "@admin @slow @dangerous";
  CommandSpec acl = CommandRow("acl", -2, 0, CmdContainer, "@slow");
  auto add = [&](std::string_view name, int arity, uint32_t flags, Handler handler,
                 std::string_view categories) {
    acl.subcommands.push_back(CommandRow(name, arity, flags, handler, categories));
  };
  add("acl|genpass", -2, kNoScriptLs, CmdAclGenPass, "@slow");
  add("acl|help", 2, kLoading | kStale, CmdAclHelp, "@slow");
  add("acl|users", 2, kAdminLs, CmdAclUsers, kAdminAcl);
  add("acl|deluser", -3, kAdminLs, CmdAclDelUser, kAdminAcl);
  add("acl|load", 2, kAdminLs, CmdAclNoFile, kAdminAcl);
  add("acl|save", 2, kAdminLs, CmdAclNoFile, kAdminAcl);
  add("acl|dryrun", -4, kAdminLs, CmdAclDryRun, kAdminAcl);
  add("acl|list", 2, kAdminLs, CmdAclList, kAdminAcl);
  add("acl|whoami", 2, kNoScriptLs, CmdAclWhoami, "@slow");
  add("acl|getuser", 3, kAdminLs, CmdAclGetUser, kAdminAcl);
  add("acl|log", -2, kAdminLs, CmdAclLog, kAdminAcl);
  add("acl|cat", -2, kNoScriptLs, CmdAclCat, "@slow");
  table.Register(std::move(acl));
}

}  // namespace lrukv::cmd
