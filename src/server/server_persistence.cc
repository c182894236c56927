// The reactor's side of persistence: the dump loaded at start, SIGCHLD for BGSAVE children,
// the final save on SIGTERM, and the log lines commands ask for. The snapshot logic itself is
// in src/commands/persistence.cc and src/persist.
#include <chrono>

#include "src/commands/persistence.h"
#include "src/persist/snapshot_file.h"
#include "src/server/log.h"
#include "src/server/server.h"

namespace lrukv::server {

void Server::ServerLog(cmd::ServerControl::LogSeverity level, std::string_view line) {
  server::Log(level == cmd::ServerControl::LogSeverity::kWarning ? server::LogLevel::kWarning
                                                               : server::LogLevel::kNotice,
              "{}", line);
}

bool Server::LoadDumpAtStart() {
  const std::string path = persist::JoinPath(config_.dir, config_.dbfilename);
  if (int removed = persist::RemoveStrayTemporaries(config_.dir, config_.dbfilename)) {
    Log(LogLevel::kNotice, "Removed {} temporary file(s) of an unfinished save",
                removed);
  }
  const auto start = std::chrono::steady_clock::now();
  persist::FileLoadResult r =
      persist::LoadDumpFile(config_.dir, config_.dbfilename, engine_, clock_.NowMs());
  if (!r.found) return true;
  if (!r.load.ok) {
    // Whatever was applied before the error goes: the server starts with all or nothing.
    engine_.FlushAll();
    Log(LogLevel::kWarning, "Bad dump file {}", r.load.error);
    if (!config_.ignore_bad_dump) {
      Log(LogLevel::kWarning,
                  "The dump was left untouched. Fix or move it, or start with "
                  "--ignore-bad-dump yes to start empty. Exiting.");
      return false;
    }
    Log(LogLevel::kWarning,
        "ignore-bad-dump is set: starting with an empty dataset; the file is left untouched "
        "until the first save, which moves it aside");
    context_.persistence.keep_bad_dump = true;
    return true;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  context_.persistence.last_load_keys_loaded = r.load.keys_loaded;
  context_.persistence.last_load_keys_expired = r.load.keys_expired;
  Log(LogLevel::kNotice, "Done loading dump, keys loaded: {}, keys expired: {}.",
              r.load.keys_loaded, r.load.keys_expired);
  Log(LogLevel::kNotice, "DB loaded from disk: {:.3f} seconds", seconds);
  return true;
}

void Server::OnChildExit(uv_signal_t* handle, int) {
  auto* s = static_cast<Server*>(handle->data);
  cmd::PersistenceCron(s->context_, s->clock_.NowMs());
}

void Server::ShutdownOnSignal(int signum) {
  if (!cmd::SaveBeforeShutdown(context_, clock_.NowMs(), /*save_mode=*/0)) {
    Log(LogLevel::kWarning,
                "{} received but errors trying to shut down the server, check the logs for "
                "more information",
                signum == SIGINT ? "SIGINT" : "SIGTERM");
    return;
  }
  DoShutdown();
}

}  // namespace lrukv::server
