#include "tools/lrukv-dump/atomic_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lrukv::dumptool {
namespace {

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
  return std::unique_ptr<AtomicFile>(new AtomicFile(path, std::move(temp_path), file));
}

AtomicFile::~AtomicFile() {
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
