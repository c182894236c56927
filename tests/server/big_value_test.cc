// End to end: big values (>= 1 MiB) whose request buffer the engine may keep as the entry
// instead of a copy (issue 6). Whatever the request's shape, and whatever precedes or follows
// it on the connection, replies are Redis's and every byte reads back.
#include <doctest/doctest.h>

#include <string>

#include "server/server_fixture.h"

using namespace lrukv::testing;

namespace {

constexpr size_t kBig = 2 * 1024 * 1024;

// kBig bytes of a pattern of its own per seed, "\r\n" and NUL included.
std::string BigValue(int seed) {
  std::string v(kBig, '\0');
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<char>(i * 131 + static_cast<size_t>(seed) * 17);
  return v;
}

std::string Bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

std::string Request(std::initializer_list<std::string> args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) out += Bulk(a);
  return out;
}

void CheckGet(redisContext* c, const char* key, const std::string& want) {
  Reply got = Command(c, "GET %s", key);
  REQUIRE(got);
  REQUIRE(got->type == REDIS_REPLY_STRING);
  CHECK(got->len == want.size());
  CHECK((std::string(got->str, got->len) == want));
}

int64_t Integer(redisContext* c, const char* format, const char* key) {
  Reply r = Command(c, format, key);
  REQUIRE(r);
  REQUIRE(r->type == REDIS_REPLY_INTEGER);
  return r->integer;
}

// The key's TTL is `ttl_s`, or a little less as the test ran.
bool Ttl(redisContext* c, const char* key, int64_t ttl_s) {
  const int64_t got = Integer(c, "TTL %s", key);
  return got <= ttl_s && got >= ttl_s - 10;
}

}  // namespace

TEST_CASE("server: big SET, SETEX, SET EX, GETSET and SETNX values read back byte for byte") {
  ServerProcess server;
  RedisConn c = server.Connect();
  REQUIRE(c);
  RawConn raw(server.port());
  REQUIRE(raw.ok());
  REQUIRE(raw.Send(Request({"SET", "plain", BigValue(1)})));
  CHECK(raw.Read(5) == "+OK\r\n");
  REQUIRE(raw.Send(Request({"SETEX", "setex", "100", BigValue(2)})));
  CHECK(raw.Read(5) == "+OK\r\n");
  REQUIRE(raw.Send(Request({"SET", "set-ex", BigValue(3), "EX", "200"})));
  CHECK(raw.Read(5) == "+OK\r\n");
  REQUIRE(raw.Send(Request({"PSETEX", "psetex", "300000", BigValue(4)})));
  CHECK(raw.Read(5) == "+OK\r\n");
  // GETSET answers with the old big value, then holds the new one.
  REQUIRE(raw.Send(Request({"GETSET", "plain", BigValue(5)})));
  CHECK(raw.Read(Bulk(BigValue(1)).size(), 10000) == Bulk(BigValue(1)));
  // SETNX of a present key changes nothing.
  REQUIRE(raw.Send(Request({"SETNX", "plain", BigValue(6)})));
  CHECK(raw.Read(4) == ":0\r\n");
  REQUIRE(raw.Send(Request({"SETNX", "setnx", BigValue(7)})));
  CHECK(raw.Read(4) == ":1\r\n");

  CheckGet(c.get(), "plain", BigValue(5));
  CheckGet(c.get(), "setex", BigValue(2));
  CheckGet(c.get(), "set-ex", BigValue(3));
  CheckGet(c.get(), "psetex", BigValue(4));
  CheckGet(c.get(), "setnx", BigValue(7));
  CHECK(Ttl(c.get(), "setex", 100));
  CHECK(Ttl(c.get(), "set-ex", 200));
  CHECK(Ttl(c.get(), "psetex", 300));
  CHECK(Integer(c.get(), "TTL %s", "plain") == -1);
  // Then the usual string commands on them.
  CHECK(Integer(c.get(), "APPEND %s tail", "plain") == static_cast<int64_t>(kBig + 4));
  CheckGet(c.get(), "plain", BigValue(5) + "tail");
  CHECK(Integer(c.get(), "PERSIST %s", "setex") == 1);
  CHECK(Integer(c.get(), "EXPIRE %s 50", "plain") == 1);
  CheckGet(c.get(), "setex", BigValue(2));
  CheckGet(c.get(), "plain", BigValue(5) + "tail");
  CHECK(Integer(c.get(), "DEL %s", "plain") == 1);
}

TEST_CASE("server: a big SET between other requests on one connection keeps every reply in order") {
  ServerProcess server;
  RedisConn c = server.Connect();
  REQUIRE(c);
  RawConn raw(server.port());
  REQUIRE(raw.ok());
  // A request cut in two before it, requests pipelined after it, all in one write.
  REQUIRE(raw.Send("*1\r\n$4\r\nPI"));
  CHECK(raw.Read(1, 200).empty());
  std::string burst = "NG\r\n" + Request({"SET", "k1", BigValue(1)}) + "PING\r\n" +
                      Request({"SET", "k2", BigValue(2)}) + Request({"GET", "small"}) +
                      Request({"SET", "k3", BigValue(3), "PX", "900000"}) + "PING\r\n";
  REQUIRE(raw.Send(burst));
  const std::string replies = "+PONG\r\n+OK\r\n+PONG\r\n+OK\r\n$-1\r\n+OK\r\n+PONG\r\n";
  CHECK(raw.Read(replies.size(), 10000) == replies);
  CheckGet(c.get(), "k1", BigValue(1));
  CheckGet(c.get(), "k2", BigValue(2));
  CheckGet(c.get(), "k3", BigValue(3));
  CHECK(Ttl(c.get(), "k3", 900));
  // MULTI queues a copy; EXEC stores it.
  REQUIRE(raw.Send("MULTI\r\n" + Request({"SET", "k4", BigValue(4)}) + "EXEC\r\n"));
  const std::string exec_replies = "+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n";
  CHECK(raw.Read(exec_replies.size(), 10000) == exec_replies);
  CheckGet(c.get(), "k4", BigValue(4));
}

TEST_CASE("server: SLOWLOG and MONITOR show a big SET's arguments as sent") {
  ServerProcess server;
  RedisConn c = server.Connect();
  REQUIRE(c);
  Reply ok = Command(c.get(), "CONFIG SET slowlog-log-slower-than 0");
  REQUIRE(ok);
  RawConn monitor(server.port());
  REQUIRE(monitor.Send("MONITOR\r\n"));
  CHECK(monitor.Read(5) == "+OK\r\n");
  RawConn raw(server.port());
  REQUIRE(raw.Send(Request({"SET", "bigkey", BigValue(1)})));
  CHECK(raw.Read(5) == "+OK\r\n");
  Reply log = Command(c.get(), "SLOWLOG GET 2");
  REQUIRE(log);
  REQUIRE(log->type == REDIS_REPLY_ARRAY);
  REQUIRE(log->elements >= 1);
  // The newest entry is SLOWLOG's own or the SET: find the SET.
  bool found = false;
  for (size_t i = 0; i < log->elements; ++i) {
    const redisReply* args = log->element[i]->element[3];
    if (std::string(args->element[0]->str) != "SET") continue;
    found = true;
    CHECK(std::string(args->element[1]->str) == "bigkey");
    const std::string shown(args->element[2]->str, args->element[2]->len);
    CHECK(shown.rfind(BigValue(1).substr(0, 32), 0) == 0);
  }
  CHECK(found);
  // MONITOR's line quotes the arguments: its start shows the command and key intact.
  const std::string line = monitor.Read(64, 10000);
  CHECK(line.find("\"SET\" \"bigkey\" \"") != std::string::npos);
}
