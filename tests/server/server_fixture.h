// ServerProcess: starts the built lrukv-server (LRUKV_SERVER_BIN) as a child process on a free
// port, waits until it accepts connections, and stops it (SIGTERM, then SIGKILL) when it goes
// out of scope. Its stderr goes to a temporary log file the test can read. Also: free-port
// picking, a raw socket client for byte-exact protocol checks, and a hiredis context holder.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <doctest/doctest.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace lrukv::testing {

using Clock = std::chrono::steady_clock;

// A TCP port nobody listens on right now: bind port 0, read the port back, close.
inline int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// A blocking loopback socket with a receive timeout, for exact bytes in and out.
class RawConn {
 public:
  explicit RawConn(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~RawConn() {
    if (fd_ >= 0) close(fd_);
  }
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;

  bool ok() const { return fd_ >= 0; }
  // Sends every byte (false if the peer closed first).
  bool Send(std::string_view bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  // Reads until `want` bytes arrived, the peer closed, or timeout_ms passed.
  std::string Read(size_t want, int timeout_ms = 5000) {
    std::string got;
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    char buf[65536];
    while (got.size() < want) {
      int left = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, left) <= 0) break;
      ssize_t n = recv(fd_, buf, std::min(sizeof(buf), want - got.size()), 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      got.append(buf, static_cast<size_t>(n));
    }
    return got;
  }
  // True once the server has closed the connection (waits up to timeout_ms for EOF).
  bool WaitClosed(int timeout_ms = 5000) {
    if (closed_) return true;
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    char buf[4096];
    while (Clock::now() < deadline) {
      int left = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, std::max(left, 1)) <= 0) continue;
      ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) return closed_ = true;
    }
    return false;
  }
  void CloseNow() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool closed_ = false;
};

// Owns a redisContext.
struct RedisDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using RedisConn = std::unique_ptr<redisContext, RedisDeleter>;

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// Runs a command and returns its reply (nullptr on a connection error).
template <typename... Args>
Reply Command(redisContext* c, const char* format, Args... args) {
  return Reply(static_cast<redisReply*>(redisCommand(c, format, args...)));
}

// Result of running the server binary to completion (for --version, bad configs).
struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline std::string TempPath(const std::string& stem) {
  return "/tmp/lrukv-server-test-" + std::to_string(getpid()) + "-" + stem;
}

// Spawns LRUKV_SERVER_BIN with `args`, stdout and stderr to the given files. Returns the pid.
inline pid_t Spawn(const std::vector<std::string>& args, const std::string& out_path,
                   const std::string& err_path) {
  pid_t pid = fork();
  if (pid == 0) {
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(LRUKV_SERVER_BIN));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(LRUKV_SERVER_BIN, argv.data());
    _exit(127);
  }
  return pid;
}

// Waits up to timeout_ms for `pid` to exit; returns its exit code, 128+signal, or -1 on timeout.
inline int WaitExit(pid_t pid, int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return -1;
    }
    if (Clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Runs the binary to completion (it must exit within timeout_ms).
inline ProcessResult RunServerOnce(const std::vector<std::string>& args, int timeout_ms = 5000) {
  std::string out = TempPath("once.out"), err = TempPath("once.err");
  pid_t pid = Spawn(args, out, err);
  ProcessResult r;
  r.exit_code = WaitExit(pid, timeout_ms);
  if (r.exit_code == -1) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  std::remove(out.c_str());
  std::remove(err.c_str());
  return r;
}

class ServerProcess {
 public:
  // Starts the server on a free port with `args` appended (e.g. {"--maxclients", "2"}).
  explicit ServerProcess(std::vector<std::string> args = {}) {
    static int instance = 0;
    log_path_ = TempPath("server" + std::to_string(instance++) + ".log");
    for (int attempt = 0; attempt < 3 && pid_ <= 0; ++attempt) {
      port_ = FreePort();
      std::vector<std::string> full = {"--port", std::to_string(port_), "--save", "",
                                       "--loglevel", "verbose"};
      full.insert(full.end(), args.begin(), args.end());
      pid_t pid = Spawn(full, "/dev/null", log_path_);
      if (WaitAccepting(pid)) {
        pid_ = pid;
      } else {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
    if (pid_ <= 0) throw std::runtime_error("lrukv-server did not start: " + log());
  }
  // Stops the server with SIGTERM; a server that does not then exit 0 (a crash, a sanitizer
  // report, a leak) fails the running test, and its log is printed.
  ~ServerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int code = WaitExit(pid_, 5000);
      if (code == -1) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
      }
      if (code != 0) {
        std::fprintf(stderr, "lrukv-server exited with %d; its log:\n%s\n", code, log().c_str());
        FAIL_CHECK("lrukv-server did not exit cleanly on SIGTERM");
      }
    }
    std::remove(log_path_.c_str());
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log() const { return ReadFile(log_path_); }

  RedisConn Connect() const {
    timeval tv{5, 0};
    RedisConn c(redisConnectWithTimeout("127.0.0.1", port_, tv));
    if (c && !c->err) redisSetTimeout(c.get(), tv);
    return c;
  }

  // Sends `signum` and waits for the exit; returns the exit code (see WaitExit).
  int Stop(int signum = SIGTERM, int timeout_ms = 5000) {
    kill(pid_, signum);
    return WaitForExit(timeout_ms);
  }
  // Waits for the process to exit on its own (SHUTDOWN); returns the exit code.
  int WaitForExit(int timeout_ms = 5000) {
    int code = WaitExit(pid_, timeout_ms);
    if (code != -1) pid_ = -1;
    return code;
  }

 private:
  bool WaitAccepting(pid_t pid) {
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < deadline) {
      if (waitpid(pid, nullptr, WNOHANG) == pid) return false;  // it died (port taken?)
      RawConn c(port_);
      if (c.ok()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

}  // namespace lrukv::testing
