// Server log in Redis's format: "<pid>:<role> <day> <mon> <year> <hh:mm:ss.mmm> <mark> <message>",
// the mark showing the level (debug '.', verbose '-', notice '*', warning '#'). Lines go to
// stderr, or appended to `logfile` when one is configured. Logging is for rare events (start,
// shutdown, dropped clients); the request path logs nothing at the default level.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>

namespace lrukv::server {

enum class LogLevel { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3 };

// "debug", "verbose", "notice", "warning" (the loglevel directive's values).
std::optional<LogLevel> ParseLogLevel(std::string_view name);
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
// Empty path: stderr. Returns false with *error set when the file cannot be opened.
bool SetLogFile(const std::string& path, std::string* error);
// 'C' while the configuration is read, 'M' once the server runs (Redis's roles).
void SetLogRole(char role);
void LogLine(LogLevel level, std::string_view message);

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (!LogEnabled(level)) return;
  LogLine(level, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace lrukv::server
