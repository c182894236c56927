// The libuv reactor: listeners, connections, the flush-before-poll prepare handle, the expiry
// and cron timers, signals, and ServerControl for the commands. Commands themselves live in
// src/commands; this file only moves bytes and applies configuration to the running server.
#include "src/server/server.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <netdb.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <deque>

#include "resp/errors.h"
#include "resp/reply_writer.h"
#include "resp/request_peek.h"
#include "src/commands/arg_parse.h"
#include "src/commands/persistence.h"
#include "src/server/log.h"
#include "src/server/tls_context.h"
#include "src/server/tls_session.h"

namespace lrukv::server {

namespace {

// Bytes read per read call into the shared buffer (Redis reads 16 KiB, PROTO_IOBUF_LEN; more
// per call means fewer syscalls under pipelining, and the buffer is shared by all clients).
constexpr size_t kSharedReadBytes = 64 * 1024;
// Smallest free space offered when reading into a connection's own buffer, bytes.
constexpr size_t kOwnReadBytes = 16 * 1024;
// Room kept after a big bulk's end in its buffer, bytes: what follows it (SET's options, the
// next request's start) is read without growing the buffer by half, and a value the engine
// keeps has room for its TTL trailer.
constexpr size_t kBulkTailBytes = kOwnReadBytes;
static_assert(kBulkTailBytes >= engine::kValueDonorTailBytes);
// Most bytes one read takes of a big bulk, bytes. The kernel faults in each page it copies
// to, and a socket may hold 32 MB (tcp_rmem's default maximum): 8k faults in one loop turn,
// 250 ms where a fault costs 30 us; 1 MiB is 256 faults, and 512 reads for a 512 MB value.
constexpr size_t kBigBulkReadBytes = 1024 * 1024;
// A connection's idle buffers above this size are released by the cron, bytes.
constexpr size_t kKeepBufferBytes = 64 * 1024;
// A value this big, in a request that ends the data of its connection's buffer, gets that
// buffer offered to the engine to keep as the entry instead of a copy (OfferInput), bytes.
// Below it a copy costs at most 256 page faults (8 ms where a fault costs 30 us, as on a
// small VM; far less on most hosts), while the buffer a connection keeps serves its next
// request warm, where a given-away one has to be grown again, by realloc steps that copy.
constexpr size_t kOfferValueMinBytes = 1024 * 1024;
// The other arguments of such a request are copied out of the buffer first; a request whose
// other arguments take more than this in all is not offered, bytes.
constexpr size_t kOfferOtherArgsMaxBytes = 64 * 1024;
// File descriptors kept in reserve beyond maxclients (listeners, logs, dumps), as Redis.
constexpr uint64_t kReservedFds = 32;
// Share of wall time the active expiry may take while keys are due, percent. It runs in
// slices of at most kExpireSliceUs (reclaiming and the compaction after it), each followed
// by a pause that lets clients be served: with 50, a 1 ms slice then a 1 ms pause, so a
// client waits at most about one slice (Redis: 25% of a 100 ms tick, up to 25 ms at once).
constexpr int64_t kExpireBudgetPct = 50;
constexpr int64_t kExpireSliceUs = 1000;
// While a client's socket takes nothing more, its new output is kept in blocks of about this
// size, bytes: appending then never copies what is already queued, where one growing string
// would copy all of it at each doubling (16 MB at once on the way to a 32 MB limit).
constexpr size_t kOutputBlockBytes = 64 * 1024;
// Once the resident bytes that malloc does not count as in use have grown this much since the
// cron last gave free heap pages back to the system (malloc_trim), it does so again, bytes.
// glibc returns only the top of its heap by itself, so a client's freed request buffers or
// MULTI queue below a live client's small blocks would stay resident for good.
constexpr size_t kTrimAfterFreedBytes = 4 * 1024 * 1024;
// Period of the client cron (idle timeouts, buffer trimming), milliseconds.
constexpr uint64_t kCronPeriodMs = 1000;
// A TLS client still in its handshake this long after it connected is closed, milliseconds
// (lrukv's own bound; Redis has none): a client that stops mid-handshake cannot hold a
// connection slot for ever, while a real handshake takes a few round trips.
constexpr int64_t kTlsHandshakeTimeoutMs = 10'000;

// Redis's cross-protocol scripting guard: a request named POST or Host: is an HTTP request
// sent to us (by a browser, most likely on an attacker's page), never a Redis command.
bool IsHttpRequestName(std::string_view name) {
  auto equals = [&](std::string_view word) {
    if (name.size() != word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      char ch = name[i];
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      if (ch != word[i]) return false;
    }
    return true;
  };
  return equals("post") || equals("host:");
}

std::string FormatAddr(const struct sockaddr_storage& ss) {
  char ip[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const struct sockaddr_in*>(&ss);
    uv_ip4_name(a, ip, sizeof(ip));
    port = ntohs(a->sin_port);
    return std::string(ip) + ":" + std::to_string(port);
  }
  if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const struct sockaddr_in6*>(&ss);
    uv_ip6_name(a, ip, sizeof(ip));
    port = ntohs(a->sin6_port);
    return "[" + std::string(ip) + "]:" + std::to_string(port);
  }
  return "?:0";
}

// Frees a buffer that came from malloc/realloc.
struct FreeBuffer {
  void operator()(char* p) const { std::free(p); }
};

// Redis's connIsLocal: a peer whose address text starts with "127." or is "::1" (the unix
// socket is never asked). What protected-mode lets in without a password.
bool IsLoopbackPeer(const struct sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const struct sockaddr_in*>(&ss);
    return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
  }
  if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const struct sockaddr_in6*>(&ss);
    return IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
  }
  return false;
}

}  // namespace

// ---- Handles ----

struct Server::Listener {
  union {
    uv_tcp_t tcp;
    uv_pipe_t pipe;
  } handle;
  Server* server = nullptr;
  bool unix_socket = false;
  bool tls = false;  // a tls-port listener: its connections get a TlsSession
  std::string address;  // "127.0.0.1:6379" or the socket path, for logs and laddr

  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&handle); }
  uv_handle_t* as_handle() { return reinterpret_cast<uv_handle_t*>(&handle); }
};

struct Server::Connection {
  union {
    uv_tcp_t tcp;
    uv_pipe_t pipe;
  } handle;
  Server* server = nullptr;
  cmd::ClientState client;
  resp::RequestParser parser;
  // Accepted on a tls-port listener: the socket carries TLS records, and `in`/`out` hold the
  // plaintext as for a plain connection (ReadTls, WriteTls). nullptr on a plain connection.
  std::unique_ptr<TlsSession> tls;
  bool parser_auth_required = false;
  // From a loopback address or the unix socket: what protected-mode lets in. A TLS client is
  // judged once its handshake is done, as Redis's clientAcceptHandler runs then.
  bool loopback_peer = false;
  // Set by CloseAsap: closed at the next flush, pending replies dropped, input ignored.
  bool close_asap = false;
  // When the output first went over the soft limit, unix seconds; 0 = not over it.
  int64_t soft_limit_since_s = 0;

  // The unparsed start of a request that did not fit in one read: [0, in_len) of `in`.
  std::unique_ptr<char, FreeBuffer> in;  // malloc'd, so that Reserve can realloc it
  size_t in_cap = 0;
  size_t in_len = 0;

  std::string out;      // replies not yet handed to the kernel
  // Older replies than `out`, sealed in blocks while a write was in flight (SealOutput).
  std::deque<std::string> backlog;
  size_t backlog_bytes = 0;
  std::string writing;  // bytes owned by the uv_write in flight, from write_offset
  size_t write_offset = 0;
  uv_write_t write_req;
  bool write_in_flight = false;

  bool queued = false;   // in Server::pending_
  bool closing = false;  // uv_close called; deleted in OnClose
  bool reading = false;
  Connection* prev = nullptr;
  Connection* next = nullptr;

  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&handle); }
  uv_handle_t* as_handle() { return reinterpret_cast<uv_handle_t*>(&handle); }
  // Reply bytes not yet handed to the kernel: the backlog and `out`, plus what the uv_write in
  // flight has not written yet (libuv writes part of it whenever the socket takes more).
  size_t pending_output() const {
    return backlog_bytes + out.size() +
           (write_in_flight ? uv_stream_get_write_queue_size(
                                  reinterpret_cast<const uv_stream_t*>(&handle))
                            : 0);
  }

  // While a write is in flight (the socket is full), moves a full `out` to the backlog, so
  // the next replies start a new block instead of growing (and copying) one string.
  void SealOutput() {
    if (!write_in_flight || out.size() < kOutputBlockBytes) return;
    backlog_bytes += out.size();
    backlog.push_back(std::move(out));
    out.clear();  // a moved-from string is only "valid": make it empty
  }

  // Grows `in` to `cap` bytes, keeping its content. realloc, not a new buffer and a copy: a
  // big (mmapped) buffer then grows by mremap, without copying or zeroing what a client sent,
  // which for a 50 MB bulk would hold every other client up for tens of milliseconds a step.
  void Reserve(size_t cap) {
    if (cap <= in_cap) return;
    char* bigger = static_cast<char*>(std::realloc(in.get(), cap));
    if (bigger == nullptr) std::abort();  // as operator new would (no exceptions here)
    (void)in.release();
    in.reset(bigger);
    in_cap = cap;
  }
};

// ---- Construction ----

Server::Server(cmd::Config& config)
    : config_(config),
      engine_(clock_, config.databases),
      context_{engine_, config_, table_, *this, {}},
      dispatcher_(context_) {
  cmd::RegisterAllCommands(table_);
  std::string rename_error;  // main() has already refused a config whose renames fail
  cmd::ApplyCommandRenames(config_.command_renames, table_, &rename_error);
  shared_in_ = std::make_unique<char[]>(kSharedReadBytes);
  stats_.start_time_ms = clock_.NowMs();
  context_.counters.last_save_time_s = stats_.start_time_ms / 1000;  // Redis: lastsave = start
  context_.counters.last_save_unix_s = clock_.ToWallMs(stats_.start_time_ms) / 1000;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n > 0) stats_.executable.assign(exe, static_cast<size_t>(n));
  stats_.config_file = config_.config_file();
  config_.on_apply = [this](std::string_view name, std::string* error) {
    return ApplyConfig(name, error);
  };
  config_.on_change = [this](std::string_view name) { OnConfigChanged(name); };
  ApplyEngineLimits();
  ApplyOutputLimits();
}

Server::~Server() {
  config_.on_apply = nullptr;
  config_.on_change = nullptr;
  if (loop_ready_) {
    // Close whatever is still open, let the close callbacks run, then free the loop.
    uv_walk(
        &loop_, [](uv_handle_t* h, void*) { if (!uv_is_closing(h)) uv_close(h, nullptr); },
        nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);
    uv_loop_close(&loop_);
  }
}

// ---- Run ----

int Server::Run() {
  uv_loop_init(&loop_);
  loop_ready_ = true;
  loop_.data = this;

  // The TLS context is checked before the dump is loaded (a bad certificate fails at once).
  if (config_.tls_port != 0 && !StartTls()) return 1;
  if (config_.cluster_enabled && !StartClusterNode()) return 1;
  if (!LoadDumpAtStart()) return 1;
  if (config_.cluster_enabled && !ClusterDataInDbZero()) return 1;
  std::string error;
  ApplyMaxClients(/*at_start=*/true, &error);
  if (config_.port != 0) {
    if (!ListenTcp(config_.bind, config_.port, &tcp_listeners_, &error)) {
      Log(LogLevel::kWarning, "{}", error);
      Log(LogLevel::kWarning, "Failed listening on port {} (TCP), aborting.", config_.port);
      return 1;
    }
  }
  if (config_.tls_port != 0 &&
      !ListenTcp(config_.bind, config_.tls_port, &tls_listeners_, &error, /*tls=*/true)) {
    Log(LogLevel::kWarning, "{}", error);
    Log(LogLevel::kWarning, "Failed listening on port {} (TLS), aborting.", config_.tls_port);
    return 1;
  }
  if (!config_.unixsocket.empty() && !ListenUnix(&error)) {
    Log(LogLevel::kWarning, "{}", error);
    Log(LogLevel::kWarning, "Failed opening Unix socket: {}", error);
    return 1;
  }
  if (tcp_listeners_.empty() && tls_listeners_.empty() && !unix_listener_) {
    Log(LogLevel::kWarning, "Configured to not listen anywhere, exiting.");
    return 1;
  }
  stats_.tcp_port = config_.port != 0 ? config_.port : config_.tls_port;  // as Redis

  uv_prepare_init(&loop_, &prepare_);
  prepare_.data = this;
  uv_prepare_start(&prepare_, OnPrepare);
  uv_timer_init(&loop_, &expire_timer_);
  expire_timer_.data = this;
  ScheduleExpire(static_cast<uint64_t>(1000 / std::max(1, config_.hz)));
  uv_timer_init(&loop_, &cron_timer_);
  cron_timer_.data = this;
  uv_timer_start(&cron_timer_, OnCronTimer, kCronPeriodMs, kCronPeriodMs);
  uv_signal_init(&loop_, &sigterm_);
  sigterm_.data = this;
  uv_signal_start(&sigterm_, OnSignal, SIGTERM);
  uv_signal_init(&loop_, &sigint_);
  sigint_.data = this;
  uv_signal_start(&sigint_, OnSignal, SIGINT);
  uv_signal_init(&loop_, &sigchld_);
  sigchld_.data = this;
  uv_signal_start(&sigchld_, OnChildExit, SIGCHLD);

  Log(LogLevel::kWarning, "Server initialized");
  if (!tcp_listeners_.empty()) Log(LogLevel::kNotice, "Ready to accept connections tcp");
  if (!tls_listeners_.empty()) Log(LogLevel::kNotice, "Ready to accept connections tls");
  if (unix_listener_) {
    Log(LogLevel::kNotice, "Ready to accept connections unix");
    Log(LogLevel::kNotice, "The server is now ready to accept connections at {}",
        config_.unixsocket);
  }

  uv_run(&loop_, UV_RUN_DEFAULT);
  return exit_code_;
}

// ---- Listeners ----

namespace {

// A host name (or any form getaddrinfo takes) as its first IPv4 address, as Redis's
// anetTcpServer binds the first address getaddrinfo gives. Blocks on the resolver: only at
// start and CONFIG SET bind, as in Redis. False with the resolver's message on failure.
bool ResolveIpv4(const std::string& name, int port, struct sockaddr_in* out, std::string* error) {
  struct addrinfo hints {};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  struct addrinfo* found = nullptr;
  const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &found);
  if (rc != 0 || found == nullptr) {
    *error = rc != 0 ? gai_strerror(rc) : "Name or service not known";
    return false;
  }
  std::memcpy(out, found->ai_addr, sizeof(*out));
  out->sin_port = htons(static_cast<uint16_t>(port));
  freeaddrinfo(found);
  return true;
}

}  // namespace

bool Server::ListenTcp(const std::string& bind, int port, std::vector<Listener*>* out,
                       std::string* error, bool tls) {
  // `bind ""` opens no TCP listener (as redis-server 7.0 does after CONFIG SET bind "").
  for (std::string_view word : cmd::SplitWords(bind)) {
    std::string addr(word);
    bool optional = !addr.empty() && addr[0] == '-';
    if (optional) addr.erase(0, 1);
    if (addr == "*") addr = "0.0.0.0";
    if (addr == "::*") addr = "::";
    bool v6 = addr.find(':') != std::string::npos;
    struct sockaddr_storage ss;
    int rc = v6 ? uv_ip6_addr(addr.c_str(), port, reinterpret_cast<sockaddr_in6*>(&ss))
                : uv_ip4_addr(addr.c_str(), port, reinterpret_cast<sockaddr_in*>(&ss));
    std::string resolve_error;
    if (rc != 0 && !v6) {
      // Redis resolves with getaddrinfo, which also takes inet_aton's forms ("1" = 0.0.0.1)
      // and host names ("localhost"): numbers first, without a lookup, then the resolver.
      auto* in = reinterpret_cast<sockaddr_in*>(&ss);
      if (inet_aton(addr.c_str(), &in->sin_addr) != 0) {
        in->sin_family = AF_INET;
        in->sin_port = htons(static_cast<uint16_t>(port));
        rc = 0;
      } else if (ResolveIpv4(addr, port, in, &resolve_error)) {
        rc = 0;
      }
    }
    // An IPv4 address or name that resolves to none fails even when optional ('-'), as in
    // Redis (whose getaddrinfo error leaves a stale errno; for IPv6 forms that errno lets it
    // skip them).
    const bool unparsable = rc != 0 && !v6;
    auto* l = new Listener();
    l->server = this;
    l->tls = tls;
    l->address = (v6 ? "[" + addr + "]" : addr) + ":" + std::to_string(port);
    uv_tcp_init(&loop_, &l->handle.tcp);
    l->handle.tcp.data = l;
    if (rc == 0) {
      rc = uv_tcp_bind(&l->handle.tcp, reinterpret_cast<const sockaddr*>(&ss),
                       v6 ? UV_TCP_IPV6ONLY : 0);
    }
    if (rc == 0) rc = uv_listen(l->stream(), config_.tcp_backlog, OnConnection);
    if (rc != 0) {
      CloseListener(l);
      if (optional && !unparsable &&
          (rc == UV_EADDRNOTAVAIL || rc == UV_EAFNOSUPPORT || rc == UV_EPROTONOSUPPORT ||
           rc == UV_EINVAL)) {
        Log(LogLevel::kWarning, "Warning: Could not create server TCP listening socket {}: {}",
            addr + ":" + std::to_string(port), std::strerror(-rc));
        continue;
      }
      // Redis's anet text: the resolver's message as it is, a socket call's after "bind: ".
      const std::string cause =
          !resolve_error.empty() ? resolve_error : "bind: " + std::string(std::strerror(-rc));
      *error = "Warning: Could not create server TCP listening socket " + addr + ":" +
               std::to_string(port) + ": " + cause;
      for (Listener* done : *out) CloseListener(done);
      out->clear();
      return false;
    }
    out->push_back(l);
  }
  return true;
}

bool Server::ListenUnix(std::string* error) {
  const std::string& path = config_.unixsocket;
  unlink(path.c_str());  // a stale socket from an earlier run, as Redis
  auto* l = new Listener();
  l->server = this;
  l->unix_socket = true;
  l->address = path;
  uv_pipe_init(&loop_, &l->handle.pipe, 0);
  l->handle.pipe.data = l;
  int rc = uv_pipe_bind(&l->handle.pipe, path.c_str());
  if (rc == 0 && config_.unixsocketperm != 0) {
    if (chmod(path.c_str(), static_cast<mode_t>(config_.unixsocketperm)) != 0) rc = -errno;
  }
  if (rc == 0) rc = uv_listen(l->stream(), config_.tcp_backlog, OnConnection);
  if (rc != 0) {
    *error = path + ": " + std::strerror(-rc);
    CloseListener(l);
    return false;
  }
  unix_listener_ = l;
  return true;
}

void Server::CloseListener(Listener* listener) {
  uv_close(listener->as_handle(),
           [](uv_handle_t* h) { delete static_cast<Listener*>(h->data); });
}

// ---- Connections ----

void Server::OnConnection(uv_stream_t* stream, int status) {
  auto* l = static_cast<Listener*>(stream->data);
  if (status < 0) {
    Log(LogLevel::kWarning, "Accepting client connection: {}", uv_strerror(status));
    return;
  }
  l->server->Accept(l);
}

void Server::Accept(Listener* l) {
  auto* c = new Connection();
  c->server = this;
  if (l->unix_socket) {
    uv_pipe_init(&loop_, &c->handle.pipe, 0);
  } else {
    uv_tcp_init(&loop_, &c->handle.tcp);
  }
  c->handle.tcp.data = c;
  if (uv_accept(l->stream(), c->stream()) != 0) {
    uv_close(c->as_handle(), [](uv_handle_t* h) { delete static_cast<Connection*>(h->data); });
    return;
  }
  if (shutting_down_ || clients_by_id_.size() >= config_.maxclients) {
    // Refuse as Redis does: the error, then close (best effort, never blocking).
    static const std::string kRefusal = std::string("-") + std::string(resp::err::kMaxClients) + "\r\n";
    uv_buf_t b = uv_buf_init(const_cast<char*>(kRefusal.data()), kRefusal.size());
    if (!l->tls) uv_try_write(c->stream(), &b, 1);  // a TLS client could not read it
    ++stats_.rejected_connections;
    uv_close(c->as_handle(), [](uv_handle_t* h) { delete static_cast<Connection*>(h->data); });
    return;
  }
  int64_t now_ms = clock_.NowMs();
  cmd::ConnectionInfo& info = c->client.conn;
  bool loopback_peer = l->unix_socket;
  info.unix_socket = l->unix_socket;
  info.tls = l->tls;
  info.created_ms = now_ms;
  info.last_interaction_ms = now_ms;
  uv_os_fd_t fd = -1;
  if (uv_fileno(c->as_handle(), &fd) == 0) info.fd = fd;
  if (l->unix_socket) {
    info.addr = config_.unixsocket + ":0";
    info.laddr = info.addr;
  } else {
    uv_tcp_nodelay(&c->handle.tcp, 1);
    if (config_.tcp_keepalive_s > 0)
      uv_tcp_keepalive(&c->handle.tcp, 1, static_cast<unsigned>(config_.tcp_keepalive_s));
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    if (uv_tcp_getpeername(&c->handle.tcp, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
      info.addr = FormatAddr(ss);
      loopback_peer = IsLoopbackPeer(ss);
    }
    len = sizeof(ss);
    if (uv_tcp_getsockname(&c->handle.tcp, reinterpret_cast<sockaddr*>(&ss), &len) == 0)
      info.laddr = FormatAddr(ss);
  }
  c->client.id = next_client_id_++;
  c->loopback_peer = loopback_peer;
  if (!l->tls && ProtectedModeRefuses(c)) {
    RefuseProtectedMode(c);
    return;
  }
  c->client.authenticated = config_.requirepass.empty();
  ApplyParserLimits(c);

  c->prev = clients_tail_;
  if (clients_tail_) {
    clients_tail_->next = c;
  } else {
    clients_head_ = c;
  }
  clients_tail_ = c;
  clients_by_id_[c->client.id] = c;
  // A TLS client counts once its handshake is done and it is not refused (ReadTls), as Redis
  // counts a connection in clientAcceptHandler.
  if (!l->tls) ++stats_.total_connections_received;
  Log(LogLevel::kVerbose, "Accepted {}", info.addr);

  if (l->tls && !StartTlsSession(c)) return;  // closed: a TLS port never serves plaintext
  if (uv_read_start(c->stream(), OnAlloc, OnRead) == 0) {
    c->reading = true;
  } else {
    CloseConnection(c);
  }
}

namespace {

const std::string& ProtectedModeDenied() {
  static const std::string kDenied =
      "-" + std::string(resp::err::kProtectedModeDenied) + "\r\n";
  return kDenied;
}

}  // namespace

bool Server::ProtectedModeRefuses(const Connection* c) const {
  return !c->loopback_peer && config_.protected_mode && config_.requirepass.empty();
}

// protected-mode, as Redis's clientAcceptHandler: the DENIED text, then close. The refused
// client took an id and counts in rejected_connections, not total_connections_received.
void Server::RefuseProtectedMode(Connection* c) {
  uv_buf_t b = uv_buf_init(const_cast<char*>(ProtectedModeDenied().data()),
                           ProtectedModeDenied().size());
  uv_try_write(c->stream(), &b, 1);
  ++stats_.rejected_connections;
  Log(LogLevel::kVerbose, "Refused {} (protected mode)", c->client.conn.addr);
  uv_close(c->as_handle(), [](uv_handle_t* h) { delete static_cast<Connection*>(h->data); });
}

void Server::RefuseProtectedModeTls(Connection* c) {
  ++stats_.rejected_connections;
  Log(LogLevel::kVerbose, "Refused {} (protected mode)", c->client.conn.addr);
  c->out.append(ProtectedModeDenied());  // encrypted by the flush, as any reply
  c->client.close_after_reply = true;
  Enqueue(c);
}

void Server::ApplyParserLimits(Connection* c) {
  resp::ParserLimits limits;
  limits.max_bulk_len = config_.proto_max_bulk_len;
  limits.auth_required = !c->client.authenticated && !config_.requirepass.empty();
  c->parser_auth_required = limits.auth_required;
  c->parser.set_limits(limits);
}

void Server::OnAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* c = static_cast<Connection*>(handle->data);
  Server* s = c->server;
  if (c->in_len == 0) {
    // No partial request kept: read into the shared buffer, copy out only what stays unparsed.
    *buf = uv_buf_init(s->shared_in_.get(), kSharedReadBytes);
    return;
  }
  size_t want = kOwnReadBytes;
  const size_t hint = c->parser.bytes_wanted();
  const bool big_bulk = hint > kOwnReadBytes;
  // A bulk that makes its request one to offer to the engine (OfferInput).
  const bool offerable = c->parser.bulk_in_progress() >= kOfferValueMinBytes;
  // A big bulk grows the buffer towards its end (never past it and kBulkTailBytes: the engine
  // may keep the buffer as the value's entry, OfferInput, and would count every byte of it),
  // at most doubling per read, so that a client announcing a big bulk cannot make us allocate
  // far more than it sends. Except a bulk that makes its request one to offer: it gets all
  // its room at once, as Redis sizes its query buffer for a big argument. A block that big is
  // mapped on its own and becomes resident only as bytes arrive (the address space is all an
  // announcement costs), where growing it by steps copied it whenever malloc could not extend
  // it in place (61 MB at once on the way to 512 MB: 0.7 s of page faults on a small VM).
  if (big_bulk) want = std::min(hint, std::max(c->in_cap, kSharedReadBytes));
  if (c->in_cap - c->in_len < want) {
    size_t cap = std::max(c->in_len + want, c->in_cap + c->in_cap / 2);
    if (big_bulk) cap = std::min(cap, c->in_len + hint + kBulkTailBytes);
    if (offerable && big_bulk) cap = c->in_len + hint + kBulkTailBytes;
    c->Reserve(cap);
  }
  // Such a bulk's reads end at its end, so that a request ending with it ends the buffer's
  // data even if more requests follow (the next read takes those). A big bulk is read at most kBigBulkReadBytes at a time: other clients are served
  // in between (OnRead pauses reading until the next loop turn when a read fills its room).
  size_t room = c->in_cap - c->in_len;
  if (offerable) room = std::min(room, hint);
  if (big_bulk) room = std::min(room, kBigBulkReadBytes);
  *buf = uv_buf_init(c->in.get() + c->in_len, room);
}

void Server::OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* c = static_cast<Connection*>(stream->data);
  Server* s = c->server;
  if (nread == 0 || c->closing) return;
  if (nread < 0) {
    if (nread == UV_EOF) {
      Log(LogLevel::kVerbose, "Client closed connection id={} addr={}", c->client.id,
          c->client.conn.addr);
      // Replies computed for what it sent still go out before we close (it may have only
      // shut down its write side).
      uv_read_stop(stream);
      c->reading = false;
      c->client.close_after_reply = true;
      s->Enqueue(c);
    } else {
      Log(LogLevel::kVerbose, "Reading from client: {}", uv_strerror(static_cast<int>(nread)));
      s->CloseConnection(c);
    }
    return;
  }
  size_t n = static_cast<size_t>(nread);
  s->stats_.total_net_input_bytes += n;
  ++s->stats_.total_reads_processed;
  c->client.conn.last_interaction_ms = s->clock_.NowMs();
  if (c->client.close_after_reply || c->client.killed || c->close_asap) {
    c->in_len = 0;  // a client on its way out: its input is ignored, as Redis
    return;
  }
  if (c->tls) {
    s->ReadTls(c, buf->base, n);
  } else {
    s->ConsumeRead(c, buf->base, n);
  }
  if (c->closing) return;
  c->client.conn.query_buffer_bytes = c->in_len;
  c->client.conn.query_buffer_free = c->in_cap - c->in_len;
  if (!c->out.empty() || c->client.close_after_reply || c->client.killed || c->close_asap)
    s->Enqueue(c);
  // libuv reads a stream up to 32 times in a row while its buffer keeps filling, so a client
  // pouring in a pipeline (redis-cli --pipe) could hold the loop for 2 MB of requests. One full
  // buffer per loop turn instead: pause, and Flush resumes reading before the next poll.
  if (n == buf->len && c->reading) {
    uv_read_stop(stream);
    c->reading = false;
    s->Enqueue(c);
  }
  if (s->shutdown_requested_) s->DoShutdown();
}

void Server::ConsumeRead(Connection* c, char* data, size_t len) {
  if (data == shared_in_.get()) {
    // At most kSharedReadBytes, below the smallest client-query-buffer-limit (1 MB).
    size_t used = ProcessInput(c, data, len);
    if (used < len && !c->closing && !c->close_asap) KeepUnparsed(c, data + used, len - used);
  } else {
    c->in_len += len;
    // As Redis, the limit is checked after the read and before any of it runs, so a request
    // whose bytes alone pass client-query-buffer-limit is refused even once it is whole.
    if (c->in_len > config_.client_query_buffer_limit) {
      Log(LogLevel::kWarning,
          "Closing client that reached max query buffer length: id={} addr={} qbuf={} "
          "(qbuf initial bytes: \"{}\")",
          c->client.id, c->client.conn.addr, c->in_len,
          std::string_view(c->in.get(), std::min<size_t>(c->in_len, 64)));
      ++stats_.client_query_buffer_limit_disconnections;
      CloseConnection(c);
      return;
    }
    size_t used = ProcessInput(c, c->in.get(), c->in_len);
    if (c->in == nullptr) return;  // the engine kept the buffer, and it held nothing more
    if (used > 0 && !c->closing) {
      std::memmove(c->in.get(), c->in.get() + used, c->in_len - used);
      c->in_len -= used;
    }
  }
}

void Server::KeepUnparsed(Connection* c, const char* data, size_t len) {
  size_t hint = c->parser.bytes_wanted();
  c->Reserve(std::max(kOwnReadBytes, len + std::min(hint, std::max(len, kSharedReadBytes))));
  std::memcpy(c->in.get(), data, len);
  c->in_len = len;
}

// How many requests of a batch are peeked for prefetching, and their arguments at most.
constexpr size_t kPeekRequests = 16;
constexpr size_t kPeekArgs = 64;

size_t Server::PrefetchBatchKeys(Connection* c, const char* data, size_t len) {
  resp::PeekedRequest requests[kPeekRequests];
  std::string_view args[kPeekArgs];
  const size_t n = resp::PeekRequests(data, len, config_.proto_max_bulk_len, requests, args);
  std::string_view keys[engine::Engine::kMaxPrefetchKeys];
  size_t n_keys = 0;
  size_t covered = 0;
  for (size_t r = 0; r < n; ++r) {
    const std::string_view* argv = args + requests[r].first;
    const int argc = static_cast<int>(requests[r].count);
    const cmd::CommandSpec* spec = table_.Find(argv[0]);
    if (spec != nullptr && spec->first_key > 0) {
      // Key positions as COMMAND INFO gives them, cut to the arguments actually sent (a
      // request with too few is refused later; here it just has fewer keys).
      const int first = spec->first_key;
      const int last = std::min(spec->last_key < 0 ? argc + spec->last_key : spec->last_key,
                                argc - 1);
      const int step = std::max(1, spec->key_step);
      const size_t request_keys =
          last >= first ? static_cast<size_t>((last - first) / step) + 1 : 0;
      // A request that does not fit waits for the next batch, unless it is alone (MGET of
      // 100 keys): then its first keys go.
      if (n_keys > 0 && n_keys + request_keys > std::size(keys)) break;
      for (int k = first; k <= last && n_keys < std::size(keys); k += step)
        keys[n_keys++] = argv[k];
    }
    covered = requests[r].end;
  }
  if (n_keys < 2) return 0;  // one key has no other misses to overlap with
  engine_.Prefetch(c->client.db, std::span<const std::string_view>(keys, n_keys));
  return covered;
}

size_t Server::ProcessInput(Connection* c, const char* data, size_t len) {
  resp::ReplyWriter writer(&c->out, c->client.protocol);
  size_t pos = 0;
  executing_ = c;
  // Requests before prefetched_to had their keys prefetched; once there is no batch to peek
  // (a lone or unusual request), the rest of this input runs without.
  size_t prefetched_to = 0;
  bool batch = true;
  c->client.conn.query_buffer_free = (data == shared_in_.get() ? kSharedReadBytes : c->in_cap) - len;
  while (pos < len) {
    if (c->client.close_after_reply || c->client.killed || c->close_asap || shutdown_requested_)
      break;
    if (batch && pos >= prefetched_to) {
      const size_t covered = PrefetchBatchKeys(c, data + pos, len - pos);
      batch = covered > 0;
      prefetched_to = pos + covered;
    }
    // Before AUTH (requirepass set) the parser caps requests as Redis does; AUTH, HELLO AUTH,
    // RESET and CONFIG SET requirepass change this between requests, so check before each.
    if (c->parser_auth_required != (!c->client.authenticated && !config_.requirepass.empty()))
      ApplyParserLimits(c);
    resp::ParseStatus status = c->parser.Parse(data + pos, len - pos);
    if (status == resp::ParseStatus::kNeedMore) break;
    if (status == resp::ParseStatus::kError) {
      Log(LogLevel::kVerbose, "Protocol error ({}) from client: id={} addr={}",
          c->parser.error(), c->client.id, c->client.conn.addr);
      writer.Error(c->parser.error());
      cmd::CountErrorReply(context_, c->parser.error());  // Redis counts these in errorstats
      c->client.close_after_reply = true;
      pos = len;
      break;
    }
    size_t consumed = c->parser.consumed();
    std::span<const std::string_view> args = c->parser.args();
    if (!args.empty()) {
      if (IsHttpRequestName(args[0])) {
        int64_t now_s = clock_.NowMs() / 1000;
        if (std::abs(now_s - last_attack_log_s_) > 60) {
          Log(LogLevel::kWarning,
              "Possible SECURITY ATTACK detected. It looks like somebody is sending POST or "
              "Host: commands to Redis. This is likely due to an attacker attempting to use "
              "Cross Protocol Scripting to compromise your Redis instance. Connection aborted.");
          last_attack_log_s_ = now_s;
        }
        CloseAsap(c);
        pos = len;
        break;
      }
      c->client.conn.query_buffer_bytes = len - pos;  // as Redis: includes this command
      c->client.conn.output_buffer_bytes = c->pending_output();
      writer.set_protocol(c->client.protocol);
      engine::ValueDonor donor;
      if (data == c->in.get() && pos + consumed == len) args = OfferInput(c, args, &donor);
      dispatcher_.Execute(c->client, args, writer);
      if (c->client.value_donor != nullptr) TakeBackOffer(c, donor);
      c->SealOutput();  // the writer keeps &c->out, which stays the buffer to append to
      if (OverOutputLimit(c)) {
        CloseOverOutputLimit(c);
        pos = len;
        break;
      }
    }
    pos += consumed;
  }
  executing_ = nullptr;
  return pos;
}

std::span<const std::string_view> Server::OfferInput(Connection* c,
                                                     std::span<const std::string_view> args,
                                                     engine::ValueDonor* donor) {
  size_t value = args.size();
  size_t other_bytes = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (value == args.size() && args[i].size() >= kOfferValueMinBytes) {
      value = i;
    } else {
      other_bytes += args[i].size();
    }
  }
  if (value == args.size() || other_bytes > kOfferOtherArgsMaxBytes) return args;
  offer_args_.clear();
  for (size_t i = 0; i < args.size(); ++i) {
    if (i != value) offer_args_.append(args[i]);
  }
  offer_argv_.clear();
  size_t at = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i == value) {
      offer_argv_.push_back(args[i]);
    } else {
      offer_argv_.emplace_back(offer_args_.data() + at, args[i].size());
      at += args[i].size();
    }
  }
  donor->block = c->in.get();
  donor->value = args[value].data();
  c->client.value_donor = donor;
  return offer_argv_;
}

void Server::TakeBackOffer(Connection* c, const engine::ValueDonor& donor) {
  c->client.value_donor = nullptr;
  if (!donor.taken) return;
  // The block is the entry now: the next request starts in the shared buffer or a new one.
  (void)c->in.release();
  c->in_cap = 0;
  c->in_len = 0;
}

void Server::Enqueue(Connection* c) {
  if (c->queued || c->closing) return;
  c->queued = true;
  pending_.push_back(c);
}

void Server::Flush(Connection* c) {
  if (c->close_asap) {
    CloseConnection(c);  // what it has pending is dropped, as Redis
    return;
  }
  if (c->closing) return;
  // With a write in flight the socket is full: what is pending waits for AfterWrite, which
  // queues `c` again.
  if (!c->write_in_flight && !WritePending(c)) return;  // closed
  if (c->closing) return;
  if (!c->write_in_flight) {
    c->client.conn.output_buffer_bytes = 0;
    if (c->client.close_after_reply || c->client.killed) {
      CloseConnection(c);
      return;
    }
  }
  // Reading paused for the rest of the last loop turn (OnRead) starts again here, also while
  // replies wait for a full socket: as Redis, a client that pipelines before it reads is read
  // on, its replies queued until client-output-buffer-limit (none by default) says otherwise.
  // Stopping would deadlock a client that sends its whole pipeline before reading any reply.
  if (!c->reading && !c->client.close_after_reply && !c->client.killed &&
      uv_read_start(c->stream(), OnAlloc, OnRead) == 0) {
    c->reading = true;
  }
}

bool Server::WritePending(Connection* c) {
  // Oldest first: the blocks sealed while the socket was full, then `out`.
  while (!c->backlog.empty()) {
    std::string block = std::move(c->backlog.front());
    c->backlog.pop_front();
    c->backlog_bytes -= block.size();
    if (!WriteBlock(c, block)) return !c->closing;
  }
  // A TLS connection may have handshake records to send even with no reply.
  if ((!c->out.empty() || c->tls) && !WriteBlock(c, c->out)) return !c->closing;
  return true;
}

bool Server::WriteBlock(Connection* c, std::string& block) {
  if (c->tls) return WriteTls(c, block);
  return WriteToSocket(c, block);
}

bool Server::WriteToSocket(Connection* c, std::string& block) {
  uv_buf_t b = uv_buf_init(block.data(), block.size());
  int n = uv_try_write(c->stream(), &b, 1);
  ++stats_.total_writes_processed;
  if (n == UV_EAGAIN || n == UV_ENOSYS) n = 0;
  if (n < 0) {
    Log(LogLevel::kVerbose, "Error writing to client: {}", uv_strerror(n));
    CloseConnection(c);
    return false;
  }
  stats_.total_net_output_bytes += static_cast<uint64_t>(n);
  if (static_cast<size_t>(n) == block.size()) {
    block.clear();
    return true;
  }
  // The kernel took only part: the rest goes by uv_write from `writing`, which keeps the bytes
  // alive until AfterWrite; `block` gets the old, empty `writing` (for `out`: its buffer).
  std::swap(block, c->writing);
  c->write_offset = static_cast<size_t>(n);
  uv_buf_t rest = uv_buf_init(c->writing.data() + n, c->writing.size() - c->write_offset);
  c->write_req.data = c;
  int rc = uv_write(&c->write_req, c->stream(), &rest, 1, AfterWrite);
  if (rc != 0) {
    Log(LogLevel::kVerbose, "Error writing to client: {}", uv_strerror(rc));
    c->writing.clear();
    c->write_offset = 0;
    CloseConnection(c);
    return false;
  }
  c->write_in_flight = true;
  c->client.conn.output_buffer_bytes = c->pending_output();
  return false;
}

void Server::AfterWrite(uv_write_t* req, int status) {
  auto* c = static_cast<Connection*>(req->data);
  Server* s = c->server;
  c->write_in_flight = false;
  if (status == 0) s->stats_.total_net_output_bytes += c->writing.size() - c->write_offset;
  c->writing.clear();
  c->write_offset = 0;
  if (c->writing.capacity() > kKeepBufferBytes) std::string().swap(c->writing);
  if (c->closing) return;
  if (status < 0) {
    Log(LogLevel::kVerbose, "Error writing to client: {}", uv_strerror(status));
    s->CloseConnection(c);
    return;
  }
  c->client.conn.last_interaction_ms = s->clock_.NowMs();
  s->Enqueue(c);  // its flush writes what queued meanwhile and reads on
}

// ---- TLS connections ----
// The socket carries records; everything else (parsing, replies, output limits, backpressure,
// closing) works on the plaintext exactly as for a plain connection.

bool Server::StartTlsSession(Connection* c) {
  SSL* ssl = tls_context_->NewSsl(config_.tls_auth_clients);
  if (ssl == nullptr) {
    Log(LogLevel::kWarning, "Error accepting a client connection: {}",
        TakeOpenSslError("out of memory"));
    CloseConnection(c);
    return false;
  }
  c->tls = std::make_unique<TlsSession>(ssl);
  return true;
}

void Server::ReadTls(Connection* c, char* data, size_t len) {
  TlsSession& tls = *c->tls;
  tls.Feed(data, len);  // copied: `data` is free for the plaintext again
  if (!tls.handshake_done()) {
    const TlsSession::Status status = tls.Handshake();
    if (!tls.wire().empty()) Enqueue(c);
    if (status == TlsSession::Status::kError) {
      // As Redis logs a failed accept; the alert saying why goes out, then the connection
      // closes, and whatever else it sends is ignored.
      Log(LogLevel::kWarning, "Error accepting a client connection: {}", tls.error());
      c->client.close_after_reply = true;
      Enqueue(c);
      return;
    }
    if (status != TlsSession::Status::kOk) return;  // more of the handshake to come
    if (ProtectedModeRefuses(c)) {
      RefuseProtectedModeTls(c);
      return;  // whatever it sent is ignored
    }
    ++stats_.total_connections_received;
  }
  while (!c->closing && !c->client.close_after_reply && !c->client.killed && !c->close_asap &&
         !shutdown_requested_) {
    uv_buf_t buf;
    OnAlloc(c->as_handle(), 0, &buf);  // where a plain read would land now
    size_t got = 0;
    const TlsSession::Status status = tls.Read(buf.base, buf.len, &got);
    if (!tls.wire().empty()) Enqueue(c);
    if (status == TlsSession::Status::kOk) {
      ConsumeRead(c, buf.base, got);
      continue;
    }
    if (status == TlsSession::Status::kClosed) {  // close_notify: as the socket's end of file
      uv_read_stop(c->stream());
      c->reading = false;
      c->client.close_after_reply = true;
      Enqueue(c);
    } else if (status == TlsSession::Status::kError) {
      Log(LogLevel::kVerbose, "Reading from client: {}", tls.error());
      CloseConnection(c);
    }
    return;
  }
}

bool Server::WriteTls(Connection* c, std::string& plain) {
  TlsSession& tls = *c->tls;
  if (!plain.empty()) {
    if (!tls.Write(plain)) {
      Log(LogLevel::kVerbose, "Error writing to client: {}", tls.error());
      CloseConnection(c);
      return false;
    }
    plain.clear();
  }
  if (tls.wire().empty()) return true;
  return WriteToSocket(c, tls.wire());
}

void Server::CloseConnection(Connection* c) {
  if (c->closing) return;
  c->closing = true;
  // A TLS connection past its handshake says close_notify first, as Redis's connTLSClose, so
  // the client reads a clean end, not a truncation. Best effort, never blocking, and never
  // behind a partly written record (a write in flight).
  if (c->tls && !c->write_in_flight && c->tls->Shutdown()) {
    uv_buf_t b = uv_buf_init(c->tls->wire().data(), c->tls->wire().size());
    uv_try_write(c->stream(), &b, 1);
    c->tls->wire().clear();
  }
  if (c->prev) {
    c->prev->next = c->next;
  } else {
    clients_head_ = c->next;
  }
  if (c->next) {
    c->next->prev = c->prev;
  } else {
    clients_tail_ = c->prev;
  }
  clients_by_id_.erase(c->client.id);
  dispatcher_.ForgetClient(c->client);
  if (c->queued) {
    pending_.erase(std::remove(pending_.begin(), pending_.end(), c), pending_.end());
    std::replace(flushing_.begin(), flushing_.end(), c, static_cast<Connection*>(nullptr));
    c->queued = false;
  }
  uv_close(c->as_handle(), OnClose);
}

void Server::OnClose(uv_handle_t* handle) { delete static_cast<Connection*>(handle->data); }

// ---- ServerControl ----

cmd::ReactorStats Server::Stats() const {
  cmd::ReactorStats s = stats_;
  s.connected_clients = clients_by_id_.size();
  s.config_file = config_.config_file();
  return s;
}

void Server::ForEachClient(const std::function<void(cmd::ClientState&)>& fn) {
  for (Connection* c = clients_head_; c; c = c->next) {
    if (c != executing_) {  // the running client's figures were set before its command
      c->client.conn.query_buffer_bytes = c->in_len;
      c->client.conn.query_buffer_free = c->in_cap - c->in_len;
    }
    c->client.conn.output_buffer_bytes = c->pending_output();
    fn(c->client);
  }
}

void Server::KillClient(cmd::ClientState& client) {
  client.killed = true;
  auto it = clients_by_id_.find(client.id);
  if (it != clients_by_id_.end() && it->second != executing_) Enqueue(it->second);
}

void Server::Shutdown() { shutdown_requested_ = true; }

void Server::Push(cmd::ClientState& client, std::string_view bytes) {
  auto it = clients_by_id_.find(client.id);
  if (it == clients_by_id_.end()) return;
  Connection* c = it->second;
  if (c->close_asap) return;
  c->out.append(bytes);
  c->SealOutput();
  if (OverOutputLimit(c)) {
    CloseOverOutputLimit(c);
    return;
  }
  // The running command's own connection is flushed after its batch; others before the poll.
  if (c != executing_) Enqueue(c);
}

void Server::ResetStats() {
  stats_.total_connections_received = 0;
  stats_.rejected_connections = 0;
  stats_.total_net_input_bytes = 0;
  stats_.total_net_output_bytes = 0;
  stats_.total_reads_processed = 0;
  stats_.total_writes_processed = 0;
  stats_.client_query_buffer_limit_disconnections = 0;
  stats_.client_output_buffer_limit_disconnections = 0;
  last_sample_commands_ = context_.counters.total_commands_processed;
  last_sample_input_bytes_ = 0;
  last_sample_output_bytes_ = 0;
}

void Server::OnConfigChanged(std::string_view name) {
  if (name == "maxmemory" || name == "maxmemory-policy" || name == "maxkeys" ||
      name == "default-ttl") {
    ApplyEngineLimits();
  } else if (name == "proto-max-bulk-len") {
    for (Connection* c = clients_head_; c; c = c->next) ApplyParserLimits(c);
  } else if (name == "client-output-buffer-limit") {
    ApplyOutputLimits();
  } else if (name == "hz") {
    if (loop_ready_ && uv_is_active(reinterpret_cast<uv_handle_t*>(&expire_timer_)))
      ScheduleExpire(static_cast<uint64_t>(1000 / std::max(1, config_.hz)));
  } else if (name == "loglevel") {
    if (auto level = ParseLogLevel(config_.loglevel)) SetLogLevel(*level);
  }
  // timeout, tcp-keepalive, maxclients and client-query-buffer-limit are read where used.
}

bool Server::ApplyConfig(std::string_view name, std::string* error) {
  if (!loop_ready_) return true;
  if (name == "dir") {
    // As Redis: the server's working directory is `dir`, and CONFIG GET shows it absolute.
    if (chdir(config_.dir.c_str()) != 0) {
      *error = std::strerror(errno);
      return false;
    }
    if (char* cwd = getcwd(nullptr, 0)) {
      config_.dir = cwd;
      std::free(cwd);
    }
    return true;
  }
  if (name == "dbfilename" && config_.dbfilename.find('/') != std::string::npos) {
    *error = "dbfilename can't be a path, just a filename";
    return false;
  }
  if (name == "maxclients") return ApplyMaxClients(/*at_start=*/false, error);
  if (name.starts_with("tls-")) return ApplyTlsConfig(name, error);
  if (name == "port" || name == "bind") {
    // uv_close releases the sockets at once, so the new listeners may reuse the address. On
    // failure Config restores the old values and calls us again, which listens as before.
    for (Listener* l : tcp_listeners_) CloseListener(l);
    tcp_listeners_.clear();
    stats_.tcp_port = config_.port != 0 ? config_.port : config_.tls_port;
    if (config_.port != 0 && !ListenTcp(config_.bind, config_.port, &tcp_listeners_, error)) {
      // Redis's log lines and errors (changeBindAddr, changeListenPort, then its config
      // rollback); the cause is only in the log.
      Log(LogLevel::kWarning, "{}", *error);
      if (name == "bind") Log(LogLevel::kWarning, "Failed to bind");
      Log(LogLevel::kWarning,
          "Failed applying new configuration. Possibly related to new {} setting. Restoring "
          "previous settings.",
          name);
      *error = name == "port" ? "Unable to listen on this port. Check server logs."
                              : "Failed to bind to specified addresses.";
      return false;
    }
    if (name == "bind") return ApplyTlsConfig(name, error);  // TLS listens on `bind` too
    return true;
  }
  return true;
}

bool Server::ApplyMaxClients(bool at_start, std::string* error) {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return true;
  uint64_t needed = config_.maxclients + kReservedFds;
  int raise_errno = 0;  // why the limit could not be raised to `needed`, for the log
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    // The whole limit first (past the hard one only with CAP_SYS_RESOURCE), then as much of
    // it as the hard limit allows.
    const rlim_t wanted = static_cast<rlim_t>(needed);
    struct rlimit raised = limit;
    raised.rlim_cur = wanted;
    if (limit.rlim_max != RLIM_INFINITY) raised.rlim_max = std::max(wanted, limit.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      limit.rlim_cur = wanted;
    } else {
      raise_errno = errno;
      raised = limit;
      raised.rlim_cur = std::min(wanted, limit.rlim_max);
      if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit.rlim_cur = raised.rlim_cur;
    }
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= needed) return true;
  uint64_t possible = limit.rlim_cur > kReservedFds ? limit.rlim_cur - kReservedFds : 1;
  if (at_start) {
    Log(LogLevel::kWarning,
        "You requested maxclients of {} requiring at least {} max file descriptors.",
        config_.maxclients, needed);
    if (raise_errno != 0) {
      Log(LogLevel::kWarning,
          "Server can't set maximum open files to {} because of OS error: {}.", needed,
          std::strerror(raise_errno));
    }
    Log(LogLevel::kWarning,
        "Current maximum open files is {}. maxclients has been reduced to {} to compensate for "
        "low ulimit. If you need higher maxclients increase 'ulimit -n'.",
        static_cast<uint64_t>(limit.rlim_cur), possible);
    config_.maxclients = possible;
    return true;
  }
  *error = "The operating system is not able to handle the specified number of clients, try "
           "with " + std::to_string(possible);
  return false;
}

void Server::ApplyEngineLimits() {
  engine::Limits limits;
  limits.maxmemory_bytes = config_.maxmemory_bytes;
  limits.maxkeys = config_.maxkeys;
  limits.policy = engine::ParsePolicy(config_.EnginePolicyName())
                      .value_or(engine::EvictionPolicy::kAllKeysLru);
  limits.default_ttl_ms = config_.default_ttl_s * 1000;
  engine_.SetLimits(limits);
}

void Server::ApplyOutputLimits() {
  // Config stores the value validated and in CONFIG GET's form: "normal <hard> <soft> <secs>
  // slave ... pubsub ...", numbers in bytes and seconds.
  std::vector<std::string_view> words = cmd::SplitWords(config_.client_output_buffer_limit);
  normal_output_limit_ = {};
  pubsub_output_limit_ = {};
  replica_output_limit_ = {};
  auto number = [](std::string_view w) {
    return std::strtoull(std::string(w).c_str(), nullptr, 10);
  };
  for (size_t i = 0; i + 3 < words.size(); i += 4) {
    OutputLimit* limit = words[i] == "normal"   ? &normal_output_limit_
                         : words[i] == "pubsub" ? &pubsub_output_limit_
                         : (words[i] == "slave" || words[i] == "replica") ? &replica_output_limit_
                                                                          : nullptr;
    if (!limit) continue;
    limit->hard_bytes = number(words[i + 1]);
    limit->soft_bytes = number(words[i + 2]);
    limit->soft_seconds = static_cast<int64_t>(number(words[i + 3]));
  }
}

bool Server::OverOutputLimit(Connection* c) {
  const OutputLimit& limit =
      c->client.in_pubsub_mode() ? pubsub_output_limit_ : normal_output_limit_;
  if (!limit.any()) return false;
  // Only what Redis would hold in its reply list counts, so a small limit never cuts off a
  // client waiting for one ordinary reply, as in Redis.
  const uint64_t used = cmd::ReplyListBytes(c->pending_output());
  if (limit.hard_bytes != 0 && used >= limit.hard_bytes) return true;
  if (limit.soft_bytes == 0 || used < limit.soft_bytes) {
    c->soft_limit_since_s = 0;
    return false;
  }
  // Over the soft limit: only once it has been for more than soft_seconds (whole seconds of
  // the wall clock, as Redis's server.unixtime), so the first time never closes.
  int64_t now_s = clock_.NowMs() / 1000;
  if (c->soft_limit_since_s == 0) {
    c->soft_limit_since_s = now_s;
    return false;
  }
  return now_s - c->soft_limit_since_s > limit.soft_seconds;
}

void Server::CloseAsap(Connection* c) {
  if (c->close_asap || c->closing) return;
  c->close_asap = true;
  if (c->reading) {
    uv_read_stop(c->stream());
    c->reading = false;
  }
  Enqueue(c);  // for the running client too: its flush then closes it
}

void Server::CloseOverOutputLimit(Connection* c, LimitClose when) {
  // Redis logs the client's whole CLIENT LIST line (catClientInfoString), figures as of now.
  cmd::ConnectionInfo& info = c->client.conn;
  if (c != executing_) {
    info.query_buffer_bytes = c->in_len;
    info.query_buffer_free = c->in_cap - c->in_len;
  }
  info.output_buffer_bytes = c->pending_output();
  std::string line;
  cmd::AppendClientInfo(line, c->client, clock_.NowMs(), 0);
  ++stats_.client_output_buffer_limit_disconnections;
  if (when == LimitClose::kNow) {
    Log(LogLevel::kWarning, "Client {} closed for overcoming of output buffer limits.", line);
    CloseConnection(c);
    return;
  }
  Log(LogLevel::kWarning,
      "Client {} scheduled to be closed ASAP for overcoming of output buffer limits.", line);
  CloseAsap(c);
}

// ---- Timers, signals, shutdown ----

void Server::OnPrepare(uv_prepare_t* handle) {
  auto* s = static_cast<Server*>(handle->data);
  if (s->shutdown_requested_) {
    s->DoShutdown();
    return;
  }
  s->flushing_.swap(s->pending_);
  for (size_t i = 0; i < s->flushing_.size(); ++i) {
    Connection* c = s->flushing_[i];
    if (!c) continue;  // closed by an earlier flush in this batch
    c->queued = false;
    s->Flush(c);
  }
  s->flushing_.clear();
}

void Server::ScheduleExpire(uint64_t delay_ms) {
  uv_timer_start(&expire_timer_, OnExpireTimer, delay_ms, 0);
}

void Server::OnExpireTimer(uv_timer_t* handle) {
  auto* s = static_cast<Server*>(handle->data);
  int64_t tick_ms = 1000 / std::max(1, s->config_.hz);
  bool more = false;
  if (s->config_.active_expire_enabled) {
    const auto start = std::chrono::steady_clock::now();
    s->engine_.ActiveExpireCycle(s->clock_.NowMs(), kExpireSliceUs, &more);
    // LATENCY's "expire-cycle", as Redis's activeExpireCycle reports it: a slice at or over
    // latency-monitor-threshold (a full slice of an expiry storm takes kExpireSliceUs).
    const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count();
    s->context_.latency.Record("expire-cycle", elapsed_ms, s->clock_.NowMs());
  }
  // With due keys left, the next slice after a pause (whole milliseconds, at least 1) in
  // which the loop serves clients; otherwise the next tick.
  const int64_t pause_ms =
      std::max<int64_t>(1, kExpireSliceUs * (100 - kExpireBudgetPct) / kExpireBudgetPct / 1000);
  s->ScheduleExpire(static_cast<uint64_t>(more ? pause_ms : tick_ms));
}

void Server::OnCronTimer(uv_timer_t* handle) {
  auto* s = static_cast<Server*>(handle->data);
  int64_t now_ms = s->clock_.NowMs();
  cmd::PersistenceCron(s->context_, now_ms);
  int64_t idle_limit_ms = s->config_.timeout_s * 1000;
  uint64_t max_in = 0, max_out = 0;
  for (Connection* c = s->clients_head_; c;) {
    Connection* next = c->next;  // CloseConnection unlinks c
    if (idle_limit_ms > 0 && now_ms - c->client.conn.last_interaction_ms > idle_limit_ms) {
      Log(LogLevel::kVerbose, "Closing idle client id={} addr={}", c->client.id,
          c->client.conn.addr);
      s->CloseConnection(c);
    } else if (c->tls && !c->tls->handshake_done() &&
               now_ms - c->client.conn.created_ms > kTlsHandshakeTimeoutMs) {
      Log(LogLevel::kVerbose,
          "Closing client that did not complete the TLS handshake: id={} addr={}", c->client.id,
          c->client.conn.addr);
      s->CloseConnection(c);
    } else if (c->client.killed && c->write_in_flight) {
      // Killed, but its socket takes none of its pending replies: do not wait any longer.
      s->CloseConnection(c);
    } else if (!c->close_asap && s->OverOutputLimit(c)) {
      // As Redis's clientsCron: a client over the soft limit is closed once its seconds pass
      // even if no new reply is added for it.
      s->CloseOverOutputLimit(c, LimitClose::kNow);
    } else {
      if (c->in_len == 0 && c->in_cap > kKeepBufferBytes) {
        c->in.reset();
        c->in_cap = 0;
      }
      if (c->out.empty() && c->out.capacity() > kKeepBufferBytes) std::string().swap(c->out);
      max_in = std::max<uint64_t>(max_in, c->in_cap);
      max_out = std::max<uint64_t>(max_out, c->pending_output());
    }
    c = next;
  }
  s->TrimHeap();
  s->stats_.client_recent_max_input_buffer = max_in;
  s->stats_.client_recent_max_output_buffer = max_out;

  // Instantaneous rates over the last cron period.
  int64_t elapsed_ms = std::max<int64_t>(1, now_ms - s->last_sample_ms_);
  uint64_t commands = s->context_.counters.total_commands_processed;
  if (s->last_sample_ms_ != 0) {
    s->stats_.instantaneous_ops_per_sec =
        (commands - std::min(commands, s->last_sample_commands_)) * 1000 /
        static_cast<uint64_t>(elapsed_ms);
    s->stats_.instantaneous_input_kbps =
        static_cast<double>(s->stats_.total_net_input_bytes - s->last_sample_input_bytes_) /
        1024.0 * 1000.0 / static_cast<double>(elapsed_ms);
    s->stats_.instantaneous_output_kbps =
        static_cast<double>(s->stats_.total_net_output_bytes - s->last_sample_output_bytes_) /
        1024.0 * 1000.0 / static_cast<double>(elapsed_ms);
  }
  s->last_sample_ms_ = now_ms;
  s->last_sample_commands_ = commands;
  s->last_sample_input_bytes_ = s->stats_.total_net_input_bytes;
  s->last_sample_output_bytes_ = s->stats_.total_net_output_bytes;
}

namespace {

// The process's resident bytes (VmRSS), 0 if unknown.
size_t ResidentBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size_pages = 0, resident_pages = 0;
  const int n = std::fscanf(f, "%llu %llu", &size_pages, &resident_pages);
  std::fclose(f);
  return n == 2 ? static_cast<size_t>(resident_pages) * static_cast<size_t>(getpagesize()) : 0;
}

}  // namespace

void Server::TrimHeap() {
  // Resident bytes beyond what malloc has handed out: code, stacks, and free heap pages that
  // were touched (a freed buffer, a reused then freed region). Only its growth since the last
  // trim counts, so memory that trimming cannot give back does not make every cron trim.
  const struct mallinfo2 info = mallinfo2();
  const size_t in_use = info.uordblks + info.hblkhd;
  auto excess = [&](size_t resident) { return resident > in_use ? resident - in_use : 0; };
  const size_t now = excess(ResidentBytes());
  trimmed_excess_bytes_ = std::min(trimmed_excess_bytes_, now);
  if (now < trimmed_excess_bytes_ + kTrimAfterFreedBytes) return;
  malloc_trim(0);
  trimmed_excess_bytes_ = excess(ResidentBytes());
}

void Server::OnSignal(uv_signal_t* handle, int signum) {
  auto* s = static_cast<Server*>(handle->data);
  Log(LogLevel::kWarning, "Received {} scheduling shutdown...",
      signum == SIGINT ? "SIGINT" : "SIGTERM");
  s->ShutdownOnSignal(signum);
}

void Server::DoShutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  Log(LogLevel::kWarning, "User requested shutdown...");
  for (Listener* l : tcp_listeners_) CloseListener(l);
  tcp_listeners_.clear();
  CloseTlsListeners();
  if (unix_listener_) {
    CloseListener(unix_listener_);
    unix_listener_ = nullptr;
    Log(LogLevel::kNotice, "Removing the unix socket file.");
    if (unlink(config_.unixsocket.c_str()) != 0)
      Log(LogLevel::kWarning, "Error removing the unix socket file: {}", std::strerror(errno));
  }
  while (clients_head_) CloseConnection(clients_head_);
  uv_prepare_stop(&prepare_);
  uv_timer_stop(&expire_timer_);
  uv_timer_stop(&cron_timer_);
  uv_signal_stop(&sigterm_);
  uv_signal_stop(&sigint_);
  uv_signal_stop(&sigchld_);
  for (uv_handle_t* h : {reinterpret_cast<uv_handle_t*>(&prepare_),
                         reinterpret_cast<uv_handle_t*>(&expire_timer_),
                         reinterpret_cast<uv_handle_t*>(&cron_timer_),
                         reinterpret_cast<uv_handle_t*>(&sigterm_),
                         reinterpret_cast<uv_handle_t*>(&sigint_),
                         reinterpret_cast<uv_handle_t*>(&sigchld_)}) {
    uv_close(h, nullptr);
  }
  Log(LogLevel::kWarning, "lrukv is now ready to exit, bye bye...");
  exit_code_ = 0;
}

}  // namespace lrukv::server
