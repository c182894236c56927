// The reactor's side of cluster mode (cluster-enabled yes): the node id at start and the
// db-0-only check of the loaded dump. Everything a client sees is in src/commands/cluster_*.
#include <string>

#include "src/commands/cluster_node.h"
#include "src/server/log.h"
#include "src/server/server.h"

namespace lrukv::server {

bool Server::StartClusterNode() {
  // As Redis, though lrukv opens no bus: the bus port it would show must be a port.
  if (config_.cluster_port == 0 && config_.port > 65535 - cmd::cluster::kBusPortOffset) {
    Log(LogLevel::kWarning,
        "Redis port number too high. Cluster communication port is 10,000 port numbers higher "
        "than your Redis port. Your Redis port number must be 55535 or less.");
    return false;
  }
  std::string id;
  std::string error;
  bool created = false;
  if (!cmd::cluster::LoadOrCreateNodeId(config_, &id, &created, &error)) {
    Log(LogLevel::kWarning, "{}", error);
    return false;
  }
  if (created) {
    Log(LogLevel::kNotice, "No cluster configuration found, I'm {}", id);
  } else {
    Log(LogLevel::kNotice, "Node configuration loaded, I'm {}", id);
  }
  context_.cluster_node.id = std::move(id);
  return true;
}

bool Server::ClusterDataInDbZero() {
  for (int db = 1; db < engine_.databases(); ++db) {
    if (engine_.DbSize(db) != 0) {
      Log(LogLevel::kWarning,
          "You can't have keys in a DB different than DB 0 when in Cluster mode. Exiting.");
      return false;
    }
  }
  return true;
}

}  // namespace lrukv::server
