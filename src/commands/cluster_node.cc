// The emulated cluster node: its id file (Redis's nodes.conf format, one "myself" line) and
// the endpoint each client is shown, from its own connection's local address.
#include "src/commands/cluster_node.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string_view>

#include <fmt/format.h>

namespace lrukv::cmd::cluster {

namespace {

bool IsNodeId(std::string_view s) {
  if (s.size() != kNodeIdLen) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string RandomNodeId() {
  std::random_device rd;
  std::string id;
  id.reserve(kNodeIdLen);
  static constexpr char kHex[] = "0123456789abcdef";
  while (id.size() < kNodeIdLen) {
    unsigned bits = rd();
    for (int i = 0; i < 8 && id.size() < kNodeIdLen; ++i, bits >>= 4) id.push_back(kHex[bits & 15]);
  }
  return id;
}

// "127.0.0.1:6379" -> {"127.0.0.1", 6379}; "[::1]:6379" -> {"::1", 6379}.
bool SplitHostPort(std::string_view addr, std::string* host, int* port) {
  const size_t colon = addr.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view h = addr.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  int p = 0;
  for (char c : addr.substr(colon + 1)) {
    if (c < '0' || c > '9') return false;
    p = p * 10 + (c - '0');
    if (p > 65535) return false;
  }
  host->assign(h);
  *port = p;
  return !h.empty();
}

}  // namespace

std::string NodesFilePath(const Config& config) {
  const std::string& f = config.cluster_config_file;
  if (!f.empty() && f.front() == '/') return f;
  std::string dir = config.dir.empty() ? "." : config.dir;
  if (dir.back() != '/') dir.push_back('/');
  return dir + f;
}

bool LoadOrCreateNodeId(const Config& config, std::string* id, bool* created,
                        std::string* error) {
  const std::string path = NodesFilePath(config);
  std::ifstream in(path);
  if (in) {
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string node, addr, flags;
      fields >> node >> addr >> flags;
      if (flags.find("myself") != std::string::npos && IsNodeId(node)) {
        *id = node;
        *created = false;
        return true;
      }
    }
    *error = fmt::format("Unrecoverable error: corrupted cluster config file \"{}\": no "
                         "\"myself\" line with a 40-character node id",
                         path);
    return false;
  }
  if (errno != ENOENT) {
    *error = fmt::format("Can't open the cluster config file {}: {}", path, std::strerror(errno));
    return false;
  }
  *id = RandomNodeId();
  *created = true;
  const int port = config.port != 0 ? config.port : config.tls_port;
  const int bus = config.cluster_port != 0 ? config.cluster_port : port + kBusPortOffset;
  const std::string text = fmt::format(
      "{} {}:{}@{} myself,master - 0 0 0 connected 0-16383\n"
      "vars currentEpoch 0 lastVoteEpoch 0\n",
      *id, config.cluster_announce_ip, port, bus);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      *error = fmt::format("Could not write the cluster config file {}: {}", tmp,
                           std::strerror(errno));
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = fmt::format("Could not rename the cluster config file {} to {}: {}", tmp, path,
                         std::strerror(errno));
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

Endpoint EndpointFor(const Config& config, const ClientState& client) {
  Endpoint e;
  std::string local_ip;
  int local_port = 0;
  const bool tcp = !client.conn.unix_socket && SplitHostPort(client.conn.laddr, &local_ip, &local_port);
  const bool tls_client = tcp && client.conn.tls;
  // The plaintext and TLS ports: announced, else the listener this client used, else the
  // configured one.
  e.tcp_port = config.cluster_announce_port != 0 ? config.cluster_announce_port
               : (tcp && !tls_client)          ? local_port
                                               : config.port;
  e.tls_port = config.cluster_announce_tls_port != 0 ? config.cluster_announce_tls_port
               : tls_client                            ? local_port
                                                       : config.tls_port;
  e.port = tls_client || e.tcp_port == 0 ? e.tls_port : e.tcp_port;
  if (!config.cluster_announce_ip.empty()) {
    e.ip = config.cluster_announce_ip;
  } else if (tcp) {
    e.ip = local_ip;
  } else {
    e.ip = "127.0.0.1";
  }
  const int base = config.port != 0 ? config.port : config.tls_port;
  e.bus_port = config.cluster_announce_bus_port != 0 ? config.cluster_announce_bus_port
               : config.cluster_port != 0            ? config.cluster_port
                                                     : base + kBusPortOffset;
  e.hostname = config.cluster_announce_hostname;
  const std::string& type = config.cluster_preferred_endpoint_type;
  e.preferred = type == "hostname"           ? EndpointType::kHostname
                : type == "unknown-endpoint" ? EndpointType::kUnknown
                                             : EndpointType::kIp;
  return e;
}

std::string_view PreferredEndpoint(const Endpoint& e) {
  switch (e.preferred) {
    case EndpointType::kIp:
      return e.ip;
    case EndpointType::kHostname:
      return e.hostname.empty() ? "?" : e.hostname;
    case EndpointType::kUnknown:
      return "";
  }
  return e.ip;
}

}  // namespace lrukv::cmd::cluster
