// End-to-end tests of the client limits lrukv-server enforces as Redis 7.0 does: the request
// caps before AUTH, client-output-buffer-limit, the POST/Host: guard, client-query-buffer-limit
// and proto-max-bulk-len at run time. Expected bytes and close behaviour are redis-server
// 7.0.15's for the same input (checked by hand against a real server with the same config).
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <string>
#include <thread>

#include "server/server_fixture.h"

using namespace lrukv::testing;

namespace {

constexpr char kUnauthMultibulk[] = "-ERR Protocol error: unauthenticated multibulk length\r\n";
constexpr char kUnauthBulk[] = "-ERR Protocol error: unauthenticated bulk length\r\n";
// Redis's wording when replies are being added ("Client <CLIENT LIST line> scheduled to be
// closed ASAP for ...") and from its cron ("Client <line> closed for ..."): both end so.
constexpr char kOutputLimitLog[] = "for overcoming of output buffer limits.";
constexpr char kOutputLimitCronLog[] = " closed for overcoming of output buffer limits.";
constexpr char kAttackLog[] =
    "Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands "
    "to Redis. This is likely due to an attacker attempting to use Cross Protocol Scripting to "
    "compromise your Redis instance. Connection aborted.";

// A multibulk request for `args`.
std::string Multibulk(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// An MSET request of `n` arguments in all (n odd): a valid request wider than the caps.
std::string MsetOfArity(int n) {
  std::vector<std::string> args = {"MSET"};
  for (int i = 1; i < n; i += 2) {
    args.push_back("k" + std::to_string(i));
    args.push_back("v");
  }
  return Multibulk(args);
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

// Runs `command` (a multibulk request) on a fresh raw connection and returns its reply.
std::string RawCommand(int port, const std::vector<std::string>& args, size_t reply_bytes) {
  RawConn conn(port);
  conn.Send(Multibulk(args));
  return conn.Read(reply_bytes, 5000);
}

// Sets key `key` to `bytes` x's through hiredis; true on +OK.
bool SetBig(const ServerProcess& server, const std::string& key, size_t bytes) {
  RedisConn c = server.Connect();
  if (!c || c->err) return false;
  std::string value(bytes, 'x');
  Reply r = Command(c.get(), "SET %s %b", key.c_str(), value.data(), value.size());
  return r && r->type == REDIS_REPLY_STATUS && std::string(r->str) == "OK";
}

}  // namespace

// ---- Requests before AUTH ----

TEST_CASE("server: before AUTH, a request of more than 10 arguments is a protocol error") {
  ServerProcess server({"--requirepass", "secret"});
  {
    RawConn conn(server.port());
    REQUIRE(conn.Send("*11\r\n"));
    CHECK(conn.Read(sizeof(kUnauthMultibulk) - 1) == kUnauthMultibulk);
    CHECK(conn.WaitClosed());
  }
  {
    // 10 arguments are still allowed: the parser waits for them.
    RawConn conn(server.port());
    REQUIRE(conn.Send("*10\r\n"));
    CHECK(conn.Read(1, 300).empty());
    CHECK_FALSE(conn.WaitClosed(200));
  }
  {
    // An earlier request's reply goes out before the error, as Redis.
    RawConn conn(server.port());
    REQUIRE(conn.Send("PING\r\n*11\r\n"));
    std::string want = std::string("-NOAUTH Authentication required.\r\n") + kUnauthMultibulk;
    CHECK(conn.Read(want.size()) == want);
    CHECK(conn.WaitClosed());
  }
}

TEST_CASE("server: before AUTH, a bulk longer than 16384 bytes is a protocol error") {
  ServerProcess server({"--requirepass", "secret"});
  {
    RawConn conn(server.port());
    REQUIRE(conn.Send("*2\r\n$4\r\nPING\r\n$16385\r\n"));
    CHECK(conn.Read(sizeof(kUnauthBulk) - 1) == kUnauthBulk);
    CHECK(conn.WaitClosed());
  }
  {
    RawConn conn(server.port());
    REQUIRE(conn.Send("*1\r\n$16384\r\n"));
    CHECK(conn.Read(1, 300).empty());  // waits for the bulk, no error
    CHECK_FALSE(conn.WaitClosed(200));
  }
  {
    // A wrong password leaves the client unauthenticated: the cap still applies.
    RawConn conn(server.port());
    REQUIRE(conn.Send(Multibulk({"AUTH", "wrong"}) + "*1\r\n$16385\r\n"));
    std::string want =
        std::string("-WRONGPASS invalid username-password pair or user is disabled.\r\n") +
        kUnauthBulk;
    CHECK(conn.Read(want.size()) == want);
    CHECK(conn.WaitClosed());
  }
}

TEST_CASE("server: inline requests are not capped before AUTH (Redis checks multibulk only)") {
  ServerProcess server({"--requirepass", "secret"});
  RawConn conn(server.port());
  std::string line = "PING";
  for (int i = 0; i < 20; ++i) line += " a";
  REQUIRE(conn.Send(line + "\r\n"));
  std::string want = "-NOAUTH Authentication required.\r\n";
  CHECK(conn.Read(want.size()) == want);
  CHECK_FALSE(conn.WaitClosed(200));
}

TEST_CASE("server: AUTH and HELLO AUTH lift the caps in the same pipeline; RESET restores them") {
  ServerProcess server({"--requirepass", "secret"});
  std::string big(20000, 'v');
  {
    RawConn conn(server.port());
    REQUIRE(conn.Send(Multibulk({"AUTH", "secret"}) + MsetOfArity(11) +
                      Multibulk({"SET", "big", big}) + Multibulk({"STRLEN", "big"})));
    std::string want = "+OK\r\n+OK\r\n+OK\r\n:20000\r\n";
    CHECK(conn.Read(want.size()) == want);
    CHECK_FALSE(conn.WaitClosed(200));
  }
  {
    RawConn conn(server.port());
    REQUIRE(conn.Send(Multibulk({"HELLO", "2", "AUTH", "default", "secret"}) + MsetOfArity(11)));
    std::string got = conn.Read(1 << 16, 500);
    CHECK(got.rfind("*14\r\n", 0) == 0);
    CHECK(got.size() > 5);
    CHECK(got.substr(got.size() - 5) == "+OK\r\n");
    CHECK_FALSE(conn.WaitClosed(200));
  }
  {
    RawConn conn(server.port());
    REQUIRE(conn.Send("AUTH secret\r\nRESET\r\n*11\r\n"));
    std::string want = std::string("+OK\r\n+RESET\r\n") + kUnauthMultibulk;
    CHECK(conn.Read(want.size()) == want);
    CHECK(conn.WaitClosed());
  }
}

TEST_CASE("server: requirepass set or cleared at run time changes the caps of new requests") {
  ServerProcess server;
  RawConn before(server.port());  // connected without a password: stays authenticated
  RedisConn admin = server.Connect();
  REQUIRE(admin);
  Reply set = Command(admin.get(), "CONFIG SET requirepass secret");
  REQUIRE(set);
  CHECK(std::string(set->str) == "OK");
  REQUIRE(before.Send(MsetOfArity(11)));
  CHECK(before.Read(5) == "+OK\r\n");

  RawConn after(server.port());  // a new client must AUTH first
  REQUIRE(after.Send("*11\r\n"));
  CHECK(after.Read(sizeof(kUnauthMultibulk) - 1) == kUnauthMultibulk);
  CHECK(after.WaitClosed());

  RawConn waiting(server.port());
  REQUIRE(waiting.Send("PING\r\n"));
  std::string noauth = "-NOAUTH Authentication required.\r\n";
  REQUIRE(waiting.Read(noauth.size()) == noauth);
  Reply clear = Command(admin.get(), "CONFIG SET requirepass %s", "");
  REQUIRE(clear);
  CHECK(std::string(clear->str) == "OK");
  REQUIRE(waiting.Send(MsetOfArity(11)));  // no password any more: no caps, no NOAUTH
  CHECK(waiting.Read(5) == "+OK\r\n");
}

// ---- Cross-protocol scripting ----

TEST_CASE("server: an HTTP POST closes the connection without a reply and logs a warning") {
  ServerProcess server;
  RawConn conn(server.port());
  REQUIRE(conn.Send("POST / HTTP/1.1\r\nHost: localhost:6379\r\n\r\n"));
  CHECK(conn.Read(1, 1000).empty());
  CHECK(conn.WaitClosed());
  CHECK(server.log().find(kAttackLog) != std::string::npos);
  RedisConn c = server.Connect();  // the server serves on
  REQUIRE(c);
  Reply pong = Command(c.get(), "PING");
  REQUIRE(pong);
  CHECK(std::string(pong->str) == "PONG");
}

TEST_CASE("server: POST or Host: in any case and form aborts the pipeline it arrives in") {
  ServerProcess server;
  for (std::string request :
       {std::string("host: x\r\n"), std::string("*1\r\n$4\r\npost\r\n"),
        Multibulk({"Host:", "example.com"}), std::string("PING\r\nPOST\r\n"),
        std::string("MULTI\r\nPOST\r\n")}) {
    CAPTURE(request);
    RawConn conn(server.port());
    REQUIRE(conn.Send(request));
    // Replies computed before it in the same read are dropped too, as Redis (+PONG, +OK).
    CHECK(conn.Read(1, 1000).empty());
    CHECK(conn.WaitClosed());
  }
  // The warning is rate limited to once a minute, as Redis.
  CHECK(Count(server.log(), kAttackLog) == 1);
  // Neither name is a command: COMMAND INFO knows neither.
  CHECK(RawCommand(server.port(), {"COMMAND", "INFO", "post", "host:"}, 15) ==
        "*2\r\n$-1\r\n$-1\r\n");
}

// ---- client-output-buffer-limit ----

TEST_CASE("server: a client that pipelines GETs of 1MB and never reads is closed at the hard "
          "limit, and the server stays up") {
  ServerProcess server({"--client-output-buffer-limit", "normal 4mb 0 0"});
  REQUIRE(SetBig(server, "big", 1024 * 1024));
  RawConn greedy(server.port());
  std::string gets;
  for (int i = 0; i < 200; ++i) gets += Multibulk({"GET", "big"});
  REQUIRE(greedy.Send(gets));
  CHECK(greedy.WaitClosed(10000));
  std::string log = server.log();
  CHECK(log.find(kOutputLimitLog) != std::string::npos);
  CHECK(log.find("cmd=get") != std::string::npos);

  RedisConn other = server.Connect();
  REQUIRE(other);
  Reply len = Command(other.get(), "STRLEN big");
  REQUIRE(len);
  CHECK(len->integer == 1024 * 1024);
}

TEST_CASE("server: a client that reads its replies is not closed by the output limit") {
  ServerProcess server({"--client-output-buffer-limit", "normal 4mb 2mb 1"});
  REQUIRE(SetBig(server, "big", 1024 * 1024));
  RedisConn c = server.Connect();
  REQUIRE(c);
  for (int i = 0; i < 20; ++i) {
    Reply r = Command(c.get(), "GET big");
    REQUIRE(r);
    REQUIRE(r->type == REDIS_REPLY_STRING);
    CHECK(r->len == 1024 * 1024);
  }
  CHECK(server.log().find(kOutputLimitLog) == std::string::npos);
}

TEST_CASE("server: over the soft limit for longer than its seconds, a client is closed even "
          "with no new request") {
  ServerProcess server;
  REQUIRE(SetBig(server, "big", 4 * 1024 * 1024));
  RedisConn admin = server.Connect();
  REQUIRE(admin);
  // Applies at once to clients already connected.
  RawConn slow(server.port());
  Reply set = Command(admin.get(), "CONFIG SET client-output-buffer-limit %s", "normal 0 8mb 1");
  REQUIRE(set);
  CHECK(std::string(set->str) == "OK");
  std::string gets;
  // 48 MB of replies: over the soft limit whatever the kernel's socket buffers take.
  for (int i = 0; i < 12; ++i) gets += Multibulk({"GET", "big"});
  REQUIRE(slow.Send(gets));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Not yet: the first time over the soft limit only starts its clock.
  CHECK(server.log().find(kOutputLimitLog) == std::string::npos);
  // Redis's cron checks every client once a second; > 1 s over the soft limit closes it. (The
  // client must not read meanwhile: reading would bring it back under the limit.)
  std::string log;
  for (int i = 0; i < 40 && log.find(kOutputLimitLog) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    log = server.log();
  }
  CHECK(log.find(kOutputLimitLog) != std::string::npos);
  CHECK(log.find(kOutputLimitCronLog) != std::string::npos);
  CHECK(slow.WaitClosed());
}

// The INFO stats field's value, -1 when absent.
long long StatValue(redisContext* c, const std::string& field) {
  Reply info = Command(c, "INFO stats");
  if (!info || info->type != REDIS_REPLY_STRING) return -1;
  std::string text(info->str, info->len);
  size_t at = text.find("\r\n" + field + ":");
  if (at == std::string::npos) return -1;
  return std::stoll(text.substr(at + field.size() + 3));
}

// True while CLIENT LIST shows a client with `needle` in its line.
bool Listed(redisContext* c, const std::string& needle) {
  Reply list = Command(c, "CLIENT LIST");
  return list && std::string(list->str, list->len).find(needle) != std::string::npos;
}

TEST_CASE("server: a subscriber is class pubsub: closed at the pubsub hard limit, not by the "
          "normal class; counted in INFO stats until CONFIG RESETSTAT") {
  ServerProcess server({"--client-output-buffer-limit", "normal 1mb 0 0 pubsub 0 0 0"});
  RedisConn admin = server.Connect();
  REQUIRE(admin);
  CHECK(StatValue(admin.get(), "client_output_buffer_limit_disconnections") == 0);
  RawConn sub(server.port());
  REQUIRE(sub.Send(Multibulk({"SUBSCRIBE", "ch"})));
  REQUIRE(sub.Read(std::string("*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n").size()).size() > 0);
  const std::string message(1000, 'm');
  auto publish = [&](int n) {
    for (int i = 0; i < n; ++i) Command(admin.get(), "PUBLISH ch %s", message.c_str());
  };
  // 8 MB for a subscriber that never reads: the normal class's 1 MB does not apply to it.
  publish(8000);
  CHECK(Listed(admin.get(), "cmd=subscribe"));
  CHECK(StatValue(admin.get(), "client_output_buffer_limit_disconnections") == 0);
  // Its own class, set at run time, applies at once.
  Reply set = Command(admin.get(), "CONFIG SET client-output-buffer-limit %s", "pubsub 1mb 0 0");
  REQUIRE(set);
  publish(10);
  CHECK_FALSE(Listed(admin.get(), "cmd=subscribe"));
  CHECK(StatValue(admin.get(), "client_output_buffer_limit_disconnections") == 1);
  std::string log = server.log();
  CHECK(log.find("flags=P db=0 sub=1 psub=0 ssub=0") != std::string::npos);
  CHECK(log.find("cmd=subscribe user=default redir=-1 resp=2 scheduled to be closed ASAP") !=
        std::string::npos);
  Reply reset = Command(admin.get(), "CONFIG RESETSTAT");
  REQUIRE(reset);
  CHECK(StatValue(admin.get(), "client_output_buffer_limit_disconnections") == 0);
}

TEST_CASE("server: a client closed over client-query-buffer-limit is counted in INFO stats") {
  ServerProcess server({"--client-query-buffer-limit", "1mb"});
  RedisConn admin = server.Connect();
  REQUIRE(admin);
  RawConn big(server.port());
  // A bulk announced bigger than the limit, then sent: closed once its bytes pass it.
  REQUIRE(big.Send("*2\r\n$3\r\nGET\r\n$2000000\r\n"));
  big.Send(std::string(1200 * 1024, 'q'));
  CHECK(big.WaitClosed());
  CHECK(StatValue(admin.get(), "client_query_buffer_limit_disconnections") == 1);
  CHECK(StatValue(admin.get(), "client_output_buffer_limit_disconnections") == 0);
}

TEST_CASE("server: CONFIG SET client-output-buffer-limit validates as Redis 7.0") {
  ServerProcess server;
  RedisConn c = server.Connect();
  REQUIRE(c);
  auto set = [&](const char* value) {
    Reply r = Command(c.get(), "CONFIG SET client-output-buffer-limit %s", value);
    return r ? std::string(r->str, r->len) : std::string("<no reply>");
  };
  auto get = [&]() {
    Reply r = Command(c.get(), "CONFIG GET client-output-buffer-limit");
    return r && r->elements == 2 ? std::string(r->element[1]->str, r->element[1]->len)
                                 : std::string("<no reply>");
  };
  const std::string prefix =
      "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - ";
  CHECK(set("normal 1mb") == prefix + "Wrong number of arguments in buffer limit configuration.");
  CHECK(set("master 1 2 3") ==
        prefix + "Invalid client class specified in buffer limit configuration.");
  CHECK(set("foo 1 2 3") ==
        prefix + "Invalid client class specified in buffer limit configuration.");
  const std::string bad_number =
      prefix + "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
  for (const char* v : {"normal x 2 3", "normal -1 2 3", "normal 1 2 -1", "normal 1 +2 3",
                        "normal 1 2 0x3", "normal 2t 2 3", "normal 1 2 2147483648",
                        "normal 1 2 99999999999999999999", "normal 1 2 +"}) {
    CAPTURE(v);
    CHECK(set(v) == bad_number);
  }
  // CONFIG SET splits on each space: a doubled space is an empty word, a trailing one too.
  CHECK(set("normal 1 2  3") ==
        prefix + "Wrong number of arguments in buffer limit configuration.");
  CHECK(get() == "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");

  CHECK(set("NORMAL 1KB 2Gb +3 replica 1k 2m 03") == "OK");
  CHECK(get() == "normal 1024 2147483648 3 slave 1000 2000000 3 pubsub 33554432 8388608 60");
  CHECK(set("normal 1 2 4294967297") == "OK");  // stored in an int by Redis: wraps to 1
  CHECK(get() == "normal 1 2 1 slave 1000 2000000 3 pubsub 33554432 8388608 60");
  CHECK(set("normal 99999999999999999999 2 ") == "OK");  // saturates; empty seconds is 0
  CHECK(get() ==
        "normal 18446744073709551615 2 0 slave 1000 2000000 3 pubsub 33554432 8388608 60");
  CHECK(set("") == "OK");  // nothing to change
  CHECK(get() ==
        "normal 18446744073709551615 2 0 slave 1000 2000000 3 pubsub 33554432 8388608 60");
}

// ---- client-query-buffer-limit and proto-max-bulk-len at run time ----

TEST_CASE("server: CONFIG SET client-query-buffer-limit applies at once") {
  ServerProcess server;
  RedisConn admin = server.Connect();
  REQUIRE(admin);
  std::string value(2 * 1024 * 1024, 'x');
  std::string request = Multibulk({"SET", "k", value});
  {
    RawConn conn(server.port());  // under the default 1gb the 2 MB SET passes
    REQUIRE(conn.Send(request));
    CHECK(conn.Read(5) == "+OK\r\n");
  }
  Reply set = Command(admin.get(), "CONFIG SET client-query-buffer-limit 1mb");
  REQUIRE(set);
  CHECK(std::string(set->str) == "OK");
  {
    RawConn conn(server.port());
    conn.Send(request);
    CHECK(conn.Read(1, 2000).empty());  // closed without a reply, as Redis
    CHECK(conn.WaitClosed());
  }
  CHECK(server.log().find("Closing client that reached max query buffer length") !=
        std::string::npos);
  // Redis's floor is 1mb.
  Reply low = Command(admin.get(), "CONFIG SET client-query-buffer-limit 1000000");
  REQUIRE(low);
  CHECK(std::string(low->str, low->len) ==
        "ERR CONFIG SET failed (possibly related to argument 'client-query-buffer-limit') - "
        "argument must be between 1048576 and 9223372036854775807 inclusive");
  Reply back = Command(admin.get(), "CONFIG SET client-query-buffer-limit 4mb");
  REQUIRE(back);
  RawConn conn(server.port());
  REQUIRE(conn.Send(request));
  CHECK(conn.Read(5) == "+OK\r\n");
}

TEST_CASE("server: CONFIG SET proto-max-bulk-len applies at once, also to connected clients") {
  ServerProcess server;
  RedisConn admin = server.Connect();
  REQUIRE(admin);
  RawConn connected(server.port());
  REQUIRE(connected.Send("PING\r\n"));
  REQUIRE(connected.Read(7) == "+PONG\r\n");
  Reply set = Command(admin.get(), "CONFIG SET proto-max-bulk-len 1mb");
  REQUIRE(set);
  CHECK(std::string(set->str) == "OK");
  REQUIRE(connected.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n"));
  std::string want = "-ERR Protocol error: invalid bulk length\r\n";
  CHECK(connected.Read(want.size()) == want);
  CHECK(connected.WaitClosed());
  {
    RawConn conn(server.port());  // exactly the limit is allowed
    REQUIRE(conn.Send(Multibulk({"SET", "k", std::string(1024 * 1024, 'x')})));
    CHECK(conn.Read(5) == "+OK\r\n");
  }
  Reply low = Command(admin.get(), "CONFIG SET proto-max-bulk-len 1000000");
  REQUIRE(low);
  CHECK(std::string(low->str, low->len) ==
        "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument "
        "must be between 1048576 and 9223372036854775807 inclusive");
  Reply raise = Command(admin.get(), "CONFIG SET proto-max-bulk-len 2mb");
  REQUIRE(raise);
  RawConn conn(server.port());
  REQUIRE(conn.Send(Multibulk({"SET", "k", std::string(1024 * 1024 + 1, 'x')})));
  CHECK(conn.Read(5) == "+OK\r\n");
}
