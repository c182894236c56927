// AtomicFile: writes a file so that readers see either the old file or the whole new one,
// never a part: a temp file in the same directory, then fflush, fsync, rename over the target
// and fsync of the directory (as Redis's rdbSave and lrukv's SAVE do). SIGINT, SIGTERM and
// SIGHUP remove the temp file before the process dies of them.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

namespace lrukv::dumptool {

class AtomicFile {
 public:
  // Creates the temp file beside `path` ("<path>.tmp-XXXXXX"). On failure returns nullptr
  // with *error naming the path and the reason; nothing is left on disk.
  static std::unique_ptr<AtomicFile> Create(const std::string& path, std::string* error);
  // Removes the temp file unless Commit succeeded.
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  FILE* file() { return file_; }
  // Flushes, fsyncs, closes and renames onto the target, then fsyncs the directory. On
  // failure *error is set, the temp file is removed and the target is untouched.
  bool Commit(std::string* error);

 private:
  AtomicFile(std::string path, std::string temp_path, FILE* file)
      : path_(std::move(path)), temp_path_(std::move(temp_path)), file_(file) {}

  std::string path_;
  std::string temp_path_;
  FILE* file_;
  bool committed_ = false;
};

}  // namespace lrukv::dumptool
