// SLOWLOG and the SlowLog observer: what is logged (threshold, skip_slowlog, max-len), how an
// entry's arguments are truncated and redacted, and SLOWLOG GET/LEN/RESET/HELP replies. Texts
// were captured from redis-server 7.0.15.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "commands/harness.h"
#include "src/commands/slowlog.h"

using lrukv::testing::CommandHarness;

namespace {

// A parsed RESP2 reply: an integer, a bulk/simple/error string, or an array of replies.
struct Reply {
  char kind = 0;  // ':' '$' '+' '-' '*'
  int64_t integer = 0;
  std::string text;
  std::vector<Reply> items;
};

Reply Parse(const std::string& in, size_t& pos) {
  Reply r;
  r.kind = in.at(pos);
  size_t eol = in.find("\r\n", pos);
  std::string line = in.substr(pos + 1, eol - pos - 1);
  pos = eol + 2;
  if (r.kind == ':') {
    r.integer = std::stoll(line);
  } else if (r.kind == '$') {
    size_t n = std::stoul(line);
    r.text = in.substr(pos, n);
    pos += n + 2;
  } else if (r.kind == '*') {
    size_t n = std::stoul(line);
    for (size_t i = 0; i < n; ++i) r.items.push_back(Parse(in, pos));
  } else {
    r.text = line;
  }
  return r;
}

Reply Parse(const std::string& in) {
  size_t pos = 0;
  Reply r = Parse(in, pos);
  REQUIRE(pos == in.size());
  return r;
}

// The args of each entry SLOWLOG GET -1 prints, newest first.
std::vector<std::vector<std::string>> LoggedArgs(CommandHarness& h) {
  Reply all = Parse(h.Run({"SLOWLOG", "GET", "-1"}));
  REQUIRE(all.kind == '*');
  std::vector<std::vector<std::string>> out;
  for (const Reply& e : all.items) {
    REQUIRE(e.items.size() == 6);
    std::vector<std::string> args;
    for (const Reply& a : e.items[3].items) args.push_back(a.text);
    out.push_back(args);
  }
  return out;
}

// A harness that logs every call.
struct LogAll : CommandHarness {
  LogAll() {
    config.slowlog_log_slower_than_us = 0;
    Run({"SLOWLOG", "RESET"});
  }
};

}  // namespace

TEST_CASE("SLOWLOG GET: an entry is id, unix time, duration, args, client addr and name") {
  LogAll h;
  h.client.conn.addr = "127.0.0.1:50000";
  h.client.name = "worker";
  h.clock.Set(1'795'000'000'123);
  h.Run({"SET", "k", "v"});
  Reply r = Parse(h.Run({"SLOWLOG", "GET"}));
  REQUIRE(r.items.size() == 2);  // SET, then the RESET before it
  const Reply& e = r.items[0];
  REQUIRE(e.items.size() == 6);
  CHECK(e.items[0].kind == ':');
  CHECK(e.items[0].integer == r.items[1].items[0].integer + 1);
  CHECK(e.items[1].integer == 1'795'000'000);
  CHECK(e.items[2].kind == ':');
  CHECK(e.items[2].integer >= 0);
  REQUIRE(e.items[3].items.size() == 3);
  CHECK(e.items[3].items[0].text == "SET");
  CHECK(e.items[3].items[2].text == "v");
  CHECK(e.items[4].text == "127.0.0.1:50000");
  CHECK(e.items[5].kind == '$');
  CHECK(e.items[5].text == "worker");
}

TEST_CASE("SLOWLOG GET: the timestamp is the wall clock's, kept when the clock steps again") {
  LogAll h;
  h.clock.Set(1'795'000'000'123);
  h.clock.StepWall(3'600'000);  // the wall clock an hour ahead; engine time unmoved
  h.Run({"PING"});
  h.clock.StepWall(-3'600'000);
  h.Run({"PING"});
  Reply r = Parse(h.Run({"SLOWLOG", "GET"}));
  REQUIRE(r.items.size() == 3);  // the second PING, the first, the RESET
  CHECK(r.items[0].items[1].integer == 1'795'000'000);
  CHECK(r.items[1].items[1].integer == 1'795'003'600);
}

TEST_CASE("SLOWLOG: the default threshold skips fast calls and logs a DEBUG SLEEP over it") {
  CommandHarness h;
  h.config.slowlog_log_slower_than_us = 10000;
  h.Run({"SET", "k", "v"});
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":0\r\n");
  h.Run({"DEBUG", "SLEEP", "0.02"});
  auto logged = LoggedArgs(h);
  REQUIRE(logged.size() == 1);
  CHECK(logged[0] == std::vector<std::string>{"DEBUG", "SLEEP", "0.02"});
  Reply e = Parse(h.Run({"SLOWLOG", "GET"})).items[0];
  CHECK(e.items[2].integer >= 20000);
}

TEST_CASE("SLOWLOG: slowlog-log-slower-than -1 logs nothing, 0 logs everything") {
  CommandHarness h;
  h.config.slowlog_log_slower_than_us = -1;
  h.Run({"DEBUG", "SLEEP", "0.001"});
  h.Run({"PING"});
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":0\r\n");
  h.config.slowlog_log_slower_than_us = 0;
  h.Run({"PING"});
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":1\r\n");  // PING (LEN itself is logged after replying)
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":2\r\n");
}

TEST_CASE("SLOWLOG: CONFIG SET of the threshold and max-len apply to the next call") {
  CommandHarness h;
  CHECK(h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "0"}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "SET", "slowlog-max-len", "3"}) == "+OK\r\n");
  for (int i = 0; i < 5; ++i) h.Run({"PING"});
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":3\r\n");
  CHECK(h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "-2"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - "
        "argument must be between -1 and 9223372036854775807 inclusive\r\n");
  CHECK(h.Run({"CONFIG", "SET", "slowlog-max-len", "-1"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument "
        "must be between 0 and 9223372036854775807 inclusive\r\n");
  CHECK(h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "abc"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - "
        "argument couldn't be parsed into an integer\r\n");
}

TEST_CASE("SLOWLOG: slowlog-max-len keeps the newest entries, 0 keeps none") {
  LogAll h;
  h.config.slowlog_max_len = 2;
  h.Run({"ECHO", "a"});
  h.Run({"ECHO", "b"});
  h.Run({"ECHO", "c"});
  auto logged = LoggedArgs(h);
  REQUIRE(logged.size() == 2);
  CHECK(logged[0] == std::vector<std::string>{"ECHO", "c"});
  CHECK(logged[1] == std::vector<std::string>{"ECHO", "b"});
  h.config.slowlog_max_len = 0;
  h.Run({"ECHO", "d"});
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":0\r\n");
}

TEST_CASE("SLOWLOG: ids keep increasing across RESET") {
  LogAll h;
  h.Run({"PING"});
  int64_t before = Parse(h.Run({"SLOWLOG", "GET", "1"})).items[0].items[0].integer;
  CHECK(h.Run({"SLOWLOG", "RESET"}) == "+OK\r\n");
  Reply after = Parse(h.Run({"SLOWLOG", "GET"}));
  REQUIRE(after.items.size() == 1);  // the RESET
  CHECK(after.items[0].items[3].items[1].text == "RESET");
  CHECK(after.items[0].items[0].integer == before + 2);  // the GET, then the RESET
}

TEST_CASE("SLOWLOG: EXEC (skip_slowlog) is not logged, the commands it runs are") {
  LogAll h;
  h.Run({"MULTI"});
  h.Run({"SET", "k", "v"});
  h.Run({"EXEC"});
  auto logged = LoggedArgs(h);
  REQUIRE(logged.size() == 3);
  CHECK(logged[0] == std::vector<std::string>{"SET", "k", "v"});
  CHECK(logged[1] == std::vector<std::string>{"MULTI"});
}

TEST_CASE("SLOWLOG: rejected calls (unknown, arity) are not logged") {
  LogAll h;
  h.Run({"NOSUCH"});
  h.Run({"GET"});
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":1\r\n");  // the RESET
}

TEST_CASE("SlowLogArgs: 32 arguments are kept, 33 become 31 and '... (2 more arguments)'") {
  std::vector<std::string> words;
  for (int i = 0; i < 40; ++i) words.push_back(std::to_string(i));
  std::vector<std::string_view> args(words.begin(), words.end());
  auto kept = lrukv::cmd::SlowLogArgs("rpush", std::span(args).first(32));
  CHECK(kept.size() == 32);
  CHECK(kept.back() == "31");
  auto cut = lrukv::cmd::SlowLogArgs("rpush", std::span(args).first(33));
  REQUIRE(cut.size() == 32);
  CHECK(cut[30] == "30");
  CHECK(cut[31] == "... (2 more arguments)");
  CHECK(lrukv::cmd::SlowLogArgs("rpush", args).back() == "... (9 more arguments)");
}

TEST_CASE("SLOWLOG: arguments over 128 bytes are cut with '... (N more bytes)'") {
  LogAll h;
  std::string exact(128, 'a'), longer(200, 'b');
  h.Run({"SET", exact, longer});
  auto logged = LoggedArgs(h);
  REQUIRE(logged[0].size() == 3);
  CHECK(logged[0][1] == exact);
  CHECK(logged[0][2] == std::string(128, 'b') + "... (72 more bytes)");
}

TEST_CASE("SLOWLOG: AUTH's arguments are redacted, unless AUTH has more than two") {
  LogAll h;
  h.Run({"AUTH", "secret"});
  h.Run({"AUTH", "user", "secret"});
  h.Run({"AUTH", "a", "b", "c"});
  auto logged = LoggedArgs(h);
  CHECK(logged[0] == std::vector<std::string>{"AUTH", "a", "b", "c"});
  CHECK(logged[1] == std::vector<std::string>{"AUTH", "(redacted)", "(redacted)"});
  CHECK(logged[2] == std::vector<std::string>{"AUTH", "(redacted)"});
}

TEST_CASE("SLOWLOG: HELLO redacts AUTH's username and password once its parser reaches them") {
  using lrukv::cmd::SlowLogArgs;
  using V = std::vector<std::string>;
  std::vector<std::string_view> ok = {"hello", "3", "AUTH", "u", "p", "SETNAME", "n"};
  CHECK(SlowLogArgs("hello", ok) == V{"hello", "3", "AUTH", "(redacted)", "(redacted)",
                                      "SETNAME", "n"});
  std::vector<std::string_view> after_name = {"hello", "2", "setname", "n", "auth", "u", "p"};
  CHECK(SlowLogArgs("hello", after_name) ==
        V{"hello", "2", "setname", "n", "auth", "(redacted)", "(redacted)"});
  std::vector<std::string_view> short_auth = {"hello", "2", "auth", "default"};
  CHECK(SlowLogArgs("hello", short_auth) == V{"hello", "2", "auth", "default"});
  std::vector<std::string_view> bad_version = {"hello", "4", "auth", "u", "p"};
  CHECK(SlowLogArgs("hello", bad_version) == V{"hello", "4", "auth", "u", "p"});
  std::vector<std::string_view> bad_option = {"hello", "3", "bogus", "auth", "u", "p"};
  CHECK(SlowLogArgs("hello", bad_option) == V{"hello", "3", "bogus", "auth", "u", "p"});
  // Through the Dispatcher too: the entry carries the name HELLO just set.
  LogAll h;
  h.Run({"HELLO", "2", "AUTH", "default", "pw", "SETNAME", "nm"});
  Reply e = Parse(h.Run({"SLOWLOG", "GET", "1"})).items[0];
  CHECK(e.items[3].items[3].text == "(redacted)");
  CHECK(e.items[3].items[4].text == "(redacted)");
}

TEST_CASE("SLOWLOG: CONFIG SET redacts requirepass, masterauth and masteruser values") {
  using lrukv::cmd::SlowLogArgs;
  using V = std::vector<std::string>;
  std::vector<std::string_view> pairs = {"config", "set", "REQUIREPASS", "x", "maxkeys", "1",
                                         "masterauth", "y", "masteruser", "z"};
  CHECK(SlowLogArgs("config|set", pairs) == V{"config", "set", "REQUIREPASS", "(redacted)",
                                              "maxkeys", "1", "masterauth", "(redacted)",
                                              "masteruser", "(redacted)"});
  std::vector<std::string_view> odd = {"config", "set", "requirepass", "a", "b"};
  CHECK(SlowLogArgs("config|set", odd) == V{"config", "set", "requirepass", "a", "b"});
  std::vector<std::string_view> acl = {"acl", "setuser", "bob", "on", ">pw"};
  CHECK(SlowLogArgs("acl|setuser", acl) ==
        V{"acl", "setuser", "(redacted)", "(redacted)", "(redacted)"});
  LogAll h;
  h.Run({"CONFIG", "SET", "requirepass", ""});
  CHECK(LoggedArgs(h)[0] == V{"CONFIG", "SET", "requirepass", "(redacted)"});
}

TEST_CASE("SLOWLOG GET: count default 10, -1 all, 0 none; bad counts refused") {
  LogAll h;
  for (int i = 0; i < 15; ++i) h.Run({"PING"});
  CHECK(Parse(h.Run({"SLOWLOG", "GET"})).items.size() == 10);
  CHECK(Parse(h.Run({"SLOWLOG", "GET", "3"})).items.size() == 3);
  CHECK(h.Run({"SLOWLOG", "GET", "0"}) == "*0\r\n");
  CHECK(Parse(h.Run({"SLOWLOG", "GET", "-1"})).items.size() == 19);  // RESET, 15 PINGs, 3 GETs
  CHECK(Parse(h.Run({"SLOWLOG", "GET", "1000"})).items.size() == 20);
  const std::string bad = "-ERR count should be greater than or equal to -1\r\n";
  CHECK(h.Run({"SLOWLOG", "GET", "-2"}) == bad);
  CHECK(h.Run({"SLOWLOG", "GET", "x"}) == bad);
  CHECK(h.Run({"SLOWLOG", "GET", "99999999999999999999"}) == bad);
  CHECK(h.Run({"slowlog", "GET", "1", "2"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.\r\n");
}

TEST_CASE("SLOWLOG: LEN, RESET, HELP and errors as Redis 7.0.15") {
  CommandHarness h;
  CHECK(h.Run({"SLOWLOG", "HELP"}) ==
        "*12\r\n"
        "+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
        "+GET [<count>]\r\n"
        "+    Return top <count> entries from the slowlog (default: 10, -1 mean all).\r\n"
        "+    Entries are made of:\r\n"
        "+    id, timestamp, time in microseconds, arguments array, client IP and port,\r\n"
        "+    client name\r\n"
        "+LEN\r\n"
        "+    Return the length of the slowlog.\r\n"
        "+RESET\r\n"
        "+    Reset the slowlog.\r\n"
        "+HELP\r\n"
        "+    Prints this help.\r\n");
  CHECK(h.Run({"SLOWLOG"}) == "-ERR wrong number of arguments for 'slowlog' command\r\n");
  CHECK(h.Run({"SLOWLOG", "LEN", "x"}) ==
        "-ERR wrong number of arguments for 'slowlog|len' command\r\n");
  CHECK(h.Run({"SLOWLOG", "RESET", "x"}) ==
        "-ERR wrong number of arguments for 'slowlog|reset' command\r\n");
  CHECK(h.Run({"SLOWLOG", "HELP", "x"}) ==
        "-ERR wrong number of arguments for 'slowlog|help' command\r\n");
  CHECK(h.Run({"SLOWLOG", "foo"}) == "-ERR unknown subcommand 'foo'. Try SLOWLOG HELP.\r\n");
  CHECK(h.Run({"SLOWLOG", "RESET"}) == "+OK\r\n");
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":0\r\n");
}
