// The DUMP payload codec (src/persist/payload.h) and its CRC-64: known vectors, round trips of
// every byte value and of large and random values, and rejection of every kind of corruption,
// including a real Redis 7.0 RDB DUMP payload. Expected checksums were computed independently
// (a bitwise CRC-64/XZ), not by the code under test.
#include <doctest/doctest.h>

#include <cctype>
#include <random>
#include <string>

#include "src/persist/crc64.h"
#include "src/persist/payload.h"

namespace lrukv::persist {
namespace {

using namespace std::string_literals;

std::string RoundTrip(std::string_view value) {
  std::string out = "<sentinel>";
  REQUIRE(DecodePayload(EncodePayload(value), &out));
  return out;
}

bool Decodes(std::string_view payload) {
  std::string out;
  return DecodePayload(payload, &out);
}

// The 16 hex digits after "crc64":" in an encoded payload.
std::string CrcOf(const std::string& payload) {
  const size_t at = payload.find("\"crc64\":\"");
  REQUIRE(at != std::string::npos);
  return payload.substr(at + 9, 16);
}

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

// ---- CRC-64 ----

TEST_CASE("crc64: the CRC-64/XZ check value, the empty string and chaining") {
  CHECK(Crc64("123456789") == 0x995DC9BBDF1939FAULL);
  CHECK(Crc64("") == 0);
  CHECK(Crc64("6789", Crc64("12345")) == Crc64("123456789"));
  CHECK(Crc64("lrukv:1:bar") == 0x2d0aaeeece85054aULL);
  CHECK(Crc64("a") != Crc64("b"));
}

// ---- Encoding ----

TEST_CASE("payload: a plain value is a compact JSON object with version and checksum") {
  CHECK(EncodePayload("bar") == R"({"lrukv":1,"value":"bar","crc64":"2d0aaeeece85054a"})");
  CHECK(EncodePayload("") == R"({"lrukv":1,"value":"","crc64":"5dc05ad4c2b4652b"})");
  CHECK(kPayloadVersion == 1);
}

TEST_CASE("payload: values with NUL or invalid UTF-8 go base64, others stay readable") {
  CHECK(EncodePayload("\0\xff"s) ==
        R"({"lrukv":1,"value_b64":"AP8=","crc64":"5853174476c6fa69"})");
  CHECK(EncodePayload("a\0b"s).find("\"value_b64\":") != std::string::npos);
  CHECK(EncodePayload("\xc3\x28").find("\"value_b64\":") != std::string::npos);  // bad UTF-8
  CHECK(EncodePayload("h\xc3\xa9llo \xe2\x82\xac").find("\"value\":") != std::string::npos);
  // JSON escapes for quotes, backslashes and control characters.
  CHECK(EncodePayload("a\"b\\c\n").find(R"("value":"a\"b\\c\n")") != std::string::npos);
  // rapidjson's escapes, as docs/dump-format.md states them: \u with upper-case hex for other
  // control characters; '/', DEL and non-ASCII characters as they are.
  CHECK(EncodePayload("\x1f/\x7f\xc3\xa9").find("\"value\":\"\\u001F/\x7f\xc3\xa9\"") !=
        std::string::npos);
}

// ---- Round trips ----

TEST_CASE("payload: every single byte value round-trips, and all 256 together") {
  std::string all;
  for (int b = 0; b < 256; ++b) {
    const std::string one(1, static_cast<char>(b));
    CHECK(RoundTrip(one) == one);
    all.push_back(static_cast<char>(b));
  }
  CHECK(RoundTrip(all) == all);
  CHECK(RoundTrip(std::string(all.rbegin(), all.rend())) == std::string(all.rbegin(), all.rend()));
}

TEST_CASE("payload: empty, escapes, UTF-8, 1 MB and random binary values round-trip") {
  CHECK(RoundTrip("") == "");
  CHECK(RoundTrip("\"\\/\b\f\n\r\t\x01\x1f") == "\"\\/\b\f\n\r\t\x01\x1f");
  CHECK(RoundTrip("h\xc3\xa9llo \xf0\x9f\x98\x80") == "h\xc3\xa9llo \xf0\x9f\x98\x80");
  const std::string mb(1 << 20, 'x');
  CHECK(RoundTrip(mb) == mb);
  const std::string mb_binary = RandomBytes(1 << 20, 1);
  CHECK(RoundTrip(mb_binary) == mb_binary);
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const std::string v = RandomBytes(seed % 67, seed);
    CHECK(RoundTrip(v) == v);
  }
}

// ---- Rejections ----

TEST_CASE("payload: a real Redis 7.0 RDB DUMP payload is rejected") {
  // DUMP of "bar" from redis-server 7.0.15: type, length, bytes, RDB version 10, CRC-64.
  const std::string rdb = "\x00\x03" "bar" "\x0a\x00\xe6\xbe\x49\x60\xee\x66\xfd\x17"s;
  CHECK_FALSE(Decodes(rdb));
  CHECK_FALSE(Decodes(""));
  CHECK_FALSE(Decodes("garbage"));
}

TEST_CASE("payload: every truncation and every single-byte change is rejected") {
  for (const std::string& value : {"bar"s, "\0\xff\x01zz"s, ""s}) {
    const std::string good = EncodePayload(value);
    REQUIRE(Decodes(good));
    for (size_t n = 0; n < good.size(); ++n) {
      CHECK_FALSE(Decodes(std::string_view(good).substr(0, n)));
    }
    for (size_t i = 0; i < good.size(); ++i) {
      for (int flip : {0x01, 0x20, 0x80, 0xFF}) {
        std::string bad = good;
        bad[i] = static_cast<char>(bad[i] ^ flip);
        CAPTURE(i);
        CAPTURE(flip);
        CHECK_FALSE(Decodes(bad));
      }
    }
  }
}

TEST_CASE("payload: trailing or surrounding bytes are rejected") {
  const std::string good = EncodePayload("bar");
  CHECK_FALSE(Decodes(good + " "));
  CHECK_FALSE(Decodes(good + "\n"));
  CHECK_FALSE(Decodes(good + "\0"s));
  CHECK_FALSE(Decodes(good + "\0junk"s));
  CHECK_FALSE(Decodes(good + "x"));
  CHECK_FALSE(Decodes(good + good));
  CHECK_FALSE(Decodes(" " + good));
}

TEST_CASE("payload: wrong versions are rejected") {
  const std::string crc = CrcOf(EncodePayload("bar"));
  auto with_version = [&](std::string_view v) {
    return R"({"lrukv":)" + std::string(v) + R"(,"value":"bar","crc64":")" + crc + "\"}";
  };
  CHECK(Decodes(with_version("1")));  // the control: only the version differs below
  for (std::string_view v : {"0", "2", "-1", "1.0", "1e0", "\"1\"", "true", "null",
                             "4294967297", "18446744073709551617", "[1]", "{}"}) {
    CAPTURE(v);
    CHECK_FALSE(Decodes(with_version(v)));
  }
}

TEST_CASE("payload: a wrong checksum is rejected") {
  const std::string good = EncodePayload("bar");
  const std::string crc = CrcOf(good);
  std::string upper = crc;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto with_crc = [](std::string_view c) {
    return R"({"lrukv":1,"value":"bar","crc64":")" + std::string(c) + "\"}";
  };
  CHECK(Decodes(with_crc(crc)));
  CHECK_FALSE(Decodes(with_crc(upper)));
  CHECK_FALSE(Decodes(with_crc("0000000000000000")));
  CHECK_FALSE(Decodes(with_crc(crc.substr(1))));
  CHECK_FALSE(Decodes(with_crc(crc + "0")));
  CHECK_FALSE(Decodes(R"({"lrukv":1,"value":"baz","crc64":")" + crc + "\"}"));
  CHECK_FALSE(Decodes(R"({"lrukv":1,"value":"bar","crc64":1})"));
}

TEST_CASE("payload: unknown, missing, repeated and reordered fields are rejected") {
  const std::string crc = CrcOf(EncodePayload("bar"));
  const std::string v = R"("lrukv":1)";
  const std::string val = R"("value":"bar")";
  const std::string c = R"("crc64":")" + crc + "\"";
  CHECK(Decodes("{" + v + "," + val + "," + c + "}"));  // the control
  CHECK_FALSE(Decodes("{" + v + "," + val + "," + c + R"(,"extra":1})"));
  CHECK_FALSE(Decodes("{" + v + R"(,"extra":1,)" + val + "," + c + "}"));
  CHECK_FALSE(Decodes("{" + v + "," + val + "}"));
  CHECK_FALSE(Decodes("{" + v + "," + c + "}"));
  CHECK_FALSE(Decodes("{" + v + "}"));
  CHECK_FALSE(Decodes("{" + v + "," + val + "," + val + "," + c + "}"));
  CHECK_FALSE(Decodes("{" + v + "," + c + "," + val + "}"));
  CHECK_FALSE(Decodes("{" + val + "," + v + "," + c + "}"));
  CHECK_FALSE(Decodes("{" + v + R"(,"VALUE":"bar",)" + c + "}"));
  CHECK_FALSE(Decodes("[" + v + "," + val + "," + c + "]"));
}

TEST_CASE("payload: other spellings of a valid document are rejected (canonical form only)") {
  const std::string crc = CrcOf(EncodePayload("bar"));
  const std::string tail = R"(,"crc64":")" + crc + "\"}";
  CHECK(Decodes(R"({"lrukv":1,"value":"bar")" + tail));                  // the control
  CHECK_FALSE(Decodes(R"({"lrukv":1,"value":"\u0062ar")" + tail));        // escaped 'b'
  CHECK_FALSE(Decodes(R"({"lrukv":1,"value_b64":"YmFy")" + tail));        // needless base64
  CHECK_FALSE(Decodes(R"({ "lrukv":1,"value":"bar")" + tail));           // whitespace
  CHECK_FALSE(Decodes(R"({"lrukv" : 1,"value":"bar")" + tail));
  CHECK_FALSE(Decodes(R"({"lrukv":1,"value":"bar")" + tail.substr(0, tail.size() - 1) + " }"));
  // A NUL inside a plain string, even with the right checksum, is not the canonical form.
  const std::string nul_crc = CrcOf(EncodePayload("a\0b"s));
  CHECK_FALSE(Decodes(R"({"lrukv":1,"value":"a\u0000b","crc64":")" + nul_crc + "\"}"));
}

TEST_CASE("payload: bad base64 and invalid UTF-8 are rejected") {
  const std::string good = EncodePayload("\0\xff"s);
  const std::string crc = CrcOf(good);
  auto with_b64 = [&](std::string_view b) {
    return R"({"lrukv":1,"value_b64":")" + std::string(b) + R"(","crc64":")" + crc + "\"}";
  };
  CHECK(Decodes(with_b64("AP8=")));  // the control
  for (std::string_view b : {"AP8", "AP8==", "AP9=", "AP*=", "A=P8", "AP8=AP8=", "ap8="}) {
    CAPTURE(b);
    CHECK_FALSE(Decodes(with_b64(b)));
  }
  // Raw invalid UTF-8 inside a JSON string.
  const std::string bad_utf8 = "\xc3\x28";
  CHECK_FALSE(Decodes(R"({"lrukv":1,"value":")" + bad_utf8 + R"(","crc64":")" +
                      CrcOf(EncodePayload(bad_utf8)) + "\"}"));
}

TEST_CASE("payload: deep nesting and random bytes fail safely") {
  CHECK_FALSE(Decodes(R"({"lrukv":)" + std::string(1 << 20, '[')));
  CHECK_FALSE(Decodes(R"({"lrukv":1,"value":)" + std::string(1 << 20, '{')));
  std::string out;
  for (uint64_t seed = 0; seed < 2000; ++seed) {
    std::string junk = RandomBytes(seed % 97, seed);
    if (seed % 2) junk = R"({"lrukv":)" + junk;
    CHECK_FALSE(DecodePayload(junk, &out));
  }
}

}  // namespace
}  // namespace lrukv::persist
