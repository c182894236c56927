// Access control without a socket: the ACL subcommands for the one default user, SHA-256 (the
// password form ACL LIST prints), rename-command in the command table and the config, and
// HELLO's NOAUTH rule. The same behaviour against redis-server is in
// tests/integration/access_control_test.py.
#include <doctest/doctest.h>

#include <string>

#include "src/commands/sha256.h"
#include "tests/commands/harness.h"

using lrukv::cmd::ApplyCommandRenames;
using lrukv::cmd::Config;
using lrukv::cmd::Sha256Hex;
using lrukv::testing::CommandHarness;

TEST_CASE("SHA-256: FIPS 180-4 vectors, one and two blocks, and a 200-byte message") {
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(Sha256Hex(std::string(200, 'a')) ==
        "c2a908d98f5df987ade41b5fce213067efbcc21ef2240212a41e54b5e7c28ae5");
}

TEST_CASE("ACL WHOAMI / USERS / LIST: the default user, nopass or its password's hash") {
  CommandHarness h;
  CHECK(h.Run({"acl", "whoami"}) == "$7\r\ndefault\r\n");
  CHECK(h.Run({"ACL", "USERS"}) == "*1\r\n$7\r\ndefault\r\n");
  CHECK(h.Run({"ACL", "LIST"}) == "*1\r\n$34\r\nuser default on nopass ~* &* +@all\r\n");
  // Redis 7.0.15 answered this for requirepass "pw2".
  h.config.requirepass = "pw2";
  CHECK(h.Run({"ACL", "LIST"}) ==
        "*1\r\n$93\r\nuser default on "
        "#93915a0a4bf8f634cb1856494dd4304472ad46b9827f541f76b6761c49cc55b0 ~* &* +@all\r\n");
  CHECK(h.Run({"ACL", "WHOAMI", "x"}) ==
        "-ERR wrong number of arguments for 'acl|whoami' command\r\n");
  CHECK(h.Run({"ACL", "SETUSER", "bob"}) == "-ERR unknown subcommand 'SETUSER'. Try ACL HELP.\r\n");
}

TEST_CASE("ACL CAT: the 21 categories, a category's commands, an unknown one") {
  CommandHarness h;
  std::string all = h.Run({"ACL", "CAT"});
  CHECK(all.starts_with("*21\r\n$8\r\nkeyspace\r\n$4\r\nread\r\n"));
  std::string strings = h.Run({"ACL", "CAT", "STRING"});
  CHECK(strings.starts_with("*22\r\n"));
  CHECK(strings.find("$3\r\nget\r\n") != std::string::npos);
  CHECK(strings.find("$6\r\nsetbit\r\n") == std::string::npos);  // @bitmap
  // Subcommands come by their full names, and categories implied by flags count.
  std::string admin = h.Run({"ACL", "CAT", "admin"});
  CHECK(admin.find("$10\r\nconfig|get\r\n") != std::string::npos);
  CHECK(admin.find("$8\r\nacl|list\r\n") != std::string::npos);
  CHECK(h.Run({"ACL", "CAT", "server"}) == "-ERR Unknown category 'server'\r\n");
  CHECK(h.Run({"ACL", "CAT", "a", "b"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'CAT'. Try ACL HELP.\r\n");
}

TEST_CASE("ACL DELUSER / GENPASS / DRYRUN / LOAD for the one default user") {
  CommandHarness h;
  CHECK(h.Run({"ACL", "DELUSER", "x", "default"}) ==
        "-ERR The 'default' user cannot be removed\r\n");
  CHECK(h.Run({"ACL", "DELUSER", "x"}) == ":0\r\n");
  std::string pass = h.Run({"ACL", "GENPASS", "9"});
  REQUIRE(pass.size() == 9);  // "$3\r\n" + 3 hex digits + "\r\n"
  CHECK(pass.starts_with("$3\r\n"));
  CHECK(h.Run({"ACL", "GENPASS", "0"}).starts_with("-ERR ACL GENPASS argument must be"));
  CHECK(h.Run({"ACL", "DRYRUN", "default", "set", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "DRYRUN", "default", "set", "k"}) ==
        "-ERR wrong number of arguments for 'set' command\r\n");
  CHECK(h.Run({"ACL", "DRYRUN", "bob", "get", "k"}) == "-ERR User 'bob' not found\r\n");
  CHECK(h.Run({"ACL", "DRYRUN", "default", "config", "nope"}) ==
        "-ERR Command 'config' not found\r\n");
  CHECK(h.Run({"ACL", "LOAD"})
            .starts_with("-ERR This Redis instance is not configured to use "
                         "an ACL file."));
}

TEST_CASE("rename-command: the new name runs the row, which keeps its own name") {
  CommandHarness h;
  std::string reason;
  REQUIRE(h.table.Rename("GET", "g2", &reason));
  CHECK(h.Run({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"G2", "k"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"get", "k"}) == "-ERR unknown command 'get', with args beginning with: 'k' \r\n");
  CHECK(h.Run({"g2"}) == "-ERR wrong number of arguments for 'get' command\r\n");
  CHECK(h.Run({"COMMAND", "INFO", "get"}) == "*1\r\n$-1\r\n");
  CHECK(h.Run({"COMMAND", "INFO", "g2"}).starts_with("*1\r\n*10\r\n$3\r\nget\r\n"));
  CHECK(h.server.counters.command_stats.count("get") == 1);
  // A container renamed: subcommands follow it, HELP and errors name it as called.
  REQUIRE(h.table.Rename("config", "MyConfig", &reason));
  CHECK(h.Run({"myconfig", "get", "maxkeys"}) == "*2\r\n$7\r\nmaxkeys\r\n$1\r\n0\r\n");
  CHECK(h.Run({"myconfig", "help"})
            .starts_with(
                "*11\r\n+MYCONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"));
  CHECK(h.Run({"myconfig", "nope"}) == "-ERR unknown subcommand 'nope'. Try MYCONFIG HELP.\r\n");
}

TEST_CASE("rename-command to \"\" removes the command; unknown and taken names fail") {
  CommandHarness h;
  const size_t before = h.table.all().size();
  std::string reason;
  REQUIRE(h.table.Rename("flushall", "", &reason));
  CHECK(h.table.all().size() == before - 1);
  CHECK(h.table.Find("flushall") == nullptr);
  CHECK(h.Run({"COMMAND", "COUNT"}) == ":" + std::to_string(before - 1) + "\r\n");
  CHECK_FALSE(h.table.Rename("flushall", "x", &reason));
  CHECK(reason == "No such command in rename-command");
  CHECK_FALSE(h.table.Rename("get", "SET", &reason));
  CHECK(reason == "Target command name already exists");
  // A freed name can be taken by another command.
  REQUIRE(h.table.Rename("flushdb", "flushall", &reason));
  CHECK(h.Run({"FLUSHALL"}) == "+OK\r\n");
}

TEST_CASE("rename-command lines: recorded in order with their line, not a directive") {
  Config config;
  std::string error;
  REQUIRE(config.ApplyArgs(
      {"--rename-command", "FLUSHALL", "", "--port", "7000", "--rename-command", "get", "g2"},
      &error));
  REQUIRE(config.command_renames.size() == 2);
  CHECK(config.command_renames[0].from == "FLUSHALL");
  CHECK(config.command_renames[0].to.empty());
  CHECK(config.command_renames[1].line == "rename-command \"get\" \"g2\"");
  CHECK_FALSE(config.Get("rename-command").has_value());
  CHECK_FALSE(config.Set("rename-command", "x", &error));
  CHECK_FALSE(config.ApplyArgs({"--rename-command", "get"}, &error));
  CHECK(error.ends_with("Bad directive or wrong number of arguments"));

  CommandHarness h;
  Config bad;
  REQUIRE(bad.ApplyArgs({"--rename-command", "nosuch", "x"}, &error));
  CHECK_FALSE(ApplyCommandRenames(bad.command_renames, h.table, &error));
  CHECK(
      error.ends_with(">>> 'rename-command \"nosuch\" \"x\"'\nNo such command in rename-command"));
}

TEST_CASE("HELLO asks the client's own flag: cleared requirepass still needs AUTH for HELLO") {
  CommandHarness h;
  h.config.requirepass = "sec";
  h.client.authenticated = false;  // connected while the password was set
  h.config.requirepass.clear();
  CHECK(h.Run({"PING"}) == "+PONG\r\n");
  CHECK(h.Run({"HELLO", "3"}).starts_with("-NOAUTH HELLO must be called"));
  CHECK(h.Run({"AUTH", "default", "anything"}) == "+OK\r\n");
  CHECK(h.Run({"HELLO", "2"}).starts_with("*14\r\n"));
}

TEST_CASE("HELLO applies AUTH and SETNAME as it parses them, as Redis 7.0") {
  CommandHarness h;
  h.config.requirepass = "sec";
  h.client.authenticated = false;
  CHECK(h.Run({"HELLO", "3", "SETNAME", "early"}).starts_with("-NOAUTH HELLO"));
  CHECK(h.client.name == "early");
  CHECK(h.Run({"HELLO", "3", "AUTH", "default", "sec", "BAD"}) ==
        "-ERR Syntax error in HELLO option 'BAD'\r\n");
  CHECK(h.client.authenticated);
  CHECK(h.client.protocol == 2);
}

TEST_CASE("protected-mode is a typed setting CONFIG SET changes at run time") {
  CommandHarness h;
  CHECK(h.config.protected_mode);
  CHECK(h.Run({"CONFIG", "SET", "protected-mode", "no"}) == "+OK\r\n");
  CHECK_FALSE(h.config.protected_mode);
  CHECK(h.Run({"CONFIG", "GET", "protected-mode"}) ==
        "*2\r\n$14\r\nprotected-mode\r\n$2\r\nno\r\n");
}

TEST_CASE("ACL LOG: failed AUTHs, grouped by user and context within 60 s, newest first") {
  CommandHarness h;
  h.config.requirepass = "sec";
  h.client.authenticated = false;
  CHECK(h.Run({"ACL", "LOG"}) == "-NOAUTH Authentication required.\r\n");
  h.Run({"AUTH", "bad"});
  h.clock.Advance(59000);
  h.Run({"AUTH", "default", "bad"});  // the same entry: user "default", toplevel
  h.Run({"AUTH", "bob", "x"});
  h.Run({"AUTH", "sec"});
  const auto& log = h.server.acl_log.entries();
  REQUIRE(log.size() == 2);
  CHECK(log[0].username == "bob");
  CHECK(log[1].username == "default");
  CHECK(log[1].count == 2);
  CHECK(log[1].client_info.find(" cmd=auth ") != std::string::npos);
  h.clock.Advance(1500);
  std::string one = h.Run({"ACL", "LOG", "1"});
  CHECK(
      one.starts_with("*1\r\n*14\r\n$5\r\ncount\r\n:1\r\n$6\r\nreason\r\n$4\r\nauth\r\n"
                      "$7\r\ncontext\r\n$8\r\ntoplevel\r\n$6\r\nobject\r\n$4\r\nAUTH\r\n"
                      "$8\r\nusername\r\n$3\r\nbob\r\n$11\r\nage-seconds\r\n$3\r\n1.5\r\n"));
  // 61 s after the last failure of "default", a new one starts a new entry.
  h.clock.Advance(61000);
  h.Run({"MULTI"});
  h.Run({"AUTH", "wrong"});
  h.Run({"EXEC"});
  h.Run({"AUTH", "default", "bad"});
  REQUIRE(log.size() == 4);
  CHECK(log[0].count == 1);
  CHECK(log[1].in_multi);
  CHECK(h.Run({"CONFIG", "SET", "acllog-max-len", "2"}) == "+OK\r\n");
  h.Run({"AUTH", "carol", "x"});
  CHECK(log.size() == 2);
  CHECK(h.Run({"ACL", "LOG", "RESET"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "LOG"}) == "*0\r\n");
}
