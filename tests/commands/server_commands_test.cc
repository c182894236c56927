// Server family: INFO, CONFIG, COMMAND, TIME, MEMORY, DEBUG, FUNCTION, SHUTDOWN, LASTSAVE.
// Expected bytes were captured from redis-server 7.0.15 (redis-cli / raw sockets) unless a case
// says lrukv differs on purpose.
#include <doctest/doctest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "commands/harness.h"
#include "src/commands/command_meta.h"
#include "src/commands/server_family.h"
#include "src/commands/version.h"

using lrukv::testing::CommandHarness;

namespace {

// "k:v\r\n" lines of an INFO text (header and blank lines skipped), as "section:key" in order.
std::vector<std::string> InfoFieldNames(const std::string& text) {
  std::vector<std::string> out;
  std::string section;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 2;
    if (line.empty()) continue;
    if (line[0] == '#') {
      section = line.substr(2);
      continue;
    }
    out.push_back(section + ":" + line.substr(0, line.find(':')));
  }
  return out;
}

std::vector<std::string> InfoHeaders(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = text.find("# ", pos)) != std::string::npos) {
    if (pos == 0 || text[pos - 1] == '\n') {
      size_t end = text.find("\r\n", pos);
      out.push_back(text.substr(pos + 2, end - pos - 2));
    }
    pos += 2;
  }
  return out;
}

// The body of a RESP2 bulk reply ("$n\r\n...\r\n").
std::string BulkBody(const std::string& reply) {
  REQUIRE(reply.size() >= 4);
  REQUIRE(reply[0] == '$');
  size_t start = reply.find("\r\n") + 2;
  return reply.substr(start, reply.size() - start - 2);
}

std::string FieldValue(const std::string& info, const std::string& name) {
  std::string key = "\r\n" + name + ":";
  size_t pos = info.find(key);
  if (pos == std::string::npos) return "<missing>";
  pos += key.size();
  return info.substr(pos, info.find("\r\n", pos) - pos);
}

// Every field `redis-cli -p 7180 info everything` printed (7.0.15, standalone, no modules) in
// the sections whose field set is fixed, in order.
const char* const kRedisInfoFields[] = {
    "Server:redis_version",
    "Server:redis_git_sha1",
    "Server:redis_git_dirty",
    "Server:redis_build_id",
    "Server:redis_mode",
    "Server:os",
    "Server:arch_bits",
    "Server:monotonic_clock",
    "Server:multiplexing_api",
    "Server:atomicvar_api",
    "Server:gcc_version",
    "Server:process_id",
    "Server:process_supervised",
    "Server:run_id",
    "Server:tcp_port",
    "Server:server_time_usec",
    "Server:uptime_in_seconds",
    "Server:uptime_in_days",
    "Server:hz",
    "Server:configured_hz",
    "Server:lru_clock",
    "Server:executable",
    "Server:config_file",
    "Server:io_threads_active",
    "Clients:connected_clients",
    "Clients:cluster_connections",
    "Clients:maxclients",
    "Clients:client_recent_max_input_buffer",
    "Clients:client_recent_max_output_buffer",
    "Clients:blocked_clients",
    "Clients:tracking_clients",
    "Clients:clients_in_timeout_table",
    "Memory:used_memory",
    "Memory:used_memory_human",
    "Memory:used_memory_rss",
    "Memory:used_memory_rss_human",
    "Memory:used_memory_peak",
    "Memory:used_memory_peak_human",
    "Memory:used_memory_peak_perc",
    "Memory:used_memory_overhead",
    "Memory:used_memory_startup",
    "Memory:used_memory_dataset",
    "Memory:used_memory_dataset_perc",
    "Memory:allocator_allocated",
    "Memory:allocator_active",
    "Memory:allocator_resident",
    "Memory:total_system_memory",
    "Memory:total_system_memory_human",
    "Memory:used_memory_lua",
    "Memory:used_memory_vm_eval",
    "Memory:used_memory_lua_human",
    "Memory:used_memory_scripts_eval",
    "Memory:number_of_cached_scripts",
    "Memory:number_of_functions",
    "Memory:number_of_libraries",
    "Memory:used_memory_vm_functions",
    "Memory:used_memory_vm_total",
    "Memory:used_memory_vm_total_human",
    "Memory:used_memory_functions",
    "Memory:used_memory_scripts",
    "Memory:used_memory_scripts_human",
    "Memory:maxmemory",
    "Memory:maxmemory_human",
    "Memory:maxmemory_policy",
    "Memory:allocator_frag_ratio",
    "Memory:allocator_frag_bytes",
    "Memory:allocator_rss_ratio",
    "Memory:allocator_rss_bytes",
    "Memory:rss_overhead_ratio",
    "Memory:rss_overhead_bytes",
    "Memory:mem_fragmentation_ratio",
    "Memory:mem_fragmentation_bytes",
    "Memory:mem_not_counted_for_evict",
    "Memory:mem_replication_backlog",
    "Memory:mem_total_replication_buffers",
    "Memory:mem_clients_slaves",
    "Memory:mem_clients_normal",
    "Memory:mem_cluster_links",
    "Memory:mem_aof_buffer",
    "Memory:mem_allocator",
    "Memory:active_defrag_running",
    "Memory:lazyfree_pending_objects",
    "Memory:lazyfreed_objects",
    "Persistence:loading",
    "Persistence:async_loading",
    "Persistence:current_cow_peak",
    "Persistence:current_cow_size",
    "Persistence:current_cow_size_age",
    "Persistence:current_fork_perc",
    "Persistence:current_save_keys_processed",
    "Persistence:current_save_keys_total",
    "Persistence:rdb_changes_since_last_save",
    "Persistence:rdb_bgsave_in_progress",
    "Persistence:rdb_last_save_time",
    "Persistence:rdb_last_bgsave_status",
    "Persistence:rdb_last_bgsave_time_sec",
    "Persistence:rdb_current_bgsave_time_sec",
    "Persistence:rdb_saves",
    "Persistence:rdb_last_cow_size",
    "Persistence:rdb_last_load_keys_expired",
    "Persistence:rdb_last_load_keys_loaded",
    "Persistence:aof_enabled",
    "Persistence:aof_rewrite_in_progress",
    "Persistence:aof_rewrite_scheduled",
    "Persistence:aof_last_rewrite_time_sec",
    "Persistence:aof_current_rewrite_time_sec",
    "Persistence:aof_last_bgrewrite_status",
    "Persistence:aof_rewrites",
    "Persistence:aof_rewrites_consecutive_failures",
    "Persistence:aof_last_write_status",
    "Persistence:aof_last_cow_size",
    "Persistence:module_fork_in_progress",
    "Persistence:module_fork_last_cow_size",
    "Stats:total_connections_received",
    "Stats:total_commands_processed",
    "Stats:instantaneous_ops_per_sec",
    "Stats:total_net_input_bytes",
    "Stats:total_net_output_bytes",
    "Stats:total_net_repl_input_bytes",
    "Stats:total_net_repl_output_bytes",
    "Stats:instantaneous_input_kbps",
    "Stats:instantaneous_output_kbps",
    "Stats:instantaneous_input_repl_kbps",
    "Stats:instantaneous_output_repl_kbps",
    "Stats:rejected_connections",
    "Stats:sync_full",
    "Stats:sync_partial_ok",
    "Stats:sync_partial_err",
    "Stats:expired_keys",
    "Stats:expired_stale_perc",
    "Stats:expired_time_cap_reached_count",
    "Stats:expire_cycle_cpu_milliseconds",
    "Stats:evicted_keys",
    "Stats:evicted_clients",
    "Stats:total_eviction_exceeded_time",
    "Stats:current_eviction_exceeded_time",
    "Stats:keyspace_hits",
    "Stats:keyspace_misses",
    "Stats:pubsub_channels",
    "Stats:pubsub_patterns",
    "Stats:pubsubshard_channels",
    "Stats:latest_fork_usec",
    "Stats:total_forks",
    "Stats:migrate_cached_sockets",
    "Stats:slave_expires_tracked_keys",
    "Stats:active_defrag_hits",
    "Stats:active_defrag_misses",
    "Stats:active_defrag_key_hits",
    "Stats:active_defrag_key_misses",
    "Stats:total_active_defrag_time",
    "Stats:current_active_defrag_time",
    "Stats:tracking_total_keys",
    "Stats:tracking_total_items",
    "Stats:tracking_total_prefixes",
    "Stats:unexpected_error_replies",
    "Stats:total_error_replies",
    "Stats:dump_payload_sanitizations",
    "Stats:total_reads_processed",
    "Stats:total_writes_processed",
    "Stats:io_threaded_reads_processed",
    "Stats:io_threaded_writes_processed",
    "Stats:reply_buffer_shrinks",
    "Stats:reply_buffer_expands",
    "Replication:role",
    "Replication:connected_slaves",
    "Replication:master_failover_state",
    "Replication:master_replid",
    "Replication:master_replid2",
    "Replication:master_repl_offset",
    "Replication:second_repl_offset",
    "Replication:repl_backlog_active",
    "Replication:repl_backlog_size",
    "Replication:repl_backlog_first_byte_offset",
    "Replication:repl_backlog_histlen",
    "CPU:used_cpu_sys",
    "CPU:used_cpu_user",
    "CPU:used_cpu_sys_children",
    "CPU:used_cpu_user_children",
    "CPU:used_cpu_sys_main_thread",
    "CPU:used_cpu_user_main_thread",
    "Cluster:cluster_enabled",
};
// Fields lrukv prints that Redis does not (an intended difference).
const std::set<std::string> kLrukvOnlyFields = {
    "Server:lrukv_version", "Persistence:dump_last_keys", "Persistence:dump_last_bytes",
    // Redis 7.2's, where 7.2 prints them.
    "Stats:client_query_buffer_limit_disconnections",
    "Stats:client_output_buffer_limit_disconnections"};
// Fields Redis prints that lrukv may leave out: none.
const std::set<std::string> kAllowedMissing = {};

}  // namespace

// ---- INFO ----

TEST_CASE("INFO everything: Redis 7.0.15's section headers in Redis's order") {
  CommandHarness h;
  std::string info = BulkBody(h.Run({"INFO", "everything"}));
  std::vector<std::string> expected = {
      "Server",  "Clients",      "Memory",     "Persistence",  "Stats",   "Replication", "CPU",
      "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace"};
  CHECK(InfoHeaders(info) == expected);
  CHECK(InfoHeaders(BulkBody(h.Run({"INFO", "all"}))) == expected);
}

TEST_CASE("INFO with no argument prints the default sections, without commandstats") {
  CommandHarness h;
  std::vector<std::string> expected = {"Server",     "Clients",     "Memory",  "Persistence",
                                       "Stats",      "Replication", "CPU",     "Modules",
                                       "Errorstats", "Cluster",     "Keyspace"};
  CHECK(InfoHeaders(BulkBody(h.Run({"INFO"}))) == expected);
  CHECK(InfoHeaders(BulkBody(h.Run({"INFO", "default"}))) == expected);
}

TEST_CASE("INFO everything: every field Redis prints, in Redis's order, plus lrukv_version") {
  CommandHarness h;
  std::vector<std::string> ours = InfoFieldNames(BulkBody(h.Run({"INFO", "everything"})));
  std::vector<std::string> ours_filtered;
  for (const auto& f : ours) {
    if (kLrukvOnlyFields.count(f)) continue;
    // Sections whose lines depend on state are checked by their own cases.
    if (f.starts_with("Commandstats:") || f.starts_with("Errorstats:") ||
        f.starts_with("Keyspace:") || f.starts_with("Latencystats:")) {
      continue;
    }
    ours_filtered.push_back(f);
  }
  std::vector<std::string> redis;
  for (const char* f : kRedisInfoFields) {
    if (!kAllowedMissing.count(f)) redis.push_back(f);
  }
  CHECK(ours_filtered == redis);
  // lrukv_version follows redis_version.
  REQUIRE(ours.size() > 2);
  CHECK(ours[0] == "Server:redis_version");
  CHECK(ours[1] == "Server:lrukv_version");
}

TEST_CASE("INFO server carries the Redis version, standalone mode and lrukv's version") {
  CommandHarness h;
  h.control.stats.tcp_port = 6390;
  h.control.stats.start_time_ms = h.clock.NowMs() - 90'000;
  std::string info = BulkBody(h.Run({"INFO", "server"}));
  CHECK(info.starts_with("# Server\r\nredis_version:7.0.15\r\nlrukv_version:"));
  CHECK(FieldValue(info, "lrukv_version") == lrukv::LrukvVersion());
  CHECK_FALSE(lrukv::LrukvVersion().empty());
  CHECK(FieldValue(info, "redis_mode") == "standalone");
  CHECK(FieldValue(info, "tcp_port") == "6390");
  CHECK(FieldValue(info, "uptime_in_seconds") == "90");
  CHECK(FieldValue(info, "uptime_in_days") == "0");
  CHECK(FieldValue(info, "hz") == "10");
  CHECK(FieldValue(info, "run_id").size() == 40);
  CHECK(FieldValue(info, "server_time_usec") == std::to_string(h.clock.NowMs() * 1000));
  CHECK(FieldValue(info, "lru_clock") == std::to_string((h.clock.NowMs() / 1000) & 0xFFFFFF));
  CHECK(info.ends_with("io_threads_active:0\r\n"));
}

TEST_CASE("INFO: loading, role, replication offset and cluster fields clients check") {
  CommandHarness h;
  std::string info = BulkBody(h.Run({"INFO"}));
  CHECK(FieldValue(info, "loading") == "0");
  CHECK(FieldValue(info, "role") == "master");
  CHECK(FieldValue(info, "connected_slaves") == "0");
  CHECK(FieldValue(info, "master_repl_offset") == "0");
  CHECK(FieldValue(info, "cluster_enabled") == "0");
  CHECK(FieldValue(info, "maxmemory_policy") == h.config.maxmemory_policy);
  CHECK(FieldValue(info, "rdb_last_bgsave_status") == "ok");
  CHECK(FieldValue(info, "aof_enabled") == "0");
}

TEST_CASE("INFO several sections: printed in Redis's order, whatever the argument order") {
  CommandHarness h;
  std::string info = BulkBody(h.Run({"INFO", "keyspace", "SERVER", "cpu"}));
  CHECK(InfoHeaders(info) == std::vector<std::string>{"Server", "CPU", "Keyspace"});
  CHECK(info.find("io_threads_active:0\r\n\r\n# CPU\r\n") != std::string::npos);
}

TEST_CASE("INFO unknown section: an empty bulk string, never an error") {
  CommandHarness h;
  CHECK(h.Run({"INFO", "foo"}) == "$0\r\n\r\n");
  CHECK(h.Run({"INFO", "a", "b", "c"}) == "$0\r\n\r\n");
}

TEST_CASE("INFO keyspace: one line per non-empty database") {
  CommandHarness h;
  CHECK(h.Run({"INFO", "keyspace"}) == "$12\r\n# Keyspace\r\n\r\n");
  h.Run({"SET", "foo", "bar"});
  CHECK(h.Run({"INFO", "keyspace"}) ==
        "$44\r\n# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n\r\n");
}

TEST_CASE("INFO under RESP3 is a verbatim txt string, as Redis 7.0") {
  CommandHarness h;
  h.Run({"SET", "foo", "bar"});
  h.client.protocol = 3;
  CHECK(h.Run({"INFO", "keyspace"}) ==
        "=48\r\ntxt:# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n\r\n");
}

TEST_CASE("INFO commandstats: Redis's cmdstat line for each command called") {
  CommandHarness h;
  h.Run({"SET", "foo", "bar"});
  h.Run({"GET", "foo"});
  std::string info = BulkBody(h.Run({"INFO", "commandstats"}));
  auto get = h.server.counters.command_stats.at("get");
  CHECK(get.calls == 1);
  std::string expected_get =
      "cmdstat_get:calls=1,usec=" + std::to_string(get.usec) + ",usec_per_call=";
  CHECK(info.find(expected_get) != std::string::npos);
  CHECK(info.find(",rejected_calls=0,failed_calls=0\r\n") != std::string::npos);
  CHECK(info.starts_with("# Commandstats\r\ncmdstat_get:"));
}

TEST_CASE("INFO errorstats: errorstat_<code>:count=<n>") {
  CommandHarness h;
  CHECK(BulkBody(h.Run({"INFO", "errorstats"})) == "# Errorstats\r\n");
  h.Run({"SET", "k", "v", "EX", "0"});
  CHECK(BulkBody(h.Run({"INFO", "errorstats"})) == "# Errorstats\r\nerrorstat_ERR:count=1\r\n");
}

TEST_CASE("INFO stats: engine counters and the total of processed commands") {
  CommandHarness h;
  h.Run({"SET", "foo", "bar"});
  h.Run({"GET", "foo"});
  h.Run({"GET", "nope"});
  std::string info = BulkBody(h.Run({"INFO", "stats"}));
  CHECK(FieldValue(info, "keyspace_hits") == "1");
  CHECK(FieldValue(info, "keyspace_misses") == "1");
  CHECK(FieldValue(info, "total_commands_processed") == "3");
  std::string persistence = BulkBody(h.Run({"INFO", "persistence"}));
  CHECK(FieldValue(persistence, "rdb_changes_since_last_save") ==
        std::to_string(h.server.counters.dirty));
}

TEST_CASE("INFO memory: used_memory is the engine's, with Redis's human form") {
  CommandHarness h;
  h.Run({"SET", "foo", "bar"});
  std::string info = BulkBody(h.Run({"INFO", "memory"}));
  CHECK(FieldValue(info, "used_memory") == std::to_string(h.engine.used_memory()));
  CHECK(FieldValue(info, "maxmemory") == "0");
  CHECK(FieldValue(info, "maxmemory_human") == "0B");
  CHECK(FieldValue(info, "mem_allocator") == "libc");
  CHECK(std::stoull(FieldValue(info, "used_memory_peak")) >= h.engine.used_memory());
}

TEST_CASE("BytesToHuman formats as Redis's bytesToHuman") {
  CHECK(lrukv::cmd::BytesToHuman(0) == "0B");
  CHECK(lrukv::cmd::BytesToHuman(1023) == "1023B");
  CHECK(lrukv::cmd::BytesToHuman(965728) == "943.09K");
  CHECK(lrukv::cmd::BytesToHuman(6701056) == "6.39M");
  CHECK(lrukv::cmd::BytesToHuman(25276026880ull) == "23.54G");
}

// ---- CONFIG ----

TEST_CASE("CONFIG GET: name and value pairs, flat under RESP2 and a map under RESP3") {
  CommandHarness h;
  CHECK(h.Run({"CONFIG", "GET", "maxmemory"}) == "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
  CHECK(h.Run({"CONFIG", "GET", "nosuch"}) == "*0\r\n");
  h.client.protocol = 3;
  CHECK(h.Run({"CONFIG", "GET", "maxmemory"}) == "%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
}

TEST_CASE("CONFIG GET: several patterns at once, each directive listed once") {
  CommandHarness h;
  CHECK(h.Run({"CONFIG", "GET", "maxmemory", "port", "maxmemory"}) ==
        "*4\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n$4\r\nport\r\n$4\r\n6379\r\n");
  std::string glob = h.Run({"CONFIG", "GET", "maxmemory*"});
  CHECK(glob.find("$16\r\nmaxmemory-policy\r\n") != std::string::npos);
  CHECK(glob.find("$9\r\nmaxmemory\r\n") != std::string::npos);
}

TEST_CASE("CONFIG SET then GET: values round trip, memory units are normalized") {
  CommandHarness h;
  CHECK(h.Run({"CONFIG", "SET", "maxmemory", "10mb"}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "GET", "maxmemory"}) == "*2\r\n$9\r\nmaxmemory\r\n$8\r\n10485760\r\n");
  CHECK(h.Run({"CONFIG", "SET", "maxmemory", "100", "maxmemory-policy", "volatile-ttl"}) ==
        "+OK\r\n");
  CHECK(h.config.maxmemory_bytes == 100);
  CHECK(h.config.maxmemory_policy == "volatile-ttl");
  CHECK(h.engine.limits().maxmemory_bytes == 100);
  CHECK(h.engine.limits().policy == lrukv::engine::EvictionPolicy::kVolatileTtl);
  CHECK(h.control.changed ==
        std::vector<std::string>{"maxmemory", "maxmemory", "maxmemory-policy"});
}

TEST_CASE("CONFIG SET is atomic: one bad value leaves every directive as it was") {
  CommandHarness h;
  CHECK(h.Run({"CONFIG", "SET", "maxmemory", "100", "maxmemory-policy", "foo"})
            .starts_with("-ERR CONFIG SET failed (possibly related to argument "
                         "'maxmemory-policy') - argument(s) must be one of the following: "));
  CHECK(h.Run({"CONFIG", "GET", "maxmemory"}) == "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
  CHECK(h.engine.limits().maxmemory_bytes == 0);
  CHECK(h.control.changed.empty());
}

TEST_CASE("CONFIG SET errors carry Redis's texts") {
  CommandHarness h;
  CHECK(h.Run({"CONFIG", "SET", "maxmemory"}) ==
        "-ERR wrong number of arguments for 'config|set' command\r\n");
  CHECK(h.Run({"CONFIG", "SET", "maxmemory", "abc"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
        "memory value\r\n");
  CHECK(h.Run({"CONFIG", "SET", "hz", "5", "HZ", "6"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter\r\n");
  CHECK(h.Run({"CONFIG", "SET", "NOSUCH", "1"}) ==
        "-ERR Unknown option or number of arguments for CONFIG SET - 'NOSUCH'\r\n");
  CHECK(h.Run({"CONFIG", "SET", "nosuch", "1"}) ==
        "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n");
  CHECK(h.Run({"CONFIG", "SET", "maxmemory", "1", "maxmemory", "2"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate "
        "parameter\r\n");
  CHECK(h.Run({"CONFIG", "SET", "hz", "10", "hz"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"CONFIG", "SET", "databases", "4"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable "
        "config\r\n");
  CHECK(h.Run({"CONFIG", "GET"}) == "-ERR wrong number of arguments for 'config|get' command\r\n");
  CHECK(h.Run({"CONFIG"}) == "-ERR wrong number of arguments for 'config' command\r\n");
  CHECK(h.Run({"CONFIG", "foo"}) == "-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n");
}

TEST_CASE("CONFIG REWRITE without a config file, CONFIG HELP") {
  CommandHarness h;
  CHECK(h.Run({"CONFIG", "REWRITE"}) == "-ERR The server is running without a config file\r\n");
  CHECK(h.Run({"CONFIG", "HELP"}) ==
        "*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
        "+GET <pattern>\r\n"
        "+    Return parameters matching the glob-like <pattern> and their values.\r\n"
        "+SET <directive> <value>\r\n+    Set the configuration <directive> to <value>.\r\n"
        "+RESETSTAT\r\n+    Reset statistics reported by the INFO command.\r\n"
        "+REWRITE\r\n+    Rewrite the configuration file.\r\n+HELP\r\n+    Prints this help.\r\n");
}

TEST_CASE("CONFIG RESETSTAT zeroes command stats, error stats and engine counters") {
  CommandHarness h;
  h.Run({"SET", "foo", "bar"});
  h.Run({"GET", "foo"});
  h.Run({"GET", "nope"});
  h.Run({"SET", "k", "v", "EX", "0"});
  REQUIRE(h.server.counters.total_error_replies == 1);
  CHECK(h.Run({"CONFIG", "RESETSTAT"}) == "+OK\r\n");
  CHECK(h.engine.stats().keyspace_hits == 0);
  CHECK(h.engine.stats().keyspace_misses == 0);
  CHECK(h.server.counters.total_error_replies == 0);
  CHECK(h.server.counters.error_stats.empty());
  std::string stats = BulkBody(h.Run({"INFO", "commandstats"}));
  // Only the RESETSTAT call itself (counted after it ran) and this INFO's predecessor remain.
  CHECK(stats.find("cmdstat_get:") == std::string::npos);
  CHECK(stats.find("cmdstat_set:") == std::string::npos);
  CHECK(BulkBody(h.Run({"INFO", "errorstats"})) == "# Errorstats\r\n");
  CHECK(h.Run({"GET", "foo"}) == "$3\r\nbar\r\n");  // data stays
}

// ---- TIME, LASTSAVE ----

TEST_CASE("TIME: two bulk strings, unix seconds and microseconds, from the command's clock") {
  CommandHarness h;
  h.clock.Set(1'700'000'000'123);
  CHECK(h.Run({"TIME"}) == "*2\r\n$10\r\n1700000000\r\n$6\r\n123000\r\n");
  h.clock.Set(1'700'000'001'000);
  CHECK(h.Run({"TIME"}) == "*2\r\n$10\r\n1700000001\r\n$1\r\n0\r\n");
  CHECK(h.Run({"TIME", "x"}) == "-ERR wrong number of arguments for 'time' command\r\n");
}

TEST_CASE("LASTSAVE: the start time before any save") {
  CommandHarness h;
  h.control.stats.start_time_ms = 1'700'000'000'999;
  CHECK(h.Run({"LASTSAVE"}) == ":1700000000\r\n");
  h.server.counters.last_save_unix_s = 1'700'000'100;
  CHECK(h.Run({"LASTSAVE"}) == ":1700000100\r\n");
}

// ---- COMMAND ----

TEST_CASE("COMMAND COUNT equals the number of registered commands") {
  CommandHarness h;
  CHECK(h.Run({"COMMAND", "COUNT"}) == ":" + std::to_string(h.table.all().size()) + "\r\n");
  CHECK(h.table.all().size() > 40);
  CHECK(h.Run({"COMMAND", "COUNT", "x"}) ==
        "-ERR wrong number of arguments for 'command|count' command\r\n");
}

TEST_CASE("COMMAND INFO get: Redis 7.0.15's reply bytes, RESP2 and RESP3") {
  CommandHarness h;
  const std::string redis_resp2 =
      "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n"
      "+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n"
      "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex"
      "\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\n"
      "lastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n";
  CHECK(h.Run({"COMMAND", "INFO", "get"}) == redis_resp2);
  CHECK(h.Run({"command", "info", "GET"}) == redis_resp2);
  const std::string redis_resp3 =
      "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n"
      "+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n"
      "$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex"
      "\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\n"
      "lastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n";
  h.client.protocol = 3;
  CHECK(h.Run({"COMMAND", "INFO", "get"}) == redis_resp3);
}

TEST_CASE("COMMAND INFO mset, config|get and memory|usage: Redis's reply bytes") {
  CommandHarness h;
  CHECK(h.Run({"COMMAND", "INFO", "mset"}) ==
        "*1\r\n*10\r\n$4\r\nmset\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:-1\r\n:2\r\n*3\r\n"
        "+@write\r\n+@string\r\n+@slow\r\n*2\r\n$26\r\nrequest_policy:multi_shard\r\n$29\r\n"
        "response_policy:all_succeeded\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12"
        "\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r"
        "\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\n"
        "lastkey\r\n:-1\r\n$7\r\nkeystep\r\n:2\r\n$5\r\nlimit\r\n:0\r\n*0\r\n");
  CHECK(h.Run({"COMMAND", "INFO", "config|get"}) ==
        "*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n"
        "+stale\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*0\r\n*0\r\n*0\r\n");
  CHECK(h.Run({"COMMAND", "INFO", "memory|usage"}) ==
        "*1\r\n*10\r\n$12\r\nmemory|usage\r\n:-3\r\n*1\r\n+readonly\r\n:2\r\n:2\r\n:1\r\n*2\r\n"
        "+@read\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n$12\r\nbegin_search\r\n"
        "*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\n"
        "find_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0"
        "\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n");
}

TEST_CASE("COMMAND INFO: nil for an unknown name, every command with no name") {
  CommandHarness h;
  std::string r = h.Run({"COMMAND", "INFO", "nosuch", "get"});
  CHECK(r.starts_with("*2\r\n$-1\r\n*10\r\n$3\r\nget\r\n"));
  std::string all = h.Run({"COMMAND", "INFO"});
  CHECK(all.starts_with("*" + std::to_string(h.table.all().size()) + "\r\n"));
  CHECK(h.Run({"COMMAND"}) == all);
}

// Redis lists subcommands in its hash table's order, which changes from process to process
// (the hash seed is random), so only the set of subcommands is compared.
TEST_CASE("COMMAND INFO config: a container row with its five subcommands") {
  CommandHarness h;
  std::string r = h.Run({"COMMAND", "INFO", "config"});
  CHECK(
      r.starts_with("*1\r\n*10\r\n$6\r\nconfig\r\n:-2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n"
                    "*0\r\n*0\r\n*5\r\n*10\r\n"));
  for (const char* sub :
       {"config|get", "config|set", "config|rewrite", "config|resetstat", "config|help"}) {
    CAPTURE(sub);
    CHECK(r.find(std::string("\r\n") + sub + "\r\n") != std::string::npos);
  }
  CHECK(
      r.find("$10\r\nconfig|set\r\n:-4\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n"
             ":0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*2\r\n$24\r\n"
             "request_policy:all_nodes\r\n$29\r\nresponse_policy:all_succeeded\r\n*0\r\n*0\r\n") !=
      std::string::npos);
}

TEST_CASE("COMMAND INFO under RESP3: subcommands are an array, or an empty set, as Redis 7.0") {
  CommandHarness h;
  h.client.protocol = 3;
  CHECK(h.Run({"COMMAND", "INFO", "config"})
            .starts_with("*1\r\n*10\r\n$6\r\nconfig\r\n:-2\r\n~0\r\n:0\r\n:0\r\n:0\r\n~1\r\n"
                         "+@slow\r\n~0\r\n~0\r\n*5\r\n*10\r\n"));
  CHECK(h.Run({"COMMAND", "INFO", "config|help"}) ==
        "*1\r\n*10\r\n$11\r\nconfig|help\r\n:2\r\n~2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n"
        "~1\r\n+@slow\r\n~0\r\n~0\r\n~0\r\n");
}

TEST_CASE("COMMAND DOCS get: Redis 7.0.15's reply bytes, RESP2 and RESP3") {
  CommandHarness h;
  CHECK(h.Run({"COMMAND", "DOCS", "get"}) ==
        "*2\r\n$3\r\nget\r\n*10\r\n$7\r\nsummary\r\n$22\r\nGet the value of a key\r\n$5\r\nsince"
        "\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r"
        "\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n"
        "key_spec_index\r\n:0\r\n");
  h.client.protocol = 3;
  CHECK(h.Run({"COMMAND", "DOCS", "get"}) ==
        "%1\r\n$3\r\nget\r\n%5\r\n$7\r\nsummary\r\n$22\r\nGet the value of a key\r\n$5\r\nsince"
        "\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r"
        "\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n"
        "key_spec_index\r\n:0\r\n");
}

TEST_CASE("COMMAND DOCS config|get: history and block arguments as Redis prints them") {
  CommandHarness h;
  CHECK(h.Run({"COMMAND", "DOCS", "config|get"}) ==
        "*2\r\n$10\r\nconfig|get\r\n*12\r\n$7\r\nsummary\r\n$42\r\nGet the values of "
        "configuration parameters\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n"
        "$10\r\ncomplexity\r\n$62\r\nO(N) when N is the number of configuration parameters "
        "provided\r\n$7\r\nhistory\r\n*1\r\n*2\r\n$5\r\n7.0.0\r\n$65\r\nAdded the ability to pass "
        "multiple pattern parameters in one call\r\n$9\r\narguments\r\n*1\r\n*8\r\n$4\r\nname\r\n"
        "$9\r\nparameter\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n$9\r\n"
        "arguments\r\n*1\r\n*4\r\n$4\r\nname\r\n$9\r\nparameter\r\n$4\r\ntype\r\n$6\r\nstring\r\n");
}

TEST_CASE("COMMAND DOCS: unknown names are left out; no name documents every command") {
  CommandHarness h;
  CHECK(h.Run({"COMMAND", "DOCS", "nosuch"}) == "*0\r\n");
  CHECK(h.Run({"COMMAND", "DOCS", "nosuch", "get"}).starts_with("*2\r\n$3\r\nget\r\n"));
  std::string all = h.Run({"COMMAND", "DOCS"});
  CHECK(all.starts_with("*" + std::to_string(2 * h.table.all().size()) + "\r\n"));
}

// Commands lrukv has that Redis 7.0.15 lacks (from Redis 7.2): COMMAND DOCS gives them the
// generic form built from their CommandSpec.
const std::set<std::string_view> kLrukvOnlyCommands = {"client|setinfo", "client|no-touch"};

TEST_CASE("every registered command has Redis's documentation row, but the listed extras") {
  CommandHarness h;
  for (const auto* spec : h.table.all()) {
    CAPTURE(spec->name);
    CHECK((lrukv::cmd::meta::FindMeta(spec->name) != nullptr) !=
          (kLrukvOnlyCommands.count(spec->name) == 1));
    for (const auto& sub : spec->subcommands) {
      CAPTURE(sub.name);
      CHECK((lrukv::cmd::meta::FindMeta(sub.name) != nullptr) !=
            (kLrukvOnlyCommands.count(sub.name) == 1));
    }
  }
}

TEST_CASE("COMMAND LIST: every name with subcommands, and its FILTERBY forms") {
  CommandHarness h;
  std::string all = h.Run({"COMMAND", "LIST"});
  CHECK(all.find("$10\r\nconfig|get\r\n") != std::string::npos);
  CHECK(all.find("$3\r\nget\r\n") != std::string::npos);
  std::string config = h.Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "CONFIG*"});
  CHECK(config.starts_with("*6\r\n$6\r\nconfig\r\n"));
  CHECK(config.find("$16\r\nconfig|resetstat\r\n") != std::string::npos);
  CHECK(h.Run({"COMMAND", "LIST", "FILTERBY", "MODULE", "x"}) == "*0\r\n");
  CHECK(h.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"}) == "*0\r\n");
  std::string strings = h.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "string"});
  CHECK(strings.find("$3\r\nget\r\n") != std::string::npos);
  CHECK(strings.find("$4\r\ninfo\r\n") == std::string::npos);
  CHECK(h.Run({"COMMAND", "LIST", "FILTERBY", "foo", "x"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"COMMAND", "LIST", "foo"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"COMMAND", "LIST", "FILTERBY", "PATTERN"}) == "-ERR syntax error\r\n");
}

TEST_CASE("COMMAND GETKEYS: keys by first/last/step, and Redis's errors") {
  CommandHarness h;
  CHECK(h.Run({"COMMAND", "GETKEYS", "mset", "a", "b", "c", "d"}) ==
        "*2\r\n$1\r\na\r\n$1\r\nc\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "GET", "a"}) == "*1\r\n$1\r\na\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "memory", "usage", "a"}) == "*1\r\n$1\r\na\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "mset", "a", "b", "c"}) == "*2\r\n$1\r\na\r\n$1\r\nc\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "get", "a", "b"}) ==
        "-ERR Invalid number of arguments specified for command\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "nosuch", "a"}) == "-ERR Invalid command specified\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "config", "foo"}) == "-ERR Invalid command specified\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "config", "get", "x"}) ==
        "-ERR The command has no key arguments\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "get"}) ==
        "-ERR wrong number of arguments for 'command|getkeys' command\r\n");
}

TEST_CASE("COMMAND GETKEYSANDFLAGS: each key with its key-spec flags") {
  CommandHarness h;
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "mset", "a", "b", "c", "d"}) ==
        "*2\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\nc\r\n*2\r\n+OW\r\n+update\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "set", "a", "b"}) ==
        "*1\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n");
  h.client.protocol = 3;
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "set", "a", "b", "get"}) ==
        "*1\r\n*2\r\n$1\r\na\r\n~3\r\n+RW\r\n+access\r\n+update\r\n");
}

TEST_CASE("COMMAND HELP and an unknown COMMAND subcommand") {
  CommandHarness h;
  CHECK(h.Run({"COMMAND", "HELP"})
            .starts_with(
                "*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                "+(no subcommand)\r\n+    Return details about all Redis commands.\r\n"));
  CHECK(h.Run({"COMMAND", "foo"}) == "-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n");
}

// ---- MEMORY ----

TEST_CASE("MEMORY USAGE: bytes for a key, nil when absent, SAMPLES checked as Redis") {
  CommandHarness h;
  CHECK(h.Run({"MEMORY", "USAGE", "nokey"}) == "$-1\r\n");
  h.Run({"SET", "foo", "bar"});
  std::string r = h.Run({"MEMORY", "USAGE", "foo"});
  CHECK(r == ":" + std::to_string(h.engine.MemoryUsage(0, "foo", h.clock.NowMs())) + "\r\n");
  CHECK(r != ":0\r\n");
  CHECK(h.Run({"MEMORY", "USAGE", "foo", "SAMPLES", "5"}) == r);
  CHECK(h.Run({"MEMORY", "USAGE", "foo", "samples", "x"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"MEMORY", "USAGE", "foo", "samples", "-1"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"MEMORY", "USAGE", "foo", "samples"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"MEMORY", "USAGE", "foo", "bar"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"MEMORY", "USAGE"}) ==
        "-ERR wrong number of arguments for 'memory|usage' command\r\n");
  CHECK(h.Run({"MEMORY", "foo"}) == "-ERR unknown subcommand 'foo'. Try MEMORY HELP.\r\n");
}

TEST_CASE("MEMORY DOCTOR on a small instance, MEMORY STATS shape") {
  CommandHarness h;
  CHECK(h.Run({"MEMORY", "DOCTOR"}).starts_with("$268\r\nHi Sam, this instance is empty"));
  h.client.protocol = 3;
  CHECK(h.Run({"MEMORY", "DOCTOR"}).starts_with("=272\r\ntxt:Hi Sam, this instance is empty"));
  h.Run({"SET", "foo", "bar"});
  std::string stats = h.Run({"MEMORY", "STATS"});
  CHECK(stats.starts_with("%28\r\n$14\r\npeak.allocated\r\n:"));
  CHECK(stats.find("$4\r\ndb.0\r\n%3\r\n") != std::string::npos);
  CHECK(stats.find("$10\r\nkeys.count\r\n:1\r\n") != std::string::npos);
}

// ---- DEBUG ----

TEST_CASE("DEBUG OBJECT: Redis's line for embstr, int and raw values") {
  CommandHarness h;
  h.Run({"SET", "foo", "bar"});
  h.Run({"SET", "n", "12345"});
  h.Run({"SET", "small", "7"});
  h.Run({"SET", "long", std::string(50, 'x')});
  h.clock.Advance(3000);
  std::string r = h.Run({"DEBUG", "OBJECT", "foo"});
  std::string lru = std::to_string(((h.clock.NowMs() - 3000) / 1000) & 0xFFFFFF);
  CHECK(r.starts_with("+Value at:0x"));
  CHECK(r.ends_with(" refcount:1 encoding:embstr serializedlength:4 lru:" + lru +
                    " lru_seconds_idle:3\r\n"));
  CHECK(h.Run({"DEBUG", "OBJECT", "n"}).find(" refcount:1 encoding:int serializedlength:3 ") !=
        std::string::npos);
  CHECK(h.Run({"DEBUG", "OBJECT", "small"})
            .find(" refcount:2147483647 encoding:int serializedlength:2 ") != std::string::npos);
  CHECK(h.Run({"DEBUG", "OBJECT", "long"}).find(" encoding:raw serializedlength:51 ") !=
        std::string::npos);
  CHECK(h.Run({"DEBUG", "OBJECT", "nokey"}) == "-ERR no such key\r\n");
}

TEST_CASE("DEBUG POPULATE: key:<n> = value:<n>, prefix and size, existing keys kept, as Redis") {
  CommandHarness h;
  h.Run({"SET", "key:1", "mine"});
  CHECK(h.Run({"DEBUG", "POPULATE", "3"}) == "+OK\r\n");
  CHECK(h.Run({"DBSIZE"}) == ":3\r\n");
  CHECK(h.Run({"GET", "key:0"}) == "$7\r\nvalue:0\r\n");
  CHECK(h.Run({"GET", "key:1"}) == "$4\r\nmine\r\n");
  CHECK(h.Run({"DEBUG", "POPULATE", "2", "p", "10"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "p:1"}) == std::string("$10\r\nvalue:1\0\0\0\r\n", 17));
  CHECK(h.Run({"DEBUG", "POPULATE", "1", "q", "3"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "q:0"}) == "$3\r\nval\r\n");
  CHECK(h.Run({"DEBUG", "POPULATE", "0"}) == "+OK\r\n");
  const std::string not_positive = "-ERR value is out of range, must be positive\r\n";
  CHECK(h.Run({"DEBUG", "POPULATE", "-1"}) == not_positive);
  CHECK(h.Run({"DEBUG", "POPULATE", "abc"}) == not_positive);
  CHECK(h.Run({"DEBUG", "POPULATE", "2", "r", "-3"}) == not_positive);
  CHECK(h.Run({"DBSIZE"}) == ":6\r\n");
  CHECK(h.Run({"DEBUG", "POPULATE", "1", "a", "1", "1"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'POPULATE'. Try DEBUG HELP.\r\n");
}

TEST_CASE("DEBUG SLEEP 0, SET-ACTIVE-EXPIRE, LOG and unknown subcommands") {
  CommandHarness h;
  CHECK(h.Run({"DEBUG", "SLEEP", "0"}) == "+OK\r\n");
  CHECK(h.Run({"DEBUG", "set-active-expire", "0"}) == "+OK\r\n");
  CHECK_FALSE(h.config.active_expire_enabled);
  CHECK(h.Run({"DEBUG", "SET-ACTIVE-EXPIRE", "1"}) == "+OK\r\n");
  CHECK(h.config.active_expire_enabled);
  CHECK(h.Run({"DEBUG", "SET-ACTIVE-EXPIRE"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'SET-ACTIVE-EXPIRE'. Try DEBUG "
        "HELP.\r\n");
  CHECK(h.Run({"DEBUG", "LOG", "hello from the test"}) == "+OK\r\n");
  CHECK(h.Run({"DEBUG", "foo"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP.\r\n");
  CHECK(h.Run({"DEBUG", "ERROR", "foo bar"}) == "-foo bar\r\n");
  CHECK(h.Run({"DEBUG"}) == "-ERR wrong number of arguments for 'debug' command\r\n");
}

// ---- FUNCTION ----

TEST_CASE("FUNCTION FLUSH and FUNCTION LIST: no library ever exists") {
  CommandHarness h;
  CHECK(h.Run({"FUNCTION", "FLUSH"}) == "+OK\r\n");
  CHECK(h.Run({"FUNCTION", "FLUSH", "async"}) == "+OK\r\n");
  CHECK(h.Run({"FUNCTION", "FLUSH", "x"}) ==
        "-ERR FUNCTION FLUSH only supports SYNC|ASYNC option\r\n");
  CHECK(h.Run({"FUNCTION", "flush", "a", "b"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'flush'. Try FUNCTION "
        "HELP.\r\n");
  CHECK(h.Run({"FUNCTION", "LIST"}) == "*0\r\n");
  CHECK(h.Run({"FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "x"}) == "*0\r\n");
  CHECK(h.Run({"FUNCTION", "LIST", "x"}) == "-ERR Unknown argument x\r\n");
  CHECK(h.Run({"FUNCTION", "LIST", "libraryname"}) ==
        "-ERR library name argument was not given\r\n");
  CHECK(h.Run({"FUNCTION"}) == "-ERR wrong number of arguments for 'function' command\r\n");
}

// ---- SHUTDOWN ----

TEST_CASE("SHUTDOWN: no reply, the server is asked to stop") {
  CommandHarness h;
  CHECK(h.Run({"SHUTDOWN", "NOSAVE"}) == "");
  CHECK(h.control.shutdown_requested);
}

TEST_CASE("SHUTDOWN argument errors as Redis 7.0.15") {
  CommandHarness h;
  CHECK(h.Run({"SHUTDOWN", "foo"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SHUTDOWN", "NOSAVE", "SAVE"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SHUTDOWN", "ABORT", "NOW"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SHUTDOWN", "ABORT"}) == "-ERR No shutdown in progress.\r\n");
  CHECK_FALSE(h.control.shutdown_requested);
}

TEST_CASE("LATENCY: an instance that saw no spike, as redis-server 7.0.15 answers") {
  lrukv::testing::CommandHarness h;
  CHECK(h.Run({"LATENCY", "LATEST"}) == "*0\r\n");
  CHECK(h.Run({"LATENCY", "HISTORY", "command"}) == "*0\r\n");
  CHECK(h.Run({"LATENCY", "RESET", "a", "b"}) == ":0\r\n");
  CHECK(h.Run({"LATENCY", "GRAPH", "command"}) ==
        "-ERR No samples available for event 'command'\r\n");
  CHECK(h.Run({"LATENCY", "DOCTOR"}).starts_with("$288\r\nI'm sorry, Dave, I can't do that."));
  h.Run({"CONFIG", "SET", "latency-monitor-threshold", "100"});
  CHECK(h.Run({"LATENCY", "DOCTOR"}).starts_with("$196\r\nDave, no latency spike"));
  CHECK(h.Run({"LATENCY", "HISTOGRAM", "nosuch"}) == "*0\r\n");
  CHECK(h.Run({"LATENCY", "HISTOGRAM", "CONFIG|SET"}).starts_with(
      "*2\r\n$10\r\nconfig|set\r\n*4\r\n$5\r\ncalls\r\n:1\r\n"));
  CHECK(h.Run({"ROLE"}) == "*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n");
}

TEST_CASE("WAIT: no replicas ever acknowledge; errors as redis-server 7.0.15") {
  lrukv::testing::CommandHarness h;
  CHECK(h.Run({"WAIT", "0", "0"}) == ":0\r\n");
  CHECK(h.Run({"WAIT", "1", "10"}) == ":0\r\n");
  CHECK(h.Run({"WAIT", "x", "y"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"WAIT", "0", "1.5"}) == "-ERR timeout is not an integer or out of range\r\n");
  CHECK(h.Run({"WAIT", "0", "-1"}) == "-ERR timeout is negative\r\n");
}
