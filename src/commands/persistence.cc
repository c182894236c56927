#include "src/commands/persistence.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <vector>

#include "src/commands/server_context.h"
#include "src/persist/snapshot_file.h"

namespace lrukv::cmd {
namespace {

using Level = ServerControl::LogSeverity;

// After a failed background save, automatic ones wait this long before trying again (Redis's
// CONFIG_BGSAVE_RETRY_DELAY), so a full disk is not hammered by a fork per cron tick.
constexpr int64_t kBgsaveRetryDelayS = 5;

// What the child tells its parent through the pipe: one write, smaller than PIPE_BUF, so it
// arrives whole or not at all.
struct ChildReport {
  int ok = 0;
  uint64_t keys = 0;
  uint64_t bytes = 0;
  uint64_t cow_bytes = 0;
  char error[512] = {};
};
static_assert(sizeof(ChildReport) < PIPE_BUF);

int64_t MonotonicUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The memory the child had to copy because the parent (or the child) wrote to shared pages:
// its Private_Dirty, from /proc/self/smaps_rollup. 0 when unknown.
uint64_t PrivateDirtyBytes() {
  FILE* f = std::fopen("/proc/self/smaps_rollup", "r");
  if (f == nullptr) return 0;
  char line[256];
  uint64_t kb = 0;
  while (std::fgets(line, sizeof line, f)) {
    unsigned long long v = 0;
    if (std::sscanf(line, "Private_Dirty: %llu kB", &v) == 1) kb += v;
  }
  std::fclose(f);
  return kb * 1024;
}

// The bad dump an ignore-bad-dump start left in place may hold the only copy of someone's
// data: before the first save replaces it, it is renamed aside, once.
void KeepBadDumpAside(ServerContext& server, int64_t now_ms) {
  PersistenceState& p = server.persistence;
  if (!p.keep_bad_dump) return;
  p.keep_bad_dump = false;
  const std::string path = persist::JoinPath(server.config.dir, server.config.dbfilename);
  const std::string aside =
      fmt::format("{}.bad-{}", path, server.engine.clock().ToWallMs(now_ms) / 1000);
  if (rename(path.c_str(), aside.c_str()) == 0) {
    server.control.ServerLog(Level::kWarning,
                             fmt::format("The bad dump {} was moved to {}", path, aside));
  }
}

// The time of a successful save, in both clocks (ServerCounters).
void RecordSaveTime(ServerContext& server, int64_t now_ms) {
  server.counters.last_save_time_s = now_ms / 1000;
  server.counters.last_save_unix_s = server.engine.clock().ToWallMs(now_ms) / 1000;
}

void RecordSave(ServerContext& server, const persist::WriteResult& w, int64_t now_ms) {
  PersistenceState& p = server.persistence;
  RecordSaveTime(server, now_ms);
  p.last_bgsave_ok = true;  // Redis: a good foreground save clears a failed background one
  ++p.saves;
  p.last_dump_keys = w.keys;
  p.last_dump_bytes = w.bytes;
}

// "3600 1 300 100" -> {{3600, 1}, {300, 100}}.
std::vector<std::pair<int64_t, int64_t>> SavePoints(const std::string& text) {
  std::vector<std::pair<int64_t, int64_t>> points;
  std::istringstream in(text);
  int64_t seconds = 0, changes = 0;
  while (in >> seconds >> changes) points.emplace_back(seconds, changes);
  return points;
}

// The child: close every descriptor but the report pipe (so a listener or client socket never
// outlives the parent in it), write the snapshot, report, exit without running destructors.
// It dies with its parent: an orphan would rename its older snapshot over whatever the next
// server has saved by then (Redis's child gives up when its report pipe breaks).
[[noreturn]] void RunChild(ServerContext& server, int64_t now_ms, int report_fd, pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);  // the parent died before prctl took effect
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  if (report_fd > 3) close_range(3, static_cast<unsigned>(report_fd - 1), 0);
  close_range(static_cast<unsigned>(report_fd + 1), ~0U, 0);
  persist::WriteResult w =
      persist::SaveDumpFile(server.engine, now_ms, server.config.dir, server.config.dbfilename);
  ChildReport report;
  report.ok = w.ok ? 1 : 0;
  report.keys = w.keys;
  report.bytes = w.bytes;
  report.cow_bytes = PrivateDirtyBytes();
  std::snprintf(report.error, sizeof report.error, "%s", w.error.c_str());
  ssize_t n = write(report_fd, &report, sizeof report);
  (void)n;
  _exit(w.ok ? 0 : 1);
}

void FinishBackgroundSave(ServerContext& server, int status, int64_t now_ms) {
  PersistenceState& p = server.persistence;
  ChildReport report;
  bool have_report = read(p.child_result_fd, &report, sizeof report) ==
                     static_cast<ssize_t>(sizeof report);
  close(p.child_result_fd);
  p.child_result_fd = -1;
  const pid_t pid = p.child_pid;
  p.child_pid = -1;
  p.last_bgsave_time_sec = (now_ms - p.child_start_ms) / 1000;
  if (have_report) p.last_cow_bytes = report.cow_bytes;

  if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && have_report && report.ok) {
    server.control.ServerLog(Level::kNotice, "Background saving terminated with success");
    server.counters.dirty -= std::min(server.counters.dirty, p.dirty_at_child_start);
    RecordSaveTime(server, now_ms);
    p.last_bgsave_ok = true;
    ++p.saves;
    p.last_dump_keys = report.keys;
    p.last_dump_bytes = report.bytes;
    return;
  }
  p.last_bgsave_ok = false;
  if (WIFSIGNALED(status)) {
    server.control.ServerLog(Level::kWarning,
                       fmt::format("Background saving terminated by signal {}", WTERMSIG(status)));
    // A killed child cannot remove its own temporary file.
    unlink(persist::TempDumpPath(server.config.dir, server.config.dbfilename, pid).c_str());
  } else {
    server.control.ServerLog(Level::kWarning,
                       fmt::format("Background saving error: {}",
                                   have_report ? report.error : "the child sent no report"));
  }
}

void ReapBackgroundSave(ServerContext& server, int64_t now_ms) {
  PersistenceState& p = server.persistence;
  if (p.child_pid <= 0) return;
  int status = 0;
  pid_t r = waitpid(p.child_pid, &status, WNOHANG);
  if (r == p.child_pid) FinishBackgroundSave(server, status, now_ms);
}

}  // namespace

bool BackgroundSaveInProgress(const ServerContext& server) {
  return server.persistence.child_pid > 0;
}

bool SaveInForeground(ServerContext& server, int64_t now_ms, std::string* error) {
  KeepBadDumpAside(server, now_ms);
  persist::WriteResult w =
      persist::SaveDumpFile(server.engine, now_ms, server.config.dir, server.config.dbfilename);
  if (!w.ok) {
    server.control.ServerLog(Level::kWarning, fmt::format("Error saving the dump: {}", w.error));
    *error = w.error;
    return false;
  }
  server.counters.dirty = 0;
  RecordSave(server, w, now_ms);
  server.control.ServerLog(Level::kNotice, "DB saved on disk");
  return true;
}

bool StartBackgroundSave(ServerContext& server, int64_t now_ms, std::string* error) {
  PersistenceState& p = server.persistence;
  KeepBadDumpAside(server, now_ms);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    *error = std::strerror(errno);
    return false;
  }
  p.last_bgsave_try_s = now_ms / 1000;
  const int64_t fork_start_us = MonotonicUs();
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    RunChild(server, now_ms, fds[1], parent);
  }
  p.latest_fork_usec = MonotonicUs() - fork_start_us;
  close(fds[1]);
  if (pid < 0) {
    *error = std::strerror(errno);
    close(fds[0]);
    p.last_bgsave_ok = false;
    server.control.ServerLog(Level::kWarning, fmt::format("Can't save in background: fork: {}", *error));
    return false;
  }
  ++p.total_forks;
  // LATENCY's "fork" event, and the rate DOCTOR grades it by (GB of used memory per second).
  const int64_t fork_us = p.latest_fork_usec > 0 ? p.latest_fork_usec : 1;
  server.latency.fork_rate_gb_per_s = static_cast<double>(server.engine.used_memory()) *
                                      1000000 / static_cast<double>(fork_us) /
                                      (1024.0 * 1024 * 1024);
  server.latency.Record("fork", p.latest_fork_usec / 1000, now_ms + p.latest_fork_usec / 1000);
  p.child_pid = pid;
  p.child_result_fd = fds[0];
  p.child_start_ms = now_ms;
  p.dirty_at_child_start = server.counters.dirty;
  p.bgsave_scheduled = false;
  server.control.ServerLog(Level::kNotice, fmt::format("Background saving started by pid {}", pid));
  return true;
}

void KillBackgroundSave(ServerContext& server) {
  PersistenceState& p = server.persistence;
  if (p.child_pid <= 0) return;
  server.control.ServerLog(Level::kWarning, "There is a child saving a dump. Killing it!");
  kill(p.child_pid, SIGKILL);
  waitpid(p.child_pid, nullptr, 0);
  unlink(persist::TempDumpPath(server.config.dir, server.config.dbfilename, p.child_pid).c_str());
  close(p.child_result_fd);
  p.child_result_fd = -1;
  p.child_pid = -1;
  p.bgsave_scheduled = false;
}

void PersistenceCron(ServerContext& server, int64_t now_ms) {
  PersistenceState& p = server.persistence;
  ReapBackgroundSave(server, now_ms);
  if (p.child_pid > 0) return;
  std::string error;
  if (p.bgsave_scheduled) {
    StartBackgroundSave(server, now_ms, &error);
    return;
  }
  const int64_t now_s = now_ms / 1000;
  const int64_t since_save_s = now_s - server.counters.last_save_time_s;
  const bool may_retry = p.last_bgsave_ok || now_s - p.last_bgsave_try_s > kBgsaveRetryDelayS;
  for (auto [seconds, changes] : SavePoints(server.config.save)) {
    if (server.counters.dirty >= static_cast<uint64_t>(changes) && since_save_s > seconds &&
        may_retry) {
      server.control.ServerLog(Level::kNotice,
                         fmt::format("{} changes in {} seconds. Saving...", changes, seconds));
      StartBackgroundSave(server, now_ms, &error);
      return;
    }
  }
}

bool WritesDeniedByDiskError(const ServerContext& server) {
  return !server.persistence.last_bgsave_ok && server.config.stop_writes_on_bgsave_error &&
         !SavePoints(server.config.save).empty();
}

bool SaveBeforeShutdown(ServerContext& server, int64_t now_ms, int save_mode) {
  KillBackgroundSave(server);
  const bool due = save_mode > 0 || (save_mode == 0 && !SavePoints(server.config.save).empty());
  if (!due) return true;
  server.control.ServerLog(Level::kNotice, "Saving the final dump before exiting.");
  std::string error;
  if (!SaveInForeground(server, now_ms, &error)) {
    server.control.ServerLog(Level::kWarning, "Error trying to save the DB, can't exit.");
    return false;
  }
  return true;
}

void ResetSnapshotAfterFlushAll(ServerContext& server, int64_t now_ms) {
  KillBackgroundSave(server);
  if (SavePoints(server.config.save).empty()) return;
  std::string error;
  SaveInForeground(server, now_ms, &error);
}

bool ReloadDump(ServerContext& server, int64_t now_ms, bool save, bool flush,
                std::string* error) {
  std::string why;
  if (save && !SaveInForeground(server, now_ms, &why)) {
    *error = "ERR";
    return false;
  }
  if (flush) server.engine.FlushAll();
  persist::FileLoadResult r =
      persist::LoadDumpFile(server.config.dir, server.config.dbfilename, server.engine, now_ms);
  if (!r.load.ok || !r.found) {
    server.control.ServerLog(Level::kWarning, r.found ? fmt::format("Bad dump {}", r.load.error)
                                                : "DEBUG RELOAD: there is no dump to load");
    *error = "ERR Error trying to load the RDB dump";
    return false;
  }
  server.persistence.last_load_keys_loaded = r.load.keys_loaded;
  server.persistence.last_load_keys_expired = r.load.keys_expired;
  server.control.ServerLog(Level::kWarning, "DB reloaded by DEBUG RELOAD");
  return true;
}

}  // namespace lrukv::cmd
