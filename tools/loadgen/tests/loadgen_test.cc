// Tests of the load generator's RESP reader and writer and its option parsing: the numbers the
// scenario benchmarks report are only as right as these.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>

#include "tools/loadgen/conn.h"
#include "tools/loadgen/options.h"

using lrukv::loadgen::AppendCommand;
using lrukv::loadgen::InfoField;
using lrukv::loadgen::ParseBytes;
using lrukv::loadgen::ParseReply;
using lrukv::loadgen::Reply;

TEST_CASE("ParseReply reads each simple reply type and the bytes it spans") {
  Reply r;
  CHECK(ParseReply("+PONG\r\n", &r) == 7);
  CHECK(r.type == Reply::Type::kStatus);
  CHECK(r.text == "PONG");
  CHECK(ParseReply("-ERR wrong\r\n+OK\r\n", &r) == 12);
  CHECK(r.type == Reply::Type::kError);
  CHECK(r.text == "ERR wrong");
  CHECK(ParseReply(":-42\r\n", &r) == 6);
  CHECK(r.type == Reply::Type::kInteger);
  CHECK(r.integer == -42);
}

TEST_CASE("ParseReply tells a bulk string from a nil, including an empty bulk string") {
  Reply r;
  CHECK(ParseReply("$3\r\nabc\r\n", &r) == 9);
  CHECK(r.type == Reply::Type::kBulk);
  CHECK(r.text == "abc");
  CHECK(ParseReply("$0\r\n\r\n", &r) == 6);
  CHECK(r.type == Reply::Type::kBulk);
  CHECK(r.text.empty());
  CHECK(ParseReply("$-1\r\n", &r) == 5);
  CHECK(r.type == Reply::Type::kNil);
  CHECK(ParseReply("*-1\r\n", &r) == 5);
  CHECK(r.type == Reply::Type::kNil);
}

TEST_CASE("ParseReply returns 0 for every proper prefix of a reply") {
  const std::string whole = "*2\r\n$3\r\nabc\r\n*1\r\n:7\r\n";
  Reply r;
  for (size_t n = 0; n < whole.size(); ++n) {
    CAPTURE(n);
    CHECK(ParseReply(std::string_view(whole).substr(0, n), &r) == 0);
  }
  CHECK(ParseReply(whole, &r) == static_cast<ptrdiff_t>(whole.size()));
  CHECK(r.type == Reply::Type::kArray);
  CHECK(r.integer == 2);
}

TEST_CASE("ParseReply rejects bytes that are not RESP") {
  Reply r;
  CHECK(ParseReply("PONG\r\n", &r) == -1);
  CHECK(ParseReply(":12x\r\n", &r) == -1);
  CHECK(ParseReply("$-2\r\n", &r) == -1);
}

TEST_CASE("AppendCommand writes the RESP array Redis expects") {
  std::string out;
  AppendCommand(&out, {"SET", "key:1", ""});
  AppendCommand(&out, {"PING"});
  CHECK(out == "*3\r\n$3\r\nSET\r\n$5\r\nkey:1\r\n$0\r\n\r\n*1\r\n$4\r\nPING\r\n");
}

TEST_CASE("ParseBytes follows Redis's memory units") {
  CHECK(ParseBytes("100mb") == 100 * 1024 * 1024);
  CHECK(ParseBytes("100MB") == 100 * 1024 * 1024);
  CHECK(ParseBytes("1k") == 1000);
  CHECK(ParseBytes("1kb") == 1024);
  CHECK(ParseBytes("2gb") == int64_t{2} * 1024 * 1024 * 1024);
  CHECK(ParseBytes("12345") == 12345);
  CHECK(ParseBytes("12tb") == -1);
  CHECK(ParseBytes("mb") == -1);
}

TEST_CASE("InfoField finds a whole field name at a line start only") {
  std::string info = "# Memory\r\nused_memory_rss:900\r\nused_memory:123\r\nmaxmemory:0\r\n";
  CHECK(InfoField(info, "used_memory") == 123);
  CHECK(InfoField(info, "used_memory_rss") == 900);
  CHECK(InfoField(info, "maxmemory") == 0);
  CHECK(InfoField(info, "memory") == -1);
  CHECK(InfoField(info, "evicted_keys") == -1);
}
