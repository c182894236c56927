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
// Writes (and PING) after a failed background save, while stop-writes-on-bgsave-error is yes.
inline constexpr std::string_view kMisconf =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to "
    "disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB "
    "error.";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";

// "ERR wrong number of arguments for 'get' command" (the name as the client sent it, lowercased
// as Redis prints it).
std::string WrongNumArgs(std::string_view command);
// "ERR unknown command 'foo', with args beginning with: 'a' 'b' ". `name` is argv[0] as sent,
// `args` the nargs arguments after it. As Redis: each echo stops at a NUL byte, the name at 128
// bytes, the arguments once 128 bytes of them are echoed; CR and LF print as spaces.
std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t nargs);
// "ERR unknown subcommand 'x'. Try CLIENT HELP." `sub` is argv[1] (echoed up to 128 bytes),
// `command` the container as sent (printed upper-cased).
std::string UnknownSubcommand(std::string_view sub, std::string_view command);

// ---- Protocol (the connection is closed after these) ----
inline constexpr std::string_view kProtoInvalidMultibulkLen = "ERR Protocol error: invalid multibulk length";
inline constexpr std::string_view kProtoInvalidBulkLen = "ERR Protocol error: invalid bulk length";
inline constexpr std::string_view kProtoTooBigInline = "ERR Protocol error: too big inline request";
inline constexpr std::string_view kProtoTooBigMultibulk = "ERR Protocol error: too big mbulk count string";
inline constexpr std::string_view kProtoTooBigBulk = "ERR Protocol error: too big bulk count string";
inline constexpr std::string_view kProtoUnbalancedQuotes = "ERR Protocol error: unbalanced quotes in request";
// Before AUTH succeeds (requirepass set), Redis caps a request at 10 arguments of 16384 bytes.
inline constexpr std::string_view kProtoUnauthMultibulkLen =
    "ERR Protocol error: unauthenticated multibulk length";
inline constexpr std::string_view kProtoUnauthBulkLen =
    "ERR Protocol error: unauthenticated bulk length";
// "ERR Protocol error: expected '$', got 'x'" (x is the raw byte; CR or LF print as a space).
std::string ProtoExpectedDollar(char got);

// ---- Connection / server ----
inline constexpr std::string_view kMaxClients = "ERR max number of clients reached";
// Sent, then the connection closed, to a client from a non-loopback address while
// protected-mode is on and the default user has no password (Redis 7.0's text, typo included).
inline constexpr std::string_view kProtectedModeDenied =
    "DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from the "
    "loopback interface. If you want to connect from external computers to Redis you may adopt "
    "one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG "
    "SET protected-mode no' from the loopback interface by connecting to Redis from the same "
    "host the server is running, however MAKE SURE Redis is not publicly accessible from "
    "internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively "
    "you can just disable the protected mode by editing the Redis configuration file, and "
    "setting the protected mode option to 'no', and then restarting the server. 3) If you "
    "started the server manually just for testing, restart it with the '--protected-mode no' "
    "option. 4) Setup a an authentication password for the default user. NOTE: You only need to "
    "do one of the above things in order for the server to start accepting connections from the "
    "outside.";

// ---- Keyspace ----
// (MOVE/COPY db indexes that fit a long but not an int answer kIntOutOfRange, defined below.)
inline constexpr std::string_view kSameObject = "ERR source and destination objects are the same";
inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
inline constexpr std::string_view kInvalidFirstDbIndex = "ERR invalid first DB index";
inline constexpr std::string_view kInvalidSecondDbIndex = "ERR invalid second DB index";
inline constexpr std::string_view kExpireNxConflict =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kExpireGtLtConflict =
    "ERR GT and LT options at the same time are not compatible";
inline constexpr std::string_view kLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
    "when switching between policies at runtime LRU and LFU data will take some time to adjust.";
inline constexpr std::string_view kLfuSelected =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";
// "ERR invalid expire time in 'expire' command" (`command` lower case, as Redis prints it).
inline std::string InvalidExpireTime(std::string_view command) {
  std::string s = "ERR invalid expire time in '";
  s.append(command).append("' command");
  return s;
}
// "ERR Unsupported option FOO" (the option as the client sent it).
inline std::string UnsupportedOption(std::string_view option) {
  return std::string("ERR Unsupported option ").append(option);
}

// ---- Dispatcher ----
inline constexpr std::string_view kNotAllowedInMulti = "ERR Command not allowed inside a transaction";

// ---- Transactions (MULTI, EXEC, DISCARD, WATCH) ----
inline constexpr std::string_view kExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";
// EXEC itself rejected (arity, NOAUTH, OOM): this prefix, then the error without its "ERR ".
inline constexpr std::string_view kExecAbortBecauseOf = "EXECABORT Transaction discarded because of: ";
inline constexpr std::string_view kExecWithoutMulti = "ERR EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMulti = "ERR DISCARD without MULTI";
inline constexpr std::string_view kMultiNested = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kWatchInsideMulti = "ERR WATCH inside MULTI is not allowed";

// ---- Connection (AUTH, HELLO, SELECT, CLIENT) ----
inline constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kAuthWithoutPassword =
    "ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?";
inline constexpr std::string_view kNoProto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kProtoVersionNotInteger =
    "ERR Protocol version is not an integer or out of range";
inline constexpr std::string_view kHelloNoAuth =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
    "AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
    "protocol version at the same time";
inline constexpr std::string_view kIntOutOfRange =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
inline constexpr std::string_view kClientNameChars =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kNoSuchClient = "ERR No such client";
inline constexpr std::string_view kInvalidClientId = "ERR Invalid client ID";
inline constexpr std::string_view kClientIdPositive = "ERR client-id should be greater than 0";
inline std::string HelloSyntax(std::string_view option) {  // "ERR Syntax error in HELLO option 'x'"
  return std::string("ERR Syntax error in HELLO option '").append(option).append("'");
}
inline std::string UnknownClientType(std::string_view type) {  // CLIENT LIST/KILL TYPE
  return std::string("ERR Unknown client type '").append(type).append("'");
}
inline std::string NoSuchUser(std::string_view user) {  // CLIENT KILL USER
  return std::string("ERR No such user '").append(user).append("'");
}
inline std::string UnrecognizedOption(std::string_view option) {  // CLIENT SETINFO (7.2)
  return std::string("ERR Unrecognized option '").append(option).append("'");
}
inline constexpr std::string_view kClientCachingNoTracking =
    "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
    "OPTOUT mode enabled";
inline constexpr std::string_view kClientUnblockReason =
    "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR";
// "ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP."
// (a known subcommand whose own argument count check fails, as addReplySubcommandSyntaxError)
inline std::string SubcommandSyntax(std::string_view sub, std::string_view command_upper) {
  return std::string("ERR unknown subcommand or wrong number of arguments for '")
      .append(sub)
      .append("'. Try ")
      .append(command_upper)
      .append(" HELP.");
}
// CLIENT SETINFO (7.2): "ERR lib-name cannot contain spaces, newlines or special characters."
inline std::string ClientAttrChars(std::string_view attr) {
  return std::string("ERR ").append(attr).append(
      " cannot contain spaces, newlines or special characters.");
}

// ---- Strings ----
inline constexpr std::string_view kDecrementOverflow = "ERR decrement would overflow";  // DECRBY
inline constexpr std::string_view kNanOrInfinity = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";  // SETRANGE
inline constexpr std::string_view kStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kLcsLenAndIdx =
    "ERR If you want both the length and indexes, please just use IDX.";
inline constexpr std::string_view kLcsTooBig =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
inline constexpr std::string_view kLcsAllocFailed =
    "ERR Insufficient memory, failed allocating transient memory for LCS";

// ---- Bitmaps ----
inline constexpr std::string_view kBitOffset = "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view kBitValue = "ERR bit is not an integer or out of range";
inline constexpr std::string_view kBitArgument = "ERR The bit argument must be 1 or 0.";  // BITPOS
inline constexpr std::string_view kBitOpNotArgs =
    "ERR BITOP NOT must be called with a single source key.";
inline constexpr std::string_view kBitFieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.";
inline constexpr std::string_view kBitFieldOverflowType = "ERR Invalid OVERFLOW type specified";
inline constexpr std::string_view kBitFieldRoWrite =
    "ERR BITFIELD_RO only supports the GET subcommand";

// ---- Cluster mode (cluster-enabled) ----
inline constexpr std::string_view kClusterDisabled =
    "ERR This instance has cluster support disabled";
inline constexpr std::string_view kCrossSlot =
    "CROSSSLOT Keys in request don't hash to the same slot";
inline constexpr std::string_view kSelectInCluster = "ERR SELECT is not allowed in cluster mode";
inline constexpr std::string_view kMoveInCluster = "ERR MOVE is not allowed in cluster mode";
inline constexpr std::string_view kSwapDbInCluster = "ERR SWAPDB is not allowed in cluster mode";
inline constexpr std::string_view kCopyDbInCluster =
    "ERR Copying to another database is not allowed in cluster mode";
inline constexpr std::string_view kInvalidSlot = "ERR Invalid slot";
inline constexpr std::string_view kInvalidSlotOrCount = "ERR Invalid slot or number of keys";

}  // namespace lrukv::resp::err
