// INFO: Redis 7.0.15's sections, field names and field order, filled from lrukv's state: the
// engine (keyspace, memory, expiry/eviction counters), ServerCounters (commands, errors, dirty),
// ServerControl::Stats() (clients, network, uptime) and the process (rusage, RSS). Fields whose
// Redis subsystem lrukv lacks (replication, AOF, Lua, defrag...) print Redis's idle values.
// The one INFO field only lrukv has is `lrukv_version`, right after `redis_version`.
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <random>
#include <string>

#include "resp/errors.h"
#include "src/commands/arg_parse.h"
#include "src/commands/latency_histogram.h"
#include "src/commands/server_family.h"
#include "src/commands/version.h"
#include "src/engine/engine.h"

namespace lrukv::cmd {
namespace {

// Redis's LRU clock: seconds, wrapping at 24 bits (lru_clock, DEBUG OBJECT lru).
constexpr int64_t kLruClockMax = (1 << 24) - 1;
// INFO replication's repl_backlog_size: Redis's default, reported though lrukv has no backlog.
constexpr uint64_t kReplBacklogBytes = 1024 * 1024;

struct SectionName {
  std::string_view name;
  uint32_t bit;
};
constexpr std::array<SectionName, 13> kSections = {{
    {"server", kInfoServer},
    {"clients", kInfoClients},
    {"memory", kInfoMemory},
    {"persistence", kInfoPersistence},
    {"stats", kInfoStats},
    {"replication", kInfoReplication},
    {"cpu", kInfoCpu},
    {"modules", kInfoModules},
    {"commandstats", kInfoCommandStats},
    {"errorstats", kInfoErrorStats},
    {"latencystats", kInfoLatencyStats},
    {"cluster", kInfoCluster},
    {"keyspace", kInfoKeyspace},
}};

// 40 random hex characters, fixed for the life of the process (run_id, master_replid).
std::string RandomHexId() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  std::string id(40, '0');
  for (char& c : id) c = "0123456789abcdef"[gen() & 15];
  return id;
}
const std::string& RunId() {
  static const std::string id = RandomHexId();
  return id;
}
const std::string& ReplId() {
  static const std::string id = RandomHexId();
  return id;
}

const std::string& OsName() {
  static const std::string name = [] {
    struct utsname u;
    if (uname(&u) != 0) return std::string("unknown");
    return fmt::format("{} {} {}", u.sysname, u.release, u.machine);
  }();
  return name;
}

std::string CompilerVersion() {
#if defined(__GNUC__)
  return fmt::format("{}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  return "0.0.0";
#endif
}

uint64_t TotalSystemMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size);
}

// "%ld.%06ld" of a timeval, as Redis prints used_cpu_*.
std::string CpuSeconds(const struct timeval& tv) {
  return fmt::format("{}.{:06}", static_cast<long>(tv.tv_sec), static_cast<long>(tv.tv_usec));
}

// Appends "name:value\r\n".
template <typename T>
void Field(std::string& out, std::string_view name, const T& value) {
  fmt::format_to(std::back_inserter(out), "{}:{}\r\n", name, value);
}
void FieldRatio(std::string& out, std::string_view name, double value) {
  fmt::format_to(std::back_inserter(out), "{}:{:.2f}\r\n", name, value);
}
double Ratio(double num, double den) { return den > 0 ? num / den : 0; }

// Collects, then formats: each Append* reads the state its section needs and writes it.
class InfoBuilder {
 public:
  InfoBuilder(ServerContext& server, int64_t now_ms)
      : server_(server), now_ms_(now_ms), reactor_(server.control.Stats()) {}

  std::string Build(uint32_t sections) {
    std::string out;
    out.reserve(4096);
    for (const auto& s : kSections) {
      if (!(sections & s.bit)) continue;
      if (!out.empty()) out += "\r\n";
      Append(s.bit, out);
    }
    return out;
  }

 private:
  void Append(uint32_t bit, std::string& out) {
    switch (bit) {
      case kInfoServer:
        return AppendServer(out);
      case kInfoClients:
        return AppendClients(out);
      case kInfoMemory:
        return AppendMemory(out);
      case kInfoPersistence:
        return AppendPersistence(out);
      case kInfoStats:
        return AppendStats(out);
      case kInfoReplication:
        return AppendReplication(out);
      case kInfoCpu:
        return AppendCpu(out);
      case kInfoModules:
        out += "# Modules\r\n";
        return;
      case kInfoCommandStats:
        return AppendCommandStats(out);
      case kInfoErrorStats:
        return AppendErrorStats(out);
      case kInfoLatencyStats:
        return AppendLatencyStats(out);
      case kInfoCluster:
        out += server_.config.cluster_enabled ? "# Cluster\r\ncluster_enabled:1\r\n"
                                              : "# Cluster\r\ncluster_enabled:0\r\n";
        return;
      case kInfoKeyspace:
        return AppendKeyspace(out);
      default:
        return;
    }
  }

  void AppendServer(std::string& out) {
    const Config& config = server_.config;
    int64_t uptime_s = (now_ms_ - reactor_.start_time_ms) / 1000;
    if (uptime_s < 0) uptime_s = 0;
    out += "# Server\r\n";
    Field(out, "redis_version", kRedisVersion);
    Field(out, "lrukv_version", LrukvVersion());
    Field(out, "redis_git_sha1", "00000000");
    Field(out, "redis_git_dirty", 0);
    Field(out, "redis_build_id", "0");
    Field(out, "redis_mode", config.cluster_enabled ? "cluster" : "standalone");
    Field(out, "os", OsName());
    Field(out, "arch_bits", sizeof(void*) * 8);
    Field(out, "monotonic_clock", "POSIX clock_gettime");
#if defined(__linux__)
    Field(out, "multiplexing_api", "epoll");
#else
    Field(out, "multiplexing_api", "kqueue");
#endif
    Field(out, "atomicvar_api", "c11-builtin");
    Field(out, "gcc_version", CompilerVersion());
    Field(out, "process_id", static_cast<long>(getpid()));
    Field(out, "process_supervised", "no");
    Field(out, "run_id", RunId());
    Field(out, "tcp_port", reactor_.tcp_port);
    Field(out, "server_time_usec", WallClockUs(server_, now_ms_));
    Field(out, "uptime_in_seconds", uptime_s);
    Field(out, "uptime_in_days", uptime_s / 86400);
    Field(out, "hz", config.hz);
    Field(out, "configured_hz", config.hz);
    // Unix seconds as Redis's LRU clock (mstime-based), so it follows a stepped wall clock.
    Field(out, "lru_clock", (server_.engine.clock().ToWallMs(now_ms_) / 1000) & kLruClockMax);
    Field(out, "executable", reactor_.executable);
    Field(out, "config_file", reactor_.config_file);
    Field(out, "io_threads_active", 0);
  }

  void AppendClients(std::string& out) {
    out += "# Clients\r\n";
    Field(out, "connected_clients", reactor_.connected_clients);
    Field(out, "cluster_connections", 0);
    Field(out, "maxclients", server_.config.maxclients);
    Field(out, "client_recent_max_input_buffer", reactor_.client_recent_max_input_buffer);
    Field(out, "client_recent_max_output_buffer", reactor_.client_recent_max_output_buffer);
    Field(out, "blocked_clients", reactor_.blocked_clients);
    Field(out, "tracking_clients", 0);
    Field(out, "clients_in_timeout_table", 0);
  }

  // Redis with libc malloc has no allocator statistics and reports allocator_allocated as
  // used_memory and allocator_active/resident as the RSS; lrukv does the same.
  void AppendMemory(std::string& out) {
    const Config& config = server_.config;
    uint64_t used = server_.engine.used_memory();
    uint64_t peak = UpdateUsedMemoryPeak(server_);
    uint64_t rss = ProcessRssBytes();
    uint64_t clients_bytes = 0;
    server_.control.ForEachClient([&](ClientState& c) {
      clients_bytes += c.conn.query_buffer_bytes + c.conn.output_buffer_bytes;
    });
    uint64_t system_bytes = TotalSystemMemoryBytes();
    uint64_t startup = 0;
    uint64_t overhead = 0;
    uint64_t dataset = used - overhead;
    uint64_t net_usage = used > startup ? used - startup : 1;
    uint64_t allocated = used, active = rss, resident = rss;
    out += "# Memory\r\n";
    Field(out, "used_memory", used);
    Field(out, "used_memory_human", BytesToHuman(used));
    Field(out, "used_memory_rss", rss);
    Field(out, "used_memory_rss_human", BytesToHuman(rss));
    Field(out, "used_memory_peak", peak);
    Field(out, "used_memory_peak_human", BytesToHuman(peak));
    fmt::format_to(std::back_inserter(out), "used_memory_peak_perc:{:.2f}%\r\n",
                   Ratio(used * 100.0, peak));
    Field(out, "used_memory_overhead", overhead);
    Field(out, "used_memory_startup", startup);
    Field(out, "used_memory_dataset", dataset);
    fmt::format_to(std::back_inserter(out), "used_memory_dataset_perc:{:.2f}%\r\n",
                   Ratio(dataset * 100.0, net_usage));
    Field(out, "allocator_allocated", allocated);
    Field(out, "allocator_active", active);
    Field(out, "allocator_resident", resident);
    Field(out, "total_system_memory", system_bytes);
    Field(out, "total_system_memory_human", BytesToHuman(system_bytes));
    // No Lua and no functions in lrukv: their memory is zero.
    Field(out, "used_memory_lua", 0);
    Field(out, "used_memory_vm_eval", 0);
    Field(out, "used_memory_lua_human", "0B");
    Field(out, "used_memory_scripts_eval", 0);
    Field(out, "number_of_cached_scripts", 0);
    Field(out, "number_of_functions", 0);
    Field(out, "number_of_libraries", 0);
    Field(out, "used_memory_vm_functions", 0);
    Field(out, "used_memory_vm_total", 0);
    Field(out, "used_memory_vm_total_human", "0B");
    Field(out, "used_memory_functions", 0);
    Field(out, "used_memory_scripts", 0);
    Field(out, "used_memory_scripts_human", "0B");
    Field(out, "maxmemory", config.maxmemory_bytes);
    Field(out, "maxmemory_human", BytesToHuman(config.maxmemory_bytes));
    Field(out, "maxmemory_policy", config.maxmemory_policy);
    FieldRatio(out, "allocator_frag_ratio", Ratio(active, allocated));
    Field(out, "allocator_frag_bytes", static_cast<int64_t>(active - allocated));
    FieldRatio(out, "allocator_rss_ratio", Ratio(resident, active));
    Field(out, "allocator_rss_bytes", static_cast<int64_t>(resident - active));
    FieldRatio(out, "rss_overhead_ratio", Ratio(rss, resident));
    Field(out, "rss_overhead_bytes", static_cast<int64_t>(rss - resident));
    FieldRatio(out, "mem_fragmentation_ratio", Ratio(rss, used));
    Field(out, "mem_fragmentation_bytes", static_cast<int64_t>(rss - used));
    Field(out, "mem_not_counted_for_evict", 0);
    Field(out, "mem_replication_backlog", 0);
    Field(out, "mem_total_replication_buffers", 0);
    Field(out, "mem_clients_slaves", 0);
    Field(out, "mem_clients_normal", clients_bytes);
    Field(out, "mem_cluster_links", 0);
    Field(out, "mem_aof_buffer", 0);
    Field(out, "mem_allocator", "libc");
    Field(out, "active_defrag_running", 0);
    Field(out, "lazyfree_pending_objects", 0);
    Field(out, "lazyfreed_objects", 0);
  }

  void AppendPersistence(std::string& out) {
    int64_t last_save_s = server_.counters.last_save_unix_s != 0 ? server_.counters.last_save_unix_s
                                                                 : reactor_.start_time_ms / 1000;
    out += "# Persistence\r\n";
    Field(out, "loading", 0);
    Field(out, "async_loading", 0);
    Field(out, "current_cow_peak", 0);
    Field(out, "current_cow_size", 0);
    Field(out, "current_cow_size_age", 0);
    Field(out, "current_fork_perc", "0.00");
    Field(out, "current_save_keys_processed", 0);
    Field(out, "current_save_keys_total", 0);
    const PersistenceState& p = server_.persistence;
    const bool in_progress = p.child_pid > 0;
    Field(out, "rdb_changes_since_last_save", server_.counters.dirty);
    Field(out, "rdb_bgsave_in_progress", in_progress ? 1 : 0);
    Field(out, "rdb_last_save_time", last_save_s);
    Field(out, "rdb_last_bgsave_status", p.last_bgsave_ok ? "ok" : "err");
    Field(out, "rdb_last_bgsave_time_sec", p.last_bgsave_time_sec);
    Field(out, "rdb_current_bgsave_time_sec",
          in_progress ? (now_ms_ - p.child_start_ms) / 1000 : int64_t{-1});
    Field(out, "rdb_saves", p.saves);
    Field(out, "rdb_last_cow_size", p.last_cow_bytes);
    Field(out, "rdb_last_load_keys_expired", p.last_load_keys_expired);
    Field(out, "rdb_last_load_keys_loaded", p.last_load_keys_loaded);
    Field(out, "aof_enabled", 0);
    Field(out, "aof_rewrite_in_progress", 0);
    Field(out, "aof_rewrite_scheduled", 0);
    Field(out, "aof_last_rewrite_time_sec", -1);
    Field(out, "aof_current_rewrite_time_sec", -1);
    Field(out, "aof_last_bgrewrite_status", "ok");
    Field(out, "aof_rewrites", 0);
    Field(out, "aof_rewrites_consecutive_failures", 0);
    Field(out, "aof_last_write_status", "ok");
    Field(out, "aof_last_cow_size", 0);
    Field(out, "module_fork_in_progress", 0);
    Field(out, "module_fork_last_cow_size", 0);
    // lrukv's own: the keys and bytes of the last dump written (SAVE, BGSAVE, shutdown).
    Field(out, "dump_last_keys", p.last_dump_keys);
    Field(out, "dump_last_bytes", p.last_dump_bytes);
  }

  void AppendStats(std::string& out) {
    const engine::Stats& es = server_.engine.stats();
    const ServerCounters& sc = server_.counters;
    out += "# Stats\r\n";
    Field(out, "total_connections_received", reactor_.total_connections_received);
    Field(out, "total_commands_processed", sc.total_commands_processed);
    Field(out, "instantaneous_ops_per_sec", reactor_.instantaneous_ops_per_sec);
    Field(out, "total_net_input_bytes", reactor_.total_net_input_bytes);
    Field(out, "total_net_output_bytes", reactor_.total_net_output_bytes);
    Field(out, "total_net_repl_input_bytes", 0);
    Field(out, "total_net_repl_output_bytes", 0);
    FieldRatio(out, "instantaneous_input_kbps", reactor_.instantaneous_input_kbps);
    FieldRatio(out, "instantaneous_output_kbps", reactor_.instantaneous_output_kbps);
    Field(out, "instantaneous_input_repl_kbps", "0.00");
    Field(out, "instantaneous_output_repl_kbps", "0.00");
    Field(out, "rejected_connections", reactor_.rejected_connections);
    Field(out, "sync_full", 0);
    Field(out, "sync_partial_ok", 0);
    Field(out, "sync_partial_err", 0);
    Field(out, "expired_keys", es.expired_keys);
    FieldRatio(out, "expired_stale_perc", es.expired_stale_perc);
    Field(out, "expired_time_cap_reached_count", es.expired_time_cap_reached_count);
    Field(out, "expire_cycle_cpu_milliseconds", es.expire_cycle_cpu_milliseconds);
    Field(out, "evicted_keys", es.evicted_keys);
    Field(out, "evicted_clients", 0);
    Field(out, "total_eviction_exceeded_time", 0);
    Field(out, "current_eviction_exceeded_time", 0);
    Field(out, "keyspace_hits", es.keyspace_hits);
    Field(out, "keyspace_misses", es.keyspace_misses);
    Field(out, "pubsub_channels", server_.pubsub.channel_count(ChannelKind::kGlobal));
    Field(out, "pubsub_patterns", server_.pubsub.pattern_count());
    Field(out, "pubsubshard_channels", server_.pubsub.channel_count(ChannelKind::kShard));
    Field(out, "latest_fork_usec", server_.persistence.latest_fork_usec);
    Field(out, "total_forks", server_.persistence.total_forks);
    Field(out, "migrate_cached_sockets", 0);
    Field(out, "slave_expires_tracked_keys", 0);
    Field(out, "active_defrag_hits", 0);
    Field(out, "active_defrag_misses", 0);
    Field(out, "active_defrag_key_hits", 0);
    Field(out, "active_defrag_key_misses", 0);
    Field(out, "total_active_defrag_time", 0);
    Field(out, "current_active_defrag_time", 0);
    Field(out, "tracking_total_keys", 0);
    Field(out, "tracking_total_items", 0);
    Field(out, "tracking_total_prefixes", 0);
    Field(out, "unexpected_error_replies", 0);
    Field(out, "total_error_replies", sc.total_error_replies);
    Field(out, "dump_payload_sanitizations", 0);
    Field(out, "total_reads_processed", reactor_.total_reads_processed);
    Field(out, "total_writes_processed", reactor_.total_writes_processed);
    Field(out, "io_threaded_reads_processed", 0);
    Field(out, "io_threaded_writes_processed", 0);
    Field(out, "client_query_buffer_limit_disconnections", reactor_.client_query_buffer_limit_disconnections);
    Field(out, "client_output_buffer_limit_disconnections", reactor_.client_output_buffer_limit_disconnections);
    Field(out, "reply_buffer_shrinks", 0);
    Field(out, "reply_buffer_expands", 0);
  }

  void AppendReplication(std::string& out) {
    out += "# Replication\r\n";
    Field(out, "role", "master");
    Field(out, "connected_slaves", 0);
    Field(out, "master_failover_state", "no-failover");
    Field(out, "master_replid", ReplId());
    Field(out, "master_replid2", std::string(40, '0'));
    Field(out, "master_repl_offset", 0);
    Field(out, "second_repl_offset", -1);
    Field(out, "repl_backlog_active", 0);
    Field(out, "repl_backlog_size", kReplBacklogBytes);
    Field(out, "repl_backlog_first_byte_offset", 0);
    Field(out, "repl_backlog_histlen", 0);
  }

  void AppendCpu(std::string& out) {
    struct rusage self {
    }, children{}, thread{};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
#if defined(RUSAGE_THREAD)
    getrusage(RUSAGE_THREAD, &thread);  // INFO runs on the reactor (main) thread
#else
    thread = self;
#endif
    out += "# CPU\r\n";
    Field(out, "used_cpu_sys", CpuSeconds(self.ru_stime));
    Field(out, "used_cpu_user", CpuSeconds(self.ru_utime));
    Field(out, "used_cpu_sys_children", CpuSeconds(children.ru_stime));
    Field(out, "used_cpu_user_children", CpuSeconds(children.ru_utime));
    Field(out, "used_cpu_sys_main_thread", CpuSeconds(thread.ru_stime));
    Field(out, "used_cpu_user_main_thread", CpuSeconds(thread.ru_utime));
  }

  void AppendCommandStats(std::string& out) {
    out += "# Commandstats\r\n";
    for (const auto& [name, st] : server_.counters.command_stats) {
      if (st.calls == 0 && st.failed_calls == 0 && st.rejected_calls == 0) continue;
      double per_call = st.calls ? static_cast<double>(st.usec) / st.calls : 0;
      fmt::format_to(std::back_inserter(out),
                     "cmdstat_{}:calls={},usec={},usec_per_call={:.2f},rejected_calls={},"
                     "failed_calls={}\r\n",
                     name, st.calls, st.usec, per_call, st.rejected_calls, st.failed_calls);
    }
  }

  // One line per command that ran with latency-tracking on: its percentiles (from
  // latency-tracking-info-percentiles) in microseconds, "%.3f". Nothing while tracking is off.
  void AppendLatencyStats(std::string& out) {
    out += "# Latencystats\r\n";
    if (!server_.config.latency_tracking) return;
    const std::vector<double>& percentiles = server_.config.latency_percentiles;
    for (const auto& [name, st] : server_.counters.command_stats) {
      if (!st.histogram) continue;
      fmt::format_to(std::back_inserter(out), "latency_percentiles_usec_{}:", name);
      for (size_t i = 0; i < percentiles.size(); ++i) {
        const double usec = static_cast<double>(st.histogram->ValueAtPercentile(percentiles[i])) / 1000.0;
        fmt::format_to(std::back_inserter(out), "{}p{}={:.3f}", i ? "," : "",
                       PercentileText(percentiles[i]), usec);
      }
      out += "\r\n";
    }
  }

  void AppendErrorStats(std::string& out) {
    out += "# Errorstats\r\n";
    for (const auto& [code, count] : server_.counters.error_stats) {
      fmt::format_to(std::back_inserter(out), "errorstat_{}:count={}\r\n", code, count);
    }
  }

  void AppendKeyspace(std::string& out) {
    out += "# Keyspace\r\n";
    engine::Engine& engine = server_.engine;
    for (int db = 0; db < engine.databases(); ++db) {
      size_t keys = engine.DbSize(db);
      if (keys == 0) continue;
      fmt::format_to(std::back_inserter(out), "db{}:keys={},expires={},avg_ttl={}\r\n", db, keys,
                     engine.ExpiresCount(db), engine.AvgTtlMs(db, now_ms_));
    }
  }

  ServerContext& server_;
  int64_t now_ms_;
  ReactorStats reactor_;
};

}  // namespace

std::string BytesToHuman(uint64_t bytes) {
  constexpr double kK = 1024.0;
  double d = static_cast<double>(bytes);
  if (bytes < 1024) return fmt::format("{}B", bytes);
  if (d < kK * kK) return fmt::format("{:.2f}K", d / kK);
  if (d < kK * kK * kK) return fmt::format("{:.2f}M", d / (kK * kK));
  if (d < kK * kK * kK * kK) return fmt::format("{:.2f}G", d / (kK * kK * kK));
  if (d < kK * kK * kK * kK * kK) return fmt::format("{:.2f}T", d / (kK * kK * kK * kK));
  if (d < kK * kK * kK * kK * kK * kK) {
    return fmt::format("{:.2f}P", d / (kK * kK * kK * kK * kK));
  }
  return fmt::format("{}B", bytes);
}

uint64_t ProcessRssBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long size_pages = 0, resident_pages = 0;
  int n = std::fscanf(f, "%lu %lu", &size_pages, &resident_pages);
  std::fclose(f);
  if (n != 2) return 0;
  return static_cast<uint64_t>(resident_pages) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

uint64_t UpdateUsedMemoryPeak(ServerContext& server) {
  uint64_t used = server.engine.used_memory();
  if (used > server.counters.used_memory_peak) server.counters.used_memory_peak = used;
  return server.counters.used_memory_peak;
}

std::string BuildInfo(ServerContext& server, uint32_t sections, int64_t now_ms) {
  return InfoBuilder(server, now_ms).Build(sections);
}

// INFO [section ...]
// Unknown section names select nothing (an empty reply when nothing else is selected), as
// Redis. The reply is a bulk string, or a verbatim "txt" string under RESP3.
void CmdInfo(CommandContext& ctx) {
  uint32_t sections = 0;
  if (ctx.args.size() == 1) {
    sections = kInfoDefault;
  } else {
    for (size_t i = 1; i < ctx.args.size(); ++i) {
      std::string_view a = ctx.args[i];
      if (EqualsIgnoreCase(a, "default")) {
        sections |= kInfoDefault;
      } else if (EqualsIgnoreCase(a, "all") || EqualsIgnoreCase(a, "everything")) {
        sections |= kInfoAll;
      } else {
        for (const auto& s : kSections) {
          if (EqualsIgnoreCase(a, s.name)) sections |= s.bit;
        }
      }
    }
  }
  std::string text = BuildInfo(ctx.server, sections, ctx.now_ms);
  ctx.reply.Verbatim("txt", text);
}

}  // namespace lrukv::cmd
