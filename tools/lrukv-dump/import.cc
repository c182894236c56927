// lrukv-dump import FILE HOST:PORT: loads (and so validates) the whole dump first, then sends
// its restore commands (restore_commands.h) pipelined in batches, checking every reply. The
// first refused command stops the import and is named in the message.
#include <cstdio>
#include <string>
#include <vector>

#include "src/engine/clock.h"
#include "src/engine/engine.h"
#include "tools/lrukv-dump/dump_file.h"
#include "tools/lrukv-dump/progress.h"
#include "tools/lrukv-dump/resp_client.h"
#include "tools/lrukv-dump/restore_commands.h"
#include "tools/lrukv-dump/server_session.h"
#include "tools/lrukv-dump/subcommands.h"

namespace lrukv::dumptool {
namespace {

// A batch is sent when it holds this many commands or this many bytes: few round trips,
// bounded memory even for large values.
constexpr size_t kBatchCommands = 1000;
constexpr size_t kBatchBytes = 4 * 1024 * 1024;

// Sends batches and checks their replies; remembers the first failure.
class Importer {
 public:
  explicit Importer(RespClient& client) : client_(client) {}

  void Add(const RestoreCommand& command) {
    if (failed()) return;
    AppendCommand(&batch_, command.args);
    std::string what = command.sets_key ? "SET " + Printable(command.args[1]) + " (db " +
                                              std::to_string(command.db) + ")"
                                        : "SELECT " + std::to_string(command.db);
    sent_what_.push_back(std::move(what));
    if (command.sets_key) ++keys_;
    if (sent_what_.size() >= kBatchCommands || batch_.size() >= kBatchBytes) Flush();
  }

  void Flush() {
    if (failed() || sent_what_.empty()) return;
    std::vector<Reply> replies;
    if (!client_.Pipeline(batch_, sent_what_.size(), &replies, &error_)) return;
    for (size_t i = 0; i < replies.size(); ++i) {
      const Reply& r = replies[i];
      if (r.type == Reply::Type::kError) {
        error_ = client_.address() + " refused " + sent_what_[i] + ": " + r.str;
        return;
      }
      if (r.type != Reply::Type::kStatus) {
        error_ = client_.address() + ": unexpected reply to " + sent_what_[i];
        return;
      }
    }
    batch_.clear();
    sent_what_.clear();
  }

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  uint64_t keys() const { return keys_; }  // SETs queued (all acknowledged once Flush succeeds)

 private:
  RespClient& client_;
  std::string batch_;
  std::vector<std::string> sent_what_;  // per command in batch_, for messages
  uint64_t keys_ = 0;
  std::string error_;
};

}  // namespace

int RunImport(const std::string& path, const std::string& host, const std::string& port) {
  engine::SystemClock clock;
  engine::Engine engine(clock, kMaxDumpDatabases);
  LoadedDump loaded;
  std::string error;
  if (!LoadDumpFile(path, engine, clock.NowMs(), &loaded, &error)) {
    std::fprintf(stderr, "lrukv-dump: import: %s\n", error.c_str());
    return 1;
  }
  std::unique_ptr<RespClient> client = OpenSession(host, port, &error);
  if (!client) {
    std::fprintf(stderr, "lrukv-dump: import: %s\n", error.c_str());
    return 1;
  }
  Importer importer(*client);
  Progress progress("imported");
  ForEachRestoreCommand(engine, clock.NowMs(), [&](const RestoreCommand& command) {
    importer.Add(command);
    progress.Update(importer.keys(), command.db);
  });
  importer.Flush();
  progress.Done();
  if (importer.failed()) {
    std::fprintf(stderr, "lrukv-dump: import: %s\n", importer.error().c_str());
    return 1;
  }
  std::printf("imported %llu keys from %s into %s (%llu expired keys in the dump skipped)\n",
              static_cast<unsigned long long>(importer.keys()), path.c_str(),
              client->address().c_str(),
              static_cast<unsigned long long>(loaded.result.keys_expired));
  return 0;
}

}  // namespace lrukv::dumptool
