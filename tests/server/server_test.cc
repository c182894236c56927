// End-to-end tests of lrukv-server: the built binary on a free loopback port, driven through
// hiredis or a raw socket. Expected bytes are redis-server 7.0.15's for the same input.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "server/server_fixture.h"

using namespace lrukv::testing;

namespace {

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

}  // namespace

TEST_CASE("server: PING and a SET/GET round trip") {
  ServerProcess server;
  RedisConn c = server.Connect();
  REQUIRE(c);
  REQUIRE(c->err == 0);
  Reply pong = Command(c.get(), "PING");
  REQUIRE(pong);
  CHECK(pong->type == REDIS_REPLY_STATUS);
  CHECK(std::string(pong->str) == "PONG");
  Reply ok = Command(c.get(), "SET %s %s", "greeting", "hello world");
  REQUIRE(ok);
  CHECK(std::string(ok->str) == "OK");
  Reply got = Command(c.get(), "GET %s", "greeting");
  REQUIRE(got);
  REQUIRE(got->type == REDIS_REPLY_STRING);
  CHECK(std::string(got->str, got->len) == "hello world");
  Reply missing = Command(c.get(), "GET %s", "nope");
  REQUIRE(missing);
  CHECK(missing->type == REDIS_REPLY_NIL);
}

TEST_CASE("server: 10k pipelined commands in one write all get their replies, in order") {
  ServerProcess server;
  RawConn conn(server.port());
  REQUIRE(conn.ok());
  std::string request, expected;
  for (int i = 0; i < 10000; ++i) {
    std::string key = "k" + std::to_string(i), value = "v" + std::to_string(i);
    request += "*3\r\n$3\r\nSET\r\n$" + std::to_string(key.size()) + "\r\n" + key + "\r\n$" +
               std::to_string(value.size()) + "\r\n" + value + "\r\n";
    expected += "+OK\r\n";
  }
  for (int i = 0; i < 10000; i += 997) {
    std::string key = "k" + std::to_string(i), value = "v" + std::to_string(i);
    request += "GET " + key + "\r\n";  // inline form
    expected += "$" + std::to_string(value.size()) + "\r\n" + value + "\r\n";
  }
  REQUIRE(conn.Send(request));
  CHECK(conn.Read(expected.size(), 10000) == expected);
}

TEST_CASE("server: a large value survives partial reads and partial writes") {
  ServerProcess server;
  RedisConn c = server.Connect();
  REQUIRE(c);
  std::string big(20 * 1024 * 1024, 'x');
  for (size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + (i / 4096) % 26);
  Reply ok = Command(c.get(), "SET big %b", big.data(), big.size());
  REQUIRE(ok);
  CHECK(std::string(ok->str) == "OK");
  Reply got = Command(c.get(), "GET big");
  REQUIRE(got);
  REQUIRE(got->type == REDIS_REPLY_STRING);
  CHECK(got->len == big.size());
  CHECK(std::string(got->str, got->len) == big);
}

TEST_CASE("server: a bulk length over 512MB gets the protocol error and the connection closes") {
  ServerProcess server;
  RawConn conn(server.port());
  REQUIRE(conn.Send("*1\r\n$536870913\r\n"));
  std::string expected = "-ERR Protocol error: invalid bulk length\r\n";
  CHECK(conn.Read(expected.size()) == expected);
  CHECK(conn.WaitClosed());
  // The server is still fine.
  RawConn other(server.port());
  REQUIRE(other.Send("PING\r\n"));
  CHECK(other.Read(7) == "+PONG\r\n");
}

TEST_CASE("server: a truncated request followed by a close does not hurt the server") {
  ServerProcess server;
  {
    RawConn conn(server.port());
    REQUIRE(conn.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nabc"));
  }
  {
    RawConn conn(server.port());
    REQUIRE(conn.Send("*2\r\n$3\r\nGET\r\n$1\r\nk"));
    conn.CloseNow();
  }
  RawConn conn(server.port());
  REQUIRE(conn.Send("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"));
  CHECK(conn.Read(5) == "$-1\r\n");
}

TEST_CASE("server: a request split across many writes is parsed once it is whole") {
  ServerProcess server;
  RawConn conn(server.port());
  std::string request = "*3\r\n$3\r\nSET\r\n$5\r\nsplit\r\n$10\r\n0123456789\r\n*2\r\n$3\r\nGET\r\n$5\r\nsplit\r\n";
  for (char ch : request) REQUIRE(conn.Send(std::string(1, ch)));
  std::string expected = "+OK\r\n$10\r\n0123456789\r\n";
  CHECK(conn.Read(expected.size()) == expected);
}

TEST_CASE("server: a client over maxclients gets Redis's error and is closed") {
  ServerProcess server({"--maxclients", "2"});
  // Connects and PINGs until the server has room (a closed probe may still count briefly).
  auto connect_when_room = [&](std::unique_ptr<RawConn>* out) {
    for (int i = 0; i < 200; ++i) {
      auto conn = std::make_unique<RawConn>(server.port());
      conn->Send("PING\r\n");
      if (conn->Read(7, 1000) == "+PONG\r\n") {
        *out = std::move(conn);
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  std::unique_ptr<RawConn> a, b;
  REQUIRE(connect_when_room(&a));
  REQUIRE(connect_when_room(&b));
  RawConn third(server.port());
  std::string expected = "-ERR max number of clients reached\r\n";
  CHECK(third.Read(expected.size()) == expected);
  CHECK(third.WaitClosed());
  // Once one leaves, a new client is accepted again, and INFO counts the refusal.
  a.reset();
  std::unique_ptr<RawConn> again;
  REQUIRE(connect_when_room(&again));
  REQUIRE(again->Send("INFO stats\r\n"));
  std::string info = again->Read(100000, 1000);
  CHECK(info.find("rejected_connections:") != std::string::npos);
  CHECK(info.find("rejected_connections:0\r\n") == std::string::npos);
}

TEST_CASE("server: QUIT replies +OK and then closes") {
  ServerProcess server;
  RawConn conn(server.port());
  REQUIRE(conn.Send("PING\r\nQUIT\r\nPING\r\n"));
  CHECK(conn.Read(100) == "+PONG\r\n+OK\r\n");
  CHECK(conn.WaitClosed());
}

TEST_CASE("server: an idle client is closed after `timeout` seconds") {
  ServerProcess server({"--timeout", "1"});
  RawConn idle(server.port());
  REQUIRE(idle.Send("PING\r\n"));
  CHECK(idle.Read(7) == "+PONG\r\n");
  auto start = Clock::now();
  CHECK(idle.WaitClosed(5000));
  auto waited_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  CHECK(waited_ms >= 900);
  CHECK(waited_ms <= 3500);
}

TEST_CASE("server: CONFIG SET timeout applies to connected clients at once") {
  ServerProcess server;
  RawConn conn(server.port());
  REQUIRE(conn.Send("CONFIG SET timeout 1\r\n"));
  CHECK(conn.Read(5) == "+OK\r\n");
  CHECK(conn.WaitClosed(5000));
}

TEST_CASE("server: a query buffer over client-query-buffer-limit closes the client, no reply") {
  ServerProcess server({"--client-query-buffer-limit", "1mb"});
  RawConn conn(server.port());
  std::string head = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n";
  conn.Send(head + std::string(1500000, 'x'));
  CHECK(conn.Read(1, 5000).empty());
  CHECK(conn.WaitClosed());
  CHECK(server.log().find("Closing client that reached max query buffer length") !=
        std::string::npos);
}

TEST_CASE("server: the unix socket serves clients; SIGTERM exits 0 and removes the socket") {
  std::string path = TempPath("unix.sock");
  ServerProcess server({"--unixsocket", path, "--unixsocketperm", "700"});
  REQUIRE(FileExists(path));
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  timeval tv{5, 0};
  RedisConn c(redisConnectUnixWithTimeout(path.c_str(), tv));
  REQUIRE(c);
  REQUIRE(c->err == 0);
  Reply pong = Command(c.get(), "PING");
  REQUIRE(pong);
  CHECK(std::string(pong->str) == "PONG");
  Reply list = Command(c.get(), "CLIENT LIST");
  REQUIRE(list);
  CHECK(std::string(list->str).find("addr=" + path + ":0") != std::string::npos);
  CHECK(server.Stop(SIGTERM) == 0);
  CHECK_FALSE(FileExists(path));
  std::string log = server.log();
  CHECK(log.find("Received SIGTERM scheduling shutdown...") != std::string::npos);
  CHECK(log.find("lrukv is now ready to exit, bye bye...") != std::string::npos);
}

TEST_CASE("server: SIGINT also shuts down cleanly") {
  ServerProcess server;
  CHECK(server.Stop(SIGINT) == 0);
}

TEST_CASE("server: SHUTDOWN closes the clients and exits 0") {
  ServerProcess server;
  RawConn watcher(server.port());
  REQUIRE(watcher.Send("PING\r\n"));
  CHECK(watcher.Read(7) == "+PONG\r\n");
  RawConn conn(server.port());
  REQUIRE(conn.Send("SHUTDOWN NOSAVE\r\n"));
  CHECK(conn.WaitClosed());
  CHECK(watcher.WaitClosed());
  CHECK(server.WaitForExit() == 0);
  std::string log = server.log();
  CHECK(log.find("User requested shutdown...") != std::string::npos);
  CHECK(log.find("lrukv is now ready to exit, bye bye...") != std::string::npos);
}

TEST_CASE("server: CLIENT KILL closes the other client") {
  ServerProcess server;
  RawConn victim(server.port());
  REQUIRE(victim.Send("CLIENT ID\r\n"));
  std::string id_reply = victim.Read(4, 2000);
  REQUIRE(id_reply.size() >= 3);
  std::string rest = victim.Read(100, 200);
  std::string id = (id_reply + rest).substr(1);
  id = id.substr(0, id.find('\r'));
  RedisConn c = server.Connect();
  Reply killed = Command(c.get(), "CLIENT KILL ID %s", id.c_str());
  REQUIRE(killed);
  CHECK(killed->type == REDIS_REPLY_INTEGER);
  CHECK(killed->integer == 1);
  CHECK(victim.WaitClosed());
}

TEST_CASE("server: CONFIG SET port moves the listener") {
  ServerProcess server;
  int new_port = FreePort();
  RedisConn c = server.Connect();
  Reply ok = Command(c.get(), "CONFIG SET port %d", new_port);
  REQUIRE(ok);
  CHECK(std::string(ok->str) == "OK");
  RawConn moved(new_port);
  REQUIRE(moved.ok());
  REQUIRE(moved.Send("PING\r\n"));
  CHECK(moved.Read(7) == "+PONG\r\n");
  // The old connection stays usable.
  Reply pong = Command(c.get(), "PING");
  REQUIRE(pong);
  CHECK(std::string(pong->str) == "PONG");
}

TEST_CASE("server: CONFIG SET maxmemory reaches the engine") {
  ServerProcess server({"--maxmemory-policy", "noeviction"});
  RedisConn c = server.Connect();
  Reply ok = Command(c.get(), "CONFIG SET maxmemory 1");
  REQUIRE(ok);
  CHECK(std::string(ok->str) == "OK");
  Reply oom = Command(c.get(), "SET k v");
  REQUIRE(oom);
  REQUIRE(oom->type == REDIS_REPLY_ERROR);
  CHECK(std::string(oom->str) == "OOM command not allowed when used memory > 'maxmemory'.");
}

TEST_CASE("server: keys with a TTL are reclaimed in the background") {
  ServerProcess server({"--hz", "100"});
  RedisConn c = server.Connect();
  for (int i = 0; i < 100; ++i) redisAppendCommand(c.get(), "SET k%d v PX 300", i);
  for (int i = 0; i < 100; ++i) {
    void* r = nullptr;
    REQUIRE(redisGetReply(c.get(), &r) == REDIS_OK);
    freeReplyObject(r);
  }
  Reply before = Command(c.get(), "DBSIZE");
  REQUIRE(before);
  CHECK(before->integer == 100);
  bool reclaimed = false;
  for (int i = 0; i < 200 && !reclaimed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    Reply n = Command(c.get(), "DBSIZE");  // DBSIZE counts keys not yet reclaimed
    reclaimed = n && n->integer == 0;
  }
  CHECK(reclaimed);
}

TEST_CASE("lrukv-server --version and --help print like redis-server") {
  ProcessResult v = RunServerOnce({"--version"});
  CHECK(v.exit_code == 0);
  CHECK(v.out.rfind("lrukv server v=0.1.0 sha=", 0) == 0);
  ProcessResult v2 = RunServerOnce({"-v"});
  CHECK(v2.out == v.out);
  ProcessResult h = RunServerOnce({"--help"});
  CHECK(h.exit_code == 1);  // as redis-server --help
  CHECK(h.err.find("Usage: ./lrukv-server [/path/to/lrukv.conf] [options]") != std::string::npos);
}

TEST_CASE("lrukv-server: a bad directive exits 1 with Redis's fatal config error") {
  ProcessResult r = RunServerOnce({"--port", "0", "--foo", "bar"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("*** FATAL CONFIG FILE ERROR (lrukv 0.1.0) ***\nReading the configuration "
                   "file, at line 3\n>>> 'foo \"bar\"'\nBad directive or wrong number of "
                   "arguments") != std::string::npos);
  std::string conf = TempPath("bad.conf");
  { std::ofstream(conf) << "# comment\nmaxmemory abc\n"; }
  ProcessResult f = RunServerOnce({conf});
  std::remove(conf.c_str());
  CHECK(f.exit_code == 1);
  CHECK(f.err.find("at line 2\n>>> 'maxmemory abc'\nargument must be a memory value") !=
        std::string::npos);
  ProcessResult missing = RunServerOnce({"/nonexistent/lrukv.conf"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("Fatal error, can't open config file '/nonexistent/lrukv.conf'") !=
        std::string::npos);
}

TEST_CASE("lrukv-server: a port in use exits 1 with Redis's message") {
  ServerProcess first;
  ProcessResult r = RunServerOnce({"--port", std::to_string(first.port()), "--save", ""});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("Could not create server TCP listening socket 127.0.0.1:" +
                   std::to_string(first.port()) + ": bind: Address already in use") !=
        std::string::npos);
  CHECK(r.err.find("Failed listening on port " + std::to_string(first.port()) +
                   " (TCP), aborting.") != std::string::npos);
}

TEST_CASE("lrukv-server: a config file is loaded and CONFIG REWRITE updates it") {
  std::string conf = TempPath("good.conf");
  int port = FreePort();
  { std::ofstream(conf) << "# test config\nport " << port << "\nsave \"\"\nhz 10\n"; }
  std::string out = TempPath("good.out"), err = TempPath("good.err");
  pid_t pid = Spawn({conf}, out, err);
  bool up = false;
  for (int i = 0; i < 500 && !up; ++i) {
    RawConn probe(port);
    up = probe.ok();
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(up);
  timeval tv{5, 0};
  RedisConn c(redisConnectWithTimeout("127.0.0.1", port, tv));
  Reply ok = Command(c.get(), "CONFIG SET hz 20");
  REQUIRE(ok);
  Reply rewritten = Command(c.get(), "CONFIG REWRITE");
  REQUIRE(rewritten);
  CHECK(rewritten->type == REDIS_REPLY_STATUS);
  CHECK(ReadFile(conf).find("\nhz 20\n") != std::string::npos);
  Reply file = Command(c.get(), "INFO server");
  REQUIRE(file);
  CHECK(std::string(file->str).find("config_file:" + conf) != std::string::npos);
  kill(pid, SIGTERM);
  CHECK(WaitExit(pid, 5000) == 0);
  CHECK(ReadFile(err).find("Configuration loaded") != std::string::npos);
  std::remove(conf.c_str());
  std::remove(out.c_str());
  std::remove(err.c_str());
}

TEST_CASE("server: a client that pipelines but does not read leaves others served") {
  ServerProcess server;
  RedisConn c = server.Connect();
  std::string value(1024 * 1024, 'v');
  Reply ok = Command(c.get(), "SET big %b", value.data(), value.size());
  REQUIRE(ok);
  RawConn hog(server.port());
  std::string gets;
  for (int i = 0; i < 100; ++i) gets += "*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n";
  REQUIRE(hog.Send(gets));
  // 100 MB of replies wait for the hog; the server keeps answering everyone else.
  for (int i = 0; i < 10; ++i) {
    Reply pong = Command(c.get(), "PING");
    REQUIRE(pong);
    CHECK(std::string(pong->str) == "PONG");
  }
  std::string one = "$" + std::to_string(value.size()) + "\r\n" + value + "\r\n";
  std::string got = hog.Read(one.size() * 100, 30000);
  REQUIRE(got.size() == one.size() * 100);
  CHECK(got.compare(0, one.size(), one) == 0);
  CHECK(got.compare(one.size() * 99, one.size(), one) == 0);
}
