// ServerContext: the state shared by every handler (engine, config, command table, counters),
// and ServerControl, the seam through which commands reach the reactor (client list, kill,
// shutdown) without including it. The server implements ServerControl; tests may fake it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "src/commands/acl_log.h"
#include "src/commands/client_state.h"
#include "src/commands/cluster_node.h"
#include "src/commands/command_table.h"
#include "src/commands/config.h"
#include "src/commands/hooks.h"
#include "src/commands/latency_histogram.h"
#include "src/commands/latency_monitor.h"
#include "src/commands/keyspace_events.h"
#include "src/commands/monitor.h"
#include "src/commands/persistence.h"
#include "src/commands/pubsub.h"
#include "src/commands/slowlog.h"
#include "src/commands/watch_registry.h"
#include "src/engine/engine.h"

namespace lrukv::cmd {

// Facts only the reactor knows, for INFO server/clients/stats.
struct ReactorStats {
  int64_t start_time_ms = 0;
  int tcp_port = 0;
  uint64_t connected_clients = 0;
  uint64_t total_connections_received = 0;
  uint64_t rejected_connections = 0;
  uint64_t total_net_input_bytes = 0;
  uint64_t total_net_output_bytes = 0;
  uint64_t client_recent_max_input_buffer = 0;
  uint64_t client_recent_max_output_buffer = 0;
  std::string executable;   // absolute path of the binary
  std::string config_file;  // absolute path, or empty
  // INFO stats; 0 until the reactor counts them.
  uint64_t total_reads_processed = 0;   // reads that returned data
  uint64_t total_writes_processed = 0;  // writes to client sockets
  uint64_t instantaneous_ops_per_sec = 0;
  double instantaneous_input_kbps = 0;
  double instantaneous_output_kbps = 0;
  uint64_t blocked_clients = 0;
  uint64_t pubsub_channels = 0;
  uint64_t pubsub_patterns = 0;
  // Clients closed over client-query-buffer-limit / client-output-buffer-limit (Redis 7.2's
  // INFO stats fields; CONFIG RESETSTAT zeroes them).
  uint64_t client_query_buffer_limit_disconnections = 0;
  uint64_t client_output_buffer_limit_disconnections = 0;
};

class ServerControl {
 public:
  virtual ~ServerControl() = default;
  virtual ReactorStats Stats() const = 0;
  // Visits every connected client (CLIENT LIST, CLIENT KILL, INFO clients).
  virtual void ForEachClient(const std::function<void(ClientState&)>& fn) = 0;
  // Closes `client` once its pending replies are written (CLIENT KILL).
  virtual void KillClient(ClientState& client) = 0;
  // Stops the server after the current command: closes listeners and clients, ends the loop.
  virtual void Shutdown() = 0;
  // Config changes the reactor must apply at once (maxclients, timeout, tcp-keepalive, hz...).
  virtual void OnConfigChanged(std::string_view name) = 0;
  // CONFIG RESETSTAT: zero the reactor's counters (connections received, net bytes, rejected
  // connections, reads/writes processed). The default keeps them.
  virtual void ResetStats() {}
  // Appends pre-encoded RESP bytes to another client's output and schedules its flush (MONITOR
  // lines, Pub/Sub messages). `client` must be one ForEachClient visits. The default drops them.
  virtual void Push(ClientState& client, std::string_view bytes) {}
  // A line for the server log (saves, loads). The default drops it.
  enum class LogSeverity { kNotice, kWarning };
  virtual void ServerLog(LogSeverity level, std::string_view line) {}
};

// INFO commandstats / errorstats / latencystats.
struct CommandStat {
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected_calls = 0;
  uint64_t failed_calls = 0;
  // Call durations (INFO latencystats, LATENCY HISTOGRAM): made on the command's first call
  // with latency-tracking on, then only counted into; null for a command never run.
  std::unique_ptr<LatencyHistogram> histogram;

  CommandStat() = default;
  CommandStat(CommandStat&&) = default;
  CommandStat& operator=(CommandStat&&) = default;
  // A copy (tests, snapshots) gets its own histogram.
  CommandStat(const CommandStat& other)
      : calls(other.calls),
        usec(other.usec),
        rejected_calls(other.rejected_calls),
        failed_calls(other.failed_calls),
        histogram(other.histogram ? std::make_unique<LatencyHistogram>(*other.histogram)
                                  : nullptr) {}
  CommandStat& operator=(const CommandStat& other) {
    if (this != &other) *this = CommandStat(other);
    return *this;
  }
};

struct ServerCounters {
  uint64_t total_commands_processed = 0;
  uint64_t total_error_replies = 0;
  uint64_t dirty = 0;  // changes since the last save (rdb_changes_since_last_save)
  // The last successful save (or the start): engine seconds, which the save points count
  // from, and the unix time it happened at, which LASTSAVE and rdb_last_save_time show (as
  // Redis: the wall clock of then, whatever steps came since). 0: none yet (start time shown).
  int64_t last_save_time_s = 0;
  int64_t last_save_unix_s = 0;
  uint64_t used_memory_peak = 0;  // highest engine.used_memory() INFO has seen, bytes
  // std::less<>: the Dispatcher finds rows by string_view without allocating.
  std::map<std::string, CommandStat, std::less<>> command_stats;  // key: "get", "config|get"
  // Bumped whenever command_stats is cleared: a CommandSpec's cached pointer to its row is
  // trusted only while the epoch it was taken in is current (map rows never move otherwise).
  uint64_t command_stats_epoch = 1;
  std::map<std::string, uint64_t, std::less<>> error_stats;  // key: error code, "ERR", "WRONGTYPE"
};

struct ServerContext {
  engine::Engine& engine;
  Config& config;
  CommandTable& commands;
  ServerControl& control;
  ServerCounters counters;
  // The engine has one observer slot; the Dispatcher's constructor points it at this fanout
  // and adds `watches` to it. Other observers (keyspace events, ...) Add themselves here
  // instead of calling engine.SetObserver.
  KeyspaceFanout keyspace_observers{};
  // WATCH: which clients watch which keys (transactions family).
  WatchRegistry watches{};
  // Snapshots: the BGSAVE child, save statistics (persistence.h).
  PersistenceState persistence{};
  // Told of every executed command (MONITOR, SLOWLOG); see hooks.h. Not owned.
  std::vector<CommandObserver*> command_observers{};
  // Pub/Sub channels, patterns and message delivery (pubsub.h).
  PubSub pubsub{control};
  // MONITOR's clients and lines; the Dispatcher's constructor adds it to command_observers.
  MonitorFeed monitors{};
  // SLOWLOG's entries; the Dispatcher's constructor adds it to command_observers.
  SlowLog slowlog{config, &engine.clock()};
  // ACL LOG's entries: failed authentications (acl_log.h).
  AclLog acl_log{};
  // LATENCY's event series; code that may block reports to it (latency_monitor.h).
  LatencyMonitor latency{config, &engine.clock()};
  // Expired and evicted keys as keyspace notifications; the Dispatcher's constructor adds it
  // to keyspace_observers.
  KeyspaceEventFeed keyspace_event_feed{*this};
  // cluster-enabled: this node's id (cluster_node.h), set by the server at start.
  cluster::ClusterNode cluster_node{};
};

}  // namespace lrukv::cmd
