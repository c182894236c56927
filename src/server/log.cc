// Redis-style log lines; see log.h.
#include "src/server/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace lrukv::server {

namespace {

LogLevel g_level = LogLevel::kNotice;
char g_role = 'C';
FILE* g_file = nullptr;  // nullptr: stderr

}  // namespace

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "verbose") return LogLevel::kVerbose;
  if (name == "notice") return LogLevel::kNotice;
  if (name == "warning") return LogLevel::kWarning;
  return std::nullopt;
}

void SetLogLevel(LogLevel level) { g_level = level; }
bool LogEnabled(LogLevel level) { return level >= g_level; }
void SetLogRole(char role) { g_role = role; }

bool SetLogFile(const std::string& path, std::string* error) {
  if (path.empty()) {
    if (g_file) std::fclose(g_file);
    g_file = nullptr;
    return true;
  }
  FILE* f = std::fopen(path.c_str(), "a");
  if (!f) {
    *error = std::string("Can't open the log file: ") + std::strerror(errno);
    return false;
  }
  if (g_file) std::fclose(g_file);
  g_file = f;
  return true;
}

void LogLine(LogLevel level, std::string_view message) {
  if (!LogEnabled(level)) return;
  static constexpr char kMarks[] = {'.', '-', '*', '#'};
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  struct tm tm;
  localtime_r(&tv.tv_sec, &tm);
  char when[64];
  size_t n = std::strftime(when, sizeof(when), "%d %b %Y %H:%M:%S", &tm);
  std::snprintf(when + n, sizeof(when) - n, ".%03d", static_cast<int>(tv.tv_usec / 1000));
  FILE* out = g_file ? g_file : stderr;
  std::fprintf(out, "%d:%c %s %c %.*s\n", static_cast<int>(getpid()), g_role, when,
               kMarks[static_cast<int>(level)], static_cast<int>(message.size()),
               message.data());
  std::fflush(out);
}

}  // namespace lrukv::server
