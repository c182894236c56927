// The connection family: PING ECHO QUIT RESET HELLO AUTH SELECT CLIENT. Expected bytes are
// redis-server 7.0.15's (7.2's for CLIENT SETINFO / NO-TOUCH, which 7.0 lacks).
#include <doctest/doctest.h>

#include <string>

#include "harness.h"

namespace lrukv::cmd {
namespace {

using testing::CommandHarness;

std::string HelloReply2(int id) {
  return "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:2\r\n"
         "$2\r\nid\r\n:" +
         std::to_string(id) +
         "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n"
         "*0\r\n";
}

std::string HelloReply3(int id) {
  return "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n"
         "$2\r\nid\r\n:" +
         std::to_string(id) +
         "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n"
         "*0\r\n";
}

TEST_CASE("PING: PONG, or the message as a bulk string, in RESP2 and RESP3") {
  CommandHarness h;
  CHECK(h.Run({"ping"}) == "+PONG\r\n");
  CHECK(h.Run({"ping", "hi"}) == "$2\r\nhi\r\n");
  CHECK(h.Run({"ping", ""}) == "$0\r\n\r\n");
  h.Run({"hello", "3"});
  CHECK(h.Run({"ping"}) == "+PONG\r\n");
  CHECK(h.Run({"ping", "hi"}) == "$2\r\nhi\r\n");
}

TEST_CASE("ECHO: binary-safe bulk reply") {
  CommandHarness h;
  CHECK(h.Run({"echo", std::string_view("a\0\r\nb", 5)}) == std::string("$5\r\na\0\r\nb\r\n", 11));
  CHECK(h.Run({"echo", "x", "y"}) == "-ERR wrong number of arguments for 'echo' command\r\n");
}

TEST_CASE("QUIT: +OK, then the connection is to be closed") {
  CommandHarness h;
  CHECK(h.Run({"quit", "extra"}) == "+OK\r\n");
  CHECK(h.client.close_after_reply);
}

TEST_CASE("SELECT: integer parsing and range as Redis 7.0") {
  CommandHarness h;
  CHECK(h.Run({"select", "15"}) == "+OK\r\n");
  CHECK(h.client.db == 15);
  CHECK(h.Run({"select", "16"}) == "-ERR DB index is out of range\r\n");
  CHECK(h.Run({"select", "-1"}) == "-ERR DB index is out of range\r\n");
  CHECK(h.Run({"select", "x"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"select", "01"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"select", "+1"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"select", "-0"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"select", " 1"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"select", "2147483648"}) ==
        "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  CHECK(h.Run({"select", "99999999999999999999"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.client.db == 15);
  CHECK(h.Run({"select", "0"}) == "+OK\r\n");
  CHECK(h.client.db == 0);
}

TEST_CASE("AUTH without requirepass: password-only form errors, default user takes any") {
  CommandHarness h;
  CHECK(h.Run({"auth", "x"}) ==
        "-ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?\r\n");
  CHECK(h.Run({"auth", "default", "x"}) == "+OK\r\n");
  CHECK(h.Run({"auth", "bob", "x"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(h.Run({"auth", "a", "b", "c"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"auth"}) == "-ERR wrong number of arguments for 'auth' command\r\n");
}

TEST_CASE("AUTH with requirepass: the password, alone or for user default") {
  CommandHarness h;
  h.config.requirepass = "sec";
  h.client.authenticated = false;
  CHECK(h.Run({"auth", "x", "sec"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(h.Run({"auth", "se"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(h.Run({"auth", "secc"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK_FALSE(h.client.authenticated);
  CHECK(h.Run({"auth", "default", "sec"}) == "+OK\r\n");
  CHECK(h.client.authenticated);
  CHECK(h.Run({"auth", "sec"}) == "+OK\r\n");
}

TEST_CASE("HELLO: RESP2 flat array, HELLO 3 a map, and the protocol sticks") {
  CommandHarness h;
  h.client.id = 4;
  CHECK(h.Run({"hello"}) == HelloReply2(4));
  CHECK(h.Run({"HELLO", "2"}) == HelloReply2(4));
  CHECK(h.Run({"hello", "3"}) == HelloReply3(4));
  CHECK(h.client.protocol == 3);
  CHECK(h.Run({"hello"}) == HelloReply3(4));
  CHECK(h.Run({"client", "getname"}) == "_\r\n");
  CHECK(h.Run({"hello", "2"}) == HelloReply2(4));
  CHECK(h.client.protocol == 2);
}

TEST_CASE("HELLO: protocol version and option errors") {
  CommandHarness h;
  CHECK(h.Run({"hello", "4"}) == "-NOPROTO unsupported protocol version\r\n");
  CHECK(h.Run({"hello", "1"}) == "-NOPROTO unsupported protocol version\r\n");
  CHECK(h.Run({"hello", "-1"}) == "-NOPROTO unsupported protocol version\r\n");
  CHECK(h.Run({"hello", "x"}) == "-ERR Protocol version is not an integer or out of range\r\n");
  CHECK(h.Run({"hello", "3", "auth", "default"}) ==
        "-ERR Syntax error in HELLO option 'auth'\r\n");
  CHECK(h.Run({"hello", "3", "foo"}) == "-ERR Syntax error in HELLO option 'foo'\r\n");
  CHECK(h.Run({"hello", "3", "setname"}) == "-ERR Syntax error in HELLO option 'setname'\r\n");
  CHECK(h.Run({"hello", "2", "setname", "a b"}) ==
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  CHECK(h.Run({"hello", "3", "auth", "bob", "x"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(h.client.protocol == 2);
}

TEST_CASE("HELLO: SETNAME (the last one wins) and AUTH in one handshake") {
  CommandHarness h;
  h.config.requirepass = "sec";
  h.client.authenticated = false;
  CHECK(h.Run({"hello", "3"}) ==
        "-NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the "
        "RESP protocol version at the same time\r\n");
  CHECK(h.Run({"hello", "2", "auth", "default", "wrong"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(h.Run({"hello", "3", "AUTH", "default", "sec", "setname", "x", "SETNAME", "y"}) ==
        HelloReply3(1));
  CHECK(h.client.authenticated);
  CHECK(h.client.name == "y");
}

TEST_CASE("RESET: back to a fresh connection") {
  CommandHarness h;
  h.config.requirepass = "sec";
  h.Run({"hello", "3", "auth", "default", "sec", "setname", "nm"});
  h.Run({"select", "3"});
  h.Run({"client", "no-evict", "on"});
  h.Run({"client", "no-touch", "on"});
  h.Run({"watch", "k"});
  h.Run({"multi"});
  CHECK(h.Run({"reset"}) == "+RESET\r\n");
  CHECK(h.client.db == 0);
  CHECK(h.client.protocol == 2);
  CHECK(h.client.name.empty());
  CHECK_FALSE(h.client.in_multi);
  CHECK(h.client.watched.empty());
  CHECK_FALSE(h.client.no_touch);
  CHECK(h.client.no_evict);  // Redis 7.0.15 keeps NO-EVICT across RESET
  CHECK_FALSE(h.client.authenticated);
  CHECK(h.Run({"client", "getname"}) == "-NOAUTH Authentication required.\r\n");
  CHECK(h.Run({"reset", "x"}) == "-ERR wrong number of arguments for 'reset' command\r\n");
}

TEST_CASE("RESET: turns CLIENT REPLY back on") {
  CommandHarness h;
  h.Run({"client", "reply", "off"});
  CHECK(h.Run({"reset"}) == "+RESET\r\n");
  CHECK(h.Run({"ping"}) == "+PONG\r\n");
}

TEST_CASE("CLIENT ID / SETNAME / GETNAME") {
  CommandHarness h;
  h.client.id = 42;
  CHECK(h.Run({"client", "id"}) == ":42\r\n");
  CHECK(h.Run({"client", "getname"}) == "$-1\r\n");
  CHECK(h.Run({"client", "setname", "a b"}) ==
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  CHECK(h.Run({"client", "setname", "a\nb"}) ==
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  CHECK(h.Run({"client", "setname", "nm"}) == "+OK\r\n");
  CHECK(h.Run({"client", "getname"}) == "$2\r\nnm\r\n");
  CHECK(h.Run({"client", "setname", ""}) == "+OK\r\n");
  CHECK(h.Run({"client", "getname"}) == "$-1\r\n");
}

TEST_CASE("CLIENT SETINFO: LIB-NAME and LIB-VER as Redis 7.2") {
  CommandHarness h;
  CHECK(h.Run({"client", "setinfo", "lib-name", "redis-py"}) == "+OK\r\n");
  CHECK(h.Run({"client", "SETINFO", "LIB-VER", "5.0.1"}) == "+OK\r\n");
  CHECK(h.client.lib_name == "redis-py");
  CHECK(h.client.lib_ver == "5.0.1");
  CHECK(h.Run({"client", "setinfo", "lib-foo", "x"}) == "-ERR Unrecognized option 'lib-foo'\r\n");
  CHECK(h.Run({"client", "setinfo", "LIB-NAME", "a b"}) ==
        "-ERR LIB-NAME cannot contain spaces, newlines or special characters.\r\n");
  CHECK(h.Run({"client", "setinfo", "lib-name"}) ==
        "-ERR wrong number of arguments for 'client|setinfo' command\r\n");
}

TEST_CASE("CLIENT REPLY / NO-EVICT / NO-TOUCH take ON or OFF in any case") {
  CommandHarness h;
  CHECK(h.Run({"client", "no-evict", "ON"}) == "+OK\r\n");
  CHECK(h.client.no_evict);
  CHECK(h.Run({"client", "no-evict", "off"}) == "+OK\r\n");
  CHECK_FALSE(h.client.no_evict);
  CHECK(h.Run({"client", "no-evict", "x"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"client", "no-touch", "On"}) == "+OK\r\n");
  CHECK(h.client.no_touch);
  CHECK(h.Run({"client", "no-touch", "maybe"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"client", "no-touch"}) ==
        "-ERR wrong number of arguments for 'client|no-touch' command\r\n");
}

// A client whose transport facts are fixed, so its CLIENT LIST line is predictable.
void FixConnection(CommandHarness& h, ClientState& c, const char* addr, int fd) {
  c.conn.addr = addr;
  c.conn.laddr = "127.0.0.1:6379";
  c.conn.fd = fd;
  c.conn.created_ms = h.clock.NowMs() - 5000;
  c.conn.last_interaction_ms = h.clock.NowMs() - 2000;
  c.conn.query_buffer_bytes = 26;
  c.conn.query_buffer_free = 100;
}

TEST_CASE("CLIENT INFO: Redis 7.0.15's field names and order, bulk in RESP2, verbatim in RESP3") {
  CommandHarness h;
  FixConnection(h, h.client, "127.0.0.1:5000", 8);
  h.client.id = 3;
  h.Run({"client", "setname", "nm"});
  const size_t tot_mem = sizeof(ClientState) + 26 + 100 + 10;
  const std::string line =
      "id=3 addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=8 name=nm age=5 idle=2 flags=N db=0 "
      "sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=100 argv-mem=10 multi-mem=0 rbs=0 rbp=0 "
      "obl=0 oll=0 omem=0 tot-mem=" +
      std::to_string(tot_mem) + " events=r cmd=client|info user=default redir=-1 resp=2\n";
  CHECK(h.Run({"client", "info"}) == "$" + std::to_string(line.size()) + "\r\n" + line + "\r\n");

  h.Run({"hello", "3"});
  h.Run({"client", "no-evict", "on"});
  std::string resp3_line = line;
  resp3_line.replace(resp3_line.find("flags=N"), 7, "flags=e");
  resp3_line.replace(resp3_line.find("resp=2"), 6, "resp=3");
  CHECK(h.Run({"client", "info"}) ==
        "=" + std::to_string(resp3_line.size() + 4) + "\r\ntxt:" + resp3_line + "\r\n");
}

TEST_CASE("CLIENT LIST: every client, TYPE and ID filters, errors as Redis 7.0") {
  CommandHarness h;
  ClientState other;
  other.id = 7;
  other.last_command = "get";
  FixConnection(h, h.client, "127.0.0.1:5000", 8);
  FixConnection(h, other, "127.0.0.1:5001", 9);
  h.control.clients.push_back(&other);

  std::string all = h.Run({"client", "list"});
  CHECK(all.find("id=1 addr=127.0.0.1:5000 ") != std::string::npos);
  CHECK(all.find("cmd=client|list ") != std::string::npos);
  CHECK(all.find("\nid=7 addr=127.0.0.1:5001 laddr=127.0.0.1:6379 fd=9 name= age=5 idle=2 "
                 "flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=100 argv-mem=0 ") !=
        std::string::npos);
  CHECK(all.find(" cmd=get user=default redir=-1 resp=2\n") != std::string::npos);

  std::string only7 = h.Run({"client", "list", "id", "7", "99999"});
  CHECK(only7.starts_with("$"));
  CHECK(only7.find("id=7 ") != std::string::npos);
  CHECK(only7.find("id=1 ") == std::string::npos);
  CHECK(h.Run({"client", "list", "id", "1", "99999"}).find("id=1 ") != std::string::npos);
  CHECK(h.Run({"client", "list", "id", "99999"}) == "$0\r\n\r\n");
  CHECK(h.Run({"client", "list", "type", "normal"}) .find("id=7 ") != std::string::npos);
  CHECK(h.Run({"client", "list", "TYPE", "pubsub"}) == "$0\r\n\r\n");
  CHECK(h.Run({"client", "list", "type", "foo"}) == "-ERR Unknown client type 'foo'\r\n");
  CHECK(h.Run({"client", "list", "id"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"client", "list", "id", "x"}) == "-ERR Invalid client ID\r\n");
  CHECK(h.Run({"client", "list", "foo"}) == "-ERR syntax error\r\n");
}

TEST_CASE("CLIENT LIST: flags show MULTI and a dirty WATCH") {
  CommandHarness h;
  h.Run({"watch", "k"});
  h.Run({"set", "k", "v"});
  h.Run({"multi"});
  h.Run({"ping"});
  ClientState other;
  std::string out = h.Run({"client", "list"}, other);
  CHECK(out.find("flags=xd ") != std::string::npos);
  CHECK(out.find(" multi=1 ") != std::string::npos);
  CHECK(out.find(" cmd=ping ") != std::string::npos);
}

TEST_CASE("CLIENT KILL: old form by address, new form by filters") {
  CommandHarness h;
  ClientState a, b;
  a.id = 10;
  b.id = 11;
  FixConnection(h, h.client, "127.0.0.1:5000", 8);
  FixConnection(h, a, "127.0.0.1:5010", 10);
  FixConnection(h, b, "127.0.0.1:5011", 11);
  b.conn.laddr = "127.0.0.1:7000";
  h.control.clients.push_back(&a);
  h.control.clients.push_back(&b);

  CHECK(h.Run({"client", "kill", "1.2.3.4:5"}) == "-ERR No such client\r\n");
  CHECK(h.Run({"client", "kill", "id"}) == "-ERR No such client\r\n");
  CHECK(h.Run({"client", "kill", "127.0.0.1:5010"}) == "+OK\r\n");
  CHECK(a.killed);
  a.killed = false;

  CHECK(h.Run({"client", "kill", "id", "999"}) == ":0\r\n");
  CHECK(h.Run({"client", "kill", "id", "x"}) == "-ERR client-id should be greater than 0\r\n");
  CHECK(h.Run({"client", "kill", "id", "0"}) == "-ERR client-id should be greater than 0\r\n");
  CHECK(h.Run({"client", "kill", "foo", "bar"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"client", "kill", "a", "b", "c"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"client", "kill", "skipme", "maybe"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"client", "kill", "type", "foo"}) == "-ERR Unknown client type 'foo'\r\n");
  CHECK(h.Run({"client", "kill", "user", "nouser"}) == "-ERR No such user 'nouser'\r\n");
  CHECK(h.Run({"client", "kill"}) == "-ERR wrong number of arguments for 'client|kill' command\r\n");

  CHECK(h.Run({"client", "kill", "laddr", "127.0.0.1:7000"}) == ":1\r\n");
  CHECK(b.killed);
  CHECK_FALSE(a.killed);
  b.killed = false;
  CHECK(h.Run({"client", "kill", "ID", "11", "addr", "127.0.0.1:5010"}) == ":0\r\n");
  // TYPE normal matches everyone but the caller (SKIPME defaults to yes).
  CHECK(h.Run({"client", "kill", "type", "normal"}) == ":2\r\n");
  CHECK(a.killed);
  CHECK(b.killed);
  CHECK_FALSE(h.client.close_after_reply);
  CHECK(h.Run({"client", "kill", "user", "default", "skipme", "no", "id", "1"}) == ":1\r\n");
  CHECK(h.client.close_after_reply);
}

TEST_CASE("CLIENT KILL: the old form may kill the caller, after its reply") {
  CommandHarness h;
  FixConnection(h, h.client, "127.0.0.1:5000", 8);
  CHECK(h.Run({"client", "kill", "127.0.0.1:5000"}) == "+OK\r\n");
  CHECK(h.client.close_after_reply);
  CHECK_FALSE(h.client.killed);
}

TEST_CASE("CLIENT GETREDIR / TRACKINGINFO / CACHING / UNBLOCK / UNPAUSE: nothing tracked, "
          "blocked or paused") {
  CommandHarness h;
  CHECK(h.Run({"client", "getredir"}) == ":-1\r\n");
  CHECK(h.Run({"client", "getredir", "x"}) ==
        "-ERR wrong number of arguments for 'client|getredir' command\r\n");
  CHECK(h.Run({"client", "trackinginfo"}) ==
        "*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n"
        "*0\r\n");
  CHECK(h.Run({"client", "unblock", "5"}) == ":0\r\n");
  CHECK(h.Run({"client", "unblock", "-5"}) == ":0\r\n");
  CHECK(h.Run({"client", "unblock", "5", "error"}) == ":0\r\n");
  CHECK(h.Run({"client", "unblock", "x"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"client", "unblock", "x", "foo"}) ==
        "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n");
  CHECK(h.Run({"client", "unblock", "5", "a", "b"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT "
        "HELP.\r\n");
  CHECK(h.Run({"client", "unpause"}) == "+OK\r\n");
  CHECK(h.Run({"client", "caching", "yes"}) ==
        "-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN "
        "or OPTOUT mode enabled\r\n");
  h.Run({"hello", "3"});
  CHECK(h.Run({"client", "trackinginfo"}) ==
        "%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n"
        "*0\r\n");
}

TEST_CASE("CLIENT HELP: Redis 7.0.15's text") {
  CommandHarness h;
  std::string out = h.Run({"client", "help"});
  CHECK(out.starts_with(
      "*48\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
      "+CACHING (YES|NO)\r\n"
      "+    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.\r\n"));
  CHECK(out.ends_with("+NO-EVICT (ON|OFF)\r\n+    Protect current client connection from "
                      "eviction.\r\n+HELP\r\n+    Prints this help.\r\n"));
  CHECK(out.size() == 1915);  // redis-server 7.0.15: 1915 bytes
}

}  // namespace
}  // namespace lrukv::cmd
