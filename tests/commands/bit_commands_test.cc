// The bitmap family through the real Dispatcher. The transcript cases (generated section) ran on
// redis-server 7.0.15, each on an empty db, and their replies are pasted byte for byte; the
// cases before them use the FakeClock or compare against a bit-by-bit model computed here.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "commands/harness.h"

using lrukv::testing::CommandHarness;
using namespace std::literals;

TEST_CASE("SETBIT and BITFIELD keep the TTL; BITOP's destination loses it") {
  CommandHarness h;
  CHECK(h.Run({"SET", "a", "v", "EX", "100"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "d", "v", "EX", "100"}) == "+OK\r\n");
  h.clock.Advance(1'000);
  CHECK(h.Run({"SETBIT", "a", "20", "1"}) == ":0\r\n");
  CHECK(h.Run({"BITFIELD", "a", "SET", "u8", "24", "7"}) == "*1\r\n:0\r\n");
  CHECK(h.Run({"PTTL", "a"}) == ":99000\r\n");
  CHECK(h.Run({"GET", "a"}) == "$4\r\nv\x00\x08\x07\r\n"sv);
  CHECK(h.Run({"BITOP", "OR", "d", "a"}) == ":4\r\n");
  CHECK(h.Run({"PTTL", "d"}) == ":-1\r\n");
}

TEST_CASE("Bit commands on an expired key see no key") {
  CommandHarness h;
  CHECK(h.Run({"SET", "k", "\xff", "PX", "10"}) == "+OK\r\n");
  h.clock.Advance(11);
  CHECK(h.Run({"GETBIT", "k", "0"}) == ":0\r\n");
  CHECK(h.Run({"BITCOUNT", "k"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0"}) == ":0\r\n");
  CHECK(h.Run({"SETBIT", "k", "9", "1"}) == ":0\r\n");
  CHECK(h.Run({"GET", "k"}) == "$2\r\n\x00\x40\r\n"sv);
}

// BITCOUNT and BITPOS over random strings and ranges, against a model that looks at one bit at
// a time with Redis's index rules (negative from the end, clamp, inclusive).
TEST_CASE("BITCOUNT and BITPOS agree with a bit-by-bit model on random bit ranges") {
  CommandHarness h;
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::string value(rng() % 40, '\0');
    const int density = static_cast<int>(rng() % 3);  // mostly zeros, random, mostly ones
    for (char& c : value) {
      const uint64_t r = rng();
      c = static_cast<char>(density == 0 ? (r % 8 == 0 ? r >> 8 : 0)
                                         : density == 1 ? r : (r % 8 == 0 ? r >> 8 : 0xff));
    }
    CHECK(h.Run({"SET", "k", value}) == "+OK\r\n");
    const int64_t bits = static_cast<int64_t>(value.size()) * 8;
    const int64_t start = static_cast<int64_t>(rng() % 400) - 200;
    const int64_t end = static_cast<int64_t>(rng() % 400) - 200;
    int64_t first = start < 0 ? std::max<int64_t>(bits + start, 0) : start;
    int64_t last = end < 0 ? std::max<int64_t>(bits + end, 0) : end;
    if (last >= bits) last = bits - 1;
    int64_t count = 0;
    int64_t pos[2] = {-1, -1};
    for (int64_t i = first; i <= last; ++i) {
      const int bit = (static_cast<unsigned char>(value[i / 8]) >> (7 - i % 8)) & 1;
      count += bit;
      if (pos[bit] < 0) pos[bit] = i;
    }
    if (start < 0 && end < 0 && start > end) count = 0;  // BITCOUNT answers before clamping
    const std::string s = std::to_string(start);
    const std::string e = std::to_string(end);
    CAPTURE(round);
    CHECK(h.Run({"BITCOUNT", "k", s, e, "BIT"}) == ":" + std::to_string(count) + "\r\n");
    CHECK(h.Run({"BITPOS", "k", "1", s, e, "BIT"}) == ":" + std::to_string(pos[1]) + "\r\n");
    CHECK(h.Run({"BITPOS", "k", "0", s, e, "BIT"}) == ":" + std::to_string(pos[0]) + "\r\n");
  }
}

// ---- Transcripts from redis-server 7.0.15 (generated section) ----
// Regenerate: tools/gen_transcript_tests.py PORT < tests/commands/transcripts/bit_commands.txt

TEST_CASE("SETBIT: answers the old bit and grows the string as needed") {
  CommandHarness h;
  CHECK(h.Run({"SETBIT", "b", "7", "1"}) == ":0\r\n");
  CHECK(h.Run({"GET", "b"}) == "$1\r\n\x01\r\n");
  CHECK(h.Run({"SETBIT", "b", "7", "0"}) == ":1\r\n");
  CHECK(h.Run({"SETBIT", "b", "7", "1"}) == ":0\r\n");
  CHECK(h.Run({"SETBIT", "b", "0", "1"}) == ":0\r\n");
  CHECK(h.Run({"GET", "b"}) == "$1\r\n\x81\r\n");
  CHECK(h.Run({"SETBIT", "b", "100", "1"}) == ":0\r\n");
  CHECK(h.Run({"STRLEN", "b"}) == ":13\r\n");
  CHECK(h.Run({"GET", "b"}) == "$13\r\n\x81\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x08\r\n"sv);
  CHECK(h.Run({"SETBIT", "nb", "1", "0"}) == ":0\r\n");
  CHECK(h.Run({"GET", "nb"}) == "$1\r\n\x00\r\n"sv);
  CHECK(h.Run({"SETbit", "nb", "1", "1"}) == ":0\r\n");
  CHECK(h.Run({"GET", "nb"}) == "$1\r\n@\r\n");
}

TEST_CASE("SETBIT: offsets and bit values are checked") {
  CommandHarness h;
  CHECK(h.Run({"SETBIT", "b", "-1", "1"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"SETBIT", "b", "abc", "1"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"SETBIT", "b", "1.0", "1"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"SETBIT", "b", "+1", "1"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"SETBIT", "b", "4294967296", "1"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"SETBIT", "b", "99999999999999", "1"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"SETBIT", "b", "1", "2"}) == "-ERR bit is not an integer or out of range\r\n");
  CHECK(h.Run({"SETBIT", "b", "1", "-1"}) == "-ERR bit is not an integer or out of range\r\n");
  CHECK(h.Run({"SETBIT", "b", "1", "abc"}) == "-ERR bit is not an integer or out of range\r\n");
  CHECK(h.Run({"SETBIT", "b", "1", "01"}) == "-ERR bit is not an integer or out of range\r\n");
  CHECK(h.Run({"SETBIT", "b", "1", ""}) == "-ERR bit is not an integer or out of range\r\n");
  CHECK(h.Run({"SETBIT", "b", "-1", "x"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"GET", "b"}) == "$-1\r\n");
  CHECK(h.Run({"SETBIT", "b", "1"}) == "-ERR wrong number of arguments for 'setbit' command\r\n");
  CHECK(h.Run({"SETBIT", "b", "1", "1", "1"}) ==
        "-ERR wrong number of arguments for 'setbit' command\r\n");
}

TEST_CASE("SETBIT and GETBIT: the offset limit follows proto-max-bulk-len") {
  CommandHarness h;
  h.config.proto_max_bulk_len = 1048576;
  CHECK(h.Run({"SETBIT", "b", "8388607", "1"}) == ":0\r\n");
  CHECK(h.Run({"STRLEN", "b"}) == ":1048576\r\n");
  CHECK(h.Run({"GETBIT", "b", "8388607"}) == ":1\r\n");
  CHECK(h.Run({"SETBIT", "b", "8388608", "1"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"GETBIT", "b", "8388608"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"GETBIT", "nokey", "8388608"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "b", "GET", "u8", "8388600"}) == "*1\r\n:1\r\n");
  CHECK(h.Run({"BITFIELD", "b", "GET", "u8", "8388608"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "b", "GET", "u8", "#1048575"}) == "*1\r\n:1\r\n");
  CHECK(h.Run({"BITFIELD", "b", "GET", "u8", "#1048576"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
}

TEST_CASE("GETBIT: bits past the end and on missing keys are 0") {
  CommandHarness h;
  CHECK(h.Run({"SET", "t", "v\x00\x08"sv}) == "+OK\r\n");
  CHECK(h.Run({"GETBIT", "t", "20"}) == ":1\r\n");
  CHECK(h.Run({"GETBIT", "t", "0"}) == ":0\r\n");
  CHECK(h.Run({"GETBIT", "t", "1"}) == ":1\r\n");
  CHECK(h.Run({"GETBIT", "t", "99999"}) == ":0\r\n");
  CHECK(h.Run({"GETBIT", "t", "4294967295"}) == ":0\r\n");
  CHECK(h.Run({"GETBIT", "nokey", "0"}) == ":0\r\n");
  CHECK(h.Run({"GETBIT", "t", "-1"}) == "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"GETBIT", "t", "abc"}) == "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"GETBIT", "t", "4294967296"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"GETBIT", "nokey", "-1"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"GETBIT", "t"}) == "-ERR wrong number of arguments for 'getbit' command\r\n");
  CHECK(h.Run({"GETBIT", "t", "1", "2"}) ==
        "-ERR wrong number of arguments for 'getbit' command\r\n");
}

TEST_CASE("BITCOUNT: whole string, byte ranges and bit ranges") {
  CommandHarness h;
  CHECK(h.Run({"SET", "foo", "foobar"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "foo"}) == ":26\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "0", "0"}) == ":4\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "1", "1"}) == ":6\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "1", "1", "BYTE"}) == ":6\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "0", "1", "byte"}) == ":10\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "0", "1", "bit"}) == ":1\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "5", "30", "BIT"}) == ":17\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "0", "-1", "BIT"}) == ":26\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "-5", "-1", "BIT"}) == ":2\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "1", "-2"}) == ":18\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "5", "2"}) == ":0\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "-100", "100"}) == ":26\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "-1", "-100"}) == ":0\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "100", "200"}) == ":0\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "9223372036854775807", "-1"}) == ":0\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "-9223372036854775808", "-1"}) == ":26\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "0", "-9223372036854775808"}) == ":4\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "-9223372036854775808", "-1", "BIT"}) == ":26\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "0", "9223372036854775807", "BIT"}) == ":26\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "7", "7", "BIT"}) == ":0\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "8", "15", "BIT"}) == ":6\r\n");
  CHECK(h.Run({"SET", "big", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"}) ==
        "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "big"}) == ":145\r\n");
  CHECK(h.Run({"BITCOUNT", "big", "3", "70", "BIT"}) == ":68\r\n");
  CHECK(h.Run({"BITCOUNT", "big", "1", "-2"}) == ":136\r\n");
  CHECK(h.Run({"SET", "e", ""}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "e"}) == ":0\r\n");
  CHECK(h.Run({"BITCOUNT", "e", "0", "-1"}) == ":0\r\n");
  CHECK(h.Run({"BITCOUNT", "e", "0", "-1", "BIT"}) == ":0\r\n");
}

TEST_CASE("BITCOUNT: argument errors, and which come before the key or the unit") {
  CommandHarness h;
  CHECK(h.Run({"SET", "foo", "foobar"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "0"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "0", "1", "2"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "0", "1", "FOO"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "0", "1", "BIT", "5"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "a", "b"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "0", "b"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "-1", "-5", "FOO"}) == ":0\r\n");
  CHECK(h.Run({"BITCOUNT", "foo", "1", "-5", "FOO"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITCOUNT", "nokey"}) == ":0\r\n");
  CHECK(h.Run({"BITCOUNT", "nokey", "0", "1"}) == ":0\r\n");
  CHECK(h.Run({"BITCOUNT", "nokey", "0", "a"}) == ":0\r\n");
  CHECK(h.Run({"BITCOUNT", "nokey", "0"}) == ":0\r\n");
  CHECK(h.Run({"BITCOUNT", "nokey", "0", "1", "FOO"}) == ":0\r\n");
  CHECK(h.Run({"BITCOUNT"}) == "-ERR wrong number of arguments for 'bitcount' command\r\n");
}

TEST_CASE("BITPOS: first set or clear bit, with byte and bit ranges") {
  CommandHarness h;
  CHECK(h.Run({"SET", "m", "\xff\xf0\x00"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITPOS", "m", "0"}) == ":12\r\n");
  CHECK(h.Run({"BITPOS", "m", "1"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "m", "0", "2"}) == ":16\r\n");
  CHECK(h.Run({"BITPOS", "m", "1", "2"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "m", "1", "2", "-1"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "m", "0", "0", "0"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "m", "0", "0", "0", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "m", "1", "7", "15", "BIT"}) == ":7\r\n");
  CHECK(h.Run({"BITPOS", "m", "0", "7", "15", "BIT"}) == ":12\r\n");
  CHECK(h.Run({"BITPOS", "m", "0", "12", "15", "BIT"}) == ":12\r\n");
  CHECK(h.Run({"BITPOS", "m", "1", "12", "15", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "m", "1", "0", "-1", "BIT"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "m", "1", "5", "2"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "m", "1", "-1", "-5"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "m", "1", "100"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "m", "0", "100"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "m", "0", "1", "1", "bit"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "m", "0", "-9", "-1", "bit"}) == ":15\r\n");
}

TEST_CASE("BITPOS: looking for 0 without an end reads zeros past the string") {
  CommandHarness h;
  CHECK(h.Run({"SET", "ff", "\xff\xff\xff"}) == "+OK\r\n");
  CHECK(h.Run({"BITPOS", "ff", "0"}) == ":24\r\n");
  CHECK(h.Run({"BITPOS", "ff", "0", "0"}) == ":24\r\n");
  CHECK(h.Run({"BITPOS", "ff", "0", "1"}) == ":24\r\n");
  CHECK(h.Run({"BITPOS", "ff", "0", "-1"}) == ":24\r\n");
  CHECK(h.Run({"BITPOS", "ff", "0", "0", "-1"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "ff", "0", "0", "-1", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "ff", "0", "0", "-1", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "ff", "0", "0", "23", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "ff", "1", "0", "-1", "BIT"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "ff", "1", "3", "BYTE"}) ==
        "-ERR value is not an integer or out of range\r\n");
}

TEST_CASE("BITPOS: all-zero, empty and missing values") {
  CommandHarness h;
  CHECK(h.Run({"SET", "z", "\x00\x00\x00"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITPOS", "z", "1"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "z", "1", "0", "-1"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "z", "1", "0", "-1", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "z", "0"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "z", "0", "1", "-1", "BIT"}) == ":1\r\n");
  CHECK(h.Run({"BITPOS", "z", "0", "-3", "-1", "BIT"}) == ":21\r\n");
  CHECK(h.Run({"BITPOS", "z", "0", "9223372036854775807"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "z", "0", "-9223372036854775808"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "z", "0", "0", "-9223372036854775808"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "z", "0", "-9223372036854775808", "-1", "BIT"}) == ":0\r\n");
  CHECK(h.Run({"SET", "e", ""}) == "+OK\r\n");
  CHECK(h.Run({"BITPOS", "e", "0"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "e", "1"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "e", "0", "0", "-1", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "nokey", "0"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "nokey", "1"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "nokey", "1", "a"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "nokey", "0", "0", "1", "FOO"}) == ":0\r\n");
  CHECK(h.Run({"SET", "long", "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x10\x00"sv}) ==
        "+OK\r\n");
  CHECK(h.Run({"BITPOS", "long", "1"}) == ":155\r\n");
  CHECK(h.Run({"BITPOS", "long", "1", "3", "-1"}) == ":155\r\n");
  CHECK(h.Run({"BITPOS", "long", "1", "20"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "long", "0", "0", "-1"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "long", "1", "9", "158", "BIT"}) == ":155\r\n");
  CHECK(h.Run({"BITPOS", "long", "1", "9", "150", "BIT"}) == ":-1\r\n");
}

TEST_CASE("BITPOS: argument errors in Redis's order") {
  CommandHarness h;
  CHECK(h.Run({"SET", "m", "\xff\xf0\x00"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITPOS", "m", "2"}) == "-ERR The bit argument must be 1 or 0.\r\n");
  CHECK(h.Run({"BITPOS", "m", "-1"}) == "-ERR The bit argument must be 1 or 0.\r\n");
  CHECK(h.Run({"BITPOS", "m", "a"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"BITPOS", "nokey", "2"}) == "-ERR The bit argument must be 1 or 0.\r\n");
  CHECK(h.Run({"BITPOS", "m", "1", "a"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"BITPOS", "m", "1", "0", "a"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"BITPOS", "m", "1", "0", "1", "FOO"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITPOS", "m", "1", "0", "1", "BIT", "5"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITPOS", "m", "1", "a", "1", "FOO"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"BITPOS", "m", "1", "0", "a", "FOO"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITPOS", "m", "a", "0", "1", "FOO"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"BITPOS", "m", "0", "-1", "BIT"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"BITPOS", "m", "1", "1", "BYTE"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"BITPOS", "m"}) == "-ERR wrong number of arguments for 'bitpos' command\r\n");
}

TEST_CASE("BITOP: AND OR XOR NOT with zero padding") {
  CommandHarness h;
  CHECK(h.Run({"MSET", "a", "\x0f\xf0", "b", "\xff", "c", ""}) == "+OK\r\n");
  CHECK(h.Run({"BITOP", "AND", "d", "a", "b"}) == ":2\r\n");
  CHECK(h.Run({"GET", "d"}) == "$2\r\n\x0f\x00\r\n"sv);
  CHECK(h.Run({"BITOP", "OR", "d", "a", "b"}) == ":2\r\n");
  CHECK(h.Run({"GET", "d"}) == "$2\r\n\xff\xf0\r\n");
  CHECK(h.Run({"BITOP", "XOR", "d", "a", "b"}) == ":2\r\n");
  CHECK(h.Run({"GET", "d"}) == "$2\r\n\xf0\xf0\r\n");
  CHECK(h.Run({"BITOP", "NOT", "d", "a"}) == ":2\r\n");
  CHECK(h.Run({"GET", "d"}) == "$2\r\n\xf0\x0f\r\n");
  CHECK(h.Run({"BITOP", "AND", "d", "a", "nokey"}) == ":2\r\n");
  CHECK(h.Run({"GET", "d"}) == "$2\r\n\x00\x00\r\n"sv);
  CHECK(h.Run({"BITOP", "OR", "d", "a", "nokey"}) == ":2\r\n");
  CHECK(h.Run({"GET", "d"}) == "$2\r\n\x0f\xf0\r\n");
  CHECK(h.Run({"BITOP", "XOR", "d", "a", "c"}) == ":2\r\n");
  CHECK(h.Run({"GET", "d"}) == "$2\r\n\x0f\xf0\r\n");
  CHECK(h.Run({"BITOP", "and", "d", "a", "a", "b"}) == ":2\r\n");
  CHECK(h.Run({"GET", "d"}) == "$2\r\n\x0f\x00\r\n"sv);
  CHECK(h.Run({"BITOP", "xor", "d", "a", "a"}) == ":2\r\n");
  CHECK(h.Run({"GET", "d"}) == "$2\r\n\x00\x00\r\n"sv);
  CHECK(h.Run({"BITOP", "or", "d", "d", "b"}) == ":2\r\n");
  CHECK(h.Run({"GET", "d"}) == "$2\r\n\xff\x00\r\n"sv);
  CHECK(h.Run({"BITOP", "NOT", "a", "a"}) == ":2\r\n");
  CHECK(h.Run({"GET", "a"}) == "$2\r\n\xf0\x0f\r\n");
}

TEST_CASE("BITOP: an empty result deletes the destination") {
  CommandHarness h;
  CHECK(h.Run({"SET", "d", "x"}) == "+OK\r\n");
  CHECK(h.Run({"BITOP", "AND", "d", "nokey", "nokey2"}) == ":0\r\n");
  CHECK(h.Run({"GET", "d"}) == "$-1\r\n");
  CHECK(h.Run({"SET", "d", "x"}) == "+OK\r\n");
  CHECK(h.Run({"BITOP", "NOT", "d", "nokey"}) == ":0\r\n");
  CHECK(h.Run({"GET", "d"}) == "$-1\r\n");
  CHECK(h.Run({"SET", "c", ""}) == "+OK\r\n");
  CHECK(h.Run({"SET", "d", "x"}) == "+OK\r\n");
  CHECK(h.Run({"BITOP", "OR", "d", "c"}) == ":0\r\n");
  CHECK(h.Run({"GET", "d"}) == "$-1\r\n");
}

TEST_CASE("BITOP: errors") {
  CommandHarness h;
  CHECK(h.Run({"BITOP", "NOT", "d", "a", "b"}) ==
        "-ERR BITOP NOT must be called with a single source key.\r\n");
  CHECK(h.Run({"BITOP", "FOO", "d", "a"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITOP", "DIFF", "d", "a"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITOP", "AND", "d"}) == "-ERR wrong number of arguments for 'bitop' command\r\n");
  CHECK(h.Run({"BITOP", "AND"}) == "-ERR wrong number of arguments for 'bitop' command\r\n");
}

TEST_CASE("BITFIELD: GET SET INCRBY on signed and unsigned fields") {
  CommandHarness h;
  CHECK(h.Run({"BITFIELD", "bf"}) == "*0\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "0"}) == "*1\r\n:0\r\n");
  CHECK(h.Run({"GET", "bf"}) == "$-1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "u8", "0", "255"}) == "*1\r\n:0\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "0", "GET", "i8", "0", "GET", "u4", "0", "GET", "i4", "4"}) ==
        "*4\r\n:255\r\n:-1\r\n:15\r\n:-1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "i8", "0", "-1", "GET", "u8", "0"}) ==
        "*2\r\n:-1\r\n:255\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "INCRBY", "u8", "0", "1"}) == "*1\r\n:0\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "INCRBY", "i8", "0", "127"}) == "*1\r\n:127\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "INCRBY", "i8", "0", "1"}) == "*1\r\n:-128\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "u8", "#1", "5"}) == "*1\r\n:0\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "8"}) == "*1\r\n:5\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "#1"}) == "*1\r\n:5\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "#0"}) == "*1\r\n:128\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "set", "u3", "13", "5", "get", "u3", "13", "get", "u16", "0"}) ==
        "*3\r\n:5\r\n:5\r\n:32773\r\n");
  CHECK(h.Run({"GET", "bf"}) == "$2\r\n\x80\x05\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "4294967295"}) == "*1\r\n:0\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "#536870911"}) == "*1\r\n:0\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "i64", "0"}) == "*1\r\n:-9221964661971222528\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "i64", "0", "-9223372036854775808"}) ==
        "*1\r\n:-9221964661971222528\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "i64", "0", "GET", "u63", "0", "GET", "u1", "0", "GET", "i1", "0"}) ==
        "*4\r\n:-9223372036854775808\r\n:4611686018427387904\r\n:1\r\n:-1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "i64", "0", "1234567890123", "GET", "i64", "0", "INCRBY", "i64", "0", "-1234567890124"}) ==
        "*3\r\n:-9223372036854775808\r\n:1234567890123\r\n:-1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "i5", "3", "-7", "GET", "i5", "3", "GET", "u5", "3", "GET", "u16", "0"}) ==
        "*4\r\n:-1\r\n:-7\r\n:25\r\n:63999\r\n");
}

TEST_CASE("BITFIELD: OVERFLOW WRAP SAT FAIL") {
  CommandHarness h;
  CHECK(h.Run({"SET", "bf", "\x80"}) == "+OK\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "200"}) ==
        "*1\r\n:72\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "-1000"}) ==
        "*1\r\n:-128\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "-1"}) ==
        "*1\r\n$-1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "i8", "0"}) == "*1\r\n:-128\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "FAIL", "SET", "i8", "0", "200"}) == "*1\r\n$-1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "SAT", "SET", "i8", "0", "200"}) == "*1\r\n:-128\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "WRAP", "SET", "i8", "0", "200"}) == "*1\r\n:127\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "SAT", "SET", "u8", "0", "-5"}) == "*1\r\n:200\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "FAIL", "SET", "u8", "0", "-5"}) == "*1\r\n$-1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "u8", "0", "-5"}) == "*1\r\n:255\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "u8", "0", "300"}) == "*1\r\n:251\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "0"}) == "*1\r\n:44\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "i8", "0", "-200"}) == "*1\r\n:44\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "SAT", "SET", "i8", "0", "-200"}) == "*1\r\n:56\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "-9223372036854775808"}) ==
        "*1\r\n:0\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "0", "OVERFLOW", "FAIL", "SET", "u8", "0", "1000", "GET", "u8", "0", "INCRBY", "u8", "0", "1"}) ==
        "*4\r\n:0\r\n$-1\r\n:0\r\n:1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "wrap", "incrby", "u2", "100", "1", "overflow", "sat", "incrby", "u2", "102", "1", "get", "u2", "100", "get", "u2", "102"}) ==
        "*4\r\n:1\r\n:1\r\n:1\r\n:1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "sat", "incrby", "u2", "100", "7", "overflow", "wrap", "incrby", "u2", "102", "7", "get", "u2", "100", "get", "u2", "102"}) ==
        "*4\r\n:3\r\n:0\r\n:3\r\n:0\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "i8", "0", "-128", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "-1", "GET", "i8", "0"}) ==
        "*3\r\n:1\r\n$-1\r\n:-128\r\n");
}

TEST_CASE("BITFIELD: 64-bit and 63-bit edges") {
  CommandHarness h;
  CHECK(h.Run({"BITFIELD", "bf", "SET", "i64", "0", "-9223372036854775808"}) == "*1\r\n:0\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "INCRBY", "i64", "0", "-1"}) == "*1\r\n:9223372036854775807\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1"}) ==
        "*1\r\n:9223372036854775806\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "9223372036854775807"}) ==
        "*1\r\n:9223372036854775807\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "1"}) ==
        "*1\r\n$-1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-9223372036854775808"}) ==
        "*1\r\n:-1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-9223372036854775808"}) ==
        "*1\r\n:-9223372036854775808\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "-1"}) ==
        "*1\r\n$-1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "u63", "0", "9223372036854775807"}) ==
        "*1\r\n:4611686018427387904\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "INCRBY", "u63", "0", "1"}) == "*1\r\n:0\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "u63", "0", "1"}) == "*1\r\n:1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "u63", "0", "-9223372036854775808"}) ==
        "*1\r\n:0\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u63", "0", "-1"}) ==
        "*1\r\n$-1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "u63", "0", "9223372036854775807"}) ==
        "*1\r\n:9223372036854775807\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "u63", "0", "1"}) ==
        "*1\r\n:9223372036854775807\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u63", "0", "1"}) ==
        "*1\r\n$-1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "i1", "0", "1"}) == "*1\r\n:-1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "i1", "0"}) == "*1\r\n:-1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "SAT", "SET", "i1", "0", "1"}) == "*1\r\n:-1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "i1", "0"}) == "*1\r\n:0\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "FAIL", "SET", "i1", "0", "-1"}) == "*1\r\n:0\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "FAIL", "SET", "u1", "0", "2"}) == "*1\r\n$-1\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "SAT", "SET", "u1", "0", "2"}) == "*1\r\n:1\r\n");
}

TEST_CASE("BITFIELD: a write grows the key even when OVERFLOW FAIL writes nothing") {
  CommandHarness h;
  CHECK(h.Run({"BITFIELD", "nk", "OVERFLOW", "FAIL", "SET", "u8", "0", "1000"}) == "*1\r\n$-1\r\n");
  CHECK(h.Run({"GET", "nk"}) == "$1\r\n\x00\r\n"sv);
  CHECK(h.Run({"BITFIELD", "nk", "OVERFLOW", "FAIL", "SET", "u8", "80", "1"}) == "*1\r\n:0\r\n");
  CHECK(h.Run({"STRLEN", "nk"}) == ":11\r\n");
  CHECK(h.Run({"BITFIELD", "nk2", "OVERFLOW", "FAIL", "INCRBY", "u8", "80", "1000"}) ==
        "*1\r\n$-1\r\n");
  CHECK(h.Run({"STRLEN", "nk2"}) == ":11\r\n");
  CHECK(h.Run({"BITFIELD", "nk3", "GET", "u8", "100", "SET", "u4", "0", "1", "GET", "u8", "100"}) ==
        "*3\r\n:0\r\n:0\r\n:0\r\n");
  CHECK(h.Run({"STRLEN", "nk3"}) == ":1\r\n");
  CHECK(h.Run({"BITFIELD", "ro", "GET", "u8", "800"}) == "*1\r\n:0\r\n");
  CHECK(h.Run({"GET", "ro"}) == "$-1\r\n");
}

// Whether the key changed as WATCH sees it: WATCH `key`, run `cmd`, then EXEC an empty
// transaction ("*-1" when the command signalled a change, as Redis 7.0's signalModifiedKey).
static bool SignalsChange(CommandHarness& h, std::string_view key,
                          std::initializer_list<std::string_view> cmd) {
  h.Run({"WATCH", key});
  h.Run(cmd);
  h.Run({"MULTI"});
  return h.Run({"EXEC"}) == "*-1\r\n";
}

TEST_CASE("SETBIT signals a change only when it flips the bit or creates or grows the string") {
  CommandHarness h;
  h.Run({"SET", "k", "\xff"});
  CHECK_FALSE(SignalsChange(h, "k", {"SETBIT", "k", "0", "1"}));
  CHECK(SignalsChange(h, "k", {"SETBIT", "k", "0", "0"}));
  CHECK(SignalsChange(h, "k", {"SETBIT", "k", "100", "0"}));  // grows, writes a 0
  CHECK(SignalsChange(h, "new", {"SETBIT", "new", "0", "0"}));  // creates
  CHECK(h.Run({"GET", "k"}) == "$13\r\n\x7f\0\0\0\0\0\0\0\0\0\0\0\0\r\n"sv);
}

TEST_CASE("BITFIELD signals a change only when a write changes a field or grows the string") {
  CommandHarness h;
  h.Run({"SET", "k", "a"});  // 97
  CHECK_FALSE(SignalsChange(h, "k", {"BITFIELD", "k", "SET", "u8", "0", "97"}));
  CHECK_FALSE(SignalsChange(h, "k", {"BITFIELD", "k", "INCRBY", "u8", "0", "256"}));  // wraps
  CHECK_FALSE(SignalsChange(h, "k", {"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0",
                                     "300"}));
  CHECK(SignalsChange(h, "k", {"BITFIELD", "k", "SET", "u8", "0", "98", "SET", "u8", "0", "97"}));
  // A refused write still grows the string, unsignalled; an accepted one on a grown string
  // signals even when the field keeps its value.
  CHECK_FALSE(SignalsChange(h, "k", {"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", "16",
                                     "5"}));
  CHECK(h.Run({"STRLEN", "k"}) == ":3\r\n");
  CHECK(SignalsChange(h, "k", {"BITFIELD", "k", "SET", "u8", "24", "0"}));
  CHECK(h.Run({"STRLEN", "k"}) == ":4\r\n");
}

TEST_CASE("BITFIELD: errors stop the whole command before anything runs") {
  CommandHarness h;
  CHECK(h.Run({"SET", "bf", "\x01"}) == "+OK\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u64", "0"}) ==
        "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "i65", "0"}) ==
        "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u0", "0"}) ==
        "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "i0", "0"}) ==
        "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "x8", "0"}) ==
        "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u", "0"}) ==
        "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "8", "0"}) ==
        "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "U8", "0"}) ==
        "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u08", "0"}) ==
        "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u+8", "0"}) ==
        "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "#-1"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "-1"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "abc"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "#abc"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "#"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "+1"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "01"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "#+1"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "4294967296"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "#536870912"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "#1152921504606846976"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "u8", "0"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "u8", "0", "abc"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "u8", "0", "9223372036854775808"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "INCRBY", "u8", "0", "abc"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "INCRBY", "u8", "0", "-9223372036854775809"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "INCRBY", "u8", "0"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "FOO"}) == "-ERR Invalid OVERFLOW type specified\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "FOO"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "get", "u8", "0", "foo"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "u8", "0", "1", "GET", "u8", "0", "FOO"}) ==
        "-ERR syntax error\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "SET", "u8", "0", "77", "GET", "u8", "0", "GET", "u8", "abc"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"BITFIELD", "bf", "GET", "u8", "0"}) == "*1\r\n:1\r\n");
  CHECK(h.Run({"BITFIELD"}) == "-ERR wrong number of arguments for 'bitfield' command\r\n");
}

TEST_CASE("BITFIELD_RO: only GET, and errors still parsed first") {
  CommandHarness h;
  CHECK(h.Run({"SET", "bf", "\x81"}) == "+OK\r\n");
  CHECK(h.Run({"BITFIELD_RO", "bf", "GET", "u8", "0"}) == "*1\r\n:129\r\n");
  CHECK(h.Run({"BITFIELD_RO", "bf", "GET", "u8", "0", "GET", "i4", "0"}) ==
        "*2\r\n:129\r\n:-8\r\n");
  CHECK(h.Run({"BITFIELD_RO", "bf", "OVERFLOW", "SAT", "GET", "u8", "0"}) == "*1\r\n:129\r\n");
  CHECK(h.Run({"BITFIELD_RO", "bf"}) == "*0\r\n");
  CHECK(h.Run({"BITFIELD_RO", "nokey", "GET", "u8", "0"}) == "*1\r\n:0\r\n");
  CHECK(h.Run({"BITFIELD_RO", "bf", "SET", "u8", "0", "1"}) ==
        "-ERR BITFIELD_RO only supports the GET subcommand\r\n");
  CHECK(h.Run({"BITFIELD_RO", "bf", "INCRBY", "u8", "0", "1"}) ==
        "-ERR BITFIELD_RO only supports the GET subcommand\r\n");
  CHECK(h.Run({"BITFIELD_RO", "bf", "SET", "u8", "0", "1", "FOO"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITFIELD_RO", "bf", "SET", "u8", "0", "1", "GET", "u8", "0"}) ==
        "-ERR BITFIELD_RO only supports the GET subcommand\r\n");
  CHECK(h.Run({"BITFIELD_RO", "bf", "FOO"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"BITFIELD_RO", "bf", "GET", "u99", "0"}) ==
        "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
  CHECK(h.Run({"BITFIELD_RO", "bf", "GET", "u8", "-1"}) ==
        "-ERR bit offset is not an integer or out of range\r\n");
  CHECK(h.Run({"GET", "bf"}) == "$1\r\n\x81\r\n");
}

TEST_CASE("RESP3: BITFIELD's OVERFLOW FAIL answer is a null") {
  CommandHarness h;
  h.client.protocol = 3;
  CHECK(h.Run({"BITFIELD", "bf", "OVERFLOW", "FAIL", "SET", "u8", "0", "1000", "GET", "u8", "0", "INCRBY", "i8", "0", "200"}) ==
        "*3\r\n_\r\n:0\r\n_\r\n");
  CHECK(h.Run({"BITFIELD_RO", "bf", "GET", "u8", "0"}) == "*1\r\n:0\r\n");
  CHECK(h.Run({"BITPOS", "nokey", "1"}) == ":-1\r\n");
}

TEST_CASE("BITCOUNT and BITPOS on random strings and ranges") {
  CommandHarness h;
  CHECK(h.Run({"SET", "k", "\x00" "0\x00m\xde"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-7", "-2", "BYTE"}) == ":7\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-7", "-2", "BYTE"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-7", "-2", "BYTE"}) == ":10\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-7"}) == ":0\r\n");
  CHECK(h.Run({"SET", "k", "\xff"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-4", "-2"}) == ":8\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-4", "-2"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-4", "-2"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-4"}) == ":8\r\n");
  CHECK(h.Run({"SET", "k", "\xff\xcbqD\xff<\xff\xff\xff`"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-11", "3", "BYTE"}) == ":19\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-11", "3", "BYTE"}) == ":10\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-11", "3", "BYTE"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-11"}) == ":10\r\n");
  CHECK(h.Run({"SET", "k", "\x00\x00\x00\x00\x00\x00\x00\x00\x00|\x99"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "0", "13"}) == ":9\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "0", "13"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "0", "13"}) == ":73\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "0"}) == ":0\r\n");
  CHECK(h.Run({"SET", "k", "\xff\xff\xd6\xaf\xfa"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-8", "-7", "BYTE"}) == ":8\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-8", "-7", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-8", "-7", "BYTE"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-8"}) == ":18\r\n");
  CHECK(h.Run({"SET", "k", "\xff\xff\xff\xff\xff\xff/\xff"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "10", "9", "BYTE"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "10", "9", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "10", "9", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "10"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "\x00"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "4", "2", "BYTE"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "4", "2", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "4", "2", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "4"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "\xff\xff\xec\xff"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-5", "7"}) == ":29\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-5", "7"}) == ":19\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-5", "7"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-5"}) == ":19\r\n");
  CHECK(h.Run({"SET", "k", ""}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-2", "-1", "BYTE"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-2", "-1", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-2", "-1", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-2"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "\xfe)U\xe5\xcd\x8e"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "42", "3", "BIT"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "42", "3", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "42", "3", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "\xb7\xc2vM*ZMvw\x06\xf8"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-10", "-7"}) == ":15\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-10", "-7"}) == ":10\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-10", "-7"}) == ":8\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-10"}) == ":10\r\n");
  CHECK(h.Run({"SET", "k", "\xbd\x00\x00\x1b"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "4", "4", "BYTE"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "4", "4", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "4", "4", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "4"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "5\xf6\xcd\x1f" "a\""}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "44", "-27", "BIT"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "44", "-27", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "44", "-27", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "\x1a"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-28", "8", "BIT"}) == ":3\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-28", "8", "BIT"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-28", "8", "BIT"}) == ":3\r\n");
  CHECK(h.Run({"SET", "k", "\xba\xff"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-10", "12", "BIT"}) == ":6\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-10", "12", "BIT"}) == ":7\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-10", "12", "BIT"}) == ":6\r\n");
  CHECK(h.Run({"SET", "k", "\xff\xff"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "1", "-5", "BYTE"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "1", "-5", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "1", "-5", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "1"}) == ":16\r\n");
  CHECK(h.Run({"SET", "k", "\xee"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "2", "-1", "BYTE"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "2", "-1", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "2", "-1", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "2"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "\xaf"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-1", "2"}) == ":6\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-1", "2"}) == ":1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-1", "2"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-1"}) == ":1\r\n");
  CHECK(h.Run({"SET", "k", "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x85\x00"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-17", "89", "BIT"}) == ":3\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-17", "89", "BIT"}) == ":71\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-17", "89", "BIT"}) == ":72\r\n");
  CHECK(h.Run({"SET", "k", "\xff\xff\xff"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "5", "5"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "5", "5"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "5", "5"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "5"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "\x00\x00\x00"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "0", "-2"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "0", "-2"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "0", "-2"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "0"}) == ":0\r\n");
  CHECK(h.Run({"SET", "k", "\x00\x00\x00\xb0\x00\x00\x00\x00\x00\x00\x00"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-22", "-56", "BIT"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-22", "-56", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-22", "-56", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "\xff\xff\xb0\xff=\xff\xff"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "46", "-31", "BIT"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "46", "-31", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "46", "-31", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "\xff\xff\xff\xff\xff\xff"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-5", "-5"}) == ":8\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-5", "-5"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-5", "-5"}) == ":8\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-5"}) == ":48\r\n");
  CHECK(h.Run({"SET", "k", "\xee\x00"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "24", "8", "BIT"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "24", "8", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "24", "8", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "\xff" "4"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "5", "-4"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "5", "-4"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "5", "-4"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "5"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "\x00\x00\x00\x00\x00\x00"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "7", "3", "BYTE"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "7", "3", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "7", "3", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "7"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "\x00\x00"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "4", "3", "BYTE"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "4", "3", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "4", "3", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "4"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "BM\x09\xe1]\x02LX"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "37", "74", "BIT"}) == ":9\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "37", "74", "BIT"}) == ":38\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "37", "74", "BIT"}) == ":37\r\n");
  CHECK(h.Run({"SET", "k", "\x00\x00\x00\x00\x00\x1d\x00\x00\x00\x00\x00"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "5", "-25", "BIT"}) == ":4\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "5", "-25", "BIT"}) == ":5\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "5", "-25", "BIT"}) == ":43\r\n");
  CHECK(h.Run({"SET", "k", "\xff\x8d\xff\xff\xff\xff\xff\xff\xff"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "4", "-7", "BYTE"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "4", "-7", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "4", "-7", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "4"}) == ":72\r\n");
  CHECK(h.Run({"SET", "k", "\x00\x00\x00\x00\x00\x00\x00"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-37", "17", "BIT"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-37", "17", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-37", "17", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "F\xef"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-24", "14", "BIT"}) == ":9\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-24", "14", "BIT"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-24", "14", "BIT"}) == ":1\r\n");
  CHECK(h.Run({"SET", "k", "\x00\x00\xdc\x00\x00\x00\x00"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "17", "-72", "BIT"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "17", "-72", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "17", "-72", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "\xff\xff\xff\xff\xff"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-46", "57", "BIT"}) == ":40\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-46", "57", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-46", "57", "BIT"}) == ":0\r\n");
  CHECK(h.Run({"SET", "k", "\x8b\\\x00"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "10", "42", "BIT"}) == ":3\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "10", "42", "BIT"}) == ":10\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "10", "42", "BIT"}) == ":11\r\n");
  CHECK(h.Run({"SET", "k", "L\xfd\xa7-"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-7", "-3", "BYTE"}) == ":10\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-7", "-3", "BYTE"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-7", "-3", "BYTE"}) == ":1\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-7"}) == ":0\r\n");
  CHECK(h.Run({"SET", "k", "\x00-\x00q>\x00"sv}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "7", "3", "BYTE"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "7", "3", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "7", "3", "BYTE"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "7"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "z\xff\xff\xff"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "-27", "-13", "BIT"}) == ":13\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "-27", "-13", "BIT"}) == ":5\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "-27", "-13", "BIT"}) == ":6\r\n");
  CHECK(h.Run({"SET", "k", "i\x94\xe4[\x8a\xb1\x09\x80\x12\x07"}) == "+OK\r\n");
  CHECK(h.Run({"BITCOUNT", "k", "87", "29", "BIT"}) == ":0\r\n");
  CHECK(h.Run({"BITPOS", "k", "0", "87", "29", "BIT"}) == ":-1\r\n");
  CHECK(h.Run({"BITPOS", "k", "1", "87", "29", "BIT"}) == ":-1\r\n");
}

