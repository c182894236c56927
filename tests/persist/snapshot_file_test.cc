// Snapshot files: the atomic save, the removal of stray temporaries, the load of a file, and a
// full disk (RLIMIT_FSIZE in a child process) leaving the old dump intact.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "src/engine/clock.h"
#include "src/engine/engine.h"
#include "src/persist/snapshot_file.h"
#include "support/temp_dir.h"

namespace lrukv::persist {
namespace {

using engine::Engine;
using engine::FakeClock;
using testing::ReadFileBytes;
using testing::TempDir;

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

void Touch(const std::string& path, const std::string& text = "partial") {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("SaveDumpFile writes a dump that LoadDumpFile reads back, leaving no temporary") {
  TempDir dir;
  FakeClock clock;
  Engine e(clock);
  const int64_t now = clock.NowMs();
  for (int i = 0; i < 500; ++i) e.Set(i % 4, "key:" + std::to_string(i), std::string(i, 'v'), now);
  WriteResult w = SaveDumpFile(e, now, dir.path, "dump.json");
  REQUIRE_MESSAGE(w.ok, w.error);
  CHECK(w.keys == 500);
  CHECK(w.bytes == ReadFileBytes(dir.path + "/dump.json").size());
  CHECK_FALSE(Exists(TempDumpPath(dir.path, "dump.json", getpid())));

  Engine back(clock);
  FileLoadResult r = LoadDumpFile(dir.path, "dump.json", back, now);
  REQUIRE_MESSAGE(r.load.ok, r.load.error);
  CHECK(r.found);
  CHECK(r.load.keys_loaded == 500);
  CHECK(back.Lookup(3, "key:499", now)->value == std::string(499, 'v'));
}

TEST_CASE("a missing dump file is not an error; an unreadable one names the file") {
  TempDir dir;
  FakeClock clock;
  Engine e(clock);
  FileLoadResult missing = LoadDumpFile(dir.path, "none.json", e, clock.NowMs());
  CHECK(missing.load.ok);
  CHECK_FALSE(missing.found);

  Touch(dir.path + "/bad.json", "{\"format\":\"lrukv-dump\",\"version\":1,\"entries\":[{\"key\":1");
  FileLoadResult bad = LoadDumpFile(dir.path, "bad.json", e, clock.NowMs());
  CHECK(bad.found);
  CHECK_FALSE(bad.load.ok);
  CHECK(bad.load.error.find(dir.path + "/bad.json: offset ") == 0);
}

TEST_CASE("a save that cannot create its temporary fails and keeps the old dump") {
  TempDir dir;
  FakeClock clock;
  Engine e(clock);
  e.Set(0, "k", "v", clock.NowMs());
  WriteResult w = SaveDumpFile(e, clock.NowMs(), dir.path + "/no-such-dir", "dump.json");
  CHECK_FALSE(w.ok);
  CHECK(w.error.find("No such file or directory") != std::string::npos);
}

TEST_CASE("a full disk fails the save, removes the temporary and leaves the old dump intact") {
  TempDir dir;
  FakeClock clock;
  Engine e(clock);
  const int64_t now = clock.NowMs();
  e.Set(0, "old", "dump", now);
  REQUIRE(SaveDumpFile(e, now, dir.path, "dump.json").ok);
  const std::string old_bytes = ReadFileBytes(dir.path + "/dump.json");
  for (int i = 0; i < 20000; ++i) e.Set(0, "k" + std::to_string(i), std::string(100, 'x'), now);

  // RLIMIT_FSIZE makes writes past 64 KiB fail with EFBIG, as a full disk fails them with
  // ENOSPC; in a child so the limit does not outlive the test.
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit = {64 * 1024, 64 * 1024};
    setrlimit(RLIMIT_FSIZE, &limit);
    WriteResult w = SaveDumpFile(e, now, dir.path, "dump.json");
    bool good = !w.ok && w.error.find("File too large") != std::string::npos;
    _exit(good ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(ReadFileBytes(dir.path + "/dump.json") == old_bytes);
  CHECK_FALSE(Exists(TempDumpPath(dir.path, "dump.json", pid)));
}

TEST_CASE("stray temporaries of dead processes are removed, a live process's is kept") {
  TempDir dir;
  // A pid that is surely dead: a child that has exited and been reaped.
  pid_t dead = fork();
  REQUIRE(dead >= 0);
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  const std::string stray = TempDumpPath(dir.path, "dump.json", dead);
  const std::string live = TempDumpPath(dir.path, "dump.json", getppid());
  const std::string other = dir.path + "/dump.json.tmp-notapid";
  const std::string other_dump = TempDumpPath(dir.path, "other.json", dead);
  for (const auto& p : {stray, live, other, other_dump}) Touch(p);
  Touch(dir.path + "/dump.json", "{}");

  CHECK(RemoveStrayTemporaries(dir.path, "dump.json") == 1);
  CHECK_FALSE(Exists(stray));
  CHECK(Exists(live));
  CHECK(Exists(other));
  CHECK(Exists(other_dump));
  CHECK(ReadFileBytes(dir.path + "/dump.json") == "{}");
}

TEST_CASE("stray temporary of a zombie is removed: a killed, unreaped BGSAVE child writes nothing") {
  // Issue 4: the child of a kill -9'd server dies with it, but until init reaps it kill(pid, 0)
  // still succeeds; a restart in that window must still remove its temporary.
  TempDir dir;
  pid_t zombie = fork();
  REQUIRE(zombie >= 0);
  if (zombie == 0) _exit(0);
  // Wait for it to become a zombie without reaping it.
  siginfo_t info{};
  REQUIRE(waitid(P_PID, static_cast<id_t>(zombie), &info, WEXITED | WNOWAIT) == 0);
  const std::string stray = TempDumpPath(dir.path, "dump.json", zombie);
  Touch(stray);

  CHECK(RemoveStrayTemporaries(dir.path, "dump.json") == 1);
  CHECK_FALSE(Exists(stray));
  waitpid(zombie, nullptr, 0);
}

}  // namespace lrukv::persist
