// The one node of lrukv's emulated Redis Cluster (cluster-enabled yes): its id, kept across
// restarts in cluster-config-file, and the address each client is told to use. Nothing here
// opens a socket: lrukv has no cluster bus, it only answers as a node that owns all slots.
#pragma once

#include <string>
#include <string_view>

#include "src/commands/client_state.h"
#include "src/commands/config.h"

namespace lrukv::cmd::cluster {

inline constexpr size_t kNodeIdLen = 40;  // hex characters, as Redis's CLUSTER_NAMELEN
inline constexpr int kBusPortOffset = 10000;  // Redis's CLUSTER_PORT_INCR

struct ClusterNode {
  std::string id;  // 40 lower-case hex characters; empty while cluster mode is off
};

// cluster-config-file resolved against `dir` when relative (Redis chdirs into dir, so its
// relative nodes.conf lands there too).
std::string NodesFilePath(const Config& config);

// Reads the node id from the nodes file (the first field of its "myself" line, Redis's
// nodes.conf format) or, when the file does not exist, makes a random id and writes a
// one-node nodes.conf for it (temporary file, then rename). On failure returns false with
// the reason in *error (an unreadable, corrupt or unwritable file). *created tells which.
bool LoadOrCreateNodeId(const Config& config, std::string* id, bool* created,
                        std::string* error);

enum class EndpointType { kIp, kHostname, kUnknown };

// Where a client is told to reach this node.
struct Endpoint {
  std::string ip;    // cluster-announce-ip, else the client's local address (never empty)
  int port = 0;      // the port for this client: TLS port for TLS clients
  int tcp_port = 0;  // plaintext port (0: none)
  int tls_port = 0;  // TLS port (0: none)
  int bus_port = 0;  // cluster-announce-bus-port, cluster-port, or port + 10000
  std::string_view hostname;  // cluster-announce-hostname ("": none)
  EndpointType preferred = EndpointType::kIp;  // cluster-preferred-endpoint-type
};

// What SLOTS and SHARDS give as a node's endpoint, Redis's clusterGetPreferredEndpoint:
// the address, the hostname ("?" while none is set), or "" (SLOTS: a null) for unknown.
std::string_view PreferredEndpoint(const Endpoint& e);

// The endpoint as `client` sees it: the address and listener port of its own connection
// (getsockname) unless announced. A unix-socket client gets 127.0.0.1 and the TCP port
// (`port`, or tls-port when only TLS listens), the address a TCP client on this host uses.
Endpoint EndpointFor(const Config& config, const ClientState& client);

}  // namespace lrukv::cmd::cluster
