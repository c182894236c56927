// MONITOR: line format, sdscatrepr quoting of every byte, AUTH/HELLO redaction, the commands
// left out, MULTI/EXEC order, RESET and close ending it, and no formatting with no monitor.
// Each expectation was checked against redis-server 7.0.15.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "resp/reply_writer.h"
#include "src/commands/command_table.h"
#include "src/commands/config.h"
#include "src/commands/monitor.h"
#include "src/commands/redaction.h"
#include "src/commands/server_context.h"
#include "src/engine/clock.h"
#include "src/engine/engine.h"

namespace lrukv::cmd {
namespace {

// A reactor stand-in that records every Push by client id.
class RecordingControl final : public ServerControl {
 public:
  ReactorStats Stats() const override { return {}; }
  void ForEachClient(const std::function<void(ClientState&)>& fn) override {
    for (auto* c : clients) fn(*c);
  }
  void KillClient(ClientState& client) override { client.killed = true; }
  void Shutdown() override {}
  void OnConfigChanged(std::string_view) override {}
  void Push(ClientState& client, std::string_view bytes) override {
    pushed[client.id].append(bytes);
  }
  std::vector<ClientState*> clients;
  std::map<uint64_t, std::string> pushed;
};

// Three clients: 1 runs commands, 2 and 3 may monitor. Timestamps are fixed by the test.
struct MonitorHarness {
  MonitorHarness() {
    RegisterAllCommands(table);
    config.save = "";
    for (uint64_t i = 0; i < 3; ++i) {
      clients[i].id = i + 1;
      clients[i].conn.addr = "127.0.0.1:" + std::to_string(5554 + i + 1);
      control.clients.push_back(&clients[i]);
    }
    server.monitors.now_us = [this] { return now_us; };
  }
  std::string Run(ClientState& who, std::vector<std::string_view> args) {
    std::string out;
    resp::ReplyWriter writer(&out, who.protocol);
    dispatcher.Execute(who, args, writer);
    return out;
  }
  std::string Run(std::vector<std::string_view> args) { return Run(clients[0], args); }
  std::string Pushed(int client_index) { return control.pushed[clients[client_index].id]; }

  engine::FakeClock clock;
  engine::Engine engine{clock};
  Config config;
  CommandTable table;
  RecordingControl control;
  ServerContext server{engine, config, table, control, {}};
  Dispatcher dispatcher{server};
  ClientState clients[3];
  int64_t now_us = 1'700'000'000'123'456;
};

std::string Quoted(std::string_view bytes) {
  std::string out;
  AppendQuoted(out, bytes);
  return out;
}

TEST_CASE("MONITOR: +OK, then Redis's line for each command, with the db after the call") {
  MonitorHarness h;
  CHECK(h.Run(h.clients[1], {"MONITOR"}) == "+OK\r\n");
  CHECK(h.Run({"set", "k", "v"}) == "+OK\r\n");
  h.now_us = 1'700'000'001'000'007;
  h.Run({"SELECT", "3"});
  CHECK(h.Pushed(1) ==
        "+1700000000.123456 [0 127.0.0.1:5555] \"set\" \"k\" \"v\"\r\n"
        "+1700000001.000007 [3 127.0.0.1:5555] \"SELECT\" \"3\"\r\n");
  CHECK(h.Pushed(0).empty());
}

TEST_CASE("MONITOR: a unix-socket client shows as unix:<unixsocket>") {
  MonitorHarness h;
  h.config.unixsocket = "/tmp/lrukv.sock";
  h.clients[0].conn.unix_socket = true;
  h.clients[0].conn.addr = "/tmp/lrukv.sock:0";
  h.Run(h.clients[1], {"monitor"});
  h.Run({"ping"});
  CHECK(h.Pushed(1) == "+1700000000.123456 [0 unix:/tmp/lrukv.sock] \"ping\"\r\n");
}

TEST_CASE("MONITOR quoting: every byte as Redis's sdscatrepr writes it") {
  CHECK(Quoted("") == "\"\"");
  CHECK(Quoted("a b~") == "\"a b~\"");
  CHECK(Quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(Quoted("\n\r\t\a\b") == "\"\\n\\r\\t\\a\\b\"");
  CHECK(Quoted(std::string_view("\0\x0b\x0c\x1f\x7f\x80\xff", 7)) ==
        "\"\\x00\\x0b\\x0c\\x1f\\x7f\\x80\\xff\"");
  // All 256 bytes: printable ones (0x20..0x7e) are one character each, except '"' and '\\'.
  for (int b = 0; b < 256; ++b) {
    const char ch = static_cast<char>(b);
    const std::string q = Quoted(std::string_view(&ch, 1));
    const std::string inner = q.substr(1, q.size() - 2);
    if (b == '"' || b == '\\') {
      CHECK(inner == std::string{'\\', ch});
    } else if (b == '\n' || b == '\r' || b == '\t' || b == '\a' || b == '\b') {
      CHECK(inner.size() == 2);
    } else if (b >= 0x20 && b <= 0x7e) {
      CHECK(inner == std::string(1, ch));
    } else {
      CHECK(inner.size() == 4);
      CHECK(inner.starts_with("\\x"));
    }
  }
}

TEST_CASE("MONITOR redaction: AUTH and HELLO AUTH as Redis 7.0 redacts them") {
  using V = std::vector<std::string_view>;
  auto flags = [](V args) { return RedactedArgs(args[0], args); };
  using B = std::vector<bool>;
  CHECK(flags(V{"AUTH", "pw"}) == B{false, true});
  CHECK(flags(V{"auth", "user", "pw"}) == B{false, true, true});
  CHECK(flags(V{"AUTH", "a", "b", "c"}) == B(4, false));  // syntax error before redacting
  CHECK(flags(V{"HELLO", "3", "AUTH", "u", "p"}) == B{false, false, false, true, true});
  CHECK(flags(V{"hello", "2", "setname", "x", "auth", "u", "p", "BOGUS"}) ==
        B{false, false, false, false, false, true, true, false});
  CHECK(flags(V{"HELLO", "2", "BOGUS", "AUTH", "u", "p"}) == B(6, false));
  CHECK(flags(V{"HELLO", "4", "AUTH", "u", "p"}) == B(5, false));   // NOPROTO first
  CHECK(flags(V{"HELLO", "x", "AUTH", "u", "p"}) == B(5, false));   // not an integer
  CHECK(flags(V{"HELLO", "02", "AUTH", "u", "p"}) == B(5, false));  // string2ll refuses it
  CHECK(flags(V{"HELLO", "2", "AUTH", "u"}) == B(4, false));        // AUTH short of 2 args
  CHECK(flags(V{"GET", "auth"}) == B(2, false));

  MonitorHarness h;
  h.Run(h.clients[1], {"MONITOR"});
  h.Run({"AUTH", "user", "secret"});
  CHECK(h.Pushed(1) ==
        "+1700000000.123456 [0 127.0.0.1:5555] \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n");
}

TEST_CASE("MONITOR leaves out admin commands, QUIT, refused and unknown ones") {
  MonitorHarness h;
  h.Run(h.clients[1], {"MONITOR"});
  h.Run({"CONFIG", "GET", "maxmemory"});  // admin
  h.Run({"CLIENT", "LIST"});              // admin subcommand
  h.Run({"MONITOR"});                     // admin (and client 0 now monitors too)
  h.Run(h.clients[2], {"nosuch"});        // unknown
  h.Run(h.clients[2], {"get"});           // arity
  h.Run(h.clients[2], {"CLIENT", "ID"});  // a subcommand that is shown
  h.Run(h.clients[2], {"QUIT"});
  h.Run(h.clients[0], {"QUIT"});           // a monitor that quit gets no more lines
  h.Run(h.clients[2], {"PING"});
  const std::string line = "+1700000000.123456 [0 127.0.0.1:5557] \"CLIENT\" \"ID\"\r\n";
  const std::string ping = "+1700000000.123456 [0 127.0.0.1:5557] \"PING\"\r\n";
  CHECK(h.Pushed(1) == line + ping);
  CHECK(h.Pushed(0) == line);  // several monitors: each gets the line, until it quits
}

TEST_CASE("MONITOR: MULTI, then the queued commands when EXEC runs them, then EXEC") {
  MonitorHarness h;
  h.Run(h.clients[1], {"MONITOR"});
  h.Run({"MULTI"});
  h.Run({"SET", "a", "1"});
  h.Run({"GET", "a"});
  h.Run({"EXEC"});
  h.Run({"MULTI"});
  h.Run({"SET", "a", "1"});
  h.Run({"nosuch"});
  CHECK(h.Run({"EXEC"}).starts_with("-EXECABORT"));
  const std::string p = "+1700000000.123456 [0 127.0.0.1:5555] ";
  CHECK(h.Pushed(1) == p + "\"MULTI\"\r\n" + p + "\"SET\" \"a\" \"1\"\r\n" + p +
                           "\"GET\" \"a\"\r\n" + p + "\"EXEC\"\r\n" + p + "\"MULTI\"\r\n" + p +
                           "\"EXEC\"\r\n");
}

TEST_CASE("MONITOR: inside MULTI it fails at EXEC; a second MONITOR is ignored silently") {
  MonitorHarness h;
  h.Run({"MULTI"});
  CHECK(h.Run({"MONITOR"}) == "+QUEUED\r\n");
  CHECK(h.Run({"EXEC"}) == "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n");
  CHECK(h.server.monitors.empty());
  CHECK(h.Run({"MONITOR"}) == "+OK\r\n");
  CHECK(h.Run({"MONITOR"}).empty());
  CHECK(h.server.monitors.size() == 1);
}

TEST_CASE("MONITOR: a monitor may not touch the keyspace but may PING; CLIENT LIST shows O") {
  MonitorHarness h;
  h.Run(h.clients[1], {"MONITOR"});
  CHECK(h.Run(h.clients[1], {"SET", "k", "v"}) ==
        "-ERR Replica can't interact with the keyspace\r\n");
  CHECK(h.Run(h.clients[1], {"GET", "k"}) ==
        "-ERR Replica can't interact with the keyspace\r\n");
  CHECK(h.Run(h.clients[1], {"PING"}) == "+PONG\r\n");
  CHECK(h.Pushed(1) == "+1700000000.123456 [0 127.0.0.1:5556] \"PING\"\r\n");
  const std::string list = h.Run({"CLIENT", "LIST"});
  CHECK(list.find("id=2 addr=127.0.0.1:5556") != std::string::npos);
  CHECK(list.find("flags=O db=0") != std::string::npos);
}

TEST_CASE("MONITOR: RESET and a closed connection end it; RESET shows to the others") {
  MonitorHarness h;
  h.Run(h.clients[1], {"MONITOR"});
  h.Run(h.clients[2], {"MONITOR"});
  CHECK(h.Run(h.clients[1], {"RESET"}) == "+RESET\r\n");
  CHECK(!h.clients[1].monitor);
  h.Run({"PING"});
  CHECK(h.Pushed(1).empty());
  CHECK(h.Pushed(2) ==
        "+1700000000.123456 [0 127.0.0.1:5556] \"RESET\"\r\n"
        "+1700000000.123456 [0 127.0.0.1:5555] \"PING\"\r\n");
  h.dispatcher.ForgetClient(h.clients[2]);
  CHECK(h.server.monitors.empty());
  CHECK(h.Run(h.clients[1], {"SET", "k", "v"}) == "+OK\r\n");  // a client again
}

TEST_CASE("MONITOR: nothing is formatted while no client monitors") {
  MonitorHarness h;
  for (int i = 0; i < 10; ++i) h.Run({"SET", "k", "v"});
  CHECK(h.server.monitors.lines_formatted() == 0);
  h.Run(h.clients[1], {"MONITOR"});
  h.Run({"SET", "k", "v"});
  CHECK(h.server.monitors.lines_formatted() == 1);
  h.Run(h.clients[1], {"RESET"});
  h.Run({"SET", "k", "v"});
  CHECK(h.server.monitors.lines_formatted() == 1);
  CHECK(h.control.pushed.size() == 1);
}

}  // namespace
}  // namespace lrukv::cmd
