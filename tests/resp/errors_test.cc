// Error texts built from request bytes. Every expectation is redis-server 7.0.15's reply to the
// same request (its leading '-' and trailing CRLF stripped).
#include "resp/errors.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace lrukv::resp::err {
namespace {

std::string Unknown(std::string_view name, const std::vector<std::string_view>& args) {
  return UnknownCommand(name, args.data(), args.size());
}

TEST_CASE("errors: wrong number of arguments names the command in lower case") {
  CHECK(WrongNumArgs("GET") == "ERR wrong number of arguments for 'get' command");
  CHECK(WrongNumArgs("get") == "ERR wrong number of arguments for 'get' command");
  CHECK(WrongNumArgs("config|get") == "ERR wrong number of arguments for 'config|get' command");
  CHECK(WrongNumArgs("CONFIG|GET") == "ERR wrong number of arguments for 'config|get' command");
}

TEST_CASE("errors: unknown command echoes the name as sent and each argument quoted") {
  CHECK(Unknown("Foo", {}) == "ERR unknown command 'Foo', with args beginning with: ");
  CHECK(Unknown("FOO", {"a b", "c"}) ==
        "ERR unknown command 'FOO', with args beginning with: 'a b' 'c' ");
  CHECK(Unknown("foo", {""}) == "ERR unknown command 'foo', with args beginning with: '' ");
  // Bytes are not escaped.
  CHECK(Unknown("FOO", {"\x01\xff\x7f", "b"}) ==
        "ERR unknown command 'FOO', with args beginning with: '\x01\xff\x7f' 'b' ");
}

TEST_CASE("errors: unknown command cuts at a NUL and turns CR and LF into spaces") {
  using namespace std::string_literals;
  CHECK(Unknown("PI\0G"s, {}) == "ERR unknown command 'PI', with args beginning with: ");
  CHECK(Unknown("FOO", {"\0\x01\xff"s, "\r\n", "d"}) ==
        "ERR unknown command 'FOO', with args beginning with: '' '  ' 'd' ");
  CHECK(Unknown("\r\nfoo", {"\r\n"}) ==
        "ERR unknown command '  foo', with args beginning with: '  ' ");
}

TEST_CASE("errors: unknown command echoes at most 128 bytes of name and of arguments") {
  std::string a200(200, 'a'), a100(100, 'a'), a126(126, 'a'), a125(125, 'a'), b100(100, 'b');
  const std::string prefix = "ERR unknown command 'FOO', with args beginning with: ";
  CHECK(Unknown("FOO", {a200, "b"}) == prefix + "'" + std::string(128, 'a') + "' ");
  // The second argument gets what is left of the 128 bytes: 128 - 103 = 25.
  CHECK(Unknown("FOO", {a100, b100, "c"}) ==
        prefix + "'" + a100 + "' '" + std::string(25, 'b') + "' ");
  CHECK(Unknown("FOO", {a126, b100, "c"}) == prefix + "'" + a126 + "' ");
  CHECK(Unknown("FOO", {a125, b100, "c"}) == prefix + "'" + a125 + "' ");
  std::string long_name = "FOO" + std::string(200, 'c');
  CHECK(Unknown(long_name, {"x"}) ==
        "ERR unknown command '" + long_name.substr(0, 128) + "', with args beginning with: 'x' ");
}

TEST_CASE("errors: unknown subcommand upper-cases the container and cuts the subcommand") {
  CHECK(UnknownSubcommand("foo", "CONFIG") == "ERR unknown subcommand 'foo'. Try CONFIG HELP.");
  CHECK(UnknownSubcommand("FOO", "config") == "ERR unknown subcommand 'FOO'. Try CONFIG HELP.");
  std::string z200(200, 'z');
  CHECK(UnknownSubcommand(z200, "client") ==
        "ERR unknown subcommand '" + std::string(128, 'z') + "'. Try CLIENT HELP.");
  CHECK(UnknownSubcommand("\r\nx", "config") == "ERR unknown subcommand '  x'. Try CONFIG HELP.");
  CHECK(UnknownSubcommand("x\r\n", "config") == "ERR unknown subcommand 'x  '. Try CONFIG HELP.");
}

TEST_CASE("errors: expected '$' shows the byte found, CR or LF as a space") {
  CHECK(ProtoExpectedDollar('x') == "ERR Protocol error: expected '$', got 'x'");
  CHECK(ProtoExpectedDollar('\r') == "ERR Protocol error: expected '$', got ' '");
  CHECK(ProtoExpectedDollar('\n') == "ERR Protocol error: expected '$', got ' '");
}

}  // namespace
}  // namespace lrukv::resp::err
