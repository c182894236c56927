// COMMAND and its subcommands (COUNT, INFO, DOCS, LIST, GETKEYS, GETKEYSANDFLAGS, HELP), in
// Redis 7.0's reply shapes. Arity, flags and key positions come from each CommandSpec row; key
// specs, tips and documentation come from the CommandMeta row Redis itself reports (generated,
// command_meta_data.cc), or a generic form derived from the CommandSpec when there is none.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "resp/errors.h"
#include "src/commands/arg_parse.h"
#include "src/commands/command_keys.h"
#include "src/commands/command_meta.h"
#include "src/commands/glob_match.h"
#include "src/commands/number_format.h"
#include "src/commands/server_family.h"

namespace lrukv::cmd {

namespace meta {

const CommandMeta* FindMeta(std::string_view full_name) {
  static const std::unordered_map<std::string_view, const CommandMeta*> by_name = [] {
    std::unordered_map<std::string_view, const CommandMeta*> m;
    for (const CommandMeta& row : AllMeta()) m.emplace(row.name, &row);
    return m;
  }();
  auto it = by_name.find(full_name);
  return it == by_name.end() ? nullptr : it->second;
}

}  // namespace meta

namespace {

using meta::ArgDoc;
using meta::CommandMeta;
using meta::KeySpec;

bool HasWord(std::string_view list, std::string_view word) {
  for (std::string_view w : SplitWords(list)) {
    if (w == word) return true;
  }
  return false;
}

// ---- Flags and ACL categories, in the order Redis prints them ----

struct FlagName {
  std::string_view name;
  uint32_t bit;  // 0: a flag only CommandMeta::extra_flags can carry
};
// Redis 7.0 never prints "may_replicate" or "sentinel" in COMMAND INFO, so they are absent.
constexpr std::array<FlagName, 22> kFlagNames = {{
    {"write", kWrite},
    {"readonly", kReadOnly},
    {"denyoom", kDenyOom},
    {"module", 0},
    {"admin", kAdmin},
    {"pubsub", kPubSub},
    {"noscript", kNoScript},
    {"blocking", kBlocking},
    {"loading", kLoading},
    {"stale", kStale},
    {"skip_monitor", kSkipMonitor},
    {"skip_slowlog", kSkipSlowlog},
    {"asking", 0},
    {"fast", kFast},
    {"no_auth", kNoAuth},
    {"only_sentinel", 0},
    {"no_mandatory_keys", kNoMandatoryKeys},
    {"protected", 0},
    {"no_async_loading", 0},
    {"no_multi", kNoMulti},
    {"movablekeys", 0},
    {"allow_busy", kAllowBusy},
}};

constexpr std::array<std::string_view, 21> kAclCategories = {
    "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
    "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting"};

std::vector<std::string_view> FlagNames(const CommandSpec& spec, const CommandMeta* m) {
  std::vector<std::string_view> out;
  for (const FlagName& f : kFlagNames) {
    bool on =
        f.bit != 0 ? (spec.flags & f.bit) != 0 : (m != nullptr && HasWord(m->extra_flags, f.name));
    if (on) out.push_back(f.name);
  }
  return out;
}

// The command's ACL categories: those its row names plus those its flags imply (write ->
// @write, readonly -> @read, admin -> @admin @dangerous, pubsub, fast, blocking, and @slow for
// every command that is not fast), as Redis's setImplicitACLCategories.
uint32_t AclCategoryBits(const CommandSpec& spec) {
  uint32_t bits = 0;
  auto set = [&](std::string_view name) {
    for (size_t i = 0; i < kAclCategories.size(); ++i) {
      if (EqualsIgnoreCase(kAclCategories[i], name)) bits |= 1u << i;
    }
  };
  for (std::string_view w : SplitWords(spec.acl_categories)) {
    if (!w.empty() && w[0] == '@') w.remove_prefix(1);
    set(w);
  }
  if (spec.flags & kWrite) set("write");
  if ((spec.flags & kReadOnly) && !(bits & (1u << 20))) set("read");
  if (spec.flags & kAdmin) {
    set("admin");
    set("dangerous");
  }
  if (spec.flags & kPubSub) set("pubsub");
  if (spec.flags & kFast) set("fast");
  if (spec.flags & kBlocking) set("blocking");
  if (!(spec.flags & kFast)) set("slow");
  return bits;
}

bool HasAclCategory(const CommandSpec& spec, std::string_view category) {
  uint32_t bits = AclCategoryBits(spec);
  for (size_t i = 0; i < kAclCategories.size(); ++i) {
    if ((bits & (1u << i)) && EqualsIgnoreCase(kAclCategories[i], category)) return true;
  }
  return false;
}

// ---- Rows in Redis's order ----

// The subcommands of `spec` in the order redis-server lists them (its own rows first, in
// CommandMeta order; lrukv-only ones after, in registration order).
std::vector<const CommandSpec*> OrderedSubcommands(const CommandSpec& spec) {
  std::vector<const CommandSpec*> subs;
  for (const CommandSpec& s : spec.subcommands) subs.push_back(&s);
  auto rank = [](const CommandSpec* s) -> size_t {
    const CommandMeta* m = meta::FindMeta(s->name);
    return m ? static_cast<size_t>(m - meta::AllMeta().data()) : SIZE_MAX;
  };
  std::stable_sort(subs.begin(), subs.end(),
                   [&](const CommandSpec* a, const CommandSpec* b) { return rank(a) < rank(b); });
  return subs;
}

// "config|get" or "get" -> its row, or nullptr.
const CommandSpec* FindByFullName(const CommandTable& table, std::string_view full) {
  size_t bar = full.find('|');
  if (bar == std::string_view::npos) return table.Find(full);
  const CommandSpec* parent = table.Find(full.substr(0, bar));
  if (parent == nullptr) return nullptr;
  std::string_view sub = full.substr(bar + 1);
  if (sub.find('|') != std::string_view::npos) return nullptr;
  return CommandTable::FindSubcommand(*parent, sub);
}

// ---- COMMAND INFO ----

// The key spec a row without CommandMeta gets: one index+range spec from first/last/step,
// "RO access" for read-only commands, "RW update" for the others.
KeySpec GenericKeySpec(const CommandSpec& spec) {
  KeySpec ks;
  ks.flags = (spec.flags & kWrite) ? "RW update" : "RO access";
  ks.begin = meta::BeginSearch::kIndex;
  ks.index = spec.first_key;
  ks.find = meta::FindKeys::kRange;
  ks.find0 = spec.last_key >= 0 ? spec.last_key - spec.first_key : spec.last_key;
  ks.find1 = spec.key_step > 0 ? spec.key_step : 1;
  ks.find2 = 0;
  return ks;
}

std::vector<KeySpec> KeySpecsOf(const CommandSpec& spec, const CommandMeta* m) {
  if (m != nullptr) return {m->key_specs.begin(), m->key_specs.end()};
  if (spec.first_key > 0) return {GenericKeySpec(spec)};
  return {};
}

void ReplyKeySpec(resp::ReplyWriter& w, const KeySpec& ks) {
  w.MapHeader(ks.notes.empty() ? 3 : 4);
  if (!ks.notes.empty()) {
    w.Bulk("notes");
    w.Bulk(ks.notes);
  }
  w.Bulk("flags");
  std::vector<std::string_view> flags = SplitWords(ks.flags);
  w.SetHeader(flags.size());
  for (std::string_view f : flags) w.Simple(f);

  w.Bulk("begin_search");
  w.MapHeader(2);
  w.Bulk("type");
  switch (ks.begin) {
    case meta::BeginSearch::kIndex:
      w.Bulk("index");
      w.Bulk("spec");
      w.MapHeader(1);
      w.Bulk("index");
      w.Integer(ks.index);
      break;
    case meta::BeginSearch::kKeyword:
      w.Bulk("keyword");
      w.Bulk("spec");
      w.MapHeader(2);
      w.Bulk("keyword");
      w.Bulk(ks.keyword);
      w.Bulk("startfrom");
      w.Integer(ks.index);
      break;
    case meta::BeginSearch::kUnknown:
      w.Bulk("unknown");
      w.Bulk("spec");
      w.MapHeader(0);
      break;
  }

  w.Bulk("find_keys");
  w.MapHeader(2);
  w.Bulk("type");
  switch (ks.find) {
    case meta::FindKeys::kRange:
      w.Bulk("range");
      w.Bulk("spec");
      w.MapHeader(3);
      w.Bulk("lastkey");
      w.Integer(ks.find0);
      w.Bulk("keystep");
      w.Integer(ks.find1);
      w.Bulk("limit");
      w.Integer(ks.find2);
      break;
    case meta::FindKeys::kKeynum:
      w.Bulk("keynum");
      w.Bulk("spec");
      w.MapHeader(3);
      w.Bulk("keynumidx");
      w.Integer(ks.find0);
      w.Bulk("firstkey");
      w.Integer(ks.find1);
      w.Bulk("keystep");
      w.Integer(ks.find2);
      break;
    case meta::FindKeys::kUnknown:
      w.Bulk("unknown");
      w.Bulk("spec");
      w.MapHeader(0);
      break;
  }
}

// One COMMAND INFO entry: name, arity, flags, first, last, step, ACL categories, tips, key
// specs, subcommands.
void ReplyCommandInfo(resp::ReplyWriter& w, const CommandSpec& spec) {
  const CommandMeta* m = meta::FindMeta(spec.name);
  w.ArrayHeader(10);
  w.Bulk(spec.name);
  w.Integer(spec.arity);
  std::vector<std::string_view> flags = FlagNames(spec, m);
  w.SetHeader(flags.size());
  for (std::string_view f : flags) w.Simple(f);
  w.Integer(spec.first_key);
  w.Integer(spec.last_key);
  w.Integer(spec.key_step);
  uint32_t acl = AclCategoryBits(spec);
  w.SetHeader(static_cast<size_t>(__builtin_popcount(acl)));
  for (size_t i = 0; i < kAclCategories.size(); ++i) {
    if (!(acl & (1u << i))) continue;
    std::string cat = "@";
    cat += kAclCategories[i];
    w.Simple(cat);
  }
  std::vector<std::string_view> tips = m ? SplitWords(m->tips) : std::vector<std::string_view>{};
  w.SetHeader(tips.size());
  for (std::string_view t : tips) w.Bulk(t);
  // Redis 7.0 sends the key specs as a RESP3 set, and the subcommands as an empty set when
  // there are none but as an array otherwise.
  std::vector<KeySpec> specs = KeySpecsOf(spec, m);
  w.SetHeader(specs.size());
  for (const KeySpec& ks : specs) ReplyKeySpec(w, ks);
  std::vector<const CommandSpec*> subs = OrderedSubcommands(spec);
  if (subs.empty()) {
    w.SetHeader(0);
  } else {
    w.ArrayHeader(subs.size());
  }
  for (const CommandSpec* s : subs) ReplyCommandInfo(w, *s);
}

// ---- COMMAND DOCS ----

void ReplyArgs(resp::ReplyWriter& w, std::span<const ArgDoc> args) {
  w.ArrayHeader(args.size());
  for (const ArgDoc& a : args) {
    size_t n = 2 + (a.key_spec_index >= 0) + !a.token.empty() + !a.summary.empty() +
               !a.since.empty() + (a.flags != 0) + !a.deprecated_since.empty() +
               !a.arguments.empty();
    w.MapHeader(n);
    w.Bulk("name");
    w.Bulk(a.name);
    w.Bulk("type");
    w.Bulk(a.type);
    if (a.key_spec_index >= 0) {
      w.Bulk("key_spec_index");
      w.Integer(a.key_spec_index);
    }
    if (!a.token.empty()) {
      w.Bulk("token");
      w.Bulk(a.token);
    }
    if (!a.summary.empty()) {
      w.Bulk("summary");
      w.Bulk(a.summary);
    }
    if (!a.since.empty()) {
      w.Bulk("since");
      w.Bulk(a.since);
    }
    if (a.flags != 0) {
      w.Bulk("flags");
      w.SetHeader(static_cast<size_t>(__builtin_popcount(a.flags)));
      if (a.flags & meta::kArgOptional) w.Simple("optional");
      if (a.flags & meta::kArgMultiple) w.Simple("multiple");
      if (a.flags & meta::kArgMultipleToken) w.Simple("multiple_token");
    }
    if (!a.deprecated_since.empty()) {
      w.Bulk("deprecated_since");
      w.Bulk(a.deprecated_since);
    }
    if (!a.arguments.empty()) {
      w.Bulk("arguments");
      ReplyArgs(w, a.arguments);
    }
  }
}

// One COMMAND DOCS value: summary, since, group, complexity, doc_flags, deprecated_since,
// replaced_by, history, arguments, subcommands (the absent ones left out, as Redis).
void ReplyCommandDocs(resp::ReplyWriter& w, const CommandSpec& spec) {
  const CommandMeta* m = meta::FindMeta(spec.name);
  std::string_view summary = m ? m->summary : spec.summary;
  std::string_view since = m ? m->since : spec.since;
  std::string_view group = m ? m->group : spec.group;
  std::string_view complexity = m ? m->complexity : std::string_view();
  std::vector<std::string_view> doc_flags =
      m ? SplitWords(m->doc_flags) : std::vector<std::string_view>{};
  std::string_view deprecated_since = m ? m->deprecated_since : std::string_view();
  std::string_view replaced_by = m ? m->replaced_by : std::string_view();
  std::span<const meta::HistoryEntry> history =
      m ? m->history : std::span<const meta::HistoryEntry>{};
  std::span<const ArgDoc> args = m ? m->arguments : std::span<const ArgDoc>{};
  std::vector<const CommandSpec*> subs = OrderedSubcommands(spec);

  size_t n = !summary.empty() + !since.empty() + !group.empty() + !complexity.empty() +
             !doc_flags.empty() + !deprecated_since.empty() + !replaced_by.empty() +
             !history.empty() + !args.empty() + !subs.empty();
  w.MapHeader(n);
  auto text = [&](std::string_view key, std::string_view value) {
    if (value.empty()) return;
    w.Bulk(key);
    w.Bulk(value);
  };
  text("summary", summary);
  text("since", since);
  text("group", group);
  text("complexity", complexity);
  if (!doc_flags.empty()) {
    w.Bulk("doc_flags");
    w.SetHeader(doc_flags.size());
    for (std::string_view f : doc_flags) w.Simple(f);
  }
  text("deprecated_since", deprecated_since);
  text("replaced_by", replaced_by);
  if (!history.empty()) {
    w.Bulk("history");
    w.SetHeader(history.size());
    for (const meta::HistoryEntry& h : history) {
      w.ArrayHeader(2);
      w.Bulk(h.version);
      w.Bulk(h.change);
    }
  }
  if (!args.empty()) {
    w.Bulk("arguments");
    ReplyArgs(w, args);
  }
  if (!subs.empty()) {
    w.Bulk("subcommands");
    w.MapHeader(subs.size());
    for (const CommandSpec* s : subs) {
      w.Bulk(s->name);
      ReplyCommandDocs(w, *s);
    }
  }
}

// ---- COMMAND GETKEYS ----

// COMMAND GETKEYS / GETKEYSANDFLAGS <full-command ...>
void GetKeysGeneric(CommandContext& ctx, bool with_flags) {
  std::span<const std::string_view> argv = ctx.args.subspan(2);
  const CommandSpec* spec = ctx.server.commands.Find(argv[0]);
  if (spec != nullptr && !spec->subcommands.empty() && argv.size() >= 2) {
    spec = CommandTable::FindSubcommand(*spec, argv[1]);
  }
  if (spec == nullptr) {
    ctx.reply.Error("ERR Invalid command specified");
    return;
  }
  const CommandMeta* m = meta::FindMeta(spec->name);
  std::vector<KeySpec> specs = KeySpecsOf(*spec, m);
  bool has_keys = std::any_of(specs.begin(), specs.end(),
                              [](const KeySpec& ks) { return !HasWord(ks.flags, "not_key"); });
  if (!has_keys) {
    ctx.reply.Error("ERR The command has no key arguments");
    return;
  }
  const int argc = static_cast<int>(argv.size());
  if ((spec->arity > 0 && spec->arity != argc) || argc < -spec->arity) {
    ctx.reply.Error("ERR Invalid number of arguments specified for command");
    return;
  }
  std::vector<FoundKey> keys;
  if (!KeysFromSpecs(specs, argv, &keys) || keys.empty()) {
    if (spec->flags & kNoMandatoryKeys) {
      ctx.reply.ArrayHeader(0);
    } else {
      ctx.reply.Error("ERR Invalid arguments specified for command");
    }
    return;
  }
  ctx.reply.ArrayHeader(keys.size());
  for (const FoundKey& k : keys) {
    if (!with_flags) {
      ctx.reply.Bulk(argv[k.index]);
      continue;
    }
    // SET's flags depend on GET: "OW update" without it, "RW access update" with it.
    std::string_view flags = k.flags;
    if (HasWord(flags, "variable_flags") && spec->name == "set") {
      bool get = false;
      for (size_t i = 3; i < argv.size(); ++i) get = get || EqualsIgnoreCase(argv[i], "get");
      flags = get ? "RW access update" : "OW update";
    }
    std::vector<std::string_view> words;
    for (std::string_view f : SplitWords(flags)) {
      if (f != "variable_flags") words.push_back(f);
    }
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(argv[k.index]);
    ctx.reply.SetHeader(words.size());
    for (std::string_view f : words) ctx.reply.Simple(f);
  }
}

void ReplyAllCommandInfo(CommandContext& ctx) {
  const auto& all = ctx.server.commands.all();
  ctx.reply.ArrayHeader(all.size());
  for (const CommandSpec* spec : all) ReplyCommandInfo(ctx.reply, *spec);
}

}  // namespace

// COMMAND
void CmdCommand(CommandContext& ctx) {
  if (ctx.args.size() > 1) {  // the Dispatcher routes known subcommands before this
    ctx.reply.Error(resp::err::UnknownSubcommand(ctx.args[1], "COMMAND"));
    return;
  }
  ReplyAllCommandInfo(ctx);
}

// COMMAND COUNT
void CmdCommandCount(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.commands.all().size()));
}

// COMMAND INFO [command-name ...]
void CmdCommandInfo(CommandContext& ctx) {
  if (ctx.args.size() == 2) {
    ReplyAllCommandInfo(ctx);
    return;
  }
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    const CommandSpec* spec = FindByFullName(ctx.server.commands, ctx.args[i]);
    if (spec == nullptr) {
      ctx.reply.Null();
    } else {
      ReplyCommandInfo(ctx.reply, *spec);
    }
  }
}

// COMMAND DOCS [command-name ...]
void CmdCommandDocs(CommandContext& ctx) {
  std::vector<const CommandSpec*> found;
  if (ctx.args.size() == 2) {
    found = ctx.server.commands.all();
  } else {
    for (size_t i = 2; i < ctx.args.size(); ++i) {
      const CommandSpec* spec = FindByFullName(ctx.server.commands, ctx.args[i]);
      if (spec != nullptr) found.push_back(spec);
    }
  }
  ctx.reply.MapHeader(found.size());
  for (const CommandSpec* spec : found) {
    ctx.reply.Bulk(spec->name);
    ReplyCommandDocs(ctx.reply, *spec);
  }
}

// COMMAND LIST [FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]
void CmdCommandList(CommandContext& ctx) {
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string_view value;
  if (ctx.args.size() == 5 && EqualsIgnoreCase(ctx.args[2], "filterby")) {
    value = ctx.args[4];
    if (EqualsIgnoreCase(ctx.args[3], "module")) {
      filter = Filter::kModule;
    } else if (EqualsIgnoreCase(ctx.args[3], "aclcat")) {
      filter = Filter::kAclCat;
    } else if (EqualsIgnoreCase(ctx.args[3], "pattern")) {
      filter = Filter::kPattern;
    } else {
      ctx.reply.Error(resp::err::kSyntax);
      return;
    }
  } else if (ctx.args.size() != 2) {
    ctx.reply.Error(resp::err::kSyntax);
    return;
  }
  std::vector<std::string_view> names;
  auto consider = [&](const CommandSpec& spec) {
    switch (filter) {
      case Filter::kNone:
        break;
      case Filter::kModule:
        return;  // lrukv loads no modules
      case Filter::kAclCat:
        if (!HasAclCategory(spec, value)) return;
        break;
      case Filter::kPattern:
        if (!GlobMatch(value, spec.name, true)) return;
        break;
    }
    names.push_back(spec.name);
  };
  for (const CommandSpec* spec : ctx.server.commands.all()) {
    consider(*spec);
    for (const CommandSpec* sub : OrderedSubcommands(*spec)) consider(*sub);
  }
  ctx.reply.ArrayHeader(names.size());
  for (std::string_view n : names) ctx.reply.Bulk(n);
}

// COMMAND GETKEYS command [arg ...]
void CmdCommandGetKeys(CommandContext& ctx) { GetKeysGeneric(ctx, false); }

// COMMAND GETKEYSANDFLAGS command [arg ...]
void CmdCommandGetKeysAndFlags(CommandContext& ctx) { GetKeysGeneric(ctx, true); }

// COMMAND HELP
void CmdCommandHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "COMMAND",
            {"(no subcommand)", "    Return details about all Redis commands.", "COUNT",
             "    Return the total number of commands in this Redis server.", "LIST",
             "    Return a list of all commands in this Redis server.", "INFO [<command-name> ...]",
             "    Return details about multiple Redis commands.",
             "    If no command names are given, documentation details for all",
             "    commands are returned.", "DOCS [<command-name> ...]",
             "    Return documentation details about multiple Redis commands.",
             "    If no command names are given, documentation details for all",
             "    commands are returned.", "GETKEYS <full-command>",
             "    Return the keys from a full Redis command.", "GETKEYSANDFLAGS <full-command>",
             "    Return the keys and the access flags from a full Redis command."});
}

bool CommandHasAclCategory(const CommandSpec& spec, std::string_view category) {
  return HasAclCategory(spec, category);
}

std::span<const std::string_view> AclCategoryNames() { return kAclCategories; }

}  // namespace lrukv::cmd
