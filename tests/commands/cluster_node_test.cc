// The emulated cluster node: the address each client is told (its own connection's, unless
// announced) and the node id kept in cluster-config-file.
#include "src/commands/cluster_node.h"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "tests/support/temp_dir.h"

using lrukv::cmd::ClientState;
using lrukv::cmd::Config;
using lrukv::cmd::cluster::EndpointFor;
using lrukv::cmd::cluster::LoadOrCreateNodeId;

namespace {

ClientState TcpClient(const std::string& laddr, bool tls = false) {
  ClientState c;
  c.conn.laddr = laddr;
  c.conn.tls = tls;
  return c;
}

}  // namespace

TEST_CASE("EndpointFor: a TCP client is told the local address and port it connected to") {
  Config config;
  config.port = 7000;
  auto e = EndpointFor(config, TcpClient("192.0.2.2:7000"));
  CHECK(e.ip == "192.0.2.2");
  CHECK(e.port == 7000);
  CHECK(e.tcp_port == 7000);
  CHECK(e.tls_port == 0);
  CHECK(e.bus_port == 17000);
  e = EndpointFor(config, TcpClient("[::1]:7000"));
  CHECK(e.ip == "::1");
}

TEST_CASE("EndpointFor: a TLS client is told the TLS port; the plain port stays listed") {
  Config config;
  config.port = 7000;
  config.tls_port = 7443;
  auto e = EndpointFor(config, TcpClient("127.0.0.1:7443", /*tls=*/true));
  CHECK(e.port == 7443);
  CHECK(e.tcp_port == 7000);
  CHECK(e.tls_port == 7443);
  config.cluster_announce_tls_port = 9443;
  CHECK(EndpointFor(config, TcpClient("127.0.0.1:7443", true)).port == 9443);
}

TEST_CASE("EndpointFor: announced values win; a unix-socket client gets 127.0.0.1 and port") {
  Config config;
  config.port = 7000;
  ClientState unix_client;
  unix_client.conn.unix_socket = true;
  unix_client.conn.laddr = "/tmp/lrukv.sock:0";
  auto e = EndpointFor(config, unix_client);
  CHECK(e.ip == "127.0.0.1");
  CHECK(e.port == 7000);
  config.cluster_announce_ip = "10.0.0.5";
  config.cluster_announce_port = 6000;
  config.cluster_port = 16001;
  e = EndpointFor(config, TcpClient("192.0.2.2:7000"));
  CHECK(e.ip == "10.0.0.5");
  CHECK(e.port == 6000);
  CHECK(e.bus_port == 16001);
  config.cluster_announce_bus_port = 16002;
  CHECK(EndpointFor(config, unix_client).bus_port == 16002);
}

TEST_CASE("LoadOrCreateNodeId: made once, then read back; a file without an id is refused") {
  lrukv::testing::TempDir dir;
  Config config;
  config.dir = dir.path;
  std::string id, again, error;
  bool created = false;
  REQUIRE(LoadOrCreateNodeId(config, &id, &created, &error));
  CHECK(created);
  CHECK(id.size() == 40);
  CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
  REQUIRE(LoadOrCreateNodeId(config, &again, &created, &error));
  CHECK_FALSE(created);
  CHECK(again == id);
  CHECK(lrukv::testing::ReadFileBytes(dir.path + "/nodes.conf")
            .starts_with(id + " :6379@16379 myself,master"));

  std::ofstream(dir.path + "/nodes.conf") << "garbage\n";
  CHECK_FALSE(LoadOrCreateNodeId(config, &again, &created, &error));
  CHECK(error.find("corrupted cluster config file") != std::string::npos);
}
