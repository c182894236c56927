// Which arguments Redis 7.0 replaces with "(redacted)" wherever a call is shown (MONITOR,
// SLOWLOG): the redactClientCommandArgument calls of AUTH, HELLO, CONFIG SET and ACL SETUSER.
#include "src/commands/redaction.h"

#include "src/commands/arg_parse.h"
#include "src/commands/number_format.h"

namespace lrukv::cmd {

namespace {

// CONFIG SET directives Redis 7.0 flags SENSITIVE_CONFIG: their values never reach a log.
bool IsSensitiveDirective(std::string_view name) {
  return EqualsIgnoreCase(name, "requirepass") || EqualsIgnoreCase(name, "masterauth") ||
         EqualsIgnoreCase(name, "masteruser");
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]: Redis redacts AUTH's two
// arguments as its option loop reaches them, so nothing is redacted when the protocol version
// is refused, nor past the first bad option.
void RedactHello(std::span<const std::string_view> args, std::vector<bool>& redacted) {
  if (args.size() < 2) return;
  int64_t version = 0;
  if (!ParseInt64(args[1], &version) || version < 2 || version > 3) return;
  for (size_t j = 2; j < args.size(); ++j) {
    const size_t more_args = args.size() - 1 - j;
    if (EqualsIgnoreCase(args[j], "auth") && more_args >= 2) {
      redacted[j + 1] = redacted[j + 2] = true;
      j += 2;
    } else if (EqualsIgnoreCase(args[j], "setname") && more_args >= 1) {
      ++j;
    } else {
      return;
    }
  }
}

}  // namespace

std::vector<bool> RedactedArgs(std::string_view command, std::span<const std::string_view> args) {
  std::vector<bool> redacted(args.size(), false);
  if (EqualsIgnoreCase(command, "auth")) {
    // AUTH with more than 2 arguments is a syntax error, refused before redacting.
    if (args.size() <= 3) {
      for (size_t j = 1; j < args.size(); ++j) redacted[j] = true;
    }
  } else if (EqualsIgnoreCase(command, "hello")) {
    RedactHello(args, redacted);
  } else if (EqualsIgnoreCase(command, "config|set")) {
    // An odd count (a name without its value) is a syntax error, refused before redacting;
    // otherwise every sensitive pair is redacted even when another pair fails.
    if (args.size() % 2 == 0) {
      for (size_t j = 2; j + 1 < args.size(); j += 2) {
        if (IsSensitiveDirective(args[j])) redacted[j + 1] = true;
      }
    }
  } else if (EqualsIgnoreCase(command, "acl|setuser")) {
    for (size_t j = 2; j < args.size(); ++j) redacted[j] = true;
  }
  return redacted;
}

}  // namespace lrukv::cmd
