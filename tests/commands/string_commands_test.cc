// The string family through the real Dispatcher. The transcript cases (generated section) ran on
// redis-server 7.0.15, each on an empty db, and their replies are pasted byte for byte. The
// cases before them move the FakeClock (Redis's own TTL rules, values computed here) or read
// the engine's counters (the counts checked with INFO stats on Redis).
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "commands/harness.h"

using lrukv::testing::CommandHarness;
using namespace std::literals;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;  // the FakeClock's start, ms

}  // namespace

// ---- TTLs under the fake clock ----

TEST_CASE("SET EX: key is gone once the fake clock passes the TTL") {
  CommandHarness h;
  CHECK(h.Run({"SET", "k", "v", "EX", "10"}) == "+OK\r\n");
  CHECK(h.Run({"PTTL", "k"}) == ":10000\r\n");
  h.clock.Advance(9'999);
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
  h.clock.Advance(2);
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
}

TEST_CASE("SET PX, SETEX, PSETEX: TTLs are relative to the command's time") {
  CommandHarness h;
  CHECK(h.Run({"SET", "a", "v", "PX", "1500"}) == "+OK\r\n");
  CHECK(h.Run({"SETEX", "b", "3", "v"}) == "+OK\r\n");
  CHECK(h.Run({"PSETEX", "c", "2500", "v"}) == "+OK\r\n");
  CHECK(h.Run({"PTTL", "a"}) == ":1500\r\n");
  CHECK(h.Run({"PTTL", "b"}) == ":3000\r\n");
  CHECK(h.Run({"PTTL", "c"}) == ":2500\r\n");
  h.clock.Advance(2'000);
  CHECK(h.Run({"MGET", "a", "b", "c"}) == "*3\r\n$-1\r\n$1\r\nv\r\n$1\r\nv\r\n");
  h.clock.Advance(600);
  CHECK(h.Run({"MGET", "a", "b", "c"}) == "*3\r\n$-1\r\n$1\r\nv\r\n$-1\r\n");
  h.clock.Advance(500);
  CHECK(h.Run({"MGET", "a", "b", "c"}) == "*3\r\n$-1\r\n$-1\r\n$-1\r\n");
}

TEST_CASE("SET EXAT/PXAT: absolute deadlines in unix time") {
  CommandHarness h;
  const std::string exat = std::to_string(kNow / 1000 + 10);
  const std::string pxat = std::to_string(kNow + 2'500);
  CHECK(h.Run({"SET", "a", "v", "EXAT", exat}) == "+OK\r\n");
  CHECK(h.Run({"SET", "b", "v", "PXAT", pxat}) == "+OK\r\n");
  CHECK(h.Run({"PTTL", "a"}) == ":10000\r\n");
  CHECK(h.Run({"PTTL", "b"}) == ":2500\r\n");
  h.clock.Advance(3'000);
  CHECK(h.Run({"GET", "b"}) == "$-1\r\n");
  CHECK(h.Run({"GET", "a"}) == "$1\r\nv\r\n");
}

TEST_CASE("SET PX: a deadline of exactly INT64_MAX ms is accepted, one more overflows") {
  CommandHarness h;
  const std::string max_px = std::to_string(INT64_MAX - kNow);
  const std::string over_px = std::to_string(INT64_MAX - kNow + 1);
  CHECK(h.Run({"SET", "k", "v", "PX", max_px}) == "+OK\r\n");
  CHECK(h.Run({"SET", "k", "v", "PX", over_px}) ==
        "-ERR invalid expire time in 'set' command\r\n");
  CHECK(h.Run({"PSETEX", "k", over_px, "v"}) == "-ERR invalid expire time in 'psetex' command\r\n");
  CHECK(h.Run({"GETEX", "k", "PX", over_px}) == "-ERR invalid expire time in 'getex' command\r\n");
  // INT64_MAX / 1000 seconds pass the unit check, then overflow when now is added.
  CHECK(h.Run({"SET", "k", "v", "EX", "9223372036854775"}) ==
        "-ERR invalid expire time in 'set' command\r\n");
  CHECK(h.Run({"SET", "k", "v", "EXAT", "9223372036854775"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "k", "v", "EXAT", "9223372036854776"}) ==
        "-ERR invalid expire time in 'set' command\r\n");
}

TEST_CASE("SET KEEPTTL keeps the deadline; plain SET, GETSET and MSET drop it") {
  CommandHarness h;
  CHECK(h.Run({"SET", "k", "v", "EX", "100"}) == "+OK\r\n");
  h.clock.Advance(1'000);
  CHECK(h.Run({"SET", "k", "v2", "KEEPTTL"}) == "+OK\r\n");
  CHECK(h.Run({"PTTL", "k"}) == ":99000\r\n");
  CHECK(h.Run({"SET", "k", "v3", "XX", "GET", "KEEPTTL"}) == "$2\r\nv2\r\n");
  CHECK(h.Run({"PTTL", "k"}) == ":99000\r\n");
  CHECK(h.Run({"SET", "k", "v4"}) == "+OK\r\n");
  CHECK(h.Run({"PTTL", "k"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "v", "EX", "100"}) == "+OK\r\n");
  CHECK(h.Run({"GETSET", "k", "w"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"PTTL", "k"}) == ":-1\r\n");
  CHECK(h.Run({"SET", "k", "v", "EX", "100"}) == "+OK\r\n");
  CHECK(h.Run({"MSET", "k", "w", "j", "x"}) == "+OK\r\n");
  CHECK(h.Run({"PTTL", "k"}) == ":-1\r\n");
}

TEST_CASE("INCR, INCRBYFLOAT, APPEND, SETRANGE keep the TTL of the key they change") {
  CommandHarness h;
  CHECK(h.Run({"SET", "n", "5", "EX", "100"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "s", "ab", "PX", "50000"}) == "+OK\r\n");
  h.clock.Advance(1'000);
  CHECK(h.Run({"INCR", "n"}) == ":6\r\n");
  CHECK(h.Run({"DECRBY", "n", "2"}) == ":4\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "n", "0.5"}) == "$3\r\n4.5\r\n");
  CHECK(h.Run({"PTTL", "n"}) == ":99000\r\n");
  CHECK(h.Run({"APPEND", "s", "cd"}) == ":4\r\n");
  CHECK(h.Run({"SETRANGE", "s", "6", "x"}) == ":7\r\n");
  CHECK(h.Run({"GET", "s"}) == "$7\r\nabcd\x00\x00x\r\n"sv);
  CHECK(h.Run({"PTTL", "s"}) == ":49000\r\n");
}

TEST_CASE("Writes to an expired key start from nothing, without the old TTL") {
  CommandHarness h;
  CHECK(h.Run({"SET", "n", "41", "PX", "100"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "s", "old", "PX", "100"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "x", "old", "PX", "100"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "g", "old", "PX", "100"}) == "+OK\r\n");
  h.clock.Advance(200);
  CHECK(h.Run({"INCR", "n"}) == ":1\r\n");
  CHECK(h.Run({"APPEND", "s", "new"}) == ":3\r\n");
  CHECK(h.Run({"GET", "s"}) == "$3\r\nnew\r\n");
  CHECK(h.Run({"PTTL", "s"}) == ":-1\r\n");
  CHECK(h.Run({"SETNX", "x", "v"}) == ":1\r\n");
  CHECK(h.Run({"SET", "g", "v", "GET"}) == "$-1\r\n");
  CHECK(h.Run({"PTTL", "n"}) == ":-1\r\n");
}

TEST_CASE("GETEX sets, replaces or removes the TTL, and leaves it alone without options") {
  CommandHarness h;
  CHECK(h.Run({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"GETEX", "k", "EX", "100"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"PTTL", "k"}) == ":100000\r\n");
  CHECK(h.Run({"GETEX", "k", "PX", "5000"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"PTTL", "k"}) == ":5000\r\n");
  h.clock.Advance(1'000);
  CHECK(h.Run({"GETEX", "k"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"PTTL", "k"}) == ":4000\r\n");
  CHECK(h.Run({"GETEX", "k", "EXAT", std::to_string(kNow / 1000 + 61)}) == "$1\r\nv\r\n");
  CHECK(h.Run({"PTTL", "k"}) == ":60000\r\n");
  CHECK(h.Run({"GETEX", "k", "PXAT", std::to_string(kNow + 1'000 + 750)}) == "$1\r\nv\r\n");
  CHECK(h.Run({"PTTL", "k"}) == ":750\r\n");
  CHECK(h.Run({"GETEX", "k", "PERSIST"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"PTTL", "k"}) == ":-1\r\n");
  h.clock.Advance(10'000);
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"GETEX", "k", "PXAT", std::to_string(kNow)}) == "$1\r\nv\r\n");
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
}

TEST_CASE("GETDEL and GETEX on an expired key reply nil") {
  CommandHarness h;
  CHECK(h.Run({"SET", "a", "v", "PX", "10"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "b", "v", "PX", "10"}) == "+OK\r\n");
  h.clock.Advance(20);
  CHECK(h.Run({"GETDEL", "a"}) == "$-1\r\n");
  CHECK(h.Run({"GETEX", "b", "PERSIST"}) == "$-1\r\n");
  CHECK(h.Run({"STRLEN", "b"}) == ":0\r\n");
}

// ---- Keyspace counters and CLIENT NO-TOUCH ----

TEST_CASE("Reads count keyspace hits and misses; writes that look a key up count neither") {
  CommandHarness h;
  // The same 20 commands on redis-server 7.0.15 after CONFIG RESETSTAT left
  // keyspace_hits:11 and keyspace_misses:5.
  for (auto args : std::initializer_list<std::initializer_list<std::string_view>>{
           {"GET", "nokey"}, {"SET", "k", "v", "NX"}, {"INCR", "n"}, {"APPEND", "k", "x"},
           {"SETBIT", "b", "1", "1"}, {"GET", "k"}, {"SET", "k", "v2", "GET"},
           {"MGET", "k", "nokey"}, {"STRLEN", "k"}, {"GETRANGE", "k", "0", "1"},
           {"BITCOUNT", "k"}, {"GETEX", "k"}, {"LCS", "k", "nokey"},
           {"BITOP", "AND", "d", "k", "nokey"}, {"BITFIELD", "k", "GET", "u8", "0"},
           {"BITFIELD", "k", "SET", "u8", "0", "1"}, {"SETRANGE", "k", "0", "x"},
           {"MSETNX", "k", "1"}, {"GETDEL", "k"}, {"GETSET", "k", "1"}}) {
    h.Run(args);
  }
  CHECK(h.engine.stats().keyspace_hits == 11);
  CHECK(h.engine.stats().keyspace_misses == 5);
}

TEST_CASE("CLIENT NO-TOUCH: GET leaves the LRU order alone") {
  CommandHarness h;
  h.engine.SetLimits({.maxkeys = 2});
  CHECK(h.Run({"SET", "old", "1"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "new", "2"}) == "+OK\r\n");
  h.client.no_touch = true;
  CHECK(h.Run({"GET", "old"}) == "$1\r\n1\r\n");
  h.client.no_touch = false;
  CHECK(h.Run({"SET", "third", "3"}) == "+OK\r\n");  // evicts the least recently used key
  CHECK(h.Run({"MGET", "old", "new", "third"}) == "*3\r\n$-1\r\n$1\r\n2\r\n$1\r\n3\r\n");
}

TEST_CASE("GET touches the key, so the other one is evicted") {
  CommandHarness h;
  h.engine.SetLimits({.maxkeys = 2});
  CHECK(h.Run({"SET", "old", "1"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "new", "2"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "old"}) == "$1\r\n1\r\n");
  CHECK(h.Run({"SET", "third", "3"}) == "+OK\r\n");
  CHECK(h.Run({"MGET", "old", "new", "third"}) == "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n");
}

// ---- Memory limit ----

// Redis admits a DENYOOM command once (the Dispatcher's -OOM check) and then never refuses its
// writes, so MSETNX under noeviction stores every pair even when it crosses maxmemory, and the
// next DENYOOM command is the one refused. Checked on redis-server 7.0.15 (noeviction,
// maxmemory = used_memory + 60000, MSETNX of 8 x 6000 bytes: 1, both keys exist, SET: -OOM).
TEST_CASE("MSETNX under noeviction: admitted once, it stores all its keys past the limit") {
  CommandHarness h;
  CHECK(h.Run({"SET", "seed", "x"}) == "+OK\r\n");
  lrukv::engine::Limits limits;
  limits.maxmemory_bytes = h.engine.used_memory() + 200;
  limits.policy = lrukv::engine::EvictionPolicy::kNoEviction;
  h.engine.SetLimits(limits);
  std::vector<std::string_view> args = {"MSETNX"};
  const std::string value(40, 'v');
  const std::vector<std::string> keys = {"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"};
  for (const std::string& key : keys) {
    args.push_back(key);
    args.push_back(value);
  }
  CHECK(h.Run(args) == ":1\r\n");
  CHECK(h.Run({"EXISTS", "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"}) == ":8\r\n");
  CHECK(h.engine.OverMemoryLimit());
  CHECK(h.Run({"SET", "after", "v"}) ==
        "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
  CHECK(h.Run({"GET", "seed"}) == "$1\r\nx\r\n");
}

// ---- Command table rows ----

TEST_CASE("String rows carry Redis 7.0's arity, flags, keys, ACL categories and docs") {
  CommandHarness h;
  const lrukv::cmd::CommandSpec* set = h.table.Find("SET");
  REQUIRE(set != nullptr);
  CHECK(set->arity == -3);
  CHECK(set->flags == (lrukv::cmd::kWrite | lrukv::cmd::kDenyOom));
  CHECK(set->acl_categories == "@write @string @slow");
  CHECK(set->group == "string");
  const lrukv::cmd::CommandSpec* mset = h.table.Find("mset");
  REQUIRE(mset != nullptr);
  CHECK(mset->first_key == 1);
  CHECK(mset->last_key == -1);
  CHECK(mset->key_step == 2);
  const lrukv::cmd::CommandSpec* lcs = h.table.Find("lcs");
  REQUIRE(lcs != nullptr);
  CHECK(lcs->last_key == 2);
  CHECK(lcs->since == "7.0.0");
  const lrukv::cmd::CommandSpec* bitop = h.table.Find("bitop");
  REQUIRE(bitop != nullptr);
  CHECK(bitop->first_key == 2);
  CHECK(bitop->group == "bitmap");
  CHECK(bitop->acl_categories == "@write @bitmap @slow");
}

// ---- Transcripts from redis-server 7.0.15 (generated section) ----
// Regenerate: tools/gen_transcript_tests.py PORT < tests/commands/transcripts/string_commands.txt

TEST_CASE("GET: a missing key is nil, a stored value comes back byte for byte") {
  CommandHarness h;
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
  CHECK(h.Run({"SET", "k", "a\x00\xff" "b"sv}) == "+OK\r\n");
  CHECK(h.Run({"GET", "k"}) == "$4\r\na\x00\xff" "b\r\n"sv);
  CHECK(h.Run({"SET", "empty", ""}) == "+OK\r\n");
  CHECK(h.Run({"GET", "empty"}) == "$0\r\n\r\n");
  CHECK(h.Run({"GET"}) == "-ERR wrong number of arguments for 'get' command\r\n");
  CHECK(h.Run({"GET", "a", "b"}) == "-ERR wrong number of arguments for 'get' command\r\n");
}

TEST_CASE("SET: plain SET replies OK and overwrites") {
  CommandHarness h;
  CHECK(h.Run({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "k", "v2"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "k"}) == "$2\r\nv2\r\n");
  CHECK(h.Run({"SET", "k"}) == "-ERR wrong number of arguments for 'set' command\r\n");
  CHECK(h.Run({"SET", "K", "v3"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "k"}) == "$2\r\nv2\r\n");
}

TEST_CASE("SET NX/XX: a refused write replies nil and changes nothing") {
  CommandHarness h;
  CHECK(h.Run({"SET", "k", "v", "NX"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "k", "other", "NX"}) == "$-1\r\n");
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"SET", "k", "v2", "XX"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "k"}) == "$2\r\nv2\r\n");
  CHECK(h.Run({"SET", "missing", "v", "XX"}) == "$-1\r\n");
  CHECK(h.Run({"GET", "missing"}) == "$-1\r\n");
  CHECK(h.Run({"SET", "k", "v", "NX", "NX"}) == "$-1\r\n");
  CHECK(h.Run({"set", "k", "v3", "xx"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "k"}) == "$2\r\nv3\r\n");
}

TEST_CASE("SET GET: replies with the old value, also when NX or XX stops the write") {
  CommandHarness h;
  CHECK(h.Run({"SET", "k", "v", "GET"}) == "$-1\r\n");
  CHECK(h.Run({"SET", "k", "v2", "GET"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"GET", "k"}) == "$2\r\nv2\r\n");
  CHECK(h.Run({"SET", "k", "v3", "NX", "GET"}) == "$2\r\nv2\r\n");
  CHECK(h.Run({"GET", "k"}) == "$2\r\nv2\r\n");
  CHECK(h.Run({"SET", "other", "v", "NX", "GET"}) == "$-1\r\n");
  CHECK(h.Run({"GET", "other"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"SET", "missing", "v", "XX", "GET"}) == "$-1\r\n");
  CHECK(h.Run({"GET", "missing"}) == "$-1\r\n");
  CHECK(h.Run({"SET", "k", "v4", "GET", "GET"}) == "$2\r\nv2\r\n");
  CHECK(h.Run({"GET", "k"}) == "$2\r\nv4\r\n");
}

TEST_CASE("SET: conflicting or unknown options are syntax errors") {
  CommandHarness h;
  CHECK(h.Run({"SET", "k", "v", "NX", "XX"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SET", "k", "v", "XX", "NX"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SET", "k", "v", "EX", "10", "PX", "10"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SET", "k", "v", "PX", "10", "EXAT", "10"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SET", "k", "v", "EX", "10", "PXAT", "10"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SET", "k", "v", "KEEPTTL", "EX", "10"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SET", "k", "v", "EX", "10", "KEEPTTL"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SET", "k", "v", "PERSIST"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SET", "k", "v", "EX"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SET", "k", "v", "PXAT"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SET", "k", "v", "FOO"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SET", "k", "v", "GET", "FOO"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
}

TEST_CASE("SET: the same TTL option twice is allowed and the last one wins") {
  CommandHarness h;
  CHECK(h.Run({"SET", "k", "v", "EX", "10", "EX", "20"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "k", "v", "PX", "10", "px", "20"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
}

TEST_CASE("SET EX/PX: non-integer, zero, negative and overflowing TTLs are refused") {
  CommandHarness h;
  CHECK(h.Run({"SET", "k", "v", "EX", "abc"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SET", "k", "v", "EX", "1.5"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SET", "k", "v", "EX", " 1"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SET", "k", "v", "EX", "0"}) == "-ERR invalid expire time in 'set' command\r\n");
  CHECK(h.Run({"SET", "k", "v", "EX", "-1"}) == "-ERR invalid expire time in 'set' command\r\n");
  CHECK(h.Run({"SET", "k", "v", "PX", "0"}) == "-ERR invalid expire time in 'set' command\r\n");
  CHECK(h.Run({"SET", "k", "v", "PX", "-100"}) == "-ERR invalid expire time in 'set' command\r\n");
  CHECK(h.Run({"SET", "k", "v", "EXAT", "0"}) == "-ERR invalid expire time in 'set' command\r\n");
  CHECK(h.Run({"SET", "k", "v", "PXAT", "-1"}) == "-ERR invalid expire time in 'set' command\r\n");
  CHECK(h.Run({"SET", "k", "v", "EX", "9223372036854775807"}) ==
        "-ERR invalid expire time in 'set' command\r\n");
  CHECK(h.Run({"SET", "k", "v", "EX", "9223372036854776"}) ==
        "-ERR invalid expire time in 'set' command\r\n");
  CHECK(h.Run({"SET", "k", "v", "EX", "9223372036854775"}) ==
        "-ERR invalid expire time in 'set' command\r\n");
  CHECK(h.Run({"SET", "k", "v", "PX", "9223372036854775807"}) ==
        "-ERR invalid expire time in 'set' command\r\n");
  CHECK(h.Run({"SET", "k", "v", "PX", "9223372036854775806"}) ==
        "-ERR invalid expire time in 'set' command\r\n");
  CHECK(h.Run({"SET", "k", "v", "EXAT", "9223372036854775807"}) ==
        "-ERR invalid expire time in 'set' command\r\n");
  CHECK(h.Run({"SET", "k", "v", "EX", "9223372036854775808"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
}

TEST_CASE("SET EXAT/PXAT in the past: OK, and the key reads as gone") {
  CommandHarness h;
  CHECK(h.Run({"SET", "k", "v", "EXAT", "1"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
  CHECK(h.Run({"SET", "k", "v", "PXAT", "1", "GET"}) == "$-1\r\n");
  CHECK(h.Run({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "k", "v2", "PXAT", "1", "GET"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
}

TEST_CASE("SETNX: 1 when set, 0 when the key exists") {
  CommandHarness h;
  CHECK(h.Run({"SETNX", "k", "v"}) == ":1\r\n");
  CHECK(h.Run({"SETNX", "k", "v2"}) == ":0\r\n");
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"SETNX", "k"}) == "-ERR wrong number of arguments for 'setnx' command\r\n");
  CHECK(h.Run({"SETNX", "k", "v", "extra"}) ==
        "-ERR wrong number of arguments for 'setnx' command\r\n");
}

TEST_CASE("SETEX and PSETEX: TTL checked with their own names in the error") {
  CommandHarness h;
  CHECK(h.Run({"SETEX", "k", "0", "v"}) == "-ERR invalid expire time in 'setex' command\r\n");
  CHECK(h.Run({"SETEX", "k", "-1", "v"}) == "-ERR invalid expire time in 'setex' command\r\n");
  CHECK(h.Run({"SETEX", "k", "abc", "v"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SETEX", "k", "9223372036854775807", "v"}) ==
        "-ERR invalid expire time in 'setex' command\r\n");
  CHECK(h.Run({"SETEX", "k", "9223372036854775", "v"}) ==
        "-ERR invalid expire time in 'setex' command\r\n");
  CHECK(h.Run({"PSETEX", "k", "0", "v"}) == "-ERR invalid expire time in 'psetex' command\r\n");
  CHECK(h.Run({"PSETEX", "k", "-5", "v"}) == "-ERR invalid expire time in 'psetex' command\r\n");
  CHECK(h.Run({"PSETEX", "k", "9223372036854775807", "v"}) ==
        "-ERR invalid expire time in 'psetex' command\r\n");
  CHECK(h.Run({"PSETEX", "k", "1.5", "v"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
  CHECK(h.Run({"SETEX", "k", "10", "v"}) == "+OK\r\n");
  CHECK(h.Run({"PSETEX", "k2", "1000", "v"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"GET", "k2"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"SETEX", "k", "10"}) == "-ERR wrong number of arguments for 'setex' command\r\n");
  CHECK(h.Run({"PSETEX", "k", "10"}) == "-ERR wrong number of arguments for 'psetex' command\r\n");
}

TEST_CASE("GETEX: options are parsed before the lookup, the TTL value only for an existing key") {
  CommandHarness h;
  CHECK(h.Run({"GETEX", "nokey"}) == "$-1\r\n");
  CHECK(h.Run({"GETEX", "nokey", "EX", "10"}) == "$-1\r\n");
  CHECK(h.Run({"GETEX", "nokey", "EX", "0"}) == "$-1\r\n");
  CHECK(h.Run({"GETEX", "nokey", "EX", "abc"}) == "$-1\r\n");
  CHECK(h.Run({"GETEX", "nokey", "FOO"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"GETEX", "k"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"GETEX", "k", "EX", "0"}) == "-ERR invalid expire time in 'getex' command\r\n");
  CHECK(h.Run({"GETEX", "k", "EX", "-5"}) == "-ERR invalid expire time in 'getex' command\r\n");
  CHECK(h.Run({"GETEX", "k", "PX", "0"}) == "-ERR invalid expire time in 'getex' command\r\n");
  CHECK(h.Run({"GETEX", "k", "EXAT", "0"}) == "-ERR invalid expire time in 'getex' command\r\n");
  CHECK(h.Run({"GETEX", "k", "PXAT", "-1"}) == "-ERR invalid expire time in 'getex' command\r\n");
  CHECK(h.Run({"GETEX", "k", "EX", "abc"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"GETEX", "k", "EX", "9223372036854775807"}) ==
        "-ERR invalid expire time in 'getex' command\r\n");
  CHECK(h.Run({"GETEX", "k", "PX", "9223372036854775806"}) ==
        "-ERR invalid expire time in 'getex' command\r\n");
  CHECK(h.Run({"GETEX", "k", "EXAT", "9223372036854775807"}) ==
        "-ERR invalid expire time in 'getex' command\r\n");
  CHECK(h.Run({"GETEX", "k", "EX"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"GETEX", "k", "EX", "10", "PX", "10"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"GETEX", "k", "PERSIST", "EX", "10"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"GETEX", "k", "EX", "10", "PERSIST"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"GETEX", "k", "KEEPTTL"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"GETEX", "k", "NX"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"GETEX", "k", "GET"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"GETEX", "k", "EX", "10", "FOO"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"GETEX", "k", "PERSIST", "PERSIST"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"GETEX", "k", "EX", "10", "EX", "20"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"GETEX", "k", "persist"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"GETEX"}) == "-ERR wrong number of arguments for 'getex' command\r\n");
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
}

TEST_CASE("GETEX EXAT/PXAT in the past: the value is returned and the key deleted") {
  CommandHarness h;
  CHECK(h.Run({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"GETEX", "k", "EXAT", "1"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
  CHECK(h.Run({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"GETEX", "k", "PXAT", "1"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
}

TEST_CASE("GETDEL: returns the value and removes the key") {
  CommandHarness h;
  CHECK(h.Run({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"GETDEL", "k"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"GETDEL", "k"}) == "$-1\r\n");
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
  CHECK(h.Run({"GETDEL"}) == "-ERR wrong number of arguments for 'getdel' command\r\n");
  CHECK(h.Run({"GETDEL", "a", "b"}) == "-ERR wrong number of arguments for 'getdel' command\r\n");
}

TEST_CASE("GETSET: returns the old value (nil if none) and stores the new one") {
  CommandHarness h;
  CHECK(h.Run({"GETSET", "k", "a"}) == "$-1\r\n");
  CHECK(h.Run({"GETSET", "k", "b"}) == "$1\r\na\r\n");
  CHECK(h.Run({"GET", "k"}) == "$1\r\nb\r\n");
  CHECK(h.Run({"GETSET", "k"}) == "-ERR wrong number of arguments for 'getset' command\r\n");
  CHECK(h.Run({"GETSET", "k", "a", "b"}) ==
        "-ERR wrong number of arguments for 'getset' command\r\n");
}

TEST_CASE("MGET: one reply per key, nil for missing keys, in order") {
  CommandHarness h;
  CHECK(h.Run({"MSET", "a", "1", "b", "2"}) == "+OK\r\n");
  CHECK(h.Run({"MGET", "a", "nokey", "b", "a"}) ==
        "*4\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n$1\r\n1\r\n");
  CHECK(h.Run({"MGET", "nokey"}) == "*1\r\n$-1\r\n");
  CHECK(h.Run({"MGET"}) == "-ERR wrong number of arguments for 'mget' command\r\n");
}

TEST_CASE("MSET: pairs are stored left to right, an odd count is an arity error") {
  CommandHarness h;
  CHECK(h.Run({"MSET", "a", "1", "b", "2"}) == "+OK\r\n");
  CHECK(h.Run({"MGET", "a", "b"}) == "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  CHECK(h.Run({"MSET", "a", "x", "a", "y"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "a"}) == "$1\r\ny\r\n");
  CHECK(h.Run({"MSET", "a", "1", "b"}) == "-ERR wrong number of arguments for 'mset' command\r\n");
  CHECK(h.Run({"MSET", "a"}) == "-ERR wrong number of arguments for 'mset' command\r\n");
  CHECK(h.Run({"MSET"}) == "-ERR wrong number of arguments for 'mset' command\r\n");
}

TEST_CASE("MSETNX: sets all keys or none") {
  CommandHarness h;
  CHECK(h.Run({"MSETNX", "a", "1", "b", "2"}) == ":1\r\n");
  CHECK(h.Run({"MGET", "a", "b"}) == "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  CHECK(h.Run({"MSETNX", "a", "9", "c", "3"}) == ":0\r\n");
  CHECK(h.Run({"MGET", "a", "c"}) == "*2\r\n$1\r\n1\r\n$-1\r\n");
  CHECK(h.Run({"MSETNX", "c", "3", "c", "4"}) == ":1\r\n");
  CHECK(h.Run({"GET", "c"}) == "$1\r\n4\r\n");
  CHECK(h.Run({"MSETNX", "d", "1", "e"}) ==
        "-ERR wrong number of arguments for 'msetnx' command\r\n");
  CHECK(h.Run({"MSETNX", "d"}) == "-ERR wrong number of arguments for 'msetnx' command\r\n");
}

TEST_CASE("INCR DECR INCRBY DECRBY: arithmetic on a missing key starts from 0") {
  CommandHarness h;
  CHECK(h.Run({"INCR", "n"}) == ":1\r\n");
  CHECK(h.Run({"INCR", "n"}) == ":2\r\n");
  CHECK(h.Run({"DECR", "n"}) == ":1\r\n");
  CHECK(h.Run({"INCRBY", "n", "10"}) == ":11\r\n");
  CHECK(h.Run({"INCRBY", "n", "-3"}) == ":8\r\n");
  CHECK(h.Run({"DECRBY", "n", "5"}) == ":3\r\n");
  CHECK(h.Run({"DECRBY", "n", "-5"}) == ":8\r\n");
  CHECK(h.Run({"INCRBY", "n", "0"}) == ":8\r\n");
  CHECK(h.Run({"GET", "n"}) == "$1\r\n8\r\n");
  CHECK(h.Run({"DECR", "m"}) == ":-1\r\n");
  CHECK(h.Run({"GET", "m"}) == "$2\r\n-1\r\n");
  CHECK(h.Run({"INCR"}) == "-ERR wrong number of arguments for 'incr' command\r\n");
  CHECK(h.Run({"INCRBY", "n"}) == "-ERR wrong number of arguments for 'incrby' command\r\n");
  CHECK(h.Run({"DECRBY", "n", "1", "2"}) ==
        "-ERR wrong number of arguments for 'decrby' command\r\n");
}

TEST_CASE("INCRBY: the increment must be a strict 64-bit integer") {
  CommandHarness h;
  CHECK(h.Run({"INCRBY", "n", "abc"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"INCRBY", "n", "1.5"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"INCRBY", "n", ""}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"INCRBY", "n", " 1"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"INCRBY", "n", "1 "}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"INCRBY", "n", "+1"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"INCRBY", "n", "01"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"INCRBY", "n", "-0"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"INCRBY", "n", "9223372036854775808"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"INCRBY", "n", "-9223372036854775809"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"INCRBY", "n", "123456789012345678901"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"DECRBY", "n", "x"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"INCRBY", "n", "-9223372036854775808"}) == ":-9223372036854775808\r\n");
  CHECK(h.Run({"GET", "n"}) == "$20\r\n-9223372036854775808\r\n");
}

TEST_CASE("INCR: a stored value that is not a strict integer is an error") {
  CommandHarness h;
  CHECK(h.Run({"SET", "s", "abc"}) == "+OK\r\n");
  CHECK(h.Run({"INCR", "s"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SET", "s", " 1"}) == "+OK\r\n");
  CHECK(h.Run({"INCR", "s"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SET", "s", "1 "}) == "+OK\r\n");
  CHECK(h.Run({"INCR", "s"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SET", "s", "+1"}) == "+OK\r\n");
  CHECK(h.Run({"DECR", "s"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SET", "s", "01"}) == "+OK\r\n");
  CHECK(h.Run({"INCR", "s"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SET", "s", "-0"}) == "+OK\r\n");
  CHECK(h.Run({"INCR", "s"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SET", "s", ""}) == "+OK\r\n");
  CHECK(h.Run({"INCR", "s"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SET", "s", "-"}) == "+OK\r\n");
  CHECK(h.Run({"INCR", "s"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SET", "s", "1.0"}) == "+OK\r\n");
  CHECK(h.Run({"INCRBY", "s", "1"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SET", "s", "1\x00" "2"sv}) == "+OK\r\n");
  CHECK(h.Run({"INCR", "s"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SET", "s", "123456789012345678901"}) == "+OK\r\n");
  CHECK(h.Run({"INCR", "s"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"GET", "s"}) == "$21\r\n123456789012345678901\r\n");
}

TEST_CASE("INCR: overflow past int64 is refused and leaves the value alone") {
  CommandHarness h;
  CHECK(h.Run({"SET", "n", "9223372036854775807"}) == "+OK\r\n");
  CHECK(h.Run({"INCR", "n"}) == "-ERR increment or decrement would overflow\r\n");
  CHECK(h.Run({"INCRBY", "n", "1"}) == "-ERR increment or decrement would overflow\r\n");
  CHECK(h.Run({"INCRBY", "n", "0"}) == ":9223372036854775807\r\n");
  CHECK(h.Run({"INCRBY", "n", "-1"}) == ":9223372036854775806\r\n");
  CHECK(h.Run({"GET", "n"}) == "$19\r\n9223372036854775806\r\n");
  CHECK(h.Run({"SET", "n", "-9223372036854775808"}) == "+OK\r\n");
  CHECK(h.Run({"DECR", "n"}) == "-ERR increment or decrement would overflow\r\n");
  CHECK(h.Run({"INCRBY", "n", "-1"}) == "-ERR increment or decrement would overflow\r\n");
  CHECK(h.Run({"INCRBY", "n", "1"}) == ":-9223372036854775807\r\n");
  CHECK(h.Run({"SET", "n", "0"}) == "+OK\r\n");
  CHECK(h.Run({"DECRBY", "n", "-9223372036854775808"}) == "-ERR decrement would overflow\r\n");
  CHECK(h.Run({"DECRBY", "n", "9223372036854775807"}) == ":-9223372036854775807\r\n");
  CHECK(h.Run({"DECRBY", "n", "1"}) == ":-9223372036854775808\r\n");
  CHECK(h.Run({"DECRBY", "n", "1"}) == "-ERR increment or decrement would overflow\r\n");
  CHECK(h.Run({"GET", "n"}) == "$20\r\n-9223372036854775808\r\n");
  CHECK(h.Run({"SET", "n", "-1"}) == "+OK\r\n");
  CHECK(h.Run({"INCR", "n"}) == ":0\r\n");
  CHECK(h.Run({"INCR", "n"}) == ":1\r\n");
  CHECK(h.Run({"SET", "n", "00"}) == "+OK\r\n");
  CHECK(h.Run({"INCR", "n"}) == "-ERR value is not an integer or out of range\r\n");
}

TEST_CASE("INCRBYFLOAT: results are printed without trailing zeros") {
  CommandHarness h;
  CHECK(h.Run({"INCRBYFLOAT", "f", "1.5"}) == "$3\r\n1.5\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "0.1"}) == "$3\r\n1.6\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "-1.6"}) == "$1\r\n0\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "3.0e3"}) == "$4\r\n3000\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", ".5"}) == "$6\r\n3000.5\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "5."}) == "$6\r\n3005.5\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "+2"}) == "$6\r\n3007.5\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "-0"}) == "$6\r\n3007.5\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "0x10"}) == "$6\r\n3023.5\r\n");
  CHECK(h.Run({"GET", "f"}) == "$6\r\n3023.5\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "g", "0.1"}) == "$3\r\n0.1\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "g", "0.2"}) == "$3\r\n0.3\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "g", "1e-20"}) == "$3\r\n0.3\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "g", "1e20"}) == "$21\r\n100000000000000000000\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "h", "1e-30"}) == "$1\r\n0\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "i", "-1e-18"}) == "$1\r\n0\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "j", "123456789012345678901234567890"}) ==
        "$30\r\n123456789012345678899921813504\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "k", "1e17"}) == "$18\r\n100000000000000000\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "k", "0.5"}) == "$20\r\n100000000000000000.5\r\n");
  CHECK(h.Run({"SET", "l", "10.50"}) == "+OK\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "l", "0"}) == "$4\r\n10.5\r\n");
  CHECK(h.Run({"SET", "l", "5.0e3"}) == "+OK\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "l", "2.0e2"}) == "$4\r\n5200\r\n");
  CHECK(h.Run({"SET", "l", "1e3"}) == "+OK\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "l", "1"}) == "$4\r\n1001\r\n");
  CHECK(h.Run({"SET", "l", "0x1a"}) == "+OK\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "l", "1"}) == "$2\r\n27\r\n");
  CHECK(h.Run({"SET", "l", "7"}) == "+OK\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "l", "-7"}) == "$1\r\n0\r\n");
}

TEST_CASE("INCRBYFLOAT: long double range, far beyond a double") {
  CommandHarness h;
  CHECK(h.Run({"INCRBYFLOAT", "f", "1e308"}) ==
        "$308\r\n99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "1e308"}) ==
        "$309\r\n199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096\r\n");
  CHECK(h.Run({"SET", "g", "1e400"}) == "+OK\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "g", "1"}) ==
        "$401\r\n10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "h", "1e-4940"}) == "$1\r\n0\r\n");
}

TEST_CASE("INCRBYFLOAT: invalid floats, NaN and infinity") {
  CommandHarness h;
  CHECK(h.Run({"INCRBYFLOAT", "f", "abc"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", ""}) == "-ERR value is not a valid float\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", " 1"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "1 "}) == "-ERR value is not a valid float\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "1.1.1"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "nan"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "1\x00" "2"sv}) == "-ERR value is not a valid float\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "1e5000"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "1e-5000"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "inf"}) == "-ERR increment would produce NaN or Infinity\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "-inf"}) == "-ERR increment would produce NaN or Infinity\r\n");
  CHECK(h.Run({"SET", "s", "abc"}) == "+OK\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "s", "1"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.Run({"SET", "s", " 1"}) == "+OK\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "s", "1"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.Run({"SET", "s", ""}) == "+OK\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "s", "1"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.Run({"SET", "s", "inf"}) == "+OK\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "s", "1"}) == "-ERR increment would produce NaN or Infinity\r\n");
  CHECK(h.Run({"SET", "s", "1"}) == "+OK\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "s", "nan"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.Run({"GET", "s"}) == "$1\r\n1\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "s"}) ==
        "-ERR wrong number of arguments for 'incrbyfloat' command\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "s", "1", "2"}) ==
        "-ERR wrong number of arguments for 'incrbyfloat' command\r\n");
}

TEST_CASE("APPEND: creates, extends, and answers the new length") {
  CommandHarness h;
  CHECK(h.Run({"APPEND", "a", "hello"}) == ":5\r\n");
  CHECK(h.Run({"APPEND", "a", " world"}) == ":11\r\n");
  CHECK(h.Run({"GET", "a"}) == "$11\r\nhello world\r\n");
  CHECK(h.Run({"APPEND", "a", ""}) == ":11\r\n");
  CHECK(h.Run({"APPEND", "b", ""}) == ":0\r\n");
  CHECK(h.Run({"GET", "b"}) == "$0\r\n\r\n");
  CHECK(h.Run({"STRLEN", "b"}) == ":0\r\n");
  CHECK(h.Run({"APPEND", "a", "\x00\xff"sv}) == ":13\r\n");
  CHECK(h.Run({"GET", "a"}) == "$13\r\nhello world\x00\xff\r\n"sv);
  CHECK(h.Run({"APPEND", "a"}) == "-ERR wrong number of arguments for 'append' command\r\n");
  CHECK(h.Run({"APPEND", "a", "b", "c"}) ==
        "-ERR wrong number of arguments for 'append' command\r\n");
}

TEST_CASE("STRLEN: byte length, 0 for a missing key") {
  CommandHarness h;
  CHECK(h.Run({"SET", "a", "hello"}) == "+OK\r\n");
  CHECK(h.Run({"STRLEN", "a"}) == ":5\r\n");
  CHECK(h.Run({"STRLEN", "nokey"}) == ":0\r\n");
  CHECK(h.Run({"SET", "e", ""}) == "+OK\r\n");
  CHECK(h.Run({"STRLEN", "e"}) == ":0\r\n");
  CHECK(h.Run({"SET", "z", "\x00\x00\x00"sv}) == "+OK\r\n");
  CHECK(h.Run({"STRLEN", "z"}) == ":3\r\n");
  CHECK(h.Run({"STRLEN"}) == "-ERR wrong number of arguments for 'strlen' command\r\n");
  CHECK(h.Run({"STRLEN", "a", "b"}) == "-ERR wrong number of arguments for 'strlen' command\r\n");
}

TEST_CASE("GETRANGE: inclusive, negative indexes from the end, clamped") {
  CommandHarness h;
  CHECK(h.Run({"SET", "a", "hello world"}) == "+OK\r\n");
  CHECK(h.Run({"GETRANGE", "a", "0", "4"}) == "$5\r\nhello\r\n");
  CHECK(h.Run({"GETRANGE", "a", "-5", "-1"}) == "$5\r\nworld\r\n");
  CHECK(h.Run({"GETRANGE", "a", "0", "-1"}) == "$11\r\nhello world\r\n");
  CHECK(h.Run({"GETRANGE", "a", "0", "100"}) == "$11\r\nhello world\r\n");
  CHECK(h.Run({"GETRANGE", "a", "5", "3"}) == "$0\r\n\r\n");
  CHECK(h.Run({"GETRANGE", "a", "-100", "-50"}) == "$1\r\nh\r\n");
  CHECK(h.Run({"GETRANGE", "a", "-100", "2"}) == "$3\r\nhel\r\n");
  CHECK(h.Run({"GETRANGE", "a", "100", "200"}) == "$0\r\n\r\n");
  CHECK(h.Run({"GETRANGE", "a", "11", "11"}) == "$0\r\n\r\n");
  CHECK(h.Run({"GETRANGE", "a", "10", "10"}) == "$1\r\nd\r\n");
  CHECK(h.Run({"GETRANGE", "a", "-1", "-5"}) == "$0\r\n\r\n");
  CHECK(h.Run({"GETRANGE", "a", "0", "-100"}) == "$1\r\nh\r\n");
  CHECK(h.Run({"GETRANGE", "a", "9223372036854775807", "9223372036854775807"}) == "$0\r\n\r\n");
  CHECK(h.Run({"GETRANGE", "a", "-9223372036854775808", "9223372036854775807"}) ==
        "$11\r\nhello world\r\n");
  CHECK(h.Run({"GETRANGE", "a", "3", "-9223372036854775808"}) == "$0\r\n\r\n");
  CHECK(h.Run({"GETRANGE", "nokey", "0", "1"}) == "$0\r\n\r\n");
  CHECK(h.Run({"GETRANGE", "nokey", "-1", "-5"}) == "$0\r\n\r\n");
  CHECK(h.Run({"SET", "e", ""}) == "+OK\r\n");
  CHECK(h.Run({"GETRANGE", "e", "0", "-1"}) == "$0\r\n\r\n");
  CHECK(h.Run({"GETRANGE", "e", "0", "0"}) == "$0\r\n\r\n");
  CHECK(h.Run({"GETRANGE", "e", "-1", "0"}) == "$0\r\n\r\n");
}

TEST_CASE("GETRANGE: indexes are checked before the key") {
  CommandHarness h;
  CHECK(h.Run({"SET", "a", "hello"}) == "+OK\r\n");
  CHECK(h.Run({"GETRANGE", "a", "abc", "1"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"GETRANGE", "a", "1", "abc"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"GETRANGE", "a", "1.0", "2"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"GETRANGE", "nokey", "0", "abc"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"GETRANGE", "a", "0"}) ==
        "-ERR wrong number of arguments for 'getrange' command\r\n");
  CHECK(h.Run({"GETRANGE", "a", "0", "1", "2"}) ==
        "-ERR wrong number of arguments for 'getrange' command\r\n");
}

TEST_CASE("SUBSTR: the old name of GETRANGE") {
  CommandHarness h;
  CHECK(h.Run({"SET", "a", "hello world"}) == "+OK\r\n");
  CHECK(h.Run({"SUBSTR", "a", "0", "4"}) == "$5\r\nhello\r\n");
  CHECK(h.Run({"SUBSTR", "a", "-5", "-1"}) == "$5\r\nworld\r\n");
  CHECK(h.Run({"SUBSTR", "nokey", "0", "1"}) == "$0\r\n\r\n");
  CHECK(h.Run({"SUBSTR", "a", "x", "1"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SUBSTR", "a", "0"}) == "-ERR wrong number of arguments for 'substr' command\r\n");
}

TEST_CASE("SETRANGE: writes at an offset, zero filling the gap") {
  CommandHarness h;
  CHECK(h.Run({"SETRANGE", "s", "0", "hello"}) == ":5\r\n");
  CHECK(h.Run({"SETRANGE", "s", "10", "world"}) == ":15\r\n");
  CHECK(h.Run({"GET", "s"}) == "$15\r\nhello\x00\x00\x00\x00\x00world\r\n"sv);
  CHECK(h.Run({"SETRANGE", "s", "1", "XYZ"}) == ":15\r\n");
  CHECK(h.Run({"GET", "s"}) == "$15\r\nhXYZo\x00\x00\x00\x00\x00world\r\n"sv);
  CHECK(h.Run({"SETRANGE", "s", "14", "!!"}) == ":16\r\n");
  CHECK(h.Run({"GET", "s"}) == "$16\r\nhXYZo\x00\x00\x00\x00\x00worl!!\r\n"sv);
  CHECK(h.Run({"SETRANGE", "s", "0", ""}) == ":16\r\n");
  CHECK(h.Run({"SETRANGE", "nokey", "5", ""}) == ":0\r\n");
  CHECK(h.Run({"GET", "nokey"}) == "$-1\r\n");
  CHECK(h.Run({"STRLEN", "nokey"}) == ":0\r\n");
  CHECK(h.Run({"SET", "e", ""}) == "+OK\r\n");
  CHECK(h.Run({"SETRANGE", "e", "0", ""}) == ":0\r\n");
  CHECK(h.Run({"SETRANGE", "e", "2", ""}) == ":0\r\n");
  CHECK(h.Run({"GET", "e"}) == "$0\r\n\r\n");
  CHECK(h.Run({"SETRANGE", "e", "2", "x"}) == ":3\r\n");
  CHECK(h.Run({"GET", "e"}) == "$3\r\n\x00\x00x\r\n"sv);
}

TEST_CASE("SETRANGE: bad offsets") {
  CommandHarness h;
  CHECK(h.Run({"SETRANGE", "s", "-1", "x"}) == "-ERR offset is out of range\r\n");
  CHECK(h.Run({"SETRANGE", "s", "abc", "x"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SETRANGE", "s", "1.5", "x"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SETRANGE", "s", "9223372036854775808", "x"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SETRANGE", "nokey", "-1", ""}) == "-ERR offset is out of range\r\n");
  CHECK(h.Run({"SETRANGE", "s", "0"}) ==
        "-ERR wrong number of arguments for 'setrange' command\r\n");
  CHECK(h.Run({"GET", "s"}) == "$-1\r\n");
}

TEST_CASE("SETRANGE and APPEND: results past proto-max-bulk-len are refused") {
  CommandHarness h;
  h.config.proto_max_bulk_len = 1048576;
  CHECK(h.Run({"SETRANGE", "s", "1048575", "x"}) == ":1048576\r\n");
  CHECK(h.Run({"STRLEN", "s"}) == ":1048576\r\n");
  CHECK(h.Run({"SETRANGE", "s", "1048575", "xy"}) ==
        "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
  CHECK(h.Run({"SETRANGE", "s", "1048576", "x"}) ==
        "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
  CHECK(h.Run({"SETRANGE", "s", "9223372036854775807", "x"}) ==
        "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
  CHECK(h.Run({"SETRANGE", "s", "9223372036854775807", ""}) == ":1048576\r\n");
  CHECK(h.Run({"SETRANGE", "nokey", "1048576", "x"}) ==
        "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
  CHECK(h.Run({"SETRANGE", "nokey", "99999999999", ""}) == ":0\r\n");
  CHECK(h.Run({"APPEND", "s", "x"}) ==
        "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
  CHECK(h.Run({"STRLEN", "s"}) == ":1048576\r\n");
  CHECK(h.Run({"SETRANGE", "t", "1048574", "x"}) == ":1048575\r\n");
  CHECK(h.Run({"APPEND", "t", "x"}) == ":1048576\r\n");
  CHECK(h.Run({"APPEND", "t", "x"}) ==
        "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
  CHECK(h.Run({"STRLEN", "t"}) == ":1048576\r\n");
}

TEST_CASE("LCS: the common subsequence, its length, or its matching ranges") {
  CommandHarness h;
  CHECK(h.Run({"MSET", "key1", "ohmytext", "key2", "mynewtext"}) == "+OK\r\n");
  CHECK(h.Run({"LCS", "key1", "key2"}) == "$6\r\nmytext\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "LEN"}) == ":6\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "IDX"}) ==
        "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4"}) ==
        "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}) ==
        "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "IDX", "WITHMATCHLEN"}) ==
        "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "idx", "withmatchlen", "minmatchlen", "0"}) ==
        "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "-5"}) ==
        "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "MINMATCHLEN", "3"}) == "$6\r\nmytext\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "WITHMATCHLEN"}) == "$6\r\nmytext\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "LEN", "WITHMATCHLEN"}) == ":6\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "LEN", "MINMATCHLEN", "3"}) == ":6\r\n");
  CHECK(h.Run({"LCS", "key1", "key1", "IDX", "WITHMATCHLEN"}) ==
        "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:7\r\n*2\r\n:0\r\n:7\r\n:8\r\n$3\r\nlen\r\n:8\r\n");
  CHECK(h.Run({"LCS", "key2", "key1", "IDX", "WITHMATCHLEN"}) ==
        "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:5\r\n:8\r\n*2\r\n:4\r\n:7\r\n:4\r\n*3\r\n*2\r\n:0\r\n:1\r\n*2\r\n:2\r\n:3\r\n:2\r\n$3\r\nlen\r\n:6\r\n");
}

TEST_CASE("LCS: missing keys read as empty strings") {
  CommandHarness h;
  CHECK(h.Run({"SET", "key1", "ohmytext"}) == "+OK\r\n");
  CHECK(h.Run({"LCS", "key1", "nokey"}) == "$0\r\n\r\n");
  CHECK(h.Run({"LCS", "nokey", "key1", "LEN"}) == ":0\r\n");
  CHECK(h.Run({"LCS", "nokey", "nokey2"}) == "$0\r\n\r\n");
  CHECK(h.Run({"LCS", "nokey", "nokey2", "LEN"}) == ":0\r\n");
  CHECK(h.Run({"LCS", "nokey", "nokey2", "IDX"}) ==
        "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n");
  CHECK(h.Run({"LCS", "nokey", "nokey2", "IDX", "WITHMATCHLEN"}) ==
        "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n");
}

TEST_CASE("LCS: ties break as Redis walks the table") {
  CommandHarness h;
  CHECK(h.Run({"MSET", "a", "ABCBDAB", "b", "BDCABA"}) == "+OK\r\n");
  CHECK(h.Run({"LCS", "a", "b"}) == "$4\r\nBDAB\r\n");
  CHECK(h.Run({"LCS", "a", "b", "IDX", "WITHMATCHLEN"}) ==
        "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:5\r\n:6\r\n*2\r\n:3\r\n:4\r\n:2\r\n*3\r\n*2\r\n:3\r\n:4\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:4\r\n");
  CHECK(h.Run({"LCS", "b", "a"}) == "$4\r\nBCBA\r\n");
  CHECK(h.Run({"LCS", "b", "a", "IDX", "WITHMATCHLEN"}) ==
        "*4\r\n$7\r\nmatches\r\n*4\r\n*3\r\n*2\r\n:5\r\n:5\r\n*2\r\n:5\r\n:5\r\n:1\r\n*3\r\n*2\r\n:4\r\n:4\r\n*2\r\n:3\r\n:3\r\n:1\r\n*3\r\n*2\r\n:2\r\n:2\r\n*2\r\n:2\r\n:2\r\n:1\r\n*3\r\n*2\r\n:0\r\n:0\r\n*2\r\n:1\r\n:1\r\n:1\r\n$3\r\nlen\r\n:4\r\n");
  CHECK(h.Run({"MSET", "c", "abc\x00" "def"sv, "d", "\x00" "de"sv}) == "+OK\r\n");
  CHECK(h.Run({"LCS", "c", "d"}) == "$3\r\n\x00" "de\r\n"sv);
  CHECK(h.Run({"LCS", "c", "d", "IDX", "WITHMATCHLEN"}) ==
        "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:3\r\n:5\r\n*2\r\n:0\r\n:2\r\n:3\r\n$3\r\nlen\r\n:3\r\n");
  CHECK(h.Run({"MSET", "e", "aaaa", "f", "aa"}) == "+OK\r\n");
  CHECK(h.Run({"LCS", "e", "f", "IDX", "WITHMATCHLEN"}) ==
        "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:2\r\n");
  CHECK(h.Run({"LCS", "f", "e", "IDX", "WITHMATCHLEN"}) ==
        "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:1\r\n*2\r\n:2\r\n:3\r\n:2\r\n$3\r\nlen\r\n:2\r\n");
  CHECK(h.Run({"MSET", "g", "abcxyzabc", "h", "xyzabcxyz"}) == "+OK\r\n");
  CHECK(h.Run({"LCS", "g", "h"}) == "$6\r\nxyzabc\r\n");
  CHECK(h.Run({"LCS", "g", "h", "IDX", "WITHMATCHLEN"}) ==
        "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:3\r\n:8\r\n*2\r\n:0\r\n:5\r\n:6\r\n$3\r\nlen\r\n:6\r\n");
  CHECK(h.Run({"LCS", "h", "g", "IDX", "MINMATCHLEN", "2"}) ==
        "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:3\r\n:8\r\n*2\r\n:0\r\n:5\r\n$3\r\nlen\r\n:6\r\n");
}

TEST_CASE("LCS: option errors") {
  CommandHarness h;
  CHECK(h.Run({"SET", "key1", "a"}) == "+OK\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "LEN", "IDX"}) ==
        "-ERR If you want both the length and indexes, please just use IDX.\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "IDX", "LEN"}) ==
        "-ERR If you want both the length and indexes, please just use IDX.\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "MINMATCHLEN", "abc"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "MINMATCHLEN"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "MINMATCHLEN", "9223372036854775808"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "FOO"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "IDX", "FOO"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"LCS", "key1"}) == "-ERR wrong number of arguments for 'lcs' command\r\n");
}

TEST_CASE("LCS: the DP table is bounded by proto-max-bulk-len") {
  CommandHarness h;
  h.config.proto_max_bulk_len = 1048576;
  CHECK(h.Run({"SET", "a", std::string(600, 'x')}) == "+OK\r\n");
  CHECK(h.Run({"SET", "b", std::string(600, 'y')}) == "+OK\r\n");
  CHECK(h.Run({"LCS", "a", "b", "LEN"}) ==
        "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n");
  CHECK(h.Run({"SET", "a", std::string(400, 'x')}) == "+OK\r\n");
  CHECK(h.Run({"SET", "b", std::string(400, 'x')}) == "+OK\r\n");
  CHECK(h.Run({"LCS", "a", "b", "LEN"}) == ":400\r\n");
  CHECK(h.Run({"SET", "a", std::string(511, 'x')}) == "+OK\r\n");
  CHECK(h.Run({"SET", "b", std::string(511, 'x')}) == "+OK\r\n");
  CHECK(h.Run({"LCS", "a", "b", "LEN"}) == ":511\r\n");
  CHECK(h.Run({"SET", "b", std::string(512, 'x')}) == "+OK\r\n");
  CHECK(h.Run({"LCS", "a", "b", "LEN"}) ==
        "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n");
}


TEST_CASE("RESP3: missing values are null, LCS IDX is a map") {
  CommandHarness h;
  h.client.protocol = 3;
  CHECK(h.Run({"GET", "nokey"}) == "_\r\n");
  CHECK(h.Run({"SET", "k", "v", "NX"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "k", "v2", "NX"}) == "_\r\n");
  CHECK(h.Run({"SET", "k", "v3", "XX", "GET"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"SET", "nokey", "v", "XX"}) == "_\r\n");
  CHECK(h.Run({"SET", "nokey", "v", "XX", "GET"}) == "_\r\n");
  CHECK(h.Run({"GETEX", "nokey"}) == "_\r\n");
  CHECK(h.Run({"GETDEL", "nokey"}) == "_\r\n");
  CHECK(h.Run({"GETSET", "nokey2", "v"}) == "_\r\n");
  CHECK(h.Run({"MGET", "k", "nokey"}) == "*2\r\n$2\r\nv3\r\n_\r\n");
  CHECK(h.Run({"INCRBYFLOAT", "f", "1.5"}) == "$3\r\n1.5\r\n");
  CHECK(h.Run({"MSET", "key1", "ohmytext", "key2", "mynewtext"}) == "+OK\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}) ==
        "%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "IDX"}) ==
        "%2\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n");
  CHECK(h.Run({"LCS", "nokey", "nokey3", "IDX"}) ==
        "%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n");
  CHECK(h.Run({"LCS", "key1", "key2", "LEN"}) == ":6\r\n");
  CHECK(h.Run({"GETRANGE", "nokey", "0", "1"}) == "$0\r\n\r\n");
}

