// lrukv-dump: check, export and import lrukv's JSON dump files (docs/dump-format.md), so that a
// Redis's string data can move into lrukv and back over the network.
//
//   lrukv-dump check FILE               validate FILE; print keys per database, key+value bytes,
//                                       keys with a TTL and keys already expired
//   lrukv-dump export HOST:PORT FILE    every string key of every database of a Redis-compatible
//                                       server (SCAN, GET, PTTL) into FILE, written atomically;
//                                       keys of other types are skipped and counted
//   lrukv-dump import FILE HOST:PORT    every key of FILE into a server (SELECT, SET ... PXAT),
//                                       pipelined; the first refused command stops it
//   lrukv-dump resp FILE                the same commands as a RESP stream on stdout, for
//                                       `redis-cli --pipe` into Valkey or Redis
//
// Exit status: 0 success, 1 failure (message on stderr), 2 usage error. A progress line is
// drawn on stderr while it is a terminal. REDISCLI_AUTH (and REDISCLI_AUTH_USER), as for
// redis-cli, give the password to authenticate with.
#include <cstdio>
#include <cstring>
#include <string>

#include "tools/lrukv-dump/resp_client.h"
#include "tools/lrukv-dump/subcommands.h"

namespace {

constexpr char kUsage[] =
    "usage: lrukv-dump check FILE\n"
    "       lrukv-dump export HOST:PORT FILE\n"
    "       lrukv-dump import FILE HOST:PORT\n"
    "       lrukv-dump resp FILE | redis-cli -h HOST -p PORT --pipe\n";

int Usage(const char* problem) {
  if (problem != nullptr) std::fprintf(stderr, "lrukv-dump: %s\n", problem);
  std::fputs(kUsage, stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lrukv::dumptool;
  if (argc == 2 && (std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "--help") == 0)) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (argc < 2) return Usage(nullptr);
  const std::string command = argv[1];
  if (command == "check") {
    if (argc != 3) return Usage("check takes one FILE");
    return RunCheck(argv[2]);
  }
  if (command == "resp") {
    if (argc != 3) return Usage("resp takes one FILE");
    return RunResp(argv[2]);
  }
  if (command == "export" || command == "import") {
    if (argc != 4) return Usage((command + " takes two arguments").c_str());
    const bool is_export = command == "export";
    const std::string address = argv[is_export ? 2 : 3];
    const std::string path = argv[is_export ? 3 : 2];
    std::string host, port;
    if (!SplitHostPort(address, &host, &port)) {
      return Usage(("expected HOST:PORT, got '" + address + "'").c_str());
    }
    return is_export ? RunExport(host, port, path) : RunImport(path, host, port);
  }
  return Usage(("unknown command '" + command + "'").c_str());
}
