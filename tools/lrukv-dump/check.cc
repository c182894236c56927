// lrukv-dump check FILE: loads the dump into a throwaway Engine at the current time (so it is
// validated exactly as the server would load it) and prints its counts as `name: value` lines,
// one `dbN: keys=..,expires=..,bytes=..` line per database that has keys.
#include <cstdio>
#include <map>

#include "src/engine/clock.h"
#include "src/engine/engine.h"
#include "tools/lrukv-dump/dump_file.h"
#include "tools/lrukv-dump/subcommands.h"

namespace lrukv::dumptool {
namespace {

struct Counts {
  unsigned long long keys = 0;
  unsigned long long expires = 0;  // keys with a TTL
  unsigned long long bytes = 0;    // key + value bytes
};

}  // namespace

int RunCheck(const std::string& path) {
  engine::SystemClock clock;
  engine::Engine engine(clock, kMaxDumpDatabases);
  const int64_t now_ms = clock.NowMs();
  LoadedDump loaded;
  std::string error;
  if (!LoadDumpFile(path, engine, now_ms, &loaded, &error)) {
    std::fprintf(stderr, "lrukv-dump: check: %s\n", error.c_str());
    return 1;
  }
  std::map<int, Counts> per_db;
  Counts total;
  engine.ForEachLruOrder(now_ms, [&](int db, const engine::EntryView& entry) {
    for (Counts* c : {&per_db[db], &total}) {
      ++c->keys;
      if (entry.expire_at_ms != engine::kNoExpiry) ++c->expires;
      c->bytes += entry.key.size() + entry.value.size();
    }
  });
  std::printf("file: %s\n", path.c_str());
  std::printf("file_bytes: %llu\n", static_cast<unsigned long long>(loaded.file_bytes));
  for (const auto& [db, c] : per_db) {
    std::printf("db%d: keys=%llu,expires=%llu,bytes=%llu\n", db, c.keys, c.expires, c.bytes);
  }
  std::printf("keys: %llu\n", total.keys);
  std::printf("expires: %llu\n", total.expires);
  std::printf("expired: %llu\n", static_cast<unsigned long long>(loaded.result.keys_expired));
  std::printf("bytes: %llu\n", total.bytes);
  return 0;
}

}  // namespace lrukv::dumptool
