// ClientState: everything the command layer keeps per connection (selected db, protocol,
// name, MULTI queue, WATCH list, reply mode). The server owns one per connection and fills in
// `conn`, the transport facts that CLIENT LIST and INFO print; handlers never see a socket.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace lrukv::engine {
struct ValueDonor;
}

namespace lrukv::cmd {

struct CommandSpec;

// Transport facts, kept current by the server before each command runs.
struct ConnectionInfo {
  std::string addr;   // "127.0.0.1:52345" or "/tmp/lrukv.sock:0"
  std::string laddr;  // local address, same form
  int fd = -1;
  bool unix_socket = false;
  bool tls = false;  // came in on a tls-port listener
  int64_t created_ms = 0;           // when accepted
  int64_t last_interaction_ms = 0;  // last command or read
  size_t query_buffer_bytes = 0;    // qbuf
  size_t query_buffer_free = 0;     // qbuf-free
  // Reply bytes not yet handed to the kernel. CLIENT LIST shows them as Redis does: the first
  // kReplyBufferBytes as obl (Redis's fixed reply buffer), the rest as omem in oll blocks.
  size_t output_buffer_bytes = 0;
};

// Redis keeps a client's first reply bytes in a fixed 16 KiB buffer (PROTO_REPLY_CHUNK_BYTES)
// and the rest in a list of 16 KiB blocks; only the list counts for client-output-buffer-limit
// and omem. lrukv has one buffer, so it counts its bytes past the first 16 KiB the same way.
inline constexpr size_t kReplyBufferBytes = 16 * 1024;
// The share of `pending` output bytes that Redis would hold in its reply list (omem).
inline size_t ReplyListBytes(size_t pending) {
  return pending > kReplyBufferBytes ? pending - kReplyBufferBytes : 0;
}

struct QueuedCommand {
  const CommandSpec* spec = nullptr;
  std::vector<std::string> args;  // owned copies: the read buffer moves on while queued
};

enum class ReplyMode { kOn, kOff, kSkipNext, kSkipThis };

class WatchRegistry;
struct ClientState;
// Drops its client's WATCHes from the registry when the client is destroyed, so a connection
// closed without Dispatcher::ForgetClient leaves no dangling watcher. Set by WatchRegistry
// only; a copied or moved-to guard starts empty. Destructor in watch_registry.cc.
struct WatchGuard {
  WatchRegistry* registry = nullptr;
  ClientState* client = nullptr;  // the guard's owner
  WatchGuard() = default;
  WatchGuard(const WatchGuard&) {}
  WatchGuard& operator=(const WatchGuard&) { return *this; }
  ~WatchGuard();
};

struct ClientState {
  uint64_t id = 0;
  int db = 0;
  int protocol = 2;  // RESP version, switched by HELLO
  bool authenticated = true;  // false until AUTH when requirepass is set
  std::string name;           // CLIENT SETNAME
  std::string lib_name;       // CLIENT SETINFO LIB-NAME
  std::string lib_ver;        // CLIENT SETINFO LIB-VER
  ReplyMode reply_mode = ReplyMode::kOn;
  bool no_evict = false;  // CLIENT NO-EVICT (accepted; lrukv never evicts clients)
  bool no_touch = false;  // CLIENT NO-TOUCH: reads leave LRU order alone
  bool monitor = false;   // MONITOR: set and cleared by MonitorFeed only (CLIENT LIST flag O)

  // MULTI / EXEC
  bool in_multi = false;
  bool multi_error = false;  // a command failed to queue: EXEC answers EXECABORT
  std::vector<QueuedCommand> queued;
  // WATCH: keys watched, and whether one was modified since (EXEC then answers nil)
  std::vector<std::pair<int, std::string>> watched;
  bool watch_dirty = false;

  // Pub/Sub subscriptions; PubSub (pubsub.h) keeps the reverse index and is their only writer.
  std::unordered_set<std::string> subscribed_channels;
  std::unordered_set<std::string> subscribed_shard_channels;
  std::vector<std::string> subscribed_patterns;  // subscription order, as Redis's list
  // The count SUBSCRIBE/UNSUBSCRIBE/P* replies carry (shard channels count apart, as Redis).
  size_t subscription_count() const {
    return subscribed_channels.size() + subscribed_patterns.size();
  }
  // Redis's CLIENT_PUBSUB flag: RESP2 clients are then limited to (un)subscribing and PING.
  bool in_pubsub_mode() const {
    return subscription_count() + subscribed_shard_channels.size() > 0;
  }

  // The read buffer holding the running request, offered by the server for a big value (the
  // engine may keep it as the entry: engine::ValueDonor); nullptr otherwise. Only for the
  // request being executed: the server sets and clears it around the call.
  engine::ValueDonor* value_donor = nullptr;

  // Set by a handler; the server acts on them after the reply is written.
  bool close_after_reply = false;  // QUIT, CLIENT KILL of self, protocol errors
  bool killed = false;             // closed by CLIENT KILL from another client

  // "cmd" in CLIENT LIST: the last command's name (a CommandSpec's, which outlives clients).
  std::string_view last_command = "NULL";
  ConnectionInfo conn;

  WatchGuard watch_guard;  // keep last: destroyed first, while `watched` is still intact
};

// Appends `c`'s CLIENT LIST / CLIENT INFO line, without the newline, in Redis 7.0.15's field
// order: the same text Redis puts in its log when it closes a client over a limit. `argv_mem`
// is the bytes of the arguments of the command `c` is running (0 when it runs none).
// Defined with the CLIENT commands (connection_commands.cc).
void AppendClientInfo(std::string& out, const ClientState& c, int64_t now_ms, size_t argv_mem);

}  // namespace lrukv::cmd
