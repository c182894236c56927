// Dispatcher: lookup, arity, NOAUTH, -OOM, stats and CLIENT REPLY modes, checked against the
// replies and INFO counters redis-server 7.0.15 gives for the same command sequences.
#include <doctest/doctest.h>

#include <string>

#include "harness.h"
#include "src/commands/server_context.h"

namespace lrukv::cmd {
namespace {

using testing::CommandHarness;

TEST_CASE("dispatcher: command names are case-insensitive") {
  CommandHarness h;
  CHECK(h.Run({"PiNg"}) == "+PONG\r\n");
  CHECK(h.Run({"ECHO", "x"}) == "$1\r\nx\r\n");
  CHECK(h.Run({"cLiEnT", "GetName"}) == "$-1\r\n");
  CHECK(h.table.Find("PING") == h.table.Find("ping"));
  CHECK(h.table.Find("nosuchcommand") == nullptr);
  CHECK(h.table.Find(std::string(200, 'p')) == nullptr);
}

TEST_CASE("dispatcher: unknown command echoes its arguments as Redis 7.0") {
  CommandHarness h;
  CHECK(h.Run({"foo", "a", "b"}) ==
        "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n");
  CHECK(h.Run({"foo"}) == "-ERR unknown command 'foo', with args beginning with: \r\n");
  CHECK(h.client.last_command == "NULL");
}

TEST_CASE("dispatcher: arity errors name the command, subcommands as parent|sub") {
  CommandHarness h;
  CHECK(h.Run({"ping", "a", "b"}) == "-ERR wrong number of arguments for 'ping' command\r\n");
  CHECK(h.Run({"ECHO"}) == "-ERR wrong number of arguments for 'echo' command\r\n");
  CHECK(h.Run({"CLIENT"}) == "-ERR wrong number of arguments for 'client' command\r\n");
  CHECK(h.Run({"client", "SETNAME"}) ==
        "-ERR wrong number of arguments for 'client|setname' command\r\n");
  CHECK(h.Run({"client", "id", "x"}) ==
        "-ERR wrong number of arguments for 'client|id' command\r\n");
  CHECK(h.Run({"set", "k"}) == "-ERR wrong number of arguments for 'set' command\r\n");
}

TEST_CASE("dispatcher: unknown subcommand suggests HELP of the container") {
  CommandHarness h;
  CHECK(h.Run({"CLIENT", "foo"}) == "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
  CHECK(h.Run({"client", "Foo", "x"}) == "-ERR unknown subcommand 'Foo'. Try CLIENT HELP.\r\n");
}

TEST_CASE("dispatcher: subcommands are stored under their full name") {
  CommandHarness h;
  const CommandSpec* client = h.table.Find("client");
  REQUIRE(client != nullptr);
  const CommandSpec* list = CommandTable::FindSubcommand(*client, "LIST");
  REQUIRE(list != nullptr);
  CHECK(list->name == "client|list");
  h.Run({"client", "id"});
  CHECK(h.client.last_command == "client|id");
}

TEST_CASE("dispatcher: NOAUTH comes after lookup and arity, AUTH and HELLO run before auth") {
  CommandHarness h;
  h.config.requirepass = "sec";
  h.client.authenticated = false;
  CHECK(h.Run({"foo"}) == "-ERR unknown command 'foo', with args beginning with: \r\n");
  CHECK(h.Run({"get"}) == "-ERR wrong number of arguments for 'get' command\r\n");
  CHECK(h.Run({"client", "foo"}) == "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
  CHECK(h.Run({"client", "setname"}) ==
        "-ERR wrong number of arguments for 'client|setname' command\r\n");
  CHECK(h.Run({"get", "k"}) == "-NOAUTH Authentication required.\r\n");
  CHECK(h.Run({"ping"}) == "-NOAUTH Authentication required.\r\n");
  CHECK(h.Run({"multi"}) == "-NOAUTH Authentication required.\r\n");
  CHECK(h.Run({"exec"}) ==
        "-EXECABORT Transaction discarded because of: NOAUTH Authentication required.\r\n");
  CHECK(h.Run({"auth", "wrong"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(h.Run({"ping"}) == "-NOAUTH Authentication required.\r\n");
  CHECK(h.Run({"auth", "sec"}) == "+OK\r\n");
  CHECK(h.Run({"ping"}) == "+PONG\r\n");
  // A failed AUTH does not log an authenticated client out.
  CHECK(h.Run({"auth", "wrong"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(h.Run({"ping"}) == "+PONG\r\n");
}

TEST_CASE("dispatcher: stats count calls, failed and rejected calls and error codes as Redis") {
  // The same sequence against redis-server 7.0.15 gives: multi calls=4 failed=1, watch calls=1
  // failed=1, exec calls=3 rejected=1 failed=2, echo calls=0 rejected=2; errorstat ERR=7,
  // EXECABORT=2; 8 commands processed; ping (queued, then discarded) appears nowhere.
  CommandHarness h;
  CHECK(h.Run({"multi"}) == "+OK\r\n");
  CHECK(h.Run({"multi"}) == "-ERR MULTI calls can not be nested\r\n");
  CHECK(h.Run({"watch", "x"}) == "-ERR WATCH inside MULTI is not allowed\r\n");
  CHECK(h.Run({"exec"}) == "*0\r\n");
  CHECK(h.Run({"multi"}) == "+OK\r\n");
  CHECK(h.Run({"exec", "x"}) ==
        "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' "
        "command\r\n");
  CHECK(h.Run({"exec"}) == "-ERR EXEC without MULTI\r\n");
  CHECK(h.Run({"foo"}) == "-ERR unknown command 'foo', with args beginning with: \r\n");
  CHECK(h.Run({"echo"}) == "-ERR wrong number of arguments for 'echo' command\r\n");
  CHECK(h.Run({"client", "foo"}) == "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
  CHECK(h.Run({"multi"}) == "+OK\r\n");
  CHECK(h.Run({"echo"}) == "-ERR wrong number of arguments for 'echo' command\r\n");
  CHECK(h.Run({"ping"}) == "+QUEUED\r\n");
  CHECK(h.Run({"exec"}) == "-EXECABORT Transaction discarded because of previous errors.\r\n");

  const ServerCounters& c = h.server.counters;
  CHECK(c.total_commands_processed == 8);
  CHECK(c.total_error_replies == 9);
  CHECK(c.error_stats.at("ERR") == 7);
  CHECK(c.error_stats.at("EXECABORT") == 2);
  CHECK(c.error_stats.size() == 2);
  const CommandStat& multi = c.command_stats.at("multi");
  CHECK(multi.calls == 4);
  CHECK(multi.failed_calls == 1);
  CHECK(multi.rejected_calls == 0);
  const CommandStat& exec = c.command_stats.at("exec");
  CHECK(exec.calls == 3);
  CHECK(exec.rejected_calls == 1);
  CHECK(exec.failed_calls == 2);
  const CommandStat& echo = c.command_stats.at("echo");
  CHECK(echo.calls == 0);
  CHECK(echo.rejected_calls == 2);
  CHECK(c.command_stats.at("watch").failed_calls == 1);
  CHECK(c.command_stats.count("ping") == 0);
  CHECK(multi.usec < 1'000'000);  // timed by the TSC: sane, not a wrapped counter
}

TEST_CASE("dispatcher: commands run by EXEC are counted one by one") {
  // redis-server 7.0.15: MULTI, INCR zz, SET zz x, INCR zz, EXEC gives incr calls=2
  // failed_calls=1, set calls=1, and one ERR in errorstats; EXEC itself does not fail.
  CommandHarness h;
  h.Run({"multi"});
  h.Run({"incr", "zz"});
  h.Run({"set", "zz", "x"});
  h.Run({"incr", "zz"});
  CHECK(h.Run({"exec"}) ==
        "*3\r\n:1\r\n+OK\r\n-ERR value is not an integer or out of range\r\n");
  const ServerCounters& c = h.server.counters;
  CHECK(c.total_commands_processed == 5);
  CHECK(c.command_stats.at("incr").calls == 2);
  CHECK(c.command_stats.at("incr").failed_calls == 1);
  CHECK(c.command_stats.at("set").calls == 1);
  CHECK(c.command_stats.at("exec").failed_calls == 0);
  CHECK(c.error_stats.at("ERR") == 1);
}

TEST_CASE("dispatcher: CLIENT REPLY OFF and SKIP drop replies but not their effects") {
  CommandHarness h;
  CHECK(h.Run({"client", "reply", "off"}).empty());
  CHECK(h.Run({"ping"}).empty());
  CHECK(h.Run({"set", "k", "v"}).empty());
  CHECK(h.Run({"foo"}).empty());
  CHECK(h.server.counters.error_stats.at("ERR") == 1);  // errors are still counted
  CHECK(h.Run({"client", "reply", "skip"}).empty());     // SKIP while OFF stays OFF
  CHECK(h.Run({"client", "reply", "on"}) == "+OK\r\n");
  CHECK(h.Run({"get", "k"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"client", "reply", "skip"}).empty());
  CHECK(h.Run({"ping", "1"}).empty());
  CHECK(h.Run({"ping", "2"}) == "$1\r\n2\r\n");
  CHECK(h.Run({"client", "reply", "x"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"client", "reply", "skip", "x"}) ==
        "-ERR wrong number of arguments for 'client|reply' command\r\n");
}

TEST_CASE("dispatcher: over maxmemory, DENYOOM commands and anything queued get -OOM") {
  // redis-server 7.0.15 with maxmemory 1 and noeviction: PING works, SET is refused; inside
  // MULTI even PING and GET are refused, so EXEC aborts; an empty MULTI/EXEC still works.
  CommandHarness h;
  CHECK(h.Run({"set", "a", "b"}) == "+OK\r\n");
  engine::Limits limits;
  limits.maxmemory_bytes = 1;
  limits.policy = engine::EvictionPolicy::kNoEviction;
  h.engine.SetLimits(limits);
  REQUIRE(h.engine.OverMemoryLimit());
  const std::string oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
  CHECK(h.Run({"ping"}) == "+PONG\r\n");
  CHECK(h.Run({"set", "x", "y"}) == oom);
  CHECK(h.Run({"get", "a"}) == "$1\r\nb\r\n");
  CHECK(h.Run({"multi"}) == "+OK\r\n");
  CHECK(h.Run({"ping"}) == oom);
  CHECK(h.Run({"get", "a"}) == oom);
  CHECK(h.Run({"exec"}) == "-EXECABORT Transaction discarded because of previous errors.\r\n");
  CHECK(h.Run({"multi"}) == "+OK\r\n");
  CHECK(h.Run({"exec"}) == "*0\r\n");
  CHECK(h.Run({"multi"}) == "+OK\r\n");
  CHECK(h.Run({"discard"}) == "+OK\r\n");
  CHECK(h.server.counters.command_stats.at("set").rejected_calls == 1);
  CHECK(h.server.counters.error_stats.at("OOM") == 3);
}

// Records what a MONITOR-like observer is told.
struct RecordingObserver : CommandObserver {
  void OnCommand(const CommandEvent& e) override {
    std::string line(e.spec.name);
    for (auto a : e.args) line.append(" ").append(a);
    line.append(" db=").append(std::to_string(e.db));
    seen.push_back(line);
  }
  std::vector<std::string> seen;
};

TEST_CASE("dispatcher: observers see executed commands only, EXEC's one by one") {
  CommandHarness h;
  RecordingObserver rec;
  h.server.command_observers.push_back(&rec);
  h.Run({"PING"});
  h.Run({"foo"});          // unknown: not seen
  h.Run({"echo"});         // arity: not seen
  h.Run({"multi"});
  h.Run({"select", "2"});  // queued: seen when EXEC runs it
  h.Run({"client", "id"});
  h.Run({"exec"});
  h.server.command_observers.clear();
  h.Run({"ping"});
  CHECK(rec.seen == std::vector<std::string>{"ping PING db=0", "multi multi db=0",
                                             "select select 2 db=0",
                                             "client|id client id db=2", "exec exec db=0"});
}

TEST_CASE("dispatcher: an empty request is ignored") {
  CommandHarness h;
  CHECK(h.Run(std::vector<std::string_view>{}).empty());
  CHECK(h.server.counters.total_commands_processed == 0);
}

}  // namespace
}  // namespace lrukv::cmd
