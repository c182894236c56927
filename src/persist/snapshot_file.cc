#include "src/persist/snapshot_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace lrukv::persist {
namespace {

std::string ErrnoText(const char* step, const std::string& path) {
  return std::string(step) + " " + path + ": " + std::strerror(errno);
}

// fsync of the directory makes the rename itself durable: without it a power loss after the
// rename may bring back the old directory entry (or none).
bool SyncDirectory(const std::string& dir, std::string* error) {
  int fd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    *error = ErrnoText("opening directory", dir);
    return false;
  }
  bool ok = fsync(fd) == 0;
  if (!ok) *error = ErrnoText("fsync of directory", dir);
  close(fd);
  return ok;
}

// True when `pid` names a process that may still write its temporary: kill(pid, 0) finds it
// and it is not a zombie. A zombie writes nothing: the BGSAVE child of a kill -9'd server
// dies with it and stays a zombie until init reaps it, which a prompt restart can precede.
bool MayStillWrite(long pid) {
  if (kill(static_cast<pid_t>(pid), 0) != 0) return false;
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return true;  // no procfs: trust kill()
  char stat[512];
  const size_t n = std::fread(stat, 1, sizeof stat - 1, f);
  std::fclose(f);
  stat[n] = '\0';
  // "pid (comm) S ...": the state follows the last ')', since comm may hold one.
  const char* paren = std::strrchr(stat, ')');
  if (paren == nullptr || paren[1] != ' ') return true;
  return paren[2] != 'Z' && paren[2] != 'X';
}

}  // namespace

std::string JoinPath(const std::string& dir, const std::string& filename) {
  if (dir.empty() || (!filename.empty() && filename[0] == '/')) return filename;
  if (dir.back() == '/') return dir + filename;
  return dir + "/" + filename;
}

std::string TempDumpPath(const std::string& dir, const std::string& filename, long pid) {
  // A dbfilename may name a subdirectory ("data/dump.json"): the temporary sits beside it.
  return JoinPath(dir, filename + ".tmp-" + std::to_string(pid));
}

WriteResult SaveDumpFile(engine::Engine& engine, int64_t now_ms, const std::string& dir,
                         const std::string& filename) {
  WriteResult result;
  const std::string final_path = JoinPath(dir, filename);
  const std::string temp_path = TempDumpPath(dir, filename, static_cast<long>(getpid()));
  int fd = open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    result.error = ErrnoText("creating", temp_path);
    return result;
  }
  FILE* file = fdopen(fd, "w");
  if (file == nullptr) {
    result.error = ErrnoText("opening", temp_path);
    close(fd);
    unlink(temp_path.c_str());
    return result;
  }
  FileSink sink(file);
  errno = 0;
  result = WriteDump(engine, now_ms, sink);
  // Every step must succeed before the rename: a short write, a failed flush (disk full shows
  // here or at fsync) or a failed close all leave the old dump in place.
  std::string error;
  if (!result.ok) {
    error = errno != 0 ? ErrnoText("writing", temp_path) : "writing " + temp_path + ": " + result.error;
  } else if (std::fflush(file) != 0) {
    error = ErrnoText("flushing", temp_path);
  } else if (fsync(fd) != 0) {
    error = ErrnoText("fsync of", temp_path);
  }
  if (std::fclose(file) != 0 && error.empty()) error = ErrnoText("closing", temp_path);
  if (error.empty() && rename(temp_path.c_str(), final_path.c_str()) != 0) {
    error = ErrnoText("renaming the dump to", final_path);
  }
  if (!error.empty()) {
    unlink(temp_path.c_str());
    result.ok = false;
    result.error = error;
    return result;
  }
  const size_t slash = final_path.rfind('/');
  const std::string final_dir = slash == std::string::npos ? "." : final_path.substr(0, slash + 1);
  if (!SyncDirectory(final_dir, &error)) {
    // The new dump is complete and in place; only its durability across a power loss is in
    // doubt. Report it as a failed save so the caller keeps its changes counted.
    result.ok = false;
    result.error = error;
  }
  return result;
}

int RemoveStrayTemporaries(const std::string& dir, const std::string& filename) {
  const std::string path = JoinPath(dir, filename);
  const size_t slash = path.rfind('/');
  const std::string parent = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const std::string prefix = (slash == std::string::npos ? path : path.substr(slash + 1)) + ".tmp-";
  DIR* d = opendir(parent.c_str());
  if (d == nullptr) return 0;
  int removed = 0;
  while (struct dirent* e = readdir(d)) {
    std::string_view name(e->d_name);
    if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) continue;
    std::string_view digits = name.substr(prefix.size());
    if (digits.find_first_not_of("0123456789") != std::string_view::npos) continue;
    long pid = std::strtol(std::string(digits).c_str(), nullptr, 10);
    // A live process with that pid may be another server's save in progress: leave it.
    if (pid > 0 && pid != getpid() && MayStillWrite(pid)) continue;
    if (unlink((parent + std::string(name)).c_str()) == 0) ++removed;
  }
  closedir(d);
  return removed;
}

FileLoadResult LoadDumpFile(const std::string& dir, const std::string& filename,
                            engine::Engine& engine, int64_t now_ms) {
  FileLoadResult result;
  const std::string path = JoinPath(dir, filename);
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    if (errno == ENOENT) {
      result.load.ok = true;
      return result;
    }
    result.found = true;
    result.load.error = ErrnoText("opening", path);
    return result;
  }
  result.found = true;
  result.load = LoadDump(file, engine, now_ms);
  if (!result.load.ok) result.load.error = path + ": " + result.load.error;
  std::fclose(file);
  return result;
}

}  // namespace lrukv::persist
