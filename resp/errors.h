// Every error text lrukv replies with, in Redis 7.0's exact words (clients and the compat tests
// match on them). Texts carry their code ("ERR", "WRONGTYPE", ...) and no leading '-'.
// Keep one section per command family; add a constant rather than writing a literal elsewhere.
#pragma once

#include <string>
#include <string_view>

namespace lrukv::resp::err {

// ---- Generic ----
inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kOutOfRange = "ERR index out of range";
inline constexpr std::string_view kOom = "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";

// "ERR wrong number of arguments for 'get' command" (the name as the client sent it, lowercased
// as Redis prints it).
std::string WrongNumArgs(std::string_view command);
// "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t nargs);
// "ERR unknown subcommand 'x'. Try CLIENT HELP."
std::string UnknownSubcommand(std::string_view sub, std::string_view command);

// ---- Protocol (the connection is closed after these) ----
inline constexpr std::string_view kProtoInvalidMultibulkLen = "ERR Protocol error: invalid multibulk length";
inline constexpr std::string_view kProtoInvalidBulkLen = "ERR Protocol error: invalid bulk length";
inline constexpr std::string_view kProtoTooBigInline = "ERR Protocol error: too big inline request";
inline constexpr std::string_view kProtoTooBigMultibulk = "ERR Protocol error: too big mbulk count string";
inline constexpr std::string_view kProtoTooBigBulk = "ERR Protocol error: too big bulk count string";
inline constexpr std::string_view kProtoUnbalancedQuotes = "ERR Protocol error: unbalanced quotes in request";

// ---- Connection / server ----
inline constexpr std::string_view kMaxClients = "ERR max number of clients reached";

}  // namespace lrukv::resp::err
