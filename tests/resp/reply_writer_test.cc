// ReplyWriter tests: every method in RESP2 and RESP3 against exact bytes. Where redis-server
// 7.0.15 can produce the same reply (ZSCORE, GET, CONFIG GET, SMEMBERS, CLIENT INFO, Lua
// booleans after HELLO 2 / HELLO 3), the expected bytes were captured from it.
#include "resp/reply_writer.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace lrukv::resp {
namespace {

// Runs `write` against a fresh writer speaking `protocol` and returns the bytes it appended.
template <typename F>
std::string Encode(int protocol, F write) {
  std::string out = "prefix";  // the writer appends; it must not touch what is already there
  ReplyWriter w(&out, protocol);
  write(w);
  REQUIRE(out.substr(0, 6) == "prefix");
  return out.substr(6);
}

TEST_CASE("reply: simple strings, OK and raw bytes are the same in RESP2 and RESP3") {
  for (int proto : {2, 3}) {
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Ok(); }) == "+OK\r\n");
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Simple("PONG"); }) == "+PONG\r\n");
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Simple(""); }) == "+\r\n");
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Raw(":1\r\n"); }) == ":1\r\n");
  }
}

TEST_CASE("reply: an error gets a '-' and its CR and LF become spaces") {
  for (int proto : {2, 3}) {
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Error("ERR syntax error"); }) ==
          "-ERR syntax error\r\n");
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Error("ERR a\r\nb\nc\rd"); }) ==
          "-ERR a  b c d\r\n");
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Error("WRONGTYPE x"); }) == "-WRONGTYPE x\r\n");
  }
}

TEST_CASE("reply: integers print every int64 exactly") {
  for (int proto : {2, 3}) {
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Integer(0); }) == ":0\r\n");
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Integer(7); }) == ":7\r\n");
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Integer(-1); }) == ":-1\r\n");
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Integer(10); }) == ":10\r\n");
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Integer(100); }) == ":100\r\n");
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Integer(INT64_MAX); }) ==
          ":9223372036854775807\r\n");
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Integer(INT64_MIN); }) ==
          ":-9223372036854775808\r\n");
  }
  std::mt19937_64 rng(42);
  for (int i = 0; i < 10000; ++i) {
    int64_t v = static_cast<int64_t>(rng()) >> (rng() % 64);
    CHECK(Encode(2, [&](ReplyWriter& w) { w.Integer(v); }) == ":" + std::to_string(v) + "\r\n");
  }
}

TEST_CASE("reply: bulk strings carry their length and any bytes") {
  using namespace std::string_literals;
  for (int proto : {2, 3}) {
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Bulk("hello"); }) == "$5\r\nhello\r\n");
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Bulk(""); }) == "$0\r\n\r\n");
    CHECK(Encode(proto, [](ReplyWriter& w) { w.Bulk("a\r\n\0b"s); }) == "$5\r\na\r\n\0b\r\n"s);
    std::string big(123456, 'x');
    CHECK(Encode(proto, [&](ReplyWriter& w) { w.Bulk(big); }) == "$123456\r\n" + big + "\r\n");
  }
}

TEST_CASE("reply: nulls are $-1 and *-1 in RESP2 and _ in RESP3") {
  // GET of a missing key and BLPOP timing out, from redis-server 7.0.
  CHECK(Encode(2, [](ReplyWriter& w) { w.Null(); }) == "$-1\r\n");
  CHECK(Encode(3, [](ReplyWriter& w) { w.Null(); }) == "_\r\n");
  CHECK(Encode(2, [](ReplyWriter& w) { w.NullArray(); }) == "*-1\r\n");
  CHECK(Encode(3, [](ReplyWriter& w) { w.NullArray(); }) == "_\r\n");
  std::string_view v = "v";
  CHECK(Encode(2, [&](ReplyWriter& w) { w.BulkOrNull(&v); }) == "$1\r\nv\r\n");
  CHECK(Encode(2, [](ReplyWriter& w) { w.BulkOrNull(nullptr); }) == "$-1\r\n");
  CHECK(Encode(3, [](ReplyWriter& w) { w.BulkOrNull(nullptr); }) == "_\r\n");
}

TEST_CASE("reply: aggregate headers fall back to arrays in RESP2") {
  // CONFIG GET maxmemory: *2 in RESP2, %1 in RESP3; SMEMBERS: *1 / ~1.
  CHECK(Encode(2, [](ReplyWriter& w) { w.ArrayHeader(3); }) == "*3\r\n");
  CHECK(Encode(3, [](ReplyWriter& w) { w.ArrayHeader(0); }) == "*0\r\n");
  CHECK(Encode(2, [](ReplyWriter& w) {
          w.MapHeader(1);
          w.Bulk("maxmemory");
          w.Bulk("0");
        }) == "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
  CHECK(Encode(3, [](ReplyWriter& w) {
          w.MapHeader(1);
          w.Bulk("maxmemory");
          w.Bulk("0");
        }) == "%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
  CHECK(Encode(2, [](ReplyWriter& w) { w.SetHeader(1); }) == "*1\r\n");
  CHECK(Encode(3, [](ReplyWriter& w) { w.SetHeader(1); }) == "~1\r\n");
  CHECK(Encode(2, [](ReplyWriter& w) { w.PushHeader(3); }) == "*3\r\n");
  CHECK(Encode(3, [](ReplyWriter& w) { w.PushHeader(3); }) == ">3\r\n");
  CHECK(Encode(3, [](ReplyWriter& w) { w.MapHeader(12345); }) == "%12345\r\n");
  CHECK(Encode(2, [](ReplyWriter& w) { w.MapHeader(12345); }) == "*24690\r\n");
}

TEST_CASE("reply: doubles print as Redis 7.0's %.17g, a bulk in RESP2") {
  struct Case {
    double v;
    const char* text;
  };
  // ZSCORE replies from redis-server 7.0.15 for these scores.
  const Case cases[] = {
      {0.1, "0.10000000000000001"},
      {1.0, "1"},
      {-2.5, "-2.5"},
      {1e300, "1.0000000000000001e+300"},
      {123456789012345678.0, "1.2345678901234568e+17"},
      {INFINITY, "inf"},
      {-INFINITY, "-inf"},
      {0.0, "0"},
      {-0.0, "-0"},
      {std::numeric_limits<double>::quiet_NaN(), "nan"},
      {-std::numeric_limits<double>::quiet_NaN(), "-nan"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    std::string text = c.text;
    CHECK(Encode(3, [&](ReplyWriter& w) { w.Double(c.v); }) == "," + text + "\r\n");
    CHECK(Encode(2, [&](ReplyWriter& w) { w.Double(c.v); }) ==
          "$" + std::to_string(text.size()) + "\r\n" + text + "\r\n");
  }
  // Any finite double matches libc's "%.17g", which is what Redis calls.
  std::mt19937_64 rng(3);
  for (int i = 0; i < 10000; ++i) {
    uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof(v));
    if (!std::isfinite(v)) continue;
    char expected[64];
    std::snprintf(expected, sizeof(expected), "%.17g", v);
    CHECK(Encode(3, [&](ReplyWriter& w) { w.Double(v); }) == "," + std::string(expected) + "\r\n");
  }
}

TEST_CASE("reply: booleans are #t/#f in RESP3 and :1/:0 in RESP2") {
  // Lua "redis.setresp(3); return true" from redis-server 7.0 after HELLO 3 / HELLO 2.
  CHECK(Encode(3, [](ReplyWriter& w) { w.Bool(true); }) == "#t\r\n");
  CHECK(Encode(3, [](ReplyWriter& w) { w.Bool(false); }) == "#f\r\n");
  CHECK(Encode(2, [](ReplyWriter& w) { w.Bool(true); }) == ":1\r\n");
  CHECK(Encode(2, [](ReplyWriter& w) { w.Bool(false); }) == ":0\r\n");
}

TEST_CASE("reply: verbatim strings are =len txt: in RESP3 and a plain bulk in RESP2") {
  // CLIENT INFO from redis-server 7.0: "=270\r\ntxt:id=..." vs "$266\r\nid=...".
  CHECK(Encode(3, [](ReplyWriter& w) { w.Verbatim("txt", "id=1\n"); }) == "=9\r\ntxt:id=1\n\r\n");
  CHECK(Encode(2, [](ReplyWriter& w) { w.Verbatim("txt", "id=1\n"); }) == "$5\r\nid=1\n\r\n");
  CHECK(Encode(3, [](ReplyWriter& w) { w.Verbatim("mkd", ""); }) == "=4\r\nmkd:\r\n");
}

TEST_CASE("reply: switching protocol and buffer applies to the next reply") {
  std::string a, b;
  ReplyWriter w(&a, 2);
  CHECK(w.protocol() == 2);
  w.Null();
  w.set_protocol(3);
  w.Null();
  w.set_buffer(&b);
  CHECK(w.buffer() == &b);
  w.Bool(true);
  CHECK(a == "$-1\r\n_\r\n");
  CHECK(b == "#t\r\n");
}

}  // namespace
}  // namespace lrukv::resp
