// lrukv-dump resp FILE: a dump as a RESP command stream on stdout, for `redis-cli --pipe`, so
// that an lrukv dataset can be loaded into Valkey or Redis (or another lrukv) without a
// connection from this tool: `lrukv-dump resp dump.json | redis-cli -h HOST --pipe`.
//
// The stream is import's command walk (restore_commands.h): `SELECT db` when the database
// changes, `SET key value [PXAT ms]` per key, least recently used first. Deadlines are
// absolute, so a stream piped later still expires its keys when the dump said; keys already
// expired when the file is read are left out.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "src/engine/clock.h"
#include "src/engine/engine.h"
#include "tools/lrukv-dump/dump_file.h"
#include "tools/lrukv-dump/progress.h"
#include "tools/lrukv-dump/resp_client.h"
#include "tools/lrukv-dump/restore_commands.h"
#include "tools/lrukv-dump/subcommands.h"

namespace lrukv::dumptool {
namespace {

// Commands are encoded into one buffer and written when it passes this size: few write
// calls, and memory bounded however large the dataset (values above it go out alone).
constexpr size_t kWriteChunkBytes = 1 << 20;

bool WriteAll(const std::string& bytes, std::string* error) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size()) return true;
  *error = std::string("writing stdout: ") + std::strerror(errno);
  return false;
}

}  // namespace

int RunResp(const std::string& path) {
  engine::SystemClock clock;
  engine::Engine engine(clock, kMaxDumpDatabases);
  LoadedDump loaded;
  std::string error;
  if (!LoadDumpFile(path, engine, clock.NowMs(), &loaded, &error)) {
    std::fprintf(stderr, "lrukv-dump: resp: %s\n", error.c_str());
    return 1;
  }
  std::string pending;
  pending.reserve(kWriteChunkBytes + 4096);
  uint64_t keys = 0;
  Progress progress("wrote");
  ForEachRestoreCommand(engine, clock.NowMs(), [&](const RestoreCommand& command) {
    if (!error.empty()) return;
    AppendCommand(&pending, command.args);
    if (command.sets_key) ++keys;
    if (pending.size() >= kWriteChunkBytes) {
      if (WriteAll(pending, &error)) pending.clear();
    }
    progress.Update(keys, command.db);
  });
  if (error.empty() && WriteAll(pending, &error) && std::fflush(stdout) != 0) {
    error = std::string("writing stdout: ") + std::strerror(errno);
  }
  progress.Done();
  if (!error.empty()) {
    std::fprintf(stderr, "lrukv-dump: resp: %s\n", error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace lrukv::dumptool
