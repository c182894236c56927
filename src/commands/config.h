// Config: every configuration directive lrukv knows, with its default, its validation and its
// current value. One table serves the config file, `--name value` flags, CONFIG GET/SET and
// CONFIG REWRITE. Hot paths read the typed fields below directly; everything else goes through
// the directive table by name.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lrukv::cmd {

// Redis's startup error block for `line` (at `line_number` of the config file, or of the command
// line's directives after it): "*** FATAL CONFIG FILE ERROR ... ***", the line, the reason.
std::string FatalConfigError(int line_number, std::string_view line, std::string_view reason);

class Config {
 public:
  Config();

  // ---- Typed current values (defaults as DESIGN.md: a local dev cache) ----
  std::string bind = "127.0.0.1";
  int port = 6379;
  int tcp_backlog = 511;
  std::string unixsocket;       // empty: none
  int unixsocketperm = 0;       // octal mode; 0: leave as created
  int64_t timeout_s = 0;        // idle client timeout; 0 = never
  int64_t tcp_keepalive_s = 300;
  uint64_t maxclients = 10000;
  int databases = 16;
  int hz = 10;
  std::string requirepass;
  // Refuse clients from non-loopback addresses while the default user has no password (Redis
  // 7.0's rule: whatever `bind` says).
  bool protected_mode = true;
  std::string loglevel = "notice";
  std::string logfile;          // empty: stderr
  std::string dir = ".";
  std::string dbfilename = "dump.json";
  uint64_t maxmemory_bytes = 0;
  std::string maxmemory_policy = "allkeys-lru";
  uint64_t maxkeys = 0;             // lrukv's own
  int64_t default_ttl_s = 0;        // lrukv's own
  uint64_t proto_max_bulk_len = 512ull * 1024 * 1024;
  uint64_t client_query_buffer_limit = 1024ull * 1024 * 1024;
  std::string client_output_buffer_limit = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
  bool active_expire_enabled = true;  // DEBUG SET-ACTIVE-EXPIRE (not a directive)
  std::string save = "3600 1 300 100 60 10000";  // "seconds changes" pairs; "" = no snapshots
  bool stop_writes_on_bgsave_error = true;  // -MISCONF for writes after a failed BGSAVE
  bool ignore_bad_dump = false;             // lrukv's own: start empty when the dump is bad
  bool appendonly = false;                        // accepted and stored; lrukv has no AOF
  std::string notify_keyspace_events;             // normalized as CONFIG GET prints it ("AKE")
  uint32_t notify_keyspace_flags = 0;             // the same as NotifyFlag bits (keyspace_events.h)
  int64_t slowlog_log_slower_than_us = 10000;     // -1 disables, 0 logs every command
  uint64_t slowlog_max_len = 128;
  uint64_t acllog_max_len = 128;  // ACL LOG entries kept
  int64_t latency_monitor_threshold_ms = 0;
  bool latency_tracking = true;  // per-command call histograms (INFO latencystats)
  // INFO latencystats' percentiles, as typed (CONFIG GET text) and parsed, in that order.
  std::string latency_tracking_info_percentiles = "50 99 99.9";
  std::vector<double> latency_percentiles = {50, 99, 99.9};
  int maxmemory_samples = 5;  // accepted; lrukv's LRU is exact
  bool daemonize = false;
  std::string pidfile;  // empty: none

  // ---- Emulated one-node Redis Cluster (cluster_commands.cc; README "Cluster clients") ----
  bool cluster_enabled = false;  // immutable: read once at start
  std::string cluster_config_file = "nodes.conf";  // keeps the node id across restarts
  std::string cluster_announce_ip;     // empty: the address the client connected to
  int cluster_announce_port = 0;       // 0: the port the client connected to
  int cluster_announce_tls_port = 0;   // 0: the TLS port a TLS client connected to
  int cluster_announce_bus_port = 0;   // 0: cluster-port, else port + 10000 (shown only)
  int cluster_port = 0;                // the bus port Redis would listen on (shown only)
  std::string cluster_announce_hostname;  // shown beside the address (SLOTS, SHARDS, NODES)
  // ip | hostname | unknown-endpoint: what SLOTS and SHARDS give as the node's endpoint
  std::string cluster_preferred_endpoint_type = "ip";

  // One `rename-command <from> <to>` line of the file or command line, in order; an empty
  // `to` disables the command. Applied to the command table by ApplyCommandRenames
  // (command_table.h), which reports errors against `line_number` and `line`.
  struct CommandRename {
    std::string from;
    std::string to;
    int line_number = 0;
    std::string line;
  };
  std::vector<CommandRename> command_renames;

  // ---- TLS (src/server/tls_context.cc builds the SSL_CTX from these; "" = not set) ----
  int tls_port = 0;  // 0: no TLS listener
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_key_file_pass;
  std::string tls_dh_params_file;
  std::string tls_ca_cert_file;
  std::string tls_ca_cert_dir;
  std::string tls_protocols;     // "TLSv1.2 TLSv1.3" when empty
  std::string tls_ciphers;       // TLSv1.2 and below (OpenSSL's cipher list syntax)
  std::string tls_ciphersuites;  // TLSv1.3
  std::string tls_auth_clients = "yes";  // yes / no / optional
  bool tls_prefer_server_ciphers = false;
  bool tls_session_caching = true;
  int tls_session_cache_size = 20 * 1024;  // sessions
  int tls_session_cache_timeout_s = 300;
  bool tls_replication = false;  // accepted (no replicas); as in Redis, requires a CA when on
  bool tls_cluster = false;      // accepted (no cluster); as in Redis, requires a CA when on

  // Sets one directive from text (file line, --flag or CONFIG SET), validating it as Redis
  // does. On failure returns false and fills *error with Redis's CONFIG SET error text.
  bool Set(std::string_view name, std::string_view value, std::string* error);
  // CONFIG SET with several pairs: all or nothing.
  bool SetMany(const std::vector<std::pair<std::string, std::string>>& pairs, std::string* error);
  // Current value as CONFIG GET prints it; nullopt for an unknown name.
  std::optional<std::string> Get(std::string_view name) const;
  // Every (name, value) whose name matches the glob pattern, in table order.
  std::vector<std::pair<std::string, std::string>> GetMatching(std::string_view pattern) const;
  // Reads a redis.conf-style file; on failure fills *error with a message naming line and cause.
  bool LoadFile(const std::string& path, std::string* error);
  // Applies `--name value [value...]` command-line overrides (argv after the config file).
  bool ApplyArgs(const std::vector<std::string>& args, std::string* error);
  // CONFIG REWRITE: writes the current values into the file it was loaded from.
  bool Rewrite(std::string* error) const;
  const std::string& config_file() const { return config_file_; }

  // Called after a directive changed at run time (engine limits, reactor settings).
  std::function<void(std::string_view name)> on_change;
  // Called by CONFIG SET after the new values are stored and before on_change, to apply a change
  // that can fail (port, bind, maxclients). On false, *error holds the reason (without the
  // "ERR CONFIG SET failed" prefix); every value of the SET is then restored and re-applied.
  std::function<bool(std::string_view name, std::string* error)> on_apply;

  // maxmemory_policy as the engine runs it: Redis's LFU policies, which lrukv accepts for
  // compatibility, map to the exact-LRU policy of the same scope ("allkeys-lfu" -> "allkeys-lru").
  std::string_view EnginePolicyName() const;

  // The canonical (lower-case) directive names, in table order.
  static std::vector<std::string_view> DirectiveNames();
  struct Directive;  // a row of the directive table (config.cc)

 private:
  enum class Source { kConfigSet, kFile, kArgs };
  // Parses `value` for `d` and stores it; on failure returns false with the bare reason.
  bool Store(const Directive& d, std::string_view value, Source source, std::string* reason);
  std::string Format(const Directive& d) const;
  bool LoadText(const std::string& text, int first_line, bool from_args, std::string* error);

  std::string config_file_;
  std::vector<std::string> extras_;  // values of directives without a typed field, by table row
  int args_first_line_ = 2;          // line number the first --flag gets in error messages
  bool save_seen_in_load_ = false;   // a `save` line in the file replaces the default, later ones add
};

}  // namespace lrukv::cmd
