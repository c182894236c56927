// lrukv-dump's RESP client without sockets: reply parsing (whole, split at every byte, nested,
// malformed), command encoding, host:port splitting and printable quoting.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "tools/lrukv-dump/resp_client.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace lrukv::dumptool;

namespace {

Reply ParseWhole(std::string_view bytes) {
  Reply r;
  size_t consumed = 0;
  std::string error;
  REQUIRE(ParseReply(bytes, &consumed, &r, &error) == ParseStatus::kOk);
  CHECK(consumed == bytes.size());
  return r;
}

}  // namespace

TEST_CASE("parser: every reply type") {
  CHECK(ParseWhole("+OK\r\n").type == Reply::Type::kStatus);
  Reply e = ParseWhole("-WRONGTYPE Operation against a key\r\n");
  CHECK(e.type == Reply::Type::kError);
  CHECK(e.str == "WRONGTYPE Operation against a key");
  CHECK(ParseWhole(":-2\r\n").integer == -2);
  CHECK(ParseWhole("$-1\r\n").type == Reply::Type::kNil);
  CHECK(ParseWhole("*-1\r\n").type == Reply::Type::kNil);
  Reply b = ParseWhole(std::string("$5\r\na\0\r\nb\r\n", 11));
  CHECK(b.type == Reply::Type::kBulk);
  CHECK(b.str == std::string("a\0\r\nb", 5));
  CHECK(ParseWhole("$0\r\n\r\n").str.empty());
}

TEST_CASE("parser: a SCAN reply (cursor and a nested array of keys)") {
  Reply r = ParseWhole("*2\r\n$2\r\n17\r\n*3\r\n$1\r\na\r\n$0\r\n\r\n$2\r\nbc\r\n");
  REQUIRE(r.type == Reply::Type::kArray);
  REQUIRE(r.elements.size() == 2);
  CHECK(r.elements[0].str == "17");
  REQUIRE(r.elements[1].elements.size() == 3);
  CHECK(r.elements[1].elements[2].str == "bc");
}

TEST_CASE("parser: a reply split at every byte needs more until it is whole") {
  const std::string whole = "*2\r\n$3\r\nabc\r\n*1\r\n:42\r\n+OK\r\n";
  const size_t first_len = whole.size() - 5;  // the array, without the trailing +OK
  for (size_t cut = 0; cut < first_len; ++cut) {
    Reply r;
    size_t consumed = 0;
    std::string error;
    CHECK_MESSAGE(ParseReply(std::string_view(whole).substr(0, cut), &consumed, &r, &error) ==
                      ParseStatus::kNeedMore,
                  "cut at ", cut);
  }
  Reply r;
  size_t consumed = 0;
  std::string error;
  REQUIRE(ParseReply(whole, &consumed, &r, &error) == ParseStatus::kOk);
  CHECK(consumed == first_len);
  CHECK(r.elements[1].elements[0].integer == 42);
}

TEST_CASE("parser: bytes that are not RESP are errors") {
  for (std::string_view bad :
       {"?x\r\n", ":12a\r\n", "$-2\r\n", "$3\r\nabcXY", "*-5\r\n", "\r\n", "$99999999999\r\n"}) {
    Reply r;
    size_t consumed = 0;
    std::string error;
    CHECK_MESSAGE(ParseReply(bad, &consumed, &r, &error) == ParseStatus::kError, bad);
    CHECK(!error.empty());
  }
}

TEST_CASE("AppendCommand encodes a multibulk array, binary safe") {
  std::string out;
  const std::string_view args[] = {"SET", std::string_view("k\0", 2), ""};
  AppendCommand(&out, args);
  constexpr char kWant[] = "*3\r\n$3\r\nSET\r\n$2\r\nk\0\r\n$0\r\n\r\n";
  CHECK(out == std::string(kWant, sizeof(kWant) - 1));
}

TEST_CASE("SplitHostPort: host, IPv6 in brackets, last colon; empty parts refused") {
  std::string host, port;
  CHECK(SplitHostPort("127.0.0.1:6379", &host, &port));
  CHECK(host == "127.0.0.1");
  CHECK(port == "6379");
  CHECK(SplitHostPort("[::1]:7000", &host, &port));
  CHECK(host == "::1");
  CHECK(port == "7000");
  CHECK(SplitHostPort("::1:7000", &host, &port));
  CHECK(host == "::1");
  CHECK_FALSE(SplitHostPort("localhost", &host, &port));
  CHECK_FALSE(SplitHostPort(":6379", &host, &port));
  CHECK_FALSE(SplitHostPort("host:", &host, &port));
}

TEST_CASE("Printable quotes binary bytes and cuts long ones") {
  CHECK(Printable(std::string_view("a\0\"\n\xff", 5)) == "\"a\\x00\\\"\\n\\xff\"");
  CHECK(Printable("abcdef", 3) == "\"abc\"...");
}
