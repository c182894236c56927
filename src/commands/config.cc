// Config: the directive table (one row per directive: name, kind, flags, where the value lives,
// range or choices, default), and the parsers behind the config file, `--name value` flags,
// CONFIG GET/SET and CONFIG REWRITE. Validation and error texts follow Redis 7.0's config.c
// behaviour; applying a change to the running server is left to on_apply / on_change.
#include "src/commands/config.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <span>
#include <sstream>
#include <variant>

#include "src/commands/arg_parse.h"
#include "src/commands/glob_match.h"
#include "src/commands/keyspace_events.h"
#include "src/commands/latency_histogram.h"
#include "src/commands/number_format.h"

#ifndef LRUKV_VERSION
#define LRUKV_VERSION "0.0.0"
#endif

namespace lrukv::cmd {

namespace {

enum class Kind {
  kBool,    // yes / no
  kInt,     // a signed integer in [min, max], written as Redis's string2ll accepts it
  kOctal,   // an integer written in octal (unixsocketperm)
  kMemory,  // bytes, with an optional unit: 1k = 1000, 1kb = 1024, ... 1gb
  kEnum,    // one of `choices`, case-insensitive
  kString,  // any bytes
  kSave,    // "seconds changes" pairs
  kNotify,  // keyspace event classes
  kOutputLimit,  // client-output-buffer-limit classes
  kList,    // space-separated words (bind)
  kPercentiles,  // space-separated numbers in [0, 100] (latency-tracking-info-percentiles)
};

enum DirectiveFlag : uint32_t {
  kImmutable = 1u << 0,  // only from the file or the command line
  kProtected = 1u << 1,  // CONFIG SET refuses it (enable-protected-configs is off)
  kMultiArg = 1u << 2,   // a file line or --flag may carry several words, joined by spaces
};

using Field = std::variant<std::monostate, bool Config::*, int Config::*, int64_t Config::*,
                           uint64_t Config::*, std::string Config::*>;

// Redis's names in Redis's order. The LFU policies are accepted so configurations written for
// Redis keep working; lrukv runs them as the matching exact-LRU policy (EnginePolicyName).
constexpr std::string_view kPolicies[] = {"volatile-lru", "volatile-lfu",   "volatile-random",
                                          "volatile-ttl", "allkeys-lru",    "allkeys-lfu",
                                          "allkeys-random", "noeviction"};
constexpr std::string_view kLogLevels[] = {"debug", "verbose", "notice", "warning"};
constexpr std::string_view kEndpointTypes[] = {"ip", "hostname", "unknown-endpoint"};
constexpr std::string_view kAppendFsync[] = {"always", "everysec", "no"};
constexpr std::string_view kTlsAuthClients[] = {"no", "yes", "optional"};

constexpr int64_t kIntMax = INT_MAX;
constexpr int64_t kLLongMax = LLONG_MAX;
constexpr uint64_t kULLongMax = ULLONG_MAX;
constexpr int64_t kMinBufferLimit = 1024 * 1024;  // proto-max-bulk-len, query buffer: 1 MB floor

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Redis's memtoull: digits then an optional unit (b, k, kb, m, mb, g, gb, any case). No sign.
// An empty number counts as 0, and an overflowing one saturates, as Redis 7.0's does.
bool ParseMemory(std::string_view s, uint64_t* out) {
  size_t i = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  std::string_view digits = s.substr(0, i), unit = s.substr(i);
  uint64_t mul;
  if (unit.empty() || EqualsIgnoreCase(unit, "b")) {
    mul = 1;
  } else if (EqualsIgnoreCase(unit, "k")) {
    mul = 1000;
  } else if (EqualsIgnoreCase(unit, "kb")) {
    mul = 1024;
  } else if (EqualsIgnoreCase(unit, "m")) {
    mul = 1000 * 1000;
  } else if (EqualsIgnoreCase(unit, "mb")) {
    mul = 1024 * 1024;
  } else if (EqualsIgnoreCase(unit, "g")) {
    mul = 1000ull * 1000 * 1000;
  } else if (EqualsIgnoreCase(unit, "gb")) {
    mul = 1024ull * 1024 * 1024;
  } else {
    return false;
  }
  uint64_t v = 0;
  for (char c : digits) {
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (ULLONG_MAX - d) / 10) {
      v = ULLONG_MAX;
      break;
    }
    v = v * 10 + d;
  }
  *out = v * mul;  // wraps like Redis's unchecked multiplication
  return true;
}

std::vector<std::string> SplitSpaces(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

std::string Join(const std::vector<std::string>& words, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < words.size(); ++i) {
    if (i > from) out += ' ';
    out += words[i];
  }
  return out;
}

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
}

// Splits a config line into words as Redis's sdssplitargs does: "double quotes" with \n \r \t
// \b \a \\ \" \xHH escapes, 'single quotes' with \', and a closing quote must end the word.
// Returns false on unbalanced quotes.
bool SplitConfigLine(std::string_view line, std::vector<std::string>* words) {
  words->clear();
  size_t i = 0;
  while (true) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size()) return true;
    std::string word;
    bool in_dq = false, in_sq = false, done = false;
    while (!done) {
      if (in_dq) {
        if (i >= line.size()) return false;
        char c = line[i];
        if (c == '\\' && i + 3 < line.size() && line[i + 1] == 'x' && IsHex(line[i + 2]) &&
            IsHex(line[i + 3])) {
          word += static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3]));
          i += 3;
        } else if (c == '\\' && i + 1 < line.size()) {
          char e = line[++i];
          switch (e) {
            case 'n': word += '\n'; break;
            case 'r': word += '\r'; break;
            case 't': word += '\t'; break;
            case 'b': word += '\b'; break;
            case 'a': word += '\a'; break;
            default: word += e; break;
          }
        } else if (c == '"') {
          if (i + 1 < line.size() && !std::isspace(static_cast<unsigned char>(line[i + 1])))
            return false;
          done = true;
        } else {
          word += c;
        }
      } else if (in_sq) {
        if (i >= line.size()) return false;
        char c = line[i];
        if (c == '\\' && i + 1 < line.size() && line[i + 1] == '\'') {
          ++i;
          word += '\'';
        } else if (c == '\'') {
          if (i + 1 < line.size() && !std::isspace(static_cast<unsigned char>(line[i + 1])))
            return false;
          done = true;
        } else {
          word += c;
        }
      } else {
        if (i >= line.size()) break;
        char c = line[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
          done = true;
        } else if (c == '"') {
          in_dq = true;
        } else if (c == '\'') {
          in_sq = true;
        } else {
          word += c;
        }
      }
      if (i < line.size()) ++i;
    }
    words->push_back(std::move(word));
  }
}

// Quotes a word as Redis's sdscatrepr does: "..." with non-printable bytes escaped.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      default:
        if (std::isprint(c)) {
          out += static_cast<char>(c);
        } else {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out += buf;
        }
    }
  }
  out += '"';
  return out;
}


// Splits on every single space, keeping empty words, as Redis 7.0 splits a multi-argument
// value given to CONFIG SET ("normal 1 2 " is four words, the last one empty).
std::vector<std::string> SplitEachSpace(std::string_view s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t space = s.find(' ', start);
    out.emplace_back(s.substr(start, space == std::string_view::npos ? s.npos : space - start));
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  return out;
}

// soft_seconds as Redis 7.0 reads it: strtoll (an optional sign, saturating at the int64 range,
// an empty word is 0) stored into an int, which must not be negative; so "+3" and "03" are 3,
// 4294967297 wraps to 1 and 2147483648 is refused.
bool ParseSoftSeconds(const std::string& word, int64_t* out) {
  size_t i = 0;
  bool negative = false;
  if (i < word.size() && (word[i] == '+' || word[i] == '-')) negative = word[i++] == '-';
  if (i == word.size() && i > 0) return false;  // a sign and no digits
  uint64_t v = 0;
  bool saturated = false;
  for (; i < word.size(); ++i) {
    if (word[i] < '0' || word[i] > '9') return false;
    uint64_t d = static_cast<uint64_t>(word[i] - '0');
    if (v > (ULLONG_MAX - d) / 10) saturated = true;
    if (!saturated) v = v * 10 + d;
  }
  int64_t ll;
  if (negative) {
    ll = saturated || v > static_cast<uint64_t>(LLONG_MAX) + 1 ? LLONG_MIN
                                                               : static_cast<int64_t>(0 - v);
  } else {
    ll = saturated || v > static_cast<uint64_t>(LLONG_MAX) ? LLONG_MAX : static_cast<int64_t>(v);
  }
  int32_t stored = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(ll)));
  if (stored < 0) return false;
  *out = stored;
  return true;
}

// client-output-buffer-limit: "<class> <hard> <soft> <soft-seconds>"... merged into `current`.
// `each_space`: split as CONFIG SET does (see SplitEachSpace), else as a config file line.
bool MergeOutputLimits(std::string_view value, const std::string& current, bool each_space,
                       std::string* out, std::string* reason) {
  std::vector<std::string> words = each_space ? SplitEachSpace(value) : SplitSpaces(value);
  if (words.size() % 4 != 0) {
    *reason = "Wrong number of arguments in buffer limit configuration.";
    return false;
  }
  // class -> (hard, soft, seconds), in Redis's print order.
  std::vector<std::string> cur = SplitSpaces(current);
  std::map<std::string, std::array<uint64_t, 3>> limits;
  for (size_t i = 0; i + 3 < cur.size(); i += 4) {
    std::array<uint64_t, 3> v{};
    for (int k = 0; k < 3; ++k) v[k] = std::strtoull(cur[i + 1 + k].c_str(), nullptr, 10);
    limits[cur[i]] = v;
  }
  for (size_t i = 0; i < words.size(); i += 4) {
    std::string cls = Lower(words[i]);
    if (cls == "replica") cls = "slave";
    if (cls != "normal" && cls != "slave" && cls != "pubsub") {
      *reason = "Invalid client class specified in buffer limit configuration.";
      return false;
    }
    uint64_t hard, soft;
    int64_t seconds;
    if (!ParseMemory(words[i + 1], &hard) || !ParseMemory(words[i + 2], &soft) ||
        !ParseSoftSeconds(words[i + 3], &seconds)) {
      *reason = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
      return false;
    }
    limits[cls] = {hard, soft, static_cast<uint64_t>(seconds)};
  }
  std::string s;
  for (const char* cls : {"normal", "slave", "pubsub"}) {
    auto it = limits.find(cls);
    std::array<uint64_t, 3> v = it == limits.end() ? std::array<uint64_t, 3>{} : it->second;
    if (!s.empty()) s += ' ';
    s += cls;
    for (uint64_t n : v) s += ' ' + std::to_string(n);
  }
  *out = std::move(s);
  return true;
}

// latency-tracking-info-percentiles: numbers in [0, 100], each printed as "%f" without trailing
// zeros (Redis's trimDoubleString): "50 99 99.900" -> {50, 99, 99.9}, text "50 99 99.9".
bool ParsePercentiles(std::string_view value, std::vector<double>* out, std::string* text,
                      std::string* reason) {
  std::vector<double> parsed;
  std::vector<std::string> words = SplitSpaces(value);
  for (const auto& w : words) {
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(w.c_str(), &end);
    if (w.empty() || *end != '\0' || errno != 0 || std::isnan(v)) {
      *reason = "Invalid latency-tracking-info-percentiles parameters";
      return false;
    }
    if (v < 0.0 || v > 100.0) {
      *reason = "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
      return false;
    }
    parsed.push_back(v);
  }
  std::string joined;
  for (double v : parsed) {
    if (!joined.empty()) joined += ' ';
    joined += PercentileText(v);
  }
  *out = std::move(parsed);
  *text = std::move(joined);
  return true;
}

// cluster-announce-hostname: Redis keeps it as a C string (a NUL ends it) and allows only
// letters, digits, '-' and '.' (it goes into CLUSTER SLOTS / SHARDS replies unquoted).
bool ParseAnnouncedHostname(std::string* text, std::string* reason) {
  text->resize(std::min(text->size(), text->find('\0')));
  for (char c : *text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') {
      *reason = "Hostnames may only contain alphanumeric characters, hyphens or dots";
      return false;
    }
  }
  return true;
}

}  // namespace

// ---- The directive table ----

struct Config::Directive {
  std::string_view name;
  Kind kind;
  uint32_t flags;
  Field field;                 // where the value lives; monostate: in extras_ by row
  std::string_view fallback;   // default of an extras_ directive (typed fields default in config.h)
  int64_t min = 0;             // kInt / kOctal / kMemory range, inclusive
  uint64_t max = 0;
  std::span<const std::string_view> choices = {};  // kEnum
};

// Rows in the order CONFIG GET * and CONFIG REWRITE list them.
static const std::vector<Config::Directive>& Table() {
  static const std::vector<Config::Directive> table = [] {
    using C = Config;
    std::vector<Config::Directive> t = {
        // Network
        {"bind", Kind::kList, kMultiArg, &C::bind, ""},
        {"port", Kind::kInt, 0, &C::port, "", 0, 65535},
        {"tcp-backlog", Kind::kInt, kImmutable, &C::tcp_backlog, "", 0, kIntMax},
        {"unixsocket", Kind::kString, kImmutable, &C::unixsocket, ""},
        {"unixsocketperm", Kind::kOctal, kImmutable, &C::unixsocketperm, "", 0, 0777},
        {"timeout", Kind::kInt, 0, &C::timeout_s, "", 0, kIntMax},
        {"tcp-keepalive", Kind::kInt, 0, &C::tcp_keepalive_s, "", 0, kIntMax},
        {"protected-mode", Kind::kBool, 0, &C::protected_mode, ""},
        {"maxclients", Kind::kInt, 0, &C::maxclients, "", 1, 4294967295ull},
        {"io-threads", Kind::kInt, kImmutable, {}, "1", 1, 128},
        // General
        {"daemonize", Kind::kBool, kImmutable, &C::daemonize, ""},
        {"pidfile", Kind::kString, kImmutable, &C::pidfile, ""},
        {"loglevel", Kind::kEnum, 0, &C::loglevel, "", 0, 0, kLogLevels},
        {"logfile", Kind::kString, kImmutable, &C::logfile, ""},
        {"databases", Kind::kInt, kImmutable, &C::databases, "", 1, kIntMax},
        {"hz", Kind::kInt, 0, &C::hz, "", 0, kIntMax},
        {"dynamic-hz", Kind::kBool, 0, {}, "yes"},
        {"requirepass", Kind::kString, 0, &C::requirepass, ""},
        // Cluster: lrukv answers as a one-node Redis Cluster when enabled (no bus is opened;
        // the ports and the rows without a field are shown as Redis shows them).
        {"cluster-enabled", Kind::kBool, kImmutable, &C::cluster_enabled, ""},
        {"cluster-config-file", Kind::kString, kImmutable, &C::cluster_config_file, ""},
        {"cluster-port", Kind::kInt, kImmutable, &C::cluster_port, "", 0, 65535},
        {"cluster-announce-ip", Kind::kString, 0, &C::cluster_announce_ip, ""},
        {"cluster-announce-port", Kind::kInt, 0, &C::cluster_announce_port, "", 0, 65535},
        {"cluster-announce-tls-port", Kind::kInt, 0, &C::cluster_announce_tls_port, "", 0,
         65535},
        {"cluster-announce-bus-port", Kind::kInt, 0, &C::cluster_announce_bus_port, "", 0,
         65535},
        {"cluster-announce-hostname", Kind::kString, 0, &C::cluster_announce_hostname, ""},
        {"cluster-preferred-endpoint-type", Kind::kEnum, 0, &C::cluster_preferred_endpoint_type,
         "", 0, 0, kEndpointTypes},
        {"cluster-node-timeout", Kind::kInt, 0, {}, "15000", 0, kLLongMax},
        {"cluster-require-full-coverage", Kind::kBool, 0, {}, "yes"},
        {"cluster-allow-reads-when-down", Kind::kBool, 0, {}, "no"},
        {"cluster-allow-pubsubshard-when-down", Kind::kBool, 0, {}, "yes"},
        {"cluster-replica-no-failover", Kind::kBool, 0, {}, "no"},
        {"cluster-replica-validity-factor", Kind::kInt, 0, {}, "10", 0, kIntMax},
        {"cluster-migration-barrier", Kind::kInt, 0, {}, "1", 0, kIntMax},
        {"cluster-allow-replica-migration", Kind::kBool, 0, {}, "yes"},
        {"cluster-link-sendbuf-limit", Kind::kMemory, 0, {}, "0", 0, kULLongMax},
        // Snapshots (persistence)
        {"save", Kind::kSave, kMultiArg, &C::save, ""},
        {"stop-writes-on-bgsave-error", Kind::kBool, 0, &C::stop_writes_on_bgsave_error, ""},
        {"ignore-bad-dump", Kind::kBool, kImmutable, &C::ignore_bad_dump, ""},  // lrukv's own
        {"dbfilename", Kind::kString, kProtected, &C::dbfilename, ""},
        {"dir", Kind::kString, kProtected, &C::dir, ""},
        {"appendonly", Kind::kBool, 0, &C::appendonly, ""},
        {"appendfilename", Kind::kString, kImmutable, {}, "appendonly.aof"},
        {"appendfsync", Kind::kEnum, 0, {}, "everysec", 0, 0, kAppendFsync},
        {"replica-read-only", Kind::kBool, 0, {}, "yes"},
        // Memory and eviction
        {"maxmemory", Kind::kMemory, 0, &C::maxmemory_bytes, "", 0, kULLongMax},
        {"maxmemory-policy", Kind::kEnum, 0, &C::maxmemory_policy, "", 0, 0, kPolicies},
        {"maxmemory-samples", Kind::kInt, 0, &C::maxmemory_samples, "", 1, kIntMax},
        {"maxmemory-eviction-tenacity", Kind::kInt, 0, {}, "10", 0, 100},
        {"maxkeys", Kind::kInt, 0, &C::maxkeys, "", 0, kLLongMax},
        {"default-ttl", Kind::kInt, 0, &C::default_ttl_s, "", 0, kLLongMax / 1000},
        {"active-expire-effort", Kind::kInt, 0, {}, "1", 1, 10},
        {"activerehashing", Kind::kBool, 0, {}, "yes"},
        {"lazyfree-lazy-eviction", Kind::kBool, 0, {}, "no"},
        {"lazyfree-lazy-expire", Kind::kBool, 0, {}, "no"},
        {"lazyfree-lazy-server-del", Kind::kBool, 0, {}, "no"},
        {"lazyfree-lazy-user-del", Kind::kBool, 0, {}, "no"},
        {"lazyfree-lazy-user-flush", Kind::kBool, 0, {}, "no"},
        // Limits of the protocol and of clients
        {"proto-max-bulk-len", Kind::kMemory, 0, &C::proto_max_bulk_len, "", kMinBufferLimit,
         static_cast<uint64_t>(kLLongMax)},
        {"client-query-buffer-limit", Kind::kMemory, 0, &C::client_query_buffer_limit, "",
         kMinBufferLimit, static_cast<uint64_t>(kLLongMax)},
        {"client-output-buffer-limit", Kind::kOutputLimit, kMultiArg,
         &C::client_output_buffer_limit, ""},
        // Monitoring
        {"slowlog-log-slower-than", Kind::kInt, 0, &C::slowlog_log_slower_than_us, "", -1,
         kLLongMax},
        {"slowlog-max-len", Kind::kInt, 0, &C::slowlog_max_len, "", 0, kLLongMax},
        {"acllog-max-len", Kind::kInt, 0, &C::acllog_max_len, "", 0, kLLongMax},
        {"latency-monitor-threshold", Kind::kInt, 0, &C::latency_monitor_threshold_ms, "", 0,
         kLLongMax},
        {"latency-tracking", Kind::kBool, 0, &C::latency_tracking, ""},
        {"latency-tracking-info-percentiles", Kind::kPercentiles, kMultiArg,
         &C::latency_tracking_info_percentiles, ""},
        {"notify-keyspace-events", Kind::kNotify, 0, &C::notify_keyspace_events, ""},
        // TLS, as Redis 7.0 built with TLS; applied to the running server by on_apply.
        {"tls-port", Kind::kInt, 0, &C::tls_port, "", 0, 65535},
        {"tls-session-cache-size", Kind::kInt, 0, &C::tls_session_cache_size, "", 0, kIntMax},
        {"tls-session-cache-timeout", Kind::kInt, 0, &C::tls_session_cache_timeout_s, "", 0,
         kIntMax},
        {"tls-cluster", Kind::kBool, 0, &C::tls_cluster, ""},
        {"tls-replication", Kind::kBool, 0, &C::tls_replication, ""},
        {"tls-auth-clients", Kind::kEnum, 0, &C::tls_auth_clients, "", 0, 0, kTlsAuthClients},
        {"tls-prefer-server-ciphers", Kind::kBool, 0, &C::tls_prefer_server_ciphers, ""},
        {"tls-session-caching", Kind::kBool, 0, &C::tls_session_caching, ""},
        {"tls-cert-file", Kind::kString, 0, &C::tls_cert_file, ""},
        {"tls-key-file", Kind::kString, 0, &C::tls_key_file, ""},
        {"tls-key-file-pass", Kind::kString, 0, &C::tls_key_file_pass, ""},
        // For connections lrukv would open itself (replication, cluster): accepted and kept.
        {"tls-client-cert-file", Kind::kString, 0, {}, ""},
        {"tls-client-key-file", Kind::kString, 0, {}, ""},
        {"tls-client-key-file-pass", Kind::kString, 0, {}, ""},
        {"tls-dh-params-file", Kind::kString, 0, &C::tls_dh_params_file, ""},
        {"tls-ca-cert-file", Kind::kString, 0, &C::tls_ca_cert_file, ""},
        {"tls-ca-cert-dir", Kind::kString, 0, &C::tls_ca_cert_dir, ""},
        {"tls-protocols", Kind::kString, 0, &C::tls_protocols, ""},
        {"tls-ciphers", Kind::kString, 0, &C::tls_ciphers, ""},
        {"tls-ciphersuites", Kind::kString, 0, &C::tls_ciphersuites, ""},
    };
    return t;
  }();
  return table;
}

static const Config::Directive* FindDirective(std::string_view name, size_t* row = nullptr) {
  const auto& table = Table();
  for (size_t i = 0; i < table.size(); ++i) {
    if (EqualsIgnoreCase(table[i].name, name)) {
      if (row) *row = i;
      return &table[i];
    }
  }
  return nullptr;
}

static size_t RowOf(const Config::Directive& d) {
  return static_cast<size_t>(&d - Table().data());
}

Config::Config() {
  const auto& table = Table();
  extras_.resize(table.size());
  for (size_t i = 0; i < table.size(); ++i) {
    if (std::holds_alternative<std::monostate>(table[i].field))
      extras_[i] = std::string(table[i].fallback);
  }
}

std::string_view Config::EnginePolicyName() const {
  if (maxmemory_policy == "allkeys-lfu") return "allkeys-lru";
  if (maxmemory_policy == "volatile-lfu") return "volatile-lru";
  return maxmemory_policy;
}

std::vector<std::string_view> Config::DirectiveNames() {
  std::vector<std::string_view> names;
  for (const auto& d : Table()) names.push_back(d.name);
  return names;
}

// ---- Parsing and storing one value ----

bool Config::Store(const Directive& d, std::string_view value, Source source,
                   std::string* reason) {
  auto range_error = [&] {
    *reason = "argument must be between " + std::to_string(d.min) + " and " +
              std::to_string(d.max) + " inclusive";
    return false;
  };
  // The parsed value, as a number or as the canonical text.
  int64_t number = 0;
  uint64_t unsigned_number = 0;
  bool is_unsigned = false;
  std::string text;
  switch (d.kind) {
    case Kind::kBool:
      if (EqualsIgnoreCase(value, "yes")) {
        number = 1;
      } else if (EqualsIgnoreCase(value, "no")) {
        number = 0;
      } else {
        *reason = "argument must be 'yes' or 'no'";
        return false;
      }
      text = number ? "yes" : "no";
      break;
    case Kind::kInt:
      if (!ParseInt64(value, &number)) {
        *reason = "argument couldn't be parsed into an integer";
        return false;
      }
      if (number < d.min || (number >= 0 && static_cast<uint64_t>(number) > d.max))
        return range_error();
      if (d.name == "hz") number = std::clamp<int64_t>(number, 1, 500);  // as Redis applies it
      text = std::to_string(number);
      break;
    case Kind::kOctal: {
      if (value.empty()) {
        *reason = "argument couldn't be parsed into an integer";
        return false;
      }
      std::string s(value);
      char* end = nullptr;
      errno = 0;
      long v = std::strtol(s.c_str(), &end, 8);
      if (errno != 0 || *end != '\0') {
        *reason = "argument couldn't be parsed into an integer";
        return false;
      }
      number = v;
      if (number < d.min || static_cast<uint64_t>(number) > d.max) return range_error();
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%lo", v);
      text = buf;
      break;
    }
    case Kind::kMemory:
      if (!ParseMemory(value, &unsigned_number)) {
        *reason = "argument must be a memory value";
        return false;
      }
      if (unsigned_number < static_cast<uint64_t>(d.min) || unsigned_number > d.max)
        return range_error();
      is_unsigned = true;
      text = std::to_string(unsigned_number);
      break;
    case Kind::kEnum: {
      auto it = std::find_if(d.choices.begin(), d.choices.end(),
                             [&](std::string_view c) { return EqualsIgnoreCase(c, value); });
      if (it == d.choices.end()) {
        *reason = "argument(s) must be one of the following: ";
        for (size_t i = 0; i < d.choices.size(); ++i) {
          if (i) *reason += ", ";
          *reason += d.choices[i];
        }
        return false;
      }
      text = std::string(*it);
      break;
    }
    case Kind::kString:
      text = std::string(value);
      if (d.name == "cluster-announce-hostname" && !ParseAnnouncedHostname(&text, reason)) {
        return false;
      }
      break;
    case Kind::kSave: {
      if (!value.empty()) {
        std::vector<std::string> words = SplitSpaces(value);
        bool ok = !words.empty() && words.size() % 2 == 0;
        for (const auto& w : words) {
          int64_t n;
          if (!ParseInt64(w, &n) || n < 0) ok = false;
        }
        if (!ok) {
          *reason = "Invalid save parameters";
          return false;
        }
        text = Join(words);
        // In a file, the first `save` line replaces the default and later lines add pairs.
        if (source == Source::kFile && save_seen_in_load_ && !save.empty())
          text = save + " " + text;
      }
      if (source == Source::kFile) save_seen_in_load_ = true;
      break;
    }
    case Kind::kNotify: {
      uint32_t classes = 0;
      if (!ParseNotifyClasses(value, &classes)) {
        *reason = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
        return false;
      }
      notify_keyspace_flags = classes;  // what NotifyKeyspaceEvent tests; text for CONFIG GET
      text = NotifyClassesText(classes);
      break;
    }
    case Kind::kOutputLimit:
      if (!MergeOutputLimits(value, client_output_buffer_limit, source == Source::kConfigSet,
                             &text, reason))
        return false;
      break;
    case Kind::kList:
      text = Join(SplitSpaces(value));
      break;
    case Kind::kPercentiles:
      if (!ParsePercentiles(value, &latency_percentiles, &text, reason)) return false;
      break;
  }

  std::visit(
      [&](auto member) {
        using M = decltype(member);
        if constexpr (std::is_same_v<M, std::monostate>) {
          extras_[RowOf(d)] = text;
        } else if constexpr (std::is_same_v<M, std::string Config::*>) {
          this->*member = text;
        } else if constexpr (std::is_same_v<M, bool Config::*>) {
          this->*member = number != 0;
        } else if constexpr (std::is_same_v<M, uint64_t Config::*>) {
          this->*member = is_unsigned ? unsigned_number : static_cast<uint64_t>(number);
        } else {
          using T = std::remove_reference_t<decltype(this->*member)>;
          this->*member = static_cast<T>(number);
        }
      },
      d.field);
  return true;
}

std::string Config::Format(const Directive& d) const {
  return std::visit(
      [&](auto member) -> std::string {
        using M = decltype(member);
        if constexpr (std::is_same_v<M, std::monostate>) {
          return extras_[RowOf(d)];
        } else if constexpr (std::is_same_v<M, std::string Config::*>) {
          return this->*member;
        } else if constexpr (std::is_same_v<M, bool Config::*>) {
          return this->*member ? "yes" : "no";
        } else {
          if (d.kind == Kind::kOctal) {
            char buf[32];
            std::snprintf(buf, sizeof(buf), "%llo",
                          static_cast<unsigned long long>(this->*member));
            return buf;
          }
          return std::to_string(this->*member);
        }
      },
      d.field);
}

// ---- CONFIG GET ----

std::optional<std::string> Config::Get(std::string_view name) const {
  const Directive* d = FindDirective(name);
  if (!d) return std::nullopt;
  return Format(*d);
}

std::vector<std::pair<std::string, std::string>> Config::GetMatching(
    std::string_view pattern) const {
  std::vector<std::pair<std::string, std::string>> out;
  // A pattern without glob characters is a plain lookup, and Redis echoes the name as sent.
  if (pattern.find_first_of("*?[\\") == std::string_view::npos) {
    if (const Directive* d = FindDirective(pattern))
      out.emplace_back(std::string(pattern), Format(*d));
    return out;
  }
  for (const auto& d : Table()) {
    if (GlobMatch(pattern, d.name, /*nocase=*/true)) out.emplace_back(d.name, Format(d));
  }
  return out;
}

// ---- CONFIG SET ----

bool Config::Set(std::string_view name, std::string_view value, std::string* error) {
  return SetMany({{std::string(name), std::string(value)}}, error);
}

bool Config::SetMany(const std::vector<std::pair<std::string, std::string>>& pairs,
                     std::string* error) {
  auto failed = [&](std::string_view name, std::string_view reason) {
    *error = "ERR CONFIG SET failed (possibly related to argument '" + std::string(name) +
             "') - " + std::string(reason);
    return false;
  };
  // Check every name before touching any value, as Redis does. These errors echo the name as
  // sent; errors about a value name the directive in lower case.
  std::vector<const Directive*> directives;
  for (const auto& [name, value] : pairs) {
    const Directive* d = FindDirective(name);
    if (!d) {
      *error = "ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'";
      return false;
    }
    if (d->flags & kImmutable) return failed(name, "can't set immutable config");
    if (d->flags & kProtected) return failed(name, "can't set protected config");
    if (std::find(directives.begin(), directives.end(), d) != directives.end())
      return failed(name, "duplicate parameter");
    directives.push_back(d);
  }
  Config backup = *this;
  std::string reason;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (!Store(*directives[i], pairs[i].second, Source::kConfigSet, &reason)) {
      *this = backup;
      return failed(directives[i]->name, reason);  // Redis names the directive canonically here
    }
  }
  if (on_apply) {
    for (size_t i = 0; i < pairs.size(); ++i) {
      if (!on_apply(directives[i]->name, &reason)) {
        *this = backup;
        std::string ignored;
        for (size_t j = 0; j <= i; ++j) on_apply(directives[j]->name, &ignored);
        return failed(directives[i]->name, reason);
      }
    }
  }
  if (on_change) {
    for (const Directive* d : directives) on_change(d->name);
  }
  return true;
}

// ---- Config file and command line ----

std::string FatalConfigError(int line_number, std::string_view line,
                                    std::string_view reason) {
  return "*** FATAL CONFIG FILE ERROR (lrukv " LRUKV_VERSION ") ***\n"
         "Reading the configuration file, at line " +
         std::to_string(line_number) + "\n>>> '" + std::string(line) + "'\n" +
         std::string(reason);
}

bool Config::LoadText(const std::string& text, int first_line, bool from_args,
                      std::string* error) {
  std::istringstream in(text);
  std::string raw;
  int line_number = first_line - 1;
  std::vector<std::string> words;
  while (std::getline(in, raw)) {
    ++line_number;
    // Trim spaces, tabs and CRs on both ends; skip blanks and comments.
    size_t b = raw.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) continue;
    size_t e = raw.find_last_not_of(" \t\r\n");
    std::string line = raw.substr(b, e - b + 1);
    if (line[0] == '#') continue;
    auto fail = [&](std::string_view reason) {
      *error = FatalConfigError(line_number, line, reason);
      return false;
    };
    if (!SplitConfigLine(line, &words)) return fail("Unbalanced quotes in configuration line");
    if (words.empty()) continue;
    std::string name = Lower(words[0]);
    if (name == "include" && !from_args) {
      if (words.size() != 2) return fail("wrong number of arguments");
      std::string saved_file = config_file_;
      bool ok = LoadFile(words[1], error);
      config_file_ = saved_file;
      if (!ok) return false;
      continue;
    }
    if (name == "rename-command" && words.size() == 3) {
      // Not a directive: the command table applies it (ApplyCommandRenames), and CONFIG
      // GET/SET know no such name, as in Redis.
      command_renames.push_back({words[1], words[2], line_number, line});
      continue;
    }
    const Directive* d = FindDirective(name);
    if (!d) return fail("Bad directive or wrong number of arguments");
    std::string value;
    if (d->flags & kMultiArg) {
      value = Join(words, 1);
    } else if (words.size() != 2) {
      return fail("wrong number of arguments");
    } else {
      value = words[1];
    }
    std::string reason;
    if (!Store(*d, value, from_args ? Source::kArgs : Source::kFile, &reason)) return fail(reason);
  }
  return true;
}

bool Config::LoadFile(const std::string& path, std::string* error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    *error = "Fatal error, can't open config file '" + path + "': " + std::strerror(errno);
    return false;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  std::string text = ss.str();
  save_seen_in_load_ = false;
  if (!LoadText(text, 1, /*from_args=*/false, error)) return false;
  // The command line's directives come after the file's lines (and one separating line).
  args_first_line_ = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 2;
  char* abs = realpath(path.c_str(), nullptr);
  config_file_ = abs ? abs : path;
  std::free(abs);
  return true;
}

bool Config::ApplyArgs(const std::vector<std::string>& args, std::string* error) {
  // Turn `--name v1 v2 --other v` into config lines `name "v1" "v2"`, as redis-server does.
  std::string text;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool is_option = a.size() > 2 && a[0] == '-' && a[1] == '-';
    if (is_option) {
      if (!text.empty()) text += '\n';
      text += a.substr(2);
      // `--save` with no value means `save ""`, as in Redis.
      if (Lower(a.substr(2)) == "save" &&
          (i + 1 == args.size() || (args[i + 1].size() > 2 && args[i + 1].rfind("--", 0) == 0)))
        text += " \"\"";
    } else {
      if (text.empty()) {
        *error = FatalConfigError(args_first_line_, a, "Bad directive or wrong number of arguments");
        return false;
      }
      text += ' ';
      text += Quote(a);
    }
  }
  save_seen_in_load_ = false;
  return LoadText(text, args_first_line_, /*from_args=*/true, error);
}

// ---- CONFIG REWRITE ----

bool Config::Rewrite(std::string* error) const {
  if (config_file_.empty()) {
    *error = "ERR The server is running without a config file";
    return false;
  }
  std::vector<std::string> lines;
  {
    std::ifstream f(config_file_, std::ios::binary);
    if (!f && errno != ENOENT) {
      *error = std::string("ERR Rewriting config file: ") + std::strerror(errno);
      return false;
    }
    std::string line;
    while (std::getline(f, line)) lines.push_back(line);
  }
  // Where each directive appears in the file now (canonical name -> line indexes).
  std::map<std::string, std::vector<size_t>> where;
  std::vector<std::string> words;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!SplitConfigLine(lines[i], &words) || words.empty() || words[0][0] == '#') continue;
    const Directive* d = FindDirective(words[0]);
    if (d) where[std::string(d->name)].push_back(i);
  }
  static const Config defaults;
  std::vector<bool> erase(lines.size(), false);
  std::vector<std::string> appended;
  for (const auto& d : Table()) {
    std::string value = Format(d);
    std::string text;
    if (d.kind == Kind::kString || d.kind == Kind::kNotify) {
      text = std::string(d.name) + " " + Quote(value);
    } else if (d.kind == Kind::kSave && value.empty()) {
      text = "save \"\"";
    } else {
      text = std::string(d.name) + " " + value;
    }
    auto it = where.find(std::string(d.name));
    if (it != where.end()) {
      lines[it->second[0]] = text;
      for (size_t k = 1; k < it->second.size(); ++k) erase[it->second[k]] = true;
    } else if (value != defaults.Format(d)) {
      appended.push_back(text);
    }
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!erase[i]) out += lines[i] + "\n";
  }
  if (!appended.empty()) {
    out += "# Generated by CONFIG REWRITE\n";
    for (const auto& l : appended) out += l + "\n";
  }
  std::string tmp = config_file_ + ".rewrite.tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f || !(f << out) || !f.flush()) {
      *error = std::string("ERR Rewriting config file: ") + std::strerror(errno);
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), config_file_.c_str()) != 0) {
    *error = std::string("ERR Rewriting config file: ") + std::strerror(errno);
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace lrukv::cmd
