#include "tools/lrukv-dump/dump_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace lrukv::dumptool {

bool LoadDumpFile(const std::string& path, engine::Engine& engine, int64_t now_ms,
                  LoadedDump* loaded, std::string* error) {
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    *error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (fstat(fileno(file), &st) == 0) loaded->file_bytes = static_cast<uint64_t>(st.st_size);
  loaded->result = persist::LoadDump(file, engine, now_ms);
  const bool read_error = std::ferror(file) != 0;
  std::fclose(file);
  if (read_error) {
    *error = path + ": read error";
    return false;
  }
  if (!loaded->result.ok) {
    *error = path + ": " + loaded->result.error;
    return false;
  }
  return true;
}

}  // namespace lrukv::dumptool
