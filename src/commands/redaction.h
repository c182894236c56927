// Which arguments of a call Redis 7.0 replaces with "(redacted)" wherever the call is shown
// (MONITOR lines, SLOWLOG entries), as its commands mark them while they parse.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace lrukv::cmd {

inline constexpr std::string_view kRedacted = "(redacted)";

// AUTH's arguments (with 1 or 2 of them: more is a syntax error first); HELLO's AUTH username
// and password, for those AUTH options its parser reached (protocol version 2 or 3, earlier
// options valid); CONFIG SET's values of requirepass / masterauth / masteruser (only when the
// names and values pair up); ACL SETUSER's every argument after SETUSER. `command` is the
// row's full name in any case ("auth", "config|set"); one flag per argument.
//   AUTH a b c -> none;  HELLO 3 SETNAME x AUTH u p -> u and p.
std::vector<bool> RedactedArgs(std::string_view command, std::span<const std::string_view> args);

}  // namespace lrukv::cmd
