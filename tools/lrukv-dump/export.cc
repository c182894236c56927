// lrukv-dump export HOST:PORT FILE: copies a Redis-compatible server's string keys into a dump.
// Per database: SCAN the whole keyspace, and per SCAN batch pipeline GET + PTTL for each key.
// Keys of other types answer GET with WRONGTYPE and are counted as skipped (one pass, and it
// works on servers whose SCAN lacks TYPE); keys gone by the time of GET/PTTL are left out.
// The keys are gathered in an Engine with absolute deadlines (send time + PTTL), then
// WriteDump writes them through an AtomicFile, created first so a bad path fails at once.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_set>
#include <vector>

#include "src/engine/clock.h"
#include "src/engine/engine.h"
#include "src/persist/dump_writer.h"
#include "tools/lrukv-dump/atomic_file.h"
#include "tools/lrukv-dump/progress.h"
#include "tools/lrukv-dump/resp_client.h"
#include "tools/lrukv-dump/server_session.h"
#include "tools/lrukv-dump/subcommands.h"

namespace lrukv::dumptool {
namespace {

// Redis's default `databases`, used when the server does not answer CONFIG GET databases.
constexpr int kDefaultDatabases = 16;
// SCAN's COUNT hint: keys per batch, so one GET + PTTL pipeline holds about 2000 commands.
constexpr char kScanCount[] = "1000";

struct ExportCounts {
  uint64_t keys_set = 0;    // string keys stored in the engine (SCAN may repeat a key)
  uint64_t non_string = 0;  // distinct keys of other types, skipped
  uint64_t vanished = 0;    // deleted or expired between SCAN and GET/PTTL
};

// The server's database count: CONFIG GET databases, else Redis's default.
int ServerDatabases(RespClient& client) {
  const std::string_view args[] = {"CONFIG", "GET", "databases"};
  Reply r;
  std::string ignored;
  if (!client.Call(args, &r, &ignored)) return kDefaultDatabases;
  if (r.type != Reply::Type::kArray || r.elements.size() != 2) return kDefaultDatabases;
  const int n = std::atoi(r.elements[1].str.c_str());
  return n > 0 ? n : kDefaultDatabases;
}

class Exporter {
 public:
  Exporter(RespClient& client, engine::Engine& engine, const engine::Clock& clock)
      : client_(client), engine_(engine), clock_(clock), progress_("exported") {}

  // Exports every database; false with *error on the first failure.
  bool ExportAll(int databases, std::string* error) {
    for (int db = 0; db < databases; ++db) {
      const std::string db_text = std::to_string(db);
      const std::string_view select[] = {"SELECT", db_text};
      Reply r;
      if (!client_.Call(select, &r, error)) return false;
      if (r.type == Reply::Type::kError) {
        // A server with fewer databases than the fallback count: the ones it has are done.
        if (db > 0) break;
        *error = client_.address() + " refused SELECT 0: " + r.str;
        return false;
      }
      if (!ExportDb(db, error)) return false;
    }
    progress_.Done();
    return true;
  }

  const ExportCounts& counts() const { return counts_; }

 private:
  bool ExportDb(int db, std::string* error) {
    std::unordered_set<std::string> non_string;
    std::string cursor = "0";
    do {
      const std::string_view scan[] = {"SCAN", cursor, "COUNT", kScanCount};
      Reply r;
      if (!client_.Call(scan, &r, error)) return false;
      if (r.type != Reply::Type::kArray || r.elements.size() != 2 ||
          r.elements[0].type != Reply::Type::kBulk || r.elements[1].type != Reply::Type::kArray) {
        *error = client_.address() + ": unexpected reply to SCAN" +
                 (r.type == Reply::Type::kError ? ": " + r.str : std::string());
        return false;
      }
      cursor = r.elements[0].str;
      if (!FetchKeys(db, r.elements[1].elements, &non_string, error)) return false;
      progress_.Update(counts_.keys_set, db);
    } while (cursor != "0");
    counts_.non_string += non_string.size();
    return true;
  }

  // GET + PTTL for each key, pipelined; stores the live string keys in the engine.
  bool FetchKeys(int db, const std::vector<Reply>& keys,
                 std::unordered_set<std::string>* non_string, std::string* error) {
    if (keys.empty()) return true;
    std::string batch;
    for (const Reply& key : keys) {
      const std::string_view get[] = {"GET", key.str};
      const std::string_view pttl[] = {"PTTL", key.str};
      AppendCommand(&batch, get);
      AppendCommand(&batch, pttl);
    }
    // PTTL counts from the server's clock when it runs, which is after this moment: a deadline
    // from here is at most one round trip early, never late.
    const int64_t sent_ms = clock_.NowMs();
    std::vector<Reply> replies;
    if (!client_.Pipeline(batch, keys.size() * 2, &replies, error)) return false;
    for (size_t i = 0; i < keys.size(); ++i) {
      const std::string& key = keys[i].str;
      const Reply& value = replies[2 * i];
      const Reply& pttl = replies[2 * i + 1];
      if (value.type == Reply::Type::kError && value.str.starts_with("WRONGTYPE")) {
        non_string->insert(key);
        continue;
      }
      if (value.type == Reply::Type::kNil ||
          (pttl.type == Reply::Type::kInteger && pttl.integer == -2)) {
        ++counts_.vanished;
        continue;
      }
      if (value.type != Reply::Type::kBulk || pttl.type != Reply::Type::kInteger) {
        *error = client_.address() + ": unexpected reply to GET/PTTL " + Printable(key) + " (db " +
                 std::to_string(db) + ")" +
                 (value.type == Reply::Type::kError ? ": " + value.str : std::string()) +
                 (pttl.type == Reply::Type::kError ? ": " + pttl.str : std::string());
        return false;
      }
      engine::SetOptions options;
      if (pttl.integer >= 0) options.expire_at_ms = sent_ms + pttl.integer;
      if (engine_.Set(db, key, value.str, sent_ms, options) != engine::OpStatus::kOk) {
        *error = "db " + std::to_string(db) + " is beyond the " +
                 std::to_string(engine_.databases()) + " databases a dump can hold";
        return false;
      }
      ++counts_.keys_set;
    }
    return true;
  }

  RespClient& client_;
  engine::Engine& engine_;
  const engine::Clock& clock_;
  Progress progress_;
  ExportCounts counts_;
};

}  // namespace

int RunExport(const std::string& host, const std::string& port, const std::string& path) {
  auto fail = [](const std::string& message) {
    std::fprintf(stderr, "lrukv-dump: export: %s\n", message.c_str());
    return 1;
  };
  std::string error;
  std::unique_ptr<AtomicFile> out = AtomicFile::Create(path, &error);
  if (!out) return fail(error);
  std::unique_ptr<RespClient> client = OpenSession(host, port, &error);
  if (!client) return fail(error);

  engine::SystemClock clock;
  const int databases = ServerDatabases(*client);
  engine::Engine engine(clock, databases);
  Exporter exporter(*client, engine, clock);
  if (!exporter.ExportAll(databases, &error)) return fail(error);

  // Keys set more than once (SCAN may repeat one) count once here; keys whose deadline passed
  // while exporting are left out by WriteDump.
  uint64_t distinct = 0;
  for (int db = 0; db < databases; ++db) distinct += engine.DbSize(db);
  persist::FileSink sink(out->file());
  const persist::WriteResult written = persist::WriteDump(engine, clock.NowMs(), sink);
  if (!written.ok) return fail(path + ": " + written.error);
  if (!out->Commit(&error)) return fail(error);
  const ExportCounts& counts = exporter.counts();
  std::printf(
      "exported %llu keys from %s to %s (%llu bytes); skipped %llu non-string keys, "
      "%llu keys deleted or expired during the export\n",
      static_cast<unsigned long long>(written.keys), client->address().c_str(), path.c_str(),
      static_cast<unsigned long long>(written.bytes),
      static_cast<unsigned long long>(counts.non_string),
      static_cast<unsigned long long>(counts.vanished + (distinct - written.keys)));
  return 0;
}

}  // namespace lrukv::dumptool
