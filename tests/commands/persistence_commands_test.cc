// The persistence family through the Dispatcher: SAVE and BGSAVE write the dump, the child is
// reaped by PersistenceCron, save points start a BGSAVE, -MISCONF after a failed one, the
// final save of SHUTDOWN, DEBUG RELOAD.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "src/commands/persistence.h"
#include "harness.h"
#include "support/temp_dir.h"

namespace lrukv::testing {
namespace {

constexpr std::string_view kMisconfPrefix = "-MISCONF Redis is configured to save RDB snapshots";


// Runs the cron until the BGSAVE child is reaped (at most ~10 s).
void WaitBackgroundSave(CommandHarness& h) {
  for (int i = 0; i < 2000 && cmd::BackgroundSaveInProgress(h.server); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    cmd::PersistenceCron(h.server, h.clock.NowMs());
  }
  REQUIRE_FALSE(cmd::BackgroundSaveInProgress(h.server));
}

std::string InfoField(CommandHarness& h, const std::string& name) {
  std::string info = h.Run({"INFO", "persistence"});
  size_t at = info.find("\r\n" + name + ":");
  REQUIRE(at != std::string::npos);
  at += name.size() + 3;
  return info.substr(at, info.find("\r\n", at) - at);
}

}  // namespace

TEST_CASE("SAVE writes the dump, resets the change counter and stamps LASTSAVE") {
  TempDir dir;
  CommandHarness h;
  h.config.dir = dir.path;
  h.Run({"SET", "a", "1"});
  h.Run({"SET", "b", "2", "PX", "100000"});
  CHECK(InfoField(h, "rdb_changes_since_last_save") == "2");
  h.clock.Advance(5000);
  CHECK(h.Run({"SAVE"}) == "+OK\r\n");
  CHECK(InfoField(h, "rdb_changes_since_last_save") == "0");
  CHECK(InfoField(h, "rdb_saves") == "1");
  CHECK(InfoField(h, "dump_last_keys") == "2");
  const std::string dump = ReadFileBytes(dir.path + "/dump.json");
  CHECK(InfoField(h, "dump_last_bytes") == std::to_string(dump.size()));
  CHECK(dump.find("\"key\":\"b\"") != std::string::npos);
  CHECK(h.Run({"LASTSAVE"}) == ":" + std::to_string(h.clock.NowMs() / 1000) + "\r\n");
}

TEST_CASE("SAVE into a missing directory fails with the reason and counts nothing") {
  CommandHarness h;
  h.config.dir = "/nonexistent-lrukv-dir";
  h.Run({"SET", "a", "1"});
  std::string reply = h.Run({"SAVE"});
  CHECK(reply.starts_with("-ERR Error saving the dump: "));
  CHECK(reply.find("No such file or directory") != std::string::npos);
  CHECK(InfoField(h, "rdb_changes_since_last_save") == "1");
  CHECK(InfoField(h, "rdb_saves") == "0");
}

TEST_CASE("BGSAVE forks a child that writes the dump; the cron reaps it") {
  TempDir dir;
  CommandHarness h;
  h.config.dir = dir.path;
  for (int i = 0; i < 1000; ++i) h.Run({"SET", "k" + std::to_string(i), "v"});
  CHECK(h.Run({"BGSAVE", "now"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BGSAVE"}) == "+Background saving started\r\n");
  // While the child runs a second BGSAVE, SCHEDULE or not, or a SAVE is refused (Redis 7.0).
  if (cmd::BackgroundSaveInProgress(h.server)) {
    CHECK(h.Run({"BGSAVE"}) == "-ERR Background save already in progress\r\n");
    CHECK(h.Run({"SAVE"}) == "-ERR Background save already in progress\r\n");
    CHECK(h.Run({"BGSAVE", "SCHEDULE"}) == "-ERR Background save already in progress\r\n");
  }
  WaitBackgroundSave(h);
  CHECK(InfoField(h, "rdb_last_bgsave_status") == "ok");
  CHECK(InfoField(h, "dump_last_keys") == "1000");
  CHECK(InfoField(h, "rdb_changes_since_last_save") == "0");
  CHECK(ReadFileBytes(dir.path + "/dump.json").find("\"key\":\"k999\"") != std::string::npos);
}

TEST_CASE("a failed BGSAVE turns writes and PING into -MISCONF while save points exist") {
  CommandHarness h;
  h.config.dir = "/nonexistent-lrukv-dir";
  h.config.save = "3600 1";
  h.Run({"SET", "a", "1"});
  CHECK(h.Run({"BGSAVE"}) == "+Background saving started\r\n");
  WaitBackgroundSave(h);
  CHECK(InfoField(h, "rdb_last_bgsave_status") == "err");
  CHECK(h.Run({"SET", "a", "2"}).starts_with(kMisconfPrefix));
  CHECK(h.Run({"PING"}).starts_with(kMisconfPrefix));
  CHECK(h.Run({"GET", "a"}) == "$1\r\n1\r\n");
  // Inside MULTI the write is refused when queued (Redis checks before queueing).
  h.Run({"MULTI"});
  CHECK(h.Run({"SET", "a", "3"}).starts_with(kMisconfPrefix));
  CHECK(h.Run({"EXEC"}).starts_with("-EXECABORT"));

  SUBCASE("stop-writes-on-bgsave-error no lets writes through") {
    h.config.stop_writes_on_bgsave_error = false;
    CHECK(h.Run({"SET", "a", "2"}) == "+OK\r\n");
  }
  SUBCASE("no save points: writes go through") {
    h.config.save = "";
    CHECK(h.Run({"SET", "a", "2"}) == "+OK\r\n");
  }
  SUBCASE("a good SAVE clears the error") {
    TempDir dir;
    h.config.dir = dir.path;
    CHECK(h.Run({"SAVE"}) == "+OK\r\n");
    CHECK(h.Run({"SET", "a", "2"}) == "+OK\r\n");
  }
}

TEST_CASE("a save point starts a BGSAVE once its changes and seconds are reached") {
  TempDir dir;
  CommandHarness h;
  h.config.dir = dir.path;
  h.config.save = "10 2";
  h.server.counters.last_save_time_s = h.clock.NowMs() / 1000;
  h.Run({"SET", "a", "1"});
  h.clock.Advance(60'000);
  cmd::PersistenceCron(h.server, h.clock.NowMs());
  CHECK_FALSE(cmd::BackgroundSaveInProgress(h.server));  // 1 change < 2
  h.Run({"SET", "b", "1"});
  cmd::PersistenceCron(h.server, h.clock.NowMs());
  CHECK(InfoField(h, "rdb_bgsave_in_progress") == "1");
  WaitBackgroundSave(h);
  CHECK(InfoField(h, "rdb_saves") == "1");
  CHECK(InfoField(h, "rdb_changes_since_last_save") == "0");
}

TEST_CASE("LASTSAVE and rdb_last_save_time: the wall clock at the save, not engine time") {
  TempDir dir;
  CommandHarness h;
  h.config.dir = dir.path;
  h.clock.Set(1'795'000'000'500);
  h.clock.StepWall(3'600'000);  // the wall clock stepped an hour ahead since the start
  CHECK(h.Run({"SAVE"}) == "+OK\r\n");
  CHECK(h.Run({"LASTSAVE"}) == ":1795003600\r\n");
  CHECK(InfoField(h, "rdb_last_save_time") == "1795003600");
  h.clock.StepWall(-3'600'000);  // stepping back does not move a recorded time
  CHECK(h.Run({"LASTSAVE"}) == ":1795003600\r\n");
}

TEST_CASE("SHUTDOWN saves first when save points exist, and stays up when that save fails") {
  TempDir dir;
  CommandHarness h;
  h.config.dir = dir.path;
  h.config.save = "3600 1";
  h.Run({"SET", "a", "1"});
  SUBCASE("default with save points: saves, then shuts down") {
    CHECK(h.Run({"SHUTDOWN"}).empty());
    CHECK(h.control.shutdown_requested);
    CHECK(ReadFileBytes(dir.path + "/dump.json").find("\"key\":\"a\"") != std::string::npos);
  }
  SUBCASE("NOSAVE: no dump") {
    CHECK(h.Run({"SHUTDOWN", "NOSAVE"}).empty());
    CHECK(h.control.shutdown_requested);
    CHECK(access((dir.path + "/dump.json").c_str(), F_OK) != 0);
  }
  SUBCASE("SAVE without save points still saves") {
    h.config.save = "";
    CHECK(h.Run({"SHUTDOWN", "SAVE"}).empty());
    CHECK(access((dir.path + "/dump.json").c_str(), F_OK) == 0);
  }
  SUBCASE("a failing save keeps the server up; FORCE exits anyway") {
    h.config.dir = "/nonexistent-lrukv-dir";
    CHECK(h.Run({"SHUTDOWN"}) == "-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
    CHECK_FALSE(h.control.shutdown_requested);
    CHECK(h.Run({"SHUTDOWN", "FORCE"}).empty());
    CHECK(h.control.shutdown_requested);
  }
}

TEST_CASE("DEBUG RELOAD saves, flushes and loads back every key and deadline") {
  TempDir dir;
  CommandHarness h;
  h.config.dir = dir.path;
  h.Run({"SET", "a", "1"});
  h.Run({"SET", "b", "2", "PX", "50000"});
  h.Run({"SELECT", "3"});
  h.Run({"SET", "c", "3"});
  CHECK(h.Run({"DEBUG", "RELOAD", "BOGUS"}) ==
        "-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n");
  CHECK(h.Run({"DEBUG", "RELOAD"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "c"}) == "$1\r\n3\r\n");
  h.Run({"SELECT", "0"});
  CHECK(h.Run({"PTTL", "b"}) == ":50000\r\n");
  CHECK(h.Run({"DBSIZE"}) == ":2\r\n");
  // NOSAVE: the keys written since come back as they were in the file.
  h.Run({"SET", "a", "changed"});
  CHECK(h.Run({"DEBUG", "RELOAD", "NOSAVE"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "a"}) == "$1\r\n1\r\n");
}

TEST_CASE("FLUSHALL with save points saves the empty dataset at once; without, it does not") {
  TempDir dir;
  CommandHarness h;
  h.config.dir = dir.path;
  h.Run({"SET", "a", "1"});
  CHECK(h.Run({"SAVE"}) == "+OK\r\n");
  CHECK(h.Run({"FLUSHALL"}) == "+OK\r\n");
  CHECK(ReadFileBytes(dir.path + "/dump.json").find("\"key\":\"a\"") != std::string::npos);
  h.config.save = "3600 1";
  h.Run({"SET", "b", "1"});
  CHECK(h.Run({"FLUSHALL"}) == "+OK\r\n");
  CHECK(ReadFileBytes(dir.path + "/dump.json").find("\"entries\":[]") != std::string::npos);
  CHECK(InfoField(h, "rdb_changes_since_last_save") == "1");  // the FLUSHALL itself, as Redis
}

TEST_CASE("DEBUG RELOAD NOSAVE without a dump is an error") {
  TempDir dir;
  CommandHarness h;
  h.config.dir = dir.path;
  CHECK(h.Run({"DEBUG", "RELOAD", "NOSAVE"}) ==
        "-ERR Error trying to load the RDB dump\r\n");
}

}  // namespace lrukv::testing
