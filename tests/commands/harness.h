// CommandHarness: runs commands through the real Dispatcher with no socket, under a FakeClock,
// and returns the raw RESP reply bytes, so command tests read like Redis transcripts:
//   CommandHarness h;  CHECK(h.Run({"SET", "k", "v"}) == "+OK\r\n");  h.clock.Advance(1000);
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "resp/reply_writer.h"
#include "src/commands/command_table.h"
#include "src/commands/config.h"
#include "src/commands/server_context.h"
#include "src/engine/clock.h"
#include "src/engine/engine.h"

namespace lrukv::testing {

// A reactor stand-in: one client list the test controls, shutdown recorded instead of done.
class FakeServerControl final : public cmd::ServerControl {
 public:
  cmd::ReactorStats Stats() const override { return stats; }
  void ForEachClient(const std::function<void(cmd::ClientState&)>& fn) override {
    for (auto* c : clients) fn(*c);
  }
  void KillClient(cmd::ClientState& client) override { client.killed = true; }
  void Shutdown() override { shutdown_requested = true; }
  void OnConfigChanged(std::string_view name) override { changed.emplace_back(name); }
  // Records what would be sent to another client (Pub/Sub messages), keyed by client id.
  void Push(cmd::ClientState& client, std::string_view bytes) override {
    pushed[client.id].append(bytes);
  }

  cmd::ReactorStats stats;
  std::vector<cmd::ClientState*> clients;
  bool shutdown_requested = false;
  std::vector<std::string> changed;
  std::map<uint64_t, std::string> pushed;  // client id -> bytes pushed to it, in order
};

class CommandHarness {
 public:
  CommandHarness() : engine(clock), server{engine, config, table, control, {}, }, dispatcher(server) {
    cmd::RegisterAllCommands(table);
    // No automatic snapshots: FLUSHALL would otherwise save a dump into the working directory.
    config.save = "";
    client.id = 1;
    control.clients.push_back(&client);
  }

  // Runs one command as `client` and returns exactly the bytes it replied.
  std::string Run(std::initializer_list<std::string_view> args) {
    return Run(std::vector<std::string_view>(args), client);
  }
  std::string Run(const std::vector<std::string_view>& args) { return Run(args, client); }
  std::string Run(const std::vector<std::string_view>& args, cmd::ClientState& who) {
    std::string out;
    resp::ReplyWriter writer(&out, who.protocol);
    dispatcher.Execute(who, args, writer);
    return out;
  }

  engine::FakeClock clock;
  engine::Engine engine;
  cmd::Config config;
  cmd::CommandTable table;
  FakeServerControl control;
  cmd::ServerContext server;
  cmd::Dispatcher dispatcher;
  cmd::ClientState client;
};

}  // namespace lrukv::testing
