#include "tools/lrukv-dump/atomic_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

namespace lrukv::dumptool {
namespace {

// The temp file being written, for the signal handler below (a tool writes one at a time).
std::atomic<const char*> g_temp_path{nullptr};

// Ctrl-C or a kill during an export removes the temp file (it may be large), then dies of the
// same signal so the exit status still tells what happened. unlink is async-signal-safe.
void RemoveTempAndDie(int sig) {
  if (const char* path = g_temp_path.load()) unlink(path);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void RemoveTempOnSignals() {
  struct sigaction action {};
  action.sa_handler = RemoveTempAndDie;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &action, nullptr);
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

std::unique_ptr<AtomicFile> AtomicFile::Create(const std::string& path, std::string* error) {
  std::string temp_path = path + ".tmp-XXXXXX";
  const int fd = mkostemp(temp_path.data(), O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot create " + temp_path + ": " + std::strerror(errno);
    return nullptr;
  }
  // mkstemp creates 0600; a dump is an ordinary file, so give it what fopen would (0666 less
  // the umask). umask can only be read by setting it, so it is put straight back.
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  FILE* file = fdopen(fd, "wb");
  if (file == nullptr) {
    *error = "cannot open " + temp_path + ": " + std::strerror(errno);
    close(fd);
    unlink(temp_path.c_str());
    return nullptr;
  }
  std::unique_ptr<AtomicFile> atomic(new AtomicFile(path, std::move(temp_path), file));
  g_temp_path.store(atomic->temp_path_.c_str());
  RemoveTempOnSignals();
  return atomic;
}

AtomicFile::~AtomicFile() {
  g_temp_path.store(nullptr);
  if (file_ != nullptr) std::fclose(file_);
  if (!committed_) unlink(temp_path_.c_str());
}

bool AtomicFile::Commit(std::string* error) {
  auto fail = [&](const std::string& what) {
    *error = what + " " + temp_path_ + ": " + std::strerror(errno);
    return false;
  };
  if (std::fflush(file_) != 0) return fail("cannot write");
  if (fsync(fileno(file_)) != 0) return fail("cannot fsync");
  const int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0) return fail("cannot close");
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    *error = "cannot rename " + temp_path_ + " to " + path_ + ": " + std::strerror(errno);
    return false;
  }
  committed_ = true;
  g_temp_path.store(nullptr);
  // The rename is durable only once the directory entry is on disk.
  const std::string dir = DirectoryOf(path_);
  const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0 || fsync(dir_fd) != 0) {
    *error = "cannot fsync directory " + dir + ": " + std::strerror(errno);
    if (dir_fd >= 0) close(dir_fd);
    return false;
  }
  close(dir_fd);
  return true;
}

}  // namespace lrukv::dumptool
