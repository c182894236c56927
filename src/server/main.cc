// lrukv-server: the command line as redis-server takes it, then the reactor.
//   lrukv-server [/path/to/lrukv.conf] [--name value [value ...]] ...
//   lrukv-server -v | --version        lrukv-server -h | --help
// Configuration errors print Redis's "*** FATAL CONFIG FILE ERROR ***" block and exit 1.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "src/commands/command_table.h"
#include "src/commands/config.h"
#include "src/server/log.h"
#include "src/server/server.h"

#ifndef LRUKV_VERSION
#define LRUKV_VERSION "0.0.0"
#endif

namespace {

using lrukv::server::Log;
using lrukv::server::LogLevel;

void PrintVersion() {
  std::printf("lrukv server v=%s sha=00000000:0 malloc=libc bits=%d build=0000000000000000\n",
              LRUKV_VERSION, static_cast<int>(sizeof(long) * 8));
}

void PrintUsage() {
  std::fprintf(stderr,
               "Usage: ./lrukv-server [/path/to/lrukv.conf] [options]\n"
               "       ./lrukv-server -v or --version\n"
               "       ./lrukv-server -h or --help\n"
               "\n"
               "Examples:\n"
               "       ./lrukv-server (run the server with default conf)\n"
               "       ./lrukv-server /etc/lrukv/6379.conf\n"
               "       ./lrukv-server --port 7777\n"
               "       ./lrukv-server --port 7777 --maxmemory 100mb --save ''\n"
               "       ./lrukv-server /etc/mylrukv.conf --loglevel verbose\n");
}

void Fatal(const std::string& message) {
  std::fprintf(stderr, "\n%s\n", message.c_str());
  std::exit(1);
}

// Detaches from the terminal as redis-server's daemonize does: fork, new session, stdio to
// /dev/null. The parent exits at once.
void Daemonize() {
  pid_t pid = fork();
  if (pid < 0) Fatal(std::string("Can't fork to daemonize: ") + std::strerror(errno));
  if (pid > 0) std::exit(0);
  setsid();
  int fd = open("/dev/null", O_RDWR, 0);
  if (fd >= 0) {
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO) close(fd);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGHUP, SIG_IGN);
  // A file-size limit (ulimit -f) must fail a save with EFBIG, like a full disk, not kill us.
  std::signal(SIGXFSZ, SIG_IGN);
  lrukv::cmd::Config config;
  std::string error;
  int first_option = 1;
  if (argc >= 2) {
    std::string first = argv[1];
    if (first == "-v" || first == "--version") {
      PrintVersion();
      return 0;
    }
    if (first == "-h" || first == "--help") {
      PrintUsage();
      return 1;
    }
    if (first[0] != '-') {
      if (!config.LoadFile(first, &error)) Fatal(error);
      first_option = 2;
    }
  }
  std::vector<std::string> options(argv + first_option, argv + argc);
  if (!config.ApplyArgs(options, &error)) Fatal(error);
  {
    // rename-command lines fail the start as Redis's config loading does; the server applies
    // them again to its own table.
    lrukv::cmd::CommandTable check;
    lrukv::cmd::RegisterAllCommands(check);
    if (!lrukv::cmd::ApplyCommandRenames(config.command_renames, check, &error)) Fatal(error);
  }

  if (config.daemonize) Daemonize();
  if (!lrukv::server::SetLogFile(config.logfile, &error)) Fatal(error);
  lrukv::server::SetLogLevel(
      lrukv::server::ParseLogLevel(config.loglevel).value_or(LogLevel::kNotice));
  Log(LogLevel::kWarning, "oO0OoO0OoO0Oo lrukv is starting oO0OoO0OoO0Oo");
  Log(LogLevel::kWarning, "lrukv version={}, bits={}, pid={}, just started", LRUKV_VERSION,
      sizeof(long) * 8, static_cast<int>(getpid()));
  if (config.config_file().empty()) {
    Log(LogLevel::kWarning,
        "Warning: no config file specified, using the default config. In order to specify a "
        "config file use {} /path/to/lrukv.conf",
        argv[0]);
  } else {
    Log(LogLevel::kWarning, "Configuration loaded");
  }
  lrukv::server::SetLogRole('M');

  if (chdir(config.dir.c_str()) != 0) {
    Log(LogLevel::kWarning, "Can't chdir to '{}': {}", config.dir, std::strerror(errno));
    return 1;
  }
  if (char* cwd = getcwd(nullptr, 0)) {
    config.dir = cwd;
    std::free(cwd);
  }
  if (!config.pidfile.empty()) {
    if (FILE* f = std::fopen(config.pidfile.c_str(), "w")) {
      std::fprintf(f, "%d\n", static_cast<int>(getpid()));
      std::fclose(f);
    } else {
      Log(LogLevel::kWarning, "Failed to write PID file: {}", std::strerror(errno));
    }
  }

  int code;
  {
    lrukv::server::Server server(config);
    Log(LogLevel::kNotice, "Running mode=standalone, port={}.",
        config.port != 0 ? config.port : config.tls_port);  // as Redis
    code = server.Run();
  }
  if (!config.pidfile.empty()) unlink(config.pidfile.c_str());
  return code;
}
