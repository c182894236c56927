// The subcommands of lrukv-dump. Each prints its result on stdout and its error, prefixed
// "lrukv-dump: <name>: ", on stderr, and returns the process exit code (0 ok, 1 failure).
#pragma once

#include <string>

namespace lrukv::dumptool {

// check FILE: validates a dump and prints its counts.
int RunCheck(const std::string& path);
// export HOST:PORT FILE: a server's string keys into a dump, written atomically.
int RunExport(const std::string& host, const std::string& port, const std::string& path);
// import FILE HOST:PORT: a dump's keys into a server, with their expiries.
int RunImport(const std::string& path, const std::string& host, const std::string& port);
// resp FILE: a dump's keys as a RESP command stream on stdout, for `redis-cli --pipe`.
int RunResp(const std::string& path);

}  // namespace lrukv::dumptool
