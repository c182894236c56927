// Server: the libuv reactor. One loop on one thread owns the engine and every connection:
// listeners (TCP on each `bind` address, a unix socket), per-connection read and write buffers,
// a uv_prepare that flushes every connection with new replies once per loop iteration, a timer
// at `hz` for active expiry, a 1 s cron (idle timeouts, output-buffer soft limits, buffer
// trimming) and SIGTERM/SIGINT. Client limits are Redis's: the request caps before AUTH,
// proto-max-bulk-len, client-query-buffer-limit, client-output-buffer-limit (`normal` and
// `pubsub` classes; lrukv has no replicas) and the POST/Host: guard against cross-protocol
// scripting.
// With tls-port set, TLS listeners on the same addresses carry the same protocol inside TLS
// (server_tls.cc, tls_context.h, tls_session.h).
// Commands run through the Dispatcher; the server implements ServerControl for them.
#pragma once

#include <uv.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "resp/parser.h"
#include "src/commands/client_state.h"
#include "src/commands/command_table.h"
#include "src/commands/config.h"
#include "src/commands/server_context.h"
#include "src/engine/clock.h"
#include "src/engine/engine.h"

namespace lrukv::server {

class TlsContext;

class Server final : public cmd::ServerControl {
 public:
  // `config` must outlive the server; its on_change / on_apply hooks are taken over.
  explicit Server(cmd::Config& config);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Opens the listeners and runs the loop until SHUTDOWN or a signal. Returns the process exit
  // code: 0 after a clean shutdown, 1 when a listener could not be opened.
  int Run();

  // ---- cmd::ServerControl ----
  cmd::ReactorStats Stats() const override;
  void ForEachClient(const std::function<void(cmd::ClientState&)>& fn) override;
  void KillClient(cmd::ClientState& client) override;
  void Shutdown() override;
  void OnConfigChanged(std::string_view name) override;
  void ResetStats() override;
  void Push(cmd::ClientState& client, std::string_view bytes) override;
  void ServerLog(LogSeverity level, std::string_view line) override;

 private:
  struct Connection;
  struct Listener;

  // ---- Listeners ----
  // Opens a TCP listener per `bind` address on `port` into *out; false with *error on failure.
  // Connections accepted on a `tls` listener speak TLS.
  bool ListenTcp(const std::string& bind, int port, std::vector<Listener*>* out,
                 std::string* error, bool tls = false);
  bool ListenUnix(std::string* error);
  void CloseListener(Listener* listener);
  bool ApplyConfig(std::string_view name, std::string* error);  // Config::on_apply
  bool ApplyMaxClients(bool at_start, std::string* error);

  // ---- Connections ----
  static void OnConnection(uv_stream_t* listener, int status);
  static void OnAlloc(uv_handle_t* handle, size_t suggested_size, uv_buf_t* buf);
  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void AfterWrite(uv_write_t* req, int status);
  static void OnClose(uv_handle_t* handle);
  // Gives free heap pages back to the system once enough was freed since the last time.
  void TrimHeap();
  void Accept(Listener* listener);
  // Parses and runs every complete request in data[0, len); returns the bytes consumed.
  size_t ProcessInput(Connection* c, const char* data, size_t len);
  // Hands the keys of the whole requests at the front of data[0, len) to Engine::Prefetch
  // when there are several (a pipelined batch, MGET, MSET), before they run. Returns the bytes
  // of the requests whose keys it handed over; 0 when it handed none.
  size_t PrefetchBatchKeys(Connection* c, const char* data, size_t len);
  void KeepUnparsed(Connection* c, const char* data, size_t len);
  // For a request parsed from c->in whose bytes end its data: when one of `args` is a big
  // value (the rest small), offers c->in to the engine for it (ClientState::value_donor, filled
  // in `donor`) and returns the arguments to run the request with, the small ones copied out
  // of the buffer, which the engine may then write over. Otherwise offers nothing and returns
  // `args`. TakeBackOffer after the request ran.
  std::span<const std::string_view> OfferInput(Connection* c,
                                               std::span<const std::string_view> args,
                                               engine::ValueDonor* donor);
  // Withdraws the offer; when the engine took c->in, leaves `c` with no input buffer.
  void TakeBackOffer(Connection* c, const engine::ValueDonor& donor);
  // Runs the bytes a read put at data[0, len) (the shared buffer, or the end of c->in, as
  // OnAlloc chose) and keeps their unparsed tail. Closes `c` over client-query-buffer-limit.
  void ConsumeRead(Connection* c, char* data, size_t len);
  void Enqueue(Connection* c);
  // Writes what `c` has pending: uv_try_write, then uv_write for the rest. Closes `c` when it is
  // flagged to close and nothing is left to write. Reading resumes even while replies wait
  // for the socket: only client-output-buffer-limit bounds them, as in Redis.
  void Flush(Connection* c);
  // Flush's writing: the backlog, then `out`, until the socket takes no more (a write is
  // then in flight). False when `c` was closed on a write error.
  bool WritePending(Connection* c);
  // Hands `block` to the socket: true when all of it went (block is then empty); false when
  // the rest went to a uv_write (write_in_flight) or `c` was closed on an error.
  bool WriteBlock(Connection* c, std::string& block);
  // WriteBlock for bytes that go to the socket as they are.
  bool WriteToSocket(Connection* c, std::string& block);
  void CloseConnection(Connection* c);

  // ---- TLS (server_tls.cc; the read and write hooks are in server.cc) ----
  // At start, with tls-port set: builds the TLS context and opens the TLS listeners. False
  // (logged as Redis logs it) when either fails: the server must not start.
  bool StartTls();
  // CONFIG SET of tls-port, bind or a directive the TLS context is built from, as Redis's
  // applyTLSPort / applyTlsCfg: false with Redis's error text when it cannot be applied.
  bool ApplyTlsConfig(std::string_view name, std::string* error);
  bool ApplyTlsDirective(std::string_view name, std::string* error);  // ApplyTlsConfig's body
  void CloseTlsListeners();
  // Gives a connection accepted on a TLS listener its session. False when OpenSSL could not
  // make one (out of memory): `c` is then closed, never served in plaintext.
  bool StartTlsSession(Connection* c);
  // Hands the records just read to c's session: advances the handshake, then runs the
  // plaintext through ConsumeRead as a plain read would. May close `c`.
  void ReadTls(Connection* c, char* data, size_t len);
  // The TLS side of WriteBlock: encrypts `plain` (then emptied) and writes the records, with
  // any handshake records made meanwhile, as WriteToSocket writes a plain block.
  bool WriteTls(Connection* c, std::string& plain);

  // ---- Cluster mode (server_cluster.cc) ----
  // Loads or makes the node id (cluster-config-file); false, logged, when the file is bad.
  bool StartClusterNode();
  // After the dump loaded: false, with Redis's log line, when a database other than 0 holds
  // keys (a cluster node has only db 0; Redis refuses such an RDB the same way).
  bool ClusterDataInDbZero();

  // ---- Persistence (server_persistence.cc) ----
  // Removes stray temporaries and loads dir/dbfilename before any listener opens. False when
  // the dump is bad and ignore-bad-dump is no: the server must not start.
  bool LoadDumpAtStart();
  static void OnChildExit(uv_signal_t* handle, int signum);  // SIGCHLD: reap a BGSAVE child
  // SIGTERM/SIGINT: the final save when `save` points are configured, then shutdown; a failed
  // save keeps the server running, as Redis.
  void ShutdownOnSignal(int signum);

  // ---- Timers and signals ----
  static void OnPrepare(uv_prepare_t* handle);
  static void OnExpireTimer(uv_timer_t* handle);
  static void OnCronTimer(uv_timer_t* handle);
  static void OnSignal(uv_signal_t* handle, int signum);
  void ScheduleExpire(uint64_t delay_ms);
  void DoShutdown();
  void ApplyEngineLimits();
  // protected-mode: true when `c` is from neither loopback nor the unix socket while
  // protected-mode is on and there is no password (Redis's check in clientAcceptHandler).
  bool ProtectedModeRefuses(const Connection* c) const;
  // protected-mode's refusal of a plain client: DENIED, then close, at accept.
  void RefuseProtectedMode(Connection* c);
  // The same for a TLS client, once its handshake is done: DENIED inside TLS, then close.
  void RefuseProtectedModeTls(Connection* c);
  void ApplyParserLimits(Connection* c);
  // Re-reads the three classes of client-output-buffer-limit into *_output_limit_.
  void ApplyOutputLimits();
  // As Redis's checkClientOutputBufferLimits, run after replies were appended for `c`: true
  // when `c` is over its class's hard limit, or over the soft limit for longer than its
  // seconds. On the write path of every command and Pub/Sub message, so it costs a branch
  // when the class has no limits.
  bool OverOutputLimit(Connection* c);
  // Closes `c` at the next flush without writing what it has pending (Redis's freeClientAsync):
  // no more of its requests run and no more replies are added.
  void CloseAsap(Connection* c);
  // Logs the client's CLIENT LIST line as Redis does, counts it in INFO stats, and closes it:
  // while replies are being added, at the next flush (CloseAsap, "scheduled to be closed
  // ASAP"); from the cron, at once ("closed"), as Redis's two callers of
  // closeClientOnOutputBufferLimitReached.
  enum class LimitClose { kAsap, kNow };
  void CloseOverOutputLimit(Connection* c, LimitClose when = LimitClose::kAsap);

  cmd::Config& config_;
  engine::SystemClock clock_;
  engine::Engine engine_;
  cmd::CommandTable table_;
  cmd::ServerContext context_;
  cmd::Dispatcher dispatcher_;

  uv_loop_t loop_;
  uv_prepare_t prepare_;
  uv_timer_t expire_timer_;
  uv_timer_t cron_timer_;
  uv_signal_t sigterm_;
  uv_signal_t sigint_;
  uv_signal_t sigchld_;
  bool loop_ready_ = false;

  std::vector<Listener*> tcp_listeners_;
  std::vector<Listener*> tls_listeners_;
  Listener* unix_listener_ = nullptr;
  // Built at start or at the first CONFIG SET tls-port while tls-port is set; replaced by a
  // CONFIG SET of the directives it is made from (connections keep the one they began with).
  std::unique_ptr<TlsContext> tls_context_;

  Connection* clients_head_ = nullptr;  // in accept order, so in id order
  Connection* clients_tail_ = nullptr;
  std::unordered_map<uint64_t, Connection*> clients_by_id_;
  std::vector<Connection*> pending_;  // connections with replies to flush
  std::vector<Connection*> flushing_;  // pending_ swapped out while OnPrepare runs
  Connection* executing_ = nullptr;    // whose command is running now
  // redis-server 7.0 gives ids 1 and 2 to its internal Lua and functions clients at startup, so
  // its first connection is id 3; we start there too (CLIENT ID, HELLO, CLIENT LIST agree).
  uint64_t next_client_id_ = 3;
  std::unique_ptr<char[]> shared_in_;  // reads land here while a connection holds no partial request

  // One class of client-output-buffer-limit; 0 bytes = no limit.
  struct OutputLimit {
    uint64_t hard_bytes = 0;
    uint64_t soft_bytes = 0;
    int64_t soft_seconds = 0;
    bool any() const { return hard_bytes != 0 || soft_bytes != 0; }
  };
  // Redis's classes as its getClientType picks them: a client with any channel, pattern or
  // shard-channel subscription (RESP2 or RESP3: Redis 7.0 flags both P) is `pubsub`; every
  // other one, MONITOR clients included, is `normal`. The `replica` (`slave`) class is parsed,
  // kept and shown by CONFIG GET, but lrukv has no replicas, so it never matches a client.
  OutputLimit normal_output_limit_;
  OutputLimit pubsub_output_limit_;
  OutputLimit replica_output_limit_;
  int64_t last_attack_log_s_ = 0;  // the cross-protocol warning is logged at most once a minute
  // Resident bytes beyond malloc's in-use ones after the cron last trimmed the heap (TrimHeap).
  size_t trimmed_excess_bytes_ = 0;

  cmd::ReactorStats stats_;
  std::string offer_args_;                 // OfferInput's copies of the small arguments
  std::vector<std::string_view> offer_argv_;  // OfferInput's arguments: copies and the value
  // The previous cron sample, for the instantaneous_* rates.
  int64_t last_sample_ms_ = 0;
  uint64_t last_sample_commands_ = 0;
  uint64_t last_sample_input_bytes_ = 0;
  uint64_t last_sample_output_bytes_ = 0;
  bool shutdown_requested_ = false;
  bool shutting_down_ = false;
  int exit_code_ = 0;
};

}  // namespace lrukv::server
